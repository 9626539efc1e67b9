//! SSH signatures on ledger entries (SPEC section 15): an entry's `signature`
//! is the armored SSHSIG (`ssh-keygen -Y sign`, namespace
//! [`NAMESPACE`]) of its `hash` string. The format itself is RustCrypto's
//! `ssh-key`; this module owns the key policy (unencrypted ed25519 only),
//! the OpenSSH `allowed_signers` file and the principal check. It reads no
//! file: the CLI reads the key and the allowed signers and hands over text.

use ssh_key::{HashAlg, LineEnding, PrivateKey, PublicKey, SshSig};

/// The SSHSIG namespace of ledger signatures.
pub const NAMESPACE: &str = "vendorscore-ledger";

/// A private key ready to sign entries.
pub struct Signer {
    key: PrivateKey,
}

/// Why a key cannot sign.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("is not an OpenSSH private key ({0}); give the private key file (e.g. ~/.ssh/id_ed25519), not the .pub")]
    Unreadable(String),
    #[error(
        "is protected by a passphrase; vendorscore does not prompt for passphrases: use a key without one \
         (kept readable only by you, e.g. a dedicated `ssh-keygen -t ed25519 -N ''` key for the ledger)"
    )]
    Encrypted,
    #[error("is {0}; ledger entries are signed with ed25519 keys only (`ssh-keygen -t ed25519`)")]
    Algorithm(String),
    #[error("cannot sign: {0}")]
    Sign(String),
}

impl Signer {
    /// A signer from the text of an OpenSSH private key file.
    pub fn from_openssh(text: &str) -> Result<Signer, KeyError> {
        let key = PrivateKey::from_openssh(text).map_err(|e| match e {
            ssh_key::Error::AlgorithmUnknown | ssh_key::Error::AlgorithmUnsupported { .. } => {
                KeyError::Algorithm("a key of another type".to_owned())
            }
            e => KeyError::Unreadable(e.to_string()),
        })?;
        if key.is_encrypted() {
            return Err(KeyError::Encrypted);
        }
        if !key.public_key().key_data().is_ed25519() {
            return Err(KeyError::Algorithm(format!("a {} key", key.algorithm())));
        }
        Ok(Signer { key })
    }

    /// The armored signature of `hash` (the entry's 64 hex characters).
    pub fn sign(&self, hash: &str) -> Result<String, KeyError> {
        self.key
            .sign(NAMESPACE, HashAlg::Sha512, hash.as_bytes())
            .and_then(|sig| sig.to_pem(LineEnding::LF))
            .map_err(|e| KeyError::Sign(e.to_string()))
    }

    /// The public key's fingerprint, `SHA256:…`.
    pub fn fingerprint(&self) -> String {
        self.key.public_key().fingerprint(HashAlg::Sha256).to_string()
    }
}

/// The key that made an armored signature, if it can be read: its
/// fingerprint (`SHA256:…`) and, where it had one, nothing more (SSHSIG
/// carries no comment).
pub fn signer_fingerprint(armored: &str) -> Option<String> {
    SshSig::from_pem(armored).ok().map(|sig| sig.public_key().fingerprint(HashAlg::Sha256).to_string())
}

/// One line of an `allowed_signers` file.
#[derive(Debug, Clone)]
struct Allowed {
    line: usize,
    principals: String,
    options: Options,
    key: PublicKey,
}

/// The options of an `allowed_signers` line.
#[derive(Debug, Clone, Default)]
struct Options {
    namespaces: Option<String>,
    cert_authority: bool,
    /// `YYYYMMDDHHMMSS`, UTC.
    valid_after: Option<String>,
    valid_before: Option<String>,
}

/// The OpenSSH `allowed_signers` format (ssh-keygen(1), "ALLOWED SIGNERS",
/// as git's `gpg.ssh.allowedSignersFile` uses): `principals [options] key`.
#[derive(Debug, Clone, Default)]
pub struct AllowedSigners {
    lines: Vec<Allowed>,
}

/// A line of an `allowed_signers` file that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{line}:{column}: {message}")]
pub struct AllowedSignersError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// Split off the first whitespace-delimited field, honouring double quotes: (field, the rest).
fn field(text: &str) -> (&str, &str) {
    let mut quoted = false;
    for (i, c) in text.char_indices() {
        match c {
            '"' => quoted = !quoted,
            ' ' | '\t' if !quoted => return (&text[..i], text[i..].trim_start()),
            _ => {}
        }
    }
    (text, &text[text.len()..])
}

fn unquote(text: &str) -> &str {
    text.strip_prefix('"').and_then(|t| t.strip_suffix('"')).unwrap_or(text)
}

/// `YYYYMMDD[HHMM[SS]][Z]` as `YYYYMMDDHHMMSS`.
fn validity_time(text: &str) -> Option<String> {
    let digits = text.strip_suffix(['Z', 'z']).unwrap_or(text);
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    match digits.len() {
        8 => Some(format!("{digits}000000")),
        12 => Some(format!("{digits}00")),
        14 => Some(digits.to_owned()),
        _ => None,
    }
}

impl AllowedSigners {
    /// Parse the file's text; every line that cannot be read is an error (none is skipped).
    pub fn parse(text: &str) -> Result<AllowedSigners, Vec<AllowedSignersError>> {
        let mut lines = Vec::new();
        let mut errors = Vec::new();
        for (i, raw) in text.lines().enumerate() {
            let number = i + 1;
            let trimmed = raw.trim_start();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            // Every part is a slice of `raw`: its column is its offset.
            let column_of =
                |part: &str| (part.as_ptr() as usize).saturating_sub(raw.as_ptr() as usize).min(raw.len()) + 1;
            let fail =
                |part: &str, message: String| AllowedSignersError { line: number, column: column_of(part), message };
            let (principals, rest) = field(trimmed);
            let mut options = Options::default();
            let (mut first, mut after) = field(rest);
            let looks_like_key = |t: &str| t.starts_with("ssh-") || t.starts_with("ecdsa-") || t.starts_with("sk-");
            if !first.is_empty() && !looks_like_key(first) {
                let mut bad = None;
                for option in split_options(first) {
                    let (name, value) = option.split_once('=').map_or((option, None), |(n, v)| (n, Some(unquote(v))));
                    match (name.to_ascii_lowercase().as_str(), value) {
                        ("cert-authority", None) => options.cert_authority = true,
                        ("namespaces", Some(v)) => options.namespaces = Some(v.to_owned()),
                        ("valid-after" | "valid-before", Some(v)) => match validity_time(v) {
                            Some(t) if name.eq_ignore_ascii_case("valid-after") => options.valid_after = Some(t),
                            Some(t) => options.valid_before = Some(t),
                            None => {
                                bad = Some(format!("{name}=\"{v}\": expected a time like 20261121 or 202611211000Z"))
                            }
                        },
                        _ => {
                            bad = Some(format!(
                                "unsupported option `{option}` (known: cert-authority, namespaces=\"…\", valid-after=\"…\", valid-before=\"…\")"
                            ))
                        }
                    }
                }
                if let Some(message) = bad {
                    errors.push(fail(rest, message));
                    continue;
                }
                (first, after) = field(after);
            }
            if first.is_empty() {
                errors
                    .push(fail(rest, "no public key after the principals (expected e.g. `ssh-ed25519 AAAA…`)".into()));
                continue;
            }
            let (blob, _comment) = field(after);
            match PublicKey::from_openssh(&format!("{first} {blob}")) {
                Ok(key) => {
                    lines.push(Allowed { line: number, principals: unquote(principals).to_owned(), options, key })
                }
                Err(e) => errors.push(fail(first, format!("`{first} …` is not a readable public key ({e})"))),
            }
        }
        if errors.is_empty() { Ok(AllowedSigners { lines }) } else { Err(errors) }
    }

    /// Check an entry's armored `signature` over its `hash`, made by `actor` at `time`
    /// (the entry's `2026-11-21T10:00:00Z`). `Err` says why it does not hold.
    pub fn check(&self, armored: &str, hash: &str, actor: &str, time: &str) -> Result<(), String> {
        let sig = check_signature(armored, hash)?;
        let fingerprint = sig.public_key().fingerprint(HashAlg::Sha256);
        let when: String = time.chars().filter(char::is_ascii_digit).collect();
        let mut other_principals = Vec::new();
        let mut refusals = Vec::new();
        for allowed in self.lines.iter().filter(|a| !a.options.cert_authority && a.key.key_data() == sig.public_key()) {
            if !matches_pattern_list(&allowed.principals, actor) {
                other_principals.push(allowed.principals.clone());
                continue;
            }
            if let Some(namespaces) = &allowed.options.namespaces
                && !matches_pattern_list(namespaces, NAMESPACE)
            {
                refusals.push(format!("line {} allows it only for namespaces \"{namespaces}\"", allowed.line));
                continue;
            }
            if let Some(after) = &allowed.options.valid_after
                && when < *after
            {
                refusals.push(format!("line {} makes it valid only after {after}", allowed.line));
                continue;
            }
            if let Some(before) = &allowed.options.valid_before
                && when > *before
            {
                refusals.push(format!("line {} makes it valid only before {before}", allowed.line));
                continue;
            }
            return Ok(());
        }
        if !refusals.is_empty() {
            return Err(format!("signed by key {fingerprint}, not allowed for `{actor}` now: {}", refusals.join("; ")));
        }
        if other_principals.is_empty() {
            Err(format!("signed by key {fingerprint}, which the allowed signers file does not list"))
        } else {
            Err(format!(
                "signed by key {fingerprint}, which is allowed for {} but not for the entry's actor `{actor}`",
                other_principals.join(", ")
            ))
        }
    }
}

/// Read an armored signature and check it is a valid ledger signature of `hash` by the key it names.
pub fn check_signature(armored: &str, hash: &str) -> Result<SshSig, String> {
    let sig = SshSig::from_pem(armored).map_err(|e| format!("the signature cannot be read ({e})"))?;
    if sig.namespace() != NAMESPACE {
        return Err(format!("the signature is for namespace `{}`, not `{NAMESPACE}`", sig.namespace()));
    }
    let key = PublicKey::new(sig.public_key().clone(), "");
    key.verify(NAMESPACE, hash.as_bytes(), &sig).map_err(|_| {
        "the signature does not match the entry's hash: the signature or the entry was altered".to_owned()
    })?;
    Ok(sig)
}

/// The comma-separated options field, commas inside quotes kept.
fn split_options(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut start, mut quoted) = (0, false);
    for (i, c) in text.char_indices() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => {
                out.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&text[start..]);
    out
}

/// OpenSSH's `match_pattern_list`: comma-separated `*`/`?` patterns, a
/// `!pattern` that matches vetoes the whole list.
fn matches_pattern_list(list: &str, name: &str) -> bool {
    let mut matched = false;
    for pattern in list.split(',') {
        let (negated, pattern) = pattern.strip_prefix('!').map_or((false, pattern), |p| (true, p));
        if wildcard(pattern.as_bytes(), name.as_bytes()) {
            if negated {
                return false;
            }
            matched = true;
        }
    }
    matched
}

/// `*` and `?` glob matching, greedy with one backtrack point (linear in
/// practice, unlike the naive recursion on patterns like `*a*a*a*a*b`).
fn wildcard(pattern: &[u8], name: &[u8]) -> bool {
    let (mut p, mut n) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while n < name.len() {
        match pattern.get(p) {
            Some(b'*') => {
                star = Some((p, n));
                p += 1;
            }
            Some(&c) if c == b'?' || c == name[n] => {
                p += 1;
                n += 1;
            }
            _ => match star {
                Some((at, from)) => {
                    p = at + 1;
                    n = from + 1;
                    star = Some((at, from + 1));
                }
                None => return false,
            },
        }
    }
    pattern[p..].iter().all(|&c| c == b'*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_match_as_openssh_does() {
        assert!(matches_pattern_list("a@example.com", "a@example.com"));
        assert!(matches_pattern_list("x@y,*@example.com", "a@example.com"));
        assert!(!matches_pattern_list("*@example.com,!a@example.com", "a@example.com"));
        assert!(matches_pattern_list("?@example.com", "a@example.com"));
        assert!(!matches_pattern_list("a@example.co", "a@example.com"));
        assert!(matches_pattern_list("git,vendorscore-*", NAMESPACE));
        assert!(matches_pattern_list("a*", "a") && matches_pattern_list("*", "") && !matches_pattern_list("?", ""));
        assert!(matches_pattern_list("*.kowalska@*.com", "a.kowalska@example.com"));
        // Quick even where naive backtracking takes exponential time.
        let (pattern, name) = ("*a".repeat(30) + "b", "a".repeat(60));
        assert!(!matches_pattern_list(&pattern, &name));
    }

    #[test]
    fn validity_times_are_padded_to_seconds() {
        assert_eq!(validity_time("20261121").as_deref(), Some("20261121000000"));
        assert_eq!(validity_time("202611211000Z").as_deref(), Some("20261121100000"));
        assert_eq!(validity_time("2026-11-21"), None);
    }

    proptest::proptest! {
        /// Any text, and lines shaped like allowed_signers ones, parse or fail
        /// at a line and column inside the text; never a panic.
        #[test]
        fn any_text_parses_or_is_located(
            text in "(\\PC{0,30}|[a-z@.*!,\" =\\-]{0,24}( ssh-ed25519 AAAA[A-Za-z0-9+/=]{0,12})?)(\n[ \"a-z=,]{0,12}){0,3}",
        ) {
            if let Err(errors) = AllowedSigners::parse(&text) {
                for e in errors {
                    let line = text.lines().nth(e.line - 1).expect("the line exists");
                    proptest::prop_assert!(e.column >= 1 && e.column <= line.len() + 1, "{e:?} in {line:?}");
                }
            }
        }
    }

    #[test]
    fn bad_lines_are_located() {
        let text = "# comment\n\na@example.com ssh-ed25519 notbase64\nb@example.com bogus=\"1\" ssh-ed25519 AAAA\nc@example.com\n";
        let errors = AllowedSigners::parse(text).unwrap_err();
        let at: Vec<(usize, usize)> = errors.iter().map(|e| (e.line, e.column)).collect();
        assert_eq!(at, [(3, 15), (4, 15), (5, 14)], "{errors:?}");
        assert!(errors[1].message.contains("unsupported option `bogus=\"1\"`"), "{errors:?}");
    }
}
