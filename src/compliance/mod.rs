//! Contract compliance: policy rules evaluated over vendors' contracts.
//!
//! Pure: (policies, contracts, as-of date) → findings. Rules are written in the
//! expression language of [`crate::expr`]; this module owns what rules see of a
//! contract ([`context`]), how rules are compiled and decided ([`rules`]) and
//! the findings ([`finding`]). It reads no files and no clock: `load` hands
//! it validated policies and contracts, the CLI the date.

pub mod context;
pub mod finding;
pub mod reads;
pub mod rules;
#[cfg(test)]
mod tests;

use std::borrow::Borrow;
use std::collections::BTreeMap;

pub use context::Subject;
pub use finding::{Finding, ReadValue, RuleInfo, Status, Summary, VendorFindings};
pub use rules::{Policy, Rule, RuleError};

use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::model::Date;

/// Stack for evaluation threads: deep expressions recurse in minijinja.
const STACK_BYTES: usize = 8 << 20;

/// The outcome of a check.
#[derive(Debug, Default)]
pub struct Checked {
    /// One entry per subject, in the order given.
    pub vendors: Vec<VendorFindings>,
    /// Rules that could not be evaluated (code VS0403), one per place in a
    /// policy however many contracts fail there (the first one's problem is
    /// shown); the findings are then incomplete.
    pub errors: Diagnostics,
}

/// Check every subject's contract against every policy, on up to `workers` threads.
pub fn check<P>(policies: &[P], subjects: &[Subject], as_of: Date, workers: usize) -> Checked
where
    P: Borrow<Policy> + Sync,
{
    let results: Vec<Evaluated> =
        crate::parallel::map_with_stack(subjects, workers.max(1), Some(STACK_BYTES), |s| check_one(policies, s, as_of));
    let mut checked = Checked::default();
    let mut errors: BTreeMap<(usize, usize, usize), (RuleError, String, usize)> = BTreeMap::new();
    for (vendor, rule_errors) in results {
        for (policy, error) in rule_errors {
            let contract = vendor.contract.clone().unwrap_or_default();
            let key = (policy, error.span.start, error.span.end);
            errors.entry(key).or_insert((error, contract, 0)).2 += 1;
        }
        checked.vendors.push(vendor);
    }
    for ((policy, start, end), (error, contract, count)) in errors {
        let others = match count - 1 {
            0 => String::new(),
            1 => " (and 1 more contract)".to_owned(),
            n => format!(" (and {n} more contracts)"),
        };
        let message = format!("rule `{}` cannot be evaluated for {contract}{others}: {}", error.rule, error.detail);
        checked.errors.push(
            Diagnostic::new(Code::ExpressionFails, &policies[policy].borrow().source.path, Some(start..end), message).with_help(
                "a rule that cannot be evaluated stops the check: fix the expression (or the contract value it reads); \
                 see docs/policies.md",
            ),
        );
    }
    checked
}

/// One vendor's findings, and the rule errors by policy index.
type Evaluated = (VendorFindings, Vec<(usize, RuleError)>);

fn check_one<P: Borrow<Policy>>(policies: &[P], subject: &Subject, as_of: Date) -> Evaluated {
    let mut vendor = VendorFindings {
        vendor: subject.vendor.clone(),
        name: subject.name.clone(),
        contract: subject.contract_path.clone(),
        findings: Vec::new(),
    };
    let mut errors = Vec::new();
    match subject.context(as_of) {
        None => vendor.findings.push(Finding::no_contract(&format!("{}/contract.toml", subject.folder))),
        Some(variables) => {
            for (index, policy) in policies.iter().enumerate() {
                let (findings, rule_errors) = policy.borrow().evaluate(&variables);
                vendor.findings.extend(findings);
                errors.extend(rule_errors.into_iter().map(|e| (index, e)));
            }
        }
    }
    (vendor, errors)
}
