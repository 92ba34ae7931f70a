//! The per-community phases of the weekly step.
//!
//! Everything here touches one [`Community`] only and draws from its own
//! random stream; buffers are owned by the community and reused, so a week
//! allocates nothing once the buffers have reached their working size.

use rand::RngExt;
use rand::rngs::ChaCha8Rng;
use rand_distr::{Distribution, Exp1, Poisson};

use super::Model;
use crate::metrics::*;
use crate::network::NONE;
use crate::policy::{Lever, Levers, N_LEVERS};
use crate::world::health::HealthTable;
use crate::world::synth::{beta_mean, draw_elder};
use crate::world::*;

#[inline]
/// A uniform draw in [0, 1) with 24 random bits (one 32-bit ChaCha word instead
/// of two): resolution 6e-8, far below any weekly probability in the model.
fn unif(rng: &mut ChaCha8Rng) -> f64 {
    use rand::Rng;
    (rng.next_u32() >> 8) as f64 * (1.0 / 16_777_216.0)
}

/// Bernoulli trials at probability `p`, visited by geometric gaps: one draw per
/// success instead of one per trial (statistically the same as drawing every trial).
struct Gaps {
    ln_q: f64,
    p: f64,
}

impl Gaps {
    fn new(p: f64) -> Gaps {
        Gaps { ln_q: (1.0 - p.clamp(0.0, 1.0)).ln(), p }
    }

    /// Trials to skip before the next success (usize::MAX: never).
    #[inline]
    fn gap(&self, rng: &mut ChaCha8Rng) -> usize {
        if self.p <= 0.0 {
            usize::MAX
        } else if self.p >= 1.0 {
            0
        } else {
            let u = 1.0 - unif(rng); // in (0, 1]
            let g = (u.ln() / self.ln_q).floor();
            if g >= usize::MAX as f64 { usize::MAX } else { g as usize }
        }
    }
}

/// A count with mean `x`: floor(x) plus one more with probability frac(x).
fn stochastic_round(x: f64, rng: &mut ChaCha8Rng) -> usize {
    let x = x.max(0.0);
    let f = x.floor();
    f as usize + usize::from(unif(rng) < x - f)
}

/// Whether elder `i` is a capable mutual-aid helper this week.
#[inline]
fn capable(e: &Elders, i: usize, threshold: f32) -> bool {
    e.grade[i] == 3 && e.state[i] <= IADL_LIMITED && e.willingness[i] >= threshold
}

/// Phase 2 (and the community part of phase 3): ageing, needs, outreach
/// registration, party-member pairing and the waiting list for students.
pub fn needs(c: &mut Community, m: &Model, lv: &Levers, week: u32) {
    let s = &m.scenario;
    let n = &s.needs;
    let helper_threshold = s.mutual_aid.helper_threshold as f32;
    let helper_hours = s.mutual_aid.hours_per_week as f32;
    let outreach = s.case_management.outreach_weekly;
    let outreach_factor = lv.outreach_factor;
    let priority = s.case_management.grade_priority;
    // Party members: dissolve pairs whose elder died or recovered to grade 3.
    {
        let e = &mut c.elders;
        for p in c.party.iter_mut() {
            if p.elder == NONE {
                continue;
            }
            let i = p.elder as usize;
            let valid = e.alive[i] && e.pair_kind[i] == PAIR_PARTY;
            if valid && e.grade[i] <= 2 {
                continue;
            }
            if valid {
                e.pair_kind[i] = PAIR_NONE;
                e.pair_id[i] = NONE;
            }
            p.elder = NONE;
        }
    }
    // Waiting list, built in the same pass: registered grade-1 elders, then
    // grade-2 (or everyone in slot order without grading), without a volunteer.
    c.waiting.clear();
    c.waiting2.clear();
    let mut weight = 0.0;
    let e = &mut c.elders;
    let rng = &mut c.rngs.needs;
    for i in 0..e.len() {
        if !e.alive[i] {
            continue;
        }
        e.age_weeks[i] += 1;
        let st = e.state[i] as usize;
        let g = e.grade[i] as usize - 1;
        let help = if unif(rng) < n.help_probability[st] {
            let x: f64 = Exp1.sample(rng);
            (n.help_hours[st] * x) as f32
        } else {
            0.0
        };
        let x: f64 = Exp1.sample(rng);
        let comp_mean = n.companionship_hours[g] * (1.0 + n.companionship_loneliness_factor * e.loneliness[i] as f64);
        let comp = (comp_mean * x) as f32;
        e.help_need[i] = help;
        e.help_left[i] = help;
        e.comp_need[i] = comp;
        e.comp_left[i] = comp;
        e.helper_left[i] = if capable(e, i, helper_threshold) { helper_hours } else { 0.0 };
        e.helped[i] = 0.0;
        e.banked[i] = 0.0;
        e.got_neighbour_help[i] = false;
        e.attended[i] = false;
        if !e.registered[i] && unif(rng) < outreach[g] * outreach_factor {
            e.registered[i] = true;
        }
        if e.registered[i] && g <= 1 {
            weight += if g == 0 { 2.0 } else { 1.0 };
            if e.pair_kind[i] == PAIR_NONE {
                if g == 0 || !priority {
                    c.waiting.push(i as u32);
                } else {
                    c.waiting2.push(i as u32);
                }
            }
        }
    }
    let mut seg_start = [0, c.waiting.len(), 0];
    c.waiting.extend_from_slice(&c.waiting2);
    seg_start[2] = c.waiting.len();
    let n_seg = if priority { 3 } else { 2 };
    if !priority {
        seg_start[1] = c.waiting.len();
    }
    c.need_weight = weight;
    // Free party members take waiting elders picked at random, grade 1 first;
    // with grading, a waiting grade-1 elder also takes over a party member
    // paired with a grade-2 elder (who joins the waiting list again next week).
    let free = c.party.iter().filter(|p| p.elder == NONE).count();
    let g1_end = if priority { seg_start[1] } else { 0 };
    let movable = if g1_end > 0 {
        c.party.iter().filter(|p| p.elder != NONE && e.grade[p.elder as usize] == 2).count()
    } else {
        0
    };
    pick_front(&mut c.waiting, &seg_start[..n_seg], free + movable, rng);
    let mut next = 0;
    for pass in 0..2 {
        for pid in 0..c.party.len() {
            if next >= c.waiting.len().min(free + movable) || (pass == 1 && next >= g1_end) {
                break;
            }
            let p = c.party[pid];
            if pass == 0 && p.elder != NONE {
                continue;
            }
            if pass == 1 {
                // Second pass: move party members from grade-2 to waiting grade-1 elders.
                if p.elder == NONE || e.grade[p.elder as usize] != 2 {
                    continue;
                }
                e.pair_kind[p.elder as usize] = PAIR_NONE;
                e.pair_id[p.elder as usize] = NONE;
            }
            let i = c.waiting[next] as usize;
            next += 1;
            c.party[pid].elder = i as u32;
            e.pair_kind[i] = PAIR_PARTY;
            e.pair_id[i] = pid as u32;
        }
    }
    c.waiting.drain(..next);
    let _ = week;
}

/// Puts `k` randomly chosen elements at the front of `v`, taking them from the
/// consecutive segments `bounds[0]..bounds[1]`, `bounds[1]..bounds[2]`, … in
/// priority order (a partial Fisher–Yates shuffle inside each segment).
pub fn pick_front<T>(v: &mut [T], bounds: &[usize], k: usize, rng: &mut ChaCha8Rng) {
    let mut want = k;
    for w in bounds.windows(2) {
        let (lo, hi) = (w[0], w[1]);
        let take = want.min(hi - lo);
        for x in lo..lo + take {
            let y = rng.random_range(x..hi);
            v.swap(x, y);
        }
        want -= take;
        if want == 0 || take < hi - lo {
            break;
        }
    }
}

fn shuffle(v: &mut [u32], rng: &mut ChaCha8Rng) {
    for x in (1..v.len()).rev() {
        let y = rng.random_range(0..=x);
        v.swap(x, y);
    }
}

/// Gives up to `hours` of help, then companionship, to elder `i`; returns the
/// (help, companionship) hours delivered.
#[inline]
fn give(e: &mut Elders, i: usize, hours: f32) -> (f32, f32) {
    let h = e.help_left[i].min(hours);
    e.help_left[i] -= h;
    let cmp = e.comp_left[i].min(hours - h);
    e.comp_left[i] -= cmp;
    (h, cmp)
}

/// Phases 4–7 for one community: matching, state updates, ties, inflow,
/// observation.
pub fn serve_and_update(
    c: &mut Community,
    m: &Model,
    lv: &Levers,
    week: u32,
    in_term: bool,
    rec: &mut WeekRecord,
    bands: &mut AgeBands,
) {
    *rec = WeekRecord { weeks: 1.0, ..WeekRecord::default() };
    let wk = week as i32;
    rec.alive_start = c.elders.alive.iter().filter(|&&a| a).count() as f64;
    rec.tb_outstanding_start = c.time_bank_outstanding;
    matching(c, m, lv, wk, in_term, rec);
    update_states(c, m, lv, wk, rec, bands);
    update_ties(c, m);
    inflow(c, m, wk, rec);
    observe(c, m, lv, week, rec, bands);
}

/// Helper `j` gives elder `i` up to `want` hours of help (within `j`'s
/// capacity): both count the contact, the hours count as mutual aid, and a
/// time-bank member banks them. Returns the hours given.
#[inline]
fn neighbour_help(e: &mut Elders, i: usize, j: usize, want: f32, wk: i32, lv: &Levers, rec: &mut WeekRecord) -> f32 {
    let h = want.min(e.helper_left[j]);
    e.help_left[i] -= h;
    e.helper_left[j] -= h;
    e.helped[j] += h;
    e.got_neighbour_help[i] = true;
    e.last_contact[i] = wk;
    e.last_contact[j] = wk;
    rec.help_by[MUTUAL_AID] += h as f64;
    rec.tb_deposits += bank(e, j, h, lv, &mut rec.tb_given) as f64;
    h
}

/// Whether elder `i` belongs to the time bank (a fixed share of elders, by
/// their membership draw).
#[inline]
fn member(e: &Elders, i: usize, lv: &Levers) -> bool {
    (e.membership[i] as f64) < lv.time_bank_membership
}

/// Credits `h` hours given by helper `j` to their time-bank account (up to the
/// balance cap, times the week's credit share); returns the hours credited.
#[inline]
fn bank(e: &mut Elders, j: usize, h: f32, lv: &Levers, given: &mut f64) -> f32 {
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

#[inline(never)]
fn matching(c: &mut Community, m: &Model, lv: &Levers, wk: i32, in_term: bool, rec: &mut WeekRecord) {
    let s = &m.scenario;
    let e = &mut c.elders;
    let rng = &mut c.rngs.matching;
    // 1. Family (help first, then companionship) and 2. the paired volunteer's
    // visit (students in term; party members every week), in one pass that also
    // collects the week's processing order.
    let student_hours = (s.students.hours_per_week * lv.student_hours_factor) as f32;
    let party_hours = (s.party_members.hours_per_month * 12.0 / 52.0) as f32;
    c.order.clear();
    // Local sums (registers) per source: [offered, help, companionship].
    let mut fam = [0f64; 3];
    let mut vol = [[0f64; 3]; 2];
    for i in 0..e.len() {
        if !e.alive[i] {
            continue;
        }
        c.order.push(i as u32);
        let f = e.family_hours[i];
        if f > 0.0 {
            let (h, cmp) = give(e, i, f);
            fam[0] += f as f64;
            fam[1] += h as f64;
            fam[2] += cmp as f64;
            if h + cmp > 0.0 {
                e.last_contact[i] = wk;
            }
        }
        let (k, hours) = match e.pair_kind[i] {
            PAIR_STUDENT if in_term => (0, student_hours),
            PAIR_PARTY => (1, party_hours),
            _ => continue,
        };
        let (h, cmp) = give(e, i, hours);
        vol[k][0] += hours as f64;
        vol[k][1] += h as f64;
        vol[k][2] += cmp as f64;
        e.last_contact[i] = wk;
    }
    for (src, sums) in [(FAMILY, fam), (STUDENT, vol[0]), (PARTY, vol[1])] {
        rec.offered_by[src] += sums[0];
        rec.help_by[src] += sums[1];
        rec.comp_by[src] += sums[2];
    }
    shuffle(&mut c.order, rng);

    // 3a. Neighbour visits over ties: companionship for both sides.
    let visit = s.ties.visit_weekly as f32;
    let visit_hours = s.ties.visit_hours as f32;
    let g = &mut c.graph;
    let (mut visits, mut visit_comp) = (0u32, 0f64);
    for k in 0..g.n_edges() {
        let st = g.strength[k];
        if st <= 0.0 || unif(rng) as f32 >= visit * st {
            continue;
        }
        g.touched[k] = true;
        visits += 1;
        for x in [g.a[k] as usize, g.b[k] as usize] {
            let cmp = e.comp_left[x].min(visit_hours);
            e.comp_left[x] -= cmp;
            visit_comp += cmp as f64;
            e.last_contact[x] = wk;
        }
    }
    rec.offered_by[MUTUAL_AID] += 2.0 * visit_hours as f64 * visits as f64;
    rec.comp_by[MUTUAL_AID] += visit_comp;

    // 3b. Help from neighbours over ties: ask probability rises with tie strength
    // and the helper's willingness.
    let ask = s.mutual_aid.ask_probability as f32;
    for &iu in &c.order {
        let i = iu as usize;
        if e.help_left[i] <= 0.0 {
            continue;
        }
        let (lo, hi) = (g.offsets[i] as usize, g.offsets[i + 1] as usize);
        for slot in lo..hi {
            let (j, eid) = (g.nbr[slot] as usize, g.eid[slot]);
            if e.helper_left[j] <= 0.0 {
                continue;
            }
            let p = ask * g.strength[eid as usize] * e.willingness[j];
            if (unif(rng) as f32) >= p {
                continue;
            }
            neighbour_help(e, i, j, e.help_left[i], wk, lv, rec);
            g.touched[eid as usize] = true;
            if e.help_left[i] <= 0.0 {
                break;
            }
        }
    }

    // Helpers with capacity left, anywhere in the community (platform, time bank).
    if lv.platform || lv.time_bank {
        c.helpers.clear();
        for i in 0..e.len() {
            if e.alive[i] && e.helper_left[i] > 0.0 {
                c.helpers.push(i as u32);
            }
        }
    }

    // 3c. Information platform: remaining requests are visible to willing helpers
    // anywhere in the community (no tie needed; willingness still decides).
    if lv.platform && !c.helpers.is_empty() {
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
                neighbour_help(e, i, j, e.help_left[i], wk, lv, rec);
            }
        }
    }

    // 3d. Time bank: members with a balance redeem hours for their remaining
    // help need from member helpers with capacity; the helper banks what they
    // give. Hours move between accounts: withdrawals equal the hours served.
    if lv.time_bank {
        c.helpers.retain(|&j| member(e, j as usize, lv));
    }
    if lv.time_bank && !c.helpers.is_empty() {
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
                rec.help_by[MUTUAL_AID] += h as f64;
                rec.tb_withdrawals += h as f64;
                rec.tb_deposits += bank(e, j, h, lv, &mut rec.tb_given) as f64;
            }
        }
    }
    rec.lever_yuan[Lever::TimeBank as usize] += rec.tb_deposits * lv.time_bank_admin;

    // 4. Paid services: price after discount, paid from the elder's care budget
    // and (grade 1) the care-subsidy voucher, within the market's capacity.
    // Members of the merchant alliance (registered elders) pay the discounted price.
    let full_price = s.paid_services.price_per_hour;
    let member_price = full_price * (1.0 - lv.paid_discount);
    let mut market = c.paid_capacity;
    rec.offered_by[PAID] += market;
    for &iu in &c.order {
        if market <= 0.0 {
            break;
        }
        let i = iu as usize;
        let left = e.help_left[i] as f64;
        if left <= 0.0 {
            continue;
        }
        let voucher = if e.grade[i] == 1 && e.registered[i] { lv.voucher_weekly } else { 0.0 };
        let price = if e.registered[i] { member_price } else { full_price };
        let budget = s.paid_services.weekly_budget[e.income[i] as usize] + voucher;
        let affordable = if price > 0.0 { budget / price } else { f64::INFINITY };
        let h = left.min(affordable).min(market);
        if h <= 0.0 {
            continue;
        }
        market -= h;
        e.help_left[i] = (left - h).max(0.0) as f32;
        let cost = h * price;
        let v = voucher.min(cost);
        rec.voucher_yuan += v;
        rec.paid_private_yuan += cost - v;
        rec.help_by[PAID] += h;
    }
    rec.lever_yuan[Lever::CareSubsidy as usize] += rec.voucher_yuan;

    // 5. Social workers: registered grade-1 and grade-2 elders, grade 1 first
    // (or both together), in the week's random order; help before companionship.
    let mut sw = c.sw_hours;
    rec.offered_by[SOCIAL_WORKER] += sw;
    rec.contract_yuan += c.contract_yuan;
    let grades: &[u8] = if s.case_management.grade_priority { &[1, 2] } else { &[0] };
    'service: for pass in 0..2 {
        for &gr in grades {
            for &iu in &c.order {
                if sw <= 0.0 {
                    break 'service;
                }
                let i = iu as usize;
                if !e.registered[i] || e.grade[i] > 2 || (gr != 0 && e.grade[i] != gr) {
                    continue;
                }
                let left = if pass == 0 { e.help_left[i] } else { e.comp_left[i] } as f64;
                if left <= 0.0 {
                    continue;
                }
                let h = left.min(sw);
                sw -= h;
                if pass == 0 {
                    e.help_left[i] = (left - h).max(0.0) as f32;
                    rec.help_by[SOCIAL_WORKER] += h;
                } else {
                    e.comp_left[i] = (left - h).max(0.0) as f32;
                    rec.comp_by[SOCIAL_WORKER] += h;
                }
                e.last_contact[i] = wk;
            }
        }
    }

    // 6. Activities: sessions with venue capacity; attendees get companionship,
    // contact, and may form or strengthen ties with a co-attendee. The activity
    // programme (lever) adds sessions whose attendees also become less lonely
    // and more willing to help.
    let tp = s.community_types.get(c.kind);
    let base_sessions = stochastic_round(tp.activity_sessions, rng);
    let programme_sessions = stochastic_round(lv.extra_sessions, rng);
    let sessions = base_sessions + programme_sessions;
    rec.lever_yuan[Lever::ActivityProgramme as usize] += programme_sessions as f64 * lv.programme_session_cost;
    let cap = s.activities.capacity as usize;
    let sh = s.activities.session_hours as f32;
    let n_slots = e.len();
    let max_ties = s.ties.max_ties as usize;
    for session in 0..sessions {
        if n_slots == 0 || cap == 0 {
            break;
        }
        let programme = session >= base_sessions;
        rec.offered_by[ACTIVITY] += (cap as f32 * sh) as f64;
        c.attendees.clear();
        for _ in 0..cap * 4 {
            if c.attendees.len() >= cap {
                break;
            }
            let j = rng.random_range(0..n_slots);
            if !e.alive[j] || e.attended[j] || e.state[j] == DISABLED {
                continue;
            }
            let p = s.activities.attend_probability * (0.5 + 0.5 * e.willingness[j] as f64);
            if unif(rng) >= p {
                continue;
            }
            e.attended[j] = true;
            c.attendees.push(j as u32);
            let cmp = e.comp_left[j].min(sh);
            e.comp_left[j] -= cmp;
            rec.comp_by[ACTIVITY] += cmp as f64;
            rec.activity_attendance += 1.0;
            e.last_contact[j] = wk;
            if programme {
                e.loneliness[j] = (e.loneliness[j] - lv.programme_relief as f32).max(0.0);
                e.willingness[j] = (e.willingness[j] + lv.programme_willingness as f32).min(1.0);
            }
        }
        let na = c.attendees.len();
        if na >= 2 {
            for x in 0..na {
                if unif(rng) >= s.ties.coattendance_tie {
                    continue;
                }
                let a = c.attendees[x];
                let b = c.attendees[rng.random_range(0..na)];
                if a == b {
                    continue;
                }
                match g.find_edge(a, b) {
                    Some(eid) => g.touched[eid] = true,
                    None => {
                        if g.degree(a) < max_ties && g.degree(b) < max_ties {
                            g.add_edge(a, b, s.ties.new_tie_strength as f32);
                        }
                    }
                }
            }
        }
    }

    // 7. Counselling (lever): one-hour sessions for registered grade-2 elders.
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
                rec.comp_by[COUNSELLING] += cmp as f64;
                rec.offered_by[COUNSELLING] += 1.0;
                rec.counselling_sessions += 1.0;
                e.last_contact[j] = wk;
                break;
            }
        }
    }
    rec.lever_yuan[Lever::Counselling as usize] += rec.counselling_sessions * lv.counselling_session_cost;
    // Street-level lever costs attributed to this community (case management).
    for k in 0..N_LEVERS {
        rec.lever_yuan[k] += c.street_lever_yuan[k];
    }
}

/// Local sums of [`update_states`], kept out of the record inside the loop so
/// that the compiler can hold them in registers.
#[derive(Default)]
struct StateSums {
    offered_mutual_aid: f64,
    help_requested: [f64; 3],
    help_unmet: [f64; 3],
    comp_requested: f64,
    comp_unmet: f64,
    grade1_with_need: u32,
    grade1_underserved: u32,
    tb_forfeited: f64,
    adl_at_risk: u32,
    adl_onsets: u32,
    deaths: u32,
}

impl StateSums {
    fn write(&self, rec: &mut WeekRecord) {
        rec.offered_by[MUTUAL_AID] += self.offered_mutual_aid;
        rec.help_requested_by_grade = self.help_requested;
        rec.help_unmet_by_grade = self.help_unmet;
        rec.help_requested = self.help_requested[0] + self.help_requested[1] + self.help_requested[2];
        rec.help_unmet = self.help_unmet[0] + self.help_unmet[1] + self.help_unmet[2];
        rec.comp_requested = self.comp_requested;
        rec.comp_unmet = self.comp_unmet;
        rec.grade1_with_need = self.grade1_with_need as f64;
        rec.grade1_underserved = self.grade1_underserved as f64;
        rec.adl_at_risk = self.adl_at_risk as f64;
        rec.adl_onsets = self.adl_onsets as f64;
        rec.deaths = self.deaths as f64;
        rec.tb_forfeited = self.tb_forfeited;
    }
}

/// Phase 5: unmet need, health, mortality, loneliness, willingness, grades.
#[inline(never)]
fn update_states(c: &mut Community, m: &Model, lv: &Levers, wk: i32, rec: &mut WeekRecord, bands: &mut AgeBands) {
    let s = &m.scenario;
    let h = &s.health;
    let lo = &s.loneliness;
    let wi = &s.willingness;
    let tp = s.community_types.get(c.kind);
    let ln_unmet = h.unmet_help_hazard_ratio.max(1e-9).ln() as f32;
    let ln_lonely = h.loneliness_hazard_ratio.max(1e-9).ln() as f32;
    // Largest hazard ratio any elder can have (unmet share and loneliness lie in [0, 1]).
    let hr_max = ((ln_unmet.max(0.0) + ln_lonely.max(0.0)) as f64).exp() * 1.001;
    let mem = h.unmet_memory as f32;
    let moderate = lo.moderate_threshold as f32;
    let severe = lo.severe_threshold as f32;
    let awareness = tp.awareness as f32;
    c.died.clear();
    let e = &mut c.elders;
    let rng = &mut c.rngs.health;
    let mut acc = StateSums::default();
    for i in 0..e.len() {
        if !e.alive[i] {
            continue;
        }
        let g = e.grade[i] as usize - 1;
        // Offered mutual-aid help: every capable helper's capacity this week.
        acc.offered_mutual_aid += (e.helper_left[i] + e.helped[i]) as f64;
        // Unmet need this week.
        let need = e.help_need[i];
        let left = e.help_left[i];
        acc.help_requested[g] += need as f64;
        acc.help_unmet[g] += left as f64;
        acc.comp_requested += e.comp_need[i] as f64;
        acc.comp_unmet += e.comp_left[i] as f64;
        if g == 0 && need > 0.0 {
            acc.grade1_with_need += 1;
            acc.grade1_underserved += u32::from(left > 0.5 * need);
        }
        let unmet_share = if need > 0.0 { left / need } else { 0.0 };
        e.unmet_recent[i] = (1.0 - mem) * e.unmet_recent[i] + mem * unmet_share;

        // Health: one draw decides death, worsening or recovery.
        let row = HealthTable::row(e.age_weeks[i]);
        let t = &m.health.transitions[row];
        let st = e.state[i];
        let p_death = m.health.death[row][st as usize];
        // Base weekly probabilities: (worsening, acute onset, recovery).
        let (w1, w2, better) = match st {
            INDEPENDENT => (t[0], t[1], 0.0),
            IADL_LIMITED => (t[3], 0.0, t[2]),
            SEMI_DISABLED => (t[5], 0.0, t[4]),
            _ => (0.0, 0.0, t[6]),
        };
        acc.adl_at_risk += u32::from(st <= IADL_LIMITED);
        let u = unif(rng);
        if u < p_death {
            bands.deaths[crate::metrics::band_of(e.age_weeks[i])] += 1.0;
            acc.deaths += 1;
            // A dead member's balance leaves the ledger (passed to relatives).
            acc.tb_forfeited += e.time_bank[i] as f64;
            e.time_bank[i] = 0.0;
            e.alive[i] = false;
            c.died.push(i as u32);
            continue;
        }
        let u2 = u - p_death;
        // Worsening is scaled by the hazard ratio of recent unmet help and
        // loneliness. Most weeks nothing happens: when the draw lies above the
        // largest possible event probability the exact ratio is not needed.
        let new_state = if u2 >= (w1 + w2) * hr_max + better {
            st
        } else {
            let hr = (ln_unmet * e.unmet_recent[i] + ln_lonely * e.loneliness[i]).exp() as f64;
            let (worse, worse2) = (w1 * hr, w2 * hr);
            if u2 < worse {
                if st == INDEPENDENT { IADL_LIMITED } else { st + 1 }
            } else if u2 - worse < worse2 {
                SEMI_DISABLED
            } else if u2 - worse - worse2 < better {
                st - 1
            } else {
                st
            }
        };
        acc.adl_onsets += u32::from(st <= IADL_LIMITED && new_state >= SEMI_DISABLED);
        e.state[i] = new_state;

        // Loneliness: rises with unmet companionship; is pulled back toward the
        // elder's own baseline, faster with companionship received; plus a shock.
        let cn = e.comp_need[i];
        let unmet_c = if cn > 0.0 { e.comp_left[i] / cn } else { 0.0 };
        let met_c = if cn > 0.0 { 1.0 - unmet_c } else { f32::from(e.last_contact[i] == wk) };
        let l = e.loneliness[i];
        // Shock with mean 0 and sd 1: uniform on [−√3, √3].
        let shock = (2.0 * unif(rng) - 1.0) * 3f64.sqrt();
        let pull = lo.baseline_pull_weekly as f32 + lo.fall_weekly as f32 * met_c;
        let nl = l
            + lo.rise_weekly as f32 * unmet_c * (1.0 - l)
            + pull * (e.loneliness_base[i] - l)
            + (lo.shock_sd * shock) as f32;
        e.loneliness[i] = nl.clamp(0.0, 1.0);

        // Willingness: drift to awareness, reciprocity, activity, recognition, overload.
        let w = e.willingness[i];
        let mut nw = w + wi.drift_weekly as f32 * (awareness - w);
        if e.got_neighbour_help[i] {
            nw += wi.reciprocity_gain as f32;
        }
        if e.attended[i] {
            nw += wi.activity_gain as f32;
        }
        nw += wi.recognition_gain_per_hour as f32 * e.helped[i];
        // Time-bank credit raises the willingness of the helpers who bank hours.
        nw += lv.time_bank_gain as f32 * e.banked[i] * (1.0 - w);
        if e.helped[i] > wi.overload_hours as f32 {
            nw -= wi.overload_loss as f32;
        }
        e.willingness[i] = nw.clamp(0.0, 1.0);
        e.grade[i] = grade_of(e.state[i], e.lives_alone[i], e.loneliness[i], moderate, severe);
    }
    acc.write(rec);
    // The dead leave: ties dropped, party pairs freed, slots reusable.
    for k in 0..c.died.len() {
        let i = c.died[k] as usize;
        c.graph.drop_node_ties(i as u32);
        if c.elders.pair_kind[i] == PAIR_PARTY {
            let pid = c.elders.pair_id[i] as usize;
            if pid < c.party.len() && c.party[pid].elder == i as u32 {
                c.party[pid].elder = NONE;
            }
        }
        c.elders.pair_kind[i] = PAIR_NONE;
        c.elders.pair_id[i] = NONE;
        c.free_slots.push(i as u32);
    }
}

/// Tie dynamics: interaction strengthens, every tie decays, weak ties drop,
/// friends of friends meet (triadic closure). Changes go to the edge list; the
/// CSR is rebuilt once at the end of [`inflow`].
#[inline(never)]
fn update_ties(c: &mut Community, m: &Model) {
    let t = &m.scenario.ties;
    let gain = t.interaction_gain as f32;
    let decay = t.decay_weekly as f32;
    let drop = t.drop_below as f32;
    let max_ties = t.max_ties as usize;
    let g = &mut c.graph;
    let mut changed = false;
    for k in 0..g.n_edges() {
        let mut s = g.strength[k];
        if s <= 0.0 {
            changed = true;
            continue;
        }
        if g.touched[k] {
            s += gain * (1.0 - s);
            g.touched[k] = false;
        }
        s -= decay;
        if s < drop {
            s = 0.0;
            changed = true;
        }
        g.strength[k] = s.min(1.0);
    }
    if changed {
        g.mark_dirty();
    }
    let e = &c.elders;
    let rng = &mut c.rngs.ties;
    // Elders who meet a friend's friend this week, by geometric gaps over the
    // week's (shuffled) order.
    let closers = Gaps::new(t.triadic_weekly);
    let mut pos = closers.gap(rng);
    while pos < c.order.len() {
        let iu = c.order[pos];
        pos = pos.saturating_add(1).saturating_add(closers.gap(rng));
        if !e.alive[iu as usize] {
            continue;
        }
        let d = g.degree(iu);
        if d == 0 || d >= max_ties {
            continue;
        }
        let (ns, _) = g.neighbours(iu);
        let j = ns[rng.random_range(0..d)];
        let dj = g.degree(j);
        let (nj, _) = g.neighbours(j);
        let k = nj[rng.random_range(0..dj)];
        if k == iu || !e.alive[k as usize] || g.degree(k) >= max_ties || g.has_edge(iu, k) {
            continue;
        }
        g.add_edge(iu, k, t.new_tie_strength as f32);
    }
    // The CSR is rebuilt once, after inflow has added newcomers' ties.
}

/// Phase 6: new 60-year-olds take free slots (or new ones) and get a few ties
/// in their building.
#[inline(never)]
fn inflow(c: &mut Community, m: &Model, wk: i32, rec: &mut WeekRecord) {
    let s = &m.scenario;
    let lambda = c.initial_elders as f64 * s.inflow.annual_rate / 52.0;
    let n_new =
        if lambda > 0.0 { Poisson::new(lambda).map(|p| p.sample(&mut c.rngs.inflow) as usize).unwrap_or(0) } else { 0 };
    let tp = s.community_types.get(c.kind);
    let max_ties = s.ties.max_ties as usize;
    for _ in 0..n_new {
        // A newcomer takes a dead elder's slot (and building) or a new slot.
        let (slot, building) = match c.free_slots.pop() {
            Some(x) => (x as usize, c.elders.building[x as usize]),
            None => {
                c.graph.add_node();
                (c.elders.len(), c.rngs.inflow.random_range(0..c.n_buildings.max(1)))
            }
        };
        let age = 60 * 52 + c.rngs.inflow.random_range(0..52);
        let e = draw_elder(s, tp, age, building, wk, 0.0, &mut c.rngs.inflow);
        c.elders.put(slot, e);
        rec.entrants += 1.0;
        // Initial ties to elders of the same building.
        let k = Poisson::new(tp.network.newcomer_degree.max(1e-9))
            .map(|p| p.sample(&mut c.rngs.inflow) as usize)
            .unwrap_or(0);
        let n_slots = c.elders.len();
        for _ in 0..k {
            for _ in 0..50 {
                let j = c.rngs.inflow.random_range(0..n_slots);
                if j != slot && c.elders.alive[j] && c.elders.building[j] == building {
                    let room = c.graph.degree(slot as u32) < max_ties && c.graph.degree(j as u32) < max_ties;
                    if room && !c.graph.has_edge(slot as u32, j as u32) {
                        let strength = beta_mean(tp.network.neighbour_strength, 20.0, &mut c.rngs.inflow);
                        c.graph.add_edge(slot as u32, j as u32, strength.clamp(0.05, 1.0));
                    }
                    break;
                }
            }
        }
    }
    c.graph.compact();
}

/// Phase 7: the week's observation.
#[inline(never)]
fn observe(c: &mut Community, m: &Model, lv: &Levers, week: u32, rec: &mut WeekRecord, bands: &mut AgeBands) {
    let s = &m.scenario;
    let iso = s.metrics.isolation_weeks as i32;
    let few = s.metrics.few_ties as usize;
    let active = s.ties.active_threshold as f32;
    let wk = week as i32;
    // Active ties per elder, one sequential pass over the edges.
    c.active_ties.clear();
    c.active_ties.resize(c.elders.len(), 0);
    let g = &c.graph;
    for k in 0..g.n_edges() {
        if g.strength[k] >= active {
            c.active_ties[g.a[k] as usize] += 1;
            c.active_ties[g.b[k] as usize] += 1;
        }
    }
    // Counts in local integers (kept in registers), loneliness in local sums.
    let e = &c.elders;
    let mut n_grade = [0u32; 3];
    let mut n_state = [0u32; 4];
    let mut lonely_by_grade = [0f64; 3];
    let (mut registered, mut paired, mut isolated, mut few_ties) = (0u32, 0u32, 0u32, 0u32);
    let (mut registered_grade1, mut balance, mut helper_hours) = (0u32, 0f64, 0f64);
    let moderate = s.loneliness.moderate_threshold as f32;
    let mut lonely = 0u32;
    for i in 0..e.len() {
        if !e.alive[i] {
            continue;
        }
        let gi = e.grade[i] as usize - 1;
        let st = e.state[i] as usize;
        n_grade[gi] += 1;
        n_state[st] += 1;
        lonely_by_grade[gi] += e.loneliness[i] as f64;
        registered += u32::from(e.registered[i]);
        registered_grade1 += u32::from(e.registered[i] && gi == 0);
        lonely += u32::from(e.loneliness[i] > moderate);
        paired += u32::from(e.pair_kind[i] != PAIR_NONE);
        isolated += u32::from(wk - e.last_contact[i] >= iso);
        few_ties += u32::from((c.active_ties[i] as usize) < few);
        bands.person_weeks[band_of(e.age_weeks[i])][st] += 1.0;
    }
    for g in 0..3 {
        rec.grade[g] = n_grade[g] as f64;
        rec.loneliness_by_grade[g] = lonely_by_grade[g];
    }
    for st in 0..4 {
        rec.state[st] = n_state[st] as f64;
    }
    rec.alive = n_grade.iter().sum::<u32>() as f64;
    rec.loneliness_sum = lonely_by_grade[0] + lonely_by_grade[1] + lonely_by_grade[2];
    rec.registered = registered as f64;
    rec.registered_grade1 = registered_grade1 as f64;
    rec.lonely = lonely as f64;
    // Time-bank ledger: balances at the end of the week, and this week's helper
    // supply (the hours capable elders could give).
    // The time-bank ledger needs its own pass only while the bank is open or
    // still holds hours.
    if lv.time_bank || c.time_bank_outstanding > 0.0 {
        for i in 0..e.len() {
            if e.alive[i] {
                balance += e.time_bank[i] as f64;
                helper_hours += (e.helper_left[i] + e.helped[i]) as f64;
            }
        }
    }
    rec.tb_outstanding = balance;
    c.time_bank_outstanding = balance;
    rec.helper_hours = helper_hours;
    rec.lever_yuan[Lever::MerchantAlliance as usize] += registered as f64 * lv.merchant_member_weekly;
    rec.paired = paired as f64;
    rec.isolated = isolated as f64;
    rec.few_ties = few_ties as f64;
    let every = s.metrics.network_every.max(1);
    if week.is_multiple_of(every) {
        c.net = crate::network::stats::NetStats::compute(&c.graph, &c.elders.alive, &mut c.net_scratch);
        rec.net_samples = 1.0;
    }
    rec.net_n = c.net.n;
    rec.net_degree_sum = c.net.degree_sum;
    rec.net_clustering_sum = c.net.clustering_sum;
    rec.net_giant = c.net.giant;
}
