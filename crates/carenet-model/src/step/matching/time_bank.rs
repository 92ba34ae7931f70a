//! The time bank (lever). `structure.time_bank = "credit"`: members bank the
//! hours they give and redeem their balance for their own remaining help
//! need. `"clearing_house"`: no balances; each week the bank matches its
//! members' spare hours to members' remaining help need ([`clear`]).

use rand::RngExt;

use super::neighbours::MutualAid;
use crate::policy::Levers;
use crate::world::{Community, Elders};

/// Whether elder `i` belongs to the time bank (a fixed share of elders, by
/// their membership draw).
#[inline]
pub(super) fn member(e: &Elders, i: usize, lv: &Levers) -> bool {
    (e.membership[i] as f64) < lv.time_bank_membership
}

/// Credits `h` hours given by helper `j` to their time-bank account (up to the
/// balance cap, times the week's credit share); returns the hours credited.
#[inline]
pub(super) fn bank(e: &mut Elders, j: usize, h: f32, lv: &Levers, given: &mut f64) -> f32 {
    if !lv.time_bank || !member(e, j, lv) {
        return 0.0;
    }
    *given += h as f64;
    let room = (lv.time_bank_max as f32 - e.time_bank[j]).max(0.0);
    let credit = (h * lv.time_bank_credit as f32).min(room);
    e.time_bank[j] += credit;
    e.banked[j] += credit;
    credit
}

/// Members with a balance redeem hours for their remaining help need from
/// member helpers with capacity (three tries each, in the week's order); the
/// helper banks what they give. Hours move between accounts: withdrawals equal
/// the hours served.
pub(super) fn redeem(c: &mut Community, lv: &Levers, wk: i32, sums: &mut MutualAid) {
    if !lv.time_bank {
        return;
    }
    let (e, rng) = (&mut c.elders, &mut c.rngs.matching);
    c.helpers.retain(|&j| member(e, j as usize, lv));
    if c.helpers.is_empty() {
        return;
    }
    for &iu in &c.order {
        let i = iu as usize;
        for _ in 0..3 {
            let want = e.help_left[i].min(e.time_bank[i]);
            if want <= 0.0 {
                break;
            }
            let j = c.helpers[rng.random_range(0..c.helpers.len())] as usize;
            if j == i || e.helper_left[j] <= 0.0 {
                continue;
            }
            let h = want.min(e.helper_left[j]);
            e.help_left[i] -= h;
            e.time_bank[i] -= h;
            e.helper_left[j] -= h;
            e.helped[j] += h;
            e.last_contact[i] = wk;
            e.last_contact[j] = wk;
            sums.help += h as f64;
            sums.tb_withdrawals += h as f64;
            sums.tb_deposits += bank(e, j, h, lv, &mut sums.tb_given) as f64;
        }
    }
}

/// The clearing house: member elders with help left, in the week's order,
/// are served by member helpers with capacity left, taken in the helper
/// list's order (central matching, no draws): no balance is needed and none
/// is kept. The hours count as given to the bank (its administration cost)
/// and as `banked` for the helper's recognition (`policies.time_bank.willingness_gain_per_hour`),
/// but no account is credited or debited.
pub(super) fn clear(c: &mut Community, lv: &Levers, wk: i32, sums: &mut MutualAid) {
    if !lv.time_bank {
        return;
    }
    let e = &mut c.elders;
    c.helpers.retain(|&j| member(e, j as usize, lv));
    let helpers = &c.helpers;
    // Helpers before `first` have no capacity left.
    let mut first = 0;
    for &iu in &c.order {
        let i = iu as usize;
        if e.help_left[i] <= 0.0 || !member(e, i, lv) {
            continue;
        }
        while first < helpers.len() && e.helper_left[helpers[first] as usize] <= 0.0 {
            first += 1;
        }
        for &ju in &helpers[first..] {
            let j = ju as usize;
            if j == i || e.helper_left[j] <= 0.0 {
                continue;
            }
            let h = e.help_left[i].min(e.helper_left[j]);
            e.help_left[i] -= h;
            e.helper_left[j] -= h;
            e.helped[j] += h;
            e.banked[j] += h;
            e.last_contact[i] = wk;
            e.last_contact[j] = wk;
            sums.help += h as f64;
            sums.tb_given += h as f64;
            if e.help_left[i] <= 0.0 {
                break;
            }
        }
    }
}
