//! Small value types shared by several file kinds: dates, durations, country
//! and currency codes, identifiers and semantic versions.

use std::borrow::Cow;
use std::fmt;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::de::{Deserialize, Deserializer, Error as _};

/// A calendar date written as a bare TOML date (`2026-10-01`).
///
/// The one date type of the crate (a `jiff` civil date inside); the helpers
/// below are all the calendar arithmetic the rest of the code needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(pub jiff::civil::Date);

impl Date {
    /// Parse `YYYY-MM-DD` (exactly that shape).
    pub fn parse(text: &str) -> Option<Date> {
        let b = text.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let number = |range: std::ops::Range<usize>| {
            b[range.clone()].iter().all(u8::is_ascii_digit).then(|| text[range].parse::<i64>().ok()).flatten()
        };
        Date::from_ymd(number(0..4)?, number(5..7)?, number(8..10)?)
    }

    /// The date of a year, month (1-12) and day, if it exists (years -9999 to 9999).
    pub fn from_ymd(year: i64, month: i64, day: i64) -> Option<Date> {
        let (month, day) = (i8::try_from(month).ok()?, i8::try_from(day).ok()?);
        jiff::civil::Date::new(i16::try_from(year).ok()?, month, day).ok().map(Date)
    }

    pub fn year(self) -> i32 {
        i32::from(self.0.year())
    }

    /// 1 to 12.
    pub fn month(self) -> u8 {
        self.0.month().unsigned_abs()
    }

    pub fn day(self) -> u8 {
        self.0.day().unsigned_abs()
    }

    /// Days in this date's month.
    pub fn days_in_month(self) -> u8 {
        self.0.days_in_month().unsigned_abs()
    }

    /// Days since 1970-01-01 (negative before).
    pub fn day_number(self) -> i64 {
        self.0.duration_since(jiff::civil::Date::constant(1970, 1, 1)).as_secs() / 86_400
    }

    /// The date `days` later (earlier when negative); `None` outside the years -9999 to 9999.
    pub fn add_days(self, days: i64) -> Option<Date> {
        self.0.checked_add(jiff::Span::new().try_days(days).ok()?).ok().map(Date)
    }
}

/// The UTC wall-clock date and time of a Unix time (whole seconds), for the
/// years -9999 to 9999 (a `jiff::Timestamp` stops a day short of 10000).
pub fn utc_datetime(unix_seconds: i64) -> Option<jiff::civil::DateTime> {
    jiff::civil::DateTime::constant(1970, 1, 1, 0, 0, 0, 0)
        .checked_add(jiff::SignedDuration::from_secs(unix_seconds))
        .ok()
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year(), self.month(), self.day())
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let datetime = toml::value::Datetime::deserialize(deserializer)?;
        match (datetime.date, datetime.time) {
            (Some(date), None) => Date::from_ymd(i64::from(date.year), i64::from(date.month), i64::from(date.day))
                .ok_or_else(|| D::Error::custom("not a valid calendar date")),
            _ => Err(D::Error::custom("expected a date like 2026-10-01, without a time")),
        }
    }
}

impl JsonSchema for Date {
    fn schema_name() -> Cow<'static, str> {
        "Date".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": "string", "format": "date", "description": "A TOML date, e.g. 2026-10-01 (no quotes)" })
    }
}

/// An instant written as a TOML offset date-time (`2026-03-03T10:00:00Z`,
/// `2026-03-03T11:00:00+01:00`), in whole seconds since 1970 UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Instant {
    pub seconds: i64,
}

impl<'de> Deserialize<'de> for Instant {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let datetime = toml::value::Datetime::deserialize(deserializer)?;
        let wrong = || D::Error::custom("expected a date and time with an offset, like 2026-03-03T10:00:00Z");
        let (Some(date), Some(clock), Some(offset)) = (datetime.date, datetime.time, datetime.offset) else {
            return Err(wrong());
        };
        let day = Date::from_ymd(i64::from(date.year), i64::from(date.month), i64::from(date.day))
            .ok_or_else(|| D::Error::custom("not a valid calendar date"))?;
        let offset_minutes = match offset {
            toml::value::Offset::Z => 0,
            toml::value::Offset::Custom { minutes } => i64::from(minutes),
        };
        let days = day.day_number();
        let seconds = days * 86_400
            + i64::from(clock.hour) * 3_600
            + i64::from(clock.minute) * 60
            + i64::from(clock.second.unwrap_or(0))
            - offset_minutes * 60;
        Ok(Instant { seconds })
    }
}

impl JsonSchema for Instant {
    fn schema_name() -> Cow<'static, str> {
        "Instant".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": "string", "format": "date-time",
            "description": "A TOML date-time with an offset, e.g. 2026-03-03T10:00:00Z (no quotes)" })
    }
}

/// A length of time in whole seconds, written `60s`, `15m`, `4h` or `2d`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Duration {
    pub seconds: u64,
}

impl Duration {
    /// The longest duration: 36525 days (100 years). One range for every
    /// duration, checked where it is parsed, so validation refuses what
    /// `check`, `sla` and `report` could not compute with (they convert to
    /// signed seconds and calendar arithmetic).
    pub const MAX_SECONDS: u64 = 36_525 * 86_400;

    /// Parse a duration; `None` when it is not a positive whole number with
    /// a unit, or longer than [`Duration::MAX_SECONDS`].
    pub fn parse(text: &str) -> Option<Duration> {
        Duration::parse_any_length(text).filter(|d| d.seconds <= Duration::MAX_SECONDS)
    }

    /// Why `text` is not a duration, in words for a diagnostic.
    pub fn problem(text: &str) -> String {
        match Duration::parse_any_length(text) {
            Some(_) => format!("`{text}` is longer than 36525d (100 years), the longest duration allowed"),
            None => format!("`{text}` is not a duration"),
        }
    }

    fn parse_any_length(text: &str) -> Option<Duration> {
        let text = text.trim();
        let unit_at = text.find(|c: char| !c.is_ascii_digit())?;
        let (number, unit) = text.split_at(unit_at);
        let number: u64 = number.parse().ok()?;
        let factor = match unit {
            "s" => 1,
            "m" => 60,
            "h" => 3_600,
            "d" => 86_400,
            _ => return None,
        };
        number.checked_mul(factor).map(|seconds| Duration { seconds })
    }
}

impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.seconds;
        match s {
            _ if s != 0 && s.is_multiple_of(86_400) => write!(f, "{}d", s / 86_400),
            _ if s != 0 && s.is_multiple_of(3_600) => write!(f, "{}h", s / 3_600),
            _ if s != 0 && s.is_multiple_of(60) => write!(f, "{}m", s / 60),
            _ => write!(f, "{s}s"),
        }
    }
}

/// The ISO 3166-1 alpha-2 codes (249, from the ISO 3166 Maintenance Agency's
/// list as packaged by pycountry 26.2.16).
pub(super) const COUNTRIES: &str = include_str!("iso3166.txt");
/// The ISO 4217 alphabetic currency codes (same source).
pub(super) const CURRENCIES: &str = include_str!("iso4217.txt");

/// Whether `code` is an assigned ISO 3166-1 alpha-2 country code.
pub fn is_country(code: &str) -> bool {
    static CODES: std::sync::OnceLock<Vec<&str>> = std::sync::OnceLock::new();
    code.len() == 2 && listed(&CODES, COUNTRIES, code)
}

/// Whether `code` is an ISO 4217 currency code.
pub fn is_currency(code: &str) -> bool {
    static CODES: std::sync::OnceLock<Vec<&str>> = std::sync::OnceLock::new();
    code.len() == 3 && listed(&CODES, CURRENCIES, code)
}

/// Whether `code` is one of the codes of `list`, sorted once for a binary search.
fn listed(codes: &'static std::sync::OnceLock<Vec<&'static str>>, list: &'static str, code: &str) -> bool {
    let codes = codes.get_or_init(|| {
        let mut codes: Vec<&str> = list.split_whitespace().collect();
        codes.sort_unstable();
        codes
    });
    codes.binary_search(&code).is_ok()
}

/// The countries of the European Economic Area (EU 27, Iceland, Liechtenstein, Norway).
pub const EEA: &[&str] = &[
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV", "LT", "LU", "MT",
    "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE", "IS", "LI", "NO",
];

/// Countries with an EU adequacy decision as of July 2023 (DOMAIN.md §1,
/// deloitte.com/lu; gtlaw-dataprivacydish 2023/07). The US is adequate only
/// for organisations on the Data Privacy Framework list, so it is not here.
pub const ADEQUATE: &[&str] = &["AD", "AR", "CA", "FO", "GG", "IL", "IM", "JP", "JE", "NZ", "KR", "CH", "GB", "UY"];

/// Whether personal data may go to `country` without Chapter V safeguards.
pub fn is_eea_or_adequate(country: &str) -> bool {
    EEA.contains(&country) || ADEQUATE.contains(&country)
}

/// Whether `id` has the form `[a-z0-9][a-z0-9-]*` (rubric, policy, vendor and rule ids).
pub fn is_slug(id: &str) -> bool {
    let mut chars = id.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// Whether `id` has the form `[a-z][a-z0-9_]*` (category and criterion ids).
pub fn is_ident(id: &str) -> bool {
    let mut chars = id.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// Whether `version` is a semantic version (`1.0.0`, `2.1.0-rc.1`).
pub fn is_semver(version: &str) -> bool {
    let core = version.split(['-', '+']).next().unwrap_or("");
    let rest_ok = version[core.len()..].chars().all(|c| c.is_ascii_alphanumeric() || "-+.".contains(c));
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()) && (p == &"0" || !p.starts_with('0')))
        && rest_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse_with_units_and_reject_the_rest() {
        assert_eq!(Duration::parse("60s"), Some(Duration { seconds: 60 }));
        assert_eq!(Duration::parse("15m"), Some(Duration { seconds: 900 }));
        assert_eq!(Duration::parse("4h"), Some(Duration { seconds: 14_400 }));
        assert_eq!(Duration::parse("2d"), Some(Duration { seconds: 172_800 }));
        for bad in ["", "60", "s", "1.5h", "-3s", "4 hours", "99999999999999999999d", "106751991167301d", "36526d"] {
            assert_eq!(Duration::parse(bad), None, "{bad}");
        }
        assert_eq!(Duration::parse("36525d"), Some(Duration { seconds: Duration::MAX_SECONDS }));
        assert!(Duration::problem("106751991167301d").contains("longer than 36525d"));
        assert_eq!(Duration::problem("1.5h"), "`1.5h` is not a duration");
        assert_eq!(Duration { seconds: 14_400 }.to_string(), "4h");
        assert_eq!(Duration { seconds: 90 }.to_string(), "90s");
    }

    #[test]
    fn dates_parse_strictly_and_count_days() {
        let d = |t: &str| Date::parse(t);
        assert_eq!(d("2026-02-28").unwrap().to_string(), "2026-02-28");
        for bad in
            ["2026-02-29", "2026-2-28", "2026-02-28T00:00", "20260228", "+2026-02-28", "2026-13-01", "２０２６-02-28"]
        {
            assert_eq!(d(bad), None, "{bad}");
        }
        // 2000-03-01 is day 11017 after 1970-01-01 (30 years: 10957 days, plus Jan and Feb 2000: 60).
        assert_eq!(d("2000-03-01").unwrap().day_number(), 11_017);
        assert_eq!(d("1969-12-31").unwrap().day_number(), -1);
        assert_eq!(d("2028-02-28").unwrap().add_days(1), d("2028-02-29"));
        assert_eq!(d("2026-03-01").unwrap().add_days(-1), d("2026-02-28"));
        assert_eq!(d("9999-12-31").unwrap().add_days(1), None);
        assert_eq!(d("2028-02-01").unwrap().days_in_month(), 29);
    }

    #[test]
    fn utc_date_times_reach_the_last_second_of_9999() {
        assert_eq!(utc_datetime(1_795_255_200).unwrap().to_string(), "2026-11-21T10:00:00");
        assert_eq!(utc_datetime(253_402_300_799).unwrap().to_string(), "9999-12-31T23:59:59");
        assert_eq!(utc_datetime(-1).unwrap().to_string(), "1969-12-31T23:59:59");
        assert_eq!(utc_datetime(253_402_300_800), None);
    }

    #[test]
    fn codes_and_ids() {
        assert!(is_country("PL") && is_country("PH") && !is_country("XX") && !is_country("pl"));
        assert!(is_currency("EUR") && !is_currency("EU"));
        // The ends of the lists (a binary search gets them wrong first), and codes between entries.
        assert!(is_country("AD") && is_country("ZW") && !is_country("AA") && !is_country("ZZ") && !is_country("PB"));
        assert!(is_currency("AED") && is_currency("ZWG") && !is_currency("AAA") && !is_currency("ZZZ"));
        assert!(is_slug("northwind-cx") && !is_slug("-x") && !is_slug("Northwind"));
        assert!(is_ident("peak_capacity") && !is_ident("1x") && !is_ident("a-b"));
        assert!(is_semver("1.0.0") && is_semver("2.1.0-rc.1") && !is_semver("1.0") && !is_semver("01.0.0"));
        assert!(is_eea_or_adequate("DE") && is_eea_or_adequate("JP") && !is_eea_or_adequate("PH"));
    }
}
