//! From tallies to decisions: per clause and period the tickets in scope,
//! attainment, breach and percentiles, and per period the service credits
//! owed (SPEC section 7). Pure and exact: breaches are decided with integer
//! and decimal arithmetic, never floats.
//!
//! Definitions where SPEC leaves room (docs/sla.md explains them):
//! - first_response: unanswered tickets are in scope and misses.
//! - resolution: open tickets are in scope and misses once their period has
//!   ended (period end at or before `as_of`), otherwise left out.
//! - csat: in scope = rated tickets; `met` = ratings at or above the target;
//!   `attainment` is the mean score and `required` the target (both scores),
//!   breached when the mean is below the target.
//! - reopen_rate: in scope = resolved tickets; `met` = not reopened;
//!   `attainment` = met / in scope × 100, `required` = 100 − target, so it is
//!   breached exactly when the percent reopened exceeds the target.
//! - A clause with nothing in scope in a period has no result for it.

use super::RowCounts;
use super::money::{Decimal, Money};
use super::period::PeriodKey;
use super::tally::{Tallies, Tally};
use super::terms::{Clause, Credit, Target, Terms};
use crate::model::{Abandons, Date, Excusal, Metric, SlaKind};

/// How a clause stood in a period, in the order a reader needs to know it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Met,
    /// Fewer contacts in scope than `min_volume`: no breach, no credit.
    NotMeasured,
    /// Below the requirement and earning credit (for a `key` clause: reported only).
    Breached,
    /// Below the requirement but at or above `minimum`: no credit.
    BelowTarget,
    /// Below the requirement in a period of volume above the forecast: no credit.
    Excused,
}

impl Status {
    /// `met`, `not_measured`, `breached`, `below_target`, `excused`.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Met => "met",
            Status::NotMeasured => "not_measured",
            Status::Breached => "breached",
            Status::BelowTarget => "below_target",
            Status::Excused => "excused",
        }
    }
}

/// One clause in one period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClauseResult {
    pub clause: String,
    pub metric: Metric,
    pub period: PeriodKey,
    pub in_scope: u64,
    pub met: u64,
    /// Answered contacts (first_response, asa, abandon_rate; else 0).
    pub answered: u64,
    /// Abandoned contacts, short abandons not counted.
    pub abandoned: u64,
    /// Of those, abandoned within the target.
    pub abandoned_within: u64,
    /// Contacts abandoned in under `short_abandon`, out of scope.
    pub short_abandoned: u64,
    /// Unanswered contacts neither answered nor abandoned (first_response: misses).
    pub unanswered: u64,
    /// Contacts in an `[[exclusion]]` window, out of scope.
    pub excluded: u64,
    /// Contacts after the first forecast × (1 + tolerance) of the period (`excusal = "cap"`), out of scope.
    pub over_forecast: u64,
    /// Percent to two decimals (csat: the mean score; asa: the mean wait in seconds).
    pub attainment: Decimal,
    /// Percent (csat: the target score; reopen_rate, abandon_rate: 100 − target; asa: the target seconds).
    pub required: Decimal,
    /// Below the requirement in a measured period (whether or not it earns credit).
    pub breached: bool,
    pub status: Status,
    /// The forecast volume of the period, when the clause has a tolerance and there is one.
    pub forecast: Option<u64>,
    /// Breached at least `chronic.breaches` times within `chronic.periods` periods, from then on.
    pub chronic: bool,
    /// Nearest-rank percentiles of the values (seconds; csat: scores).
    pub p50: Option<u64>,
    pub p90: Option<u64>,
    pub p95: Option<u64>,
    /// The credit accrued for this breach, before earn-back and caps; zero when none.
    pub credit: Money,
    /// Whether the credit can be earned back: accrued, on a clause with `earn_back`.
    pub earn_back: bool,
    /// For an accrued credit of a clause with `earn_back`: earned back (`Some(true)`),
    /// not (`Some(false)`), or pending (`None`).
    pub earned_back: Option<bool>,
    /// What the credit leaves owed: zero once earned back.
    pub net: Money,
}

/// The credits of one period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodCredit {
    pub period: PeriodKey,
    /// The sum of the period's accrued credits.
    pub gross: Money,
    /// Of which earned back.
    pub earned_back: Money,
    /// What is owed: gross less earned back, capped per period then per contract year.
    pub total: Money,
    /// Whether the period cap cut it.
    pub capped: bool,
    /// Whether the contract year's cap cut it (after the period cap).
    pub annual_capped: bool,
}

/// Attainment and credits for a contract over a ticket export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub rows: RowCounts,
    /// By period, then clause order.
    pub results: Vec<ClauseResult>,
    /// One per period with results, in order.
    pub credits: Vec<PeriodCredit>,
    /// The most credited per period, when the contract caps credits.
    pub cap: Option<Money>,
    /// The most credited per contract year, when the contract caps it.
    pub annual_cap: Option<Money>,
}

impl Report {
    /// Whether any clause was breached in any period.
    pub fn breached(&self) -> bool {
        self.results.iter().any(|r| r.breached)
    }

    /// The credits owed over all periods.
    pub fn total_credit(&self) -> Money {
        self.credits.iter().fold(Money::ZERO, |sum, c| sum.checked_add(c.total).unwrap_or(sum))
    }
}

/// Why credits could not be computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CreditError {
    /// The fee and percentages are too large to multiply exactly.
    #[error("the monthly fee and credit percentages are too large to compute credits with")]
    Overflow,
}

/// Decide every clause in every period from the tallies of `terms.rules()`.
pub fn evaluate(terms: &Terms, tallies: &Tallies, rows: RowCounts, as_of: Date) -> Result<Report, CreditError> {
    let as_of = as_of.day_number();
    let mut results = Vec::new();
    for (index, clause) in terms.clauses.iter().enumerate() {
        let Some(periods) = tallies.per_rule.get(index) else { continue };
        for (period, tally) in periods {
            if let Some(result) = decide(clause, terms, *period, tally, as_of)? {
                results.push((index, result));
            }
        }
    }
    results.sort_by_key(|(index, r)| (r.period, *index));
    super::credits::settle(terms, results, rows, as_of)
}

/// `factor × numerator / denominator` to two decimals, rounded half up.
fn ratio(numerator: u64, denominator: u64, factor: u128) -> Decimal {
    let scaled = u128::from(numerator) * factor * 100;
    let d = u128::from(denominator.max(1));
    let rounded = (scaled * 2 + d) / (2 * d);
    Decimal::new(rounded as i128, 2)
}

/// (in scope, met) of a first-response clause under its abandons mode (SPEC section 12).
pub fn first_response_scope(abandons: Abandons, tally: &Tally) -> (u64, u64) {
    let base = tally.measured + tally.missing;
    match abandons {
        Abandons::Miss => (base + tally.abandoned, tally.within),
        Abandons::Exclude => (base, tally.within),
        Abandons::ExcludeWithinTarget => (base + tally.abandoned - tally.abandoned_within, tally.within),
        Abandons::MetWithinTarget => (base + tally.abandoned, tally.within + tally.abandoned_within),
    }
}

fn decide(
    clause: &Clause,
    terms: &Terms,
    period: PeriodKey,
    tally: &Tally,
    as_of_day: i64,
) -> Result<Option<ClauseResult>, CreditError> {
    let (in_scope, met) = match clause.metric {
        Metric::FirstResponse => first_response_scope(clause.abandons, tally),
        Metric::Resolution if period.ended_by(as_of_day) => (tally.measured + tally.missing, tally.within),
        Metric::AbandonRate => (tally.measured + tally.abandoned, tally.measured),
        Metric::Resolution | Metric::Csat | Metric::ReopenRate | Metric::Asa => (tally.measured, tally.within),
    };
    if in_scope == 0 {
        return Ok(None);
    }
    let percent_met = ratio(met, in_scope, 100);
    // met / in_scope × 100 < required  ⇔  met × 100 < required × in_scope
    let below = |required: Decimal| -> Result<bool, CreditError> {
        let needed = required.checked_mul_int(in_scope).ok_or(CreditError::Overflow)?;
        Ok(Decimal::new(i128::from(met) * 100, 0) < needed)
    };
    let (attainment, required, breached) = match (clause.metric, clause.target) {
        (Metric::Asa, Target::Seconds(target)) => {
            let mean = ratio(tally.wait_sum, in_scope, 1);
            (
                mean,
                Decimal::new(i128::from(target), 0),
                u128::from(tally.wait_sum) > u128::from(target) * u128::from(in_scope),
            )
        }
        (_, Target::Seconds(_)) => (percent_met, clause.attainment, below(clause.attainment)?),
        (_, Target::Score(target)) => {
            let mean = ratio(tally.score_sum, in_scope, 1);
            let needed = target.checked_mul_int(in_scope).ok_or(CreditError::Overflow)?;
            (mean, target, Decimal::new(i128::from(tally.score_sum), 0) < needed)
        }
        (_, Target::Percent(max)) => {
            let required = Decimal::from_int(100).checked_sub(max).ok_or(CreditError::Overflow)?;
            (percent_met, required, below(required)?)
        }
    };
    let measured = clause.min_volume.is_none_or(|min| in_scope >= min);
    let breached = breached && measured;
    let forecast = clause.volume_tolerance_pct.and(terms.forecast(&period.to_string(), clause.channel));
    let over_forecast = match (forecast, clause.volume_tolerance_pct.filter(|_| clause.excusal == Excusal::Waive)) {
        // in scope > volume × (1 + tolerance / 100)  ⇔  in scope × 100 > volume × (100 + tolerance)
        (Some(volume), Some(tolerance)) => {
            let allowed = Decimal::from_int(100)
                .checked_add(tolerance)
                .and_then(|t| t.checked_mul_int(volume))
                .ok_or(CreditError::Overflow)?;
            Decimal::new(i128::from(in_scope) * 100, 0) > allowed
        }
        _ => false,
    };
    let status = if !measured {
        Status::NotMeasured
    } else if !breached {
        Status::Met
    } else if over_forecast {
        Status::Excused
    } else if clause.minimum.is_some_and(|minimum| attainment >= minimum) && clause.metric != Metric::Asa {
        Status::BelowTarget
    } else {
        Status::Breached
    };
    let credit = match (status, clause.kind) {
        (Status::Breached, SlaKind::Critical) => credit_of(clause, terms, attainment, required)?,
        _ => Money::ZERO,
    };
    let [p50, p90, p95] = match clause.metric {
        Metric::ReopenRate | Metric::AbandonRate => [None; 3],
        _ => tally.values.percentiles([50, 90, 95]),
    };
    let answering = matches!(clause.metric, Metric::FirstResponse | Metric::Asa | Metric::AbandonRate);
    Ok(Some(ClauseResult {
        clause: clause.id.clone(),
        metric: clause.metric,
        period,
        in_scope,
        met,
        answered: if answering { tally.measured } else { 0 },
        abandoned: tally.abandoned,
        abandoned_within: tally.abandoned_within,
        short_abandoned: tally.short_abandoned,
        unanswered: if answering { tally.missing } else { 0 },
        excluded: tally.excluded,
        over_forecast: tally.over_forecast,
        attainment,
        required,
        breached,
        status,
        forecast,
        chronic: false,
        p50,
        p90,
        p95,
        credit,
        earn_back: false,
        earned_back: None,
        net: credit,
    }))
}

/// The credit a breach accrues under the clause's model.
fn credit_of(clause: &Clause, terms: &Terms, attainment: Decimal, required: Decimal) -> Result<Money, CreditError> {
    let Some(fee) = terms.monthly_fee else { return Ok(Money::ZERO) };
    let overflow = CreditError::Overflow;
    match clause.credit {
        None => Ok(Money::ZERO),
        Some(Credit::Fixed(pct)) => Money::percent_of(pct, fee).ok_or(overflow),
        Some(Credit::Allocation(pct)) => {
            let at_risk = Money::percent_of(terms.at_risk_pct.unwrap_or(Decimal::ZERO), fee).ok_or(overflow.clone())?;
            at_risk.percent(pct).ok_or(overflow)
        }
        Some(Credit::Shortfall(per_point)) => {
            let points = required.checked_sub(attainment).ok_or(overflow.clone())?;
            let pct = points.checked_mul(per_point).ok_or(overflow.clone())?;
            Money::percent_of(pct, fee).ok_or(overflow)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ContractFile;
    use crate::sla::reader::{ReadOptions, read_slice};

    const HEADER: &str = "ticket_id,channel,created_at,first_response_at,resolved_at,csat,reopened,tier,priority\n";

    fn terms(clauses: &str, credits: &str) -> Terms {
        let text = format!("[contract]\nvendor = \"acme\"\nmonthly_fee = 42000\n{clauses}\n{credits}");
        let contract: ContractFile = toml::from_str(&text).unwrap();
        Terms::from_contract(&contract).unwrap()
    }

    fn clause(id: &str, metric: &str, channel: &str, target: &str, attainment: u32, credit: u32) -> String {
        format!(
            "[[sla]]\nid = \"{id}\"\nmetric = \"{metric}\"\nchannel = \"{channel}\"\ntarget = {target}\n\
             attainment = {attainment}\nperiod = \"month\"\ncredit_pct = {credit}\n"
        )
    }

    fn report(terms: &Terms, rows: &str, as_of: &str) -> Report {
        let data = read_slice(format!("{HEADER}{rows}").as_bytes(), &terms.rules(), &ReadOptions::default()).unwrap();
        evaluate(terms, &data.tallies, data.rows, Date::parse(as_of).unwrap()).unwrap()
    }

    fn row(channel: &str, created: &str, response: &str, resolved: &str) -> String {
        format!("T,{channel},{created},{response},{resolved},,false,1,normal\n")
    }

    #[test]
    fn attainment_breach_and_percentiles_per_month() {
        let t = terms(&clause("chat", "first_response", "chat", "\"60s\"", 75, 5), "");
        let mut rows = String::new();
        // March: responses 10, 20, 61 s and one unanswered: 2 of 4 met = 50 % < 75 %.
        for (created, response) in [
            ("2026-03-02T10:00:00Z", "2026-03-02T10:00:10Z"),
            ("2026-03-02T10:00:00Z", "2026-03-02T10:00:20Z"),
            ("2026-03-02T10:00:00Z", "2026-03-02T10:01:01Z"),
            ("2026-03-02T10:00:00Z", ""),
        ] {
            rows.push_str(&row("chat", created, response, ""));
        }
        // April, created 1 April 01:00 at +02:00 = 31 March 23:00 UTC: counts in March.
        rows.push_str(&row("chat", "2026-04-01T01:00:00+02:00", "2026-04-01T01:00:05+02:00", ""));
        // April proper: met 1 of 1. Email tickets are out of scope.
        rows.push_str(&row("chat", "2026-04-01 00:00:00", "2026-04-01 00:00:30", ""));
        rows.push_str(&row("email", "2026-04-01 00:00:00", "", ""));
        let r = report(&t, &rows, "2026-11-21");
        assert_eq!(r.results.len(), 2);
        let march = &r.results[0];
        assert_eq!(march.period.to_string(), "2026-03");
        assert_eq!((march.in_scope, march.met), (5, 3));
        assert_eq!(march.attainment.to_string(), "60");
        assert!(march.breached);
        // Answered values 5 10 20 61: p50 = 2nd = 10, p90 = p95 = 4th = 61.
        assert_eq!((march.p50, march.p90, march.p95), (Some(10), Some(61), Some(61)));
        assert_eq!(march.credit.to_string(), "2100.00");
        let april = &r.results[1];
        assert_eq!((april.in_scope, april.met, april.breached), (1, 1, false));
        assert_eq!(april.credit, Money::ZERO);
        assert_eq!(r.credits.len(), 2);
        assert_eq!((r.credits[0].total.to_string(), r.credits[0].capped), ("2100.00".to_owned(), false));
        assert!(r.breached());
    }

    #[test]
    fn attainment_exactly_at_the_requirement_is_met() {
        // 57 of 100 within target against 57 %: a float 0.57 × 100 would say 56.99…
        let t = terms(&clause("chat", "first_response", "chat", "\"60s\"", 57, 5), "");
        let mut rows = String::new();
        for i in 0..100 {
            let response = if i < 57 { "2026-03-02T10:00:30Z" } else { "2026-03-02T10:05:00Z" };
            rows.push_str(&row("chat", "2026-03-02T10:00:00Z", response, ""));
        }
        let r = report(&t, &rows, "2026-11-21");
        assert_eq!(r.results[0].attainment.to_string(), "57");
        assert!(!r.results[0].breached);
    }

    #[test]
    fn open_tickets_count_once_their_period_has_ended() {
        let t = terms(&clause("res", "resolution", "any", "\"1h\"", 90, 5), "");
        let rows = [
            row("chat", "2026-10-30T10:00:00Z", "", "2026-10-30T10:30:00Z"),
            row("chat", "2026-10-31T10:00:00Z", "", ""),
            row("chat", "2026-11-02T10:00:00Z", "", "2026-11-02T10:30:00Z"),
            row("chat", "2026-11-03T10:00:00Z", "", ""),
        ]
        .concat();
        // As of 1 November, October has ended: its open ticket is a miss.
        // November has not: its open ticket is left out.
        let r = report(&t, &rows, "2026-11-01");
        let got: Vec<(String, u64, u64, bool)> =
            r.results.iter().map(|r| (r.period.to_string(), r.in_scope, r.met, r.breached)).collect();
        assert_eq!(got, [("2026-10".to_owned(), 2, 1, true), ("2026-11".to_owned(), 1, 1, false)]);
        assert_eq!(r.results[0].p50, Some(1800), "open tickets have no resolution time");
        let r = report(&t, &rows, "2026-10-31");
        assert_eq!(r.results[0].in_scope, 1, "October not over on its last day");
        // Nothing in scope: no result for that clause and period.
        let r = report(&t, &row("chat", "2026-11-03T10:00:00Z", "", ""), "2026-11-21");
        assert!(r.results.is_empty() && r.credits.is_empty());
    }

    #[test]
    fn credits_are_capped_per_period() {
        let clauses = [
            clause("chat", "first_response", "chat", "\"60s\"", 90, 5),
            clause("email", "first_response", "email", "\"1h\"", 90, 5),
            clause("voice", "first_response", "voice", "\"20s\"", 90, 5),
        ]
        .concat();
        let rows = [
            row("chat", "2026-03-02T10:00:00Z", "", ""),
            row("email", "2026-03-02T10:00:00Z", "", ""),
            row("voice", "2026-03-02T10:00:00Z", "", ""),
            row("chat", "2026-04-02T10:00:00Z", "", ""),
        ]
        .concat();
        let capped = report(&terms(&clauses, "[service_credits]\ncap_pct = 12"), &rows, "2026-11-21");
        assert_eq!(capped.cap.unwrap().to_string(), "5040.00");
        let totals: Vec<(String, String, bool)> =
            capped.credits.iter().map(|c| (c.period.to_string(), c.total.to_string(), c.capped)).collect();
        assert_eq!(
            totals,
            [("2026-03".to_owned(), "5040.00".to_owned(), true), ("2026-04".to_owned(), "2100.00".to_owned(), false)]
        );
        assert_eq!(capped.total_credit().to_string(), "7140.00");
        // Results by period, then contract order.
        let order: Vec<&str> = capped.results.iter().map(|r| r.clause.as_str()).collect();
        assert_eq!(order, ["chat", "email", "voice", "chat"]);
        let uncapped = report(&terms(&clauses, ""), &rows, "2026-11-21");
        assert_eq!(uncapped.credits[0].total.to_string(), "6300.00");
        assert!(uncapped.cap.is_none() && !uncapped.credits[0].capped);
    }

    #[test]
    fn csat_is_a_mean_and_reopen_rate_a_ceiling() {
        let clauses =
            [clause("csat", "csat", "any", "4.2", 0, 1), clause("reopen", "reopen_rate", "any", "25", 0, 1)].concat();
        let rows = [
            "T,chat,2026-03-02T10:00:00Z,,2026-03-02T11:00:00Z,5,false,1,normal\n",
            "T,chat,2026-03-02T10:00:00Z,,2026-03-02T11:00:00Z,4,true,1,normal\n",
            "T,chat,2026-03-02T10:00:00Z,,2026-03-02T11:00:00Z,4,false,1,normal\n",
            "T,chat,2026-03-02T10:00:00Z,,,,false,1,normal\n",
        ]
        .concat();
        let r = report(&terms(&clauses, ""), &rows, "2026-11-21");
        let csat = &r.results[0];
        // Mean 13 / 3 = 4.33 ≥ 4.2; one rating of 5 meets 4.2 on its own.
        assert_eq!((csat.in_scope, csat.met, csat.attainment.to_string(), csat.breached), (3, 1, "4.33".into(), false));
        assert_eq!(csat.required.to_string(), "4.2");
        assert_eq!((csat.p50, csat.p95), (Some(4), Some(5)));
        let reopen = &r.results[1];
        // 1 of 3 resolved reopened = 33.33 % > 25 %: 66.67 % not reopened < 75 % required.
        assert_eq!((reopen.in_scope, reopen.met, reopen.attainment.to_string()), (3, 2, "66.67".into()));
        assert_eq!(reopen.required.to_string(), "75");
        assert!(reopen.breached);
        assert_eq!(reopen.p50, None);
    }

    #[test]
    fn weekly_clauses_label_iso_weeks() {
        let text = clause("chat", "first_response", "chat", "\"60s\"", 90, 5).replace("\"month\"", "\"week\"");
        let rows =
            [row("chat", "2026-01-01T10:00:00Z", "", ""), row("chat", "2025-12-28T23:30:00-01:00", "", "")].concat();
        let r = report(&terms(&text, ""), &rows, "2026-11-21");
        let periods: Vec<String> = r.results.iter().map(|r| r.period.to_string()).collect();
        // 28 Dec 23:30 at -01:00 is Monday 29 Dec in UTC: week 1 of 2026, with 1 January.
        assert_eq!(periods, ["2026-W01"]);
        assert_eq!(r.results[0].in_scope, 2);
    }
}

#[cfg(test)]
#[path = "regime_tests.rs"]
mod regime_tests;
