//! `vendorscore sensitivity` on the sample workspace: the JSON of SPEC
//! section 13, byte-identical reruns, CSV and the table, the ledger entry.

use serde_json::Value;

use crate::score::sample;
use crate::vendorscore;

fn json(ws: &std::path::Path, args: &[&str]) -> (Value, Vec<u8>) {
    let output = vendorscore(ws).arg("sensitivity").args(args).args(["--format", "json"]).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    (serde_json::from_slice(&output.stdout).unwrap(), output.stdout)
}

fn has_float(value: &Value) -> bool {
    match value {
        Value::Number(n) => n.is_f64(),
        Value::Array(items) => items.iter().any(has_float),
        Value::Object(map) => map.values().any(has_float),
        _ => false,
    }
}

#[test]
fn json_follows_the_spec_on_the_sample() {
    let dir = sample();
    let ws = dir.path().join("ws");
    let (json, _) = json(&ws, &["--samples", "4000"]);
    assert_eq!(json["rubric"]["id"], "ecommerce-outsourcing");
    assert_eq!(json["as_of"], "2026-11-21");
    assert_eq!(
        (json["renormalize"].as_str(), json["samples"].as_u64(), json["seed"].as_u64()),
        (Some("proportional"), Some(4000), Some(1))
    );
    assert!(json["spread"].is_null());
    assert_eq!(json["winner"], "northwind-cx");
    let weights = json["weights"].as_array().unwrap();
    assert_eq!(weights.len(), 8, "one per category");
    // The most critical weight is named first and is the first listed.
    let first = &weights[0];
    assert_eq!(json["most_critical"], format!("category:{}", first["id"].as_str().unwrap()));
    let share = first["share"].as_f64().unwrap();
    let (lo, hi) = (first["winner_interval"][0].as_f64().unwrap(), first["winner_interval"][1].as_f64().unwrap());
    assert!(lo <= share && share <= hi);
    let (rlo, rhi) = (first["ranking_interval"][0].as_f64().unwrap(), first["ranking_interval"][1].as_f64().unwrap());
    assert!(lo <= rlo && rhi <= hi, "the ranking holds on part of where the winner holds");
    let flip = if first["flip_down"].is_null() { &first["flip_up"] } else { &first["flip_down"] };
    let change = flip["change"].as_f64().unwrap();
    assert!((flip["share"].as_f64().unwrap() - share - change).abs() < 0.011);
    assert!((flip["relative"].as_f64().unwrap() - change / share * 100.0).abs() < 0.05);
    assert_ne!(flip["winner"], "northwind-cx");
    // SMAA: four vendors rank (atlantico-digital is disqualified).
    let vendors = json["smaa"]["vendors"].as_array().unwrap();
    assert_eq!(vendors.len(), 4);
    for vendor in vendors {
        let ranks = vendor["rank_acceptability"].as_array().unwrap();
        assert_eq!(ranks.len(), 4);
        let sum: f64 = ranks.iter().map(|r| r.as_f64().unwrap()).sum();
        assert!((sum - 1.0).abs() < 0.001, "{vendor}");
    }
    let northwind = vendors.iter().find(|v| v["id"] == "northwind-cx").unwrap();
    assert_eq!(northwind["confidence"], 1);
    let central: f64 = northwind["central_weights"].as_object().unwrap().values().map(|v| v.as_f64().unwrap()).sum();
    assert!((central - 100.0).abs() < 0.1);
    assert_eq!(json["smaa"]["pairwise"].as_array().unwrap().len(), 4 * 3);
    assert_eq!(json["leave_one_out"].as_array().unwrap().len(), 5);
    assert!(json["sentence"].as_str().unwrap().starts_with("Northwind CX"));
    // This run is the entry after the demo's.
    assert_eq!(json["ledger"]["seq"], crate::ledger_entries(&ws) as u64);
}

#[test]
fn the_same_seed_gives_the_same_bytes_and_another_seed_another_sample() {
    let dir = sample();
    let ws = dir.path().join("ws");
    let args = ["--samples", "3000", "--level", "both", "--dry-run"];
    let (_, first) = json(&ws, &args);
    let (_, again) = json(&ws, &args);
    assert_eq!(first, again);
    let (other, _) = json(&ws, &[&args[..], &["--seed", "2"]].concat());
    let (one, _) = json(&ws, &args);
    assert_ne!(other["smaa"], one["smaa"]);
    assert_eq!(other["weights"], one["weights"], "only the sample depends on the seed");
    let (spread, _) = json(&ws, &["--samples", "1000", "--spread", "20", "--dry-run"]);
    assert_eq!(spread["spread"], 20.0);
    // The sample's panel criteria (evaluations/) drawn one evaluator at a time: still one result per seed.
    let panel = ["--samples", "1000", "--panel-samples", "--dry-run"];
    let (sampled, bytes) = json(&ws, &panel);
    assert_eq!(sampled["panel_samples"], true);
    assert_eq!(json(&ws, &panel).1, bytes);
}

#[test]
fn equal_renormalisation_and_criterion_weights() {
    let dir = sample();
    let ws = dir.path().join("ws");
    let (json, _) = json(&ws, &["--samples", "0", "--level", "criterion", "--renormalize", "equal", "--dry-run"]);
    assert_eq!(json["renormalize"], "equal");
    assert!(json["smaa"].is_null());
    let weights = json["weights"].as_array().unwrap();
    assert!(weights.iter().all(|w| w["level"] == "criterion" && w["id"].as_str().unwrap().contains('.')));
    assert!(weights.iter().any(|w| w["id"] == "security.dpa_signed"));
}

#[test]
fn table_and_csv_and_the_ledger_entry() {
    let dir = sample();
    let ws = dir.path().join("ws");
    let table = vendorscore(&ws).args(["sensitivity", "--samples", "2000"]).output().unwrap();
    assert!(table.status.success());
    let text = String::from_utf8(table.stdout).unwrap();
    assert!(text.lines().all(|l| l.chars().count() <= 100), "{text}");
    assert!(text.contains("stays first unless the weight of"), "{text}");
    assert!(text.contains("SMAA-2: 2,000 weightings (seed 1)"), "{text}");

    let csv =
        vendorscore(&ws).args(["sensitivity", "--samples", "0", "--format", "csv", "--dry-run"]).output().unwrap();
    let text = String::from_utf8(csv.stdout).unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(&reader.headers().unwrap().iter().collect::<Vec<_>>()[..4], ["level", "id", "share", "winner_lo"]);
    assert_eq!(reader.records().count(), 8);

    let ledger = std::fs::read_to_string(ws.join("audit/ledger.jsonl")).unwrap();
    let entry: Value = serde_json::from_str(ledger.lines().last().unwrap()).unwrap();
    assert_eq!(entry["action"], "sensitivity");
    let result = &entry["result"];
    assert_eq!((result["samples"].as_u64(), result["seed"].as_u64()), (Some(2000), Some(1)));
    assert_eq!(result["renormalize"], "proportional");
    assert_eq!(result["winner"], "northwind-cx");
    assert!(!has_float(&entry), "ledger entries hold no floating-point numbers");
    let inputs: Vec<&str> = entry["inputs"].as_array().unwrap().iter().map(|i| i["path"].as_str().unwrap()).collect();
    assert!(inputs.contains(&"builtin:ecommerce-outsourcing"));
    assert!(inputs.contains(&"vendors/northwind-cx/vendor.toml"));
}

fn pdf_text(path: &std::path::Path) -> String {
    let doc = lopdf::Document::load(path).unwrap();
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    doc.extract_text(&pages).unwrap()
}

#[test]
fn the_robustness_sentence_is_on_explain_scorecards_and_the_comparison() {
    let dir = sample();
    let ws = dir.path().join("ws");
    let (json, _) = json(&ws, &["--dry-run"]);
    let sentence = json["sentence"].as_str().unwrap().to_owned();
    assert!(sentence.contains("of 10,000 weightings (seed 1)."), "{sentence}");
    // `score --explain` and the reports say what `sensitivity` says with its defaults.
    let explain = vendorscore(&ws).args(["score", "--explain", "--dry-run", "vendors/northwind-cx"]).output().unwrap();
    assert!(String::from_utf8(explain.stdout).unwrap().contains(&sentence));
    let output = vendorscore(&ws).args(["report", "--out", "out", "--dry-run"]).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let words = |text: &str| text.split_whitespace().collect::<Vec<_>>().join(" ");
    for pdf in ["northwind-cx.pdf", "bayanihan-cx.pdf", "comparison.pdf"] {
        let text = words(&pdf_text(&ws.join("out").join(pdf)));
        assert!(text.contains("stays first unless the weight of"), "{pdf}: {text}");
        assert!(text.contains("weightings (seed 1)"), "{pdf}: {text}");
    }
    // The comparison draws both charts: rank 1 per vendor, and the winner interval per category.
    let comparison = words(&pdf_text(&ws.join("out/comparison.pdf")));
    assert!(comparison.contains("How often each vendor ranks first"), "{comparison}");
    assert!(comparison.contains("How far each weight can move") && comparison.contains("Commercial terms"));
    // The Markdown and HTML reports carry the same sentence, and the comparisons the share
    // of weightings in which each ranked vendor comes first (they add up to 100 %).
    let output =
        vendorscore(&ws).args(["report", "--out", "text", "--dry-run", "--format", "md,html"]).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    for file in ["northwind-cx.md", "bayanihan-cx.md", "comparison.md", "northwind-cx.html", "comparison.html"] {
        let text = std::fs::read_to_string(ws.join("text").join(file)).unwrap();
        assert!(text.contains(&sentence), "{file}: {sentence}\n{text}");
    }
    let markdown = std::fs::read_to_string(ws.join("text/comparison.md")).unwrap();
    let shares: Vec<f64> = markdown
        .lines()
        .skip_while(|l| !l.starts_with("| Vendor | Ranks first in"))
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .map(|l| l.trim_end_matches(" % |").rsplit("| ").next().unwrap().parse().unwrap())
        .collect();
    assert_eq!(shares.len(), 4, "{markdown}");
    assert!((shares.iter().sum::<f64>() - 100.0).abs() <= 0.2, "{shares:?}");
    let html = std::fs::read_to_string(ws.join("text/comparison.html")).unwrap();
    assert_eq!(html.matches("<section aria-labelledby=\"robustness\">").count(), 1, "{html}");
}

#[test]
#[cfg(target_os = "linux")]
fn one_core_gives_the_same_bytes_as_all_cores() {
    // `taskset -c 0` leaves the process one core, and the sampler one thread.
    let dir = sample();
    let ws = dir.path().join("ws");
    let args = ["sensitivity", "--samples", "5000", "--level", "both", "--format", "json", "--dry-run"];
    let all = vendorscore(&ws).args(args).output().unwrap();
    assert!(all.status.success());
    let binary = assert_cmd::cargo::cargo_bin("vendorscore");
    let one = std::process::Command::new("taskset")
        .arg("-c")
        .arg("0")
        .arg(binary)
        .args(args)
        .current_dir(&ws)
        .env("SOURCE_DATE_EPOCH", "1795255200")
        .env("NO_COLOR", "1")
        .env_remove("VENDORSCORE_WORKSPACE")
        .output()
        .expect("taskset (util-linux) runs");
    assert!(one.status.success(), "{}", String::from_utf8_lossy(&one.stderr));
    assert_eq!(one.stdout, all.stdout);
}
