//! How `sla` shows attainment: a table per period, the JSON of SPEC
//! section 7, CSV.

use std::fmt::Write as _;

use serde_json::{Value, json};

use crate::cli::Format;
use crate::cli::formats::csv_writer;
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
            "unmapped_channel": { "rows": report.rows.unmapped_channel, "values": report.rows.unmapped_values },
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
            "over_forecast": r.over_forecast,
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

/// `sla --format csv`: one row per clause and period; measuring every vendor
/// (`with_vendor`), the vendor id is the first column.
pub fn to_csv(reports: &[(&str, &Report)], with_vendor: bool, format: Format) -> anyhow::Result<String> {
    let mut writer = csv_writer(Vec::new(), format)?;
    let lead: &[&str] = if with_vendor { &["vendor"] } else { &[] };
    writer.write_record(lead.iter().copied().chain([
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
        "status",
        "answered",
        "abandoned",
        "short_abandoned",
        "excluded",
        "chronic",
        "earned_back",
        "net",
        "over_forecast",
    ]))?;
    let optional = |v: Option<u64>| v.map(|v| v.to_string()).unwrap_or_default();
    for (vendor, r) in reports.iter().flat_map(|(vendor, report)| report.results.iter().map(move |r| (vendor, r))) {
        let lead = with_vendor.then(|| csv_text(vendor).into_owned());
        writer.write_record(lead.into_iter().chain([
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
            r.status.as_str().to_owned(),
            r.answered.to_string(),
            r.abandoned.to_string(),
            r.short_abandoned.to_string(),
            r.excluded.to_string(),
            r.chronic.to_string(),
            r.earned_back.map(|e| e.to_string()).unwrap_or_default(),
            r.net.to_string(),
            r.over_forecast.to_string(),
        ]))?;
    }
    Ok(String::from_utf8(writer.into_inner()?)?)
}

/// Per period, each clause with a met/breached mark, then the credits owed.
pub fn table(report: &Report, terms: &Terms, contract: &str, tickets: &str, as_of: &str, color: bool) -> String {
    let mut out = String::new();
    let currency = terms.currency.as_deref();
    let _ = writeln!(out, "{} · {contract} · as of {as_of}", terms.vendor);
    let _ = writeln!(out, "{tickets}: {} rows read, {} rejected", report.rows.read, report.rows.rejected);
    if report.rows.unmapped_channel > 0 {
        let _ = writeln!(
            out,
            "{} rows with a channel that maps to none ({}), in no clause",
            report.rows.unmapped_channel,
            report.rows.unmapped_values.join(", ")
        );
    }
    if terms.timezone != "UTC" {
        let _ = writeln!(out, "periods in {}", terms.timezone);
    }
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
            if r.over_forecast > 0 {
                counts.push(format!("over forecast {} left out", r.over_forecast));
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

/// `sla --explain`: per clause and period, the formula with the counts
/// filled in, the decision, and the credit arithmetic; then each period's
/// totals and caps.
pub fn explain(report: &Report, terms: &Terms) -> String {
    let mut out = String::new();
    let currency = terms.currency.as_deref();
    let fee = terms.monthly_fee.unwrap_or(Decimal::ZERO);
    for credit in &report.credits {
        let _ = writeln!(out, "{}", credit.period);
        for r in report.results.iter().filter(|r| r.period == credit.period) {
            let Some(clause) = terms.clauses.iter().find(|c| c.id == r.clause) else { continue };
            let _ = writeln!(out, "  {} ({}{})", r.clause, r.metric.as_str(), mode(clause));
            let _ = writeln!(out, "    {}", formula(r, clause));
            let mut left_out = Vec::new();
            if r.short_abandoned > 0 {
                left_out.push(format!("{} abandoned in under {}s", r.short_abandoned, clause.short_abandon));
            }
            if r.excluded > 0 {
                let reasons: Vec<&str> = terms.exclusions.iter().map(|e| e.reason.as_str()).collect();
                left_out.push(format!("{} in exclusion windows ({})", r.excluded, reasons.join("; ")));
            }
            if r.over_forecast > 0 {
                let volume = r.forecast.unwrap_or_default();
                let tolerance = clause.volume_tolerance_pct.unwrap_or(Decimal::ZERO);
                left_out.push(format!(
                    "{} after the first floor({volume} × (1 + {tolerance} %)) contacts of the period (forecast cap)",
                    r.over_forecast
                ));
            }
            if !left_out.is_empty() {
                let _ = writeln!(out, "    left out of scope: {}", left_out.join(", "));
            }
            let _ = writeln!(out, "    {}", decision(r, clause));
            if r.credit != Money::ZERO {
                let _ = writeln!(out, "    credit: {}", credit_arithmetic(r, clause, terms, fee, currency));
            }
            if r.earn_back {
                let (periods, level) = clause.earn_back.unwrap_or((0, Decimal::ZERO));
                let state = units::earned_back(r.earn_back, r.earned_back);
                let _ = writeln!(
                    out,
                    "    earn-back: {state} (at least {level}% in each of the next {periods} periods); net {}",
                    units::money(r.net, currency)
                );
            }
            if r.chronic {
                let (breaches, periods) = clause.chronic.unwrap_or_default();
                let _ = writeln!(out, "    chronic: {breaches} or more breaches within {periods} periods");
            }
        }
        let net = credit.gross.checked_sub(credit.earned_back).unwrap_or(credit.gross);
        let mut line = format!(
            "  credits: gross {} − earned back {} = net {}",
            units::money(credit.gross, currency),
            units::money(credit.earned_back, currency),
            units::money(net, currency)
        );
        if credit.capped {
            line.push_str(&format!("; period cap {}", units::money(report.cap.unwrap_or_default(), currency)));
        }
        if credit.annual_capped {
            let cap = units::money(report.annual_cap.unwrap_or_default(), currency);
            line.push_str(&format!("; contract-year cap {cap} reached"));
        }
        let _ = writeln!(out, "{line}; owed {}\n", units::money(credit.total, currency));
    }
    out
}

/// What shapes a clause's formula beyond its metric: how abandons count.
fn mode(clause: &vendorscore::sla::Clause) -> String {
    use vendorscore::model::Metric;
    match clause.metric {
        Metric::FirstResponse if clause.abandons_stated => format!(", abandons = {}", clause.abandons.as_str()),
        _ => String::new(),
    }
}

/// The attainment formula with the counts filled in.
fn formula(r: &vendorscore::sla::ClauseResult, clause: &vendorscore::sla::Clause) -> String {
    use vendorscore::model::{Abandons, Metric};
    let shown = units::attainment(r.metric, r.attainment);
    let terms = |parts: &[(&str, u64)]| -> String {
        let mut listed: Vec<String> = parts
            .iter()
            .enumerate()
            .filter(|(i, (_, n))| *i == 0 || *n > 0)
            .map(|(_, (name, n))| format!("{name} {n}"))
            .collect();
        if listed.len() == 1 { listed.remove(0) } else { listed.join(" + ") }
    };
    match r.metric {
        Metric::FirstResponse => {
            let after = r.abandoned - r.abandoned_within;
            let (scope, met) = match clause.abandons {
                Abandons::Miss => (
                    terms(&[("answered", r.answered), ("unanswered", r.unanswered), ("abandoned", r.abandoned)]),
                    format!("met {}", r.met),
                ),
                Abandons::Exclude => {
                    (terms(&[("answered", r.answered), ("unanswered", r.unanswered)]), format!("met {}", r.met))
                }
                Abandons::ExcludeWithinTarget => (
                    terms(&[("answered", r.answered), ("unanswered", r.unanswered), ("abandoned after target", after)]),
                    format!("met {}", r.met),
                ),
                Abandons::MetWithinTarget => (
                    terms(&[("answered", r.answered), ("unanswered", r.unanswered), ("abandoned", r.abandoned)]),
                    format!(
                        "met {} (answered within target {} + abandoned within target {})",
                        r.met,
                        r.met - r.abandoned_within,
                        r.abandoned_within
                    ),
                ),
            };
            format!("{met} / in scope {} ({scope}) = {shown}", r.in_scope)
        }
        Metric::Resolution => format!("resolved within target {} / in scope {} = {shown}", r.met, r.in_scope),
        Metric::Csat => format!("mean of {} ratings = {shown} ({} at or above the target)", r.in_scope, r.met),
        Metric::ReopenRate => format!("not reopened {} / resolved {} = {shown}", r.met, r.in_scope),
        Metric::AbandonRate => format!(
            "answered {} / in scope {} (answered {} + abandoned {}) = {shown} not abandoned",
            r.met, r.in_scope, r.answered, r.abandoned
        ),
        Metric::Asa => format!("mean wait of {} answered contacts = {shown}", r.in_scope),
    }
}

/// Met or not against the requirement, and why a breach earns no credit.
fn decision(r: &vendorscore::sla::ClauseResult, clause: &vendorscore::sla::Clause) -> String {
    use vendorscore::model::SlaKind;
    let (attained, required) = (units::attainment(r.metric, r.attainment), units::required(r.metric, r.required));
    let missed = format!("{attained} against {required}: below the requirement");
    match r.status {
        Status::Met => format!("{attained} against {required}: met"),
        Status::NotMeasured => {
            format!("in scope {} < min_volume {}: not measured", r.in_scope, clause.min_volume.unwrap_or(0))
        }
        Status::BelowTarget => format!(
            "{missed}, at or above minimum {}%: below target, no credit",
            clause.minimum.unwrap_or(Decimal::ZERO)
        ),
        Status::Excused => format!(
            "{missed}; in scope {} > forecast {} × (1 + {}%): excused (volume), no credit",
            r.in_scope,
            r.forecast.unwrap_or(0),
            clause.volume_tolerance_pct.unwrap_or(Decimal::ZERO)
        ),
        Status::Breached if clause.kind == SlaKind::Key => {
            format!("{missed}: breached (key measurement, never credited)")
        }
        Status::Breached if clause.credit.is_none() => format!("{missed}: breached (the clause carries no credit)"),
        Status::Breached => format!("{missed}: breached"),
    }
}

/// How the credit was computed, with the contract's numbers.
fn credit_arithmetic(
    r: &vendorscore::sla::ClauseResult,
    clause: &vendorscore::sla::Clause,
    terms: &Terms,
    fee: Decimal,
    currency: Option<&str>,
) -> String {
    use vendorscore::sla::Credit;
    let amount = units::money(r.credit, currency);
    match clause.credit {
        Some(Credit::Fixed(pct)) => format!("fixed {pct}% × monthly fee {fee} = {amount}"),
        Some(Credit::Allocation(pct)) => format!(
            "allocation {pct}% × at risk ({}% × monthly fee {fee}) = {amount}",
            terms.at_risk_pct.unwrap_or(Decimal::ZERO)
        ),
        Some(Credit::Shortfall(per_point)) => format!(
            "shortfall ({} − {}) points × {per_point}% × monthly fee {fee} = {amount}",
            r.required, r.attainment
        ),
        None => amount,
    }
}
