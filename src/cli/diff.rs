//! `vendorscore diff --before R --after R [VENDOR_DIR...]` and `diff
//! --entries SEQ SEQ`: what changes between two rubric versions, or two
//! recorded score runs.

use std::path::PathBuf;
use std::process::Command;

use anyhow::{Context, bail};
use clap::Args;
use serde_json::json;

use super::record::record;
use super::render::diff as render;
use super::{Env, Format, GlobalOptions, Outcome, show};
use vendorscore::pipeline::Selection;
use vendorscore::pipeline::diff::{DiffRequest, RubricSource, diff, entries};

#[derive(Debug, Args)]
#[command(after_help = "A rubric version is a path, builtin:ID, or REV:path (read with `git show` in the workspace). \
Answers to criteria one version lacks are left out with a warning.")]
pub struct DiffArgs {
    /// Vendor folders compared [default: every vendor of the workspace]
    pub vendors: Vec<PathBuf>,
    /// The rubric before: a path, builtin:ID or REV:path
    #[arg(long, value_name = "RUBRIC_OR_REV", requires = "after", conflicts_with = "entries")]
    pub before: Option<String>,
    /// The rubric after: a path, builtin:ID or REV:path
    #[arg(long, value_name = "RUBRIC_OR_REV", requires = "before")]
    pub after: Option<String>,
    /// Compare two recorded `score` runs (ledger entries) instead
    #[arg(long, num_args = 2, value_names = ["SEQ", "SEQ"])]
    pub entries: Option<Vec<u64>>,
}

/// A rubric version as given: `builtin:ID`, an existing file, or `REV:path` through git.
fn source(env: &Env, given: &str) -> anyhow::Result<RubricSource> {
    if given.starts_with("builtin:") || env.absolute(std::path::Path::new(given)).is_file() {
        return Ok(RubricSource::Reference(given.to_owned()));
    }
    let Some((rev, path)) = given.split_once(':').filter(|(rev, path)| !rev.is_empty() && !path.is_empty()) else {
        return Ok(RubricSource::Reference(given.to_owned()));
    };
    let output = Command::new("git")
        .args(["show", &format!("{rev}:{path}")])
        .current_dir(&env.workspace.root)
        .output()
        .context("cannot run git to read a rubric version")?;
    if !output.status.success() {
        bail!("git show {given}: {}", String::from_utf8_lossy(&output.stderr).trim());
    }
    let text = String::from_utf8(output.stdout).with_context(|| format!("git show {given}: not UTF-8"))?;
    Ok(RubricSource::Text { name: given.to_owned(), text })
}

pub fn run(global: &GlobalOptions, env: &Env, args: DiffArgs) -> anyhow::Result<Outcome> {
    let format = global.format();
    let clock = env.clock()?;
    let as_of = clock.as_of.to_string();
    if let Some(seqs) = &args.entries {
        if matches!(format, Format::Csv | Format::CsvExcel) {
            bail!("diff --entries cannot print {}; use table or json", format.name());
        }
        let diffed = match entries(&env.workspace, seqs[0], seqs[1]) {
            Ok(diffed) => diffed,
            Err(error) => return show::failure(error, env, global),
        };
        let entry = record(global, env, diffed.run(&clock))?;
        match format {
            Format::Json => {
                let mut json = render::entries_json(&diffed);
                if let Some(entry) = entry {
                    json["ledger"] = json!({ "seq": entry.seq });
                }
                outln!("{}", serde_json::to_string_pretty(&json)?);
            }
            _ => out!("{}", render::entries_table(&diffed, env.columns)),
        }
        return Ok(Outcome::Clean);
    }
    let (Some(before), Some(after)) = (&args.before, &args.after) else {
        bail!("give --before RUBRIC_OR_REV --after RUBRIC_OR_REV, or --entries SEQ SEQ");
    };
    let request = DiffRequest {
        before: source(env, before)?,
        after: source(env, after)?,
        selection: Selection { vendors: Vec::new(), cohort: env.absolute_all(&args.vendors) },
    };
    let decided = match diff(&env.workspace, &clock, &request) {
        Ok(decided) => decided,
        Err(error) => return show::failure(error, env, global),
    };
    show::warnings(&decided, env, global);
    let diffed = &decided.value;
    let entry = record(global, env, diffed.run(&clock, decided.inputs.clone()))?;
    match format {
        Format::Json => {
            let mut json = render::to_json(diffed, &as_of);
            if let Some(entry) = entry {
                json["ledger"] = json!({ "seq": entry.seq });
            }
            outln!("{}", serde_json::to_string_pretty(&json)?);
        }
        Format::Csv | Format::CsvExcel => out!("{}", render::to_csv(diffed, format)?),
        _ => out!("{}", render::table(diffed, &as_of, env.columns)),
    }
    Ok(Outcome::Clean)
}
