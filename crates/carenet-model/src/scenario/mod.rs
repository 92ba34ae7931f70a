//! Scenarios: TOML types with defaults, `extends`, validation and diagnostics.
//!
//! - [`registry`]: every parameter declared once (default, unit, range, meaning,
//!   source, plausible range), the dotted-key parser and "did you mean".
//! - [`types`]: [`Scenario`] and its tables, every model parameter.
//! - [`defaults`]: the default scenario built from the registry, the Wutong
//!   street's communities and the built-in packages.
//! - [`generate`]: texts made from the registry: `scenarios/wutong.toml`, the
//!   `carenet init` template, `carenet explain`, docs/parameters.md and the JSON
//!   Schema of scenario files.
//! - [`load`]: reading files, resolving `extends`, turning errors into
//!   [`ScenarioError`]s that name file, line and column.
//! - [`validate`]: range checks.
//! - [`path`]: reading and setting numbers by dotted key (`health.mortality_slope`).
//! - [`diag`]: [`diag::Diagnostic`]s (file, line, column, notes) and [`ScenarioError`].

pub mod defaults;
pub mod generate;
pub mod registry;
pub mod types;

pub use types::*;
pub mod diag;
pub mod load;
pub mod path;
pub mod validate;

pub use load::{LoadedScenario, ScenarioError};
