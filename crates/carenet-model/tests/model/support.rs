//! The model's test helpers, written once: small scenarios, runs, totals and metrics.
//! The root package's integration tests include this file too (tests/it/main.rs).
#![allow(dead_code)]

use std::path::Path;

use carenet_model::experiment::{RunConfig, RunResult, run};
use carenet_model::metrics::WeekRecord;
use carenet_model::metrics::summary::{Group, window_totals};
use carenet_model::policy::Levers;
use carenet_model::scenario::load::{LoadedScenario, NoFiles, ScenarioError, load_str_from};
use carenet_model::scenario::{Community, CommunityType, Scenario, Street};
use carenet_model::step::Model;

/// The default scenario shrunk to one street of three small communities (one
/// per type), for fast tests.
pub fn small_scenario(elders: u32) -> Scenario {
    let mut s = Scenario::default();
    s.name = "small".into();
    s.simulation.weeks = 104;
    s.simulation.reps = 4;
    // Mechanism tests pair short runs from the synthetic start; the burn-in
    // has its own tests (burn_in.rs).
    s.simulation.burn_in_weeks = 0;
    let per_type = [CommunityType::CommercialEstate, CommunityType::Village, CommunityType::VillageToResidence];
    s.streets = vec![Street {
        name: "test_street".into(),
        contract_budget: 250_000.0,
        students: 40,
        student_recruits: 16,
        count: 1,
        communities: per_type
            .iter()
            .enumerate()
            .map(|(k, &kind)| Community { name: format!("c{k}"), kind, elders })
            .collect(),
    }];
    s
}

/// Runs `s` with `levers` and returns the result.
pub fn run_model(s: &Scenario, levers: Levers, reps: u32, weeks: u32, seed: u64) -> RunResult {
    let m = Model::with_levers(s.clone(), levers);
    run(&m, &RunConfig { reps, seed, weeks, threads: Some(2) }, &|| {}).expect("thread pool")
}

/// Per-replication totals over the last `window` weeks for `group`.
pub fn totals(res: &RunResult, window: u32, group: Group) -> Vec<WeekRecord> {
    let kinds: Vec<_> = res.communities.iter().map(|c| c.kind).collect();
    let g = Group::SUMMED.iter().position(|x| *x == group).unwrap();
    window_totals(res.reps.len(), res.weeks, window, &kinds, |r, w, c| *res.record(r, w, c))
        .into_iter()
        .map(|t| t[g])
        .collect()
}

/// Mean over replications of a metric (by name) on the last `window` weeks, all communities.
pub fn mean_metric(res: &RunResult, window: u32, metric: &str) -> f64 {
    let m = carenet_model::metrics::metric(metric).unwrap_or_else(|| panic!("no metric {metric}"));
    let t = totals(res, window, Group::All);
    t.iter().map(|r| (m.value)(r)).sum::<f64>() / t.len() as f64
}

/// Sum of all records of a run (every week, community and replication).
pub fn grand_total(res: &RunResult) -> WeekRecord {
    let mut acc = WeekRecord::default();
    for rep in &res.reps {
        for r in &rep.records {
            acc.add(r);
        }
    }
    acc
}

/// Runs `s` with a policy package.
pub fn run_package(
    s: &Scenario,
    package: carenet_model::policy::Package,
    reps: u32,
    weeks: u32,
    seed: u64,
) -> RunResult {
    let m = Model::new(s.clone(), package);
    run(&m, &RunConfig { reps, seed, weeks, threads: Some(2) }, &|| {}).expect("thread pool")
}

/// Loads a scenario given as text, labelled `label` in messages: `carenet-io`'s
/// `load_str` without the disk. It may extend the built-in scenario
/// (`extends = "builtin:wutong"`); extending a file is an error.
pub fn load_str(text: &str, label: &str, base_dir: Option<&Path>) -> Result<LoadedScenario, ScenarioError> {
    load_str_from(text, label, base_dir, &NoFiles)
}

/// Applies `f` to the parameters of every community type.
pub fn each_type(s: &mut Scenario, f: impl Fn(&mut carenet_model::scenario::TypeParams)) {
    for kind in CommunityType::ALL {
        f(match kind {
            CommunityType::CommercialEstate => &mut s.community_types.commercial_estate,
            CommunityType::Village => &mut s.community_types.village,
            CommunityType::VillageToResidence => &mut s.community_types.village_to_residence,
        });
    }
}
