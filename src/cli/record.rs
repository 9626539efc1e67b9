//! Recording a run in the workspace's ledger (unless `--dry-run`), with the
//! actor and clock the run captured, signed with the run's key if it has one.

use std::sync::atomic::{AtomicU64, Ordering};

use super::{Env, GlobalOptions};
use vendorscore::audit::ledger::{self, Appended, FileRecord, LEDGER_PATH};
use vendorscore::pipeline::{self, Run, stage_outputs};
use vendorscore::report::Rendered;

/// Append the run's entry, unless `--dry-run`.
pub fn record(global: &GlobalOptions, env: &Env, run: Run) -> anyhow::Result<Option<Appended>> {
    match open_session(global, env)? {
        Some(session) => record_in(global, env, session, run).map(Some),
        None => Ok(None),
    }
}

/// Lock the ledger for a run that must know its entry's seq before it
/// writes (reports print it); `None` with `--dry-run`.
pub fn open_session(global: &GlobalOptions, env: &Env) -> anyhow::Result<Option<ledger::Session>> {
    if global.dry_run {
        return Ok(None);
    }
    // A key that cannot sign stops the run before anything is written.
    env.signer()?;
    Ok(Some(ledger::Session::open(&env.workspace.root.join(LEDGER_PATH))?))
}

/// Append the run's entry in a session opened earlier.
pub fn record_in(global: &GlobalOptions, env: &Env, session: ledger::Session, run: Run) -> anyhow::Result<Appended> {
    let appended = pipeline::record(session, &env.clock()?, env.actor(), env.signer()?, run)?;
    RECORDED.store(appended.seq, Ordering::Relaxed);
    if !global.quiet {
        errln!("recorded as ledger entry {} ({})", appended.seq, &appended.hash[..12]);
    }
    Ok(appended)
}

/// File rendered documents under `out`: staged beside their targets, the
/// run's entry (built from the staged outputs) appended in `session`, then
/// moved into place, each path printed (docs/architecture.md, write order).
pub fn file(
    global: &GlobalOptions,
    env: &Env,
    session: Option<ledger::Session>,
    out: &std::path::Path,
    documents: &[Rendered],
    run: impl FnOnce(Vec<FileRecord>) -> Run,
) -> anyhow::Result<()> {
    let staged = stage_outputs(&env.workspace, out, documents)?;
    if let Some(session) = session {
        record_in(global, env, session, run(staged.outputs()))?;
    }
    for path in &staged.commit()? {
        outln!("{path}");
    }
    Ok(())
}

/// Render documents that print their own ledger entry's number, then
/// [`file`] them: the lock is taken first, so the number is the one the
/// entry gets (`notice`, and the demo's report and notice steps).
pub fn render_and_file(
    global: &GlobalOptions,
    env: &Env,
    out: &std::path::Path,
    render: impl FnOnce(Option<u64>) -> anyhow::Result<Vec<Rendered>>,
    run: impl FnOnce(Vec<FileRecord>) -> Run,
) -> anyhow::Result<()> {
    let session = open_session(global, env)?;
    let documents = render(session.as_ref().map(|s| s.next_seq()))?;
    file(global, env, session, out, &documents, run)
}

static RECORDED: AtomicU64 = AtomicU64::new(0);

/// The ledger entry this run appended, if any: an error after it says so.
pub fn recorded() -> Option<u64> {
    Some(RECORDED.load(Ordering::Relaxed)).filter(|&seq| seq > 0)
}
