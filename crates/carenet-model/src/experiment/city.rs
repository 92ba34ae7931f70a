//! Any scenario street by street, in bounded memory (what `carenet run` does).
//!
//! Streets share nothing during a run: each has its own random streams (keyed
//! by master seed, replication and street index), its own students, contract
//! budget and cost plan, and the model is read-only. So [`run_streets`] builds
//! and steps one (replication, street) at a time — several in parallel, up to
//! the thread count — reduces it to a [`StreetDigest`] (per reported week, its
//! communities summed per community type and in all; its age bands and
//! breakdown cells summed; its network snapshots) and drops the street. The
//! digests are handed to a sink in work order (replication, then street), so
//! the sink can add them into one [`RepDigest`] per replication on the fly.
//! Peak memory is set by the largest street times the threads, plus the
//! replications' digests (one record per group and reported week), never by
//! the city's elders.
//!
//! Sums are taken in a fixed order: within a street, communities in order (as
//! [`super::run_replication`] does); across streets, street digests in street
//! order. For a scenario of one street the result is therefore bit for bit
//! that of [`super::run`] reduced the same way; for several streets only the
//! association of the float sums across streets differs from summing all
//! communities in one sequence.
//!
//! A share of the work ([`super::sweep::Shard`]) runs only some (replication,
//! street) items; their digests, written out exactly and added in the same
//! order, give the same bytes as an unsharded run.
//!
//! ```no_run
//! use carenet_model::experiment::city::{RepDigest, StreetsConfig, run_streets, work_items};
//! use carenet_model::{policy::Package, step::Model};
//! let s = carenet_model::scenario::load::load_default().scenario;
//! let m = Model::new(s, Package::baseline());
//! let cfg = StreetsConfig { seed: 1, weeks: 52, threads: None, keep_records: false };
//! let mut reps = vec![RepDigest::new(52)];
//! run_streets(&m, &cfg, &work_items(1, m.scenario.streets.len()), &|| {}, |d| {
//!     reps[d.rep as usize].add(&d);
//!     Ok::<(), ()>(())
//! })
//! .unwrap()
//! .unwrap();
//! ```

use rayon::prelude::*;

use super::{NetworkSnapshot, PoolError, snapshot_community};
use crate::metrics::breakdown::{Breakdown, BreakdownDigest};
use crate::metrics::summary::group_sums;
use crate::metrics::{AgeBands, WeekRecord};
use crate::scenario::CommunityType;
use crate::step::{Model, step_week};
use crate::world::World;
use crate::world::synth::build_street;

/// What to run of every (replication, street) item.
#[derive(Debug, Clone)]
pub struct StreetsConfig {
    pub seed: u64,
    /// Reported weeks (the burn-in, `simulation.burn_in_weeks`, runs first).
    pub weeks: u32,
    /// Worker threads; `None` lets rayon decide.
    pub threads: Option<usize>,
    /// Keep every community's weekly records ([`StreetDigest::records`]), for
    /// the per-community time series.
    pub keep_records: bool,
}

/// One (replication, street) reduced to what a run's files need.
#[derive(Debug, Clone, PartialEq)]
pub struct StreetDigest {
    pub rep: u32,
    pub street: usize,
    /// Per reported week, the street's communities summed per group
    /// ([`crate::metrics::summary::Group::SUMMED`] order; `weeks` counts the
    /// communities summed, 0 for a type the street lacks).
    pub weekly: Vec<[WeekRecord; 4]>,
    /// The street's communities' age bands over the reported weeks, summed.
    pub bands: AgeBands,
    /// The street's breakdown cells over the summary window.
    pub breakdown: BreakdownDigest,
    /// Replication 0: the final networks of the scenario's first community of
    /// each type that lie in this street (community index in record order).
    pub networks: Vec<NetworkSnapshot>,
    /// With [`StreetsConfig::keep_records`]: week-major records of the street's
    /// communities (`records[week * n + c]`); else empty.
    pub records: Vec<WeekRecord>,
}

/// One replication: its streets' digests added in street order.
#[derive(Debug, Clone, PartialEq)]
pub struct RepDigest {
    pub weekly: Vec<[WeekRecord; 4]>,
    pub bands: AgeBands,
    pub breakdown: BreakdownDigest,
    pub networks: Vec<NetworkSnapshot>,
}

impl RepDigest {
    /// An empty replication of `weeks` reported weeks.
    pub fn new(weeks: u32) -> RepDigest {
        RepDigest {
            weekly: vec![[WeekRecord::default(); 4]; weeks as usize],
            bands: AgeBands::default(),
            breakdown: BreakdownDigest::default(),
            networks: Vec::new(),
        }
    }

    /// Adds street `s` (streets must be added in street order for the bytes
    /// of an unsharded run).
    pub fn add(&mut self, s: &StreetDigest) {
        for (mine, theirs) in self.weekly.iter_mut().zip(&s.weekly) {
            for g in 0..4 {
                mine[g].add(&theirs[g]);
            }
        }
        self.bands.add(&s.bands);
        self.breakdown.add(&s.breakdown);
        self.networks.extend(s.networks.iter().cloned());
    }

    /// Elder-weeks simulated in the reported weeks (live elders at the start of each week).
    pub fn elder_weeks(&self) -> f64 {
        self.weekly.iter().map(|w| w[3].alive_start).sum()
    }
}

/// The work of `reps` replications of `streets` streets, in order: item `i` is
/// (replication `i / streets`, street `i % streets`).
pub fn work_items(reps: u32, streets: usize) -> Vec<(u32, usize)> {
    (0..reps).flat_map(|r| (0..streets).map(move |s| (r, s))).collect()
}

/// Index in record order of the first community of each street.
pub fn street_offsets(m: &Model) -> Vec<usize> {
    let mut offsets = Vec::with_capacity(m.scenario.streets.len());
    let mut n = 0;
    for st in &m.scenario.streets {
        offsets.push(n);
        n += st.communities.len();
    }
    offsets
}

/// Index in record order of the scenario's first community of each type
/// present (the communities whose networks a run writes).
pub fn first_of_each_type(m: &Model) -> Vec<usize> {
    let mut seen: Vec<CommunityType> = Vec::new();
    let mut out = Vec::new();
    let kinds = m.scenario.streets.iter().flat_map(|st| st.communities.iter().map(|c| c.kind));
    for (i, k) in kinds.enumerate() {
        if !seen.contains(&k) {
            seen.push(k);
            out.push(i);
        }
    }
    out
}

/// Simulates street `si` of replication `rep` alone: the burn-in, then
/// `cfg.weeks` reported weeks, reduced to its digest.
pub fn run_street(m: &Model, cfg: &StreetsConfig, rep: u32, si: usize) -> StreetDigest {
    // With an ensemble, replication `rep` runs on its parameter set.
    let m = m.for_rep(rep);
    let street = build_street(&m.scenario, cfg.seed, rep as u64, si);
    let nc = street.communities.len();
    let kinds: Vec<CommunityType> = street.communities.iter().map(|c| c.kind).collect();
    let weeks = cfg.weeks;
    let window = m.scenario.metrics.summary_window.min(weeks);
    let burn_in = m.burn_in();
    let mut world = World { streets: vec![street], week: 0, tally_from: burn_in + weeks - window };
    let mut records = vec![WeekRecord::default(); nc];
    let mut bands = vec![AgeBands::default(); nc];
    // The burn-in: baseline levers, nothing kept.
    for _ in 0..burn_in {
        step_week(&mut world, m, &mut records, &mut bands);
    }
    bands.fill(AgeBands::default());
    let mut weekly = Vec::with_capacity(weeks as usize);
    let mut kept = Vec::with_capacity(if cfg.keep_records { nc * weeks as usize } else { 0 });
    for _ in 0..weeks {
        step_week(&mut world, m, &mut records, &mut bands);
        weekly.push(group_sums(&kinds, |c| records[c]));
        if cfg.keep_records {
            kept.extend_from_slice(&records);
        }
    }
    let mut street_bands = AgeBands::default();
    for b in &bands {
        street_bands.add(b);
    }
    let st = &world.streets[0];
    let breakdowns: Vec<Breakdown> = st.communities.iter().map(|c| c.breakdown).collect();
    let mut networks = Vec::new();
    if rep == 0 {
        let offset = street_offsets(m)[si];
        for first in first_of_each_type(m) {
            if (offset..offset + nc).contains(&first) {
                networks.push(snapshot_community(&st.communities[first - offset], first));
            }
        }
    }
    StreetDigest {
        rep,
        street: si,
        weekly,
        bands: street_bands,
        breakdown: BreakdownDigest::of(&breakdowns, &kinds),
        networks,
        records: kept,
    }
}

/// Runs the (replication, street) `items` and hands each digest to `sink` in
/// the order of `items`; `on_done` is called per finished item (from worker
/// threads). Items run in parallel in batches of a few per thread, so at most
/// one batch of digests waits for the sink. The outer `Result` is the thread
/// pool's, the inner the sink's first error (which stops the run).
pub fn run_streets<E>(
    m: &Model,
    cfg: &StreetsConfig,
    items: &[(u32, usize)],
    on_done: &(dyn Fn() + Sync),
    mut sink: impl FnMut(StreetDigest) -> Result<(), E>,
) -> Result<Result<(), E>, PoolError> {
    let pool = super::build_pool(cfg.threads)?;
    let threads = pool.as_ref().map(|p| p.current_num_threads()).unwrap_or_else(rayon::current_num_threads);
    let batch = (4 * threads).max(1);
    for chunk in items.chunks(batch) {
        let work = || {
            chunk
                .par_iter()
                .with_max_len(1)
                .map(|&(rep, si)| {
                    let d = run_street(m, cfg, rep, si);
                    on_done();
                    d
                })
                .collect::<Vec<_>>()
        };
        let digests = match &pool {
            Some(p) => p.install(work),
            None => work(),
        };
        for d in digests {
            if let Err(e) = sink(d) {
                return Ok(Err(e));
            }
        }
    }
    Ok(Ok(()))
}
