//! The data dictionary of an output folder, `dictionary.csv`: every file the
//! command wrote, and every column of every CSV with its unit and meaning.
//!
//! The columns are read from the headers of the files just written (the writers'
//! own column lists), so the dictionary cannot drift from the files; each column
//! is described by [`FILE_COLUMNS`] (a column whose meaning depends on the file),
//! then by the metrics' own unit and meaning (`metrics::METRICS`), then by
//! [`COLUMNS`], then, for a sweep's parameter columns, by the parameter registry.
//! A column none of these describes is written with the meaning [`MISSING`]; a
//! test requires that no command's output has one.

use std::io::{self, BufRead};
use std::path::Path;

use carenet_model::metrics::METRICS;
use carenet_model::scenario::registry;

use crate::output::write_atomic;

/// The dictionary's file name in an output folder.
pub const DICTIONARY_FILE: &str = "dictionary.csv";

/// The meaning written for a column nothing describes (a test keeps it out of every output).
pub const MISSING: &str = "(no dictionary entry)";

/// What each file (or folder) of an output folder is.
pub const FILES: &[(&str, &str)] = &[
    (
        "manifest.json",
        "what was run: command, carenet version and commit, seed, replications, weeks, --set overrides, the whole resolved scenario, files written",
    ),
    ("dictionary.csv", "this data dictionary: each file, and each column with its unit and meaning"),
    ("timeseries.csv", "weekly metrics per replication and community (run --timeseries communities)"),
    ("timeseries_types.csv", "weekly metrics per replication and community type (`all` = every community)"),
    (
        "summary.csv",
        "each metric over the summary window (metrics.summary_window last weeks): mean and 95% interval over replications",
    ),
    (
        "age_bands.csv",
        "shares of person-weeks by functional state, deaths and person-weeks per five-year age band and replication",
    ),
    (
        "breakdowns.csv",
        "each headline metric over the summary window by age band, sex, living arrangement, community type and grade: mean and 95% interval over replications",
    ),
    (
        "drift.csv",
        "stationarity check: each headline metric's first reported year against its last, by community type, with the allowed change and pass/fail (runs of two years or more)",
    ),
    ("network_nodes.csv", "the elders of the first replication's final social network"),
    ("network_edges.csv", "the neighbour ties of the first replication's final social network"),
    (
        "compare.csv",
        "each package against the baseline: metric means and paired differences (package − baseline) with 95% intervals",
    ),
    ("compare_timeseries.csv", "weekly metrics of every package, all communities, per replication"),
    (
        "ensemble.csv",
        "compare --ensemble: each package's effect on the unmet-help rate across the ensemble's parameter sets, and the share of sets where it falls by more than 1 point",
    ),
    (
        "claims.csv",
        "the study's claims (one row per claim) and the remedies' spillovers (one row per group): paired effect, 95% interval, verdict against the SESOI, emergent share, robustness, surviving structures",
    ),
    ("claims.md", "the claims, spillover and equal-cost tables and the command that repeats them, as Markdown"),
    ("sensitivity.csv", "global sensitivity indices (Morris or Sobol) of each metric to each factor"),
    ("city.csv", "weekly metrics of the whole city (one replication)"),
    ("city_streets.csv", "weekly metrics per street (one replication)"),
    ("sweep.csv", "each metric of each cell of the sweep: mean and 95% interval over replications"),
    ("sweep.json", "the sweep's plan: keys, cells, seeds and its hash"),
    ("cells", "one file per sweep cell: a checksum line, then rows with sweep.csv's columns"),
    (
        "calibrate.json",
        "the calibration's plan: scenario, varied keys and ranges, targets, settings and the hash that names it",
    ),
    (
        "points",
        "one file per finished calibration point (points/wWW-pNNNN.csv): a checksum line, the point's values, each replication's value of each target",
    ),
    (
        "plausible.csv",
        "every run parameter set not ruled out (maximum implausibility at most the cut-off): one column per varied key, its wave and maximum implausibility",
    ),
    (
        "targets.csv",
        "each calibration target at the best point (lowest maximum implausibility): observed value, pass band, simulated mean and 95% interval, pass",
    ),
    (
        "heldout.csv",
        "each held-out pattern (never used in calibration) at the best point: published value, band stated before calibration, simulated mean and 95% interval, pass",
    ),
    (
        "waves.csv",
        "each wave of history matching, per target: points run, share of the candidate space ruled out, emulator leave-one-out quality",
    ),
    ("points.csv", "every calibration point run: each target's simulated mean and implausibility"),
    ("calibrated.toml", "a scenario file that extends the calibrated scenario and sets the best point"),
    ("plots", "the plots, as SVG and PNG"),
    ("report.html", "one self-contained page with the scenario, tables and plots"),
];

/// Columns whose meaning depends on the file: (file, column, unit, meaning).
pub const FILE_COLUMNS: &[(&str, &str, &str, &str)] = &[
    ("age_bands.csv", "independent", "share (0–1)", "share of the band's person-weeks spent independent"),
    ("age_bands.csv", "iadl_limited", "share (0–1)", "share of the band's person-weeks spent IADL-limited"),
    ("age_bands.csv", "semi_disabled", "share (0–1)", "share of the band's person-weeks spent semi-disabled"),
    ("age_bands.csv", "disabled", "share (0–1)", "share of the band's person-weeks spent disabled"),
    ("age_bands.csv", "deaths", "deaths", "deaths in the band over the run"),
    ("age_bands.csv", "person_weeks", "elder-weeks", "weeks lived by elders of the band over the run"),
    (
        "breakdowns.csv",
        "dimension",
        "",
        "what the elders are grouped by: age_band, sex, living_arrangement, community_type or grade",
    ),
    (
        "breakdowns.csv",
        "group",
        "",
        "the group within the dimension (60-64 … 95+; male, female; alone, not_alone; a community type; 1, 2, 3)",
    ),
    ("drift.csv", "first_year", "the metric's unit", "the metric over the first 52 reported weeks (all replications)"),
    ("drift.csv", "last_year", "the metric's unit", "the metric over the last 52 reported weeks (all replications)"),
    ("drift.csv", "change", "the metric's unit", "last_year − first_year"),
    (
        "drift.csv",
        "allowed",
        "the metric's unit",
        "the largest change the stationarity rule allows: 0.02 (2 per 1,000 for deaths) or 12% of first_year, whichever is larger; 30% of first_year for mutual_aid_share",
    ),
    ("drift.csv", "pass", "", "true when |change| ≤ allowed"),
    (
        "targets.csv",
        "pass",
        "",
        "true when the target's implausibility at the best point (with the Monte-Carlo variance of the mean) is at most the cut-off (3)",
    ),
    ("heldout.csv", "pass", "", "true when the simulated mean lies inside the band stated before calibration"),
    (
        "points.csv",
        "plausible",
        "",
        "true when the point's maximum implausibility over the targets is at most the cut-off (3)",
    ),
    (
        "compare.csv",
        "estimable",
        "",
        "for cost_per_* rows: true when the effect's 95% interval lies wholly above zero, so the ratio is given; false = ratio left blank (not estimable)",
    ),
    (
        "ensemble.csv",
        "points",
        "parameter sets",
        "ensemble sets reached by at least one replication (replication r runs on set r mod K)",
    ),
    (
        "ensemble.csv",
        "reps_per_point",
        "replications",
        "replications per set (the smallest count over the sets reached)",
    ),
    (
        "ensemble.csv",
        "effect_mean",
        "share (0–1)",
        "package − baseline unmet-help rate, paired by replication, mean over all replications",
    ),
    ("ensemble.csv", "effect_low", "share (0–1)", "2.5% quantile of the sets' mean effects"),
    ("ensemble.csv", "effect_high", "share (0–1)", "97.5% quantile of the sets' mean effects"),
    (
        "ensemble.csv",
        "p_lowers_1pt",
        "share (0–1)",
        "share of the sets whose mean effect is below −0.01 (unmet help falls by more than 1 point); includes Monte-Carlo noise, which is large with one replication per set",
    ),
    ("sensitivity.csv", "key", "", "the factor: a parameter's dotted key"),
    ("sensitivity.csv", "index", "", "the index: Morris mu_star, mu, sigma; Sobol first-order S1 or total ST"),
    ("sensitivity.csv", "value", "the metric's unit (Morris) or share of variance (Sobol)", "the index's value"),
    ("network_edges.csv", "a", "", "the first elder of the tie (node number within the community)"),
    ("network_edges.csv", "b", "", "the second elder of the tie (node number within the community)"),
];

/// Columns with one meaning in every file: (column, unit, meaning).
pub const COLUMNS: &[(&str, &str, &str)] = &[
    ("target", "", "the calibration target's id (its [[target]] in the targets file)"),
    ("pattern", "", "the held-out pattern's id (its [[pattern]] in the held-out file)"),
    ("observed", "the target's unit", "the published value (empty: a qualitative pattern)"),
    (
        "band_low",
        "the target's unit",
        "lower end of the pass band: for a target, observed − 3 × √(observation variance + discrepancy²); for a pattern, the band stated before calibration",
    ),
    ("band_high", "the target's unit", "upper end of the pass band (as band_low)"),
    ("simulated_mean", "the target's unit", "the simulated value, mean over replications"),
    (
        "simulated_low",
        "the target's unit",
        "lower end of the 95% t-interval over replications (empty with one replication)",
    ),
    (
        "simulated_high",
        "the target's unit",
        "upper end of the 95% t-interval over replications (empty with one replication)",
    ),
    ("wave", "", "the history-matching wave (1 = the Latin hypercube)"),
    ("point", "", "the point's number within its wave"),
    (
        "max_implausibility",
        "standard deviations",
        "largest implausibility over the targets: |simulated mean − observed| / √(observation variance + discrepancy² + Monte-Carlo variance of the mean)",
    ),
    (
        "implausibility",
        "standard deviations",
        "the target's implausibility at the point (as max_implausibility, one target)",
    ),
    ("points_run", "points", "points run in the wave"),
    ("points_total", "points", "points run in this and earlier waves (the emulators' training set)"),
    ("plausible_points", "points", "points of the wave not ruled out"),
    ("candidates", "points", "candidate points screened with the emulators after the wave"),
    ("candidates_kept", "points", "candidates not ruled out by the emulators of this and every earlier wave"),
    ("ruled_out", "share (0–1)", "share of the candidate space ruled out (1 − candidates_kept / candidates)"),
    (
        "loo_rms",
        "",
        "root mean square of the emulator's standardised leave-one-out errors (about 1 when its variance is honest; much above 1: over-confident)",
    ),
    ("loo_within3", "share (0–1)", "share of the standardised leave-one-out errors within ±3"),
    ("rep", "", "replication number, from 0 (its random streams)"),
    ("week", "week", "reported week, from 0 (the first week after the burn-in, `simulation.burn_in_weeks`)"),
    ("street", "", "the street's name"),
    ("community", "", "the community's name"),
    (
        "community_type",
        "",
        "commercial_estate, village or resettlement (village-to-residence); `all` = every community",
    ),
    ("package", "", "the policy package (`baseline` = no lever)"),
    ("metric", "", "the metric's name (see `carenet list metrics` for its unit and meaning)"),
    ("mean", "the metric's unit", "mean over replications"),
    ("sd", "the metric's unit", "standard deviation over replications"),
    ("ci_low", "the metric's unit", "lower end of the 95% interval"),
    ("ci_high", "the metric's unit", "upper end of the 95% interval"),
    ("n", "replications", "replications the mean and interval are over"),
    ("diff", "the metric's unit", "package − baseline, paired by replication (common random numbers)"),
    ("diff_ci_low", "the metric's unit", "lower end of the difference's 95% interval"),
    ("diff_ci_high", "the metric's unit", "upper end of the difference's 95% interval"),
    ("age_band", "years", "five-year age band, 60-64 … 95+"),
    ("node", "", "the elder's node number within the community"),
    ("grade", "", "care grade: 1 (most in need) to 3"),
    ("state", "", "functional state: independent, iadl_limited, semi_disabled or disabled"),
    ("building", "", "the building the elder lives in (number within the community)"),
    ("strength", "tie strength (0–1)", "the tie's strength"),
    ("claim", "", "the claim's identifier (scenarios/claims.toml)"),
    ("section", "", "where the study makes the claim"),
    (
        "role",
        "",
        "claim (the claim itself) or spillover (a remedy's effect on a group it does not target, or its cost)",
    ),
    (
        "kind",
        "",
        "diagnosis (a problem §3 of the study observes), remedy (a path §4 proposes) or literature (not the study's claim)",
    ),
    ("quote_zh", "", "the study's words the claim rests on, verbatim (docs/study/liang-li-2024.txt)"),
    (
        "statement_en",
        "",
        "the claim in English; for a spillover row, what it measures (and HARMS when the remedy hurts the group)",
    ),
    (
        "group",
        "",
        "what the row is read on: all, a community type, `A vs B` (treatment's type vs reference's), or grade1–grade3 (spillovers)",
    ),
    (
        "sesoi",
        "the metric's unit",
        "smallest effect size of interest (its reason is in scenarios/claims.toml); 0 on cost rows",
    ),
    (
        "effect",
        "the metric's unit",
        "paired effect of the claim's treatment against its reference (treatment − reference), mean over replications",
    ),
    (
        "verdict",
        "",
        "supported, negligible, contradicted or inconclusive: the 95% interval against the SESOI in the expected direction (docs/claims.md); empty on cost rows",
    ),
    (
        "emergent_share",
        "ratio",
        "mean effect with the claim's mechanism parameters neutral in both arms / full mean effect; empty when the full effect is below the SESOI",
    ),
    (
        "robust_share",
        "share (0–1)",
        "share of the robustness draws (Latin hypercube or ensemble) whose mean effect lies beyond the SESOI in the expected direction (empty without draws)",
    ),
    (
        "structures_survived",
        "",
        "alternative structures (KEY=VALUE, `;`-separated) under which the verdict is the same as under the default; none; empty when none were run",
    ),
    ("method", "", "morris or sobol"),
    ("cell", "", "the sweep cell's number"),
];

/// The unit and meaning of `column` in `file`, or `None`.
pub fn describe(file: &str, column: &str) -> Option<(String, String)> {
    if let Some((_, _, u, m)) = FILE_COLUMNS.iter().find(|(f, c, ..)| *f == file && *c == column) {
        return Some((u.to_string(), m.to_string()));
    }
    if let Some(m) = METRICS.iter().find(|m| m.name == column) {
        return Some((m.unit.to_string(), m.description.to_string()));
    }
    if let Some((_, u, m)) = COLUMNS.iter().find(|(c, ..)| *c == column) {
        return Some((u.to_string(), m.to_string()));
    }
    // A sweep's parameter column: the parameter's value in the cell.
    registry::lookup(column).filter(|p| p.kind.is_numeric()).map(|p| {
        let place = if file == "plausible.csv" { "parameter set" } else { "cell" };
        (p.unit.to_string(), format!("the value of parameter `{column}` in the {place}"))
    })
}

/// One row of the dictionary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub file: String,
    /// Empty for the row that describes the file itself.
    pub column: String,
    pub unit: String,
    pub meaning: String,
}

/// The dictionary of `dir`: a row per file (and folder) and a row per column of each CSV.
pub fn entries(dir: &Path) -> io::Result<Vec<Entry>> {
    let mut names: Vec<String> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        .filter(|n| !n.starts_with('.'))
        .collect();
    if !names.iter().any(|n| n == DICTIONARY_FILE) {
        names.push(DICTIONARY_FILE.to_string());
    }
    names.sort();
    let mut out = Vec::new();
    for name in names {
        let Some((_, meaning)) = FILES.iter().find(|(f, _)| *f == name) else {
            // Not carenet's (the user's own files, other commands' folders).
            continue;
        };
        out.push(Entry {
            file: name.clone(),
            column: String::new(),
            unit: String::new(),
            meaning: meaning.to_string(),
        });
        if !name.ends_with(".csv") || name == DICTIONARY_FILE {
            continue;
        }
        let mut header = String::new();
        io::BufReader::new(std::fs::File::open(dir.join(&name))?).read_line(&mut header)?;
        for column in header.trim_end().split(',').filter(|c| !c.is_empty()) {
            let (unit, meaning) = describe(&name, column).unwrap_or_else(|| (String::new(), MISSING.to_string()));
            out.push(Entry { file: name.clone(), column: column.to_string(), unit, meaning });
        }
    }
    Ok(out)
}

/// Writes `dir`/dictionary.csv (`file,column,unit,meaning`).
pub fn write_dictionary(dir: &Path) -> io::Result<()> {
    let rows = entries(dir)?;
    write_atomic(&dir.join(DICTIONARY_FILE), |w| {
        let mut c = csv::Writer::from_writer(w);
        c.write_record(["file", "column", "unit", "meaning"]).map_err(io::Error::other)?;
        for e in &rows {
            c.write_record([&e.file, &e.column, &e.unit, &e.meaning]).map_err(io::Error::other)?;
        }
        c.flush()
    })
}
