//! Streaming the ledger for `due`, `trend` and `report`: one line at a
//! time, never the whole file, so memory stays bounded by the longest entry.
//! A torn last line (no newline) is left out; `audit verify` is where it is
//! reported.

use std::io::BufRead;
use std::ops::ControlFlow;
use std::path::Path;

fn with_path(path: &Path) -> impl Fn(std::io::Error) -> std::io::Error + '_ {
    move |e| std::io::Error::new(e.kind(), format!("{}: {e}", path.display()))
}

/// Call `each` with every complete line of the ledger at `path` (without its
/// newline); a ledger that does not exist yet has no lines.
pub(crate) fn each_line(path: &Path, mut each: impl FnMut(&[u8])) -> std::io::Result<()> {
    each_line_until(path, |line| {
        each(line);
        ControlFlow::Continue(())
    })
}

/// [`each_line`], stopping (without reading further) at the first line
/// `each` breaks on: a reader whose output has gone (a closed pipe) stops.
pub(crate) fn each_line_until(path: &Path, mut each: impl FnMut(&[u8]) -> ControlFlow<()>) -> std::io::Result<()> {
    let file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(error) => return Err(with_path(path)(error)),
    };
    let mut reader = std::io::BufReader::with_capacity(1 << 20, file);
    let mut line = Vec::with_capacity(4096);
    loop {
        line.clear();
        let read = reader.read_until(b'\n', &mut line).map_err(with_path(path))?;
        if read == 0 || line.last() != Some(&b'\n') || each(&line[..line.len() - 1]).is_break() {
            return Ok(());
        }
    }
}

/// The ledger's length in bytes (0 when it does not exist yet).
pub(crate) fn length(path: &Path) -> std::io::Result<u64> {
    match std::fs::metadata(path) {
        Ok(meta) => Ok(meta.len()),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(0),
        Err(error) => Err(with_path(path)(error)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_come_without_newlines_and_a_torn_tail_is_left_out() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("l.jsonl");
        std::fs::write(&path, b"aaa\nbb\ncccc\nd\neeeee\ntorn").unwrap();
        let mut lines = Vec::new();
        each_line(&path, |l| lines.push(String::from_utf8(l.to_vec()).unwrap())).unwrap();
        assert_eq!(lines, ["aaa", "bb", "cccc", "d", "eeeee"]);
        assert_eq!(length(&path).unwrap(), 24);
        assert_eq!(length(&dir.path().join("none")).unwrap(), 0);
        each_line(&dir.path().join("none"), |_| panic!("no lines")).unwrap();
    }

    #[test]
    fn reading_stops_at_the_first_line_broken_on() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("l.jsonl");
        std::fs::write(&path, b"a\nb\nc\nd\n").unwrap();
        let mut seen = Vec::new();
        each_line_until(&path, |l| {
            seen.push(l.to_vec());
            if l == b"b" { ControlFlow::Break(()) } else { ControlFlow::Continue(()) }
        })
        .unwrap();
        assert_eq!(seen, [b"a".to_vec(), b"b".to_vec()]);
    }
}
