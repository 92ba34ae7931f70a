//! `reproduce`: a small run and its errors (the claims file, the Latin hypercube and key
//! paths are tested in crates/carenet-model/tests/model/experiments.rs).

use carenet::experiment::reproduce::{Claims, DEFAULT_CLAIMS};
use carenet::scenario::load::load_default;

use crate::support::{carenet, small};

#[test]
fn small_reproduce_writes_every_claim() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("rep");
    let o = carenet(
        &[
            "reproduce",
            "--scenario",
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
