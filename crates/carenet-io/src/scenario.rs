//! Scenario files read from disk: [`load_file`] and [`load_str`] are the model's
//! loaders (`carenet_model::scenario::load`) with [`Disk`] as their source of files.

use std::io::{self, Read};
use std::path::{Path, PathBuf};

use carenet_model::scenario::load::{LoadedScenario, ScenarioError, SourceFiles, load_file_from, load_str_from};

/// The largest scenario file [`Disk`] reads (16 MiB): the shipped scenarios are a few
/// kilobytes; anything this large is a mistake, and reading it whole would only use memory.
pub const MAX_SCENARIO_BYTES: u64 = 16 * 1024 * 1024;

/// The file system as a [`SourceFiles`]. Only regular files are read (the type is checked
/// before opening, so a FIFO never blocks and `/dev/zero` is never read), and at most
/// [`MAX_SCENARIO_BYTES`] of them.
#[derive(Debug, Clone, Copy, Default)]
pub struct Disk;

impl SourceFiles for Disk {
    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        let meta = std::fs::metadata(path)?;
        if !meta.is_file() {
            let kind = if meta.is_dir() { "a directory" } else { "not a regular file (a device, FIFO or socket)" };
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("{kind}; a scenario must be a regular file"),
            ));
        }
        if meta.len() > MAX_SCENARIO_BYTES {
            return Err(too_big());
        }
        let mut bytes = Vec::with_capacity(meta.len() as usize);
        // The file may grow between the check and the read: read one byte past the cap at most.
        std::fs::File::open(path)?.take(MAX_SCENARIO_BYTES + 1).read_to_end(&mut bytes)?;
        if bytes.len() as u64 > MAX_SCENARIO_BYTES {
            return Err(too_big());
        }
        Ok(bytes)
    }
    fn canonicalize(&self, path: &Path) -> io::Result<PathBuf> {
        std::fs::canonicalize(path)
    }
}

fn too_big() -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        format!("larger than {} MiB, the most a scenario file may hold", MAX_SCENARIO_BYTES / (1024 * 1024)),
    )
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_regular_files_are_read() {
        let e = Disk.read(Path::new("/dev/zero")).unwrap_err();
        assert!(e.to_string().contains("not a regular file"), "{e}");
        let dir = std::env::temp_dir();
        let e = Disk.read(&dir).unwrap_err();
        assert!(e.to_string().contains("a directory"), "{e}");
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_is_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe.toml");
        let status = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
        assert!(status.success());
        let e = Disk.read(&fifo).unwrap_err();
        assert!(e.to_string().contains("not a regular file"), "{e}");
        let text = format!("extends = \"{}\"\n", fifo.display());
        let e = load_str(&text, "top.toml", None).unwrap_err().to_string();
        assert!(e.contains("top.toml:1:11") && e.contains("not a regular file"), "{e}");
    }

    #[test]
    fn files_over_the_cap_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let big = dir.path().join("big.toml");
        let f = std::fs::File::create(&big).unwrap();
        f.set_len(MAX_SCENARIO_BYTES + 1).unwrap();
        let e = Disk.read(&big).unwrap_err();
        assert!(e.to_string().contains("16 MiB"), "{e}");
        let ok = dir.path().join("ok.toml");
        std::fs::write(&ok, "[simulation]\nweeks = 10\n").unwrap();
        assert_eq!(Disk.read(&ok).unwrap(), b"[simulation]\nweeks = 10\n");
    }
}
