//! Writing to stdout and stderr without ever panicking.
//!
//! - stdout: an error is returned (a full disk: exit 2 with a message),
//!   except a closed pipe (`vendorscore check --format json | head`): then
//!   the rest of the output is dropped and the command ends with the exit
//!   status it decided, as ripgrep does.
//! - stderr: a message that cannot be written is dropped.

use std::fmt;
use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};

static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);

/// Write to stdout; a closed pipe is not an error.
pub fn stdout(args: fmt::Arguments<'_>) -> io::Result<()> {
    if STDOUT_CLOSED.load(Ordering::Relaxed) {
        return Ok(());
    }
    closed_pipe_is_fine(io::stdout().lock().write_fmt(args))
        .map_err(|e| io::Error::new(e.kind(), format!("cannot write the results to stdout: {e}")))
}

/// Flush stdout at the end of a run.
pub fn flush() -> io::Result<()> {
    if STDOUT_CLOSED.load(Ordering::Relaxed) {
        return Ok(());
    }
    closed_pipe_is_fine(io::stdout().lock().flush())
}

/// What a writer to stdout returned, a closed pipe taken as the end of output.
pub fn closed_pipe_is_fine(result: io::Result<()>) -> io::Result<()> {
    match result {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
            STDOUT_CLOSED.store(true, Ordering::Relaxed);
            Ok(())
        }
        other => other,
    }
}

/// Write to stderr, dropping what cannot be written.
pub fn stderr(args: fmt::Arguments<'_>) {
    let _ = io::stderr().lock().write_fmt(args);
}
