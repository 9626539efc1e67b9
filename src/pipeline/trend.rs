//! History over time: stream the ledger once and hand on, in ledger order,
//! each selected vendor's `score` runs (score, rank, status, rubric, tier)
//! with each change of score attributed, and each clause and period of its
//! `sla` runs. Memory is the vendors' last runs and one batch of lines.

use std::collections::HashMap;
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

/// One vendor of the selection.
#[derive(Debug, Clone)]
pub struct TrendVendor {
    pub id: String,
    pub name: String,
}

/// One record of the history, in ledger order.
#[derive(Debug)]
pub enum Record<'a> {
    /// A score run of the vendor at this index, and its change from the run before.
    Score { vendor: usize, point: &'a Point, change: Option<Change> },
    /// One clause in one period, as one `sla` run of the vendor found it.
    Sla { vendor: usize, clause: &'a str, period: &'a str, point: &'a SlaPoint },
}

/// The selected vendors, ready to stream their history from the ledger.
#[derive(Debug)]
pub struct Trend {
    pub vendors: Vec<TrendVendor>,
    folders: Vec<String>,
    index: HashMap<String, usize>,
    ledger: PathBuf,
}

/// A line read, parsed but not yet compared with the run before.
enum Parsed {
    Score(usize, Point),
    Sla(usize, Vec<(String, String, SlaPoint)>),
}

/// Lines parsed at once, split between the threads.
const BATCH: usize = 4096;

impl Trend {
    /// Read the ledger once, in order, and hand each record to `each` as it
    /// is found; returns the number of complete ledger lines read. Only the
    /// last run of each vendor is kept (with its files' digests) to
    /// attribute the next change to; nothing else outlives its batch of
    /// lines. A large ledger's batches are parsed on all cores and handed
    /// on in ledger order, so the records are the same on any number.
    pub fn stream(&self, each: impl FnMut(Record<'_>) -> std::io::Result<()>) -> std::io::Result<u64> {
        let len = super::history::length(&self.ledger)?;
        let threads = if len < 16 << 20 { 1 } else { crate::parallel::threads(0) };
        self.stream_on(threads, each)
    }

    fn stream_on(
        &self,
        threads: usize,
        mut each: impl FnMut(Record<'_>) -> std::io::Result<()>,
    ) -> std::io::Result<u64> {
        let mut previous: Vec<Option<Point>> = vec![None; self.folders.len()];
        let mut batch: Vec<Vec<u8>> = Vec::with_capacity(BATCH);
        let mut spare: Vec<Vec<u8>> = Vec::new();
        let (mut entries, mut failed) = (0u64, None);
        let mut flush = |batch: &mut Vec<Vec<u8>>, spare: &mut Vec<Vec<u8>>| -> std::io::Result<()> {
            let parsed = self.parse(batch, threads);
            spare.append(batch);
            for record in parsed.into_iter().flatten() {
                match record {
                    Parsed::Score(i, point) => {
                        let change = previous[i].as_ref().and_then(|before| point.change_from(before));
                        each(Record::Score { vendor: i, point: &point, change })?;
                        previous[i] = Some(point);
                    }
                    Parsed::Sla(i, results) => {
                        for (clause, period, point) in &results {
                            each(Record::Sla { vendor: i, clause, period, point })?;
                        }
                    }
                }
            }
            Ok(())
        };
        // The first record that cannot be handed on (a closed pipe) ends the reading.
        super::history::each_line_until(&self.ledger, |line| {
            entries += 1;
            let mut buffer = spare.pop().unwrap_or_default();
            buffer.clear();
            buffer.extend_from_slice(line);
            batch.push(buffer);
            if batch.len() == BATCH {
                failed = flush(&mut batch, &mut spare).err();
            }
            if failed.is_some() { std::ops::ControlFlow::Break(()) } else { std::ops::ControlFlow::Continue(()) }
        })?;
        if let Some(error) = failed {
            return Err(error);
        }
        flush(&mut batch, &mut spare)?;
        Ok(entries)
    }

    /// Parse a batch of lines, in `threads` consecutive slices at once.
    fn parse(&self, lines: &[Vec<u8>], threads: usize) -> Vec<Vec<Parsed>> {
        if threads <= 1 || lines.len() < 2 * threads {
            return vec![self.parse_slice(lines)];
        }
        let slices: Vec<&[Vec<u8>]> = lines.chunks(lines.len().div_ceil(threads)).collect();
        crate::parallel::map(&slices, threads, |slice| self.parse_slice(slice))
    }

    fn parse_slice(&self, lines: &[Vec<u8>]) -> Vec<Parsed> {
        let mut texts = Interner::default();
        let mut parsed = Vec::new();
        for line in lines {
            if history::is_score(line) {
                for run in history::score_runs(line) {
                    let Some(&i) = self.index.get(&run.vendor) else { continue };
                    parsed.push(Parsed::Score(i, Point::new(run, &self.folders[i], &mut texts)));
                }
            } else if let Some(run) = history::sla_run(line) {
                let Some(&i) = self.index.get(&run.vendor) else { continue };
                let results = run
                    .results
                    .into_iter()
                    .map(|result| {
                        let point = SlaPoint {
                            seq: run.seq,
                            date: run.date,
                            attainment: result.attainment,
                            required: result.required,
                            breached: result.breached,
                            tickets: run.tickets.clone(),
                        };
                        (result.clause, result.period, point)
                    })
                    .collect();
                parsed.push(Parsed::Sla(i, results));
            }
        }
        parsed
    }
}

/// Load the selected vendors; [`Trend::stream`] then reads their history
/// from the workspace's ledger.
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
    let trend = Trend {
        vendors: vendors
            .iter()
            .map(|v| TrendVendor { id: v.id().to_owned(), name: v.file.vendor.name.value.clone() })
            .collect(),
        folders: vendors.iter().map(|v| v.folder.clone()).collect(),
        index: vendors.iter().enumerate().map(|(i, v)| (v.id().to_owned(), i)).collect(),
        ledger: workspace.root.join(LEDGER_PATH),
    };
    Ok(Decided { value: trend, inputs: loader.inputs(), findings: loader.findings(), notes: Vec::new() })
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
    fn batches_parsed_on_many_threads_give_the_same_history_as_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ledger.jsonl");
        let mut text = String::new();
        // 4,200 lines: more than one batch.
        for seq in 1..=2100u64 {
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
        let trend = Trend {
            vendors: Vec::new(),
            folders: vec!["vendors/v".into(), "vendors/w".into()],
            index: [("v".to_owned(), 0), ("w".to_owned(), 1)].into_iter().collect(),
            ledger: path,
        };
        type Run = (u64, Option<(i64, Vec<&'static str>)>);
        let summary = |threads| {
            let mut runs: Vec<Vec<Run>> = vec![Vec::new(), Vec::new()];
            let entries = trend
                .stream_on(threads, |record| {
                    if let Record::Score { vendor, point, change } = record {
                        let change = change.map(|c| (c.delta, c.causes.iter().map(|c| c.as_str()).collect()));
                        runs[vendor].push((point.seq, change));
                    }
                    Ok(())
                })
                .unwrap();
            (runs, entries)
        };
        let one = summary(1);
        assert_eq!(one.1, 4200);
        assert_eq!(one.0[0].len(), 2100);
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
