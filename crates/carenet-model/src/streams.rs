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

/// The stream of community `c` of a street for one purpose (`SYNTH`, `NEEDS`, …).
pub fn community(master: u64, rep: u64, street: usize, c: usize, purpose: u64) -> ChaCha8Rng {
    rng(master, rep, street as u64, COMMUNITY_BASE + c as u64 * PURPOSES + purpose)
}
