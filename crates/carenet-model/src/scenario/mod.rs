//! Scenarios: TOML types with defaults, `extends`, validation and diagnostics.
//!
//! - [`types`]: [`Scenario`] and its tables, every model parameter.
//! - [`defaults`]: the Wutong Street defaults.
//! - [`load`]: reading files, resolving `extends`, turning errors into
//!   [`ScenarioError`]s that name file, line and column.
//! - [`validate`]: range checks.
//! - [`path`]: reading and setting numbers by dotted key (`health.mortality_slope`).
//! - [`diag`]: [`diag::Diagnostic`]s (file, line, column, notes) and [`ScenarioError`].

pub mod defaults;
pub mod types;

pub use types::*;
pub mod diag;
pub mod load;
pub mod path;
pub mod validate;

pub use load::{LoadedScenario, ScenarioError};
