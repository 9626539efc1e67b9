//! Output that cannot be written: a closed pipe ends the output quietly with
//! the status the run decided; a full disk is an error (exit 2); never a panic.

use std::process::{Command, Stdio};

use crate::score::sample;

fn binary() -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("vendorscore"));
    cmd.env("SOURCE_DATE_EPOCH", "1795255200").env("NO_COLOR", "1").env_remove("VENDORSCORE_WORKSPACE");
    cmd
}

/// Run with stdout a pipe whose reader is gone before anything is written.
fn with_closed_stdout(cmd: &mut Command) -> (Option<i32>, String) {
    let mut child = cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    (output.status.code(), String::from_utf8_lossy(&output.stderr).into_owned())
}

#[test]
fn a_closed_pipe_keeps_the_decided_exit_status() {
    let dir = sample();
    let ws = dir.path().join("ws");
    // The sample contracts fail rules at `high`: the status is 1 whoever reads.
    let (code, stderr) = with_closed_stdout(binary().current_dir(&ws).args(["check", "--format", "json", "--dry-run"]));
    assert_eq!(code, Some(1), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    let (code, stderr) = with_closed_stdout(binary().current_dir(&ws).args(["check", "--format", "csv", "--dry-run"]));
    assert_eq!(code, Some(1), "{stderr}");
    let (code, stderr) = with_closed_stdout(binary().args(["completions", "bash"]));
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stderr.is_empty(), "a reader that stopped reading is not an error: {stderr}");
}

#[test]
fn a_closed_stderr_pipe_is_no_panic() {
    let dir = sample();
    let ws = dir.path().join("ws");
    let mut child =
        binary().current_dir(&ws).args(["validate"]).stdout(Stdio::null()).stderr(Stdio::piped()).spawn().unwrap();
    drop(child.stderr.take());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0), "the sample validates (with one warning nobody read)");
}

#[test]
#[cfg(target_os = "linux")]
fn a_full_disk_is_an_error_not_a_panic() {
    let dir = sample();
    let ws = dir.path().join("ws");
    let full = || Stdio::from(std::fs::OpenOptions::new().write(true).open("/dev/full").unwrap());
    let run = |args: &[&str], stdout: Stdio, stderr: Stdio| {
        let output = binary().current_dir(&ws).args(args).stdout(stdout).stderr(stderr).output().unwrap();
        (output.status.code(), String::from_utf8_lossy(&output.stderr).into_owned())
    };
    let (code, stderr) = run(&["completions", "bash"], full(), Stdio::piped());
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("cannot write the results to stdout") && !stderr.contains("panicked"), "{stderr}");
    // Diagnostics that cannot be written are lost, not fatal.
    let (code, _) = run(&["score", "--dry-run"], Stdio::null(), full());
    assert_eq!(code, Some(0));
    // Results that cannot be written after the run was recorded say so.
    let entry = crate::ledger_entries(&ws) + 1;
    let (code, stderr) = run(&["score"], full(), Stdio::piped());
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains(&format!("the run is recorded as ledger entry {entry}")), "{stderr}");
}
