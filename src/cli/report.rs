//! `vendorscore report [VENDOR_DIR...] --out DIR`: scorecards (PDF, HTML,
//! Markdown, JSON) per vendor and, for two or more, the comparison. One
//! ledger entry records every input and every file written; the PDFs print
//! that entry's number, so the ledger is held locked while they render.

use std::path::PathBuf;

use clap::Args;

use super::fonts::fontconfig;
use super::record::{file, open_session};
use super::{CohortArgs, Env, GlobalOptions, Outcome, TicketsConfigArgs, show};
use vendorscore::pipeline::PipelineError;
use vendorscore::pipeline::report::{ReportRequest, filed_reports, prepare};
use vendorscore::pipeline::score::ScoreRequest;
use vendorscore::report::Format;

#[derive(Debug, Args)]
#[command(
    after_help = "Templates: a workspace's templates/ overrides the built-in scorecard.md.j2, scorecard.html.j2,\n\
comparison.md.j2 and comparison.html.j2 by name.\n\
A report an earlier ledger entry recorded is never replaced without --force (the run stops,\n\
exit 2, naming the entry); writing the very same bytes again needs no --force."
)]
pub struct ReportArgs {
    /// Vendor folders to report on [default: every vendor of the cohort]. Scores and ranks
    /// come from the cohort whichever are named
    pub vendors: Vec<PathBuf>,
    /// Folder to write the reports to
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Write over reports that an earlier ledger entry recorded (without it the run refuses)
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub cohort: CohortArgs,
    #[command(flatten)]
    pub tickets_config: TicketsConfigArgs,
}

/// The `--format` list (`run` checked it against the report formats).
fn formats(global: &GlobalOptions) -> Vec<Format> {
    global.format.iter().filter_map(|f| Format::parse(f.name())).collect()
}

pub fn run(global: &GlobalOptions, env: &Env, args: ReportArgs) -> anyhow::Result<Outcome> {
    let request = ReportRequest {
        score: ScoreRequest {
            rubric: global.rubric.clone(),
            selection: args.cohort.selection(env, &args.vendors),
            tickets_config: args.tickets_config.path(env)?,
            dry_run: global.dry_run,
        },
        policies: global.policies.clone(),
        formats: formats(global),
        font_lookup: Some(fontconfig),
    };
    let clock = env.clock()?;
    let mut decided = match prepare(&env.workspace, &clock, &request) {
        Ok(decided) => decided,
        Err(error) => return show::failure(error, env, global),
    };
    show::warnings(&decided, env, global);
    let session = open_session(global, env)?;
    let progress = super::progress::observer(global);
    let documents = decided.value.render_observed(&clock, session.as_ref().map(|s| s.next_seq()), &*progress)?;
    let out = env.absolute(&args.out);
    let filed = match filed_reports(&env.workspace, &out, &documents) {
        Ok(filed) => filed,
        Err(error) => return show::failure(error, env, global),
    };
    if let (false, Some(first)) = (args.force, filed.first()) {
        let more = match filed.len() {
            1 => String::new(),
            n => format!(" (and {} more filed reports)", n - 1),
        };
        let error = PipelineError::Unusable {
            message: format!(
                "{} was recorded by ledger entry {} ({}){more}; it is not replaced without --force",
                first.path, first.seq, first.action
            ),
            help: Some(
                "write into another folder with --out, or pass --force to replace it \
                     (the new ledger entry lists what it replaced)"
                    .to_owned(),
            ),
            notes: filed.iter().skip(1).map(|f| format!("{}: ledger entry {}", f.path, f.seq)).collect(),
        };
        return show::failure(error, env, global);
    }
    decided.value.replaced = filed;
    file(global, env, session, &out, &documents, |outputs| decided.value.run(&clock, decided.inputs.clone(), outputs))?;
    Ok(Outcome::Clean)
}
