//! The expression language of policy rules: minijinja expressions over the
//! contract's tables, with a few documented helpers.
//!
//! Variables: `contract`, `data_protection`, `security`, `capacity`, `sla`,
//! `service_credits`, `extra`, `vendor`, `answers`, `as_of`.
//! Filters besides minijinja's built-ins:
//! - `age_days`: days from an ISO date to `as_of` (`security.pentest_date | age_days <= 365`);
//! - `third_countries`: the country codes in a list that are neither in the
//!   EEA nor covered by an EU adequacy decision;
//! - `duration_secs`: a duration such as `60s` or `4h` in seconds.

use std::collections::{BTreeSet, HashSet};

use minijinja::{Environment, Error, ErrorKind, State};

use crate::model::{ContractFile, Date, Duration, VendorHeader, is_eea_or_adequate};

/// Most instructions one expression may run before it is stopped.
pub const FUEL: u64 = 50_000;

/// The variables an expression may read.
pub const VARIABLES: &[&str] = &[
    "contract",
    "data_protection",
    "security",
    "capacity",
    "sla",
    "service_credits",
    "extra",
    "vendor",
    "answers",
    "as_of",
];

/// An environment with the helpers, a fuel limit and strict undefined checks.
pub fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_fuel(Some(FUEL));
    env.set_recursion_limit(64);
    env.add_filter("age_days", age_days);
    env.add_filter("third_countries", third_countries);
    env.add_filter("duration_secs", duration_secs);
    env
}

fn age_days(state: &State, date: String) -> Result<i64, Error> {
    let as_of = state.lookup("as_of").and_then(|v| v.as_str().and_then(Date::parse));
    let as_of = as_of.ok_or_else(|| Error::new(ErrorKind::InvalidOperation, "as_of is not set"))?;
    let date = Date::parse(&date).ok_or_else(|| {
        Error::new(ErrorKind::InvalidOperation, format!("age_days: `{date}` is not a date (YYYY-MM-DD)"))
    })?;
    Ok((as_of.0 - date.0).whole_days())
}

fn third_countries(countries: Vec<String>) -> Vec<String> {
    countries.into_iter().filter(|c| !is_eea_or_adequate(c)).collect()
}

fn duration_secs(text: String) -> Result<i64, Error> {
    Duration::parse(&text).and_then(|d| i64::try_from(d.seconds).ok()).ok_or_else(|| {
        Error::new(ErrorKind::InvalidOperation, format!("duration_secs: `{text}` is not a duration like 60s"))
    })
}

/// The filters (`x | name`) and tests (`x is name`) an expression uses
/// that the environment does not have.
pub fn unknown_functions(env: &Environment<'_>, expression: &str) -> Vec<String> {
    let mut unknown = Vec::new();
    for (kind, name) in functions_used(expression) {
        let probe = match kind {
            Function::Filter => format!("none | {name}"),
            Function::Test => format!("none is {name}"),
        };
        let Ok(compiled) = env.compile_expression(&probe) else { continue };
        let missing = match compiled.eval(minijinja::context! {}) {
            Err(e) => matches!(e.kind(), ErrorKind::UnknownFilter | ErrorKind::UnknownTest),
            Ok(_) => false,
        };
        let label = match kind {
            Function::Filter => format!("filter `{name}`"),
            Function::Test => format!("test `{name}`"),
        };
        if missing && !unknown.contains(&label) {
            unknown.push(label);
        }
    }
    unknown
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Function {
    Filter,
    Test,
}

/// Names after `|` (filters) and after `is` / `is not` (tests), outside strings.
fn functions_used(expression: &str) -> Vec<(Function, String)> {
    let mut found = Vec::new();
    let mut chars = expression.chars().peekable();
    let mut previous = String::new();
    while let Some(c) = chars.next() {
        if c == '\'' || c == '"' {
            while let Some(d) = chars.next() {
                if d == '\\' {
                    chars.next();
                } else if d == c {
                    break;
                }
            }
            previous.clear();
        } else if c.is_alphabetic() || c == '_' {
            let mut word = c.to_string();
            while let Some(&d) = chars.peek().filter(|d| d.is_alphanumeric() || **d == '_') {
                word.push(d);
                chars.next();
            }
            match previous.as_str() {
                "|" => found.push((Function::Filter, word.clone())),
                "is" | "not" if word != "not" => found.push((Function::Test, word.clone())),
                _ => {}
            }
            previous = if previous == "is" && word == "not" { "not".to_owned() } else { word };
        } else if c == '|' {
            previous = "|".to_owned();
        } else if !c.is_whitespace() {
            previous.clear();
        }
    }
    found
}

/// A path an expression reads that the contract schema does not have.
#[derive(Debug, Clone, PartialEq)]
pub struct UnknownPath {
    pub path: String,
    pub suggestion: Option<String>,
}

/// The paths among `read` (as minijinja's `undeclared_variables(true)` gives
/// them) that are outside the schema. `extra.` and `answers.` are free.
pub fn unknown_paths(read: &HashSet<String>) -> Vec<UnknownPath> {
    let known = known_fields();
    let mut unknown = Vec::new();
    let mut sorted: Vec<&String> = read.iter().collect();
    sorted.sort();
    for path in sorted {
        let mut parts = path.split('.');
        let head = parts.next().unwrap_or_default();
        if !VARIABLES.contains(&head) {
            let suggestion = crate::diag::did_you_mean(head, VARIABLES.iter().copied()).map(str::to_owned);
            unknown.push(UnknownPath { path: path.clone(), suggestion });
            continue;
        }
        let Some(field) = parts.next() else { continue };
        if let Some(fields) = known.iter().find(|(table, _)| table == head).map(|(_, f)| f)
            && !fields.contains(field)
        {
            let suggestion =
                crate::diag::did_you_mean(field, fields.iter().map(String::as_str)).map(|s| format!("{head}.{s}"));
            unknown.push(UnknownPath { path: format!("{head}.{field}"), suggestion });
        }
    }
    unknown
}

/// The fields of each table with a fixed schema, read off the model's JSON Schemas.
fn known_fields() -> &'static Vec<(String, BTreeSet<String>)> {
    static FIELDS: std::sync::OnceLock<Vec<(String, BTreeSet<String>)>> = std::sync::OnceLock::new();
    FIELDS.get_or_init(|| {
        let contract = schemars::schema_for!(ContractFile).to_value();
        let vendor = schemars::schema_for!(VendorHeader).to_value();
        let defs = contract.get("$defs").cloned().unwrap_or_default();
        let properties_of = |schema: &serde_json::Value| -> BTreeSet<String> {
            let mut schema = schema.clone();
            for _ in 0..4 {
                let next = schema
                    .get("$ref")
                    .and_then(|r| r.as_str())
                    .and_then(|r| defs.get(r.trim_start_matches("#/$defs/")))
                    .or_else(|| schema.get("anyOf").and_then(|a| a.get(0)))
                    .or_else(|| schema.get("items"))
                    .cloned();
                match next {
                    Some(n) if schema.get("properties").is_none() => schema = n,
                    _ => break,
                }
            }
            schema
                .get("properties")
                .and_then(|p| p.as_object())
                .map(|p| p.keys().cloned().collect())
                .unwrap_or_default()
        };
        let mut tables = Vec::new();
        if let Some(props) = contract.get("properties").and_then(|p| p.as_object()) {
            for (name, schema) in props {
                if name != "extra" {
                    tables.push((name.clone(), properties_of(schema)));
                }
            }
        }
        tables.push(("vendor".to_owned(), properties_of(&vendor)));
        tables.push(("as_of".to_owned(), BTreeSet::new()));
        tables
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use minijinja::Value;

    fn read(expr: &str) -> HashSet<String> {
        environment().compile_expression(expr).unwrap().undeclared_variables(true)
    }

    #[test]
    fn known_contract_paths_pass_and_typos_are_caught_with_a_suggestion() {
        assert!(unknown_paths(&read("data_protection.dpa_signed and security.mfa")).is_empty());
        assert!(unknown_paths(&read("extra.anything_goes and answers.security.dpa_signed")).is_empty());
        assert!(unknown_paths(&read("sla | selectattr('channel', 'eq', 'chat') | list | length > 0")).is_empty());
        let bad = unknown_paths(&read("data_protection.dpa_sigend or securty.mfa"));
        assert_eq!(bad.len(), 2, "{bad:?}");
        assert_eq!(bad[0].suggestion.as_deref(), Some("data_protection.dpa_signed"));
        assert_eq!(bad[1].suggestion.as_deref(), Some("security"));
    }

    #[test]
    fn unknown_filters_and_tests_are_found_outside_strings() {
        let env = environment();
        let bad = unknown_functions(&env, "x | age_day > 3 and y is tru and z is not definedd and '| nope' == w");
        assert_eq!(bad, ["filter `age_day`", "test `tru`", "test `definedd`"]);
        assert!(
            unknown_functions(&env, "sla | selectattr('channel', 'eq', 'chat') | list | length > 0 and x is not none")
                .is_empty()
        );
        assert!(
            unknown_functions(&env, "data_protection.processing_locations | third_countries | length == 0").is_empty()
        );
    }

    #[test]
    fn helpers_compute_ages_countries_and_durations() {
        let env = environment();
        let ctx =
            minijinja::context! { as_of => "2026-11-21", d => "2025-11-21", locs => vec!["PL", "PH", "JP", "IN"] };
        let eval = |e: &str| env.compile_expression(e).unwrap().eval(&ctx).unwrap();
        assert_eq!(eval("d | age_days"), Value::from(365));
        assert_eq!(eval("locs | third_countries"), Value::from(vec!["PH", "IN"]));
        assert_eq!(eval("'4h' | duration_secs"), Value::from(14_400));
        assert!(env.compile_expression("'x' | duration_secs").unwrap().eval(&ctx).is_err());
    }
}
