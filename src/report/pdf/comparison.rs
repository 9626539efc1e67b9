//! The comparison: every vendor ranked; a vendors × categories table shaded
//! by score; contract findings, SLA breaches, credits and price side by
//! side; one bar per vendor split by category, so a steering committee sees
//! where each score comes from; then the robustness charts.

use super::canvas::{CONTENT_WIDTH, Canvas, Colour, MARGIN, Role, Style};
use super::fonts::Face;
use super::scorecard::status_colour;
use crate::report::view::{ComparisonRow, ComparisonView};

const X: f32 = MARGIN;
const RIGHT: f32 = MARGIN + CONTENT_WIDTH;
const BODY: Style = Style::new(Face::Regular, 9.0, Colour::TEXT);
const MUTED: Style = Style::new(Face::Regular, 9.0, Colour::MUTED);
const HEADING: Style = Style::new(Face::Bold, 11.5, Colour::TEXT);
const BOLD: Style = Style::new(Face::Bold, 9.0, Colour::TEXT);

/// Distinct colours for up to twelve categories (then they repeat).
const PALETTE: [Colour; 12] = [
    Colour(0x1d, 0x4e, 0x89),
    Colour(0x2a, 0x9d, 0x8f),
    Colour(0xe9, 0xa8, 0x20),
    Colour(0xc0, 0x39, 0x2b),
    Colour(0x6c, 0x5b, 0x7b),
    Colour(0x4c, 0x9f, 0xd8),
    Colour(0x8a, 0xb1, 0x7d),
    Colour(0xd3, 0x6c, 0x3a),
    Colour(0x34, 0x49, 0x5e),
    Colour(0xb5, 0x8d, 0xb6),
    Colour(0x95, 0xa5, 0xa6),
    Colour(0x7f, 0x5a, 0x28),
];

pub fn draw(c: &mut Canvas, v: &ComparisonView) {
    c.y += 8.0;
    c.text(X, c.y, Style::new(Face::Bold, 7.5, Colour::ACCENT), "VENDOR COMPARISON");
    c.y += 6.0;
    let title = Style::new(Face::Bold, 20.0, Colour::TEXT);
    c.tagged(Role::H1, |c| c.paragraph(X, CONTENT_WIDTH, title, &v.provenance.rubric.name));
    let p = &v.provenance;
    let mut meta = vec![format!("Rubric {} {}", p.rubric.id, p.rubric.version)];
    if let Some(org) = &p.organisation {
        meta.push(format!("Organisation: {org}"));
    }
    meta.push(format!("As of {}", p.as_of));
    meta.push(format!("{} vendors", v.vendors.len()));
    c.paragraph(X, CONTENT_WIDTH, MUTED, &meta.join("  ·  "));
    if let Some(robustness) = &v.robustness {
        c.y += 4.0;
        c.paragraph(X, CONTENT_WIDTH, Style::new(Face::Bold, 8.5, Colour::TEXT), &robustness.sentence);
    }
    c.y += 8.0;
    c.rule(X, c.y, CONTENT_WIDTH, Colour::RULE, 0.8);
    c.y += 10.0;
    ranking(c, v);
    heatmap(c, v);
    contract_and_sla(c, v);
    bars(c, v);
    if let Some(robustness) = &v.robustness {
        super::robustness::draw(c, robustness);
    }
}

fn heading(c: &mut Canvas, title: &str, room: f32) {
    c.ensure(30.0 + room);
    c.y += 22.0;
    c.tagged(Role::H2, |c| c.text(X, c.y, HEADING, title));
    c.y += 8.0;
}

/// A column of a comparison table: its left edge, width, right-aligned.
#[derive(Clone, Copy)]
struct Column {
    x: f32,
    width: f32,
    right: bool,
}

const PAD: f32 = 3.0;
const HEAD: Style = Style::new(Face::Bold, 8.0, Colour::TEXT);

/// A header row whose titles wrap; a `TR` of column headers, or an artifact
/// when repeated after a page break.
fn header_row(c: &mut Canvas, columns: &[Column], titles: &[String]) {
    let lines: Vec<Vec<String>> = columns
        .iter()
        .zip(titles)
        .map(|(col, title)| c.fonts.wrap(HEAD.face, HEAD.size, title, col.width - 2.0 * PAD))
        .collect();
    let height = lines.iter().map(Vec::len).max().unwrap_or(1).max(1) as f32 * HEAD.leading() + 5.0;
    c.rect(X, c.y, CONTENT_WIDTH, height, Colour::TRACK);
    c.open(Role::TR);
    for (col, cell) in columns.iter().zip(&lines) {
        c.open_header("Column", None);
        for (i, line) in cell.iter().enumerate() {
            let baseline = c.y + 11.0 + i as f32 * HEAD.leading();
            cell_text(c, col, baseline, HEAD, line);
        }
        c.close();
    }
    c.close();
    c.y += height;
}

fn cell_text(c: &mut Canvas, col: &Column, baseline: f32, style: Style, text: &str) {
    if col.right {
        c.text_right(col.x + col.width - PAD, baseline, style, text);
    } else {
        c.text(col.x + PAD, baseline, style, text);
    }
}

/// A body cell: its text, style, an optional shade behind it, and the
/// number of columns it spans.
struct Cell {
    text: String,
    style: Style,
    shade: Option<Colour>,
    span: usize,
}

const fn cell(text: String, style: Style) -> Cell {
    Cell { text, style, shade: None, span: 1 }
}

/// One body row: its header cell (the vendor or category, wrapped), then
/// each cell wrapped to its column (or the columns it spans).
fn body_row(c: &mut Canvas, columns: &[Column], titles: &[String], head: &str, cells: &[Cell]) {
    let names = c.fonts.wrap(BODY.face, BODY.size, head, columns[0].width - 2.0 * PAD);
    let mut placed = Vec::new();
    let mut next = 1;
    for cell in cells {
        let spanned = &columns[next.min(columns.len() - 1)..(next + cell.span).min(columns.len())];
        let first = spanned[0];
        let width: f32 = spanned.iter().map(|col| col.width).sum();
        let col = Column { x: first.x, width, right: first.right && cell.span == 1 };
        let lines = c.fonts.wrap(cell.style.face, cell.style.size, &cell.text, col.width - 2.0 * PAD);
        placed.push((col, lines));
        next += cell.span;
    }
    let most = placed.iter().map(|(_, lines)| lines.len()).chain([names.len()]).max().unwrap_or(1).max(1);
    let height = most as f32 * BODY.leading() + 6.0;
    if c.ensure(height) {
        c.artifact(|c| header_row(c, columns, titles));
    }
    c.open(Role::TR);
    c.open_header("Row", None);
    for (i, line) in names.iter().enumerate() {
        c.text(columns[0].x + PAD, c.y + 12.0 + i as f32 * BODY.leading(), BODY, line);
    }
    c.close();
    for (cell, (col, lines)) in cells.iter().zip(&placed) {
        if let Some(shade) = cell.shade {
            c.rect(col.x + 1.0, c.y + 1.0, col.width - 2.0, height - 2.0, shade);
        }
        c.open_cell((cell.span > 1).then_some(cell.span as u32));
        for (i, line) in lines.iter().enumerate() {
            cell_text(c, col, c.y + 12.0 + i as f32 * BODY.leading(), cell.style, line);
        }
        c.close();
    }
    c.close();
    c.y += height;
    c.rule(X, c.y, CONTENT_WIDTH, Colour::RULE, 0.4);
}

fn ranking(c: &mut Canvas, v: &ComparisonView) {
    heading(c, "Ranking", 40.0);
    let columns = [
        Column { x: X, width: 28.0, right: true },
        Column { x: X + 28.0, width: 200.0, right: false },
        Column { x: X + 228.0, width: 48.0, right: true },
        Column { x: X + 280.0, width: 82.0, right: false },
        Column { x: X + 362.0, width: 52.0, right: true },
        Column { x: X + 414.0, width: RIGHT - X - 414.0, right: false },
    ];
    let titles: Vec<String> = ["#", "Vendor", "Score", "Status", "Coverage", "Notes"].map(str::to_owned).to_vec();
    c.open(Role::Table);
    header_row(c, &columns, &titles);
    let notes_style = Style::new(Face::Regular, 7.5, Colour::MUTED);
    for row in &v.vendors {
        // Names and notes wrap; the row grows to hold them.
        let names = c.fonts.wrap(BODY.face, BODY.size, &row.name, columns[1].width - 2.0 * PAD);
        let mut notes: Vec<String> = row.gates_failed.iter().map(|g| format!("gate {g}")).collect();
        notes.extend(row.flags.iter().map(|f| f.replace('-', " ")));
        let notes = c.fonts.wrap(notes_style.face, notes_style.size, &notes.join("; "), columns[5].width - 2.0 * PAD);
        let height = names.len().max(notes.len()).max(1) as f32 * BODY.leading() + 6.0;
        if c.ensure(height) {
            c.artifact(|c| header_row(c, &columns, &titles));
        }
        let y = c.y + 12.0;
        c.open(Role::TR);
        c.tagged(Role::TD, |c| cell_text(c, &columns[0], y, BOLD, &row.rank.map_or("–".to_owned(), |r| r.to_string())));
        c.open_header("Row", None);
        for (i, name) in names.iter().enumerate() {
            cell_text(c, &columns[1], y + i as f32 * BODY.leading(), BODY, name);
        }
        c.close();
        c.tagged(Role::TD, |c| cell_text(c, &columns[2], y, BOLD, &format!("{:.2}", row.score)));
        let status = Style::new(Face::Bold, 8.5, status_colour(row.status));
        c.tagged(Role::TD, |c| cell_text(c, &columns[3], y, status, row.status_label));
        c.tagged(Role::TD, |c| cell_text(c, &columns[4], y, BODY, &format!("{:.1} %", row.coverage)));
        c.tagged(Role::TD, |c| {
            for (i, line) in notes.iter().enumerate() {
                cell_text(c, &columns[5], y + i as f32 * BODY.leading(), notes_style, line);
            }
        });
        c.close();
        c.y += height;
        c.rule(X, c.y, CONTENT_WIDTH, Colour::RULE, 0.4);
    }
    c.close();
}

/// Columns after a first one `first` wide, sharing the rest of the width.
fn columns_after(first: f32, n: usize) -> Vec<Column> {
    let width = (CONTENT_WIDTH - first) / n.max(1) as f32;
    let mut widths = vec![first];
    widths.extend(std::iter::repeat_n(width, n));
    columns_of(&widths)
}

/// Columns of these widths from the left margin: the first left-aligned, the others right-aligned.
fn columns_of(widths: &[f32]) -> Vec<Column> {
    let mut x = X;
    widths
        .iter()
        .enumerate()
        .map(|(i, &width)| {
            let col = Column { x, width, right: i > 0 };
            x += width;
            col
        })
        .collect()
}

/// The shade of a score out of 100, in five steps of 20 from pale to the
/// accent blue, and the text colour (dark or white) that reads best on it.
pub fn shade(score: f64) -> (Colour, Colour) {
    const STEPS: [Colour; 5] = [
        Colour(0xf4, 0xf7, 0xfb),
        Colour(0xdc, 0xe7, 0xf3),
        Colour(0xb9, 0xcf, 0xe8),
        Colour(0x3f, 0x6f, 0xa8),
        Colour(0x1d, 0x4e, 0x89),
    ];
    let fill = STEPS[((score / 20.0).floor().max(0.0) as usize).min(4)];
    let text = if contrast(fill, Colour::WHITE) > contrast(fill, Colour::TEXT) { Colour::WHITE } else { Colour::TEXT };
    (fill, text)
}

/// WCAG 2 relative luminance of an sRGB colour.
fn luminance(c: Colour) -> f64 {
    let channel = |v: u8| {
        let v = f64::from(v) / 255.0;
        if v <= 0.040_45 { v / 12.92 } else { ((v + 0.055) / 1.055).powf(2.4) }
    };
    0.2126 * channel(c.0) + 0.7152 * channel(c.1) + 0.0722 * channel(c.2)
}

/// WCAG 2 contrast ratio of two colours (1 to 21).
pub fn contrast(a: Colour, b: Colour) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// Vendors per heatmap table: more are split into further tables, so
/// names keep room to wrap at spaces.
const HEATMAP_VENDORS: usize = 6;

fn heatmap(c: &mut Canvas, v: &ComparisonView) {
    heading(c, "Scores by category", 60.0);
    c.paragraph(
        X,
        CONTENT_WIDTH,
        MUTED,
        "Each cell is the vendor's score in the category out of 100, shaded in steps of 20 (darker is \
         higher); the last row is the weighted total.",
    );
    c.y += 4.0;
    for (part, vendors) in v.vendors.chunks(HEATMAP_VENDORS).enumerate() {
        if part > 0 {
            c.y += 10.0;
        }
        let columns = columns_after(150.0, HEATMAP_VENDORS.min(v.vendors.len()));
        let mut titles = vec!["Category".to_owned()];
        titles.extend(vendors.iter().map(|row| row.name.clone()));
        c.ensure(60.0);
        c.open(Role::Table);
        header_row(c, &columns[..=vendors.len()], &titles);
        for (i, category) in v.categories.iter().enumerate() {
            let cells: Vec<Cell> = vendors
                .iter()
                .map(|row| match row.category_scores.get(i).copied().flatten() {
                    Some(score) => {
                        let (fill, text) = shade(score);
                        Cell { shade: Some(fill), ..cell(format!("{score:.1}"), Style::new(Face::Bold, 8.5, text)) }
                    }
                    None => cell("left out".to_owned(), Style::new(Face::Regular, 7.5, Colour::MUTED)),
                })
                .collect();
            body_row(c, &columns[..=vendors.len()], &titles, &category.name, &cells);
        }
        let totals: Vec<_> = vendors.iter().map(|row| cell(format!("{:.2}", row.score), BOLD)).collect();
        body_row(c, &columns[..=vendors.len()], &titles, "Score", &totals);
        c.close();
    }
}

fn contract_and_sla(c: &mut Canvas, v: &ComparisonView) {
    heading(c, "Contract, service levels and price", 60.0);
    c.paragraph(
        X,
        CONTENT_WIDTH,
        MUTED,
        "Contract rules that fail or are not stated, by severity; SLA clause results breached of those \
         measured, and the credits owed; the price offered.",
    );
    c.y += 4.0;
    let widths = [120.0, 44.0, 32.0, 44.0, 30.0, 56.0, 72.0];
    let price = CONTENT_WIDTH - widths.iter().sum::<f32>();
    let columns = columns_of(&[widths.as_slice(), &[price]].concat());
    let titles: Vec<String> = ["Vendor", "Critical", "High", "Medium", "Low", "SLA breaches", "Credits owed", "Price"]
        .map(str::to_owned)
        .to_vec();
    c.ensure(60.0);
    c.open(Role::Table);
    header_row(c, &columns, &titles);
    for row in &v.vendors {
        body_row(c, &columns, &titles, &row.name, &summary_cells(row));
    }
    c.close();
}

fn summary_cells(row: &ComparisonRow) -> Vec<Cell> {
    let small = Style::new(Face::Regular, 7.5, Colour::MUTED);
    let spanning = |text: &str, span: usize| Cell { span, ..cell(text.to_owned(), small) };
    let mut cells = Vec::new();
    match &row.summary {
        Some(s) if s.has_contract => {
            for count in &s.failing {
                let style = match (count.count, count.severity) {
                    (0, _) => MUTED,
                    (_, "critical" | "high") => Style::new(Face::Bold, 9.0, Colour::DISQUALIFIED),
                    _ => BOLD,
                };
                cells.push(cell(count.count.to_string(), style));
            }
        }
        _ => {
            cells.push(spanning("no contract on file", 4));
        }
    }
    match &row.summary {
        Some(s) if s.has_tickets => {
            let style = if s.breaches > 0 { Style::new(Face::Bold, 9.0, Colour::DISQUALIFIED) } else { BODY };
            cells.push(cell(format!("{} of {}", s.breaches, s.results), style));
            cells.push(cell(s.credits_text.clone(), BODY));
        }
        Some(s) if s.has_contract => {
            cells.push(spanning("no ticket data", 2));
        }
        _ => cells.push(spanning("", 2)),
    }
    let price = if row.price.is_empty() { "—".to_owned() } else { row.price.join("; ") };
    cells.push(cell(price, BODY));
    cells
}

fn bars(c: &mut Canvas, v: &ComparisonView) {
    c.ensure(60.0 + 22.0 * v.vendors.len().min(6) as f32);
    heading(c, "Where each score comes from", 0.0);
    c.y -= 2.0;
    c.paragraph(
        X,
        CONTENT_WIDTH,
        MUTED,
        "Each bar is the vendor's score out of 100, split into the points each category contributed.",
    );
    c.y += 6.0;
    let (name_width, bar_x) = (150.0, X + 160.0);
    let bar_width = RIGHT - bar_x - 44.0;
    let alt: Vec<String> = v
        .vendors
        .iter()
        .map(|row| {
            let parts: Vec<String> =
                v.categories.iter().zip(&row.points).map(|(k, p)| format!("{} {p:.2}", k.name)).collect();
            format!("{} {:.2} ({})", row.name, row.score, parts.join(", "))
        })
        .collect();
    c.open_figure(format!("Stacked bar chart of each vendor's points by category: {}.", alt.join("; ")));
    for row in &v.vendors {
        c.ensure(22.0);
        let y = c.y;
        let name = c.fonts.ellipsize(BODY.face, BODY.size, &row.name, name_width);
        c.text(X, y + 12.0, BODY, &name);
        c.rect(bar_x, y + 3.0, bar_width, 12.0, Colour::TRACK);
        let mut x = bar_x;
        for (i, points) in row.points.iter().enumerate() {
            let w = bar_width * (*points as f32 / 100.0).max(0.0);
            c.rect(x, y + 3.0, w, 12.0, PALETTE[i % PALETTE.len()]);
            x += w;
        }
        c.text_right(RIGHT, y + 12.0, BOLD, &format!("{:.2}", row.score));
        c.y += 22.0;
    }
    // Legend.
    c.y += 10.0;
    let mut x = X;
    let style = Style::new(Face::Regular, 8.0, Colour::TEXT);
    for (i, category) in v.categories.iter().enumerate() {
        let width = 14.0 + c.fonts.width(style.face, style.size, &category.name) + 14.0;
        if x + width > RIGHT {
            x = X;
            c.y += 14.0;
        }
        c.ensure(14.0);
        c.rect(x, c.y + 2.0, 9.0, 9.0, PALETTE[i % PALETTE.len()]);
        c.text(x + 13.0, c.y + 10.0, style, &category.name);
        x += width;
    }
    c.close();
    c.y += 16.0;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contrast_follows_the_wcag_formula() {
        // WCAG 2's extremes, and #777 on white (4.48:1, a published near miss).
        assert!((contrast(Colour(0, 0, 0), Colour::WHITE) - 21.0).abs() < 1e-9);
        assert!((contrast(Colour(0x77, 0x77, 0x77), Colour::WHITE) - 4.478).abs() < 0.01);
    }

    #[test]
    fn every_shade_keeps_its_text_readable() {
        for score in 0..=100 {
            let (fill, text) = shade(f64::from(score));
            assert!(contrast(fill, text) >= 4.5, "score {score}: {fill:?} / {text:?}");
        }
    }
}
