//! `vendorscore questionnaire export|import`: the rubric as a workbook a
//! bidder fills in, and a returned workbook or answers JSON as the
//! vendor's `vendor.toml` (SPEC section 10).

use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::Format as Printed;
use super::record::record;
use super::{Env, GlobalOptions, Outcome, diagnostics, show};
use vendorscore::load::Findings;
use vendorscore::pipeline::PipelineError;
use vendorscore::pipeline::questionnaire::{Change, ExportRequest, ImportRequest, export, import};

#[derive(Debug, Args)]
pub struct QuestionnaireArgs {
    #[command(subcommand)]
    pub action: Action,
}

#[derive(Debug, Subcommand)]
pub enum Action {
    /// Write the questionnaire: an xlsx workbook (default) or an offline HTML form (--format html)
    Export(ExportArgs),
    /// Read a returned workbook (.xlsx) or answers file (.json) into vendors/<id>/vendor.toml
    #[command(after_help = "The formats are those of the diagnostics: human on stderr, the others on stdout.\n\
An existing vendor.toml is never replaced without --force: the import stops (exit 1) and shows what would change.")]
    Import(ImportArgs),
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The vendor the questionnaire is for; its [vendor] values are filled in
    #[arg(long, value_name = "ID")]
    pub vendor: Option<String>,
    /// Where to write the workbook (never replaced)
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// A panel evaluator's sheet: the vendor's panel criteria (with --vendor and --evaluator)
    #[arg(long, requires_all = ["vendor", "evaluator"])]
    pub panel: bool,
    /// The panel evaluator the sheet is for; its import writes vendors/<id>/evaluations/<NAME>.toml
    #[arg(long, value_name = "NAME", requires = "panel")]
    pub evaluator: Option<String>,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The returned questionnaire: .xlsx, or an answers .json
    pub file: PathBuf,
    /// The vendor id [default: the questionnaire's Vendor sheet]
    #[arg(long, value_name = "ID")]
    pub vendor: Option<String>,
    /// Replace an existing vendor.toml (its [answers] are rewritten, [vendor] values kept where not given)
    #[arg(long)]
    pub force: bool,
}

pub fn run(global: &GlobalOptions, env: &Env, args: QuestionnaireArgs) -> anyhow::Result<Outcome> {
    match args.action {
        Action::Export(args) => run_export(global, env, args),
        Action::Import(args) => run_import(global, env, args),
    }
}

fn run_export(global: &GlobalOptions, env: &Env, args: ExportArgs) -> anyhow::Result<Outcome> {
    let clock = env.clock()?;
    let request = ExportRequest {
        rubric: global.rubric.clone(),
        vendor: args.vendor.clone(),
        html: global.format() == Printed::Html,
        evaluator: args.evaluator.clone(),
    };
    let decided = match export(&env.workspace, &clock, &request) {
        Ok(decided) => decided,
        Err(error) => return show::failure(error, env, global),
    };
    show::warnings(&decided, env, global);
    let out = env.absolute(&args.out);
    let written = match decided.value.write(&env.workspace, &out) {
        Ok(written) => written,
        Err(error) => return show::failure(error, env, global),
    };
    record(global, env, decided.value.run(&clock, decided.inputs.clone(), written.clone()))?;
    outln!(
        "{} ({} questions, rubric {} {})",
        written.path,
        decided.value.rows,
        decided.value.rubric.id,
        decided.value.rubric.version
    );
    Ok(Outcome::Clean)
}

fn run_import(global: &GlobalOptions, env: &Env, args: ImportArgs) -> anyhow::Result<Outcome> {
    let format = global.format();
    let clock = env.clock()?;
    let request = ImportRequest { rubric: global.rubric.clone(), file: env.absolute(&args.file), vendor: args.vendor };
    let decided = match import(&env.workspace, &request) {
        Ok(decided) => decided,
        Err(PipelineError::Invalid { findings, doing }) => {
            emit(&findings, format, env, global)?;
            errln!("error: the questionnaire must be fixed before {doing}; nothing was written");
            return Ok(Outcome::Unusable);
        }
        Err(error) => return show::failure(error, env, global),
    };
    emit(&decided.findings, format, env, global)?;
    let imported = &decided.value;
    let changes = describe(&imported.changes);
    if imported.previous.is_some() && !args.force {
        errln!("{} exists and is not replaced without --force; the import would change:", imported.shown);
        err!("{changes}");
        return Ok(Outcome::Problems);
    }
    if global.dry_run {
        if !global.quiet {
            errln!("--dry-run: {} is not written; it would be:", imported.shown);
            err!("{changes}");
        }
        out!("{}", imported.text);
        return Ok(Outcome::Clean);
    }
    let written = match imported.write(args.force) {
        Ok(written) => written,
        Err(error) => return show::failure(error, env, global),
    };
    record(global, env, imported.run(&clock, decided.inputs.clone(), written.clone()))?;
    if !global.quiet {
        err!("{changes}");
    }
    // Machine formats keep stdout for the diagnostics.
    match format {
        Printed::Human => outln!("{} ({} answers)", written.path, imported.answers),
        _ => errln!("{} ({} answers)", written.path, imported.answers),
    }
    Ok(Outcome::Clean)
}

/// Diagnostics in the chosen format: human on stderr, the others on stdout.
fn emit(findings: &Findings, format: Printed, env: &Env, global: &GlobalOptions) -> anyhow::Result<()> {
    let list: Vec<_> = findings.diagnostics.iter().cloned().collect();
    match format {
        Printed::Json => outln!("{}", serde_json::to_string_pretty(&diagnostics::json(&list, &findings.sources, 1))?),
        Printed::Github => {
            out!("{}", diagnostics::github(&list, &findings.sources, &diagnostics::Place::of(&env.workspace.root)))
        }
        Printed::Sarif => outln!(
            "{}",
            serde_json::to_string_pretty(&diagnostics::sarif(
                &list,
                &findings.sources,
                &diagnostics::Place::of(&env.workspace.root)
            ))?
        ),
        _ => show::findings(findings, env, global),
    }
    Ok(())
}

/// The answers added, changed and removed, one line each, as a diff.
fn describe(changes: &[Change]) -> String {
    if changes.is_empty() {
        return "  (no answer changes)\n".to_owned();
    }
    let mut out = String::new();
    for change in changes {
        match change {
            Change::Added { id, new } => out.push_str(&format!("+ {id} = {new}\n")),
            Change::Changed { id, old, new } => out.push_str(&format!("- {id} = {old}\n+ {id} = {new}\n")),
            Change::Removed { id, old } => out.push_str(&format!("- {id} = {old}\n")),
        }
    }
    out
}
