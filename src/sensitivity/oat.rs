//! One weight at a time (SPEC section 13): move one share over [0, 1],
//! rescale the others at its level, and find where rank 1, the ranking and
//! each vendor's status change.
//!
//! Scores are linear in the moved share wherever every answer counts as
//! written and the renormalisation is linear (proportional, or equal
//! before a share is clipped at 0): there each crossing of two vendors and
//! each pass-mark crossing is solved exactly from the scores at the ends of
//! the piece. Elsewhere (`missing = "exclude"`, clipped equal shares) the
//! scores are ratios of linear functions: each piece is scanned on a grid of
//! [`GRID`] steps and every change of sign is bisected to 1e-10.
//! Between two consecutive crossings nothing changes, so the ranking is
//! evaluated once per stretch, with the same ranking rule as `score`.

use super::table::{Shares, Table};
use crate::scoring::Status;

/// How the other shares at the level make room for a moved share.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Renormalize {
    /// Each other share × (1 − x) / (1 − x0).
    Proportional,
    /// The difference spread evenly over the others, each clipped at 0, and
    /// the others rescaled to sum to 1 − x (pyrepo-mcda, pysensmcda).
    Equal,
}

impl Renormalize {
    pub fn as_str(self) -> &'static str {
        match self {
            Renormalize::Proportional => "proportional",
            Renormalize::Equal => "equal",
        }
    }
}

/// Which weights are moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Category,
    Criterion,
    Both,
}

/// A weight that can be moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Weight {
    /// Index into the table's columns.
    Category(usize),
    /// Index into the table's criteria.
    Criterion(usize),
}

/// The steps per piece of the scan where scores are not linear.
pub const GRID: usize = 2000;

/// Where rank 1 changes, and to whom.
#[derive(Debug, Clone, PartialEq)]
pub struct Flip {
    /// The share (0..=1) at which it changes.
    pub share: f64,
    /// Row index of the new rank 1.
    pub winner: usize,
}

/// Where a vendor's status changes.
#[derive(Debug, Clone, PartialEq)]
pub struct Crossing {
    /// Row index.
    pub vendor: usize,
    pub share: f64,
    /// The status beyond the crossing (away from the current share).
    pub status: Status,
}

/// The result for one weight. Shares are fractions (0..=1).
#[derive(Debug, Clone, PartialEq)]
pub struct WeightSensitivity {
    pub weight: Weight,
    /// The share now.
    pub share: f64,
    pub winner_interval: (f64, f64),
    pub ranking_interval: (f64, f64),
    pub flip_down: Option<Flip>,
    pub flip_up: Option<Flip>,
    /// Sorted by share.
    pub pass_mark_crossings: Vec<Crossing>,
}

impl WeightSensitivity {
    /// The smallest absolute change of share that changes rank 1.
    pub fn critical_change(&self) -> Option<f64> {
        [&self.flip_down, &self.flip_up].into_iter().flatten().map(|f| (f.share - self.share).abs()).reduce(f64::min)
    }
}

/// The shares at one level (all categories, or the criteria of one
/// category) with share `j` moved to `x`.
pub fn moved(base: &[f64], j: usize, x: f64, how: Renormalize) -> Vec<f64> {
    let x0 = base[j];
    let others = base.len() - 1;
    let mut shares: Vec<f64> = match how {
        Renormalize::Proportional => {
            let factor = if x0 < 1.0 { (1.0 - x) / (1.0 - x0) } else { 0.0 };
            base.iter().map(|p| p * factor).collect()
        }
        Renormalize::Equal => {
            let step = if others > 0 { (x - x0) / others as f64 } else { 0.0 };
            let clipped: Vec<f64> = base.iter().map(|p| (p - step).max(0.0)).collect();
            let sum: f64 = clipped.iter().enumerate().filter(|(i, _)| *i != j).map(|(_, p)| p).sum();
            let factor = if sum > 0.0 { (1.0 - x) / sum } else { 0.0 };
            clipped.iter().map(|p| p * factor).collect()
        }
    };
    shares[j] = x;
    shares
}

/// The table's shares with one weight moved to `x`.
pub fn shares_with(table: &Table, weight: Weight, x: f64, how: Renormalize) -> Shares {
    let mut shares = table.shares.clone();
    match weight {
        Weight::Category(j) => shares.categories = moved(&table.shares.categories, j, x, how),
        Weight::Criterion(k) => {
            let range = table.columns[table.criteria[k].category].criteria.clone();
            let local = moved(&table.shares.criteria[range.clone()], k - range.start, x, how);
            shares.criteria[range].copy_from_slice(&local);
        }
    }
    shares
}

/// The weights a level moves: those with at least one other share beside them.
pub fn weights(table: &Table, level: Level) -> Vec<Weight> {
    let mut list = Vec::new();
    if matches!(level, Level::Category | Level::Both) && table.columns.len() > 1 {
        list.extend((0..table.columns.len()).map(Weight::Category));
    }
    if matches!(level, Level::Criterion | Level::Both) {
        for column in &table.columns {
            if column.criteria.len() > 1 {
                list.extend(column.criteria.clone().map(Weight::Criterion));
            }
        }
    }
    list
}

/// The share a weight has now.
pub fn share_of(table: &Table, weight: Weight) -> f64 {
    match weight {
        Weight::Category(j) => table.shares.categories[j],
        Weight::Criterion(k) => table.shares.criteria[k],
    }
}

/// Every weight of a level, most critical first (smallest change that
/// changes rank 1; weights that never change it last, in rubric order).
pub fn one_at_a_time(table: &Table, level: Level, how: Renormalize) -> Vec<WeightSensitivity> {
    let mut results: Vec<WeightSensitivity> =
        weights(table, level).into_iter().map(|w| analyse(table, w, how)).collect();
    results.sort_by(|a, b| match (a.critical_change(), b.critical_change()) {
        (Some(x), Some(y)) => x.total_cmp(&y),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    });
    results
}

/// The pieces of [0, 1] on which the shares move by one formula, and
/// whether scores are linear on each.
fn pieces(table: &Table, weight: Weight, how: Renormalize) -> Vec<(f64, f64, bool)> {
    let x0 = share_of(table, weight);
    let linear = table.linear();
    match how {
        Renormalize::Proportional => vec![(0.0, 1.0, linear)],
        Renormalize::Equal => {
            let base: Vec<f64> = match weight {
                Weight::Category(_) => table.shares.categories.clone(),
                Weight::Criterion(k) => {
                    table.shares.criteria[table.columns[table.criteria[k].category].criteria.clone()].to_vec()
                }
            };
            let j = match weight {
                Weight::Category(j) => j,
                Weight::Criterion(k) => k - table.columns[table.criteria[k].category].criteria.start,
            };
            let others = (base.len() - 1) as f64;
            // Share i reaches 0 at x = x0 + others × p_i.
            let mut clips: Vec<f64> = base
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != j)
                .map(|(_, p)| x0 + others * p)
                .filter(|&x| x > x0 && x < 1.0)
                .collect();
            clips.sort_by(f64::total_cmp);
            clips.dedup();
            let mut ends = vec![0.0];
            ends.push(x0);
            ends.extend(clips.iter().copied());
            ends.push(1.0);
            ends.dedup();
            let first_clip = clips.first().copied().unwrap_or(1.0);
            ends.windows(2).map(|w| (w[0], w[1], linear && w[1] <= first_clip)).collect()
        }
    }
}

/// Where `f` changes sign on [a, b], bisected.
fn bisect(f: &impl Fn(f64) -> f64, mut a: f64, mut b: f64) -> f64 {
    let mut fa = f(a);
    for _ in 0..60 {
        if b - a < 1e-10 {
            break;
        }
        let mid = 0.5 * (a + b);
        let fm = f(mid);
        if fm == 0.0 {
            return mid;
        }
        if (fm < 0.0) == (fa < 0.0) {
            a = mid;
            fa = fm;
        } else {
            b = mid;
        }
    }
    0.5 * (a + b)
}

/// Every share at which some pair of vendors or some vendor and the pass
/// mark cross.
fn crossings(table: &Table, weight: Weight, how: Renormalize) -> Vec<f64> {
    let n = table.rows.len();
    let threshold = table.pass_mark.map(|m| m - 0.005);
    let at = |x: f64| table.scores(&shares_with(table, weight, x, how));
    let mut events = Vec::new();
    for (a, b, linear) in pieces(table, weight, how) {
        events.push(a);
        events.push(b);
        let steps = if linear { 1 } else { GRID };
        let grid: Vec<f64> = (0..=steps).map(|i| a + (b - a) * i as f64 / steps as f64).collect();
        let values: Vec<Vec<f64>> = grid.iter().map(|&x| at(x)).collect();
        for step in 0..steps {
            let (x1, x2) = (grid[step], grid[step + 1]);
            let (v1, v2) = (&values[step], &values[step + 1]);
            let mut solve = |d1: f64, d2: f64, f: &dyn Fn(f64) -> f64| {
                if (d1 < 0.0 && d2 > 0.0) || (d1 > 0.0 && d2 < 0.0) {
                    events.push(if linear { x1 + (x2 - x1) * d1 / (d1 - d2) } else { bisect(&f, x1, x2) });
                }
            };
            for u in 0..n {
                for v in u + 1..n {
                    let f = |x: f64| {
                        let shares = shares_with(table, weight, x, how);
                        table.score(&table.rows[u], &shares) - table.score(&table.rows[v], &shares)
                    };
                    solve(v1[u] - v1[v], v2[u] - v2[v], &f);
                }
                if let Some(t) = threshold {
                    let f = |x: f64| table.score(&table.rows[u], &shares_with(table, weight, x, how)) - t;
                    solve(v1[u] - t, v2[u] - t, &f);
                }
            }
        }
    }
    events.retain(|x| (0.0..=1.0).contains(x));
    events.sort_by(f64::total_cmp);
    events.dedup_by(|a, b| (*a - *b).abs() < 1e-12);
    events
}

/// One stretch between two crossings: its ranking and statuses.
struct Stretch {
    lo: f64,
    hi: f64,
    ranking: Vec<usize>,
    statuses: Vec<Status>,
}

/// The sensitivity of one weight.
pub fn analyse(table: &Table, weight: Weight, how: Renormalize) -> WeightSensitivity {
    let x0 = share_of(table, weight);
    let state = |x: f64| {
        let scores = table.scores(&shares_with(table, weight, x, how));
        (table.ranking(&scores), scores.iter().map(|&s| table.status(s)).collect::<Vec<_>>())
    };
    // The share now is always a bound, so a tie at it shows on either side.
    let mut bounds = crossings(table, weight, how);
    bounds.retain(|x| (x - x0).abs() >= 1e-12);
    bounds.push(x0);
    bounds.sort_by(f64::total_cmp);
    let stretches: Vec<Stretch> = bounds
        .windows(2)
        .map(|w| {
            let (ranking, statuses) = state(0.5 * (w[0] + w[1]));
            Stretch { lo: w[0], hi: w[1], ranking, statuses }
        })
        .collect();
    let (now, statuses_now) = state(x0);
    let winner = now.first().copied();
    let same_winner = |s: &Stretch| s.ranking.first().copied() == winner;
    let same_ranking = |s: &Stretch| s.ranking == now;
    let below: Vec<&Stretch> = stretches.iter().rev().filter(|s| s.lo < x0).collect();
    let above: Vec<&Stretch> = stretches.iter().filter(|s| s.hi > x0).collect();
    let reach = |side: &[&Stretch], same: &dyn Fn(&Stretch) -> bool, down: bool| -> (f64, Option<usize>) {
        let mut edge = x0;
        for stretch in side {
            if !same(stretch) {
                return (edge, Some(stretch.ranking.first().copied().unwrap_or(0)));
            }
            edge = if down { stretch.lo } else { stretch.hi };
        }
        (edge, None)
    };
    let (lo, down_winner) = reach(&below, &same_winner, true);
    let (hi, up_winner) = reach(&above, &same_winner, false);
    let (rlo, _) = reach(&below, &same_ranking, true);
    let (rhi, _) = reach(&above, &same_ranking, false);
    let flip =
        |share: f64, to: Option<usize>| to.filter(|_| !table.rows.is_empty()).map(|winner| Flip { share, winner });
    let mut pass_mark_crossings = Vec::new();
    for side in [&below, &above] {
        let mut previous = &statuses_now;
        for stretch in side.iter() {
            for (vendor, (&before, &after)) in previous.iter().zip(&stretch.statuses).enumerate() {
                if before != after {
                    let share = if stretch.hi <= x0 { stretch.hi } else { stretch.lo };
                    pass_mark_crossings.push(Crossing { vendor, share, status: after });
                }
            }
            previous = &stretch.statuses;
        }
    }
    pass_mark_crossings.sort_by(|a, b| a.share.total_cmp(&b.share).then(a.vendor.cmp(&b.vendor)));
    WeightSensitivity {
        weight,
        share: x0,
        winner_interval: (lo, hi),
        ranking_interval: (rlo, rhi),
        flip_down: flip(lo, down_winner),
        flip_up: flip(hi, up_winner),
        pass_mark_crossings,
    }
}
