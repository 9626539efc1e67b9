//! `vendorscore notice --winner ID --out DIR`: award notices, one letter per
//! other vendor of the latest recorded `score`/`report` run. One ledger
//! entry records every letter written; the letters print its number, so the
//! ledger is held locked while they render.

use std::path::PathBuf;

use clap::Args;

use super::fonts::fontconfig;
use super::record::render_and_file;
use super::{Env, GlobalOptions, Outcome, show};
use vendorscore::pipeline::notice::{DEFAULT_STANDSTILL_DAYS, NoticeRequest, notices};
use vendorscore::report::Format;

#[derive(Debug, Args)]
#[command(after_help = "Template: a workspace's templates/notice.md.j2 replaces the built-in letter (both formats).\n\
Holidays: [notice] holidays = [2026-12-25, …] in vendorscore.toml; weekends never end a standstill.")]
pub struct NoticeArgs {
    /// The vendor id awarded the contract
    #[arg(long, value_name = "ID")]
    pub winner: String,
    /// Days from the notice to the end of the standstill period
    #[arg(long, value_name = "N", default_value_t = DEFAULT_STANDSTILL_DAYS)]
    pub standstill_days: u32,
    /// The ledger entry of the run to notify [default: the latest score or report run]
    #[arg(long, value_name = "SEQ")]
    pub entry: Option<u64>,
    /// Folder to write the letters to
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

/// The `--format` list (`run` checked it against the notice formats).
fn formats(global: &GlobalOptions) -> Vec<Format> {
    global.format.iter().filter_map(|f| Format::parse(f.name())).collect()
}

pub fn run(global: &GlobalOptions, env: &Env, args: NoticeArgs) -> anyhow::Result<Outcome> {
    let request = NoticeRequest {
        winner: args.winner,
        standstill_days: args.standstill_days,
        entry: args.entry,
        rubric: global.rubric.clone(),
        formats: formats(global),
        font_lookup: Some(fontconfig),
    };
    write(global, env, &request, &env.absolute(&args.out))
}

/// Decide, render, stage, record, rename.
fn write(global: &GlobalOptions, env: &Env, request: &NoticeRequest, out: &std::path::Path) -> anyhow::Result<Outcome> {
    let clock = env.clock()?;
    let decided = match notices(&env.workspace, &clock, request) {
        Ok(decided) => decided,
        Err(error) => return show::failure(error, env, global),
    };
    show::warnings(&decided, env, global);
    render_and_file(
        global,
        env,
        out,
        |seq| Ok(decided.value.render(&clock, seq)?),
        |outputs| decided.value.run(decided.inputs.clone(), outputs),
    )?;
    Ok(Outcome::Clean)
}
