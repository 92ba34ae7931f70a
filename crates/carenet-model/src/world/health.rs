//! Weekly health and living-arrangement hazards by sex and single year of age,
//! precomputed from the scenario.
//!
//! - Transitions: an annual probability `p(a) = min(cap, p60 · exp(slope · (a − 60)))`
//!   (the CLHLS one-year transitions smoothed across ages) becomes a weekly one
//!   `1 − (1 − p)^(1/52)`. Worsening transitions are later multiplied by the
//!   elder's hazard ratio (unmet help, loneliness); see [`crate::step`].
//! - Mortality: a gamma-Gompertz hazard by sex, `μ(t) = a·e^(bt) / (1 + aγ/b·(e^(bt) − 1))`
//!   with `t = age − 60`, times `mortality_improvement`, is the *population* death
//!   rate at each age. It is shared out over the functional states in proportion to
//!   `mortality_state_ratio`, rescaled at each age by the mean ratio over the states
//!   that a cohort entering at 60 with `population.state_mix_60_69` has at that age
//!   ([`HealthTable::prevalence`]), so that the population rate stays on the curve.
//! - Widowhood: an elder living with a spouse only loses the spouse at the other
//!   sex's population death rate at the spouse's age (`living.spouse_age_gap`).
//! - The cohort's state shares by age also give the initial population's states.

use crate::scenario::{Scenario, Transition};

/// Oldest age with its own row; older elders use the last row.
pub const MAX_AGE: usize = 110;
/// Rows per sex: one per year of age from 60 to [`MAX_AGE`].
pub const ROWS: usize = MAX_AGE - 60 + 1;

/// Weekly probabilities by sex, age and functional state.
#[derive(Debug, Clone)]
pub struct HealthTable {
    /// Per sex and age row (index `sex_row(male, row)`) and state: (death,
    /// worsening by one, acute onset to semi-disabled, recovery by one), laid out
    /// for one lookup without branching on the state. Independent elders worsen
    /// to IADL-limited or (acute onset) to semi-disabled; IADL-limited elders
    /// worsen to semi-disabled or recover; semi-disabled elders worsen to
    /// disabled or recover to IADL-limited; disabled elders only recover.
    pub by_state: Vec<[[f64; 4]; 4]>,
    /// Weekly probability that a spouse dies, by sex and age row (`sex_row`).
    pub widowhood: Vec<f64>,
    /// Weekly probability of moving in with children, by state.
    pub move_in: [f64; 4],
    /// Shares of the four states among survivors of a cohort entering at 60, by
    /// sex and age row (`sex_row`): the initial states and the weights that keep
    /// the population death rate on the fitted curve.
    pub prevalence: Vec<[f64; 4]>,
    /// Annual population death rate (hazard) by sex and age row (`sex_row`).
    pub population_mortality: Vec<f64>,
    /// Survival from 60 to the middle of each age row, by sex (`sex_row`).
    pub survival: Vec<f64>,
}

fn annual(t: &Transition, age: f64, cap: f64) -> f64 {
    (t.annual_at_60 * (t.age_slope * (age - 60.0)).exp()).min(cap)
}

/// Converts an annual probability to a weekly one.
pub fn weekly(p_annual: f64) -> f64 {
    1.0 - (1.0 - p_annual.clamp(0.0, 1.0)).powf(1.0 / 52.0)
}

/// The gamma-Gompertz hazard at `t` years past 60: level `a`, slope `b`,
/// frailty variance `gamma` (0 = Gompertz).
pub fn gamma_gompertz(a: f64, b: f64, gamma: f64, t: f64) -> f64 {
    let e = (b * t).exp();
    if b <= 0.0 {
        // No slope: a constant hazard, decelerated by frailty as a·/(1 + aγt).
        return a / (1.0 + a * gamma * t);
    }
    a * e / (1.0 + a * gamma / b * (e - 1.0))
}

/// Index of a sex and age row in the tables.
#[inline(always)]
pub fn sex_row(male: bool, row: usize) -> usize {
    usize::from(male) * ROWS + row
}

impl HealthTable {
    pub fn new(s: &Scenario) -> HealthTable {
        let h = &s.health;
        let cap = h.max_annual_probability;
        let mut by_state = vec![[[0.0; 4]; 4]; 2 * ROWS];
        let mut prevalence = vec![[0.0; 4]; 2 * ROWS];
        let mut population_mortality = vec![0.0; 2 * ROWS];
        let mut survival = vec![0.0; 2 * ROWS];
        let mu = |male: bool, age: f64| {
            let (a, b) = if male {
                (h.male_mortality_at_60, h.male_mortality_slope)
            } else {
                (h.mortality_at_60, h.mortality_slope)
            };
            h.mortality_improvement * gamma_gompertz(a, b, h.mortality_deceleration, (age - 60.0).max(0.0))
        };
        for male in [false, true] {
            // A cohort entering at 60 with the newcomers' states, aged one year at a
            // time through the weekly tables (the same arithmetic as the step).
            let mut pi = s.population.state_mix_60_69;
            let mut cumulative = 0.0;
            for row in 0..ROWS {
                let age = 60.0 + row as f64 + 0.5;
                let w = |t: &Transition| weekly(annual(t, age, cap));
                let m = mu(male, age);
                let mean_ratio: f64 = pi.iter().zip(&h.mortality_state_ratio).map(|(p, r)| p * r).sum();
                let d = |st: usize| {
                    let rel = if mean_ratio > 0.0 { h.mortality_state_ratio[st] / mean_ratio } else { 1.0 };
                    weekly((1.0 - (-m * rel).exp()).min(cap))
                };
                let t = [
                    [d(0), w(&h.independent_to_iadl), w(&h.independent_to_semi), 0.0],
                    [d(1), w(&h.iadl_to_semi), 0.0, w(&h.iadl_to_independent)],
                    [d(2), w(&h.semi_to_disabled), 0.0, w(&h.semi_to_iadl)],
                    [d(3), 0.0, 0.0, w(&h.disabled_to_semi)],
                ];
                let k = sex_row(male, row);
                by_state[k] = t;
                prevalence[k] = pi;
                population_mortality[k] = m;
                survival[k] = (-(cumulative + 0.5 * m)).exp();
                cumulative += m;
                pi = age_one_year(pi, &t);
            }
        }
        let gap = s.living.spouse_age_gap;
        let mut widowhood = vec![0.0; 2 * ROWS];
        for male in [false, true] {
            for row in 0..ROWS {
                let age = 60.0 + row as f64 + 0.5;
                // A man's wife is younger, a woman's husband older.
                let spouse_age = if male { age - gap } else { age + gap };
                widowhood[sex_row(male, row)] = weekly((1.0 - (-mu(!male, spouse_age)).exp()).min(cap));
            }
        }
        let move_in = s.living.move_in_annual.map(|p| weekly(p.min(cap)));
        HealthTable { by_state, widowhood, move_in, prevalence, population_mortality, survival }
    }

    /// Row for an age in weeks.
    #[inline]
    pub fn row(age_weeks: u32) -> usize {
        ((age_weeks / 52) as usize).saturating_sub(60).min(ROWS - 1)
    }

    /// Probability that an initial elder of this age (weeks) is a man, when
    /// `male_share` of 60-year-olds are: the share at 60 thinned by each sex's
    /// survival from 60.
    pub fn male_probability(&self, male_share: f64, age_weeks: u32) -> f64 {
        let row = Self::row(age_weeks);
        let m = male_share * self.survival[sex_row(true, row)];
        let f = (1.0 - male_share) * self.survival[sex_row(false, row)];
        if m + f > 0.0 { m / (m + f) } else { male_share }
    }

    /// State shares of the cohort at this sex and age (weeks).
    pub fn prevalence_at(&self, male: bool, age_weeks: u32) -> &[f64; 4] {
        &self.prevalence[sex_row(male, Self::row(age_weeks))]
    }
}

/// One year of the weekly transitions and deaths applied to state shares `pi`;
/// returns the survivors' shares.
fn age_one_year(mut pi: [f64; 4], t: &[[f64; 4]; 4]) -> [f64; 4] {
    for _ in 0..52 {
        let mut next = [0.0; 4];
        for (st, &p) in pi.iter().enumerate() {
            let [death, worse, acute, better] = t[st];
            let alive = p * (1.0 - death);
            let up = if st == 0 { 1 } else { (st + 1).min(3) };
            next[up] += alive * worse;
            next[2] += alive * acute;
            if st > 0 {
                next[st - 1] += alive * better;
            }
            next[st] += alive * (1.0 - worse - acute - better);
        }
        pi = next;
    }
    let total: f64 = pi.iter().sum();
    if total > 0.0 { pi.map(|p| p / total) } else { pi }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each state's slots hold its own death rate and transitions: every
    /// transition gets a distinct rate (no age slope) and is found where the
    /// step looks for it.
    #[test]
    fn by_state_lays_out_each_states_transitions() {
        let mut s = Scenario::default();
        let h = &mut s.health;
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
        h.mortality_state_ratio = [1.0, 2.0, 3.0, 4.0];
        let tab = HealthTable::new(&s);
        let w = |k: usize| weekly(0.01 * (k + 1) as f64);
        for male in [false, true] {
            for row in [0, 20, ROWS - 1] {
                let t = &tab.by_state[sex_row(male, row)];
                assert_eq!(t[0][1..], [w(0), w(1), 0.0]);
                assert_eq!(t[1][1..], [w(3), 0.0, w(2)]);
                assert_eq!(t[2][1..], [w(5), 0.0, w(4)]);
                assert_eq!(t[3][1..], [0.0, 0.0, w(6)]);
                // Death hazards keep the states' ratios (below the cap, which the
                // oldest row's worst state reaches).
                if row < ROWS - 1 {
                    for st in 1..4 {
                        let r = (1.0 - t[st][0]).ln() / (1.0 - t[0][0]).ln();
                        assert!((r - (st + 1) as f64).abs() < 1e-6, "ratio {r} for state {st}");
                    }
                }
            }
        }
    }

    /// The population death rate over the cohort's states equals the fitted curve.
    #[test]
    fn state_deaths_average_to_the_population_rate() {
        let s = Scenario::default();
        let tab = HealthTable::new(&s);
        for male in [false, true] {
            for row in [0, 10, 25, 40] {
                let k = sex_row(male, row);
                let annual: f64 =
                    (0..4).map(|st| tab.prevalence[k][st] * -(1.0 - tab.by_state[k][st][0]).powi(52).ln()).sum();
                let want = tab.population_mortality[k];
                assert!((annual / want - 1.0).abs() < 0.01, "row {row} male {male}: {annual} vs {want}");
            }
        }
    }
}
