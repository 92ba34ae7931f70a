//! The claims file (`scenarios/claims.toml`): what each claim compares, and its checks.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::super::PoolError;
use crate::metrics::METRICS;
use crate::metrics::summary::Group;
use crate::policy::{Package, UnknownName, lever_index};
use crate::scenario::defaults::LEVER_NAMES;
use crate::scenario::path::{PathError, get_number, set_numbers};
use crate::scenario::{CommunityType, Scenario};

/// A claims file.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Claims {
    #[serde(rename = "claim")]
    pub claims: Vec<Claim>,
}

/// What a claim is: a problem the study observes, a remedy it proposes, or
/// something from the literature it reviews (not the study's own claim).
pub const KINDS: [&str; 3] = ["diagnosis", "remedy", "literature"];

/// One claim of the study.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Claim {
    pub id: String,
    /// `diagnosis`, `remedy` or `literature` ([`KINDS`]).
    pub kind: String,
    /// Where the study says it ("3.2", "4.1", "1" for the literature review).
    pub section: String,
    /// The study's own words, verbatim (line breaks and spaces aside).
    pub quote_zh: String,
    pub statement_en: String,
    /// What the comparison is, in words (treatment against reference).
    pub compares: String,
    pub metric: String,
    /// "lower" or "higher": the direction of treatment − reference the claim asserts.
    pub expected: String,
    /// Smallest effect size of interest, in the metric's unit (> 0).
    pub sesoi: f64,
    pub sesoi_reason: String,
    /// The claim's direct mechanism: dotted key → the value that switches it off.
    /// Set in both arms for the emergent share.
    pub mechanism: BTreeMap<String, f64>,
    /// Community type the metric is read on (a type or "all"; default "all").
    #[serde(default)]
    pub community_type: Option<String>,
    pub treatment: Variant,
    pub reference: Variant,
    /// Package against lever at equal cost: the reference's dose is scaled so its
    /// lever spending matches the treatment's.
    #[serde(default)]
    pub equal_cost: Option<EqualCost>,
}

impl Claim {
    /// Whether a remedy (which gets spillover rows).
    pub fn is_remedy(&self) -> bool {
        self.kind == "remedy"
    }

    /// +1 when the claim expects a higher value, −1 when lower.
    pub fn direction(&self) -> f64 {
        if self.expected == "higher" { 1.0 } else { -1.0 }
    }
}

/// The reference's dose, scaled to the treatment's measured cost.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EqualCost {
    /// Dotted key of the reference lever's dose (`policies.care_subsidy.monthly_voucher`).
    pub dose: String,
    /// The dose at which the lever costs nothing (0 for a voucher, 1 for a budget factor);
    /// cost is taken as proportional to dose − `zero_cost_dose`.
    #[serde(default)]
    pub zero_cost_dose: f64,
}

/// One side of a comparison.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Variant {
    /// Policy package of the scenario (default: baseline).
    pub package: Option<String>,
    /// Or a package made of these levers (not one of the scenario's packages).
    pub levers: Vec<String>,
    /// Parameter overrides: dotted key → value.
    pub set: BTreeMap<String, f64>,
    /// Community type for this side (default: the claim's).
    pub community_type: Option<String>,
}

impl Variant {
    /// The package's name as the run keys spell it: a scenario package, or
    /// `levers:a+b` for an ad-hoc set of levers.
    pub fn package_name(&self) -> String {
        if self.levers.is_empty() {
            self.package.clone().unwrap_or_else(|| "baseline".into())
        } else {
            format!("levers:{}", self.levers.join("+"))
        }
    }
}

/// The package named by [`Variant::package_name`].
pub fn resolve_package(s: &Scenario, name: &str) -> Result<Package, UnknownName> {
    match name.strip_prefix("levers:") {
        None => Package::resolve(s, name),
        Some(list) => {
            let mut active = [false; crate::policy::N_LEVERS];
            for l in list.split('+') {
                let k = lever_index(l).ok_or_else(|| UnknownName {
                    what: "lever",
                    name: l.to_string(),
                    valid: LEVER_NAMES.iter().map(|x| x.to_string()).collect(),
                })?;
                active[k] = true;
            }
            Ok(Package { name: name.to_string(), active })
        }
    }
}

/// A problem with a claims file.
#[derive(Debug, thiserror::Error)]
pub enum ClaimsError {
    #[error("{file}:{line}:{column}: {message}")]
    Parse { file: String, line: usize, column: usize, message: String },
    #[error("{file}: claim {id}: {message}")]
    Claim { file: String, id: String, message: String },
    #[error(transparent)]
    Pool(#[from] PoolError),
}

impl ClaimsError {
    /// Whether the error is bad input (exit 2) rather than a runtime failure.
    pub fn is_input(&self) -> bool {
        !matches!(self, ClaimsError::Pool(_))
    }
}

/// Metric names a claim may use.
pub fn claim_metrics() -> Vec<&'static str> {
    METRICS.iter().map(|m| m.name).collect()
}

pub(crate) fn group_of(name: &str) -> Option<Group> {
    if name == "all" {
        return Some(Group::All);
    }
    CommunityType::ALL.iter().find(|t| t.as_str() == name).map(|t| Group::Type(*t))
}

impl Claims {
    /// Parses and checks a claims file against scenario `s`: kinds, metrics,
    /// directions, SESOIs, community types, packages, levers, mechanism and
    /// parameter keys must all be valid.
    pub fn parse(text: &str, file: &str, s: &Scenario) -> Result<Claims, ClaimsError> {
        let claims: Claims = toml::from_str(text).map_err(|e| {
            let (line, column) = e.span().map(|sp| line_col(text, sp.start)).unwrap_or((1, 1));
            ClaimsError::Parse { file: file.to_string(), line, column, message: e.message().to_string() }
        })?;
        let err =
            |id: &str, message: String| ClaimsError::Claim { file: file.to_string(), id: id.to_string(), message };
        let metrics = claim_metrics();
        let mut ids = Vec::new();
        for c in &claims.claims {
            if ids.contains(&c.id) {
                return Err(err(&c.id, "duplicate claim id".into()));
            }
            ids.push(c.id.clone());
            if !KINDS.contains(&c.kind.as_str()) {
                return Err(err(&c.id, format!("kind = \"{}\"; allowed: {}", c.kind, KINDS.join(", "))));
            }
            for (name, text) in [
                ("quote_zh", &c.quote_zh),
                ("statement_en", &c.statement_en),
                ("section", &c.section),
                ("compares", &c.compares),
                ("sesoi_reason", &c.sesoi_reason),
            ] {
                if text.trim().is_empty() {
                    return Err(err(&c.id, format!("{name} is empty")));
                }
            }
            if !metrics.contains(&c.metric.as_str()) {
                return Err(err(
                    &c.id,
                    format!("unknown metric `{}`\n  valid metrics: {}", c.metric, metrics.join(", ")),
                ));
            }
            if c.expected != "lower" && c.expected != "higher" {
                return Err(err(&c.id, format!("expected = \"{}\"; allowed: \"lower\" or \"higher\"", c.expected)));
            }
            if !(c.sesoi.is_finite() && c.sesoi > 0.0) {
                return Err(err(&c.id, format!("sesoi = {}; allowed: a number > 0 in the metric's unit", c.sesoi)));
            }
            if c.mechanism.is_empty() {
                return Err(err(&c.id, "mechanism is empty: name the parameters that drive the claim directly".into()));
            }
            let mech: Vec<(String, f64)> = c.mechanism.iter().map(|(k, x)| (k.clone(), *x)).collect();
            for v in [&c.treatment, &c.reference] {
                for t in [&c.community_type, &v.community_type].into_iter().flatten() {
                    if group_of(t).is_none() {
                        return Err(err(
                            &c.id,
                            format!(
                                "unknown community type `{t}`; allowed: commercial_estate, village, village_to_residence, all"
                            ),
                        ));
                    }
                }
                if v.package.is_some() && !v.levers.is_empty() {
                    return Err(err(&c.id, "a variant names a package or levers, not both".into()));
                }
                resolve_package(s, &v.package_name()).map_err(|e| err(&c.id, e.to_string()))?;
                let overrides: Vec<(String, f64)> = v.set.iter().map(|(k, x)| (k.clone(), *x)).collect();
                let sv = set_numbers(s, &overrides).map_err(|e: PathError| err(&c.id, e.to_string()))?;
                set_numbers(&sv, &mech).map_err(|e: PathError| err(&c.id, format!("mechanism: {e}")))?;
            }
            if let Some(eq) = &c.equal_cost {
                get_number(s, &eq.dose).map_err(|e| err(&c.id, format!("equal_cost: {e}")))?;
            }
        }
        Ok(claims)
    }
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map(|l| l.chars().count()).unwrap_or(0) + 1;
    (line, column)
}

/// `text` without whitespace: quotes are compared with the study this way, since the
/// extracted text breaks lines (and puts spaces) inside sentences.
pub fn squeeze(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The claims whose `quote_zh` does not occur in `study` (whitespace aside).
pub fn misquoted<'a>(claims: &'a Claims, study: &str) -> Vec<&'a str> {
    let study = squeeze(study);
    claims.claims.iter().filter(|c| !study.contains(&squeeze(&c.quote_zh))).map(|c| c.id.as_str()).collect()
}
