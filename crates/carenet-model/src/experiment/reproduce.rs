//! Reproducing the study's claims.
//!
//! - [`Claims`]: `scenarios/claims.toml` — each claim compares a treatment
//!   variant with a reference variant (package, parameter overrides, community
//!   type) on one metric, with an expected direction.
//! - [`reproduce`]: runs every distinct variant once with common random numbers,
//!   measures each claim's paired effect and 95% interval, gives a
//!   [`Verdict`], and with `robust > 0` re-checks every claim under Latin-hypercube
//!   draws of the scenario's `[uncertainty]` ranges, reporting the share of
//!   draws in which the effect has the expected sign.

use std::collections::BTreeMap;

use rand::RngExt;
use rayon::prelude::*;
use serde::Deserialize;

use super::compare::digest;
use super::{PoolError, RunConfig, communities, run_replication};
use crate::metrics::summary::{Group, Interval, interval};
use crate::metrics::{METRICS, WeekRecord};
use crate::policy::{Package, UnknownName};
use crate::scenario::path::{PathError, set_numbers};
use crate::scenario::{CommunityType, Scenario};
use crate::step::Model;

/// The built-in claims file.
pub const DEFAULT_CLAIMS: &str = include_str!("../../../../scenarios/claims.toml");

/// A claims file.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Claims {
    #[serde(rename = "claim")]
    pub claims: Vec<Claim>,
}

/// One claim of the study.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Claim {
    pub id: String,
    pub section: String,
    pub statement_zh: String,
    pub statement_en: String,
    pub metric: String,
    /// "lower" or "higher".
    pub expected: String,
    /// Community type the metric is read on (a type or "all"; default "all").
    #[serde(default)]
    pub community_type: Option<String>,
    pub treatment: Variant,
    pub reference: Variant,
}

/// One side of a comparison.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Variant {
    /// Policy package (default: baseline).
    pub package: Option<String>,
    /// Parameter overrides: dotted key → value.
    pub set: BTreeMap<String, f64>,
    /// Community type for this side (default: the claim's).
    pub community_type: Option<String>,
    /// Reference only: the best of these packages in the expected direction.
    pub best_of: Vec<String>,
}

/// A problem with a claims file.
#[derive(Debug, thiserror::Error)]
pub enum ClaimsError {
    #[error("{file}:{line}:{column}: {message}")]
    Parse { file: String, line: usize, column: usize, message: String },
    #[error("{file}: claim {id}: {message}")]
    Claim { file: String, id: String, message: String },
    #[error(transparent)]
    Pool(#[from] PoolError),
}

impl ClaimsError {
    /// Whether the error is bad input (exit 2) rather than a runtime failure.
    pub fn is_input(&self) -> bool {
        !matches!(self, ClaimsError::Pool(_))
    }
}

/// Metric names a claim may use.
pub fn claim_metrics() -> Vec<&'static str> {
    METRICS.iter().map(|m| m.name).collect()
}

fn group_of(name: &str) -> Option<Group> {
    if name == "all" {
        return Some(Group::All);
    }
    CommunityType::ALL.iter().find(|t| t.as_str() == name).map(|t| Group::Type(*t))
}

fn group_index(g: Group) -> usize {
    Group::SUMMED.iter().position(|x| *x == g).unwrap_or(3)
}

impl Claims {
    /// Parses and checks a claims file against scenario `s`: metrics, directions,
    /// community types, packages and parameter keys must all exist.
    pub fn parse(text: &str, file: &str, s: &Scenario) -> Result<Claims, ClaimsError> {
        let claims: Claims = toml::from_str(text).map_err(|e| {
            let (line, column) = e.span().map(|sp| line_col(text, sp.start)).unwrap_or((1, 1));
            ClaimsError::Parse { file: file.to_string(), line, column, message: e.message().to_string() }
        })?;
        let err =
            |id: &str, message: String| ClaimsError::Claim { file: file.to_string(), id: id.to_string(), message };
        let metrics = claim_metrics();
        let mut ids = Vec::new();
        for c in &claims.claims {
            if ids.contains(&c.id) {
                return Err(err(&c.id, "duplicate claim id".into()));
            }
            ids.push(c.id.clone());
            if !metrics.contains(&c.metric.as_str()) {
                return Err(err(
                    &c.id,
                    format!("unknown metric `{}`\n  valid metrics: {}", c.metric, metrics.join(", ")),
                ));
            }
            if c.expected != "lower" && c.expected != "higher" {
                return Err(err(&c.id, format!("expected = \"{}\"; allowed: \"lower\" or \"higher\"", c.expected)));
            }
            for v in [&c.treatment, &c.reference] {
                for t in [&c.community_type, &v.community_type].into_iter().flatten() {
                    if group_of(t).is_none() {
                        return Err(err(
                            &c.id,
                            format!(
                                "unknown community type `{t}`; allowed: commercial_estate, village, village_to_residence, all"
                            ),
                        ));
                    }
                }
                for p in v.package.iter().chain(v.best_of.iter()) {
                    Package::resolve(s, p).map_err(|e| err(&c.id, e.to_string()))?;
                }
                let overrides: Vec<(String, f64)> = v.set.iter().map(|(k, x)| (k.clone(), *x)).collect();
                set_numbers(s, &overrides).map_err(|e: PathError| err(&c.id, e.to_string()))?;
            }
            if !c.treatment.best_of.is_empty() {
                return Err(err(&c.id, "best_of is allowed only in the reference".into()));
            }
        }
        Ok(claims)
    }
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map(|l| l.chars().count()).unwrap_or(0) + 1;
    (line, column)
}

/// Claim verdicts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The 95% interval of the effect excludes zero in the expected direction.
    Supported,
    /// The interval excludes zero in the opposite direction.
    Contradicted,
    /// The interval contains zero.
    Inconclusive,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Supported => "supported",
            Verdict::Contradicted => "contradicted",
            Verdict::Inconclusive => "inconclusive",
        }
    }
}

/// A claim's result.
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimResult {
    pub claim: Claim,
    /// Treatment − reference, paired by replication.
    pub effect: Interval,
    pub verdict: Verdict,
    /// Share of robustness draws in which the mean effect had the expected sign
    /// (NaN without `--robust`).
    pub robust_share: f64,
    /// The reference package actually used (for `best_of`).
    pub reference_package: String,
}

/// A distinct simulation: a package and parameter overrides.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct RunKey {
    package: String,
    set: Vec<(String, u64)>,
}

impl RunKey {
    fn new(package: &str, set: &BTreeMap<String, f64>) -> RunKey {
        RunKey { package: package.to_string(), set: set.iter().map(|(k, v)| (k.clone(), v.to_bits())).collect() }
    }

    fn overrides(&self) -> Vec<(String, f64)> {
        self.set.iter().map(|(k, b)| (k.clone(), f64::from_bits(*b))).collect()
    }
}

/// Every distinct run the claims need.
fn run_keys(claims: &Claims) -> Vec<RunKey> {
    let mut keys: Vec<RunKey> = Vec::new();
    let mut add = |k: RunKey| {
        if !keys.contains(&k) {
            keys.push(k);
        }
    };
    for c in &claims.claims {
        for v in [&c.treatment, &c.reference] {
            if v.best_of.is_empty() {
                add(RunKey::new(v.package.as_deref().unwrap_or("baseline"), &v.set));
            } else {
                for p in &v.best_of {
                    add(RunKey::new(p, &v.set));
                }
            }
        }
    }
    keys
}

/// One finished replication: (run key, replication, window totals per group).
type RepWindow = (usize, usize, [WeekRecord; 4]);

/// Window totals per group, `[key][rep]`.
type Totals = Vec<Vec<[WeekRecord; 4]>>;

/// Runs every key on scenario `s` for `reps` replications (common random numbers).
/// How many replications [`reproduce`] runs (and so calls its progress callback):
/// every variant of every claim, `reps` times, then `robust_reps` times per draw.
pub fn replication_count(claims: &Claims, cfg: &ReproduceConfig) -> u64 {
    let variants = run_keys(claims).len() as u64;
    variants * (u64::from(cfg.run.reps) + cfg.robust as u64 * u64::from(cfg.robust_reps))
}

fn run_all(
    s: &Scenario,
    keys: &[RunKey],
    cfg: &RunConfig,
    window: u32,
    on_rep_done: &(dyn Fn() + Sync),
) -> Result<Vec<RepWindow>, String> {
    let mut models = Vec::with_capacity(keys.len());
    for k in keys {
        let sc = set_numbers(s, &k.overrides()).map_err(|e| e.to_string())?;
        let p = Package::resolve(&sc, &k.package).map_err(|e: UnknownName| e.to_string())?;
        models.push(Model::new(sc, p));
    }
    let kinds: Vec<CommunityType> = communities(&models[0]).iter().map(|c| c.kind).collect();
    let reps = cfg.reps as usize;
    Ok((0..models.len() * reps)
        .into_par_iter()
        .map(|j| {
            let (k, r) = (j / reps, j % reps);
            let res = run_replication(&models[k], cfg.seed, r as u32, cfg.weeks);
            let window = digest(&res.records, &kinds, cfg.weeks, window).window;
            on_rep_done();
            (k, r, window)
        })
        .collect())
}

fn totals_from(flat: Vec<RepWindow>, n_keys: usize, reps: usize) -> Totals {
    let mut t = vec![vec![[WeekRecord::default(); 4]; reps]; n_keys];
    for (k, r, w) in flat {
        t[k][r] = w;
    }
    t
}

/// Paired effects of claim `c` per replication, and the reference package used.
fn effects(c: &Claim, keys: &[RunKey], totals: &Totals) -> (Vec<f64>, String) {
    let metric = crate::metrics::metric(&c.metric).expect("checked at parse");
    let claim_group = c.community_type.as_deref().and_then(group_of).unwrap_or(Group::All);
    let side = |v: &Variant, package: &str| {
        let key = RunKey::new(package, &v.set);
        let k = keys.iter().position(|x| *x == key).expect("every key was run");
        let g = group_index(v.community_type.as_deref().and_then(group_of).unwrap_or(claim_group));
        totals[k].iter().map(|t| (metric.value)(&t[g])).collect::<Vec<f64>>()
    };
    let treat = side(&c.treatment, c.treatment.package.as_deref().unwrap_or("baseline"));
    let (reference, name) = if c.reference.best_of.is_empty() {
        let p = c.reference.package.clone().unwrap_or_else(|| "baseline".into());
        (side(&c.reference, &p), p)
    } else {
        let lower = c.expected == "lower";
        let mut best: Option<(f64, Vec<f64>, String)> = None;
        for p in &c.reference.best_of {
            let v = side(&c.reference, p);
            let m = v.iter().sum::<f64>() / v.len() as f64;
            let better = match &best {
                None => true,
                Some((bm, _, _)) => {
                    if lower {
                        m < *bm
                    } else {
                        m > *bm
                    }
                }
            };
            if better {
                best = Some((m, v, p.clone()));
            }
        }
        let (_, v, p) = best.expect("best_of is not empty");
        (v, p)
    };
    (treat.iter().zip(&reference).map(|(a, b)| a - b).collect(), name)
}

fn verdict(effect: &Interval, expected: &str) -> Verdict {
    let lower = expected == "lower";
    if !(effect.ci_low.is_finite() && effect.ci_high.is_finite()) {
        return Verdict::Inconclusive;
    }
    let below = effect.ci_high < 0.0;
    let above = effect.ci_low > 0.0;
    match (lower, below, above) {
        (true, true, _) | (false, _, true) => Verdict::Supported,
        (true, _, true) | (false, true, _) => Verdict::Contradicted,
        _ => Verdict::Inconclusive,
    }
}

/// Latin-hypercube draws: `k` points over `ranges`, each dimension cut into
/// `k` strata visited in a random order; deterministic in `seed`.
pub fn latin_hypercube(ranges: &[(String, [f64; 2])], k: usize, seed: u64) -> Vec<Vec<(String, f64)>> {
    let mut rng = crate::streams::rng(seed, u64::MAX, 0, 7);
    let mut columns: Vec<Vec<f64>> = Vec::with_capacity(ranges.len());
    for (_, [lo, hi]) in ranges {
        let mut strata: Vec<usize> = (0..k).collect();
        for x in (1..k).rev() {
            let y = rng.random_range(0..=x);
            strata.swap(x, y);
        }
        columns.push(strata.iter().map(|&s| lo + (hi - lo) * (s as f64 + rng.random::<f64>()) / k as f64).collect());
    }
    (0..k).map(|d| ranges.iter().zip(&columns).map(|((key, _), col)| (key.clone(), col[d])).collect()).collect()
}

/// What to run.
#[derive(Debug, Clone)]
pub struct ReproduceConfig {
    pub run: RunConfig,
    /// Robustness draws (0 = none).
    pub robust: usize,
    /// Replications per robustness draw.
    pub robust_reps: u32,
}

/// Runs every claim; see the module documentation.
pub fn reproduce(
    s: &Scenario,
    claims: &Claims,
    cfg: &ReproduceConfig,
    on_progress: &(dyn Fn() + Sync),
) -> Result<Vec<ClaimResult>, ClaimsError> {
    let window = s.metrics.summary_window.min(cfg.run.weeks);
    let keys = run_keys(claims);
    let pool = match cfg.run.threads {
        Some(t) => Some(
            rayon::ThreadPoolBuilder::new()
                .num_threads(t)
                .build()
                .map_err(|source| PoolError { threads: t, source })?,
        ),
        None => None,
    };
    let install = |f: &(dyn Fn() -> Result<Vec<RepWindow>, String> + Sync)| match &pool {
        Some(p) => p.install(f),
        None => f(),
    };
    let claim_err = |message: String| ClaimsError::Claim { file: "scenario".into(), id: "-".into(), message };
    let flat = install(&|| run_all(s, &keys, &cfg.run, window, on_progress)).map_err(claim_err)?;
    let totals = totals_from(flat, keys.len(), cfg.run.reps as usize);

    // Robustness: the same claims under Latin-hypercube draws of the assumptions.
    let ranges: Vec<(String, [f64; 2])> = s.uncertainty.iter().map(|(k, r)| (k.clone(), *r)).collect();
    let mut holds = vec![0usize; claims.claims.len()];
    if cfg.robust > 0 {
        let draws = latin_hypercube(&ranges, cfg.robust, cfg.run.seed);
        for draw in &draws {
            let sd = set_numbers(s, draw).map_err(|e| claim_err(format!("uncertainty draw: {e}")))?;
            let rcfg = RunConfig { reps: cfg.robust_reps, ..cfg.run.clone() };
            let flat = install(&|| run_all(&sd, &keys, &rcfg, window, on_progress)).map_err(claim_err)?;
            let t = totals_from(flat, keys.len(), cfg.robust_reps as usize);
            for (ci, c) in claims.claims.iter().enumerate() {
                let (e, _) = effects(c, &keys, &t);
                let mean = e.iter().sum::<f64>() / e.len() as f64;
                if (c.expected == "lower" && mean < 0.0) || (c.expected == "higher" && mean > 0.0) {
                    holds[ci] += 1;
                }
            }
        }
    }
    Ok(claims
        .claims
        .iter()
        .enumerate()
        .map(|(ci, c)| {
            let (e, reference_package) = effects(c, &keys, &totals);
            let effect = interval(&e);
            ClaimResult {
                claim: c.clone(),
                verdict: verdict(&effect, &c.expected),
                effect,
                robust_share: if cfg.robust > 0 { holds[ci] as f64 / cfg.robust as f64 } else { f64::NAN },
                reference_package,
            }
        })
        .collect())
}
