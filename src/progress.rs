//! Progress of long runs (checking thousands of files, rendering many
//! reports), told to an observer the caller passes in. The library only
//! counts the work done; whether and how it is shown is the CLI's business
//! (a bar on a terminal, nothing when piped or quiet).

/// Told as work gets done, possibly from several threads at once.
pub trait Progress: Sync {
    /// A stage of `total` units begins: `what` is a few words ("checking files").
    fn start(&self, what: &str, total: u64);
    /// `units` more units are done.
    fn advance(&self, units: u64);
    /// The stage is over.
    fn finish(&self);
}

/// Nobody is watching.
pub struct Unobserved;

impl Progress for Unobserved {
    fn start(&self, _: &str, _: u64) {}
    fn advance(&self, _: u64) {}
    fn finish(&self) {}
}
