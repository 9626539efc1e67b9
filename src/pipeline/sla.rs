//! SLA attainment for one ticket export against one contract: load the
//! contract through validation, read the export once (hashing the bytes
//! counted), decide every clause per period and the credits owed.

use std::path::PathBuf;

use serde_json::{Value, json};

use super::tickets::rejected_rows;

use super::{Clock, Decided, PipelineError, Run};
use crate::diag::Code;
use crate::load::tickets::TicketError;
use crate::load::{Loader, Stop};
use crate::progress::Observer;
use crate::sla::{ReadError, ReadOptions, Report, Terms};
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

/// The vendors `sla` measures when no export is named: every vendor folder
/// holding both a contract.toml and a tickets.csv, in folder order, with a
/// note for each folder holding only one of the two. `strict` and
/// `tickets_config` apply to every request.
pub fn every_vendor(
    workspace: &Workspace,
    strict: bool,
    tickets_config: Option<PathBuf>,
) -> Result<(Vec<SlaRequest>, Vec<String>), PipelineError> {
    let (mut requests, mut notes) = (Vec::new(), Vec::new());
    for dir in Loader::new(workspace.clone()).vendor_dirs() {
        let (contract, tickets) = (dir.join("contract.toml"), dir.join("tickets.csv"));
        let shown = workspace.display_path(&dir);
        match (contract.is_file(), tickets.is_file()) {
            (true, true) => requests.push(SlaRequest {
                tickets,
                contract,
                strict,
                dry_run: false,
                tickets_config: tickets_config.clone(),
            }),
            (true, false) => notes.push(format!("{shown} has a contract but no tickets.csv: not measured")),
            (false, true) => notes.push(format!("{shown} has a tickets.csv but no contract.toml: not measured")),
            (false, false) => {}
        }
    }
    if requests.is_empty() {
        return Err(PipelineError::Unusable {
            message: "no folder under vendors/ holds both contract.toml and tickets.csv: name a ticket export and --contract FILE".to_owned(),
            help: None,
            notes,
        });
    }
    Ok((requests, notes))
}

/// Measure one export against one contract.
pub fn sla(workspace: &Workspace, clock: &Clock, request: &SlaRequest) -> Result<Decided<Measured>, PipelineError> {
    sla_observed(workspace, clock, request, &Observer::default())
}

/// [`sla`], telling `progress` the bytes of the export read.
pub fn sla_observed(
    workspace: &Workspace,
    clock: &Clock,
    request: &SlaRequest,
    progress: &Observer,
) -> Result<Decided<Measured>, PipelineError> {
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
    let options = ReadOptions {
        progress: progress.clone(),
        ..ReadOptions::of(&settings).from_file(loader.tickets_settings_file())
    };
    let data = match loader.tickets(&request.tickets, &terms.rules(), &options) {
        Ok(data) => data,
        Err(TicketError::Read(mismatch @ ReadError::ClockMismatch { rule, .. })) => {
            // Validation cannot see it when the preset was recognised from the export's header.
            let clause = terms.clauses.get(rule).and_then(|c| contract.file.sla.iter().find(|s| s.id.value == c.id));
            let span = clause.map(|c| c.clock.as_ref().map_or(c.metric.span.clone(), |clock| clock.span.clone()));
            if let Some(source) = loader.file(&request.contract).map(|f| f.source.clone()) {
                loader.keep_source(source);
            }
            let id = clause.map_or("?", |c| c.id.value.as_str());
            loader
                .diagnostics()
                .report(Code::DurationClock, &contract.path, span, format!("clause `{id}`: {tickets}: {mismatch}"))
                .add_help(
                    "measure the clause on the duration's clock, or map a duration counted on the clause's clock",
                );
            return Err(PipelineError::Invalid { findings: loader.findings(), doing: "measuring" });
        }
        Err(err) => {
            return Err(PipelineError::Unusable {
                message: format!("{tickets}: {err}"),
                help: err.help(),
                notes: notes.clone(),
            });
        }
    };
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
    notes.extend(super::tickets::notes(&tickets, &data.rows, options.settings_file()));
    let report = crate::sla::evaluate(&terms, &data.tallies, data.rows, clock.as_of)
        .map_err(|e| PipelineError::unusable(format!("{tickets}: {e}")))?;
    Ok(Decided {
        value: Measured { report, terms, contract: contract.path, tickets },
        inputs: loader.inputs(),
        findings: loader.findings(),
        notes,
    })
}
