//! Default values. Every parameter's default is declared in the registry
//! ([`super::registry`]); this file builds the default [`Scenario`] from it and
//! holds the scenario data that are not single parameters: the Wutong street's
//! 14 communities and the built-in policy packages. `scenarios/wutong.toml` is
//! written from the same registry (a test checks the committed file).

use std::sync::OnceLock;

use serde::de::DeserializeOwned;

use super::registry;
use super::types::*;

impl Default for Scenario {
    /// The Wutong Street scenario: the registry's defaults, deserialised once.
    ///
    /// # Panics
    ///
    /// Only if the registry's defaults do not make a scenario, which a test rules out.
    fn default() -> Self {
        static DEFAULT: OnceLock<Scenario> = OnceLock::new();
        DEFAULT
            .get_or_init(|| match toml::Value::Table(registry::default_tree()).try_into() {
                Ok(scenario) => scenario,
                Err(e) => panic!("the parameter registry's defaults do not make a scenario: {e}"),
            })
            .clone()
    }
}

/// The registry's default of one key.
///
/// # Panics
///
/// Only if the key is missing from the registry or its default has another
/// type, which the registry's tests rule out.
fn registry_default<T: DeserializeOwned>(key: &str) -> T {
    match registry::lookup(key).and_then(registry::default_value).map(toml::Value::try_into) {
        Some(Ok(value)) => value,
        _ => panic!("the parameter registry has no usable default for `{key}`"),
    }
}

fn community(name: &str, kind: CommunityType, elders: u32) -> Community {
    Community { name: name.into(), kind, elders }
}

impl Default for Street {
    fn default() -> Self {
        use CommunityType::*;
        Street {
            name: registry_default("street.name"),
            contract_budget: registry_default("street.contract_budget"),
            students: registry_default("street.students"),
            student_recruits: registry_default("street.student_recruits"),
            count: registry_default("street.count"),
            communities: vec![
                community("chunteng", CommercialEstate, 1100),
                community("yulanjie", CommercialEstate, 1000),
                community("estate_3", CommercialEstate, 950),
                community("estate_4", CommercialEstate, 1050),
                community("estate_5", CommercialEstate, 900),
                community("estate_6", CommercialEstate, 1000),
                community("estate_7", CommercialEstate, 1000),
                community("estate_8_unlisted", CommercialEstate, 950),
                community("qinzhuang", Village, 800),
                community("lanzhai", Village, 750),
                community("walii", VillageToResidence, 1100),
                community("guozhuang", VillageToResidence, 1050),
                community("resettlement_3", VillageToResidence, 1000),
                community("resettlement_4", VillageToResidence, 1000),
            ],
        }
    }
}

/// Names of the levers, in the order of [`Policies`].
pub const LEVER_NAMES: [&str; 9] = [
    "care_subsidy",
    "student_credits",
    "activity_programme",
    "counselling",
    "time_bank",
    "info_platform",
    "supervision",
    "public_funding",
    "merchant_alliance",
];

/// `baseline`, each lever alone, and `study_package` (the study's three paths together).
pub fn default_packages() -> std::collections::BTreeMap<String, Vec<String>> {
    let mut p = std::collections::BTreeMap::new();
    p.insert("baseline".to_string(), Vec::new());
    for l in LEVER_NAMES {
        p.insert(l.to_string(), vec![l.to_string()]);
    }
    p.insert("study_package".to_string(), LEVER_NAMES.iter().map(|l| l.to_string()).collect());
    p
}
