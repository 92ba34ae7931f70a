//! Sweeps never merge damaged work (issue 12): cell files check themselves
//! (a property test mutates finished cells; merge and resume must notice every
//! mutation), keys a sweep cannot vary are refused, a directory of another
//! sweep is refused before anything is written, and the Slurm script quotes
//! any output path for the shell.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use carenet::experiment::sweep::{Axis, Design, SweepPlan, check_cell, plan};
use carenet_io::sweep::{self as dirs, CellState};
use proptest::prelude::*;

use crate::support::{carenet, small, text};

const GRID: [&str; 4] =
    ["--grid", "ties.decay_weekly=0.002:0.006:0.002", "--grid", "mutual_aid.ask_probability=0.3:0.9:0.6"];

/// `carenet sweep small.toml GRID --reps 2 --weeks 6 --seed SEED --out OUT extra…`.
fn sweep_seeded(dir: &Path, out: &str, seed: &str, extra: &[&str]) -> std::process::Output {
    let s = small();
    let mut args = vec!["sweep", s.as_str()];
    args.extend(GRID);
    args.extend(["--reps", "2", "--weeks", "6", "--seed", seed, "--out", out]);
    args.extend(extra);
    carenet(&args, dir)
}

fn sweep(dir: &Path, out: &str, extra: &[&str]) -> std::process::Output {
    sweep_seeded(dir, out, "5", extra)
}

fn cell(dir: &Path, out: &str, i: usize) -> PathBuf {
    dir.join(out).join("cells").join(format!("cell-{i:06}.csv"))
}

/// The damage of the reproducers, each applied to cell 3 of a finished
/// sweep: `merge` is exit code 2 naming the file, what is wrong and what to do;
/// a rerun of the sweep runs the cell again (saying so) and merges the bytes of
/// the undamaged sweep.
#[test]
fn damaged_cells_are_refused_by_merge_and_redone_by_a_rerun() {
    let tmp = tempfile::tempdir().unwrap();
    let o = sweep(tmp.path(), "sw", &[]);
    assert!(o.status.success(), "{}", text(&o));
    let good = std::fs::read(tmp.path().join("sw/sweep.csv")).unwrap();
    let three = std::fs::read(cell(tmp.path(), "sw", 3)).unwrap();
    let four = std::fs::read_to_string(cell(tmp.path(), "sw", 4)).unwrap();
    let mut other_rows = three.clone();
    other_rows.extend_from_slice(four.split_once('\n').unwrap().1.as_bytes());
    let mut appended = three.clone();
    appended.extend_from_slice(&[0x8f, 0x13, b'7', 0x00, b'\n']);
    let s = String::from_utf8(three.clone()).unwrap();
    let damages: [(&str, Vec<u8>, &str); 6] = [
        ("cut after 500 bytes", three[..500].to_vec(), "checksum does not match"),
        ("edited with sed", s.replacen(",2\n", ",1\n", 1).into_bytes(), "checksum does not match"),
        ("random bytes appended", appended, "not UTF-8"),
        ("another cell's rows appended", other_rows, "checksum does not match"),
        ("emptied", Vec::new(), "the file is empty"),
        ("re-marked", s.replacen(" cell 3 ", " cell 2 ", 1).into_bytes(), "checksum does not match"),
    ];
    for (what, bytes, why) in damages {
        assert_ne!(bytes, three, "{what}: no damage");
        std::fs::write(cell(tmp.path(), "sw", 3), &bytes).unwrap();
        let o = carenet(&["merge", "sw"], tmp.path());
        assert_eq!(o.status.code(), Some(2), "{what}: {}", text(&o));
        let t = text(&o);
        assert!(t.contains("cell-000003.csv: damaged") && t.contains(why), "{what}: {t}");
        assert!(t.contains("delete it and run the sweep (or its shard)"), "{what}: {t}");
        assert_eq!(std::fs::read(tmp.path().join("sw/sweep.csv")).unwrap(), good, "{what}: merge changed sweep.csv");

        let o = sweep(tmp.path(), "sw", &[]);
        assert!(o.status.success(), "{what}: {}", text(&o));
        let t = text(&o);
        assert!(t.contains("cell-000003.csv: damaged") && t.contains("ran the cell again"), "{what}: {t}");
        assert!(t.contains("1 cells") && t.contains("5 already done"), "{what}: {t}");
        assert_eq!(std::fs::read(cell(tmp.path(), "sw", 3)).unwrap(), three, "{what}: the cell was not redone");
        assert_eq!(std::fs::read(tmp.path().join("sw/sweep.csv")).unwrap(), good, "{what}: resumed bytes differ");
    }
}

/// Keys that every cell shares (seed, replications, weeks, summary window) are
/// refused with the flag to use; a constraint broken by a cell's values is
/// named instead of reported as `NaN`.
#[test]
fn keys_a_sweep_cannot_vary_and_broken_constraints_are_clear_input_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let s = small();
    for (grid, expect) in [
        ("simulation.seed=1:3:1", "--seed"),
        ("simulation.reps=1:3:1", "--reps"),
        ("simulation.weeks=1:3:1", "--weeks"),
        ("metrics.summary_window=1:3:1", "metrics.summary_window in the scenario file"),
        ("population.age_mix[0]=0.1:0.3:0.1", "a mix must still sum to 1"),
    ] {
        let o = carenet(&["sweep", &s, "--grid", grid, "--reps", "1", "--weeks", "2", "--out", "x"], tmp.path());
        assert_eq!(o.status.code(), Some(2), "{grid}: {}", text(&o));
        let t = text(&o);
        assert!(t.contains(expect) && !t.contains("NaN"), "{grid}: {t}");
    }
    let o = carenet(
        &["sweep", &s, "--lhs", "2", "--vary", "simulation.seed=1:9", "--reps", "1", "--weeks", "2", "--out", "x"],
        tmp.path(),
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("`simulation.seed` cannot be swept"), "{}", text(&o));
    let o = carenet(
        &["sweep", &s, "--grid", "population.age_mix[0]=0.1:0.3:0.1", "--reps", "1", "--weeks", "2", "--out", "x"],
        tmp.path(),
    );
    assert!(text(&o).contains("cell 0 (population.age_mix[0] = 0.1) breaks a constraint on `population.age_mix`"));
    assert!(!tmp.path().join("x").exists(), "nothing is written for bad input");
}

/// A sweep with another seed in a directory whose sweep.json was deleted is
/// refused before it writes anything; the same sweep resumes there.
#[test]
fn cells_of_another_sweep_are_refused_before_sweep_json_is_written() {
    let tmp = tempfile::tempdir().unwrap();
    let o = sweep(tmp.path(), "sw", &["--shard", "1/2"]);
    assert!(o.status.success(), "{}", text(&o));
    let cell0 = std::fs::read(cell(tmp.path(), "sw", 0)).unwrap();
    std::fs::remove_file(tmp.path().join("sw/sweep.json")).unwrap();
    let o = sweep_seeded(tmp.path(), "sw", "6", &[]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let t = text(&o);
    assert!(t.contains("has no sweep.json but holds") && t.contains("cell-000000.csv: cell 0 of sweep"), "{t}");
    assert!(!tmp.path().join("sw/sweep.json").exists(), "a refused sweep wrote sweep.json");
    assert!(!cell(tmp.path(), "sw", 1).exists(), "a refused sweep ran cells");
    assert_eq!(std::fs::read(cell(tmp.path(), "sw", 0)).unwrap(), cell0);
    // The sweep the cells belong to takes the directory back and finishes it.
    let o = sweep(tmp.path(), "sw", &[]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("3 already done"), "{}", text(&o));
}

/// The script for an output path with spaces, quotes, `$`, backslashes and a
/// `%` passes `bash -n`, and run with a stand-in `sbatch` (which runs each
/// `--wrap` command with `sh -c`) and a stand-in carenet (which prints its
/// arguments) gives carenet that path unchanged.
#[cfg(unix)]
#[test]
fn slurm_script_quotes_any_output_path_for_the_shell() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let weird = "o ut \"q\" 'a' $HOME `x` \\n\\ 5%j;|&";
    std::fs::create_dir_all(tmp.path().join("bin")).unwrap();
    let exe = |name: &str, body: &str| {
        let p = tmp.path().join("bin").join(name);
        std::fs::write(&p, body).unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
        p
    };
    // sbatch: logs its arguments (one per line), runs --wrap, prints a job id.
    exe(
        "sbatch",
        "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\" >> \"$LOG/sbatch\"; case \"$a\" in --wrap=*) sh -c \
         \"${a#--wrap=}\";; esac; done\necho 42\n",
    );
    let fake = exe("fake-carenet", "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done >> \"$LOG/carenet\"\n");
    let s = small();
    let mut args = vec!["slurm-script", s.as_str()];
    args.extend(GRID);
    args.extend(["--reps", "1", "--weeks", "2", "--tasks", "2", "--out", weird, "--carenet", fake.to_str().unwrap()]);
    let o = carenet(&args, tmp.path());
    assert!(o.status.success(), "{}", text(&o));
    let script = tmp.path().join("run.sh");
    std::fs::write(&script, &o.stdout).unwrap();
    let check = std::process::Command::new("bash").arg("-n").arg(&script).output().unwrap();
    assert!(check.status.success(), "bash -n: {}\n{}", text(&check), String::from_utf8_lossy(&o.stdout));

    let path = format!("{}:{}", tmp.path().join("bin").display(), std::env::var("PATH").unwrap_or_default());
    let run = std::process::Command::new("bash")
        .arg(&script)
        .current_dir(tmp.path())
        .env("PATH", path)
        .env("LOG", tmp.path())
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", text(&run));
    let out = tmp.path().join(weird);
    let out_str = out.to_str().unwrap();
    assert!(out.join("slurm").is_dir(), "mkdir -p made no {}", out.join("slurm").display());
    assert!(text(&run).contains(&format!("results in: {out_str}/sweep.csv")), "{}", text(&run));
    let words = |f: &str| -> Vec<String> {
        let b = std::fs::read(tmp.path().join(f)).unwrap();
        b.split(|c| *c == b'\n').filter(|w| !w.is_empty()).map(|w| String::from_utf8(w.to_vec()).unwrap()).collect()
    };
    let calls = words("carenet");
    // The shard's call, then the merge's.
    let at = calls.iter().position(|w| w == "--out").unwrap();
    assert_eq!(calls[at + 1], out_str, "{calls:?}");
    assert_eq!(calls[0], "sweep");
    assert_eq!(calls[1], std::path::absolute(&s).unwrap().to_str().unwrap());
    assert!(calls.windows(2).any(|w| w == ["--grid", "ties.decay_weekly=0.002:0.006:0.002"]), "{calls:?}");
    let merge = calls.iter().position(|w| w == "merge").unwrap();
    assert_eq!(calls[merge + 1..], [out_str.to_string()], "{calls:?}");
    let sbatch = words("sbatch");
    assert!(sbatch.contains(&"--job-name=carenet-small".to_string()), "{sbatch:?}");
    let log = format!("--output={}/slurm/%x-%A_%a.out", out_str.replace('%', "%%"));
    assert!(sbatch.contains(&log), "{sbatch:?}");
    assert!(sbatch.contains(&"--dependency=afterok:42".to_string()), "{sbatch:?}");
}

/// A finished sweep (4 cells, 1 replication, 2 weeks) made once for the
/// property test, with its plan and every cell's bytes.
struct Finished {
    _tmp: tempfile::TempDir,
    dir: PathBuf,
    plan: SweepPlan,
    cells: Vec<Vec<u8>>,
}

fn finished() -> &'static Finished {
    static F: OnceLock<Finished> = OnceLock::new();
    F.get_or_init(|| {
        let mut s = carenet::scenario::load::load_file(Path::new(&small())).unwrap().scenario;
        s.metrics.summary_window = s.metrics.summary_window.min(2);
        let design = Design::Grid(vec![
            Axis::parse("ties.decay_weekly=0.002:0.004:0.002").unwrap(),
            Axis::parse("mutual_aid.ask_probability=0.3:0.9:0.6").unwrap(),
        ]);
        let (plan, scenarios) = plan(&s, &design, 1, 2, 9).unwrap();
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("sw");
        dirs::prepare_dir(&dir, &plan).unwrap();
        let todo: Vec<usize> = (0..plan.cells.len()).collect();
        let ran = dirs::run_cells(&dir, &plan, &scenarios, &todo, Some(1), &|| {}).unwrap();
        assert_eq!(ran.cells, todo);
        dirs::merge(&dir).unwrap();
        let cells = todo.iter().map(|&i| std::fs::read(dirs::cell_path(&dir, i)).unwrap()).collect();
        Finished { _tmp: tmp, dir, plan, cells }
    })
}

/// One way to damage a cell file.
#[derive(Debug, Clone)]
enum Mutation {
    Truncate(prop::sample::Index),
    Flip(prop::sample::Index, u8),
    Insert(prop::sample::Index, u8),
    Delete(prop::sample::Index),
    /// Another cell's rows under this cell's marker.
    SwapBody(prop::sample::Index),
    /// Another cell's whole file.
    SwapFile(prop::sample::Index),
    /// Rows of some cell (a range of its lines) appended.
    AppendRows(prop::sample::Index, prop::sample::Index),
    AppendBytes(Vec<u8>),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    use prop::sample::Index;
    prop_oneof![
        any::<Index>().prop_map(Mutation::Truncate),
        (any::<Index>(), 1u8..=255).prop_map(|(i, x)| Mutation::Flip(i, x)),
        (any::<Index>(), any::<u8>()).prop_map(|(i, b)| Mutation::Insert(i, b)),
        any::<Index>().prop_map(Mutation::Delete),
        any::<Index>().prop_map(Mutation::SwapBody),
        any::<Index>().prop_map(Mutation::SwapFile),
        (any::<Index>(), any::<Index>()).prop_map(|(c, n)| Mutation::AppendRows(c, n)),
        prop::collection::vec(any::<u8>(), 1..40).prop_map(Mutation::AppendBytes),
    ]
}

/// Cell `i`'s bytes with mutation `m` applied.
fn apply(f: &Finished, i: usize, m: &Mutation) -> Vec<u8> {
    let mut b = f.cells[i].clone();
    let split = |b: &[u8]| {
        let at = b.iter().position(|c| *c == b'\n').unwrap() + 1;
        (b[..at].to_vec(), b[at..].to_vec())
    };
    let other = |x: &prop::sample::Index| {
        let j = x.index(f.cells.len() - 1);
        if j >= i { j + 1 } else { j }
    };
    match m {
        Mutation::Truncate(at) => b.truncate(at.index(b.len())),
        Mutation::Flip(at, x) => {
            let at = at.index(b.len());
            b[at] ^= x;
        }
        Mutation::Insert(at, x) => b.insert(at.index(b.len() + 1), *x),
        Mutation::Delete(at) => {
            b.remove(at.index(b.len()));
        }
        Mutation::SwapBody(j) => {
            let (marker, _) = split(&b);
            let (_, body) = split(&f.cells[other(j)]);
            b = [marker, body].concat();
        }
        Mutation::SwapFile(j) => b = f.cells[other(j)].clone(),
        Mutation::AppendRows(c, n) => {
            let (_, body) = split(&f.cells[c.index(f.cells.len())]);
            let lines: Vec<&[u8]> = body.split_inclusive(|c| *c == b'\n').collect();
            b.extend(lines[..1 + n.index(lines.len())].concat());
        }
        Mutation::AppendBytes(x) => b.extend(x),
    }
    b
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, failure_persistence: None, ..ProptestConfig::default() })]

    /// Every mutation of a finished cell is noticed: the check fails, the
    /// cell is not counted as done (a resumed sweep runs it again or refuses
    /// it), and merge is an input error naming the file.
    #[test]
    fn every_mutation_of_a_finished_cell_is_detected(i in 0usize..4, m in mutation()) {
        let f = finished();
        let bytes = apply(f, i, &m);
        prop_assume!(bytes != f.cells[i]);
        prop_assert!(check_cell(&f.plan, i, &bytes).is_err(), "check_cell accepted {m:?}");
        let path = dirs::cell_path(&f.dir, i);
        std::fs::write(&path, &bytes).unwrap();
        let state = dirs::cell_state(&f.dir, &f.plan, i).unwrap();
        let done = dirs::cell_done(&f.dir, &f.plan, i);
        let merged = dirs::merge(&f.dir);
        std::fs::write(&path, &f.cells[i]).unwrap();
        prop_assert!(matches!(state, CellState::Damaged(_) | CellState::Foreign { .. }), "{m:?}: {state:?}");
        prop_assert!(done.as_ref().is_err_and(|e| e.is_input()), "{m:?}: cell_done {done:?}");
        let e = merged.expect_err("merge accepted a mutated cell");
        prop_assert!(e.is_input(), "{e}");
        prop_assert!(e.to_string().contains(&path.display().to_string()), "{e}");
        prop_assert!(e.to_string().contains("delete it"), "{e}");
    }
}

/// Unmutated cells pass every check (the property test owns the directory,
/// so this checks the bytes; `finished` merged them once).
#[test]
fn finished_cells_pass_their_checks() {
    let f = finished();
    for (i, b) in f.cells.iter().enumerate() {
        let body = check_cell(&f.plan, i, b).unwrap_or_else(|e| panic!("cell {i}: {e}"));
        assert_eq!(body.lines().count(), carenet::metrics::METRICS.len());
        assert!(check_cell(&f.plan, (i + 1) % 4, b).is_err(), "cell {i} passed as another");
    }
}

/// An output path that is not UTF-8 cannot be written into a script unchanged:
/// exit code 2 saying so, and no script.
#[cfg(unix)]
#[test]
fn slurm_script_refuses_an_output_path_that_is_not_utf8() {
    use std::os::unix::ffi::OsStrExt;
    let tmp = tempfile::tempdir().unwrap();
    let s = small();
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_carenet"))
        .args(["slurm-script", s.as_str()])
        .args(GRID)
        .args(["--reps", "1", "--weeks", "2", "--out"])
        .arg(std::ffi::OsStr::from_bytes(b"bad\xffdir"))
        .current_dir(tmp.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(o.stdout.is_empty(), "a script was printed");
    assert!(text(&o).contains("is not UTF-8 text, so a script cannot name it"), "{}", text(&o));
}

/// The row checks behind the checksum: a file rewritten with a checksum that
/// matches (by hand, or by a bug) is still refused when a row is wrong.
#[test]
fn rows_are_checked_even_when_the_checksum_matches() {
    use carenet::experiment::sweep::{CellFault, cell_file};
    let f = finished();
    let body = check_cell(&f.plan, 0, &f.cells[0]).unwrap().to_string();
    let lines: Vec<&str> = body.lines().collect();
    let with_first = |row: String| -> String {
        std::iter::once(row).chain(lines[1..].iter().map(|l| l.to_string())).map(|l| l + "\n").collect()
    };
    let fields: Vec<&str> = lines[0].split(',').collect();
    let set = |k: usize, v: &str| {
        let mut g = fields.clone();
        g[k] = v;
        with_first(g.join(","))
    };
    let mut swapped = lines.clone();
    swapped.swap(0, 1);
    let swapped: String = swapped.iter().map(|l| format!("{l}\n")).collect();
    for (what, b, expect) in [
        ("another cell's index", set(0, "1"), "row 1 names cell 1, not 0"),
        ("another value", set(1, "0.5"), "row 1 has ties.decay_weekly = 0.5"),
        ("rows out of order", swapped, "row 1 is metric"),
        ("a mean that is not a number", set(4, "x"), "row 1 has a mean or interval that is not a number"),
        ("more replications than the sweep's", set(7, "2"), "row 1 has n = 2, not a count up to 1"),
        ("a field too many", with_first(format!("{},9", lines[0])), "row 1 has 9 fields, not 8"),
        ("a row missing", lines[1..].iter().map(|l| format!("{l}\n")).collect(), "rows, a cell has"),
        ("a row too many", format!("{body}{}\n", lines[0]), "rows, a cell has"),
        ("no final newline", body.trim_end().to_string(), "its last row is cut short"),
    ] {
        let file = cell_file(&f.plan.hash, 0, &b);
        match check_cell(&f.plan, 0, file.as_bytes()) {
            Err(CellFault::Damaged(why)) => assert!(why.contains(expect), "{what}: {why}"),
            other => panic!("{what}: {other:?}"),
        }
    }
    // Whole, but another sweep's: named as such.
    let file = cell_file("0123456789abcdef", 0, &body);
    assert_eq!(
        check_cell(&f.plan, 0, file.as_bytes()),
        Err(CellFault::Foreign { hash: "0123456789abcdef".into(), cell: 0 })
    );
}
