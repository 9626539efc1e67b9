//! `init`, `demo`, `schema`, `completions` and the shipped content.

use predicates::prelude::*;
use serde_json::Value;

use crate::{repo, vendorscore};

/// A TOML document as JSON, with dates as the strings the schemas describe.
fn toml_to_json(value: toml::Value) -> Value {
    match value {
        toml::Value::String(s) => Value::String(s),
        toml::Value::Integer(i) => Value::from(i),
        toml::Value::Float(f) => Value::from(f),
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(items) => Value::Array(items.into_iter().map(toml_to_json).collect()),
        toml::Value::Table(table) => Value::Object(table.into_iter().map(|(k, v)| (k, toml_to_json(v))).collect()),
    }
}

#[test]
fn the_json_schemas_accept_every_shipped_file() {
    let mut checked = 0;
    for entry in walkdir::WalkDir::new(repo().join("rubrics"))
        .into_iter()
        .chain(walkdir::WalkDir::new(repo().join("policies")))
        .chain(walkdir::WalkDir::new(repo().join("examples")))
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "toml"))
    {
        let text = std::fs::read_to_string(entry.path()).unwrap();
        let table: toml::Table = toml::from_str(&text).unwrap();
        let kind = ["rubric", "policy", "vendor", "evaluation", "contract", "workspace"]
            .into_iter()
            .find(|k| table.contains_key(*k))
            .unwrap_or_else(|| panic!("{} has no known first table", entry.path().display()));
        let output = vendorscore(&repo()).args(["schema", kind]).output().unwrap();
        assert!(output.status.success());
        let schema: Value = serde_json::from_slice(&output.stdout).unwrap();
        assert_eq!(schema["$schema"], "https://json-schema.org/draft/2020-12/schema");
        let validator = jsonschema::validator_for(&schema).unwrap();
        let instance = toml_to_json(toml::Value::Table(table));
        let errors: Vec<String> =
            validator.iter_errors(&instance).map(|e| format!("{e} at {}", e.instance_path())).collect();
        assert!(errors.is_empty(), "{}: {errors:#?}", entry.path().display());
        checked += 1;
    }
    assert!(checked > 20, "checked {checked} files");
}

#[test]
fn the_json_schemas_reject_unknown_keys() {
    let output = vendorscore(&repo()).args(["schema", "rubric"]).output().unwrap();
    let schema: Value = serde_json::from_slice(&output.stdout).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let good = serde_json::json!({"rubric": {"id": "x", "name": "X", "version": "1.0.0"}});
    let bad = serde_json::json!({"rubric": {"id": "x", "name": "X", "version": "1.0.0", "wieght": 1}});
    assert!(validator.is_valid(&good));
    assert!(!validator.is_valid(&bad));
}

#[test]
fn init_scaffolds_a_valid_workspace_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    vendorscore(dir.path()).args(["init", "ws"]).assert().success();
    let ws = dir.path().join("ws");
    for path in [
        "vendorscore.toml",
        "rubrics/ecommerce-outsourcing.toml",
        "policies/gdpr-processor.toml",
        "vendors/northwind-cx/vendor.toml",
        "vendors/northwind-cx/contract.toml",
    ] {
        assert!(ws.join(path).is_file(), "{path}");
    }
    assert!(std::fs::read_dir(ws.join("vendors/northwind-cx/evidence")).unwrap().count() > 0);
    vendorscore(&ws).args(["validate", "--deny-warnings"]).assert().success();

    std::fs::write(ws.join("vendorscore.toml"), "[workspace]\nname = \"mine\"\n").unwrap();
    vendorscore(dir.path())
        .args(["init", "ws"])
        .assert()
        .success()
        .stderr(predicate::str::contains("kept existing vendorscore.toml"));
    assert_eq!(std::fs::read_to_string(ws.join("vendorscore.toml")).unwrap(), "[workspace]\nname = \"mine\"\n");
}

#[test]
fn demo_writes_the_sample_workspace_and_validates_it() {
    let dir = tempfile::tempdir().unwrap();
    vendorscore(dir.path()).arg("demo").assert().success().stdout(predicate::str::contains("0 error(s)"));
    let demo = dir.path().join("vendorscore-demo");
    assert!(demo.join("vendorscore.toml").is_file());
    assert_eq!(std::fs::read_dir(demo.join("vendors")).unwrap().count(), 5);
    // A second run refreshes the sample files and still works.
    vendorscore(dir.path()).args(["demo", "--out", "vendorscore-demo"]).assert().success();
}

#[test]
fn completions_and_help_are_available() {
    vendorscore(&repo())
        .args(["completions", "bash"])
        .assert()
        .success()
        .stdout(predicate::str::contains("vendorscore"));
    let help = vendorscore(&repo()).arg("--help").output().unwrap();
    insta::assert_snapshot!("help", String::from_utf8(help.stdout).unwrap());
}
