//! The reference model's files and commands: `carenet reference export` and `run`, the
//! driver, bad input files. The model itself is tested in crates/carenet-model/tests/model/reference.rs.

use std::path::Path;
use std::process::Output;

use carenet::reference::Reference;
use carenet::reference::synth::synthesize;
use carenet::reference_driver::{RefRunConfig, Source, run};
use carenet::scenario::Scenario;
use carenet_io::reference::{ROWS_HEADER, import_dir, read_params, write_rows};

use crate::support::{carenet, reference_export, small_scenario, text};

#[test]
fn export_writes_the_three_files() {
    let tmp = tempfile::tempdir().unwrap();
    let out = reference_export(tmp.path(), 2100);
    let pop = std::fs::read_to_string(out.join("population.csv")).unwrap();
    assert_eq!(pop.lines().next(), Some("id,community,state,lives_alone,loneliness,loneliness_base,willingness"));
    assert_eq!(pop.lines().count(), 2101);
    let ties = std::fs::read_to_string(out.join("ties.csv")).unwrap();
    assert_eq!(ties.lines().next(), Some("a,b,strength"));
    let params: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("params.json")).unwrap()).unwrap();
    let keys: Vec<&str> = params.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys.len(), 24);
    assert_eq!(read_params(&out.join("params.json")).unwrap(), Reference::default());
    // Reading it back gives the synthesised world.
    let (w, r) = import_dir(&out).unwrap();
    let s = synthesize(&Scenario::default(), 2100).unwrap();
    assert_eq!(r, Reference::default());
    assert_eq!((w.state(), w.loneliness(), w.willingness()), (s.state(), s.loneliness(), s.willingness()));
    assert_eq!((w.tie_a(), w.tie_b(), w.strength()), (s.tie_a(), s.tie_b(), s.strength()));
    assert_eq!((w.offsets(), w.nbr(), w.eid()), (s.offsets(), s.nbr(), s.eid()));
}

#[test]
fn exported_input_runs_exactly_like_the_synthesis() {
    let tmp = tempfile::tempdir().unwrap();
    let out = reference_export(tmp.path(), 2500);
    let a = tmp.path().join("a.csv");
    let b = tmp.path().join("b.csv");
    let mut args = vec!["reference", "run", "--input", out.to_str().unwrap(), "--weeks", "15", "--seed", "5"];
    args.extend(["--seeds", "2", "--out", a.to_str().unwrap()]);
    let o = carenet(&args, tmp.path());
    assert!(o.status.success(), "{}", text(&o));
    let o = carenet(
        &[
            "reference",
            "run",
            "--elders",
            "2500",
            "--weeks",
            "15",
            "--seed",
            "5",
            "--seeds",
            "2",
            "--out",
            b.to_str().unwrap(),
        ],
        tmp.path(),
    );
    assert!(o.status.success(), "{}", text(&o));
    let (a, b) = (std::fs::read_to_string(a).unwrap(), std::fs::read_to_string(b).unwrap());
    assert_eq!(a, b);
    assert_eq!(a.lines().next(), Some(ROWS_HEADER));
    assert_eq!(a.lines().count(), 1 + 2 * 15);
    assert!(a.lines().nth(1).unwrap().starts_with("carenet,5,1,"));
    assert!(a.lines().nth(16).unwrap().starts_with("carenet,6,1,"));
}

#[test]
fn same_seed_same_bytes_with_one_or_two_threads() {
    let tmp = tempfile::tempdir().unwrap();
    let files: Vec<Vec<u8>> = ["1", "2"]
        .iter()
        .map(|t| {
            let out = tmp.path().join(format!("t{t}.csv"));
            let timing = tmp.path().join(format!("t{t}.json"));
            let o = carenet(
                &[
                    "reference",
                    "run",
                    "--elders",
                    "3500",
                    "--weeks",
                    "20",
                    "--threads",
                    t,
                    "--out",
                    out.to_str().unwrap(),
                    "--timing",
                    timing.to_str().unwrap(),
                ],
                tmp.path(),
            );
            assert!(o.status.success(), "{}", text(&o));
            let timing: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&timing).unwrap()).unwrap();
            assert_eq!(timing["engine"], "carenet");
            assert_eq!((timing["n_elders"].as_u64(), timing["weeks"].as_u64()), (Some(3500), Some(20)));
            assert_eq!(timing["seeds"].as_u64(), Some(1));
            assert!(timing["step_seconds"].as_f64().unwrap() > 0.0);
            assert!(timing["setup_seconds"].as_f64().unwrap() > 0.0);
            std::fs::read(out).unwrap()
        })
        .collect();
    assert!(!files[0].is_empty());
    assert!(files[0] == files[1], "the rows differ between --threads 1 and --threads 2");
    // The default seed is the scenario's.
    let seed = Scenario::default().simulation.seed.to_string();
    let o = carenet(&["reference", "run", "--elders", "500", "--weeks", "2"], tmp.path());
    assert!(o.status.success(), "{}", text(&o));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.lines().nth(1).unwrap().starts_with(&format!("carenet,{seed},1,")), "{stdout}");
}

/// Copies an export and replaces `file` by `content`; returns the run's output.
fn run_with(tmp: &Path, export: &Path, file: &str, content: &str) -> Output {
    let dir = tmp.join(format!("bad-{}", file.replace('.', "-")));
    std::fs::create_dir_all(&dir).unwrap();
    for f in ["population.csv", "ties.csv", "params.json"] {
        std::fs::copy(export.join(f), dir.join(f)).unwrap();
    }
    std::fs::write(dir.join(file), content).unwrap();
    carenet(&["reference", "run", "--input", dir.to_str().unwrap(), "--weeks", "2"], tmp)
}

#[test]
fn bad_input_files_exit_2_naming_file_and_line() {
    let tmp = tempfile::tempdir().unwrap();
    let out = reference_export(tmp.path(), 1200);
    let pop = std::fs::read_to_string(out.join("population.csv")).unwrap();
    let mut lines: Vec<String> = pop.lines().map(String::from).collect();
    lines[2] = "1,0,7,0,0.5,0.5,0.5".into();
    let o = run_with(tmp.path(), &out, "population.csv", &(lines.join("\n") + "\n"));
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("population.csv:3:") && err.contains("`state` = 7"), "{err}");

    lines[2] = "1,0,0,0,1.5,0.5,0.5".into();
    let o = run_with(tmp.path(), &out, "population.csv", &(lines.join("\n") + "\n"));
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("population.csv:3: `loneliness` = 1.5 is out of range"));

    let first_of_1 = lines.iter().skip(1).position(|l| l.split(',').nth(1) == Some("1")).unwrap();
    let cross = format!("a,b,strength\n0,1,0.5\n5,{first_of_1},0.3\n");
    let o = run_with(tmp.path(), &out, "ties.csv", &cross);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("ties.csv:3:") && err.contains("joins communities 0 and 1"), "{err}");

    let o = run_with(tmp.path(), &out, "ties.csv", "a,b,strength\n3,4,0.5\n0,1,0.5\n");
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("ties.csv:3: tie (0, 1) after (3, 4)"));

    let o = run_with(tmp.path(), &out, "ties.csv", "a,b\n0,1\n");
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("ties.csv:1: the header is `a,b`"));

    let params = std::fs::read_to_string(out.join("params.json")).unwrap();
    let o = run_with(tmp.path(), &out, "params.json", &params.replace("\"rise\"", "\"rsie\""));
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("params.json:") && err.contains("unknown parameter `rsie`; did you mean `rise`?"), "{err}");

    let o = run_with(tmp.path(), &out, "params.json", &params.replace("\"decay\": 0.004", "\"decay\": -1.0"));
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("`decay` = -1 is out of range"), "{}", text(&o));

    let o = run_with(tmp.path(), &out, "params.json", "{\"rise\": ");
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("params.json:1:"));

    let o = carenet(&["reference", "run", "--input", "no/such/dir", "--weeks", "2"], tmp.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("cannot read"));
    let o = carenet(&["reference", "run", "--elders", "0", "--weeks", "2"], tmp.path());
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn the_driver_runs_every_seed_from_the_same_start() {
    let s = small_scenario(400);
    let cfg = |seeds| RefRunConfig {
        source: Source::Elders(1000),
        weeks: 6,
        seed: 40,
        seeds,
        threads: Some(1),
        out: None,
        timing: None,
    };
    let two = run(&s, &cfg(2)).unwrap();
    assert_eq!(two.rows.len(), 12);
    let one = run(&s, &cfg(1)).unwrap();
    assert_eq!(&two.rows[..6], &one.rows[..]);
    assert_eq!(two.rows[6].seed, 41);
    let mut buf = Vec::new();
    write_rows(&mut buf, "carenet", &one.rows).unwrap();
    assert_eq!(String::from_utf8(buf).unwrap().lines().count(), 7);
    assert!(run(&s, &RefRunConfig { weeks: 0, ..cfg(1) }).is_err());
}
