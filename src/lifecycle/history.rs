//! Reading recorded runs back from ledger lines: which vendors a `score`
//! entry scored and how, what an `sla` entry found, and which inputs (by
//! digest) each run read. Pure: a line in, a run out; the caller streams
//! the ledger.

use std::borrow::Cow;

use serde::Deserialize;

use crate::model::Date;

/// The canonical form starts every entry with its action (keys are sorted).
const SCORE_PREFIX: &[u8] = br#"{"action":"score","#;
const SLA_PREFIX: &[u8] = br#"{"action":"sla","#;

/// Whether a ledger line is a `score` entry, without parsing it.
pub fn is_score(line: &[u8]) -> bool {
    line.starts_with(SCORE_PREFIX)
}

/// Whether a ledger line is an `sla` entry, without parsing it.
pub fn is_sla(line: &[u8]) -> bool {
    line.starts_with(SLA_PREFIX)
}

#[derive(Deserialize)]
struct Scored<'a> {
    seq: u64,
    #[serde(borrow)]
    time: Cow<'a, str>,
    #[serde(borrow)]
    result: ScoredResult<'a>,
    #[serde(default)]
    inputs: Vec<Input>,
}

#[derive(Deserialize)]
struct ScoredResult<'a> {
    #[serde(default, borrow)]
    vendors: Vec<ScoredVendor<'a>>,
    #[serde(default)]
    rubric: Option<RubricJson>,
    #[serde(default)]
    cohort: Option<u64>,
}

#[derive(Deserialize)]
struct ScoredVendor<'a> {
    #[serde(borrow)]
    id: Cow<'a, str>,
    #[serde(default)]
    score: Option<String>,
    #[serde(default)]
    rank: Option<u64>,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    tier: Option<String>,
}

#[derive(Deserialize, Clone, Debug, Default, PartialEq, Eq)]
pub struct RubricJson {
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub version: String,
    #[serde(default)]
    pub sha256: String,
}

/// A file a recorded run read.
#[derive(Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Input {
    pub path: String,
    pub sha256: String,
}

/// The date of a ledger `time` (`2026-11-21T10:00:00Z`).
fn date_of(time: &str) -> Option<Date> {
    Date::parse(time.get(..10)?)
}

/// The seq, date and scored vendor ids of a `score` line; `None` for any other line.
pub fn scored_vendors(line: &[u8]) -> Option<(u64, Date, Vec<String>)> {
    if !is_score(line) {
        return None;
    }
    #[derive(Deserialize)]
    struct Light<'a> {
        seq: u64,
        #[serde(borrow)]
        time: Cow<'a, str>,
        #[serde(borrow)]
        result: LightResult<'a>,
    }
    #[derive(Deserialize)]
    struct LightResult<'a> {
        #[serde(default, borrow)]
        vendors: Vec<LightVendor<'a>>,
    }
    #[derive(Deserialize)]
    struct LightVendor<'a> {
        #[serde(borrow)]
        id: Cow<'a, str>,
    }
    let entry: Light<'_> = serde_json::from_slice(line).ok()?;
    let date = date_of(&entry.time)?;
    Some((entry.seq, date, entry.result.vendors.into_iter().map(|v| v.id.into_owned()).collect()))
}

/// One vendor in one recorded `score` run.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreRun {
    pub seq: u64,
    pub date: Date,
    pub vendor: String,
    /// Two decimals, as recorded.
    pub score: Option<String>,
    pub rank: Option<u64>,
    pub status: Option<String>,
    pub tier: Option<String>,
    /// How many vendors were ranked together.
    pub cohort: Option<u64>,
    pub rubric: RubricJson,
    /// Every input of the run (the whole cohort's).
    pub inputs: Vec<Input>,
}

/// Every vendor of a `score` line; empty for any other line.
pub fn score_runs(line: &[u8]) -> Vec<ScoreRun> {
    if !is_score(line) {
        return Vec::new();
    }
    let Ok(entry) = serde_json::from_slice::<Scored<'_>>(line) else { return Vec::new() };
    let Some(date) = date_of(&entry.time) else { return Vec::new() };
    let rubric = entry.result.rubric.unwrap_or_default();
    entry
        .result
        .vendors
        .into_iter()
        .map(|v| ScoreRun {
            seq: entry.seq,
            date,
            vendor: v.id.into_owned(),
            score: v.score,
            rank: v.rank,
            status: v.status,
            tier: v.tier,
            cohort: entry.result.cohort,
            rubric: rubric.clone(),
            inputs: entry.inputs.clone(),
        })
        .collect()
}

/// One recorded `sla` run.
#[derive(Debug, Clone, PartialEq)]
pub struct SlaRun {
    pub seq: u64,
    pub date: Date,
    pub vendor: String,
    pub tickets: String,
    /// Per clause and period: attainment and required (percent, as recorded), breached, credit.
    pub results: Vec<SlaResultRun>,
    pub total_credit: Option<String>,
}

/// One clause in one period of a recorded `sla` run.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct SlaResultRun {
    pub clause: String,
    pub period: String,
    pub attainment: String,
    pub required: String,
    #[serde(default)]
    pub breached: Option<bool>,
    #[serde(default)]
    pub credit: Option<String>,
}

/// The `sla` run of a line; `None` for any other line.
///
/// Entries list every clause and period under `clauses`; entries written
/// before that list only the breaches, which are what is shown for them.
pub fn sla_run(line: &[u8]) -> Option<SlaRun> {
    if !is_sla(line) {
        return None;
    }
    #[derive(Deserialize)]
    struct Entry {
        seq: u64,
        time: String,
        subjects: Vec<String>,
        result: SlaResult,
    }
    #[derive(Deserialize)]
    struct SlaResult {
        #[serde(default)]
        tickets: String,
        #[serde(default)]
        clauses: Vec<SlaResultRun>,
        #[serde(default)]
        breaches: Vec<SlaResultRun>,
        #[serde(default)]
        total_credit: Option<String>,
    }
    let entry: Entry = serde_json::from_slice(line).ok()?;
    let date = date_of(&entry.time)?;
    let mut results = entry.result.clauses;
    if results.is_empty() {
        results = entry.result.breaches.into_iter().map(|b| SlaResultRun { breached: Some(true), ..b }).collect();
    }
    Some(SlaRun {
        seq: entry.seq,
        date,
        vendor: entry.subjects.into_iter().next().unwrap_or_default(),
        tickets: entry.result.tickets,
        results,
        total_credit: entry.result.total_credit,
    })
}
