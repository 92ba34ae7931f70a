//! Unix manners (issue 16 item 6) and "did you mean" for command-line names (item 7):
//! a closed stdout ends quietly, NO_COLOR, an empty scenario file is refused, shell
//! completions, flags a command does not use are refused, help texts say each default
//! once, and `run` does not silently run the baseline of a scenario that sets levers.

use std::io::Read;
use std::process::{Command, Stdio};

use crate::support::*;

/// Runs `args` with stdout a pipe whose reader has gone: exit code and stderr.
fn with_closed_stdout(args: &[&str], dir: &std::path::Path) -> (Option<i32>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_carenet"))
        .args(args)
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let mut err = String::new();
    child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
    (child.wait().unwrap().code(), err)
}

#[test]
fn a_closed_stdout_ends_quietly() {
    let tmp = tempfile::tempdir().unwrap();
    let small = small();
    for args in [
        vec!["run", &small, "--reps", "1", "--weeks", "4", "--no-plots", "--out", "o"],
        vec!["explain", "--markdown"],
        vec!["explain", "--toml"],
        vec!["schema"],
        vec!["completions", "bash"],
    ] {
        let (code, err) = with_closed_stdout(&args, tmp.path());
        assert_eq!(code, Some(0), "{args:?}: {err}");
        assert!(err.is_empty(), "{args:?} printed on stderr: {err}");
    }
    assert!(tmp.path().join("o/summary.csv").is_file(), "the run's files are written");
}

#[test]
fn no_color_turns_colour_off() {
    let tmp = tempfile::tempdir().unwrap();
    let coloured = carenet_env(&["run", "--help"], tmp.path(), &[("CLICOLOR_FORCE", "1")]);
    assert!(coloured.stdout.contains(&0x1b), "forced colour has escapes");
    let plain = carenet_env(&["run", "--help"], tmp.path(), &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]);
    assert!(!plain.stdout.contains(&0x1b), "NO_COLOR wins: {}", text(&plain));
    let bad = carenet_env(&["run", "--set", "ties.decay_weekyl=1"], tmp.path(), &[("NO_COLOR", "1")]);
    assert!(!bad.stderr.contains(&0x1b), "{}", text(&bad));
}

#[test]
fn an_empty_scenario_file_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    for (name, body) in [("empty.toml", ""), ("comments.toml", "# nothing yet\n\n")] {
        std::fs::write(tmp.path().join(name), body).unwrap();
        for cmd in ["run", "validate"] {
            let o = carenet(&[cmd, name], tmp.path());
            assert_eq!(o.status.code(), Some(2), "{}", text(&o));
            let err = String::from_utf8_lossy(&o.stderr);
            assert!(err.starts_with(&format!("error: {name}:1:1: the scenario file sets nothing")), "{err}");
            assert!(err.contains("carenet init FILE"), "{err}");
        }
    }
}

#[test]
fn completions_for_each_shell() {
    let tmp = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let o = carenet(&["completions", shell], tmp.path());
        assert!(o.status.success(), "{}", text(&o));
        let script = String::from_utf8(o.stdout).unwrap();
        assert!(script.contains("carenet") && script.contains("dry-run"), "{shell}");
    }
    assert_eq!(carenet(&["completions", "tcsh"], tmp.path()).status.code(), Some(2));
}

#[test]
fn flags_a_command_does_not_use_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    for (args, says) in [
        (vec!["slurm-script", "--grid", "ties.decay_weekly=0.1:0.2:0.1", "--threads", "3"], "--threads is not used"),
        (vec!["slurm-script", "--grid", "ties.decay_weekly=0.1:0.2:0.1", "--dry-run"], "--dry-run is not used"),
    ] {
        let o = carenet(&args, tmp.path());
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", text(&o));
        assert!(String::from_utf8_lossy(&o.stderr).contains(says), "{args:?}: {}", text(&o));
    }
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 0, "nothing written");
}

#[test]
fn help_says_each_default_once_and_out_names_the_command_s_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let help = |cmd: &str| String::from_utf8(carenet(&[cmd, "--help"], tmp.path()).stdout).unwrap();
    for cmd in ["run", "sweep", "slurm-script"] {
        let h = help(cmd);
        let out = h.lines().find(|l| l.trim_start().starts_with("--out")).unwrap();
        assert!(!out.contains("compare"), "{cmd}: {out}");
    }
    assert!(help("run").contains("output/<scenario name>/run-<package>/"));
    assert!(help("sweep").contains("output/<scenario name>/<command>/"));
    let run = help("run");
    let package = run.split("--package").nth(1).unwrap().split("\n      --").next().unwrap();
    assert!(package.matches("default").count() <= 1, "{package}");
    assert!(run.contains("--shard <K/N|slurm>"), "{run}");
}

#[test]
fn run_does_not_silently_ignore_lever_settings() {
    let tmp = tempfile::tempdir().unwrap();
    let small = small();
    let base = ["run", &small, "--reps", "1", "--weeks", "4", "-q", "--no-plots"];
    let lever = ["--set", "policies.care_subsidy.monthly_voucher=800"];
    let o = carenet(&[&base[..], &lever[..], &["--out", "a"]].concat(), tmp.path());
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("policies.care_subsidy.monthly_voucher")
            && err.contains("--package NAME (care_subsidy")
            && err.contains("--package baseline"),
        "{err}"
    );
    assert!(!tmp.path().join("a").exists());
    // Named, the baseline or the package runs; the package's voucher changes its results.
    for (name, out) in [("baseline", "b"), ("care_subsidy", "c"), ("care_subsidy", "d")] {
        let settings: &[&str] = if out == "d" { &[] } else { &lever };
        let o = carenet(&[&base[..], settings, &["--package", name, "--out", out]].concat(), tmp.path());
        assert!(o.status.success(), "{name}: {}", text(&o));
    }
    let summary = |d: &str| std::fs::read_to_string(tmp.path().join(d).join("summary.csv")).unwrap();
    assert_ne!(summary("c"), summary("d"), "the voucher setting is used by the package");
}

#[test]
fn misspelled_names_get_a_suggestion() {
    let tmp = tempfile::tempdir().unwrap();
    let small = small();
    for (args, says) in [
        (
            vec!["run", &small, "--package", "care_subsidi"],
            "unknown package `care_subsidi` (did you mean `care_subsidy`?)",
        ),
        (vec!["compare", &small, "--packages", "time_bnk"], "unknown package `time_bnk` (did you mean `time_bank`?)"),
        (
            vec!["sensitivity", &small, "--method", "morris", "--metrics", "isolation_rat"],
            "(did you mean `isolation_rate`?)",
        ),
    ] {
        let o = carenet(&args, tmp.path());
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", text(&o));
        assert!(String::from_utf8_lossy(&o.stderr).contains(says), "{args:?}: {}", text(&o));
    }
}

#[test]
fn a_failing_extends_says_where_it_was_looked_for() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir(tmp.path().join("sub")).unwrap();
    std::fs::write(tmp.path().join("sub/s.toml"), "extends = \"nope/base.toml\"\n").unwrap();
    std::fs::write(tmp.path().join("top.toml"), "extends = \"nope.toml\"\n").unwrap();
    for (file, says) in [
        ("sub/s.toml", "`nope/base.toml` is resolved against the folder of the file that names it, `sub`"),
        ("top.toml", "`nope.toml` is resolved against the current folder"),
    ] {
        let o = carenet(&["validate", file], tmp.path());
        assert_eq!(o.status.code(), Some(2), "{}", text(&o));
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains("cannot read the extended file") && err.contains(says), "{err}");
    }
}

#[test]
fn scenario_errors_show_the_source_line_with_a_caret() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("bad.toml"), "[ties]\ndecay_weekly = 7\n").unwrap();
    let o = carenet_env(&["validate", "bad.toml"], tmp.path(), &[("NO_COLOR", "1")]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let err = String::from_utf8(o.stderr).unwrap();
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines[0], "error: bad.toml:2:16: ties.decay_weekly = 7 is out of range");
    let source = lines.iter().position(|l| l.ends_with("decay_weekly = 7")).expect("the source line");
    let caret = lines[source + 1];
    let column = |l: &str, c: char| l.chars().position(|x| x == c);
    assert_eq!(column(caret, '┬'), column(lines[source], '7'), "the caret is under the value:\n{err}");
    assert!(err.ends_with("allowed: a number from 0 to 1\n"), "{err}");
    assert!(!err.contains('\u{1b}'), "no colour when stderr is not a terminal");
}

/// Off a terminal (a log file, a Slurm job's output) a long command says how far it
/// is in plain lines, at most one per `CARENET_PROGRESS_SECS`; 0 turns them off.
#[test]
fn progress_off_a_terminal_comes_in_plain_lines() {
    let tmp = tempfile::tempdir().unwrap();
    let small = small();
    let args = ["run", &small, "--reps", "3", "--weeks", "4", "--threads", "1", "-q", "--no-plots", "--out", "o"];
    let o = carenet_env(&args, tmp.path(), &[("CARENET_PROGRESS_SECS", "0.000001")]);
    assert!(o.status.success(), "{}", text(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    let lines: Vec<&str> = err.lines().filter(|l| l.starts_with("progress: ")).collect();
    assert_eq!(lines.len(), 2, "one line per street replication but the last: {err}");
    assert!(
        lines[0].starts_with("progress: 1/3 street replications (33.3%), ") && lines[0].contains(" elapsed, ETA "),
        "{err}"
    );
    assert!(lines[1].contains("elder-weeks/s"), "{err}");
    let quiet = carenet_env(&args, tmp.path(), &[("CARENET_PROGRESS_SECS", "0")]);
    assert!(
        quiet.status.success() && !String::from_utf8_lossy(&quiet.stderr).contains("progress: "),
        "{}",
        text(&quiet)
    );
    let bad = carenet_env(&args, tmp.path(), &[("CARENET_PROGRESS_SECS", "soon")]);
    assert!(bad.status.success(), "{}", text(&bad));
    assert!(
        String::from_utf8_lossy(&bad.stderr)
            .contains("warning: CARENET_PROGRESS_SECS=\"soon\" is not a number of seconds (0 or more); using 60"),
        "{}",
        text(&bad)
    );
    let default = carenet(&args, tmp.path());
    assert!(!String::from_utf8_lossy(&default.stderr).contains("progress: "), "a short run prints no line");
}
