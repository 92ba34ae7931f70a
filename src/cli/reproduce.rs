//! `carenet reproduce`: the study's claims, checked on the scenario.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use carenet_io::output;
use carenet_io::sweep::shell_quote;
use carenet_model::experiment::reproduce::structures::structures;
use carenet_model::experiment::reproduce::{
    Claims, DEFAULT_CLAIMS, ReproduceConfig, hypercube_scenarios, replication_count, reproduce as run_claims,
};

/// The prefix of the registry's structure keys.
pub const STRUCTURE_PREFIX: &str = "structure.";

use super::args::{CommonArgs, ReproduceArgs};
use super::context::{Ran, Setup, commit, elder_weeks_per_rep, print_scenario, progress, setup};
use super::{Failure, stdout_failure, table};

/// How the robustness draws were made, for the recorded command.
#[derive(Debug, Clone, PartialEq)]
pub enum Draws {
    /// `--robust N`: a Latin hypercube over `[uncertainty]`.
    Hypercube(usize),
    /// `--ensemble FILE [--robust N]`: the ensemble's points (N evenly spaced, 0 = all).
    Ensemble(PathBuf, usize),
}

/// `n` indices evenly spaced through `0..len` (all of them when `n` is 0 or ≥ `len`).
pub fn spaced(len: usize, n: usize) -> Vec<usize> {
    if n == 0 || n >= len {
        return (0..len).collect();
    }
    (0..n).map(|i| i * len / n).collect()
}

/// The command line that repeats a reproduction, recorded in claims.md and manifest.json.
pub fn command_line(
    scenario: Option<&Path>,
    claims: Option<&Path>,
    sets: &[String],
    cfg: &ReproduceConfig,
    draws: &Draws,
    structures: &str,
) -> String {
    let (robust, ensemble) = match draws {
        Draws::Hypercube(n) => (*n, String::new()),
        Draws::Ensemble(p, n) => (*n, format!(" --ensemble {}", shell_quote(&p.display().to_string()))),
    };
    let reps_per_draw = robust > 0 || !ensemble.is_empty();
    format!(
        "carenet reproduce{}{}{} --reps {} --seed {} --weeks {}{ensemble} --robust {}{}{}",
        scenario.map(|p| format!(" {}", p.display())).unwrap_or_default(),
        sets.iter().map(|s| format!(" --set {}", shell_quote(s))).collect::<String>(),
        claims.map(|p| format!(" --claims {}", p.display())).unwrap_or_default(),
        cfg.run.reps,
        cfg.run.seed,
        cfg.run.weeks,
        robust,
        if reps_per_draw { format!(" --robust-reps {}", cfg.robust_reps) } else { String::new() },
        if structures.trim() == "none" { String::new() } else { format!(" --structures {}", shell_quote(structures)) }
    )
}

/// The scenario file: the SCENARIO argument or the deprecated `--scenario FILE`.
fn scenario_path(args: &ReproduceArgs) -> Option<PathBuf> {
    if args.scenario_flag.is_some() {
        eprintln!(
            "warning: `--scenario FILE` is deprecated; give the file as the first argument: carenet reproduce FILE"
        );
    }
    args.common.scenario.clone().or_else(|| args.scenario_flag.clone())
}

pub fn reproduce(args: ReproduceArgs, out: &mut dyn Write) -> Result<(), Failure> {
    let scenario_file = scenario_path(&args);
    let common = CommonArgs { scenario: scenario_file.clone(), ..args.common.clone() };
    let Setup { scenario, context: ctx } = setup(&common, "reproduce")?;
    if args.robust > 0 && args.robust_reps == 0 {
        return Err(Failure::Input("--robust-reps must be at least 1".into()));
    }
    let (text, label) = match &args.claims {
        Some(p) => (
            std::fs::read_to_string(p).map_err(|e| Failure::Input(format!("{}: {e}", p.display())))?,
            p.display().to_string(),
        ),
        None => (DEFAULT_CLAIMS.to_string(), "<built-in claims.toml>".to_string()),
    };
    let claims = Claims::parse(&text, &label, &scenario).map_err(Failure::input)?;
    let alternatives = structures(&args.structures, STRUCTURE_PREFIX).map_err(Failure::Input)?;
    for st in &alternatives {
        carenet_model::scenario::path::apply(&scenario, &st.settings)
            .map_err(|e| Failure::Input(format!("--structures {}: {e}", st.label)))?;
    }
    if args.common.dry_run {
        return print_scenario(&scenario, out);
    }
    let draws = match &args.ensemble {
        Some(p) => Draws::Ensemble(p.clone(), args.robust),
        None => Draws::Hypercube(args.robust),
    };
    let (scenarios, draws_label) = match &draws {
        Draws::Hypercube(0) => (Vec::new(), "none".to_string()),
        Draws::Hypercube(n) => (
            hypercube_scenarios(&scenario, *n, ctx.cfg.seed).map_err(Failure::Input)?,
            format!("{n} Latin-hypercube draws of [uncertainty], {} replications each", args.robust_reps),
        ),
        Draws::Ensemble(p, n) => {
            let ens = carenet_io::ensemble::read(p).map_err(|e| Failure::Input(e.to_string()))?;
            if ens.is_empty() {
                return Err(Failure::Input(format!("{}: the ensemble has no points", p.display())));
            }
            let idx = spaced(ens.len(), *n);
            let mut out = Vec::with_capacity(idx.len());
            for &i in &idx {
                out.push(
                    ens.scenario_for(&scenario, i)
                        .map_err(|e| Failure::Input(format!("{}: point {} (row {}): {e}", p.display(), i, i + 2)))?,
                );
            }
            let label = format!(
                "{} of the {} points of the ensemble {} ({}), {} replications each",
                idx.len(),
                ens.len(),
                ens.label,
                ens.checksum,
                args.robust_reps
            );
            (out, label)
        }
    };
    if !scenarios.is_empty() && args.robust_reps == 0 {
        return Err(Failure::Input("--robust-reps must be at least 1".into()));
    }
    let staged = ctx.stage()?;
    let dir = staged.dir();
    let n_structures = alternatives.len();
    let rc = ReproduceConfig {
        run: ctx.cfg.clone(),
        draws: scenarios,
        draws_label,
        robust_reps: args.robust_reps,
        structures: alternatives,
    };
    let bar = progress(
        replication_count(&claims, &rc, n_structures),
        "claim replications",
        elder_weeks_per_rep(&scenario, rc.run.weeks),
    );
    let t0 = Instant::now();
    let tick = || bar.inc(1);
    let results = run_claims(&scenario, &claims, &rc, &tick)
        .map_err(|e| if e.is_input() { Failure::input(e) } else { Failure::runtime(e) })?;
    let wall = t0.elapsed().as_secs_f64();
    bar.finish_and_clear();
    let command =
        command_line(scenario_file.as_deref(), args.claims.as_deref(), &ctx.overrides, &rc, &draws, &args.structures);
    let csv_path = dir.join("claims.csv");
    let md_path = dir.join("claims.md");
    output::write_claims_csv(&csv_path, &results).map_err(|e| Failure::writing(&csv_path, e))?;
    output::write_claims_md(&md_path, &results, &command, &rc.draws_label)
        .map_err(|e| Failure::writing(&md_path, e))?;
    ctx.write_manifest(
        dir,
        &scenario,
        Ran {
            command: &command,
            packages: Vec::new(),
            elder_weeks: f64::NAN,
            wall_seconds: wall,
            files: vec!["claims.csv", "claims.md"],
        },
    )?;
    ctx.draw(dir, args.no_plots, true)?;
    commit(staged)?;
    if !args.common.quiet {
        out.write_all(table::claims(&results).as_bytes()).map_err(stdout_failure)?;
    }
    writeln!(out, "{} claims in {:.1} s ({command}); wrote {}", results.len(), wall, ctx.dir.display())
        .map_err(stdout_failure)
}

#[cfg(test)]
mod tests {
    use super::*;
    use carenet_model::experiment::RunConfig;

    #[test]
    fn ensemble_points_are_spaced_evenly() {
        assert_eq!(spaced(10, 0), (0..10).collect::<Vec<_>>());
        assert_eq!(spaced(10, 4), [0, 2, 5, 7]);
        assert_eq!(spaced(3, 5), [0, 1, 2]);
    }

    #[test]
    fn the_recorded_command_repeats_the_run() {
        let run = RunConfig { reps: 2, seed: 5, weeks: 30, threads: Some(3) };
        let cfg = |robust_reps| ReproduceConfig {
            run: run.clone(),
            draws: Vec::new(),
            draws_label: String::new(),
            robust_reps,
            structures: Vec::new(),
        };
        assert_eq!(
            command_line(None, None, &[], &cfg(4), &Draws::Hypercube(0), "none"),
            "carenet reproduce --reps 2 --seed 5 --weeks 30 --robust 0"
        );
        assert_eq!(
            command_line(
                Some(Path::new("s.toml")),
                Some(Path::new("c.toml")),
                &["street[0].students=400".to_string()],
                &cfg(3),
                &Draws::Hypercube(2),
                "all"
            ),
            "carenet reproduce s.toml --set 'street[0].students=400' --claims c.toml --reps 2 --seed 5 --weeks 30 --robust 2 --robust-reps 3 --structures all"
        );
    }
}
