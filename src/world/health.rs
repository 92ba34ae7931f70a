//! Weekly health hazards by single year of age, precomputed from the scenario.
//!
//! An annual probability `p(a) = min(cap, p60 · exp(slope · (a − 60)))` becomes a
//! weekly one `1 − (1 − p)^(1/52)`. Worsening transitions are later multiplied
//! by the elder's hazard ratio (unmet help, loneliness); see [`crate::step`].

use crate::scenario::{Health, Transition};

/// Oldest age with its own row; older elders use the last row.
pub const MAX_AGE: usize = 110;
const ROWS: usize = MAX_AGE - 60 + 1;

/// Weekly probabilities by age.
#[derive(Debug, Clone)]
pub struct HealthTable {
    /// Per age row: [indep→iadl, indep→semi, iadl→indep, iadl→semi, semi→iadl, semi→disabled, disabled→semi].
    pub transitions: Vec<[f64; 7]>,
    /// Per age row: weekly death probability by functional state.
    pub death: Vec<[f64; 4]>,
    /// Per age row and state: (death, worsening by one, acute onset to
    /// semi-disabled, recovery by one), the same probabilities as above laid out
    /// for one lookup without branching on the state.
    pub by_state: Vec<[[f64; 4]; 4]>,
}

fn annual(t: &Transition, age: f64, cap: f64) -> f64 {
    (t.annual_at_60 * (t.age_slope * (age - 60.0)).exp()).min(cap)
}

/// Converts an annual probability to a weekly one.
pub fn weekly(p_annual: f64) -> f64 {
    1.0 - (1.0 - p_annual.clamp(0.0, 1.0)).powf(1.0 / 52.0)
}

impl HealthTable {
    pub fn new(h: &Health) -> HealthTable {
        let cap = h.max_annual_probability;
        let mut transitions = Vec::with_capacity(ROWS);
        let mut death = Vec::with_capacity(ROWS);
        for row in 0..ROWS {
            let age = 60.0 + row as f64 + 0.5;
            let ts = [
                &h.independent_to_iadl,
                &h.independent_to_semi,
                &h.iadl_to_independent,
                &h.iadl_to_semi,
                &h.semi_to_iadl,
                &h.semi_to_disabled,
                &h.disabled_to_semi,
            ];
            let mut t = [0.0; 7];
            for (k, tr) in ts.iter().enumerate() {
                t[k] = weekly(annual(tr, age, cap));
            }
            transitions.push(t);
            let base = h.mortality_at_60 * (h.mortality_slope * (age - 60.0)).exp();
            let mut d = [0.0; 4];
            for s in 0..4 {
                d[s] = weekly((base * h.mortality_state_ratio[s]).min(cap));
            }
            death.push(d);
        }
        let by_state = transitions
            .iter()
            .zip(&death)
            .map(|(t, d)| {
                [[d[0], t[0], t[1], 0.0], [d[1], t[3], 0.0, t[2]], [d[2], t[5], 0.0, t[4]], [d[3], 0.0, 0.0, t[6]]]
            })
            .collect();
        HealthTable { transitions, death, by_state }
    }

    /// Row for an age in weeks.
    #[inline]
    pub fn row(age_weeks: u32) -> usize {
        ((age_weeks / 52) as usize).saturating_sub(60).min(ROWS - 1)
    }
}
