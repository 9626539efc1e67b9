//! Scoring a cohort: load the rubric and every vendor of the cohort, measure
//! measured criteria from their ticket exports, score and rank them all, and
//! show the selected ones. A vendor's score and rank never depend on which
//! vendors are shown (SPEC section 2).

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde_json::{Value, json};

use super::tickets;
use super::{Clock, Decided, PipelineError, Run, Selection, cohort_and_shown};
use crate::load::{Loader, Stop, VendorFolder};
use crate::model::{Rubric, Submission, WorkspaceFile};
use crate::scoring::{self, Measured, Scorecard};
use crate::sla::{CreditError, ReadOptions, Report, Terms};
use crate::workspace::Workspace;

/// What to score.
#[derive(Debug, Clone, Default)]
pub struct ScoreRequest {
    /// `--rubric`: a path or `builtin:ID`; default: the workspace's.
    pub rubric: Option<String>,
    pub selection: Selection,
    /// `--tickets-config FILE` (absolute): how to read the exports of measured criteria, in place of the workspace's `[tickets]`.
    pub tickets_config: Option<PathBuf>,
    /// `--dry-run`: nothing is recorded, so ticket exports are counted
    /// without being hashed for the ledger.
    pub dry_run: bool,
}

/// A scored cohort.
#[derive(Debug)]
pub struct Scored {
    pub settings: WorkspaceFile,
    pub rubric: Rubric,
    /// Every vendor of the cohort, in rank order.
    pub cards: Vec<Scorecard>,
    /// The cohort's vendor folders, in folder order.
    pub vendors: Vec<VendorFolder>,
    /// Indexes into `cards` of the vendors to show, in rank order.
    pub shown: Vec<usize>,
    /// Each vendor's risk tier (SPEC section 14), recorded so `trend` shows tier changes.
    pub tiers: BTreeMap<String, String>,
    /// What was scored, for decisions that score the cohort again (leave one out).
    pub submissions: Vec<Submission>,
    pub measured: Measured,
}

impl Scored {
    /// The vendors to show, in rank order.
    pub fn shown(&self) -> impl Iterator<Item = &Scorecard> {
        self.shown.iter().map(|&i| &self.cards[i])
    }

    /// The vendor folder of a card.
    pub fn folder_of(&self, card: &Scorecard) -> Option<&VendorFolder> {
        self.vendors.iter().find(|v| v.id() == card.vendor)
    }

    /// The decision as the ledger records it: float-free, decimals as strings.
    pub fn summary(&self, clock: &Clock) -> Value {
        let rubric = &self.rubric;
        json!({
            "as_of": clock.as_of.to_string(),
            "rubric": { "id": rubric.id, "version": rubric.version, "sha256": rubric.sha256 },
            "cohort": self.cards.len(),
            "vendors": self.shown().map(|c| json!({
                "id": c.vendor,
                "score": format!("{:.2}", c.score),
                "status": c.status.as_str(),
                "rank": c.rank,
                "coverage": format!("{:.2}", c.coverage),
                "gates_failed": c.gates_failed,
                "flags": c.flags.iter().map(|f| f.as_str()).collect::<Vec<_>>(),
                "tier": self.tiers.get(&c.vendor),
            })).collect::<Vec<_>>(),
        })
    }

    /// The ledger entry of a `score` run.
    pub fn run(&self, clock: &Clock, inputs: Vec<crate::audit::ledger::FileRecord>) -> Run {
        Run {
            action: "score",
            subjects: self.shown().map(|c| c.vendor.clone()).collect(),
            inputs,
            outputs: Vec::new(),
            result: self.summary(clock),
        }
    }
}

impl ScoreRequest {
    /// The loader a run of this request reads the workspace with.
    pub(crate) fn loader(&self, workspace: &Workspace) -> Loader {
        let loader = Loader::new(workspace.clone()).with_tickets_config(self.tickets_config.clone());
        if self.dry_run { loader.without_digests() } else { loader }
    }
}

/// Score and rank the cohort of a workspace.
pub fn score(workspace: &Workspace, clock: &Clock, request: &ScoreRequest) -> Result<Decided<Scored>, PipelineError> {
    let mut loader = request.loader(workspace);
    let mut notes = Vec::new();
    let (scored, _) = score_in(&mut loader, clock, request, &mut notes, |_, _| None)?;
    Ok(Decided { value: scored, inputs: loader.inputs(), findings: loader.findings(), notes })
}

/// SLA results by vendor id, for the vendors a report wants them for.
pub(crate) type SlaResults = BTreeMap<String, Result<Report, CreditError>>;

/// Score within a loader. `terms_for` names, per vendor, the contract terms
/// whose clauses should be decided from the same read of its tickets.
pub(crate) fn score_in(
    loader: &mut Loader,
    clock: &Clock,
    request: &ScoreRequest,
    notes: &mut Vec<String>,
    mut terms_for: impl FnMut(&mut Loader, &VendorFolder) -> Option<Terms>,
) -> Result<(Scored, SlaResults), PipelineError> {
    let invalid = |loader: &mut Loader| PipelineError::Invalid { findings: loader.findings(), doing: "scoring" };
    let (cohort, shown_dirs) = cohort_and_shown(loader, &request.selection)?;
    let loaded = (|| -> Result<_, Stop> {
        let settings = loader.settings()?;
        let rubric = loader.rubric(request.rubric.as_deref())?;
        let vendors = loader.vendors(&cohort)?;
        let submissions = loader.submissions(&rubric, &vendors)?;
        let tiers = loader.tiers_of(&vendors)?;
        Ok((settings, rubric, vendors, submissions, tiers))
    })();
    let Ok((settings, rubric, vendors, submissions, tiers)) = loaded else { return Err(invalid(loader)) };
    if submissions.is_empty() {
        return Err(PipelineError::unusable(format!(
            "no vendors to score in {}: add vendors/<id>/vendor.toml, or name vendor folders",
            loader.workspace().root.display()
        )));
    }
    let shown_dirs: std::collections::HashSet<PathBuf> = shown_dirs.into_iter().collect();
    let criteria = tickets::measured(&rubric);
    let options = ReadOptions::of(&settings).from_file(loader.tickets_settings_file());
    let mut measured = Measured::new();
    let mut sla = SlaResults::new();
    let mut exports = Vec::new();
    for vendor in &vendors {
        let path = vendor.dir.join("tickets.csv");
        let terms = if shown_dirs.contains(&vendor.dir) { terms_for(loader, vendor) } else { None };
        if (criteria.is_empty() && terms.is_none()) || !path.is_file() {
            continue;
        }
        exports.push((vendor.id(), path, terms));
    }
    let paths: Vec<_> = exports.iter().map(|(_, path, terms)| (path.clone(), terms.as_ref())).collect();
    let reads = tickets::read_all(loader, &paths, &criteria, &options, clock.as_of);
    for ((id, path, _), read) in exports.iter().zip(reads) {
        let read = tickets::usable(&loader.workspace().display_path(path), read, &options, notes)?;
        if !criteria.is_empty() {
            measured.insert((*id).to_owned(), read.measured);
        }
        if let Some(report) = read.sla {
            sla.insert((*id).to_owned(), report);
        }
    }
    let cards = scoring::score(&rubric, &submissions, &measured);
    let shown_ids: std::collections::HashSet<&str> =
        vendors.iter().filter(|v| shown_dirs.contains(&v.dir)).map(|v| v.id()).collect();
    let shown = (0..cards.len()).filter(|&i| shown_ids.contains(cards[i].vendor.as_str())).collect();
    Ok((Scored { settings, rubric, cards, vendors, shown, tiers, submissions, measured }, sla))
}
