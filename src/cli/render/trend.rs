//! How `trend` shows history, written as the ledger is read: one row per
//! score run (with the change and its causes) and per clause, period and
//! `sla` run, in ledger order; as a table, as JSON (the records one to a
//! line inside one document) or as CSV.

use std::io::Write;

use serde_json::{Value, json};

use crate::cli::Format;
use crate::cli::formats::{csv_io, csv_writer};
use crate::cli::terminal::closed_pipe_is_fine;
use crate::cli::text::{self, fit, words};
use vendorscore::lifecycle::trend::{Change, Point, signed};
use vendorscore::pipeline::trend::{Record, Trend};

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
        text.push_str(": ");
        text.push_str(&change.files.iter().map(|f| &**f).collect::<Vec<_>>().join(", "));
    }
    text
}

fn change_json(change: &Change) -> Value {
    json!({
        "delta": signed(change.delta),
        "causes": change.causes.iter().map(|c| c.as_str()).collect::<Vec<_>>(),
        "files": change.files.iter().map(|f| &**f).collect::<Vec<&str>>(),
        "rubric_from": change.rubric_from.as_ref().map(|(id, version)| format!("{id} {version}")),
    })
}

fn record_json(trend: &Trend, record: &Record<'_>) -> Value {
    match record {
        Record::Score { vendor, point: p, change } => json!({
            "record": "score",
            "vendor": trend.vendors[*vendor].id,
            "seq": p.seq,
            "date": p.date.to_string(),
            "score": p.score.map(|s| score_text(Some(s))),
            "rank": p.rank,
            "cohort": p.cohort,
            "status": p.status.as_deref(),
            "tier": p.tier.as_deref(),
            "rubric": { "id": &*p.rubric_id, "version": &*p.rubric_version },
            "change": change.as_ref().map(change_json),
        }),
        Record::Sla { vendor, clause, period, point: r } => json!({
            "record": "sla",
            "vendor": trend.vendors[*vendor].id,
            "seq": r.seq,
            "date": r.date.to_string(),
            "clause": clause,
            "period": period,
            "attainment": r.attainment,
            "required": r.required,
            "breached": r.breached,
            "tickets": r.tickets,
        }),
    }
}

/// `trend --format json`: `{"vendors": [...], "records": [...], "entries": N}`,
/// each record on a line of its own as it is read; `entries` comes last,
/// once the whole ledger has been.
pub fn write_json(trend: &Trend) -> std::io::Result<()> {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let written = (|| {
        let vendors: Vec<Value> = trend.vendors.iter().map(|v| json!({ "id": v.id, "name": v.name })).collect();
        out.write_all(b"{\n  \"vendors\": ")?;
        serde_json::to_writer(&mut out, &vendors)?;
        out.write_all(b",\n  \"records\": [")?;
        let mut first = true;
        let entries = trend.stream(|record| {
            out.write_all(if first { &b"\n    "[..] } else { &b",\n    "[..] })?;
            first = false;
            serde_json::to_writer(&mut out, &record_json(trend, &record)).map_err(std::io::Error::from)
        })?;
        out.write_all(if first { &b"],\n"[..] } else { &b"\n  ],\n"[..] })?;
        writeln!(out, "  \"entries\": {entries}\n}}")?;
        out.flush()
    })();
    closed_pipe_is_fine(written)
}

/// `trend --format csv` (or `csv-excel`): one row per score run and per
/// clause, period and sla run.
pub fn write_csv(trend: &Trend, format: Format) -> std::io::Result<()> {
    let written = (|| {
        let mut w = csv_writer(std::io::BufWriter::new(std::io::stdout().lock()), format)?;
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
        ])
        .map_err(csv_io)?;
        trend.stream(|record| {
            let row = match record {
                Record::Score { vendor, point: p, change } => {
                    let (delta, causes, files) = match &change {
                        Some(c) => (
                            signed(c.delta),
                            c.causes.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(" "),
                            c.files.iter().map(|f| &**f).collect::<Vec<_>>().join(" "),
                        ),
                        None => Default::default(),
                    };
                    [
                        "score".to_owned(),
                        trend.vendors[vendor].id.clone(),
                        p.seq.to_string(),
                        p.date.to_string(),
                        score_text(p.score),
                        p.rank.map(|r| r.to_string()).unwrap_or_default(),
                        p.status.as_deref().unwrap_or("").to_owned(),
                        p.tier.as_deref().unwrap_or("").to_owned(),
                        format!("{} {}", p.rubric_id, p.rubric_version),
                        delta,
                        causes,
                        files,
                        String::new(),
                        String::new(),
                        String::new(),
                        String::new(),
                        String::new(),
                    ]
                }
                Record::Sla { vendor, clause, period, point: r } => [
                    "sla".to_owned(),
                    trend.vendors[vendor].id.clone(),
                    r.seq.to_string(),
                    r.date.to_string(),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                    clause.to_owned(),
                    period.to_owned(),
                    r.attainment.clone(),
                    r.required.clone(),
                    r.breached.map(|b| b.to_string()).unwrap_or_default(),
                ],
            };
            w.write_record(&row).map_err(csv_io)
        })?;
        w.flush()
    })();
    closed_pipe_is_fine(written)
}

/// The narrowest a vendor id is cut to.
const ID_AT_LEAST: usize = 24;
/// The columns of a score row beside the id: entry, date, score, rank,
/// status, tier, rubric and room for the change's delta ("+12.34").
const BESIDE_ID: usize = 7 + 1 + 10 + 1 + 1 + 6 + 1 + 5 + 1 + 16 + 1 + 10 + 1 + 28 + 1 + 6;

fn score_row(trend: &Trend, vendor: usize, p: &Point, change: Option<&Change>, color: bool, id_width: usize) -> String {
    let rank = match (p.rank, p.cohort) {
        (Some(r), Some(c)) => format!("{r}/{c}"),
        (Some(r), None) => r.to_string(),
        _ => String::new(),
    };
    let change = change.map_or_else(String::new, |c| {
        let delta = signed(c.delta);
        let delta = text::paint(&delta, if c.delta < 0 { "31" } else { "32" }, color);
        format!("{delta} {}", causes_text(c))
    });
    format!(
        "{:>7} {} {} {:>6} {:>5} {} {} {} {}",
        p.seq,
        p.date,
        fit(&trend.vendors[vendor].id, id_width),
        score_text(p.score),
        rank,
        fit(&words(p.status.as_deref().unwrap_or("-")), 16),
        fit(p.tier.as_deref().unwrap_or("-"), 10),
        fit(&format!("{} {}", p.rubric_id, p.rubric_version), 28),
        change
    )
}

/// The history for people in `columns`: a row per record as it is read,
/// then the vendors never scored and the number of ledger entries read.
pub fn write_table(trend: &Trend, color: bool, columns: usize) -> std::io::Result<()> {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let longest = trend.vendors.iter().map(|v| v.id.chars().count()).max().unwrap_or(0);
    let id_width = text::name_width(longest, columns, BESIDE_ID, ID_AT_LEAST);
    let written = (|| {
        let mut scored = vec![false; trend.vendors.len()];
        let mut header = false;
        let entries = trend.stream(|record| {
            if !header {
                header = true;
                let title = format!(
                    "{:>7} {:<10} {:<id_width$} {:>6} {:>5} {:<16} {:<10} {:<28} change",
                    "entry", "date", "vendor", "score", "rank", "status", "tier", "rubric"
                );
                writeln!(out, "{}", text::paint(&title, "1", color))?;
            }
            match record {
                Record::Score { vendor, point, change } => {
                    scored[vendor] = true;
                    writeln!(out, "{}", score_row(trend, vendor, point, change.as_ref(), color, id_width).trim_end())
                }
                Record::Sla { vendor, clause, period, point: r } => {
                    let mark = if r.breached == Some(true) { ", breached" } else { "" };
                    writeln!(
                        out,
                        "{:>7} {} {} sla {clause} {period}: {} % (required {}){mark}",
                        r.seq,
                        r.date,
                        fit(&trend.vendors[vendor].id, id_width),
                        r.attainment,
                        r.required
                    )
                }
            }
        })?;
        let never: Vec<&str> =
            trend.vendors.iter().zip(&scored).filter(|(_, s)| !**s).map(|(v, _)| v.id.as_str()).collect();
        if !never.is_empty() {
            writeln!(out, "never scored: {}", never.join(", "))?;
        }
        writeln!(out, "{entries} ledger entries read")?;
        out.flush()
    })();
    closed_pipe_is_fine(written)
}
