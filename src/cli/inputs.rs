//! Loading what a command works on, and showing what loading found: errors
//! stop the command (exit 2), warnings are printed and the command goes on.

use std::path::PathBuf;

use super::{Env, GlobalOptions, diagnostics};
use vendorscore::audit::ledger::FileRecord;
use vendorscore::load::{self, Findings};
use vendorscore::model::{Rubric, Submission, WorkspaceFile};
use vendorscore::workspace::Workspace;

/// What scoring needs, and every file read.
pub struct ScoringInputs {
    pub settings: WorkspaceFile,
    pub rubric: Rubric,
    pub submissions: Vec<Submission>,
    pub files: Vec<FileRecord>,
}

/// Print a loader's diagnostics to stderr.
pub fn show(findings: &Findings, env: &Env, global: &GlobalOptions) {
    let list: Vec<_> = findings.diagnostics.iter().cloned().collect();
    if list.is_empty() || (global.quiet && !findings.diagnostics.has_errors()) {
        return;
    }
    eprint!("{}", diagnostics::human(&list, &findings.sources, env.color_stderr));
}

/// Load the rubric and vendors; `None` when an input is invalid (already reported).
pub fn scoring_inputs(
    global: &GlobalOptions,
    env: &Env,
    workspace: &Workspace,
    vendors: &[PathBuf],
) -> anyhow::Result<Option<ScoringInputs>> {
    let mut files = Vec::new();
    let loaded = load::settings(workspace, &mut files).and_then(|settings| {
        let rubric = load::rubric(workspace, &settings, global.rubric.as_deref(), &mut files)?;
        let dirs: Vec<PathBuf> = if vendors.is_empty() {
            load::vendor_dirs(workspace)
        } else {
            vendors.iter().map(|v| env.absolute(v)).collect()
        };
        let (submissions, findings) = load::submissions(workspace, &rubric, &dirs, &mut files)?;
        Ok((settings, rubric, submissions, findings))
    });
    match loaded {
        Ok((settings, rubric, submissions, findings)) => {
            show(&findings, env, global);
            if submissions.is_empty() {
                anyhow::bail!(
                    "no vendors to score in {}: add vendors/<id>/vendor.toml, or name vendor folders",
                    workspace.root.display()
                );
            }
            load::finish_inputs(&mut files);
            Ok(Some(ScoringInputs { settings, rubric, submissions, files }))
        }
        Err(findings) => {
            show(&findings, env, global);
            eprintln!("error: the inputs above must be fixed before scoring (see `vendorscore validate`)");
            Ok(None)
        }
    }
}
