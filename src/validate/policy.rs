//! Policy semantics (SPEC section 5): ids, and rule expressions that compile
//! and read only fields the contract schema has.

use std::collections::HashSet;

use crate::compliance::rules::{Compiled, Policy, trial};
use crate::diag::{Code, Diagnostics};
use crate::expr;
use crate::model::{PolicyFile, Spanned};
use crate::source::SourceFile;

/// Check a parsed policy, compiling each expression once; the compiled
/// policy (the trusted form `check` evaluates) when it has no error.
pub fn check(file: &PolicyFile, source: &SourceFile, diagnostics: &mut Diagnostics) -> Option<Policy> {
    let path = source.path.as_str();
    let errors_before = diagnostics.count(crate::diag::Severity::Error);
    let head = &file.policy;
    super::header::check_head("policy", &head.id, &head.version, path, diagnostics);
    let env = expr::shared();
    let mut ids = HashSet::new();
    let mut compiled = Vec::with_capacity(file.rule.len());
    for rule in &file.rule {
        super::header::check_listed("rule", &rule.id, "this policy", &mut ids, path, diagnostics);
        let when = rule.when.as_ref().map(|w| check_expression(env, w, path, diagnostics));
        let require = check_expression(env, &rule.require, path, diagnostics);
        let (Some(require), Some(when)) = (require, when.map_or(Some(None), |w| w.map(Some))) else { continue };
        let when = when.zip(rule.when.as_ref()).map(|(e, text)| Compiled::new(e, text, source));
        let require = Compiled::new(require, &rule.require, source);
        try_on_empty_contract(rule, when.as_ref(), &require, path, diagnostics);
        compiled.push((when, require));
    }
    if diagnostics.count(crate::diag::Severity::Error) > errors_before {
        return None;
    }
    Some(Policy::assemble(file, source.clone(), crate::audit::hash::sha256_hex(source.text.as_bytes()), compiled))
}

/// A policy known to be clean (a built-in, checked in full by the tests),
/// its expressions compiled without the checks; `sha256` is of its bytes.
/// `None` when an expression does not compile.
pub fn compile(file: &PolicyFile, source: &SourceFile, sha256: &str) -> Option<Policy> {
    let env = expr::shared();
    let compile = |text: &Spanned<String>| {
        env.compile_expression_owned(text.value.clone()).ok().map(|e| Compiled::new(e, text, source))
    };
    let mut compiled = Vec::with_capacity(file.rule.len());
    for rule in &file.rule {
        let when = match &rule.when {
            Some(when) => Some(compile(when)?),
            None => None,
        };
        compiled.push((when, compile(&rule.require)?));
    }
    Some(Policy::assemble(file, source.clone(), sha256.to_owned(), compiled))
}

/// Report an expression that fails on a contract stating nothing, for
/// reasons other than the unstated fields: it would fail on every contract.
fn try_on_empty_contract(
    rule: &crate::model::RuleDef,
    when: Option<&Compiled>,
    require: &Compiled,
    path: &str,
    diagnostics: &mut Diagnostics,
) {
    let Some((in_when, detail, _)) = trial(when, require) else { return };
    let expression = if in_when { rule.when.as_ref().unwrap_or(&rule.require) } else { &rule.require };
    let help = if detail.contains("the limit for one") || detail.contains("steps and was stopped") {
        "rules compare, test and filter contract terms; the size and step limits are in docs/security.md"
    } else {
        "check the filters' inputs (age_days and days_between take YYYY-MM-DD dates, duration_secs `60s`)"
    };
    diagnostics
        .report(
            Code::ExpressionFails,
            path,
            Some(expression.span.clone()),
            format!("expression fails even on a contract that states nothing: {detail}"),
        )
        .add_help(help);
}

/// Check one expression and compile it; `None` (reported) when it has an error.
fn check_expression(
    env: &'static minijinja::Environment<'static>,
    expression: &Spanned<String>,
    path: &str,
    diagnostics: &mut Diagnostics,
) -> Option<minijinja::Expression<'static, 'static>> {
    let span = Some(expression.span.clone());
    if expression.trim().is_empty() {
        diagnostics.report(Code::ExpressionSyntax, path, span, "the expression is empty");
        return None;
    }
    // Checked before compiling: minijinja folds constants when it compiles,
    // so `1 in [0] * 10**12` would never come back.
    let forbidden = expr::forbidden_constructs(&expression.value);
    for problem in &forbidden {
        diagnostics
            .report(Code::ExpressionSyntax, path, span.clone(), problem.clone())
            .add_help("rules compare, test and filter contract terms; write ratios with `/` (docs/policies.md)");
    }
    if !forbidden.is_empty() {
        return None;
    }
    let errors_before = diagnostics.count(crate::diag::Severity::Error);
    match env.compile_expression_owned(expression.value.clone()) {
        Err(error) => {
            let detail = error.detail().unwrap_or("syntax error").to_owned();
            diagnostics.report(Code::ExpressionSyntax, path, span, format!("expression does not compile: {detail}"))
                .add_help("rules are minijinja expressions, e.g. `data_protection.dpa_signed` or `security.pentest_date | age_days <= 365`");
            None
        }
        Ok(compiled) => {
            for function in expr::unknown_functions(env, &expression.value) {
                diagnostics
                    .report(
                        Code::ExpressionSyntax,
                        path,
                        span.clone(),
                        format!("expression uses an unknown {function}"),
                    )
                    .add_help(format!(
                        "filters: {}; tests: {} (docs/policies.md)",
                        expr::FILTERS.iter().chain(expr::HELPERS).copied().collect::<Vec<_>>().join(", "),
                        expr::TESTS
                            .iter()
                            .filter(|t| t.starts_with(char::is_alphabetic))
                            .copied()
                            .collect::<Vec<_>>()
                            .join(", ")
                    ));
            }
            for unknown in expr::unknown_paths(&compiled.undeclared_variables(true)) {
                let called = expression.value.contains(&format!("{}(", unknown.path));
                let message = if called {
                    format!("`{}` is not available: rule expressions have no functions", unknown.path)
                } else {
                    format!("`{}` is not a field of the contract schema", unknown.path)
                };
                let d = diagnostics.report(Code::UnknownPath, path, span.clone(), message);
                d.help = Some(match (called, unknown.suggestion) {
                    (true, _) => "use a filter instead, e.g. `x | length`; docs/policies.md lists them".to_owned(),
                    (false, Some(near)) => format!("did you mean `{near}`?"),
                    (false, None) => "custom fields go under [extra] and are read as `extra.<name>`".to_owned(),
                });
            }
            (diagnostics.count(crate::diag::Severity::Error) == errors_before).then_some(compiled)
        }
    }
}
