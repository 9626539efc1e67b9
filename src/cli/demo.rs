//! `vendorscore demo [--out DIR]`: write the built-in sample workspace and
//! run the pipeline on it, so a new user sees every part working.

use std::path::PathBuf;

use clap::Args;

use super::{Env, GlobalOptions, Outcome, diagnostics};
use vendorscore::audit::ledger::LEDGER_PATH;
use vendorscore::audit::verify::verify;
use vendorscore::builtin;
use vendorscore::diag::Severity;
use vendorscore::output::write_atomic;
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
        eprintln!("wrote the sample workspace ({count} files) to {}", root.display());
        eprintln!("\n== vendorscore validate");
    }
    let workspace = Workspace { root: root.clone() };
    let validation = validate_paths(&workspace, &[])?;
    let list = validation.diagnostics.into_vec();
    eprint!("{}", diagnostics::human(&list, &validation.sources, env.color_stderr));
    let errors = list.iter().filter(|d| d.severity == Severity::Error).count();
    outln!("validated {} files: {errors} error(s), {} warning(s)", validation.files, list.len() - errors);
    if errors > 0 {
        return Ok(Outcome::Problems);
    }

    outln!("\n== vendorscore score");
    let quiet = GlobalOptions { quiet: true, ..global.clone() };
    let outcome = super::score::score_and_print(&quiet, env, &workspace, &[], "table", false)?;
    if outcome != Outcome::Clean {
        return Ok(outcome);
    }
    outln!("\n== vendorscore check");
    let high = vendorscore::model::RuleSeverity::High;
    // The sample contracts fail rules on purpose: only unusable inputs stop the demo.
    if super::check::check_and_print(&quiet, env, &workspace, &[], "brief", high)? == Outcome::Unusable {
        return Ok(Outcome::Unusable);
    }
    outln!("\n== vendorscore sla vendors/northwind-cx");
    let vendor = root.join("vendors/northwind-cx");
    let options = super::sla::Options { format: "table", strict: false, fail_on_breach: false };
    let outcome = super::sla::sla_and_print(
        &quiet,
        env,
        &workspace,
        &vendor.join("tickets.csv"),
        &vendor.join("contract.toml"),
        options,
    )?;
    if outcome != Outcome::Clean {
        return Ok(outcome);
    }
    outln!("\n== vendorscore report --out reports");
    let outcome = super::report::write_reports(
        &quiet,
        env,
        &workspace,
        &[],
        &root.join("reports"),
        &[vendorscore::report::Format::Pdf],
    )?;
    if outcome != Outcome::Clean {
        return Ok(outcome);
    }

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
        "\nNext: cd {} and try `vendorscore score --explain`, `vendorscore check --format json`, `vendorscore sla vendors/aero-support`, `vendorscore audit log`, `vendorscore validate`.",
        args.out.display()
    );
    Ok(Outcome::Clean)
}
