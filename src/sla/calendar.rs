//! Business-hours calendars (SPEC section 11): weekly `[start, end)` open
//! intervals in a time zone, holidays and per-date exceptions, and the open
//! time between two instants in whole seconds.
//!
//! Local times become instants in the calendar's zone with SPEC 11's rule
//! (jiff's `Disambiguation::Compatible`): a time in a spring-forward gap
//! moves forward by the gap, an ambiguous one takes its first occurrence; an
//! interval that becomes empty is dropped. The open intervals of 2000-2100
//! are laid out once with running totals, so a ticket costs two binary
//! searches; instants outside those years are summed day by day.

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::{Date as CivilDate, Time};
use jiff::tz::{Disambiguation, TimeZone};

use crate::model::{CalendarDef, Date, Holiday};

/// Why an interval such as `08:00-18:00` cannot be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum IntervalError {
    #[error("is not an interval such as 08:00-18:00")]
    Shape,
    #[error("has a time outside 00:00 to 24:00 (24:00 only as an end)")]
    Range,
    #[error("ends at or before it starts")]
    Empty,
}

/// `HH:MM-HH:MM` as seconds of the day, `[start, end)`; `24:00` only as an end.
pub fn parse_interval(text: &str) -> Result<(u32, u32), IntervalError> {
    let (start, end) = text.trim().split_once('-').ok_or(IntervalError::Shape)?;
    let time = |t: &str| -> Result<u32, IntervalError> {
        let b = t.trim().as_bytes();
        if b.len() != 5 || b[2] != b':' || ![0, 1, 3, 4].iter().all(|&i| b[i].is_ascii_digit()) {
            return Err(IntervalError::Shape);
        }
        let n = |i: usize| u32::from(b[i] - b'0') * 10 + u32::from(b[i + 1] - b'0');
        let (h, m) = (n(0), n(3));
        if m > 59 || h > 24 || (h == 24 && m > 0) {
            return Err(IntervalError::Range);
        }
        Ok(h * 3600 + m * 60)
    };
    let (start, end) = (time(start)?, time(end)?);
    if start == 86_400 {
        return Err(IntervalError::Range);
    }
    if end <= start {
        return Err(IntervalError::Empty);
    }
    Ok((start, end))
}

/// The first pair of intervals (by index) that overlap, if any.
pub fn first_overlap(intervals: &[(u32, u32)]) -> Option<(usize, usize)> {
    let mut order: Vec<usize> = (0..intervals.len()).collect();
    order.sort_by_key(|&i| intervals[i]);
    order.windows(2).find(|w| intervals[w[1]].0 < intervals[w[0]].1).map(|w| (w[0].min(w[1]), w[0].max(w[1])))
}

/// Why a calendar cannot be built (validation reports each with its place).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error("calendar `{0}`: unknown time zone `{1}`")]
    Zone(String, String),
    #[error("calendar `{0}`: interval `{1}` {2}")]
    Interval(String, String, IntervalError),
    #[error("calendar `{0}`: intervals `{1}` and `{2}` overlap")]
    Overlap(String, String, String),
}

/// A time zone by IANA name, from the bundled database.
pub fn zone(name: &str) -> Option<TimeZone> {
    TimeZone::get(name).ok()
}

/// A compiled calendar.
#[derive(Debug, Clone)]
pub struct Calendar {
    pub id: String,
    pub zone_name: String,
    zone: TimeZone,
    /// Monday first; seconds of the day.
    week: [Vec<(u32, u32)>; 7],
    holidays: BTreeSet<Date>,
    exceptions: BTreeMap<Date, Vec<(u32, u32)>>,
    /// Open intervals (instants) of the years in [`WINDOW`], in order, and
    /// the open seconds before each.
    open: Vec<(i64, i64)>,
    before: Vec<u64>,
    /// The instants the laid-out years start and end at.
    window: (i64, i64),
}

/// Two calendars are the same when they are defined the same.
impl PartialEq for Calendar {
    fn eq(&self, other: &Calendar) -> bool {
        (&self.id, &self.zone_name, &self.week, &self.holidays, &self.exceptions)
            == (&other.id, &other.zone_name, &other.week, &other.holidays, &other.exceptions)
    }
}

impl Eq for Calendar {}

/// The years laid out in advance.
const WINDOW: (i16, i16) = (2000, 2100);

fn intervals(id: &str, written: &[crate::model::Spanned<String>]) -> Result<Vec<(u32, u32)>, CalendarError> {
    let parsed = written
        .iter()
        .map(|t| parse_interval(t).map_err(|e| CalendarError::Interval(id.to_owned(), t.value.clone(), e)))
        .collect::<Result<Vec<_>, _>>()?;
    if let Some((a, b)) = first_overlap(&parsed) {
        return Err(CalendarError::Overlap(id.to_owned(), written[a].value.clone(), written[b].value.clone()));
    }
    let mut parsed = parsed;
    parsed.sort_unstable();
    Ok(parsed)
}

impl Calendar {
    /// Compile a calendar as written.
    pub fn new(def: &CalendarDef) -> Result<Calendar, CalendarError> {
        let id = def.id.value.clone();
        let zone = zone(&def.timezone).ok_or_else(|| CalendarError::Zone(id.clone(), def.timezone.value.clone()))?;
        let days = def.hours.days();
        let mut week: [Vec<(u32, u32)>; 7] = Default::default();
        for (slot, written) in week.iter_mut().zip(days) {
            *slot = intervals(&id, written)?;
        }
        let mut holidays = BTreeSet::new();
        for holiday in &def.holidays {
            match holiday.value {
                Holiday::Date(date) => {
                    holidays.insert(date);
                }
                Holiday::Range { from, to } => {
                    let mut date = from;
                    while date <= to {
                        holidays.insert(date);
                        match date.add_days(1) {
                            Some(next) => date = next,
                            None => break,
                        }
                    }
                }
            }
        }
        let mut exceptions = BTreeMap::new();
        for exception in &def.exceptions {
            exceptions.insert(exception.date.value, intervals(&id, &exception.hours)?);
        }
        let mut calendar = Calendar {
            id,
            zone_name: def.timezone.value.clone(),
            zone,
            week,
            holidays,
            exceptions,
            open: Vec::new(),
            before: Vec::new(),
            window: (0, 0),
        };
        calendar.lay_out();
        Ok(calendar)
    }

    /// The open hours of a local date, seconds of the day.
    fn hours_of(&self, date: Date) -> &[(u32, u32)] {
        if let Some(hours) = self.exceptions.get(&date) {
            return hours;
        }
        if self.holidays.contains(&date) {
            return &[];
        }
        &self.week[usize::from(date.0.weekday().to_monday_zero_offset().unsigned_abs())]
    }

    /// The local wall-clock time `seconds` after midnight of `date`, as an instant.
    fn instant(&self, date: Date, seconds: u32) -> Option<i64> {
        let (date, seconds) = if seconds == 86_400 { (date.add_days(1)?, 0) } else { (date, seconds) };
        let time = Time::new((seconds / 3600) as i8, (seconds / 60 % 60) as i8, 0, 0).ok()?;
        let zoned = self.zone.to_ambiguous_zoned_datetime(date.0.to_datetime(time));
        zoned.disambiguate(Disambiguation::Compatible).ok().map(|z| z.timestamp().as_second())
    }

    /// A local date's open intervals as instants, empty ones dropped.
    fn day(&self, date: Date, out: &mut Vec<(i64, i64)>) {
        for &(start, end) in self.hours_of(date) {
            if let (Some(a), Some(b)) = (self.instant(date, start), self.instant(date, end))
                && a < b
            {
                out.push((a, b));
            }
        }
    }

    fn lay_out(&mut self) {
        let (first, last) = (CivilDate::constant(WINDOW.0, 1, 1), CivilDate::constant(WINDOW.1, 12, 31));
        let mut date = Date(first);
        let mut open = Vec::new();
        while date.0 <= last {
            self.day(date, &mut open);
            date = date.add_days(1).expect("inside the years 2000-2100");
        }
        let mut total = 0;
        self.before = open
            .iter()
            .map(|&(a, b)| {
                let here = total;
                total += (b - a) as u64;
                here
            })
            .collect();
        self.open = open;
        let midnight = |date: CivilDate| self.instant(Date(date), 0).unwrap_or_default();
        self.window = (midnight(first), midnight(CivilDate::constant(WINDOW.1 + 1, 1, 1)));
    }

    /// The local date of an instant.
    fn local_date(&self, instant: i64) -> Option<Date> {
        let ts = jiff::Timestamp::from_second(instant).ok()?;
        Some(Date(self.zone.to_datetime(ts).date()))
    }

    /// Open seconds before `t` since the window opened (inside the window).
    fn open_before(&self, t: i64) -> u64 {
        let i = self.open.partition_point(|&(start, _)| start <= t);
        if i == 0 {
            return 0;
        }
        let (start, end) = self.open[i - 1];
        self.before[i - 1] + (t.min(end) - start) as u64
    }

    /// Open time between two instants, in whole seconds (0 when `to <= from`).
    pub fn business_seconds(&self, from: i64, to: i64) -> u64 {
        if to <= from {
            0
        } else if self.window.0 <= from && to <= self.window.1 {
            self.open_before(to) - self.open_before(from)
        } else {
            self.slow(from, to)
        }
    }

    /// Day by day, for instants outside the laid-out years.
    fn slow(&self, from: i64, to: i64) -> u64 {
        let (Some(first), Some(last)) = (self.local_date(from), self.local_date(to)) else {
            return 0;
        };
        let (mut date, mut total, mut open) = (first.add_days(-1).unwrap_or(first), 0, Vec::new());
        let end = last.add_days(1).unwrap_or(last);
        while date <= end {
            open.clear();
            self.day(date, &mut open);
            for &(a, b) in &open {
                let (a, b) = (a.max(from), b.min(to));
                total += (b - a).max(0) as u64;
            }
            match date.add_days(1) {
                Some(next) => date = next,
                None => break,
            }
        }
        total
    }
}

#[cfg(test)]
#[path = "calendar_tests.rs"]
mod tests;
