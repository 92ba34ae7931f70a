//! An output folder is always one run's, whole (issue 12): a failed, killed or
//! interrupted rerun leaves it as it was, a `--no-plots` rerun keeps no old plots,
//! a second writer is refused, a bad `--out` fails before the model runs, and a
//! package run has its own default folder.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::support::*;

/// Every file under `dir`, relative path → bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, into: &mut BTreeMap<PathBuf, Vec<u8>>) {
        for e in fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(root, &p, into);
            } else {
                into.insert(p.strip_prefix(root).unwrap().to_path_buf(), fs::read(&p).unwrap());
            }
        }
    }
    let mut m = BTreeMap::new();
    walk(dir, dir, &mut m);
    m
}

/// The names in `dir`, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> =
        fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    v.sort();
    v
}

/// `carenet run small.toml` into `out` with `extra` flags.
fn run_small(out: &Path, reps: &str, weeks: &str, extra: &[&str]) -> Output {
    let small = small();
    let mut args = vec!["run", &small, "--reps", reps, "--weeks", weeks, "--seed", "5", "-q", "--out"];
    args.push(out.to_str().unwrap());
    args.extend_from_slice(extra);
    carenet(&args, out.parent().unwrap())
}

/// A long run into `out`, started in the background.
fn spawn_long(out: &Path) -> Child {
    Command::new(env!("CARGO_BIN_EXE_carenet"))
        .args(["run", &small(), "--reps", "400", "--weeks", "400", "--no-plots", "-q", "--out"])
        .arg(out)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Waits (up to 30 s) until `parent` holds an entry starting with `prefix`.
fn wait_for(parent: &Path, prefix: &str) {
    let t0 = Instant::now();
    while !names(parent).iter().any(|n| n.starts_with(prefix)) {
        assert!(t0.elapsed() < Duration::from_secs(30), "no {prefix}* in {}", parent.display());
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// A first run into `parent/d` (no plots): the folder and its files.
fn first_run(parent: &Path) -> (PathBuf, BTreeMap<PathBuf, Vec<u8>>) {
    fs::create_dir_all(parent).unwrap();
    let d = parent.join("d");
    let o = run_small(&d, "1", "8", &["--no-plots"]);
    assert!(o.status.success(), "{}", text(&o));
    let before = snapshot(&d);
    assert!(before.contains_key(Path::new("summary.csv")) && before.contains_key(Path::new("manifest.json")));
    (d, before)
}

#[test]
fn a_rerun_that_fails_to_write_leaves_the_folder_as_it_was() {
    let tmp = tempfile::tempdir().unwrap();
    let parent = tmp.path().join("p");
    let (d, before) = first_run(&parent);
    // A write error, as on a full disk: files may grow to 4 KiB (root ignores
    // permissions but not this limit), and SIGXFSZ is ignored so the write fails
    // with EFBIG instead of killing the process.
    let o = Command::new("bash")
        .args(["-c", "ulimit -f 4; trap '' XFSZ; exec \"$0\" \"$@\""])
        .arg(env!("CARGO_BIN_EXE_carenet"))
        .args(["run", &small(), "--reps", "3", "--weeks", "30", "--seed", "6", "-q", "--no-plots", "--out"])
        .arg(&d)
        .current_dir(&parent)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).starts_with("error: writing "), "{}", text(&o));
    assert_eq!(snapshot(&d), before, "the failed rerun changed the folder");
    assert_eq!(names(&parent), ["d"], "the staging folder and the lock are removed");
}

#[test]
fn a_rerun_without_plots_keeps_no_old_plots_or_report() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("d");
    let o = run_small(&d, "1", "6", &[]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(d.join("report.html").is_file() && d.join("plots").is_dir());
    // The user's own files and other commands' folders stay.
    fs::write(d.join("notes.txt"), "mine").unwrap();
    fs::create_dir(d.join("compare")).unwrap();
    fs::write(d.join("compare/compare.csv"), "theirs").unwrap();
    let o = run_small(&d, "1", "6", &["--no-plots"]);
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(
        names(&d),
        [
            "age_bands.csv",
            "breakdowns.csv",
            "compare",
            "dictionary.csv",
            "manifest.json",
            "network_edges.csv",
            "network_nodes.csv",
            "notes.txt",
            "summary.csv",
            "timeseries_types.csv"
        ]
    );
    assert_eq!(fs::read_to_string(d.join("compare/compare.csv")).unwrap(), "theirs");
    assert_eq!(names(tmp.path()), ["d"]);
}

#[test]
fn a_second_writer_is_refused_while_the_first_holds_the_lock() {
    let tmp = tempfile::tempdir().unwrap();
    let parent = tmp.path().join("p");
    let (d, before) = first_run(&parent);
    // A lock held by this process, recording a PID.
    let mut lock = fs::File::create(parent.join(".d.lock")).unwrap();
    lock.try_lock().unwrap();
    write!(lock, "4242").unwrap();
    let o = run_small(&d, "1", "8", &["--no-plots"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let err = text(&o);
    assert!(err.starts_with("error: output folder ") && err.contains("another carenet (PID 4242)"), "{err}");
    drop(lock);
    // Two processes: the second is refused at once, naming the first.
    let mut first = spawn_long(&d);
    wait_for(&parent, ".d.tmp-");
    let t0 = Instant::now();
    let o = run_small(&d, "1", "8", &["--no-plots"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains(&format!("(PID {})", first.id())), "{}", text(&o));
    assert!(t0.elapsed() < Duration::from_secs(10), "the refusal waited for the model");
    first.kill().unwrap();
    first.wait().unwrap();
    assert_eq!(snapshot(&d), before);
}

#[test]
fn a_killed_run_leaves_the_folder_as_it_was_and_the_next_run_cleans_up() {
    let tmp = tempfile::tempdir().unwrap();
    let parent = tmp.path().join("p");
    let (d, before) = first_run(&parent);
    let mut child = spawn_long(&d);
    wait_for(&parent, ".d.tmp-");
    std::thread::sleep(Duration::from_millis(200));
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    assert_eq!(snapshot(&d), before);
    assert!(names(&parent).iter().any(|n| n.starts_with(".d.tmp-")), "{:?}", names(&parent));
    // A stale partial file of the old design inside the folder goes too.
    fs::write(d.join(".summary.csv.tmp-999999"), "half").unwrap();
    let o = run_small(&d, "1", "8", &["--no-plots"]);
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(names(&parent), ["d"], "the killed run's staging folder and lock are removed");
    assert_eq!(snapshot(&d).keys().collect::<Vec<_>>(), before.keys().collect::<Vec<_>>());
}

#[test]
fn ctrl_c_exits_130_with_a_message_and_leaves_the_folder_as_it_was() {
    let tmp = tempfile::tempdir().unwrap();
    let parent = tmp.path().join("p");
    let (d, before) = first_run(&parent);
    let child = spawn_long(&d);
    wait_for(&parent, ".d.tmp-");
    let kill = Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    assert!(kill.success());
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(130), "{}", text(&o));
    assert!(String::from_utf8_lossy(&o.stderr).contains("error: interrupted"), "{}", text(&o));
    assert_eq!(snapshot(&d), before);
}

#[test]
fn a_bad_out_fails_before_the_model_runs() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("plain_file");
    fs::write(&file, "x").unwrap();
    let f = file.to_str().unwrap();
    let under = file.join("sub");
    let small = small();
    // Runs that would take minutes fail at once.
    let long = ["--reps", "2000", "--weeks", "520"];
    for cmd in ["run", "compare", "reproduce", "sensitivity"] {
        let mut args = vec![cmd, small.as_str()];
        if cmd == "sensitivity" {
            args.extend_from_slice(&["--method", "morris"]);
        }
        args.extend_from_slice(&long);
        for (out, code) in [(f, 2), (under.to_str().unwrap(), 1)] {
            let t0 = Instant::now();
            let o = carenet(&[args.as_slice(), &["--out", out]].concat(), tmp.path());
            assert_eq!(o.status.code(), Some(code), "{cmd} --out {out}: {}", text(&o));
            assert!(t0.elapsed() < Duration::from_secs(20), "{cmd} --out {out} ran the model first");
        }
    }
    let o = carenet(&["run", &small, "--out", f], tmp.path());
    assert!(text(&o).contains("plain_file: exists and is not a folder"), "{}", text(&o));
    assert_eq!(fs::read_to_string(&file).unwrap(), "x");
}

#[test]
fn a_package_run_does_not_replace_the_baseline_s_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let small = small();
    let base = ["run", small.as_str(), "--reps", "1", "--weeks", "4", "--no-plots", "-q"];
    let o = carenet(&base, tmp.path());
    assert!(o.status.success(), "{}", text(&o));
    let baseline = tmp.path().join("output/small");
    let before = fs::read(baseline.join("summary.csv")).unwrap();
    let o = carenet(&[base.as_slice(), &["--package", "care_subsidy"]].concat(), tmp.path());
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("output/small/run-care_subsidy"), "{}", text(&o));
    let pkg = fs::read_to_string(baseline.join("run-care_subsidy/summary.csv")).unwrap();
    assert!(pkg.lines().nth(1).unwrap().starts_with("care_subsidy,"));
    assert_eq!(fs::read(baseline.join("summary.csv")).unwrap(), before);
    // A baseline rerun keeps the package's folder inside its own.
    let o = carenet(&base, tmp.path());
    assert!(o.status.success(), "{}", text(&o));
    assert!(baseline.join("run-care_subsidy/summary.csv").is_file());
}

#[test]
fn a_folder_carenet_did_not_write_is_never_emptied() {
    let tmp = tempfile::tempdir().unwrap();
    let small = small();
    // A folder of the user's own, holding a file with a name carenet writes: refused, untouched.
    let theirs = tmp.path().join("theirs");
    fs::create_dir(&theirs).unwrap();
    fs::write(theirs.join("summary.csv"), "my own numbers\n").unwrap();
    fs::write(theirs.join("notes.txt"), "keep me\n").unwrap();
    let before = snapshot(&theirs);
    for cmd in ["run", "compare", "reproduce"] {
        let mut args = vec![cmd, small.as_str(), "--weeks", "4", "-q", "--out", "theirs"];
        args.extend_from_slice(&["--reps", "1", "--no-plots"]);
        let o = carenet(&args, tmp.path());
        assert_eq!(o.status.code(), Some(2), "{cmd}: {}", text(&o));
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            err.contains("holds `summary.csv` but no manifest.json") && err.contains("choose another --out"),
            "{err}"
        );
        assert_eq!(snapshot(&theirs), before, "{cmd} left the folder as it was");
    }
    // A folder of the user's own without such names: the run is written into it and the
    // user's files stay.
    let mixed = tmp.path().join("mixed");
    fs::create_dir(&mixed).unwrap();
    fs::write(mixed.join("notes.txt"), "keep me\n").unwrap();
    let o = run_small(&mixed, "1", "4", &["--no-plots"]);
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(fs::read_to_string(mixed.join("notes.txt")).unwrap(), "keep me\n");
    assert!(mixed.join("manifest.json").is_file() && mixed.join("summary.csv").is_file());
    // Every command's folder has a manifest, so each can be rerun into its own folder.
    for cmd in ["run", "compare", "reproduce", "sensitivity"] {
        let out = format!("again-{cmd}");
        let mut args = vec![cmd, small.as_str(), "--weeks", "4", "-q", "--out", out.as_str()];
        match cmd {
            "sensitivity" => {
                args.extend_from_slice(&["--method", "morris", "--samples", "2", "--reps", "1", "--no-plots"])
            }
            _ => args.extend_from_slice(&["--reps", "1", "--no-plots"]),
        }
        for round in 0..2 {
            let o = carenet(&args, tmp.path());
            assert!(o.status.success(), "{cmd} round {round}: {}", text(&o));
        }
        assert!(tmp.path().join(&out).join("manifest.json").is_file(), "{cmd}");
    }
}
