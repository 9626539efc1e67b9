//! `vendorscore sensitivity [VENDOR_DIR...]`: how far each weight can move
//! before rank 1 changes, SMAA-2 rank acceptability, leave one out.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use serde_json::json;

use super::record::record;
use super::render::sensitivity as render;
use super::{Env, Format, GlobalOptions, Outcome, show};
use vendorscore::pipeline::Selection;
use vendorscore::pipeline::score::ScoreRequest;
use vendorscore::pipeline::sensitivity::{SensitivityRequest, sensitivity_observed};
use vendorscore::sensitivity::{Level, Renormalize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LevelArg {
    Category,
    Criterion,
    Both,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RenormalizeArg {
    Proportional,
    Equal,
}

#[derive(Debug, Args)]
#[command(
    after_help = "CSV has one row per weight. Shares and boundaries are in percent. The same --seed gives the same output byte for byte, \
on any number of cores. See docs/sensitivity.md."
)]
pub struct SensitivityArgs {
    /// Vendor folders compared (scored and ranked together) [default: every vendor of the workspace]
    pub vendors: Vec<PathBuf>,
    /// Which weights move: category shares, criterion shares within their category, or both
    #[arg(long, value_enum, default_value_t = LevelArg::Category)]
    pub level: LevelArg,
    /// How the other shares make room for a moved one
    #[arg(long, value_enum, default_value_t = RenormalizeArg::Proportional)]
    pub renormalize: RenormalizeArg,
    /// SMAA-2 weightings to draw; 0 skips SMAA
    #[arg(long, default_value_t = 10_000, value_name = "N")]
    pub samples: usize,
    /// Seed of the generator (ChaCha8)
    #[arg(long, default_value_t = 1, value_name = "S")]
    pub seed: u64,
    /// Draw each category weight within ±PCT % of its value instead of anywhere on the simplex
    #[arg(long, value_name = "PCT", value_parser = spread)]
    pub spread: Option<f64>,
    /// In each weighting, score every panel criterion by one evaluator drawn at random
    #[arg(long)]
    pub panel_samples: bool,
}

fn spread(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(pct) if (0.0..100.0).contains(&pct) => Ok(pct),
        _ => Err("expected a percentage from 0 to below 100".to_owned()),
    }
}

pub fn run(global: &GlobalOptions, env: &Env, args: SensitivityArgs) -> anyhow::Result<Outcome> {
    let format = global.format();
    let clock = env.clock()?;
    let request = SensitivityRequest {
        score: ScoreRequest {
            rubric: global.rubric.clone(),
            selection: Selection { vendors: Vec::new(), cohort: env.absolute_all(&args.vendors) },
            tickets_config: None,
            dry_run: global.dry_run,
        },
        level: match args.level {
            LevelArg::Category => Level::Category,
            LevelArg::Criterion => Level::Criterion,
            LevelArg::Both => Level::Both,
        },
        renormalize: match args.renormalize {
            RenormalizeArg::Proportional => Renormalize::Proportional,
            RenormalizeArg::Equal => Renormalize::Equal,
        },
        samples: args.samples,
        seed: args.seed,
        spread: args.spread,
        panel: args.panel_samples,
        threads: 0,
    };
    let decided = match sensitivity_observed(&env.workspace, &clock, &request, &*super::progress::observer(global)) {
        Ok(decided) => decided,
        Err(error) => return show::failure(error, env, global),
    };
    show::warnings(&decided, env, global);
    let result = &decided.value;
    let entry = record(global, env, result.run(&clock, args.samples, decided.inputs.clone()))?;
    let as_of = clock.as_of.to_string();
    match format {
        Format::Json => {
            let mut json = render::to_json(result, &as_of);
            if let Some(entry) = entry {
                json["ledger"] = json!({ "seq": entry.seq });
            }
            outln!("{}", serde_json::to_string_pretty(&json)?);
        }
        Format::Csv | Format::CsvExcel => out!("{}", render::to_csv(result, format)?),
        _ => out!("{}", render::table(result, &as_of)),
    }
    Ok(Outcome::Clean)
}
