//! `vendorscore sla TICKETS.csv --contract FILE`, `vendorscore sla
//! VENDOR_DIR`, or `vendorscore sla` (every vendor with a contract and
//! tickets): SLA attainment and service credits from ticket exports.

use std::path::{Path, PathBuf};

use clap::Args;

use super::record::record;
use super::render::sla as render;
use super::{Env, Format, GlobalOptions, Outcome, TicketsConfigArgs, show};
use vendorscore::pipeline::sla::{Measured, SlaRequest, every_vendor, sla_observed};

#[derive(Debug, Args)]
#[command(after_help = "Exit status: 0 done; 1 a clause was breached and --fail-on-breach was given; \
2 the inputs could not be used (with --strict: also any row that could not be read).")]
pub struct SlaArgs {
    /// A ticket export (CSV), or a vendor folder with tickets.csv and contract.toml
    /// [default: every vendor folder holding both]
    #[arg(value_name = "TICKETS.csv|VENDOR_DIR")]
    pub tickets: Option<PathBuf>,
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
    fn request(&self, env: &Env, tickets: &Path) -> anyhow::Result<SlaRequest> {
        let given = env.absolute(tickets);
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
    let format = global.format();
    let clock = env.clock()?;
    let every = args.tickets.is_none();
    let requests = match &args.tickets {
        Some(tickets) => vec![args.request(env, tickets)?],
        None if args.contract.is_some() => {
            anyhow::bail!("--contract applies to a ticket export: name the export (TICKETS.csv) too")
        }
        None => match every_vendor(&env.workspace, args.strict, args.tickets_config.path(env)?) {
            Ok((requests, notes)) => {
                if !global.quiet {
                    notes.iter().for_each(|note| errln!("note: {note}"));
                }
                requests
            }
            Err(error) => return show::failure(error, env, global),
        },
    };
    let mut outcome = Outcome::Clean;
    let mut measured: Vec<Measured> = Vec::new();
    let progress = super::progress::shared(global);
    for request in requests {
        let request = SlaRequest { dry_run: global.dry_run, ..request };
        let decided = match sla_observed(&env.workspace, &clock, &request, &progress) {
            Ok(decided) => decided,
            Err(error) => {
                // Measuring every vendor, one that cannot be measured does not stop the others.
                outcome = show::failure(error, env, global)?;
                continue;
            }
        };
        show::warnings(&decided, env, global);
        record(global, env, decided.value.run(&clock, decided.inputs.clone()))?;
        measured.push(decided.value);
    }
    if args.explain {
        for m in &measured {
            out!("{}", render::explain(&m.report, &m.terms));
        }
    }
    let as_of = clock.as_of.to_string();
    match format {
        Format::Json => {
            let json: Vec<_> =
                measured.iter().map(|m| render::to_json(&m.report, &m.terms, &m.contract, &m.tickets)).collect();
            match json.as_slice() {
                _ if every => outln!("{}", serde_json::to_string_pretty(&json)?),
                [one] => outln!("{}", serde_json::to_string_pretty(one)?),
                _ => {}
            }
        }
        Format::Csv | Format::CsvExcel if every || !measured.is_empty() => {
            let reports: Vec<_> = measured.iter().map(|m| (m.terms.vendor.as_str(), &m.report)).collect();
            out!("{}", render::to_csv(&reports, every, format)?)
        }
        Format::Csv | Format::CsvExcel => {}
        _ => {
            for (i, m) in measured.iter().enumerate() {
                if i > 0 {
                    outln!();
                }
                out!("{}", render::table(&m.report, &m.terms, &m.contract, &m.tickets, &as_of, env.color_stdout));
            }
        }
    }
    if outcome != Outcome::Clean {
        return Ok(outcome);
    }
    let breached = measured.iter().any(|m| m.report.breached());
    Ok(if args.fail_on_breach && breached { Outcome::Problems } else { Outcome::Clean })
}
