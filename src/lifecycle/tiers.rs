//! Which tier a vendor is in: the first tier whose rule holds over the
//! vendor's `[intake]`, `[vendor]`, contract and answers; a hand-set tier
//! (`[vendor] tier`) wins; no rule holding gives the last tier.

use minijinja::Value;

use crate::expr::{answer_values, empty_map, toml_value};
use crate::model::{IsoPeriod, TieringFile};

/// A tiering file that passed validation, in the form decisions use.
#[derive(Debug, Clone)]
pub struct Tiering {
    pub id: String,
    pub version: String,
    /// Workspace-relative path or `builtin:tiering`.
    pub path: String,
    pub sha256: String,
    /// Highest first; the last has no rule.
    pub tiers: Vec<Tier>,
}

/// One tier.
#[derive(Debug, Clone)]
pub struct Tier {
    pub id: String,
    pub reassess: IsoPeriod,
    /// As written, e.g. `P12M`.
    pub reassess_text: String,
    pub when: Option<String>,
}

/// How a vendor got its tier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TierSource {
    /// A tier's rule held.
    Rule,
    /// `[vendor] tier`, with its `tier_note`.
    Override,
    /// No rule held: the last tier.
    Default,
}

impl TierSource {
    pub fn as_str(self) -> &'static str {
        match self {
            TierSource::Rule => "rule",
            TierSource::Override => "override",
            TierSource::Default => "default",
        }
    }
}

/// A vendor's tier and how it was found.
#[derive(Debug, Clone, PartialEq)]
pub struct Assignment {
    /// Index into [`Tiering::tiers`].
    pub tier: usize,
    pub source: TierSource,
    /// Rules that could not be decided for this vendor (an intake answer it
    /// does not give), one sentence each.
    pub undecided: Vec<String>,
}

/// What tier rules read about one vendor: the vendor file's and the
/// contract's tables as written (already validated).
#[derive(Debug, Clone, Default)]
pub struct TierInput<'a> {
    pub vendor_file: Option<&'a toml::Table>,
    pub contract: Option<&'a toml::Table>,
}

impl Tiering {
    /// The trusted form of a validated file.
    pub fn new(file: &TieringFile, path: impl Into<String>, sha256: impl Into<String>) -> Tiering {
        let tiers = file
            .tier
            .iter()
            .map(|t| Tier {
                id: t.id.value.clone(),
                reassess: IsoPeriod::parse(&t.reassess).unwrap_or(IsoPeriod { years: 0, months: 0, weeks: 0, days: 0 }),
                reassess_text: t.reassess.value.clone(),
                when: t.when.as_ref().map(|w| w.value.clone()),
            })
            .collect();
        Tiering {
            id: file.tiering.id.value.clone(),
            version: file.tiering.version.value.clone(),
            path: path.into(),
            sha256: sha256.into(),
            tiers,
        }
    }

    /// The index of the tier with this id.
    pub fn position(&self, id: &str) -> Option<usize> {
        self.tiers.iter().position(|t| t.id == id)
    }

    /// Each vendor's tier, the rules compiled once for all of them.
    pub fn assign_all(&self, inputs: &[TierInput<'_>]) -> Vec<Assignment> {
        let env = crate::expr::shared();
        let compiled: Vec<Option<minijinja::Expression<'_, '_>>> =
            self.tiers.iter().map(|t| t.when.as_deref().and_then(|w| env.compile_expression(w).ok())).collect();
        inputs.iter().map(|input| self.assign_one(&compiled, input)).collect()
    }

    /// One vendor's tier.
    pub fn assign(&self, input: &TierInput<'_>) -> Assignment {
        self.assign_all(std::slice::from_ref(input)).remove(0)
    }

    fn assign_one(&self, compiled: &[Option<minijinja::Expression<'_, '_>>], input: &TierInput<'_>) -> Assignment {
        let default = self.tiers.len().saturating_sub(1);
        let header = input.vendor_file.and_then(|v| v.get("vendor")).and_then(toml::Value::as_table);
        if let Some(id) = header.and_then(|h| h.get("tier")).and_then(toml::Value::as_str)
            && let Some(tier) = self.position(id)
        {
            return Assignment { tier, source: TierSource::Override, undecided: Vec::new() };
        }
        let variables = variables(input);
        let mut undecided = Vec::new();
        for (i, (tier, expression)) in self.tiers.iter().zip(compiled).enumerate().take(default) {
            let Some(expression) = expression else { continue };
            match expression.eval(&variables) {
                Ok(value) if value.is_true() => return Assignment { tier: i, source: TierSource::Rule, undecided },
                Ok(_) => {}
                Err(error) => undecided.push(format!(
                    "the rule of tier `{}` cannot be decided: {}",
                    tier.id,
                    error.detail().map_or_else(|| error.kind().to_string(), str::to_owned)
                )),
            }
        }
        Assignment { tier: default, source: TierSource::Default, undecided }
    }
}

/// `intake`, `vendor`, `contract` and `answers` (answer values without evidence).
fn variables(input: &TierInput<'_>) -> Value {
    let table = |t: Option<&toml::Table>, key: &str| t.and_then(|t| t.get(key)).map_or_else(empty_map, toml_value);
    let answers =
        input.vendor_file.and_then(|v| v.get("answers")).and_then(toml::Value::as_table).map_or_else(empty_map, |a| {
            a.iter().map(|(category, criteria)| (category.as_str(), answer_values(criteria))).collect()
        });
    [
        ("intake", table(input.vendor_file, "intake")),
        ("vendor", table(input.vendor_file, "vendor")),
        ("contract", table(input.contract, "contract")),
        ("answers", answers),
    ]
    .into_iter()
    .collect()
}
