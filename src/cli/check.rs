//! `vendorscore check [VENDOR_DIR...]`: check contracts against policies,
//! rule by rule, with the clause that fails and what to do about it.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::record::record;
use super::render::check as render;
use super::{Env, Format, GlobalOptions, Outcome, show};
use vendorscore::model::RuleSeverity;
use vendorscore::pipeline::Selection;
use vendorscore::pipeline::check::{CheckRequest, check};

#[derive(Debug, Args)]
#[command(
    after_help = "Exit status: 0 no rule fails at or above --fail-on; 1 one does (a missing term counts as a failure); \
2 the inputs could not be used (an invalid policy or contract, or a rule that cannot be evaluated)."
)]
pub struct CheckArgs {
    /// Vendor folders to check [default: every folder under the workspace's vendors/]
    pub vendors: Vec<PathBuf>,
    /// Exit 1 when a rule fails or is missing at this severity or above
    #[arg(long, value_enum, value_name = "SEVERITY", default_value_t = FailOn::High)]
    pub fail_on: FailOn,
}

/// The `--fail-on` threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Critical,
    High,
    Medium,
    Low,
}

impl FailOn {
    pub fn severity(self) -> RuleSeverity {
        match self {
            FailOn::Critical => RuleSeverity::Critical,
            FailOn::High => RuleSeverity::High,
            FailOn::Medium => RuleSeverity::Medium,
            FailOn::Low => RuleSeverity::Low,
        }
    }
}

pub fn run(global: &GlobalOptions, env: &Env, args: CheckArgs) -> anyhow::Result<Outcome> {
    let format = global.format();
    let fail_on = args.fail_on.severity();
    let clock = env.clock()?;
    let request = CheckRequest {
        policies: global.policies.clone(),
        selection: Selection { vendors: env.absolute_all(&args.vendors), cohort: Vec::new() },
    };
    let decided = match check(&env.workspace, &clock, &request) {
        Ok(decided) => decided,
        Err(error) => return show::failure(error, env, global),
    };
    show::warnings(&decided, env, global);
    let checked = &decided.value;
    let entry = record(global, env, checked.run(&clock, fail_on, decided.inputs.clone()))?;
    let as_of = clock.as_of.to_string();
    match format {
        Format::Json => render::write_json(&checked.vendors, &as_of, entry.map(|e| e.seq))?,
        Format::Csv | Format::CsvExcel => render::write_csv(&checked.vendors, format)?,
        _ => out!(
            "{}",
            render::table(&checked.policies, &checked.vendors, &as_of, fail_on, env.color_stdout, env.columns)
        ),
    }
    Ok(if checked.failing(fail_on) { Outcome::Problems } else { Outcome::Clean })
}
