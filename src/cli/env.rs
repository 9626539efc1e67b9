//! What the library must be told rather than find out for itself, captured
//! once per run: the current folder, whether to colour, the clock
//! (`SOURCE_DATE_EPOCH`, `--as-of`, the system time), the workspace and the
//! actor. The clock, the environment and git are read here and nowhere else.

use std::cell::OnceCell;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::{ColorChoice, GlobalOptions};
use vendorscore::audit::sign::Signer;
use vendorscore::pipeline::Clock;
use vendorscore::workspace::Workspace;

pub struct Env {
    pub cwd: PathBuf,
    pub color_stderr: bool,
    pub color_stdout: bool,
    /// Columns tables may use: the terminal's width when stdout is one, else
    /// `COLUMNS`, else 80.
    pub columns: usize,
    pub workspace: Workspace,
    /// `--as-of` and `SOURCE_DATE_EPOCH`, checked when a command needs the clock.
    clock: Result<Clock, vendorscore::pipeline::ClockError>,
    actor_flag: Option<String>,
    actor: OnceCell<String>,
    /// `--signing-key` (or `VENDORSCORE_SIGNING_KEY`, folded in by clap).
    signing_key_flag: Option<PathBuf>,
    signer: OnceCell<Option<Signer>>,
}

impl Env {
    pub fn capture(global: &GlobalOptions) -> anyhow::Result<Env> {
        use std::io::IsTerminal;
        let cwd = std::env::current_dir()?;
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
            || std::env::var_os("TERM").is_some_and(|t| t == "dumb");
        let wants = |terminal: bool| match global.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => terminal && !no_color,
        };
        let epoch = std::env::var("SOURCE_DATE_EPOCH").ok().filter(|v| !v.is_empty());
        let system_now = jiff::Timestamp::now().as_second();
        // clap already folded VENDORSCORE_WORKSPACE into `--workspace`.
        let workspace = Workspace::discover(global.workspace.as_deref(), None, &cwd);
        Ok(Env {
            color_stderr: wants(std::io::stderr().is_terminal()),
            color_stdout: wants(std::io::stdout().is_terminal()),
            columns: table_columns(),
            clock: Clock::new(epoch.as_deref(), global.as_of.as_deref(), system_now),
            workspace,
            cwd,
            actor_flag: global.actor.clone(),
            actor: OnceCell::new(),
            signing_key_flag: global.signing_key.clone(),
            signer: OnceCell::new(),
        })
    }

    /// The run's clock; an error when `SOURCE_DATE_EPOCH` or `--as-of` is malformed.
    pub fn clock(&self) -> anyhow::Result<Clock> {
        self.clock.clone().map_err(anyhow::Error::new)
    }

    /// Who runs the command: `--actor`, `VENDORSCORE_ACTOR`, git's `user.email`
    /// in the workspace, the login name (resolved once).
    pub fn actor(&self) -> &str {
        self.actor.get_or_init(|| {
            let from_env = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
            self.actor_flag
                .clone()
                .or_else(|| from_env("VENDORSCORE_ACTOR"))
                .or_else(|| {
                    let output = Command::new("git")
                        .args(["config", "user.email"])
                        .current_dir(&self.workspace.root)
                        .output()
                        .ok()?;
                    let email = String::from_utf8(output.stdout).ok()?.trim().to_owned();
                    (output.status.success() && !email.is_empty()).then_some(email)
                })
                .or_else(|| from_env("USER"))
                .or_else(|| from_env("LOGNAME"))
                .unwrap_or_else(|| "unknown".to_owned())
        })
    }

    /// The key that signs this run's ledger entry: `--signing-key`,
    /// `VENDORSCORE_SIGNING_KEY`, `[audit] signing_key` (loaded once); `None`: unsigned.
    pub fn signer(&self) -> anyhow::Result<Option<&Signer>> {
        if let Some(signer) = self.signer.get() {
            return Ok(signer.as_ref());
        }
        let path = match &self.signing_key_flag {
            Some(flag) => Some((self.absolute(&home(flag)), "--signing-key")),
            None => {
                let setting = self.settings_signing_key()?;
                setting.map(|key| (self.workspace.root.join(home(Path::new(key.as_str()))), "[audit] signing_key"))
            }
        };
        let signer = match path {
            None => None,
            Some((path, from)) => {
                let text = std::fs::read_to_string(&path)
                    .map_err(|e| anyhow::anyhow!("{from} {}: cannot be read: {e}", path.display()))?;
                Some(Signer::from_openssh(&text).map_err(|e| anyhow::anyhow!("{from} {}: {e}", path.display()))?)
            }
        };
        Ok(self.signer.get_or_init(|| signer).as_ref())
    }

    /// `[audit] signing_key` of the workspace's settings. Settings that do
    /// not validate stop the run (their diagnostics printed), so a broken
    /// `[audit]` table never records an unsigned entry in silence.
    fn settings_signing_key(&self) -> anyhow::Result<Option<String>> {
        let mut loader = vendorscore::load::Loader::new(self.workspace.clone());
        match loader.settings() {
            Ok(settings) => Ok(settings.audit.and_then(|a| a.signing_key).map(|key| key.value)),
            Err(vendorscore::load::Stop) => {
                let findings = loader.findings();
                let list: Vec<_> = findings.diagnostics.iter().cloned().collect();
                err!("{}", super::diagnostics::human(&list, &findings.sources, self.color_stderr));
                anyhow::bail!(
                    "{}: the settings do not validate, so it is not known whether entries must be signed; nothing was recorded",
                    self.workspace.display_path(&self.workspace.settings_path())
                )
            }
        }
    }

    /// A path given on the command line, made absolute.
    pub fn absolute(&self, path: &Path) -> PathBuf {
        vendorscore::workspace::normalize(&self.cwd.join(path))
    }

    /// Paths given on the command line, made absolute.
    pub fn absolute_all(&self, paths: &[PathBuf]) -> Vec<PathBuf> {
        paths.iter().map(|p| self.absolute(p)).collect()
    }

    /// The same run in another workspace (the demo's).
    pub fn in_workspace(&self, root: PathBuf) -> Env {
        Env {
            cwd: self.cwd.clone(),
            color_stderr: self.color_stderr,
            color_stdout: self.color_stdout,
            columns: self.columns,
            workspace: Workspace { root },
            clock: self.clock.clone(),
            actor_flag: self.actor_flag.clone(),
            actor: OnceCell::new(),
            signing_key_flag: self.signing_key_flag.clone(),
            signer: OnceCell::new(),
        }
    }
}

/// The width tables are laid out for: the terminal's when stdout is one,
/// else `COLUMNS`, else 80 (so piped output does not change with the window).
fn table_columns() -> usize {
    use std::io::IsTerminal;
    let stdout = std::io::stdout();
    let terminal = if stdout.is_terminal() { terminal_size::terminal_size_of(&stdout) } else { None };
    terminal
        .map(|(width, _)| usize::from(width.0))
        .or_else(|| std::env::var("COLUMNS").ok()?.trim().parse().ok())
        .filter(|&columns| columns > 0)
        .unwrap_or(80)
}

/// `~/…` in the home folder (`HOME`); any other path as it is.
fn home(path: &Path) -> PathBuf {
    match (path.strip_prefix("~"), std::env::var_os("HOME")) {
        (Ok(rest), Some(home)) => PathBuf::from(home).join(rest),
        _ => path.to_path_buf(),
    }
}
