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
