//! Summaries across replications: mean, standard deviation and a 95%
//! confidence interval (Student's t) of each metric over the last weeks of a
//! run, for each community type and for all communities.

use statrs::distribution::{ContinuousCDF, StudentsT};

use super::{METRICS, WeekRecord};
use crate::scenario::CommunityType;

/// Which communities a row covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    Type(CommunityType),
    All,
    /// Equity: the largest minus the smallest value across the community types
    /// present (per replication, then summarised).
    Gap,
}

impl Group {
    /// The groups whose records are summed (each community type, then all
    /// communities), in the order of the per-group arrays; the gap is derived.
    pub const SUMMED: [Group; 4] = [
        Group::Type(CommunityType::CommercialEstate),
        Group::Type(CommunityType::Village),
        Group::Type(CommunityType::VillageToResidence),
        Group::All,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Group::Type(t) => t.as_str(),
            Group::All => "all",
            Group::Gap => "gap_between_types",
        }
    }

    pub fn contains(self, t: CommunityType) -> bool {
        match self {
            Group::Type(x) => x == t,
            Group::All | Group::Gap => true,
        }
    }
}

/// Mean, sd and 95% CI of a sample.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Interval {
    pub mean: f64,
    pub sd: f64,
    pub ci_low: f64,
    pub ci_high: f64,
    pub n: usize,
}

/// Two-sided 97.5% quantile of Student's t with `df` degrees of freedom.
pub fn t975(df: usize) -> f64 {
    StudentsT::new(0.0, 1.0, df as f64).map(|t| t.inverse_cdf(0.975)).unwrap_or(f64::NAN)
}

/// Interval of the finite values of `xs` (summed in order). With one value the
/// sd and interval are NaN (undefined).
pub fn interval(xs: &[f64]) -> Interval {
    let vals: Vec<f64> = xs.iter().copied().filter(|x| x.is_finite()).collect();
    let n = vals.len();
    if n == 0 {
        return Interval { mean: f64::NAN, sd: f64::NAN, ci_low: f64::NAN, ci_high: f64::NAN, n };
    }
    let mean = vals.iter().sum::<f64>() / n as f64;
    if n == 1 {
        return Interval { mean, sd: f64::NAN, ci_low: f64::NAN, ci_high: f64::NAN, n };
    }
    let var = vals.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (n - 1) as f64;
    let sd = var.sqrt();
    let half = t975(n - 1) * sd / (n as f64).sqrt();
    Interval { mean, sd, ci_low: mean - half, ci_high: mean + half, n }
}

/// One row of summary.csv.
#[derive(Debug, Clone, PartialEq)]
pub struct SummaryRow {
    pub package: String,
    pub metric: &'static str,
    pub group: Group,
    pub interval: Interval,
}

/// Sums, per replication and group, the records of the last `window` weeks.
/// `records(rep)` yields (week, community type, record).
pub fn window_totals(
    n_reps: usize,
    weeks: u32,
    window: u32,
    kinds: &[CommunityType],
    record: impl Fn(usize, usize, usize) -> WeekRecord,
) -> Vec<[WeekRecord; 4]> {
    window_totals_grouped(n_reps, weeks, window, |r, w| group_sums(kinds, |c| record(r, w, c)))
}

/// One week's records summed per group ([`Group::SUMMED`] order), communities in
/// order; `weeks` counts the communities summed (0: none of the group).
pub fn group_sums(kinds: &[CommunityType], record: impl Fn(usize) -> WeekRecord) -> [WeekRecord; 4] {
    let mut week_acc = [WeekRecord::default(); 4];
    for (c, &k) in kinds.iter().enumerate() {
        let rec = record(c);
        for (g, grp) in Group::SUMMED.iter().enumerate() {
            if grp.contains(k) {
                week_acc[g].add(&rec);
            }
        }
    }
    week_acc
}

/// [`window_totals`] from each week's group sums (`week_groups(rep, week)`, as
/// [`group_sums`] returns them: a street-by-street run adds its streets' sums).
pub fn window_totals_grouped(
    n_reps: usize,
    weeks: u32,
    window: u32,
    week_groups: impl Fn(usize, usize) -> [WeekRecord; 4],
) -> Vec<[WeekRecord; 4]> {
    let first = weeks.saturating_sub(window) as usize;
    (0..n_reps)
        .map(|r| {
            let mut acc = [WeekRecord::default(); 4];
            for w in first..weeks as usize {
                // `weeks` counts weeks, not community-weeks.
                let mut week_acc = week_groups(r, w);
                for g in 0..4 {
                    if week_acc[g].weeks > 0.0 {
                        week_acc[g].weeks = 1.0;
                    }
                    acc[g].add(&week_acc[g]);
                }
            }
            acc
        })
        .collect()
}

/// The summary rows of one package from its per-replication window totals.
pub fn summarise(package: &str, totals: &[[WeekRecord; 4]]) -> Vec<SummaryRow> {
    let mut rows = Vec::new();
    for m in METRICS {
        for (g, grp) in Group::SUMMED.iter().enumerate() {
            let xs: Vec<f64> = totals.iter().map(|t| (m.value)(&t[g])).collect();
            if totals.iter().all(|t| t[g].weeks == 0.0) {
                continue; // no community of this type
            }
            rows.push(SummaryRow {
                package: package.to_string(),
                metric: m.name,
                group: *grp,
                interval: interval(&xs),
            });
        }
        // Equity gap across the types present (needs at least two).
        let present: Vec<usize> = (0..3).filter(|&g| totals.iter().any(|t| t[g].weeks > 0.0)).collect();
        if present.len() >= 2 {
            let gaps: Vec<f64> = totals
                .iter()
                .map(|t| {
                    let vals: Vec<f64> = present.iter().map(|&g| (m.value)(&t[g])).collect();
                    let max = vals.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                    let min = vals.iter().copied().fold(f64::INFINITY, f64::min);
                    max - min
                })
                .collect();
            rows.push(SummaryRow {
                package: package.to_string(),
                metric: m.name,
                group: Group::Gap,
                interval: interval(&gaps),
            });
        }
    }
    rows
}
