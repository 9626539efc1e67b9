//! SLA attainment for one ticket export against one contract: load the
//! contract through validation, read the export once (hashing the bytes
//! counted), decide every clause per period and the credits owed.

use std::path::PathBuf;

use serde_json::{Value, json};

use super::tickets::rejected_rows;

use super::{Clock, Decided, PipelineError, Run};
use crate::load::{Loader, Stop};
use crate::sla::{ReadOptions, Report, Terms};
use crate::workspace::Workspace;

/// What to measure.
#[derive(Debug, Clone)]
pub struct SlaRequest {
    /// The ticket export (absolute).
    pub tickets: PathBuf,
    /// The contract whose `[[sla]]` clauses apply (absolute).
    pub contract: PathBuf,
    /// Refuse the export when any row cannot be read.
    pub strict: bool,
    /// Nothing will be recorded (`--dry-run`): the export is not hashed.
    pub dry_run: bool,
    /// `--tickets-config FILE` (absolute): how to read the export, in place of the workspace's `[tickets]`.
    pub tickets_config: Option<PathBuf>,
}

/// One export measured against one contract.
#[derive(Debug)]
pub struct Measured {
    pub report: Report,
    pub terms: Terms,
    /// Workspace-relative paths, as shown.
    pub contract: String,
    pub tickets: String,
}

impl Measured {
    /// The decision as the ledger records it: float-free, decimals as strings.
    pub fn summary(&self, clock: &Clock) -> Value {
        let report = &self.report;
        json!({
            "as_of": clock.as_of.to_string(),
            "contract": self.contract,
            "timezone": self.terms.timezone,
            "tickets": self.tickets,
            "rows": { "read": report.rows.read, "rejected": report.rows.rejected, "unmapped_channel": report.rows.unmapped_channel },
            "results": report.results.len(),
            "clauses": report.results.iter().map(|r| json!({
                "clause": r.clause,
                "period": r.period.to_string(),
                "attainment": r.attainment.to_string(),
                "required": r.required.to_string(),
                "breached": r.breached,
                "status": r.status.as_str(),
                "chronic": r.chronic,
            })).collect::<Vec<_>>(),
            "breaches": report.results.iter().filter(|r| r.breached).map(|r| json!({
                "clause": r.clause,
                "period": r.period.to_string(),
                "attainment": r.attainment.to_string(),
                "required": r.required.to_string(),
                "credit": r.credit.to_string(),
                "earned_back": r.earned_back,
            })).collect::<Vec<_>>(),
            "credits": report.credits.iter().map(|c| json!({
                "period": c.period.to_string(), "total": c.total.to_string(), "capped": c.capped,
                "gross": c.gross.to_string(), "earned_back": c.earned_back.to_string(),
                "annual_capped": c.annual_capped,
            })).collect::<Vec<_>>(),
            "total_credit": report.total_credit().to_string(),
        })
    }

    /// The ledger entry of an `sla` run.
    pub fn run(&self, clock: &Clock, inputs: Vec<crate::audit::ledger::FileRecord>) -> Run {
        Run {
            action: "sla",
            subjects: vec![self.terms.vendor.clone()],
            inputs,
            outputs: Vec::new(),
            result: self.summary(clock),
        }
    }
}

/// Measure one export against one contract.
pub fn sla(workspace: &Workspace, clock: &Clock, request: &SlaRequest) -> Result<Decided<Measured>, PipelineError> {
    let mut loader = Loader::new(workspace.clone()).with_tickets_config(request.tickets_config.clone());
    if request.dry_run {
        loader = loader.without_digests();
    }
    let tickets = workspace.display_path(&request.tickets);
    if !request.contract.is_file() {
        return Err(PipelineError::unusable(format!(
            "{}: no such file (expected a contract.toml)",
            workspace.display_path(&request.contract)
        )));
    }
    let loaded = (|| -> Result<_, Stop> {
        let settings = loader.settings()?;
        let contract = loader.contract(&request.contract)?;
        Ok((settings, contract))
    })();
    let Ok((settings, contract)) = loaded else {
        return Err(PipelineError::Invalid { findings: loader.findings(), doing: "measuring" });
    };
    let terms = contract.terms().map_err(|e| PipelineError::unusable(format!("{}: {e}", contract.path)))?;
    let mut notes = Vec::new();
    if terms.clauses.is_empty() {
        notes.push(format!("{} has no [[sla]] clauses: there is nothing to measure", contract.path));
    }
    let options = ReadOptions::of(&settings);
    let data = loader.tickets(&request.tickets, &terms.rules(), &options).map_err(|err| PipelineError::Unusable {
        message: format!("{tickets}: {err}"),
        help: err.help(),
        notes: notes.clone(),
    })?;
    if let Some(message) = super::tickets::unterminated(&tickets, &data.rows) {
        return Err(PipelineError::Unusable { message, help: None, notes });
    }
    if data.rows.rejected > 0 && request.strict {
        return Err(PipelineError::Unusable {
            message: rejected_rows(&tickets, &data.rows, "--strict refuses the export").trim_end().to_owned(),
            help: None,
            notes,
        });
    }
    notes.extend(super::tickets::notes(&tickets, &data.rows));
    let report = crate::sla::evaluate(&terms, &data.tallies, data.rows, clock.as_of)
        .map_err(|e| PipelineError::unusable(format!("{tickets}: {e}")))?;
    Ok(Decided {
        value: Measured { report, terms, contract: contract.path, tickets },
        inputs: loader.inputs(),
        findings: loader.findings(),
        notes,
    })
}
