//! Streaming the ledger for `due`, `trend` and `report`: one line at a
//! time, never the whole file, so memory stays bounded by the longest entry.
//! A torn last line (no newline) is left out; `audit verify` is where it is
//! reported. [`chunks`] splits a large ledger into byte ranges for threads.

use std::io::{BufRead, Seek, SeekFrom};
use std::path::Path;

fn with_path(path: &Path) -> impl Fn(std::io::Error) -> std::io::Error + '_ {
    move |e| std::io::Error::new(e.kind(), format!("{}: {e}", path.display()))
}

/// Call `each` with every complete line of the ledger at `path` (without its
/// newline); a ledger that does not exist yet has no lines.
pub(crate) fn each_line(path: &Path, each: impl FnMut(&[u8])) -> std::io::Result<()> {
    each_line_in(path, 0, u64::MAX, each)
}

/// The ledger's length in bytes (0 when it does not exist yet).
pub(crate) fn length(path: &Path) -> std::io::Result<u64> {
    match std::fs::metadata(path) {
        Ok(meta) => Ok(meta.len()),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(0),
        Err(error) => Err(with_path(path)(error)),
    }
}

/// `parts` byte ranges covering `len` bytes, for `parts` threads.
pub(crate) fn chunks(len: u64, parts: u64) -> Vec<(u64, u64)> {
    let parts = parts.max(1);
    (0..parts).map(|i| (len * i / parts, if i + 1 == parts { u64::MAX } else { len * (i + 1) / parts })).collect()
}

/// Call `each` with every complete line that starts in `start..end`.
pub(crate) fn each_line_in(path: &Path, start: u64, end: u64, mut each: impl FnMut(&[u8])) -> std::io::Result<()> {
    let mut file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(error) => return Err(with_path(path)(error)),
    };
    let mut position = start;
    let mut line = Vec::with_capacity(4096);
    if start > 0 {
        // The line that straddles `start` belongs to the range before.
        file.seek(SeekFrom::Start(start - 1)).map_err(with_path(path))?;
        let mut reader = std::io::BufReader::new(&mut file);
        position += reader.read_until(b'\n', &mut line).map_err(with_path(path))? as u64;
        position -= 1;
        file.seek(SeekFrom::Start(position)).map_err(with_path(path))?;
    }
    let mut reader = std::io::BufReader::with_capacity(1 << 20, file);
    while position < end {
        line.clear();
        let read = reader.read_until(b'\n', &mut line).map_err(with_path(path))?;
        if read == 0 || line.last() != Some(&b'\n') {
            return Ok(());
        }
        position += read as u64;
        each(&line[..line.len() - 1]);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_split_on_line_starts_and_leave_a_torn_tail_out() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("l.jsonl");
        std::fs::write(&path, b"aaa\nbb\ncccc\nd\neeeee\ntorn").unwrap();
        let len = length(&path).unwrap();
        for parts in 1..=8 {
            let mut lines = Vec::new();
            for (start, end) in chunks(len, parts) {
                each_line_in(&path, start, end, |l| lines.push(String::from_utf8(l.to_vec()).unwrap())).unwrap();
            }
            assert_eq!(lines, ["aaa", "bb", "cccc", "d", "eeeee"], "{parts} parts");
        }
        assert_eq!(length(&dir.path().join("none")).unwrap(), 0);
    }
}
