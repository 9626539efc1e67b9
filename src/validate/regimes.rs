//! SLA regimes (SPEC section 12): abandons, credit models and the pool,
//! minimum and earn-back thresholds, chronic failure, exclusion windows and
//! forecasts, each problem at the key that causes it.

use std::collections::HashSet;

use crate::diag::{Code, Diagnostics};
use crate::model::{ContractFile, CreditModelKind, Duration, Metric, Period, SlaKind, Spanned};

/// Check the section 12 keys of a parsed contract.
pub fn check(file: &ContractFile, path: &str, diagnostics: &mut Diagnostics) {
    let pool = file.service_credits.as_ref().and_then(|c| c.pool_pct.as_ref());
    let at_risk = file.service_credits.as_ref().and_then(|c| c.at_risk_pct.as_ref());
    let mut allocated = 0.0;
    for clause in &file.sla {
        let metric = clause.metric.value;
        let percent = |value: &Spanned<f64>, key: &str, d: &mut Diagnostics| {
            if !(0.0..=100.0).contains(&value.value) {
                d.report(Code::OutOfRange, path, Some(value.span.clone()), format!("{key} is a percentage: 0 to 100"));
            }
        };
        if let Some(abandons) = &clause.abandons
            && metric != Metric::FirstResponse
        {
            diagnostics
                .report(
                    Code::BadAbandons,
                    path,
                    Some(abandons.span.clone()),
                    format!("`abandons` applies to first_response clauses, not {}", metric.as_str()),
                )
                .add_help("abandon_rate counts abandons by definition; asa averages answered contacts only");
        }
        if let Some(short) = &clause.short_abandon {
            if !matches!(metric, Metric::FirstResponse | Metric::AbandonRate | Metric::Asa) {
                diagnostics.report(
                    Code::BadAbandons,
                    path,
                    Some(short.span.clone()),
                    format!("`short_abandon` applies to waiting times, not {}", metric.as_str()),
                );
            } else if Duration::parse(&short.value).is_none() {
                diagnostics
                    .report(Code::InvalidDuration, path, Some(short.span.clone()), Duration::problem(&short.value))
                    .add_help("write a whole number and a unit, e.g. short_abandon = \"5s\"");
            }
        }
        if let Some(credit) = &clause.credit {
            let model = &credit.value;
            if let Some(pct) = &clause.credit_pct {
                diagnostics
                    .report(
                        Code::BadCredit,
                        path,
                        Some(pct.span.clone()),
                        "the clause has both `credit` and `credit_pct`",
                    )
                    .add_help("credit_pct = N is shorthand for credit = { model = \"fixed\", pct = N }; keep one");
            }
            if clause.kind == Some(SlaKind::Key) {
                diagnostics
                    .report(Code::BadCredit, path, Some(credit.span.clone()), "a `key` measurement is never credited")
                    .add_help("remove the credit, or make the clause kind = \"critical\"");
            }
            let (wanted, unwanted) = match model.model.value {
                CreditModelKind::Fixed | CreditModelKind::Allocation => {
                    (("pct", &model.pct), ("per_point_pct", &model.per_point_pct))
                }
                CreditModelKind::Shortfall => (("per_point_pct", &model.per_point_pct), ("pct", &model.pct)),
            };
            match wanted.1 {
                Some(value) => percent(value, wanted.0, diagnostics),
                None => {
                    diagnostics.report(
                        Code::BadCredit,
                        path,
                        Some(credit.span.clone()),
                        format!("a {:?} credit needs `{}`", model.model.value, wanted.0).to_lowercase(),
                    );
                }
            }
            if let Some(extra) = unwanted.1 {
                diagnostics.report(
                    Code::BadCredit,
                    path,
                    Some(extra.span.clone()),
                    format!("`{}` does not apply to the {:?} model", unwanted.0, model.model.value).to_lowercase(),
                );
            }
            if model.model.value == CreditModelKind::Allocation {
                allocated += model.pct.as_ref().map_or(0.0, |p| p.value);
                if at_risk.is_none() {
                    diagnostics
                        .report(
                            Code::BadCredit,
                            path,
                            Some(model.model.span.clone()),
                            "an allocation credit is a share of the amount at risk, but [service_credits] has no at_risk_pct",
                        )
                        .add_help("add [service_credits] at_risk_pct, the monthly amount at risk as a percent of the fee");
                }
            }
        } else if let (Some(pct), Some(SlaKind::Key)) = (&clause.credit_pct, clause.kind) {
            diagnostics.report(Code::BadCredit, path, Some(pct.span.clone()), "a `key` measurement is never credited");
        }
        let percent_clause = matches!(metric, Metric::FirstResponse | Metric::Resolution);
        if let Some(minimum) = &clause.minimum {
            if !percent_clause {
                diagnostics.report(
                    Code::BadThreshold,
                    path,
                    Some(minimum.span.clone()),
                    format!("`minimum` applies to first_response and resolution clauses, not {}", metric.as_str()),
                );
            } else if minimum.value > clause.attainment.value {
                diagnostics
                    .report(
                        Code::BadThreshold,
                        path,
                        Some(minimum.span.clone()),
                        format!(
                            "minimum {} is above the required attainment {}",
                            minimum.value, clause.attainment.value
                        ),
                    )
                    .add_help("the minimum is the attainment below which a breach earns credit: at most `attainment`");
            } else {
                percent(minimum, "minimum", diagnostics);
            }
        }
        if let Some(earn_back) = &clause.earn_back {
            let e = &earn_back.value;
            if !percent_clause {
                diagnostics.report(
                    Code::BadThreshold,
                    path,
                    Some(earn_back.span.clone()),
                    format!("`earn_back` applies to first_response and resolution clauses, not {}", metric.as_str()),
                );
            } else if e.attainment.value < clause.attainment.value {
                diagnostics
                    .report(
                        Code::BadThreshold,
                        path,
                        Some(e.attainment.span.clone()),
                        format!(
                            "earn-back attainment {} is below the clause's own {}",
                            e.attainment.value, clause.attainment.value
                        ),
                    )
                    .add_help("a credit is earned back by doing better than required, not worse");
            } else {
                percent(&e.attainment, "earn_back.attainment", diagnostics);
            }
            if e.periods.value == 0 {
                diagnostics.report(
                    Code::BadThreshold,
                    path,
                    Some(e.periods.span.clone()),
                    "earn_back.periods must be at least 1",
                );
            }
        }
        if let Some(chronic) = &clause.chronic {
            let c = &chronic.value;
            if c.breaches.value == 0 || c.breaches.value > c.periods.value {
                diagnostics
                    .report(
                        Code::BadThreshold,
                        path,
                        Some(chronic.span.clone()),
                        format!("chronic needs 1 to {} breaches within {} periods", c.periods.value, c.periods.value),
                    )
                    .add_help("e.g. chronic = { breaches = 3, periods = 6 }");
            }
        }
        if let Some(tolerance) = &clause.volume_tolerance_pct {
            if tolerance.value < 0.0 {
                diagnostics.report(
                    Code::OutOfRange,
                    path,
                    Some(tolerance.span.clone()),
                    "volume_tolerance_pct must not be negative",
                );
            }
            if !file.forecast.iter().any(|f| f.channel.value == clause.channel.value) {
                diagnostics
                    .report(
                        Code::BadForecast,
                        path,
                        Some(tolerance.span.clone()),
                        format!("volume_tolerance_pct, but no [[forecast]] for channel {:?}", clause.channel.value)
                            .to_lowercase(),
                    )
                    .add_help(
                        "add [[forecast]] period = \"2026-03\", channel = …, volume = … for the periods it covers",
                    );
            }
        } else if let Some(excusal) = &clause.excusal {
            diagnostics.report(
                Code::BadForecast,
                path,
                Some(excusal.span.clone()),
                "`excusal` without `volume_tolerance_pct` never applies",
            );
        }
    }
    if let Some(pool) = pool
        && allocated > pool.value
    {
        diagnostics
            .report(
                Code::BadCredit,
                path,
                Some(pool.span.clone()),
                format!("the clauses allocate {allocated}% of the pool, more than pool_pct {}", pool.value),
            )
            .add_help("the allocation pcts of all clauses may add up to pool_pct at most");
    }
    for exclusion in &file.exclusion {
        if exclusion.to.value <= exclusion.from.value {
            diagnostics
                .report(
                    Code::BadExclusion,
                    path,
                    Some(exclusion.to.span.clone()),
                    "the exclusion window ends before (or when) it starts",
                )
                .add_help("`to` is the first moment after the window: later than `from`");
        }
        if let Some(channels) = &exclusion.channels
            && channels.is_empty()
        {
            diagnostics
                .report(
                    Code::BadExclusion,
                    path,
                    Some(exclusion.reason.span.clone()),
                    "`channels = []` excludes nothing",
                )
                .add_help("leave `channels` out to exclude every channel");
        }
    }
    let mut seen = HashSet::new();
    for forecast in &file.forecast {
        let label = forecast.period.value.trim();
        let kind = match period_kind(label) {
            Some(kind) => kind,
            None => {
                diagnostics
                    .report(
                        Code::BadForecast,
                        path,
                        Some(forecast.period.span.clone()),
                        format!("`{label}` is not a period"),
                    )
                    .add_help("a month as 2026-03 or an ISO week as 2026-W09");
                continue;
            }
        };
        let used = file
            .sla
            .iter()
            .any(|c| c.volume_tolerance_pct.is_some() && c.channel.value == forecast.channel.value && c.period == kind);
        if !used {
            diagnostics
                .report(
                    Code::BadForecast,
                    path,
                    Some(forecast.channel.span.clone()),
                    format!(
                        "no clause with a volume tolerance measures {} per {}",
                        forecast.channel.value.as_str(),
                        if kind == Period::Month { "month" } else { "week" }
                    ),
                )
                .add_help(
                    "forecasts excuse breaches of clauses with volume_tolerance_pct on the same channel and period",
                );
        }
        if !seen.insert((label.to_owned(), forecast.channel.value)) {
            diagnostics.report(
                Code::BadForecast,
                path,
                Some(forecast.period.span.clone()),
                format!("a second forecast for {label} on {}", forecast.channel.value.as_str()),
            );
        }
    }
}

/// `2026-03` is a month, `2026-W09` a week (one that exists); anything else
/// is not a period. The period module's own parser decides.
fn period_kind(label: &str) -> Option<Period> {
    use crate::sla::{PeriodKey, PeriodKind};
    [(PeriodKind::Month, Period::Month), (PeriodKind::Week, Period::Week)]
        .into_iter()
        .find(|(kind, _)| PeriodKey::parse(*kind, label).is_some())
        .map(|(_, period)| period)
}
