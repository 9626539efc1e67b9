//! The README agrees with the binary: the built-in content it lists is what
//! is compiled in, and it links nothing outside the repository.

use crate::repo;

fn readme() -> String {
    std::fs::read_to_string(repo().join("README.md")).unwrap()
}

#[test]
fn the_readme_lists_exactly_the_built_in_rubrics_and_policies() {
    let text = readme();
    let section = text.split("### Built-in content").nth(1).unwrap().split("\n## ").next().unwrap();
    let mut listed: Vec<String> = section
        .split('`')
        .skip(1)
        .step_by(2)
        .map(|id| id.trim_start_matches("builtin:").to_owned())
        .filter(|id| !["reference", "ID", "vendorscore list"].contains(&id.as_str()))
        .collect();
    listed.sort();
    let mut compiled: Vec<String> =
        vendorscore::builtin::names().iter().map(|n| n.trim_start_matches("builtin:").to_owned()).collect();
    compiled.sort();
    assert_eq!(listed, compiled);
}

#[test]
fn readme_links_stay_inside_the_repository() {
    let text = readme();
    for link in text.split("](").skip(1).map(|rest| rest.split(')').next().unwrap()) {
        if link.starts_with("http") || link.starts_with('#') {
            continue;
        }
        let path = link.split('#').next().unwrap();
        assert!(!path.starts_with(".."), "{link} leaves the repository");
        assert!(repo().join(path).exists(), "{link} does not exist");
    }
}

#[test]
fn list_shows_every_built_in() {
    let output = crate::vendorscore(&crate::repo()).args(["list", "--format", "json"]).output().unwrap();
    assert!(output.status.success());
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let mut ids: Vec<String> = ["rubrics", "policies"]
        .iter()
        .flat_map(|k| json[k].as_array().unwrap().iter().map(|e| e["id"].as_str().unwrap().to_owned()))
        .collect();
    ids.sort();
    let mut compiled = vendorscore::builtin::names();
    compiled.sort();
    assert_eq!(ids, compiled);
    assert!(json["templates"].as_array().unwrap().iter().any(|t| t == "scorecard.md.j2"));
    assert!(json["rubrics"][0]["title"].as_str().unwrap().ends_with("1.0.0"));
}

#[test]
fn the_manual_page_is_roff_naming_every_command() {
    let output = crate::vendorscore(&crate::repo()).arg("man").output().unwrap();
    assert!(output.status.success());
    let page = String::from_utf8(output.stdout).unwrap();
    assert!(page.contains(".TH vendorscore 1"), "{page}");
    for command in ["validate", "score", "check", "sla", "report", "audit", "list", "man"] {
        assert!(page.contains(&format!("vendorscore\\-{command}")) || page.contains(command), "{command}");
    }
    let dir = tempfile::tempdir().unwrap();
    crate::vendorscore(dir.path()).args(["man", "--out", "man1"]).assert().success();
    for page in ["vendorscore.1", "vendorscore-score.1", "vendorscore-audit.1"] {
        assert!(dir.path().join("man1").join(page).is_file(), "{page}");
    }
}
