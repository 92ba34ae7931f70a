//! What a run writes (issue 16 items 4 and 5): `--timeseries none|types|communities`,
//! recorded in the manifest, with plots and report that cope with the files absent.

use std::fs;

use crate::support::*;

#[test]
fn timeseries_chooses_the_weekly_series_and_the_default_is_small() {
    let tmp = tempfile::tempdir().unwrap();
    let small = small();
    let run = |out: &str, extra: &[&str]| {
        let args = [&["run", small.as_str(), "--reps", "2", "--weeks", "8", "-q", "--out", out][..], extra].concat();
        let o = carenet(&args, tmp.path());
        assert!(o.status.success(), "{out}: {}", text(&o));
        let d = tmp.path().join(out);
        let m: serde_json::Value = serde_json::from_str(&fs::read_to_string(d.join("manifest.json")).unwrap()).unwrap();
        (d, m)
    };
    let (default, m) = run("default", &[]);
    assert_eq!(m["timeseries"], "types");
    assert!(default.join("timeseries_types.csv").is_file() && !default.join("timeseries.csv").exists());
    assert!(default.join("report.html").is_file() && default.join("plots").is_dir());
    let (all, m) = run("all", &["--timeseries", "communities"]);
    assert_eq!(m["timeseries"], "communities");
    assert!(m["files"].as_array().unwrap().iter().any(|f| f == "timeseries.csv"));
    let per_community = fs::read_to_string(all.join("timeseries.csv")).unwrap();
    assert_eq!(per_community.lines().count(), 1 + 2 * 8 * 3, "2 replications × 8 weeks × 3 communities");
    // The same run: the other files are the same bytes whichever series are written.
    for f in ["summary.csv", "timeseries_types.csv", "age_bands.csv"] {
        assert_eq!(fs::read(default.join(f)).unwrap(), fs::read(all.join(f)).unwrap(), "{f}");
    }
    let (none, m) = run("none", &["--timeseries", "none"]);
    assert_eq!(m["timeseries"], "none");
    assert!(!none.join("timeseries_types.csv").exists() && !none.join("timeseries.csv").exists());
    assert!(none.join("report.html").is_file(), "the report copes with no time series");
    let plots = |d: &std::path::Path| fs::read_dir(d.join("plots")).unwrap().count();
    assert!(plots(&none) < plots(&default), "no time-series plots without the series");
    let o = carenet(&["run", &small, "--timeseries", "weekly"], tmp.path());
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
}

/// The rows of `dir`/dictionary.csv as (file, column) → meaning.
fn dictionary(dir: &std::path::Path) -> std::collections::BTreeMap<(String, String), String> {
    let mut r = csv::Reader::from_path(dir.join("dictionary.csv")).unwrap();
    assert_eq!(r.headers().unwrap(), vec!["file", "column", "unit", "meaning"]);
    r.records().map(|x| x.unwrap()).map(|x| ((x[0].to_string(), x[1].to_string()), x[3].to_string())).collect()
}

#[test]
fn every_column_of_every_output_is_in_the_folder_s_dictionary() {
    let tmp = tempfile::tempdir().unwrap();
    let small = small();
    let s = small.as_str();
    let few = ["--reps", "2", "--weeks", "6", "-q"];
    let targets = crate::support::repo().join("scenarios/targets/china.toml").display().to_string();
    let heldout = crate::support::repo().join("scenarios/targets/heldout.toml").display().to_string();
    let commands: Vec<(&str, Vec<&str>)> = vec![
        ("run", [&["run", s, "--timeseries", "communities"][..], &few].concat()),
        ("compare", [&["compare", s, "--packages", "care_subsidy"][..], &few].concat()),
        ("reproduce", [&["reproduce", s, "--robust", "1", "--robust-reps", "1"][..], &few].concat()),
        ("sweep", [&["sweep", s, "--grid", "ties.decay_weekly=0.002:0.004:0.002"][..], &few].concat()),
        (
            "sensitivity",
            vec![
                "sensitivity",
                s,
                "--method",
                "morris",
                "--samples",
                "2",
                "--vary",
                "ties.decay_weekly=0.002:0.006",
                "--reps",
                "1",
                "--weeks",
                "6",
                "--bootstrap",
                "20",
                "-q",
            ],
        ),
        (
            "calibrate",
            [
                &["calibrate", s, "--targets", targets.as_str(), "--heldout", heldout.as_str(), "--waves", "1"][..],
                &["--points", "3", "--reps", "1", "--weeks", "6", "--candidates", "200", "-q"],
            ]
            .concat(),
        ),
    ];
    for (name, args) in commands {
        let out = format!("out-{name}");
        let o = carenet(&[&args[..], &["--out", out.as_str()]].concat(), tmp.path());
        assert!(o.status.success(), "{name}: {}", text(&o));
        let dir = tmp.path().join(&out);
        let dict = dictionary(&dir);
        for ((file, column), meaning) in &dict {
            assert_ne!(meaning, carenet_io::dictionary::MISSING, "{name}: {file} column `{column}` has no entry");
            assert!(!meaning.is_empty(), "{name}: {file} `{column}`");
        }
        for e in fs::read_dir(&dir).unwrap() {
            let file = e.unwrap().file_name().to_string_lossy().into_owned();
            assert!(dict.contains_key(&(file.clone(), String::new())), "{name}: {file} is not described");
            if !file.ends_with(".csv") || file == "dictionary.csv" {
                continue;
            }
            let text = fs::read_to_string(dir.join(&file)).unwrap();
            for column in text.lines().next().unwrap().split(',') {
                assert!(dict.contains_key(&(file.clone(), column.to_string())), "{name}: {file} `{column}` missing");
            }
        }
    }
}

#[test]
fn version_and_manifest_carry_the_commit_and_build_date() {
    let tmp = tempfile::tempdir().unwrap();
    let o = carenet(&["--version"], tmp.path());
    let v = String::from_utf8(o.stdout).unwrap();
    let commit = env!("CARENET_COMMIT");
    let date = env!("CARENET_BUILD_DATE");
    assert_eq!(v.trim(), format!("carenet {} (commit {commit}, built {date})", env!("CARGO_PKG_VERSION")));
    assert!(commit == "unknown" || commit.trim_end_matches("-dirty").len() == 12, "{commit}");
    assert!(date == "unknown" || (date.len() == 10 && date.as_bytes()[4] == b'-'), "{date}");
    let o = carenet(&["run", &small(), "--reps", "1", "--weeks", "3", "-q", "--no-plots", "--out", "o"], tmp.path());
    assert!(o.status.success(), "{}", text(&o));
    let m: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(tmp.path().join("o/manifest.json")).unwrap()).unwrap();
    assert_eq!((m["carenet_commit"].as_str(), m["build_date"].as_str()), (Some(commit), Some(date)));
}
