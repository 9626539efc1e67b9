//! `vendorscore check` on the sample workspace: the JSON of SPEC section 5,
//! the table and CSV, `--fail-on` exit codes, the ledger entry, and
//! policies that are broken or hostile.

use std::collections::BTreeSet;

use predicates::prelude::*;
use serde_json::Value;

use crate::score::sample;
use crate::vendorscore;

fn keys(value: &Value) -> BTreeSet<&str> {
    value.as_object().unwrap().keys().map(String::as_str).collect()
}

fn vendor<'a>(json: &'a Value, id: &str) -> &'a Value {
    json["vendors"].as_array().unwrap().iter().find(|v| v["id"] == id).unwrap()
}

#[test]
fn json_follows_the_spec_and_exercises_every_status_and_severity() {
    let dir = sample();
    let ws = dir.path().join("ws");
    let output = vendorscore(&ws).args(["check", "--format", "json"]).output().unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", String::from_utf8_lossy(&output.stderr));
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(keys(&json), BTreeSet::from(["as_of", "vendors", "ledger"]));
    assert_eq!(json["as_of"], "2026-11-21");
    assert!(json["ledger"]["seq"].is_u64());
    let ids: Vec<&str> = json["vendors"].as_array().unwrap().iter().map(|v| v["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["aero-support", "atlantico-digital", "bayanihan-cx", "mueller-fulfillment", "northwind-cx"]);

    let mut statuses = BTreeSet::new();
    let mut failing_severities = BTreeSet::new();
    for v in json["vendors"].as_array().unwrap() {
        assert_eq!(keys(v), BTreeSet::from(["id", "contract", "findings", "summary"]));
        let findings = v["findings"].as_array().unwrap();
        for f in findings {
            // A failing finding adds the contract values its rule read (an addition to SPEC section 5).
            let mut f = f.clone();
            if f["status"] == "fail" {
                f.as_object_mut().unwrap().remove("values");
            }
            let f = &f;
            assert_eq!(
                keys(f),
                BTreeSet::from([
                    "policy",
                    "rule",
                    "severity",
                    "status",
                    "title",
                    "reference",
                    "missing",
                    "remediation"
                ])
            );
            let status = f["status"].as_str().unwrap();
            statuses.insert(status.to_owned());
            if status == "fail" || status == "missing" {
                failing_severities.insert(f["severity"].as_str().unwrap().to_owned());
            }
            assert_eq!(f["missing"].as_array().unwrap().is_empty(), status != "missing", "{f}");
        }
        let count = |s: &str| findings.iter().filter(|f| f["status"] == s).count() as u64;
        for s in ["pass", "fail", "missing", "skipped"] {
            assert_eq!(v["summary"][s].as_u64(), Some(count(s)), "{} {s}", v["id"]);
        }
    }
    assert_eq!(statuses, BTreeSet::from(["pass", "fail", "missing", "skipped"].map(String::from)));
    assert_eq!(failing_severities, BTreeSet::from(["critical", "high", "medium", "low"].map(String::from)));

    let northwind = vendor(&json, "northwind-cx");
    assert_eq!(northwind["contract"], "vendors/northwind-cx/contract.toml");
    let deletion =
        northwind["findings"].as_array().unwrap().iter().find(|f| f["rule"] == "deletion-or-return").unwrap();
    assert_eq!(deletion["policy"], "gdpr-processor");
    assert_eq!(deletion["status"], "missing");
    assert_eq!(deletion["severity"], "high");
    assert_eq!(deletion["missing"], serde_json::json!(["data_protection.deletion_days"]));
    assert_eq!(deletion["reference"].as_str().unwrap().split(" (").next(), Some("GDPR Art. 28(3)(g)"));
}

#[test]
fn a_vendor_without_contract_gets_one_missing_finding() {
    let dir = sample();
    let ws = dir.path().join("ws");
    let output = vendorscore(&ws)
        .args(["check", "vendors/atlantico-digital", "--format", "json", "--dry-run"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(json.get("ledger").is_none(), "--dry-run records nothing");
    let atlantico = vendor(&json, "atlantico-digital");
    assert_eq!(atlantico["contract"], Value::Null);
    let findings = atlantico["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0]["status"], "missing");
    assert_eq!(findings[0]["severity"], "high");
    assert_eq!(findings[0]["policy"], Value::Null);
    assert_eq!(findings[0]["missing"], serde_json::json!(["vendors/atlantico-digital/contract.toml"]));
    // High is below critical: the missing contract alone does not fail that run.
    vendorscore(&ws)
        .args(["check", "vendors/atlantico-digital", "--fail-on", "critical", "--dry-run"])
        .assert()
        .success();
}

#[test]
fn fail_on_sets_the_exit_code() {
    let dir = sample();
    let ws = dir.path().join("ws");
    // northwind-cx: one high missing term, one medium failure, nothing critical.
    let run = |fail_on: &str| {
        vendorscore(&ws)
            .args(["check", "vendors/northwind-cx", "--dry-run", "--format", "csv", "--fail-on", fail_on])
            .output()
            .unwrap()
            .status
            .code()
    };
    assert_eq!(run("critical"), Some(0));
    assert_eq!(run("high"), Some(1));
    assert_eq!(run("medium"), Some(1));
    assert_eq!(run("low"), Some(1));
    vendorscore(&ws).args(["check", "vendors/northwind-cx", "--dry-run"]).assert().code(1);
    vendorscore(&ws).args(["check", "--fail-on", "severe"]).assert().code(2);
    vendorscore(&ws).args(["check", "--format", "pdf"]).assert().code(2);
}

#[test]
fn table_groups_by_vendor_and_severity_and_csv_has_a_row_per_finding() {
    let dir = sample();
    let ws = dir.path().join("ws");
    let table = vendorscore(&ws).args(["check", "vendors/northwind-cx", "--dry-run"]).output().unwrap();
    let text = String::from_utf8(table.stdout).unwrap();
    assert!(text.lines().all(|l| l.chars().count() <= 100), "{text}");
    insta::assert_snapshot!("northwind_table", text);

    let all = vendorscore(&ws).args(["check", "--dry-run"]).output().unwrap();
    let text = String::from_utf8(all.stdout).unwrap();
    assert!(text.lines().all(|l| l.chars().count() <= 100));
    let bayanihan = &text[text.find("bayanihan-cx ·").unwrap()..text.find("mueller-fulfillment ·").unwrap()];
    let at = |needle: &str| bayanihan.find(needle).unwrap_or_else(|| panic!("{needle} in {bayanihan}"));
    assert!(at("  CRITICAL") < at("  HIGH") && at("  HIGH") < at("  MEDIUM") && at("  MEDIUM") < at("  LOW"));
    assert!(at("Not stated  capacity.surge_pricing_pct") > at("  MEDIUM"));
    assert!(!text.contains('\x1b'), "no colour when piped");

    let csv = vendorscore(&ws).args(["check", "--dry-run", "--format", "csv"]).output().unwrap();
    let mut reader = csv::Reader::from_reader(csv.stdout.as_slice());
    let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_owned).collect();
    assert_eq!(
        header,
        [
            "vendor",
            "contract",
            "policy",
            "rule",
            "severity",
            "status",
            "title",
            "reference",
            "missing",
            "reads",
            "remediation",
            "values"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let json = vendorscore(&ws).args(["check", "--dry-run", "--format", "json"]).output().unwrap();
    let json: Value = serde_json::from_slice(&json.stdout).unwrap();
    let findings: usize =
        json["vendors"].as_array().unwrap().iter().map(|v| v["findings"].as_array().unwrap().len()).sum();
    assert_eq!(rows.len(), findings);
    let aero_audit = rows.iter().find(|r| &r[0] == "aero-support" && &r[3] == "audit-rights").unwrap();
    assert_eq!(&aero_audit[9], "data_protection.audit_rights data_protection.personal_data");
}

#[test]
fn each_run_is_one_ledger_entry_with_the_files_read() {
    let dir = sample();
    let ws = dir.path().join("ws");
    let before = std::fs::read_to_string(ws.join("audit/ledger.jsonl")).unwrap().lines().count();
    vendorscore(&ws)
        .args(["check", "--format", "json"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(format!("recorded as ledger entry {}", before + 1)));
    let ledger = std::fs::read_to_string(ws.join("audit/ledger.jsonl")).unwrap();
    assert_eq!(ledger.lines().count(), before + 1);
    let entry: Value = serde_json::from_str(ledger.lines().last().unwrap()).unwrap();
    assert_eq!(entry["action"], "check");
    assert_eq!(entry["subjects"].as_array().unwrap().len(), 5);
    let paths: Vec<&str> = entry["inputs"].as_array().unwrap().iter().map(|i| i["path"].as_str().unwrap()).collect();
    for expected in [
        "builtin:contract-hygiene",
        "builtin:gdpr-processor",
        "vendorscore.toml",
        "vendors/northwind-cx/contract.toml",
        "vendors/atlantico-digital/vendor.toml",
    ] {
        assert!(paths.contains(&expected), "{expected} in {paths:?}");
    }
    let mut sorted = paths.clone();
    sorted.sort();
    assert_eq!(paths, sorted);
    let result = &entry["result"];
    assert_eq!(result["fail_on"], "high");
    let northwind = result["vendors"].as_array().unwrap().iter().find(|v| v["id"] == "northwind-cx").unwrap();
    assert_eq!(northwind["missing"], 1);
    assert_eq!(northwind["failing"], serde_json::json!(["gdpr-processor/deletion-or-return"]));
    assert!(!has_float(&entry), "ledger entries hold no floating-point numbers");
    vendorscore(&ws).args(["audit", "verify"]).assert().success();
}

fn has_float(value: &Value) -> bool {
    match value {
        Value::Number(n) => n.is_f64(),
        Value::Array(items) => items.iter().any(has_float),
        Value::Object(map) => map.values().any(has_float),
        _ => false,
    }
}

/// Write a policy into the sample workspace and check with it alone.
/// Also gives the number of ledger entries before the check.
fn check_with(rules: &str) -> (std::process::Output, tempfile::TempDir, usize) {
    let dir = sample();
    let ws = dir.path().join("ws");
    std::fs::create_dir_all(ws.join("policies")).unwrap();
    let text = format!("[policy]\nid = \"house\"\nname = \"House rules\"\nversion = \"1.0.0\"\n{rules}");
    std::fs::write(ws.join("policies/house.toml"), text).unwrap();
    let before = std::fs::read_to_string(ws.join("audit/ledger.jsonl")).unwrap().lines().count();
    let output = vendorscore(&ws).args(["check", "--policy", "policies/house.toml"]).output().unwrap();
    (output, dir, before)
}

#[test]
fn broken_and_hostile_policies_stop_with_a_located_error() {
    let cases = [
        ("require = \"('x' * 10**9) | length > 0\"", "error[VS0401]", "the `*` operator"),
        ("require = \"range(10**9) | list | length > 0\"", "error[VS0402]", "`range` is not available"),
        ("require = \"security.mfa | frobnicate\"", "error[VS0401]", "unknown filter `frobnicate`"),
        ("require = \"securty.mfa\"", "error[VS0402]", "did you mean `security`?"),
        ("require = \"'soon' | age_days < 30\"", "error[VS0403]", "`soon` is not a date"),
    ];
    for (require, code, message) in cases {
        let rule = format!("\n[[rule]]\nid = \"r\"\ntitle = \"R\"\nseverity = \"high\"\n{require}\n");
        let started = std::time::Instant::now();
        let (output, _dir, _) = check_with(&rule);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{require}: {stderr}");
        assert!(stderr.contains(code) && stderr.contains(message), "{require}: {stderr}");
        assert!(stderr.contains("policies/house.toml:10:"), "located at the rule's line: {stderr}");
        assert!(output.stdout.is_empty());
        assert!(started.elapsed() < std::time::Duration::from_secs(30));
    }
}

#[test]
fn a_rule_that_fails_on_a_contract_value_is_reported_at_its_place() {
    // Every sample contract states extra.site or extra.sites as text, not a date.
    let rule = "\n[[rule]]\nid = \"site-age\"\ntitle = \"R\"\nseverity = \"low\"\nwhen = \"extra.site is defined\"\nrequire = \"extra.site | age_days < 30\"\n";
    let (output, dir, before) = check_with(rule);
    let ledger = dir.path().join("ws/audit/ledger.jsonl");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("error[VS0403]: rule `site-age` cannot be evaluated for vendors/"), "{stderr}");
    assert!(stderr.contains("(and 1 more contract)"), "{stderr}");
    assert!(stderr.contains("policies/house.toml:11:25"), "at the filter: {stderr}");
    let after = std::fs::read_to_string(ledger).unwrap().lines().count();
    assert_eq!(after, before, "an incomplete check is not recorded");
}

#[test]
fn unknown_policies_and_the_default_policy_set() {
    let dir = sample();
    let ws = dir.path().join("ws");
    vendorscore(&ws).args(["check", "--policy", "builtin:gdpr"]).assert().code(2).stderr(
        predicate::str::contains("no built-in policy `builtin:gdpr`")
            .and(predicate::str::contains("builtin:gdpr-processor")),
    );
    vendorscore(&ws)
        .args(["check", "--policy", "policies/none.toml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("does not exist"));
    // Without settings, every built-in policy applies: the PCI and CCPA rules skip the sample.
    std::fs::remove_file(ws.join("vendorscore.toml")).unwrap();
    let output =
        vendorscore(&ws).args(["check", "vendors/northwind-cx", "--format", "json", "--dry-run"]).output().unwrap();
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    let policies: BTreeSet<&str> = vendor(&json, "northwind-cx")["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["policy"].as_str().unwrap())
        .collect();
    assert_eq!(policies.len(), 6, "{policies:?}");
    let pci = vendor(&json, "northwind-cx")["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["policy"] == "pci-dss-service-provider");
    assert!(pci.clone().count() > 0 && pci.into_iter().all(|f| f["status"] == "skipped"));
}

#[test]
fn csv_cells_never_start_a_formula() {
    let dir = crate::score::sample();
    let ws = dir.path().join("ws");
    let vendor = ws.join("vendors/aero-support/vendor.toml");
    let text = std::fs::read_to_string(&vendor)
        .unwrap()
        .replace("name = \"Ærø Support ApS\"", "name = \"=HYPERLINK(\\\"http://x\\\")\"");
    std::fs::write(&vendor, text).unwrap();
    let output = crate::vendorscore(&ws).args(["score", "--format", "csv", "--dry-run", "-q"]).output().unwrap();
    let csv = String::from_utf8(output.stdout).unwrap();
    let row = csv.lines().find(|l| l.contains("aero-support")).unwrap();
    assert!(row.contains(",\"'=HYPERLINK(\"\"http://x\"\")\","), "{row}");
}

#[test]
fn a_failing_rule_shows_the_contract_value_it_read() {
    let dir = crate::score::sample();
    let ws = dir.path().join("ws");
    // aero-support's SOC 2 period ended 2025-06-30 (the sample's story): the rule reads that date.
    let table = crate::vendorscore(&ws).args(["check", "vendors/aero-support", "--dry-run"]).output().unwrap();
    let text = String::from_utf8(table.stdout).unwrap();
    assert!(text.contains("Contract    security.soc2_period_end = 2025-06-30"), "{text}");
    let json = crate::vendorscore(&ws)
        .args(["check", "vendors/aero-support", "--dry-run", "--format", "json"])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let findings = json["vendors"][0]["findings"].as_array().unwrap();
    let soc2 = findings
        .iter()
        .find(|f| f["values"].as_array().is_some_and(|v| v.iter().any(|x| x["path"] == "security.soc2_period_end")))
        .unwrap();
    assert_eq!(soc2["status"], "fail");
    let value = soc2["values"].as_array().unwrap().iter().find(|x| x["path"] == "security.soc2_period_end").unwrap();
    assert_eq!(value["value"], "2025-06-30");
    // Passing findings carry no values; booleans read as the contract writes them.
    assert!(findings.iter().filter(|f| f["status"] == "pass").all(|f| f.get("values").is_none()));
    let csv = crate::vendorscore(&ws)
        .args(["check", "vendors/aero-support", "--dry-run", "--format", "csv"])
        .output()
        .unwrap();
    let csv = String::from_utf8(csv.stdout).unwrap();
    assert!(csv.lines().next().unwrap().ends_with(",remediation,values"));
    assert!(csv.contains("security.soc2_period_end = 2025-06-30"));
    assert!(!csv.contains("= True") && !csv.contains("= False"), "{csv}");
}
