//! A compliance policy as written (SPEC section 5): rules whose `when` and
//! `require` are minijinja expressions over a contract.

use schemars::JsonSchema;
use serde::Deserialize;

use super::Spanned;

/// `policies/*.toml`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "vendorscore policy", description = "Contract compliance rules (SPEC section 5).")]
pub struct PolicyFile {
    pub policy: PolicyHeader,
    #[serde(default)]
    pub rule: Vec<RuleDef>,
}

/// The `[policy]` table.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyHeader {
    /// `[a-z0-9][a-z0-9-]*`, normally the file name.
    pub id: Spanned<String>,
    pub name: Spanned<String>,
    pub version: Spanned<String>,
    #[serde(default)]
    pub description: Option<String>,
}

/// One `[[rule]]`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleDef {
    /// `[a-z0-9][a-z0-9-]*`, unique in the policy.
    pub id: Spanned<String>,
    pub title: Spanned<String>,
    pub severity: Spanned<RuleSeverity>,
    /// The law, standard or clause the rule enforces.
    #[serde(default)]
    pub reference: Option<String>,
    /// Precondition: the rule is skipped when this is false.
    #[serde(default)]
    pub when: Option<Spanned<String>>,
    /// What must hold.
    pub require: Spanned<String>,
    /// What to do when the rule fails.
    #[serde(default)]
    pub remediation: Option<String>,
}

/// How serious a failing rule is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum RuleSeverity {
    Low,
    Medium,
    High,
    Critical,
}

impl RuleSeverity {
    pub fn as_str(self) -> &'static str {
        match self {
            RuleSeverity::Low => "low",
            RuleSeverity::Medium => "medium",
            RuleSeverity::High => "high",
            RuleSeverity::Critical => "critical",
        }
    }
}
