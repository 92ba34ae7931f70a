//! The drift (stationarity) table: for each headline metric and community
//! type, the mean over the first reported year against the mean over the
//! last, and whether the change stays within the allowed drift (issue 13's
//! stationarity rule): 2 points or 12% of the first year's level, whichever
//! is larger; for the neighbours' share of help (`mutual_aid_share`), 30% of
//! its level in every community type.

use super::WeekRecord;
use super::metric;
use super::summary::{Group, interval, window_totals};
use crate::scenario::CommunityType;

/// Weeks in a reported year (the table compares the first and the last).
pub const YEAR: u32 = 52;

/// The headline metrics of the table, in row order (names of [`super::METRICS`]).
pub const DRIFT_METRICS: [&str; 11] = [
    "isolation_rate",
    "loneliness_mean",
    "lonely_share",
    "unmet_help_rate",
    "iadl_limited_share",
    "semi_disabled_share",
    "disabled_share",
    "deaths_per_1000_per_year",
    "registered_share",
    "paired_share",
    "mutual_aid_share",
];

/// Largest change allowed for `metric` at first-year level `level`: 2 points
/// (0.02 for shares, rates and the 0–1 loneliness scale; 2 per 1,000 for
/// deaths per 1,000) or 12% of the level, whichever is larger; for
/// `mutual_aid_share`, 30% of the level.
pub fn allowed_change(metric: &str, level: f64) -> f64 {
    let level = level.abs();
    match metric {
        "mutual_aid_share" => 0.30 * level,
        "deaths_per_1000_per_year" => f64::max(2.0, 0.12 * level),
        _ => f64::max(0.02, 0.12 * level),
    }
}

/// One row of drift.csv.
#[derive(Debug, Clone, PartialEq)]
pub struct DriftRow {
    pub metric: &'static str,
    pub group: Group,
    /// Mean across replications over the first reported year.
    pub first_year: f64,
    /// Mean across replications over the last reported year.
    pub last_year: f64,
    /// `last_year - first_year`.
    pub change: f64,
    pub allowed: f64,
    /// `|change| <= allowed` (false when either mean is undefined).
    pub pass: bool,
}

/// The table from per-replication sums over the first and the last year
/// (each `[WeekRecord; 4]` in `Group::SUMMED` order). Groups without any
/// community are left out.
pub fn drift_rows(first: &[[WeekRecord; 4]], last: &[[WeekRecord; 4]]) -> Vec<DriftRow> {
    let mut rows = Vec::new();
    for name in DRIFT_METRICS {
        let m = metric(name).expect("drift metrics are metrics");
        for (g, grp) in Group::SUMMED.iter().enumerate() {
            if first.iter().all(|t| t[g].weeks == 0.0) {
                continue;
            }
            let mean = |t: &[[WeekRecord; 4]]| interval(&t.iter().map(|x| (m.value)(&x[g])).collect::<Vec<_>>()).mean;
            let (a, b) = (mean(first), mean(last));
            let change = b - a;
            let allowed = allowed_change(name, a);
            rows.push(DriftRow {
                metric: m.name,
                group: *grp,
                first_year: a,
                last_year: b,
                change,
                allowed,
                pass: change.abs() <= allowed,
            });
        }
    }
    rows
}

/// The table of a run of `weeks` reported weeks (`record(rep, week, community)`),
/// or `None` when the run is shorter than two years.
pub fn run_drift(
    n_reps: usize,
    weeks: u32,
    kinds: &[CommunityType],
    record: impl Fn(usize, usize, usize) -> WeekRecord,
) -> Option<Vec<DriftRow>> {
    if weeks < 2 * YEAR {
        return None;
    }
    let first = window_totals(n_reps, YEAR, YEAR, kinds, &record);
    let last = window_totals(n_reps, weeks, YEAR, kinds, &record);
    Some(drift_rows(&first, &last))
}

/// [`run_drift`] from each week's group sums (see
/// [`super::summary::window_totals_grouped`]).
pub fn run_drift_grouped(
    n_reps: usize,
    weeks: u32,
    week_groups: impl Fn(usize, usize) -> WeekRecord4,
) -> Option<Vec<DriftRow>> {
    if weeks < 2 * YEAR {
        return None;
    }
    let first = super::summary::window_totals_grouped(n_reps, YEAR, YEAR, &week_groups);
    let last = super::summary::window_totals_grouped(n_reps, weeks, YEAR, &week_groups);
    Some(drift_rows(&first, &last))
}

type WeekRecord4 = [WeekRecord; 4];
