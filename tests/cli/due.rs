//! `vendorscore due`: the JSON of SPEC section 14, tiers by rule, by hand
//! and by default, dates at month ends and leap days, the status
//! boundaries, exit codes, and the calendar read back by an independent
//! iCalendar parser (Python's `icalendar`).

use std::path::Path;
use std::process::Command;

use predicates::prelude::*;
use serde_json::Value;

use crate::score::sample;
use crate::vendorscore;

fn due_json(ws: &Path, args: &[&str]) -> (i32, Value) {
    let output = vendorscore(ws).args(["due", "--format", "json", "--dry-run"]).args(args).output().unwrap();
    let json = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&output.stderr)));
    (output.status.code().unwrap(), json)
}

fn vendor<'a>(json: &'a Value, id: &str) -> &'a Value {
    json["vendors"].as_array().unwrap().iter().find(|v| v["id"] == id).unwrap()
}

fn item<'a>(vendor: &'a Value, kind: &str) -> &'a Value {
    vendor["items"].as_array().unwrap().iter().find(|i| i["kind"] == kind).unwrap()
}

#[test]
fn json_has_the_spec_shape_with_tiers_by_rule_hand_and_sources() {
    let dir = sample();
    let ws = dir.path().join("ws");
    let (code, json) = due_json(&ws, &["--as-of", "2026-12-01"]);
    assert_eq!(code, 1, "stale SOC 2 reports and pentests in the sample are overdue");
    assert_eq!(json["as_of"], "2026-12-01");
    assert!(json.get("ledger").is_none(), "--dry-run records nothing");
    for v in json["vendors"].as_array().unwrap() {
        let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys, ["id", "items", "tier", "tier_source"]);
        for i in v["items"].as_array().unwrap() {
            let keys: Vec<&str> = i.as_object().unwrap().keys().map(String::as_str).collect();
            assert_eq!(keys, ["date", "kind", "source", "status"]);
        }
    }
    // The sample was scored once, by the demo, on 2026-11-21 (SOURCE_DATE_EPOCH): ledger entry 1.
    let mueller = vendor(&json, "mueller-fulfillment");
    assert_eq!((mueller["tier"].as_str(), mueller["tier_source"].as_str()), (Some("critical"), Some("rule")));
    let reassess = item(mueller, "reassessment");
    assert_eq!(reassess["date"], "2027-11-21", "2026-11-21 + P12M");
    assert_eq!(reassess["source"], "ledger entry 1 + P12M");
    assert_eq!(reassess["status"], "ok");
    // pentest_date 2025-12-08 + 12 months = 2026-12-08: 7 days after the as-of date, inside 30.
    assert_eq!(item(mueller, "pentest")["date"], "2026-12-08");
    assert_eq!(item(mueller, "pentest")["status"], "due");
    let northwind = vendor(&json, "northwind-cx");
    assert_eq!(northwind["tier"], "important");
    assert_eq!(item(northwind, "reassessment")["date"], "2028-05-21", "2026-11-21 + P18M");
    assert_eq!(item(northwind, "certificate")["date"], "2027-01-15");
    // start 2027-01-01 + 24 months = 2029-01-01; minus 90 days of notice: 31 + 30 + 29 = 2028-10-03.
    assert_eq!(item(northwind, "contract_end")["date"], "2029-01-01");
    assert_eq!(item(northwind, "termination_notice")["date"], "2028-10-03");
    let bayanihan = vendor(&json, "bayanihan-cx");
    assert_eq!((bayanihan["tier"].as_str(), bayanihan["tier_source"].as_str()), (Some("standard"), Some("override")));
}

#[test]
fn overdue_due_and_ok_boundaries_set_the_exit_code() {
    let dir = sample();
    let ws = dir.path().join("ws");
    // atlantico-digital has no contract: its one item is the reassessment, 2026-11-21 + P18M = 2028-05-21.
    let status_on = |as_of: &str, within: &str| {
        let (code, json) = due_json(&ws, &["vendors/atlantico-digital", "--as-of", as_of, "--within", within]);
        (code, item(vendor(&json, "atlantico-digital"), "reassessment")["status"].as_str().unwrap().to_owned())
    };
    assert_eq!(status_on("2028-05-22", "30"), (1, "overdue".to_owned()), "the day after");
    assert_eq!(status_on("2028-05-21", "30"), (0, "due".to_owned()), "the day itself");
    assert_eq!(status_on("2028-04-21", "30"), (0, "due".to_owned()), "30 days ahead");
    assert_eq!(status_on("2028-04-20", "30"), (0, "ok".to_owned()), "31 days ahead");
    assert_eq!(status_on("2028-05-20", "0"), (0, "ok".to_owned()), "--within 0: only today is due");
    vendorscore(&ws)
        .args(["due", "vendors/atlantico-digital", "--as-of", "2028-05-22", "--dry-run"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("1 overdue, 0 due, 0 ok"));
    let table = vendorscore(&ws).args(["due", "--as-of", "2026-12-01", "--dry-run"]).output().unwrap();
    let text = String::from_utf8(table.stdout).unwrap();
    assert!(text.lines().all(|l| l.chars().count() <= 100), "{text}");
    assert!(text.contains("mueller-fulfillment  critical   pentest            2026-12-08 due"), "{text}");
}

#[test]
fn month_ends_and_leap_days_follow_the_calendar() {
    let dir = sample();
    let ws = dir.path().join("ws");
    std::fs::write(
        ws.join("tiering.toml"),
        "[tiering]\nid = \"monthly\"\nversion = \"1.0.0\"\n\n[[tier]]\nid = \"critical\"\nreassess = \"P1M\"\n\
         when = \"intake.regulated == 'yes'\"\n\n[[tier]]\nid = \"standard\"\nreassess = \"P1M\"\n\
         when = \"intake.d1 > 4\"\n\n[[tier]]\nid = \"monthly\"\nreassess = \"P1M\"\n",
    )
    .unwrap();
    // Scored on 2028-01-31T12:00:00Z (a leap year): one month later is 29 February.
    let entry = crate::ledger_entries(&ws) + 1;
    vendorscore(&ws).env("SOURCE_DATE_EPOCH", "1832932800").args(["score", "-q"]).assert().success();
    let (_, json) = due_json(&ws, &["--as-of", "2028-02-01"]);
    let reassess = item(vendor(&json, "northwind-cx"), "reassessment");
    assert_eq!(reassess["date"], "2028-02-29");
    assert_eq!(reassess["source"], format!("ledger entry {entry} + P1M"), "the score run after the demo's entries");
    assert_eq!(vendor(&json, "northwind-cx")["tier_source"], "default");
}

#[test]
fn a_vendor_never_scored_is_due_now_and_a_bad_override_stops_the_run() {
    let dir = sample();
    let ws = dir.path().join("ws");
    std::fs::remove_file(ws.join("audit/ledger.jsonl")).unwrap();
    let (_, json) = due_json(&ws, &["--as-of", "2026-12-01"]);
    let reassess = item(vendor(&json, "northwind-cx"), "reassessment");
    assert_eq!((reassess["date"].as_str(), reassess["status"].as_str()), (Some("2026-12-01"), Some("due")));
    assert_eq!(reassess["source"], "never scored: due now");

    let path = ws.join("vendors/bayanihan-cx/vendor.toml");
    let text = std::fs::read_to_string(&path).unwrap().replace("tier = \"standard\"", "tier = \"severe\"");
    std::fs::write(&path, text).unwrap();
    vendorscore(&ws)
        .args(["due", "--dry-run"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("VS0603").and(predicate::str::contains("`severe` is not a tier")));
}

#[test]
fn csv_has_one_row_per_item() {
    let dir = sample();
    let ws = dir.path().join("ws");
    let (_, json) = due_json(&ws, &["--as-of", "2026-12-01"]);
    let items: usize = json["vendors"].as_array().unwrap().iter().map(|v| v["items"].as_array().unwrap().len()).sum();
    let output =
        vendorscore(&ws).args(["due", "--format", "csv", "--as-of", "2026-12-01", "--dry-run"]).output().unwrap();
    let mut reader = csv::Reader::from_reader(&output.stdout[..]);
    assert_eq!(reader.headers().unwrap(), vec!["vendor", "tier", "tier_source", "kind", "date", "status", "source"]);
    assert_eq!(reader.records().count(), items);
}

/// Python with the `icalendar` package, installed with pip when missing;
/// `None` only when pip cannot install it.
fn python_with_icalendar() -> Option<&'static str> {
    let has = || Command::new("python3").args(["-c", "import icalendar"]).status().is_ok_and(|s| s.success());
    if has() {
        return Some("python3");
    }
    let _ = Command::new("python3").args(["-m", "pip", "install", "--quiet", "icalendar"]).status();
    has().then_some("python3")
}

/// The events of a calendar as an independent parser reads them: (uid, start, end, summary), sorted.
fn parse_ics(python: &str, ics: &[u8]) -> Vec<(String, String, String, String)> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("due.ics");
    std::fs::write(&path, ics).unwrap();
    let script = "import sys, json, icalendar\n\
        cal = icalendar.Calendar.from_ical(open(sys.argv[1], 'rb').read())\n\
        assert cal.get('VERSION') == '2.0'\n\
        out = []\n\
        for e in cal.walk('VEVENT'):\n\
        \x20   s, t = e.decoded('DTSTART'), e.decoded('DTEND')\n\
        \x20   assert type(s).__name__ == 'date' and type(t).__name__ == 'date', 'all-day events'\n\
        \x20   assert e.get('DTSTAMP') is not None\n\
        \x20   out.append([str(e['UID']), s.isoformat(), t.isoformat(), str(e['SUMMARY'])])\n\
        print(json.dumps(sorted(out)))\n";
    let output = Command::new(python).args(["-c", script]).arg(&path).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn the_calendar_parses_back_with_one_all_day_event_per_item_and_stable_uids() {
    let Some(python) = python_with_icalendar() else {
        eprintln!("SKIPPED: pip cannot install Python's icalendar package, so the .ics is not parsed back");
        return;
    };
    let dir = sample();
    let ws = dir.path().join("ws");
    let ics_on = |as_of: &str| {
        let output = vendorscore(&ws).args(["due", "--format", "ics", "--as-of", as_of, "--dry-run"]).output().unwrap();
        assert_eq!(output.status.code(), Some(1));
        output.stdout
    };
    let first = ics_on("2026-12-01");
    assert!(first.windows(2).any(|w| w == b"\r\n"), "RFC 5545 lines end in CRLF");
    let events = parse_ics(python, &first);
    let (_, json) = due_json(&ws, &["--as-of", "2026-12-01"]);
    let mut expected = Vec::new();
    for v in json["vendors"].as_array().unwrap() {
        for i in v["items"].as_array().unwrap() {
            let date = i["date"].as_str().unwrap().to_owned();
            let uid = format!("{}.{}@vendorscore", v["id"].as_str().unwrap(), i["kind"].as_str().unwrap());
            expected.push((uid, date));
        }
    }
    expected.sort();
    let got: Vec<(String, String)> = events.iter().map(|e| (e.0.clone(), e.1.clone())).collect();
    assert_eq!(got, expected, "one event per item, on its date");
    let northwind_end = events.iter().find(|e| e.0 == "northwind-cx.contract_end@vendorscore").unwrap();
    assert_eq!((northwind_end.1.as_str(), northwind_end.2.as_str()), ("2029-01-01", "2029-01-02"));
    assert_eq!(northwind_end.3, "Northwind CX Sp. z o.o.: contract ends");

    // A later run (a new score moves the reassessment) keeps every UID: re-importing updates.
    vendorscore(&ws).env("SOURCE_DATE_EPOCH", "1832932800").args(["score", "-q"]).assert().success();
    let later = parse_ics(python, &ics_on("2028-02-01"));
    let uids = |e: &[(String, String, String, String)]| e.iter().map(|e| e.0.clone()).collect::<Vec<_>>();
    assert_eq!(uids(&later), uids(&events));
    let moved = later.iter().find(|e| e.0 == "northwind-cx.reassessment@vendorscore").unwrap();
    assert_eq!(moved.1, "2029-07-31", "scored 2028-01-31, high tier: + P18M");
}
