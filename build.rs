//! Compiles the shipped content (rubrics, policies, the tiering, templates and
//! the sample workspace) into the binary as a sorted table of (path, bytes,
//! SHA-256): a run records a built-in's digest without hashing it again.

use std::fmt::Write as _;
use std::path::Path;

use sha2::{Digest, Sha256};

const DIRS: [&str; 5] = ["rubrics", "policies", "tiering", "templates", "examples"];

fn main() {
    let root = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let mut files = Vec::new();
    for dir in DIRS {
        println!("cargo:rerun-if-changed={dir}");
        let base = Path::new(&root).join(dir);
        if !base.exists() {
            continue;
        }
        for entry in walkdir::WalkDir::new(&base).sort_by_file_name() {
            let entry = entry.expect("shipped content is readable");
            if entry.file_type().is_file() {
                let rel = entry.path().strip_prefix(&root).expect("under the manifest dir");
                let rel = rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
                if rel.ends_with(".py") {
                    continue;
                }
                files.push((rel, entry.path().display().to_string()));
            }
        }
    }
    files.sort();
    let mut out = String::from(
        "/// Shipped files, sorted by path: (path, bytes, SHA-256).\npub static FILES: &[(&str, &[u8], &str)] = &[\n",
    );
    for (rel, abs) in &files {
        let bytes = std::fs::read(abs).expect("shipped content is readable");
        let digest: String = Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
        writeln!(out, "    ({rel:?}, include_bytes!({abs:?}), {digest:?}),").expect("write to string");
    }
    out.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("builtin_files.rs");
    std::fs::write(dest, out).expect("write generated file");
}
