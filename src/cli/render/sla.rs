//! How `sla` shows attainment: a table per period, the JSON of SPEC
//! section 7, CSV.

use std::fmt::Write as _;

use serde_json::{Value, json};

use crate::cli::text::{csv_text, fit, paint};
use vendorscore::sla::{Decimal, Money, Report, Status, Terms};
use vendorscore::units;

/// A decimal as a JSON number: an integer when whole.
fn number(d: Decimal) -> Value {
    if d.is_integer() {
        d.to_string().parse::<i64>().map_or_else(|_| json!(d.to_f64()), |n| json!(n))
    } else {
        json!(d.to_f64())
    }
}

/// The JSON of SPEC section 7.
pub fn to_json(report: &Report, contract: &str, tickets: &str) -> Value {
    json!({
        "contract": contract,
        "tickets": tickets,
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
            "status": r.status.as_str(),
            "answered": r.answered,
            "abandoned": r.abandoned,
            "short_abandoned": r.short_abandoned,
            "excluded": r.excluded,
            "not_measured": r.status == Status::NotMeasured,
            "below_target": r.status == Status::BelowTarget,
            "excused": (r.status == Status::Excused).then_some("volume"),
            "forecast": r.forecast,
            "chronic": r.chronic,
            "accrued": r.credit.to_string(),
            "earned_back": r.earned_back,
            "net": r.net.to_string(),
        })).collect::<Vec<_>>(),
        "credits": report.credits.iter().map(|c| json!({
            "period": c.period.to_string(), "total": c.total.to_string(), "capped": c.capped,
            "gross": c.gross.to_string(), "earned_back": c.earned_back.to_string(),
            "net": c.gross.checked_sub(c.earned_back).unwrap_or(c.gross).to_string(),
            "annual_capped": c.annual_capped,
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
    if report.results.is_empty() {
        out.push_str("\nNo ticket falls under any clause.\n");
        return out;
    }
    let statuses: Vec<String> = report.results.iter().map(|r| units::status(r.status, r.chronic)).collect();
    let width = statuses.iter().map(|s| s.chars().count()).max().unwrap_or(0).max(10);
    for credit in &report.credits {
        let _ = writeln!(out, "\n{}", credit.period);
        let _ = writeln!(
            out,
            "{:<22} {:>8} {:>7} {:>8} {:>8} {:>6} {:>6} {:>6}  {:<width$} {:>9}",
            "Clause", "In scope", "Met", "Attained", "Required", "p50", "p90", "p95", "Status", "Credit"
        );
        for (r, status) in report.results.iter().zip(&statuses).filter(|(r, _)| r.period == credit.period) {
            let (attainment, required) =
                (units::attainment(r.metric, r.attainment), units::required(r.metric, r.required));
            let colour = match r.status {
                Status::Met => "32",
                Status::Breached => "31",
                _ => "33",
            };
            let status = paint(&format!("{status:<width$}"), colour, color);
            let earn_back = match units::earned_back(r.earn_back, r.earned_back) {
                "" => String::new(),
                text => format!("  {text}"),
            };
            let _ = writeln!(
                out,
                "{} {:>8} {:>7} {:>8} {:>8} {:>6} {:>6} {:>6}  {status} {:>9}{earn_back}",
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
            let mut counts = Vec::new();
            if r.answered + r.abandoned + r.short_abandoned > 0 && r.abandoned + r.short_abandoned > 0 {
                counts.push(format!("answered {}, abandoned {}", r.answered, r.abandoned));
            }
            if r.short_abandoned > 0 {
                counts.push(format!("short abandons {} left out", r.short_abandoned));
            }
            if r.excluded > 0 {
                counts.push(format!("excluded {}", r.excluded));
            }
            if let Some(volume) = r.forecast {
                counts.push(format!("forecast {volume}"));
            }
            if !counts.is_empty() {
                let _ = writeln!(out, "  {}", counts.join(", "));
            }
        }
        let mut notes = Vec::new();
        if credit.capped {
            notes.push(format!("capped at {}", units::money(report.cap.unwrap_or_default(), currency)));
        }
        if credit.annual_capped {
            notes.push(format!(
                "contract year capped at {}",
                units::money(report.annual_cap.unwrap_or_default(), currency)
            ));
        }
        let notes = if notes.is_empty() { String::new() } else { format!(" ({})", notes.join("; ")) };
        if credit.earned_back == Money::ZERO && !report.results.iter().any(|r| r.period == credit.period && r.earn_back)
        {
            let _ =
                writeln!(out, "Credits owed for {}: {}{notes}", credit.period, units::money(credit.total, currency));
        } else {
            let net = credit.gross.checked_sub(credit.earned_back).unwrap_or(credit.gross);
            let _ = writeln!(
                out,
                "Credits for {}: gross {}, earned back {}, net {}; owed {}{notes}",
                credit.period,
                units::money(credit.gross, currency),
                units::money(credit.earned_back, currency),
                units::money(net, currency),
                units::money(credit.total, currency)
            );
        }
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
