//! The reference model (docs/reference-model.md): each mechanism on a tiny hand-made
//! world where its effect is exact, the synthesis, its scenario table. Its files and
//! commands are tested in tests/it/reference.rs.

use carenet_model::reference::Reference;
use carenet_model::reference::synth::synthesize;
use carenet_model::reference::{RefParams, RefPopulation, RefWorld, WeekRow, grade_of, simulate};
use carenet_model::scenario::Scenario;
use carenet_model::scenario::load::load_default;

use crate::support::load_str;

/// An elder of a hand-made world: (community, state, lives alone, loneliness, baseline, willingness).
type E = (u32, u8, bool, f32, f32, f32);

fn world(elders: &[E], ties: &[(u32, u32, f32)]) -> RefWorld {
    let mut pop = RefPopulation::default();
    for &(c, s, alone, l, lb, w) in elders {
        pop.community.push(c);
        pop.state.push(s);
        pop.lives_alone.push(alone);
        pop.loneliness.push(l);
        pop.loneliness_base.push(lb);
        pop.willingness.push(w);
    }
    RefWorld::build(pop, ties).expect("a valid world")
}

/// Every dynamic switched off: nobody needs help, nothing changes.
fn still() -> Reference {
    Reference {
        need_probability: [0.0; 3],
        worsen: [0.0; 4],
        recover: [0.0; 4],
        death: [0.0; 4],
        rise: 0.0,
        fall: 0.0,
        pull: 0.0,
        shock_sd: 0.0,
        drift: 0.0,
        reciprocity: 0.0,
        recognition: 0.0,
        overload_loss: 0.0,
        interaction_gain: 0.0,
        decay: 0.0,
        ..Reference::default()
    }
}

fn step(w: &RefWorld, r: &Reference, seed: u64, weeks: u32) -> (RefWorld, Vec<WeekRow>) {
    let mut w = w.clone();
    let mut rows = Vec::new();
    simulate(&mut w, &RefParams::new(r), seed, weeks, &mut rows);
    (w, rows)
}

/// Elder 0 needs 4 hours every week (grade 1: state 2); elder 1 is a helper
/// (grade 3, willingness 1, 3 hours); tie of strength 1; every ask succeeds.
fn pair() -> RefWorld {
    world(&[(0, 2, false, 0.3, 0.3, 0.4), (0, 0, false, 0.1, 0.1, 1.0)], &[(0, 1, 1.0)])
}

fn pair_params() -> Reference {
    Reference { need_probability: [1.0, 0.0, 0.0], need_hours: [4.0, 2.0, 1.0], ask_probability: 1.0, ..still() }
}

fn small_scenario() -> Scenario {
    crate::support::small_scenario(400)
}

#[test]
fn help_flows_over_ties_up_to_the_helpers_capacity() {
    let (w, rows) = step(&pair(), &pair_params(), 1, 1);
    let r = rows[0];
    assert_eq!((r.needing, r.helpers), (1, 1));
    assert_eq!((r.need_hours, r.help_hours, r.unmet_hours), (4.0, 3.0, 1.0));
    assert_eq!(w.helped(), &[0.0, 3.0]);
    assert_eq!(w.got_help(), &[true, false]);
}

/// The walk's order (docs/reference-model.md, phase 2): askers in ascending id, each
/// asking its neighbours in row order while it still needs help; a neighbour without
/// capacity left is passed over. Askers 0 and 1 (4 hours each), helpers 2 and 3
/// (3 hours each); ties 0–2, 0–3, 1–2. Asker 0 takes 3 hours from helper 2 and 1
/// from helper 3 and stops; asker 1 then finds helper 2 spent.
#[test]
fn askers_go_in_id_order_and_rows_in_neighbour_order() {
    let asker = (0, 2, false, 0.3, 0.3, 0.4);
    let helper = (0, 0, false, 0.1, 0.1, 1.0);
    let w = world(&[asker, asker, helper, helper], &[(0, 2, 1.0), (0, 3, 1.0), (1, 2, 1.0)]);
    let (w, rows) = step(&w, &pair_params(), 1, 1);
    let r = rows[0];
    assert_eq!((r.needing, r.helpers), (2, 2));
    assert_eq!((r.need_hours, r.help_hours, r.unmet_hours), (8.0, 4.0, 4.0));
    assert_eq!(w.helped(), &[0.0, 0.0, 3.0, 1.0]);
    assert_eq!(w.got_help(), &[true, false, false, false]);
    // The same world with the ties' ends renumbered (helpers 0 and 1, askers 2 and
    // 3): asker 2 asks helper 0, then helper 1.
    let w = world(&[helper, helper, asker, asker], &[(0, 2, 1.0), (0, 3, 1.0), (1, 2, 1.0)]);
    let (w, _) = step(&w, &pair_params(), 1, 1);
    assert_eq!(w.helped(), &[3.0, 1.0, 0.0, 0.0]);
    assert_eq!(w.got_help(), &[false, false, true, false]);
    // An asker stops once it needs nothing more: asker 0 (2 hours) gets them from
    // helper 1; helper 2, later in its row, is not asked, and their tie is not used
    // (used ties strengthen: 0.9 + 0.5 × 0.1).
    let r = Reference { need_hours: [2.0, 2.0, 1.0], interaction_gain: 0.5, ..pair_params() };
    let w = world(&[asker, helper, helper], &[(0, 1, 0.9), (0, 2, 0.9)]);
    let (w, _) = step(&w, &r, 1, 1);
    assert_eq!(w.helped(), &[0.0, 2.0, 0.0]);
    assert_eq!(w.strength(), &[0.95, 0.9]);
}

#[test]
fn no_help_flows_when_nobody_asks() {
    let r = Reference { ask_probability: 0.0, ..pair_params() };
    let (_, rows) = step(&pair(), &r, 1, 3);
    assert!(rows.iter().all(|r| r.help_hours == 0.0 && r.unmet_hours == r.need_hours && r.need_hours == 4.0));
    // And on a synthesised population: help flows by default, none without asks.
    let w = synthesize(&small_scenario(), 1200).unwrap();
    let (_, with) = step(&w, &Reference::default(), 3, 8);
    let (_, without) = step(&w, &Reference { ask_probability: 0.0, ..Reference::default() }, 3, 8);
    assert!(with.iter().map(|r| r.help_hours).sum::<f64>() > 0.0);
    assert!(without.iter().all(|r| r.help_hours == 0.0 && r.unmet_hours == r.need_hours));
}

#[test]
fn hours_are_conserved_and_the_dead_are_counted_once() {
    let w = synthesize(&small_scenario(), 1500).unwrap();
    let (end, rows) = step(&w, &Reference::default(), 11, 60);
    let mut alive = w.n_elders() as u64;
    for r in &rows {
        assert!((r.need_hours - r.unmet_hours - r.help_hours).abs() < 1e-6, "week {}", r.week);
        assert_eq!(r.alive, alive - r.deaths, "week {}", r.week);
        assert_eq!(r.grade.iter().sum::<u64>(), r.alive);
        alive = r.alive;
    }
    assert!(rows.iter().map(|r| r.deaths).sum::<u64>() > 0);
    assert_eq!(end.alive().iter().filter(|&&a| a).count() as u64, alive);
}

#[test]
fn death_of_one_kills_everyone_in_week_one() {
    let w = synthesize(&small_scenario(), 900).unwrap();
    let r = Reference { death: [1.0; 4], ..Reference::default() };
    let (end, rows) = step(&w, &r, 5, 3);
    assert_eq!((rows[0].deaths, rows[0].alive), (900, 0));
    assert_eq!(rows[0].grade, [0, 0, 0]);
    assert!(rows[0].mean_loneliness.is_nan() && rows[0].mean_willingness.is_nan());
    assert!(rows[1..].iter().all(|r| r.deaths == 0 && r.alive == 0 && r.needing == 0 && r.helpers == 0));
    assert!(end.alive().iter().all(|&a| !a));
    // The ties of the dead stay and keep decaying.
    assert!(rows[2].mean_strength < rows[0].mean_strength);
}

#[test]
fn the_state_worsens_and_recovers_with_its_probabilities() {
    let elders = [(0, 0, false, 0.1, 0.1, 0.3), (0, 2, false, 0.1, 0.1, 0.3), (0, 3, false, 0.1, 0.1, 0.3)];
    let w = world(&elders, &[]);
    let worse = Reference { worsen: [1.0, 1.0, 1.0, 0.0], ..still() };
    assert_eq!(step(&w, &worse, 1, 1).0.state(), &[1, 3, 3]);
    let better = Reference { recover: [0.0, 1.0, 1.0, 1.0], ..still() };
    assert_eq!(step(&w, &better, 1, 1).0.state(), &[0, 1, 2]);
    assert_eq!(step(&w, &still(), 1, 1).0.state(), &[0, 2, 3]);
}

#[test]
fn unmet_need_raises_the_hazard_of_worsening() {
    // 2000 isolated independent elders: the first half lonely beyond the severe
    // threshold (grade 1, always in need, never helped), the rest grade 3 with no need.
    // worsen = 0.4 and an unmet hazard ratio of 2.5: certain for the first half.
    let n = 2000;
    let elders: Vec<E> =
        (0..n).map(|i| if i < n / 2 { (0, 0, false, 0.9, 0.9, 0.3) } else { (0, 0, false, 0.1, 0.1, 0.3) }).collect();
    let w = world(&elders, &[]);
    let r = Reference {
        need_probability: [1.0, 0.0, 0.0],
        worsen: [0.4, 0.0, 0.0, 0.0],
        unmet_hazard_ratio: 2.5,
        loneliness_hazard_ratio: 1.0,
        ..still()
    };
    let (end, _) = step(&w, &r, 9, 1);
    let risen = |range: std::ops::Range<usize>| range.clone().filter(|&i| end.state()[i] == 1).count() as f64;
    assert_eq!(risen(0..n / 2), (n / 2) as f64);
    let share = risen(n / 2..n) / (n / 2) as f64;
    assert!((0.34..0.46).contains(&share), "{share}");
    // Without the hazard ratio the needy worsen like everyone else.
    let (end, _) = step(&w, &Reference { unmet_hazard_ratio: 1.0, ..r }, 9, 1);
    let needy = (0..n / 2).filter(|&i| end.state()[i] == 1).count() as f64 / (n / 2) as f64;
    assert!((0.34..0.46).contains(&needy), "{needy}");
}

#[test]
fn loneliness_raises_the_hazard_of_worsening() {
    // Half the elders at loneliness 1, half at 0; nobody needs help.
    let n = 2000;
    let elders: Vec<E> =
        (0..n).map(|i| if i < n / 2 { (0, 0, false, 1.0, 1.0, 0.3) } else { (0, 0, false, 0.0, 0.0, 0.3) }).collect();
    let w = world(&elders, &[]);
    let r =
        Reference { worsen: [0.4, 0.0, 0.0, 0.0], unmet_hazard_ratio: 1.0, loneliness_hazard_ratio: 2.5, ..still() };
    let (end, _) = step(&w, &r, 9, 1);
    assert!((0..n / 2).all(|i| end.state()[i] == 1));
    let share = (n / 2..n).filter(|&i| end.state()[i] == 1).count() as f64 / (n / 2) as f64;
    assert!((0.34..0.46).contains(&share), "{share}");
}

#[test]
fn willingness_rises_with_help_received_and_given() {
    let (w, _) = step(&pair(), &Reference { reciprocity: 0.02, ..pair_params() }, 1, 1);
    assert_eq!(w.willingness()[0], 0.4 + 0.02);
    assert_eq!(w.willingness()[1], 1.0);
    let (w, _) = step(&pair(), &pair_params(), 1, 1);
    assert_eq!(w.willingness()[0], 0.4);
    // Recognition per hour helped; overload when the 3 hours exceed overload_hours.
    let helper_low = world(&[(0, 2, false, 0.3, 0.3, 0.4), (0, 0, false, 0.1, 0.1, 0.6)], &[(0, 1, 1.0)]);
    let r = Reference { recognition: 0.01, overload_hours: 5.0, ..pair_params() };
    assert_eq!(step(&helper_low, &r, 1, 1).0.willingness()[1], 0.6 + 0.01 * 3.0);
    let r = Reference { recognition: 0.01, overload_hours: 2.5, overload_loss: 0.05, ..pair_params() };
    assert_eq!(step(&helper_low, &r, 1, 1).0.willingness()[1], 0.6 + 0.01 * 3.0 - 0.05);
    // Drift toward awareness.
    let r = Reference { drift: 0.5, awareness: 0.2, ..still() };
    assert_eq!(step(&helper_low, &r, 1, 1).0.willingness()[0], 0.4 + 0.5 * (0.2 - 0.4));
}

#[test]
fn helpers_need_grade_3_and_enough_willingness() {
    // Willingness below the threshold: no helper, no help.
    let w = world(&[(0, 2, false, 0.3, 0.3, 0.4), (0, 0, false, 0.1, 0.1, 0.49)], &[(0, 1, 1.0)]);
    let (_, rows) = step(&w, &pair_params(), 1, 1);
    assert_eq!((rows[0].helpers, rows[0].help_hours), (0, 0.0));
    // Living alone makes the willing elder grade 2: no helper either.
    let w = world(&[(0, 2, false, 0.3, 0.3, 0.4), (0, 0, true, 0.1, 0.1, 1.0)], &[(0, 1, 1.0)]);
    let (_, rows) = step(&w, &pair_params(), 1, 1);
    assert_eq!((rows[0].helpers, rows[0].help_hours), (0, 0.0));
}

#[test]
fn used_ties_strengthen_and_every_tie_decays() {
    // Elder 2 neither needs nor helps: its tie to the helper is never used.
    let elders = [(0, 2, false, 0.3, 0.3, 0.4), (0, 0, false, 0.1, 0.1, 1.0), (0, 0, false, 0.1, 0.1, 0.2)];
    let w = world(&elders, &[(0, 1, 0.5), (1, 2, 0.5)]);
    // Strength 0.5: the ask succeeds with probability 0.5 a week; over 20 weeks the tie is used.
    let r = Reference { interaction_gain: 0.1, decay: 0.01, ..pair_params() };
    let (end, rows) = step(&w, &r, 2, 20);
    assert!((end.strength()[1] - (0.5 - 20.0 * 0.01)).abs() < 1e-5, "{}", end.strength()[1]);
    assert!(end.strength()[0] > 0.5, "{}", end.strength()[0]);
    assert!(rows.iter().any(|r| r.help_hours > 0.0));
    // Without the gain the used tie only decays.
    let (end, _) = step(&w, &Reference { interaction_gain: 0.0, ..r }, 2, 20);
    assert!((end.strength()[0] - 0.3).abs() < 1e-5);
    // A tie at strength 0 stays at 0 and carries no help.
    let dead_tie = world(&elders[..2], &[(0, 1, 0.0)]);
    let (end, rows) = step(&dead_tie, &r, 1, 5);
    assert_eq!(end.strength()[0], 0.0);
    assert!(rows.iter().all(|r| r.help_hours == 0.0));
    assert_eq!(rows[4].mean_strength, 0.0);
}

#[test]
fn loneliness_is_pulled_to_the_baseline_and_rises_with_unmet_need() {
    // No need, no contact: only the pull toward the baseline.
    let w = world(&[(0, 0, false, 0.4, 0.2, 0.3)], &[]);
    let (end, _) = step(&w, &Reference { pull: 0.25, ..still() }, 1, 1);
    assert_eq!(end.loneliness()[0], 0.4 + 0.25 * (0.2 - 0.4));
    assert_eq!(step(&w, &still(), 1, 1).0.loneliness()[0], 0.4);
    // All need unmet: rise × (1 − L).
    let w = world(&[(0, 2, false, 0.4, 0.4, 0.3)], &[]);
    let r = Reference { rise: 0.5, ..pair_params() };
    assert_eq!(step(&w, &r, 1, 1).0.loneliness()[0], 0.4 + 0.5 * (1.0 - 0.4));
    // Contact adds `fall` to the pull: the helped elder of the pair.
    let w = world(&[(0, 2, false, 0.3, 0.1, 0.4), (0, 0, false, 0.1, 0.1, 1.0)], &[(0, 1, 1.0)]);
    let r = Reference { pull: 0.1, fall: 0.2, ..pair_params() };
    let end = step(&w, &r, 1, 1).0;
    let unmet = 1.0 / 4.0;
    assert_eq!(end.loneliness()[0], 0.3 + 0.0 * unmet + (0.1 + 0.2) * (0.1 - 0.3));
}

#[test]
fn the_shock_is_uniform_with_the_given_sd() {
    let n = 4000;
    let w = world(&vec![(0, 0, false, 0.5, 0.5, 0.3); n], &[]);
    let (end, _) = step(&w, &Reference { shock_sd: 0.05, ..still() }, 4, 1);
    let x: Vec<f64> = end.loneliness().iter().map(|&l| f64::from(l) - 0.5).collect();
    let mean = x.iter().sum::<f64>() / n as f64;
    let sd = (x.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n as f64).sqrt();
    let half = 0.05 * 3f64.sqrt();
    assert!(mean.abs() < 0.004 && (sd - 0.05).abs() < 0.003, "mean {mean}, sd {sd}");
    assert!(x.iter().all(|v| v.abs() <= half + 1e-6));
}

#[test]
fn grades_follow_state_and_loneliness_each_week() {
    // Grade 2 (0.45 < L ≤ 0.75) pushed past the severe threshold by unmet need.
    let w = world(&[(0, 0, false, 0.7, 0.7, 0.3)], &[]);
    let r = Reference { need_probability: [0.0, 1.0, 0.0], rise: 0.5, ..still() };
    let (end, rows) = step(&w, &r, 1, 1);
    assert_eq!(rows[0].grade, [1, 0, 0]);
    assert_eq!(end.grade(), &[1]);
    // Worsening to state 2 makes grade 1.
    let w = world(&[(0, 1, false, 0.1, 0.1, 0.3)], &[]);
    let (_, rows) = step(&w, &Reference { worsen: [0.0, 1.0, 0.0, 0.0], ..still() }, 1, 1);
    assert_eq!(rows[0].grade, [1, 0, 0]);
    // The branch-free grade is the care model's.
    for state in 0..4u8 {
        for alone in [false, true] {
            for k in 0..=100 {
                let l = k as f32 / 100.0;
                assert_eq!(
                    grade_of(state, alone, l, 0.45, 0.75),
                    carenet_model::world::grade_of(state, alone, l, 0.45, 0.75),
                    "state {state}, alone {alone}, loneliness {l}"
                );
            }
        }
    }
}

#[test]
fn synthesis_repeats_the_first_street_and_cuts_the_last_community() {
    let s = Scenario::default();
    let sizes: Vec<usize> = s.streets[0].communities.iter().map(|c| c.elders as usize).collect();
    let n = sizes[0] + sizes[1] + 10;
    let w = synthesize(&s, n).unwrap();
    assert_eq!(w.n_elders(), n);
    assert_eq!(w.community_ids(), &[0, 1, 2]);
    assert_eq!(w.community_range(2).len(), 10);
    // Repeats: past the street's total, community numbers continue.
    let small = crate::support::small_scenario(30);
    let w2 = synthesize(&small, 100).unwrap();
    assert_eq!(w2.community_ids(), &[0, 1, 2, 3]);
    assert_eq!(w2.community_range(3).len(), 10);
    // Ties stay inside communities; CSR rows ascending.
    let cid = w.community_of_elders();
    for e in 0..w.n_ties() {
        let (a, b) = (w.tie_a()[e] as usize, w.tie_b()[e] as usize);
        assert!(a < b && cid[a] == cid[b]);
    }
    for i in 0..n {
        let row = &w.nbr()[w.offsets()[i] as usize..w.offsets()[i + 1] as usize];
        assert!(row.windows(2).all(|p| p[0] < p[1]));
    }
    // The first community is the care model's community 0 (street 0, replication 0).
    let street = carenet_model::world::synth::build_street(&s, s.simulation.seed, 0, 0);
    let c0 = &street.communities[0];
    let range = w.community_range(0);
    assert_eq!(&w.state()[range.clone()], &c0.elders.state[..]);
    assert_eq!(&w.loneliness()[range.clone()], &c0.elders.loneliness[..]);
    assert_eq!(&w.willingness()[range], &c0.elders.willingness[..]);
    assert_eq!(w.tie_range(0).len(), c0.graph.n_edges());
}

#[test]
fn results_do_not_depend_on_the_thread_count_or_repeat() {
    let w = synthesize(&small_scenario(), 1200).unwrap();
    let r = Reference::default();
    let one = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap().install(|| step(&w, &r, 7, 30).1);
    let two = rayon::ThreadPoolBuilder::new().num_threads(2).build().unwrap().install(|| step(&w, &r, 7, 30).1);
    assert_eq!(one, two);
    assert_eq!(step(&w, &r, 7, 30).1, one);
    assert_ne!(step(&w, &r, 8, 30).1, one);
}

#[test]
fn the_reference_parameters_come_from_the_scenario() {
    // No `[reference]` table: the parameters are derived from the care-model keys.
    let err = load_str("[reference]\nrise = 0.1\n", "bad.toml", None).unwrap_err().to_string();
    assert!(err.starts_with("error: bad.toml:1:2: unknown key `reference`"), "{err}");
    let s = load_str("[loneliness]\nrise_weekly = 0.1\n", "ok.toml", None).unwrap().scenario;
    assert_eq!(Reference::derive(&s), Reference { rise: 0.1, ..Reference::default() });
    assert_eq!(Reference::derive(&load_default().scenario), Reference::default());
}
