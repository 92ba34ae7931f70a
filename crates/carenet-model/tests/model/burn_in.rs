//! The burn-in (`simulation.burn_in_weeks`), the breakdowns (breakdowns.csv)
//! and the drift table (drift.csv).

use carenet_model::experiment::{RunConfig, RunResult, burnt_in_world, run};
use carenet_model::metrics::breakdown::{Breakdown, CELL_METRICS, breakdown_rows};
use carenet_model::metrics::drift::{allowed_change, drift_rows, run_drift};
use carenet_model::metrics::summary::Group;
use carenet_model::metrics::{MUTUAL_AID, PAID, WeekRecord};
use carenet_model::policy::{Levers, Package};
use carenet_model::scenario::{CommunityType, Scenario};
use carenet_model::step::calendar::week_of_year;
use carenet_model::step::{Model, step_week};
use carenet_model::world::World;

use crate::support::small_scenario;

fn run_with(m: &Model, reps: u32, weeks: u32, seed: u64, threads: usize) -> RunResult {
    run(m, &RunConfig { reps, seed, weeks, threads: Some(threads) }, &|| {}).expect("thread pool")
}

#[test]
fn week_one_falls_on_the_start_week_of_the_year() {
    assert_eq!(week_of_year(1, 0, 0), 1);
    assert_eq!(week_of_year(1, 0, 52), 1);
    assert_eq!(week_of_year(10, 30, 30), 10, "the first reported week is the start week");
    assert_eq!(week_of_year(10, 30, 0), 32, "the burn-in starts 30 weeks earlier in the year");
    assert_eq!(week_of_year(5, 10, 0), 47);
    assert_eq!(week_of_year(1, 104, 104), 1);
    assert_eq!(week_of_year(52, 1, 0), 51);
}

/// With the baseline's levers, a run with burn-in B that starts in week-of-year
/// s is the last weeks of a run without burn-in that starts B weeks earlier in
/// the year: week 1 of the first is week B+1 of the second, record for record,
/// and their final networks are the same. Nothing of the burn-in is reported.
#[test]
fn a_burnt_in_run_is_the_tail_of_a_longer_run() {
    let (b, weeks, start) = (30u32, 20u32, 10u32);
    let mut with = small_scenario(60);
    with.simulation.burn_in_weeks = b;
    with.simulation.start_week_of_year = start;
    let mut without = with.clone();
    without.simulation.burn_in_weeks = 0;
    without.simulation.start_week_of_year = week_of_year(start, b, 0);
    let a = run_with(&Model::new(with, Package::baseline()), 2, weeks, 11, 2);
    let long = run_with(&Model::new(without, Package::baseline()), 2, b + weeks, 11, 2);
    let nc = a.communities.len();
    for (ra, rl) in a.reps.iter().zip(&long.reps) {
        assert_eq!(ra.records.len(), weeks as usize * nc, "only the reported weeks are kept");
        assert_eq!(ra.records[..], rl.records[b as usize * nc..], "week 1 is week B+1 of the longer run");
        assert_eq!(ra.networks, rl.networks);
        // The age bands cover the reported weeks only: their person-weeks are the records' elders.
        let band_weeks: f64 = ra.bands.iter().flat_map(|x| x.person_weeks.iter().flatten()).sum();
        let alive: f64 = ra.records.iter().map(|r| r.alive).sum();
        assert_eq!(band_weeks, alive);
        let band_deaths: f64 = ra.bands.iter().flat_map(|x| x.deaths.iter()).sum();
        assert_eq!(band_deaths, ra.records.iter().map(|r| r.deaths).sum::<f64>());
    }
    // And the burn-in does change where week 1 starts from.
    let mut plain = small_scenario(60);
    plain.simulation.start_week_of_year = start;
    let p = run_with(&Model::new(plain, Package::baseline()), 2, weeks, 11, 2);
    assert_ne!(p.reps[0].records, a.reps[0].records);
}

/// What the state of a world is, column by column (elders, ties, time bank).
fn fingerprint(w: &World) -> Vec<u64> {
    let mut out = Vec::new();
    for st in &w.streets {
        for c in &st.communities {
            let e = &c.elders;
            for i in 0..e.len() {
                out.extend([
                    u64::from(e.alive[i]),
                    u64::from(e.age_weeks[i]),
                    u64::from(e.state[i]),
                    u64::from(e.loneliness[i].to_bits()),
                    u64::from(e.willingness[i].to_bits()),
                    u64::from(e.registered[i]),
                    u64::from(e.grade[i]),
                    e.last_contact[i] as u64,
                    u64::from(e.pair_kind[i]),
                    u64::from(e.time_bank[i].to_bits()),
                ]);
            }
            out.extend(
                c.graph
                    .live_edges()
                    .map(|(a, b, s)| (u64::from(a) << 40) ^ (u64::from(b) << 8) ^ u64::from(s.to_bits())),
            );
            out.push(c.time_bank_outstanding.to_bits());
        }
        out.extend(st.students.iter().map(|s| u64::from(s.enrolled)));
    }
    out
}

/// Every package reaches week 1 in the baseline's state (the burn-in runs the
/// baseline's levers), although the same weeks under the package would have
/// changed it; policy windows count from week 1.
#[test]
fn packages_start_week_one_from_the_same_state() {
    let b = 26u32;
    let mut s = small_scenario(60);
    s.simulation.burn_in_weeks = b;
    let study = Package::resolve(&s, "study_package").unwrap();
    let base = Model::new(s.clone(), Package::baseline());
    let pkg = Model::new(s.clone(), study.clone());
    for rep in 0..2 {
        let wb = burnt_in_world(&base, 5, rep, 52, 52);
        let wp = burnt_in_world(&pkg, 5, rep, 52, 52);
        assert_eq!(wb.week, b);
        assert_eq!(fingerprint(&wb), fingerprint(&wp), "rep {rep}: same state at week 1");
    }
    // Control: the same weeks run under the package (no burn-in) do move the state.
    let mut s0 = s.clone();
    s0.simulation.burn_in_weeks = 0;
    let (base0, pkg0) = (Model::new(s0.clone(), Package::baseline()), Model::new(s0, study));
    let step = |m: &Model| {
        let mut w = burnt_in_world(m, 5, 0, 52, 52);
        let nc = m.n_communities();
        let (mut recs, mut bands) = (vec![WeekRecord::default(); nc], vec![Default::default(); nc]);
        for _ in 0..b {
            step_week(&mut w, m, &mut recs, &mut bands);
        }
        fingerprint(&w)
    };
    assert_ne!(step(&base0), step(&pkg0));
    // Policy windows count from week 1: the package's levers are off during the
    // burn-in and on from the first reported week.
    let wp = burnt_in_world(&pkg, 5, 0, 52, 52);
    let st = &wp.streets[0];
    assert_eq!(pkg.levers_for(st, b - 1), Levers::neutral());
    assert_ne!(pkg.levers_for(st, b), Levers::neutral());
}

/// A package window that opens in week 5 opens in reported week 5, whatever the burn-in.
#[test]
fn policy_windows_count_from_week_one() {
    let mut s = small_scenario(40);
    s.policies.care_subsidy.start_week = 5;
    s.simulation.burn_in_weeks = 13;
    let m = Model::new(s.clone(), Package::resolve(&s, "care_subsidy").unwrap());
    let w = burnt_in_world(&m, 1, 0, 52, 52);
    let st = &w.streets[0];
    assert_eq!(m.levers_for(st, 13 + 4).voucher_weekly, 0.0);
    assert!(m.levers_for(st, 13 + 5).voucher_weekly > 0.0);
}

fn window_sum(res: &RunResult, rep: usize, window: u32) -> WeekRecord {
    let mut acc = WeekRecord::default();
    let first = (res.weeks - window) as usize;
    for w in first..res.weeks as usize {
        for c in 0..res.communities.len() {
            acc.add(res.record(rep, w, c));
        }
    }
    acc
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

/// Each dimension partitions the elders: its cells add up to the records of
/// the summary window (and only the window), for every headline count.
#[test]
fn breakdowns_add_up_to_the_window_records() {
    let mut s = small_scenario(80);
    s.metrics.summary_window = 13;
    s.simulation.burn_in_weeks = 4;
    let m = Model::new(s, Package::baseline());
    let res = run_with(&m, 2, 30, 3, 2);
    for rep in 0..2 {
        let want = window_sum(&res, rep, 13);
        let mut all = Breakdown::default();
        for b in &res.reps[rep].breakdowns {
            all.add(b);
        }
        for dim in ["age_band", "sex", "living_arrangement", "grade"] {
            let groups = all.groups(dim);
            assert!(groups.len() >= 2);
            let mut t = carenet_model::metrics::breakdown::Cell::default();
            for (_, c) in &groups {
                t.add(c);
            }
            assert_eq!(t.person_weeks, want.alive, "{dim}");
            assert!(want.alive > 0.0);
            assert_eq!(
                (t.isolated, t.lonely, t.registered, t.paired),
                (want.isolated, want.lonely, want.registered, want.paired),
                "{dim}"
            );
            assert_eq!(t.state, want.state, "{dim}");
            assert_eq!(t.deaths, want.deaths, "{dim}");
            assert!(
                close(t.help_requested, want.help_requested),
                "{dim}: {} vs {}",
                t.help_requested,
                want.help_requested
            );
            assert!(close(t.help_unmet, want.help_unmet), "{dim}");
            assert!(close(t.loneliness_sum, want.loneliness_sum), "{dim}");
        }
        // Grade cells agree with the record's by-grade sums.
        let g = all.groups("grade");
        for k in 0..3 {
            assert_eq!(g[k].1.person_weeks, want.grade[k]);
            assert!(close(g[k].1.help_requested, want.help_requested_by_grade[k]));
        }
    }
}

/// Breakdowns are the same whatever the thread count, and the rows cover
/// every metric × group with n = replications.
#[test]
fn breakdown_rows_are_reproducible_and_complete() {
    let s: Scenario = small_scenario(60);
    let m = Model::new(s, Package::baseline());
    let one = run_with(&m, 3, 20, 8, 1);
    let two = run_with(&m, 3, 20, 8, 2);
    let bd = |r: &RunResult| r.reps.iter().map(|x| x.breakdowns.clone()).collect::<Vec<_>>();
    assert_eq!(bd(&one), bd(&two));
    let kinds: Vec<CommunityType> = one.communities.iter().map(|c| c.kind).collect();
    let rows = breakdown_rows("baseline", &bd(&one), &kinds);
    // 8 age bands + 2 sexes + 2 living arrangements + 3 community types + 3 grades.
    assert_eq!(rows.len(), CELL_METRICS.len() * 18);
    let iso: Vec<_> = rows.iter().filter(|r| r.metric == "isolation_rate").collect();
    let dims: Vec<_> = iso.iter().map(|r| (r.dimension, r.group)).collect();
    assert_eq!(dims[0], ("age_band", "60-64"));
    assert_eq!(dims[7], ("age_band", "95+"));
    assert_eq!(
        dims[8..12],
        [("sex", "male"), ("sex", "female"), ("living_arrangement", "alone"), ("living_arrangement", "not_alone")]
    );
    assert_eq!(dims[12], ("community_type", "commercial_estate"));
    assert_eq!(dims[15..], [("grade", "1"), ("grade", "2"), ("grade", "3")]);
    let male = rows.iter().find(|r| r.metric == "registered_share" && r.group == "male").unwrap();
    assert_eq!(male.interval.n, 3);
    assert!(male.interval.mean > 0.0 && male.interval.mean <= 1.0);
    // A community type's cell is its communities' totals.
    let village = rows.iter().find(|r| r.metric == "registered_share" && r.group == "village").unwrap();
    let xs: Vec<f64> = one
        .reps
        .iter()
        .map(|r| {
            let t = r.breakdowns[1].total();
            t.registered / t.person_weeks
        })
        .collect();
    assert!(close(village.interval.mean, xs.iter().sum::<f64>() / 3.0));
}

/// Records with a given share: `num` of `den` in the fields a metric reads.
fn rec(isolated: f64, alive: f64, mutual: f64, paid: f64) -> [WeekRecord; 4] {
    let mut r = WeekRecord { weeks: 52.0, alive, isolated, ..WeekRecord::default() };
    r.help_by[MUTUAL_AID] = mutual;
    r.help_by[PAID] = paid;
    // Only the first group (commercial estates) and all communities are present.
    [r, WeekRecord::default(), WeekRecord::default(), r]
}

#[test]
fn drift_rule_on_constructed_records() {
    assert_eq!(allowed_change("isolation_rate", 0.10), 0.02);
    assert!(close(allowed_change("isolation_rate", 0.50), 0.06));
    assert!(close(allowed_change("mutual_aid_share", 0.10), 0.03));
    assert!(close(allowed_change("deaths_per_1000_per_year", 60.0), 7.2));
    assert_eq!(allowed_change("deaths_per_1000_per_year", 10.0), 2.0);
    // Two replications; isolation 0.10 → 0.13 (fails: +3 points > 2), mutual
    // aid 0.10 → 0.12 (passes: 20% < 30%).
    let first = [rec(10.0, 100.0, 1.0, 9.0), rec(20.0, 200.0, 1.0, 9.0)];
    let last = [rec(13.0, 100.0, 1.2, 8.8), rec(26.0, 200.0, 1.2, 8.8)];
    let rows = drift_rows(&first, &last);
    let get = |m: &str, g: Group| rows.iter().find(|r| r.metric == m && r.group == g).unwrap().clone();
    let iso = get("isolation_rate", Group::All);
    assert!(close(iso.first_year, 0.10) && close(iso.last_year, 0.13) && close(iso.change, 0.03));
    assert_eq!(iso.allowed, 0.02);
    assert!(!iso.pass);
    let ma = get("mutual_aid_share", Group::Type(CommunityType::CommercialEstate));
    assert!(close(ma.change, 0.02) && ma.pass);
    // Absent community types get no row.
    assert!(!rows.iter().any(|r| r.group == Group::Type(CommunityType::Village)));
    // Within 2 points passes; mutual aid moving by 40% fails.
    let last = [rec(11.5, 100.0, 1.4, 8.6), rec(23.0, 200.0, 1.4, 8.6)];
    let rows = drift_rows(&first, &last);
    assert!(rows.iter().find(|r| r.metric == "isolation_rate" && r.group == Group::All).unwrap().pass);
    assert!(!rows.iter().find(|r| r.metric == "mutual_aid_share" && r.group == Group::All).unwrap().pass);
    // An undefined mean fails.
    let none = [rec(0.0, 0.0, 0.0, 0.0), rec(0.0, 0.0, 0.0, 0.0)];
    let rows = drift_rows(&none, &none);
    assert!(!rows.iter().find(|r| r.metric == "isolation_rate" && r.group == Group::All).unwrap().pass);
}

/// The drift table of a run compares weeks 1–52 with the last 52 weeks, and
/// needs two years.
#[test]
fn drift_of_a_run() {
    let s = small_scenario(60);
    let m = Model::new(s, Package::baseline());
    let res = run_with(&m, 2, 104, 4, 2);
    let kinds: Vec<CommunityType> = res.communities.iter().map(|c| c.kind).collect();
    let rec = |r: usize, w: usize, c: usize| *res.record(r, w, c);
    assert!(run_drift(2, 103, &kinds, rec).is_none());
    let rows = run_drift(2, 104, &kinds, rec).unwrap();
    let iso = rows.iter().find(|r| r.metric == "isolation_rate" && r.group == Group::All).unwrap();
    let year = |from: usize, r: usize| {
        let mut acc = WeekRecord::default();
        for w in from..from + 52 {
            for c in 0..kinds.len() {
                acc.add(res.record(r, w, c));
            }
        }
        acc.isolated / acc.alive
    };
    assert!(close(iso.first_year, (year(0, 0) + year(0, 1)) / 2.0));
    assert!(close(iso.last_year, (year(52, 0) + year(52, 1)) / 2.0));
    assert_eq!(rows.len(), 11 * 4);
}

/// The city driver runs the same burn-in, street by street.
#[test]
fn city_streets_are_burnt_in_too() {
    use carenet_model::experiment::city::run_street;
    let (b, weeks, start) = (12u32, 10u32, 3u32);
    let mut with = small_scenario(50);
    with.simulation.burn_in_weeks = b;
    with.simulation.start_week_of_year = start;
    let mut without = with.clone();
    without.simulation.burn_in_weeks = 0;
    without.simulation.start_week_of_year = week_of_year(start, b, 0);
    let cfg = |weeks| carenet_model::experiment::city::StreetsConfig {
        seed: 4,
        weeks,
        threads: Some(1),
        keep_records: false,
    };
    let a = run_street(&Model::new(with, Package::baseline()), &cfg(weeks), 0, 0);
    let long = run_street(&Model::new(without, Package::baseline()), &cfg(b + weeks), 0, 0);
    assert_eq!(a.weekly.len(), weeks as usize);
    assert_eq!(a.weekly[..], long.weekly[b as usize..]);
}

/// Packages of one scenario share each replication's burn-in
/// (`run_replication_shared`): the world is burnt in once and copied, streams
/// included. Every result is the bytes of the separate run, including for a
/// variant whose scenario differs (it gets its own burn-in).
#[test]
fn a_shared_burn_in_gives_the_bytes_of_separate_runs() {
    use carenet_model::experiment::{run_replication, run_replication_shared};
    let mut s = small_scenario(60);
    s.simulation.burn_in_weeks = 20;
    let mut other = s.clone();
    other.ties.decay_weekly *= 2.0;
    let models = vec![
        Model::new(s.clone(), Package::baseline()),
        Model::new(s.clone(), Package::resolve(&s, "study_package").unwrap()),
        Model::new(other.clone(), Package::baseline()),
        Model::new(s.clone(), Package::resolve(&s, "care_subsidy").unwrap()),
    ];
    for rep in 0..2 {
        let shared = run_replication_shared(&models, 7, rep, 30, |i, r| (i, r));
        assert_eq!(shared.len(), models.len());
        for (i, (j, r)) in shared.iter().enumerate() {
            assert_eq!(i, *j, "results come back in the models' order");
            let alone = run_replication(&models[i], 7, rep, 30);
            assert_eq!(r.records, alone.records, "rep {rep}, model {i}: records");
            assert_eq!(r.bands, alone.bands, "rep {rep}, model {i}: age bands");
            assert_eq!(r.breakdowns, alone.breakdowns, "rep {rep}, model {i}: breakdowns");
        }
        // The package does change the run (the copies are not one world reused).
        assert_ne!(shared[0].1.records, shared[1].1.records);
    }
}

/// A copied world continues exactly as the original would: the same records
/// week after week (the streams resume at the same word).
#[test]
fn a_copied_world_continues_as_the_original() {
    let mut s = small_scenario(60);
    s.simulation.burn_in_weeks = 7;
    let m = Model::new(s, Package::baseline());
    let mut a = burnt_in_world(&m, 3, 1, 20, 20);
    let mut b = a.clone();
    let nc = m.n_communities();
    let (mut ra, mut rb) = (vec![WeekRecord::default(); nc], vec![WeekRecord::default(); nc]);
    let (mut ba, mut bb) = (vec![Default::default(); nc], vec![Default::default(); nc]);
    for _ in 0..20 {
        step_week(&mut a, &m, &mut ra, &mut ba);
        step_week(&mut b, &m, &mut rb, &mut bb);
        assert_eq!(ra, rb);
    }
    assert_eq!(fingerprint(&a), fingerprint(&b));
}
