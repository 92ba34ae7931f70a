//! Family help and companionship, fused with the paired volunteer's visit in
//! one pass over the elders (one pass instead of two over the same columns).

use super::{Given, give, volunteers};
use crate::policy::Levers;
use crate::step::Model;
use crate::world::Community;

/// Family (help first, then companionship) and the paired volunteer's visit,
/// in slot order. The pass also lists, in `c.order`, the elders whom a later
/// provider can reach: those with help still needed, and registered grade-1/2
/// elders (social workers). Returns what family, students and party members gave.
#[inline(never)]
pub(super) fn family_and_volunteers(
    c: &mut Community,
    m: &Model,
    lv: &Levers,
    wk: i32,
    in_term: bool,
) -> (Given, Given, Given) {
    let s = &m.scenario;
    let e = &mut c.elders;
    let student_hours = (s.students.hours_per_week * lv.student_hours_factor) as f32;
    let party_hours = (s.party_members.hours_per_month * 12.0 / 52.0) as f32;
    c.order.clear();
    // Local sums (registers) per source: [offered, help, companionship].
    let mut fam = [0f64; 3];
    let mut vol = [[0f64; 3]; 2];
    let len = e.len();
    let (alive, family_week, pair_kind) = (&e.alive[..len], &e.family_week[..len], &e.pair_kind[..len]);
    let (registered, grade) = (&e.registered[..len], &e.grade[..len]);
    let (help_left, comp_left) = (&mut e.help_left[..len], &mut e.comp_left[..len]);
    let last_contact = &mut e.last_contact[..len];
    c.order.resize(len, 0);
    let mut n_order = 0;
    for i in 0..len {
        if !alive[i] {
            continue;
        }
        // Without branches: with no family hours this week (no contact, or
        // no family) every term below is 0. The family gives as much as the
        // elder needs, help first, up to its capacity this week.
        let f = family_week[i];
        let (fam_help, fam_comp) = give(f, &mut help_left[i], &mut comp_left[i]);
        fam[0] += f as f64;
        fam[1] += fam_help as f64;
        fam[2] += fam_comp as f64;
        // A week of family contact counts as contact (drawn in the needs
        // phase): a select, not a branch to mispredict.
        last_contact[i] = std::hint::select_unpredictable(f > 0.0, wk, last_contact[i]);
        if let Some((who, hours)) = volunteers::visit(pair_kind[i], in_term, student_hours, party_hours) {
            let (vol_help, vol_comp) = give(hours, &mut help_left[i], &mut comp_left[i]);
            vol[who][0] += hours as f64;
            vol[who][1] += vol_help as f64;
            vol[who][2] += vol_comp as f64;
            last_contact[i] = wk;
        }
        // Kept or not without a branch: written, then counted only if reachable.
        c.order[n_order] = i as u32;
        n_order += usize::from((help_left[i] > 0.0) | (registered[i] & (grade[i] <= 2)));
    }
    c.order.truncate(n_order);
    let given = |x: [f64; 3]| Given { offered: x[0], help: x[1], comp: x[2] };
    (given(fam), given(vol[0]), given(vol[1]))
}
