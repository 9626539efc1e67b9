//! `vendorscore sla TICKETS.csv --contract FILE` (or `vendorscore sla
//! VENDOR_DIR`): SLA attainment and service credits from a ticket export.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use clap::Args;
use serde_json::{Value, json};

use super::record::{Run, record};
use super::{Env, GlobalOptions, Outcome, format_choice, inputs};
use vendorscore::audit::hash::{hash_file, sha256_hex};
use vendorscore::audit::ledger::FileRecord;
use vendorscore::load::{self, Findings};
use vendorscore::model::{ContractFile, Date, Rubric, Submission, WorkspaceFile};
use vendorscore::scoring::Measured;
use vendorscore::sla::{self, Decimal, ReadOptions, Report, RowCounts, SlaError, Terms};
use vendorscore::units;
use vendorscore::validate::{Document, check_disk_file};
use vendorscore::workspace::Workspace;

#[derive(Debug, Args)]
#[command(after_help = "Formats (--format): table (default), json, csv.\n\
Exit status: 0 done; 1 a clause was breached and --fail-on-breach was given; \
2 the inputs could not be used (with --strict: also any row that could not be read).")]
pub struct SlaArgs {
    /// A ticket export (CSV), or a vendor folder with tickets.csv and contract.toml
    #[arg(value_name = "TICKETS.csv|VENDOR_DIR")]
    pub tickets: PathBuf,
    /// The contract whose [[sla]] clauses apply [default: the vendor folder's contract.toml]
    #[arg(long, value_name = "FILE")]
    pub contract: Option<PathBuf>,
    /// Refuse the export (exit 2) when any row cannot be read
    #[arg(long)]
    pub strict: bool,
    /// Exit 1 when a clause was breached in any period
    #[arg(long)]
    pub fail_on_breach: bool,
}

pub fn run(global: &GlobalOptions, env: &Env, args: SlaArgs) -> anyhow::Result<Outcome> {
    let format = format_choice(global, &["table", "json", "csv"])?;
    let workspace = env.workspace(global);
    let given = env.absolute(&args.tickets);
    let (tickets, contract) = if given.is_dir() {
        let shown = workspace.display_path(&given);
        let contract = match &args.contract {
            Some(contract) => env.absolute(contract),
            None if given.join("contract.toml").is_file() => given.join("contract.toml"),
            None => anyhow::bail!("{shown} holds no contract.toml: name one with --contract FILE"),
        };
        if !given.join("tickets.csv").is_file() {
            anyhow::bail!("{shown} holds no tickets.csv: name the ticket export instead of the folder");
        }
        (given.join("tickets.csv"), contract)
    } else {
        let Some(contract) = &args.contract else {
            anyhow::bail!(
                "{}: which contract? Give it with --contract FILE, or name the vendor folder instead",
                workspace.display_path(&given)
            );
        };
        (given, env.absolute(contract))
    };
    let options = Options { format, strict: args.strict, fail_on_breach: args.fail_on_breach };
    sla_and_print(global, env, &workspace, &tickets, &contract, options)
}

/// How to run and show.
#[derive(Debug, Clone, Copy)]
pub struct Options<'a> {
    pub format: &'a str,
    pub strict: bool,
    pub fail_on_breach: bool,
}

/// Compute attainment for one export against one contract, record it and print it.
pub fn sla_and_print(
    global: &GlobalOptions,
    env: &Env,
    workspace: &Workspace,
    tickets: &Path,
    contract_path: &Path,
    options: Options<'_>,
) -> anyhow::Result<Outcome> {
    let as_of = env.as_of(global)?;
    let tickets_shown = workspace.display_path(tickets);
    if !tickets.is_file() {
        anyhow::bail!("{tickets_shown}: no such file (expected a ticket export in CSV)");
    }
    if !contract_path.is_file() {
        anyhow::bail!("{}: no such file (expected a contract.toml)", workspace.display_path(contract_path));
    }
    let mut files = Vec::new();
    let loaded = load::settings(workspace, &mut files)
        .and_then(|settings| Ok((settings, contract(workspace, contract_path, &mut files)?)));
    let (settings, (contract_shown, contract)) = match loaded {
        Ok(loaded) => loaded,
        Err(findings) => {
            inputs::show(&findings, env, global);
            eprintln!("error: the inputs above must be fixed first (see `vendorscore validate`)");
            return Ok(Outcome::Unusable);
        }
    };
    let terms = Terms::from_contract(&contract).with_context(|| contract_shown.clone())?;
    if terms.clauses.is_empty() && !global.quiet {
        eprintln!("warning: {contract_shown} has no [[sla]] clauses: there is nothing to measure");
    }
    let read_options = ReadOptions { renames: sla::reader::renames(&settings), ..ReadOptions::default() };
    // The ledger records the export's digest: hash it while it is being read.
    let (report, digest) = std::thread::scope(|scope| {
        let hashing = (!global.dry_run).then(|| scope.spawn(|| hash_file(tickets)));
        let report = sla::assess(tickets, &terms, &read_options, as_of);
        (report, hashing.map(|h| h.join().expect("hashing does not panic")))
    });
    let report = match report {
        Ok(report) => report,
        Err(err) => {
            eprintln!("error: {tickets_shown}: {err}");
            if let SlaError::Read(read) = &err
                && let Some(help) = read.help()
            {
                eprintln!("  = help: {help}");
            }
            return Ok(Outcome::Unusable);
        }
    };
    if report.rows.rejected > 0 {
        if options.strict {
            eprint!("error: {}", rejected_rows(&tickets_shown, &report.rows, "--strict refuses the export"));
            return Ok(Outcome::Unusable);
        }
        if !global.quiet {
            eprint!("warning: {}", rejected_rows(&tickets_shown, &report.rows, "left out of the results"));
        }
    }
    if let Some(digest) = digest {
        let digest = digest.with_context(|| format!("hashing {tickets_shown}"))?;
        files.push(FileRecord { path: tickets_shown.clone(), bytes: digest.bytes, sha256: digest.sha256 });
    }
    load::finish_inputs(&mut files);
    let run = Run {
        action: "sla",
        subjects: vec![terms.vendor.clone()],
        inputs: files,
        outputs: Vec::new(),
        result: summary(&report, &contract_shown, &tickets_shown, &as_of.to_string()),
    };
    record(global, env, workspace, run)?;
    match options.format {
        "json" => outln!("{}", serde_json::to_string_pretty(&to_json(&report, &contract_shown, &tickets_shown))?),
        "csv" => out!("{}", to_csv(&report)?),
        _ => out!("{}", table(&report, &terms, &contract_shown, &tickets_shown, &as_of.to_string(), env.color_stdout)),
    }
    Ok(if options.fail_on_breach && report.breached() { Outcome::Problems } else { Outcome::Clean })
}

/// The values of the rubric's measured criteria from each vendor's
/// `tickets.csv` (SPEC section 2), adding the exports read to `files`.
/// A vendor without one leaves them unanswered. `None` when an export
/// cannot be read (already reported).
pub fn measured_values(
    global: &GlobalOptions,
    workspace: &Workspace,
    settings: &WorkspaceFile,
    rubric: &Rubric,
    submissions: &[Submission],
    files: &mut Vec<FileRecord>,
) -> anyhow::Result<Option<Measured>> {
    let mut measured = Measured::new();
    if sla::measure::measured_rules(rubric).is_empty() {
        return Ok(Some(measured));
    }
    let options = ReadOptions { renames: sla::reader::renames(settings), ..ReadOptions::default() };
    for submission in submissions {
        let path = workspace.root.join(&submission.folder).join("tickets.csv");
        if !path.is_file() {
            continue;
        }
        let shown = workspace.display_path(&path);
        let measurements = match sla::measure::measure(rubric, &path, &options) {
            Ok(measurements) => measurements,
            Err(err) => {
                eprintln!("error: {shown}: {err}");
                if let Some(help) = err.help() {
                    eprintln!("  = help: {help}");
                }
                return Ok(None);
            }
        };
        if measurements.rows.rejected > 0 && !global.quiet {
            eprint!("warning: {}", rejected_rows(&shown, &measurements.rows, "left out of measured criteria"));
        }
        let digest = hash_file(&path).with_context(|| format!("hashing {shown}"))?;
        files.push(FileRecord { path: shown, bytes: digest.bytes, sha256: digest.sha256 });
        measured.insert(submission.id.clone(), measurements.values);
    }
    load::finish_inputs(files);
    Ok(Some(measured))
}

/// A vendor folder's SLA results, for its reports.
#[derive(Debug)]
pub struct VendorSla {
    pub report: Report,
    /// The contract and the export as shown (workspace-relative).
    pub contract: String,
    pub tickets: String,
    /// The contract's currency, for the credits.
    pub currency: Option<String>,
}

/// A vendor folder's SLA results for its reports, when it has both
/// `tickets.csv` and `contract.toml`; the files read are added to `files`.
/// Inputs that cannot be used leave the results out with a warning: the
/// report goes on.
pub fn vendor_sla(
    global: &GlobalOptions,
    workspace: &Workspace,
    settings: &WorkspaceFile,
    folder: &Path,
    as_of: Date,
    files: &mut Vec<FileRecord>,
) -> Option<VendorSla> {
    let (tickets, contract_path) = (folder.join("tickets.csv"), folder.join("contract.toml"));
    if !tickets.is_file() || !contract_path.is_file() {
        return None;
    }
    let warn = |message: String| {
        if !global.quiet {
            eprintln!("warning: {message}; the report leaves SLA attainment out");
        }
    };
    let tickets_shown = workspace.display_path(&tickets);
    let mut read = Vec::new();
    let (contract_shown, contract) = match contract(workspace, &contract_path, &mut read) {
        Ok(loaded) => loaded,
        Err(_) => {
            warn(format!("{} has errors (see `vendorscore validate`)", workspace.display_path(&contract_path)));
            return None;
        }
    };
    let options = ReadOptions { renames: sla::reader::renames(settings), ..ReadOptions::default() };
    let report = Terms::from_contract(&contract).map_err(|e| e.to_string()).and_then(|terms| {
        let report = sla::assess(&tickets, &terms, &options, as_of).map_err(|e| format!("{tickets_shown}: {e}"))?;
        Ok((report, terms.currency))
    });
    let digest = hash_file(&tickets);
    match (report, digest) {
        (Ok((report, currency)), Ok(digest)) => {
            files.extend(read);
            files.push(FileRecord { path: tickets_shown.clone(), bytes: digest.bytes, sha256: digest.sha256 });
            load::finish_inputs(files);
            Some(VendorSla { report, contract: contract_shown, tickets: tickets_shown, currency })
        }
        (Err(message), _) => {
            warn(message);
            None
        }
        (_, Err(err)) => {
            warn(format!("{tickets_shown}: {err}"));
            None
        }
    }
}

/// Load a contract through validation; its path as shown, and the contract.
fn contract(
    workspace: &Workspace,
    path: &Path,
    files: &mut Vec<FileRecord>,
) -> Result<(String, ContractFile), Findings> {
    let (file, diagnostics) = check_disk_file(workspace, path);
    let shown = file.source.path.clone();
    let mut findings = Findings::default();
    findings.diagnostics.extend(diagnostics);
    if !findings.diagnostics.has_errors() && !matches!(file.document, Some(Document::Contract(_))) {
        findings
            .diagnostics
            .report(vendorscore::diag::Code::UnknownFileKind, &shown, None, "expected a [contract] file")
            .add_help("the clauses come from a vendor's contract.toml, which starts with [contract]");
    }
    findings.diagnostics.sort();
    findings.sources.insert(shown.clone(), file.source.clone());
    if findings.diagnostics.has_errors() {
        return Err(findings);
    }
    files.push(FileRecord {
        path: shown.clone(),
        bytes: file.source.text.len() as u64,
        sha256: sha256_hex(file.source.text.as_bytes()),
    });
    match file.document {
        Some(Document::Contract(contract)) => Ok((shown, *contract)),
        _ => Err(findings),
    }
}

/// "vendors/x/tickets.csv: 3 rows of 120 could not be read (left out …):" and the first ones by line.
pub fn rejected_rows(path: &str, rows: &RowCounts, consequence: &str) -> String {
    let noun = if rows.rejected == 1 { "row" } else { "rows" };
    let mut out = format!("{path}: {} {noun} of {} could not be read ({consequence}):\n", rows.rejected, rows.read);
    for rejected in &rows.first_rejected {
        let _ = writeln!(out, "  {path}:{}: {}", rejected.line, rejected.reason);
    }
    if rows.rejected > rows.first_rejected.len() as u64 {
        let _ = writeln!(out, "  … and {} more", rows.rejected - rows.first_rejected.len() as u64);
    }
    out
}

/// A decimal as a JSON number: an integer when whole.
fn number(d: Decimal) -> Value {
    if d.is_integer() {
        d.to_string().parse::<i64>().map_or_else(|_| json!(d.to_f64()), |n| json!(n))
    } else {
        json!(d.to_f64())
    }
}

/// The JSON of SPEC section 7.
pub fn to_json(report: &Report, contract: &str, tickets: &str) -> Value {
    json!({
        "contract": contract,
        "tickets": tickets,
        "rows": {
            "read": report.rows.read,
            "rejected": report.rows.rejected,
            "first_rejected": report.rows.first_rejected.iter()
                .map(|r| json!({ "line": r.line, "reason": r.reason })).collect::<Vec<_>>(),
        },
        "results": report.results.iter().map(|r| json!({
            "clause": r.clause,
            "period": r.period.to_string(),
            "in_scope": r.in_scope,
            "met": r.met,
            "attainment": r.attainment.to_f64(),
            "required": number(r.required),
            "breached": r.breached,
            "p50": r.p50,
            "p90": r.p90,
            "p95": r.p95,
            "credit": r.credit.to_string(),
        })).collect::<Vec<_>>(),
        "credits": report.credits.iter().map(|c| json!({
            "period": c.period.to_string(), "total": c.total.to_string(), "capped": c.capped,
        })).collect::<Vec<_>>(),
    })
}

/// The decision as the ledger records it: float-free, decimals as strings.
pub fn summary(report: &Report, contract: &str, tickets: &str, as_of: &str) -> Value {
    json!({
        "as_of": as_of,
        "contract": contract,
        "tickets": tickets,
        "rows": { "read": report.rows.read, "rejected": report.rows.rejected },
        "results": report.results.len(),
        "breaches": report.results.iter().filter(|r| r.breached).map(|r| json!({
            "clause": r.clause,
            "period": r.period.to_string(),
            "attainment": r.attainment.to_string(),
            "required": r.required.to_string(),
            "credit": r.credit.to_string(),
        })).collect::<Vec<_>>(),
        "credits": report.credits.iter().map(|c| json!({
            "period": c.period.to_string(), "total": c.total.to_string(), "capped": c.capped,
        })).collect::<Vec<_>>(),
        "total_credit": report.total_credit().to_string(),
    })
}

fn to_csv(report: &Report) -> anyhow::Result<String> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record([
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
    ])?;
    let optional = |v: Option<u64>| v.map(|v| v.to_string()).unwrap_or_default();
    for r in &report.results {
        writer.write_record([
            r.period.to_string(),
            r.clause.clone(),
            r.metric.as_str().to_owned(),
            r.in_scope.to_string(),
            r.met.to_string(),
            format!("{:.2}", r.attainment.to_f64()),
            r.required.to_string(),
            r.breached.to_string(),
            optional(r.p50),
            optional(r.p90),
            optional(r.p95),
            r.credit.to_string(),
        ])?;
    }
    Ok(String::from_utf8(writer.into_inner()?)?)
}

/// Per period, each clause with a met/breached mark, then the credits owed.
fn table(report: &Report, terms: &Terms, contract: &str, tickets: &str, as_of: &str, color: bool) -> String {
    let mut out = String::new();
    let currency = terms.currency.as_deref();
    let _ = writeln!(out, "{} · {contract} · as of {as_of}", terms.vendor);
    let _ = writeln!(out, "{tickets}: {} rows read, {} rejected", report.rows.read, report.rows.rejected);
    if report.results.is_empty() {
        out.push_str("\nNo ticket falls under any clause.\n");
        return out;
    }
    for credit in &report.credits {
        let _ = writeln!(out, "\n{}", credit.period);
        let _ = writeln!(
            out,
            "{:<22} {:>8} {:>7} {:>8} {:>8} {:>6} {:>6} {:>6}  {:<10} {:>9}",
            "Clause", "In scope", "Met", "Attained", "Required", "p50", "p90", "p95", "Status", "Credit"
        );
        for r in report.results.iter().filter(|r| r.period == credit.period) {
            let (attainment, required) =
                (units::attainment(r.metric, r.attainment), units::required(r.metric, r.required));
            let status =
                if r.breached { paint("✗ BREACHED", "31", color) } else { paint("✓ met     ", "32", color) };
            let _ = writeln!(
                out,
                "{} {:>8} {:>7} {:>8} {:>8} {:>6} {:>6} {:>6}  {status} {:>9}",
                super::score::fit(&r.clause, 22),
                r.in_scope,
                r.met,
                attainment,
                required,
                units::percentile(r.metric, r.p50),
                units::percentile(r.metric, r.p90),
                units::percentile(r.metric, r.p95),
                r.credit.to_string(),
            );
        }
        let cap = if credit.capped {
            format!(" (capped at {})", units::money(report.cap.unwrap_or_default(), currency))
        } else {
            String::new()
        };
        let _ = writeln!(out, "Credits owed for {}: {}{cap}", credit.period, units::money(credit.total, currency));
    }
    let breaches = report.results.iter().filter(|r| r.breached).count();
    let periods = report.credits.len();
    let _ = write!(
        out,
        "\n{breaches} breach{} in {periods} period{}; credits owed in total: {}",
        if breaches == 1 { "" } else { "es" },
        if periods == 1 { "" } else { "s" },
        units::money(report.total_credit(), currency)
    );
    match report.cap {
        Some(cap) => {
            let _ = writeln!(out, " (cap {} per period).", units::money(cap, currency));
        }
        None => out.push_str(".\n"),
    }
    out
}

fn paint(text: &str, code: &str, color: bool) -> String {
    if color { format!("\x1b[{code}m{text}\x1b[0m") } else { text.to_owned() }
}
