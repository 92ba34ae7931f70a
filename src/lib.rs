//! carenet: the command line of the agent-based simulator of community mutual-aid
//! elderly care.
//!
//! The work is done by three library crates, cut along the data flow:
//! `carenet-model` (scenario, world, network, step, policy, metrics, experiment
//! drivers: no I/O), `carenet-io` (scenario files, output files, sweep
//! directories) and `carenet-plot` (plots and the HTML report). This crate holds
//! the commands ([`cli`]; `src/main.rs` only parses, calls and maps the exit
//! code) and the reference-model driver; its other modules re-export the
//! libraries' so that `carenet::step` and `carenet::output` name what they
//! always named.

pub use carenet_io::output;
pub use carenet_model::{calibrate, experiment, metrics, network, numfmt, policy, reference, step, streams, world};
pub use carenet_plot::{plot, report};

pub mod cli;
pub mod reference_driver;

/// The model's scenario module, with the loaders that read from disk.
pub mod scenario {
    pub use carenet_model::scenario::*;

    /// The model's loader, reading files from disk.
    pub mod load {
        pub use carenet_io::scenario::{Disk, load_file, load_str};
        pub use carenet_model::scenario::load::*;
    }
}
