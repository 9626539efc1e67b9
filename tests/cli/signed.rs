//! Signed ledger entries (SPEC section 15), cross-checked with OpenSSH's
//! `ssh-keygen -Y verify | sign` both ways: who may sign as whom
//! (`allowed_signers`, namespaces honoured), tampered and wrong-namespace
//! signatures, `--require-signatures` and `--expect-head`.

use std::path::{Path, PathBuf};
use std::process::Command;

use predicates::prelude::*;
use serde_json::Value;

use crate::score::sample;
use crate::{ledger_entries, repo, vendorscore};

const ACTOR: &str = "a.kowalska@example.com";

/// A test key copied beside the workspace, readable only by us (ssh-keygen refuses others).
fn key(dir: &Path, name: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::copy(repo().join("tests/cli/keys").join(name), &path).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    path
}

fn public(name: &str) -> String {
    std::fs::read_to_string(repo().join("tests/cli/keys").join(format!("{name}.pub"))).unwrap().trim().to_owned()
}

/// Whether `ssh-keygen` is here; under CI (`CI` set) its absence fails the test.
fn have_ssh_keygen() -> bool {
    let here = Command::new("ssh-keygen").arg("-?").output().is_ok();
    if !here {
        assert!(std::env::var_os("CI").is_none(), "ssh-keygen is missing; .ci/run installs openssh-client");
        eprintln!("SKIPPED: no ssh-keygen here (apt-get install openssh-client); .ci/run installs it");
    }
    here
}

fn last_entry(ws: &Path) -> Value {
    let text = std::fs::read_to_string(ws.join("audit/ledger.jsonl")).unwrap();
    serde_json::from_str(text.lines().last().unwrap()).unwrap()
}

/// Replace the last entry's signature (its hash does not cover the signature).
fn set_last_signature(ws: &Path, signature: &str) {
    let path = ws.join("audit/ledger.jsonl");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let mut entry: Value = serde_json::from_str(lines.last().unwrap()).unwrap();
    entry["signature"] = Value::String(signature.to_owned());
    *lines.last_mut().unwrap() = String::from_utf8(vendorscore::audit::jcs::canonical(&entry).unwrap()).unwrap();
    std::fs::write(&path, lines.iter().map(|l| format!("{l}\n")).collect::<String>()).unwrap();
}

/// A sample workspace whose last entry is a score run signed with `alice`.
fn signed_sample() -> (tempfile::TempDir, PathBuf) {
    let dir = sample();
    let ws = dir.path().join("ws");
    let alice = key(dir.path(), "alice");
    vendorscore(&ws).args(["score", "-q", "--actor", ACTOR]).arg("--signing-key").arg(&alice).assert().success();
    (dir, ws)
}

fn allowed(dir: &Path, lines: &[String]) -> PathBuf {
    let path = dir.join("allowed_signers");
    std::fs::write(&path, lines.iter().map(|l| format!("{l}\n")).collect::<String>()).unwrap();
    path
}

fn verify(ws: &Path, args: &[&str]) -> (i32, String) {
    let output = vendorscore(ws).args(["audit", "verify", "--no-files"]).args(args).output().unwrap();
    (output.status.code().unwrap(), String::from_utf8(output.stdout).unwrap())
}

fn ssh_keygen(dir: &Path, args: &[&str], stdin: &[u8]) -> std::process::Output {
    use std::io::Write;
    let mut child = Command::new("ssh-keygen")
        .args(args)
        .current_dir(dir)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn ssh_keygen_accepts_our_signatures_and_we_accept_its() {
    if !have_ssh_keygen() {
        return;
    }
    let (dir, ws) = signed_sample();
    let entry = last_entry(&ws);
    let hash = entry["hash"].as_str().unwrap();
    let signature = entry["signature"].as_str().unwrap();
    assert!(signature.starts_with("-----BEGIN SSH SIGNATURE-----\n"), "{signature}");
    // The hash is over the entry without `hash` and `signature`: unsigned checkers still agree.
    let mut unhashed = entry.clone();
    unhashed.as_object_mut().unwrap().remove("hash");
    unhashed.as_object_mut().unwrap().remove("signature");
    let bytes = vendorscore::audit::jcs::canonical(&unhashed).unwrap();
    assert_eq!(vendorscore::audit::hash::sha256_hex(&bytes), hash);

    // OpenSSH verifies ours: the message is the 64 hex characters, no newline.
    std::fs::write(dir.path().join("entry.sig"), signature).unwrap();
    allowed(dir.path(), &[format!("{ACTOR} {}", public("alice"))]);
    let out = ssh_keygen(
        dir.path(),
        &["-Y", "verify", "-f", "allowed_signers", "-I", ACTOR, "-n", "vendorscore-ledger", "-s", "entry.sig"],
        hash.as_bytes(),
    );
    assert!(out.status.success(), "{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains(&format!("Good \"vendorscore-ledger\" signature for {ACTOR}"))
    );
    // ... and refuses it for another namespace.
    let out = ssh_keygen(
        dir.path(),
        &["-Y", "verify", "-f", "allowed_signers", "-I", ACTOR, "-n", "git", "-s", "entry.sig"],
        hash.as_bytes(),
    );
    assert!(!out.status.success());

    // We verify OpenSSH's: bob signs the same hash with ssh-keygen.
    let bob = key(dir.path(), "bob");
    std::fs::write(dir.path().join("hash"), hash).unwrap();
    let out =
        ssh_keygen(dir.path(), &["-Y", "sign", "-f", bob.to_str().unwrap(), "-n", "vendorscore-ledger", "hash"], b"");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let theirs = std::fs::read_to_string(dir.path().join("hash.sig")).unwrap();
    set_last_signature(&ws, &theirs);
    let signers = allowed(dir.path(), &[format!("{ACTOR} {}", public("bob"))]);
    let (code, stdout) = verify(&ws, &["--allowed-signers", signers.to_str().unwrap()]);
    assert_eq!(code, 0, "{stdout}");
    assert!(stdout.contains("1 signed (signatures and principals checked)"), "{stdout}");
    // `audit log` names the signer with the fingerprint OpenSSH gives the key.
    let fingerprint = ssh_keygen(dir.path(), &["-l", "-f", bob.to_str().unwrap()], b"");
    let fingerprint = String::from_utf8(fingerprint.stdout).unwrap().split_whitespace().nth(1).unwrap().to_owned();
    assert!(fingerprint.starts_with("SHA256:"));
    let log = vendorscore(&ws).args(["audit", "log", "--allowed-signers"]).arg(&signers).output().unwrap();
    let log = String::from_utf8(log.stdout).unwrap();
    assert!(log.lines().last().unwrap().ends_with(&format!("[signed: {ACTOR} (key {fingerprint}, allowed)]")), "{log}");
    assert!(!log.lines().next().unwrap().contains("[signed"), "older entries are unsigned");
    let show = vendorscore(&ws).args(["audit", "show"]).arg(ledger_entries(&ws).to_string()).output().unwrap();
    assert!(String::from_utf8_lossy(&show.stderr).contains(&format!("signed: key {fingerprint})")));

    // A signature ssh-keygen made in another namespace is refused.
    let out = ssh_keygen(dir.path(), &["-Y", "sign", "-f", bob.to_str().unwrap(), "-n", "git", "hash"], b"y\n");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    set_last_signature(&ws, &std::fs::read_to_string(dir.path().join("hash.sig")).unwrap());
    let (code, stdout) = verify(&ws, &["--allowed-signers", signers.to_str().unwrap()]);
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("the signature is for namespace `git`, not `vendorscore-ledger`"), "{stdout}");
}

#[test]
fn a_key_must_be_allowed_for_the_entrys_actor_and_namespace() {
    let (dir, ws) = signed_sample();
    let seq = ledger_entries(&ws);
    let check = |lines: &[String]| {
        let signers = allowed(dir.path(), lines);
        verify(&ws, &["--allowed-signers", signers.to_str().unwrap()])
    };
    let (code, stdout) = check(&[format!("{ACTOR} {}", public("alice"))]);
    assert_eq!(code, 0, "{stdout}");
    // Patterns, namespaces and validity as OpenSSH reads them.
    let (code, stdout) = check(&[format!(
        "*@example.com namespaces=\"git,vendorscore-*\",valid-after=\"20261101\" {}",
        public("alice")
    )]);
    assert_eq!(code, 0, "{stdout}");

    let (code, stdout) = check(&[format!("j.smith@example.com {}", public("alice"))]);
    assert_eq!(code, 1);
    assert!(
        stdout.contains(&format!("audit/ledger.jsonl:{seq} (seq {seq}): signed by key SHA256:"))
            && stdout
                .contains(&format!("which is allowed for j.smith@example.com but not for the entry's actor `{ACTOR}`")),
        "{stdout}"
    );
    let (code, stdout) = check(&[format!("*@example.com,!{ACTOR} {}", public("alice"))]);
    assert_eq!(code, 1, "a negated pattern vetoes: {stdout}");
    let (code, stdout) = check(&[format!("{ACTOR} {}", public("bob"))]);
    assert_eq!(code, 1);
    assert!(stdout.contains("which the allowed signers file does not list"), "{stdout}");
    let (code, stdout) = check(&[format!("{ACTOR} namespaces=\"git\" {}", public("alice"))]);
    assert_eq!(code, 1);
    assert!(stdout.contains("allows it only for namespaces \"git\""), "{stdout}");
    // The entry's time (2026-11-21T10:00:00Z) is checked against the validity window.
    let (code, stdout) = check(&[format!("{ACTOR} valid-before=\"20261121095959Z\" {}", public("alice"))]);
    assert_eq!(code, 1);
    assert!(stdout.contains("valid only before 20261121095959"), "{stdout}");

    // A malformed allowed_signers line is located, and nothing is verified.
    let signers = allowed(dir.path(), &["# ours".into(), format!("{ACTOR} ssh-ed25519 AAAAnot-a-key")]);
    vendorscore(&ws).args(["audit", "verify", "--allowed-signers"]).arg(&signers).assert().code(2).stderr(
        predicate::str::contains(format!("{}:2:24: `ssh-ed25519 …` is not a readable public key", signers.display())),
    );
}

#[test]
fn tampered_signatures_and_resealed_entries_fail() {
    let (dir, ws) = signed_sample();
    let signers = allowed(dir.path(), &[format!("{ACTOR} {}", public("alice"))]);
    let signers = signers.to_str().unwrap();
    let entry = last_entry(&ws);
    let signature = entry["signature"].as_str().unwrap().to_owned();
    // One base64 character of the signature bytes (near the end) changed.
    let mut tampered: Vec<char> = signature.chars().collect();
    let at = signature.rfind("\n-----END").unwrap() - 8;
    tampered[at] = if tampered[at] == 'A' { 'B' } else { 'A' };
    set_last_signature(&ws, &tampered.into_iter().collect::<String>());
    for args in [vec!["--allowed-signers", signers], vec![]] {
        let (code, stdout) = verify(&ws, &args);
        assert_eq!(code, 1, "{stdout}");
        assert!(stdout.contains("the signature does not match the entry's hash"), "{stdout}");
    }

    // Someone who can write the ledger changes the result and recomputes the
    // hash: the chain holds, the signature does not.
    set_last_signature(&ws, &signature);
    let path = ws.join("audit/ledger.jsonl");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let mut entry: Value = serde_json::from_str(lines.last().unwrap()).unwrap();
    entry["actor"] = Value::String(ACTOR.into());
    entry["result"]["vendors"][0]["score"] = Value::String("99.99".into());
    let object = entry.as_object_mut().unwrap();
    object.remove("hash");
    let signature = object.remove("signature").unwrap();
    let hash = vendorscore::audit::hash::sha256_hex(&vendorscore::audit::jcs::canonical(&entry).unwrap());
    entry["hash"] = Value::String(hash);
    entry["signature"] = signature;
    *lines.last_mut().unwrap() = String::from_utf8(vendorscore::audit::jcs::canonical(&entry).unwrap()).unwrap();
    std::fs::write(&path, lines.iter().map(|l| format!("{l}\n")).collect::<String>()).unwrap();
    let (code, stdout) = verify(&ws, &[]);
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("the signature does not match the entry's hash"), "{stdout}");
    assert!(!stdout.contains("chain is broken") && !stdout.contains("hash does not match"), "{stdout}");
}

#[test]
fn unsigned_entries_fail_only_when_signatures_are_required() {
    let (dir, ws) = signed_sample();
    let n = ledger_entries(&ws);
    let signers = allowed(dir.path(), &[format!("{ACTOR} {}", public("alice"))]);
    let signers = signers.to_str().unwrap();
    let (code, stdout) = verify(&ws, &["--allowed-signers", signers]);
    assert_eq!(code, 0, "{stdout}");
    let (code, stdout) = verify(&ws, &["--allowed-signers", signers, "--require-signatures"]);
    assert_eq!(code, 1);
    let unsigned: Vec<&str> =
        stdout.lines().filter(|l| l.ends_with("the entry is not signed (--require-signatures)")).collect();
    assert_eq!(unsigned.len(), n - 1, "{stdout}");
    assert!(unsigned[0].starts_with("audit/ledger.jsonl:1 (seq 1): "), "{stdout}");
    // --require-signatures needs someone to check them against.
    vendorscore(&ws).args(["audit", "verify", "--require-signatures"]).assert().code(2);
}

#[test]
fn expect_head_catches_a_rewritten_or_cut_chain() {
    let dir = sample();
    let ws = dir.path().join("ws");
    let head = String::from_utf8(vendorscore(&ws).args(["audit", "head"]).output().unwrap().stdout).unwrap();
    let (seq, hash) = head.trim().split_once(' ').unwrap();
    vendorscore(&ws).args(["score", "-q"]).assert().success();
    let quoted = format!("{seq}:{hash}");
    assert_eq!(verify(&ws, &["--expect-head", &quoted]).0, 0, "an earlier head is still on the chain");
    assert_eq!(verify(&ws, &["--expect-head", &format!("{seq} {hash}")]).0, 0, "as `audit head` prints it");
    let other = format!("{seq}:{}", "0".repeat(64));
    let (code, stdout) = verify(&ws, &["--expect-head", &other]);
    assert_eq!(code, 1);
    assert!(stdout.contains(&format!("entry {seq} has hash {hash}, not the expected 000")), "{stdout}");
    let beyond = format!("{}:{hash}", ledger_entries(&ws) + 5);
    let (code, stdout) = verify(&ws, &["--expect-head", &beyond]);
    assert_eq!(code, 1);
    assert!(stdout.contains("it was cut short, or the head is from another ledger"), "{stdout}");
    vendorscore(&ws).args(["audit", "verify", "--expect-head", "3:abc"]).assert().code(2);
}

#[test]
fn keys_come_from_the_flag_the_environment_or_the_settings_and_bad_ones_stop_the_run() {
    let dir = sample();
    let ws = dir.path().join("ws");
    let n = ledger_entries(&ws);
    for (name, why) in [
        ("encrypted", "is protected by a passphrase"),
        ("ecdsa", "ledger entries are signed with ed25519 keys only"),
        ("alice.pub", "is not an OpenSSH private key"),
    ] {
        let path =
            if name.ends_with(".pub") { repo().join("tests/cli/keys").join(name) } else { key(dir.path(), name) };
        vendorscore(&ws)
            .args(["score", "-q", "--signing-key"])
            .arg(&path)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(why));
    }
    assert_eq!(ledger_entries(&ws), n, "nothing recorded with a key that cannot sign");
    let alice = key(dir.path(), "alice");
    vendorscore(&ws).args(["score", "-q"]).env("VENDORSCORE_SIGNING_KEY", &alice).assert().success();
    assert!(last_entry(&ws).get("signature").is_some());
    let settings = std::fs::read_to_string(ws.join("vendorscore.toml")).unwrap();
    std::fs::write(ws.join("vendorscore.toml"), format!("{settings}\n[audit]\nsigning_key = \"../alice\"\n")).unwrap();
    vendorscore(&ws).args(["check", "-q"]).assert().code(1);
    let entry = last_entry(&ws);
    assert_eq!((entry["action"].as_str(), entry.get("signature").is_some()), (Some("check"), true));
    vendorscore(&ws).args(["validate", "vendorscore.toml"]).assert().success();
    let signers = allowed(dir.path(), &[format!("* {}", public("alice"))]);
    assert_eq!(verify(&ws, &["--allowed-signers", signers.to_str().unwrap()]).0, 0);
}

#[test]
fn settings_that_do_not_validate_stop_a_run_instead_of_leaving_it_unsigned() {
    let dir = sample();
    let ws = dir.path().join("ws");
    let n = ledger_entries(&ws);
    let settings = std::fs::read_to_string(ws.join("vendorscore.toml")).unwrap();
    // A misspelt key in [audit]: the signing key it means to give is not known.
    let broken = format!("{settings}\n[audit]\nsigning_kee = \"../alice\"\n");
    let line = broken.lines().position(|l| l.starts_with("signing_kee")).unwrap() + 1;
    std::fs::write(ws.join("vendorscore.toml"), &broken).unwrap();
    // `score` and `check` read the settings for themselves; `due` and `diff
    // --entries` do not, and once recorded an unsigned entry in silence.
    for command in [&["score"][..], &["check"], &["due"], &["diff", "--entries", "1", "1"]] {
        let output = vendorscore(&ws).args(command).arg("-q").output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{command:?}: {stderr}");
        assert!(stderr.contains(&format!("vendorscore.toml:{line}:1")), "{command:?}: located: {stderr}");
        assert!(stderr.contains("signing_kee"), "{command:?}: {stderr}");
        assert_eq!(ledger_entries(&ws), n, "{command:?}: nothing recorded");
    }
}
