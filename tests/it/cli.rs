//! The `carenet` command line: files written, exit codes, determinism across
//! thread counts.

use std::path::PathBuf;
use std::process::Output;

use crate::support::{carenet, repo, small, text};

#[test]
fn same_seed_same_bytes_whatever_the_thread_count() {
    let tmp = tempfile::tempdir().unwrap();
    let outs: Vec<PathBuf> = ["1", "2"]
        .iter()
        .map(|t| {
            let out = tmp.path().join(format!("t{t}"));
            let o = carenet(
                &[
                    "run",
                    &small(),
                    "--threads",
                    t,
                    "--reps",
                    "3",
                    "--seed",
                    "7",
                    "--timeseries",
                    "communities",
                    "--out",
                    out.to_str().unwrap(),
                ],
                tmp.path(),
            );
            assert!(o.status.success(), "{}", text(&o));
            out
        })
        .collect();
    for f in ["timeseries.csv", "summary.csv", "age_bands.csv", "breakdowns.csv"] {
        let a = std::fs::read(outs[0].join(f)).unwrap();
        let b = std::fs::read(outs[1].join(f)).unwrap();
        assert!(!a.is_empty());
        assert!(a == b, "{f} differs between --threads 1 and --threads 2");
    }
    // A different seed gives different results.
    let out = tmp.path().join("other");
    let o = carenet(
        &["run", &small(), "--reps", "3", "--seed", "8", "--timeseries", "communities", "--out", out.to_str().unwrap()],
        tmp.path(),
    );
    assert!(o.status.success());
    assert_ne!(
        std::fs::read(out.join("timeseries.csv")).unwrap(),
        std::fs::read(outs[0].join("timeseries.csv")).unwrap()
    );
}

#[test]
fn run_writes_every_file() {
    let tmp = tempfile::tempdir().unwrap();
    let o = carenet(&["run", &small(), "--reps", "2", "--weeks", "60", "--timeseries", "communities"], tmp.path());
    assert!(o.status.success(), "{}", text(&o));
    let dir = tmp.path().join("output/small");
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains("isolation_rate") && stdout.contains("output/small"), "{stdout}");

    let ts = std::fs::read_to_string(dir.join("timeseries.csv")).unwrap();
    let header: Vec<&str> = ts.lines().next().unwrap().split(',').collect();
    assert_eq!(&header[..5], &["rep", "week", "street", "community", "community_type"]);
    for m in ["isolation_rate", "unmet_help_rate", "grade1_underserved_rate", "mean_degree"] {
        assert!(header.contains(&m), "timeseries lacks {m}");
    }
    assert_eq!(ts.lines().count(), 1 + 2 * 60 * 3, "one row per (rep, week, community)");

    let summary = std::fs::read_to_string(dir.join("summary.csv")).unwrap();
    assert_eq!(summary.lines().next().unwrap(), "package,metric,community_type,mean,sd,ci_low,ci_high,n");
    for m in [
        "isolation_rate",
        "few_ties_rate",
        "loneliness_mean",
        "unmet_help_rate",
        "unmet_companionship_rate",
        "grade1_underserved_rate",
        "mutual_aid_share",
        "grade1_share",
        "grade2_share",
        "grade3_share",
        "mean_degree",
        "clustering",
    ] {
        for t in ["commercial_estate", "village", "village_to_residence", "all"] {
            let prefix = format!("baseline,{m},{t},");
            let row =
                summary.lines().find(|l| l.starts_with(&prefix)).unwrap_or_else(|| panic!("summary lacks {prefix}"));
            let f: Vec<&str> = row.split(',').collect();
            let (mean, lo, hi): (f64, f64, f64) = (f[3].parse().unwrap(), f[5].parse().unwrap(), f[6].parse().unwrap());
            assert!(lo <= mean && mean <= hi, "{row}");
            assert_eq!(f[7], "2");
        }
    }

    let types = std::fs::read_to_string(dir.join("timeseries_types.csv")).unwrap();
    assert_eq!(types.lines().count(), 1 + 2 * 60 * 4, "one row per (rep, week, type or all)");
    assert!(types.lines().nth(1).unwrap().starts_with("0,0,commercial_estate,"));
    let nodes = std::fs::read_to_string(dir.join("network_nodes.csv")).unwrap();
    let edges = std::fs::read_to_string(dir.join("network_edges.csv")).unwrap();
    for t in ["commercial_estate", "village", "village_to_residence"] {
        assert!(nodes.lines().any(|l| l.contains(t)) && edges.lines().any(|l| l.contains(t)), "no network for {t}");
    }
    // Equity: the gap between community types, for every metric.
    assert!(summary.lines().any(|l| l.starts_with("baseline,isolation_rate,gap_between_types,")));

    let bands = std::fs::read_to_string(dir.join("age_bands.csv")).unwrap();
    assert_eq!(
        bands.lines().next().unwrap(),
        "rep,age_band,independent,iadl_limited,semi_disabled,disabled,deaths,person_weeks"
    );
    assert!(bands.lines().any(|l| l.starts_with("0,60-64,")) && bands.lines().any(|l| l.starts_with("1,95+,")));

    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).unwrap()).unwrap();
    for k in ["scenario", "seed", "reps", "burn_in_weeks", "carenet_version", "elder_weeks", "wall_seconds"] {
        assert!(manifest.get(k).is_some(), "manifest lacks {k}");
    }
    assert_eq!(manifest["reps"], 2);
    assert!(manifest["elder_weeks"].as_f64().unwrap() > 2.0 * 60.0 * 400.0);
    // Plots and the report are written by default.
    assert!(dir.join("plots").join("networks.svg").exists() && dir.join("report.html").exists(), "no plots or report");
    // No temporary files are left behind.
    for entry in std::fs::read_dir(&dir).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        assert!(!name.contains(".tmp"), "left {name}");
    }
}

#[test]
fn bad_scenarios_exit_2_with_location() {
    let tmp = tempfile::tempdir().unwrap();
    let bad = tmp.path().join("bad.toml");
    std::fs::write(&bad, "extends = \"builtin:wutong\"\n[loneliness]\nrise_weekyl = 0.1\n").unwrap();
    for cmd in ["validate", "run"] {
        let o = carenet(&[cmd, bad.to_str().unwrap()], tmp.path());
        assert_eq!(o.status.code(), Some(2), "{cmd}: {}", text(&o));
        let msg = text(&o);
        assert!(msg.contains("bad.toml:3:1"), "{msg}");
        assert!(msg.contains("rise_weekly"), "no suggestion: {msg}");
    }
    let o = carenet(&["validate", "does-not-exist.toml"], tmp.path());
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("does-not-exist.toml"));
    let o = carenet(&["run", &small(), "--reps", "0"], tmp.path());
    assert_eq!(o.status.code(), Some(2));
    let o = carenet(&["run", "--bogus-flag"], tmp.path());
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn init_writes_a_valid_template_and_never_overwrites() {
    let tmp = tempfile::tempdir().unwrap();
    let o = carenet(&["init", "mine.toml"], tmp.path());
    assert!(o.status.success(), "{}", text(&o));
    let o = carenet(&["validate", "mine.toml"], tmp.path());
    assert!(o.status.success(), "{}", text(&o));
    let o = carenet(&["init", "mine.toml"], tmp.path());
    assert_eq!(o.status.code(), Some(2));
    // The template names the schema written beside it.
    let template = std::fs::read_to_string(tmp.path().join("mine.toml")).unwrap();
    assert!(template.starts_with("#:schema ./carenet.schema.json\n"));
    let schema = std::fs::read_to_string(tmp.path().join("carenet.schema.json")).unwrap();
    assert_eq!(schema, std::fs::read_to_string(repo().join("scenarios/carenet.schema.json")).unwrap());
}

#[test]
fn explain_and_schema_print_the_registry() {
    let tmp = tempfile::tempdir().unwrap();
    let o = carenet(&["explain", "community_types.village.awareness"], tmp.path());
    assert!(o.status.success(), "{}", text(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.starts_with("community_types.village.awareness (number)\n"), "{out}");
    assert!(out.contains("  default:   0.50\n") && out.contains("  plausible: [0.4, 0.6]"), "{out}");

    let o = carenet(&["explain", "ties.decay_wekly"], tmp.path());
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(String::from_utf8_lossy(&o.stderr).contains("did you mean `ties.decay_weekly`?"), "{}", text(&o));

    let o = carenet(&["explain", "--markdown"], tmp.path());
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(o.stdout, std::fs::read(repo().join("docs/parameters.md")).unwrap());
    let o = carenet(&["explain", "--toml"], tmp.path());
    assert_eq!(o.stdout, std::fs::read(repo().join("scenarios/wutong.toml")).unwrap());
    let o = carenet(&["schema"], tmp.path());
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(o.stdout, std::fs::read(repo().join("scenarios/carenet.schema.json")).unwrap());
    let o = carenet(&["explain"], tmp.path());
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
}

#[test]
fn validate_accepts_the_shipped_scenarios() {
    let tmp = tempfile::tempdir().unwrap();
    for f in [
        "scenarios/wutong.toml",
        "scenarios/zhengzhou.toml",
        "scenarios/examples/small.toml",
        "scenarios/examples/no_students.toml",
    ] {
        let o = carenet(&["validate", repo().join(f).to_str().unwrap()], tmp.path());
        assert!(o.status.success(), "{f}: {}", text(&o));
    }
}

#[test]
fn unwritable_output_is_a_runtime_failure() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("plain_file");
    std::fs::write(&file, "x").unwrap();
    let out = file.join("sub");
    let o = carenet(&["run", &small(), "--reps", "1", "--weeks", "10", "--out", out.to_str().unwrap()], tmp.path());
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
}

#[test]
fn compare_writes_paired_differences_and_costs() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("cmp");
    let o = carenet(
        &[
            "compare",
            &small(),
            "--packages",
            "care_subsidy,time_bank",
            "--reps",
            "3",
            "--weeks",
            "60",
            "--out",
            out.to_str().unwrap(),
        ],
        tmp.path(),
    );
    assert!(o.status.success(), "{}", text(&o));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains("care_subsidy") && stdout.contains("time_bank") && stdout.contains("baseline"), "{stdout}");
    let csv = std::fs::read_to_string(out.join("compare.csv")).unwrap();
    assert_eq!(
        csv.lines().next().unwrap(),
        "package,metric,community_type,mean,ci_low,ci_high,diff,diff_ci_low,diff_ci_high,n,estimable"
    );
    for m in ["cost_total_yuan", "cost_per_unmet_hour_averted", "cost_per_isolated_elder_averted", "unmet_help_rate"] {
        for p in ["baseline", "care_subsidy", "time_bank"] {
            assert!(csv.lines().any(|l| l.starts_with(&format!("{p},{m},all,"))), "no {p}/{m}");
        }
    }
    // The baseline's difference from itself is zero.
    let base = csv.lines().find(|l| l.starts_with("baseline,unmet_help_rate,all,")).unwrap();
    assert_eq!(base.split(',').nth(6).unwrap(), "0");
    for f in ["compare_timeseries.csv", "summary.csv", "timeseries_types.csv", "manifest.json"] {
        assert!(out.join(f).exists(), "no {f}");
    }
    // Unknown package: exit 2 naming the valid ones.
    let o = carenet(&["compare", &small(), "--packages", "nope", "--reps", "2"], tmp.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("study_package"), "{}", text(&o));
}

#[test]
fn run_accepts_a_package() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("pk");
    let o = carenet(
        &[
            "run",
            &small(),
            "--package",
            "care_subsidy",
            "--reps",
            "2",
            "--weeks",
            "30",
            "--no-plots",
            "--out",
            out.to_str().unwrap(),
        ],
        tmp.path(),
    );
    assert!(o.status.success(), "{}", text(&o));
    let summary = std::fs::read_to_string(out.join("summary.csv")).unwrap();
    assert!(summary.lines().nth(1).unwrap().starts_with("care_subsidy,"));
    let o = carenet(&["run", &small(), "--package", "nope"], tmp.path());
    assert_eq!(o.status.code(), Some(2));
}

/// stderr of a failed command: exactly one `error: ` prefix per message.
fn single_error(o: &Output, code: i32, what: &str) {
    assert_eq!(o.status.code(), Some(code), "{what}: {}", text(o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.starts_with("error: "), "{what}: {err}");
    assert_eq!(err.matches("error:").count(), 1, "{what}: {err}");
}

#[test]
fn errors_print_a_single_error_prefix() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("plain_file");
    std::fs::write(&file, "x").unwrap();
    let under_file = file.join("sub");
    let under = under_file.to_str().unwrap();
    // Runtime failures (exit 1): outputs that cannot be written, a directory that is a file.
    let small = small();
    let runtime: [(&str, Vec<&str>); 5] = [
        ("run", vec!["run", &small, "--reps", "1", "--weeks", "4", "--no-plots", "--out", under]),
        (
            "sweep",
            vec![
                "sweep",
                &small,
                "--grid",
                "ties.decay_weekly=0.002:0.004:0.002",
                "--reps",
                "1",
                "--weeks",
                "4",
                "--out",
                under,
            ],
        ),
        ("reference export", vec!["reference", "export", "--elders", "50", "--out", under]),
        ("reference run", vec!["reference", "run", "--elders", "50", "--weeks", "2", "--out", under]),
        ("plot", vec!["plot", file.to_str().unwrap()]),
    ];
    for (what, args) in &runtime {
        single_error(&carenet(args, tmp.path()), 1, what);
    }
    // Bad input (exit 2): messages from the CLI, the model and the I/O crate.
    let input: [(&str, Vec<&str>); 6] = [
        ("reps", vec!["run", "--reps", "0"]),
        ("package", vec!["run", &small, "--package", "nope", "--weeks", "2"]),
        ("scenario file", vec!["validate", "missing.toml"]),
        ("grid key", vec!["sweep", &small, "--grid", "ties.nope=1:2:1"]),
        ("merge", vec!["merge", "not-a-sweep"]),
        ("reference weeks", vec!["reference", "run", "--elders", "50", "--weeks", "0"]),
    ];
    for (what, args) in &input {
        single_error(&carenet(args, tmp.path()), 2, what);
    }
}

/// breakdowns.csv beside summary.csv (tidy, every package of a comparison),
/// drift.csv for runs of two years or more, the burn-in in the manifest and
/// never in the files.
#[test]
fn breakdowns_drift_and_burn_in_files() {
    let tmp = tempfile::tempdir().unwrap();
    let scen = tmp.path().join("burn.toml");
    std::fs::write(&scen, format!("extends = {:?}\n[simulation]\nburn_in_weeks = 8\n", small())).unwrap();
    let out = tmp.path().join("r");
    let o = carenet(
        &[
            "run",
            scen.to_str().unwrap(),
            "--reps",
            "2",
            "--weeks",
            "104",
            "--no-plots",
            "--timeseries",
            "communities",
            "--out",
            out.to_str().unwrap(),
        ],
        tmp.path(),
    );
    assert!(o.status.success(), "{}", text(&o));
    let bd = std::fs::read_to_string(out.join("breakdowns.csv")).unwrap();
    assert_eq!(bd.lines().next().unwrap(), "package,metric,dimension,group,mean,ci_low,ci_high,n");
    for row in [
        "baseline,unmet_help_rate,grade,1,",
        "baseline,isolation_rate,living_arrangement,not_alone,",
        "baseline,deaths_per_1000_per_year,age_band,95+,",
        "baseline,lonely_share,sex,female,",
        "baseline,paired_share,community_type,village,",
    ] {
        let line = bd.lines().find(|l| l.starts_with(row)).unwrap_or_else(|| panic!("breakdowns lack {row}"));
        assert!(line.ends_with(",2"), "{line}");
    }
    let drift = std::fs::read_to_string(out.join("drift.csv")).unwrap();
    assert_eq!(drift.lines().next().unwrap(), "metric,community_type,first_year,last_year,change,allowed,pass");
    assert!(drift.lines().any(|l| l.starts_with("mutual_aid_share,village,")));
    // Reported weeks only: the time series starts at week 0 and has 104 weeks.
    let ts = std::fs::read_to_string(out.join("timeseries.csv")).unwrap();
    assert_eq!(ts.lines().count(), 1 + 2 * 104 * 3);
    assert!(ts.lines().nth(1).unwrap().starts_with("0,0,"));
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["burn_in_weeks"], 8);
    assert!(manifest["files"].as_array().unwrap().iter().any(|f| f == "drift.csv"));
    // The report shows the burn-in, the breakdowns and the drift table.
    let o = carenet(&["report", out.to_str().unwrap()], tmp.path());
    assert!(o.status.success(), "{}", text(&o));
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    for part in
        ["<dt>burn-in</dt><dd>8 weeks", "id=\"breakdowns\"", "id=\"drift\"", "<th scope=\"row\">mutual_aid_share</th>"]
    {
        assert!(html.contains(part), "report.html lacks {part}");
    }
    // A run shorter than two years has no drift table; compare has breakdowns per package.
    let out = tmp.path().join("c");
    let o = carenet(
        &[
            "compare",
            scen.to_str().unwrap(),
            "--reps",
            "2",
            "--weeks",
            "20",
            "--no-plots",
            "--out",
            out.to_str().unwrap(),
        ],
        tmp.path(),
    );
    assert!(o.status.success(), "{}", text(&o));
    assert!(!out.join("drift.csv").exists());
    let bd = std::fs::read_to_string(out.join("breakdowns.csv")).unwrap();
    assert!(bd.lines().any(|l| l.starts_with("baseline,")) && bd.lines().any(|l| l.starts_with("study_package,")));
}
