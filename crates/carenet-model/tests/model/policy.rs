//! Policies and `compare`: every lever moves its direct target, costs add up,
//! the time-bank ledger balances, and common random numbers narrow intervals.

use std::sync::OnceLock;

use carenet_model::experiment::RunConfig;
use carenet_model::experiment::compare::{CompareResult, CompareRow, compare_rows, run_compare, unpaired_interval};
use carenet_model::metrics::summary::Group;
use carenet_model::metrics::{AgeBands, WeekRecord};
use carenet_model::policy::Package;
use carenet_model::scenario::Scenario;
use carenet_model::scenario::load::load_default;
use carenet_model::step::{Model, step_week};
use carenet_model::world::synth::build_world;

const REPS: u32 = 6;
const WEEKS: u32 = 104;

/// Every package of the default scenario, compared once for all tests.
fn default_compare() -> &'static (CompareResult, Vec<CompareRow>) {
    static CELL: OnceLock<(CompareResult, Vec<CompareRow>)> = OnceLock::new();
    CELL.get_or_init(|| {
        let s = load_default().scenario;
        let mut packages = vec![Package::baseline()];
        for name in s.packages.keys().filter(|n| n.as_str() != "baseline") {
            packages.push(Package::resolve(&s, name).unwrap());
        }
        let cfg = RunConfig { reps: REPS, seed: 11, weeks: WEEKS, threads: None };
        let res = run_compare(&s, &packages, &cfg, 52, &|| {}).unwrap();
        let rows = compare_rows(&res);
        (res, rows)
    })
}

fn row(package: &str, metric: &str) -> &'static CompareRow {
    let (_, rows) = default_compare();
    rows.iter()
        .find(|r| r.package == package && r.metric == metric && r.group == Group::All)
        .unwrap_or_else(|| panic!("no row {package}/{metric}"))
}

/// The paired difference's interval lies entirely below (−1) or above (+1) zero.
fn check(package: &str, metric: &str, direction: f64) {
    let d = &row(package, metric).diff;
    let ok = if direction < 0.0 { d.ci_high < 0.0 } else { d.ci_low > 0.0 };
    assert!(
        ok,
        "{package} should move {metric} {}: diff {} ({}, {})",
        if direction < 0.0 { "down" } else { "up" },
        d.mean,
        d.ci_low,
        d.ci_high
    );
}

#[test]
fn care_subsidy_lowers_grade1_underserved() {
    check("care_subsidy", "grade1_underserved_rate", -1.0);
}

#[test]
fn activity_programme_lowers_isolation() {
    check("activity_programme", "isolation_rate", -1.0);
}

#[test]
fn counselling_lowers_grade2_loneliness() {
    check("counselling", "loneliness_mean_grade2", -1.0);
}

#[test]
fn student_credits_raise_student_hours() {
    check("student_credits", "student_hours", 1.0);
}

#[test]
fn time_bank_raises_mutual_aid_hours() {
    check("time_bank", "mutual_aid_hours", 1.0);
}

#[test]
fn info_platform_raises_registration() {
    check("info_platform", "registered_share", 1.0);
}

#[test]
fn supervision_and_public_funding_raise_social_worker_hours() {
    check("supervision", "social_worker_hours", 1.0);
    check("public_funding", "social_worker_hours", 1.0);
}

#[test]
fn merchant_alliance_raises_paid_hours() {
    check("merchant_alliance", "paid_hours", 1.0);
}

#[test]
fn the_baseline_costs_nothing() {
    let r = row("baseline", "cost_total_yuan");
    assert_eq!(r.value.mean, 0.0);
    assert_eq!(r.value.ci_high, 0.0);
}

#[test]
fn a_package_costs_the_sum_of_its_levers() {
    use carenet_model::experiment::compare::LEVER_COST_METRICS;
    let (res, _) = default_compare();
    for package in &res.packages {
        let total = row(package, "cost_total_yuan").value.mean;
        let parts: f64 = LEVER_COST_METRICS.iter().map(|m| row(package, m).value.mean).sum();
        assert!((total - parts).abs() <= 1e-6 * total.max(1.0), "{package}: total {total} vs parts {parts}");
    }
    // Each lever alone costs something, and only its own lever.
    let s = load_default().scenario;
    for (k, lever) in carenet_model::scenario::defaults::LEVER_NAMES.iter().enumerate() {
        assert!(row(lever, LEVER_COST_METRICS[k]).value.mean > 0.0, "{lever} costs nothing");
        for (j, m) in LEVER_COST_METRICS.iter().enumerate() {
            if j != k {
                assert_eq!(row(lever, m).value.mean, 0.0, "{lever} pays for {m}");
            }
        }
    }
    // Fixed-cost levers cost the same inside the study package as alone.
    for (k, lever) in [(5, "info_platform"), (6, "supervision"), (7, "public_funding")] {
        let alone = row(lever, LEVER_COST_METRICS[k]).value.mean;
        let inside = row("study_package", LEVER_COST_METRICS[k]).value.mean;
        assert!((alone - inside).abs() < 1e-6 * alone, "{lever}: alone {alone}, in package {inside}");
    }
    // The annual fixed costs are what the scenario says.
    let platform = row("info_platform", "cost_info_platform_yuan").value.mean;
    assert!((platform - s.policies.info_platform.annual_cost).abs() < 1e-6 * platform);
}

#[test]
fn common_random_numbers_narrow_the_interval() {
    let (res, _) = default_compare();
    let p = res.packages.iter().position(|x| x == "care_subsidy").unwrap();
    let m = carenet_model::metrics::metric("unmet_help_rate").unwrap();
    let all = 3;
    let pk: Vec<f64> = res.digests[p].iter().map(|d| (m.value)(&d.window[all])).collect();
    let base: Vec<f64> = res.digests[0].iter().map(|d| (m.value)(&d.window[all])).collect();
    let paired = &row("care_subsidy", "unmet_help_rate").diff;
    let unpaired = unpaired_interval(&pk, &base);
    let (wp, wu) = (paired.ci_high - paired.ci_low, unpaired.ci_high - unpaired.ci_low);
    assert!(wp < wu, "paired width {wp} should be below unpaired width {wu}");
}

/// Runs the time-bank package week by week and checks the ledger: hours held
/// at the end = held at the start + credited − redeemed − left by members who
/// died, in every community and week; and hours were really exchanged.
#[test]
fn time_bank_ledger_balances() {
    let s: Scenario = crate::support::small_scenario(300);
    let package = Package::resolve(&s, "time_bank").unwrap();
    let m = Model::new(s, package);
    let mut w = build_world(&m.scenario, 5, 0);
    let nc = m.n_communities();
    let mut recs = vec![WeekRecord::default(); nc];
    let mut bands = vec![AgeBands::default(); nc];
    let (mut deposits, mut withdrawals) = (0.0, 0.0);
    for _ in 0..104 {
        step_week(&mut w, &m, &mut recs, &mut bands);
        for r in &recs {
            let expected = r.tb_outstanding_start + r.tb_deposits - r.tb_withdrawals - r.tb_forfeited;
            assert!(
                (r.tb_outstanding - expected).abs() < 1e-3 * expected.max(1.0),
                "ledger: {} vs {expected}",
                r.tb_outstanding
            );
            assert!(r.tb_withdrawals <= r.tb_outstanding_start + r.tb_deposits + 1e-6);
            deposits += r.tb_deposits;
            withdrawals += r.tb_withdrawals;
        }
        for c in &w.streets[0].communities {
            for i in 0..c.elders.len() {
                assert!(c.elders.time_bank[i] >= 0.0 && c.elders.time_bank[i] <= 1500.0 + 1e-3);
            }
        }
    }
    assert!(deposits > 0.0 && withdrawals > 0.0, "no hours exchanged: deposits {deposits}, withdrawals {withdrawals}");
}

/// A lever acts only inside its window, and a budget cap scales its dose.
#[test]
fn lever_windows_and_budget_caps() {
    let mut s = crate::support::small_scenario(300);
    s.policies.counselling.start_week = 10;
    s.policies.counselling.end_week = 20;
    let package = Package::resolve(&s, "counselling").unwrap();
    let res = crate::support::run_package(&s, package.clone(), 1, 30, 3);
    for week in 0..30 {
        let sessions: f64 = (0..3).map(|c| res.record(0, week, c).counselling_sessions).sum();
        if (10..20).contains(&week) {
            assert!(sessions > 0.0, "no counselling in week {week}");
        } else {
            assert_eq!(sessions, 0.0, "counselling outside its window in week {week}");
        }
    }
    // A cap of a fifth of the planned cost: about a fifth of the sessions, never above the cap.
    let mut capped = crate::support::small_scenario(300);
    let c = &capped.policies.counselling;
    let planned_year = c.sessions_per_week * c.cost_per_session * 3.0 * 52.0;
    capped.policies.counselling.annual_budget_cap = planned_year / 5.0;
    let full = crate::support::run_package(&crate::support::small_scenario(300), package.clone(), 1, 52, 3);
    let cut = crate::support::run_package(&capped, package, 1, 52, 3);
    let cost = |r: &carenet_model::experiment::RunResult| crate::support::grand_total(r).lever_yuan[3];
    assert!(cost(&cut) <= planned_year / 5.0 * 1.2, "capped cost {} above cap", cost(&cut));
    assert!(cost(&cut) < cost(&full) / 3.0);
}

#[test]
fn unknown_package_and_lever_are_named() {
    let s = load_default().scenario;
    let e = Package::resolve(&s, "nope").unwrap_err();
    assert!(e.to_string().contains("study_package") && e.to_string().contains("baseline"), "{e}");
    let mut bad = s.clone();
    bad.packages.insert("mine".into(), vec!["care_subsidyy".into()]);
    let problems = carenet_model::scenario::validate::validate(&bad);
    assert!(
        problems.iter().any(|p| p.path == "packages.mine[0]" && p.message.contains("care_subsidy")),
        "{problems:?}"
    );
}
