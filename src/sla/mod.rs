//! SLA attainment and service credits from ticket exports (SPEC section 7),
//! and the values of measured rubric criteria (SPEC section 2).
//!
//! The flow: a contract's `[[sla]]` clauses become exact [`Terms`]; each
//! clause (or measured criterion) becomes a counting [`Rule`]; the
//! [`reader`] streams the CSV once, on every core, into per-rule, per-period
//! [`Tallies`] (counts and exact per-second histograms); [`evaluate`] turns
//! them into results and credits. Pure: no printing, no clock (`as_of` is
//! passed in), no environment.
//!
//! - [`period`]: months and ISO weeks in UTC.
//! - [`timestamp`]: the accepted timestamp forms, parsed by hand.
//! - [`histogram`]: exact histograms and nearest-rank percentiles.
//! - [`money`]: exact decimals and money in cents.
//! - [`row`], [`reader`] (and `records`, the byte layer): the CSV format and streaming it.
//! - [`tally`]: what one ticket adds to each rule.
//! - [`cap`]: forecast caps, decided once the whole file is read.
//! - [`terms`], [`attainment`]: clauses and their decisions per period.
//! - [`credits`]: chronic failure, earn-back, credits owed and their caps.
//! - [`measure`]: measured criteria over a whole file.

pub mod attainment;
pub mod calendar;
pub mod cap;
pub mod credits;
pub mod histogram;
pub mod measure;
pub mod money;
pub mod period;
pub mod presets;
pub mod reader;
mod records;
pub mod row;
pub mod tally;
pub mod terms;
pub mod timestamp;

pub use attainment::{ClauseResult, CreditError, PeriodCredit, Report, Status, evaluate};
pub use money::{Decimal, Money};
pub use period::{PeriodKey, PeriodKind};
pub use reader::{ReadError, ReadOptions, TicketData, read_file, read_slice};
pub use tally::{Rule, Tallies, Tally, Ticket};
pub use terms::{Clause, Credit, Target, Terms, TermsError};

/// Rows read from an export, and those that could not be.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RowCounts {
    /// Data rows (the header not counted), rejected ones included.
    pub read: u64,
    pub rejected: u64,
    /// The first rejected rows (at most ten), in file order; an unclosed quote is always among them.
    pub first_rejected: Vec<Rejected>,
    /// The line of a quote that never closes, which swallowed the rest of
    /// the file into one field: the results then leave those rows out.
    pub unterminated_quote: Option<u64>,
    /// Rows whose channel maps to no contract channel (read, but in no clause's scope).
    pub unmapped_channel: u64,
    /// The first distinct such channel values (at most ten), in file order.
    pub unmapped_values: Vec<String>,
    /// The preset a header was recognised as (no preset or renames were given).
    pub detected_preset: Option<&'static str>,
}

/// A row that could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    /// 1-based line in the file where the row starts.
    pub line: u64,
    pub reason: String,
}

/// Read an export against a contract's terms and decide every clause.
pub fn assess(
    path: &std::path::Path,
    terms: &Terms,
    options: &ReadOptions,
    as_of: crate::model::Date,
) -> Result<Report, SlaError> {
    let data = read_file(path, &terms.rules(), options)?;
    Ok(evaluate(terms, &data.tallies, data.rows, as_of)?)
}

/// Why attainment could not be computed.
#[derive(Debug, thiserror::Error)]
pub enum SlaError {
    #[error(transparent)]
    Read(#[from] ReadError),
    #[error(transparent)]
    Credit(#[from] CreditError),
}

#[cfg(test)]
mod clock_tests;
