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
use std::path::{Path, PathBuf};

use super::Loader;
use crate::audit::hash::{FileDigest, hash_read, sha256_hex};
use crate::audit::ledger::FileRecord;
use crate::sla::reader::{At, read_open, read_stream};
use crate::sla::{ReadError, ReadOptions, Rule, TicketData};

/// Exports up to this size are read into memory whole.
pub const IN_MEMORY_BYTES: u64 = 64 << 20;

/// Exports smaller than this are read on one thread each (a CSV this
/// large or larger is split among the cores), so several of them are
/// better read side by side ([`Loader::tickets_of`]).
pub const ONE_THREAD_BYTES: u64 = crate::sla::reader::MIN_PART;

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
        let counted = self.count_export(path, rules, options, true);
        self.keep_digest(counted)
    }

    /// [`Loader::tickets`] for several exports, each with its rules, in
    /// order. When there are several and each is smaller than
    /// [`ONE_THREAD_BYTES`] (so none would be read on several cores by
    /// itself), they are counted at once on all cores, as one progress
    /// stage; otherwise one after another.
    pub fn tickets_of(
        &mut self,
        exports: &[(PathBuf, Vec<Rule>)],
        options: &ReadOptions,
    ) -> Vec<Result<TicketData, TicketError>> {
        let sizes: Option<Vec<u64>> = exports
            .iter()
            .map(|(path, _)| std::fs::metadata(path).ok().map(|m| m.len()).filter(|&len| len < ONE_THREAD_BYTES))
            .collect();
        let Some(sizes) = sizes.filter(|_| exports.len() > 1) else {
            return exports.iter().map(|(path, rules)| self.tickets(path, rules, options)).collect();
        };
        options.progress.start(&format!("reading {} ticket exports", exports.len()), sizes.iter().sum());
        let counted = crate::parallel::map(exports, options.threads, |(path, rules)| {
            self.count_export(path, rules, options, false)
        });
        options.progress.finish();
        counted.into_iter().map(|counted| self.keep_digest(counted)).collect()
    }

    /// Record the digest of an export counted, when it was hashed.
    fn keep_digest(
        &mut self,
        counted: Result<(TicketData, Option<FileRecord>), TicketError>,
    ) -> Result<TicketData, TicketError> {
        let (data, record) = counted?;
        if let Some(record) = record {
            self.record(record);
        }
        Ok(data)
    }

    /// Count one export, with its digest for the ledger unless this is a dry
    /// run; `stage`: the export is a progress stage of its own.
    fn count_export(
        &self,
        path: &Path,
        rules: &[Rule],
        options: &ReadOptions,
        stage: bool,
    ) -> Result<(TicketData, Option<FileRecord>), TicketError> {
        let options = &ReadOptions { format: crate::sla::reader::ExportFormat::of_path(path), ..options.clone() };
        let file: File = crate::regular_file::open(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => TicketError::Missing,
            std::io::ErrorKind::InvalidInput => TicketError::NotAFile(e.to_string()),
            _ => TicketError::Io(e),
        })?;
        let before = file.metadata()?;
        let gzip = is_gzip(path);
        let shown = self.workspace.display_path(path);
        if stage {
            options.progress.start(&format!("reading {shown}"), before.len());
        }
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
        if stage {
            options.progress.finish();
        }
        let (data, digest) = counted?;
        Ok((data, digest.map(|digest| FileRecord { path: shown, bytes: digest.bytes, sha256: digest.sha256 })))
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
