//! Showing decisions on stdout: one module per decision, used by its
//! command and by `demo`. Renderers only format what the pipeline decided.

pub mod check;
pub mod diff;
pub mod due;
mod json;
pub mod score;
pub mod sensitivity;
pub mod sla;
pub mod trend;
