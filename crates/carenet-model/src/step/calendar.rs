//! Phase 1 (street): the calendar and the student pool.

use rand::RngExt;

use super::Model;
use crate::network::NONE;
use crate::policy::Levers;
use crate::world::{PAIR_NONE, PAIR_STUDENT, Street, Student};

/// Whether week-of-year `w` lies in `[lo, hi]` (wrapping past 52 when hi < lo).
pub fn in_term_range(w: u32, range: [u32; 2]) -> bool {
    let [lo, hi] = range;
    if lo <= hi { w >= lo && w <= hi } else { w >= lo || w <= hi }
}

/// Week of the year (1–52) of internal week `week` (counted from the start of
/// the burn-in): the first reported week, `burn_in`, falls on `start` (so the
/// burn-in starts `burn_in` weeks earlier in the year).
pub fn week_of_year(start: u32, burn_in: u32, week: u32) -> u32 {
    let first = (start.max(1) - 1) % 52;
    ((first + 52 - burn_in % 52 + week % 52) % 52) + 1
}

/// Week of the year, term or break, student attrition (in term), graduation
/// and recruitment (street stream). Ageing happens in the needs phase.
pub fn calendar(st: &mut Street, m: &Model, lv: &Levers, week: u32) {
    let s = &m.scenario;
    let sp = &s.students;
    let woy = week_of_year(s.simulation.start_week_of_year, s.simulation.burn_in_weeks, week);
    st.week_of_year = woy;
    st.in_term = in_term_range(woy, sp.spring_term) || in_term_range(woy, sp.autumn_term);
    let attrition = (sp.attrition_weekly * lv.student_attrition_factor).clamp(0.0, 1.0);
    for k in 0..st.students.len() {
        if !st.students[k].enrolled {
            continue;
        }
        let leaves_term = st.in_term && st.rng.random::<f64>() < attrition;
        let graduates = woy == sp.graduation_week && st.rng.random::<f64>() < sp.graduation_share;
        if leaves_term || graduates {
            student_leaves(st, k);
        }
    }
    if woy == sp.recruitment_week {
        let n = (st.student_recruits as f64 * lv.student_recruit_factor).round() as usize;
        let mut slot = 0;
        for _ in 0..n {
            while slot < st.students.len() && st.students[slot].enrolled {
                slot += 1;
            }
            let fresh = Student { enrolled: true, community: NONE, elder: NONE };
            if slot < st.students.len() {
                st.students[slot] = fresh;
            } else {
                st.students.push(fresh);
            }
        }
    }
}

/// Student `k` leaves the pool; their elder (if the pair still holds) is unpaired.
fn student_leaves(st: &mut Street, k: usize) {
    let sk = st.students[k];
    if sk.community != NONE {
        let e = &mut st.communities[sk.community as usize].elders;
        let i = sk.elder as usize;
        if e.pair_kind[i] == PAIR_STUDENT && e.pair_id[i] == k as u32 {
            e.pair_kind[i] = PAIR_NONE;
            e.pair_id[i] = NONE;
        }
    }
    st.students[k] = Student { enrolled: false, community: NONE, elder: NONE };
}
