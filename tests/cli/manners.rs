//! CLI manners: `--format` is global and each command takes only what it
//! prints; tables fit the terminal and speak in words; CSV for Excel;
//! progress only where someone watches; completions know the values.

use predicates::prelude::*;

use crate::{repo, vendorscore};

/// Every value `--format` parses.
const ALL_FORMATS: [&str; 12] =
    ["table", "human", "json", "csv", "csv-excel", "ics", "github", "sarif", "pdf", "html", "md", "xlsx"];

#[test]
fn a_format_a_command_cannot_print_is_refused_before_or_after_its_name() {
    let dir = crate::score::sample();
    let ws = dir.path().join("ws");
    let expected = "score cannot print ics; use table, json, csv or csv-excel";
    for args in [&["score", "--format", "ics"][..], &["--format", "ics", "score"]] {
        vendorscore(&ws).args(args).assert().code(2).stderr(predicate::str::contains(expected));
    }
    // Global before the command name, and comma lists for the commands that write several.
    let json = vendorscore(&ws).args(["--format", "json", "score", "--dry-run"]).output().unwrap();
    assert!(json.status.success());
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&json.stdout).unwrap()["rubric"]["id"],
        "ecommerce-outsourcing"
    );
    vendorscore(&ws).args(["--format", "md,json", "report", "--out", "r", "--dry-run", "-q"]).assert().success();
    assert!(ws.join("r/northwind-cx.md").is_file() && ws.join("r/northwind-cx.json").is_file());
    for (args, message) in [
        (&["audit", "log", "--format", "csv"][..], "audit log cannot print csv; use table or json"),
        (&["questionnaire", "export", "--out", "q.xlsx", "--format", "pdf"], "cannot print pdf; use xlsx or html"),
        (&["report", "--out", "r2", "--format", "pdf,csv"], "report cannot print csv; use pdf, html, md or json"),
        (&["score", "--format", "json,csv"], "score prints one format at a time"),
        (&["diff", "--entries", "1", "2", "--format", "csv"], "diff --entries cannot print csv; use table or json"),
        (&["init", "x", "--format", "json"], "init prints no data and takes no --format"),
        (&["audit", "head", "--format", "json"], "audit head prints no data and takes no --format"),
        // Not a format at all: clap names every value.
        (&["score", "--format", "docx"], "[possible values: table, human, json, csv, csv-excel, ics"),
    ] {
        vendorscore(&ws).args(args).assert().code(2).stderr(predicate::str::contains(message));
    }
    assert!(!ws.join("r2").exists() && !ws.join("q.xlsx").exists() && !ws.join("x").exists());
}

/// The formats a command's `--help` names: "Formats (--format…): a (default), b, c."
fn formats_in_help(command: &[&str]) -> Vec<String> {
    let help = vendorscore(&repo()).args(command).arg("--help").output().unwrap();
    let help = String::from_utf8(help.stdout).unwrap();
    let Some(line) = help.lines().find(|l| l.starts_with("Formats (--format")) else { return Vec::new() };
    let list = line.split_once("): ").unwrap().1.trim_end_matches('.');
    list.split(", ").map(|f| f.trim_end_matches(" (default)").to_owned()).collect()
}

#[test]
fn each_commands_help_lists_exactly_the_formats_it_accepts() {
    let empty = tempfile::tempdir().unwrap();
    // Each command with the arguments clap requires of it.
    for (command, required) in [
        (&["validate"][..], &[][..]),
        (&["score"], &[]),
        (&["sensitivity"], &[]),
        (&["diff"], &[]),
        (&["check"], &[]),
        (&["sla"], &[]),
        (&["due"], &[]),
        (&["trend"], &[]),
        (&["report"], &["--out", "r"]),
        (&["notice"], &["--winner", "x", "--out", "n"]),
        (&["questionnaire", "export"], &["--out", "q.xlsx"]),
        (&["questionnaire", "import"], &["q.xlsx"]),
        (&["audit", "verify"], &[]),
        (&["audit", "log"], &[]),
        (&["list"], &[]),
        (&["init"], &["new"]),
        (&["schema"], &["rubric"]),
    ] {
        let listed = formats_in_help(command);
        for format in ALL_FORMATS {
            // Refusal comes before any work (or clap's own usage errors), so an empty folder will do.
            let run =
                vendorscore(empty.path()).args(command).args(required).args(["--format", format]).output().unwrap();
            let stderr = String::from_utf8_lossy(&run.stderr);
            let refused = stderr.contains("cannot print") || stderr.contains("takes no --format");
            assert_eq!(!refused, listed.iter().any(|l| l == format), "{command:?} --format {format}: {stderr}");
        }
    }
    assert_eq!(formats_in_help(&["due"]), ["table", "json", "csv", "csv-excel", "ics"]);
    assert!(formats_in_help(&["init"]).is_empty());
}

/// `vendorscore ARGS` with stdout and stderr on a pseudo-terminal (util-linux
/// `script`), `env` set; what the terminal showed.
fn on_a_terminal(dir: &std::path::Path, args: &str, env: &[(&str, &str)]) -> String {
    let binary = assert_cmd::cargo::cargo_bin("vendorscore");
    let command = format!("{} {args}", binary.display());
    let mut script = std::process::Command::new("script");
    script.args(["-qec", &command, "/dev/null"]).current_dir(dir).env("SOURCE_DATE_EPOCH", "1795255200");
    script.env_remove("NO_COLOR").env("TERM", "xterm");
    for (key, value) in env {
        script.env(key, value);
    }
    let output = script.output().expect("util-linux script runs");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn colour_only_on_a_terminal_and_never_for_term_dumb_or_no_color() {
    let dir = crate::score::sample();
    let ws = dir.path().join("ws");
    assert!(on_a_terminal(&ws, "score --dry-run", &[]).contains("\x1b["), "a terminal gets colour");
    assert!(!on_a_terminal(&ws, "score --dry-run", &[("TERM", "dumb")]).contains("\x1b["));
    assert!(!on_a_terminal(&ws, "score --dry-run", &[("NO_COLOR", "1")]).contains("\x1b["));
    assert!(on_a_terminal(&ws, "score --dry-run --color always", &[("TERM", "dumb")]).contains("\x1b["));
    let piped = vendorscore(&ws).args(["score", "--dry-run"]).env("TERM", "xterm").output().unwrap();
    assert!(!String::from_utf8_lossy(&piped.stdout).contains('\x1b'));
}

#[test]
fn a_wider_terminal_shows_whole_names_and_headings_and_tables_use_words() {
    let dir = crate::score::sample();
    let ws = dir.path().join("ws");
    let table = |columns: Option<&str>| {
        let mut cmd = vendorscore(&ws);
        cmd.args(["score", "--dry-run", "-q"]).env_remove("COLUMNS");
        if let Some(columns) = columns {
            cmd.env("COLUMNS", columns);
        }
        String::from_utf8(cmd.output().unwrap().stdout).unwrap()
    };
    // Piped without COLUMNS: 80 columns, names cut at 18, five-letter headings.
    let narrow = table(None);
    assert!(narrow.contains("Bayanihan Contact… ") && narrow.contains(" platf  peak secur "), "{narrow}");
    assert_eq!(table(Some("60")), narrow, "fewer columns than the table needs change nothing");
    let wide = table(Some("160"));
    assert!(wide.contains("Bayanihan Contact Solutions, Inc. "), "{wide}");
    assert!(wide.lines().all(|l| l.chars().count() <= 160), "{wide}");
    // Rows line up: every row's coverage ends in the same column.
    let ends: Vec<usize> =
        wide.lines().filter(|l| l.contains('%')).map(|l| l.chars().position(|c| c == '%').unwrap()).collect();
    assert!(ends.len() == 5 && ends.windows(2).all(|w| w[0] == w[1]), "{wide}");
    // With room for them, the headings are the whole category ids, also in the legend.
    let widest = table(Some("200"));
    assert!(widest.contains(" platform  peak security   sla integration communication people commercial"), "{widest}");
    assert!(widest.contains("communication = Communication and culture (weight 10)"), "{widest}");
    // Words in the table, snake_case in JSON and CSV.
    assert!(narrow.contains("below pass mark") && !narrow.contains("below_pass_mark"), "{narrow}");
    for format in ["json", "csv"] {
        let out = vendorscore(&ws).args(["score", "--dry-run", "--format", format]).output().unwrap();
        assert!(String::from_utf8(out.stdout).unwrap().contains("below_pass_mark"), "{format}");
    }
    // On a terminal the table takes its width.
    let terminal = on_a_terminal(&ws, "score --dry-run -q --color never", &[("COLUMNS", "170")]);
    assert!(terminal.contains("Bayanihan Contact Solutions, Inc."), "{terminal}");
}

#[test]
fn audit_log_columns_line_up_past_seq_9_99_and_999() {
    let dir = crate::score::sample();
    let ws = dir.path().join("ws");
    let ledger = ws.join(vendorscore::audit::ledger::LEDGER_PATH);
    let text = std::fs::read_to_string(&ledger).unwrap();
    // The log reads entries as they are (verify checks the chain): copies of
    // the first entry with larger seqs and another actor and action stand in
    // for a long history.
    let first: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    let mut longer = text.clone();
    for (seq, actor, action) in
        [(10, "a", "check"), (99, "someone.else@example.org", "sensitivity"), (100, "b", "sla"), (1000, "c", "score")]
    {
        let mut entry = first.clone();
        entry["seq"] = seq.into();
        entry["actor"] = actor.into();
        entry["action"] = action.into();
        longer.push_str(&format!("{entry}\n"));
    }
    std::fs::write(&ledger, longer).unwrap();
    let log = vendorscore(&ws).args(["audit", "log"]).output().unwrap();
    assert!(log.status.success());
    let log = String::from_utf8(log.stdout).unwrap();
    let lines: Vec<&str> = log.lines().collect();
    assert!(lines.len() >= 13, "{log}");
    // Seq, time, actor, action and subjects each start in one column on every line.
    let starts = |line: &str| -> Vec<usize> {
        let b = line.as_bytes();
        let first = line.len() - line.trim_start().len();
        (first + 2..b.len()).filter(|&i| b[i] != b' ' && b[i - 1] == b' ' && b[i - 2] == b' ').take(4).collect()
    };
    let columns = starts(lines[0]);
    assert_eq!(columns.len(), 4, "{log}");
    assert!(lines.iter().all(|l| starts(l) == columns), "{log}");
    assert!(lines.last().unwrap().starts_with("1000  "), "{log}");
    assert!(lines[0].starts_with("   1  "), "{log}");
}

#[test]
fn csv_for_excel_has_a_byte_order_mark_and_crlf_and_the_same_cells() {
    let dir = crate::score::sample();
    let ws = dir.path().join("ws");
    for command in [&["score"][..], &["check"], &["sla", "vendors/northwind-cx"], &["due"], &["trend"]] {
        let run =
            |format: &str| vendorscore(&ws).args(command).args(["--dry-run", "--format", format]).output().unwrap();
        let (plain, excel) = (run("csv"), run("csv-excel"));
        assert_eq!(plain.status.code(), excel.status.code(), "{command:?}");
        let excel = String::from_utf8(excel.stdout).unwrap();
        let body = excel.strip_prefix('\u{feff}').unwrap_or_else(|| panic!("{command:?}: no byte-order mark"));
        assert!(
            body.lines().count() > 1 && body.split_inclusive('\n').all(|l| l.ends_with("\r\n")),
            "{command:?}: {body:?}"
        );
        assert_eq!(body.replace("\r\n", "\n"), String::from_utf8(plain.stdout).unwrap(), "{command:?}");
    }
    // Excel's own reading, as Python's csv module does it with the BOM read as UTF-8's.
    let excel = vendorscore(&ws).args(["score", "--dry-run", "--format", "csv-excel"]).output().unwrap().stdout;
    std::fs::write(ws.join("scores.csv"), excel).unwrap();
    let script = "import csv; rows = list(csv.reader(open('scores.csv', encoding='utf-8-sig', newline=''))); \
                  print(rows[0][0], '|', [r[2] for r in rows if r[1] == 'mueller-fulfillment'][0])";
    let output = std::process::Command::new("python3").args(["-c", script]).current_dir(&ws).output().unwrap();
    assert_eq!(String::from_utf8(output.stdout).unwrap().trim(), "rank | Müller Fulfillment GmbH");
}

#[test]
fn fish_completes_subcommand_and_format_values() {
    let output = vendorscore(&repo()).args(["completions", "fish"]).output().unwrap();
    let script = String::from_utf8(output.stdout).unwrap();
    for line in [
        "complete -c vendorscore -n \"__fish_vendorscore_using_subcommand schema\" -f -a \"rubric vendor evaluation contract policy workspace tiering moderation declaration calendar\"",
        "complete -c vendorscore -n \"__fish_vendorscore_using_subcommand completions\" -f -a \"bash elvish fish powershell zsh\"",
    ] {
        assert!(script.lines().any(|l| l == line), "missing: {line}");
    }
    let format = script
        .lines()
        .position(|l| {
            l.starts_with("complete -c vendorscore -n \"__fish_vendorscore_using_subcommand score\" -l format")
        })
        .expect("--format is completed after score");
    let values: String = script.lines().skip(format).take(ALL_FORMATS.len()).collect::<Vec<_>>().join("\n");
    for value in ALL_FORMATS {
        assert!(values.contains(&format!("{value}\\t")), "{value} in {values}");
    }
}

#[test]
fn list_shows_the_built_in_tiering_and_templates() {
    let output = vendorscore(&repo()).args(["list", "--format", "json"]).output().unwrap();
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["tiering"][0]["id"], "builtin:tiering");
    let templates: Vec<&str> = json["templates"].as_array().unwrap().iter().map(|t| t.as_str().unwrap()).collect();
    let shipped: Vec<String> = std::fs::read_dir(repo().join("templates"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(templates.len(), shipped.len());
    assert!(shipped.iter().all(|s| templates.contains(&s.as_str())));
    let table = String::from_utf8(vendorscore(&repo()).arg("list").output().unwrap().stdout).unwrap();
    assert!(table.contains("Tiering (used when the workspace has no tiering.toml):\n  builtin:tiering  "), "{table}");
}

#[test]
fn validate_reports_every_missing_path_and_sla_a_missing_folder() {
    let dir = crate::score::sample();
    let ws = dir.path().join("ws");
    let out = vendorscore(&ws).args(["validate", "a", "rubrics", "b/c", "d.toml"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    for missing in ["a", "b/c", "d.toml"] {
        assert!(stderr.contains(&format!("{missing}: no such file or folder")), "{missing}: {stderr}");
    }
    vendorscore(&ws).args(["sla", "vendors/nope"]).assert().code(2).stderr(
        predicate::str::contains("vendors/nope: no such file or folder")
            .and(predicate::str::contains("--contract").not()),
    );
}

/// Counts what the library tells a progress observer.
#[derive(Default)]
struct Counted {
    stages: std::sync::Mutex<Vec<(String, u64)>>,
    done: std::sync::atomic::AtomicU64,
    finished: std::sync::atomic::AtomicU64,
}

impl vendorscore::progress::Progress for Counted {
    fn start(&self, what: &str, total: u64) {
        self.stages.lock().unwrap().push((what.to_owned(), total));
    }
    fn advance(&self, units: u64) {
        self.done.fetch_add(units, std::sync::atomic::Ordering::Relaxed);
    }
    fn finish(&self) {
        self.finished.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }
}

#[test]
fn validate_tells_its_progress_file_by_file() {
    let shipped = ["rubrics", "policies"]
        .iter()
        .flat_map(|d| std::fs::read_dir(repo().join(d)).unwrap())
        .filter(|e| e.as_ref().unwrap().path().extension().is_some_and(|x| x == "toml"))
        .count() as u64;
    let counted = Counted::default();
    let workspace = vendorscore::workspace::Workspace { root: repo() };
    let paths = [repo().join("rubrics"), repo().join("policies")];
    vendorscore::validate::validate_paths_observed(&workspace, &paths, &counted).unwrap();
    assert_eq!(*counted.stages.lock().unwrap(), [("checking files".to_owned(), shipped)]);
    assert_eq!(counted.done.load(std::sync::atomic::Ordering::Relaxed), shipped);
    assert_eq!(counted.finished.load(std::sync::atomic::Ordering::Relaxed), 1);
}

#[test]
fn sensitivity_tells_its_progress_sample_by_sample() {
    use vendorscore::pipeline::{Clock, Selection, score::ScoreRequest, sensitivity::SensitivityRequest};
    let dir = crate::score::sample();
    let workspace = vendorscore::workspace::Workspace { root: dir.path().join("ws") };
    let clock = Clock::new(Some("1795255200"), None, 0).unwrap();
    let request = SensitivityRequest {
        score: ScoreRequest {
            rubric: None,
            selection: Selection { vendors: Vec::new(), cohort: Vec::new() },
            ..ScoreRequest::default()
        },
        level: vendorscore::sensitivity::Level::Category,
        renormalize: vendorscore::sensitivity::Renormalize::Proportional,
        samples: 2_500,
        seed: 1,
        spread: None,
        panel: false,
        threads: 2,
    };
    let counted = Counted::default();
    vendorscore::pipeline::sensitivity::sensitivity_observed(&workspace, &clock, &request, &counted).unwrap();
    assert_eq!(*counted.stages.lock().unwrap(), [("sampling weightings".to_owned(), 2_500)]);
    assert_eq!(counted.done.load(std::sync::atomic::Ordering::Relaxed), 2_500);
    assert_eq!(counted.finished.load(std::sync::atomic::Ordering::Relaxed), 1);
}

#[test]
fn a_progress_bar_shows_on_a_terminal_only_and_never_piped_or_with_q() {
    let dir = crate::score::sample();
    let ws = dir.path().join("ws");
    // 400 copies of a shipped rubric (a bar is drawn when its stage starts, however fast it runs).
    let rubric = std::fs::read_to_string(repo().join("rubrics/cx-support.toml")).unwrap();
    std::fs::create_dir_all(ws.join("many")).unwrap();
    for i in 0..400 {
        let text = rubric.replace("id = \"cx-support\"", &format!("id = \"copy-{i}\""));
        std::fs::write(ws.join(format!("many/copy-{i}.toml")), text).unwrap();
    }
    let shown = on_a_terminal(&ws, "validate many", &[]);
    assert!(shown.contains("checking files") && shown.contains("/400"), "{shown}");
    assert!(!on_a_terminal(&ws, "validate many -q", &[]).contains("checking files"));
    let sampled = on_a_terminal(&ws, "sensitivity --samples 200000 --dry-run", &[]);
    assert!(sampled.contains("sampling weightings") && sampled.contains("/200000"), "{sampled}");
    let report = on_a_terminal(&ws, "report --out r --dry-run --format md", &[]);
    assert!(report.contains("rendering reports"), "{report}");
    // Piped: stderr holds the diagnostics and nothing else, for each long run.
    for args in [
        &["validate", "many"][..],
        &["sensitivity", "--samples", "200000", "--dry-run"],
        &["report", "--out", "r2", "--dry-run", "--format", "md"],
    ] {
        let piped = vendorscore(&ws).args(args).output().unwrap();
        let stderr = String::from_utf8_lossy(&piped.stderr);
        for stage in ["checking files", "sampling weightings", "rendering reports"] {
            assert!(!stderr.contains(stage), "{args:?}: {stderr}");
        }
        assert!(!stderr.contains('\r'), "{args:?}: no redrawn line");
    }
}

fn json_of(output: &std::process::Output) -> serde_json::Value {
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).unwrap()
}

fn ledger(ws: &std::path::Path) -> Vec<serde_json::Value> {
    let text = std::fs::read_to_string(ws.join("audit/ledger.jsonl")).unwrap_or_default();
    text.lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

#[test]
fn sla_without_a_path_measures_every_vendor_with_a_contract_and_tickets() {
    let dir = crate::score::sample();
    let ws = dir.path().join("ws");
    // The sample: aero-support, mueller-fulfillment and northwind-cx hold both
    // files; bayanihan-cx has a contract only, atlantico-digital neither.
    let measured = ["aero-support", "mueller-fulfillment", "northwind-cx"];
    let all = vendorscore(&ws).args(["sla", "--format", "json", "--dry-run"]).output().unwrap();
    assert!(String::from_utf8_lossy(&all.stderr).contains("vendors/bayanihan-cx has a contract but no tickets.csv"));
    let all = json_of(&all);
    let list = all.as_array().expect("a JSON array, one object per vendor");
    assert_eq!(list.len(), measured.len());
    for (object, vendor) in list.iter().zip(measured) {
        assert_eq!(object["contract"], format!("vendors/{vendor}/contract.toml"));
        let one = vendorscore(&ws)
            .args(["sla", &format!("vendors/{vendor}"), "--format", "json", "--dry-run"])
            .output()
            .unwrap();
        assert_eq!(object, &json_of(&one), "{vendor}");
    }
    // CSV: one header, the vendor first on every row.
    let csv = vendorscore(&ws).args(["sla", "--format", "csv", "--dry-run"]).output().unwrap();
    let csv = String::from_utf8(csv.stdout).unwrap();
    assert!(csv.starts_with("vendor,period,clause,"), "{csv}");
    assert_eq!(csv.matches("vendor,period").count(), 1);
    for vendor in measured {
        assert!(csv.lines().any(|l| l.starts_with(&format!("{vendor},"))), "{vendor}: {csv}");
    }
    // One ledger entry per vendor measured, as naming each folder would write.
    let before = ledger(&ws).len();
    vendorscore(&ws).args(["sla", "-q"]).assert().success();
    let entries = ledger(&ws);
    let subjects: Vec<&serde_json::Value> = entries[before..].iter().map(|e| &e["subjects"][0]).collect();
    assert_eq!(subjects, measured.map(serde_json::Value::from).iter().collect::<Vec<_>>());
    // --fail-on-breach looks at every vendor (northwind-cx breaches a clause).
    vendorscore(&ws).args(["sla", "--dry-run", "--fail-on-breach"]).assert().code(1);
    // Alone, --contract names no export; with no vendor holding both files there is nothing to measure.
    vendorscore(&ws)
        .args(["sla", "--contract", "vendors/northwind-cx/contract.toml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--contract applies to a ticket export"));
    for vendor in measured {
        std::fs::remove_file(ws.join(format!("vendors/{vendor}/tickets.csv"))).unwrap();
    }
    vendorscore(&ws)
        .args(["sla", "--dry-run"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no folder under vendors/ holds both contract.toml and tickets.csv"));
}

#[test]
fn fish_itself_completes_kinds_shells_and_formats() {
    if !crate::needs("fish", crate::has_program("fish"), "apt-get install fish") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let script = vendorscore(dir.path()).args(["completions", "fish"]).output().unwrap().stdout;
    std::fs::write(dir.path().join("vendorscore.fish"), script).unwrap();
    let complete = |line: &str| -> Vec<String> {
        let command = format!("source vendorscore.fish; complete -C '{line}'");
        let output = std::process::Command::new("fish")
            .args(["--no-config", "-c", &command])
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        let text = String::from_utf8(output.stdout).unwrap();
        let mut values: Vec<String> = text.lines().map(|l| l.split('\t').next().unwrap().to_owned()).collect();
        values.sort();
        values
    };
    let kinds = [
        "calendar",
        "contract",
        "declaration",
        "evaluation",
        "moderation",
        "policy",
        "rubric",
        "tiering",
        "vendor",
        "workspace",
    ];
    assert_eq!(complete("vendorscore schema "), kinds);
    assert_eq!(complete("vendorscore completions "), ["bash", "elvish", "fish", "powershell", "zsh"]);
    let mut formats = ALL_FORMATS.map(str::to_owned).to_vec();
    formats.sort();
    assert_eq!(complete("vendorscore score --format "), formats);
    assert_eq!(complete("vendorscore check --dry-run --format "), formats);
}

/// A 40-character name for Northwind, longer than any table's narrowest cut.
const LONG_NAME: &str = "Northwind Customer Experience Sp. z o.o.";
/// A 40-character vendor id.
const LONG_ID: &str = "northwind-customer-experience-poland-ltd";

/// What `vendorscore ARGS` prints, piped, with `COLUMNS` set (or not).
fn piped_at(ws: &std::path::Path, args: &[&str], columns: Option<&str>) -> String {
    let mut cmd = vendorscore(ws);
    cmd.args(args).env_remove("COLUMNS");
    if let Some(columns) = columns {
        cmd.env("COLUMNS", columns);
    }
    let output = cmd.output().unwrap();
    assert!(output.status.code().is_some_and(|c| c < 2), "{args:?}: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap()
}

/// `vendors/LONG_ID`: Northwind's vendor.toml under that id, without its contract or tickets.
fn add_long_id_vendor(ws: &std::path::Path) {
    let folder = ws.join("vendors").join(LONG_ID);
    std::fs::create_dir_all(&folder).unwrap();
    let text = std::fs::read_to_string(ws.join("vendors/northwind-cx/vendor.toml")).unwrap();
    std::fs::write(folder.join("vendor.toml"), text.replace("id = \"northwind-cx\"", &format!("id = \"{LONG_ID}\"")))
        .unwrap();
}

#[test]
fn diff_and_check_tables_give_names_the_room_the_terminal_has() {
    let dir = crate::score::sample();
    let ws = dir.path().join("ws");
    let vendor = ws.join("vendors/northwind-cx/vendor.toml");
    let text = std::fs::read_to_string(&vendor).unwrap();
    std::fs::write(&vendor, text.replace("\"Northwind CX Sp. z o.o.\"", &format!("\"{LONG_NAME}\""))).unwrap();

    let diff = ["diff", "--dry-run", "-q", "--before", "builtin:ecommerce-outsourcing", "--after"];
    let diff = [&diff[..], &["builtin:ecommerce-outsourcing"]].concat();
    let narrow = piped_at(&ws, &diff, Some("80"));
    // 24 characters at 80 columns: 23 and an ellipsis, then the scores.
    assert!(narrow.contains("\nNorthwind Customer Expe… "), "{narrow}");
    assert_eq!(piped_at(&ws, &diff, None), narrow, "piped without COLUMNS: 80");
    let wide = piped_at(&ws, &diff, Some("160"));
    let row = wide.lines().find(|l| l.starts_with(LONG_NAME)).unwrap_or_else(|| panic!("{wide}"));
    let header = wide.lines().find(|l| l.starts_with("Vendor")).unwrap();
    // The whole name, and the header's "Before" ends where the row's score does (40 + 1 + 7).
    assert!(row.starts_with(&format!("{LONG_NAME} ")), "{row}");
    assert_eq!(header.find("Before").unwrap() + "Before".len(), 48, "{wide}");
    assert!(row[..48].ends_with(|c: char| c.is_ascii_digit()) && row.as_bytes()[48] == b' ', "{row}");

    let check = ["check", "--dry-run", "-q", "vendors/northwind-cx"];
    let narrow = piped_at(&ws, &check, Some("80"));
    assert!(narrow.lines().all(|l| l.chars().count() <= 80), "{narrow}");
    let heading = format!("northwind-cx · {LONG_NAME} · vendors/northwind-cx/contract.toml");
    assert!(!narrow.contains(&heading) && narrow.contains("northwind-cx · Northwind Customer"), "{narrow}");
    assert_eq!(piped_at(&ws, &check, None), narrow, "piped without COLUMNS: 80");
    let wide = piped_at(&ws, &check, Some("160"));
    assert!(wide.contains(&heading), "{wide}");
    // The remedies wrap at 160, not 100.
    assert!(wide.lines().any(|l| l.chars().count() > 100), "{wide}");
    assert!(wide.lines().all(|l| l.chars().count() <= 160), "{wide}");
}

#[test]
fn trend_gives_ids_the_room_the_terminal_has_and_statuses_in_words() {
    let dir = crate::score::sample();
    let ws = dir.path().join("ws");
    // A vendor with a 40-character id and a score run of its own in the ledger.
    add_long_id_vendor(&ws);
    let ledger = ws.join(vendorscore::audit::ledger::LEDGER_PATH);
    let entries = std::fs::read_to_string(&ledger).unwrap();
    let run = entries.lines().find(|l| l.contains("\"action\":\"score\"")).unwrap();
    std::fs::write(&ledger, format!("{entries}{}\n", run.replace("northwind-cx", LONG_ID))).unwrap();

    let folder = format!("vendors/{LONG_ID}");
    let trend = ["trend", folder.as_str()];
    let narrow = piped_at(&ws, &trend, Some("80"));
    assert!(narrow.contains(" northwind-customer-expe… "), "{narrow}");
    assert_eq!(piped_at(&ws, &trend, None), narrow, "piped without COLUMNS: 80");
    let wide = piped_at(&ws, &trend, Some("160"));
    assert!(wide.contains(&format!(" {LONG_ID} ")), "{wide}");
    let header = wide.lines().next().unwrap();
    let row = wide.lines().find(|l| l.contains(LONG_ID)).unwrap();
    assert_eq!(header.find("score").unwrap() + 5, row.find(LONG_ID).unwrap() + LONG_ID.len() + 7, "{wide}");

    // Words in the table, the recorded snake_case in JSON and CSV.
    let all = piped_at(&ws, &["trend"], None);
    assert!(all.contains(" below pass mark ") && !all.contains("below_pass_mark"), "{all}");
    for format in ["json", "csv"] {
        assert!(piped_at(&ws, &["trend", "--format", format], None).contains("below_pass_mark"), "{format}");
    }
}

#[test]
fn due_gives_ids_the_room_the_terminal_has() {
    let dir = crate::score::sample();
    let ws = dir.path().join("ws");
    // A vendor with a 40-character id (never scored, so its items are due now).
    add_long_id_vendor(&ws);

    let due = ["due", "--dry-run"];
    let narrow = piped_at(&ws, &due, Some("80"));
    // 20 characters at 80 columns: 19 and an ellipsis.
    assert!(narrow.contains("\nnorthwind-customer-… "), "{narrow}");
    assert_eq!(piped_at(&ws, &due, None), narrow, "piped without COLUMNS: 80");
    let wide = piped_at(&ws, &due, Some("160"));
    let row = wide.lines().find(|l| l.starts_with(LONG_ID)).unwrap_or_else(|| panic!("{wide}"));
    let header = wide.lines().find(|l| l.starts_with("vendor")).unwrap();
    // The whole id, and the tier column starts after it in the header and the rows (40 + 1).
    assert!(row.starts_with(&format!("{LONG_ID} ")), "{row}");
    assert_eq!(header.find("tier"), Some(41), "{wide}");
    assert!(wide.lines().all(|l| l.chars().count() <= 160), "{wide}");
}

#[test]
fn due_tables_name_items_in_words() {
    let dir = crate::score::sample();
    let ws = dir.path().join("ws");
    let table = piped_at(&ws, &["due", "--dry-run"], None);
    assert!(table.contains(" soc2 report ") && table.contains(" termination notice "), "{table}");
    // (The sources name contract fields, e.g. termination_notice_days, as they are spelt.)
    for kind in ["soc2_report", "contract_end", "termination_notice "] {
        assert!(!table.contains(kind), "{kind}: {table}");
    }
    let csv = piped_at(&ws, &["due", "--dry-run", "--format", "csv"], None);
    assert!(csv.contains(",soc2_report,") && csv.contains(",contract_end,"), "{csv}");
}

#[test]
fn trend_stops_reading_the_ledger_when_its_output_is_closed() {
    use std::io::{BufRead, Write};
    let dir = crate::score::sample();
    let ws = dir.path().join("ws");
    let ledger = ws.join(vendorscore::audit::ledger::LEDGER_PATH);
    let run = std::fs::read_to_string(&ledger)
        .unwrap()
        .lines()
        .find(|l| l.contains("\"action\":\"score\""))
        .unwrap()
        .to_owned();
    // The ledger is a pipe this test feeds: it sees whether trend stops reading.
    std::fs::remove_file(&ledger).unwrap();
    assert!(std::process::Command::new("mkfifo").arg(&ledger).status().unwrap().success());
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("vendorscore"))
        .arg("trend")
        .current_dir(&ws)
        .env("SOURCE_DATE_EPOCH", "1795255200")
        .env("NO_COLOR", "1")
        .env_remove("VENDORSCORE_WORKSPACE")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    const OFFERED: usize = 20_000;
    let feeder = std::thread::spawn(move || {
        let mut fifo = std::fs::OpenOptions::new().write(true).open(&ledger).unwrap();
        let line = format!("{run}\n");
        // Some(n): the reader went away after n entries.
        (0..OFFERED).find(|_| fifo.write_all(line.as_bytes()).is_err())
    });
    // `| head -1`: read the heading, then close the pipe.
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    drop(stdout);
    let output = child.wait_with_output().unwrap();
    let stopped = feeder.join().unwrap();
    assert!(first.starts_with("  entry date"), "{first}");
    assert!(output.status.success(), "{output:?}");
    assert!(output.stderr.is_empty(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(stopped.is_some(), "trend read all {OFFERED} entries after its output was closed");
}

#[test]
fn csv_for_excel_keeps_a_line_break_inside_a_cell_as_written() {
    let dir = crate::score::sample();
    let ws = dir.path().join("ws");
    // A name and a remedy with a line break in them.
    let vendor = ws.join("vendors/northwind-cx/vendor.toml");
    let text = std::fs::read_to_string(&vendor).unwrap();
    std::fs::write(&vendor, text.replace("\"Northwind CX Sp. z o.o.\"", "\"Northwind CX\\nSp. z o.o.\"")).unwrap();
    std::fs::write(
        ws.join("notes.toml"),
        "[policy]\nid = \"notes\"\nname = \"Notes\"\nversion = \"1.0.0\"\n\n[[rule]]\nid = \"long-notice\"\n\
         title = \"A notice no contract gives\"\nseverity = \"low\"\nreference = \"buyer judgement\"\n\
         require = \"contract.termination_notice_days >= 100000\"\nremediation = \"First line.\\nSecond line.\"\n",
    )
    .unwrap();
    for (command, cell) in [
        (&["score", "--dry-run"][..], "\"Northwind CX\nSp. z o.o.\""),
        (&["check", "--dry-run", "--policy", "notes.toml"], "\"First line.\nSecond line.\""),
    ] {
        let excel = piped_at(&ws, &[command, &["--format", "csv-excel"]].concat(), None);
        let body = excel.strip_prefix('\u{feff}').unwrap();
        // The cell as it is (LF), every record ending in CRLF.
        assert!(body.contains(cell), "{command:?}: {body:?}");
        assert!(!body.contains(&cell.replace('\n', "\r\n")), "{command:?}");
        let records: Vec<&str> = body.split_terminator("\r\n").collect();
        let plain = piped_at(&ws, &[command, &["--format", "csv"]].concat(), None);
        assert_eq!(records.join("\n") + "\n", plain, "{command:?}");
        // Read back as Excel does (Python's csv module): the cell's value is the one in the file.
        std::fs::write(ws.join("out.csv"), excel.as_bytes()).unwrap();
        let wanted = cell.trim_matches('"');
        let script = format!(
            "import csv, sys; rows = list(csv.reader(open('out.csv', encoding='utf-8-sig', newline=''))); \
             sys.exit(0 if any({wanted:?} in r for r in rows) else 1)"
        );
        let read = std::process::Command::new("python3").args(["-c", &script]).current_dir(&ws).status().unwrap();
        assert!(read.success(), "{command:?}: the cell reads back as {wanted:?}");
    }
}
