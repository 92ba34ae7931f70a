//! Comparing policy packages with common random numbers.
//!
//! [`run_compare`] simulates every package with the same replication seeds as
//! the baseline (packages are not part of the random-stream key, and each
//! phase has its own stream, see [`crate::streams`]); replications of all
//! packages run in parallel. Each replication is reduced to a [`RepDigest`]
//! as soon as it finishes, so memory stays small.
//!
//! [`compare_rows`] turns the digests into the rows of compare.csv: for every
//! package, metric and community group, the package's mean and 95% interval,
//! and the paired difference from the baseline (package − baseline, paired by
//! replication) with its 95% interval. Besides [`crate::metrics::METRICS`] it
//! reports the cost metrics [`COST_METRICS`].

use rayon::prelude::*;

use super::{PoolError, RunConfig, communities, run_replication_shared};
use crate::metrics::summary::{Group, Interval, interval, t975};
use crate::metrics::{METRICS, WeekRecord};
use crate::policy::Package;
use crate::scenario::{CommunityType, Scenario};
use crate::step::Model;

/// One replication of one package, reduced.
#[derive(Debug, Clone)]
pub struct RepDigest {
    /// Sums over the summary window, per group (`Group::SUMMED` order).
    pub window: [WeekRecord; 4],
    /// Per week, per group (`Group::SUMMED` order).
    pub weekly: Vec<[WeekRecord; 4]>,
    /// Per community, over the summary window (see [`crate::metrics::breakdown`]).
    pub breakdowns: Vec<crate::metrics::breakdown::Breakdown>,
}

/// Every package's digests, baseline first.
#[derive(Debug, Clone)]
pub struct CompareResult {
    pub packages: Vec<String>,
    /// `digests[package][rep]`.
    pub digests: Vec<Vec<RepDigest>>,
    pub weeks: u32,
    pub window: u32,
    /// Elder-weeks simulated over all packages and replications.
    pub elder_weeks: f64,
}

/// Sums a replication's records by week and group.
pub fn digest(records: &[WeekRecord], kinds: &[CommunityType], weeks: u32, window: u32) -> RepDigest {
    let nc = kinds.len();
    let mut weekly = Vec::with_capacity(weeks as usize);
    let mut win = [WeekRecord::default(); 4];
    let first = weeks.saturating_sub(window) as usize;
    for w in 0..weeks as usize {
        let mut acc = [WeekRecord::default(); 4];
        for (c, &k) in kinds.iter().enumerate() {
            for (g, grp) in Group::SUMMED.iter().enumerate() {
                if grp.contains(k) {
                    acc[g].add(&records[w * nc + c]);
                }
            }
        }
        for a in acc.iter_mut() {
            if a.weeks > 0.0 {
                a.weeks = 1.0;
            }
        }
        if w >= first {
            for g in 0..4 {
                win[g].add(&acc[g]);
            }
        }
        weekly.push(acc);
    }
    RepDigest { window: win, weekly, breakdowns: Vec::new() }
}

/// Runs `packages` (the first must be the baseline) with common random numbers.
pub fn run_compare(
    s: &Scenario,
    packages: &[Package],
    cfg: &RunConfig,
    window: u32,
    on_rep_done: &(dyn Fn() + Sync),
) -> Result<CompareResult, PoolError> {
    let models: Vec<Model> = packages.iter().map(|p| Model::new(s.clone(), p.clone())).collect();
    run_compare_models(&models, cfg, window, on_rep_done)
}

/// Runs `models` (one per package, the first the baseline's; with or without
/// an ensemble) with common random numbers: replication `r` of every model
/// has the same seeds and, with an ensemble, the same point.
pub fn run_compare_models(
    models: &[Model],
    cfg: &RunConfig,
    window: u32,
    on_rep_done: &(dyn Fn() + Sync),
) -> Result<CompareResult, PoolError> {
    let kinds: Vec<CommunityType> = communities(&models[0]).iter().map(|c| c.kind).collect();
    let reps = cfg.reps as usize;
    let work = || {
        // Replication by replication, the packages sharing its burn-in.
        (0..reps)
            .into_par_iter()
            .map(|r| {
                run_replication_shared(models, cfg.seed, r as u32, cfg.weeks, |_, res| {
                    let ew: f64 = res.records.iter().map(|x| x.alive_start).sum();
                    on_rep_done();
                    let mut d = digest(&res.records, &kinds, cfg.weeks, window);
                    d.breakdowns = res.breakdowns;
                    (d, ew)
                })
            })
            .collect::<Vec<_>>()
    };
    let by_rep = super::in_pool(cfg.threads, work)?;
    // Elder-weeks summed package by package, replication by replication (the
    // order of the separate runs this replaces).
    let elder_weeks = (0..models.len()).flat_map(|p| by_rep.iter().map(move |rep| rep[p].1)).sum();
    let mut digests: Vec<Vec<RepDigest>> = (0..models.len()).map(|_| Vec::with_capacity(reps)).collect();
    for rep in by_rep {
        for (p, (d, _)) in rep.into_iter().enumerate() {
            digests[p].push(d);
        }
    }
    Ok(CompareResult {
        packages: models.iter().map(|m| m.package.name.clone()).collect(),
        digests,
        weeks: cfg.weeks,
        window,
        elder_weeks,
    })
}

/// One row of compare.csv.
#[derive(Debug, Clone, PartialEq)]
pub struct CompareRow {
    pub package: String,
    pub metric: &'static str,
    pub group: Group,
    /// The package's own value (mean and 95% CI across replications).
    pub value: Interval,
    /// Package − baseline, paired by replication (mean and 95% CI).
    pub diff: Interval,
    /// For a cost-effectiveness ratio (`cost_per_*`): whether it can be estimated, i.e.
    /// whether the 95% interval of the effect it divides by lies wholly above zero (see
    /// [`ratio_if_estimable`]). `None` for every other metric and for the baseline.
    pub estimable: Option<bool>,
}

/// Metrics of compare.csv beyond [`METRICS`] (and [`LEVER_COST_METRICS`]).
pub const COST_METRICS: [&str; 5] = [
    "cost_total_yuan",
    "unmet_help_hours_per_year",
    "isolated_elders",
    "cost_per_unmet_hour_averted",
    "cost_per_isolated_elder_averted",
];

/// Per-lever spending per year, in the order of `policy::Lever`.
pub const LEVER_COST_METRICS: [&str; crate::policy::N_LEVERS] = [
    "cost_care_subsidy_yuan",
    "cost_student_credits_yuan",
    "cost_activity_programme_yuan",
    "cost_counselling_yuan",
    "cost_time_bank_yuan",
    "cost_info_platform_yuan",
    "cost_supervision_yuan",
    "cost_public_funding_yuan",
    "cost_merchant_alliance_yuan",
];

/// Per-year scale of a window sum.
fn per_year(window: u32) -> f64 {
    52.0 / window.max(1) as f64
}

/// Spending on policy levers per year (yuan).
pub fn cost_per_year(r: &WeekRecord, window: u32) -> f64 {
    r.policy_yuan() * per_year(window)
}

/// Unmet help hours per year.
pub fn unmet_hours_per_year(r: &WeekRecord, window: u32) -> f64 {
    r.help_unmet * per_year(window)
}

/// Isolated elders (mean count over the window's weeks).
pub fn isolated_elders(r: &WeekRecord) -> f64 {
    if r.weeks > 0.0 { r.isolated / r.weeks } else { f64::NAN }
}

/// Ratio of mean paired differences `cost / effect` with a delta-method 95%
/// interval; undefined (NaN) when the mean effect is not positive.
pub fn ratio_interval(cost: &[f64], effect: &[f64]) -> Interval {
    let n = cost.len();
    let nan = Interval { mean: f64::NAN, sd: f64::NAN, ci_low: f64::NAN, ci_high: f64::NAN, n };
    if n == 0 || n != effect.len() {
        return nan;
    }
    let cbar = cost.iter().sum::<f64>() / n as f64;
    let ebar = effect.iter().sum::<f64>() / n as f64;
    if ebar <= 0.0 || !cbar.is_finite() {
        return nan;
    }
    let r = cbar / ebar;
    if n < 2 {
        return Interval { mean: r, ..nan };
    }
    let resid: Vec<f64> = cost.iter().zip(effect).map(|(c, e)| c - r * e).collect();
    let var = resid.iter().map(|d| d * d).sum::<f64>() / (n - 1) as f64;
    let se = (var / n as f64).sqrt() / ebar;
    let half = t975(n - 1) * se;
    Interval { mean: r, sd: se * (n as f64).sqrt(), ci_low: r - half, ci_high: r + half, n }
}

/// Whether a ratio over the paired effects `effect` can be estimated: the effect's 95% interval
/// lies wholly above zero. When the interval includes zero (or the effect is harmful, or there
/// is one replication and so no interval) the ratio's denominator may be zero or negative and
/// the ratio, with its delta-method interval, means nothing: a planner would read
/// "¥258 per hour averted" where the package may avert no hour at all.
pub fn effect_excludes_zero(effect: &[f64]) -> bool {
    let i = interval(effect);
    i.ci_low.is_finite() && i.ci_low > 0.0
}

/// [`ratio_interval`] when [`effect_excludes_zero`], else undefined (NaN, blank in
/// compare.csv); with whether it was estimable.
pub fn ratio_if_estimable(cost: &[f64], effect: &[f64]) -> (Interval, bool) {
    if effect_excludes_zero(effect) {
        (ratio_interval(cost, effect), true)
    } else {
        let nan = Interval { mean: f64::NAN, sd: f64::NAN, ci_low: f64::NAN, ci_high: f64::NAN, n: effect.len() };
        (nan, false)
    }
}

/// The rows of compare.csv (baseline first, then the other packages in order).
pub fn compare_rows(res: &CompareResult) -> Vec<CompareRow> {
    let mut rows = Vec::new();
    let base = &res.digests[0];
    let w = res.window;
    for (p, name) in res.packages.iter().enumerate() {
        let pk = &res.digests[p];
        for (g, grp) in Group::SUMMED.iter().enumerate() {
            if pk.iter().all(|d| d.window[g].weeks == 0.0) {
                continue;
            }
            let mut push = |metric: &'static str, f: &dyn Fn(&WeekRecord) -> f64| {
                let vals: Vec<f64> = pk.iter().map(|d| f(&d.window[g])).collect();
                let diffs: Vec<f64> = pk.iter().zip(base).map(|(d, b)| f(&d.window[g]) - f(&b.window[g])).collect();
                rows.push(CompareRow {
                    package: name.clone(),
                    metric,
                    group: *grp,
                    value: interval(&vals),
                    diff: interval(&diffs),
                    estimable: None,
                });
            };
            for m in METRICS {
                push(m.name, &|r| (m.value)(r));
            }
            push("cost_total_yuan", &|r| cost_per_year(r, w));
            for (k, name) in LEVER_COST_METRICS.iter().enumerate() {
                push(name, &|r| r.lever_yuan[k] * per_year(w));
            }
            push("unmet_help_hours_per_year", &|r| unmet_hours_per_year(r, w));
            push("isolated_elders", &isolated_elders);
            // Cost-effectiveness against the baseline: extra cost per unit averted.
            let dcost: Vec<f64> = pk
                .iter()
                .zip(base)
                .map(|(d, b)| cost_per_year(&d.window[g], w) - cost_per_year(&b.window[g], w))
                .collect();
            let dunmet: Vec<f64> = pk
                .iter()
                .zip(base)
                .map(|(d, b)| unmet_hours_per_year(&b.window[g], w) - unmet_hours_per_year(&d.window[g], w))
                .collect();
            let diso: Vec<f64> = pk
                .iter()
                .zip(base)
                .map(|(d, b)| isolated_elders(&b.window[g]) - isolated_elders(&d.window[g]))
                .collect();
            for (metric, effect) in
                [("cost_per_unmet_hour_averted", &dunmet), ("cost_per_isolated_elder_averted", &diso)]
            {
                let (ri, estimable) = if p == 0 {
                    (ratio_interval(&[], &[]), None)
                } else {
                    let (ri, ok) = ratio_if_estimable(&dcost, effect);
                    (ri, Some(ok))
                };
                rows.push(CompareRow { package: name.clone(), metric, group: *grp, value: ri, diff: ri, estimable });
            }
        }
    }
    rows
}

/// Unpaired (Welch) 95% interval of the difference of means of two samples;
/// used to show how much common random numbers narrow the paired interval.
pub fn unpaired_interval(a: &[f64], b: &[f64]) -> Interval {
    let ia = interval(a);
    let ib = interval(b);
    let (na, nb) = (ia.n as f64, ib.n as f64);
    let va = ia.sd * ia.sd / na;
    let vb = ib.sd * ib.sd / nb;
    let se = (va + vb).sqrt();
    let df = (va + vb).powi(2) / (va * va / (na - 1.0) + vb * vb / (nb - 1.0));
    let half = t975(df.floor().max(1.0) as usize) * se;
    let d = ia.mean - ib.mean;
    Interval { mean: d, sd: f64::NAN, ci_low: d - half, ci_high: d + half, n: ia.n.min(ib.n) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ratio_is_estimable_only_when_the_effect_interval_lies_above_zero() {
        let cost = [1000.0, 1150.0, 880.0, 1010.0];
        // Clearly positive effect: the ratio and its interval.
        let (ri, ok) = ratio_if_estimable(&cost, &[10.0, 11.0, 9.0, 10.0]);
        assert!(ok && (ri.mean - 101.0).abs() < 1e-9 && ri.ci_low < 101.0 && ri.ci_high > 101.0, "{ri:?}");
        // Positive mean, interval spanning zero (the counselling case): no ratio.
        let spans = [12.0, -9.0, 15.0, -6.0];
        assert!(interval(&spans).mean > 0.0 && interval(&spans).ci_low < 0.0);
        assert!(ratio_interval(&cost, &spans).mean.is_finite(), "the bare ratio would be printed");
        let (ri, ok) = ratio_if_estimable(&cost, &spans);
        assert!(!ok && ri.mean.is_nan() && ri.ci_low.is_nan() && ri.n == 4);
        // One replication: no interval, so not estimable.
        assert!(!ratio_if_estimable(&[5.0], &[1.0]).1);
        // Harmful effect: not estimable either.
        assert!(!ratio_if_estimable(&cost, &[-10.0, -11.0, -9.0, -10.0]).1);
    }
}

/// The threshold of [`ensemble_rows`]: a package "lowers unmet help" when its
/// paired effect on the unmet-help rate is below −1 percentage point.
pub const ENSEMBLE_UNMET_THRESHOLD: f64 = -0.01;

/// One row of ensemble.csv: a package's effect on the unmet-help rate (all
/// communities) across an ensemble's points.
#[derive(Debug, Clone, PartialEq)]
pub struct EnsembleRow {
    pub package: String,
    /// Points reached by at least one replication.
    pub points: usize,
    /// Replications per point (the smallest count over the points reached).
    pub reps_per_point: u32,
    /// Mean paired effect over all replications (package − baseline).
    pub effect_mean: f64,
    /// 2.5% and 97.5% quantiles of the per-point mean effects.
    pub effect_low: f64,
    pub effect_high: f64,
    /// Share of points whose mean paired effect is below
    /// [`ENSEMBLE_UNMET_THRESHOLD`].
    pub p_lowers_unmet_1pt: f64,
}

/// For every package but the baseline: how its effect on the unmet-help rate
/// varies across the `points` ensemble points (replication `r` ran on point
/// `r mod points`). The per-point means contain Monte-Carlo noise as well:
/// with one replication per point the probability is that of a single run.
pub fn ensemble_rows(res: &CompareResult, points: usize) -> Vec<EnsembleRow> {
    let unmet = METRICS.iter().find(|m| m.name == "unmet_help_rate").map(|m| m.value);
    let Some(unmet) = unmet else { return Vec::new() };
    let all = Group::SUMMED.iter().position(|g| *g == Group::All).unwrap_or(0);
    let base = &res.digests[0];
    let mut out = Vec::new();
    for (p, name) in res.packages.iter().enumerate().skip(1) {
        let diffs: Vec<f64> =
            res.digests[p].iter().zip(base).map(|(d, b)| unmet(&d.window[all]) - unmet(&b.window[all])).collect();
        let means = super::ensemble::per_point_means(&diffs, points);
        let mut reached: Vec<f64> = means.iter().flatten().copied().collect();
        reached.sort_by(f64::total_cmp);
        let quantile = |q: f64| {
            if reached.is_empty() {
                return f64::NAN;
            }
            let x = q * (reached.len() - 1) as f64;
            let (i, f) = (x.floor() as usize, x - x.floor());
            let j = (i + 1).min(reached.len() - 1);
            reached[i] + f * (reached[j] - reached[i])
        };
        // Replication r ran on point r mod `points`: the fewest per point reached.
        let reps_per_point = if diffs.is_empty() { 0 } else { (diffs.len() / points.max(1)).max(1) as u32 };
        out.push(EnsembleRow {
            package: name.clone(),
            points: reached.len(),
            reps_per_point,
            effect_mean: if diffs.is_empty() { f64::NAN } else { diffs.iter().sum::<f64>() / diffs.len() as f64 },
            effect_low: quantile(0.025),
            effect_high: quantile(0.975),
            p_lowers_unmet_1pt: super::ensemble::share_below(&means, ENSEMBLE_UNMET_THRESHOLD).unwrap_or(f64::NAN),
        });
    }
    out
}
