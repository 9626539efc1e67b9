//! The policy/tier expression language: minijinja expressions over the
//! contract's tables, with a few documented helpers. A leaf module, used
//! alike by `validate` (to check rules) and `compliance` (to evaluate them);
//! it depends on nothing above `model` and `diag`.
//!
//! Variables: `contract`, `data_protection`, `security`, `capacity`, `sla`,
//! `service_credits`, `extra`, `vendor`, `answers`, `as_of`.
//! Filters besides the allowed minijinja built-ins ([`FILTERS`]):
//! - `age_days`: days from an ISO date to `as_of` (`security.pentest_date | age_days <= 365`);
//! - `days_between`: days from one ISO date to another (`contract.signed | days_between(contract.start)`);
//! - `third_countries`: the country codes in a list that are neither in the
//!   EEA nor covered by an EU adequacy decision;
//! - `duration_secs`: a duration such as `60s` or `4h` in seconds.
//!
//! The language is a bounded subset of minijinja's: only the filters and
//! tests listed here exist (none that build large values, such as `replace`,
//! `center` or `lipsum`), there are no functions, the repetition operator `*`
//! is left out (`'x' * n` builds a huge value in one step, and
//! `x in [0] * 10**12` never ends), and an
//! expression is at most [`MAX_CHARS`] characters. Filters are bounded by
//! [`LIMITS`] ([`jinja_limits`]): nested `join`s and the like are refused
//! before they build a value over 1 MiB. Together with the fuel limit, that
//! bounds every evaluation's time and memory. Undefined values are strict: using a field
//! the contract does not state is an error, except under `is defined`,
//! `is none` or `| default(...)` (see `rules` for what that means for a rule).

use std::collections::{BTreeSet, HashSet};
use std::sync::OnceLock;

use minijinja::tests as builtin_tests;
use minijinja::{Environment, Error, ErrorKind, State, UndefinedBehavior, Value};

use crate::jinja_limits::{self, Limits};
use crate::model::{ContractFile, Date, Duration, VendorHeader, is_eea_or_adequate};

/// Most instructions one expression may run before it is stopped.
pub const FUEL: u64 = 50_000;

/// The size limits of one evaluation (see [`jinja_limits`]): a value a
/// filter takes or builds, and all that its filters read and build together.
pub const LIMITS: Limits = Limits { max_value: 1 << 20, budget: 16 << 20 };

/// The longest expression allowed, in characters (the longest shipped one has about 300).
pub const MAX_CHARS: usize = 1_000;

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

/// The minijinja built-in filters rules may use, besides the helpers.
pub const FILTERS: &[&str] = &[
    "abs",
    "attr",
    "bool",
    "count",
    "d",
    "default",
    "dictsort",
    "first",
    "float",
    "int",
    "items",
    "join",
    "last",
    "length",
    "list",
    "lower",
    "map",
    "max",
    "min",
    "reject",
    "rejectattr",
    "reverse",
    "round",
    "select",
    "selectattr",
    "sort",
    "string",
    "sum",
    "trim",
    "unique",
    "upper",
];

/// The filters vendorscore adds.
pub const HELPERS: &[&str] = &["age_days", "days_between", "duration_secs", "third_countries"];

/// The tests (`x is name`) rules may use.
pub const TESTS: &[&str] = &[
    "boolean",
    "defined",
    "divisibleby",
    "endingwith",
    "eq",
    "equalto",
    "even",
    "false",
    "float",
    "ge",
    "greaterthan",
    "gt",
    "in",
    "int",
    "integer",
    "le",
    "lessthan",
    "lower",
    "lt",
    "mapping",
    "ne",
    "none",
    "number",
    "odd",
    "sequence",
    "startingwith",
    "string",
    "true",
    "undefined",
    "upper",
    "==",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
];

/// An environment with the allowed filters and tests, the helpers, a fuel
/// limit and strict undefined values.
pub fn environment() -> Environment<'static> {
    let mut env = Environment::empty();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_fuel(Some(FUEL));
    env.set_recursion_limit(64);
    jinja_limits::add_builtin_filters(&mut env, FILTERS, LIMITS);
    add_builtin_tests(&mut env);
    env.add_filter("age_days", age_days);
    env.add_filter("days_between", days_between);
    jinja_limits::add_bounded(&mut env, "third_countries", Value::from_function(third_countries), LIMITS);
    env.add_filter("duration_secs", duration_secs);
    env
}

/// The environment rules are compiled in, built once and shared by all threads.
pub fn shared() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(environment)
}

fn add_builtin_tests(env: &mut Environment<'static>) {
    env.add_test("boolean", builtin_tests::is_boolean);
    env.add_test("defined", builtin_tests::is_defined);
    env.add_test("divisibleby", builtin_tests::is_divisibleby);
    env.add_test("endingwith", builtin_tests::is_endingwith);
    env.add_test("even", builtin_tests::is_even);
    env.add_test("false", builtin_tests::is_false);
    env.add_test("float", builtin_tests::is_float);
    env.add_test("in", builtin_tests::is_in);
    env.add_test("int", builtin_tests::is_integer);
    env.add_test("integer", builtin_tests::is_integer);
    env.add_test("lower", builtin_tests::is_lower);
    env.add_test("mapping", builtin_tests::is_mapping);
    env.add_test("none", builtin_tests::is_none);
    env.add_test("number", builtin_tests::is_number);
    env.add_test("odd", builtin_tests::is_odd);
    env.add_test("sequence", builtin_tests::is_sequence);
    env.add_test("startingwith", builtin_tests::is_startingwith);
    env.add_test("string", builtin_tests::is_string);
    env.add_test("true", builtin_tests::is_true);
    env.add_test("undefined", builtin_tests::is_undefined);
    env.add_test("upper", builtin_tests::is_upper);
    for name in ["eq", "equalto", "=="] {
        env.add_test(name, builtin_tests::is_eq);
    }
    env.add_test("ne", builtin_tests::is_ne);
    env.add_test("!=", builtin_tests::is_ne);
    for name in ["lt", "lessthan", "<"] {
        env.add_test(name, builtin_tests::is_lt);
    }
    env.add_test("le", builtin_tests::is_le);
    env.add_test("<=", builtin_tests::is_le);
    for name in ["gt", "greaterthan", ">"] {
        env.add_test(name, builtin_tests::is_gt);
    }
    env.add_test("ge", builtin_tests::is_ge);
    env.add_test(">=", builtin_tests::is_ge);
}

/// A helper's input: a string, or the undefined error when the contract
/// does not state it (so the rule is `missing`, not broken).
fn text_of(value: &Value, filter: &str) -> Result<String, Error> {
    if value.is_undefined() {
        return Err(Error::from(ErrorKind::UndefinedError));
    }
    value.as_str().map(str::to_owned).ok_or_else(|| {
        Error::new(ErrorKind::InvalidOperation, format!("{filter}: expected text, found {}", value.kind()))
    })
}

fn date_of(value: &Value, filter: &str) -> Result<Date, Error> {
    let text = text_of(value, filter)?;
    Date::parse(&text).ok_or_else(|| {
        Error::new(ErrorKind::InvalidOperation, format!("{filter}: `{text}` is not a date (YYYY-MM-DD)"))
    })
}

fn age_days(state: &State, date: &Value) -> Result<i64, Error> {
    let as_of = state.lookup("as_of").and_then(|v| v.as_str().and_then(Date::parse));
    let as_of = as_of.ok_or_else(|| Error::new(ErrorKind::InvalidOperation, "as_of is not set"))?;
    let date = date_of(date, "age_days")?;
    Ok(as_of.day_number() - date.day_number())
}

fn days_between(from: &Value, to: &Value) -> Result<i64, Error> {
    let (from, to) = (date_of(from, "days_between")?, date_of(to, "days_between")?);
    Ok(to.day_number() - from.day_number())
}

fn third_countries(countries: &Value) -> Result<Vec<String>, Error> {
    if countries.is_undefined() {
        return Err(Error::from(ErrorKind::UndefinedError));
    }
    let items = countries.try_iter().map_err(|_| {
        Error::new(ErrorKind::InvalidOperation, format!("third_countries: expected a list, found {}", countries.kind()))
    })?;
    let mut third = Vec::new();
    for item in items {
        let code = text_of(&item, "third_countries")?;
        if !is_eea_or_adequate(&code) {
            third.push(code);
        }
    }
    Ok(third)
}

fn duration_secs(text: &Value) -> Result<i64, Error> {
    let text = text_of(text, "duration_secs")?;
    Duration::parse(&text).and_then(|d| i64::try_from(d.seconds).ok()).ok_or_else(|| {
        Error::new(ErrorKind::InvalidOperation, format!("duration_secs: `{text}` is not a duration like 60s"))
    })
}

/// What an expression uses that the rule language leaves out: the `*`
/// operator (`**`, the power, is allowed), template delimiters (`{{ }}`,
/// `{% %}`, `{# #}`: minijinja 2's expression lexer panics on a stray `}}`)
/// and more than [`MAX_CHARS`] characters.
pub fn forbidden_constructs(expression: &str) -> Vec<String> {
    let mut found = Vec::new();
    let length = expression.chars().count();
    if length > MAX_CHARS {
        found.push(format!("the expression is {length} characters long; rules allow at most {MAX_CHARS}"));
    }
    let mut chars = expression.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' | '"' => skip_string(&mut chars, c),
            '*' if chars.peek() == Some(&'*') => {
                chars.next();
            }
            '*' => {
                found.push("the `*` operator is not part of the rule language".to_owned());
                break;
            }
            '{' | '}' | '%' | '#' if is_delimiter(c, chars.peek().copied()) => {
                found.push("template delimiters ({{ }}, {% %}, {# #}) are not part of the rule language".to_owned());
                break;
            }
            _ => {}
        }
    }
    found
}

/// Whether `c` and the character after it open or close a template tag.
fn is_delimiter(c: char, next: Option<char>) -> bool {
    matches!((c, next), ('{', Some('{' | '%' | '#')) | ('}' | '%' | '#', Some('}')))
}

/// Advance past a string literal whose opening `quote` was just read.
fn skip_string(chars: &mut std::iter::Peekable<std::str::Chars<'_>>, quote: char) {
    while let Some(d) = chars.next() {
        if d == '\\' {
            chars.next();
        } else if d == quote {
            break;
        }
    }
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
            skip_string(&mut chars, c);
            previous.clear();
        } else if c.is_alphabetic() || c == '_' {
            let mut word = c.to_string();
            while let Some(&d) = chars.peek().filter(|d| d.is_alphanumeric() || **d == '_') {
                word.push(d);
                chars.next();
            }
            match previous.as_str() {
                "|" => found.push((Function::Filter, word.clone())),
                "is" | "is not" if word != "not" => found.push((Function::Test, word.clone())),
                _ => {}
            }
            previous = if previous == "is" && word == "not" { "is not".to_owned() } else { word };
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

/// An empty map: a table the file leaves out (every field undefined).
pub fn empty_map() -> Value {
    Value::from_iter(std::iter::empty::<(&str, Value)>())
}

/// `[answers.<category>]`: each answer's value, without evidence and notes.
pub fn answer_values(criteria: &toml::Value) -> Value {
    match criteria.as_table() {
        Some(table) => table
            .iter()
            .map(|(criterion, answer)| {
                let given = answer.as_table().and_then(|t| t.get("value")).unwrap_or(answer);
                (criterion.as_str(), toml_value(given))
            })
            .collect(),
        None => toml_value(criteria),
    }
}

/// A TOML value as an expression value; dates become ISO strings.
pub fn toml_value(toml: &toml::Value) -> Value {
    match toml {
        toml::Value::String(s) => Value::from(s.as_str()),
        toml::Value::Integer(i) => Value::from(*i),
        toml::Value::Float(f) => Value::from(*f),
        toml::Value::Boolean(b) => Value::from(*b),
        toml::Value::Datetime(d) => Value::from(d.to_string()),
        toml::Value::Array(items) => items.iter().map(toml_value).collect(),
        toml::Value::Table(table) => table.iter().map(|(k, v)| (k.as_str(), toml_value(v))).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
