//! `vendorscore demo [--out DIR]`: write the built-in sample workspace and
//! run the pipeline on it, so a new user sees every part working: the same
//! pipeline calls, renderers and ledger entries as the commands, quieter.

use std::path::PathBuf;

use clap::Args;

use super::fonts::fontconfig;
use super::record::{record, render_and_file};
use super::{Env, GlobalOptions, Outcome, diagnostics, render, show};
use vendorscore::audit::hash::sha256_hex;
use vendorscore::audit::ledger::FileRecord;
use vendorscore::audit::ledger::LEDGER_PATH;
use vendorscore::audit::verify::verify;
use vendorscore::builtin;
use vendorscore::diag::Severity;
use vendorscore::model::RuleSeverity;
use vendorscore::output::write_atomic;
use vendorscore::pipeline::check::CheckRequest;
use vendorscore::pipeline::due::{DEFAULT_WITHIN_DAYS, DueRequest};
use vendorscore::pipeline::questionnaire::{ExportRequest, ImportRequest};
use vendorscore::pipeline::report::ReportRequest;
use vendorscore::pipeline::score::ScoreRequest;
use vendorscore::pipeline::sensitivity::SensitivityRequest;
use vendorscore::pipeline::sla::SlaRequest;
use vendorscore::pipeline::{self, Selection};
use vendorscore::report::Format;
use vendorscore::sensitivity::{Level, Renormalize};
use vendorscore::validate::validate_paths;
use vendorscore::workspace::Workspace;

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Where to write the sample workspace
    #[arg(long, default_value = "vendorscore-demo")]
    pub out: PathBuf,
}

pub fn run(global: &GlobalOptions, env: &Env, args: DemoArgs) -> anyhow::Result<Outcome> {
    let root = env.absolute(&args.out);
    let mut count = 0;
    for file in builtin::under("examples") {
        let rest = file.path.strip_prefix("examples/").unwrap_or(file.path);
        write_atomic(&root.join(rest), file.bytes)?;
        count += 1;
    }
    if !global.quiet {
        errln!("wrote the sample workspace ({count} files) to {}", root.display());
        errln!("\n== vendorscore validate");
    }
    let workspace = Workspace { root: root.clone() };
    let validation = validate_paths(&workspace, &[])?;
    let list = validation.diagnostics.into_vec();
    err!("{}", diagnostics::human(&list, &validation.sources, env.color_stderr));
    let errors = list.iter().filter(|d| d.severity == Severity::Error).count();
    outln!("validated {} files: {errors} error(s), {} warning(s)", validation.files, list.len() - errors);
    if errors > 0 {
        return Ok(Outcome::Problems);
    }

    let env = env.in_workspace(root.clone());
    let quiet = GlobalOptions { quiet: true, ..global.clone() };
    let clock = env.clock()?;
    let all = Selection::default();

    outln!("\n== vendorscore score");
    let request = ScoreRequest { selection: all.clone(), dry_run: global.dry_run, ..ScoreRequest::default() };
    let scored = match pipeline::score::score(&env.workspace, &clock, &request) {
        Ok(decided) => decided,
        Err(error) => return show::failure(error, &env, &quiet),
    };
    record(&quiet, &env, scored.value.run(&clock, scored.inputs.clone()))?;
    let cards: Vec<_> = scored.value.shown().collect();
    out!(
        "{}",
        render::score::table(
            &scored.value.rubric,
            &cards,
            cards.len(),
            &clock.as_of.to_string(),
            env.color_stdout,
            env.columns,
        )
    );

    outln!("\n== vendorscore check");
    let high = RuleSeverity::High;
    let request = CheckRequest { policies: Vec::new(), selection: all.clone() };
    // The sample contracts fail rules on purpose: only unusable inputs stop the demo.
    let checked = match pipeline::check::check(&env.workspace, &clock, &request) {
        Ok(decided) => decided,
        Err(error) => return show::failure(error, &env, &quiet),
    };
    record(&quiet, &env, checked.value.run(&clock, high, checked.inputs.clone()))?;
    out!("{}", render::check::brief(&checked.value.vendors, high, env.color_stdout));

    outln!("\n== vendorscore sla vendors/northwind-cx");
    let vendor = root.join("vendors/northwind-cx");
    let request = SlaRequest {
        tickets: vendor.join("tickets.csv"),
        contract: vendor.join("contract.toml"),
        strict: false,
        dry_run: global.dry_run,
        tickets_config: None,
    };
    let measured = match pipeline::sla::sla(&env.workspace, &clock, &request) {
        Ok(decided) => decided,
        Err(error) => return show::failure(error, &env, &quiet),
    };
    record(&quiet, &env, measured.value.run(&clock, measured.inputs.clone()))?;
    let m = &measured.value;
    out!(
        "{}",
        render::sla::table(&m.report, &m.terms, &m.contract, &m.tickets, &clock.as_of.to_string(), env.color_stdout)
    );

    outln!("\n== vendorscore due");
    let request = DueRequest { vendors: Vec::new(), within_days: DEFAULT_WITHIN_DAYS };
    // Some sample SOC 2 reports and pentests are stale on purpose: the demo shows them overdue.
    let dated = match pipeline::due::due(&env.workspace, &clock, &request) {
        Ok(decided) => decided,
        Err(error) => return show::failure(error, &env, &quiet),
    };
    record(&quiet, &env, dated.value.run(&clock, dated.inputs.clone()))?;
    out!("{}", render::due::table(&dated.value, clock.as_of, env.color_stdout, env.columns));

    outln!("\n== vendorscore questionnaire export --vendor aero-support --out questionnaires/aero-support.xlsx");
    let request = ExportRequest { rubric: None, vendor: Some("aero-support".to_owned()), html: false, evaluator: None };
    let exported = match pipeline::questionnaire::export(&env.workspace, &clock, &request) {
        Ok(decided) => decided,
        Err(error) => return show::failure(error, &env, &quiet),
    };
    // The demo's own output: a second demo run in the same folder writes it again.
    let path = root.join("questionnaires/aero-support.xlsx");
    write_atomic(&path, &exported.value.bytes)?;
    let bytes = &exported.value.bytes;
    let written =
        FileRecord { path: env.workspace.display_path(&path), bytes: bytes.len() as u64, sha256: sha256_hex(bytes) };
    record(&quiet, &env, exported.value.run(&clock, exported.inputs.clone(), written.clone()))?;
    outln!("{} ({} questions)", written.path, exported.value.rows);

    outln!("\n== vendorscore questionnaire import questionnaires/aero-support-filled.xlsx --force");
    let request =
        ImportRequest { rubric: None, file: root.join("questionnaires/aero-support-filled.xlsx"), vendor: None };
    let imported = match pipeline::questionnaire::import(&env.workspace, &request) {
        Ok(decided) => decided,
        Err(error) => return show::failure(error, &env, &quiet),
    };
    show::warnings(&imported, &env, &quiet);
    let written = match imported.value.write(true) {
        Ok(written) => written,
        Err(error) => return show::failure(error, &env, &quiet),
    };
    record(&quiet, &env, imported.value.run(&clock, imported.inputs.clone(), written.clone()))?;
    outln!(
        "{} ({} answers, {} changed: the workbook the bidder filled in holds the answers on file)",
        written.path,
        imported.value.answers,
        imported.value.changes.len()
    );

    outln!("\n== vendorscore report --out reports");
    let request = ReportRequest {
        score: ScoreRequest { selection: all, dry_run: global.dry_run, ..ScoreRequest::default() },
        policies: Vec::new(),
        formats: vec![Format::Pdf],
        font_lookup: Some(fontconfig),
    };
    let prepared = match pipeline::report::prepare(&env.workspace, &clock, &request) {
        Ok(decided) => decided,
        Err(error) => return show::failure(error, &env, &quiet),
    };
    render_and_file(
        &quiet,
        &env,
        &root.join("reports"),
        |seq| Ok(prepared.value.render(&clock, seq)?),
        |outputs| prepared.value.run(&clock, prepared.inputs.clone(), outputs),
    )?;

    outln!("\n== vendorscore notice --winner northwind-cx --out notices");
    let request = vendorscore::pipeline::notice::NoticeRequest {
        winner: "northwind-cx".to_owned(),
        standstill_days: vendorscore::pipeline::notice::DEFAULT_STANDSTILL_DAYS,
        entry: None,
        rubric: None,
        formats: vec![Format::Pdf],
        font_lookup: Some(fontconfig),
    };
    let noticed = match pipeline::notice::notices(&env.workspace, &clock, &request) {
        Ok(decided) => decided,
        Err(error) => return show::failure(error, &env, &quiet),
    };
    render_and_file(
        &quiet,
        &env,
        &root.join("notices"),
        |seq| Ok(noticed.value.render(&clock, seq)?),
        |outputs| noticed.value.run(noticed.inputs.clone(), outputs),
    )?;

    outln!("\n== vendorscore sensitivity");
    let request = SensitivityRequest {
        score: ScoreRequest { dry_run: global.dry_run, ..ScoreRequest::default() },
        level: Level::Category,
        renormalize: Renormalize::Proportional,
        samples: 10_000,
        seed: 1,
        spread: None,
        panel: false,
        threads: 0,
    };
    let analysed = match pipeline::sensitivity::sensitivity(&env.workspace, &clock, &request) {
        Ok(decided) => decided,
        Err(error) => return show::failure(error, &env, &quiet),
    };
    record(&quiet, &env, analysed.value.run(&clock, request.samples, analysed.inputs.clone()))?;
    out!("{}", render::sensitivity::table(&analysed.value, &clock.as_of.to_string()));

    outln!("\n== vendorscore audit verify");
    let ledger = root.join(LEDGER_PATH);
    let verification = verify(&ledger, Some(&root), 2)?;
    let (seq, hash) = verification.head.clone().unwrap_or_default();
    let verdict = if verification.ok() { "ok" } else { "FAILED" };
    outln!("{verdict}: {} entries, head {seq} {hash}", verification.entries);
    if !verification.ok() {
        return Ok(Outcome::Problems);
    }
    outln!(
        "\nNext: cd {} and try `vendorscore score --explain`, `vendorscore check --format json`, `vendorscore sla vendors/aero-support`, `vendorscore sensitivity`, `vendorscore due --format ics`, `vendorscore questionnaire export --out q.xlsx`, `vendorscore audit log`, `vendorscore validate`.",
        args.out.display()
    );
    Ok(Outcome::Clean)
}
