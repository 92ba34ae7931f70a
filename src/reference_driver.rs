//! The `carenet reference` commands as library functions: [`export`] and [`run`]
//! (`crate::cli::reference` only turns flags into a [`RefRunConfig`] and prints).
//! [`load`] is shared with the limit kernel (`benches/peers/kernel.rs`), so both
//! step the same population.

use std::path::PathBuf;
use std::time::Instant;

use carenet_io::reference::{self as io, Timing};
use carenet_model::experiment::in_pool;
use carenet_model::reference::{RefParams, RefWorld, Reference, WeekRow, simulate, synth};
use carenet_model::scenario::Scenario;

/// A failure: bad input (exit code 2) or a runtime failure (exit code 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefError {
    Input(String),
    Runtime(String),
}

impl RefError {
    /// The exit code: 2 for bad input, 1 for a runtime failure.
    pub fn exit_code(&self) -> u8 {
        match self {
            RefError::Input(_) => 2,
            RefError::Runtime(_) => 1,
        }
    }
}

/// The error line, with exactly one `error: ` prefix.
impl std::fmt::Display for RefError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (RefError::Input(m) | RefError::Runtime(m)) = self;
        f.write_str(&crate::cli::error_text(m))
    }
}

/// Where the starting population comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// An exported directory (population.csv, ties.csv, params.json).
    Input(PathBuf),
    /// `n` elders synthesised from the scenario (parameters derived from it, [`Reference::derive`]).
    Elders(usize),
}

/// Most rows (weeks × seeds) one run may produce.
pub const MAX_ROWS: u64 = 10_000_000;

/// The population and parameters of `source`.
pub fn load(scenario: &Scenario, source: &Source) -> Result<(RefWorld, Reference), RefError> {
    match source {
        Source::Input(dir) => io::import_dir(dir).map_err(RefError::Input),
        Source::Elders(n) => {
            synth::synthesize(scenario, *n).map(|w| (w, Reference::derive(scenario))).map_err(RefError::Input)
        }
    }
}

/// What [`export`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exported {
    pub elders: usize,
    pub ties: usize,
    pub communities: usize,
}

/// `carenet reference export`: synthesises `elders` elders and writes the directory.
pub fn export(scenario: &Scenario, elders: usize, out: &std::path::Path) -> Result<Exported, RefError> {
    let (world, params) = load(scenario, &Source::Elders(elders))?;
    io::export_dir(out, &world, &params).map_err(|e| RefError::Runtime(format!("writing {}: {e}", out.display())))?;
    Ok(Exported { elders: world.n_elders(), ties: world.n_ties(), communities: world.n_communities() })
}

/// The settings of `carenet reference run` (not to be confused with the step's
/// [`carenet_model::experiment::RunConfig`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefRunConfig {
    pub source: Source,
    pub weeks: u32,
    /// First seed; replication r uses seed + r.
    pub seed: u64,
    pub seeds: u32,
    /// Worker threads (None: all cores). The rows do not depend on it.
    pub threads: Option<usize>,
    /// CSV of the rows; None: the caller prints them.
    pub out: Option<PathBuf>,
    pub timing: Option<PathBuf>,
}

/// What [`run`] produced.
#[derive(Debug, Clone, PartialEq)]
pub struct RunReport {
    /// One row per (seed, week), seeds in order.
    pub rows: Vec<WeekRow>,
    pub timing: Timing,
    pub ties: usize,
    pub communities: usize,
}

/// `carenet reference run`: loads or synthesises the population, runs every seed
/// from the same start and writes `--out` and `--timing` if given.
pub fn run(scenario: &Scenario, cfg: &RefRunConfig) -> Result<RunReport, RefError> {
    if cfg.weeks == 0 || cfg.seeds == 0 {
        return Err(RefError::Input("--weeks and --seeds must be at least 1".into()));
    }
    if u64::from(cfg.weeks) * u64::from(cfg.seeds) > MAX_ROWS {
        return Err(RefError::Input(format!("--weeks × --seeds must be at most {MAX_ROWS} rows")));
    }
    if cfg.threads == Some(0) {
        return Err(RefError::Input("--threads must be at least 1".into()));
    }
    let report = in_pool(cfg.threads, || -> Result<RunReport, RefError> {
        let t0 = Instant::now();
        let (start, params) = load(scenario, &cfg.source)?;
        let setup_seconds = t0.elapsed().as_secs_f64();
        let p = RefParams::new(&params);
        let mut rows = Vec::with_capacity(cfg.weeks as usize * cfg.seeds as usize);
        let mut world = start.clone();
        let mut step_seconds = 0.0;
        for r in 0..cfg.seeds {
            if r > 0 {
                world.clone_from(&start);
            }
            let t = Instant::now();
            simulate(&mut world, &p, cfg.seed.wrapping_add(u64::from(r)), cfg.weeks, &mut rows);
            step_seconds += t.elapsed().as_secs_f64();
        }
        let timing = Timing {
            engine: "carenet".into(),
            n_elders: start.n_elders() as u64,
            weeks: cfg.weeks,
            seeds: cfg.seeds,
            setup_seconds,
            step_seconds,
        };
        Ok(RunReport { rows, timing, ties: start.n_ties(), communities: start.n_communities() })
    })
    .map_err(|e| RefError::Runtime(e.to_string()))??;
    if let Some(path) = &cfg.out {
        carenet_io::output::write_atomic(path, |w| io::write_rows(w, "carenet", &report.rows))
            .map_err(|e| RefError::Runtime(format!("writing {}: {e}", path.display())))?;
    }
    if let Some(path) = &cfg.timing {
        io::write_timing(path, &report.timing)
            .map_err(|e| RefError::Runtime(format!("writing {}: {e}", path.display())))?;
    }
    Ok(report)
}
