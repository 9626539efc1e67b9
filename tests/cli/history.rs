//! The History section of scorecards: present when the ledger holds earlier
//! runs of the vendor (score over runs, one chart per SLA clause), absent
//! otherwise; the same in PDF (drawn, text searchable), HTML (inline SVG)
//! and Markdown.

use std::path::Path;

use crate::score::sample;
use crate::vendorscore;

fn pdf_text(path: &Path) -> String {
    let doc = lopdf::Document::load(path).unwrap();
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    doc.extract_text(&pages).unwrap()
}

#[test]
fn scorecards_show_history_when_the_ledger_holds_earlier_runs() {
    let dir = sample();
    let ws = dir.path().join("ws");
    // The demo scored once (entry 1) and reported once; score again a day later (2026-11-22T10:00Z), then report.
    let entry = crate::ledger_entries(&ws) + 1;
    vendorscore(&ws).env("SOURCE_DATE_EPOCH", "1795341600").args(["score", "-q"]).assert().success();
    vendorscore(&ws)
        .args(["report", "vendors/northwind-cx", "--out", "r", "--dry-run", "-q", "--format", "pdf,md,html"])
        .assert()
        .success();
    let md = std::fs::read_to_string(ws.join("r/northwind-cx.md")).unwrap();
    let history: Vec<&str> = md.lines().skip_while(|l| *l != "## History").collect();
    // Two score runs in the ledger (entry 1, the demo's, and this one), then this report.
    assert_eq!(history[4], "| ledger entry 1 | 2026-11-21 | 85.15 |", "{md}");
    assert_eq!(history[5], format!("| ledger entry {entry} | 2026-11-22 | 85.15 |"), "same inputs, same score");
    assert!(history[6].starts_with("| this report | 2026-11-21 | "), "{md}");
    // The sample's September chat breach: 70.39 % against 80 %, credited 5 % of EUR 42,000.
    assert!(md.contains("2026-09 70.39% **breached** (credit EUR 2100.00)"), "{md}");

    let html = std::fs::read_to_string(ws.join("r/northwind-cx.html")).unwrap();
    let section = html.split(">History</h2>").nth(1).expect("an HTML History section");
    assert_eq!(section.matches("<svg").count(), 1 + 4, "the score chart and one per SLA clause");
    assert!(section.contains("<title>2026-09: 70.39%</title>"));
    assert!(section.contains("fill=\"#b3261e\""), "the breached bar is red");
    assert!(section.contains("stroke-dasharray"), "the target line");

    let text = pdf_text(&ws.join("r/northwind-cx.pdf"));
    assert!(text.contains("History"), "{text}");
    assert!(text.contains(&format!("ledger entry {entry}")), "{text}");
    assert!(text.contains("target 80%"), "{text}");
    assert!(text.contains("EUR 2100.00"), "{text}");
}

#[test]
fn scorecards_have_no_history_without_earlier_runs() {
    let dir = sample();
    let ws = dir.path().join("ws");
    std::fs::remove_file(ws.join("audit/ledger.jsonl")).unwrap();
    vendorscore(&ws)
        .args(["report", "vendors/northwind-cx", "--out", "r", "--dry-run", "-q", "--format", "pdf,md,html"])
        .assert()
        .success();
    assert!(!std::fs::read_to_string(ws.join("r/northwind-cx.md")).unwrap().contains("## History"));
    assert!(!std::fs::read_to_string(ws.join("r/northwind-cx.html")).unwrap().contains("<h2>History</h2>"));
    assert!(!pdf_text(&ws.join("r/northwind-cx.pdf")).contains("History"));
}
