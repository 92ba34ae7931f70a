//! Global sensitivity analysis: Morris elementary effects and Sobol indices.
//!
//! The methods work on the unit cube and know nothing of the model, so they
//! are tested on functions whose indices are known analytically:
//!
//! - Morris ([`morris_design`], [`morris_indices`]): `r` one-at-a-time
//!   trajectories on a 4-level grid (step Δ = 2/3 of the range); for every
//!   factor the mean absolute elementary effect μ* (importance), the mean μ
//!   and the standard deviation σ (interactions and non-linearity), in output
//!   units per whole range of the factor.
//! - Sobol ([`saltelli_design`], [`sobol_indices`]): Saltelli sampling (base
//!   matrices A and B and, per factor, A with that column from B: N·(k+2)
//!   points); first-order indices by Saltelli (2010), total indices by Jansen
//!   (1999).
//!
//! Both give 95% percentile bootstrap intervals (resampling trajectories or
//! base rows). [`run_sensitivity`] maps the cube onto scenario keys (whole
//! numbers rounded), runs every point's replications in parallel with common
//! random numbers (every point uses the same seeds) and reduces each point to
//! the mean over replications of each chosen metric (all communities, summary
//! window). Everything is deterministic in the seed, whatever the threads.
//!
//! ```
//! use carenet_model::experiment::sensitivity::{saltelli_design, sobol_indices};
//! // y = x0 + 2·x1 on the unit square: S = ST = (0.2, 0.8).
//! let n = 4000;
//! let xs = saltelli_design(2, n, 1);
//! let ys: Vec<f64> = xs.iter().map(|x| x[0] + 2.0 * x[1]).collect();
//! let s = sobol_indices(&ys, 2, n, 50, 1);
//! assert!((s[1].first.value - 0.8).abs() < 0.05 && (s[1].total.value - 0.8).abs() < 0.05);
//! ```

use rand::RngExt;
use rayon::prelude::*;

use super::compare::digest;
use super::{PoolError, RunConfig, communities, run_replication};
use crate::metrics::summary::Group;
use crate::metrics::{Metric, WeekRecord};
use crate::policy::Package;
use crate::scenario::Scenario;
use crate::scenario::path::{PathError, is_whole_number, set_numbers};
use crate::step::Model;

/// A value with its 95% bootstrap interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    pub value: f64,
    pub ci_low: f64,
    pub ci_high: f64,
}

/// Morris measures of one factor.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MorrisIndex {
    pub mu_star: Estimate,
    pub mu: Estimate,
    pub sigma: Estimate,
}

/// Sobol indices of one factor.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SobolIndex {
    pub first: Estimate,
    pub total: Estimate,
}

/// Morris grid levels.
const LEVELS: usize = 4;

/// `r` Morris trajectories in `[0,1]^k`: `r·(k+1)` points, trajectory-major.
/// Each starts at a random grid point and moves one factor at a time (in a
/// random order) by ±Δ, Δ = LEVELS / (2·(LEVELS−1)).
pub fn morris_design(k: usize, r: usize, seed: u64) -> Vec<Vec<f64>> {
    let mut rng = crate::streams::rng(seed, u64::MAX - 2, 0, 0);
    let delta = LEVELS as f64 / (2.0 * (LEVELS - 1) as f64);
    let mut out = Vec::with_capacity(r * (k + 1));
    for _ in 0..r {
        let mut x: Vec<f64> = (0..k).map(|_| rng.random_range(0..LEVELS) as f64 / (LEVELS - 1) as f64).collect();
        let mut order: Vec<usize> = (0..k).collect();
        for i in (1..k).rev() {
            order.swap(i, rng.random_range(0..=i));
        }
        out.push(x.clone());
        for &f in &order {
            x[f] = if x[f] + delta <= 1.0 + 1e-12 { x[f] + delta } else { x[f] - delta };
            out.push(x.clone());
        }
    }
    out
}

fn percentile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let pos = q * (sorted.len() - 1) as f64;
    let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
    sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64)
}

/// Value of `stat` on all units and its percentile bootstrap interval over
/// `boot` resamples of the units (`stat` gets the resampled unit indices).
fn bootstrap(n: usize, boot: usize, seed: u64, salt: u64, stat: impl Fn(&[usize]) -> f64) -> Estimate {
    let all: Vec<usize> = (0..n).collect();
    let value = stat(&all);
    let mut rng = crate::streams::rng(seed, u64::MAX - 3, salt, 0);
    let mut idx = vec![0usize; n];
    let mut draws: Vec<f64> = (0..boot)
        .map(|_| {
            for x in idx.iter_mut() {
                *x = rng.random_range(0..n);
            }
            stat(&idx)
        })
        .filter(|v| v.is_finite())
        .collect();
    draws.sort_by(f64::total_cmp);
    Estimate { value, ci_low: percentile(&draws, 0.025), ci_high: percentile(&draws, 0.975) }
}

/// Morris measures from the outputs `y` of [`morris_design`]`(k, r, _)`.
pub fn morris_indices(design: &[Vec<f64>], y: &[f64], k: usize, r: usize, boot: usize, seed: u64) -> Vec<MorrisIndex> {
    // effects[t][f]: trajectory t's elementary effect of factor f.
    let mut effects = vec![vec![f64::NAN; k]; r];
    for t in 0..r {
        for s in 0..k {
            let (a, b) = (t * (k + 1) + s, t * (k + 1) + s + 1);
            let f = (0..k).find(|&f| design[a][f] != design[b][f]).expect("one factor moves per step");
            effects[t][f] = (y[b] - y[a]) / (design[b][f] - design[a][f]);
        }
    }
    (0..k)
        .map(|f| {
            let col = |ix: &[usize]| ix.iter().map(|&t| effects[t][f]).collect::<Vec<f64>>();
            let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
            let salt = f as u64 * 3;
            let mu_star =
                bootstrap(r, boot, seed, salt, |ix| mean(&col(ix).iter().map(|e| e.abs()).collect::<Vec<_>>()));
            let mu = bootstrap(r, boot, seed, salt + 1, |ix| mean(&col(ix)));
            let sigma = bootstrap(r, boot, seed, salt + 2, |ix| {
                let v = col(ix);
                if v.len() < 2 {
                    return f64::NAN;
                }
                let m = mean(&v);
                (v.iter().map(|e| (e - m) * (e - m)).sum::<f64>() / (v.len() - 1) as f64).sqrt()
            });
            MorrisIndex { mu_star, mu, sigma }
        })
        .collect()
}

/// Saltelli points in `[0,1]^k`: block 0 is A (n rows), block 1 is B, block
/// 2+i is A with column i taken from B; `n·(k+2)` points.
pub fn saltelli_design(k: usize, n: usize, seed: u64) -> Vec<Vec<f64>> {
    let mut rng = crate::streams::rng(seed, u64::MAX - 4, 0, 0);
    let a: Vec<Vec<f64>> = (0..n).map(|_| (0..k).map(|_| rng.random::<f64>()).collect()).collect();
    let b: Vec<Vec<f64>> = (0..n).map(|_| (0..k).map(|_| rng.random::<f64>()).collect()).collect();
    let mut out = Vec::with_capacity(n * (k + 2));
    out.extend(a.iter().cloned());
    out.extend(b.iter().cloned());
    for i in 0..k {
        for j in 0..n {
            let mut x = a[j].clone();
            x[i] = b[j][i];
            out.push(x);
        }
    }
    out
}

/// First-order and total Sobol indices from the outputs `y` of
/// [`saltelli_design`]`(k, n, _)`.
pub fn sobol_indices(y: &[f64], k: usize, n: usize, boot: usize, seed: u64) -> Vec<SobolIndex> {
    let ya = &y[..n];
    let yb = &y[n..2 * n];
    let variance = |ix: &[usize]| {
        let m = ix.iter().map(|&j| ya[j] + yb[j]).sum::<f64>() / (2 * ix.len()) as f64;
        ix.iter().map(|&j| (ya[j] - m).powi(2) + (yb[j] - m).powi(2)).sum::<f64>() / (2 * ix.len() - 1) as f64
    };
    (0..k)
        .map(|i| {
            let yab = &y[(2 + i) * n..(3 + i) * n];
            let first = bootstrap(n, boot, seed, 2 * i as u64, |ix| {
                let s = ix.iter().map(|&j| yb[j] * (yab[j] - ya[j])).sum::<f64>() / ix.len() as f64;
                s / variance(ix)
            });
            let total = bootstrap(n, boot, seed, 2 * i as u64 + 1, |ix| {
                let s = ix.iter().map(|&j| (ya[j] - yab[j]).powi(2)).sum::<f64>() / (2 * ix.len()) as f64;
                s / variance(ix)
            });
            SobolIndex { first, total }
        })
        .collect()
}

/// The method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Morris,
    Sobol,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Morris => "morris",
            Method::Sobol => "sobol",
        }
    }
}

/// What to analyse.
#[derive(Clone)]
pub struct SensitivityConfig {
    pub method: Method,
    /// Factors: key and range.
    pub factors: Vec<(String, [f64; 2])>,
    /// Morris trajectories, or Sobol base samples N.
    pub samples: usize,
    pub metrics: Vec<&'static Metric>,
    /// Replications per point (the same seeds at every point), weeks, seed, threads.
    pub run: RunConfig,
    /// Bootstrap resamples.
    pub bootstrap: usize,
}

/// One row of sensitivity.csv.
#[derive(Debug, Clone, PartialEq)]
pub struct SensitivityRow {
    pub method: &'static str,
    pub metric: &'static str,
    pub key: String,
    /// `mu_star`, `mu`, `sigma`, `first_order` or `total`.
    pub index: &'static str,
    pub estimate: Estimate,
}

/// Why an analysis could not run.
#[derive(Debug, thiserror::Error)]
pub enum SensitivityError {
    #[error("{0}")]
    Input(String),
    #[error(transparent)]
    Pool(#[from] PoolError),
}

/// The points of `cfg`'s design in the unit cube.
pub fn design(cfg: &SensitivityConfig) -> Vec<Vec<f64>> {
    let k = cfg.factors.len();
    match cfg.method {
        Method::Morris => morris_design(k, cfg.samples, cfg.run.seed),
        Method::Sobol => saltelli_design(k, cfg.samples, cfg.run.seed),
    }
}

/// Runs the analysis on scenario `s`; `on_point_done` is called per design point.
pub fn run_sensitivity(
    s: &Scenario,
    cfg: &SensitivityConfig,
    on_point_done: &(dyn Fn() + Sync),
) -> Result<Vec<SensitivityRow>, SensitivityError> {
    let k = cfg.factors.len();
    let input = |e: PathError| SensitivityError::Input(format!("error: {e}"));
    if k == 0 {
        return Err(SensitivityError::Input("error: nothing to vary (no --vary and no [uncertainty] table)".into()));
    }
    let min_samples = if cfg.method == Method::Morris { 2 } else { 4 };
    if cfg.samples < min_samples {
        return Err(SensitivityError::Input(format!("error: --samples must be at least {min_samples}")));
    }
    let whole: Vec<bool> =
        cfg.factors.iter().map(|(key, _)| is_whole_number(s, key)).collect::<Result<_, _>>().map_err(input)?;
    // Every range's ends must be valid values of their key.
    for (key, [lo, hi]) in &cfg.factors {
        for v in [lo, hi] {
            set_numbers(s, &[(key.clone(), *v)]).map_err(input)?;
        }
    }
    let points = design(cfg);
    let scenarios: Vec<Scenario> = points
        .iter()
        .map(|u| {
            let values: Vec<(String, f64)> = cfg
                .factors
                .iter()
                .zip(u)
                .zip(&whole)
                .map(|(((key, [lo, hi]), x), w)| {
                    let v = lo + x * (hi - lo);
                    (key.clone(), if *w { v.round() } else { v })
                })
                .collect();
            set_numbers(s, &values).map_err(input)
        })
        .collect::<Result<_, _>>()?;
    let window = s.metrics.summary_window.min(cfg.run.weeks);
    let reps = cfg.run.reps as usize;
    let work = || {
        scenarios
            .par_iter()
            .map(|sc| {
                let model = Model::new(sc.clone(), Package::baseline());
                let kinds: Vec<_> = communities(&model).iter().map(|c| c.kind).collect();
                let all = Group::SUMMED.iter().position(|g| *g == Group::All).expect("all");
                let windows: Vec<WeekRecord> = (0..reps as u32)
                    .into_par_iter()
                    .map(|r| {
                        let res = run_replication(&model, cfg.run.seed, r, cfg.run.weeks);
                        digest(&res.records, &kinds, cfg.run.weeks, window).window[all]
                    })
                    .collect();
                on_point_done();
                cfg.metrics.iter().map(|m| windows.iter().map(|w| (m.value)(w)).sum::<f64>() / reps as f64).collect()
            })
            .collect::<Vec<Vec<f64>>>()
    };
    let outputs = super::in_pool(cfg.run.threads, work)?;
    let mut rows = Vec::new();
    for (mi, m) in cfg.metrics.iter().enumerate() {
        let y: Vec<f64> = outputs.iter().map(|o| o[mi]).collect();
        let seed = cfg.run.seed ^ mi as u64;
        let mut push = |key: &str, index: &'static str, estimate: Estimate| {
            rows.push(SensitivityRow {
                method: cfg.method.as_str(),
                metric: m.name,
                key: key.to_string(),
                index,
                estimate,
            })
        };
        match cfg.method {
            Method::Morris => {
                for (f, ix) in morris_indices(&points, &y, k, cfg.samples, cfg.bootstrap, seed).iter().enumerate() {
                    let key = &cfg.factors[f].0;
                    push(key, "mu_star", ix.mu_star);
                    push(key, "mu", ix.mu);
                    push(key, "sigma", ix.sigma);
                }
            }
            Method::Sobol => {
                for (f, ix) in sobol_indices(&y, k, cfg.samples, cfg.bootstrap, seed).iter().enumerate() {
                    let key = &cfg.factors[f].0;
                    push(key, "first_order", ix.first);
                    push(key, "total", ix.total);
                }
            }
        }
    }
    Ok(rows)
}
