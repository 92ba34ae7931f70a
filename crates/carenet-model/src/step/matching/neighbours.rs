//! Neighbours over ties: visits (companionship for both sides) and help asked
//! of tied helpers. The platform and the time bank reuse `neighbour_help`.

use super::time_bank::bank;
use crate::policy::Levers;
use crate::scenario::types::LonelinessStructure;
use crate::step::Model;
use crate::step::draws::{fill_words, u16x2, unif};
use crate::world::{Community, Elders};

/// Mutual aid this week: neighbour visits and help (over ties, the platform
/// and the time bank), and the time-bank ledger's movements.
#[derive(Debug, Clone, Copy, Default)]
pub struct MutualAid {
    /// Hours of the visits held (both sides).
    pub visit_offered: f64,
    /// Companionship hours the visits gave.
    pub visit_comp: f64,
    /// Help hours given by neighbours (over ties, the platform, the time bank).
    pub help: f64,
    /// Hours members gave (before the credit share and the cap).
    pub tb_given: f64,
    /// Hours credited.
    pub tb_deposits: f64,
    /// Hours redeemed.
    pub tb_withdrawals: f64,
}

/// Neighbour visits over ties, in tie-slot order: a tie of strength s carries
/// a visit with probability `visit_weekly × s`; both sides get up to
/// `visit_hours` of companionship and count the contact. With accumulating
/// loneliness (`structure.loneliness`) lonely elders withdraw: the chance is
/// also × (1 − `loneliness.withdrawal` × the lonelier end's loneliness).
pub(super) fn visits(c: &mut Community, m: &Model, wk: i32, sums: &mut MutualAid) {
    let t = &m.scenario.ties;
    let (visit, visit_hours) = (t.visit_weekly as f32, t.visit_hours as f32);
    let g = &mut c.graph;
    let e = &mut c.elders;
    let mut visit_comp = 0f64;
    // One 16-bit draw per edge slot, two per word.
    let n_slots = g.n_edges();
    fill_words(&mut c.rngs.matching, &mut c.words, n_slots.div_ceil(2));
    let words = &c.words[..n_slots.div_ceil(2)];
    let strength = &g.strengths()[..n_slots];
    // First the ties that carry a visit, listed without branches (a visit
    // happens at random; a free slot, of strength 0, never has one); then
    // the visits, in tie order.
    c.visited.resize(n_slots, 0);
    let mut n_visits = 0;
    for k in 0..n_slots {
        let hit = u16x2(words[k / 2])[k % 2] < visit * strength[k];
        c.visited[n_visits] = k as u32;
        n_visits += usize::from(hit);
    }
    c.visited.truncate(n_visits);
    if m.scenario.structure.loneliness == LonelinessStructure::Accumulating {
        // Withdrawal: the same draw must also fall below the visit chance
        // scaled by 1 − ω · (the lonelier end's loneliness).
        let omega = m.scenario.loneliness.withdrawal as f32;
        let loneliness = &e.loneliness;
        c.visited.retain(|&k| {
            let k = k as usize;
            let (a, b) = g.ends(k);
            let lonelier = loneliness[a as usize].max(loneliness[b as usize]);
            u16x2(words[k / 2])[k % 2] < visit * strength[k] * (1.0 - omega * lonelier)
        });
    }
    let (comp_left, last_contact) = (&mut e.comp_left[..], &mut e.last_contact[..]);
    for &k in &c.visited {
        let k = k as usize;
        g.touch(k);
        let (a, b) = g.ends(k);
        for x in [a as usize, b as usize] {
            let cmp = comp_left[x].min(visit_hours);
            comp_left[x] -= cmp;
            visit_comp += cmp as f64;
            last_contact[x] = wk;
        }
    }
    sums.visit_offered = 2.0 * visit_hours as f64 * c.visited.len() as f64;
    sums.visit_comp = visit_comp;
}

/// Help from neighbours over ties, in the week's order: an elder with help
/// left asks each tied helper with capacity in row order, with probability
/// `ask_probability × strength × the helper's willingness`.
pub(super) fn help(c: &mut Community, m: &Model, lv: &Levers, wk: i32, sums: &mut MutualAid) {
    let ask = m.scenario.mutual_aid.ask_probability as f32;
    let (g, e, rng) = (&mut c.graph, &mut c.elders, &mut c.rngs.matching);
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
        for p in g.row(i) {
            let (j, tie) = g.entry(p);
            let (j, tie) = (j as usize, tie as usize);
            if e.helper_left[j] <= 0.0 {
                continue;
            }
            let prob = ask * g.strength(tie) * e.willingness[j];
            if (unif(rng) as f32) >= prob {
                continue;
            }
            neighbour_help(e, i, j, e.help_left[i], wk, lv, sums);
            g.touch(tie);
            if e.help_left[i] <= 0.0 {
                break;
            }
        }
    }
}

/// Helper `j` gives elder `i` up to `want` hours of help (within `j`'s
/// capacity): both count the contact, the hours count as mutual aid, and a
/// time-bank member banks them. Returns the hours given.
#[inline]
pub(super) fn neighbour_help(
    e: &mut Elders,
    i: usize,
    j: usize,
    want: f32,
    wk: i32,
    lv: &Levers,
    sums: &mut MutualAid,
) -> f32 {
    let h = want.min(e.helper_left[j]);
    e.help_left[i] -= h;
    e.helper_left[j] -= h;
    e.helped[j] += h;
    e.got_neighbour_help[i] = true;
    e.last_contact[i] = wk;
    e.last_contact[j] = wk;
    sums.help += h as f64;
    sums.tb_deposits += bank(e, j, h, lv, &mut sums.tb_given) as f64;
    h
}
