//! `vendorscore due [VENDOR_DIR...] [--within DAYS]`: what falls due per
//! vendor (reassessment by tier, contract end, termination notice, SOC 2,
//! penetration test, certificate), and when. Exit 1 when anything is overdue.

use std::path::PathBuf;

use clap::Args;

use super::record::record;
use super::render::due as render;
use super::{Env, Format, GlobalOptions, Outcome, show};
use vendorscore::pipeline::due::{DEFAULT_WITHIN_DAYS, DueRequest, due};

#[derive(Debug, Args)]
#[command(after_help = "ics: RFC 5545, one all-day event per item, \
with stable UIDs so that re-importing updates the events.\n\
Exit status: 0 nothing is overdue; 1 an item is overdue (a CI or cron gate); 2 the inputs could not be used.")]
pub struct DueArgs {
    /// Vendor folders [default: every folder under the workspace's vendors/]
    pub vendors: Vec<PathBuf>,
    /// An item dated from the as-of date to this many days later is `due`
    #[arg(long, value_name = "DAYS", default_value_t = DEFAULT_WITHIN_DAYS)]
    pub within: u32,
}

pub fn run(global: &GlobalOptions, env: &Env, args: DueArgs) -> anyhow::Result<Outcome> {
    let format = global.format();
    let clock = env.clock()?;
    let request = DueRequest { vendors: env.absolute_all(&args.vendors), within_days: args.within };
    let decided = match due(&env.workspace, &clock, &request) {
        Ok(decided) => decided,
        Err(error) => return show::failure(error, env, global),
    };
    show::warnings(&decided, env, global);
    let dated = &decided.value;
    let entry = record(global, env, dated.run(&clock, decided.inputs.clone()))?;
    match format {
        Format::Json => out!("{}", render::json(dated, clock.as_of, entry.map(|e| e.seq))?),
        Format::Csv | Format::CsvExcel => out!("{}", render::csv(dated, format)?),
        Format::Ics => {
            let stamp = vendorscore::model::utc_datetime(clock.now)
                .ok_or_else(|| anyhow::anyhow!("the clock is outside the years -9999 to 9999"))?;
            out!("{}", render::ics(dated, clock.as_of, stamp))
        }
        _ => out!("{}", render::table(dated, clock.as_of, env.color_stdout, env.columns)),
    }
    Ok(if dated.overdue() { Outcome::Problems } else { Outcome::Clean })
}
