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
            "role",
            "kind",
            "section",
            "quote_zh",
            "statement_en",
            "metric",
            "group",
            "sesoi",
            "effect",
            "ci_low",
            "ci_high",
            "verdict",
            "emergent_share",
            "robust_share",
            "structures_survived"
        ]
    );
    let rows: Vec<csv::StringRecord> = rdr.records().map(|r| r.unwrap()).collect();
    let s = load_default().scenario;
    let claims = Claims::parse(DEFAULT_CLAIMS, "claims.toml", &s).unwrap();
    let claim_rows: Vec<&csv::StringRecord> = rows.iter().filter(|r| &r[1] == "claim").collect();
    assert_eq!(claim_rows.len(), claims.claims.len());
    for (row, c) in claim_rows.iter().zip(&claims.claims) {
        assert_eq!(&row[0], c.id.as_str());
        assert_eq!(&row[4], c.quote_zh.as_str(), "the quote is written as is (CSV-quoted)");
        assert!(["supported", "negligible", "contradicted", "inconclusive"].contains(&&row[12]));
        let share: f64 = row[14].parse().unwrap();
        assert!((0.0..=1.0).contains(&share));
        // Every remedy has spillover rows: three grades or two, the other types, and its cost.
        let spill = rows.iter().filter(|r| &r[0] == c.id.as_str() && &r[1] == "spillover").count();
        if c.kind == "remedy" {
            assert!(spill >= 5, "{}: {spill} spillover rows", c.id);
        } else {
            assert_eq!(spill, 0, "{}", c.id);
        }
    }
    let md = std::fs::read_to_string(out.join("claims.md")).unwrap();
    assert!(md.contains("R9") && md.contains("carenet reproduce") && md.contains("## Equal cost"));
}

#[test]
fn unknown_metric_is_a_clear_error() {
    let s = load_default().scenario;
    let bad = DEFAULT_CLAIMS.replacen("metric = \"mutual_aid_share\"", "metric = \"mutual_aid_shar\"", 1);
    let e = Claims::parse(&bad, "bad.toml", &s).unwrap_err().to_string();
    assert!(e.contains("D1") && e.contains("mutual_aid_shar") && e.contains("valid metrics"), "{e}");
    // Through the command line: exit code 2.
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("bad.toml");
    std::fs::write(&path, bad).unwrap();
    let o = carenet(&["reproduce", "--claims", path.to_str().unwrap(), "--reps", "2"], tmp.path());
    assert_eq!(o.status.code(), Some(2));
    // Unknown package and unknown parameter key in a variant.
    let bad_pkg = DEFAULT_CLAIMS.replacen("package = \"student_credits\"", "package = \"student_credit\"", 1);
    assert!(Claims::parse(&bad_pkg, "x", &s).unwrap_err().to_string().contains("student_credit"));
    let bad_key = DEFAULT_CLAIMS.replacen("social_workers.delivery_ratio\"", "social_workers.delivery_rati\"", 1);
    assert!(Claims::parse(&bad_key, "x", &s).unwrap_err().to_string().contains("delivery_rati"));
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

#[test]
fn bad_structures_are_input_errors() {
    let tmp = tempfile::tempdir().unwrap();
    for (spec, says) in [("ties.decay_weekly=0.1", "not a structure key"), ("structure.family", "not KEY=VALUE")] {
        let o = carenet(&["reproduce", &small(), "--structures", spec, "--reps", "2", "--weeks", "10"], tmp.path());
        assert_eq!(o.status.code(), Some(2), "{spec}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(says), "{spec}: {err}");
    }
}

#[test]
fn ensemble_points_are_the_robustness_draws() {
    let tmp = tempfile::tempdir().unwrap();
    let ens = tmp.path().join("plausible.csv");
    std::fs::write(&ens, "wave,needs.help_hours_scale,max_implausibility\n1,0.8,1.2\n1,1.2,2.0\n2,1.0,0.5\n").unwrap();
    let out = tmp.path().join("rep");
    let args = [
        "reproduce",
        &small(),
        "--ensemble",
        ens.to_str().unwrap(),
        "--robust",
        "2",
        "--robust-reps",
        "1",
        "--reps",
        "2",
        "--weeks",
        "10",
        "--no-plots",
        "-q",
        "--out",
        out.to_str().unwrap(),
    ];
    let o = carenet(&args, tmp.path());
    assert!(o.status.success(), "{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    let md = std::fs::read_to_string(out.join("claims.md")).unwrap();
    assert!(md.contains("2 of the 3 points of the ensemble") && md.contains("sha256:"), "{md}");
    assert!(md.contains("--ensemble") && md.contains("--robust 2 --robust-reps 1"), "{md}");
    let mut rdr = csv::Reader::from_path(out.join("claims.csv")).unwrap();
    for r in rdr.records().map(|r| r.unwrap()).filter(|r| &r[1] == "claim") {
        let share: f64 = r[14].parse().unwrap();
        assert!(share == 0.0 || share == 0.5 || share == 1.0, "two draws: {share}");
    }
    // A point the scenario refuses is bad input, named by its row.
    std::fs::write(&ens, "needs.help_hours_scale\n1.0\n-3\n").unwrap();
    let o = carenet(&args, tmp.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("point 1 (row 3)"), "{}", String::from_utf8_lossy(&o.stderr));
}
