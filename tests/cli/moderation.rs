//! Moderation (SPEC section 15) end to end: an agreed value in
//! `vendors/<id>/moderation.toml` replaces the panel's aggregate in `score`,
//! `score --explain` and `report`, and is a recorded input.

use predicates::prelude::*;
use serde_json::Value;

use crate::score::sample;
use crate::vendorscore;

/// The demo's Ærø panel scored communication.clarity 2, 4 and 5 (median 4, spread 3).
const AGREED: &str = r#"[[moderated]]
criterion = "communication.clarity"
value = 3
rationale = "Agreed after reviewing the trial transcripts together."
date = 2026-10-09
panel = ["a.kowalska", "j.schneider", "m.lindqvist"]
"#;

fn explain_total(ws: &std::path::Path) -> f64 {
    let out = vendorscore(ws).args(["score", "--explain", "vendors/aero-support"]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let total = text.lines().find_map(|l| l.trim().strip_prefix("total = ")).expect("a total");
    total.parse().unwrap()
}

#[test]
fn an_agreed_value_replaces_the_aggregate_in_score_explain_and_report() {
    let dir = sample();
    let ws = dir.path().join("ws");
    let before = explain_total(&ws);
    std::fs::write(ws.join("vendors/aero-support/moderation.toml"), AGREED).unwrap();
    // Hand-worked: clarity carries ew = 100 × 10/100 × 2/8 = 2.5; s falls from
    // (4 - 1)/4 = 0.75 to (3 - 1)/4 = 0.5, so the score falls by 2.5 × 0.25.
    let after = explain_total(&ws);
    assert!((before - after - 0.625).abs() < 1e-9, "{before} -> {after}");

    let out = vendorscore(&ws).args(["score", "--explain", "vendors/aero-support"]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let trace: Vec<&str> =
        text.lines().skip_while(|l| !l.contains("communication.clarity: answer")).take(4).map(str::trim).collect();
    assert_eq!(
        trace[..3],
        [
            "communication.clarity: answer 3.0",
            "panel: a.kowalska 2, j.schneider 4, m.lindqvist 5; median 4",
            "moderated: 3 replaces the median (agreed 2026-10-09 by a.kowalska, j.schneider, m.lindqvist: \
             Agreed after reviewing the trial transcripts together.)",
        ],
        "{text}"
    );
    assert!(trace[3].starts_with("s = (3 - 1) / (5 - 1) = 0.5000;"), "{text}");

    let out = vendorscore(&ws).args(["score", "--format", "json", "--actor", "a@example.com"]).output().unwrap();
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let aero = json["vendors"].as_array().unwrap().iter().find(|v| v["id"] == "aero-support").unwrap();
    let clarity = aero["criteria"].as_array().unwrap().iter().find(|c| c["id"] == "communication.clarity").unwrap();
    assert_eq!(clarity["issues"], serde_json::json!(["moderated"]));
    assert_eq!(clarity["value"], 3.0);
    assert_eq!(clarity["moderation"]["aggregate"], 4.0);
    assert_eq!(clarity["moderation"]["panel"], serde_json::json!(["a.kowalska", "j.schneider", "m.lindqvist"]));
    assert!(!aero["flags"].as_array().unwrap().iter().any(|f| f == "panel-disagreement"), "{aero}");
    let ledger = std::fs::read_to_string(ws.join("audit/ledger.jsonl")).unwrap();
    let entry: Value = serde_json::from_str(ledger.lines().last().unwrap()).unwrap();
    assert!(
        entry["inputs"].as_array().unwrap().iter().any(|i| i["path"] == "vendors/aero-support/moderation.toml"),
        "the moderation file is a recorded input"
    );

    vendorscore(&ws)
        .args(["report", "-q", "--format", "md", "--out", "out", "vendors/aero-support"])
        .assert()
        .success();
    let md = std::fs::read_to_string(ws.join("out/aero-support.md")).unwrap();
    let row = md.lines().find(|l| l.starts_with("| Communication clarity")).expect("the clarity row");
    assert!(row.contains("| 3 (panel) | 0.50 |") && row.ends_with("| moderated |"), "{row}");
}

#[test]
fn a_moderation_naming_someone_who_did_not_evaluate_stops_the_score() {
    let dir = sample();
    let ws = dir.path().join("ws");
    let typo = AGREED.replace("\"m.lindqvist\"", "\"m.lindquist\"");
    std::fs::write(ws.join("vendors/aero-support/moderation.toml"), typo).unwrap();
    let entries = crate::ledger_entries(&ws);
    vendorscore(&ws)
        .args(["score"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("error[VS1004]").and(predicate::str::contains("did you mean `m.lindqvist`?")));
    assert_eq!(crate::ledger_entries(&ws), entries);
    vendorscore(&ws).args(["validate"]).assert().code(1).stderr(predicate::str::contains("VS1004"));
}
