//! The weekly step, one phase per file. [`step_week`] runs, for each street
//! in order, the schedule of `step_street` (docs/model.md, section 3):
//!
//! 1. [`calendar()`] (street): week of the year, term or break, student
//!    attrition, graduation and recruitment.
//! 2. [`needs`] (communities in parallel): party pairs that ended are released
//!    ([`pairing::release_party_members`]), then ageing, needs, registration
//!    and the waiting list; then party members are paired
//!    ([`pairing::pair_party_members`]).
//! 3. [`pairing::pair_students`] (street): students paired across the street;
//!    [`allocation`]: social-worker hours and street-level costs shared out.
//! 4. to 7. one task per community (in parallel): [`matching`] (family →
//!    paired volunteer → neighbours → platform → time bank → paid services →
//!    social workers → activities → counselling), [`health`] (unmet need,
//!    transitions, deaths; the dead leave), [`wellbeing`] (loneliness,
//!    willingness, grades), [`ties`], [`inflow`] and [`observe`]. Each phase
//!    returns its sums; [`observe::record`] alone fills the week's
//!    [`WeekRecord`].
//! 8. planning (street): last week's counts for next week's lever costs.
//!
//! Communities share nothing during phases 2 and 4–7: each has its own random
//! streams and writes only its own state and record, so results do not depend
//! on the number of threads. Street phases run sequentially.

pub mod allocation;
pub mod calendar;
mod draws;
pub mod health;
pub mod inflow;
pub mod matching;
pub mod needs;
pub mod observe;
pub mod pairing;
pub mod ties;
pub mod wellbeing;

pub use calendar::{calendar, in_term_range};

use rayon::prelude::*;

use crate::metrics::{AgeBands, WeekRecord};
use crate::policy::{Levers, Package, Planning, levers_for_week};
use crate::scenario::Scenario;
use crate::world::health::HealthTable;
use crate::world::{Community, Street, StreetPlan, World};

/// Everything the step reads and never writes: the scenario, precomputed
/// tables and the policy package (or, for experiments and tests, fixed levers).
#[derive(Debug, Clone)]
pub struct Model {
    pub scenario: Scenario,
    pub health: HealthTable,
    pub package: Package,
    /// Levers used every week instead of the package's, if set.
    pub fixed_levers: Option<Levers>,
    /// Ensemble points (`experiment::ensemble`): replication `r` runs on
    /// `points[r mod K]`; empty without an ensemble.
    pub(crate) points: Vec<Model>,
}

impl Model {
    /// A model running `package` (its levers, windows, budget caps and costs).
    pub fn new(scenario: Scenario, package: Package) -> Model {
        let health = HealthTable::new(&scenario);
        Model { scenario, health, package, fixed_levers: None, points: Vec::new() }
    }

    /// A model with the same `levers` every week (no package).
    pub fn with_levers(scenario: Scenario, levers: Levers) -> Model {
        let health = HealthTable::new(&scenario);
        Model { scenario, health, package: Package::baseline(), fixed_levers: Some(levers), points: Vec::new() }
    }

    /// Weeks run before week 1 and never reported (`simulation.burn_in_weeks`).
    pub fn burn_in(&self) -> u32 {
        self.scenario.simulation.burn_in_weeks
    }

    /// The levers of street `st` in internal week `week` (counted from the
    /// start of the burn-in). During the burn-in every model runs the
    /// baseline's levers (no package), so all packages reach week 1 in the
    /// same state; policy windows count from week 1 (the first reported week).
    pub fn levers_for(&self, st: &Street, week: u32) -> Levers {
        let burn_in = self.burn_in();
        if week < burn_in {
            return Levers::neutral();
        }
        let week = week - burn_in;
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
    let tally = week >= world.tally_from;
    let mut recs = records;
    let mut bnds = bands;
    for street in world.streets.iter_mut() {
        let k = street.communities.len();
        let (r, rest_r) = recs.split_at_mut(k);
        let (b, rest_b) = bnds.split_at_mut(k);
        recs = rest_r;
        bnds = rest_b;
        step_street(street, m, week, tally, r, b);
    }
    world.week += 1;
}

/// One street's week: the schedule.
fn step_street(st: &mut Street, m: &Model, week: u32, tally: bool, records: &mut [WeekRecord], bands: &mut [AgeBands]) {
    let lv = m.levers_for(st, week);
    let priority = m.scenario.case_management.grade_priority;
    // 1. Calendar and student pool.
    calendar(st, m, &lv, week);
    // 2. Needs and party-member pairing.
    st.communities.par_iter_mut().for_each(|c| {
        pairing::release_party_members(c);
        let first_segment = needs::needs(c, m, &lv);
        pairing::pair_party_members(c, first_segment, priority);
    });
    // 3. Student pairing; social-worker hours and street costs.
    pairing::pair_students(st, m);
    allocation::allocate(st, m, &lv);
    // 4–7. Each community's week.
    let in_term = st.in_term;
    st.communities
        .par_iter_mut()
        .zip(records.par_iter_mut())
        .zip(bands.par_iter_mut())
        .for_each(|((c, r), b)| community_week(c, m, &lv, week, in_term, tally, r, b));
    // 8. Last week's counts plan next week's lever costs.
    st.plan = StreetPlan::default();
    for r in records.iter() {
        st.plan.registered_grade1 += r.registered_grade1;
        st.plan.registered += r.registered;
        st.plan.banked_hours += r.tb_given;
    }
}

/// Phases 4–7 for one community: matching, health, wellbeing, ties, inflow,
/// observation; then the week's record (and, in the summary window, the
/// breakdown tallies).
#[allow(clippy::too_many_arguments)]
fn community_week(
    c: &mut Community,
    m: &Model,
    lv: &Levers,
    week: u32,
    in_term: bool,
    tally: bool,
    rec: &mut WeekRecord,
    bands: &mut AgeBands,
) {
    let wk = week as i32;
    let start = observe::Start::of(c);
    let served = matching::serve(c, m, lv, wk, in_term);
    let health = health::health(c, m);
    if tally {
        observe::tally_health(c);
    }
    let mut obs = wellbeing::wellbeing(c, m, lv, wk);
    ties::ties(c, m);
    let entrants = inflow::inflow(c, m, wk, &mut obs);
    let end = observe::observe(c, m, lv, week);
    if tally {
        observe::tally_end(c, m, week);
    }
    let week_sums =
        observe::Week { start, served, health, entrants, obs, end, levers: lv, street_lever_yuan: c.street_lever_yuan };
    observe::record(&week_sums, rec, bands);
}
