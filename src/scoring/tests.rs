//! Scoring examples worked by hand, and invariants on random rubrics.

use std::collections::BTreeMap;

use super::*;
use crate::diag::Diagnostics;
use crate::model::{AnswerValue, FileKind, GivenAnswer, Submission};
use crate::source::SourceFile;
use crate::validate::{CheckedFile, check_source};

pub(super) fn rubric(text: &str) -> Rubric {
    let mut file = CheckedFile::new(SourceFile::new("r.toml", text), None);
    let mut diagnostics = Diagnostics::default();
    check_source(&mut file, crate::validate::Expect::Exactly(FileKind::Rubric), &mut diagnostics);
    assert!(!diagnostics.has_errors(), "{:#?}", diagnostics.into_vec());
    file.rubric.expect("valid rubric")
}

fn answer(value: GivenValue) -> GivenAnswer {
    let given = match &value {
        GivenValue::Level(l) => AnswerValue::Integer(*l),
        GivenValue::Bool(b) => AnswerValue::Bool(*b),
        GivenValue::Number(n) => AnswerValue::Float(*n),
        GivenValue::Options(o) => {
            AnswerValue::List(o.iter().map(|v| crate::model::Spanned::new(v.clone(), 0..0)).collect())
        }
    };
    GivenAnswer { value, given, evidence: Vec::new(), note: None }
}

fn vendor(id: &str, answers: &[(&str, GivenValue)]) -> Submission {
    Submission {
        id: id.into(),
        name: id.to_uppercase(),
        country: None,
        folder: format!("vendors/{id}"),
        answers: answers.iter().map(|(k, v)| (k.to_string(), answer(v.clone()))).collect(),
        panel: BTreeMap::new(),
        moderated: BTreeMap::new(),
        excluded: BTreeMap::new(),
    }
}

fn criterion<'a>(card: &'a Scorecard, id: &str) -> &'a CriterionResult {
    card.criteria.iter().find(|c| c.id == id).expect("criterion")
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

const KINDS: &str = r#"
[rubric]
id = "kinds"
name = "All kinds"
version = "1.0.0"
pass_mark = 50

[[category]]
id = "a"
name = "A"
weight = 3

[[category.criterion]]
id = "scale"
name = "Scale"
weight = 2
kind = "scale"
levels = [{ score = 1, label = "Low" }, { score = 3, label = "Mid" }, { score = 5, label = "High" }]
gate = { min = 3 }

[[category.criterion]]
id = "flag"
name = "Boolean"
weight = 1
kind = "boolean"

[[category]]
id = "b"
name = "B"
weight = 1

[[category.criterion]]
id = "uptime"
name = "Number"
weight = 1
kind = "number"
bands = [{ at_least = 99.5, score = 1.0 }, { at_least = 99.0, score = 0.5 }]

[[category.criterion]]
id = "certs"
name = "Set"
weight = 1
kind = "set"
options = [{ value = "iso", points = 2 }, { value = "soc2", points = 2 }, { value = "pci", points = 1 }]
cap = 4
gate = { includes = ["iso"] }

[[category.criterion]]
id = "price"
name = "Price"
weight = 2
kind = "price"
"#;

#[test]
fn every_kind_weights_points_and_category_scores_by_hand() {
    let r = rubric(KINDS);
    let v = vendor(
        "v",
        &[
            ("a.scale", GivenValue::Level(3)),
            ("a.flag", GivenValue::Bool(true)),
            ("b.uptime", GivenValue::Number(99.2)),
            ("b.certs", GivenValue::Options(vec!["iso".into(), "pci".into()])),
            ("b.price", GivenValue::Number(1000.0)),
        ],
    );
    let cards = score(&r, &[v], &Measured::new());
    let card = &cards[0];
    // Effective weights: a = 75 split 2:1, b = 25 split 1:1:2.
    let ew: Vec<f64> = card.criteria.iter().map(|c| c.effective_weight).collect();
    assert!(ew.iter().zip([50.0, 25.0, 6.25, 6.25, 12.5]).all(|(a, b)| close(*a, b)), "{ew:?}");
    let s: Vec<f64> = card.criteria.iter().map(|c| c.s.unwrap()).collect();
    assert!(s.iter().zip([0.5, 1.0, 0.5, 0.75, 1.0]).all(|(a, b)| close(*a, b)), "{s:?}");
    assert!(close(card.score, 25.0 + 25.0 + 3.125 + 4.6875 + 12.5));
    assert!(close(card.categories[0].score, 100.0 * 50.0 / 75.0));
    assert!(close(card.categories[1].score, 100.0 * 20.3125 / 25.0));
    assert_eq!((card.status, card.rank, card.coverage), (Status::Qualified, Some(1), 100.0));
}

#[test]
fn unanswered_counts_zero_or_is_excluded_with_coverage() {
    let answers = [("a.scale", GivenValue::Level(5)), ("b.certs", GivenValue::Options(vec!["iso".into()]))];
    let zero = score(&rubric(KINDS), &[vendor("v", &answers)], &Measured::new());
    let card = &zero[0];
    assert!(close(card.coverage, 50.0 + 6.25));
    assert_eq!(criterion(card, "a.flag").issues, [Issue::Unanswered]);
    assert_eq!(criterion(card, "a.flag").s, None);
    assert!(close(card.score, 50.0 + 6.25 * 0.5));

    let exclude = rubric(&KINDS.replace("pass_mark = 50", "pass_mark = 50\nmissing = \"exclude\""));
    let cards = score(&exclude, &[vendor("v", &answers)], &Measured::new());
    let card = &cards[0];
    // a keeps only scale (75 × 1), b keeps only certs (25 × 1): both categories answered.
    assert!(close(criterion(card, "a.scale").effective_weight, 75.0));
    assert!(close(criterion(card, "b.certs").effective_weight, 25.0));
    assert!(close(card.score, 75.0 + 12.5));
    assert!(close(card.coverage, 56.25), "coverage uses the original weights");

    let only_a = [("a.scale", GivenValue::Level(5)), ("a.flag", GivenValue::Bool(true))];
    let cards = score(&exclude, &[vendor("v", &only_a)], &Measured::new());
    assert!(!cards[0].categories[1].included, "a category with no answer is left out");
    assert!(close(cards[0].score, 100.0), "{}", cards[0].score);
    assert!(close(cards[0].effective_weight_total(), 100.0));
}

impl Scorecard {
    fn effective_weight_total(&self) -> f64 {
        self.criteria.iter().map(|c| c.effective_weight).sum()
    }
}

#[test]
fn gates_disqualify_on_failure_and_on_no_answer() {
    let r = rubric(KINDS);
    let good = [("a.scale", GivenValue::Level(3)), ("b.certs", GivenValue::Options(vec!["iso".into()]))];
    let low = [("a.scale", GivenValue::Level(1)), ("b.certs", GivenValue::Options(vec!["iso".into()]))];
    let no_iso = [("a.scale", GivenValue::Level(5)), ("b.certs", GivenValue::Options(vec!["soc2".into()]))];
    let silent = [("b.certs", GivenValue::Options(vec!["iso".into()]))];
    let cards = score(
        &r,
        &[vendor("good", &good), vendor("low", &low), vendor("no-iso", &no_iso), vendor("silent", &silent)],
        &Measured::new(),
    );
    let by_id = |id: &str| cards.iter().find(|c| c.vendor == id).unwrap();
    assert_eq!(by_id("low").gates_failed, ["a.scale"]);
    assert_eq!(by_id("no-iso").gates_failed, ["b.certs"]);
    assert_eq!(by_id("silent").gates_failed, ["a.scale"]);
    for id in ["low", "no-iso", "silent"] {
        assert_eq!((by_id(id).status, by_id(id).rank), (Status::Disqualified, None));
    }
    assert!(criterion(by_id("silent"), "a.scale").issues.contains(&Issue::GateFailed));
    assert_eq!(cards.last().unwrap().status, Status::Disqualified);
}

#[test]
fn a_boolean_gate_with_required_evidence_fails_without_the_evidence() {
    let text = KINDS.replace(
        "name = \"Boolean\"\nweight = 1\nkind = \"boolean\"",
        "name = \"Boolean\"\nweight = 1\nkind = \"boolean\"\nevidence = \"required\"\ngate = true",
    );
    let r = rubric(&text);
    let mut v = vendor(
        "v",
        &[
            ("a.scale", GivenValue::Level(5)),
            ("a.flag", GivenValue::Bool(true)),
            ("b.certs", GivenValue::Options(vec!["iso".into()])),
        ],
    );
    let cards = score(&r, std::slice::from_ref(&v), &Measured::new());
    assert_eq!(criterion(&cards[0], "a.flag").s, Some(0.0));
    assert_eq!(criterion(&cards[0], "a.flag").issues, [Issue::EvidenceMissing, Issue::GateFailed]);
    assert_eq!(cards[0].status, Status::Disqualified);

    v.answers.get_mut("a.flag").unwrap().evidence =
        vec![Evidence { path: "vendors/v/evidence/dpa.pdf".into(), file: Some("/x".into()), digest: None }];
    let cards = score(&r, &[v], &Measured::new());
    assert_eq!(criterion(&cards[0], "a.flag").s, Some(1.0));
    assert_eq!(cards[0].status, Status::Qualified);
}

#[test]
fn below_pass_mark_compares_the_rounded_score() {
    let r = rubric(&KINDS.replace("pass_mark = 50", "pass_mark = 56.25"));
    let answers = [("a.scale", GivenValue::Level(5)), ("b.certs", GivenValue::Options(vec!["iso".into()]))];
    let cards = score(&r, &[vendor("v", &answers)], &Measured::new());
    assert!(close(cards[0].score, 53.125));
    assert_eq!(cards[0].status, Status::BelowPassMark);
    assert_eq!(cards[0].rank, Some(1), "below the pass mark still ranks");
}

#[test]
fn price_cohort_excludes_disqualified_vendors_and_flags_low_prices() {
    let r = rubric(KINDS);
    let base = |price: f64, scale: i64| {
        vec![
            ("a.scale", GivenValue::Level(scale)),
            ("b.certs", GivenValue::Options(vec!["iso".into()])),
            ("b.price", GivenValue::Number(price)),
        ]
    };
    let vendors = [
        vendor("a", &base(1000.0, 5)),
        vendor("b", &base(1250.0, 5)),
        vendor("cheap-out", &base(400.0, 1)), // disqualified: its price does not set the bar
        vendor("lowball", &base(600.0, 5)),   // 600 < 0.7 × mean(1000, 1250) = 787.5
    ];
    let cards = score(&r, &vendors, &Measured::new());
    let s = |id: &str| criterion(cards.iter().find(|c| c.vendor == id).unwrap(), "b.price").s.unwrap();
    assert!(close(s("lowball"), 1.0));
    assert!(close(s("a"), 0.6));
    assert!(close(s("b"), 0.48));
    assert!(close(s("cheap-out"), 1.0), "lowest / own price, capped at 1");
    let lowball = cards.iter().find(|c| c.vendor == "lowball").unwrap();
    assert_eq!(lowball.flags, [Issue::AbnormallyLowPrice]);
    let flagged: Vec<&str> =
        cards.iter().filter(|c| c.flags.contains(&Issue::AbnormallyLowPrice)).map(|c| c.vendor.as_str()).collect();
    // A disqualified bidder's price is compared with the cohort's too: 400 < 0.7 × mean(1000, 1250, 600).
    assert_eq!(flagged, ["lowball", "cheap-out"]);

    // Everyone disqualified: the cohort is all priced vendors.
    let all_out = [vendor("x", &base(800.0, 1)), vendor("y", &base(1000.0, 1))];
    let cards = score(&r, &all_out, &Measured::new());
    let y = cards.iter().find(|c| c.vendor == "y").unwrap();
    assert!(close(criterion(y, "b.price").s.unwrap(), 0.8));
    // One vendor alone scores 1.
    let alone = score(&r, &[vendor("solo", &base(5000.0, 5))], &Measured::new());
    assert_eq!(criterion(&alone[0], "b.price").s, Some(1.0));
}

#[test]
fn panels_aggregate_odd_and_even_counts_and_flag_disagreement() {
    let text = r#"
[rubric]
id = "panel"
name = "Panel"
version = "1.0.0"
[rubric.panel]
aggregate = "median"
max_spread = 2
[[category]]
id = "c"
name = "C"
weight = 1
[[category.criterion]]
id = "clarity"
name = "Clarity"
weight = 1
kind = "scale"
source = "panel"
levels = [{ score = 1, label = "Poor" }, { score = 5, label = "Excellent" }]
"#;
    let r = rubric(text);
    let with_panel = |id: &str, values: &[f64]| {
        let mut v = vendor(id, &[]);
        let panel = values
            .iter()
            .enumerate()
            .map(|(i, value)| PanelValue { evaluator: format!("e{i}"), value: *value, note: None })
            .collect();
        v.panel.insert("c.clarity".into(), panel);
        v
    };
    let cards =
        score(&r, &[with_panel("odd", &[2.0, 4.0, 5.0]), with_panel("even", &[3.0, 4.0, 4.0, 5.0])], &Measured::new());
    let odd = cards.iter().find(|c| c.vendor == "odd").unwrap();
    let even = cards.iter().find(|c| c.vendor == "even").unwrap();
    assert_eq!(criterion(odd, "c.clarity").value, Some(Shown::Number(4.0)));
    assert!(close(criterion(odd, "c.clarity").s.unwrap(), 0.75));
    assert_eq!(criterion(odd, "c.clarity").issues, [Issue::PanelDisagreement]);
    assert_eq!(odd.flags, [Issue::PanelDisagreement]);
    assert_eq!(criterion(even, "c.clarity").value, Some(Shown::Number(4.0)));
    assert_eq!(criterion(even, "c.clarity").issues, [Issue::PanelDisagreement], "5 - 3 = 2 reaches max_spread");
    let mean = rubric(&text.replace("\"median\"", "\"mean\""));
    let cards = score(&mean, &[with_panel("m", &[2.0, 4.0, 5.0])], &Measured::new());
    assert!(close(criterion(&cards[0], "c.clarity").s.unwrap(), (11.0 / 3.0 - 1.0) / 4.0));
}

#[test]
fn a_moderated_value_replaces_the_aggregate_and_settles_the_disagreement() {
    let text = r#"
[rubric]
id = "panel"
name = "Panel"
version = "1.0.0"
[rubric.panel]
max_spread = 2
[[category]]
id = "c"
name = "C"
weight = 1
[[category.criterion]]
id = "clarity"
name = "Clarity"
weight = 1
kind = "scale"
source = "panel"
levels = [{ score = 1, label = "Poor" }, { score = 5, label = "Excellent" }]
"#;
    let r = rubric(text);
    let mut v = vendor("v", &[]);
    let panel =
        [2.0, 4.0, 5.0].iter().map(|value| PanelValue { evaluator: format!("e{value}"), value: *value, note: None });
    v.panel.insert("c.clarity".into(), panel.collect());
    let agreed = crate::model::Moderated {
        value: 3.0,
        rationale: "Agreed together.".into(),
        date: crate::model::Date::parse("2026-10-09").unwrap(),
        panel: vec!["e2".into(), "e4".into(), "e5".into()],
    };
    v.moderated.insert("c.clarity".into(), agreed.clone());
    let cards = score(&r, &[v], &Measured::new());
    let clarity = criterion(&cards[0], "c.clarity");
    // The median 4 would give s = 0.75; the agreed 3 gives (3 - 1) / (5 - 1) = 0.5.
    assert_eq!(clarity.value, Some(Shown::Number(3.0)));
    assert!(close(clarity.s.unwrap(), 0.5));
    assert!(close(cards[0].score, 50.0));
    assert_eq!(clarity.issues, [Issue::Moderated]);
    assert_eq!(clarity.moderation, Some((4.0, agreed)));
    assert_eq!(clarity.panel.len(), 3, "the individual values stay for the trace");
    assert!(cards[0].flags.is_empty(), "no panel disagreement is left: {:?}", cards[0].flags);
}

#[test]
fn ties_at_two_decimals_share_a_rank_and_list_by_id() {
    let r = rubric(KINDS);
    let same = [("a.scale", GivenValue::Level(5)), ("b.certs", GivenValue::Options(vec!["iso".into()]))];
    let better = [
        ("a.scale", GivenValue::Level(5)),
        ("a.flag", GivenValue::Bool(true)),
        ("b.certs", GivenValue::Options(vec!["iso".into()])),
    ];
    let cards = score(
        &r,
        &[
            vendor("zeta", &same),
            vendor("alpha", &same),
            vendor("top", &better),
            vendor("last", &[("a.scale", GivenValue::Level(3)), ("b.certs", GivenValue::Options(vec!["iso".into()]))]),
        ],
        &Measured::new(),
    );
    let order: Vec<(&str, Option<usize>)> = cards.iter().map(|c| (c.vendor.as_str(), c.rank)).collect();
    assert_eq!(order, [("top", Some(1)), ("alpha", Some(2)), ("zeta", Some(2)), ("last", Some(4))]);
}

mod properties {
    use proptest::prelude::*;

    use super::*;

    /// A random rubric of 1–4 categories with 1–5 criteria each, every kind but price
    /// appearing, plus one price criterion; and answers for 1–6 vendors.
    fn rubric_text(categories: &[Vec<(u8, f64)>], exclude: bool) -> String {
        let mut text = format!(
            "[rubric]\nid = \"p\"\nname = \"P\"\nversion = \"1.0.0\"\nmissing = \"{}\"\n",
            if exclude { "exclude" } else { "zero" }
        );
        for (ci, criteria) in categories.iter().enumerate() {
            text.push_str(&format!("[[category]]\nid = \"c{ci}\"\nname = \"C\"\nweight = {}\n", ci + 1));
            for (ki, (kind, weight)) in criteria.iter().enumerate() {
                text.push_str(&format!("[[category.criterion]]\nid = \"k{ki}\"\nname = \"K\"\nweight = {weight}\n"));
                text.push_str(match kind % 5 {
                    0 => "kind = \"scale\"\nlevels = [{ score = 0, label = \"a\" }, { score = 2, label = \"b\" }, { score = 5, label = \"c\" }]\n",
                    1 => "kind = \"boolean\"\n",
                    2 => "kind = \"number\"\nworst = 10\nbest = 2\n",
                    3 => "kind = \"number\"\nbands = [{ at_least = 90, score = 1.0 }, { at_least = 50, score = 0.4 }]\n",
                    _ => "kind = \"set\"\noptions = [{ value = \"x\", points = 1 }, { value = \"y\", points = 3 }]\ncap = 3\n",
                });
            }
        }
        text.push_str("[[category]]\nid = \"money\"\nname = \"M\"\nweight = 2\n[[category.criterion]]\nid = \"price\"\nname = \"Price\"\nweight = 1\nkind = \"price\"\n");
        text
    }

    fn value_for(kind: u8, seed: u32) -> Option<GivenValue> {
        if seed.is_multiple_of(7) {
            return None;
        }
        Some(match kind % 5 {
            0 => GivenValue::Level([0, 2, 5][(seed % 3) as usize]),
            1 => GivenValue::Bool(seed.is_multiple_of(2)),
            2 | 3 => GivenValue::Number(f64::from(seed % 120)),
            _ => GivenValue::Options(
                [vec![], vec!["x".to_string()], vec!["y".to_string()], vec!["x".to_string(), "y".to_string()]]
                    [(seed % 4) as usize]
                    .clone(),
            ),
        })
    }

    /// Raise a value one step, if it can be raised.
    fn raise(kind: u8, value: &GivenValue) -> Option<GivenValue> {
        Some(match (kind % 5, value) {
            (0, GivenValue::Level(l)) => GivenValue::Level(match l {
                0 => 2,
                2 => 5,
                _ => return None,
            }),
            (1, GivenValue::Bool(false)) => GivenValue::Bool(true),
            (2, GivenValue::Number(n)) => GivenValue::Number(n - 1.0),
            (3, GivenValue::Number(n)) => GivenValue::Number(n + 7.0),
            (4, GivenValue::Options(o)) if !o.contains(&"y".to_string()) => {
                let mut o = o.clone();
                o.push("y".into());
                GivenValue::Options(o)
            }
            _ => return None,
        })
    }

    /// Categories of (kind, weight), missing mode, per-vendor answer seeds, prices.
    type Setup = (Vec<Vec<(u8, f64)>>, bool, Vec<Vec<u32>>, Vec<f64>);

    fn setup() -> impl Strategy<Value = Setup> {
        let categories = prop::collection::vec(
            prop::collection::vec((0u8..5, 1u32..10).prop_map(|(k, w)| (k, f64::from(w))), 1..5),
            1..4,
        );
        (categories, any::<bool>()).prop_flat_map(|(categories, exclude)| {
            let n: usize = categories.iter().map(Vec::len).sum();
            let vendors = prop::collection::vec(prop::collection::vec(any::<u32>(), n), 1..6);
            let prices = prop::collection::vec(100.0..5000.0f64, 6);
            (Just(categories), Just(exclude), vendors, prices)
        })
    }

    fn submissions(categories: &[Vec<(u8, f64)>], seeds: &[Vec<u32>], prices: &[f64]) -> Vec<Submission> {
        seeds
            .iter()
            .enumerate()
            .map(|(vi, seeds)| {
                let mut answers = Vec::new();
                let mut i = 0;
                for (ci, criteria) in categories.iter().enumerate() {
                    for (ki, (kind, _)) in criteria.iter().enumerate() {
                        if let Some(v) = value_for(*kind, seeds[i]) {
                            answers.push((format!("c{ci}.k{ki}"), v));
                        }
                        i += 1;
                    }
                }
                answers.push(("money.price".into(), GivenValue::Number(prices[vi])));
                let refs: Vec<(&str, GivenValue)> = answers.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
                vendor(&format!("v{vi}"), &refs)
            })
            .collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        #[test]
        fn invariants_hold((categories, exclude, seeds, prices) in setup()) {
            let r = rubric(&rubric_text(&categories, exclude));
            let subs = submissions(&categories, &seeds, &prices);
            let cards = score(&r, &subs, &Measured::new());
            for card in &cards {
                let ew: f64 = card.criteria.iter().map(|c| c.effective_weight).sum();
                let points: f64 = card.criteria.iter().map(|c| c.points).sum();
                prop_assert!((ew - 100.0).abs() < 1e-6, "effective weights sum to {ew}");
                prop_assert!((points - card.score).abs() < 1e-6);
                prop_assert!((0.0..=100.0).contains(&card.score) && card.score.is_finite());
                prop_assert!((0.0..=100.0).contains(&card.coverage));
                for c in &card.criteria {
                    prop_assert!(c.s.is_none_or(|s| (0.0..=1.0).contains(&s)));
                    prop_assert!(c.points.is_finite() && c.effective_weight.is_finite());
                }
            }
            // Ranking is a function of the scores (and statuses) alone: same input, any order.
            let mut reversed = subs.clone();
            reversed.reverse();
            let again = score(&r, &reversed, &Measured::new());
            let key = |cs: &[Scorecard]| cs.iter().map(|c| (c.vendor.clone(), c.rank, round2(c.score))).collect::<Vec<_>>();
            prop_assert_eq!(key(&cards), key(&again));
        }

        #[test]
        fn raising_one_answer_never_lowers_the_score((categories, exclude, seeds, prices) in setup(), pick in any::<prop::sample::Index>()) {
            let r = rubric(&rubric_text(&categories, exclude));
            let subs = submissions(&categories, &seeds, &prices);
            let before = score(&r, &subs, &Measured::new());
            let target = &subs[0];
            let answered: Vec<&String> = target.answers.keys().filter(|k| *k != "money.price").collect();
            if answered.is_empty() { return Ok(()); }
            let key = answered[pick.index(answered.len())].clone();
            let (ci, ki) = {
                let (c, k) = key.split_once('.').unwrap();
                (c[1..].parse::<usize>().unwrap(), k[1..].parse::<usize>().unwrap())
            };
            let kind = categories[ci][ki].0;
            let Some(raised) = raise(kind, &target.answers[&key].value) else { return Ok(()) };
            let mut changed = subs.clone();
            changed[0].answers.get_mut(&key).unwrap().value = raised;
            let after = score(&r, &changed, &Measured::new());
            let of = |cs: &[Scorecard]| cs.iter().find(|c| c.vendor == "v0").unwrap().score;
            prop_assert!(of(&after) >= of(&before) - 1e-9, "{} -> {}", of(&before), of(&after));

            // A higher price never raises the vendor's score.
            let mut pricier = subs.clone();
            pricier[0].answers.get_mut("money.price").unwrap().value = GivenValue::Number(prices[0] * 1.5);
            let after = score(&r, &pricier, &Measured::new());
            prop_assert!(of(&after) <= of(&before) + 1e-9);
        }
    }
}
