//! Phase 5b (communities): tie dynamics. Ties that carried an interaction
//! strengthen, every tie decays, weak ties drop (all kept consistent by
//! [`crate::network::TieGraph::update_strengths`]); then friends of friends
//! meet (triadic closure, ties stream).

use rand::RngExt;

use super::Model;
use super::draws::Gaps;
use crate::world::Community;

/// Strengthen, decay and drop (tie graph), then triadic closure: live elders
/// picked by geometric gaps meet a random neighbour's random neighbour and
/// form a tie if both have room (`ties.max_ties`) and are not yet tied.
#[inline(never)]
pub fn ties(c: &mut Community, m: &Model) {
    let t = &m.scenario.ties;
    let max_ties = t.max_ties as usize;
    let g = &mut c.graph;
    g.update_strengths(t.interaction_gain as f32, t.decay_weekly as f32, t.drop_below as f32);
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
