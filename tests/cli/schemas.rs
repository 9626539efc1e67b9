//! The schemas `vendorscore schema KIND` prints, as other tools read them:
//! Python's jsonschema and taplo (with the shipped `.taplo.toml`) accept every
//! shipped file, and reject, at the key, values that `validate` rejects.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::{repo, vendorscore};

const KINDS: [&str; 8] = ["workspace", "rubric", "vendor", "evaluation", "contract", "policy", "tiering", "calendar"];

/// A copy of the sample workspace with the shipped rubrics, policies and
/// tiering, a workspace calendar, `.taplo.toml`, and the schemas written to `.schemas/`.
fn workspace_with_schemas() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path();
    let calendars = ("tests/fixtures/calendar/ok/shared/calendars", "calendars");
    for (from, to) in [("examples", ""), ("rubrics", "rubrics"), ("policies", "policies"), ("tiering", ""), calendars] {
        for entry in walkdir::WalkDir::new(repo().join(from)) {
            let entry = entry.unwrap();
            let target = ws.join(to).join(entry.path().strip_prefix(repo().join(from)).unwrap());
            if entry.file_type().is_dir() {
                std::fs::create_dir_all(&target).unwrap();
            } else {
                std::fs::copy(entry.path(), &target).unwrap();
            }
        }
    }
    std::fs::copy(repo().join(".taplo.toml"), ws.join(".taplo.toml")).unwrap();
    std::fs::create_dir_all(ws.join(".schemas")).unwrap();
    for kind in KINDS {
        let output = vendorscore(ws).args(["schema", kind]).output().unwrap();
        assert!(output.status.success());
        std::fs::write(ws.join(format!(".schemas/{kind}.json")), output.stdout).unwrap();
    }
    dir
}

/// Every TOML file of the copy with its kind, as `.taplo.toml` associates them.
fn files_by_kind(ws: &Path) -> Vec<(&'static str, PathBuf)> {
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(ws).sort_by_file_name() {
        let path = entry.unwrap().path().strip_prefix(ws).unwrap().to_path_buf();
        let text = path.to_string_lossy().into_owned();
        let kind = match text.as_str() {
            "vendorscore.toml" => "workspace",
            "tiering.toml" => "tiering",
            _ if text.starts_with("rubrics/") => "rubric",
            _ if text.starts_with("policies/") => "policy",
            _ if text.starts_with("calendars/") => "calendar",
            _ if text.ends_with("/vendor.toml") => "vendor",
            _ if text.ends_with("/contract.toml") => "contract",
            _ if text.contains("/evaluations/") => "evaluation",
            _ => continue,
        };
        files.push((kind, path));
    }
    files
}

/// Whether a tool the test needs is here; under CI (`CI` set) its absence fails the test.
fn needed(tool: &str, here: bool, install: &str) -> bool {
    if !here {
        assert!(std::env::var_os("CI").is_none(), "{tool} is missing: {install} (.ci/run does)");
        eprintln!("SKIPPED: {tool} is missing here ({install}); .ci/run installs it");
    }
    here
}

/// Python's jsonschema errors for each (kind, file) of `ws`.
fn jsonschema_errors(ws: &Path, files: &[(&str, PathBuf)]) -> Vec<Value> {
    let mut command = Command::new("python3");
    command.arg(repo().join("tests/cli/jsonschema_check.py")).current_dir(ws);
    for (kind, file) in files {
        command.arg(format!(".schemas/{kind}.json")).arg(file);
    }
    let output = command.output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice::<Vec<Value>>(&output.stdout).unwrap()
}

/// Wrong values, each one that `validate` refuses too: the file, the line
/// replaced, its replacement, the key the error is at and words of its message.
const WRONG: [(&str, &str, &str, &str, &str); 10] = [
    ("vendors/northwind-cx/vendor.toml", "country = \"PL\"", "country = \"XX\"", "vendor/country", "is not one of"),
    (
        "vendors/northwind-cx/vendor.toml",
        "id = \"northwind-cx\"",
        "id = \"Northwind CX\"",
        "vendor/id",
        "does not match",
    ),
    (
        "vendors/northwind-cx/contract.toml",
        "currency = \"EUR\"",
        "currency = \"EURO\"",
        "contract/currency",
        "is not one of",
    ),
    (
        "vendors/northwind-cx/contract.toml",
        "attainment = 80",
        "attainment = 180",
        "sla/0/attainment",
        "greater than the maximum of 100",
    ),
    (
        "vendors/northwind-cx/contract.toml",
        "target = \"60s\"",
        "target = \"60 sec\"",
        "sla/0/target",
        "is not valid under any",
    ),
    (
        "vendors/northwind-cx/contract.toml",
        "processing_locations = [\"PL\"]",
        "processing_locations = [\"Poland\"]",
        "data_protection/processing_locations/0",
        "is not one of",
    ),
    (
        "rubrics/ecommerce-outsourcing.toml",
        "version = \"1.0.0\"",
        "version = \"1.0\"",
        "rubric/version",
        "does not match",
    ),
    (
        "rubrics/ecommerce-outsourcing.toml",
        "pass_mark = 60",
        "pass_mark = 160",
        "rubric/pass_mark",
        "greater than the maximum of 100",
    ),
    ("tiering.toml", "reassess = \"P12M\"", "reassess = \"12 months\"", "tier/0/reassess", "does not match"),
    ("calendars/eu-support.toml", "id = \"eu-support\"", "id = \"EU support\"", "calendar/id", "does not match"),
];

fn make_wrong(ws: &Path, (file, from, to, _, _): (&str, &str, &str, &str, &str)) {
    let text = std::fs::read_to_string(ws.join(file)).unwrap();
    assert!(text.contains(from), "{file} has no `{from}`");
    std::fs::write(ws.join(file), text.replacen(from, to, 1)).unwrap();
}

#[test]
fn python_jsonschema_accepts_the_shipped_files_and_rejects_what_validate_rejects_at_the_key() {
    let here = Command::new("python3").args(["-c", "import jsonschema, tomllib"]).status().is_ok_and(|s| s.success());
    if !needed("Python's jsonschema", here, "python3 -m pip install jsonschema") {
        return;
    }
    let dir = workspace_with_schemas();
    let ws = dir.path();
    let files = files_by_kind(ws);
    for kind in KINDS {
        assert!(files.iter().any(|(k, _)| *k == kind), "no shipped {kind} file");
    }
    for result in jsonschema_errors(ws, &files) {
        assert_eq!(result["errors"], serde_json::json!([]), "{}", result["file"]);
    }
    for wrong in WRONG {
        let dir = workspace_with_schemas();
        let ws = dir.path();
        make_wrong(ws, wrong);
        let (file, _, to, at, words) = wrong;
        let kind = files_by_kind(ws).into_iter().find(|(_, f)| f == Path::new(file)).unwrap().0;
        let result = &jsonschema_errors(ws, &[(kind, PathBuf::from(file))])[0];
        let errors = result["errors"].as_array().unwrap();
        // One error, at the key: an optional table is not an anyOf with null.
        assert_eq!(errors.len(), 1, "{to}: {errors:?}");
        assert_eq!(errors[0]["path"], at, "{to}");
        assert!(errors[0]["message"].as_str().unwrap().contains(words), "{to}: {errors:?}");
        vendorscore(ws).args(["validate", file]).assert().code(1);
    }
}

#[test]
fn taplo_checks_the_workspace_with_the_shipped_taplo_toml() {
    let taplo =
        // npm's @taplo/cli 0.7.0 prints "taplo 0.9.0" for --version but exits 1.
        ["taplo"].into_iter().find(|t| {
            Command::new(t).arg("--version").output().is_ok_and(|o| String::from_utf8_lossy(&o.stdout).starts_with("taplo "))
        });
    if !needed("taplo", taplo.is_some(), "npm install -g @taplo/cli") {
        return;
    }
    let taplo = taplo.unwrap();
    let dir = workspace_with_schemas();
    let ws = dir.path();
    // As the README's recipe runs it: in the workspace, which holds .taplo.toml.
    let lint = || Command::new(taplo).args(["lint", "--colors", "never"]).current_dir(ws).output().unwrap();
    let clean = lint();
    assert!(clean.status.success(), "{}", String::from_utf8_lossy(&clean.stderr));
    for wrong in [WRONG[0], WRONG[3], WRONG[6]] {
        make_wrong(ws, wrong);
    }
    let output = lint();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "{stderr}");
    for located in ["vendors/northwind-cx/vendor.toml:7:11", "maximum of 100", "rubrics/ecommerce-outsourcing.toml"] {
        assert!(stderr.contains(located), "{located}: {stderr}");
    }
}
