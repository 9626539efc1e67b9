//! The file boundary: references stay inside the workspace, only regular
//! files are read, every folder under vendors/ is a vendor or an error, and
//! a file validated alone is checked in its workspace's context.

use predicates::prelude::*;

use crate::score::sample;
use crate::vendorscore;

#[test]
fn settings_pointing_outside_the_workspace_are_refused_unread() {
    let dir = sample();
    let ws = dir.path().join("ws");
    let settings = ws.join("vendorscore.toml");
    let text = std::fs::read_to_string(&settings).unwrap();
    let text = text.replacen("rubric = \"builtin:ecommerce-outsourcing\"", "rubric = \"/proc/self/environ\"", 1);
    std::fs::write(&settings, text).unwrap();
    let secret = "s3cr3t-token-from-ci";
    for args in [vec!["validate"], vec!["score", "--dry-run"]] {
        let output = vendorscore(&ws).args(&args).env("CI_SECRET", secret).output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("error[VS0503]") && stderr.contains("vendorscore.toml:"), "{args:?}: {stderr}");
        assert!(!stderr.contains(secret), "{args:?}: the environment leaked: {stderr}");
        assert_eq!(output.status.code(), Some(if args[0] == "validate" { 1 } else { 2 }), "{args:?}");
    }
    vendorscore(&ws)
        .args(["score", "--dry-run", "--rubric", "../../etc/passwd"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is outside the workspace"));
}

#[test]
fn a_folder_under_vendors_is_a_vendor_or_an_error() {
    let dir = sample();
    let ws = dir.path().join("ws");
    let folder = ws.join("vendors/aero-support");
    std::fs::rename(folder.join("vendor.toml"), folder.join("Vendor.toml")).unwrap();
    vendorscore(&ws)
        .arg("validate")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("error[VS0213]").and(predicate::str::contains("rename `Vendor.toml`")));
    vendorscore(&ws)
        .args(["score", "--dry-run"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("vendors/aero-support is not a vendor"));
    std::fs::rename(folder.join("Vendor.toml"), folder.join("vendor.toml")).unwrap();
    std::fs::create_dir_all(ws.join("vendors/stray/evidence")).unwrap();
    vendorscore(&ws).args(["check", "--dry-run"]).assert().code(2).stderr(predicate::str::contains("VS0213"));
}

#[test]
fn a_file_validated_alone_is_checked_in_its_workspace() {
    let dir = sample();
    let ws = dir.path().join("ws");
    for file in ["vendors/northwind-cx/contract.toml", "vendors/northwind-cx/evaluations/a.kowalska.toml"] {
        vendorscore(&ws)
            .args(["validate", file])
            .assert()
            .success()
            .stderr(predicate::str::contains("checked 1 file: 0 error(s), 0 warning(s)"));
    }
    // And a real mismatch is still found alone.
    let contract = ws.join("vendors/northwind-cx/contract.toml");
    let text = std::fs::read_to_string(&contract).unwrap().replacen(
        "vendor = \"northwind-cx\"",
        "vendor = \"northwnd-cx\"",
        1,
    );
    std::fs::write(&contract, text).unwrap();
    vendorscore(&ws)
        .args(["validate", "vendors/northwind-cx/contract.toml"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("error[VS0301]"));
}

#[test]
fn validate_with_nothing_to_check_cannot_pass() {
    let empty = tempfile::tempdir().unwrap();
    vendorscore(empty.path())
        .arg("validate")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no vendorscore file (*.toml or *.j2) found in"));
}

#[test]
#[cfg(unix)]
fn only_regular_files_are_read_and_bad_text_is_located() {
    let dir = sample();
    let ws = dir.path().join("ws");
    let evaluation = ws.join("vendors/northwind-cx/evaluations/zz.toml");
    std::os::unix::fs::symlink("/dev/zero", &evaluation).unwrap();
    // Without the check this would read /dev/zero for ever.
    vendorscore(&ws)
        .args(["validate", "vendors/northwind-cx/evaluations/zz.toml"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("is a symbolic link (links are not followed)"));
    std::fs::remove_file(&evaluation).unwrap();
    assert!(std::process::Command::new("mkfifo").arg(&evaluation).status().unwrap().success());
    vendorscore(&ws)
        .args(["score", "--dry-run"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is a FIFO (named pipe), not a regular file"));
    std::fs::remove_file(&evaluation).unwrap();
    std::fs::write(&evaluation, b"[evaluation]\nevaluator = \"x\"\n# caf\xe9\n").unwrap();
    vendorscore(&ws)
        .args(["validate", "vendors/northwind-cx/evaluations/zz.toml"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("zz.toml:3:6").and(predicate::str::contains("not UTF-8")));
}

#[test]
#[cfg(unix)]
fn a_ledger_that_is_not_a_regular_file_is_refused_once_and_clearly() {
    let dir = sample();
    let ws = dir.path().join("ws");
    let ledger = ws.join("audit/ledger.jsonl");
    std::fs::remove_file(&ledger).unwrap();
    std::os::unix::fs::symlink("/dev/null", &ledger).unwrap();
    let output = vendorscore(&ws).args(["score", "-q"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr.contains("the ledger is not a regular file (a symbolic link)"), "{stderr}");
    assert_eq!(stderr.matches("error:").count(), 1, "said once: {stderr}");
}

#[test]
fn reports_that_cannot_be_written_are_not_recorded() {
    let dir = sample();
    let ws = dir.path().join("ws");
    let ledger = ws.join("audit/ledger.jsonl");
    let before = std::fs::read(&ledger).unwrap();
    std::fs::write(ws.join("out.pdf"), "not a folder").unwrap();
    vendorscore(&ws)
        .args(["report", "--out", "out.pdf"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("out.pdf: is a file, not a folder to write the reports to"));
    assert_eq!(std::fs::read(&ledger).unwrap(), before, "no entry for reports that were not written");
}

#[test]
#[cfg(unix)]
fn fifo_evidence_is_called_what_it_is() {
    let dir = sample();
    let ws = dir.path().join("ws");
    let evidence = ws.join("vendors/northwind-cx/evidence/dpa-signed.txt");
    std::fs::remove_file(&evidence).unwrap();
    assert!(std::process::Command::new("mkfifo").arg(&evidence).status().unwrap().success());
    vendorscore(&ws)
        .arg("validate")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("evidence `evidence/dpa-signed.txt` is not a regular file"));
}

#[test]
fn a_stray_template_delimiter_in_a_rule_is_a_syntax_error_not_a_panic() {
    // minijinja 2.24's expression lexer panics ("empty lexer stack") on `}}`;
    // found by tests/fuzz (policy_expression_compiler).
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("policies")).unwrap();
    std::fs::write(
        dir.path().join("policies/p.toml"),
        "[policy]\nid = \"p\"\nname = \"P\"\nversion = \"1.0.0\"\n\n[[rule]]\nid = \"r\"\ntitle = \"R\"\n\
         severity = \"high\"\nrequire = \"}}contract\"\n",
    )
    .unwrap();
    vendorscore(dir.path())
        .args(["validate", "policies/p.toml"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("error[VS0401]").and(predicate::str::contains("template delimiters")));
}
