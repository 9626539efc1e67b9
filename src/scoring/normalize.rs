//! From an answer to the normalized value `s` in [0, 1], per criterion kind
//! (SPEC section 2), and the knockout gates on raw values.

use crate::model::{Gate, GivenValue, NumberScoring, Scoring};

/// The value `s` of a non-price answer; `None` when the value does not fit
/// the kind (validation rules that out).
pub fn normalize(scoring: &Scoring, value: &GivenValue) -> Option<f64> {
    let s = match (scoring, value) {
        (Scoring::Scale { levels }, GivenValue::Level(v)) => {
            let min = levels.first()?.score as f64;
            let max = levels.last()?.score as f64;
            (*v as f64 - min) / (max - min)
        }
        // A panel's aggregate of a scale can fall between levels.
        (Scoring::Scale { levels }, GivenValue::Number(v)) => {
            let min = levels.first()?.score as f64;
            let max = levels.last()?.score as f64;
            (v - min) / (max - min)
        }
        (Scoring::Boolean, GivenValue::Bool(b)) => f64::from(u8::from(*b)),
        (Scoring::Number(number), GivenValue::Number(v)) => number_s(number, *v),
        (Scoring::Set { options, cap }, GivenValue::Options(chosen)) => {
            let points: f64 = options.iter().filter(|o| chosen.contains(&o.value)).map(|o| o.points).sum();
            points.min(*cap) / cap
        }
        _ => return None,
    };
    // `+ 0.0` turns the -0.0 of an empty sum (a set answered with no option)
    // into 0.0, so no report or explanation prints "-0.00".
    s.is_finite().then(|| s.clamp(0.0, 1.0) + 0.0)
}

fn number_s(scoring: &NumberScoring, v: f64) -> f64 {
    match scoring {
        NumberScoring::Linear { worst, best } => ((v - worst) / (best - worst)).clamp(0.0, 1.0),
        NumberScoring::AtLeast(bands) => bands.iter().find(|(t, _)| v >= *t).map_or(0.0, |(_, s)| *s),
        NumberScoring::AtMost(bands) => bands.iter().find(|(t, _)| v <= *t).map_or(0.0, |(_, s)| *s),
    }
}

/// The value `s` of a price: the cohort's lowest price over this one, at most 1.
pub fn price_s(price: f64, lowest: Option<f64>) -> f64 {
    match lowest {
        Some(lowest) if price > 0.0 => (lowest / price).min(1.0),
        _ => 1.0,
    }
}

/// Whether a value passes a gate.
pub fn passes(gate: &Gate, value: &GivenValue) -> bool {
    match (gate, value) {
        (Gate::MustBeTrue, GivenValue::Bool(b)) => *b,
        (Gate::Bounds { min, max }, value) => {
            let v = match value {
                GivenValue::Level(l) => *l as f64,
                GivenValue::Number(n) => *n,
                _ => return false,
            };
            min.is_none_or(|m| v >= m) && max.is_none_or(|m| v <= m)
        }
        (Gate::Includes(required), GivenValue::Options(chosen)) => required.iter().all(|r| chosen.contains(r)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Level, SetOption};

    fn scale(scores: &[i64]) -> Scoring {
        Scoring::Scale {
            levels: scores.iter().map(|&score| Level { score, label: score.to_string(), description: None }).collect(),
        }
    }

    #[test]
    fn scales_map_linearly_from_lowest_to_highest_level() {
        let s = scale(&[0, 3, 5]);
        assert_eq!(normalize(&s, &GivenValue::Level(0)), Some(0.0));
        assert_eq!(normalize(&s, &GivenValue::Level(3)), Some(0.6));
        assert_eq!(normalize(&s, &GivenValue::Level(5)), Some(1.0));
        let shifted = scale(&[1, 5]);
        assert_eq!(normalize(&shifted, &GivenValue::Level(2)), Some(0.25));
        assert_eq!(normalize(&shifted, &GivenValue::Number(3.0)), Some(0.5));
    }

    #[test]
    fn booleans_numbers_in_both_directions_and_bands() {
        assert_eq!(normalize(&Scoring::Boolean, &GivenValue::Bool(true)), Some(1.0));
        assert_eq!(normalize(&Scoring::Boolean, &GivenValue::Bool(false)), Some(0.0));
        let higher = Scoring::Number(NumberScoring::Linear { worst: 70.0, best: 90.0 });
        assert_eq!(normalize(&higher, &GivenValue::Number(85.0)), Some(0.75));
        assert_eq!(normalize(&higher, &GivenValue::Number(60.0)), Some(0.0));
        assert_eq!(normalize(&higher, &GivenValue::Number(95.0)), Some(1.0));
        let lower = Scoring::Number(NumberScoring::Linear { worst: 45.0, best: 30.0 });
        assert_eq!(normalize(&lower, &GivenValue::Number(35.0)), Some(2.0 / 3.0));
        let at_least = Scoring::Number(NumberScoring::AtLeast(vec![(99.5, 1.0), (99.0, 0.6)]));
        assert_eq!(normalize(&at_least, &GivenValue::Number(99.7)), Some(1.0));
        assert_eq!(normalize(&at_least, &GivenValue::Number(99.0)), Some(0.6));
        assert_eq!(normalize(&at_least, &GivenValue::Number(98.0)), Some(0.0));
        let at_most = Scoring::Number(NumberScoring::AtMost(vec![(40.0, 1.0), (60.0, 0.5)]));
        assert_eq!(normalize(&at_most, &GivenValue::Number(44.0)), Some(0.5));
        assert_eq!(normalize(&at_most, &GivenValue::Number(61.0)), Some(0.0));
    }

    #[test]
    fn sets_sum_points_up_to_the_cap() {
        let option = |value: &str, points| SetOption { value: value.into(), points, label: None };
        let set = Scoring::Set { options: vec![option("a", 3.0), option("b", 2.0), option("c", 1.0)], cap: 4.0 };
        let chosen = |v: &[&str]| GivenValue::Options(v.iter().map(|s| s.to_string()).collect());
        assert_eq!(normalize(&set, &chosen(&[])), Some(0.0));
        assert_eq!(normalize(&set, &chosen(&["b"])), Some(0.5));
        assert_eq!(normalize(&set, &chosen(&["a", "b", "c"])), Some(1.0));
    }

    #[test]
    fn prices_score_relative_to_the_lowest() {
        assert_eq!(price_s(100.0, Some(80.0)), 0.8);
        assert_eq!(price_s(80.0, Some(80.0)), 1.0);
        assert_eq!(price_s(60.0, Some(80.0)), 1.0, "a price below the cohort's lowest still scores 1");
        assert_eq!(price_s(100.0, None), 1.0, "a vendor alone scores 1");
    }

    #[test]
    fn gates_on_every_kind() {
        assert!(passes(&Gate::MustBeTrue, &GivenValue::Bool(true)));
        assert!(!passes(&Gate::MustBeTrue, &GivenValue::Bool(false)));
        let min3 = Gate::Bounds { min: Some(3.0), max: None };
        assert!(passes(&min3, &GivenValue::Level(3)) && !passes(&min3, &GivenValue::Level(2)));
        let range = Gate::Bounds { min: Some(1.0), max: Some(2.0) };
        assert!(passes(&range, &GivenValue::Number(1.5)) && !passes(&range, &GivenValue::Number(2.5)));
        let includes = Gate::Includes(vec!["iso27001".into()]);
        assert!(passes(&includes, &GivenValue::Options(vec!["iso27001".into(), "soc2".into()])));
        assert!(!passes(&includes, &GivenValue::Options(vec!["soc2".into()])));
    }
}
