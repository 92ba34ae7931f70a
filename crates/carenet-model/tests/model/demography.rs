//! Demography and health on data (docs/model.md, submodels "Health" and
//! "Living arrangement", "Inflow"): sex-specific mortality with late-life
//! deceleration, smoothed transitions, the cohort inflow, widowhood and moving
//! in with children, and unmet need raising death. Each mechanism is compared
//! with itself switched off (or neutral) on the same seeds.

use carenet_model::metrics::{AgeBands, WeekRecord};
use carenet_model::policy::Levers;
use carenet_model::scenario::Scenario;
use carenet_model::step::{Model, step_week};
use carenet_model::world::World;
use carenet_model::world::health::{HealthTable, ROWS, gamma_gompertz, sex_row};
use carenet_model::world::synth::build_world;
use carenet_model::world::{DISABLED, Elders, INDEPENDENT};

use crate::support::*;

fn base() -> Scenario {
    small_scenario(600)
}

/// Steps `weeks` weeks of replication `rep`, calling `each` with every
/// community's elders before the week and the world after it.
fn simulate(s: &Scenario, rep: u64, weeks: u32, mut each: impl FnMut(&[Elders], &World)) -> World {
    let m = Model::with_levers(s.clone(), Levers::default());
    let mut w = build_world(&m.scenario, 7, rep);
    let nc = m.n_communities();
    let mut recs = vec![WeekRecord::default(); nc];
    let mut bands = vec![AgeBands::default(); nc];
    for _ in 0..weeks {
        let before: Vec<Elders> = w.streets[0].communities.iter().map(|c| c.elders.clone()).collect();
        step_week(&mut w, &m, &mut recs, &mut bands);
        each(&before, &w);
    }
    w
}

/// Deaths and person-weeks of women and men by decade of age (60–69, 70–79,
/// 80+), with no newcomers, so a slot alive before a week and dead after it is
/// a death.
fn deaths_by_sex(s: &Scenario, reps: u64, weeks: u32) -> [[(f64, f64); 3]; 2] {
    let mut out = [[(0.0, 0.0); 3]; 2];
    for rep in 0..reps {
        simulate(s, rep, weeks, |before, after| {
            for (b, ca) in before.iter().zip(&after.streets[0].communities) {
                for i in 0..b.len() {
                    if b.alive[i] {
                        let d = ((b.age_weeks[i] / 52).saturating_sub(60) / 10).min(2) as usize;
                        let x = &mut out[usize::from(b.male[i])][d];
                        x.1 += 1.0;
                        x.0 += f64::from(u8::from(!ca.elders.alive[i]));
                    }
                }
            }
        });
    }
    out
}

/// Mean over the three decades of age of men's death rate over women's.
fn male_ratio(d: [[(f64, f64); 3]; 2]) -> f64 {
    (0..3).map(|k| (d[1][k].0 / d[1][k].1) / (d[0][k].0 / d[0][k].1)).sum::<f64>() / 3.0
}

/// With the census-fitted sexes men die more often than women of the same
/// age; with the men's curve set to the women's (same seeds) the gap closes.
#[test]
fn men_die_more_than_women() {
    let mut s = base();
    s.inflow.entrants_by_year = [0.0; 10];
    let fitted = male_ratio(deaths_by_sex(&s, 3, 52));
    assert!(fitted > 1.2, "men's death rate over women's, by decade of age: {fitted}");
    let mut same = s.clone();
    same.health.male_mortality_at_60 = same.health.mortality_at_60;
    same.health.male_mortality_slope = same.health.mortality_slope;
    let equal = male_ratio(deaths_by_sex(&same, 3, 52));
    assert!(equal < 1.1 && equal < fitted - 0.15, "equal curves: men's rate over women's {equal}, fitted {fitted}");
}

/// Men's population death rate is above women's at every age, and the
/// gamma-Gompertz curve decelerates: at 95–105 it is below the Gompertz curve
/// with the same level and slope, while it is close to it at 60–65.
#[test]
fn mortality_is_sex_specific_and_decelerates() {
    let s = Scenario::default();
    let tab = HealthTable::new(&s);
    for row in 0..ROWS {
        assert!(tab.population_mortality[sex_row(true, row)] > tab.population_mortality[sex_row(false, row)]);
    }
    let h = &s.health;
    let gg = |t: f64| gamma_gompertz(h.mortality_at_60, h.mortality_slope, h.mortality_deceleration, t);
    let gompertz = |t: f64| gamma_gompertz(h.mortality_at_60, h.mortality_slope, 0.0, t);
    assert!((gg(2.0) / gompertz(2.0) - 1.0).abs() < 0.01);
    assert!(gg(40.0) < 0.8 * gompertz(40.0), "95+: {} vs Gompertz {}", gg(40.0), gompertz(40.0));
    // And the model's deaths at 90+ fall when deceleration is on (same seeds).
    let mut flat = base();
    flat.health.mortality_deceleration = 0.0;
    let old_deaths = |s: &Scenario| {
        let res = run_model(s, Levers::default(), 3, 104, 11);
        res.reps.iter().map(|r| r.bands.iter().map(|b| b.deaths[6] + b.deaths[7]).sum::<f64>()).sum::<f64>()
    };
    let (with, without) = (old_deaths(&base()), old_deaths(&flat));
    assert!(with < without, "deaths at 90+: decelerating {with}, Gompertz {without}");
}

/// The smoothed transitions are monotone in age where the CLHLS pattern is:
/// worsening rises, recovery falls; the limitation share rises with age.
#[test]
fn smoothed_transitions_are_monotone_in_age() {
    let s = Scenario::default();
    let tab = HealthTable::new(&s);
    for male in [false, true] {
        for row in 1..ROWS {
            let (a, b) = (&tab.by_state[sex_row(male, row - 1)], &tab.by_state[sex_row(male, row)]);
            for st in 0..3 {
                assert!(b[st][1] >= a[st][1], "worsening from state {st} falls at row {row}");
            }
            assert!(b[0][2] >= a[0][2]);
            for st in 1..4 {
                assert!(b[st][3] <= a[st][3], "recovery from state {st} rises at row {row}");
            }
            let lim = |p: &[f64; 4]| 1.0 - p[INDEPENDENT as usize];
            // (The first years settle from the entry mix by a few tenths of a point.)
            let (now, then) = (lim(&tab.prevalence[sex_row(male, row)]), lim(&tab.prevalence[sex_row(male, row - 1)]));
            assert!(now >= then - 0.005, "limited share falls at row {row}: {then} → {now}");
        }
        // Disability at 90 is far above 60.
        let p60 = tab.prevalence[sex_row(male, 0)][DISABLED as usize];
        let p90 = tab.prevalence[sex_row(male, 30)][DISABLED as usize];
        assert!(p90 > 5.0 * p60, "disabled share at 60 {p60}, at 90 {p90}");
    }
}

/// The initial states follow the cohort's shares by age: the old are more
/// often limited, and overall about a quarter have some limitation.
#[test]
fn initial_states_follow_the_cohort() {
    let s = Scenario::default();
    let w = build_world(&s, 3, 0);
    let (mut young, mut old, mut all, mut limited) = ([0.0; 2], [0.0; 2], 0.0, 0.0);
    for c in &w.streets[0].communities {
        let e = &c.elders;
        for i in 0..e.len() {
            let lim = f64::from(u8::from(e.state[i] != INDEPENDENT));
            let years = e.age_weeks[i] / 52;
            all += 1.0;
            limited += lim;
            if years < 70 {
                young[0] += lim;
                young[1] += 1.0;
            } else if years >= 80 {
                old[0] += lim;
                old[1] += 1.0;
            }
        }
    }
    let (y, o) = (young[0] / young[1], old[0] / old[1]);
    assert!(o > 2.0 * y, "limited at 60–69 {y}, at 80+ {o}");
    let share = limited / all;
    assert!((0.2..0.34).contains(&share), "limited share {share} (target ≈ 0.26)");
}

/// Elders living with a spouse only are widowed: some of them come to live
/// alone, at about the rate of the widowhood table; elders living with children
/// never do.
#[test]
fn widowhood_makes_the_partnered_live_alone() {
    let mut s = base();
    s.inflow.entrants_by_year = [0.0; 10];
    s.living.move_in_annual = [0.0; 4];
    let tab = HealthTable::new(&s);
    let (mut widowed, mut expected, mut children_alone) = (0.0, 0.0, 0.0);
    for rep in 0..2 {
        simulate(&s, rep, 52, |before, after| {
            for (b, ca) in before.iter().zip(&after.streets[0].communities) {
                let a = &ca.elders;
                for i in 0..b.len() {
                    if !(b.alive[i] && a.alive[i]) {
                        continue;
                    }
                    if b.partnered[i] && !b.with_children[i] {
                        expected += tab.widowhood[sex_row(b.male[i], HealthTable::row(b.age_weeks[i]))];
                        widowed += f64::from(u8::from(a.lives_alone[i]));
                    }
                    if b.with_children[i] && a.lives_alone[i] {
                        children_alone += 1.0;
                    }
                }
            }
        });
    }
    assert!(widowed > 20.0, "widowed {widowed}");
    assert!((widowed - expected).abs() < 4.0 * expected.sqrt(), "widowed {widowed}, expected {expected}");
    assert_eq!(children_alone, 0.0);
}

/// Share of live elders living alone at the end of `weeks`.
fn alone_share(s: &Scenario, weeks: u32) -> f64 {
    let w = simulate(s, 0, weeks, |_, _| {});
    let (mut alone, mut n) = (0.0, 0.0);
    for c in &w.streets[0].communities {
        for i in 0..c.elders.len() {
            if c.elders.alive[i] {
                n += 1.0;
                alone += f64::from(u8::from(c.elders.lives_alone[i]));
            }
        }
    }
    alone / n
}

/// Moving in with children ends living alone: with moves switched off the
/// living-alone share is higher after two years (same seeds), and disabled
/// elders move more often than independent ones.
#[test]
fn moving_in_with_children_ends_living_alone() {
    let mut off = base();
    off.living.move_in_annual = [0.0; 4];
    let mut on = base();
    on.living.move_in_annual = [0.2, 0.2, 0.6, 0.6];
    let (a_off, a_on) = (alone_share(&off, 104), alone_share(&on, 104));
    assert!(a_on < a_off - 0.03, "living alone: no moves {a_off}, moves {a_on}");
    let tab = HealthTable::new(&Scenario::default());
    assert!(tab.move_in[DISABLED as usize] > 3.0 * tab.move_in[INDEPENDENT as usize]);
}

/// Recent unmet help raises the death rate: with its hazard ratio at 3 deaths
/// rise over the neutral ratio of 1 (same seeds).
#[test]
fn unmet_help_raises_deaths() {
    let deaths = |hr: f64| {
        let mut s = base();
        s.health.unmet_help_death_hazard_ratio = hr;
        // Scarce help, so that need goes unmet: family rarely in touch, no market.
        s.family.contact_weekly = [0.2, 0.2, 0.0];
        for t in [
            &mut s.community_types.commercial_estate,
            &mut s.community_types.village,
            &mut s.community_types.village_to_residence,
        ] {
            t.paid_hours_per_100 = 0.0;
        }
        let res = run_model(&s, Levers::default(), 4, 104, 5);
        grand_total(&res).deaths
    };
    let (neutral, harmful) = (deaths(1.0), deaths(3.0));
    assert!(harmful > neutral * 1.03, "deaths: HR 1 {neutral}, HR 3 {harmful}");
}

/// The entrants follow the cohort table year by year, not a flat rate.
#[test]
fn inflow_follows_the_cohort_table() {
    let mut s = base();
    let mut by_year = [0.0; 10];
    by_year[0] = 0.04;
    by_year[1] = 0.16;
    s.inflow.entrants_by_year = by_year;
    let res = run_model(&s, Levers::default(), 2, 104, 9);
    let per_year = |y: usize| {
        res.reps
            .iter()
            .map(|r| r.records[y * 52 * 3..(y + 1) * 52 * 3].iter().map(|x| x.entrants).sum::<f64>())
            .sum::<f64>()
    };
    let (y1, y2) = (per_year(0), per_year(1));
    let e1 = 2.0 * 1800.0 * 0.04;
    let e2 = 2.0 * 1800.0 * 0.16;
    assert!((y1 - e1).abs() < 4.0 * e1.sqrt(), "year 1: {y1} vs {e1}");
    assert!((y2 - e2).abs() < 4.0 * e2.sqrt(), "year 2: {y2} vs {e2}");
}
