//! The weekly step: the seven phases of DESIGN §3, in order.
//!
//! For each street:
//! 1. [`calendar`] (street): week of the year, term or break, student attrition,
//!    graduation and recruitment. Ageing happens in phase 2.
//! 2. [`community::needs`] (communities in parallel): ageing, help and
//!    companionship needs, outreach registration, party-member pairing, the
//!    list of elders waiting for a volunteer.
//! 3. [`case_management`] (street): one-to-one student pairing across the street
//!    (grade 1 first), social-worker hours allocated to communities.
//! 4. to 7. [`community::serve_and_update`] (communities in parallel): matching
//!    (family → paired volunteer → neighbours over ties → platform → paid
//!    services → social workers; activities and counselling), state updates
//!    (health, mortality, loneliness, willingness, grades, ties), inflow of new
//!    60-year-olds, observation into a [`WeekRecord`].
//!
//! Communities share nothing during phases 2 and 4–7: each has its own random
//! stream and writes only its own state and record, so results do not depend
//! on the number of threads. Street phases run sequentially.

pub mod community;

use rand::RngExt;
use rayon::prelude::*;

use crate::metrics::{AgeBands, WeekRecord};
use crate::network::NONE;
use crate::policy::{Lever, Levers, N_LEVERS, Package, Planning, levers_for_week};
use crate::scenario::Scenario;
use crate::world::health::HealthTable;
use crate::world::{PAIR_NONE, PAIR_STUDENT, Street, Student, World};

/// Everything the step reads and never writes: the scenario, precomputed
/// tables and the policy package (or, for experiments and tests, fixed levers).
#[derive(Debug, Clone)]
pub struct Model {
    pub scenario: Scenario,
    pub health: HealthTable,
    pub package: Package,
    /// Levers used every week instead of the package's, if set.
    pub fixed_levers: Option<Levers>,
}

impl Model {
    /// A model running `package` (its levers, windows, budget caps and costs).
    pub fn new(scenario: Scenario, package: Package) -> Model {
        let health = HealthTable::new(&scenario.health);
        Model { scenario, health, package, fixed_levers: None }
    }

    /// A model with the same `levers` every week (no package).
    pub fn with_levers(scenario: Scenario, levers: Levers) -> Model {
        let health = HealthTable::new(&scenario.health);
        Model { scenario, health, package: Package::baseline(), fixed_levers: Some(levers) }
    }

    /// The levers of street `st` in `week`.
    pub fn levers_for(&self, st: &Street, week: u32) -> Levers {
        if let Some(l) = &self.fixed_levers {
            return l.clone();
        }
        let plan = Planning {
            communities: st.communities.len(),
            enrolled_students: st.students.iter().filter(|x| x.enrolled).count(),
            registered_grade1: st.plan.registered_grade1,
            registered: st.plan.registered,
            banked_hours_last_week: st.plan.banked_hours,
            contract_budget: st.contract_budget,
        };
        levers_for_week(&self.scenario.policies, &self.package, week, &plan)
    }

    /// Total communities over all streets (the length of a week's records).
    pub fn n_communities(&self) -> usize {
        self.scenario.streets.iter().map(|s| s.communities.len()).sum()
    }
}

/// Advances `world` by one week. `records` and `bands` have one slot per
/// community (streets in order, then communities in order); records are
/// overwritten, bands accumulate.
pub fn step_week(world: &mut World, m: &Model, records: &mut [WeekRecord], bands: &mut [AgeBands]) {
    let week = world.week;
    let mut recs = records;
    let mut bnds = bands;
    for street in world.streets.iter_mut() {
        let k = street.communities.len();
        let (r, rest_r) = recs.split_at_mut(k);
        let (b, rest_b) = bnds.split_at_mut(k);
        recs = rest_r;
        bnds = rest_b;
        step_street(street, m, week, r, b);
    }
    world.week += 1;
}

fn step_street(st: &mut Street, m: &Model, week: u32, records: &mut [WeekRecord], bands: &mut [AgeBands]) {
    let lv = m.levers_for(st, week);
    calendar(st, m, &lv, week);
    st.communities.par_iter_mut().for_each(|c| community::needs(c, m, &lv, week));
    case_management(st, m, &lv);
    let in_term = st.in_term;
    st.communities
        .par_iter_mut()
        .zip(records.par_iter_mut())
        .zip(bands.par_iter_mut())
        .for_each(|((c, r), b)| community::serve_and_update(c, m, &lv, week, in_term, r, b));
    // Last week's counts plan next week's lever costs.
    st.plan = crate::world::StreetPlan::default();
    for r in records.iter() {
        st.plan.registered_grade1 += r.registered_grade1;
        st.plan.registered += r.registered;
        st.plan.banked_hours += r.tb_given;
    }
}

/// Whether week-of-year `w` lies in `[lo, hi]` (wrapping past 52 when hi < lo).
pub fn in_term_range(w: u32, range: [u32; 2]) -> bool {
    let [lo, hi] = range;
    if lo <= hi { w >= lo && w <= hi } else { w >= lo || w <= hi }
}

/// Phase 1: the calendar and the student pool.
pub fn calendar(st: &mut Street, m: &Model, lv: &Levers, week: u32) {
    let s = &m.scenario;
    let sp = &s.students;
    let woy = ((s.simulation.start_week_of_year.max(1) - 1 + week) % 52) + 1;
    st.week_of_year = woy;
    st.in_term = in_term_range(woy, sp.spring_term) || in_term_range(woy, sp.autumn_term);
    let attrition = (sp.attrition_weekly * lv.student_attrition_factor).clamp(0.0, 1.0);
    for k in 0..st.students.len() {
        if !st.students[k].enrolled {
            continue;
        }
        let leaves_term = st.in_term && st.rng.random::<f64>() < attrition;
        let graduates = woy == sp.graduation_week && st.rng.random::<f64>() < sp.graduation_share;
        if leaves_term || graduates {
            student_leaves(st, k);
        }
    }
    if woy == sp.recruitment_week {
        let n = (st.student_recruits as f64 * lv.student_recruit_factor).round() as usize;
        let mut slot = 0;
        for _ in 0..n {
            while slot < st.students.len() && st.students[slot].enrolled {
                slot += 1;
            }
            let fresh = Student { enrolled: true, community: NONE, elder: NONE };
            if slot < st.students.len() {
                st.students[slot] = fresh;
            } else {
                st.students.push(fresh);
            }
        }
    }
}

fn student_leaves(st: &mut Street, k: usize) {
    let s = st.students[k];
    if s.community != NONE {
        let e = &mut st.communities[s.community as usize].elders;
        let i = s.elder as usize;
        if e.pair_kind[i] == PAIR_STUDENT && e.pair_id[i] == k as u32 {
            e.pair_kind[i] = PAIR_NONE;
            e.pair_id[i] = NONE;
        }
    }
    st.students[k] = Student { enrolled: false, community: NONE, elder: NONE };
}

/// Phase 3 (street part): student pairing and social-worker allocation.
pub fn case_management(st: &mut Street, m: &Model, lv: &Levers) {
    let s = &m.scenario;
    // Dissolve pairs whose elder died, recovered to grade 3 or whose slot was reused.
    for k in 0..st.students.len() {
        let sk = st.students[k];
        if sk.community == NONE {
            continue;
        }
        let e = &mut st.communities[sk.community as usize].elders;
        let i = sk.elder as usize;
        let valid = e.alive[i] && e.pair_kind[i] == PAIR_STUDENT && e.pair_id[i] == k as u32;
        if valid && e.grade[i] <= 2 {
            continue;
        }
        if valid {
            e.pair_kind[i] = PAIR_NONE;
            e.pair_id[i] = NONE;
        }
        st.students[k].community = NONE;
        st.students[k].elder = NONE;
    }
    // Waiting elders across the street: grade 1 first, or everyone together
    // when grading is not used; free students take elders picked at random.
    st.candidates.clear();
    let grades: &[u8] = if s.case_management.grade_priority { &[1, 2] } else { &[0] };
    let mut bounds = [0usize; 3];
    for (gk, &g) in grades.iter().enumerate() {
        bounds[gk] = st.candidates.len();
        for (ci, c) in st.communities.iter().enumerate() {
            for &i in &c.waiting {
                let gi = c.elders.grade[i as usize];
                if (g == 0 || gi == g) && c.elders.pair_kind[i as usize] == PAIR_NONE {
                    st.candidates.push((ci as u32, i));
                }
            }
        }
    }
    bounds[grades.len()] = st.candidates.len();
    // Free students take waiting elders picked at random, grade 1 first. With
    // grading, a waiting grade-1 elder also takes over a student paired with a
    // grade-2 elder (who joins the waiting list again from next week).
    let free = st.students.iter().filter(|x| x.enrolled && x.community == NONE).count();
    let g1_end = if s.case_management.grade_priority { bounds[1] } else { 0 };
    let movable = if g1_end > 0 {
        st.students
            .iter()
            .filter(|x| x.community != NONE && st.communities[x.community as usize].elders.grade[x.elder as usize] == 2)
            .count()
    } else {
        0
    };
    community::pick_front(&mut st.candidates, &bounds[..=grades.len()], free + movable, &mut st.rng);
    let (mut next_free, mut next_movable) = (0, 0);
    for next in 0..st.candidates.len().min(free + movable) {
        let grade1 = next < g1_end;
        // A free student first; otherwise, for a grade-1 elder, a movable one.
        while next_free < st.students.len()
            && (!st.students[next_free].enrolled || st.students[next_free].community != NONE)
        {
            next_free += 1;
        }
        let k = if next_free < st.students.len() {
            next_free
        } else if grade1 {
            while next_movable < st.students.len() && {
                let x = st.students[next_movable];
                x.community == NONE || st.communities[x.community as usize].elders.grade[x.elder as usize] != 2
            } {
                next_movable += 1;
            }
            if next_movable >= st.students.len() {
                break;
            }
            let old = st.students[next_movable];
            let e = &mut st.communities[old.community as usize].elders;
            e.pair_kind[old.elder as usize] = PAIR_NONE;
            e.pair_id[old.elder as usize] = NONE;
            next_movable
        } else {
            break;
        };
        let (ci, i) = st.candidates[next];
        let e = &mut st.communities[ci as usize].elders;
        e.pair_kind[i as usize] = PAIR_STUDENT;
        e.pair_id[i as usize] = k as u32;
        st.students[k].community = ci;
        st.students[k].elder = i;
    }
    // Social-worker hours: weekly share of the contract, delivered at the
    // delivery ratio, the direct-service share of it, split by need weight.
    let sw = &s.social_workers;
    let budget = st.contract_budget * lv.budget_factor;
    let ratio = (sw.delivery_ratio + lv.delivery_ratio_add).min(1.0);
    let hours = if sw.cost_per_hour > 0.0 { budget / sw.cost_per_hour / 52.0 * ratio * sw.direct_share } else { 0.0 };
    let total_weight: f64 = st.communities.iter().map(|c| c.need_weight).sum();
    let n_comm = st.communities.len() as f64;
    // Street-level lever costs are attributed to communities by their share of
    // the street's initial elders (the contract's extra by its allocation).
    // The extra (or, below 1, the saving) of public funding.
    let extra_budget = st.contract_budget * (lv.budget_factor - 1.0);
    for c in st.communities.iter_mut() {
        let share = if total_weight > 0.0 { c.need_weight / total_weight } else { 1.0 / n_comm };
        c.sw_hours = hours * share;
        c.contract_yuan = budget / 52.0 * share;
        c.street_lever_yuan = [0.0; N_LEVERS];
        c.street_lever_yuan[Lever::StudentCredits as usize] = lv.student_admin_weekly * c.street_share;
        c.street_lever_yuan[Lever::InfoPlatform as usize] = lv.platform_weekly * c.street_share;
        c.street_lever_yuan[Lever::Supervision as usize] = lv.supervision_weekly * c.street_share;
        c.street_lever_yuan[Lever::PublicFunding as usize] = extra_budget / 52.0 * share;
    }
}
