//! The model's tests: one binary, a module per area. They use only `carenet-model`
//! (scenarios come from `Scenario::default()`, the built-in file or text through
//! `NoFiles`), so they build without the command line, plot or I/O crates:
//! `cargo test -p carenet-model`.
#![allow(clippy::needless_range_loop, clippy::field_reassign_with_default)]

mod burn_in;
mod calibrate;
mod care;
mod claims;
mod demography;
mod engine;
mod ensemble;
mod experiments;
mod limits;
mod mechanisms;
mod network;
mod policy;
mod reference;
mod scenario;
mod structures;
mod support;
