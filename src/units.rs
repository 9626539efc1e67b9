//! Values with units as people read them: durations, percentiles, SLA
//! attainment and requirements per metric, and money. The one formatter
//! for reports (PDF, templates) and the CLI tables, so a number reads the
//! same wherever it is shown.
//!
//! Pure text functions; no widths, no colour. What a metric's `attainment`
//! and `required` mean is decided in [`crate::sla::attainment`]: a percent
//! for `first_response`, `resolution` and `reopen_rate` (for `reopen_rate`
//! the percent *not* reopened against 100 − target), a mean score against
//! the target score for `csat`.

use crate::model::Metric;
use crate::sla::{Decimal, Money, Status};

/// What is shown in place of a value that does not exist (a percentile of
/// a metric without values, such as `reopen_rate`).
pub const NONE: &str = "–";

/// The unit of a metric's attainment and required values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Percent of the tickets in scope.
    Percent,
    /// A satisfaction score (1-5).
    Score,
    /// A mean wait in seconds (asa).
    Seconds,
}

impl Unit {
    /// The unit of `metric`'s attainment and required values.
    pub fn of(metric: Metric) -> Unit {
        match metric {
            Metric::Csat => Unit::Score,
            Metric::Asa => Unit::Seconds,
            Metric::FirstResponse | Metric::Resolution | Metric::ReopenRate | Metric::AbandonRate => Unit::Percent,
        }
    }

    /// `percent` or `score`, as the reports' JSON names it.
    pub fn as_str(self) -> &'static str {
        match self {
            Unit::Percent => "percent",
            Unit::Score => "score",
            Unit::Seconds => "seconds",
        }
    }
}

/// Seconds for people: `45s`, `4m10s`, `3h20m`, `2d04h` (truncated, never rounded up).
pub fn duration(seconds: u64) -> String {
    match seconds {
        s if s < 60 => format!("{s}s"),
        s if s < 3_600 => format!("{}m{:02}s", s / 60, s % 60),
        s if s < 86_400 => format!("{}h{:02}m", s / 3_600, s % 3_600 / 60),
        s => format!("{}d{:02}h", s / 86_400, s % 86_400 / 3_600),
    }
}

/// A percentile of `metric`'s values: a duration for `first_response` and
/// `resolution`, a score for `csat`; [`NONE`] when there is none.
pub fn percentile(metric: Metric, value: Option<u64>) -> String {
    match (metric, value) {
        (_, None) => NONE.to_owned(),
        (Metric::Csat | Metric::ReopenRate | Metric::AbandonRate, Some(v)) => v.to_string(),
        (Metric::FirstResponse | Metric::Resolution | Metric::Asa, Some(v)) => duration(v),
    }
}

/// p50, p90 and p95 as one cell: `30s / 2m56s / 5m59s`.
pub fn percentiles(metric: Metric, [p50, p90, p95]: [Option<u64>; 3]) -> String {
    format!("{} / {} / {}", percentile(metric, p50), percentile(metric, p90), percentile(metric, p95))
}

/// Attainment as shown: `86.82%` (a percent to two decimals), for `csat`
/// the mean score to two decimals, `3.93`.
pub fn attainment(metric: Metric, attainment: Decimal) -> String {
    let value = two_decimals(attainment);
    match Unit::of(metric) {
        Unit::Percent => format!("{value}%"),
        Unit::Score => value,
        Unit::Seconds => format!("{value}s"),
    }
}

/// What a clause requires, as shown: `80%` (percent of tickets in scope;
/// for `reopen_rate` the percent not reopened), for `csat` the target
/// score, `≥ 4.2`.
pub fn required(metric: Metric, required: Decimal) -> String {
    match Unit::of(metric) {
        Unit::Percent => format!("{required}%"),
        Unit::Score => format!("≥ {required}"),
        Unit::Seconds => format!("≤ {required}s"),
    }
}

/// A result's status as tables show it, with `· CHRONIC` once the clause is in chronic failure.
pub fn status(status: Status, chronic: bool) -> String {
    let text = match status {
        Status::Met => "✓ met",
        Status::Breached => "✗ BREACHED",
        Status::BelowTarget => "below target",
        Status::Excused => "excused (volume)",
        Status::NotMeasured => "not measured",
    };
    if chronic { format!("{text} · CHRONIC") } else { text.to_owned() }
}

/// What became of an accrued credit under earn-back (`earn_back`: the
/// credit can be earned back); empty when it cannot.
pub fn earned_back(earn_back: bool, earned_back: Option<bool>) -> &'static str {
    match (earn_back, earned_back) {
        (false, _) => "",
        (true, Some(true)) => "earned back",
        (true, Some(false)) => "not earned back",
        (true, None) => "earn-back pending",
    }
}

/// Money with two decimals, after its currency when one is known: `EUR 2100.00`.
pub fn money(amount: Money, currency: Option<&str>) -> String {
    match currency {
        Some(c) => format!("{c} {amount}"),
        None => amount.to_string(),
    }
}

/// A decimal rounded half away from zero to exactly two decimals: `60.00`, `4.33`.
fn two_decimals(d: Decimal) -> String {
    match d.round_to(2) {
        Some(hundredths) => {
            let sign = if hundredths < 0 { "-" } else { "" };
            let abs = hundredths.unsigned_abs();
            format!("{sign}{}.{:02}", abs / 100, abs % 100)
        }
        // Beyond i128 after scaling: no attainment comes near; show it as written.
        None => d.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Decimal {
        Decimal::parse(text).unwrap()
    }

    #[test]
    fn durations_read_like_people_write_them() {
        assert_eq!(duration(0), "0s");
        assert_eq!(duration(59), "59s");
        // 101 s = 1 min 41 s.
        assert_eq!(duration(101), "1m41s");
        assert_eq!(duration(250), "4m10s");
        assert_eq!(duration(3_599), "59m59s");
        assert_eq!(duration(3_600), "1h00m");
        // 12 000 s = 3 h (10 800 s) + 20 min.
        assert_eq!(duration(12_000), "3h20m");
        // 86 399 s = 23 h 59 min 59 s: minutes are truncated, not rounded up to a day.
        assert_eq!(duration(86_399), "23h59m");
        // 187 200 s = 2 days (172 800 s) + 4 h (14 400 s).
        assert_eq!(duration(187_200), "2d04h");
    }

    #[test]
    fn percentiles_are_durations_for_times_and_scores_for_csat() {
        assert_eq!(percentile(Metric::FirstResponse, Some(101)), "1m41s");
        assert_eq!(percentile(Metric::Resolution, Some(7_200)), "2h00m");
        assert_eq!(percentile(Metric::Csat, Some(4)), "4");
        assert_eq!(percentile(Metric::ReopenRate, None), "–");
        assert_eq!(percentile(Metric::Csat, None), "–");
        assert_eq!(percentiles(Metric::FirstResponse, [Some(30), Some(176), Some(359)]), "30s / 2m56s / 5m59s");
        assert_eq!(percentiles(Metric::Csat, [Some(4), Some(5), Some(5)]), "4 / 5 / 5");
        assert_eq!(percentiles(Metric::ReopenRate, [None; 3]), "– / – / –");
    }

    #[test]
    fn attainment_is_a_percent_except_for_csat() {
        // 2 of 3 within target: 66.666… rounds half up to 66.67.
        assert_eq!(attainment(Metric::FirstResponse, Decimal::new(6_667, 2)), "66.67%");
        // Whole percents keep two decimals.
        assert_eq!(attainment(Metric::Resolution, d("60")), "60.00%");
        assert_eq!(attainment(Metric::ReopenRate, d("75.5")), "75.50%");
        // csat: 55 / 14 = 3.928… shown as a mean score, no percent sign.
        assert_eq!(attainment(Metric::Csat, Decimal::new(393, 2)), "3.93");
        assert_eq!(attainment(Metric::Csat, d("4")), "4.00");
    }

    #[test]
    fn required_is_a_percent_except_for_csat() {
        assert_eq!(required(Metric::FirstResponse, d("80")), "80%");
        assert_eq!(required(Metric::Resolution, d("92.5")), "92.5%");
        // reopen_rate with target 25 %: 100 − 25 = 75 % not reopened required.
        assert_eq!(required(Metric::ReopenRate, d("75")), "75%");
        assert_eq!(required(Metric::Csat, d("4.2")), "≥ 4.2");
    }

    #[test]
    fn units_follow_the_metric() {
        assert_eq!(Unit::of(Metric::Csat).as_str(), "score");
        for metric in [Metric::FirstResponse, Metric::Resolution, Metric::ReopenRate] {
            assert_eq!(Unit::of(metric), Unit::Percent);
        }
    }

    #[test]
    fn money_has_two_decimals_and_its_currency() {
        assert_eq!(money(Money::from_cents(210_000), Some("EUR")), "EUR 2100.00");
        assert_eq!(money(Money::from_cents(5), None), "0.05");
        assert_eq!(money(Money::ZERO, Some("PLN")), "PLN 0.00");
    }
}
