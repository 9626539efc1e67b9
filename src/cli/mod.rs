//! Command-line definitions and dispatch. Each command lives in its own
//! file (arguments → pipeline call → render → record → outcome) and imports
//! no other command; shared pieces are `env` (what is captured once),
//! `show` (warnings and failures), `render` (decisions on stdout), `text`,
//! `record` and `diagnostics`. This module owns the global options and the
//! exit codes.

/// `println!` that returns an error (a full disk) instead of panicking; a
/// closed pipe (`| head`) silences the rest of stdout (see [`terminal`]).
macro_rules! outln {
    () => {{
        $crate::cli::terminal::stdout(format_args!("\n"))?;
    }};
    ($($arg:tt)*) => {{
        $crate::cli::terminal::stdout(format_args!("{}\n", format_args!($($arg)*)))?;
    }};
}

/// `print!` that returns an error (a full disk) instead of panicking.
macro_rules! out {
    ($($arg:tt)*) => {{
        $crate::cli::terminal::stdout(format_args!($($arg)*))?;
    }};
}

/// `errln!` that never panics: a diagnostic that cannot be written is lost, not fatal.
macro_rules! errln {
    () => {{
        $crate::cli::terminal::stderr(format_args!("\n"));
    }};
    ($($arg:tt)*) => {{
        $crate::cli::terminal::stderr(format_args!("{}\n", format_args!($($arg)*)));
    }};
}

/// `err!` that never panics.
macro_rules! err {
    ($($arg:tt)*) => {{
        $crate::cli::terminal::stderr(format_args!($($arg)*));
    }};
}

mod audit;
mod check;
mod completions;
mod demo;
mod diagnostics;
mod diff;
mod due;
mod env;
mod fonts;
mod formats;
mod init;
mod list;
mod man;
mod notice;
mod progress;
mod questionnaire;
mod record;
mod render;
mod report;
mod schema;
mod score;
mod sensitivity;
mod show;
mod sla;
mod terminal;
mod text;
mod trend;
mod validate;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, FromArgMatches, Parser, Subcommand, ValueEnum};

pub use env::Env;
pub use formats::Format;
use vendorscore::pipeline::Selection;

/// Score, check and audit outsourcing partners against TOML rubrics and policies.
#[derive(Debug, Parser)]
#[command(name = "vendorscore", version, about, propagate_version = true, max_term_width = 100)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalOptions,
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command accepts, before or after its name.
#[derive(Debug, Clone, Args)]
pub struct GlobalOptions {
    /// Workspace folder [default: nearest ancestor with vendorscore.toml, else the current folder]
    #[arg(long, global = true, env = "VENDORSCORE_WORKSPACE", value_name = "DIR")]
    pub workspace: Option<PathBuf>,
    /// Rubric: a path or builtin:ID [default: the workspace's, else builtin:ecommerce-outsourcing]
    #[arg(long, global = true, value_name = "RUBRIC")]
    pub rubric: Option<String>,
    /// Policy: a path or builtin:ID; repeatable [default: the workspace's]
    #[arg(long = "policy", global = true, value_name = "POLICY")]
    pub policies: Vec<String>,
    /// Output format; the ones a command prints are listed at the end of its help
    #[arg(long, global = true, value_enum, value_delimiter = ',', hide_possible_values = true, value_name = "FORMAT")]
    pub format: Vec<Format>,
    /// The date decisions are made as of (YYYY-MM-DD) [default: SOURCE_DATE_EPOCH, else today]
    #[arg(long, global = true, value_name = "DATE")]
    pub as_of: Option<String>,
    /// Who is recorded in the ledger [default: VENDORSCORE_ACTOR, git user.email, login name]
    #[arg(long, global = true, value_name = "NAME")]
    pub actor: Option<String>,
    /// Do everything but append to the ledger
    #[arg(long, global = true)]
    pub dry_run: bool,
    /// Sign new ledger entries with this ed25519 OpenSSH private key [default: [audit] signing_key]
    #[arg(long, global = true, env = "VENDORSCORE_SIGNING_KEY", hide_env_values = true, value_name = "FILE")]
    pub signing_key: Option<PathBuf>,
    /// When to colour output (NO_COLOR is honoured)
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Print less: only results and errors
    #[arg(short, long, global = true)]
    pub quiet: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scaffold a workspace (never overwrites a file)
    Init(init::InitArgs),
    /// Build the sample workspace and run the pipeline on it
    Demo(demo::DemoArgs),
    /// Validate every TOML file and template found (for CI)
    Validate(validate::ValidateArgs),
    /// Score and rank vendors
    Score(score::ScoreArgs),
    /// How far the weights can move before the ranking changes (SMAA-2, leave one out)
    Sensitivity(sensitivity::SensitivityArgs),
    /// Compare the outcome under two rubric versions, or two recorded score runs
    Diff(diff::DiffArgs),
    /// Check contracts against compliance policies, rule by rule
    Check(check::CheckArgs),
    /// SLA attainment and service credits from a ticket export
    Sla(sla::SlaArgs),
    /// What falls due per vendor: reassessment by risk tier, contract and security dates
    Due(due::DueArgs),
    /// Each vendor's score and SLA history from the ledger, score changes explained
    Trend(trend::TrendArgs),
    /// Write scorecards (PDF, HTML, Markdown, JSON) and the comparison
    Report(report::ReportArgs),
    /// Award notices to the vendors that did not win a recorded score run, with the standstill end
    Notice(notice::NoticeArgs),
    /// Export the questionnaire workbook; import returned answers into vendor.toml
    Questionnaire(questionnaire::QuestionnaireArgs),
    /// Verify and read the audit ledger
    Audit(audit::AuditArgs),
    /// Print the JSON Schema of a file kind
    Schema(schema::SchemaArgs),
    /// List the built-in rubrics, policies, tiering and templates
    List,
    /// Print the manual page (roff), or write one per command with --out
    Man(man::ManArgs),
    /// Print shell completions
    Completions {
        /// The shell
        shell: clap_complete::Shell,
    },
}

/// How a command ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Done, nothing wrong.
    Clean,
    /// The run worked and found a problem.
    Problems,
    /// An input was invalid; the problems were already reported.
    Unusable,
}

/// The vendors ranked together.
#[derive(Debug, Clone, Args)]
pub struct CohortArgs {
    /// Vendor folders scored and ranked together (price cohort, ranks) [default: every vendor of the workspace]
    #[arg(long, value_name = "DIR", num_args = 1..)]
    pub cohort: Vec<PathBuf>,
}

impl CohortArgs {
    /// The selection: `vendors` shown, within the cohort.
    pub fn selection(&self, env: &Env, vendors: &[PathBuf]) -> Selection {
        Selection { vendors: env.absolute_all(vendors), cohort: env.absolute_all(&self.cohort) }
    }
}

/// The command line as clap sees it: the derived definitions, each
/// command's help naming the formats it prints (for `--help`, `man` and
/// the completions alike).
pub fn command() -> clap::Command {
    formats::with_format_help(<Cli as clap::CommandFactory>::command())
}

/// "audit log": the command and subcommand names given.
fn command_path(matches: &clap::ArgMatches) -> String {
    let mut names = Vec::new();
    let mut at = matches;
    while let Some((name, sub)) = at.subcommand() {
        names.push(name);
        at = sub;
    }
    names.join(" ")
}

/// `--tickets-config FILE`, shared by the commands that read ticket exports.
#[derive(Debug, Args)]
pub struct TicketsConfigArgs {
    /// Read ticket exports as this file's [tickets] says, in place of the workspace's (the file is recorded)
    #[arg(long, value_name = "FILE")]
    pub tickets_config: Option<PathBuf>,
}

impl TicketsConfigArgs {
    /// The settings file, absolute; a missing file is refused before anything is read.
    pub fn path(&self, env: &Env) -> anyhow::Result<Option<PathBuf>> {
        let Some(config) = self.tickets_config.as_ref().map(|f| env.absolute(f)) else { return Ok(None) };
        if !config.is_file() {
            anyhow::bail!(
                "{}: no such file (--tickets-config names a TOML file with [tickets])",
                env.workspace.display_path(&config)
            );
        }
        Ok(Some(config))
    }
}

/// Run the command line; the exit code is 0, 1 or 2.
pub fn main() -> ExitCode {
    let parsed = command()
        .try_get_matches()
        .and_then(|matches| Cli::from_arg_matches(&matches).map(|cli| (cli, command_path(&matches))));
    let (cli, path) = match parsed {
        Ok(parsed) => parsed,
        Err(err) => {
            let code = if err.use_stderr() { 2 } else { 0 };
            let _ = err.print();
            return ExitCode::from(code);
        }
    };
    let outcome = run(cli, &path).and_then(|outcome| terminal::flush().map(|()| outcome).map_err(anyhow::Error::new));
    match outcome {
        Ok(Outcome::Clean) => ExitCode::SUCCESS,
        Ok(Outcome::Problems) => ExitCode::from(1),
        Ok(Outcome::Unusable) => ExitCode::from(2),
        Err(err) => {
            match record::recorded() {
                Some(seq) => errln!("error: {err:#} (the run is recorded as ledger entry {seq})"),
                None => errln!("error: {err:#}"),
            }
            ExitCode::from(2)
        }
    }
}

fn run(mut cli: Cli, path: &str) -> anyhow::Result<Outcome> {
    // Checked before any work: a format this command cannot print is refused.
    cli.global.format = formats::choose(path, &cli.global.format).map_err(anyhow::Error::msg)?;
    let env = Env::capture(&cli.global)?;
    match cli.command {
        Command::Init(args) => init::run(&cli.global, &env, args),
        Command::Demo(args) => demo::run(&cli.global, &env, args),
        Command::Validate(args) => validate::run(&cli.global, &env, args),
        Command::Score(args) => score::run(&cli.global, &env, args),
        Command::Sensitivity(args) => sensitivity::run(&cli.global, &env, args),
        Command::Diff(args) => diff::run(&cli.global, &env, args),
        Command::Check(args) => check::run(&cli.global, &env, args),
        Command::Sla(args) => sla::run(&cli.global, &env, args),
        Command::Due(args) => due::run(&cli.global, &env, args),
        Command::Trend(args) => trend::run(&cli.global, &env, args),
        Command::Questionnaire(args) => questionnaire::run(&cli.global, &env, args),
        Command::Audit(args) => audit::run(&cli.global, &env, args),
        Command::Report(args) => report::run(&cli.global, &env, args),
        Command::Notice(args) => notice::run(&cli.global, &env, args),
        Command::Schema(args) => schema::run(&cli.global, args),
        Command::List => list::run(&cli.global),
        Command::Man(args) => man::run(&env, args),
        Command::Completions { shell } => completions::run(shell),
    }
}

impl GlobalOptions {
    /// The format to print: the one given, else the command's default (`run`
    /// checked it against what the command prints).
    pub fn format(&self) -> Format {
        self.format.first().copied().unwrap_or(Format::Table)
    }
}
