//! Range checks on a deserialised [`Scenario`].
//!
//! Each parameter's own range is its [`registry`] entry's [`Check`]; this file
//! adds the checks that relate keys to each other. [`validate`] returns every
//! [`Problem`] it finds (not just the first), each
//! naming the offending key by its TOML path (`street[0].community[3].elders`)
//! so that [`crate::scenario::load`] can point at the line that set it.
//!
//! ```
//! use carenet_model::scenario::{Scenario, validate::validate};
//! let mut s = Scenario::default();
//! s.health.mortality_slope = -0.1;
//! let problems = validate(&s);
//! assert_eq!(problems[0].path, "health.mortality_slope");
//! assert_eq!(problems[0].message, "= -0.1 is out of range");
//! ```

use std::collections::HashSet;

use super::defaults::LEVER_NAMES;
use super::registry::{self, Check};
use super::types::*;
use crate::reference::Reference;

/// One value that the model cannot use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// TOML key path, dotted, with array indices: `street[0].community[3].elders`.
    pub path: String,
    /// What is wrong, written to follow the path: `= -0.1 is out of range`,
    /// `sums to 1.02, not 1`.
    pub message: String,
    /// What would be accepted: `a number from 0 to 1`.
    pub allowed: String,
}

const PROBABILITY: &str = "a probability from 0 to 1";
const UNIT: &str = "a number from 0 to 1";
const NON_NEGATIVE: &str = "a finite number ≥ 0";
const HAZARD: &str = "a hazard ratio > 0";
const LABEL: &str = "a non-empty name without commas, double quotes or control characters";

/// Checks every field of `s`; an empty vector means the scenario is usable.
///
/// The range of every parameter comes from its [`registry`] entry; the checks
/// that relate keys (thresholds in order, degrees within group sizes, terms,
/// lever windows, the summary window, names, packages, uncertainty keys) follow.
pub fn validate(s: &Scenario) -> Vec<Problem> {
    let mut c = Checker::default();
    c.output_name("name", &s.name);
    // The seed has no range, and a TOML value cannot hold a u64 above 2⁶³ − 1.
    let ranged = Scenario { simulation: Simulation { seed: 0, ..s.simulation.clone() }, ..s.clone() };
    match toml::Value::try_from(&ranged) {
        Ok(tree) => {
            for p in registry::PARAMS.iter().filter(|p| !p.key.starts_with("street.")) {
                for key in p.instances() {
                    if let Some(value) = find(&tree, &key) {
                        c.param(&key, value, p.check);
                    }
                }
            }
        }
        Err(e) => c.push("", format!("cannot be checked: {e}"), ""),
    }
    for t in CommunityType::ALL {
        network(&mut c, &format!("community_types.{}.network", t.as_str()), &s.community_types.get(t).network);
    }
    let l = &s.loneliness;
    let unit = |v: f64| (0.0..=1.0).contains(&v);
    if unit(l.severe_threshold) && unit(l.moderate_threshold) && l.moderate_threshold >= l.severe_threshold {
        c.push(
            "loneliness.moderate_threshold",
            format!(
                "= {} is not below loneliness.severe_threshold ({})",
                num(l.moderate_threshold),
                num(l.severe_threshold)
            ),
            "a number from 0 to 1, below severe_threshold",
        );
    }
    let [first, last] = s.students.spring_term;
    if (1..=52).contains(&first) && (1..=52).contains(&last) && first > last {
        c.push(
            "students.spring_term",
            format!("= [{first}, {last}] ends before it starts"),
            "[first, last] weeks of the year, 1 to 52, first ≤ last (only the autumn term may wrap)",
        );
    }
    summary_window(&mut c, &s.metrics, s.simulation.weeks);
    lever_windows(&mut c, &s.policies);
    streets(&mut c, &s.streets);
    packages(&mut c, &s.packages);
    uncertainty(&mut c, s);
    c.problems
}

/// Each `[uncertainty]` key names a numeric parameter and gives a range within that
/// parameter's own. The scenario is serialised once (without the table itself), so the
/// work is linear in the number of keys.
fn uncertainty(c: &mut Checker, s: &Scenario) {
    if s.uncertainty.is_empty() {
        return;
    }
    let plain = Scenario { uncertainty: Default::default(), ..s.clone() };
    let mut json = match serde_json::to_value(&plain) {
        Ok(json) => json,
        Err(e) => return c.push("uncertainty", format!("cannot be checked: {e}"), ""),
    };
    for (key, &[lo, hi]) in &s.uncertainty {
        let path = format!("uncertainty.{key}");
        if let Err(e) = crate::scenario::path::number_in(&mut json, key) {
            c.push(&path, format!("names no parameter: {e}"), "a dotted key of a numeric parameter");
            continue;
        }
        if !(lo.is_finite() && hi.is_finite() && lo <= hi) {
            c.push(
                &path,
                format!("= [{}, {}] is not a range", num(lo), num(hi)),
                "[low, high] with low ≤ high, both finite",
            );
            continue;
        }
        let Some(check) = registry::lookup(key).map(|p| p.check) else { continue };
        let inside = |v: f64| match check {
            Check::Integer { lo, hi } => v >= lo as f64 && v <= hi as f64,
            Check::Week => (1.0..=52.0).contains(&v),
            Check::Number { .. } | Check::Mix => check.accepts(v),
            Check::None => true,
        };
        if !(inside(lo) && inside(hi)) {
            c.push(
                &path,
                format!("= [{}, {}] goes outside the parameter's own range", num(lo), num(hi)),
                format!("a range within {}", check.allowed()),
            );
        }
    }
}

/// The value at a dotted key of a serialised scenario.
fn find<'a>(tree: &'a toml::Value, key: &str) -> Option<&'a toml::Value> {
    registry::parse_key(key)?.iter().try_fold(tree, |node, step| match step {
        registry::Segment::Key(name) => node.get(name.as_str()),
        registry::Segment::Index(i) => node.get(*i),
    })
}

/// Each lever's `end_week` must come after its `start_week` (0 = to the end).
fn lever_windows(c: &mut Checker, p: &Policies) {
    let windows = [
        (p.care_subsidy.start_week, p.care_subsidy.end_week),
        (p.student_credits.start_week, p.student_credits.end_week),
        (p.activity_programme.start_week, p.activity_programme.end_week),
        (p.counselling.start_week, p.counselling.end_week),
        (p.time_bank.start_week, p.time_bank.end_week),
        (p.info_platform.start_week, p.info_platform.end_week),
        (p.supervision.start_week, p.supervision.end_week),
        (p.public_funding.start_week, p.public_funding.end_week),
        (p.merchant_alliance.start_week, p.merchant_alliance.end_week),
    ];
    for (lever, (start, end)) in LEVER_NAMES.iter().zip(windows) {
        if end != 0 && u64::from(end) <= registry::MAX_WEEKS && end <= start {
            c.push(
                &format!("policies.{lever}.end_week"),
                format!("= {end} is not after start_week = {start}"),
                "0 (to the end of the run) or a week after start_week",
            );
        }
    }
}

/// Range problems of reference-model parameters ([`Reference`], e.g. read from
/// the `params.json` of `carenet reference`); each path is `prefix` + the key.
pub fn reference_problems(r: &Reference, prefix: &str) -> Vec<Problem> {
    let mut c = Checker::default();
    let at = |key: &str| format!("{prefix}{key}");
    for (i, &v) in r.need_probability.iter().enumerate() {
        c.number(&at(&format!("need_probability[{i}]")), v, 0.0..=1.0, PROBABILITY);
    }
    for (i, &v) in r.need_hours.iter().enumerate() {
        c.non_negative(&at(&format!("need_hours[{i}]")), v);
    }
    c.number(&at("helper_threshold"), r.helper_threshold, 0.0..=1.0, "a willingness threshold from 0 to 1");
    c.non_negative(&at("hours_per_week"), r.hours_per_week);
    c.number(&at("ask_probability"), r.ask_probability, 0.0..=1.0, PROBABILITY);
    for (name, values) in [("worsen", &r.worsen), ("recover", &r.recover), ("death", &r.death)] {
        for (i, &v) in values.iter().enumerate() {
            c.number(&at(&format!("{name}[{i}]")), v, 0.0..=1.0, PROBABILITY);
        }
    }
    c.number_if(&at("unmet_hazard_ratio"), r.unmet_hazard_ratio, |v| v > 0.0, HAZARD);
    c.number_if(&at("loneliness_hazard_ratio"), r.loneliness_hazard_ratio, |v| v > 0.0, HAZARD);
    c.number(&at("rise"), r.rise, 0.0..=1.0, UNIT);
    c.number(&at("fall"), r.fall, 0.0..=1.0, UNIT);
    c.number(&at("pull"), r.pull, 0.0..=1.0, UNIT);
    c.non_negative(&at("shock_sd"), r.shock_sd);
    c.number(&at("moderate_threshold"), r.moderate_threshold, 0.0..=1.0, "a loneliness threshold from 0 to 1");
    c.number(&at("severe_threshold"), r.severe_threshold, 0.0..=1.0, "a loneliness threshold from 0 to 1");
    c.number(&at("awareness"), r.awareness, 0.0..=1.0, UNIT);
    c.number(&at("drift"), r.drift, 0.0..=1.0, UNIT);
    c.number(&at("reciprocity"), r.reciprocity, 0.0..=1.0, UNIT);
    c.number(&at("recognition"), r.recognition, 0.0..=1.0, UNIT);
    c.non_negative(&at("overload_hours"), r.overload_hours);
    c.number(&at("overload_loss"), r.overload_loss, 0.0..=1.0, UNIT);
    c.number(&at("interaction_gain"), r.interaction_gain, 0.0..=1.0, UNIT);
    c.number(&at("decay"), r.decay, 0.0..=1.0, UNIT);
    c.problems
}

fn packages(c: &mut Checker, packages: &std::collections::BTreeMap<String, Vec<String>>) {
    if !packages.contains_key("baseline") {
        c.push(
            "packages",
            "has no `baseline` package",
            "a `baseline = []` entry (compare measures every package against it)",
        );
    } else if !packages["baseline"].is_empty() {
        c.push("packages.baseline", "switches levers on", "baseline = [] (no lever)");
    }
    for (name, levers) in packages {
        c.label(&format!("packages.{name}"), name);
        for (k, l) in levers.iter().enumerate() {
            if !LEVER_NAMES.contains(&l.as_str()) {
                let hint =
                    registry::suggest(l, LEVER_NAMES).map(|b| format!(" (did you mean `{b}`?)")).unwrap_or_default();
                c.push(
                    &format!("packages.{name}[{k}]"),
                    format!("= \"{l}\" is not a lever{hint}"),
                    LEVER_NAMES.join(", "),
                );
            }
        }
    }
}

/// The expected degrees of a network generator must fit their group: at most
/// `size - 1` ties are possible. (Each value's own range is its registry entry's.)
fn network(c: &mut Checker, at: &str, n: &NetworkParams) {
    degree(c, &format!("{at}.building_degree"), n.building_degree, n.building_size, "building_size");
    degree(c, &format!("{at}.kin_degree"), n.kin_degree, n.kin_cluster_size, "kin_cluster_size");
    degree(c, &format!("{at}.newcomer_degree"), n.newcomer_degree, n.building_size, "building_size");
}

fn degree(c: &mut Checker, path: &str, v: f64, size: f64, size_key: &str) {
    if !(v.is_finite() && v >= 0.0 && size.is_finite() && size >= 2.0) {
        return;
    }
    if v > size - 1.0 {
        c.push(
            path,
            format!("= {} is more ties than the group holds ({size_key} = {})", num(v), num(size)),
            format!("a number from 0 to {size_key} − 1 ({})", num(size - 1.0)),
        );
    }
}

/// The window must fit the run (its own range, 1 to the most weeks, is its registry entry's).
fn summary_window(c: &mut Checker, m: &Metrics, weeks: u32) {
    let own_range = 1..=registry::MAX_WEEKS as u32;
    if own_range.contains(&m.summary_window) && weeks >= 1 && m.summary_window > weeks {
        c.push(
            "metrics.summary_window",
            format!("= {} is longer than the simulation (simulation.weeks = {weeks})", m.summary_window),
            format!("weeks from 1 to simulation.weeks ({weeks})"),
        );
    }
}

fn streets(c: &mut Checker, streets: &[Street]) {
    if streets.is_empty() {
        c.push("street", "is empty", "at least one [[street]] with at least one [[street.community]]");
    }
    let mut street_names = HashSet::new();
    for (i, s) in streets.iter().enumerate() {
        let at = format!("street[{i}]");
        c.label(&format!("{at}.name"), &s.name);
        if !s.name.is_empty() && !street_names.insert(s.name.as_str()) {
            c.push(
                &format!("{at}.name"),
                format!("= \"{}\" is used by another street", s.name),
                "a name unique among streets",
            );
        }
        c.scalar(&format!("{at}.contract_budget"), Num::Float(s.contract_budget), check("street.contract_budget"));
        c.scalar(&format!("{at}.students"), Num::Int(s.students.into()), check("street.students"));
        c.scalar(
            &format!("{at}.student_recruits"),
            Num::Int(s.student_recruits.into()),
            check("street.student_recruits"),
        );
        c.scalar(&format!("{at}.count"), Num::Int(s.count.into()), check("street.count"));
        if s.communities.is_empty() {
            c.push(&format!("{at}.community"), "is empty", "at least one [[street.community]] table");
        }
        let mut names = HashSet::new();
        for (j, m) in s.communities.iter().enumerate() {
            let at = format!("{at}.community[{j}]");
            c.label(&format!("{at}.name"), &m.name);
            if !m.name.is_empty() && !names.insert(m.name.as_str()) {
                c.push(
                    &format!("{at}.name"),
                    format!("= \"{}\" is used by another community of this street", m.name),
                    "a name unique within the street",
                );
            }
            c.scalar(&format!("{at}.elders"), Num::Int(m.elders.into()), check("street.community.elders"));
        }
    }
}

/// Collects problems; each check returns whether the value passed.
#[derive(Default)]
struct Checker {
    problems: Vec<Problem>,
}

impl Checker {
    fn push(&mut self, path: &str, message: impl Into<String>, allowed: impl Into<String>) {
        self.problems.push(Problem { path: path.to_string(), message: message.into(), allowed: allowed.into() });
    }

    /// A finite number satisfying `ok`.
    fn number_if(&mut self, path: &str, v: f64, ok: impl Fn(f64) -> bool, allowed: &str) -> bool {
        let message = if v.is_nan() {
            "= NaN is not a number".to_string()
        } else if v.is_infinite() {
            format!("= {v} is not finite")
        } else if !ok(v) {
            format!("= {} is out of range", num(v))
        } else {
            return true;
        };
        self.push(path, message, allowed);
        false
    }

    /// A finite number in `range`.
    fn number(&mut self, path: &str, v: f64, range: std::ops::RangeInclusive<f64>, allowed: &str) -> bool {
        self.number_if(path, v, |v| range.contains(&v), allowed)
    }

    fn non_negative(&mut self, path: &str, v: f64) -> bool {
        self.number_if(path, v, |v| v >= 0.0, NON_NEGATIVE)
    }

    /// A parameter's value (a number, or an array of numbers) against its check.
    fn param(&mut self, path: &str, value: &toml::Value, check: Check) {
        let as_num = |v: &toml::Value| match v {
            toml::Value::Integer(i) => Some(Num::Int(*i)),
            toml::Value::Float(x) => Some(Num::Float(*x)),
            _ => None,
        };
        match value {
            toml::Value::Array(items) => {
                let values: Vec<Num> = items.iter().filter_map(as_num).collect();
                if check == Check::Mix {
                    self.mix(path, &values.iter().map(|n| n.value()).collect::<Vec<_>>());
                } else {
                    for (i, &v) in values.iter().enumerate() {
                        self.scalar(&format!("{path}[{i}]"), v, check);
                    }
                }
            }
            other => {
                if let Some(v) = as_num(other) {
                    self.scalar(path, v, check);
                }
            }
        }
    }

    /// One number against a check.
    fn scalar(&mut self, path: &str, v: Num, check: Check) -> bool {
        match (check, v) {
            (Check::None, _) => true,
            (Check::Number { allowed, .. }, v) => self.number_if(path, v.value(), |x| check.accepts(x), allowed),
            (_, v) if check.accepts(v.value()) => true,
            (_, v) => {
                self.push(path, format!("= {v} is out of range"), check.allowed());
                false
            }
        }
    }

    /// Shares that each lie in [0, 1] and sum to 1.
    fn mix(&mut self, path: &str, shares: &[f64]) -> bool {
        let mut ok = true;
        for (i, &v) in shares.iter().enumerate() {
            ok &= self.number(&format!("{path}[{i}]"), v, 0.0..=1.0, "a share from 0 to 1");
        }
        let sum: f64 = shares.iter().sum();
        if ok && (sum - 1.0).abs() > registry::MIX_TOLERANCE {
            self.push(path, format!("sums to {}, not 1", num(sum)), Check::Mix.allowed());
            ok = false;
        }
        ok
    }

    /// A street, community or package name: written unquoted into the CSV outputs, so
    /// it must not be blank nor hold a comma, a quote or a control character (a newline
    /// or tab), any of which would break the CSV's rows.
    fn label(&mut self, path: &str, name: &str) -> bool {
        if name.trim().is_empty() {
            self.push(path, "is empty", "a non-empty name");
            return false;
        }
        if let Some(bad) = name.chars().find(|ch| matches!(ch, ',' | '"') || ch.is_control()) {
            self.push(path, format!("= {name:?} holds {bad:?}, which the CSV outputs cannot hold unquoted"), LABEL);
            return false;
        }
        true
    }

    /// The scenario name: it names the output directory, so it must be a plain
    /// file name.
    fn output_name(&mut self, path: &str, name: &str) -> bool {
        let plain = name.chars().all(|ch| ch.is_alphanumeric() || matches!(ch, '_' | '-' | '.'));
        if !name.is_empty() && plain && name != "." && name != ".." {
            return true;
        }
        self.push(
            path,
            format!("= {name:?} cannot name an output directory"),
            "a non-empty name of letters, digits, `_`, `-` and `.` (it names output/<name>/)",
        );
        false
    }
}

/// A value as written: a TOML integer or float.
#[derive(Debug, Clone, Copy)]
enum Num {
    Int(i64),
    Float(f64),
}

impl Num {
    fn value(self) -> f64 {
        match self {
            Num::Int(i) => i as f64,
            Num::Float(x) => x,
        }
    }
}

impl std::fmt::Display for Num {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Num::Int(i) => write!(f, "{i}"),
            Num::Float(x) => f.write_str(&num(*x)),
        }
    }
}

/// The check of a registry key.
fn check(key: &str) -> Check {
    registry::lookup(key).map_or(Check::None, |p| p.check)
}

/// A number as a person would write it: `0.1`, `-3`, `1e300`.
fn num(v: f64) -> String {
    if v != 0.0 && (v.abs() >= 1e9 || v.abs() < 1e-6) { format!("{v:e}") } else { format!("{v}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(s: &Scenario) -> Vec<String> {
        validate(s).into_iter().map(|p| p.path).collect()
    }

    /// Every registry range is enforced: a value just outside it is a problem at
    /// its key, with the registry's words for what is allowed.
    #[test]
    fn every_registry_range_is_checked() {
        use crate::scenario::registry::{Bound, Kind, PARAMS};
        let mut checked = 0;
        for p in PARAMS.iter().filter(|p| !p.key.starts_with("street.")) {
            let bad = match p.check {
                Check::Number { lo: Bound::Closed(x) | Bound::Open(x), .. } => x - 1.0,
                Check::Number { hi: Bound::Closed(x) | Bound::Open(x), .. } => x + 1.0,
                Check::Integer { lo, .. } if lo > 0 => 0.0,
                Check::Integer { hi, .. } if hi < registry::U32_MAX => hi as f64 + 1.0,
                Check::Week => 53.0,
                Check::Mix => 2.0,
                _ => continue,
            };
            if bad < 0.0 && matches!(p.kind, Kind::U32 | Kind::U32s(_)) {
                continue;
            }
            let key = p.instances().remove(0);
            let key = if matches!(p.kind, Kind::F64s(_) | Kind::U32s(_)) { format!("{key}[0]") } else { key };
            let err = crate::scenario::path::set_number(&Scenario::default(), &key, bad).unwrap_err();
            match err {
                crate::scenario::path::PathError::OutOfRange { key: at, allowed, .. } => {
                    assert_eq!(at, key, "{}", p.key);
                    let want = if p.check == Check::Mix { "a share from 0 to 1".into() } else { p.check.allowed() };
                    assert_eq!(allowed, want, "{}", p.key);
                }
                other => panic!("{}: {other:?}", p.key),
            }
            checked += 1;
        }
        assert!(checked > 120, "only {checked} ranges checked");
    }

    #[test]
    fn defaults_are_valid() {
        assert_eq!(validate(&Scenario::default()), Vec::new());
    }

    #[test]
    fn reports_every_problem() {
        let mut s = Scenario::default();
        s.population.age_mix = [0.5, 0.3, 0.3];
        s.loneliness.moderate_threshold = 0.9;
        s.streets[0].communities[3].elders = 0;
        s.health.iadl_to_semi.age_slope = f64::NAN;
        s.metrics.summary_window = 500;
        assert_eq!(
            paths(&s),
            [
                "population.age_mix",
                "health.iadl_to_semi.age_slope",
                "loneliness.moderate_threshold",
                "metrics.summary_window",
                "street[0].community[3].elders",
            ]
        );
    }

    #[test]
    fn messages_read_after_the_path() {
        let mut s = Scenario::default();
        s.population.age_mix = [0.5, 0.3, 0.3];
        s.ties.visit_weekly = f64::INFINITY;
        let p = validate(&s);
        assert_eq!(p[0].message, "sums to 1.1, not 1");
        assert_eq!(p[1].message, "= inf is not finite");
        assert_eq!(p[1].allowed, PROBABILITY);
    }

    #[test]
    fn names_must_be_unique_and_usable() {
        let mut s = Scenario { name: "../x".into(), ..Scenario::default() };
        s.streets[0].communities[1].name = "chunteng".into();
        s.streets.push(s.streets[0].clone());
        s.streets[1].communities.clear();
        assert_eq!(paths(&s), ["name", "street[0].community[1].name", "street[1].name", "street[1].community"]);
    }
}
