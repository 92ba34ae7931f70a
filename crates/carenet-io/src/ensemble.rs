//! An ensemble file: the plausible parameter sets a calibration leaves
//! (`plausible.csv` of `carenet calibrate`), read for `--ensemble`.
//!
//! The header names one column per varied parameter by its dotted key, plus
//! `wave` and `max_implausibility`, which say how the point was found and are
//! not parameters. Every other cell must be a finite number.

use std::path::Path;

use carenet_model::experiment::ensemble::Ensemble;
use sha2::{Digest, Sha256};

/// Columns of plausible.csv that describe a point rather than set a parameter.
pub const INFO_COLUMNS: [&str; 2] = ["wave", "max_implausibility"];

/// Why an ensemble file cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum EnsembleError {
    /// The file could not be read (exit code 2: the user named it).
    #[error("cannot read the ensemble file {path}: {source}")]
    Read { path: String, source: std::io::Error },
    /// The file is not an ensemble: where, and what is allowed.
    #[error("{path}:{line}:{column}: {message}")]
    Bad { path: String, line: usize, column: usize, message: String },
}

/// The largest ensemble file read (64 MiB).
pub const MAX_ENSEMBLE_BYTES: u64 = 64 * 1024 * 1024;

/// Reads the ensemble in `path`.
pub fn read(path: &Path) -> Result<Ensemble, EnsembleError> {
    let shown = path.display().to_string();
    let read_err = |source| EnsembleError::Read { path: shown.clone(), source };
    let meta = std::fs::metadata(path).map_err(read_err)?;
    if !meta.is_file() || meta.len() > MAX_ENSEMBLE_BYTES {
        let why = if meta.is_file() { "larger than 64 MiB" } else { "not a regular file" };
        return Err(read_err(std::io::Error::new(std::io::ErrorKind::InvalidInput, why)));
    }
    let bytes = std::fs::read(path).map_err(read_err)?;
    let text = String::from_utf8(bytes.clone()).map_err(|_| EnsembleError::Bad {
        path: shown.clone(),
        line: 1,
        column: 1,
        message: "is not UTF-8 text; an ensemble is a CSV file such as calibrate's plausible.csv".into(),
    })?;
    let label = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| shown.clone());
    parse(&text, &shown, label, checksum(&bytes))
}

/// `sha256:` and the hex digest of `bytes`.
pub fn checksum(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut out = String::from("sha256:");
    for b in digest {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

/// Fields of a line with the 1-based column where each starts.
fn fields(line: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = 0;
    for part in line.split(',') {
        out.push((start + 1, part.trim()));
        start += part.len() + 1;
    }
    out
}

/// Parses an ensemble's text (`shown` names it in messages).
pub fn parse(text: &str, shown: &str, label: String, checksum: String) -> Result<Ensemble, EnsembleError> {
    let bad = |line: usize, column: usize, message: String| EnsembleError::Bad {
        path: shown.to_string(),
        line,
        column,
        message,
    };
    let mut lines = text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty());
    let Some((h, header)) = lines.next() else {
        return Err(bad(
            1,
            1,
            "is empty; an ensemble needs a header (one column per parameter by its dotted key, plus `wave` and \
             `max_implausibility`) and at least one row"
                .into(),
        ));
    };
    let header = fields(header.trim_start_matches('\u{feff}'));
    let mut param_cols = Vec::new();
    let mut keys: Vec<String> = Vec::new();
    for (i, (col, name)) in header.iter().enumerate() {
        if *name == "weight" {
            return Err(bad(
                h + 1,
                *col,
                "a `weight` column: weighted ensembles (ABC) are not supported; give the unweighted plausible set \
                 that `carenet calibrate` writes"
                    .into(),
            ));
        }
        if INFO_COLUMNS.contains(name) {
            continue;
        }
        if name.is_empty() {
            return Err(bad(
                h + 1,
                *col,
                "an empty column name; each column names a parameter by its dotted key".into(),
            ));
        }
        if keys.iter().any(|k| k == name) {
            return Err(bad(h + 1, *col, format!("the column `{name}` appears twice")));
        }
        keys.push(name.to_string());
        param_cols.push(i);
    }
    if keys.is_empty() {
        return Err(bad(
            h + 1,
            1,
            "no parameter columns; the header names each varied parameter by its dotted key (e.g. \
             `ties.decay_weekly`) beside `wave` and `max_implausibility`"
                .into(),
        ));
    }
    let mut points = Vec::new();
    for (n, line) in lines {
        let f = fields(line);
        if f.len() != header.len() {
            return Err(bad(n + 1, 1, format!("{} fields, but the header has {}", f.len(), header.len())));
        }
        let mut point = Vec::with_capacity(keys.len());
        for &i in &param_cols {
            let (col, cell) = f[i];
            match cell.parse::<f64>() {
                Ok(x) if x.is_finite() => point.push(x),
                _ => {
                    return Err(bad(n + 1, col, format!("`{cell}` for `{}` is not a finite number", header[i].1)));
                }
            }
        }
        points.push(point);
    }
    if points.is_empty() {
        return Err(bad(
            h + 1,
            1,
            "no parameter sets: the header is followed by no rows (an empty plausible set?)".into(),
        ));
    }
    Ok(Ensemble { keys, points, label, checksum })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(text: &str) -> Result<Ensemble, EnsembleError> {
        parse(text, "plausible.csv", "plausible.csv".into(), "sha256:x".into())
    }

    #[test]
    fn reads_keys_and_points_and_skips_info_columns() {
        let e =
            p("ties.decay_weekly,needs.help_hours_scale,wave,max_implausibility\n0.004,1.2,1,2.5\n0.005,0.9,2,1.1\n")
                .unwrap();
        assert_eq!(e.keys, ["ties.decay_weekly", "needs.help_hours_scale"]);
        assert_eq!(e.points, vec![vec![0.004, 1.2], vec![0.005, 0.9]]);
    }

    #[test]
    fn says_where_a_cell_is_bad() {
        let e = p("a.b,wave\n0.1,1\nx,2\n").unwrap_err().to_string();
        assert_eq!(e, "plausible.csv:3:1: `x` for `a.b` is not a finite number");
        let e = p("a.b,c.d\n0.1,nan\n").unwrap_err().to_string();
        assert_eq!(e, "plausible.csv:2:5: `nan` for `c.d` is not a finite number");
        let e = p("a.b,c.d\n0.1\n").unwrap_err().to_string();
        assert!(e.starts_with("plausible.csv:2:1: 1 fields, but the header has 2"), "{e}");
    }

    #[test]
    fn refuses_empty_weighted_and_keyless_files() {
        assert!(p("").unwrap_err().to_string().contains("is empty"));
        assert!(p("a.b,wave\n").unwrap_err().to_string().contains("no parameter sets"));
        assert!(p("a.b,weight\n1,0.5\n").unwrap_err().to_string().contains("weighted ensembles"));
        assert!(p("wave,max_implausibility\n1,2\n").unwrap_err().to_string().contains("no parameter columns"));
    }

    #[test]
    fn checksum_is_sha256() {
        assert_eq!(checksum(b"abc"), "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
