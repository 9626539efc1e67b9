//! Fuzz targets on stable Rust: proptest drives mutations of real files of
//! every kind (byte flips, cuts, splices, repeated and inserted fragments)
//! and random input for the CSV reader, the policy expression compiler and
//! the template renderer. Each target asserts what must hold for any input:
//! no panic, no abort, a bounded answer (diagnostics or an error).
//!
//! CI runs each target briefly (`FUZZ_CASES`, default 64 cases) on a fixed
//! stream; a longer session is `FUZZ_CASES=100000 FUZZ_SEED=7 cargo test
//! --release --test fuzz` (any seed: another stream).

use std::path::{Path, PathBuf};

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

use vendorscore::diag::Diagnostics;
use vendorscore::model::{Channel, FileKind, Metric};
use vendorscore::report::templates::Templates;
use vendorscore::sla::period::PeriodKind;
use vendorscore::sla::{ReadOptions, Rule, read_slice};
use vendorscore::source::SourceFile;
use vendorscore::validate::{CheckedFile, Expect, check_source};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn cases() -> u32 {
    std::env::var("FUZZ_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(64)
}

/// A runner with a fixed stream, so a run is reproducible: `FUZZ_SEED` (a
/// number, default 0) picks another stream for a longer session.
fn runner() -> TestRunner {
    let seed: u64 = std::env::var("FUZZ_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(0);
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&seed.to_le_bytes());
    let rng = proptest::test_runner::TestRng::from_seed(proptest::test_runner::RngAlgorithm::ChaCha, &bytes);
    TestRunner::new_with_rng(Config { cases: cases(), failure_persistence: None, ..Config::default() }, rng)
}

/// One change to a seed file.
#[derive(Debug, Clone)]
enum Mutation {
    Flip { at: usize, byte: u8 },
    Cut { at: usize, len: usize },
    Insert { at: usize, text: Vec<u8> },
    Repeat { at: usize, len: usize, times: usize },
    Truncate { at: usize },
}

/// Fragments that reach the parser's and validator's corners.
const FRAGMENTS: &[&str] = &[
    "[",
    "]",
    "[[",
    "]]",
    "\"",
    "'''",
    "\"\"\"",
    "=",
    "\n",
    "#",
    "{",
    "}",
    ",",
    "0x7fffffffffffffff",
    "1e309",
    "-0.0",
    "nan",
    "inf",
    "1979-05-27T07:32:00Z",
    "\u{0}",
    "\u{feff}",
    "é",
    "🦀",
    "\\u0000",
    "[x.y.z]",
    "a.b.c = 1",
    "weight = 0",
    "weight = -1",
    "score = 99999999999999999999",
    "target = \"106751991167301d\"",
];

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(at, byte)| Mutation::Flip { at, byte }),
        (any::<usize>(), 1usize..64).prop_map(|(at, len)| Mutation::Cut { at, len }),
        (any::<usize>(), prop::sample::select(FRAGMENTS))
            .prop_map(|(at, f)| Mutation::Insert { at, text: f.as_bytes().to_vec() }),
        (any::<usize>(), prop::collection::vec(any::<u8>(), 1..16))
            .prop_map(|(at, text)| Mutation::Insert { at, text }),
        (any::<usize>(), 1usize..32, 2usize..64).prop_map(|(at, len, times)| Mutation::Repeat { at, len, times }),
        any::<usize>().prop_map(|at| Mutation::Truncate { at }),
    ]
}

fn apply(seed: &[u8], mutations: &[Mutation]) -> Vec<u8> {
    let mut bytes = seed.to_vec();
    for m in mutations {
        let n = bytes.len().max(1);
        match m {
            Mutation::Flip { at, byte } if !bytes.is_empty() => bytes[at % n] = *byte,
            Mutation::Flip { .. } => {}
            Mutation::Cut { at, len } => {
                let start = at % n.min(bytes.len().max(1));
                let end = (start + len).min(bytes.len());
                if start < end {
                    bytes.drain(start..end);
                }
            }
            Mutation::Insert { at, text } => {
                let at = at % (bytes.len() + 1);
                bytes.splice(at..at, text.iter().copied());
            }
            Mutation::Repeat { at, len, times } => {
                let start = at % (bytes.len() + 1);
                let end = (start + len).min(bytes.len());
                let piece = bytes[start..end].to_vec();
                for _ in 0..*times {
                    bytes.splice(end..end, piece.iter().copied());
                }
            }
            Mutation::Truncate { at } => bytes.truncate(at % (bytes.len() + 1)),
        }
    }
    bytes
}

/// Validate mutated copies of `seeds` as `kind`: diagnostics, never a panic.
fn fuzz_kind(kind: FileKind, seeds: &[PathBuf]) {
    let seeds: Vec<(String, Vec<u8>)> = seeds
        .iter()
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read(p).unwrap()))
        .collect();
    assert!(!seeds.is_empty());
    let strategy = (0..seeds.len(), prop::collection::vec(mutation(), 1..8));
    runner()
        .run(&strategy, |(which, mutations)| {
            let (name, seed) = &seeds[which];
            let bytes = apply(seed, &mutations);
            let Ok(text) = String::from_utf8(bytes) else { return Ok(()) };
            let mut file = CheckedFile::new(SourceFile::new(format!("fuzz/{name}"), text), None);
            let mut diagnostics = Diagnostics::default();
            check_source(&mut file, Expect::Exactly(kind), &mut diagnostics);
            // Every diagnostic shown (follow-ons of placeholders are dropped) points inside the text.
            diagnostics.sort();
            for d in diagnostics.iter() {
                if let Some(span) = &d.span {
                    prop_assert!(span.start <= file.source.text.len() + 1, "{d:?}");
                }
            }
            Ok(())
        })
        .unwrap();
}

fn toml_files(dir: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "toml"))
        .map(|e| e.into_path())
        .collect()
}

#[test]
fn rubrics() {
    fuzz_kind(FileKind::Rubric, &toml_files(&repo().join("rubrics")));
}

#[test]
fn policies() {
    fuzz_kind(FileKind::Policy, &toml_files(&repo().join("policies")));
}

#[test]
fn vendors() {
    let seeds: Vec<PathBuf> =
        toml_files(&repo().join("examples/vendors")).into_iter().filter(|p| p.ends_with("vendor.toml")).collect();
    fuzz_kind(FileKind::Vendor, &seeds);
}

#[test]
fn evaluations() {
    let seeds: Vec<PathBuf> = toml_files(&repo().join("examples/vendors"))
        .into_iter()
        .filter(|p| p.to_string_lossy().contains("evaluations"))
        .collect();
    fuzz_kind(FileKind::Evaluation, &seeds);
}

#[test]
fn contracts() {
    let seeds: Vec<PathBuf> =
        toml_files(&repo().join("examples/vendors")).into_iter().filter(|p| p.ends_with("contract.toml")).collect();
    fuzz_kind(FileKind::Contract, &seeds);
}

#[test]
fn workspace_settings() {
    fuzz_kind(FileKind::Workspace, &[repo().join("examples/vendorscore.toml")]);
}

fn ticket_rules() -> Vec<Rule> {
    [Metric::FirstResponse, Metric::Resolution, Metric::Csat, Metric::ReopenRate]
        .into_iter()
        .flat_map(|metric| {
            [PeriodKind::Month, PeriodKind::Whole].into_iter().map(move |period| Rule {
                metric,
                channel: Channel::Any,
                tier: None,
                priority: None,
                threshold: 60,
                period,
                ..Rule::default()
            })
        })
        .collect()
}

#[test]
fn ticket_csv_reader() {
    let seed = std::fs::read(repo().join("examples/vendors/northwind-cx/tickets.csv")).unwrap();
    // The first few hundred lines: mutations land in the header and the rows alike.
    let cut = seed.iter().enumerate().filter(|(_, b)| **b == b'\n').nth(300).map_or(seed.len(), |(i, _)| i + 1);
    let seed = seed[..cut].to_vec();
    let rules = ticket_rules();
    runner()
        .run(&prop::collection::vec(mutation(), 1..12), |mutations| {
            let bytes = apply(&seed, &mutations);
            if let Ok(data) = read_slice(&bytes, &rules, &ReadOptions::default()) {
                prop_assert!(data.rows.rejected <= data.rows.read);
                // The first ten, and an unclosed quote always besides them.
                prop_assert!(data.rows.first_rejected.len() <= vendorscore::sla::reader::REPORTED + 1);
            }
            Ok(())
        })
        .unwrap();
    runner()
        .run(&prop::collection::vec(any::<u8>(), 0..4096), |bytes| {
            let _ = read_slice(&bytes, &rules, &ReadOptions::default());
            Ok(())
        })
        .unwrap();
}

/// Pieces of the expression language, put together at random.
const EXPRESSION_PARTS: &[&str] = &[
    "contract",
    "data_protection",
    "security",
    "sla",
    "extra",
    "vendor",
    "answers",
    "as_of",
    ".",
    "x",
    "[0]",
    " and ",
    " or ",
    " not ",
    "==",
    "<=",
    ">",
    " in ",
    "(",
    ")",
    "[",
    "]",
    ",",
    "'a'",
    "1",
    "365",
    "1e308",
    "|",
    "join",
    "length",
    "age_days",
    "days_between",
    "duration_secs",
    "default(0)",
    "first",
    "map(attribute='x')",
    "selectattr('x')",
    " is defined",
    " is none",
    "~",
    "*",
    "**",
    "{",
    "}",
    "range(100000)",
    "'x' * 99999",
    "lower",
    "upper",
    "replace('a','bb')",
    "list",
    "sort",
    "unique",
    "sum",
];

#[test]
fn policy_expression_compiler() {
    let strategy = prop::collection::vec(prop::sample::select(EXPRESSION_PARTS), 1..40);
    runner()
        .run(&strategy, |parts| {
            let expression = parts.concat();
            let text = format!(
                "[policy]\nid = \"p\"\nname = \"P\"\nversion = \"1.0.0\"\n\n[[rule]]\nid = \"r\"\ntitle = \"R\"\n\
                 severity = \"high\"\nrequire = {expression:?}\n"
            );
            let mut file = CheckedFile::new(SourceFile::new("policies/p.toml", text), None);
            let mut diagnostics = Diagnostics::default();
            check_source(&mut file, Expect::Exactly(FileKind::Policy), &mut diagnostics);
            // Compiled only when valid, and then it evaluates without a panic.
            prop_assert_eq!(file.policy.is_some(), !diagnostics.has_errors());
            Ok(())
        })
        .unwrap();
}

/// Pieces of templates, put together at random, including ones the sandbox refuses.
const TEMPLATE_PARTS: &[&str] = &[
    "{{ vendor.name }}",
    "{{ score }}",
    "{% for k in criteria %}",
    "{% endfor %}",
    "{% if findings %}",
    "{% endif %}",
    "{{ k.name | cell }}",
    "{{ score | fixed(2) }}",
    "{{ 'x' * 1000 }}",
    "{% set s = 'ab' %}",
    "{{ s ~ s }}",
    "{{ '%1000000000d' | format(1) }}",
    "{{ 'x' | indent(100000000) }}",
    "{% include 'scorecard.md.j2' %}",
    "{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}",
    "{{ range(1000000) | list | length }}",
    "text ",
    "\n",
    "{{",
    "}}",
    "{%",
    "%}",
    "{# c #}",
    "{{ debug() }}",
    "{% for i in range(10) %}{% for j in range(10) %}",
    "{% endfor %}{% endfor %}",
    "{{ vendor | tojson }}",
    "{{ loop.index }}",
    "{% raw %}",
    "{% endraw %}",
];

#[test]
fn template_renderer() {
    let context = serde_json::json!({
        "vendor": { "name": "Łódź Sp. z o.o.", "id": "x" },
        "score": 81.5,
        "criteria": [{ "name": "a|b" }, { "name": "c" }],
        "findings": null,
    });
    let strategy = prop::collection::vec(prop::sample::select(TEMPLATE_PARTS), 1..24);
    runner()
        .run(&strategy, |parts| {
            let dir = tempfile::tempdir().unwrap();
            std::fs::write(dir.path().join("scorecard.md.j2"), parts.concat()).unwrap();
            let templates = Templates::new(Some(dir.path()));
            if let Ok(output) = templates.render("scorecard.md.j2", &context) {
                prop_assert!(output.len() <= vendorscore::report::templates::MAX_OUTPUT_BYTES);
            }
            Ok(())
        })
        .unwrap();
}
