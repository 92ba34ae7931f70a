//! The reference model (docs/reference-model.md) run by carenet and by the Mesa
//! peer (benches/peers/mesa) on the same exported population must agree in
//! distribution: the engines use different random generators, so the test
//! compares means over seeds, not rows.
//!
//! Compiled with the `mesa` feature only (scripts/test turns it on). Needs the
//! Mesa venv: `benches/peers/setup` (scripts/test runs it), or
//! CARENET_PEERS_PYTHON naming a Python that imports mesa. Without it the test
//! fails, it does not skip.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use carenet::metrics::summary::{Interval, interval, t975};
use statrs::distribution::{ContinuousCDF, StudentsT};

const ELDERS: &str = "1000";
const WEEKS: usize = 52;
const SEEDS: usize = 20;
/// Chance that the test fails for two engines that run the same model.
const FAMILY_ALPHA: f64 = 0.01;

use crate::support::{carenet, reference_export, repo, text};

/// The Mesa peer's Python: CARENET_PEERS_PYTHON, else the venv of benches/peers/setup.
fn python() -> PathBuf {
    let py = match std::env::var_os("CARENET_PEERS_PYTHON") {
        Some(p) if !p.is_empty() => PathBuf::from(p),
        _ => repo().join("benches/peers/.venv/bin/python"),
    };
    let ok = Command::new(&py).args(["-c", "import mesa, networkx"]).output().map(|o| o.status.success());
    assert!(
        matches!(ok, Ok(true)),
        "the Mesa peer needs a Python with mesa: {} is missing or cannot import mesa; \
         run benches/peers/setup (or set CARENET_PEERS_PYTHON)",
        py.display()
    );
    py
}

fn mesa(args: &[&str], dir: &Path) -> Output {
    Command::new(python())
        .arg(repo().join("benches/peers/mesa/run.py"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run the Mesa peer")
}

/// One output row of either engine.
#[derive(Debug, Clone, Default)]
struct Row {
    alive: f64,
    deaths: f64,
    need_hours: f64,
    unmet_hours: f64,
    help_hours: f64,
    helpers: f64,
    mean_loneliness: f64,
    mean_willingness: f64,
    mean_strength: f64,
    grade1: f64,
}

const COLUMNS: &str = "engine,seed,week,alive,deaths,needing,need_hours,unmet_hours,help_hours,helpers,\
                       mean_loneliness,mean_willingness,mean_strength,grade1,grade2,grade3";

/// Reads an output CSV into rows by seed, checking the columns, the engine
/// name and that every seed has weeks 1..=WEEKS in order.
fn read_rows(path: &Path, engine: &str) -> BTreeMap<u64, Vec<Row>> {
    let mut rd = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let header: Vec<String> = rd.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header.join(","), COLUMNS, "{}: columns", path.display());
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let mut by_seed: BTreeMap<u64, Vec<Row>> = BTreeMap::new();
    for rec in rd.records() {
        let rec = rec.unwrap();
        let f = |name: &str| -> f64 {
            let s = &rec[col(name)];
            s.parse().unwrap_or_else(|_| panic!("{}: {name} = {s:?}", path.display()))
        };
        assert_eq!(&rec[0], engine, "{}: engine column", path.display());
        let seed: u64 = rec[1].parse().unwrap();
        let week: usize = rec[2].parse().unwrap();
        let rows = by_seed.entry(seed).or_default();
        assert_eq!(week, rows.len() + 1, "{}: seed {seed}: weeks out of order", path.display());
        rows.push(Row {
            alive: f("alive"),
            deaths: f("deaths"),
            need_hours: f("need_hours"),
            unmet_hours: f("unmet_hours"),
            help_hours: f("help_hours"),
            helpers: f("helpers"),
            mean_loneliness: f("mean_loneliness"),
            mean_willingness: f("mean_willingness"),
            mean_strength: f("mean_strength"),
            grade1: f("grade1"),
        });
    }
    assert_eq!(by_seed.len(), SEEDS, "{}: seeds", path.display());
    for (seed, rows) in &by_seed {
        assert_eq!(rows.len(), WEEKS, "{}: seed {seed}: weeks", path.display());
    }
    by_seed
}

type Metric = (&'static str, fn(&[Row]) -> f64);

/// The compared metrics, each one number per seed.
const METRICS: [Metric; 7] = [
    ("unmet share (mean over weeks)", |r| {
        r.iter().map(|w| if w.need_hours > 0.0 { w.unmet_hours / w.need_hours } else { 0.0 }).sum::<f64>()
            / r.len() as f64
    }),
    ("help hours (mean over weeks)", |r| r.iter().map(|w| w.help_hours).sum::<f64>() / r.len() as f64),
    ("final mean loneliness", |r| r.last().unwrap().mean_loneliness),
    ("final mean willingness", |r| r.last().unwrap().mean_willingness),
    ("final mean strength", |r| r.last().unwrap().mean_strength),
    ("total deaths", |r| r.iter().map(|w| w.deaths).sum()),
    ("final grade-1 share", |r| {
        let w = r.last().unwrap();
        w.grade1 / w.alive
    }),
];

fn per_seed(rows: &BTreeMap<u64, Vec<Row>>, m: fn(&[Row]) -> f64) -> Vec<f64> {
    rows.values().map(|r| m(r)).collect()
}

fn show(i: &Interval) -> String {
    format!("{:.6} [{:.6}, {:.6}]", i.mean, i.ci_low, i.ci_high)
}

#[test]
fn carenet_and_mesa_agree_on_the_reference_model() {
    python(); // fails early, with the setup hint, when the venv is missing
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let pop = reference_export(dir, ELDERS.parse().unwrap());
    let pop = pop.to_str().unwrap();
    let weeks = WEEKS.to_string();
    let seeds = SEEDS.to_string();
    let (c_out, m_out) = (dir.join("carenet.csv"), dir.join("mesa.csv"));
    let (c_t, m_t) = (dir.join("carenet.json"), dir.join("mesa.json"));

    let o = carenet(
        &[
            "reference",
            "run",
            "--input",
            pop,
            "--weeks",
            &weeks,
            "--seed",
            "1",
            "--seeds",
            &seeds,
            "--threads",
            "2",
            "--out",
            c_out.to_str().unwrap(),
            "--timing",
            c_t.to_str().unwrap(),
        ],
        dir,
    );
    assert!(o.status.success(), "carenet reference run: {}", text(&o));
    let o = mesa(
        &[
            "--input",
            pop,
            "--weeks",
            &weeks,
            "--seed",
            "1",
            "--seeds",
            &seeds,
            "--out",
            m_out.to_str().unwrap(),
            "--timing",
            m_t.to_str().unwrap(),
        ],
        dir,
    );
    assert!(o.status.success(), "Mesa peer: {}", text(&o));

    for (t, engine) in [(&c_t, "carenet"), (&m_t, "mesa")] {
        let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(t).unwrap()).unwrap();
        assert_eq!(v["engine"], engine, "{}", t.display());
        assert_eq!(v["n_elders"].as_u64(), Some(ELDERS.parse().unwrap()), "{}", t.display());
        assert_eq!(v["weeks"].as_u64(), Some(WEEKS as u64), "{}", t.display());
        assert_eq!(v["seeds"].as_u64(), Some(SEEDS as u64), "{}", t.display());
        for k in ["setup_seconds", "step_seconds"] {
            assert!(v[k].as_f64().is_some_and(|s| s >= 0.0), "{}: {k}", t.display());
        }
    }

    let c = read_rows(&c_out, "carenet");
    let m = read_rows(&m_out, "mesa");
    // Week 1 starts from the same population: every seed of both engines starts
    // with all elders alive, and week 1's helpers follow from the starting
    // population alone (no draw), so they are equal exactly.
    let n: f64 = ELDERS.parse().unwrap();
    let week1: Vec<(f64, f64)> =
        c.values().chain(m.values()).map(|r| (r[0].alive + r[0].deaths, r[0].helpers)).collect();
    assert!(week1.iter().all(|&(a, _)| a == n), "every seed starts with {n} elders: {week1:?}");
    assert!(week1.iter().all(|&(_, h)| h == week1[0].1), "week 1's helpers differ: {week1:?}");

    // Each metric's difference of means against its Welch t bound at a
    // Bonferroni-corrected level (1% for the family of 7). The looser-looking
    // check "each mean inside the other's 95% interval" would fail about one
    // time in six per metric for two identical engines (the difference of two
    // independent means has sd √2·se), so about half the time over 7 metrics.
    let alpha = FAMILY_ALPHA / METRICS.len() as f64;
    let mut report = String::new();
    let mut failed = Vec::new();
    for (name, f) in METRICS {
        let (ci, mi) = (interval(&per_seed(&c, f)), interval(&per_seed(&m, f)));
        let (vc, vm) = ((ci.sd * ci.sd) / ci.n as f64, (mi.sd * mi.sd) / mi.n as f64);
        let se = (vc + vm).sqrt();
        let df = if se > 0.0 {
            (vc + vm).powi(2) / (vc * vc / (ci.n - 1) as f64 + vm * vm / (mi.n - 1) as f64)
        } else {
            1.0
        };
        let t = StudentsT::new(0.0, 1.0, df).unwrap().inverse_cdf(1.0 - alpha / 2.0);
        let diff = ci.mean - mi.mean;
        let ok = diff.abs() <= t * se;
        report.push_str(&format!(
            "  {name:30} carenet {}  mesa {}  diff {diff:+.6} (bound {:.6}, t {t:.2}, df {df:.1}){}\n",
            show(&ci),
            show(&mi),
            t * se,
            if ok { "" } else { "  <- DISAGREE" }
        ));
        if !ok {
            failed.push(name);
        }
    }
    eprintln!(
        "reference model, {ELDERS} elders, {WEEKS} weeks, {SEEDS} seeds: mean [95% t-interval, t = {:.3}]\n{report}",
        t975(SEEDS - 1)
    );
    assert!(
        failed.is_empty(),
        "carenet and Mesa disagree on {failed:?}: |difference of means| above its Welch t bound at \
         {alpha:.5} two-sided per metric ({FAMILY_ALPHA} for all {}):\n{report}",
        METRICS.len()
    );
}

/// The Mesa peer against a plain-Python implementation of the same rules with
/// the same draws: identical rows (benches/peers/mesa/check.py).
#[test]
fn mesa_peer_matches_its_plain_python_twin() {
    let tmp = tempfile::tempdir().unwrap();
    let pop = reference_export(tmp.path(), ELDERS.parse().unwrap());
    let o = Command::new(python())
        .arg(repo().join("benches/peers/mesa/check.py"))
        .args(["--input", pop.to_str().unwrap(), "--weeks", "20", "--seed", "3", "--seeds", "2"])
        .output()
        .expect("run check.py");
    assert!(o.status.success(), "benches/peers/mesa/check.py: {}", text(&o));
}
