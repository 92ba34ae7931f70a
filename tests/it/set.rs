//! `--set KEY=VALUE` and `--dry-run` (issue 16 item 1): a setting changes the run and
//! is recorded in the manifest, a bad one exits 2 with the scenario's own message, and
//! `--dry-run` prints the resolved scenario (a valid scenario file) and writes nothing.

use std::fs;

use crate::support::*;

#[test]
fn a_setting_changes_the_run_and_is_recorded_in_the_manifest() {
    let tmp = tempfile::tempdir().unwrap();
    let small = small();
    let run = |out: &str, extra: &[&str]| {
        let mut args = vec!["run", &small, "--reps", "1", "--weeks", "6", "-q", "--no-plots", "--out", out];
        args.extend_from_slice(extra);
        let o = carenet(&args, tmp.path());
        assert!(o.status.success(), "{}", text(&o));
        (
            fs::read_to_string(tmp.path().join(out).join("summary.csv")).unwrap(),
            fs::read_to_string(tmp.path().join(out).join("manifest.json")).unwrap(),
        )
    };
    let (plain, plain_manifest) = run("plain", &[]);
    let (set, manifest) = run("set", &["--set", "street[0].students=400", "--set", "ties.decay_weekly=0.02"]);
    assert_ne!(plain, set, "the settings change the results");
    assert!(!plain_manifest.contains("\"overrides\""), "no settings, no entry");
    let m: serde_json::Value = serde_json::from_str(&manifest).unwrap();
    assert_eq!(m["overrides"], serde_json::json!(["street[0].students=400", "ties.decay_weekly=0.02"]));
    assert_eq!(m["scenario"]["street"][0]["students"], 400);
    assert_eq!(m["scenario"]["ties"]["decay_weekly"], 0.02);
}

#[test]
fn bad_settings_exit_2_with_the_scenario_s_messages() {
    let tmp = tempfile::tempdir().unwrap();
    for (args, says) in [
        (
            vec!["run", "--set", "ties.decay_weekyl=0.1"],
            "error: --set: unknown parameter `ties.decay_weekyl` (did you mean `decay_weekly`?)",
        ),
        (
            vec!["compare", "--set", "street[0].students=lots"],
            "error: --set: `street[0].students` = lots is not a number (allowed: an integer from 0 to 1000000)",
        ),
        (
            vec!["reproduce", "--set", "ties.decay_weekly=2"],
            "error: --set: `ties.decay_weekly` = 2 is out of range (allowed: a number from 0 to 1)",
        ),
        (
            vec!["sweep", "--grid", "ties.decay_weekly=0.1:0.2:0.1", "--set", "students"],
            "error: --set `students` is not KEY=VALUE",
        ),
        (
            vec!["sensitivity", "--method", "morris", "--set", "case_management.grade_priority=yes"],
            "is not true or false",
        ),
        (vec!["run", "--set", "policies.care_subsidy.monthly_vouchr=1"], "did you mean `monthly_voucher`?"),
    ] {
        let o = carenet(&args, tmp.path());
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", text(&o));
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.starts_with("error: ") && err.contains(says), "{args:?}: {err}");
    }
    assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 0, "nothing written");
}

#[test]
fn dry_run_prints_the_resolved_scenario_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let small = small();
    for cmd in ["run", "compare", "reproduce", "sensitivity", "city"] {
        let mut args =
            vec![cmd, &small, "--weeks", "30", "--set", "street[0].students=77", "--set", "name=\"resolved\""];
        args.extend_from_slice(if cmd == "sensitivity" {
            &["--method", "morris", "--dry-run"][..]
        } else {
            &["--dry-run"]
        });
        let o = carenet(&args, tmp.path());
        assert!(o.status.success(), "{cmd}: {}", text(&o));
        let toml = String::from_utf8(o.stdout).unwrap();
        assert!(toml.contains("students = 77") && toml.contains("weeks = 30"), "{cmd}: {toml}");
        assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 0, "{cmd} wrote nothing");
        // The printed scenario is a scenario file that resolves to itself.
        let file = tempfile::NamedTempFile::new().unwrap();
        fs::write(file.path(), &toml).unwrap();
        let again = carenet(&["run", file.path().to_str().unwrap(), "--dry-run"], tmp.path());
        assert!(again.status.success(), "{}", text(&again));
        assert_eq!(String::from_utf8(again.stdout).unwrap(), toml, "{cmd}");
    }
    let o = carenet(&["sweep", &small, "--grid", "ties.decay_weekly=0.1:0.2:0.1", "--dry-run"], tmp.path());
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 0, "sweep wrote nothing");
}

#[test]
fn the_recorded_commands_repeat_the_settings() {
    let tmp = tempfile::tempdir().unwrap();
    let o = carenet(
        &["slurm-script", &small(), "--grid", "ties.decay_weekly=0.1:0.2:0.1", "--set", "street[0].students=400"],
        tmp.path(),
    );
    assert!(o.status.success(), "{}", text(&o));
    // The script quotes the whole command once more for sbatch --wrap.
    let script = String::from_utf8_lossy(&o.stdout);
    assert!(script.contains("--set '\\''street[0].students=400'\\''"), "{script}");
}
