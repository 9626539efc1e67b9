//! Scoring and ranking (SPEC section 2). Pure: a validated rubric and the
//! vendors' submissions in, scorecards in rank order out. No IO, no clock.

mod normalize;
mod rank;

use std::collections::BTreeMap;

use crate::model::{
    AnswerSource, AnswerValue, Criterion, Evidence, EvidenceRule, GivenValue, LeftOut, MissingAnswers, Moderated,
    PanelValue, Rubric, Scoring, Submission,
};

pub use normalize::{normalize, passes, price_s};
pub use rank::round2;

/// Measured values per vendor id and full criterion id (from tickets).
pub type Measured = BTreeMap<String, BTreeMap<String, f64>>;

/// A vendor's standing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    Qualified,
    BelowPassMark,
    Disqualified,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Qualified => "qualified",
            Status::BelowPassMark => "below_pass_mark",
            Status::Disqualified => "disqualified",
        }
    }
}

/// Issue and flag codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Issue {
    Unanswered,
    EvidenceMissing,
    GateFailed,
    PanelDisagreement,
    /// A panel disagreement settled by `moderation.toml`.
    Moderated,
    /// An evaluation left out: no declaration of interests dated before it.
    UndeclaredEvaluator,
    /// An evaluation left out: the evaluator declared an interest in the vendor.
    ConflictOfInterest,
    AbnormallyLowPrice,
}

impl Issue {
    pub fn as_str(self) -> &'static str {
        match self {
            Issue::Unanswered => "unanswered",
            Issue::EvidenceMissing => "evidence-missing",
            Issue::GateFailed => "gate-failed",
            Issue::PanelDisagreement => "panel-disagreement",
            Issue::Moderated => "moderated",
            Issue::UndeclaredEvaluator => "undeclared-evaluator",
            Issue::ConflictOfInterest => "conflict-of-interest",
            Issue::AbnormallyLowPrice => "abnormally-low-price",
        }
    }
}

/// One vendor's result.
#[derive(Debug, Clone)]
pub struct Scorecard {
    pub vendor: String,
    pub name: String,
    /// Workspace-relative folder.
    pub folder: String,
    /// 0..=100, unrounded.
    pub score: f64,
    pub status: Status,
    /// `None` when disqualified.
    pub rank: Option<usize>,
    /// Percent of the rubric's original effective weight that was answered.
    pub coverage: f64,
    /// Full ids of the gated criteria failed or left unanswered.
    pub gates_failed: Vec<String>,
    pub categories: Vec<CategoryResult>,
    pub criteria: Vec<CriterionResult>,
    /// Vendor-level flags (abnormally low price, panel disagreement).
    pub flags: Vec<Issue>,
}

#[derive(Debug, Clone)]
pub struct CategoryResult {
    pub id: String,
    pub name: String,
    /// 100 × points / effective weight; 0 when the category is left out.
    pub score: f64,
    pub effective_weight: f64,
    pub points: f64,
    /// False when `missing = "exclude"` left the whole category out.
    pub included: bool,
}

#[derive(Debug, Clone)]
pub struct CriterionResult {
    /// Full id, `category.criterion`.
    pub id: String,
    pub name: String,
    pub category: String,
    pub criterion_weight: f64,
    pub kind: crate::model::CriterionKind,
    pub source: AnswerSource,
    pub value: Option<Shown>,
    /// The value that was scored (a label's level score, a panel's aggregate).
    pub scored: Option<GivenValue>,
    /// `None` when unanswered (or left out).
    pub s: Option<f64>,
    pub effective_weight: f64,
    pub points: f64,
    pub evidence: Vec<Evidence>,
    pub issues: Vec<Issue>,
    pub note: Option<String>,
    /// Evaluators' values for panel criteria.
    pub panel: Vec<PanelValue>,
    /// The aggregate of `panel` and the agreed value that replaced it.
    pub moderation: Option<(f64, Moderated)>,
    /// Evaluators whose values were left out, and why.
    pub left_out: Vec<(String, Issue)>,
    /// How `s` was computed, for `--explain`.
    pub reasoning: String,
}

/// An answer as shown: as the vendor gave it, or an aggregated/measured number.
#[derive(Debug, Clone, PartialEq)]
pub enum Shown {
    Given(AnswerValue),
    Number(f64),
}

/// Score every submission against the rubric and rank them.
pub fn score(rubric: &Rubric, submissions: &[Submission], measured: &Measured) -> Vec<Scorecard> {
    let empty = BTreeMap::new();
    // A few vendors are scored here; a workspace of them on all cores.
    let threads = if submissions.len() < 64 { 1 } else { 0 };
    let mut cards: Vec<Scorecard> = crate::parallel::map(submissions, threads, |sub| {
        score_one(rubric, sub, measured.get(&sub.id).unwrap_or(&empty))
    });
    apply_prices(rubric, &mut cards);
    for card in &mut cards {
        finish(rubric, card);
    }
    rank::rank(&mut cards);
    cards
}

/// Criterion results before weights: value, `s` (prices pending) and issues.
fn score_one(rubric: &Rubric, submission: &Submission, measured: &BTreeMap<String, f64>) -> Scorecard {
    let mut criteria = Vec::new();
    let mut gates_failed = Vec::new();
    let mut flags = Vec::new();
    for (category, criterion) in rubric.criteria() {
        let mut result = CriterionResult {
            id: criterion.full_id.clone(),
            name: criterion.name.clone(),
            category: category.id.clone(),
            criterion_weight: criterion.weight,
            kind: criterion.scoring.kind(),
            source: criterion.source,
            value: None,
            scored: None,
            s: None,
            effective_weight: 0.0,
            points: 0.0,
            evidence: Vec::new(),
            issues: Vec::new(),
            note: None,
            panel: Vec::new(),
            moderation: None,
            left_out: Vec::new(),
            reasoning: String::new(),
        };
        let mut evidence_ok = true;
        match criterion.source {
            AnswerSource::Vendor => {
                if let Some(answer) = submission.answers.get(&criterion.full_id) {
                    result.value = Some(Shown::Given(answer.given.clone()));
                    result.scored = Some(answer.value.clone());
                    result.evidence = answer.evidence.clone();
                    result.note = answer.note.clone();
                    let cited_missing = answer.evidence.iter().any(|e| e.file.is_none());
                    if cited_missing || (criterion.evidence == EvidenceRule::Required && answer.evidence.is_empty()) {
                        result.issues.push(Issue::EvidenceMissing);
                        evidence_ok = criterion.evidence != EvidenceRule::Required;
                    }
                }
            }
            AnswerSource::Panel => {
                if let Some(values) = submission.panel.get(&criterion.full_id).filter(|v| !v.is_empty()) {
                    let numbers: Vec<f64> = values.iter().map(|v| v.value).collect();
                    let aggregate = rank::aggregate(&numbers, rubric.aggregate);
                    // An agreed value replaces the aggregate and settles the disagreement.
                    let moderated = submission.moderated.get(&criterion.full_id);
                    let value = moderated.map_or(aggregate, |m| m.value);
                    result.value = Some(Shown::Number(value));
                    result.scored = Some(GivenValue::Number(value));
                    result.panel = values.clone();
                    result.moderation = moderated.map(|m| (aggregate, m.clone()));
                    let spread = numbers.iter().copied().fold(f64::MIN, f64::max)
                        - numbers.iter().copied().fold(f64::MAX, f64::min);
                    if moderated.is_some() {
                        result.issues.push(Issue::Moderated);
                    } else if rubric.max_spread.is_some_and(|max| spread >= max) {
                        result.issues.push(Issue::PanelDisagreement);
                        if !flags.contains(&Issue::PanelDisagreement) {
                            flags.push(Issue::PanelDisagreement);
                        }
                    }
                }
                for (evaluator, why) in submission.excluded.get(&criterion.full_id).into_iter().flatten() {
                    let issue = match why {
                        LeftOut::Undeclared => Issue::UndeclaredEvaluator,
                        LeftOut::Conflict => Issue::ConflictOfInterest,
                    };
                    result.left_out.push((evaluator.clone(), issue));
                    if !result.issues.contains(&issue) {
                        result.issues.push(issue);
                    }
                    if !flags.contains(&issue) {
                        flags.push(issue);
                    }
                }
            }
            AnswerSource::Measured => {
                if let Some(value) = measured.get(&criterion.full_id) {
                    result.value = Some(Shown::Number(*value));
                    result.scored = Some(GivenValue::Number(*value));
                }
            }
        }
        if let Some(gate) = &criterion.gate {
            let passed = evidence_ok && result.scored.as_ref().is_some_and(|v| passes(gate, v));
            if !passed {
                gates_failed.push(criterion.full_id.clone());
                result.issues.push(Issue::GateFailed);
            }
        }
        match &result.scored {
            None => {
                result.issues.insert(0, Issue::Unanswered);
                result.reasoning = "unanswered".to_owned();
            }
            Some(_) if !evidence_ok => {
                result.s = Some(0.0);
                result.reasoning = "required evidence is missing: s = 0".to_owned();
            }
            Some(value) => {
                if !matches!(criterion.scoring, Scoring::Price { .. }) {
                    result.s = normalize(&criterion.scoring, value);
                    result.reasoning = explain_s(criterion, value, result.s.unwrap_or(0.0));
                }
            }
        }
        criteria.push(result);
    }
    Scorecard {
        vendor: submission.id.clone(),
        name: submission.name.clone(),
        folder: submission.folder.clone(),
        score: 0.0,
        status: Status::Qualified,
        rank: None,
        coverage: 0.0,
        gates_failed,
        categories: Vec::new(),
        criteria,
        flags,
    }
}

/// Price `s` relative to the cohort, and the abnormally-low-price flag.
fn apply_prices(rubric: &Rubric, cards: &mut [Scorecard]) {
    let Some((_, criterion)) = rubric.criteria().find(|(_, k)| matches!(k.scoring, Scoring::Price { .. })) else {
        return;
    };
    let Scoring::Price { abnormally_low_pct } = criterion.scoring else { return };
    let price_of = |card: &Scorecard| -> Option<f64> {
        let result = card.criteria.iter().find(|c| c.id == criterion.full_id)?;
        match (&result.scored, result.s) {
            (Some(GivenValue::Number(p)), None) => Some(*p),
            _ => None,
        }
    };
    let priced: Vec<(usize, f64, bool)> =
        cards.iter().enumerate().filter_map(|(i, c)| price_of(c).map(|p| (i, p, c.gates_failed.is_empty()))).collect();
    let passing: Vec<(usize, f64)> = priced.iter().filter(|p| p.2).map(|p| (p.0, p.1)).collect();
    let cohort: Vec<(usize, f64)> =
        if passing.is_empty() { priced.iter().map(|p| (p.0, p.1)).collect() } else { passing };
    let lowest = cohort.iter().map(|p| p.1).reduce(f64::min);
    for &(i, price, _) in &priced {
        let others: Vec<f64> = cohort.iter().filter(|p| p.0 != i).map(|p| p.1).collect();
        let card = &mut cards[i];
        let result = card.criteria.iter_mut().find(|c| c.id == criterion.full_id).expect("priced above");
        let s = price_s(price, lowest);
        result.s = Some(s);
        result.reasoning = match lowest {
            Some(low) if s < 1.0 => format!("s = lowest price {} / {} = {:.4}", fmt(low), fmt(price), s),
            Some(_) => "s = 1 (the lowest price in the cohort)".to_owned(),
            None => "s = 1".to_owned(),
        };
        if !others.is_empty() {
            let mean = others.iter().sum::<f64>() / others.len() as f64;
            if price < mean * (1.0 - abnormally_low_pct / 100.0) {
                result.issues.push(Issue::AbnormallyLowPrice);
                result.reasoning.push_str(&format!(
                    "; {} is more than {}% below the mean {} of the other prices",
                    fmt(price),
                    fmt(abnormally_low_pct),
                    fmt(mean)
                ));
                card.flags.insert(0, Issue::AbnormallyLowPrice);
            }
        }
    }
}

/// Effective weights, points, category scores, coverage, score and status.
fn finish(rubric: &Rubric, card: &mut Scorecard) {
    let exclude = rubric.missing == MissingAnswers::Exclude;
    let answered = |c: &CriterionResult| c.scored.is_some();
    let total_category_weight: f64 = rubric.categories.iter().map(|c| c.weight).sum();
    let included_category_weight: f64 = rubric
        .categories
        .iter()
        .filter(|cat| !exclude || card.criteria.iter().any(|c| c.category == cat.id && answered(c)))
        .map(|c| c.weight)
        .sum();
    let mut coverage = 0.0;
    let mut categories = Vec::new();
    for category in &rubric.categories {
        let members: Vec<usize> =
            card.criteria.iter().enumerate().filter(|(_, c)| c.category == category.id).map(|(i, _)| i).collect();
        let all_weight: f64 = members.iter().map(|&i| card.criteria[i].criterion_weight).sum();
        let kept_weight: f64 = members
            .iter()
            .filter(|&&i| !exclude || answered(&card.criteria[i]))
            .map(|&i| card.criteria[i].criterion_weight)
            .sum();
        let included = kept_weight > 0.0;
        let (mut ew_sum, mut points_sum) = (0.0, 0.0);
        for &i in &members {
            let c = &mut card.criteria[i];
            let original = 100.0 * (category.weight / total_category_weight) * (c.criterion_weight / all_weight);
            if answered(c) {
                coverage += original;
            }
            c.effective_weight = if exclude {
                if answered(c) && included {
                    100.0 * (category.weight / included_category_weight) * (c.criterion_weight / kept_weight)
                } else {
                    0.0
                }
            } else {
                original
            };
            c.points = c.effective_weight * c.s.unwrap_or(0.0);
            ew_sum += c.effective_weight;
            points_sum += c.points;
        }
        categories.push(CategoryResult {
            id: category.id.clone(),
            name: category.name.clone(),
            score: if ew_sum > 0.0 { 100.0 * points_sum / ew_sum } else { 0.0 },
            effective_weight: ew_sum,
            points: points_sum,
            included,
        });
    }
    card.categories = categories;
    card.score = card.criteria.iter().map(|c| c.points).sum::<f64>().clamp(0.0, 100.0);
    card.coverage = coverage.clamp(0.0, 100.0);
    card.status = if !card.gates_failed.is_empty() {
        Status::Disqualified
    } else if rubric.pass_mark.is_some_and(|mark| round2(card.score) < mark) {
        Status::BelowPassMark
    } else {
        Status::Qualified
    };
}

fn explain_s(criterion: &Criterion, value: &GivenValue, s: f64) -> String {
    use crate::model::NumberScoring as N;
    let v = match value {
        GivenValue::Level(l) => *l as f64,
        GivenValue::Number(n) => *n,
        _ => 0.0,
    };
    match (&criterion.scoring, value) {
        (Scoring::Scale { levels }, _) => {
            let (min, max) = (levels[0].score, levels[levels.len() - 1].score);
            format!("s = ({} - {min}) / ({max} - {min}) = {s:.4}", fmt(v))
        }
        (Scoring::Boolean, GivenValue::Bool(b)) => format!("s = {} ({b})", u8::from(*b)),
        (Scoring::Number(N::Linear { worst, best }), _) => {
            format!("s = clamp(({} - {}) / ({} - {}), 0, 1) = {s:.4}", fmt(v), fmt(*worst), fmt(*best), fmt(*worst))
        }
        (Scoring::Number(N::AtLeast(bands)), _) => match bands.iter().find(|(t, _)| v >= *t) {
            Some((t, band)) => format!("s = {band} (first band: {} >= {})", fmt(v), fmt(*t)),
            None => format!("s = 0 ({} is below every band)", fmt(v)),
        },
        (Scoring::Number(N::AtMost(bands)), _) => match bands.iter().find(|(t, _)| v <= *t) {
            Some((t, band)) => format!("s = {band} (first band: {} <= {})", fmt(v), fmt(*t)),
            None => format!("s = 0 ({} is above every band)", fmt(v)),
        },
        (Scoring::Set { options, cap }, GivenValue::Options(chosen)) => {
            let points: f64 = options.iter().filter(|o| chosen.contains(&o.value)).map(|o| o.points).sum();
            format!("s = min({}, cap {}) / {} = {s:.4}", fmt(points), fmt(*cap), fmt(*cap))
        }
        _ => format!("s = {s:.4}"),
    }
}

/// A number without trailing zeros.
pub fn fmt(v: f64) -> String {
    let text = format!("{v:.4}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" { "0".to_owned() } else { text.to_owned() }
}

#[cfg(test)]
mod tests;
