//! `vendorscore score [VENDOR_DIR...]`: score and rank vendors.

use std::path::PathBuf;

use clap::Args;

use super::record::record;
use super::render::score as render;
use super::{CohortArgs, Env, Format, GlobalOptions, Outcome, TicketsConfigArgs, show};
use vendorscore::pipeline::score::Scored;
use vendorscore::pipeline::score::{ScoreRequest, score};

#[derive(Debug, Args)]
#[command(
    after_help = "Vendors are scored and ranked within the cohort (every vendor of the workspace, or --cohort); \
the folders named select which are shown."
)]
pub struct ScoreArgs {
    /// Vendor folders to show [default: every vendor of the cohort]
    pub vendors: Vec<PathBuf>,
    /// Show, per vendor and criterion, the arithmetic from answer to points
    #[arg(long)]
    pub explain: bool,
    #[command(flatten)]
    pub cohort: CohortArgs,
    #[command(flatten)]
    pub tickets_config: TicketsConfigArgs,
}

pub fn run(global: &GlobalOptions, env: &Env, args: ScoreArgs) -> anyhow::Result<Outcome> {
    let request = ScoreRequest {
        rubric: global.rubric.clone(),
        selection: args.cohort.selection(env, &args.vendors),
        tickets_config: args.tickets_config.path(env)?,
        dry_run: global.dry_run,
    };
    score_and_show(global, env, &request, global.format(), args.explain)
}

/// Score, record, print in `format` (the demo's score step too).
fn score_and_show(
    global: &GlobalOptions,
    env: &Env,
    request: &ScoreRequest,
    format: Format,
    explain: bool,
) -> anyhow::Result<Outcome> {
    let clock = env.clock()?;
    let decided = match score(&env.workspace, &clock, request) {
        Ok(decided) => decided,
        Err(error) => return show::failure(error, env, global),
    };
    show::warnings(&decided, env, global);
    let scored: &Scored = &decided.value;
    let entry = record(global, env, scored.run(&clock, decided.inputs.clone()))?;
    let shown: Vec<_> = scored.shown().collect();
    let as_of = clock.as_of.to_string();
    if explain {
        out!("{}", render::explain(&scored.rubric, &shown));
        if let Some(sentence) = vendorscore::pipeline::sensitivity::robustness(scored) {
            outln!("{sentence}\n");
        }
    }
    match format {
        Format::Json => {
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            let ledger = entry.map(|e| e.seq);
            let written = render::write_json(&mut out, &scored.rubric, &shown, &as_of, ledger)
                .and_then(|()| std::io::Write::flush(&mut out));
            crate::cli::terminal::closed_pipe_is_fine(written)?;
        }
        Format::Csv | Format::CsvExcel => out!("{}", render::to_csv(&scored.rubric, &shown, format)?),
        _ => {
            out!("{}", render::table(&scored.rubric, &shown, scored.cards.len(), &as_of, env.color_stdout, env.columns))
        }
    }
    Ok(Outcome::Clean)
}
