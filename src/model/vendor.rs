//! A vendor's submission and the panel's evaluations, as written (SPEC section 3).

use std::borrow::Cow;
use std::fmt;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};

use super::{Date, Spanned, SpannedMap};

/// `vendors/<id>/vendor.toml`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "vendorscore vendor", description = "A vendor's profile and answers (SPEC section 3).")]
pub struct VendorFile {
    pub vendor: VendorHeader,
    /// `[answers.<category>]` tables of `criterion = answer`.
    #[serde(default)]
    pub answers: SpannedMap<SpannedMap<Spanned<Answer>>>,
    /// `[intake]`: the answers tier rules read (SPEC section 14), free keys.
    #[serde(default)]
    #[schemars(with = "Option<std::collections::BTreeMap<String, serde_json::Value>>")]
    pub intake: Option<toml::Table>,
}

/// The `[vendor]` table.
#[derive(Debug, Clone, Deserialize, JsonSchema, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct VendorHeader {
    /// `[a-z0-9][a-z0-9-]*`, unique in the workspace, normally the folder name.
    #[serde(serialize_with = "serialize_spanned")]
    pub id: Spanned<String>,
    /// Any Unicode text.
    #[serde(serialize_with = "serialize_spanned")]
    pub name: Spanned<String>,
    /// ISO 3166-1 alpha-2.
    #[serde(default, serialize_with = "serialize_opt_spanned")]
    pub country: Option<Spanned<String>>,
    #[serde(default)]
    pub website: Option<String>,
    #[serde(default)]
    pub contact: Option<String>,
    #[serde(default, serialize_with = "serialize_opt_date")]
    pub submitted: Option<Date>,
    /// A tier set by hand instead of by the tiering rules; needs `tier_note`.
    #[serde(default, serialize_with = "serialize_opt_spanned")]
    pub tier: Option<Spanned<String>>,
    /// Why the tier was set by hand.
    #[serde(default, serialize_with = "serialize_opt_spanned")]
    pub tier_note: Option<Spanned<String>>,
}

fn serialize_spanned<S: serde::Serializer>(v: &Spanned<String>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&v.value)
}

fn serialize_opt_spanned<S: serde::Serializer>(v: &Option<Spanned<String>>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(v) => s.serialize_str(&v.value),
        None => s.serialize_none(),
    }
}

fn serialize_opt_date<S: serde::Serializer>(v: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(d) => s.collect_str(d),
        None => s.serialize_none(),
    }
}

/// `vendors/<id>/evaluations/<evaluator>.toml`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    title = "vendorscore evaluation",
    description = "One panel evaluator's scores for one vendor (SPEC section 3)."
)]
pub struct EvaluationFile {
    pub evaluation: EvaluationHeader,
    /// `[scores.<category>]` tables of `criterion = value`.
    #[serde(default)]
    pub scores: SpannedMap<SpannedMap<Spanned<Answer>>>,
}

/// `evaluators/<evaluator>.toml`: an evaluator's declaration of interests
/// (Directive 2014/24/EU Art. 24).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    title = "vendorscore declaration",
    description = "An evaluator's declaration of interests (SPEC section 15)."
)]
pub struct DeclarationFile {
    pub declaration: Declaration,
}

/// The `[declaration]` table.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Declaration {
    pub evaluator: Spanned<String>,
    /// When it was signed: it covers evaluations dated on or after it.
    pub date: Spanned<Date>,
    /// Vendor ids the evaluator has an interest in.
    #[serde(default)]
    pub interests: Vec<Spanned<String>>,
    pub statement: String,
}

/// `vendors/<id>/moderation.toml`: the values a panel agreed on after a disagreement.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    title = "vendorscore moderation",
    description = "Values a panel agreed on for a vendor's panel criteria (SPEC section 15)."
)]
pub struct ModerationFile {
    pub moderated: Vec<ModeratedEntry>,
}

/// One `[[moderated]]` table.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ModeratedEntry {
    /// The panel criterion, `category.criterion`.
    pub criterion: Spanned<String>,
    /// The agreed value, on the criterion's scale; it replaces the aggregate.
    pub value: Spanned<f64>,
    /// Why the panel agreed on it.
    pub rationale: String,
    pub date: Date,
    /// The evaluators who agreed.
    pub panel: Vec<Spanned<String>>,
}

/// The `[evaluation]` table.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EvaluationHeader {
    pub evaluator: Spanned<String>,
    #[serde(default)]
    pub date: Option<Date>,
    /// The vendor evaluated; defaults to the folder the file is in.
    #[serde(default)]
    pub vendor: Option<Spanned<String>>,
}

/// One answer: a bare value, or `{ value, evidence, note }`.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    pub value: Spanned<AnswerValue>,
    /// Paths relative to the vendor's folder.
    pub evidence: Vec<Spanned<String>>,
    pub note: Option<String>,
}

/// The value of an answer as written.
#[derive(Debug, Clone, PartialEq)]
pub enum AnswerValue {
    Bool(bool),
    Integer(i64),
    Float(f64),
    Text(String),
    List(Vec<Spanned<String>>),
}

impl AnswerValue {
    /// A short name of the value's type for messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            AnswerValue::Bool(_) => "a boolean",
            AnswerValue::Integer(_) => "an integer",
            AnswerValue::Float(_) => "a number",
            AnswerValue::Text(_) => "a string",
            AnswerValue::List(_) => "a list",
        }
    }

    /// The value as a number, if it is one.
    pub fn as_number(&self) -> Option<f64> {
        match *self {
            AnswerValue::Integer(i) => Some(i as f64),
            AnswerValue::Float(f) => Some(f),
            _ => None,
        }
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = AnswerValue;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a boolean, number, string or list of strings")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<AnswerValue, E> {
        Ok(AnswerValue::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<AnswerValue, E> {
        Ok(AnswerValue::Integer(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<AnswerValue, E> {
        i64::try_from(v).map(AnswerValue::Integer).map_err(|_| E::custom("integer too large"))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<AnswerValue, E> {
        Ok(AnswerValue::Float(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<AnswerValue, E> {
        Ok(AnswerValue::Text(v.to_owned()))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<AnswerValue, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Spanned<String>>()? {
            items.push(item);
        }
        Ok(AnswerValue::List(items))
    }
}

impl<'de> Deserialize<'de> for AnswerValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ValueVisitor)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AnswerTable {
    value: Spanned<AnswerValue>,
    #[serde(default)]
    evidence: Vec<Spanned<String>>,
    #[serde(default)]
    note: Option<String>,
}

impl<'de> Deserialize<'de> for Answer {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // A bare value has no span of its own here; the caller's `Spanned<Answer>`
        // carries it and `Answer::bare_spans` copies it in.
        struct AnswerVisitor;
        impl<'de> Visitor<'de> for AnswerVisitor {
            type Value = Answer;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a value, or a table { value, evidence, note }")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Answer, A::Error> {
                let t = AnswerTable::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(Answer { value: t.value, evidence: t.evidence, note: t.note })
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Answer, E> {
                ValueVisitor.visit_bool(v).map(Answer::bare)
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Answer, E> {
                ValueVisitor.visit_i64(v).map(Answer::bare)
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Answer, E> {
                ValueVisitor.visit_u64(v).map(Answer::bare)
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Answer, E> {
                ValueVisitor.visit_f64(v).map(Answer::bare)
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Answer, E> {
                ValueVisitor.visit_str(v).map(Answer::bare)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Answer, A::Error> {
                ValueVisitor.visit_seq(seq).map(Answer::bare)
            }
        }
        deserializer.deserialize_any(AnswerVisitor)
    }
}

impl Answer {
    fn bare(value: AnswerValue) -> Answer {
        Answer { value: Spanned::new(value, 0..0), evidence: Vec::new(), note: None }
    }
}

impl Spanned<Answer> {
    /// Give a bare answer's value the span of the whole entry.
    pub fn with_value_span(mut self) -> Self {
        if self.value.value.span == (0..0) {
            self.value.value.span = self.span.clone();
        }
        self
    }
}

impl JsonSchema for Answer {
    fn schema_name() -> Cow<'static, str> {
        "Answer".into()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let value = generator.subschema_for::<AnswerValue>();
        json_schema!({
            "description": "An answer: a bare value, or { value, evidence, note }.",
            "anyOf": [
                value,
                {
                    "type": "object",
                    "properties": {
                        "value": value,
                        "evidence": { "type": "array", "items": { "type": "string" },
                                      "description": "Evidence files, relative to the vendor's folder." },
                        "note": { "type": "string" }
                    },
                    "required": ["value"],
                    "additionalProperties": false
                }
            ]
        })
    }
}

impl JsonSchema for AnswerValue {
    fn schema_name() -> Cow<'static, str> {
        "AnswerValue".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "scale: a level score or label; boolean: true/false; number or price: a number; set: a list of option values.",
            "anyOf": [
                { "type": "boolean" },
                { "type": "number" },
                { "type": "string" },
                { "type": "array", "items": { "type": "string" } }
            ]
        })
    }
}
