//! The vendor lifecycle (SPEC section 14), pure: which risk tier a vendor
//! is in, what falls due for it and when, and what recorded runs say about
//! it over time. Nothing here reads files, the clock or the environment:
//! the pipeline hands in the validated files, the ledger's lines and the
//! as-of date.
//!
//! - [`tiers`]: tier rules over `intake`, `vendor`, `contract`, `answers`;
//! - [`due`]: dated items and their status;
//! - [`history`]: `score` and `sla` runs read back from ledger lines;
//! - [`trend`]: score changes between runs, attributed to what changed.

pub mod due;
pub mod history;
pub mod tiers;
pub mod trend;

pub use due::{DueInput, DueItem, ItemKind, LastScored, Status};
pub use tiers::{Assignment, Tier, TierInput, TierSource, Tiering};

#[cfg(test)]
mod tests;
