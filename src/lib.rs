//! chartgate: render Helm charts, lint them, check values, policies and secrets, report, install.
//!
//! One module per pipeline stage; data flows one way through [`finding::Finding`].

pub mod cli;
pub mod finding;
pub mod gate;
pub mod report;
