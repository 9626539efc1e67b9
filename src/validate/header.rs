//! The checks every policy-like file shares: its header's id and version,
//! and the ids of the entries it lists.

use std::collections::HashSet;

use crate::diag::{Code, Diagnostics};
use crate::model::{Spanned, is_semver, is_slug};

/// Report a header id (`what`: "policy", "tiering") that is not a slug and
/// a version that is not MAJOR.MINOR.PATCH.
pub fn check_head(
    what: &str,
    id: &Spanned<String>,
    version: &Spanned<String>,
    path: &str,
    diagnostics: &mut Diagnostics,
) {
    slug(what, id, path, diagnostics);
    if !is_semver(version) {
        diagnostics.report(
            Code::InvalidVersion,
            path,
            Some(version.span.clone()),
            format!("version `{}` is not MAJOR.MINOR.PATCH", **version),
        );
    }
}

/// Report a listed id (`what`: "rule", "tier") that is not a slug, or that
/// `ids` already holds (`within`: "this policy"); remember it otherwise.
pub fn check_listed<'a>(
    what: &str,
    id: &'a Spanned<String>,
    within: &str,
    ids: &mut HashSet<&'a str>,
    path: &str,
    diagnostics: &mut Diagnostics,
) {
    if slug(what, id, path, diagnostics) && !ids.insert(id.value.as_str()) {
        diagnostics.report(
            Code::DuplicateId,
            path,
            Some(id.span.clone()),
            format!("{what} id `{}` is used twice in {within}", **id),
        );
    }
}

/// Report an id that is not a slug; whether it is one.
fn slug(what: &str, id: &Spanned<String>, path: &str, diagnostics: &mut Diagnostics) -> bool {
    let ok = is_slug(id);
    if !ok {
        diagnostics.report(
            Code::InvalidId,
            path,
            Some(id.span.clone()),
            format!("{what} id `{}` is not of the form [a-z0-9][a-z0-9-]*", **id),
        );
    }
    ok
}
