//! Network statistics over the live elders of a community.
//!
//! [`NetStats::compute`] works on the CSR with scratch buffers owned by the
//! caller ([`StatsScratch`]), so that observing the network every few weeks
//! does not allocate. [`petgraph_stats`] computes the same quantities on a
//! petgraph graph with petgraph's own algorithms; tests check they agree.

use petgraph::graph::UnGraph;
use petgraph::unionfind::UnionFind;
use petgraph::visit::EdgeRef;

use super::TieGraph;

/// Mean degree, mean local clustering and giant-component share.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct NetStats {
    /// Live nodes the statistics cover.
    pub n: f64,
    /// Sum of degrees over live nodes.
    pub degree_sum: f64,
    /// Sum of local clustering coefficients (0 for degree < 2).
    pub clustering_sum: f64,
    /// Nodes in the largest connected component.
    pub giant: f64,
}

impl NetStats {
    pub fn mean_degree(&self) -> f64 {
        self.degree_sum / self.n
    }
    pub fn clustering(&self) -> f64 {
        self.clustering_sum / self.n
    }
}

/// Reusable buffers for [`NetStats::compute`].
#[derive(Debug, Clone, Default)]
pub struct StatsScratch {
    mark: Vec<u32>,
    triangles: Vec<u32>,
    parent: Vec<u32>,
    size: Vec<u32>,
}

impl NetStats {
    /// Statistics of the live nodes (`alive[i]`); dead nodes have no ties.
    pub fn compute(g: &TieGraph, alive: &[bool], scratch: &mut StatsScratch) -> NetStats {
        let n = g.n_nodes();
        scratch.mark.clear();
        scratch.mark.resize(n, u32::MAX);
        scratch.parent.clear();
        scratch.parent.extend(0..n as u32);
        scratch.size.clear();
        scratch.size.resize(n, 1);
        // Triangles, each found once from its smallest node i (i < j < k): mark
        // N(i), then for j ∈ N(i) with j > i look for marked k > j in N(j).
        scratch.triangles.clear();
        scratch.triangles.resize(n, 0);
        for i in 0..n {
            if !alive[i] {
                continue;
            }
            let (ns, _) = g.neighbours(i as u32);
            if ns.len() < 2 {
                continue;
            }
            for &j in ns {
                scratch.mark[j as usize] = i as u32;
            }
            // Counted without branches on the (unpredictable) hits, and with the
            // counts of i and j kept in registers while their rows are scanned.
            let mut ti = 0;
            for &j in ns {
                if (j as usize) <= i {
                    continue;
                }
                let (nj, _) = g.neighbours(j);
                let mut tj = 0;
                for &k in nj {
                    let hit = u32::from((k > j) & (scratch.mark[k as usize] == i as u32));
                    tj += hit;
                    scratch.triangles[k as usize] += hit;
                }
                ti += tj;
                scratch.triangles[j as usize] += tj;
            }
            scratch.triangles[i] += ti;
        }
        let mut st = NetStats::default();
        for i in 0..n {
            if !alive[i] {
                continue;
            }
            st.n += 1.0;
            let d = g.degree(i as u32);
            st.degree_sum += d as f64;
            if d >= 2 {
                st.clustering_sum += 2.0 * scratch.triangles[i] as f64 / (d * (d - 1)) as f64;
            }
        }
        for e in 0..g.n_edges() {
            if g.is_live(e) {
                union(&mut scratch.parent, &mut scratch.size, g.a[e], g.b[e]);
            }
        }
        let mut giant = 0u32;
        for i in 0..n {
            if alive[i] && find(&mut scratch.parent, i as u32) == i as u32 {
                giant = giant.max(scratch.size[i]);
            }
        }
        st.giant = giant as f64;
        st
    }
}

fn find(parent: &mut [u32], mut x: u32) -> u32 {
    while parent[x as usize] != x {
        let p = parent[x as usize];
        parent[x as usize] = parent[p as usize];
        x = p;
    }
    x
}

fn union(parent: &mut [u32], size: &mut [u32], x: u32, y: u32) {
    let (rx, ry) = (find(parent, x), find(parent, y));
    if rx == ry {
        return;
    }
    let (big, small) = if size[rx as usize] >= size[ry as usize] { (rx, ry) } else { (ry, rx) };
    parent[small as usize] = big;
    size[big as usize] += size[small as usize];
}

/// The same statistics for a petgraph graph (all nodes live), with petgraph's
/// union-find for the components.
pub fn petgraph_stats(g: &UnGraph<(), f32>) -> NetStats {
    let n = g.node_count();
    let mut st = NetStats { n: n as f64, ..NetStats::default() };
    for v in g.node_indices() {
        let ns: Vec<_> = g.neighbors(v).collect();
        let d = ns.len();
        st.degree_sum += d as f64;
        if d >= 2 {
            let mut links = 0;
            for x in 0..d {
                for y in (x + 1)..d {
                    if g.find_edge(ns[x], ns[y]).is_some() {
                        links += 1;
                    }
                }
            }
            st.clustering_sum += 2.0 * links as f64 / (d * (d - 1)) as f64;
        }
    }
    let mut uf = UnionFind::<usize>::new(n);
    for e in g.edge_references() {
        uf.union(e.source().index(), e.target().index());
    }
    let labels = uf.into_labeling();
    let mut counts = vec![0usize; n];
    for l in labels {
        counts[l] += 1;
    }
    st.giant = counts.into_iter().max().unwrap_or(0) as f64;
    st
}
