//! Care supply that responds (issue 13, item 2): need hours on the care-need
//! ladder, family care that may be near, distant or absent and is a weekly
//! chance, a paid market whose capacity follows demand, and mutual aid that
//! persists without a knife edge. Each test pairs runs with the same seeds,
//! mechanism on and off.

use carenet_model::metrics::{AgeBands, MUTUAL_AID, WeekRecord};
use carenet_model::policy::Levers;
use carenet_model::scenario::{CommunityType, Scenario};
use carenet_model::step::{Model, step_week};
use carenet_model::world::synth::build_world;
use carenet_model::world::{FAMILY_ABSENT, FAMILY_CORESIDENT, World};

use crate::support::*;

const REPS: u32 = 3;

/// Sum of a quantity over every record of weeks `from..to` (all reps), by community type.
fn by_type(
    res: &carenet_model::experiment::RunResult,
    from: usize,
    to: usize,
    f: impl Fn(&WeekRecord) -> f64,
) -> [f64; 3] {
    let mut out = [0.0; 3];
    for r in 0..res.reps.len() {
        for w in from..to {
            for (c, info) in res.communities.iter().enumerate() {
                out[info.kind.index()] += f(res.record(r, w, c));
            }
        }
    }
    out
}

/// The neighbours' share of delivered help by community type over weeks `from..to`.
fn mutual_aid_share(res: &carenet_model::experiment::RunResult, from: usize, to: usize) -> [f64; 3] {
    let ma = by_type(res, from, to, |r| r.help_by[MUTUAL_AID]);
    let all = by_type(res, from, to, |r| r.help_delivered());
    [0, 1, 2].map(|k| ma[k] / all[k])
}

// ---- 1. need hours on the ladder ----

/// Need hours follow the ladder: doubling `help_hours_scale` (one ladder level
/// up) doubles the help requested, with the same draws.
#[test]
fn need_hours_scale_with_the_ladder() {
    let s = small_scenario(300);
    let mut s2 = s.clone();
    s2.needs.help_hours_scale = 2.0;
    let a = grand_total(&run_model(&s, Levers::default(), REPS, 52, 5));
    let b = grand_total(&run_model(&s2, Levers::default(), REPS, 52, 5));
    let ratio = (b.help_requested / b.alive) / (a.help_requested / a.alive);
    assert!((1.9..2.1).contains(&ratio), "help requested per elder-week, scale 2 / scale 1 = {ratio}");
    // The defaults are the ladder's levels 8/16/32 h for the three limited states.
    assert_eq!(&Scenario::default().needs.help_hours[1..], &[8.0, 16.0, 32.0]);
}

// ---- 2. family care ----

/// Isolated share among live elders who have family (co-resident, or near or
/// distant children), counted each week after a warm-up, and the number counted.
fn isolation_with_family(s: &Scenario, weeks: u32) -> (f64, f64) {
    let m = Model::with_levers(s.clone(), Levers::default());
    let iso = s.metrics.isolation_weeks as i32;
    let (mut isolated, mut counted) = (0.0, 0.0);
    for rep in 0..REPS as u64 {
        let mut w: World = build_world(&m.scenario, 11, rep);
        let nc = m.n_communities();
        let mut recs = vec![WeekRecord::default(); nc];
        let mut bands = vec![AgeBands::default(); nc];
        for week in 0..weeks {
            step_week(&mut w, &m, &mut recs, &mut bands);
            if week < 8 {
                continue;
            }
            let wk = w.week as i32 - 1;
            for c in w.streets.iter().flat_map(|st| st.communities.iter()) {
                let e = &c.elders;
                for i in 0..e.len() {
                    let has_family = !e.lives_alone[i] || e.kin[i] != FAMILY_ABSENT;
                    if e.alive[i] && has_family {
                        counted += 1.0;
                        isolated += f64::from(u8::from(wk - e.last_contact[i] >= iso));
                    }
                }
            }
        }
    }
    (isolated / counted, counted)
}

/// Family contact is a weekly chance: with the defaults some elders who have
/// family are isolated; with family in touch every week none are.
#[test]
fn elders_with_family_can_be_isolated() {
    let s = small_scenario(300);
    let (chance, n) = isolation_with_family(&s, 60);
    let mut always = s.clone();
    always.family.contact_weekly = [1.0; 3];
    let (certain, _) = isolation_with_family(&always, 60);
    eprintln!(
        "isolation among elders with family: weekly chance {chance:.4}, always in touch {certain:.4} ({n} elder-weeks)"
    );
    assert!(n > 10_000.0, "elders with family counted: {n}");
    assert!(chance > 0.001, "isolation among elders with family, weekly contact by chance: {chance}");
    assert_eq!(certain, 0.0, "isolation among elders with family in touch every week");
}

/// Family hours rise with the elder's need, up to the family's capacity:
/// doubling needs raises family hours; capacity 0 for co-resident family cuts them.
#[test]
fn family_hours_rise_with_need_up_to_capacity() {
    let s = small_scenario(300);
    let base = mean_metric(&run_model(&s, Levers::default(), REPS, 104, 9), 52, "family_hours");
    let mut more = s.clone();
    more.needs.help_hours_scale = 2.0;
    let needier = mean_metric(&run_model(&more, Levers::default(), REPS, 104, 9), 52, "family_hours");
    assert!(needier > 1.15 * base, "family hours: need × 1 {base}, need × 2 {needier}");
    let mut small = s.clone();
    each_type(&mut small, |t| t.family_coresident_hours = 0.0);
    let capped = mean_metric(&run_model(&small, Levers::default(), REPS, 104, 9), 52, "family_hours");
    assert!(capped < 0.5 * base, "family hours: co-resident capacity 0 {capped}, default {base}");
}

/// `lives_alone` is read every week: an elder who moves in with family has
/// co-resident family from the next week on.
#[test]
fn moving_in_makes_family_coresident() {
    let mut s = small_scenario(200);
    s.family.contact_weekly = [1.0, 0.0, 0.0];
    each_type(&mut s, |t| t.family_absent_share = 1.0);
    let m = Model::with_levers(s.clone(), Levers::default());
    let lv = Levers::default();
    let mut w = build_world(&m.scenario, 3, 0);
    let c = &mut w.streets[0].communities[0];
    let n = c.elders.len();
    for i in 0..n {
        c.elders.lives_alone[i] = true;
        c.elders.kin[i] = FAMILY_ABSENT;
    }
    carenet_model::step::needs::needs(c, &m, &lv);
    assert!(c.elders.family_week.iter().all(|&h| h == 0.0), "elders alone without children get no family hours");
    for i in 0..n {
        c.elders.lives_alone[i] = false;
    }
    carenet_model::step::needs::needs(c, &m, &lv);
    let with = c.elders.family_week.iter().filter(|&&h| h > 0.0).count();
    assert!(with > n * 9 / 10, "after moving in, {with} of {n} elders have co-resident family hours");
    assert_eq!(FAMILY_CORESIDENT, 0);
}

// ---- 3. the paid market ----

/// Total paid hours over the second year, by voucher.
fn paid_total(s: &Scenario, voucher: f64) -> f64 {
    let res = run_model(s, Levers { voucher_weekly: voucher, ..Levers::default() }, REPS, 104, 21);
    by_type(&res, 52, 104, |r| r.help_by[carenet_model::metrics::PAID]).iter().sum()
}

/// A subsidy draws supply: tripling the voucher raises the total paid hours
/// when capacity follows demand, and (nearly) not when it is fixed.
#[test]
fn tripling_the_voucher_raises_total_paid_hours() {
    let s = small_scenario(400);
    let voucher = s.policies.care_subsidy.monthly_voucher * 12.0 / 52.0;
    let (one, three) = (paid_total(&s, voucher), paid_total(&s, 3.0 * voucher));
    let mut fixed = s.clone();
    fixed.paid_services.capacity_elasticity = 0.0;
    let (f1, f3) = (paid_total(&fixed, voucher), paid_total(&fixed, 3.0 * voucher));
    assert!(three > 1.05 * one, "paid hours, responsive market: voucher {one}, tripled {three}");
    assert!((three - one) > 3.0 * (f3 - f1).abs(), "gain: responsive {} vs fixed capacity {}", three - one, f3 - f1);
}

/// The capacity step: toward the initial capacity at ε = 0, toward demand at ε = 1.
#[test]
fn capacity_moves_toward_its_target() {
    use carenet_model::step::matching::paid::next_capacity;
    assert_eq!(next_capacity(10.0, 10.0, 40.0, 0.0, 0.5), 10.0);
    assert_eq!(next_capacity(10.0, 10.0, 40.0, 1.0, 0.5), 25.0);
    assert!((next_capacity(10.0, 10.0, 40.0, 0.5, 1.0) - 20.0).abs() < 1e-9);
    assert_eq!(next_capacity(10.0, 10.0, 0.0, 1.0, 1.0), 0.0);
}

// ---- 4. mutual aid that persists ----

/// The neighbours' share of help in each community type is steady: after two
/// years (a burn-in), year 5 is within 30% of year 1.
#[test]
fn mutual_aid_share_is_stationary_after_burn_in() {
    let s = small_scenario(600);
    let res = run_model(&s, Levers::default(), REPS, 7 * 52, 31);
    let y1 = mutual_aid_share(&res, 2 * 52, 3 * 52);
    let y5 = mutual_aid_share(&res, 6 * 52, 7 * 52);
    for k in 0..3 {
        assert!(y1[k] > 0.0, "type {k}: no mutual aid in year 1");
        let change = (y5[k] - y1[k]).abs() / y1[k];
        assert!(change < 0.3, "type {k}: neighbours' share year 1 {} → year 5 {} ({change:.2})", y1[k], y5[k]);
    }
}

/// Village share of neighbours' help in year 3 at awareness `a`.
fn village_share(s: &Scenario, a: f64) -> f64 {
    let mut s = s.clone();
    s.community_types.village.awareness = a;
    s.community_types.village.willingness_mean = a;
    let res = run_model(&s, Levers::default(), REPS, 3 * 52, 41);
    mutual_aid_share(&res, 2 * 52, 3 * 52)[CommunityType::Village.index()]
}

/// ±0.05 of awareness moves the village share smoothly with elders' own
/// thresholds; with one common threshold (the knife edge) it jumps.
#[test]
fn awareness_moves_mutual_aid_smoothly() {
    let s = small_scenario(600);
    let a = s.community_types.village.awareness;
    let spread = |s: &Scenario| (village_share(s, a - 0.05), village_share(s, a), village_share(s, a + 0.05));
    let (lo, mid, hi) = spread(&s);
    assert!(lo < mid && mid < hi, "village share at awareness −0.05, 0, +0.05: {lo} {mid} {hi}");
    assert!(hi / lo < 2.5, "village share ±0.05 awareness: {lo} → {hi}");
    let mut edge = s.clone();
    edge.mutual_aid.threshold_concentration = 1e6;
    let (elo, _, ehi) = spread(&edge);
    assert!(ehi / elo.max(1e-9) > 2.0 * (hi / lo), "one common threshold: {elo} → {ehi}; own thresholds: {lo} → {hi}");
}
