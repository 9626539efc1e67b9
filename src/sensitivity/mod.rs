//! Defending a decision (SPEC section 13): how far each weight can move
//! before rank 1 or the ranking changes, how often each vendor ranks where
//! under many weightings (SMAA-2), and whether removing a bidder reorders
//! the others. Pure: a rubric and the scorecards of `scoring::score` in,
//! numbers out. Scores are those of `scoring` with only the weights moved:
//! [`Table`] keeps what does not depend on them.
//!
//! - [`table`]: the weight-independent table and scoring by shares;
//! - [`oat`]: one weight at a time, intervals and flips;
//! - [`smaa`]: SMAA-2 with a seeded ChaCha generator;
//! - [`loo`]: leave one out;
//! - [`diff`]: two outcomes compared, vendor by vendor, and two rubrics.

pub mod diff;
pub mod loo;
pub mod oat;
pub mod smaa;
pub mod table;

pub use loo::{LeftOut, leave_one_out};
pub use oat::{Crossing, Flip, Level, Renormalize, Weight, WeightSensitivity, one_at_a_time};
pub use smaa::{Smaa, SmaaOptions, smaa, smaa_observed};
pub use table::{Row, Shares, Table};

/// A share of samples (0 to 1) as a percent with `decimals` decimals, for
/// people: a share short of all of them never reads "100", nor one above
/// none "0". Such a share is shown with at least one decimal and kept one
/// step inside (99.96 % reads "99.9", 0.04 % "0.1"), so "100 %" and "0 %"
/// mean exactly that.
pub fn percent_text(share: f64, decimals: usize) -> String {
    let percent = share * 100.0;
    let rounded = format!("{percent:.decimals$}");
    let reads = rounded.parse::<f64>().unwrap_or(percent);
    if (reads < 100.0 || share >= 1.0) && (reads > 0.0 || share <= 0.0) {
        return rounded;
    }
    let decimals = decimals.max(1);
    let step = 10f64.powi(-(decimals as i32));
    format!("{:.decimals$}", percent.clamp(step, 100.0 - step))
}

#[cfg(test)]
mod tests;
