//! What we trust: rubrics and submissions that passed validation. Only
//! `validate` builds these, so scoring never re-checks them.

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::{Aggregate, AnswerSource, Channel, Duration, EvidenceRule, Metric, MissingAnswers, Stat};

/// A validated rubric.
#[derive(Debug, Clone)]
pub struct Rubric {
    pub id: String,
    pub name: String,
    pub version: String,
    pub description: Option<String>,
    pub pass_mark: Option<f64>,
    pub missing: MissingAnswers,
    pub aggregate: Aggregate,
    pub max_spread: Option<f64>,
    /// Evaluations count only with a declaration of interests (SPEC section 15).
    pub require_declarations: bool,
    pub categories: Vec<Category>,
    /// Where it was read from (workspace-relative path or `builtin:ID`).
    pub origin: String,
    /// SHA-256 of the file's bytes, lowercase hex.
    pub sha256: String,
}

impl Rubric {
    /// Every criterion with its category, in rubric order.
    pub fn criteria(&self) -> impl Iterator<Item = (&Category, &Criterion)> {
        self.categories.iter().flat_map(|c| c.criteria.iter().map(move |k| (c, k)))
    }

    /// The criterion with a full id (`category.criterion`).
    pub fn criterion(&self, full_id: &str) -> Option<&Criterion> {
        self.criteria().map(|(_, k)| k).find(|k| k.full_id == full_id)
    }
}

/// A validated category.
#[derive(Debug, Clone)]
pub struct Category {
    pub id: String,
    pub name: String,
    pub weight: f64,
    pub criteria: Vec<Criterion>,
}

/// A validated criterion.
#[derive(Debug, Clone)]
pub struct Criterion {
    pub id: String,
    /// `category.criterion`.
    pub full_id: String,
    pub name: String,
    pub weight: f64,
    pub source: AnswerSource,
    pub evidence: EvidenceRule,
    pub reference: Option<String>,
    pub guidance: Option<String>,
    pub unit: Option<String>,
    pub scoring: Scoring,
    pub gate: Option<Gate>,
    pub measure: Option<Measure>,
}

/// How a criterion turns its answer into `s` in [0, 1].
#[derive(Debug, Clone)]
pub enum Scoring {
    /// Levels sorted by score; at least two distinct scores.
    Scale {
        levels: Vec<Level>,
    },
    Boolean,
    Number(NumberScoring),
    /// `cap` > 0.
    Set {
        options: Vec<SetOption>,
        cap: f64,
    },
    Price {
        abnormally_low_pct: f64,
    },
}

impl Scoring {
    pub fn kind(&self) -> super::CriterionKind {
        use super::CriterionKind as K;
        match self {
            Scoring::Scale { .. } => K::Scale,
            Scoring::Boolean => K::Boolean,
            Scoring::Number(_) => K::Number,
            Scoring::Set { .. } => K::Set,
            Scoring::Price { .. } => K::Price,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Level {
    pub score: i64,
    pub label: String,
    pub description: Option<String>,
}

/// Number scoring: linear between two points, or bands.
#[derive(Debug, Clone)]
pub enum NumberScoring {
    /// `worst` != `best`, either order.
    Linear { worst: f64, best: f64 },
    /// (threshold, s), thresholds strictly descending.
    AtLeast(Vec<(f64, f64)>),
    /// (threshold, s), thresholds strictly ascending.
    AtMost(Vec<(f64, f64)>),
}

#[derive(Debug, Clone)]
pub struct SetOption {
    pub value: String,
    pub points: f64,
    pub label: Option<String>,
}

/// A knockout gate.
#[derive(Debug, Clone, PartialEq)]
pub enum Gate {
    MustBeTrue,
    /// Scale: the level score must be at least `min`; number: within bounds.
    Bounds {
        min: Option<f64>,
        max: Option<f64>,
    },
    /// Set: the answer must include every listed option.
    Includes(Vec<String>),
}

/// What a measured criterion takes from the vendor's tickets.
#[derive(Debug, Clone)]
pub struct Measure {
    pub metric: Metric,
    pub channel: Channel,
    pub stat: Stat,
    pub target: Option<Duration>,
    pub tier: Option<i64>,
    pub priority: Option<String>,
}

/// A vendor's validated submission: answers keyed by full criterion id.
#[derive(Debug, Clone)]
pub struct Submission {
    pub id: String,
    pub name: String,
    pub country: Option<String>,
    /// Workspace-relative path of the vendor's folder.
    pub folder: String,
    pub answers: BTreeMap<String, GivenAnswer>,
    /// Panel values per full criterion id, one per evaluator, in file order.
    pub panel: BTreeMap<String, Vec<PanelValue>>,
    /// Agreed values per full criterion id (`moderation.toml`).
    pub moderated: BTreeMap<String, Moderated>,
    /// Panel values left out per full criterion id: who, and why.
    pub excluded: BTreeMap<String, Vec<(String, LeftOut)>>,
}

/// Why an evaluation does not count (`[rubric.panel] require_declarations`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum LeftOut {
    /// No declaration of interests dated on or before the evaluation.
    Undeclared,
    /// The evaluator declared an interest in the vendor.
    Conflict,
}

/// A value the panel agreed on, replacing the aggregate of its values.
#[derive(Debug, Clone, PartialEq)]
pub struct Moderated {
    pub value: f64,
    pub rationale: String,
    pub date: super::Date,
    pub panel: Vec<String>,
}

/// One answer, resolved against its criterion.
#[derive(Debug, Clone)]
pub struct GivenAnswer {
    pub value: GivenValue,
    /// The answer as the vendor wrote it (a label stays a label).
    pub given: super::AnswerValue,
    pub evidence: Vec<Evidence>,
    pub note: Option<String>,
}

/// An answer's value, in the criterion's terms.
#[derive(Debug, Clone, PartialEq)]
pub enum GivenValue {
    /// A scale's level score (labels are resolved to their score).
    Level(i64),
    Bool(bool),
    Number(f64),
    Options(Vec<String>),
}

/// A cited evidence file.
#[derive(Debug, Clone)]
pub struct Evidence {
    /// Workspace-relative path.
    pub path: String,
    /// Where it is on disk; `None` when it does not exist or leaves the vendor's folder.
    pub file: Option<PathBuf>,
    /// Size and SHA-256, once hashed.
    pub digest: Option<FileDigest>,
}

/// One evaluator's value for a panel criterion.
#[derive(Debug, Clone)]
pub struct PanelValue {
    pub evaluator: String,
    pub value: f64,
    pub note: Option<String>,
}

/// A file's size and SHA-256 digest, as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileDigest {
    pub bytes: u64,
    /// Lowercase hex SHA-256.
    pub sha256: String,
}
