//! The ledger as compliance uses it: runs recorded, `audit verify | head |
//! log | show | recover`, tampering detected, and an independent checker.

use predicates::prelude::*;
use serde_json::Value;

use crate::score::sample;
use crate::{repo, vendorscore};

fn ledger_lines(ws: &std::path::Path) -> Vec<String> {
    std::fs::read_to_string(ws.join("audit/ledger.jsonl")).unwrap().lines().map(str::to_owned).collect()
}

#[test]
fn runs_are_recorded_unless_dry_run() {
    let dir = sample();
    let ws = dir.path().join("ws");
    let before = ledger_lines(&ws).len(); // the demo scored once
    let output =
        vendorscore(&ws).args(["score", "--format", "json", "--actor", "a.kowalska@example.com"]).output().unwrap();
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["ledger"]["seq"], (before + 1) as u64);
    let dry = vendorscore(&ws).args(["score", "--format", "json", "--dry-run"]).output().unwrap();
    let json: Value = serde_json::from_slice(&dry.stdout).unwrap();
    assert!(json.get("ledger").is_none());
    let lines = ledger_lines(&ws);
    assert_eq!(lines.len(), before + 1);
    let entry: Value = serde_json::from_str(lines.last().unwrap()).unwrap();
    assert_eq!(entry["actor"], "a.kowalska@example.com");
    assert_eq!(entry["time"], "2026-11-21T10:00:00Z");
    assert_eq!(entry["action"], "score");
    assert_eq!(entry["result"]["vendors"][0]["score"], "85.15");
    let inputs: Vec<&str> = entry["inputs"].as_array().unwrap().iter().map(|i| i["path"].as_str().unwrap()).collect();
    assert!(inputs.contains(&"builtin:ecommerce-outsourcing"));
    assert!(inputs.contains(&"vendors/northwind-cx/evidence/dpa-signed.txt"));
    assert!(inputs.contains(&"vendors/aero-support/evaluations/a.kowalska.toml"));
    assert!(inputs.windows(2).all(|w| w[0] < w[1]), "sorted by path");
}

#[test]
fn verify_head_log_and_show() {
    let dir = sample();
    let ws = dir.path().join("ws");
    vendorscore(&ws).args(["score", "-q"]).assert().success();
    let n = ledger_lines(&ws).len();
    vendorscore(&ws)
        .args(["audit", "verify"])
        .assert()
        .code(0)
        .stdout(predicate::str::starts_with(format!("ok: {n} entries, head {n} ")));
    let json: Value = serde_json::from_slice(
        &vendorscore(&ws).args(["audit", "verify", "--format", "json"]).output().unwrap().stdout,
    )
    .unwrap();
    assert_eq!((json["ok"].as_bool(), json["entries"].as_u64()), (Some(true), Some(n as u64)));
    assert!(json["files"]["checked"].as_u64().unwrap() > 30);
    let head = String::from_utf8(vendorscore(&ws).args(["audit", "head"]).output().unwrap().stdout).unwrap();
    assert_eq!(head.trim(), format!("{n} {}", json["head"]["hash"].as_str().unwrap()));
    let log = String::from_utf8(vendorscore(&ws).args(["audit", "log"]).output().unwrap().stdout).unwrap();
    assert_eq!(log.lines().count(), n);
    assert!(log.lines().last().unwrap().contains("#1 northwind-cx 85.15"), "{log}");
    let show = vendorscore(&ws).args(["audit", "show", &n.to_string()]).output().unwrap();
    let entry: Value = serde_json::from_slice(&show.stdout).unwrap();
    assert_eq!(entry["seq"], n as u64);
    vendorscore(&ws)
        .args(["audit", "show", "99"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no entry with seq 99"));
}

#[test]
fn a_torn_line_is_reported_refused_and_recovered() {
    let dir = sample();
    let ws = dir.path().join("ws");
    let ledger = ws.join("audit/ledger.jsonl");
    let torn = ledger_lines(&ws).len() + 1;
    let mut bytes = std::fs::read(&ledger).unwrap();
    bytes.extend_from_slice(b"{\"action\":\"score\",\"act");
    std::fs::write(&ledger, &bytes).unwrap();
    vendorscore(&ws)
        .args(["audit", "verify"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(format!("audit/ledger.jsonl:{torn}: torn last line (22 bytes")));
    vendorscore(&ws).args(["score"]).assert().code(2).stderr(
        predicate::str::contains(format!("line {torn} is incomplete"))
            .and(predicate::str::contains("vendorscore audit recover")),
    );
    assert_eq!(std::fs::read(&ledger).unwrap(), bytes, "the ledger is never rewritten by a writer");
    vendorscore(&ws).args(["audit", "recover"]).assert().success().stdout(predicate::str::contains("22 bytes"));
    assert_eq!(std::fs::read(ws.join("audit/ledger.jsonl.torn-1")).unwrap(), b"{\"action\":\"score\",\"act");
    vendorscore(&ws).args(["score", "-q"]).assert().success();
    vendorscore(&ws).args(["audit", "verify"]).assert().code(0);
}

#[test]
fn an_independent_checker_verifies_the_ledger_from_the_docs() {
    let docs = std::fs::read_to_string(repo().join("docs/ledger.md")).unwrap();
    let script =
        docs.split("```python\n").nth(1).and_then(|s| s.split("```").next()).expect("the docs hold a Python checker");
    let dir = sample();
    let ws = dir.path().join("ws");
    // A signed entry too: its hash leaves the signature out, as the checker does.
    vendorscore(&ws).args(["score", "-q", "--signing-key"]).arg(repo().join("tests/cli/keys/alice")).assert().success();
    assert!(std::fs::read_to_string(ws.join("audit/ledger.jsonl")).unwrap().contains("\"signature\":"));
    vendorscore(&ws).args(["score", "-q"]).assert().success();
    let head = String::from_utf8(vendorscore(&ws).args(["audit", "head"]).output().unwrap().stdout).unwrap();
    let output =
        std::process::Command::new("python3").arg("-c").arg(script).current_dir(&ws).output().expect("python3 runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(String::from_utf8(output.stdout).unwrap().trim(), format!("ok {}", head.trim()));
}

#[test]
fn without_a_ledger_audit_commands_explain_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    vendorscore(dir.path())
        .args(["audit", "verify"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no ledger yet"));
}

#[test]
fn audit_hash_prints_sha256sum_lines() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("evidence/sub")).unwrap();
    std::fs::write(dir.path().join("evidence/a.txt"), b"abc").unwrap();
    std::fs::write(dir.path().join("evidence/sub/b.txt"), b"").unwrap();
    let output = vendorscore(dir.path()).args(["audit", "hash", "evidence"]).output().unwrap();
    assert!(output.status.success());
    assert_eq!(
        String::from_utf8(output.stdout).unwrap(),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  evidence/a.txt\n\
         e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  evidence/sub/b.txt\n"
    );
    vendorscore(dir.path())
        .args(["audit", "hash", "nope.txt"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("nope.txt"));
}

#[test]
fn the_log_summarises_every_kind_of_run() {
    let dir = sample();
    let ws = dir.path().join("ws");
    let log = String::from_utf8(vendorscore(&ws).args(["audit", "log"]).output().unwrap().stdout).unwrap();
    let line =
        |action: &str| log.lines().find(|l| l.split_whitespace().nth(3) == Some(action)).unwrap_or_default().to_owned();
    assert!(line("score").contains("#1 northwind-cx"), "{log}");
    assert!(line("check").contains(" pass, ") && line("check").contains(" missing, "), "{log}");
    assert!(line("sla").contains("credits 2100.00"), "{log}");
    assert!(line("report").contains("#1 northwind-cx"), "{log}");
}

#[test]
fn a_recorded_digest_of_any_shape_is_reported_not_panicked_on() {
    let dir = sample();
    let ws = dir.path().join("ws");
    let ledger = ws.join("audit/ledger.jsonl");
    let text = std::fs::read_to_string(&ledger).unwrap();
    // The last entry's record of a file is the one a file is checked against.
    let last = text.lines().last().unwrap();
    let mut entry: Value = serde_json::from_str(last).unwrap();
    let inputs = entry["inputs"].as_array_mut().unwrap();
    let vendor_file = inputs.iter_mut().find(|i| i["path"].as_str().unwrap().starts_with("vendors/")).unwrap();
    vendor_file["sha256"] = Value::from("ü");
    let edited = text.replacen(last, &serde_json::to_string(&entry).unwrap(), 1);
    std::fs::write(&ledger, edited).unwrap();
    let output = vendorscore(&ws).args(["audit", "verify"]).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(stdout.contains("changed: recorded ü, now "), "{stdout}");
}

/// The RFC 8785 test vectors of the reference implementation, in ../shared/testdata/jcs.
#[test]
fn canonical_json_matches_the_rfc_8785_test_vectors() {
    use vendorscore::audit::jcs::{CanonicalError, canonical};
    let dir = crate::repo().join("../shared/testdata/jcs");
    let mut checked = 0;
    for entry in std::fs::read_dir(dir.join("input")).expect("../shared/testdata/jcs/input exists") {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_owned();
        let input: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let expected = std::fs::read(dir.join("output").join(&name)).unwrap();
        let has_float = fn_has_float(&input);
        match canonical(&input) {
            Ok(bytes) => {
                assert!(!has_float, "{name:?}: floats are refused");
                assert_eq!(String::from_utf8_lossy(&bytes), String::from_utf8_lossy(&expected), "{name:?}");
            }
            Err(CanonicalError::Float(_)) => assert!(has_float, "{name:?} refused without a float"),
            Err(other) => panic!("{name:?}: {other}"),
        }
        checked += 1;
    }
    assert_eq!(checked, 6);
    // Integers beyond ±2^53 have no exact canonical form.
    assert!(canonical(&serde_json::json!({ "n": 9_007_199_254_740_992_u64 })).is_ok());
    assert!(matches!(
        canonical(&serde_json::json!({ "n": 9_007_199_254_740_993_u64 })),
        Err(CanonicalError::Integer(_))
    ));
    assert!(matches!(canonical(&serde_json::json!(-9_007_199_254_740_993_i64)), Err(CanonicalError::Integer(_))));
}

fn fn_has_float(value: &serde_json::Value) -> bool {
    match value {
        serde_json::Value::Number(n) => n.is_f64(),
        serde_json::Value::Array(items) => items.iter().any(fn_has_float),
        serde_json::Value::Object(map) => map.values().any(fn_has_float),
        _ => false,
    }
}
