//! What falls due: tier each selected vendor, find the last `score` entry
//! that scored it (streaming the ledger), and date its reassessment,
//! contract end, termination-notice deadline, SOC 2 report, penetration
//! test and certificate as of the run's date.

use std::collections::HashMap;
use std::path::PathBuf;

use serde_json::{Value, json};

use super::{Clock, Decided, PipelineError, Run, Selection, cohort_and_shown};
use crate::audit::ledger::{FileRecord, LEDGER_PATH};
use crate::lifecycle::{self, DueInput, DueItem, LastScored, Status, TierInput, TierSource, Tiering, history};
use crate::load::{Loader, Stop};
use crate::workspace::Workspace;

/// Days ahead an item counts as `due` when `--within` is not given.
pub const DEFAULT_WITHIN_DAYS: u32 = 30;

/// What to date.
#[derive(Debug, Clone)]
pub struct DueRequest {
    /// The vendor folders; empty: every vendor of the workspace.
    pub vendors: Vec<PathBuf>,
    /// An item dated from the as-of date to this many days later is `due`.
    pub within_days: u32,
}

/// One vendor's tier and dated items.
#[derive(Debug, Clone)]
pub struct DueVendor {
    pub id: String,
    pub name: String,
    pub tier: String,
    pub tier_source: TierSource,
    pub items: Vec<DueItem>,
}

/// Every selected vendor's items.
#[derive(Debug)]
pub struct Due {
    pub tiering: Tiering,
    pub within_days: u32,
    pub vendors: Vec<DueVendor>,
}

impl Due {
    /// Whether any item is overdue (the exit status 1).
    pub fn overdue(&self) -> bool {
        self.items().any(|(_, i)| i.status == Status::Overdue)
    }

    /// Every item with its vendor, vendors in folder order.
    pub fn items(&self) -> impl Iterator<Item = (&DueVendor, &DueItem)> {
        self.vendors.iter().flat_map(|v| v.items.iter().map(move |i| (v, i)))
    }

    /// The run as the ledger records it.
    pub fn summary(&self, clock: &Clock) -> Value {
        let t = &self.tiering;
        let kinds = |v: &DueVendor, status: Status| {
            v.items.iter().filter(|i| i.status == status).map(|i| i.kind.as_str()).collect::<Vec<_>>()
        };
        json!({
            "as_of": clock.as_of.to_string(),
            "within_days": self.within_days,
            "tiering": { "id": t.id, "version": t.version, "sha256": t.sha256 },
            "vendors": self.vendors.iter().map(|v| json!({
                "id": v.id,
                "tier": v.tier,
                "tier_source": v.tier_source.as_str(),
                "overdue": kinds(v, Status::Overdue),
                "due": kinds(v, Status::Due),
            })).collect::<Vec<_>>(),
        })
    }

    /// The ledger entry of a `due` run.
    pub fn run(&self, clock: &Clock, inputs: Vec<FileRecord>) -> Run {
        Run {
            action: "due",
            subjects: self.vendors.iter().map(|v| v.id.clone()).collect(),
            inputs,
            outputs: Vec::new(),
            result: self.summary(clock),
        }
    }
}

/// Date every selected vendor's items as of the clock's date.
pub fn due(workspace: &Workspace, clock: &Clock, request: &DueRequest) -> Result<Decided<Due>, PipelineError> {
    let mut loader = Loader::new(workspace.clone());
    let (_, dirs) = cohort_and_shown(&loader, &Selection { cohort: request.vendors.clone(), ..Default::default() })?;
    let loaded = (|| -> Result<_, Stop> {
        let tiering = loader.tiering()?;
        let vendors = loader.vendors(&dirs)?;
        loader.check_tier_overrides(&tiering, &vendors)?;
        let mut contracts = Vec::with_capacity(vendors.len());
        let mut stopped = false;
        for vendor in &vendors {
            match loader.contract_of(vendor) {
                Ok(contract) => contracts.push(contract),
                Err(Stop) => stopped = true,
            }
        }
        if stopped { Err(Stop) } else { Ok((tiering, vendors, contracts)) }
    })();
    let Ok((tiering, vendors, contracts)) = loaded else {
        return Err(PipelineError::Invalid { findings: loader.findings(), doing: "dating" });
    };
    if vendors.is_empty() {
        return Err(PipelineError::unusable(format!(
            "no vendors in {}: add vendors/<id>/vendor.toml, or name vendor folders",
            workspace.root.display()
        )));
    }
    let mut last: HashMap<String, LastScored> = HashMap::new();
    let wanted: std::collections::HashSet<&str> = vendors.iter().map(|v| v.id()).collect();
    super::history::each_line(&workspace.root.join(LEDGER_PATH), |line| {
        let Some((seq, date, ids)) = history::scored_vendors(line) else { return };
        for id in ids {
            if wanted.contains(id.as_str()) {
                last.insert(id, LastScored { seq, date });
            }
        }
    })?;
    let inputs: Vec<TierInput<'_>> = vendors
        .iter()
        .zip(&contracts)
        .map(|(v, c)| TierInput { vendor_file: Some(&v.table), contract: c.as_ref().map(|c| &*c.table) })
        .collect();
    let assignments = tiering.assign_all(&inputs);
    let mut notes = Vec::new();
    let mut dated = Vec::with_capacity(vendors.len());
    for ((vendor, contract), assignment) in vendors.iter().zip(&contracts).zip(assignments) {
        let tier = &tiering.tiers[assignment.tier];
        if assignment.source == TierSource::Default && vendor.file.intake.is_none() {
            notes.push(format!(
                "{} has no [intake]: it takes the default tier `{}`; answer the intake questions to tier it by the rules",
                vendor.path, tier.id
            ));
        } else if assignment.source == TierSource::Default && !assignment.undecided.is_empty() {
            notes.push(format!(
                "{}: {}; it takes the default tier `{}`",
                vendor.path,
                assignment.undecided.join("; "),
                tier.id
            ));
        }
        let input = DueInput {
            last_scored: last.get(vendor.id()).copied(),
            reassess: tier.reassess,
            reassess_text: &tier.reassess_text,
            contract: contract.as_ref().map(|c| &*c.file),
        };
        dated.push(DueVendor {
            id: vendor.id().to_owned(),
            name: vendor.file.vendor.name.value.clone(),
            tier: tier.id.clone(),
            tier_source: assignment.source,
            items: lifecycle::due::items(&input, clock.as_of, request.within_days),
        });
    }
    Ok(Decided {
        value: Due { tiering, within_days: request.within_days, vendors: dated },
        inputs: loader.inputs(),
        findings: loader.findings(),
        notes,
    })
}
