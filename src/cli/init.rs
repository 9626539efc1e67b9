//! `vendorscore init [DIR]`: scaffold a workspace with the built-in rubric
//! and policies and one example vendor. Never overwrites a file.

use std::path::PathBuf;

use clap::Args;

use super::{Env, GlobalOptions, Outcome};
use vendorscore::builtin;
use vendorscore::output::{Created, create_new};

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Folder to create the workspace in [default: the current folder]
    pub dir: Option<PathBuf>,
}

/// The example vendor copied from the sample workspace.
const EXAMPLE_VENDOR: &str = "examples/vendors/northwind-cx/";

pub fn run(global: &GlobalOptions, env: &Env, args: InitArgs) -> anyhow::Result<Outcome> {
    let root = env.absolute(args.dir.as_deref().unwrap_or(std::path::Path::new(".")));
    let policies: Vec<_> = builtin::under("policies").collect();
    let settings = format!(
        "# vendorscore workspace settings: see `vendorscore schema workspace`.\n\
         [workspace]\n\
         name = \"Vendor selection\"\n\
         organisation = \"Your organisation\"\n\
         rubric = \"rubrics/{}.toml\"\n\
         policies = [{}]\n",
        builtin::DEFAULT_RUBRIC,
        policies.iter().map(|p| format!("\"{}\"", p.path)).collect::<Vec<_>>().join(", ")
    );
    let mut files: Vec<(String, Vec<u8>)> = vec![("vendorscore.toml".to_owned(), settings.into_bytes())];
    for file in builtin::under("rubrics").chain(policies) {
        files.push((file.path.to_owned(), file.bytes.to_vec()));
    }
    for file in builtin::under("examples").filter(|f| f.path.starts_with(EXAMPLE_VENDOR)) {
        let rest = &file.path[EXAMPLE_VENDOR.len()..];
        files.push((format!("vendors/northwind-cx/{rest}"), file.bytes.to_vec()));
    }
    let (mut written, mut kept) = (0, 0);
    for (path, bytes) in files {
        match create_new(&root.join(&path), &bytes)? {
            Created::Written => written += 1,
            Created::KeptExisting => {
                kept += 1;
                if !global.quiet {
                    errln!("kept existing {path}");
                }
            }
        }
    }
    if !global.quiet {
        errln!("created {written} file(s) in {}; {kept} existing file(s) left untouched", root.display());
        errln!("next: cd {} && vendorscore validate", root.display());
    }
    Ok(Outcome::Clean)
}
