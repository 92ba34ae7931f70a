//! `carenet sensitivity` and `carenet city`.

use std::io::Write;
use std::time::Instant;

use carenet_io::output::{write_city, write_sensitivity};
use carenet_model::experiment::city::{CityConfig, run_city};
use carenet_model::experiment::sensitivity::{Method, SensitivityConfig, SensitivityError, run_sensitivity};
use carenet_model::experiment::sweep::parse_range;
use carenet_model::metrics::{METRICS, WeekRecord, metric};
use carenet_model::policy::Package;
use carenet_model::step::Model;

use super::args::{CityArgs, CommonArgs, SensitivityArgs};
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

/// `carenet city`: one replication of every street of the scenario.
pub fn city(args: CityArgs, out: &mut dyn Write) -> Result<(), Failure> {
    super::refuse_unused(&[(
        args.common.reps.is_some(),
        "--reps",
        "city runs one replication of the whole city; choose which with --rep N",
    )])?;
    let Setup { scenario, context: ctx } = setup(&args.common, "city")?;
    if args.common.dry_run {
        return print_scenario(&scenario, out);
    }
    let cfg = &ctx.cfg;
    let n_streets = scenario.streets.len();
    let window = scenario.metrics.summary_window;
    let model = Model::new(scenario, Package::baseline());
    let staged = ctx.stage()?;
    let bar = progress(
        n_streets as u64,
        "streets",
        elder_weeks_per_rep(&model.scenario, cfg.weeks) / n_streets.max(1) as f64,
    );
    let t0 = Instant::now();
    let tick = || bar.inc(1);
    let city_cfg = CityConfig { seed: cfg.seed, rep: args.rep, weeks: cfg.weeks, threads: cfg.threads };
    let res = run_city(&model, &city_cfg, &tick).map_err(Failure::runtime)?;
    bar.finish_and_clear();
    let wall = t0.elapsed().as_secs_f64();
    write_city(staged.dir(), &res).map_err(|e| Failure::writing(staged.dir(), e))?;
    ctx.write_manifest(
        staged.dir(),
        &model.scenario,
        Ran {
            command: "city",
            packages: vec!["baseline".into()],
            elder_weeks: res.elder_weeks(),
            wall_seconds: wall,
            files: vec!["city.csv", "city_streets.csv"],
        },
    )?;
    commit(staged)?;
    if !args.common.quiet {
        let weekly = res.city_weekly();
        let mut last = WeekRecord::default();
        for r in &weekly[weekly.len().saturating_sub(window as usize)..] {
            last.add(r);
        }
        out.write_all(table::city(&model.scenario.name, window, cfg.weeks, args.rep, &last).as_bytes())
            .map_err(stdout_failure)?;
    }
    let ew = res.elder_weeks();
    writeln!(
        out,
        "{n_streets} streets × {} weeks, {:.1} M elder-weeks in {:.1} s ({:.1} M/s); wrote {}",
        cfg.weeks,
        ew / 1e6,
        wall,
        ew / 1e6 / wall.max(1e-9),
        ctx.dir.display()
    )
    .map_err(stdout_failure)
}
