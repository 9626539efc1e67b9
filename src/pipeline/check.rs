//! Checking contracts: load the policies and the selected vendors'
//! contracts, evaluate every rule on all cores, keep the findings.

use serde_json::{Value, json};

use super::{Clock, Decided, PipelineError, Run, Selection, cohort_and_shown};
use crate::compliance::{self, Policy, Subject, VendorFindings};
use crate::load::{Findings, Loader, Stop};
use crate::model::RuleSeverity;
use crate::workspace::Workspace;

/// What to check.
#[derive(Debug, Clone, Default)]
pub struct CheckRequest {
    /// `--policy` (repeatable); default: the workspace's, else every built-in policy.
    pub policies: Vec<String>,
    /// The vendors to check (a cohort plays no part).
    pub selection: Selection,
}

/// Every selected vendor's findings.
#[derive(Debug)]
pub struct Checked {
    pub policies: Vec<std::sync::Arc<Policy>>,
    pub vendors: Vec<VendorFindings>,
}

impl Checked {
    /// Whether a vendor fails a rule at `fail_on` or above.
    pub fn failing(&self, fail_on: RuleSeverity) -> bool {
        self.vendors.iter().any(|v| v.failures_at(fail_on).next().is_some())
    }

    /// The run as the ledger records it: counts and the failing rules, no floats.
    pub fn summary(&self, clock: &Clock, fail_on: RuleSeverity) -> Value {
        json!({
            "as_of": clock.as_of.to_string(),
            "fail_on": fail_on.as_str(),
            "policies": self.policies.iter().map(|p| json!({ "id": p.id, "version": p.version, "sha256": p.sha256 }))
                .collect::<Vec<_>>(),
            "vendors": self.vendors.iter().map(|v| {
                let s = v.summary();
                json!({
                    "id": v.vendor,
                    "contract": v.contract,
                    "pass": s.pass, "fail": s.fail, "missing": s.missing, "skipped": s.skipped,
                    "failing": v.failures_at(fail_on).map(|f| f.rule.name()).collect::<Vec<_>>(),
                })
            }).collect::<Vec<_>>(),
        })
    }

    /// The ledger entry of a `check` run.
    pub fn run(&self, clock: &Clock, fail_on: RuleSeverity, inputs: Vec<crate::audit::ledger::FileRecord>) -> Run {
        Run {
            action: "check",
            subjects: self.vendors.iter().map(|v| v.vendor.clone()).collect(),
            inputs,
            outputs: Vec::new(),
            result: self.summary(clock, fail_on),
        }
    }
}

/// Check the selected vendors' contracts against the policies.
pub fn check(workspace: &Workspace, clock: &Clock, request: &CheckRequest) -> Result<Decided<Checked>, PipelineError> {
    let mut loader = Loader::new(workspace.clone());
    let (_, dirs) =
        cohort_and_shown(&loader, &Selection { cohort: request.selection.vendors.clone(), ..Default::default() })?;
    let loaded = (|| -> Result<_, Stop> {
        let policies = loader.policies(&request.policies)?;
        let vendors = loader.vendors(&dirs)?;
        let subjects = loader.subjects(&vendors)?;
        Ok((policies, subjects))
    })();
    let Ok((policies, subjects)) = loaded else {
        return Err(PipelineError::Invalid { findings: loader.findings(), doing: "checking" });
    };
    if subjects.is_empty() {
        return Err(PipelineError::unusable(format!(
            "no vendors to check in {}: add vendors/<id>/vendor.toml (and contract.toml), or name vendor folders",
            workspace.root.display()
        )));
    }
    let subjects: Vec<Subject> = subjects.into_iter().map(|(s, _)| s).collect();
    // The files read are no longer needed: free them before the findings grow.
    let (inputs, findings) = (loader.inputs(), loader.findings());
    drop(loader);
    let vendors = evaluate(&policies, &subjects, clock)?;
    Ok(Decided { value: Checked { policies, vendors }, inputs, findings, notes: Vec::new() })
}

/// Run the policies over the subjects on all cores; `Err` with the located
/// problems (and the policies' sources) when a rule could not be evaluated.
pub(crate) fn evaluate(
    policies: &[std::sync::Arc<Policy>],
    subjects: &[Subject],
    clock: &Clock,
) -> Result<Vec<VendorFindings>, PipelineError> {
    let workers = crate::parallel::threads(0);
    let checked = compliance::check(policies, subjects, clock.as_of, workers);
    if !checked.errors.has_errors() {
        return Ok(checked.vendors);
    }
    let mut findings = Findings { diagnostics: checked.errors, ..Findings::default() };
    for policy in policies {
        findings.sources.insert(policy.source.path.clone(), policy.source.clone());
    }
    Err(PipelineError::Unevaluable { findings })
}
