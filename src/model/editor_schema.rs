//! The JSON Schemas `vendorscore schema KIND` prints for editors (taplo, VS
//! Code) and other tools: the generated schema of the model types, plus the
//! value rules `validate` enforces in code (id patterns, semver, ISO codes,
//! durations, ranges), and without `null` (TOML has none, so an optional
//! table is a plain `$ref` and an editor reports one error at the key).
//!
//! `validate` keeps checking against the plain generated schema and reports
//! these rules itself, with their own codes and help; a test checks that
//! every rule below lands on a property that exists.

use serde_json::{Value, json};

use super::FileKind;

const SLUG: &str = "^[a-z0-9][a-z0-9-]*$";
const IDENT: &str = "^[a-z][a-z0-9_]*$";
const SEMVER: &str = r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)([-+][0-9A-Za-z.+-]*)?$";
/// A whole number and a unit: `60s`, `15m`, `4h`, `2d`.
const DURATION: &str = r"^\s*[0-9]+[smhd]\s*$";
/// An ISO 8601 period without a time part (`P12M`, `P1Y6M`, `P2W`).
const PERIOD: &str = "^P([0-9]+Y)?([0-9]+M)?([0-9]+W)?([0-9]+D)?$";

/// The editor schema of `kind`.
pub fn editor_schema(kind: FileKind) -> Value {
    let mut schema = kind.json_schema();
    drop_null(&mut schema);
    for (pointer, rule) in rules(kind) {
        let target = schema.pointer_mut(pointer).unwrap_or_else(|| panic!("{pointer}: no such property"));
        merge(target, rule);
    }
    schema
}

/// Where each rule goes (a JSON pointer into the schema) and what it adds.
fn rules(kind: FileKind) -> Vec<(&'static str, Value)> {
    let percent = json!({ "minimum": 0, "maximum": 100 });
    let slug = json!({ "pattern": SLUG });
    let semver = json!({ "pattern": SEMVER });
    let country = json!({ "enum": codes(super::scalar::COUNTRIES) });
    let positive = json!({ "exclusiveMinimum": 0 });
    match kind {
        FileKind::Rubric => vec![
            ("/$defs/RubricHeader/properties/id", slug),
            ("/$defs/RubricHeader/properties/version", semver),
            ("/$defs/RubricHeader/properties/pass_mark", percent),
            ("/$defs/PanelSettings/properties/max_spread", positive.clone()),
            ("/$defs/CategoryDef/properties/id", json!({ "pattern": IDENT })),
            ("/$defs/CategoryDef/properties/weight", positive.clone()),
            ("/$defs/CriterionDef/properties/id", json!({ "pattern": IDENT })),
            ("/$defs/CriterionDef/properties/weight", positive.clone()),
            ("/$defs/CriterionDef/properties/cap", positive),
            ("/$defs/CriterionDef/properties/target", json!({ "pattern": DURATION })),
            (
                "/$defs/CriterionDef/properties/abnormally_low_pct",
                json!({ "exclusiveMinimum": 0, "exclusiveMaximum": 100 }),
            ),
            ("/$defs/BandDef/properties/score", json!({ "minimum": 0, "maximum": 1 })),
        ],
        FileKind::Vendor => {
            vec![("/$defs/VendorHeader/properties/id", slug), ("/$defs/VendorHeader/properties/country", country)]
        }
        FileKind::Evaluation => vec![("/$defs/EvaluationHeader/properties/vendor", slug)],
        FileKind::Contract => vec![
            ("/$defs/ContractTerms/properties/vendor", slug.clone()),
            ("/$defs/ContractTerms/properties/currency", json!({ "enum": codes(super::scalar::CURRENCIES) })),
            ("/$defs/ContractTerms/properties/governing_law", country.clone()),
            ("/$defs/ContractTerms/properties/monthly_fee", json!({ "minimum": 0 })),
            ("/$defs/DataProtection/properties/processing_locations", json!({ "items": country })),
            ("/$defs/DataProtection/properties/breach_notification_hours", json!({ "minimum": 0 })),
            ("/$defs/Capacity/properties/surge_pricing_pct", json!({ "minimum": 0 })),
            ("/$defs/SlaClause/properties/id", slug),
            ("/$defs/SlaClause/properties/attainment", percent.clone()),
            ("/$defs/SlaClause/properties/credit_pct", percent.clone()),
            ("/$defs/SlaTarget/anyOf/0", json!({ "pattern": DURATION })),
            ("/$defs/ServiceCredits/properties/cap_pct", percent.clone()),
            ("/$defs/ServiceCredits/properties/annual_cap_pct", percent.clone()),
            ("/$defs/ServiceCredits/properties/at_risk_pct", percent.clone()),
            ("/$defs/SlaClause/properties/minimum", percent),
        ],
        FileKind::Policy => vec![
            ("/$defs/PolicyHeader/properties/id", slug.clone()),
            ("/$defs/PolicyHeader/properties/version", semver),
            ("/$defs/RuleDef/properties/id", slug),
        ],
        FileKind::Tiering => vec![
            ("/$defs/TieringHeader/properties/id", slug.clone()),
            ("/$defs/TieringHeader/properties/version", semver),
            ("/$defs/TierDef/properties/id", slug),
            ("/$defs/TierDef/properties/reassess", json!({ "pattern": PERIOD, "minLength": 3 })),
        ],
        FileKind::Declaration => vec![("/$defs/Declaration/properties/interests", json!({ "items": slug }))],
        FileKind::Calendar => vec![("/$defs/CalendarDef/properties/id", slug)],
        FileKind::Workspace | FileKind::Moderation => Vec::new(),
    }
}

fn codes(list: &str) -> Vec<&str> {
    list.split_whitespace().collect()
}

/// Add `rule`'s keys to `target`, merging nested objects (`items`).
fn merge(target: &mut Value, rule: Value) {
    let (Some(target), Value::Object(rule)) = (target.as_object_mut(), rule) else { panic!("a rule is an object") };
    for (key, value) in rule {
        match target.get_mut(&key) {
            Some(existing @ Value::Object(_)) if value.is_object() => merge(existing, value),
            _ => {
                target.insert(key, value);
            }
        }
    }
}

/// Remove every `null` alternative: `anyOf [X, {"type": "null"}]` becomes X,
/// `"type": ["string", "null"]` becomes `"type": "string"`, and `null` leaves
/// `enum` lists.
fn drop_null(value: &mut Value) {
    let is_null =
        |v: &Value| v.get("type") == Some(&Value::from("null")) && v.as_object().is_some_and(|o| o.len() == 1);
    match value {
        Value::Object(object) => {
            if let Some(Value::Array(branches)) = object.get_mut("anyOf") {
                branches.retain(|b| !is_null(b));
                if branches.len() == 1 {
                    let only = branches.pop().unwrap();
                    object.remove("anyOf");
                    if let Value::Object(only) = only {
                        for (key, v) in only {
                            object.entry(key).or_insert(v);
                        }
                    }
                }
            }
            if let Some(Value::Array(types)) = object.get_mut("type") {
                types.retain(|t| t != "null");
                if types.len() == 1 {
                    let only = types.pop().unwrap();
                    object.insert("type".into(), only);
                }
            }
            if let Some(Value::Array(values)) = object.get_mut("enum") {
                values.retain(|v| !v.is_null());
            }
            if object.get("default").is_some_and(Value::is_null) {
                object.remove("default");
            }
            object.values_mut().for_each(drop_null);
        }
        Value::Array(items) => items.iter_mut().for_each(drop_null),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_lands_on_a_property_and_no_null_is_left() {
        for kind in FileKind::ALL {
            let schema = editor_schema(kind);
            let text = schema.to_string();
            assert!(!text.contains("\"null\"") && !text.contains(":null"), "{kind:?}: {text}");
            for (pointer, _) in rules(kind) {
                let target = schema.pointer(pointer).unwrap();
                assert!(target.get("type").is_some() || target.get("$ref").is_some(), "{kind:?} {pointer}: {target}");
            }
        }
    }

    #[test]
    fn an_optional_table_is_a_plain_reference() {
        let contract = editor_schema(FileKind::Contract);
        assert_eq!(contract.pointer("/properties/service_credits"), Some(&json!({ "$ref": "#/$defs/ServiceCredits" })));
        assert_eq!(contract.pointer("/$defs/SlaClause/properties/credit_pct/type"), Some(&json!("number")));
    }
}
