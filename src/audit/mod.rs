//! The audit trail: file digests now; the hash-chained ledger builds on them.

pub mod hash;
