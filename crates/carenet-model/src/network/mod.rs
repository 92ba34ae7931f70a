//! The social graph of one community.
//!
//! - [`TieGraph`]: undirected weighted ties in stable edge slots (`a`, `b`,
//!   `strength`), with a compressed-sparse-row view (`start`, `cap`, `deg`, `nbr`,
//!   `eid`) that the weekly step reads. Rows keep free room, so ties that form
//!   or drop are written into the CSR in place; it is rebuilt only when a row
//!   overflows. The fields are private: every edit (add, remove, drop a node's
//!   ties, the weekly strengthen-decay-drop) goes through a method that keeps
//!   slots, rows and per-node active-tie counts consistent.
//! - [`generate`]: one generator per community type, built with petgraph.
//! - [`stats`]: mean degree, clustering and giant-component share.
//!
//! ```
//! use carenet_model::network::TieGraph;
//! let g = TieGraph::from_edges(3, &[(0, 1, 0.5), (1, 2, 0.9)], 10);
//! assert_eq!(g.degree(1), 2);
//! ```

pub mod generate;
pub mod stats;

/// Index meaning "none".
pub const NONE: u32 = u32::MAX;

/// Free room left in every CSR row when it is (re)built.
pub const ROW_SLACK: u32 = 4;

/// Undirected weighted ties with a CSR view that is edited in place.
///
/// Edges live in slots (`a`, `b`, `strength`, `touched`); a slot whose strength
/// is 0 is free (its endpoints are [`NONE`]) and is reused by the next new tie,
/// so edge ids are stable while a tie lives. Row `i` of the CSR occupies
/// `nbr[start[i]..start[i] + cap[i]]`, of which the first `deg[i]` entries are
/// used: adding a tie writes into the free room of both rows, removing one
/// swaps the last entry of each row into its place. A full row moves to the end
/// of the arrays with twice the room; when the holes left behind make up half
/// of the arrays, the CSR is rebuilt compactly (with [`ROW_SLACK`] free entries
/// per row). A week therefore costs in proportion to the ties that change, not
/// to the graph.
#[derive(Debug, Clone)]
pub struct TieGraph {
    /// First endpoint of each edge slot (a < b; NONE when the slot is free).
    a: Vec<u32>,
    /// Second endpoint of each edge slot.
    b: Vec<u32>,
    /// Tie strength in (0, 1]; 0 for a free slot.
    strength: Vec<f32>,
    /// Whether the tie carried an interaction this week.
    touched: Vec<bool>,
    /// First CSR entry of each row.
    start: Vec<u32>,
    /// Entries (used and free) of each row.
    cap: Vec<u32>,
    /// Used entries per row (the degree).
    deg: Vec<u32>,
    /// CSR neighbour indices.
    nbr: Vec<u32>,
    /// CSR edge ids (index into the edge slots) matching `nbr`.
    eid: Vec<u32>,
    /// Free edge slots, reused last in, first out.
    free: Vec<u32>,
    /// Live ties.
    live: usize,
    /// CSR entries in holes left by moved rows.
    waste: usize,
    /// Per node: ties of strength ≥ `active_threshold`, kept current by every
    /// edit (including the weekly strength update, where a strength crosses
    /// the threshold).
    active: Vec<u16>,
    active_threshold: f32,
    /// Edge slots that fall below the drop threshold in
    /// [`TieGraph::update_strengths`] (scratch, reused).
    dropped: Vec<u32>,
    /// Per edge slot, the week's event in [`TieGraph::update_strengths`]
    /// (scratch, reused).
    events: Vec<u8>,
    n_nodes: usize,
}

impl TieGraph {
    /// Builds a graph over `n` nodes; `reserve_edges` sizes the buffers so that the
    /// weekly step does not allocate.
    pub fn from_edges(n: usize, edges: &[(u32, u32, f32)], reserve_edges: usize) -> TieGraph {
        let cap = reserve_edges.max(edges.len());
        let mut g = TieGraph {
            a: Vec::with_capacity(cap),
            b: Vec::with_capacity(cap),
            strength: Vec::with_capacity(cap),
            touched: Vec::with_capacity(cap),
            start: Vec::with_capacity(n),
            cap: Vec::with_capacity(n),
            deg: Vec::with_capacity(n),
            nbr: Vec::with_capacity(2 * cap + ROW_SLACK as usize * n),
            eid: Vec::with_capacity(2 * cap + ROW_SLACK as usize * n),
            free: Vec::new(),
            live: 0,
            waste: 0,
            active: vec![0; n],
            active_threshold: f32::INFINITY,
            dropped: Vec::with_capacity(256),
            events: Vec::with_capacity(cap),
            n_nodes: n,
        };
        for &(x, y, s) in edges {
            debug_assert!(x != y && s > 0.0);
            g.a.push(x.min(y));
            g.b.push(x.max(y));
            g.strength.push(s);
            g.touched.push(false);
        }
        g.live = edges.len();
        g.rebuild();
        g
    }

    pub fn n_nodes(&self) -> usize {
        self.n_nodes
    }

    /// Edge slots, live or free: loops over `0..n_edges()` skip slots whose
    /// strength is 0.
    pub fn n_edges(&self) -> usize {
        self.a.len()
    }

    /// Live ties.
    pub fn n_live_edges(&self) -> usize {
        self.live
    }

    /// Whether edge slot `e` holds a live tie.
    #[inline]
    pub fn is_live(&self, e: usize) -> bool {
        self.strength[e] > 0.0
    }

    /// Strength of edge slot `e` (0 for a free slot).
    #[inline]
    pub fn strength(&self, e: usize) -> f32 {
        self.strength[e]
    }

    /// Strengths of all edge slots (0 for free slots), in slot order.
    #[inline]
    pub fn strengths(&self) -> &[f32] {
        &self.strength
    }

    /// Endpoints (a < b) of edge slot `e` ([`NONE`] for a free slot).
    #[inline]
    pub fn ends(&self, e: usize) -> (u32, u32) {
        (self.a[e], self.b[e])
    }

    /// Marks the tie in slot `e` as having carried an interaction this week
    /// (it strengthens in the next [`TieGraph::update_strengths`]).
    #[inline]
    pub fn touch(&mut self, e: usize) {
        self.touched[e] = true;
    }

    /// Per node, ties of strength at least the active threshold.
    #[inline]
    pub fn active_ties(&self) -> &[u16] {
        &self.active
    }

    /// The live ties as (a, b, strength), in slot order.
    pub fn live_edges(&self) -> impl Iterator<Item = (u32, u32, f32)> + '_ {
        (0..self.a.len()).filter(|&e| self.strength[e] > 0.0).map(|e| (self.a[e], self.b[e], self.strength[e]))
    }

    /// Sets the strength from which a tie counts as active, and counts them.
    pub fn set_active_threshold(&mut self, t: f32) {
        self.active_threshold = t;
        self.active.clear();
        self.active.resize(self.n_nodes, 0);
        for e in 0..self.a.len() {
            if self.strength[e] > 0.0 && self.strength[e] >= t {
                self.active[self.a[e] as usize] += 1;
                self.active[self.b[e] as usize] += 1;
            }
        }
    }

    /// Adds a node slot with no ties (an empty row with free room at the end).
    pub fn add_node(&mut self) -> u32 {
        self.active.push(0);
        self.n_nodes += 1;
        let end = self.nbr.len();
        self.start.push(end as u32);
        self.cap.push(ROW_SLACK);
        self.deg.push(0);
        self.nbr.resize(end + ROW_SLACK as usize, NONE);
        self.eid.resize(end + ROW_SLACK as usize, NONE);
        (self.n_nodes - 1) as u32
    }

    #[inline]
    pub fn degree(&self, i: u32) -> usize {
        self.deg[i as usize] as usize
    }

    /// The used range of row `i` in `nbr` and `eid`.
    #[inline]
    pub fn row(&self, i: usize) -> std::ops::Range<usize> {
        let lo = self.start[i] as usize;
        lo..lo + self.deg[i] as usize
    }

    /// The neighbour and edge id at CSR position `p` (a position of [`TieGraph::row`]).
    #[inline]
    pub fn entry(&self, p: usize) -> (u32, u32) {
        (self.nbr[p], self.eid[p])
    }

    /// Neighbours of `i` and the matching edge ids.
    #[inline]
    pub fn neighbours(&self, i: u32) -> (&[u32], &[u32]) {
        let r = self.row(i as usize);
        (&self.nbr[r.clone()], &self.eid[r])
    }

    /// Whether `i` and `j` are tied.
    pub fn has_edge(&self, i: u32, j: u32) -> bool {
        self.neighbours(i).0.contains(&j)
    }

    /// Edge id of the tie between `i` and `j`, if any.
    pub fn find_edge(&self, i: u32, j: u32) -> Option<usize> {
        let (ni, ei) = self.neighbours(i);
        ni.iter().position(|&x| x == j).map(|p| ei[p] as usize)
    }

    /// Adds a tie; the caller has checked that it does not exist.
    pub fn add_edge(&mut self, i: u32, j: u32, strength: f32) {
        debug_assert!(i != j && strength > 0.0);
        for x in [i as usize, j as usize] {
            if self.deg[x] == self.cap[x] {
                self.grow_row(x);
            }
        }
        let e = match self.free.pop() {
            Some(e) => e as usize,
            None => {
                self.a.push(NONE);
                self.b.push(NONE);
                self.strength.push(0.0);
                self.touched.push(false);
                self.a.len() - 1
            }
        };
        self.a[e] = i.min(j);
        self.b[e] = i.max(j);
        self.strength[e] = strength;
        self.touched[e] = false;
        self.push_row(i, j, e as u32);
        self.push_row(j, i, e as u32);
        self.live += 1;
        let a = u16::from(strength >= self.active_threshold);
        self.active[i as usize] += a;
        self.active[j as usize] += a;
    }

    /// Moves full row `x` to the end of the arrays with twice the room, or
    /// rebuilds the whole CSR when moved rows have left too many holes.
    fn grow_row(&mut self, x: usize) {
        if 2 * (self.waste + self.cap[x] as usize) > self.nbr.len() {
            self.rebuild();
            return;
        }
        let (lo, d) = (self.start[x] as usize, self.deg[x] as usize);
        let end = self.nbr.len();
        let cap = (2 * self.cap[x]).max(ROW_SLACK);
        self.nbr.resize(end + cap as usize, NONE);
        self.eid.resize(end + cap as usize, NONE);
        self.nbr.copy_within(lo..lo + d, end);
        self.eid.copy_within(lo..lo + d, end);
        self.waste += self.cap[x] as usize;
        self.start[x] = end as u32;
        self.cap[x] = cap;
    }

    #[inline]
    fn push_row(&mut self, i: u32, j: u32, e: u32) {
        let i = i as usize;
        let p = (self.start[i] + self.deg[i]) as usize;
        self.nbr[p] = j;
        self.eid[p] = e;
        self.deg[i] += 1;
    }

    /// Removes edge `e` from row `i` (swapping the row's last entry into its place).
    #[inline]
    fn unlink(&mut self, i: u32, e: u32) {
        let r = self.row(i as usize);
        let last = r.end - 1;
        for p in r {
            if self.eid[p] == e {
                self.nbr[p] = self.nbr[last];
                self.eid[p] = self.eid[last];
                self.deg[i as usize] -= 1;
                return;
            }
        }
        debug_assert!(false, "edge {e} missing from row {i}");
    }

    /// Removes the live tie in slot `e`; the slot becomes free.
    pub fn remove_edge(&mut self, e: usize) {
        debug_assert!(self.strength[e] > 0.0);
        let (x, y) = (self.a[e], self.b[e]);
        self.unlink(x, e as u32);
        self.unlink(y, e as u32);
        let a = u16::from(self.strength[e] >= self.active_threshold);
        self.active[x as usize] -= a;
        self.active[y as usize] -= a;
        self.a[e] = NONE;
        self.b[e] = NONE;
        self.strength[e] = 0.0;
        self.touched[e] = false;
        self.free.push(e as u32);
        self.live -= 1;
    }

    /// The week's change of strengths: a tie that carried an interaction
    /// (touched) gains `gain × (1 − s)`, then every tie loses `decay` (the
    /// result capped at 1), and ties that end below `drop_below` are removed.
    /// Touched flags are cleared and active-tie counts follow the strengths.
    /// Returns the number of ties dropped.
    pub fn update_strengths(&mut self, gain: f32, decay: f32, drop_below: f32) -> usize {
        self.dropped.clear();
        let n_slots = self.a.len();
        let (strength, touched) = (&mut self.strength[..n_slots], &mut self.touched[..n_slots]);
        // Grown (zeroed) when the slots grow; afterwards every week overwrites it.
        if self.events.len() < n_slots {
            self.events.resize(n_slots, 0);
        }
        let events = &mut self.events[..n_slots];
        let threshold = self.active_threshold;
        // Every slot without a branch (which ties were touched, and which
        // drop, is not predictable; the compiler runs several slots at a
        // time). A slot's event says whether its tie drops (bit 0) or crosses
        // the activity threshold (bit 1). A dropped tie keeps its strength
        // until `remove_edge`, which reads it; free slots (strength 0) and
        // their flags stay as they are.
        for e in 0..n_slots {
            let old = strength[e];
            let live = old > 0.0;
            let t = touched[e];
            let s = (old + gain * (1.0 - old) * f32::from(u8::from(t)) - decay).min(1.0);
            let drop = live & (s < drop_below);
            let kept = live & !drop;
            let cross = kept & ((old >= threshold) != (s >= threshold));
            strength[e] = if kept { s } else { old };
            touched[e] = t & !live;
            events[e] = u8::from(drop) | (u8::from(cross) << 1);
        }
        // The few events, in slot order, eight slots at a time.
        let (ea, eb, act) = (&self.a[..n_slots], &self.b[..n_slots], &mut self.active[..]);
        for (k, chunk) in events.chunks(8).enumerate() {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            if u64::from_ne_bytes(word) == 0 {
                continue;
            }
            for (l, &ev) in chunk.iter().enumerate() {
                let e = 8 * k + l;
                if ev & 1 != 0 {
                    self.dropped.push(e as u32);
                } else if ev != 0 {
                    // Crossed: up if the new strength is active.
                    let (x, y) = (ea[e] as usize, eb[e] as usize);
                    if strength[e] >= threshold {
                        act[x] += 1;
                        act[y] += 1;
                    } else {
                        act[x] -= 1;
                        act[y] -= 1;
                    }
                }
            }
        }
        for k in 0..self.dropped.len() {
            let e = self.dropped[k] as usize;
            self.remove_edge(e);
        }
        self.dropped.len()
    }

    /// Removes every tie of `i`.
    pub fn drop_node_ties(&mut self, i: u32) {
        while self.deg[i as usize] > 0 {
            let p = self.row(i as usize).end - 1;
            self.remove_edge(self.eid[p] as usize);
        }
    }

    /// Rebuilds the CSR from the live edge slots, with [`ROW_SLACK`] free
    /// entries per row (counting sort; no allocation once the buffers have
    /// grown to the largest graph seen).
    fn rebuild(&mut self) {
        let n = self.n_nodes;
        self.deg.clear();
        self.deg.resize(n, 0);
        for e in 0..self.a.len() {
            if self.strength[e] > 0.0 {
                self.deg[self.a[e] as usize] += 1;
                self.deg[self.b[e] as usize] += 1;
            }
        }
        self.start.clear();
        self.cap.clear();
        let mut acc = 0u32;
        for i in 0..n {
            self.start.push(acc);
            self.cap.push(self.deg[i] + ROW_SLACK);
            acc += self.deg[i] + ROW_SLACK;
            self.deg[i] = 0;
        }
        self.waste = 0;
        self.nbr.clear();
        self.nbr.resize(acc as usize, NONE);
        self.eid.clear();
        self.eid.resize(acc as usize, NONE);
        for e in 0..self.a.len() {
            if self.strength[e] > 0.0 {
                let (x, y) = (self.a[e], self.b[e]);
                self.push_row(x, y, e as u32);
                self.push_row(y, x, e as u32);
            }
        }
    }

    /// Checks the internal consistency of edge slots and CSR (used by tests):
    /// every live tie sits once in each endpoint's row, rows hold nothing else,
    /// free slots are empty and no tie is duplicated.
    pub fn check_consistency(&self) -> Result<(), String> {
        let n = self.n_nodes;
        if self.start.len() != n || self.cap.len() != n || self.deg.len() != n || self.active.len() != n {
            return Err("row arrays' length".into());
        }
        // Rows lie inside the arrays and do not overlap.
        let mut rows: Vec<(u32, u32)> = (0..n).map(|i| (self.start[i], self.cap[i])).collect();
        rows.sort_unstable();
        for w in rows.windows(2) {
            if w[0].0 + w[0].1 > w[1].0 {
                return Err("rows overlap".into());
            }
        }
        if rows.last().is_some_and(|&(s, c)| (s + c) as usize > self.nbr.len()) {
            return Err("row beyond the arrays".into());
        }
        let mut used = 0usize;
        for i in 0..n {
            if self.deg[i] > self.cap[i] {
                return Err(format!("row {i} overflows"));
            }
            let (ns, es) = self.neighbours(i as u32);
            for (k, (&j, &e)) in ns.iter().zip(es).enumerate() {
                let e = e as usize;
                let (x, y) = (self.a[e], self.b[e]);
                if !((x == i as u32 && y == j) || (x == j && y == i as u32)) {
                    return Err(format!("edge {e} does not join {i} and {j}"));
                }
                if !(self.strength[e] > 0.0 && self.strength[e] <= 1.0) {
                    return Err(format!("edge {e} strength {} outside (0,1]", self.strength[e]));
                }
                if ns[..k].contains(&j) {
                    return Err(format!("tie {i}-{j} twice"));
                }
            }
            used += ns.len();
        }
        for i in 0..n {
            let (_, es) = self.neighbours(i as u32);
            let k = es.iter().filter(|&&e| self.strength[e as usize] >= self.active_threshold).count();
            if self.active[i] as usize != k {
                return Err(format!("node {i}: {} active ties counted, {k} in its row", self.active[i]));
            }
        }
        let live = (0..self.a.len()).filter(|&e| self.strength[e] > 0.0).count();
        if live != self.live || used != 2 * live {
            return Err(format!("{live} live slots, {} counted, {used} row entries", self.live));
        }
        for &e in &self.free {
            let e = e as usize;
            if self.strength[e] != 0.0 || self.a[e] != NONE {
                return Err(format!("free slot {e} is not empty"));
            }
        }
        if self.free.len() + live != self.a.len() {
            return Err("free list and live slots do not cover the slots".into());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small graph with an active threshold of 0.5: ties 0-1 (0.6, active),
    /// 1-2 (0.3), 2-3 (0.9, active).
    fn small() -> TieGraph {
        let mut g = TieGraph::from_edges(4, &[(0, 1, 0.6), (1, 2, 0.3), (2, 3, 0.9)], 8);
        g.set_active_threshold(0.5);
        g.check_consistency().unwrap();
        g
    }

    #[test]
    fn from_edges_and_threshold_count_active_ties() {
        let g = small();
        assert_eq!(g.n_live_edges(), 3);
        assert_eq!(g.active_ties(), &[1, 1, 1, 1]);
        assert_eq!((g.degree(1), g.degree(3)), (2, 1));
        assert_eq!(g.ends(0), (0, 1));
        assert_eq!(g.strength(2), 0.9);
        let row: Vec<(u32, u32)> = g.row(1).map(|p| g.entry(p)).collect();
        assert_eq!(row, [(0, 0), (2, 1)]);
    }

    /// Adding ties keeps the invariant, counts an active tie at both ends and
    /// survives rows overflowing their free room (moves and rebuilds).
    #[test]
    fn add_edge_keeps_the_invariant() {
        let mut g = small();
        g.add_edge(0, 3, 0.7);
        g.check_consistency().unwrap();
        assert_eq!(g.active_ties(), &[2, 1, 1, 2]);
        g.add_edge(0, 2, 0.1);
        g.check_consistency().unwrap();
        assert_eq!(g.active_ties()[0], 2);
        // Node 0 past its row's room, with new nodes: every edit stays consistent.
        for _ in 0..12 {
            let v = g.add_node();
            g.check_consistency().unwrap();
            g.add_edge(0, v, 0.8);
            g.check_consistency().unwrap();
        }
        assert_eq!(g.degree(0), 15);
        assert_eq!(g.active_ties()[0], 14);
        assert!(g.has_edge(0, 15) && g.has_edge(15, 0));
    }

    /// Removing a tie frees its slot (reused by the next tie) and uncounts it.
    #[test]
    fn remove_edge_and_drop_node_ties_keep_the_invariant() {
        let mut g = small();
        let e = g.find_edge(2, 3).unwrap();
        g.remove_edge(e);
        g.check_consistency().unwrap();
        assert_eq!(g.active_ties(), &[1, 1, 0, 0]);
        assert!(!g.is_live(e) && g.ends(e) == (NONE, NONE));
        g.add_edge(1, 3, 0.95);
        assert_eq!(g.find_edge(1, 3), Some(e), "the free slot is reused");
        g.check_consistency().unwrap();
        g.drop_node_ties(1);
        g.check_consistency().unwrap();
        assert_eq!(g.degree(1), 0);
        assert_eq!(g.n_live_edges(), 0);
        assert_eq!(g.active_ties(), &[0, 0, 0, 0]);
    }

    /// The branch-free update with its event pass gives, week after week,
    /// the strengths, drops (in slot order, slots then reused) and active
    /// counts of a plain tie-by-tie update: more than 8 slots, so that the
    /// event pass's full and partial chunks both run.
    #[test]
    fn update_strengths_matches_a_tie_by_tie_update() {
        let n = 12u32;
        let mut edges = Vec::new();
        for x in 0..n {
            for y in x + 1..n {
                if (x * 7 + y * 3).is_multiple_of(3) {
                    edges.push((x, y, 0.2 + 0.6 * ((x * 13 + y * 5) % 10) as f32 / 10.0));
                }
            }
        }
        let mut g = TieGraph::from_edges(n as usize, &edges, 64);
        g.set_active_threshold(0.5);
        assert!(g.n_edges() > 16 && !g.n_edges().is_multiple_of(8));
        let (gain, decay, drop_below) = (0.4, 0.07, 0.25);
        for week in 0..12u32 {
            // Touch a changing set of live ties; add one tie a week.
            for e in 0..g.n_edges() {
                if g.is_live(e) && (e as u32 * 5 + week).is_multiple_of(3) {
                    g.touch(e);
                }
            }
            let (x, y) = (week % n, (week * 5 + 1) % n);
            if x != y && !g.has_edge(x, y) {
                g.add_edge(x, y, 0.45);
            }
            // The expectation, tie by tie.
            let mut want = Vec::new();
            let mut dropped = Vec::new();
            for e in 0..g.n_edges() {
                let s = g.strength(e);
                if s <= 0.0 {
                    want.push(0.0);
                    continue;
                }
                let t = if g.touched[e] { gain * (1.0 - s) } else { 0.0 };
                let s = (s + t - decay).min(1.0);
                if s < drop_below {
                    dropped.push(e);
                    want.push(0.0);
                } else {
                    want.push(s);
                }
            }
            let mut active = vec![0u16; n as usize];
            for (e, &s) in want.iter().enumerate() {
                if s >= 0.5 {
                    let (x, y) = g.ends(e);
                    active[x as usize] += 1;
                    active[y as usize] += 1;
                }
            }
            assert_eq!(g.update_strengths(gain, decay, drop_below), dropped.len(), "week {week}");
            g.check_consistency().unwrap();
            assert_eq!(g.strengths(), &want[..], "week {week}");
            assert_eq!(g.active_ties(), &active[..], "week {week}");
            assert!(dropped.iter().all(|&e| !g.is_live(e)));
            assert!(g.touched.iter().all(|&t| !t));
        }
    }

    /// Touched ties strengthen, all decay, weak ones drop, and active counts
    /// follow strengths that cross the threshold either way.
    #[test]
    fn update_strengths_strengthens_decays_and_drops() {
        let mut g = small();
        g.touch(1); // 1-2 at 0.3: 0.3 + 0.5 × 0.7 = 0.65, then − 0.1 = 0.55 (now active)
        let dropped = g.update_strengths(0.5, 0.1, 0.2);
        assert_eq!(dropped, 0);
        g.check_consistency().unwrap();
        assert!((g.strength(0) - 0.5).abs() < 1e-6);
        assert!((g.strength(1) - 0.55).abs() < 1e-6);
        assert!((g.strength(2) - 0.8).abs() < 1e-6);
        assert_eq!(g.active_ties(), &[1, 2, 2, 1]);
        // Untouched now: 0-1 (0.4) and 1-2 (0.45) fall below the threshold,
        // then below the drop line (0.25 and 0.3 < 0.35) and are removed;
        // 2-3 stays active (0.7, then 0.55).
        g.update_strengths(0.5, 0.1, 0.35);
        g.check_consistency().unwrap();
        assert_eq!(g.active_ties(), &[0, 0, 1, 1]);
        let dropped = g.update_strengths(0.5, 0.15, 0.35);
        assert_eq!(dropped, 2);
        g.check_consistency().unwrap();
        assert_eq!(g.n_live_edges(), 1);
        assert_eq!(g.active_ties(), &[0, 0, 1, 1]);
        // Strengths stay capped at 1.
        g.touch(g.find_edge(2, 3).unwrap());
        g.update_strengths(10.0, 0.0, 0.0);
        assert_eq!(g.strength(g.find_edge(2, 3).unwrap()), 1.0);
        g.check_consistency().unwrap();
    }

    /// The consistency check notices a count kept wrong.
    #[test]
    fn check_consistency_catches_a_wrong_active_count() {
        let mut g = small();
        g.active[0] += 1;
        assert!(g.check_consistency().is_err());
    }
}
