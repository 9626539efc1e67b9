//! `vendorscore validate [PATH...]`: check every TOML file and template for CI.

use std::path::PathBuf;

use clap::Args;

use super::{Env, Format, GlobalOptions, Outcome, diagnostics};
use vendorscore::diag::Severity;
use vendorscore::validate::validate_paths_observed;

#[derive(Debug, Args)]
#[command(after_help = "human is written to stderr, the other formats to stdout.\n\
Exit status: 0 no errors, 1 errors found (or warnings with --deny-warnings), 2 could not run.")]
pub struct ValidateArgs {
    /// Files or folders to check [default: the workspace]
    pub paths: Vec<PathBuf>,
    /// Treat warnings as errors
    #[arg(long)]
    pub deny_warnings: bool,
}

pub fn run(global: &GlobalOptions, env: &Env, args: ValidateArgs) -> anyhow::Result<Outcome> {
    let format = global.format();
    let workspace = env.workspace.clone();
    let paths: Vec<PathBuf> = args.paths.iter().map(|p| env.absolute(p)).collect();
    let mut validation = validate_paths_observed(&workspace, &paths, &*super::progress::observer(global))?;
    if validation.files == 0 {
        let looked: Vec<String> = if paths.is_empty() {
            vec![workspace.root.display().to_string()]
        } else {
            paths.iter().map(|p| p.display().to_string()).collect()
        };
        errln!(
            "error: no vendorscore file (*.toml or *.j2) found in {}: run it in a workspace, or name the files or folders to check",
            looked.join(", ")
        );
        return Ok(Outcome::Unusable);
    }
    if args.deny_warnings {
        validation.diagnostics.deny_warnings();
    }
    let errors = validation.diagnostics.count(Severity::Error);
    let warnings = validation.diagnostics.count(Severity::Warning);
    let list = validation.diagnostics.into_vec();
    match format {
        Format::Json => outln!(
            "{}",
            serde_json::to_string_pretty(&diagnostics::json(&list, &validation.sources, validation.files))?
        ),
        Format::Github => {
            out!("{}", diagnostics::github(&list, &validation.sources, &diagnostics::Place::of(&workspace.root)))
        }
        Format::Sarif => {
            let place = diagnostics::Place::of(&workspace.root);
            outln!("{}", serde_json::to_string_pretty(&diagnostics::sarif(&list, &validation.sources, &place))?)
        }
        _ => {
            err!("{}", diagnostics::human(&list, &validation.sources, env.color_stderr));
            if !global.quiet || errors + warnings > 0 {
                let files = validation.files;
                let noun = if files == 1 { "file" } else { "files" };
                errln!("checked {files} {noun}: {errors} error(s), {warnings} warning(s)");
            }
        }
    }
    Ok(if errors > 0 { Outcome::Problems } else { Outcome::Clean })
}
