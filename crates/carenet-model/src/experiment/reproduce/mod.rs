//! Reproducing the study's claims.
//!
//! - [`claims`]: `scenarios/claims.toml` — each claim quotes the study, compares a
//!   treatment variant with a reference variant (package or levers, parameter
//!   overrides, community type) on one metric, with an expected direction, a
//!   smallest effect size of interest (SESOI) and its direct mechanism.
//! - [`reproduce`]: runs every distinct variant once with common random numbers and
//!   measures, for each claim: the paired effect and its 95% interval, the
//!   [`Verdict`] against the SESOI ([`verdict`]), the emergent share (the effect
//!   with the mechanism neutral in both arms, over the full effect), for remedies the
//!   spillovers (unmet help by grade, the claim's metric by community type, lever
//!   cost), for equal-cost claims the reference's dose scaled to the treatment's
//!   measured cost (a second pass), the robust share over draws of the assumptions
//!   (Latin hypercube or a calibrated ensemble) and the alternative structures under
//!   which the verdict holds ([`structures`]).

pub mod claims;
pub mod structures;
pub mod verdict;

use std::collections::BTreeMap;

use rand::RngExt;
use rayon::prelude::*;

pub use claims::{Claim, Claims, ClaimsError, EqualCost, Variant, claim_metrics, misquoted, resolve_package};
pub use structures::Structure;
pub use verdict::{Verdict, emergent_share, reps_for_sign, verdict};

use super::compare::digest;
use super::{RunConfig, communities, run_replication_shared};
use crate::metrics::summary::{Group, Interval, interval};
use crate::metrics::{Metric, WeekRecord};
use crate::policy::UnknownName;
use crate::scenario::path::{apply, get_number, set_numbers};
use crate::scenario::{CommunityType, Scenario};
use crate::step::Model;
use claims::group_of;

/// The built-in claims file.
pub const DEFAULT_CLAIMS: &str = include_str!("../../../../../scenarios/claims.toml");

/// The metric of lever spending, in which costs are compared and reported.
pub const COST_METRIC: &str = "policy_yuan_per_elder_week";

/// SESOI of a spillover on unmet help by grade when the claim's own metric is not
/// an unmet-help rate: half a percentage point.
pub const SPILLOVER_UNMET_SESOI: f64 = 0.005;

/// A spillover of a remedy: its effect on a group it does not target.
#[derive(Debug, Clone, PartialEq)]
pub struct Spillover {
    /// `grade1`…`grade3`, a community type, or `all` (cost).
    pub group: String,
    pub metric: String,
    /// 0 for the cost row (no verdict).
    pub sesoi: f64,
    pub effect: Interval,
    /// Against the direction that is good for the group (lower unmet help; the
    /// claim's direction for its own metric); `None` for the cost row.
    pub verdict: Option<Verdict>,
    /// The remedy helps its target (supported) and this group is worse off beyond
    /// the SESOI (contradicted).
    pub harms: bool,
}

/// The equal-cost comparison of a claim.
#[derive(Debug, Clone, PartialEq)]
pub struct EqualCostResult {
    pub dose_key: String,
    /// The reference's dose as the scenario has it, and as scaled.
    pub dose_default: f64,
    pub dose_scaled: f64,
    /// Lever spending, yuan per elder-week: treatment, reference at its default dose,
    /// reference as scaled (all measured).
    pub cost_treatment: f64,
    pub cost_reference_default: f64,
    pub cost_reference_scaled: f64,
}

/// A claim's result.
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimResult {
    pub claim: Claim,
    /// Treatment − reference, paired by replication.
    pub effect: Interval,
    pub verdict: Verdict,
    /// The same with the mechanism neutral in both arms.
    pub neutral_effect: Interval,
    pub emergent_share: f64,
    /// Replications per arm for the sign to sit two standard errors from zero.
    pub reps_for_sign: f64,
    /// Share of robustness draws whose mean effect lies beyond the SESOI in the
    /// expected direction (NaN without draws).
    pub robust_share: f64,
    /// Verdict under each alternative structure (label, verdict), in the order run.
    pub structures: Vec<(String, Verdict)>,
    pub spillovers: Vec<Spillover>,
    pub equal_cost: Option<EqualCostResult>,
}

impl ClaimResult {
    /// The alternative structures under which the verdict is the same as under the
    /// default structure; `None` when none were run.
    pub fn structures_survived(&self) -> Option<Vec<&str>> {
        if self.structures.is_empty() {
            return None;
        }
        Some(self.structures.iter().filter(|(_, v)| *v == self.verdict).map(|(l, _)| l.as_str()).collect())
    }

    /// Whether a remedy that helps its target hurts another group.
    pub fn harms_a_group(&self) -> bool {
        self.spillovers.iter().any(|s| s.harms)
    }
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

/// Which side of a claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Treatment,
    Reference,
}

/// The run key of one arm of claim `c`, with its mechanism neutral or not, and the
/// equal-cost dose when it has been computed.
fn arm_key(c: &Claim, side: Side, neutral: bool, dose: Option<f64>) -> RunKey {
    let v = match side {
        Side::Treatment => &c.treatment,
        Side::Reference => &c.reference,
    };
    let mut set = v.set.clone();
    if let (Side::Reference, Some(eq), Some(d)) = (side, &c.equal_cost, dose) {
        set.insert(eq.dose.clone(), d);
    }
    if neutral {
        for (k, x) in &c.mechanism {
            set.insert(k.clone(), *x);
        }
    }
    RunKey::new(&v.package_name(), &set)
}

/// Every distinct run: the claims' arms, full and neutral, with the given doses.
fn run_keys(claims: &Claims, doses: &BTreeMap<String, f64>, with_neutral: bool) -> Vec<RunKey> {
    let mut keys: Vec<RunKey> = Vec::new();
    for c in &claims.claims {
        let dose = doses.get(&c.id).copied();
        for side in [Side::Treatment, Side::Reference] {
            for neutral in [false, true] {
                if neutral && !with_neutral {
                    continue;
                }
                let k = arm_key(c, side, neutral, dose);
                if !keys.contains(&k) {
                    keys.push(k);
                }
            }
        }
    }
    keys
}

/// One finished replication: (run key, replication, window totals per group).
type RepWindow = (usize, usize, [WeekRecord; 4]);

/// Window totals per group, `[key][rep]`, with the keys they belong to.
struct Totals {
    keys: Vec<RunKey>,
    t: Vec<Vec<[WeekRecord; 4]>>,
}

impl Totals {
    fn merge(mut self, other: Totals) -> Totals {
        self.keys.extend(other.keys);
        self.t.extend(other.t);
        self
    }

    /// The metric per replication for `key` in group `g`.
    fn values(&self, key: &RunKey, metric: &Metric, g: Group) -> Vec<f64> {
        let k = self.keys.iter().position(|x| x == key).expect("every key was run");
        let gi = Group::SUMMED.iter().position(|x| *x == g).unwrap_or(3);
        self.t[k].iter().map(|t| (metric.value)(&t[gi])).collect()
    }
}

/// How many replications [`reproduce`] runs (and so calls its progress callback).
pub fn replication_count(claims: &Claims, cfg: &ReproduceConfig, structures: usize) -> u64 {
    let none = BTreeMap::new();
    let full = run_keys(claims, &none, false).len() as u64;
    let all = run_keys(claims, &none, true).len() as u64;
    // The equal-cost pass re-runs each scaled reference, full and neutral.
    let second = claims.claims.iter().filter(|c| c.equal_cost.is_some()).count() as u64 * 2;
    let reps = u64::from(cfg.run.reps);
    (all + second) * reps
        + cfg.draws.len() as u64 * (full + second / 2) * u64::from(cfg.robust_reps)
        + structures as u64 * (full + second / 2) * reps
}

fn run_all(
    s: &Scenario,
    keys: Vec<RunKey>,
    cfg: &RunConfig,
    window: u32,
    on_rep_done: &(dyn Fn() + Sync),
) -> Result<Totals, String> {
    let mut models = Vec::with_capacity(keys.len());
    for k in &keys {
        let sc = set_numbers(s, &k.overrides()).map_err(|e| e.to_string())?;
        let p = resolve_package(&sc, &k.package).map_err(|e: UnknownName| e.to_string())?;
        models.push(Model::new(sc, p));
    }
    if models.is_empty() {
        return Ok(Totals { keys, t: Vec::new() });
    }
    let kinds: Vec<CommunityType> = communities(&models[0]).iter().map(|c| c.kind).collect();
    let reps = cfg.reps as usize;
    // Replication by replication, the variants with the same scenario sharing its burn-in.
    let flat: Vec<RepWindow> = (0..reps)
        .into_par_iter()
        .flat_map_iter(|r| {
            run_replication_shared(&models, cfg.seed, r as u32, cfg.weeks, |k, res| {
                let window = digest(&res.records, &kinds, cfg.weeks, window).window;
                on_rep_done();
                (k, r, window)
            })
        })
        .collect();
    let mut t = vec![vec![[WeekRecord::default(); 4]; reps]; keys.len()];
    for (k, r, w) in flat {
        t[k][r] = w;
    }
    Ok(Totals { keys, t })
}

/// The group a side of a claim is read on.
fn side_group(c: &Claim, side: Side) -> Group {
    let v = match side {
        Side::Treatment => &c.treatment,
        Side::Reference => &c.reference,
    };
    let claim_group = c.community_type.as_deref().and_then(group_of).unwrap_or(Group::All);
    v.community_type.as_deref().and_then(group_of).unwrap_or(claim_group)
}

/// Paired effects of claim `c` per replication on `metric`, with the arms read on
/// `groups` (treatment, reference).
fn paired(
    c: &Claim,
    totals: &Totals,
    metric: &Metric,
    groups: (Group, Group),
    neutral: bool,
    dose: Option<f64>,
) -> Vec<f64> {
    let t = totals.values(&arm_key(c, Side::Treatment, neutral, dose), metric, groups.0);
    let r = totals.values(&arm_key(c, Side::Reference, neutral, dose), metric, groups.1);
    t.iter().zip(&r).map(|(a, b)| a - b).collect()
}

fn metric_of(name: &str) -> &'static Metric {
    crate::metrics::metric(name).expect("checked at parse")
}

fn claim_effect(c: &Claim, totals: &Totals, neutral: bool, dose: Option<f64>) -> Vec<f64> {
    paired(
        c,
        totals,
        metric_of(&c.metric),
        (side_group(c, Side::Treatment), side_group(c, Side::Reference)),
        neutral,
        dose,
    )
}

fn mean(xs: &[f64]) -> f64 {
    xs.iter().sum::<f64>() / xs.len() as f64
}

/// The spillover rows of a remedy whose own verdict is `own`.
fn spillovers(c: &Claim, totals: &Totals, dose: Option<f64>, own: Verdict) -> Vec<Spillover> {
    let mut out = Vec::new();
    let claim_group = c.community_type.as_deref().and_then(group_of).unwrap_or(Group::All);
    let mut row = |group: String, metric: &str, g: Group, sesoi: f64, direction: Option<f64>| {
        let effect = interval(&paired(c, totals, metric_of(metric), (g, g), false, dose));
        let v = direction.map(|d| verdict(&effect, d, sesoi));
        let harms = own == Verdict::Supported && v == Some(Verdict::Contradicted);
        out.push(Spillover { group, metric: metric.to_string(), sesoi, effect, verdict: v, harms });
    };
    // Unmet help of the grades the claim's metric does not already measure.
    let unmet_sesoi = if c.metric.starts_with("unmet_help_rate") { c.sesoi } else { SPILLOVER_UNMET_SESOI };
    for grade in 1..=3 {
        let m = format!("unmet_help_rate_grade{grade}");
        if m != c.metric {
            row(format!("grade{grade}"), &m, claim_group, unmet_sesoi, Some(-1.0));
        }
    }
    // The claim's metric in each community type it is not read on.
    if c.treatment.community_type.is_none() && c.reference.community_type.is_none() {
        for t in CommunityType::ALL {
            if Group::Type(t) != claim_group {
                row(t.as_str().to_string(), &c.metric, Group::Type(t), c.sesoi, Some(c.direction()));
            }
        }
    }
    // Lever spending: a cost, no verdict.
    row("all".into(), COST_METRIC, claim_group, 0.0, None);
    out
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

/// The scenarios of `k` Latin-hypercube draws over `s`'s `[uncertainty]` table.
pub fn hypercube_scenarios(s: &Scenario, k: usize, seed: u64) -> Result<Vec<Scenario>, String> {
    let ranges: Vec<(String, [f64; 2])> = s.uncertainty.iter().map(|(k, r)| (k.clone(), *r)).collect();
    latin_hypercube(&ranges, k, seed)
        .iter()
        .map(|d| set_numbers(s, d).map_err(|e| format!("uncertainty draw: {e}")))
        .collect()
}

/// What to run.
#[derive(Debug, Clone)]
pub struct ReproduceConfig {
    pub run: RunConfig,
    /// Robustness draws: the scenario under each draw of the assumptions (a Latin
    /// hypercube over `[uncertainty]`, or a calibrated ensemble's points); empty = none.
    pub draws: Vec<Scenario>,
    /// Where the draws come from, in words (for the outputs).
    pub draws_label: String,
    /// Replications per variant in each robustness draw.
    pub robust_reps: u32,
    /// Alternative structures to re-check every claim under.
    pub structures: Vec<Structure>,
}

/// Runs every claim; see the module documentation.
pub fn reproduce(
    s: &Scenario,
    claims: &Claims,
    cfg: &ReproduceConfig,
    on_progress: &(dyn Fn() + Sync),
) -> Result<Vec<ClaimResult>, ClaimsError> {
    let window = s.metrics.summary_window.min(cfg.run.weeks);
    let pool = super::build_pool(cfg.run.threads)?;
    let claim_err = |message: String| ClaimsError::Claim { file: "scenario".into(), id: "-".into(), message };
    let go = |sc: &Scenario, keys: Vec<RunKey>, rcfg: &RunConfig| -> Result<Totals, ClaimsError> {
        let f = || run_all(sc, keys.clone(), rcfg, window, on_progress);
        match &pool {
            Some(p) => p.install(f),
            None => f(),
        }
        .map_err(claim_err)
    };

    // Pass 1: every arm, full and with the mechanism neutral.
    let none = BTreeMap::new();
    let totals = go(s, run_keys(claims, &none, true), &cfg.run)?;

    // Pass 2: equal cost. Scale each reference dose by the measured cost ratio.
    let cost = metric_of(COST_METRIC);
    let mut doses: BTreeMap<String, f64> = BTreeMap::new();
    let mut costs: BTreeMap<String, (f64, f64, f64)> = BTreeMap::new();
    for c in &claims.claims {
        let Some(eq) = &c.equal_cost else { continue };
        let g = (side_group(c, Side::Treatment), side_group(c, Side::Reference));
        let ct = mean(&totals.values(&arm_key(c, Side::Treatment, false, None), cost, g.0));
        let cr = mean(&totals.values(&arm_key(c, Side::Reference, false, None), cost, g.1));
        let sref = set_numbers(s, &arm_key(c, Side::Reference, false, None).overrides())
            .map_err(|e| claim_err(e.to_string()))?;
        let d0 = get_number(&sref, &eq.dose).map_err(|e| claim_err(e.to_string()))?;
        if !(cr > 0.0 && ct.is_finite()) {
            return Err(ClaimsError::Claim {
                file: "scenario".into(),
                id: c.id.clone(),
                message: format!("equal_cost: the reference costs {cr} yuan per elder-week; nothing to scale"),
            });
        }
        doses.insert(c.id.clone(), eq.zero_cost_dose + (d0 - eq.zero_cost_dose) * ct / cr);
        costs.insert(c.id.clone(), (ct, cr, d0));
    }
    let totals = if doses.is_empty() {
        totals
    } else {
        let have = totals.keys.clone();
        let extra: Vec<RunKey> = run_keys(claims, &doses, true).into_iter().filter(|k| !have.contains(k)).collect();
        let more = go(s, extra, &cfg.run)?;
        totals.merge(more)
    };

    let mut results: Vec<ClaimResult> = claims
        .claims
        .iter()
        .map(|c| {
            let dose = doses.get(&c.id).copied();
            let effect = interval(&claim_effect(c, &totals, false, dose));
            let neutral_effect = interval(&claim_effect(c, &totals, true, dose));
            let v = verdict(&effect, c.direction(), c.sesoi);
            let spill = if c.is_remedy() { spillovers(c, &totals, dose, v) } else { Vec::new() };
            let equal_cost = c.equal_cost.as_ref().map(|eq| {
                let (ct, cr, d0) = costs[&c.id];
                let g = side_group(c, Side::Reference);
                let scaled = mean(&totals.values(&arm_key(c, Side::Reference, false, dose), cost, g));
                EqualCostResult {
                    dose_key: eq.dose.clone(),
                    dose_default: d0,
                    dose_scaled: dose.unwrap_or(f64::NAN),
                    cost_treatment: ct,
                    cost_reference_default: cr,
                    cost_reference_scaled: scaled,
                }
            });
            ClaimResult {
                claim: c.clone(),
                verdict: v,
                emergent_share: emergent_share(effect.mean, neutral_effect.mean, c.sesoi),
                reps_for_sign: reps_for_sign(&effect),
                effect,
                neutral_effect,
                robust_share: f64::NAN,
                structures: Vec::new(),
                spillovers: spill,
                equal_cost,
            }
        })
        .collect();

    // Robustness: the full effects under each draw (the equal-cost doses as measured above).
    let full_keys = run_keys(claims, &doses, false);
    if !cfg.draws.is_empty() {
        let mut holds = vec![0usize; claims.claims.len()];
        let rcfg = RunConfig { reps: cfg.robust_reps, ..cfg.run.clone() };
        for sd in &cfg.draws {
            let t = go(sd, full_keys.clone(), &rcfg)?;
            for (ci, c) in claims.claims.iter().enumerate() {
                let m = mean(&claim_effect(c, &t, false, doses.get(&c.id).copied()));
                if c.direction() * m > c.sesoi {
                    holds[ci] += 1;
                }
            }
        }
        for (r, h) in results.iter_mut().zip(holds) {
            r.robust_share = h as f64 / cfg.draws.len() as f64;
        }
    }

    // Alternative structures: every claim's verdict under each.
    for st in &cfg.structures {
        let ss = apply(s, &st.settings).map_err(|e| claim_err(format!("--structures {}: {e}", st.label)))?;
        let t = go(&ss, full_keys.clone(), &cfg.run)?;
        for r in results.iter_mut() {
            let c = &r.claim;
            let e = interval(&claim_effect(c, &t, false, doses.get(&c.id).copied()));
            r.structures.push((st.label.clone(), verdict(&e, c.direction(), c.sesoi)));
        }
    }
    Ok(results)
}
