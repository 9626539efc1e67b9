//! Progress of long runs (checking thousands of files, rendering many
//! reports), told to an observer the caller passes in. The library only
//! counts the work done; whether and how it is shown is the CLI's business
//! (a bar on a terminal, nothing when piped or quiet).

use std::sync::atomic::{AtomicU64, Ordering};

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

/// A progress observer to hand around (cloned into settings, shared by the
/// threads reading one file); nobody by default. What it is told past the
/// stage's total (a reader reading ahead, a file read twice) is not passed
/// on: the bar stops at its end.
#[derive(Clone, Default)]
pub struct Observer(Option<std::sync::Arc<Shared>>);

struct Shared {
    progress: Box<dyn Progress + Send>,
    total: AtomicU64,
    told: AtomicU64,
}

impl Observer {
    pub fn new(progress: Box<dyn Progress + Send>) -> Observer {
        Observer(Some(std::sync::Arc::new(Shared { progress, total: AtomicU64::new(0), told: AtomicU64::new(0) })))
    }

    pub fn start(&self, what: &str, total: u64) {
        if let Some(shared) = &self.0 {
            shared.total.store(total, Ordering::Relaxed);
            shared.told.store(0, Ordering::Relaxed);
            shared.progress.start(what, total);
        }
    }

    /// `units` more done, as far as the stage's total.
    pub fn advance(&self, units: u64) {
        if let Some(shared) = &self.0 {
            let before = shared.told.fetch_add(units, Ordering::Relaxed);
            let left = shared.total.load(Ordering::Relaxed).saturating_sub(before);
            if left > 0 {
                shared.progress.advance(units.min(left));
            }
        }
    }

    pub fn finish(&self) {
        if let Some(shared) = &self.0 {
            shared.progress.finish();
        }
    }

    /// `inner`, telling this observer the bytes read from it, a buffer at a
    /// time (never per row).
    pub fn count<R: std::io::Read>(&self, inner: R) -> Counted<'_, R> {
        Counted { inner, observer: self }
    }
}

impl std::fmt::Debug for Observer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() { "Observer" } else { "Unobserved" })
    }
}

/// A reader that tells an [`Observer`] how many bytes it read.
pub struct Counted<'a, R> {
    inner: R,
    observer: &'a Observer,
}

impl<R: std::io::Read> std::io::Read for Counted<'_, R> {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buffer)?;
        self.observer.advance(n as u64);
        Ok(n)
    }
}
