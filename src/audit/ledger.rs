//! The append-only, hash-chained ledger (`audit/ledger.jsonl`, SPEC section 6).
//!
//! Appending takes an exclusive lock on the ledger, reads its tail, writes
//! one canonical line and syncs the file before the lock is released, so
//! concurrent runs never interleave or fork the chain. A torn last line (a
//! crash mid-write) stops every writer until it is moved aside with
//! [`recover`]; complete entries are never rewritten.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use super::hash::sha256_hex;
use super::jcs::{CanonicalError, canonical};
use super::sign::{KeyError, Signer};

/// Where the ledger lives in a workspace.
pub const LEDGER_PATH: &str = "audit/ledger.jsonl";

/// `prev` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// A file a run read or wrote.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct FileRecord {
    /// Workspace-relative path, or `builtin:ID`.
    pub path: String,
    pub bytes: u64,
    pub sha256: String,
}

impl FileRecord {
    fn to_json(&self) -> Value {
        json!({ "bytes": self.bytes, "path": self.path, "sha256": self.sha256 })
    }
}

/// An entry before it is chained: what a run did.
#[derive(Debug, Clone)]
pub struct Record {
    /// UTC, whole seconds: `2026-11-21T10:00:00Z`.
    pub time: String,
    pub actor: String,
    /// `score`, `check`, `sla` or `report`.
    pub action: String,
    /// e.g. `vendorscore 0.1.0`.
    pub tool: String,
    /// The vendor ids the decision is about.
    pub subjects: Vec<String>,
    pub inputs: Vec<FileRecord>,
    pub outputs: Vec<FileRecord>,
    /// A float-free summary of the decision (decimals as strings).
    pub result: Value,
}

/// Where an appended entry landed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Appended {
    pub seq: u64,
    pub hash: String,
}

/// Why the ledger could not be appended to or read.
#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    /// Reading, writing or locking failed (nothing was appended).
    #[error("{path}: {cause}")]
    Io { path: PathBuf, cause: std::io::Error },
    /// The ledger is a folder, a link, a device or a FIFO.
    #[error("{path}: the ledger is not a regular file ({what}); move it aside and run again")]
    NotAFile { path: PathBuf, what: String },
    /// The entry was written but the file could not be synced: it may not be on disk.
    #[error(
        "{path}: entry {seq} was written but could not be synced to disk ({cause}); \
         run `vendorscore audit verify` before relying on it"
    )]
    NotSynced { path: PathBuf, seq: u64, cause: std::io::Error },
    /// The last line has no newline: a writer was interrupted.
    #[error(
        "{path}: line {line} is incomplete ({bytes} bytes without a newline): a run was interrupted while writing it.\n\
         Nothing is appended after a torn line. Run `vendorscore audit verify` to check the rest, then \
         `vendorscore audit recover` to move the torn bytes to a side file (they are kept) and go on."
    )]
    Torn { path: PathBuf, line: usize, bytes: usize },
    /// The last complete line is not an entry.
    #[error("{path}: the last entry (line {line}) cannot be read: {reason}; run `vendorscore audit verify`")]
    Corrupt { path: PathBuf, line: usize, reason: String },
    /// The record holds a floating-point number.
    #[error("the ledger entry is not canonical JSON: {0}")]
    Canonical(#[from] CanonicalError),
    /// The signing key failed (nothing was appended).
    #[error("the signing key {0}")]
    Sign(#[from] KeyError),
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> LedgerError + '_ {
    move |cause| LedgerError::Io { path: path.to_path_buf(), cause }
}

/// The entry as a JSON object, without its hash.
fn unhashed(record: &Record, seq: u64, prev: &str) -> Value {
    let files = |list: &[FileRecord]| {
        let mut list = list.to_vec();
        list.sort();
        list.dedup();
        Value::Array(list.iter().map(FileRecord::to_json).collect())
    };
    json!({
        "action": record.action,
        "actor": record.actor,
        "inputs": files(&record.inputs),
        "outputs": files(&record.outputs),
        "prev": prev,
        "result": record.result,
        "seq": seq,
        "subjects": record.subjects,
        "time": record.time,
        "tool": record.tool,
    })
}

/// The canonical line (without newline) and hash of an entry; with a
/// signer, its `signature` of the hash (the hash is computed without it).
pub fn seal(record: &Record, seq: u64, prev: &str, signer: Option<&Signer>) -> Result<(Vec<u8>, String), LedgerError> {
    let mut entry = unhashed(record, seq, prev);
    let hash = sha256_hex(&canonical(&entry)?);
    entry["hash"] = Value::String(hash.clone());
    if let Some(signer) = signer {
        entry["signature"] = Value::String(signer.sign(&hash)?);
    }
    Ok((canonical(&entry)?, hash))
}

/// Append one unsigned entry to the ledger at `path`, creating it (and its folder) on first use.
pub fn append(path: &Path, record: &Record) -> Result<Appended, LedgerError> {
    Session::open(path)?.append(record, None)
}

/// The ledger held under an exclusive lock: the next entry's seq is known
/// before the run writes its outputs (a report prints it in its footer),
/// and no other writer can take it. Dropping the session releases the lock.
pub struct Session {
    file: File,
    path: PathBuf,
    seq: u64,
    prev: String,
}

impl Session {
    /// Lock the ledger at `path` (created with its folder on first use) and read its tail.
    pub fn open(path: &Path) -> Result<Session, LedgerError> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(io(path))?;
        }
        if let Ok(meta) = std::fs::symlink_metadata(path)
            && !meta.is_file()
        {
            let what = if meta.file_type().is_symlink() {
                "a symbolic link"
            } else if meta.is_dir() {
                "a folder"
            } else {
                "a special file"
            };
            return Err(LedgerError::NotAFile { path: path.to_path_buf(), what: what.to_owned() });
        }
        let mut file = OpenOptions::new().read(true).append(true).create(true).open(path).map_err(io(path))?;
        if !file.metadata().map_err(io(path))?.is_file() {
            return Err(LedgerError::NotAFile { path: path.to_path_buf(), what: "not a regular file".to_owned() });
        }
        file.lock().map_err(io(path))?;
        let (seq, prev) = match last_entry(&mut file, path)? {
            Some((seq, hash)) => (seq + 1, hash),
            None => (1, GENESIS.to_owned()),
        };
        Ok(Session { file, path: path.to_path_buf(), seq, prev })
    }

    /// The seq the next entry will have.
    pub fn next_seq(&self) -> u64 {
        self.seq
    }

    /// Append the entry (signed when a signer is given), sync the file, and release the lock.
    pub fn append(mut self, record: &Record, signer: Option<&Signer>) -> Result<Appended, LedgerError> {
        let (mut line, hash) = seal(record, self.seq, &self.prev, signer)?;
        line.push(b'\n');
        self.file.write_all(&line).map_err(io(&self.path))?;
        self.file.sync_data().map_err(|cause| LedgerError::NotSynced {
            path: self.path.clone(),
            seq: self.seq,
            cause,
        })?;
        Ok(Appended { seq: self.seq, hash })
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = self.file.unlock();
    }
}

/// The seq and hash of the last complete entry, refusing a torn tail.
pub fn last_entry(file: &mut File, path: &Path) -> Result<Option<(u64, String)>, LedgerError> {
    let Some((line_no, line)) = last_line(file, path)? else { return Ok(None) };
    let corrupt =
        |reason: &str| LedgerError::Corrupt { path: path.to_path_buf(), line: line_no, reason: reason.to_owned() };
    let value: Value = serde_json::from_slice(&line).map_err(|e| corrupt(&e.to_string()))?;
    let seq = value.get("seq").and_then(Value::as_u64).ok_or_else(|| corrupt("no seq"))?;
    let hash = value.get("hash").and_then(Value::as_str).ok_or_else(|| corrupt("no hash"))?;
    Ok(Some((seq, hash.to_owned())))
}

/// The last complete line and its 1-based number; `Torn` when the file does not end with a newline.
fn last_line(file: &mut File, path: &Path) -> Result<Option<(usize, Vec<u8>)>, LedgerError> {
    let len = file.seek(SeekFrom::End(0)).map_err(io(path))?;
    if len == 0 {
        return Ok(None);
    }
    let mut window = 64 * 1024u64;
    loop {
        let start = len.saturating_sub(window);
        file.seek(SeekFrom::Start(start)).map_err(io(path))?;
        let mut tail = Vec::with_capacity((len - start) as usize);
        Read::take(&mut *file, len - start).read_to_end(&mut tail).map_err(io(path))?;
        if tail.last() != Some(&b'\n') {
            let torn = tail.len() - tail.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
            if start > 0 && torn == tail.len() {
                window *= 2;
                continue;
            }
            let line = count_lines(file, path)? + 1;
            return Err(LedgerError::Torn { path: path.to_path_buf(), line, bytes: torn });
        }
        let body = &tail[..tail.len() - 1];
        match body.iter().rposition(|&b| b == b'\n') {
            Some(i) => return Ok(Some((count_lines(file, path)?, body[i + 1..].to_vec()))),
            None if start == 0 => return Ok(Some((1, body.to_vec()))),
            None => window *= 2,
        }
    }
}

fn count_lines(file: &mut File, path: &Path) -> Result<usize, LedgerError> {
    file.seek(SeekFrom::Start(0)).map_err(io(path))?;
    let mut buffer = vec![0u8; 1 << 20];
    let mut lines = 0;
    loop {
        let n = file.read(&mut buffer).map_err(io(path))?;
        if n == 0 {
            return Ok(lines);
        }
        lines += buffer[..n].iter().filter(|&&b| b == b'\n').count();
    }
}

/// What [`recover`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recovery {
    /// The ledger ends with a complete line; nothing to do.
    Clean,
    /// The torn bytes were copied to `kept` and removed from the ledger.
    MovedAside { kept: PathBuf, bytes: usize },
}

/// Move a torn last line aside: copy its bytes to a side file next to the
/// ledger (synced), then cut them off the ledger. Complete entries stay
/// exactly as they are.
pub fn recover(path: &Path) -> Result<Recovery, LedgerError> {
    let mut file = OpenOptions::new().read(true).write(true).open(path).map_err(io(path))?;
    file.lock().map_err(io(path))?;
    let len = file.seek(SeekFrom::End(0)).map_err(io(path))?;
    let mut contents = Vec::new();
    file.seek(SeekFrom::Start(0)).map_err(io(path))?;
    file.read_to_end(&mut contents).map_err(io(path))?;
    if contents.is_empty() || contents.last() == Some(&b'\n') {
        return Ok(Recovery::Clean);
    }
    let keep = contents.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    let torn = &contents[keep..];
    let mut n = 1;
    let kept = loop {
        let candidate = path.with_extension(format!("jsonl.torn-{n}"));
        if !candidate.exists() {
            break candidate;
        }
        n += 1;
    };
    let mut side = OpenOptions::new().write(true).create_new(true).open(&kept).map_err(io(&kept))?;
    side.write_all(torn).map_err(io(&kept))?;
    side.sync_all().map_err(io(&kept))?;
    file.set_len(keep as u64).map_err(io(path))?;
    file.sync_all().map_err(io(path))?;
    debug_assert!(keep as u64 <= len);
    Ok(Recovery::MovedAside { kept, bytes: torn.len() })
}

/// Format a Unix time as the ledger's UTC timestamp.
pub fn timestamp(unix_seconds: i64) -> String {
    match crate::model::utc_datetime(unix_seconds).ok_or(()) {
        Ok(t) => t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
        Err(_) => "1970-01-01T00:00:00Z".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn record(action: &str) -> Record {
        Record {
            time: timestamp(1_795_255_200),
            actor: "a.kowalska@example.com".into(),
            action: action.into(),
            tool: "vendorscore 0.1.0".into(),
            subjects: vec!["northwind-cx".into()],
            inputs: vec![FileRecord { path: "rubrics/r.toml".into(), bytes: 3, sha256: sha256_hex(b"abc") }],
            outputs: vec![],
            result: json!({"score": "78.42"}),
        }
    }

    #[test]
    fn the_documented_example_hashes_as_documented() {
        // docs/ledger.md, "A worked example".
        let example = Record {
            result: json!({"vendors": [{"id": "northwind-cx", "rank": 1, "score": "78.42", "status": "qualified"}]}),
            ..record("score")
        };
        let (line, hash) = seal(&example, 1, GENESIS, None).unwrap();
        assert_eq!(hash, "a9fce535de0ad938e223245d99e5b3a277060938f08e48228e88a05be0b99360");
        let text = String::from_utf8(line).unwrap();
        assert!(text.starts_with(r#"{"action":"score","actor":"a.kowalska@example.com","hash":"a9fce535"#), "{text}");
    }

    #[test]
    fn entries_chain_from_genesis() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(LEDGER_PATH);
        let first = append(&path, &record("score")).unwrap();
        let second = append(&path, &record("check")).unwrap();
        assert_eq!((first.seq, second.seq), (1, 2));
        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(lines[0]["prev"], GENESIS);
        assert_eq!(lines[1]["prev"], first.hash.as_str());
        assert_eq!(lines[1]["hash"], second.hash.as_str());
        assert_eq!(lines[0]["time"], "2026-11-21T10:00:00Z");
    }

    #[test]
    fn the_hash_is_over_the_canonical_entry_without_it() {
        let (line, hash) = seal(&record("score"), 7, GENESIS, None).unwrap();
        let mut value: Value = serde_json::from_slice(&line).unwrap();
        assert_eq!(canonical(&value).unwrap(), line, "the line is canonical");
        value.as_object_mut().unwrap().remove("hash");
        assert_eq!(sha256_hex(&canonical(&value).unwrap()), hash);
    }

    #[test]
    fn a_torn_tail_stops_writers_until_recovered() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(LEDGER_PATH);
        append(&path, &record("score")).unwrap();
        let mut file = OpenOptions::new().append(true).open(&path).unwrap();
        file.write_all(b"{\"action\":\"sco").unwrap();
        let err = append(&path, &record("score")).unwrap_err();
        assert!(matches!(err, LedgerError::Torn { line: 2, bytes: 14, .. }), "{err}");
        assert_eq!(
            recover(&path).unwrap(),
            Recovery::MovedAside { kept: path.with_extension("jsonl.torn-1"), bytes: 14 }
        );
        assert_eq!(std::fs::read(path.with_extension("jsonl.torn-1")).unwrap(), b"{\"action\":\"sco");
        assert_eq!(append(&path, &record("score")).unwrap().seq, 2);
        assert_eq!(recover(&path).unwrap(), Recovery::Clean);
    }

    #[test]
    fn long_last_lines_are_found_across_read_windows() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(LEDGER_PATH);
        let mut big = record("score");
        big.subjects = (0..20_000).map(|i| format!("vendor-{i}")).collect();
        append(&path, &big).unwrap();
        append(&path, &big).unwrap();
        assert_eq!(append(&path, &record("score")).unwrap().seq, 3);
    }
}
