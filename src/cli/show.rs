//! Showing what a pipeline call found on stderr: warnings (the command goes
//! on) and the reasons a decision could not be made (exit 2).

use super::{Env, GlobalOptions, Outcome, diagnostics};
use vendorscore::load::Findings;
use vendorscore::pipeline::{Decided, PipelineError};

/// Print a loader's diagnostics to stderr.
pub fn findings(findings: &Findings, env: &Env, global: &GlobalOptions) {
    let list: Vec<_> = findings.diagnostics.iter().cloned().collect();
    if list.is_empty() || (global.quiet && !findings.has_errors()) {
        return;
    }
    err!("{}", diagnostics::human(&list, &findings.sources, env.color_stderr));
}

/// Print the warnings of a decision that was made.
pub fn warnings<T>(decided: &Decided<T>, env: &Env, global: &GlobalOptions) {
    findings(&decided.findings, env, global);
    notes(&decided.notes, global);
}

fn notes(notes: &[String], global: &GlobalOptions) {
    if global.quiet {
        return;
    }
    for note in notes {
        err!("warning: {note}");
        if !note.ends_with('\n') {
            errln!();
        }
    }
}

/// Explain why a decision could not be made; the outcome is exit 2 (or the
/// error itself when it is not about the inputs).
pub fn failure(error: PipelineError, env: &Env, global: &GlobalOptions) -> anyhow::Result<Outcome> {
    match error {
        PipelineError::Invalid { ref findings, .. } | PipelineError::Unevaluable { ref findings } => {
            self::findings(findings, env, global);
            errln!("error: {error}");
        }
        PipelineError::Unusable { message, help, notes: earlier } => {
            notes(&earlier, global);
            errln!("error: {message}");
            if let Some(help) = help {
                errln!("  = help: {help}");
            }
        }
        PipelineError::Io(error) => return Err(error.into()),
    }
    Ok(Outcome::Unusable)
}
