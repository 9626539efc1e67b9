//! `vendorscore trend [VENDOR_DIR...]`: each vendor's recorded score runs
//! (score, rank, status, rubric, tier) with every change of score attributed
//! to what changed, and SLA attainment per clause and period over the runs,
//! written in ledger order as the ledger is read. Reads the ledger only:
//! nothing is decided or written, so nothing is recorded.

use std::path::PathBuf;

use clap::Args;

use super::render::trend as render;
use super::{Env, Format, GlobalOptions, Outcome, show};
use vendorscore::pipeline::trend::{TrendRequest, trend};

#[derive(Debug, Args)]
#[command(
    after_help = "A change of score is attributed to the inputs whose recorded digests differ from the run before: \
rubric, answers (the vendor's files), measured (its CSV exports), cohort (other vendors' files), other.\n\
Exit status: 0 the history was read; 2 it could not be (an invalid vendor folder, an unreadable ledger)."
)]
pub struct TrendArgs {
    /// Vendor folders [default: every folder under the workspace's vendors/]
    pub vendors: Vec<PathBuf>,
}

pub fn run(global: &GlobalOptions, env: &Env, args: TrendArgs) -> anyhow::Result<Outcome> {
    let format = global.format();
    let request = TrendRequest { vendors: env.absolute_all(&args.vendors) };
    let decided = match trend(&env.workspace, &request) {
        Ok(decided) => decided,
        Err(error) => return show::failure(error, env, global),
    };
    show::warnings(&decided, env, global);
    match format {
        Format::Json => render::write_json(&decided.value)?,
        Format::Csv | Format::CsvExcel => render::write_csv(&decided.value, format)?,
        _ => render::write_table(&decided.value, env.color_stdout, env.columns)?,
    }
    Ok(Outcome::Clean)
}
