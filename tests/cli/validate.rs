//! `vendorscore validate` as CI runs it: formats, exit codes, robustness.

use std::path::Path;

use predicates::prelude::*;
use serde_json::Value;

use crate::{repo, vendorscore};

const TYPO_RUBRIC: &str = r#"[rubric]
id = "typos"
name = "Rubric with typos"
version = "1.0"

[[category]]
id = "security"
name = "Security"
wieght = 2
weight = 0

[[category.criterion]]
id = "dpa"
name = "DPA signed"
weight = 1
kind = "bool"
"#;

fn workspace_with(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

#[test]
fn the_shipped_content_validates_clean() {
    vendorscore(&repo())
        .args(["validate", "rubrics", "policies", "examples"])
        .assert()
        .success()
        .stderr(predicate::str::contains("0 error(s)"));
}

#[test]
fn human_output_shows_every_error_with_a_caret_and_a_suggestion() {
    let dir = workspace_with(&[("rubrics/typos.toml", TYPO_RUBRIC)]);
    let output = vendorscore(dir.path()).args(["validate"]).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8(output.stderr).unwrap();
    insta::assert_snapshot!("typo_rubric_human", stderr);
}

#[test]
fn json_output_has_the_spec_shape() {
    let dir = workspace_with(&[("rubrics/typos.toml", TYPO_RUBRIC)]);
    let output = vendorscore(dir.path()).args(["validate", "--format", "json"]).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    let diagnostics = json["diagnostics"].as_array().unwrap();
    assert_eq!(json["summary"], serde_json::json!({"files": 1, "errors": diagnostics.len(), "warnings": 0}));
    let weight = diagnostics.iter().find(|d| d["code"] == "VS0104").expect("zero weight reported");
    assert_eq!(weight["file"], "rubrics/typos.toml");
    assert_eq!((weight["line"].as_u64(), weight["column"].as_u64()), (Some(10), Some(10)));
    assert_eq!((weight["end_line"].as_u64(), weight["end_column"].as_u64()), (Some(10), Some(11)));
    assert_eq!(weight["severity"], "error");
    let codes: Vec<&str> = diagnostics.iter().map(|d| d["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["VS0011", "VS0004", "VS0104", "VS0007"]);
}

#[test]
fn github_and_sarif_formats_locate_each_problem() {
    let dir = workspace_with(&[("rubrics/typos.toml", TYPO_RUBRIC)]);
    let github = vendorscore(dir.path()).args(["validate", "--format", "github"]).output().unwrap();
    let text = String::from_utf8(github.stdout).unwrap();
    assert_eq!(text.lines().count(), 4);
    assert!(text.contains("::error file=rubrics/typos.toml,line=9,col=1,endLine=9,endColumn=7,title=VS0004 unknown key::unknown key `wieght` in `category`%0Ahelp: did you mean `weight`?"), "{text}");

    let sarif = vendorscore(dir.path()).args(["validate", "--format=sarif"]).output().unwrap();
    assert_eq!(sarif.status.code(), Some(1));
    let json: Value = serde_json::from_slice(&sarif.stdout).unwrap();
    assert_eq!(json["version"], "2.1.0");
    let results = json["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 4);
    let region = &results[2]["locations"][0]["physicalLocation"]["region"];
    assert_eq!(results[2]["ruleId"], "VS0104");
    assert_eq!(region["startLine"], 10);
    let rules = json["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
    let index = results[2]["ruleIndex"].as_u64().unwrap() as usize;
    assert_eq!(rules[index]["id"], "VS0104");
}

/// The OASIS SARIF 2.1.0 schema, shipped beside the repository.
fn sarif_schema() -> Value {
    let path = crate::repo().join("../shared/schemas/sarif-schema-2.1.0.json");
    serde_json::from_str(&std::fs::read_to_string(&path).expect("../shared/schemas holds the SARIF schema")).unwrap()
}

#[test]
fn sarif_is_valid_against_the_oasis_schema_and_what_code_scanning_needs() {
    // A workspace in a subfolder of a git repository, with a file-level problem and a name to encode.
    let repo = tempfile::tempdir().unwrap();
    std::fs::create_dir(repo.path().join(".git")).unwrap();
    let ws = repo.path().join("procurement/tender 2026");
    std::fs::create_dir_all(ws.join("rubrics")).unwrap();
    std::fs::write(ws.join("vendorscore.toml"), "[workspace]\nname = \"t\"\n").unwrap();
    std::fs::write(ws.join("rubrics/typos.toml"), TYPO_RUBRIC).unwrap();
    std::fs::write(ws.join("rubrics/bad é.toml"), b"\xff\xfe").unwrap();
    let output = vendorscore(&ws).args(["validate", "--format=sarif"]).output().unwrap();
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    let validator = jsonschema::validator_for(&sarif_schema()).unwrap();
    let errors: Vec<String> = validator.iter_errors(&json).map(|e| format!("{e} at {}", e.instance_path())).collect();
    assert!(errors.is_empty(), "{errors:#?}");

    let run = &json["runs"][0];
    let root = run["originalUriBaseIds"]["SRCROOT"]["uri"].as_str().unwrap();
    assert!(root.starts_with("file:///") && root.ends_with('/'), "{root}");
    let results = run["results"].as_array().unwrap();
    let uris: Vec<&str> = results
        .iter()
        .map(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str().unwrap())
        .collect();
    assert!(uris.contains(&"procurement/tender%202026/rubrics/typos.toml"), "{uris:?}");
    assert!(uris.contains(&"procurement/tender%202026/rubrics/bad%20%C3%A9.toml"), "{uris:?}");
    for result in results {
        let location = &result["locations"][0]["physicalLocation"];
        assert_eq!(location["artifactLocation"]["uriBaseId"], "SRCROOT");
        assert!(location["region"]["startLine"].as_u64().unwrap() >= 1, "a region on every result");
        assert!(result["partialFingerprints"]["primaryLocationLineHash"].is_string());
    }
    let rule = &run["tool"]["driver"]["rules"][0];
    for key in ["fullDescription", "help", "helpUri"] {
        assert!(!rule[key].is_null(), "rules carry {key}");
    }
    assert!(rule["help"]["markdown"].is_string());
    // Annotations name the file from the repository root too.
    let github = vendorscore(&ws).args(["validate", "--format=github"]).output().unwrap();
    let text = String::from_utf8(github.stdout).unwrap();
    assert!(text.contains("file=procurement/tender 2026/rubrics/typos.toml"), "{text}");
}

#[test]
fn warnings_pass_unless_denied() {
    let dir = workspace_with(&[("notes.toml", "title = \"not ours\"\n")]);
    vendorscore(dir.path()).arg("validate").assert().code(0).stderr(predicate::str::contains("VS0003"));
    vendorscore(dir.path()).args(["validate", "--deny-warnings"]).assert().code(1);
}

#[test]
fn cross_file_errors_point_at_the_line_that_is_wrong() {
    let vendor = "[vendor]\nid = \"acme\"\nname = \"Acme\"\n\n[answers.security]\ndpa_signd = true\n";
    let dir = workspace_with(&[("vendors/acme/vendor.toml", vendor)]);
    let output = vendorscore(dir.path()).args(["validate", "--format", "json"]).output().unwrap();
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    let d = &json["diagnostics"][0];
    assert_eq!(
        (d["code"].as_str(), d["file"].as_str(), d["line"].as_u64()),
        (Some("VS0202"), Some("vendors/acme/vendor.toml"), Some(6))
    );
    assert_eq!(d["help"], "did you mean `dpa_signed`?");
}

#[test]
fn usage_errors_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    vendorscore(dir.path())
        .args(["validate", "nope"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("nope: no such file"));
    vendorscore(dir.path())
        .args(["validate", "--format", "csv"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("validate cannot print csv; use human, json, github or sarif"));
    vendorscore(dir.path()).args(["validate", "--format", "xml"]).assert().code(2);
    vendorscore(dir.path()).args(["frobnicate"]).assert().code(2);
}

#[test]
fn hostile_inputs_never_panic() {
    let deep = format!(
        "[rubric]\nid = \"x\"\nname = \"x\"\nversion = \"1.0.0\"\ndescription = {}1{}\n",
        "[".repeat(5000),
        "]".repeat(5000)
    );
    let nested_tables = format!("[rubric.{}]\n", vec!["a"; 3000].join("."));
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("empty.toml", Vec::new()),
        ("binary.toml", (0..=255u8).cycle().take(4096).collect()),
        ("truncated.toml", b"[rubric]\nid = \"x\"\nname = \"unterminated".to_vec()),
        ("huge-numbers.toml", b"[rubric]\nid = \"x\"\nname = \"x\"\nversion = \"1.0.0\"\npass_mark = 1e400\n[[category]]\nid = \"a\"\nname = \"a\"\nweight = 99999999999999999999999\n".to_vec()),
        ("deep-array.toml", deep.into_bytes()),
        ("deep-tables.toml", nested_tables.into_bytes()),
        ("only-header.toml", b"[vendor]\n".to_vec()),
        ("contract.toml", b"[contract]\nvendor = \"x\"\n[[sla]]\nid = \"a\"\nmetric = \"csat\"\nchannel = \"chat\"\ntarget = \"9999999999999999999999d\"\nattainment = -1\nperiod = \"month\"\n".to_vec()),
        ("policy.toml", b"[policy]\nid = \"p\"\nname = \"p\"\nversion = \"1.0.0\"\n[[rule]]\nid = \"r\"\ntitle = \"t\"\nseverity = \"high\"\nrequire = \"{{ ((((\"\n".to_vec()),
    ];
    for (name, bytes) in cases {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(name), &bytes).unwrap();
        let output = vendorscore(dir.path()).args(["validate", "--format", "json"]).output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!stderr.contains("panicked"), "{name}: {stderr}");
        assert!(matches!(output.status.code(), Some(0 | 1)), "{name}: {:?} {stderr}", output.status);
        let json: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("{name}: {e}"));
        if name != "empty.toml" {
            assert!(json["summary"]["errors"].as_u64().unwrap() > 0 || name == "only-header.toml", "{name}: {json}");
        }
    }
}

#[test]
fn a_single_file_outside_a_workspace_is_checked_against_the_built_in_rubric() {
    let dir = workspace_with(&[(
        "acme/vendor.toml",
        "[vendor]\nid = \"acme\"\nname = \"Acme\"\n[answers.security]\nmfa = \"yes\"\n",
    )]);
    let output = vendorscore(dir.path()).args(["validate", "acme/vendor.toml", "--format", "json"]).output().unwrap();
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["diagnostics"][0]["code"], "VS0203", "{json}");
    assert!(Path::new(&dir.path().join("acme/vendor.toml")).exists());
}
