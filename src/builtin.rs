//! The shipped rubrics, policies, tiering, templates and sample workspace,
//! compiled into the binary. A built-in rubric or policy is named
//! `builtin:ID`; the built-in tiering is `builtin:tiering`.

include!(concat!(env!("OUT_DIR"), "/builtin_files.rs"));

/// The prefix that names a built-in file wherever a path is accepted.
pub const PREFIX: &str = "builtin:";

/// The default rubric's id.
pub const DEFAULT_RUBRIC: &str = "ecommerce-outsourcing";

/// A file compiled into the binary.
#[derive(Debug, Clone, Copy)]
pub struct BuiltinFile {
    /// Path in the repository, e.g. `policies/gdpr-processor.toml`.
    pub path: &'static str,
    pub bytes: &'static [u8],
    /// SHA-256 of `bytes`, lowercase hex (computed when the binary was built).
    pub sha256: &'static str,
}

impl BuiltinFile {
    /// The text (shipped files are UTF-8; a test checks it).
    pub fn text(&self) -> &'static str {
        std::str::from_utf8(self.bytes).unwrap_or_default()
    }

    /// The name it is addressed by, e.g. `builtin:gdpr-processor`.
    pub fn name(&self) -> String {
        let stem = self.path.rsplit('/').next().unwrap_or(self.path);
        format!("{PREFIX}{}", stem.strip_suffix(".toml").unwrap_or(stem))
    }
}

fn all() -> impl Iterator<Item = BuiltinFile> {
    FILES.iter().map(|&(path, bytes, sha256)| BuiltinFile { path, bytes, sha256 })
}

/// Every file under a shipped folder (`rubrics`, `policies`, `tiering`, `templates`, `examples`).
pub fn under(dir: &str) -> impl Iterator<Item = BuiltinFile> + '_ {
    all().filter(move |f| f.path.strip_prefix(dir).is_some_and(|rest| rest.starts_with('/')))
}

/// The built-in rubric with this id.
pub fn rubric(id: &str) -> Option<BuiltinFile> {
    find(&format!("rubrics/{id}.toml"))
}

/// The built-in policy with this id.
pub fn policy(id: &str) -> Option<BuiltinFile> {
    find(&format!("policies/{id}.toml"))
}

/// The built-in tiering (`builtin:tiering`), used when the workspace has no `tiering.toml`.
pub fn tiering() -> Option<BuiltinFile> {
    find("tiering/tiering.toml")
}

/// The built-in template with this file name, e.g. `scorecard.md.j2`.
pub fn template(name: &str) -> Option<BuiltinFile> {
    find(&format!("templates/{name}"))
}

/// The built-in rubric or policy a `builtin:ID` reference names.
pub fn resolve(reference: &str) -> Option<BuiltinFile> {
    let id = reference.strip_prefix(PREFIX)?;
    rubric(id).or_else(|| policy(id))
}

/// Ids of the built-in rubrics and policies, for suggestions.
pub fn names() -> Vec<String> {
    under("rubrics").chain(under("policies")).map(|f| f.name()).collect()
}

fn find(path: &str) -> Option<BuiltinFile> {
    let (path, bytes, sha256) = FILES[FILES.binary_search_by(|(p, _, _)| p.cmp(&path)).ok()?];
    Some(BuiltinFile { path, bytes, sha256 })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_files_are_utf8_and_sorted() {
        for pair in FILES.windows(2) {
            assert!(pair[0].0 < pair[1].0);
        }
        for (path, bytes, _) in FILES {
            assert!(std::str::from_utf8(bytes).is_ok() || !path.ends_with(".toml"), "{path}");
        }
    }

    #[test]
    fn the_digests_compiled_in_are_of_the_files() {
        assert!(FILES.len() > 10);
        for file in all() {
            assert_eq!(file.sha256, crate::audit::hash::sha256_hex(file.bytes), "{}", file.path);
        }
        // SHA-256 of the empty string and of "abc" (FIPS 180-2), the way build.rs writes digests.
        use sha2::Digest as _;
        let hex = |bytes: &[u8]| sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect::<String>();
        assert_eq!(hex(b""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assert_eq!(hex(b"abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    #[test]
    fn the_default_rubric_and_policies_resolve() {
        assert!(rubric(DEFAULT_RUBRIC).is_some());
        let gdpr = resolve("builtin:gdpr-processor").expect("gdpr policy ships");
        assert_eq!(gdpr.path, "policies/gdpr-processor.toml");
        assert_eq!(gdpr.name(), "builtin:gdpr-processor");
        assert!(resolve("builtin:nope").is_none());
        assert!(resolve("rubrics/x.toml").is_none());
    }
}
