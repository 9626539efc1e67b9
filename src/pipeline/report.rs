//! Reports: score the cohort (reading each shown vendor's tickets once for
//! both its measured criteria and its contract's SLA clauses), check the
//! shown vendors' contracts, then render scorecards and the comparison.
//!
//! Two steps, because the documents print the number of the ledger entry
//! that records them: [`prepare`] loads and decides; the caller locks the
//! ledger and passes the entry's number to [`Prepared::render`].

use std::collections::BTreeMap;

use serde_json::json;

use super::check::evaluate;
use super::score::{ScoreRequest, Scored, score_in};
use super::{Clock, Decided, PipelineError, Run, TOOL};
use crate::audit::ledger::FileRecord;
use crate::compliance::{Subject, VendorFindings};
use crate::diag::{Code, Diagnostic};
use crate::load::Loader;
use crate::model::WorkspaceFile;
use crate::report::pdf::fonts::{self, FontSet};
use crate::report::templates::{TemplateError, Templates};
use crate::report::view::{self, FindingsView, Provenance, RubricRef, SlaView};
use crate::report::{Format, Rendered, Renderer};
use crate::sla::{Report, Terms};
use crate::workspace::Workspace;

/// What to report on.
#[derive(Debug, Clone, Default)]
pub struct ReportRequest {
    pub score: ScoreRequest,
    /// `--policy` (repeatable); default: the workspace's, else every built-in policy.
    pub policies: Vec<String>,
    pub formats: Vec<Format>,
    /// Finds installed fonts for characters no configured font has (the CLI
    /// asks fontconfig); `None`: only DejaVu and `[report] font` are used.
    pub font_lookup: Option<FontLookup>,
}

/// Installed fonts that may have all or some of `chars`, best first: (file,
/// face index in it). Each is parsed and checked before it is used.
pub type FontLookup = fn(&[char]) -> Vec<(std::path::PathBuf, usize)>;

/// Per vendor id: earlier `score` runs as (ledger seq, date, score), oldest first.
pub type EarlierRuns = BTreeMap<String, Vec<(u64, String, f64)>>;

/// Decided and ready to render.
pub struct Prepared {
    pub scored: Scored,
    /// Per shown vendor id: compliance findings (vendors with a contract).
    pub findings: BTreeMap<String, VendorFindings>,
    /// Per shown vendor id: SLA results (vendors with a contract and tickets).
    pub sla: BTreeMap<String, (Report, Terms, String, String)>,
    pub formats: Vec<Format>,
    /// Per shown vendor id: its earlier `score` runs, oldest first.
    pub history: EarlierRuns,
    /// Filed reports this run writes over (with `--force`), for the ledger.
    pub replaced: Vec<Filed>,
    /// Installed fonts the PDFs fall back to: (file name#face, sha256).
    pub system_fonts: Vec<(String, String)>,
    /// The robustness sentence and charts (10,000 weightings), computed once.
    robustness: Option<view::RobustnessView>,
    fonts: FontSet,
    /// `[report] language`, default `en`.
    language: String,
    templates: Templates,
    workspace: Workspace,
}

/// A file about to be written over that an earlier ledger entry recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filed {
    /// Workspace-relative path.
    pub path: String,
    /// The latest entry that recorded it.
    pub seq: u64,
    pub action: String,
}

/// The documents about to be written into `out` whose file exists and was
/// recorded as an output by a ledger entry (the latest such entry each),
/// unless the file already holds the very bytes about to be written.
/// `report` refuses to replace these without `--force` (docs/reports.md).
pub fn filed_reports(
    workspace: &Workspace,
    out: &std::path::Path,
    documents: &[Rendered],
) -> Result<Vec<Filed>, PipelineError> {
    let mut wanted: BTreeMap<String, &Rendered> = BTreeMap::new();
    for document in documents {
        let path = out.join(&document.name);
        if path.is_file() {
            wanted.insert(workspace.display_path(&path), document);
        }
    }
    if wanted.is_empty() {
        return Ok(Vec::new());
    }
    let mut filed: BTreeMap<String, Filed> = BTreeMap::new();
    let folder = workspace.display_path(out);
    let mentions_folder = memchr::memmem::Finder::new(folder.as_bytes());
    super::history::each_line(&workspace.root.join(crate::audit::ledger::LEDGER_PATH), |line| {
        if mentions_folder.find(line).is_none() {
            return;
        }
        let Ok(entry) = serde_json::from_slice::<serde_json::Value>(line) else { return };
        let (Some(seq), Some(outputs)) = (entry["seq"].as_u64(), entry["outputs"].as_array()) else { return };
        for output in outputs {
            let Some(path) = output["path"].as_str() else { continue };
            if wanted.contains_key(path) {
                let action = entry["action"].as_str().unwrap_or_default().to_owned();
                filed.insert(path.to_owned(), Filed { path: path.to_owned(), seq, action });
            }
        }
    })?;
    // Writing the same bytes again replaces nothing.
    filed.retain(|path, _| {
        std::fs::read(workspace.root.join(path)).map_or(true, |bytes| bytes != wanted[path.as_str()].bytes)
    });
    Ok(filed.into_values().collect())
}

/// Load, score, check and measure what the reports show.
pub fn prepare(
    workspace: &Workspace,
    clock: &Clock,
    request: &ReportRequest,
) -> Result<Decided<Prepared>, PipelineError> {
    if request.formats.contains(&Format::Pdf) {
        super::prepare_in_background();
    }
    let mut loader = request.score.loader(workspace);
    let mut notes = Vec::new();
    let mut contract_notes = Vec::new();
    let mut contracts = BTreeMap::new();
    let mut contract_failed = false;
    let (scored, sla_results) = score_in(&mut loader, clock, &request.score, &mut notes, |loader, vendor| {
        let contract = match loader.contract_of(vendor) {
            Ok(Some(contract)) => contract,
            Ok(None) => return None,
            Err(_) => {
                contract_failed = true;
                return None;
            }
        };
        let terms = match contract.terms() {
            Ok(terms) => Some(terms),
            Err(e) => {
                contract_notes.push(format!("{}: {e}; the report leaves SLA attainment out", contract.path));
                None
            }
        };
        contracts.insert(vendor.id().to_owned(), contract);
        terms
    })?;
    notes.extend(contract_notes);
    if contract_failed || loader.has_errors() {
        return Err(PipelineError::Invalid { findings: loader.findings(), doing: "reporting" });
    }
    // Vendors shown with a contract but no tickets: their contract is still checked.
    for card in scored.shown() {
        if contracts.contains_key(&card.vendor) {
            continue;
        }
        let Some(vendor) = scored.folder_of(card).cloned() else { continue };
        match loader.contract_of(&vendor) {
            Ok(Some(contract)) => {
                contracts.insert(vendor.id().to_owned(), contract);
            }
            Ok(None) => {}
            Err(_) => return Err(PipelineError::Invalid { findings: loader.findings(), doing: "reporting" }),
        }
    }

    let mut sla = BTreeMap::new();
    for (id, result) in sla_results {
        let Some(contract) = contracts.get(&id) else { continue };
        let Ok(terms) = contract.terms() else { continue };
        let tickets = format!("{}/tickets.csv", scored.vendors.iter().find(|v| v.id() == id).map_or("", |v| &v.folder));
        match result {
            Ok(report) => {
                sla.insert(id, (report, terms, contract.path.clone(), tickets));
            }
            Err(e) => notes.push(format!("{tickets}: {e}; the report leaves SLA attainment out")),
        }
    }

    let mut findings = BTreeMap::new();
    if !contracts.is_empty() {
        let Ok(policies) = loader.policies(&request.policies) else {
            return Err(PipelineError::Invalid { findings: loader.findings(), doing: "reporting" });
        };
        let subjects: Vec<Subject> = scored
            .vendors
            .iter()
            .filter_map(|vendor| {
                let contract = contracts.get(vendor.id())?;
                Some(Subject::new(
                    vendor.id(),
                    vendor.file.vendor.name.value.clone(),
                    vendor.folder.clone(),
                    vendor.table.clone(),
                    Some((contract.path.clone(), contract.table.clone())),
                ))
            })
            .collect();
        for checked in evaluate(&policies, &subjects, clock)? {
            findings.insert(checked.vendor.clone(), checked);
        }
    }

    let fonts = configured_fonts(workspace, &scored.settings, &mut loader)?;
    let templates = Templates::new(Some(&workspace.root.join("templates")));
    let history = earlier_runs(workspace, &scored)?;
    let language = scored.settings.report_language();
    let robustness = super::sensitivity::robustness_view(&scored);
    let mut prepared = Prepared {
        robustness,
        scored,
        findings,
        sla,
        formats: request.formats.clone(),
        history,
        replaced: Vec::new(),
        system_fonts: Vec::new(),
        fonts,
        language,
        templates,
        workspace: workspace.clone(),
    };
    if prepared.formats.contains(&Format::Pdf) {
        let (cards, comparison) = prepared.views(&prepared.provenance(clock, None));
        let mut text = String::new();
        for card in &cards {
            text.push_str(&serde_json::to_string(card).unwrap_or_default());
        }
        if let Some(comparison) = &comparison {
            text.push_str(&serde_json::to_string(comparison).unwrap_or_default());
        }
        prepared.system_fonts = cover_glyphs(&mut prepared.fonts, &text, &mut loader, request.font_lookup)?;
    }
    Ok(Decided { value: prepared, inputs: loader.inputs(), findings: loader.findings(), notes })
}

/// Where a run's reports and letters come from, as they print it.
pub(super) fn provenance(scored: &Scored, clock: &Clock, ledger_seq: Option<u64>) -> Provenance {
    let settings = &scored.settings;
    Provenance {
        tool: TOOL.to_owned(),
        organisation: settings.workspace.organisation.clone(),
        workspace: settings.workspace.name.clone(),
        as_of: clock.as_of.to_string(),
        rubric: RubricRef::of(&scored.rubric),
        ledger_seq,
    }
}

/// DejaVu, with `[report] font` (read, and recorded as an input) as the
/// first fallback: the fonts every PDF of a run may use.
pub(super) fn configured_fonts(
    workspace: &Workspace,
    settings: &WorkspaceFile,
    loader: &mut Loader,
) -> Result<FontSet, PipelineError> {
    let Some(font) = settings.report.as_ref().and_then(|r| r.font.as_ref()) else {
        return Ok(FontSet::default());
    };
    let unusable = |why: String| PipelineError::unusable(format!("[report] font {}: {why}", font.value));
    let path = workspace
        .inside(std::path::Path::new(&font.value))
        .ok_or_else(|| unusable("outside the workspace; it is not read".to_owned()))?;
    let bytes = read_font(&path).map_err(|e| unusable(e.to_string()))?;
    let metrics =
        fonts::fallback(&bytes, 0, "VSFALL").ok_or_else(|| unusable("not a TrueType or OpenType font".to_owned()))?;
    loader.record_bytes(&workspace.display_path(&path), &bytes);
    Ok(FontSet { fallbacks: vec![metrics] })
}

/// Make sure every character of `text` (what the PDFs print) has a glyph
/// in `fonts`: add installed fonts for what DejaVu and `[report] font`
/// lack; refuse (VS1101, at the first file that holds the character) what
/// no font has, and right-to-left text (VS1102), which the layout cannot
/// set. Returns the installed fonts added: (file name#face, sha256).
/// Reports and notices both come here, so they set the same text alike.
pub(super) fn cover_glyphs(
    fonts: &mut FontSet,
    text: &str,
    loader: &mut Loader,
    lookup: Option<FontLookup>,
) -> Result<Vec<(String, String)>, PipelineError> {
    // Each character beyond ASCII once, in order of code point.
    let text: String =
        text.chars().filter(|c| !c.is_ascii()).collect::<std::collections::BTreeSet<char>>().into_iter().collect();
    let rtl: Vec<char> = text.chars().filter(|&c| fonts::right_to_left(c)).collect();
    if !rtl.is_empty() {
        return Err(glyph_error(
            loader,
            Code::RightToLeft,
            &rtl,
            "right-to-left script, which the PDF layout (left to right, without reordering or shaping) cannot set",
            "write the name in a left-to-right script for the PDF, or use --format html or md, which browsers lay out",
        ));
    }
    let mut system_fonts = Vec::new();
    let mut missing = fonts.missing(&text);
    let mut tried = std::collections::BTreeSet::new();
    while let (false, Some(lookup)) = (missing.is_empty(), lookup) {
        let found = lookup(&missing).into_iter().filter(|c| tried.insert(c.clone())).find_map(|(path, index)| {
            let bytes = read_font(&path).ok()?;
            let id = format!("VSSYS{}", char::from(b'A' + (fonts.fallbacks.len() % 26) as u8));
            let metrics = fonts::fallback(&bytes, index, &id)?;
            missing.iter().any(|&c| metrics.has(c)).then_some((path, index, bytes, metrics))
        });
        let Some((path, index, bytes, metrics)) = found else { break };
        let name = path.file_name().map_or(String::new(), |n| n.to_string_lossy().into_owned());
        system_fonts.push((format!("{name}#{index}"), crate::audit::hash::sha256_hex(&bytes)));
        fonts.fallbacks.push(metrics);
        missing = fonts.missing(&text);
    }
    if missing.is_empty() {
        return Ok(system_fonts);
    }
    Err(glyph_error(
        loader,
        Code::NoGlyph,
        &missing,
        "no font has a glyph for these characters",
        "name a font that has them with `[report] font` in vendorscore.toml, or install one fontconfig \
         finds (e.g. apt-get install fonts-noto-cjk); a PDF never shows a character as an empty box",
    ))
}

/// A VS1101/VS1102 error per file that holds one of `chars` (at its first
/// occurrence), or a plain error when they come from no file read.
fn glyph_error(loader: &mut Loader, code: Code, chars: &[char], what: &str, help: &str) -> PipelineError {
    let named = |chars: &[char]| {
        let mut names: Vec<String> = chars.iter().take(8).map(|c| format!("\"{c}\" (U+{:04X})", *c as u32)).collect();
        if chars.len() > 8 {
            names.push(format!("{} more", chars.len() - 8));
        }
        names
    };
    let mut by_file: BTreeMap<String, (std::ops::Range<usize>, Vec<char>)> = BTreeMap::new();
    let mut nowhere = Vec::new();
    for &c in chars {
        match loader.locate(c) {
            Some((file, span)) => {
                // The span runs from the first to the last of them in the file.
                let entry = by_file.entry(file).or_insert((span.clone(), Vec::new()));
                entry.0 = entry.0.start.min(span.start)..entry.0.end.max(span.end);
                entry.1.push(c);
            }
            None => nowhere.push(c),
        }
    }
    if by_file.is_empty() {
        return PipelineError::Unusable {
            message: format!("{what}: {}", named(&nowhere).join(", ")),
            help: Some(help.to_owned()),
            notes: Vec::new(),
        };
    }
    let mut findings = loader.findings();
    for (file, (span, chars)) in by_file {
        let mut message = format!("{what}: {}", named(&chars).join(", "));
        if !nowhere.is_empty() {
            message.push_str(&format!("; also {}", named(&nowhere).join(", ")));
            nowhere.clear();
        }
        findings.diagnostics.push(Diagnostic::new(code, file, Some(span), message).with_help(help));
    }
    findings.diagnostics.sort();
    PipelineError::Invalid { findings, doing: "reporting" }
}

/// The largest font file read (Noto Sans CJK is about 20 MiB).
pub const MAX_FONT_BYTES: u64 = 64 << 20;

fn read_font(path: &std::path::Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read as _;
    let mut bytes = Vec::new();
    crate::regular_file::open(path)?.take(MAX_FONT_BYTES + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_FONT_BYTES {
        return Err(std::io::Error::other(format!("larger than {} MiB", MAX_FONT_BYTES >> 20)));
    }
    Ok(bytes)
}

impl Prepared {
    fn provenance(&self, clock: &Clock, ledger_seq: Option<u64>) -> Provenance {
        provenance(&self.scored, clock, ledger_seq)
    }

    /// The shown vendors' scorecards and, for two or more, the comparison.
    fn views(&self, provenance: &Provenance) -> (Vec<view::ScorecardView>, Option<view::ComparisonView>) {
        let ranked = self.scored.cards.len();
        let robustness = &self.robustness;
        let views: Vec<_> = self
            .scored
            .shown()
            .map(|card| {
                let mut view = view::scorecard(&self.scored.rubric, card, ranked, provenance);
                view.findings = self.findings.get(&card.vendor).map(FindingsView::of);
                view.sla = self.sla.get(&card.vendor).map(|(report, terms, contract, tickets)| {
                    SlaView::new(report, contract, tickets, terms.currency.as_deref()).in_zone(&terms.timezone)
                });
                let earlier = self.history.get(&card.vendor).map_or(&[][..], Vec::as_slice);
                view.history =
                    crate::report::history::history(earlier, card.score, &provenance.as_of, view.sla.as_ref());
                view.robustness = robustness.as_ref().map(|r| r.sentence.clone());
                view.glance = Some(view::GlanceView::of(view.findings.as_ref(), view.sla.as_ref()));
                view
            })
            .collect();
        let comparison = (views.len() >= 2).then(|| {
            let shown: Vec<_> = self.scored.shown().cloned().collect();
            let mut view = view::comparison(&self.scored.rubric, &shown, provenance);
            for row in &mut view.vendors {
                row.summary = views.iter().find(|v| v.vendor.id == row.id).map(view::VendorSummary::of);
            }
            view.robustness = robustness.clone();
            view
        });
        (views, comparison)
    }

    /// Render every shown vendor's scorecard (on all cores) and, for two or
    /// more, the comparison, in every format; `ledger_seq` is the entry that
    /// will record them (`None`: a dry run).
    pub fn render(&self, clock: &Clock, ledger_seq: Option<u64>) -> Result<Vec<Rendered>, TemplateError> {
        self.render_observed(clock, ledger_seq, &crate::progress::Unobserved)
    }

    /// [`Prepared::render`], telling `progress` each document rendered.
    pub fn render_observed(
        &self,
        clock: &Clock,
        ledger_seq: Option<u64>,
        progress: &dyn crate::progress::Progress,
    ) -> Result<Vec<Rendered>, TemplateError> {
        let provenance = self.provenance(clock, ledger_seq);
        let renderer = Renderer {
            fonts: self.fonts.clone(),
            templates: &self.templates,
            created: clock.document_time(),
            author: provenance.organisation.clone().unwrap_or_else(|| TOOL.to_owned()),
            language: self.language.clone(),
        };
        let (views, comparison) = self.views(&provenance);
        let comparisons = if comparison.is_some() { self.formats.len() } else { 0 };
        progress.start("rendering reports", (views.len() * self.formats.len() + comparisons) as u64);
        let mut documents = render_in_parallel(&renderer, &views, &self.formats, progress)?;
        if let Some(view) = comparison {
            for &format in &self.formats {
                documents.push(renderer.comparison(&view, format)?);
                progress.advance(1);
            }
        }
        progress.finish();
        Ok(documents)
    }

    /// The ledger entry of a `report` run: `inputs` from loading, plus every
    /// workspace template the renders read (overrides and what they include).
    pub fn run(&self, clock: &Clock, mut inputs: Vec<FileRecord>, outputs: Vec<FileRecord>) -> Run {
        self.templates.record_loaded(&self.workspace, &mut inputs);
        let mut result = self.scored.summary(clock);
        result["formats"] = json!(self.formats.iter().map(|f| f.extension()).collect::<Vec<_>>());
        if !self.replaced.is_empty() {
            result["replaced"] = self.replaced.iter().map(|f| json!({"path": f.path, "recorded_by": f.seq})).collect();
        }
        if !self.system_fonts.is_empty() {
            result["system_fonts"] =
                self.system_fonts.iter().map(|(font, sha256)| json!({"font": font, "sha256": sha256})).collect();
        }
        Run {
            action: "report",
            subjects: self.scored.shown().map(|c| c.vendor.clone()).collect(),
            inputs,
            outputs,
            result,
        }
    }
}

/// The shown vendors' earlier `score` runs, streamed from the ledger.
fn earlier_runs(workspace: &Workspace, scored: &Scored) -> Result<EarlierRuns, PipelineError> {
    let mut runs: EarlierRuns = scored.shown().map(|c| (c.vendor.clone(), Vec::new())).collect();
    super::history::each_line(&workspace.root.join(crate::audit::ledger::LEDGER_PATH), |line| {
        for run in crate::lifecycle::history::score_runs(line) {
            let Some(list) = runs.get_mut(&run.vendor) else { continue };
            let Some(score) = run.score.as_deref().and_then(|s| s.parse::<f64>().ok()) else { continue };
            list.push((run.seq, run.date.to_string(), score));
        }
    })?;
    runs.retain(|_, list| !list.is_empty());
    Ok(runs)
}

/// Render every scorecard in every format on all cores, in order.
fn render_in_parallel(
    renderer: &Renderer<'_>,
    views: &[view::ScorecardView],
    formats: &[Format],
    progress: &dyn crate::progress::Progress,
) -> Result<Vec<Rendered>, TemplateError> {
    let parts = crate::parallel::map(views, 0, |view| {
        let rendered: Result<Vec<Rendered>, TemplateError> =
            formats.iter().map(|&format| renderer.scorecard(view, format)).collect();
        progress.advance(formats.len() as u64);
        rendered
    });
    let mut documents = Vec::new();
    for part in parts {
        documents.extend(part?);
    }
    Ok(documents)
}
