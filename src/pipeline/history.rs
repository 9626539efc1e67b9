//! Streaming the ledger for `due` and `trend`: one line at a time, never the
//! whole file, so memory stays bounded by the longest entry. A torn last
//! line (no newline) is left out; `audit verify` is where it is reported.

use std::io::BufRead;
use std::path::Path;

/// Call `each` with every complete line of the ledger at `path` (without its
/// newline); a ledger that does not exist yet has no lines.
pub(crate) fn each_line(path: &Path, mut each: impl FnMut(&[u8])) -> std::io::Result<()> {
    let file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(error) => return Err(std::io::Error::new(error.kind(), format!("{}: {error}", path.display()))),
    };
    let mut reader = std::io::BufReader::with_capacity(1 << 20, file);
    let mut line = Vec::with_capacity(4096);
    loop {
        line.clear();
        let read = reader
            .read_until(b'\n', &mut line)
            .map_err(|e| std::io::Error::new(e.kind(), format!("{}: {e}", path.display())))?;
        if read == 0 || line.last() != Some(&b'\n') {
            return Ok(());
        }
        each(&line[..line.len() - 1]);
    }
}
