//! Tiering semantics (SPEC section 14): unique tier ids, periods that are
//! ISO 8601, rules that compile and read only `intake`, `vendor`,
//! `contract` and `answers` (known fields of the last three), a last tier
//! without a rule (the default), and vendors' hand-set tiers.

use std::collections::{BTreeMap, HashSet};

use crate::diag::{Code, Diagnostics};
use crate::expr;
use crate::model::{IsoPeriod, Spanned, TieringFile, VendorHeader};
use crate::source::SourceFile;
use crate::workspace::Workspace;

use super::{CheckedFile, Document, Expect};

/// The workspace's tiering file, at its root.
pub const TIERING_FILE: &str = "tiering.toml";

/// The variables a tier rule may read.
pub const TIER_VARIABLES: &[&str] = &["intake", "vendor", "contract", "answers"];

/// Check a parsed tiering file.
pub fn check(file: &TieringFile, path: &str, diagnostics: &mut Diagnostics) {
    let head = &file.tiering;
    super::header::check_head("tiering", &head.id, &head.version, path, diagnostics);
    let Some(last) = file.tier.len().checked_sub(1) else {
        diagnostics
            .report(Code::BadTiers, path, Some(head.id.span.clone()), "the tiering file lists no [[tier]]")
            .add_help("list the tiers highest first; the last one, without `when`, is the default");
        return;
    };
    let env = expr::environment();
    let mut ids = HashSet::new();
    for (i, tier) in file.tier.iter().enumerate() {
        super::header::check_listed("tier", &tier.id, "this file", &mut ids, path, diagnostics);
        if IsoPeriod::parse(&tier.reassess).is_none() {
            diagnostics
                .report(
                    Code::BadPeriod,
                    path,
                    Some(tier.reassess.span.clone()),
                    format!("`{}` is not an ISO 8601 period", *tier.reassess),
                )
                .add_help("write years, months, weeks or days after P, in that order: P12M, P1Y6M, P2W, P90D");
        }
        match (&tier.when, i == last) {
            (Some(when), true) => {
                diagnostics
                    .report(
                        Code::BadTiers,
                        path,
                        Some(when.span.clone()),
                        format!("the last tier `{}` is the default and takes no `when`", *tier.id),
                    )
                    .add_help("add a tier without `when` after it, or remove this `when`");
            }
            (None, false) => {
                diagnostics
                    .report(
                        Code::BadTiers,
                        path,
                        Some(tier.id.span.clone()),
                        format!("tier `{}` has no `when`: only the last tier is the default", *tier.id),
                    )
                    .add_help("give it a rule, or move it to the end");
            }
            (Some(when), false) => check_expression(&env, when, path, diagnostics),
            (None, true) => {}
        }
    }
}

/// Check one tier rule: it compiles in the policy language and reads only
/// `intake.*` (free keys), and known fields of `vendor`, `contract`, `answers`.
pub fn check_expression(
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
    let forbidden = expr::forbidden_constructs(&expression.value);
    for problem in &forbidden {
        diagnostics.report(Code::ExpressionSyntax, path, span.clone(), problem.clone());
    }
    if !forbidden.is_empty() {
        return;
    }
    let compiled = match env.compile_expression(&expression.value) {
        Ok(compiled) => compiled,
        Err(error) => {
            let detail = error.detail().unwrap_or("syntax error");
            diagnostics
                .report(Code::ExpressionSyntax, path, span, format!("expression does not compile: {detail}"))
                .add_help("tier rules are policy expressions, e.g. `intake.regulated == 'yes' or intake.b1 >= 3`");
            return;
        }
    };
    for function in expr::unknown_functions(env, &expression.value) {
        diagnostics.report(
            Code::ExpressionSyntax,
            path,
            span.clone(),
            format!("expression uses an unknown {function}"),
        );
    }
    let mut schema_paths = HashSet::new();
    for read in compiled.undeclared_variables(true) {
        let head = read.split('.').next().unwrap_or_default();
        if head == "intake" {
            continue;
        }
        if TIER_VARIABLES.contains(&head) {
            schema_paths.insert(read);
            continue;
        }
        let d = diagnostics.report(
            Code::UnknownPath,
            path,
            span.clone(),
            format!("`{read}` is not available to tier rules, which read {}", TIER_VARIABLES.join(", ")),
        );
        d.help =
            crate::diag::did_you_mean(head, TIER_VARIABLES.iter().copied()).map(|n| format!("did you mean `{n}`?"));
    }
    for unknown in expr::unknown_paths(&schema_paths) {
        let d = diagnostics.report(
            Code::UnknownPath,
            path,
            span.clone(),
            format!("`{}` is not a field of the vendor or contract schema", unknown.path),
        );
        d.help = unknown.suggestion.map(|near| format!("did you mean `{near}`?"));
    }
}

/// A hand-set tier needs a note saying why.
pub fn check_vendor_override(head: &VendorHeader, path: &str, diagnostics: &mut Diagnostics) {
    let Some(tier) = &head.tier else { return };
    let noted = head.tier_note.as_ref().is_some_and(|n| !n.trim().is_empty());
    if !noted {
        diagnostics
            .report(
                Code::TierOverride,
                path,
                Some(tier.span.clone()),
                format!("tier `{}` is set by hand without a tier_note", tier.value),
            )
            .add_help("add tier_note = \"why the rules do not apply\" under [vendor]");
    }
}

/// Every vendor's hand-set tier must be a tier of the workspace's tiering
/// file (`tiering.toml`, else `builtin:tiering`).
pub fn check_overrides(
    workspace: &Workspace,
    files: &[CheckedFile],
    diagnostics: &mut Diagnostics,
    sources: &mut BTreeMap<String, SourceFile>,
) {
    let overrides: Vec<(&CheckedFile, &Spanned<String>)> = files
        .iter()
        .filter_map(|f| match &f.document {
            Some(Document::Vendor(v)) => v.vendor.tier.as_ref().map(|t| (f, t)),
            _ => None,
        })
        .collect();
    if overrides.is_empty() {
        return;
    }
    let Some(ids) = tier_ids(workspace, files) else { return };
    for (file, tier) in overrides {
        if ids.contains(&tier.value) {
            continue;
        }
        let d = diagnostics.report(
            Code::TierOverride,
            &file.source.path,
            Some(tier.span.clone()),
            format!("`{}` is not a tier of the tiering file", tier.value),
        );
        d.help = Some(match crate::diag::did_you_mean(&tier.value, ids.iter().map(String::as_str)) {
            Some(near) => format!("did you mean `{near}`?"),
            None => format!("tiers: {}", ids.join(", ")),
        });
        sources.entry(file.source.path.clone()).or_insert_with(|| file.source.clone());
    }
}

/// The tier ids of the workspace's tiering file; `None` when it has errors
/// (those are reported where the file is validated).
fn tier_ids(workspace: &Workspace, files: &[CheckedFile]) -> Option<Vec<String>> {
    let path = workspace.root.join(TIERING_FILE);
    let ids = |t: &TieringFile| t.tier.iter().map(|t| t.id.value.clone()).collect::<Vec<_>>();
    if let Some(file) = files.iter().find(|f| f.disk_path.as_deref() == Some(path.as_path())) {
        return match &file.document {
            Some(Document::Tiering(t)) => Some(ids(t)),
            _ => None,
        };
    }
    let source = if path.is_file() {
        SourceFile::new(TIERING_FILE, std::fs::read_to_string(&path).ok()?)
    } else {
        let builtin = crate::builtin::tiering()?;
        SourceFile::new(builtin.name(), builtin.text())
    };
    let mut diagnostics = Diagnostics::default();
    match super::parse_document(&source, Expect::Exactly(crate::model::FileKind::Tiering), &mut diagnostics) {
        Some((_, Document::Tiering(t))) if !diagnostics.has_errors() => Some(ids(&t)),
        _ => None,
    }
}
