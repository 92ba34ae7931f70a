//! `--ensemble FILE` (issue 14 item 4): run, compare and sweep over a
//! calibration's plausible parameter sets; the manifest records the file and its
//! checksum; compare writes ensemble.csv; a bad file is bad input (exit 2).

use std::fs;

use crate::support::*;

const PLAUSIBLE: &str = "ties.decay_weekly,needs.help_hours_scale,wave,max_implausibility\n\
                         0.002,0.6,1,2.1\n\
                         0.008,1.8,2,1.4\n";

#[test]
fn run_compare_and_sweep_run_over_the_sets() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("plausible.csv"), PLAUSIBLE).unwrap();
    let small = small();
    let base = ["--reps", "2", "--weeks", "6", "-q", "--no-plots"];
    let run = |out: &str, extra: &[&str]| {
        let mut args = vec!["run", &small, "--out", out];
        args.extend_from_slice(&base);
        args.extend_from_slice(extra);
        let o = carenet(&args, tmp.path());
        assert!(o.status.success(), "{}", text(&o));
        (text(&o), fs::read_to_string(tmp.path().join(out).join("summary.csv")).unwrap())
    };
    let (_, plain) = run("plain", &[]);
    let (said, over) = run("ens", &["--ensemble", "plausible.csv"]);
    assert_ne!(plain, over, "the sets change the results");
    assert!(said.contains("ensemble: 2 parameter sets of 2 key(s) from plausible.csv"), "{said}");
    let m: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(tmp.path().join("ens/manifest.json")).unwrap()).unwrap();
    assert_eq!(m["ensemble"]["file"], "plausible.csv");
    assert_eq!(m["ensemble"]["points"], 2);
    assert_eq!(m["ensemble"]["checksum"], carenet_io::ensemble::checksum(PLAUSIBLE.as_bytes()));
    let plain_manifest = fs::read_to_string(tmp.path().join("plain/manifest.json")).unwrap();
    assert!(!plain_manifest.contains("\"ensemble\""));

    // Fewer replications than sets: said plainly.
    let o = carenet(
        &[
            "run",
            &small,
            "--reps",
            "1",
            "--weeks",
            "4",
            "--no-plots",
            "-q",
            "--out",
            "one",
            "--ensemble",
            "plausible.csv",
        ],
        tmp.path(),
    );
    assert!(text(&o).contains("only 1 of the 2 sets were reached"), "{}", text(&o));

    let mut args = vec!["compare", &small, "--packages", "care_subsidy", "--out", "cmp", "--ensemble", "plausible.csv"];
    args.extend_from_slice(&base);
    let o = carenet(&args, tmp.path());
    assert!(o.status.success(), "{}", text(&o));
    let csv = fs::read_to_string(tmp.path().join("cmp/ensemble.csv")).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "package,metric,points,reps_per_point,effect_mean,effect_low,effect_high,p_lowers_1pt");
    assert!(lines[1].starts_with("care_subsidy,unmet_help_rate,2,1,"), "{csv}");
    assert!(text(&o).contains("P(< −1 pt)"), "{}", text(&o));
    let dictionary = fs::read_to_string(tmp.path().join("cmp/dictionary.csv")).unwrap();
    assert!(dictionary.contains("ensemble.csv,p_lowers_1pt"), "{dictionary}");
    assert!(!dictionary.contains(carenet_io::dictionary::MISSING), "{dictionary}");

    let mut args = vec![
        "sweep",
        &small,
        "--grid",
        "ties.decay_weekly=0.003:0.004:0.001",
        "--out",
        "sw",
        "--ensemble",
        "plausible.csv",
    ];
    args.extend_from_slice(&base[..4]);
    let o = carenet(&args, tmp.path());
    assert!(o.status.success(), "{}", text(&o));
    let plan = fs::read_to_string(tmp.path().join("sw/sweep.json")).unwrap();
    assert!(plan.contains("\"ensemble\""), "the plan records the sets");
}

#[test]
fn a_bad_ensemble_is_bad_input() {
    let tmp = tempfile::tempdir().unwrap();
    let small = small();
    for (name, body, says) in [
        (
            "cell.csv",
            "ties.decay_weekly,wave\n0.002,1\nabc,2\n",
            "cell.csv:3:1: `abc` for `ties.decay_weekly` is not a finite number",
        ),
        (
            "key.csv",
            "ties.decay_weakly\n0.002\n",
            "key.csv: parameter set 1 (line 2): unknown parameter `ties.decay_weakly`",
        ),
        (
            "range.csv",
            "ties.decay_weekly\n0.002\n-1\n",
            "range.csv: parameter set 2 (line 3): `ties.decay_weekly` = -1",
        ),
        ("empty.csv", "", "empty.csv:1:1: is empty"),
    ] {
        fs::write(tmp.path().join(name), body).unwrap();
        let o = carenet(
            &["run", &small, "--reps", "1", "--weeks", "4", "-q", "--no-plots", "--ensemble", name],
            tmp.path(),
        );
        assert_eq!(o.status.code(), Some(2), "{name}: {}", text(&o));
        assert!(text(&o).contains(says), "{name}: {}", text(&o));
    }
    let o = carenet(&["run", &small, "--reps", "1", "--weeks", "4", "-q", "--ensemble", "missing.csv"], tmp.path());
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("cannot read the ensemble file missing.csv"), "{}", text(&o));
}
