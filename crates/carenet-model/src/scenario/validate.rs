//! Range checks on a deserialised [`Scenario`].
//!
//! [`validate`] returns every [`Problem`] it finds (not just the first), each
//! naming the offending key by its TOML path (`street[0].community[3].elders`)
//! so that [`crate::scenario::load`] can point at the line that set it.
//!
//! ```
//! use carenet_model::scenario::{Scenario, validate::validate};
//! let mut s = Scenario::default();
//! s.health.mortality_slope = -0.1;
//! let problems = validate(&s);
//! assert_eq!(problems[0].path, "health.mortality_slope");
//! assert_eq!(problems[0].message, "= -0.1 is out of range");
//! ```

use std::collections::HashSet;

use super::types::*;

/// One value that the model cannot use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// TOML key path, dotted, with array indices: `street[0].community[3].elders`.
    pub path: String,
    /// What is wrong, written to follow the path: `= -0.1 is out of range`,
    /// `sums to 1.02, not 1`.
    pub message: String,
    /// What would be accepted: `a number from 0 to 1`.
    pub allowed: String,
}

/// Hours in a week: the most any weekly hour figure can be.
const WEEK_HOURS: f64 = 168.0;
/// Hours in the longest month.
const MONTH_HOURS: f64 = 744.0;
/// Mixes must sum to 1 within this.
const MIX_TOLERANCE: f64 = 1e-6;
/// Generous upper bounds that keep a typo from allocating the whole machine.
const MAX_WEEKS: u32 = 5_200;
const MAX_REPS: u32 = 100_000;
const MAX_ELDERS_PER_COMMUNITY: u32 = 1_000_000;
const MAX_STUDENTS: u32 = 1_000_000;

/// Checks every field of `s`; an empty vector means the scenario is usable.
pub fn validate(s: &Scenario) -> Vec<Problem> {
    let mut c = Checker::default();
    c.output_name("name", &s.name);
    simulation(&mut c, &s.simulation);
    population(&mut c, &s.population);
    for t in CommunityType::ALL {
        type_params(&mut c, &format!("community_types.{}", t.as_str()), s.community_types.get(t));
    }
    needs(&mut c, &s.needs);
    health(&mut c, &s.health);
    loneliness(&mut c, &s.loneliness);
    willingness(&mut c, &s.willingness);
    ties(&mut c, &s.ties);
    case_management(&mut c, &s.case_management);
    students(&mut c, &s.students);
    party_members(&mut c, &s.party_members);
    mutual_aid(&mut c, &s.mutual_aid);
    social_workers(&mut c, &s.social_workers);
    paid_services(&mut c, &s.paid_services);
    activities(&mut c, &s.activities);
    c.number("inflow.annual_rate", s.inflow.annual_rate, 0.0..=1.0, SHARE);
    metrics(&mut c, &s.metrics, s.simulation.weeks);
    streets(&mut c, &s.streets);
    policies(&mut c, &s.policies, s.simulation.weeks);
    c.problems.extend(reference_problems(&s.reference, "reference."));
    packages(&mut c, &s.packages);
    for (key, [lo, hi]) in &s.uncertainty {
        let path = format!("uncertainty.{key}");
        match crate::scenario::path::get_number(s, key) {
            Err(e) => c.push(&path, format!("names no parameter: {e}"), "a dotted key of a numeric parameter"),
            Ok(_) => {
                if !(lo.is_finite() && hi.is_finite() && lo <= hi) {
                    c.push(&path, format!("= [{lo}, {hi}] is not a range"), "[low, high] with low ≤ high, both finite");
                }
            }
        }
    }
    c.problems
}

/// A lever's window and budget cap.
fn lever_window(c: &mut Checker, lever: &str, start: u32, end: u32, cap: f64, weeks: u32) {
    c.integer(&format!("policies.{lever}.start_week"), start, 0, MAX_WEEKS);
    if c.integer(&format!("policies.{lever}.end_week"), end, 0, MAX_WEEKS) && end != 0 && end <= start {
        c.push(
            &format!("policies.{lever}.end_week"),
            format!("= {end} is not after start_week = {start}"),
            "0 (to the end of the run) or a week after start_week",
        );
    }
    let _ = weeks;
    c.non_negative(&format!("policies.{lever}.annual_budget_cap"), cap);
}

fn policies(c: &mut Checker, p: &Policies, weeks: u32) {
    let x = &p.care_subsidy;
    c.non_negative("policies.care_subsidy.monthly_voucher", x.monthly_voucher);
    lever_window(c, "care_subsidy", x.start_week, x.end_week, x.annual_budget_cap, weeks);
    let x = &p.student_credits;
    c.number("policies.student_credits.recruit_factor", x.recruit_factor, 0.0..=100.0, "a factor from 0 to 100");
    c.number("policies.student_credits.hours_factor", x.hours_factor, 0.0..=20.0, "a factor from 0 to 20");
    c.number("policies.student_credits.attrition_factor", x.attrition_factor, 0.0..=20.0, "a factor from 0 to 20");
    c.non_negative("policies.student_credits.admin_per_student_year", x.admin_per_student_year);
    lever_window(c, "student_credits", x.start_week, x.end_week, x.annual_budget_cap, weeks);
    let x = &p.activity_programme;
    c.number(
        "policies.activity_programme.sessions_per_week",
        x.sessions_per_week,
        0.0..=100.0,
        "sessions from 0 to 100",
    );
    c.number("policies.activity_programme.loneliness_relief", x.loneliness_relief, 0.0..=1.0, UNIT);
    c.number("policies.activity_programme.willingness_gain", x.willingness_gain, 0.0..=1.0, UNIT);
    c.non_negative("policies.activity_programme.cost_per_session", x.cost_per_session);
    lever_window(c, "activity_programme", x.start_week, x.end_week, x.annual_budget_cap, weeks);
    let x = &p.counselling;
    c.number("policies.counselling.sessions_per_week", x.sessions_per_week, 0.0..=1000.0, "sessions from 0 to 1000");
    c.number("policies.counselling.loneliness_relief", x.loneliness_relief, 0.0..=1.0, UNIT);
    c.non_negative("policies.counselling.cost_per_session", x.cost_per_session);
    lever_window(c, "counselling", x.start_week, x.end_week, x.annual_budget_cap, weeks);
    let x = &p.time_bank;
    c.number("policies.time_bank.membership_share", x.membership_share, 0.0..=1.0, SHARE);
    c.number("policies.time_bank.willingness_gain_per_hour", x.willingness_gain_per_hour, 0.0..=1.0, UNIT);
    c.non_negative("policies.time_bank.max_balance_hours", x.max_balance_hours);
    c.non_negative("policies.time_bank.admin_per_hour", x.admin_per_hour);
    lever_window(c, "time_bank", x.start_week, x.end_week, x.annual_budget_cap, weeks);
    let x = &p.info_platform;
    c.number("policies.info_platform.outreach_factor", x.outreach_factor, 0.0..=100.0, "a factor from 0 to 100");
    c.non_negative("policies.info_platform.annual_cost", x.annual_cost);
    lever_window(c, "info_platform", x.start_week, x.end_week, x.annual_budget_cap, weeks);
    let x = &p.supervision;
    c.number("policies.supervision.delivery_ratio_gain", x.delivery_ratio_gain, 0.0..=1.0, UNIT);
    c.non_negative("policies.supervision.annual_cost", x.annual_cost);
    lever_window(c, "supervision", x.start_week, x.end_week, x.annual_budget_cap, weeks);
    let x = &p.public_funding;
    c.number("policies.public_funding.budget_factor", x.budget_factor, 0.0..=100.0, "a factor from 0 to 100");
    lever_window(c, "public_funding", x.start_week, x.end_week, x.annual_budget_cap, weeks);
    let x = &p.merchant_alliance;
    c.number("policies.merchant_alliance.discount", x.discount, 0.0..=1.0, SHARE);
    c.non_negative("policies.merchant_alliance.cost_per_member_year", x.cost_per_member_year);
    lever_window(c, "merchant_alliance", x.start_week, x.end_week, x.annual_budget_cap, weeks);
}

/// Range problems of a `[reference]` table; each path is `prefix` + the key
/// (`reference.` in a scenario, empty for a `params.json` of `carenet reference`).
pub fn reference_problems(r: &Reference, prefix: &str) -> Vec<Problem> {
    let mut c = Checker::default();
    let at = |key: &str| format!("{prefix}{key}");
    let hazard = "a hazard ratio > 0";
    for (i, &v) in r.need_probability.iter().enumerate() {
        c.number(&at(&format!("need_probability[{i}]")), v, 0.0..=1.0, PROBABILITY);
    }
    for (i, &v) in r.need_hours.iter().enumerate() {
        c.non_negative(&at(&format!("need_hours[{i}]")), v);
    }
    c.number(&at("helper_threshold"), r.helper_threshold, 0.0..=1.0, "a willingness threshold from 0 to 1");
    c.non_negative(&at("hours_per_week"), r.hours_per_week);
    c.number(&at("ask_probability"), r.ask_probability, 0.0..=1.0, PROBABILITY);
    for (name, values) in [("worsen", &r.worsen), ("recover", &r.recover), ("death", &r.death)] {
        for (i, &v) in values.iter().enumerate() {
            c.number(&at(&format!("{name}[{i}]")), v, 0.0..=1.0, PROBABILITY);
        }
    }
    c.number_if(&at("unmet_hazard_ratio"), r.unmet_hazard_ratio, |v| v > 0.0, hazard);
    c.number_if(&at("loneliness_hazard_ratio"), r.loneliness_hazard_ratio, |v| v > 0.0, hazard);
    c.number(&at("rise"), r.rise, 0.0..=1.0, UNIT);
    c.number(&at("fall"), r.fall, 0.0..=1.0, UNIT);
    c.number(&at("pull"), r.pull, 0.0..=1.0, UNIT);
    c.non_negative(&at("shock_sd"), r.shock_sd);
    c.number(&at("moderate_threshold"), r.moderate_threshold, 0.0..=1.0, "a loneliness threshold from 0 to 1");
    c.number(&at("severe_threshold"), r.severe_threshold, 0.0..=1.0, "a loneliness threshold from 0 to 1");
    c.number(&at("awareness"), r.awareness, 0.0..=1.0, UNIT);
    c.number(&at("drift"), r.drift, 0.0..=1.0, UNIT);
    c.number(&at("reciprocity"), r.reciprocity, 0.0..=1.0, UNIT);
    c.number(&at("recognition"), r.recognition, 0.0..=1.0, UNIT);
    c.non_negative(&at("overload_hours"), r.overload_hours);
    c.number(&at("overload_loss"), r.overload_loss, 0.0..=1.0, UNIT);
    c.number(&at("interaction_gain"), r.interaction_gain, 0.0..=1.0, UNIT);
    c.number(&at("decay"), r.decay, 0.0..=1.0, UNIT);
    c.problems
}

fn packages(c: &mut Checker, packages: &std::collections::BTreeMap<String, Vec<String>>) {
    if !packages.contains_key("baseline") {
        c.push(
            "packages",
            "has no `baseline` package",
            "a `baseline = []` entry (compare measures every package against it)",
        );
    } else if !packages["baseline"].is_empty() {
        c.push("packages.baseline", "switches levers on", "baseline = [] (no lever)");
    }
    for (name, levers) in packages {
        c.label(&format!("packages.{name}"), name);
        for (k, l) in levers.iter().enumerate() {
            if !crate::scenario::defaults::LEVER_NAMES.contains(&l.as_str()) {
                let best = crate::scenario::defaults::LEVER_NAMES
                    .iter()
                    .max_by(|a, b| strsim::jaro_winkler(a, l).total_cmp(&strsim::jaro_winkler(b, l)))
                    .copied()
                    .unwrap_or("");
                c.push(
                    &format!("packages.{name}[{k}]"),
                    format!("= \"{l}\" is not a lever (did you mean `{best}`?)"),
                    crate::scenario::defaults::LEVER_NAMES.join(", "),
                );
            }
        }
    }
}

const PROBABILITY: &str = "a probability from 0 to 1";
const SHARE: &str = "a share from 0 to 1";
const UNIT: &str = "a number from 0 to 1";
const NON_NEGATIVE: &str = "a finite number ≥ 0";
const WEEKLY_HOURS: &str = "hours per week, from 0 to 168";
const ANNUAL: &str = "an annual probability from 0 up to, but not including, 1";
const SLOPE: &str = "a log-linear change per year of age, from -1 to 1";
const WEEK: &str = "a week of the year, from 1 to 52";
const CONCENTRATION: &str = "a Beta concentration (α + β) > 0";

fn simulation(c: &mut Checker, s: &Simulation) {
    c.integer("simulation.weeks", s.weeks, 1, MAX_WEEKS);
    c.integer("simulation.reps", s.reps, 1, MAX_REPS);
    c.week("simulation.start_week_of_year", s.start_week_of_year);
}

fn population(c: &mut Checker, p: &Population) {
    c.mix("population.age_mix", &p.age_mix);
    c.number_if(
        "population.max_initial_age",
        p.max_initial_age,
        |v| v > 80.0 && v <= 130.0,
        "an age in years above 80 (the 80+ group is drawn up to it) and at most 130",
    );
    c.number("population.male_share", p.male_share, 0.0..=1.0, SHARE);
    c.mix("population.state_mix_60_69", &p.state_mix_60_69);
    c.mix("population.state_mix_70_79", &p.state_mix_70_79);
    c.mix("population.state_mix_80_plus", &p.state_mix_80_plus);
}

fn type_params(c: &mut Checker, at: &str, t: &TypeParams) {
    c.number(&format!("{at}.lives_alone_share"), t.lives_alone_share, 0.0..=1.0, SHARE);
    c.number(&format!("{at}.no_family_share"), t.no_family_share, 0.0..=1.0, SHARE);
    c.number(&format!("{at}.family_hours_alone"), t.family_hours_alone, 0.0..=WEEK_HOURS, WEEKLY_HOURS);
    c.number(&format!("{at}.family_hours_with_family"), t.family_hours_with_family, 0.0..=WEEK_HOURS, WEEKLY_HOURS);
    c.mix(&format!("{at}.income_mix"), &t.income_mix);
    c.number(&format!("{at}.loneliness_mean"), t.loneliness_mean, 0.0..=1.0, UNIT);
    c.number(&format!("{at}.willingness_mean"), t.willingness_mean, 0.0..=1.0, UNIT);
    c.number(&format!("{at}.awareness"), t.awareness, 0.0..=1.0, UNIT);
    c.non_negative(&format!("{at}.paid_hours_per_100"), t.paid_hours_per_100);
    c.number(&format!("{at}.activity_sessions"), t.activity_sessions, 0.0..=100.0, "sessions per week, from 0 to 100");
    network(c, &format!("{at}.network"), &t.network);
}

fn network(c: &mut Checker, at: &str, n: &NetworkParams) {
    c.number_if(&format!("{at}.building_size"), n.building_size, |v| v >= 2.0, "a finite number ≥ 2");
    degree(c, &format!("{at}.building_degree"), n.building_degree, n.building_size, "building_size");
    c.non_negative(&format!("{at}.across_degree"), n.across_degree);
    c.number(&format!("{at}.kin_share"), n.kin_share, 0.0..=1.0, SHARE);
    c.number_if(&format!("{at}.kin_cluster_size"), n.kin_cluster_size, |v| v >= 2.0, "a finite number ≥ 2");
    degree(c, &format!("{at}.kin_degree"), n.kin_degree, n.kin_cluster_size, "kin_cluster_size");
    c.number(&format!("{at}.kin_colocation"), n.kin_colocation, 0.0..=1.0, PROBABILITY);
    c.number_if(
        &format!("{at}.kin_strength"),
        n.kin_strength,
        |v| v > 0.0 && v <= 1.0,
        "a tie strength above 0 and at most 1",
    );
    c.number_if(
        &format!("{at}.neighbour_strength"),
        n.neighbour_strength,
        |v| v > 0.0 && v <= 1.0,
        "a tie strength above 0 and at most 1",
    );
    degree(c, &format!("{at}.newcomer_degree"), n.newcomer_degree, n.building_size, "building_size");
}

/// An expected degree inside a group of `size`: at most `size - 1` ties are possible.
fn degree(c: &mut Checker, path: &str, v: f64, size: f64, size_key: &str) {
    if !c.non_negative(path, v) || !size.is_finite() || size < 2.0 {
        return;
    }
    if v > size - 1.0 {
        c.push(
            path,
            format!("= {} is more ties than the group holds ({size_key} = {})", num(v), num(size)),
            format!("a number from 0 to {size_key} − 1 ({})", num(size - 1.0)),
        );
    }
}

fn needs(c: &mut Checker, n: &Needs) {
    for (i, &v) in n.help_probability.iter().enumerate() {
        c.number(&format!("needs.help_probability[{i}]"), v, 0.0..=1.0, PROBABILITY);
    }
    for (i, &v) in n.help_hours.iter().enumerate() {
        c.number(&format!("needs.help_hours[{i}]"), v, 0.0..=WEEK_HOURS, WEEKLY_HOURS);
    }
    for (i, &v) in n.companionship_hours.iter().enumerate() {
        c.number(&format!("needs.companionship_hours[{i}]"), v, 0.0..=WEEK_HOURS, WEEKLY_HOURS);
    }
    c.non_negative("needs.companionship_loneliness_factor", n.companionship_loneliness_factor);
}

fn health(c: &mut Checker, h: &Health) {
    let transitions = [
        ("independent_to_iadl", &h.independent_to_iadl),
        ("independent_to_semi", &h.independent_to_semi),
        ("iadl_to_independent", &h.iadl_to_independent),
        ("iadl_to_semi", &h.iadl_to_semi),
        ("semi_to_iadl", &h.semi_to_iadl),
        ("semi_to_disabled", &h.semi_to_disabled),
        ("disabled_to_semi", &h.disabled_to_semi),
    ];
    for (name, t) in transitions {
        c.annual(&format!("health.{name}.annual_at_60"), t.annual_at_60);
        c.number(&format!("health.{name}.age_slope"), t.age_slope, -1.0..=1.0, SLOPE);
    }
    c.annual("health.mortality_at_60", h.mortality_at_60);
    c.number(
        "health.mortality_slope",
        h.mortality_slope,
        0.0..=1.0,
        "a number ≥ 0 (Gompertz slope per year of age, at most 1)",
    );
    for (i, &v) in h.mortality_state_ratio.iter().enumerate() {
        c.non_negative(&format!("health.mortality_state_ratio[{i}]"), v);
    }
    c.number_if("health.unmet_help_hazard_ratio", h.unmet_help_hazard_ratio, |v| v > 0.0, "a hazard ratio > 0");
    c.number_if("health.loneliness_hazard_ratio", h.loneliness_hazard_ratio, |v| v > 0.0, "a hazard ratio > 0");
    c.number("health.unmet_memory", h.unmet_memory, 0.0..=1.0, "a smoothing weight from 0 to 1");
    c.number_if(
        "health.max_annual_probability",
        h.max_annual_probability,
        |v| v > 0.0 && v < 1.0,
        "a probability strictly between 0 and 1",
    );
}

fn loneliness(c: &mut Checker, l: &Loneliness) {
    let severe_ok = c.number("loneliness.severe_threshold", l.severe_threshold, 0.0..=1.0, UNIT);
    let moderate_ok = c.number("loneliness.moderate_threshold", l.moderate_threshold, 0.0..=1.0, UNIT);
    if severe_ok && moderate_ok && l.moderate_threshold >= l.severe_threshold {
        c.push(
            "loneliness.moderate_threshold",
            format!(
                "= {} is not below loneliness.severe_threshold ({})",
                num(l.moderate_threshold),
                num(l.severe_threshold)
            ),
            "a number from 0 to 1, below severe_threshold",
        );
    }
    c.number("loneliness.rise_weekly", l.rise_weekly, 0.0..=1.0, UNIT);
    c.number("loneliness.fall_weekly", l.fall_weekly, 0.0..=1.0, UNIT);
    c.number("loneliness.baseline_pull_weekly", l.baseline_pull_weekly, 0.0..=1.0, UNIT);
    c.non_negative("loneliness.shock_sd", l.shock_sd);
    c.number_if("loneliness.initial_concentration", l.initial_concentration, |v| v > 0.0, CONCENTRATION);
}

fn willingness(c: &mut Checker, w: &Willingness) {
    c.number("willingness.drift_weekly", w.drift_weekly, 0.0..=1.0, UNIT);
    c.number("willingness.reciprocity_gain", w.reciprocity_gain, 0.0..=1.0, UNIT);
    c.number("willingness.activity_gain", w.activity_gain, 0.0..=1.0, UNIT);
    c.number("willingness.recognition_gain_per_hour", w.recognition_gain_per_hour, 0.0..=1.0, UNIT);
    c.number("willingness.overload_loss", w.overload_loss, 0.0..=1.0, UNIT);
    c.number("willingness.overload_hours", w.overload_hours, 0.0..=WEEK_HOURS, WEEKLY_HOURS);
    c.number_if("willingness.initial_concentration", w.initial_concentration, |v| v > 0.0, CONCENTRATION);
}

fn ties(c: &mut Checker, t: &Ties) {
    c.number("ties.visit_weekly", t.visit_weekly, 0.0..=1.0, PROBABILITY);
    c.number("ties.visit_hours", t.visit_hours, 0.0..=WEEK_HOURS, WEEKLY_HOURS);
    c.number("ties.interaction_gain", t.interaction_gain, 0.0..=1.0, UNIT);
    c.number("ties.decay_weekly", t.decay_weekly, 0.0..=1.0, UNIT);
    c.number("ties.drop_below", t.drop_below, 0.0..=1.0, "a tie strength from 0 to 1");
    c.number("ties.active_threshold", t.active_threshold, 0.0..=1.0, "a tie strength from 0 to 1");
    c.number("ties.triadic_weekly", t.triadic_weekly, 0.0..=1.0, PROBABILITY);
    c.number("ties.coattendance_tie", t.coattendance_tie, 0.0..=1.0, PROBABILITY);
    c.number_if(
        "ties.new_tie_strength",
        t.new_tie_strength,
        |v| v > 0.0 && v <= 1.0,
        "a tie strength above 0 and at most 1",
    );
    c.integer("ties.max_ties", t.max_ties, 1, u32::MAX);
}

fn case_management(c: &mut Checker, m: &CaseManagement) {
    c.number("case_management.initial_registered_share", m.initial_registered_share, 0.0..=1.0, SHARE);
    for (i, &v) in m.outreach_weekly.iter().enumerate() {
        c.number(&format!("case_management.outreach_weekly[{i}]"), v, 0.0..=1.0, PROBABILITY);
    }
}

fn students(c: &mut Checker, s: &Students) {
    c.number("students.hours_per_week", s.hours_per_week, 0.0..=WEEK_HOURS, WEEKLY_HOURS);
    c.number("students.attrition_weekly", s.attrition_weekly, 0.0..=1.0, PROBABILITY);
    c.number("students.graduation_share", s.graduation_share, 0.0..=1.0, SHARE);
    c.week("students.graduation_week", s.graduation_week);
    c.week("students.recruitment_week", s.recruitment_week);
    let first = c.week("students.spring_term[0]", s.spring_term[0]);
    let last = c.week("students.spring_term[1]", s.spring_term[1]);
    if first && last && s.spring_term[0] > s.spring_term[1] {
        c.push(
            "students.spring_term",
            format!("= [{}, {}] ends before it starts", s.spring_term[0], s.spring_term[1]),
            "[first, last] weeks of the year, 1 to 52, first ≤ last (only the autumn term may wrap)",
        );
    }
    c.week("students.autumn_term[0]", s.autumn_term[0]);
    c.week("students.autumn_term[1]", s.autumn_term[1]);
}

fn party_members(c: &mut Checker, p: &PartyMembers) {
    c.non_negative("party_members.per_1000_elders", p.per_1000_elders);
    c.number("party_members.hours_per_month", p.hours_per_month, 0.0..=MONTH_HOURS, "hours per month, from 0 to 744");
}

fn mutual_aid(c: &mut Checker, m: &MutualAid) {
    c.number("mutual_aid.helper_threshold", m.helper_threshold, 0.0..=1.0, UNIT);
    c.number("mutual_aid.hours_per_week", m.hours_per_week, 0.0..=WEEK_HOURS, WEEKLY_HOURS);
    c.number("mutual_aid.ask_probability", m.ask_probability, 0.0..=1.0, PROBABILITY);
}

fn social_workers(c: &mut Checker, w: &SocialWorkers) {
    // The contract buys budget / cost hours: a zero cost would buy infinitely many.
    c.number_if("social_workers.cost_per_hour", w.cost_per_hour, |v| v > 0.0, "a price in yuan > 0");
    c.number("social_workers.delivery_ratio", w.delivery_ratio, 0.0..=1.0, SHARE);
    c.number("social_workers.direct_share", w.direct_share, 0.0..=1.0, SHARE);
}

fn paid_services(c: &mut Checker, p: &PaidServices) {
    c.non_negative("paid_services.price_per_hour", p.price_per_hour);
    for (i, &v) in p.weekly_budget.iter().enumerate() {
        c.non_negative(&format!("paid_services.weekly_budget[{i}]"), v);
    }
}

fn activities(c: &mut Checker, a: &Activities) {
    c.number("activities.session_hours", a.session_hours, 0.0..=WEEK_HOURS, WEEKLY_HOURS);
    c.number("activities.attend_probability", a.attend_probability, 0.0..=1.0, PROBABILITY);
}

fn metrics(c: &mut Checker, m: &Metrics, weeks: u32) {
    c.integer("metrics.isolation_weeks", m.isolation_weeks, 1, u32::MAX);
    c.integer("metrics.network_every", m.network_every, 1, u32::MAX);
    if m.summary_window == 0 {
        c.push("metrics.summary_window", "= 0 is out of range", format!("weeks from 1 to simulation.weeks ({weeks})"));
    } else if weeks >= 1 && m.summary_window > weeks {
        c.push(
            "metrics.summary_window",
            format!("= {} is longer than the simulation (simulation.weeks = {weeks})", m.summary_window),
            format!("weeks from 1 to simulation.weeks ({weeks})"),
        );
    }
}

fn streets(c: &mut Checker, streets: &[Street]) {
    if streets.is_empty() {
        c.push("street", "is empty", "at least one [[street]] with at least one [[street.community]]");
    }
    let mut street_names = HashSet::new();
    for (i, s) in streets.iter().enumerate() {
        let at = format!("street[{i}]");
        c.label(&format!("{at}.name"), &s.name);
        if !s.name.is_empty() && !street_names.insert(s.name.as_str()) {
            c.push(
                &format!("{at}.name"),
                format!("= \"{}\" is used by another street", s.name),
                "a name unique among streets",
            );
        }
        c.non_negative(&format!("{at}.contract_budget"), s.contract_budget);
        c.integer(&format!("{at}.students"), s.students, 0, MAX_STUDENTS);
        c.integer(&format!("{at}.student_recruits"), s.student_recruits, 0, MAX_STUDENTS);
        c.integer(&format!("{at}.count"), s.count, 1, 10_000);
        if s.communities.is_empty() {
            c.push(&format!("{at}.community"), "is empty", "at least one [[street.community]] table");
        }
        let mut names = HashSet::new();
        for (j, m) in s.communities.iter().enumerate() {
            let at = format!("{at}.community[{j}]");
            c.label(&format!("{at}.name"), &m.name);
            if !m.name.is_empty() && !names.insert(m.name.as_str()) {
                c.push(
                    &format!("{at}.name"),
                    format!("= \"{}\" is used by another community of this street", m.name),
                    "a name unique within the street",
                );
            }
            c.integer(&format!("{at}.elders"), m.elders, 1, MAX_ELDERS_PER_COMMUNITY);
        }
    }
}

/// Collects problems; each check returns whether the value passed.
#[derive(Default)]
struct Checker {
    problems: Vec<Problem>,
}

impl Checker {
    fn push(&mut self, path: &str, message: impl Into<String>, allowed: impl Into<String>) {
        self.problems.push(Problem { path: path.to_string(), message: message.into(), allowed: allowed.into() });
    }

    /// A finite number satisfying `ok`.
    fn number_if(&mut self, path: &str, v: f64, ok: impl Fn(f64) -> bool, allowed: &str) -> bool {
        let message = if v.is_nan() {
            "= NaN is not a number".to_string()
        } else if v.is_infinite() {
            format!("= {v} is not finite")
        } else if !ok(v) {
            format!("= {} is out of range", num(v))
        } else {
            return true;
        };
        self.push(path, message, allowed);
        false
    }

    /// A finite number in `range`.
    fn number(&mut self, path: &str, v: f64, range: std::ops::RangeInclusive<f64>, allowed: &str) -> bool {
        self.number_if(path, v, |v| range.contains(&v), allowed)
    }

    fn non_negative(&mut self, path: &str, v: f64) -> bool {
        self.number_if(path, v, |v| v >= 0.0, NON_NEGATIVE)
    }

    /// An annual probability: in [0, 1).
    fn annual(&mut self, path: &str, v: f64) -> bool {
        self.number_if(path, v, |v| (0.0..1.0).contains(&v), ANNUAL)
    }

    /// Shares that each lie in [0, 1] and sum to 1.
    fn mix(&mut self, path: &str, shares: &[f64]) -> bool {
        let mut ok = true;
        for (i, &v) in shares.iter().enumerate() {
            ok &= self.number(&format!("{path}[{i}]"), v, 0.0..=1.0, SHARE);
        }
        let sum: f64 = shares.iter().sum();
        if ok && (sum - 1.0).abs() > MIX_TOLERANCE {
            self.push(path, format!("sums to {}, not 1", num(sum)), "shares from 0 to 1 that sum to 1 (within 1e-6)");
            ok = false;
        }
        ok
    }

    fn integer(&mut self, path: &str, v: u32, lo: u32, hi: u32) -> bool {
        if (lo..=hi).contains(&v) {
            return true;
        }
        let allowed =
            if hi == u32::MAX { format!("an integer ≥ {lo}") } else { format!("an integer from {lo} to {hi}") };
        self.push(path, format!("= {v} is out of range"), allowed);
        false
    }

    fn week(&mut self, path: &str, v: u32) -> bool {
        if (1..=52).contains(&v) {
            return true;
        }
        self.push(path, format!("= {v} is out of range"), WEEK);
        false
    }

    /// A street or community name: shown in outputs, must not be blank.
    fn label(&mut self, path: &str, name: &str) -> bool {
        if name.trim().is_empty() {
            self.push(path, "is empty", "a non-empty name");
            return false;
        }
        true
    }

    /// The scenario name: it names the output directory, so it must be a plain
    /// file name.
    fn output_name(&mut self, path: &str, name: &str) -> bool {
        let plain = name.chars().all(|ch| ch.is_alphanumeric() || matches!(ch, '_' | '-' | '.'));
        if !name.is_empty() && plain && name != "." && name != ".." {
            return true;
        }
        self.push(
            path,
            format!("= {name:?} cannot name an output directory"),
            "a non-empty name of letters, digits, `_`, `-` and `.` (it names output/<name>/)",
        );
        false
    }
}

/// A number as a person would write it: `0.1`, `-3`, `1e300`.
fn num(v: f64) -> String {
    if v != 0.0 && (v.abs() >= 1e9 || v.abs() < 1e-6) { format!("{v:e}") } else { format!("{v}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(s: &Scenario) -> Vec<String> {
        validate(s).into_iter().map(|p| p.path).collect()
    }

    #[test]
    fn defaults_are_valid() {
        assert_eq!(validate(&Scenario::default()), Vec::new());
    }

    #[test]
    fn reports_every_problem() {
        let mut s = Scenario::default();
        s.population.age_mix = [0.5, 0.3, 0.3];
        s.loneliness.moderate_threshold = 0.9;
        s.streets[0].communities[3].elders = 0;
        s.health.iadl_to_semi.age_slope = f64::NAN;
        s.metrics.summary_window = 500;
        assert_eq!(
            paths(&s),
            [
                "population.age_mix",
                "health.iadl_to_semi.age_slope",
                "loneliness.moderate_threshold",
                "metrics.summary_window",
                "street[0].community[3].elders",
            ]
        );
    }

    #[test]
    fn messages_read_after_the_path() {
        let mut s = Scenario::default();
        s.population.age_mix = [0.5, 0.3, 0.3];
        s.ties.visit_weekly = f64::INFINITY;
        let p = validate(&s);
        assert_eq!(p[0].message, "sums to 1.1, not 1");
        assert_eq!(p[1].message, "= inf is not finite");
        assert_eq!(p[1].allowed, PROBABILITY);
    }

    #[test]
    fn names_must_be_unique_and_usable() {
        let mut s = Scenario { name: "../x".into(), ..Scenario::default() };
        s.streets[0].communities[1].name = "chunteng".into();
        s.streets.push(s.streets[0].clone());
        s.streets[1].communities.clear();
        assert_eq!(paths(&s), ["name", "street[0].community[1].name", "street[1].name", "street[1].community"]);
    }
}
