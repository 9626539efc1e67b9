//! Loading a command's inputs through validation: settings, the rubric, the
//! vendors with their evaluations and evidence, the policies and contracts.
//! Nothing is handed on when a file has an error; every file read is
//! recorded for the ledger.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::audit::hash::{hash_files, sha256_hex};
use crate::audit::ledger::FileRecord;
use crate::builtin;
use crate::compliance::{Policy, Subject};
use crate::diag::{Code, Diagnostics};
use crate::model::{FileKind, Rubric, Submission, WorkspaceFile};
use crate::source::SourceFile;
use crate::validate::{CheckedFile, Document, check_disk_file, check_source};
use crate::workspace::{Reference, SETTINGS_FILE, Workspace};

/// What loading found: diagnostics (warnings only on success) and the
/// files they point into, for rendering.
#[derive(Debug, Default)]
pub struct Findings {
    pub diagnostics: Diagnostics,
    pub sources: BTreeMap<String, SourceFile>,
}

impl Findings {
    fn take(&mut self, file: CheckedFile, diagnostics: Diagnostics) -> CheckedFile {
        self.diagnostics.extend(diagnostics);
        self.sources.insert(file.source.path.clone(), file.source.clone());
        file
    }

    /// `Err(self)` when an error was found.
    fn check(mut self) -> Result<Findings, Findings> {
        self.diagnostics.sort();
        if self.diagnostics.has_errors() { Err(self) } else { Ok(self) }
    }
}

fn input_of(source: &SourceFile) -> FileRecord {
    FileRecord {
        path: source.path.clone(),
        bytes: source.text.len() as u64,
        sha256: sha256_hex(source.text.as_bytes()),
    }
}

/// The workspace settings, or defaults when there is no `vendorscore.toml`.
pub fn settings(workspace: &Workspace, inputs: &mut Vec<FileRecord>) -> Result<WorkspaceFile, Findings> {
    let path = workspace.settings_path();
    if !path.is_file() {
        return Ok(WorkspaceFile::default());
    }
    let mut findings = Findings::default();
    let (file, diagnostics) = check_disk_file(workspace, &path);
    let file = findings.take(file, diagnostics);
    let findings = findings.check()?;
    inputs.push(input_of(&file.source));
    match file.document {
        Some(Document::Workspace(settings)) => Ok(settings),
        _ => {
            let mut findings = findings;
            findings.diagnostics.report(Code::UnknownFileKind, SETTINGS_FILE, None, "expected a [workspace] file");
            Err(findings)
        }
    }
}

/// The rubric to score with: `flag`, else the settings', else the built-in default.
pub fn rubric(
    workspace: &Workspace,
    settings: &WorkspaceFile,
    flag: Option<&str>,
    inputs: &mut Vec<FileRecord>,
) -> Result<Rubric, Findings> {
    let default = format!("{}{}", builtin::PREFIX, builtin::DEFAULT_RUBRIC);
    let reference = flag.or(settings.workspace.rubric.as_ref().map(|r| r.value.as_str())).unwrap_or(&default);
    let mut findings = Findings::default();
    let file = match workspace.resolve(reference) {
        Reference::Builtin(file) => {
            let mut checked = CheckedFile::new(SourceFile::new(file.name(), file.text()), None);
            let mut diagnostics = Diagnostics::default();
            check_source(&mut checked, crate::validate::Expect::Exactly(FileKind::Rubric), &mut diagnostics);
            findings.take(checked, diagnostics)
        }
        Reference::UnknownBuiltin(name) => {
            let known = builtin::under("rubrics").map(|f| f.name()).collect::<Vec<_>>().join(", ");
            findings
                .diagnostics
                .report(Code::MissingReference, &name, None, format!("there is no built-in rubric `{name}`"))
                .add_help(format!("built-in rubrics: {known}"));
            return Err(findings);
        }
        Reference::Path(path) => {
            if !path.is_file() {
                findings
                    .diagnostics
                    .report(
                        Code::MissingReference,
                        &workspace.display_path(&path),
                        None,
                        "the rubric file does not exist",
                    )
                    .add_help("give a path relative to the workspace, or builtin:ID");
                return Err(findings);
            }
            let (mut checked, mut diagnostics) = check_disk_file(workspace, &path);
            if !matches!(checked.document, Some(Document::Rubric(_))) && !diagnostics.has_errors() {
                diagnostics.report(Code::UnknownFileKind, &checked.source.path, None, "expected a [rubric] file");
                checked.rubric = None;
            }
            findings.take(checked, diagnostics)
        }
    };
    let findings = findings.check()?;
    inputs.push(input_of(&file.source));
    file.rubric.ok_or(findings)
}

/// Every vendor folder under the workspace's `vendors/` (those with a vendor.toml), sorted.
pub fn vendor_dirs(workspace: &Workspace) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(workspace.root.join("vendors"))
        .map(|rd| rd.flatten().map(|e| e.path()).filter(|p| p.join("vendor.toml").is_file()).collect())
        .unwrap_or_default();
    dirs.sort();
    dirs
}

/// Load and check each vendor folder against the rubric: answers, panel
/// evaluations, and cited evidence (hashed on all cores).
pub fn submissions(
    workspace: &Workspace,
    rubric: &Rubric,
    dirs: &[PathBuf],
    inputs: &mut Vec<FileRecord>,
) -> Result<(Vec<Submission>, Findings), Findings> {
    let mut findings = Findings::default();
    let mut submissions = Vec::new();
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    for dir in dirs {
        let vendor_path = dir.join("vendor.toml");
        if !vendor_path.is_file() {
            let shown = workspace.display_path(dir);
            findings
                .diagnostics
                .report(Code::Unreadable, &shown, None, format!("{shown} holds no vendor.toml"))
                .add_help("a vendor folder is vendors/<id>/ with a vendor.toml inside");
            continue;
        }
        let (file, diagnostics) = check_disk_file(workspace, &vendor_path);
        let file = findings.take(file, diagnostics);
        inputs.push(input_of(&file.source));
        let Some(Document::Vendor(vendor)) = &file.document else { continue };
        let path = file.source.path.clone();
        let id = &vendor.vendor.id;
        if let Some(first) = seen.insert(id.value.clone(), path.clone()) {
            findings.diagnostics.report(
                Code::DuplicateVendor,
                &path,
                Some(id.span.clone()),
                format!("vendor id `{}` is also used by {first}", id.value),
            );
        }
        let mut answers = BTreeMap::new();
        crate::validate::check_answers(
            &vendor.answers,
            Some(rubric),
            dir,
            &path,
            workspace,
            &mut findings.diagnostics,
            &mut answers,
        );
        let mut panel = BTreeMap::new();
        for evaluation_path in evaluation_files(dir) {
            let (file, diagnostics) = check_disk_file(workspace, &evaluation_path);
            let file = findings.take(file, diagnostics);
            inputs.push(input_of(&file.source));
            if let Some(Document::Evaluation(evaluation)) = &file.document {
                let evaluator = &evaluation.evaluation.evaluator.value;
                crate::validate::check_scores(
                    &evaluation.scores,
                    rubric,
                    evaluator,
                    &file.source.path,
                    &mut findings.diagnostics,
                    &mut panel,
                );
            }
        }
        submissions.push(Submission {
            id: id.value.clone(),
            name: vendor.vendor.name.value.clone(),
            country: vendor.vendor.country.as_ref().map(|c| c.value.clone()),
            folder: workspace.display_path(dir),
            answers,
            panel,
        });
    }
    // A cited file that is missing is the vendor's problem, not an input
    // error: the answer scores as unevidenced (`evidence-missing`).
    findings.diagnostics.downgrade(Code::EvidenceNotFound);
    let findings = findings.check()?;
    hash_evidence(&mut submissions, inputs);
    Ok((submissions, findings))
}

fn evaluation_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir.join("evaluations"))
        .map(|rd| rd.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "toml")).collect())
        .unwrap_or_default();
    files.sort();
    files
}

fn hash_evidence(submissions: &mut [Submission], inputs: &mut Vec<FileRecord>) {
    let mut paths: Vec<PathBuf> = submissions
        .iter()
        .flat_map(|s| s.answers.values())
        .flat_map(|a| a.evidence.iter())
        .filter_map(|e| e.file.clone())
        .collect();
    paths.sort();
    paths.dedup();
    let digests: BTreeMap<&PathBuf, _> = paths.iter().zip(hash_files(&paths, 0)).collect();
    for submission in submissions {
        for answer in submission.answers.values_mut() {
            for evidence in &mut answer.evidence {
                let Some(file) = &evidence.file else { continue };
                match digests.get(file) {
                    Some(Ok(digest)) => {
                        inputs.push(FileRecord {
                            path: evidence.path.clone(),
                            bytes: digest.bytes,
                            sha256: digest.sha256.clone(),
                        });
                        evidence.digest = Some(digest.clone());
                    }
                    // Unreadable now (removed or permissions): treated as missing.
                    _ => evidence.file = None,
                }
            }
        }
    }
}

/// Sort and deduplicate the list of files a run read.
pub fn finish_inputs(inputs: &mut Vec<FileRecord>) {
    inputs.sort();
    inputs.dedup();
}

/// The policies to check with, validated and compiled: `flags` (`--policy`,
/// repeatable), else the settings' `policies`, else every built-in policy. A
/// folder stands for the `*.toml` files in it.
pub fn policies(
    workspace: &Workspace,
    settings: &WorkspaceFile,
    flags: &[String],
    inputs: &mut Vec<FileRecord>,
) -> Result<Vec<Policy>, Findings> {
    let mut findings = Findings::default();
    // Each reference, and where it was written when it came from the settings.
    let references: Vec<(String, Option<Range<usize>>)> = if !flags.is_empty() {
        flags.iter().map(|f| (f.clone(), None)).collect()
    } else if let Some(listed) = &settings.workspace.policies {
        listed.iter().map(|p| (p.value.clone(), Some(p.span.clone()))).collect()
    } else {
        builtin::under("policies").map(|f| (f.name(), None)).collect()
    };
    if references.iter().any(|(_, at)| at.is_some())
        && let Ok(text) = std::fs::read_to_string(workspace.settings_path())
    {
        findings.sources.insert(SETTINGS_FILE.to_owned(), SourceFile::new(SETTINGS_FILE, text));
    }
    let mut files = Vec::new();
    for (reference, written_at) in &references {
        let (shown, span) = match written_at {
            Some(span) => (SETTINGS_FILE.to_owned(), Some(span.clone())),
            None => (reference.clone(), None),
        };
        match workspace.resolve(reference) {
            Reference::Builtin(file) => {
                let mut checked = CheckedFile::new(SourceFile::new(file.name(), file.text()), None);
                let mut diagnostics = Diagnostics::default();
                check_source(&mut checked, crate::validate::Expect::Exactly(FileKind::Policy), &mut diagnostics);
                files.push(findings.take(checked, diagnostics));
            }
            Reference::UnknownBuiltin(name) => {
                let known = builtin::under("policies").map(|f| f.name()).collect::<Vec<_>>().join(", ");
                findings
                    .diagnostics
                    .report(Code::MissingReference, &shown, span, format!("there is no built-in policy `{name}`"))
                    .add_help(format!("built-in policies: {known}"));
            }
            Reference::Path(path) if path.is_dir() => {
                let mut inside: Vec<PathBuf> = std::fs::read_dir(&path)
                    .map(|rd| {
                        rd.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "toml")).collect()
                    })
                    .unwrap_or_default();
                inside.sort();
                if inside.is_empty() {
                    findings.diagnostics.report(
                        Code::MissingReference,
                        &shown,
                        span,
                        format!("{reference} holds no *.toml policy"),
                    );
                }
                for file in inside {
                    files.push(policy_file(workspace, &file, &mut findings));
                }
            }
            Reference::Path(path) if !path.is_file() => {
                findings
                    .diagnostics
                    .report(Code::MissingReference, &shown, span, format!("the policy file {reference} does not exist"))
                    .add_help("give a path relative to the workspace, a folder of policies, or builtin:ID");
            }
            Reference::Path(path) => files.push(policy_file(workspace, &path, &mut findings)),
        }
    }
    let mut findings = findings.check()?;
    let mut compiled: Vec<Policy> = Vec::new();
    let mut read = std::collections::BTreeSet::new();
    for file in files {
        let Some(Document::Policy(parsed)) = &file.document else { continue };
        if !read.insert(file.source.path.clone()) {
            continue; // named twice
        }
        if let Some(first) = compiled.iter().find(|p| p.id == parsed.policy.id.value) {
            findings.diagnostics.report(
                Code::DuplicateId,
                &file.source.path,
                Some(parsed.policy.id.span.clone()),
                format!("policy id `{}` is also used by {}", first.id, first.source.path),
            );
            continue;
        }
        inputs.push(input_of(&file.source));
        match Policy::compile(parsed, file.source.clone()) {
            Ok(policy) => compiled.push(policy),
            Err(diagnostics) => findings.diagnostics.extend(diagnostics),
        }
    }
    let findings = findings.check()?;
    if compiled.is_empty() {
        let mut findings = findings;
        findings.diagnostics.report(Code::MissingReference, SETTINGS_FILE, None, "no policy to check with");
        return Err(findings);
    }
    Ok(compiled)
}

fn policy_file(workspace: &Workspace, path: &Path, findings: &mut Findings) -> CheckedFile {
    let (checked, mut diagnostics) = check_disk_file(workspace, path);
    if !matches!(checked.document, Some(Document::Policy(_))) && !diagnostics.has_errors() {
        diagnostics.report(Code::UnknownFileKind, &checked.source.path, None, "expected a [policy] file").severity =
            crate::diag::Severity::Error;
    }
    findings.take(checked, diagnostics)
}

/// Load each vendor folder's `vendor.toml` and `contract.toml` (when it has
/// one), validated, on all cores: what `check` evaluates.
pub fn contract_subjects(
    workspace: &Workspace,
    dirs: &[PathBuf],
    inputs: &mut Vec<FileRecord>,
) -> Result<(Vec<Subject>, Findings), Findings> {
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, dirs.len().max(1));
    let chunk = dirs.len().div_ceil(workers).max(1);
    let loaded: Vec<LoadedVendor> = std::thread::scope(|scope| {
        let handles: Vec<_> = dirs
            .chunks(chunk)
            .map(|part| scope.spawn(move || part.iter().map(|d| load_vendor(workspace, d)).collect::<Vec<_>>()))
            .collect();
        handles.into_iter().flat_map(|h| h.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))).collect()
    });
    let mut findings = Findings::default();
    let mut subjects = Vec::with_capacity(loaded.len());
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    for vendor in loaded {
        findings.diagnostics.extend(vendor.diagnostics);
        for source in vendor.sources {
            findings.sources.insert(source.path.clone(), source);
        }
        inputs.extend(vendor.inputs);
        let Some((subject, id_span, path)) = vendor.subject else { continue };
        if let Some(first) = seen.insert(subject.vendor.clone(), path.clone()) {
            findings.diagnostics.report(
                Code::DuplicateVendor,
                &path,
                Some(id_span),
                format!("vendor id `{}` is also used by {first}", subject.vendor),
            );
        }
        subjects.push(subject);
    }
    let findings = findings.check()?;
    Ok((subjects, findings))
}

/// One vendor folder as read: the subject (with its id's span and the
/// vendor file's path), diagnostics, the sources they point into, and the files read.
struct LoadedVendor {
    subject: Option<(Subject, Range<usize>, String)>,
    diagnostics: Diagnostics,
    sources: Vec<SourceFile>,
    inputs: Vec<FileRecord>,
}

fn load_vendor(workspace: &Workspace, dir: &Path) -> LoadedVendor {
    let mut loaded =
        LoadedVendor { subject: None, diagnostics: Diagnostics::default(), sources: Vec::new(), inputs: Vec::new() };
    let vendor_path = dir.join("vendor.toml");
    if !vendor_path.is_file() {
        let shown = workspace.display_path(dir);
        loaded
            .diagnostics
            .report(Code::Unreadable, &shown, None, format!("{shown} holds no vendor.toml"))
            .add_help("a vendor folder is vendors/<id>/ with a vendor.toml inside");
        return loaded;
    }
    let Some((vendor_file, vendor_table)) = read_checked(workspace, &vendor_path, &mut loaded) else { return loaded };
    let Some(Document::Vendor(vendor)) = vendor_file.document else { return loaded };
    let contract_path = dir.join("contract.toml");
    let contract = if contract_path.is_file() {
        let Some((file, table)) = read_checked(workspace, &contract_path, &mut loaded) else { return loaded };
        let Some(Document::Contract(contract)) = &file.document else { return loaded };
        let named = &contract.contract.vendor;
        if named.value != vendor.vendor.id.value {
            loaded.diagnostics.report(
                Code::UnknownContractVendor,
                &file.source.path,
                Some(named.span.clone()),
                format!(
                    "contract names vendor `{}`, but vendor.toml beside it is `{}`",
                    named.value, vendor.vendor.id.value
                ),
            );
            loaded.sources.push(file.source.clone());
        }
        Some((file.source.path, table))
    } else {
        None
    };
    let subject = Subject::new(
        vendor.vendor.id.value.clone(),
        vendor.vendor.name.value.clone(),
        workspace.display_path(dir),
        vendor_table,
        contract,
    );
    loaded.subject = Some((subject, vendor.vendor.id.span.clone(), vendor_file.source.path));
    loaded
}

/// Check a file and parse it as a plain table; `None` (reported) when it has errors.
fn read_checked(workspace: &Workspace, path: &Path, loaded: &mut LoadedVendor) -> Option<(CheckedFile, toml::Table)> {
    let (file, diagnostics) = check_disk_file(workspace, path);
    loaded.inputs.push(input_of(&file.source));
    let has_errors = diagnostics.has_errors();
    if !diagnostics.is_empty() {
        loaded.sources.push(file.source.clone());
    }
    loaded.diagnostics.extend(diagnostics);
    if has_errors {
        return None;
    }
    match toml::from_str::<toml::Table>(&file.source.text) {
        Ok(table) => Some((file, table)),
        Err(error) => {
            loaded.diagnostics.report(Code::Syntax, &file.source.path, error.span(), error.message().to_owned());
            loaded.sources.push(file.source.clone());
            None
        }
    }
}
