//! Running over a calibrated ensemble of parameter sets.
//!
//! An [`Ensemble`] is the plausible set a calibration leaves (`plausible.csv`
//! of `carenet calibrate`): the same numeric keys set to a different value in
//! each point. [`Model::with_ensemble`] builds one model per point, and
//! replication `r` runs on point `r mod K` (see [`Model::for_rep`]), so the
//! replications are spread evenly over the points and every interval computed
//! across replications carries the parameters' uncertainty as well as
//! Monte-Carlo noise. In `compare` the package and the baseline of
//! replication `r` share point `r mod K` as they share its seeds, so the
//! paired differences stay paired.

use serde::{Deserialize, Serialize};

use crate::scenario::Scenario;
use crate::scenario::path::{PathError, set_numbers};
use crate::step::Model;

/// Parameter sets: `points[i][k]` is the value of `keys[k]` in point `i`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ensemble {
    /// Dotted parameter keys, as `--set` and sweeps name them.
    pub keys: Vec<String>,
    pub points: Vec<Vec<f64>>,
    /// Where the points came from (the file name), for manifests and messages.
    pub label: String,
    /// Checksum of the source file (`sha256:` and 64 hex digits).
    pub checksum: String,
}

impl Ensemble {
    /// Number of parameter sets.
    pub fn len(&self) -> usize {
        self.points.len()
    }

    pub fn is_empty(&self) -> bool {
        self.points.is_empty()
    }

    /// The point `i` as (key, value) pairs.
    pub fn point(&self, i: usize) -> Vec<(String, f64)> {
        self.keys.iter().cloned().zip(self.points[i].iter().copied()).collect()
    }

    /// `base` with point `i`'s values set (validated like `--set`).
    pub fn scenario_for(&self, base: &Scenario, i: usize) -> Result<Scenario, PathError> {
        set_numbers(base, &self.point(i))
    }

    /// `base` with point `i`'s values set except those of keys in `keep`
    /// (a sweep's own axes win over the ensemble).
    pub fn scenario_except(&self, base: &Scenario, i: usize, keep: &[String]) -> Result<Scenario, PathError> {
        let values: Vec<(String, f64)> = self.point(i).into_iter().filter(|(k, _)| !keep.contains(k)).collect();
        set_numbers(base, &values)
    }

    /// Checks every point against `base` (unknown keys, values out of range),
    /// so a bad ensemble is refused before anything runs. Returns the first
    /// problem with the point's index (0-based).
    pub fn check(&self, base: &Scenario) -> Result<(), (usize, PathError)> {
        self.check_except(base, &[])
    }

    /// [`Ensemble::check`] leaving the keys in `keep` as `base` has them.
    pub fn check_except(&self, base: &Scenario, keep: &[String]) -> Result<(), (usize, PathError)> {
        for i in 0..self.len() {
            self.scenario_except(base, i, keep).map_err(|e| (i, e))?;
        }
        Ok(())
    }

    /// The point replication `rep` runs on.
    pub fn point_of(&self, rep: u32) -> usize {
        rep as usize % self.len().max(1)
    }
}

/// Per ensemble point, the mean of `per_rep` over the replications that ran on
/// it (`None` for a point no replication reached). Summed in replication
/// order, so the result does not depend on the thread count.
pub fn per_point_means(per_rep: &[f64], points: usize) -> Vec<Option<f64>> {
    let mut sum = vec![0.0; points];
    let mut n = vec![0u32; points];
    for (r, x) in per_rep.iter().enumerate() {
        let p = r % points.max(1);
        sum[p] += x;
        n[p] += 1;
    }
    sum.iter().zip(&n).map(|(s, &n)| (n > 0).then(|| s / f64::from(n))).collect()
}

/// Share of the points reached whose mean is below `threshold` (`None` when no
/// point was reached).
pub fn share_below(means: &[Option<f64>], threshold: f64) -> Option<f64> {
    let reached: Vec<f64> = means.iter().flatten().copied().collect();
    if reached.is_empty() {
        return None;
    }
    Some(reached.iter().filter(|&&x| x < threshold).count() as f64 / reached.len() as f64)
}

impl Model {
    /// This model run over `ens`: one model per point, with the same package
    /// and levers; replication `r` runs on point `r mod K`.
    pub fn with_ensemble(self, ens: &Ensemble) -> Result<Model, PathError> {
        self.with_ensemble_except(ens, &[])
    }

    /// Like [`Model::with_ensemble`], leaving the keys in `keep` as this
    /// model's scenario has them.
    pub fn with_ensemble_except(mut self, ens: &Ensemble, keep: &[String]) -> Result<Model, PathError> {
        let mut points = Vec::with_capacity(ens.len());
        for i in 0..ens.len() {
            let mut m = Model::new(ens.scenario_except(&self.scenario, i, keep)?, self.package.clone());
            m.fixed_levers = self.fixed_levers.clone();
            points.push(m);
        }
        self.points = points;
        Ok(self)
    }

    /// The model replication `rep` runs: this one, or its ensemble point
    /// `rep mod K`.
    pub fn for_rep(&self, rep: u32) -> &Model {
        if self.points.is_empty() { self } else { &self.points[rep as usize % self.points.len()] }
    }

    /// Number of ensemble points (0 without an ensemble).
    pub fn ensemble_points(&self) -> usize {
        self.points.len()
    }
}
