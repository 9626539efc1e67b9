//! `vendorscore sla TICKETS.csv --contract FILE` (or `vendorscore sla
//! VENDOR_DIR`): SLA attainment and service credits from a ticket export.

use std::path::PathBuf;

use clap::Args;

use super::record::record;
use super::render::sla as render;
use super::{Env, GlobalOptions, Outcome, TicketsConfigArgs, format_choice, show};
use vendorscore::pipeline::sla::{SlaRequest, sla};

#[derive(Debug, Args)]
#[command(after_help = "Formats (--format): table (default), json, csv.\n\
Exit status: 0 done; 1 a clause was breached and --fail-on-breach was given; \
2 the inputs could not be used (with --strict: also any row that could not be read).")]
pub struct SlaArgs {
    /// A ticket export (CSV), or a vendor folder with tickets.csv and contract.toml
    #[arg(value_name = "TICKETS.csv|VENDOR_DIR")]
    pub tickets: PathBuf,
    /// The contract whose [[sla]] clauses apply [default: the vendor folder's contract.toml]
    #[arg(long, value_name = "FILE")]
    pub contract: Option<PathBuf>,
    /// Refuse the export (exit 2) when any row cannot be read
    #[arg(long)]
    pub strict: bool,
    /// Exit 1 when a clause was breached in any period
    #[arg(long)]
    pub fail_on_breach: bool,
    /// Show, per clause and period, the formula with the counts filled in and the credit arithmetic
    #[arg(long)]
    pub explain: bool,
    #[command(flatten)]
    pub tickets_config: TicketsConfigArgs,
}

impl SlaArgs {
    /// The export and the contract, from a vendor folder or named.
    fn request(&self, env: &Env) -> anyhow::Result<SlaRequest> {
        let given = env.absolute(&self.tickets);
        let shown = env.workspace.display_path(&given);
        if !given.exists() {
            anyhow::bail!(
                "{shown}: no such file or folder (give a ticket export, or a vendor folder holding tickets.csv)"
            );
        }
        let (tickets, contract) = if given.is_dir() {
            let contract = match &self.contract {
                Some(contract) => env.absolute(contract),
                None if given.join("contract.toml").is_file() => given.join("contract.toml"),
                None => anyhow::bail!("{shown} holds no contract.toml: name one with --contract FILE"),
            };
            if !given.join("tickets.csv").is_file() {
                anyhow::bail!("{shown} holds no tickets.csv: name the ticket export instead of the folder");
            }
            (given.join("tickets.csv"), contract)
        } else {
            let Some(contract) = &self.contract else {
                anyhow::bail!(
                    "{shown}: which contract? Give it with --contract FILE, or name the vendor folder instead"
                );
            };
            (given, env.absolute(contract))
        };
        let tickets_config = self.tickets_config.path(env)?;
        Ok(SlaRequest { tickets, contract, strict: self.strict, dry_run: false, tickets_config })
    }
}

pub fn run(global: &GlobalOptions, env: &Env, args: SlaArgs) -> anyhow::Result<Outcome> {
    let format = format_choice(global, &["table", "json", "csv"])?;
    let clock = env.clock()?;
    let request = SlaRequest { dry_run: global.dry_run, ..args.request(env)? };
    let decided = match sla(&env.workspace, &clock, &request) {
        Ok(decided) => decided,
        Err(error) => return show::failure(error, env, global),
    };
    show::warnings(&decided, env, global);
    let measured = &decided.value;
    record(global, env, measured.run(&clock, decided.inputs.clone()))?;
    let (report, contract, tickets) = (&measured.report, &measured.contract, &measured.tickets);
    if args.explain {
        out!("{}", render::explain(report, &measured.terms));
    }
    match format {
        "json" => {
            outln!("{}", serde_json::to_string_pretty(&render::to_json(report, &measured.terms, contract, tickets))?)
        }
        "csv" => out!("{}", render::to_csv(report)?),
        _ => out!(
            "{}",
            render::table(report, &measured.terms, contract, tickets, &clock.as_of.to_string(), env.color_stdout)
        ),
    }
    Ok(if args.fail_on_breach && report.breached() { Outcome::Problems } else { Outcome::Clean })
}
