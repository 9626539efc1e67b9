//! What changes between two outcomes (SPEC section 13, `diff`): per vendor
//! the score, status and rank before and after and the criteria that moved
//! it most, and what changed in the rubric. Pure: two rubrics and their
//! scorecards in.

use std::collections::BTreeSet;

use crate::model::{Gate, NumberScoring, Rubric, Scoring};
use crate::scoring::{Scorecard, Status};

/// A vendor's standing in one outcome.
#[derive(Debug, Clone, PartialEq)]
pub struct Standing {
    pub score: f64,
    pub status: Status,
    pub rank: Option<usize>,
}

/// A criterion's points (of 100) before and after; 0 where a version lacks it.
#[derive(Debug, Clone, PartialEq)]
pub struct Contribution {
    pub criterion: String,
    pub before: f64,
    pub after: f64,
}

/// One vendor, before and after.
#[derive(Debug, Clone, PartialEq)]
pub struct VendorChange {
    pub id: String,
    pub name: String,
    /// `None` when the vendor is only in one outcome.
    pub before: Option<Standing>,
    pub after: Option<Standing>,
    /// The criteria whose points changed most, largest change first (at most [`CONTRIBUTIONS`]).
    pub contributions: Vec<Contribution>,
}

impl VendorChange {
    /// The change of score, when the vendor is in both outcomes.
    pub fn change(&self) -> Option<f64> {
        Some(self.after.as_ref()?.score - self.before.as_ref()?.score)
    }
}

/// How many criteria [`VendorChange::contributions`] lists.
pub const CONTRIBUTIONS: usize = 3;

/// One change in the rubric.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RubricChange {
    /// `category added`, `criterion removed`, `weight`, `levels`, `scoring`, `gate`, `kind`, `source`, `pass mark`, `missing`.
    pub what: &'static str,
    /// The category or full criterion id; empty for the rubric itself.
    pub id: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

fn standing(card: &Scorecard) -> Standing {
    Standing { score: card.score, status: card.status, rank: card.rank }
}

/// Per vendor (in the order of `after`, then vendors only before), what changed.
pub fn compare_cards(before: &[Scorecard], after: &[Scorecard]) -> Vec<VendorChange> {
    let mut ids: Vec<&Scorecard> = after.iter().collect();
    ids.extend(before.iter().filter(|b| !after.iter().any(|a| a.vendor == b.vendor)));
    ids.into_iter()
        .map(|card| {
            let old = before.iter().find(|c| c.vendor == card.vendor);
            let new = after.iter().find(|c| c.vendor == card.vendor);
            let points = |side: Option<&Scorecard>, id: &str| {
                side.and_then(|c| c.criteria.iter().find(|k| k.id == id)).map_or(0.0, |k| k.points)
            };
            let criteria: BTreeSet<&str> =
                old.into_iter().chain(new).flat_map(|c| c.criteria.iter().map(|k| k.id.as_str())).collect();
            let mut contributions: Vec<Contribution> = criteria
                .into_iter()
                .map(|id| Contribution { criterion: id.to_owned(), before: points(old, id), after: points(new, id) })
                .filter(|c| (c.after - c.before).abs() >= 0.005)
                .collect();
            contributions.sort_by(|a, b| {
                (b.after - b.before).abs().total_cmp(&(a.after - a.before).abs()).then(a.criterion.cmp(&b.criterion))
            });
            contributions.truncate(CONTRIBUTIONS);
            VendorChange {
                id: card.vendor.clone(),
                name: card.name.clone(),
                before: old.map(standing),
                after: new.map(standing),
                contributions,
            }
        })
        .collect()
}

fn number(x: f64) -> String {
    crate::scoring::fmt(x)
}

/// How a criterion scores, without its levels, for comparing.
fn scoring_text(scoring: &Scoring) -> String {
    let bands = |bands: &[(f64, f64)], op: &str| {
        bands.iter().map(|(t, s)| format!("{op} {} → {}", number(*t), number(*s))).collect::<Vec<_>>().join(", ")
    };
    match scoring {
        Scoring::Scale { .. } => "scale".to_owned(),
        Scoring::Boolean => "boolean".to_owned(),
        Scoring::Number(NumberScoring::Linear { worst, best }) => {
            format!("worst {}, best {}", number(*worst), number(*best))
        }
        Scoring::Number(NumberScoring::AtLeast(b)) => format!("bands {}", bands(b, ">=")),
        Scoring::Number(NumberScoring::AtMost(b)) => format!("bands {}", bands(b, "<=")),
        Scoring::Set { options, cap } => {
            let options: Vec<String> = options.iter().map(|o| format!("{} {}", o.value, number(o.points))).collect();
            format!("options {}; cap {}", options.join(", "), number(*cap))
        }
        Scoring::Price { abnormally_low_pct } => {
            format!("price; abnormally low below {} %", number(*abnormally_low_pct))
        }
    }
}

fn gate_text(gate: &Gate) -> String {
    match gate {
        Gate::MustBeTrue => "must be true".to_owned(),
        Gate::Bounds { min, max } => {
            let parts: Vec<String> =
                [min.map(|m| format!("min {}", number(m))), max.map(|m| format!("max {}", number(m)))]
                    .into_iter()
                    .flatten()
                    .collect();
            parts.join(", ")
        }
        Gate::Includes(options) => format!("includes {}", options.join(", ")),
    }
}

fn levels_text(scoring: &Scoring) -> Option<String> {
    match scoring {
        Scoring::Scale { levels } => {
            Some(levels.iter().map(|l| format!("{} {}", l.score, l.label)).collect::<Vec<_>>().join(", "))
        }
        _ => None,
    }
}

/// What changed from one rubric to the other, in rubric order.
pub fn compare_rubrics(before: &Rubric, after: &Rubric) -> Vec<RubricChange> {
    let mut changes = Vec::new();
    let mut push = |what: &'static str, id: &str, old: Option<String>, new: Option<String>| {
        if old != new {
            changes.push(RubricChange { what, id: id.to_owned(), before: old, after: new });
        }
    };
    push("pass mark", "", before.pass_mark.map(number), after.pass_mark.map(number));
    push(
        "missing",
        "",
        Some(format!("{:?}", before.missing).to_lowercase()),
        Some(format!("{:?}", after.missing).to_lowercase()),
    );
    for category in &before.categories {
        match after.categories.iter().find(|c| c.id == category.id) {
            None => push("category removed", &category.id, Some(number(category.weight)), None),
            Some(new) => push("weight", &category.id, Some(number(category.weight)), Some(number(new.weight))),
        }
    }
    for category in after.categories.iter().filter(|c| !before.categories.iter().any(|b| b.id == c.id)) {
        push("category added", &category.id, None, Some(number(category.weight)));
    }
    for (_, old) in before.criteria() {
        let Some(new) = after.criterion(&old.full_id) else {
            push("criterion removed", &old.full_id, Some(number(old.weight)), None);
            continue;
        };
        let id = &old.full_id;
        push("weight", id, Some(number(old.weight)), Some(number(new.weight)));
        push("kind", id, Some(old.scoring.kind().as_str().to_owned()), Some(new.scoring.kind().as_str().to_owned()));
        push("source", id, Some(old.source.as_str().to_owned()), Some(new.source.as_str().to_owned()));
        push("levels", id, levels_text(&old.scoring), levels_text(&new.scoring));
        if old.scoring.kind() == new.scoring.kind() {
            push("scoring", id, Some(scoring_text(&old.scoring)), Some(scoring_text(&new.scoring)));
        }
        push("gate", id, old.gate.as_ref().map(gate_text), new.gate.as_ref().map(gate_text));
    }
    for (_, new) in after.criteria().filter(|(_, k)| before.criterion(&k.full_id).is_none()) {
        push("criterion added", &new.full_id, None, Some(number(new.weight)));
    }
    changes
}
