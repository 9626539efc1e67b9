//! A contract's service levels in exact terms: each `[[sla]]` clause with its
//! target, required attainment and credit as decimals, the monthly fee and
//! the credit cap. Built from a contract that passed validation; reports
//! (never panics on) what validation would have refused.

use std::sync::Arc;

use super::calendar::{self, Calendar, CalendarError};
use super::money::{Decimal, DecimalError};
use super::period::PeriodKind;
use super::tally::{Rule, RuleClock};
use crate::model::{Boundary, Channel, ClockKind, ContractFile, Duration, Metric, SlaTarget};

/// A clause's target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// first_response, resolution: within this many seconds.
    Seconds(u64),
    /// csat: the lowest acceptable mean score.
    Score(Decimal),
    /// reopen_rate: the highest acceptable percent reopened.
    Percent(Decimal),
}

/// One `[[sla]]` clause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clause {
    pub id: String,
    pub metric: Metric,
    pub channel: Channel,
    pub tier: Option<i64>,
    pub priority: Option<String>,
    pub target: Target,
    /// Percent of in-scope tickets that must meet the target (times).
    pub attainment: Decimal,
    pub period: PeriodKind,
    /// Credit per breach, percent of the monthly fee.
    pub credit_pct: Option<Decimal>,
    /// `clock = "business"`: the calendar whose open hours count.
    pub calendar: Option<Arc<Calendar>>,
    pub boundary: Boundary,
}

impl Clause {
    /// The counting rule for this clause.
    pub fn rule(&self) -> Rule {
        let threshold = match self.target {
            Target::Seconds(seconds) => seconds,
            // A score is whole: it meets a target of 4.2 from 5 up.
            Target::Score(score) => u64::try_from(score.ceil()).unwrap_or(0),
            Target::Percent(_) => 0,
        };
        Rule {
            metric: self.metric,
            channel: self.channel,
            tier: self.tier,
            priority: self.priority.clone(),
            threshold,
            period: self.period,
            clock: RuleClock { business: self.calendar.clone(), strict: self.boundary == Boundary::Lt, zone: None },
        }
    }
}

/// A contract's service levels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Terms {
    /// The vendor's id, from `[contract]`.
    pub vendor: String,
    pub clauses: Vec<Clause>,
    pub monthly_fee: Option<Decimal>,
    /// Most credited per period, percent of the monthly fee; `None`: no cap.
    pub cap_pct: Option<Decimal>,
    /// ISO 4217, for display.
    pub currency: Option<String>,
    /// The IANA zone periods start and end in (`[contract] timezone`, default `UTC`).
    pub timezone: String,
    zone: Option<jiff::tz::TimeZone>,
}

/// Why a contract's service levels cannot be computed with.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TermsError {
    /// A number (fee, percentage, target) is NaN, infinite or absurdly long.
    #[error("{field} {source}")]
    Number {
        field: String,
        #[source]
        source: DecimalError,
    },
    /// A target of the wrong kind for its metric (validation refuses these).
    #[error("clause `{clause}`: target {target:?} does not fit metric {metric}")]
    Target { clause: String, target: String, metric: &'static str },
    #[error(transparent)]
    Calendar(#[from] CalendarError),
    /// A business clock without a calendar, or naming one the contract does not define.
    #[error("clause `{clause}`: no calendar `{calendar}` for its business clock")]
    NoCalendar { clause: String, calendar: String },
    #[error("[contract] timezone: unknown time zone `{0}`")]
    Zone(String),
}

fn decimal(value: f64, field: impl FnOnce() -> String) -> Result<Decimal, TermsError> {
    Decimal::from_f64(value).map_err(|source| TermsError::Number { field: field(), source })
}

impl Terms {
    /// The service levels of a (validated) contract.
    pub fn from_contract(contract: &ContractFile) -> Result<Terms, TermsError> {
        let terms = &contract.contract;
        let calendars =
            contract.calendar.iter().map(|def| Calendar::new(def).map(Arc::new)).collect::<Result<Vec<_>, _>>()?;
        let timezone = terms.timezone.as_ref().map_or("UTC", |t| t.value.as_str());
        let zone = match timezone {
            "UTC" => None,
            name => Some(calendar::zone(name).ok_or_else(|| TermsError::Zone(name.to_owned()))?),
        };
        let mut clauses = Vec::with_capacity(contract.sla.len());
        for clause in &contract.sla {
            let id = clause.id.value.clone();
            let metric = clause.metric.value;
            let wrong = || TermsError::Target {
                clause: id.clone(),
                target: format!("{:?}", clause.target.value),
                metric: metric.as_str(),
            };
            let target = match (metric, &clause.target.value) {
                (Metric::FirstResponse | Metric::Resolution, SlaTarget::Duration(text)) => {
                    Target::Seconds(Duration::parse(text).ok_or_else(wrong)?.seconds)
                }
                (Metric::Csat, SlaTarget::Number(n)) => {
                    Target::Score(decimal(*n, || format!("clause `{id}`: target"))?)
                }
                (Metric::ReopenRate, SlaTarget::Number(n)) => {
                    Target::Percent(decimal(*n, || format!("clause `{id}`: target"))?)
                }
                _ => return Err(wrong()),
            };
            let business = clause.clock.as_ref().is_some_and(|c| c.value == ClockKind::Business);
            let calendar =
                match (business, &clause.calendar) {
                    (false, _) => None,
                    (true, Some(name)) => {
                        Some(calendars.iter().find(|c| c.id == name.value).cloned().ok_or_else(|| {
                            TermsError::NoCalendar { clause: id.clone(), calendar: name.value.clone() }
                        })?)
                    }
                    (true, None) => return Err(TermsError::NoCalendar { clause: id.clone(), calendar: String::new() }),
                };
            clauses.push(Clause {
                id: id.clone(),
                metric,
                channel: clause.channel.value,
                tier: clause.tier,
                priority: clause.priority.clone(),
                target,
                attainment: decimal(clause.attainment.value, || format!("clause `{id}`: attainment"))?,
                period: clause.period.into(),
                credit_pct: match &clause.credit_pct {
                    Some(pct) => Some(decimal(pct.value, || format!("clause `{id}`: credit_pct"))?),
                    None => None,
                },
                calendar,
                boundary: clause.boundary.unwrap_or_default(),
            });
        }
        Ok(Terms {
            vendor: terms.vendor.value.clone(),
            clauses,
            monthly_fee: match &terms.monthly_fee {
                Some(fee) => Some(decimal(fee.value, || "monthly_fee".to_owned())?),
                None => None,
            },
            cap_pct: match &contract.service_credits {
                Some(credits) => Some(decimal(credits.cap_pct.value, || "service_credits.cap_pct".to_owned())?),
                None => None,
            },
            currency: terms.currency.as_ref().map(|c| c.value.clone()),
            timezone: timezone.to_owned(),
            zone,
        })
    }

    /// One counting rule per clause, in clause order, periods in the contract's zone.
    pub fn rules(&self) -> Vec<Rule> {
        let mut rules: Vec<Rule> = self.clauses.iter().map(Clause::rule).collect();
        for rule in &mut rules {
            rule.clock.zone.clone_from(&self.zone);
        }
        rules
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contract(text: &str) -> ContractFile {
        toml::from_str(text).unwrap()
    }

    #[test]
    fn clauses_become_exact_rules() {
        let terms = Terms::from_contract(&contract(
            r#"
            [contract]
            vendor = "acme"
            monthly_fee = 42000.5
            currency = "EUR"
            [[sla]]
            id = "chat"
            metric = "first_response"
            channel = "chat"
            tier = 1
            priority = "urgent"
            target = "2m"
            attainment = 92.5
            period = "week"
            credit_pct = 5
            [[sla]]
            id = "csat"
            metric = "csat"
            channel = "any"
            target = 4.2
            attainment = 0
            period = "month"
            [service_credits]
            cap_pct = 12
            "#,
        ))
        .unwrap();
        assert_eq!(terms.vendor, "acme");
        assert_eq!(terms.monthly_fee.unwrap().to_string(), "42000.5");
        assert_eq!(terms.cap_pct.unwrap().to_string(), "12");
        let rules = terms.rules();
        assert_eq!(rules[0].threshold, 120);
        assert_eq!(rules[0].period, PeriodKind::Week);
        assert_eq!((rules[0].tier, rules[0].priority.as_deref()), (Some(1), Some("urgent")));
        assert_eq!(terms.clauses[0].attainment.to_string(), "92.5");
        assert_eq!(rules[1].threshold, 5, "a mean of 4.2 is met per ticket by a 5");
        assert_eq!(rules[1].channel, Channel::Any);
    }

    #[test]
    fn numbers_validation_lets_through_are_refused_here() {
        let nan = contract(
            r#"
            [contract]
            vendor = "acme"
            monthly_fee = nan
            "#,
        );
        assert_eq!(Terms::from_contract(&nan).unwrap_err().to_string(), "monthly_fee is not a finite number");
        let wrong = contract(
            r#"
            [contract]
            vendor = "acme"
            [[sla]]
            id = "x"
            metric = "csat"
            channel = "any"
            target = "60s"
            attainment = 90
            period = "month"
            "#,
        );
        assert!(matches!(Terms::from_contract(&wrong), Err(TermsError::Target { .. })));
    }
}
