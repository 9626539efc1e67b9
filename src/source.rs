//! Loaded input files: a display path, the text, and line starts so that a
//! byte offset becomes a line and column for a diagnostic.
//!
//! This module owns no policy about where files come from; `workspace` does.

use std::ops::Range;

/// One file's text as it was read, addressed by its workspace-relative path.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Workspace-relative path with `/` separators (or `builtin:ID`).
    pub path: String,
    /// The whole text.
    pub text: String,
    line_starts: Vec<usize>,
}

/// A 1-based position: line and column, the column counted in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl SourceFile {
    /// Wrap a file's text.
    pub fn new(path: impl Into<String>, text: impl Into<String>) -> Self {
        let text = text.into();
        let line_starts = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
        SourceFile { path: path.into(), text, line_starts }
    }

    /// The 1-based line and character column of a byte offset (clamped to the text).
    pub fn position(&self, offset: usize) -> Position {
        let offset = floor_char_boundary(&self.text, offset.min(self.text.len()));
        let line = self.line_starts.partition_point(|&start| start <= offset) - 1;
        let column = self.text[self.line_starts[line]..offset].chars().count() + 1;
        Position { line: line + 1, column }
    }

    /// Start and end positions of a byte range (the end is exclusive, like the range).
    pub fn range(&self, span: &Range<usize>) -> (Position, Position) {
        (self.position(span.start), self.position(span.end.max(span.start)))
    }
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_lines_and_characters_from_one() {
        let file = SourceFile::new("a.toml", "id = 1\nname = \"Łódź\" x\n");
        assert_eq!(file.position(0), Position { line: 1, column: 1 });
        assert_eq!(file.position(7), Position { line: 2, column: 1 });
        // "x" follows a name with three two-byte characters.
        let x = file.text.find(" x").unwrap() + 1;
        assert_eq!(file.position(x), Position { line: 2, column: 15 });
        assert_eq!(file.position(10_000).line, 3);
    }

    #[test]
    fn offsets_inside_a_character_round_down() {
        let file = SourceFile::new("a.toml", "é");
        assert_eq!(file.position(1), Position { line: 1, column: 1 });
    }
}
