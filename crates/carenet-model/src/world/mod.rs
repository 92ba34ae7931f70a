//! The simulated world of one replication: streets, their communities, the
//! elders of each community (as columns) and the providers.
//!
//! - [`Elders`]: struct of arrays, one slot per elder; a dead elder's slot is
//!   marked `alive = false` and reused by the next newcomer.
//! - [`Community`]: elders, their [`TieGraph`], local providers (party members,
//!   paid-service market), weekly scratch buffers and its own RNG stream.
//! - [`Street`]: communities plus the street-level student pool and
//!   social-organisation contract.
//! - [`synth`]: population synthesis from a [`crate::scenario::Scenario`].
//! - [`health`]: weekly transition, mortality, widowhood and moving-in tables.

pub mod health;
pub mod synth;

use rand::rngs::ChaCha8Rng;

use crate::network::TieGraph;
use crate::network::stats::{NetStats, StatsScratch};
use crate::scenario::CommunityType;

/// Functional states, ordered by severity.
pub const INDEPENDENT: u8 = 0;
pub const IADL_LIMITED: u8 = 1;
pub const SEMI_DISABLED: u8 = 2;
pub const DISABLED: u8 = 3;
pub const STATE_NAMES: [&str; 4] = ["independent", "iadl_limited", "semi_disabled", "disabled"];

/// The kind of an elder's family (the first three index `family.contact_weekly`).
pub const FAMILY_CORESIDENT: u8 = 0;
pub const FAMILY_NEAR: u8 = 1;
pub const FAMILY_DISTANT: u8 = 2;
pub const FAMILY_ABSENT: u8 = 3;

/// Who a paired volunteer is.
pub const PAIR_NONE: u8 = 0;
pub const PAIR_STUDENT: u8 = 1;
pub const PAIR_PARTY: u8 = 2;

/// The study's grade of an elder (1 = most in need).
#[inline]
pub fn grade_of(state: u8, lives_alone: bool, loneliness: f32, moderate: f32, severe: f32) -> u8 {
    // 1 if g1; else 2 if g2; else 3 — in arithmetic, without branches (the
    // weekly step calls this for every elder and the outcome is not predictable).
    let g1 = u8::from((state >= SEMI_DISABLED) | (loneliness > severe));
    let g2 = u8::from(lives_alone | (loneliness > moderate));
    3 - g2 - g1 * (2 - g2)
}

/// Elders of one community, column-wise.
#[derive(Debug, Clone, Default)]
pub struct Elders {
    pub alive: Vec<bool>,
    /// Age in weeks.
    pub age_weeks: Vec<u32>,
    pub male: Vec<bool>,
    /// Lives alone: neither `partnered` nor `with_children` (kept in step by the
    /// health phase, which changes the other two).
    pub lives_alone: Vec<bool>,
    /// The elder's own factor on their family's capacity (Gamma, shape 2, mean 1).
    pub family_factor: Vec<f32>,
    /// Where the nearest child lives if the elder lives alone: FAMILY_NEAR,
    /// FAMILY_DISTANT or FAMILY_ABSENT (drawn once). An elder who does not
    /// live alone has co-resident family whatever this says.
    pub kin: Vec<u8>,
    /// The elder's own helper threshold (willingness at or above which a
    /// capable elder helps; drawn once).
    pub helper_threshold: Vec<f32>,
    /// Lives with a spouse (tracked for elders who do not live with children).
    pub partnered: Vec<bool>,
    /// Lives with children (or they with the elder).
    pub with_children: Vec<bool>,
    /// Income tier: 0 low, 1 middle, 2 high.
    pub income: Vec<u8>,
    /// Functional state (see the constants).
    pub state: Vec<u8>,
    pub loneliness: Vec<f32>,
    /// The elder's own baseline loneliness (temperament).
    pub loneliness_base: Vec<f32>,
    pub willingness: Vec<f32>,
    pub registered: Vec<bool>,
    /// Grade 1, 2 or 3, recomputed at the end of each week's state updates.
    pub grade: Vec<u8>,
    pub building: Vec<u32>,
    /// Week of the last social contact (0 at the start).
    pub last_contact: Vec<i32>,
    /// Smoothed share of help need left unmet.
    pub unmet_recent: Vec<f32>,
    /// Kind of paired volunteer (PAIR_*).
    pub pair_kind: Vec<u8>,
    /// Index of the paired student (street pool) or party member (community).
    pub pair_id: Vec<u32>,
    // ---- weekly scratch, reset every week ----
    /// Hours the family can give this week (0 without contact).
    pub family_week: Vec<f32>,
    /// Paid-service hours this elder bought this week (read next week by the
    /// `substitution` family structure, which alone resets it).
    pub paid_week: Vec<f32>,
    pub help_need: Vec<f32>,
    pub help_left: Vec<f32>,
    pub comp_need: Vec<f32>,
    pub comp_left: Vec<f32>,
    /// Help hours this elder can still give neighbours this week.
    pub helper_left: Vec<f32>,
    /// Help hours this elder gave this week.
    pub helped: Vec<f32>,
    /// Hours credited to this elder's time-bank account this week.
    pub banked: Vec<f32>,
    /// Time-bank balance in hours.
    pub time_bank: Vec<f32>,
    /// Uniform draw in [0, 1): the elder is a time-bank member when it is below
    /// the bank's membership share.
    pub membership: Vec<f32>,
    pub got_neighbour_help: Vec<bool>,
    pub attended: Vec<bool>,
}

impl Elders {
    pub fn len(&self) -> usize {
        self.alive.len()
    }

    pub fn is_empty(&self) -> bool {
        self.alive.is_empty()
    }

    /// Reserves room for `n` slots in every column.
    pub fn reserve(&mut self, n: usize) {
        macro_rules! r { ($($c:ident),*) => { $( self.$c.reserve(n); )* } }
        r!(
            alive,
            age_weeks,
            male,
            lives_alone,
            family_factor,
            kin,
            helper_threshold,
            family_week,
            paid_week,
            partnered,
            with_children,
            income,
            state,
            loneliness,
            loneliness_base,
            willingness,
            registered,
            grade,
            building,
            last_contact,
            unmet_recent,
            pair_kind,
            pair_id,
            help_need,
            help_left,
            comp_need,
            comp_left,
            helper_left,
            helped,
            banked,
            time_bank,
            membership,
            got_neighbour_help,
            attended
        );
    }
}

/// Initial values of a new elder.
#[derive(Debug, Clone, Copy)]
pub struct NewElder {
    pub age_weeks: u32,
    pub male: bool,
    pub lives_alone: bool,
    pub family_factor: f32,
    pub kin: u8,
    pub helper_threshold: f32,
    pub partnered: bool,
    pub with_children: bool,
    pub income: u8,
    pub state: u8,
    pub loneliness: f32,
    pub willingness: f32,
    pub registered: bool,
    pub building: u32,
    pub grade: u8,
    pub week: i32,
    pub membership: f32,
}

impl Elders {
    /// Writes `e` into slot `i` (existing) or appends it (i == len).
    pub fn put(&mut self, i: usize, e: NewElder) {
        if i == self.len() {
            self.alive.push(true);
            self.age_weeks.push(e.age_weeks);
            self.male.push(e.male);
            self.lives_alone.push(e.lives_alone);
            self.family_factor.push(e.family_factor);
            self.kin.push(e.kin);
            self.helper_threshold.push(e.helper_threshold);
            self.family_week.push(0.0);
            self.paid_week.push(0.0);
            self.partnered.push(e.partnered);
            self.with_children.push(e.with_children);
            self.income.push(e.income);
            self.state.push(e.state);
            self.loneliness.push(e.loneliness);
            self.loneliness_base.push(e.loneliness);
            self.willingness.push(e.willingness);
            self.registered.push(e.registered);
            self.grade.push(e.grade);
            self.building.push(e.building);
            self.last_contact.push(e.week);
            self.unmet_recent.push(0.0);
            self.pair_kind.push(PAIR_NONE);
            self.pair_id.push(u32::MAX);
            self.help_need.push(0.0);
            self.help_left.push(0.0);
            self.comp_need.push(0.0);
            self.comp_left.push(0.0);
            self.helper_left.push(0.0);
            self.helped.push(0.0);
            self.banked.push(0.0);
            self.time_bank.push(0.0);
            self.membership.push(e.membership);
            self.got_neighbour_help.push(false);
            self.attended.push(false);
        } else {
            self.alive[i] = true;
            self.age_weeks[i] = e.age_weeks;
            self.male[i] = e.male;
            self.lives_alone[i] = e.lives_alone;
            self.family_factor[i] = e.family_factor;
            self.kin[i] = e.kin;
            self.helper_threshold[i] = e.helper_threshold;
            self.family_week[i] = 0.0;
            self.paid_week[i] = 0.0;
            self.partnered[i] = e.partnered;
            self.with_children[i] = e.with_children;
            self.income[i] = e.income;
            self.state[i] = e.state;
            self.loneliness[i] = e.loneliness;
            self.loneliness_base[i] = e.loneliness;
            self.willingness[i] = e.willingness;
            self.registered[i] = e.registered;
            self.grade[i] = e.grade;
            self.building[i] = e.building;
            self.last_contact[i] = e.week;
            self.unmet_recent[i] = 0.0;
            self.pair_kind[i] = PAIR_NONE;
            self.pair_id[i] = u32::MAX;
            self.help_need[i] = 0.0;
            self.help_left[i] = 0.0;
            self.comp_need[i] = 0.0;
            self.comp_left[i] = 0.0;
            self.helper_left[i] = 0.0;
            self.helped[i] = 0.0;
            self.banked[i] = 0.0;
            self.time_bank[i] = 0.0;
            self.membership[i] = e.membership;
            self.got_neighbour_help[i] = false;
            self.attended[i] = false;
        }
    }
}

/// Random streams of one community, by purpose.
#[derive(Debug)]
pub struct CommunityRngs {
    /// Needs, registration, party-member pairing.
    pub needs: ChaCha8Rng,
    /// Processing order, visits, asks, platform, activities, counselling.
    pub matching: ChaCha8Rng,
    /// Functional transitions, deaths, loneliness shocks.
    pub health: ChaCha8Rng,
    /// Triadic closure.
    pub ties: ChaCha8Rng,
    /// New 60-year-olds and their ties.
    pub inflow: ChaCha8Rng,
}

impl Clone for CommunityRngs {
    /// Each stream continues from the same word as the original (ChaCha8Rng is not
    /// `Clone`; see [`crate::streams::duplicate`]).
    fn clone(&self) -> CommunityRngs {
        use crate::streams::duplicate;
        CommunityRngs {
            needs: duplicate(&self.needs),
            matching: duplicate(&self.matching),
            health: duplicate(&self.health),
            ties: duplicate(&self.ties),
            inflow: duplicate(&self.inflow),
        }
    }
}

/// A party or league member volunteering in one community.
#[derive(Debug, Clone, Copy)]
pub struct PartyMember {
    /// Paired elder slot, or NONE.
    pub elder: u32,
}

/// One community.
#[derive(Debug, Clone)]
pub struct Community {
    pub name: String,
    pub kind: CommunityType,
    /// Index of the community inside its street.
    pub index: usize,
    pub elders: Elders,
    pub graph: TieGraph,
    pub n_buildings: u32,
    /// Elders at the start (sets inflow and provider sizes).
    pub initial_elders: usize,
    /// Slots of dead elders, reused by newcomers.
    pub free_slots: Vec<u32>,
    pub party: Vec<PartyMember>,
    /// Paid-service hours the local market offers this week (moves toward
    /// demand, see [`crate::step::matching::paid`]).
    pub paid_capacity: f64,
    /// The market's initial capacity (hours a week), the anchor of its target.
    pub paid_base: f64,
    /// Social-worker hours allocated to this community this week (street phase).
    pub sw_hours: f64,
    /// Contract yuan attributed to this community this week (street phase).
    pub contract_yuan: f64,
    /// Street-level lever costs attributed to this community this week (street phase).
    pub street_lever_yuan: [f64; crate::policy::N_LEVERS],
    /// This community's share of its street's initial elders.
    pub street_share: f64,
    /// Time-bank hours held by live members at the end of last week.
    pub time_bank_outstanding: f64,
    /// Weight for the social-worker allocation: 2 × registered grade-1 + registered grade-2.
    pub need_weight: f64,
    /// Registered grade-1/2 elders without a paired volunteer, after party pairing.
    pub waiting: Vec<u32>,
    /// Scratch for the grade-2 part of the waiting list.
    pub waiting2: Vec<u32>,
    /// The community's random streams, one per purpose, so that a change in one
    /// phase (a policy that alters matching, say) does not shift the draws of
    /// another (needs, health): common random numbers across packages.
    pub rngs: CommunityRngs,
    /// The week's service order: a random permutation of the elders that
    /// services after family and volunteers can reach (scratch), reused.
    pub order: Vec<u32>,
    /// Activity attendees of the current session, reused.
    pub attendees: Vec<u32>,
    /// Helpers visible on the information platform, reused.
    pub helpers: Vec<u32>,
    /// Tie-strength-weighted mean willingness of each elder's neighbours (the
    /// `norms` willingness structure; scratch), reused.
    pub norm_mean: Vec<f32>,
    /// Last network statistics (recomputed every `metrics.network_every` weeks).
    pub net: NetStats,
    pub net_scratch: StatsScratch,
    /// Elders who died this week (slots), reused.
    pub died: Vec<u32>,
    /// Tie slots that carried a visit this week (scratch), reused.
    pub visited: Vec<u32>,
    /// Elders of the week's order who still need help after family and
    /// volunteers (scratch), reused.
    pub needy: Vec<u32>,
    /// Elders social workers can serve, in the week's order (scratch), reused.
    pub sw_list: Vec<u32>,
    /// Random words drawn in bulk for a phase's per-elder or per-tie draws
    /// (scratch), reused.
    pub words: Vec<u32>,
    /// Breakdowns by age band, sex, living arrangement and grade, summed over
    /// the weeks from `World::tally_from` on (fixed size).
    pub breakdown: crate::metrics::breakdown::Breakdown,
}

impl Community {
    pub fn n_alive(&self) -> usize {
        self.elders.alive.iter().filter(|&&a| a).count()
    }
}

/// A student in the street's volunteer pool.
#[derive(Debug, Clone, Copy)]
pub struct Student {
    /// Enrolled (false once graduated or dropped out; the slot is then reused).
    pub enrolled: bool,
    /// Paired community and elder slot, or NONE.
    pub community: u32,
    pub elder: u32,
}

/// A street: communities plus shared pools.
#[derive(Debug)]
pub struct Street {
    pub name: String,
    pub index: usize,
    pub communities: Vec<Community>,
    pub students: Vec<Student>,
    /// Yearly contract budget (yuan).
    pub contract_budget: f64,
    pub student_recruits: u32,
    /// The street's own random stream (calendar, student pool, pairing).
    pub rng: ChaCha8Rng,
    /// Candidates for student pairing: (community, slot), reused.
    pub candidates: Vec<(u32, u32)>,
    /// Whether students are in term this week.
    pub in_term: bool,
    /// Last week's counts, to plan this week's lever costs.
    pub plan: StreetPlan,
    /// Week of the year (1–52) of the current week.
    pub week_of_year: u32,
}

impl Clone for Street {
    fn clone(&self) -> Street {
        Street {
            name: self.name.clone(),
            index: self.index,
            communities: self.communities.clone(),
            students: self.students.clone(),
            contract_budget: self.contract_budget,
            student_recruits: self.student_recruits,
            rng: crate::streams::duplicate(&self.rng),
            candidates: self.candidates.clone(),
            in_term: self.in_term,
            plan: self.plan,
            week_of_year: self.week_of_year,
        }
    }
}

/// Street-level counts from last week's records (the first week: the initial population).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct StreetPlan {
    pub registered_grade1: f64,
    pub registered: f64,
    pub banked_hours: f64,
}

/// A replication's world.
#[derive(Debug, Clone)]
pub struct World {
    pub streets: Vec<Street>,
    /// Weeks simulated so far.
    pub week: u32,
    /// First internal week whose elders are tallied into each community's
    /// breakdown (the summary window); `u32::MAX`: never.
    pub tally_from: u32,
}

#[cfg(test)]
mod grade_tests {
    use super::*;

    /// The branch-free `grade_of` follows the rule as stated: grade 1 if
    /// semi-disabled or worse or severely lonely; else grade 2 if living alone
    /// or moderately lonely; else grade 3.
    #[test]
    fn grade_of_follows_the_stated_rule() {
        for state in [INDEPENDENT, IADL_LIMITED, SEMI_DISABLED, DISABLED] {
            for alone in [false, true] {
                for k in 0..=100 {
                    let l = k as f32 / 100.0;
                    let want = if state >= SEMI_DISABLED || l > 0.75 {
                        1
                    } else if alone || l > 0.45 {
                        2
                    } else {
                        3
                    };
                    assert_eq!(grade_of(state, alone, l, 0.45, 0.75), want, "state {state}, alone {alone}, l {l}");
                }
            }
        }
    }
}
