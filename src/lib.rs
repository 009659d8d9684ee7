//! chartgate: render Helm charts, lint them, check values, policies and secrets, report, install.
//!
//! One module per pipeline stage; data flows one way through [`finding::Finding`].

pub mod chart;
pub mod cli;
pub mod config;
pub mod finding;
pub mod gate;
pub mod install;
pub mod lint;
pub mod oneshot;
pub mod policy;
pub mod render;
pub mod report;
pub mod scan;
pub mod schema;
pub mod secrets;
pub mod stack;
pub mod suppress;
