//! The audit trail: file digests now; the hash-chained ledger builds on them.

pub mod hash;
pub mod jcs;
pub mod ledger;
pub mod verify;

#[cfg(test)]
mod tests;
