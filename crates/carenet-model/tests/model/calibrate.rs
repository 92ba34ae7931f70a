//! History matching (`carenet_model::calibrate`) on a toy simulator with a
//! known answer, the emulator on a known function, and the targets file.

use carenet_model::calibrate::gp::Emulator;
use carenet_model::calibrate::targets::TargetFile;
use carenet_model::calibrate::{Runs, Settings, Space, Stop, WaveRuns, check_point, history_match, point_file};
use carenet_model::scenario::Scenario;
use rand::RngExt;

/// The toy simulator: two outputs of two parameters, with noise.
fn toy(x: &[f64], rep: u32, seed: u64) -> Vec<f64> {
    let key = (x[0] * 1e9) as u64 ^ ((x[1] * 1e9) as u64).rotate_left(29);
    let mut rng = carenet_model::streams::rng(seed, rep as u64, key, 0);
    let (a, b) = ((rng.random::<f64>() - 0.5) * 0.04, (rng.random::<f64>() - 0.5) * 0.04);
    vec![x[0] + x[1] + a, 2.0 * x[0] - x[1] + 0.5 * (3.0 * x[1]).sin() + b]
}

const TRUTH: [f64; 2] = [0.3, 0.7];

fn toy_targets() -> TargetFile {
    let t1 = TRUTH[0] + TRUTH[1];
    let t2 = 2.0 * TRUTH[0] - TRUTH[1] + 0.5 * (3.0 * TRUTH[1]).sin();
    let text = format!(
        "[[target]]\nid = \"sum\"\nmetric = \"lonely_share\"\nobserved = {t1}\nse = 0.01\ndiscrepancy = 0.01\n\
         [[target]]\nid = \"wave\"\nmetric = \"disabled_share\"\nobserved = {t2}\nse = 0.01\ndiscrepancy = 0.01\n"
    );
    TargetFile::parse(&text, "toy.toml").unwrap()
}

fn toy_space() -> Space {
    let s = Scenario::default();
    Space::new(&s, &[("ties.visit_weekly".into(), [0.0, 1.0]), ("ties.decay_weekly".into(), [0.0, 1.0])]).unwrap()
}

fn run_toy(set: &Settings, calls: &mut usize) -> carenet_model::calibrate::Outcome {
    let targets = toy_targets();
    let space = toy_space();
    let mut eval = |_wave: usize, points: &[Vec<f64>]| -> Result<WaveRuns, _> {
        *calls += points.len();
        Ok(points.iter().map(|p| Some((0..set.reps).map(|r| toy(p, r, set.seed)).collect::<Runs>())).collect())
    };
    history_match(&space, &targets.targets, set, &mut eval).unwrap()
}

#[test]
fn history_matching_recovers_the_true_region_of_a_toy_simulator() {
    let mut set = Settings::new(3, 20, 2, 11);
    set.candidates = 4000;
    let mut calls = 0;
    let o = run_toy(&set, &mut calls);
    assert_eq!(o.stop, Stop::Complete);
    assert_eq!(o.waves.len(), 3);
    assert_eq!(calls, o.points.len());
    let targets = toy_targets();
    let space = toy_space();
    // The truth is never ruled out.
    let at_truth = o.emulated_implausibility(&space, &targets.targets, &TRUTH);
    assert!(at_truth <= 3.0, "the truth is ruled out (implausibility {at_truth})");
    // Most of the space is ruled out, and more with each wave.
    let last = o.waves.last().unwrap();
    assert!(last.ruled_out > 0.9, "only {:.1}% of the space ruled out", last.ruled_out * 100.0);
    assert!(o.waves[0].ruled_out <= last.ruled_out + 1e-12);
    // The plausible run points lie around the truth, and later waves find more of them.
    let plausible: Vec<_> = o.points.iter().filter(|p| p.plausible(3.0)).collect();
    assert!(plausible.len() >= 5, "{} plausible points", plausible.len());
    for p in &plausible {
        let d = ((p.values[0] - TRUTH[0]).powi(2) + (p.values[1] - TRUTH[1]).powi(2)).sqrt();
        assert!(d < 0.15, "plausible point {:?} is {d:.3} from the truth", p.values);
    }
    let in_wave = |w: usize| o.points.iter().filter(|p| p.wave == w && p.plausible(3.0)).count();
    assert!(in_wave(3) > in_wave(1), "wave 3 finds {} plausible points, wave 1 {}", in_wave(3), in_wave(1));
    // Far from the truth is ruled out.
    assert!(o.emulated_implausibility(&space, &targets.targets, &[0.9, 0.1]) > 3.0);
    let best = o.best().unwrap();
    assert!(best.plausible(3.0));
    // The emulators are honest: most standardised leave-one-out errors within ±3.
    for q in &last.loo {
        assert!(q.within3 >= 0.9, "{}: {:.0}% of LOO errors within ±3", q.target, q.within3 * 100.0);
    }
}

#[test]
fn history_matching_is_deterministic() {
    let mut set = Settings::new(2, 10, 2, 5);
    set.candidates = 1000;
    let (mut a, mut b) = (0, 0);
    let (x, y) = (run_toy(&set, &mut a), run_toy(&set, &mut b));
    assert_eq!(x.points, y.points);
    assert_eq!(x.waves, y.waves);
}

#[test]
fn a_wave_with_missing_points_stops_pending() {
    let targets = toy_targets();
    let space = toy_space();
    let set = Settings { candidates: 500, ..Settings::new(3, 6, 1, 1) };
    let mut eval = |_w: usize, points: &[Vec<f64>]| -> Result<WaveRuns, _> {
        Ok(points.iter().enumerate().map(|(i, p)| (i % 2 == 0).then(|| vec![toy(p, 0, 1)])).collect())
    };
    let o = history_match(&space, &targets.targets, &set, &mut eval).unwrap();
    assert_eq!(o.stop, Stop::Pending { wave: 1, done: 3, total: 6 });
    assert!(o.points.is_empty());
}

#[test]
fn the_emulator_interpolates_a_smooth_function_and_knows_its_error() {
    let f = |x: &[f64]| (3.0 * x[0]).sin() + x[1] * x[1];
    let xs: Vec<Vec<f64>> = (0..30).map(|i| vec![(i as f64 * 0.618_034) % 1.0, (i as f64 * 0.414_214) % 1.0]).collect();
    let ys: Vec<f64> = xs.iter().map(|x| f(x)).collect();
    let e = Emulator::fit(&xs, &ys, 300);
    let mut scratch = Vec::new();
    for p in [[0.2, 0.3], [0.5, 0.5], [0.8, 0.9]] {
        let (m, v) = e.predict(&p, &mut scratch);
        assert!((m - f(&p)).abs() < 0.05, "at {p:?}: {m} vs {}", f(&p));
        assert!((0.0..0.01).contains(&v));
    }
    // At a training point the variance is (almost) nothing.
    let (_, v) = e.predict(&xs[3], &mut scratch);
    assert!(v < 1e-3);
    assert!(e.loo().iter().filter(|z| z.abs() <= 3.0).count() >= 27);
}

#[test]
fn point_files_check_their_contents() {
    let runs: Runs = vec![vec![0.25, f64::NAN], vec![0.5, 1.0]];
    let text = point_file("abc", 2, 7, &[0.1, 3.0], &["a", "b"], &runs);
    let back = check_point(text.as_bytes(), "abc", 2, 7, &[0.1, 3.0], &["a", "b"], 2).unwrap();
    assert_eq!(back[1], runs[1]);
    assert!(back[0][1].is_nan());
    assert!(check_point(text.as_bytes(), "abd", 2, 7, &[0.1, 3.0], &["a", "b"], 2).is_err());
    assert!(check_point(text.as_bytes(), "abc", 2, 7, &[0.2, 3.0], &["a", "b"], 2).is_err());
    assert!(check_point(text.replace("0.25", "0.26").as_bytes(), "abc", 2, 7, &[0.1, 3.0], &["a", "b"], 2).is_err());
    assert!(check_point(&text.as_bytes()[..text.len() - 3], "abc", 2, 7, &[0.1, 3.0], &["a", "b"], 2).is_err());
}

#[test]
fn targets_file_errors_name_the_place() {
    let bad = "[[target]]\nid = \"x\"\nmetric = \"lonely_shar\"\nobserved = 0.3\nse = 0.01\ndiscrepancy = 0.0\n";
    let e = TargetFile::parse(bad, "t.toml").unwrap_err();
    assert_eq!((e.line, e.column), (3, 10), "{e}");
    assert!(e.message.contains("did you mean `lonely_share`"), "{e}");
    let bad = "[[target]]\nid = \"x\"\nmetric = \"lonely_share\"\ndimension = \"sex\"\ngroup = \"men\"\nobserved = 0.3\nse = 0.01\ndiscrepancy = 0\n";
    let e = TargetFile::parse(bad, "t.toml").unwrap_err();
    assert_eq!(e.line, 5, "{e}");
    assert!(e.to_string().starts_with("t.toml:5:"), "{e}");
    let bad = "[[target]]\nid = \"x\"\nmetric = \"lonely_share\"\nobserved = 0.3\ndiscrepancy = 0.1\n";
    assert!(TargetFile::parse(bad, "t.toml").unwrap_err().message.contains("`se` or `interval`"));
    let bad = "[[target]]\nid = \"x\"\nmetrc = \"lonely_share\"\n";
    assert_eq!(TargetFile::parse(bad, "t.toml").unwrap_err().line, 3);
    let weeks = "[[target]]\nid = \"x\"\nmetric = \"lonely_share\"\nweeks = [1, 300]\nobserved = 0.3\nse = 0.01\ndiscrepancy = 0\n";
    let f = TargetFile::parse(weeks, "t.toml").unwrap();
    let e = f.check_weeks(260).unwrap_err();
    assert_eq!((e.line, e.column), (4, 9), "{e}");
    assert!(f.check_weeks(300).is_ok());
}

#[test]
fn the_shipped_targets_and_patterns_parse() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios/targets");
    let t = TargetFile::parse(&std::fs::read_to_string(root.join("china.toml")).unwrap(), "china.toml").unwrap();
    assert!(t.targets.len() >= 8);
    assert!(t.patterns.is_empty());
    let h = TargetFile::parse(&std::fs::read_to_string(root.join("heldout.toml")).unwrap(), "heldout.toml").unwrap();
    assert!(h.patterns.len() >= 6);
    assert!(h.targets.is_empty());
    // Held out means held out: no pattern reads a quantity a target reads.
    for p in &h.patterns {
        for t in &t.targets {
            assert_ne!(p.quantity, t.quantity, "{} is also target {}", p.id, t.id);
        }
    }
}
