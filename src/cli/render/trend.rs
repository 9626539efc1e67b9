//! How `trend` shows history: per vendor a table of score runs with the
//! change and its causes, then SLA attainment per clause and period; the
//! same as JSON, or one CSV row per run.

use std::fmt::Write as _;

use serde_json::{Value, json};

use crate::cli::text::{self, fit};
use vendorscore::lifecycle::trend::{Change, signed};
use vendorscore::pipeline::trend::{ScorePoint, Trend};

fn score_text(hundredths: Option<i64>) -> String {
    hundredths.map_or_else(String::new, |h| format!("{}.{:02}", h / 100, (h % 100).abs()))
}

fn causes_text(change: &Change) -> String {
    if change.causes.is_empty() {
        return "no recorded input changed".to_owned();
    }
    let mut parts: Vec<String> = change.causes.iter().map(|c| c.as_str().to_owned()).collect();
    if let Some((id, version)) = &change.rubric_from {
        parts[0] = format!("rubric (was {id} {version})");
    }
    let mut text = parts.join(", ");
    if !change.files.is_empty() {
        let _ = write!(text, ": {}", change.files.iter().map(|f| &**f).collect::<Vec<_>>().join(", "));
    }
    text
}

fn run_json(run: &ScorePoint) -> Value {
    let p = &run.point;
    json!({
        "seq": p.seq,
        "date": p.date.to_string(),
        "score": p.score.map(|s| score_text(Some(s))),
        "rank": p.rank,
        "cohort": p.cohort,
        "status": p.status.as_deref(),
        "tier": p.tier.as_deref(),
        "rubric": { "id": &*p.rubric_id, "version": &*p.rubric_version },
        "change": run.change.as_ref().map(|c| json!({
            "delta": signed(c.delta),
            "causes": c.causes.iter().map(|c| c.as_str()).collect::<Vec<_>>(),
            "files": c.files.iter().map(|f| &**f).collect::<Vec<&str>>(),
            "rubric_from": c.rubric_from.as_ref().map(|(id, version)| format!("{id} {version}")),
        })),
    })
}

/// `trend --format json`.
pub fn json(trend: &Trend) -> serde_json::Result<String> {
    let vendors: Vec<Value> = trend
        .vendors
        .iter()
        .map(|v| {
            json!({
                "id": v.id,
                "name": v.name,
                "runs": v.runs.iter().map(run_json).collect::<Vec<_>>(),
                "sla": v.sla.iter().map(|((clause, period), runs)| json!({
                    "clause": clause,
                    "period": period,
                    "runs": runs.iter().map(|r| json!({
                        "seq": r.seq, "date": r.date.to_string(), "attainment": r.attainment,
                        "required": r.required, "breached": r.breached, "tickets": r.tickets,
                    })).collect::<Vec<_>>(),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let mut text = serde_json::to_string_pretty(&json!({ "entries": trend.entries, "vendors": vendors }))?;
    text.push('\n');
    Ok(text)
}

/// `trend --format csv`: one row per score run and per clause, period and sla run.
pub fn csv(trend: &Trend) -> Result<String, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "record",
        "vendor",
        "seq",
        "date",
        "score",
        "rank",
        "status",
        "tier",
        "rubric",
        "delta",
        "causes",
        "files",
        "clause",
        "period",
        "attainment",
        "required",
        "breached",
    ])?;
    for v in &trend.vendors {
        for run in &v.runs {
            let p = &run.point;
            let (delta, causes, files) = match &run.change {
                Some(c) => (
                    signed(c.delta),
                    c.causes.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(" "),
                    c.files.iter().map(|f| &**f).collect::<Vec<_>>().join(" "),
                ),
                None => Default::default(),
            };
            w.write_record([
                "score",
                &v.id,
                &p.seq.to_string(),
                &p.date.to_string(),
                &score_text(p.score),
                &p.rank.map(|r| r.to_string()).unwrap_or_default(),
                p.status.as_deref().unwrap_or(""),
                p.tier.as_deref().unwrap_or(""),
                &format!("{} {}", p.rubric_id, p.rubric_version),
                &delta,
                &causes,
                &files,
                "",
                "",
                "",
                "",
                "",
            ])?;
        }
        for ((clause, period), runs) in &v.sla {
            for r in runs {
                let breached = r.breached.map(|b| b.to_string()).unwrap_or_default();
                w.write_record([
                    "sla",
                    &v.id,
                    &r.seq.to_string(),
                    &r.date.to_string(),
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    clause,
                    period,
                    &r.attainment,
                    &r.required,
                    &breached,
                ])?;
            }
        }
    }
    let bytes = w.into_inner().map_err(|e| csv::Error::from(e.into_error()))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// The history for people.
pub fn table(trend: &Trend, color: bool) -> String {
    let mut out = String::new();
    for v in &trend.vendors {
        let _ = writeln!(out, "{} ({})", text::paint(&v.id, "1", color), v.name);
        if v.runs.is_empty() {
            let _ = writeln!(out, "  never scored");
        } else {
            let _ = writeln!(
                out,
                "  {:>6} {:<10} {:>6} {:>5} {:<16} {:<9} {:<28} change",
                "entry", "date", "score", "rank", "status", "tier", "rubric"
            );
        }
        for run in &v.runs {
            let p = &run.point;
            let rank = match (p.rank, p.cohort) {
                (Some(r), Some(c)) => format!("{r}/{c}"),
                (Some(r), None) => r.to_string(),
                _ => String::new(),
            };
            let change = run.change.as_ref().map_or_else(String::new, |c| {
                let delta = signed(c.delta);
                let delta = text::paint(&delta, if c.delta < 0 { "31" } else { "32" }, color);
                format!("{delta} {}", causes_text(c))
            });
            let _ = writeln!(
                out,
                "  {:>6} {} {:>6} {:>5} {} {} {} {}",
                p.seq,
                p.date,
                score_text(p.score),
                rank,
                fit(p.status.as_deref().unwrap_or("-"), 16),
                fit(p.tier.as_deref().unwrap_or("-"), 9),
                fit(&format!("{} {}", p.rubric_id, p.rubric_version), 28),
                change
            );
        }
        if !v.sla.is_empty() {
            let _ = writeln!(out, "  SLA attainment % (required; * breached), oldest run first");
            for ((clause, period), runs) in &v.sla {
                let values: Vec<String> = runs
                    .iter()
                    .map(|r| {
                        let mark = if r.breached == Some(true) { "*" } else { "" };
                        format!("{}{mark} ({})", r.attainment, r.required)
                    })
                    .collect();
                let _ = writeln!(out, "  {} {period}  {}", fit(clause, 28), values.join(" → "));
            }
        }
        out.push('\n');
    }
    let _ = writeln!(out, "{} ledger entries read", trend.entries);
    out
}
