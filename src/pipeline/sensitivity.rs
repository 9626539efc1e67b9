//! Defending a decision (SPEC section 13): score the cohort as `score`
//! does, then move the weights. One weight at a time, SMAA-2 and leave one
//! out come from `crate::sensitivity`; this module loads, names the results
//! and writes the ledger summary.

use serde_json::{Value, json};

use super::score::{ScoreRequest, Scored, score_in};
use super::{Clock, Decided, PipelineError, Run};
use crate::report::view::{FirstShare, RobustnessView, WinnerInterval};
use crate::scoring::round2;
use crate::sensitivity::{self, LeftOut, Level, Renormalize, Row, Smaa, SmaaOptions, Table, Weight, WeightSensitivity};
use crate::workspace::Workspace;

/// What to analyse.
#[derive(Debug, Clone)]
pub struct SensitivityRequest {
    /// The rubric and the cohort (every vendor shown is analysed).
    pub score: ScoreRequest,
    pub level: Level,
    pub renormalize: Renormalize,
    /// SMAA-2 samples; 0 skips it.
    pub samples: usize,
    pub seed: u64,
    /// `--spread PCT`.
    pub spread: Option<f64>,
    /// `--panel-samples`: one evaluator per panel criterion per sample.
    pub panel: bool,
    /// Worker threads for SMAA-2, 0 for one per core (the result is the same).
    pub threads: usize,
}

/// A decision and how it stands up.
#[derive(Debug)]
pub struct Sensitivity {
    pub scored: Scored,
    pub table: Table,
    pub level: Level,
    pub renormalize: Renormalize,
    pub seed: u64,
    pub spread: Option<f64>,
    pub panel: bool,
    /// Most critical first.
    pub weights: Vec<WeightSensitivity>,
    pub smaa: Option<Smaa>,
    pub leave_one_out: Vec<LeftOut>,
}

/// A share (0..=1) in percent, two decimals.
pub fn percent(share: f64) -> f64 {
    round2(share * 100.0)
}

impl Sensitivity {
    /// The vendor ranked first now (not disqualified), if any.
    pub fn winner(&self) -> Option<&Row> {
        let scores = self.table.scores(&self.table.shares);
        self.table.ranking(&scores).first().map(|&i| &self.table.rows[i])
    }

    /// `security` or `security.dpa_signed`.
    pub fn weight_id(&self, weight: Weight) -> &str {
        match weight {
            Weight::Category(j) => &self.table.columns[j].id,
            Weight::Criterion(k) => &self.table.criteria[k].id,
        }
    }

    /// The name of a category or criterion.
    pub fn weight_name(&self, weight: Weight) -> &str {
        match weight {
            Weight::Category(j) => &self.table.columns[j].name,
            Weight::Criterion(k) => &self.table.criteria[k].name,
        }
    }

    /// `category` or `criterion`.
    pub fn level_of(weight: Weight) -> &'static str {
        match weight {
            Weight::Category(_) => "category",
            Weight::Criterion(_) => "criterion",
        }
    }

    /// The weight with the smallest change that changes rank 1, as `level:id`.
    pub fn most_critical(&self) -> Option<String> {
        let first = self.weights.first().filter(|w| w.critical_change().is_some())?;
        Some(format!("{}:{}", Self::level_of(first.weight), self.weight_id(first.weight)))
    }

    /// The robustness sentence: how far the most critical weight can move
    /// before rank 1 changes, and how often the winner ranks first in SMAA-2.
    pub fn sentence(&self) -> Option<String> {
        sentence(&self.table, &self.weights, self.smaa.as_ref(), self.seed)
    }

    /// The decision as the ledger records it: float-free, decimals as strings.
    pub fn summary(&self, clock: &Clock, samples: usize) -> Value {
        let rubric = &self.scored.rubric;
        let pct = |share: f64| format!("{:.2}", share * 100.0);
        let ids = |rows: &[usize]| rows.iter().map(|&i| self.table.rows[i].id.clone()).collect::<Vec<_>>();
        json!({
            "as_of": clock.as_of.to_string(),
            "rubric": { "id": rubric.id, "version": rubric.version, "sha256": rubric.sha256 },
            "cohort": self.scored.cards.len(),
            "level": level_str(self.level),
            "renormalize": self.renormalize.as_str(),
            "samples": samples,
            "seed": self.seed,
            "spread": self.spread.map(|s| format!("{s}")),
            "panel_samples": self.panel,
            "winner": self.winner().map(|w| w.id.clone()),
            "most_critical": self.most_critical(),
            "weights": self.weights.iter().map(|w| json!({
                "weight": format!("{}:{}", Self::level_of(w.weight), self.weight_id(w.weight)),
                "share": pct(w.share),
                "winner_interval": [pct(w.winner_interval.0), pct(w.winner_interval.1)],
                "flip_down": w.flip_down.as_ref().map(|f| json!({"share": pct(f.share), "winner": self.table.rows[f.winner].id})),
                "flip_up": w.flip_up.as_ref().map(|f| json!({"share": pct(f.share), "winner": self.table.rows[f.winner].id})),
            })).collect::<Vec<_>>(),
            "rank_1_acceptability": self.smaa.as_ref().map(|s| self.table.rows.iter().enumerate()
                .map(|(i, r)| json!({"id": r.id, "share": format!("{:.4}", s.acceptability[i][0])}))
                .collect::<Vec<_>>()),
            "reversals": self.leave_one_out.iter().filter(|l| l.reversal).map(|l| l.removed.clone()).collect::<Vec<_>>(),
            "ranking": ids(&self.table.ranking(&self.table.scores(&self.table.shares))),
        })
    }

    /// The ledger entry of a `sensitivity` run.
    pub fn run(&self, clock: &Clock, samples: usize, inputs: Vec<crate::audit::ledger::FileRecord>) -> Run {
        Run {
            action: "sensitivity",
            subjects: self.scored.cards.iter().map(|c| c.vendor.clone()).collect(),
            inputs,
            outputs: Vec::new(),
            result: self.summary(clock, samples),
        }
    }
}

/// The robustness sentence of a ranking: "X stays first unless the weight
/// of Y falls below a % (now b %); first in c % of N weightings (seed S)."
pub fn sentence(table: &Table, weights: &[WeightSensitivity], smaa: Option<&Smaa>, seed: u64) -> Option<String> {
    let scores = table.scores(&table.shares);
    let row = *table.ranking(&scores).first()?;
    let winner = &table.rows[row];
    let mut text = match weights.first().filter(|w| w.critical_change().is_some()) {
        Some(w) => {
            let (direction, share) = match (&w.flip_down, &w.flip_up) {
                (Some(down), Some(up)) if (up.share - w.share) < (w.share - down.share) => ("rises above", up.share),
                (Some(down), _) => ("falls below", down.share),
                (None, Some(up)) => ("rises above", up.share),
                (None, None) => unreachable!("a critical weight has a flip"),
            };
            let name = match w.weight {
                Weight::Category(j) => &table.columns[j].name,
                Weight::Criterion(k) => &table.criteria[k].name,
            };
            format!(
                "{} stays first unless the weight of {name} {direction} {:.1} % (now {:.1} %)",
                winner.name,
                share * 100.0,
                w.share * 100.0
            )
        }
        None => format!("{} stays first whichever single weight moves", winner.name),
    };
    if let Some(smaa) = smaa {
        let first = smaa.acceptability[row].first().copied().unwrap_or(0.0);
        // Whole percent, never a near-certainty rounded to 100 % (or a chance to 0 %).
        let shown = crate::sensitivity::percent_text(first, 0);
        text.push_str(&format!("; first in {shown} % of {} weightings (seed {seed})", thousands(smaa.samples)));
    }
    text.push('.');
    Some(text)
}

/// The samples and seed of the robustness sentence on scorecards and `score --explain`.
pub const SENTENCE_SAMPLES: usize = 10_000;

/// The analyses behind the robustness sentence: the defaults of
/// `sensitivity` (category shares, proportional, 10,000 weightings, seed 1).
fn defaults(scored: &Scored) -> (Table, Vec<WeightSensitivity>, Option<Smaa>) {
    let table = Table::new(&scored.rubric, &scored.cards);
    let weights = sensitivity::one_at_a_time(&table, Level::Category, Renormalize::Proportional);
    let options = SmaaOptions {
        samples: SENTENCE_SAMPLES,
        seed: 1,
        spread: None,
        criteria: false,
        panel: false,
        pairwise: false,
        threads: 0,
    };
    let smaa = (!table.rows.is_empty()).then(|| sensitivity::smaa(&table, &options));
    (table, weights, smaa)
}

/// The robustness sentence of a scored cohort (`score --explain`).
pub fn robustness(scored: &Scored) -> Option<String> {
    let (table, weights, smaa) = defaults(scored);
    sentence(&table, &weights, smaa.as_ref(), 1)
}

/// The robustness sentence with the data of the comparison's charts: rank-1
/// acceptability per vendor and the winner interval of each category.
pub fn robustness_view(scored: &Scored) -> Option<RobustnessView> {
    let (table, weights, smaa) = defaults(scored);
    let sentence = sentence(&table, &weights, smaa.as_ref(), 1)?;
    let smaa = smaa?;
    let order = table.ranking(&table.scores(&table.shares));
    let first = order
        .iter()
        .map(|&i| FirstShare { name: table.rows[i].name.clone(), percent: smaa.acceptability[i][0] * 100.0 })
        .collect();
    let mut intervals: Vec<WinnerInterval> = weights
        .iter()
        .filter_map(|w| match w.weight {
            Weight::Category(j) => Some(WinnerInterval {
                name: table.columns[j].name.clone(),
                now: w.share * 100.0,
                lo: w.winner_interval.0 * 100.0,
                hi: w.winner_interval.1 * 100.0,
            }),
            Weight::Criterion(_) => None,
        })
        .collect();
    // A tornado chart: the narrowest interval on top.
    intervals.sort_by(|a, b| (a.hi - a.lo).total_cmp(&(b.hi - b.lo)));
    Some(RobustnessView { sentence, samples: smaa.samples, seed: 1, first, intervals })
}

/// `category`, `criterion` or `both`.
pub fn level_str(level: Level) -> &'static str {
    match level {
        Level::Category => "category",
        Level::Criterion => "criterion",
        Level::Both => "both",
    }
}

/// 10000 as "10,000".
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Score the cohort, then move its weights.
pub fn sensitivity(
    workspace: &Workspace,
    clock: &Clock,
    request: &SensitivityRequest,
) -> Result<Decided<Sensitivity>, PipelineError> {
    sensitivity_observed(workspace, clock, request, &crate::progress::Unobserved)
}

/// [`sensitivity`], telling `progress` the SMAA weightings sampled.
pub fn sensitivity_observed(
    workspace: &Workspace,
    clock: &Clock,
    request: &SensitivityRequest,
    progress: &dyn crate::progress::Progress,
) -> Result<Decided<Sensitivity>, PipelineError> {
    let mut loader = request.score.loader(workspace);
    let mut notes = Vec::new();
    let (scored, _) = score_in(&mut loader, clock, &request.score, &mut notes, |_, _| None)?;
    let value = analyse(scored, request, progress);
    Ok(Decided { value, inputs: loader.inputs(), findings: loader.findings(), notes })
}

/// The analyses of a scored cohort; `progress` hears of the SMAA samples.
pub fn analyse(scored: Scored, request: &SensitivityRequest, progress: &dyn crate::progress::Progress) -> Sensitivity {
    let table = Table::new(&scored.rubric, &scored.cards);
    let weights = sensitivity::one_at_a_time(&table, request.level, request.renormalize);
    let smaa = (request.samples > 0 && !table.rows.is_empty()).then(|| {
        let options = SmaaOptions {
            samples: request.samples,
            seed: request.seed,
            spread: request.spread,
            criteria: request.level != Level::Category,
            panel: request.panel,
            pairwise: true,
            threads: request.threads,
        };
        sensitivity::smaa_observed(&table, &options, progress)
    });
    let leave_one_out =
        sensitivity::leave_one_out(&scored.rubric, &scored.submissions, &scored.measured, &scored.cards);
    Sensitivity {
        scored,
        table,
        level: request.level,
        renormalize: request.renormalize,
        seed: request.seed,
        spread: request.spread,
        panel: request.panel,
        weights,
        smaa,
        leave_one_out,
    }
}

#[cfg(test)]
mod tests {
    use super::thousands;

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(10_000), "10,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }
}
