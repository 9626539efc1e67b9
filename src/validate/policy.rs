//! Policy semantics (SPEC section 5): ids, and rule expressions that compile
//! and read only fields the contract schema has.

use std::collections::HashSet;

use crate::compliance::expr;
use crate::diag::{Code, Diagnostics};
use crate::model::{PolicyFile, Spanned, is_semver, is_slug};

/// Check a parsed policy.
pub fn check(file: &PolicyFile, path: &str, diagnostics: &mut Diagnostics) {
    let head = &file.policy;
    if !is_slug(&head.id) {
        diagnostics.report(
            Code::InvalidId,
            path,
            Some(head.id.span.clone()),
            format!("policy id `{}` is not of the form [a-z0-9][a-z0-9-]*", *head.id),
        );
    }
    if !is_semver(&head.version) {
        diagnostics.report(
            Code::InvalidVersion,
            path,
            Some(head.version.span.clone()),
            format!("version `{}` is not MAJOR.MINOR.PATCH", *head.version),
        );
    }
    let env = expr::environment();
    let mut ids = HashSet::new();
    for rule in &file.rule {
        if !is_slug(&rule.id) {
            diagnostics.report(
                Code::InvalidId,
                path,
                Some(rule.id.span.clone()),
                format!("rule id `{}` is not of the form [a-z0-9][a-z0-9-]*", *rule.id),
            );
        } else if !ids.insert(rule.id.value.as_str()) {
            diagnostics.report(
                Code::DuplicateId,
                path,
                Some(rule.id.span.clone()),
                format!("rule id `{}` is used twice in this policy", *rule.id),
            );
        }
        for expression in rule.when.iter().chain([&rule.require]) {
            check_expression(&env, expression, path, diagnostics);
        }
    }
}

fn check_expression(
    env: &minijinja::Environment<'_>,
    expression: &Spanned<String>,
    path: &str,
    diagnostics: &mut Diagnostics,
) {
    let span = Some(expression.span.clone());
    if expression.trim().is_empty() {
        diagnostics.report(Code::ExpressionSyntax, path, span, "the expression is empty");
        return;
    }
    match env.compile_expression(&expression.value) {
        Err(error) => {
            let detail = error.detail().unwrap_or("syntax error");
            diagnostics.report(Code::ExpressionSyntax, path, span, format!("expression does not compile: {detail}"))
                .add_help("rules are minijinja expressions, e.g. `data_protection.dpa_signed` or `security.pentest_date | age_days <= 365`");
        }
        Ok(compiled) => {
            for function in expr::unknown_functions(env, &expression.value) {
                diagnostics
                    .report(Code::ExpressionSyntax, path, span.clone(), format!("expression uses an unknown {function}"))
                    .add_help("filters: minijinja's built-ins and age_days, third_countries, duration_secs (docs/policies.md)");
            }
            for unknown in expr::unknown_paths(&compiled.undeclared_variables(true)) {
                let d = diagnostics.report(
                    Code::UnknownPath,
                    path,
                    span.clone(),
                    format!("`{}` is not a field of the contract schema", unknown.path),
                );
                d.help = Some(match unknown.suggestion {
                    Some(near) => format!("did you mean `{near}`?"),
                    None => "custom fields go under [extra] and are read as `extra.<name>`".to_owned(),
                });
            }
        }
    }
}
