//! One function per decision: load → decide → (render) → record, as library
//! calls. Each takes plain values (the [`Clock`], read options, the vendors
//! selected and the cohort) and returns typed results, the inputs read and
//! the diagnostics raised. Nothing here prints, reads the clock or the
//! environment: the CLI captures those once and passes them in, and renders
//! the results.
//!
//! - [`score`]: score and rank a cohort, show a selection of it;
//! - [`check`]: contracts against compliance policies;
//! - [`sla`]: one ticket export against one contract;
//! - [`report`]: scorecards and the comparison, with findings and SLA results;
//! - [`diff`]: one cohort under two rubric versions, or two recorded score runs;
//! - [`sensitivity`]: how the ranking stands up to moved weights and a removed bidder;
//! - [`due`]: tiers and the dates that fall due (SPEC section 14);
//! - [`trend`]: score and SLA history from the ledger, changes attributed;
//! - [`notice`]: award notices to the vendors that did not win a recorded run;
//! - [`questionnaire`]: a rubric as a questionnaire workbook, and a returned one as `vendor.toml`.

pub mod check;
pub mod diff;
pub mod due;
mod history;
pub mod notice;
pub mod questionnaire;
pub mod report;
pub mod score;
pub mod sensitivity;
pub mod sla;
mod tickets;
pub mod trend;

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::audit::ledger::{self, Appended, FileRecord, Record};
use crate::audit::sign::Signer;
use crate::load::Findings;
use crate::model::Date;
use crate::workspace::Workspace;

/// The tool name and version every ledger entry and report records.
pub const TOOL: &str = concat!("vendorscore ", env!("CARGO_PKG_VERSION"));

/// When a run happens, captured once by the caller. Every date of a run
/// derives from it by one rule:
///
/// - `now`: `SOURCE_DATE_EPOCH` when set, else the system clock at start;
/// - the as-of date: `--as-of`, else the UTC date of `now`;
/// - the ledger's `time`: `now`;
/// - the creation date in documents: `now` when `SOURCE_DATE_EPOCH` fixes
///   it; else, when `--as-of` fixes the date, midnight UTC of that date (so
///   a fixed `--as-of` alone gives byte-identical PDFs); else `now`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clock {
    /// Seconds since 1970, UTC.
    pub now: i64,
    /// Whether `now` was fixed (`SOURCE_DATE_EPOCH`) rather than read from the clock.
    pub fixed: bool,
    pub as_of: Date,
    /// Whether the as-of date was given (`--as-of`) rather than taken from `now`.
    pub as_of_given: bool,
}

/// Why a clock could not be set.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClockError {
    #[error("SOURCE_DATE_EPOCH={0}: expected whole seconds since 1970 (0 to 253402300799)")]
    Epoch(String),
    #[error("--as-of {0}: expected a date like 2026-11-21")]
    AsOf(String),
}

impl Clock {
    /// The clock from `SOURCE_DATE_EPOCH` (if set), `--as-of` (if given) and the system time.
    pub fn new(epoch: Option<&str>, as_of: Option<&str>, system_now: i64) -> Result<Clock, ClockError> {
        let fixed = match epoch {
            Some(text) => Some(
                text.trim()
                    .parse::<i64>()
                    .ok()
                    .filter(|s| (0..=253_402_300_799).contains(s))
                    .ok_or_else(|| ClockError::Epoch(text.to_owned()))?,
            ),
            None => None,
        };
        let now = fixed.unwrap_or(system_now);
        let given = match as_of {
            Some(text) => Some(Date::parse(text).ok_or_else(|| ClockError::AsOf(text.to_owned()))?),
            None => None,
        };
        let today = Date(crate::model::utc_datetime(now).ok_or_else(|| ClockError::Epoch(now.to_string()))?.date());
        Ok(Clock { now, fixed: fixed.is_some(), as_of: given.unwrap_or(today), as_of_given: given.is_some() })
    }

    /// The ledger entry's `time`.
    pub fn ledger_time(&self) -> String {
        ledger::timestamp(self.now)
    }

    /// The creation time written into documents, in Unix seconds.
    pub fn document_seconds(&self) -> i64 {
        if !self.fixed && self.as_of_given { self.as_of.day_number() * 86_400 } else { self.now }
    }

    /// [`Clock::document_seconds`] as a UTC date and time.
    pub fn document_time(&self) -> jiff::civil::DateTime {
        crate::model::utc_datetime(self.document_seconds()).unwrap_or_default()
    }
}

/// Which vendors a decision is about.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// The vendor folders to show; empty: every vendor of the cohort.
    pub vendors: Vec<PathBuf>,
    /// The vendors scored and ranked together (the price cohort); empty:
    /// every vendor of the workspace.
    pub cohort: Vec<PathBuf>,
}

/// A decision's result with the inputs it read and what loading found.
#[derive(Debug)]
pub struct Decided<T> {
    pub value: T,
    /// Every file read, sorted by path: the ledger entry's `inputs`.
    pub inputs: Vec<FileRecord>,
    /// Warnings raised while loading (errors stop the decision).
    pub findings: Findings,
    /// Other warnings, one sentence each (rows of a ticket export that could not be read, …).
    pub notes: Vec<String>,
}

/// Why a decision could not be made (the CLI's exit 2).
#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    /// Inputs have errors; `findings` holds them with their sources.
    #[error("the inputs above must be fixed before {doing} (see `vendorscore validate`)")]
    Invalid { findings: Findings, doing: &'static str },
    /// A policy rule cannot be evaluated: the check would be incomplete.
    #[error("a policy rule cannot be evaluated, so the check is incomplete; fix the rule above")]
    Unevaluable { findings: Findings },
    /// Something else makes the run impossible; the message says what to do.
    #[error("{message}")]
    Unusable { message: String, help: Option<String>, notes: Vec<String> },
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

impl PipelineError {
    fn unusable(message: impl Into<String>) -> PipelineError {
        PipelineError::Unusable { message: message.into(), help: None, notes: Vec::new() }
    }
}

/// What a run did, for its ledger entry.
#[derive(Debug, Clone)]
pub struct Run {
    pub action: &'static str,
    pub subjects: Vec<String>,
    pub inputs: Vec<FileRecord>,
    pub outputs: Vec<FileRecord>,
    pub result: Value,
}

/// Start, on one other thread, work that a run rendering PDFs needs
/// whatever the workspace holds, so that it overlaps the loading: the
/// contract schema, the built-in policies (checked unless the workspace
/// names others) and the built-in fonts' reduced copies. Once per process;
/// each piece is kept where its first user finds it (a user that comes
/// first waits for it or does it itself), so results do not depend on it.
pub fn prepare_in_background() {
    static STARTED: std::sync::Once = std::sync::Once::new();
    STARTED.call_once(|| {
        // Should the thread not start, each piece is done when first needed.
        let _ = std::thread::Builder::new().name("prepare".into()).spawn(|| {
            crate::validate::prepare_schema(crate::model::FileKind::Contract);
            for policy in crate::builtin::under("policies") {
                crate::validate::load_builtin_once(policy, crate::model::FileKind::Policy);
            }
            crate::report::pdf::fonts::reduce_builtin();
        });
    });
}

/// Append a run's entry to the ledger in an open session, signed when a signer is given.
pub fn record(
    session: ledger::Session,
    clock: &Clock,
    actor: &str,
    signer: Option<&Signer>,
    run: Run,
) -> Result<Appended, ledger::LedgerError> {
    let record = Record {
        time: clock.ledger_time(),
        actor: actor.to_owned(),
        action: run.action.to_owned(),
        tool: TOOL.to_owned(),
        subjects: run.subjects,
        inputs: run.inputs,
        outputs: run.outputs,
        result: run.result,
    };
    session.append(&record, signer)
}

/// Documents written to temporary files beside their destinations, synced,
/// not yet in place. The order of a run that writes is: stage, append the
/// ledger entry, [`Staged::commit`]. A run stopped before the entry leaves
/// the earlier files as they were (and no entry); one stopped after it
/// leaves an entry whose outputs `audit verify` reports as not matching.
pub struct Staged<'a> {
    files: Vec<(tempfile::NamedTempFile, PathBuf)>,
    documents: &'a [crate::report::Rendered],
    /// Where each document will be, as shown (workspace-relative).
    paths: Vec<String>,
}

/// Stage documents for `out`.
pub fn stage_outputs<'a>(
    workspace: &Workspace,
    out: &Path,
    documents: &'a [crate::report::Rendered],
) -> std::io::Result<Staged<'a>> {
    use std::io::Write as _;
    if out.exists() && !out.is_dir() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::AlreadyExists,
            format!("{}: is a file, not a folder to write the reports to", workspace.display_path(out)),
        ));
    }
    std::fs::create_dir_all(out).map_err(|e| std::io::Error::new(e.kind(), format!("{}: {e}", out.display())))?;
    // Written and synced on every core: a batch of reports waits on the disk, not the CPU.
    let files = crate::parallel::map(documents, 0, |document| {
        let path = out.join(&document.name);
        let context = |e: std::io::Error| std::io::Error::new(e.kind(), format!("{}: {e}", path.display()));
        let mut temp =
            tempfile::Builder::new().prefix(".vendorscore-").suffix(".tmp").tempfile_in(out).map_err(context)?;
        temp.write_all(&document.bytes).map_err(context)?;
        crate::output::set_output_permissions(temp.as_file(), &path).map_err(context)?;
        temp.as_file().sync_all().map_err(context)?;
        Ok((temp, path))
    });
    // The first failure stops the run; every temporary file is removed as it is dropped.
    let files = files.into_iter().collect::<std::io::Result<Vec<_>>>()?;
    let paths = files.iter().map(|(_, path)| workspace.display_path(path)).collect();
    Ok(Staged { files, documents, paths })
}

impl Staged<'_> {
    /// What will be in place, for the ledger: each document's path, size
    /// and digest (hashed here, only for a run that records).
    pub fn outputs(&self) -> Vec<FileRecord> {
        let digests =
            crate::parallel::map(self.documents, 0, |document| crate::audit::hash::sha256_hex(&document.bytes));
        let records = self.paths.iter().zip(self.documents).zip(digests);
        records
            .map(|((path, document), sha256)| FileRecord {
                path: path.clone(),
                bytes: document.bytes.len() as u64,
                sha256,
            })
            .collect()
    }

    /// Rename every staged file into place; the paths, as shown.
    pub fn commit(self) -> std::io::Result<Vec<String>> {
        for (temp, path) in self.files {
            temp.persist(&path)
                .map_err(|e| std::io::Error::new(e.error.kind(), format!("{}: {}", path.display(), e.error)))?;
        }
        Ok(self.paths)
    }
}

/// The vendor folders of the cohort, and of those the ones to show.
fn cohort_and_shown(
    loader: &crate::load::Loader,
    selection: &Selection,
) -> Result<(Vec<PathBuf>, Vec<PathBuf>), PipelineError> {
    let cohort = if selection.cohort.is_empty() { loader.vendor_dirs() } else { selection.cohort.clone() };
    let shown = if selection.vendors.is_empty() { cohort.clone() } else { selection.vendors.clone() };
    let workspace = loader.workspace();
    for dir in &selection.vendors {
        if !dir.join("vendor.toml").is_file() {
            return Err(PipelineError::unusable(format!(
                "{} holds no vendor.toml: a vendor folder is vendors/<id>/ with a vendor.toml inside",
                workspace.display_path(dir)
            )));
        }
    }
    let members: std::collections::HashSet<&PathBuf> = cohort.iter().collect();
    for dir in &shown {
        if !members.contains(dir) {
            let place = if selection.cohort.is_empty() { "the workspace's vendors/" } else { "the --cohort folders" };
            return Err(PipelineError::unusable(format!(
                "{} is not one of {place}: a vendor is scored and ranked within its cohort; add it with --cohort",
                workspace.display_path(dir)
            )));
        }
    }
    Ok((cohort, shown))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_rule_dates_a_run() {
        // 2026-11-21T10:00:00Z
        let fixed = Clock::new(Some("1795255200"), None, 0).unwrap();
        assert_eq!(fixed.as_of.to_string(), "2026-11-21");
        assert_eq!(fixed.ledger_time(), "2026-11-21T10:00:00Z");
        assert_eq!(fixed.document_seconds(), 1_795_255_200);

        // --as-of alone fixes the date, so documents are dated at its midnight; the ledger keeps real time.
        let as_of = Clock::new(None, Some("2026-06-30"), 1_795_255_200).unwrap();
        assert_eq!(as_of.as_of.to_string(), "2026-06-30");
        assert_eq!(as_of.ledger_time(), "2026-11-21T10:00:00Z");
        assert_eq!(as_of.document_seconds(), 1_782_777_600); // 2026-06-30T00:00:00Z

        // Both: the epoch dates the documents and the ledger, --as-of the decisions.
        let both = Clock::new(Some("1795255200"), Some("2026-06-30"), 0).unwrap();
        assert_eq!(both.as_of.to_string(), "2026-06-30");
        assert_eq!(both.document_seconds(), 1_795_255_200);

        let system = Clock::new(None, None, 1_795_255_200).unwrap();
        assert!(!system.fixed && !system.as_of_given);
        assert_eq!(system.as_of.to_string(), "2026-11-21");
    }

    #[test]
    fn malformed_or_out_of_range_clocks_are_refused() {
        for epoch in ["-1", "soon", "253402300800", "1e9"] {
            assert_eq!(Clock::new(Some(epoch), None, 0), Err(ClockError::Epoch(epoch.to_owned())), "{epoch}");
        }
        assert!(matches!(Clock::new(None, Some("2026-13-01"), 0), Err(ClockError::AsOf(_))));
    }
}
