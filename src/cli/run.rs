//! `carenet run` and `carenet compare`.

use std::io::Write;
use std::time::Instant;

use carenet_io::output::{self, RunFiles};
use carenet_model::experiment::compare::{compare_rows, ensemble_rows, run_compare_models};
use carenet_model::experiment::run as run_model;
use carenet_model::metrics::WeekRecord;
use carenet_model::metrics::breakdown::{Breakdown, breakdown_rows};
use carenet_model::metrics::drift::run_drift;
use carenet_model::metrics::summary::{summarise, window_totals};
use carenet_model::policy::Package;
use carenet_model::scenario::Scenario;
use carenet_model::step::Model;

use super::args::{CompareArgs, RunArgs, Timeseries};
use super::context::{Ran, Setup, commit, elder_weeks_per_rep, package_dir, print_scenario, progress, setup};
use super::{Failure, stdout_failure, table};

/// `carenet run`: replications of one package; the files of README.md's output table.
pub fn run(args: RunArgs, out: &mut dyn Write) -> Result<(), Failure> {
    let Setup { scenario, context: mut ctx } = setup(&args.common, "run")?;
    if args.common.dry_run {
        return print_scenario(&scenario, out);
    }
    ctx.load_ensemble(args.ensemble.ensemble.as_deref(), &scenario)?;
    let package = match &args.package {
        Some(name) => Package::resolve(&scenario, name).map_err(Failure::input)?,
        None => {
            refuse_silent_baseline(&scenario)?;
            Package::baseline()
        }
    };
    if args.common.out.is_none() {
        ctx.dir = package_dir(&scenario.name, &package.name);
    }
    let staged = ctx.stage()?;
    let dir = staged.dir();
    let mut model = Model::new(scenario, package);
    if let Some(ens) = ctx.ensemble() {
        model = model.with_ensemble(ens).map_err(Failure::input)?;
    }
    let cfg = &ctx.cfg;

    let bar = progress(u64::from(cfg.reps), "replications", elder_weeks_per_rep(&model.scenario, cfg.weeks));
    let t0 = Instant::now();
    let tick = || bar.inc(1);
    let res = run_model(&model, cfg, &tick).map_err(Failure::runtime)?;
    let wall = t0.elapsed().as_secs_f64();
    bar.finish_and_clear();

    let kinds: Vec<_> = res.communities.iter().map(|c| c.kind).collect();
    let window = model.scenario.metrics.summary_window;
    let totals = window_totals(res.reps.len(), cfg.weeks, window, &kinds, |r, w, c| *res.record(r, w, c));
    let rows = summarise(&model.package.name, &totals);
    let per_rep: Vec<Vec<Breakdown>> = res.reps.iter().map(|r| r.breakdowns.clone()).collect();
    let breakdowns = breakdown_rows(&model.package.name, &per_rep, &kinds);
    let drift = run_drift(res.reps.len(), cfg.weeks, &kinds, |r, w, c| *res.record(r, w, c));

    let files = RunFiles::in_dir(dir);
    let types = args.timeseries != Timeseries::None;
    let communities = args.timeseries == Timeseries::Communities;
    // The time series per community is most of the output: with more than one
    // thread, timeseries.csv is written beside the others.
    let write_rest = || -> Result<(), Failure> {
        output::write_summary(&files.summary, &rows).map_err(|e| Failure::writing(&files.summary, e))?;
        output::write_breakdowns(&files.breakdowns, &breakdowns).map_err(|e| Failure::writing(&files.breakdowns, e))?;
        if let Some(drift) = &drift {
            output::write_drift(&files.drift, drift).map_err(|e| Failure::writing(&files.drift, e))?;
        }
        output::write_age_bands(&files.age_bands, &res).map_err(|e| Failure::writing(&files.age_bands, e))?;
        if types {
            output::write_timeseries_types(&files.timeseries_types, &res)
                .map_err(|e| Failure::writing(&files.timeseries_types, e))?;
        }
        output::write_networks(&files.network_nodes, &files.network_edges, &res)
            .map_err(|e| Failure::writing(&files.network_nodes, e))
    };
    let write_series =
        || output::write_timeseries(&files.timeseries, &res).map_err(|e| Failure::writing(&files.timeseries, e));
    let threads = cfg.threads.unwrap_or_else(rayon::current_num_threads);
    if !communities {
        write_rest()?;
    } else if threads > 1 {
        let (series, rest) = std::thread::scope(|sc| {
            let h = sc.spawn(write_series);
            let rest = write_rest();
            (h.join().unwrap_or_else(|_| Err(Failure::Runtime("writing timeseries.csv failed".into()))), rest)
        });
        series?;
        rest?;
    } else {
        write_series()?;
        write_rest()?;
    }
    let elder_weeks = res.elder_weeks();
    let mut written = Vec::new();
    if communities {
        written.push("timeseries.csv");
    }
    if types {
        written.push("timeseries_types.csv");
    }
    written.extend(["summary.csv", "breakdowns.csv", "age_bands.csv", "network_nodes.csv", "network_edges.csv"]);
    if drift.is_some() {
        written.push("drift.csv");
    }
    ctx.timeseries = Some(args.timeseries.as_str());
    ctx.write_manifest(
        dir,
        &model.scenario,
        Ran {
            command: "run",
            packages: vec![model.package.name.clone()],
            elder_weeks,
            wall_seconds: wall,
            files: written,
        },
    )?;
    ctx.draw(dir, args.no_plots, true)?;
    commit(staged)?;

    if !args.common.quiet {
        out.write_all(table::summary(&model.package.name, &rows, cfg.reps, cfg.weeks, window).as_bytes())
            .map_err(stdout_failure)?;
    }
    if let Some(note) = ctx.ensemble_note() {
        writeln!(out, "{note}").map_err(stdout_failure)?;
    }
    writeln!(
        out,
        "{} replications × {} weeks, {:.1} M elder-weeks in {:.2} s; wrote {}",
        cfg.reps,
        cfg.weeks,
        elder_weeks / 1e6,
        wall,
        ctx.dir.display()
    )
    .map_err(stdout_failure)
}

/// The `policies.LEVER.KEY` settings of `scenario` that differ from the built-in defaults.
pub fn changed_lever_settings(scenario: &Scenario) -> Vec<String> {
    let (Ok(serde_json::Value::Object(now)), Ok(serde_json::Value::Object(default))) =
        (serde_json::to_value(&scenario.policies), serde_json::to_value(&Scenario::default().policies))
    else {
        return Vec::new();
    };
    let mut changed = Vec::new();
    for (lever, settings) in &now {
        if let (Some(serde_json::Value::Object(s)), Some(serde_json::Value::Object(d))) =
            (Some(settings), default.get(lever))
        {
            changed
                .extend(s.iter().filter(|(k, v)| d.get(*k) != Some(v)).map(|(k, _)| format!("policies.{lever}.{k}")));
        }
    }
    changed
}

/// `run` with no `--package` runs the baseline, which switches no lever on: when the
/// scenario changes a lever's settings the user most likely meant a package, so this
/// is refused with the packages that use those levers (issue 16: `run` must not
/// silently ignore lever settings). `--package baseline` runs the baseline anyway.
fn refuse_silent_baseline(scenario: &Scenario) -> Result<(), Failure> {
    let changed = changed_lever_settings(scenario);
    if changed.is_empty() {
        return Ok(());
    }
    let levers: Vec<&str> = changed.iter().filter_map(|k| k.split('.').nth(1)).collect();
    let packages: Vec<&str> = scenario
        .packages
        .iter()
        .filter(|(_, ls)| ls.iter().any(|l| levers.contains(&l.as_str())))
        .map(|(n, _)| n.as_str())
        .collect();
    Err(Failure::Input(format!(
        "the scenario changes lever settings ({}) but the baseline switches no lever on, so they would be ignored\n  \
         run a package that uses them with --package NAME ({}), compare them with `carenet compare`, \
         or run the baseline anyway with --package baseline",
        changed.join(", "),
        if packages.is_empty() { "no package of the scenario uses them".to_string() } else { packages.join(", ") }
    )))
}

/// `carenet compare`: the baseline and the packages asked for (default: all
/// the scenario defines) on common random numbers.
pub fn compare(args: CompareArgs, out: &mut dyn Write) -> Result<(), Failure> {
    let Setup { scenario, context: mut ctx } = setup(&args.common, "compare")?;
    if args.common.dry_run {
        return print_scenario(&scenario, out);
    }
    ctx.load_ensemble(args.ensemble.ensemble.as_deref(), &scenario)?;
    let cfg = &ctx.cfg;
    let staged = ctx.stage()?;
    let dir = staged.dir();
    let names: Vec<String> = match &args.packages {
        Some(list) => super::args::package_names(list).map_err(Failure::Input)?,
        None => scenario.packages.keys().cloned().collect(),
    };
    let mut packages = vec![Package::resolve(&scenario, "baseline").map_err(Failure::input)?];
    for n in names.iter().filter(|n| n.as_str() != "baseline") {
        packages.push(Package::resolve(&scenario, n).map_err(Failure::input)?);
    }
    let window = scenario.metrics.summary_window;
    let bar = progress(
        (packages.len() * cfg.reps as usize) as u64,
        "package replications",
        elder_weeks_per_rep(&scenario, cfg.weeks),
    );
    let t0 = Instant::now();
    let tick = || bar.inc(1);
    let mut models = Vec::with_capacity(packages.len());
    for p in &packages {
        let m = Model::new(scenario.clone(), p.clone());
        models.push(match ctx.ensemble() {
            Some(ens) => m.with_ensemble(ens).map_err(Failure::input)?,
            None => m,
        });
    }
    let res = run_compare_models(&models, cfg, window, &tick).map_err(Failure::runtime)?;
    let wall = t0.elapsed().as_secs_f64();
    bar.finish_and_clear();

    let rows = compare_rows(&res);
    let mut summary = Vec::new();
    for (p, name) in res.packages.iter().enumerate() {
        let totals: Vec<[WeekRecord; 4]> = res.digests[p].iter().map(|d| d.window).collect();
        summary.extend(summarise(name, &totals));
    }
    let kinds: Vec<_> = scenario.streets.iter().flat_map(|st| st.communities.iter().map(|c| c.kind)).collect();
    let mut breakdowns = Vec::new();
    for (p, name) in res.packages.iter().enumerate() {
        let per_rep: Vec<Vec<Breakdown>> = res.digests[p].iter().map(|d| d.breakdowns.clone()).collect();
        breakdowns.extend(breakdown_rows(name, &per_rep, &kinds));
    }
    let files = RunFiles::in_dir(dir);
    let compare_csv = dir.join("compare.csv");
    let compare_ts = dir.join("compare_timeseries.csv");
    output::write_compare(&compare_csv, &rows).map_err(|e| Failure::writing(&compare_csv, e))?;
    output::write_summary(&files.summary, &summary).map_err(|e| Failure::writing(&files.summary, e))?;
    output::write_breakdowns(&files.breakdowns, &breakdowns).map_err(|e| Failure::writing(&files.breakdowns, e))?;
    let all_packages: Vec<usize> = (0..res.packages.len()).collect();
    output::write_digest_timeseries(&compare_ts, &res, &all_packages, &[3], true)
        .map_err(|e| Failure::writing(&compare_ts, e))?;
    output::write_digest_timeseries(&files.timeseries_types, &res, &[0], &[0, 1, 2, 3], false)
        .map_err(|e| Failure::writing(&files.timeseries_types, e))?;
    let mut files_written =
        vec!["compare.csv", "compare_timeseries.csv", "summary.csv", "breakdowns.csv", "timeseries_types.csv"];
    let ensemble_rows = ctx.ensemble().map(|e| ensemble_rows(&res, e.len().min(cfg.reps as usize)));
    if let Some(er) = &ensemble_rows {
        let path = dir.join("ensemble.csv");
        output::write_ensemble(&path, er).map_err(|e| Failure::writing(&path, e))?;
        files_written.push("ensemble.csv");
    }
    ctx.write_manifest(
        dir,
        &scenario,
        Ran {
            command: "compare",
            packages: res.packages.clone(),
            elder_weeks: res.elder_weeks,
            wall_seconds: wall,
            files: files_written,
        },
    )?;
    ctx.draw(dir, args.no_plots, true)?;
    commit(staged)?;
    if !args.common.quiet {
        out.write_all(table::compare(&rows, cfg.reps).as_bytes()).map_err(stdout_failure)?;
    }
    if let Some(note) = ctx.ensemble_note() {
        writeln!(out, "{note}").map_err(stdout_failure)?;
    }
    if let Some(er) = &ensemble_rows {
        out.write_all(table::ensemble(er).as_bytes()).map_err(stdout_failure)?;
    }
    writeln!(
        out,
        "{} packages × {} replications × {} weeks (common random numbers), {:.1} M elder-weeks in {:.2} s; wrote {}",
        res.packages.len(),
        cfg.reps,
        cfg.weeks,
        res.elder_weeks / 1e6,
        wall,
        ctx.dir.display()
    )
    .map_err(stdout_failure)
}
