//! Experiment drivers without the command line: the claims file, the Latin hypercube,
//! dotted key paths, the sensitivity methods on functions with known indices, and the
//! city driver against one whole-world replication.

use carenet_model::experiment::reproduce::{Claims, DEFAULT_CLAIMS, latin_hypercube};
use carenet_model::scenario::load::load_default;
use carenet_model::scenario::path::{PathError, get_number, set_number};

#[test]
fn claims_file_parses_and_every_variant_exists() {
    let s = load_default().scenario;
    let claims = Claims::parse(DEFAULT_CLAIMS, "claims.toml", &s).unwrap();
    let ids: Vec<&str> = claims.claims.iter().map(|c| c.id.as_str()).collect();
    for id in ["D1", "D2", "D3", "D4", "R1", "R2", "R3", "R4", "R5", "R6", "R7", "R8", "R9", "L1"] {
        assert!(ids.contains(&id), "claim {id} missing");
    }
    for c in &claims.claims {
        assert!(!c.quote_zh.is_empty() && !c.statement_en.is_empty() && !c.section.is_empty());
    }
}

#[test]
fn latin_hypercube_puts_one_point_in_each_stratum() {
    let ranges = vec![("a".to_string(), [0.0, 1.0]), ("b".to_string(), [10.0, 20.0])];
    let k = 8;
    let draws = latin_hypercube(&ranges, k, 3);
    assert_eq!(draws.len(), k);
    for (dim, (_, [lo, hi])) in ranges.iter().enumerate() {
        let mut strata: Vec<usize> =
            draws.iter().map(|d| (((d[dim].1 - lo) / (hi - lo)) * k as f64) as usize).collect();
        strata.sort();
        assert_eq!(strata, (0..k).collect::<Vec<_>>());
    }
    assert_eq!(latin_hypercube(&ranges, k, 3), draws, "deterministic in the seed");
}

#[test]
fn parameters_are_read_and_set_by_dotted_key() {
    let s = load_default().scenario;
    assert_eq!(get_number(&s, "health.mortality_slope").unwrap(), s.health.mortality_slope);
    assert_eq!(get_number(&s, "street[0].community[2].elders").unwrap(), s.streets[0].communities[2].elders as f64);
    let t = set_number(&s, "community_types.village.network.kin_degree", 4.5).unwrap();
    assert_eq!(t.community_types.village.network.kin_degree, 4.5);
    assert_eq!(t.community_types.commercial_estate, s.community_types.commercial_estate);
    assert!(matches!(set_number(&s, "ties.visit_weekly", 1.5), Err(PathError::OutOfRange { .. })));
    assert!(matches!(set_number(&s, "street[0].students", 2.5), Err(PathError::OutOfRange { .. })));
    let e = set_number(&s, "ties.visit_weekyl", 0.2).unwrap_err().to_string();
    assert!(e.contains("visit_weekly"), "{e}");
    // Every [uncertainty] range names a parameter and both ends are valid values.
    for (key, [lo, hi]) in &s.uncertainty {
        set_number(&s, key, *lo).unwrap_or_else(|e| panic!("{key} low: {e}"));
        set_number(&s, key, *hi).unwrap_or_else(|e| panic!("{key} high: {e}"));
    }
}

mod sensitivity_methods {
    use carenet_model::experiment::sensitivity::{morris_design, morris_indices, saltelli_design, sobol_indices};
    use std::f64::consts::PI;

    /// Ishigami (a = 7, b = 0.1) on [-π, π]³, the unit cube mapped onto it.
    fn ishigami(u: &[f64]) -> f64 {
        let x: Vec<f64> = u.iter().map(|v| -PI + 2.0 * PI * v).collect();
        x[0].sin() + 7.0 * x[1].sin().powi(2) + 0.1 * x[2].powi(4) * x[0].sin()
    }

    #[test]
    fn sobol_indices_match_the_ishigami_function() {
        // Analytic values (Ishigami & Homma 1990; Sobol' & Levitan 1999).
        let first = [0.3139, 0.4424, 0.0];
        let total = [0.5576, 0.4424, 0.2437];
        let n = 20_000;
        let xs = saltelli_design(3, n, 11);
        let ys: Vec<f64> = xs.iter().map(|x| ishigami(x)).collect();
        let s = sobol_indices(&ys, 3, n, 100, 11);
        for i in 0..3 {
            assert!((s[i].first.value - first[i]).abs() < 0.04, "S{i} = {:?}, expected {}", s[i].first, first[i]);
            assert!((s[i].total.value - total[i]).abs() < 0.04, "ST{i} = {:?}, expected {}", s[i].total, total[i]);
            for (e, truth) in [(s[i].first, first[i]), (s[i].total, total[i])] {
                assert!(e.ci_low < e.value && e.value < e.ci_high, "{e:?}");
                assert!(e.ci_low - 0.02 < truth && truth < e.ci_high + 0.02, "interval {e:?} far from {truth}");
            }
        }
    }

    #[test]
    fn morris_effects_of_a_known_function() {
        // y = 2·x0 − 3·x1 + 0·x2 + x3²: elementary effects are exactly 2, −3 and 0 (σ = 0);
        // x3's vary with where the step starts (on the 4-level grid: 1/3… 5/3, mean over levels).
        let (k, r) = (4, 40);
        let xs = morris_design(k, r, 3);
        assert_eq!(xs.len(), r * (k + 1));
        let ys: Vec<f64> = xs.iter().map(|x| 2.0 * x[0] - 3.0 * x[1] + x[3] * x[3]).collect();
        let m = morris_indices(&xs, &ys, k, r, 100, 3);
        let close = |a: f64, b: f64| (a - b).abs() < 1e-9;
        assert!(
            close(m[0].mu_star.value, 2.0) && close(m[0].mu.value, 2.0) && close(m[0].sigma.value, 0.0),
            "{:?}",
            m[0]
        );
        assert!(
            close(m[1].mu_star.value, 3.0) && close(m[1].mu.value, -3.0) && close(m[1].sigma.value, 0.0),
            "{:?}",
            m[1]
        );
        assert!(close(m[2].mu_star.value, 0.0), "{:?}", m[2]);
        // (b² − a²)/(b − a) = a + b with |b − a| = 2/3: a + b is 2/3 (0↔2/3) or 4/3 (1/3↔1).
        assert!(m[3].mu_star.value > 0.6 && m[3].mu_star.value < 1.4 && m[3].sigma.value > 0.1, "{:?}", m[3]);
        assert!(m[3].mu_star.ci_low <= m[3].mu_star.value && m[3].mu_star.value <= m[3].mu_star.ci_high);
    }
}

mod city {
    use carenet_model::experiment::city::{RepDigest, StreetsConfig, run_streets, work_items};
    use carenet_model::experiment::run_replication;
    use carenet_model::metrics::AgeBands;
    use carenet_model::metrics::breakdown::BreakdownDigest;
    use carenet_model::metrics::summary::group_sums;
    use carenet_model::policy::Package;
    use carenet_model::step::Model;

    /// Runs `reps` replications street by street on `threads` threads (items in work order).
    fn streetwise(m: &Model, reps: u32, weeks: u32, threads: usize) -> (Vec<RepDigest>, Vec<(u32, usize)>) {
        let cfg = StreetsConfig { seed: 9, weeks, threads: Some(threads), keep_records: true };
        let items = work_items(reps, m.scenario.streets.len());
        let mut out: Vec<RepDigest> = (0..reps).map(|_| RepDigest::new(weeks)).collect();
        let mut order = Vec::new();
        run_streets(m, &cfg, &items, &|| {}, |d| {
            order.push((d.rep, d.street));
            out[d.rep as usize].add(&d);
            Ok::<(), ()>(())
        })
        .unwrap()
        .unwrap();
        (out, order)
    }

    #[test]
    fn street_count_expands_and_streets_run_alone_match_the_whole_world() {
        let mut s = crate::support::small_scenario(40);
        s.streets[0].count = 3;
        s.expand_street_counts();
        let names: Vec<&str> = s.streets.iter().map(|x| x.name.as_str()).collect();
        assert_eq!(names, ["test_street-001", "test_street-002", "test_street-003"]);
        assert!(carenet_model::scenario::validate::validate(&s).is_empty());
        let m = Model::new(s, Package::baseline());
        let weeks = 20;
        let (one, order) = streetwise(&m, 2, weeks, 1);
        let (two, _) = streetwise(&m, 2, weeks, 2);
        assert_eq!(one, two, "depends on threads");
        assert_eq!(order, work_items(2, 3), "digests reach the sink in work order");
        let kinds: Vec<_> = m.scenario.streets.iter().flat_map(|st| st.communities.iter().map(|c| c.kind)).collect();
        for rep in 0..2u32 {
            // The whole world in one piece, reduced street by street in the same order.
            let whole = run_replication(&m, 9, rep, weeks);
            let mut expect = RepDigest::new(weeks);
            for si in 0..3 {
                let k = &kinds[si * 3..si * 3 + 3];
                for w in 0..weeks as usize {
                    let sums = group_sums(k, |c| whole.records[w * 9 + si * 3 + c]);
                    for g in 0..4 {
                        expect.weekly[w][g].add(&sums[g]);
                    }
                }
                let mut b = AgeBands::default();
                for x in &whole.bands[si * 3..si * 3 + 3] {
                    b.add(x);
                }
                expect.bands.add(&b);
                expect.breakdown.add(&BreakdownDigest::of(&whole.breakdowns[si * 3..si * 3 + 3], k));
            }
            let got = &one[rep as usize];
            assert_eq!(got.weekly, expect.weekly, "rep {rep}: weekly sums");
            assert_eq!(got.bands, expect.bands, "rep {rep}: age bands");
            assert_eq!(got.breakdown, expect.breakdown, "rep {rep}: breakdowns");
            if rep == 0 {
                assert!(!got.networks.is_empty());
                assert_eq!(got.networks, whole.networks, "network snapshots");
            } else {
                assert!(got.networks.is_empty());
            }
        }
        let per_street = |si: usize| {
            let cfg = StreetsConfig { seed: 9, weeks, threads: Some(1), keep_records: false };
            carenet_model::experiment::city::run_street(&m, &cfg, 0, si).weekly
        };
        assert_ne!(per_street(0), per_street(1), "copies have their own streams");
    }
}
