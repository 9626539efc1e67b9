//! `vendorscore trend`: score runs read back from the ledger, each change
//! of score attributed to the recorded input that changed (a rubric, an
//! answer file, a new ticket export), tiers over runs, SLA runs per clause
//! and period.

use std::path::Path;

use serde_json::Value;

use crate::score::sample;
use crate::{repo, vendorscore};

/// Score the sample again at a later time (so entries are told apart by date too).
fn rescore(ws: &Path, epoch: &str, args: &[&str]) {
    vendorscore(ws).env("SOURCE_DATE_EPOCH", epoch).args(["score", "-q"]).args(args).assert().success();
}

/// One vendor's history from `trend --format json`, regrouped: its score records in
/// ledger order as `runs`, and its sla records per clause and period as `sla`.
fn trend_json(ws: &Path, vendor: &str) -> Value {
    let output = vendorscore(ws).args(["trend", "--format", "json", vendor]).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["entries"].as_u64(), Some(crate::ledger_entries(ws) as u64));
    let id = json["vendors"][0]["id"].as_str().unwrap().to_owned();
    let records = json["records"].as_array().unwrap();
    assert!(records.iter().all(|r| r["vendor"] == id.as_str()), "only the vendor asked for");
    let seqs: Vec<u64> = records.iter().map(|r| r["seq"].as_u64().unwrap()).collect();
    assert!(seqs.windows(2).all(|w| w[0] <= w[1]), "ledger order: {seqs:?}");
    let runs: Vec<&Value> = records.iter().filter(|r| r["record"] == "score").collect();
    let mut sla: Vec<Value> = Vec::new();
    for r in records.iter().filter(|r| r["record"] == "sla") {
        match sla.iter_mut().find(|s| s["clause"] == r["clause"] && s["period"] == r["period"]) {
            Some(group) => group["runs"].as_array_mut().unwrap().push(r.clone()),
            None => sla.push(serde_json::json!({ "clause": r["clause"], "period": r["period"], "runs": [r] })),
        }
    }
    serde_json::json!({ "id": id, "runs": runs, "sla": sla })
}

fn last_change(vendor: &Value) -> Value {
    vendor["runs"].as_array().unwrap().last().unwrap()["change"].clone()
}

fn hundredths(score: &Value) -> i64 {
    let (whole, fraction) = score.as_str().unwrap().split_once('.').unwrap();
    whole.parse::<i64>().unwrap() * 100 + fraction.parse::<i64>().unwrap()
}

/// The change's delta equals the difference of the two recorded scores.
fn assert_delta_is_the_difference(vendor: &Value) {
    let runs = vendor["runs"].as_array().unwrap();
    let (before, after) = (&runs[runs.len() - 2], &runs[runs.len() - 1]);
    let delta = hundredths(&after["score"]) - hundredths(&before["score"]);
    let written = after["change"]["delta"].as_str().unwrap();
    let sign = if delta < 0 { "-" } else { "+" };
    assert_eq!(written, format!("{sign}{}.{:02}", delta.abs() / 100, delta.abs() % 100));
}

#[test]
fn a_rubric_change_is_attributed_to_the_rubric() {
    let dir = sample();
    let ws = dir.path().join("ws");
    let original = std::fs::read_to_string(repo().join("rubrics/ecommerce-outsourcing.toml")).unwrap();
    std::fs::create_dir_all(ws.join("rubrics")).unwrap();
    let path = ws.join("rubrics/ecommerce-outsourcing.toml");
    // The same bytes as the built-in: same digest, so this run changes nothing.
    std::fs::write(&path, &original).unwrap();
    rescore(&ws, "1795300000", &["--rubric", "rubrics/ecommerce-outsourcing.toml"]);
    let northwind = trend_json(&ws, "vendors/northwind-cx");
    assert_eq!(northwind["runs"].as_array().unwrap().len(), 2);
    assert!(last_change(&northwind).is_null(), "same digest, same score: {northwind}");
    // Platform experience weighs 10 of the total; weighing it 30 moves every score.
    let heavier = original.replacen(
        "id = \"platform\"\nname = \"Platform experience\"\nweight = 10",
        "id = \"platform\"\nname = \"Platform experience\"\nweight = 30",
        1,
    );
    assert_ne!(heavier, original);
    std::fs::write(&path, heavier).unwrap();
    rescore(&ws, "1795400000", &["--rubric", "rubrics/ecommerce-outsourcing.toml"]);
    let northwind = trend_json(&ws, "vendors/northwind-cx");
    let change = last_change(&northwind);
    assert_eq!(change["causes"], serde_json::json!(["rubric"]), "{change}");
    assert_eq!(change["files"], serde_json::json!([]));
    assert_eq!(change["rubric_from"], "ecommerce-outsourcing 1.0.0");
    assert_delta_is_the_difference(&northwind);
}

#[test]
fn an_answer_change_is_attributed_to_the_vendors_answer_file() {
    let dir = sample();
    let ws = dir.path().join("ws");
    // A baseline after the demo (whose questionnaire import rewrote a vendor.toml after its score run).
    rescore(&ws, "1795260000", &[]);
    let path = ws.join("vendors/northwind-cx/vendor.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let changed = text.replacen("ramp_weeks = ", "ramp_weeks = 12 # was ", 1);
    assert_ne!(changed, text);
    std::fs::write(&path, changed).unwrap();
    rescore(&ws, "1795300000", &[]);
    let northwind = trend_json(&ws, "vendors/northwind-cx");
    let change = last_change(&northwind);
    assert_eq!(change["causes"], serde_json::json!(["answers"]), "{change}");
    assert_eq!(change["files"], serde_json::json!(["vendors/northwind-cx/vendor.toml"]));
    assert_delta_is_the_difference(&northwind);
    // Another vendor whose own files did not change: any change of its score comes from the cohort.
    let aero = trend_json(&ws, "vendors/aero-support");
    let change = last_change(&aero);
    assert!(change.is_null() || change["causes"] == serde_json::json!(["cohort"]), "{change}");
}

#[test]
fn a_new_ticket_export_is_attributed_to_measured_data() {
    let dir = sample();
    let ws = dir.path().join("ws");
    // A baseline after the demo (whose questionnaire import rewrote a vendor.toml after its score run).
    rescore(&ws, "1795260000", &[]);
    let path = ws.join("vendors/northwind-cx/tickets.csv");
    let text = std::fs::read_to_string(&path).unwrap();
    // The new export answers every chat ticket an hour late: the measured chat criteria fall.
    let mut out = String::new();
    for (i, line) in text.lines().enumerate() {
        let fields: Vec<&str> = line.split(',').collect();
        let created = fields.get(2).and_then(|t| {
            t.parse::<jiff::Timestamp>().ok().or_else(|| {
                let plain = jiff::civil::DateTime::strptime("%Y-%m-%d %H:%M:%S", t).ok()?;
                jiff::tz::TimeZone::UTC.to_timestamp(plain).ok()
            })
        });
        if let (true, Some(created)) = (i > 0 && fields[1] == "chat", created) {
            let answered = (created + jiff::SignedDuration::from_hours(1)).to_string();
            let mut fields = fields.clone();
            fields[3] = &answered;
            out.push_str(&fields.join(","));
        } else {
            out.push_str(line);
        }
        out.push('\n');
    }
    assert_ne!(out, text);
    std::fs::write(&path, out).unwrap();
    rescore(&ws, "1795300000", &[]);
    let northwind = trend_json(&ws, "vendors/northwind-cx");
    let change = last_change(&northwind);
    assert_eq!(change["causes"], serde_json::json!(["measured"]), "{change}");
    assert_eq!(change["files"], serde_json::json!(["vendors/northwind-cx/tickets.csv"]));
    assert!(change["delta"].as_str().unwrap().starts_with('-'), "slower answers score lower: {change}");
    assert_delta_is_the_difference(&northwind);

    // The sla runs: the demo's and a new one, per clause and period.
    vendorscore(&ws)
        .env("SOURCE_DATE_EPOCH", "1795400000")
        .args(["sla", "vendors/northwind-cx", "-q"])
        .assert()
        .success();
    let northwind = trend_json(&ws, "vendors/northwind-cx");
    let sla = northwind["sla"].as_array().unwrap();
    let chat = sla.iter().find(|s| s["clause"] == "chat-first-response" && s["period"] == "2026-09").unwrap();
    let runs = chat["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 2);
    assert_eq!(runs[0]["breached"], true, "the sample breaches chat in September");
    // Every chat ticket answered after an hour misses the 60-second target: 0 % attainment.
    assert_eq!((runs[1]["attainment"].as_str(), runs[1]["breached"].as_bool()), (Some("0"), Some(true)));
}

#[test]
fn tier_changes_between_runs_are_visible() {
    let dir = sample();
    let ws = dir.path().join("ws");
    // A baseline after the demo (whose questionnaire import rewrote a vendor.toml after its score run).
    rescore(&ws, "1795260000", &[]);
    let path = ws.join("vendors/aero-support/vendor.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replacen("regulated = \"no\"", "regulated = \"yes\"", 1)).unwrap();
    rescore(&ws, "1795300000", &[]);
    let aero = trend_json(&ws, "vendors/aero-support");
    let tiers: Vec<&str> = aero["runs"].as_array().unwrap().iter().map(|r| r["tier"].as_str().unwrap()).collect();
    assert_eq!(tiers, ["standard", "standard", "critical"], "a regulated function is critical");
    let table = vendorscore(&ws).args(["trend", "vendors/aero-support"]).output().unwrap();
    let text = String::from_utf8(table.stdout).unwrap();
    assert!(text.contains("critical") && text.contains("standard"), "{text}");
    assert!(text.lines().any(|l| l.contains(" aero-support ") && l.contains(" critical ")), "{text}");
    // CSV: a header and one row per JSON record, in the same order.
    let output = vendorscore(&ws).args(["trend", "--format", "csv", "vendors/aero-support"]).output().unwrap();
    let csv = String::from_utf8(output.stdout).unwrap();
    let output = vendorscore(&ws).args(["trend", "--format", "json", "vendors/aero-support"]).output().unwrap();
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    let records = json["records"].as_array().unwrap();
    assert_eq!(csv.lines().count(), records.len() + 1, "{csv}");
    for (line, record) in csv.lines().skip(1).zip(records) {
        let seq = record["seq"].to_string();
        assert!(line.starts_with(&format!("{},aero-support,{seq},", record["record"].as_str().unwrap())), "{line}");
    }
}
