//! A sweep's directory: the plan (`sweep.json`), one file per finished cell
//! (`cells/cell-NNNNNN.csv`, written atomically, self-checking: verified before
//! it is skipped on a rerun or merged), the merge into `sweep.csv`, and the Slurm script that runs a sweep as a job array.
//! Planning and running are `carenet_model::experiment::sweep`'s.

use std::io;
use std::path::{Path, PathBuf};

use carenet_model::experiment::sweep::{CellFault, SweepError, SweepPlan, cell_file, check_cell, header};
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

/// What to do about a damaged or foreign cell file: delete it and run again.
fn advice(dir: &Path) -> String {
    format!("delete it and run the sweep (or its shard) into {} again: only the cells missing are run", dir.display())
}

/// Makes `dir` hold `p`: writes `sweep.json`, or checks that the one there is
/// the same sweep (same hash) and refuses otherwise. Without a `sweep.json`,
/// the cells already in `dir` are checked first, and a cell of another sweep
/// is refused before anything is written.
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
    check_orphan_cells(dir, p)?;
    write_atomic(&path, |w| {
        serde_json::to_writer_pretty(&mut *w, p).map_err(io::Error::other)?;
        writeln!(w)
    })
    .map_err(|e| io_err(&path, e))
}

/// Refuses `dir` if its `cells/` (left without a `sweep.json`) hold a whole
/// cell of another sweep, or a cell this sweep does not have.
fn check_orphan_cells(dir: &Path, p: &SweepPlan) -> Result<(), SweepError> {
    let cells = dir.join("cells");
    let entries = match std::fs::read_dir(&cells) {
        Ok(e) => e,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(io_err(&cells, e)),
    };
    let refuse = |what: String| {
        SweepError::Input(format!(
            "error: {} has no sweep.json but holds {what}, not one of this sweep ({}): choose another --out \
             or remove the directory",
            dir.display(),
            p.hash
        ))
    };
    let mut found = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| io_err(&cells, e))?;
        let name = entry.file_name();
        let i = name.to_str().and_then(|n| n.strip_prefix("cell-")?.strip_suffix(".csv")?.parse::<usize>().ok());
        if let Some(i) = i
            && cell_path(dir, i).file_name() == Some(name.as_os_str())
        {
            found.push(i);
        }
    }
    // In cell order, so the message names the same file on every file system.
    found.sort_unstable();
    for i in found {
        if i >= p.cells.len() {
            return Err(refuse(format!("{} (this sweep has {} cells)", cell_path(dir, i).display(), p.cells.len())));
        }
        if let CellState::Foreign { hash, cell } = cell_state(dir, p, i)? {
            return Err(refuse(format!("{}: cell {cell} of sweep {hash}", cell_path(dir, i).display())));
        }
    }
    Ok(())
}

/// A cell file's state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CellState {
    /// No file.
    Missing,
    /// The file is this sweep's cell, whole.
    Done,
    /// The file is damaged: what is wrong.
    Damaged(String),
    /// The file is whole, but cell `cell` of sweep `hash`.
    Foreign { hash: String, cell: usize },
}

/// The state of cell `i`'s file in `dir` ([`check_cell`]).
pub fn cell_state(dir: &Path, p: &SweepPlan, i: usize) -> Result<CellState, SweepError> {
    let path = cell_path(dir, i);
    match std::fs::read(&path) {
        Ok(bytes) => Ok(match check_cell(p, i, &bytes) {
            Ok(_) => CellState::Done,
            Err(CellFault::Damaged(why)) => CellState::Damaged(why),
            Err(CellFault::Foreign { hash, cell }) => CellState::Foreign { hash, cell },
        }),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(CellState::Missing),
        Err(e) => Err(io_err(&path, e)),
    }
}

/// The input error for cell `i`'s file in `dir` being damaged or foreign.
fn cell_error(dir: &Path, i: usize, state: &CellState) -> SweepError {
    let what = match state {
        CellState::Damaged(why) => format!("damaged: {why}"),
        CellState::Foreign { hash, cell } => format!("belongs to another sweep or cell (cell {cell} of sweep {hash})"),
        CellState::Missing | CellState::Done => "is not damaged".into(),
    };
    SweepError::Input(format!("error: {}: {what}; {}", cell_path(dir, i).display(), advice(dir)))
}

/// Whether cell `i` is finished in `dir`: `Ok(true)` if its file is this
/// sweep's cell, whole; `Ok(false)` if there is none; an input error naming
/// the file, what is wrong and what to do if it is damaged or another's.
pub fn cell_done(dir: &Path, p: &SweepPlan, i: usize) -> Result<bool, SweepError> {
    match cell_state(dir, p, i)? {
        CellState::Done => Ok(true),
        CellState::Missing => Ok(false),
        bad => Err(cell_error(dir, i, &bad)),
    }
}

/// The cells a call to [`run_cells`] ran.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ran {
    /// Every cell run, in `todo` order.
    pub cells: Vec<usize>,
    /// The cells among them whose file was damaged, with what was wrong.
    pub redone: Vec<(usize, String)>,
}

/// Runs the cells `todo` of `p` that are not finished yet in `dir` (replications
/// and cells in parallel), writing each cell's file once its replications are
/// done. A damaged cell file is not trusted: the cell is run again (and listed
/// in [`Ran::redone`]); a whole cell of another sweep is refused.
/// `on_rep_done` is called per replication.
pub fn run_cells(
    dir: &Path,
    p: &SweepPlan,
    scenarios: &[Scenario],
    todo: &[usize],
    threads: Option<usize>,
    on_rep_done: &(dyn Fn() + Sync),
) -> Result<Ran, SweepError> {
    let mut ran = Ran::default();
    for &i in todo {
        match cell_state(dir, p, i)? {
            CellState::Done => {}
            CellState::Missing => ran.cells.push(i),
            CellState::Damaged(why) => {
                ran.cells.push(i);
                ran.redone.push((i, why));
            }
            foreign @ CellState::Foreign { .. } => return Err(cell_error(dir, i, &foreign)),
        }
    }
    let write_cell = |i: usize, body: String| {
        let path = cell_path(dir, i);
        write_atomic(&path, |w| w.write_all(cell_file(&p.hash, i, &body).as_bytes())).map_err(|e| io_err(&path, e))
    };
    carenet_model::experiment::sweep::run_cells(p, scenarios, &ran.cells, threads, on_rep_done, &write_cell)?;
    Ok(ran)
}

/// Checks that every cell of the sweep in `dir` is present, whole and of the
/// same sweep, and writes `DIR/sweep.csv`. Returns its path. A damaged cell is
/// an input error naming the file, what is wrong and what to do.
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
    let mut damaged = None;
    write_atomic(&out, |w| {
        writeln!(w, "{}", header(&p))?;
        for i in 0..p.cells.len() {
            // Checked again as read: a cell changed since the check above is not merged.
            let bytes = std::fs::read(cell_path(dir, i))?;
            match check_cell(&p, i, &bytes) {
                Ok(body) => w.write_all(body.as_bytes())?,
                Err(fault) => {
                    damaged = Some((i, fault));
                    return Err(io::Error::other("a cell changed while merging"));
                }
            }
        }
        Ok(())
    })
    .map_err(|e| match damaged.take() {
        Some((i, CellFault::Damaged(why))) => cell_error(dir, i, &CellState::Damaged(why)),
        Some((i, CellFault::Foreign { hash, cell })) => cell_error(dir, i, &CellState::Foreign { hash, cell }),
        None => io_err(&out, e),
    })?;
    Ok(out)
}

/// What `slurm-script` prints.
#[derive(Debug, Clone)]
pub struct SlurmScript {
    /// `sweep` or `run` (a city run's (replication, street) items across the array).
    pub command: &'static str,
    /// The arguments after `carenet COMMAND` (scenario, design, reps, …),
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

/// Quotes `s` for a POSIX shell: as it is if it holds only characters no shell
/// treats specially, else in single quotes (a `'` written as `'\''`).
pub fn shell_quote(s: &str) -> String {
    if !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c)) {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// `path` as text for a script, or an input error if it is not UTF-8 (a
/// script cannot name it without changing it).
pub fn script_path<'a>(path: &'a Path, what: &str) -> Result<&'a str, SweepError> {
    path.to_str().ok_or_else(|| {
        SweepError::Input(format!(
            "error: {what} {} is not UTF-8 text, so a script cannot name it: choose a path in UTF-8",
            path.display()
        ))
    })
}

/// A driver script: submits the sweep (or the run) as an sbatch array of `tasks` shards and
/// the merge as a job that runs after every shard succeeded. Every word is
/// quoted for the shell, and each `--wrap` command (run by `sh -c` on the
/// cluster) is quoted word by word and then as one argument, so any output
/// path (spaces, quotes, `$`, backslashes, newlines) reaches carenet as it is.
/// An output path that is not UTF-8 is an input error.
pub fn slurm_script(s: &SlurmScript) -> Result<String, SweepError> {
    let out_str = script_path(&s.out, "the output directory")?;
    let out = shell_quote(out_str);
    let bin = shell_quote(&s.carenet);
    let args = s.sweep_args.join(" ");
    // sbatch expands `%` in --output; `%%` is a literal `%`.
    let log = |pattern: &str| shell_quote(&format!("--output={}/slurm/{pattern}", out_str.replace('%', "%%")));
    let command = s.command;
    let shard_cmd = format!("{bin} {command} {args} --out {out} --threads {} --shard slurm -q", s.cpus_per_task);
    let result = if command == "run" { "summary.csv" } else { "sweep.csv" };
    let merge_cmd = format!("{bin} merge {out}");
    Ok(format!(
        r#"#!/usr/bin/env bash
# carenet {command} as a Slurm job array: {tasks} shards, then a merge job that
# runs when every shard has succeeded. Submit with: bash THIS_FILE
# Array task K (1..={tasks}) runs shard K/{tasks} (`--shard slurm`).
# Rerunning resubmits only the work left: finished cells are skipped.
set -euo pipefail
mkdir -p {slurm_dir}
array_job=$(sbatch --parsable {name} --array=1-{tasks} \
    --cpus-per-task={cpus} {time} {array_log} \
    {shard_wrap})
array_job=${{array_job%%;*}}
merge_job=$(sbatch --parsable {merge_name} --dependency=afterok:$array_job \
    --cpus-per-task=1 --time=00:10:00 {merge_log} \
    {merge_wrap})
merge_job=${{merge_job%%;*}}
echo "submitted array job $array_job ({tasks} tasks) and merge job $merge_job, results in:" {csv}
"#,
        tasks = s.tasks,
        slurm_dir = shell_quote(&format!("{out_str}/slurm")),
        name = shell_quote(&format!("--job-name={}", s.job_name)),
        merge_name = shell_quote(&format!("--job-name={}-merge", s.job_name)),
        cpus = s.cpus_per_task,
        time = shell_quote(&format!("--time={}", s.time)),
        array_log = log("%x-%A_%a.out"),
        merge_log = log("%x-%j.out"),
        shard_wrap = shell_quote(&format!("--wrap={shard_cmd}")),
        merge_wrap = shell_quote(&format!("--wrap={merge_cmd}")),
        csv = shell_quote(&format!("{out_str}/{result}")),
    ))
}
