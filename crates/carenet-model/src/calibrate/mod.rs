//! Calibration by history matching (Craig et al. 1997; Vernon, Goldstein &
//! Bower 2010; Andrianakis et al. 2015): which parameter values are not
//! ruled out by the published targets (docs/calibration.md).
//!
//! - [`targets`]: the targets file and each target's value in a replication.
//! - [`gp`]: the Gaussian-process emulator, one per target.
//! - [`history_match`]: the waves. Wave 1 is a Latin hypercube of the varied
//!   keys' ranges ([`crate::experiment::reproduce::latin_hypercube`]). After
//!   each wave the emulators are fitted on every point run so far, a large
//!   candidate set is screened by emulated implausibility
//!   `I = |E[f(x)] − z| / √(obs var + discrepancy² + emulator var)` against
//!   the cut-off (3) of every wave's emulators, the share ruled out is
//!   reported, and the next wave's points are spread over the candidates not
//!   ruled out (greedy maximin). Runs are handed to a caller's function, so
//!   the driver knows nothing of files; [`run_point`] runs one point of the
//!   model with common random numbers (every point: the same seed and
//!   replications) through the experiment drivers, burn-in included.
//! - Point files ([`point_file`], [`check_point`]): one self-checking text
//!   per finished point, so a rerun skips it (the files are carenet-io's).
//!
//! A run point is *plausible* when its simulated mean has implausibility at
//! most the cut-off for every target, with the Monte-Carlo variance of the
//! mean over replications in place of the emulator's.

pub mod gp;
pub mod targets;

use std::fmt::Write as _;

use rayon::prelude::*;

use crate::experiment::{communities, run_replication};
use crate::metrics::summary::{Interval, interval};
use crate::numfmt::fmt_f64;
use crate::policy::Package;
use crate::scenario::Scenario;
use crate::scenario::path::{is_whole_number, set_numbers};
use crate::step::Model;
use gp::Emulator;
use targets::{Quantity, Target};

/// The implausibility cut-off (Pukelsheim's three-sigma rule).
pub const CUTOFF: f64 = 3.0;

/// The keys varied when `--vary` is not given, with what informs them; their
/// ranges are the scenario's `[uncertainty]` ranges (the registry's plausible
/// ranges unless the scenario changes them). All are assumptions or
/// literature ranges that the targets (disability, incidence, loneliness,
/// grades, deaths by age) respond to.
pub const DEFAULT_KEYS: [(&str, &str); 8] = [
    ("health.mortality_improvement", "deaths by age band"),
    ("health.unmet_help_hazard_ratio", "disability prevalence and incidence, grade 1"),
    ("health.unmet_help_death_hazard_ratio", "deaths by age band"),
    ("health.loneliness_hazard_ratio", "disability prevalence and incidence"),
    ("loneliness.rise_weekly", "lonely share, grade 2"),
    ("loneliness.baseline_pull_weekly", "lonely share, grade 2"),
    ("needs.help_hours_scale", "unmet help, hence disability through its hazard ratio"),
    ("ties.visit_weekly", "lonely share (visits are companionship)"),
];

/// Why a calibration could not be planned or run.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CalibrateError {
    /// Bad input (exit 2).
    #[error("{0}")]
    Input(String),
    /// Runtime failure (exit 1).
    #[error("{0}")]
    Runtime(String),
}

impl CalibrateError {
    pub fn is_input(&self) -> bool {
        matches!(self, CalibrateError::Input(_))
    }
}

/// The varied keys and their ranges.
#[derive(Debug, Clone, PartialEq)]
pub struct Space {
    pub keys: Vec<String>,
    pub ranges: Vec<[f64; 2]>,
    /// Whole-number keys are rounded.
    pub whole: Vec<bool>,
}

fn round12(x: f64) -> f64 {
    if x == 0.0 {
        return 0.0;
    }
    format!("{x:.11e}").parse().unwrap_or(x)
}

impl Space {
    /// The space of `ranges` on scenario `s`: every key must be a numeric key
    /// of `s`, each range LO < HI, and the corners must validate.
    pub fn new(s: &Scenario, ranges: &[(String, [f64; 2])]) -> Result<Space, CalibrateError> {
        if ranges.is_empty() {
            return Err(CalibrateError::Input("error: nothing to vary".into()));
        }
        let mut whole = Vec::new();
        for (i, (k, [lo, hi])) in ranges.iter().enumerate() {
            if ranges[..i].iter().any(|(o, _)| o == k) {
                return Err(CalibrateError::Input(format!("error: `{k}` is varied twice")));
            }
            if let Some(why) = crate::experiment::sweep::not_sweepable(k) {
                return Err(CalibrateError::Input(format!("error: `{k}` cannot be varied: {why}")));
            }
            if lo >= hi {
                return Err(CalibrateError::Input(format!("error: --vary {k}={lo}:{hi}: LO must be below HI")));
            }
            whole.push(is_whole_number(s, k).map_err(|e| CalibrateError::Input(format!("error: {e}")))?);
            for v in [*lo, *hi] {
                set_numbers(s, &[(k.clone(), v)]).map_err(|e| CalibrateError::Input(format!("error: {e}")))?;
            }
        }
        Ok(Space {
            keys: ranges.iter().map(|r| r.0.clone()).collect(),
            ranges: ranges.iter().map(|r| r.1).collect(),
            whole,
        })
    }

    /// The default space of `s`: [`DEFAULT_KEYS`] with the scenario's `[uncertainty]` ranges.
    pub fn default_for(s: &Scenario) -> Result<Space, CalibrateError> {
        let ranges: Vec<(String, [f64; 2])> = DEFAULT_KEYS
            .iter()
            .map(|(k, _)| {
                s.uncertainty.get(*k).map(|r| (k.to_string(), *r)).ok_or_else(|| {
                    CalibrateError::Input(format!(
                        "error: the scenario's [uncertainty] table has no range for `{k}`: give --vary KEY=LO:HI"
                    ))
                })
            })
            .collect::<Result<_, _>>()?;
        Space::new(s, &ranges)
    }

    /// Values of a point of the unit cube (whole-number keys rounded, others to 12 digits).
    pub fn from_unit(&self, u: &[f64]) -> Vec<f64> {
        u.iter()
            .zip(&self.ranges)
            .zip(&self.whole)
            .map(|((u, [lo, hi]), w)| {
                let v = lo + u * (hi - lo);
                if *w { v.round() } else { round12(v) }
            })
            .collect()
    }

    /// The unit-cube point of `values`.
    pub fn to_unit(&self, values: &[f64]) -> Vec<f64> {
        values.iter().zip(&self.ranges).map(|(v, [lo, hi])| (v - lo) / (hi - lo)).collect()
    }

    /// The scenario of a point.
    pub fn scenario(&self, s: &Scenario, values: &[f64]) -> Result<Scenario, CalibrateError> {
        let pairs: Vec<(String, f64)> = self.keys.iter().cloned().zip(values.iter().copied()).collect();
        set_numbers(s, &pairs).map_err(|e| {
            let what: Vec<String> = pairs.iter().map(|(k, v)| format!("{k} = {}", fmt_f64(*v))).collect();
            CalibrateError::Input(format!("error: the point ({}) is not a valid scenario: {e}", what.join(", ")))
        })
    }
}

/// How to match.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    pub waves: usize,
    /// Points per wave.
    pub points: usize,
    pub reps: u32,
    pub seed: u64,
    /// Candidates screened after each wave.
    pub candidates: usize,
    pub cutoff: f64,
    /// Likelihood evaluations per emulator fit.
    pub gp_evals: usize,
}

impl Settings {
    pub fn new(waves: usize, points: usize, reps: u32, seed: u64) -> Settings {
        Settings { waves, points, reps, seed, candidates: 20_000, cutoff: CUTOFF, gp_evals: 300 }
    }
}

/// The values of one point: `runs[rep][quantity]` (the targets, then any
/// held-out patterns).
pub type Runs = Vec<Vec<f64>>;

/// One point run, summarised.
#[derive(Debug, Clone, PartialEq)]
pub struct PointSummary {
    pub wave: usize,
    pub index: usize,
    pub values: Vec<f64>,
    /// Per quantity: mean and 95% interval over replications.
    pub stats: Vec<Interval>,
    /// Per target: implausibility of the simulated mean.
    pub implausibility: Vec<f64>,
    pub max_implausibility: f64,
}

impl PointSummary {
    pub fn plausible(&self, cutoff: f64) -> bool {
        self.max_implausibility <= cutoff
    }
}

/// Emulator quality of one target after one wave.
#[derive(Debug, Clone, PartialEq)]
pub struct LooQuality {
    pub target: String,
    /// Root mean square of the standardised leave-one-out errors (≈ 1 when well calibrated).
    pub rms: f64,
    /// Share of standardised leave-one-out errors within ±3.
    pub within3: f64,
}

/// One wave.
#[derive(Debug, Clone, PartialEq)]
pub struct WaveReport {
    pub wave: usize,
    /// Points run in this wave, and in all waves so far.
    pub points: usize,
    pub points_total: usize,
    /// Run points of this wave that are plausible.
    pub plausible: usize,
    pub candidates: usize,
    /// Candidates not ruled out by the emulators of this and earlier waves.
    pub kept: usize,
    pub ruled_out: f64,
    pub loo: Vec<LooQuality>,
}

/// Where the matching stopped.
#[derive(Debug, Clone, PartialEq)]
pub enum Stop {
    /// Every wave ran.
    Complete,
    /// Wave `wave` lacks points (another shard's): `done` of `total` present.
    Pending { wave: usize, done: usize, total: usize },
    /// The emulators ruled out every candidate after wave `wave`.
    Exhausted { wave: usize },
}

/// The result of [`history_match`].
#[derive(Debug, Clone)]
pub struct Outcome {
    pub waves: Vec<WaveReport>,
    pub points: Vec<PointSummary>,
    pub stop: Stop,
    /// Each wave's emulators, one per target.
    pub fits: Vec<Vec<Emulator>>,
}

impl Outcome {
    /// The largest emulated implausibility of `values` over every wave's
    /// emulators: at most the cut-off when the point is not ruled out.
    pub fn emulated_implausibility(&self, space: &Space, targets: &[Target], values: &[f64]) -> f64 {
        let u = space.to_unit(values);
        let mut scratch = Vec::new();
        self.fits.iter().map(|f| emulated_max(f, targets, &u, f64::INFINITY, &mut scratch)).fold(0.0, f64::max)
    }

    /// The run point of lowest maximum implausibility (first of equals).
    pub fn best(&self) -> Option<&PointSummary> {
        self.points.iter().fold(None, |b: Option<&PointSummary>, p| match b {
            Some(b) if b.max_implausibility <= p.max_implausibility => Some(b),
            _ => Some(p),
        })
    }
}

/// Implausibility of `mean` against target `t` with `extra` variance
/// (emulator or Monte-Carlo); infinite for an undefined mean.
pub fn implausibility(t: &Target, mean: f64, extra: f64) -> f64 {
    if !mean.is_finite() {
        return f64::INFINITY;
    }
    (mean - t.observed).abs() / (t.base_var() + extra.max(0.0)).sqrt()
}

/// Summarises a point's runs against the targets (the first `targets.len()` quantities).
pub fn summarise_point(wave: usize, index: usize, values: &[f64], runs: &Runs, targets: &[Target]) -> PointSummary {
    let nq = runs.first().map_or(0, |r| r.len());
    let stats: Vec<Interval> = (0..nq).map(|q| interval(&runs.iter().map(|r| r[q]).collect::<Vec<_>>())).collect();
    let implausibility: Vec<f64> = targets
        .iter()
        .zip(&stats)
        .map(|(t, s)| {
            let mc = if s.n >= 2 { s.sd * s.sd / s.n as f64 } else { 0.0 };
            implausibility(t, s.mean, mc)
        })
        .collect();
    let max_implausibility = implausibility.iter().copied().fold(0.0, f64::max);
    PointSummary { wave, index, values: values.to_vec(), stats, implausibility, max_implausibility }
}

fn unit_lhs(d: usize, n: usize, seed: u64) -> Vec<Vec<f64>> {
    let ranges: Vec<(String, [f64; 2])> = (0..d).map(|k| (k.to_string(), [0.0, 1.0])).collect();
    crate::experiment::reproduce::latin_hypercube(&ranges, n, seed)
        .into_iter()
        .map(|p| p.into_iter().map(|(_, v)| v).collect())
        .collect()
}

fn wave_seed(seed: u64, wave: usize, what: u64) -> u64 {
    seed ^ (wave as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ what.wrapping_mul(0xD6E8_FEB8_6659_FD93)
}

/// The points of wave 1: a Latin hypercube of `n` points over the space.
pub fn first_wave(space: &Space, n: usize, seed: u64) -> Vec<Vec<f64>> {
    unit_lhs(space.keys.len(), n, wave_seed(seed, 1, 1)).iter().map(|u| space.from_unit(u)).collect()
}

/// Maximum emulated implausibility of unit point `u` under one wave's
/// emulators, stopping early above `cutoff`.
fn emulated_max(fits: &[Emulator], targets: &[Target], u: &[f64], cutoff: f64, scratch: &mut Vec<f64>) -> f64 {
    let mut worst: f64 = 0.0;
    for (e, t) in fits.iter().zip(targets) {
        let (m, v) = e.predict(u, scratch);
        let i = implausibility(t, m, v);
        worst = worst.max(i);
        if worst > cutoff {
            break;
        }
    }
    worst
}

/// `k` points spread over `kept` (unit points, with their implausibility):
/// the least implausible first, then each the farthest from those chosen.
fn maximin(kept: &[(Vec<f64>, f64)], k: usize) -> Vec<Vec<f64>> {
    if kept.is_empty() || k == 0 {
        return Vec::new();
    }
    let first = (0..kept.len()).fold(0, |b, i| if kept[i].1 < kept[b].1 { i } else { b });
    let dist = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum::<f64>();
    let mut nearest: Vec<f64> = kept.iter().map(|p| dist(&p.0, &kept[first].0)).collect();
    let mut chosen = vec![first];
    while chosen.len() < k.min(kept.len()) {
        let next = (0..kept.len()).fold(0, |b, i| if nearest[i] > nearest[b] { i } else { b });
        if nearest[next] <= 0.0 {
            break;
        }
        chosen.push(next);
        for (i, p) in kept.iter().enumerate() {
            nearest[i] = nearest[i].min(dist(&p.0, &kept[next].0));
        }
    }
    chosen.into_iter().map(|i| kept[i].0.clone()).collect()
}

/// A wave's runs: `Some(runs)` per point, `None` for a point not run here (another shard's).
pub type WaveRuns = Vec<Option<Runs>>;

/// What runs a wave: `eval(wave, points)` gives each point's runs, in order.
pub type WaveEval<'a> = dyn FnMut(usize, &[Vec<f64>]) -> Result<WaveRuns, CalibrateError> + 'a;

/// History matching over `space` against `targets`. `eval(wave, points)`
/// runs (or reads back) the wave's points, in order.
pub fn history_match(
    space: &Space,
    targets: &[Target],
    set: &Settings,
    eval: &mut WaveEval<'_>,
) -> Result<Outcome, CalibrateError> {
    if targets.is_empty() {
        return Err(CalibrateError::Input("error: the targets file has no [[target]]".into()));
    }
    if set.waves == 0 || set.points == 0 || set.reps == 0 {
        return Err(CalibrateError::Input("error: --waves, --points and --reps must be at least 1".into()));
    }
    let d = space.keys.len();
    let mut fits: Vec<Vec<Emulator>> = Vec::new();
    let mut points: Vec<PointSummary> = Vec::new();
    let mut reports = Vec::new();
    let mut next = first_wave(space, set.points, set.seed);
    for wave in 1..=set.waves {
        let runs = eval(wave, &next)?;
        let done = runs.iter().filter(|r| r.is_some()).count();
        if done < next.len() {
            return Ok(Outcome { waves: reports, points, stop: Stop::Pending { wave, done, total: next.len() }, fits });
        }
        for (i, (v, r)) in next.iter().zip(runs.iter().flatten()).enumerate() {
            points.push(summarise_point(wave, i, v, r, targets));
        }
        // Emulators on every point so far.
        let x: Vec<Vec<f64>> = points.iter().map(|p| space.to_unit(&p.values)).collect();
        let wave_fits: Vec<Emulator> = targets
            .par_iter()
            .enumerate()
            .map(|(t, _)| {
                let y: Vec<f64> = points.iter().map(|p| p.stats[t].mean).collect();
                Emulator::fit(&x, &y, set.gp_evals)
            })
            .collect();
        let loo = targets
            .iter()
            .zip(&wave_fits)
            .map(|(t, e)| {
                let l = e.loo();
                let n = l.len().max(1) as f64;
                LooQuality {
                    target: t.id.clone(),
                    rms: (l.iter().map(|v| v * v).sum::<f64>() / n).sqrt(),
                    within3: l.iter().filter(|v| v.abs() <= 3.0).count() as f64 / n,
                }
            })
            .collect();
        fits.push(wave_fits);
        let cands = unit_lhs(d, set.candidates, wave_seed(set.seed, wave, 2));
        let kept: Vec<(Vec<f64>, f64)> = cands
            .par_chunks(256)
            .flat_map_iter(|chunk| {
                let mut scratch = Vec::new();
                chunk
                    .iter()
                    .filter_map(|u| {
                        let mut worst: f64 = 0.0;
                        for f in &fits {
                            worst = worst.max(emulated_max(f, targets, u, set.cutoff, &mut scratch));
                            if worst > set.cutoff {
                                return None;
                            }
                        }
                        Some((u.clone(), worst))
                    })
                    .collect::<Vec<_>>()
            })
            .collect();
        let this_wave = points.iter().filter(|p| p.wave == wave);
        reports.push(WaveReport {
            wave,
            points: next.len(),
            points_total: points.len(),
            plausible: this_wave.filter(|p| p.plausible(set.cutoff)).count(),
            candidates: cands.len(),
            kept: kept.len(),
            ruled_out: 1.0 - kept.len() as f64 / cands.len().max(1) as f64,
            loo,
        });
        if wave == set.waves {
            break;
        }
        if kept.is_empty() {
            return Ok(Outcome { waves: reports, points, stop: Stop::Exhausted { wave }, fits });
        }
        next = maximin(&kept, set.points).iter().map(|u| space.from_unit(u)).collect();
    }
    Ok(Outcome { waves: reports, points, stop: Stop::Complete, fits })
}

/// Runs one point of the model: scenario `s` (the point's values already set),
/// `reps` replications from master seed `seed` (the same for every point:
/// common random numbers), burn-in included; returns each replication's value
/// of each quantity.
pub fn run_point(s: &Scenario, quantities: &[&Quantity], reps: u32, weeks: u32, seed: u64) -> Runs {
    let model = Model::new(s.clone(), Package::baseline());
    let kinds: Vec<_> = communities(&model).iter().map(|c| c.kind).collect();
    let window = s.metrics.summary_window.min(weeks);
    (0..reps)
        .into_par_iter()
        .map(|r| {
            let res = run_replication(&model, seed, r, weeks);
            quantities.iter().map(|q| q.value(&res, &kinds, weeks, window)).collect()
        })
        .collect()
}

fn fnv(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= *b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// The hash that names a calibration: everything its points depend on
/// (version, resolved scenario, space, quantities, replications, weeks,
/// seed, points per wave, candidates, cut-off, emulator settings). The
/// number of waves is not in it, so more waves continue a calibration.
pub fn plan_hash(
    scenario: &Scenario,
    space: &Space,
    targets: &targets::TargetFile,
    patterns: Option<&targets::TargetFile>,
    set: &Settings,
    weeks: u32,
) -> String {
    let scen = serde_json::to_string(scenario).unwrap_or_default();
    let text = format!(
        "{}\n{scen}\n{space:?}\n{:?}\n{:?}\n{:?}\n{} {weeks} {} {} {} {} {}",
        env!("CARGO_PKG_VERSION"),
        targets.targets,
        targets.patterns,
        patterns.map(|p| &p.patterns),
        set.reps,
        set.seed,
        set.points,
        set.candidates,
        set.cutoff,
        set.gp_evals
    );
    format!("{:016x}", fnv(text.as_bytes()))
}

/// The text of a finished point's file: a marker line
/// `# carenet calibrate HASH wave W point I fnv CHECKSUM`, the point's values
/// (`value,…`), the header `rep,<ids>` and one row per replication. The
/// checksum covers the marker (without it) and everything after.
pub fn point_file(hash: &str, wave: usize, index: usize, values: &[f64], ids: &[&str], runs: &Runs) -> String {
    let mut body = String::from("value");
    for v in values {
        body.push(',');
        body.push_str(&fmt_f64(*v));
    }
    let _ = writeln!(body, "\nrep,{}", ids.join(","));
    for (r, row) in runs.iter().enumerate() {
        body.push_str(&r.to_string());
        for v in row {
            body.push(',');
            body.push_str(&fmt_f64(*v));
        }
        body.push('\n');
    }
    let marker = format!("# carenet calibrate {hash} wave {wave} point {index}");
    let sum = fnv(format!("{marker}\n{body}").as_bytes());
    format!("{marker} fnv {sum:016x}\n{body}")
}

/// Checks a point file against what it must hold and returns its runs, or
/// says what is wrong (then the point is run again).
pub fn check_point(
    bytes: &[u8],
    hash: &str,
    wave: usize,
    index: usize,
    values: &[f64],
    ids: &[&str],
    reps: u32,
) -> Result<Runs, String> {
    let text = std::str::from_utf8(bytes).map_err(|_| "not UTF-8 text".to_string())?;
    let (first, body) = text.split_once('\n').ok_or("no marker line")?;
    let (marker, sum) = first.rsplit_once(" fnv ").ok_or("no checksum on the marker line")?;
    if format!("{:016x}", fnv(format!("{marker}\n{body}").as_bytes())) != sum {
        return Err("its checksum does not match its contents (cut short or edited)".into());
    }
    let want = format!("# carenet calibrate {hash} wave {wave} point {index}");
    if marker != want {
        return Err(format!("it is `{marker}`, not `{want}`"));
    }
    let mut lines = body.lines();
    let mut expect = String::from("value");
    for v in values {
        expect.push(',');
        expect.push_str(&fmt_f64(*v));
    }
    if lines.next() != Some(expect.as_str()) {
        return Err("its parameter values are not this point's".into());
    }
    if lines.next() != Some(format!("rep,{}", ids.join(",")).as_str()) {
        return Err("its columns are not this calibration's targets".into());
    }
    let mut runs = Vec::new();
    for (r, line) in lines.enumerate() {
        let f: Vec<&str> = line.split(',').collect();
        if f.len() != ids.len() + 1 || f[0] != r.to_string() {
            return Err(format!("row {} is malformed", r + 1));
        }
        let row: Result<Vec<f64>, _> =
            f[1..].iter().map(|x| if x.is_empty() { Ok(f64::NAN) } else { x.parse::<f64>() }).collect();
        runs.push(row.map_err(|_| format!("row {} has a value that is not a number", r + 1))?);
    }
    if runs.len() != reps as usize {
        return Err(format!("it has {} replications, not {reps}", runs.len()));
    }
    Ok(runs)
}
