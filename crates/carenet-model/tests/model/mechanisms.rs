//! One test per mechanism of the weekly step: switching the mechanism off (or
//! turning it up) moves the quantity it acts on, with the same seeds.

use carenet_model::policy::Levers;
use carenet_model::scenario::Scenario;
use carenet_model::step::{Model, calendar};
use carenet_model::world::synth::build_world;

use crate::support::*;

const WEEKS: u32 = 104;
const REPS: u32 = 3;

fn base() -> Scenario {
    small_scenario(300)
}

/// Metric `name` over the last year for scenario `s` with `levers`.
fn metric_of(s: &Scenario, levers: Levers, name: &str) -> f64 {
    let res = run_model(s, levers, REPS, WEEKS, 99);
    mean_metric(&res, 52, name)
}

/// (metric with `a` applied, metric with `b` applied), same seeds.
fn compare(a: impl Fn(&mut Scenario), b: impl Fn(&mut Scenario), name: &str) -> (f64, f64) {
    let (mut sa, mut sb) = (base(), base());
    a(&mut sa);
    b(&mut sb);
    (metric_of(&sa, Levers::default(), name), metric_of(&sb, Levers::default(), name))
}

fn lever_effect(levers: Levers, name: &str) -> (f64, f64) {
    let s = base();
    (metric_of(&s, Levers::default(), name), metric_of(&s, levers, name))
}

/// No family care at all: no family is ever in contact.
fn no_family(s: &mut Scenario) {
    s.family.contact_weekly = [0.0; 3];
}

/// Family in contact every week with ample hours, whatever its kind.
fn ample_family(s: &mut Scenario) {
    s.family.contact_weekly = [1.0; 3];
    s.family.distant_hours = 200.0;
    each_type(s, |t| {
        t.family_absent_share = 0.0;
        t.family_coresident_hours = 200.0;
        t.family_near_hours = 200.0;
    })
}

#[test]
fn family_is_asked_first() {
    let (lots, none) = compare(ample_family, no_family, "paid_hours");
    assert!(lots < 0.05 * none, "paid hours with ample family {lots} vs none {none}");
    let (u_lots, u_none) = compare(ample_family, no_family, "unmet_help_rate");
    // Not 0: an elder whose own family factor is small can need more than 200 × factor hours.
    assert!(u_lots < 0.05 && u_none > 0.3, "unmet help: ample family {u_lots}, no family {u_none}");
}

#[test]
fn paired_students_serve_grade1_elders() {
    let none_at_all = |s: &mut Scenario| {
        s.streets[0].students = 0;
        s.streets[0].student_recruits = 0;
    };
    let (none, many) = compare(none_at_all, |s| s.streets[0].students = 300, "student_hours");
    assert_eq!(none, 0.0);
    assert!(many > 0.0);
    let (none, many) = compare(none_at_all, |s| s.streets[0].students = 300, "unmet_help_rate_grade1");
    assert!(many < none, "grade-1 unmet help: no students {none}, many {many}");
}

#[test]
fn students_visit_only_in_term() {
    let s = base();
    let res = run_model(&s, Levers::default(), 1, 60, 5);
    let woy = |w: u32| ((s.simulation.start_week_of_year - 1 + w) % 52) + 1;
    let student_hours = |w: usize| -> f64 {
        (0..res.communities.len())
            .map(|c| {
                let r = res.record(0, w, c);
                r.help_by[carenet_model::metrics::STUDENT] + r.comp_by[carenet_model::metrics::STUDENT]
            })
            .sum()
    };
    for w in 0..60u32 {
        let y = woy(w);
        let in_term = carenet_model::step::in_term_range(y, s.students.spring_term)
            || carenet_model::step::in_term_range(y, s.students.autumn_term);
        if in_term {
            assert!(student_hours(w as usize) > 0.0, "no student hours in term week {y}");
        } else {
            assert_eq!(student_hours(w as usize), 0.0, "student hours in break week {y}");
        }
    }
}

#[test]
fn students_graduate_and_are_recruited_yearly() {
    let mut s = base();
    s.students.attrition_weekly = 0.0;
    let m = Model::with_levers(s.clone(), Levers::default());
    let mut w = build_world(&m.scenario, 1, 0);
    let st = &mut w.streets[0];
    let enrolled = |st: &carenet_model::world::Street| st.students.iter().filter(|x| x.enrolled).count();
    let start = enrolled(st);
    let mut after_graduation = 0;
    for week in 0..52 {
        calendar(st, &m, &Levers::neutral(), week);
        if st.week_of_year == s.students.graduation_week {
            after_graduation = enrolled(st);
        }
    }
    let end = enrolled(st);
    assert!(after_graduation < start, "graduation: {start} → {after_graduation}");
    let expected_grads = start as f64 * s.students.graduation_share;
    assert!(((start - after_graduation) as f64 - expected_grads).abs() < 4.0 * expected_grads.sqrt() + 1.0);
    assert_eq!(end, after_graduation + s.streets[0].student_recruits as usize);
}

#[test]
fn students_drop_out_in_term() {
    let mut s = base();
    s.students.attrition_weekly = 0.05;
    let m = Model::with_levers(s, Levers::default());
    let mut w = build_world(&m.scenario, 1, 0);
    let st = &mut w.streets[0];
    let start = st.students.iter().filter(|x| x.enrolled).count();
    for week in 9..20 {
        calendar(st, &m, &Levers::neutral(), week); // spring term, before graduation
    }
    let end = st.students.iter().filter(|x| x.enrolled).count();
    assert!(end < start, "attrition: {start} → {end}");
}

#[test]
fn neighbours_help_over_ties() {
    let (off, on) =
        compare(|s| s.mutual_aid.ask_probability = 0.0, |s| s.mutual_aid.ask_probability = 1.0, "mutual_aid_share");
    assert_eq!(off, 0.0);
    assert!(on > 0.02, "mutual aid share with ask probability 1: {on}");
}

#[test]
fn awareness_raises_willingness_and_mutual_aid() {
    let (low, high) =
        compare(|s| each_type(s, |t| t.awareness = 0.1), |s| each_type(s, |t| t.awareness = 0.9), "mutual_aid_share");
    assert!(high > low, "mutual aid share: awareness 0.1 → {low}, 0.9 → {high}");
}

#[test]
fn paid_services_depend_on_budget_and_capacity() {
    let (none, rich) = compare(
        |s| s.paid_services.weekly_budget = [0.0; 3],
        |s| s.paid_services.weekly_budget = [1000.0; 3],
        "paid_hours",
    );
    assert_eq!(none, 0.0);
    assert!(rich > 0.0);
    let (closed, _) = compare(|s| each_type(s, |t| t.paid_hours_per_100 = 0.0), |_| {}, "paid_hours");
    assert_eq!(closed, 0.0);
}

#[test]
fn social_workers_follow_the_contract_budget() {
    let (none, big) = compare(
        |s| s.streets[0].contract_budget = 0.0,
        |s| s.streets[0].contract_budget = 5_000_000.0,
        "social_worker_hours",
    );
    assert_eq!(none, 0.0);
    assert!(big > 0.0);
}

/// Share of volunteer-paired live elders who are grade 1, after `weeks` weeks.
fn grade1_share_of_paired(priority: bool, weeks: u32) -> f64 {
    let mut s = base();
    s.streets[0].students = 150;
    s.case_management.grade_priority = priority;
    let m = Model::with_levers(s, Levers::default());
    let mut w = build_world(&m.scenario, 17, 0);
    let nc = m.n_communities();
    let mut recs = vec![carenet_model::metrics::WeekRecord::default(); nc];
    let mut bands = vec![carenet_model::metrics::AgeBands::default(); nc];
    for _ in 0..weeks {
        carenet_model::step::step_week(&mut w, &m, &mut recs, &mut bands);
    }
    let (mut g1, mut all) = (0.0, 0.0);
    for c in &w.streets[0].communities {
        for i in 0..c.elders.len() {
            if c.elders.alive[i] && c.elders.pair_kind[i] != carenet_model::world::PAIR_NONE {
                all += 1.0;
                if c.elders.grade[i] == 1 {
                    g1 += 1.0;
                }
            }
        }
    }
    g1 / all
}

#[test]
fn grading_pairs_grade1_first() {
    let arrival = grade1_share_of_paired(false, 60);
    let graded = grade1_share_of_paired(true, 60);
    assert!(graded > arrival + 0.1, "grade-1 share of paired elders: arrival order {arrival}, graded {graded}");
}

#[test]
fn grading_lowers_grade1_unmet_help() {
    // Enough social-worker and student hours for priority to matter.
    let resources = |s: &mut Scenario| {
        s.streets[0].contract_budget = 3_000_000.0;
        s.streets[0].students = 150;
    };
    let run = |priority: bool| {
        let mut s = base();
        resources(&mut s);
        s.case_management.grade_priority = priority;
        mean_metric(&run_model(&s, Levers::default(), 6, WEEKS, 99), 52, "unmet_help_rate_grade1")
    };
    let (arrival, graded) = (run(false), run(true));
    assert!(graded < arrival, "grade-1 unmet help: arrival order {arrival}, graded {graded}");
}

#[test]
fn outreach_registers_elders() {
    let (none, fast) = compare(
        |s| s.case_management.outreach_weekly = [0.0; 3],
        |s| s.case_management.outreach_weekly = [0.2; 3],
        "registered_share",
    );
    assert!(none < 0.5 && fast > 0.95, "registered share: no outreach {none}, fast {fast}");
}

#[test]
fn activities_fill_companionship_and_reduce_isolation() {
    let (none, many) = compare(
        |s| each_type(s, |t| t.activity_sessions = 0.0),
        |s| each_type(s, |t| t.activity_sessions = 6.0),
        "activity_hours",
    );
    assert_eq!(none, 0.0);
    assert!(many > 0.0);
    let (none, many) = compare(
        |s| each_type(s, |t| t.activity_sessions = 0.0),
        |s| each_type(s, |t| t.activity_sessions = 6.0),
        "isolation_rate",
    );
    assert!(many < none, "isolation: no activities {none}, many {many}");
}

#[test]
fn unmet_companionship_raises_loneliness() {
    let (low, high) = compare(
        |s| s.needs.companionship_hours = [0.1; 3],
        |s| s.needs.companionship_hours = [20.0; 3],
        "loneliness_mean",
    );
    assert!(high > low + 0.05, "loneliness: small needs {low}, large needs {high}");
}

#[test]
fn unmet_help_raises_disability_onset() {
    // Without family, help needs of capable elders go unmet often enough to matter.
    let (neutral, harmful) = compare(
        |s| {
            no_family(s);
            s.health.unmet_help_hazard_ratio = 1.0;
        },
        |s| {
            no_family(s);
            s.health.unmet_help_hazard_ratio = 20.0;
        },
        "adl_incidence_per_year",
    );
    assert!(harmful > neutral, "ADL incidence: HR 1 {neutral}, HR 8 {harmful}");
}

#[test]
fn loneliness_raises_disability_onset() {
    let (neutral, harmful) = compare(
        |s| s.health.loneliness_hazard_ratio = 1.0,
        |s| s.health.loneliness_hazard_ratio = 10.0,
        "adl_incidence_per_year",
    );
    assert!(harmful > neutral, "ADL incidence: HR 1 {neutral}, HR 10 {harmful}");
}

#[test]
fn mortality_depends_on_age_and_state() {
    // The state ratios share the population death rate of an age out over the
    // states: the steeper they are, the faster the disabled die, and the fewer of
    // them there are.
    let (flat, steep) = compare(
        |s| s.health.mortality_state_ratio = [1.0; 4],
        |s| s.health.mortality_state_ratio = [1.0, 2.0, 6.0, 12.0],
        "disabled_share",
    );
    assert!(steep < 0.9 * flat, "disabled share: flat {flat}, steep {steep}");
    let (young, old) =
        compare(|s| s.health.mortality_slope = 0.0, |s| s.health.mortality_slope = 0.15, "deaths_per_1000_per_year");
    assert!(old > young);
}

#[test]
fn new_sixty_year_olds_enter() {
    let (none, some) =
        compare(|s| s.inflow.entrants_by_year = [0.0; 10], |s| s.inflow.entrants_by_year = [0.1; 10], "elders");
    assert!(some > none, "elders: no inflow {none}, inflow {some}");
    let s = base();
    let res = run_model(&s, Levers::default(), 2, WEEKS, 3);
    let t = grand_total(&res);
    // Two replications of two years: each year's entrants from its row of the cohort table.
    let by_year = s.inflow.entrants_by_year;
    let expected = 2.0 * 900.0 * (by_year[0] + by_year[1]);
    assert!((t.entrants - expected).abs() < 4.0 * expected.sqrt(), "entrants {} vs {expected}", t.entrants);
}

#[test]
fn tie_decay_thins_the_network() {
    let (slow, fast) = compare(|s| s.ties.decay_weekly = 0.0, |s| s.ties.decay_weekly = 0.03, "mean_degree");
    assert!(fast < slow * 0.7, "mean degree: no decay {slow}, fast decay {fast}");
}

#[test]
fn interaction_strengthens_ties() {
    let (no_gain, gain) =
        compare(|s| s.ties.interaction_gain = 0.0, |s| s.ties.interaction_gain = 0.3, "few_ties_rate");
    assert!(gain < no_gain, "few-ties rate: no strengthening {no_gain}, strengthening {gain}");
}

#[test]
fn triadic_closure_raises_clustering() {
    let (off, on) = compare(
        |s| s.ties.triadic_weekly = 0.0,
        |s| {
            s.ties.triadic_weekly = 0.05;
            s.ties.new_tie_strength = 0.6;
        },
        "clustering",
    );
    assert!(on > off, "clustering: no closure {off}, closure {on}");
}

#[test]
fn co_attendance_forms_ties() {
    let (off, on) = compare(
        |s| {
            each_type(s, |t| t.activity_sessions = 6.0);
            s.ties.coattendance_tie = 0.0;
        },
        |s| {
            each_type(s, |t| t.activity_sessions = 6.0);
            s.ties.coattendance_tie = 0.5;
            s.ties.new_tie_strength = 0.6;
        },
        "mean_degree",
    );
    assert!(on > off, "mean degree: no co-attendance ties {off}, with {on}");
}

#[test]
fn reciprocity_raises_willingness_of_helped_elders() {
    let (off, on) =
        compare(|s| s.willingness.reciprocity_gain = 0.0, |s| s.willingness.reciprocity_gain = 0.2, "mutual_aid_share");
    assert!(on > off, "mutual aid: no reciprocity {off}, reciprocity {on}");
}

#[test]
fn overload_lowers_willingness() {
    let (off, on) = compare(
        |s| s.willingness.overload_loss = 0.0,
        |s| {
            s.willingness.overload_loss = 0.3;
            s.willingness.overload_hours = 0.5;
        },
        "mutual_aid_share",
    );
    assert!(on < off, "mutual aid: no overload {off}, overload {on}");
}

// ---- where the policy levers plug in ----

#[test]
fn voucher_buys_paid_care_for_grade1() {
    // The market needs room for the hours the voucher buys (its capacity is fixed).
    let mut s = base();
    each_type(&mut s, |t| t.paid_hours_per_100 *= 3.0);
    let levers = Levers { voucher_weekly: 300.0, ..Levers::default() };
    let name = "grade1_underserved_rate";
    let (off, on) = (metric_of(&s, Levers::default(), name), metric_of(&s, levers, name));
    assert!(on < off, "grade-1 underserved: no voucher {off}, voucher {on}");
}

#[test]
fn discount_raises_paid_hours() {
    let (off, on) = lever_effect(Levers { paid_discount: 0.5, ..Levers::default() }, "paid_hours");
    assert!(on > off, "paid hours: no discount {off}, discount {on}");
}

#[test]
fn platform_widens_mutual_aid() {
    let (off, on) = lever_effect(Levers { platform: true, ..Levers::default() }, "mutual_aid_share");
    assert!(on > off, "mutual aid share: no platform {off}, platform {on}");
}

#[test]
fn counselling_lowers_grade2_loneliness() {
    let (off, on) = lever_effect(
        Levers { counselling_sessions: 30.0, counselling_relief: 0.1, ..Levers::default() },
        "loneliness_mean_grade2",
    );
    assert!(on < off, "grade-2 loneliness: none {off}, counselling {on}");
}

#[test]
fn supervision_and_funding_raise_social_worker_hours() {
    let (off, on) = lever_effect(Levers { delivery_ratio_add: 0.3, ..Levers::default() }, "social_worker_hours");
    assert!(on > off);
    let (off, on) = lever_effect(Levers { budget_factor: 2.0, ..Levers::default() }, "social_worker_hours");
    assert!(on > off * 1.9);
}

#[test]
fn student_credits_raise_student_hours() {
    let (off, on) = lever_effect(
        Levers {
            student_hours_factor: 2.0,
            student_recruit_factor: 2.0,
            student_attrition_factor: 0.5,
            ..Levers::default()
        },
        "student_hours",
    );
    assert!(on > off * 1.5, "student hours: {off} → {on}");
}

#[test]
fn extra_activity_sessions_raise_attendance() {
    let (off, on) = lever_effect(Levers { extra_sessions: 4.0, ..Levers::default() }, "activity_hours");
    assert!(on > off);
}

#[test]
fn outreach_factor_speeds_registration() {
    let (off, on) = lever_effect(Levers { outreach_factor: 4.0, ..Levers::default() }, "registered_share");
    assert!(on > off);
}

/// Case files of self-sufficient elders are closed: with closure the
/// registered share settles after its first years, without it it keeps
/// rising (same seeds).
#[test]
fn case_closure_keeps_the_caseload_from_rising_for_ever() {
    let share = |closure: f64| {
        let mut s = small_scenario(300);
        s.case_management.closure_weekly = closure;
        let res = run_model(&s, Levers::default(), 2, 260, 17);
        let year = |y: usize| {
            let (mut reg, mut alive) = (0.0, 0.0);
            for r in 0..res.reps.len() {
                for w in y * 52..(y + 1) * 52 {
                    for c in 0..res.communities.len() {
                        let x = res.record(r, w, c);
                        reg += x.registered;
                        alive += x.alive;
                    }
                }
            }
            reg / alive
        };
        (year(2), year(4))
    };
    let (open_y3, open_y5) = share(0.0);
    let (closed_y3, closed_y5) = share(0.006);
    assert!(open_y5 > open_y3 + 0.04, "without closure: {open_y3} → {open_y5}");
    assert!(
        (closed_y5 - closed_y3).abs() < 0.5 * (open_y5 - open_y3),
        "with closure: {closed_y3} → {closed_y5}; without: {open_y3} → {open_y5}"
    );
    assert!(closed_y5 < open_y5 - 0.08, "year 5: closure {closed_y5}, none {open_y5}");
}
