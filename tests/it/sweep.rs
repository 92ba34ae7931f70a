//! `carenet sweep`, `merge`, `slurm-script` and `sensitivity`: tidy output,
//! input errors naming the key, resuming, shards merged byte-identically.

use std::path::{Path, PathBuf};
use std::process::Output;

use crate::support::{carenet, carenet_env, small, text};

const GRID: [&str; 4] =
    ["--grid", "ties.decay_weekly=0.002:0.006:0.002", "--grid", "mutual_aid.ask_probability=0.3:0.9:0.6"];

/// `carenet sweep small.toml GRID --reps 2 --weeks 12 --out DIR extra…`.
fn sweep(dir: &Path, out: &str, extra: &[&str]) -> Output {
    let s = small();
    let mut args = vec!["sweep", s.as_str()];
    args.extend(GRID);
    args.extend(["--reps", "2", "--weeks", "12", "--seed", "5", "--out", out]);
    args.extend(extra);
    carenet(&args, dir)
}

fn read(p: PathBuf) -> Vec<u8> {
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

#[test]
fn sweep_writes_tidy_rows_for_every_cell_whatever_the_thread_count() {
    let tmp = tempfile::tempdir().unwrap();
    let o = sweep(tmp.path(), "a", &["--threads", "1"]);
    assert!(o.status.success(), "{}", text(&o));
    let o = sweep(tmp.path(), "b", &["--threads", "2"]);
    assert!(o.status.success(), "{}", text(&o));
    let a = read(tmp.path().join("a/sweep.csv"));
    assert_eq!(a, read(tmp.path().join("b/sweep.csv")), "sweep.csv depends on --threads");
    let csv = String::from_utf8(a).unwrap();
    let mut lines = csv.lines();
    assert_eq!(lines.next().unwrap(), "cell,ties.decay_weekly,mutual_aid.ask_probability,metric,mean,ci_low,ci_high,n");
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    let n_metrics = carenet::metrics::METRICS.len();
    assert_eq!(rows.len(), 6 * n_metrics, "3 × 2 cells, one row per metric");
    // Cell 1 is the first axis's first value with the second axis's second value.
    let r = rows.iter().find(|r| r[0] == "1" && r[3] == "isolation_rate").unwrap();
    assert_eq!((r[1], r[2], r[7]), ("0.002", "0.9", "2"));
    // Cells use their own seeds: different cells give different values.
    let elders: Vec<&str> = rows.iter().filter(|r| r[3] == "elders").map(|r| r[4]).collect();
    assert!(elders.windows(2).any(|w| w[0] != w[1]), "{elders:?}");
    let manifest: serde_json::Value = serde_json::from_slice(&read(tmp.path().join("a/sweep.json"))).unwrap();
    assert_eq!(manifest["cells"].as_array().unwrap().len(), 6);
    assert_eq!(manifest["reps"], 2);
}

#[test]
fn sweep_input_errors_name_the_key_and_exit_2() {
    let tmp = tempfile::tempdir().unwrap();
    let s = small();
    for (grid, expect) in [
        ("ties.decay_wekly=0.1:0.2:0.1", "ties.decay_wekly"),
        ("ties.decay_weekly=0.5:1.5:0.5", "ties.decay_weekly"),
        ("street[0].students=1:2:0.5", "street[0].students"),
        ("ties.decay_weekly=0.2:0.1:0.1", "HI is below LO"),
    ] {
        let o = carenet(&["sweep", &s, "--grid", grid, "--reps", "1", "--weeks", "2", "--out", "x"], tmp.path());
        assert_eq!(o.status.code(), Some(2), "{grid}: {}", text(&o));
        assert!(text(&o).contains(expect), "{grid}: {}", text(&o));
    }
    assert!(!tmp.path().join("x").exists(), "nothing is written for bad input");
}

#[test]
fn interrupted_sweep_resumes_to_the_same_bytes_and_a_different_sweep_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let o = sweep(tmp.path(), "full", &[]);
    assert!(o.status.success(), "{}", text(&o));
    let full = read(tmp.path().join("full/sweep.csv"));

    // An interruption: some cells finished, a half-written temporary file left behind.
    let o = sweep(tmp.path(), "part", &["--shard", "1/3"]);
    assert!(o.status.success(), "{}", text(&o));
    std::fs::write(tmp.path().join("part/cells/.cell-000001.csv.tmp-999"), "# carenet sweep half").unwrap();
    assert!(!tmp.path().join("part/sweep.csv").exists());
    let o = sweep(tmp.path(), "part", &[]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("4 cells") && text(&o).contains("2 already done"), "{}", text(&o));
    assert_eq!(read(tmp.path().join("part/sweep.csv")), full, "resumed result differs");

    // Rerunning a finished sweep runs nothing.
    let o = sweep(tmp.path(), "part", &[]);
    assert!(text(&o).contains("0 cells") && text(&o).contains("6 already done"), "{}", text(&o));

    // Another scenario, seed or replication count in the same directory is refused.
    for extra in [&["--reps", "3"][..], &["--seed", "6"][..]] {
        let s = small();
        let mut args = vec!["sweep", s.as_str()];
        args.extend(GRID);
        args.extend(["--weeks", "12", "--out", "part"]);
        args.extend(extra);
        if !extra.contains(&"--reps") {
            args.extend(["--reps", "2"]);
        }
        if !extra.contains(&"--seed") {
            args.extend(["--seed", "5"]);
        }
        let o = carenet(&args, tmp.path());
        assert_eq!(o.status.code(), Some(2), "{extra:?}: {}", text(&o));
        assert!(text(&o).contains("holds a different sweep"), "{}", text(&o));
    }
    assert_eq!(read(tmp.path().join("part/sweep.csv")), full, "a refused sweep changed the results");
}

#[test]
fn shards_merge_to_the_unsharded_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    let o = sweep(tmp.path(), "one", &[]);
    assert!(o.status.success(), "{}", text(&o));
    let whole = read(tmp.path().join("one/sweep.csv"));

    // Shard 1 of 2 by flag, shard 2 of 2 as a Slurm array task (ids 1..2).
    let o = sweep(tmp.path(), "sharded", &["--shard", "1/2"]);
    assert!(o.status.success(), "{}", text(&o));
    let o = carenet(&["merge", "sharded"], tmp.path());
    assert_eq!(o.status.code(), Some(2), "merge with a shard missing: {}", text(&o));
    assert!(text(&o).contains("3 of 6 cells missing (1, 3, 5)"), "{}", text(&o));

    let s = small();
    let mut args = vec!["sweep", s.as_str()];
    args.extend(GRID);
    args.extend(["--reps", "2", "--weeks", "12", "--seed", "5", "--out", "sharded", "--shard", "slurm"]);
    let env = [("SLURM_ARRAY_TASK_ID", "2"), ("SLURM_ARRAY_TASK_MIN", "1"), ("SLURM_ARRAY_TASK_COUNT", "2")];
    let o = carenet_env(&args, tmp.path(), &env);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("shard 2/2"), "{}", text(&o));
    let o = carenet(&["merge", "sharded"], tmp.path());
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(read(tmp.path().join("sharded/sweep.csv")), whole, "merged shards differ from one run");

    // A cell of another sweep is refused.
    std::fs::copy(tmp.path().join("one/cells/cell-000000.csv"), tmp.path().join("x.csv")).unwrap();
    let mut args = vec!["sweep", s.as_str()];
    args.extend(GRID);
    args.extend(["--reps", "1", "--weeks", "12", "--out", "other", "--shard", "1/2"]);
    let o = carenet(&args, tmp.path());
    assert!(o.status.success(), "{}", text(&o));
    std::fs::copy(tmp.path().join("x.csv"), tmp.path().join("other/cells/cell-000001.csv")).unwrap();
    let o = carenet(&["merge", "other"], tmp.path());
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("cell-000001.csv: belongs to another sweep"), "{}", text(&o));

    // Bad shard specs.
    for bad in ["3/2", "0/2", "1/0", "x", "slurm"] {
        let o = sweep(tmp.path(), "bad", &["--shard", bad]);
        assert_eq!(o.status.code(), Some(2), "--shard {bad}: {}", text(&o));
    }
    // The old numbering from 0 gets a message saying shards count from 1.
    let o = sweep(tmp.path(), "bad", &["--shard", "0/2"]);
    assert!(text(&o).contains("shards count from 1: the first of 2 is 1/2, the last 2/2"), "{}", text(&o));
}

#[test]
fn lhs_sweep_rounds_whole_number_keys() {
    let tmp = tempfile::tempdir().unwrap();
    let s = small();
    let args = [
        "sweep",
        s.as_str(),
        "--lhs",
        "3",
        "--vary",
        "ties.visit_weekly=0.15:0.45",
        "--vary",
        "street[0].students=2:12",
        "--reps",
        "1",
        "--weeks",
        "4",
        "--out",
        "lhs",
    ];
    let o = carenet(&args, tmp.path());
    assert!(o.status.success(), "{}", text(&o));
    let csv = std::fs::read_to_string(tmp.path().join("lhs/sweep.csv")).unwrap();
    assert!(csv.starts_with("cell,ties.visit_weekly,street[0].students,metric,"), "{csv}");
    for line in csv.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let v: f64 = f[1].parse().unwrap();
        assert!((0.15..=0.45).contains(&v), "{line}");
        let students: f64 = f[2].parse().unwrap();
        assert!(students.fract() == 0.0 && (2.0..=12.0).contains(&students), "{line}");
    }
}

#[test]
fn slurm_script_submits_an_array_and_a_dependent_merge() {
    let tmp = tempfile::tempdir().unwrap();
    let s = small();
    let mut args = vec!["slurm-script", s.as_str()];
    args.extend(GRID);
    args.extend(["--reps", "2", "--weeks", "12", "--tasks", "4", "--out", "runs/x"]);
    let o = carenet(&args, tmp.path());
    assert!(o.status.success(), "{}", text(&o));
    let script = String::from_utf8(o.stdout).unwrap();
    assert!(script.starts_with("#!/usr/bin/env bash"), "{script}");
    assert!(script.contains("--array=1-4") && script.contains("--shard slurm"), "{script}");
    assert!(script.contains("--dependency=afterok:$array_job") && script.contains(" merge "), "{script}");
    assert!(script.contains("--grid ties.decay_weekly=0.002:0.006:0.002"), "{script}");
    let out = tmp.path().join("runs/x").display().to_string();
    assert!(script.contains(&out), "absolute output directory: {script}");
    // Bad input fails before anything is submitted.
    let o = carenet(&["slurm-script", &s, "--grid", "nope=1:2:1"], tmp.path());
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
}

#[test]
fn sensitivity_writes_indices_and_plots() {
    let tmp = tempfile::tempdir().unwrap();
    let s = small();
    let vary = ["--vary", "ties.visit_weekly=0.15:0.45", "--vary", "mutual_aid.ask_probability=0.3:0.9"];
    for (method, samples, indices, plot) in [
        ("morris", "3", &["mu_star", "mu", "sigma"][..], "morris_isolation_rate.svg"),
        ("sobol", "4", &["first_order", "total"][..], "sobol_isolation_rate.svg"),
    ] {
        let mut args = vec!["sensitivity", s.as_str(), "--method", method, "--samples", samples];
        args.extend(vary);
        args.extend(["--reps", "1", "--weeks", "6", "--metrics", "isolation_rate,unmet_help_rate", "--out", method]);
        let o = carenet(&args, tmp.path());
        assert!(o.status.success(), "{}", text(&o));
        let csv = std::fs::read_to_string(tmp.path().join(method).join("sensitivity.csv")).unwrap();
        assert_eq!(csv.lines().next().unwrap(), "method,metric,key,index,value,ci_low,ci_high");
        assert_eq!(csv.lines().count(), 1 + 2 * 2 * indices.len(), "{csv}");
        for ix in indices {
            assert!(csv.contains(&format!("{method},unmet_help_rate,ties.visit_weekly,{ix},")), "{csv}");
        }
        assert!(tmp.path().join(method).join("plots").join(plot).exists());
    }
    // A factor outside its key's range, or an unknown metric, is exit code 2 naming it.
    let o = carenet(&["sensitivity", &s, "--method", "morris", "--vary", "ties.decay_weekly=0.1:2"], tmp.path());
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("ties.decay_weekly"), "{}", text(&o));
    let o = carenet(&["sensitivity", &s, "--method", "sobol", "--metrics", "nope"], tmp.path());
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("`nope`"), "{}", text(&o));
}

mod city {
    use std::path::Path;

    use crate::support::{carenet, carenet_env, small, text};

    /// small.toml as a town of `count` streets, written into `dir`; returns its path.
    fn town(dir: &Path, count: usize) -> String {
        let file = dir.join("town.toml");
        let small = small();
        let scenario = std::fs::read_to_string(&small).unwrap().replace(
            "extends = \"../wutong.toml\"",
            &format!(
                "extends = \"{}\"",
                std::path::Path::new(&small).parent().unwrap().join("../wutong.toml").display()
            ),
        );
        std::fs::write(
            &file,
            scenario.replace("student_recruits = 3\n", &format!("student_recruits = 3\ncount = {count}\n")),
        )
        .unwrap();
        file.to_str().unwrap().to_string()
    }

    /// Every file of a run folder but manifest.json and report.html (they record the wall time).
    fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
        let mut out = Vec::new();
        let mut stack = vec![dir.to_path_buf()];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).unwrap() {
                let p = e.unwrap().path();
                let name = p.strip_prefix(dir).unwrap().display().to_string();
                if p.is_dir() {
                    if name != "parts" {
                        stack.push(p);
                    }
                } else if !["manifest.json", "report.html"].contains(&name.as_str()) {
                    out.push((name, std::fs::read(&p).unwrap()));
                }
            }
        }
        out.sort();
        out
    }

    #[test]
    fn run_goes_street_by_street_and_sharded_runs_merge_to_the_unsharded_bytes() {
        let tmp = tempfile::tempdir().unwrap();
        let f = town(tmp.path(), 3);
        // 110 weeks: drift.csv is written too; timeseries.csv street by street.
        let run = |out: &str, extra: &[&str], env: &[(&str, &str)]| {
            let mut args = vec!["run", f.as_str(), "--reps", "2", "--weeks", "110", "--seed", "4"];
            args.extend(["--timeseries", "communities", "--out", out, "-q"]);
            args.extend(extra);
            carenet_env(&args, tmp.path(), env)
        };
        let o = run("whole", &["--threads", "1"], &[]);
        assert!(o.status.success(), "{}", text(&o));
        let whole = files(&tmp.path().join("whole"));
        let names: Vec<&str> = whole.iter().map(|(n, _)| n.as_str()).collect();
        for want in ["summary.csv", "breakdowns.csv", "drift.csv", "age_bands.csv", "timeseries_types.csv"] {
            assert!(names.contains(&want), "{want} missing: {names:?}");
        }
        assert!(names.iter().any(|n| n.starts_with("plots/")), "{names:?}");
        let ts = String::from_utf8(whole.iter().find(|(n, _)| n == "timeseries.csv").unwrap().1.clone()).unwrap();
        let communities = 3 * 3;
        assert_eq!(ts.lines().count(), 1 + 2 * 110 * communities, "a row per rep, week and community");
        assert!(ts.lines().nth(1 + 110 * 3).unwrap().starts_with("0,0,small-002,"), "street by street");

        let o = run("two", &["--threads", "2"], &[]);
        assert!(o.status.success(), "{}", text(&o));
        assert!(files(&tmp.path().join("two")) == whole, "the run depends on --threads");

        // Shard 1 of 2 by flag; merge refuses while shard 2 is missing.
        let o = run("sh", &["--shard", "1/2"], &[]);
        assert!(o.status.success(), "{}", text(&o));
        assert!(text(&o).contains("shard 1/2: 3 (replication, street) parts"), "{}", text(&o));
        let o = carenet(&["merge", "sh"], tmp.path());
        assert_eq!(o.status.code(), Some(2), "{}", text(&o));
        assert!(text(&o).contains("3 of 6 parts missing"), "{}", text(&o));
        // Shard 2 of 2 as a Slurm array task (ids 1..2), then the merge.
        let env = [("SLURM_ARRAY_TASK_ID", "2"), ("SLURM_ARRAY_TASK_MIN", "1"), ("SLURM_ARRAY_TASK_COUNT", "2")];
        let o = run("sh", &["--shard", "slurm"], &env);
        assert!(o.status.success(), "{}", text(&o));
        assert!(text(&o).contains("shard 2/2"), "{}", text(&o));
        // A shard run again skips its finished parts.
        let o = run("sh", &["--shard", "2/2"], &[]);
        assert!(text(&o).contains("shard 2/2: 0 (replication, street) parts") && text(&o).contains("3 already done"));
        let o = carenet(&["merge", "sh"], tmp.path());
        assert!(o.status.success(), "{}", text(&o));
        assert!(files(&tmp.path().join("sh")) == whole, "merged shards differ from the unsharded run");

        // Another run's shard into the same folder is refused.
        let mut args = vec!["run", f.as_str(), "--reps", "2", "--weeks", "110", "--seed", "5", "--out", "sh"];
        args.extend(["--shard", "1/2", "-q"]);
        let o = carenet(&args, tmp.path());
        assert_eq!(o.status.code(), Some(2), "{}", text(&o));
        assert!(text(&o).contains("holds the parts of another run"), "{}", text(&o));
        // A damaged part is named.
        let part = tmp.path().join("sh/parts/rep-0001-street-00002.part");
        let cut = std::fs::read_to_string(&part).unwrap().replace("end\n", "");
        std::fs::write(&part, cut).unwrap();
        let o = carenet(&["merge", "sh"], tmp.path());
        assert_eq!(o.status.code(), Some(2), "{}", text(&o));
        assert!(text(&o).contains("rep-0001-street-00002.part: cut short"), "{}", text(&o));

        // `city` is an alias of `run`.
        let o = carenet(&["city", &f, "--weeks", "6", "--out", "c", "-q"], tmp.path());
        assert!(o.status.success(), "{}", text(&o));
        assert!(text(&o).contains("alias of `carenet run`"), "{}", text(&o));
        assert!(tmp.path().join("c/summary.csv").is_file());
        std::fs::write(&f, std::fs::read_to_string(&f).unwrap().replace("count = 3", "count = 0")).unwrap();
        let o = carenet(&["validate", &f], tmp.path());
        assert_eq!(o.status.code(), Some(2), "{}", text(&o));
        assert!(text(&o).contains("street[0].count"), "{}", text(&o));
    }

    #[test]
    fn zhengzhou_scenario_is_a_city_of_1_7_million_elders() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/zhengzhou.toml");
        let s = carenet::scenario::load::load_file(&path).unwrap().scenario;
        let elders: u64 = s.streets.iter().flat_map(|st| &st.communities).map(|c| c.elders as u64).sum();
        assert_eq!(s.streets.len(), 125);
        assert!((1_650_000..1_750_000).contains(&elders), "{elders}");
        assert_eq!(s.simulation.weeks, 520);
    }
}
