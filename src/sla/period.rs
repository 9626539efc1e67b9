//! Measurement periods: calendar months (`2026-03`) and ISO weeks
//! (`2026-W09`) of local dates, plus the whole file (for measured criteria).
//! Owns the calendar arithmetic on day numbers (days since 1970-01-01) and
//! where a period starts in a time zone; knows nothing of tickets or clauses.

use std::fmt;

/// Seconds in a day.
pub const DAY: i64 = 86_400;

/// How a rule groups tickets in time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PeriodKind {
    /// Calendar month.
    Month,
    /// ISO 8601 week (Monday to Sunday).
    Week,
    /// Every ticket in one bucket.
    Whole,
}

impl From<crate::model::Period> for PeriodKind {
    fn from(period: crate::model::Period) -> Self {
        match period {
            crate::model::Period::Month => PeriodKind::Month,
            crate::model::Period::Week => PeriodKind::Week,
        }
    }
}

/// One period: its kind and an index (months since year 0, or weeks since
/// the Monday 1969-12-29).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PeriodKey {
    pub kind: PeriodKind,
    pub index: i64,
}

impl PeriodKey {
    /// The period of `kind` holding the day `day`.
    pub fn of_day(kind: PeriodKind, day: i64) -> PeriodKey {
        let index = match kind {
            PeriodKind::Month => {
                let (y, m, _) = civil_from_days(day);
                month_index(y, m)
            }
            PeriodKind::Week => week_index(day),
            PeriodKind::Whole => 0,
        };
        PeriodKey { kind, index }
    }

    /// The first day of the period (`i64::MIN` for the whole file).
    pub fn start_day(self) -> i64 {
        match self.kind {
            PeriodKind::Month => {
                let (y, m) = (self.index.div_euclid(12), self.index.rem_euclid(12) as u32 + 1);
                days_from_civil(y, m, 1)
            }
            PeriodKind::Week => self.index * 7 - 3,
            PeriodKind::Whole => i64::MIN,
        }
    }

    /// The day after the period's last day (`i64::MAX` for the whole file).
    pub fn end_day(self) -> i64 {
        match self.kind {
            PeriodKind::Month => PeriodKey { kind: PeriodKind::Month, index: self.index + 1 }.start_day(),
            PeriodKind::Week => self.start_day() + 7,
            PeriodKind::Whole => i64::MAX,
        }
    }

    /// The period of `kind` labelled `label` (`2026-03`, `2026-W09`), as [`Display`](fmt::Display) writes it.
    pub fn parse(kind: PeriodKind, label: &str) -> Option<PeriodKey> {
        let (year, rest) = label.split_once('-')?;
        let year: i64 = year.parse().ok()?;
        let key = match kind {
            PeriodKind::Month => PeriodKey { kind, index: month_index(year, rest.parse().ok()?) },
            PeriodKind::Week => {
                let week: i64 = rest.strip_prefix('W')?.parse().ok()?;
                // Week 1 holds 4 January.
                PeriodKey { kind, index: week_index(days_from_civil(year, 1, 4)) + week - 1 }
            }
            PeriodKind::Whole => return None,
        };
        (key.to_string() == label).then_some(key)
    }

    /// The instant the period starts: midnight of its first day in `zone`
    /// (`None`: UTC), a midnight that does not exist moved forward by the gap.
    pub fn start_instant(self, zone: Option<&jiff::tz::TimeZone>) -> i64 {
        let midnight = self.start_day().saturating_mul(DAY);
        match zone {
            Some(zone) if self.kind != PeriodKind::Whole => crate::model::utc_datetime(midnight)
                .and_then(|local| zone.to_ambiguous_timestamp(local).compatible().ok())
                .map_or(midnight, |instant| instant.as_second()),
            _ => midnight,
        }
    }

    /// Whether the period is over on the day `as_of` (its end is at or before `as_of`'s midnight).
    pub fn ended_by(self, as_of_day: i64) -> bool {
        self.end_day() <= as_of_day
    }
}

/// Chronological: by first day, months before weeks that start the same day.
impl Ord for PeriodKey {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.start_day(), self.kind, self.index).cmp(&(other.start_day(), other.kind, other.index))
    }
}

impl PartialOrd for PeriodKey {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// `2026-03`, `2026-W09`, or `all` for the whole file.
impl fmt::Display for PeriodKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            PeriodKind::Month => {
                write!(f, "{:04}-{:02}", self.index.div_euclid(12), self.index.rem_euclid(12) + 1)
            }
            PeriodKind::Week => {
                // The ISO year is the year of the week's Thursday.
                let thursday = self.start_day() + 3;
                let (year, _, _) = civil_from_days(thursday);
                let week = (thursday - days_from_civil(year, 1, 1)) / 7 + 1;
                write!(f, "{year:04}-W{week:02}")
            }
            PeriodKind::Whole => f.write_str("all"),
        }
    }
}

/// Months since year 0 for a year and month (1-12).
pub fn month_index(year: i64, month: u32) -> i64 {
    year * 12 + i64::from(month) - 1
}

/// Weeks since the Monday 1969-12-29 of the week holding `day`.
pub fn week_index(day: i64) -> i64 {
    // 1970-01-01 was a Thursday, three days after a Monday.
    (day + 3).div_euclid(7)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day number: (year, month 1-12, day 1-31).
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Whether `year` is a leap year.
pub fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// Days in a month (1-12) of a year.
pub fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        _ => 28,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_parse_back_to_their_periods() {
        // 2026-W01 starts Monday 2025-12-29 (4 January 2026 is a Sunday).
        let week = PeriodKey::parse(PeriodKind::Week, "2026-W01").unwrap();
        assert_eq!(week.start_day(), days_from_civil(2025, 12, 29));
        let march = PeriodKey::parse(PeriodKind::Month, "2026-03").unwrap();
        assert_eq!(march.start_day(), days_from_civil(2026, 3, 1));
        for bad in ["2026-13", "2026-3", "2026-W54", "2026-03x"] {
            assert_eq!(PeriodKey::parse(PeriodKind::Month, bad).filter(|k| k.to_string() == bad), None, "{bad}");
        }
        assert_eq!(PeriodKey::parse(PeriodKind::Week, "2026-03"), None);
    }

    fn day(y: i64, m: u32, d: u32) -> i64 {
        days_from_civil(y, m, d)
    }

    fn week(y: i64, m: u32, d: u32) -> String {
        PeriodKey::of_day(PeriodKind::Week, day(y, m, d)).to_string()
    }

    #[test]
    fn day_numbers_round_trip_through_dates() {
        assert_eq!(day(1970, 1, 1), 0);
        assert_eq!(day(2000, 3, 1), 11_017);
        assert_eq!(day(1969, 12, 31), -1);
        for d in (-800_000..800_000).step_by(997) {
            let (y, m, dd) = civil_from_days(d);
            assert!((1..=12).contains(&m) && dd >= 1 && dd <= days_in_month(y, m));
            assert_eq!(days_from_civil(y, m, dd), d);
        }
    }

    #[test]
    fn iso_weeks_across_year_ends() {
        // 2026-01-01 is a Thursday: week 1 of 2026 starts Monday 2025-12-29.
        assert_eq!(week(2025, 12, 28), "2025-W52");
        assert_eq!(week(2025, 12, 29), "2026-W01");
        assert_eq!(week(2026, 1, 4), "2026-W01");
        assert_eq!(week(2026, 1, 5), "2026-W02");
        // 2020 had 53 weeks; 2021-01-03 (a Sunday) still belongs to 2020-W53.
        assert_eq!(week(2020, 12, 31), "2020-W53");
        assert_eq!(week(2021, 1, 3), "2020-W53");
        assert_eq!(week(2021, 1, 4), "2021-W01");
        // 2027-01-01 is a Friday: it belongs to the last week of 2026.
        assert_eq!(week(2027, 1, 1), "2026-W53");
        assert_eq!(week(2026, 3, 1), "2026-W09");
        assert_eq!(week(1970, 1, 1), "1970-W01");
        assert_eq!(week(1969, 12, 29), "1970-W01");
        assert_eq!(week(1969, 12, 28), "1969-W52");
    }

    #[test]
    fn weeks_start_on_monday_and_last_seven_days() {
        let key = PeriodKey::of_day(PeriodKind::Week, day(2026, 3, 4));
        assert_eq!(key.start_day(), day(2026, 3, 2));
        assert_eq!(key.end_day(), day(2026, 3, 9));
        assert!(!key.ended_by(day(2026, 3, 8)));
        assert!(key.ended_by(day(2026, 3, 9)));
    }

    #[test]
    fn months_have_their_calendar_bounds() {
        let feb = PeriodKey::of_day(PeriodKind::Month, day(2028, 2, 29));
        assert_eq!(feb.to_string(), "2028-02");
        assert_eq!(feb.start_day(), day(2028, 2, 1));
        assert_eq!(feb.end_day(), day(2028, 3, 1));
        let dec = PeriodKey::of_day(PeriodKind::Month, day(2026, 12, 31));
        assert_eq!(dec.to_string(), "2026-12");
        assert_eq!(dec.end_day(), day(2027, 1, 1));
        assert!(dec.ended_by(day(2027, 1, 1)));
        assert!(!dec.ended_by(day(2026, 12, 31)));
        assert_eq!(PeriodKey::of_day(PeriodKind::Month, day(1969, 12, 31)).to_string(), "1969-12");
    }

    #[test]
    fn periods_sort_by_start_months_first() {
        let month = PeriodKey::of_day(PeriodKind::Month, day(2026, 6, 1));
        let week = PeriodKey::of_day(PeriodKind::Week, day(2026, 6, 1)); // a Monday
        let earlier_week = PeriodKey::of_day(PeriodKind::Week, day(2026, 5, 31));
        let mut keys = vec![week, month, earlier_week];
        keys.sort();
        assert_eq!(keys, [earlier_week, month, week]);
    }
}
