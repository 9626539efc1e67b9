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
    if global.dry_run {
        return Ok(None);
    }
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
    let appended = ledger::append(&workspace.root.join(LEDGER_PATH), &record)?;
    if !global.quiet {
        eprintln!("recorded as ledger entry {} ({})", appended.seq, &appended.hash[..12]);
    }
    Ok(Some(appended))
}
