//! A sweep's directory: the plan (`sweep.json`), one file per finished cell
//! (`cells/cell-NNNNNN.csv`, written atomically, skipped on a rerun), the merge
//! into `sweep.csv`, and the Slurm script that runs a sweep as a job array.
//! Planning and running are `carenet_model::experiment::sweep`'s.

use std::io;
use std::path::{Path, PathBuf};

use carenet_model::experiment::sweep::{SweepError, SweepPlan, cell_marker, header};
use carenet_model::scenario::Scenario;

use crate::output::write_atomic;

fn io_err(what: &Path, e: io::Error) -> SweepError {
    SweepError::Runtime(format!("{}: {e}", what.display()))
}

/// Path of the manifest in `dir`.
pub fn plan_path(dir: &Path) -> PathBuf {
    dir.join("sweep.json")
}

/// Path of cell `i`'s file in `dir`.
pub fn cell_path(dir: &Path, i: usize) -> PathBuf {
    dir.join("cells").join(format!("cell-{i:06}.csv"))
}

/// Reads `DIR/sweep.json`, checking its hash.
pub fn read_plan(dir: &Path) -> Result<SweepPlan, SweepError> {
    let path = plan_path(dir);
    let text = std::fs::read_to_string(&path)
        .map_err(|e| SweepError::Input(format!("error: {}: {e} (not a sweep directory?)", path.display())))?;
    let p: SweepPlan = serde_json::from_str(&text)
        .map_err(|e| SweepError::Input(format!("error: {}: not a sweep manifest: {e}", path.display())))?;
    if p.compute_hash() != p.hash {
        return Err(SweepError::Input(format!("error: {}: edited by hand (its hash does not match)", path.display())));
    }
    Ok(p)
}

/// Makes `dir` hold `p`: writes `sweep.json`, or checks that the one there is
/// the same sweep (same hash) and refuses otherwise.
pub fn prepare_dir(dir: &Path, p: &SweepPlan) -> Result<(), SweepError> {
    let path = plan_path(dir);
    if path.exists() {
        let old = read_plan(dir)?;
        if old.hash != p.hash {
            return Err(SweepError::Input(format!(
                "error: {} holds a different sweep (hash {}, scenario `{}`, keys {}); this one is {} \
                 (scenario `{}`, keys {}): choose another --out or remove the directory",
                dir.display(),
                old.hash,
                old.scenario_name,
                old.keys.join(","),
                p.hash,
                p.scenario_name,
                p.keys.join(",")
            )));
        }
        return Ok(());
    }
    write_atomic(&path, |w| {
        serde_json::to_writer_pretty(&mut *w, p).map_err(io::Error::other)?;
        writeln!(w)
    })
    .map_err(|e| io_err(&path, e))
}

/// Whether cell `i` is finished in `dir` (its file exists with this plan's marker).
pub fn cell_done(dir: &Path, p: &SweepPlan, i: usize) -> Result<bool, SweepError> {
    let path = cell_path(dir, i);
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            if text.lines().next() == Some(cell_marker(&p.hash, i).as_str()) {
                Ok(true)
            } else {
                Err(SweepError::Input(format!("error: {}: belongs to another sweep or cell", path.display())))
            }
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(io_err(&path, e)),
    }
}

/// Runs the cells `todo` of `p` that are not finished yet in `dir` (replications
/// and cells in parallel), writing each cell's file once its replications are
/// done. `on_rep_done` is called per replication. Returns the cells run.
pub fn run_cells(
    dir: &Path,
    p: &SweepPlan,
    scenarios: &[Scenario],
    todo: &[usize],
    threads: Option<usize>,
    on_rep_done: &(dyn Fn() + Sync),
) -> Result<Vec<usize>, SweepError> {
    let mut pending = Vec::new();
    for &i in todo {
        if !cell_done(dir, p, i)? {
            pending.push(i);
        }
    }
    let write_cell = |i: usize, body: String| {
        let path = cell_path(dir, i);
        write_atomic(&path, |w| {
            writeln!(w, "{}", cell_marker(&p.hash, i))?;
            w.write_all(body.as_bytes())
        })
        .map_err(|e| io_err(&path, e))
    };
    carenet_model::experiment::sweep::run_cells(p, scenarios, &pending, threads, on_rep_done, &write_cell)?;
    Ok(pending)
}

/// Checks that every cell of the sweep in `dir` is present and of the same
/// sweep, and writes `DIR/sweep.csv`. Returns its path.
pub fn merge(dir: &Path) -> Result<PathBuf, SweepError> {
    let p = read_plan(dir)?;
    let mut missing = Vec::new();
    for i in 0..p.cells.len() {
        if !cell_done(dir, &p, i)? {
            missing.push(i);
        }
    }
    if !missing.is_empty() {
        let shown: Vec<String> = missing.iter().take(10).map(|i| i.to_string()).collect();
        return Err(SweepError::Input(format!(
            "error: {}: {} of {} cells missing ({}{}); run the remaining shards (or the sweep again) first",
            dir.display(),
            missing.len(),
            p.cells.len(),
            shown.join(", "),
            if missing.len() > 10 { ", …" } else { "" }
        )));
    }
    let out = dir.join("sweep.csv");
    write_atomic(&out, |w| {
        writeln!(w, "{}", header(&p))?;
        for i in 0..p.cells.len() {
            let text = std::fs::read_to_string(cell_path(dir, i))?;
            let body = text.split_once('\n').map(|x| x.1).unwrap_or("");
            w.write_all(body.as_bytes())?;
        }
        Ok(())
    })
    .map_err(|e| io_err(&out, e))?;
    Ok(out)
}

/// What `slurm-script` prints.
#[derive(Debug, Clone)]
pub struct SlurmScript {
    /// The sweep's arguments after `carenet sweep` (scenario, design, reps, …),
    /// already shell-quoted, without `--out` and `--shard`.
    pub sweep_args: Vec<String>,
    pub out: PathBuf,
    /// Array tasks.
    pub tasks: usize,
    /// The carenet binary to call.
    pub carenet: String,
    pub cpus_per_task: usize,
    pub time: String,
    pub job_name: String,
}

/// Quotes `s` for a POSIX shell.
pub fn shell_quote(s: &str) -> String {
    if !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c)) {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// A driver script: submits the sweep as an sbatch array of `tasks` shards and
/// the merge as a job that runs after every shard succeeded.
pub fn slurm_script(s: &SlurmScript) -> String {
    let out = shell_quote(&s.out.display().to_string());
    let bin = shell_quote(&s.carenet);
    let args = s.sweep_args.join(" ");
    let last = s.tasks.saturating_sub(1);
    format!(
        r#"#!/usr/bin/env bash
# carenet sweep as a Slurm job array: {tasks} shards, then a merge job that
# runs when every shard has succeeded. Submit with: bash THIS_FILE
# Rerunning resubmits only the work left: finished cells are skipped.
set -euo pipefail
mkdir -p {out}/slurm
array_job=$(sbatch --parsable --job-name={name} --array=0-{last} \
    --cpus-per-task={cpus} --time={time} --output={out}/slurm/%x-%A_%a.out \
    --wrap="{bin} sweep {args} --out {out} --threads {cpus} --shard slurm -q")
array_job=${{array_job%%;*}}
merge_job=$(sbatch --parsable --job-name={name}-merge --dependency=afterok:$array_job \
    --cpus-per-task=1 --time=00:10:00 --output={out}/slurm/%x-%j.out \
    --wrap="{bin} merge {out}")
merge_job=${{merge_job%%;*}}
echo "submitted array job $array_job ({tasks} tasks) and merge job $merge_job, results in: {out}/sweep.csv"
"#,
        tasks = s.tasks,
        out = out,
        name = shell_quote(&s.job_name),
        last = last,
        cpus = s.cpus_per_task,
        time = shell_quote(&s.time),
        bin = bin,
        args = args,
    )
}
