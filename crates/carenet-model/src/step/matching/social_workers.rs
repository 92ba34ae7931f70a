//! Social workers: the community's share of the contract's hours (allocated
//! in [`crate::step::allocation`]) for registered grade-1 and grade-2 elders.

use crate::step::Model;
use crate::world::Community;

/// Social-worker service this week.
#[derive(Debug, Clone, Copy, Default)]
pub struct SocialWork {
    /// Hours allocated to the community.
    pub offered: f64,
    pub help: f64,
    pub comp: f64,
    /// Contract yuan attributed to the community.
    pub contract_yuan: f64,
}

/// Registered grade-1 and grade-2 elders, grade 1 first (or both together),
/// in the week's order; help for all of them before companionship.
pub(super) fn serve(c: &mut Community, m: &Model, wk: i32) -> SocialWork {
    let e = &mut c.elders;
    let mut hours = c.sw_hours;
    let mut sums = SocialWork { offered: hours, contract_yuan: c.contract_yuan, ..SocialWork::default() };
    // The eligible elders in the week's order, grade 1 before grade 2 when
    // grading is used (listed without branches: each elder is written, the
    // cursor advances only if it is eligible).
    let (registered, grade) = (&e.registered[..], &e.grade[..]);
    c.sw_list.resize(2 * c.order.len(), 0);
    let mut n_sw = 0;
    let passes: &[(u8, u8)] = if m.scenario.case_management.grade_priority { &[(1, 1), (2, 2)] } else { &[(1, 2)] };
    for &(lo, hi) in passes {
        for &iu in &c.order {
            let gr = grade[iu as usize];
            c.sw_list[n_sw] = iu;
            n_sw += usize::from(registered[iu as usize] & (gr >= lo) & (gr <= hi));
        }
    }
    c.sw_list.truncate(n_sw);
    'service: for pass in 0..2 {
        for &iu in &c.sw_list {
            if hours <= 0.0 {
                break 'service;
            }
            let i = iu as usize;
            let left = if pass == 0 { e.help_left[i] } else { e.comp_left[i] } as f64;
            if left <= 0.0 {
                continue;
            }
            let h = left.min(hours);
            hours -= h;
            if pass == 0 {
                e.help_left[i] = (left - h).max(0.0) as f32;
                sums.help += h;
            } else {
                e.comp_left[i] = (left - h).max(0.0) as f32;
                sums.comp += h;
            }
            e.last_contact[i] = wk;
        }
    }
    sums
}
