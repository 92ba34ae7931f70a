//! `carenet sensitivity` (`carenet city` is now an alias of `run`).

use std::io::Write;
use std::time::Instant;

use carenet_io::output::write_sensitivity;
use carenet_model::experiment::sensitivity::{Method, SensitivityConfig, SensitivityError, run_sensitivity};
use carenet_model::experiment::sweep::parse_range;
use carenet_model::metrics::{METRICS, metric};

use super::args::{CommonArgs, SensitivityArgs};
use super::context::{Ran, Setup, commit, elder_weeks_per_rep, print_scenario, progress, setup};
use super::sweep::sweep_failure;
use super::{Failure, stdout_failure, table};

/// Replications per design point when `--reps` is not given (every point uses the same seeds).
pub const SENSITIVITY_REPS: u32 = 2;

/// `carenet sensitivity`: Morris or Sobol indices over the factors' ranges.
pub fn sensitivity(args: SensitivityArgs, out: &mut dyn Write) -> Result<(), Failure> {
    let common = CommonArgs { reps: Some(args.common.reps.unwrap_or(SENSITIVITY_REPS)), ..args.common.clone() };
    let Setup { scenario, context: ctx } = setup(&common, "sensitivity")?;
    let method = if args.method == "morris" { Method::Morris } else { Method::Sobol };
    let factors: Vec<(String, [f64; 2])> = if args.vary.is_empty() {
        scenario.uncertainty.iter().map(|(k, r)| (k.clone(), *r)).collect()
    } else {
        args.vary.iter().map(|v| parse_range(v)).collect::<Result<_, _>>().map_err(sweep_failure)?
    };
    let mut metrics = Vec::new();
    for name in args.metrics.split(',').map(str::trim).filter(|x| !x.is_empty()) {
        metrics.push(metric(name).ok_or_else(|| {
            let valid: Vec<&str> = METRICS.iter().map(|m| m.name).collect();
            let hint = carenet_model::scenario::registry::suggest(name, valid.iter().copied())
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default();
            Failure::Input(format!("--metrics: unknown metric `{name}`{hint}\n  valid metrics: {}", valid.join(", ")))
        })?);
    }
    let samples = args.samples.unwrap_or(if method == Method::Morris { 10 } else { 64 });
    let k = factors.len();
    let points = if method == Method::Morris { samples * (k + 1) } else { samples * (k + 2) };
    if args.common.dry_run {
        return print_scenario(&scenario, out);
    }
    let sc = SensitivityConfig { method, factors, samples, metrics, run: ctx.cfg.clone(), bootstrap: args.bootstrap };
    let staged = ctx.stage()?;
    let dir = staged.dir();
    let bar = progress(
        points as u64,
        "design points",
        f64::from(ctx.cfg.reps) * elder_weeks_per_rep(&scenario, ctx.cfg.weeks),
    );
    let t0 = Instant::now();
    let tick = || bar.inc(1);
    let rows = run_sensitivity(&scenario, &sc, &tick).map_err(|e| match e {
        SensitivityError::Input(m) => Failure::Input(m),
        other => Failure::runtime(other),
    })?;
    bar.finish_and_clear();
    let wall = t0.elapsed().as_secs_f64();
    let csv = dir.join("sensitivity.csv");
    write_sensitivity(&csv, &rows).map_err(|e| Failure::writing(&csv, e))?;
    ctx.write_manifest(
        dir,
        &scenario,
        Ran {
            command: "sensitivity",
            packages: vec!["baseline".into()],
            elder_weeks: f64::NAN,
            wall_seconds: wall,
            files: vec!["sensitivity.csv"],
        },
    )?;
    ctx.draw(dir, args.no_plots, false)?;
    commit(staged)?;
    if !args.common.quiet {
        out.write_all(table::sensitivity(&rows).as_bytes()).map_err(stdout_failure)?;
    }
    writeln!(
        out,
        "{} ({samples} {}): {} factors, {} points × {} replications × {} weeks in {:.1} s; wrote {}",
        args.method,
        if method == Method::Morris { "trajectories" } else { "base samples" },
        k,
        points,
        ctx.cfg.reps,
        ctx.cfg.weeks,
        wall,
        ctx.dir.display()
    )
    .map_err(stdout_failure)
}
