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

#[cfg(test)]
mod tests;
