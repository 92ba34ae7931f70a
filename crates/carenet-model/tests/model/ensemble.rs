//! Running over a calibrated ensemble (`--ensemble`): replication r runs on
//! point r mod K, packages stay paired on the point, sweeps keep their own keys.

use carenet_model::experiment::compare::{ensemble_rows, run_compare_models};
use carenet_model::experiment::ensemble::{Ensemble, per_point_means, share_below};
use carenet_model::experiment::{RunConfig, run, run_replication};
use carenet_model::policy::Package;
use carenet_model::scenario::path::set_numbers;
use carenet_model::step::Model;

use crate::support::small_scenario;

fn two_points() -> Ensemble {
    Ensemble {
        keys: vec!["ties.decay_weekly".into(), "needs.help_hours_scale".into()],
        points: vec![vec![0.002, 0.6], vec![0.008, 1.8]],
        label: "test".into(),
        checksum: "sha256:test".into(),
    }
}

fn cfg(reps: u32) -> RunConfig {
    RunConfig { reps, seed: 11, weeks: 20, threads: Some(2) }
}

#[test]
fn replication_r_runs_on_point_r_mod_k() {
    let s = small_scenario(60);
    let ens = two_points();
    let m = Model::new(s.clone(), Package::baseline()).with_ensemble(&ens).unwrap();
    assert_eq!(m.ensemble_points(), 2);
    let res = run(&m, &cfg(4), &|| {}).unwrap();
    for r in 0..4u32 {
        let point = set_numbers(&s, &ens.point(r as usize % 2)).unwrap();
        let alone = run_replication(&Model::new(point, Package::baseline()), 11, r, 20);
        assert_eq!(res.reps[r as usize].records, alone.records, "replication {r}");
    }
    // …and the points differ, so the ensemble is not a no-op.
    let plain = run(&Model::new(s, Package::baseline()), &cfg(2), &|| {}).unwrap();
    assert_ne!(plain.reps[0].records, res.reps[0].records);
    assert_ne!(plain.reps[1].records, res.reps[1].records);
}

#[test]
fn compare_pairs_each_replication_on_the_same_point() {
    let s = small_scenario(60);
    let ens = two_points();
    let base = Model::new(s.clone(), Package::baseline()).with_ensemble(&ens).unwrap();
    let pkg = Package::resolve(&s, "care_subsidy").unwrap();
    let sub = Model::new(s.clone(), pkg.clone()).with_ensemble(&ens).unwrap();
    let res = run_compare_models(&[base, sub], &cfg(4), 20, &|| {}).unwrap();
    assert_eq!(res.packages, ["baseline", "care_subsidy"]);
    // The package's replication 1 is the package run alone on point 1 with replication 1's seeds.
    let point1 = set_numbers(&s, &ens.point(1)).unwrap();
    let alone = run_replication(&Model::new(point1, pkg), 11, 1, 20);
    let kinds: Vec<_> = s.streets[0].communities.iter().map(|c| c.kind).collect();
    let d = carenet_model::experiment::compare::digest(&alone.records, &kinds, 20, 20);
    assert_eq!(res.digests[1][1].window, d.window);
    let rows = ensemble_rows(&res, 2);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].points, 2);
    assert_eq!(rows[0].reps_per_point, 2);
    assert!((0.0..=1.0).contains(&rows[0].p_lowers_unmet_1pt));
    assert!(rows[0].effect_low <= rows[0].effect_mean.max(rows[0].effect_low));
}

#[test]
fn a_sweeps_own_keys_win_over_the_points() {
    let s = small_scenario(60);
    let ens = two_points();
    let s2 = set_numbers(&s, &[("ties.decay_weekly".into(), 0.005)]).unwrap();
    let m = Model::new(s2, Package::baseline()).with_ensemble_except(&ens, &["ties.decay_weekly".into()]).unwrap();
    for r in 0..2 {
        let p = m.for_rep(r);
        assert_eq!(p.scenario.ties.decay_weekly, 0.005);
        assert_eq!(p.scenario.needs.help_hours_scale, ens.points[r as usize][1]);
    }
}

#[test]
fn a_point_out_of_range_is_refused() {
    let s = small_scenario(60);
    let mut ens = two_points();
    ens.points[1][1] = -3.0;
    let (i, e) = ens.check(&s).unwrap_err();
    assert_eq!(i, 1);
    assert!(e.to_string().contains("needs.help_hours_scale"), "{e}");
    ens.keys[0] = "ties.decay_weakly".into();
    assert!(ens.check(&s).unwrap_err().1.to_string().contains("did you mean"));
}

#[test]
fn per_point_means_and_the_probability() {
    // Replications 0..5 on 2 points: point 0 gets 0, 2, 4; point 1 gets 1, 3.
    let m = per_point_means(&[-0.03, 0.0, -0.01, 0.02, -0.02], 2);
    assert_eq!(m, vec![Some(-0.02), Some(0.01)]);
    assert_eq!(share_below(&m, -0.01), Some(0.5));
    assert_eq!(per_point_means(&[1.0], 3), vec![Some(1.0), None, None]);
    assert_eq!(share_below(&[None], 0.0), None);
}
