//! History over time: stream the ledger once and collect, per selected
//! vendor, every `score` run (score, rank, status, rubric, tier) with each
//! change of score attributed, and per clause and period every `sla` run.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use super::{Decided, PipelineError, Selection, cohort_and_shown};
use crate::audit::ledger::LEDGER_PATH;
use crate::lifecycle::history;
use crate::lifecycle::trend::{Change, Interner, Point};
use crate::load::{Loader, Stop};
use crate::model::Date;
use crate::workspace::Workspace;

/// Whose history.
#[derive(Debug, Clone, Default)]
pub struct TrendRequest {
    /// The vendor folders; empty: every vendor of the workspace.
    pub vendors: Vec<PathBuf>,
}

/// One score run and its change from the run before.
#[derive(Debug, Clone)]
pub struct ScorePoint {
    pub point: Point,
    pub change: Option<Change>,
}

/// One clause in one period, as one `sla` run found it.
#[derive(Debug, Clone, PartialEq)]
pub struct SlaPoint {
    pub seq: u64,
    pub date: Date,
    /// Percent, as recorded.
    pub attainment: String,
    pub required: String,
    pub breached: Option<bool>,
    pub tickets: String,
}

/// One vendor's history.
#[derive(Debug, Clone)]
pub struct VendorTrend {
    pub id: String,
    pub name: String,
    pub runs: Vec<ScorePoint>,
    /// (clause, period) → every `sla` run's result for it, in ledger order.
    pub sla: BTreeMap<(String, String), Vec<SlaPoint>>,
}

/// Every selected vendor's history.
#[derive(Debug)]
pub struct Trend {
    pub vendors: Vec<VendorTrend>,
    /// Complete ledger lines read.
    pub entries: u64,
}

/// Read the history of the selected vendors from the workspace's ledger.
pub fn trend(workspace: &Workspace, request: &TrendRequest) -> Result<Decided<Trend>, PipelineError> {
    let mut loader = Loader::new(workspace.clone());
    let (_, dirs) = cohort_and_shown(&loader, &Selection { cohort: request.vendors.clone(), ..Default::default() })?;
    let Ok(vendors) = loader.vendors(&dirs).map_err(|Stop| ()) else {
        return Err(PipelineError::Invalid { findings: loader.findings(), doing: "reading the history" });
    };
    if vendors.is_empty() {
        return Err(PipelineError::unusable(format!(
            "no vendors in {}: add vendors/<id>/vendor.toml, or name vendor folders",
            workspace.root.display()
        )));
    }
    let index: HashMap<String, usize> = vendors.iter().enumerate().map(|(i, v)| (v.id().to_owned(), i)).collect();
    let mut trends: Vec<VendorTrend> = vendors
        .iter()
        .map(|v| VendorTrend {
            id: v.id().to_owned(),
            name: v.file.vendor.name.value.clone(),
            runs: Vec::new(),
            sla: BTreeMap::new(),
        })
        .collect();
    // The last run of each vendor keeps its files' digests to compare the next
    // one with; the runs kept for showing drop them, so memory grows by a few
    // dozen bytes per run, not by the inputs.
    let mut previous: Vec<Option<Point>> = vec![None; vendors.len()];
    let mut texts = Interner::default();
    let mut entries = 0;
    super::history::each_line(&workspace.root.join(LEDGER_PATH), |line| {
        entries += 1;
        if history::is_score(line) {
            for run in history::score_runs(line) {
                let Some(&i) = index.get(&run.vendor) else { continue };
                let point = Point::new(run, &vendors[i].folder, &mut texts);
                let change = previous[i].as_ref().and_then(|before| point.change_from(before));
                trends[i].runs.push(ScorePoint { point: point.without_files(), change });
                previous[i] = Some(point);
            }
        } else if let Some(run) = history::sla_run(line) {
            let Some(&i) = index.get(&run.vendor) else { return };
            for result in run.results {
                trends[i].sla.entry((result.clause, result.period)).or_default().push(SlaPoint {
                    seq: run.seq,
                    date: run.date,
                    attainment: result.attainment,
                    required: result.required,
                    breached: result.breached,
                    tickets: run.tickets.clone(),
                });
            }
        }
    })?;
    Ok(Decided {
        value: Trend { vendors: trends, entries },
        inputs: loader.inputs(),
        findings: loader.findings(),
        notes: Vec::new(),
    })
}
