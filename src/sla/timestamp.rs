//! Ticket timestamps to whole seconds since 1970 (UTC), by hand: this runs
//! three times per row, so it reads the fixed shapes directly instead of
//! going through a general parser.
//!
//! Accepted (SPEC section 11): RFC 3339 (`2026-03-01T08:15:02Z`, `…+02:00`,
//! fractional seconds, `t`/`z` or a space for `T`), and the same without an
//! offset, seconds optional (`2026-03-01 08:15`, `2026-03-01T08:15:02`):
//! local time in the export's zone (`[tickets] timezone`, default UTC). A
//! local time inside a spring-forward gap moves forward by the gap; one in
//! the autumn fold takes its first occurrence. Fractions of a second are
//! dropped (seconds are whole). A leap second (`23:59:60`) counts as the
//! second before it, so it stays in its own day (and period). Instants must
//! fall in the years 0001 to 9999 in UTC, the years periods and the ledger
//! can name.
//!
//! A column may say how its timestamps are written instead ([`Form`],
//! `[tickets.columns]`): Unix epoch seconds or milliseconds, or a slashed
//! `M/D/YYYY H:MM[:SS]` / `D/M/YYYY H:MM[:SS]` read in the export's zone —
//! only when the column says which order, never guessed.
//!
//! A zone's offset is looked up once per local date (a [`DayCache`]) unless
//! the date has a transition, so local timestamps cost about what UTC ones do.

use jiff::tz::TimeZone;

use super::period::{DAY, days_from_civil, days_in_month};
use crate::model::{DateOrder, EpochUnit};

/// How a column's timestamps are written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Form {
    /// RFC 3339, or `YYYY-MM-DD HH:MM[:SS]` in the export's zone.
    #[default]
    Text,
    /// Unix epoch time, whole seconds or milliseconds.
    Epoch(EpochUnit),
    /// `M/D/YYYY H:MM[:SS]` or `D/M/YYYY H:MM[:SS]` in the export's zone.
    Slashed(DateOrder),
}

/// Why a timestamp was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimestampError {
    /// Not of either accepted shape.
    Shape,
    /// A field is out of range (month 13, 31 April, 25:00).
    Range,
    /// Before 0001-01-01 or after 9999-12-31 in UTC (year 0000, or an offset past either end).
    Year,
    /// Not a Unix epoch time in the column's unit.
    Epoch(EpochUnit),
    /// Not a slashed date and time in the column's order.
    Slashed(DateOrder),
}

impl TimestampError {
    /// What to tell the user.
    pub fn describe(self) -> &'static str {
        match self {
            TimestampError::Shape => "is not a timestamp (RFC 3339, or YYYY-MM-DD HH:MM[:SS] in the export's zone)",
            TimestampError::Range => "is not a valid date and time",
            TimestampError::Year => "is outside the years 0001 to 9999 (UTC)",
            TimestampError::Epoch(EpochUnit::S) => "is not a Unix epoch time in whole seconds (epoch = \"s\")",
            TimestampError::Epoch(EpochUnit::Ms) => "is not a Unix epoch time in milliseconds (epoch = \"ms\")",
            TimestampError::Slashed(DateOrder::Mdy) => {
                "is not a date and time M/D/YYYY H:MM with a valid month and day (date_order = \"mdy\")"
            }
            TimestampError::Slashed(DateOrder::Dmy) => {
                "is not a date and time D/M/YYYY H:MM with a valid day and month (date_order = \"dmy\")"
            }
        }
    }
}

#[inline]
fn digit(b: u8) -> Option<i64> {
    let d = b.wrapping_sub(b'0');
    (d < 10).then_some(i64::from(d))
}

#[inline]
fn two(bytes: &[u8], at: usize) -> Option<i64> {
    Some(digit(bytes[at])? * 10 + digit(bytes[at + 1])?)
}

/// The zone of timestamps without an offset, and the last date read with
/// its day number and (in a zone) its offset: rows repeat dates, so most
/// timestamps skip the calendar arithmetic.
#[derive(Debug, Clone, Default)]
pub struct DayCache {
    date: [u8; 10],
    day: Option<i64>,
    /// `None`: UTC.
    zone: Option<TimeZone>,
    /// The offset of the whole local date `date`, when no transition falls in it.
    offset: Option<i64>,
}

impl DayCache {
    /// A cache reading timestamps without an offset in `zone` (`None`: UTC).
    pub fn new(zone: Option<TimeZone>) -> DayCache {
        DayCache { zone, ..DayCache::default() }
    }
}

/// Parse a timestamp (surrounding spaces allowed) to seconds since 1970 UTC.
pub fn parse(text: &[u8]) -> Result<i64, TimestampError> {
    parse_with(text, &mut DayCache::default())
}

/// The instant of a local wall-clock time (`local` seconds since 1970 as if
/// UTC) in `zone`, by SPEC 11's rule for gaps and folds.
fn local_instant(zone: &TimeZone, local: i64) -> Option<i64> {
    let datetime = crate::model::utc_datetime(local)?;
    let instant = zone.to_ambiguous_timestamp(datetime).compatible().ok()?;
    Some(instant.as_second())
}

/// The offset of a whole local date starting at `midnight` (local seconds),
/// when the zone has no transition that day.
fn day_offset(zone: &TimeZone, midnight: i64) -> Option<i64> {
    let start = local_instant(zone, midnight)?;
    let end = local_instant(zone, midnight + DAY)?;
    let from = jiff::Timestamp::from_second(start).ok()?;
    let next = zone.following(from).next().map(|t| t.timestamp().as_second());
    if next.is_some_and(|t| t <= end) { None } else { Some(midnight - start) }
}

/// [`parse`], remembering the last date in `cache`.
#[inline]
pub fn parse_with(text: &[u8], cache: &mut DayCache) -> Result<i64, TimestampError> {
    let text = text.trim_ascii();
    // YYYY-MM-DD?HH:MM is the shortest accepted form.
    if text.len() < 16 || text[4] != b'-' || text[7] != b'-' || text[13] != b':' {
        return Err(TimestampError::Shape);
    }
    let field = |at: usize| two(text, at).ok_or(TimestampError::Shape);
    let with_seconds = text.get(16) == Some(&b':');
    let (hour, minute) = (field(11)?, field(14)?);
    let second = if with_seconds {
        if text.len() < 19 {
            return Err(TimestampError::Shape);
        }
        field(17)?
    } else {
        0
    };
    let separator = text[10];
    if !matches!(separator, b'T' | b't' | b' ') {
        return Err(TimestampError::Shape);
    }
    let mut rest = &text[if with_seconds { 19 } else { 16 }..];
    if let [b'.', tail @ ..] = rest {
        if !with_seconds {
            return Err(TimestampError::Shape);
        }
        let digits = tail.iter().take_while(|b| b.is_ascii_digit()).count();
        if digits == 0 {
            return Err(TimestampError::Shape);
        }
        rest = &tail[digits..];
    }
    let offset = match rest {
        [] => None,
        [b'Z' | b'z'] => Some(0),
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let hours = two(&[*h1, *h2], 0).ok_or(TimestampError::Shape)?;
            let minutes = two(&[*m1, *m2], 0).ok_or(TimestampError::Shape)?;
            if hours > 23 || minutes > 59 {
                return Err(TimestampError::Range);
            }
            let seconds = hours * 3600 + minutes * 60;
            Some(if *sign == b'+' { seconds } else { -seconds })
        }
        _ => return Err(TimestampError::Shape),
    };
    let key: [u8; 10] = text[..10].try_into().map_err(|_| TimestampError::Shape)?;
    let date = || Ok((field(0)? * 100 + field(2)?, field(5)?, field(8)?));
    instant(cache, key, date, (hour, minute, second), offset, TimestampError::Range)
}

/// The instant of a date and time: the date's day number from `cache` when
/// `key` (the date as written) is the last one read, else from `date`
/// (year, month, day, checked here; `invalid` when out of range).
#[inline]
fn instant(
    cache: &mut DayCache,
    key: [u8; 10],
    date: impl FnOnce() -> Result<(i64, i64, i64), TimestampError>,
    (hour, minute, second): (i64, i64, i64),
    offset: Option<i64>,
    invalid: TimestampError,
) -> Result<i64, TimestampError> {
    if hour > 23 || minute > 59 || second > 60 {
        return Err(invalid);
    }
    // A leap second is the last second of its minute, not the next minute's first.
    let second = second.min(59);
    let days = match cache.day {
        Some(day) if cache.date == key => day,
        _ => {
            let (year, month, day) = date()?;
            if !(1..=12).contains(&month) || day < 1 || day > i64::from(days_in_month(year, month as u32)) {
                return Err(invalid);
            }
            let days = days_from_civil(year, month as u32, day as u32);
            cache.date = key;
            cache.day = Some(days);
            cache.offset = cache.zone.as_ref().and_then(|zone| day_offset(zone, days * DAY));
            days
        }
    };
    let local = days * DAY + hour * 3600 + minute * 60 + second;
    let instant = match (offset, &cache.zone, cache.offset) {
        (Some(offset), _, _) => local - offset,
        (None, None, _) => local,
        (None, Some(_), Some(offset)) => local - offset,
        (None, Some(zone), None) => local_instant(zone, local).ok_or(TimestampError::Year)?,
    };
    in_years(instant)
}

/// An instant within the years 0001 to 9999 (UTC).
fn in_years(instant: i64) -> Result<i64, TimestampError> {
    if (FIRST..=LAST).contains(&instant) { Ok(instant) } else { Err(TimestampError::Year) }
}

/// A timestamp written in `form` (surrounding spaces allowed), remembering the last date in `cache`.
#[inline]
pub fn parse_form(text: &[u8], form: Form, cache: &mut DayCache) -> Result<i64, TimestampError> {
    match form {
        Form::Text => parse_with(text, cache),
        Form::Epoch(unit) => epoch(text.trim_ascii(), unit),
        Form::Slashed(order) => slashed(text.trim_ascii(), order, cache),
    }
}

/// Unix epoch seconds or milliseconds: digits, a leading `-` allowed.
fn epoch(text: &[u8], unit: EpochUnit) -> Result<i64, TimestampError> {
    let digits = text.strip_prefix(b"-").unwrap_or(text);
    // 15 digits of milliseconds is past year 9999 already; 12 of seconds too.
    let longest = if unit == EpochUnit::S { 12 } else { 15 };
    if digits.is_empty() || digits.len() > longest || !digits.iter().all(u8::is_ascii_digit) {
        return Err(TimestampError::Epoch(unit));
    }
    let value = digits.iter().fold(0i64, |n, d| n * 10 + i64::from(d - b'0'));
    let value = if digits.len() < text.len() { -value } else { value };
    in_years(if unit == EpochUnit::S { value } else { value.div_euclid(1000) })
}

/// `M/D/YYYY H:MM[:SS]` (or day first): one or two digits for month, day
/// and hour, four for the year, two for minutes and seconds; in the zone.
fn slashed(text: &[u8], order: DateOrder, cache: &mut DayCache) -> Result<i64, TimestampError> {
    let shape = TimestampError::Slashed(order);
    let mut at = 0usize;
    // Digits (between `min` and `max` of them) at `at`, then `end` (a separator, or the end of the text).
    let mut number = |min: usize, max: usize, end: &[u8]| -> Result<(i64, u8), TimestampError> {
        let digits = text[at..].iter().take_while(|b| b.is_ascii_digit()).count();
        let next = text.get(at + digits).copied().unwrap_or(0);
        if digits < min || digits > max || !end.contains(&next) {
            return Err(shape);
        }
        let value = text[at..at + digits].iter().fold(0i64, |n, d| n * 10 + i64::from(d - b'0'));
        at += digits + 1;
        Ok((value, next))
    };
    let (first, _) = number(1, 2, b"/")?;
    let (second, _) = number(1, 2, b"/")?;
    let (year, _) = number(4, 4, b" ")?;
    let (hour, _) = number(1, 2, b":")?;
    let (minute, next) = number(2, 2, b":\0")?;
    let seconds = if next == b':' { number(2, 2, b"\0")?.0 } else { 0 };
    // The last number ended the text (not a NUL byte inside it).
    if at != text.len() + 1 {
        return Err(shape);
    }
    let (month, day) = if order == DateOrder::Mdy { (first, second) } else { (second, first) };
    instant(cache, date_key(year, month, day), || Ok((year, month, day)), (hour, minute, seconds), None, shape)
}

/// A date as `YYYY-MM-DD` would write it: the key of [`DayCache`] (fields
/// out of range give a key no valid date has).
fn date_key(year: i64, month: i64, day: i64) -> [u8; 10] {
    if !(0..=9999).contains(&year) || !(0..=99).contains(&month) || !(0..=99).contains(&day) {
        return [0xff; 10];
    }
    let digit = |n: i64| b'0' + n as u8;
    let (y, m, d) = (year, month, day);
    [
        digit(y / 1000),
        digit(y / 100 % 10),
        digit(y / 10 % 10),
        digit(y % 10),
        b'-',
        digit(m / 10),
        digit(m % 10),
        b'-',
        digit(d / 10),
        digit(d % 10),
    ]
}

/// 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z, in seconds since 1970.
const FIRST: i64 = -62_135_596_800;
const LAST: i64 = 253_402_300_799;

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Result<i64, TimestampError> {
        parse(text.as_bytes())
    }

    #[test]
    fn accepted_forms_agree_with_jiff() {
        for text in [
            "2026-03-01T08:15:02Z",
            "2026-03-01T08:15:02+02:00",
            "2026-03-01T08:15:02-05:30",
            "2026-02-28T23:59:59-01:00",
            "1969-12-31T23:59:59Z",
            "2028-02-29T12:00:00+14:00",
            "0001-01-01T00:00:00Z",
            "9999-12-30T22:00:00Z", // jiff's last instant; FIRST and LAST are checked below
        ] {
            let expected = text.parse::<jiff::Timestamp>().unwrap().as_second();
            assert_eq!(at(text), Ok(expected), "{text}");
        }
        assert_eq!(at("2026-03-01 08:15:02"), at("2026-03-01T08:15:02Z"));
        assert_eq!(at(" 2026-03-01t08:15:02z "), at("2026-03-01T08:15:02Z"));
        assert_eq!(at("2026-03-01 10:15:02+02:00"), at("2026-03-01T08:15:02Z"));
        assert_eq!(at("2026-03-01T08:15:02.999Z"), at("2026-03-01T08:15:02Z"), "fractions are dropped");
        assert_eq!(at("2026-03-01T08:15:02.5+01:00"), at("2026-03-01T07:15:02Z"));
    }

    #[test]
    fn offsets_move_tickets_across_month_ends() {
        // Local 1 March 00:30 at +02:00 is still February in UTC.
        let t = at("2026-03-01T00:30:00+02:00").unwrap();
        assert_eq!(t, at("2026-02-28 22:30:00").unwrap());
    }

    #[test]
    fn refused_forms_say_why() {
        for bad in [
            "",
            "yesterday",
            "2026-03-01",
            "2026/03/01 08:15:02",
            "2026-03-01T08:15:02+0200",
            "2026-03-01T08:15:02+02",
            "2026-03-01T08:15:02 Z",
            "2026-03-01T08:15:02.Z",
            "2026-03-01X08:15:02Z",
            "２０２６-03-01T08:15:02Z",
            "-026-03-01T08:15:02Z",
        ] {
            assert_eq!(at(bad), Err(TimestampError::Shape), "{bad}");
        }
        for bad in [
            "2026-13-01T00:00:00Z",
            "2026-00-01T00:00:00Z",
            "2026-04-31T00:00:00Z",
            "2026-02-29T00:00:00Z",
            "2026-03-01T24:00:00Z",
            "2026-03-01T23:60:00Z",
            "2026-03-01T23:00:61Z",
            "2026-03-01T23:00:00+24:00",
        ] {
            assert_eq!(at(bad), Err(TimestampError::Range), "{bad}");
        }
        assert_eq!(at("2026-03-01T08:15.5"), Err(TimestampError::Shape), "fractions need seconds");
        assert_eq!(at("2026-03-01T08:15:0"), Err(TimestampError::Shape));
    }

    fn berlin(text: &str) -> Result<i64, TimestampError> {
        parse_with(text.as_bytes(), &mut DayCache::new(Some(TimeZone::get("Europe/Berlin").unwrap())))
    }

    #[test]
    fn times_without_an_offset_are_local_to_the_exports_zone() {
        // Without a zone: UTC, with or without seconds, space or T.
        assert_eq!(at("2026-03-01T08:15:02"), at("2026-03-01T08:15:02Z"));
        assert_eq!(at("2026-03-01 08:15"), at("2026-03-01T08:15:00Z"));
        // Berlin: +01:00 in winter, +02:00 in summer; offsets written stay as written.
        assert_eq!(berlin("2026-01-15 09:00"), at("2026-01-15T08:00:00Z"));
        assert_eq!(berlin("2026-07-15T09:00:00"), at("2026-07-15T07:00:00Z"));
        assert_eq!(berlin("2026-07-15T09:00:00Z"), at("2026-07-15T09:00:00Z"));
        // 29 March 2026, 02:00-03:00 does not exist: 02:30 moves forward by the gap to 03:30 CEST.
        assert_eq!(berlin("2026-03-29 02:30:00"), at("2026-03-29T01:30:00Z"));
        assert_eq!(berlin("2026-03-29 01:59:59"), at("2026-03-29T00:59:59Z"));
        assert_eq!(berlin("2026-03-29 03:00:00"), at("2026-03-29T01:00:00Z"));
        // 25 October 2026, 02:30 happens twice: the first (CEST, 00:30Z) is taken.
        assert_eq!(berlin("2026-10-25 02:30:00"), at("2026-10-25T00:30:00Z"));
        assert_eq!(berlin("2026-10-25 03:30:00"), at("2026-10-25T02:30:00Z"));
        // The cache across dates with and without a transition gives the same answers.
        let mut cache = DayCache::new(Some(TimeZone::get("Europe/Berlin").unwrap()));
        for text in ["2026-03-28 23:00", "2026-03-29 02:30", "2026-03-29 12:00", "2026-03-30 00:00", "2026-03-29 02:30"]
        {
            assert_eq!(parse_with(text.as_bytes(), &mut cache), berlin(text), "{text}");
        }
        assert_eq!(berlin("2026-03-30 00:00"), at("2026-03-29T22:00:00Z"));
    }

    #[test]
    fn a_leap_second_stays_in_its_own_day_and_years_stay_in_range() {
        assert_eq!(at("2016-06-30T23:59:60Z"), at("2016-06-30T23:59:59Z"));
        assert_eq!(at("2016-12-31 23:59:60"), at("2016-12-31 23:59:59"));
        assert_eq!(at("2016-12-31T18:59:60-05:00"), at("2016-12-31T23:59:59Z"));
        assert_eq!(at("0000-06-01T00:00:00Z"), Err(TimestampError::Year));
        assert_eq!(at("0001-01-01T00:30:00+01:00"), Err(TimestampError::Year), "year 0000 in UTC");
        assert_eq!(at("9999-12-31T23:30:00-01:00"), Err(TimestampError::Year), "year 10000 in UTC");
        assert_eq!(at("0001-01-01T00:00:00Z"), Ok(FIRST));
        assert_eq!(at("9999-12-31T23:59:59Z"), Ok(LAST));
        assert!(TimestampError::Year.describe().contains("0001 to 9999"));
    }

    #[test]
    fn epoch_columns_read_seconds_or_milliseconds_and_nothing_else() {
        let epoch = |text: &str, unit| parse_form(text.as_bytes(), Form::Epoch(unit), &mut DayCache::default());
        // 2026-01-01T00:00:00Z: 56 years of 365 days and 14 leap days (1972 … 2024) = 20 454 days × 86 400 s.
        assert_eq!(epoch("1767225600", EpochUnit::S), Ok(20_454 * 86_400));
        assert_eq!(epoch("1767225600", EpochUnit::S), at("2026-01-01T00:00:00Z"));
        assert_eq!(epoch(" 1767225600999 ", EpochUnit::Ms), at("2026-01-01T00:00:00Z"), "fractions dropped");
        assert_eq!(epoch("-1", EpochUnit::S), at("1969-12-31T23:59:59Z"));
        assert_eq!(epoch("-1", EpochUnit::Ms), at("1969-12-31T23:59:59Z"), "floored, not toward zero");
        for bad in ["", "-", "1.5", "1e9", "2026-01-01T00:00:00Z", "1234567890123"] {
            assert_eq!(epoch(bad, EpochUnit::S), Err(TimestampError::Epoch(EpochUnit::S)), "{bad}");
        }
        assert_eq!(epoch("1234567890123456", EpochUnit::Ms), Err(TimestampError::Epoch(EpochUnit::Ms)));
        assert_eq!(epoch("999999999999", EpochUnit::S), Err(TimestampError::Year), "year 33658");
    }

    #[test]
    fn slashed_dates_are_read_in_the_order_the_column_says() {
        let zone = || DayCache::new(Some(TimeZone::get("Europe/Berlin").unwrap()));
        let read = |text: &str, order| parse_form(text.as_bytes(), Form::Slashed(order), &mut zone());
        // 12/1/2026 9:05 in Berlin: 1 December (CET, +01:00) month first, 12 January (CET) day first.
        assert_eq!(read("12/1/2026 9:05", DateOrder::Mdy), at("2026-12-01T08:05:00Z"));
        assert_eq!(read("12/1/2026 9:05", DateOrder::Dmy), at("2026-01-12T08:05:00Z"));
        // Summer time: 7/15/2026 09:05:30 is CEST (+02:00).
        assert_eq!(read("7/15/2026 09:05:30", DateOrder::Mdy), at("2026-07-15T07:05:30Z"));
        assert_eq!(read("15/07/2026 9:05:30", DateOrder::Dmy), at("2026-07-15T07:05:30Z"));
        // The spring-forward gap moves forward, as for other local times.
        assert_eq!(read("3/29/2026 2:30", DateOrder::Mdy), at("2026-03-29T01:30:00Z"));
        let mdy = TimestampError::Slashed(DateOrder::Mdy);
        for bad in [
            "13/1/2026 9:05",
            "2/29/2026 9:05",
            "1/1/26 9:05",
            "1/1/2026",
            "1/1/2026 9:5",
            "1/1/2026 24:00",
            "1/1/2026 9:05 PM",
            "1-1-2026 9:05",
            "1/1/2026T9:05",
            "001/1/2026 9:05",
        ] {
            assert_eq!(read(bad, DateOrder::Mdy), Err(mdy), "{bad}");
        }
        assert_eq!(read("13/1/2026 9:05", DateOrder::Dmy), at("2026-01-13T08:05:00Z"));
        // One cache across both forms gives the same answers.
        let mut cache = zone();
        let text = parse_form(b"2026-01-12 09:05", Form::Text, &mut cache);
        assert_eq!(parse_form(b"12/1/2026 9:05", Form::Slashed(DateOrder::Dmy), &mut cache), text);
        assert_eq!(
            parse_form(b"1/13/2026 9:05", Form::Slashed(DateOrder::Mdy), &mut cache),
            at("2026-01-13T08:05:00Z")
        );
    }

    #[test]
    fn the_date_cache_gives_the_same_answers() {
        let mut cache = DayCache::default();
        for text in ["2026-03-01T08:15:02Z", "2026-03-01 23:59:59", "2026-03-01T00:00:00+02:00", "2026-03-02T00:00:00Z"]
        {
            assert_eq!(parse_with(text.as_bytes(), &mut cache), at(text), "{text}");
        }
        assert_eq!(parse_with(b"2026-02-30T00:00:00Z", &mut cache), Err(TimestampError::Range));
        assert_eq!(parse_with(b"2026-03-02T25:00:00Z", &mut cache), Err(TimestampError::Range));
        assert_eq!(parse_with(b"2026-03-0xT00:00:00Z", &mut cache), Err(TimestampError::Shape));
    }
}
