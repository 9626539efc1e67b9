//! Finding the workspace, turning references (`path` or `builtin:ID`) into
//! files, and naming files by their workspace-relative path.
//!
//! The caller supplies what the environment says (`--workspace`,
//! `VENDORSCORE_WORKSPACE`, the current folder); this module never reads it.

use std::path::{Component, Path, PathBuf};

use crate::builtin::{self, BuiltinFile};

/// The settings file that marks a workspace.
pub const SETTINGS_FILE: &str = "vendorscore.toml";
/// The workspace's shared business-hours calendars, `calendars/<id>.toml`.
pub const CALENDARS_DIR: &str = "calendars";

/// A workspace folder.
#[derive(Debug, Clone)]
pub struct Workspace {
    pub root: PathBuf,
}

impl Workspace {
    /// Find the workspace: `flag`, else `env`, else the nearest ancestor of
    /// `cwd` holding `vendorscore.toml`, else `cwd` itself.
    pub fn discover(flag: Option<&Path>, env: Option<&Path>, cwd: &Path) -> Workspace {
        let root = match flag.or(env) {
            Some(dir) => cwd.join(dir),
            None => nearest_settings_dir(cwd).unwrap_or(cwd).to_path_buf(),
        };
        Workspace { root: normalize(&root) }
    }

    /// The settings file's path (it may not exist).
    pub fn settings_path(&self) -> PathBuf {
        self.root.join(SETTINGS_FILE)
    }

    /// The path to show for a file: workspace-relative with `/` separators,
    /// or the path as given when it lies outside the workspace.
    pub fn display_path(&self, path: &Path) -> String {
        let path = normalize(path);
        let shown = path.strip_prefix(&self.root).unwrap_or(&path);
        slash_path(shown)
    }

    /// Resolve a reference written in a file or on the command line. A path
    /// must stay inside the workspace: not absolute, not above the root, and
    /// through no folder that is a symbolic link (the file itself is opened
    /// without following links).
    pub fn resolve(&self, reference: &str) -> Reference {
        match reference.strip_prefix(builtin::PREFIX) {
            Some(_) => match builtin::resolve(reference) {
                Some(file) => Reference::Builtin(file),
                None => Reference::UnknownBuiltin(reference.to_owned()),
            },
            None => match self.inside(Path::new(reference)) {
                Some(path) => Reference::Path(path),
                None => Reference::Outside(reference.to_owned()),
            },
        }
    }

    /// `relative` joined to the root, if it stays inside the workspace
    /// (lexically, and through no linked folder).
    pub fn inside(&self, relative: &Path) -> Option<PathBuf> {
        if relative.has_root() || relative.components().any(|c| matches!(c, Component::Prefix(_))) {
            return None;
        }
        let path = normalize(&self.root.join(relative));
        let rest = path.strip_prefix(&self.root).ok()?;
        let mut at = self.root.clone();
        let parts: Vec<_> = rest.components().collect();
        for (i, part) in parts.iter().enumerate() {
            at.push(part);
            let last = i + 1 == parts.len();
            match std::fs::symlink_metadata(&at) {
                // The file itself is opened without following links: no need to look here.
                _ if last => break,
                Ok(meta) if meta.file_type().is_symlink() => return None,
                Ok(_) => {}
                // Not there: nothing below it is read; the caller reports it missing.
                Err(_) => break,
            }
        }
        Some(path)
    }
}

/// What a reference names.
#[derive(Debug, Clone)]
pub enum Reference {
    Builtin(BuiltinFile),
    UnknownBuiltin(String),
    Path(PathBuf),
    /// A path that leaves the workspace (absolute, `..` above the root, or
    /// through a linked folder): never read.
    Outside(String),
}

/// The nearest ancestor of `dir` (itself included) that holds `vendorscore.toml`.
pub fn nearest_settings_dir(dir: &Path) -> Option<&Path> {
    dir.ancestors().find(|d| d.join(SETTINGS_FILE).is_file())
}

/// A path with `/` separators.
pub fn slash_path(path: &Path) -> String {
    let mut text = String::new();
    for component in path.components() {
        match component {
            Component::RootDir => text.push('/'),
            other => {
                if !text.is_empty() && !text.ends_with('/') {
                    text.push('/');
                }
                text.push_str(&other.as_os_str().to_string_lossy());
            }
        }
    }
    if text.is_empty() { ".".to_owned() } else { text }
}

/// Remove `.` and resolve `..` lexically, without touching the file system.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn discovery_prefers_flag_then_env_then_nearest_settings() {
        let dir = tempfile::tempdir().unwrap();
        let nested = dir.path().join("a/b");
        std::fs::create_dir_all(&nested).unwrap();
        std::fs::write(dir.path().join("a/vendorscore.toml"), "[workspace]\n").unwrap();

        let found = Workspace::discover(None, None, &nested);
        assert_eq!(found.root, dir.path().join("a"));
        let env = Workspace::discover(None, Some(Path::new("/env")), &nested);
        assert_eq!(env.root, Path::new("/env"));
        let flag = Workspace::discover(Some(Path::new("x")), Some(Path::new("/env")), &nested);
        assert_eq!(flag.root, nested.join("x"));
        let none = Workspace::discover(None, None, dir.path());
        assert_eq!(none.root, dir.path());
    }

    #[test]
    fn display_paths_are_workspace_relative_with_slashes() {
        let ws = Workspace { root: PathBuf::from("/w") };
        assert_eq!(ws.display_path(Path::new("/w/vendors/x/./vendor.toml")), "vendors/x/vendor.toml");
        assert_eq!(ws.display_path(Path::new("/elsewhere/a.toml")), "/elsewhere/a.toml");
        assert!(matches!(ws.resolve("builtin:gdpr-processor"), Reference::Builtin(_)));
        assert!(matches!(ws.resolve("builtin:gdpr"), Reference::UnknownBuiltin(_)));
        assert!(matches!(ws.resolve("rubrics/a.toml"), Reference::Path(p) if p == Path::new("/w/rubrics/a.toml")));
    }

    #[test]
    #[cfg(unix)]
    fn references_stay_inside_the_workspace() {
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace { root: dir.path().to_path_buf() };
        std::fs::create_dir(dir.path().join("rubrics")).unwrap();
        std::os::unix::fs::symlink("/etc", dir.path().join("linked")).unwrap();
        for outside in ["/proc/self/environ", "/etc/shadow", "../x.toml", "rubrics/../../x.toml", "linked/passwd"] {
            assert!(matches!(ws.resolve(outside), Reference::Outside(_)), "{outside}");
        }
        for inside in ["rubrics/a.toml", "rubrics/../policies/p.toml", "missing/deeper/a.toml", "a.toml"] {
            assert!(matches!(ws.resolve(inside), Reference::Path(_)), "{inside}");
        }
    }
}
