//! Integration tests: the binary run the way a user runs it, and the
//! diagnostic fixtures under `tests/fixtures/`.

mod audit;
mod boundary;
mod check;
mod declarations;
mod diff;
mod docs;
mod due;
mod fixtures;
mod history;
mod html;
mod manners;
mod moderation;
mod notice;
mod output;
mod questionnaire;
mod references;
mod regimes;
mod report;
mod sandbox;
mod schemas;
mod score;
mod sensitivity;
mod signed;
mod sla;
mod tagged;
mod tickets;
mod trend;
mod validate;
mod workspace;

use std::path::{Path, PathBuf};

/// How many entries a workspace's ledger holds (the demo's count changes as
/// the demo grows: tests count rather than hard-code it).
pub fn ledger_entries(ws: &Path) -> usize {
    std::fs::read_to_string(ws.join("audit/ledger.jsonl")).map_or(0, |t| t.lines().count())
}

/// The repository root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `vendorscore` with a fixed environment, run in `dir`.
pub fn vendorscore(dir: &Path) -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("vendorscore").expect("binary builds");
    cmd.current_dir(dir)
        .env_remove("VENDORSCORE_WORKSPACE")
        .env_remove("VENDORSCORE_ACTOR")
        .env_remove("VENDORSCORE_SIGNING_KEY")
        .env("SOURCE_DATE_EPOCH", "1795255200")
        .env("NO_COLOR", "1");
    cmd
}

/// Whether an external tool a test needs is here. Under CI (`CI` set, as
/// `.ci/run` does) its absence fails the test; elsewhere the test is
/// skipped, saying so.
pub fn needs(what: &str, present: bool, install: &str) -> bool {
    if present {
        return true;
    }
    assert!(std::env::var_os("CI").is_none(), "{what} is missing ({install}); .ci/run installs it");
    eprintln!("SKIPPED: no {what} here ({install}); .ci/run installs it");
    false
}

/// Whether `program` runs (found on the PATH).
pub fn has_program(program: &str) -> bool {
    std::process::Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .output()
        .is_ok_and(|o| o.status.success())
}
