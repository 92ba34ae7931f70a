//! Paid services: help bought at the market price (the merchant-alliance
//! discount for registered elders), paid from the elder's care budget and, for
//! registered grade-1 elders, the care-subsidy voucher, within the market's
//! weekly capacity. The capacity then moves toward the hours elders sought at
//! the price: K ← K + a · (K₀^(1−ε) · D^ε − K), so a subsidy that raises
//! demand draws more supply instead of only moving hours between elders
//! (`structure.paid_market = "elastic"`); a `fixed` market keeps K₀.

use crate::policy::Levers;
use crate::scenario::types::PaidMarketStructure;
use crate::step::Model;
use crate::world::Community;

/// Paid services this week.
#[derive(Debug, Clone, Copy, Default)]
pub struct Paid {
    /// The market's capacity (hours).
    pub offered: f64,
    /// Hours elders sought at the price (within their budgets), capacity or not.
    pub sought: f64,
    pub help: f64,
    /// Yuan of care-subsidy vouchers spent.
    pub voucher_yuan: f64,
    /// Yuan elders paid themselves.
    pub private_yuan: f64,
}

/// Elders with help left, in the week's order, buy what they can afford until
/// the market's capacity is used up; the hours they sought (what they could
/// afford, capacity or not) then move next week's capacity.
pub(super) fn serve(c: &mut Community, m: &Model, lv: &Levers) -> Paid {
    let ps = &m.scenario.paid_services;
    let e = &mut c.elders;
    let full_price = ps.price_per_hour;
    let member_price = full_price * (1.0 - lv.paid_discount);
    let mut market = c.paid_capacity;
    let mut sums = Paid { offered: market, ..Paid::default() };
    let mut sought = 0.0;
    for &iu in &c.order {
        let i = iu as usize;
        let left = e.help_left[i] as f64;
        if left <= 0.0 {
            continue;
        }
        let voucher = if (e.grade[i] == 1) & e.registered[i] { lv.voucher_weekly } else { 0.0 };
        let price = if e.registered[i] { member_price } else { full_price };
        let budget = ps.weekly_budget[e.income[i] as usize] + voucher;
        let affordable = if price > 0.0 { budget / price } else { f64::INFINITY };
        let want = left.min(affordable);
        sought += want;
        let h = want.min(market);
        if h <= 0.0 {
            continue;
        }
        market -= h;
        e.help_left[i] = (left - h).max(0.0) as f32;
        e.paid_week[i] = h as f32;
        let cost = h * price;
        let v = voucher.min(cost);
        sums.voucher_yuan += v;
        sums.private_yuan += cost - v;
        sums.help += h;
    }
    sums.sought = sought;
    // A `fixed` market keeps its initial capacity whatever is sought.
    if m.scenario.structure.paid_market == PaidMarketStructure::Elastic {
        c.paid_capacity =
            next_capacity(c.paid_capacity, c.paid_base, sought, ps.capacity_elasticity, ps.capacity_adjust_weekly);
    }
    sums
}

/// Next week's capacity: a step of `rate` from `capacity` toward the target
/// `base^(1−ε) · sought^ε` (the initial capacity at ε = 0, the hours sought at ε = 1).
#[inline]
pub fn next_capacity(capacity: f64, base: f64, sought: f64, elasticity: f64, rate: f64) -> f64 {
    let target = if elasticity <= 0.0 { base } else { base.powf(1.0 - elasticity) * sought.max(0.0).powf(elasticity) };
    (capacity + rate * (target - capacity)).max(0.0)
}
