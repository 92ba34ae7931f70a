//! One output folder, one run: a command builds its files in a fresh staging
//! folder beside the target and swaps it in whole once every file is written,
//! so the target is always one run's complete output (or untouched).
//!
//! - [`Staging::begin`] checks the target (an existing file where the folder
//!   should be is [`OutDirError::Invalid`], bad input; a location that cannot be
//!   written is [`OutDirError::Io`]), locks it with `.NAME.lock` beside
//!   it (an OS file lock, held until the run ends, recording the holder's PID; a
//!   second writer gets [`OutDirError::Busy`]), repairs and removes what killed
//!   runs left beside it (`.NAME.tmp-PID-N` staging folders, `.NAME.old-PID-N`
//!   folders of an interrupted swap), and creates and test-writes the staging
//!   folder `.NAME.tmp-PID-N` — all before the model runs, so a bad `--out`
//!   fails at once.
//! - [`Staging::commit`] moves into the new folder what the old one holds that
//!   carenet did not write ([`is_output_name`] is false: other commands'
//!   sub-folders such as `compare/`, the user's own files), swaps the two (one
//!   `renameat2(RENAME_EXCHANGE)` on Linux, two renames elsewhere) and removes
//!   the old folder.
//! - Dropping an uncommitted [`Staging`] (a failed run) removes the staging
//!   folder and leaves the target as it was.
//! - [`exit_130_on_interrupt`]: Ctrl-C prints one line and exits 130; the
//!   target is untouched and the next run removes the staging folder.

use std::ffi::{OsStr, OsString};
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

/// The names carenet writes in an output folder (every command's files and
/// `plots/`). A new output replaces exactly these; anything else in the old
/// folder is carried over into the new one.
pub const OUTPUT_NAMES: &[&str] = &[
    "manifest.json",
    "dictionary.csv",
    "timeseries.csv",
    "timeseries_types.csv",
    "summary.csv",
    "age_bands.csv",
    "breakdowns.csv",
    "drift.csv",
    "network_nodes.csv",
    "network_edges.csv",
    "compare.csv",
    "compare_timeseries.csv",
    "claims.csv",
    "claims.md",
    "sensitivity.csv",
    "city.csv",
    "city_streets.csv",
    "report.html",
    "plots",
];

/// The first name in folder `target` that a run would replace although carenet did
/// not write the folder (it has no manifest.json): a folder carenet did not create is
/// never emptied, not even of files that happen to bear carenet's names.
fn not_carenet_s(target: &Path) -> Option<String> {
    if target.join("manifest.json").exists() {
        return None;
    }
    let mut names: Vec<String> = fs::read_dir(target)
        .ok()?
        .filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        .filter(|n| OUTPUT_NAMES.contains(&n.as_str()))
        .collect();
    names.sort();
    names.into_iter().next()
}

/// Whether `name` is carenet's in an output folder: one of [`OUTPUT_NAMES`],
/// or a temporary file of [`crate::output::write_atomic`] (`.NAME.tmp-PID`).
pub fn is_output_name(name: &OsStr) -> bool {
    let Some(name) = name.to_str() else { return false };
    if OUTPUT_NAMES.contains(&name) {
        return true;
    }
    // Not `.NAME.tmp-PID-N` or `.NAME.lock`: those are a nested folder's run, carried over.
    let pid = name.strip_prefix('.').and_then(|n| n.rsplit_once(".tmp-")).map(|(_, pid)| pid);
    pid.is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

/// Why an output folder cannot be prepared or swapped in.
#[derive(Debug, thiserror::Error)]
pub enum OutDirError {
    /// The path cannot be an output folder (bad input).
    #[error("{}: {why}", path.display())]
    Invalid { path: PathBuf, why: String },
    /// Another process is writing the same folder.
    #[error(
        "{}: another carenet{} is writing this folder (lock {}); wait for it to finish or choose another --out",
        path.display(),
        pid.map(|p| format!(" (PID {p})")).unwrap_or_default(),
        lock.display()
    )]
    Busy { path: PathBuf, lock: PathBuf, pid: Option<u32> },
    /// The file system refused.
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: io::Error },
}

impl OutDirError {
    /// Whether the path itself is bad input (exit 2) rather than a runtime failure.
    pub fn is_input(&self) -> bool {
        matches!(self, OutDirError::Invalid { .. })
    }
}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> OutDirError + '_ {
    move |source| OutDirError::Io { path: path.to_path_buf(), source }
}

/// `.NAME` + `suffix`, beside `NAME`.
fn sibling(parent: &Path, name: &OsStr, suffix: &str) -> PathBuf {
    let mut s = OsString::from(".");
    s.push(name);
    s.push(suffix);
    parent.join(s)
}

/// Whether `entry` is `.NAME.tmp-PID-N` or `.NAME.old-PID-N` for this `name`.
fn is_leftover(entry: &OsStr, name: &OsStr) -> bool {
    let (e, n) = (entry.as_encoded_bytes(), name.as_encoded_bytes());
    let Some(rest) = e.strip_prefix(b".").and_then(|r| r.strip_prefix(n)) else { return false };
    let Some(rest) = rest.strip_prefix(b".tmp-").or_else(|| rest.strip_prefix(b".old-")) else { return false };
    let mut parts = rest.split(|&b| b == b'-');
    let digits = |p: Option<&[u8]>| p.is_some_and(|p| !p.is_empty() && p.iter().all(u8::is_ascii_digit));
    digits(parts.next()) && digits(parts.next()) && parts.next().is_none()
}

/// A fresh `.NAME.KIND-PID-N` path.
fn fresh(parent: &Path, name: &OsStr, kind: &str) -> PathBuf {
    static N: AtomicU32 = AtomicU32::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    sibling(parent, name, &format!(".{kind}-{}-{n}", std::process::id()))
}

/// The lock on an output folder: `.NAME.lock` beside it, holding the PID of
/// the process that writes. Removed, then released, when dropped.
#[derive(Debug)]
struct Lock {
    file: File,
    path: PathBuf,
}

impl Lock {
    fn take(path: PathBuf, target: &Path) -> Result<Lock, OutDirError> {
        // The previous holder removes the file before releasing it: the lock
        // counts only if the path still names the file locked.
        for _ in 0..16 {
            let mut file = OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&path)
                .map_err(io_err(&path))?;
            match file.try_lock() {
                Ok(()) => {}
                Err(fs::TryLockError::WouldBlock) => {
                    let mut text = String::new();
                    let _ = file.read_to_string(&mut text);
                    return Err(OutDirError::Busy {
                        path: target.to_path_buf(),
                        lock: path,
                        pid: text.trim().parse().ok(),
                    });
                }
                Err(fs::TryLockError::Error(e)) => return Err(io_err(&path)(e)),
            }
            if same_file(&file, &path) {
                file.set_len(0).map_err(io_err(&path))?;
                write!(file, "{}", std::process::id()).map_err(io_err(&path))?;
                return Ok(Lock { file, path });
            }
        }
        Err(io_err(&path)(io::Error::other("the lock file keeps being replaced")))
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.path);
        let _ = self.file.unlock();
    }
}

#[cfg(unix)]
fn same_file(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_: &File, path: &Path) -> bool {
    path.exists()
}

/// An output folder being written: files go to [`Staging::dir`]; [`Staging::commit`]
/// makes them the target's.
#[derive(Debug)]
pub struct Staging {
    target: PathBuf,
    staging: PathBuf,
    done: bool,
    // Released last (fields drop after `Drop::drop`).
    _lock: Lock,
}

impl Staging {
    /// Locks `target`, cleans what killed runs left, and creates the staging folder.
    pub fn begin(target: &Path) -> Result<Staging, OutDirError> {
        let target = resolve(target)?;
        let invalid = |path: &Path, why: &str| OutDirError::Invalid { path: path.to_path_buf(), why: why.into() };
        let (Some(parent), Some(name)) = (target.parent(), target.file_name()) else {
            return Err(invalid(&target, "not a folder name an output can be written to"));
        };
        let parent = if parent.as_os_str().is_empty() { Path::new(".") } else { parent };
        // An existing file named as the folder is bad input; a file higher up is
        // a location that cannot be written (the file system's error).
        if fs::metadata(&target).is_ok_and(|m| !m.is_dir()) {
            return Err(invalid(&target, "exists and is not a folder"));
        }
        fs::create_dir_all(parent).map_err(io_err(parent))?;
        let lock = Lock::take(sibling(parent, name, ".lock"), &target)?;
        recover(parent, name, &target)?;
        if let Some(theirs) = not_carenet_s(&target) {
            return Err(invalid(
                &target,
                &format!(
                    "holds `{theirs}` but no manifest.json, so carenet did not write it and will not replace it; \
                     choose another --out, or move `{theirs}` away"
                ),
            ));
        }
        let staging = fresh(parent, name, "tmp");
        fs::create_dir(&staging).map_err(io_err(&staging))?;
        let staged = Staging { target, staging, done: false, _lock: lock };
        // A folder that can be made may still refuse files (a full disk, a quota).
        let probe = staged.staging.join(".probe");
        File::create(&probe).and_then(|mut f| f.write_all(b"carenet")).map_err(io_err(&probe))?;
        fs::remove_file(&probe).map_err(io_err(&probe))?;
        Ok(staged)
    }

    /// Where the run writes its files.
    pub fn dir(&self) -> &Path {
        &self.staging
    }

    /// The folder the files end in (symbolic links resolved).
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Swaps the staging folder in as the target, carrying over what the old
    /// target holds that carenet did not write.
    pub fn commit(mut self) -> Result<(), OutDirError> {
        let parent = match self.target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = self.target.file_name().unwrap_or_default().to_os_string();
        let _ = File::open(&self.staging).and_then(|d| d.sync_all());
        if fs::symlink_metadata(&self.target).is_ok() {
            carry_over(&self.target, &self.staging).map_err(io_err(&self.target))?;
            let old = match exchange(&self.staging, &self.target) {
                Ok(()) => self.staging.clone(),
                Err(_) => {
                    let old = fresh(&parent, &name, "old");
                    fs::rename(&self.target, &old).map_err(io_err(&self.target))?;
                    if let Err(e) = fs::rename(&self.staging, &self.target) {
                        let _ = fs::rename(&old, &self.target);
                        return Err(io_err(&self.target)(e));
                    }
                    old
                }
            };
            self.done = true;
            // The new folder is in place; a leftover is removed by the next run.
            let _ = discard(&old, &self.target);
        } else {
            fs::rename(&self.staging, &self.target).map_err(io_err(&self.target))?;
            self.done = true;
        }
        let _ = File::open(&parent).and_then(|d| d.sync_all());
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.done {
            let _ = discard(&self.staging, &self.target);
        }
    }
}

/// `target`, or the folder it links to (so the staging folder is on its file system).
fn resolve(target: &Path) -> Result<PathBuf, OutDirError> {
    match fs::symlink_metadata(target) {
        Ok(m) if m.file_type().is_symlink() => fs::canonicalize(target).map_err(io_err(target)),
        _ => Ok(target.to_path_buf()),
    }
}

/// Moves what `from` holds that carenet did not write into `to` (unless `to` has it).
fn carry_over(from: &Path, to: &Path) -> io::Result<()> {
    let entries = match fs::read_dir(from) {
        Ok(e) => e,
        Err(e) if e.kind() == io::ErrorKind::NotADirectory => return Ok(()),
        Err(e) => return Err(e),
    };
    for entry in entries {
        let entry = entry?;
        let name = entry.file_name();
        if is_output_name(&name) || fs::symlink_metadata(to.join(&name)).is_ok() {
            continue;
        }
        fs::create_dir_all(to)?;
        fs::rename(entry.path(), to.join(&name))?;
    }
    Ok(())
}

/// Removes a staging or old folder, first carrying over into `target` what is not carenet's.
fn discard(dir: &Path, target: &Path) -> io::Result<()> {
    carry_over(dir, target)?;
    match fs::remove_dir_all(dir) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

/// What killed runs left beside `target` (the lock is held): an interrupted
/// swap's old folder is put back if the target is missing; staging and old
/// folders are removed (after carrying over what is not carenet's).
fn recover(parent: &Path, name: &OsStr, target: &Path) -> Result<(), OutDirError> {
    let mut leftovers: Vec<PathBuf> = Vec::new();
    for entry in fs::read_dir(parent).map_err(io_err(parent))? {
        let entry = entry.map_err(io_err(parent))?;
        if is_leftover(&entry.file_name(), name) {
            leftovers.push(entry.path());
        }
    }
    leftovers.sort();
    if fs::symlink_metadata(target).is_err() {
        let old = leftovers.iter().position(|p| p.file_name().is_some_and(|n| n.to_string_lossy().contains(".old-")));
        if let Some(i) = old {
            let old = leftovers.remove(i);
            fs::rename(&old, target).map_err(io_err(&old))?;
        }
    }
    for dir in &leftovers {
        discard(dir, target).map_err(io_err(dir))?;
    }
    Ok(())
}

/// Swaps two paths in one step (Linux `renameat2(RENAME_EXCHANGE)`); an error
/// elsewhere or where the file system cannot.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let c = |p: &Path| CString::new(p.as_os_str().as_bytes()).map_err(io::Error::other);
    let (a, b) = (c(a)?, c(b)?);
    // SAFETY: both are valid NUL-terminated paths that live across the call.
    let r = unsafe {
        libc::syscall(
            libc::SYS_renameat2,
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if r == 0 { Ok(()) } else { Err(io::Error::last_os_error()) }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> io::Result<()> {
    Err(io::Error::from(io::ErrorKind::Unsupported))
}

/// Makes Ctrl-C (SIGINT) print `error: interrupted; …` and exit with code 130.
/// The output folder being written is left as it was: its staging folder stays
/// until the next run into the same folder removes it. Installed once.
pub fn exit_130_on_interrupt() {
    #[cfg(unix)]
    {
        static ONCE: std::sync::Once = std::sync::Once::new();
        ONCE.call_once(|| {
            extern "C" fn on_sigint(_: libc::c_int) {
                const MSG: &[u8] = b"\nerror: interrupted; the output folder was left as it was\n";
                // SAFETY: write(2) and _exit(2) are async-signal-safe.
                unsafe {
                    libc::write(2, MSG.as_ptr().cast(), MSG.len());
                    libc::_exit(130);
                }
            }
            // SAFETY: installs a handler that only calls async-signal-safe functions.
            unsafe {
                libc::signal(libc::SIGINT, on_sigint as extern "C" fn(libc::c_int) as libc::sighandler_t);
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn put(dir: &Path, name: &str, text: &str) {
        fs::create_dir_all(dir).unwrap();
        fs::write(dir.join(name), text).unwrap();
    }

    fn listing(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> =
            fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        v.sort();
        v
    }

    #[test]
    fn leftover_names_are_exactly_this_folder_s() {
        let n = OsStr::new("out");
        for yes in [".out.tmp-12-0", ".out.old-3-44"] {
            assert!(is_leftover(OsStr::new(yes), n), "{yes}");
        }
        for no in
            [".out.lock", ".out.tmp-12", ".out.tmp-1-2-3", ".out.tmp-1-x", ".out.tmp-1.tmp-2-3", "out", ".outx.tmp-1-2"]
        {
            assert!(!is_leftover(OsStr::new(no), n), "{no}");
        }
        // The leftovers of a folder named `out.tmp-1` are not `out`'s.
        assert!(!is_leftover(OsStr::new(".out.tmp-1.tmp-2-3"), n));
        assert!(is_output_name(OsStr::new("plots")) && is_output_name(OsStr::new(".summary.csv.tmp-99")));
        for theirs in ["compare", "notes.txt", ".compare.tmp-12-0", ".compare.lock", ".x.tmp-"] {
            assert!(!is_output_name(OsStr::new(theirs)), "{theirs}");
        }
    }

    #[test]
    fn a_committed_run_replaces_carenet_s_files_and_keeps_the_rest() {
        let tmp = tempfile::tempdir().unwrap();
        let d = tmp.path().join("d");
        put(&d, "manifest.json", "{}");
        put(&d, "summary.csv", "old");
        put(&d, "report.html", "old");
        put(&d.join("plots"), "a.svg", "old");
        put(&d.join("compare"), "compare.csv", "theirs");
        put(&d, "notes.txt", "mine");
        let s = Staging::begin(&d).unwrap();
        assert!(s.dir().starts_with(tmp.path()) && s.dir() != d);
        assert_eq!(fs::read_to_string(tmp.path().join(".d.lock")).unwrap(), std::process::id().to_string());
        put(s.dir(), "summary.csv", "new");
        s.commit().unwrap();
        assert_eq!(listing(&d), ["compare", "notes.txt", "summary.csv"]);
        assert_eq!(fs::read_to_string(d.join("summary.csv")).unwrap(), "new");
        assert_eq!(fs::read_to_string(d.join("compare/compare.csv")).unwrap(), "theirs");
        assert_eq!(listing(tmp.path()), ["d"], "no staging folder, old folder or lock is left");
        // Into a folder that does not exist yet.
        let e = tmp.path().join("a/b/e");
        let s = Staging::begin(&e).unwrap();
        put(s.dir(), "city.csv", "x");
        s.commit().unwrap();
        assert_eq!(listing(&e), ["city.csv"]);
    }

    #[test]
    fn a_run_into_a_nested_folder_survives_a_run_into_its_parent() {
        // `compare` (output/NAME/compare/) staged while `run` (output/NAME/) swaps its folder.
        let tmp = tempfile::tempdir().unwrap();
        let d = tmp.path().join("d");
        put(&d, "manifest.json", "{}");
        put(&d, "summary.csv", "old");
        let inner = Staging::begin(&d.join("compare")).unwrap();
        put(inner.dir(), "compare.csv", "inner");
        let outer = Staging::begin(&d).unwrap();
        put(outer.dir(), "summary.csv", "outer");
        outer.commit().unwrap();
        assert!(inner.dir().is_dir(), "the nested staging folder is carried over");
        inner.commit().unwrap();
        assert_eq!(listing(&d), ["compare", "summary.csv"]);
        assert_eq!(fs::read_to_string(d.join("compare/compare.csv")).unwrap(), "inner");
        assert_eq!(fs::read_to_string(d.join("summary.csv")).unwrap(), "outer");
    }

    #[test]
    fn a_failed_run_leaves_the_folder_as_it_was() {
        let tmp = tempfile::tempdir().unwrap();
        let d = tmp.path().join("d");
        put(&d, "manifest.json", "{}");
        put(&d, "summary.csv", "old");
        let s = Staging::begin(&d).unwrap();
        put(s.dir(), "summary.csv", "half");
        drop(s);
        assert_eq!(listing(&d), ["manifest.json", "summary.csv"]);
        assert_eq!(fs::read_to_string(d.join("summary.csv")).unwrap(), "old");
        assert_eq!(listing(tmp.path()), ["d"]);
    }

    #[test]
    fn a_second_writer_is_refused_and_named() {
        let tmp = tempfile::tempdir().unwrap();
        let d = tmp.path().join("d");
        let first = Staging::begin(&d).unwrap();
        let e = Staging::begin(&d).unwrap_err();
        assert!(!e.is_input());
        let msg = e.to_string();
        assert!(msg.contains(&format!("(PID {})", std::process::id())) && msg.contains("another carenet"), "{msg}");
        drop(first);
        Staging::begin(&d).unwrap().commit().unwrap();
    }

    #[test]
    fn what_killed_runs_left_is_repaired_and_removed() {
        let tmp = tempfile::tempdir().unwrap();
        let d = tmp.path().join("d");
        // A swap killed between its two renames: no target, the old folder aside.
        put(&tmp.path().join(".d.old-999999-0"), "manifest.json", "{}");
        put(&tmp.path().join(".d.old-999999-0"), "summary.csv", "old");
        put(&tmp.path().join(".d.old-999999-0/compare"), "compare.csv", "theirs");
        // A run killed while writing, and one killed after an exchange (the old
        // folder at the staging name, with another command's folder in it).
        put(&tmp.path().join(".d.tmp-999998-3"), "summary.csv", "half");
        put(&tmp.path().join(".d.tmp-999997-1/sweep"), "sweep.json", "theirs");
        fs::write(tmp.path().join(".d.lock"), "999999").unwrap();
        let s = Staging::begin(&d).unwrap();
        assert_eq!(fs::read_to_string(d.join("summary.csv")).unwrap(), "old", "the old folder is put back");
        assert_eq!(listing(&d), ["compare", "manifest.json", "summary.csv", "sweep"]);
        put(s.dir(), "summary.csv", "new");
        s.commit().unwrap();
        assert_eq!(listing(&d), ["compare", "summary.csv", "sweep"]);
        assert_eq!(listing(tmp.path()), ["d"]);
    }

    #[test]
    fn a_folder_without_a_manifest_is_never_emptied() {
        let tmp = tempfile::tempdir().unwrap();
        let d = tmp.path().join("d");
        put(&d, "notes.txt", "mine");
        put(&d, "summary.csv", "mine too");
        let e = Staging::begin(&d).unwrap_err();
        assert!(e.is_input(), "{e}");
        assert!(e.to_string().contains("holds `summary.csv` but no manifest.json"), "{e}");
        assert_eq!(listing(&d), ["notes.txt", "summary.csv"]);
        assert_eq!(listing(tmp.path()), ["d"], "no staging folder or lock is left");
        // Without carenet's names the folder is written into, its files kept.
        fs::remove_file(d.join("summary.csv")).unwrap();
        let s = Staging::begin(&d).unwrap();
        put(s.dir(), "summary.csv", "new");
        s.commit().unwrap();
        assert_eq!(listing(&d), ["notes.txt", "summary.csv"]);
    }

    #[test]
    fn paths_that_cannot_be_folders_are_bad_input() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("f");
        fs::write(&file, "x").unwrap();
        for bad in [file.clone(), PathBuf::from("..")] {
            let e = Staging::begin(&bad).unwrap_err();
            assert!(e.is_input(), "{bad:?}: {e}");
        }
        // Under a file: a location that cannot be written, not bad input.
        assert!(!Staging::begin(&file.join("sub")).unwrap_err().is_input());
        assert!(Staging::begin(&file).unwrap_err().to_string().ends_with("exists and is not a folder"));
        assert_eq!(fs::read_to_string(&file).unwrap(), "x");
    }

    #[cfg(unix)]
    #[test]
    fn a_linked_folder_is_written_where_it_points() {
        let tmp = tempfile::tempdir().unwrap();
        let real = tmp.path().join("real");
        put(&real, "manifest.json", "{}");
        put(&real, "summary.csv", "old");
        std::os::unix::fs::symlink(&real, tmp.path().join("link")).unwrap();
        let s = Staging::begin(&tmp.path().join("link")).unwrap();
        put(s.dir(), "summary.csv", "new");
        s.commit().unwrap();
        assert!(fs::symlink_metadata(tmp.path().join("link")).unwrap().file_type().is_symlink());
        assert_eq!(fs::read_to_string(tmp.path().join("link/summary.csv")).unwrap(), "new");
    }
}
