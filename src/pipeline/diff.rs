//! Comparing outcomes (SPEC section 13, `diff`): one cohort scored under two
//! rubric versions, or two recorded `score` runs. Answers to criteria that
//! one version lacks are warnings here, not errors (the loader tolerates
//! them). A rubric read from git (`REV:path`) comes in as text: the CLI runs
//! `git show`, the library never does.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::tickets;
use super::{Clock, Decided, PipelineError, Run, Selection, cohort_and_shown};
use crate::audit::hash::sha256_hex;
use crate::audit::ledger::{FileRecord, LEDGER_PATH};
use crate::diag::{Code, Diagnostics};
use crate::load::{Findings, Loader, Stop};
use crate::model::{FileKind, Rubric};
use crate::scoring::{self, Measured, Scorecard};
use crate::sensitivity::diff::{RubricChange, VendorChange, compare_cards, compare_rubrics};
use crate::source::SourceFile;
use crate::validate::{CheckedFile, Expect, check_source};
use crate::workspace::Workspace;

/// Where a rubric version comes from.
#[derive(Debug, Clone)]
pub enum RubricSource {
    /// A path or `builtin:ID`, read through the loader.
    Reference(String),
    /// Text read elsewhere (`REV:path` through `git show`), with the name it is shown by.
    Text { name: String, text: String },
}

/// What to compare.
#[derive(Debug, Clone)]
pub struct DiffRequest {
    pub before: RubricSource,
    pub after: RubricSource,
    /// The cohort (the vendors shown are all of it).
    pub selection: Selection,
}

/// One outcome.
#[derive(Debug)]
pub struct Side {
    /// As given: a path, `builtin:ID` or `REV:path`.
    pub label: String,
    pub rubric: Rubric,
    /// In rank order.
    pub cards: Vec<Scorecard>,
}

/// Two outcomes compared.
#[derive(Debug)]
pub struct Diffed {
    pub before: Side,
    pub after: Side,
    pub vendors: Vec<VendorChange>,
    pub rubric: Vec<RubricChange>,
}

impl Diffed {
    /// The ledger entry of a `diff` run: float-free, decimals as strings.
    pub fn run(&self, clock: &Clock, inputs: Vec<FileRecord>) -> Run {
        let side = |s: &Side| json!({ "label": s.label, "rubric": { "id": s.rubric.id, "version": s.rubric.version, "sha256": s.rubric.sha256 } });
        let standing = |s: &Option<crate::sensitivity::diff::Standing>| {
            s.as_ref()
                .map(|s| json!({ "score": format!("{:.2}", s.score), "status": s.status.as_str(), "rank": s.rank }))
        };
        Run {
            action: "diff",
            subjects: self.vendors.iter().map(|v| v.id.clone()).collect(),
            inputs,
            outputs: Vec::new(),
            result: json!({
                "as_of": clock.as_of.to_string(),
                "before": side(&self.before),
                "after": side(&self.after),
                "vendors": self.vendors.iter().map(|v| json!({
                    "id": v.id, "before": standing(&v.before), "after": standing(&v.after),
                })).collect::<Vec<_>>(),
                "rubric_changes": self.rubric.len(),
            }),
        }
    }
}

impl RubricSource {
    fn label(&self) -> String {
        match self {
            RubricSource::Reference(r) => r.clone(),
            RubricSource::Text { name, .. } => name.clone(),
        }
    }
}

/// A rubric from text: validated like a file, recorded as an input.
fn rubric_from_text(name: &str, text: &str, inputs: &mut Vec<FileRecord>) -> Result<Rubric, PipelineError> {
    let mut file = CheckedFile::new(SourceFile::new(name, text), None);
    let mut diagnostics = Diagnostics::default();
    check_source(&mut file, Expect::Exactly(FileKind::Rubric), &mut diagnostics);
    inputs.push(FileRecord { path: name.to_owned(), bytes: text.len() as u64, sha256: sha256_hex(text.as_bytes()) });
    match file.rubric {
        Some(rubric) if !diagnostics.has_errors() => Ok(rubric),
        _ => {
            let mut sources = BTreeMap::new();
            sources.insert(name.to_owned(), file.source);
            Err(PipelineError::Invalid { findings: Findings { diagnostics, sources }, doing: "comparing" })
        }
    }
}

/// Score the cohort under both rubric versions and compare.
pub fn diff(workspace: &Workspace, clock: &Clock, request: &DiffRequest) -> Result<Decided<Diffed>, PipelineError> {
    let mut loader = Loader::new(workspace.clone());
    loader.tolerate(Code::UnknownCategory);
    loader.tolerate(Code::UnknownCriterion);
    let mut extra_inputs = Vec::new();
    let invalid = |loader: &mut Loader| PipelineError::Invalid { findings: loader.findings(), doing: "comparing" };
    let (cohort, _) = cohort_and_shown(&loader, &request.selection)?;
    let mut rubrics = Vec::new();
    for source in [&request.before, &request.after] {
        let rubric = match source {
            RubricSource::Reference(reference) => {
                loader.rubric(Some(reference)).map_err(|Stop| invalid(&mut loader))?
            }
            RubricSource::Text { name, text } => rubric_from_text(name, text, &mut extra_inputs)?,
        };
        rubrics.push(rubric);
    }
    let after_rubric = rubrics.pop().expect("two rubrics");
    let before_rubric = rubrics.pop().expect("two rubrics");
    let loaded = (|| -> Result<_, Stop> {
        let settings = loader.settings()?;
        let vendors = loader.vendors(&cohort)?;
        let before = loader.submissions(&before_rubric, &vendors)?;
        let after = loader.submissions(&after_rubric, &vendors)?;
        Ok((settings, vendors, before, after))
    })();
    let Ok((settings, vendors, before_subs, after_subs)) = loaded else { return Err(invalid(&mut loader)) };
    // One read of each export for both versions' measured criteria; a
    // criterion measured in both is measured as the newer version says.
    let mut criteria = tickets::measured(&after_rubric);
    for criterion in tickets::measured(&before_rubric) {
        if !criteria.iter().any(|c| c.0 == criterion.0) {
            criteria.push(criterion);
        }
    }
    let options = crate::sla::ReadOptions::of(&settings).from_file(loader.tickets_settings_file());
    let mut measured = Measured::new();
    let mut notes = Vec::new();
    let exports: Vec<_> = vendors
        .iter()
        .map(|vendor| (vendor.id(), vendor.dir.join("tickets.csv")))
        .filter(|(_, path)| !criteria.is_empty() && path.is_file())
        .collect();
    let paths: Vec<_> = exports.iter().map(|(_, path)| (path.clone(), None)).collect();
    let reads = tickets::read_all(&mut loader, &paths, &criteria, &options, clock.as_of);
    for ((id, path), read) in exports.iter().zip(reads) {
        let read = tickets::usable(&loader.workspace().display_path(path), read, &options, &mut notes)?;
        measured.insert((*id).to_owned(), read.measured);
    }
    let before_cards = scoring::score(&before_rubric, &before_subs, &measured);
    let after_cards = scoring::score(&after_rubric, &after_subs, &measured);
    let value = Diffed {
        vendors: compare_cards(&before_cards, &after_cards),
        rubric: compare_rubrics(&before_rubric, &after_rubric),
        before: Side { label: request.before.label(), rubric: before_rubric, cards: before_cards },
        after: Side { label: request.after.label(), rubric: after_rubric, cards: after_cards },
    };
    let mut inputs = loader.inputs();
    inputs.extend(extra_inputs);
    inputs.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(Decided { value, inputs, findings: loader.findings(), notes })
}

/// One vendor in a recorded `score` run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    /// Two decimals, as recorded.
    pub score: String,
    pub status: String,
    pub rank: Option<u64>,
}

/// Two recorded `score` runs compared.
#[derive(Debug)]
pub struct EntriesDiffed {
    pub seqs: (u64, u64),
    /// Each entry's `result.rubric`.
    pub rubrics: (Value, Value),
    /// Per vendor id: before and after.
    pub vendors: Vec<(String, Option<Recorded>, Option<Recorded>)>,
}

impl EntriesDiffed {
    /// The ledger entry of a `diff --entries` run.
    pub fn run(&self, clock: &Clock) -> Run {
        Run {
            action: "diff",
            subjects: self.vendors.iter().map(|v| v.0.clone()).collect(),
            inputs: Vec::new(),
            outputs: Vec::new(),
            result: json!({
                "as_of": clock.as_of.to_string(),
                "entries": [self.seqs.0, self.seqs.1],
                "before": { "rubric": self.rubrics.0 },
                "after": { "rubric": self.rubrics.1 },
            }),
        }
    }
}

/// Compare two `score` entries of the workspace's ledger.
pub fn entries(workspace: &Workspace, before: u64, after: u64) -> Result<EntriesDiffed, PipelineError> {
    let path = workspace.root.join(LEDGER_PATH);
    let text = std::fs::read_to_string(&path)
        .map_err(|e| PipelineError::unusable(format!("{}: {e}", workspace.display_path(&path))))?;
    let find = |seq: u64| -> Result<Value, PipelineError> {
        let entry = text
            .lines()
            .filter_map(|line| serde_json::from_str::<Value>(line).ok())
            .find(|entry| entry["seq"].as_u64() == Some(seq))
            .ok_or_else(|| {
                PipelineError::unusable(format!("the ledger has no entry {seq} (see `vendorscore audit log`)"))
            })?;
        if entry["action"] != "score" {
            return Err(PipelineError::unusable(format!(
                "entry {seq} records `{}`, not `score`: diff --entries compares two score runs",
                entry["action"].as_str().unwrap_or("?")
            )));
        }
        Ok(entry)
    };
    let (old, new) = (find(before)?, find(after)?);
    let vendors_of = |entry: &Value| -> BTreeMap<String, Recorded> {
        entry["result"]["vendors"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| {
                Some((
                    v["id"].as_str()?.to_owned(),
                    Recorded {
                        score: v["score"].as_str()?.to_owned(),
                        status: v["status"].as_str()?.to_owned(),
                        rank: v["rank"].as_u64(),
                    },
                ))
            })
            .collect()
    };
    let (mut a, mut b) = (vendors_of(&old), vendors_of(&new));
    let mut ids: Vec<String> = b.keys().chain(a.keys()).cloned().collect();
    ids.sort_by_key(|id| (b.get(id).and_then(|r| r.rank).unwrap_or(u64::MAX), id.clone()));
    ids.dedup();
    let vendors = ids.into_iter().map(|id| (id.clone(), a.remove(&id), b.remove(&id))).collect();
    Ok(EntriesDiffed {
        seqs: (before, after),
        rubrics: (old["result"]["rubric"].clone(), new["result"]["rubric"].clone()),
        vendors,
    })
}
