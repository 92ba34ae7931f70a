//! Random draws shared by the phases: bulk words, short uniforms, geometric
//! gaps, stochastic rounding and the weekly shuffle.

use rand::rngs::ChaCha8Rng;

use crate::streams::{unit16, unit24};

/// A uniform draw in [0, 1) with 24 random bits (one 32-bit ChaCha word instead
/// of two).
#[inline]
pub(crate) fn unif(rng: &mut ChaCha8Rng) -> f64 {
    use rand::Rng;
    unit24(rng.next_u32()) as f64
}

/// Draws `n_words` random 32-bit words from `rng` into `buf` in one call
/// (reusing its capacity): phases that need a fixed number of draws per elder
/// or per tie take them in bulk, which costs far less than word-by-word calls.
pub(crate) fn fill_words(rng: &mut ChaCha8Rng, buf: &mut Vec<u32>, n_words: usize) {
    // Grown once (zeroed then), afterwards only overwritten.
    if buf.len() < n_words {
        buf.resize(n_words, 0);
    }
    rand::RngExt::fill(rng, &mut buf[..n_words]);
}

/// Two uniform draws in [0, 1) with 16 bits each from one word (for per-tie
/// probabilities: draws are many and the probabilities far above 1.5e-5).
#[inline(always)]
pub(crate) fn u16x2(w: u32) -> [f32; 2] {
    [unit16(w >> 16), unit16(w)]
}

/// Bernoulli trials at probability `p`, visited by geometric gaps: one draw per
/// success instead of one per trial (statistically the same as drawing every trial).
pub(crate) struct Gaps {
    ln_q: f64,
    p: f64,
}

impl Gaps {
    pub(crate) fn new(p: f64) -> Gaps {
        Gaps { ln_q: (1.0 - p.clamp(0.0, 1.0)).ln(), p }
    }

    /// Trials to skip before the next success (usize::MAX: never).
    #[inline]
    pub(crate) fn gap(&self, rng: &mut ChaCha8Rng) -> usize {
        if self.p <= 0.0 {
            usize::MAX
        } else if self.p >= 1.0 {
            0
        } else {
            let u = 1.0 - unif(rng); // in (0, 1]
            let g = (u.ln() / self.ln_q).floor();
            if g >= usize::MAX as f64 { usize::MAX } else { g as usize }
        }
    }
}

/// A count with mean `x`: floor(x) plus one more with probability frac(x).
pub(crate) fn stochastic_round(x: f64, rng: &mut ChaCha8Rng) -> usize {
    let x = x.max(0.0);
    let f = x.floor();
    f as usize + usize::from(unif(rng) < x - f)
}

/// Fisher–Yates shuffle with one word of `words` per position: the index is
/// taken by multiply-shift, whose bias (below len / 2^32, under 1e-6 here) is
/// far below anything the model resolves.
pub(crate) fn shuffle(v: &mut [u32], words: &[u32]) {
    for x in (1..v.len()).rev() {
        let y = ((words[x] as u64 * (x as u64 + 1)) >> 32) as usize;
        v.swap(x, y);
    }
}
