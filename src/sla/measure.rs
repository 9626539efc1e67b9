//! Measured rubric criteria (SPEC section 2): a criterion with
//! `source = "measured"` takes its value from the vendor's `tickets.csv`,
//! over the whole file rather than per period.
//!
//! - `attainment`: percent of in-scope tickets within `target`. Unanswered
//!   tickets (first_response) and open ones (resolution) are in scope and
//!   misses: the trial's numbers are taken as they stand.
//! - `p50`, `p90`, `p95`: nearest-rank percentile in seconds, tickets
//!   without a value left out.
//!
//! No ticket in scope (or no value for a percentile) leaves the criterion
//! unanswered.

use std::collections::BTreeMap;

use super::PeriodKey;
use super::period::PeriodKind;
use super::tally::{Rule, Tally};
use crate::model::{Rubric, Stat};

/// The measured criteria of a rubric: (full id, counting rule, statistic).
pub fn measured_rules(rubric: &Rubric) -> Vec<(String, Rule, Stat)> {
    rubric
        .criteria()
        .filter_map(|(_, criterion)| {
            let measure = criterion.measure.as_ref()?;
            let rule = Rule {
                metric: measure.metric,
                channel: measure.channel,
                tier: measure.tier,
                priority: measure.priority.clone(),
                threshold: measure.target.map_or(u64::MAX, |t| t.seconds),
                period: PeriodKind::Whole,
                ..Rule::default()
            };
            Some((criterion.full_id.clone(), rule, measure.stat))
        })
        .collect()
}

/// The values of measured criteria from their whole-file tallies (in the
/// order of [`measured_rules`]); a criterion with nothing to measure is left out.
pub fn values_of(criteria: &[(String, Rule, Stat)], per_rule: &[BTreeMap<PeriodKey, Tally>]) -> BTreeMap<String, f64> {
    let whole = PeriodKey { kind: PeriodKind::Whole, index: 0 };
    let empty = Tally::default();
    criteria
        .iter()
        .zip(per_rule)
        .filter_map(|((id, _, stat), periods)| {
            Some((id.clone(), value_of(periods.get(&whole).unwrap_or(&empty), *stat)?))
        })
        .collect()
}

/// One statistic of a whole-file tally; `None` when there is nothing to measure.
pub fn value_of(tally: &Tally, stat: Stat) -> Option<f64> {
    let rank = match stat {
        Stat::Attainment => {
            // Abandoned contacts were not answered: misses, as unanswered ones.
            let in_scope = tally.measured + tally.missing + tally.abandoned;
            return (in_scope > 0).then(|| tally.within as f64 * 100.0 / in_scope as f64);
        }
        Stat::P50 => 50,
        Stat::P90 => 90,
        Stat::P95 => 95,
    };
    tally.values.percentiles([rank])[0].map(|seconds| seconds as f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Channel, Metric};

    fn tally(values: &[Option<u64>], threshold: u64) -> Tally {
        let rule = Rule {
            metric: Metric::FirstResponse,
            channel: Channel::Any,
            tier: None,
            priority: None,
            threshold,
            period: PeriodKind::Whole,
            ..Rule::default()
        };
        let mut tally = Tally::default();
        for v in values {
            let ticket = crate::sla::Ticket {
                channel: Channel::Chat,
                created: 1000,
                first_response: v.map(|v| 1000 + v as i64),
                resolved: None,
                abandoned: None,
                csat: None,
                reopened: false,
                tier: None,
                priority: b"",
                response_for: None,
                resolution_for: None,
            };
            tally.record(&rule, &ticket);
        }
        tally
    }

    #[test]
    fn attainment_counts_unanswered_as_misses_and_percentiles_skip_them() {
        let t = tally(&[Some(10), Some(70), None, Some(30)], 60);
        assert_eq!(value_of(&t, Stat::Attainment), Some(50.0));
        assert_eq!(value_of(&t, Stat::P50), Some(30.0));
        assert_eq!(value_of(&t, Stat::P95), Some(70.0));
    }

    #[test]
    fn nothing_to_measure_leaves_it_unanswered() {
        assert_eq!(value_of(&Tally::default(), Stat::Attainment), None);
        let unanswered = tally(&[None, None], 60);
        assert_eq!(value_of(&unanswered, Stat::Attainment), Some(0.0));
        assert_eq!(value_of(&unanswered, Stat::P50), None);
    }
}
