//! The social graph of one community.
//!
//! - [`TieGraph`]: undirected weighted ties. The edge list (`a`, `b`, `strength`)
//!   is the source of truth; a compressed-sparse-row view (`offsets`, `nbr`,
//!   `eid`) is what the weekly step reads. Ties that form or drop during a week
//!   are applied to the edge list and the CSR is rebuilt once, at the end of the
//!   tie phase, into buffers it already owns.
//! - [`generate`]: one generator per community type, built with petgraph.
//! - [`stats`]: mean degree, clustering and giant-component share.
//!
//! ```
//! use carenet::network::TieGraph;
//! let g = TieGraph::from_edges(3, &[(0, 1, 0.5), (1, 2, 0.9)], 10);
//! assert_eq!(g.degree(1), 2);
//! ```

pub mod generate;
pub mod stats;

/// Index meaning "none".
pub const NONE: u32 = u32::MAX;

/// Undirected weighted ties with a CSR view.
#[derive(Debug, Clone)]
pub struct TieGraph {
    /// First endpoint of each edge (a < b).
    pub a: Vec<u32>,
    /// Second endpoint of each edge.
    pub b: Vec<u32>,
    /// Tie strength in (0, 1]; a value ≤ 0 marks an edge for removal.
    pub strength: Vec<f32>,
    /// Whether the tie carried an interaction this week.
    pub touched: Vec<bool>,
    /// CSR: neighbours of node i are `nbr[offsets[i]..offsets[i+1]]`.
    pub offsets: Vec<u32>,
    /// CSR neighbour indices.
    pub nbr: Vec<u32>,
    /// CSR edge ids (index into the edge arrays) matching `nbr`.
    pub eid: Vec<u32>,
    /// Degree counter used while rebuilding.
    cursor: Vec<u32>,
    /// Edges whose endpoints changed since the last rebuild.
    dirty: bool,
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
            offsets: Vec::with_capacity(n + 1),
            nbr: Vec::with_capacity(2 * cap),
            eid: Vec::with_capacity(2 * cap),
            cursor: Vec::with_capacity(n),
            dirty: true,
            n_nodes: n,
        };
        for &(x, y, s) in edges {
            debug_assert!(x != y);
            g.a.push(x.min(y));
            g.b.push(x.max(y));
            g.strength.push(s);
            g.touched.push(false);
        }
        g.rebuild();
        g
    }

    pub fn n_nodes(&self) -> usize {
        self.n_nodes
    }

    pub fn n_edges(&self) -> usize {
        self.a.len()
    }

    /// Adds a node slot with no ties (an empty CSR row, so the view stays valid).
    pub fn add_node(&mut self) -> u32 {
        self.n_nodes += 1;
        let last = *self.offsets.last().unwrap_or(&0);
        self.offsets.push(last);
        (self.n_nodes - 1) as u32
    }

    #[inline]
    pub fn degree(&self, i: u32) -> usize {
        let i = i as usize;
        (self.offsets[i + 1] - self.offsets[i]) as usize
    }

    /// Neighbours of `i` and the matching edge ids, as of the last rebuild.
    #[inline]
    pub fn neighbours(&self, i: u32) -> (&[u32], &[u32]) {
        let i = i as usize;
        let lo = self.offsets[i] as usize;
        let hi = self.offsets[i + 1] as usize;
        (&self.nbr[lo..hi], &self.eid[lo..hi])
    }

    /// Whether `i` and `j` are tied (as of the last rebuild, or added since).
    pub fn has_edge(&self, i: u32, j: u32) -> bool {
        let (ni, _) = self.neighbours(i);
        if ni.contains(&j) {
            return true;
        }
        if self.dirty {
            // Ties added since the last rebuild sit at the end of the edge list
            // beyond the CSR; they are few, scan them.
            let (x, y) = (i.min(j), i.max(j));
            let built = self.nbr.len() / 2;
            for e in built..self.a.len() {
                if self.a[e] == x && self.b[e] == y && self.strength[e] > 0.0 {
                    return true;
                }
            }
        }
        false
    }

    /// Edge id of the tie between `i` and `j`, if any (including ties added since
    /// the last rebuild).
    pub fn find_edge(&self, i: u32, j: u32) -> Option<usize> {
        let (ni, ei) = self.neighbours(i);
        if let Some(p) = ni.iter().position(|&x| x == j) {
            let e = ei[p] as usize;
            return (self.strength[e] > 0.0).then_some(e);
        }
        let (x, y) = (i.min(j), i.max(j));
        let built = self.nbr.len() / 2;
        (built..self.a.len()).find(|&e| self.a[e] == x && self.b[e] == y && self.strength[e] > 0.0)
    }

    /// Adds a tie; the caller has checked that it does not exist.
    pub fn add_edge(&mut self, i: u32, j: u32, strength: f32) {
        debug_assert!(i != j);
        self.a.push(i.min(j));
        self.b.push(i.max(j));
        self.strength.push(strength);
        self.touched.push(false);
        self.dirty = true;
    }

    /// Marks every tie of `i` for removal (at the next [`TieGraph::compact`]).
    pub fn drop_node_ties(&mut self, i: u32) {
        let i = i as usize;
        let lo = self.offsets[i] as usize;
        let hi = self.offsets[i + 1] as usize;
        for k in lo..hi {
            let e = self.eid[k] as usize;
            if self.strength[e] > 0.0 {
                self.strength[e] = 0.0;
                self.dirty = true;
            }
        }
        // Ties added this week to i are beyond the CSR.
        let built = self.nbr.len() / 2;
        for e in built..self.a.len() {
            if self.a[e] as usize == i || self.b[e] as usize == i {
                self.strength[e] = 0.0;
            }
        }
    }

    /// Marks ties weaker than `drop_below` for removal.
    pub fn mark_dirty(&mut self) {
        self.dirty = true;
    }

    /// Removes edges with strength ≤ 0 (order-preserving) and rebuilds the CSR if
    /// anything changed since the last rebuild; degrees are counted in the same
    /// pass that compacts the edge list.
    pub fn compact(&mut self) {
        if !self.dirty {
            return;
        }
        self.cursor.clear();
        self.cursor.resize(self.n_nodes, 0);
        let mut w = 0;
        for r in 0..self.a.len() {
            if self.strength[r] > 0.0 {
                let (x, y) = (self.a[r], self.b[r]);
                self.a[w] = x;
                self.b[w] = y;
                self.strength[w] = self.strength[r];
                self.touched[w] = self.touched[r];
                self.cursor[x as usize] += 1;
                self.cursor[y as usize] += 1;
                w += 1;
            }
        }
        self.a.truncate(w);
        self.b.truncate(w);
        self.strength.truncate(w);
        self.touched.truncate(w);
        self.fill_csr();
    }

    /// Rebuilds the CSR from the edge list.
    fn rebuild(&mut self) {
        self.cursor.clear();
        self.cursor.resize(self.n_nodes, 0);
        for e in 0..self.a.len() {
            self.cursor[self.a[e] as usize] += 1;
            self.cursor[self.b[e] as usize] += 1;
        }
        self.fill_csr();
    }

    /// Fills the CSR from the degrees in `cursor` (counting sort; no allocation
    /// once the buffers have grown to the largest graph seen).
    fn fill_csr(&mut self) {
        let n = self.n_nodes;
        self.offsets.clear();
        self.offsets.push(0);
        let mut acc = 0u32;
        for i in 0..n {
            acc += self.cursor[i];
            self.offsets.push(acc);
            self.cursor[i] = self.offsets[i];
        }
        let m2 = acc as usize;
        self.nbr.clear();
        self.nbr.resize(m2, 0);
        self.eid.clear();
        self.eid.resize(m2, 0);
        for e in 0..self.a.len() {
            let (x, y) = (self.a[e] as usize, self.b[e] as usize);
            let px = self.cursor[x] as usize;
            self.nbr[px] = y as u32;
            self.eid[px] = e as u32;
            self.cursor[x] += 1;
            let py = self.cursor[y] as usize;
            self.nbr[py] = x as u32;
            self.eid[py] = e as u32;
            self.cursor[y] += 1;
        }
        self.dirty = false;
    }

    /// Checks the internal consistency of edge list and CSR (used by tests).
    pub fn check_consistency(&self) -> Result<(), String> {
        if self.dirty {
            return Err("CSR is stale".into());
        }
        if self.offsets.len() != self.n_nodes + 1 {
            return Err("offsets length".into());
        }
        if self.nbr.len() != 2 * self.a.len() {
            return Err("nbr length".into());
        }
        for i in 0..self.n_nodes as u32 {
            let (ns, es) = self.neighbours(i);
            for (&j, &e) in ns.iter().zip(es) {
                let e = e as usize;
                let (x, y) = (self.a[e], self.b[e]);
                if !((x == i && y == j) || (x == j && y == i)) {
                    return Err(format!("edge {e} does not join {i} and {j}"));
                }
                if !(self.strength[e] > 0.0 && self.strength[e] <= 1.0) {
                    return Err(format!("edge {e} strength {} outside (0,1]", self.strength[e]));
                }
            }
        }
        Ok(())
    }
}
