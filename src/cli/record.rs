//! Recording a run in the workspace's ledger: who, when, and what the
//! library decided. The clock, the environment and git are read here, at
//! the edge, never in the library.

use std::process::Command;

use serde_json::Value;

use super::{Env, GlobalOptions};
use vendorscore::audit::ledger::{self, Appended, FileRecord, LEDGER_PATH, Record};
use vendorscore::workspace::Workspace;

/// The tool name and version recorded in every entry.
pub fn tool() -> String {
    format!("vendorscore {}", env!("CARGO_PKG_VERSION"))
}

/// Who runs the command: `--actor`, `VENDORSCORE_ACTOR`, git's `user.email`, the login name.
pub fn actor(global: &GlobalOptions, workspace: &Workspace) -> String {
    let from_env = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
    global
        .actor
        .clone()
        .or_else(|| from_env("VENDORSCORE_ACTOR"))
        .or_else(|| {
            let output =
                Command::new("git").args(["config", "user.email"]).current_dir(&workspace.root).output().ok()?;
            let email = String::from_utf8(output.stdout).ok()?.trim().to_owned();
            (output.status.success() && !email.is_empty()).then_some(email)
        })
        .or_else(|| from_env("USER"))
        .or_else(|| from_env("LOGNAME"))
        .unwrap_or_else(|| "unknown".to_owned())
}

/// Now, as whole seconds since 1970 (`SOURCE_DATE_EPOCH` fixes it).
pub fn now(env: &Env) -> anyhow::Result<i64> {
    match &env.source_date_epoch {
        Some(epoch) => epoch.parse().map_err(|_| anyhow::anyhow!("SOURCE_DATE_EPOCH={epoch}: expected whole seconds")),
        None => Ok(time::OffsetDateTime::now_utc().unix_timestamp()),
    }
}

/// What a run did, for its ledger entry.
pub struct Run<'a> {
    pub action: &'a str,
    pub subjects: Vec<String>,
    pub inputs: Vec<FileRecord>,
    pub outputs: Vec<FileRecord>,
    pub result: Value,
}

/// Append the run's entry, unless `--dry-run`.
pub fn record(
    global: &GlobalOptions,
    env: &Env,
    workspace: &Workspace,
    run: Run<'_>,
) -> anyhow::Result<Option<Appended>> {
    match open_session(global, workspace)? {
        Some(session) => record_in(global, env, workspace, session, run).map(Some),
        None => Ok(None),
    }
}

/// Lock the ledger for a run that must know its entry's seq before it
/// writes (reports print it); `None` with `--dry-run`.
pub fn open_session(global: &GlobalOptions, workspace: &Workspace) -> anyhow::Result<Option<ledger::Session>> {
    if global.dry_run {
        return Ok(None);
    }
    Ok(Some(ledger::Session::open(&workspace.root.join(LEDGER_PATH))?))
}

/// Append the run's entry in a session opened earlier.
pub fn record_in(
    global: &GlobalOptions,
    env: &Env,
    workspace: &Workspace,
    session: ledger::Session,
    run: Run<'_>,
) -> anyhow::Result<Appended> {
    let record = Record {
        time: ledger::timestamp(now(env)?),
        actor: actor(global, workspace),
        action: run.action.to_owned(),
        tool: tool(),
        subjects: run.subjects,
        inputs: run.inputs,
        outputs: run.outputs,
        result: run.result,
    };
    let appended = session.append(&record)?;
    if !global.quiet {
        eprintln!("recorded as ledger entry {} ({})", appended.seq, &appended.hash[..12]);
    }
    Ok(appended)
}
