//! Running replications.
//!
//! [`run`] simulates `reps` replications of a [`Model`] in parallel with rayon
//! (on a pool of the requested size) and returns every week's records in
//! replication order. Replication `r` draws only from the streams derived from
//! (seed, r, street), and results are collected in order, so the output is the
//! same whatever the thread count.

use rayon::prelude::*;

use crate::metrics::{AgeBands, WeekRecord};
use crate::scenario::CommunityType;
use crate::step::{Model, step_week};
use crate::world::synth::build_world;

/// What to run.
#[derive(Debug, Clone)]
pub struct RunConfig {
    pub reps: u32,
    pub seed: u64,
    pub weeks: u32,
    /// Worker threads; `None` lets rayon decide.
    pub threads: Option<usize>,
}

/// Identity of a community in the results.
#[derive(Debug, Clone, PartialEq)]
pub struct CommunityInfo {
    pub street: String,
    pub name: String,
    pub kind: CommunityType,
}

/// One replication's observations.
#[derive(Debug, Clone)]
pub struct RepResult {
    /// Week-major: `records[week * n_communities + community]`.
    pub records: Vec<WeekRecord>,
    /// Per community, over the whole run.
    pub bands: Vec<AgeBands>,
}

/// All replications of a run.
#[derive(Debug, Clone)]
pub struct RunResult {
    pub communities: Vec<CommunityInfo>,
    pub weeks: u32,
    pub reps: Vec<RepResult>,
}

impl RunResult {
    /// Elder-weeks simulated (sum of live elders over weeks, communities, replications).
    pub fn elder_weeks(&self) -> f64 {
        self.reps.iter().flat_map(|r| r.records.iter()).map(|w| w.alive_start).sum()
    }

    pub fn record(&self, rep: usize, week: usize, community: usize) -> &WeekRecord {
        &self.reps[rep].records[week * self.communities.len() + community]
    }
}

/// Communities of the model's scenario, in record order.
pub fn communities(m: &Model) -> Vec<CommunityInfo> {
    m.scenario
        .streets
        .iter()
        .flat_map(|st| {
            st.communities.iter().map(move |c| CommunityInfo {
                street: st.name.clone(),
                name: c.name.clone(),
                kind: c.kind,
            })
        })
        .collect()
}

/// Simulates replication `rep` for `weeks` weeks.
pub fn run_replication(m: &Model, seed: u64, rep: u32, weeks: u32) -> RepResult {
    let nc = m.n_communities();
    let mut world = build_world(&m.scenario, seed, rep as u64);
    let mut records = vec![WeekRecord::default(); nc * weeks as usize];
    let mut bands = vec![AgeBands::default(); nc];
    for w in 0..weeks as usize {
        step_week(&mut world, m, &mut records[w * nc..(w + 1) * nc], &mut bands);
    }
    RepResult { records, bands }
}

/// Error building the thread pool.
#[derive(Debug, thiserror::Error)]
#[error("could not start {threads} worker threads: {source}")]
pub struct PoolError {
    threads: usize,
    source: rayon::ThreadPoolBuildError,
}

/// Runs all replications; `on_rep_done` is called once per finished replication
/// (from worker threads).
pub fn run(m: &Model, cfg: &RunConfig, on_rep_done: &(dyn Fn() + Sync)) -> Result<RunResult, PoolError> {
    let work = || {
        (0..cfg.reps)
            .into_par_iter()
            .map(|r| {
                let res = run_replication(m, cfg.seed, r, cfg.weeks);
                on_rep_done();
                res
            })
            .collect::<Vec<_>>()
    };
    let reps = match cfg.threads {
        Some(t) => {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(t)
                .build()
                .map_err(|source| PoolError { threads: t, source })?;
            pool.install(work)
        }
        None => work(),
    };
    Ok(RunResult { communities: communities(m), weeks: cfg.weeks, reps })
}
