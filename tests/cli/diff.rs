//! `vendorscore diff` on the sample workspace: rubric files, `builtin:` and
//! `REV:path` through git, recorded runs, warnings for dropped answers.

use serde_json::Value;

use crate::score::sample;
use crate::{repo, vendorscore};

/// The built-in rubric with security reweighted (20 → 30), pentest_months
/// removed, a criterion added and the DPA gate dropped.
fn changed_rubric() -> String {
    let text = std::fs::read_to_string(repo().join("rubrics/ecommerce-outsourcing.toml")).unwrap();
    let security = text.find("id = \"security\"").unwrap();
    let (head, tail) = text.split_at(security);
    let tail = tail.replacen("weight = 20", "weight = 30", 1).replacen("gate = true\n", "", 1);
    let start = tail.find("[[category.criterion]]\nid = \"pentest_months\"").unwrap();
    let end = start + tail[start..].find("\n[[category.criterion]]").unwrap() + 1;
    let added = "[[category.criterion]]\nid = \"soc_contact\"\nname = \"Named security contact\"\nweight = 1\nkind = \"boolean\"\n\n";
    format!("{head}{}{added}{}", &tail[..start], &tail[end..])
}

fn changes(json: &Value) -> Vec<(String, String, Value, Value)> {
    json["rubric_changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["change"].as_str().unwrap().to_owned(),
                c["id"].as_str().unwrap().to_owned(),
                c["before"].clone(),
                c["after"].clone(),
            )
        })
        .collect()
}

fn check_changes(json: &Value) {
    let changes = changes(json);
    let has = |what: &str, id: &str, before: Value, after: Value| {
        assert!(changes.contains(&(what.to_owned(), id.to_owned(), before, after)), "{what} {id}: {changes:?}");
    };
    has("weight", "security", "20".into(), "30".into());
    has("criterion removed", "security.pentest_months", "2".into(), Value::Null);
    has("criterion added", "security.soc_contact", Value::Null, "1".into());
    has("gate", "security.dpa_signed", "must be true".into(), Value::Null);
    assert_eq!(changes.len(), 4, "{changes:?}");
    let vendors = json["vendors"].as_array().unwrap();
    assert_eq!(vendors.len(), 5);
    // Atlântico failed only the DPA gate: without it, it ranks.
    let atlantico = vendors.iter().find(|v| v["id"] == "atlantico-digital").unwrap();
    assert_eq!(atlantico["before"]["status"], "disqualified");
    assert_ne!(atlantico["after"]["status"], "disqualified");
    assert!(atlantico["after"]["rank"].is_u64() && atlantico["rank_changed"] == true);
    for vendor in vendors {
        let (before, after) = (vendor["before"]["score"].as_f64().unwrap(), vendor["after"]["score"].as_f64().unwrap());
        assert!((vendor["change"].as_f64().unwrap() - (after - before)).abs() < 0.011);
        let contributions = vendor["contributions"].as_array().unwrap();
        assert!(!contributions.is_empty() && contributions.len() <= 3);
        let sizes: Vec<f64> = contributions.iter().map(|c| c["change"].as_f64().unwrap().abs()).collect();
        assert!(sizes.windows(2).all(|w| w[0] >= w[1]), "largest change first: {sizes:?}");
    }
}

#[test]
fn diff_of_a_builtin_and_a_file_and_of_a_git_revision() {
    let dir = sample();
    let ws = dir.path().join("ws");
    std::fs::create_dir_all(ws.join("rubrics")).unwrap();
    std::fs::write(ws.join("rubrics/ecommerce-outsourcing.toml"), changed_rubric()).unwrap();
    let output = vendorscore(&ws)
        .args(["diff", "--before", "builtin:ecommerce-outsourcing", "--after", "rubrics/ecommerce-outsourcing.toml"])
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    check_changes(&json);
    // Every vendor answers pentest_months, which the new version lacks: a warning, not an error.
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("warning") && stderr.contains("pentest_months"), "{stderr}");
    let ledger = std::fs::read_to_string(ws.join("audit/ledger.jsonl")).unwrap();
    let entry: Value = serde_json::from_str(ledger.lines().last().unwrap()).unwrap();
    assert_eq!(entry["action"], "diff");
    assert_eq!(entry["seq"], json["ledger"]["seq"]);

    // The same comparison with the old version read from git.
    let git = |args: &[&str]| {
        let status = std::process::Command::new("git")
            .args(["-c", "user.email=t@example.com", "-c", "user.name=t", "-c", "init.defaultBranch=main"])
            .args(args)
            .current_dir(&ws)
            .output()
            .unwrap();
        assert!(status.status.success(), "{}", String::from_utf8_lossy(&status.stderr));
    };
    std::fs::write(
        ws.join("rubrics/ecommerce-outsourcing.toml"),
        std::fs::read(repo().join("rubrics/ecommerce-outsourcing.toml")).unwrap(),
    )
    .unwrap();
    git(&["init", "-q"]);
    git(&["add", "rubrics/ecommerce-outsourcing.toml"]);
    git(&["commit", "-q", "-m", "rubric 1.0.0"]);
    std::fs::write(ws.join("rubrics/ecommerce-outsourcing.toml"), changed_rubric()).unwrap();
    let output = vendorscore(&ws)
        .args([
            "diff",
            "--before",
            "HEAD:rubrics/ecommerce-outsourcing.toml",
            "--after",
            "rubrics/ecommerce-outsourcing.toml",
        ])
        .args(["--format", "json", "--dry-run"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let from_git: Value = serde_json::from_slice(&output.stdout).unwrap();
    check_changes(&from_git);
    assert_eq!(from_git["before"]["label"], "HEAD:rubrics/ecommerce-outsourcing.toml");
    assert_eq!(
        from_git["before"]["rubric"]["sha256"], json["before"]["rubric"]["sha256"],
        "the same bytes as the built-in"
    );
    assert_eq!(from_git["vendors"], json["vendors"]);

    let missing = vendorscore(&ws)
        .args(["diff", "--before", "HEAD:nope.toml", "--after", "builtin:ecommerce-outsourcing"])
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(2));

    let table = vendorscore(&ws)
        .args([
            "diff",
            "--before",
            "builtin:ecommerce-outsourcing",
            "--after",
            "rubrics/ecommerce-outsourcing.toml",
            "--dry-run",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8(table.stdout).unwrap();
    assert!(text.lines().all(|l| l.chars().count() <= 100), "{text}");
    assert!(text.contains("criterion added security.soc_contact"), "{text}");
}

#[test]
fn diff_of_two_recorded_score_runs() {
    let dir = sample();
    let ws = dir.path().join("ws");
    std::fs::create_dir_all(ws.join("rubrics")).unwrap();
    // Reweighted and without the DPA gate: every answer still fits, so `score` takes it.
    let text = std::fs::read_to_string(repo().join("rubrics/ecommerce-outsourcing.toml")).unwrap();
    let security = text.find("id = \"security\"").unwrap();
    let (head, tail) = text.split_at(security);
    let tail = tail.replacen("weight = 20", "weight = 30", 1).replacen("gate = true\n", "", 1);
    std::fs::write(ws.join("rubrics/ecommerce-outsourcing.toml"), format!("{head}{tail}")).unwrap();
    let seq = |args: &[&str]| -> u64 {
        let output = vendorscore(&ws).arg("score").args(args).args(["--format", "json"]).output().unwrap();
        let json: Value = serde_json::from_slice(&output.stdout).unwrap();
        json["ledger"]["seq"].as_u64().unwrap()
    };
    let first = seq(&[]);
    let second = seq(&["--rubric", "rubrics/ecommerce-outsourcing.toml"]);
    let output = vendorscore(&ws)
        .args(["diff", "--entries", &first.to_string(), &second.to_string(), "--format", "json"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["rubric_changed"], true);
    let atlantico = json["vendors"].as_array().unwrap().iter().find(|v| v["id"] == "atlantico-digital").unwrap();
    assert_eq!(atlantico["before"]["status"], "disqualified");
    assert_ne!(atlantico["after"]["status"], "disqualified");
    let northwind = json["vendors"].as_array().unwrap().iter().find(|v| v["id"] == "northwind-cx").unwrap();
    let (a, b) = (northwind["before"]["score"].as_str().unwrap(), northwind["after"]["score"].as_str().unwrap());
    let change = b.parse::<f64>().unwrap() - a.parse::<f64>().unwrap();
    assert!((northwind["change"].as_f64().unwrap() - change).abs() < 1e-9);
    // Only score runs can be compared: entry 2 of the demo is a check.
    let refused = vendorscore(&ws).args(["diff", "--entries", "2", &second.to_string()]).output().unwrap();
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("not `score`"));
}
