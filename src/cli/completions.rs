//! `vendorscore completions SHELL`: clap_complete's script. For fish it adds
//! the values of positional arguments (`schema KIND`, `completions SHELL`),
//! which clap_complete's fish generator leaves out; option values
//! (`--format`, `--color`, …) it completes itself.

use clap_complete::Shell;

use super::Outcome;

pub fn run(shell: Shell) -> anyhow::Result<Outcome> {
    let mut command = super::command();
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command, "vendorscore", &mut script);
    let mut script = String::from_utf8_lossy(&script).into_owned();
    if shell == Shell::Fish {
        script.push_str(&fish_positional_values(&command));
    }
    out!("{script}");
    Ok(Outcome::Clean)
}

/// One `complete` line per subcommand positional that takes listed values.
fn fish_positional_values(command: &clap::Command) -> String {
    let mut lines = String::new();
    for sub in command.get_subcommands() {
        for arg in sub.get_positionals() {
            let values: Vec<String> = arg
                .get_possible_values()
                .iter()
                .filter(|v| !v.is_hide_set())
                .map(|v| v.get_name().to_owned())
                .collect();
            if !values.is_empty() {
                lines.push_str(&format!(
                    "complete -c vendorscore -n \"__fish_vendorscore_using_subcommand {}\" -f -a \"{}\"\n",
                    sub.get_name(),
                    values.join(" ")
                ));
            }
        }
    }
    lines
}
