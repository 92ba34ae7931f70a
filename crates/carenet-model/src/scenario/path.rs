//! Reading and setting a scenario's numeric parameters by dotted key path.
//!
//! `health.mortality_slope`, `community_types.village.network.kin_degree` or
//! `street[0].community[2].elders` name one number of a [`Scenario`].
//! [`set_number`] returns a changed copy, validated with the scenario's range
//! checks, so a sweep, a robustness draw or a claim variant can never run an
//! invalid scenario. Integer fields accept only whole numbers.

use serde_json::Value;

use super::Scenario;
use super::registry::{self, Segment, parse_key};
use super::validate::validate;

/// Why a key path could not be read or set.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PathError {
    #[error("unknown parameter `{key}`{hint}")]
    Unknown { key: String, hint: String },
    #[error("`{key}` is not a number (it is {found})")]
    NotNumber { key: String, found: &'static str },
    #[error("`{key}` = {value} is not allowed: {message} (allowed: {allowed})")]
    OutOfRange { key: String, value: f64, message: String, allowed: String },
    /// A value of `--set` that the key cannot take; `message` follows the key
    /// (`= abc is not a number`, `= 500 is out of range`).
    #[error("`{key}` {message} (allowed: {allowed})")]
    Invalid { key: String, message: String, allowed: String },
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "empty",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "a table",
    }
}

fn unknown(key: &str, siblings: Option<&serde_json::Map<String, Value>>, last: &str) -> PathError {
    let hint = siblings
        .and_then(|m| registry::suggest(last, m.keys().map(String::as_str)))
        .map(|k| format!(" (did you mean `{k}`?)"))
        .unwrap_or_default();
    PathError::Unknown { key: key.to_string(), hint }
}

/// The number at `key` of a scenario already in its JSON form (see [`get_number`]): for
/// reading many keys, serialise once.
pub(crate) fn number_in(root: &mut Value, key: &str) -> Result<f64, PathError> {
    let x = locate(root, key)?;
    x.as_f64().ok_or(PathError::NotNumber { key: key.to_string(), found: kind(x) })
}

fn locate<'a>(root: &'a mut Value, key: &str) -> Result<&'a mut Value, PathError> {
    let steps = parse_key(key).ok_or_else(|| PathError::Unknown { key: key.to_string(), hint: String::new() })?;
    let mut cur = root;
    for step in steps {
        cur = match step {
            Segment::Key(name) => {
                let Value::Object(map) = cur else {
                    return Err(PathError::Unknown { key: key.to_string(), hint: String::new() });
                };
                if !map.contains_key(&name) {
                    return Err(unknown(key, Some(map), &name));
                }
                map.get_mut(&name).expect("checked")
            }
            Segment::Index(i) => match cur {
                Value::Array(items) if i < items.len() => &mut items[i],
                _ => return Err(PathError::Unknown { key: key.to_string(), hint: " (index out of range)".into() }),
            },
        };
    }
    Ok(cur)
}

/// The number at `key`.
pub fn get_number(s: &Scenario, key: &str) -> Result<f64, PathError> {
    let mut v = serde_json::to_value(s).map_err(|_| PathError::Unknown { key: key.into(), hint: String::new() })?;
    number_in(&mut v, key)
}

/// A copy of `s` with the number at `key` set to `value`, validated.
pub fn set_number(s: &Scenario, key: &str, value: f64) -> Result<Scenario, PathError> {
    set_numbers(s, &[(key.to_string(), value)])
}

/// A copy of `s` with several numbers set, validated once.
pub fn set_numbers(s: &Scenario, values: &[(String, f64)]) -> Result<Scenario, PathError> {
    let mut v = serde_json::to_value(s).map_err(|_| PathError::Unknown { key: String::new(), hint: String::new() })?;
    for (key, value) in values {
        let x = locate(&mut v, key)?;
        let new = match x {
            Value::Number(n) if n.is_f64() => serde_json::Number::from_f64(*value).map(Value::Number),
            Value::Number(_) => {
                if value.fract() != 0.0 || *value < 0.0 {
                    return Err(PathError::OutOfRange {
                        key: key.clone(),
                        value: *value,
                        message: "is not a whole number".into(),
                        allowed: integer_range(key),
                    });
                }
                Some(Value::from(*value as u64))
            }
            Value::Bool(_) => Some(Value::Bool(*value != 0.0)),
            other => return Err(PathError::NotNumber { key: key.clone(), found: kind(other) }),
        };
        *x = new.ok_or_else(|| PathError::OutOfRange {
            key: key.clone(),
            value: *value,
            message: "is not a finite number".into(),
            allowed: "a finite number".into(),
        })?;
    }
    let out: Scenario = serde_json::from_value(v).map_err(|e| {
        // Only an integer too large for its field fails here: name the key that holds it.
        let (key, value) = values
            .iter()
            .find(|(_, x)| *x > u32::MAX as f64)
            .or(values.first())
            .cloned()
            .unwrap_or((String::new(), f64::NAN));
        let allowed = integer_range(&key);
        PathError::OutOfRange { key, value, message: e.to_string(), allowed }
    })?;
    if let Some(p) = validate(&out).into_iter().next() {
        let value = values.iter().find(|(k, _)| *k == p.path).map(|x| x.1).unwrap_or(f64::NAN);
        return Err(PathError::OutOfRange { key: p.path, value, message: p.message, allowed: p.allowed });
    }
    Ok(out)
}

/// What an integer key allows, in the registry's words (as validation and `explain` say it).
fn integer_range(key: &str) -> String {
    registry::lookup(key)
        .map(|p| p.check.allowed())
        .filter(|a| !a.is_empty())
        .unwrap_or_else(|| "a whole number ≥ 0".into())
}

/// Whether the number at `key` is a whole-number (integer) parameter.
pub fn is_whole_number(s: &Scenario, key: &str) -> Result<bool, PathError> {
    let mut v = serde_json::to_value(s).map_err(|_| PathError::Unknown { key: key.into(), hint: String::new() })?;
    match locate(&mut v, key)? {
        Value::Number(n) => Ok(!n.is_f64()),
        other => Err(PathError::NotNumber { key: key.to_string(), found: kind(other) }),
    }
}

/// One `KEY=VALUE` setting of the command line (`--set`), as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    /// Dotted key, as sweeps spell it: `street[0].students`, `policies.care_subsidy.monthly_voucher`.
    pub key: String,
    /// The value as written: a number, `true`/`false`, a string (quoted or bare) or a TOML array.
    pub value: String,
}

impl std::fmt::Display for Assignment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}={}", self.key, self.value)
    }
}

/// Parses `KEY=VALUE` (spaces around either side are trimmed).
///
/// ```
/// use carenet_model::scenario::path::parse_assignment;
/// let a = parse_assignment("street[0].students = 400").unwrap();
/// assert_eq!((a.key.as_str(), a.value.as_str()), ("street[0].students", "400"));
/// assert!(parse_assignment("students").is_err());
/// ```
pub fn parse_assignment(text: &str) -> Result<Assignment, String> {
    let Some((key, value)) = text.split_once('=') else {
        return Err(format!("`{text}` is not KEY=VALUE (e.g. street[0].students=400)"));
    };
    let (key, value) = (key.trim(), value.trim());
    if key.is_empty() || parse_key(key).is_none() {
        return Err(format!(
            "`{text}` does not start with a dotted key (e.g. street[0].students=400, ties.decay_weekly=0.005)"
        ));
    }
    if value.is_empty() {
        return Err(format!("`{text}` has no value after `=`"));
    }
    Ok(Assignment { key: key.to_string(), value: value.to_string() })
}

/// `text` read as a TOML value (`400`, `0.5`, `true`, `"x"`, `[1, 2]`), or `None`.
fn toml_value(text: &str) -> Option<Value> {
    let table: toml::Table = toml::from_str(&format!("v = {text}")).ok()?;
    serde_json::to_value(table.get("v")?).ok()
}

/// The value of `a` converted to the JSON type of `current` (the value it replaces).
fn coerce(a: &Assignment, current: &Value) -> Result<Value, PathError> {
    let key = &a.key;
    let parsed = toml_value(&a.value);
    let wrong = |expected: &str| PathError::Invalid {
        key: key.clone(),
        message: format!("= {} is not {expected}", a.value),
        allowed: allowed_for(key, expected),
    };
    match current {
        Value::Number(n) => {
            let x =
                parsed.as_ref().and_then(Value::as_f64).filter(|x| x.is_finite()).ok_or_else(|| wrong("a number"))?;
            if n.is_f64() {
                return serde_json::Number::from_f64(x).map(Value::Number).ok_or_else(|| wrong("a number"));
            }
            if x.fract() != 0.0 || x < 0.0 || x > u64::MAX as f64 {
                return Err(wrong("a whole number"));
            }
            Ok(Value::from(x as u64))
        }
        Value::Bool(_) => match parsed {
            Some(Value::Bool(b)) => Ok(Value::Bool(b)),
            _ => Err(wrong("true or false")),
        },
        Value::String(_) => {
            let s = match parsed {
                Some(Value::String(s)) => s,
                // A bare word (`village`, `my-run`) is the string itself.
                _ => a.value.clone(),
            };
            // A choice (`structure.*`): one of the registry's names.
            if let Some(registry::Param { kind: registry::Kind::Choice(values), .. }) = registry::lookup(key)
                && !values.contains(&s.as_str())
            {
                let hint = registry::suggest(&s, values.iter().copied())
                    .map(|b| format!(" (did you mean `{b}`?)"))
                    .unwrap_or_default();
                return Err(PathError::Invalid {
                    key: key.clone(),
                    message: format!("= {s:?} is not an allowed value{hint}"),
                    allowed: format!("one of {}", values.join(", ")),
                });
            }
            Ok(Value::String(s))
        }
        Value::Array(items) => match parsed {
            Some(Value::Array(new)) if items.is_empty() || new.len() == items.len() || items[0].is_string() => {
                Ok(Value::Array(new))
            }
            Some(Value::Array(new)) => Err(PathError::Invalid {
                key: key.clone(),
                message: format!("= {} has {} values, not {}", a.value, new.len(), items.len()),
                allowed: allowed_for(key, "an array"),
            }),
            _ => Err(wrong("an array like [1, 2]")),
        },
        Value::Object(_) => Err(PathError::NotNumber { key: key.clone(), found: "a table: set one of its keys" }),
        Value::Null => Err(wrong("a value")),
    }
}

/// What `key` allows in the registry's words, else the type asked for.
fn allowed_for(key: &str, expected: &str) -> String {
    registry::lookup(key)
        .map(|p| {
            let range = p.check.allowed();
            if range.is_empty() { p.kind.describe() } else { range }
        })
        .unwrap_or_else(|| expected.to_string())
}

/// A copy of `s` with each assignment applied in order (numbers, booleans,
/// strings and arrays, as the registry types them), then checked with the
/// scenario's own validation: the reusable part of `--set`.
///
/// ```
/// use carenet_model::scenario::{Scenario, path::{apply, parse_assignment, get_number}};
/// let s = Scenario::default();
/// let set = [parse_assignment("street[0].students=400").unwrap()];
/// assert_eq!(get_number(&apply(&s, &set).unwrap(), "street[0].students").unwrap(), 400.0);
/// let bad = [parse_assignment("ties.decay_weekyl=1").unwrap()];
/// assert!(apply(&s, &bad).unwrap_err().to_string().contains("did you mean `decay_weekly`"));
/// ```
pub fn apply(s: &Scenario, assignments: &[Assignment]) -> Result<Scenario, PathError> {
    if assignments.is_empty() {
        return Ok(s.clone());
    }
    let mut v = serde_json::to_value(s).map_err(|_| PathError::Unknown { key: String::new(), hint: String::new() })?;
    for a in assignments {
        let x = locate(&mut v, &a.key)?;
        *x = coerce(a, x)?;
    }
    let mut out: Scenario = serde_json::from_value(v).map_err(|e| {
        let a = assignments.last().expect("not empty");
        PathError::Invalid {
            key: a.key.clone(),
            message: format!("= {} is not allowed: {e}", a.value),
            allowed: allowed_for(&a.key, "a value of the key's type"),
        }
    })?;
    out.expand_street_counts();
    // As with `--weeks`: a run shortened by `simulation.weeks` summarises all of its
    // weeks, unless the settings choose the window themselves.
    if assignments.iter().any(|a| a.key == "simulation.weeks")
        && !assignments.iter().any(|a| a.key == "metrics.summary_window")
    {
        out.metrics.summary_window = out.metrics.summary_window.min(out.simulation.weeks);
    }
    if let Some(p) = validate(&out).into_iter().next() {
        // A key not set itself broke a constraint with a key that was (a mix no longer sums to 1).
        let message = match assignments.iter().rev().find(|a| a.key == p.path) {
            None => {
                let all: Vec<String> = assignments.iter().map(ToString::to_string).collect();
                format!("{} after --set {}", p.message, all.join(" --set "))
            }
            Some(a) if !p.message.starts_with('=') => format!("= {} {}", a.value, p.message),
            Some(_) => p.message,
        };
        return Err(PathError::Invalid { key: p.path, message, allowed: p.allowed });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(s: &Scenario, items: &[&str]) -> Result<Scenario, PathError> {
        let a: Vec<Assignment> = items.iter().map(|t| parse_assignment(t).unwrap()).collect();
        apply(s, &a)
    }

    #[test]
    fn a_shorter_run_set_by_key_summarises_all_its_weeks() {
        let s = Scenario::default();
        assert!(s.metrics.summary_window > 26);
        let t = set(&s, &["simulation.weeks=26"]).unwrap();
        assert_eq!((t.simulation.weeks, t.metrics.summary_window), (26, 26));
        let longer = set(&s, &["simulation.weeks=5000"]).unwrap();
        assert_eq!(longer.metrics.summary_window, s.metrics.summary_window);
        // A window chosen in the same settings is kept, and checked.
        assert_eq!(set(&s, &["simulation.weeks=26", "metrics.summary_window=10"]).unwrap().metrics.summary_window, 10);
        assert!(set(&s, &["simulation.weeks=26", "metrics.summary_window=30"]).is_err());
    }

    #[test]
    fn assignments_are_key_equals_value() {
        assert_eq!(
            parse_assignment(" policies.care_subsidy.monthly_voucher = 800 ").unwrap(),
            Assignment { key: "policies.care_subsidy.monthly_voucher".into(), value: "800".into() }
        );
        assert_eq!(parse_assignment("name=a=b").unwrap().value, "a=b");
        for bad in ["x", "=3", "a.b=", "a..b=1", "street[x].students=1"] {
            assert!(parse_assignment(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn every_kind_of_value_is_set_as_the_registry_types_it() {
        let s = Scenario::default();
        let t = set(
            &s,
            &[
                "street[0].students=400",
                "policies.care_subsidy.monthly_voucher=800",
                "case_management.grade_priority=false",
                "name=\"doubled\"",
                "street[0].community[0].type=village",
                "population.age_mix=[0.5, 0.3, 0.2]",
            ],
        )
        .unwrap();
        assert_eq!(t.streets[0].students, 400);
        assert_eq!(t.policies.care_subsidy.monthly_voucher, 800.0);
        assert!(!t.case_management.grade_priority);
        assert_eq!(t.name, "doubled");
        assert_eq!(t.streets[0].communities[0].kind.as_str(), "village");
        assert_eq!(t.population.age_mix, [0.5, 0.3, 0.2]);
        // Nothing else changed, and a later setting of a key wins.
        let mut back =
            set(&t, &["street[0].students=1", &format!("street[0].students={}", s.streets[0].students)]).unwrap();
        assert_eq!(back.streets[0].students, s.streets[0].students);
        back.streets[0].communities[0].kind = s.streets[0].communities[0].kind;
        assert_ne!(back, s, "the other settings stay");
        assert_eq!(set(&s, &[]).unwrap(), s);
    }

    #[test]
    fn bad_settings_say_what_is_wrong_and_what_is_allowed() {
        let s = Scenario::default();
        let msg = |items: &[&str]| set(&s, items).unwrap_err().to_string();
        assert_eq!(
            msg(&["ties.decay_weekyl=1"]),
            "unknown parameter `ties.decay_weekyl` (did you mean `decay_weekly`?)"
        );
        assert_eq!(
            msg(&["street[0].students=abc"]),
            "`street[0].students` = abc is not a number (allowed: an integer from 0 to 1000000)"
        );
        assert!(msg(&["street[0].students=2.5"]).contains("is not a whole number"));
        assert_eq!(
            msg(&["ties.decay_weekly=5"]),
            "`ties.decay_weekly` = 5 is out of range (allowed: a number from 0 to 1)"
        );
        assert!(msg(&["case_management.grade_priority=1"]).contains("is not true or false"));
        assert!(msg(&["population.age_mix=[0.5, 0.5]"]).contains("has 2 values, not 3"));
        assert!(msg(&["street[0].community[0].type=town"]).contains("is not allowed"));
        assert!(msg(&["street[9].students=1"]).contains("index out of range"));
        assert!(msg(&["ties=1"]).contains("a table"));
        // A mix that no longer sums to 1 names the mix and the setting that broke it.
        let mix = msg(&["population.age_mix=[0.5, 0.3, 0.3]"]);
        assert!(mix.starts_with("`population.age_mix` = [0.5, 0.3, 0.3]") && mix.contains("sum"), "{mix}");
    }
}
