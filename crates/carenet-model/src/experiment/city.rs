//! A whole city in bounded memory: streets simulated one at a time.
//!
//! Streets share nothing during a run (each has its own random streams, keyed
//! by master seed, replication and street index), so [`run_city`] builds and
//! steps one street at a time (streets in parallel up to the thread count),
//! reduces each week of a street to one [`WeekRecord`] (its communities
//! summed) and drops the street. Peak memory is set by the largest street
//! times the threads, plus one record per street-week, never by the city's
//! elders. The result is the same whatever the thread count, and the same as
//! [`super::run_replication`] of the whole scenario summed by street.
//!
//! A scenario declares many streets with `count` on a `[[street]]` template
//! (see `scenarios/zhengzhou.toml`).
//!
//! ```no_run
//! use carenet_model::experiment::city::{CityConfig, run_city};
//! use carenet_model::{policy::Package, step::Model};
//! let s = carenet_model::scenario::load::load_default().scenario;
//! let m = Model::new(s, Package::baseline());
//! let city = run_city(&m, &CityConfig { seed: 1, rep: 0, weeks: 52, threads: None }, &|| {}).unwrap();
//! println!("{} streets", city.streets.len());
//! ```

use rayon::prelude::*;

use super::PoolError;
use crate::metrics::{AgeBands, WeekRecord};
use crate::step::{Model, step_week};
use crate::world::World;
use crate::world::synth::build_street;

/// What to run: one replication of every street.
#[derive(Debug, Clone)]
pub struct CityConfig {
    pub seed: u64,
    pub rep: u32,
    pub weeks: u32,
    /// Worker threads; `None` lets rayon decide.
    pub threads: Option<usize>,
}

/// One street's weekly totals.
#[derive(Debug, Clone)]
pub struct StreetSeries {
    pub name: String,
    /// Per week: the street's communities summed (`weeks` = 1).
    pub weekly: Vec<WeekRecord>,
}

/// Every street's series, in scenario order.
#[derive(Debug, Clone)]
pub struct CityResult {
    pub streets: Vec<StreetSeries>,
}

impl CityResult {
    /// Per week: all streets summed (`weeks` = 1).
    pub fn city_weekly(&self) -> Vec<WeekRecord> {
        let weeks = self.streets.first().map(|s| s.weekly.len()).unwrap_or(0);
        (0..weeks)
            .map(|w| {
                let mut acc = WeekRecord::default();
                for s in &self.streets {
                    acc.add(&s.weekly[w]);
                }
                acc.weeks = 1.0;
                acc
            })
            .collect()
    }

    /// Elder-weeks simulated.
    pub fn elder_weeks(&self) -> f64 {
        self.streets.iter().flat_map(|s| &s.weekly).map(|r| r.alive_start).sum()
    }
}

/// Simulates street `si` alone and returns its weekly totals.
pub fn run_street(m: &Model, seed: u64, rep: u32, weeks: u32, si: usize) -> StreetSeries {
    let street = build_street(&m.scenario, seed, rep as u64, si);
    let name = street.name.clone();
    let nc = street.communities.len();
    let mut world = World { streets: vec![street], week: 0, tally_from: u32::MAX };
    let mut records = vec![WeekRecord::default(); nc];
    let mut bands = vec![AgeBands::default(); nc];
    // The burn-in: baseline levers, nothing kept.
    for _ in 0..m.burn_in() {
        step_week(&mut world, m, &mut records, &mut bands);
    }
    let mut weekly = Vec::with_capacity(weeks as usize);
    for _ in 0..weeks {
        step_week(&mut world, m, &mut records, &mut bands);
        let mut acc = WeekRecord::default();
        for r in &records {
            acc.add(r);
        }
        acc.weeks = 1.0;
        weekly.push(acc);
    }
    StreetSeries { name, weekly }
}

/// Runs every street of `m`'s scenario; `on_street_done` is called per street.
pub fn run_city(m: &Model, cfg: &CityConfig, on_street_done: &(dyn Fn() + Sync)) -> Result<CityResult, PoolError> {
    let work = || {
        (0..m.scenario.streets.len())
            .into_par_iter()
            .with_max_len(1)
            .map(|si| {
                let s = run_street(m, cfg.seed, cfg.rep, cfg.weeks, si);
                on_street_done();
                s
            })
            .collect::<Vec<_>>()
    };
    let streets = super::in_pool(cfg.threads, work)?;
    Ok(CityResult { streets })
}
