//! `vendorscore sla` on a voice clause with abandons, allocation credits and
//! earn-back (SPEC section 12): the table, the JSON and `--explain`.

use serde_json::Value;

use crate::score::sample;
use crate::vendorscore;

const CONTRACT: &str = r#"[contract]
vendor = "northwind-cx"
currency = "EUR"
monthly_fee = 100000

[[sla]]
id = "voice-service-level"
metric = "first_response"
channel = "voice"
target = "20s"
attainment = 90
period = "month"
abandons = "exclude_within_target"
credit = { model = "allocation", pct = 20 }
earn_back = { periods = 1, attainment = 95 }

[service_credits]
at_risk_pct = 10
pool_pct = 100
"#;

/// March: Call Centre Helper's ICMI example (1,000 answered, 860 within 20 s;
/// 60 abandoned, 20 within 20 s). April: 100 calls, 96 within 20 s.
fn calls() -> String {
    let mut csv = String::from("ticket_id,channel,created_at,first_response_at,resolved_at,abandoned_at\n");
    let mut add = |n: usize, day: &str, answer: Option<u32>, abandon: Option<u32>| {
        let at = |s: u32| format!("{day}T10:{:02}:{:02}Z", s / 60, s % 60);
        for _ in 0..n {
            let (a, b) = (answer.map(at).unwrap_or_default(), abandon.map(at).unwrap_or_default());
            csv.push_str(&format!("T,voice,{},{a},,{b}\n", at(0)));
        }
    };
    add(860, "2026-03-02", Some(10), None);
    add(140, "2026-03-02", Some(45), None);
    add(20, "2026-03-02", None, Some(12));
    add(40, "2026-03-02", None, Some(50));
    add(96, "2026-04-01", Some(10), None);
    add(4, "2026-04-01", Some(30), None);
    csv
}

fn run(args: &[&str]) -> std::process::Output {
    let dir = sample();
    let ws = dir.path().join("ws");
    std::fs::create_dir_all(ws.join("voice")).unwrap();
    std::fs::write(ws.join("voice/contract.toml"), CONTRACT).unwrap();
    std::fs::write(ws.join("voice/calls.csv"), calls()).unwrap();
    let mut all =
        vec!["sla", "voice/calls.csv", "--contract", "voice/contract.toml", "--dry-run", "--as-of", "2026-11-21"];
    all.extend_from_slice(args);
    let output = vendorscore(&ws).args(&all).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    output
}

#[test]
fn explain_fills_in_the_formula_and_the_credit_arithmetic() {
    let text = String::from_utf8(run(&["--explain"]).stdout).unwrap();
    for line in [
        "voice-service-level (first_response, abandons = exclude_within_target)",
        // ICMI formula 4: 860 / (1000 + 40) = 82.69 %.
        "met 860 / in scope 1040 (answered 1000 + abandoned after target 40) = 82.69%",
        "82.69% against 90%: below the requirement: breached",
        // Texas DIR shape: 20 % of the amount at risk, 10 % of 100,000.
        "credit: allocation 20% × at risk (10% × monthly fee 100000) = EUR 2000.00",
        "earn-back: earned back (at least 95% in each of the next 1 periods); net EUR 0.00",
        "credits: gross EUR 2000.00 − earned back EUR 2000.00 = net EUR 0.00; owed EUR 0.00",
        "met 96 / in scope 100 (answered 100) = 96.00%",
    ] {
        assert!(text.contains(line), "missing {line:?} in\n{text}");
    }
}

#[test]
fn json_and_table_show_abandons_and_earn_back() {
    let json: Value = serde_json::from_slice(&run(&["--format", "json"]).stdout).unwrap();
    let march = &json["results"][0];
    assert_eq!((march["answered"].as_u64(), march["abandoned"].as_u64()), (Some(1000), Some(60)));
    assert_eq!((march["status"].as_str(), march["accrued"].as_str()), (Some("breached"), Some("2000.00")));
    assert_eq!((march["earned_back"].as_bool(), march["net"].as_str()), (Some(true), Some("0.00")));
    let credits = &json["credits"][0];
    assert_eq!(
        (credits["gross"].as_str(), credits["earned_back"].as_str(), credits["total"].as_str()),
        (Some("2000.00"), Some("2000.00"), Some("0.00"))
    );
    let csv = String::from_utf8(run(&["--format", "csv"]).stdout).unwrap();
    let march = csv.lines().nth(1).unwrap();
    assert!(march.ends_with(",2000.00,breached,1000,60,0,0,false,true,0.00,0"), "{csv}");
    let table = String::from_utf8(run(&[]).stdout).unwrap();
    assert!(table.contains("earned back"), "{table}");
    assert!(table.contains("answered 1000, abandoned 60"), "{table}");
    assert!(
        table.contains("Credits for 2026-03: gross EUR 2000.00, earned back EUR 2000.00, net EUR 0.00; owed EUR 0.00"),
        "{table}"
    );
}

/// The vendor's contract with its `[[sla]]` clauses (and what follows them
/// up to `[extra]`) replaced by `clauses`.
fn replace_clauses(vendor: &std::path::Path, clauses: &str) {
    let original = std::fs::read_to_string(vendor.join("contract.toml")).unwrap();
    let (head, rest) = original.split_once("[[sla]]").unwrap();
    let extra = &rest[rest.find("[extra]").unwrap()..];
    std::fs::write(vendor.join("contract.toml"), format!("{head}{clauses}\n{extra}")).unwrap();
}

#[test]
fn scorecards_show_statuses_and_the_credits_per_period() {
    let dir = sample();
    let ws = dir.path().join("ws");
    let vendor = ws.join("vendors/northwind-cx");
    replace_clauses(&vendor, &CONTRACT[CONTRACT.find("[[sla]]").unwrap()..]);
    std::fs::write(vendor.join("tickets.csv"), calls()).unwrap();
    for format in ["md", "html"] {
        vendorscore(&ws)
            .args(["report", "vendors/northwind-cx", "--out", "r", "--dry-run", "-q", "--format", format])
            .args(["--as-of", "2026-11-21"])
            .assert()
            .success();
    }
    // The head of the sample contract has monthly_fee = 42000: 10 % at risk × 20 % = 840.
    let md = std::fs::read_to_string(ws.join("r/northwind-cx.md")).unwrap();
    for line in [
        "| 2026-03 | voice-service-level | first_response | 1040 | 82.69% | 90% | 10s / 45s / 45s | **breached** | EUR 840.00 (earned back) |",
        "| Period | Gross | Earned back | Net | Owed |",
        "| 2026-03 | EUR 840.00 | EUR 840.00 | EUR 0.00 | EUR 0.00 |",
    ] {
        assert!(md.contains(line), "missing {line:?} in\n{md}");
    }
    // A credit model is a service credit for the policy too.
    assert!(!md.contains("cx-sla-minimums/service-credits-defined"), "{md}");
    let html = std::fs::read_to_string(ws.join("r/northwind-cx.html")).unwrap();
    assert!(html.contains("<th scope=\"col\" class=\"num\">Earned back</th>"), "{html}");
    assert!(html.contains("EUR 840.00 (earned back)"), "{html}");
}

/// A voice clause whose months end breached, breached (chronic from then on:
/// two breaches within three months), below target, not measured and excused.
const STATES: &str = r#"
[[sla]]
id = "voice-answer"
metric = "first_response"
channel = "voice"
target = "20s"
attainment = 80
minimum = 70
period = "month"
credit_pct = 5
min_volume = 30
volume_tolerance_pct = 0
chronic = { breaches = 2, periods = 3 }

[[forecast]]
period = "2026-07"
channel = "voice"
volume = 40
"#;

/// March and April: 50 late calls (0 %); May: 30 of 40 in time (75 %, above
/// the minimum of 70); June: 10 calls (under min_volume); July: 50 late calls
/// against a forecast of 40.
fn state_calls() -> String {
    let mut csv = String::from("ticket_id,channel,created_at,first_response_at,resolved_at\n");
    for (day, fast, late) in [
        ("2026-03-02", 0, 50),
        ("2026-04-01", 0, 50),
        ("2026-05-04", 30, 10),
        ("2026-06-01", 0, 10),
        ("2026-07-01", 0, 50),
    ] {
        for i in 0..fast + late {
            let wait = if i < fast { 5 } else { 45 };
            csv.push_str(&format!("T,voice,{day}T10:00:00Z,{day}T10:00:{wait:02}Z,\n"));
        }
    }
    csv
}

#[test]
fn the_table_and_scorecards_name_every_state_plainly() {
    let dir = sample();
    let ws = dir.path().join("ws");
    let vendor = ws.join("vendors/northwind-cx");
    replace_clauses(&vendor, STATES);
    std::fs::write(vendor.join("tickets.csv"), state_calls()).unwrap();
    let output = vendorscore(&ws)
        .args(["sla", "vendors/northwind-cx/tickets.csv", "--contract", "vendors/northwind-cx/contract.toml"])
        .args(["--dry-run", "--as-of", "2026-11-21"])
        .output()
        .unwrap();
    let table = String::from_utf8(output.stdout).unwrap();
    for state in ["✗ BREACHED", "✗ BREACHED · CHRONIC", "below target · CHRONIC", "not measured · CHRONIC"] {
        assert!(table.contains(state), "missing {state:?} in\n{table}");
    }
    assert!(table.contains("excused (volume) · CHRONIC"), "{table}");
    vendorscore(&ws)
        .args(["report", "vendors/northwind-cx", "--out", "r", "--dry-run", "-q", "--format", "md"])
        .args(["--as-of", "2026-11-21"])
        .assert()
        .success();
    let md = std::fs::read_to_string(ws.join("r/northwind-cx.md")).unwrap();
    for cell in [
        "| **breached** |",
        "| **breached** · **chronic** |",
        "| below target · **chronic** |",
        "| not measured · **chronic** |",
        "| excused (volume) · **chronic** |",
    ] {
        assert!(md.contains(cell), "missing {cell:?} in\n{md}");
    }
}
