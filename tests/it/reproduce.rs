//! `reproduce`: the claims file, a small run, errors, Latin hypercube, key paths.

use std::path::PathBuf;
use std::process::Command;

use carenet::experiment::reproduce::{Claims, DEFAULT_CLAIMS, latin_hypercube};
use carenet::scenario::load::load_default;
use carenet::scenario::path::{PathError, get_number, set_number};

fn carenet(args: &[&str], dir: &std::path::Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_carenet")).args(args).current_dir(dir).output().expect("run carenet")
}

fn small() -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios/examples/small.toml").display().to_string()
}

#[test]
fn claims_file_parses_and_every_variant_exists() {
    let s = load_default().scenario;
    let claims = Claims::parse(DEFAULT_CLAIMS, "claims.toml", &s).unwrap();
    let ids: Vec<&str> = claims.claims.iter().map(|c| c.id.as_str()).collect();
    for id in ["C1", "C2", "C3", "C4", "C5", "C6", "C7", "C8", "C9", "C10"] {
        assert!(ids.contains(&id), "claim {id} missing");
    }
    for c in &claims.claims {
        assert!(!c.statement_zh.is_empty() && !c.statement_en.is_empty() && !c.section.is_empty());
    }
}

#[test]
fn small_reproduce_writes_every_claim() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("rep");
    let o = carenet(
        &[
            "reproduce",
            &small(),
            "--reps",
            "3",
            "--weeks",
            "60",
            "--robust",
            "2",
            "--robust-reps",
            "2",
            "--no-plots",
            "--out",
            out.to_str().unwrap(),
        ],
        tmp.path(),
    );
    assert!(o.status.success(), "{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    let mut rdr = csv::Reader::from_path(out.join("claims.csv")).unwrap();
    let header: Vec<String> = rdr.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        header,
        [
            "claim",
            "section",
            "statement",
            "metric",
            "expected",
            "effect",
            "ci_low",
            "ci_high",
            "verdict",
            "robust_share"
        ]
    );
    let rows: Vec<csv::StringRecord> = rdr.records().map(|r| r.unwrap()).collect();
    let s = load_default().scenario;
    let claims = Claims::parse(DEFAULT_CLAIMS, "claims.toml", &s).unwrap();
    assert_eq!(rows.len(), claims.claims.len());
    for (row, c) in rows.iter().zip(&claims.claims) {
        assert_eq!(&row[0], c.id.as_str());
        assert!(["supported", "contradicted", "inconclusive"].contains(&&row[8]));
        let share: f64 = row[9].parse().unwrap();
        assert!((0.0..=1.0).contains(&share));
    }
    let md = std::fs::read_to_string(out.join("claims.md")).unwrap();
    assert!(md.contains("C10") && md.contains("carenet reproduce"));
}

#[test]
fn unknown_metric_is_a_clear_error() {
    let s = load_default().scenario;
    let bad = DEFAULT_CLAIMS.replacen("metric = \"isolation_rate\"", "metric = \"isolation_rat\"", 1);
    let e = Claims::parse(&bad, "bad.toml", &s).unwrap_err().to_string();
    assert!(e.contains("C1") && e.contains("isolation_rat") && e.contains("valid metrics"), "{e}");
    // Through the command line: exit code 2.
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("bad.toml");
    std::fs::write(&path, bad).unwrap();
    let o = carenet(&["reproduce", "--claims", path.to_str().unwrap(), "--reps", "2"], tmp.path());
    assert_eq!(o.status.code(), Some(2));
    // Unknown package and unknown parameter key in a variant.
    let bad_pkg = DEFAULT_CLAIMS.replacen("package = \"student_credits\"", "package = \"student_credit\"", 1);
    assert!(Claims::parse(&bad_pkg, "x", &s).unwrap_err().to_string().contains("student_credit"));
    let bad_key = DEFAULT_CLAIMS.replacen("case_management.grade_priority", "case_management.grade_prio", 1);
    assert!(Claims::parse(&bad_key, "x", &s).unwrap_err().to_string().contains("grade_prio"));
}

#[test]
fn latin_hypercube_puts_one_point_in_each_stratum() {
    let ranges = vec![("a".to_string(), [0.0, 1.0]), ("b".to_string(), [10.0, 20.0])];
    let k = 8;
    let draws = latin_hypercube(&ranges, k, 3);
    assert_eq!(draws.len(), k);
    for (dim, (_, [lo, hi])) in ranges.iter().enumerate() {
        let mut strata: Vec<usize> =
            draws.iter().map(|d| (((d[dim].1 - lo) / (hi - lo)) * k as f64) as usize).collect();
        strata.sort();
        assert_eq!(strata, (0..k).collect::<Vec<_>>());
    }
    assert_eq!(latin_hypercube(&ranges, k, 3), draws, "deterministic in the seed");
}

#[test]
fn parameters_are_read_and_set_by_dotted_key() {
    let s = load_default().scenario;
    assert_eq!(get_number(&s, "health.mortality_slope").unwrap(), s.health.mortality_slope);
    assert_eq!(get_number(&s, "street[0].community[2].elders").unwrap(), s.streets[0].communities[2].elders as f64);
    let t = set_number(&s, "community_types.village.network.kin_degree", 4.5).unwrap();
    assert_eq!(t.community_types.village.network.kin_degree, 4.5);
    assert_eq!(t.community_types.commercial_estate, s.community_types.commercial_estate);
    assert!(matches!(set_number(&s, "ties.visit_weekly", 1.5), Err(PathError::OutOfRange { .. })));
    assert!(matches!(set_number(&s, "street[0].students", 2.5), Err(PathError::OutOfRange { .. })));
    let e = set_number(&s, "ties.visit_weekyl", 0.2).unwrap_err().to_string();
    assert!(e.contains("visit_weekly"), "{e}");
    // Every [uncertainty] range names a parameter and both ends are valid values.
    for (key, [lo, hi]) in &s.uncertainty {
        set_number(&s, key, *lo).unwrap_or_else(|e| panic!("{key} low: {e}"));
        set_number(&s, key, *hi).unwrap_or_else(|e| panic!("{key} high: {e}"));
    }
}

#[test]
fn reproduce_takes_the_scenario_as_its_first_argument() {
    let tmp = tempfile::tempdir().unwrap();
    let go = |args: &[&str], out: &str| {
        let mut all = vec!["reproduce"];
        all.extend_from_slice(args);
        all.extend_from_slice(&["--reps", "2", "--weeks", "20", "--seed", "4", "--no-plots", "-q", "--out", out]);
        let o = carenet(&all, tmp.path());
        assert!(o.status.success(), "{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
        o
    };
    let small = small();
    let new = go(&[&small], "positional");
    let old = go(&["--scenario", &small], "flag");
    let csv = |d: &str| std::fs::read(tmp.path().join(d).join("claims.csv")).unwrap();
    assert_eq!(csv("positional"), csv("flag"), "both spellings run the same scenario");
    assert!(String::from_utf8_lossy(&old.stderr).contains("deprecated"));
    assert!(!String::from_utf8_lossy(&new.stderr).contains("deprecated"));
    // The recorded command uses the positional form, and reruns the same claims.
    let md = std::fs::read_to_string(tmp.path().join("flag/claims.md")).unwrap();
    assert!(md.contains(&format!("carenet reproduce {small} --reps 2 --seed 4 --weeks 20")), "{md}");
    let manifest = std::fs::read_to_string(tmp.path().join("positional/manifest.json")).unwrap();
    assert!(manifest.contains(&format!("\"command\": \"carenet reproduce {small} --reps 2")), "{manifest}");
    // Both spellings at once: bad input.
    let both = carenet(&["reproduce", &small, "--scenario", &small], tmp.path());
    assert_eq!(both.status.code(), Some(2), "one spelling at a time");
}
