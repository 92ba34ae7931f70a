//! Phase 3 (street): the street's resources shared out to its communities —
//! social-worker hours and contract yuan by need weight, street-level lever
//! costs by share of the street's initial elders.

use super::Model;
use crate::policy::{Lever, Levers, N_LEVERS};
use crate::world::Street;

/// Social-worker hours: weekly share of the contract, delivered at the
/// delivery ratio, the direct-service share of it, split by need weight.
pub fn allocate(st: &mut Street, m: &Model, lv: &Levers) {
    let sw = &m.scenario.social_workers;
    let budget = st.contract_budget * lv.budget_factor;
    let ratio = (sw.delivery_ratio + lv.delivery_ratio_add).min(1.0);
    let hours = if sw.cost_per_hour > 0.0 { budget / sw.cost_per_hour / 52.0 * ratio * sw.direct_share } else { 0.0 };
    let total_weight: f64 = st.communities.iter().map(|c| c.need_weight).sum();
    let n_comm = st.communities.len() as f64;
    // Street-level lever costs are attributed to communities by their share of
    // the street's initial elders (the contract's extra by its allocation).
    // The extra (or, below 1, the saving) of public funding.
    let extra_budget = st.contract_budget * (lv.budget_factor - 1.0);
    for c in st.communities.iter_mut() {
        let share = if total_weight > 0.0 { c.need_weight / total_weight } else { 1.0 / n_comm };
        c.sw_hours = hours * share;
        c.contract_yuan = budget / 52.0 * share;
        c.street_lever_yuan = [0.0; N_LEVERS];
        c.street_lever_yuan[Lever::StudentCredits as usize] = lv.student_admin_weekly * c.street_share;
        c.street_lever_yuan[Lever::InfoPlatform as usize] = lv.platform_weekly * c.street_share;
        c.street_lever_yuan[Lever::Supervision as usize] = lv.supervision_weekly * c.street_share;
        c.street_lever_yuan[Lever::PublicFunding as usize] = extra_budget / 52.0 * share;
    }
}
