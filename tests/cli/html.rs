//! The HTML reports in headless Chromium: landmarks, table headers with
//! `scope`, `lang`, named charts and text contrast of at least 4.5:1, read
//! from the computed styles of the laid-out page (tests/cli/html_in_chromium.py).

use serde_json::Value;

use crate::score::sample;
use crate::{repo, vendorscore};

#[test]
fn html_reports_pass_the_accessibility_checks_in_chromium() {
    let browser = ["chromium", "chromium-browser", "google-chrome"].into_iter().any(crate::has_program);
    if !crate::needs("Chromium", browser, "apt-get install chromium") {
        return;
    }
    let dir = sample();
    let ws = dir.path().join("ws");
    let output = vendorscore(&ws).args(["report", "--out", "html", "--format", "html"]).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    for page in ["northwind-cx", "bayanihan-cx", "comparison"] {
        let shot = dir.path().join(format!("{page}.png"));
        let output = std::process::Command::new("python3")
            .arg(repo().join("tests/cli/html_in_chromium.py"))
            .arg(ws.join(format!("html/{page}.html")))
            .arg(&shot)
            .output()
            .unwrap();
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        let verdict: Value = serde_json::from_slice(&output.stdout).unwrap();
        assert_eq!(verdict["problems"], serde_json::json!([]), "{page}: {verdict}");
        assert!(verdict["texts"].as_u64().unwrap() > 50, "{page}: the audit saw the page's text: {verdict}");
        assert!(std::fs::metadata(&shot).is_ok_and(|m| m.len() > 10_000), "{page}: a screenshot");
    }
}
