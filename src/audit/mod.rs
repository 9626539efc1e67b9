//! The audit trail: file digests, the hash-chained ledger, its SSH signatures.

pub mod hash;
pub mod jcs;
pub mod ledger;
pub mod sign;
pub mod verify;

#[cfg(test)]
mod tests;
