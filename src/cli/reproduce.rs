//! `carenet reproduce`: the study's claims, checked on the scenario.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use carenet_io::output;
use carenet_io::sweep::shell_quote;
use carenet_model::experiment::reproduce::{
    Claims, DEFAULT_CLAIMS, ReproduceConfig, replication_count, reproduce as run_claims,
};

use super::args::{CommonArgs, ReproduceArgs};
use super::context::{Ran, Setup, commit, elder_weeks_per_rep, print_scenario, progress, setup};
use super::{Failure, stdout_failure, table};

/// The command line that repeats a reproduction, recorded in claims.md and manifest.json.
pub fn command_line(scenario: Option<&Path>, claims: Option<&Path>, sets: &[String], cfg: &ReproduceConfig) -> String {
    format!(
        "carenet reproduce{}{}{} --reps {} --seed {} --weeks {} --robust {}{}",
        scenario.map(|p| format!(" {}", p.display())).unwrap_or_default(),
        sets.iter().map(|s| format!(" --set {}", shell_quote(s))).collect::<String>(),
        claims.map(|p| format!(" --claims {}", p.display())).unwrap_or_default(),
        cfg.run.reps,
        cfg.run.seed,
        cfg.run.weeks,
        cfg.robust,
        if cfg.robust > 0 { format!(" --robust-reps {}", cfg.robust_reps) } else { String::new() }
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
    if args.common.dry_run {
        return print_scenario(&scenario, out);
    }
    let staged = ctx.stage()?;
    let dir = staged.dir();
    let rc = ReproduceConfig { run: ctx.cfg.clone(), robust: args.robust, robust_reps: args.robust_reps };
    let bar =
        progress(replication_count(&claims, &rc), "claim replications", elder_weeks_per_rep(&scenario, rc.run.weeks));
    let t0 = Instant::now();
    let tick = || bar.inc(1);
    let results = run_claims(&scenario, &claims, &rc, &tick)
        .map_err(|e| if e.is_input() { Failure::input(e) } else { Failure::runtime(e) })?;
    let wall = t0.elapsed().as_secs_f64();
    bar.finish_and_clear();
    let command = command_line(scenario_file.as_deref(), args.claims.as_deref(), &ctx.overrides, &rc);
    let csv_path = dir.join("claims.csv");
    let md_path = dir.join("claims.md");
    output::write_claims_csv(&csv_path, &results).map_err(|e| Failure::writing(&csv_path, e))?;
    output::write_claims_md(&md_path, &results, &command).map_err(|e| Failure::writing(&md_path, e))?;
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
    fn the_recorded_command_repeats_the_run() {
        let run = RunConfig { reps: 2, seed: 5, weeks: 30, threads: Some(3) };
        let plain = ReproduceConfig { run: run.clone(), robust: 0, robust_reps: 4 };
        assert_eq!(command_line(None, None, &[], &plain), "carenet reproduce --reps 2 --seed 5 --weeks 30 --robust 0");
        let robust = ReproduceConfig { run, robust: 2, robust_reps: 3 };
        assert_eq!(
            command_line(
                Some(Path::new("s.toml")),
                Some(Path::new("c.toml")),
                &["street[0].students=400".to_string()],
                &robust
            ),
            "carenet reproduce s.toml --set 'street[0].students=400' --claims c.toml --reps 2 --seed 5 --weeks 30 --robust 2 --robust-reps 3"
        );
    }
}
