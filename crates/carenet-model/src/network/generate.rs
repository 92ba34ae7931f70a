//! Network generators, one per community type, built with petgraph.
//!
//! All three start from the same primitives: elders live in buildings (lanes in
//! a village) of about `building_size`; ties inside a building follow a
//! stochastic block model; a few ties cross buildings; a share of elders
//! belongs to kinship (village) or old-village (village-to-residence) clusters
//! that are densely tied inside.
//!
//! - [`commercial_estate`]: buildings as blocks, strangers otherwise; no kin.
//! - [`village`]: lanes as blocks, kin clusters living mostly in the same lane,
//!   many village-wide ties.
//! - [`village_to_residence`]: resettlement buildings as blocks with weak
//!   "nodding acquaintance" ties; old-village clusters preserved but scattered
//!   across buildings by the flat allocation; the rest are strangers.

use petgraph::graph::{NodeIndex, UnGraph};
use rand::RngExt;
use rand::rngs::ChaCha8Rng;

use crate::scenario::{CommunityType, NetworkParams};

/// A generated community network.
#[derive(Debug, Clone)]
pub struct Generated {
    /// Building (lane) of each elder.
    pub building: Vec<u32>,
    pub n_buildings: u32,
    /// Kin / old-village cluster of each elder, or `NONE`.
    pub cluster: Vec<u32>,
    /// The ties, built with petgraph; edge weight = initial strength.
    pub graph: UnGraph<(), f32>,
}

impl Generated {
    /// Edges as `(a, b, strength)` triples in petgraph's edge order.
    pub fn edges(&self) -> Vec<(u32, u32, f32)> {
        self.graph
            .raw_edges()
            .iter()
            .map(|e| (e.source().index() as u32, e.target().index() as u32, e.weight))
            .collect()
    }
}

/// Dispatches to the generator of `kind`.
pub fn generate(kind: CommunityType, n: usize, p: &NetworkParams, rng: &mut ChaCha8Rng) -> Generated {
    match kind {
        CommunityType::CommercialEstate => commercial_estate(n, p, rng),
        CommunityType::Village => village(n, p, rng),
        CommunityType::VillageToResidence => village_to_residence(n, p, rng),
    }
}

/// Commodity-housing estate: clustered inside buildings, few ties across them.
pub fn commercial_estate(n: usize, p: &NetworkParams, rng: &mut ChaCha8Rng) -> Generated {
    let mut g = Builder::new(n, p);
    g.building_blocks(p.building_degree, p.neighbour_strength, rng);
    g.across(p.across_degree, p.neighbour_strength, rng);
    g.finish()
}

/// Administrative village: kin clusters living together in lanes, dense
/// long-standing ties, many ties across lanes.
pub fn village(n: usize, p: &NetworkParams, rng: &mut ChaCha8Rng) -> Generated {
    let mut g = Builder::new(n, p);
    g.kin_clusters(p, rng);
    g.building_blocks(p.building_degree, p.neighbour_strength, rng);
    g.across(p.across_degree, p.neighbour_strength, rng);
    g.finish()
}

/// Village-to-residence community: old-village clusters scattered across new
/// buildings plus strangers; weak building ties.
pub fn village_to_residence(n: usize, p: &NetworkParams, rng: &mut ChaCha8Rng) -> Generated {
    let mut g = Builder::new(n, p);
    g.kin_clusters(p, rng);
    g.building_blocks(p.building_degree, p.neighbour_strength, rng);
    // Socialising beyond one's building survives only among old villagers;
    // strangers know at most their building.
    g.across_among_clustered(p.across_degree, p.neighbour_strength, rng);
    g.finish()
}

struct Builder {
    n: usize,
    building: Vec<u32>,
    n_buildings: u32,
    cluster: Vec<u32>,
    graph: UnGraph<(), f32>,
    nodes: Vec<NodeIndex>,
    building_size: usize,
}

/// Initial strength around `mean`: uniform on [0.5·mean, 1.5·mean], clipped to (0.05, 1].
fn draw_strength(mean: f64, rng: &mut ChaCha8Rng) -> f32 {
    let u: f64 = rng.random();
    (mean * (0.5 + u)).clamp(0.05, 1.0) as f32
}

impl Builder {
    fn new(n: usize, p: &NetworkParams) -> Builder {
        let building_size = (p.building_size.round() as usize).max(2);
        let n_buildings = n.div_ceil(building_size).max(1);
        let building = (0..n).map(|i| (i / building_size) as u32).collect();
        let mut graph = UnGraph::with_capacity(n, n * 4);
        let nodes = (0..n).map(|_| graph.add_node(())).collect();
        Builder {
            n,
            building,
            n_buildings: n_buildings as u32,
            cluster: vec![super::NONE; n],
            graph,
            nodes,
            building_size,
        }
    }

    /// Adds a tie, or keeps the stronger strength if it exists.
    fn tie(&mut self, i: usize, j: usize, s: f32) {
        if i == j {
            return;
        }
        let (ni, nj) = (self.nodes[i], self.nodes[j]);
        match self.graph.find_edge(ni, nj) {
            Some(e) => {
                let w = &mut self.graph[e];
                if s > *w {
                    *w = s;
                }
            }
            None => {
                self.graph.add_edge(ni, nj, s);
            }
        }
    }

    /// Stochastic block model inside each building.
    fn building_blocks(&mut self, degree: f64, strength: f64, rng: &mut ChaCha8Rng) {
        let size = self.building_size;
        let mut start = 0;
        while start < self.n {
            let end = (start + size).min(self.n);
            let m = end - start;
            if m >= 2 {
                let p = (degree / (m as f64 - 1.0)).min(1.0);
                for i in start..end {
                    for j in (i + 1)..end {
                        if rng.random::<f64>() < p {
                            let s = draw_strength(strength, rng);
                            self.tie(i, j, s);
                        }
                    }
                }
            }
            start = end;
        }
    }

    /// Random ties between elders of different buildings, `degree` per elder on average.
    fn across(&mut self, degree: f64, strength: f64, rng: &mut ChaCha8Rng) {
        if self.n_buildings < 2 {
            return;
        }
        let m = (self.n as f64 * degree / 2.0).round() as usize;
        let mut made = 0;
        let mut tries = 0;
        while made < m && tries < 20 * m + 100 {
            tries += 1;
            let i = rng.random_range(0..self.n);
            let j = rng.random_range(0..self.n);
            if self.building[i] == self.building[j] {
                continue;
            }
            let s = draw_strength(strength, rng);
            self.tie(i, j, s);
            made += 1;
        }
    }

    /// Ties across buildings among clustered (old-village) elders only,
    /// `degree` per clustered elder on average.
    fn across_among_clustered(&mut self, degree: f64, strength: f64, rng: &mut ChaCha8Rng) {
        let clustered: Vec<usize> = (0..self.n).filter(|&i| self.cluster[i] != super::NONE).collect();
        let k = clustered.len();
        if k < 2 || self.n_buildings < 2 {
            return;
        }
        let m = (k as f64 * degree / 2.0).round() as usize;
        let mut made = 0;
        let mut tries = 0;
        while made < m && tries < 20 * m + 100 {
            tries += 1;
            let i = clustered[rng.random_range(0..k)];
            let j = clustered[rng.random_range(0..k)];
            if self.building[i] == self.building[j] {
                continue;
            }
            let s = draw_strength(strength, rng);
            self.tie(i, j, s);
            made += 1;
        }
    }

    /// Kin or old-village clusters. A random `kin_share` of elders, taken in
    /// building order so that clusters start co-located; each member is then
    /// swapped with a random clustered elder with probability `1 − kin_colocation`
    /// (resettlement scatters them); the list is cut into clusters of
    /// `kin_cluster_size` on average and tied densely inside.
    fn kin_clusters(&mut self, p: &NetworkParams, rng: &mut ChaCha8Rng) {
        if p.kin_share <= 0.0 || p.kin_degree <= 0.0 {
            return;
        }
        let mut members: Vec<usize> = (0..self.n).filter(|_| rng.random::<f64>() < p.kin_share).collect();
        let k = members.len();
        if k < 2 {
            return;
        }
        for pos in 0..k {
            if rng.random::<f64>() >= p.kin_colocation {
                let q = rng.random_range(0..k);
                members.swap(pos, q);
            }
        }
        let mean = p.kin_cluster_size.max(2.0);
        let lo = (mean * 0.5).max(2.0);
        let hi = mean * 1.5;
        let mut start = 0;
        let mut cid = 0u32;
        while start < k {
            let size = (lo + rng.random::<f64>() * (hi - lo)).round() as usize;
            let end = (start + size.max(2)).min(k);
            let m = end - start;
            for &i in &members[start..end] {
                self.cluster[i] = cid;
            }
            if m >= 2 {
                let prob = (p.kin_degree / (m as f64 - 1.0)).min(1.0);
                for x in start..end {
                    for y in (x + 1)..end {
                        if rng.random::<f64>() < prob {
                            let s = draw_strength(p.kin_strength, rng);
                            self.tie(members[x], members[y], s);
                        }
                    }
                }
            }
            cid += 1;
            start = end;
        }
    }

    fn finish(self) -> Generated {
        Generated { building: self.building, n_buildings: self.n_buildings, cluster: self.cluster, graph: self.graph }
    }
}
