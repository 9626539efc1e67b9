//! Every diagnostic code has fixtures under `tests/fixtures/<kind>/{ok,err}/`.
//!
//! An `ok` entry (a file, or a folder holding a small workspace) validates
//! with no diagnostic at all. An `err` entry is named after the code it
//! triggers (`VS0104-zero-weight.toml`) and marks each expected diagnostic
//! with a comment at the end of the line it must be reported on:
//! `weight = 0  # expect: VS0104`. The diagnostics must match the marks
//! exactly: same lines, same codes, nothing more. A problem reported at a
//! folder (no line) is marked by a file named `EXPECT` in that folder, one
//! code per line. An entry with no mark at all (e.g. a file that is not
//! UTF-8) must report its code and nothing else.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use vendorscore::diag::Code;
use vendorscore::validate::validate_paths;
use vendorscore::workspace::Workspace;

use crate::repo;

fn entries(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> =
        std::fs::read_dir(dir).map(|rd| rd.map(|e| e.expect("readable").path()).collect()).unwrap_or_default();
    out.sort();
    out
}

fn fixture_dirs(which: &str) -> Vec<PathBuf> {
    entries(&repo().join("tests/fixtures")).into_iter().map(|kind| kind.join(which)).filter(|d| d.is_dir()).collect()
}

/// (file, line, code) of every diagnostic from validating one entry.
fn found(entry: &Path) -> BTreeSet<(String, usize, String)> {
    let root = if entry.is_dir() { entry.to_path_buf() } else { entry.parent().unwrap().to_path_buf() };
    let workspace = Workspace { root };
    let validation = validate_paths(&workspace, &[entry.to_path_buf()]).expect("validation runs");
    validation
        .diagnostics
        .iter()
        .map(|d| {
            let line = match (&d.span, validation.sources.get(&d.file)) {
                (Some(span), Some(source)) => source.position(span.start).line,
                _ => 0,
            };
            (d.file.clone(), line, d.code.as_str().to_owned())
        })
        .collect()
}

/// (file, line, code) of every `# expect: VSxxxx` mark in an entry.
pub(crate) fn marked(entry: &Path) -> BTreeSet<(String, usize, String)> {
    let root = if entry.is_dir() { entry.to_path_buf() } else { entry.parent().unwrap().to_path_buf() };
    let mut marks = BTreeSet::new();
    for file in walkdir::WalkDir::new(entry).into_iter().flatten().filter(|e| e.file_type().is_file()) {
        let Ok(text) = std::fs::read_to_string(file.path()) else { continue };
        if file.file_name() == "EXPECT" {
            let folder = file.path().parent().unwrap().strip_prefix(&root).unwrap();
            for code in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
                marks.insert((vendorscore::workspace::slash_path(folder), 0, code.to_owned()));
            }
            continue;
        }
        let shown = vendorscore::workspace::slash_path(file.path().strip_prefix(&root).unwrap());
        for (i, line) in text.lines().enumerate() {
            for mark in line.split("expect: ").skip(1) {
                let code: String = mark.chars().take(6).collect();
                marks.insert((shown.clone(), i + 1, code));
            }
        }
    }
    marks
}

#[test]
fn ok_fixtures_have_no_diagnostics() {
    let mut checked = 0;
    for dir in fixture_dirs("ok") {
        for entry in entries(&dir) {
            let found = found(&entry);
            assert!(found.is_empty(), "{}: expected no diagnostics, found {found:?}", entry.display());
            checked += 1;
        }
    }
    assert!(checked >= 6, "every kind has an ok fixture");
}

#[test]
fn err_fixtures_report_exactly_what_they_mark() {
    let mut failures = Vec::new();
    // Returned questionnaires are not validated files: tests/cli/questionnaire.rs reads them as an import does.
    // Report fixtures validate; tests/cli/report.rs runs `report` on them.
    let skipped = |d: &PathBuf| ["questionnaire", "report"].iter().any(|k| d.parent().unwrap().ends_with(k));
    for dir in fixture_dirs("err").into_iter().filter(|d| !skipped(d)) {
        for entry in entries(&dir) {
            let name = entry.file_name().unwrap().to_string_lossy().into_owned();
            let code = &name[..6];
            let found = found(&entry);
            let marked = marked(&entry);
            if marked.is_empty() {
                let codes: BTreeSet<&str> = found.iter().map(|(_, _, c)| c.as_str()).collect();
                if codes != BTreeSet::from([code]) {
                    failures.push(format!("{name}: expected only {code}, found {found:?}"));
                }
            } else {
                if !marked.iter().any(|(_, _, c)| c == code) {
                    failures.push(format!("{name}: no mark for its own code {code}"));
                }
                if found != marked {
                    let missing: Vec<_> = marked.difference(&found).collect();
                    let extra: Vec<_> = found.difference(&marked).collect();
                    failures.push(format!("{name}: marked but not found {missing:?}; found but not marked {extra:?}"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn every_code_has_an_err_fixture_and_documentation() {
    let names: Vec<String> = fixture_dirs("err")
        .iter()
        .flat_map(|d| entries(d))
        .map(|e| e.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    let docs = std::fs::read_to_string(repo().join("docs/diagnostics.md")).expect("docs/diagnostics.md exists");
    let mut missing = Vec::new();
    for code in Code::ALL {
        if !names.iter().any(|n| n.starts_with(code.as_str())) {
            missing.push(format!("{code}: no fixture in tests/fixtures/*/err/"));
        }
        if !docs.contains(&format!("## {code}")) {
            missing.push(format!("{code}: no `## {code}` section in docs/diagnostics.md"));
        }
    }
    assert!(missing.is_empty(), "\n{}", missing.join("\n"));
}
