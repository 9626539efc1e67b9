//! The `reference` texts of the shipped rubrics and policies: they are printed
//! in the scorecards a compliance team files, so each names a normative source
//! (a law and article, a standard and clause with its version, a regulator's
//! or benchmark publisher's document with its year) or says "buyer judgement".
//! Where each figure was checked is recorded in docs/sources.md, never here.

use std::path::{Path, PathBuf};

use crate::{repo, vendorscore};

/// Text that looks like a web address, a site name or a social post.
const DOMAIN_LIKE: &[&str] = &[
    "http", "www.", ".com", ".org", ".net", ".io", ".legal", ".tools", ".pl", ".ai", ".cc", ".info", ".eu", ".de",
    ".ru", ".my", ".nl", ".au", ".hk", ".dev", ".us", ".sh", ".ca", "linkedin", "blogspot", "scribd",
];

/// Internal note names that mean nothing to a reader of a scorecard.
const INTERNAL: &[&str] = &["DOMAIN", "SPEC section", "SPEC §"];

/// A reference must contain one of these, or be exactly "buyer judgement".
/// The platform owners are the primary publishers of their own partner and
/// certification programmes.
const SOURCE_MARKERS: &[&str] = &[
    "Art.",
    "Arts ",
    "Req.",
    "ISO",
    "NIST",
    "PCI DSS",
    "PCI SSC",
    "SOC 2",
    "Regulation",
    "Directive",
    "Decision (EU)",
    "CCPA",
    "CPRA",
    "Cal. Civ. Code",
    "CCR §",
    "EDPB",
    "EBA",
    "IAF",
    "CEFR",
    "Shopify Partner Program",
    "Adobe Certification",
    "Salesforce certification",
];

const BUYER_JUDGEMENT: &str = "buyer judgement";

fn shipped_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for dir in ["rubrics", "policies"] {
        for entry in std::fs::read_dir(repo().join(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "toml") {
                files.push(path);
            }
        }
    }
    files.sort();
    assert!(files.len() >= 10, "expected the shipped rubrics and policies, found {files:?}");
    files
}

/// Every (id, reference) of a file: `[[category]] / [[category.criterion]]`
/// in a rubric, `[[rule]]` in a policy. A criterion or rule without a
/// `reference` is reported with `None`.
fn references(path: &Path) -> Vec<(String, Option<String>)> {
    let text = std::fs::read_to_string(path).unwrap();
    let doc: toml::Table = text.parse().unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let entry = |table: &toml::Value, prefix: &str| {
        let id = table.get("id").and_then(|v| v.as_str()).unwrap_or("?");
        let reference = table.get("reference").map(|v| {
            v.as_str()
                .unwrap_or_else(|| panic!("{}: {prefix}{id}: reference is not a string", path.display()))
                .to_string()
        });
        (format!("{prefix}{id}"), reference)
    };
    let mut out = Vec::new();
    if let Some(categories) = doc.get("category").and_then(|v| v.as_array()) {
        for category in categories {
            let cid = category.get("id").and_then(|v| v.as_str()).unwrap_or("?");
            for criterion in category.get("criterion").and_then(|v| v.as_array()).into_iter().flatten() {
                out.push(entry(criterion, &format!("{cid}.")));
            }
        }
    }
    if let Some(rules) = doc.get("rule").and_then(|v| v.as_array()) {
        for rule in rules {
            out.push(entry(rule, ""));
        }
    }
    assert!(!out.is_empty(), "{}: no criteria or rules found", path.display());
    out
}

/// What is wrong with one reference text, if anything.
fn problem(reference: &str) -> Option<String> {
    let trimmed = reference.trim();
    if trimmed.is_empty() {
        return Some("is empty".into());
    }
    let lower = trimmed.to_lowercase();
    if let Some(d) = DOMAIN_LIKE.iter().find(|d| lower.contains(&d.to_lowercase())) {
        return Some(format!("contains domain-like text {d:?}"));
    }
    if let Some(n) = INTERNAL.iter().find(|n| trimmed.contains(*n)) {
        return Some(format!("names an internal note {n:?}"));
    }
    if trimmed == BUYER_JUDGEMENT {
        return None;
    }
    let has_year = trimmed.as_bytes().windows(4).enumerate().any(|(i, w)| {
        let bytes = trimmed.as_bytes();
        let before = i.checked_sub(1).map(|j| bytes[j]);
        let after = bytes.get(i + 4).copied();
        w.iter().all(u8::is_ascii_digit)
            && (w[0] == b'1' || w[0] == b'2')
            && !before.is_some_and(|b| b.is_ascii_digit())
            && !after.is_some_and(|b| b.is_ascii_digit())
    });
    if has_year || SOURCE_MARKERS.iter().any(|m| trimmed.contains(m)) {
        None
    } else {
        Some(
            "names no recognised source (law, standard, publisher and year) and is not exactly \"buyer judgement\""
                .into(),
        )
    }
}

#[test]
fn every_shipped_reference_names_a_source_or_says_buyer_judgement() {
    let mut failures = Vec::new();
    let mut seen = 0;
    for path in shipped_files() {
        let name = path.strip_prefix(repo()).unwrap().display().to_string();
        for (id, reference) in references(&path) {
            seen += 1;
            match reference {
                None => failures.push(format!("{name}: {id}: has no reference")),
                Some(text) => {
                    if let Some(why) = problem(&text) {
                        failures.push(format!("{name}: {id}: reference {why}: {text:?}"));
                    }
                }
            }
        }
    }
    assert!(seen > 100, "expected the shipped criteria and rules, saw {seen}");
    assert!(failures.is_empty(), "{} bad references:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn the_reference_check_rejects_what_it_should() {
    for bad in [
        "",
        "  ",
        "nextiva.com service-level-call-center: chat 80 % within 60 s",
        "PCI DSS v4.0.1 Req 8.4.2 (myctrl.tools)",
        "GDPR Art. 28(3) (activemind.legal/legislation/gdpr/article-28)",
        "Kit Burden, 'Service Level Regimes - Key Issues' (LinkedIn)",
        "Recruit-hire-train pipeline 6-16 weeks; DOMAIN §4",
        "see https://eur-lex.europa.eu",
        "Buyer judgement, no published figure",
        "market practice",
    ] {
        assert!(problem(bad).is_some(), "accepted {bad:?}");
    }
    for good in [
        "buyer judgement",
        "GDPR Art. 28(3)(h)",
        "PCI DSS v4.0.1 Req. 8.4.2",
        "ISO/IEC 27001:2022 A.5.19",
        "DORA, Accelerate State of DevOps Report 2024",
        "WERC DC Measures 2020: best-in-class order-picking accuracy above 99.9 %",
        "Cal. Civ. Code §1798.140(ag)(2)",
    ] {
        assert_eq!(problem(good), None, "rejected {good:?}");
    }
}

#[test]
fn the_shipped_content_still_validates_with_warnings_denied() {
    vendorscore(&repo()).args(["validate", "--deny-warnings", "rubrics/", "policies/"]).assert().success();
}
