//! Vendor folders through the loader: `vendor.toml` with its answers,
//! panel evaluations and cited evidence (a [`Submission`] for scoring), and
//! `contract.toml` in its trusted form (a [`Contract`]: the validated file,
//! the tables rules read, the SLA terms).

use std::collections::BTreeMap;
use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::{Loader, Stop};
use crate::audit::hash::hash_files;
use crate::audit::ledger::FileRecord;
use crate::compliance::Subject;
use crate::diag::Code;
use crate::model::{CalendarDef, ContractFile, FileDigest, Rubric, Submission, VendorFile};
use crate::sla::{Terms, TermsError};
use crate::validate::Document;
use crate::workspace::CALENDARS_DIR;

/// A contract that passed validation, in every form a decision needs.
#[derive(Debug, Clone)]
pub struct Contract {
    /// Workspace-relative path.
    pub path: String,
    pub file: Arc<ContractFile>,
    /// The file's tables as written: what policy rules read (a term it does
    /// not state stays undefined).
    pub table: Arc<toml::Table>,
    /// The workspace calendars its clauses name (read and validated).
    calendars: Vec<CalendarDef>,
}

impl Contract {
    /// The `[[sla]]` clauses as exact terms, or why they cannot be computed
    /// with; computed on each call, by the decisions that measure.
    pub fn terms(&self) -> Result<Terms, TermsError> {
        Terms::from_contract_with(&self.file, &self.calendars)
    }
}

/// A vendor folder whose `vendor.toml` passed validation.
#[derive(Debug, Clone)]
pub struct VendorFolder {
    pub dir: PathBuf,
    /// Workspace-relative path of the folder.
    pub folder: String,
    /// Workspace-relative path of its vendor.toml.
    pub path: String,
    pub file: Arc<VendorFile>,
    /// The vendor file's tables as written (for policy rules).
    pub table: Arc<toml::Table>,
}

impl VendorFolder {
    pub fn id(&self) -> &str {
        &self.file.vendor.id.value
    }
}

impl Loader {
    /// Every folder under the workspace's `vendors/` (hidden ones aside),
    /// sorted: each is a vendor, or [`Loader::vendors`] reports why not.
    pub fn vendor_dirs(&self) -> Vec<PathBuf> {
        let mut dirs: Vec<PathBuf> = std::fs::read_dir(self.workspace.root.join("vendors"))
            .map(|rd| {
                rd.flatten()
                    .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
                    .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
                    .map(|e| e.path())
                    .collect()
            })
            .unwrap_or_default();
        dirs.sort();
        dirs
    }

    /// The vendor folders, validated, read on all cores; each vendor id once.
    pub fn vendors(&mut self, dirs: &[PathBuf]) -> Result<Vec<VendorFolder>, Stop> {
        let paths: Vec<PathBuf> = dirs.iter().map(|d| d.join("vendor.toml")).collect();
        let with_contract: Vec<PathBuf> =
            dirs.iter().map(|d| d.join("contract.toml")).filter(|p| p.is_file()).collect();
        let present: Vec<PathBuf> = paths.iter().filter(|p| p.is_file()).cloned().collect();
        self.read_all(&[present, with_contract].concat());
        let mut vendors = Vec::with_capacity(dirs.len());
        let mut seen: BTreeMap<String, String> = BTreeMap::new();
        let mut stopped = false;
        for (dir, path) in dirs.iter().zip(&paths) {
            let Some(vendor) = self.vendor(dir, path) else {
                stopped = true;
                continue;
            };
            if let Some(first) = seen.insert(vendor.id().to_owned(), vendor.path.clone()) {
                let message = format!("vendor id `{}` is also used by {first}", vendor.id());
                let span = vendor.file.vendor.id.span.clone();
                self.keep_vendor_source(path);
                self.diagnostics().report(Code::DuplicateVendor, &vendor.path, Some(span), message);
                stopped = true;
            }
            vendors.push(vendor);
        }
        if stopped || self.has_errors() { Err(Stop) } else { Ok(vendors) }
    }

    fn keep_vendor_source(&mut self, path: &Path) {
        if let Some(cached) = self.cache.get(path) {
            let source = cached.file.source.clone();
            self.keep_source(source);
        }
    }

    fn vendor(&mut self, dir: &Path, path: &Path) -> Option<VendorFolder> {
        let folder = self.workspace.display_path(dir);
        if let Some(problem) = crate::validate::not_a_vendor(&self.workspace, dir) {
            self.diagnostics().push(problem);
            return None;
        }
        let file = self.file(path)?;
        let Some(Document::Vendor(vendor)) = &file.document else {
            let shown = file.source.path.clone();
            self.diagnostics().report(Code::UnknownFileKind, &shown, None, "expected a [vendor] file").severity =
                crate::diag::Severity::Error;
            return None;
        };
        let (vendor, shown) = (vendor.clone(), file.source.path.clone());
        let table = self.table(path, &shown)?;
        Some(VendorFolder { dir: dir.to_path_buf(), folder, path: shown, file: vendor, table })
    }

    /// A validated vendor or contract file's tables as written (parsed when
    /// it was read); `None` (reported) when they do not parse as plain TOML.
    fn table(&mut self, path: &Path, shown: &str) -> Option<Arc<toml::Table>> {
        if let Some(table) = self.cache.get(path).and_then(|c| c.table.clone()) {
            return Some(table);
        }
        let text = self.cache.get(path).map(|c| c.file.source.text.clone()).unwrap_or_default();
        let error = toml::from_str::<toml::Table>(&text).err();
        let (span, message) =
            error.map_or((None, "the file is not plain TOML".to_owned()), |e| (e.span(), e.message().to_owned()));
        self.diagnostics().report(Code::Syntax, shown, span, message);
        None
    }

    /// A contract file, validated; `Err` when it has errors (reported).
    pub fn contract(&mut self, path: &Path) -> Result<Contract, Stop> {
        let file = self.file(path).ok_or(Stop)?;
        let Some(Document::Contract(contract)) = &file.document else {
            let shown = file.source.path.clone();
            self.diagnostics()
                .report(Code::UnknownFileKind, &shown, None, "expected a [contract] file")
                .add_help("the clauses come from a vendor's contract.toml, which starts with [contract]")
                .severity = crate::diag::Severity::Error;
            return Err(Stop);
        };
        let (contract, shown) = (contract.clone(), file.source.path.clone());
        let table = self.table(path, &shown).ok_or(Stop)?;
        let calendars = self.shared_calendars(&contract)?;
        // Validated alone, the file cannot know the workspace's calendars: an unknown name is found here.
        let unknown =
            crate::validate::unknown_calendar_names(&contract, |name| calendars.iter().any(|c| c.id.value == name))
                .next();
        if let Some(name) = unknown {
            let unknown = crate::validate::unknown_calendar(&contract, &self.workspace.root, name, &shown);
            self.keep_vendor_source(path);
            self.diagnostics().push(unknown);
            return Err(Stop);
        }
        Ok(Contract { path: shown, file: contract, table, calendars })
    }

    /// The workspace calendars (`calendars/<id>.toml`) that the contract's
    /// clauses name and it does not define itself: each read, validated and
    /// recorded as an input only when a clause uses it. A name with no file
    /// is left to the terms, which refuse it (validation reports it located).
    fn shared_calendars(&mut self, contract: &ContractFile) -> Result<Vec<CalendarDef>, Stop> {
        let own: Vec<&str> = contract.calendar.iter().map(|c| c.id.value.as_str()).collect();
        let mut names: Vec<&str> = contract
            .sla
            .iter()
            .filter_map(|clause| clause.calendar.as_ref().map(|name| name.value.as_str()))
            .filter(|name| !own.contains(name) && crate::model::is_slug(name))
            .collect();
        names.sort_unstable();
        names.dedup();
        let mut shared = Vec::new();
        for name in names {
            let path = self.workspace.root.join(CALENDARS_DIR).join(format!("{name}.toml"));
            if !path.is_file() {
                continue;
            }
            match self.file(&path).map(|f| f.document.clone()) {
                Some(Some(Document::Calendar(file))) if file.calendar.id.value == name => shared.push(file.calendar),
                Some(_) => continue,
                None => return Err(Stop),
            }
        }
        Ok(shared)
    }

    /// The vendor folder's contract, when it has one.
    pub fn contract_of(&mut self, vendor: &VendorFolder) -> Result<Option<Contract>, Stop> {
        let path = vendor.dir.join("contract.toml");
        if !path.is_file() {
            return Ok(None);
        }
        let contract = self.contract(&path)?;
        let named = &contract.file.contract.vendor;
        if named.value != vendor.id() {
            let message =
                format!("contract names vendor `{}`, but vendor.toml beside it is `{}`", named.value, vendor.id());
            self.keep_vendor_source(&path);
            self.diagnostics().report(Code::UnknownContractVendor, &contract.path, Some(named.span.clone()), message);
            return Err(Stop);
        }
        Ok(Some(contract))
    }

    /// What `check` evaluates: each vendor with its contract (when it has one).
    pub fn subjects(&mut self, vendors: &[VendorFolder]) -> Result<Vec<(Subject, Option<Contract>)>, Stop> {
        let mut subjects = Vec::with_capacity(vendors.len());
        let mut stopped = false;
        for vendor in vendors {
            let Ok(contract) = self.contract_of(vendor) else {
                stopped = true;
                continue;
            };
            let subject = Subject::new(
                vendor.id(),
                vendor.file.vendor.name.value.clone(),
                vendor.folder.clone(),
                vendor.table.clone(),
                contract.as_ref().map(|c| (c.path.clone(), c.table.clone())),
            );
            subjects.push((subject, contract));
        }
        if stopped { Err(Stop) } else { Ok(subjects) }
    }

    /// Check each vendor's answers and panel evaluations against the rubric,
    /// and hash the evidence they cite (on all cores).
    pub fn submissions(&mut self, rubric: &Rubric, vendors: &[VendorFolder]) -> Result<Vec<Submission>, Stop> {
        let errors_before = self.findings.diagnostics.count(crate::diag::Severity::Error);
        let evaluations: Vec<Vec<PathBuf>> = vendors.iter().map(|v| evaluation_files(&v.dir)).collect();
        self.read_all(&evaluations.concat());
        // Each vendor's answers against the rubric, on all cores.
        let workspace = &self.workspace;
        let checked = crate::parallel::map(vendors, if vendors.len() < 16 { 1 } else { 0 }, |vendor| {
            let mut answers = BTreeMap::new();
            let mut found = crate::diag::Diagnostics::default();
            crate::validate::check_answers(
                &vendor.file.answers,
                Some(rubric),
                &vendor.dir,
                &vendor.path,
                workspace,
                &mut found,
                &mut answers,
            );
            (answers, found)
        });
        let mut submissions = Vec::with_capacity(vendors.len());
        for ((vendor, evaluation_paths), (answers, mut found)) in vendors.iter().zip(evaluations).zip(checked) {
            // A cited file that is missing is the vendor's problem, not an input
            // error: the answer scores as unevidenced (`evidence-missing`).
            found.downgrade(Code::EvidenceNotFound);
            self.tolerated.iter().for_each(|&code| found.downgrade(code));
            if !found.is_empty() {
                self.keep_vendor_source(&vendor.dir.join("vendor.toml"));
            }
            self.findings.diagnostics.extend(found);
            let mut panel = BTreeMap::new();
            let mut excluded: BTreeMap<String, Vec<(String, crate::model::LeftOut)>> = BTreeMap::new();
            for path in evaluation_paths {
                let Some(file) = self.file(&path) else { continue };
                let Some(Document::Evaluation(evaluation)) = &file.document else { continue };
                let evaluation = evaluation.clone();
                let shown = file.source.path.clone();
                let evaluator = evaluation.evaluation.evaluator.value.clone();
                // Under `require_declarations` an evaluation without a fitting
                // declaration is left out, its criteria marked (not an error here).
                let exclusion = if rubric.require_declarations {
                    let declaration = crate::validate::declaration_path(&self.workspace.root, &evaluator)
                        .filter(|p| p.is_file())
                        .and_then(|p| match self.file(&p).and_then(|f| f.document.as_ref()) {
                            Some(Document::Declaration(d)) => Some(d.declaration.clone()),
                            _ => None,
                        });
                    crate::validate::declaration_problem(declaration.as_ref(), &evaluation.evaluation, vendor.id())
                        .map(|(why, _, _)| why)
                } else {
                    None
                };
                let mut found = crate::diag::Diagnostics::default();
                let mut scratch = BTreeMap::new();
                crate::validate::check_scores(
                    &evaluation.scores,
                    rubric,
                    &evaluator,
                    &shown,
                    &mut found,
                    if exclusion.is_some() { &mut scratch } else { &mut panel },
                );
                if let Some(why) = exclusion {
                    for criterion in scratch.into_keys() {
                        excluded.entry(criterion).or_default().push((evaluator.clone(), why));
                    }
                }
                self.tolerated.iter().for_each(|&code| found.downgrade(code));
                if !found.is_empty() {
                    self.keep_vendor_source(&path);
                }
                self.findings.diagnostics.extend(found);
            }
            let mut moderated = BTreeMap::new();
            let moderation = vendor.dir.join(MODERATION_FILE);
            if moderation.is_file()
                && let Some(file) = self.file(&moderation)
                && let Some(Document::Moderation(parsed)) = &file.document
            {
                let evaluators: Vec<String> = panel.values().flatten().map(|v| v.evaluator.clone()).collect();
                let mut found = crate::diag::Diagnostics::default();
                let shown = file.source.path.clone();
                crate::validate::check_moderation(
                    parsed,
                    rubric,
                    Some(&evaluators),
                    &shown,
                    &mut found,
                    &mut moderated,
                );
                if !found.is_empty() {
                    self.keep_vendor_source(&moderation);
                }
                self.findings.diagnostics.extend(found);
            }
            submissions.push(Submission {
                id: vendor.id().to_owned(),
                name: vendor.file.vendor.name.value.clone(),
                country: vendor.file.vendor.country.as_ref().map(|c| c.value.clone()),
                folder: vendor.folder.clone(),
                answers,
                panel,
                moderated,
                excluded,
            });
        }
        if self.findings.diagnostics.count(crate::diag::Severity::Error) > errors_before {
            return Err(Stop);
        }
        self.hash_evidence(&mut submissions);
        Ok(submissions)
    }

    fn hash_evidence(&mut self, submissions: &mut [Submission]) {
        // Paths are told apart by their bytes: comparing them component by
        // component was a tenth of a `score` run.
        let mut paths: Vec<PathBuf> = submissions
            .iter()
            .flat_map(|s| s.answers.values())
            .flat_map(|a| a.evidence.iter())
            .filter_map(|e| e.file.clone())
            .collect();
        paths.sort_unstable_by(|a, b| a.as_os_str().cmp(b.as_os_str()));
        paths.dedup_by(|a, b| a.as_os_str() == b.as_os_str());
        // Evidence hashed earlier in the run (a second rubric) is not read again.
        let known: BTreeMap<OsString, FileDigest> = submissions
            .iter()
            .flat_map(|s| s.answers.values())
            .flat_map(|a| a.evidence.iter())
            .filter_map(|e| {
                let record = self.inputs.get(&e.path)?;
                let digest = FileDigest { bytes: record.bytes, sha256: record.sha256.clone() };
                Some((e.file.clone()?.into_os_string(), digest))
            })
            .collect();
        paths.retain(|p| !known.contains_key(p.as_os_str()));
        let mut digests: BTreeMap<&OsStr, std::io::Result<FileDigest>> =
            paths.iter().map(|p| p.as_os_str()).zip(hash_files(&paths, 0)).collect();
        digests.extend(known.iter().map(|(path, digest)| (path.as_os_str(), Ok(digest.clone()))));
        for submission in submissions {
            for answer in submission.answers.values_mut() {
                for evidence in &mut answer.evidence {
                    let Some(file) = &evidence.file else { continue };
                    match digests.get(file.as_os_str()) {
                        Some(Ok(digest)) => {
                            self.inputs.insert(
                                evidence.path.clone(),
                                FileRecord {
                                    path: evidence.path.clone(),
                                    bytes: digest.bytes,
                                    sha256: digest.sha256.clone(),
                                },
                            );
                            evidence.digest = Some(digest.clone());
                        }
                        // Unreadable now (a link, a FIFO, removed, permissions): scored as missing, and said why.
                        Some(Err(error)) => {
                            let mut warning = crate::diag::Diagnostic::new(
                                Code::EvidenceNotFound,
                                &evidence.path,
                                None,
                                format!(
                                    "evidence {} cannot be hashed: it {error}; it scores as missing",
                                    evidence.path
                                ),
                            )
                            .with_help("cite a regular file inside the vendor's folder");
                            warning.severity = crate::diag::Severity::Warning;
                            self.findings.diagnostics.push(warning);
                            evidence.file = None;
                        }
                        None => evidence.file = None,
                    }
                }
            }
        }
    }
}

/// A vendor's agreed panel values, beside its `vendor.toml`.
pub const MODERATION_FILE: &str = "moderation.toml";

fn evaluation_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir.join("evaluations"))
        .map(|rd| rd.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "toml")).collect())
        .unwrap_or_default();
    files.sort();
    files
}
