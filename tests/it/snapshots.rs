//! Snapshots (insta) of what each command prints and of the files it writes: the stdout
//! table of `run`, `compare`, `reproduce`, `sweep` (and a sharded sweep with `merge`),
//! `sensitivity`, `city`, `validate`, `init`, `reference export` and `run`, `slurm-script`,
//! `plot` and `report`; and the header line of every CSV, the keys of every JSON file and
//! the name of every other file the command wrote.
//!
//! The small scenario over a few weeks keeps each run under a second. Paths (the temporary
//! directory, the repository, the binary) and wall-clock timings are replaced by
//! placeholders; everything else, including the numbers of the tables, is compared exactly.
//! The snapshots are in tests/it/snapshots/; after an intended change review and accept
//! them with `cargo insta review` (or rerun with `INSTA_UPDATE=always` and read the diff).

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Output;

use crate::support::{carenet, repo, small};

/// Replaces what varies between machines and runs: paths by `[TMP]`, `[REPO]` and
/// `[CARENET]`; timings by `[T]` (see [`snapshot`] for the patterns).
fn normalise(text: &str, tmp: &Path) -> String {
    text.replace(env!("CARGO_BIN_EXE_carenet"), "[CARENET]")
        .replace(&tmp.display().to_string(), "[TMP]")
        .replace(&repo().display().to_string(), "[REPO]")
}

/// The snapshot settings: wall-clock timings replaced by `[T]`.
fn settings() -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    // "in 0.3 s", "setup 0.003 s": wall-clock seconds.
    settings.add_filter(r"\b\d+(\.\d+)? s\b", "[T] s");
    // "(1.2 M/s)", "(12.37 M elder-weeks/s)": throughput.
    settings.add_filter(r"\d+(\.\d+)? M( elder-weeks)?/s\)", "[T] M${2}/s)");
    settings
}

/// Asserts the snapshot `name` of `text`, with timings filtered out.
fn snapshot(name: &str, text: &str) {
    settings().bind(|| insta::assert_snapshot!(name, text));
}

/// `carenet ARGS` run in `tmp`, as the command line, exit code, stdout and stderr.
fn command(tmp: &Path, args: &[&str]) -> String {
    let o: Output = carenet(args, tmp);
    let text = format!(
        "$ carenet {}\nexit: {}\n--- stdout\n{}--- stderr\n{}",
        args.join(" "),
        o.status.code().map_or("signal".to_string(), |c| c.to_string()),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    normalise(&text, tmp)
}

/// Every key path of a JSON value (`a.b`, `a[].c` for objects inside arrays), down to
/// `depth` levels of objects.
fn json_keys(prefix: &str, value: &serde_json::Value, depth: usize, out: &mut BTreeSet<String>) {
    if depth == 0 {
        return;
    }
    match value {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                let path = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
                out.insert(path.clone());
                // A manifest's `scenario` is the whole scenario: its tables are enough here.
                let below = if k == "scenario" && prefix.is_empty() { 1 } else { depth - 1 };
                json_keys(&path, v, below, out);
            }
        }
        serde_json::Value::Array(items) => {
            for item in items.iter().filter(|v| v.is_object()) {
                json_keys(&format!("{prefix}[]"), item, depth, out);
            }
        }
        _ => {}
    }
}

/// Every file under `dir` (sorted, relative): a CSV or Markdown file with its first
/// line, a JSON file with its key paths, any other file by name alone.
fn files(dir: &Path) -> String {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                walk(root, &path, out);
                continue;
            }
            let name = path.strip_prefix(root).unwrap().display().to_string();
            let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
            match ext {
                "csv" | "md" => {
                    let text = std::fs::read_to_string(&path).unwrap();
                    out.push(format!("{name}: {}", text.lines().next().unwrap_or("(empty)")));
                }
                "json" => {
                    let value: serde_json::Value =
                        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
                    let mut keys = BTreeSet::new();
                    json_keys("", &value, 8, &mut keys);
                    out.push(format!("{name}:"));
                    out.extend(keys.into_iter().map(|k| format!("    {k}")));
                }
                _ => out.push(name),
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.join("\n") + "\n"
}

/// Snapshots a command's output (`NAME`) and the files it wrote into `tmp/OUT`
/// (`NAME_files`).
fn command_and_files(name: &str, out: &str, args: &[&str]) {
    let tmp = tempfile::tempdir().unwrap();
    let printed = command(tmp.path(), args);
    assert!(printed.contains("\nexit: 0\n"), "{printed}");
    snapshot(name, &printed);
    snapshot(&format!("{name}_files"), &files(&tmp.path().join(out)));
}

#[test]
fn run_table_and_files() {
    let s = small();
    command_and_files(
        "run",
        "out",
        &["run", &s, "--reps", "2", "--weeks", "20", "--seed", "7", "--threads", "2", "--out", "out"],
    );
}

#[test]
fn compare_table_and_files() {
    let s = small();
    let args = ["compare", &s, "--packages", "care_subsidy,time_bank", "--reps", "2", "--weeks", "20"];
    command_and_files("compare", "out", &[&args[..], &["--seed", "7", "--threads", "2", "--out", "out"]].concat());
}

#[test]
fn reproduce_table_and_files() {
    let s = small();
    command_and_files(
        "reproduce",
        "out",
        &["reproduce", &s, "--reps", "2", "--weeks", "20", "--seed", "7", "--threads", "2", "--out", "out"],
    );
}

/// The grid of the sweep snapshots: 3 × 2 cells.
const GRID: [&str; 4] =
    ["--grid", "ties.decay_weekly=0.002:0.006:0.002", "--grid", "mutual_aid.ask_probability=0.3:0.9:0.6"];

#[test]
fn sweep_table_and_files() {
    let s = small();
    let args = [&["sweep", &s][..], &GRID, &["--reps", "2", "--weeks", "12", "--seed", "5", "--out", "out"]].concat();
    command_and_files("sweep", "out", &args);
}

#[test]
fn sharded_sweep_and_merge() {
    let tmp = tempfile::tempdir().unwrap();
    let s = small();
    let mut printed = String::new();
    for shard in ["1/2", "2/2"] {
        let args = [
            &["sweep", &s][..],
            &GRID,
            &["--reps", "2", "--weeks", "12", "--seed", "5", "--out", "out", "--shard", shard],
        ]
        .concat();
        printed += &command(tmp.path(), &args);
    }
    printed += &command(tmp.path(), &["merge", "out"]);
    snapshot("sweep_shards_merge", &printed);
}

#[test]
fn slurm_script() {
    let tmp = tempfile::tempdir().unwrap();
    let s = small();
    let args =
        [&["slurm-script", &s][..], &GRID, &["--reps", "2", "--weeks", "12", "--tasks", "3", "--out", "out"]].concat();
    snapshot("slurm_script", &command(tmp.path(), &args));
}

#[test]
fn sensitivity_tables_and_files() {
    let s = small();
    for (method, samples) in [("morris", "2"), ("sobol", "4")] {
        command_and_files(
            &format!("sensitivity_{method}"),
            "out",
            &[
                "sensitivity",
                &s,
                "--method",
                method,
                "--samples",
                samples,
                "--vary",
                "ties.visit_weekly=0.15:0.45",
                "--vary",
                "mutual_aid.ask_probability=0.3:0.9",
                "--metrics",
                "isolation_rate,unmet_help_rate",
                "--bootstrap",
                "50",
                "--reps",
                "1",
                "--weeks",
                "8",
                "--seed",
                "3",
                "--threads",
                "2",
                "--out",
                "out",
            ],
        );
    }
}

#[test]
fn validate_and_init_messages() {
    let tmp = tempfile::tempdir().unwrap();
    let mut printed = command(tmp.path(), &["validate", &small()]);
    std::fs::write(tmp.path().join("typo.toml"), "[simulation]\nweks = 104\n[ties]\nvisit_weekly = 1.5\n").unwrap();
    printed += &command(tmp.path(), &["validate", "typo.toml"]);
    printed += &command(tmp.path(), &["init", "new.toml"]);
    printed += &command(tmp.path(), &["init", "new.toml"]);
    printed += &command(tmp.path(), &["validate", "new.toml"]);
    snapshot("validate_init", &printed);
}

#[test]
fn reference_export_and_run() {
    let tmp = tempfile::tempdir().unwrap();
    let mut printed = command(tmp.path(), &["reference", "export", "--elders", "60", "--out", "export"]);
    // The weekly rows on stdout, the summary on stderr.
    printed +=
        &command(tmp.path(), &["reference", "run", "--input", "export", "--weeks", "3", "--seed", "5", "--seeds", "2"]);
    let args =
        ["reference", "run", "--elders", "60", "--weeks", "3", "--out", "run/rows.csv", "--timing", "run/timing.json"];
    std::fs::create_dir(tmp.path().join("run")).unwrap();
    printed += &command(tmp.path(), &args);
    assert!(!printed.contains("exit: 1") && !printed.contains("exit: 2"), "{printed}");
    snapshot("reference", &printed);
    snapshot("reference_export_files", &files(&tmp.path().join("export")));
    snapshot("reference_run_files", &files(&tmp.path().join("run")));
}

#[test]
fn plot_and_report_messages() {
    let tmp = tempfile::tempdir().unwrap();
    let s = small();
    let run = command(tmp.path(), &["run", &s, "--reps", "2", "--weeks", "12", "--no-plots", "-q", "--out", "out"]);
    assert!(run.contains("\nexit: 0\n"), "{run}");
    let printed = command(tmp.path(), &["plot", "out"]) + &command(tmp.path(), &["report", "out"]);
    snapshot("plot_report", &printed);
}

#[test]
fn paths_and_timings_are_replaced_and_nothing_else() {
    let tmp = tempfile::tempdir().unwrap();
    let line = format!(
        "{} run {}/x.toml --out {}/out: 0.0 M elder-weeks in 12.50 s (3.4 M/s); setup 0.003 s, step 2 s \
         (1.25 M elder-weeks/s); 2 replications × 20 weeks, 0.5 MB",
        env!("CARGO_BIN_EXE_carenet"),
        repo().display(),
        tmp.path().display()
    );
    settings().bind(|| {
        insta::assert_snapshot!(normalise(&line, tmp.path()), @"[CARENET] run [REPO]/x.toml --out [TMP]/out: 0.0 M elder-weeks in [T] s ([T] M/s); setup [T] s, step [T] s ([T] M elder-weeks/s); 2 replications × 20 weeks, 0.5 MB")
    });
}

#[test]
fn files_lists_headers_and_json_keys() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir(tmp.path().join("sub")).unwrap();
    std::fs::write(tmp.path().join("a.csv"), "x,y\n1,2\n").unwrap();
    std::fs::write(tmp.path().join("sub/b.json"), r#"{"k": 1, "l": {"m": [{"n": 2}]}, "scenario": {"t": {"u": 1}}}"#)
        .unwrap();
    std::fs::write(tmp.path().join("c.png"), [0u8, 1, 2]).unwrap();
    insta::assert_snapshot!(files(tmp.path()), @r"
    a.csv: x,y
    c.png
    sub/b.json:
        k
        l
        l.m
        l.m[].n
        scenario
        scenario.t
    ");
}

/// `carenet list`: packages, levers, metrics (unit and meaning from `metrics::METRICS`)
/// and keys; and the messages of `--set` and the other command-line checks.
#[test]
fn lists_and_command_line_messages() {
    let tmp = tempfile::tempdir().unwrap();
    for what in ["packages", "levers", "metrics", "keys"] {
        snapshot(&format!("list_{what}"), &command(tmp.path(), &["list", what]));
    }
    let s = small();
    let mut messages = String::new();
    for args in [
        &["list", "packages", &s][..],
        &["list", "metric"],
        &["run", "--set", "ties.decay_weekyl=0.1"],
        &["run", "--set", "street[0].students=many"],
        &["run", "--set", "population.age_mix=[0.5,0.3,0.3]"],
        &["run", "--set", "students"],
        &["run", &s, "--set", "policies.care_subsidy.monthly_voucher=800"],
        &["run", &s, "--package", "care_subsidi"],
        &["run", "--shard", "0/2"],
    ] {
        messages.push_str(&command(tmp.path(), args));
        messages.push('\n');
    }
    snapshot("command_line_messages", &messages);
    let written: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().map(|e| e.unwrap().path()).collect();
    assert!(written.is_empty(), "wrote {written:?}");
}
