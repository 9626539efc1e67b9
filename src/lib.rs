//! vendorscore: score, check and audit outsourcing partners against rubrics
//! and policies kept as TOML files.
//!
//! Data flows one way: files → parsed input ([`model`]) → validated model
//! ([`validate`]) → decisions → ledger entry and reports. The library never
//! prints, exits, or reads the clock or the environment: the CLI passes in
//! the date, the actor and the paths.

pub mod audit;
pub mod builtin;
pub mod compliance;
pub mod diag;
pub mod expr;
pub mod jinja_limits;
pub mod lifecycle;
pub mod load;
pub mod model;
pub mod output;
pub mod parallel;
pub mod pipeline;
pub mod progress;
pub mod questionnaire;
pub mod regular_file;
pub mod report;
pub mod scoring;
pub mod sensitivity;
pub mod sla;
pub mod source;
pub mod units;
pub mod validate;
pub mod workspace;
