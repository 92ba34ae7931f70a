//! `carenet sweep`, `carenet merge` and `carenet slurm-script`.

use std::io::Write;
use std::path::Path;
use std::time::Instant;

use carenet_io::sweep::{self as dirs, SlurmScript, shell_quote};
use carenet_model::experiment::sweep::{Axis, Design, Shard, SweepError, SweepPlan, parse_range, plan};
use carenet_model::scenario::Scenario;

use super::args::{CommonArgs, DesignArgs, EnsembleArgs, SlurmScriptArgs, SweepArgs};
use super::context::{Setup, elder_weeks_per_rep, print_scenario, progress, setup};
use super::{Failure, stdout_failure};

/// A sweep error: bad input (exit 2) or a runtime failure (exit 1).
pub fn sweep_failure(e: SweepError) -> Failure {
    if e.is_input() { Failure::input(e) } else { Failure::runtime(e) }
}

fn design(d: &DesignArgs) -> Result<Design, Failure> {
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

/// A planned sweep: the settings, the cells and their scenarios.
struct Planned {
    setup: Setup,
    plan: SweepPlan,
    scenarios: Vec<Scenario>,
}

fn planned(common: &CommonArgs, d: &DesignArgs, ensemble: &EnsembleArgs) -> Result<Planned, Failure> {
    let mut setup = setup(common, "sweep")?;
    let design = design(d)?;
    setup.context.load_ensemble(ensemble.ensemble.as_deref(), &setup.scenario)?;
    let cfg = &setup.context.cfg;
    let (mut plan, scenarios) = plan(&setup.scenario, &design, cfg.reps, cfg.weeks, cfg.seed).map_err(sweep_failure)?;
    if let Some(ens) = setup.context.ensemble() {
        // Each cell's own keys win over the sets': check the cells can take every set.
        for sc in &scenarios {
            ens.check_except(sc, &plan.keys)
                .map_err(|(i, e)| Failure::Input(format!("--ensemble: parameter set {}: {e}", i + 1)))?;
        }
        plan = plan.with_ensemble(ens.clone());
    }
    Ok(Planned { setup, plan, scenarios })
}

/// `carenet sweep`: runs the cells not yet done (of one shard, if asked) and,
/// unsharded, merges them into DIR/sweep.csv.
pub fn sweep(args: SweepArgs, out: &mut dyn Write) -> Result<(), Failure> {
    let shard = match &args.shard {
        Some(s) => Some(Shard::parse(s, |k| std::env::var(k).ok()).map_err(sweep_failure)?),
        None => None,
    };
    let Planned { setup, plan, scenarios } = planned(&args.common, &args.design, &args.ensemble)?;
    if args.common.dry_run {
        return print_scenario(&setup.scenario, out);
    }
    let dir = &setup.context.dir;
    dirs::prepare_dir(dir, &plan).map_err(sweep_failure)?;
    let n_cells = plan.cells.len();
    let todo: Vec<usize> = match shard {
        Some(s) => s.cells(n_cells),
        None => (0..n_cells).collect(),
    };
    let bar = progress(
        (todo.len() * plan.reps as usize) as u64,
        "cell replications",
        elder_weeks_per_rep(&setup.scenario, plan.weeks),
    );
    let t0 = Instant::now();
    let tick = || bar.inc(1);
    let ran =
        dirs::run_cells(dir, &plan, &scenarios, &todo, setup.context.cfg.threads, &tick).map_err(sweep_failure)?;
    bar.finish_and_clear();
    for (i, why) in &ran.redone {
        eprintln!("warning: {}: damaged: {why}; ran the cell again", dirs::cell_path(dir, *i).display());
    }
    let ran = ran.cells;
    let wall = t0.elapsed().as_secs_f64();
    if let Some(note) = setup.context.ensemble_note() {
        writeln!(out, "{note}").map_err(stdout_failure)?;
    }
    let skipped = todo.len() - ran.len();
    let what = match shard {
        Some(s) => format!("shard {}/{}: ", s.number, s.count),
        None => String::new(),
    };
    writeln!(
        out,
        "{what}{} cells × {} replications × {} weeks in {:.1} s ({} already done, skipped)",
        ran.len(),
        plan.reps,
        plan.weeks,
        wall,
        skipped
    )
    .map_err(stdout_failure)?;
    if shard.is_none() {
        let merged = dirs::merge(dir).map_err(sweep_failure)?;
        carenet_io::dictionary::write_dictionary(dir).map_err(|e| Failure::writing(&dir.join("dictionary.csv"), e))?;
        writeln!(
            out,
            "{} cells of `{}` (sweep {}); wrote {}",
            n_cells,
            plan.scenario_name,
            plan.hash,
            merged.display()
        )
        .map_err(stdout_failure)?;
    } else if !args.common.quiet {
        writeln!(out, "wrote {} (join the shards with: carenet merge {})", dir.join("cells").display(), dir.display())
            .map_err(stdout_failure)?;
    }
    Ok(())
}

/// `carenet merge`: checks every cell is present and writes DIR/sweep.csv.
pub fn merge(dir: &Path, out: &mut dyn Write) -> Result<(), Failure> {
    let merged = dirs::merge(dir).map_err(sweep_failure)?;
    carenet_io::dictionary::write_dictionary(dir).map_err(|e| Failure::writing(&dir.join("dictionary.csv"), e))?;
    writeln!(out, "wrote {}", merged.display()).map_err(stdout_failure)
}

/// `carenet slurm-script`: the sweep as a Slurm job array and the merge job.
pub fn slurm_script(args: SlurmScriptArgs, out: &mut dyn Write) -> Result<(), Failure> {
    super::refuse_unused(&[
        (args.common.threads.is_some(), "--threads", "each array task uses --cpus-per-task threads"),
        (args.common.dry_run, "--dry-run", "slurm-script runs nothing: it prints the script"),
        (args.common.quiet, "--quiet", "slurm-script prints only the script"),
    ])?;
    if args.tasks == 0 || args.cpus_per_task == 0 {
        return Err(Failure::Input("--tasks and --cpus-per-task must be at least 1".into()));
    }
    if args.design.grid.is_empty() && args.design.lhs.is_none() {
        return slurm_script_run(&args, out);
    }
    // Plan it here so a bad key fails now, not on the cluster.
    let Planned { setup, plan, .. } = planned(&args.common, &args.design, &args.ensemble)?;
    let abs = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let path_text = |p: &Path, what: &str| -> Result<String, Failure> {
        dirs::script_path(p, what).map(str::to_string).map_err(sweep_failure)
    };
    let mut sweep_args = Vec::new();
    if let Some(s) = &args.common.scenario {
        sweep_args.push(shell_quote(&path_text(&abs(s), "the scenario file")?));
    }
    for s in &args.common.set {
        sweep_args.push(format!("--set {}", shell_quote(s)));
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
    if let Some(e) = &args.ensemble.ensemble {
        sweep_args.push(format!("--ensemble {}", shell_quote(&path_text(&abs(e), "the ensemble file")?)));
    }
    sweep_args.push(format!("--reps {} --weeks {} --seed {}", plan.reps, plan.weeks, plan.seed));
    let carenet = match &args.carenet {
        Some(p) => abs(p),
        None => std::env::current_exe().map_err(|e| Failure::Runtime(format!("locating carenet: {e}")))?,
    };
    let script = SlurmScript {
        command: "sweep",
        sweep_args,
        out: abs(&setup.context.dir),
        tasks: args.tasks.min(plan.cells.len()),
        carenet: path_text(&carenet, "the carenet binary")?,
        cpus_per_task: args.cpus_per_task,
        time: args.time.clone(),
        job_name: format!("carenet-{}", plan.scenario_name),
    };
    out.write_all(dirs::slurm_script(&script).map_err(sweep_failure)?.as_bytes()).map_err(stdout_failure)
}

/// `carenet slurm-script` without `--grid` or `--lhs`: a run (a city) as a Slurm
/// job array, each task a share of the (replication, street) items, and the merge.
fn slurm_script_run(args: &SlurmScriptArgs, out: &mut dyn Write) -> Result<(), Failure> {
    // Set up here so a bad scenario or key fails now, not on the cluster.
    let setup = super::context::setup(&args.common, "run")?;
    let abs = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let path_text = |p: &Path, what: &str| -> Result<String, Failure> {
        dirs::script_path(p, what).map(str::to_string).map_err(sweep_failure)
    };
    let mut run_args = Vec::new();
    if let Some(s) = &args.common.scenario {
        run_args.push(shell_quote(&path_text(&abs(s), "the scenario file")?));
    }
    for s in &args.common.set {
        run_args.push(format!("--set {}", shell_quote(s)));
    }
    if let Some(p) = &args.package {
        carenet_model::policy::Package::resolve(&setup.scenario, p).map_err(Failure::input)?;
        run_args.push(format!("--package {}", shell_quote(p)));
    }
    let cfg = &setup.context.cfg;
    run_args.push(format!("--reps {} --weeks {} --seed {}", cfg.reps, cfg.weeks, cfg.seed));
    let carenet = match &args.carenet {
        Some(p) => abs(p),
        None => std::env::current_exe().map_err(|e| Failure::Runtime(format!("locating carenet: {e}")))?,
    };
    let items = cfg.reps as usize * setup.scenario.streets.len();
    let script = SlurmScript {
        command: "run",
        sweep_args: run_args,
        out: abs(&setup.context.dir),
        tasks: args.tasks.min(items),
        carenet: path_text(&carenet, "the carenet binary")?,
        cpus_per_task: args.cpus_per_task,
        time: args.time.clone(),
        job_name: format!("carenet-{}", setup.scenario.name),
    };
    out.write_all(dirs::slurm_script(&script).map_err(sweep_failure)?.as_bytes()).map_err(stdout_failure)
}
