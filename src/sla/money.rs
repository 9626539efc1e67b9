//! Exact decimals for service credits and the comparisons that decide a
//! breach; money stays exact and is rounded half to even to the cent only
//! when shown or recorded. No floating-point arithmetic: a contract's numbers are taken as
//! written (`42000`, `2.5`) and computed with integers.
//!
//! TOML hands the contract's numbers over as `f64`; [`Decimal::from_f64`]
//! recovers the decimal the user wrote from the shortest representation
//! that reads back as the same `f64`, which is the text for every number a
//! person types (up to 15 significant digits).

use std::cmp::Ordering;
use std::fmt;

/// The largest amount a contract may state (2^53): up to it, every whole
/// number is exactly one `f64`, which is how TOML hands numbers over. Above
/// it `9223372036854775807` arrives as `9223372036854775808`, so validation
/// refuses such amounts instead of computing credits from changed digits.
pub const MAX_EXACT_AMOUNT: f64 = 9_007_199_254_740_992.0;

/// Most digits a decimal may hold; keeps every product within `i128`.
const MAX_DIGITS: usize = 30;

/// A decimal number: `units × 10^-scale`.
#[derive(Debug, Clone, Copy)]
pub struct Decimal {
    units: i128,
    scale: u32,
}

/// Why a number cannot be used as an exact decimal.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecimalError {
    /// NaN or infinity.
    #[error("is not a finite number")]
    NotFinite,
    /// More than 30 digits.
    #[error("has too many digits to compute with exactly")]
    TooLarge,
}

impl Decimal {
    /// Zero.
    pub const ZERO: Decimal = Decimal { units: 0, scale: 0 };

    /// `units × 10^-scale`.
    pub fn new(units: i128, scale: u32) -> Decimal {
        Decimal { units, scale }
    }

    /// A whole number.
    pub fn from_int(n: i64) -> Decimal {
        Decimal { units: i128::from(n), scale: 0 }
    }

    /// The decimal whose shortest round-tripping text is `value`'s.
    pub fn from_f64(value: f64) -> Result<Decimal, DecimalError> {
        if !value.is_finite() {
            return Err(DecimalError::NotFinite);
        }
        // Rust's `Display` for f64 prints the shortest round-trip digits, never an exponent.
        Decimal::parse(&value.to_string()).ok_or(DecimalError::TooLarge)
    }

    /// Parse `-?digits(.digits)?`; `None` for other text or more than 30 digits.
    pub fn parse(text: &str) -> Option<Decimal> {
        let (negative, digits) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
        let whole = whole.trim_start_matches('0');
        let fraction = fraction.trim_end_matches('0');
        if (whole.is_empty() && fraction.is_empty() && !digits.starts_with('0'))
            || !whole.bytes().chain(fraction.bytes()).all(|b| b.is_ascii_digit())
            || whole.len() + fraction.len() > MAX_DIGITS
        {
            return None;
        }
        let mut units: i128 = 0;
        for b in whole.bytes().chain(fraction.bytes()) {
            units = units * 10 + i128::from(b - b'0');
        }
        Some(Decimal { units: if negative { -units } else { units }, scale: fraction.len() as u32 })
    }

    /// `self × other`, exact; `None` on overflow.
    pub fn checked_mul(self, other: Decimal) -> Option<Decimal> {
        Some(Decimal { units: self.units.checked_mul(other.units)?, scale: self.scale + other.scale })
    }

    /// `self / 10^places`, exact.
    pub fn shift_left(self, places: u32) -> Decimal {
        Decimal { units: self.units, scale: self.scale + places }
    }

    /// `self × n`, exact; `None` on overflow.
    pub fn checked_mul_int(self, n: u64) -> Option<Decimal> {
        Some(Decimal { units: self.units.checked_mul(i128::from(n))?, scale: self.scale })
    }

    /// `self - other`, exact; `None` on overflow.
    pub fn checked_sub(self, other: Decimal) -> Option<Decimal> {
        let scale = self.scale.max(other.scale);
        Some(Decimal { units: rescale(self, scale)?.checked_sub(rescale(other, scale)?)?, scale })
    }

    /// `self + other`, exact; `None` on overflow.
    pub fn checked_add(self, other: Decimal) -> Option<Decimal> {
        let scale = self.scale.max(other.scale);
        Some(Decimal { units: rescale(self, scale)?.checked_add(rescale(other, scale)?)?, scale })
    }

    /// Rounded half to even to `places` decimals, as integer units of 10^-places.
    pub fn round_half_even(self, places: u32) -> Option<i128> {
        if self.scale <= places {
            return self.units.checked_mul(10i128.checked_pow(places - self.scale)?);
        }
        let divisor = 10i128.checked_pow(self.scale - places)?;
        let (q, r) = (self.units.div_euclid(divisor), self.units.rem_euclid(divisor));
        Some(match (r * 2).cmp(&divisor) {
            Ordering::Less => q,
            Ordering::Greater => q + 1,
            Ordering::Equal => q + (q & 1),
        })
    }

    /// The smaller of two decimals.
    pub fn min(self, other: Decimal) -> Decimal {
        if other < self { other } else { self }
    }

    /// Rounded half away from zero to `places` decimals, as integer units of 10^-places.
    pub fn round_to(self, places: u32) -> Option<i128> {
        if self.scale <= places {
            return self.units.checked_mul(10i128.checked_pow(places - self.scale)?);
        }
        let divisor = 10i128.checked_pow(self.scale - places)?;
        let (q, r) = (self.units / divisor, self.units % divisor);
        Some(if r.abs() * 2 >= divisor { q + self.units.signum() } else { q })
    }

    /// The smallest integer at or above `self`.
    pub fn ceil(self) -> i128 {
        let divisor = 10i128.pow(self.scale.min(38));
        let q = self.units.div_euclid(divisor);
        if self.units.rem_euclid(divisor) == 0 { q } else { q + 1 }
    }

    /// The largest integer at or below `self`.
    pub fn floor(self) -> i128 {
        self.units.div_euclid(10i128.pow(self.scale.min(38)))
    }

    /// Whether the number is whole.
    pub fn is_integer(self) -> bool {
        self.units % 10i128.pow(self.scale.min(38)) == 0
    }

    /// The nearest `f64`, for JSON output only.
    pub fn to_f64(self) -> f64 {
        self.to_string().parse().unwrap_or(f64::NAN)
    }
}

fn rescale(d: Decimal, scale: u32) -> Option<i128> {
    d.units.checked_mul(10i128.checked_pow(scale - d.scale)?)
}

impl PartialEq for Decimal {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Decimal {}

impl PartialOrd for Decimal {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Decimal {
    fn cmp(&self, other: &Self) -> Ordering {
        let scale = self.scale.max(other.scale);
        match (rescale(*self, scale), rescale(*other, scale)) {
            (Some(a), Some(b)) => a.cmp(&b),
            // Only numbers far beyond any contract's overflow: compare as text-scaled floats.
            _ => self.to_f64().total_cmp(&other.to_f64()),
        }
    }
}

/// Plain decimal text without trailing zeros (`42000`, `2.5`).
impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digits = self.units.unsigned_abs().to_string();
        let sign = if self.units < 0 { "-" } else { "" };
        let scale = self.scale as usize;
        let (whole, fraction) = if digits.len() > scale {
            let (w, r) = digits.split_at(digits.len() - scale);
            (w.to_owned(), r.to_owned())
        } else {
            ("0".to_owned(), format!("{digits:0>scale$}"))
        };
        let fraction = fraction.trim_end_matches('0');
        if fraction.is_empty() { write!(f, "{sign}{whole}") } else { write!(f, "{sign}{whole}.{fraction}") }
    }
}

/// An amount of money, exact: credits are computed and summed as decimals
/// and rounded (half to even, to the cent) only when shown or recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Money(Decimal);

impl Default for Money {
    fn default() -> Money {
        Money::ZERO
    }
}

impl Money {
    /// Zero.
    pub const ZERO: Money = Money(Decimal::ZERO);

    /// An amount in cents.
    pub fn from_cents(cents: i128) -> Money {
        Money(Decimal::new(cents, 2))
    }

    /// An exact amount.
    pub fn exact(amount: Decimal) -> Money {
        Money(amount)
    }

    /// The exact amount.
    pub fn amount(self) -> Decimal {
        self.0
    }

    /// `pct × base / 100`, exact; `None` on overflow.
    pub fn percent_of(pct: Decimal, base: Decimal) -> Option<Money> {
        Some(Money(pct.checked_mul(base)?.shift_left(2)))
    }

    /// `pct % of self`, exact; `None` on overflow.
    pub fn percent(self, pct: Decimal) -> Option<Money> {
        Money::percent_of(pct, self.0)
    }

    /// `self + other`; `None` on overflow.
    pub fn checked_add(self, other: Money) -> Option<Money> {
        Some(Money(self.0.checked_add(other.0)?))
    }

    /// `self - other`; `None` on overflow.
    pub fn checked_sub(self, other: Money) -> Option<Money> {
        Some(Money(self.0.checked_sub(other.0)?))
    }

    /// Whole cents, rounded half to even (banker's rounding).
    pub fn cents(self) -> i128 {
        self.0.round_half_even(2).unwrap_or(i128::MAX)
    }
}

/// `2100.00`: rounded half to even to the cent.
impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let cents = self.cents();
        let sign = if cents < 0 { "-" } else { "" };
        let abs = cents.unsigned_abs();
        write!(f, "{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Decimal {
        Decimal::parse(text).unwrap()
    }

    #[test]
    fn decimals_come_back_as_written() {
        for (value, text) in
            [(42000.0, "42000"), (2.5, "2.5"), (0.1, "0.1"), (12.34, "12.34"), (0.0, "0"), (-3.75, "-3.75")]
        {
            assert_eq!(Decimal::from_f64(value).unwrap().to_string(), text);
        }
        assert_eq!(Decimal::from_f64(f64::NAN), Err(DecimalError::NotFinite));
        assert_eq!(Decimal::from_f64(f64::INFINITY), Err(DecimalError::NotFinite));
        assert_eq!(Decimal::from_f64(1e300), Err(DecimalError::TooLarge));
        assert_eq!(d("007.500").to_string(), "7.5");
        assert_eq!(d("0.05").to_string(), "0.05");
        for bad in ["", ".", "-", "1e5", "1.2.3", "abc", "+1", " 1"] {
            assert!(Decimal::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn credits_are_exact_to_the_cent() {
        assert_eq!(Money::percent_of(d("5"), d("42000")).unwrap().to_string(), "2100.00");
        assert_eq!(Money::percent_of(d("12"), d("42000")).unwrap().to_string(), "5040.00");
        // 0.1 % of 0.1 (floats would drift): 0.0001 → 0.00.
        assert_eq!(Money::percent_of(d("0.1"), d("0.1")).unwrap().to_string(), "0.00");
        // 2.5 % of 999.90 = 24.9975 → 25.00.
        assert_eq!(Money::percent_of(d("2.5"), d("999.9")).unwrap().to_string(), "25.00");
        // 3 % of 33.33 = 0.9999 → 1.00.
        assert_eq!(Money::percent_of(d("3"), d("33.33")).unwrap().to_string(), "1.00");
        // Halves go to the even cent: 1.5 % of 1 = 0.015 → 0.02, 2.5 % of 1 = 0.025 → 0.02,
        // 0.5 % of 7 = 0.035 → 0.04; -0.025 → -0.02.
        assert_eq!(Money::percent_of(d("1.5"), d("1")).unwrap().to_string(), "0.02");
        assert_eq!(Money::percent_of(d("2.5"), d("1")).unwrap().to_string(), "0.02");
        assert_eq!(Money::percent_of(d("0.5"), d("7")).unwrap().to_string(), "0.04");
        assert_eq!(Money::exact(d("-0.025")).to_string(), "-0.02");
        // Exact until shown: three credits of 0.005 each are 0.015, shown 0.02, not 3 × 0.00 (or 3 × 0.01).
        let third = Money::exact(d("0.005"));
        let sum = third.checked_add(third).unwrap().checked_add(third).unwrap();
        assert_eq!((third.to_string(), sum.to_string()), ("0.00".to_owned(), "0.02".to_owned()));
        let sum = Money::from_cents(210_000).checked_add(Money::from_cents(5)).unwrap();
        assert_eq!(sum.to_string(), "2100.05");
        assert_eq!(Money::from_cents(-7).to_string(), "-0.07");
    }

    #[test]
    fn comparisons_and_rounding_are_exact() {
        assert!(d("0.57") * 100 == d("57"));
        assert!(d("89.99") < d("90"));
        assert_eq!(d("4.2").ceil(), 5);
        assert_eq!(d("4").ceil(), 4);
        assert_eq!(d("-0.5").ceil(), 0);
        assert_eq!(d("89.145").round_to(2), Some(8915));
        assert_eq!(d("89.144").round_to(2), Some(8914));
        assert_eq!(d("3").round_to(2), Some(300));
        assert!(d("90").is_integer() && !d("92.5").is_integer());
        assert_eq!(d("100").checked_sub(d("2.5")).unwrap().to_string(), "97.5");
        assert_eq!(d("92.5").to_f64(), 92.5);
    }

    impl std::ops::Mul<u64> for Decimal {
        type Output = Decimal;
        fn mul(self, n: u64) -> Decimal {
            self.checked_mul_int(n).unwrap()
        }
    }

    #[test]
    fn the_largest_amount_validation_allows_computes_exactly() {
        let fee = Decimal::from_f64(MAX_EXACT_AMOUNT).unwrap();
        assert_eq!(fee.to_string(), "9007199254740992");
        let credit = fee.checked_mul(Decimal::new(5, 2)).unwrap();
        assert_eq!(credit.to_string(), "450359962737049.6");
    }
}
