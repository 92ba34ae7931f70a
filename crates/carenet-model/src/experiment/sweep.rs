//! Parameter sweeps: many variants of one scenario, resumable and shardable.
//!
//! A [`Design`] (a full grid of `KEY=LO:HI:STEP` axes, or a Latin hypercube
//! of `KEY=LO:HI` ranges) turns into [`SweepPlan`] cells: one value per varied
//! key. [`plan`] checks every cell with the scenario's own range checks
//! ([`crate::scenario::path::set_numbers`]) before anything runs, so a bad
//! key or value is an input error that names the key.
//!
//! Output directory layout (`DIR`):
//!
//! - `sweep.json`: the manifest: carenet version, keys, every cell's values,
//!   replications, weeks, seed, the resolved scenario and a hash of all of it.
//!   A directory holding a different hash is refused ([`prepare_dir`]), so two
//!   sweeps are never mixed.
//! - `cells/cell-000123.csv`: one finished cell, written atomically after all
//!   its replications ([`cell_file`]: first line
//!   `# carenet sweep HASH cell 123 rows N fnv CHECKSUM`, then its N rows; the
//!   checksum covers the rest of the marker and the rows). [`check_cell`]
//!   verifies all of it, and every row's cell index, values, metric and fields.
//!   [`run_cells`] skips cells already there and whole, so rerunning an
//!   interrupted sweep finishes it; a damaged cell is run again, and merging
//!   refuses it.
//! - `sweep.csv`: written by [`merge`] once every cell is present: the header
//!   `cell,<keys>,metric,mean,ci_low,ci_high,n` and the cells' rows in cell
//!   order. Its bytes depend only on the plan, never on threads, shards or
//!   interruptions.
//!
//! Cell `i` runs its replications from the master seed [`cell_seed`]`(seed, i)`,
//! so cells are independent samples; a [`Shard`] `K/N` runs cells `i` with
//! `i % N == K` (Slurm array tasks `0..N`).
//!
//! ```
//! use carenet_model::experiment::sweep::{Axis, grid_values};
//! let a = Axis::parse("ties.decay_weekly=0.002:0.006:0.002").unwrap();
//! assert_eq!(grid_values(&a), vec![0.002, 0.004, 0.006]);
//! ```

use std::fmt::Write as _;

use rand::RngExt;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::compare::digest;
use super::{PoolError, communities, run_replication};
use crate::metrics::summary::{Group, summarise};
use crate::metrics::{METRICS, WeekRecord};
use crate::numfmt::fmt_f64;
use crate::policy::Package;
use crate::scenario::Scenario;
use crate::scenario::path::{is_whole_number, set_numbers};
use crate::step::Model;

/// Why a sweep could not be planned, run or merged.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SweepError {
    /// Bad input (exit code 2): a key, a range, a mismatched directory.
    #[error("{0}")]
    Input(String),
    /// Runtime failure (exit code 1): I/O, threads.
    #[error("{0}")]
    Runtime(String),
}

impl SweepError {
    pub fn is_input(&self) -> bool {
        matches!(self, SweepError::Input(_))
    }
}

impl From<PoolError> for SweepError {
    fn from(e: PoolError) -> Self {
        SweepError::Runtime(e.to_string())
    }
}

/// One grid axis: `KEY=LO:HI:STEP`.
#[derive(Debug, Clone, PartialEq)]
pub struct Axis {
    pub key: String,
    pub lo: f64,
    pub hi: f64,
    pub step: f64,
}

fn split_key(spec: &str, flag: &str, form: &str) -> Result<(String, Vec<f64>), SweepError> {
    let bad = |why: &str| SweepError::Input(format!("error: {flag} {spec}: {why} (expected {form})"));
    let (key, rest) = spec.split_once('=').ok_or_else(|| bad("no `=`"))?;
    let key = key.trim();
    if key.is_empty() {
        return Err(bad("empty key"));
    }
    let nums = rest
        .split(':')
        .map(|x| x.trim().parse::<f64>().ok().filter(|v| v.is_finite()))
        .collect::<Option<Vec<f64>>>()
        .ok_or_else(|| bad("not a number"))?;
    Ok((key.to_string(), nums))
}

impl Axis {
    /// Parses `KEY=LO:HI:STEP` (LO ≤ HI, STEP > 0).
    pub fn parse(spec: &str) -> Result<Axis, SweepError> {
        let form = "KEY=LO:HI:STEP";
        let (key, n) = split_key(spec, "--grid", form)?;
        let bad = |why: &str| SweepError::Input(format!("error: --grid {spec}: {why} (expected {form})"));
        let [lo, hi, step] = n[..] else { return Err(bad("need three numbers")) };
        if hi < lo {
            return Err(bad("HI is below LO"));
        }
        if step <= 0.0 {
            return Err(bad("STEP must be positive"));
        }
        if (hi - lo) / step > 1e6 {
            return Err(bad("more than a million values"));
        }
        Ok(Axis { key, lo, hi, step })
    }
}

/// The values of an axis: LO, LO+STEP, … up to HI (within rounding), each
/// rounded to 12 significant digits so 0.1+0.2 is written as 0.3.
pub fn grid_values(a: &Axis) -> Vec<f64> {
    let n = ((a.hi - a.lo) / a.step + 1e-9).floor() as usize;
    (0..=n).map(|i| round12(a.lo + i as f64 * a.step)).collect()
}

fn round12(x: f64) -> f64 {
    if x == 0.0 {
        return 0.0;
    }
    format!("{x:.11e}").parse().unwrap_or(x)
}

/// Parses `KEY=LO:HI` (LO ≤ HI) for `--vary`.
pub fn parse_range(spec: &str) -> Result<(String, [f64; 2]), SweepError> {
    let (key, n) = split_key(spec, "--vary", "KEY=LO:HI")?;
    let [lo, hi] = n[..] else {
        return Err(SweepError::Input(format!("error: --vary {spec}: need two numbers (expected KEY=LO:HI)")));
    };
    if hi < lo {
        return Err(SweepError::Input(format!("error: --vary {spec}: HI is below LO")));
    }
    Ok((key, [lo, hi]))
}

/// What to sweep.
#[derive(Debug, Clone, PartialEq)]
pub enum Design {
    /// Every combination of the axes' values (the first axis varies slowest).
    Grid(Vec<Axis>),
    /// `n` Latin-hypercube points over the ranges (whole-number keys rounded).
    Lhs { n: usize, ranges: Vec<(String, [f64; 2])> },
}

/// The manifest of a sweep (`DIR/sweep.json`): everything its results depend on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepPlan {
    pub carenet_version: String,
    /// Hash of everything below (16 hex digits, FNV-1a).
    pub hash: String,
    pub scenario_name: String,
    /// `grid` or `lhs`.
    pub design: String,
    pub keys: Vec<String>,
    /// `cells[i][k]`: the value of `keys[k]` in cell `i`.
    pub cells: Vec<Vec<f64>>,
    pub reps: u32,
    pub weeks: u32,
    pub seed: u64,
    /// Weeks summarised (the last `window` weeks).
    pub window: u32,
    /// The resolved scenario every cell starts from.
    pub scenario: serde_json::Value,
    /// The ensemble every cell runs over (`--ensemble`): replication `r` of a
    /// cell runs on point `r mod K`, the cell's own keys winning over the
    /// point's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ensemble: Option<super::ensemble::Ensemble>,
}

fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= *b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

impl SweepPlan {
    /// The hash of everything but the `hash` field (16 hex digits, FNV-1a).
    pub fn compute_hash(&self) -> String {
        let mut copy = self.clone();
        copy.hash = String::new();
        let text = serde_json::to_string(&copy).unwrap_or_default();
        format!("{:016x}", fnv1a(text.as_bytes()))
    }

    /// This plan run over `ens` (the hash changes with it, so a sweep folder
    /// never mixes cells run with and without an ensemble, or over two).
    pub fn with_ensemble(mut self, ens: super::ensemble::Ensemble) -> SweepPlan {
        self.ensemble = Some(ens);
        self.hash = self.compute_hash();
        self
    }

    /// The cell's (key, value) pairs.
    pub fn cell(&self, i: usize) -> Vec<(String, f64)> {
        self.keys.iter().cloned().zip(self.cells[i].iter().copied()).collect()
    }
}

/// Plans a sweep of `s` (already carrying the run's weeks and summary window):
/// every cell's values, each checked with the scenario's range checks.
/// Returns the plan and every cell's scenario.
pub fn plan(
    s: &Scenario,
    design: &Design,
    reps: u32,
    weeks: u32,
    seed: u64,
) -> Result<(SweepPlan, Vec<Scenario>), SweepError> {
    let key_err = |e: crate::scenario::path::PathError| SweepError::Input(format!("error: {e}"));
    let (name, keys, cells): (&str, Vec<String>, Vec<Vec<f64>>) = match design {
        Design::Grid(axes) => {
            if axes.is_empty() {
                return Err(SweepError::Input("error: give at least one --grid KEY=LO:HI:STEP".into()));
            }
            let values: Vec<Vec<f64>> = axes.iter().map(grid_values).collect();
            let total: usize = values.iter().map(|v| v.len()).product();
            if total > 10_000_000 {
                return Err(SweepError::Input(format!("error: the grid has {total} cells (at most 10,000,000)")));
            }
            let mut cells = vec![Vec::new()];
            for v in &values {
                cells = cells.into_iter().flat_map(|c| v.iter().map(move |x| [c.clone(), vec![*x]].concat())).collect();
            }
            ("grid", axes.iter().map(|a| a.key.clone()).collect(), cells)
        }
        Design::Lhs { n, ranges } => {
            if *n == 0 || ranges.is_empty() {
                return Err(SweepError::Input("error: --lhs N needs N ≥ 1 and at least one --vary KEY=LO:HI".into()));
            }
            let whole: Vec<bool> =
                ranges.iter().map(|(k, _)| is_whole_number(s, k)).collect::<Result<_, _>>().map_err(key_err)?;
            let draws = super::reproduce::latin_hypercube(ranges, *n, seed);
            let cells = draws
                .iter()
                .map(|d| d.iter().zip(&whole).map(|((_, v), w)| if *w { v.round() } else { round12(*v) }).collect())
                .collect();
            ("lhs", ranges.iter().map(|r| r.0.clone()).collect(), cells)
        }
    };
    for (i, k) in keys.iter().enumerate() {
        if keys[..i].contains(k) {
            return Err(SweepError::Input(format!("error: `{k}` is varied twice")));
        }
        if let Some(why) = not_sweepable(k) {
            return Err(SweepError::Input(format!("error: `{k}` cannot be swept: {why}")));
        }
    }
    let scenarios = cells
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let pairs: Vec<(String, f64)> = keys.iter().cloned().zip(c.iter().copied()).collect();
            set_numbers(s, &pairs).map_err(|e| cell_err(i, &pairs, e))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let mut p = SweepPlan {
        carenet_version: env!("CARGO_PKG_VERSION").to_string(),
        hash: String::new(),
        scenario_name: s.name.clone(),
        design: name.to_string(),
        keys,
        cells,
        reps,
        weeks,
        seed,
        window: s.metrics.summary_window.min(weeks),
        scenario: serde_json::to_value(s).map_err(|e| SweepError::Runtime(e.to_string()))?,
        ensemble: None,
    };
    p.hash = p.compute_hash();
    Ok((p, scenarios))
}

/// Why `key` cannot be a sweep key, if it cannot: the keys a sweep sets once
/// for every cell (seed, replications, weeks, summary window) would label the
/// rows with values no cell ran with.
pub fn not_sweepable(key: &str) -> Option<&'static str> {
    let key: String = key.chars().filter(|c| !c.is_whitespace()).collect();
    Some(match key.as_str() {
        "simulation.seed" => {
            "every cell draws its own seed from the sweep's master seed, so a swept seed would never be used; \
             set the master seed with --seed (or simulation.seed in the scenario file)"
        }
        "simulation.reps" => {
            "every cell runs the sweep's replication count, so a swept count would never be used; \
             set it with --reps"
        }
        "simulation.weeks" => {
            "every cell runs the sweep's weeks (and summarises the same window), so weeks are set once \
             per sweep; use --weeks, and one sweep per length"
        }
        "metrics.summary_window" => {
            "every cell is summarised over the sweep's window, set once per sweep; set \
             metrics.summary_window in the scenario file, and one sweep per window"
        }
        _ => return None,
    })
}

/// A planning error for cell `i` (values `pairs`): names the cell's values, and
/// a broken constraint that involves other keys (a mix that must sum to 1)
/// instead of a value that was never set.
fn cell_err(i: usize, pairs: &[(String, f64)], e: crate::scenario::path::PathError) -> SweepError {
    use crate::scenario::path::PathError;
    let values: Vec<String> = pairs.iter().map(|(k, v)| format!("{k} = {}", fmt_f64(*v))).collect();
    match e {
        PathError::OutOfRange { key, value, message, allowed } if value.is_nan() => SweepError::Input(format!(
            "error: cell {i} ({}) breaks a constraint on `{key}`: {message} (allowed: {allowed}); \
             a sweep sets each key on its own, so choose keys and ranges that keep `{key}` valid in every cell{}",
            values.join(", "),
            if message.contains("sum") {
                " (a mix must still sum to 1: sweep one scenario file per mix instead)"
            } else {
                ""
            }
        )),
        e => SweepError::Input(format!("error: {e}")),
    }
}

/// The master seed of cell `i`'s replications.
pub fn cell_seed(seed: u64, i: usize) -> u64 {
    crate::streams::rng(seed, u64::MAX - 1, i as u64, 0).random::<u64>()
}

/// A share of the cells: those with `i % count == index`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: usize,
    pub count: usize,
}

impl Shard {
    /// Parses `K/N` (0 ≤ K < N), or `slurm`: K from `SLURM_ARRAY_TASK_ID`
    /// (minus `SLURM_ARRAY_TASK_MIN`, if set) and N from `SLURM_ARRAY_TASK_COUNT`.
    pub fn parse(spec: &str, env: impl Fn(&str) -> Option<String>) -> Result<Shard, SweepError> {
        let bad = |why: String| SweepError::Input(format!("error: --shard {spec}: {why}"));
        let (index, count) = if spec == "slurm" {
            let get = |name: &str| -> Result<usize, SweepError> {
                let v = env(name).ok_or_else(|| bad(format!("{name} is not set (not inside a Slurm array job?)")))?;
                v.trim().parse().map_err(|_| bad(format!("{name}={v} is not a whole number")))
            };
            let min = match env("SLURM_ARRAY_TASK_MIN") {
                Some(_) => get("SLURM_ARRAY_TASK_MIN")?,
                None => 0,
            };
            let id = get("SLURM_ARRAY_TASK_ID")?;
            (
                id.checked_sub(min).ok_or_else(|| bad("task id below the array's minimum".into()))?,
                get("SLURM_ARRAY_TASK_COUNT")?,
            )
        } else {
            let (k, n) = spec.split_once('/').ok_or_else(|| bad("expected K/N or slurm".into()))?;
            let k: usize = k.trim().parse().map_err(|_| bad("K is not a whole number".into()))?;
            let n: usize = n.trim().parse().map_err(|_| bad("N is not a whole number".into()))?;
            (k, n)
        };
        if count == 0 || index >= count {
            return Err(bad(format!("shard {index} of {count}: need 0 ≤ K < N")));
        }
        Ok(Shard { index, count })
    }

    /// This shard's cells among `n_cells`.
    pub fn cells(&self, n_cells: usize) -> Vec<usize> {
        (self.index..n_cells).step_by(self.count).collect()
    }
}

/// The first line of cell `i`'s file without its checksum: names the sweep
/// (its hash), the cell and the number of rows that follow.
pub fn cell_marker(hash: &str, i: usize, rows: usize) -> String {
    format!("# carenet sweep {hash} cell {i} rows {rows}")
}

/// The checksum of a cell file: FNV-1a 64 of its marker (without the checksum),
/// a newline and its rows, so any edit of the sweep hash, the cell index, the
/// row count or the rows shows.
fn cell_checksum(marker: &str, body: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in marker.as_bytes().iter().chain(b"\n").chain(body.as_bytes()) {
        h ^= *b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// The whole file of cell `i` of sweep `hash` holding `body` (its rows, from
/// [`cell_rows`]): `# carenet sweep HASH cell I rows N fnv CHECKSUM`, then the rows.
pub fn cell_file(hash: &str, i: usize, body: &str) -> String {
    let marker = cell_marker(hash, i, body.lines().count());
    let sum = cell_checksum(&marker, body);
    format!("{marker} fnv {sum}\n{body}")
}

/// What is wrong with a cell file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CellFault {
    /// The file is damaged (cut short, edited, appended to, empty): what is wrong.
    Damaged(String),
    /// The file is whole, but it is cell `cell` of sweep `hash`, not the one asked for.
    Foreign { hash: String, cell: usize },
}

impl std::fmt::Display for CellFault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CellFault::Damaged(why) => write!(f, "damaged: {why}"),
            CellFault::Foreign { hash, cell } => write!(f, "is cell {cell} of another sweep ({hash})"),
        }
    }
}

/// Checks the bytes of cell `i`'s file against plan `p` and returns its rows:
/// the marker names this sweep and cell, the checksum matches, and every row
/// has the cell's index and values, the metric of its place, numbers and a
/// replication count no larger than the sweep's.
pub fn check_cell<'a>(p: &SweepPlan, i: usize, bytes: &'a [u8]) -> Result<&'a str, CellFault> {
    let bad = |why: String| Err(CellFault::Damaged(why));
    if bytes.is_empty() {
        return bad("the file is empty".into());
    }
    let Ok(text) = std::str::from_utf8(bytes) else {
        return bad("the file is not UTF-8 text".into());
    };
    let Some((first, body)) = text.split_once('\n') else {
        return bad("the first line is cut short (no rows)".into());
    };
    let Some((marker, sum)) = first.rsplit_once(" fnv ") else {
        return bad(format!(
            "the first line `{}` is not a cell marker with a checksum (cells written by carenet {} have one)",
            first.chars().take(80).collect::<String>(),
            env!("CARGO_PKG_VERSION")
        ));
    };
    let words: Vec<&str> = marker.split(' ').collect();
    let (hash, cell, rows) = match words[..] {
        ["#", "carenet", "sweep", hash, "cell", cell, "rows", rows] => (hash, cell, rows),
        _ => {
            return bad(format!(
                "the first line `{}` is not a cell marker",
                first.chars().take(80).collect::<String>()
            ));
        }
    };
    let (Ok(cell), Ok(rows)) = (cell.parse::<usize>(), rows.parse::<usize>()) else {
        return bad("the cell marker's numbers are not whole numbers".into());
    };
    if cell_checksum(marker, body) != sum {
        let lines = body.lines().count();
        return bad(format!(
            "its checksum does not match its contents (cut short, edited or appended to; it has {lines} \
             line{} after the marker, the marker says {rows} row{})",
            if lines == 1 { "" } else { "s" },
            if rows == 1 { "" } else { "s" }
        ));
    }
    if hash != p.hash || cell != i {
        return Err(CellFault::Foreign { hash: hash.to_string(), cell });
    }
    let names = metric_names();
    if rows != names.len() || body.lines().count() != rows {
        return bad(format!("it has {} rows, a cell has {}", body.lines().count(), names.len()));
    }
    if !body.ends_with('\n') {
        return bad("its last row is cut short (no newline)".into());
    }
    let Some(values) = p.cells.get(i) else {
        return bad(format!("the sweep has no cell {i}"));
    };
    let width = 1 + values.len() + 5;
    for (r, (line, name)) in body.lines().zip(&names).enumerate() {
        let row = |why: String| bad(format!("row {} {why}", r + 1));
        let f: Vec<&str> = line.split(',').collect();
        if f.len() != width {
            return row(format!("has {} fields, not {width}", f.len()));
        }
        if f[0] != i.to_string() {
            return row(format!("names cell {}, not {i}", f[0]));
        }
        for (k, v) in values.iter().enumerate() {
            if f[1 + k] != fmt_f64(*v) {
                return row(format!("has {} = {}, not {}", p.keys[k], f[1 + k], fmt_f64(*v)));
            }
        }
        let rest = &f[1 + values.len()..];
        if rest[0] != *name {
            return row(format!("is metric `{}`, not `{name}`", rest[0]));
        }
        if rest[1..4].iter().any(|x| !x.is_empty() && x.parse::<f64>().is_err()) {
            return row("has a mean or interval that is not a number".into());
        }
        if !rest[4].parse::<u32>().is_ok_and(|n| n <= p.reps) {
            return row(format!("has n = {}, not a count up to {}", rest[4], p.reps));
        }
    }
    Ok(body)
}

/// The rows of one cell from its replications' window totals.
pub fn cell_rows(p: &SweepPlan, i: usize, totals: &[[WeekRecord; 4]]) -> String {
    let mut out = String::new();
    let mut prefix = i.to_string();
    for v in &p.cells[i] {
        prefix.push(',');
        prefix.push_str(&fmt_f64(*v));
    }
    for r in summarise("sweep", totals).iter().filter(|r| r.group == Group::All) {
        let iv = &r.interval;
        let _ = writeln!(
            out,
            "{prefix},{},{},{},{},{}",
            r.metric,
            fmt_f64(iv.mean),
            fmt_f64(iv.ci_low),
            fmt_f64(iv.ci_high),
            iv.n
        );
    }
    out
}

/// Runs the cells `pending` of `p` (replications and cells in parallel) and
/// hands each finished cell's rows ([`cell_rows`]) to `on_cell_done`.
/// `on_rep_done` is called per replication.
pub fn run_cells(
    p: &SweepPlan,
    scenarios: &[Scenario],
    pending: &[usize],
    threads: Option<usize>,
    on_rep_done: &(dyn Fn() + Sync),
    on_cell_done: &(dyn Fn(usize, String) -> Result<(), SweepError> + Sync),
) -> Result<(), SweepError> {
    let work = || {
        pending.par_iter().try_for_each(|&i| {
            let mut model = Model::new(scenarios[i].clone(), Package::baseline());
            if let Some(ens) = &p.ensemble {
                model = model
                    .with_ensemble_except(ens, &p.keys)
                    .map_err(|e| SweepError::Input(format!("ensemble: {e}")))?;
            }
            let kinds: Vec<_> = communities(&model).iter().map(|c| c.kind).collect();
            let seed = cell_seed(p.seed, i);
            let totals: Vec<[WeekRecord; 4]> = (0..p.reps)
                .into_par_iter()
                .map(|r| {
                    let res = run_replication(&model, seed, r, p.weeks);
                    let d = digest(&res.records, &kinds, p.weeks, p.window);
                    on_rep_done();
                    d.window
                })
                .collect();
            on_cell_done(i, cell_rows(p, i, &totals))
        })
    };
    super::in_pool(threads, work)??;
    Ok(())
}

/// Header of sweep.csv.
pub fn header(p: &SweepPlan) -> String {
    format!("cell,{},metric,mean,ci_low,ci_high,n", p.keys.join(","))
}

/// Metric names a sweep reports (all of [`METRICS`]).
pub fn metric_names() -> Vec<&'static str> {
    METRICS.iter().map(|m| m.name).collect()
}
