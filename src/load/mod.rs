//! The one doorway from disk: a [`Loader`] reads each input file once,
//! hashes the bytes it read, validates them, keeps the validated documents
//! for whoever asks next, and lists what was read for the ledger (typst's
//! `SystemWorld` keeps its dependencies the same way).
//!
//! Nothing is handed on when a file has an error: a method that finds one
//! returns [`Stop`], and the diagnostics (with the texts they point into)
//! wait in the loader until [`Loader::findings`] takes them.
//!
//! - this file: the cache, settings, the rubric, policies;
//! - [`vendors`]: vendor folders, submissions, contracts, compliance subjects;
//! - [`tickets`]: ticket exports, opened once and hashed while read.

pub mod tickets;
mod tiering;
pub mod vendors;

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::audit::hash::sha256_hex;
use crate::audit::ledger::FileRecord;
use crate::builtin;
use crate::compliance::Policy;
use crate::diag::{Code, Diagnostics, Severity};
use crate::model::{FileKind, Rubric, WorkspaceFile};
use crate::source::SourceFile;
use crate::validate::{CheckedFile, Document, Expect, check_source, load_builtin_once, read_for_rules};
use crate::workspace::{Reference, SETTINGS_FILE, Workspace};

pub use vendors::{Contract, VendorFolder};

/// What loading found: diagnostics (warnings only on success) and the
/// files they point into, for rendering.
#[derive(Debug, Default)]
pub struct Findings {
    pub diagnostics: Diagnostics,
    pub sources: BTreeMap<String, SourceFile>,
}

impl Findings {
    /// Whether an error was found.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.has_errors()
    }
}

/// An input had an error; the loader holds the diagnostics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stop;

/// One file as read: checked on its own, and whether it had an error.
#[derive(Debug)]
struct Cached {
    file: CheckedFile,
    errors: bool,
    /// A valid vendor or contract file's tables as written (what policy
    /// rules read), parsed with the file on the reading threads.
    table: Option<Arc<toml::Table>>,
}

/// One file as a reading thread hands it over.
struct Read {
    file: CheckedFile,
    diagnostics: Diagnostics,
    table: Option<Arc<toml::Table>>,
    /// What the ledger records of it; `None` when it could not be read.
    record: Option<FileRecord>,
}

impl Read {
    /// A file as checked: hashed, and (a valid vendor or contract file) its tables kept.
    fn of(mut file: CheckedFile, diagnostics: Diagnostics) -> Read {
        let table = file.tables.take().filter(|_| !diagnostics.has_errors());
        let unreadable = diagnostics.iter().any(|d| d.code == Code::Unreadable);
        let text = file.source.text.as_bytes();
        let record = (!unreadable).then(|| FileRecord {
            path: file.source.path.clone(),
            bytes: text.len() as u64,
            sha256: sha256_hex(text),
        });
        Read { file, diagnostics, table, record }
    }
}

/// Reads, validates and remembers a run's inputs.
#[derive(Debug)]
pub struct Loader {
    workspace: Workspace,
    cache: HashMap<PathBuf, Cached>,
    inputs: BTreeMap<String, FileRecord>,
    findings: Findings,
    settings: Option<WorkspaceFile>,
    /// Codes of answer problems reported as warnings (see [`Loader::tolerate`]).
    tolerated: Vec<Code>,
    /// Whether ticket exports are hashed for the ledger (not on a dry run).
    digests: bool,
    /// `--tickets-config FILE`: its `[tickets]` replaces the workspace's.
    tickets_config: Option<PathBuf>,
}

impl Loader {
    /// A loader for a workspace; nothing is read yet.
    pub fn new(workspace: Workspace) -> Loader {
        Loader {
            workspace,
            cache: HashMap::new(),
            inputs: BTreeMap::new(),
            findings: Findings::default(),
            settings: None,
            tolerated: Vec::new(),
            digests: true,
            tickets_config: None,
        }
    }

    /// Read exports as `path` says (`--tickets-config`): a settings file
    /// holding only `[tickets]`, which replaces the workspace's. It is an
    /// input like any other, validated and recorded.
    pub fn with_tickets_config(mut self, path: Option<PathBuf>) -> Loader {
        self.tickets_config = path;
        self
    }

    /// A run that records nothing (`--dry-run`): ticket exports are counted
    /// without being hashed, and are not listed among the inputs.
    pub fn without_digests(mut self) -> Loader {
        self.digests = false;
        self
    }

    pub fn workspace(&self) -> &Workspace {
        &self.workspace
    }

    /// Every file read so far, sorted by path: the ledger entry's `inputs`.
    pub fn inputs(&self) -> Vec<FileRecord> {
        self.inputs.values().cloned().collect()
    }

    /// Take the diagnostics raised so far, sorted, with their sources.
    pub fn findings(&mut self) -> Findings {
        let mut findings = std::mem::take(&mut self.findings);
        findings.diagnostics.sort();
        findings
    }

    /// Whether an error has been found so far.
    pub fn has_errors(&self) -> bool {
        self.findings.diagnostics.has_errors()
    }

    /// Record a file the run read (bytes already in hand).
    pub fn record_bytes(&mut self, shown: &str, bytes: &[u8]) {
        self.record(FileRecord { path: shown.to_owned(), bytes: bytes.len() as u64, sha256: sha256_hex(bytes) });
    }

    /// Record a file the run read, with its digest.
    pub fn record(&mut self, record: FileRecord) {
        self.inputs.insert(record.path.clone(), record);
    }

    /// Report a problem found while loading.
    pub(crate) fn diagnostics(&mut self) -> &mut Diagnostics {
        &mut self.findings.diagnostics
    }

    /// Keep a text that a diagnostic points into.
    pub(crate) fn keep_source(&mut self, source: SourceFile) {
        self.findings.sources.entry(source.path.clone()).or_insert(source);
    }

    /// The first place a file read so far holds `c` (files in path order):
    /// its path and byte range, with its text kept for the diagnostic.
    pub fn locate(&mut self, c: char) -> Option<(String, Range<usize>)> {
        let mut read: Vec<(&PathBuf, &Cached)> = self.cache.iter().collect();
        read.sort_unstable_by(|a, b| a.0.cmp(b.0));
        let (source, at) = read
            .into_iter()
            .find_map(|(_, cached)| cached.file.source.text.find(c).map(|at| (&cached.file.source, at)))?;
        let (source, span) = (source.clone(), at..at + c.len_utf8());
        let path = source.path.clone();
        self.keep_source(source);
        Some((path, span))
    }

    /// Read and check the files not read yet, on all cores: each is read,
    /// validated, hashed and (a vendor or contract file) its tables as
    /// written kept, on the thread that read it.
    fn read_all(&mut self, paths: &[PathBuf]) {
        let wanted: Vec<&PathBuf> = paths.iter().filter(|p| !self.cache.contains_key(*p)).collect();
        let workspace = &self.workspace;
        let read = |path: &&PathBuf| {
            let (file, diagnostics) = read_for_rules(workspace, path);
            Read::of(file, diagnostics)
        };
        let threads = if wanted.len() < 8 { 1 } else { 0 };
        for (path, read) in wanted.iter().zip(crate::parallel::map(&wanted, threads, read)) {
            self.admit((*path).clone(), read);
        }
    }

    fn admit(&mut self, path: PathBuf, read: Read) {
        let Read { file, diagnostics, table, record } = read;
        let errors = diagnostics.has_errors();
        if let Some(record) = record {
            self.record(record);
        }
        if !diagnostics.is_empty() {
            self.keep_source(file.source.clone());
        }
        self.findings.diagnostics.extend(diagnostics);
        self.cache.insert(path, Cached { file, errors, table });
    }

    /// A file from disk, read once and checked on its own; `None` when it has errors.
    /// Report an answer problem as a warning from now on: `diff` scores one
    /// set of answers against two rubric versions, and an answer to a
    /// criterion one version lacks is left out, not an error.
    pub fn tolerate(&mut self, code: Code) {
        self.tolerated.push(code);
    }

    pub(crate) fn file(&mut self, path: &Path) -> Option<&CheckedFile> {
        self.read_all(&[path.to_path_buf()]);
        self.cache.get(path).filter(|c| !c.errors).map(|c| &c.file)
    }

    /// The workspace settings, or defaults when there is no `vendorscore.toml`.
    pub fn settings(&mut self) -> Result<WorkspaceFile, Stop> {
        if let Some(settings) = &self.settings {
            return Ok(settings.clone());
        }
        let path = self.workspace.settings_path();
        let settings = if path.is_file() {
            match self.file(&path).map(|f| f.document.clone()) {
                Some(Some(Document::Workspace(settings))) => settings,
                Some(_) => {
                    self.diagnostics().report(
                        Code::UnknownFileKind,
                        SETTINGS_FILE,
                        None,
                        "expected a [workspace] file",
                    );
                    return Err(Stop);
                }
                None => return Err(Stop),
            }
        } else {
            WorkspaceFile::default()
        };
        let settings = match self.tickets_config.clone() {
            Some(path) => WorkspaceFile { tickets: Some(self.tickets_settings(&path)?), ..settings },
            None => settings,
        };
        self.settings = Some(settings.clone());
        Ok(settings)
    }

    /// The file exports' `[tickets]` settings come from, as shown: the
    /// `--tickets-config` file, else `vendorscore.toml`.
    pub fn tickets_settings_file(&self) -> String {
        self.tickets_config.as_deref().map_or_else(|| SETTINGS_FILE.to_owned(), |p| self.workspace.display_path(p))
    }

    /// The `[tickets]` of a `--tickets-config` file.
    fn tickets_settings(&mut self, path: &Path) -> Result<crate::model::TicketSettings, Stop> {
        if !self.cache.contains_key(path) {
            let (file, diagnostics) =
                crate::validate::check_disk_file_as(&self.workspace, path, Some(FileKind::Workspace));
            self.admit(path.to_path_buf(), Read::of(file, diagnostics));
        }
        let Some(cached) = self.cache.get(path).filter(|c| !c.errors) else { return Err(Stop) };
        let (Some(Document::Workspace(file)), source) = (cached.file.document.clone(), cached.file.source.clone())
        else {
            return Err(Stop);
        };
        let others: Vec<&str> = [
            (file.report.is_some(), "report"),
            (file.questionnaire.is_some(), "questionnaire"),
            (file.audit.is_some(), "audit"),
            (file.notice.is_some(), "notice"),
        ]
        .into_iter()
        .filter_map(|(present, table)| present.then_some(table))
        .collect();
        if !others.is_empty() {
            self.keep_source(source.clone());
        }
        for table in &others {
            let at = source.text.find(&format!("[{table}")).map(|i| i..i + table.len() + 2);
            self.diagnostics()
                .report(
                    Code::UnknownKey,
                    &source.path,
                    at,
                    format!("a tickets settings file holds only [tickets], not [{table}]"),
                )
                .add_help("keep the other settings in the workspace's vendorscore.toml");
        }
        if !others.is_empty() {
            return Err(Stop);
        }
        Ok(file.tickets.unwrap_or_default())
    }

    /// A built-in file as `kind`, read the short way ([`load_builtin_once`]: the
    /// tests check every built-in in full); should that fail, checked in
    /// full here. `None` (reported) when it has errors.
    fn builtin(&mut self, file: builtin::BuiltinFile, kind: FileKind) -> Option<CheckedFile> {
        let (path, bytes, sha256) = (file.name(), file.bytes.len() as u64, file.sha256.to_owned());
        self.record(FileRecord { path, bytes, sha256 });
        if let Some(loaded) = load_builtin_once(file, kind) {
            return Some(loaded);
        }
        let mut checked = CheckedFile::new(SourceFile::new(file.name(), file.text()), None);
        let mut diagnostics = Diagnostics::default();
        check_source(&mut checked, Expect::Exactly(kind), &mut diagnostics);
        let errors = diagnostics.has_errors();
        if !diagnostics.is_empty() {
            self.keep_source(checked.source.clone());
        }
        self.findings.diagnostics.extend(diagnostics);
        (!errors).then_some(checked)
    }

    /// The rubric to score with: `flag`, else the settings', else the built-in default.
    pub fn rubric(&mut self, flag: Option<&str>) -> Result<Rubric, Stop> {
        let settings = self.settings()?;
        let default = format!("{}{}", builtin::PREFIX, builtin::DEFAULT_RUBRIC);
        // The reference, and where it was written when it came from the settings.
        let (reference, written_at) = match (flag, &settings.workspace.rubric) {
            (Some(flag), _) => (flag.to_owned(), None),
            (None, Some(setting)) => (setting.value.clone(), Some(setting.span.clone())),
            (None, None) => (default, None),
        };
        if written_at.is_some() {
            self.keep_settings_source();
        }
        let (shown, span) = match &written_at {
            Some(span) => (SETTINGS_FILE.to_owned(), Some(span.clone())),
            None => (reference.clone(), None),
        };
        match self.workspace.resolve(&reference) {
            Reference::Builtin(file) => self.builtin(file, FileKind::Rubric).and_then(|f| f.rubric).ok_or(Stop),
            Reference::UnknownBuiltin(name) => {
                let known = builtin::under("rubrics").map(|f| f.name()).collect::<Vec<_>>().join(", ");
                self.diagnostics()
                    .report(Code::MissingReference, &shown, span, format!("there is no built-in rubric `{name}`"))
                    .add_help(format!("built-in rubrics: {known}"));
                Err(Stop)
            }
            Reference::Outside(_) => {
                self.report_outside(&shown, span, "rubric", &reference);
                Err(Stop)
            }
            Reference::Path(path) if !path.is_file() => {
                self.diagnostics()
                    .report(Code::MissingReference, &shown, span, format!("the rubric file {reference} does not exist"))
                    .add_help("give a path relative to the workspace, or builtin:ID");
                Err(Stop)
            }
            Reference::Path(path) => {
                let file = self.file(&path).ok_or(Stop)?;
                if let Some(rubric) = &file.rubric {
                    return Ok(rubric.clone());
                }
                let shown = file.source.path.clone();
                self.diagnostics().report(Code::UnknownFileKind, &shown, None, "expected a [rubric] file").severity =
                    Severity::Error;
                Err(Stop)
            }
        }
    }

    /// Report a reference that leaves the workspace.
    fn report_outside(&mut self, shown: &str, span: Option<Range<usize>>, what: &str, reference: &str) {
        self.diagnostics()
            .report(
                Code::OutsideWorkspace,
                shown,
                span,
                format!("the {what} `{reference}` is outside the workspace; it is not read"),
            )
            .add_help("give a path inside the workspace folder (no absolute path, no `..` above it, no linked folder), or builtin:ID");
    }

    fn keep_settings_source(&mut self) {
        if let Some(cached) = self.cache.get(&self.workspace.settings_path()) {
            let source = cached.file.source.clone();
            self.keep_source(source);
        }
    }

    /// The policies to check with, validated and compiled: `flags` (`--policy`,
    /// repeatable), else the settings' `policies`, else every built-in policy. A
    /// folder stands for the `*.toml` files in it.
    pub fn policies(&mut self, flags: &[String]) -> Result<Vec<Arc<Policy>>, Stop> {
        let settings = self.settings()?;
        // Each reference, and where it was written when it came from the settings.
        let references: Vec<(String, Option<Range<usize>>)> = if !flags.is_empty() {
            flags.iter().map(|f| (f.clone(), None)).collect()
        } else if let Some(listed) = &settings.workspace.policies {
            listed.iter().map(|p| (p.value.clone(), Some(p.span.clone()))).collect()
        } else {
            builtin::under("policies").map(|f| (f.name(), None)).collect()
        };
        if references.iter().any(|(_, at)| at.is_some()) {
            self.keep_settings_source();
        }
        let errors_before = self.findings.diagnostics.count(Severity::Error);
        let mut files: Vec<CheckedFile> = Vec::new();
        for (reference, written_at) in &references {
            let (shown, span) = match written_at {
                Some(span) => (SETTINGS_FILE.to_owned(), Some(span.clone())),
                None => (reference.clone(), None),
            };
            match self.workspace.resolve(reference) {
                Reference::Builtin(file) => files.extend(self.builtin(file, FileKind::Policy)),
                Reference::Outside(_) => self.report_outside(&shown, span, "policy", reference),
                Reference::UnknownBuiltin(name) => {
                    let known = builtin::under("policies").map(|f| f.name()).collect::<Vec<_>>().join(", ");
                    self.diagnostics()
                        .report(Code::MissingReference, &shown, span, format!("there is no built-in policy `{name}`"))
                        .add_help(format!("built-in policies: {known}"));
                }
                Reference::Path(path) if path.is_dir() => {
                    let mut inside: Vec<PathBuf> = std::fs::read_dir(&path)
                        .map(|rd| {
                            rd.flatten()
                                .map(|e| e.path())
                                .filter(|p| p.extension().is_some_and(|x| x == "toml"))
                                .collect()
                        })
                        .unwrap_or_default();
                    inside.sort();
                    if inside.is_empty() {
                        self.diagnostics().report(
                            Code::MissingReference,
                            &shown,
                            span,
                            format!("{reference} holds no *.toml policy"),
                        );
                    }
                    self.read_all(&inside);
                    for file in inside {
                        files.extend(self.policy_file(&file));
                    }
                }
                Reference::Path(path) if !path.is_file() => {
                    self.diagnostics()
                        .report(
                            Code::MissingReference,
                            &shown,
                            span,
                            format!("the policy file {reference} does not exist"),
                        )
                        .add_help("give a path relative to the workspace, a folder of policies, or builtin:ID");
                }
                Reference::Path(path) => files.extend(self.policy_file(&path)),
            }
        }
        if self.findings.diagnostics.count(Severity::Error) > errors_before {
            return Err(Stop);
        }
        let mut compiled: Vec<Arc<Policy>> = Vec::new();
        let mut read = std::collections::BTreeSet::new();
        for file in files {
            let Some(Document::Policy(parsed)) = &file.document else { continue };
            if !read.insert(file.source.path.clone()) {
                continue; // named twice
            }
            if let Some(first) = compiled.iter().find(|p| p.id == parsed.policy.id.value) {
                let message = format!("policy id `{}` is also used by {}", first.id, first.source.path);
                self.keep_source(file.source.clone());
                self.diagnostics().report(
                    Code::DuplicateId,
                    &file.source.path,
                    Some(parsed.policy.id.span.clone()),
                    message,
                );
                continue;
            }
            // Validation compiled it (it has no error, or it would not be here).
            compiled.extend(file.policy.clone());
        }
        if self.findings.diagnostics.count(Severity::Error) > errors_before {
            return Err(Stop);
        }
        if compiled.is_empty() {
            self.diagnostics().report(Code::MissingReference, SETTINGS_FILE, None, "no policy to check with");
            return Err(Stop);
        }
        Ok(compiled)
    }

    /// A policy file from disk; `None` when it has errors or is another kind (reported).
    fn policy_file(&mut self, path: &Path) -> Option<CheckedFile> {
        let file = self.file(path)?;
        if matches!(file.document, Some(Document::Policy(_))) {
            let CheckedFile { source, disk_path, document, rubric, policy, complete, tables } = file;
            return Some(CheckedFile {
                source: source.clone(),
                disk_path: disk_path.clone(),
                document: document.clone(),
                rubric: rubric.clone(),
                policy: policy.clone(),
                complete: *complete,
                tables: tables.clone(),
            });
        }
        let shown = file.source.path.clone();
        self.diagnostics().report(Code::UnknownFileKind, &shown, None, "expected a [policy] file").severity =
            Severity::Error;
        None
    }
}

#[cfg(test)]
mod tests;
