//! `carenet run` (street by street, sharded, merged) and `carenet compare`.

use std::io::Write;
use std::path::Path;
use std::time::Instant;

use carenet_io::output::{self, RunFiles, TimeseriesWriter};
use carenet_model::experiment::city::{
    RepDigest, StreetDigest, StreetsConfig, run_streets, street_offsets, work_items,
};
use carenet_model::experiment::compare::{compare_rows, ensemble_rows, run_compare_models};
use carenet_model::experiment::sweep::Shard;
use carenet_model::experiment::{CommunityInfo, communities};
use carenet_model::metrics::WeekRecord;
use carenet_model::metrics::breakdown::{Breakdown, breakdown_rows, breakdown_rows_of_digests};
use carenet_model::metrics::drift::run_drift_grouped;
use carenet_model::metrics::summary::{SummaryRow, summarise, window_totals_grouped};
use carenet_model::policy::Package;
use carenet_model::scenario::Scenario;
use carenet_model::step::Model;

use super::args::{CompareArgs, RunArgs, Timeseries};
use super::context::{Ran, Setup, commit, elder_weeks_per_rep, package_dir, print_scenario, progress, setup};
use super::{Failure, stdout_failure, table};

/// `carenet run`: replications of one package; the files of README.md's output table.
///
/// Any scenario runs street by street ([`run_streets`]): each (replication,
/// street) is simulated alone and reduced on the fly, so memory is set by the
/// largest street, not the city. With `--shard K/N` only a share of the
/// (replication, street) items runs, into `DIR/parts/`, and `carenet merge DIR`
/// writes the run's files from them ([`merge_run`]).
pub fn run(args: RunArgs, out: &mut dyn Write) -> Result<(), Failure> {
    let shard = match &args.shard {
        Some(s) => Some(Shard::parse(s, |k| std::env::var(k).ok()).map_err(super::sweep::sweep_failure)?),
        None => None,
    };
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
    ctx.timeseries = Some(args.timeseries.as_str());
    let mut model = Model::new(scenario, package);
    if let Some(ens) = ctx.ensemble() {
        model = model.with_ensemble(ens).map_err(Failure::input)?;
    }
    if let Some(shard) = shard {
        return run_shard(&ctx, &model, shard, args.timeseries, args.common.quiet, out);
    }
    let staged = ctx.stage()?;
    let dir = staged.dir().to_path_buf();
    let cfg = &ctx.cfg;
    let items = work_items(cfg.reps, model.scenario.streets.len());
    let bar = progress(
        items.len() as u64,
        "street replications",
        elder_weeks_per_rep(&model.scenario, cfg.weeks) / model.scenario.streets.len().max(1) as f64,
    );
    let t0 = Instant::now();
    let tick = || bar.inc(1);
    let mut reduce = Reduction::new(&ctx, &model, &dir, args.timeseries)?;
    let streets_cfg = streets_config(&ctx, args.timeseries);
    run_streets(&model, &streets_cfg, &items, &tick, |d| reduce.add(d)).map_err(Failure::runtime)??;
    let wall = t0.elapsed().as_secs_f64();
    bar.finish_and_clear();
    let done = reduce.finish(&ctx, &model, &dir, wall, args.no_plots)?;
    commit(staged)?;
    done.print(&ctx, &model, args.common.quiet, out)
}

/// What every (replication, street) item keeps.
fn streets_config(ctx: &super::context::Context, ts: Timeseries) -> StreetsConfig {
    StreetsConfig {
        seed: ctx.cfg.seed,
        weeks: ctx.cfg.weeks,
        threads: ctx.cfg.threads,
        keep_records: ts == Timeseries::Communities,
    }
}

/// The replications' digests, filled street by street in work order, and
/// timeseries.csv written as the streets come.
struct Reduction {
    reps: Vec<RepDigest>,
    communities: Vec<CommunityInfo>,
    offsets: Vec<usize>,
    series: Option<(TimeseriesWriter, std::path::PathBuf)>,
}

/// A finished run: what is printed.
struct Done {
    rows: Vec<SummaryRow>,
    elder_weeks: f64,
    wall: f64,
}

impl Reduction {
    fn new(ctx: &super::context::Context, model: &Model, dir: &Path, ts: Timeseries) -> Result<Reduction, Failure> {
        let files = RunFiles::in_dir(dir);
        let series = if ts == Timeseries::Communities {
            let w = TimeseriesWriter::create(&files.timeseries).map_err(|e| Failure::writing(&files.timeseries, e))?;
            Some((w, files.timeseries))
        } else {
            None
        };
        Ok(Reduction {
            reps: (0..ctx.cfg.reps).map(|_| RepDigest::new(ctx.cfg.weeks)).collect(),
            communities: communities(model),
            offsets: street_offsets(model),
            series,
        })
    }

    /// Adds the next street (in work order).
    fn add(&mut self, d: StreetDigest) -> Result<(), Failure> {
        if let Some((w, path)) = &mut self.series {
            let first = self.offsets[d.street];
            let end = self.offsets.get(d.street + 1).copied().unwrap_or(self.communities.len());
            w.street(&d, &self.communities[first..end]).map_err(|e| Failure::writing(path, e))?;
        }
        self.reps[d.rep as usize].add(&d);
        Ok(())
    }

    /// Writes the run's other files, its manifest and plots into `dir`.
    fn finish(
        self,
        ctx: &super::context::Context,
        model: &Model,
        dir: &Path,
        wall: f64,
        no_plots: bool,
    ) -> Result<Done, Failure> {
        let Reduction { reps, communities, series, .. } = self;
        let communities_ts = series.is_some();
        if let Some((w, path)) = series {
            w.finish().map_err(|e| Failure::writing(&path, e))?;
        }
        let cfg = &ctx.cfg;
        let window = model.scenario.metrics.summary_window;
        let week_groups = |r: usize, w: usize| reps[r].weekly[w];
        let totals = window_totals_grouped(reps.len(), cfg.weeks, window, week_groups);
        let rows = summarise(&model.package.name, &totals);
        let digests: Vec<_> = reps.iter().map(|r| r.breakdown).collect();
        let breakdowns = breakdown_rows_of_digests(&model.package.name, &digests);
        let drift = run_drift_grouped(reps.len(), cfg.weeks, week_groups);

        let files = RunFiles::in_dir(dir);
        let types = ctx.timeseries != Some(Timeseries::None.as_str());
        output::write_summary(&files.summary, &rows).map_err(|e| Failure::writing(&files.summary, e))?;
        output::write_breakdowns(&files.breakdowns, &breakdowns).map_err(|e| Failure::writing(&files.breakdowns, e))?;
        if let Some(drift) = &drift {
            output::write_drift(&files.drift, drift).map_err(|e| Failure::writing(&files.drift, e))?;
        }
        output::write_age_bands(&files.age_bands, &reps).map_err(|e| Failure::writing(&files.age_bands, e))?;
        if types {
            output::write_timeseries_types(&files.timeseries_types, &reps)
                .map_err(|e| Failure::writing(&files.timeseries_types, e))?;
        }
        let snaps = reps.first().map(|r| r.networks.as_slice()).unwrap_or(&[]);
        output::write_networks(&files.network_nodes, &files.network_edges, &communities, snaps)
            .map_err(|e| Failure::writing(&files.network_nodes, e))?;
        let elder_weeks: f64 = reps.iter().map(RepDigest::elder_weeks).sum();
        let mut written = Vec::new();
        if communities_ts {
            written.push("timeseries.csv");
        }
        if types {
            written.push("timeseries_types.csv");
        }
        written.extend(["summary.csv", "breakdowns.csv", "age_bands.csv", "network_nodes.csv", "network_edges.csv"]);
        if drift.is_some() {
            written.push("drift.csv");
        }
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
        ctx.draw(dir, no_plots, true)?;
        Ok(Done { rows, elder_weeks, wall })
    }
}

impl Done {
    fn print(
        &self,
        ctx: &super::context::Context,
        model: &Model,
        quiet: bool,
        out: &mut dyn Write,
    ) -> Result<(), Failure> {
        let cfg = &ctx.cfg;
        let window = model.scenario.metrics.summary_window;
        if !quiet {
            out.write_all(table::summary(&model.package.name, &self.rows, cfg.reps, cfg.weeks, window).as_bytes())
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
            self.elder_weeks / 1e6,
            self.wall,
            ctx.dir.display()
        )
        .map_err(stdout_failure)
    }
}

/// The plan of a sharded run, as `DIR/parts/run.json` holds it: every shard
/// writes the same, and `merge` runs from it.
#[derive(serde::Serialize, serde::Deserialize, PartialEq)]
struct RunPlan {
    package: String,
    seed: u64,
    reps: u32,
    weeks: u32,
    timeseries: String,
    overrides: Vec<String>,
    scenario_files: Vec<String>,
    scenario: carenet_model::scenario::Scenario,
    /// `--ensemble`: the file as given and its sets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    ensemble: Option<(String, carenet_model::experiment::ensemble::Ensemble)>,
}

fn plan_path(dir: &Path) -> std::path::PathBuf {
    carenet_io::parts::parts_dir(dir).join("run.json")
}

/// `run --shard K/N`: this shard's (replication, street) items into `DIR/parts/`
/// (those already there are skipped).
fn run_shard(
    ctx: &super::context::Context,
    model: &Model,
    shard: Shard,
    ts: Timeseries,
    quiet: bool,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    let dir = &ctx.dir;
    let plan = RunPlan {
        package: model.package.name.clone(),
        seed: ctx.cfg.seed,
        reps: ctx.cfg.reps,
        weeks: ctx.cfg.weeks,
        timeseries: ts.as_str().to_string(),
        overrides: ctx.overrides.clone(),
        scenario_files: ctx.files.iter().map(|p| p.display().to_string()).collect(),
        scenario: model.scenario.clone(),
        ensemble: ctx.ensemble.as_ref().map(|(p, e)| (p.display().to_string(), e.clone())),
    };
    let text = serde_json::to_string_pretty(&plan).map_err(Failure::runtime)? + "\n";
    let path = plan_path(dir);
    match std::fs::read_to_string(&path) {
        Ok(old) if old != text => {
            return Err(Failure::Input(format!(
                "{} holds the parts of another run (another scenario, package, seed, replications, weeks or \
                 --timeseries): choose another --out, or delete {} first",
                dir.display(),
                carenet_io::parts::parts_dir(dir).display()
            )));
        }
        Ok(_) => {}
        Err(_) => {
            output::write_atomic(&path, |w| w.write_all(text.as_bytes())).map_err(|e| Failure::writing(&path, e))?
        }
    }
    let all = work_items(ctx.cfg.reps, model.scenario.streets.len());
    let mine: Vec<(u32, usize)> = shard.cells(all.len()).into_iter().map(|i| all[i]).collect();
    let todo: Vec<(u32, usize)> = mine
        .iter()
        .copied()
        .filter(|&(r, s)| !matches!(carenet_io::parts::read_part(dir, r, s), Ok(Some(_))))
        .collect();
    let bar = progress(todo.len() as u64, "street replications", 0.0);
    let t0 = Instant::now();
    let tick = || bar.inc(1);
    run_streets(model, &streets_config(ctx, ts), &todo, &tick, |d| {
        let path = carenet_io::parts::part_path(dir, d.rep, d.street);
        carenet_io::parts::write_part(dir, &d).map_err(|e| Failure::writing(&path, e))
    })
    .map_err(Failure::runtime)??;
    bar.finish_and_clear();
    writeln!(
        out,
        "shard {}/{}: {} (replication, street) parts × {} weeks in {:.1} s ({} already done, skipped)",
        shard.number,
        shard.count,
        todo.len(),
        ctx.cfg.weeks,
        t0.elapsed().as_secs_f64(),
        mine.len() - todo.len()
    )
    .map_err(stdout_failure)?;
    if !quiet {
        writeln!(
            out,
            "wrote {} (join the shards with: carenet merge {})",
            carenet_io::parts::parts_dir(dir).display(),
            dir.display()
        )
        .map_err(stdout_failure)?;
    }
    Ok(())
}

/// Whether `dir` holds the parts of a sharded run (rather than a sweep's cells).
pub fn is_sharded_run(dir: &Path) -> bool {
    plan_path(dir).is_file()
}

/// `carenet merge DIR` of a sharded run: checks every part is there and whole,
/// adds them in work order and writes the run's files into `DIR`, byte-identical
/// to an unsharded run (manifest.json aside: it records the merge).
pub fn merge_run(dir: &Path, no_plots: bool, out: &mut dyn Write) -> Result<(), Failure> {
    let path = plan_path(dir);
    let text = std::fs::read_to_string(&path).map_err(|e| Failure::Runtime(format!("{}: {e}", path.display())))?;
    let plan: RunPlan = serde_json::from_str(&text)
        .map_err(|e| Failure::Input(format!("{}: not the plan of a sharded run: {e}", path.display())))?;
    let ts = match plan.timeseries.as_str() {
        "none" => Timeseries::None,
        "communities" => Timeseries::Communities,
        _ => Timeseries::Types,
    };
    let package = Package::resolve(&plan.scenario, &plan.package).map_err(Failure::input)?;
    let mut model = Model::new(plan.scenario, package);
    if let Some((_, ens)) = &plan.ensemble {
        model = model.with_ensemble(ens).map_err(Failure::input)?;
    }
    let ctx = super::context::Context {
        files: plan.scenario_files.iter().map(std::path::PathBuf::from).collect(),
        cfg: carenet_model::experiment::RunConfig {
            reps: plan.reps,
            seed: plan.seed,
            weeks: plan.weeks,
            threads: None,
        },
        dir: dir.to_path_buf(),
        overrides: plan.overrides,
        timeseries: Some(ts.as_str()),
        ensemble: plan.ensemble.map(|(p, e)| (std::path::PathBuf::from(p), e)),
    };
    let items = work_items(plan.reps, model.scenario.streets.len());
    let missing: Vec<String> = items
        .iter()
        .enumerate()
        .filter(|(_, (r, s))| !carenet_io::parts::part_path(dir, *r, *s).is_file())
        .map(|(i, (r, s))| format!("{} (rep {r} street {s})", i + 1))
        .collect();
    if !missing.is_empty() {
        let shown: Vec<&str> = missing.iter().take(10).map(String::as_str).collect();
        return Err(Failure::Input(format!(
            "error: {}: {} of {} parts missing (item {}{}); run the remaining shards first",
            dir.display(),
            missing.len(),
            items.len(),
            shown.join(", "),
            if missing.len() > 10 { ", …" } else { "" }
        )));
    }
    let t0 = Instant::now();
    let staged = ctx.stage()?;
    let sdir = staged.dir().to_path_buf();
    let mut reduce = Reduction::new(&ctx, &model, &sdir, ts)?;
    for &(r, s) in &items {
        let d = carenet_io::parts::read_part(dir, r, s)
            .map_err(|e| Failure::Input(format!("error: {e}; delete it and run its shard again")))?
            .ok_or_else(|| Failure::Input(format!("error: the part of rep {r} street {s} went missing")))?;
        if d.weekly.len() != plan.weeks as usize {
            return Err(Failure::Input(format!(
                "error: {}: {} weeks, the run has {}",
                carenet_io::parts::part_path(dir, r, s).display(),
                d.weekly.len(),
                plan.weeks
            )));
        }
        reduce.add(d)?;
    }
    let done = reduce.finish(&ctx, &model, &sdir, t0.elapsed().as_secs_f64(), no_plots)?;
    commit(staged)?;
    writeln!(
        out,
        "merged {} parts: {} replications × {} weeks of {} streets, {:.1} M elder-weeks; wrote {}",
        items.len(),
        plan.reps,
        plan.weeks,
        model.scenario.streets.len(),
        done.elder_weeks / 1e6,
        dir.display()
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
