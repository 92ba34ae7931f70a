//! The test context, written once: the `carenet` binary, the repository's files, and
//! the model helpers of crates/carenet-model/tests/model/support.rs.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub use crate::model_support::*;

/// Runs the `carenet` binary with `args` in `dir`.
pub fn carenet(args: &[&str], dir: &Path) -> Output {
    carenet_env(args, dir, &[])
}

/// Runs the `carenet` binary with `args` in `dir`, with extra environment variables.
pub fn carenet_env(args: &[&str], dir: &Path, env: &[(&str, &str)]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_carenet"));
    c.args(args).current_dir(dir);
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().expect("run carenet")
}

/// The repository's root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The path of scenarios/examples/small.toml (one street, 450 elders).
pub fn small() -> String {
    repo().join("scenarios/examples/small.toml").display().to_string()
}

/// `carenet reference export --elders N --out DIR/export`: the exported population,
/// ties and parameters; returns the directory.
pub fn reference_export(dir: &Path, elders: usize) -> PathBuf {
    let out = dir.join("export");
    let o = carenet(&["reference", "export", "--elders", &elders.to_string(), "--out", out.to_str().unwrap()], dir);
    assert!(o.status.success(), "carenet reference export: {}", text(&o));
    for f in ["population.csv", "ties.csv", "params.json"] {
        assert!(out.join(f).is_file(), "export wrote no {f}");
    }
    out
}

/// What a command printed: stdout, then stderr.
pub fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}
