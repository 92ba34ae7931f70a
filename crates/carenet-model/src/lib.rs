//! carenet-model: the model of community mutual-aid elderly care, and nothing else.
//!
//! [`scenario`] turns TOML text into a validated [`scenario::Scenario`] (files are
//! read through the [`scenario::load::SourceFiles`] trait the caller supplies);
//! [`world`], [`network`], [`step`], [`policy`] and [`metrics`] are the model;
//! [`experiment`] drives replications, comparisons, claims, sweeps and
//! sensitivity analyses; [`reference`] is the benchmark subset of the step
//! (docs/reference-model.md). This crate does no file or terminal I/O, reads no
//! clock and no environment, and uses no thread or global RNG: its dependencies
//! (no CLI, plotting, progress-bar or file-writing crate) let the compiler keep it
//! so. Writing files is `carenet-io`'s; drawing is `carenet-plot`'s.

// Columns are indexed by elder slot on purpose (struct of arrays).
#![allow(clippy::needless_range_loop)]

pub mod calibrate;
pub mod experiment;
pub mod metrics;
pub mod network;
pub mod numfmt;
pub mod policy;
pub mod reference;
pub mod scenario;
pub mod step;
pub mod streams;
pub mod world;
