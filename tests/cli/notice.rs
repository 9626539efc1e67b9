//! `vendorscore notice`: award letters from the recorded run, checked against
//! the sample's numbers worked by hand, the standstill end across a weekend
//! and a holiday, refusals, and the ledger entry that lists every letter.

use std::path::Path;

use serde_json::Value;

use crate::score::sample;
use crate::vendorscore;

fn last_entry(ws: &Path, action: &str) -> Value {
    let ledger = std::fs::read_to_string(ws.join("audit/ledger.jsonl")).unwrap();
    ledger.lines().map(|l| serde_json::from_str::<Value>(l).unwrap()).rfind(|e| e["action"] == action).unwrap()
}

fn recorded_score(run: &Value, vendor: &str) -> String {
    let vendors = run["result"]["vendors"].as_array().unwrap();
    vendors.iter().find(|v| v["id"] == vendor).unwrap()["score"].as_str().unwrap().to_owned()
}

fn pdf_text(path: &Path) -> String {
    let doc = lopdf::Document::load(path).unwrap();
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    doc.extract_text(&pages).unwrap()
}

fn sha256(bytes: &[u8]) -> String {
    use sha2::Digest as _;
    sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn letters_name_the_winner_both_scores_and_the_advantages_and_one_entry_lists_them() {
    let dir = sample();
    let ws = dir.path().join("ws");
    let run = last_entry(&ws, "report");
    let before = crate::ledger_entries(&ws);
    let output = vendorscore(&ws)
        .args(["notice", "--winner", "northwind-cx", "--out", "letters", "--format", "pdf,md"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let listed = String::from_utf8(output.stdout).unwrap();
    // One letter per other vendor of the run (five took part), in two formats.
    assert_eq!(listed.lines().count(), 8, "{listed}");
    assert!(!listed.contains("northwind-cx"), "no letter to the winner: {listed}");

    let md = std::fs::read_to_string(ws.join("letters/notice-aero-support.md")).unwrap();
    let aero = recorded_score(&run, "aero-support");
    for expected in [
        "award the contract to **Northwind CX Sp. z o.o.**",
        "| Northwind CX Sp. z o.o. (awarded) | 85.15 | qualified |",
        &format!("| Ærø Support ApS (your tender) | {aero} |"),
        "| Security and data protection | 20.00 |",
    ] {
        assert!(md.contains(expected), "{expected:?} not in:\n{md}");
    }
    // By hand: security weighs 20, its criteria 3+3+2+2+1+1 = 12, so the
    // pentest criterion (weight 2) is worth 20 × 2/12 = 3.33 points. Northwind
    // tested 5 months ago (band ≤ 6: full marks, 3.33); Ærø 13 months ago
    // (older than 12: 0). No criterion can differ by more than its
    // 3.33 points here, so it is among the advantages.
    assert!(
        md.contains(
            "- Months since the last independent penetration test (security): Northwind CX Sp. z o.o. answered \"5 months\" for 3.33 points; your tender answered \"13 months\" for 0.00 points (a difference of 3.33 points)."
        ),
        "{md}"
    );
    assert!(md.contains("ends on **2026-12-01 at 23:59** local time"), "2026-11-21 + 10 days is a Tuesday: {md}");

    let text = pdf_text(&ws.join("letters/notice-aero-support.pdf"));
    for expected in ["Northwind CX Sp. z o.o.", "85.15", &aero, "13 months", "2026-12-01 at 23:59"] {
        assert!(text.contains(expected), "{expected:?} not in:\n{text}");
    }

    assert_eq!(crate::ledger_entries(&ws), before + 1, "one entry for every letter");
    let entry = last_entry(&ws, "notice");
    assert_eq!(entry["result"]["winner"], "northwind-cx");
    assert_eq!(entry["result"]["run"], run["seq"]);
    let outputs = entry["outputs"].as_array().unwrap();
    assert_eq!(outputs.len(), 8);
    for line in listed.lines() {
        let bytes = std::fs::read(ws.join(line)).unwrap();
        let recorded = outputs.iter().find(|o| o["path"] == line).unwrap_or_else(|| panic!("{line} not recorded"));
        assert_eq!(recorded["sha256"].as_str().unwrap(), sha256(&bytes), "{line}");
    }
    assert!(text.contains(&format!("ledger entry {}", entry["seq"])), "{text}");
}

fn standstill_end(ws: &Path, as_of: &str) -> String {
    let output = vendorscore(ws)
        .args(["notice", "--winner", "northwind-cx", "--out", "n", "--format", "md", "--as-of", as_of, "-q"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let md = std::fs::read_to_string(ws.join("n/notice-bayanihan-cx.md")).unwrap();
    md.split("ends on **").nth(1).unwrap().split("**").next().unwrap().to_owned()
}

#[test]
fn the_standstill_end_moves_past_weekends_and_holidays() {
    let dir = sample();
    let ws = dir.path().join("ws");
    // Thursday 2026-11-19 + 10 days = Sunday 2026-11-29: Monday.
    assert_eq!(standstill_end(&ws, "2026-11-19"), "2026-11-30 at 23:59");
    // Tuesday 2026-12-15 + 10 = Friday 2026-12-25, a working day until declared a holiday.
    assert_eq!(standstill_end(&ws, "2026-12-15"), "2026-12-25 at 23:59");
    let settings = ws.join("vendorscore.toml");
    let text = std::fs::read_to_string(&settings).unwrap();
    std::fs::write(&settings, format!("{text}\n[notice]\nholidays = [2026-12-25, 2026-12-28]\n")).unwrap();
    // Holiday Friday, the weekend, holiday Monday: Tuesday 2026-12-29.
    assert_eq!(standstill_end(&ws, "2026-12-15"), "2026-12-29 at 23:59");
}

#[test]
fn a_winner_outside_the_run_or_no_recorded_run_is_refused_and_nothing_is_written() {
    let dir = sample();
    let ws = dir.path().join("ws");
    let run = last_entry(&ws, "report");
    let before = crate::ledger_entries(&ws);
    let output = vendorscore(&ws).args(["notice", "--winner", "acme", "--out", "n"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains(&format!(
            "--winner acme: not a vendor of the run notified (audit/ledger.jsonl: entry {}:",
            run["seq"]
        )) && stderr.contains("northwind-cx"),
        "{stderr}"
    );
    assert!(!ws.join("n").exists());
    assert_eq!(crate::ledger_entries(&ws), before);

    std::fs::remove_file(ws.join("audit/ledger.jsonl")).unwrap();
    let output = vendorscore(&ws).args(["notice", "--winner", "northwind-cx", "--out", "n"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("audit/ledger.jsonl: no `score` or `report` run is recorded"), "{stderr}");
    assert!(!ws.join("n").exists());
}

#[test]
fn a_workspace_template_replaces_the_wording_and_is_recorded() {
    let dir = sample();
    let ws = dir.path().join("ws");
    std::fs::create_dir_all(ws.join("templates")).unwrap();
    std::fs::write(
        ws.join("templates/notice.md.j2"),
        "# Zuschlagsmitteilung\n\nAn {{ recipient.name }}: Zuschlag an {{ winner.name }} ({{ winner.score }}).\nStillhaltefrist bis {{ standstill_end }} {{ standstill_end_time }} Uhr.\n",
    )
    .unwrap();
    vendorscore(&ws)
        .args(["notice", "--winner", "northwind-cx", "--out", "n", "--format", "pdf,md", "-q"])
        .assert()
        .success();
    let md = std::fs::read_to_string(ws.join("n/notice-mueller-fulfillment.md")).unwrap();
    assert!(md.contains("An Müller Fulfillment GmbH: Zuschlag an Northwind CX Sp. z o.o. (85.15)."), "{md}");
    let text = pdf_text(&ws.join("n/notice-mueller-fulfillment.pdf"));
    assert!(
        text.contains("Zuschlagsmitteilung")
            && text.contains("Stillhaltefrist bis")
            && text.contains("2026-12-01 23:59 Uhr."),
        "{text}"
    );
    let entry = last_entry(&ws, "notice");
    assert!(entry["inputs"].as_array().unwrap().iter().any(|i| i["path"] == "templates/notice.md.j2"), "{entry}");
}

#[test]
fn the_demo_writes_a_letter_to_every_vendor_but_the_winner() {
    let dir = sample();
    let ws = dir.path().join("ws");
    let entry = last_entry(&ws, "notice");
    let outputs: Vec<&str> = entry["outputs"].as_array().unwrap().iter().map(|o| o["path"].as_str().unwrap()).collect();
    assert_eq!(
        outputs,
        [
            "notices/notice-aero-support.pdf",
            "notices/notice-atlantico-digital.pdf",
            "notices/notice-bayanihan-cx.pdf",
            "notices/notice-mueller-fulfillment.pdf"
        ]
    );
    for output in entry["outputs"].as_array().unwrap() {
        let bytes = std::fs::read(ws.join(output["path"].as_str().unwrap())).unwrap();
        assert_eq!(output["sha256"].as_str().unwrap(), sha256(&bytes));
        assert!(bytes.starts_with(b"%PDF-1.4"));
    }
}

/// Rename `vendor` in the sample (the scores, and so the recorded run, stay valid).
fn rename(ws: &Path, vendor: &str, name: &str) {
    let path = ws.join(format!("vendors/{vendor}/vendor.toml"));
    let text = std::fs::read_to_string(&path).unwrap();
    let old = text.lines().find(|l| l.starts_with("name = ")).unwrap().to_owned();
    std::fs::write(&path, text.replacen(&old, &format!("name = \"{name}\""), 1)).unwrap();
}

#[test]
fn a_recipient_named_in_chinese_gets_an_installed_font_as_reports_do() {
    if !crate::needs("Noto CJK fonts", crate::report::font_for_language("zh-cn"), "apt-get install fonts-noto-cjk")
        || !crate::needs("poppler's pdftotext", crate::has_program("pdftotext"), "apt-get install poppler-utils")
    {
        return;
    }
    let dir = sample();
    let ws = dir.path().join("ws");
    let name = "北风客户服务有限公司";
    rename(&ws, "aero-support", name);
    let output = vendorscore(&ws).args(["notice", "--winner", "northwind-cx", "--out", "n", "-q"]).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let path = ws.join("n/notice-aero-support.pdf");
    let fonts = crate::report::assert_no_notdef(&path);
    assert!(fonts.iter().any(|f| f.starts_with("VSSYS")), "{fonts:?}");
    assert!(crate::report::pdftotext(&path).contains(name), "{name} not in the letter");
    crate::report::assert_pdfa(&path);
    let entry = last_entry(&ws, "notice");
    let fonts = entry["result"]["system_fonts"].as_array().unwrap();
    assert!(fonts.iter().any(|f| f["font"].as_str().unwrap().starts_with("NotoSansCJK")), "{fonts:?}");
}

#[test]
fn a_recipient_named_in_a_right_to_left_script_is_refused_where_the_name_is() {
    let dir = sample();
    let ws = dir.path().join("ws");
    rename(&ws, "aero-support", "שירות אוויר בע״מ");
    let before = crate::ledger_entries(&ws);
    let output = vendorscore(&ws).args(["notice", "--winner", "northwind-cx", "--out", "n", "-q"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("error[VS1102]") && stderr.contains("vendors/aero-support/vendor.toml:"), "{stderr}");
    assert!(stderr.contains("--format html or md"), "{stderr}");
    assert!(!ws.join("n").exists() && crate::ledger_entries(&ws) == before, "nothing written or recorded");
    // The Markdown letter needs no PDF layout.
    vendorscore(&ws)
        .args(["notice", "--winner", "northwind-cx", "--out", "md", "--format", "md", "-q"])
        .assert()
        .success();
}
