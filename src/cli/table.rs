//! Every table the commands print on stdout, as text. Each function returns the
//! whole table, lines ended by `\n`.

use std::fmt::Write;

use carenet_model::experiment::compare::CompareRow;
use carenet_model::experiment::reproduce::ClaimResult;
use carenet_model::experiment::sensitivity::SensitivityRow;
use carenet_model::metrics::summary::{Group, Interval, SummaryRow};
use carenet_model::metrics::{WeekRecord, metric};
use carenet_model::numfmt::thousands;

/// The metrics shown by `run` and `city`, in order.
pub const SHOWN: &[&str] = &[
    "elders",
    "isolation_rate",
    "few_ties_rate",
    "loneliness_mean",
    "unmet_help_rate",
    "unmet_companionship_rate",
    "grade1_underserved_rate",
    "mutual_aid_share",
    "grade1_share",
    "grade2_share",
    "grade3_share",
    "mean_degree",
    "clustering",
];

// Writing to a String cannot fail: the `fmt::Result`s below are ignored.

/// `run`: one row per shown metric, one column per group: mean (95% CI).
pub fn summary(package: &str, rows: &[SummaryRow], reps: u32, weeks: u32, window: u32) -> String {
    let mut t = String::new();
    let _ = writeln!(
        t,
        "{package}, last {window} of {weeks} weeks, mean (95% CI over {reps} replications){}",
        if reps < 2 { "; one replication gives no interval" } else { "" }
    );
    let _ = write!(t, "{:<26}", "metric");
    for g in Group::SUMMED {
        let _ = write!(t, " {:>26}", g.as_str());
    }
    t.push('\n');
    for name in SHOWN {
        let _ = write!(t, "{name:<26}");
        for g in Group::SUMMED {
            let cell = rows.iter().find(|r| r.metric == *name && r.group == g).map(|r| {
                let i = &r.interval;
                let p = if i.mean.abs() >= 100.0 { 0 } else { 3 };
                if i.ci_low.is_finite() {
                    format!("{:.p$} ({:.p$}–{:.p$})", i.mean, i.ci_low, i.ci_high)
                } else {
                    format!("{:.p$}", i.mean)
                }
            });
            let _ = write!(t, " {:>26}", cell.unwrap_or_else(|| "—".into()));
        }
        t.push('\n');
    }
    t
}

/// A change and its interval, scaled, with `precision` decimals: `+m (+lo…+hi)`.
fn change(i: &Interval, scale: f64, precision: usize) -> String {
    let p = precision;
    if i.ci_low.is_finite() {
        format!("{:+.p$} ({:+.p$}…{:+.p$})", i.mean * scale, i.ci_low * scale, i.ci_high * scale)
    } else if i.mean.is_finite() {
        format!("{:.p$}", i.mean * scale)
    } else {
        "—".into()
    }
}

/// `compare`: one row per package, sorted by the effect on unmet help.
pub fn compare(rows: &[CompareRow], reps: u32) -> String {
    let find = |p: &str, m: &str| rows.iter().find(|r| r.package == p && r.metric == m && r.group == Group::All);
    let mut packages: Vec<&str> = Vec::new();
    for r in rows {
        if !packages.contains(&r.package.as_str()) {
            packages.push(&r.package);
        }
    }
    let effect = |p: &str| find(p, "unmet_help_rate").map(|r| r.diff.mean).unwrap_or(0.0);
    packages.sort_by(|a, b| effect(a).total_cmp(&effect(b)));
    let mut t = String::new();
    let _ = writeln!(
        t,
        "change against baseline, all communities, last year; mean (95% CI, paired over {reps} replications)"
    );
    let _ = writeln!(
        t,
        "{:<20} {:>30} {:>30} {:>30} {:>14} {:>22}",
        "package",
        "unmet help rate (pts)",
        "isolation rate (pts)",
        "grade-1 underserved (pts)",
        "cost/yr (¥)",
        "¥ per unmet hour averted"
    );
    let mut not_estimable: Vec<String> = Vec::new();
    for p in packages {
        let points = |m: &str| find(p, m).map(|r| change(&r.diff, 100.0, 2)).unwrap_or_default();
        let cost = find(p, "cost_total_yuan").map(|r| thousands(r.value.mean, 0)).unwrap_or_default();
        let per_hour = find(p, "cost_per_unmet_hour_averted")
            .map(|r| match r.estimable {
                Some(false) => {
                    let averted = find(p, "unmet_help_hours_per_year").map(|h| {
                        // Hours averted = baseline − package: the difference's interval, negated.
                        let (lo, hi) = (-h.diff.ci_high, -h.diff.ci_low);
                        if lo.is_finite() {
                            format!("{} to {} hours averted per year", thousands(lo, 0), thousands(hi, 0))
                        } else {
                            "no interval (one replication)".to_string()
                        }
                    });
                    not_estimable.push(format!("  {p}: {}", averted.unwrap_or_default()));
                    "not estimable".to_string()
                }
                _ if r.value.mean.is_finite() => thousands(r.value.mean, 1),
                _ => "—".into(),
            })
            .unwrap_or_default();
        let _ = writeln!(
            t,
            "{:<20} {:>30} {:>30} {:>30} {:>14} {:>22}",
            p,
            points("unmet_help_rate"),
            points("isolation_rate"),
            points("grade1_underserved_rate"),
            cost,
            per_hour
        );
    }
    if !not_estimable.is_empty() {
        let _ = writeln!(
            t,
            "not estimable: no cost per hour averted, as the 95% interval of the unmet help hours averted includes zero:"
        );
        for line in &not_estimable {
            let _ = writeln!(t, "{line}");
        }
    }
    t
}

/// `reproduce`: one row per claim: effect, 95% CI, verdict against the SESOI, emergent
/// share, robust share; then every spillover that harms a group.
pub fn claims(results: &[ClaimResult]) -> String {
    let mut t = String::new();
    let opt = |x: f64| if x.is_finite() { format!("{x:.2}") } else { "—".into() };
    let _ = writeln!(
        t,
        "{:<5} {:<10} {:<8} {:<24} {:>8} {:>9} {:>24} {:<13} {:>8} {:>7}",
        "claim", "kind", "expected", "metric", "sesoi", "effect", "95% CI", "verdict", "emergent", "robust"
    );
    for r in results {
        let _ = writeln!(
            t,
            "{:<5} {:<10} {:<8} {:<24} {:>8} {:>+9.4} {:>24} {:<13} {:>8} {:>7}",
            r.claim.id,
            r.claim.kind,
            r.claim.expected,
            r.claim.metric,
            r.claim.sesoi,
            r.effect.mean,
            format!("{:+.4} … {:+.4}", r.effect.ci_low, r.effect.ci_high),
            r.verdict.as_str(),
            opt(r.emergent_share),
            opt(r.robust_share)
        );
    }
    for r in results {
        for s in r.spillovers.iter().filter(|s| s.harms) {
            let _ = writeln!(
                t,
                "warning: {} helps its target but harms {}: {} {:+.4} ({:+.4} … {:+.4}), beyond the SESOI {}",
                r.claim.id, s.group, s.metric, s.effect.mean, s.effect.ci_low, s.effect.ci_high, s.sesoi
            );
        }
        if let Some(e) = &r.equal_cost {
            let _ = writeln!(
                t,
                "{}: equal cost: {} {:.4} → {:.4}; lever spending ¥{:.3} (treatment) vs ¥{:.3} (reference as scaled) per elder-week",
                r.claim.id, e.dose_key, e.dose_default, e.dose_scaled, e.cost_treatment, e.cost_reference_scaled
            );
        }
        if let Some(v) = r.structures_survived() {
            let _ = writeln!(
                t,
                "{}: verdict kept under {} of {} alternative structures{}",
                r.claim.id,
                v.len(),
                r.structures.len(),
                if v.is_empty() { String::new() } else { format!(": {}", v.join(", ")) }
            );
        }
    }
    t
}

/// `sensitivity`: one row per (metric, factor, index): value and bootstrap CI.
pub fn sensitivity(rows: &[SensitivityRow]) -> String {
    let mut t = String::new();
    let _ = writeln!(t, "{:<26} {:<34} {:<12} {:>12} {:>26}", "metric", "key", "index", "value", "95% bootstrap CI");
    for r in rows {
        let e = &r.estimate;
        let _ = writeln!(
            t,
            "{:<26} {:<34} {:<12} {:>12.4} {:>26}",
            r.metric,
            r.key,
            r.index,
            e.value,
            format!("{:.4} … {:.4}", e.ci_low, e.ci_high)
        );
    }
    t
}

/// `city`: the shown metrics of the whole city over its last weeks (`last`: their sum).
pub fn city(scenario_name: &str, window: u32, weeks: u32, rep: u32, last: &WeekRecord) -> String {
    let mut t = String::new();
    let _ = writeln!(t, "{scenario_name}, all streets, last {window} of {weeks} weeks (replication {rep})");
    for name in SHOWN {
        if let Some(m) = metric(name) {
            let _ = writeln!(t, "{name:<26} {:>14.4}", (m.value)(last));
        }
    }
    t
}

/// `compare --ensemble`: each package's effect on the unmet-help rate across
/// the ensemble's parameter sets.
pub fn ensemble(rows: &[carenet_model::experiment::compare::EnsembleRow]) -> String {
    let mut t = String::new();
    let _ = writeln!(
        t,
        "across the ensemble: effect on the unmet help rate (pts; mean, 2.5–97.5% of the sets' means) and the \
         share of sets where it falls by more than 1 point"
    );
    let _ =
        writeln!(t, "{:<20} {:>8} {:>10} {:>24} {:>14}", "package", "sets", "reps/set", "effect (pts)", "P(< −1 pt)");
    for r in rows {
        let _ = writeln!(
            t,
            "{:<20} {:>8} {:>10} {:>24} {:>14}",
            r.package,
            r.points,
            r.reps_per_point,
            format!("{:+.2} ({:+.2} … {:+.2})", 100.0 * r.effect_mean, 100.0 * r.effect_low, 100.0 * r.effect_high),
            format!("{:.2}", r.p_lowers_unmet_1pt)
        );
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;
    use carenet_model::experiment::sensitivity::Estimate;

    fn interval(mean: f64, ci_low: f64, ci_high: f64) -> Interval {
        Interval { mean, sd: 0.0, ci_low, ci_high, n: 2 }
    }

    #[test]
    fn summary_cells_are_mean_and_interval_or_a_dash() {
        let rows = vec![
            SummaryRow {
                package: "p".into(),
                metric: "elders",
                group: Group::All,
                interval: interval(1500.0, 1490.0, 1510.0),
            },
            SummaryRow {
                package: "p".into(),
                metric: "isolation_rate",
                group: Group::All,
                interval: interval(0.25, f64::NAN, f64::NAN),
            },
        ];
        let t = summary("p", &rows, 1, 52, 26);
        let lines: Vec<&str> = t.lines().collect();
        assert_eq!(
            lines[0],
            "p, last 26 of 52 weeks, mean (95% CI over 1 replications); one replication gives no interval"
        );
        assert_eq!(lines.len(), 2 + SHOWN.len());
        assert!(lines[2].starts_with("elders") && lines[2].contains("1500 (1490–1510)"), "{}", lines[2]);
        assert!(lines[3].contains("0.250") && !lines[3].contains('('), "{}", lines[3]);
        assert!(lines[4].trim_end().ends_with('—'), "no row: a dash: {}", lines[4]);
    }

    #[test]
    fn compare_rows_are_sorted_by_the_effect_on_unmet_help() {
        let row = |package: &str, metric: &'static str, diff: f64| CompareRow {
            package: package.into(),
            metric,
            group: Group::All,
            value: interval(diff, f64::NAN, f64::NAN),
            diff: interval(diff, diff - 0.01, diff + 0.01),
            estimable: None,
        };
        let rows = vec![row("small", "unmet_help_rate", -0.01), row("large", "unmet_help_rate", -0.05)];
        let t = compare(&rows, 4);
        let lines: Vec<&str> = t.lines().collect();
        assert!(lines[0].ends_with("paired over 4 replications)"));
        assert!(lines[2].starts_with("large") && lines[3].starts_with("small"), "{t}");
        assert!(lines[2].contains("-5.00 (-6.00…-4.00)"), "{}", lines[2]);
    }

    #[test]
    fn compare_says_when_a_cost_per_hour_cannot_be_estimated() {
        let row = |package: &str, metric: &'static str, mean: f64, lo: f64, hi: f64, estimable| CompareRow {
            package: package.into(),
            metric,
            group: Group::All,
            value: interval(mean, lo, hi),
            diff: interval(mean, lo, hi),
            estimable,
        };
        let rows = vec![
            row("counselling", "unmet_help_rate", -0.0004, -0.0038, 0.0029, None),
            row("counselling", "cost_total_yuan", 723_800.0, 723_800.0, 723_800.0, None),
            row("counselling", "unmet_help_hours_per_year", -372.0, -787.0, 270.0, None),
            row("counselling", "cost_per_unmet_hour_averted", f64::NAN, f64::NAN, f64::NAN, Some(false)),
            row("care_subsidy", "unmet_help_rate", -0.055, -0.066, -0.044, None),
            row("care_subsidy", "cost_total_yuan", 3_730_551.0, 3_730_551.0, 3_730_551.0, None),
            row("care_subsidy", "cost_per_unmet_hour_averted", 49.86, 45.0, 55.0, Some(true)),
        ];
        let t = compare(&rows, 3);
        let line = |p: &str| t.lines().find(|l| l.starts_with(p)).unwrap();
        assert!(line("counselling").ends_with("723,800          not estimable"), "{t}");
        assert!(line("care_subsidy").ends_with("3,730,551                   49.9"), "{t}");
        let note: Vec<&str> = t.lines().skip_while(|l| !l.starts_with("not estimable:")).collect();
        assert_eq!(note.len(), 2, "{t}");
        assert!(note[0].contains("interval of the unmet help hours averted includes zero"), "{t}");
        assert_eq!(note[1], "  counselling: -270 to 787 hours averted per year");
    }

    #[test]
    fn sensitivity_and_city_tables_have_a_row_each() {
        let rows = vec![SensitivityRow {
            method: "morris",
            metric: "isolation_rate",
            key: "ties.decay_weekly".into(),
            index: "mu_star",
            estimate: Estimate { value: 0.5, ci_low: 0.25, ci_high: 0.75 },
        }];
        let t = sensitivity(&rows);
        assert_eq!(t.lines().count(), 2);
        assert!(t.lines().nth(1).unwrap().ends_with("0.2500 … 0.7500"));
        let c = city("zz", 4, 8, 0, &WeekRecord::default());
        assert_eq!(c.lines().next(), Some("zz, all streets, last 4 of 8 weeks (replication 0)"));
        assert_eq!(c.lines().count(), 1 + SHOWN.len());
    }
}
