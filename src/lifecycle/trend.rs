//! A vendor's score over its recorded runs, and each change of score
//! between consecutive runs attributed to what changed, read from the
//! recorded input digests: the rubric, the vendor's answer files (its
//! `vendor.toml`, evaluations and evidence), its measured data (ticket
//! exports), the rest of the cohort (relative price scoring and ranks
//! depend on it), or other inputs (settings, the tiering).

use std::collections::{BTreeMap, HashSet};
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use super::history::{Input, ScoreRun};
use crate::model::Date;

/// What changed between two runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Cause {
    /// The rubric's digest.
    Rubric,
    /// A file under the vendor's folder other than a CSV export.
    Answers,
    /// A CSV export under the vendor's folder (measured criteria).
    Measured,
    /// Another vendor's files: the cohort the price and ranks are relative to.
    Cohort,
    /// Any other input (settings, tiering).
    Other,
}

impl Cause {
    pub fn as_str(self) -> &'static str {
        match self {
            Cause::Rubric => "rubric",
            Cause::Answers => "answers",
            Cause::Measured => "measured",
            Cause::Cohort => "cohort",
            Cause::Other => "other",
        }
    }
}

/// One copy of each text that recurs across runs (statuses, tiers, rubric
/// ids, paths, digests), so a long history costs a pointer per field.
#[derive(Debug, Default)]
pub struct Interner(HashSet<Arc<str>>);

impl Interner {
    /// The shared copy of `text`.
    pub fn get(&mut self, text: &str) -> Arc<str> {
        if let Some(shared) = self.0.get(text) {
            return shared.clone();
        }
        let shared: Arc<str> = Arc::from(text);
        self.0.insert(shared.clone());
        shared
    }
}

/// One run of one vendor, reduced to what `trend` shows and compares:
/// the vendor's own files by digest, the rest as one fingerprint.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    pub seq: u64,
    pub date: Date,
    /// Hundredths of a point (`78.42` is 7842), as recorded.
    pub score: Option<i64>,
    pub rank: Option<u64>,
    pub cohort: Option<u64>,
    pub status: Option<Arc<str>>,
    pub tier: Option<Arc<str>>,
    pub rubric_id: Arc<str>,
    pub rubric_version: Arc<str>,
    rubric_sha256: Arc<str>,
    /// path → sha256 of the vendor's own files.
    own: BTreeMap<Arc<str>, Arc<str>>,
    cohort_fingerprint: u64,
    other_fingerprint: u64,
}

/// A change of score from the previous run and what explains it.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// Hundredths of a point.
    pub delta: i64,
    /// Empty when no recorded input changed (e.g. only the as-of date did).
    pub causes: Vec<Cause>,
    /// The vendor's own files added, removed or changed, sorted.
    pub files: Vec<Arc<str>>,
    /// The previous rubric's id and version, when the rubric changed.
    pub rubric_from: Option<(Arc<str>, Arc<str>)>,
}

/// `78.42` → 7842; `None` for anything else.
pub fn hundredths(score: &str) -> Option<i64> {
    let (whole, fraction) = score.split_once('.').unwrap_or((score, "0"));
    let negative = whole.starts_with('-');
    let whole: i64 = whole.trim_start_matches('-').parse().ok()?;
    let fraction = format!("{fraction:0<2}");
    let fraction: i64 = fraction.get(..2)?.parse().ok()?;
    let value = whole * 100 + fraction;
    Some(if negative { -value } else { value })
}

/// Hundredths as a signed decimal: -505 → `-5.05`, 120 → `+1.20`.
pub fn signed(hundredths: i64) -> String {
    let sign = if hundredths < 0 { "-" } else { "+" };
    format!("{sign}{}.{:02}", hundredths.abs() / 100, hundredths.abs() % 100)
}

fn fingerprint<'a>(inputs: impl Iterator<Item = &'a Input>) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    for input in inputs {
        input.path.hash(&mut hasher);
        input.sha256.hash(&mut hasher);
    }
    hasher.finish()
}

impl Point {
    /// A run of the vendor whose folder is `folder` (`vendors/<id>`).
    pub fn new(run: ScoreRun, folder: &str, texts: &mut Interner) -> Point {
        let prefix = format!("{}/", folder.trim_end_matches('/'));
        let mut inputs = run.inputs;
        inputs.sort_by(|a, b| a.path.cmp(&b.path));
        let is_rubric = |i: &Input| i.sha256 == run.rubric.sha256;
        let own: BTreeMap<Arc<str>, Arc<str>> = inputs
            .iter()
            .filter(|i| i.path.starts_with(&prefix))
            .map(|i| (texts.get(&i.path), texts.get(&i.sha256)))
            .collect();
        let others = inputs.iter().filter(|i| i.path.starts_with("vendors/") && !i.path.starts_with(&prefix));
        let rest = inputs.iter().filter(|i| !i.path.starts_with("vendors/") && !is_rubric(i));
        Point {
            seq: run.seq,
            date: run.date,
            score: run.score.as_deref().and_then(hundredths),
            rank: run.rank,
            cohort: run.cohort,
            status: run.status.as_deref().map(|s| texts.get(s)),
            tier: run.tier.as_deref().map(|s| texts.get(s)),
            rubric_id: texts.get(&run.rubric.id),
            rubric_version: texts.get(&run.rubric.version),
            rubric_sha256: texts.get(&run.rubric.sha256),
            own,
            cohort_fingerprint: fingerprint(others),
            other_fingerprint: fingerprint(rest),
        }
    }

    /// What changed since `previous`, when the score did.
    pub fn change_from(&self, previous: &Point) -> Option<Change> {
        let delta = self.score? - previous.score?;
        if delta == 0 {
            return None;
        }
        let mut causes = Vec::new();
        if self.rubric_sha256 != previous.rubric_sha256 {
            causes.push(Cause::Rubric);
        }
        let mut files: Vec<Arc<str>> = self
            .own
            .iter()
            .filter(|(path, sha)| previous.own.get(*path) != Some(sha))
            .map(|(path, _)| path.clone())
            .chain(previous.own.keys().filter(|p| !self.own.contains_key(*p)).cloned())
            .collect();
        files.sort();
        files.dedup();
        let is_measured = |p: &Arc<str>| p.to_ascii_lowercase().ends_with(".csv");
        if files.iter().any(|p| !is_measured(p)) {
            causes.push(Cause::Answers);
        }
        if files.iter().any(is_measured) {
            causes.push(Cause::Measured);
        }
        if self.cohort_fingerprint != previous.cohort_fingerprint {
            causes.push(Cause::Cohort);
        }
        if self.other_fingerprint != previous.other_fingerprint {
            causes.push(Cause::Other);
        }
        let rubric_from = (self.rubric_sha256 != previous.rubric_sha256)
            .then(|| (previous.rubric_id.clone(), previous.rubric_version.clone()));
        Some(Change { delta, causes, files, rubric_from })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(seq: u64, score: &str, rubric: &str, inputs: &[(&str, &str)]) -> ScoreRun {
        ScoreRun {
            seq,
            date: Date::parse("2026-11-21").unwrap(),
            vendor: "v".into(),
            score: Some(score.into()),
            rank: Some(1),
            status: None,
            tier: None,
            cohort: Some(2),
            rubric: super::super::history::RubricJson {
                id: "r".into(),
                version: "1.0.0".into(),
                sha256: rubric.into(),
            },
            inputs: inputs.iter().map(|(p, s)| Input { path: (*p).into(), sha256: (*s).into() }).collect(),
        }
    }

    #[test]
    fn each_changed_digest_names_its_cause() {
        let base = [
            ("builtin:r", "R1"),
            ("vendorscore.toml", "S1"),
            ("vendors/v/vendor.toml", "A1"),
            ("vendors/v/tickets.csv", "T1"),
            ("vendors/w/vendor.toml", "W1"),
        ];
        let texts = &mut Interner::default();
        let before = Point::new(run(1, "70.00", "R1", &base), "vendors/v", texts);
        let with = |i: usize, sha: &'static str| {
            let mut inputs = base;
            inputs[i].1 = sha;
            inputs
        };
        type Inputs = [(&'static str, &'static str); 5];
        let cases: [(&str, Inputs, &[Cause]); 5] = [
            ("R2", with(0, "R2"), &[Cause::Rubric]),
            ("R1", with(1, "S2"), &[Cause::Other]),
            ("R1", with(2, "A2"), &[Cause::Answers]),
            ("R1", with(3, "T2"), &[Cause::Measured]),
            ("R1", with(4, "W2"), &[Cause::Cohort]),
        ];
        for (rubric, inputs, causes) in cases {
            let after = Point::new(run(2, "72.50", rubric, &inputs), "vendors/v", texts);
            let change = after.change_from(&before).unwrap();
            assert_eq!((change.delta, change.causes.as_slice()), (250, causes), "{inputs:?}");
        }
        let same = Point::new(run(2, "72.50", "R1", &base), "vendors/v", texts).change_from(&before).unwrap();
        assert!(same.causes.is_empty(), "a change with no changed input says so");
        assert!(
            Point::new(run(2, "70.00", "R2", &base), "vendors/v", texts).change_from(&before).is_none(),
            "no change of score"
        );
        let removed = Point::new(run(2, "71.00", "R1", &base[..4]), "vendors/v", texts).change_from(&before).unwrap();
        assert_eq!(removed.causes, [Cause::Cohort], "another vendor left the cohort");
    }

    #[test]
    fn scores_are_read_and_written_in_hundredths() {
        assert_eq!(hundredths("78.42"), Some(7842));
        assert_eq!(hundredths("78.4"), Some(7840));
        assert_eq!(hundredths("100"), Some(10000));
        assert_eq!(hundredths("0.05"), Some(5));
        assert_eq!(hundredths("x"), None);
        assert_eq!(signed(-505), "-5.05");
        assert_eq!(signed(120), "+1.20");
        assert_eq!(signed(-5), "-0.05");
    }
}
