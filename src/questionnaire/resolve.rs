//! Filled answers → the answers of a `vendor.toml`, in the criterion's
//! terms: labels any case or scores, Yes/No spellings, numbers with their
//! unit, `%` or a decimal comma. Every problem is a diagnostic at the cell
//! (or JSON key) it is in; matching is by ID, never by question text.

use std::collections::{BTreeMap, BTreeSet};

use super::read::{Filled, RawValue, Where};
use super::{ANSWERS_FORMAT, AnswerKind, Question, RubricStamp, WORKBOOK_FORMAT, question_hash};
use crate::diag::{Code, Diagnostics, did_you_mean};

/// An answer value ready to be written as TOML.
#[derive(Debug, Clone, PartialEq)]
pub enum TomlValue {
    Bool(bool),
    Integer(i64),
    Float(f64),
    Text(String),
    List(Vec<String>),
}

impl TomlValue {
    /// The TOML spelling.
    pub fn to_toml(&self) -> String {
        match self {
            TomlValue::Bool(b) => b.to_string(),
            TomlValue::Integer(i) => i.to_string(),
            TomlValue::Float(f) => toml::Value::Float(*f).to_string(),
            TomlValue::Text(s) => toml::Value::String(s.clone()).to_string(),
            TomlValue::List(items) => toml_list(items),
        }
    }
}

fn toml_list(items: &[String]) -> String {
    let items: Vec<String> = items.iter().map(|i| toml::Value::String(i.clone()).to_string()).collect();
    format!("[{}]", items.join(", "))
}

/// One criterion's answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Resolved {
    /// `category.criterion`.
    pub criterion: String,
    pub value: TomlValue,
    pub evidence: Vec<String>,
    pub note: Option<String>,
}

impl Resolved {
    /// The right-hand side of `criterion = …` in `[answers.<category>]`.
    pub fn to_toml(&self) -> String {
        if self.evidence.is_empty() && self.note.is_none() {
            return self.value.to_toml();
        }
        let mut parts = vec![format!("value = {}", self.value.to_toml())];
        if !self.evidence.is_empty() {
            parts.push(format!("evidence = {}", toml_list(&self.evidence)));
        }
        if let Some(note) = &self.note {
            parts.push(format!("note = {}", toml::Value::String(note.clone())));
        }
        format!("{{ {} }}", parts.join(", "))
    }
}

/// Check the questionnaire was made for `rubric` (format, id and digest).
pub fn check_stamp(filled: &Filled, stamp: &RubricStamp, json: bool, file: &str, out: &mut Diagnostics) {
    let expected = if json { ANSWERS_FORMAT } else { WORKBOOK_FORMAT };
    if filled.meta.is_empty() {
        return; // A workbook written by another program, without `_meta`: matched by ID alone.
    }
    let get = |key: &str| filled.meta.get(key);
    match get("format") {
        Some((format, _)) if format == expected => {}
        Some((format, at)) => {
            out.push(
                at.diagnostic(Code::QuestionnaireMismatch, file, format!("format `{format}` is not `{expected}`"))
                    .with_help("export the questionnaire again with this version of vendorscore"),
            );
            return;
        }
        None => {
            out.push(Where::File.diagnostic(
                Code::QuestionnaireMismatch,
                file,
                format!("no `format` (expected `{expected}`)"),
            ));
            return;
        }
    }
    let theirs = |key: &str| get(key).map(|(v, _)| v.as_str()).unwrap_or("?");
    if let Some((digest, at)) = get("rubric_sha256")
        && *digest != stamp.sha256
    {
        out.push(
            at.diagnostic(
                Code::QuestionnaireMismatch,
                file,
                format!(
                    "made for rubric {} {} (sha256 {}), not for {} {} (sha256 {}) being imported into",
                    theirs("rubric_id"),
                    theirs("rubric_version"),
                    short(digest),
                    stamp.id,
                    stamp.version,
                    short(&stamp.sha256)
                ),
            )
            .with_help("import with the rubric the questionnaire was made from (--rubric), or send the bidder a new questionnaire"),
        );
    }
}

fn short(digest: &str) -> &str {
    &digest[..digest.len().min(12)]
}

/// The answers of `filled`, in rubric order; problems go to `out`.
pub fn resolve(filled: &Filled, rows: &[Question], file: &str, out: &mut Diagnostics) -> Vec<Resolved> {
    let by_id: BTreeMap<&str, &Question> = rows.iter().map(|q| (q.id.as_str(), q)).collect();
    let mut seen = BTreeSet::new();
    // Per criterion: the value (or options chosen), evidence and note.
    let mut values: BTreeMap<&str, TomlValue> = BTreeMap::new();
    let mut chosen: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    let mut extras: BTreeMap<&str, (Vec<String>, Option<String>)> = BTreeMap::new();
    for answer in &filled.answers {
        let Some(question) = by_id.get(answer.id.as_str()).copied() else {
            let mut d = answer.id_at.diagnostic(
                Code::UnknownCriterion,
                file,
                format!("`{}` is not a question of this questionnaire", answer.id),
            );
            d.help = Some(match did_you_mean(&answer.id, rows.iter().map(|q| q.id.as_str())) {
                Some(near) => format!("did you mean `{near}`? IDs must stay as exported"),
                None => "IDs must stay as exported; answers are matched by ID".to_owned(),
            });
            out.push(d);
            continue;
        };
        if !seen.insert(answer.id.as_str()) {
            out.push(answer.id_at.diagnostic(
                Code::DuplicateId,
                file,
                format!("`{}` is answered twice; only one answer per ID", answer.id),
            ));
            continue;
        }
        if let (Some((text, at)), Some((hash, _))) = (&answer.question, filled.meta.get(&format!("row:{}", answer.id)))
            && question_hash(text) != *hash
        {
            out.push(
                at.diagnostic(Code::QuestionEdited, file, format!("the question of `{}` was edited", answer.id))
                    .with_help(format!("the answer is read by its ID; the question asked is: {}", question.question)),
            );
        }
        let criterion = question.criterion.as_str();
        if !answer.evidence.is_empty() || answer.note.is_some() {
            let entry = extras.entry(criterion).or_default();
            entry.0.extend(answer.evidence.iter().cloned());
            if entry.1.is_none() {
                entry.1 = answer.note.clone();
            }
        }
        let value = &answer.value;
        if *value == RawValue::Empty {
            continue;
        }
        let report = |code: Code, message: String, help: String, out: &mut Diagnostics| {
            out.push(answer.value_at.diagnostic(code, file, message).with_help(help));
        };
        if let RawValue::NoCache { formula } = value {
            report(
                Code::NoCachedValue,
                format!("the formula ={formula} has no saved result"),
                "open the workbook in a spreadsheet program, let it calculate, save, or type the value".into(),
                out,
            );
            continue;
        }
        if let RawValue::Unusable(what) = value {
            report(Code::AnswerType, format!("{what} is not an answer here"), question.format.clone(), out);
            continue;
        }
        match &question.kind {
            AnswerKind::Scale { labels, scores } => match scale(value, labels, scores) {
                Some(v) => {
                    values.insert(criterion, v);
                }
                None => report(
                    Code::UnknownLevel,
                    format!("{} is not a level of `{criterion}`", shown(value)),
                    format!("choose one of: {}", labels.join(", ")),
                    out,
                ),
            },
            AnswerKind::Boolean => match boolean(value) {
                Some(b) => {
                    values.insert(criterion, TomlValue::Bool(b));
                }
                None => report(
                    Code::AnswerType,
                    format!("{} is not Yes or No", shown(value)),
                    "answer Yes or No".into(),
                    out,
                ),
            },
            AnswerKind::SetOption { option } => match boolean(value) {
                Some(yes) => {
                    let list = chosen.entry(criterion).or_default();
                    if yes {
                        list.push(option.clone());
                    }
                }
                None => report(
                    Code::AnswerType,
                    format!("{} is not Yes or No", shown(value)),
                    "answer Yes or No".into(),
                    out,
                ),
            },
            AnswerKind::SetHeader => match value {
                RawValue::List(items) => {
                    let allowed: Vec<&str> = rows
                        .iter()
                        .filter_map(|q| match &q.kind {
                            AnswerKind::SetOption { option } if q.criterion == criterion => Some(option.as_str()),
                            _ => None,
                        })
                        .collect();
                    let unknown: Vec<&String> = items.iter().filter(|i| !allowed.contains(&i.as_str())).collect();
                    if unknown.is_empty() {
                        chosen.entry(criterion).or_default().extend(items.iter().cloned());
                    } else {
                        let names: Vec<&str> = unknown.iter().map(|s| s.as_str()).collect();
                        report(
                            Code::UnknownOption,
                            format!("{} not an option of `{criterion}`", names.join(", ")),
                            format!("options: {}", allowed.join(", ")),
                            out,
                        );
                    }
                }
                _ => report(
                    Code::AnswerType,
                    format!("`{criterion}` is answered on its option rows, not here"),
                    "answer Yes or No on each option row below it".into(),
                    out,
                ),
            },
            AnswerKind::Number { range } => match number(value, question.unit.as_deref()) {
                Some(n) if range.is_none_or(|(lo, hi)| (lo..=hi).contains(&n)) => {
                    values.insert(criterion, number_value(n));
                }
                Some(n) => {
                    let (lo, hi) = range.unwrap_or_default();
                    report(Code::OutOfRange, format!("{n} is outside {lo} to {hi}"), question.format.clone(), out);
                }
                None => {
                    report(Code::AnswerType, format!("{} is not a number", shown(value)), question.format.clone(), out)
                }
            },
            AnswerKind::Price => match number(value, question.unit.as_deref()) {
                Some(n) if n > 0.0 => {
                    values.insert(criterion, number_value(n));
                }
                Some(n) => report(
                    Code::OutOfRange,
                    format!("a price of {n} is not greater than 0"),
                    question.format.clone(),
                    out,
                ),
                None => {
                    report(Code::AnswerType, format!("{} is not a number", shown(value)), question.format.clone(), out)
                }
            },
        }
    }
    for (criterion, options) in chosen {
        values.insert(criterion, TomlValue::List(options));
    }
    let mut order: Vec<&str> = Vec::new();
    for q in rows {
        if order.last() != Some(&q.criterion.as_str()) {
            order.push(&q.criterion);
        }
    }
    order
        .into_iter()
        .filter_map(|criterion| {
            let value = values.remove(criterion)?;
            let (evidence, note) = extras.remove(criterion).unwrap_or_default();
            Some(Resolved { criterion: criterion.to_owned(), value, evidence, note })
        })
        .collect()
}

fn shown(value: &RawValue) -> String {
    match value {
        RawValue::Text(t) => format!("`{t}`"),
        RawValue::Number { value, .. } => value.to_string(),
        RawValue::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_owned(),
        RawValue::List(items) => format!("[{}]", items.join(", ")),
        other => format!("{other:?}"),
    }
}

/// A level label (any case, written back as the rubric spells it) or a level score.
fn scale(value: &RawValue, labels: &[String], scores: &[i64]) -> Option<TomlValue> {
    let score = |n: f64| scores.iter().find(|&&s| s as f64 == n).map(|&s| TomlValue::Integer(s));
    match value {
        RawValue::Text(text) => {
            let text = text.trim();
            labels
                .iter()
                .find(|l| l.to_lowercase() == text.to_lowercase())
                .map(|l| TomlValue::Text(l.clone()))
                .or_else(|| text.parse::<f64>().ok().and_then(score))
        }
        RawValue::Number { value, percent: false } => score(*value),
        _ => None,
    }
}

/// Yes/No, True/False, Y/N, 1/0 (any case) and Excel booleans.
fn boolean(value: &RawValue) -> Option<bool> {
    match value {
        RawValue::Bool(b) => Some(*b),
        RawValue::Number { value, percent: false } if *value == 1.0 => Some(true),
        RawValue::Number { value, percent: false } if *value == 0.0 => Some(false),
        RawValue::Text(text) => match text.trim().to_lowercase().as_str() {
            "yes" | "true" | "y" | "1" => Some(true),
            "no" | "false" | "n" | "0" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

/// A numeric cell (a percentage-formatted one read as percent), or numeric
/// text with an optional trailing `unit` or `%` and a decimal comma when it
/// is the only separator.
pub fn number(value: &RawValue, unit: Option<&str>) -> Option<f64> {
    match value {
        RawValue::Number { value, percent } => Some(if *percent { round_percent(value * 100.0) } else { *value }),
        RawValue::Text(text) => {
            let mut text = text.trim();
            if let Some(unit) = unit.map(str::trim).filter(|u| !u.is_empty())
                && let Some(rest) = text.strip_suffix(unit)
            {
                text = rest.trim_end();
            }
            if let Some(rest) = text.strip_suffix('%') {
                text = rest.trim_end();
            }
            let normal = if text.contains(',') && !text.contains('.') && text.matches(',').count() == 1 {
                text.replace(',', ".")
            } else {
                text.to_owned()
            };
            normal.parse::<f64>().ok().filter(|n| n.is_finite())
        }
        _ => None,
    }
}

/// 0.995 × 100 is 99.49999…: keep the digits the cell showed.
fn round_percent(n: f64) -> f64 {
    (n * 1e9).round() / 1e9
}

fn number_value(n: f64) -> TomlValue {
    if n.fract() == 0.0 && n.abs() < 9e15 { TomlValue::Integer(n as i64) } else { TomlValue::Float(n) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_take_units_percent_signs_and_a_lone_decimal_comma() {
        let text = |t: &str| RawValue::Text(t.to_owned());
        assert_eq!(number(&text("99,5"), None), Some(99.5));
        assert_eq!(number(&text("99.5 %"), None), Some(99.5));
        assert_eq!(number(&text("3 weeks"), Some("weeks")), Some(3.0));
        assert_eq!(number(&text("1,234.5"), None), None);
        assert_eq!(number(&text("many"), None), None);
        assert_eq!(number(&RawValue::Number { value: 0.995, percent: true }, None), Some(99.5));
    }

    #[test]
    fn booleans_take_every_spelling() {
        for yes in ["Yes", "y", "TRUE", "1"] {
            assert_eq!(boolean(&RawValue::Text(yes.into())), Some(true), "{yes}");
        }
        for no in ["no", "N", "False", "0"] {
            assert_eq!(boolean(&RawValue::Text(no.into())), Some(false), "{no}");
        }
        assert_eq!(boolean(&RawValue::Bool(true)), Some(true));
        assert_eq!(boolean(&RawValue::Text("maybe".into())), None);
    }

    #[test]
    fn scale_answers_are_labels_in_any_case_or_scores() {
        let labels = vec!["None".to_owned(), "Plus partner".to_owned()];
        let scores = vec![0, 3];
        assert_eq!(
            scale(&RawValue::Text("plus PARTNER".into()), &labels, &scores),
            Some(TomlValue::Text("Plus partner".into()))
        );
        assert_eq!(
            scale(&RawValue::Number { value: 3.0, percent: false }, &labels, &scores),
            Some(TomlValue::Integer(3))
        );
        assert_eq!(scale(&RawValue::Text("Gold".into()), &labels, &scores), None);
    }
}
