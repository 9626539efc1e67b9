//! `vendorscore questionnaire`: the exported workbook read back by a second
//! xlsx implementation (Python's openpyxl), filled as a bidder would and
//! imported, the answers JSON, located diagnostics and the overwrite rules.
//! Expected values come from the rubric and from hand-worked answers.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::score::sample;
use crate::{repo, vendorscore};

/// Whether openpyxl can be imported, installing it with pip when missing.
fn openpyxl() -> bool {
    let has = || Command::new("python3").args(["-c", "import openpyxl"]).status().is_ok_and(|s| s.success());
    if has() {
        return true;
    }
    for extra in [&[][..], &["--break-system-packages"][..]] {
        let _ = Command::new("python3").args(["-m", "pip", "install", "--quiet", "openpyxl"]).args(extra).status();
        if has() {
            return true;
        }
    }
    eprintln!(
        "SKIPPED: openpyxl cannot be installed with pip here (python3 -m pip install openpyxl); .ci/run installs it"
    );
    false
}

/// Run a Python script (with openpyxl) in `dir`; its stdout parsed as JSON.
fn python(dir: &Path, script: &str) -> Value {
    let output = Command::new("python3").arg("-c").arg(script).current_dir(dir).output().unwrap();
    assert!(output.status.success(), "python failed:\n{}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).unwrap_or(Value::Null)
}

fn export(ws: &Path, args: &[&str]) {
    let mut all = vec!["questionnaire", "export"];
    all.extend_from_slice(args);
    let output = vendorscore(ws).args(&all).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
}

#[test]
fn the_workbook_reads_back_in_openpyxl_as_the_spec_lays_it_out() {
    if !openpyxl() {
        return;
    }
    let dir = sample();
    let ws = dir.path().join("ws");
    let mut settings = std::fs::read_to_string(ws.join("vendorscore.toml")).unwrap();
    settings.push_str("\n[questionnaire]\ndeadline = \"2026-12-15 12:00 CET\"\ncontact = \"tender@retail.example\"\n");
    std::fs::write(ws.join("vendorscore.toml"), settings).unwrap();
    export(&ws, &["--vendor", "aero-support", "--out", "q.xlsx"]);
    let rubric = repo().join("rubrics/ecommerce-outsourcing.toml");
    let facts = python(
        &ws,
        &format!(
            r#"
import hashlib, json, tomllib, openpyxl
rubric_bytes = open({rubric:?}, "rb").read()
rubric = tomllib.loads(rubric_bytes.decode())
# The rows SPEC section 10 asks for, from the rubric itself.
expected = []
for cat in rubric["category"]:
    for k in cat["criterion"]:
        if k.get("source", "vendor") != "vendor":
            continue
        full = cat["id"] + "." + k["id"]
        expected.append(full)
        if k["kind"] == "set":
            expected += [full + "[" + o["value"] + "]" for o in k["options"]]
wb = openpyxl.load_workbook("q.xlsx")
q = wb["Questionnaire"]
ids = [row[0] for row in q.iter_rows(min_row=2, values_only=True)]
row_of = {{i: n + 2 for n, i in enumerate(ids)}}
dv = {{}}
for v in q.data_validations.dataValidation:
    for r in str(v.sqref).split():
        dv[r] = {{"type": v.type, "operator": v.operator, "f1": v.formula1, "f2": v.formula2,
                 "stop": v.errorStyle in (None, "stop"), "prompt": bool(v.prompt), "error": bool(v.error)}}
meta = {{k: v for k, v in wb["_meta"].iter_rows(min_row=2, values_only=True)}}
hash_ok = all(meta["row:" + i] == hashlib.sha256(q.cell(row_of[i], 3).value.encode()).hexdigest() for i in ids)
formulas = [c.coordinate for ws in wb for row in ws.iter_rows() for c in row if c.data_type == "f"]
print(json.dumps({{
    "sheets": wb.sheetnames,
    "states": [wb[s].sheet_state for s in wb.sheetnames],
    "headers": [c.value for c in q[1]],
    "ids_match": ids == expected, "rows": len(ids),
    "freeze": q.freeze_panes,
    "protected": [wb[s].protection.sheet for s in wb.sheetnames],
    "passwords": [wb[s].protection.password for s in wb.sheetnames],
    "unlocked": sorted({{c.column_letter for row in q.iter_rows(min_row=2) for c in row if not c.protection.locked}}),
    "vendor": [[r[0], r[1]] for r in wb["Vendor"].iter_rows(values_only=True)],
    "shopify": dv.get("F" + str(row_of["platform.shopify"])),
    "set_header": dv.get("F" + str(row_of["security.certifications"])),
    "set_option": dv.get("F" + str(row_of["security.certifications[iso27001]"])),
    "boolean": dv.get("F" + str(row_of["security.mfa"])),
    "percent": dv.get("F" + str(row_of["sla.voice_service_level"])),
    "price": dv.get("F" + str(row_of["commercial.monthly_price"])),
    "meta": {{k: meta.get(k) for k in ["format", "rubric_id", "rubric_version", "vendor", "generated"]}},
    "digest_ok": meta["rubric_sha256"] == hashlib.sha256(rubric_bytes).hexdigest(),
    "hash_ok": hash_ok, "formulas": formulas,
    "widths": [q.column_dimensions[c].width for c in "ABCDEFGH"],
    "wrap": q["C2"].alignment.wrap_text,
    "instructions": [r[0] for r in wb["Instructions"].iter_rows(values_only=True)],
}}))
"#
        ),
    );
    assert_eq!(facts["sheets"], serde_json::json!(["Instructions", "Vendor", "Questionnaire", "_meta"]));
    assert_eq!(facts["states"], serde_json::json!(["visible", "visible", "visible", "hidden"]));
    assert_eq!(
        facts["headers"],
        serde_json::json!(["ID", "Category", "Question", "Guidance", "Answer format", "Answer", "Evidence", "Note"])
    );
    assert_eq!(facts["ids_match"], true, "one row per vendor criterion, set options after their set");
    // 28 vendor-answered criteria, 4 of them sets with 3 + 4 + 5 + 8 options (hand-counted in the rubric).
    assert_eq!(facts["rows"], 28 + 20);
    assert_eq!(facts["freeze"], "A2");
    assert_eq!(facts["protected"], serde_json::json!([true, true, true, true]));
    assert_eq!(facts["passwords"], serde_json::json!([null, null, null, null]));
    assert_eq!(facts["unlocked"], serde_json::json!(["F", "G", "H"]));
    assert_eq!(facts["vendor"][0], serde_json::json!(["Field", "Value"]));
    assert_eq!(facts["vendor"][1], serde_json::json!(["id", "aero-support"]));
    assert_eq!(facts["vendor"][2], serde_json::json!(["name", "Ærø Support ApS"]));
    let list = |v: &Value, f1: &str| {
        assert_eq!((v["type"].as_str(), v["f1"].as_str()), (Some("list"), Some(f1)), "{v}");
        assert!(v["stop"] == true && v["prompt"] == true && v["error"] == true, "{v}");
    };
    list(&facts["shopify"], "\"None,Registered,Select,Plus,Premier,Platinum\"");
    assert_eq!(facts["set_header"], Value::Null, "a set's own row takes no answer");
    list(&facts["set_option"], "\"Yes,No\"");
    list(&facts["boolean"], "\"Yes,No\"");
    let percent = &facts["percent"];
    assert_eq!(
        (percent["type"].as_str(), percent["f1"].as_str(), percent["f2"].as_str()),
        (Some("decimal"), Some("0"), Some("100"))
    );
    let price = &facts["price"];
    assert_eq!(
        (price["type"].as_str(), price["operator"].as_str(), price["f1"].as_str()),
        (Some("decimal"), Some("greaterThan"), Some("0"))
    );
    assert_eq!(
        facts["meta"],
        serde_json::json!({"format": "vendorscore-questionnaire/1", "rubric_id": "ecommerce-outsourcing",
                           "rubric_version": "1.0.0", "vendor": "aero-support", "generated": "2026-11-21"})
    );
    assert_eq!(facts["digest_ok"], true);
    assert_eq!(facts["hash_ok"], true);
    assert_eq!(facts["formulas"], serde_json::json!([]), "nothing is written as a formula");
    assert!(facts["widths"].as_array().unwrap().iter().all(|w| w.as_f64().unwrap() > 10.0));
    assert_eq!(facts["wrap"], true);
    let instructions: Vec<&str> = facts["instructions"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
    for line in [
        "Tender: Q4 2026 customer-service tender",
        "Organisation: Example Retail GmbH",
        "Deadline: 2026-12-15 12:00 CET",
        "Contact: tender@retail.example",
    ] {
        assert!(instructions.contains(&line), "{line} in {instructions:?}");
    }
    assert!(instructions.iter().any(|l| l.contains("only the white cells")), "{instructions:?}");
}

/// Fill the exported `q.xlsx` as a bidder would, with every answer spelling; saves `filled.xlsx`.
const FILL: &str = r#"
import openpyxl
wb = openpyxl.load_workbook("q.xlsx")
v = wb["Vendor"]
v["B2"] = "zephyr-cx"; v["B3"] = "Zephyr CX sp. z o.o."; v["B4"] = "PL"; v["B6"] = "+48 22 123 45 67"
q = wb["Questionnaire"]
row = {c.value: c.row for c in q["A"][1:]}
def put(i, value, evidence=None, note=None, fmt=None):
    q.cell(row[i], 6).value = value
    if fmt: q.cell(row[i], 6).number_format = fmt
    if evidence: q.cell(row[i], 7).value = evidence
    if note: q.cell(row[i], 8).value = note
put("platform.shopify", "plus")                       # a label in another case
put("platform.adobe_commerce", 2)                     # a level score
put("platform.salesforce[b2c_commerce_developer]", "Y")
put("platform.salesforce[b2c_commerce_architect]", True)   # an Excel boolean
put("platform.salesforce[service_cloud_consultant]", "no")
put("platform.helpdesk[zendesk]", "Yes"); put("platform.helpdesk[gorgias]", 1)
put("peak.peak_multiplier", "2,5")                    # a decimal comma
put("peak.ramp_weeks", "3 weeks")                     # the criterion's unit
put("peak.surge_pricing_declared", "TRUE")
put("security.dpa_signed", "Yes", evidence="evidence/dpa.txt")
put("security.certifications[iso27001]", "yes"); put("security.certifications[soc2_type2]", "Yes")
q.cell(row["security.certifications"], 7).value = "evidence/iso.txt;\nevidence/soc2.txt"
q.cell(row["security.certifications"], 8).value = "Both current"
put("security.pentest_months", 5)
put("security.mfa", "y"); put("security.tls", "N"); put("security.card_descoping", 0)
put("sla.voice_service_level", 0.915, fmt="0.0%")     # a percentage cell: 91.5
put("sla.email_first_response", "4")
put("sla.fcr", "81 %")
put("sla.csat", 86.5)
put("integration.api_depth", "Bidirectional"); put("integration.sso", "yes")
put("communication.english_cefr", "c1"); put("communication.overlap_hours", 8)
put("communication.languages[de]", "Yes"); put("communication.languages[en]", "True"); put("communication.languages[pl]", "1")
put("people.attrition_pct", "24 % per year, frontline agents, last 12 months")
put("people.background_screening", "True"); put("people.clean_desk", "False")
put("commercial.monthly_price", 45000); put("commercial.at_risk_pct", "12,5"); put("commercial.monthly_reporting", "Yes")
wb.save("filled.xlsx")
"#;

/// The same answers as a hand-written vendor.toml.
const SAME_AS_TOML: &str = r#"[vendor]
id = "zephyr-cx"
name = "Zephyr CX sp. z o.o."
country = "PL"
contact = "+48 22 123 45 67"

[answers.platform]
shopify = "Plus"
adobe_commerce = 2
salesforce = ["b2c_commerce_developer", "b2c_commerce_architect"]
helpdesk = ["zendesk", "gorgias"]

[answers.peak]
peak_multiplier = 2.5
ramp_weeks = 3
surge_pricing_declared = true

[answers.security]
dpa_signed = { value = true, evidence = ["evidence/dpa.txt"] }
certifications = { value = ["soc2_type2", "iso27001"], evidence = ["evidence/iso.txt", "evidence/soc2.txt"], note = "Both current" }
pentest_months = 5
mfa = true
tls = false
card_descoping = false

[answers.sla]
voice_service_level = 91.5
email_first_response = 4
fcr = 81
csat = 86.5

[answers.integration]
api_depth = "Bidirectional"
sso = true

[answers.communication]
english_cefr = "C1"
overlap_hours = 8
languages = ["de", "en", "pl"]

[answers.people]
attrition_pct = 24
background_screening = true
clean_desk = false

[answers.commercial]
monthly_price = 45000
at_risk_pct = 12.5
monthly_reporting = true
"#;

fn ledger(ws: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(ws.join("audit/ledger.jsonl")).unwrap();
    text.lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

fn score_json(ws: &Path) -> Value {
    let output = vendorscore(ws).args(["score", "--format", "json", "--dry-run"]).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let mut json: Value = serde_json::from_slice(&output.stdout).unwrap();
    json.as_object_mut().unwrap().remove("ledger");
    json
}

#[test]
fn a_filled_workbook_imports_and_scores_like_the_same_answers_in_toml() {
    if !openpyxl() {
        return;
    }
    let dir = sample();
    let ws = dir.path().join("ws");
    export(&ws, &["--out", "q.xlsx"]);
    python(&ws, FILL);
    let output = vendorscore(&ws).args(["questionnaire", "import", "filled.xlsx"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(
        String::from_utf8_lossy(&output.stdout).contains("vendors/zephyr-cx/vendor.toml (28 answers)"),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    // Evidence not sent yet is a warning, not an error.
    assert!(stderr.contains("VS0207"), "{stderr}");

    let written: toml::Table =
        toml::from_str(&std::fs::read_to_string(ws.join("vendors/zephyr-cx/vendor.toml")).unwrap()).unwrap();
    let expected: toml::Table = toml::from_str(SAME_AS_TOML).unwrap();
    assert_eq!(written["answers"], expected["answers"]);
    assert_eq!(written["vendor"], expected["vendor"]);

    // One ledger entry: the workbook's digest in, vendor.toml out.
    let entry = ledger(&ws).pop().unwrap();
    assert_eq!(entry["action"], "import");
    let bytes = std::fs::read(ws.join("filled.xlsx")).unwrap();
    let digest = vendorscore::audit::hash::sha256_hex(&bytes);
    let input = entry["inputs"].as_array().unwrap().iter().find(|i| i["path"] == "filled.xlsx").unwrap();
    assert_eq!((input["sha256"].as_str(), input["bytes"].as_u64()), (Some(digest.as_str()), Some(bytes.len() as u64)));
    assert_eq!(entry["outputs"][0]["path"], "vendors/zephyr-cx/vendor.toml");

    // The same answers written as TOML score the same, in the same cohort.
    let imported = score_json(&ws);
    std::fs::write(ws.join("vendors/zephyr-cx/vendor.toml"), SAME_AS_TOML).unwrap();
    assert_eq!(imported, score_json(&ws));
}

#[test]
fn an_existing_vendor_toml_is_replaced_only_with_force_and_keeps_vendor_values() {
    if !openpyxl() {
        return;
    }
    let dir = sample();
    let ws = dir.path().join("ws");
    export(&ws, &["--vendor", "aero-support", "--out", "q.xlsx"]);
    python(
        &ws,
        r#"
import openpyxl
wb = openpyxl.load_workbook("q.xlsx")
q = wb["Questionnaire"]
row = {c.value: c.row for c in q["A"][1:]}
q.cell(row["platform.shopify"], 6).value = "Plus"
q.cell(row["security.mfa"], 6).value = "Yes"
wb.save("q.xlsx")
"#,
    );
    let path = ws.join("vendors/aero-support/vendor.toml");
    let before = std::fs::read_to_string(&path).unwrap();
    let entries = ledger(&ws).len();
    let output = vendorscore(&ws).args(["questionnaire", "import", "q.xlsx"]).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("not replaced without --force"), "{stderr}");
    assert!(stderr.contains("- platform.shopify = \"Select\"\n+ platform.shopify = \"Plus\""), "{stderr}");
    assert!(stderr.contains("- sla.fcr = 81"), "an answer the workbook leaves out is removed: {stderr}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), before, "untouched without --force");
    assert_eq!(ledger(&ws).len(), entries, "a refused import records nothing");

    vendorscore(&ws).args(["questionnaire", "import", "q.xlsx", "--force", "-q"]).assert().success();
    let after: toml::Table = toml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(after["answers"]["platform"]["shopify"].as_str(), Some("Plus"));
    assert_eq!(after["answers"]["security"]["mfa"].as_bool(), Some(true));
    assert!(after["answers"].get("sla").is_none(), "[answers] are rewritten from the workbook");
    // [vendor] values the workbook does not hold are kept.
    assert_eq!(after["vendor"]["submitted"].to_string(), "2026-10-02");
    assert_eq!(after["vendor"]["website"].as_str(), Some("https://aero-support.example"));
    assert_eq!(ledger(&ws).len(), entries + 1);
}

/// Diagnostics of an import, as `--format json` gives them; the exit code.
fn import_diagnostics(ws: &Path, file: &str) -> (Option<i32>, Vec<Value>) {
    let output = vendorscore(ws)
        .args(["questionnaire", "import", file, "--format", "json", "--vendor", "aero-support", "--force"])
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|_| panic!("json on stdout: {}", String::from_utf8_lossy(&output.stderr)));
    (output.status.code(), json["diagnostics"].as_array().unwrap().clone())
}

#[test]
fn every_problem_in_a_workbook_is_located_at_its_cell_and_nothing_is_written() {
    if !openpyxl() {
        return;
    }
    let dir = sample();
    let ws = dir.path().join("ws");
    export(&ws, &["--vendor", "aero-support", "--out", "q.xlsx"]);
    let path = ws.join("vendors/aero-support/vendor.toml");
    let before = std::fs::read_to_string(&path).unwrap();
    // (what the bidder did, in openpyxl; code; sheet; cell)
    // Rows (hand-counted in the rubric): 2 shopify, 3 adobe_commerce, 4 salesforce and 5-7 its options,
    // 8 helpdesk and 9-12 its options, 13 peak_multiplier, 14 ramp_weeks, 15 surge_pricing_declared.
    let cases = [
        ("q['A2'] = 'platform.shopfy'", "VS0202", "Questionnaire", "A2"),
        ("q['A3'] = 'platform.shopify'", "VS0010", "Questionnaire", "A3"),
        ("q['F2'] = 'Gold'", "VS0204", "Questionnaire", "F2"),
        ("q.cell(row['peak.surge_pricing_declared'], 6).value = 'maybe'", "VS0203", "Questionnaire", "F15"),
        ("q.cell(row['peak.ramp_weeks'], 6).value = 'soon'", "VS0203", "Questionnaire", "F14"),
        ("q.cell(row['peak.peak_multiplier'], 6).value = '=1+1'", "VS0703", "Questionnaire", "F13"),
        ("wb['_meta']['B5'] = 'ab' * 32", "VS0701", "_meta", "B5"),
        ("q['F1'] = 'Antwort'", "VS0702", "Questionnaire", "A1"),
    ];
    for (edit, code, sheet, cell) in cases {
        let script = format!(
            "import openpyxl\nwb = openpyxl.load_workbook('q.xlsx')\nq = wb['Questionnaire']\nrow = {{c.value: c.row for c in q['A'][1:]}}\n{edit}\nwb.save('bad.xlsx')\n"
        );
        python(&ws, &script);
        let (status, diagnostics) = import_diagnostics(&ws, "bad.xlsx");
        assert_eq!(status, Some(2), "{code}: {diagnostics:?}");
        let d = diagnostics.iter().find(|d| d["code"] == code).unwrap_or_else(|| panic!("{code}: {diagnostics:?}"));
        assert_eq!(
            (d["file"].as_str(), d["sheet"].as_str(), d["cell"].as_str()),
            (Some("bad.xlsx"), Some(sheet), Some(cell)),
            "{code}"
        );
        let (row, column) = (cell[1..].parse::<u64>().unwrap(), (cell.as_bytes()[0] - b'A' + 1) as u64);
        assert_eq!((d["line"].as_u64(), d["column"].as_u64()), (Some(row), Some(column)), "{code}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), before, "{code}: vendor.toml untouched");
    }

    // A missing sheet.
    python(
        &ws,
        "import openpyxl\nwb = openpyxl.load_workbook('q.xlsx')\ndel wb['Questionnaire']\nwb.save('bad.xlsx')\n",
    );
    let (status, diagnostics) = import_diagnostics(&ws, "bad.xlsx");
    assert_eq!((status, diagnostics[0]["code"].as_str()), (Some(2), Some("VS0702")));

    // An edited question is a warning: the answer is still read by its ID.
    python(
        &ws,
        "import openpyxl\nwb = openpyxl.load_workbook('q.xlsx')\nq = wb['Questionnaire']\nq['C2'] = 'Are you a Shopify partner?'\nq['F2'] = 'Plus'\nwb.save('edited.xlsx')\n",
    );
    let (status, diagnostics) = import_diagnostics(&ws, "edited.xlsx");
    assert_eq!(status, Some(0), "{diagnostics:?}");
    let d = diagnostics.iter().find(|d| d["code"] == "VS0704").expect("VS0704");
    assert_eq!((d["severity"].as_str(), d["cell"].as_str()), (Some("warning"), Some("C2")));

    // GitHub annotations and SARIF carry the cell too.
    python(
        &ws,
        "import openpyxl\nwb = openpyxl.load_workbook('q.xlsx')\nwb['Questionnaire']['F2'] = 'Gold'\nwb.save('bad.xlsx')\n",
    );
    let output = vendorscore(&ws).args(["questionnaire", "import", "bad.xlsx", "--format", "github"]).output().unwrap();
    let github = String::from_utf8_lossy(&output.stdout);
    assert!(github.contains("::error file=bad.xlsx,line=2,col=6,"), "{github}");
    assert!(github.contains("Questionnaire!F2"), "{github}");
    let output = vendorscore(&ws).args(["questionnaire", "import", "bad.xlsx", "--format", "sarif"]).output().unwrap();
    let sarif: Value = serde_json::from_slice(&output.stdout).unwrap();
    let location = &sarif["runs"][0]["results"][0]["locations"][0];
    assert_eq!(location["physicalLocation"]["region"]["startLine"], 2);
    assert_eq!(location["logicalLocations"][0]["name"], "Questionnaire!F2");
}

#[test]
fn a_workbook_written_by_another_program_imports_by_header_text() {
    if !openpyxl() {
        return;
    }
    let dir = sample();
    let ws = dir.path().join("ws");
    // Columns in another order, no validations, no _meta.
    python(
        &ws,
        r#"
import openpyxl
wb = openpyxl.Workbook()
v = wb.active; v.title = "Vendor"
for r in [("Field", "Value"), ("id", "nordlicht"), ("name", "Nordlicht Service GmbH"), ("country", "DE")]:
    v.append(r)
q = wb.create_sheet("Questionnaire")
q.append(["Note", "Answer", "ID"])
q.append([None, "Premier", "platform.shopify"])
q.append(["Since 2024", 30000, "commercial.monthly_price"])
q.append([None, "Yes", "communication.languages[de]"])
wb.save("other.xlsx")
"#,
    );
    vendorscore(&ws).args(["questionnaire", "import", "other.xlsx", "-q"]).assert().success();
    let written: toml::Table =
        toml::from_str(&std::fs::read_to_string(ws.join("vendors/nordlicht/vendor.toml")).unwrap()).unwrap();
    let expected: toml::Table = toml::from_str(
        r#"
platform = { shopify = "Premier" }
commercial = { monthly_price = { value = 30000, note = "Since 2024" } }
communication = { languages = ["de"] }
"#,
    )
    .unwrap();
    assert_eq!(written["answers"].as_table().unwrap(), &expected);
    assert_eq!(written["vendor"]["name"].as_str(), Some("Nordlicht Service GmbH"));
}

#[test]
fn an_answers_json_imports_and_its_problems_are_located_by_line_and_column() {
    let dir = sample();
    let ws = dir.path().join("ws");
    let rubric = std::fs::read(repo().join("rubrics/ecommerce-outsourcing.toml")).unwrap();
    let digest = vendorscore::audit::hash::sha256_hex(&rubric);
    let answers = format!(
        r#"{{"format": "vendorscore-answers/1",
 "rubric": {{"id": "ecommerce-outsourcing", "version": "1.0.0", "sha256": "{digest}"}},
 "vendor": {{"id": "zephyr-cx", "name": "Zephyr CX", "country": "PL"}},
 "answers": {{"platform.shopify": {{"value": "select", "evidence": ["evidence/partner.txt"], "note": "Since 2023"}},
             "security.certifications": {{"value": ["iso27001", "soc2_type2"]}},
             "security.mfa": "Y",
             "sla.fcr": "80,5 %"}}}}"#
    );
    std::fs::write(ws.join("answers.json"), &answers).unwrap();
    vendorscore(&ws).args(["questionnaire", "import", "answers.json", "-q"]).assert().success();
    let written: toml::Table =
        toml::from_str(&std::fs::read_to_string(ws.join("vendors/zephyr-cx/vendor.toml")).unwrap()).unwrap();
    let expected: toml::Table = toml::from_str(
        r#"
platform = { shopify = { value = "Select", evidence = ["evidence/partner.txt"], note = "Since 2023" } }
security = { certifications = ["iso27001", "soc2_type2"], mfa = true }
sla = { fcr = 80.5 }
"#,
    )
    .unwrap();
    assert_eq!(written["answers"].as_table().unwrap(), &expected);

    // An unknown option and an unknown ID, at their JSON line and column.
    let bad = answers.replace("\"soc2_type2\"]", "\"soc3\"]").replace("\"sla.fcr\"", "\"sla.fcrr\"");
    std::fs::write(ws.join("bad.json"), &bad).unwrap();
    let (status, diagnostics) = import_diagnostics(&ws, "bad.json");
    assert_eq!(status, Some(2));
    let at = |code: &str| {
        let d = diagnostics.iter().find(|d| d["code"] == code).unwrap_or_else(|| panic!("{code}: {diagnostics:?}"));
        (d["line"].as_u64(), d["column"].as_u64())
    };
    assert_eq!(at("VS0205"), (Some(5), Some(14)), "the key \"security.certifications\"");
    assert_eq!(at("VS0202"), (Some(7), Some(14)), "the key \"sla.fcrr\"");

    // Another rubric's answers are refused, naming both versions.
    std::fs::write(ws.join("other.json"), answers.replace(&digest, &"0".repeat(64))).unwrap();
    let (_, diagnostics) = import_diagnostics(&ws, "other.json");
    let message = diagnostics[0]["message"].as_str().unwrap();
    assert_eq!(diagnostics[0]["code"], "VS0701");
    assert!(message.contains("ecommerce-outsourcing 1.0.0 (sha256 000000000000)"), "{message}");
}

/// `tests/fixtures/questionnaire/err/`: each file read as an import would,
/// against the built-in rubric. An answers JSON marks each expected
/// diagnostic with `expect: VSxxxx` on its line (inside a string: JSON has
/// no comments); a workbook reports the code of its name and nothing else.
#[test]
fn questionnaire_fixtures_report_exactly_what_they_mark() {
    use std::collections::BTreeSet;
    let dir = tempfile::tempdir().unwrap();
    let mut loader = vendorscore::load::Loader::new(vendorscore::workspace::Workspace { root: dir.path().into() });
    let rubric = loader.rubric(Some("builtin:ecommerce-outsourcing")).unwrap();
    let mut checked = 0;
    for entry in std::fs::read_dir(repo().join("tests/fixtures/questionnaire/err")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let bytes = std::fs::read(&path).unwrap();
        let mut out = vendorscore::diag::Diagnostics::default();
        let (_, _, source) = vendorscore::questionnaire::diagnose(&rubric, &name, &bytes, &mut out);
        let found: BTreeSet<(usize, String)> = out
            .iter()
            .map(|d| {
                let line = match (&d.cell, &d.span, &source) {
                    (Some(cell), _, _) => cell.row as usize,
                    (None, Some(span), Some(source)) => source.position(span.start).line,
                    _ => 0,
                };
                (line, d.code.as_str().to_owned())
            })
            .collect();
        let marked: BTreeSet<(usize, String)> = match &source {
            Some(source) => source
                .text
                .lines()
                .enumerate()
                .flat_map(|(i, line)| line.split("expect: ").skip(1).map(move |m| (i + 1, m.chars().take(6).collect())))
                .collect(),
            None => found.iter().map(|(line, _)| (*line, name[..6].to_owned())).collect(),
        };
        assert!(!found.is_empty(), "{name}: no diagnostic");
        assert_eq!(found, marked, "{name}");
        assert!(marked.iter().any(|(_, code)| name.starts_with(code.as_str())), "{name}: no mark for its own code");
        checked += 1;
    }
    assert!(checked >= 5);
}

#[test]
fn the_demo_exports_a_questionnaire_and_imports_the_shipped_filled_workbook() {
    let dir = sample();
    let ws = dir.path().join("ws");
    assert!(ws.join("questionnaires/aero-support.xlsx").is_file());
    let entries = ledger(&ws);
    let import = entries.iter().find(|e| e["action"] == "import").expect("an import entry");
    let inputs: Vec<&str> = import["inputs"].as_array().unwrap().iter().map(|i| i["path"].as_str().unwrap()).collect();
    assert!(inputs.contains(&"questionnaires/aero-support-filled.xlsx"), "{inputs:?}");
    assert_eq!(import["outputs"][0]["path"], "vendors/aero-support/vendor.toml");
    // Every answer of the saved form (24) came back from the workbook.
    assert_eq!(import["result"]["answers"], 24);
    // The workbook (filled by examples/questionnaires/fill_workbook.py through
    // openpyxl) holds the sample's own answers, set options in rubric order
    // and the voice service level typed as a percentage: the import changes none.
    assert_eq!(import["result"]["changed"], 0);
    assert_eq!(import["result"]["added"], 0);
    assert_eq!(import["result"]["removed"], 0);
}

#[test]
fn the_html_form_fills_and_saves_in_headless_chromium_and_the_answers_import() {
    let browser = ["chromium", "chromium-browser", "google-chrome"].into_iter().any(|b| {
        Command::new("sh").args(["-c", &format!("command -v {b}")]).output().is_ok_and(|o| o.status.success())
    });
    if !browser {
        eprintln!("SKIPPED: no chromium here (apt-get install chromium); .ci/run installs it");
        return;
    }
    let dir = sample();
    let ws = dir.path().join("ws");
    export(&ws, &["--format", "html", "--out", "form.html"]);
    let html = std::fs::read_to_string(ws.join("form.html")).unwrap();
    // Self-contained: nothing is loaded from anywhere.
    for needle in [" src=", "href=", "@import", "url("] {
        assert!(!html.contains(needle), "the form refers to {needle}");
    }
    std::fs::create_dir(ws.join("downloads")).unwrap();
    let driver = repo().join("tests/cli/form_in_chromium.py");
    let output = Command::new("python3")
        .arg(&driver)
        .args(["form.html", "downloads", "form.png"])
        .current_dir(&ws)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["unlabelled"], serde_json::json!([]), "every control has a label");
    assert_eq!(report["focused"], "vendor-name", "Tab moves from the id to the name");
    assert_eq!(report["outline"], "solid", "focus is visible");
    assert_eq!(report["refused"], "Some answers need fixing first.", "120 % is refused before saving");
    assert_eq!(report["external_requests"], serde_json::json!([]));
    assert_eq!(report["saved"], "zephyr-cx-answers.json");
    // Kept for review: the screenshot of the filled form.
    let shot = std::fs::read(ws.join("form.png")).unwrap();
    assert_eq!(&shot[1..4], b"PNG");
    if let Ok(keep) = std::env::var("VENDORSCORE_KEEP_SCREENSHOT") {
        std::fs::write(keep, &shot).unwrap();
    }

    vendorscore(&ws).args(["questionnaire", "import", "downloads/zephyr-cx-answers.json", "-q"]).assert().success();
    let written: toml::Table =
        toml::from_str(&std::fs::read_to_string(ws.join("vendors/zephyr-cx/vendor.toml")).unwrap()).unwrap();
    // What the driver filled in, by hand.
    let expected: toml::Table = toml::from_str(
        r#"
platform = { shopify = "Plus", salesforce = [] }
peak = { peak_multiplier = 2.5, surge_pricing_declared = true }
security = { certifications = { value = ["soc2_type2", "iso27001"], evidence = ["evidence/iso.txt", "evidence/soc2.txt"], note = "Both current" }, mfa = false }
sla = { voice_service_level = 91.5 }
commercial = { monthly_price = 45000 }
"#,
    )
    .unwrap();
    assert_eq!(written["answers"].as_table().unwrap(), &expected);
    assert_eq!(written["vendor"]["name"].as_str(), Some("Zephyr CX sp. z o.o."));
    assert_eq!(written["vendor"]["country"].as_str(), Some("PL"));
}

#[test]
fn a_panel_sheet_asks_the_panel_criteria_and_imports_into_the_evaluators_file() {
    if !openpyxl() {
        return;
    }
    let dir = sample();
    let ws = dir.path().join("ws");
    export(&ws, &["--panel", "--vendor", "aero-support", "--evaluator", "p.nowak", "--out", "panel.xlsx"]);
    let facts = python(
        &ws,
        r#"
import json, openpyxl
wb = openpyxl.load_workbook("panel.xlsx")
q = wb["Questionnaire"]
ids = [r[0] for r in q.iter_rows(min_row=2, values_only=True)]
meta = {k: v for k, v in wb["_meta"].iter_rows(min_row=2, values_only=True)}
q["F2"] = "strong"; q["F3"] = 3; q["F4"] = "Excellent"; q["H4"] = "Clear on every escalation path"
wb.save("panel.xlsx")
print(json.dumps({"ids": ids, "evaluator": meta.get("evaluator"), "vendor": meta.get("vendor")}))
"#,
    );
    // The rubric's three panel criteria, in rubric order.
    assert_eq!(facts["ids"], serde_json::json!(["peak.peak_plan", "integration.demo", "communication.clarity"]));
    assert_eq!((facts["evaluator"].as_str(), facts["vendor"].as_str()), (Some("p.nowak"), Some("aero-support")));
    vendorscore(&ws).args(["questionnaire", "import", "panel.xlsx", "-q"]).assert().success();
    let written: toml::Table =
        toml::from_str(&std::fs::read_to_string(ws.join("vendors/aero-support/evaluations/p.nowak.toml")).unwrap())
            .unwrap();
    let expected: toml::Table = toml::from_str(
        r#"
evaluation = { evaluator = "p.nowak", vendor = "aero-support" }
scores = { peak = { peak_plan = "Strong" }, integration = { demo = 3 }, communication = { clarity = { value = "Excellent", note = "Clear on every escalation path" } } }
"#,
    )
    .unwrap();
    assert_eq!(written, expected);
    vendorscore(&ws).args(["validate"]).assert().success();

    // An evaluator name that would leave the folder is refused.
    let output = vendorscore(&ws)
        .args([
            "questionnaire",
            "export",
            "--panel",
            "--vendor",
            "aero-support",
            "--evaluator",
            "../x",
            "--out",
            "x.xlsx",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(!ws.join("x.xlsx").exists());
}

#[test]
fn dry_run_prints_the_file_and_writes_and_records_nothing() {
    let dir = sample();
    let ws = dir.path().join("ws");
    let entries = ledger(&ws).len();
    let output = vendorscore(&ws)
        .args([
            "questionnaire",
            "import",
            "questionnaires/aero-support-answers.json",
            "--vendor",
            "new-bidder",
            "--dry-run",
        ])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let printed: toml::Table = toml::from_str(&String::from_utf8_lossy(&output.stdout)).unwrap();
    assert_eq!(printed["vendor"]["id"].as_str(), Some("new-bidder"));
    assert_eq!(printed["answers"]["platform"]["shopify"].as_str(), Some("Select"));
    assert!(!ws.join("vendors/new-bidder").exists());
    assert_eq!(ledger(&ws).len(), entries);
}

#[test]
fn an_import_keeps_the_tables_it_does_not_write() {
    // The demo imports aero-support's saved answers with --force: its [intake] (tiering) stays.
    let dir = crate::score::sample();
    let text = std::fs::read_to_string(dir.path().join("ws/vendors/aero-support/vendor.toml")).unwrap();
    assert!(text.contains("# Imported by vendorscore"), "{text}");
    let table: toml::Table = toml::from_str(&text).unwrap();
    let intake = table["intake"].as_table().expect("[intake] kept");
    assert_eq!(intake["regulated"].as_str(), Some("no"));
    assert_eq!(intake["d2"].as_integer(), Some(3));
}
