//! The `carenet` command: parse flags, load and validate the scenario, run,
//! write files, map failures to exit codes (2 = bad input, 1 = runtime failure).

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::{Args, Parser, Subcommand};

use carenet::experiment::compare::{CompareRow, compare_rows, run_compare};
use carenet::experiment::{RunConfig, run};
use carenet::metrics::summary::{Group, SummaryRow, summarise, window_totals};
use carenet::output::{self, Manifest, RunFiles};
use carenet::policy::Package;
use carenet::scenario::load::{self, LoadedScenario};
use carenet::step::Model;

#[derive(Parser)]
#[command(name = "carenet", version, about = "Agent-based simulator of community mutual-aid elderly care")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run a scenario (the built-in Wutong Street default if none is given).
    Run(RunArgs),
    /// Compare policy packages with the baseline (common random numbers, paired intervals, costs).
    Compare(CompareArgs),
    /// Check the study's claims (scenarios/claims.toml): effect, 95% CI, verdict, robustness.
    Reproduce(ReproduceArgs),
    /// Check a scenario file without running it.
    Validate {
        /// Scenario file.
        scenario: PathBuf,
    },
    /// Write a commented scenario template to FILE.
    Init {
        /// File to create (refuses to overwrite).
        file: PathBuf,
    },
    /// Draw the plots of an output directory into DIR/plots/ (SVG and PNG).
    Plot {
        /// Output directory of a run (or of compare, reproduce).
        dir: PathBuf,
    },
    /// Write DIR/report.html: one self-contained page with the scenario, tables and plots.
    Report {
        /// Output directory of a run (or of compare, reproduce).
        dir: PathBuf,
    },
    /// Sweep numeric parameters over a grid or a Latin hypercube (resumable, shardable).
    Sweep(SweepArgs),
    /// Check that every cell of a (sharded) sweep is present and write DIR/sweep.csv.
    Merge {
        /// Output directory of the sweep.
        dir: PathBuf,
    },
    /// Print an sbatch script: the sweep as a Slurm job array plus the dependent merge job.
    SlurmScript(SlurmScriptArgs),
    /// Global sensitivity analysis: Morris elementary effects or Sobol indices, with plots.
    Sensitivity(SensitivityArgs),
    /// One replication of a whole city, street by street in bounded memory (city.csv, city_streets.csv).
    City(CityArgs),
    /// The reference model, a benchmark subset of the step (docs/reference-model.md).
    Reference {
        #[command(subcommand)]
        command: ReferenceCommand,
    },
}

#[derive(Subcommand)]
enum ReferenceCommand {
    /// Synthesise N elders and write DIR/population.csv, ties.csv, params.json.
    Export(RefExportArgs),
    /// Run the reference model: one row per (seed, week).
    Run(RefRunArgs),
}

#[derive(Args)]
struct RefExportArgs {
    /// Scenario file (default: the built-in scenarios/wutong.toml): its first street and [reference].
    scenario: Option<PathBuf>,
    /// Elders to synthesise.
    #[arg(long)]
    elders: usize,
    /// Output directory.
    #[arg(long)]
    out: PathBuf,
}

#[derive(Args)]
struct RefRunArgs {
    /// Scenario file (default: the built-in scenarios/wutong.toml).
    scenario: Option<PathBuf>,
    /// An exported directory (population.csv, ties.csv, params.json).
    #[arg(long, required_unless_present = "elders", conflicts_with = "elders")]
    input: Option<PathBuf>,
    /// Elders to synthesise in process from the scenario.
    #[arg(long)]
    elders: Option<usize>,
    /// Weeks to simulate.
    #[arg(long)]
    weeks: u32,
    /// First seed (default: the scenario's simulation.seed).
    #[arg(long)]
    seed: Option<u64>,
    /// Replications, with seeds S, S+1, …, from the same starting population.
    #[arg(long, default_value_t = 1)]
    seeds: u32,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long)]
    threads: Option<usize>,
    /// CSV of the weekly rows (default: printed on stdout).
    #[arg(long)]
    out: Option<PathBuf>,
    /// JSON of setup and step times.
    #[arg(long)]
    timing: Option<PathBuf>,
}

#[derive(Args)]
struct CityArgs {
    #[command(flatten)]
    common: CommonArgs,
    /// Replication number (its random streams).
    #[arg(long, default_value_t = 0)]
    rep: u32,
}

#[derive(Args)]
struct SensitivityArgs {
    #[command(flatten)]
    common: CommonArgs,
    /// morris (elementary effects: mu*, sigma) or sobol (first-order and total indices, Saltelli sampling).
    #[arg(long, value_parser = ["morris", "sobol"])]
    method: String,
    /// A factor and its range (repeat; default: the scenario's [uncertainty] table).
    #[arg(long, value_name = "KEY=LO:HI")]
    vary: Vec<String>,
    /// Morris trajectories (default 10) or Sobol base samples N (default 64; N·(k+2) points).
    #[arg(long)]
    samples: Option<usize>,
    /// Output metrics, comma-separated.
    #[arg(long, default_value = "isolation_rate,unmet_help_rate,loneliness_mean,grade1_underserved_rate")]
    metrics: String,
    /// Bootstrap resamples for the intervals.
    #[arg(long, default_value_t = 500)]
    bootstrap: usize,
    /// Do not draw the plots (DIR/plots/).
    #[arg(long)]
    no_plots: bool,
}

/// The cells of a sweep: a grid or a Latin hypercube.
#[derive(Args)]
struct DesignArgs {
    /// A grid axis (repeat for more): every combination of the axes' values is a cell.
    #[arg(long, value_name = "KEY=LO:HI:STEP")]
    grid: Vec<String>,
    /// N Latin-hypercube cells over the --vary ranges.
    #[arg(long, value_name = "N", conflicts_with = "grid")]
    lhs: Option<usize>,
    /// A range for --lhs (repeat for more).
    #[arg(long, value_name = "KEY=LO:HI", requires = "lhs")]
    vary: Vec<String>,
}

#[derive(Args)]
struct SweepArgs {
    #[command(flatten)]
    common: CommonArgs,
    #[command(flatten)]
    design: DesignArgs,
    /// Run only shard K of N (0 ≤ K < N: cells i with i % N == K), or `slurm` to read
    /// SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT; `carenet merge DIR` joins the shards.
    #[arg(long, value_name = "K/N|slurm")]
    shard: Option<String>,
}

#[derive(Args)]
struct SlurmScriptArgs {
    #[command(flatten)]
    common: CommonArgs,
    #[command(flatten)]
    design: DesignArgs,
    /// Array tasks (shards).
    #[arg(long, default_value_t = 10)]
    tasks: usize,
    /// CPUs per array task (its --threads).
    #[arg(long, default_value_t = 4)]
    cpus_per_task: usize,
    /// Time limit per array task (sbatch --time).
    #[arg(long, default_value = "02:00:00")]
    time: String,
    /// The carenet binary the jobs call (default: this one).
    #[arg(long)]
    carenet: Option<PathBuf>,
}

#[derive(Args)]
struct RunArgs {
    #[command(flatten)]
    common: CommonArgs,
    /// Policy package to run (default: baseline).
    #[arg(long, default_value = "baseline")]
    package: String,
    /// Do not draw the plots (DIR/plots/) or write DIR/report.html.
    #[arg(long)]
    no_plots: bool,
}

#[derive(Args)]
struct ReproduceArgs {
    /// Scenario file (default: the built-in scenarios/wutong.toml).
    #[arg(long)]
    scenario: Option<PathBuf>,
    /// Claims file (default: the built-in scenarios/claims.toml).
    #[arg(long)]
    claims: Option<PathBuf>,
    /// Replications per variant (default: the scenario's simulation.reps).
    #[arg(long)]
    reps: Option<u32>,
    /// Master seed (default: the scenario's simulation.seed).
    #[arg(long)]
    seed: Option<u64>,
    /// Weeks to simulate (default: the scenario's simulation.weeks).
    #[arg(long)]
    weeks: Option<u32>,
    /// Latin-hypercube draws of the scenario's [uncertainty] ranges (0 = no robustness check).
    #[arg(long, default_value_t = 0)]
    robust: usize,
    /// Replications per variant in each robustness draw.
    #[arg(long, default_value_t = 4)]
    robust_reps: u32,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long)]
    threads: Option<usize>,
    /// Output directory (default: output/<scenario name>/reproduce/).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Do not draw the plots or write report.html.
    #[arg(long)]
    no_plots: bool,
}

#[derive(Args)]
struct CompareArgs {
    #[command(flatten)]
    common: CommonArgs,
    /// Packages to compare with the baseline, comma-separated (default: every package of the scenario).
    #[arg(long)]
    packages: Option<String>,
    /// Do not draw the plots (DIR/plots/) or write DIR/report.html.
    #[arg(long)]
    no_plots: bool,
}

/// A failure and its exit code.
enum Failure {
    /// Bad input: exit code 2.
    Input(String),
    /// Runtime failure: exit code 1.
    Runtime(String),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run(args) => cmd_run(args),
        Command::Compare(args) => cmd_compare(args),
        Command::Reproduce(args) => cmd_reproduce(args),
        Command::Validate { scenario } => cmd_validate(&scenario),
        Command::Init { file } => cmd_init(&file),
        Command::Plot { dir } => cmd_plot(&dir),
        Command::Report { dir } => cmd_report(&dir),
        Command::Sweep(args) => cmd_sweep(args),
        Command::Merge { dir } => cmd_merge(&dir),
        Command::SlurmScript(args) => cmd_slurm_script(args),
        Command::Sensitivity(args) => cmd_sensitivity(args),
        Command::City(args) => cmd_city(args),
        Command::Reference { command } => cmd_reference(command),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Input(msg)) => {
            eprintln!("{msg}");
            ExitCode::from(2)
        }
        Err(Failure::Runtime(msg)) => {
            eprintln!("error: {msg}");
            ExitCode::from(1)
        }
    }
}

fn load_scenario(path: Option<&Path>) -> Result<LoadedScenario, Failure> {
    match path {
        None => Ok(load::load_default()),
        Some(p) => load::load_file(p).map_err(|e| Failure::Input(e.to_string())),
    }
}

fn cmd_validate(path: &Path) -> Result<(), Failure> {
    let loaded = load_scenario(Some(path))?;
    let s = &loaded.scenario;
    let communities: usize = s.streets.iter().map(|st| st.communities.len()).sum();
    let elders: u64 = s.streets.iter().flat_map(|st| &st.communities).map(|c| c.elders as u64).sum();
    println!(
        "{}: ok (scenario `{}`: {} street(s), {} communities, {} elders, {} weeks, {} replications)",
        path.display(),
        s.name,
        s.streets.len(),
        communities,
        elders,
        s.simulation.weeks,
        s.simulation.reps
    );
    Ok(())
}

fn cmd_init(path: &Path) -> Result<(), Failure> {
    if path.exists() {
        return Err(Failure::Input(format!(
            "error: {}: file exists; choose a new name (carenet init never overwrites)",
            path.display()
        )));
    }
    output::write_atomic(path, |w| w.write_all(load::template().as_bytes()))
        .map_err(|e| Failure::Runtime(format!("writing {}: {e}", path.display())))?;
    println!("wrote {} (edit it, then: carenet run {})", path.display(), path.display());
    Ok(())
}

fn positive(name: &str, v: Option<u32>) -> Result<Option<u32>, Failure> {
    match v {
        Some(0) => Err(Failure::Input(format!("error: --{name} must be at least 1"))),
        other => Ok(other),
    }
}

/// Flags shared by `run` and `compare`.
#[derive(Args)]
struct CommonArgs {
    /// Scenario file (default: the built-in scenarios/wutong.toml).
    scenario: Option<PathBuf>,
    /// Replications (default: the scenario's simulation.reps).
    #[arg(long)]
    reps: Option<u32>,
    /// Master seed (default: the scenario's simulation.seed).
    #[arg(long)]
    seed: Option<u64>,
    /// Weeks to simulate (default: the scenario's simulation.weeks).
    #[arg(long)]
    weeks: Option<u32>,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long)]
    threads: Option<usize>,
    /// Output directory (default: output/<scenario name>/, or …/compare/ for compare).
    #[arg(long)]
    out: Option<PathBuf>,
    /// No summary table on stdout.
    #[arg(long, short)]
    quiet: bool,
}

/// A loaded scenario with the command-line overrides applied and re-validated.
struct Setup {
    loaded: LoadedScenario,
    scenario: carenet::scenario::Scenario,
    cfg: RunConfig,
}

fn setup(args: &CommonArgs) -> Result<Setup, Failure> {
    let loaded = load_scenario(args.scenario.as_deref())?;
    let reps = positive("reps", args.reps)?.unwrap_or(loaded.scenario.simulation.reps);
    let weeks = positive("weeks", args.weeks)?.unwrap_or(loaded.scenario.simulation.weeks);
    if args.threads == Some(0) {
        return Err(Failure::Input("error: --threads must be at least 1".into()));
    }
    let seed = args.seed.unwrap_or(loaded.scenario.simulation.seed);
    let mut scenario = loaded.scenario.clone();
    scenario.simulation.reps = reps;
    scenario.simulation.weeks = weeks;
    scenario.simulation.seed = seed;
    // A shorter run summarises all of its weeks.
    scenario.metrics.summary_window = scenario.metrics.summary_window.min(weeks);
    // The flags change the scenario: check it again, naming the flag.
    let problems = carenet::scenario::validate::validate(&scenario);
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
    let cfg = RunConfig { reps, seed, weeks, threads: args.threads };
    Ok(Setup { loaded, scenario, cfg })
}

/// A progress bar on stderr when it is a terminal, hidden otherwise.
fn progress(total: u64, what: &str) -> indicatif::ProgressBar {
    if std::io::stderr().is_terminal() {
        let b = indicatif::ProgressBar::new(total);
        b.set_style(
            indicatif::ProgressStyle::with_template(&format!(
                "{{spinner}} {what} {{pos}}/{{len}} [{{bar:30}}] {{elapsed}}"
            ))
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        b
    } else {
        indicatif::ProgressBar::hidden()
    }
}

fn write_err(what: &Path, e: std::io::Error) -> Failure {
    Failure::Runtime(format!("writing {}: {e}", what.display()))
}

fn cmd_run(args: RunArgs) -> Result<(), Failure> {
    let Setup { loaded, scenario, cfg } = setup(&args.common)?;
    let package = Package::resolve(&scenario, &args.package).map_err(|e| Failure::Input(format!("error: {e}")))?;
    let dir = args.common.out.clone().unwrap_or_else(|| PathBuf::from("output").join(&scenario.name));
    let model = Model::new(scenario, package);
    let (reps, weeks, seed) = (cfg.reps, cfg.weeks, cfg.seed);

    let bar = progress(reps as u64, "replications");
    let t0 = Instant::now();
    let tick = || bar.inc(1);
    let res = run(&model, &cfg, &tick).map_err(|e| Failure::Runtime(e.to_string()))?;
    let wall = t0.elapsed().as_secs_f64();
    bar.finish_and_clear();

    let kinds: Vec<_> = res.communities.iter().map(|c| c.kind).collect();
    let window = model.scenario.metrics.summary_window;
    let totals = window_totals(res.reps.len(), weeks, window, &kinds, |r, w, c| *res.record(r, w, c));
    let rows = summarise(&model.package.name, &totals);

    let files = RunFiles::in_dir(&dir);
    // The two time series are most of the output: with more than one thread,
    // timeseries.csv is written beside the others.
    let write_rest = || -> Result<(), Failure> {
        output::write_summary(&files.summary, &rows).map_err(|e| write_err(&files.summary, e))?;
        output::write_age_bands(&files.age_bands, &res).map_err(|e| write_err(&files.age_bands, e))?;
        output::write_timeseries_types(&files.timeseries_types, &res)
            .map_err(|e| write_err(&files.timeseries_types, e))?;
        output::write_networks(&files.network_nodes, &files.network_edges, &res)
            .map_err(|e| write_err(&files.network_nodes, e))
    };
    let write_series =
        || output::write_timeseries(&files.timeseries, &res).map_err(|e| write_err(&files.timeseries, e));
    let threads = cfg.threads.unwrap_or_else(rayon::current_num_threads);
    if threads > 1 {
        let (a, b) = std::thread::scope(|sc| {
            let h = sc.spawn(write_series);
            let b = write_rest();
            (h.join().unwrap_or_else(|_| Err(Failure::Runtime("error: writing timeseries.csv failed".into()))), b)
        });
        a?;
        b?;
    } else {
        write_series()?;
        write_rest()?;
    }
    let elder_weeks = res.elder_weeks();
    let manifest = Manifest {
        carenet_version: env!("CARGO_PKG_VERSION"),
        command: "run",
        scenario_name: &model.scenario.name,
        scenario_files: loaded.files.iter().map(|p| p.display().to_string()).collect(),
        packages: vec![model.package.name.clone()],
        seed,
        reps,
        weeks,
        threads: cfg.threads,
        elder_weeks,
        wall_seconds: wall,
        elder_weeks_per_second: elder_weeks / wall.max(1e-9),
        files: vec![
            "timeseries.csv",
            "timeseries_types.csv",
            "summary.csv",
            "age_bands.csv",
            "network_nodes.csv",
            "network_edges.csv",
        ],
        scenario: &model.scenario,
    };
    output::write_manifest(&files.manifest, &manifest).map_err(|e| write_err(&files.manifest, e))?;
    if !args.no_plots {
        carenet::plot::plot_dir(&dir).map_err(|e| Failure::Runtime(e.to_string()))?;
        carenet::report::write_report(&dir).map_err(|e| Failure::Runtime(e.to_string()))?;
    }

    if !args.common.quiet {
        print_table(&model.package.name, &rows, reps, weeks, window);
    }
    println!(
        "{} replications × {} weeks, {:.1} M elder-weeks in {:.2} s; wrote {}",
        reps,
        weeks,
        elder_weeks / 1e6,
        wall,
        dir.display()
    );
    Ok(())
}

fn cmd_compare(args: CompareArgs) -> Result<(), Failure> {
    let Setup { loaded, scenario, cfg } = setup(&args.common)?;
    // Packages: the baseline first, then those asked for (default: all the scenario defines).
    let names: Vec<String> = match &args.packages {
        Some(list) => list.split(',').map(|x| x.trim().to_string()).filter(|x| !x.is_empty()).collect(),
        None => scenario.packages.keys().cloned().collect(),
    };
    let mut packages =
        vec![Package::resolve(&scenario, "baseline").map_err(|e| Failure::Input(format!("error: {e}")))?];
    for n in names.iter().filter(|n| n.as_str() != "baseline") {
        packages.push(Package::resolve(&scenario, n).map_err(|e| Failure::Input(format!("error: {e}")))?);
    }
    let dir = args.common.out.clone().unwrap_or_else(|| PathBuf::from("output").join(&scenario.name).join("compare"));
    let window = scenario.metrics.summary_window;
    let bar = progress((packages.len() * cfg.reps as usize) as u64, "package replications");
    let t0 = Instant::now();
    let tick = || bar.inc(1);
    let res = run_compare(&scenario, &packages, &cfg, window, &tick).map_err(|e| Failure::Runtime(e.to_string()))?;
    let wall = t0.elapsed().as_secs_f64();
    bar.finish_and_clear();

    let rows = compare_rows(&res);
    let mut summary = Vec::new();
    for (p, name) in res.packages.iter().enumerate() {
        let totals: Vec<[carenet::metrics::WeekRecord; 4]> = res.digests[p].iter().map(|d| d.window).collect();
        summary.extend(summarise(name, &totals));
    }
    let files = RunFiles::in_dir(&dir);
    let compare_csv = dir.join("compare.csv");
    let compare_ts = dir.join("compare_timeseries.csv");
    output::write_compare(&compare_csv, &rows).map_err(|e| write_err(&compare_csv, e))?;
    output::write_summary(&files.summary, &summary).map_err(|e| write_err(&files.summary, e))?;
    let all_packages: Vec<usize> = (0..res.packages.len()).collect();
    output::write_digest_timeseries(&compare_ts, &res, &all_packages, &[3], true)
        .map_err(|e| write_err(&compare_ts, e))?;
    output::write_digest_timeseries(&files.timeseries_types, &res, &[0], &[0, 1, 2, 3], false)
        .map_err(|e| write_err(&files.timeseries_types, e))?;
    let manifest = Manifest {
        carenet_version: env!("CARGO_PKG_VERSION"),
        command: "compare",
        scenario_name: &scenario.name,
        scenario_files: loaded.files.iter().map(|p| p.display().to_string()).collect(),
        packages: res.packages.clone(),
        seed: cfg.seed,
        reps: cfg.reps,
        weeks: cfg.weeks,
        threads: cfg.threads,
        elder_weeks: res.elder_weeks,
        wall_seconds: wall,
        elder_weeks_per_second: res.elder_weeks / wall.max(1e-9),
        files: vec!["compare.csv", "compare_timeseries.csv", "summary.csv", "timeseries_types.csv"],
        scenario: &scenario,
    };
    output::write_manifest(&files.manifest, &manifest).map_err(|e| write_err(&files.manifest, e))?;
    if !args.no_plots {
        carenet::plot::plot_dir(&dir).map_err(|e| Failure::Runtime(e.to_string()))?;
        carenet::report::write_report(&dir).map_err(|e| Failure::Runtime(e.to_string()))?;
    }
    if !args.common.quiet {
        print_compare(&rows, cfg.reps);
    }
    println!(
        "{} packages × {} replications × {} weeks (common random numbers), {:.1} M elder-weeks in {:.2} s; wrote {}",
        res.packages.len(),
        cfg.reps,
        cfg.weeks,
        res.elder_weeks / 1e6,
        wall,
        dir.display()
    );
    Ok(())
}

fn cmd_reproduce(args: ReproduceArgs) -> Result<(), Failure> {
    use carenet::experiment::reproduce::{Claims, DEFAULT_CLAIMS, ReproduceConfig, reproduce};
    let common = CommonArgs {
        scenario: args.scenario.clone(),
        reps: args.reps,
        seed: args.seed,
        weeks: args.weeks,
        threads: args.threads,
        out: args.out.clone(),
        quiet: false,
    };
    let Setup { loaded, scenario, cfg } = setup(&common)?;
    if args.robust > 0 && args.robust_reps == 0 {
        return Err(Failure::Input("error: --robust-reps must be at least 1".into()));
    }
    let (text, label) = match &args.claims {
        Some(p) => (
            std::fs::read_to_string(p).map_err(|e| Failure::Input(format!("error: {}: {e}", p.display())))?,
            p.display().to_string(),
        ),
        None => (DEFAULT_CLAIMS.to_string(), "<built-in claims.toml>".to_string()),
    };
    let claims = Claims::parse(&text, &label, &scenario).map_err(|e| Failure::Input(format!("error: {e}")))?;
    let dir = args.out.clone().unwrap_or_else(|| PathBuf::from("output").join(&scenario.name).join("reproduce"));
    let rc = ReproduceConfig { run: cfg.clone(), robust: args.robust, robust_reps: args.robust_reps };
    let bar = progress(1 + args.robust as u64, "claim runs");
    let t0 = Instant::now();
    let tick = || bar.inc(1);
    let results = reproduce(&scenario, &claims, &rc, &tick).map_err(|e| {
        if e.is_input() { Failure::Input(format!("error: {e}")) } else { Failure::Runtime(e.to_string()) }
    })?;
    let wall = t0.elapsed().as_secs_f64();
    bar.finish_and_clear();
    let command = format!(
        "carenet reproduce{}{} --reps {} --seed {} --weeks {} --robust {}{}",
        args.scenario.as_ref().map(|p| format!(" --scenario {}", p.display())).unwrap_or_default(),
        args.claims.as_ref().map(|p| format!(" --claims {}", p.display())).unwrap_or_default(),
        cfg.reps,
        cfg.seed,
        cfg.weeks,
        args.robust,
        if args.robust > 0 { format!(" --robust-reps {}", args.robust_reps) } else { String::new() }
    );
    let csv_path = dir.join("claims.csv");
    let md_path = dir.join("claims.md");
    output::write_claims_csv(&csv_path, &results).map_err(|e| write_err(&csv_path, e))?;
    output::write_claims_md(&md_path, &results, &command).map_err(|e| write_err(&md_path, e))?;
    let files = RunFiles::in_dir(&dir);
    let manifest = Manifest {
        carenet_version: env!("CARGO_PKG_VERSION"),
        command: &command,
        scenario_name: &scenario.name,
        scenario_files: loaded.files.iter().map(|p| p.display().to_string()).collect(),
        packages: Vec::new(),
        seed: cfg.seed,
        reps: cfg.reps,
        weeks: cfg.weeks,
        threads: cfg.threads,
        elder_weeks: f64::NAN,
        wall_seconds: wall,
        elder_weeks_per_second: f64::NAN,
        files: vec!["claims.csv", "claims.md"],
        scenario: &scenario,
    };
    output::write_manifest(&files.manifest, &manifest).map_err(|e| write_err(&files.manifest, e))?;
    if !args.no_plots {
        carenet::plot::plot_dir(&dir).map_err(|e| Failure::Runtime(e.to_string()))?;
        carenet::report::write_report(&dir).map_err(|e| Failure::Runtime(e.to_string()))?;
    }
    println!(
        "{:<5} {:<9} {:<26} {:>9} {:>24} {:<13} {:>7}",
        "claim", "expected", "metric", "effect", "95% CI", "verdict", "robust"
    );
    for r in &results {
        println!(
            "{:<5} {:<9} {:<26} {:>+9.4} {:>24} {:<13} {:>7}",
            r.claim.id,
            r.claim.expected,
            r.claim.metric,
            r.effect.mean,
            format!("{:+.4} … {:+.4}", r.effect.ci_low, r.effect.ci_high),
            r.verdict.as_str(),
            if r.robust_share.is_finite() { format!("{:.2}", r.robust_share) } else { "—".into() }
        );
    }
    println!("{} claims in {:.1} s ({command}); wrote {}", results.len(), wall, dir.display());
    Ok(())
}

/// The compare table: one row per package, sorted by the effect on unmet help.
fn print_compare(rows: &[CompareRow], reps: u32) {
    let find = |p: &str, m: &str| rows.iter().find(|r| r.package == p && r.metric == m && r.group == Group::All);
    let mut packages: Vec<&str> = Vec::new();
    for r in rows {
        if !packages.contains(&r.package.as_str()) {
            packages.push(&r.package);
        }
    }
    let effect = |p: &str| find(p, "unmet_help_rate").map(|r| r.diff.mean).unwrap_or(0.0);
    packages.sort_by(|a, b| effect(a).total_cmp(&effect(b)));
    let cell = |i: &carenet::metrics::summary::Interval, scale: f64, p: usize| {
        if i.ci_low.is_finite() {
            format!("{:+.p$} ({:+.p$}…{:+.p$})", i.mean * scale, i.ci_low * scale, i.ci_high * scale)
        } else if i.mean.is_finite() {
            format!("{:.p$}", i.mean * scale)
        } else {
            "—".into()
        }
    };
    println!("change against baseline, all communities, last year; mean (95% CI, paired over {reps} replications)");
    println!(
        "{:<20} {:>30} {:>30} {:>30} {:>14} {:>22}",
        "package",
        "unmet help rate (pts)",
        "isolation rate (pts)",
        "grade-1 underserved (pts)",
        "cost/yr (¥)",
        "¥ per unmet hour averted"
    );
    for p in packages {
        let d = |m: &str, scale: f64, prec: usize| find(p, m).map(|r| cell(&r.diff, scale, prec)).unwrap_or_default();
        let cost = find(p, "cost_total_yuan").map(|r| format!("{:.0}", r.value.mean)).unwrap_or_default();
        let ce = find(p, "cost_per_unmet_hour_averted")
            .map(|r| if r.value.mean.is_finite() { format!("{:.1}", r.value.mean) } else { "—".into() })
            .unwrap_or_default();
        println!(
            "{:<20} {:>30} {:>30} {:>30} {:>14} {:>22}",
            p,
            d("unmet_help_rate", 100.0, 2),
            d("isolation_rate", 100.0, 2),
            d("grade1_underserved_rate", 100.0, 2),
            cost,
            ce
        );
    }
}

/// The metrics shown on stdout, in order.
const SHOWN: &[&str] = &[
    "elders",
    "isolation_rate",
    "few_ties_rate",
    "loneliness_mean",
    "unmet_help_rate",
    "unmet_companionship_rate",
    "grade1_underserved_rate",
    "mutual_aid_share",
    "grade1_share",
    "grade2_share",
    "grade3_share",
    "mean_degree",
    "clustering",
];

fn print_table(package: &str, rows: &[SummaryRow], reps: u32, weeks: u32, window: u32) {
    println!(
        "{package}, last {window} of {weeks} weeks, mean (95% CI over {reps} replications){}",
        if reps < 2 { "; one replication gives no interval" } else { "" }
    );
    print!("{:<26}", "metric");
    for g in Group::SUMMED {
        print!(" {:>26}", g.as_str());
    }
    println!();
    for name in SHOWN {
        print!("{name:<26}");
        for g in Group::SUMMED {
            let cell = rows.iter().find(|r| r.metric == *name && r.group == g).map(|r| {
                let i = &r.interval;
                let p = if i.mean.abs() >= 100.0 { 0 } else { 3 };
                if i.ci_low.is_finite() {
                    format!("{:.p$} ({:.p$}–{:.p$})", i.mean, i.ci_low, i.ci_high)
                } else {
                    format!("{:.p$}", i.mean)
                }
            });
            print!(" {:>26}", cell.unwrap_or_else(|| "—".into()));
        }
        println!();
    }
}

fn cmd_plot(dir: &Path) -> Result<(), Failure> {
    let written = carenet::plot::plot_dir(dir).map_err(|e| Failure::Runtime(e.to_string()))?;
    println!("wrote {} plots (SVG and PNG) to {}", written.len() / 2, carenet::plot::plots_dir(dir).display());
    Ok(())
}

fn cmd_report(dir: &Path) -> Result<(), Failure> {
    let path = carenet::report::write_report(dir).map_err(|e| Failure::Runtime(e.to_string()))?;
    println!("wrote {}", path.display());
    Ok(())
}

fn sweep_failure(e: carenet::experiment::sweep::SweepError) -> Failure {
    if e.is_input() { Failure::Input(e.to_string()) } else { Failure::Runtime(e.to_string()) }
}

fn sweep_design(d: &DesignArgs) -> Result<carenet::experiment::sweep::Design, Failure> {
    use carenet::experiment::sweep::{Axis, Design, parse_range};
    match d.lhs {
        Some(n) => Ok(Design::Lhs {
            n,
            ranges: d.vary.iter().map(|v| parse_range(v)).collect::<Result<_, _>>().map_err(sweep_failure)?,
        }),
        None => {
            Ok(Design::Grid(d.grid.iter().map(|g| Axis::parse(g)).collect::<Result<_, _>>().map_err(sweep_failure)?))
        }
    }
}

type SweepSetup = (Setup, carenet::experiment::sweep::SweepPlan, Vec<carenet::scenario::Scenario>, PathBuf);

fn sweep_setup(common: &CommonArgs, design: &DesignArgs) -> Result<SweepSetup, Failure> {
    let setup = setup(common)?;
    let design = sweep_design(design)?;
    let (plan, scenarios) =
        carenet::experiment::sweep::plan(&setup.scenario, &design, setup.cfg.reps, setup.cfg.weeks, setup.cfg.seed)
            .map_err(sweep_failure)?;
    let dir = common.out.clone().unwrap_or_else(|| PathBuf::from("output").join(&setup.scenario.name).join("sweep"));
    Ok((setup, plan, scenarios, dir))
}

fn cmd_sweep(args: SweepArgs) -> Result<(), Failure> {
    use carenet::experiment::sweep::Shard;
    use carenet_io::sweep;
    let shard = match &args.shard {
        Some(s) => Some(Shard::parse(s, |k| std::env::var(k).ok()).map_err(sweep_failure)?),
        None => None,
    };
    let (setup, plan, scenarios, dir) = sweep_setup(&args.common, &args.design)?;
    sweep::prepare_dir(&dir, &plan).map_err(sweep_failure)?;
    let n_cells = plan.cells.len();
    let todo: Vec<usize> = match shard {
        Some(s) => s.cells(n_cells),
        None => (0..n_cells).collect(),
    };
    let bar = progress((todo.len() * plan.reps as usize) as u64, "cell replications");
    let t0 = Instant::now();
    let tick = || bar.inc(1);
    let ran = sweep::run_cells(&dir, &plan, &scenarios, &todo, setup.cfg.threads, &tick).map_err(sweep_failure)?;
    bar.finish_and_clear();
    let wall = t0.elapsed().as_secs_f64();
    let skipped = todo.len() - ran.len();
    let what = match shard {
        Some(s) => format!("shard {}/{}: ", s.index, s.count),
        None => String::new(),
    };
    println!(
        "{what}{} cells × {} replications × {} weeks in {:.1} s ({} already done, skipped)",
        ran.len(),
        plan.reps,
        plan.weeks,
        wall,
        skipped
    );
    if shard.is_none() {
        let out = sweep::merge(&dir).map_err(sweep_failure)?;
        println!("{} cells of `{}` (sweep {}); wrote {}", n_cells, plan.scenario_name, plan.hash, out.display());
    } else if !args.common.quiet {
        println!("wrote {} (join the shards with: carenet merge {})", dir.join("cells").display(), dir.display());
    }
    Ok(())
}

fn cmd_merge(dir: &Path) -> Result<(), Failure> {
    let out = carenet_io::sweep::merge(dir).map_err(sweep_failure)?;
    println!("wrote {}", out.display());
    Ok(())
}

fn cmd_slurm_script(args: SlurmScriptArgs) -> Result<(), Failure> {
    use carenet_io::sweep::{SlurmScript, shell_quote, slurm_script};
    if args.tasks == 0 || args.cpus_per_task == 0 {
        return Err(Failure::Input("error: --tasks and --cpus-per-task must be at least 1".into()));
    }
    // Plan it here so a bad key fails now, not on the cluster.
    let (_, plan, _, dir) = sweep_setup(&args.common, &args.design)?;
    let abs = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let mut sweep_args = Vec::new();
    if let Some(s) = &args.common.scenario {
        sweep_args.push(shell_quote(&abs(s).display().to_string()));
    }
    for g in &args.design.grid {
        sweep_args.push(format!("--grid {}", shell_quote(g)));
    }
    if let Some(n) = args.design.lhs {
        sweep_args.push(format!("--lhs {n}"));
    }
    for v in &args.design.vary {
        sweep_args.push(format!("--vary {}", shell_quote(v)));
    }
    sweep_args.push(format!("--reps {} --weeks {} --seed {}", plan.reps, plan.weeks, plan.seed));
    let carenet = match &args.carenet {
        Some(p) => abs(p),
        None => std::env::current_exe().map_err(|e| Failure::Runtime(format!("locating carenet: {e}")))?,
    };
    let script = SlurmScript {
        sweep_args,
        out: abs(&dir),
        tasks: args.tasks.min(plan.cells.len()),
        carenet: carenet.display().to_string(),
        cpus_per_task: args.cpus_per_task,
        time: args.time.clone(),
        job_name: format!("carenet-{}", plan.scenario_name),
    };
    print!("{}", slurm_script(&script));
    Ok(())
}

fn cmd_sensitivity(args: SensitivityArgs) -> Result<(), Failure> {
    use carenet::experiment::sensitivity::{Method, SensitivityConfig, SensitivityError, run_sensitivity};
    use carenet::output::write_sensitivity as write_csv;
    // Replications per design point: 2 unless asked (every point uses the same seeds).
    let (out, quiet) = (args.common.out.clone(), args.common.quiet);
    let common = CommonArgs { reps: Some(args.common.reps.unwrap_or(2)), ..args.common };
    let Setup { scenario, cfg, .. } = setup(&common)?;
    let method = if args.method == "morris" { Method::Morris } else { Method::Sobol };
    let factors: Vec<(String, [f64; 2])> = if args.vary.is_empty() {
        scenario.uncertainty.iter().map(|(k, r)| (k.clone(), *r)).collect()
    } else {
        args.vary
            .iter()
            .map(|v| carenet::experiment::sweep::parse_range(v))
            .collect::<Result<_, _>>()
            .map_err(sweep_failure)?
    };
    let mut metrics = Vec::new();
    for name in args.metrics.split(',').map(str::trim).filter(|x| !x.is_empty()) {
        metrics.push(carenet::metrics::metric(name).ok_or_else(|| {
            let valid: Vec<&str> = carenet::metrics::METRICS.iter().map(|m| m.name).collect();
            Failure::Input(format!("error: --metrics: unknown metric `{name}` (valid: {})", valid.join(", ")))
        })?);
    }
    let samples = args.samples.unwrap_or(if method == Method::Morris { 10 } else { 64 });
    let k = factors.len();
    let points = if method == Method::Morris { samples * (k + 1) } else { samples * (k + 2) };
    let dir = out.unwrap_or_else(|| PathBuf::from("output").join(&scenario.name).join("sensitivity"));
    let sc = SensitivityConfig { method, factors, samples, metrics, run: cfg.clone(), bootstrap: args.bootstrap };
    let bar = progress(points as u64, "design points");
    let t0 = Instant::now();
    let tick = || bar.inc(1);
    let rows = run_sensitivity(&scenario, &sc, &tick).map_err(|e| match e {
        SensitivityError::Input(m) => Failure::Input(m),
        other => Failure::Runtime(other.to_string()),
    })?;
    bar.finish_and_clear();
    let wall = t0.elapsed().as_secs_f64();
    let csv = dir.join("sensitivity.csv");
    write_csv(&csv, &rows).map_err(|e| write_err(&csv, e))?;
    if !args.no_plots {
        carenet::plot::plot_dir(&dir).map_err(|e| Failure::Runtime(e.to_string()))?;
    }
    if !quiet {
        println!("{:<26} {:<34} {:<12} {:>12} {:>26}", "metric", "key", "index", "value", "95% bootstrap CI");
        for r in &rows {
            let e = &r.estimate;
            println!(
                "{:<26} {:<34} {:<12} {:>12.4} {:>26}",
                r.metric,
                r.key,
                r.index,
                e.value,
                format!("{:.4} … {:.4}", e.ci_low, e.ci_high)
            );
        }
    }
    println!(
        "{} ({samples} {}): {} factors, {} points × {} replications × {} weeks in {:.1} s; wrote {}",
        args.method,
        if method == Method::Morris { "trajectories" } else { "base samples" },
        k,
        points,
        cfg.reps,
        cfg.weeks,
        wall,
        dir.display()
    );
    Ok(())
}

fn cmd_city(args: CityArgs) -> Result<(), Failure> {
    use carenet::experiment::city::{CityConfig, run_city};
    use carenet::output::write_city;
    let Setup { scenario, cfg, .. } = setup(&args.common)?;
    let dir = args.common.out.clone().unwrap_or_else(|| PathBuf::from("output").join(&scenario.name).join("city"));
    let n_streets = scenario.streets.len();
    let window = scenario.metrics.summary_window;
    let model = Model::new(scenario, Package::baseline());
    let bar = progress(n_streets as u64, "streets");
    let t0 = Instant::now();
    let tick = || bar.inc(1);
    let city_cfg = CityConfig { seed: cfg.seed, rep: args.rep, weeks: cfg.weeks, threads: cfg.threads };
    let res = run_city(&model, &city_cfg, &tick).map_err(|e| Failure::Runtime(e.to_string()))?;
    bar.finish_and_clear();
    let wall = t0.elapsed().as_secs_f64();
    write_city(&dir, &res).map_err(|e| write_err(&dir, e))?;
    if !args.common.quiet {
        let weekly = res.city_weekly();
        let mut last = carenet::metrics::WeekRecord::default();
        for r in &weekly[weekly.len().saturating_sub(window as usize)..] {
            last.add(r);
        }
        println!(
            "{}, all streets, last {window} of {} weeks (replication {})",
            model.scenario.name, cfg.weeks, args.rep
        );
        for name in SHOWN {
            if let Some(m) = carenet::metrics::metric(name) {
                println!("{name:<26} {:>14.4}", (m.value)(&last));
            }
        }
    }
    let ew = res.elder_weeks();
    println!(
        "{n_streets} streets × {} weeks, {:.1} M elder-weeks in {:.1} s ({:.1} M/s); wrote {}",
        cfg.weeks,
        ew / 1e6,
        wall,
        ew / 1e6 / wall.max(1e-9),
        dir.display()
    );
    Ok(())
}

fn cmd_reference(command: ReferenceCommand) -> Result<(), Failure> {
    use carenet::reference_driver::{self as driver, RefError, RunConfig, Source};
    let failure = |e: RefError| match e {
        RefError::Input(m) => Failure::Input(m),
        RefError::Runtime(m) => Failure::Runtime(m),
    };
    match command {
        ReferenceCommand::Export(args) => {
            let loaded = load_scenario(args.scenario.as_deref())?;
            let e = driver::export(&loaded.scenario, args.elders, &args.out).map_err(failure)?;
            println!(
                "{} elders in {} communities, {} ties; wrote {}",
                e.elders,
                e.communities,
                e.ties,
                args.out.display()
            );
        }
        ReferenceCommand::Run(args) => {
            let loaded = load_scenario(args.scenario.as_deref())?;
            let source = match (args.input, args.elders) {
                (Some(dir), _) => Source::Input(dir),
                (None, Some(n)) => Source::Elders(n),
                (None, None) => return Err(Failure::Input("error: give --input DIR or --elders N".into())),
            };
            let cfg = RunConfig {
                source,
                weeks: args.weeks,
                seed: args.seed.unwrap_or(loaded.scenario.simulation.seed),
                seeds: args.seeds,
                threads: args.threads,
                out: args.out.clone(),
                timing: args.timing.clone(),
            };
            let report = driver::run(&loaded.scenario, &cfg).map_err(failure)?;
            let t = &report.timing;
            let line = format!(
                "reference: {} elders ({} communities, {} ties) × {} weeks × {} seeds: setup {:.3} s, step {:.3} s \
                 ({:.2} M elder-weeks/s){}",
                t.n_elders,
                report.communities,
                report.ties,
                t.weeks,
                t.seeds,
                t.setup_seconds,
                t.step_seconds,
                t.elder_weeks_per_second() / 1e6,
                args.out.as_ref().map(|p| format!("; wrote {}", p.display())).unwrap_or_default()
            );
            if args.out.is_some() {
                println!("{line}");
            } else {
                let stdout = std::io::stdout();
                let mut lock = stdout.lock();
                carenet_io::reference::write_rows(&mut lock, "carenet", &report.rows)
                    .map_err(|e| Failure::Runtime(format!("writing stdout: {e}")))?;
                eprintln!("{line}");
            }
        }
    }
    Ok(())
}
