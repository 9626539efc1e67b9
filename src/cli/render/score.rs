//! How `score` shows a ranking: a table for people, the JSON of SPEC
//! section 2, CSV, and `--explain`'s arithmetic.

use std::fmt::Write as _;

use serde_json::{Value, json};

use crate::cli::Format;
use crate::cli::formats::csv_writer;
use crate::cli::text::{csv_text, fit, name_width, paint, words, wrap};
use vendorscore::model::{AnswerValue, Rubric};
use vendorscore::scoring::{self, Scorecard, Shown, Status, fmt, round2};

fn status_colour(status: Status) -> &'static str {
    match status {
        Status::Qualified => "32",
        Status::BelowPassMark => "33",
        Status::Disqualified => "31",
    }
}

fn number(x: f64) -> Value {
    json!(round2(x))
}

fn shown(value: &Shown) -> Value {
    match value {
        Shown::Number(n) => number(*n),
        Shown::Given(AnswerValue::Bool(b)) => json!(b),
        Shown::Given(AnswerValue::Integer(i)) => json!(i),
        Shown::Given(AnswerValue::Float(f)) => json!(f),
        Shown::Given(AnswerValue::Text(t)) => json!(t),
        Shown::Given(AnswerValue::List(items)) => json!(items.iter().map(|i| i.value.as_str()).collect::<Vec<_>>()),
    }
}

/// `score --format json` (SPEC section 2): `{ as_of, ledger?, rubric,
/// vendors }` (keys in the order serde_json sorts them; `ledger` when an
/// entry was written), the vendors serialized on all cores.
pub fn write_json(
    out: &mut impl std::io::Write,
    rubric: &Rubric,
    cards: &[&Scorecard],
    as_of: &str,
    ledger: Option<u64>,
) -> std::io::Result<()> {
    let mut document = super::json::Object::new(out);
    document.field("as_of", &as_of)?;
    if let Some(seq) = ledger {
        document.field("ledger", &json!({ "seq": seq }))?;
    }
    document.field("rubric", &json!({ "id": rubric.id, "version": rubric.version, "sha256": rubric.sha256 }))?;
    document.array("vendors", cards, |card| vendor_json(card))?;
    document.end()
}

/// One vendor of `score --format json`.
fn vendor_json(card: &Scorecard) -> Value {
    json!({
        "id": card.vendor,
        "name": card.name,
        "score": number(card.score),
        "status": card.status.as_str(),
        "rank": card.rank,
        "coverage": number(card.coverage),
        "gates_failed": card.gates_failed,
        "categories": card.categories.iter().map(|c| json!({
            "id": c.id, "score": number(c.score), "effective_weight": number(c.effective_weight), "points": number(c.points),
        })).collect::<Vec<_>>(),
        "criteria": card.criteria.iter().map(|c| json!({
            "id": c.id,
            "kind": c.kind.as_str(),
            "source": c.source.as_str(),
            "value": c.value.as_ref().map(shown),
            "s": c.s.map(number),
            "effective_weight": number(c.effective_weight),
            "points": number(c.points),
            "evidence": c.evidence.iter().map(|e| json!({
                "path": e.path, "sha256": e.digest.as_ref().map(|d| d.sha256.as_str()),
            })).collect::<Vec<_>>(),
            "issues": c.issues.iter().map(|i| i.as_str()).collect::<Vec<_>>(),
            "moderation": c.moderation.as_ref().map(|(aggregate, m)| json!({
                "aggregate": round2(*aggregate), "value": m.value, "date": m.date.to_string(),
                "panel": m.panel, "rationale": m.rationale,
            })),
        })).collect::<Vec<_>>(),
        "flags": card.flags.iter().map(|f| f.as_str()).collect::<Vec<_>>(),
    })
}

pub fn to_csv(rubric: &Rubric, cards: &[&Scorecard], format: Format) -> anyhow::Result<String> {
    let mut writer = csv_writer(Vec::new(), format)?;
    let mut header = vec!["rank", "vendor", "name", "score", "status", "coverage"];
    header.extend(rubric.categories.iter().map(|c| c.id.as_str()));
    header.extend(["gates_failed", "flags"]);
    writer.write_record(&header)?;
    for card in cards {
        let mut row = vec![
            card.rank.map(|r| r.to_string()).unwrap_or_default(),
            csv_text(&card.vendor).into_owned(),
            csv_text(&card.name).into_owned(),
            format!("{:.2}", card.score),
            card.status.as_str().to_owned(),
            format!("{:.2}", card.coverage),
        ];
        row.extend(card.categories.iter().map(|c| format!("{:.2}", c.score)));
        row.push(card.gates_failed.join(" "));
        row.push(card.flags.iter().map(|f| f.as_str()).collect::<Vec<_>>().join(" "));
        writer.write_record(&row)?;
    }
    Ok(String::from_utf8(writer.into_inner()?)?)
}

/// The narrowest a vendor name or a category heading is cut to.
const NAME_AT_LEAST: usize = 18;
const HEADING_AT_LEAST: usize = 5;

/// The ranking for people in `columns`: names get the room the other columns
/// leave (never cut below 18 characters), then category headings grow from
/// five characters towards the whole id; `cohort` vendors were ranked.
pub fn table(rubric: &Rubric, cards: &[&Scorecard], cohort: usize, as_of: &str, color: bool, columns: usize) -> String {
    let mut out = String::new();
    let noun = if cohort == 1 { "vendor" } else { "vendors" };
    let count =
        if cards.len() < cohort { format!("{} of {cohort} {noun}", cards.len()) } else { format!("{cohort} {noun}") };
    let _ = writeln!(out, "{} {} · as of {as_of} · {count}\n", rubric.id, rubric.version);
    let ids: Vec<&str> = rubric.categories.iter().map(|c| c.id.as_str()).collect();
    let (name_width, headings) = layout(cards, &ids, columns);
    let _ = write!(out, "{:>3}  {:<name_width$} {:>6}  {:<15} {:>4}", "#", "Vendor", "Score", "Status", "Cov.");
    for heading in &headings {
        let _ = write!(out, " {heading:>w$}", w = heading.chars().count().max(HEADING_AT_LEAST));
    }
    out.push('\n');
    for card in cards {
        let rank = card.rank.map_or("–".to_owned(), |r| r.to_string());
        let status = paint(&format!("{:<15}", words(card.status.as_str())), status_colour(card.status), color);
        let name = fit(&card.name, name_width);
        let _ = write!(out, "{rank:>3}  {name} {:>6.2}  {status} {:>3.0}%", card.score, card.coverage);
        for (category, heading) in card.categories.iter().zip(&headings) {
            let w = heading.chars().count().max(HEADING_AT_LEAST);
            let _ = if category.included {
                write!(out, " {:>w$.1}", category.score)
            } else {
                write!(out, " {:>w$}", "–")
            };
        }
        out.push('\n');
    }
    let notes: Vec<String> = cards.iter().copied().filter_map(notes_for).collect();
    if !notes.is_empty() {
        out.push('\n');
        for note in notes {
            let _ = writeln!(out, "{note}");
        }
    }
    let mut legend = String::from("Category scores are out of 100:");
    for (category, heading) in rubric.categories.iter().zip(&headings) {
        let _ = write!(legend, " {heading} = {} (weight {});", category.name, fmt(category.weight));
    }
    legend.pop();
    out.push('\n');
    out.push_str(&wrap(&legend, 0, columns.max(100)));
    if let Some(mark) = rubric.pass_mark {
        let _ = writeln!(out, "Pass mark {}.", fmt(mark));
    }
    out
}

/// The vendor column's width and the category headings that fit `columns`.
fn layout(cards: &[&Scorecard], ids: &[&str], columns: usize) -> (usize, Vec<String>) {
    // "  #  " + name + " Score  Status          Cov." and " " before each category.
    let fixed = 3 + 2 + 1 + 6 + 2 + 15 + 1 + 4;
    let longest = cards.iter().map(|c| c.name.chars().count()).max().unwrap_or(0);
    let narrow = ids.len() * (1 + HEADING_AT_LEAST);
    let name_width = name_width(longest, columns, fixed + narrow, NAME_AT_LEAST);
    let room = columns.saturating_sub(fixed + name_width);
    let longest_id = ids.iter().map(|id| id.chars().count()).max().unwrap_or(0);
    let headings = |cut: usize| -> Vec<String> { ids.iter().map(|id| id.chars().take(cut).collect()).collect() };
    let width =
        |headings: &[String]| -> usize { headings.iter().map(|h| 1 + h.chars().count().max(HEADING_AT_LEAST)).sum() };
    let cut = (HEADING_AT_LEAST..=longest_id.max(HEADING_AT_LEAST))
        .rev()
        .find(|&cut| width(&headings(cut)) <= room)
        .unwrap_or(HEADING_AT_LEAST);
    (name_width, headings(cut))
}

fn notes_for(card: &Scorecard) -> Option<String> {
    let mut parts = Vec::new();
    if !card.gates_failed.is_empty() {
        parts.push(format!("failed gate {}", card.gates_failed.join(", ")));
    }
    let with = |issue: scoring::Issue| -> Vec<&str> {
        card.criteria.iter().filter(|c| c.issues.contains(&issue)).map(|c| c.id.as_str()).collect()
    };
    let unanswered = with(scoring::Issue::Unanswered);
    if !unanswered.is_empty() {
        parts.push(format!("{} unanswered", unanswered.len()));
    }
    for (issue, label) in [
        (scoring::Issue::EvidenceMissing, "evidence missing"),
        (scoring::Issue::PanelDisagreement, "panel disagrees"),
        (scoring::Issue::Moderated, "moderated"),
        (scoring::Issue::UndeclaredEvaluator, "evaluations left out, undeclared evaluator"),
        (scoring::Issue::ConflictOfInterest, "evaluations left out, conflict of interest"),
        (scoring::Issue::AbnormallyLowPrice, "abnormally low price"),
    ] {
        let ids = with(issue);
        if !ids.is_empty() {
            parts.push(format!("{label}: {}", ids.join(", ")));
        }
    }
    (!parts.is_empty()).then(|| format!("{}: {}", card.vendor, parts.join("; ")))
}

/// Per vendor and criterion: answer → s → effective weight → points.
pub fn explain(rubric: &Rubric, cards: &[&Scorecard]) -> String {
    let mut out = String::new();
    let total: f64 = rubric.categories.iter().map(|c| c.weight).sum();
    let excluded = rubric.missing == vendorscore::model::MissingAnswers::Exclude;
    for card in cards {
        let _ =
            writeln!(out, "{} ({}): score {:.2}, {}", card.vendor, card.name, card.score, words(card.status.as_str()));
        for c in &card.criteria {
            let category = rubric.categories.iter().find(|k| k.id == c.category).expect("rubric category");
            let in_category: f64 = category.criteria.iter().map(|k| k.weight).sum();
            let answer = c.value.as_ref().map_or("unanswered".to_owned(), |v| shown(v).to_string());
            let weight = if excluded {
                format!("ew = {:.4} (renormalized over answered criteria)", c.effective_weight)
            } else {
                format!(
                    "ew = 100 × {}/{} × {}/{} = {:.4}",
                    fmt(category.weight),
                    fmt(total),
                    fmt(c.criterion_weight),
                    fmt(in_category),
                    c.effective_weight
                )
            };
            let _ = writeln!(out, "  {}: answer {answer}", c.id);
            if !c.left_out.is_empty() {
                let who: Vec<String> =
                    c.left_out.iter().map(|(evaluator, why)| format!("{evaluator} ({})", why.as_str())).collect();
                let _ = writeln!(out, "    left out: {}", who.join(", "));
            }
            if !c.panel.is_empty() {
                let values: Vec<String> = c.panel.iter().map(|p| format!("{} {}", p.evaluator, fmt(p.value))).collect();
                let how = match rubric.aggregate {
                    vendorscore::model::Aggregate::Median => "median",
                    vendorscore::model::Aggregate::Mean => "mean",
                };
                let aggregate = match (&c.moderation, &c.scored) {
                    (Some((aggregate, _)), _) => *aggregate,
                    (None, Some(vendorscore::model::GivenValue::Number(n))) => *n,
                    _ => 0.0,
                };
                let _ = writeln!(out, "    panel: {}; {how} {}", values.join(", "), fmt(aggregate));
                if let Some((_, m)) = &c.moderation {
                    let _ = writeln!(
                        out,
                        "    moderated: {} replaces the {how} (agreed {} by {}: {})",
                        fmt(m.value),
                        m.date,
                        m.panel.join(", "),
                        m.rationale
                    );
                }
            }
            let _ = writeln!(
                out,
                "    {}; {weight}; points = {:.4} × {:.4} = {:.4}",
                c.reasoning,
                c.effective_weight,
                c.s.unwrap_or(0.0),
                c.points
            );
        }
        let _ = writeln!(out, "  total = {:.4}\n", card.score);
    }
    out
}
