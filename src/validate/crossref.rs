//! References between files: answers and evaluations against the rubric,
//! contracts against vendors, cited evidence against the vendor's folder,
//! and the workspace settings' references.
//!
//! Files are grouped by their workspace (the nearest folder holding
//! `vendorscore.toml`), so `validate examples/` checks the sample workspace
//! against its own rubric.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use super::{CheckedFile, Document};
use crate::builtin;
use crate::diag::{Code, Diagnostic, Diagnostics, did_you_mean};
use crate::model::{
    Answer, AnswerSource, AnswerValue, Criterion, Declaration, EvaluationHeader, Evidence, EvidenceRule, FileKind,
    GivenAnswer, GivenValue, LeftOut, Moderated, ModerationFile, PanelValue, Rubric, Scoring, Spanned, WorkspaceFile,
};
use crate::source::SourceFile;
use crate::workspace::{Reference, Workspace, nearest_settings_dir, normalize};

/// One workspace's worth of files to check against each other.
#[derive(Debug)]
pub struct Context {
    pub root: PathBuf,
    workspace: Workspace,
    /// Indices of its files in the list given to [`contexts`].
    members: Vec<usize>,
}

/// The workspaces the checked files belong to, each with its files.
pub fn contexts(workspace: &Workspace, files: &[CheckedFile]) -> Vec<Context> {
    // Files share folders: find each folder's workspace once.
    let mut root_of_dir: HashMap<&Path, PathBuf> = HashMap::new();
    let mut by_root: BTreeMap<PathBuf, Vec<usize>> = BTreeMap::new();
    for (index, file) in files.iter().enumerate() {
        let Some(dir) = file.disk_path.as_deref().map(|p| p.parent().unwrap_or(Path::new("."))) else { continue };
        let root = root_of_dir
            .entry(dir)
            .or_insert_with(|| nearest_settings_dir(dir).map_or_else(|| workspace.root.clone(), Path::to_path_buf));
        by_root.entry(root.clone()).or_default().push(index);
    }
    by_root.into_iter().map(|(root, members)| Context { root, workspace: workspace.clone(), members }).collect()
}

/// Check the references among the files of one context. Returns the
/// diagnostics and any files read only to resolve references.
pub fn check_references(context: &Context, files: &[CheckedFile]) -> (Diagnostics, Vec<SourceFile>) {
    let mut out = Diagnostics::default();
    let mut extra_sources = Vec::new();
    let mine: Vec<&CheckedFile> = context.members.iter().map(|&i| &files[i]).collect();

    let settings_path = context.root.join(crate::workspace::SETTINGS_FILE);
    let settings = settings_of(&settings_path, files);
    if let Some((file, settings)) =
        mine.iter().find(|f| f.disk_path.as_deref() == Some(&settings_path)).zip(settings.as_ref())
    {
        check_settings(&context.root, &file.source.path, settings, &mut out);
    }
    let rubric = workspace_rubric(context, settings.as_ref(), files, &mut out, &mut extra_sources);

    let mut vendor_ids: HashMap<String, (String, std::ops::Range<usize>)> = HashMap::new();
    // A vendor folder's id; `None` when its vendor.toml is too broken to tell.
    let mut folder_vendor: HashMap<PathBuf, Option<String>> = mine
        .iter()
        .filter_map(|f| f.disk_path.as_deref())
        .filter(|p| p.file_name().is_some_and(|n| n == "vendor.toml"))
        .filter_map(|p| p.parent().map(|folder| (folder.to_path_buf(), None)))
        .collect();
    for file in &mine {
        let (Some(Document::Vendor(vendor)), Some(disk)) = (&file.document, &file.disk_path) else { continue };
        let path = &file.source.path;
        let id = &vendor.vendor.id;
        let folder = disk.parent().unwrap_or(Path::new("."));
        folder_vendor.insert(folder.to_path_buf(), file.complete.then(|| id.value.clone()));
        if let Some((first, _)) = vendor_ids.get(&id.value) {
            out.report(
                Code::DuplicateVendor,
                path,
                Some(id.span.clone()),
                format!("vendor id `{}` is also used by {first}", id.value),
            )
            .add_help("each vendor needs its own id; it names the vendor in scores, reports and the ledger");
        } else {
            vendor_ids.insert(id.value.clone(), (path.clone(), id.span.clone()));
        }
        let in_vendors = folder.parent().is_some_and(|p| p.file_name().is_some_and(|n| n == "vendors"));
        let folder_name = folder.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        if in_vendors && folder_name != id.value && crate::model::is_slug(&id.value) {
            out.report(
                Code::IdMismatch,
                path,
                Some(id.span.clone()),
                format!("vendor id `{}` differs from its folder `{folder_name}`", id.value),
            )
            .add_help("name the folder after the id: vendors/<id>/vendor.toml");
        }
        let mut answers = BTreeMap::new();
        check_answers(&vendor.answers, rubric.as_ref(), folder, path, &context.workspace, &mut out, &mut answers);
    }
    // A contract or evaluation checked without its vendor.toml (a pre-commit
    // hook passing only the changed files): read the vendor's id from disk.
    for file in &mine {
        let (Some(Document::Contract(_) | Document::Evaluation(_)), Some(disk)) = (&file.document, &file.disk_path)
        else {
            continue;
        };
        let folder = disk.parent().unwrap_or(Path::new("."));
        let vendor_folder = match &file.document {
            Some(Document::Evaluation(_)) if folder.file_name().is_some_and(|n| n == "evaluations") => folder.parent(),
            Some(Document::Contract(_)) => Some(folder),
            _ => None,
        };
        if let Some(vendor_folder) = vendor_folder
            && !folder_vendor.contains_key(vendor_folder)
            && let Some(id) = vendor_id_on_disk(vendor_folder)
        {
            folder_vendor.insert(vendor_folder.to_path_buf(), id);
        }
    }
    for file in &mine {
        let (Some(document), Some(disk)) = (&file.document, &file.disk_path) else { continue };
        let path = &file.source.path;
        let folder = disk.parent().unwrap_or(Path::new("."));
        match document {
            Document::Evaluation(evaluation) => {
                let vendor_folder =
                    (folder.file_name().is_some_and(|n| n == "evaluations")).then(|| folder.parent()).flatten();
                match vendor_folder.and_then(|f| folder_vendor.get(f).map(|id| (f, id))) {
                    Some((_, id)) => {
                        if let (Some(named), Some(id)) = (&evaluation.evaluation.vendor, id)
                            && &named.value != id
                        {
                            out.report(
                                Code::IdMismatch,
                                path,
                                Some(named.span.clone()),
                                format!("evaluation names vendor `{}` but sits in the folder of `{id}`", named.value),
                            );
                        }
                    }
                    None => {
                        out.report(
                            Code::NotInVendorFolder,
                            path,
                            Some(evaluation.evaluation.evaluator.span.clone()),
                            "an evaluation belongs in vendors/<id>/evaluations/ next to the vendor's vendor.toml",
                        )
                        .add_help("move the file there, so that scoring finds it");
                    }
                }
                if let Some(rubric) = &rubric {
                    let evaluator = &evaluation.evaluation.evaluator.value;
                    check_scores(&evaluation.scores, rubric, evaluator, path, &mut out, &mut BTreeMap::new());
                    let vendor = vendor_folder.and_then(|f| folder_vendor.get(f)).cloned().flatten();
                    if let (true, Some(vendor)) = (rubric.require_declarations, vendor) {
                        let declaration =
                            declaration_path(&context.root, evaluator).and_then(|p| declaration_of(&p, files));
                        if let Some((_, code, message)) =
                            declaration_problem(declaration.as_ref(), &evaluation.evaluation, &vendor)
                        {
                            out.report(code, path, Some(evaluation.evaluation.evaluator.span.clone()), message)
                                .add_help("see docs/panels.md, \"Declarations of interest\"");
                        }
                    }
                }
            }
            Document::Contract(contract) => {
                if let Some(tickets) = settings.as_ref().and_then(|s| s.tickets.as_ref()) {
                    check_duration_clocks(contract, tickets, path, &mut out);
                }
                check_calendar_names(contract, context, files, path, &mut out);
                let named = &contract.contract.vendor;
                match folder_vendor.get(folder) {
                    Some(Some(id)) if id != &named.value => {
                        out.report(
                            Code::UnknownContractVendor,
                            path,
                            Some(named.span.clone()),
                            format!("contract names vendor `{}`, but vendor.toml beside it is `{id}`", named.value),
                        )
                        .add_help(format!("write vendor = \"{id}\""));
                    }
                    Some(_) => {}
                    None if vendor_ids.contains_key(&named.value) => {}
                    None => {
                        let known: Vec<&str> = vendor_ids.keys().map(String::as_str).collect();
                        let d = out.report(
                            Code::UnknownContractVendor,
                            path,
                            Some(named.span.clone()),
                            format!("contract names vendor `{}`, which this workspace does not have", named.value),
                        );
                        d.help = Some(match did_you_mean(&named.value, known.iter().copied()) {
                            Some(near) => format!("did you mean `{near}`?"),
                            None => "put the contract in vendors/<id>/ next to the vendor's vendor.toml".to_owned(),
                        });
                    }
                }
            }
            Document::Moderation(moderation) => {
                if let Some(rubric) = &rubric {
                    // The evaluators among the files checked (a lone moderation file: not checked).
                    let evaluators: Vec<String> = mine
                        .iter()
                        .filter(|f| f.disk_path.as_deref().and_then(Path::parent) == Some(&folder.join("evaluations")))
                        .filter_map(|f| match &f.document {
                            Some(Document::Evaluation(e)) => Some(e.evaluation.evaluator.value.clone()),
                            _ => None,
                        })
                        .collect();
                    let known = (!evaluators.is_empty()).then_some(evaluators.as_slice());
                    check_moderation(moderation, rubric, known, path, &mut out, &mut BTreeMap::new());
                }
            }
            _ => {}
        }
    }
    (out, extra_sources)
}

/// A workspace calendar, `calendars/<id>.toml`: from the files checked, else
/// read from disk. Its shown path and the span of its id in that file, when
/// it is among the files checked (so a diagnostic can point there too).
fn workspace_calendar(
    context: &Context,
    id: &str,
    files: &[CheckedFile],
) -> Option<(String, Option<std::ops::Range<usize>>)> {
    if !crate::model::is_slug(id) {
        return None;
    }
    let path = context.root.join(crate::workspace::CALENDARS_DIR).join(format!("{id}.toml"));
    let shown = context.workspace.display_path(&path);
    if let Some(file) = files.iter().find(|f| f.disk_path.as_deref() == Some(path.as_path())) {
        return match &file.document {
            Some(Document::Calendar(c)) if c.calendar.id.value == id => {
                Some((file.source.path.clone(), Some(c.calendar.id.span.clone())))
            }
            _ => None,
        };
    }
    let text = crate::regular_file::read_text(&path, super::MAX_TOML_BYTES).ok()?;
    match super::parse_document(
        &SourceFile::new("", text),
        crate::validate::Expect::ByLocation(FileKind::Calendar),
        &mut Diagnostics::default(),
    ) {
        Some((_, Document::Calendar(c))) if c.calendar.id.value == id => Some((shown, None)),
        _ => None,
    }
}

/// The calendars a contract's business clocks name exist, in the contract or
/// the workspace, and no id is defined in both (reported at both).
fn check_calendar_names(
    contract: &crate::model::ContractFile,
    context: &Context,
    files: &[CheckedFile],
    path: &str,
    out: &mut Diagnostics,
) {
    for calendar in &contract.calendar {
        let id = &calendar.id.value;
        let Some((shared, span)) = workspace_calendar(context, id, files) else { continue };
        out.report(
            Code::BadCalendar,
            path,
            Some(calendar.id.span.clone()),
            format!("calendar `{id}` is defined here and in {shared}"),
        )
        .add_help("rename one: a clause's calendar = \"id\" must name one calendar");
        if let Some(span) = span {
            out.report(
                Code::BadCalendar,
                &shared,
                Some(span),
                format!("calendar `{id}` is defined here and in {path}"),
            )
            .add_help("rename one: a clause's calendar = \"id\" must name one calendar");
        }
    }
    let unknown: Vec<_> =
        unknown_calendar_names(contract, |name| workspace_calendar(context, name, files).is_some()).collect();
    for name in unknown {
        out.push(unknown_calendar(contract, &context.root, name, path));
    }
}

/// The `calendar = "…"` names of the contract's business-clock clauses that
/// name neither a `[[calendar]]` of the contract nor a workspace calendar
/// (`in_workspace`). `validate` and the loader of a contract ask alike.
pub(crate) fn unknown_calendar_names<'a>(
    contract: &'a crate::model::ContractFile,
    in_workspace: impl Fn(&str) -> bool + 'a,
) -> impl Iterator<Item = &'a Spanned<String>> + 'a {
    contract
        .sla
        .iter()
        .filter(|clause| clause.clock.as_ref().is_some_and(|c| c.value == crate::model::ClockKind::Business))
        .filter_map(|clause| clause.calendar.as_ref())
        .filter(move |name| !contract.calendar.iter().any(|c| c.id.value == name.value) && !in_workspace(&name.value))
}

/// A clause's `calendar = "…"` that names no calendar of the contract
/// (`path`) nor of the workspace at `root`: located at the name, with the
/// calendars known. `validate` and the loader of a contract report it alike.
pub(crate) fn unknown_calendar(
    contract: &crate::model::ContractFile,
    root: &Path,
    name: &crate::model::Spanned<String>,
    path: &str,
) -> Diagnostic {
    let mut known: Vec<String> = contract.calendar.iter().map(|c| c.id.value.clone()).collect();
    if let Ok(entries) = std::fs::read_dir(root.join(crate::workspace::CALENDARS_DIR)) {
        known.extend(entries.filter_map(|e| {
            let name = e.ok()?.file_name().into_string().ok()?;
            name.strip_suffix(".toml").map(str::to_owned)
        }));
    }
    known.sort();
    known.dedup();
    let mut d = Diagnostic::new(
        Code::UnknownCalendar,
        path,
        Some(name.span.clone()),
        format!(
            "no calendar has id `{}`: neither a [[calendar]] of this contract nor calendars/{}.toml",
            name.value, name.value
        ),
    );
    d.help = Some(match did_you_mean(&name.value, known.iter().map(String::as_str)) {
        Some(near) => format!("did you mean `{near}`?"),
        None if known.is_empty() => {
            "define it in this contract ([[calendar]] id = …, timezone = …, hours = { … }) or in calendars/<id>.toml"
                .to_owned()
        }
        None => format!("calendars known here: {}", known.join(", ")),
    });
    d
}

/// A duration column counted on one clock, read by a clause on the other
/// (SPEC section 11): reported at the clause, naming the column. The rule
/// is the reader's ([`DurationSource::conflicts`](crate::sla::row::DurationSource::conflicts)),
/// on the durations the reader would use (the settings' laid over their preset).
fn check_duration_clocks(
    contract: &crate::model::ContractFile,
    tickets: &crate::model::TicketSettings,
    path: &str,
    out: &mut Diagnostics,
) {
    use crate::model::ClockKind;
    let options = crate::sla::ReadOptions::of_tickets(Some(tickets));
    for clause in &contract.sla {
        let clause_business = clause.clock.as_ref().is_some_and(|c| c.value == ClockKind::Business);
        let Some(duration) = options.durations.iter().find(|d| d.conflicts(clause.metric.value, clause_business))
        else {
            continue;
        };
        let clock = |business: bool| if business { "business hours" } else { "wall-clock time" };
        let span = clause.clock.as_ref().map_or(clause.metric.span.clone(), |c| c.span.clone());
        out.report(
            Code::DurationClock,
            path,
            Some(span),
            format!(
                "clause `{}` measures {} but the export's {} column `{}` ({}) is counted in {}",
                clause.id.value,
                clock(clause_business),
                duration.metric.as_str(),
                duration.column,
                duration.origin(&options),
                clock(duration.business),
            ),
        )
        .add_help(if duration.business {
            "give the clause clock = \"business\" and a calendar, or export the duration on a calendar clock"
        } else {
            "measure the clause on a calendar clock, or export the duration within business hours (clock = \"business\")"
        });
    }
}

/// The declaration at `path`: among the files checked, else read from disk.
fn declaration_of(path: &Path, files: &[CheckedFile]) -> Option<Declaration> {
    if let Some(file) = files.iter().find(|f| f.disk_path.as_deref() == Some(path)) {
        return match &file.document {
            Some(Document::Declaration(d)) => Some(d.declaration.clone()),
            _ => None,
        };
    }
    let text = crate::regular_file::read_text(path, super::MAX_TOML_BYTES).ok()?;
    match super::parse_document(
        &SourceFile::new("", text),
        crate::validate::Expect::ByLocation(FileKind::Declaration),
        &mut Diagnostics::default(),
    ) {
        Some((_, Document::Declaration(d))) => Some(d.declaration),
        _ => None,
    }
}

/// The id in `folder/vendor.toml` on disk: `None` when there is none,
/// `Some(None)` when it is there but too broken to tell.
fn vendor_id_on_disk(folder: &Path) -> Option<Option<String>> {
    let text = crate::regular_file::read_text(&folder.join("vendor.toml"), super::MAX_TOML_BYTES).ok()?;
    let parsed = super::parse_document(
        &SourceFile::new("", text),
        crate::validate::Expect::ByLocation(FileKind::Vendor),
        &mut Diagnostics::default(),
    );
    Some(match parsed {
        Some((_, Document::Vendor(vendor))) => Some(vendor.vendor.id.value.clone()),
        _ => None,
    })
}

fn settings_of(path: &Path, files: &[CheckedFile]) -> Option<WorkspaceFile> {
    if let Some(file) = files.iter().find(|f| f.disk_path.as_deref() == Some(path)) {
        return match &file.document {
            Some(Document::Workspace(w)) => Some(w.clone()),
            _ => None,
        };
    }
    let text = crate::regular_file::read_text(path, super::MAX_TOML_BYTES).ok()?;
    match super::parse_document(
        &SourceFile::new("", text),
        crate::validate::Expect::ByLocation(FileKind::Workspace),
        &mut Diagnostics::default(),
    ) {
        Some((_, Document::Workspace(w))) => Some(w),
        _ => None,
    }
}

fn check_settings(root: &Path, path: &str, settings: &WorkspaceFile, out: &mut Diagnostics) {
    let ws = Workspace { root: root.to_path_buf() };
    let references = settings
        .workspace
        .rubric
        .iter()
        .map(|r| (r, "rubrics"))
        .chain(settings.workspace.policies.iter().flatten().map(|p| (p, "policies")));
    for (reference, dir) in references {
        match ws.resolve(reference) {
            Reference::Builtin(file) if !file.path.starts_with(dir) => {
                out.report(
                    Code::MissingReference,
                    path,
                    Some(reference.span.clone()),
                    format!(
                        "`{}` is not a built-in {}",
                        reference.value,
                        if dir == "rubrics" { "rubric" } else { "policy" }
                    ),
                );
            }
            Reference::Builtin(_) => {}
            Reference::Outside(_) => {
                let what = if dir == "rubrics" { "rubric" } else { "policy" };
                out.report(
                    Code::OutsideWorkspace,
                    path,
                    Some(reference.span.clone()),
                    format!("the {what} `{}` is outside the workspace; it is not read", reference.value),
                )
                .add_help("give a path inside the folder holding vendorscore.toml (no absolute path, no `..` above it, no linked folder), or builtin:ID");
            }
            Reference::UnknownBuiltin(name) => {
                let names: Vec<String> = builtin::under(dir).map(|f| f.name()).collect();
                let d = out.report(
                    Code::MissingReference,
                    path,
                    Some(reference.span.clone()),
                    format!("there is no built-in `{name}`"),
                );
                d.help = Some(match did_you_mean(&name, names.iter().map(String::as_str)) {
                    Some(near) => format!("did you mean `{near}`?"),
                    None => format!("built-in: {}", names.join(", ")),
                });
            }
            Reference::Path(file) if !file.is_file() => {
                out.report(
                    Code::MissingReference,
                    path,
                    Some(reference.span.clone()),
                    format!("`{}` does not exist", reference.value),
                )
                .add_help(
                    "paths are relative to the folder holding vendorscore.toml; built-in files are named builtin:ID",
                );
            }
            Reference::Path(file) => {
                let want = if dir == "rubrics" { FileKind::Rubric } else { FileKind::Policy };
                let found = crate::regular_file::read_text(&file, super::MAX_TOML_BYTES)
                    .ok()
                    .and_then(|text| first_table_kind(&text));
                if let Some(found) = found.filter(|k| *k != want) {
                    out.report(
                        Code::MissingReference,
                        path,
                        Some(reference.span.clone()),
                        format!("`{}` is a {} file, not a {}", reference.value, found.as_str(), want.as_str()),
                    );
                }
            }
        }
    }
    let font = settings.report.as_ref().and_then(|r| r.font.as_ref());
    if let Some(font) = font
        && ws.inside(Path::new(&font.value)).is_none()
    {
        out.report(
            Code::OutsideWorkspace,
            path,
            Some(font.span.clone()),
            format!("font `{}` is outside the workspace; it is not read", font.value),
        )
        .add_help("copy the font into the workspace and give its path relative to the folder holding vendorscore.toml");
    } else if let Some(font) = font
        && !root.join(&font.value).is_file()
    {
        out.report(
            Code::MissingReference,
            path,
            Some(font.span.clone()),
            format!("font `{}` does not exist", font.value),
        )
        .add_help("give a TrueType or OpenType file, relative to the folder holding vendorscore.toml");
    }
}

/// The kind a TOML text's first table names, if it parses.
fn first_table_kind(text: &str) -> Option<FileKind> {
    let table = toml::de::DeTable::parse(text).ok()?;
    table.get_ref().iter().find_map(|(key, _)| FileKind::from_table(key.get_ref()))
}

/// The rubric answers are checked against: the settings' rubric, else the built-in default.
fn workspace_rubric(
    context: &Context,
    settings: Option<&WorkspaceFile>,
    files: &[CheckedFile],
    out: &mut Diagnostics,
    extra_sources: &mut Vec<SourceFile>,
) -> Option<Rubric> {
    let ws = Workspace { root: context.root.clone() };
    let reference = settings
        .and_then(|s| s.workspace.rubric.as_ref())
        .map_or_else(|| format!("{}{}", builtin::PREFIX, builtin::DEFAULT_RUBRIC), |r| r.value.clone());
    let (source, disk) = match ws.resolve(&reference) {
        Reference::Builtin(file) => (SourceFile::new(file.name(), file.text()), None),
        Reference::UnknownBuiltin(_) | Reference::Outside(_) => return None,
        Reference::Path(path) => {
            let path = normalize(&path);
            if let Some(file) = files.iter().find(|f| f.disk_path.as_deref().map(normalize).as_deref() == Some(&path)) {
                return file.rubric.clone();
            }
            let text = crate::regular_file::read_text(&path, super::MAX_TOML_BYTES).ok()?;
            (SourceFile::new(context.workspace.display_path(&path), text), Some(path))
        }
    };
    let mut file = CheckedFile::new(source, disk.clone());
    let mut diagnostics = Diagnostics::default();
    super::check_source(&mut file, crate::validate::Expect::Exactly(FileKind::Rubric), &mut diagnostics);
    if disk.is_some() {
        out.extend(diagnostics);
        extra_sources.push(file.source);
    }
    file.rubric
}

/// Check a vendor's answers against the rubric and resolve them; cited
/// evidence is checked even without a rubric.
pub fn check_answers(
    answers: &crate::model::SpannedMap<crate::model::SpannedMap<Spanned<Answer>>>,
    rubric: Option<&Rubric>,
    folder: &Path,
    path: &str,
    workspace: &Workspace,
    out: &mut Diagnostics,
    resolved: &mut BTreeMap<String, GivenAnswer>,
) {
    for (category_key, table) in answers.iter() {
        let category = rubric.map(|r| r.categories.iter().find(|c| c.id == category_key.value));
        if let Some(None) = category {
            let ids = rubric.into_iter().flat_map(|r| r.categories.iter().map(|c| c.id.as_str()));
            unknown(out, Code::UnknownCategory, path, category_key, "category", ids);
        }
        for (criterion_key, answer) in table.iter() {
            let answer = answer.clone().with_value_span();
            let evidence = check_evidence(&answer.value.evidence, folder, path, workspace, out);
            let Some(Some(category)) = category else { continue };
            let Some(criterion) = criterion_of(category, criterion_key, |_| true, path, out) else { continue };
            if criterion.source != AnswerSource::Vendor {
                out.report(
                    Code::NotVendorAnswerable,
                    path,
                    Some(criterion_key.span.clone()),
                    format!(
                        "`{}` is a {} criterion; the vendor must not answer it",
                        criterion.full_id,
                        criterion.source.as_str()
                    ),
                )
                .add_help(if criterion.source == AnswerSource::Panel {
                    "panel evaluators score it in vendors/<id>/evaluations/*.toml"
                } else {
                    "it is measured from the vendor's tickets.csv"
                });
                continue;
            }
            if criterion.evidence == EvidenceRule::Required && answer.value.evidence.is_empty() {
                out.report(
                    Code::EvidenceNotCited,
                    path,
                    Some(answer.span.clone()),
                    format!("`{}` requires evidence; without it the answer scores 0", criterion.full_id),
                )
                .add_help("write { value = ..., evidence = [\"evidence/<file>\"] }");
            }
            if let Some(value) = resolve_value(criterion, &answer.value.value, path, out) {
                resolved.insert(
                    criterion.full_id.clone(),
                    GivenAnswer {
                        value,
                        given: answer.value.value.value.clone(),
                        evidence: evidence.clone(),
                        note: answer.value.note.clone(),
                    },
                );
            }
        }
    }
}

/// The criterion `key` names in `category`, or a diagnostic suggesting one
/// of those `suggest` accepts.
fn criterion_of<'r>(
    category: &'r crate::model::Category,
    key: &Spanned<String>,
    suggest: impl Fn(&Criterion) -> bool,
    path: &str,
    out: &mut Diagnostics,
) -> Option<&'r Criterion> {
    let found = category.criteria.iter().find(|k| k.id == key.value);
    if found.is_none() {
        let ids = category.criteria.iter().filter(|k| suggest(k)).map(|k| k.id.as_str());
        unknown(out, Code::UnknownCriterion, path, key, &format!("criterion in `{}`", category.id), ids);
    }
    found
}

fn unknown<'a>(
    out: &mut Diagnostics,
    code: Code,
    path: &str,
    key: &Spanned<String>,
    what: &str,
    known: impl Iterator<Item = &'a str>,
) {
    let known: Vec<&str> = known.collect();
    let (what, scope) = what.split_once(' ').unwrap_or((what, ""));
    let scope = if scope.is_empty() { String::new() } else { format!(" {scope}") };
    let d = out.report(code, path, Some(key.span.clone()), format!("the rubric has no {what} `{}`{scope}", key.value));
    d.help = Some(match did_you_mean(&key.value, known.iter().copied()) {
        Some(near) => format!("did you mean `{near}`?"),
        None => format!("known: {}", known.join(", ")),
    });
}

/// Turn an answer into the criterion's terms, reporting what does not fit.
pub(crate) fn resolve_value(
    criterion: &Criterion,
    value: &Spanned<AnswerValue>,
    path: &str,
    out: &mut Diagnostics,
) -> Option<GivenValue> {
    let span = Some(value.span.clone());
    let wrong = |out: &mut Diagnostics, expected: &str| {
        out.report(
            Code::AnswerType,
            path,
            span.clone(),
            format!(
                "`{}` is a {} criterion and takes {expected}, not {}",
                criterion.full_id,
                criterion.scoring.kind().as_str(),
                value.type_name()
            ),
        );
        None
    };
    match (&criterion.scoring, &value.value) {
        (Scoring::Scale { levels }, AnswerValue::Integer(score)) => {
            if levels.iter().any(|l| l.score == *score) {
                return Some(GivenValue::Level(*score));
            }
            let scores = levels.iter().map(|l| format!("{} ({})", l.score, l.label)).collect::<Vec<_>>().join(", ");
            out.report(Code::UnknownLevel, path, span, format!("{score} is not a level of `{}`", criterion.full_id))
                .add_help(format!("levels: {scores}"));
            None
        }
        (Scoring::Scale { levels }, AnswerValue::Text(label)) => {
            if let Some(level) = levels.iter().find(|l| l.label == *label) {
                return Some(GivenValue::Level(level.score));
            }
            let d = out.report(
                Code::UnknownLevel,
                path,
                span,
                format!("`{label}` is not a level label of `{}`", criterion.full_id),
            );
            let labels = levels.iter().map(|l| l.label.as_str());
            d.help = Some(match did_you_mean(label, labels.clone()) {
                Some(near) => format!("did you mean `{near}`?"),
                None => format!("labels: {}", labels.collect::<Vec<_>>().join(", ")),
            });
            None
        }
        (Scoring::Scale { .. }, _) => wrong(out, "a level score or label"),
        (Scoring::Boolean, AnswerValue::Bool(b)) => Some(GivenValue::Bool(*b)),
        (Scoring::Boolean, _) => wrong(out, "true or false"),
        (Scoring::Number(_), AnswerValue::Integer(_) | AnswerValue::Float(_)) => {
            value.as_number().map(GivenValue::Number)
        }
        (Scoring::Number(_), _) => wrong(out, "a number"),
        (Scoring::Price { .. }, AnswerValue::Integer(_) | AnswerValue::Float(_)) => {
            let price = value.as_number()?;
            if price > 0.0 && price.is_finite() {
                return Some(GivenValue::Number(price));
            }
            out.report(Code::OutOfRange, path, span, format!("a price must be greater than 0, not {price}"));
            None
        }
        (Scoring::Price { .. }, _) => wrong(out, "a price greater than 0"),
        (Scoring::Set { options, .. }, AnswerValue::List(items)) => {
            let mut ok = true;
            for item in items {
                if !options.iter().any(|o| o.value == item.value) {
                    ok = false;
                    let values = options.iter().map(|o| o.value.as_str());
                    let d = out.report(
                        Code::UnknownOption,
                        path,
                        Some(item.span.clone()),
                        format!("`{}` is not an option of `{}`", item.value, criterion.full_id),
                    );
                    d.help = Some(match did_you_mean(&item.value, values.clone()) {
                        Some(near) => format!("did you mean `{near}`?"),
                        None => format!("options: {}", values.collect::<Vec<_>>().join(", ")),
                    });
                }
            }
            let mut chosen: Vec<String> = items.iter().map(|i| i.value.clone()).collect();
            chosen.sort();
            chosen.dedup();
            ok.then_some(GivenValue::Options(chosen))
        }
        (Scoring::Set { .. }, AnswerValue::Text(one)) => {
            out.report(
                Code::AnswerType,
                path,
                span,
                format!("`{}` is a set criterion and takes a list of options", criterion.full_id),
            )
            .add_help(format!("write [\"{one}\"]"));
            None
        }
        (Scoring::Set { .. }, _) => wrong(out, "a list of options"),
    }
}

/// Check cited evidence paths: inside the vendor's folder, and present.
pub(crate) fn check_evidence(
    cited: &[Spanned<String>],
    folder: &Path,
    path: &str,
    workspace: &Workspace,
    out: &mut Diagnostics,
) -> Vec<Evidence> {
    let mut evidence = Vec::new();
    for item in cited {
        let relative = Path::new(&item.value);
        let joined = normalize(&folder.join(relative));
        let shown = workspace.display_path(&joined);
        let escapes = relative.is_absolute()
            || item.value.starts_with('/')
            || item.value.starts_with('\\')
            || !joined.starts_with(normalize(folder));
        if escapes {
            out.report(
                Code::EvidenceEscapes,
                path,
                Some(item.span.clone()),
                format!("evidence `{}` leaves the vendor's folder", item.value),
            )
            .add_help("cite files inside the vendor's folder, e.g. evidence/certificate.pdf");
            evidence.push(Evidence { path: item.value.clone(), file: None, digest: None });
            continue;
        }
        if !joined.is_file() {
            let problem = match std::fs::metadata(&joined) {
                Ok(meta) if meta.is_dir() => "is a folder, not a file",
                Ok(_) => "is not a regular file (a FIFO, socket or device)",
                Err(_) => "does not exist",
            };
            let d = out.report(
                Code::EvidenceNotFound,
                path,
                Some(item.span.clone()),
                format!("evidence `{}` {problem}", item.value),
            );
            d.help = Some(format!("looked for {shown}"));
            evidence.push(Evidence { path: shown, file: None, digest: None });
            continue;
        }
        let inside = match (joined.canonicalize(), folder.canonicalize()) {
            (Ok(real), Ok(base)) => real.starts_with(base),
            _ => false,
        };
        if !inside {
            out.report(
                Code::EvidenceEscapes,
                path,
                Some(item.span.clone()),
                format!("evidence `{}` is a link to a file outside the vendor's folder", item.value),
            )
            .add_help("copy the document into the vendor's folder instead of linking to it");
            evidence.push(Evidence { path: shown, file: None, digest: None });
            continue;
        }
        // Inside, but a link: hashing opens regular files only (no link is followed).
        if std::fs::symlink_metadata(&joined).is_ok_and(|m| m.file_type().is_symlink()) {
            out.report(
                Code::EvidenceNotFound,
                path,
                Some(item.span.clone()),
                format!("evidence `{}` is a symbolic link; evidence is hashed only as a regular file", item.value),
            )
            .add_help("cite the file the link points to, or copy it here");
            evidence.push(Evidence { path: shown, file: None, digest: None });
            continue;
        }
        evidence.push(Evidence { path: shown, file: Some(joined), digest: None });
    }
    evidence
}

/// Where an evaluator's declaration of interests lives; `None` for a name
/// that cannot be a file name there (a path separator, a leading dot).
pub fn declaration_path(root: &Path, evaluator: &str) -> Option<PathBuf> {
    let plain = !evaluator.is_empty()
        && !evaluator.starts_with('.')
        && !evaluator.contains(['/', '\\', '\0', ':'])
        && !evaluator.chars().any(char::is_control);
    plain.then(|| root.join("evaluators").join(format!("{evaluator}.toml")))
}

/// Why an evaluation of `vendor` does not count under `require_declarations`
/// (`None`: it counts): a declared interest in the vendor, a declaration
/// dated after the evaluation (or an undated evaluation), or none at all.
pub fn declaration_problem(
    declaration: Option<&Declaration>,
    evaluation: &EvaluationHeader,
    vendor: &str,
) -> Option<(LeftOut, Code, String)> {
    let evaluator = &evaluation.evaluator.value;
    let Some(declaration) = declaration else {
        return Some((
            LeftOut::Undeclared,
            Code::UndeclaredEvaluator,
            format!("`{evaluator}` has no declaration of interests (evaluators/{evaluator}.toml)"),
        ));
    };
    if declaration.interests.iter().any(|i| i.value == vendor) {
        return Some((
            LeftOut::Conflict,
            Code::ConflictOfInterest,
            format!("`{evaluator}` declared an interest in `{vendor}`: this evaluation does not count"),
        ));
    }
    let declared = declaration.date.value;
    match evaluation.date {
        None => Some((
            LeftOut::Undeclared,
            Code::LateDeclaration,
            format!(
                "the evaluation has no date, so it cannot be shown to follow `{evaluator}`'s declaration of {declared}"
            ),
        )),
        Some(date) if declared > date => Some((
            LeftOut::Undeclared,
            Code::LateDeclaration,
            format!("`{evaluator}` declared on {declared}, after this evaluation of {date}"),
        )),
        Some(_) => None,
    }
}

/// Check a vendor's `moderation.toml` against the rubric's panel criteria
/// and, when known, the evaluators who scored the vendor; collect the agreed values.
pub fn check_moderation(
    file: &ModerationFile,
    rubric: &Rubric,
    evaluators: Option<&[String]>,
    path: &str,
    out: &mut Diagnostics,
    moderated: &mut BTreeMap<String, Moderated>,
) {
    let mut seen = std::collections::BTreeSet::new();
    for entry in &file.moderated {
        let id = entry.criterion.value.as_str();
        let span = Some(entry.criterion.span.clone());
        let Some(criterion) = rubric.criterion(id).filter(|c| c.source == AnswerSource::Panel) else {
            let panel: Vec<&str> = rubric
                .criteria()
                .filter(|(_, k)| k.source == AnswerSource::Panel)
                .map(|(_, k)| k.full_id.as_str())
                .collect();
            let what = if rubric.criterion(id).is_some() { "is not a panel criterion" } else { "is not a criterion" };
            let diagnostic =
                out.report(Code::ModerationCriterion, path, span, format!("`{id}` {what} of rubric `{}`", rubric.id));
            match did_you_mean(id, panel.iter().copied()) {
                Some(near) => diagnostic.add_help(format!("did you mean `{near}`?")),
                None => diagnostic.add_help(format!("the panel criteria: {}", panel.join(", "))),
            };
            continue;
        };
        if !seen.insert(id) {
            out.report(Code::ModeratedTwice, path, span, format!("`{id}` is moderated more than once"))
                .add_help("keep the one agreed value; the panel's minutes can record how it was reached");
            continue;
        }
        if let Scoring::Scale { levels } = &criterion.scoring {
            let (min, max) = (levels[0].score as f64, levels[levels.len() - 1].score as f64);
            let value = entry.value.value;
            if !(min..=max).contains(&value) {
                out.report(
                    Code::ModeratedOutOfScale,
                    path,
                    Some(entry.value.span.clone()),
                    format!("{value} is outside the scale of `{id}` ({min} to {max})"),
                );
                continue;
            }
        }
        let mut panel_ok = true;
        if let Some(evaluators) = evaluators {
            for member in &entry.panel {
                if !evaluators.contains(&member.value) {
                    panel_ok = false;
                    let diagnostic = out.report(
                        Code::ModerationPanel,
                        path,
                        Some(member.span.clone()),
                        format!("`{}` has no evaluation of this vendor", member.value),
                    );
                    match did_you_mean(&member.value, evaluators.iter().map(String::as_str)) {
                        Some(near) => diagnostic.add_help(format!("did you mean `{near}`?")),
                        None => diagnostic.add_help(format!("the evaluators: {}", evaluators.join(", "))),
                    };
                }
            }
        }
        if panel_ok {
            moderated.insert(
                id.to_owned(),
                Moderated {
                    value: entry.value.value,
                    rationale: entry.rationale.clone(),
                    date: entry.date,
                    panel: entry.panel.iter().map(|m| m.value.clone()).collect(),
                },
            );
        }
    }
}

/// Check an evaluator's scores against the rubric's panel criteria and
/// collect the valid ones as panel values.
pub fn check_scores(
    scores: &crate::model::SpannedMap<crate::model::SpannedMap<Spanned<Answer>>>,
    rubric: &Rubric,
    evaluator: &str,
    path: &str,
    out: &mut Diagnostics,
    panel: &mut BTreeMap<String, Vec<PanelValue>>,
) {
    for (category_key, table) in scores.iter() {
        let Some(category) = rubric.categories.iter().find(|c| c.id == category_key.value) else {
            unknown(
                out,
                Code::UnknownCategory,
                path,
                category_key,
                "category",
                rubric.categories.iter().map(|c| c.id.as_str()),
            );
            continue;
        };
        for (criterion_key, answer) in table.iter() {
            let answer = answer.clone().with_value_span();
            let is_panel = |k: &Criterion| k.source == AnswerSource::Panel;
            let Some(criterion) = criterion_of(category, criterion_key, is_panel, path, out) else { continue };
            if criterion.source != AnswerSource::Panel {
                out.report(
                    Code::NotPanelCriterion,
                    path,
                    Some(criterion_key.span.clone()),
                    format!("`{}` is not a panel criterion", criterion.full_id),
                )
                .add_help("evaluators score only criteria with source = \"panel\"; the vendor answers the rest");
                continue;
            }
            if !answer.value.evidence.is_empty() {
                out.report(
                    Code::AnswerType,
                    path,
                    Some(answer.value.evidence[0].span.clone()),
                    "evaluations do not cite evidence".to_owned(),
                )
                .add_help("put the reasoning in `note`");
            }
            let value = match resolve_value(criterion, &answer.value.value, path, out) {
                Some(GivenValue::Level(score)) => score as f64,
                Some(GivenValue::Number(number)) => number,
                _ => continue,
            };
            let note = answer.value.note.clone();
            panel.entry(criterion.full_id.clone()).or_default().push(PanelValue {
                evaluator: evaluator.to_owned(),
                value,
                note,
            });
        }
    }
}
