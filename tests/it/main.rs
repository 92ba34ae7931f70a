//! Integration tests: one binary, a module per area.
#![allow(clippy::needless_range_loop, clippy::field_reassign_with_default)]

mod cli;
mod engine;
mod mechanisms;
mod network;
mod peers;
mod plot;
mod policy;
mod reference;
mod reproduce;
mod scenario;
mod support;
mod sweep;
