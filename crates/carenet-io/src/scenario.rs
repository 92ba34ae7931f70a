//! Scenario files read from disk: [`load_file`] and [`load_str`] are the model's
//! loaders (`carenet_model::scenario::load`) with [`Disk`] as their source of files.

use std::io;
use std::path::{Path, PathBuf};

use carenet_model::scenario::load::{LoadedScenario, ScenarioError, SourceFiles, load_file_from, load_str_from};

/// The file system as a [`SourceFiles`].
#[derive(Debug, Clone, Copy, Default)]
pub struct Disk;

impl SourceFiles for Disk {
    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        std::fs::read(path)
    }
    fn canonicalize(&self, path: &Path) -> io::Result<PathBuf> {
        std::fs::canonicalize(path)
    }
}

/// Reads, merges and validates the scenario in `path` (and the files it extends).
pub fn load_file(path: &Path) -> Result<LoadedScenario, ScenarioError> {
    load_file_from(path, &Disk)
}

/// Merges and validates a scenario given as text; a relative `extends` is read
/// from disk, against `base_dir` or the current directory.
pub fn load_str(text: &str, label: &str, base_dir: Option<&Path>) -> Result<LoadedScenario, ScenarioError> {
    load_str_from(text, label, base_dir, &Disk)
}
