//! Sensitivity worked by hand, and against references that share none of
//! its code: `scoring::score` on a rubric whose weights were moved, and a
//! brute-force scan (fine grid plus bisection) of the winner.

use std::collections::BTreeMap;

use super::oat::{self, Level, Renormalize, Weight, moved, shares_with};
use super::*;
use crate::diag::Diagnostics;
use crate::model::{AnswerValue, FileKind, GivenAnswer, GivenValue, Rubric, Submission};
use crate::scoring::{self, Measured, Scorecard, Status};
use crate::sensitivity::diff;
use crate::source::SourceFile;
use crate::validate::{CheckedFile, check_source};

fn rubric(text: &str) -> Rubric {
    let mut file = CheckedFile::new(SourceFile::new("r.toml", text), None);
    let mut diagnostics = Diagnostics::default();
    check_source(&mut file, crate::validate::Expect::Exactly(FileKind::Rubric), &mut diagnostics);
    assert!(!diagnostics.has_errors(), "{:#?}", diagnostics.into_vec());
    file.rubric.expect("valid rubric")
}

fn vendor(id: &str, answers: &[(&str, GivenValue)]) -> Submission {
    let answer = |value: &GivenValue| {
        let given = match value {
            GivenValue::Bool(b) => AnswerValue::Bool(*b),
            GivenValue::Number(n) => AnswerValue::Float(*n),
            GivenValue::Level(l) => AnswerValue::Integer(*l),
            GivenValue::Options(_) => unreachable!("not used here"),
        };
        GivenAnswer { value: value.clone(), given, evidence: Vec::new(), note: None }
    };
    Submission {
        id: id.into(),
        name: id.to_uppercase(),
        country: None,
        folder: format!("vendors/{id}"),
        answers: answers.iter().map(|(k, v)| (k.to_string(), answer(v))).collect(),
        panel: BTreeMap::new(),
        moderated: BTreeMap::new(),
        excluded: BTreeMap::new(),
    }
}

fn number(n: f64) -> GivenValue {
    GivenValue::Number(n)
}

/// Three categories of one criterion each, `s` = value / 100.
const LINES: &str = r#"
[rubric]
id = "lines"
name = "Lines"
version = "1.0.0"
pass_mark = 55

[[category]]
id = "a"
name = "A"
weight = 3
[[category.criterion]]
id = "v"
name = "A value"
weight = 1
kind = "number"
worst = 0
best = 100

[[category]]
id = "b"
name = "B"
weight = 1
[[category.criterion]]
id = "v"
name = "B value"
weight = 1
kind = "number"
worst = 0
best = 100

[[category]]
id = "c"
name = "C"
weight = 1
[[category.criterion]]
id = "v"
name = "C value"
weight = 1
kind = "number"
worst = 0
best = 100
"#;

/// Shares (a, b, c) = (0.6, 0.2, 0.2). Moving a's share x proportionally,
/// b and c get (1 − x)/2 each, so a vendor scores 100 (O + x (A − O)) with
/// O = (B + C)/2: p = 30 + 60x, q = 60, r = 90 − 70x, t = 50 + 25x.
fn lines() -> (Rubric, Vec<Submission>) {
    let row =
        |id: &str, a: f64, b: f64, c: f64| vendor(id, &[("a.v", number(a)), ("b.v", number(b)), ("c.v", number(c))]);
    let subs = vec![
        row("p", 90.0, 30.0, 30.0),
        row("q", 60.0, 60.0, 60.0),
        row("r", 20.0, 100.0, 80.0),
        row("t", 75.0, 40.0, 60.0),
    ];
    (rubric(LINES), subs)
}

fn table_of(rubric: &Rubric, subs: &[Submission]) -> (Table, Vec<Scorecard>) {
    let cards = scoring::score(rubric, subs, &Measured::new());
    (Table::new(rubric, &cards), cards)
}

fn id(table: &Table, row: usize) -> &str {
    &table.rows[row].id
}

fn close(a: f64, b: f64, tolerance: f64) -> bool {
    (a - b).abs() <= tolerance
}

#[test]
fn intervals_and_flips_worked_by_hand() {
    let (rubric, subs) = lines();
    let (table, _) = table_of(&rubric, &subs);
    let results = oat::one_at_a_time(&table, Level::Category, Renormalize::Proportional);
    let find = |j: usize| results.iter().find(|r| r.weight == Weight::Category(j)).unwrap();

    // a at 0.6: p (66) leads t (65). p = t at 30 + 60x = 50 + 25x, x = 4/7.
    let a = find(0);
    assert!(close(a.share, 0.6, 1e-12));
    assert!(close(a.winner_interval.0, 4.0 / 7.0, 1e-9), "{a:?}");
    assert_eq!(a.winner_interval.1, 1.0);
    let down = a.flip_down.as_ref().unwrap();
    assert_eq!(id(&table, down.winner), "t");
    assert!(a.flip_up.is_none());
    // Every other crossing lies below 4/7, so the ranking p, t, q, r holds on the same stretch.
    assert!(close(a.ranking_interval.0, 4.0 / 7.0, 1e-9) && a.ranking_interval.1 == 1.0);
    // Pass mark 55, and a status changes where the rounded score crosses it,
    // at an unrounded 54.995: r = 90 − 70x falls below for x > 35.005/70;
    // p = 30 + 60x rises above at x = 24.995/60, t = 50 + 25x at 4.995/25.
    let crossings: Vec<(&str, f64, Status)> =
        a.pass_mark_crossings.iter().map(|c| (id(&table, c.vendor), c.share, c.status)).collect();
    assert_eq!(crossings.len(), 3, "{crossings:?}");
    let expected = [
        ("t", 4.995 / 25.0, Status::BelowPassMark),
        ("p", 24.995 / 60.0, Status::BelowPassMark),
        ("r", 35.005 / 70.0, Status::Qualified),
    ];
    for ((vendor, share, status), (want_vendor, want_share, want_status)) in crossings.iter().zip(expected) {
        assert_eq!((*vendor, *status), (want_vendor, want_status));
        assert!(close(*share, want_share, 1e-9), "{vendor}: {share} vs {want_share}");
    }

    // b at 0.2: a and c get 0.75 (1 − y) and 0.25 (1 − y): p = 75 − 45y, t = 71.25 − 31.25y,
    // q = 60, r = 35 + 65y. t passes p at y = 3.75/13.75 = 3/11.
    let b = find(1);
    assert!(b.flip_down.is_none());
    let up = b.flip_up.as_ref().unwrap();
    assert_eq!(id(&table, up.winner), "t");
    assert!(close(up.share, 3.0 / 11.0, 1e-9));
    assert_eq!(b.winner_interval.0, 0.0);
    // c at 0.2, the same way: p = 75 − 45z, t = 66.25 − 6.25z, equal at z = 8.75/38.75 = 7/31.
    // The most critical weight comes first: c (7/31 − 1/5 = 4/155 ≈ 0.0258) before
    // a (0.6 − 4/7 ≈ 0.0286) before b (3/11 − 1/5 ≈ 0.0727).
    let order: Vec<Weight> = results.iter().map(|r| r.weight).collect();
    assert_eq!(order, [Weight::Category(2), Weight::Category(0), Weight::Category(1)]);
    assert!(close(results[0].critical_change().unwrap(), 4.0 / 155.0, 1e-9));
    assert_eq!(id(&table, results[0].flip_up.as_ref().unwrap().winner), "t");
}

/// The reference's renormalisation, written from SPEC section 13 alone.
fn reference_shares(base: &[f64], j: usize, x: f64, how: Renormalize) -> Vec<f64> {
    let x0 = base[j];
    let mut out: Vec<f64> = match how {
        Renormalize::Proportional => base.iter().map(|p| p * (1.0 - x) / (1.0 - x0)).collect(),
        Renormalize::Equal => {
            let others = (base.len() - 1) as f64;
            let raw: Vec<f64> = base.iter().map(|p| (p - (x - x0) / others).max(0.0)).collect();
            let sum: f64 = raw.iter().enumerate().filter(|(i, _)| *i != j).map(|(_, p)| p).sum();
            raw.iter().map(|p| if sum > 0.0 { p * (1.0 - x) / sum } else { 0.0 }).collect()
        }
    };
    out[j] = x;
    out
}

/// The winner by `scoring::score` on the rubric with category j's share at x.
fn reference_winner(rubric: &Rubric, subs: &[Submission], j: usize, x: f64, how: Renormalize) -> String {
    let total: f64 = rubric.categories.iter().map(|c| c.weight).sum();
    let base: Vec<f64> = rubric.categories.iter().map(|c| c.weight / total).collect();
    let mut moved_rubric = rubric.clone();
    for (category, share) in moved_rubric.categories.iter_mut().zip(reference_shares(&base, j, x, how)) {
        category.weight = share;
    }
    let mut cards = scoring::score(&moved_rubric, subs, &Measured::new());
    // SPEC section 13 compares unrounded scores (`score` ranks on cents).
    cards.retain(|c| c.status != Status::Disqualified);
    cards.sort_by(|a, b| a.status.cmp(&b.status).then(b.score.total_cmp(&a.score)).then(a.vendor.cmp(&b.vendor)));
    cards.first().map(|c| c.vendor.clone()).unwrap_or_default()
}

/// Where the winner changes on [0, 1]: a grid of 1/2000, each change bisected.
fn reference_flips(rubric: &Rubric, subs: &[Submission], j: usize, how: Renormalize) -> Vec<(f64, String)> {
    let winner = |x: f64| reference_winner(rubric, subs, j, x, how);
    let steps = 2000;
    let mut flips = Vec::new();
    let mut previous = winner(0.0);
    for i in 1..=steps {
        let x = i as f64 / steps as f64;
        let now = winner(x);
        if now != previous {
            let (mut lo, mut hi) = ((i - 1) as f64 / steps as f64, x);
            while hi - lo > 1e-9 {
                let mid = 0.5 * (lo + hi);
                if winner(mid) == previous { lo = mid } else { hi = mid }
            }
            flips.push((0.5 * (lo + hi), now.clone()));
            previous = now;
        }
    }
    flips
}

fn check_against_reference(rubric: &Rubric, subs: &[Submission], how: Renormalize) -> usize {
    let (table, _) = table_of(rubric, subs);
    let mut checked = 0;
    for j in 0..table.columns.len() {
        let result = oat::analyse(&table, Weight::Category(j), how);
        let x0 = result.share;
        let flips = reference_flips(rubric, subs, j, how);
        let below = flips.iter().rfind(|f| f.0 < x0);
        let above = flips.iter().find(|f| f.0 > x0);
        match (below, &result.flip_down) {
            (None, None) => assert_eq!(result.winner_interval.0, 0.0),
            (Some((share, to)), Some(flip)) => {
                // The winner just below the flip is the one before it in the reference's list.
                let index = flips.iter().position(|f| f.0 == *share).unwrap();
                let new =
                    if index == 0 { reference_winner(rubric, subs, j, 0.0, how) } else { flips[index - 1].1.clone() };
                assert!(close(flip.share, *share, 1e-6), "{j}: {} vs {share}", flip.share);
                assert_eq!(id(&table, flip.winner), new, "{j} down {to}");
                assert!(close(result.winner_interval.0, *share, 1e-6));
                checked += 1;
            }
            other => panic!("category {j} ({how:?}): flip down differs: {other:?}"),
        }
        match (above, &result.flip_up) {
            (None, None) => assert_eq!(result.winner_interval.1, 1.0),
            (Some((share, to)), Some(flip)) => {
                assert!(close(flip.share, *share, 1e-6), "{j}: {} vs {share}", flip.share);
                assert_eq!(id(&table, flip.winner), to);
                assert!(close(result.winner_interval.1, *share, 1e-6));
                checked += 1;
            }
            other => panic!("category {j} ({how:?}): flip up differs: {other:?}"),
        }
    }
    checked
}

#[test]
fn flips_match_a_brute_force_reference_in_both_renormalisations() {
    let (rubric, subs) = lines();
    assert!(check_against_reference(&rubric, &subs, Renormalize::Proportional) >= 3);
    assert!(check_against_reference(&rubric, &subs, Renormalize::Equal) >= 2);
    // Five categories with uneven shares: equal renormalisation clips several of them.
    let five = five_categories();
    assert!(check_against_reference(&five.0, &five.1, Renormalize::Proportional) >= 3);
    assert!(check_against_reference(&five.0, &five.1, Renormalize::Equal) >= 3);
}

fn five_categories() -> (Rubric, Vec<Submission>) {
    let mut text = String::from("[rubric]\nid = \"five\"\nname = \"Five\"\nversion = \"1.0.0\"\n");
    for (id, weight) in [("a", 5), ("b", 1), ("c", 2), ("d", 8), ("e", 3)] {
        text.push_str(&format!(
            "[[category]]\nid = \"{id}\"\nname = \"{id}\"\nweight = {weight}\n[[category.criterion]]\nid = \"v\"\nname = \"v\"\nweight = 1\nkind = \"number\"\nworst = 0\nbest = 100\n"
        ));
    }
    let values = [
        ("k", [90.0, 10.0, 50.0, 40.0, 70.0]),
        ("l", [20.0, 95.0, 80.0, 60.0, 30.0]),
        ("m", [60.0, 60.0, 10.0, 55.0, 89.0]),
        ("n", [40.0, 30.0, 95.0, 50.0, 20.0]),
        ("o", [55.0, 50.0, 45.0, 52.0, 58.0]),
    ];
    let subs = values
        .iter()
        .map(|(id, v)| {
            let answers: Vec<(String, GivenValue)> =
                ["a", "b", "c", "d", "e"].iter().zip(v).map(|(c, x)| (format!("{c}.v"), number(*x))).collect();
            let refs: Vec<(&str, GivenValue)> = answers.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
            vendor(id, &refs)
        })
        .collect();
    (rubric(&text), subs)
}

#[test]
fn equal_renormalisation_spreads_the_difference_and_clips_at_zero() {
    let base = [0.5, 0.3, 0.2];
    // Up by 0.3: each other share gives 0.15.
    let up = moved(&base, 0, 0.8, Renormalize::Equal);
    for (got, want) in up.iter().zip([0.8, 0.15, 0.05]) {
        assert!(close(*got, want, 1e-12), "{up:?}");
    }
    // Up by 0.45: 0.3 − 0.225 = 0.075 and 0.2 − 0.225 < 0 → 0; rescaled to 1 − 0.95: 0.05 and 0.
    let clipped = moved(&base, 0, 0.95, Renormalize::Equal);
    for (got, want) in clipped.iter().zip([0.95, 0.05, 0.0]) {
        assert!(close(*got, want, 1e-12), "{clipped:?}");
    }
    // Down by 0.2: each other share gains 0.1.
    let down = moved(&base, 0, 0.3, Renormalize::Equal);
    for (got, want) in down.iter().zip([0.3, 0.4, 0.3]) {
        assert!(close(*got, want, 1e-12), "{down:?}");
    }
    // Proportional keeps the others' ratio: 0.3 : 0.2 of 0.2.
    let proportional = moved(&base, 0, 0.8, Renormalize::Proportional);
    for (got, want) in proportional.iter().zip([0.8, 0.12, 0.08]) {
        assert!(close(*got, want, 1e-12), "{proportional:?}");
    }
}

/// Prices, a gate and unanswered criteria, in both `missing` modes.
const MIXED: &str = r#"
[rubric]
id = "mixed"
name = "Mixed"
version = "1.0.0"
pass_mark = 40
missing = "MISSING"

[[category]]
id = "quality"
name = "Quality"
weight = 4
[[category.criterion]]
id = "speed"
name = "Speed"
weight = 3
kind = "number"
worst = 0
best = 100
[[category.criterion]]
id = "care"
name = "Care"
weight = 1
kind = "number"
worst = 0
best = 10

[[category]]
id = "security"
name = "Security"
weight = 2
[[category.criterion]]
id = "dpa"
name = "DPA"
weight = 2
kind = "boolean"
gate = true
[[category.criterion]]
id = "audit"
name = "Audit"
weight = 1
kind = "number"
worst = 0
best = 5

[[category]]
id = "price"
name = "Price"
weight = 3
[[category.criterion]]
id = "monthly"
name = "Monthly"
weight = 1
kind = "price"
"#;

fn mixed(missing: &str) -> (Rubric, Vec<Submission>) {
    let subs = vec![
        vendor(
            "u",
            &[
                ("quality.speed", number(80.0)),
                ("quality.care", number(4.0)),
                ("security.dpa", GivenValue::Bool(true)),
                ("price.monthly", number(120.0)),
            ],
        ),
        vendor(
            "w",
            &[
                ("quality.speed", number(40.0)),
                ("security.dpa", GivenValue::Bool(true)),
                ("security.audit", number(5.0)),
                ("price.monthly", number(90.0)),
            ],
        ),
        vendor(
            "x",
            &[
                ("quality.care", number(9.0)),
                ("security.dpa", GivenValue::Bool(true)),
                ("security.audit", number(2.0)),
                ("price.monthly", number(100.0)),
            ],
        ),
        // Disqualified: its low price is left out of the price cohort.
        vendor(
            "z",
            &[
                ("quality.speed", number(99.0)),
                ("security.dpa", GivenValue::Bool(false)),
                ("price.monthly", number(10.0)),
            ],
        ),
    ];
    (rubric(&MIXED.replace("MISSING", missing)), subs)
}

#[test]
fn scores_by_shares_equal_scoring_on_a_moved_rubric() {
    for missing in ["zero", "exclude"] {
        let (rubric, subs) = mixed(missing);
        let (table, _) = table_of(&rubric, &subs);
        assert_eq!(table.rows.len(), 3, "z is disqualified");
        let weights = oat::weights(&table, Level::Both);
        assert_eq!(weights.len(), 3 + 4, "the price category's single criterion cannot move");
        for weight in weights {
            for how in [Renormalize::Proportional, Renormalize::Equal] {
                for x in [0.05, 0.37, 0.9] {
                    let shares = shares_with(&table, weight, x, how);
                    let mut moved_rubric = rubric.clone();
                    let mut k = 0;
                    for (category, p) in moved_rubric.categories.iter_mut().zip(&shares.categories) {
                        category.weight = *p;
                        for criterion in &mut category.criteria {
                            criterion.weight = shares.criteria[k].max(1e-300);
                            k += 1;
                        }
                    }
                    let cards = scoring::score(&moved_rubric, &subs, &Measured::new());
                    for row in &table.rows {
                        let card = cards.iter().find(|c| c.vendor == row.id).unwrap();
                        let ours = table.score(row, &shares);
                        assert!(
                            close(ours, card.score, 1e-9),
                            "{missing} {weight:?} {how:?} {x}: {ours} vs {}",
                            card.score
                        );
                        assert_eq!(table.status(ours), card.status);
                    }
                }
            }
        }
    }
}

#[test]
fn non_linear_scores_fall_back_to_bisection_and_agree_with_scoring() {
    let (rubric, subs) = mixed("exclude");
    let (table, _) = table_of(&rubric, &subs);
    assert!(!table.linear());
    for result in oat::one_at_a_time(&table, Level::Both, Renormalize::Proportional) {
        for flip in [&result.flip_down, &result.flip_up].into_iter().flatten() {
            // Just either side of the flip, scoring::score agrees on who leads.
            let winner_at = |x: f64| {
                let shares = shares_with(&table, result.weight, x, Renormalize::Proportional);
                let scores = table.scores(&shares);
                table.ranking(&scores)[0]
            };
            let side = if flip.share < result.share { -1e-6 } else { 1e-6 };
            assert_eq!(winner_at(flip.share + side), flip.winner, "{result:?}");
            assert_ne!(winner_at(flip.share - side), flip.winner, "{result:?}");
        }
    }
}

fn analytic() -> (Table, Vec<Scorecard>) {
    let text = r#"
[rubric]
id = "two"
name = "Two"
version = "1.0.0"
[[category]]
id = "one"
name = "One"
weight = 1
[[category.criterion]]
id = "v"
name = "v"
weight = 1
kind = "number"
worst = 0
best = 1
[[category]]
id = "two"
name = "Two"
weight = 1
[[category.criterion]]
id = "v"
name = "v"
weight = 1
kind = "number"
worst = 0
best = 1
"#;
    let subs = vec![
        vendor("a", &[("one.v", number(1.0)), ("two.v", number(0.0))]),
        vendor("b", &[("one.v", number(0.0)), ("two.v", number(1.0))]),
    ];
    table_of(&rubric(text), &subs)
}

fn options(samples: usize, seed: u64, threads: usize) -> SmaaOptions {
    SmaaOptions { samples, seed, spread: None, criteria: false, panel: false, pairwise: true, threads }
}

#[test]
fn smaa_matches_the_analytic_two_vendor_case() {
    // a = (1, 0), b = (0, 1), shares (w, 1 − w) with w uniform: a ranks first
    // when w > 1/2 (probability 1/2), and then w is uniform on (1/2, 1): mean
    // 3/4, variance 1/48. Tolerances are four binomial / sample-mean standard errors.
    let (table, _) = analytic();
    let n = 40_000;
    let result = smaa(&table, &options(n, 1, 2));
    let a = table.rows.iter().position(|r| r.id == "a").unwrap();
    let b = 1 - a;
    let sigma = (0.25 / n as f64).sqrt();
    assert!(close(result.acceptability[a][0], 0.5, 4.0 * sigma), "{:?}", result.acceptability);
    assert!(close(result.acceptability[a][0] + result.acceptability[b][0], 1.0, 1e-12));
    let firsts = result.acceptability[a][0] * n as f64;
    let sigma_mean = (1.0 / 48.0 / firsts).sqrt();
    let central = result.central[a].as_ref().unwrap();
    assert!(close(central[0], 0.75, 4.0 * sigma_mean), "{central:?}");
    assert!(close(central[1], 0.25, 4.0 * sigma_mean), "{central:?}");
    let central_b = result.central[b].as_ref().unwrap();
    assert!(close(central_b[0], 0.25, 4.0 * (1.0 / 48.0 / (n as f64 - firsts)).sqrt()));
    assert_eq!(result.confidence, vec![1, 1], "each wins at its own central weights");
    assert!(close(result.pairwise[a][b], 0.5, 4.0 * sigma));
    assert!(close(result.pairwise[a][b] + result.pairwise[b][a], 1.0, 1e-12), "no ties off a null set");
}

#[test]
fn smaa_is_fixed_by_its_seed_and_not_by_the_thread_count() {
    let (rubric, subs) = five_categories();
    let (table, _) = table_of(&rubric, &subs);
    let one = smaa(&table, &options(2_500, 7, 1));
    assert_eq!(smaa(&table, &options(2_500, 7, 1)), one, "same seed, same result");
    assert_eq!(smaa(&table, &options(2_500, 7, 2)), one, "two threads");
    assert_eq!(smaa(&table, &options(2_500, 7, 3)), one, "three threads");
    assert_ne!(smaa(&table, &options(2_500, 8, 1)).acceptability, one.acceptability, "another seed, another sample");
    // Without the pairwise index (the robustness sentence), the same sample and the same counts.
    let lean = smaa(&table, &SmaaOptions { pairwise: false, ..options(2_500, 7, 2) });
    assert!(lean.pairwise.is_empty());
    assert_eq!((lean.acceptability, lean.central), (one.acceptability.clone(), one.central.clone()));
    // The generator itself: chunk k is stream k of the seed's key.
    use rand_chacha::rand_core::RngCore;
    let (mut first, mut again, mut other) = (smaa::generator(7, 0), smaa::generator(7, 0), smaa::generator(7, 1));
    let word = first.next_u64();
    assert_eq!(word, again.next_u64());
    assert_ne!(word, other.next_u64());
    // Criterion shares sampled too, and a spread: still one result per seed.
    let wide = SmaaOptions { spread: Some(25.0), criteria: true, ..options(1_500, 3, 1) };
    assert_eq!(smaa(&table, &SmaaOptions { threads: 2, ..wide.clone() }), smaa(&table, &wide));
    for row in smaa(&table, &wide).acceptability {
        assert!(close(row.iter().sum::<f64>(), 1.0, 1e-9));
    }
}

#[test]
fn removing_the_cheapest_bidder_reverses_the_other_two() {
    let text = r#"
[rubric]
id = "bid"
name = "Bid"
version = "1.0.0"
[[category]]
id = "quality"
name = "Quality"
weight = 1
[[category.criterion]]
id = "v"
name = "v"
weight = 1
kind = "number"
worst = 0
best = 100
[[category]]
id = "price"
name = "Price"
weight = 1
[[category.criterion]]
id = "monthly"
name = "Monthly"
weight = 1
kind = "price"
"#;
    let rubric = rubric(text);
    // With cheap (50): x = 50 (0.5 + 50/100) = 50, y = 50 (0.9 + 50/200) = 57.5, cheap = 50 (0.1 + 1) = 55.
    // Without it (lowest 100): x = 50 (0.5 + 1) = 75, y = 50 (0.9 + 0.5) = 70.
    let bid = |id: &str, quality: f64, price: f64| {
        vendor(id, &[("quality.v", number(quality)), ("price.monthly", number(price))])
    };
    let subs = vec![bid("cheap", 10.0, 50.0), bid("x", 50.0, 100.0), bid("y", 90.0, 200.0)];
    let cards = scoring::score(&rubric, &subs, &Measured::new());
    let results = leave_one_out(&rubric, &subs, &Measured::new(), &cards);
    let cheap = results.iter().find(|r| r.removed == "cheap").unwrap();
    assert_eq!(cheap.before, ["y", "x"]);
    assert_eq!(cheap.after, ["x", "y"]);
    assert!(cheap.reversal);
    // Removing x or y leaves the lowest price at 50: nothing moves.
    for other in ["x", "y"] {
        assert!(!results.iter().find(|r| r.removed == other).unwrap().reversal, "{other}");
    }
}

const DIFF_BEFORE: &str = r#"
[rubric]
id = "r"
name = "Before"
version = "1.0.0"
pass_mark = 50
[[category]]
id = "q"
name = "Quality"
weight = 1
[[category.criterion]]
id = "speed"
name = "Speed"
weight = 1
kind = "number"
worst = 0
best = 100
gate = { min = 30 }
[[category.criterion]]
id = "care"
name = "Care"
weight = 1
kind = "number"
worst = 0
best = 10
[[category]]
id = "s"
name = "Security"
weight = 1
[[category.criterion]]
id = "dpa"
name = "DPA"
weight = 1
kind = "boolean"
"#;

#[test]
fn diff_across_a_reweighting_an_added_and_a_removed_criterion_and_a_changed_gate() {
    let before = rubric(DIFF_BEFORE);
    // Quality weighs 3, care is gone, security.audit is new, the speed gate rises to 50.
    let after_text = DIFF_BEFORE
        .replace("name = \"Quality\"\nweight = 1", "name = \"Quality\"\nweight = 3")
        .replace("gate = { min = 30 }", "gate = { min = 50 }")
        .replace(
            "[[category.criterion]]\nid = \"care\"\nname = \"Care\"\nweight = 1\nkind = \"number\"\nworst = 0\nbest = 10\n",
            "",
        )
        + "[[category.criterion]]\nid = \"audit\"\nname = \"Audit\"\nweight = 1\nkind = \"number\"\nworst = 0\nbest = 5\n";
    let after = rubric(&after_text);
    let answers = |speed: f64, care: f64, audit: f64| {
        vec![
            ("q.speed", number(speed)),
            ("q.care", number(care)),
            ("s.dpa", GivenValue::Bool(true)),
            ("s.audit", number(audit)),
        ]
    };
    let subs = vec![vendor("u", &answers(40.0, 10.0, 5.0)), vendor("v", &answers(80.0, 0.0, 0.0))];
    let old = scoring::score(&before, &subs, &Measured::new());
    let new = scoring::score(&after, &subs, &Measured::new());
    let changes = diff::compare_cards(&old, &new);
    // Before: shares q 1/2 (speed, care 1/2 each), s 1/2.
    //   u = 100 (1/2 (0.4/2 + 1/2) + 1/2) = 85, v = 100 (1/2 (0.8/2 + 0) + 1/2) = 70.
    // After: q 3/4 (speed alone), s 1/4 (dpa, audit 1/2 each); u fails the speed gate (40 < 50).
    //   u = 100 (3/4 × 0.4 + 1/4 × 1) = 55, v = 100 (3/4 × 0.8 + 1/4 × 1/2) = 72.5.
    let v = changes.iter().find(|c| c.id == "v").unwrap();
    assert_eq!(changes[0].id, "v", "in the order of the new ranking");
    assert!(close(v.before.as_ref().unwrap().score, 70.0, 1e-9) && close(v.after.as_ref().unwrap().score, 72.5, 1e-9));
    assert!(close(v.change().unwrap(), 2.5, 1e-9));
    assert_eq!((v.before.as_ref().unwrap().rank, v.after.as_ref().unwrap().rank), (Some(2), Some(1)));
    let u = changes.iter().find(|c| c.id == "u").unwrap();
    assert!(close(u.change().unwrap(), -30.0, 1e-9));
    assert_eq!(
        (u.before.as_ref().unwrap().status, u.after.as_ref().unwrap().status),
        (Status::Qualified, Status::Disqualified)
    );
    assert_eq!(u.after.as_ref().unwrap().rank, None);
    // u's points: speed 10 → 30, care 25 → 0, dpa 50 → 12.5, audit 0 → 12.5; the largest changes first.
    let moved: Vec<(&str, f64, f64)> =
        u.contributions.iter().map(|c| (c.criterion.as_str(), c.before, c.after)).collect();
    assert_eq!(moved.len(), 3);
    let expected = [("s.dpa", 50.0, 12.5), ("q.care", 25.0, 0.0), ("q.speed", 10.0, 30.0)];
    for ((id, b, a), (want_id, want_b, want_a)) in moved.into_iter().zip(expected) {
        assert_eq!(id, want_id);
        assert!(close(b, want_b, 1e-9) && close(a, want_a, 1e-9), "{id}: {b} → {a}");
    }
    let changes = diff::compare_rubrics(&before, &after);
    let rubric_changes: Vec<(&str, &str, Option<&str>, Option<&str>)> =
        changes.iter().map(|c| (c.what, c.id.as_str(), c.before.as_deref(), c.after.as_deref())).collect();
    assert_eq!(
        rubric_changes,
        [
            ("weight", "q", Some("1"), Some("3")),
            ("gate", "q.speed", Some("min 30"), Some("min 50")),
            ("criterion removed", "q.care", Some("1"), None),
            ("criterion added", "s.audit", None, Some("1")),
        ]
    );
}

#[test]
fn panel_samples_draw_one_evaluator_per_criterion() {
    let text = r#"
[rubric]
id = "panel"
name = "Panel"
version = "1.0.0"
[[category]]
id = "c"
name = "C"
weight = 1
[[category.criterion]]
id = "demo"
name = "Demo"
weight = 1
kind = "scale"
source = "panel"
levels = [{ score = 0, label = "0" }, { score = 1, label = "1" }, { score = 2, label = "2" }, { score = 3, label = "3" }, { score = 4, label = "4" }]
[[category.criterion]]
id = "other"
name = "Other"
weight = 1
kind = "number"
worst = 0
best = 100
"#;
    let rubric = rubric(text);
    let evaluators = |values: &[f64]| -> Vec<crate::model::PanelValue> {
        values
            .iter()
            .enumerate()
            .map(|(i, v)| crate::model::PanelValue { evaluator: format!("e{i}"), value: *v, note: None })
            .collect()
    };
    let mut a = vendor("a", &[("c.other", number(50.0))]);
    a.panel.insert("c.demo".into(), evaluators(&[0.0, 4.0]));
    let mut b = vendor("b", &[("c.other", number(60.0))]);
    b.panel.insert("c.demo".into(), evaluators(&[2.0, 2.0]));
    let (table, _) = table_of(&rubric, &[a, b]);
    // The median of a's panel is 2 (s = 0.5): a = 50 (0.5 + 0.5) = 50 < b = 50 (0.5 + 0.6) = 55.
    let n = 20_000;
    let fixed = smaa(&table, &options(n, 5, 2));
    let ia = table.rows.iter().position(|r| r.id == "a").unwrap();
    assert_eq!(fixed.acceptability[ia][0], 0.0);
    // One evaluator at a time: a's s is 0 or 1 with probability 1/2 each, so a scores
    // 25 or 75 and ranks first half the time (b's evaluators agree).
    let sampled = smaa(&table, &SmaaOptions { panel: true, ..options(n, 5, 2) });
    let sigma = (0.25 / n as f64).sqrt();
    assert!(close(sampled.acceptability[ia][0], 0.5, 4.0 * sigma), "{:?}", sampled.acceptability);
    assert_eq!(smaa(&table, &SmaaOptions { panel: true, ..options(n, 5, 1) }), sampled, "one thread or two");
}

#[test]
fn smaa_matches_the_analytic_three_vendor_case() {
    // Three categories, vendor i scores 100 on category i only: i ranks first
    // exactly when its share is the largest, probability 1/3 by symmetry. The
    // largest of three uniform spacings has mean (1 + 1/2 + 1/3)/3 = 11/18, so
    // i's central weights are 11/18 on its own category and 7/36 on each other.
    // Given that it is the largest, a share lies in [1/3, 1]: variance at most
    // (2/3)²/4 = 1/9, which bounds the standard error of the central weights.
    let mut text = String::from("[rubric]\nid = \"three\"\nname = \"Three\"\nversion = \"1.0.0\"\n");
    for id in ["x", "y", "z"] {
        text.push_str(&format!(
            "[[category]]\nid = \"{id}\"\nname = \"{id}\"\nweight = 1\n[[category.criterion]]\nid = \"v\"\nname = \"v\"\nweight = 1\nkind = \"number\"\nworst = 0\nbest = 100\n"
        ));
    }
    let unit = |id: &str, on: usize| {
        let answers: Vec<(String, GivenValue)> = ["x", "y", "z"]
            .iter()
            .enumerate()
            .map(|(i, c)| (format!("{c}.v"), number(if i == on { 100.0 } else { 0.0 })))
            .collect();
        let refs: Vec<(&str, GivenValue)> = answers.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
        vendor(id, &refs)
    };
    let (table, _) = table_of(&rubric(&text), &[unit("a", 0), unit("b", 1), unit("c", 2)]);
    let n = 30_000;
    let result = smaa(&table, &options(n, 11, 2));
    let first_sigma = (1.0 / 3.0 * 2.0 / 3.0 / n as f64).sqrt();
    for (i, row) in table.rows.iter().enumerate() {
        let own = ["a", "b", "c"].iter().position(|v| *v == row.id).unwrap();
        assert!(close(result.acceptability[i][0], 1.0 / 3.0, 4.0 * first_sigma), "{:?}", result.acceptability);
        let firsts = result.acceptability[i][0] * n as f64;
        let sigma = (1.0 / 9.0 / firsts).sqrt();
        let central = result.central[i].as_ref().unwrap();
        for (c, share) in central.iter().enumerate() {
            let want = if c == own { 11.0 / 18.0 } else { 7.0 / 36.0 };
            assert!(close(*share, want, 4.0 * sigma), "{}: {central:?}", row.id);
        }
        for j in (0..3).filter(|&j| j != i) {
            assert!(close(result.pairwise[i][j], 0.5, 4.0 * (0.25 / n as f64).sqrt()));
        }
    }
}

/// JSMAA (tommite/jsmaa), `lib/src/test/java/fi/smaa/jsmaa/simulator/SMAA2SimulationTest.java`,
/// `testCorrectResults`: two alternatives on three criteria with exact measurements,
/// alt1 = (1, 0, 1) and alt2 = (0, 1, 0), no weight information, 10,000 iterations.
/// JSMAA asserts that alt1's central weight is above alt2's on c1 and c3 and below
/// it on c2. As a rubric: three categories of one number criterion from 0 to 1
/// (JSMAA's scale criteria are linear between the measured extremes).
///
/// Closed form on top: alt1 ranks first when w2 < 1/2. Uniform shares on the
/// 3-simplex give w2 the density 2(1 − w2), so that has probability 3/4. Given
/// w2 > 1/2, E[w2] = 2/3 and the other two split the rest: alt2's central weights
/// are (1/6, 2/3, 1/6); from E[w2] = 1/3 overall, alt1's are (7/18, 2/9, 7/18).
/// Tolerances: four standard errors, with a share's variance bounded by 1/4.
#[test]
fn smaa_agrees_with_jsmaas_published_two_alternative_case() {
    let mut text = String::from("[rubric]\nid = \"jsmaa\"\nname = \"JSMAA\"\nversion = \"1.0.0\"\n");
    for id in ["c1", "c2", "c3"] {
        text.push_str(&format!(
            "[[category]]\nid = \"{id}\"\nname = \"{id}\"\nweight = 1\n[[category.criterion]]\nid = \"v\"\nname = \"v\"\nweight = 1\nkind = \"number\"\nworst = 0\nbest = 1\n"
        ));
    }
    let subs = vec![
        vendor("alt1", &[("c1.v", number(1.0)), ("c2.v", number(0.0)), ("c3.v", number(1.0))]),
        vendor("alt2", &[("c1.v", number(0.0)), ("c2.v", number(1.0)), ("c3.v", number(0.0))]),
    ];
    let (table, _) = table_of(&rubric(&text), &subs);
    let n = 40_000;
    let result = smaa(&table, &options(n, 3, 2));
    let alt1 = table.rows.iter().position(|r| r.id == "alt1").unwrap();
    let alt2 = 1 - alt1;
    let (cw1, cw2) = (result.central[alt1].as_ref().unwrap(), result.central[alt2].as_ref().unwrap());
    // JSMAA's assertions.
    assert!(cw1[0] > cw2[0] && cw1[1] < cw2[1] && cw1[2] > cw2[2], "{cw1:?} {cw2:?}");
    // The closed form.
    let sigma = (0.75 * 0.25 / n as f64).sqrt();
    assert!(close(result.acceptability[alt1][0], 0.75, 4.0 * sigma), "{:?}", result.acceptability);
    assert!(close(result.acceptability[alt2][1], 0.75, 4.0 * sigma), "{:?}", result.acceptability);
    let firsts = result.acceptability[alt1][0] * n as f64;
    for (central, want, count) in [
        (cw1, [7.0 / 18.0, 2.0 / 9.0, 7.0 / 18.0], firsts),
        (cw2, [1.0 / 6.0, 2.0 / 3.0, 1.0 / 6.0], n as f64 - firsts),
    ] {
        let tolerance = 4.0 * (0.25 / count).sqrt();
        for (share, want) in central.iter().zip(want) {
            assert!(close(*share, want, tolerance), "{central:?} against {want}");
        }
    }
    assert_eq!(result.confidence, vec![1, 1], "exact measurements: each wins at its own central weights");
}

#[test]
fn percents_of_samples_round_to_100_or_0_only_when_exact() {
    // 9,999 of 10,000 samples: whole percent would say "100", one decimal "100.0".
    assert_eq!(percent_text(0.9999, 0), "99.9");
    assert_eq!(percent_text(0.9999, 1), "99.9");
    assert_eq!(percent_text(0.9996, 2), "99.96");
    // 1 of 10,000: "0" and "0.0" would hide it.
    assert_eq!(percent_text(0.0001, 0), "0.1");
    assert_eq!(percent_text(0.0001, 1), "0.1");
    // 9,951 of 10,000 rounds to 100 as a whole percent but not with a decimal.
    assert_eq!(percent_text(0.9951, 0), "99.5");
    // Exact, and ordinary, shares read as rounded.
    assert_eq!(percent_text(1.0, 0), "100");
    assert_eq!(percent_text(1.0, 1), "100.0");
    assert_eq!(percent_text(0.0, 0), "0");
    assert_eq!(percent_text(0.0, 1), "0.0");
    assert_eq!(percent_text(0.87, 0), "87");
    assert_eq!(percent_text(0.1234, 1), "12.3");
}
