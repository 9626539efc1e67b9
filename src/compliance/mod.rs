//! Contract compliance: policy rules evaluated over a vendor's contract.
//!
//! Pure: (policy, contract, as-of date) → findings. This module owns the
//! expression language rules are written in ([`expr`]).

pub mod expr;
