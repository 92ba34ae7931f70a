//! Scenario files on disk: the shipped scenarios, `extends` of a file (relative paths,
//! cycles, errors reported in the extended file), unreadable files. The loader's handling
//! of scenario text is tested in crates/carenet-model/tests/model/scenario.rs.

use std::fs;
use std::path::{Path, PathBuf};

use carenet::scenario::load::{BUILTIN_LABEL, DEFAULT_TOML, load_default, load_file, load_str};
use carenet::scenario::{CommunityType, Scenario};

fn scenarios_dir() -> PathBuf {
    crate::support::repo().join("scenarios")
}

// ---------------------------------------------------------------------------
// The shipped scenarios.

#[test]
fn builtin_scenario_loads() {
    let loaded = load_default();
    assert_eq!(loaded.scenario, Scenario::default());
    assert!(loaded.files.is_empty());
    assert_eq!(loaded.label, BUILTIN_LABEL);
    let on_disk = fs::read_to_string(scenarios_dir().join("wutong.toml")).expect("readable");
    assert_eq!(on_disk, DEFAULT_TOML);
}

#[test]
fn small_example_is_one_small_street() {
    let path = scenarios_dir().join("examples/small.toml");
    let loaded = load_file(&path).unwrap_or_else(|e| panic!("{e}"));
    let s = &loaded.scenario;
    assert_eq!((s.simulation.weeks, s.simulation.reps), (104, 4));
    assert_eq!(s.streets.len(), 1);
    let kinds: Vec<_> = s.streets[0].communities.iter().map(|c| (c.kind, c.elders)).collect();
    assert_eq!(
        kinds,
        [
            (CommunityType::CommercialEstate, 150),
            (CommunityType::Village, 150),
            (CommunityType::VillageToResidence, 150)
        ]
    );
    assert_eq!(loaded.files, [path.clone(), path.parent().unwrap().join("../wutong.toml")]);
    // Everything else is inherited.
    let mut expected = Scenario {
        name: s.name.clone(),
        description: s.description.clone(),
        streets: s.streets.clone(),
        ..Scenario::default()
    };
    expected.simulation.weeks = 104;
    expected.simulation.reps = 4;
    assert_eq!(*s, expected);
}

#[test]
fn no_students_example_has_no_students() {
    let loaded = load_file(&scenarios_dir().join("examples/no_students.toml")).unwrap_or_else(|e| panic!("{e}"));
    let small = load_file(&scenarios_dir().join("examples/small.toml")).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(loaded.files.len(), 3);
    let street = &loaded.scenario.streets[0];
    assert_eq!((street.students, street.student_recruits), (0, 0));
    assert_eq!(street.communities, small.scenario.streets[0].communities);
    assert_eq!(loaded.scenario.simulation, small.scenario.simulation);
}

// ---------------------------------------------------------------------------
// `extends` of a file.

#[test]
fn extends_overrides_one_key_and_replaces_streets_whole() {
    let dir = tempfile::tempdir().expect("tempdir");
    let base = "[simulation]\nweeks = 100\nreps = 7\n[ties]\nmax_ties = 9\n\
                [[street]]\nname = \"a\"\n[[street.community]]\nname = \"x\"\ntype = \"village\"\nelders = 10\n\
                [[street.community]]\nname = \"y\"\ntype = \"village\"\nelders = 20\n";
    fs::write(dir.path().join("base.toml"), base).expect("write");
    let child = "extends = \"base.toml\"\n[simulation]\nweeks = 52\n\
                 [[street]]\nname = \"b\"\n[[street.community]]\nname = \"z\"\ntype = \"commercial_estate\"\nelders = 5\n";
    fs::write(dir.path().join("child.toml"), child).expect("write");
    let loaded = load_file(&dir.path().join("child.toml")).unwrap_or_else(|e| panic!("{e}"));
    let s = loaded.scenario;
    assert_eq!(s.simulation.weeks, 52, "the child's value wins");
    assert_eq!(s.simulation.reps, 7, "the parent's value is kept");
    assert_eq!(s.ties.max_ties, 9);
    assert_eq!(s.ties.visit_hours, Scenario::default().ties.visit_hours, "defaults fill the rest");
    assert_eq!(s.streets.len(), 1);
    assert_eq!(s.streets[0].name, "b");
    assert_eq!(s.streets[0].communities.len(), 1, "arrays are replaced, not merged");
    assert_eq!(loaded.files, [dir.path().join("child.toml"), dir.path().join("base.toml")]);
}

#[test]
fn extends_resolves_relative_to_the_extending_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    fs::create_dir(dir.path().join("sub")).expect("mkdir");
    fs::write(dir.path().join("root.toml"), "[simulation]\nreps = 2\n").expect("write");
    fs::write(dir.path().join("sub/mid.toml"), "extends = \"../root.toml\"\n[simulation]\nweeks = 60\n")
        .expect("write");
    let s = load_str("extends = \"sub/mid.toml\"\n", "top", Some(dir.path())).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((s.scenario.simulation.weeks, s.scenario.simulation.reps), (60, 2));
    assert_eq!(s.label, "top");
    assert_eq!(s.files.len(), 2);
}

#[test]
fn extends_of_a_missing_file_names_file_line_and_column() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = "# a comment\nname = \"x\"\nextends = \"nowhere.toml\"\n";
    let err = load_str(text, "child.toml", Some(dir.path())).expect_err("missing parent");
    let missing = dir.path().join("nowhere.toml");
    let expect = format!("error: child.toml:3:11: cannot read the extended file `{}`", missing.display());
    assert!(err.to_string().starts_with(&expect), "got {err}");
}

#[test]
fn extends_cycle_names_the_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    let a = dir.path().join("a.toml");
    let b = dir.path().join("b.toml");
    fs::write(&a, "extends = \"b.toml\"\n").expect("write");
    fs::write(&b, "# b\nextends = \"a.toml\"\n").expect("write");
    let err = load_file(&a).expect_err("cycle").to_string();
    let expect = format!(
        "error: {}:2:11: `extends` makes a cycle: {} → {} → {}",
        b.display(),
        a.display(),
        b.display(),
        a.display()
    );
    assert!(err.starts_with(&expect), "got {err}");
    // A file extending itself.
    fs::write(&a, "extends = \"a.toml\"\n").expect("write");
    let err = load_file(&a).expect_err("cycle").to_string();
    assert!(err.contains("makes a cycle"), "got {err}");
}

#[test]
fn an_error_in_an_extended_file_is_reported_there() {
    let dir = tempfile::tempdir().expect("tempdir");
    let parent = dir.path().join("parent.toml");
    fs::write(&parent, "[simulation]\nweeks = 10\n\n[ties]\nvisit_weekly = 1.5\n").expect("write");
    fs::write(dir.path().join("child.toml"), "extends = \"parent.toml\"\n[simulation]\nreps = 2\n").expect("write");
    let err = load_file(&dir.path().join("child.toml")).expect_err("bad parent").to_string();
    let expect = format!("error: {}:5:16: ties.visit_weekly = 1.5 is out of range", parent.display());
    assert!(err.starts_with(&expect), "got {err}");

    fs::write(&parent, "[simulation]\nweks = 10\n").expect("write");
    let err = load_file(&dir.path().join("child.toml")).expect_err("bad parent").to_string();
    let expect = format!("error: {}:2:1: unknown key `simulation.weks`", parent.display());
    assert!(err.starts_with(&expect), "got {err}");
}

#[test]
fn a_missing_top_level_file_is_an_error() {
    let err = load_file(Path::new("/nonexistent/dir/x.toml")).expect_err("missing");
    assert!(err.to_string().starts_with("error: /nonexistent/dir/x.toml: cannot read the scenario"), "{err}");
}

#[test]
fn invalid_utf8_in_a_file_is_an_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("bin.toml");
    fs::write(&path, b"name = \"x\"\n\xff\xfe\n").expect("write");
    let err = load_file(&path).expect_err("not utf-8").to_string();
    assert!(err.contains("not valid UTF-8 (line 2, column 1)"), "{err}");
}

// ---------------------------------------------------------------------------
// Special files, and `extends` fuzzed on disk (issue 12).

#[test]
fn special_files_are_refused_at_once() {
    let tmp = tempfile::tempdir().unwrap();
    // /dev/zero used to be read until memory ran out; a FIFO blocked forever.
    let err = load_file(Path::new("/dev/zero")).unwrap_err().to_string();
    assert!(err.contains("/dev/zero") && err.contains("not a regular file"), "{err}");
    let fifo = tmp.path().join("fifo.toml");
    assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let err = load_file(&fifo).unwrap_err().to_string();
    assert!(err.contains("not a regular file"), "{err}");
    fs::write(tmp.path().join("child.toml"), "extends = \"fifo.toml\"\n").unwrap();
    let err = load_file(&tmp.path().join("child.toml")).unwrap_err().to_string();
    assert!(
        err.contains("child.toml:1:11: cannot read the extended file") && err.contains("not a regular file"),
        "{err}"
    );
    let o = crate::support::carenet(&["validate", fifo.to_str().unwrap()], tmp.path());
    assert_eq!(o.status.code(), Some(2), "{}", crate::support::text(&o));
    let o = crate::support::carenet(&["validate", "/dev/zero"], tmp.path());
    assert_eq!(o.status.code(), Some(2), "{}", crate::support::text(&o));
}

#[test]
fn thread_counts_and_package_lists_are_checked_before_running() {
    let tmp = tempfile::tempdir().unwrap();
    let small = crate::support::small();
    let refused: [(&[&str], &str); 4] = [
        (&["run", &small, "--threads", "20000"], "1 to 1024"),
        (&["compare", &small, "--packages", "a,a"], "twice"),
        (&["compare", &small, "--packages", ","], "empty package name"),
        (&["compare", &small, "--packages", "student_volunteers,,"], "empty package name"),
    ];
    for (args, what) in refused {
        let started = std::time::Instant::now();
        let o = crate::support::carenet(args, tmp.path());
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", crate::support::text(&o));
        assert!(crate::support::text(&o).contains(what), "{args:?}: {}", crate::support::text(&o));
        assert!(started.elapsed().as_secs() < 10, "{args:?} took {:?}", started.elapsed());
    }
}

/// Where an `extends` of the fuzzed file points.
#[derive(Debug, Clone)]
enum Target {
    Itself,
    /// `a.toml` extends `b.toml`, which extends `a.toml`.
    Cycle,
    Missing,
    Directory,
    Fifo,
    /// A file that itself has `extends` of another kind.
    Chain(Box<Target>),
    Valid,
    Builtin,
    UnknownBuiltin,
    Empty,
    /// Not a string.
    Number,
}

fn target_strategy() -> impl proptest::strategy::Strategy<Value = Target> {
    use proptest::prelude::*;
    let leaf = prop_oneof![
        Just(Target::Itself),
        Just(Target::Cycle),
        Just(Target::Missing),
        Just(Target::Directory),
        Just(Target::Fifo),
        Just(Target::Valid),
        Just(Target::Builtin),
        Just(Target::UnknownBuiltin),
        Just(Target::Empty),
        Just(Target::Number),
    ];
    leaf.prop_recursive(3, 6, 1, |inner| inner.prop_map(|t| Target::Chain(Box::new(t))))
}

/// Writes the file `name` in `dir` extending `target`, with `body` after it.
fn write_extending(dir: &Path, name: &str, target: &Target, body: &str, depth: usize) {
    let extends = match target {
        Target::Itself => format!("extends = \"{name}\""),
        Target::Cycle => {
            fs::write(dir.join("cycle-b.toml"), format!("extends = \"{name}\"\n")).unwrap();
            "extends = \"cycle-b.toml\"".to_string()
        }
        Target::Missing => "extends = \"missing.toml\"".to_string(),
        Target::Directory => "extends = \"subdir\"".to_string(),
        Target::Fifo => "extends = \"fifo.toml\"".to_string(),
        Target::Chain(inner) => {
            let next = format!("chain-{depth}.toml");
            write_extending(dir, &next, inner, "[ties]\ndecay_weekly = 0.005\n", depth + 1);
            format!("extends = \"{next}\"")
        }
        Target::Valid => "extends = \"valid.toml\"".to_string(),
        Target::Builtin => "extends = \"builtin:wutong\"".to_string(),
        Target::UnknownBuiltin => "extends = \"builtin:nowhere\"".to_string(),
        Target::Empty => "extends = \"\"".to_string(),
        Target::Number => "extends = 3".to_string(),
    };
    fs::write(dir.join(name), format!("{extends}\n{body}")).unwrap();
}

const BODIES: &[&str] = &[
    "",
    "[simulation]\nweeks = 10\n",
    "[simulation]\nweeks = -1\n",
    "[ties]\ndecay_weekly = nan\n",
    "[[street]]\nname = \"x\"\n",
    "[party_members]\nper_1000_elders = 1e308\n",
    "[uncertainty]\n\"ties.nope\" = [0, 1]\n",
    "garbage = = =\n",
    "名字 = \"值\"\n",
];

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(500))]

    /// 500 `extends` set-ups on disk (self, cycles, missing files, directories, FIFOs,
    /// chains of them, bad built-ins): each loads or fails at once with a position.
    #[test]
    fn extends_tricks_on_disk_fail_with_a_position(target in target_strategy(), body in 0..BODIES.len()) {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        fs::create_dir(dir.join("subdir")).unwrap();
        assert!(std::process::Command::new("mkfifo").arg(dir.join("fifo.toml")).status().unwrap().success());
        fs::write(dir.join("valid.toml"), "[simulation]\nweeks = 20\n").unwrap();
        write_extending(dir, "top.toml", &target, BODIES[body], 0);
        if let Err(e) = load_file(&dir.join("top.toml")) {
            for d in e.diagnostics() {
                proptest::prop_assert!(d.file.is_some() && d.position.is_some(), "no position: {d}\n{target:?}");
            }
        }
    }
}

#[test]
fn a_scenario_that_is_a_fifo_or_too_big_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let big = tmp.path().join("big.toml");
    fs::File::create(&big).unwrap().set_len(17 * 1024 * 1024).unwrap();
    let err = load_file(&big).unwrap_err().to_string();
    assert!(err.contains("larger than 16 MiB"), "{err}");
    let err = load_str("extends = \"big.toml\"\n", "top.toml", Some(tmp.path())).unwrap_err().to_string();
    assert!(err.contains("top.toml:1:11") && err.contains("larger than 16 MiB"), "{err}");
}
