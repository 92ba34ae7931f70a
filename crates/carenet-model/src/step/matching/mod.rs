//! Phase 4 (communities): the matching chain. Each provider in turn meets what
//! is left of the elders' help and companionship needs:
//!
//! 1. [`family`] and 2. the paired volunteer ([`volunteers`]), in one pass over
//!    the elders that also lists the elders a later provider can reach; that
//!    list is shuffled once (the week's order);
//! 3. neighbours over ties: visits, then help asked ([`neighbours`]);
//! 4. the information platform ([`platform`], lever);
//! 5. the time bank ([`time_bank`], lever): redemption of balances, or with
//!    `structure.time_bank = "clearing_house"` the week's clearing;
//! 6. paid services ([`paid`]);
//! 7. social workers ([`social_workers`]);
//! 8. activities ([`activities`]);
//! 9. counselling ([`counselling`], lever).
//!
//! Each provider returns its sums; the phase returns them together as
//! [`Served`] and the record is filled from them in one place
//! ([`super::observe::record`]).

pub mod activities;
pub mod counselling;
pub mod family;
pub mod neighbours;
pub mod paid;
pub mod platform;
pub mod social_workers;
pub mod time_bank;
pub mod volunteers;

use super::Model;
use super::draws::{fill_words, shuffle};
use crate::policy::Levers;
use crate::scenario::types::TimeBankStructure;
use crate::world::Community;

pub use activities::Activities;
pub use counselling::Counselling;
pub use neighbours::MutualAid;
pub use paid::Paid;
pub use social_workers::SocialWork;

/// Hours one provider offered and gave this week.
#[derive(Debug, Clone, Copy, Default)]
pub struct Given {
    /// Hours offered (help and companionship together).
    pub offered: f64,
    pub help: f64,
    pub comp: f64,
}

/// What every provider gave this week.
#[derive(Debug, Clone, Copy, Default)]
pub struct Served {
    pub family: Given,
    pub student: Given,
    pub party: Given,
    pub mutual_aid: MutualAid,
    pub paid: Paid,
    pub social_workers: SocialWork,
    pub activities: Activities,
    pub counselling: Counselling,
}

/// Up to `hours` hours to an elder: help first, then companionship. Returns
/// the (help, companionship) hours given.
#[inline(always)]
fn give(hours: f32, help_left: &mut f32, comp_left: &mut f32) -> (f32, f32) {
    let h = help_left.min(hours);
    let cmp = comp_left.min(hours - h);
    *help_left -= h;
    *comp_left -= cmp;
    (h, cmp)
}

/// The matching chain for one community (matching stream).
pub fn serve(c: &mut Community, m: &Model, lv: &Levers, wk: i32, in_term: bool) -> Served {
    let (family, student, party) = family::family_and_volunteers(c, m, lv, wk, in_term);
    // The week's order: the elders a later provider can reach, shuffled once.
    fill_words(&mut c.rngs.matching, &mut c.words, c.order.len());
    shuffle(&mut c.order, &c.words);
    let mut mutual_aid = MutualAid::default();
    neighbours::visits(c, m, wk, &mut mutual_aid);
    match m.scenario.structure.time_bank {
        TimeBankStructure::Credit => {
            neighbours::help(c, m, lv, wk, &mut mutual_aid);
            platform::list_helpers(c, lv);
            platform::platform(c, m, lv, wk, &mut mutual_aid);
            time_bank::redeem(c, lv, wk, &mut mutual_aid);
        }
        TimeBankStructure::ClearingHouse => {
            // No accounts: help over ties and the platform credits nothing;
            // the bank clears its members' hours at the end.
            let no_credit = Levers { time_bank: false, ..lv.clone() };
            neighbours::help(c, m, &no_credit, wk, &mut mutual_aid);
            platform::list_helpers(c, lv);
            platform::platform(c, m, &no_credit, wk, &mut mutual_aid);
            time_bank::clear(c, lv, wk, &mut mutual_aid);
        }
    }
    let paid = paid::serve(c, m, lv);
    let social_workers = social_workers::serve(c, m, wk);
    let activities = activities::hold(c, m, lv, wk);
    let counselling = counselling::hold(c, lv, wk);
    Served { family, student, party, mutual_aid, paid, social_workers, activities, counselling }
}
