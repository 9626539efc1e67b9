//! A rubric as users write it (SPEC section 2): categories of weighted
//! criteria, each turning an answer into a value in [0, 1].

use std::borrow::Cow;
use std::fmt;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};

use super::Spanned;

/// `rubrics/*.toml`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    title = "vendorscore rubric",
    description = "A scoring rubric: weighted categories of criteria (SPEC section 2)."
)]
pub struct RubricFile {
    pub rubric: RubricHeader,
    /// The rubric's categories, in the order they are reported.
    #[serde(default)]
    pub category: Vec<CategoryDef>,
}

/// The `[rubric]` table.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RubricHeader {
    /// `[a-z0-9][a-z0-9-]*`, normally the file name.
    pub id: Spanned<String>,
    pub name: Spanned<String>,
    /// Semantic version, e.g. `1.0.0`.
    pub version: Spanned<String>,
    #[serde(default)]
    pub description: Option<String>,
    /// Score (0..=100) a vendor needs to be `qualified`.
    #[serde(default)]
    pub pass_mark: Option<Spanned<f64>>,
    /// How unanswered criteria count.
    #[serde(default)]
    pub missing: MissingAnswers,
    #[serde(default)]
    pub panel: Option<PanelSettings>,
}

/// How an unanswered criterion counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum MissingAnswers {
    /// An unanswered criterion scores 0.
    #[default]
    Zero,
    /// Unanswered criteria are left out and the weights renormalized.
    Exclude,
}

/// `[rubric.panel]`: how evaluators' scores are combined.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PanelSettings {
    #[serde(default)]
    pub aggregate: Aggregate,
    /// Flag `panel-disagreement` when max - min of the evaluators' values reaches this.
    #[serde(default)]
    pub max_spread: Option<Spanned<f64>>,
    /// Every evaluator needs `evaluators/<evaluator>.toml`, a declaration of interests.
    #[serde(default)]
    pub require_declarations: bool,
}

/// How evaluators' values are combined.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Aggregate {
    #[default]
    Median,
    Mean,
}

/// One `[[category]]`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CategoryDef {
    /// `[a-z][a-z0-9_]*`.
    pub id: Spanned<String>,
    pub name: Spanned<String>,
    /// Relative to the other categories; > 0.
    pub weight: Spanned<f64>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub criterion: Vec<CriterionDef>,
}

/// One `[[category.criterion]]`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CriterionDef {
    /// `[a-z][a-z0-9_]*`; the full id is `category.criterion`.
    pub id: Spanned<String>,
    pub name: Spanned<String>,
    /// Relative to the other criteria in the category; > 0.
    pub weight: Spanned<f64>,
    pub kind: Spanned<CriterionKind>,
    #[serde(default)]
    pub source: Option<Spanned<AnswerSource>>,
    #[serde(default)]
    pub evidence: Option<Spanned<EvidenceRule>>,
    /// The standard, law or benchmark the criterion follows.
    #[serde(default)]
    pub reference: Option<String>,
    /// What evaluators look for.
    #[serde(default)]
    pub guidance: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    /// Unit shown in reports (number, price).
    #[serde(default)]
    pub unit: Option<Spanned<String>>,
    /// Scale: the levels an answer can take.
    #[serde(default)]
    pub levels: Option<Spanned<Vec<LevelDef>>>,
    /// Knockout: a vendor failing it is disqualified.
    #[serde(default)]
    pub gate: Option<Spanned<GateDef>>,
    /// Number: the value that scores 0.
    #[serde(default)]
    pub worst: Option<Spanned<f64>>,
    /// Number: the value that scores 1.
    #[serde(default)]
    pub best: Option<Spanned<f64>>,
    /// Number: step scoring; the first band that holds gives the score.
    #[serde(default)]
    pub bands: Option<Spanned<Vec<BandDef>>>,
    /// Set: the options an answer may list.
    #[serde(default)]
    pub options: Option<Spanned<Vec<OptionDef>>>,
    /// Set: points at which the criterion is full (default: all points).
    #[serde(default)]
    pub cap: Option<Spanned<f64>>,
    /// Price: flag a price this many percent below the mean of the others (default 30).
    #[serde(default)]
    pub abnormally_low_pct: Option<Spanned<f64>>,
    /// Measured: what to measure in the vendor's tickets.csv.
    #[serde(default)]
    pub measure: Option<Spanned<MeasureDef>>,
    /// Measured with `stat = "attainment"`: the target duration, e.g. `60s`.
    #[serde(default)]
    pub target: Option<Spanned<String>>,
}

/// The five criterion kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum CriterionKind {
    Scale,
    Boolean,
    Number,
    Set,
    Price,
}

impl CriterionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            CriterionKind::Scale => "scale",
            CriterionKind::Boolean => "boolean",
            CriterionKind::Number => "number",
            CriterionKind::Set => "set",
            CriterionKind::Price => "price",
        }
    }
}

/// Where a criterion's value comes from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum AnswerSource {
    /// The vendor's own answer in vendor.toml.
    #[default]
    Vendor,
    /// Aggregated from evaluators' `evaluations/*.toml`.
    Panel,
    /// Measured from the vendor's `tickets.csv`.
    Measured,
}

impl AnswerSource {
    pub fn as_str(self) -> &'static str {
        match self {
            AnswerSource::Vendor => "vendor",
            AnswerSource::Panel => "panel",
            AnswerSource::Measured => "measured",
        }
    }
}

/// Whether an answer must cite evidence.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum EvidenceRule {
    #[default]
    None,
    Optional,
    Required,
}

/// One level of a scale.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LevelDef {
    pub score: Spanned<i64>,
    pub label: Spanned<String>,
    #[serde(default)]
    pub description: Option<String>,
}

/// One band of a number criterion: exactly one of `at_least` and `at_most`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BandDef {
    #[serde(default)]
    pub at_least: Option<Spanned<f64>>,
    #[serde(default)]
    pub at_most: Option<Spanned<f64>>,
    /// The value `s` in [0, 1] the band gives.
    pub score: Spanned<f64>,
}

/// One option of a set criterion.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OptionDef {
    /// `[a-z0-9_]+`, what answers list.
    pub value: Spanned<String>,
    /// Points the option adds; >= 0.
    pub points: Spanned<f64>,
    #[serde(default)]
    pub label: Option<String>,
}

/// `measure = { metric, channel, stat }` of a measured criterion.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MeasureDef {
    pub metric: Spanned<super::Metric>,
    #[serde(default)]
    pub channel: Option<Spanned<super::Channel>>,
    pub stat: Spanned<Stat>,
    #[serde(default)]
    pub tier: Option<Spanned<i64>>,
    #[serde(default)]
    pub priority: Option<Spanned<String>>,
}

/// Which number a measured criterion takes from the tickets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Stat {
    /// Percent of tickets within `target`.
    Attainment,
    P50,
    P90,
    P95,
}

/// A knockout gate: `true` (boolean must be true) or bounds.
#[derive(Debug, Clone)]
pub enum GateDef {
    MustBeTrue(bool),
    Bounds(GateBounds),
}

/// `{ min = X }`, `{ max = Y }` or `{ includes = [...] }`.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GateBounds {
    #[serde(default)]
    pub min: Option<Spanned<f64>>,
    #[serde(default)]
    pub max: Option<Spanned<f64>>,
    #[serde(default)]
    pub includes: Option<Vec<Spanned<String>>>,
}

impl<'de> Deserialize<'de> for GateDef {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct GateVisitor;
        impl<'de> Visitor<'de> for GateVisitor {
            type Value = GateDef;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("`true` or a table like { min = 3 }")
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<GateDef, E> {
                Ok(GateDef::MustBeTrue(v))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<GateDef, A::Error> {
                GateBounds::deserialize(de::value::MapAccessDeserializer::new(map)).map(GateDef::Bounds)
            }
        }
        deserializer.deserialize_any(GateVisitor)
    }
}

impl JsonSchema for GateDef {
    fn schema_name() -> Cow<'static, str> {
        "Gate".into()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let bounds = generator.subschema_for::<GateBounds>();
        json_schema!({
            "description": "Knockout gate: `true` for a boolean that must be true, or { min, max, includes }.",
            "anyOf": [{ "type": "boolean" }, bounds]
        })
    }
}
