//! Paid services: help bought at the market price (the merchant-alliance
//! discount for registered elders), paid from the elder's care budget and, for
//! registered grade-1 elders, the care-subsidy voucher, within the market's
//! weekly capacity.

use crate::policy::Levers;
use crate::step::Model;
use crate::world::Community;

/// Paid services this week.
#[derive(Debug, Clone, Copy, Default)]
pub struct Paid {
    /// The market's capacity (hours).
    pub offered: f64,
    pub help: f64,
    /// Yuan of care-subsidy vouchers spent.
    pub voucher_yuan: f64,
    /// Yuan elders paid themselves.
    pub private_yuan: f64,
}

/// Elders with help left, in the week's order, buy what they can afford until
/// the market's capacity is used up.
pub(super) fn serve(c: &mut Community, m: &Model, lv: &Levers) -> Paid {
    let ps = &m.scenario.paid_services;
    let e = &mut c.elders;
    let full_price = ps.price_per_hour;
    let member_price = full_price * (1.0 - lv.paid_discount);
    let mut market = c.paid_capacity;
    let mut sums = Paid { offered: market, ..Paid::default() };
    for &iu in &c.order {
        if market <= 0.0 {
            break;
        }
        let i = iu as usize;
        let left = e.help_left[i] as f64;
        if left <= 0.0 {
            continue;
        }
        let voucher = if (e.grade[i] == 1) & e.registered[i] { lv.voucher_weekly } else { 0.0 };
        let price = if e.registered[i] { member_price } else { full_price };
        let budget = ps.weekly_budget[e.income[i] as usize] + voucher;
        let affordable = if price > 0.0 { budget / price } else { f64::INFINITY };
        let h = left.min(affordable).min(market);
        if h <= 0.0 {
            continue;
        }
        market -= h;
        e.help_left[i] = (left - h).max(0.0) as f32;
        let cost = h * price;
        let v = voucher.min(cost);
        sums.voucher_yuan += v;
        sums.private_yuan += cost - v;
        sums.help += h;
    }
    sums
}
