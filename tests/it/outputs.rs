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
