//! Leave one out (SPEC section 13): relative price scoring makes each
//! vendor's price points depend on the others, so removing one bidder can
//! reorder the rest. Each vendor is removed in turn and the cohort scored
//! again by `scoring::score`.

use super::table::Table;
use crate::model::{Rubric, Submission};
use crate::scoring::{self, Measured, Scorecard};

/// The order of the others with and without one vendor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeftOut {
    /// The vendor removed.
    pub removed: String,
    /// The other vendors that are not disqualified, in SPEC order, with it.
    pub before: Vec<String>,
    /// The same vendors' order without it.
    pub after: Vec<String>,
    /// Whether the order changed.
    pub reversal: bool,
}

/// Vendor ids in SPEC order (not disqualified; unrounded scores).
pub fn order(rubric: &Rubric, cards: &[Scorecard]) -> Vec<String> {
    let table = Table::new(rubric, cards);
    let scores = table.scores(&table.shares);
    table.ranking(&scores).into_iter().map(|i| table.rows[i].id.clone()).collect()
}

/// Remove each vendor in turn and compare the order of the others. Only
/// relative price scoring ties a vendor's points to the others: without a
/// price criterion nothing can move, and the cohort is not scored again.
pub fn leave_one_out(
    rubric: &Rubric,
    submissions: &[Submission],
    measured: &Measured,
    cards: &[Scorecard],
) -> Vec<LeftOut> {
    let full = order(rubric, cards);
    let priced = rubric.criteria().any(|(_, k)| matches!(k.scoring, crate::model::Scoring::Price { .. }));
    let mut ids: Vec<&str> = submissions.iter().map(|s| s.id.as_str()).collect();
    ids.sort_unstable();
    ids.into_iter()
        .map(|removed| {
            let after: Vec<String> = if priced {
                let others: Vec<Submission> = submissions.iter().filter(|s| s.id != removed).cloned().collect();
                order(rubric, &scoring::score(rubric, &others, measured))
            } else {
                full.clone()
            };
            let before: Vec<String> =
                full.iter().filter(|id| id.as_str() != removed && after.contains(id)).cloned().collect();
            let after: Vec<String> = after.into_iter().filter(|id| before.contains(id)).collect();
            LeftOut { removed: removed.to_owned(), reversal: before != after, before, after }
        })
        .collect()
}
