//! Alternative model structures for `reproduce --structures`.
//!
//! The structures are the registry's choice keys under a prefix (`structure.` in
//! the command): a key with a fixed list of allowed values, the first being the
//! default formulation. The design of `all` is one factor at a time: the default
//! structure, plus each alternative value of each key alone (the others at their
//! defaults). A full factorial of k keys with m values each needs m^k re-runs of
//! every claim; one factor at a time needs 1 + k(m − 1), which is what the machine can
//! afford (interactions between structures are not examined).

use crate::scenario::path::{Assignment, parse_assignment};
use crate::scenario::registry::{Kind, PARAMS, Param};

/// The values a choice key may take, the default first; `None` for other keys.
pub fn choices(p: &Param) -> Option<Vec<String>> {
    match p.kind {
        Kind::Bool => {
            let default = p.default.trim();
            let other = if default == "true" { "false" } else { "true" };
            Some(vec![default.to_string(), other.to_string()])
        }
        // A string key with a fixed list of allowed values (`Kind::Choice`, e.g.
        // `structure.*`): the default first, then the others in registry order.
        Kind::Choice(values) => {
            let default = p.default.trim().trim_matches('"');
            let mut out: Vec<String> = vec![default.to_string()];
            out.extend(values.iter().filter(|v| **v != default).map(|v| v.to_string()));
            if out.len() < 2 { None } else { Some(out) }
        }
        _ => None,
    }
}

/// The choice keys under `prefix` with their values (default first), in registry order.
pub fn choice_keys(prefix: &str) -> Vec<(String, Vec<String>)> {
    PARAMS.iter().filter(|p| p.key.starts_with(prefix)).filter_map(|p| Some((p.key.to_string(), choices(p)?))).collect()
}

/// One alternative structure: a label and the settings that select it.
#[derive(Debug, Clone, PartialEq)]
pub struct Structure {
    /// `KEY=VALUE[,KEY=VALUE…]`.
    pub label: String,
    pub settings: Vec<Assignment>,
}

/// The alternatives `spec` names: `none` (no alternative), `all` (each alternative
/// value of each choice key under `prefix`, one at a time) or `KEY=V[,KEY=V…]` (one
/// alternative made of these settings together). The default structure is not in
/// the list: every claim is run under it anyway.
pub fn structures(spec: &str, prefix: &str) -> Result<Vec<Structure>, String> {
    match spec.trim() {
        "none" | "" => Ok(Vec::new()),
        "all" => {
            let keys = choice_keys(prefix);
            if keys.is_empty() {
                return Err(format!("--structures all: the registry has no choice keys under `{prefix}`"));
            }
            let mut out = Vec::new();
            for (key, values) in keys {
                for v in values.iter().skip(1) {
                    let a = Assignment { key: key.clone(), value: v.clone() };
                    out.push(Structure { label: a.to_string(), settings: vec![a] });
                }
            }
            Ok(out)
        }
        list => {
            let settings = list.split(',').map(parse_assignment).collect::<Result<Vec<_>, _>>()?;
            for a in &settings {
                if !a.key.starts_with(prefix) {
                    return Err(format!(
                        "--structures: `{}` is not a structure key (they start with `{prefix}`)",
                        a.key
                    ));
                }
            }
            let label = settings.iter().map(ToString::to_string).collect::<Vec<_>>().join(",");
            Ok(vec![Structure { label, settings }])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_is_one_factor_at_a_time_over_the_registry() {
        // Whatever choice keys exist under a prefix: here the booleans of case management.
        let keys = choice_keys("case_management.");
        assert_eq!(keys, vec![("case_management.grade_priority".to_string(), vec!["true".into(), "false".into()])]);
        let s = structures("all", "case_management.").unwrap();
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].label, "case_management.grade_priority=false");
        assert!(structures("none", "case_management.").unwrap().is_empty());
        assert!(structures("all", "no_such_prefix.").unwrap_err().contains("no choice keys"));
        let one = structures("case_management.grade_priority=false", "case_management.").unwrap();
        assert_eq!(one[0].settings.len(), 1);
        assert!(structures("ties.decay_weekly=0.1", "case_management.").unwrap_err().contains("not a structure key"));
    }

    #[test]
    fn all_covers_every_structure_key_of_the_registry() {
        // The model's structures: every alternative of every `structure.*` key, one at a time.
        let keys = choice_keys("structure.");
        let registry: Vec<(&str, &[&str])> = crate::scenario::registry::structures().collect();
        assert_eq!(keys.len(), registry.len());
        assert!(keys.len() >= 5, "{keys:?}");
        for ((key, values), (rkey, rvalues)) in keys.iter().zip(&registry) {
            assert_eq!(key, rkey);
            assert_eq!(values.len(), rvalues.len(), "{key}");
            assert_eq!(values[0], rvalues[0], "{key}: the default first");
        }
        let n: usize = keys.iter().map(|(_, v)| v.len() - 1).sum();
        assert_eq!(structures("all", "structure.").unwrap().len(), n);
    }
}
