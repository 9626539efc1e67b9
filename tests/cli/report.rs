//! `vendorscore report`: PDFs parsed back for their text, PDF/A metadata,
//! determinism, templates, atomic output and the ledger entry.

use std::path::Path;

use predicates::prelude::*;
use serde_json::Value;

use crate::score::sample;
use crate::vendorscore;

fn ledger_len(ws: &Path) -> usize {
    std::fs::read_to_string(ws.join("audit/ledger.jsonl")).unwrap().lines().count()
}

fn pdf_text(path: &Path) -> String {
    let doc = lopdf::Document::load(path).unwrap();
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    doc.extract_text(&pages).unwrap()
}

/// The XMP packet of a PDF.
fn xmp(path: &Path) -> String {
    let doc = lopdf::Document::load(path).unwrap();
    let catalog = doc.catalog().unwrap();
    let id = catalog.get(b"Metadata").unwrap().as_reference().unwrap();
    let stream = doc.get_object(id).unwrap().as_stream().unwrap();
    String::from_utf8(stream.content.clone()).unwrap()
}

#[test]
fn pdf_scorecards_show_vendor_score_status_and_footer() {
    let dir = sample();
    let ws = dir.path().join("ws");
    let seq = ledger_len(&ws) + 1;
    let output = vendorscore(&ws).args(["report", "--out", "reports"]).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let listed = String::from_utf8(output.stdout).unwrap();
    assert_eq!(listed.lines().count(), 6, "five scorecards and the comparison: {listed}");
    assert!(listed.contains("reports/comparison.pdf"));

    let text = pdf_text(&ws.join("reports/northwind-cx.pdf"));
    let entry = format!("ledger entry {seq}");
    for expected in
        ["Northwind CX Sp. z o.o.", "85.15", "QUALIFIED", "1 of 5", "page 1 of", &entry, "vendorscore 0.1.0"]
    {
        assert!(text.contains(expected), "{expected:?} not in:\n{text}");
    }
    let disqualified = pdf_text(&ws.join("reports/atlantico-digital.pdf"));
    assert!(disqualified.contains("Atlântico Digital Commerce, Lda.") && disqualified.contains("DISQUALIFIED"));
    assert!(disqualified.contains("Failed knockout gates"));
    let aero = pdf_text(&ws.join("reports/aero-support.pdf"));
    assert!(aero.contains("Ærø Support ApS"), "{aero}");
    let comparison = pdf_text(&ws.join("reports/comparison.pdf"));
    assert!(comparison.contains("Müller Fulfillment GmbH") && comparison.contains("Below pass mark"));
}

#[test]
fn pdfs_carry_pdfa_metadata_and_their_data() {
    let dir = sample();
    let ws = dir.path().join("ws");
    vendorscore(&ws).args(["report", "--out", "reports", "-q"]).assert().success();
    let path = ws.join("reports/northwind-cx.pdf");
    let doc = lopdf::Document::load(&path).unwrap();
    assert_eq!(doc.version, "1.4");
    let packet = xmp(&path);
    assert!(
        packet.contains("<pdfaid:part>1</pdfaid:part>")
            && packet.contains("<pdfaid:conformance>B</pdfaid:conformance>")
    );
    assert!(packet.contains("<xmp:CreateDate>2026-11-21T10:00:00+00:00</xmp:CreateDate>"));
    let data = packet.split("<vendorscore:data>").nth(1).unwrap().split("</vendorscore:data>").next().unwrap();
    let data = data.replace("&quot;", "\"").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
    let json: Value = serde_json::from_str(&data).unwrap();
    assert_eq!((json["vendor"]["id"].as_str(), json["score"].as_f64()), (Some("northwind-cx"), Some(85.15)));
    let info = doc.trailer.get(b"Info").unwrap().as_reference().unwrap();
    let info = doc.get_dictionary(info).unwrap();
    assert!(info.get(b"GTS_PDFXVersion").is_err(), "clean /Info");
    assert_eq!(info.get(b"Author").unwrap().as_str().unwrap(), b"Example Retail GmbH");
}

#[test]
fn output_is_byte_identical_run_to_run_and_batch_to_single() {
    let dir = sample();
    let ws = dir.path().join("ws");
    vendorscore(&ws)
        .args(["report", "--out", "a", "--dry-run", "-q", "--format", "pdf,md,html,json"])
        .assert()
        .success();
    vendorscore(&ws)
        .args(["report", "--out", "b", "--dry-run", "-q", "--format", "pdf,md,html,json"])
        .assert()
        .success();
    for entry in std::fs::read_dir(ws.join("a")).unwrap() {
        let name = entry.unwrap().file_name();
        assert_eq!(
            std::fs::read(ws.join("a").join(&name)).unwrap(),
            std::fs::read(ws.join("b").join(&name)).unwrap(),
            "{name:?}"
        );
    }
    // A vendor reported alone is scored and ranked in the whole workspace:
    // its scorecards are the very bytes of the batch's.
    vendorscore(&ws)
        .args(["report", "vendors/aero-support", "--out", "single", "--dry-run", "-q", "--format", "pdf,md,html,json"])
        .assert()
        .success();
    for name in ["aero-support.pdf", "aero-support.md", "aero-support.html", "aero-support.json"] {
        assert_eq!(
            std::fs::read(ws.join("single").join(name)).unwrap(),
            std::fs::read(ws.join("a").join(name)).unwrap(),
            "{name}"
        );
    }
    assert!(!ws.join("single/comparison.pdf").exists(), "one vendor shown: no comparison");
    let markdown = std::fs::read_to_string(ws.join("single/aero-support.md")).unwrap();
    assert!(markdown.contains("| Rank | 3 of 5 |"), "ranked 3rd of the workspace's 5: {markdown}");
    // In a batch the second document must not differ from what it is alone: ids and subset tags are fixed.
    let batch = std::fs::read(ws.join("a/mueller-fulfillment.pdf")).unwrap();
    let doc = lopdf::Document::load_mem(&batch).unwrap();
    let ids = doc.trailer.get(b"ID").unwrap().as_array().unwrap();
    assert_eq!(ids[0], ids[1]);
}

#[test]
fn markdown_and_html_come_from_templates() {
    let dir = sample();
    let ws = dir.path().join("ws");
    vendorscore(&ws).args(["report", "--out", "r", "--dry-run", "-q", "--format", "md,html"]).assert().success();
    let md = std::fs::read_to_string(ws.join("r/northwind-cx.md")).unwrap();
    insta::assert_snapshot!("northwind_md", md);
    let html = std::fs::read_to_string(ws.join("r/comparison.html")).unwrap();
    insta::assert_snapshot!("comparison_html", html);
    let scorecard_html = std::fs::read_to_string(ws.join("r/bayanihan-cx.html")).unwrap();
    assert!(
        scorecard_html.contains("Bayanihan Contact Solutions, Inc.") && scorecard_html.contains("abnormally-low-price")
    );

    // A workspace template overrides the built-in one by name; its errors are located.
    std::fs::create_dir_all(ws.join("templates")).unwrap();
    std::fs::write(ws.join("templates/scorecard.md.j2"), "# {{ vendor.name }}: {{ score | fixed(1) }}\n").unwrap();
    vendorscore(&ws).args(["report", "--out", "r", "--dry-run", "-q", "--format", "md"]).assert().success();
    assert_eq!(std::fs::read_to_string(ws.join("r/northwind-cx.md")).unwrap(), "# Northwind CX Sp. z o.o.: 85.2\n");
    std::fs::write(ws.join("templates/scorecard.md.j2"), "line one\n{{ vendor.name | nosuchfilter }}\n").unwrap();
    vendorscore(&ws)
        .args(["report", "--out", "r", "--dry-run", "--format", "md"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("templates/scorecard.md.j2:2"));
}

#[test]
fn the_run_is_recorded_with_every_file_written() {
    let dir = sample();
    let ws = dir.path().join("ws");
    let seq = ledger_len(&ws) as u64 + 1;
    vendorscore(&ws).args(["report", "--out", "reports", "-q", "--format", "pdf,json"]).assert().success();
    let ledger = std::fs::read_to_string(ws.join("audit/ledger.jsonl")).unwrap();
    let entry: Value = serde_json::from_str(ledger.lines().last().unwrap()).unwrap();
    assert_eq!((entry["action"].as_str(), entry["seq"].as_u64()), (Some("report"), Some(seq)));
    let outputs = entry["outputs"].as_array().unwrap();
    assert_eq!(outputs.len(), 12);
    let pdf = outputs.iter().find(|o| o["path"] == "reports/northwind-cx.pdf").unwrap();
    let digest = vendorscore::audit::hash::hash_file(&ws.join("reports/northwind-cx.pdf")).unwrap();
    assert_eq!(pdf["sha256"], digest.sha256.as_str());
    vendorscore(&ws).args(["audit", "verify"]).assert().code(0);
    // A replaced report no longer verifies.
    std::fs::write(ws.join("reports/northwind-cx.pdf"), b"%PDF-1.4 forged").unwrap();
    vendorscore(&ws)
        .args(["audit", "verify"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("reports/northwind-cx.pdf: changed"));
}

#[test]
fn bad_formats_and_fonts_are_refused() {
    let dir = sample();
    let ws = dir.path().join("ws");
    vendorscore(&ws)
        .args(["report", "--out", "r", "--format", "docx"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("pdf, html, md or json"));
    let settings = std::fs::read_to_string(ws.join("vendorscore.toml")).unwrap();
    std::fs::write(ws.join("vendorscore.toml"), format!("{settings}\n[report]\nfont = \"fonts/missing.ttf\"\n"))
        .unwrap();
    vendorscore(&ws)
        .args(["report", "--out", "r"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("fonts/missing.ttf"));
}

#[test]
fn a_configured_fallback_font_sets_what_dejavu_lacks() {
    let dir = sample();
    let ws = dir.path().join("ws");
    std::fs::create_dir_all(ws.join("fonts")).unwrap();
    std::fs::copy(crate::repo().join("tests/fixtures/fonts/wqy-microhei-subset.ttf"), ws.join("fonts/cjk.ttf"))
        .unwrap();
    let settings = std::fs::read_to_string(ws.join("vendorscore.toml")).unwrap();
    std::fs::write(ws.join("vendorscore.toml"), format!("{settings}\n[report]\nfont = \"fonts/cjk.ttf\"\n")).unwrap();
    let vendor = ws.join("vendors/bayanihan-cx/vendor.toml");
    let text = std::fs::read_to_string(&vendor).unwrap();
    let renamed = text.replace("name = \"Bayanihan Contact Solutions, Inc.\"", "name = \"北京客服中心有限公司 Łódź\"");
    assert_ne!(text, renamed);
    std::fs::write(&vendor, renamed).unwrap();
    vendorscore(&ws).args(["report", "vendors/bayanihan-cx", "--out", "r", "-q"]).assert().success();
    let path = ws.join("r/bayanihan-cx.pdf");
    assert!(pdf_text(&path).contains("北京客服中心有限公司 Łódź"));
    let doc = lopdf::Document::load(&path).unwrap();
    let fonts: Vec<String> = doc
        .objects
        .values()
        .filter_map(|o| o.as_dict().ok())
        .filter(|d| d.get(b"Type").and_then(|t| t.as_name()).ok() == Some(b"Font"))
        .filter_map(|d| {
            d.get(b"BaseFont").and_then(|b| b.as_name()).ok().map(|n| String::from_utf8_lossy(n).into_owned())
        })
        .collect();
    assert!(fonts.iter().any(|f| f.starts_with("VSFALL+")), "{fonts:?}");
    // Without the fallback the same names still render; CJK becomes missing glyphs but nothing fails.
    let ledger = std::fs::read_to_string(ws.join("audit/ledger.jsonl")).unwrap();
    assert!(ledger.lines().last().unwrap().contains("fonts/cjk.ttf"), "the font is a recorded input");
}
