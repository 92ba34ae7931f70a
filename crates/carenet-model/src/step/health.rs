//! Phase 5 (communities): the week's unmet need, functional transitions and
//! deaths (health stream); then the dead leave.

use super::Model;
use super::draws::fill_words;
use crate::metrics::{N_BANDS, band_of};
use crate::network::NONE;
use crate::world::health::{HealthTable, sex_row};
use crate::world::{Community, FAMILY_ABSENT, IADL_LIMITED, INDEPENDENT, PAIR_NONE, PAIR_PARTY, SEMI_DISABLED};

/// The phase's sums, kept out of the record inside the loops so that the
/// compiler can hold them in registers.
#[derive(Debug, Clone, Copy, Default)]
pub struct HealthSums {
    /// Every capable helper's capacity this week (mutual aid offered).
    pub offered_mutual_aid: f64,
    pub help_requested: [f64; 3],
    pub help_unmet: [f64; 3],
    pub comp_requested: f64,
    pub comp_unmet: f64,
    pub grade1_with_need: u32,
    pub grade1_underserved: u32,
    /// Time-bank balances of members who died.
    pub tb_forfeited: f64,
    pub adl_at_risk: u32,
    pub adl_onsets: u32,
    pub deaths: u32,
    pub deaths_by_band: [u32; N_BANDS],
    /// Elders who lived with a spouse only and were widowed (now alone).
    pub widowed: u32,
    /// Elders who moved in with children.
    pub moved_in: u32,
}

/// Unmet need recorded and smoothed, then one draw per live elder decides
/// death, worsening or recovery (by sex and age; recent unmet help raises both
/// death and worsening), and one more its living arrangement (widowhood of an
/// elder living with a spouse only, moving in with children). Draws three words
/// per slot from the health stream into `c.words`: the even ones of the first
/// `2n` decide health here, the odd ones are the loneliness shocks of
/// [`super::wellbeing`], which runs next, and the last `n` the living arrangement.
#[inline(never)]
pub fn health(c: &mut Community, m: &Model) -> HealthSums {
    let hp = &m.scenario.health;
    let ln_unmet = hp.unmet_help_hazard_ratio.max(1e-9).ln() as f32;
    let ln_lonely = hp.loneliness_hazard_ratio.max(1e-9).ln() as f32;
    let ln_unmet_death = hp.unmet_help_death_hazard_ratio.max(1e-9).ln() as f32;
    // Largest death hazard ratio (the unmet share lies in [0, 1]).
    let hrd_max = (ln_unmet_death.max(0.0) as f64).exp() * 1.001;
    // Largest hazard ratio any elder can have (unmet share and loneliness lie in [0, 1]).
    let hr_max = ((ln_unmet.max(0.0) + ln_lonely.max(0.0)) as f64).exp() * 1.001;
    let mem = hp.unmet_memory as f32;
    c.died.clear();
    let e = &mut c.elders;
    let mut acc = HealthSums::default();
    // Columns as slices of one length: the loop keeps their addresses in
    // registers and needs no bounds checks.
    let n = e.len();
    let alive = &mut e.alive[..n];
    let grade = &e.grade[..n];
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
    let loneliness = &e.loneliness[..n];
    let male = &e.male[..n];
    // Three words per slot: the health draw and the loneliness shock
    // (interleaved), then the living-arrangement draws.
    fill_words(&mut c.rngs.health, &mut c.words, 3 * n);
    let words = &c.words[..3 * n];
    // Two passes over the live elders, each touching few columns: the week's
    // need accounting, then health.
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
        let row = sex_row(male[i], HealthTable::row(age_weeks[i]));
        let st = state[i];
        // Death and base weekly probabilities: (worsening, acute onset, recovery).
        let [p_death, w1, w2, better] = m.health.by_state[row][st as usize & 3];
        acc.adl_at_risk += u32::from(st <= IADL_LIMITED);
        let u = crate::streams::unit24(words[2 * i]) as f64;
        // Death and worsening are scaled by hazard ratios (recent unmet help;
        // loneliness for worsening). Most weeks nothing happens: when the draw
        // lies above the largest possible event probability the exact ratios
        // are not needed.
        if u >= p_death * hrd_max + (w1 + w2) * hr_max + better {
            continue;
        }
        let ur = unmet_recent[i];
        let p_die = p_death * (ln_unmet_death * ur).exp() as f64;
        if u < p_die {
            acc.deaths_by_band[band_of(age_weeks[i])] += 1;
            acc.deaths += 1;
            // A dead member's balance leaves the ledger (passed to relatives).
            acc.tb_forfeited += time_bank[i] as f64;
            time_bank[i] = 0.0;
            alive[i] = false;
            c.died.push(i as u32);
            continue;
        }
        let u2 = u - p_die;
        let hr = (ln_unmet * ur + ln_lonely * loneliness[i]).exp() as f64;
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
    // Living arrangement: an elder living with a spouse only is widowed at the
    // spouse's death rate; an elder with a living child (`kin` not absent) who
    // does not live with children
    // moves in with them at a rate that rises with need. Both are rare: the
    // probabilities are masked without branches and only a hit writes.
    let partnered = &mut e.partnered[..n];
    let with_children = &mut e.with_children[..n];
    let lives_alone = &mut e.lives_alone[..n];
    let kin = &e.kin[..n];
    let draws = &words[2 * n..3 * n];
    for i in 0..n {
        let row = sex_row(male[i], HealthTable::row(age_weeks[i]));
        let spouse_only = alive[i] & partnered[i] & !with_children[i];
        let can_move = alive[i] & !with_children[i] & (kin[i] != FAMILY_ABSENT);
        let p_widow = m.health.widowhood[row] * f64::from(u8::from(spouse_only));
        let p_move = m.health.move_in[state[i] as usize & 3] * f64::from(u8::from(can_move));
        let v = crate::streams::unit24(draws[i]) as f64;
        if v < p_widow + p_move {
            if v < p_widow {
                partnered[i] = false;
                acc.widowed += 1;
            } else {
                with_children[i] = true;
                acc.moved_in += 1;
            }
            lives_alone[i] = !partnered[i] & !with_children[i];
        }
    }
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
    acc
}
