//! SMAA-2 (Lahdelma and Salminen, 2001): draw many weightings, score and
//! rank the vendors under each, and count.
//!
//! The generator is ChaCha with 8 rounds (`rand_chacha::ChaCha8Rng`, pinned
//! by Cargo.lock): its output is fixed by the ChaCha algorithm, the key
//! (the seed as 8 little-endian bytes, then 24 zero bytes) and the stream
//! number, so a seed gives the same samples in every version that keeps
//! this file's recipe. Samples are cut into chunks of [`CHUNK`]; chunk `k`
//! reads stream `k` from its start, whichever thread computes it, and the
//! chunks are added up in chunk order, so every thread count gives the same
//! bytes. A uniform number is the top 53 bits of one `u64` over 2^53. Each
//! sample draws the category shares, then (when sampled) each category's
//! criterion shares in rubric order, then (with panel sampling) one
//! evaluator per panel criterion, vendor by vendor.

use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{RngCore, SeedableRng};

use super::table::{Shares, Table};

/// Samples per chunk (one ChaCha stream each).
pub const CHUNK: usize = 1000;

/// What to sample.
#[derive(Debug, Clone, PartialEq)]
pub struct SmaaOptions {
    pub samples: usize,
    pub seed: u64,
    /// `--spread PCT`: each weight uniform within ±PCT % of its value, then
    /// normalised; `None`: shares uniform on the simplex.
    pub spread: Option<f64>,
    /// Sample criterion shares within each category too.
    pub criteria: bool,
    /// Draw one evaluator's value per panel criterion and vendor in each
    /// sample, instead of the panel's aggregate (gates stay as decided).
    pub panel: bool,
    /// Count the pairwise winning index (n² per sample; the robustness sentence does without).
    pub pairwise: bool,
    /// Worker threads, 0 for one per core; the result does not depend on it.
    pub threads: usize,
}

/// The counts of a run, as fractions of the samples.
#[derive(Debug, Clone, PartialEq)]
pub struct Smaa {
    pub samples: usize,
    /// Per row, the share of samples at rank 1..=n.
    pub acceptability: Vec<Vec<f64>>,
    /// Per row, the mean category shares over the samples where it ranks
    /// first; `None` if it never does.
    pub central: Vec<Option<Vec<f64>>>,
    /// Per row: 1 if it ranks first at its own central weights, else 0.
    pub confidence: Vec<u8>,
    /// `pairwise[i][j]`: the share of samples in which row i scores above row j
    /// (empty unless asked for).
    pub pairwise: Vec<Vec<f64>>,
}

/// One chunk's tallies.
#[derive(Debug, Clone)]
struct Tally {
    ranks: Vec<u64>,
    central: Vec<f64>,
    above: Vec<u64>,
}

impl Tally {
    fn new(n: usize, m: usize, pairwise: bool) -> Tally {
        Tally { ranks: vec![0; n * n], central: vec![0.0; n * m], above: vec![0; if pairwise { n * n } else { 0 }] }
    }

    fn add(&mut self, other: &Tally) {
        self.ranks.iter_mut().zip(&other.ranks).for_each(|(a, b)| *a += b);
        self.central.iter_mut().zip(&other.central).for_each(|(a, b)| *a += b);
        self.above.iter_mut().zip(&other.above).for_each(|(a, b)| *a += b);
    }
}

/// A uniform number in [0, 1) from 53 random bits.
fn uniform(rng: &mut ChaCha8Rng) -> f64 {
    (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// The generator of chunk `k`.
pub fn generator(seed: u64, chunk: u64) -> ChaCha8Rng {
    let mut key = [0u8; 32];
    key[..8].copy_from_slice(&seed.to_le_bytes());
    let mut rng = ChaCha8Rng::from_seed(key);
    rng.set_stream(chunk);
    rng
}

/// Shares drawn into `out`: uniform on the simplex (sorted uniform
/// spacings), or each of `base` within ±`spread` % and normalised.
fn draw(rng: &mut ChaCha8Rng, base: &[f64], spread: Option<f64>, out: &mut [f64], cuts: &mut Vec<f64>) {
    match spread {
        None => {
            cuts.clear();
            cuts.extend((1..base.len()).map(|_| uniform(rng)));
            cuts.sort_by(f64::total_cmp);
            let mut previous = 0.0;
            for (slot, cut) in out.iter_mut().zip(cuts.iter().copied().chain([1.0])) {
                *slot = cut - previous;
                previous = cut;
            }
        }
        Some(pct) => {
            let mut sum = 0.0;
            for (slot, w) in out.iter_mut().zip(base) {
                *slot = w * (1.0 + pct / 100.0 * (2.0 * uniform(rng) - 1.0));
                sum += *slot;
            }
            out.iter_mut().for_each(|s| *s /= sum);
        }
    }
}

/// Run SMAA-2 on a table.
pub fn smaa(table: &Table, options: &SmaaOptions) -> Smaa {
    smaa_observed(table, options, &crate::progress::Unobserved)
}

/// Run SMAA-2 on a table, telling `progress` the samples drawn.
pub fn smaa_observed(table: &Table, options: &SmaaOptions, progress: &dyn crate::progress::Progress) -> Smaa {
    progress.start("sampling weightings", options.samples as u64);
    let n = table.rows.len();
    let m = table.columns.len();
    let chunks = options.samples.div_ceil(CHUNK);
    let threads = crate::parallel::threads(options.threads).clamp(1, chunks.max(1));
    let mut partials: Vec<(usize, Tally)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|worker| {
                scope.spawn(move || {
                    (worker..chunks)
                        .step_by(threads)
                        .map(|k| {
                            let count = CHUNK.min(options.samples - k * CHUNK);
                            let tally = chunk(table, options, k as u64, count);
                            progress.advance(count as u64);
                            (k, tally)
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().expect("a sampling thread panicked")).collect()
    });
    progress.finish();
    partials.sort_by_key(|p| p.0);
    let mut total = Tally::new(n, m, options.pairwise);
    for (_, tally) in &partials {
        total.add(tally);
    }
    let samples = options.samples.max(1) as f64;
    let acceptability: Vec<Vec<f64>> =
        (0..n).map(|i| (0..n).map(|r| total.ranks[i * n + r] as f64 / samples).collect()).collect();
    let central: Vec<Option<Vec<f64>>> = (0..n)
        .map(|i| {
            let firsts = total.ranks[i * n];
            (firsts > 0).then(|| (0..m).map(|c| total.central[i * m + c] / firsts as f64).collect())
        })
        .collect();
    let confidence = central
        .iter()
        .enumerate()
        .map(|(i, weights)| {
            let Some(weights) = weights else { return 0 };
            let shares = Shares { categories: weights.clone(), criteria: table.shares.criteria.clone() };
            u8::from(table.ranking(&table.scores(&shares)).first() == Some(&i))
        })
        .collect();
    let pairwise = match options.pairwise {
        true => (0..n).map(|i| (0..n).map(|j| total.above[i * n + j] as f64 / samples).collect()).collect(),
        false => Vec::new(),
    };
    Smaa { samples: options.samples, acceptability, central, confidence, pairwise }
}

/// `count` samples of chunk `k`.
fn chunk(table: &Table, options: &SmaaOptions, k: u64, count: usize) -> Tally {
    let n = table.rows.len();
    let m = table.columns.len();
    let mut tally = Tally::new(n, m, options.pairwise);
    let mut rng = generator(options.seed, k);
    let mut shares = table.shares.clone();
    let mut cuts = Vec::new();
    // Criterion shares and answers as written: each vendor's category scores are fixed.
    let panel = options.panel && table.rows.iter().any(|r| !r.panel.is_empty());
    let fixed = (!options.criteria && !panel).then(|| table.category_scores(&table.shares.criteria));
    let mut drawn: Vec<Vec<f64>> = if panel { table.rows.iter().map(|r| r.s.clone()).collect() } else { Vec::new() };
    let mut scores = vec![0.0; n];
    let mut order: Vec<usize> = (0..n).collect();
    let mut keys = Vec::with_capacity(n);
    for _ in 0..count {
        draw(&mut rng, &table.shares.categories, options.spread, &mut shares.categories, &mut cuts);
        if options.criteria {
            for column in &table.columns {
                let range = column.criteria.clone();
                draw(
                    &mut rng,
                    &table.shares.criteria[range.clone()],
                    options.spread,
                    &mut shares.criteria[range],
                    &mut cuts,
                );
            }
        }
        match &fixed {
            Some(matrix) => {
                for (score, row) in scores.iter_mut().zip(matrix) {
                    *score = category_score(row, &shares.categories);
                }
            }
            None if panel => {
                for ((score, row), s) in scores.iter_mut().zip(&table.rows).zip(&mut drawn) {
                    for (k, values) in &row.panel {
                        s[*k] = values[((uniform(&mut rng) * values.len() as f64) as usize).min(values.len() - 1)];
                    }
                    *score = table.score_of(s, &row.answered, &shares);
                }
            }
            None => {
                for (score, row) in scores.iter_mut().zip(&table.rows) {
                    *score = table.score(row, &shares);
                }
            }
        }
        order.iter_mut().enumerate().for_each(|(i, o)| *o = i);
        table.sort_with(&mut order, &scores, &mut keys);
        for (rank, &i) in order.iter().enumerate() {
            tally.ranks[i * n + rank] += 1;
        }
        if let Some(&first) = order.first() {
            for (sum, share) in tally.central[first * m..(first + 1) * m].iter_mut().zip(&shares.categories) {
                *sum += share;
            }
        }
        // Branch-free over whole rows, so the compiler can vectorise it.
        for (i, &si) in scores.iter().enumerate().filter(|_| options.pairwise) {
            for (count, &sj) in tally.above[i * n..(i + 1) * n].iter_mut().zip(&scores) {
                *count += u64::from(si > sj);
            }
        }
    }
    tally
}

/// A score from fixed category scores (`None`: left out) and category shares.
fn category_score(row: &[Option<f64>], shares: &[f64]) -> f64 {
    let (mut points, mut included) = (0.0, 0.0);
    for (score, p) in row.iter().zip(shares) {
        if let Some(score) = score {
            points += p * score;
            included += p;
        }
    }
    let score = match row.iter().all(Option::is_some) {
        true => 100.0 * points,
        false if included > 0.0 => 100.0 * points / included,
        false => 0.0,
    };
    score.clamp(0.0, 100.0)
}
