//! What the decided periods add up to (SPEC section 12): chronic failure
//! per clause, earn-back of each accrued credit, and per period the gross,
//! earned-back and owed amounts, capped per period and then per contract
//! year. Pure and exact: money stays a decimal until shown.

use std::collections::HashMap;

use super::RowCounts;
use super::attainment::{ClauseResult, CreditError, PeriodCredit, Report, Status};
use super::money::Money;
use super::period::{PeriodKey, civil_from_days, days_from_civil, days_in_month};
use super::terms::Terms;

/// Settle the results of `terms` (by period, then clause index) into a report.
pub fn settle(
    terms: &Terms,
    mut results: Vec<(usize, ClauseResult)>,
    rows: RowCounts,
    as_of_day: i64,
) -> Result<Report, CreditError> {
    let at: HashMap<(usize, PeriodKey), usize> =
        results.iter().enumerate().map(|(i, (c, r))| ((*c, r.period), i)).collect();
    // Chronic failure: from the first period with `breaches` failures within the last `periods`.
    let mut chronic_from: HashMap<usize, PeriodKey> = HashMap::new();
    for (clause, result) in &results {
        let Some((breaches, periods)) = terms.clauses[*clause].chronic else { continue };
        if chronic_from.contains_key(clause) {
            continue;
        }
        let window =
            (0..i64::from(periods)).map(|back| PeriodKey { index: result.period.index - back, ..result.period });
        let failures = window
            .filter(|key| at.get(&(*clause, *key)).is_some_and(|&i| results[i].1.status == Status::Breached))
            .count();
        if failures >= breaches as usize {
            chronic_from.insert(*clause, result.period);
        }
    }
    // Earn-back: decided by the next periods of the same clause.
    let mut earned: Vec<Option<bool>> = vec![None; results.len()];
    for (i, (clause, result)) in results.iter().enumerate() {
        let Some((periods, level)) = terms.clauses[*clause].earn_back else { continue };
        if result.credit == Money::ZERO {
            continue;
        }
        let mut decided = Some(true);
        for ahead in 1..=i64::from(periods) {
            let key = PeriodKey { index: result.period.index + ahead, ..result.period };
            let next = at.get(&(*clause, key)).map(|&j| &results[j].1);
            let attains = next.is_some_and(|n| n.status != Status::NotMeasured && n.attainment >= level);
            if !key.ended_by(as_of_day) {
                // Not over yet: it may still attain or fall short.
                decided = None;
                continue;
            }
            if !attains {
                decided = Some(false);
                break;
            }
        }
        earned[i] = decided;
    }
    for (i, (clause, result)) in results.iter_mut().enumerate() {
        result.chronic = chronic_from.get(clause).is_some_and(|from| result.period >= *from);
        if terms.clauses[*clause].earn_back.is_some() && result.credit != Money::ZERO {
            result.earn_back = true;
            result.earned_back = earned[i];
            if earned[i] == Some(true) {
                result.net = Money::ZERO;
            }
        }
    }
    let results: Vec<ClauseResult> = results.into_iter().map(|(_, r)| r).collect();

    let overflow = || CreditError::Overflow;
    let fee = terms.monthly_fee;
    let cap = match (terms.cap_pct, fee) {
        (Some(pct), Some(fee)) => Some(Money::percent_of(pct, fee).ok_or_else(overflow)?),
        _ => None,
    };
    let annual_cap = match (terms.annual_cap_pct, fee, terms.start) {
        (Some(pct), Some(fee), Some(_)) => {
            Some(Money::percent_of(pct, fee.checked_mul_int(12).ok_or_else(overflow)?).ok_or_else(overflow)?)
        }
        _ => None,
    };
    let mut credits: Vec<PeriodCredit> = Vec::new();
    for result in &results {
        if credits.last().is_none_or(|c| c.period != result.period) {
            credits.push(PeriodCredit {
                period: result.period,
                gross: Money::ZERO,
                earned_back: Money::ZERO,
                total: Money::ZERO,
                capped: false,
                annual_capped: false,
            });
        }
        let current = credits.last_mut().expect("pushed above");
        current.gross = current.gross.checked_add(result.credit).ok_or_else(overflow)?;
        let back = result.credit.checked_sub(result.net).ok_or_else(overflow)?;
        current.earned_back = current.earned_back.checked_add(back).ok_or_else(overflow)?;
    }
    let start_day = terms.start.map(crate::model::Date::day_number);
    let mut owed_in_year: HashMap<i64, Money> = HashMap::new();
    for credit in &mut credits {
        let mut total = credit.gross.checked_sub(credit.earned_back).ok_or_else(overflow)?;
        if let Some(cap) = cap
            && total > cap
        {
            total = cap;
            credit.capped = true;
        }
        if let (Some(annual), Some(start)) = (annual_cap, start_day) {
            let owed = owed_in_year.entry(contract_year(start, credit.period.start_day())).or_default();
            let left = annual.checked_sub(*owed).ok_or_else(overflow)?.max(Money::ZERO);
            if total > left {
                total = left;
                credit.annual_capped = true;
            }
            *owed = owed.checked_add(total).ok_or_else(overflow)?;
        }
        credit.total = total;
    }
    Ok(Report { rows, results, credits, cap, annual_cap })
}

/// The contract year (0 from `start`, negative before it) holding `day`:
/// year k runs from the anniversary k years after start (29 February falls to the 28th).
pub fn contract_year(start: i64, day: i64) -> i64 {
    let (sy, sm, sd) = civil_from_days(start);
    let (y, _, _) = civil_from_days(day);
    let anniversary = |year: i64| days_from_civil(year, sm, sd.min(days_in_month(year, sm)));
    let k = y - sy;
    if day < anniversary(y) { k - 1 } else { k }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contract_years_run_from_the_start_date() {
        let start = days_from_civil(2026, 11, 1);
        assert_eq!(contract_year(start, days_from_civil(2026, 11, 1)), 0);
        assert_eq!(contract_year(start, days_from_civil(2027, 10, 31)), 0);
        assert_eq!(contract_year(start, days_from_civil(2027, 11, 1)), 1);
        assert_eq!(contract_year(start, days_from_civil(2026, 10, 1)), -1);
        let leap = days_from_civil(2028, 2, 29);
        assert_eq!(contract_year(leap, days_from_civil(2029, 2, 28)), 1);
        assert_eq!(contract_year(leap, days_from_civil(2029, 2, 27)), 0);
    }
}
