//! The README agrees with the binary: the built-in content it lists is what
//! is compiled in, and it links nothing outside the repository.

use std::path::Path;

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

/// The Markdown files of `docs/`, sorted.
fn docs() -> Vec<(String, String)> {
    let mut files: Vec<_> = std::fs::read_dir(repo().join("docs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    files.sort();
    files.iter().map(|p| (format!("docs/{}", p.file_name().unwrap().to_string_lossy()), read(p))).collect()
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap()
}

#[test]
fn docs_links_stay_inside_the_repository_and_nothing_cites_the_spec() {
    let root = repo();
    for (name, text) in docs() {
        assert!(!text.contains("SPEC"), "{name} cites SPEC: the docs are the project's own reference");
        for link in text.split("](").skip(1).map(|rest| rest.split(')').next().unwrap()) {
            if link.starts_with("http") || link.starts_with('#') {
                continue;
            }
            let mut resolved = root.join("docs");
            for part in Path::new(link.split('#').next().unwrap()).components() {
                match part {
                    std::path::Component::ParentDir => assert!(resolved.pop(), "{name}: {link}"),
                    other => resolved.push(other),
                }
            }
            assert!(resolved.starts_with(&root), "{name}: {link} leaves the repository");
            assert!(resolved.exists(), "{name}: {link} does not exist");
        }
    }
}

/// Where a docs example of `kind` goes in a copy of the sample workspace,
/// and the files it names that must exist (evidence, a font).
fn place(kind: &str, doc: &toml::Table) -> (String, Vec<String>) {
    let field = |table: &str, key: &str| -> Option<String> { doc.get(table)?.get(key)?.as_str().map(str::to_owned) };
    match kind {
        "workspace" => ("vendorscore.toml".to_owned(), field("report", "font").into_iter().collect()),
        "tiering" => ("tiering.toml".to_owned(), Vec::new()),
        "calendar" => (format!("calendars/{}.toml", field("calendar", "id").expect("an id")), Vec::new()),
        "rubric" | "policy" => {
            let folder = if kind == "rubric" { "rubrics" } else { "policies" };
            (format!("{folder}/{}.toml", field(kind, "id").expect("an id")), Vec::new())
        }
        "vendor" => {
            let id = field("vendor", "id").expect("a vendor id");
            let mut evidence = Vec::new();
            for answer in doc.get("answers").and_then(toml::Value::as_table).into_iter().flat_map(|t| t.values()) {
                for value in answer.as_table().into_iter().flat_map(|t| t.values()) {
                    let cited = value.get("evidence").and_then(toml::Value::as_array).into_iter().flatten();
                    evidence.extend(cited.map(|e| format!("vendors/{id}/{}", e.as_str().unwrap())));
                }
            }
            (format!("vendors/{id}/vendor.toml"), evidence)
        }
        "evaluation" => {
            let vendor = field("evaluation", "vendor").unwrap_or_else(|| "northwind-cx".to_owned());
            let evaluator = field("evaluation", "evaluator").expect("an evaluator");
            (format!("vendors/{vendor}/evaluations/{evaluator}.toml"), Vec::new())
        }
        "contract" => (format!("vendors/{}/contract.toml", field("contract", "vendor").unwrap()), Vec::new()),
        other => panic!("no file kind `{other}`"),
    }
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Every ```toml example in docs/ says what it is in its fence: a file kind
/// (`toml rubric`: validated, in a copy of the sample workspace, with no error
/// and no warning), `fragment` (part of a file: it must parse) or `wrong`
/// (a mistake shown on purpose, in docs/diagnostics.md only).
#[test]
fn every_toml_example_in_the_docs_is_valid_as_what_its_fence_says() {
    let mut kinds_seen = std::collections::BTreeSet::new();
    for (name, text) in docs() {
        let mut lines = text.lines().enumerate();
        while let Some((number, line)) = lines.next() {
            let Some(info) = line.strip_prefix("```toml") else { continue };
            let body: String =
                lines.by_ref().take_while(|(_, l)| !l.starts_with("```")).map(|(_, l)| format!("{l}\n")).collect();
            let at = format!("{name}:{}", number + 1);
            let kind = info.trim();
            match kind {
                "" => panic!("{at}: say what the example is: ```toml KIND, ```toml fragment or ```toml wrong"),
                "wrong" => {
                    assert_eq!(name, "docs/diagnostics.md", "{at}: `wrong` examples belong in docs/diagnostics.md")
                }
                "fragment" => {
                    toml::from_str::<toml::Table>(&body).unwrap_or_else(|e| panic!("{at}: not TOML: {e}"));
                }
                kind => {
                    let doc: toml::Table = toml::from_str(&body).unwrap_or_else(|e| panic!("{at}: not TOML: {e}"));
                    let dir = tempfile::tempdir().unwrap();
                    let ws = dir.path();
                    copy_tree(&repo().join("examples"), ws);
                    copy_tree(&repo().join("rubrics"), &ws.join("rubrics"));
                    copy_tree(&repo().join("policies"), &ws.join("policies"));
                    let (path, evidence) = place(kind, &doc);
                    for file in evidence {
                        std::fs::create_dir_all(ws.join(&file).parent().unwrap()).unwrap();
                        if file.ends_with(".ttf") {
                            std::fs::copy(repo().join("tests/fixtures/fonts/wqy-microhei-subset.ttf"), ws.join(file))
                                .unwrap();
                        } else {
                            std::fs::write(ws.join(file), "evidence").unwrap();
                        }
                    }
                    std::fs::create_dir_all(ws.join(&path).parent().unwrap()).unwrap();
                    std::fs::write(ws.join(&path), &body).unwrap();
                    let output = crate::vendorscore(ws).args(["validate", "--format", "json", &path]).output().unwrap();
                    let json: serde_json::Value = serde_json::from_slice(&output.stdout)
                        .unwrap_or_else(|_| panic!("{at}: {}", String::from_utf8_lossy(&output.stderr)));
                    let summary = &json["summary"];
                    assert!(
                        summary["errors"] == 0 && summary["warnings"] == 0 && summary["files"] == 1,
                        "{at}: the {kind} example does not validate as {path}:\n{:#}",
                        json["diagnostics"]
                    );
                    kinds_seen.insert(kind.to_owned());
                }
            }
        }
    }
    let every: Vec<&str> =
        ["calendar", "contract", "evaluation", "policy", "rubric", "tiering", "vendor", "workspace"].into();
    assert_eq!(kinds_seen.iter().map(String::as_str).collect::<Vec<_>>(), every, "an example of every file kind");
}
