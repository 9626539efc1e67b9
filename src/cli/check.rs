//! `vendorscore check [VENDOR_DIR...]`: check contracts against policies,
//! rule by rule, with the clause that fails and what to do about it.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use serde::Serialize;
use serde_json::{Value, json};

use super::record::{Run, record};
use super::score::fit;
use super::{Env, GlobalOptions, Outcome, format_choice, inputs};
use vendorscore::audit::ledger::FileRecord;
use vendorscore::compliance::{self, Finding, Policy, Subject, VendorFindings};
use vendorscore::load::{self, Findings};
use vendorscore::model::{Date, RuleSeverity, WorkspaceFile};
use vendorscore::workspace::Workspace;

#[derive(Debug, Args)]
#[command(after_help = "Formats (--format): table (default), json, csv.\n\
Exit status: 0 no rule fails at or above --fail-on; 1 one does (a missing term counts as a failure); \
2 the inputs could not be used (an invalid policy or contract, or a rule that cannot be evaluated).")]
pub struct CheckArgs {
    /// Vendor folders to check [default: every folder under the workspace's vendors/]
    pub vendors: Vec<PathBuf>,
    /// Exit 1 when a rule fails or is missing at this severity or above
    #[arg(long, value_enum, value_name = "SEVERITY", default_value_t = FailOn::High)]
    pub fail_on: FailOn,
}

/// The `--fail-on` threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Critical,
    High,
    Medium,
    Low,
}

impl FailOn {
    pub fn severity(self) -> RuleSeverity {
        match self {
            FailOn::Critical => RuleSeverity::Critical,
            FailOn::High => RuleSeverity::High,
            FailOn::Medium => RuleSeverity::Medium,
            FailOn::Low => RuleSeverity::Low,
        }
    }
}

pub fn run(global: &GlobalOptions, env: &Env, args: CheckArgs) -> anyhow::Result<Outcome> {
    let format = format_choice(global, &["table", "json", "csv"])?;
    check_and_print(global, env, &env.workspace(global), &args.vendors, format, args.fail_on.severity())
}

/// Check the vendors' contracts, record the run, print the findings in `format`.
pub fn check_and_print(
    global: &GlobalOptions,
    env: &Env,
    workspace: &Workspace,
    vendors: &[PathBuf],
    format: &str,
    fail_on: RuleSeverity,
) -> anyhow::Result<Outcome> {
    let as_of = env.as_of(global)?;
    let mut files = Vec::new();
    let settings = load::settings(workspace, &mut files);
    let dirs: Vec<PathBuf> = if vendors.is_empty() {
        load::vendor_dirs(workspace)
    } else {
        vendors.iter().map(|v| env.absolute(v)).collect()
    };
    let loaded = settings.and_then(|settings| {
        let policies = load::policies(workspace, &settings, &global.policies, &mut files)?;
        let (subjects, findings) = load::contract_subjects(workspace, &dirs, &mut files)?;
        Ok((policies, subjects, findings))
    });
    let (policies, subjects) = match loaded {
        Ok((policies, subjects, findings)) => {
            inputs::show(&findings, env, global);
            (policies, subjects)
        }
        Err(findings) => {
            inputs::show(&findings, env, global);
            eprintln!("error: the inputs above must be fixed before checking (see `vendorscore validate`)");
            return Ok(Outcome::Unusable);
        }
    };
    if subjects.is_empty() {
        anyhow::bail!(
            "no vendors to check in {}: add vendors/<id>/vendor.toml (and contract.toml), or name vendor folders",
            workspace.root.display()
        );
    }
    let checked = match evaluate(&policies, &subjects, as_of) {
        Ok(checked) => checked,
        Err(findings) => {
            inputs::show(&findings, env, global);
            eprintln!("error: a policy rule cannot be evaluated, so the check is incomplete; fix the rule above");
            return Ok(Outcome::Unusable);
        }
    };
    load::finish_inputs(&mut files);
    let run = Run {
        action: "check",
        subjects: checked.iter().map(|v| v.vendor.clone()).collect(),
        inputs: files,
        outputs: Vec::new(),
        result: summary(&policies, &checked, &as_of.to_string(), fail_on),
    };
    let entry = record(global, env, workspace, run)?;
    match format {
        "json" => write_json(&checked, &as_of.to_string(), entry.map(|e| e.seq))?,
        "csv" => write_csv(&checked)?,
        "brief" => out!("{}", brief(&checked, fail_on, env.color_stdout)),
        _ => out!("{}", table(&policies, &checked, &as_of.to_string(), fail_on, env.color_stdout)),
    }
    let failing = checked.iter().any(|v| v.failures_at(fail_on).next().is_some());
    Ok(if failing { Outcome::Problems } else { Outcome::Clean })
}

/// Run the policies over the subjects on all cores; `Err` with the located
/// problems (and the policies' sources) when a rule could not be evaluated.
fn evaluate(policies: &[Policy], subjects: &[Subject], as_of: Date) -> Result<Vec<VendorFindings>, Findings> {
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    let checked = compliance::check(policies, subjects, as_of, workers);
    if !checked.errors.has_errors() {
        return Ok(checked.vendors);
    }
    let mut findings = Findings { diagnostics: checked.errors, ..Findings::default() };
    for policy in policies {
        findings.sources.insert(policy.source.path.clone(), policy.source.clone());
    }
    Err(findings)
}

/// Findings for the vendors of a report that have a contract, keyed by
/// vendor id; `None` when no vendor has one. The policies and contracts
/// read are added to `files`.
pub fn findings_for_report(
    global: &GlobalOptions,
    workspace: &Workspace,
    settings: &WorkspaceFile,
    folders: &[PathBuf],
    as_of: Date,
    files: &mut Vec<FileRecord>,
) -> Result<Option<BTreeMap<String, VendorFindings>>, Findings> {
    let dirs: Vec<PathBuf> = folders.iter().filter(|d| d.join("contract.toml").is_file()).cloned().collect();
    if dirs.is_empty() {
        return Ok(None);
    }
    let policies = load::policies(workspace, settings, &global.policies, files)?;
    let (subjects, _) = load::contract_subjects(workspace, &dirs, files)?;
    let checked = evaluate(&policies, &subjects, as_of)?;
    Ok(Some(checked.into_iter().map(|v| (v.vendor.clone(), v)).collect()))
}

/// The run as the ledger records it: counts and the failing rules, no floats.
fn summary(policies: &[Policy], vendors: &[VendorFindings], as_of: &str, fail_on: RuleSeverity) -> Value {
    json!({
        "as_of": as_of,
        "fail_on": fail_on.as_str(),
        "policies": policies.iter().map(|p| json!({ "id": p.id, "version": p.version, "sha256": p.sha256 }))
            .collect::<Vec<_>>(),
        "vendors": vendors.iter().map(|v| {
            let s = v.summary();
            json!({
                "id": v.vendor,
                "contract": v.contract,
                "pass": s.pass, "fail": s.fail, "missing": s.missing, "skipped": s.skipped,
                "failing": v.failures_at(fail_on).map(|f| f.rule.name()).collect::<Vec<_>>(),
            })
        }).collect::<Vec<_>>(),
    })
}

/// `check --format json` (SPEC section 5), serialized as it is written.
#[derive(Serialize)]
struct CheckJson<'a> {
    as_of: &'a str,
    vendors: Each<'a, VendorFindings, VendorJson<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ledger: Option<LedgerJson>,
}

#[derive(Serialize)]
struct LedgerJson {
    seq: u64,
}

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
    remediation: Option<&'a str>,
}

#[derive(Serialize)]
struct SummaryJson {
    pass: usize,
    fail: usize,
    missing: usize,
    skipped: usize,
}

/// A list serialized item by item through a view, without collecting the views.
struct Each<'a, T, V>(&'a [T], fn(&'a T) -> V);

impl<'a, T, V: Serialize> Serialize for Each<'a, T, V> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(self.1))
    }
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
            remediation: rule.remediation.as_deref(),
        }
    }
}

/// Write the JSON of SPEC section 5 to stdout as it is serialized.
fn write_json(vendors: &[VendorFindings], as_of: &str, ledger: Option<u64>) -> std::io::Result<()> {
    let document =
        CheckJson { as_of, vendors: Each(vendors, VendorJson::of), ledger: ledger.map(|seq| LedgerJson { seq }) };
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    serde_json::to_writer_pretty(&mut out, &document)?;
    out.write_all(b"\n")?;
    out.flush()
}

/// Write one CSV row per finding to stdout.
fn write_csv(vendors: &[VendorFindings]) -> std::io::Result<()> {
    let into_io = |e: csv::Error| match e.into_kind() {
        csv::ErrorKind::Io(io) => io,
        other => std::io::Error::other(format!("{other:?}")),
    };
    let mut writer = csv::Writer::from_writer(std::io::BufWriter::new(std::io::stdout().lock()));
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
        ])
        .map_err(into_io)?;
    for v in vendors {
        for f in &v.findings {
            let rule = &*f.rule;
            writer
                .write_record([
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
                ])
                .map_err(into_io)?;
        }
    }
    writer.flush()
}

const WIDTH: usize = 100;
/// Where the text of a finding starts.
const TEXT_AT: usize = 15;

const SEVERITIES: [RuleSeverity; 4] =
    [RuleSeverity::Critical, RuleSeverity::High, RuleSeverity::Medium, RuleSeverity::Low];

fn paint(text: &str, severity: RuleSeverity, color: bool) -> String {
    if !color {
        return text.to_owned();
    }
    let code = match severity {
        RuleSeverity::Critical => "1;31",
        RuleSeverity::High => "31",
        RuleSeverity::Medium => "33",
        RuleSeverity::Low => "36",
    };
    format!("\x1b[{code}m{text}\x1b[0m")
}

/// The findings for people, grouped by vendor and severity, readable at 100 columns.
fn table(policies: &[Policy], vendors: &[VendorFindings], as_of: &str, fail_on: RuleSeverity, color: bool) -> String {
    let mut out = String::new();
    let names: Vec<String> = policies.iter().map(|p| format!("{} {}", p.id, p.version)).collect();
    let head = format!("Contract check as of {as_of} against {}.", names.join(", "));
    out.push_str(&wrap(&head, 0, WIDTH));
    out.push_str(&wrap(
        &format!(
            "Failing and missing terms at {} or above fail the run; passing rules are counted only.",
            fail_on.as_str()
        ),
        0,
        WIDTH,
    ));
    for v in vendors {
        out.push('\n');
        let contract = v.contract.as_deref().unwrap_or("no contract");
        let _ = writeln!(out, "{}", fit(&format!("{} · {} · {contract}", v.vendor, v.name), WIDTH).trim_end());
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
                finding_lines(&mut out, f);
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
    out.push_str(&wrap(&verdict, 0, WIDTH));
    out
}

/// One paragraph per vendor: the counts and the failures at `fail_on` or
/// above (the demo's view; `table` has the details).
fn brief(vendors: &[VendorFindings], fail_on: RuleSeverity, color: bool) -> String {
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

fn finding_lines(out: &mut String, f: &Finding) {
    let rule = &*f.rule;
    let _ = writeln!(out, "    {:<9}  {}", f.status.as_str(), rule.name());
    let indent = " ".repeat(TEXT_AT);
    out.push_str(&indent);
    out.push_str(&wrap(&rule.title, TEXT_AT, WIDTH));
    let labelled = [
        ("Reference", rule.reference.clone()),
        ("Reads", (!rule.reads.is_empty()).then(|| rule.reads.join(", "))),
        ("Not stated", (!f.missing.is_empty()).then(|| f.missing.join(", "))),
        ("Fix", rule.remediation.clone()),
    ];
    for (label, text) in labelled {
        let Some(text) = text else { continue };
        let lead = format!("{indent}{label:<11} ");
        out.push_str(&lead);
        out.push_str(&wrap(&text, lead.chars().count(), WIDTH));
    }
}

/// Wrap `text` on spaces to `width` columns; the first line starts at column
/// `at` (already written), the others are indented to it.
fn wrap(text: &str, at: usize, width: usize) -> String {
    let mut out = String::new();
    let mut column = at;
    for word in text.split_whitespace() {
        let len = word.chars().count();
        if column > at && column + 1 + len > width {
            out.push('\n');
            out.push_str(&" ".repeat(at));
            column = at;
        } else if column > at {
            out.push(' ');
            column += 1;
        }
        out.push_str(word);
        column += len;
    }
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_keeps_to_the_width_and_indents() {
        let text = "word ".repeat(40);
        let wrapped = wrap(&text, 10, 40);
        assert!(wrapped.lines().all(|l| l.chars().count() <= 40 - 10 || l.starts_with("          ")));
        assert!(wrapped.lines().skip(1).all(|l| l.starts_with(&" ".repeat(10)) && l.chars().count() <= 40));
    }
}
