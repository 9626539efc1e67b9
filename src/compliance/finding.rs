//! The outcome of a check: one finding per rule and vendor, and per-vendor
//! counts. Plain data; the CLI renders it.

use std::sync::Arc;

use crate::model::RuleSeverity;

/// How a rule ended for one contract (SPEC section 5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Status {
    /// `require` holds.
    Pass,
    /// `require` is false.
    Fail,
    /// The rule reads a field the contract does not state; counted as a failure.
    Missing,
    /// `when` is false: the rule does not apply.
    Skipped,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Missing => "missing",
            Status::Skipped => "skipped",
        }
    }

    /// Whether the status counts as a failure at the rule's severity.
    pub fn is_failure(self) -> bool {
        matches!(self, Status::Fail | Status::Missing)
    }
}

/// What a finding says about its rule; one per rule, shared by its findings.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleInfo {
    /// The policy's id; `None` for the finding that a vendor has no contract.
    pub policy: Option<String>,
    /// The rule's id (`contract` for a vendor without one).
    pub id: String,
    pub severity: RuleSeverity,
    pub title: String,
    pub reference: Option<String>,
    pub remediation: Option<String>,
    /// Every field the rule reads (`when` and `require`), sorted.
    pub reads: Vec<String>,
}

impl RuleInfo {
    /// `policy/rule`, or the rule alone when there is no policy.
    pub fn name(&self) -> String {
        match &self.policy {
            Some(policy) => format!("{policy}/{}", self.id),
            None => self.id.clone(),
        }
    }
}

/// One rule's outcome for one contract.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub rule: Arc<RuleInfo>,
    pub status: Status,
    /// For `missing`: the paths the contract does not state.
    pub missing: Vec<String>,
    /// For `fail`: what the contract states for each field the rule reads
    /// (`data_protection.breach_notification_hours` → `72`), so the reader
    /// sees the value that failed.
    pub values: Vec<ReadValue>,
}

/// A field a rule read, and its value in the contract, as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadValue {
    pub path: String,
    pub value: String,
}

impl Finding {
    /// The one finding of a vendor without a contract (`path`: where it belongs).
    pub fn no_contract(path: &str) -> Finding {
        let rule = RuleInfo {
            policy: None,
            id: "contract".to_owned(),
            severity: RuleSeverity::High,
            title: "The vendor has no contract to check".to_owned(),
            reference: None,
            remediation: Some(format!(
                "Record the proposed or agreed terms in {path} (see `vendorscore schema contract`), then check again."
            )),
            reads: Vec::new(),
        };
        Finding { rule: Arc::new(rule), status: Status::Missing, missing: vec![path.to_owned()], values: Vec::new() }
    }

    /// The rule's severity.
    pub fn severity(&self) -> RuleSeverity {
        self.rule.severity
    }

    /// Whether this is a failure (fail or missing) at `threshold` or above.
    pub fn fails_at(&self, threshold: RuleSeverity) -> bool {
        self.status.is_failure() && self.rule.severity >= threshold
    }
}

/// Findings counted by status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    pub pass: usize,
    pub fail: usize,
    pub missing: usize,
    pub skipped: usize,
}

/// Every finding for one vendor.
#[derive(Debug, Clone)]
pub struct VendorFindings {
    pub vendor: String,
    pub name: String,
    /// The contract's workspace-relative path; `None` when there is none.
    pub contract: Option<String>,
    pub findings: Vec<Finding>,
}

impl VendorFindings {
    /// The findings counted by status.
    pub fn summary(&self) -> Summary {
        let mut summary = Summary::default();
        for finding in &self.findings {
            match finding.status {
                Status::Pass => summary.pass += 1,
                Status::Fail => summary.fail += 1,
                Status::Missing => summary.missing += 1,
                Status::Skipped => summary.skipped += 1,
            }
        }
        summary
    }

    /// The failures (fail or missing) at `threshold` or above.
    pub fn failures_at(&self, threshold: RuleSeverity) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(move |f| f.fails_at(threshold))
    }
}
