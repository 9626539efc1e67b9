//! Ticket exports through the loader: each export is opened once, and the
//! digest recorded for the ledger is of the bytes that were counted.
//!
//! An export up to [`IN_MEMORY_BYTES`] is read whole, hashed and counted
//! from memory: the digest is of exactly the bytes measured. A larger one is
//! counted on all cores straight from the one open handle while another
//! thread hashes the same handle; the file's size and modification time are
//! compared before and after, and a file that changed meanwhile is refused
//! rather than recorded with a digest that may not match what was counted.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use super::Loader;
use crate::audit::hash::{FileDigest, hash_read, sha256_hex};
use crate::audit::ledger::FileRecord;
use crate::sla::reader::{At, read_open, read_stream};
use crate::sla::{ReadError, ReadOptions, Rule, TicketData};

/// Exports up to this size are read into memory whole.
pub const IN_MEMORY_BYTES: u64 = 64 << 20;

/// Why a ticket export could not be used.
#[derive(Debug, thiserror::Error)]
pub enum TicketError {
    /// There is no file at the path.
    #[error("no such file (expected a ticket export in CSV or JSON Lines)")]
    Missing,
    /// A folder, link, FIFO or device (never read).
    #[error("it {0} (expected a ticket export in CSV or JSON Lines)")]
    NotAFile(String),
    /// The file was written to while it was read.
    #[error("the file changed while it was being read; run again once it is complete")]
    Changed,
    /// The operating system refused.
    #[error("cannot read it: {0}")]
    Io(#[from] std::io::Error),
    /// A `.gz` file that is not valid gzip.
    #[error("it is named .gz but is not a valid gzip file ({0})")]
    NotGzip(String),
    /// The contents are not a usable export.
    #[error(transparent)]
    Read(#[from] ReadError),
}

impl TicketError {
    /// What to do about it, when there is more to say.
    pub fn help(&self) -> Option<String> {
        match self {
            TicketError::Read(read) => read.help(),
            _ => None,
        }
    }
}

impl Loader {
    /// Count an export's rows into tallies for `rules`, recording its digest;
    /// `options.progress` hears of the bytes read.
    pub fn tickets(&mut self, path: &Path, rules: &[Rule], options: &ReadOptions) -> Result<TicketData, TicketError> {
        let options = &ReadOptions { format: crate::sla::reader::ExportFormat::of_path(path), ..options.clone() };
        let file: File = crate::regular_file::open(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => TicketError::Missing,
            std::io::ErrorKind::InvalidInput => TicketError::NotAFile(e.to_string()),
            _ => TicketError::Io(e),
        })?;
        let before = file.metadata()?;
        let gzip = is_gzip(path);
        let shown = self.workspace.display_path(path);
        options.progress.start(&format!("reading {shown}"), before.len());
        let counted = (|| -> Result<(TicketData, Option<FileDigest>), TicketError> {
            if !self.digests {
                return Ok((count(Bytes::File(&file), gzip, rules, options)?, None));
            }
            if before.len() <= IN_MEMORY_BYTES {
                let mut bytes = Vec::with_capacity(before.len() as usize);
                (&file).read_to_end(&mut bytes)?;
                let digest = FileDigest { bytes: bytes.len() as u64, sha256: sha256_hex(&bytes) };
                return Ok((count(Bytes::Memory(&bytes), gzip, rules, options)?, Some(digest)));
            }
            // Counted straight from the handle (a gzip stream decompressed as
            // it is read, in one pass) while another thread hashes the file's own bytes.
            let (data, digest) = std::thread::scope(|scope| {
                let hashing = scope.spawn(|| hash_read(At::new(&file, 0)));
                let data = count(Bytes::File(&file), gzip, rules, options);
                (data, hashing.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
            });
            let (data, digest) = (data?, digest?);
            unchanged(&file, &before, &digest)?;
            Ok((data, Some(digest)))
        })();
        options.progress.finish();
        let (data, digest) = counted?;
        if let Some(digest) = digest {
            self.record(FileRecord { path: shown, bytes: digest.bytes, sha256: digest.sha256 });
        }
        Ok(data)
    }
}

/// Where an export's bytes are read from.
#[derive(Clone, Copy)]
enum Bytes<'a> {
    /// The open file (read on several cores when it is a large CSV).
    File(&'a File),
    /// All of it, read into memory (and hashed) first.
    Memory(&'a [u8]),
}

/// Count an export, decompressing it when `gzip`; the bytes read from the
/// source (compressed, when it is) are told to `options.progress`.
fn count(bytes: Bytes<'_>, gzip: bool, rules: &[Rule], options: &ReadOptions) -> Result<TicketData, TicketError> {
    let observer = &options.progress;
    Ok(match (bytes, gzip) {
        (Bytes::File(file), false) => read_open(file, rules, options)?,
        (Bytes::File(file), true) => read_gzip(|| observer.count(At::new(file, 0)), rules, options)?,
        (Bytes::Memory(bytes), false) => read_stream(|| observer.count(bytes), rules, options)?,
        (Bytes::Memory(bytes), true) => read_gzip(|| observer.count(bytes), rules, options)?,
    })
}

/// Whether an export is gzip-compressed: its name ends in `.gz`.
fn is_gzip(path: &Path) -> bool {
    path.extension().is_some_and(|e| e.eq_ignore_ascii_case("gz"))
}

/// Count a gzip-compressed export as it is decompressed; data that is not
/// gzip is an error naming the file's form, not rows of noise.
fn read_gzip<R: Read>(
    open: impl FnOnce() -> R,
    rules: &[Rule],
    options: &ReadOptions,
) -> Result<TicketData, TicketError> {
    read_stream(|| flate2::read::MultiGzDecoder::new(open()), rules, options).map_err(|e| match e {
        ReadError::Io(io)
            if io.kind() == std::io::ErrorKind::InvalidInput || io.kind() == std::io::ErrorKind::InvalidData =>
        {
            TicketError::NotGzip(io.to_string())
        }
        other => TicketError::Read(other),
    })
}

/// Refuse a file whose size or modification time moved while it was read.
fn unchanged(file: &File, before: &std::fs::Metadata, digest: &FileDigest) -> Result<(), TicketError> {
    let after = file.metadata()?;
    let same =
        after.len() == before.len() && digest.bytes == before.len() && after.modified().ok() == before.modified().ok();
    if same { Ok(()) } else { Err(TicketError::Changed) }
}
