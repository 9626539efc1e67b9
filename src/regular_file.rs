//! Opening files that must be regular files: the final component is never
//! followed if it is a symbolic link, FIFOs and devices are refused before a
//! byte is read (a FIFO would block, `/dev/zero` never ends), and what is
//! checked is the opened handle itself (`fstat`), so a file swapped for a link
//! between the check and the read cannot slip through.
//!
//! Used for templates (`report::templates`) and for hashing evidence and
//! recorded files (`audit`). Owns no policy on *which* paths may be read:
//! [`beneath`] only says whether a relative path stays inside a folder
//! without passing through a symbolic link.

use std::fs::{File, Metadata};
use std::io::{self, Read};
use std::path::{Component, Path, PathBuf};

/// Open `path` for reading if it is a regular file, without following a
/// symbolic link in its last component.
pub fn open(path: &Path) -> io::Result<File> {
    // Looked at before opening: opening a device can have effects of its own.
    refuse_special(&std::fs::symlink_metadata(path)?)?;
    let file = open_no_follow(path)?;
    // And the handle itself, in case the path changed in between.
    refuse_special(&file.metadata()?)?;
    Ok(file)
}

/// The text of the regular file at `path`, refused when it is longer than `limit` bytes.
pub fn read_text(path: &Path, limit: u64) -> io::Result<String> {
    let file = open(path)?;
    let mut text = String::new();
    file.take(limit + 1).read_to_string(&mut text)?;
    if text.len() as u64 > limit {
        return Err(io::Error::new(io::ErrorKind::InvalidData, format!("is larger than {limit} bytes")));
    }
    Ok(text)
}

/// `root` joined with `relative` (`/`-separated), if `relative` names a path
/// inside `root`: no absolute path, no `..`, and no folder on the way that
/// is a symbolic link. The last component is not looked at; [`open`] refuses it if it is a link.
pub fn beneath(root: &Path, relative: &str) -> Option<PathBuf> {
    let relative = Path::new(relative);
    let mut path = root.to_path_buf();
    let mut components = relative.components().peekable();
    components.peek()?;
    while let Some(component) = components.next() {
        let Component::Normal(part) = component else { return None };
        path.push(part);
        if components.peek().is_some() && !std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir()) {
            return None;
        }
    }
    Some(path)
}

/// An error for anything but a regular file.
fn refuse_special(metadata: &Metadata) -> io::Result<()> {
    let what = kind_of(metadata);
    if what == "a regular file" {
        return Ok(());
    }
    if metadata.file_type().is_symlink() {
        return Err(io::Error::new(io::ErrorKind::InvalidInput, format!("is {what}")));
    }
    Err(io::Error::new(io::ErrorKind::InvalidInput, format!("is {what}, not a regular file")))
}

/// What a file is, in words.
fn kind_of(metadata: &Metadata) -> &'static str {
    let kind = metadata.file_type();
    if kind.is_file() {
        return "a regular file";
    }
    if kind.is_dir() {
        return "a folder";
    }
    if kind.is_symlink() {
        return "a symbolic link (links are not followed)";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if kind.is_socket() {
            return "a socket";
        }
        if kind.is_block_device() || kind.is_char_device() {
            return "a device";
        }
    }
    "a special file"
}

#[cfg(unix)]
fn open_no_follow(path: &Path) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        // O_NONBLOCK: a FIFO put in place after the check opens at once (and is refused).
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)
        .map_err(|e| match e.raw_os_error() {
            Some(libc::ELOOP) => {
                io::Error::new(io::ErrorKind::InvalidInput, "is a symbolic link (links are not followed)")
            }
            _ => e,
        })
}

#[cfg(not(unix))]
fn open_no_follow(path: &Path) -> io::Result<File> {
    File::open(path)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn links_fifos_devices_and_folders_are_refused_with_what_they_are() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("plain.txt");
        std::fs::write(&file, "ok").unwrap();
        let link = dir.path().join("link.txt");
        std::os::unix::fs::symlink(&file, &link).unwrap();
        let fifo = dir.path().join("fifo");
        assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());

        assert_eq!(read_text(&file, 10).unwrap(), "ok");
        let message = |p: &Path| open(p).unwrap_err().to_string();
        assert!(message(&link).contains("symbolic link"), "{}", message(&link));
        assert!(message(&fifo).contains("FIFO"), "{}", message(&fifo));
        assert!(message(Path::new("/dev/zero")).contains("device"));
        assert!(message(dir.path()).contains("folder"));
        assert!(read_text(&file, 1).unwrap_err().to_string().contains("larger than 1 bytes"));
    }

    #[test]
    fn beneath_keeps_to_the_folder_and_passes_no_linked_folder() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        std::os::unix::fs::symlink("/etc", dir.path().join("out")).unwrap();
        assert_eq!(beneath(dir.path(), "sub/a.txt"), Some(dir.path().join("sub/a.txt")));
        assert_eq!(beneath(dir.path(), "a.txt"), Some(dir.path().join("a.txt")));
        for outside in ["/etc/passwd", "../x", "sub/../../x", "out/passwd", "", "missing/a.txt"] {
            assert_eq!(beneath(dir.path(), outside), None, "{outside}");
        }
    }
}
