//! Text layout for terminal tables, shared by every command: cutting and
//! wrapping to a width, and colour.

/// Cut `text` to `width` characters, padded, ending with "…" when cut.
pub fn fit(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return format!("{text:<width$}");
    }
    let cut: String = text.chars().take(width.saturating_sub(1)).collect();
    format!("{cut}…")
}

/// The width of a table's name column: the longest name where `columns`
/// leave room for it beside the `fixed` columns, never under `at_least`.
pub fn name_width(longest: usize, columns: usize, fixed: usize, at_least: usize) -> usize {
    longest.min(columns.saturating_sub(fixed)).max(at_least)
}

/// A stable snake_case value (`below_pass_mark`) in words for a table.
pub fn words(value: &str) -> String {
    value.replace('_', " ")
}

/// Wrap `text` on whitespace to `width` columns; the first line starts at
/// column `at` (already written), the others are indented to it.
pub fn wrap(text: &str, at: usize, width: usize) -> String {
    let mut out = String::new();
    let mut column = at;
    for word in text.split_whitespace() {
        let len = word.chars().count();
        if column > at && column + 1 + len > width {
            out.push('\n');
            out.push_str(&" ".repeat(at));
            column = at;
        } else if column > at {
            out.push(' ');
            column += 1;
        }
        out.push_str(word);
        column += len;
    }
    out.push('\n');
    out
}

/// `text` in an ANSI colour (SGR `code`, e.g. "31" red) when `color`.
pub fn paint(text: &str, code: &str, color: bool) -> String {
    if color { format!("\x1b[{code}m{text}\x1b[0m") } else { text.to_owned() }
}

/// A text cell for CSV that a spreadsheet will not run as a formula
/// (CWE-1236): one starting with `=`, `+`, `-`, `@`, a tab or a carriage
/// return gets a leading `'`. Numbers are written as they are, not through this.
pub fn csv_text(cell: &str) -> std::borrow::Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => std::borrow::Cow::Owned(format!("'{cell}")),
        _ => std::borrow::Cow::Borrowed(cell),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_keeps_to_the_width_and_indents() {
        let text = "word ".repeat(40);
        let wrapped = wrap(&text, 10, 40);
        assert!(wrapped.lines().skip(1).all(|l| l.starts_with(&" ".repeat(10)) && l.chars().count() <= 40));
        assert!(wrapped.lines().all(|l| l.chars().count() <= 40));
    }

    #[test]
    fn csv_text_cells_never_start_a_formula() {
        for (cell, written) in [
            ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
            ("+1", "'+1"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("Acme = best", "Acme = best"),
            ("", ""),
        ] {
            assert_eq!(csv_text(cell), written);
        }
    }

    #[test]
    fn names_take_the_room_left_but_never_less_than_the_floor() {
        // 80 columns, 60 taken: 20 left, under the floor of 24.
        assert_eq!(name_width(40, 80, 60, 24), 24);
        // 160 columns: room for all 40.
        assert_eq!(name_width(40, 160, 60, 24), 40);
        // 120 columns: 60 left, but the longest name needs 30.
        assert_eq!(name_width(30, 120, 60, 24), 30);
        // 90 columns: 30 left, the 40-character name is cut to 30.
        assert_eq!(name_width(40, 90, 60, 24), 30);
    }

    #[test]
    fn fitting_pads_short_text_and_cuts_long_text() {
        assert_eq!(fit("abc", 5), "abc  ");
        assert_eq!(fit("abcdef", 4), "abc…");
    }
}
