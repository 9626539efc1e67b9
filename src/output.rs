//! Writing files so that nothing is lost: a new file appears whole or not at
//! all (temporary file in the same folder, synced, then renamed), and
//! scaffolding never replaces a file that exists.

use std::io::Write;
use std::path::Path;

/// Write `bytes` to `path` atomically, replacing it only once the new content is complete.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let mut temp = tempfile::Builder::new().prefix(".vendorscore-").suffix(".tmp").tempfile_in(dir)?;
    temp.write_all(bytes)?;
    set_output_permissions(temp.as_file(), path)?;
    temp.as_file().sync_all()?;
    temp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Give a temporary file (private, 0600) the permissions of the file it will
/// replace, or those of a normally created file.
pub fn set_output_permissions(temp: &std::fs::File, path: &Path) -> std::io::Result<()> {
    let permissions = match std::fs::metadata(path) {
        Ok(existing) => existing.permissions(),
        Err(_) => default_permissions(temp)?,
    };
    temp.set_permissions(permissions)
}

#[cfg(unix)]
fn default_permissions(_: &std::fs::File) -> std::io::Result<std::fs::Permissions> {
    use std::os::unix::fs::PermissionsExt;
    Ok(std::fs::Permissions::from_mode(0o644))
}

#[cfg(not(unix))]
fn default_permissions(file: &std::fs::File) -> std::io::Result<std::fs::Permissions> {
    Ok(file.metadata()?.permissions())
}

/// What [`create_new`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Created {
    Written,
    /// The file existed and was left as it was.
    KeptExisting,
}

/// Create `path` with `bytes` unless it exists; never overwrites.
pub fn create_new(path: &Path, bytes: &[u8]) -> std::io::Result<Created> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    match std::fs::OpenOptions::new().write(true).create_new(true).open(path) {
        Ok(mut file) => {
            file.write_all(bytes)?;
            file.sync_all()?;
            Ok(Created::Written)
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(Created::KeptExisting),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_writes_replace_whole_and_leave_no_temporary_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out/report.md");
        write_atomic(&path, b"first").unwrap();
        write_atomic(&path, b"second").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"second");
        let names: Vec<_> =
            std::fs::read_dir(path.parent().unwrap()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, ["report.md"]);
    }

    #[test]
    fn create_new_never_overwrites() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.toml");
        assert_eq!(create_new(&path, b"one").unwrap(), Created::Written);
        assert_eq!(create_new(&path, b"two").unwrap(), Created::KeptExisting);
        assert_eq!(std::fs::read(&path).unwrap(), b"one");
    }
}
