//! The History section of the PDF scorecard: the score over runs as bars,
//! then one small chart per SLA clause (monthly attainment bars, the
//! target as a line, breaches in red and marked, credits below). Drawn as
//! rectangles, rules and text, so the page stays PDF/A and searchable.

use super::canvas::{CONTENT_WIDTH, Canvas, Colour, MARGIN, Role, Style};
use super::fonts::Face;
use crate::report::history::{ClauseChart, HistoryView};

const X: f32 = MARGIN;
const HEADING: Style = Style::new(Face::Bold, 11.5, Colour::TEXT);
const SMALL: Style = Style::new(Face::Regular, 7.0, Colour::MUTED);
const SMALL_BOLD: Style = Style::new(Face::Bold, 7.5, Colour::TEXT);
const BODY: Style = Style::new(Face::Regular, 9.0, Colour::TEXT);
const CREDIT: Style = Style::new(Face::Regular, 6.0, Colour::DISQUALIFIED);

pub fn draw(c: &mut Canvas, h: &HistoryView) {
    c.ensure(28.0 + 18.0 * h.runs.len().min(6) as f32);
    c.y += 16.0;
    c.tagged(Role::H2, |c| c.text(X, c.y, HEADING, "History"));
    c.y += 8.0;
    let (label_width, bar_x, bar_width) = (150.0, X + 160.0, 240.0);
    let alt: Vec<String> = h
        .runs
        .iter()
        .map(|run| match run.seq {
            Some(seq) => format!("{} (ledger entry {seq}) {}", run.date, run.score_text),
            None => format!("{} (this report) {}", run.date, run.score_text),
        })
        .collect();
    c.open_figure(format!("Bar chart of the score in each run, out of 100: {}.", alt.join("; ")));
    for run in &h.runs {
        c.ensure(17.0);
        let baseline = c.y + 11.0;
        let label = match run.seq {
            Some(seq) => format!("{} (ledger entry {seq})", run.date),
            None => format!("{} (this report)", run.date),
        };
        let label = c.fonts.ellipsize(BODY.face, BODY.size, &label, label_width);
        c.text(X, baseline, BODY, &label);
        c.rect(bar_x, c.y + 3.0, bar_width, 9.0, Colour::TRACK);
        let colour = if run.current { Colour::ACCENT } else { Colour::MUTED };
        c.rect(bar_x, c.y + 3.0, bar_width * (run.score / 100.0).clamp(0.0, 1.0) as f32, 9.0, colour);
        c.text(bar_x + bar_width + 8.0, baseline, Style::new(Face::Bold, 9.0, Colour::TEXT), &run.score_text);
        c.y += 17.0;
    }
    c.close();
    if h.clauses.is_empty() {
        return;
    }
    c.y += 8.0;
    c.paragraph(
        X,
        CONTENT_WIDTH,
        Style::new(Face::Regular, 8.0, Colour::MUTED),
        "SLA attainment per period: bars (red and marked × when breached), the target as a line, credits below.",
    );
    // Small multiples: two charts per row.
    let chart_width = (CONTENT_WIDTH - 20.0) / 2.0;
    for (i, chart) in h.clauses.iter().enumerate() {
        let column = i % 2;
        if column == 0 {
            c.ensure(CHART_HEIGHT + 8.0);
        }
        let left = X + column as f32 * (chart_width + 20.0);
        clause(c, chart, left, chart_width);
        if column == 1 || i + 1 == h.clauses.len() {
            c.y += CHART_HEIGHT + 8.0;
        }
    }
}

const PLOT: f32 = 60.0;
const CHART_HEIGHT: f32 = PLOT + 44.0;

fn clause(c: &mut Canvas, chart: &ClauseChart, left: f32, width: f32) {
    let top = c.y;
    c.open_figure(clause_alt(chart));
    let title = c.fonts.ellipsize(SMALL_BOLD.face, SMALL_BOLD.size, &chart.clause, width - 60.0);
    c.text(left, top + 8.0, SMALL_BOLD, &title);
    c.text(left + width - 56.0, top + 8.0, SMALL, &format!("target {}", chart.target_text));
    let plot_top = top + 14.0;
    let n = chart.bars.len().max(1) as f32;
    let slot = (width / n).min(40.0);
    let bar = slot * 0.7;
    let y_of = |value: f64| plot_top + PLOT - PLOT * (value / chart.scale).clamp(0.0, 1.0) as f32;
    for (i, b) in chart.bars.iter().enumerate() {
        let x = left + i as f32 * slot;
        c.rect(x, plot_top, bar, PLOT, Colour::TRACK);
        let y = y_of(b.attainment);
        let colour = if b.breached { Colour::DISQUALIFIED } else { Colour::ACCENT };
        c.rect(x, y, bar, plot_top + PLOT - y, colour);
        if b.breached {
            c.text(
                x + bar / 2.0 - 2.5,
                (y - 2.0).max(plot_top + 6.0),
                Style::new(Face::Bold, 6.5, Colour::DISQUALIFIED),
                "×",
            );
        }
        let period = c.fonts.ellipsize(SMALL.face, SMALL.size, &b.period, slot);
        c.text(x, plot_top + PLOT + 9.0, SMALL, &period);
        if !b.credit_text.is_empty() {
            let credit = c.fonts.ellipsize(CREDIT.face, CREDIT.size, &b.credit_text, slot);
            c.text(x, plot_top + PLOT + 18.0, CREDIT, &credit);
        }
    }
    c.rule(left, y_of(chart.target), slot * n, Colour::TEXT, 1.0);
    c.close();
}

/// What a clause chart shows, in words: each period's attainment, breaches and credits.
fn clause_alt(chart: &ClauseChart) -> String {
    let periods: Vec<String> = chart
        .bars
        .iter()
        .map(|b| {
            let mut text = format!("{} {}", b.period, b.attainment_text);
            if b.breached {
                text.push_str(" breached");
            }
            if !b.credit_text.is_empty() {
                text.push_str(&format!(", credit {}", b.credit_text));
            }
            text
        })
        .collect();
    format!(
        "Bar chart of {} per period against the target {}: {}.",
        chart.clause,
        chart.target_text,
        periods.join("; ")
    )
}
