//! Policies compiled once, and their rules evaluated per contract.
//!
//! A rule ends as (SPEC section 5):
//! - **skipped** when `when` is false;
//! - **pass** / **fail** when `require` is true / false (Jinja truthiness);
//! - **missing** when the deciding expression (`when`, or `require` once
//!   `when` holds) needs a field the contract does not state: evaluation
//!   uses an undefined value (compares it, tests its truth, iterates it,
//!   passes it to a filter) or the expression's result is undefined. A read
//!   under `is defined`, `is none` or `| default(...)` is not a use, so a
//!   guarded rule decides pass or fail instead. The finding lists the paths
//!   the expression reads outside such guards that the contract leaves out
//!   (`data_protection.audit_rights`); when there are none (the undefined came
//!   from, say, `first` of an empty list), every path it reads.
//!
//! Any other evaluation error (a value of the wrong type, a date that is not
//! a date, fuel exhausted) is not a finding: it becomes a [`RuleError`] at
//! the expression's place in the policy, and the check cannot be trusted.

use std::collections::HashSet;
use std::ops::Range;
use std::sync::Arc;

use minijinja::{ErrorKind, Expression, Value};

use super::context::is_stated;
use super::finding::{Finding, ReadValue, RuleInfo, Status};
use super::reads;
use crate::expr;
use crate::model::{Date, PolicyFile, Spanned};
use crate::source::SourceFile;

/// A validated policy with its expressions compiled.
pub struct Policy {
    pub id: String,
    pub name: String,
    pub version: String,
    /// The file it was read from (workspace-relative path or `builtin:ID`).
    pub source: SourceFile,
    /// SHA-256 of the file's bytes, lowercase hex.
    pub sha256: String,
    pub rules: Vec<Rule>,
}

/// One compiled rule.
pub struct Rule {
    /// What its findings say about it.
    pub info: Arc<RuleInfo>,
    when: Option<Compiled>,
    require: Compiled,
}

/// One compiled expression and what it reads.
pub struct Compiled {
    expression: Expression<'static, 'static>,
    /// The TOML string's byte range in the policy file.
    span: Range<usize>,
    /// Where the expression's text starts in the file, when written without escapes.
    body: Option<usize>,
    reads: Vec<String>,
    guarded: HashSet<String>,
}

/// An expression that could not be evaluated for a contract.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleError {
    pub rule: String,
    /// Byte range in the policy file: the failing part of the expression where known.
    pub span: Range<usize>,
    pub detail: String,
}

/// What one expression says about a contract.
enum Truth {
    Holds,
    Fails,
    Unstated,
}

impl std::fmt::Debug for Policy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Policy").field("id", &self.id).field("rules", &self.rules.len()).finish()
    }
}

impl Policy {
    /// Assemble a policy from its rules' expressions, compiled once by
    /// validation (`validate::policy` is the one caller): `rules` holds each
    /// `[[rule]]`'s `when` and `require`, in file order; `sha256` is of the file's bytes.
    pub fn assemble(
        file: &PolicyFile,
        source: SourceFile,
        sha256: String,
        compiled: Vec<(Option<Compiled>, Compiled)>,
    ) -> Policy {
        let rules = file
            .rule
            .iter()
            .zip(compiled)
            .map(|(def, (when, require))| {
                let mut all: Vec<String> = when.iter().chain([&require]).flat_map(|c| c.reads.clone()).collect();
                all.sort();
                all.dedup();
                let info = RuleInfo {
                    policy: Some(file.policy.id.value.clone()),
                    id: def.id.value.clone(),
                    severity: def.severity.value,
                    title: def.title.value.clone(),
                    reference: def.reference.clone(),
                    remediation: def.remediation.clone(),
                    reads: all,
                };
                Rule { info: Arc::new(info), when, require }
            })
            .collect();
        Policy {
            id: file.policy.id.value.clone(),
            name: file.policy.name.value.clone(),
            version: file.policy.version.value.clone(),
            sha256,
            source,
            rules,
        }
    }

    /// Every rule's finding for one contract's variables (see `context`).
    pub fn evaluate(&self, variables: &Value) -> (Vec<Finding>, Vec<RuleError>) {
        let mut findings = Vec::with_capacity(self.rules.len());
        let mut errors = Vec::new();
        for rule in &self.rules {
            match rule.evaluate(variables) {
                Ok((status, missing)) => {
                    let values =
                        if status == Status::Fail { read_values(&rule.info.reads, variables) } else { Vec::new() };
                    findings.push(Finding { rule: Arc::clone(&rule.info), status, missing, values });
                }
                Err(error) => errors.push(error),
            }
        }
        (findings, errors)
    }
}

impl Rule {
    fn evaluate(&self, variables: &Value) -> Result<(Status, Vec<String>), RuleError> {
        if let Some(when) = &self.when {
            match when.truth(variables).map_err(|e| self.error(when, &e))? {
                Truth::Fails => return Ok((Status::Skipped, Vec::new())),
                Truth::Unstated => return Ok((Status::Missing, when.missing(variables))),
                Truth::Holds => {}
            }
        }
        let require = &self.require;
        Ok(match require.truth(variables).map_err(|e| self.error(require, &e))? {
            Truth::Holds => (Status::Pass, Vec::new()),
            Truth::Fails => (Status::Fail, Vec::new()),
            Truth::Unstated => (Status::Missing, require.missing(variables)),
        })
    }

    fn error(&self, compiled: &Compiled, error: &minijinja::Error) -> RuleError {
        RuleError { rule: self.info.id.clone(), span: compiled.locate(error.range()), detail: describe(error) }
    }
}

impl Compiled {
    /// An expression of a policy file, compiled (by validation), with where it is written.
    pub fn new(expression: Expression<'static, 'static>, text: &Spanned<String>, source: &SourceFile) -> Compiled {
        let span = text.span.clone();
        let body = [1, 3]
            .into_iter()
            .map(|quote| span.start + quote)
            .find(|&start| source.text.get(start..start + text.value.len()) == Some(text.value.as_str()));
        Compiled::with(expression, &text.value, span, body)
    }

    /// The compiled expression.
    pub fn expression(&self) -> &Expression<'static, 'static> {
        &self.expression
    }

    fn with(expression: Expression<'static, 'static>, text: &str, span: Range<usize>, body: Option<usize>) -> Self {
        let reads = reads::paths_read(&expression.undeclared_variables(true));
        Compiled { expression, span, body, reads, guarded: reads::guarded_only(text) }
    }

    fn truth(&self, variables: &Value) -> Result<Truth, minijinja::Error> {
        match self.expression.eval(variables) {
            Ok(value) if value.is_undefined() => Ok(Truth::Unstated),
            Ok(value) if value.is_true() => Ok(Truth::Holds),
            Ok(_) => Ok(Truth::Fails),
            Err(error) if error.kind() == ErrorKind::UndefinedError => Ok(Truth::Unstated),
            // A built-in filter given an unstated field fails with its own
            // error (`length` of undefined): the field is what is missing.
            Err(_) if !self.unstated(variables).is_empty() => Ok(Truth::Unstated),
            Err(error) => Err(error),
        }
    }

    /// The paths read outside guards (or under a guard whose parent is
    /// itself absent) that the variables do not state.
    fn unstated(&self, variables: &Value) -> Vec<String> {
        self.reads
            .iter()
            .filter(|p| !is_stated(variables, p))
            .filter(|p| !self.guarded.contains(p.as_str()) || !parent_stated(variables, p))
            .cloned()
            .collect()
    }

    /// The paths to report for a `missing` finding (see the module docs).
    fn missing(&self, variables: &Value) -> Vec<String> {
        let unguarded = self.unstated(variables);
        if !unguarded.is_empty() {
            return unguarded;
        }
        let absent: Vec<String> = self.reads.iter().filter(|p| !is_stated(variables, p)).cloned().collect();
        if absent.is_empty() { self.reads.clone() } else { absent }
    }

    /// The byte range in the policy file of a part of the expression.
    fn locate(&self, range: Option<Range<usize>>) -> Range<usize> {
        match (self.body, range) {
            (Some(body), Some(r)) => body + r.start..body + r.end,
            _ => self.span.clone(),
        }
    }
}

/// The longest value text shown for a field a failing rule read.
const MAX_VALUE_CHARS: usize = 120;

/// What the contract states for each path: scalars only (a table or a list,
/// such as `sla`, says more than a line can), unstated ones left out.
fn read_values(paths: &[String], variables: &Value) -> Vec<ReadValue> {
    paths
        .iter()
        .filter_map(|path| {
            let value = super::context::lookup(variables, path)?;
            if matches!(value.kind(), minijinja::value::ValueKind::Map | minijinja::value::ValueKind::Seq) {
                return None;
            }
            // As the contract writes it: `true`, not minijinja's `True`.
            let mut text = match value.kind() {
                minijinja::value::ValueKind::Bool => value.is_true().to_string(),
                _ => value.to_string(),
            };
            if text.chars().count() > MAX_VALUE_CHARS {
                text = text.chars().take(MAX_VALUE_CHARS - 1).collect::<String>() + "…";
            }
            Some(ReadValue { path: path.clone(), value: text })
        })
        .collect()
}

fn parent_stated(variables: &Value, path: &str) -> bool {
    path.rsplit_once('.').is_none_or(|(parent, _)| is_stated(variables, parent))
}

/// An evaluation error in words, without minijinja's debug dump.
fn describe(error: &minijinja::Error) -> String {
    match (error.kind(), error.detail()) {
        (ErrorKind::OutOfFuel, _) => format!("it ran more than {} steps and was stopped", expr::FUEL),
        (kind, Some(detail)) => format!("{kind}: {detail}"),
        (kind, None) => kind.to_string(),
    }
}

/// How a rule's expressions fare on a contract that states nothing: the
/// first error other than reading an unstated field, as (`true` for `when`,
/// the error in words, the byte range inside that expression). Validation
/// uses this to catch expressions that fail on every contract.
pub fn trial(when: Option<&Compiled>, require: &Compiled) -> Option<(bool, String, Option<Range<usize>>)> {
    let variables = super::context::empty(Date(jiff::civil::Date::constant(2000, 1, 1)));
    if let Some(when) = when {
        match when.truth(&variables) {
            Err(error) => return Some((true, describe(&error), error.range())),
            Ok(Truth::Fails | Truth::Unstated) => return None,
            Ok(Truth::Holds) => {}
        }
    }
    require.truth(&variables).err().map(|error| (false, describe(&error), error.range()))
}
