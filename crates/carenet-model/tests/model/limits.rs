//! Every numeric parameter at the largest value its registry range allows still
//! validates into a run that ends in bounded time and memory (issue 12): the
//! counts and degrees are bounded by what a community can hold, so the work of a
//! week follows the number of elders, not a parameter.

use std::time::{Duration, Instant};

use carenet_model::experiment::{RunConfig, run};
use carenet_model::policy::{N_LEVERS, Package};
use carenet_model::scenario::path::set_numbers;
use carenet_model::scenario::registry::{self, Bound, Check, Kind};
use carenet_model::step::Model;

use crate::support::small_scenario;

/// The largest value a parameter of `kind` with `check` accepts.
fn largest(kind: Kind, check: Check) -> f64 {
    match check {
        Check::Number { hi: Bound::Closed(x), .. } => x,
        Check::Number { hi: Bound::Open(x), .. } => x.next_down(),
        Check::Number { hi: Bound::Unbounded, .. } => f64::MAX,
        Check::Integer { hi, .. } => hi as f64,
        Check::Week => 52.0,
        Check::Mix => 1.0,
        Check::None => match kind {
            Kind::U32 | Kind::U32s(_) => u32::MAX as f64,
            Kind::U64 => i64::MAX as f64,
            _ => f64::MAX,
        },
    }
}

/// The keys a registry entry stands for in the small scenario (street and
/// community keys at the first street and community; each array element).
fn keys(p: &registry::Param) -> Vec<String> {
    let base: Vec<String> = match p.key.strip_prefix("street.") {
        Some(rest) => match rest.strip_prefix("community.") {
            Some(rest) => vec![format!("street[0].community[0].{rest}")],
            None => vec![format!("street[0].{rest}")],
        },
        None => p.instances(),
    };
    match p.kind {
        Kind::F64s(n) | Kind::U32s(n) => base.iter().flat_map(|k| (0..n).map(move |i| format!("{k}[{i}]"))).collect(),
        _ => base,
    }
}

/// `key` = `value`, with the keys a rule ties it to raised as far as needed: a degree
/// with its group at the largest size (1,000), the summary window with the weeks.
fn with_companions(key: &str, value: f64) -> Vec<(String, f64)> {
    let mut out = Vec::new();
    if let Some(at) = key.strip_suffix(".kin_degree") {
        out.push((format!("{at}.kin_cluster_size"), 1000.0));
    } else if let Some(at) = key.strip_suffix(".building_degree").or(key.strip_suffix(".newcomer_degree")) {
        out.push((format!("{at}.building_size"), 1000.0));
    } else if key == "metrics.summary_window" {
        out.push(("simulation.weeks".to_string(), registry::MAX_WEEKS as f64));
        return [out, vec![(key.to_string(), registry::MAX_WEEKS as f64)]].concat();
    } else if key == "students.spring_term[0]" {
        out.push(("students.spring_term[1]".to_string(), 52.0));
    }
    out.push((key.to_string(), value));
    out
}

#[test]
fn every_numeric_key_at_its_largest_value_runs_in_bounded_time() {
    let mut base = small_scenario(20);
    base.simulation.weeks = 6;
    base.metrics.summary_window = 4;
    base.simulation.reps = 1;
    // `count` is written only when it is not 1.
    base.streets[0].count = 2;
    // Every lever on, from week 0, so the policy parameters are used too.
    let all = Package { name: "all".into(), active: [true; N_LEVERS] };
    let (mut checked, mut refused) = (0, Vec::new());
    let mut slowest = (Duration::ZERO, String::new());
    for p in registry::PARAMS.iter().filter(|p| p.kind.is_numeric() && p.check != Check::Mix) {
        let value = largest(p.kind, p.check);
        for key in keys(p) {
            let mut s = match set_numbers(&base, &with_companions(&key, value)) {
                Ok(s) => s,
                // A value at the top of its own range can break a rule relating keys
                // (a moderate threshold at the severe one): the scenario is refused, not run.
                Err(e) => {
                    refused.push(format!("{key}: {e}"));
                    continue;
                }
            };
            s.expand_street_counts();
            let weeks = s.simulation.weeks;
            let started = Instant::now();
            let m = Model::new(s, all.clone());
            let r = run(&m, &RunConfig { reps: 1, seed: 7, weeks, threads: Some(1) }, &|| {}).expect("pool");
            assert_eq!(r.reps.len(), 1);
            let took = started.elapsed();
            if took > slowest.0 {
                slowest = (took, key.clone());
            }
            checked += 1;
        }
    }
    eprintln!(
        "{checked} keys run at their largest value, {} refused by cross-key rules; slowest {} in {:.2?}",
        refused.len(),
        slowest.1,
        slowest.0
    );
    for r in &refused {
        eprintln!("  refused: {r}");
    }
    assert!(checked > 150, "only {checked} keys run");
}
