//! The History section of a scorecard (SPEC section 14), shown when the
//! ledger holds earlier `score` runs of the vendor: the score over runs,
//! and one small chart per SLA clause with its monthly attainment as bars,
//! the contractual target as a line, breaches marked and credits below.
//! The same view feeds the PDF (drawn with rectangles and rules) and the
//! HTML template (inline SVG made here, so both draw the same chart).

use std::fmt::Write as _;

use serde::Serialize;

use super::view::SlaView;

/// The History section.
#[derive(Debug, Clone, Serialize)]
pub struct HistoryView {
    /// Earlier runs, oldest first, then this report's score (`current`).
    pub runs: Vec<HistoryRun>,
    /// One chart per SLA clause, in the contract's order (none without tickets).
    pub clauses: Vec<ClauseChart>,
    /// The score over runs as an inline SVG (for HTML).
    pub score_svg: String,
}

/// One score run.
#[derive(Debug, Clone, Serialize)]
pub struct HistoryRun {
    /// The ledger entry, `None` for this report's own score (not recorded yet).
    pub seq: Option<u64>,
    pub date: String,
    pub score: f64,
    pub score_text: String,
    pub current: bool,
}

/// One clause's periods.
#[derive(Debug, Clone, Serialize)]
pub struct ClauseChart {
    pub clause: String,
    /// The required attainment (percent; csat: the target score on 1-5).
    pub target: f64,
    pub target_text: String,
    /// The top of the scale: 100 for percentages, 5 for csat.
    pub scale: f64,
    pub bars: Vec<ClauseBar>,
    /// The chart as an inline SVG (for HTML).
    pub svg: String,
}

/// One period of one clause.
#[derive(Debug, Clone, Serialize)]
pub struct ClauseBar {
    pub period: String,
    pub attainment: f64,
    pub attainment_text: String,
    pub breached: bool,
    /// `EUR 2100.00`, empty when nothing is owed.
    pub credit_text: String,
}

/// Bar and text colours, the PDF's palette.
const ACCENT: &str = "#1d4e89";
const BREACHED: &str = "#b3261e";
const TRACK: &str = "#eceff2";
const MUTED: &str = "#5f666d";

/// The section for a vendor whose earlier runs are `earlier` (seq, date,
/// score), now scoring `current` as of `as_of`; `None` without earlier runs.
pub fn history(
    earlier: &[(u64, String, f64)],
    current: f64,
    as_of: &str,
    sla: Option<&SlaView>,
) -> Option<HistoryView> {
    if earlier.is_empty() {
        return None;
    }
    let mut runs: Vec<HistoryRun> = earlier
        .iter()
        .map(|(seq, date, score)| HistoryRun {
            seq: Some(*seq),
            date: date.clone(),
            score: *score,
            score_text: format!("{score:.2}"),
            current: false,
        })
        .collect();
    runs.push(HistoryRun {
        seq: None,
        date: as_of.to_owned(),
        score: current,
        score_text: format!("{current:.2}"),
        current: true,
    });
    let clauses = sla.map(clause_charts).unwrap_or_default();
    let score_svg = score_svg(&runs);
    Some(HistoryView { runs, clauses, score_svg })
}

fn clause_charts(sla: &SlaView) -> Vec<ClauseChart> {
    let mut charts: Vec<ClauseChart> = Vec::new();
    for row in &sla.results {
        let index = match charts.iter().position(|c| c.clause == row.clause) {
            Some(i) => i,
            None => {
                let scale = if row.unit == "score" { 5.0 } else { 100.0 };
                charts.push(ClauseChart {
                    clause: row.clause.clone(),
                    target: row.required.as_f64().unwrap_or(0.0),
                    target_text: row.required_text.clone(),
                    scale,
                    bars: Vec::new(),
                    svg: String::new(),
                });
                charts.len() - 1
            }
        };
        let owed = row.breached && row.credit.parse::<f64>().is_ok_and(|c| c > 0.0);
        charts[index].bars.push(ClauseBar {
            period: row.period.clone(),
            attainment: row.attainment,
            attainment_text: row.attainment_text.clone(),
            breached: row.breached,
            credit_text: if owed { row.credit_text.clone() } else { String::new() },
        });
    }
    for chart in &mut charts {
        chart.svg = clause_svg(chart);
    }
    charts
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// Horizontal bars, one per run, on a 0-100 scale.
fn score_svg(runs: &[HistoryRun]) -> String {
    let (label, bar, row) = (110.0, 300.0, 18.0);
    let height = row * runs.len() as f64 + 4.0;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{height}\" viewBox=\"0 0 {w} {height}\" \
         role=\"img\" aria-label=\"Score over runs\" font-family=\"sans-serif\" font-size=\"11\">",
        w = label + bar + 60.0
    );
    for (i, run) in runs.iter().enumerate() {
        let y = i as f64 * row + 2.0;
        let name = match run.seq {
            Some(seq) => format!("{} (#{seq})", run.date),
            None => format!("{} (this report)", run.date),
        };
        let colour = if run.current { ACCENT } else { MUTED };
        let _ = write!(
            svg,
            "<text x=\"0\" y=\"{ty}\" fill=\"{MUTED}\">{}</text>\
             <rect x=\"{label}\" y=\"{y}\" width=\"{bar}\" height=\"12\" fill=\"{TRACK}\"/>\
             <rect x=\"{label}\" y=\"{y}\" width=\"{filled:.1}\" height=\"12\" fill=\"{colour}\"/>\
             <text x=\"{tx}\" y=\"{ty}\">{}</text>",
            escape(&name),
            escape(&run.score_text),
            ty = y + 10.0,
            filled = bar * (run.score / 100.0).clamp(0.0, 1.0),
            tx = label + bar + 6.0,
        );
    }
    svg.push_str("</svg>");
    svg
}

/// Vertical bars per period, the target as a line, breaches in red, credits below.
fn clause_svg(chart: &ClauseChart) -> String {
    let (plot, bar, gap) = (80.0, 22.0, 10.0);
    let width = (bar + gap) * chart.bars.len() as f64 + 40.0;
    let height = plot + 44.0;
    let y_of = |value: f64| plot - plot * (value / chart.scale).clamp(0.0, 1.0) + 4.0;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" \
         role=\"img\" aria-label=\"{}: attainment per period, target {}\" font-family=\"sans-serif\" font-size=\"9\">",
        escape(&chart.clause),
        escape(&chart.target_text)
    );
    for (i, b) in chart.bars.iter().enumerate() {
        let x = i as f64 * (bar + gap) + 4.0;
        let top = y_of(b.attainment);
        let colour = if b.breached { BREACHED } else { ACCENT };
        let _ = write!(
            svg,
            "<rect x=\"{x}\" y=\"4\" width=\"{bar}\" height=\"{plot}\" fill=\"{TRACK}\"/>\
             <rect x=\"{x}\" y=\"{top:.1}\" width=\"{bar}\" height=\"{h:.1}\" fill=\"{colour}\"><title>{}: {}</title></rect>\
             <text x=\"{cx}\" y=\"{py}\" text-anchor=\"middle\" fill=\"{MUTED}\">{}</text>",
            escape(&b.period),
            escape(&b.attainment_text),
            escape(b.period.get(5..).unwrap_or(&b.period)),
            h = plot + 4.0 - top,
            cx = x + bar / 2.0,
            py = plot + 16.0,
        );
        if b.breached {
            let _ = write!(
                svg,
                "<text x=\"{cx}\" y=\"{ty:.1}\" text-anchor=\"middle\" fill=\"{BREACHED}\">×</text>",
                cx = x + bar / 2.0,
                ty = (top - 2.0).max(10.0)
            );
        }
        if !b.credit_text.is_empty() {
            let _ = write!(
                svg,
                "<text x=\"{cx}\" y=\"{cy}\" text-anchor=\"middle\" fill=\"{BREACHED}\" font-size=\"7\">{}</text>",
                escape(&b.credit_text),
                cx = x + bar / 2.0,
                cy = plot + 30.0
            );
        }
    }
    let line = y_of(chart.target);
    let _ = write!(
        svg,
        "<line x1=\"0\" y1=\"{line:.1}\" x2=\"{x2}\" y2=\"{line:.1}\" stroke=\"#1f2328\" stroke-width=\"1.2\" \
         stroke-dasharray=\"4 2\"/><text x=\"{x2}\" y=\"{ty:.1}\" fill=\"#1f2328\">{}</text></svg>",
        escape(&chart.target_text),
        x2 = width - 36.0,
        ty = line + 3.0
    );
    svg
}
