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
use crate::streams::{unit16, unit24};
use crate::world::health::HealthTable;
use crate::world::synth::{beta_mean, draw_elder};
use crate::world::*;

#[inline]
/// A uniform draw in [0, 1) with 24 random bits (one 32-bit ChaCha word instead
/// of two).
fn unif(rng: &mut ChaCha8Rng) -> f64 {
    use rand::Rng;
    unit24(rng.next_u32()) as f64
}

/// Draws `n_words` random 32-bit words from `rng` into `buf` in one call
/// (reusing its capacity): phases that need a fixed number of draws per elder
/// or per tie take them in bulk, which costs far less than word-by-word calls.
fn fill_words(rng: &mut ChaCha8Rng, buf: &mut Vec<u32>, n_words: usize) {
    // Grown once (zeroed then), afterwards only overwritten.
    if buf.len() < n_words {
        buf.resize(n_words, 0);
    }
    rand::RngExt::fill(rng, &mut buf[..n_words]);
}

/// Two uniform draws in [0, 1) with 16 bits each from one word (for per-tie
/// probabilities: draws are many and the probabilities far above 1.5e-5).
#[inline(always)]
fn u16x2(w: u32) -> [f32; 2] {
    [unit16(w >> 16), unit16(w)]
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
    // Social-worker need weight in integers (2 per registered grade-1 elder, 1 per grade 2).
    let mut weight = 0u32;
    let e = &mut c.elders;
    let rng = &mut c.rngs.needs;
    // Two words per slot: the help-need draw and the outreach draw.
    fill_words(rng, &mut c.words, 2 * e.len());
    {
        // Columns as slices of one length (no bounds checks in the loop).
        let len = e.len();
        let alive = &e.alive[..len];
        let age_weeks = &mut e.age_weeks[..len];
        let state = &e.state[..len];
        let grade = &e.grade[..len];
        let loneliness = &e.loneliness[..len];
        let willingness = &e.willingness[..len];
        let help_need = &mut e.help_need[..len];
        let help_left = &mut e.help_left[..len];
        let comp_need = &mut e.comp_need[..len];
        let comp_left = &mut e.comp_left[..len];
        let helper_left = &mut e.helper_left[..len];
        let helped = &mut e.helped[..len];
        let banked = &mut e.banked[..len];
        let got_neighbour_help = &mut e.got_neighbour_help[..len];
        let attended = &mut e.attended[..len];
        let registered = &mut e.registered[..len];
        let pair_kind = &e.pair_kind[..len];
        let comp_factor = n.companionship_loneliness_factor as f32;
        c.waiting.resize(len, 0);
        c.waiting2.resize(len, 0);
        let (mut n_wait, mut n_wait2) = (0, 0);
        for i in 0..len {
            if !alive[i] {
                continue;
            }
            age_weeks[i] += 1;
            let st = state[i] as usize;
            let g = grade[i] as usize - 1;
            let (w_help, w_reach) = (c.words[2 * i], c.words[2 * i + 1]);
            let help = if (unit24(w_help) as f64) < n.help_probability[st] {
                let x: f64 = Exp1.sample(rng);
                (n.help_hours[st] * x) as f32
            } else {
                0.0
            };
            let x: f64 = Exp1.sample(rng);
            let comp_mean = n.companionship_hours[g] as f32 * (1.0 + comp_factor * loneliness[i]);
            let comp = comp_mean * x as f32;
            help_need[i] = help;
            help_left[i] = help;
            comp_need[i] = comp;
            comp_left[i] = comp;
            let capable = (grade[i] == 3) & (state[i] <= IADL_LIMITED) & (willingness[i] >= helper_threshold);
            helper_left[i] = helper_hours * f32::from(u8::from(capable));
            helped[i] = 0.0;
            banked[i] = 0.0;
            got_neighbour_help[i] = false;
            attended[i] = false;
            // Registration is for good: an elder already registered stays so.
            registered[i] |= (unit24(w_reach) as f64) < outreach[g] * outreach_factor;
            // Need weight (2 for grade 1, 1 for grade 2) and the waiting lists,
            // without branches: the slot is written to both lists and each
            // cursor advances only if the elder belongs there.
            let counted = registered[i] & (g <= 1);
            weight += u32::from(counted) * [2, 1, 0][g.min(2)];
            let waits = counted & (pair_kind[i] == PAIR_NONE);
            let first = (g == 0) | !priority;
            c.waiting[n_wait] = i as u32;
            c.waiting2[n_wait2] = i as u32;
            n_wait += usize::from(waits & first);
            n_wait2 += usize::from(waits & !first);
        }
        c.waiting.truncate(n_wait);
        c.waiting2.truncate(n_wait2);
    }
    let mut seg_start = [0, c.waiting.len(), 0];
    c.waiting.extend_from_slice(&c.waiting2);
    seg_start[2] = c.waiting.len();
    let n_seg = if priority { 3 } else { 2 };
    if !priority {
        seg_start[1] = c.waiting.len();
    }
    c.need_weight = f64::from(weight);
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

/// Fisher–Yates shuffle with one word of `words` per position: the index is
/// taken by multiply-shift, whose bias (below len / 2^32, under 1e-6 here) is
/// far below anything the model resolves.
fn shuffle(v: &mut [u32], words: &[u32]) {
    for x in (1..v.len()).rev() {
        let y = ((words[x] as u64 * (x as u64 + 1)) >> 32) as usize;
        v.swap(x, y);
    }
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
    let mut obs = Obs::new(m, wk);
    update_states(c, m, lv, wk, rec, bands, &mut obs);
    update_ties(c, m);
    inflow(c, m, wk, rec, &mut obs);
    observe(c, m, lv, week, rec, bands, &obs);
}

/// The week's end-of-week counts over live elders, gathered where each elder
/// is last written (the state updates, and inflow for newcomers) instead of in
/// a pass of their own.
#[derive(Clone, Copy)]
struct Obs {
    wk: i32,
    iso: i32,
    moderate: f32,
    n_grade: [u32; 3],
    n_state: [u32; 4],
    lonely_by_grade: [f64; 3],
    registered: u32,
    registered_grade1: u32,
    lonely: u32,
    paired: u32,
    isolated: u32,
    /// Person-weeks by age band and state, in four interleaved copies (by
    /// slot) so that consecutive elders of the same band and state do not
    /// chain their increments through memory.
    band_weeks: [[[u32; 4]; crate::metrics::N_BANDS]; 4],
    /// Elders counted so far (selects the copy).
    n_added: usize,
}

impl Obs {
    fn new(m: &Model, wk: i32) -> Obs {
        let s = &m.scenario;
        Obs {
            wk,
            iso: s.metrics.isolation_weeks as i32,
            moderate: s.loneliness.moderate_threshold as f32,
            n_grade: [0; 3],
            n_state: [0; 4],
            lonely_by_grade: [0.0; 3],
            registered: 0,
            registered_grade1: 0,
            lonely: 0,
            paired: 0,
            isolated: 0,
            band_weeks: [[[0; 4]; crate::metrics::N_BANDS]; 4],
            n_added: 0,
        }
    }

    /// Counts one live elder as it stands at the end of the week.
    #[inline(always)]
    #[allow(clippy::too_many_arguments)]
    fn add(
        &mut self,
        grade: u8,
        state: u8,
        loneliness: f32,
        registered: bool,
        paired: bool,
        last_contact: i32,
        age_weeks: u32,
    ) {
        let gi = grade as usize - 1;
        let st = state as usize;
        self.n_grade[gi] += 1;
        self.n_state[st] += 1;
        self.lonely_by_grade[gi] += loneliness as f64;
        self.registered += u32::from(registered);
        self.registered_grade1 += u32::from(registered && gi == 0);
        self.lonely += u32::from(loneliness > self.moderate);
        self.paired += u32::from(paired);
        self.isolated += u32::from(self.wk - last_contact >= self.iso);
        self.band_weeks[self.n_added & 3][band_of(age_weeks)][st] += 1;
        self.n_added += 1;
    }
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
    // collects the elders whom a later service can reach: those with help still
    // needed, and registered grade-1/2 elders (social workers). They are served
    // in one random order (a uniformly random order of them is what a random
    // order of all elders gives them).
    let student_hours = (s.students.hours_per_week * lv.student_hours_factor) as f32;
    let party_hours = (s.party_members.hours_per_month * 12.0 / 52.0) as f32;
    c.order.clear();
    // Local sums (registers) per source: [offered, help, companionship].
    let mut fam = [0f64; 3];
    let mut vol = [[0f64; 3]; 2];
    {
        let len = e.len();
        let (alive, family_hours, pair_kind) = (&e.alive[..len], &e.family_hours[..len], &e.pair_kind[..len]);
        let (registered, grade) = (&e.registered[..len], &e.grade[..len]);
        let (help_left, comp_left) = (&mut e.help_left[..len], &mut e.comp_left[..len]);
        let last_contact = &mut e.last_contact[..len];
        c.order.resize(len, 0);
        let mut n_order = 0;
        for i in 0..len {
            if !alive[i] {
                continue;
            }
            // Without branches: with no family hours every term below is 0.
            let f = family_hours[i];
            let h = help_left[i].min(f);
            let cmp = comp_left[i].min(f - h);
            help_left[i] -= h;
            comp_left[i] -= cmp;
            fam[0] += f as f64;
            fam[1] += h as f64;
            fam[2] += cmp as f64;
            // Contact or not is random: a select, not a branch to mispredict.
            last_contact[i] = std::hint::select_unpredictable(h + cmp > 0.0, wk, last_contact[i]);
            let visit = match pair_kind[i] {
                PAIR_STUDENT if in_term => Some((0, student_hours)),
                PAIR_PARTY => Some((1, party_hours)),
                _ => None,
            };
            if let Some((k, hours)) = visit {
                let h = help_left[i].min(hours);
                let cmp = comp_left[i].min(hours - h);
                help_left[i] -= h;
                comp_left[i] -= cmp;
                vol[k][0] += hours as f64;
                vol[k][1] += h as f64;
                vol[k][2] += cmp as f64;
                last_contact[i] = wk;
            }
            // Kept or not without a branch: written, then counted only if reachable.
            c.order[n_order] = i as u32;
            n_order += usize::from((help_left[i] > 0.0) | (registered[i] & (grade[i] <= 2)));
        }
        c.order.truncate(n_order);
    }
    for (src, sums) in [(FAMILY, fam), (STUDENT, vol[0]), (PARTY, vol[1])] {
        rec.offered_by[src] += sums[0];
        rec.help_by[src] += sums[1];
        rec.comp_by[src] += sums[2];
    }
    fill_words(rng, &mut c.words, c.order.len());
    shuffle(&mut c.order, &c.words);

    // 3a. Neighbour visits over ties: companionship for both sides.
    let visit = s.ties.visit_weekly as f32;
    let visit_hours = s.ties.visit_hours as f32;
    let g = &mut c.graph;
    let mut visit_comp = 0f64;
    {
        // One 16-bit draw per edge slot, two per word.
        let m = g.n_edges();
        fill_words(rng, &mut c.words, m.div_ceil(2));
        let words = &c.words[..m.div_ceil(2)];
        let (strength, touched, ea, eb) = (&g.strength[..m], &mut g.touched[..m], &g.a[..m], &g.b[..m]);
        let (comp_left, last_contact) = (&mut e.comp_left[..], &mut e.last_contact[..]);
        // First the ties that carry a visit, listed without branches (a visit
        // happens at random; a free slot, of strength 0, never has one); then
        // the visits, in tie order.
        c.visited.resize(m, 0);
        let mut n_visits = 0;
        for k in 0..m {
            let hit = u16x2(words[k / 2])[k % 2] < visit * strength[k];
            c.visited[n_visits] = k as u32;
            n_visits += usize::from(hit);
        }
        c.visited.truncate(n_visits);
        for &k in &c.visited {
            let k = k as usize;
            touched[k] = true;
            for x in [ea[k] as usize, eb[k] as usize] {
                let cmp = comp_left[x].min(visit_hours);
                comp_left[x] -= cmp;
                visit_comp += cmp as f64;
                last_contact[x] = wk;
            }
        }
    }
    rec.offered_by[MUTUAL_AID] += 2.0 * visit_hours as f64 * c.visited.len() as f64;
    rec.comp_by[MUTUAL_AID] += visit_comp;

    // 3b. Help from neighbours over ties: ask probability rises with tie strength
    // and the helper's willingness.
    let ask = s.mutual_aid.ask_probability as f32;
    // The elders of the week's order who still need help (kept in order,
    // without branches).
    c.needy.resize(c.order.len(), 0);
    let mut n_needy = 0;
    for &iu in &c.order {
        c.needy[n_needy] = iu;
        n_needy += usize::from(e.help_left[iu as usize] > 0.0);
    }
    c.needy.truncate(n_needy);
    for &iu in &c.needy {
        let i = iu as usize;
        for slot in g.row(i) {
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
        let voucher = if (e.grade[i] == 1) & e.registered[i] { lv.voucher_weekly } else { 0.0 };
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
    // The eligible elders in the week's order, grade 1 before grade 2 when
    // grading is used.
    // (Listed without branches: each elder is written, the cursor advances
    // only if it is eligible.)
    let (registered, grade) = (&e.registered[..], &e.grade[..]);
    c.sw_list.resize(2 * c.order.len(), 0);
    let mut n_sw = 0;
    let passes: &[(u8, u8)] = if s.case_management.grade_priority { &[(1, 1), (2, 2)] } else { &[(1, 2)] };
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
            if sw <= 0.0 {
                break 'service;
            }
            let i = iu as usize;
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
fn update_states(
    c: &mut Community,
    m: &Model,
    lv: &Levers,
    wk: i32,
    rec: &mut WeekRecord,
    bands: &mut AgeBands,
    obs: &mut Obs,
) {
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
    // Columns as slices of one length: the loop keeps their addresses in
    // registers and needs no bounds checks.
    let n = e.len();
    let alive = &mut e.alive[..n];
    let grade = &mut e.grade[..n];
    let state = &mut e.state[..n];
    let age_weeks = &e.age_weeks[..n];
    let helper_left = &e.helper_left[..n];
    let helped = &e.helped[..n];
    let help_need = &e.help_need[..n];
    let help_left = &e.help_left[..n];
    let comp_need = &e.comp_need[..n];
    let comp_left = &e.comp_left[..n];
    let unmet_recent = &mut e.unmet_recent[..n];
    let time_bank = &mut e.time_bank[..n];
    let loneliness = &mut e.loneliness[..n];
    let loneliness_base = &e.loneliness_base[..n];
    let willingness = &mut e.willingness[..n];
    let last_contact = &e.last_contact[..n];
    let got_neighbour_help = &e.got_neighbour_help[..n];
    let attended = &e.attended[..n];
    let banked = &e.banked[..n];
    let lives_alone = &e.lives_alone[..n];
    let registered = &e.registered[..n];
    let pair_kind = &e.pair_kind[..n];
    let (rise, fall, base_pull) = (lo.rise_weekly as f32, lo.fall_weekly as f32, lo.baseline_pull_weekly as f32);
    let shock_scale = (lo.shock_sd * 3f64.sqrt()) as f32;
    let (drift, reciprocity, activity_gain) =
        (wi.drift_weekly as f32, wi.reciprocity_gain as f32, wi.activity_gain as f32);
    let (recognition, tb_gain) = (wi.recognition_gain_per_hour as f32, lv.time_bank_gain as f32);
    let (overload_hours, overload_loss) = (wi.overload_hours as f32, wi.overload_loss as f32);
    // Two words per slot: the health draw and the loneliness shock.
    fill_words(rng, &mut c.words, 2 * n);
    let words = &c.words[..2 * n];
    let mut o = *obs;
    // Three passes over the live elders, each touching few columns (one pass
    // over all of them keeps too many addresses to fit in registers):
    // the week's need accounting, then health, then loneliness and willingness.
    for i in 0..n {
        if !alive[i] {
            continue;
        }
        let g = grade[i] as usize - 1;
        // Offered mutual-aid help: every capable helper's capacity this week.
        acc.offered_mutual_aid += (helper_left[i] + helped[i]) as f64;
        // Unmet need this week.
        let need = help_need[i];
        let left = help_left[i];
        acc.help_requested[g] += need as f64;
        acc.help_unmet[g] += left as f64;
        acc.comp_requested += comp_need[i] as f64;
        acc.comp_unmet += comp_left[i] as f64;
        let g1_need = (g == 0) & (need > 0.0);
        acc.grade1_with_need += u32::from(g1_need);
        acc.grade1_underserved += u32::from(g1_need & (left > 0.5 * need));
        // No need means nothing left: 0 / tiny = 0, without a branch.
        let unmet_share = left / need.max(f32::MIN_POSITIVE);
        unmet_recent[i] = (1.0 - mem) * unmet_recent[i] + mem * unmet_share;
    }
    for i in 0..n {
        if !alive[i] {
            continue;
        }
        // Health: one draw decides death, worsening or recovery.
        let row = HealthTable::row(age_weeks[i]);
        let st = state[i];
        // Death and base weekly probabilities: (worsening, acute onset, recovery).
        let [p_death, w1, w2, better] = m.health.by_state[row][st as usize & 3];
        acc.adl_at_risk += u32::from(st <= IADL_LIMITED);
        let u = unit24(words[2 * i]) as f64;
        if u < p_death {
            bands.deaths[crate::metrics::band_of(age_weeks[i])] += 1.0;
            acc.deaths += 1;
            // A dead member's balance leaves the ledger (passed to relatives).
            acc.tb_forfeited += time_bank[i] as f64;
            time_bank[i] = 0.0;
            alive[i] = false;
            c.died.push(i as u32);
            continue;
        }
        let u2 = u - p_death;
        // Worsening is scaled by the hazard ratio of recent unmet help and
        // loneliness. Most weeks nothing happens: when the draw lies above the
        // largest possible event probability the exact ratio is not needed.
        if u2 >= (w1 + w2) * hr_max + better {
            continue;
        }
        let hr = (ln_unmet * unmet_recent[i] + ln_lonely * loneliness[i]).exp() as f64;
        let (worse, worse2) = (w1 * hr, w2 * hr);
        let new_state = if u2 < worse {
            if st == INDEPENDENT { IADL_LIMITED } else { st + 1 }
        } else if u2 - worse < worse2 {
            SEMI_DISABLED
        } else if u2 - worse - worse2 < better {
            st - 1
        } else {
            st
        };
        acc.adl_onsets += u32::from(st <= IADL_LIMITED && new_state >= SEMI_DISABLED);
        state[i] = new_state;
    }
    for i in 0..n {
        if !alive[i] {
            continue;
        }
        // Loneliness: rises with unmet companionship; is pulled back toward the
        // elder's own baseline, faster with companionship received; plus a shock.
        let cn = comp_need[i];
        let unmet_c = if cn > 0.0 { comp_left[i] / cn } else { 0.0 };
        let met_c = if cn > 0.0 { 1.0 - unmet_c } else { f32::from(last_contact[i] == wk) };
        let l = loneliness[i];
        // Shock with mean 0 and sd shock_sd: uniform on [−√3, √3] × shock_sd.
        let shock = (2.0 * unit24(words[2 * i + 1]) - 1.0) * shock_scale;
        let pull = base_pull + fall * met_c;
        let nl = l + rise * unmet_c * (1.0 - l) + pull * (loneliness_base[i] - l) + shock;
        let nl = nl.clamp(0.0, 1.0);
        loneliness[i] = nl;

        // Willingness: drift to awareness, reciprocity, activity, recognition, overload.
        let w = willingness[i];
        let mut nw = w + drift * (awareness - w);
        if got_neighbour_help[i] {
            nw += reciprocity;
        }
        if attended[i] {
            nw += activity_gain;
        }
        nw += recognition * helped[i];
        // Time-bank credit raises the willingness of the helpers who bank hours.
        nw += tb_gain * banked[i] * (1.0 - w);
        if helped[i] > overload_hours {
            nw -= overload_loss;
        }
        willingness[i] = nw.clamp(0.0, 1.0);
        let st = state[i];
        let gr = grade_of(st, lives_alone[i], nl, moderate, severe);
        grade[i] = gr;
        o.add(gr, st, nl, registered[i], pair_kind[i] != PAIR_NONE, last_contact[i], age_weeks[i]);
    }
    *obs = o;
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
    // Ties that fall below the drop threshold are removed after the pass.
    c.dropped.clear();
    {
        let m = g.n_edges();
        let (strength, touched) = (&mut g.strength[..m], &mut g.touched[..m]);
        let (ea, eb, act) = (&g.a[..m], &g.b[..m], &mut g.active[..]);
        let active = g.active_threshold;
        for k in 0..m {
            let mut s = strength[k];
            if s <= 0.0 {
                continue;
            }
            // Without a branch (which ties were touched is not predictable).
            s += gain * (1.0 - s) * f32::from(u8::from(touched[k]));
            touched[k] = false;
            s = (s - decay).min(1.0);
            if s < drop {
                c.dropped.push(k as u32);
                continue;
            }
            // Few ties cross the activity threshold in a week.
            let was = strength[k] >= active;
            if was != (s >= active) {
                let (a, b) = (ea[k] as usize, eb[k] as usize);
                if was {
                    act[a] -= 1;
                    act[b] -= 1;
                } else {
                    act[a] += 1;
                    act[b] += 1;
                }
            }
            strength[k] = s;
        }
    }
    for &k in &c.dropped {
        g.remove_edge(k as usize);
    }
    let e = &c.elders;
    let rng = &mut c.rngs.ties;
    // Elders who meet a friend's friend this week, by geometric gaps over the
    // slots (each live elder independently with the weekly probability).
    let closers = Gaps::new(t.triadic_weekly);
    let mut pos = closers.gap(rng);
    while pos < e.len() {
        let iu = pos as u32;
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
}

/// Phase 6: new 60-year-olds take free slots (or new ones) and get a few ties
/// in their building.
#[inline(never)]
fn inflow(c: &mut Community, m: &Model, wk: i32, rec: &mut WeekRecord, obs: &mut Obs) {
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
        obs.add(e.grade, e.state, e.loneliness, e.registered, false, e.week, e.age_weeks);
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
                        let strength =
                            beta_mean(tp.network.neighbour_strength, 20.0, &mut c.rngs.inflow).clamp(0.05, 1.0);
                        c.graph.add_edge(slot as u32, j as u32, strength);
                    }
                    break;
                }
            }
        }
    }
}

/// Phase 7: the week's observation.
#[inline(never)]
fn observe(
    c: &mut Community,
    m: &Model,
    lv: &Levers,
    week: u32,
    rec: &mut WeekRecord,
    bands: &mut AgeBands,
    obs: &Obs,
) {
    let s = &m.scenario;
    let few = s.metrics.few_ties as u16;
    let e = &c.elders;
    let len = e.len();
    // Live elders with few active ties (the tie graph keeps the counts).
    let (alive, active_ties) = (&e.alive[..len], &c.graph.active[..len]);
    let mut few_ties = 0u32;
    for i in 0..len {
        few_ties += u32::from(alive[i] & (active_ties[i] < few));
    }
    let Obs { n_grade, n_state, lonely_by_grade, registered, registered_grade1, lonely, paired, isolated, .. } = *obs;
    let (mut balance, mut helper_hours) = (0f64, 0f64);
    for copy in &obs.band_weeks {
        for (b, row) in copy.iter().enumerate() {
            for (st, &k) in row.iter().enumerate() {
                bands.person_weeks[b][st] += k as f64;
            }
        }
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
