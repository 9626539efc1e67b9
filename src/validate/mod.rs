//! Input → model: reads files, checks syntax, schema and semantics, and the
//! references between files. Every problem becomes a [`Diagnostic`]; one run
//! reports them all.
//!
//! This is the one doorway to the trusted model: commands that score or
//! check load their inputs through here and refuse to run on errors.

mod contract;
mod crossref;
mod header;
mod policy;
mod regimes;
mod rubric;
mod schema;
mod tiering;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::audit::hash::sha256_hex;
use serde::Deserialize;

use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::model::{
    CalendarFile, ContractFile, DeclarationFile, EvaluationFile, FileKind, ModerationFile, PolicyFile, Rubric,
    RubricFile, TieringFile, VendorFile, WorkspaceFile, is_country, is_slug,
};
use crate::source::SourceFile;
use crate::workspace::Workspace;

pub use crossref::{
    Context, check_answers, check_moderation, check_references, check_scores, declaration_path, declaration_problem,
};
pub(crate) use crossref::{unknown_calendar, unknown_calendar_names};
pub use tiering::{TIERING_FILE, check_expression as check_tier_expression};

/// A parsed file of one of the seven kinds. Vendor and contract files are
/// shared (a run hands them to every decision that reads them, uncopied).
#[derive(Debug, Clone)]
pub enum Document {
    Workspace(WorkspaceFile),
    Rubric(RubricFile),
    Vendor(std::sync::Arc<VendorFile>),
    Evaluation(EvaluationFile),
    Moderation(ModerationFile),
    Declaration(DeclarationFile),
    Contract(std::sync::Arc<ContractFile>),
    Policy(PolicyFile),
    Tiering(TieringFile),
    Calendar(CalendarFile),
}

/// One file as read and checked on its own.
#[derive(Debug, Clone)]
pub struct CheckedFile {
    pub source: SourceFile,
    /// Where it is on disk (`None` for built-in files).
    pub disk_path: Option<PathBuf>,
    pub document: Option<Document>,
    /// For a rubric without errors: the trusted rubric.
    pub rubric: Option<Rubric>,
    /// For a policy without errors: the compiled policy (shared: compiled once).
    pub policy: Option<std::sync::Arc<crate::compliance::Policy>>,
    /// False when the schema check had to drop or stand in for parts of it.
    pub complete: bool,
    /// A vendor or contract file's tables as written (what policy and tier
    /// rules read), when asked for ([`read_for_rules`]) and it parsed.
    pub tables: Option<std::sync::Arc<toml::Table>>,
}

impl CheckedFile {
    /// A file not checked yet.
    pub fn new(source: SourceFile, disk_path: Option<PathBuf>) -> Self {
        CheckedFile { source, disk_path, document: None, rubric: None, policy: None, complete: true, tables: None }
    }
}

/// The outcome of `validate`: every diagnostic, and the files they point into.
#[derive(Debug, Default)]
pub struct Validation {
    pub diagnostics: Diagnostics,
    pub sources: BTreeMap<String, SourceFile>,
    /// How many files were checked.
    pub files: usize,
}

/// Why validation could not run at all.
#[derive(Debug, thiserror::Error)]
pub enum ValidateError {
    /// Paths named on the command line do not exist (every one of them).
    #[error("{}", .0.iter().map(|p| format!("{p}: no such file or folder")).collect::<Vec<_>>().join("\n"))]
    NoSuchPath(Vec<String>),
}

/// Validate every `*.toml` and `*.j2` file under `paths` (default: the workspace).
pub fn validate_paths(workspace: &Workspace, paths: &[PathBuf]) -> Result<Validation, ValidateError> {
    validate_paths_observed(workspace, paths, &crate::progress::Unobserved)
}

/// [`validate_paths`], telling `progress` each file checked.
pub fn validate_paths_observed(
    workspace: &Workspace,
    paths: &[PathBuf],
    progress: &dyn crate::progress::Progress,
) -> Result<Validation, ValidateError> {
    let roots: Vec<PathBuf> = if paths.is_empty() { vec![workspace.root.clone()] } else { paths.to_vec() };
    let mut files = Vec::new();
    let mut vendor_folders = Vec::new();
    let missing: Vec<String> =
        roots.iter().filter(|r| std::fs::symlink_metadata(r).is_err()).map(|r| r.display().to_string()).collect();
    if !missing.is_empty() {
        return Err(ValidateError::NoSuchPath(missing));
    }
    for root in &roots {
        if std::fs::symlink_metadata(root).is_ok_and(|m| m.is_dir()) {
            collect_files(root, &mut files, &mut vendor_folders);
        } else {
            // Named on its own: a link, FIFO or device is reported, not skipped.
            let name = root.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let regular = std::fs::symlink_metadata(root).is_ok_and(|m| m.is_file());
            if !regular || name.ends_with(".toml") || name.ends_with(".j2") {
                files.push(root.clone());
            }
        }
        // `validate vendors/x/` names the vendor folder itself.
        if root.is_dir() && is_vendor_folder(root) {
            vendor_folders.push(root.clone());
        }
    }
    files.sort();
    files.dedup();
    vendor_folders.sort();
    vendor_folders.dedup();

    progress.start("checking files", files.len() as u64);
    let checked = check_files_in_parallel(workspace, &files, progress);
    progress.finish();
    let mut validation = Validation { files: checked.len(), ..Validation::default() };
    let mut all = Vec::with_capacity(checked.len());
    for (file, diagnostics) in checked {
        validation.diagnostics.extend(diagnostics);
        all.push(file);
    }
    for diagnostic in vendor_folders.iter().filter_map(|dir| not_a_vendor(workspace, dir)) {
        validation.diagnostics.push(diagnostic);
    }
    for context in crossref::contexts(workspace, &all) {
        let (diagnostics, extra_sources) = check_references(&context, &all);
        validation.diagnostics.extend(diagnostics);
        for source in extra_sources {
            validation.sources.entry(source.path.clone()).or_insert(source);
        }
    }
    tiering::check_overrides(workspace, &all, &mut validation.diagnostics, &mut validation.sources);
    // Keep only the texts diagnostics point into (they are rendered from them).
    let cited: std::collections::HashSet<&str> = validation.diagnostics.iter().map(|d| d.file.as_str()).collect();
    let cited: std::collections::HashSet<String> = cited.into_iter().map(str::to_owned).collect();
    for file in all {
        if cited.contains(&file.source.path) {
            validation.sources.insert(file.source.path.clone(), file.source);
        }
    }
    validation.diagnostics.sort();
    Ok(validation)
}

fn collect_files(root: &Path, out: &mut Vec<PathBuf>, vendor_folders: &mut Vec<PathBuf>) {
    let walker = walkdir::WalkDir::new(root).follow_links(false).into_iter().filter_entry(|e| {
        let name = e.file_name().to_string_lossy();
        e.depth() == 0
            || !(name.starts_with('.') || (e.file_type().is_dir() && (name == "target" || name == "node_modules")))
    });
    for entry in walker.flatten() {
        let name = entry.file_name().to_string_lossy();
        if entry.file_type().is_file() && (name.ends_with(".toml") || name.ends_with(".j2")) {
            out.push(entry.into_path());
        } else if entry.file_type().is_dir() && is_vendor_folder(entry.path()) {
            vendor_folders.push(entry.into_path());
        }
    }
}

/// Whether a folder sits where vendors live: `vendors/<id>/`.
fn is_vendor_folder(dir: &Path) -> bool {
    dir.parent().and_then(Path::file_name).is_some_and(|n| n == "vendors")
}

/// A folder under `vendors/` that is not a vendor (no regular `vendor.toml`
/// in it): a located error, so that no vendor drops out of a tender unseen.
pub fn not_a_vendor(workspace: &Workspace, dir: &Path) -> Option<Diagnostic> {
    let vendor = dir.join("vendor.toml");
    if std::fs::symlink_metadata(&vendor).is_ok_and(|m| m.is_file()) {
        return None;
    }
    let shown = workspace.display_path(dir);
    let names: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| rd.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect())
        .unwrap_or_default();
    let near = names.iter().find(|n| {
        n.eq_ignore_ascii_case("vendor.toml") || strsim::levenshtein(&n.to_ascii_lowercase(), "vendor.toml") <= 2
    });
    let message = if vendor.exists() || std::fs::symlink_metadata(&vendor).is_ok() {
        format!("{shown} is not a vendor: its vendor.toml is not a regular file")
    } else {
        format!("{shown} is not a vendor: it holds no vendor.toml, so score, check and report would leave it out")
    };
    let help = match near {
        Some(name) => format!("rename `{name}` to `vendor.toml`"),
        None => {
            "a vendor folder is vendors/<id>/ with a vendor.toml inside; move anything else out of vendors/".to_owned()
        }
    };
    Some(Diagnostic::new(Code::NotAVendorFolder, &shown, None, message).with_help(help))
}

/// Check files on all cores, in order.
fn check_files_in_parallel(
    workspace: &Workspace,
    files: &[PathBuf],
    progress: &dyn crate::progress::Progress,
) -> Vec<(CheckedFile, Diagnostics)> {
    crate::parallel::map(files, 0, |path| {
        let checked = check_disk_file(workspace, path);
        progress.advance(1);
        checked
    })
}

/// The largest TOML file or template read (a rubric of a thousand criteria is
/// well under 1 MiB): larger ones are refused before they are held in memory.
pub const MAX_TOML_BYTES: u64 = 8 << 20;

/// Read and check one file on disk by itself. Only regular files are read
/// (a link, FIFO or device is refused before a byte is read), up to
/// [`MAX_TOML_BYTES`].
pub fn check_disk_file(workspace: &Workspace, path: &Path) -> (CheckedFile, Diagnostics) {
    read_checked(workspace, path, kind_by_location(path), false)
}

/// [`check_disk_file`], the file taken as `kind` wherever it is (a
/// `--tickets-config` file is settings whatever its name).
pub fn check_disk_file_as(workspace: &Workspace, path: &Path, kind: Option<FileKind>) -> (CheckedFile, Diagnostics) {
    read_checked(workspace, path, kind, false)
}

/// [`check_disk_file`], keeping a vendor or contract file's tables as
/// written ([`CheckedFile::tables`]) from the same parse.
pub fn read_for_rules(workspace: &Workspace, path: &Path) -> (CheckedFile, Diagnostics) {
    read_checked(workspace, path, kind_by_location(path), true)
}

fn read_checked(
    workspace: &Workspace,
    path: &Path,
    kind: Option<FileKind>,
    tables: bool,
) -> (CheckedFile, Diagnostics) {
    let shown = workspace.display_path(path);
    let mut diagnostics = Diagnostics::default();
    let (text, bad_utf8) = match read_bytes(path) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => (text, None),
            Err(error) => {
                // Keep the valid part, to point at the first bad byte.
                let at = error.utf8_error().valid_up_to();
                let mut bytes = error.into_bytes();
                bytes.truncate(at);
                (String::from_utf8(bytes).unwrap_or_default(), Some(at))
            }
        },
        Err(err) => {
            diagnostics
                .report(Code::Unreadable, &shown, None, format!("cannot read the file: {err}"))
                .add_help("vendorscore reads regular files only (no links, FIFOs or devices)");
            (String::new(), None)
        }
    };
    if let Some(at) = bad_utf8 {
        diagnostics
            .report(Code::Unreadable, &shown, Some(at..at), "the file is not UTF-8 text: the first bad byte is here")
            .add_help("save it as UTF-8");
    }
    let unreadable = !diagnostics.is_empty();
    let source = SourceFile::new(shown, text);
    let mut file = CheckedFile::new(source, Some(path.to_path_buf()));
    if !unreadable {
        let expect = kind.map_or(Expect::Any, Expect::ByLocation);
        check_source_with(&mut file, expect, tables, &mut diagnostics);
    }
    (file, diagnostics)
}

/// A regular file's bytes, refused beyond [`MAX_TOML_BYTES`].
fn read_bytes(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::{Error, ErrorKind, Read as _};
    let file = crate::regular_file::open(path).map_err(|e| match e.kind() {
        ErrorKind::NotFound => Error::new(e.kind(), "it does not exist"),
        // "is a FIFO (named pipe), not a regular file", "is a symbolic link …"
        ErrorKind::InvalidInput => Error::new(e.kind(), format!("it {e}")),
        _ => e,
    })?;
    let mut bytes = Vec::new();
    file.take(MAX_TOML_BYTES + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_TOML_BYTES {
        let message = format!(
            "it is larger than {} MiB, the most vendorscore reads of a TOML file or template",
            MAX_TOML_BYTES >> 20
        );
        return Err(std::io::Error::new(std::io::ErrorKind::InvalidData, message));
    }
    Ok(bytes)
}

/// What kind of file a caller expects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// Any kind, told by the first table.
    Any,
    /// This kind and no other (e.g. the rubric a command was given).
    Exactly(FileKind),
    /// The kind the file's place implies (`vendors/<id>/vendor.toml`),
    /// used when its first table says nothing.
    ByLocation(FileKind),
}

/// The kind a file's name or folder implies.
fn kind_by_location(path: &Path) -> Option<FileKind> {
    let name = path.file_name()?.to_str()?;
    let folder = path.parent().and_then(Path::file_name).and_then(|n| n.to_str()).unwrap_or("");
    match (name, folder) {
        ("vendorscore.toml", _) => Some(FileKind::Workspace),
        ("vendor.toml", _) => Some(FileKind::Vendor),
        ("contract.toml", _) => Some(FileKind::Contract),
        ("moderation.toml", _) => Some(FileKind::Moderation),
        (TIERING_FILE, _) | (_, "tiering") => Some(FileKind::Tiering),
        (_, "evaluations") => Some(FileKind::Evaluation),
        (_, "evaluators") => Some(FileKind::Declaration),
        (_, "rubrics") => Some(FileKind::Rubric),
        (_, "policies") => Some(FileKind::Policy),
        (_, "calendars") => Some(FileKind::Calendar),
        _ => None,
    }
}

/// Check a file's text: syntax, kind, schema, and its own semantics.
pub fn check_source(file: &mut CheckedFile, expected: Expect, diagnostics: &mut Diagnostics) {
    check_source_with(file, expected, false, diagnostics);
}

fn check_source_with(file: &mut CheckedFile, expected: Expect, tables: bool, diagnostics: &mut Diagnostics) {
    let path = file.source.path.clone();
    if path.ends_with(".j2") {
        check_template(&file.source, diagnostics);
        return;
    }
    let errors_before = diagnostics.count(crate::diag::Severity::Error);
    let Some((kind, document, written)) = parse(&file.source, expected, tables, diagnostics) else { return };
    file.tables = written.map(std::sync::Arc::new);
    // Parts the schema check pruned must not cause follow-on errors (an
    // empty category whose only criterion had a typo).
    let complete = diagnostics.count(crate::diag::Severity::Error) == errors_before;
    file.complete = complete;
    let name = path.rsplit('/').next().unwrap_or(&path);
    let stem = name.strip_prefix(crate::builtin::PREFIX).unwrap_or(name).trim_end_matches(".toml").to_owned();
    match &document {
        Document::Rubric(rubric) => {
            let digest = sha256_hex(file.source.text.as_bytes());
            file.rubric = rubric::check(rubric, &path, &digest, complete, diagnostics);
            id_matches_name(&rubric.rubric.id, &stem, "file", &path, diagnostics);
        }
        Document::Policy(policy) => {
            file.policy = policy::check(policy, &file.source, diagnostics).map(std::sync::Arc::new);
            id_matches_name(&policy.policy.id, &stem, "file", &path, diagnostics);
        }
        Document::Contract(contract) => contract::check(contract, &path, diagnostics),
        Document::Vendor(vendor) => check_vendor_header(vendor, &path, diagnostics),
        Document::Workspace(settings) => check_ticket_columns(settings, &path, diagnostics),
        Document::Tiering(tiers) => tiering::check(tiers, &path, diagnostics),
        Document::Declaration(declaration) => {
            id_matches_name(&declaration.declaration.evaluator, &stem, "file", &path, diagnostics)
        }
        Document::Calendar(file) => {
            let id = &file.calendar.id;
            if !is_slug(id) {
                diagnostics
                    .report(
                        Code::InvalidId,
                        &path,
                        Some(id.span.clone()),
                        format!("calendar id `{}` is not of the form [a-z0-9][a-z0-9-]*", id.value),
                    )
                    .add_help("clauses find a workspace calendar by its file name, calendars/<id>.toml");
            }
            contract::check_calendar(&file.calendar, &path, diagnostics);
            id_matches_name(&file.calendar.id, &stem, "file", &path, diagnostics);
        }
        Document::Evaluation(_) | Document::Moderation(_) => {}
    }
    debug_assert_eq!(kind_of(&document), kind);
    file.document = Some(document);
}

fn kind_of(document: &Document) -> FileKind {
    match document {
        Document::Workspace(_) => FileKind::Workspace,
        Document::Rubric(_) => FileKind::Rubric,
        Document::Vendor(_) => FileKind::Vendor,
        Document::Evaluation(_) => FileKind::Evaluation,
        Document::Moderation(_) => FileKind::Moderation,
        Document::Declaration(_) => FileKind::Declaration,
        Document::Contract(_) => FileKind::Contract,
        Document::Policy(_) => FileKind::Policy,
        Document::Tiering(_) => FileKind::Tiering,
        Document::Calendar(_) => FileKind::Calendar,
    }
}

/// Parse TOML, tell its kind by the first table, check it against the
/// kind's schema and deserialize what is valid.
pub fn parse_document(
    source: &SourceFile,
    expected: Expect,
    diagnostics: &mut Diagnostics,
) -> Option<(FileKind, Document)> {
    parse(source, expected, false, diagnostics).map(|(kind, document, _)| (kind, document))
}

/// [`parse_document`], and (`tables`, a vendor or contract file) its tables
/// as written, deserialized from the same parse.
fn parse(
    source: &SourceFile,
    expected: Expect,
    tables: bool,
    diagnostics: &mut Diagnostics,
) -> Option<(FileKind, Document, Option<toml::Table>)> {
    let path = source.path.as_str();
    let (mut table, errors) = toml::de::DeTable::parse_recoverable(&source.text);
    if !errors.is_empty() {
        for error in errors {
            let message = error.message().lines().next().unwrap_or("invalid TOML").to_owned();
            diagnostics
                .report(Code::Syntax, path, error.span(), message)
                .add_help("see https://toml.io for the syntax");
        }
        return None;
    }
    let first = FileKind::from_tables(table.get_ref().iter().map(|(key, _)| key.get_ref().as_ref()));
    let kind = match (first, expected) {
        (Some(kind), Expect::Any | Expect::ByLocation(_)) => kind,
        (Some(kind), Expect::Exactly(want)) if kind == want => kind,
        // The settings file's tables are all optional.
        (None, Expect::ByLocation(FileKind::Workspace)) => FileKind::Workspace,
        (None, Expect::ByLocation(want)) => {
            let (name, table) = (want.as_str(), want.table());
            diagnostics
                .report(Code::MissingKey, path, Some(0..0), format!("this {name} file lacks its [{table}] table"))
                .add_help(format!("start the file with [{table}]; see `vendorscore schema {name}`"));
            return None;
        }
        (found, Expect::Exactly(want)) => {
            let what = found.map_or("not a vendorscore file".to_owned(), |k| format!("a {} file", k.as_str()));
            diagnostics
                .report(Code::UnknownFileKind, path, None, format!("expected a {} file, found {what}", want.as_str()))
                .severity = crate::diag::Severity::Error;
            return None;
        }
        (None, Expect::Any) => {
            let kinds = FileKind::ALL.iter().map(|k| format!("[{}]", k.table())).collect::<Vec<_>>().join(", ");
            diagnostics
                .report(Code::UnknownFileKind, path, Some(0..0), "not a vendorscore file: no known first table")
                .add_help(format!("vendorscore files start with one of {kinds}"));
            return None;
        }
    };
    let written = (tables && matches!(kind, FileKind::Vendor | FileKind::Contract)).then(|| table.clone());
    let span = table.span();
    let mut node = toml::Spanned::new(span.clone(), toml::de::DeValue::Table(std::mem::take(table.get_mut())));
    if !schema::SchemaChecker::new(schema_of(kind), path).check_document(&mut node, diagnostics) {
        return None;
    }
    // Taken before the schema walk pruned anything: the file as written.
    let written = written.and_then(|t| toml::Table::deserialize(toml::de::Deserializer::from(t)).ok());
    let toml::de::DeValue::Table(pruned) = node.into_inner() else { return None };
    match deserialize(kind, toml::Spanned::new(span, pruned)) {
        Ok(document) => Some((kind, document, written)),
        Err(error) => {
            diagnostics.report(Code::WrongType, path, error.span(), error.message().to_owned());
            None
        }
    }
}

/// A parsed table as the document of `kind`.
fn deserialize(kind: FileKind, table: toml::Spanned<toml::de::DeTable<'_>>) -> Result<Document, toml::de::Error> {
    let deserializer = toml::de::Deserializer::from(table);
    match kind {
        FileKind::Workspace => WorkspaceFile::deserialize(deserializer).map(Document::Workspace),
        FileKind::Rubric => RubricFile::deserialize(deserializer).map(Document::Rubric),
        FileKind::Vendor => VendorFile::deserialize(deserializer).map(|v| Document::Vendor(v.into())),
        FileKind::Evaluation => EvaluationFile::deserialize(deserializer).map(Document::Evaluation),
        FileKind::Moderation => ModerationFile::deserialize(deserializer).map(Document::Moderation),
        FileKind::Declaration => DeclarationFile::deserialize(deserializer).map(Document::Declaration),
        FileKind::Contract => ContractFile::deserialize(deserializer).map(|c| Document::Contract(c.into())),
        FileKind::Policy => PolicyFile::deserialize(deserializer).map(Document::Policy),
        FileKind::Tiering => TieringFile::deserialize(deserializer).map(Document::Tiering),
        FileKind::Calendar => CalendarFile::deserialize(deserializer).map(Document::Calendar),
    }
}

/// A built-in rubric, policy or tiering, read the short way: built-ins
/// cannot change at run time, and the test suite checks each one clean in
/// full (`builtin_tests`). Parsed and deserialized without the schema walk;
/// a rubric built by [`rubric::check`], a policy's expressions compiled
/// without the checks of [`policy::check`], a tiering taken as parsed.
/// `sha256` is of the text. `None` when anything goes wrong: the caller then
/// checks the file in full, which reports why.
pub fn load_builtin(source: SourceFile, kind: FileKind, sha256: &str) -> Option<CheckedFile> {
    let (table, errors) = toml::de::DeTable::parse_recoverable(&source.text);
    if !errors.is_empty()
        || FileKind::from_tables(table.get_ref().iter().map(|(k, _)| k.get_ref().as_ref())) != Some(kind)
    {
        return None;
    }
    let document = deserialize(kind, table).ok()?;
    let mut file = CheckedFile::new(source, None);
    let mut diagnostics = Diagnostics::default();
    match &document {
        Document::Rubric(parsed) => {
            file.rubric = Some(rubric::check(parsed, &file.source.path, sha256, true, &mut diagnostics)?);
        }
        Document::Policy(parsed) => {
            file.policy = Some(std::sync::Arc::new(policy::compile(parsed, &file.source, sha256)?));
        }
        Document::Tiering(_) => {}
        _ => return None,
    }
    if !diagnostics.is_empty() {
        return None;
    }
    file.document = Some(document);
    Some(file)
}

/// [`load_builtin`] once per process for each built-in file and kind; every
/// later load (another run in the process, a batch, a thread that loads
/// ahead: `pipeline::prepare_in_background`) takes a copy.
pub fn load_builtin_once(file: crate::builtin::BuiltinFile, kind: FileKind) -> Option<CheckedFile> {
    type Loaded = std::sync::Arc<OnceLock<Option<CheckedFile>>>;
    static LOADED: std::sync::Mutex<BTreeMap<(&'static str, FileKind), Loaded>> =
        std::sync::Mutex::new(BTreeMap::new());
    let cell = {
        let mut loaded = LOADED.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        loaded.entry((file.path, kind)).or_default().clone()
    };
    cell.get_or_init(|| load_builtin(SourceFile::new(file.name(), file.text()), kind, file.sha256)).clone()
}

/// Generate `kind`'s JSON schema now, if no check has yet (see [`schema_of`]).
pub fn prepare_schema(kind: FileKind) {
    schema_of(kind);
}

/// Each kind's JSON schema, generated the first time a file of that kind is checked.
fn schema_of(kind: FileKind) -> &'static serde_json::Value {
    static SCHEMAS: [OnceLock<serde_json::Value>; FileKind::ALL.len()] =
        [const { OnceLock::new() }; FileKind::ALL.len()];
    let at = FileKind::ALL.iter().position(|&k| k == kind).unwrap_or_default();
    SCHEMAS[at].get_or_init(|| kind.json_schema())
}

fn check_ticket_columns(settings: &WorkspaceFile, path: &str, diagnostics: &mut Diagnostics) {
    use crate::model::TICKET_COLUMNS;
    let Some(tickets) = &settings.tickets else { return };
    if let Some(timezone) = &tickets.timezone {
        contract::check_zone(timezone, "[tickets] timezone", path, diagnostics);
    }
    if let Some(preset) = &tickets.preset
        && crate::sla::presets::preset(preset.value.trim()).is_none()
    {
        let names = crate::sla::presets::PRESETS.iter().map(|p| p.name);
        let d = diagnostics.report(
            Code::UnknownPreset,
            path,
            Some(preset.span.clone()),
            format!("`{}` is not a ticket export preset", preset.value),
        );
        d.help = Some(match crate::diag::did_you_mean(&preset.value, names.clone()) {
            Some(near) => format!("did you mean `{near}`?"),
            None => format!("presets: {} (vendorscore list shows them)", names.collect::<Vec<_>>().join(", ")),
        });
    }
    for (column, header) in tickets.columns.iter() {
        if !TICKET_COLUMNS.contains(&column.value.as_str()) {
            let d = diagnostics.report(
                Code::UnknownKey,
                path,
                Some(column.span.clone()),
                format!("`{}` is not a ticket column", column.value),
            );
            d.help = Some(match crate::diag::did_you_mean(&column.value, TICKET_COLUMNS.iter().copied()) {
                Some(near) => format!("did you mean `{near}`?"),
                None => format!("columns: {}", TICKET_COLUMNS.join(", ")),
            });
        }
        if header.value.header().trim().is_empty() {
            diagnostics.report(Code::OutOfRange, path, Some(header.span.clone()), "the header name is empty");
        }
        if let crate::model::ColumnName::Read(read) = &header.value {
            check_column_form(&column.value, read, &header.span, path, diagnostics);
        }
    }
    check_ticket_mapping(tickets, path, diagnostics);
}

/// `epoch` and `date_order` on a `[tickets.columns]` entry: one of them, on a timestamp column.
fn check_column_form(
    column: &str,
    read: &crate::model::ColumnRead,
    span: &std::ops::Range<usize>,
    path: &str,
    diagnostics: &mut Diagnostics,
) {
    const TIMESTAMPS: [&str; 3] = ["created_at", "first_response_at", "resolved_at"];
    let given = read.epoch.is_some() || read.date_order.is_some();
    if read.epoch.is_some() && read.date_order.is_some() {
        diagnostics
            .report(
                Code::BadTicketMapping,
                path,
                Some(span.clone()),
                format!("column `{column}` is given both epoch and date_order"),
            )
            .add_help(
                "a column's timestamps are either Unix epoch times (epoch) or slashed dates (date_order): keep one",
            );
    } else if given && !TIMESTAMPS.contains(&column) {
        diagnostics
            .report(
                Code::BadTicketMapping,
                path,
                Some(span.clone()),
                format!(
                    "column `{column}` holds no timestamps: epoch and date_order apply to {}",
                    TIMESTAMPS.join(", ")
                ),
            )
            .add_help(format!("write {column} = \"{}\"", read.column));
    }
}

/// `[tickets.durations]`, `[tickets.channels]` and `[tickets.csat]` (SPEC section 11).
fn check_ticket_mapping(tickets: &crate::model::TicketSettings, path: &str, diagnostics: &mut Diagnostics) {
    use crate::model::{Channel, CsatLabel, DURATION_METRICS};
    for (metric, duration) in tickets.durations.iter() {
        if !DURATION_METRICS.contains(&metric.value.as_str()) {
            diagnostics
                .report(
                    Code::BadTicketMapping,
                    path,
                    Some(metric.span.clone()),
                    format!("[tickets.durations] `{}` is not a metric a duration can stand for", metric.value),
                )
                .add_help("a duration column can give first_response or resolution");
        } else if let Some(column) =
            tickets.columns.get(if metric.value == "first_response" { "first_response_at" } else { "resolved_at" })
        {
            diagnostics
                .report(
                    Code::BadTicketMapping,
                    path,
                    Some(metric.span.clone()),
                    format!(
                        "{} is given both as a duration and as the timestamp column `{}`",
                        metric.value,
                        column.value.header()
                    ),
                )
                .add_help("keep one: the duration under [tickets.durations] or the timestamp under [tickets.columns]");
        }
        if duration.column.value.trim().is_empty() {
            diagnostics.report(Code::OutOfRange, path, Some(duration.column.span.clone()), "the column name is empty");
        }
    }
    let mut seen: Vec<String> = Vec::new();
    for (raw, channel) in tickets.channels.iter() {
        let lower = raw.value.trim().to_lowercase();
        if seen.contains(&lower) {
            diagnostics.report(
                Code::BadTicketMapping,
                path,
                Some(raw.span.clone()),
                format!("channel `{}` is mapped twice (matching ignores letter case)", raw.value),
            );
        }
        seen.push(lower);
        if channel.value == Channel::Any {
            diagnostics
                .report(Code::BadTicketMapping, path, Some(channel.span.clone()), "a ticket's channel cannot be `any`")
                .add_help(format!("map it to one of {}", Channel::ticket_names()));
        }
    }
    let mut labels: Vec<String> = Vec::new();
    for (label, value) in tickets.csat.iter() {
        let mut seen_label = |text: &str, span: &std::ops::Range<usize>, diagnostics: &mut Diagnostics| {
            let lower = text.trim().to_lowercase();
            if labels.contains(&lower) {
                diagnostics.report(
                    Code::BadTicketMapping,
                    path,
                    Some(span.clone()),
                    format!("csat label `{text}` is given twice (matching ignores letter case)"),
                );
            }
            labels.push(lower);
        };
        match (&value.value, label.value.as_str()) {
            (CsatLabel::Unrated(list), "unrated") => {
                for text in list {
                    seen_label(text, &value.span, diagnostics);
                }
            }
            (CsatLabel::Unrated(_), _) => {
                diagnostics
                    .report(
                        Code::BadTicketMapping,
                        path,
                        Some(value.span.clone()),
                        format!("csat label `{}` needs a score from 1 to 5", label.value),
                    )
                    .add_help("only `unrated` takes a list (the labels that are no rating)");
            }
            (CsatLabel::Score(_), "unrated") => {
                diagnostics
                    .report(Code::BadTicketMapping, path, Some(value.span.clone()), "`unrated` is a list of labels")
                    .add_help("write unrated = [\"Offered\", \"Not Offered\"]");
            }
            (CsatLabel::Score(score), _) => {
                if !(1..=5).contains(score) {
                    diagnostics.report(
                        Code::OutOfRange,
                        path,
                        Some(value.span.clone()),
                        format!("csat label `{}` scores {score}: a score is from 1 to 5", label.value),
                    );
                }
                seen_label(&label.value, &label.span, diagnostics);
            }
        }
    }
}

fn check_vendor_header(vendor: &VendorFile, path: &str, diagnostics: &mut Diagnostics) {
    let head = &vendor.vendor;
    if !is_slug(&head.id) {
        diagnostics
            .report(
                Code::InvalidId,
                path,
                Some(head.id.span.clone()),
                format!("vendor id `{}` is not of the form [a-z0-9][a-z0-9-]*", *head.id),
            )
            .add_help("use lowercase letters, digits and hyphens, normally the folder name");
    }
    if let Some(country) = &head.country {
        check_country(country, path, diagnostics);
    }
    if head.name.trim().is_empty() {
        diagnostics.report(Code::MissingKey, path, Some(head.name.span.clone()), "the vendor's name is empty");
    }
    tiering::check_vendor_override(head, path, diagnostics);
}

/// Report a country that is not an ISO 3166-1 alpha-2 code.
pub(crate) fn check_country(country: &crate::model::Spanned<String>, path: &str, diagnostics: &mut Diagnostics) {
    if !is_country(country) {
        let upper = country.to_uppercase();
        let help = if is_country(&upper) {
            format!("write it in capitals: `{upper}`")
        } else {
            "use the two-letter ISO 3166-1 code, e.g. PL, DE, PH, GB".to_owned()
        };
        diagnostics
            .report(
                Code::InvalidCountry,
                path,
                Some(country.span.clone()),
                format!("`{}` is not an ISO 3166-1 alpha-2 country code", country.value),
            )
            .add_help(help);
    }
}

fn id_matches_name(
    id: &crate::model::Spanned<String>,
    name: &str,
    what: &str,
    path: &str,
    diagnostics: &mut Diagnostics,
) {
    if id.value != name && is_slug(id) {
        diagnostics
            .report(
                Code::IdMismatch,
                path,
                Some(id.span.clone()),
                format!("id `{}` differs from the {what} name `{name}`", id.value),
            )
            .add_help(format!("rename the {what} or the id so that `builtin:`-style references and reports agree"));
    }
}

fn check_template(source: &SourceFile, diagnostics: &mut Diagnostics) {
    let env = minijinja::Environment::new();
    if let Err(error) = env.template_from_named_str(&source.path, &source.text) {
        let span = error.range().or_else(|| {
            let line = error.line()?;
            let start = source.text.split_inclusive('\n').take(line.saturating_sub(1)).map(str::len).sum::<usize>();
            Some(start..start)
        });
        let message = error.detail().unwrap_or("template does not compile").to_owned();
        diagnostics.push(Diagnostic::new(Code::TemplateSyntax, &source.path, span, message));
    }
}

#[cfg(test)]
mod builtin_tests;
