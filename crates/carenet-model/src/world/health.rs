//! Weekly health hazards by single year of age, precomputed from the scenario.
//!
//! An annual probability `p(a) = min(cap, p60 · exp(slope · (a − 60)))` becomes a
//! weekly one `1 − (1 − p)^(1/52)`. Worsening transitions are later multiplied
//! by the elder's hazard ratio (unmet help, loneliness); see [`crate::step`].

use crate::scenario::{Health, Transition};

/// Oldest age with its own row; older elders use the last row.
pub const MAX_AGE: usize = 110;
const ROWS: usize = MAX_AGE - 60 + 1;

/// Weekly probabilities by age and functional state.
#[derive(Debug, Clone)]
pub struct HealthTable {
    /// Per age row and state: (death, worsening by one, acute onset to
    /// semi-disabled, recovery by one), laid out for one lookup without
    /// branching on the state. Independent elders worsen to IADL-limited or
    /// (acute onset) to semi-disabled; IADL-limited elders worsen to
    /// semi-disabled or recover; semi-disabled elders worsen to disabled or
    /// recover to IADL-limited; disabled elders only recover.
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
        let by_state = (0..ROWS)
            .map(|row| {
                let age = 60.0 + row as f64 + 0.5;
                let w = |t: &Transition| weekly(annual(t, age, cap));
                let base = h.mortality_at_60 * (h.mortality_slope * (age - 60.0)).exp();
                let d = |s: usize| weekly((base * h.mortality_state_ratio[s]).min(cap));
                [
                    [d(0), w(&h.independent_to_iadl), w(&h.independent_to_semi), 0.0],
                    [d(1), w(&h.iadl_to_semi), 0.0, w(&h.iadl_to_independent)],
                    [d(2), w(&h.semi_to_disabled), 0.0, w(&h.semi_to_iadl)],
                    [d(3), 0.0, 0.0, w(&h.disabled_to_semi)],
                ]
            })
            .collect();
        HealthTable { by_state }
    }

    /// Row for an age in weeks.
    #[inline]
    pub fn row(age_weeks: u32) -> usize {
        ((age_weeks / 52) as usize).saturating_sub(60).min(ROWS - 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each state's slots hold its own death rate and transitions: every
    /// transition gets a distinct rate (no age slope) and is found where the
    /// step looks for it.
    #[test]
    fn by_state_lays_out_each_states_transitions() {
        let mut h = crate::scenario::Scenario::default().health;
        let ts = [
            &mut h.independent_to_iadl,
            &mut h.independent_to_semi,
            &mut h.iadl_to_independent,
            &mut h.iadl_to_semi,
            &mut h.semi_to_iadl,
            &mut h.semi_to_disabled,
            &mut h.disabled_to_semi,
        ];
        for (k, t) in ts.into_iter().enumerate() {
            *t = Transition { annual_at_60: 0.01 * (k + 1) as f64, age_slope: 0.0 };
        }
        h.mortality_slope = 0.0;
        h.mortality_state_ratio = [1.0, 2.0, 3.0, 4.0];
        let tab = HealthTable::new(&h);
        let w = |k: usize| weekly(0.01 * (k + 1) as f64);
        let d = |s: usize| weekly((h.mortality_at_60 * h.mortality_state_ratio[s]).min(h.max_annual_probability));
        for row in [0, 20, ROWS - 1] {
            assert_eq!(tab.by_state[row][0], [d(0), w(0), w(1), 0.0]);
            assert_eq!(tab.by_state[row][1], [d(1), w(3), 0.0, w(2)]);
            assert_eq!(tab.by_state[row][2], [d(2), w(5), 0.0, w(4)]);
            assert_eq!(tab.by_state[row][3], [d(3), 0.0, 0.0, w(6)]);
        }
    }
}
