//! The native module `carenet._carenet` of the Python package `carenet`
//! (python/carenet/ is its Python half: DataFrames, docstrings).
//!
//! The numbers must equal the command line's to the last digit, so this module
//! runs the command line's own code: `run` and `compare` call
//! [`carenet::cli::run::run`] and [`carenet::cli::run::compare`] with the flags
//! the Python call stands for, writing into a folder the Python side made (a
//! temporary one) and reads back with pandas. A scenario is what the command
//! line takes: a file (or the built-in scenario) and `--set KEY=VALUE`
//! settings, applied in order. The GIL is released while the model runs.

use std::path::PathBuf;

use carenet::cli::Failure;
use carenet::cli::args::{CommonArgs, CompareArgs, EnsembleArgs, RunArgs, Timeseries};
use carenet::cli::context::{apply_sets, load_scenario, render};
use carenet::scenario::load::load_file;
use carenet_model::scenario::ScenarioError;
use carenet_model::scenario::registry::PARAMS;
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyTuple;

/// One problem of a scenario error: file, line, column, text.
type DiagnosticRow = (Option<String>, Option<usize>, Option<usize>, String);

/// `carenet.ScenarioError(message, file, line, column, diagnostics)` (defined in
/// python/carenet/_errors.py) as a Python exception.
fn scenario_error(
    py: Python<'_>,
    message: String,
    place: Option<(String, Option<(usize, usize)>)>,
    diagnostics: Vec<DiagnosticRow>,
) -> PyErr {
    let (file, line, column) = match place {
        Some((f, Some((l, c)))) => (Some(f), Some(l), Some(c)),
        Some((f, None)) => (Some(f), None, None),
        None => (None, None, None),
    };
    let made = py.import("carenet._errors").and_then(|m| m.getattr("ScenarioError")).and_then(|cls| {
        let args = (message.clone(), file, line, column, diagnostics).into_pyobject(py)?;
        cls.call1(args.cast_into::<PyTuple>()?)
    });
    match made {
        Ok(e) => PyErr::from_value(e),
        Err(e) => e,
    }
}

/// A scenario file's error: the CLI's text, and the first diagnostic's place.
fn file_error(py: Python<'_>, e: &ScenarioError) -> PyErr {
    let diagnostics: Vec<_> = e
        .diagnostics()
        .iter()
        .map(|d| (d.file.clone(), d.position.map(|p| p.line), d.position.map(|p| p.column), d.to_string()))
        .collect();
    let place =
        e.diagnostics().first().and_then(|d| d.file.clone().map(|f| (f, d.position.map(|p| (p.line, p.column)))));
    scenario_error(py, render(e, false), place, diagnostics)
}

/// A command's failure: bad input is a `ScenarioError` (the CLI's exit 2), a runtime failure a `RuntimeError`.
fn failure(py: Python<'_>, f: Failure) -> PyErr {
    match f {
        Failure::Input(m) => scenario_error(py, m, None, Vec::new()),
        Failure::Runtime(m) => PyRuntimeError::new_err(m),
        Failure::StdoutClosed => PyRuntimeError::new_err("output closed"),
    }
}

/// The scenario of `path` (None: the built-in one) with `sets` applied, as TOML
/// (what `carenet run --dry-run` prints); raises `ScenarioError` for a bad file or setting.
#[pyfunction]
#[pyo3(signature = (path, sets))]
fn resolve(py: Python<'_>, path: Option<PathBuf>, sets: Vec<String>) -> PyResult<String> {
    let loaded = match &path {
        Some(p) => load_file(p).map_err(|e| file_error(py, &e))?,
        None => load_scenario(None).map_err(|f| failure(py, f))?,
    };
    let (scenario, _) = apply_sets(&loaded.scenario, &sets).map_err(|f| failure(py, f))?;
    toml_text(&scenario)
}

fn toml_text(s: &carenet_model::scenario::Scenario) -> PyResult<String> {
    let mut out = Vec::new();
    carenet::cli::context::print_scenario(s, &mut out).map_err(|f| PyRuntimeError::new_err(f.to_string()))?;
    String::from_utf8(out).map_err(|e| PyRuntimeError::new_err(e.to_string()))
}

/// The shared flags of `run` and `compare`.
#[allow(clippy::too_many_arguments)]
fn common(
    path: Option<PathBuf>,
    sets: Vec<String>,
    reps: Option<u32>,
    seed: Option<u64>,
    weeks: Option<u32>,
    threads: Option<usize>,
    out: PathBuf,
) -> CommonArgs {
    CommonArgs { scenario: path, reps, seed, weeks, threads, out: Some(out), quiet: true, set: sets, dry_run: false }
}

/// Runs `f` with the GIL released and the process's SIGINT handler kept: the
/// command line's own handler (exit 130 on Ctrl-C) must not replace Python's.
fn detached<T: Send>(py: Python<'_>, f: impl FnOnce() -> T + Send) -> T {
    py.detach(|| {
        #[cfg(unix)]
        {
            // SAFETY: reads the current handler by installing it again, then restores it.
            let old = unsafe { libc::signal(libc::SIGINT, libc::SIG_DFL) };
            unsafe { libc::signal(libc::SIGINT, old) };
            // The CLI installs its handler once per process: do it now, then put Python's back.
            carenet_io::outdir::exit_130_on_interrupt();
            // SAFETY: restores the handler that was there before.
            unsafe { libc::signal(libc::SIGINT, old) };
        }
        f()
    })
}

/// Runs one command of the CLI with the GIL released; returns what it printed,
/// or its failure as a Python exception.
fn command(py: Python<'_>, f: impl FnOnce(&mut Vec<u8>) -> Result<(), Failure> + Send) -> PyResult<String> {
    let (res, text) = detached(py, move || {
        let mut text = Vec::new();
        (f(&mut text), text)
    });
    res.map_err(|f| failure(py, f))?;
    Ok(String::from_utf8_lossy(&text).into_owned())
}

/// `carenet run --out OUT --no-plots -q [flags]`: writes the run's CSV files and
/// manifest.json into `out`; returns what the command printed.
#[pyfunction]
#[pyo3(signature = (path, sets, out, reps=None, seed=None, weeks=None, threads=None, package=None, timeseries="types", ensemble=None))]
#[allow(clippy::too_many_arguments)]
fn run_cli(
    py: Python<'_>,
    path: Option<PathBuf>,
    sets: Vec<String>,
    out: PathBuf,
    reps: Option<u32>,
    seed: Option<u64>,
    weeks: Option<u32>,
    threads: Option<usize>,
    package: Option<String>,
    timeseries: &str,
    ensemble: Option<PathBuf>,
) -> PyResult<String> {
    let timeseries = match timeseries {
        "none" => Timeseries::None,
        "types" => Timeseries::Types,
        "communities" => Timeseries::Communities,
        other => {
            return Err(PyValueError::new_err(format!(
                "timeseries must be \"none\", \"types\" or \"communities\", not {other:?}"
            )));
        }
    };
    let args = RunArgs {
        common: common(path, sets, reps, seed, weeks, threads, out),
        ensemble: EnsembleArgs { ensemble },
        package,
        shard: None,
        timeseries,
        no_plots: true,
    };
    command(py, move |out| carenet::cli::run::run(args, out))
}

/// `carenet compare --out OUT --no-plots -q [flags]`: writes compare.csv and the
/// other files into `out`; returns what the command printed.
#[pyfunction]
#[pyo3(signature = (path, sets, out, reps=None, seed=None, weeks=None, threads=None, packages=None, ensemble=None))]
#[allow(clippy::too_many_arguments)]
fn compare_cli(
    py: Python<'_>,
    path: Option<PathBuf>,
    sets: Vec<String>,
    out: PathBuf,
    reps: Option<u32>,
    seed: Option<u64>,
    weeks: Option<u32>,
    threads: Option<usize>,
    packages: Option<String>,
    ensemble: Option<PathBuf>,
) -> PyResult<String> {
    let args = CompareArgs {
        common: common(path, sets, reps, seed, weeks, threads, out),
        ensemble: EnsembleArgs { ensemble },
        packages,
        no_plots: true,
    };
    command(py, move |out| carenet::cli::run::compare(args, out))
}

/// The parameter registry: (key, default, unit, range, source, meaning) per parameter.
#[pyfunction]
fn parameters() -> Vec<(String, String, String, String, String, String)> {
    PARAMS
        .iter()
        .map(|p| {
            (
                p.key.to_string(),
                p.default.to_string(),
                p.unit.to_string(),
                p.check.allowed(),
                p.source.to_string(),
                p.meaning.to_string(),
            )
        })
        .collect()
}

#[pymodule]
fn _carenet(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(resolve, m)?)?;
    m.add_function(wrap_pyfunction!(run_cli, m)?)?;
    m.add_function(wrap_pyfunction!(compare_cli, m)?)?;
    m.add_function(wrap_pyfunction!(parameters, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
