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

/// What one byte range of the ledger holds for each vendor (by index).
struct Part {
    runs: Vec<Vec<ScorePoint>>,
    /// The first and last run of each vendor in the range, with their files' digests.
    first: Vec<Option<Point>>,
    last: Vec<Option<Point>>,
    sla: Vec<BTreeMap<(String, String), Vec<SlaPoint>>>,
    entries: u64,
}

/// Read the lines that start in `start..end`. Only the last run of each
/// vendor keeps its files' digests to compare the next one with; the runs
/// kept for showing drop them.
fn read_part(
    path: &std::path::Path,
    start: u64,
    end: u64,
    index: &HashMap<String, usize>,
    folders: &[&str],
) -> std::io::Result<Part> {
    let n = folders.len();
    let mut part = Part {
        runs: vec![Vec::new(); n],
        first: vec![None; n],
        last: vec![None; n],
        sla: vec![BTreeMap::new(); n],
        entries: 0,
    };
    let mut texts = Interner::default();
    super::history::each_line_in(path, start, end, |line| {
        part.entries += 1;
        if history::is_score(line) {
            for run in history::score_runs(line) {
                let Some(&i) = index.get(&run.vendor) else { continue };
                let point = Point::new(run, folders[i], &mut texts);
                let change = part.last[i].as_ref().and_then(|before| point.change_from(before));
                part.runs[i].push(ScorePoint { point: point.without_files(), change });
                if part.first[i].is_none() {
                    part.first[i] = Some(point.clone());
                }
                part.last[i] = Some(point);
            }
        } else if let Some(run) = history::sla_run(line) {
            let Some(&i) = index.get(&run.vendor) else { return };
            for result in run.results {
                part.sla[i].entry((result.clause, result.period)).or_default().push(SlaPoint {
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
    Ok(part)
}

/// Each vendor's runs and SLA points, from `threads` byte ranges read at once.
type Histories = Vec<(Vec<ScorePoint>, BTreeMap<(String, String), Vec<SlaPoint>>)>;

fn collect(
    path: &std::path::Path,
    index: &HashMap<String, usize>,
    folders: &[&str],
    threads: usize,
) -> std::io::Result<(Histories, u64)> {
    let len = super::history::length(path)?;
    let parts: Vec<std::io::Result<Part>> = std::thread::scope(|scope| {
        let workers: Vec<_> = super::history::chunks(len, threads as u64)
            .into_iter()
            .map(|(start, end)| scope.spawn(move || read_part(path, start, end, index, folders)))
            .collect();
        workers.into_iter().map(|w| w.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))).collect()
    });
    let mut histories: Histories = vec![(Vec::new(), BTreeMap::new()); folders.len()];
    let mut previous: Vec<Option<Point>> = vec![None; folders.len()];
    let mut entries = 0;
    for part in parts {
        let part = part?;
        entries += part.entries;
        let each = part.runs.into_iter().zip(part.first.into_iter().zip(part.last)).zip(part.sla);
        for (i, ((mut runs, (first, last)), sla)) in each.enumerate() {
            // The first run of a part follows the last run of the parts before.
            if let (Some(first), Some(before), Some(run)) = (&first, &previous[i], runs.first_mut()) {
                run.change = first.change_from(before);
            }
            histories[i].0.append(&mut runs);
            if last.is_some() {
                previous[i] = last;
            }
            for (key, mut points) in sla {
                histories[i].1.entry(key).or_default().append(&mut points);
            }
        }
    }
    Ok((histories, entries))
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
    let folders: Vec<&str> = vendors.iter().map(|v| v.folder.as_str()).collect();
    let path = workspace.root.join(LEDGER_PATH);
    let len = super::history::length(&path)?;
    // A large ledger is read in byte ranges on all cores; the parts are joined in order.
    let threads = if len < 16 << 20 { 1 } else { std::thread::available_parallelism().map_or(1, |n| n.get()) };
    let (histories, entries) = collect(&path, &index, &folders, threads)?;
    let mut trends: Vec<VendorTrend> = vendors
        .iter()
        .map(|v| VendorTrend {
            id: v.id().to_owned(),
            name: v.file.vendor.name.value.clone(),
            runs: Vec::new(),
            sla: BTreeMap::new(),
        })
        .collect();
    for (trend, (runs, sla)) in trends.iter_mut().zip(histories) {
        trend.runs = runs;
        trend.sla = sla;
    }
    Ok(Decided {
        value: Trend { vendors: trends, entries },
        inputs: loader.inputs(),
        findings: loader.findings(),
        notes: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A score line for vendors `v` and `w` with these input digests.
    fn score_line(seq: u64, v_score: &str, v_answers: &str, rubric: &str) -> String {
        format!(
            r#"{{"action":"score","actor":"a","hash":"h","inputs":[{{"bytes":1,"path":"builtin:r","sha256":"{rubric}"}},{{"bytes":1,"path":"vendors/v/vendor.toml","sha256":"{v_answers}"}},{{"bytes":1,"path":"vendors/w/vendor.toml","sha256":"W"}}],"outputs":[],"prev":"p","result":{{"rubric":{{"id":"r","sha256":"{rubric}","version":"1.0.0"}},"vendors":[{{"id":"v","rank":1,"score":"{v_score}","status":"qualified"}},{{"id":"w","rank":2,"score":"50.00","status":"qualified"}}]}},"seq":{seq},"subjects":["v","w"],"time":"2026-11-21T10:00:00Z","tool":"t"}}"#
        )
    }

    #[test]
    fn ranges_read_on_many_threads_give_the_same_history_as_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ledger.jsonl");
        let mut text = String::new();
        for seq in 1..=40u64 {
            let (score, answers, rubric) = match seq % 4 {
                0 => (format!("{}.00", 60 + seq), "A1", "R1"),
                1 => (format!("{}.00", 60 + seq), "A2", "R1"),
                2 => (format!("{}.00", 60 + seq), "A2", "R2"),
                _ => (format!("{}.00", 60 + seq - 1), "A2", "R2"),
            };
            text.push_str(&score_line(seq, &score, answers, rubric));
            text.push('\n');
            text.push_str(r#"{"action":"check","seq":0}"#);
            text.push('\n');
        }
        std::fs::write(&path, text).unwrap();
        let index: HashMap<String, usize> = [("v".to_owned(), 0), ("w".to_owned(), 1)].into_iter().collect();
        let folders = ["vendors/v", "vendors/w"];
        let summary = |threads| {
            let (histories, entries) = collect(&path, &index, &folders, threads).unwrap();
            type Run = (u64, Option<(i64, Vec<&'static str>)>);
            let runs: Vec<Vec<Run>> = histories
                .iter()
                .map(|(runs, _)| {
                    runs.iter()
                        .map(|r| {
                            let change =
                                r.change.as_ref().map(|c| (c.delta, c.causes.iter().map(|c| c.as_str()).collect()));
                            (r.point.seq, change)
                        })
                        .collect()
                })
                .collect();
            (runs, entries)
        };
        let one = summary(1);
        assert_eq!(one.1, 80);
        assert_eq!(one.0[0].len(), 40);
        // seq 2: +1.00 (60+2 after 60+1), answers A2 -> A2, rubric R1 -> R2.
        assert_eq!(one.0[0][1], (2, Some((100, vec!["rubric"]))));
        // seq 4: 64 after 62 (seq 3 scored 62), answers A2 -> A1 and rubric R2 -> R1.
        assert_eq!(one.0[0][3], (4, Some((200, vec!["rubric", "answers"]))));
        assert!(one.0[1].iter().all(|(_, change)| change.is_none()), "w's score never changes");
        for threads in [2, 3, 7] {
            assert_eq!(summary(threads), one, "{threads} threads");
        }
    }
}
