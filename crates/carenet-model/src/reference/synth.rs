//! The reference model's starting population, from carenet's own generators
//! (docs/reference-model.md, "Population and graph"): the communities of the
//! scenario's first street, in order, with their types and sizes, repeated until
//! `n` elders exist, the last one cut to make exactly `n`. Community `k` (counting
//! across repeats: repeat `r` of the street's community `c` is `k = r·m + c`) draws
//! its ties from the generator of its type and its elders from
//! [`crate::world::synth::draw_elder`], in the same order and from the same stream
//! as the care model's community `k` of street 0, replication 0, seeded with the
//! scenario's `simulation.seed`: an uncut community of the first repeat is exactly
//! that community of the care model. The population therefore does not depend on
//! the run's `--seed`.

use rayon::prelude::*;

use super::{BuildError, MAX_ELDERS, RefPopulation, RefWorld};
use crate::network::generate;
use crate::scenario::Scenario;
use crate::streams;
use crate::world::health::HealthTable;
use crate::world::synth::{draw_age, draw_elder};

/// The plan: (community number, index in the first street, elders) in order.
pub fn plan(s: &Scenario, n: usize) -> Result<Vec<(usize, usize, usize)>, String> {
    let Some(street) = s.streets.first() else {
        return Err("the scenario has no street".into());
    };
    let m = street.communities.len();
    let per_round: usize = street.communities.iter().map(|c| c.elders as usize).sum();
    if per_round == 0 {
        return Err(format!("street `{}` has no elders to repeat", street.name));
    }
    if n == 0 || n > MAX_ELDERS {
        return Err(format!("--elders {n}: give from 1 to {MAX_ELDERS} elders"));
    }
    let mut out = Vec::new();
    let mut made = 0usize;
    let mut k = 0usize;
    while made < n {
        let c = k % m;
        let size = (street.communities[c].elders as usize).min(n - made);
        if size > 0 {
            out.push((k, c, size));
            made += size;
        }
        k += 1;
    }
    Ok(out)
}

/// One community's elders and ties (local ids).
struct Part {
    community: u32,
    state: Vec<u8>,
    lives_alone: Vec<bool>,
    loneliness: Vec<f32>,
    willingness: Vec<f32>,
    ties: Vec<(u32, u32, f32)>,
}

fn community(s: &Scenario, tab: &HealthTable, k: usize, c: usize, n: usize) -> Part {
    let spec = &s.streets[0].communities[c];
    let tp = s.community_types.get(spec.kind);
    let mut rng = streams::community(s.simulation.seed, 0, 0, k, streams::SYNTH);
    let net = generate::generate(spec.kind, n, &tp.network, &mut rng);
    let mut part = Part {
        community: k as u32,
        state: Vec::with_capacity(n),
        lives_alone: Vec::with_capacity(n),
        loneliness: Vec::with_capacity(n),
        willingness: Vec::with_capacity(n),
        ties: Vec::new(),
    };
    for i in 0..n {
        let age = draw_age(s, &mut rng);
        let e = draw_elder(s, tab, tp, age, net.building[i], 0, s.case_management.initial_registered_share, &mut rng);
        part.state.push(e.state);
        part.lives_alone.push(e.lives_alone);
        part.loneliness.push(e.loneliness);
        part.willingness.push(e.willingness);
    }
    part.ties = net.edges().into_iter().map(|(a, b, w)| (a.min(b), a.max(b), w.clamp(0.0, 1.0))).collect();
    part.ties.sort_by_key(|&(a, b, _)| (a, b));
    part
}

/// Synthesises `n` elders from scenario `s` (communities in parallel on the current
/// rayon pool; the result does not depend on the thread count).
pub fn synthesize(s: &Scenario, n: usize) -> Result<RefWorld, String> {
    let plan = plan(s, n)?;
    let tab = HealthTable::new(s);
    let parts: Vec<Part> = plan.par_iter().map(|&(k, c, size)| community(s, &tab, k, c, size)).collect();
    let mut pop = RefPopulation::default();
    pop.reserve(n);
    let n_ties: usize = parts.iter().map(|p| p.ties.len()).sum();
    let mut ties = Vec::with_capacity(n_ties);
    for p in parts {
        let base = pop.len() as u32;
        pop.community.extend(std::iter::repeat_n(p.community, p.state.len()));
        pop.state.extend(&p.state);
        pop.lives_alone.extend(&p.lives_alone);
        pop.loneliness.extend(&p.loneliness);
        pop.loneliness_base.extend(&p.loneliness);
        pop.willingness.extend(&p.willingness);
        ties.extend(p.ties.iter().map(|&(a, b, w)| (a + base, b + base, w)));
    }
    RefWorld::build(pop, &ties).map_err(|e: BuildError| format!("synthesised population: {e}"))
}
