//! Hostile workspaces: links out of the templates folder, templates and
//! policy rules that try to exhaust memory or output, and ledgers that name
//! files outside the workspace. Each run must end with a clear error (or a
//! clear "not checked"), never a panic, a hang or another file's content.

use predicates::prelude::*;

use crate::score::sample;
use crate::vendorscore;

#[cfg(unix)]
#[test]
fn report_refuses_an_included_template_that_links_outside_the_workspace() {
    let dir = sample();
    let ws = dir.path().join("ws");
    std::fs::write(dir.path().join("secret.txt"), "root:x:0:0:secret\n").unwrap();
    std::fs::create_dir_all(ws.join("templates")).unwrap();
    std::os::unix::fs::symlink(dir.path().join("secret.txt"), ws.join("templates/evil.j2")).unwrap();
    std::fs::write(ws.join("templates/scorecard.md.j2"), "# {{ vendor.name }}\n{% include \"evil.j2\" %}\n").unwrap();
    vendorscore(&ws)
        .args(["report", "--out", "r", "--format", "md"])
        .assert()
        .code(2)
        .stdout(predicate::str::contains("root:x").not())
        .stderr(predicate::str::contains("templates/evil.j2").and(predicate::str::contains("symbolic link")))
        .stderr(predicate::str::contains("root:x").not());
    assert!(!ws.join("r/northwind-cx.md").exists());
}

/// A policy whose one rule joins `subject` with a 100-character separator
/// three times: tens of MB (five times asked for 8 GB and aborted).
fn join_bomb_policy(subject: &str) -> String {
    let joins = format!(" | join('{}')", "x".repeat(99)).repeat(3);
    format!(
        "[policy]\nid = \"bomb\"\nname = \"Bomb\"\nversion = \"1.0.0\"\n\n[[rule]]\nid = \"bomb\"\ntitle = \"Bomb\"\n\
         severity = \"high\"\nrequire = \"{subject}{joins} | length > 0\"\n"
    )
}

#[test]
fn validate_refuses_a_join_bomb_at_the_rule_s_require() {
    let dir = sample();
    let ws = dir.path().join("ws");
    std::fs::create_dir_all(ws.join("policies")).unwrap();
    std::fs::write(ws.join("policies/bomb.toml"), join_bomb_policy("'abcdefghij'")).unwrap();
    vendorscore(&ws)
        .arg("validate")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("policies/bomb.toml:10:11"))
        .stderr(predicate::str::contains("`join` would build a value larger than 1 MiB"));
}

#[test]
fn check_stops_a_join_bomb_over_contract_values_with_a_located_error() {
    let dir = sample();
    let ws = dir.path().join("ws");
    std::fs::create_dir_all(ws.join("policies")).unwrap();
    std::fs::write(ws.join("policies/bomb.toml"), join_bomb_policy("contract.title")).unwrap();
    vendorscore(&ws)
        .args(["check", "--policy", "policies/bomb.toml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("VS0403").and(predicate::str::contains("policies/bomb.toml:10:")))
        .stderr(predicate::str::contains("rule `bomb` cannot be evaluated"))
        .stderr(predicate::str::contains("would build"));
}

#[test]
fn report_stops_a_template_that_would_write_a_huge_value() {
    let dir = sample();
    let ws = dir.path().join("ws");
    std::fs::create_dir_all(ws.join("templates")).unwrap();
    // Wave 1 wrote a 1 GB report for `%1000000000d`; a width of 100000 shows the limit as cheaply.
    std::fs::write(ws.join("templates/scorecard.md.j2"), "# {{ vendor.name }}\n{{ '%100000d' | format(1) }}\n")
        .unwrap();
    vendorscore(&ws)
        .args(["report", "--out", "r", "--format", "md"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("templates/scorecard.md.j2:2"))
        .stderr(predicate::str::contains("`format` takes a width of at most 1000"));
    assert!(!ws.join("r/northwind-cx.md").exists());
}

#[test]
fn audit_verify_neither_hashes_nor_hangs_on_paths_outside_the_workspace() {
    use vendorscore::audit::ledger::{FileRecord, LEDGER_PATH, Record, append, timestamp};
    let dir = sample();
    let ws = dir.path().join("ws");
    // A validly chained entry naming files outside the workspace.
    let record = Record {
        time: timestamp(1_795_255_300),
        actor: "mallory@example.com".into(),
        action: "score".into(),
        tool: "vendorscore 0.1.0".into(),
        subjects: vec![],
        inputs: ["/etc/passwd", "/dev/zero", "../../etc/hostname"]
            .iter()
            .map(|p| FileRecord { path: (*p).into(), bytes: 1, sha256: "0".repeat(64) })
            .collect(),
        outputs: vec![],
        result: serde_json::json!({}),
    };
    append(&ws.join(LEDGER_PATH), &record).unwrap();
    let output = vendorscore(&ws)
        .args(["audit", "verify"])
        // Only a safety net: wave 1 read /dev/zero for ever.
        .timeout(std::time::Duration::from_secs(120))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}{}", String::from_utf8_lossy(&output.stderr));
    // Listed as not checked, never hashed or compared.
    for path in ["/etc/passwd", "/dev/zero", "../../etc/hostname"] {
        assert!(stdout.contains(&format!("{path}: outside the workspace, not checked")), "{stdout}");
    }
    assert!(!stdout.contains("changed: recorded"), "{stdout}");
}
