//! Declarations of interest (SPEC section 15) end to end: with
//! `require_declarations`, `validate` fails undeclared, late and conflicted
//! evaluations, and `score`, `--explain` and `report` leave them out.

use predicates::prelude::*;
use serde_json::Value;

use crate::score::sample;
use crate::{repo, vendorscore};

/// The demo with a workspace copy of the built-in rubric requiring declarations:
/// a.kowalska declared 2026-10-01, j.schneider too but with an interest in
/// aero-support, m.lindqvist not at all. Every demo evaluation is dated 2026-10-07.
fn declared_sample() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = sample();
    let ws = dir.path().join("ws");
    let rubric = std::fs::read_to_string(repo().join("rubrics/ecommerce-outsourcing.toml")).unwrap();
    let rubric = rubric.replacen("max_spread = 2\n", "max_spread = 2\nrequire_declarations = true\n", 1);
    std::fs::create_dir_all(ws.join("rubrics")).unwrap();
    std::fs::write(ws.join("rubrics/ecommerce-outsourcing.toml"), rubric).unwrap();
    let settings = std::fs::read_to_string(ws.join("vendorscore.toml")).unwrap();
    let settings = settings.replace("builtin:ecommerce-outsourcing", "rubrics/ecommerce-outsourcing.toml");
    std::fs::write(ws.join("vendorscore.toml"), settings).unwrap();
    std::fs::create_dir_all(ws.join("evaluators")).unwrap();
    for (who, interests) in [("a.kowalska", ""), ("j.schneider", "\"aero-support\"")] {
        let text = format!(
            "[declaration]\nevaluator = \"{who}\"\ndate = 2026-10-01\ninterests = [{interests}]\n\
             statement = \"I have no conflict of interest with any bidder not listed.\"\n"
        );
        std::fs::write(ws.join(format!("evaluators/{who}.toml")), text).unwrap();
    }
    (dir, ws)
}

#[test]
fn validate_fails_undeclared_and_conflicted_evaluations() {
    let (_dir, ws) = declared_sample();
    let out = vendorscore(&ws).args(["validate", "--format", "json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut found: Vec<(String, String)> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"].as_str().unwrap().starts_with("VS100"))
        .map(|d| (d["code"].as_str().unwrap().to_owned(), d["file"].as_str().unwrap().to_owned()))
        .collect();
    found.sort();
    assert_eq!(
        found,
        [
            ("VS1005".into(), "vendors/aero-support/evaluations/m.lindqvist.toml".into()),
            ("VS1005".into(), "vendors/atlantico-digital/evaluations/m.lindqvist.toml".into()),
            ("VS1005".into(), "vendors/northwind-cx/evaluations/m.lindqvist.toml".into()),
            ("VS1007".into(), "vendors/aero-support/evaluations/j.schneider.toml".into()),
        ]
    );
    // Declared late: j.schneider signs on 2026-10-08, after the evaluations of 2026-10-07.
    let late = std::fs::read_to_string(ws.join("evaluators/j.schneider.toml")).unwrap();
    std::fs::write(ws.join("evaluators/j.schneider.toml"), late.replace("2026-10-01", "2026-10-08")).unwrap();
    vendorscore(&ws)
        .args(["validate"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("`j.schneider` declared on 2026-10-08, after this evaluation of 2026-10-07"));
}

#[test]
fn score_explain_and_report_leave_such_evaluations_out() {
    let (_dir, ws) = declared_sample();
    let out = vendorscore(&ws).args(["score", "--explain", "vendors/aero-support"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    let trace: Vec<&str> =
        text.lines().skip_while(|l| !l.contains("communication.clarity: answer")).take(4).map(str::trim).collect();
    // Ærø's panel gave clarity 2 (a.kowalska), 4 (j.schneider), 5 (m.lindqvist): only the 2 counts,
    // so s = (2 - 1) / (5 - 1) and there is no disagreement left.
    assert_eq!(
        trace[..3],
        [
            "communication.clarity: answer 2.0",
            "left out: j.schneider (conflict-of-interest), m.lindqvist (undeclared-evaluator)",
            "panel: a.kowalska 2; median 2",
        ],
        "{text}"
    );
    assert!(trace[3].starts_with("s = (2 - 1) / (5 - 1) = 0.2500;"), "{text}");

    let out = vendorscore(&ws).args(["score", "--format", "json"]).output().unwrap();
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let vendor = |id: &str| json["vendors"].as_array().unwrap().iter().find(|v| v["id"] == id).unwrap().clone();
    let aero = vendor("aero-support");
    let clarity = aero["criteria"].as_array().unwrap().iter().find(|c| c["id"] == "communication.clarity").unwrap();
    assert_eq!(clarity["issues"], serde_json::json!(["conflict-of-interest", "undeclared-evaluator"]));
    assert_eq!(clarity["s"], 0.25);
    let flags = aero["flags"].as_array().unwrap();
    assert!(flags.contains(&"conflict-of-interest".into()) && !flags.contains(&"panel-disagreement".into()));
    // Müller's evaluators both declared: nothing is left out.
    assert!(vendor("mueller-fulfillment")["flags"].as_array().unwrap().is_empty());
    let ledger = std::fs::read_to_string(ws.join("audit/ledger.jsonl")).unwrap();
    let entry: Value = serde_json::from_str(ledger.lines().last().unwrap()).unwrap();
    let inputs: Vec<&str> = entry["inputs"].as_array().unwrap().iter().map(|i| i["path"].as_str().unwrap()).collect();
    assert!(inputs.contains(&"evaluators/a.kowalska.toml") && inputs.contains(&"evaluators/j.schneider.toml"));

    vendorscore(&ws)
        .args(["report", "-q", "--format", "md", "--out", "out", "vendors/aero-support"])
        .assert()
        .success();
    let md = std::fs::read_to_string(ws.join("out/aero-support.md")).unwrap();
    let row = md.lines().find(|l| l.starts_with("| Communication clarity")).expect("the clarity row");
    assert!(row.contains("| 2 (panel) | 0.25 |") && row.contains("conflict-of-interest"), "{row}");
}
