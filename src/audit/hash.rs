//! SHA-256 digests of files, streamed (never read whole into memory) and
//! spread over all cores when there are many. Only regular files are hashed:
//! each is opened once without following a final symbolic link, the handle
//! is checked to be a regular file (`fstat`), and that handle is what is
//! hashed ([`crate::regular_file`]), so a file swapped for a link or a FIFO
//! mid-run is refused rather than read.

use std::cell::RefCell;
use std::io::Read;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::regular_file;

/// Size of the read buffer: large enough that syscalls are not the cost.
const BUFFER: usize = 1 << 20;

pub use crate::model::FileDigest;

/// Lowercase hex of a digest.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 15)] as char);
    }
    out
}

/// Lowercase hex SHA-256 of bytes in memory.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// Hash one regular file, streaming it through a fixed buffer.
pub fn hash_file(path: &Path) -> std::io::Result<FileDigest> {
    let mut file = regular_file::open(path)?;
    let mut buffer = vec![0u8; BUFFER];
    hash_reader(&mut file, &mut buffer)
}

/// Hash everything a reader gives, streaming it through a fixed buffer.
pub fn hash_read(mut reader: impl Read) -> std::io::Result<FileDigest> {
    let mut buffer = vec![0u8; BUFFER];
    hash_reader(&mut reader, &mut buffer)
}

fn hash_reader(reader: &mut impl Read, buffer: &mut [u8]) -> std::io::Result<FileDigest> {
    let mut hasher = Sha256::new();
    let mut total = 0u64;
    loop {
        let n = match reader.read(buffer) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        hasher.update(&buffer[..n]);
        total += n as u64;
    }
    Ok(FileDigest { bytes: total, sha256: hex(&hasher.finalize()) })
}

/// Hash many regular files on `threads` threads (0: all cores); results in input order.
pub fn hash_files(paths: &[PathBuf], threads: usize) -> Vec<std::io::Result<FileDigest>> {
    thread_local! {
        /// One read buffer per thread, however many files it hashes.
        static BUFFERS: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
    }
    crate::parallel::map(paths, threads, |path| {
        BUFFERS.with_borrow_mut(|buffer| {
            buffer.resize(BUFFER, 0);
            regular_file::open(path).and_then(|mut f| hash_reader(&mut f, buffer))
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_vectors() {
        assert_eq!(sha256_hex(b""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assert_eq!(sha256_hex(b"abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    #[test]
    fn streamed_and_parallel_hashes_match_in_memory_ones() {
        let dir = tempfile::tempdir().unwrap();
        let mut paths = Vec::new();
        let mut expected = Vec::new();
        for i in 0..9usize {
            // Sizes around the buffer boundary and a few small ones.
            let len = [0, 1, 63, 64, BUFFER - 1, BUFFER, BUFFER + 1, 3 * BUFFER + 7, 1000][i];
            let bytes: Vec<u8> = (0..len).map(|j| (j * 31 + i) as u8).collect();
            let path = dir.path().join(format!("f{i}"));
            std::fs::write(&path, &bytes).unwrap();
            expected.push(FileDigest { bytes: len as u64, sha256: sha256_hex(&bytes) });
            paths.push(path);
        }
        paths.push(dir.path().join("missing"));
        for threads in [1, 2, 4] {
            let got = hash_files(&paths, threads);
            for (g, e) in got.iter().zip(&expected) {
                assert_eq!(g.as_ref().unwrap(), e);
            }
            assert!(got.last().unwrap().is_err());
        }
    }

    #[cfg(unix)]
    #[test]
    fn links_and_special_files_are_refused_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("outside.txt"), "secret").unwrap();
        let link = dir.path().join("evidence.txt");
        std::os::unix::fs::symlink(dir.path().join("outside.txt"), &link).unwrap();
        let err = hash_file(&link).unwrap_err();
        assert!(err.to_string().contains("symbolic link"), "{err}");
        let err = hash_file(Path::new("/dev/null")).unwrap_err();
        assert!(err.to_string().contains("is a device, not a regular file"), "{err}");
        for threads in [1, 2] {
            let got = hash_files(&[link.clone(), PathBuf::from("/dev/null"), dir.path().join("outside.txt")], threads);
            assert!(got[0].is_err() && got[1].is_err(), "{got:?}");
            assert_eq!(got[2].as_ref().unwrap().sha256, sha256_hex(b"secret"));
        }
    }
}
