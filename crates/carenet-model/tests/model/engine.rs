//! The weekly step: invariants over random scenarios, and one test per
//! mechanism showing that it moves what it should.

use carenet_model::metrics::*;
use carenet_model::policy::Levers;
use carenet_model::scenario::{CommunityType, Scenario};
use carenet_model::step::{Model, step_week};
use carenet_model::world::synth::build_world;
use carenet_model::world::{World, grade_of};
use proptest::prelude::*;

use crate::support::*;

/// Checks every invariant of docs/design.md §3 on one week's records and the world after it.
fn check_week(w: &World, m: &Model, recs: &[WeekRecord]) -> Result<(), String> {
    let s = &m.scenario;
    let mut k = 0;
    for st in &w.streets {
        for c in &st.communities {
            let r = &recs[k];
            k += 1;
            // Hours by source: delivered ≤ offered, nothing negative.
            for src in 0..N_SOURCES {
                let d = r.help_by[src] + r.comp_by[src];
                if r.help_by[src] < 0.0 || r.comp_by[src] < 0.0 || r.offered_by[src] < 0.0 {
                    return Err(format!("negative hours for {}", SOURCE_NAMES[src]));
                }
                if d > r.offered_by[src] * (1.0 + 1e-5) + 1e-3 {
                    return Err(format!("{}: delivered {d} > offered {}", SOURCE_NAMES[src], r.offered_by[src]));
                }
            }
            // Met + unmet = requested, per elder and summed over sources.
            let e = &c.elders;
            for i in 0..e.len() {
                if e.help_left[i] < 0.0 || e.comp_left[i] < 0.0 {
                    return Err(format!("negative unmet hours for elder {i}"));
                }
                if e.help_left[i] > e.help_need[i] + 1e-4 || e.comp_left[i] > e.comp_need[i] + 1e-4 {
                    return Err(format!("elder {i}: unmet exceeds requested"));
                }
                if e.alive[i] {
                    let g = grade_of(
                        e.state[i],
                        e.lives_alone[i],
                        e.loneliness[i],
                        s.loneliness.moderate_threshold as f32,
                        s.loneliness.severe_threshold as f32,
                    );
                    if g != e.grade[i] {
                        return Err(format!("elder {i}: grade {} but state implies {g}", e.grade[i]));
                    }
                    if !(0.0..=1.0).contains(&e.loneliness[i]) || !(0.0..=1.0).contains(&e.willingness[i]) {
                        return Err(format!("elder {i}: loneliness or willingness outside [0,1]"));
                    }
                }
            }
            // Hours delivered by all sources (counted as they are given) equal
            // requested − unmet (counted per elder after matching).
            let delivered = r.help_delivered();
            let met = r.help_requested - r.help_unmet;
            if (delivered - met).abs() > 1e-3 * met.max(1.0) {
                return Err(format!("help delivered by sources {delivered} != requested − unmet {met}"));
            }
            let comp_delivered: f64 = r.comp_by.iter().sum();
            let comp_met = r.comp_requested - r.comp_unmet;
            if (comp_delivered - comp_met).abs() > 1e-3 * comp_met.max(1.0) {
                return Err(format!("companionship delivered {comp_delivered} != requested − unmet {comp_met}"));
            }
            // Population accounting.
            if r.alive_start + r.entrants - r.deaths != r.alive {
                return Err(format!(
                    "start {} + inflow {} - deaths {} != end {}",
                    r.alive_start, r.entrants, r.deaths, r.alive
                ));
            }
            let alive = e.alive.iter().filter(|&&a| a).count() as f64;
            if alive != r.alive {
                return Err(format!("record says {} alive, world has {alive}", r.alive));
            }
            // Ties: consistent CSR, no tie touches a dead elder.
            c.graph.check_consistency()?;
            for (a, b, _) in c.graph.live_edges() {
                if !e.alive[a as usize] || !e.alive[b as usize] {
                    return Err("tie to a dead elder".into());
                }
            }
        }
    }
    // Pairs are one-to-one: every live elder with a student is that student's
    // elder. (A student whose elder died this week learns it at the next case
    // management, so the reverse direction may lag by a week.)
    for st in &w.streets {
        for (ci, c) in st.communities.iter().enumerate() {
            let e = &c.elders;
            for i in 0..e.len() {
                if e.alive[i] && e.pair_kind[i] == carenet_model::world::PAIR_STUDENT {
                    let stu = &st.students[e.pair_id[i] as usize];
                    if !stu.enrolled || stu.community != ci as u32 || stu.elder != i as u32 {
                        return Err(format!("elder {i} of community {ci} has a stale student pair"));
                    }
                }
                if e.alive[i]
                    && e.pair_kind[i] == carenet_model::world::PAIR_PARTY
                    && c.party[e.pair_id[i] as usize].elder != i as u32
                {
                    return Err(format!("elder {i} of community {ci} has a stale party pair"));
                }
            }
        }
    }
    Ok(())
}

fn arb_scenario() -> impl Strategy<Value = (Scenario, Levers, u64)> {
    (
        (20u32..150, 0.0f64..30.0, 0.0f64..1.0, 0u32..60, 0.0f64..2e6),
        (any::<bool>(), 0.0f64..0.3, 0.0f64..0.03, 0.0f64..1.0, 0.0f64..20.0),
        (any::<bool>(), 0.0f64..100.0, 0.0f64..5.0, 0.0f64..10.0, 0.0f64..0.9),
        any::<u64>(),
    )
        .prop_map(
            |(
                (n, fam, help_p, students, budget),
                (prio, inflow, mort, visit, paid),
                (platform, voucher, extra, couns, disc),
                seed,
            )| {
                let mut s = small_scenario(n);
                for kind in CommunityType::ALL {
                    let tp = match kind {
                        CommunityType::CommercialEstate => &mut s.community_types.commercial_estate,
                        CommunityType::Village => &mut s.community_types.village,
                        CommunityType::VillageToResidence => &mut s.community_types.village_to_residence,
                    };
                    tp.family_near_hours = fam / 3.0;
                    tp.family_coresident_hours = fam;
                    tp.paid_hours_per_100 = paid * 5.0;
                }
                s.needs.help_probability = [help_p * 0.3, help_p, help_p, 1.0];
                s.streets[0].students = students;
                s.streets[0].contract_budget = budget;
                s.case_management.grade_priority = prio;
                s.inflow.entrants_by_year = [inflow; 10];
                s.health.mortality_at_60 = mort;
                s.ties.visit_weekly = visit;
                let levers = Levers {
                    platform,
                    voucher_weekly: voucher,
                    extra_sessions: extra,
                    counselling_sessions: couns,
                    counselling_relief: 0.05,
                    paid_discount: disc,
                    ..Levers::default()
                };
                (s, levers, seed)
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]
    /// Every invariant holds every week over random scenarios and levers.
    #[test]
    fn invariants_hold_over_random_scenarios((s, levers, seed) in arb_scenario()) {
        let m = Model::with_levers(s, levers);
        let mut w = build_world(&m.scenario, seed, 0);
        let nc = m.n_communities();
        let mut recs = vec![WeekRecord::default(); nc];
        let mut bands = vec![AgeBands::default(); nc];
        for _ in 0..60 {
            step_week(&mut w, &m, &mut recs, &mut bands);
            check_week(&w, &m, &recs).map_err(TestCaseError::fail)?;
        }
    }
}

/// Initial population lands near the published mixes: ages 0.56/0.30/0.14
/// (7th census), grade 1 about 12–16 %, grade 2 about 25–30 % (docs/evidence.md, suggested mapping).
#[test]
fn initial_population_matches_published_mix() {
    let s = Scenario::default();
    let w = build_world(&s, 42, 0);
    let (mut n, mut ages, mut grades) = (0.0f64, [0.0f64; 3], [0.0f64; 3]);
    for c in &w.streets[0].communities {
        for i in 0..c.elders.len() {
            n += 1.0;
            let y = c.elders.age_weeks[i] / 52;
            ages[if y < 70 {
                0
            } else if y < 80 {
                1
            } else {
                2
            }] += 1.0;
            grades[c.elders.grade[i] as usize - 1] += 1.0;
        }
    }
    for (k, want) in [0.56, 0.30, 0.14].iter().enumerate() {
        assert!((ages[k] / n - want).abs() < 0.015, "age group {k}: {}", ages[k] / n);
    }
    let (g1, g2) = (grades[0] / n, grades[1] / n);
    // docs/evidence.md's derived level 1 is 12–16%, built on ADL disability of
    // 9.9–15%; with semi-disabled or disabled calibrated to the national ≈ 15%
    // (14.5% at the start) and 1–2% severely lonely on top, grade 1 starts near 16%.
    assert!((0.12..=0.17).contains(&g1), "grade 1 share {g1}");
    assert!((0.25..=0.30).contains(&g2), "grade 2 share {g2}");
}

/// Each community draws needs, matching, health, ties and inflow from separate
/// streams, so a change that only alters matching (here: asking neighbours more
/// and an information platform) leaves the first week's needs draw-for-draw the
/// same (common random numbers across packages).
#[test]
fn matching_changes_do_not_shift_need_or_health_draws() {
    let s = small_scenario(300);
    let mut other = s.clone();
    other.mutual_aid.ask_probability = 1.0;
    let levers = Levers { platform: true, ..Levers::default() };
    let a = run_model(&s, Levers::default(), 1, 3, 21);
    let b = run_model(&other, levers, 1, 3, 21);
    for c in 0..3 {
        let (ra, rb) = (a.record(0, 0, c), b.record(0, 0, c));
        assert_eq!(ra.help_requested, rb.help_requested);
        assert_eq!(ra.comp_requested, rb.comp_requested);
        assert_ne!(ra.help_by[MUTUAL_AID], rb.help_by[MUTUAL_AID], "the change must matter");
    }
}
