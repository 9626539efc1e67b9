//! A contract's service levels in exact terms: each `[[sla]]` clause with its
//! target, required attainment and credit as decimals, the monthly fee and
//! the credit cap. Built from a contract that passed validation; reports
//! (never panics on) what validation would have refused.

use std::sync::Arc;

use super::calendar::{self, Calendar, CalendarError};
use super::cap::Cap;
use super::money::{Decimal, DecimalError};
use super::period::{PeriodKey, PeriodKind};
use super::tally::{Rule, RuleClock, Window};
use crate::model::{
    Abandons, Boundary, CalendarDef, Channel, ClockKind, ContractFile, CreditModelKind, Date, Duration, Excusal,
    Metric, SlaClause, SlaKind, SlaTarget,
};

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
    /// `clock = "business"`: the calendar whose open hours count.
    pub calendar: Option<Arc<Calendar>>,
    pub boundary: Boundary,
    /// What a breach earns; `None`: nothing.
    pub credit: Option<Credit>,
    /// How abandoned contacts count (first_response).
    pub abandons: Abandons,
    /// Contacts abandoned in under this many seconds leave the scope (0: none).
    pub short_abandon: u64,
    /// Whether the clause says how abandons count (then the export must have `abandoned_at`).
    pub abandons_stated: bool,
    pub kind: SlaKind,
    /// The attainment below which a breach earns credit.
    pub minimum: Option<Decimal>,
    /// (periods, attainment): a credit is earned back by attaining this in each of the next periods.
    pub earn_back: Option<(u32, Decimal)>,
    /// Periods with fewer contacts in scope are not measured.
    pub min_volume: Option<u64>,
    /// (breaches, periods): chronic failure.
    pub chronic: Option<(u32, u32)>,
    /// Volume above the forecast by more than this percent excuses a breach.
    pub volume_tolerance_pct: Option<Decimal>,
    /// What volume above the forecast does: waive the breach, or cap the scope.
    pub excusal: Excusal,
}

/// What a breach earns (SPEC section 12).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Credit {
    /// `pct × monthly_fee / 100`.
    Fixed(Decimal),
    /// `at_risk_pct × monthly_fee / 100 × pct / 100`.
    Allocation(Decimal),
    /// `(required − attained) × per_point_pct × monthly_fee / 100`.
    Shortfall(Decimal),
}

/// An `[[exclusion]]` window with its reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exclusion {
    pub window: Window,
    pub reason: String,
}

/// A `[[forecast]]`: the volume expected in one period on one channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Forecast {
    /// As periods are labelled: `2026-03`, `2026-W09`.
    pub period: String,
    pub channel: Channel,
    pub volume: u64,
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
            abandons: self.abandons,
            short_abandon: self.short_abandon,
            needs_abandoned: self.abandons_stated || self.metric == Metric::AbandonRate,
            exclusions: Vec::new(),
            caps: Vec::new(),
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
    /// Most credited per contract year, percent of 12 monthly fees; `None`: no cap.
    pub annual_cap_pct: Option<Decimal>,
    /// The monthly amount at risk, percent of the monthly fee (allocation credits).
    pub at_risk_pct: Option<Decimal>,
    /// When the service started: contract years count from it.
    pub start: Option<Date>,
    pub exclusions: Vec<Exclusion>,
    pub forecasts: Vec<Forecast>,
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

fn optional(value: Option<f64>, field: impl FnOnce() -> String) -> Result<Option<Decimal>, TermsError> {
    value.map(|v| decimal(v, field)).transpose()
}

/// A clause's credit: `credit`, else the `credit_pct` shorthand for a fixed credit.
fn credit(clause: &SlaClause) -> Result<Option<Credit>, TermsError> {
    let id = &clause.id.value;
    let Some(model) = &clause.credit else {
        return optional(clause.credit_pct.as_ref().map(|c| c.value), || format!("clause `{id}`: credit_pct"))
            .map(|pct| pct.map(Credit::Fixed));
    };
    let model = &model.value;
    let number = |value: Option<f64>, key: &str| -> Result<Decimal, TermsError> {
        decimal(value.unwrap_or(0.0), || format!("clause `{id}`: credit.{key}"))
    };
    Ok(Some(match model.model.value {
        CreditModelKind::Fixed => Credit::Fixed(number(model.pct.as_ref().map(|p| p.value), "pct")?),
        CreditModelKind::Allocation => Credit::Allocation(number(model.pct.as_ref().map(|p| p.value), "pct")?),
        CreditModelKind::Shortfall => {
            Credit::Shortfall(number(model.per_point_pct.as_ref().map(|p| p.value), "per_point_pct")?)
        }
    }))
}

impl Terms {
    /// The service levels of a (validated) contract.
    pub fn from_contract(contract: &ContractFile) -> Result<Terms, TermsError> {
        Terms::from_contract_with(contract, &[])
    }

    /// The service levels of a (validated) contract whose clauses may also
    /// name the workspace calendars `shared` (validation refuses an id
    /// defined in both).
    pub fn from_contract_with(contract: &ContractFile, shared: &[CalendarDef]) -> Result<Terms, TermsError> {
        let terms = &contract.contract;
        let calendars = contract
            .calendar
            .iter()
            .chain(shared)
            .map(|def| Calendar::new(def).map(Arc::new))
            .collect::<Result<Vec<_>, _>>()?;
        let timezone = terms.timezone.as_ref().map_or("UTC", |t| t.value.as_str());
        let zone = match timezone {
            "UTC" => None,
            name => Some(calendar::zone(name).ok_or_else(|| TermsError::Zone(name.to_owned()))?),
        };
        let credits = contract.service_credits.as_ref();
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
                (Metric::FirstResponse | Metric::Resolution | Metric::Asa, SlaTarget::Duration(text)) => {
                    Target::Seconds(Duration::parse(text).ok_or_else(wrong)?.seconds)
                }
                (Metric::Csat, SlaTarget::Number(n)) => {
                    Target::Score(decimal(*n, || format!("clause `{id}`: target"))?)
                }
                (Metric::ReopenRate | Metric::AbandonRate, SlaTarget::Number(n)) => {
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
                credit: credit(clause)?,
                abandons: clause.abandons.as_ref().map_or(Abandons::Miss, |a| a.value),
                short_abandon: match &clause.short_abandon {
                    Some(text) => Duration::parse(text).ok_or_else(wrong)?.seconds,
                    None => 0,
                },
                abandons_stated: clause.abandons.is_some() || clause.short_abandon.is_some(),
                kind: clause.kind.unwrap_or_default(),
                minimum: optional(clause.minimum.as_ref().map(|m| m.value), || format!("clause `{id}`: minimum"))?,
                earn_back: match &clause.earn_back {
                    Some(e) => Some((
                        e.periods.value,
                        decimal(e.attainment.value, || format!("clause `{id}`: earn_back.attainment"))?,
                    )),
                    None => None,
                },
                calendar,
                boundary: clause.boundary.unwrap_or_default(),
                min_volume: clause.min_volume.as_ref().map(|m| m.value),
                chronic: clause.chronic.as_ref().map(|c| (c.breaches.value, c.periods.value)),
                volume_tolerance_pct: optional(clause.volume_tolerance_pct.as_ref().map(|v| v.value), || {
                    format!("clause `{id}`: volume_tolerance_pct")
                })?,
                excusal: clause.excusal.as_ref().map_or(Excusal::Waive, |e| e.value),
            });
        }
        Ok(Terms {
            vendor: terms.vendor.value.clone(),
            clauses,
            monthly_fee: match &terms.monthly_fee {
                Some(fee) => Some(decimal(fee.value, || "monthly_fee".to_owned())?),
                None => None,
            },
            cap_pct: optional(credits.and_then(|c| c.cap_pct.as_ref()).map(|c| c.value), || {
                "service_credits.cap_pct".to_owned()
            })?,
            annual_cap_pct: optional(credits.and_then(|c| c.annual_cap_pct.as_ref()).map(|c| c.value), || {
                "service_credits.annual_cap_pct".to_owned()
            })?,
            at_risk_pct: optional(credits.and_then(|c| c.at_risk_pct.as_ref()).map(|c| c.value), || {
                "service_credits.at_risk_pct".to_owned()
            })?,
            start: terms.start.as_ref().map(|s| s.value),
            exclusions: contract
                .exclusion
                .iter()
                .map(|e| Exclusion {
                    window: Window {
                        from: e.from.value.seconds,
                        to: e.to.value.seconds,
                        channels: e.channels.iter().flatten().map(|c| c.value).collect(),
                    },
                    reason: e.reason.value.clone(),
                })
                .collect(),
            forecasts: contract
                .forecast
                .iter()
                .map(|f| Forecast {
                    period: f.period.value.trim().to_owned(),
                    channel: f.channel.value,
                    volume: f.volume.value,
                })
                .collect(),
            currency: terms.currency.as_ref().map(|c| c.value.clone()),
            timezone: timezone.to_owned(),
            zone,
        })
    }

    /// One counting rule per clause, in clause order, with the exclusion
    /// windows, (`excusal = "cap"`) the forecast caps, and periods in the
    /// contract's zone.
    pub fn rules(&self) -> Vec<Rule> {
        let windows: Vec<Window> = self.exclusions.iter().map(|e| e.window.clone()).collect();
        let mut rules: Vec<Rule> =
            self.clauses.iter().map(|c| Rule { exclusions: windows.clone(), caps: self.caps(c), ..c.rule() }).collect();
        for rule in &mut rules {
            rule.clock.zone.clone_from(&self.zone);
        }
        rules
    }

    /// A capping clause's limit per period with a forecast on its channel:
    /// `floor(volume × (100 + tolerance) / 100)` contacts.
    fn caps(&self, clause: &Clause) -> Vec<Cap> {
        let Some(tolerance) = clause.volume_tolerance_pct.filter(|_| clause.excusal == Excusal::Cap) else {
            return Vec::new();
        };
        let factor = Decimal::from_int(100).checked_add(tolerance).unwrap_or(Decimal::ZERO);
        self.forecasts
            .iter()
            .filter(|f| f.channel == clause.channel)
            .filter_map(|f| {
                let period = PeriodKey::parse(clause.period, &f.period)?;
                let scaled = factor.checked_mul_int(f.volume)?;
                let limit = u64::try_from(scaled.shift_left(2).floor()).unwrap_or(u64::MAX);
                Some(Cap { period: period.index, limit, start: period.start_instant(self.zone.as_ref()) })
            })
            .collect()
    }

    /// The forecast volume of a period on a channel.
    pub fn forecast(&self, period: &str, channel: Channel) -> Option<u64> {
        self.forecasts.iter().find(|f| f.period == period && f.channel == channel).map(|f| f.volume)
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
