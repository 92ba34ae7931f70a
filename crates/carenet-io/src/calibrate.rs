//! A calibration's directory (`carenet calibrate --out DIR`): the plan
//! (`calibrate.json`, its hash names the calibration; a directory of another
//! calibration is refused), one self-checking file per finished point
//! (`points/wWW-pNNNN.csv`, written atomically, skipped on a rerun when whole,
//! run again when damaged), and the results: `plausible.csv`, `targets.csv`,
//! `heldout.csv`, `waves.csv`, `points.csv`, `calibrated.toml`. The method is
//! `carenet_model::calibrate`'s.

use std::io;
use std::path::{Path, PathBuf};

use carenet_model::calibrate::targets::{Pattern, Target};
use carenet_model::calibrate::{CalibrateError, Outcome, PointSummary, Runs, Space, WaveRuns, check_point, point_file};
use carenet_model::numfmt::fmt_f64;
use rayon::prelude::*;

use crate::output::write_atomic;

fn io_err(what: &Path, e: io::Error) -> CalibrateError {
    CalibrateError::Runtime(format!("{}: {e}", what.display()))
}

/// `DIR/calibrate.json`.
pub fn plan_path(dir: &Path) -> PathBuf {
    dir.join("calibrate.json")
}

/// The file of point `index` of wave `wave`.
pub fn point_path(dir: &Path, wave: usize, index: usize) -> PathBuf {
    dir.join("points").join(format!("w{wave:02}-p{index:04}.csv"))
}

/// Makes `dir` hold the calibration `hash` (described by `plan`): writes
/// `calibrate.json`, or refuses a directory holding another calibration.
pub fn prepare_dir(dir: &Path, hash: &str, plan: &serde_json::Value) -> Result<(), CalibrateError> {
    let path = plan_path(dir);
    if let Ok(text) = std::fs::read_to_string(&path) {
        let old: serde_json::Value = serde_json::from_str(&text)
            .map_err(|e| CalibrateError::Input(format!("error: {}: not a calibration plan: {e}", path.display())))?;
        let old_hash = old.get("hash").and_then(|h| h.as_str()).unwrap_or("");
        if old_hash != hash {
            return Err(CalibrateError::Input(format!(
                "error: {} holds another calibration (hash {old_hash}; this one is {hash}: different scenario, \
                 targets, ranges or settings): choose another --out or remove the directory",
                dir.display()
            )));
        }
        return Ok(());
    }
    std::fs::create_dir_all(dir.join("points")).map_err(|e| io_err(dir, e))?;
    write_atomic(&path, |w| {
        serde_json::to_writer_pretty(&mut *w, plan).map_err(io::Error::other)?;
        writeln!(w)
    })
    .map_err(|e| io_err(&path, e))
}

/// What [`run_wave`] did.
#[derive(Debug, Default)]
pub struct WaveRun {
    pub runs: WaveRuns,
    /// Points run now (the others were read back or are another shard's).
    pub ran: Vec<usize>,
    /// Point files found damaged or foreign, and run again: (index, why).
    pub redone: Vec<(usize, String)>,
}

/// One wave's points: each point whose file is whole is read back; each
/// other point in `mine` (this shard's) is run by `runner` (points in
/// parallel) and written atomically; the rest are `None`.
#[allow(clippy::too_many_arguments)]
pub fn run_wave(
    dir: &Path,
    hash: &str,
    wave: usize,
    points: &[Vec<f64>],
    ids: &[&str],
    reps: u32,
    mine: &[usize],
    runner: &(dyn Fn(&[f64]) -> Result<Runs, CalibrateError> + Sync),
) -> Result<WaveRun, CalibrateError> {
    let mut out = WaveRun { runs: vec![None; points.len()], ..WaveRun::default() };
    for (i, p) in points.iter().enumerate() {
        let path = point_path(dir, wave, i);
        match std::fs::read(&path) {
            Ok(bytes) => match check_point(&bytes, hash, wave, i, p, ids, reps) {
                Ok(runs) => out.runs[i] = Some(runs),
                Err(why) => out.redone.push((i, why)),
            },
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(io_err(&path, e)),
        }
    }
    let pending: Vec<usize> = mine.iter().copied().filter(|&i| i < points.len() && out.runs[i].is_none()).collect();
    out.redone.retain(|(i, _)| pending.contains(i));
    let done: Vec<(usize, Runs)> = pending
        .par_iter()
        .map(|&i| {
            let runs = runner(&points[i])?;
            let path = point_path(dir, wave, i);
            let text = point_file(hash, wave, i, &points[i], ids, &runs);
            write_atomic(&path, |w| w.write_all(text.as_bytes())).map_err(|e| io_err(&path, e))?;
            Ok((i, runs))
        })
        .collect::<Result<_, CalibrateError>>()?;
    for (i, runs) in done {
        out.runs[i] = Some(runs);
        out.ran.push(i);
    }
    Ok(out)
}

fn csv_text(s: &str) -> String {
    if s.contains([',', '"', '\n']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_string() }
}

fn write_lines(path: &Path, lines: &[String]) -> io::Result<()> {
    write_atomic(path, |w| {
        for l in lines {
            writeln!(w, "{l}")?;
        }
        Ok(())
    })
}

/// `plausible.csv`: one row per plausible run point: the varied keys, `wave`, `max_implausibility`.
pub fn write_plausible(path: &Path, space: &Space, o: &Outcome, cutoff: f64) -> io::Result<()> {
    let mut lines = vec![format!("{},wave,max_implausibility", space.keys.join(","))];
    for p in o.points.iter().filter(|p| p.plausible(cutoff)) {
        let vals: Vec<String> = p.values.iter().map(|v| fmt_f64(*v)).collect();
        lines.push(format!("{},{},{}", vals.join(","), p.wave, fmt_f64(p.max_implausibility)));
    }
    write_lines(path, &lines)
}

/// `targets.csv`: each target at the best point.
pub fn write_targets(path: &Path, targets: &[Target], best: &PointSummary, cutoff: f64) -> io::Result<()> {
    let mut lines =
        vec!["target,observed,band_low,band_high,simulated_mean,simulated_low,simulated_high,pass".to_string()];
    for (t, (s, i)) in targets.iter().zip(best.stats.iter().zip(&best.implausibility)) {
        let [lo, hi] = t.band(cutoff);
        lines.push(format!(
            "{},{},{},{},{},{},{},{}",
            csv_text(&t.id),
            fmt_f64(t.observed),
            fmt_f64(lo),
            fmt_f64(hi),
            fmt_f64(s.mean),
            fmt_f64(s.ci_low),
            fmt_f64(s.ci_high),
            *i <= cutoff
        ));
    }
    write_lines(path, &lines)
}

/// `heldout.csv`: each held-out pattern at the best point (its quantities
/// follow the targets' in the point's statistics, from `offset`).
pub fn write_heldout(path: &Path, patterns: &[Pattern], best: &PointSummary, offset: usize) -> io::Result<()> {
    let mut lines =
        vec!["pattern,observed,band_low,band_high,simulated_mean,simulated_low,simulated_high,pass".to_string()];
    for (k, p) in patterns.iter().enumerate() {
        let s = &best.stats[offset + k];
        lines.push(format!(
            "{},{},{},{},{},{},{},{}",
            csv_text(&p.id),
            p.observed.map(fmt_f64).unwrap_or_default(),
            fmt_f64(p.band[0]),
            fmt_f64(p.band[1]),
            fmt_f64(s.mean),
            fmt_f64(s.ci_low),
            fmt_f64(s.ci_high),
            s.mean.is_finite() && p.band[0] <= s.mean && s.mean <= p.band[1]
        ));
    }
    write_lines(path, &lines)
}

/// `waves.csv`: per wave and target: points, share of the candidates ruled
/// out, emulator leave-one-out quality.
pub fn write_waves(path: &Path, o: &Outcome) -> io::Result<()> {
    let mut lines = vec![
        "wave,points_run,points_total,plausible_points,candidates,candidates_kept,ruled_out,target,loo_rms,loo_within3"
            .to_string(),
    ];
    for w in &o.waves {
        for q in &w.loo {
            lines.push(format!(
                "{},{},{},{},{},{},{},{},{},{}",
                w.wave,
                w.points,
                w.points_total,
                w.plausible,
                w.candidates,
                w.kept,
                fmt_f64(w.ruled_out),
                csv_text(&q.target),
                fmt_f64(q.rms),
                fmt_f64(q.within3)
            ));
        }
    }
    write_lines(path, &lines)
}

/// `points.csv`: every run point's simulated mean and implausibility for each target.
pub fn write_points(path: &Path, targets: &[Target], o: &Outcome, cutoff: f64) -> io::Result<()> {
    let mut lines = vec!["wave,point,target,simulated_mean,implausibility,plausible".to_string()];
    for p in &o.points {
        for (k, t) in targets.iter().enumerate() {
            lines.push(format!(
                "{},{},{},{},{},{}",
                p.wave,
                p.index,
                csv_text(&t.id),
                fmt_f64(p.stats[k].mean),
                fmt_f64(p.implausibility[k]),
                p.plausible(cutoff)
            ));
        }
    }
    write_lines(path, &lines)
}

fn toml_string(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// `calibrated.toml`: `extends` the scenario file (absolute path; the
/// built-in scenario when `None`), the `--set` settings as dotted keys, then
/// the best point. Keys with array indices (`street[0]…`) cannot be written
/// as TOML keys and are refused.
pub fn write_calibrated(
    path: &Path,
    scenario_file: Option<&Path>,
    sets: &[(String, String)],
    space: &Space,
    best: &PointSummary,
    note: &str,
) -> Result<(), CalibrateError> {
    let mut lines = vec![format!("# {note}")];
    let parent = match scenario_file {
        Some(p) => {
            let abs = std::path::absolute(p).map_err(|e| io_err(p, e))?;
            let Some(text) = abs.to_str() else {
                return Err(CalibrateError::Input(format!("error: {}: not a UTF-8 path", abs.display())));
            };
            text.to_string()
        }
        None => "builtin:wutong".to_string(),
    };
    lines.push(format!("extends = {}", toml_string(&parent)));
    let key_ok = |k: &str| !k.contains('[');
    for (k, v) in sets {
        if !key_ok(k) {
            return Err(CalibrateError::Input(format!(
                "error: --set {k}: calibrated.toml cannot hold a key with an array index; put it in the scenario file"
            )));
        }
        let valid = toml::from_str::<toml::Table>(&format!("v = {v}")).is_ok();
        lines.push(if valid { format!("{k} = {v}") } else { format!("{k} = {}", toml_string(v)) });
    }
    lines.push("# the best point (lowest maximum implausibility)".into());
    for ((k, v), whole) in space.keys.iter().zip(&best.values).zip(&space.whole) {
        if !key_ok(k) {
            return Err(CalibrateError::Input(format!(
                "error: `{k}`: calibrated.toml cannot hold a key with an array index; vary keys without one"
            )));
        }
        let text = if *whole { format!("{}", v.round() as i64) } else { toml::Value::Float(*v).to_string() };
        lines.push(format!("{k} = {text}"));
    }
    write_lines(path, &lines).map_err(|e| io_err(path, e))
}
