//! Random streams. Every random number in a run comes from a ChaCha8 generator
//! derived from (master seed, replication, street) and a stream number that
//! names its purpose. Packages compared with `compare` use the same streams
//! as the baseline (common random numbers), so the package is not part of the
//! key. No thread or global RNG is used anywhere in the model.

use rand::SeedableRng;
use rand::rngs::ChaCha8Rng;

/// Stream of a street's weekly draws (calendar, students, pairing).
pub const STREET: u64 = 0;
/// Purposes of a community's streams (see [`community`]).
pub const SYNTH: u64 = 0;
pub const NEEDS: u64 = 1;
pub const MATCHING: u64 = 2;
pub const HEALTH: u64 = 3;
pub const TIES: u64 = 4;
pub const INFLOW: u64 = 5;
/// The reference model's one weekly stream per community (`carenet reference`).
pub const REFERENCE: u64 = 6;
/// Purposes per community (room for more).
const PURPOSES: u64 = 16;
/// First stream number of communities (streams below are the street's).
const COMMUNITY_BASE: u64 = 1 << 20;

/// A uniform draw in [0, 1) from the top 24 bits of a 32-bit word (resolution
/// 6e-8: far below any weekly probability the models compare with).
#[inline(always)]
pub fn unit24(w: u32) -> f32 {
    (w >> 8) as f32 * (1.0 / 16_777_216.0)
}

/// A uniform draw in [0, 1) from the low 16 bits of `w` (resolution 1.5e-5,
/// for draws that are many and compare with probabilities far above it).
#[inline(always)]
pub fn unit16(w: u32) -> f32 {
    (w & 0xffff) as f32 * (1.0 / 65_536.0)
}

fn splitmix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// The generator for (master, rep, street, stream).
pub fn rng(master: u64, rep: u64, street: u64, stream: u64) -> ChaCha8Rng {
    let key = splitmix(splitmix(splitmix(master) ^ rep) ^ street.wrapping_mul(0x2545_F491_4F6C_DD1D));
    let mut r = ChaCha8Rng::seed_from_u64(key);
    r.set_stream(stream);
    r
}

/// A generator at the same key, stream and position as `r`: it yields exactly the
/// words `r` would yield next. `ChaCha8Rng` is deliberately not `Clone` (a copied
/// stream is usually a bug); the one legitimate use is continuing a world from a
/// shared burn-in (`experiment::run_replication_shared`), where each copy becomes a different
/// package's run of the same replication, as common random numbers intend.
pub fn duplicate(r: &ChaCha8Rng) -> ChaCha8Rng {
    let mut d = ChaCha8Rng::from_seed(r.get_seed());
    d.set_stream(r.get_stream());
    d.set_word_pos(r.get_word_pos());
    d
}

/// The stream of community `c` of a street for one purpose (`SYNTH`, `NEEDS`, …).
pub fn community(master: u64, rep: u64, street: usize, c: usize, purpose: u64) -> ChaCha8Rng {
    rng(master, rep, street as u64, COMMUNITY_BASE + c as u64 * PURPOSES + purpose)
}

#[cfg(test)]
mod duplicate_tests {
    use super::*;
    use rand::Rng;

    /// A duplicate yields the words the original yields next, from any position
    /// (including the middle of a ChaCha block), and its own draws do not move the original.
    #[test]
    fn a_duplicate_continues_the_stream() {
        for skip in [0usize, 1, 15, 16, 17, 63, 64, 65, 1000] {
            let mut a = rng(1, 2, 3, 4);
            for _ in 0..skip {
                a.next_u32();
            }
            let mut b = duplicate(&a);
            let wa: Vec<u32> = (0..200).map(|_| a.next_u32()).collect();
            let wb: Vec<u32> = (0..200).map(|_| b.next_u32()).collect();
            assert_eq!(wa, wb, "after {skip} words");
        }
        let a = rng(1, 2, 3, 5);
        let mut b = duplicate(&a);
        b.next_u64();
        assert_eq!(duplicate(&a).get_word_pos(), 0);
        assert_eq!(b.get_stream(), a.get_stream());
    }
}
