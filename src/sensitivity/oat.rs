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
//! [`GRID`] steps (fewer for cohorts over 50 vendors, at least 200) and every
//! change of sign is bisected to 1e-10. Nothing changes between two
//! consecutive crossings, so the analysis walks from the share now towards
//! each end, crossing by crossing, ranking again (with the same rule as
//! `score`) only where the result can change.

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

/// What crosses at an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Crosses {
    /// Two rows' scores.
    Pair(usize, usize),
    /// A row's score and the pass mark.
    PassMark(usize),
}

/// A share at which something crosses.
#[derive(Debug, Clone, Copy)]
struct Event {
    x: f64,
    what: Crosses,
}

/// Grid steps for a non-linear piece: [`GRID`], fewer for large cohorts
/// (every step compares every pair), never under 200.
fn steps_for(rows: usize) -> usize {
    (GRID * 50 / rows.max(50)).max(200)
}

/// Every share in (0, 1) at which some pair of vendors or some vendor and
/// the pass mark cross, sorted.
fn crossings(table: &Table, weight: Weight, how: Renormalize) -> Vec<Event> {
    let n = table.rows.len();
    let threshold = table.pass_mark.map(|m| m - 0.005);
    let at = |x: f64| table.scores(&shares_with(table, weight, x, how));
    let mut events = Vec::new();
    for (a, b, linear) in pieces(table, weight, how) {
        let steps = if linear { 1 } else { steps_for(n) };
        let grid: Vec<f64> = (0..=steps).map(|i| a + (b - a) * i as f64 / steps as f64).collect();
        let values: Vec<Vec<f64>> = grid.iter().map(|&x| at(x)).collect();
        for step in 0..steps {
            let (x1, x2) = (grid[step], grid[step + 1]);
            let (v1, v2) = (&values[step], &values[step + 1]);
            let mut solve = |d1: f64, d2: f64, what: Crosses, f: &dyn Fn(f64) -> f64| {
                if (d1 < 0.0 && d2 > 0.0) || (d1 > 0.0 && d2 < 0.0) {
                    let x = if linear { x1 + (x2 - x1) * d1 / (d1 - d2) } else { bisect(&f, x1, x2) };
                    events.push(Event { x, what });
                }
            };
            for u in 0..n {
                for v in u + 1..n {
                    let f = |x: f64| {
                        let shares = shares_with(table, weight, x, how);
                        table.score(&table.rows[u], &shares) - table.score(&table.rows[v], &shares)
                    };
                    solve(v1[u] - v1[v], v2[u] - v2[v], Crosses::Pair(u, v), &f);
                }
                if let Some(t) = threshold {
                    let f = |x: f64| table.score(&table.rows[u], &shares_with(table, weight, x, how)) - t;
                    solve(v1[u] - t, v2[u] - t, Crosses::PassMark(u), &f);
                }
            }
        }
    }
    events.retain(|e| e.x > 0.0 && e.x < 1.0);
    events.sort_by(|a, b| a.x.total_cmp(&b.x));
    events
}

/// The sensitivity of one weight: walk from the share now towards 0 and
/// towards 1, event by event. Rank 1 can only change where the leader
/// crosses someone or the pass mark; the ranking, where two vendors with
/// the same status cross or a status changes (checked by ranking again);
/// a status, where that vendor crosses the pass mark.
pub fn analyse(table: &Table, weight: Weight, how: Renormalize) -> WeightSensitivity {
    let x0 = share_of(table, weight);
    let ranking_at = |x: f64| table.ranking(&table.scores(&shares_with(table, weight, x, how)));
    let events = crossings(table, weight, how);
    let scores_now = table.scores(&table.shares);
    let now = table.ranking(&scores_now);
    let statuses_now: Vec<Status> = scores_now.iter().map(|&s| table.status(s)).collect();
    let winner = now.first().copied();
    let below: Vec<Event> = events.iter().rev().filter(|e| e.x < x0).copied().collect();
    let above: Vec<Event> = events.iter().filter(|e| e.x > x0).copied().collect();
    let mut pass_mark_crossings = Vec::new();
    let mut walk = |side: &[Event], end: f64| -> (Option<Flip>, f64, f64) {
        let mut statuses = statuses_now.clone();
        let (mut flip, mut winner_edge, mut ranking_edge) = (None, None, None);
        for (i, event) in side.iter().enumerate() {
            // Somewhere strictly between this event and the next one (or the end).
            let beyond = 0.5 * (event.x + side.get(i + 1).map_or(end, |e| e.x));
            // A leader below the pass mark gives way to anyone who becomes qualified.
            let winner_below = winner.is_some_and(|w| statuses[w] == Status::BelowPassMark);
            let mut same_status = true;
            match event.what {
                Crosses::PassMark(u) => {
                    statuses[u] = match statuses[u] {
                        Status::Qualified => Status::BelowPassMark,
                        _ => Status::Qualified,
                    };
                    pass_mark_crossings.push(Crossing { vendor: u, share: event.x, status: statuses[u] });
                    same_status = false;
                }
                Crosses::Pair(u, v) => same_status &= statuses[u] == statuses[v],
            }
            let touches_winner = match event.what {
                Crosses::Pair(u, v) => Some(u) == winner || Some(v) == winner,
                Crosses::PassMark(u) => Some(u) == winner || winner_below,
            };
            if ranking_edge.is_none() || (winner_edge.is_none() && touches_winner) {
                let needs_ranking = ranking_edge.is_none() && !same_status;
                let ranking = (needs_ranking || (winner_edge.is_none() && touches_winner)).then(|| ranking_at(beyond));
                if ranking_edge.is_none() && (same_status || ranking.as_ref().is_some_and(|r| *r != now)) {
                    ranking_edge = Some(event.x);
                }
                if winner_edge.is_none()
                    && let Some(ranking) = &ranking
                    && ranking.first().copied() != winner
                {
                    winner_edge = Some(event.x);
                    flip = ranking.first().map(|&w| Flip { share: event.x, winner: w });
                }
            }
        }
        (flip, winner_edge.unwrap_or(end), ranking_edge.unwrap_or(end))
    };
    let (flip_down, lo, rlo) = walk(&below, 0.0);
    let (flip_up, hi, rhi) = walk(&above, 1.0);
    pass_mark_crossings.sort_by(|a, b| a.share.total_cmp(&b.share).then(a.vendor.cmp(&b.vendor)));
    WeightSensitivity {
        weight,
        share: x0,
        winner_interval: (lo, hi),
        ranking_interval: (rlo, rhi),
        flip_down,
        flip_up,
        pass_mark_crossings,
    }
}
