//! An award notice: the text its template rendered, typeset. The template
//! writes a small Markdown subset: `# ` title, `## ` heading, `- ` bullet,
//! `|` table rows (a `|---|` row is skipped; the first row is the header),
//! `**strong**` paragraphs (other `**` marks are dropped), blank lines between paragraphs; lines of a paragraph
//! are joined.

use super::canvas::{CONTENT_WIDTH, Canvas, Colour, MARGIN, Role, Style};
use super::fonts::Face;

const X: f32 = MARGIN;
const BODY: Style = Style::new(Face::Regular, 10.0, Colour::TEXT);
const BOLD: Style = Style::new(Face::Bold, 10.0, Colour::TEXT);
const TITLE: Style = Style::new(Face::Bold, 16.0, Colour::TEXT);
const HEADING: Style = Style::new(Face::Bold, 11.5, Colour::ACCENT);
const CELL: Style = Style::new(Face::Regular, 8.0, Colour::TEXT);
const HEAD_CELL: Style = Style::new(Face::Bold, 8.0, Colour::TEXT);

pub fn draw(c: &mut Canvas, text: &str) {
    c.y += 8.0;
    let mut paragraph: Vec<&str> = Vec::new();
    let mut table: Vec<Vec<String>> = Vec::new();
    let flush = |c: &mut Canvas, paragraph: &mut Vec<&str>, table: &mut Vec<Vec<String>>| {
        if !paragraph.is_empty() {
            let joined = paragraph.join(" ");
            match joined.strip_prefix("**").and_then(|t| t.strip_suffix("**")) {
                Some(strong) => c.paragraph(X, CONTENT_WIDTH, BOLD, strong),
                None => c.paragraph(X, CONTENT_WIDTH, BODY, &joined.replace("**", "")),
            }
            c.y += 5.0;
            paragraph.clear();
        }
        if !table.is_empty() {
            rows(c, table);
            c.y += 8.0;
            table.clear();
        }
    };
    let mut in_list = false;
    for line in text.lines() {
        let line = line.trim_end();
        if in_list && !line.starts_with("- ") {
            c.close();
            in_list = false;
        }
        if let Some(title) = line.strip_prefix("# ") {
            flush(c, &mut paragraph, &mut table);
            c.tagged(Role::H1, |c| c.paragraph(X, CONTENT_WIDTH, TITLE, title.trim()));
            c.y += 8.0;
        } else if let Some(heading) = line.strip_prefix("## ") {
            flush(c, &mut paragraph, &mut table);
            c.ensure(40.0);
            c.y += 6.0;
            c.tagged(Role::H2, |c| c.paragraph(X, CONTENT_WIDTH, HEADING, heading.trim()));
            c.y += 4.0;
        } else if let Some(item) = line.strip_prefix("- ") {
            flush(c, &mut paragraph, &mut table);
            c.ensure(BODY.leading());
            // Consecutive items make one list.
            if !in_list {
                c.open(Role::L);
                in_list = true;
            }
            c.open(Role::LI);
            c.tagged(Role::Lbl, |c| c.text(X + 4.0, c.y + BODY.leading() * 0.75, BODY, "•"));
            c.tagged(Role::LBody, |c| {
                c.paragraph(X + 16.0, CONTENT_WIDTH - 16.0, BODY, &item.trim().replace("**", ""))
            });
            c.close();
            c.y += 2.0;
            continue;
        } else if line.starts_with('|') {
            if !paragraph.is_empty() {
                flush(c, &mut paragraph, &mut table);
            }
            let cells: Vec<String> =
                line.trim_matches('|').split('|').map(|cell| cell.trim().replace("**", "")).collect();
            if !cells.iter().all(|cell| !cell.is_empty() && cell.chars().all(|ch| matches!(ch, '-' | ':'))) {
                table.push(cells);
            }
        } else if line.trim().is_empty() {
            flush(c, &mut paragraph, &mut table);
        } else {
            if !table.is_empty() {
                flush(c, &mut paragraph, &mut table);
            }
            paragraph.push(line.trim());
        }
    }
    if in_list {
        c.close();
    }
    flush(c, &mut paragraph, &mut table);
}

/// A table in equal columns, the first wider; cells cut to fit.
fn rows(c: &mut Canvas, table: &[Vec<String>]) {
    let columns = table.iter().map(Vec::len).max().unwrap_or(1).max(1);
    let first = if columns > 1 { CONTENT_WIDTH * 0.34 } else { CONTENT_WIDTH };
    let rest = if columns > 1 { (CONTENT_WIDTH - first) / (columns - 1) as f32 } else { 0.0 };
    let height = 14.0;
    c.open(Role::Table);
    for (i, row) in table.iter().enumerate() {
        c.ensure(height);
        c.open(Role::TR);
        let style = if i == 0 { HEAD_CELL } else { CELL };
        if i == 0 {
            c.rect(X, c.y, CONTENT_WIDTH, height, Colour::TRACK);
        }
        let mut x = X;
        for (j, cell) in row.iter().enumerate() {
            let width = if j == 0 { first } else { rest };
            let shown = c.fonts.ellipsize(style.face, style.size, cell, width - 6.0);
            match i {
                0 => c.open_header("Column", None),
                _ => c.open(Role::TD),
            }
            c.text(x + 2.0, c.y + 10.0, style, &shown);
            c.close();
            x += width;
        }
        c.close();
        c.y += height;
        c.rule(X, c.y, CONTENT_WIDTH, Colour::RULE, 0.4);
    }
    c.close();
}
