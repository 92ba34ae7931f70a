//! Integration tests of the `carenet` command line and the I/O and plot crates: one
//! binary, a module per area. The model's own tests (no CLI, plot or I/O code) are in
//! crates/carenet-model/tests/model/. Tests that need software beyond Rust are behind
//! features that scripts/test turns on: `chromium` (the report in headless Chromium) and
//! `mesa` (the Mesa peer of the reference model, benches/peers/.venv).
#![allow(clippy::needless_range_loop, clippy::field_reassign_with_default)]

mod cli;
mod ensemble;
mod manners;
/// The model's test helpers, shared with crates/carenet-model/tests/model/.
#[path = "../../crates/carenet-model/tests/model/support.rs"]
mod model_support;
mod outdir;
mod outputs;
#[cfg(feature = "mesa")]
mod peers;
mod plot;
mod reference;
mod reproduce;
mod scenario;
mod set;
mod snapshots;
mod support;
mod sweep;
mod sweep_integrity;
