//! Questionnaires (SPEC section 10) as library calls: [`export`] lays the
//! rubric out as a workbook; [`import`] reads a returned workbook or
//! answers JSON and prepares the `vendor.toml` it stands for: validated,
//! with the answers added, changed and removed, and whether writing it
//! would replace a file (which needs `--force`). Nothing is written here
//! but by [`Imported::write`], which the caller invokes once it has decided.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::json;

use super::{Clock, Decided, PipelineError, Run};
use crate::audit::hash::sha256_hex;
use crate::audit::ledger::FileRecord;
use crate::diag::{Code, Diagnostics};
use crate::load::{Findings, Loader};
use crate::model::{AnswerSource, FileKind, Rubric};
use crate::output::{Created, create_new, write_atomic};
use crate::questionnaire::html::{self, FormContent};
use crate::questionnaire::resolve::Resolved;
use crate::questionnaire::xlsx::{WorkbookContent, workbook};
use crate::questionnaire::{Filled, RubricStamp, Tender, VENDOR_FIELDS, diagnose, instructions, layout_of, meta_rows};
use crate::source::SourceFile;
use crate::validate::{CheckedFile, Document, Expect, check_answers, check_scores, check_source};
use crate::workspace::Workspace;

/// What to export.
#[derive(Debug, Clone, Default)]
pub struct ExportRequest {
    /// `--rubric`: a path or `builtin:ID`; default: the workspace's.
    pub rubric: Option<String>,
    /// `--vendor`: the vendor the questionnaire is for (its `[vendor]` values are prefilled).
    pub vendor: Option<String>,
    /// `--format html`: the offline form instead of the workbook.
    pub html: bool,
    /// `--panel --evaluator NAME`: the vendor's panel criteria for one evaluator.
    pub evaluator: Option<String>,
}

/// A questionnaire workbook, made.
#[derive(Debug)]
pub struct Exported {
    pub bytes: Vec<u8>,
    pub rubric: Rubric,
    /// Rows of the `Questionnaire` sheet.
    pub rows: usize,
    pub vendor: Option<String>,
    /// `xlsx` or `html`.
    pub format: &'static str,
}

impl Exported {
    /// Write the workbook to `out`; never replaces a file.
    pub fn write(&self, workspace: &Workspace, out: &Path) -> Result<FileRecord, PipelineError> {
        match create_new(out, &self.bytes)? {
            Created::Written => Ok(FileRecord {
                path: workspace.display_path(out),
                bytes: self.bytes.len() as u64,
                sha256: sha256_hex(&self.bytes),
            }),
            Created::KeptExisting => Err(PipelineError::unusable(format!(
                "{} exists; it is not replaced (a returned questionnaire could be lost): choose another --out",
                workspace.display_path(out)
            ))),
        }
    }

    /// The ledger entry of an export.
    pub fn run(&self, clock: &Clock, inputs: Vec<FileRecord>, output: FileRecord) -> Run {
        let rubric = &self.rubric;
        Run {
            action: "export",
            subjects: self.vendor.iter().cloned().collect(),
            inputs,
            outputs: vec![output],
            result: json!({
                "as_of": clock.as_of.to_string(),
                "questionnaire": { "format": self.format, "rows": self.rows },
                "rubric": { "id": rubric.id, "version": rubric.version, "sha256": rubric.sha256 },
            }),
        }
    }
}

/// Make the questionnaire workbook of a rubric.
pub fn export(
    workspace: &Workspace,
    clock: &Clock,
    request: &ExportRequest,
) -> Result<Decided<Exported>, PipelineError> {
    let mut loader = Loader::new(workspace.clone());
    let invalid =
        |loader: &mut Loader| PipelineError::Invalid { findings: loader.findings(), doing: "making the questionnaire" };
    let Ok(settings) = loader.settings() else { return Err(invalid(&mut loader)) };
    let Ok(rubric) = loader.rubric(request.rubric.as_deref()) else { return Err(invalid(&mut loader)) };
    if let Some(evaluator) = &request.evaluator {
        if request.vendor.is_none() {
            return Err(PipelineError::unusable("a panel sheet is for one vendor: give --vendor ID"));
        }
        if !is_file_name(evaluator, true) {
            return Err(PipelineError::unusable(format!(
                "evaluator `{evaluator}` cannot name a file: use lowercase letters, digits, `.`, `_` and `-`"
            )));
        }
    }
    let mut vendor: Vec<(String, String)> = Vec::new();
    if let Some(id) = &request.vendor {
        let dir = workspace.root.join("vendors").join(id);
        if dir.join("vendor.toml").is_file() {
            let Ok(folders) = loader.vendors(&[dir]) else { return Err(invalid(&mut loader)) };
            let header = &folders[0].file.vendor;
            let given = [
                Some(header.id.value.clone()),
                Some(header.name.value.clone()),
                header.country.as_ref().map(|c| c.value.clone()),
                header.website.clone(),
                header.contact.clone(),
            ];
            vendor = VENDOR_FIELDS.iter().zip(given).filter_map(|(k, v)| Some(((*k).to_owned(), v?))).collect();
        } else {
            vendor.push(("id".to_owned(), id.clone()));
        }
    }
    let tender = Tender {
        workspace: settings.workspace.name.clone(),
        organisation: settings.workspace.organisation.clone(),
        deadline: settings.questionnaire.as_ref().and_then(|q| q.deadline.clone()),
        contact: settings.questionnaire.as_ref().and_then(|q| q.contact.clone()),
        vendor,
        generated: clock.as_of.to_string(),
        evaluator: request.evaluator.clone(),
    };
    let source = if request.evaluator.is_some() { AnswerSource::Panel } else { AnswerSource::Vendor };
    let rows = layout_of(&rubric, source);
    let stamp = RubricStamp::of(&rubric);
    let meta = meta_rows(&stamp, &tender, &rows);
    let lines = instructions(&rubric, &tender);
    let content = WorkbookContent {
        instructions: &lines,
        vendor: &tender.vendor,
        rows: &rows,
        meta: &meta,
        created: clock.document_seconds(),
    };
    let bytes = if request.html {
        let title = format!("{} questionnaire", rubric.name);
        let form =
            FormContent { title: &title, instructions: &lines, stamp: &stamp, vendor: &tender.vendor, rows: &rows };
        html::form(&form).into_bytes()
    } else {
        workbook(&content).map_err(|e| PipelineError::unusable(format!("the workbook cannot be made: {e}")))?
    };
    Ok(Decided {
        value: Exported {
            bytes,
            rows: rows.len(),
            rubric,
            vendor: request.vendor.clone(),
            format: if request.html { "html" } else { "xlsx" },
        },
        inputs: loader.inputs(),
        findings: loader.findings(),
        notes: Vec::new(),
    })
}

/// What to import.
#[derive(Debug, Clone, Default)]
pub struct ImportRequest {
    pub rubric: Option<String>,
    /// The returned `.xlsx` or answers `.json`.
    pub file: PathBuf,
    /// `--vendor`: the vendor id [default: the questionnaire's].
    pub vendor: Option<String>,
}

/// One answer's change, by `category.criterion`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    Added { id: String, new: String },
    Changed { id: String, old: String, new: String },
    Removed { id: String, old: String },
}

/// A `vendor.toml` prepared from a questionnaire, validated, not written yet.
#[derive(Debug)]
pub struct Imported {
    pub vendor: String,
    /// Where it goes.
    pub path: PathBuf,
    /// Workspace-relative path.
    pub shown: String,
    pub text: String,
    /// The file there now, if any: writing replaces it (`--force`).
    pub previous: Option<String>,
    pub changes: Vec<Change>,
    pub answers: usize,
    pub rubric: Rubric,
}

impl Imported {
    /// Write `vendor.toml`: a new file is created (never over one that
    /// appeared meanwhile); an existing one is replaced atomically, only
    /// when `replace` (`--force`).
    pub fn write(&self, replace: bool) -> Result<FileRecord, PipelineError> {
        let bytes = self.text.as_bytes();
        match (&self.previous, replace) {
            (None, _) => {
                if create_new(&self.path, bytes)? == Created::KeptExisting {
                    return Err(PipelineError::unusable(format!(
                        "{} appeared while importing; run the import again",
                        self.shown
                    )));
                }
            }
            (Some(_), true) => write_atomic(&self.path, bytes)?,
            (Some(_), false) => {
                return Err(PipelineError::unusable(format!(
                    "{} exists; it is not replaced without --force",
                    self.shown
                )));
            }
        }
        Ok(FileRecord { path: self.shown.clone(), bytes: bytes.len() as u64, sha256: sha256_hex(bytes) })
    }

    /// The ledger entry of an import.
    pub fn run(&self, clock: &Clock, inputs: Vec<FileRecord>, output: FileRecord) -> Run {
        let count = |f: fn(&Change) -> bool| self.changes.iter().filter(|c| f(c)).count();
        Run {
            action: "import",
            subjects: vec![self.vendor.clone()],
            inputs,
            outputs: vec![output],
            result: json!({
                "as_of": clock.as_of.to_string(),
                "vendor": self.vendor,
                "answers": self.answers,
                "added": count(|c| matches!(c, Change::Added { .. })),
                "changed": count(|c| matches!(c, Change::Changed { .. })),
                "removed": count(|c| matches!(c, Change::Removed { .. })),
                "rubric": { "id": self.rubric.id, "version": self.rubric.version, "sha256": self.rubric.sha256 },
            }),
        }
    }
}

/// Read a returned questionnaire and prepare the `vendor.toml` it stands for.
pub fn import(workspace: &Workspace, request: &ImportRequest) -> Result<Decided<Imported>, PipelineError> {
    let mut loader = Loader::new(workspace.clone());
    let doing = "importing the questionnaire";
    let Ok(rubric) = loader.rubric(request.rubric.as_deref()) else {
        return Err(PipelineError::Invalid { findings: loader.findings(), doing });
    };
    let shown = workspace.display_path(&request.file);
    let bytes = std::fs::read(&request.file)
        .map_err(|e| std::io::Error::new(e.kind(), format!("{}: {e}", request.file.display())))?;
    loader.record_bytes(&shown, &bytes);
    let mut found = Diagnostics::default();
    let mut sources = BTreeMap::new();
    let (filled, answers, source) = diagnose(&rubric, &shown, &bytes, &mut found);
    if let Some(source) = source {
        sources.insert(shown.clone(), source);
    }
    let stop = |found: Diagnostics, sources: BTreeMap<String, SourceFile>, loader: &mut Loader| {
        let mut findings = loader.findings();
        findings.diagnostics.extend(found);
        findings.diagnostics.sort();
        findings.sources.extend(sources);
        PipelineError::Invalid { findings, doing }
    };
    let Some(filled) = filled.filter(|_| !found.has_errors()) else { return Err(stop(found, sources, &mut loader)) };

    let given = |key: &str| filled.vendor.iter().find(|(k, _, _)| k == key).map(|(_, v, _)| v.clone());
    let vendor = request
        .vendor
        .clone()
        .or_else(|| given("id"))
        .or_else(|| filled.meta.get("vendor").map(|(v, _)| v.clone()))
        .ok_or_else(|| {
            PipelineError::unusable(
                "the questionnaire names no vendor: fill in the Vendor sheet's id, or give --vendor ID",
            )
        })?;
    // The id names a folder: only the id form, so no `..` or `/` leaves vendors/.
    if !is_file_name(&vendor, false) {
        return Err(PipelineError::unusable(format!(
            "vendor id `{vendor}` is not of the form [a-z0-9][a-z0-9-]*; give --vendor ID"
        )));
    }
    let evaluator = filled.meta.get("evaluator").map(|(v, _)| v.clone());
    if let Some(evaluator) = &evaluator
        && !is_file_name(evaluator, true)
    {
        return Err(PipelineError::unusable(format!("evaluator `{evaluator}` in _meta cannot name a file")));
    }
    let dir = workspace.root.join("vendors").join(&vendor);
    let path = match &evaluator {
        Some(evaluator) => dir.join("evaluations").join(format!("{evaluator}.toml")),
        None => dir.join("vendor.toml"),
    };
    let target = workspace.display_path(&path);
    let previous = match std::fs::read_to_string(&path) {
        Ok(text) => {
            loader.record_bytes(&target, text.as_bytes());
            Some(text)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(std::io::Error::new(e.kind(), format!("{target}: {e}")).into()),
    };
    let old: Option<toml::Table> = previous.as_deref().and_then(|t| toml::from_str(t).ok());
    let text = match &evaluator {
        Some(evaluator) => evaluation_toml(evaluator, &vendor, old.as_ref(), &answers, &shown, &rubric),
        None => vendor_toml(&vendor, &filled, old.as_ref(), &answers, &shown, &rubric)?,
    };

    // The result validates, or nothing is written.
    let mut checked = CheckedFile::new(SourceFile::new(target.clone(), text.clone()), Some(path.clone()));
    let mut validation = Diagnostics::default();
    let kind = if evaluator.is_some() { FileKind::Evaluation } else { FileKind::Vendor };
    check_source(&mut checked, Expect::Exactly(kind), &mut validation);
    match &checked.document {
        Some(Document::Vendor(file)) => {
            let mut resolved = BTreeMap::new();
            check_answers(&file.answers, Some(&rubric), &dir, &target, workspace, &mut validation, &mut resolved);
        }
        Some(Document::Evaluation(file)) => {
            let name = &file.evaluation.evaluator.value;
            check_scores(&file.scores, &rubric, name, &target, &mut validation, &mut BTreeMap::new());
        }
        _ => {}
    }
    // Evidence the bidder cites may arrive with the documents later.
    validation.downgrade(Code::EvidenceNotFound);
    if !validation.is_empty() {
        sources.insert(target.clone(), checked.source.clone());
    }
    found.extend(validation);
    if found.has_errors() {
        return Err(stop(found, sources, &mut loader));
    }
    let new: Option<toml::Table> = toml::from_str(&text).ok();
    let changes = diff(old.as_ref(), new.as_ref(), if evaluator.is_some() { "scores" } else { "answers" });
    let mut findings: Findings = loader.findings();
    findings.diagnostics.extend(found);
    findings.diagnostics.sort();
    findings.sources.extend(sources);
    Ok(Decided {
        value: Imported { vendor, path, shown: target, text, previous, changes, answers: answers.len(), rubric },
        inputs: loader.inputs(),
        findings,
        notes: Vec::new(),
    })
}

/// Whether `name` is a vendor id (`[a-z0-9][a-z0-9-]*`), or with `dots` an
/// evaluator name (`.` and `_` too, not leading): safe as one path component.
fn is_file_name(name: &str, dots: bool) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || (dots && (c == '.' || c == '_')))
        && !name.contains("..")
}

/// The `vendor.toml` text: `[vendor]` from the questionnaire, over the values
/// of the file there now; the `[answers]` tables from the questionnaire alone;
/// every other table of the file there now (`[intake]`, …) kept as it is.
fn vendor_toml(
    id: &str,
    filled: &Filled,
    old: Option<&toml::Table>,
    answers: &[Resolved],
    from: &str,
    rubric: &Rubric,
) -> Result<String, PipelineError> {
    let old_vendor = old.and_then(|t| t.get("vendor")).and_then(toml::Value::as_table);
    let mut text = format!(
        "# Imported by vendorscore from {from} (rubric {} {}).\n# `questionnaire import --force` rewrites the [answers] tables.\n\n[vendor]\n",
        rubric.id, rubric.version
    );
    let mut keys: Vec<String> = VENDOR_FIELDS.iter().map(|k| (*k).to_owned()).collect();
    keys.push("submitted".to_owned());
    for key in old_vendor.into_iter().flat_map(|t| t.keys()) {
        if !keys.contains(key) {
            keys.push(key.clone());
        }
    }
    for key in &keys {
        let given = if key == "id" {
            Some(id.to_owned())
        } else {
            filled.vendor.iter().find(|(k, _, _)| k == key).map(|(_, v, _)| v.clone())
        };
        let value = match given {
            Some(v) => Some(toml::Value::String(v).to_string()),
            None => old_vendor.and_then(|t| t.get(key)).map(|v| v.to_string()),
        };
        match value {
            Some(value) => text.push_str(&format!("{key} = {value}\n")),
            None if key == "name" => {
                return Err(PipelineError::unusable(format!(
                    "the questionnaire gives no vendor name: fill in the Vendor sheet's name for `{id}`"
                )));
            }
            None => {}
        }
    }
    let mut category = "";
    for answer in answers {
        let (cat, criterion) = answer.criterion.split_once('.').unwrap_or(("", &answer.criterion));
        if cat != category {
            text.push_str(&format!("\n[answers.{cat}]\n"));
            category = cat;
        }
        text.push_str(&format!("{criterion} = {}\n", answer.to_toml()));
    }
    for (key, value) in old.into_iter().flatten().filter(|(k, _)| !matches!(k.as_str(), "vendor" | "answers")) {
        let mut kept = toml::Table::new();
        kept.insert(key.clone(), value.clone());
        let kept = toml::to_string(&kept).map_err(|e| PipelineError::unusable(format!("[{key}]: {e}")))?;
        text.push('\n');
        text.push_str(&kept);
    }
    Ok(text)
}

/// An evaluation file: `[evaluation]` (a `date` of the file there now is
/// kept) and the `[scores]` tables from the panel sheet.
fn evaluation_toml(
    evaluator: &str,
    vendor: &str,
    old: Option<&toml::Table>,
    scores: &[Resolved],
    from: &str,
    rubric: &Rubric,
) -> String {
    let quote = |s: &str| toml::Value::String(s.to_owned()).to_string();
    let mut text = format!(
        "# Imported by vendorscore from {from} (rubric {} {}).\n\n[evaluation]\nevaluator = {}\n",
        rubric.id,
        rubric.version,
        quote(evaluator)
    );
    if let Some(date) = old.and_then(|t| t.get("evaluation")).and_then(|e| e.get("date")) {
        text.push_str(&format!("date = {date}\n"));
    }
    text.push_str(&format!("vendor = {}\n", quote(vendor)));
    let mut category = "";
    for score in scores {
        let (cat, criterion) = score.criterion.split_once('.').unwrap_or(("", &score.criterion));
        if cat != category {
            text.push_str(&format!("\n[scores.{cat}]\n"));
            category = cat;
        }
        text.push_str(&format!("{criterion} = {}\n", score.to_toml()));
    }
    text
}

/// Answers added, changed and removed, by `category.criterion`, in the order
/// of the files (the rubric's, for the file an import writes). A set answer
/// with the same options in another order is the same answer.
fn diff(old: Option<&toml::Table>, new: Option<&toml::Table>, key: &str) -> Vec<Change> {
    let flat = |table: Option<&toml::Table>| -> Vec<(String, String, String)> {
        let mut out = Vec::new();
        let answers = table.and_then(|t| t.get(key)).and_then(toml::Value::as_table);
        for (category, criteria) in answers.into_iter().flatten() {
            for (criterion, value) in criteria.as_table().into_iter().flatten() {
                out.push((format!("{category}.{criterion}"), value.to_string(), unordered(value).to_string()));
            }
        }
        out
    };
    let (old, new) = (flat(old), flat(new));
    let old_map: BTreeMap<&str, (&str, &str)> =
        old.iter().map(|(k, v, same)| (k.as_str(), (v.as_str(), same.as_str()))).collect();
    let new_map: BTreeMap<&str, &str> = new.iter().map(|(k, v, _)| (k.as_str(), v.as_str())).collect();
    let mut changes = Vec::new();
    for (id, value, same) in &new {
        match old_map.get(id.as_str()) {
            None => changes.push(Change::Added { id: id.clone(), new: value.clone() }),
            Some((before, before_same)) if before_same != same => {
                changes.push(Change::Changed { id: id.clone(), old: (*before).to_owned(), new: value.clone() })
            }
            Some(_) => {}
        }
    }
    for (id, value, _) in &old {
        if !new_map.contains_key(id.as_str()) {
            changes.push(Change::Removed { id: id.clone(), old: value.clone() });
        }
    }
    changes
}

/// An answer with its option lists sorted, for comparing set answers.
fn unordered(value: &toml::Value) -> toml::Value {
    match value {
        toml::Value::Array(items) if items.iter().all(toml::Value::is_str) => {
            let mut items = items.clone();
            items.sort_by(|a, b| a.as_str().cmp(&b.as_str()));
            toml::Value::Array(items)
        }
        toml::Value::Table(table) => toml::Value::Table(
            table.iter().map(|(k, v)| (k.clone(), if k == "value" { unordered(v) } else { v.clone() })).collect(),
        ),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::{Change, diff, is_file_name};

    #[test]
    fn the_diff_lists_changes_and_additions_in_file_order_then_removals() {
        let old: toml::Table = toml::from_str("[answers.b]\nx = 1\ny = 2\n").unwrap();
        let new: toml::Table = toml::from_str("[answers.b]\ny = 3\nw = true\n[answers.a]\nz = \"Plus\"\n").unwrap();
        let change = |id: &str| id.to_owned();
        assert_eq!(
            diff(Some(&old), Some(&new), "answers"),
            [
                Change::Changed { id: change("b.y"), old: "2".into(), new: "3".into() },
                Change::Added { id: change("b.w"), new: "true".into() },
                Change::Added { id: change("a.z"), new: "\"Plus\"".into() },
                Change::Removed { id: change("b.x"), old: "1".into() },
            ]
        );
        assert!(diff(Some(&old), Some(&old), "answers").is_empty());
    }

    #[test]
    fn a_set_answer_in_another_order_is_no_change() {
        let old: toml::Table =
            toml::from_str("[answers.c]\nlangs = [\"da\", \"de\"]\nhd = { value = [\"a\", \"b\"], note = \"n\" }\n")
                .unwrap();
        let same: toml::Table =
            toml::from_str("[answers.c]\nlangs = [\"de\", \"da\"]\nhd = { value = [\"b\", \"a\"], note = \"n\" }\n")
                .unwrap();
        assert!(diff(Some(&old), Some(&same), "answers").is_empty());
        let other: toml::Table =
            toml::from_str("[answers.c]\nlangs = [\"de\"]\nhd = { value = [\"b\", \"a\"], note = \"m\" }\n").unwrap();
        assert_eq!(diff(Some(&old), Some(&other), "answers").len(), 2);
    }

    #[test]
    fn ids_that_would_leave_the_vendor_folder_are_refused() {
        assert!(is_file_name("aero-support", false));
        assert!(is_file_name("a.kowalska", true));
        for bad in ["", "../x", "a/b", "x..", "-a", "A", "a.b"] {
            assert!(!is_file_name(bad, false), "{bad}");
        }
        assert!(!is_file_name("..", true) && !is_file_name(".hidden", true) && !is_file_name("a/..", true));
    }
}
