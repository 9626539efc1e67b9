//! The comparison's robustness charts (SPEC section 13): the share of
//! weightings in which each vendor ranks first, and a tornado chart of the
//! range over which each category's share can move before rank 1 changes.

use super::canvas::{CONTENT_WIDTH, Canvas, Colour, MARGIN, Role, Style};
use super::fonts::Face;
use crate::report::view::RobustnessView;

const X: f32 = MARGIN;
const RIGHT: f32 = MARGIN + CONTENT_WIDTH;
const BODY: Style = Style::new(Face::Regular, 9.0, Colour::TEXT);
const MUTED: Style = Style::new(Face::Regular, 9.0, Colour::MUTED);
const SMALL: Style = Style::new(Face::Regular, 7.5, Colour::MUTED);
const HEADING: Style = Style::new(Face::Bold, 11.5, Colour::TEXT);
const BOLD: Style = Style::new(Face::Bold, 9.0, Colour::TEXT);
const NAME_WIDTH: f32 = 150.0;
const BAR_X: f32 = X + 160.0;
const BAR_WIDTH: f32 = RIGHT - BAR_X - 44.0;

/// Both charts, each kept on one page.
pub fn draw(c: &mut Canvas, r: &RobustnessView) {
    first_ranks(c, r);
    tornado(c, r);
}

fn heading(c: &mut Canvas, title: &str, note: &str, rows: usize) {
    c.ensure(60.0 + 20.0 * rows as f32);
    c.y += 24.0;
    c.tagged(Role::H2, |c| c.text(X, c.y, HEADING, title));
    c.y += 6.0;
    c.paragraph(X, CONTENT_WIDTH, MUTED, note);
    c.y += 6.0;
}

fn first_ranks(c: &mut Canvas, r: &RobustnessView) {
    let note = format!(
        "The share of {} random weightings (seed {}) in which each vendor ranks first (SMAA-2).",
        grouped(r.samples),
        r.seed
    );
    heading(c, "How often each vendor ranks first", &note, r.first.len());
    // 100 % (or 0 %) only when exact, as in the text reports.
    let share = |percent: f64| crate::sensitivity::percent_text(percent / 100.0, 1);
    let alt: Vec<String> = r.first.iter().map(|row| format!("{} {} %", row.name, share(row.percent))).collect();
    c.open_figure(format!(
        "Bar chart of the share of weightings in which each vendor ranks first: {}.",
        alt.join("; ")
    ));
    for row in &r.first {
        let y = c.y;
        let name = c.fonts.ellipsize(BODY.face, BODY.size, &row.name, NAME_WIDTH);
        c.text(X, y + 12.0, BODY, &name);
        c.rect(BAR_X, y + 3.0, BAR_WIDTH, 12.0, Colour::TRACK);
        c.rect(BAR_X, y + 3.0, BAR_WIDTH * (row.percent as f32 / 100.0).clamp(0.0, 1.0), 12.0, Colour::ACCENT);
        c.text_right(RIGHT, y + 12.0, BOLD, &format!("{} %", share(row.percent)));
        c.y += 20.0;
    }
    c.close();
}

/// 10000 as "10,000".
fn grouped(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn tornado(c: &mut Canvas, r: &RobustnessView) {
    // Room on the right for "12.4–100.0 %".
    let bar_width = BAR_WIDTH - 24.0;
    let note = "Each bar is the range over which a category's weight can move (the others rescaled in \
                proportion) while the same vendor stays first; the mark is the weight now. Narrowest first.";
    heading(c, "How far each weight can move", note, r.intervals.len() + 1);
    let alt: Vec<String> = r
        .intervals
        .iter()
        .map(|row| format!("{} now {:.1} %, rank 1 holds from {:.1} to {:.1} %", row.name, row.now, row.lo, row.hi))
        .collect();
    c.open_figure(format!("Tornado chart of the range of each category's weight: {}.", alt.join("; ")));
    for row in &r.intervals {
        let y = c.y;
        let name = c.fonts.ellipsize(BODY.face, BODY.size, &row.name, NAME_WIDTH);
        c.text(X, y + 12.0, BODY, &name);
        c.rect(BAR_X, y + 3.0, bar_width, 12.0, Colour::TRACK);
        let at = |percent: f64| BAR_X + bar_width * (percent as f32 / 100.0).clamp(0.0, 1.0);
        c.rect(at(row.lo), y + 3.0, (at(row.hi) - at(row.lo)).max(0.5), 12.0, Colour::QUALIFIED);
        c.rect(at(row.now) - 1.0, y + 1.0, 2.0, 16.0, Colour::TEXT);
        c.text_right(RIGHT, y + 12.0, SMALL, &format!("{:.1}–{:.1} %", row.lo, row.hi));
        c.y += 20.0;
    }
    // The axis.
    for percent in [0.0_f32, 25.0, 50.0, 75.0, 100.0] {
        let x = BAR_X + bar_width * percent / 100.0;
        c.text(x - 6.0, c.y + 8.0, SMALL, &format!("{percent:.0} %"));
    }
    c.close();
    c.y += 12.0;
}
