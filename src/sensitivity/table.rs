//! What does not depend on the weights, computed once from the scorecards
//! of `scoring::score` (each vendor's `s` per criterion after gates, the
//! price cohort and the evidence rules), and scoring by shares in a tight
//! loop. The arithmetic is that of `scoring::finish` with the weights
//! written as shares; a test checks it against `scoring::score` on a
//! rubric whose weights were moved.

use std::ops::Range;

use crate::model::{GivenValue, MissingAnswers, Rubric};
use crate::scoring::{Scorecard, Status, normalize, round2};

/// A category's place in the table.
#[derive(Debug, Clone)]
pub struct Column {
    pub id: String,
    pub name: String,
    /// Indexes into [`Table::criteria`].
    pub criteria: Range<usize>,
}

/// A criterion's place in the table.
#[derive(Debug, Clone)]
pub struct CriterionColumn {
    /// Full id, `category.criterion`.
    pub id: String,
    pub name: String,
    pub category: usize,
}

/// One vendor that is not disqualified: its `s` per criterion.
#[derive(Debug, Clone)]
pub struct Row {
    pub id: String,
    pub name: String,
    /// `s` per criterion in rubric order; 0 when unanswered.
    pub s: Vec<f64>,
    /// Whether each criterion was answered (for `missing = "exclude"`).
    pub answered: Vec<bool>,
    /// Panel criteria (index, `s` of each evaluator's value), for `--panel-samples`.
    pub panel: Vec<(usize, Vec<f64>)>,
}

/// Weights as shares: each category's of the categories, each criterion's
/// of its category (both sum to 1).
#[derive(Debug, Clone, PartialEq)]
pub struct Shares {
    pub categories: Vec<f64>,
    /// In rubric order; within each category they sum to 1.
    pub criteria: Vec<f64>,
}

/// The weight-independent part of a scored cohort.
#[derive(Debug, Clone)]
pub struct Table {
    pub columns: Vec<Column>,
    pub criteria: Vec<CriterionColumn>,
    /// The vendors that are not disqualified, in the order of the cards.
    pub rows: Vec<Row>,
    pub missing: MissingAnswers,
    pub pass_mark: Option<f64>,
    /// The rubric's shares.
    pub shares: Shares,
    /// Each row's place when rows are sorted by id, and the rows in id order.
    id_order: Vec<usize>,
    by_id: Vec<usize>,
}

impl Table {
    /// The table of a rubric and its scorecards (any order).
    pub fn new(rubric: &Rubric, cards: &[Scorecard]) -> Table {
        let mut columns = Vec::new();
        let mut criteria = Vec::new();
        let total: f64 = rubric.categories.iter().map(|c| c.weight).sum();
        let mut shares = Shares { categories: Vec::new(), criteria: Vec::new() };
        for (index, category) in rubric.categories.iter().enumerate() {
            let start = criteria.len();
            let in_category: f64 = category.criteria.iter().map(|k| k.weight).sum();
            for criterion in &category.criteria {
                criteria.push(CriterionColumn {
                    id: criterion.full_id.clone(),
                    name: criterion.name.clone(),
                    category: index,
                });
                shares.criteria.push(criterion.weight / in_category);
            }
            shares.categories.push(category.weight / total);
            columns.push(Column {
                id: category.id.clone(),
                name: category.name.clone(),
                criteria: start..criteria.len(),
            });
        }
        let rows = cards
            .iter()
            .filter(|card| card.status != Status::Disqualified)
            .map(|card| {
                // Cards list criteria in rubric order; look up only where they do not.
                let find = |k: usize, id: &str| match card.criteria.get(k) {
                    Some(c) if c.id == id => Some(c),
                    _ => card.criteria.iter().find(|c| c.id == id),
                };
                Row {
                    id: card.vendor.clone(),
                    name: card.name.clone(),
                    s: criteria
                        .iter()
                        .enumerate()
                        .map(|(i, k)| find(i, &k.id).and_then(|c| c.s).unwrap_or(0.0))
                        .collect(),
                    answered: criteria
                        .iter()
                        .enumerate()
                        .map(|(i, k)| find(i, &k.id).is_some_and(|c| c.scored.is_some()))
                        .collect(),
                    panel: criteria
                        .iter()
                        .enumerate()
                        .filter_map(|(i, k)| {
                            let result = find(i, &k.id)
                                .filter(|c| c.s.is_some() && c.panel.len() > 1 && c.moderation.is_none())?;
                            let scoring = &rubric.criterion(&k.id)?.scoring;
                            let s: Option<Vec<f64>> =
                                result.panel.iter().map(|p| normalize(scoring, &GivenValue::Number(p.value))).collect();
                            Some((i, s?))
                        })
                        .collect(),
                }
            })
            .collect();
        let rows: Vec<Row> = rows;
        let mut by_id: Vec<usize> = (0..rows.len()).collect();
        by_id.sort_by(|&a, &b| rows[a].id.cmp(&rows[b].id));
        let mut id_order = vec![0; rows.len()];
        for (place, &row) in by_id.iter().enumerate() {
            id_order[row] = place;
        }
        Table { columns, criteria, rows, missing: rubric.missing, pass_mark: rubric.pass_mark, shares, id_order, by_id }
    }

    /// Whether scores are linear in the shares: every answer counts as
    /// written (`missing = "zero"`, or nothing left unanswered).
    pub fn linear(&self) -> bool {
        self.missing == MissingAnswers::Zero || self.rows.iter().all(|r| r.answered.iter().all(|&a| a))
    }

    /// A vendor's score (0..=100, unrounded) under some shares.
    pub fn score(&self, row: &Row, shares: &Shares) -> f64 {
        self.score_of(&row.s, &row.answered, shares)
    }

    /// The score of `s` per criterion under some shares (a row with sampled panel values).
    pub fn score_of(&self, s: &[f64], answered: &[bool], shares: &Shares) -> f64 {
        let score = if self.missing == MissingAnswers::Zero {
            let mut total = 0.0;
            for (column, &p) in self.columns.iter().zip(&shares.categories) {
                let inner: f64 = column.criteria.clone().map(|k| shares.criteria[k] * s[k]).sum();
                total += p * inner;
            }
            100.0 * total
        } else {
            let (mut points, mut included) = (0.0, 0.0);
            for (column, &p) in self.columns.iter().zip(&shares.categories) {
                let (mut kept, mut inner) = (0.0, 0.0);
                for k in column.criteria.clone().filter(|&k| answered[k]) {
                    kept += shares.criteria[k];
                    inner += shares.criteria[k] * s[k];
                }
                if kept > 0.0 {
                    points += p * inner / kept;
                    included += p;
                }
            }
            if included > 0.0 { 100.0 * points / included } else { 0.0 }
        };
        score.clamp(0.0, 100.0)
    }

    /// Every vendor's score under some shares, in row order.
    pub fn scores(&self, shares: &Shares) -> Vec<f64> {
        self.rows.iter().map(|row| self.score(row, shares)).collect()
    }

    /// The status a score gives (never disqualified: gates do not move).
    pub fn status(&self, score: f64) -> Status {
        if self.pass_mark.is_some_and(|mark| round2(score) < mark) { Status::BelowPassMark } else { Status::Qualified }
    }

    /// Row indexes in SPEC order: qualified before below the pass mark,
    /// then by unrounded score, equals by id.
    pub fn ranking(&self, scores: &[f64]) -> Vec<usize> {
        let mut order: Vec<usize> = (0..self.rows.len()).collect();
        self.sort(&mut order, scores);
        order
    }

    /// Sort row indexes into SPEC order under `scores`.
    pub fn sort(&self, order: &mut [usize], scores: &[f64]) {
        let mut keys = Vec::with_capacity(order.len());
        self.sort_with(order, scores, &mut keys);
    }

    /// [`Table::sort`] with a buffer for the sort keys (SMAA's loop): each
    /// row's key packs, from the top bit down, whether it is below the pass
    /// mark, its score descending (the bits of a non-negative `f64` order as
    /// the number does) and its place in id order, so one integer sort
    /// gives the SPEC order.
    pub fn sort_with(&self, order: &mut [usize], scores: &[f64], keys: &mut Vec<u128>) {
        keys.clear();
        keys.extend(order.iter().map(|&i| {
            let below = u128::from(self.status(scores[i]) == Status::BelowPassMark);
            let descending = u128::from(u64::MAX >> 1) - u128::from((scores[i] + 0.0).to_bits());
            (below << 127) | (descending << 64) | self.id_order[i] as u128
        }));
        keys.sort_unstable();
        for (slot, key) in order.iter_mut().zip(keys.iter()) {
            *slot = self.by_id[(*key as u64) as usize];
        }
    }

    /// Per row, each category's score in [0, 1] under the criterion shares
    /// (`None`: the category is left out for that vendor), for sampling
    /// category shares only.
    pub fn category_scores(&self, criteria: &[f64]) -> Vec<Vec<Option<f64>>> {
        let exclude = self.missing == MissingAnswers::Exclude;
        self.rows
            .iter()
            .map(|row| {
                self.columns
                    .iter()
                    .map(|column| {
                        let (mut kept, mut inner) = (0.0, 0.0);
                        for k in column.criteria.clone().filter(|&k| !exclude || row.answered[k]) {
                            kept += criteria[k];
                            inner += criteria[k] * row.s[k];
                        }
                        if !exclude { Some(inner) } else { (kept > 0.0).then(|| inner / kept) }
                    })
                    .collect()
            })
            .collect()
    }
}
