//! Contract semantics (SPEC section 4): codes, durations, percentages, SLA
//! clauses and dates that contradict each other.

use std::collections::HashSet;

use crate::diag::{Code, Diagnostics};
use crate::model::{
    CalendarDef, ClockKind, ContractFile, ContractStatus, Duration, Holiday, Metric, SlaTarget, Spanned, is_currency,
    is_slug,
};
use crate::sla::calendar::{first_overlap, parse_interval, zone};

/// Check a parsed contract on its own (its vendor is checked across files).
pub fn check(file: &ContractFile, path: &str, diagnostics: &mut Diagnostics) {
    check_clocks(file, path, diagnostics);
    let terms = &file.contract;
    if !is_slug(&terms.vendor) {
        diagnostics.report(
            Code::InvalidId,
            path,
            Some(terms.vendor.span.clone()),
            format!("vendor id `{}` is not of the form [a-z0-9][a-z0-9-]*", *terms.vendor),
        );
    }
    if let Some(currency) = &terms.currency
        && !is_currency(currency)
    {
        diagnostics
            .report(
                Code::InvalidCurrency,
                path,
                Some(currency.span.clone()),
                format!("`{}` is not an ISO 4217 currency code", currency.value),
            )
            .add_help("use the three capital letters, e.g. EUR, USD, PLN");
    }
    if let Some(fee) = &terms.monthly_fee {
        if fee.value < 0.0 {
            diagnostics.report(
                Code::OutOfRange,
                path,
                Some(fee.span.clone()),
                "monthly_fee must not be negative".to_owned(),
            );
        } else if fee.value > crate::sla::money::MAX_EXACT_AMOUNT {
            diagnostics
                .report(
                    Code::OutOfRange,
                    path,
                    Some(fee.span.clone()),
                    format!(
                        "monthly_fee is above {}, the largest amount credits are computed with exactly",
                        crate::sla::money::MAX_EXACT_AMOUNT
                    ),
                )
                .add_help(
                    "TOML numbers reach vendorscore as 64-bit floating point; larger amounts lose their last digits",
                );
        }
    }
    if let Some(months) = &terms.term_months
        && months.value == 0
    {
        diagnostics.report(
            Code::OutOfRange,
            path,
            Some(months.span.clone()),
            "term_months must be at least 1".to_owned(),
        );
    }
    if let (Some(signed), Some(ContractStatus::Draft)) = (&terms.signed, terms.status) {
        diagnostics
            .report(
                Code::InconsistentContract,
                path,
                Some(signed.span.clone()),
                "a draft contract has a `signed` date".to_owned(),
            )
            .add_help("set status = \"signed\", or remove the date until it is signed");
    }
    if let (Some(signed), Some(start)) = (&terms.signed, &terms.start)
        && signed.value > start.value
    {
        diagnostics.report(
            Code::InconsistentContract,
            path,
            Some(signed.span.clone()),
            format!("signed {} after the service started {}", signed.value, start.value),
        );
    }
    let diagnostics_country =
        |country: &crate::model::Spanned<String>, d: &mut Diagnostics| super::check_country(country, path, d);
    if let Some(law) = &terms.governing_law {
        diagnostics_country(law, diagnostics);
    }
    if let Some(dp) = &file.data_protection {
        for location in dp.processing_locations.iter().flatten() {
            diagnostics_country(location, diagnostics);
        }
        if let Some(hours) = &dp.breach_notification_hours
            && hours.value < 0.0
        {
            diagnostics.report(
                Code::OutOfRange,
                path,
                Some(hours.span.clone()),
                "breach_notification_hours must not be negative",
            );
        }
        if dp.personal_data == Some(false) && dp.dpa_signed == Some(true) {
            // Harmless, but worth no diagnostic: a DPA may be signed pre-emptively.
        }
    }
    if let Some(capacity) = &file.capacity {
        if let Some(m) = &capacity.peak_multiplier
            && m.value < 1.0
        {
            diagnostics
                .report(
                    Code::OutOfRange,
                    path,
                    Some(m.span.clone()),
                    "peak_multiplier below 1 would shrink capacity at peak",
                )
                .add_help("write the peak capacity as a multiple of normal volume, e.g. 2.5");
        }
        if let Some(pct) = &capacity.surge_pricing_pct
            && pct.value < 0.0
        {
            diagnostics.report(
                Code::OutOfRange,
                path,
                Some(pct.span.clone()),
                "surge_pricing_pct must not be negative",
            );
        }
    }
    if let Some(credits) = &file.service_credits {
        for (key, value) in [
            ("cap_pct", &credits.cap_pct),
            ("annual_cap_pct", &credits.annual_cap_pct),
            ("at_risk_pct", &credits.at_risk_pct),
        ] {
            if let Some(value) = value
                && !(0.0..=100.0).contains(&value.value)
            {
                diagnostics.report(
                    Code::OutOfRange,
                    path,
                    Some(value.span.clone()),
                    format!("{key} must be between 0 and 100"),
                );
            }
        }
        if let Some(pool) = &credits.pool_pct
            && pool.value < 0.0
        {
            diagnostics.report(Code::OutOfRange, path, Some(pool.span.clone()), "pool_pct must not be negative");
        }
        if let Some(annual) = &credits.annual_cap_pct
            && file.contract.start.is_none()
        {
            diagnostics
                .report(
                    Code::BadCredit,
                    path,
                    Some(annual.span.clone()),
                    "annual_cap_pct caps each contract year, but [contract] has no `start`",
                )
                .add_help("contract years run 12 months from [contract] start; add it, e.g. start = 2026-11-01");
        }
    }
    super::regimes::check(file, path, diagnostics);
    let mut ids = HashSet::new();
    for clause in &file.sla {
        if !is_slug(&clause.id) {
            diagnostics.report(
                Code::InvalidId,
                path,
                Some(clause.id.span.clone()),
                format!("SLA id `{}` is not of the form [a-z0-9][a-z0-9-]*", *clause.id),
            );
        } else if !ids.insert(clause.id.value.as_str()) {
            diagnostics.report(
                Code::DuplicateId,
                path,
                Some(clause.id.span.clone()),
                format!("SLA id `{}` is used twice", *clause.id),
            );
        }
        if !(0.0..=100.0).contains(&clause.attainment.value) {
            diagnostics.report(
                Code::OutOfRange,
                path,
                Some(clause.attainment.span.clone()),
                "attainment is a percentage: 0 to 100",
            );
        }
        if let Some(credit) = &clause.credit_pct
            && !(0.0..=100.0).contains(&credit.value)
        {
            diagnostics.report(
                Code::OutOfRange,
                path,
                Some(credit.span.clone()),
                "credit_pct is a percentage: 0 to 100",
            );
        }
        let target = &clause.target;
        match (clause.metric.value, &target.value) {
            (Metric::FirstResponse | Metric::Resolution | Metric::Asa, SlaTarget::Duration(text))
                if Duration::parse(text).is_none() =>
            {
                diagnostics
                    .report(Code::InvalidDuration, path, Some(target.span.clone()), Duration::problem(text))
                    .add_help("write a whole number and a unit, at most 100 years: 60s, 15m, 4h or 2d");
            }
            (Metric::FirstResponse | Metric::Resolution | Metric::Asa, SlaTarget::Duration(_)) => {}
            (Metric::FirstResponse | Metric::Resolution | Metric::Asa, SlaTarget::Number(_)) => {
                diagnostics
                    .report(
                        Code::BadSlaClause,
                        path,
                        Some(target.span.clone()),
                        format!("a {} target is a duration", clause.metric.value.as_str()),
                    )
                    .add_help("write it as a string with a unit, e.g. target = \"60s\"");
            }
            (Metric::Csat, SlaTarget::Number(n)) if !(1.0..=5.0).contains(n) => {
                diagnostics.report(
                    Code::BadSlaClause,
                    path,
                    Some(target.span.clone()),
                    format!("a csat target is a score from 1 to 5, not {n}"),
                );
            }
            (Metric::ReopenRate | Metric::AbandonRate, SlaTarget::Number(n)) if !(0.0..=100.0).contains(n) => {
                diagnostics.report(
                    Code::BadSlaClause,
                    path,
                    Some(target.span.clone()),
                    format!("a {} target is a percentage, not {n}", clause.metric.value.as_str()),
                );
            }
            (Metric::Csat | Metric::ReopenRate | Metric::AbandonRate, SlaTarget::Duration(_)) => {
                diagnostics
                    .report(
                        Code::BadSlaClause,
                        path,
                        Some(target.span.clone()),
                        format!("a {} target is a number", clause.metric.value.as_str()),
                    )
                    .add_help(
                        "csat: the minimum mean score (1-5); reopen_rate, abandon_rate: the maximum percent reopened or abandoned",
                    );
            }
            _ => {}
        }
        if (clause.credit_pct.is_some() || clause.credit.is_some()) && file.contract.monthly_fee.is_none() {
            diagnostics
                .report(
                    Code::BadSlaClause,
                    path,
                    Some(clause.id.span.clone()),
                    "the clause has a credit but the contract states no monthly_fee",
                )
                .add_help("credits are a percentage of [contract] monthly_fee; add it");
        }
    }
}

/// A time zone the bundled database knows.
pub(super) fn check_zone(name: &Spanned<String>, what: &str, path: &str, diagnostics: &mut Diagnostics) {
    if zone(name).is_none() {
        diagnostics
            .report(
                Code::UnknownTimeZone,
                path,
                Some(name.span.clone()),
                format!("{what}: `{}` is not an IANA time zone", name.value),
            )
            .add_help("write a zone of the tz database, e.g. \"Europe/Berlin\", \"America/New_York\" or \"UTC\"");
    }
}

/// One day's intervals: each readable, none overlapping.
fn check_hours(hours: &[Spanned<String>], path: &str, diagnostics: &mut Diagnostics) {
    let mut read = Vec::new();
    for text in hours {
        match parse_interval(text) {
            Ok(interval) => read.push((interval, text)),
            Err(error) => {
                diagnostics
                    .report(Code::BadInterval, path, Some(text.span.clone()), format!("`{}` {error}", text.value))
                    .add_help("write \"HH:MM-HH:MM\", start before end, 24:00 only as an end");
            }
        }
    }
    let intervals: Vec<(u32, u32)> = read.iter().map(|(i, _)| *i).collect();
    if let Some((a, b)) = first_overlap(&intervals) {
        diagnostics.report(
            Code::OverlappingIntervals,
            path,
            Some(read[b].1.span.clone()),
            format!("`{}` overlaps `{}` on the same day", read[b].1.value, read[a].1.value),
        );
    }
}

/// One calendar, a contract's `[[calendar]]` or a workspace's `calendars/<id>.toml`:
/// its zone, hours, holidays and exceptions.
pub fn check_calendar(calendar: &CalendarDef, path: &str, diagnostics: &mut Diagnostics) {
    check_zone(&calendar.timezone, &format!("calendar `{}`", calendar.id.value), path, diagnostics);
    for day in calendar.hours.days() {
        check_hours(day, path, diagnostics);
    }
    for holiday in &calendar.holidays {
        if let Holiday::Range { from, to } = holiday.value
            && to < from
        {
            diagnostics.report(
                Code::BadCalendar,
                path,
                Some(holiday.span.clone()),
                format!("holiday range ends ({to}) before it starts ({from})"),
            );
        }
    }
    let mut dates = HashSet::new();
    for exception in &calendar.exceptions {
        if !dates.insert(exception.date.value) {
            diagnostics.report(
                Code::BadCalendar,
                path,
                Some(exception.date.span.clone()),
                format!("{} has two exceptions", exception.date.value),
            );
        }
        check_hours(&exception.hours, path, diagnostics);
    }
}

/// `[contract] timezone`, every `[[calendar]]`, and the clauses' clocks (SPEC
/// section 11). Whether a named calendar exists is a cross-file check: it may
/// be the workspace's (`calendars/<id>.toml`).
pub fn check_clocks(file: &ContractFile, path: &str, diagnostics: &mut Diagnostics) {
    if let Some(timezone) = &file.contract.timezone {
        check_zone(timezone, "[contract] timezone", path, diagnostics);
    }
    let mut ids = HashSet::new();
    for calendar in &file.calendar {
        if !ids.insert(calendar.id.value.as_str()) {
            diagnostics.report(
                Code::BadCalendar,
                path,
                Some(calendar.id.span.clone()),
                format!("calendar id `{}` is defined twice", calendar.id.value),
            );
        }
        check_calendar(calendar, path, diagnostics);
    }
    for clause in &file.sla {
        let business = clause.clock.as_ref().filter(|c| c.value == ClockKind::Business);
        let timed = matches!(clause.metric.value, Metric::FirstResponse | Metric::Resolution);
        match (business, &clause.calendar) {
            (Some(clock), _) if !timed => {
                diagnostics.report(
                    Code::BadCalendar,
                    path,
                    Some(clock.span.clone()),
                    format!("a business clock measures times; a {} clause has none", clause.metric.value.as_str()),
                );
            }
            (Some(clock), None) => {
                diagnostics
                    .report(
                        Code::UnknownCalendar,
                        path,
                        Some(clock.span.clone()),
                        format!("clause `{}` has a business clock but no calendar", clause.id.value),
                    )
                    .add_help("add calendar = \"<id>\" naming a [[calendar]] of this contract or calendars/<id>.toml");
            }
            (None, Some(name)) => {
                diagnostics
                    .report(
                        Code::BadCalendar,
                        path,
                        Some(name.span.clone()),
                        format!(
                            "clause `{}` names calendar `{}` but measures wall-clock time",
                            clause.id.value, name.value
                        ),
                    )
                    .add_help("add clock = \"business\" to count only its open hours, or remove calendar");
            }
            _ => {}
        }
    }
}
