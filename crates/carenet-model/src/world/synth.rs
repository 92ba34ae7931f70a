//! Population synthesis: builds a replication's [`World`] from a scenario.
//!
//! Each community draws its network and its elders from its own synthesis
//! stream, so the initial population of a replication does not depend on any
//! dynamic parameter or policy (common random numbers across packages).

use rand::RngExt;
use rand::rngs::ChaCha8Rng;
use rand_distr::{Beta, Distribution, Gamma};

use super::*;
use crate::network::{TieGraph, generate};
use crate::scenario::{Scenario, TypeParams};
use crate::streams;
use crate::world::health::HealthTable;

/// Draws from a categorical distribution given by `weights` (summing to ~1).
pub fn categorical(weights: &[f64], rng: &mut ChaCha8Rng) -> usize {
    let u: f64 = rng.random();
    let mut acc = 0.0;
    for (k, w) in weights.iter().enumerate() {
        acc += w;
        if u < acc {
            return k;
        }
    }
    weights.len() - 1
}

/// Beta draw with the given mean and concentration (falls back to the mean if degenerate).
pub fn beta_mean(mean: f64, conc: f64, rng: &mut ChaCha8Rng) -> f32 {
    let m = mean.clamp(1e-3, 1.0 - 1e-3);
    match Beta::new(m * conc, (1.0 - m) * conc) {
        Ok(b) => b.sample(rng) as f32,
        Err(_) => mean as f32,
    }
}

/// Draws the traits of an elder of `age_weeks` in a community of type `tp`:
/// sex (men at 60 with `population.male_share`, thinned by survival at older
/// ages), functional state (the cohort's shares at that sex and age, so a
/// newcomer takes `population.state_mix_60_69`), living arrangement (alone with
/// the type's `lives_alone_share`; else with children, if the elder has family,
/// so that `living.with_children_share` of all elders do; else with a spouse
/// only), family, income, loneliness, willingness and registration.
#[allow(clippy::too_many_arguments)]
pub fn draw_elder(
    s: &Scenario,
    tab: &HealthTable,
    tp: &TypeParams,
    age_weeks: u32,
    building: u32,
    week: i32,
    registered_share: f64,
    rng: &mut ChaCha8Rng,
) -> NewElder {
    let p = &s.population;
    let male = rng.random::<f64>() < tab.male_probability(p.male_share, age_weeks);
    let state = categorical(tab.prevalence_at(male, age_weeks), rng) as u8;
    let lives_alone = rng.random::<f64>() < tp.lives_alone_share;
    // Where the nearest child lives (read only while the elder lives alone),
    // and the elder's own factor on the family's capacity: Gamma with shape 2,
    // mean 1 (most families give near the mean, a few much more or less).
    let u_kin: f64 = rng.random();
    let kin = if u_kin < tp.family_near_share {
        FAMILY_NEAR
    } else if u_kin < tp.family_near_share + tp.family_absent_share {
        FAMILY_ABSENT
    } else {
        FAMILY_DISTANT
    };
    let family_factor = Gamma::new(2.0, 0.5).map(|g| g.sample(rng)).unwrap_or(1.0) as f32;
    // Children's household among those not alone and with a living child
    // (`kin` not absent).
    let with_family = (1.0 - tp.lives_alone_share) * (1.0 - tp.family_absent_share);
    let children_share = if with_family > 0.0 { (s.living.with_children_share / with_family).min(1.0) } else { 0.0 };
    let u_children = rng.random::<f64>();
    let with_children = !lives_alone && kin != FAMILY_ABSENT && u_children < children_share;
    let partnered = !lives_alone && !with_children;
    let income = categorical(&tp.income_mix, rng) as u8;
    let loneliness = beta_mean(tp.loneliness_mean, s.loneliness.initial_concentration, rng);
    let willingness = beta_mean(tp.willingness_mean, s.willingness.initial_concentration, rng);
    let helper_threshold = beta_mean(s.mutual_aid.helper_threshold, s.mutual_aid.threshold_concentration, rng);
    let registered = rng.random::<f64>() < registered_share;
    let membership = rng.random::<f32>();
    let grade = grade_of(
        state,
        lives_alone,
        loneliness,
        s.loneliness.moderate_threshold as f32,
        s.loneliness.severe_threshold as f32,
    );
    NewElder {
        age_weeks,
        male,
        lives_alone,
        family_factor,
        kin,
        helper_threshold,
        partnered,
        with_children,
        income,
        state,
        loneliness,
        willingness,
        registered,
        building,
        grade,
        week,
        membership,
    }
}

/// Initial age in weeks from the scenario's age mix.
pub fn draw_age(s: &Scenario, rng: &mut ChaCha8Rng) -> u32 {
    let p = &s.population;
    let years = match categorical(&p.age_mix, rng) {
        0 => 60.0 + 10.0 * rng.random::<f64>(),
        1 => 70.0 + 10.0 * rng.random::<f64>(),
        _ => {
            // Survivors thin out past 80: exponential with mean 6 years, truncated.
            let top = p.max_initial_age.max(80.5);
            loop {
                let u: f64 = rng.random();
                let a = 80.0 - 6.0 * (1.0 - u).ln();
                if a < top {
                    break a;
                }
            }
        }
    };
    (years * 52.0) as u32
}

/// Builds community `c` of street `street_idx` for replication `rep`.
fn build_community(s: &Scenario, tab: &HealthTable, master: u64, rep: u64, street_idx: usize, c: usize) -> Community {
    let spec = &s.streets[street_idx].communities[c];
    let tp = s.community_types.get(spec.kind);
    let n = spec.elders as usize;
    let mut rng = streams::community(master, rep, street_idx, c, streams::SYNTH);
    let net_gen = generate::generate(spec.kind, n, &tp.network, &mut rng);
    let years = s.simulation.weeks as f64 / 52.0;
    let mean_entrants = s.inflow.entrants_by_year.iter().sum::<f64>() / s.inflow.entrants_by_year.len() as f64;
    let slots = n + (n as f64 * mean_entrants * years * 1.2) as usize + 32;
    let mut elders = Elders::default();
    elders.reserve(slots);
    for i in 0..n {
        let age = draw_age(s, &mut rng);
        let e =
            draw_elder(s, tab, tp, age, net_gen.building[i], 0, s.case_management.initial_registered_share, &mut rng);
        elders.put(i, e);
    }
    let edges = net_gen.edges();
    let mut graph = TieGraph::from_edges(n, &edges, edges.len() * 2 + slots * 4);
    graph.set_active_threshold(s.ties.active_threshold as f32);
    let n_party = (n as f64 * s.party_members.per_1000_elders / 1000.0).round() as usize;
    Community {
        name: spec.name.clone(),
        kind: spec.kind,
        index: c,
        elders,
        graph,
        n_buildings: net_gen.n_buildings,
        initial_elders: n,
        free_slots: Vec::with_capacity(slots),
        party: vec![PartyMember { elder: crate::network::NONE }; n_party],
        paid_capacity: n as f64 / 100.0 * tp.paid_hours_per_100,
        paid_base: n as f64 / 100.0 * tp.paid_hours_per_100,
        sw_hours: 0.0,
        contract_yuan: 0.0,
        street_lever_yuan: [0.0; crate::policy::N_LEVERS],
        time_bank_outstanding: 0.0,
        street_share: n as f64 / s.streets[street_idx].communities.iter().map(|c| c.elders as f64).sum::<f64>(),
        need_weight: 0.0,
        waiting: Vec::with_capacity(slots),
        waiting2: Vec::with_capacity(slots),
        rngs: CommunityRngs {
            needs: streams::community(master, rep, street_idx, c, streams::NEEDS),
            matching: streams::community(master, rep, street_idx, c, streams::MATCHING),
            health: streams::community(master, rep, street_idx, c, streams::HEALTH),
            ties: streams::community(master, rep, street_idx, c, streams::TIES),
            inflow: streams::community(master, rep, street_idx, c, streams::INFLOW),
        },
        order: Vec::with_capacity(slots),
        attendees: Vec::with_capacity((s.activities.capacity as usize).min(slots) + 1),
        helpers: Vec::with_capacity(slots),
        norm_mean: Vec::new(),
        net: NetStats::default(),
        net_scratch: StatsScratch::default(),
        died: Vec::with_capacity(slots),
        sw_list: Vec::with_capacity(slots),
        needy: Vec::with_capacity(slots),
        visited: Vec::with_capacity(edges.len() * 2 + slots * 4),
        words: Vec::with_capacity(2 * slots + edges.len() * 2 + slots * 4),
        breakdown: Default::default(),
    }
}

/// Planning counts of the initial population (used by the first week's levers).
fn initial_plan(communities: &[Community]) -> StreetPlan {
    let mut plan = StreetPlan::default();
    for c in communities {
        let e = &c.elders;
        for i in 0..e.len() {
            if e.alive[i] && e.registered[i] {
                plan.registered += 1.0;
                if e.grade[i] == 1 {
                    plan.registered_grade1 += 1.0;
                }
            }
        }
    }
    plan
}

/// Builds the world of replication `rep`.
pub fn build_world(s: &Scenario, master: u64, rep: u64) -> World {
    let tab = HealthTable::new(s);
    let streets = (0..s.streets.len()).map(|si| build_street_with(s, &tab, master, rep, si)).collect();
    World { streets, week: 0, tally_from: u32::MAX }
}

/// Builds street `si` of replication `rep` (streets draw from their own streams, so a
/// street built alone is the same as in the whole world).
pub fn build_street(s: &Scenario, master: u64, rep: u64, si: usize) -> Street {
    build_street_with(s, &HealthTable::new(s), master, rep, si)
}

/// [`build_street`] with the scenario's health table already built.
pub fn build_street_with(s: &Scenario, tab: &HealthTable, master: u64, rep: u64, si: usize) -> Street {
    let st = &s.streets[si];
    let communities: Vec<Community> =
        (0..st.communities.len()).map(|c| build_community(s, tab, master, rep, si, c)).collect();
    let plan = initial_plan(&communities);
    let years = (s.simulation.weeks as usize + s.simulation.burn_in_weeks as usize).div_ceil(52) + 1;
    let mut students = Vec::with_capacity(st.students as usize + st.student_recruits as usize * years);
    for _ in 0..st.students {
        students.push(Student { enrolled: true, community: crate::network::NONE, elder: crate::network::NONE });
    }
    let total: usize = st.communities.iter().map(|c| c.elders as usize).sum();
    Street {
        name: st.name.clone(),
        index: si,
        communities,
        students,
        contract_budget: st.contract_budget,
        student_recruits: st.student_recruits,
        rng: streams::rng(master, rep, si as u64, streams::STREET),
        candidates: Vec::with_capacity(total * 2),
        in_term: false,
        plan,
        week_of_year: crate::step::calendar::week_of_year(
            s.simulation.start_week_of_year,
            s.simulation.burn_in_weeks,
            0,
        ),
    }
}
