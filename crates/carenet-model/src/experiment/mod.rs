//! Running replications.
//!
//! [`run`] simulates `reps` replications of a [`Model`] in parallel with rayon
//! (on a pool of the requested size) and returns every week's records in
//! replication order. Replication `r` draws only from the streams derived from
//! (seed, r, street), and results are collected in order, so the output is the
//! same whatever the thread count.

pub mod city;
pub mod compare;
pub mod ensemble;
pub mod reproduce;
pub mod sensitivity;
pub mod sweep;

use rayon::prelude::*;

use crate::metrics::breakdown::Breakdown;
use crate::metrics::{AgeBands, WeekRecord};
use crate::scenario::CommunityType;
use crate::step::{Model, step_week};
use crate::world::World;
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
    /// Per community, over the whole run (reported weeks).
    pub bands: Vec<AgeBands>,
    /// Per community, over the summary window (the last
    /// `metrics.summary_window` reported weeks).
    pub breakdowns: Vec<Breakdown>,
    /// The final network of the first community of each type (replication 0 only).
    pub networks: Vec<NetworkSnapshot>,
}

/// A community's network at the end of a run: live elders and their ties.
#[derive(Debug, Clone, PartialEq)]
pub struct NetworkSnapshot {
    /// Index of the community in record order.
    pub community: usize,
    /// Per live elder: (slot, grade, functional state, building).
    pub nodes: Vec<(u32, u8, u8, u32)>,
    /// Ties: (slot a, slot b, strength).
    pub edges: Vec<(u32, u32, f32)>,
}

/// Snapshots of the first community of each type in `world`.
pub fn snapshot_networks(world: &crate::world::World) -> Vec<NetworkSnapshot> {
    let mut seen = Vec::new();
    let mut out = Vec::new();
    let mut index = 0;
    for st in &world.streets {
        for c in &st.communities {
            if !seen.contains(&c.kind) {
                seen.push(c.kind);
                out.push(snapshot_community(c, index));
            }
            index += 1;
        }
    }
    out
}

/// Community `c`'s network now, as community `index` in record order.
pub fn snapshot_community(c: &crate::world::Community, index: usize) -> NetworkSnapshot {
    let e = &c.elders;
    let nodes =
        (0..e.len()).filter(|&i| e.alive[i]).map(|i| (i as u32, e.grade[i], e.state[i], e.building[i])).collect();
    let edges = c.graph.live_edges().collect();
    NetworkSnapshot { community: index, nodes, edges }
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

/// Builds replication `rep`'s world (on its ensemble point, if any) and runs the burn-in
/// (`simulation.burn_in_weeks`, baseline levers, nothing kept); the world is
/// then at week 1. Breakdowns are tallied over the last `window` of the
/// `weeks` reported weeks.
pub fn burnt_in_world(m: &Model, seed: u64, rep: u32, weeks: u32, window: u32) -> World {
    let m = m.for_rep(rep);
    let mut world = build_world(&m.scenario, seed, rep as u64);
    let burn_in = m.burn_in();
    world.tally_from = burn_in + weeks - window.min(weeks);
    if burn_in > 0 {
        let nc = m.n_communities();
        let mut records = vec![WeekRecord::default(); nc];
        let mut bands = vec![AgeBands::default(); nc];
        for _ in 0..burn_in {
            step_week(&mut world, m, &mut records, &mut bands);
        }
    }
    world
}

/// Simulates replication `rep` (on its ensemble point, if any): the burn-in, then `weeks` reported weeks.
pub fn run_replication(m: &Model, seed: u64, rep: u32, weeks: u32) -> RepResult {
    let m = m.for_rep(rep);
    let world = burnt_in_world(m, seed, rep, weeks, m.scenario.metrics.summary_window);
    finish_replication(m, world, rep, weeks)
}

/// Runs the `weeks` reported weeks of replication `rep` from its burnt-in `world`;
/// `m` is the model the replication runs (`Model::for_rep`).
fn finish_replication(m: &Model, mut world: World, rep: u32, weeks: u32) -> RepResult {
    let nc = m.n_communities();
    let mut records = vec![WeekRecord::default(); nc * weeks as usize];
    let mut bands = vec![AgeBands::default(); nc];
    for w in 0..weeks as usize {
        step_week(&mut world, m, &mut records[w * nc..(w + 1) * nc], &mut bands);
    }
    let networks = if rep == 0 { snapshot_networks(&world) } else { Vec::new() };
    let breakdowns = world.streets.iter().flat_map(|st| st.communities.iter().map(|c| c.breakdown)).collect();
    RepResult { records, bands, breakdowns, networks }
}

/// Replication `rep` of every model of `models` (packages or variants compared with
/// common random numbers), each result handed to `f(model index, result)` as soon as
/// it is done; the values come back in the models' order.
///
/// Models whose burn-in is the same share it: the burn-in runs the baseline's
/// levers whatever the package, so it depends only on the scenario (at this
/// replication's ensemble point), the seed, the replication and the window. Such a
/// world is burnt in once and copied, streams included ([`crate::streams::duplicate`]),
/// which gives exactly the bytes of separate runs (tests/model/burn_in.rs) and saves
/// each further model `burn_in / (burn_in + weeks)` of its cost.
pub fn run_replication_shared<T: Send>(
    models: &[Model],
    seed: u64,
    rep: u32,
    weeks: u32,
    f: impl Fn(usize, RepResult) -> T + Sync,
) -> Vec<T> {
    // Groups of models with the same scenario at this replication, in first-seen order.
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for (i, m) in models.iter().enumerate() {
        let sc = &m.for_rep(rep).scenario;
        match groups.iter_mut().find(|g| models[g[0]].for_rep(rep).scenario == *sc) {
            Some(g) => g.push(i),
            None => groups.push(vec![i]),
        }
    }
    let mut out: Vec<(usize, T)> = groups
        .par_iter()
        .flat_map_iter(|g| {
            let m0 = models[g[0]].for_rep(rep);
            let world = burnt_in_world(m0, seed, rep, weeks, m0.scenario.metrics.summary_window);
            g.par_iter()
                .map(|&i| (i, f(i, finish_replication(models[i].for_rep(rep), world.clone(), rep, weeks))))
                .collect::<Vec<_>>()
        })
        .collect();
    out.sort_by_key(|(i, _)| *i);
    out.into_iter().map(|(_, t)| t).collect()
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
    let reps = in_pool(cfg.threads, work)?;
    Ok(RunResult { communities: communities(m), weeks: cfg.weeks, reps })
}

/// A rayon pool of `threads` workers, or `None` (rayon's global pool) without a count.
pub fn build_pool(threads: Option<usize>) -> Result<Option<rayon::ThreadPool>, PoolError> {
    threads
        .map(|t| {
            rayon::ThreadPoolBuilder::new().num_threads(t).build().map_err(|source| PoolError { threads: t, source })
        })
        .transpose()
}

/// Runs `work` on a rayon pool of `threads` workers (`None`: rayon's global pool).
pub fn in_pool<R: Send>(threads: Option<usize>, work: impl FnOnce() -> R + Send) -> Result<R, PoolError> {
    Ok(match build_pool(threads)? {
        Some(pool) => pool.install(work),
        None => work(),
    })
}
