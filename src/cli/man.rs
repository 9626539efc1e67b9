//! `vendorscore man [--out DIR]`: the manual page (roff), generated from the
//! same command definitions as `--help`, so it cannot drift from them.

use std::path::PathBuf;

use clap::Args;

use super::{Env, Outcome};

#[derive(Debug, Args)]
#[command(after_help = "Install: vendorscore man > ~/.local/share/man/man1/vendorscore.1 (then `man vendorscore`),\n\
or vendorscore man --out ~/.local/share/man/man1 for one page per command.")]
pub struct ManArgs {
    /// Write vendorscore.1 and one vendorscore-COMMAND.1 per command into DIR instead of printing
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

pub fn run(env: &Env, args: ManArgs) -> anyhow::Result<Outcome> {
    let command = super::command();
    match args.out {
        Some(dir) => {
            let dir = env.absolute(&dir);
            std::fs::create_dir_all(&dir)?;
            clap_mangen::generate_to(command, &dir)?;
            errln!("wrote the manual pages to {}", dir.display());
        }
        None => {
            let mut page = Vec::new();
            clap_mangen::Man::new(command).render(&mut page)?;
            out!("{}", String::from_utf8_lossy(&page));
        }
    }
    Ok(Outcome::Clean)
}
