//! The verdict rule and the emergent share.
//!
//! With the SESOI δ > 0 and the expected direction d (+1 higher, −1 lower), the
//! 95% interval [lo, hi] of the effect is turned into [a, b] = the interval of d × effect
//! (so positive = the expected direction):
//!
//! - `supported`: a > δ (the whole interval beyond the SESOI in the expected direction);
//! - `contradicted`: b < −δ (the whole interval beyond the SESOI in the wrong direction);
//! - `negligible`: −δ < a and b < δ (the whole interval inside ±δ);
//! - `inconclusive`: anything else, and any interval that is not finite.

use crate::metrics::summary::Interval;

/// Claim verdicts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Supported,
    Negligible,
    Contradicted,
    Inconclusive,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Supported => "supported",
            Verdict::Negligible => "negligible",
            Verdict::Contradicted => "contradicted",
            Verdict::Inconclusive => "inconclusive",
        }
    }
}

/// The rule in the module documentation; `direction` is +1 (higher) or −1 (lower).
pub fn verdict(effect: &Interval, direction: f64, sesoi: f64) -> Verdict {
    if !(effect.ci_low.is_finite() && effect.ci_high.is_finite() && sesoi.is_finite()) {
        return Verdict::Inconclusive;
    }
    let (x, y) = (direction * effect.ci_low, direction * effect.ci_high);
    let (a, b) = (x.min(y), x.max(y));
    if a > sesoi {
        Verdict::Supported
    } else if b < -sesoi {
        Verdict::Contradicted
    } else if a > -sesoi && b < sesoi {
        Verdict::Negligible
    } else {
        Verdict::Inconclusive
    }
}

/// Emergent share: the mean effect with the claim's mechanism neutral (in both arms)
/// over the full mean effect. Undefined (NaN) when the full effect is smaller than
/// the SESOI in size: a ratio of two small noisy numbers means nothing. Not clipped:
/// above 1, the mechanism works against the effect; below 0, the effect reverses
/// without it.
pub fn emergent_share(full: f64, neutral: f64, sesoi: f64) -> f64 {
    if !(full.is_finite() && neutral.is_finite()) || full.abs() < sesoi {
        return f64::NAN;
    }
    neutral / full
}

/// Replications per arm so that the mean effect's standard error is half its size
/// (the sign then sits two standard errors from zero): ⌈(2·sd / |effect|)²⌉, at least 2.
pub fn reps_for_sign(effect: &Interval) -> f64 {
    if !(effect.mean.is_finite() && effect.sd.is_finite()) || effect.mean == 0.0 {
        return f64::NAN;
    }
    ((2.0 * effect.sd / effect.mean.abs()).powi(2)).ceil().max(2.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iv(lo: f64, hi: f64) -> Interval {
        Interval { mean: (lo + hi) / 2.0, sd: 1.0, ci_low: lo, ci_high: hi, n: 10 }
    }

    #[test]
    fn the_rule_on_constructed_intervals() {
        let d = 0.01;
        // Expected lower (direction −1).
        assert_eq!(verdict(&iv(-0.05, -0.02), -1.0, d), Verdict::Supported);
        assert_eq!(verdict(&iv(-0.05, -0.005), -1.0, d), Verdict::Inconclusive, "reaches inside the SESOI");
        assert_eq!(verdict(&iv(-0.004, 0.006), -1.0, d), Verdict::Negligible);
        assert_eq!(verdict(&iv(-0.002, -0.001), -1.0, d), Verdict::Negligible, "excludes 0 but too small");
        assert_eq!(verdict(&iv(0.02, 0.04), -1.0, d), Verdict::Contradicted);
        assert_eq!(verdict(&iv(0.005, 0.04), -1.0, d), Verdict::Inconclusive, "wrong side but not beyond −δ");
        assert_eq!(verdict(&iv(-0.03, 0.03), -1.0, d), Verdict::Inconclusive);
        // Expected higher: the mirror image.
        assert_eq!(verdict(&iv(0.02, 0.04), 1.0, d), Verdict::Supported);
        assert_eq!(verdict(&iv(-0.05, -0.02), 1.0, d), Verdict::Contradicted);
        assert_eq!(verdict(&iv(-0.009, 0.009), 1.0, d), Verdict::Negligible);
        // Boundaries and non-finite intervals are inconclusive.
        assert_eq!(verdict(&iv(0.01, 0.04), 1.0, d), Verdict::Inconclusive);
        assert_eq!(verdict(&iv(f64::NAN, 0.04), 1.0, d), Verdict::Inconclusive);
    }

    #[test]
    fn emergent_share_is_undefined_for_effects_below_the_sesoi() {
        assert_eq!(emergent_share(-0.04, -0.01, 0.01), 0.25);
        assert_eq!(emergent_share(-0.04, 0.0, 0.01), 0.0);
        assert_eq!(emergent_share(-0.04, 0.02, 0.01), -0.5, "reverses without the mechanism");
        assert!(emergent_share(0.005, 0.004, 0.01).is_nan());
        assert!(emergent_share(f64::NAN, 0.004, 0.01).is_nan());
    }

    #[test]
    fn replications_for_the_sign() {
        let e = Interval { mean: -0.01, sd: 0.02, ci_low: 0.0, ci_high: 0.0, n: 10 };
        assert_eq!(reps_for_sign(&e), 16.0);
        let big = Interval { mean: 1.0, sd: 0.01, ci_low: 0.0, ci_high: 0.0, n: 10 };
        assert_eq!(reps_for_sign(&big), 2.0);
    }
}
