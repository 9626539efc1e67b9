//! How `sla` shows attainment: a table per period, the JSON of SPEC
//! section 7, CSV.

use std::fmt::Write as _;

use serde_json::{Value, json};

use crate::cli::text::{csv_text, fit, paint};
use vendorscore::sla::{Decimal, Report, Terms};
use vendorscore::units;

/// A decimal as a JSON number: an integer when whole.
fn number(d: Decimal) -> Value {
    if d.is_integer() {
        d.to_string().parse::<i64>().map_or_else(|_| json!(d.to_f64()), |n| json!(n))
    } else {
        json!(d.to_f64())
    }
}

/// The JSON of SPEC section 7, with the zone periods are in (SPEC section 11).
pub fn to_json(report: &Report, terms: &Terms, contract: &str, tickets: &str) -> Value {
    json!({
        "contract": contract,
        "tickets": tickets,
        "timezone": terms.timezone,
        "rows": {
            "read": report.rows.read,
            "rejected": report.rows.rejected,
            "first_rejected": report.rows.first_rejected.iter()
                .map(|r| json!({ "line": r.line, "reason": r.reason })).collect::<Vec<_>>(),
        },
        "results": report.results.iter().map(|r| json!({
            "clause": r.clause,
            "period": r.period.to_string(),
            "in_scope": r.in_scope,
            "met": r.met,
            "attainment": r.attainment.to_f64(),
            "required": number(r.required),
            "breached": r.breached,
            "p50": r.p50,
            "p90": r.p90,
            "p95": r.p95,
            "credit": r.credit.to_string(),
        })).collect::<Vec<_>>(),
        "credits": report.credits.iter().map(|c| json!({
            "period": c.period.to_string(), "total": c.total.to_string(), "capped": c.capped,
        })).collect::<Vec<_>>(),
    })
}

pub fn to_csv(report: &Report) -> anyhow::Result<String> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record([
        "period",
        "clause",
        "metric",
        "in_scope",
        "met",
        "attainment",
        "required",
        "breached",
        "p50",
        "p90",
        "p95",
        "credit",
    ])?;
    let optional = |v: Option<u64>| v.map(|v| v.to_string()).unwrap_or_default();
    for r in &report.results {
        writer.write_record([
            r.period.to_string(),
            csv_text(&r.clause).into_owned(),
            r.metric.as_str().to_owned(),
            r.in_scope.to_string(),
            r.met.to_string(),
            format!("{:.2}", r.attainment.to_f64()),
            r.required.to_string(),
            r.breached.to_string(),
            optional(r.p50),
            optional(r.p90),
            optional(r.p95),
            r.credit.to_string(),
        ])?;
    }
    Ok(String::from_utf8(writer.into_inner()?)?)
}

/// Per period, each clause with a met/breached mark, then the credits owed.
pub fn table(report: &Report, terms: &Terms, contract: &str, tickets: &str, as_of: &str, color: bool) -> String {
    let mut out = String::new();
    let currency = terms.currency.as_deref();
    let _ = writeln!(out, "{} · {contract} · as of {as_of}", terms.vendor);
    let _ = writeln!(out, "{tickets}: {} rows read, {} rejected", report.rows.read, report.rows.rejected);
    if terms.timezone != "UTC" {
        let _ = writeln!(out, "periods in {}", terms.timezone);
    }
    if report.results.is_empty() {
        out.push_str("\nNo ticket falls under any clause.\n");
        return out;
    }
    for credit in &report.credits {
        let _ = writeln!(out, "\n{}", credit.period);
        let _ = writeln!(
            out,
            "{:<22} {:>8} {:>7} {:>8} {:>8} {:>6} {:>6} {:>6}  {:<10} {:>9}",
            "Clause", "In scope", "Met", "Attained", "Required", "p50", "p90", "p95", "Status", "Credit"
        );
        for r in report.results.iter().filter(|r| r.period == credit.period) {
            let (attainment, required) =
                (units::attainment(r.metric, r.attainment), units::required(r.metric, r.required));
            let status =
                if r.breached { paint("✗ BREACHED", "31", color) } else { paint("✓ met     ", "32", color) };
            let _ = writeln!(
                out,
                "{} {:>8} {:>7} {:>8} {:>8} {:>6} {:>6} {:>6}  {status} {:>9}",
                fit(&r.clause, 22),
                r.in_scope,
                r.met,
                attainment,
                required,
                units::percentile(r.metric, r.p50),
                units::percentile(r.metric, r.p90),
                units::percentile(r.metric, r.p95),
                r.credit.to_string(),
            );
        }
        let cap = if credit.capped {
            format!(" (capped at {})", units::money(report.cap.unwrap_or_default(), currency))
        } else {
            String::new()
        };
        let _ = writeln!(out, "Credits owed for {}: {}{cap}", credit.period, units::money(credit.total, currency));
    }
    let breaches = report.results.iter().filter(|r| r.breached).count();
    let periods = report.credits.len();
    let _ = write!(
        out,
        "\n{breaches} breach{} in {periods} period{}; credits owed in total: {}",
        if breaches == 1 { "" } else { "es" },
        if periods == 1 { "" } else { "s" },
        units::money(report.total_credit(), currency)
    );
    match report.cap {
        Some(cap) => {
            let _ = writeln!(out, " (cap {} per period).", units::money(cap, currency));
        }
        None => out.push_str(".\n"),
    }
    out
}
