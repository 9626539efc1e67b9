//! Checks a parsed TOML tree against the JSON Schema generated from the
//! model types, reporting every problem at its span, and prunes what is
//! wrong so the rest can still be deserialized and checked.
//!
//! Only the subset of JSON Schema that `schemars` emits for our types is
//! understood: `$ref`, `anyOf`/`oneOf`, `type`, `enum`/`const`, `properties`,
//! `required`, `additionalProperties`, `items`, `minimum`/`maximum`, and
//! `format` (`date`, `uint32`, …).

use std::borrow::Cow;
use std::ops::Range;

use serde_json::{Map, Value as Json};
use toml::Spanned;
use toml::de::{DeArray, DeValue};

use crate::diag::{Code, Diagnostic, Diagnostics, PLACEHOLDER, did_you_mean};

/// Checks values against one file kind's schema.
pub struct SchemaChecker<'a> {
    root: &'a Json,
    file: &'a str,
}

type Node<'i> = Spanned<DeValue<'i>>;

/// Where a value is (`category.criterion`), for messages: one buffer for
/// the whole walk, grown and cut back as tables are entered and left.
#[derive(Default)]
struct KeyPath {
    text: String,
    depth: usize,
}

impl KeyPath {
    /// Enter `key`; returns what [`KeyPath::leave`] cuts back to.
    fn enter(&mut self, key: &str) -> usize {
        let len = self.text.len();
        if self.depth > 0 {
            self.text.push('.');
        }
        self.text.push_str(key);
        self.depth += 1;
        len
    }

    fn leave(&mut self, len: usize) {
        self.text.truncate(len);
        self.depth -= 1;
    }
}

/// What one check found: diagnostics, and whether the value may stay.
struct Verdict {
    problems: Vec<Diagnostic>,
    keep: bool,
}

impl<'a> SchemaChecker<'a> {
    pub fn new(root: &'a Json, file: &'a str) -> Self {
        SchemaChecker { root, file }
    }

    /// Check `node` against the root schema, pruning invalid parts; returns
    /// false when the document as a whole cannot be used.
    pub fn check_document(&self, node: &mut Node<'_>, diagnostics: &mut Diagnostics) -> bool {
        let verdict = self.check(node, self.root, &mut KeyPath::default());
        for d in verdict.problems {
            diagnostics.push(d);
        }
        verdict.keep
    }

    fn resolve<'s>(&'s self, mut schema: &'s Json) -> &'s Json {
        while let Some(reference) = schema.get("$ref").and_then(Json::as_str) {
            let name = reference.strip_prefix("#/$defs/").unwrap_or(reference);
            match self.root.get("$defs").and_then(|d| d.get(name)) {
                Some(target) => schema = target,
                None => break,
            }
        }
        schema
    }

    fn diag(&self, code: Code, span: Range<usize>, message: String) -> Diagnostic {
        Diagnostic::new(code, self.file, Some(span), message)
    }

    fn check(&self, node: &mut Node<'_>, schema: &Json, path: &mut KeyPath) -> Verdict {
        let schema = self.resolve(schema);
        let Some(obj) = schema.as_object() else {
            // `true` accepts anything; `false` nothing.
            let keep = schema.as_bool().unwrap_or(true);
            let problems = if keep {
                Vec::new()
            } else {
                vec![self.diag(Code::NotAllowed, node.span(), format!("no value is allowed here{}", at(path)))]
            };
            return Verdict { problems, keep };
        };
        if let Some(branches) = obj.get("anyOf").or_else(|| obj.get("oneOf")).and_then(Json::as_array) {
            return self.check_alternatives(node, branches, path);
        }
        if let Some(problem) = self.check_type(node, obj, path) {
            return Verdict { problems: vec![problem], keep: false };
        }
        if let Some(problem) = self.check_allowed_values(node, obj, path) {
            return Verdict { problems: vec![problem], keep: false };
        }
        let span = node.span();
        match node.get_mut() {
            DeValue::Table(table) => self.check_table(table, span, obj, path),
            DeValue::Array(items) => self.check_array(items, obj, path),
            _ => Verdict { problems: Vec::new(), keep: true },
        }
    }

    fn check_alternatives(&self, node: &mut Node<'_>, branches: &[Json], path: &mut KeyPath) -> Verdict {
        // Enumerations of constants read best as one list of allowed values:
        // a string, one of them.
        if branches.iter().all(|b| constants(self.resolve(b)).is_some()) {
            let allowed = || branches.iter().flat_map(|b| constants(self.resolve(b)).into_iter().flatten());
            let problem = match node.get_ref() {
                DeValue::String(text) if allowed().any(|a| a == text.as_ref()) => None,
                DeValue::String(text) => Some(self.not_allowed(node, text, allowed().collect(), path)),
                value => Some(self.diag(
                    Code::WrongType,
                    node.span(),
                    format!("expected a string, found {}{}", describe(value), at(path)),
                )),
            };
            let keep = problem.is_none();
            return Verdict { problems: problem.into_iter().collect(), keep };
        }
        // An optional value (`T` or null): TOML has no null, so it is `T`.
        let real = || branches.iter().filter(|b| self.resolve(b).get("type").and_then(Json::as_str) != Some("null"));
        if let (Some(only), None) = (real().next(), real().nth(1)) {
            return self.check(node, only, path);
        }
        // Otherwise: the branch whose type fits the value decides.
        let mut fitting = real().filter(|b| self.type_fits(node, self.resolve(b)));
        match fitting.next() {
            Some(branch) => self.check(node, branch, path),
            None => {
                let mut expected = Vec::new();
                for branch in real() {
                    self.expected_names(branch, &mut expected);
                }
                let message =
                    format!("expected {}, found {}{}", expected.join(" or "), describe(node.get_ref()), at(path));
                Verdict { problems: vec![self.diag(Code::WrongType, node.span(), message)], keep: false }
            }
        }
    }

    /// What a schema accepts, in words, flattening alternatives.
    fn expected_names(&self, schema: &Json, out: &mut Vec<String>) {
        let schema = self.resolve(schema);
        if let Some(branches) = schema.get("anyOf").or_else(|| schema.get("oneOf")).and_then(Json::as_array) {
            for branch in branches {
                self.expected_names(branch, out);
            }
            return;
        }
        if let Some(types) = schema.get("type") {
            let name = type_names(types, schema.get("format"));
            if !name.is_empty() && !out.contains(&name) {
                out.push(name);
            }
        }
    }

    fn type_fits(&self, node: &Node<'_>, schema: &Json) -> bool {
        if let Some(branches) = schema.get("anyOf").or_else(|| schema.get("oneOf")).and_then(Json::as_array) {
            return branches.iter().any(|b| self.type_fits(node, self.resolve(b)));
        }
        match schema.get("type") {
            Some(types) => json_types(types).any(|t| fits(node.get_ref(), t, schema.get("format"))),
            None => true,
        }
    }

    fn check_type(&self, node: &Node<'_>, obj: &Map<String, Json>, path: &KeyPath) -> Option<Diagnostic> {
        let types = obj.get("type")?;
        let value = node.get_ref();
        if json_types(types).any(|t| fits(value, t, obj.get("format"))) {
            return self.check_number(node, obj, path);
        }
        let mut d = self.diag(
            Code::WrongType,
            node.span(),
            format!("expected {}, found {}{}", type_names(types, obj.get("format")), describe(value), at(path)),
        );
        if obj.get("format").and_then(Json::as_str) == Some("date") && value.is_str() {
            d = d.with_help("write the date without quotes, e.g. 2026-10-01");
        } else if obj.get("format").and_then(Json::as_str) == Some("date-time") {
            d = d.with_help("write the date, time and offset without quotes, e.g. 2026-03-03T10:00:00Z");
        } else if value.is_str() && json_types(types).any(|t| t == "number" || t == "integer") {
            d = d.with_help("write the number without quotes");
        }
        Some(d)
    }

    fn check_number(&self, node: &Node<'_>, obj: &Map<String, Json>, path: &KeyPath) -> Option<Diagnostic> {
        let number = match node.get_ref() {
            DeValue::Integer(i) => match i64::from_str_radix(i.as_str(), i.radix()) {
                Ok(v) => v as f64,
                Err(_) => {
                    return Some(self.diag(Code::OutOfRange, node.span(), format!("integer is too large{}", at(path))));
                }
            },
            DeValue::Float(f) => match f.as_str().parse::<f64>() {
                Ok(v) if v.is_finite() => v,
                _ => {
                    return Some(
                        self.diag(Code::OutOfRange, node.span(), format!("number must be finite{}", at(path)))
                            .with_help("inf and nan are not allowed here"),
                    );
                }
            },
            _ => return None,
        };
        let (min, max) = bounds(obj);
        if min.is_some_and(|m| number < m) || max.is_some_and(|m| number > m) {
            let range = match (min, max) {
                (Some(lo), Some(hi)) => format!("between {lo} and {hi}"),
                (Some(lo), None) => format!("at least {lo}"),
                (None, Some(hi)) => format!("at most {hi}"),
                (None, None) => unreachable!("a bound failed"),
            };
            return Some(self.diag(
                Code::OutOfRange,
                node.span(),
                format!("{number} is out of range{}: must be {range}", at(path)),
            ));
        }
        None
    }

    fn check_allowed_values(&self, node: &Node<'_>, obj: &Map<String, Json>, path: &KeyPath) -> Option<Diagnostic> {
        let allowed: &[Json] = match (obj.get("enum"), obj.get("const")) {
            (Some(Json::Array(values)), _) => values,
            (_, Some(value @ Json::String(_))) => std::slice::from_ref(value),
            _ => return None,
        };
        let allowed = || allowed.iter().filter_map(Json::as_str);
        let text = node.get_ref().as_str()?;
        if allowed().any(|a| a == text) {
            return None;
        }
        Some(self.not_allowed(node, text, allowed().collect(), path))
    }

    /// `text` is none of `allowed`: said with the nearest one.
    fn not_allowed(&self, node: &Node<'_>, text: &str, allowed: Vec<&str>, path: &KeyPath) -> Diagnostic {
        let list = allowed.iter().map(|a| format!("`{a}`")).collect::<Vec<_>>().join(", ");
        let help = match did_you_mean(text, allowed.iter().copied()) {
            Some(near) => format!("did you mean `{near}`? allowed: {list}"),
            None => format!("allowed: {list}"),
        };
        self.diag(Code::NotAllowed, node.span(), format!("`{text}` is not allowed{}", at(path))).with_help(help)
    }

    fn check_table(
        &self,
        table: &mut toml::de::DeTable<'_>,
        span: Range<usize>,
        obj: &Map<String, Json>,
        path: &mut KeyPath,
    ) -> Verdict {
        let properties = obj.get("properties").and_then(Json::as_object);
        let additional = obj.get("additionalProperties");
        let mut problems = Vec::new();
        let mut dropped_required = false;
        let required = || obj.get("required").and_then(Json::as_array).into_iter().flatten().filter_map(Json::as_str);
        let mut remove = Vec::new();
        for (key, value) in table.iter_mut() {
            let name: &str = key.get_ref();
            let schema = properties.and_then(|p| p.get(name)).or(match additional {
                Some(Json::Bool(false)) => None,
                Some(other) => Some(other),
                None => Some(&Json::Bool(true)),
            });
            let Some(schema) = schema else {
                let known: Vec<&str> = properties.map(|p| p.keys().map(String::as_str).collect()).unwrap_or_default();
                let help = match did_you_mean(name, known.iter().copied()) {
                    Some(near) => format!("did you mean `{near}`?"),
                    None => format!("keys allowed here: {}", known.join(", ")),
                };
                problems.push(
                    self.diag(Code::UnknownKey, key.span(), format!("unknown key `{name}`{}", at(path)))
                        .with_help(help),
                );
                remove.push(name.to_owned());
                continue;
            };
            let back = path.enter(name);
            let verdict = self.check(value, schema, path);
            path.leave(back);
            problems.extend(verdict.problems);
            if !verdict.keep {
                dropped_required |= required().any(|r| r == name);
                remove.push(name.to_owned());
            }
        }
        for name in &remove {
            table.remove(name.as_str());
        }
        // The file and its top-level tables are kept with placeholders for
        // what is missing, so the rest of the file is still checked; deeper
        // tables (one criterion, one rule) are dropped whole.
        let patch = path.depth <= 1;
        let mut keep = !dropped_required || patch;
        for name in required() {
            if table.contains_key(name) {
                continue;
            }
            if !remove.iter().any(|r| r == name) {
                let table_name = if path.depth == 0 { "the file".to_owned() } else { format!("`{}`", path.text) };
                problems.push(self.diag(
                    Code::MissingKey,
                    span.clone(),
                    format!("{table_name} lacks the required key `{name}`"),
                ));
            }
            let filler = properties.and_then(|p| p.get(name)).and_then(|schema| self.placeholder(schema));
            match filler {
                Some(value) if patch => {
                    table.insert(
                        Spanned::new(PLACEHOLDER, Cow::Owned(name.to_owned())),
                        Spanned::new(PLACEHOLDER, value),
                    );
                }
                _ => keep = false,
            }
        }
        Verdict { problems, keep }
    }

    /// A value that satisfies `schema`, standing in for a missing one.
    fn placeholder(&self, schema: &Json) -> Option<DeValue<'static>> {
        let schema = self.resolve(schema);
        if let Some(mut values) = constants(schema) {
            return values.next().map(|v| DeValue::String(Cow::Owned(v.to_owned())));
        }
        if let Some(branches) = schema.get("anyOf").or_else(|| schema.get("oneOf")).and_then(Json::as_array) {
            return branches.iter().find_map(|b| self.placeholder(b));
        }
        let format = schema.get("format").and_then(Json::as_str);
        Some(match json_types(schema.get("type")?).next()? {
            "string" if format == Some("date") => DeValue::Datetime("1970-01-01".parse().ok()?),
            "string" if format == Some("date-time") => DeValue::Datetime("1970-01-01T00:00:00Z".parse().ok()?),
            "string" => DeValue::String(Cow::Borrowed("")),
            "integer" => DeValue::Integer(Default::default()),
            "number" => DeValue::Float(Default::default()),
            "boolean" => DeValue::Boolean(false),
            "array" => DeValue::Array(DeArray::new()),
            "object" => {
                let mut table = toml::de::DeTable::new();
                let required = schema.get("required").and_then(Json::as_array).into_iter().flatten();
                for name in required.filter_map(Json::as_str) {
                    let value = self.placeholder(schema.get("properties")?.get(name)?)?;
                    table.insert(
                        Spanned::new(PLACEHOLDER, Cow::Owned(name.to_owned())),
                        Spanned::new(PLACEHOLDER, value),
                    );
                }
                DeValue::Table(table)
            }
            _ => return None,
        })
    }

    fn check_array(&self, items: &mut DeArray<'_>, obj: &Map<String, Json>, path: &mut KeyPath) -> Verdict {
        let Some(item_schema) = obj.get("items") else {
            return Verdict { problems: Vec::new(), keep: true };
        };
        let mut problems = Vec::new();
        let mut dropped = Vec::new();
        for (i, item) in items.iter_mut().enumerate() {
            let verdict = self.check(item, item_schema, path);
            problems.extend(verdict.problems);
            if !verdict.keep {
                dropped.push(i);
            }
        }
        if !dropped.is_empty() {
            let old = std::mem::replace(items, DeArray::new());
            *items = old.into_iter().enumerate().filter(|(i, _)| !dropped.contains(i)).map(|(_, item)| item).collect();
        }
        Verdict { problems, keep: true }
    }
}

/// The string constants a schema allows, if it is only that.
fn constants(schema: &Json) -> Option<impl Iterator<Item = &str>> {
    let values: &[Json] = match (schema.get("const"), schema.get("enum")) {
        (Some(value @ Json::String(_)), _) => std::slice::from_ref(value),
        (_, Some(Json::Array(values))) if values.iter().all(Json::is_string) => values,
        _ => return None,
    };
    Some(values.iter().filter_map(Json::as_str))
}

fn at(path: &KeyPath) -> String {
    if path.depth == 0 { String::new() } else { format!(" in `{}`", path.text) }
}

/// The types a schema's `type` names (`null` left out of a list).
fn json_types(types: &Json) -> impl Iterator<Item = &str> {
    let (list, single): (&[Json], bool) = match types {
        Json::String(_) => (std::slice::from_ref(types), true),
        Json::Array(ts) => (ts, false),
        _ => (&[], false),
    };
    list.iter().filter_map(Json::as_str).filter(move |t| single || *t != "null")
}

fn type_names(types: &Json, format: Option<&Json>) -> String {
    let format = format.and_then(Json::as_str);
    json_types(types)
        .map(|t| match t {
            "object" => "a table",
            "array" => "an array",
            "string" if format == Some("date") => "a date (like 2026-10-01)",
            "string" if format == Some("date-time") => "a date-time with an offset (like 2026-03-03T10:00:00Z)",
            "string" => "a string",
            "integer" => "an integer",
            "number" => "a number",
            "boolean" => "true or false",
            _ => "a value",
        })
        .collect::<Vec<_>>()
        .join(" or ")
}

fn fits(value: &DeValue<'_>, json_type: &str, format: Option<&Json>) -> bool {
    let format = format.and_then(Json::as_str);
    match (json_type, value) {
        ("string", DeValue::Datetime(d)) if format == Some("date-time") => {
            d.date.is_some() && d.time.is_some() && d.offset.is_some()
        }
        ("string", DeValue::Datetime(d)) => format == Some("date") && d.date.is_some() && d.time.is_none(),
        ("string", DeValue::String(_)) => !matches!(format, Some("date" | "date-time")),
        ("integer", DeValue::Integer(_)) => true,
        ("number", DeValue::Integer(_) | DeValue::Float(_)) => true,
        ("boolean", DeValue::Boolean(_)) => true,
        ("array", DeValue::Array(_)) => true,
        ("object", DeValue::Table(_)) => true,
        _ => false,
    }
}

fn bounds(obj: &Map<String, Json>) -> (Option<f64>, Option<f64>) {
    let format_bounds = match obj.get("format").and_then(Json::as_str) {
        Some("uint8") => (Some(0.0), Some(f64::from(u8::MAX))),
        Some("uint16") => (Some(0.0), Some(f64::from(u16::MAX))),
        Some("uint32" | "uint") => (Some(0.0), Some(f64::from(u32::MAX))),
        Some("uint64") => (Some(0.0), None),
        Some("int32") => (Some(f64::from(i32::MIN)), Some(f64::from(i32::MAX))),
        _ => (None, None),
    };
    let min = obj.get("minimum").and_then(Json::as_f64).or(format_bounds.0);
    let max = obj.get("maximum").and_then(Json::as_f64).or(format_bounds.1);
    (min, max)
}

/// How a value reads in a message: its type, and the value when short.
fn describe(value: &DeValue<'_>) -> String {
    match value {
        DeValue::String(s) if s.chars().count() <= 30 => format!("the string \"{s}\""),
        DeValue::String(_) => "a string".to_owned(),
        DeValue::Integer(i) => format!("the integer {}", i.as_str()),
        DeValue::Float(f) => format!("the number {}", f.as_str()),
        DeValue::Boolean(b) => format!("`{b}`"),
        DeValue::Datetime(d) => format!("the date-time {d}"),
        DeValue::Array(_) => "an array".to_owned(),
        DeValue::Table(_) => "a table".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::FileKind;

    fn check(kind: FileKind, text: &str) -> (bool, Vec<Diagnostic>) {
        let schema = kind.json_schema();
        let (mut doc, errors) = toml::de::DeTable::parse_recoverable(text);
        assert!(errors.is_empty(), "{errors:?}");
        let span = doc.span();
        let mut node = Spanned::new(span, DeValue::Table(std::mem::take(doc.get_mut())));
        let mut diagnostics = Diagnostics::default();
        let keep = SchemaChecker::new(&schema, "f.toml").check_document(&mut node, &mut diagnostics);
        (keep, diagnostics.into_vec())
    }

    #[test]
    fn every_problem_is_reported_not_just_the_first() {
        let text = r#"
[rubric]
id = "x"
name = "X"
version = "1.0.0"
misssing = "zero"

[[category]]
id = "a"
name = "A"
wieght = 3
weight = 1

[[category.criterion]]
id = "c"
name = "C"
weight = "2"
kind = "scael"
"#;
        let (keep, diags) = check(FileKind::Rubric, text);
        assert!(keep, "the rubric table itself is fine: {diags:?}");
        let codes: Vec<Code> = diags.iter().map(|d| d.code).collect();
        assert_eq!(codes, [Code::UnknownKey, Code::UnknownKey, Code::WrongType, Code::NotAllowed], "{diags:#?}");
        assert_eq!(diags[0].help.as_deref(), Some("did you mean `missing`?"));
        assert_eq!(diags[1].help.as_deref(), Some("did you mean `weight`?"));
        assert!(diags[3].help.as_deref().unwrap().starts_with("did you mean `scale`?"));
    }

    #[test]
    fn missing_required_keys_and_wrong_dates_are_named() {
        let (keep, diags) = check(FileKind::Vendor, "[vendor]\nname = \"N\"\nsubmitted = \"2026-10-01\"\n");
        assert!(keep, "a header table is kept with a placeholder for what is missing");
        assert!(diags.iter().any(|d| d.code == Code::MissingKey && d.message.contains("`id`")), "{diags:?}");
        let date = diags.iter().find(|d| d.code == Code::WrongType).expect("date error");
        assert_eq!(date.help.as_deref(), Some("write the date without quotes, e.g. 2026-10-01"));
    }

    #[test]
    fn numbers_out_of_range_and_non_finite_are_rejected() {
        let text = "[contract]\nvendor = \"v\"\nterm_months = -3\nmonthly_fee = nan\n";
        let (_, diags) = check(FileKind::Contract, text);
        let codes: Vec<Code> = diags.iter().map(|d| d.code).collect();
        assert_eq!(codes, [Code::OutOfRange, Code::OutOfRange], "{diags:?}");
    }

    #[test]
    fn answers_accept_bare_values_and_tables_only() {
        let text = "[vendor]\nid = \"v\"\nname = \"V\"\n[answers.a]\nx = 3\ny = { value = true, evidence = [\"e.txt\"] }\nz = { value = 1, proof = [] }\nw = 2026-01-01\n";
        let (keep, diags) = check(FileKind::Vendor, text);
        assert!(keep);
        let codes: Vec<Code> = diags.iter().map(|d| d.code).collect();
        assert_eq!(codes, [Code::UnknownKey, Code::WrongType], "{diags:#?}");
    }
}
