//! The `carenet` command: parse flags, load and validate the scenario, run,
//! write files, map failures to exit codes (2 = bad input, 1 = runtime failure).

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::{Args, Parser, Subcommand};

use carenet::experiment::{RunConfig, run};
use carenet::metrics::summary::{Group, SummaryRow, summarise, window_totals};
use carenet::output::{self, Manifest, RunFiles};
use carenet::policy::Levers;
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
}

#[derive(Args)]
struct RunArgs {
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
    /// Output directory (default: output/<scenario name>/).
    #[arg(long)]
    out: Option<PathBuf>,
    /// No summary table on stdout.
    #[arg(long, short)]
    quiet: bool,
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
        Command::Validate { scenario } => cmd_validate(&scenario),
        Command::Init { file } => cmd_init(&file),
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

fn cmd_run(args: RunArgs) -> Result<(), Failure> {
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
    let dir = args.out.clone().unwrap_or_else(|| PathBuf::from("output").join(&scenario.name));
    let model = Model::new(scenario, Levers::default());
    let cfg = RunConfig { reps, seed, weeks, threads: args.threads };

    let bar = if std::io::stderr().is_terminal() {
        let b = indicatif::ProgressBar::new(reps as u64);
        b.set_style(
            indicatif::ProgressStyle::with_template("{spinner} replications {pos}/{len} [{bar:30}] {elapsed}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        b
    } else {
        indicatif::ProgressBar::hidden()
    };
    let t0 = Instant::now();
    let tick = || bar.inc(1);
    let res = run(&model, &cfg, &tick).map_err(|e| Failure::Runtime(e.to_string()))?;
    let wall = t0.elapsed().as_secs_f64();
    bar.finish_and_clear();

    let kinds: Vec<_> = res.communities.iter().map(|c| c.kind).collect();
    let window = model.scenario.metrics.summary_window;
    let totals = window_totals(res.reps.len(), weeks, window, &kinds, |r, w, c| *res.record(r, w, c));
    let rows = summarise("baseline", &totals);

    let files = RunFiles::in_dir(&dir);
    let io = |what: &Path, e: std::io::Error| Failure::Runtime(format!("writing {}: {e}", what.display()));
    output::write_timeseries(&files.timeseries, &res).map_err(|e| io(&files.timeseries, e))?;
    output::write_summary(&files.summary, &rows).map_err(|e| io(&files.summary, e))?;
    output::write_age_bands(&files.age_bands, &res).map_err(|e| io(&files.age_bands, e))?;
    output::write_timeseries_types(&files.timeseries_types, &res).map_err(|e| io(&files.timeseries_types, e))?;
    output::write_networks(&files.network_nodes, &files.network_edges, &res)
        .map_err(|e| io(&files.network_nodes, e))?;
    let elder_weeks = res.elder_weeks();
    let manifest = Manifest {
        carenet_version: env!("CARGO_PKG_VERSION"),
        command: "run",
        scenario_name: &model.scenario.name,
        scenario_files: loaded.files.iter().map(|p| p.display().to_string()).collect(),
        seed,
        reps,
        weeks,
        threads: args.threads,
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
    output::write_manifest(&files.manifest, &manifest).map_err(|e| io(&files.manifest, e))?;

    if !args.quiet {
        print_table(&rows, reps, weeks, window);
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

fn print_table(rows: &[SummaryRow], reps: u32, weeks: u32, window: u32) {
    println!(
        "baseline, last {window} of {weeks} weeks, mean (95% CI over {reps} replications){}",
        if reps < 2 { "; one replication gives no interval" } else { "" }
    );
    print!("{:<26}", "metric");
    for g in Group::ALL {
        print!(" {:>26}", g.as_str());
    }
    println!();
    for name in SHOWN {
        print!("{name:<26}");
        for g in Group::ALL {
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
