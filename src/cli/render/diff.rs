//! How `diff` shows two outcomes side by side: a table for people, JSON and
//! CSV (one row per vendor).

use std::fmt::Write as _;

use serde_json::{Value, json};

use crate::cli::Format;
use crate::cli::formats::csv_writer;
use crate::cli::text::{fit, name_width, words};
use vendorscore::pipeline::diff::{Diffed, EntriesDiffed, Recorded, Side};
use vendorscore::scoring::round2;
use vendorscore::sensitivity::diff::{RubricChange, Standing, VendorChange};

fn standing_json(s: &Option<Standing>) -> Value {
    s.as_ref().map_or(Value::Null, |s| json!({ "score": round2(s.score), "status": s.status.as_str(), "rank": s.rank }))
}

fn side_json(side: &Side) -> Value {
    json!({ "label": side.label, "rubric": { "id": side.rubric.id, "version": side.rubric.version, "sha256": side.rubric.sha256 } })
}

fn change_json(c: &RubricChange) -> Value {
    json!({ "change": c.what, "id": c.id, "before": c.before, "after": c.after })
}

/// Two rubric versions compared.
pub fn to_json(diffed: &Diffed, as_of: &str) -> Value {
    json!({
        "as_of": as_of,
        "before": side_json(&diffed.before),
        "after": side_json(&diffed.after),
        "vendors": diffed.vendors.iter().map(|v| json!({
            "id": v.id,
            "name": v.name,
            "before": standing_json(&v.before),
            "after": standing_json(&v.after),
            "change": v.change().map(round2),
            "status_changed": status_changed(v),
            "rank_changed": v.before.as_ref().map(|s| s.rank) != v.after.as_ref().map(|s| s.rank),
            "contributions": v.contributions.iter().map(|c| json!({
                "criterion": c.criterion, "before": round2(c.before), "after": round2(c.after), "change": round2(c.after - c.before),
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "rubric_changes": diffed.rubric.iter().map(change_json).collect::<Vec<_>>(),
    })
}

fn status_changed(v: &VendorChange) -> bool {
    v.before.as_ref().map(|s| s.status) != v.after.as_ref().map(|s| s.status)
}

/// One row per vendor.
pub fn to_csv(diffed: &Diffed, format: Format) -> anyhow::Result<String> {
    let mut writer = csv_writer(Vec::new(), format)?;
    writer.write_record([
        "vendor",
        "score_before",
        "score_after",
        "change",
        "status_before",
        "status_after",
        "rank_before",
        "rank_after",
    ])?;
    for v in &diffed.vendors {
        let score = |s: &Option<Standing>| s.as_ref().map_or(String::new(), |s| format!("{:.2}", s.score));
        let status = |s: &Option<Standing>| s.as_ref().map_or(String::new(), |s| s.status.as_str().to_owned());
        let rank = |s: &Option<Standing>| s.as_ref().and_then(|s| s.rank).map_or(String::new(), |r| r.to_string());
        writer.write_record([
            v.id.clone(),
            score(&v.before),
            score(&v.after),
            v.change().map_or(String::new(), |c| format!("{c:.2}")),
            status(&v.before),
            status(&v.after),
            rank(&v.before),
            rank(&v.after),
        ])?;
    }
    Ok(String::from_utf8(writer.into_inner()?)?)
}

fn rank_text(rank: Option<usize>) -> String {
    rank.map_or("–".to_owned(), |r| r.to_string())
}

/// The narrowest a vendor name is cut to.
const NAME_AT_LEAST: usize = 24;
/// " Before   After  Change  Status… Rank": the columns beside the name.
const BESIDE_NAME: usize = 1 + 7 + 1 + 7 + 1 + 7 + 2 + 34 + 1 + 7;

/// The width of the vendor column in `columns`, and the width the table takes.
fn name_column(names: impl Iterator<Item = usize>, columns: usize) -> (usize, usize) {
    let width = name_width(names.max().unwrap_or(0), columns, BESIDE_NAME, NAME_AT_LEAST);
    (width, columns.max(width + BESIDE_NAME))
}

/// The comparison for people in `columns` (never narrower than its narrowest layout).
pub fn table(diffed: &Diffed, as_of: &str, columns: usize) -> String {
    let mut out = String::new();
    let side = |s: &Side| format!("{} ({} {})", s.label, s.rubric.id, s.rubric.version);
    let _ = writeln!(out, "before: {}\nafter:  {}\nas of {as_of}\n", side(&diffed.before), side(&diffed.after));
    let (name_width, width) = name_column(diffed.vendors.iter().map(|v| v.name.chars().count()), columns);
    let _ = writeln!(
        out,
        "{:<name_width$} {:>7} {:>7} {:>7}  {:<34} Rank",
        "Vendor", "Before", "After", "Change", "Status"
    );
    for v in &diffed.vendors {
        let score = |s: &Option<Standing>| s.as_ref().map_or("–".to_owned(), |s| format!("{:.2}", s.score));
        let status = words(&match (&v.before, &v.after) {
            (Some(a), Some(b)) if a.status == b.status => a.status.as_str().to_owned(),
            (a, b) => format!(
                "{} → {}",
                a.as_ref().map_or("–", |s| s.status.as_str()),
                b.as_ref().map_or("–", |s| s.status.as_str())
            ),
        });
        let rank = format!(
            "{} → {}",
            rank_text(v.before.as_ref().and_then(|s| s.rank)),
            rank_text(v.after.as_ref().and_then(|s| s.rank))
        );
        let change = v.change().map_or("–".to_owned(), |c| format!("{c:+.2}"));
        let _ = writeln!(
            out,
            "{} {:>7} {:>7} {:>7}  {:<34} {rank}",
            fit(&v.name, name_width),
            score(&v.before),
            score(&v.after),
            change,
            status
        );
        if !v.contributions.is_empty() {
            let parts: Vec<String> =
                v.contributions.iter().map(|c| format!("{} {:.2} → {:.2}", c.criterion, c.before, c.after)).collect();
            out.push_str("    ");
            out.push_str(&crate::cli::text::wrap(&format!("most changed (points): {}", parts.join("; ")), 4, width));
        }
    }
    out.push_str("\nRubric changes:");
    if diffed.rubric.is_empty() {
        out.push_str(" none\n");
    } else {
        out.push('\n');
        for change in &diffed.rubric {
            let id = if change.id.is_empty() { String::new() } else { format!(" {}", change.id) };
            let line = match (&change.before, &change.after) {
                (Some(a), Some(b)) => format!("  {}{id}: {a} → {b}", change.what),
                (None, Some(b)) => format!("  {}{id} (weight {b})", change.what),
                (Some(a), None) => format!("  {}{id} (weight {a})", change.what),
                (None, None) => format!("  {}{id}", change.what),
            };
            let _ = writeln!(out, "{line}");
        }
    }
    out
}

fn recorded_json(r: &Option<Recorded>) -> Value {
    r.as_ref().map_or(Value::Null, |r| json!({ "score": r.score, "status": r.status, "rank": r.rank }))
}

fn recorded_change(before: &Option<Recorded>, after: &Option<Recorded>) -> Option<f64> {
    let parse = |r: &Option<Recorded>| r.as_ref().and_then(|r| r.score.parse::<f64>().ok());
    Some(round2(parse(after)? - parse(before)?))
}

/// Two recorded runs compared.
pub fn entries_json(diffed: &EntriesDiffed) -> Value {
    json!({
        "entries": [diffed.seqs.0, diffed.seqs.1],
        "before": { "rubric": diffed.rubrics.0 },
        "after": { "rubric": diffed.rubrics.1 },
        "rubric_changed": diffed.rubrics.0 != diffed.rubrics.1,
        "vendors": diffed.vendors.iter().map(|(id, a, b)| json!({
            "id": id, "before": recorded_json(a), "after": recorded_json(b), "change": recorded_change(a, b),
        })).collect::<Vec<_>>(),
    })
}

/// Two recorded runs for people, in `columns`.
pub fn entries_table(diffed: &EntriesDiffed, columns: usize) -> String {
    let mut out = String::new();
    let rubric = |r: &Value| format!("{} {}", r["id"].as_str().unwrap_or("?"), r["version"].as_str().unwrap_or("?"));
    let _ = writeln!(
        out,
        "entry {} ({}) → entry {} ({}){}\n",
        diffed.seqs.0,
        rubric(&diffed.rubrics.0),
        diffed.seqs.1,
        rubric(&diffed.rubrics.1),
        if diffed.rubrics.0 == diffed.rubrics.1 { "" } else { " · the rubric changed" }
    );
    let (name_width, _) = name_column(diffed.vendors.iter().map(|(id, _, _)| id.chars().count()), columns);
    let _ = writeln!(
        out,
        "{:<name_width$} {:>7} {:>7} {:>7}  {:<34} Rank",
        "Vendor", "Before", "After", "Change", "Status"
    );
    for (id, a, b) in &diffed.vendors {
        let score = |r: &Option<Recorded>| r.as_ref().map_or("–".to_owned(), |r| r.score.clone());
        let status = words(&match (a, b) {
            (Some(x), Some(y)) if x.status == y.status => x.status.clone(),
            _ => format!(
                "{} → {}",
                a.as_ref().map_or("–", |r| r.status.as_str()),
                b.as_ref().map_or("–", |r| r.status.as_str())
            ),
        });
        let rank = |r: &Option<Recorded>| r.as_ref().and_then(|r| r.rank).map_or("–".to_owned(), |r| r.to_string());
        let change = recorded_change(a, b).map_or("–".to_owned(), |c| format!("{c:+.2}"));
        let _ = writeln!(
            out,
            "{} {:>7} {:>7} {:>7}  {:<34} {} → {}",
            fit(id, name_width),
            score(a),
            score(b),
            change,
            status,
            rank(a),
            rank(b)
        );
    }
    out
}
