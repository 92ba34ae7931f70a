//! `carenet calibrate`: history matching against published targets
//! (docs/calibration.md). The method is `carenet_model::calibrate`'s, the
//! directory `carenet_io::calibrate`'s; this file reads the flags and files,
//! runs the waves, writes the results and prints the tables.
//!
//! The output folder is written in place, like a sweep's (finished points must
//! survive an interruption): every file is written atomically, and the results
//! are rewritten whole by each unsharded run.

use std::io::Write;
use std::path::Path;
use std::sync::Mutex;
use std::time::Instant;

use carenet_io::calibrate as dirs;
use carenet_model::calibrate::targets::{Quantity, TargetFile};
use carenet_model::calibrate::{CalibrateError, Settings, Space, Stop, history_match, plan_hash, run_point};
use carenet_model::experiment::in_pool;
use carenet_model::experiment::sweep::{Shard, parse_range};
use carenet_model::numfmt::fmt_f64;
use carenet_model::scenario::path::get_number;

use super::args::CalibrateArgs;
use super::context::{Ran, elder_weeks_per_rep, print_scenario, setup};
use super::sweep::sweep_failure;
use super::{Failure, stdout_failure};

fn failure(e: CalibrateError) -> Failure {
    if e.is_input() { Failure::input(e) } else { Failure::runtime(e) }
}

/// Reads and parses a targets file; errors are bad input with file:line:column.
fn read_targets(path: &Path) -> Result<TargetFile, Failure> {
    let text = std::fs::read_to_string(path).map_err(|e| Failure::Input(format!("error: {}: {e}", path.display())))?;
    TargetFile::parse(&text, &path.display().to_string()).map_err(|e| Failure::Input(format!("error: {e}")))
}

/// `carenet calibrate`.
pub fn calibrate(args: CalibrateArgs, out: &mut dyn Write) -> Result<(), Failure> {
    let t0 = Instant::now();
    let shard = match &args.shard {
        Some(s) => Some(Shard::parse(s, |k| std::env::var(k).ok()).map_err(sweep_failure)?),
        None => None,
    };
    let mut common = args.common.clone();
    common.reps.get_or_insert(2);
    common.weeks.get_or_insert(104);
    let setup = setup(&common, "calibrate")?;
    if common.dry_run {
        return print_scenario(&setup.scenario, out);
    }
    let (scenario, ctx) = (&setup.scenario, &setup.context);
    let cfg = &ctx.cfg;
    let targets = read_targets(&args.targets)?;
    if targets.targets.is_empty() {
        return Err(Failure::Input(format!("error: {}: no [[target]] entries", args.targets.display())));
    }
    targets.check_weeks(cfg.weeks).map_err(|e| Failure::Input(format!("error: {e}")))?;
    let heldout = match &args.heldout {
        Some(p) => {
            let h = read_targets(p)?;
            if h.patterns.is_empty() {
                return Err(Failure::Input(format!("error: {}: no [[pattern]] entries", p.display())));
            }
            h.check_weeks(cfg.weeks).map_err(|e| Failure::Input(format!("error: {e}")))?;
            Some(h)
        }
        None => None,
    };
    let space = if args.vary.is_empty() {
        Space::default_for(scenario).map_err(failure)?
    } else {
        let ranges: Vec<(String, [f64; 2])> =
            args.vary.iter().map(|v| parse_range(v)).collect::<Result<_, _>>().map_err(sweep_failure)?;
        Space::new(scenario, &ranges).map_err(failure)?
    };
    if args.waves == 0 || args.points == 0 || args.candidates == 0 {
        return Err(Failure::Input("error: --waves, --points and --candidates must be at least 1".into()));
    }
    let mut set = Settings::new(args.waves, args.points, cfg.reps, cfg.seed);
    set.candidates = args.candidates;
    let hash = plan_hash(scenario, &space, &targets, heldout.as_ref(), &set, cfg.weeks);
    let dir = &ctx.dir;
    let plan = serde_json::json!({
        "carenet_version": env!("CARGO_PKG_VERSION"),
        "hash": hash,
        "scenario_name": scenario.name,
        "targets_file": args.targets.display().to_string(),
        "heldout_file": args.heldout.as_ref().map(|p| p.display().to_string()),
        "keys": space.keys,
        "ranges": space.keys.iter().zip(&space.ranges).map(|(k, r)| (k.clone(), serde_json::json!(r))).collect::<serde_json::Map<_, _>>(),
        "targets": targets.targets.iter().map(|t| t.id.clone()).collect::<Vec<_>>(),
        "patterns": heldout.iter().flat_map(|h| h.patterns.iter().map(|p| p.id.clone())).collect::<Vec<_>>(),
        "reps": cfg.reps,
        "weeks": cfg.weeks,
        "seed": cfg.seed,
        "points_per_wave": set.points,
        "candidates": set.candidates,
        "cutoff": set.cutoff,
        "gp_evals": set.gp_evals,
        "scenario": scenario,
    });
    dirs::prepare_dir(dir, &hash, &plan).map_err(failure)?;

    let patterns = heldout.as_ref().map(|h| h.patterns.as_slice()).unwrap_or(&[]);
    let quantities: Vec<&Quantity> =
        targets.targets.iter().map(|t| &t.quantity).chain(patterns.iter().map(|p| &p.quantity)).collect();
    let ids: Vec<&str> =
        targets.targets.iter().map(|t| t.id.as_str()).chain(patterns.iter().map(|p| p.id.as_str())).collect();
    let runner = |values: &[f64]| -> Result<carenet_model::calibrate::Runs, CalibrateError> {
        let s = space.scenario(scenario, values)?;
        Ok(run_point(&s, &quantities, cfg.reps, cfg.weeks, cfg.seed))
    };
    let ran_points = Mutex::new(0usize);
    let log = Mutex::new(Vec::<String>::new());
    let quiet = common.quiet;
    let mut eval = |wave: usize, points: &[Vec<f64>]| -> Result<carenet_model::calibrate::WaveRuns, CalibrateError> {
        let mine: Vec<usize> = match shard {
            Some(s) => s.cells(points.len()),
            None => (0..points.len()).collect(),
        };
        let w0 = Instant::now();
        let r = dirs::run_wave(dir, &hash, wave, points, &ids, cfg.reps, &mine, &runner)?;
        for (i, why) in &r.redone {
            eprintln!("warning: {}: {why}; ran the point again", dirs::point_path(dir, wave, *i).display());
        }
        *ran_points.lock().unwrap_or_else(|e| e.into_inner()) += r.ran.len();
        let present = r.runs.iter().filter(|x| x.is_some()).count();
        log.lock().unwrap_or_else(|e| e.into_inner()).push(format!(
            "wave {wave}: {} points run in {:.1} s, {} already done, {present} of {} present",
            r.ran.len(),
            w0.elapsed().as_secs_f64(),
            present - r.ran.len(),
            points.len()
        ));
        if !quiet {
            eprintln!("{}", log.lock().unwrap_or_else(|e| e.into_inner()).last().map(String::as_str).unwrap_or(""));
        }
        Ok(r.runs)
    };
    let outcome = in_pool(cfg.threads, || history_match(&space, &targets.targets, &set, &mut eval))
        .map_err(Failure::runtime)?
        .map_err(failure)?;
    let wall = t0.elapsed().as_secs_f64();
    let mut report = log.into_inner().unwrap_or_else(|e| e.into_inner());
    match &outcome.stop {
        Stop::Pending { wave, done, total } => {
            writeln!(
                out,
                "{}wave {wave}: {done} of {total} points present; run the other shards, then rerun without --shard \
                 to continue and write the results",
                match shard {
                    Some(s) => format!("shard {}/{}: ", s.number, s.count),
                    None => String::new(),
                }
            )
            .map_err(stdout_failure)?;
            return Ok(());
        }
        Stop::Exhausted { wave } => report.push(format!(
            "the emulators ruled out every candidate after wave {wave}: no further wave (the results are of the \
             points run)"
        )),
        Stop::Complete => {}
    }
    if shard.is_some() {
        writeln!(out, "all waves' points are present; rerun without --shard to write the results")
            .map_err(stdout_failure)?;
        return Ok(());
    }
    let Some(best) = outcome.best() else {
        return Err(Failure::Runtime("no point was run".into()));
    };
    let w = |path: &Path, r: std::io::Result<()>| r.map_err(|e| Failure::writing(path, e));
    let p = dir.join("plausible.csv");
    w(&p, dirs::write_plausible(&p, &space, &outcome, set.cutoff))?;
    let p = dir.join("targets.csv");
    w(&p, dirs::write_targets(&p, &targets.targets, best, set.cutoff))?;
    let mut files = vec!["calibrate.json", "points", "plausible.csv", "targets.csv", "waves.csv", "points.csv"];
    if let Some(h) = &heldout {
        let p = dir.join("heldout.csv");
        w(&p, dirs::write_heldout(&p, &h.patterns, best, targets.targets.len()))?;
        files.push("heldout.csv");
    } else {
        let _ = std::fs::remove_file(dir.join("heldout.csv"));
    }
    let p = dir.join("waves.csv");
    w(&p, dirs::write_waves(&p, &outcome))?;
    let p = dir.join("points.csv");
    w(&p, dirs::write_points(&p, &targets.targets, &outcome, set.cutoff))?;
    // calibrated.toml: extends the scenario, sets the best point; loaded back to check it.
    let sets: Vec<(String, String)> =
        ctx.overrides.iter().filter_map(|o| o.split_once('=').map(|(k, v)| (k.to_string(), v.to_string()))).collect();
    let cal = dir.join("calibrated.toml");
    let note = format!(
        "carenet calibrate (calibration {hash}): the best point of {} run, maximum implausibility {}",
        outcome.points.len(),
        fmt_f64((best.max_implausibility * 1000.0).round() / 1000.0)
    );
    dirs::write_calibrated(&cal, common.scenario.as_deref(), &sets, &space, best, &note).map_err(failure)?;
    let loaded = carenet_io::scenario::load_file(&cal).map_err(|e| {
        Failure::Runtime(format!("{} does not load: {}", cal.display(), super::context::render(&e, false)))
    })?;
    for (k, v) in space.keys.iter().zip(&best.values) {
        let got = get_number(&loaded.scenario, k).map_err(Failure::runtime)?;
        if (got - v).abs() > 1e-9 * v.abs().max(1.0) {
            return Err(Failure::Runtime(format!("{}: `{k}` loads as {got}, not {v}", cal.display())));
        }
    }
    files.push("calibrated.toml");
    let elder_weeks = *ran_points.lock().unwrap_or_else(|e| e.into_inner()) as f64
        * cfg.reps as f64
        * elder_weeks_per_rep(scenario, cfg.weeks + scenario.simulation.burn_in_weeks);
    ctx.write_manifest(
        dir,
        scenario,
        Ran { command: "calibrate", packages: vec!["baseline".into()], elder_weeks, wall_seconds: wall, files },
    )?;
    if !args.no_plots {
        carenet_plot::plot::plot_dir(dir).map_err(Failure::runtime)?;
    }
    carenet_io::dictionary::write_dictionary(dir).map_err(|e| Failure::writing(&dir.join("dictionary.csv"), e))?;
    if common.quiet {
        return Ok(());
    }
    let plausible = outcome.points.iter().filter(|p| p.plausible(set.cutoff)).count();
    // The waves' progress lines went to stderr as they ran; the stop note, if any, goes here.
    for l in report.iter().filter(|l| !l.starts_with("wave ")) {
        writeln!(out, "{l}").map_err(stdout_failure)?;
    }
    for wr in &outcome.waves {
        writeln!(
            out,
            "wave {}: {} points ({} plausible); emulators rule out {:.1}% of the space ({} of {} candidates kept)",
            wr.wave,
            wr.points,
            wr.plausible,
            wr.ruled_out * 100.0,
            wr.kept,
            wr.candidates
        )
        .map_err(stdout_failure)?;
    }
    writeln!(
        out,
        "{plausible} of {} points plausible (maximum implausibility ≤ {}); best point: wave {} point {}, maximum implausibility {:.2}",
        outcome.points.len(),
        set.cutoff,
        best.wave,
        best.index,
        best.max_implausibility
    )
    .map_err(stdout_failure)?;
    for (k, v) in space.keys.iter().zip(&best.values) {
        writeln!(out, "  {k} = {}", fmt_f64(*v)).map_err(stdout_failure)?;
    }
    writeln!(out, "{:<22} {:>10} {:>21} {:>10} {:>6} {:>5}", "target", "observed", "band", "simulated", "I", "pass")
        .map_err(stdout_failure)?;
    for (t, (s, i)) in targets.targets.iter().zip(best.stats.iter().zip(&best.implausibility)) {
        let [lo, hi] = t.band(set.cutoff);
        writeln!(
            out,
            "{:<22} {:>10.4} {:>10.4}–{:<10.4} {:>10.4} {:>6.2} {:>5}",
            t.id,
            t.observed,
            lo,
            hi,
            s.mean,
            i,
            if *i <= set.cutoff { "yes" } else { "no" }
        )
        .map_err(stdout_failure)?;
    }
    if let Some(h) = &heldout {
        writeln!(out, "held-out patterns at the best point:").map_err(stdout_failure)?;
        for (k, p) in h.patterns.iter().enumerate() {
            let s = &best.stats[targets.targets.len() + k];
            let pass = s.mean.is_finite() && p.band[0] <= s.mean && s.mean <= p.band[1];
            writeln!(
                out,
                "{:<28} band {:>8.3}–{:<8.3} simulated {:>8.3} {}",
                p.id,
                p.band[0],
                p.band[1],
                s.mean,
                if pass { "pass" } else { "FAIL" }
            )
            .map_err(stdout_failure)?;
        }
    }
    writeln!(out, "wrote {} in {:.1} s", dir.display(), wall).map_err(stdout_failure)?;
    Ok(())
}
