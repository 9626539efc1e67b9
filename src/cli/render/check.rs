//! How `check` shows findings: a table grouped by vendor and severity, the
//! demo's brief, the JSON of SPEC section 5 (streamed), CSV.

use std::fmt::Write as _;
use std::io::Write as _;

use serde::Serialize;

use super::json::{Each, LedgerJson};
use crate::cli::Format;
use crate::cli::formats::{csv_io, csv_writer};
use crate::cli::terminal::closed_pipe_is_fine;
use crate::cli::text::{self, fit, wrap};
use vendorscore::compliance::{Finding, Policy, ReadValue, VendorFindings};
use vendorscore::model::RuleSeverity;

/// One vendor in the shape of SPEC section 5.
#[derive(Serialize)]
struct VendorJson<'a> {
    id: &'a str,
    contract: Option<&'a str>,
    findings: Each<'a, Finding, FindingJson<'a>>,
    summary: SummaryJson,
}

#[derive(Serialize)]
struct FindingJson<'a> {
    policy: Option<&'a str>,
    rule: &'a str,
    severity: &'static str,
    status: &'static str,
    title: &'a str,
    reference: Option<&'a str>,
    missing: &'a [String],
    /// For `fail`: the contract's value of each field the rule reads.
    #[serde(skip_serializing_if = "Each::is_empty")]
    values: Each<'a, ReadValue, ValueJson<'a>>,
    remediation: Option<&'a str>,
}

#[derive(Serialize)]
struct ValueJson<'a> {
    path: &'a str,
    value: &'a str,
}

#[derive(Serialize)]
struct SummaryJson {
    pass: usize,
    fail: usize,
    missing: usize,
    skipped: usize,
}

impl<'a> VendorJson<'a> {
    fn of(v: &'a VendorFindings) -> Self {
        let s = v.summary();
        VendorJson {
            id: &v.vendor,
            contract: v.contract.as_deref(),
            findings: Each(&v.findings, FindingJson::of),
            summary: SummaryJson { pass: s.pass, fail: s.fail, missing: s.missing, skipped: s.skipped },
        }
    }
}

impl<'a> FindingJson<'a> {
    fn of(f: &'a Finding) -> Self {
        let rule = &*f.rule;
        FindingJson {
            policy: rule.policy.as_deref(),
            rule: &rule.id,
            severity: rule.severity.as_str(),
            status: f.status.as_str(),
            title: &rule.title,
            reference: rule.reference.as_deref(),
            missing: &f.missing,
            values: Each(&f.values, |v| ValueJson { path: &v.path, value: &v.value }),
            remediation: rule.remediation.as_deref(),
        }
    }
}

/// Write the JSON of SPEC section 5 to stdout as it is serialized.
pub fn write_json(vendors: &[VendorFindings], as_of: &str, ledger: Option<u64>) -> std::io::Result<()> {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    closed_pipe_is_fine(json_document(&mut out, vendors, as_of, ledger).and_then(|()| out.flush()))
}

/// `check --format json` (SPEC section 5): `{ as_of, vendors, ledger? }`,
/// the vendors serialized on all cores.
fn json_document(
    out: &mut impl std::io::Write,
    vendors: &[VendorFindings],
    as_of: &str,
    ledger: Option<u64>,
) -> std::io::Result<()> {
    let mut document = super::json::Object::new(out);
    document.field("as_of", &as_of)?;
    document.array("vendors", vendors, VendorJson::of)?;
    if let Some(seq) = ledger {
        document.field("ledger", &LedgerJson { seq })?;
    }
    document.end()
}

/// Write one CSV row per finding to stdout (`csv` or `csv-excel`).
pub fn write_csv(vendors: &[VendorFindings], format: Format) -> std::io::Result<()> {
    closed_pipe_is_fine(csv_rows(vendors, format))
}

fn csv_rows(vendors: &[VendorFindings], format: Format) -> std::io::Result<()> {
    let mut writer = csv_writer(std::io::BufWriter::new(std::io::stdout().lock()), format)?;
    writer
        .write_record([
            "vendor",
            "contract",
            "policy",
            "rule",
            "severity",
            "status",
            "title",
            "reference",
            "missing",
            "reads",
            "remediation",
            "values",
        ])
        .map_err(csv_io)?;
    for v in vendors {
        for f in &v.findings {
            let rule = &*f.rule;
            let cells = [
                v.vendor.as_str(),
                v.contract.as_deref().unwrap_or(""),
                rule.policy.as_deref().unwrap_or(""),
                rule.id.as_str(),
                rule.severity.as_str(),
                f.status.as_str(),
                rule.title.as_str(),
                rule.reference.as_deref().unwrap_or(""),
                &f.missing.join(" "),
                &rule.reads.join(" "),
                rule.remediation.as_deref().unwrap_or(""),
                &values_text(f),
            ];
            writer.write_record(cells.map(|c| text::csv_text(c).into_owned())).map_err(csv_io)?;
        }
    }
    writer.flush()
}

/// The narrowest the table is laid out for: a finding's labelled text
/// keeps 33 columns beside its label.
const NARROWEST: usize = 60;
/// Where the text of a finding starts.
const TEXT_AT: usize = 15;

const SEVERITIES: [RuleSeverity; 4] =
    [RuleSeverity::Critical, RuleSeverity::High, RuleSeverity::Medium, RuleSeverity::Low];

fn paint(text: &str, severity: RuleSeverity, color: bool) -> String {
    let code = match severity {
        RuleSeverity::Critical => "1;31",
        RuleSeverity::High => "31",
        RuleSeverity::Medium => "33",
        RuleSeverity::Low => "36",
    };
    text::paint(text, code, color)
}

/// The findings for people, grouped by vendor and severity, wrapped to
/// `columns` (never fewer than 60).
pub fn table(
    policies: &[std::sync::Arc<Policy>],
    vendors: &[VendorFindings],
    as_of: &str,
    fail_on: RuleSeverity,
    color: bool,
    columns: usize,
) -> String {
    let width = columns.max(NARROWEST);
    let mut out = String::new();
    let names: Vec<String> = policies.iter().map(|p| format!("{} {}", p.id, p.version)).collect();
    let head = format!("Contract check as of {as_of} against {}.", names.join(", "));
    out.push_str(&wrap(&head, 0, width));
    out.push_str(&wrap(
        &format!(
            "Failing and missing terms at {} or above fail the run; passing rules are counted only.",
            fail_on.as_str()
        ),
        0,
        width,
    ));
    for v in vendors {
        out.push('\n');
        let contract = v.contract.as_deref().unwrap_or("no contract");
        let _ = writeln!(out, "{}", fit(&format!("{} · {} · {contract}", v.vendor, v.name), width).trim_end());
        let s = v.summary();
        let _ = writeln!(out, "  {} pass · {} fail · {} missing · {} skipped", s.pass, s.fail, s.missing, s.skipped);
        let mut any = false;
        for severity in SEVERITIES {
            let group: Vec<&Finding> =
                v.findings.iter().filter(|f| f.severity() == severity && f.status.is_failure()).collect();
            if group.is_empty() {
                continue;
            }
            any = true;
            let _ = writeln!(out, "  {}", paint(&severity.as_str().to_uppercase(), severity, color));
            for f in group {
                finding_lines(&mut out, f, width);
            }
        }
        if !any {
            out.push_str("  every applicable rule passes\n");
        }
    }
    let failing: Vec<&str> =
        vendors.iter().filter(|v| v.failures_at(fail_on).next().is_some()).map(|v| v.vendor.as_str()).collect();
    out.push('\n');
    let verdict = if failing.is_empty() {
        format!("No vendor fails a rule at {} or above.", fail_on.as_str())
    } else {
        let noun = if vendors.len() == 1 { "vendor" } else { "vendors" };
        format!(
            "{} of {} {noun} fail a rule at {} or above: {}.",
            failing.len(),
            vendors.len(),
            fail_on.as_str(),
            failing.join(", ")
        )
    };
    out.push_str(&wrap(&verdict, 0, width));
    out
}

/// One paragraph per vendor: the counts and the failures at `fail_on` or
/// above (the demo's view; `table` has the details).
pub fn brief(vendors: &[VendorFindings], fail_on: RuleSeverity, color: bool) -> String {
    let mut out = format!(
        "Rules failing at {} or above (`vendorscore check` gives each one's reference, fields and fix):\n",
        fail_on.as_str()
    );
    for v in vendors {
        let s = v.summary();
        let _ = writeln!(
            out,
            "{:<20} {:>3} pass {:>3} fail {:>3} missing {:>3} skipped",
            fit(&v.vendor, 20),
            s.pass,
            s.fail,
            s.missing,
            s.skipped
        );
        let mut failing: Vec<&Finding> = v.failures_at(fail_on).collect();
        failing.sort_by_key(|f| std::cmp::Reverse(f.severity()));
        for f in failing {
            let severity = paint(&format!("{:<8}", f.severity().as_str()), f.severity(), color);
            let _ = writeln!(out, "  {severity}  {:<7}  {}", f.status.as_str(), f.rule.name());
        }
    }
    out
}

/// `data_protection.breach_notification_hours = 72; …`: what a failing rule read.
fn values_text(f: &Finding) -> String {
    f.values.iter().map(|v| format!("{} = {}", v.path, v.value)).collect::<Vec<_>>().join("; ")
}

fn finding_lines(out: &mut String, f: &Finding, width: usize) {
    let rule = &*f.rule;
    let _ = writeln!(out, "    {:<9}  {}", f.status.as_str(), rule.name());
    let indent = " ".repeat(TEXT_AT);
    out.push_str(&indent);
    out.push_str(&wrap(&rule.title, TEXT_AT, width));
    let labelled = [
        ("Reference", rule.reference.clone()),
        ("Reads", (!rule.reads.is_empty() && f.values.is_empty()).then(|| rule.reads.join(", "))),
        ("Contract", (!f.values.is_empty()).then(|| values_text(f))),
        ("Not stated", (!f.missing.is_empty()).then(|| f.missing.join(", "))),
        ("Fix", rule.remediation.clone()),
    ];
    for (label, text) in labelled {
        let Some(text) = text else { continue };
        let lead = format!("{indent}{label:<11} ");
        out.push_str(&lead);
        out.push_str(&wrap(&text, lead.chars().count(), width));
    }
}

#[cfg(test)]
mod json_tests {
    use super::*;

    /// The document's frame is what serde_json writes for the same struct.
    #[test]
    fn the_frame_is_serde_jsons() {
        #[derive(Serialize)]
        struct Document<'a> {
            as_of: &'a str,
            vendors: [u8; 0],
            #[serde(skip_serializing_if = "Option::is_none")]
            ledger: Option<Ledger>,
        }
        #[derive(Serialize)]
        struct Ledger {
            seq: u64,
        }
        for ledger in [None, Some(0), Some(12_345)] {
            let mut ours = Vec::new();
            json_document(&mut ours, &[], "2026-12-01 \"q\"", ledger).unwrap();
            let document =
                Document { as_of: "2026-12-01 \"q\"", vendors: [], ledger: ledger.map(|seq| Ledger { seq }) };
            let theirs = serde_json::to_string_pretty(&document).unwrap() + "\n";
            assert_eq!(String::from_utf8(ours).unwrap(), theirs);
        }
    }
}
