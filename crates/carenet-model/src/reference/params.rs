//! The reference model's parameters, derived from a scenario.
//!
//! The reference model keeps no numbers of its own: [`Reference::derive`] reads
//! every value from the scenario's care-model keys, copying those that the
//! reference step uses as they are and collapsing the care model's age- and
//! state-dependent tables by the rules below (docs/reference-model.md,
//! "Parameters"). `carenet reference export` writes the result to `params.json`,
//! where a benchmark may change it; `carenet reference run --input DIR` reads it
//! back.

use serde::{Deserialize, Serialize};

use crate::scenario::{Scenario, Transition};
use crate::world::health::weekly;

/// The age (years) at which the care model's age-dependent annual rates are
/// read for the reference model, whose elders do not age: about the middle of
/// the default age mix (56% aged 60–69, 30% 70–79, 14% 80+).
pub const REFERENCE_AGE: f64 = 70.0;

/// The reference model's parameters (docs/reference-model.md), derived from a
/// scenario's care-model values by [`Reference::derive`] and written to, or read
/// from, `params.json`. Grade arrays are ordered grade 1, 2, 3; state arrays
/// independent, IADL-limited, semi-disabled, disabled.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reference {
    /// Weekly probability of needing help, by grade.
    pub need_probability: [f64; 3],
    /// Help hours needed in a week of need, by grade.
    pub need_hours: [f64; 3],
    /// Willingness at or above which a capable grade-3 elder helps (as `mutual_aid.helper_threshold`).
    pub helper_threshold: f64,
    /// Most hours a helper gives per week (as `mutual_aid.hours_per_week`).
    pub hours_per_week: f64,
    /// Success of an ask over a tie of strength 1 to a helper of willingness 1 (as `mutual_aid.ask_probability`).
    pub ask_probability: f64,
    /// Weekly probability of the state rising by one, by state.
    pub worsen: [f64; 4],
    /// Weekly probability of the state falling by one, by state.
    pub recover: [f64; 4],
    /// Weekly probability of death, by state.
    pub death: [f64; 4],
    /// Hazard ratio of worsening when all of this week's need was unmet (as `health.unmet_help_hazard_ratio`).
    pub unmet_hazard_ratio: f64,
    /// Hazard ratio of worsening at loneliness 1 (as `health.loneliness_hazard_ratio`).
    pub loneliness_hazard_ratio: f64,
    /// Weekly loneliness rise, times (1 − L), when all need was unmet (as `loneliness.rise_weekly`).
    pub rise: f64,
    /// Extra pull toward the baseline in a week with contact (as `loneliness.fall_weekly`).
    pub fall: f64,
    /// Weekly pull toward the elder's baseline loneliness (as `loneliness.baseline_pull_weekly`).
    pub pull: f64,
    /// Standard deviation of the weekly uniform loneliness shock (as `loneliness.shock_sd`).
    pub shock_sd: f64,
    /// Loneliness above this makes an elder grade 2 (as `loneliness.moderate_threshold`).
    pub moderate_threshold: f64,
    /// Loneliness above this makes an elder grade 1 (as `loneliness.severe_threshold`).
    pub severe_threshold: f64,
    /// Level willingness drifts toward (as the estate's `awareness`).
    pub awareness: f64,
    /// Weekly drift of willingness toward `awareness` (as `willingness.drift_weekly`).
    pub drift: f64,
    /// Willingness gain after receiving help (as `willingness.reciprocity_gain`).
    pub reciprocity: f64,
    /// Willingness gain per hour helped (as `willingness.recognition_gain_per_hour`).
    pub recognition: f64,
    /// Hours helped in a week above which helping feels like overload (as `willingness.overload_hours`).
    pub overload_hours: f64,
    /// Willingness loss in an overload week (as `willingness.overload_loss`).
    pub overload_loss: f64,
    /// Strengthening of a tie used this week: s ← s + gain·(1 − s) (as `ties.interaction_gain`).
    pub interaction_gain: f64,
    /// Weekly tie decay, subtracted (as `ties.decay_weekly`).
    pub decay: f64,
}

impl Reference {
    /// The reference parameters of a scenario:
    ///
    /// - needs by grade from the needs by functional state: grade 3 (capable)
    ///   takes the independent row, grade 2 the IADL-limited row and grade 1 the
    ///   mean of the semi-disabled and disabled rows (`needs.help_probability`,
    ///   `needs.help_hours` × `needs.help_hours_scale`);
    /// - weekly worsening, recovery and death by state from `[health]` at
    ///   [`REFERENCE_AGE`], capped by `max_annual_probability` and converted to
    ///   weekly probabilities as the care model does; the reference step moves
    ///   one state at a time, so an independent elder's two onsets (to
    ///   IADL-limited and to semi-disabled) are added into one step;
    /// - `awareness`: the highest awareness of the community types (the
    ///   reference world has one awareness for all communities);
    /// - every other value copied from the care-model key of the same meaning.
    pub fn derive(s: &Scenario) -> Reference {
        let h = &s.health;
        let n = &s.needs;
        let cap = h.max_annual_probability;
        let age = REFERENCE_AGE - 60.0;
        let rate = |t: &Transition| weekly((t.annual_at_60 * (t.age_slope * age).exp()).min(cap));
        let onset = weekly(
            (h.independent_to_iadl.annual_at_60 * (h.independent_to_iadl.age_slope * age).exp()
                + h.independent_to_semi.annual_at_60 * (h.independent_to_semi.age_slope * age).exp())
            .min(cap),
        );
        let mortality = h.mortality_at_60 * (h.mortality_slope * age).exp();
        let death = h.mortality_state_ratio.map(|ratio| weekly((mortality * ratio).min(cap)));
        let by_grade = |v: &[f64; 4]| [(v[2] + v[3]) / 2.0, v[1], v[0]];
        let types = &s.community_types;
        let awareness =
            types.commercial_estate.awareness.max(types.village.awareness).max(types.village_to_residence.awareness);
        Reference {
            need_probability: by_grade(&n.help_probability),
            need_hours: by_grade(&n.help_hours.map(|h| h * n.help_hours_scale)),
            helper_threshold: s.mutual_aid.helper_threshold,
            hours_per_week: s.mutual_aid.hours_per_week,
            ask_probability: s.mutual_aid.ask_probability,
            worsen: [onset, rate(&h.iadl_to_semi), rate(&h.semi_to_disabled), 0.0],
            recover: [0.0, rate(&h.iadl_to_independent), rate(&h.semi_to_iadl), rate(&h.disabled_to_semi)],
            death,
            unmet_hazard_ratio: h.unmet_help_hazard_ratio,
            loneliness_hazard_ratio: h.loneliness_hazard_ratio,
            rise: s.loneliness.rise_weekly,
            fall: s.loneliness.fall_weekly,
            pull: s.loneliness.baseline_pull_weekly,
            shock_sd: s.loneliness.shock_sd,
            moderate_threshold: s.loneliness.moderate_threshold,
            severe_threshold: s.loneliness.severe_threshold,
            awareness,
            drift: s.willingness.drift_weekly,
            reciprocity: s.willingness.reciprocity_gain,
            recognition: s.willingness.recognition_gain_per_hour,
            overload_hours: s.willingness.overload_hours,
            overload_loss: s.willingness.overload_loss,
            interaction_gain: s.ties.interaction_gain,
            decay: s.ties.decay_weekly,
        }
    }
}

impl Default for Reference {
    /// The parameters derived from the default scenario.
    fn default() -> Self {
        Reference::derive(&Scenario::default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_value_comes_from_the_scenario() {
        let mut s = Scenario::default();
        s.needs.help_probability = [0.1, 0.2, 0.3, 0.5];
        s.needs.help_hours = [1.0, 2.0, 4.0, 8.0];
        s.mutual_aid.helper_threshold = 0.42;
        s.loneliness.rise_weekly = 0.07;
        s.ties.decay_weekly = 0.009;
        s.community_types.village_to_residence.awareness = 0.8;
        s.health.iadl_to_semi = Transition { annual_at_60: 0.2, age_slope: 0.0 };
        s.health.mortality_slope = 0.0;
        s.health.mortality_at_60 = 0.1;
        s.health.mortality_state_ratio = [1.0, 2.0, 3.0, 20.0];
        let r = Reference::derive(&s);
        assert_eq!(r.need_probability, [0.4, 0.2, 0.1]);
        assert_eq!(r.need_hours, [6.0, 2.0, 1.0]);
        assert_eq!(r.helper_threshold, 0.42);
        assert_eq!(r.rise, 0.07);
        assert_eq!(r.decay, 0.009);
        assert_eq!(r.awareness, 0.8);
        assert_eq!(r.worsen[1], weekly(0.2));
        assert_eq!(r.worsen[3], 0.0);
        assert_eq!(r.recover[0], 0.0);
        assert_eq!(r.death[1], weekly(0.2));
        // Capped like the care model's annual rates.
        assert_eq!(r.death[3], weekly(s.health.max_annual_probability));
    }

    #[test]
    fn the_default_is_derived_from_the_default_scenario() {
        let r = Reference::default();
        let s = Scenario::default();
        assert_eq!(r, Reference::derive(&s));
        assert_eq!(r.interaction_gain, s.ties.interaction_gain);
        assert_eq!(r.overload_hours, s.willingness.overload_hours);
        // Worsening rises and recovery falls with the state as in the care model's tables.
        let age = REFERENCE_AGE - 60.0;
        let t = &s.health.semi_to_iadl;
        assert_eq!(r.recover[2], weekly(t.annual_at_60 * (t.age_slope * age).exp()));
        assert!(r.death.windows(2).all(|w| w[0] <= w[1]));
    }
}
