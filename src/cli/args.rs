//! The command line: every subcommand and its flags. The scenario and the run
//! settings are one struct, [`CommonArgs`], flattened into each command that
//! runs the model, so the flags are spelled and documented once.
//!
//! The doc comments are the `--help` text, written for the terminal, not rustdoc.
#![allow(rustdoc::broken_intra_doc_links, rustdoc::invalid_html_tags)]

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// `carenet --version`: the version, the git commit and the build date (build.rs).
pub const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (commit ",
    env!("CARENET_COMMIT"),
    ", built ",
    env!("CARENET_BUILD_DATE"),
    ")"
);

/// The most worker threads `--threads` accepts. Each thread of the pool is an OS thread
/// with its own stack, started whatever the work: thousands only cost time (20,000 took
/// over 100 s to start for a job of 0.01 s), and no machine the model runs on has more
/// than 1,024 cores.
pub const MAX_THREADS: usize = 1024;

/// `--threads`: a whole number from 1 to [`MAX_THREADS`] (clap exits with code 2 otherwise).
fn parse_threads(text: &str) -> Result<usize, String> {
    match text.trim().parse::<usize>() {
        Ok(n) if (1..=MAX_THREADS).contains(&n) => Ok(n),
        Ok(n) => Err(format!("{n} is not from 1 to {MAX_THREADS} (the most worker threads a run may start)")),
        Err(_) => Err(format!("`{text}` is not a whole number of threads from 1 to {MAX_THREADS}")),
    }
}

/// The names of a `--packages` list: comma-separated, trimmed; an empty name (`a,,b`, `,`)
/// or a name given twice (`a,a`, which would run `a` twice) is refused.
pub fn package_names(list: &str) -> Result<Vec<String>, String> {
    let mut names: Vec<String> = Vec::new();
    for name in list.split(',').map(str::trim) {
        if name.is_empty() {
            return Err(format!("`{list}` has an empty package name: give names separated by single commas"));
        }
        if names.iter().any(|n| n == name) {
            return Err(format!("`{list}` names package `{name}` twice: give each package once"));
        }
        names.push(name.to_string());
    }
    Ok(names)
}

/// `--packages`: checked with [`package_names`] when the command line is parsed.
fn check_packages(list: &str) -> Result<String, String> {
    package_names(list).map(|_| list.to_string())
}

#[derive(Parser)]
#[command(name = "carenet", version = VERSION, about = "Agent-based simulator of community mutual-aid elderly care")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Run a scenario (the built-in Wutong Street default if none is given).
    #[command(mut_arg("out", |a| a.help(
        "Output directory (default: output/<scenario name>/ for the baseline, output/<scenario name>/run-<package>/ for a package)"
    )))]
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
    /// Describe a parameter: meaning, unit, default, allowed values, source.
    Explain(ExplainArgs),
    /// Print the JSON Schema of scenario files (scenarios/carenet.schema.json).
    Schema,
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
    /// Calibrate by history matching against published targets (resumable, shardable).
    #[command(
        mut_arg("reps", |a| a.help("Replications per point, every point with the same seeds (default: 2)")),
        mut_arg("weeks", |a| a.help("Reported weeks per point, after the burn-in (default: 104)")),
        mut_arg("out", |a| a.help("Output directory (default: output/<scenario name>/calibrate/)"))
    )]
    Calibrate(CalibrateArgs),
    /// Join the shards of a sweep (check every cell, write DIR/sweep.csv) or of a run
    /// (`run --shard`: check every part, write the run's files).
    Merge {
        /// Output directory of the sweep or run.
        dir: PathBuf,
        /// For a run: do not draw the plots or write report.html.
        #[arg(long)]
        no_plots: bool,
    },
    /// Print an sbatch script: the sweep (or, without --grid/--lhs, the run of a city) as a
    /// Slurm job array plus the dependent merge job.
    #[command(
        mut_arg("out", |a| a.help("Output directory of the sweep (default: output/<scenario name>/sweep/)")),
        mut_arg("threads", |a| a.hide(true)),
        mut_arg("dry_run", |a| a.hide(true)),
        mut_arg("quiet", |a| a.hide(true))
    )]
    SlurmScript(SlurmScriptArgs),
    /// Global sensitivity analysis: Morris elementary effects or Sobol indices, with plots.
    Sensitivity(SensitivityArgs),
    /// An alias of `run`, kept for old scripts: `run` now runs any scenario street by street
    /// in bounded memory, as `city` did (issue 17); city.csv and city_streets.csv are gone.
    #[command(hide = true)]
    City(RunArgs),
    /// List what can be named on the command line: packages, levers, metrics or parameter keys.
    List(ListArgs),
    /// Print a shell completion script, e.g. `carenet completions bash > ~/.local/share/bash-completion/completions/carenet`.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// The reference model, a benchmark subset of the step (docs/reference-model.md).
    Reference {
        #[command(subcommand)]
        command: ReferenceCommand,
    },
}

/// The scenario and the run settings, shared by every command that runs the model.
#[derive(Args, Clone, Debug, Default)]
pub struct CommonArgs {
    /// Scenario file (default: the built-in scenarios/wutong.toml).
    pub scenario: Option<PathBuf>,
    /// Replications (default: the scenario's simulation.reps).
    #[arg(long)]
    pub reps: Option<u32>,
    /// Master seed (default: the scenario's simulation.seed).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Weeks to simulate (default: the scenario's simulation.weeks).
    #[arg(long)]
    pub weeks: Option<u32>,
    /// Worker threads, 1 to 1024 (default: all cores). Results do not depend on it.
    #[arg(long, value_parser = parse_threads)]
    pub threads: Option<usize>,
    /// Output directory (default: output/<scenario name>/<command>/).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// No table on stdout.
    #[arg(long, short)]
    pub quiet: bool,
    /// Set one parameter by its dotted key, as sweeps spell it (repeat for more), e.g.
    /// `--set street[0].students=400 --set policies.care_subsidy.monthly_voucher=800`.
    /// Applied in order after the scenario file and checked like it; see `carenet explain KEY`.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
    /// Print the resolved scenario (file, --set and flags applied) as TOML; run and write nothing.
    #[arg(long)]
    pub dry_run: bool,
}

/// `--ensemble FILE`: run over a calibration's plausible parameter sets.
#[derive(Args, Default)]
pub struct EnsembleArgs {
    /// Run over the parameter sets in FILE (a calibration's plausible.csv: one column per
    /// parameter by its dotted key): replication r runs on set r mod K, so intervals carry
    /// the parameters' uncertainty as well as Monte-Carlo noise. Use --reps ≥ K to reach
    /// every set.
    #[arg(long, value_name = "FILE")]
    pub ensemble: Option<PathBuf>,
}

#[derive(Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    #[command(flatten)]
    pub ensemble: EnsembleArgs,
    /// Policy package to run: `baseline` (no lever), or a package of the scenario's [packages]
    /// (see `carenet list packages`). Not given, the baseline is run, unless the scenario's
    /// [policies] change a lever's settings: then name the package (or `baseline`).
    #[arg(long)]
    pub package: Option<String>,
    /// Weekly time series to write: `types` (timeseries_types.csv, one row per replication,
    /// week and community type, what the plots use), `communities` (also timeseries.csv, one
    /// row per replication, week and community: large for a city) or `none`.
    #[arg(long, value_enum, default_value_t = Timeseries::Types)]
    pub timeseries: Timeseries,
    /// Do not draw the plots (DIR/plots/) or write DIR/report.html.
    #[arg(long)]
    pub no_plots: bool,
    /// Run only shard K of N (counted from 1) of the (replication, street) items, into
    /// DIR/parts/, or `slurm` to read SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT;
    /// `carenet merge DIR` then writes the run's files, byte-identical to an unsharded run.
    #[arg(long, value_name = "K/N|slurm")]
    pub shard: Option<String>,
}

/// `run --timeseries`: which weekly time series a run writes.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Timeseries {
    /// No weekly time series.
    None,
    /// timeseries_types.csv.
    Types,
    /// timeseries_types.csv and timeseries.csv.
    Communities,
}

impl Timeseries {
    /// The name, as given on the command line and recorded in manifest.json.
    pub fn as_str(self) -> &'static str {
        match self {
            Timeseries::None => "none",
            Timeseries::Types => "types",
            Timeseries::Communities => "communities",
        }
    }
}

#[derive(Args)]
pub struct CompareArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    #[command(flatten)]
    pub ensemble: EnsembleArgs,
    /// Packages to compare with the baseline, comma-separated, each named once (default: every
    /// package of the scenario).
    #[arg(long, value_parser = check_packages)]
    pub packages: Option<String>,
    /// Do not draw the plots (DIR/plots/) or write DIR/report.html.
    #[arg(long)]
    pub no_plots: bool,
}

#[derive(Args)]
pub struct ReproduceArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    /// The old spelling of the SCENARIO argument (deprecated; still accepted).
    #[arg(long = "scenario", value_name = "FILE", hide = true, conflicts_with = "scenario")]
    pub scenario_flag: Option<PathBuf>,
    /// Claims file (default: the built-in scenarios/claims.toml).
    #[arg(long)]
    pub claims: Option<PathBuf>,
    /// Latin-hypercube draws of the scenario's [uncertainty] ranges (0 = no robustness check).
    #[arg(long, default_value_t = 0)]
    pub robust: usize,
    /// Replications per variant in each robustness draw.
    #[arg(long, default_value_t = 4)]
    pub robust_reps: u32,
    /// Robustness over a calibrated ensemble (a calibration's plausible.csv): the draws are its
    /// points instead of a Latin hypercube (with --robust N > 0, N points evenly spaced
    /// through the file; 0 = every point).
    #[arg(long, value_name = "FILE")]
    pub ensemble: Option<PathBuf>,
    /// Re-check every claim under alternative model structures: `none`, `all` (each
    /// alternative of each `structure.*` key, one at a time) or KEY=V[,KEY=V…] (one alternative).
    #[arg(long, value_name = "all|none|KEY=V,…", default_value = "none")]
    pub structures: String,
    /// Do not draw the plots or write report.html.
    #[arg(long)]
    pub no_plots: bool,
}

/// The cells of a sweep: a grid or a Latin hypercube.
#[derive(Args)]
pub struct DesignArgs {
    /// A grid axis (repeat for more): every combination of the axes' values is a cell.
    #[arg(long, value_name = "KEY=LO:HI:STEP")]
    pub grid: Vec<String>,
    /// N Latin-hypercube cells over the --vary ranges.
    #[arg(long, value_name = "N", conflicts_with = "grid")]
    pub lhs: Option<usize>,
    /// A range for --lhs (repeat for more).
    #[arg(long, value_name = "KEY=LO:HI", requires = "lhs")]
    pub vary: Vec<String>,
}

#[derive(Args)]
pub struct SweepArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    #[command(flatten)]
    pub design: DesignArgs,
    #[command(flatten)]
    pub ensemble: EnsembleArgs,
    /// Run only shard K of N, counted from 1 (1 ≤ K ≤ N: cells i with i % N == K - 1), or
    /// `slurm` to read SLURM_ARRAY_TASK_ID (the array's first task is shard 1) and SLURM_ARRAY_TASK_COUNT; `carenet merge DIR` joins the shards.
    #[arg(long, value_name = "K/N|slurm")]
    pub shard: Option<String>,
}

#[derive(Args)]
pub struct CalibrateArgs {
    /// The scenario and run settings (calibrate's defaults: --reps 2, --weeks 104).
    #[command(flatten)]
    pub common: CommonArgs,
    /// Targets file: [[target]] entries (e.g. scenarios/targets/china.toml; docs/calibration.md).
    #[arg(long, value_name = "FILE")]
    pub targets: PathBuf,
    /// Held-out patterns file ([[pattern]] entries, e.g. scenarios/targets/heldout.toml): reported
    /// at the best point in DIR/heldout.csv, never used to calibrate.
    #[arg(long, value_name = "FILE")]
    pub heldout: Option<PathBuf>,
    /// A key and its range (repeat; default: eight keys the targets inform, over the scenario's
    /// [uncertainty] ranges; docs/calibration.md).
    #[arg(long, value_name = "KEY=LO:HI")]
    pub vary: Vec<String>,
    /// History-matching waves.
    #[arg(long, default_value_t = 3)]
    pub waves: usize,
    /// Points run per wave.
    #[arg(long, default_value_t = 40)]
    pub points: usize,
    /// Candidate points screened by the emulators after each wave.
    #[arg(long, default_value_t = 20_000)]
    pub candidates: usize,
    /// Run only shard K of N of each wave's points (as sweep's --shard), or `slurm`; rerun
    /// without --shard to write the results.
    #[arg(long, value_name = "K/N|slurm")]
    pub shard: Option<String>,
    /// Do not draw the plots (DIR/plots/).
    #[arg(long)]
    pub no_plots: bool,
}

#[derive(Args)]
pub struct SlurmScriptArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    #[command(flatten)]
    pub design: DesignArgs,
    #[command(flatten)]
    pub ensemble: EnsembleArgs,
    /// Without --grid or --lhs: the package of the run (see `run --package`).
    #[arg(long)]
    pub package: Option<String>,
    /// Array tasks (shards).
    #[arg(long, default_value_t = 10)]
    pub tasks: usize,
    /// CPUs per array task (its --threads), 1 to 1024.
    #[arg(long, default_value_t = 4, value_parser = parse_threads)]
    pub cpus_per_task: usize,
    /// Time limit per array task (sbatch --time).
    #[arg(long, default_value = "02:00:00")]
    pub time: String,
    /// The carenet binary the jobs call (default: this one).
    #[arg(long)]
    pub carenet: Option<PathBuf>,
}

#[derive(Args)]
pub struct SensitivityArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    /// morris (elementary effects: mu*, sigma) or sobol (first-order and total indices, Saltelli sampling).
    #[arg(long, value_parser = ["morris", "sobol"])]
    pub method: String,
    /// A factor and its range (repeat; default: the scenario's [uncertainty] table).
    #[arg(long, value_name = "KEY=LO:HI")]
    pub vary: Vec<String>,
    /// Morris trajectories (default 10) or Sobol base samples N (default 64; N·(k+2) points).
    #[arg(long)]
    pub samples: Option<usize>,
    /// Output metrics, comma-separated.
    #[arg(long, default_value = "isolation_rate,unmet_help_rate,loneliness_mean,grade1_underserved_rate")]
    pub metrics: String,
    /// Bootstrap resamples for the intervals.
    #[arg(long, default_value_t = 500)]
    pub bootstrap: usize,
    /// Do not draw the plots (DIR/plots/).
    #[arg(long)]
    pub no_plots: bool,
}

#[derive(Subcommand)]
pub enum ReferenceCommand {
    /// Synthesise N elders and write DIR/population.csv, ties.csv, params.json.
    Export(RefExportArgs),
    /// Run the reference model: one row per (seed, week).
    Run(RefRunArgs),
}

#[derive(Args)]
pub struct RefExportArgs {
    /// Scenario file (default: the built-in scenarios/wutong.toml): its first street, and the reference parameters derived from it.
    pub scenario: Option<PathBuf>,
    /// Elders to synthesise.
    #[arg(long)]
    pub elders: usize,
    /// Output directory.
    #[arg(long)]
    pub out: PathBuf,
}

#[derive(Args)]
pub struct RefRunArgs {
    /// Scenario file (default: the built-in scenarios/wutong.toml).
    pub scenario: Option<PathBuf>,
    /// An exported directory (population.csv, ties.csv, params.json).
    #[arg(long, required_unless_present = "elders", conflicts_with = "elders")]
    pub input: Option<PathBuf>,
    /// Elders to synthesise in process from the scenario.
    #[arg(long)]
    pub elders: Option<usize>,
    /// Weeks to simulate.
    #[arg(long)]
    pub weeks: u32,
    /// First seed (default: the scenario's simulation.seed).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Replications, with seeds S, S+1, …, from the same starting population.
    #[arg(long, default_value_t = 1)]
    pub seeds: u32,
    /// Worker threads, 1 to 1024 (default: all cores). Results do not depend on it.
    #[arg(long, value_parser = parse_threads)]
    pub threads: Option<usize>,
    /// CSV of the weekly rows (default: printed on stdout).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// JSON of setup and step times.
    #[arg(long)]
    pub timing: Option<PathBuf>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn threads_are_from_1_to_1024() {
        assert_eq!(parse_threads("1"), Ok(1));
        assert_eq!(parse_threads("1024"), Ok(1024));
        for bad in ["0", "1025", "20000", "-1", "x", ""] {
            let e = parse_threads(bad).unwrap_err();
            assert!(e.contains("1 to 1024"), "{bad}: {e}");
        }
        let e = Cli::try_parse_from(["carenet", "run", "--threads", "20000"]).err().expect("refused");
        assert_eq!(e.exit_code(), 2);
        assert!(e.to_string().contains("1 to 1024"), "{e}");
    }

    #[test]
    fn package_lists_name_each_package_once() {
        assert_eq!(package_names("a, b").unwrap(), ["a", "b"]);
        assert!(package_names("a,a").unwrap_err().contains("`a` twice"));
        assert!(package_names("a, a ").unwrap_err().contains("`a` twice"));
        for bad in [",", "", "a,", ",a", "a,,b", " "] {
            assert!(package_names(bad).unwrap_err().contains("empty package name"), "{bad:?}");
        }
        let e = Cli::try_parse_from(["carenet", "compare", "--packages", "a,a"]).err().expect("refused");
        assert_eq!(e.exit_code(), 2);
        let e = Cli::try_parse_from(["carenet", "compare", "--packages", ","]).err().expect("refused");
        assert_eq!(e.exit_code(), 2);
    }

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }

    fn reproduce(args: &[&str]) -> Result<ReproduceArgs, clap::Error> {
        let cli = Cli::try_parse_from(
            std::iter::once("carenet").chain(std::iter::once("reproduce")).chain(args.iter().copied()),
        )?;
        match cli.command {
            Command::Reproduce(a) => Ok(a),
            _ => unreachable!("parsed as reproduce"),
        }
    }

    #[test]
    fn reproduce_takes_the_scenario_like_run_and_keeps_the_old_flag() {
        let a = reproduce(&["s.toml", "--reps", "3"]).unwrap();
        assert_eq!(a.common.scenario, Some(PathBuf::from("s.toml")));
        assert_eq!(a.common.reps, Some(3));
        assert_eq!(a.scenario_flag, None);
        let old = reproduce(&["--scenario", "s.toml"]).unwrap();
        assert_eq!(old.common.scenario, None);
        assert_eq!(old.scenario_flag, Some(PathBuf::from("s.toml")));
        assert!(reproduce(&["a.toml", "--scenario", "b.toml"]).is_err(), "both spellings at once");
    }
}

/// `carenet list`.
#[derive(Args)]
pub struct ListArgs {
    /// What to list.
    pub what: ListWhat,
    /// Scenario file whose packages to list (default: the built-in scenarios/wutong.toml).
    pub scenario: Option<PathBuf>,
}

/// `carenet list WHAT`.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListWhat {
    /// The scenario's policy packages and their levers (for --package, --packages).
    Packages,
    /// The nine policy levers, their settings and the packages that use them.
    Levers,
    /// Every metric: name, unit and meaning (for --metrics and the output columns).
    Metrics,
    /// Every parameter key (for --set, --grid, --vary, explain): type, default and unit.
    Keys,
}

/// `carenet explain`: one key, or the whole registry as Markdown or TOML.
#[derive(Args)]
pub struct ExplainArgs {
    /// Dotted key, e.g. ties.decay_weekly or community_types.village.awareness.
    #[arg(required_unless_present_any = ["markdown", "toml"])]
    pub key: Option<String>,
    /// Print docs/parameters.md (every parameter) instead.
    #[arg(long, conflicts_with_all = ["key", "toml"])]
    pub markdown: bool,
    /// Print scenarios/wutong.toml (every parameter with its default) instead.
    #[arg(long, conflicts_with = "key")]
    pub toml: bool,
}
