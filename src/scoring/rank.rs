//! Panel aggregation, rounding and competition ranking.

use std::cmp::Ordering;

use super::{Scorecard, Status};
use crate::model::Aggregate;

/// Round to two decimals, as scores are compared and shown (never -0.0).
pub fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0 + 0.0
}

/// A score in hundredths, for exact comparisons.
fn cents(x: f64) -> i64 {
    (x * 100.0).round() as i64
}

/// Median (mean of the middle two for an even count) or mean; 0 for none.
pub fn aggregate(values: &[f64], how: Aggregate) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    match how {
        Aggregate::Mean => values.iter().sum::<f64>() / values.len() as f64,
        Aggregate::Median => {
            let mut sorted = values.to_vec();
            sorted.sort_by(f64::total_cmp);
            let mid = sorted.len() / 2;
            if sorted.len().is_multiple_of(2) { (sorted[mid - 1] + sorted[mid]) / 2.0 } else { sorted[mid] }
        }
    }
}

/// Order qualified, then below the pass mark (each by score), then
/// disqualified; equal scores share a rank and the next rank skips; equals
/// list by id.
pub fn rank(cards: &mut [Scorecard]) {
    let group = |c: &Scorecard| match c.status {
        Status::Qualified => 0,
        Status::BelowPassMark => 1,
        Status::Disqualified => 2,
    };
    cards.sort_by(|a, b| {
        group(a)
            .cmp(&group(b))
            .then_with(|| cents(b.score).cmp(&cents(a.score)))
            .then_with(|| a.vendor.cmp(&b.vendor))
            .then(Ordering::Equal)
    });
    let mut previous: Option<(i32, i64, usize)> = None;
    for (i, card) in cards.iter_mut().enumerate() {
        if card.status == Status::Disqualified {
            card.rank = None;
            continue;
        }
        let key = (group(card), cents(card.score));
        card.rank = Some(match previous {
            Some((g, s, r)) if (g, s) == key => r,
            _ => i + 1,
        });
        previous = Some((key.0, key.1, card.rank.expect("just set")));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_of_odd_and_even_counts_and_means() {
        assert_eq!(aggregate(&[4.0, 2.0, 5.0], Aggregate::Median), 4.0);
        assert_eq!(aggregate(&[4.0, 2.0, 5.0, 3.0], Aggregate::Median), 3.5);
        assert_eq!(aggregate(&[1.0], Aggregate::Median), 1.0);
        assert_eq!(aggregate(&[1.0, 2.0, 6.0], Aggregate::Mean), 3.0);
        assert_eq!(aggregate(&[], Aggregate::Mean), 0.0);
    }

    fn card(id: &str, score: f64, status: Status) -> Scorecard {
        Scorecard {
            vendor: id.into(),
            name: id.into(),
            folder: String::new(),
            score,
            status,
            rank: None,
            coverage: 100.0,
            gates_failed: Vec::new(),
            categories: Vec::new(),
            criteria: Vec::new(),
            flags: Vec::new(),
        }
    }

    #[test]
    fn competition_ranking_with_ties_groups_and_disqualified_last() {
        let mut cards = vec![
            card("e", 99.0, Status::Disqualified),
            card("d", 40.0, Status::BelowPassMark),
            card("c", 70.004, Status::Qualified),
            card("b", 70.0, Status::Qualified),
            card("a", 90.0, Status::Qualified),
            card("f", 65.0, Status::Qualified),
        ];
        rank(&mut cards);
        let order: Vec<(&str, Option<usize>)> = cards.iter().map(|c| (c.vendor.as_str(), c.rank)).collect();
        assert_eq!(
            order,
            [("a", Some(1)), ("b", Some(2)), ("c", Some(2)), ("f", Some(4)), ("d", Some(5)), ("e", None)]
        );
    }
}
