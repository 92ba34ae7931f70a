//! What the commands that run the model share: the scenario with the flags
//! applied, the output folder, the manifest, the plots and the progress bar.
//!
//! A command's files are written into a staging folder beside its output
//! folder and swapped in whole at the end ([`Context::stage`], [`commit`]; see
//! `carenet_io::outdir`), so the output folder is always one run's complete
//! output. The folder is checked, locked and staged before the model runs: a
//! bad `--out` fails at once.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use carenet_io::outdir::{self, OutDirError, Staging};
use carenet_io::output::{self, Manifest};
use carenet_io::scenario::load_file;
use carenet_model::experiment::RunConfig;
use carenet_model::experiment::ensemble::Ensemble;
use carenet_model::scenario::Scenario;
use carenet_model::scenario::ScenarioError;
use carenet_model::scenario::diag::Diagnostic;
use carenet_model::scenario::load::{BUILTIN_LABEL, DEFAULT_TOML, LoadedScenario, load_default};
use carenet_model::scenario::path::{apply, parse_assignment};
use carenet_model::scenario::validate::validate;

use super::Failure;
use super::args::CommonArgs;

/// The scenario file at `path`, or the built-in default; a bad file is bad input,
/// shown like rustc: each diagnostic's line with a caret under the place ([`render`]).
pub fn load_scenario(path: Option<&Path>) -> Result<LoadedScenario, Failure> {
    match path {
        None => Ok(load_default()),
        Some(p) => load_file(p).map_err(|e| Failure::Input(render(&e, colour_on_stderr()))),
    }
}

/// Whether stderr gets colour: a terminal, and `NO_COLOR` unset or empty.
pub fn colour_on_stderr() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// The text of the file a diagnostic names (the built-in scenario or a file on disk).
fn source_text(label: &str) -> Option<String> {
    if label == BUILTIN_LABEL {
        return Some(DEFAULT_TOML.to_string());
    }
    std::fs::read_to_string(label).ok()
}

/// The source line of `d` with a caret under its column (ariadne), without
/// ariadne's own header line; empty when the place or the file is unknown.
fn snippet(d: &Diagnostic, colour: bool) -> String {
    let (Some(file), Some(pos)) = (&d.file, d.position) else { return String::new() };
    let Some(text) = source_text(file) else { return String::new() };
    // ariadne counts characters: the offset of (line, column).
    let mut offset = 0;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        if i + 1 == pos.line {
            offset += (pos.column - 1).min(line.chars().count());
            break;
        }
        offset += line.chars().count();
    }
    let span = (file.clone(), offset..offset + 1);
    let mut buf = Vec::new();
    let report = ariadne::Report::build(ariadne::ReportKind::Error, span.clone())
        .with_config(ariadne::Config::default().with_color(colour))
        .with_label(ariadne::Label::new(span).with_message("here"))
        .finish();
    if report.write((file.clone(), ariadne::Source::from(text)), &mut buf).is_err() {
        return String::new();
    }
    let text = String::from_utf8_lossy(&buf);
    text.lines().skip(1).map(|l| format!("{}\n", l.trim_end())).collect()
}

/// A scenario error as text: each diagnostic's header line, its source line with a
/// caret, then its notes (the model crate gives the places; colour is decided here).
pub fn render(e: &ScenarioError, colour: bool) -> String {
    let mut out = Vec::new();
    for d in e.diagnostics() {
        let text = d.to_string();
        let (head, notes) = text.split_once('\n').map_or((text.as_str(), ""), |(h, n)| (h, n));
        let mut one = format!("{head}\n{}", snippet(d, colour));
        if !notes.is_empty() {
            one.push_str(notes);
        }
        out.push(one.trim_end().to_string());
    }
    if e.omitted() > 0 {
        out.push(format!("… and {} more problems", e.omitted()));
    }
    out.join("\n")
}

/// Where `command` writes when no `--out` is given: `output/<scenario name>/`
/// for `run`, `output/<scenario name>/<command>/` for the others.
pub fn default_dir(scenario_name: &str, command: &str) -> PathBuf {
    let dir = PathBuf::from("output").join(scenario_name);
    if command == "run" { dir } else { dir.join(command) }
}

/// Where `run --package PACKAGE` writes when no `--out` is given: the
/// baseline's folder for the baseline, `output/<scenario name>/run-<package>/`
/// for any other package (characters other than letters, digits, `_` and `-`
/// become `_`), so a package run never replaces the baseline's files.
pub fn package_dir(scenario_name: &str, package: &str) -> PathBuf {
    let dir = default_dir(scenario_name, "run");
    if package == "baseline" {
        return dir;
    }
    let safe: String =
        package.chars().map(|c| if c.is_alphanumeric() || c == '_' || c == '-' { c } else { '_' }).collect();
    dir.join(format!("run-{safe}"))
}

/// A loaded scenario with the command-line overrides applied and re-validated.
pub struct Setup {
    pub scenario: Scenario,
    pub context: Context,
}

/// Everything of a [`Setup`] but the scenario (which a model may take over).
pub struct Context {
    /// The scenario file and its `extends` chain (none for the built-in scenario).
    pub files: Vec<PathBuf>,
    /// Replications, seed, weeks and threads, after the flags.
    pub cfg: RunConfig,
    /// The output directory: `--out`, or [`default_dir`].
    pub dir: PathBuf,
    /// The `--set KEY=VALUE` settings applied, in order (recorded in the manifest).
    pub overrides: Vec<String>,
    /// `run --timeseries`, recorded in the manifest (`None` for other commands).
    pub timeseries: Option<&'static str>,
    /// `--ensemble FILE`: the file as given and its parameter sets (checked
    /// against the scenario), recorded in the manifest.
    pub ensemble: Option<(PathBuf, Ensemble)>,
}

/// The `--set` settings, parsed and applied to `scenario` in order; a bad key or
/// value is bad input with the scenario's own message ("did you mean", the range).
pub fn apply_sets(scenario: &Scenario, sets: &[String]) -> Result<(Scenario, Vec<String>), Failure> {
    let mut assignments = Vec::with_capacity(sets.len());
    for text in sets {
        assignments.push(parse_assignment(text).map_err(|e| Failure::Input(format!("--set {e}")))?);
    }
    let changed = apply(scenario, &assignments).map_err(|e| Failure::Input(format!("--set: {e}")))?;
    Ok((changed, assignments.iter().map(ToString::to_string).collect()))
}

/// `--dry-run`: the resolved scenario as TOML on `out`.
pub fn print_scenario(scenario: &Scenario, out: &mut dyn std::io::Write) -> Result<(), Failure> {
    let text = toml::to_string(scenario).map_err(Failure::runtime)?;
    out.write_all(text.as_bytes()).map_err(super::stdout_failure)
}

/// `--reps`/`--weeks`: absent or at least 1.
fn positive(name: &str, v: Option<u32>) -> Result<Option<u32>, Failure> {
    match v {
        Some(0) => Err(Failure::Input(format!("--{name} must be at least 1"))),
        other => Ok(other),
    }
}

/// Loads `args.scenario`, applies `--reps`, `--weeks`, `--seed` and checks the
/// result again; `command` names the default output folder.
pub fn setup(args: &CommonArgs, command: &str) -> Result<Setup, Failure> {
    let mut loaded = load_scenario(args.scenario.as_deref())?;
    let (changed, overrides) = apply_sets(&loaded.scenario, &args.set)?;
    loaded.scenario = changed;
    let reps = positive("reps", args.reps)?.unwrap_or(loaded.scenario.simulation.reps);
    let weeks = positive("weeks", args.weeks)?.unwrap_or(loaded.scenario.simulation.weeks);
    if args.threads == Some(0) {
        return Err(Failure::Input("--threads must be at least 1".into()));
    }
    let seed = args.seed.unwrap_or(loaded.scenario.simulation.seed);
    let LoadedScenario { mut scenario, files, .. } = loaded;
    scenario.simulation.reps = reps;
    scenario.simulation.weeks = weeks;
    scenario.simulation.seed = seed;
    // A shorter run summarises all of its weeks.
    scenario.metrics.summary_window = scenario.metrics.summary_window.min(weeks);
    // The flags change the scenario: check it again, naming the flag.
    let problems = validate(&scenario);
    if !problems.is_empty() {
        let lines: Vec<String> = problems
            .iter()
            .map(|p| {
                format!(
                    "error: command line: {} {} (from --reps/--weeks/--seed)\n  allowed: {}",
                    p.path, p.message, p.allowed
                )
            })
            .collect();
        return Err(Failure::Input(lines.join("\n")));
    }
    let dir = args.out.clone().unwrap_or_else(|| default_dir(&scenario.name, command));
    let cfg = RunConfig { reps, seed, weeks, threads: args.threads };
    Ok(Setup { scenario, context: Context { files, cfg, dir, overrides, timeseries: None, ensemble: None } })
}

impl Context {
    /// Reads `--ensemble FILE` (if given) and checks every set against
    /// `scenario`: a bad file, an unknown key or a value out of range is bad
    /// input, naming the set's line.
    pub fn load_ensemble(&mut self, path: Option<&Path>, scenario: &Scenario) -> Result<(), Failure> {
        let Some(path) = path else { return Ok(()) };
        let ens = carenet_io::ensemble::read(path).map_err(Failure::input)?;
        if let Err((i, e)) = ens.check(scenario) {
            return Err(Failure::Input(format!(
                "{}: parameter set {} (line {}): {e}",
                path.display(),
                i + 1,
                data_line(path, i).map_or_else(|| "?".to_string(), |l| l.to_string())
            )));
        }
        self.ensemble = Some((path.to_path_buf(), ens));
        Ok(())
    }

    /// The ensemble, if any.
    pub fn ensemble(&self) -> Option<&Ensemble> {
        self.ensemble.as_ref().map(|(_, e)| e)
    }

    /// A line for stdout saying what the ensemble was and which sets were reached.
    pub fn ensemble_note(&self) -> Option<String> {
        let (path, e) = self.ensemble.as_ref()?;
        let reps = self.cfg.reps as usize;
        let mut note = format!(
            "ensemble: {} parameter sets of {} key(s) from {} ({}); replication r runs on set r mod {}",
            e.len(),
            e.keys.len(),
            path.display(),
            &e.checksum[..e.checksum.len().min(19)],
            e.len()
        );
        if reps < e.len() {
            note.push_str(&format!(
                "\nwarning: only {reps} of the {} sets were reached; use --reps {} or more to run every set",
                e.len(),
                e.len()
            ));
        }
        Some(note)
    }
}

/// The 1-based line of data row `i` (0-based) of a CSV file, blank lines skipped.
fn data_line(path: &Path, i: usize) -> Option<usize> {
    let text = std::fs::read_to_string(path).ok()?;
    text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()).nth(i + 1).map(|(n, _)| n + 1)
}

/// What a command ran, for its manifest.json.
pub struct Ran<'a> {
    /// The command (for `reproduce`, the whole command line that repeats it).
    pub command: &'a str,
    /// Policy packages run (the baseline first for compare).
    pub packages: Vec<String>,
    /// Elder-weeks simulated (NaN when not counted).
    pub elder_weeks: f64,
    pub wall_seconds: f64,
    /// The files written, relative to the output directory.
    pub files: Vec<&'a str>,
}

/// An output-folder failure: the path itself is bad input (exit 2); a busy,
/// unwritable or full location is a runtime failure (exit 1).
fn outdir_failure(e: OutDirError) -> Failure {
    if e.is_input() { Failure::Input(format!("--out {e}")) } else { Failure::Runtime(format!("output folder {e}")) }
}

/// Writes the data dictionary (dictionary.csv) of the staged files and makes them
/// the output folder's (the last step of a command that writes).
pub fn commit(staged: Staging) -> Result<(), Failure> {
    let dir = staged.dir();
    carenet_io::dictionary::write_dictionary(dir).map_err(|e| Failure::writing(&dir.join("dictionary.csv"), e))?;
    staged.commit().map_err(outdir_failure)
}

impl Context {
    /// Checks and locks the output folder and creates the staging folder the
    /// command writes into (then [`commit`]); Ctrl-C from here on exits 130
    /// and leaves the output folder as it was.
    pub fn stage(&self) -> Result<Staging, Failure> {
        outdir::exit_130_on_interrupt();
        Staging::begin(&self.dir).map_err(outdir_failure)
    }

    /// Writes `dir`/manifest.json for `ran` on `scenario` (the one that was run).
    pub fn write_manifest(&self, dir: &Path, scenario: &Scenario, ran: Ran<'_>) -> Result<(), Failure> {
        let manifest = Manifest {
            carenet_version: env!("CARGO_PKG_VERSION"),
            carenet_commit: env!("CARENET_COMMIT"),
            build_date: env!("CARENET_BUILD_DATE"),
            command: ran.command,
            scenario_name: &scenario.name,
            scenario_files: self.files.iter().map(|p| p.display().to_string()).collect(),
            packages: ran.packages,
            seed: self.cfg.seed,
            reps: self.cfg.reps,
            weeks: self.cfg.weeks,
            burn_in_weeks: scenario.simulation.burn_in_weeks,
            threads: self.cfg.threads,
            overrides: self.overrides.clone(),
            timeseries: self.timeseries,
            ensemble: self.ensemble.as_ref().map(|(path, e)| output::EnsembleInfo {
                file: path.display().to_string(),
                checksum: e.checksum.clone(),
                points: e.len(),
                points_reached: e.len().min(self.cfg.reps as usize),
                keys: e.keys.clone(),
            }),
            elder_weeks: ran.elder_weeks,
            wall_seconds: ran.wall_seconds,
            elder_weeks_per_second: ran.elder_weeks / ran.wall_seconds.max(1e-9),
            files: ran.files,
            scenario,
        };
        let path = dir.join("manifest.json");
        output::write_manifest(&path, &manifest).map_err(|e| Failure::writing(&path, e))
    }

    /// Draws `dir`/plots/ and, with `report`, writes `dir`/report.html (unless `skip`).
    pub fn draw(&self, dir: &Path, skip: bool, report: bool) -> Result<(), Failure> {
        if skip {
            return Ok(());
        }
        // On the run's threads (the network layouts use them); the same figures whatever the count.
        carenet_model::experiment::in_pool(self.cfg.threads, || carenet_plot::plot::plot_dir(dir))
            .map_err(Failure::runtime)?
            .map_err(Failure::runtime)?;
        if report {
            carenet_plot::report::write_report(dir).map_err(Failure::runtime)?;
        }
        Ok(())
    }
}

/// Elder-weeks of one replication of `s` over `weeks` weeks (the starting elders:
/// the rate the progress bar shows, not the exact count of the result).
pub fn elder_weeks_per_rep(s: &Scenario, weeks: u32) -> f64 {
    let elders: u64 = s.streets.iter().flat_map(|st| &st.communities).map(|c| u64::from(c.elders)).sum();
    elders as f64 * f64::from(weeks)
}

/// The progress bar's template: what, count, bar, elapsed, ETA and, when each
/// step is `elder_weeks` elder-weeks, the rate in elder-weeks per second.
pub fn progress_template(what: &str, elder_weeks: f64) -> String {
    let rate = if elder_weeks > 0.0 { ", {rate}" } else { "" };
    format!("{{spinner}} {what} {{pos}}/{{len}} [{{bar:30}}] {{elapsed}} elapsed, ETA {{eta}}{rate}")
}

/// Progress on stderr: `total` steps of `what`, each `elder_weeks` elder-weeks
/// (0 when unknown). On a terminal, a bar ([`progress_template`]). Elsewhere (a
/// log file, nohup, a Slurm job's output) a plain line at most every
/// `CARENET_PROGRESS_SECS` seconds (default [`PROGRESS_LINE_SECS`]; 0 turns
/// the lines off), so that a long run says how far it is before it ends.
pub fn progress(total: u64, what: &str, elder_weeks: f64) -> Progress {
    if !std::io::stderr().is_terminal() {
        let every = match std::env::var("CARENET_PROGRESS_SECS") {
            Ok(v) => v.trim().parse::<f64>().ok().filter(|x| x.is_finite() && *x >= 0.0).unwrap_or_else(|| {
                eprintln!(
                    "warning: CARENET_PROGRESS_SECS={v:?} is not a number of seconds (0 or more); \
                     using {PROGRESS_LINE_SECS}"
                );
                PROGRESS_LINE_SECS
            }),
            Err(_) => PROGRESS_LINE_SECS,
        };
        return match every {
            secs if secs > 0.0 => {
                let start = Instant::now();
                Progress::Lines(Lines {
                    what: what.to_string(),
                    total,
                    elder_weeks,
                    every: Duration::from_secs_f64(secs),
                    start,
                    state: Mutex::new((0, start)),
                })
            }
            _ => Progress::Hidden,
        };
    }
    let b = indicatif::ProgressBar::new(total);
    let style = indicatif::ProgressStyle::with_template(&progress_template(what, elder_weeks))
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
        .with_key("rate", move |s: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
            let secs = s.elapsed().as_secs_f64();
            let per_second = if secs > 0.0 { s.pos() as f64 * elder_weeks / secs } else { 0.0 };
            let _ = write!(w, "{:.1} M elder-weeks/s", per_second / 1e6);
        });
    b.set_style(style);
    Progress::Bar(b)
}

/// Seconds between two progress lines when stderr is not a terminal.
pub const PROGRESS_LINE_SECS: f64 = 60.0;

/// A command's progress: a bar on a terminal, plain lines elsewhere, or nothing
/// (`CARENET_PROGRESS_SECS=0`) ([`progress`]).
pub enum Progress {
    Bar(indicatif::ProgressBar),
    Lines(Lines),
    Hidden,
}

impl Progress {
    /// `n` more steps done (from any thread).
    pub fn inc(&self, n: u64) {
        match self {
            Progress::Bar(b) => b.inc(n),
            Progress::Lines(l) => {
                if let Some(line) = l.inc(n, Instant::now()) {
                    eprintln!("{line}");
                }
            }
            Progress::Hidden => {}
        }
    }

    /// Removes the bar (lines stay: they are a log).
    pub fn finish_and_clear(&self) {
        if let Progress::Bar(b) = self {
            b.finish_and_clear();
        }
    }
}

/// Plain progress lines, at most one per `every`.
pub struct Lines {
    what: String,
    total: u64,
    elder_weeks: f64,
    every: Duration,
    start: Instant,
    /// Steps done, and when the last line was printed (the start at first).
    state: Mutex<(u64, Instant)>,
}

impl Lines {
    /// Counts `n` steps done at `now`; returns the line to print when `every`
    /// has passed since the last one (never for the last step: the command's
    /// own summary follows).
    fn inc(&self, n: u64, now: Instant) -> Option<String> {
        let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        st.0 += n;
        if st.0 >= self.total || now.saturating_duration_since(st.1) < self.every {
            return None;
        }
        st.1 = now;
        Some(progress_line(&self.what, st.0, self.total, now.saturating_duration_since(self.start), self.elder_weeks))
    }
}

/// One progress line: `progress: 12/125 street replications (9.6%), 1m 04s
/// elapsed, ETA 10m 02s, 5.1 M elder-weeks/s`.
fn progress_line(what: &str, done: u64, total: u64, elapsed: Duration, elder_weeks: f64) -> String {
    let secs = elapsed.as_secs_f64();
    let share = if total > 0 { 100.0 * done as f64 / total as f64 } else { 0.0 };
    let mut line = format!("progress: {done}/{total} {what} ({share:.1}%), {} elapsed", duration(secs));
    if done > 0 && total > done {
        line.push_str(&format!(", ETA {}", duration(secs * (total - done) as f64 / done as f64)));
    }
    if elder_weeks > 0.0 && secs > 0.0 {
        line.push_str(&format!(", {:.1} M elder-weeks/s", done as f64 * elder_weeks / secs / 1e6));
    }
    line
}

/// `1h 02m 03s`, `4m 05s`, `6s`.
fn duration(secs: f64) -> String {
    let s = secs.max(0.0).round() as u64;
    let (h, m, s) = (s / 3600, (s / 60) % 60, s % 60);
    if h > 0 {
        format!("{h}h {m:02}m {s:02}s")
    } else if m > 0 {
        format!("{m}m {s:02}s")
    } else {
        format!("{s}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_shows_eta_and_rate() {
        let t = progress_template("replications", 1e6);
        assert!(t.contains("{eta}") && t.contains("{rate}") && t.contains("{pos}/{len}"), "{t}");
        assert!(!progress_template("streets", 0.0).contains("{rate}"));
        indicatif::ProgressStyle::with_template(&t).expect("a valid template");
        let s = Scenario::default();
        assert_eq!(elder_weeks_per_rep(&s, 10), 10.0 * 13_650.0);
    }

    #[test]
    fn the_default_folder_is_the_scenario_s_then_the_command_s() {
        assert_eq!(default_dir("wutong", "run"), Path::new("output/wutong"));
        assert_eq!(default_dir("wutong", "compare"), Path::new("output/wutong/compare"));
        assert_eq!(default_dir("small", "sweep"), Path::new("output/small/sweep"));
    }

    #[test]
    fn a_package_run_has_its_own_default_folder() {
        assert_eq!(package_dir("wutong", "baseline"), Path::new("output/wutong"));
        assert_eq!(package_dir("wutong", "care_subsidy"), Path::new("output/wutong/run-care_subsidy"));
        assert_eq!(package_dir("wutong", "../a b"), Path::new("output/wutong/run-___a_b"));
    }

    #[test]
    fn flags_override_the_scenario_and_are_checked() {
        let args = CommonArgs { reps: Some(3), weeks: Some(20), seed: Some(9), ..CommonArgs::default() };
        let s = setup(&args, "compare").unwrap();
        assert_eq!((s.context.cfg.reps, s.context.cfg.weeks, s.context.cfg.seed), (3, 20, 9));
        assert_eq!(s.scenario.simulation.reps, 3);
        assert!(s.scenario.metrics.summary_window <= 20);
        assert_eq!(s.context.dir, default_dir(&s.scenario.name, "compare"));
        assert!(s.context.files.is_empty(), "the built-in scenario is no file");
        let out = CommonArgs { out: Some("here".into()), ..CommonArgs::default() };
        assert_eq!(setup(&out, "run").unwrap().context.dir, Path::new("here"));
        for bad in [
            CommonArgs { reps: Some(0), ..CommonArgs::default() },
            CommonArgs { weeks: Some(0), ..CommonArgs::default() },
            CommonArgs { threads: Some(0), ..CommonArgs::default() },
        ] {
            let e = setup(&bad, "run").err().expect("rejected");
            assert_eq!(e.exit_code(), 2);
            assert!(e.message().ends_with("must be at least 1"), "{e}");
        }
    }

    #[test]
    fn progress_lines_come_at_most_once_per_interval() {
        let t0 = Instant::now();
        let l = Lines {
            what: "street replications".into(),
            total: 10,
            elder_weeks: 2e6,
            every: Duration::from_secs(60),
            start: t0,
            state: Mutex::new((0, t0)),
        };
        assert_eq!(l.inc(1, t0 + Duration::from_secs(30)), None, "too soon");
        let line = l.inc(1, t0 + Duration::from_secs(61)).expect("a line after a minute");
        assert_eq!(line, "progress: 2/10 street replications (20.0%), 1m 01s elapsed, ETA 4m 04s, 0.1 M elder-weeks/s");
        assert_eq!(l.inc(1, t0 + Duration::from_secs(90)), None, "the next one a minute after the last");
        assert!(l.inc(1, t0 + Duration::from_secs(122)).is_some());
        assert_eq!(l.inc(6, t0 + Duration::from_secs(3600)), None, "no line for the last step");
        assert_eq!(duration(3723.0), "1h 02m 03s");
        assert_eq!(progress_line("x", 0, 0, Duration::ZERO, 0.0), "progress: 0/0 x (0.0%), 0s elapsed");
    }
}
