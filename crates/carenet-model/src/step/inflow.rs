//! Phase 6 (communities): new 60-year-olds take free slots (or new ones) and
//! get a few ties in their building (inflow stream). Their number follows the
//! cohorts turning 60: `inflow.entrants_by_year` gives, for each year of the
//! run, the entrants as a share of the community's initial elders.

use rand::RngExt;
use rand_distr::{Distribution, Poisson};

use super::Model;
use super::observe::Obs;
use crate::world::Community;
use crate::world::synth::{beta_mean, draw_elder};

/// Entrants per year in week `wk` (0-based) of the run, as a share of the initial elders.
pub fn entrant_share(by_year: &[f64; 10], wk: i32) -> f64 {
    let year = (wk.max(0) / 52) as usize;
    by_year[year.min(by_year.len() - 1)]
}

/// Adds the week's newcomers (counted into `obs`); returns how many came.
#[inline(never)]
pub fn inflow(c: &mut Community, m: &Model, wk: i32, obs: &mut Obs) -> usize {
    let s = &m.scenario;
    let lambda = c.initial_elders as f64 * entrant_share(&s.inflow.entrants_by_year, wk) / 52.0;
    let n_new =
        if lambda > 0.0 { Poisson::new(lambda).map(|p| p.sample(&mut c.rngs.inflow) as usize).unwrap_or(0) } else { 0 };
    let tp = s.community_types.get(c.kind);
    let max_ties = s.ties.max_ties as usize;
    for _ in 0..n_new {
        // A newcomer takes a dead elder's slot (and building) or a new slot.
        let (slot, building) = match c.free_slots.pop() {
            Some(x) => (x as usize, c.elders.building[x as usize]),
            None => {
                c.graph.add_node();
                (c.elders.len(), c.rngs.inflow.random_range(0..c.n_buildings.max(1)))
            }
        };
        let age = 60 * 52 + c.rngs.inflow.random_range(0..52);
        let newcomer = draw_elder(s, &m.health, tp, age, building, wk, 0.0, &mut c.rngs.inflow);
        obs.add(
            newcomer.grade,
            newcomer.state,
            newcomer.loneliness,
            newcomer.registered,
            false,
            newcomer.week,
            newcomer.age_weeks,
        );
        c.elders.put(slot, newcomer);
        // Initial ties to elders of the same building.
        let k = Poisson::new(tp.network.newcomer_degree.max(1e-9))
            .map(|p| p.sample(&mut c.rngs.inflow) as usize)
            .unwrap_or(0);
        let n_slots = c.elders.len();
        for _ in 0..k {
            for _ in 0..50 {
                let j = c.rngs.inflow.random_range(0..n_slots);
                if j != slot && c.elders.alive[j] && c.elders.building[j] == building {
                    let room = c.graph.degree(slot as u32) < max_ties && c.graph.degree(j as u32) < max_ties;
                    if room && !c.graph.has_edge(slot as u32, j as u32) {
                        let strength =
                            beta_mean(tp.network.neighbour_strength, 20.0, &mut c.rngs.inflow).clamp(0.05, 1.0);
                        c.graph.add_edge(slot as u32, j as u32, strength);
                    }
                    break;
                }
            }
        }
    }
    n_new
}
