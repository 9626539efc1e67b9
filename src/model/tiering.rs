//! A tiering file as written (SPEC section 14): risk tiers listed highest
//! first, each with how often a vendor of that tier is re-assessed and the
//! rule that puts a vendor in it; the last tier, without a rule, is the default.
//! Also the ISO 8601 period (`P12M`) and the calendar arithmetic on it.

use schemars::JsonSchema;
use serde::Deserialize;

use super::{Date, Spanned};

/// `tiering.toml` in the workspace, or `builtin:tiering`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    title = "vendorscore tiering",
    description = "Vendor risk tiers and reassessment periods (SPEC section 14)."
)]
pub struct TieringFile {
    pub tiering: TieringHeader,
    /// Highest first; the last one has no `when` and is the default.
    #[serde(default)]
    pub tier: Vec<TierDef>,
}

/// The `[tiering]` table.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TieringHeader {
    /// `[a-z0-9][a-z0-9-]*`.
    pub id: Spanned<String>,
    /// MAJOR.MINOR.PATCH.
    pub version: Spanned<String>,
    #[serde(default)]
    pub description: Option<String>,
    /// Where the tiering scheme comes from.
    #[serde(default)]
    pub reference: Option<String>,
}

/// One `[[tier]]`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TierDef {
    /// `[a-z0-9][a-z0-9-]*`, unique in the file.
    pub id: Spanned<String>,
    #[serde(default)]
    pub title: Option<String>,
    /// ISO 8601 period between two assessments, e.g. `P12M`.
    pub reassess: Spanned<String>,
    /// A policy expression over `intake`, `vendor`, `contract` and `answers`;
    /// absent on the last (default) tier only.
    #[serde(default)]
    pub when: Option<Spanned<String>>,
    /// Where the rule or the period comes from.
    #[serde(default)]
    pub reference: Option<String>,
}

/// An ISO 8601 period of whole days, weeks, months and years (`P1Y6M`,
/// `P12M`, `P2W`, `P90D`); no time part.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IsoPeriod {
    pub years: u32,
    pub months: u32,
    pub weeks: u32,
    pub days: u32,
}

impl IsoPeriod {
    /// Parse `PnYnMnWnD` (each part optional, in that order, at least one).
    pub fn parse(text: &str) -> Option<IsoPeriod> {
        let rest = text.strip_prefix('P')?;
        let mut period = IsoPeriod { years: 0, months: 0, weeks: 0, days: 0 };
        let mut number = String::new();
        let mut last_unit = 0;
        let mut parts = 0;
        for c in rest.chars() {
            if c.is_ascii_digit() {
                number.push(c);
                continue;
            }
            let order = match c {
                'Y' => 1,
                'M' => 2,
                'W' => 3,
                'D' => 4,
                _ => return None,
            };
            if number.is_empty() || order <= last_unit || number.len() > 5 {
                return None;
            }
            let n: u32 = number.parse().ok()?;
            match c {
                'Y' => period.years = n,
                'M' => period.months = n,
                'W' => period.weeks = n,
                _ => period.days = n,
            }
            number.clear();
            last_unit = order;
            parts += 1;
        }
        (number.is_empty() && parts > 0).then_some(period)
    }

    /// The date this period after `from`: years and months first, the day
    /// clamped to the end of a shorter month (31 January + P1M = 28 or 29
    /// February), then weeks and days. `None` past the year 9999.
    pub fn after(&self, from: Date) -> Option<Date> {
        add_months(from, self.years.checked_mul(12)?.checked_add(self.months)?)
            .and_then(|d| d.add_days(i64::from(self.weeks) * 7 + i64::from(self.days)))
    }
}

/// `from` plus whole calendar months, the day clamped to the month's length.
pub fn add_months(from: Date, months: u32) -> Option<Date> {
    let index = i64::from(from.year()) * 12 + i64::from(from.month() - 1) + i64::from(months);
    let first = Date::from_ymd(index.div_euclid(12), index.rem_euclid(12) + 1, 1)?;
    Date::from_ymd(i64::from(first.year()), i64::from(first.month()), i64::from(from.day().min(first.days_in_month())))
}

impl std::fmt::Display for IsoPeriod {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("P")?;
        for (n, unit) in [(self.years, 'Y'), (self.months, 'M'), (self.weeks, 'W'), (self.days, 'D')] {
            if n > 0 {
                write!(f, "{n}{unit}")?;
            }
        }
        if self.years + self.months + self.weeks + self.days == 0 {
            f.write_str("0D")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> Date {
        Date::parse(text).unwrap()
    }

    #[test]
    fn periods_parse_in_designator_order_only() {
        assert_eq!(IsoPeriod::parse("P12M"), Some(IsoPeriod { years: 0, months: 12, weeks: 0, days: 0 }));
        assert_eq!(IsoPeriod::parse("P1Y6M"), Some(IsoPeriod { years: 1, months: 6, weeks: 0, days: 0 }));
        assert_eq!(IsoPeriod::parse("P2W3D"), Some(IsoPeriod { years: 0, months: 0, weeks: 2, days: 3 }));
        for bad in ["", "P", "12M", "P12", "PM", "P6M1Y", "P1M1M", "PT12H", "P1.5Y", "p12m", "P-1M", "P999999D"] {
            assert_eq!(IsoPeriod::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn months_clamp_to_the_end_of_shorter_months() {
        let p1m = IsoPeriod::parse("P1M").unwrap();
        // 2026 is not a leap year, 2028 is.
        assert_eq!(p1m.after(date("2026-01-31")), Some(date("2026-02-28")));
        assert_eq!(p1m.after(date("2028-01-31")), Some(date("2028-02-29")));
        assert_eq!(p1m.after(date("2026-03-31")), Some(date("2026-04-30")));
        assert_eq!(p1m.after(date("2026-12-15")), Some(date("2027-01-15")));
        // A leap day plus a year is the last day of the next February.
        assert_eq!(IsoPeriod::parse("P1Y").unwrap().after(date("2028-02-29")), Some(date("2029-02-28")));
        assert_eq!(IsoPeriod::parse("P48M").unwrap().after(date("2028-02-29")), Some(date("2032-02-29")));
        // Months first, then days: 31 Jan + 1 month = 28 Feb, + 1 day = 1 Mar.
        assert_eq!(IsoPeriod::parse("P1M1D").unwrap().after(date("2026-01-31")), Some(date("2026-03-01")));
        assert_eq!(IsoPeriod::parse("P2W").unwrap().after(date("2026-12-25")), Some(date("2027-01-08")));
        assert_eq!(IsoPeriod::parse("P1Y").unwrap().after(date("9999-06-01")), None);
    }
}
