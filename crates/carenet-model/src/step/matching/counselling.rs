//! Counselling (lever): one-hour sessions for registered grade-2 elders.

use rand::RngExt;

use crate::policy::Levers;
use crate::step::draws::stochastic_round;
use crate::world::Community;

/// Counselling this week.
#[derive(Debug, Clone, Copy, Default)]
pub struct Counselling {
    pub comp: f64,
    /// Sessions held (one hour offered each).
    pub sessions: u32,
}

/// Each session goes to a registered grade-2 elder found among up to 20 slots
/// drawn at random (matching stream): loneliness relief and an hour of
/// companionship.
pub(super) fn hold(c: &mut Community, lv: &Levers, wk: i32) -> Counselling {
    let (e, rng) = (&mut c.elders, &mut c.rngs.matching);
    let mut sums = Counselling::default();
    let n_slots = e.len();
    let sessions = stochastic_round(lv.counselling_sessions, rng);
    for _ in 0..sessions {
        for _ in 0..20 {
            if n_slots == 0 {
                break;
            }
            let j = rng.random_range(0..n_slots);
            if e.alive[j] && e.registered[j] && e.grade[j] == 2 {
                e.loneliness[j] = (e.loneliness[j] - lv.counselling_relief as f32).max(0.0);
                let cmp = e.comp_left[j].min(1.0);
                e.comp_left[j] -= cmp;
                sums.comp += cmp as f64;
                sums.sessions += 1;
                e.last_contact[j] = wk;
                break;
            }
        }
    }
    sums
}
