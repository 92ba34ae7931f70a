//! `carenet calibrate`: every file written, resuming (only missing points
//! run), bad targets files (exit 2 with file:line:column).

use std::path::Path;
use std::process::Output;
use std::sync::atomic::{AtomicUsize, Ordering};

use carenet::calibrate::Runs;
use carenet_io::calibrate::{point_path, prepare_dir, run_wave};

use crate::support::{carenet, repo, small, text};

fn targets() -> String {
    repo().join("scenarios/targets/china.toml").display().to_string()
}

fn heldout() -> String {
    repo().join("scenarios/targets/heldout.toml").display().to_string()
}

/// `carenet calibrate small.toml --targets china.toml --heldout … --waves 1 --points 8 --reps 1 --weeks 20`.
fn calibrate(dir: &Path, out: &str, extra: &[&str]) -> Output {
    let (s, t, h) = (small(), targets(), heldout());
    let mut args = vec!["calibrate", s.as_str(), "--targets", t.as_str(), "--heldout", h.as_str()];
    args.extend(["--waves", "1", "--points", "8", "--reps", "1", "--weeks", "20", "--candidates", "2000"]);
    args.extend(["--out", out]);
    args.extend(extra);
    carenet(&args, dir)
}

#[test]
fn calibrate_writes_every_file_and_a_scenario_that_loads() {
    let tmp = tempfile::tempdir().unwrap();
    let o = calibrate(tmp.path(), "cal", &[]);
    assert!(o.status.success(), "{}", text(&o));
    let dir = tmp.path().join("cal");
    for f in [
        "calibrate.json",
        "plausible.csv",
        "targets.csv",
        "heldout.csv",
        "waves.csv",
        "points.csv",
        "calibrated.toml",
        "manifest.json",
        "dictionary.csv",
        "plots/calibration_targets.svg",
    ] {
        assert!(dir.join(f).is_file(), "no {f}: {}", text(&o));
    }
    assert_eq!(std::fs::read_dir(dir.join("points")).unwrap().count(), 8);
    let plausible = std::fs::read_to_string(dir.join("plausible.csv")).unwrap();
    let keys: Vec<&str> = carenet::calibrate::DEFAULT_KEYS.iter().map(|k| k.0).collect();
    assert_eq!(plausible.lines().next().unwrap(), format!("{},wave,max_implausibility", keys.join(",")));
    let t = std::fs::read_to_string(dir.join("targets.csv")).unwrap();
    assert_eq!(
        t.lines().next().unwrap(),
        "target,observed,band_low,band_high,simulated_mean,simulated_low,simulated_high,pass"
    );
    assert_eq!(t.lines().count(), 1 + 9, "one row per target of china.toml");
    let h = std::fs::read_to_string(dir.join("heldout.csv")).unwrap();
    assert_eq!(h.lines().count(), 1 + 7);
    let d = std::fs::read_to_string(dir.join("dictionary.csv")).unwrap();
    assert!(!d.contains(carenet_io::dictionary::MISSING), "a column without a dictionary entry:\n{d}");
    // calibrated.toml validates and holds the best point.
    let o = carenet(&["validate", dir.join("calibrated.toml").to_str().unwrap()], tmp.path());
    assert!(o.status.success(), "{}", text(&o));
    let cal = std::fs::read_to_string(dir.join("calibrated.toml")).unwrap();
    assert!(cal.contains("extends = ") && cal.contains("small.toml"), "{cal}");
    for k in keys {
        assert!(cal.contains(&format!("{k} = ")), "calibrated.toml does not set {k}:\n{cal}");
    }
    // A rerun runs nothing and writes the same results.
    let before = std::fs::read(dir.join("targets.csv")).unwrap();
    let o = calibrate(tmp.path(), "cal", &[]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("wave 1: 0 points run"), "{}", text(&o));
    assert_eq!(before, std::fs::read(dir.join("targets.csv")).unwrap());
}

#[test]
fn resume_runs_only_the_missing_point() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    prepare_dir(dir, "h", &serde_json::json!({"hash": "h"})).unwrap();
    let points: Vec<Vec<f64>> = (0..5).map(|i| vec![i as f64, 0.5]).collect();
    let calls = AtomicUsize::new(0);
    let runner = |v: &[f64]| -> Result<Runs, carenet::calibrate::CalibrateError> {
        calls.fetch_add(1, Ordering::SeqCst);
        Ok(vec![vec![v[0] * 2.0], vec![v[0] * 3.0]])
    };
    let all: Vec<usize> = (0..5).collect();
    let first = run_wave(dir, "h", 1, &points, &["t"], 2, &all, &runner).unwrap();
    assert_eq!(calls.load(Ordering::SeqCst), 5);
    assert_eq!(first.ran.len(), 5);
    std::fs::remove_file(point_path(dir, 1, 3)).unwrap();
    let second = run_wave(dir, "h", 1, &points, &["t"], 2, &all, &runner).unwrap();
    assert_eq!(calls.load(Ordering::SeqCst), 6, "only the deleted point runs again");
    assert_eq!(second.ran, vec![3]);
    assert_eq!(first.runs, second.runs);
    // A damaged point is run again, with a reason.
    let p = point_path(dir, 1, 1);
    let text = std::fs::read_to_string(&p).unwrap();
    std::fs::write(&p, text.replace(",2\n", ",7\n")).unwrap();
    let third = run_wave(dir, "h", 1, &points, &["t"], 2, &all, &runner).unwrap();
    assert_eq!(third.ran, vec![1]);
    assert_eq!(third.redone.len(), 1);
    assert_eq!(first.runs, third.runs);
    // A shard runs only its points; the others stay missing.
    let other = tmp.path().join("shard");
    prepare_dir(&other, "h", &serde_json::json!({"hash": "h"})).unwrap();
    let shard = run_wave(&other, "h", 1, &points, &["t"], 2, &[0, 2, 4], &runner).unwrap();
    assert_eq!(shard.ran, vec![0, 2, 4]);
    assert!(shard.runs[1].is_none() && shard.runs[3].is_none());
    // A directory of another calibration is refused.
    let e = prepare_dir(dir, "other", &serde_json::json!({"hash": "other"})).unwrap_err();
    assert!(e.is_input() && e.to_string().contains("another calibration"), "{e}");
}

#[test]
fn bad_targets_file_is_exit_2_with_its_place() {
    let tmp = tempfile::tempdir().unwrap();
    let bad = tmp.path().join("bad.toml");
    std::fs::write(
        &bad,
        "[[target]]\nid = \"x\"\nmetric = \"lonely_share\"\ndimension = \"age\"\ngroup = \"60-64\"\nobserved = 0.3\nse = 0.01\ndiscrepancy = 0.01\n",
    )
    .unwrap();
    let s = small();
    let o = carenet(
        &["calibrate", s.as_str(), "--targets", bad.to_str().unwrap(), "--weeks", "4", "--out", "x"],
        tmp.path(),
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let msg = text(&o);
    assert!(msg.contains(&format!("{}:4:13: unknown dimension `age`", bad.display())), "{msg}");
    assert!(!tmp.path().join("x").exists(), "nothing is written on bad input");
    let o = carenet(&["calibrate", s.as_str(), "--targets", "missing.toml", "--out", "x"], tmp.path());
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let o = carenet(
        &["calibrate", s.as_str(), "--targets", &targets(), "--vary", "ties.decay_weekly=0.5:0.1", "--out", "x"],
        tmp.path(),
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
}
