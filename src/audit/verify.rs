//! `audit verify`: every line's canonical form, hash, `prev` and `seq`, and
//! the files entries recorded, re-hashed where they still exist. Reads the
//! ledger in parallel byte ranges; never writes it. A recorded path is
//! re-hashed only when it names a regular file inside the workspace, reached
//! without a symbolic link; any other (an absolute path, `..`, a link, a FIFO
//! or device) is listed as [`NotChecked`], never opened, so a crafted ledger
//! cannot make verify print the digest of `/etc/shadow` or read `/dev/zero`.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufRead, BufReader, Seek, SeekFrom};
use std::path::Path;

use serde_json::Value;

use sha2::{Digest, Sha256};

use super::hash::{hash_file, hex, sha256_hex};
use super::jcs::{canonical, canonical_into};
use super::ledger::GENESIS;
use super::sign::{AllowedSigners, check_signature};
use crate::regular_file;

/// The keys every entry has, in canonical order.
const KEYS: [&str; 11] =
    ["action", "actor", "hash", "inputs", "outputs", "prev", "result", "seq", "subjects", "time", "tool"];

/// The keys of a signed entry, in canonical order.
const SIGNED_KEYS: [&str; 12] =
    ["action", "actor", "hash", "inputs", "outputs", "prev", "result", "seq", "signature", "subjects", "time", "tool"];

/// What to check beyond the chain: signatures and a quoted head.
#[derive(Debug, Clone, Default)]
pub struct Checks<'a> {
    /// Check each signature's principal (the entry's `actor`) against these.
    /// Without them a signature is still checked against the key it names.
    pub signers: Option<&'a AllowedSigners>,
    /// An entry without a signature is a problem.
    pub require_signatures: bool,
    /// `--expect-head SEQ:HASH`: the chain must hold this entry.
    pub expect_head: Option<(u64, String)>,
}

/// A line that breaks the chain or is not a valid entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// 1-based line number.
    pub line: usize,
    /// The entry's own seq, when it could be read.
    pub seq: Option<u64>,
    pub message: String,
}

/// A recorded file that is not what its last record says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileChange {
    pub path: String,
    /// The entry that recorded it last.
    pub seq: u64,
    pub line: usize,
    pub recorded: String,
    /// The digest now; `None` when the file is gone.
    pub now: Option<String>,
}

/// A recorded file that was not re-hashed: outside the workspace, or not a regular file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotChecked {
    pub path: String,
    /// The entry that recorded it last.
    pub seq: u64,
    pub line: usize,
    /// Why, in words: `outside the workspace` or what the file is (`is a FIFO (named pipe), not a regular file`).
    pub reason: String,
}

impl std::fmt::Display for NotChecked {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: {}, not checked (last recorded by entry {}, line {})",
            self.path, self.reason, self.seq, self.line
        )
    }
}

/// What `verify` found.
#[derive(Debug, Clone, Default)]
pub struct Verification {
    /// Complete lines read.
    pub entries: usize,
    /// seq and hash of the last valid entry.
    pub head: Option<(u64, String)>,
    pub problems: Vec<Problem>,
    /// The torn last line (1-based line number, bytes), if any.
    pub torn: Option<(usize, usize)>,
    pub changed: Vec<FileChange>,
    /// Recorded files checked against the disk.
    pub files_checked: usize,
    /// Recorded files not re-hashed (they do not make the ledger fail).
    pub not_checked: Vec<NotChecked>,
    /// Entries that carry a signature (each checked; a bad one is a problem).
    pub signed: usize,
    /// Why the expected head is not in the chain, when one was given and is not.
    pub head_mismatch: Option<String>,
}

impl Verification {
    /// Whether everything holds.
    pub fn ok(&self) -> bool {
        self.problems.is_empty() && self.torn.is_none() && self.changed.is_empty() && self.head_mismatch.is_none()
    }
}

/// One line's facts, as a worker saw it.
struct Link {
    line: usize,
    seq: Option<u64>,
    prev: Option<String>,
    hash: Option<String>,
}

#[derive(Default)]
struct Chunk {
    lines: usize,
    first: Option<Link>,
    last: Option<Link>,
    problems: Vec<Problem>,
    torn: Option<usize>,
    /// path → (sha256, seq, line) of its latest record in this chunk.
    files: BTreeMap<String, (String, u64, usize)>,
    /// Whether to collect `files` (not when recorded files are not re-hashed).
    track_files: bool,
    /// Reused for each line's canonical form.
    buffer: Vec<u8>,
    signed: usize,
    /// The hash of the entry `--expect-head` names, if this chunk holds it.
    expected: Option<String>,
}

/// Verify the ledger at `path`; with `root`, re-hash the recorded files under it.
pub fn verify(path: &Path, root: Option<&Path>, threads: usize) -> std::io::Result<Verification> {
    verify_with(path, root, threads, &Checks::default())
}

/// [`verify`], also checking signatures and a quoted head.
pub fn verify_with(path: &Path, root: Option<&Path>, threads: usize, checks: &Checks) -> std::io::Result<Verification> {
    let len = std::fs::metadata(path)?.len();
    let threads = threads.max(1) as u64;
    let bounds: Vec<(u64, u64)> = (0..threads).map(|i| (len * i / threads, len * (i + 1) / threads)).collect();
    let chunks: Vec<std::io::Result<Chunk>> = std::thread::scope(|scope| {
        let track = root.is_some();
        let workers: Vec<_> = bounds
            .iter()
            .map(|&(start, end)| scope.spawn(move || read_chunk(path, start, end, track, checks)))
            .collect();
        workers.into_iter().map(|w| w.join().expect("verification does not panic")).collect()
    });
    let mut verification = Verification::default();
    let mut offset = 0;
    let mut previous: Option<Link> = None;
    let mut files: BTreeMap<String, (String, u64, usize)> = BTreeMap::new();
    let mut expected = None;
    for chunk in chunks {
        let mut chunk = chunk?;
        verification.signed += chunk.signed;
        expected = expected.or(chunk.expected.take());
        let shift = |line: usize| line + offset;
        for problem in &mut chunk.problems {
            problem.line = shift(problem.line);
        }
        if let Some(first) = chunk.first.as_mut() {
            first.line = shift(first.line);
            check_link(previous.as_ref(), first, &mut verification.problems);
        }
        verification.problems.append(&mut chunk.problems);
        if let Some(bytes) = chunk.torn {
            verification.torn = Some((shift(chunk.lines) + 1, bytes));
        }
        for (path, (sha, seq, line)) in chunk.files {
            files.insert(path, (sha, seq, shift(line)));
        }
        if let Some(mut last) = chunk.last {
            last.line = shift(last.line);
            previous = Some(last);
        } else if chunk.first.is_some() {
            previous = chunk.first;
        }
        offset += chunk.lines;
    }
    verification.entries = offset;
    verification.problems.sort_by_key(|p| p.line);
    verification.head = previous.and_then(|l| Some((l.seq?, l.hash?)));
    if let Some((seq, want)) = &checks.expect_head {
        verification.head_mismatch = match expected {
            Some(hash) if hash == *want => None,
            Some(hash) => Some(format!(
                "entry {seq} has hash {hash}, not the expected {want}: the ledger was rewritten since that head was quoted"
            )),
            None => Some(format!(
                "the ledger has no entry {seq} ({} entries): it was cut short, or the head is from another ledger",
                verification.entries
            )),
        };
    }
    if let Some(root) = root {
        for (recorded_path, (sha, seq, line)) in files {
            if recorded_path.starts_with("builtin:") {
                continue;
            }
            let Some(path) = regular_file::beneath(root, &recorded_path) else {
                let reason = "outside the workspace".to_owned();
                verification.not_checked.push(NotChecked { path: recorded_path, seq, line, reason });
                continue;
            };
            let now = match hash_file(&path) {
                Ok(digest) => Some(digest.sha256),
                // A link or a special file: not what was recorded, and not to be read.
                Err(e) if e.kind() == std::io::ErrorKind::InvalidInput => {
                    let reason = format!("outside the workspace ({e})");
                    verification.not_checked.push(NotChecked { path: recorded_path, seq, line, reason });
                    continue;
                }
                Err(_) => None,
            };
            verification.files_checked += 1;
            if now.as_deref() != Some(sha.as_str()) {
                verification.changed.push(FileChange { path: recorded_path, seq, line, recorded: sha, now });
            }
        }
    }
    Ok(verification)
}

/// Check that `link` follows `previous` (or starts the chain).
fn check_link(previous: Option<&Link>, link: &Link, problems: &mut Vec<Problem>) {
    let (Some(seq), Some(prev)) = (link.seq, link.prev.as_deref()) else { return };
    let (want_seq, want_prev) = match previous {
        None => (1, GENESIS),
        Some(p) => match (p.seq, p.hash.as_deref()) {
            (Some(s), Some(h)) => (s + 1, h),
            _ => return,
        },
    };
    if seq != want_seq {
        problems.push(Problem {
            line: link.line,
            seq: Some(seq),
            message: format!("seq {seq} where {want_seq} was expected: an entry is missing, repeated or out of order"),
        });
    }
    if prev != want_prev {
        let after = previous.map_or("the start of the ledger".to_owned(), |p| format!("line {}", p.line));
        problems.push(Problem {
            line: link.line,
            seq: Some(seq),
            message: format!("prev does not match the hash of the entry before it ({after}): the chain is broken"),
        });
    }
}

fn read_chunk(path: &Path, start: u64, end: u64, track_files: bool, checks: &Checks) -> std::io::Result<Chunk> {
    let mut file = File::open(path)?;
    let mut chunk = Chunk { track_files, ..Chunk::default() };
    let mut position = start;
    // A chunk owns the lines that start inside it; skip the one we landed in.
    if start > 0 {
        file.seek(SeekFrom::Start(start - 1))?;
        let mut reader = BufReader::new(&mut file);
        let mut skipped = Vec::new();
        position += reader.read_until(b'\n', &mut skipped)? as u64 - 1;
    }
    file.seek(SeekFrom::Start(position))?;
    let mut reader = BufReader::with_capacity(1 << 20, file);
    let mut buffer = Vec::with_capacity(4096);
    let mut previous: Option<Link> = None;
    while position < end {
        buffer.clear();
        let n = reader.read_until(b'\n', &mut buffer)?;
        if n == 0 {
            break;
        }
        position += n as u64;
        if buffer.last() != Some(&b'\n') {
            chunk.torn = Some(buffer.len());
            break;
        }
        chunk.lines += 1;
        let link = check_line(&buffer[..buffer.len() - 1], chunk.lines, &mut chunk, checks);
        if let Some(p) = &previous {
            check_link(Some(p), &link, &mut chunk.problems);
        }
        if chunk.first.is_none() {
            chunk.first =
                Some(Link { line: link.line, seq: link.seq, prev: link.prev.clone(), hash: link.hash.clone() });
        }
        previous = Some(link);
    }
    if chunk.lines > 1 {
        chunk.last = previous;
    }
    Ok(chunk)
}

/// The hash of a canonical entry line: SHA-256 of the line without its
/// `,"hash":"<64 hex>"` member. In canonical form that member follows
/// `actor`, and no string can contain its unescaped quotes, so its first
/// occurrence is the top-level one.
fn hash_without_member(line: &[u8]) -> Option<String> {
    const MEMBER: &[u8] = b",\"hash\":\"";
    let start = line.windows(MEMBER.len()).position(|w| w == MEMBER)?;
    let end = start + MEMBER.len() + 64 + 1;
    let mut hasher = Sha256::new();
    hasher.update(&line[..start]);
    hasher.update(line.get(end..)?);
    Some(hex(&hasher.finalize()))
}

fn check_line(line: &[u8], number: usize, chunk: &mut Chunk, checks: &Checks) -> Link {
    let mut link = Link { line: number, seq: None, prev: None, hash: None };
    let mut problem = |seq: Option<u64>, message: String| chunk.problems.push(Problem { line: number, seq, message });
    let value: Value = match serde_json::from_slice(line) {
        Ok(value) => value,
        Err(e) => {
            problem(None, format!("not JSON: {e}"));
            return link;
        }
    };
    let Some(object) = value.as_object() else {
        problem(None, "not a JSON object".to_owned());
        return link;
    };
    link.seq = object.get("seq").and_then(Value::as_u64);
    link.prev = object.get("prev").and_then(Value::as_str).map(str::to_owned);
    link.hash = object.get("hash").and_then(Value::as_str).map(str::to_owned);
    let keys: Vec<&str> = object.keys().map(String::as_str).collect();
    let signature = object.get("signature");
    if keys != KEYS && keys != SIGNED_KEYS {
        let missing: Vec<&str> = KEYS.iter().copied().filter(|k| !keys.contains(k)).collect();
        let extra: Vec<&str> = keys.iter().copied().filter(|k| !KEYS.contains(k)).collect();
        problem(link.seq, format!("wrong keys: missing {missing:?}, unexpected {extra:?}"));
        return link;
    }
    let is_canonical = match canonical_into(&value, &mut chunk.buffer) {
        Ok(()) if chunk.buffer == line => true,
        Ok(()) => {
            problem(link.seq, "not in canonical form (RFC 8785): the line was edited or rewritten".to_owned());
            false
        }
        Err(e) => {
            problem(link.seq, format!("not canonical: {e}"));
            false
        }
    };
    let computed = if is_canonical && signature.is_none() {
        hash_without_member(line)
    } else {
        // Re-serialize without the hash to say whether the content still matches it.
        let mut unhashed = value.clone();
        let members = unhashed.as_object_mut().expect("checked above");
        members.remove("hash");
        members.remove("signature");
        canonical(&unhashed).map(|bytes| sha256_hex(&bytes)).ok()
    };
    if link.hash.is_none() || link.hash != computed {
        problem(link.seq, "hash does not match the entry's content: the entry was altered".to_owned());
    }
    if let (Some(hash), Some((seq, _))) = (&link.hash, &checks.expect_head)
        && link.seq == Some(*seq)
    {
        chunk.expected = Some(hash.clone());
    }
    match (signature, &link.hash) {
        (Some(Value::String(armored)), Some(hash)) => {
            chunk.signed += 1;
            let checked = match checks.signers {
                Some(signers) => {
                    let text = |key: &str| object[key].as_str().unwrap_or("");
                    signers.check(armored, hash, text("actor"), text("time"))
                }
                None => check_signature(armored, hash).map(|_| ()),
            };
            if let Err(why) = checked {
                problem(link.seq, why);
            }
        }
        (Some(Value::String(_)), None) => chunk.signed += 1,
        (Some(_), _) => problem(link.seq, "signature is not a string".to_owned()),
        (None, _) if checks.require_signatures => {
            problem(link.seq, "the entry is not signed (--require-signatures)".to_owned())
        }
        (None, _) => {}
    }
    if let (Some(seq), true) = (link.seq, chunk.track_files) {
        for key in ["inputs", "outputs"] {
            for file in object[key].as_array().into_iter().flatten() {
                if let (Some(path), Some(sha)) =
                    (file.get("path").and_then(Value::as_str), file.get("sha256").and_then(Value::as_str))
                {
                    chunk.files.insert(path.to_owned(), (sha.to_owned(), seq, number));
                }
            }
        }
    }
    link
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::ledger::{LEDGER_PATH, Record, append, timestamp};
    use std::io::Write;
    use std::path::PathBuf;

    fn ledger(entries: usize) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("input.toml"), "x = 1\n").unwrap();
        let path = dir.path().join(LEDGER_PATH);
        for i in 0..entries {
            let record = Record {
                time: timestamp(1_795_255_200 + i as i64),
                actor: "a@example.com".into(),
                action: "score".into(),
                tool: "vendorscore 0.1.0".into(),
                subjects: vec![format!("v{i}")],
                inputs: vec![super::super::ledger::FileRecord {
                    path: "input.toml".into(),
                    bytes: 6,
                    sha256: sha256_hex(b"x = 1\n"),
                }],
                outputs: vec![],
                result: serde_json::json!({ "score": format!("{i}.50"), "name": "Łódź \"quoted\"" }),
            };
            append(&path, &record).unwrap();
        }
        (dir, path)
    }

    fn lines(path: &Path) -> Vec<String> {
        std::fs::read_to_string(path).unwrap().lines().map(str::to_owned).collect()
    }

    fn write_lines(path: &Path, lines: &[String]) {
        std::fs::write(path, lines.iter().map(|l| format!("{l}\n")).collect::<String>()).unwrap();
    }

    #[test]
    fn the_fast_hash_of_a_canonical_line_equals_the_entry_hash() {
        let (_dir, path) = ledger(3);
        for line in lines(&path) {
            let value: Value = serde_json::from_str(&line).unwrap();
            assert_eq!(hash_without_member(line.as_bytes()).as_deref(), value["hash"].as_str());
        }
        assert_eq!(hash_without_member(b"{\"action\":\"x\"}"), None);
    }

    #[test]
    fn a_clean_ledger_verifies_with_any_number_of_threads() {
        let (dir, path) = ledger(25);
        for threads in [1, 2, 3, 8] {
            let v = verify(&path, Some(dir.path()), threads).unwrap();
            assert!(v.ok(), "{threads}: {v:?}");
            assert_eq!((v.entries, v.head.as_ref().map(|h| h.0), v.files_checked), (25, Some(25), 1));
        }
    }

    #[test]
    fn a_flipped_byte_is_caught_at_its_line() {
        let (_dir, path) = ledger(5);
        let mut all = lines(&path);
        all[2] = all[2].replace("\"2.50\"", "\"9.50\"");
        write_lines(&path, &all);
        let v = verify(&path, None, 2).unwrap();
        // The next entry still names the recorded hash, so only the altered line is reported.
        assert_eq!(v.problems.len(), 1, "{:?}", v.problems);
        assert_eq!((v.problems[0].line, v.problems[0].seq), (3, Some(3)));
        assert!(v.problems[0].message.contains("hash does not match"));
    }

    #[test]
    fn deleted_and_swapped_lines_break_seq_and_prev() {
        let (_dir, path) = ledger(6);
        let mut all = lines(&path);
        all.remove(3);
        write_lines(&path, &all);
        let v = verify(&path, None, 2).unwrap();
        assert!(
            v.problems.iter().any(|p| p.line == 4 && p.seq == Some(5) && p.message.contains("seq 5 where 4")),
            "{v:?}"
        );

        let (_dir, path) = ledger(6);
        let mut all = lines(&path);
        all.swap(1, 2);
        write_lines(&path, &all);
        let v = verify(&path, None, 1).unwrap();
        assert!(v.problems.iter().any(|p| p.line == 2 && p.message.contains("seq 3 where 2")), "{v:?}");
        assert!(!v.ok());
    }

    #[test]
    fn edited_inputs_and_torn_tails_are_reported() {
        let (dir, path) = ledger(3);
        std::fs::write(dir.path().join("input.toml"), "x = 2\n").unwrap();
        let mut file = std::fs::OpenOptions::new().append(true).open(&path).unwrap();
        file.write_all(b"{\"action\":").unwrap();
        let v = verify(&path, Some(dir.path()), 2).unwrap();
        assert_eq!(v.torn, Some((4, 10)));
        assert_eq!(v.changed.len(), 1);
        assert_eq!((v.changed[0].path.as_str(), v.changed[0].seq, v.changed[0].line), ("input.toml", 3, 3));
        assert!(v.problems.is_empty());
        assert_eq!(v.head.unwrap().0, 3);
        std::fs::remove_file(dir.path().join("input.toml")).unwrap();
        let v = verify(&path, Some(dir.path()), 1).unwrap();
        assert_eq!(v.changed[0].now, None);
    }

    #[test]
    fn non_canonical_rewrites_are_caught_even_with_a_valid_hash() {
        let (_dir, path) = ledger(2);
        let mut all = lines(&path);
        let value: Value = serde_json::from_str(&all[1]).unwrap();
        all[1] = serde_json::to_string_pretty(&value).unwrap().replace('\n', "");
        write_lines(&path, &all);
        let v = verify(&path, None, 1).unwrap();
        assert_eq!(v.problems.len(), 1);
        assert!(v.problems[0].message.contains("canonical"), "{:?}", v.problems);
    }

    #[cfg(unix)]
    #[test]
    fn recorded_paths_outside_the_workspace_are_listed_not_hashed() {
        let dir = tempfile::tempdir().unwrap();
        let ws = dir.path().join("ws");
        std::fs::create_dir_all(ws.join("audit")).unwrap();
        std::fs::write(dir.path().join("outside.txt"), "secret").unwrap();
        std::os::unix::fs::symlink(dir.path().join("outside.txt"), ws.join("link.txt")).unwrap();
        std::os::unix::fs::symlink(dir.path(), ws.join("up")).unwrap();
        assert!(std::process::Command::new("mkfifo").arg(ws.join("fifo")).status().unwrap().success());
        std::fs::write(ws.join("input.toml"), "x = 1\n").unwrap();
        let path = ws.join(LEDGER_PATH);
        let named = ["/etc/passwd", "/dev/zero", "../outside.txt", "up/outside.txt", "link.txt", "fifo", "input.toml"];
        let record = Record {
            time: timestamp(1_795_255_200),
            actor: "a@example.com".into(),
            action: "score".into(),
            tool: "vendorscore 0.1.0".into(),
            subjects: vec![],
            inputs: named
                .iter()
                .map(|p| super::super::ledger::FileRecord {
                    path: (*p).into(),
                    bytes: 6,
                    sha256: sha256_hex(b"x = 1\n"),
                })
                .collect(),
            outputs: vec![],
            result: serde_json::json!({}),
        };
        append(&path, &record).unwrap();
        let v = verify(&path, Some(&ws), 1).unwrap();
        assert!(v.ok(), "{v:?}");
        assert_eq!(v.files_checked, 1, "only input.toml");
        let mut listed: Vec<&str> = v.not_checked.iter().map(|n| n.path.as_str()).collect();
        listed.sort();
        assert_eq!(listed, ["../outside.txt", "/dev/zero", "/etc/passwd", "fifo", "link.txt", "up/outside.txt"]);
        let fifo = v.not_checked.iter().find(|n| n.path == "fifo").unwrap();
        assert_eq!(
            fifo.to_string(),
            "fifo: outside the workspace (is a FIFO (named pipe), not a regular file), not checked \
             (last recorded by entry 1, line 1)"
        );
        assert!(v.not_checked.iter().all(|n| n.reason.starts_with("outside the workspace")));
    }
}
