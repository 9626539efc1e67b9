//! The comparison: every vendor ranked, and one bar per vendor split by
//! category, so a steering committee sees where each score comes from.

use super::canvas::{CONTENT_WIDTH, Canvas, Colour, MARGIN, Style};
use super::fonts::Face;
use super::scorecard::status_colour;
use crate::report::view::ComparisonView;

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
    c.paragraph(X, CONTENT_WIDTH, Style::new(Face::Bold, 20.0, Colour::TEXT), &v.provenance.rubric.name);
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
    bars(c, v);
    if let Some(robustness) = &v.robustness {
        super::robustness::draw(c, robustness);
    }
}

fn ranking(c: &mut Canvas, v: &ComparisonView) {
    c.y += 16.0;
    c.text(X, c.y, HEADING, "Ranking");
    c.y += 8.0;
    let header = |c: &mut Canvas| {
        c.rect(X, c.y, CONTENT_WIDTH, 15.0, Colour::TRACK);
        let y = c.y + 11.0;
        let bold = Style::new(Face::Bold, 8.0, Colour::TEXT);
        c.text_right(X + 24.0, y, bold, "#");
        c.text(X + 34.0, y, bold, "Vendor");
        c.text_right(X + 270.0, y, bold, "Score");
        c.text(X + 282.0, y, bold, "Status");
        c.text_right(X + 410.0, y, bold, "Coverage");
        c.text(X + 418.0, y, bold, "Notes");
        c.y += 15.0;
    };
    header(c);
    let notes_style = Style::new(Face::Regular, 7.5, Colour::MUTED);
    for row in &v.vendors {
        // Names and notes wrap; the row grows to hold them.
        let names = c.fonts.wrap(BODY.face, BODY.size, &row.name, 190.0);
        let mut notes: Vec<String> = row.gates_failed.iter().map(|g| format!("gate {g}")).collect();
        notes.extend(row.flags.iter().map(|f| f.replace('-', " ")));
        let notes = c.fonts.wrap(notes_style.face, notes_style.size, &notes.join("; "), RIGHT - (X + 418.0));
        let extra = (names.len().max(notes.len()).max(1) - 1) as f32 * BODY.leading();
        if c.ensure(17.0 + extra) {
            header(c);
        }
        let y = c.y + 12.0;
        c.text_right(X + 24.0, y, BOLD, &row.rank.map_or("–".to_owned(), |r| r.to_string()));
        for (i, name) in names.iter().enumerate() {
            c.text(X + 34.0, y + i as f32 * BODY.leading(), BODY, name);
        }
        c.text_right(X + 270.0, y, BOLD, &format!("{:.2}", row.score));
        c.text(X + 282.0, y, Style::new(Face::Bold, 8.5, status_colour(row.status)), row.status_label);
        c.text_right(X + 410.0, y, BODY, &format!("{:.1} %", row.coverage));
        for (i, line) in notes.iter().enumerate() {
            c.text(X + 418.0, y + i as f32 * BODY.leading(), notes_style, line);
        }
        c.y += 17.0 + extra;
        c.rule(X, c.y, CONTENT_WIDTH, Colour::RULE, 0.4);
    }
}

fn bars(c: &mut Canvas, v: &ComparisonView) {
    c.ensure(60.0 + 22.0 * v.vendors.len().min(6) as f32);
    c.y += 22.0;
    c.text(X, c.y, HEADING, "Where each score comes from");
    c.y += 6.0;
    c.paragraph(
        X,
        CONTENT_WIDTH,
        MUTED,
        "Each bar is the vendor's score out of 100, split into the points each category contributed.",
    );
    c.y += 6.0;
    let (name_width, bar_x) = (150.0, X + 160.0);
    let bar_width = RIGHT - bar_x - 44.0;
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
    c.y += 16.0;
}
