//! The scorecard page layout: header, score panel, failed gates, category
//! bars, the biggest losses, the full criteria table (header repeated on
//! every page), then compliance findings and SLA attainment when present.

use super::canvas::{CONTENT_WIDTH, Canvas, Colour, MARGIN, Role, Style};
use super::fonts::Face;
use crate::report::view::{CriterionView, FindingView, FindingsView, ScorecardView, SlaView};

const X: f32 = MARGIN;
const RIGHT: f32 = MARGIN + CONTENT_WIDTH;

const LABEL: Style = Style::new(Face::Bold, 7.5, Colour::ACCENT);
const BODY: Style = Style::new(Face::Regular, 9.0, Colour::TEXT);
const MUTED: Style = Style::new(Face::Regular, 9.0, Colour::MUTED);
const HEADING: Style = Style::new(Face::Bold, 11.5, Colour::TEXT);
const CELL: Style = Style::new(Face::Regular, 7.5, Colour::TEXT);
const CELL_MUTED: Style = Style::new(Face::Regular, 7.5, Colour::MUTED);
const CELL_BOLD: Style = Style::new(Face::Bold, 7.5, Colour::TEXT);

/// The colour of a status.
pub fn status_colour(status: &str) -> Colour {
    match status {
        "qualified" => Colour::QUALIFIED,
        "below_pass_mark" => Colour::BELOW,
        _ => Colour::DISQUALIFIED,
    }
}

pub fn draw(c: &mut Canvas, v: &ScorecardView) {
    header(c, v);
    score_panel(c, v);
    gates(c, v);
    glance(c, v);
    categories(c, v);
    losses(c, v);
    criteria_table(c, v);
    if let Some(findings) = &v.findings {
        findings_table(c, findings);
    }
    if let Some(sla) = &v.sla {
        sla_table(c, sla);
    }
    if let Some(history) = &v.history {
        super::history::draw(c, history);
    }
}

fn header(c: &mut Canvas, v: &ScorecardView) {
    c.y += 8.0;
    c.text(X, c.y, LABEL, "VENDOR SCORECARD");
    c.y += 6.0;
    let title = Style::new(Face::Bold, 20.0, Colour::TEXT);
    c.tagged(Role::H1, |c| c.paragraph(X, CONTENT_WIDTH, title, &v.vendor.name));
    c.y += 4.0;
    let p = &v.provenance;
    c.paragraph(X, CONTENT_WIDTH, MUTED, &format!("Rubric: {} ({} {})", p.rubric.name, p.rubric.id, p.rubric.version));
    let mut line = Vec::new();
    if let Some(org) = &p.organisation {
        line.push(format!("Organisation: {org}"));
    }
    line.push(format!("As of {}", p.as_of));
    line.push(format!("Vendor id: {}", v.vendor.id));
    c.paragraph(X, CONTENT_WIDTH, MUTED, &line.join("  ·  "));
    c.y += 8.0;
    c.rule(X, c.y, CONTENT_WIDTH, Colour::RULE, 0.8);
    c.y += 14.0;
}

fn score_panel(c: &mut Canvas, v: &ScorecardView) {
    let top = c.y;
    let big = Style::new(Face::Bold, 30.0, Colour::TEXT);
    let score = format!("{:.2}", v.score);
    let width = c.fonts.width(big.face, big.size, &score);
    c.tagged(Role::P, |c| {
        c.text(X, top + 28.0, big, &score);
        c.text(X + width + 4.0, top + 28.0, Style::new(Face::Regular, 12.0, Colour::MUTED), "/ 100");
    });
    // The status as a coloured label.
    let pill = Style::new(Face::Bold, 8.5, Colour::WHITE);
    let label = v.status_label.to_uppercase();
    let pill_width = c.fonts.width(pill.face, pill.size, &label) + 12.0;
    c.rect(X, top + 36.0, pill_width, 14.0, status_colour(v.status));
    c.text(X + 6.0, top + 46.0, pill, &label);
    // Facts to the right.
    let rank = match v.rank {
        Some(rank) => format!("{rank} of {}", v.of),
        None => "not ranked".to_owned(),
    };
    let pass = v.pass_mark.map_or("none".to_owned(), |m| format!("{m}"));
    let facts = [("Rank", rank), ("Coverage", format!("{:.1} %", v.coverage)), ("Pass mark", pass)];
    let column = 110.0;
    for (i, (name, value)) in facts.iter().enumerate() {
        let x = RIGHT - column * (facts.len() - i) as f32;
        c.open(Role::P);
        c.text(x, top + 14.0, Style::new(Face::Regular, 8.0, Colour::MUTED), name);
        // A value never runs into the next column: it is set smaller until it fits.
        let mut value_style = Style::new(Face::Bold, 12.0, Colour::TEXT);
        while value_style.size > 6.0 && c.fonts.width(value_style.face, value_style.size, value) > column - 8.0 {
            value_style.size -= 0.5;
        }
        c.text(x, top + 30.0, value_style, value);
        c.close();
    }
    c.y = top + 60.0;
    if !v.flags.is_empty() {
        let flags: Vec<String> = v.flags.iter().map(|f| f.replace('-', " ")).collect();
        c.paragraph(
            X,
            CONTENT_WIDTH,
            Style::new(Face::Bold, 8.5, Colour::BELOW),
            &format!("Flags: {}", flags.join("; ")),
        );
        c.y += 4.0;
    }
    if let Some(sentence) = &v.robustness {
        c.paragraph(X, CONTENT_WIDTH, MUTED, sentence);
        c.y += 4.0;
    }
    c.y += 6.0;
}

fn gates(c: &mut Canvas, v: &ScorecardView) {
    if v.gates_failed.is_empty() {
        return;
    }
    let lines: Vec<String> = v.gates_failed.iter().map(|g| format!("{} ({})", g.name, g.id)).collect();
    let height = 22.0 + lines.len() as f32 * BODY.leading() + 6.0;
    c.ensure(height);
    c.rect(X, c.y, CONTENT_WIDTH, height, Colour(0xfb, 0xea, 0xe9));
    c.rect(X, c.y, 3.0, height, Colour::DISQUALIFIED);
    c.text(
        X + 10.0,
        c.y + 14.0,
        Style::new(Face::Bold, 9.5, Colour::DISQUALIFIED),
        "Failed knockout gates: the vendor is disqualified",
    );
    let mut y = c.y + 18.0;
    c.open(Role::L);
    for line in lines {
        y += BODY.leading();
        c.tagged(Role::LI, |c| c.tagged(Role::LBody, |c| c.text(X + 10.0, y, BODY, &line)));
    }
    c.close();
    c.y += height + 12.0;
}

/// Compliance and SLA in a few lines, on page 1: counts by severity with the
/// critical and high failures named (and the contract values they read),
/// breaches, credits owed and the worst clause; absence said in words.
fn glance(c: &mut Canvas, v: &ScorecardView) {
    let Some(g) = &v.glance else { return };
    section(c, "At a glance", 40.0);
    let label = Style::new(Face::Bold, 9.0, Colour::TEXT);
    c.tagged(Role::H3, |c| c.paragraph(X, CONTENT_WIDTH, label, "Contract compliance"));
    c.paragraph(X + 10.0, CONTENT_WIDTH - 10.0, BODY, &g.compliance_text);
    c.open(Role::L);
    for f in &g.serious {
        let mut text = format!("{}: {} ({})", f.severity, f.title, f.name);
        if !f.values_text.is_empty() {
            text.push_str(&format!("; the contract states {}", f.values_text));
        }
        if !f.missing.is_empty() {
            text.push_str(&format!("; not stated: {}", f.missing.join(", ")));
        }
        let style = Style::new(Face::Regular, 8.5, severity_colour(f.severity));
        c.tagged(Role::LI, |c| c.tagged(Role::LBody, |c| c.paragraph(X + 18.0, CONTENT_WIDTH - 18.0, style, &text)));
    }
    c.close();
    c.y += 4.0;
    c.tagged(Role::H3, |c| c.paragraph(X, CONTENT_WIDTH, label, "Service levels"));
    c.paragraph(X + 10.0, CONTENT_WIDTH - 10.0, BODY, &g.sla_text);
    c.y += 4.0;
}

fn section(c: &mut Canvas, title: &str, room: f32) {
    c.ensure(28.0 + room);
    c.y += 16.0;
    c.tagged(Role::H2, |c| c.text(X, c.y, HEADING, title));
    c.y += 8.0;
}

fn categories(c: &mut Canvas, v: &ScorecardView) {
    section(c, "Categories", 18.0);
    let (name_width, bar_x, bar_width) = (180.0, X + 190.0, 200.0);
    let alt: Vec<String> = v
        .categories
        .iter()
        .map(|k| match k.included {
            true => format!("{} {:.1} of 100, weight {:.1}", k.name, k.score, k.effective_weight),
            false => format!("{} left out, weight {:.1}", k.name, k.effective_weight),
        })
        .collect();
    c.open_figure(format!("Bar chart of the category scores: {}.", alt.join("; ")));
    for category in &v.categories {
        let names = c.fonts.wrap(BODY.face, BODY.size, &category.name, name_width);
        let extra = (names.len().max(1) - 1) as f32 * BODY.leading();
        c.ensure(18.0 + extra);
        let baseline = c.y + 11.0;
        for (i, name) in names.iter().enumerate() {
            c.text(X, baseline + i as f32 * BODY.leading(), BODY, name);
        }
        c.rect(bar_x, c.y + 3.0, bar_width, 9.0, Colour::TRACK);
        if category.included {
            c.rect(bar_x, c.y + 3.0, bar_width * (category.score / 100.0).clamp(0.0, 1.0) as f32, 9.0, Colour::ACCENT);
            c.text_right(
                bar_x + bar_width + 38.0,
                baseline,
                Style::new(Face::Bold, 9.0, Colour::TEXT),
                &format!("{:.1}", category.score),
            );
        } else {
            c.text_right(bar_x + bar_width + 38.0, baseline, MUTED, "left out");
        }
        c.text_right(RIGHT, baseline, MUTED, &format!("weight {:.1}", category.effective_weight));
        c.y += 17.0 + extra;
    }
    c.close();
}

fn losses(c: &mut Canvas, v: &ScorecardView) {
    if v.losses.is_empty() {
        return;
    }
    section(c, "Where the most points were lost", 16.0);
    c.open(Role::L);
    for loss in &v.losses {
        let text = format!("{}  ({}: {:.2} of {:.2} points)", loss.name, loss.id, loss.points, loss.effective_weight);
        let lines = c.fonts.wrap(BODY.face, BODY.size, &text, CONTENT_WIDTH - 62.0);
        let extra = (lines.len().max(1) - 1) as f32 * BODY.leading();
        c.ensure(15.0 + extra);
        let baseline = c.y + 11.0;
        c.open(Role::LI);
        c.tagged(Role::Lbl, |c| {
            c.text_right(
                X + 52.0,
                baseline,
                Style::new(Face::Bold, 9.0, Colour::DISQUALIFIED),
                &format!("−{:.2}", loss.lost),
            )
        });
        c.tagged(Role::LBody, |c| {
            for (i, line) in lines.iter().enumerate() {
                c.text(X + 62.0, baseline + i as f32 * BODY.leading(), BODY, line);
            }
        });
        c.close();
        c.y += 15.0 + extra;
    }
    c.close();
}

/// A table column: title, width, right-aligned.
struct Column {
    title: &'static str,
    width: f32,
    right: bool,
}

const fn col(title: &'static str, width: f32, right: bool) -> Column {
    Column { title, width, right }
}

const CRITERIA_COLUMNS: [Column; 7] = [
    col("Criterion", 122.0, false),
    col("Answer", 92.0, false),
    col("s", 26.0, true),
    col("Weight", 34.0, true),
    col("Points", 34.0, true),
    col("Evidence (SHA-256)", 102.0, false),
    col("Note", 89.0, false),
];

const PAD: f32 = 3.0;

/// Open a table and draw its header row; [`close_table`] ends it.
fn open_table(c: &mut Canvas, columns: &[Column]) {
    c.ensure(18.0);
    c.open(Role::Table);
    header_row(c, columns);
}

fn close_table(c: &mut Canvas) {
    c.close();
}

/// The header row: a `TR` of column headers, or an artifact when repeated after a page break.
fn header_row(c: &mut Canvas, columns: &[Column]) {
    c.rect(X, c.y, CONTENT_WIDTH, 14.0, Colour::TRACK);
    c.open(Role::TR);
    let mut x = X;
    for column in columns {
        c.open_header("Column", None);
        if column.right {
            c.text_right(x + column.width - PAD, c.y + 10.0, CELL_BOLD, column.title);
        } else {
            c.text(x + PAD, c.y + 10.0, CELL_BOLD, column.title);
        }
        c.close();
        x += column.width;
    }
    c.close();
    c.y += 14.0;
}

/// Break the page when `height` does not fit, repeating the header row as an artifact.
fn ensure_row(c: &mut Canvas, columns: &[Column], height: f32) {
    if c.ensure(height) {
        c.artifact(|c| header_row(c, columns));
    }
}

/// One row of cells (each a list of styled lines); breaks the page and repeats the header.
fn table_row(c: &mut Canvas, columns: &[Column], cells: &[Vec<(Style, String)>]) {
    let leading = CELL.leading();
    let height = row_height(cells);
    ensure_row(c, columns, height);
    c.open(Role::TR);
    let mut x = X;
    for (column, cell) in columns.iter().zip(cells) {
        c.open(Role::TD);
        for (i, (style, text)) in cell.iter().enumerate() {
            let baseline = c.y + PAD + (i as f32 + 0.8) * leading;
            if column.right {
                c.text_right(x + column.width - PAD, baseline, *style, text);
            } else {
                c.text(x + PAD, baseline, *style, text);
            }
        }
        c.close();
        x += column.width;
    }
    c.close();
    c.y += height;
    c.rule(X, c.y, CONTENT_WIDTH, Colour::RULE, 0.4);
}

/// The height of a table row of `cells`.
fn row_height(cells: &[Vec<(Style, String)>]) -> f32 {
    let lines = cells.iter().map(Vec::len).max().unwrap_or(1).max(1);
    lines as f32 * CELL.leading() + 2.0 * PAD
}

fn wrapped(c: &Canvas, style: Style, text: &str, width: f32) -> Vec<(Style, String)> {
    c.fonts.wrap(style.face, style.size, text, width - 2.0 * PAD).into_iter().map(|l| (style, l)).collect()
}

fn criteria_table(c: &mut Canvas, v: &ScorecardView) {
    section(c, "All criteria", 40.0);
    open_table(c, &CRITERIA_COLUMNS);
    let mut category = String::new();
    for criterion in &v.criteria {
        let cells = criterion_cells(c, criterion);
        if criterion.category != category {
            category = criterion.category.clone();
            let name = v.categories.iter().find(|k| k.id == category).map_or(category.clone(), |k| k.name.clone());
            // The heading goes to the next page with its first row, never alone at a page foot.
            ensure_row(c, &CRITERIA_COLUMNS, 15.0 + row_height(&cells));
            // A row of its own, heading the rows of its category.
            c.open(Role::TR);
            c.open_header("Row", Some(CRITERIA_COLUMNS.len() as u32));
            c.text(X + PAD, c.y + 11.0, Style::new(Face::Bold, 8.0, Colour::ACCENT), &name);
            c.close();
            c.close();
            c.y += 15.0;
        }
        table_row(c, &CRITERIA_COLUMNS, &cells);
    }
    close_table(c);
}

fn criterion_cells(c: &Canvas, k: &CriterionView) -> Vec<Vec<(Style, String)>> {
    let w = |i: usize| CRITERIA_COLUMNS[i].width;
    let mut name = wrapped(c, CELL, &k.name, w(0));
    if k.source != "vendor" {
        name.push((CELL_MUTED, format!("({})", k.source)));
    }
    let answer_style = if k.answer == "—" { CELL_MUTED } else { CELL };
    let answer = wrapped(c, answer_style, &k.answer, w(1));
    let s = vec![(CELL, k.s.map_or("—".to_owned(), |s| format!("{s:.2}")))];
    let weight = vec![(CELL, format!("{:.2}", k.effective_weight))];
    let points = vec![(CELL_BOLD, format!("{:.2}", k.points))];
    let mut evidence = Vec::new();
    for e in &k.evidence {
        evidence.extend(wrapped(c, CELL, &e.file, w(5)));
        let hash = e.short.clone().unwrap_or_else(|| "missing".to_owned());
        let style = if e.short.is_some() { CELL_MUTED } else { Style::new(Face::Bold, 7.5, Colour::DISQUALIFIED) };
        evidence.push((style, hash));
    }
    let mut note = Vec::new();
    if !k.issues.is_empty() {
        let issues = k.issues.iter().map(|i| i.replace('-', " ")).collect::<Vec<_>>().join(", ");
        let style = Style::new(
            Face::Bold,
            7.5,
            if k.issues.contains(&"gate-failed") { Colour::DISQUALIFIED } else { Colour::BELOW },
        );
        note.extend(wrapped(c, style, &issues, w(6)));
    }
    if let Some(text) = &k.note {
        note.extend(wrapped(c, CELL_MUTED, text, w(6)));
    }
    vec![name, answer, s, weight, points, evidence, note]
}

fn severity_colour(severity: &str) -> Colour {
    match severity {
        "critical" => Colour(0x8e, 0x10, 0x10),
        "high" => Colour::DISQUALIFIED,
        "medium" => Colour::BELOW,
        _ => Colour::MUTED,
    }
}

const FINDING_COLUMNS: [Column; 5] = [
    col("Severity", 52.0, false),
    col("Status", 44.0, false),
    col("Rule", 140.0, false),
    col("Reference", 95.0, false),
    col("Remediation", 168.0, false),
];

fn findings_table(c: &mut Canvas, findings: &FindingsView) {
    section(c, "Contract compliance", 40.0);
    let s = &findings.summary;
    let text = format!("{} pass, {} fail, {} missing, {} skipped", s.pass, s.fail, s.missing, s.skipped);
    c.paragraph(X, CONTENT_WIDTH, MUTED, &text);
    c.y += 4.0;
    let mut problems: Vec<&FindingView> = findings.findings.iter().filter(|f| f.is_failure()).collect();
    // The most severe first (the JSON keeps `check`'s order).
    problems.sort_by_key(|f| crate::report::view::SEVERITIES.iter().position(|s| *s == f.severity));
    if problems.is_empty() {
        c.paragraph(X, CONTENT_WIDTH, BODY, "Every applicable rule passes.");
        return;
    }
    open_table(c, &FINDING_COLUMNS);
    let or_empty = |text: &Option<String>| text.clone().unwrap_or_default();
    for f in problems {
        let mut rule = wrapped(c, CELL_BOLD, &f.title, FINDING_COLUMNS[2].width);
        rule.extend(wrapped(c, CELL_MUTED, &f.name, FINDING_COLUMNS[2].width));
        if !f.missing.is_empty() {
            rule.extend(wrapped(
                c,
                CELL_MUTED,
                &format!("not stated: {}", f.missing.join(", ")),
                FINDING_COLUMNS[2].width,
            ));
        }
        let cells = vec![
            vec![(Style::new(Face::Bold, 7.5, severity_colour(f.severity)), f.severity.to_owned())],
            vec![(CELL, f.status.to_owned())],
            rule,
            wrapped(c, CELL, &or_empty(&f.reference), FINDING_COLUMNS[3].width),
            wrapped(c, CELL, &or_empty(&f.remediation), FINDING_COLUMNS[4].width),
        ];
        table_row(c, &FINDING_COLUMNS, &cells);
    }
    close_table(c);
}

const SLA_COLUMNS: [Column; 8] = [
    col("Period", 48.0, false),
    col("Clause", 117.0, false),
    col("In scope", 40.0, true),
    col("Attainment", 52.0, true),
    col("Required", 44.0, true),
    col("p50 / p90 / p95", 96.0, true),
    col("Result", 42.0, false),
    col("Credit", 60.0, true),
];

/// Each result with its values in their units (a csat clause as a mean
/// score against its target), then the credits owed.
fn sla_table(c: &mut Canvas, sla: &SlaView) {
    section(c, "SLA attainment", 40.0);
    if sla.results.is_empty() {
        c.paragraph(X, CONTENT_WIDTH, BODY, "No tickets in scope of any SLA clause.");
        return;
    }
    open_table(c, &SLA_COLUMNS);
    let fit = |c: &Canvas, text: &str, column: usize| wrapped(c, CELL, text, SLA_COLUMNS[column].width);
    for r in &sla.results {
        let mut result = match r.status {
            "breached" => vec![(Style::new(Face::Bold, 7.5, Colour::DISQUALIFIED), "breached".to_owned())],
            "met" => vec![(Style::new(Face::Bold, 7.5, Colour::QUALIFIED), "met".to_owned())],
            _ => wrapped(c, CELL_MUTED, &r.status_text, SLA_COLUMNS[6].width),
        };
        if r.chronic {
            result.push((Style::new(Face::Bold, 7.5, Colour::DISQUALIFIED), "chronic".to_owned()));
        }
        let mut credit = fit(c, &r.credit_text, 7);
        if !r.earned_back_text.is_empty() {
            credit.extend(wrapped(c, CELL_MUTED, &r.earned_back_text, SLA_COLUMNS[7].width));
        }
        let mut clause = wrapped(c, CELL, &r.clause, SLA_COLUMNS[1].width);
        clause.push((CELL_MUTED, r.metric.replace('_', " ")));
        let cells = vec![
            vec![(CELL, r.period.clone())],
            clause,
            fit(c, &r.in_scope.to_string(), 2),
            wrapped(c, CELL_BOLD, &r.attainment_text, SLA_COLUMNS[3].width),
            fit(c, &r.required_text, 4),
            wrapped(c, CELL, &r.percentiles_text, SLA_COLUMNS[5].width),
            result,
            credit,
        ];
        table_row(c, &SLA_COLUMNS, &cells);
    }
    // Totals: tickets in scope, the number of breached results and the credits owed (after each period's cap).
    let in_scope: u64 = sla.results.iter().map(|r| r.in_scope).sum();
    let bold = |text: &str, column: usize| wrapped(c, CELL_BOLD, text, SLA_COLUMNS[column].width);
    let totals = vec![
        bold("Total", 0),
        Vec::new(),
        bold(&in_scope.to_string(), 2),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        bold(&sla.breaches.to_string(), 6),
        bold(&sla.total_credit_text, 7),
    ];
    table_row(c, &SLA_COLUMNS, &totals);
    close_table(c);
    let mut owed = format!("Credits owed in total: {}", sla.total_credit_text);
    if let Some(cap) = &sla.cap_text {
        owed.push_str(&format!(" (cap {cap} per period)"));
    }
    if let Some(cap) = &sla.annual_cap_text {
        owed.push_str(&format!(" (cap {cap} per contract year)"));
    }
    c.y += 6.0;
    // Periods where earn-back or the contract-year cap moved what is owed: gross, earned back, net, owed.
    for p in sla.credits.iter().filter(|p| p.earned_back != "0.00" || p.annual_capped) {
        let year = if p.annual_capped { " (contract-year cap)" } else { "" };
        let line = format!(
            "{}: gross {}, earned back {}, net {}, owed {}{year}",
            p.period, p.gross_text, p.earned_back_text, p.net_text, p.total_text
        );
        c.paragraph(X, CONTENT_WIDTH, MUTED, &line);
    }
    c.paragraph(X, CONTENT_WIDTH, MUTED, &owed);
}
