//! `vendorscore score` on the sample workspace: formats, explain, refusals.

use predicates::prelude::*;
use serde_json::Value;

use crate::vendorscore;

/// A fresh copy of the sample workspace.
pub fn sample() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    vendorscore(dir.path()).args(["demo", "--out", "ws", "-q"]).assert().success();
    dir
}

#[test]
fn json_follows_the_spec_and_ranks_the_sample() {
    let dir = sample();
    let ws = dir.path().join("ws");
    let output = vendorscore(&ws).args(["score", "--format", "json"]).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["rubric"]["id"], "ecommerce-outsourcing");
    assert_eq!(json["rubric"]["sha256"].as_str().unwrap().len(), 64);
    assert_eq!(json["as_of"], "2026-11-21");
    let vendors = json["vendors"].as_array().unwrap();
    let summary: Vec<(&str, &str, Option<u64>)> = vendors
        .iter()
        .map(|v| (v["id"].as_str().unwrap(), v["status"].as_str().unwrap(), v["rank"].as_u64()))
        .collect();
    assert_eq!(
        summary,
        [
            ("northwind-cx", "qualified", Some(1)),
            // Measured from the pilot tickets, Müller's chat beats Ærø's (sla.chat_*).
            ("mueller-fulfillment", "qualified", Some(2)),
            ("aero-support", "qualified", Some(3)),
            ("bayanihan-cx", "below_pass_mark", Some(4)),
            ("atlantico-digital", "disqualified", None),
        ]
    );
    let atlantico = &vendors[4];
    assert_eq!(atlantico["gates_failed"], serde_json::json!(["security.dpa_signed"]));
    assert_eq!(vendors[3]["flags"], serde_json::json!(["abnormally-low-price"]));
    let northwind = &vendors[0];
    let shopify = northwind["criteria"].as_array().unwrap().iter().find(|c| c["id"] == "platform.shopify").unwrap();
    assert_eq!(shopify["value"], "Plus", "a label stays as given");
    assert_eq!(shopify["kind"], "scale");
    let dpa = northwind["criteria"].as_array().unwrap().iter().find(|c| c["id"] == "security.dpa_signed").unwrap();
    let evidence = &dpa["evidence"][0];
    assert_eq!(evidence["path"], "vendors/northwind-cx/evidence/dpa-signed.txt");
    let expected =
        vendorscore::audit::hash::hash_file(&ws.join("vendors/northwind-cx/evidence/dpa-signed.txt")).unwrap();
    assert_eq!(evidence["sha256"], expected.sha256.as_str());
    // Points add up to the score, categories to their effective weight.
    let points: f64 = northwind["criteria"].as_array().unwrap().iter().map(|c| c["points"].as_f64().unwrap()).sum();
    assert!((points - northwind["score"].as_f64().unwrap()).abs() < 0.2, "{points}");
    let ew: f64 =
        northwind["categories"].as_array().unwrap().iter().map(|c| c["effective_weight"].as_f64().unwrap()).sum();
    assert!((ew - 100.0).abs() < 0.05);
    // This run is the entry after the demo's.
    assert_eq!(json["ledger"]["seq"], crate::ledger_entries(&ws) as u64);
}

#[test]
fn table_and_csv_are_for_people_and_spreadsheets() {
    let dir = sample();
    let ws = dir.path().join("ws");
    let table = vendorscore(&ws).args(["score"]).output().unwrap();
    let text = String::from_utf8(table.stdout).unwrap();
    assert!(text.lines().all(|l| l.chars().count() <= 100), "{text}");
    insta::assert_snapshot!("sample_table", text);

    let csv = vendorscore(&ws).args(["score", "--format", "csv"]).output().unwrap();
    let text = String::from_utf8(csv.stdout).unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_owned).collect();
    assert_eq!(&header[..6], ["rank", "vendor", "name", "score", "status", "coverage"]);
    assert!(header.contains(&"security".to_owned()));
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 5);
    assert_eq!(&rows[3][2], "Bayanihan Contact Solutions, Inc.", "commas are quoted");
}

#[test]
fn explain_shows_the_arithmetic_for_each_criterion() {
    let dir = sample();
    let ws = dir.path().join("ws");
    let output =
        vendorscore(&ws).args(["score", "vendors/northwind-cx", "--explain", "--format", "json"]).output().unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains("platform.shopify: answer \"Plus\"\n    s = (3 - 0) / (5 - 0) = 0.6000; ew = 100 × 10/100 × 3/9 = 3.3333; points = 3.3333 × 0.6000 = 2.0000"), "{text}");
    assert!(
        text.contains("commercial.monthly_price: answer 42000\n    s = lowest price 19800 / 42000 = 0.4714"),
        "the cohort is the whole workspace, whose lowest qualifying price (bayanihan-cx) is 19800: {text}"
    );
}

#[test]
fn a_vendor_shown_alone_keeps_its_score_and_rank_in_the_cohort() {
    let dir = sample();
    let ws = dir.path().join("ws");
    let json = |args: &[&str]| -> Value {
        let output = vendorscore(&ws).args(args).args(["--format", "json", "--dry-run"]).output().unwrap();
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        serde_json::from_slice(&output.stdout).unwrap()
    };
    let all = json(&["score"]);
    let everyone = all["vendors"].as_array().unwrap();
    assert_eq!(everyone.len(), 5);
    for vendor in everyone {
        let id = vendor["id"].as_str().unwrap();
        let alone = json(&["score", &format!("vendors/{id}")]);
        let shown = alone["vendors"].as_array().unwrap();
        assert_eq!(shown.len(), 1, "only the named vendor is shown");
        assert_eq!(shown[0]["score"], vendor["score"], "{id}: score");
        assert_eq!(shown[0]["rank"], vendor["rank"], "{id}: rank");
    }
    // A smaller cohort changes the price scores: bayanihan-cx's 19800 is no longer in it.
    let pair = json(&["score", "--cohort", "vendors/northwind-cx", "vendors/aero-support"]);
    let price_s = |id: &str| {
        let vendor = pair["vendors"].as_array().unwrap().iter().find(|v| v["id"] == id).unwrap();
        vendor["criteria"].as_array().unwrap().iter().find(|c| c["id"] == "commercial.monthly_price").unwrap()["s"]
            .clone()
    };
    // Both pass every gate; the lowest price is northwind-cx's 42000: 42000 / 42000 and 42000 / 48000.
    assert_eq!(price_s("northwind-cx"), 1.0);
    assert_eq!(price_s("aero-support"), 0.88, "0.875 rounded to two places in the JSON");
    vendorscore(&ws)
        .args(["score", "vendors/bayanihan-cx", "--cohort", "vendors/aero-support", "--dry-run"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("vendors/bayanihan-cx is not one of the --cohort folders"));
}

#[test]
fn invalid_inputs_are_refused_before_scoring() {
    let dir = sample();
    let ws = dir.path().join("ws");
    let vendor = ws.join("vendors/northwind-cx/vendor.toml");
    let text = std::fs::read_to_string(&vendor).unwrap().replace("[answers.platform]", "[answers.platfrom]");
    std::fs::write(&vendor, text).unwrap();
    vendorscore(&ws)
        .arg("score")
        .assert()
        .code(2)
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::contains("error[VS0201]").and(predicate::str::contains("did you mean `platform`?")));
}

#[test]
fn missing_evidence_scores_zero_instead_of_stopping() {
    let dir = sample();
    let ws = dir.path().join("ws");
    std::fs::remove_file(ws.join("vendors/northwind-cx/evidence/dpa-signed.txt")).unwrap();
    let output = vendorscore(&ws).args(["score", "--format", "json"]).output().unwrap();
    assert!(output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("warning[VS0207]"));
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    let northwind = json["vendors"].as_array().unwrap().iter().find(|v| v["id"] == "northwind-cx").unwrap();
    assert_eq!(northwind["status"], "disqualified", "the DPA gate needs its evidence");
    let dpa = northwind["criteria"].as_array().unwrap().iter().find(|c| c["id"] == "security.dpa_signed").unwrap();
    assert_eq!(dpa["s"], 0.0);
    assert_eq!(dpa["issues"], serde_json::json!(["evidence-missing", "gate-failed"]));
}

#[test]
fn wrong_format_and_missing_vendor_folders_exit_2() {
    let dir = sample();
    let ws = dir.path().join("ws");
    vendorscore(&ws).args(["score", "--format", "pdf"]).assert().code(2);
    vendorscore(&ws)
        .args(["score", "vendors/nobody"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("holds no vendor.toml"));
    let empty = tempfile::tempdir().unwrap();
    vendorscore(empty.path()).arg("score").assert().code(2).stderr(predicate::str::contains("no vendors to score"));
}

#[test]
fn a_dry_run_scores_alike_without_hashing_the_ticket_exports() {
    use vendorscore::pipeline::score::{ScoreRequest, score};
    let dir = sample();
    let workspace = vendorscore::workspace::Workspace { root: dir.path().join("ws") };
    let clock = vendorscore::pipeline::Clock::new(Some("1795255200"), None, 0).unwrap();
    let recorded = score(&workspace, &clock, &ScoreRequest::default()).unwrap();
    let dry = score(&workspace, &clock, &ScoreRequest { dry_run: true, ..ScoreRequest::default() }).unwrap();
    let exports = |inputs: &[vendorscore::audit::ledger::FileRecord]| -> Vec<String> {
        inputs.iter().filter(|f| f.path.ends_with("tickets.csv")).map(|f| f.path.clone()).collect()
    };
    // The sample's three ticket exports feed measured criteria; a recorded run lists them.
    assert_eq!(exports(&recorded.inputs).len(), 3, "{:?}", recorded.inputs);
    assert_eq!(exports(&dry.inputs), Vec::<String>::new());
    assert_eq!(recorded.inputs.len(), dry.inputs.len() + 3);
    assert_eq!(format!("{:?}", recorded.value.cards), format!("{:?}", dry.value.cards));
}
