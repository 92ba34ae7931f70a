//! carenet-io: everything carenet reads from or writes to disk, around the pure
//! `carenet-model`.
//!
//! - [`ensemble`]: a calibration's plausible parameter sets, read for `--ensemble`.
//! - [`scenario`]: scenario files (and the files they `extends`) read from disk.
//! - [`output`]: atomic writes and the CSV, JSON and Markdown output files.
//! - [`outdir`]: an output folder built aside and swapped in whole, locked while a run writes it.
//! - [`sweep`]: a sweep's directory (plan, one file per finished cell, merge) and its Slurm script.
//! - [`reference`]: the reference model's exported population, ties, parameters and rows.

pub mod dictionary;
pub mod ensemble;
pub mod outdir;
pub mod output;
pub mod reference;
pub mod scenario;
pub mod sweep;
