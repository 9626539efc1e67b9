//! `vendorscore sla` on the sample workspace: formats, exit codes, refused
//! exports, the ledger entry, and measured criteria in `score`.

use predicates::prelude::*;
use serde_json::Value;

use crate::score::sample;
use crate::vendorscore;

fn ledger_entries(ws: &std::path::Path) -> Vec<Value> {
    let text = std::fs::read_to_string(ws.join("audit/ledger.jsonl")).unwrap_or_default();
    text.lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

fn has_float(value: &Value) -> bool {
    match value {
        Value::Number(n) => n.is_f64(),
        Value::Array(items) => items.iter().any(has_float),
        Value::Object(map) => map.values().any(has_float),
        _ => false,
    }
}

fn json_of(output: &std::process::Output) -> Value {
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn table_marks_the_breach_and_the_credit_owed() {
    let dir = sample();
    let ws = dir.path().join("ws");
    let output = vendorscore(&ws).args(["sla", "vendors/northwind-cx", "--dry-run"]).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.lines().all(|l| l.chars().count() <= 100), "{text}");
    insta::assert_snapshot!("northwind_table", text);
}

#[test]
fn json_follows_the_spec() {
    let dir = sample();
    let ws = dir.path().join("ws");
    let json = json_of(&vendorscore(&ws).args(["sla", "vendors/northwind-cx", "--format", "json"]).output().unwrap());
    assert_eq!(json["contract"], "vendors/northwind-cx/contract.toml");
    assert_eq!(json["tickets"], "vendors/northwind-cx/tickets.csv");
    assert_eq!(
        json["rows"],
        serde_json::json!({
            "read": 3000, "rejected": 0, "first_rejected": [], "unmapped_channel": {"rows": 0, "values": []}
        })
    );
    let results = json["results"].as_array().unwrap();
    // Three months × four clauses, by period then contract order.
    let order: Vec<(&str, &str)> =
        results.iter().map(|r| (r["period"].as_str().unwrap(), r["clause"].as_str().unwrap())).collect();
    assert_eq!(order.len(), 12);
    assert_eq!(
        order[..4],
        [
            ("2026-08", "chat-first-response"),
            ("2026-08", "email-first-response"),
            ("2026-08", "voice-service-level"),
            ("2026-08", "social-first-response"),
        ]
    );
    let breached: Vec<&Value> = results.iter().filter(|r| r["breached"] == true).collect();
    assert_eq!(breached.len(), 1);
    let chat = breached[0];
    assert_eq!((chat["period"].as_str(), chat["clause"].as_str()), (Some("2026-09"), Some("chat-first-response")));
    assert_eq!(chat["required"], 80);
    assert_eq!(chat["credit"], "2100.00");
    let (in_scope, met) = (chat["in_scope"].as_u64().unwrap(), chat["met"].as_u64().unwrap());
    let attainment = chat["attainment"].as_f64().unwrap();
    assert!((attainment - (met as f64 * 100.0 / in_scope as f64)).abs() < 0.006);
    assert!(attainment < 80.0);
    for key in ["p50", "p90", "p95"] {
        assert!(chat[key].is_u64(), "{key}");
    }
    assert!(chat["p50"].as_u64() <= chat["p90"].as_u64() && chat["p90"].as_u64() <= chat["p95"].as_u64());
    assert_eq!(
        json["credits"],
        serde_json::json!([
            {"period": "2026-08", "total": "0.00", "capped": false, "gross": "0.00", "earned_back": "0.00",
             "net": "0.00", "annual_capped": false},
            {"period": "2026-09", "total": "2100.00", "capped": false, "gross": "2100.00", "earned_back": "0.00",
             "net": "2100.00", "annual_capped": false},
            {"period": "2026-10", "total": "0.00", "capped": false, "gross": "0.00", "earned_back": "0.00",
             "net": "0.00", "annual_capped": false},
        ])
    );
}

#[test]
fn csv_lists_one_row_per_clause_and_period() {
    let dir = sample();
    let ws = dir.path().join("ws");
    let output =
        vendorscore(&ws).args(["sla", "vendors/aero-support", "--format", "csv", "--dry-run"]).output().unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_owned).collect();
    assert_eq!(
        header,
        [
            "period",
            "clause",
            "metric",
            "in_scope",
            "met",
            "attainment",
            "required",
            "breached",
            "p50",
            "p90",
            "p95",
            "credit",
            "status",
            "answered",
            "abandoned",
            "short_abandoned",
            "excluded",
            "chronic",
            "earned_back",
            "net",
            "over_forecast"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 9);
    let breach = rows.iter().find(|r| &r[7] == "true").unwrap();
    assert_eq!((&breach[0], &breach[1], &breach[11]), ("2026-08", "voice-tier1-service-level", "2400.00"));
}

#[test]
fn fail_on_breach_exits_1_only_when_a_clause_was_breached() {
    let dir = sample();
    let ws = dir.path().join("ws");
    vendorscore(&ws).args(["sla", "vendors/northwind-cx", "--fail-on-breach", "--dry-run", "-q"]).assert().code(1);
    vendorscore(&ws).args(["sla", "vendors/northwind-cx", "--dry-run", "-q"]).assert().code(0);
    vendorscore(&ws)
        .args(["sla", "vendors/mueller-fulfillment", "--fail-on-breach", "--dry-run", "-q"])
        .assert()
        .code(0);
}

#[test]
fn unreadable_rows_are_reported_by_line_and_strict_refuses_them() {
    let dir = sample();
    let ws = dir.path().join("ws");
    let tickets = ws.join("vendors/northwind-cx/tickets.csv");
    let mut text = std::fs::read_to_string(&tickets).unwrap();
    text.push_str("NW-X1,chat,2026-09-31T10:00:00Z,,,,false,1,normal,\n");
    text.push_str("NW-X2,chat,2026-09-01T10:00:00Z,2026-09-01T09:00:00Z,,,false,1,normal,\n");
    std::fs::write(&tickets, text).unwrap();
    let output =
        vendorscore(&ws).args(["sla", "vendors/northwind-cx", "--format", "json", "--dry-run"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(stderr.contains("warning: vendors/northwind-cx/tickets.csv: 2 rows of 3002 could not be read"), "{stderr}");
    assert!(
        stderr.contains("vendors/northwind-cx/tickets.csv:3002: created_at `2026-09-31T10:00:00Z` is not a valid date")
    );
    let json = json_of(&output);
    assert_eq!(json["rows"]["rejected"], 2);
    assert_eq!(json["rows"]["first_rejected"][1]["line"], 3003);
    assert!(json["rows"]["first_rejected"][1]["reason"].as_str().unwrap().contains("is before created_at"));
    let entries = ledger_entries(&ws).len();
    vendorscore(&ws)
        .args(["sla", "vendors/northwind-cx", "--strict"])
        .assert()
        .code(2)
        .stdout(predicate::str::is_empty())
        .stderr(
            predicate::str::contains("--strict refuses the export")
                .and(predicate::str::contains(":3003: first_response_at")),
        );
    assert_eq!(ledger_entries(&ws).len(), entries, "a refused run records nothing");
}

#[test]
fn a_missing_column_is_named_and_exits_2() {
    let dir = sample();
    let ws = dir.path().join("ws");
    let tickets = ws.join("vendors/northwind-cx/tickets.csv");
    // The contract's clauses measure first responses: that column is needed (resolved_at would not be).
    let text = std::fs::read_to_string(&tickets).unwrap().replacen("first_response_at", "answered_at", 1);
    std::fs::write(&tickets, text).unwrap();
    vendorscore(&ws).args(["sla", "vendors/northwind-cx"]).assert().code(2).stderr(
        predicate::str::contains(
            "vendors/northwind-cx/tickets.csv: no column `first_response_at` in the header (line 1)",
        )
        .and(predicate::str::contains("[tickets.columns]")),
    );
    // Mapped in the workspace settings, the export reads.
    let settings = ws.join("vendorscore.toml");
    let mut text = std::fs::read_to_string(&settings).unwrap();
    text.push_str("\n[tickets.columns]\nfirst_response_at = \"answered_at\"\n");
    std::fs::write(&settings, text).unwrap();
    vendorscore(&ws).args(["sla", "vendors/northwind-cx", "--dry-run"]).assert().success();
}

#[test]
fn files_that_are_not_ticket_exports_exit_2() {
    let dir = sample();
    let ws = dir.path().join("ws");
    let contract = "vendors/northwind-cx/contract.toml";
    let junk = ws.join("junk.csv");
    std::fs::write(&junk, [0x89u8, b'P', b'N', b'G', 0, 0, 0xff, b'\n', 1, 2, 3]).unwrap();
    vendorscore(&ws)
        .args(["sla", "junk.csv", "--contract", contract])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("junk.csv: this is not a CSV ticket export"));
    std::fs::write(&junk, "").unwrap();
    vendorscore(&ws)
        .args(["sla", "junk.csv", "--contract", contract])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("junk.csv: the file is empty"));
    // The contract itself goes through validation.
    vendorscore(&ws)
        .args(["sla", "vendors/northwind-cx/tickets.csv", "--contract", "vendors/northwind-cx/vendor.toml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("expected a [contract] file"));
    let broken = ws.join("vendors/northwind-cx/contract.toml");
    let text = std::fs::read_to_string(&broken).unwrap().replacen("target = \"60s\"", "target = \"60 seconds\"", 1);
    std::fs::write(&broken, text).unwrap();
    vendorscore(&ws).args(["sla", "vendors/northwind-cx"]).assert().code(2).stderr(
        predicate::str::contains("`60 seconds` is not a duration").and(predicate::str::contains("contract.toml:")),
    );
    vendorscore(&ws)
        .args(["sla", "vendors/northwind-cx/tickets.csv"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--contract FILE"));
    vendorscore(&ws)
        .args(["sla", "vendors/atlantico-digital"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("vendors/atlantico-digital holds no contract.toml"));
    vendorscore(&ws)
        .args(["sla", "vendors/bayanihan-cx"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("vendors/bayanihan-cx holds no tickets.csv"));
}

#[test]
fn the_file_form_matches_the_vendor_folder_form() {
    let dir = sample();
    let ws = dir.path().join("ws");
    let folder =
        vendorscore(&ws).args(["sla", "vendors/aero-support", "--format", "json", "--dry-run"]).output().unwrap();
    let file = vendorscore(&ws.join("vendors/aero-support"))
        .args(["sla", "tickets.csv", "--contract", "contract.toml", "--format", "json", "--dry-run"])
        .output()
        .unwrap();
    assert_eq!(json_of(&folder)["results"], json_of(&file)["results"]);
}

#[test]
fn a_run_is_recorded_with_the_exports_digest() {
    let dir = sample();
    let ws = dir.path().join("ws");
    let before = ledger_entries(&ws).len();
    vendorscore(&ws)
        .args(["sla", "vendors/northwind-cx", "--actor", "qa@example.com"])
        .assert()
        .success()
        .stderr(predicate::str::contains(format!("recorded as ledger entry {}", before + 1)));
    let entries = ledger_entries(&ws);
    assert_eq!(entries.len(), before + 1);
    let entry = entries.last().unwrap();
    assert_eq!(entry["action"], "sla");
    assert_eq!(entry["subjects"], serde_json::json!(["northwind-cx"]));
    let digest = vendorscore::audit::hash::hash_file(&ws.join("vendors/northwind-cx/tickets.csv")).unwrap();
    let inputs = entry["inputs"].as_array().unwrap();
    let paths: Vec<&str> = inputs.iter().map(|i| i["path"].as_str().unwrap()).collect();
    assert_eq!(paths, ["vendors/northwind-cx/contract.toml", "vendors/northwind-cx/tickets.csv", "vendorscore.toml"]);
    assert_eq!(inputs[1]["sha256"], digest.sha256.as_str());
    assert_eq!(inputs[1]["bytes"], digest.bytes);
    let result = &entry["result"];
    assert_eq!(result["total_credit"], "2100.00");
    assert_eq!(result["breaches"][0]["attainment"], "70.39");
    assert!(!has_float(entry), "the ledger holds no floating-point numbers: {entry}");
    vendorscore(&ws).args(["audit", "verify"]).assert().success();
}

#[test]
fn measured_criteria_take_their_values_from_the_tickets() {
    let dir = sample();
    let ws = dir.path().join("ws");
    let json =
        json_of(&vendorscore(&ws).args(["score", "--format", "json", "--actor", "qa@example.com"]).output().unwrap());
    let criterion = |vendor: &str, id: &str| -> Value {
        let v = json["vendors"].as_array().unwrap().iter().find(|v| v["id"] == vendor).unwrap();
        v["criteria"].as_array().unwrap().iter().find(|c| c["id"] == id).unwrap().clone()
    };
    let attainment = criterion("northwind-cx", "sla.chat_first_response");
    assert_eq!(attainment["source"], "measured");
    assert_eq!(attainment["value"], 81.82);
    let median = criterion("northwind-cx", "sla.chat_median_response");
    assert_eq!(median["value"], 31.0);
    // No tickets.csv: unanswered.
    let none = criterion("bayanihan-cx", "sla.chat_first_response");
    assert_eq!(none["value"], Value::Null);
    assert_eq!(none["issues"], serde_json::json!(["unanswered"]));
    // The exports are inputs of the score run.
    let entries = ledger_entries(&ws);
    let entry = entries.last().unwrap();
    assert_eq!(entry["action"], "score");
    let paths: Vec<&str> = entry["inputs"].as_array().unwrap().iter().map(|i| i["path"].as_str().unwrap()).collect();
    for vendor in ["northwind-cx", "aero-support", "mueller-fulfillment"] {
        assert!(paths.contains(&format!("vendors/{vendor}/tickets.csv").as_str()), "{paths:?}");
    }
}

#[test]
fn the_table_shows_csat_as_a_score_and_times_as_durations() {
    // The tickets and their hand-worked figures: `crate::report::csat_workspace`.
    let dir = crate::report::csat_workspace();
    let ws = dir.path().join("ws");
    let output = vendorscore(&ws).args(["sla", "vendors/northwind-cx", "--dry-run"]).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let text = String::from_utf8(output.stdout).unwrap();
    let cells = |clause: &str| -> Vec<&str> {
        let line = text.lines().find(|l| l.starts_with(&format!("{clause} "))).unwrap();
        line.split_whitespace().collect()
    };
    assert_eq!(
        cells("chat-first-response"),
        ["chat-first-response", "15", "6", "40.00%", "80%", "1m41s", "1h06m", "1d01h", "✗", "BREACHED", "2100.00"]
    );
    assert_eq!(cells("csat"), ["csat", "14", "4", "3.93", "≥", "4.2", "4", "5", "5", "✗", "BREACHED", "840.00"]);
    assert_eq!(cells("reopen"), ["reopen", "14", "12", "85.71%", "75%", "–", "–", "–", "✓", "met", "0.00"]);
    assert!(text.contains("Credits owed for 2026-09: EUR 2940.00\n"), "{text}");
}

#[test]
fn an_unclosed_quote_makes_the_export_unusable() {
    let dir = crate::score::sample();
    let ws = dir.path().join("ws");
    let tickets = ws.join("vendors/northwind-cx/tickets.csv");
    let text = std::fs::read_to_string(&tickets).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    let total = lines.len();
    // Line 6 opens a quote that never closes: the 'row' swallows every line after it.
    let broken = format!("{},\"open", lines[5]);
    lines[5] = &broken;
    std::fs::write(&tickets, lines.join("\n") + "\n").unwrap();
    let swallowed = total - 6;
    crate::vendorscore(&ws)
        .args(["sla", "vendors/northwind-cx", "--dry-run"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("vendors/northwind-cx/tickets.csv:6: unterminated quote starting at line 6"))
        .stderr(predicates::str::contains(format!("swallowed the {swallowed} lines")));
    // Scoring measures the same export: it refuses it too rather than score part of it,
    // and so does comparing two rubric versions, which scores with both.
    crate::vendorscore(&ws).args(["score", "--dry-run"]).assert().code(2);
    crate::vendorscore(&ws)
        .args(["diff", "--before", "builtin:ecommerce-outsourcing", "--after", "builtin:ecommerce-outsourcing"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("vendors/northwind-cx/tickets.csv:6: unterminated quote starting at line 6"));
}

/// SPEC 11 through the CLI: `[tickets] timezone` for local timestamps, a
/// business-hours clause and `[contract] timezone` for the period edges.
#[test]
fn local_timestamps_business_hours_and_the_contracts_zone() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path();
    let write = |path: &str, text: &str| {
        std::fs::create_dir_all(ws.join(path).parent().unwrap()).unwrap();
        std::fs::write(ws.join(path), text).unwrap();
    };
    write("vendorscore.toml", "[workspace]\n\n[tickets]\ntimezone = \"Europe/Berlin\"\n");
    write("vendors/acme/vendor.toml", "[vendor]\nid = \"acme\"\nname = \"Acme\"\n");
    write(
        "vendors/acme/contract.toml",
        r#"[contract]
vendor = "acme"
timezone = "Europe/Berlin"

[[calendar]]
id = "eu"
timezone = "Europe/Berlin"
hours = { mon = ["08:00-18:00"], tue = ["08:00-18:00"], wed = ["08:00-18:00"], thu = ["08:00-18:00"], fri = ["08:00-18:00"] }

[[sla]]
id = "email"
metric = "first_response"
channel = "email"
target = "4h"
attainment = 50
period = "month"
clock = "business"
calendar = "eu"
"#,
    );
    // T1: Friday 17:00 to Monday 11:00 local = 1 h + 3 h of open time (met);
    // T2: Saturday, so from Monday 08:00 to 12:30 = 4 h 30 min (missed);
    // T3: 1 May 00:30 local (30 April 22:30 UTC) answered before the opening: 0 s, in May.
    write(
        "vendors/acme/tickets.csv",
        "ticket_id,channel,created_at,first_response_at,resolved_at\n\
         T1,email,2026-03-13 17:00,2026-03-16 11:00,\n\
         T2,email,2026-03-14 10:00,2026-03-16 12:30,\n\
         T3,email,2026-05-01 00:30,2026-05-01 00:40,\n",
    );
    vendorscore(ws).args(["validate"]).assert().success();
    let json =
        json_of(&vendorscore(ws).args(["sla", "vendors/acme", "--format", "json", "--dry-run"]).output().unwrap());
    assert_eq!(json["timezone"], "Europe/Berlin");
    let results: Vec<(String, u64, u64, u64)> = json["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["period"].as_str().unwrap().to_owned(),
                r["in_scope"].as_u64().unwrap(),
                r["met"].as_u64().unwrap(),
                r["p50"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(results, [("2026-03".to_owned(), 2, 1, 14_400), ("2026-05".to_owned(), 1, 1, 0)]);
    let table = vendorscore(ws).args(["sla", "vendors/acme", "--dry-run"]).output().unwrap();
    assert!(String::from_utf8_lossy(&table.stdout).contains("periods in Europe/Berlin"));
}
