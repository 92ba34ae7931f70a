//! The information platform (lever): requests left after neighbours are
//! visible to willing helpers anywhere in the community (no tie needed).

use rand::RngExt;

use super::neighbours::{MutualAid, neighbour_help};
use crate::policy::Levers;
use crate::step::Model;
use crate::step::draws::unif;
use crate::world::Community;

/// Lists the helpers with capacity left anywhere in the community (for the
/// platform and the time bank), when either is on.
pub(super) fn list_helpers(c: &mut Community, lv: &Levers) {
    if lv.platform || lv.time_bank {
        let e = &c.elders;
        c.helpers.clear();
        for i in 0..e.len() {
            if e.alive[i] && e.helper_left[i] > 0.0 {
                c.helpers.push(i as u32);
            }
        }
    }
}

/// Each elder with help left, in the week's order, tries up to three helpers
/// drawn from the list; willingness still decides.
pub(super) fn platform(c: &mut Community, m: &Model, lv: &Levers, wk: i32, sums: &mut MutualAid) {
    if !lv.platform || c.helpers.is_empty() {
        return;
    }
    let ask = m.scenario.mutual_aid.ask_probability as f32;
    let (e, rng) = (&mut c.elders, &mut c.rngs.matching);
    for &iu in &c.order {
        let i = iu as usize;
        for _ in 0..3 {
            if e.help_left[i] <= 0.0 {
                break;
            }
            let j = c.helpers[rng.random_range(0..c.helpers.len())] as usize;
            if j == i || e.helper_left[j] <= 0.0 || (unif(rng) as f32) >= ask * e.willingness[j] {
                continue;
            }
            neighbour_help(e, i, j, e.help_left[i], wk, lv, sums);
        }
    }
}
