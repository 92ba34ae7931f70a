//! carenet: an agent-based simulator of community mutual-aid elderly care.
//!
//! The model core ([`world`], [`network`], [`step`], [`metrics`]) does no I/O, reads
//! no clock and no global RNG. [`scenario`] turns TOML into a validated
//! [`scenario::Scenario`]; [`experiment`] runs replications; [`output`] writes files.
//! [`reference`] is the benchmark subset of the step (docs/reference-model.md).

// Columns are indexed by elder slot on purpose (struct of arrays).
#![allow(clippy::needless_range_loop)]

pub mod experiment;
pub mod metrics;
pub mod network;
pub mod output;
pub mod plot;
pub mod policy;
pub mod reference;
pub mod report;
pub mod scenario;
pub mod step;
pub mod streams;
pub mod world;
