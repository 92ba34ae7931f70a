//! A deterministic force-directed layout for the network pictures.
//!
//! [`force_layout`] is a ForceAtlas2-style model run for a fixed number of iterations
//! ([`LayoutConfig`]): every node has a mass of its degree + 1; nodes repel each other with
//! force `mass_i · mass_j / d`, ties pull with force `(0.2 + strength) · ln(1 + d)` (the LinLog
//! model), and a weak constant pull towards the centre keeps the picture together. Logarithmic
//! attraction against degree-weighted repulsion lets densely tied groups (a building's
//! neighbours) show as clusters, where Fruchterman–Reingold tends to a uniform disc. Repulsion is computed with a
//! Barnes–Hut quadtree (a far cell acts as one mass at its centre of mass), so an iteration
//! costs O(nodes · log nodes + edges). Nodes start around their group's (building's) centre, with jitter from a
//! ChaCha8 stream of fixed seed: the same graph always gets the same picture.
//! [`components`] splits a graph into connected components.
//!
//! ```
//! use carenet_plot::plot::layout::{LayoutConfig, force_layout};
//! let pos = force_layout(3, &[(0, 1, 1.0), (1, 2, 0.5)], &[0, 0, 1], &LayoutConfig::default());
//! assert_eq!(pos.len(), 3);
//! assert!(pos.iter().all(|&(x, y)| (0.0..=1.0).contains(&x) && (0.0..=1.0).contains(&y)));
//! ```

use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};
use rayon::prelude::*;

/// Parameters of [`force_layout`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LayoutConfig {
    /// Iterations (the largest step falls linearly to 1% of its start).
    pub iterations: usize,
    /// Seed of the initial jitter.
    pub seed: u64,
    /// Pull towards the centre, per unit of mass.
    pub gravity: f64,
}

impl Default for LayoutConfig {
    fn default() -> Self {
        LayoutConfig { iterations: 300, seed: 0x0063_6172_656e_6574, gravity: 0.2 }
    }
}

/// Positions of `n` nodes in the unit square (aspect ratio kept, centred), given ties
/// `(a, b, strength)` with strength in [0, 1] and a group per node (missing entries count as
/// group 0) that seeds the start. Ties naming a node ≥ `n` and self-ties are ignored.
pub fn force_layout(n: usize, edges: &[(usize, usize, f64)], groups: &[u64], cfg: &LayoutConfig) -> Vec<(f64, f64)> {
    if n == 0 {
        return Vec::new();
    }
    if n == 1 {
        return vec![(0.5, 0.5)];
    }
    let edges: Vec<(usize, usize, f64)> = edges.iter().copied().filter(|&(a, b, _)| a < n && b < n && a != b).collect();
    let mut mass = vec![1.0f64; n];
    for &(a, b, _) in &edges {
        mass[a] += 1.0;
        mass[b] += 1.0;
    }
    let total_mass: f64 = mass.iter().sum();
    // At equilibrium a tie is about sqrt(mass_a · mass_b) long: the square has room for that.
    let side = (total_mass * 2.0).sqrt() * 2.0;

    // Start: group centres on a grid over the square, nodes jittered around their centre.
    let mut rng = ChaCha8Rng::seed_from_u64(cfg.seed);
    let group_of = |i: usize| groups.get(i).copied().unwrap_or(0);
    let mut ids: Vec<u64> = (0..n).map(group_of).collect();
    ids.sort_unstable();
    ids.dedup();
    let cols = (ids.len() as f64).sqrt().ceil().max(1.0) as usize;
    let rows = ids.len().div_ceil(cols);
    let cell = side / cols.max(rows) as f64;
    let mut pos: Vec<(f64, f64)> = (0..n)
        .map(|i| {
            let g = ids.binary_search(&group_of(i)).unwrap_or(0);
            let (cx, cy) = (((g % cols) as f64 + 0.5) * cell, ((g / cols) as f64 + 0.5) * cell);
            let jx = (rng.random::<f64>() - 0.5) * cell * 0.6;
            let jy = (rng.random::<f64>() - 0.5) * cell * 0.6;
            (cx + jx, cy + jy)
        })
        .collect();

    let mut disp = vec![(0.0f64, 0.0f64); n];
    let mut tree = QuadTree::default();
    let t0 = side / 8.0;
    let iterations = cfg.iterations.max(1);
    for it in 0..iterations {
        let t = t0 * (1.0 - 0.99 * it as f64 / iterations as f64);
        disp.iter_mut().for_each(|d| *d = (0.0, 0.0));

        // Repulsion mass_i · mass_j / d, by Barnes–Hut: a cell far enough away acts as one mass
        // at its centre of mass.
        // Each node's sum is its own, in the same order whatever the thread count.
        tree.build(&pos, &mass);
        disp.par_iter_mut().enumerate().with_min_len(256).for_each_init(Vec::new, |stack, (i, d)| {
            let (fx, fy) = tree.repulsion(i, &pos, &mass, stack);
            d.0 += fx * mass[i];
            d.1 += fy * mass[i];
        });

        // Attraction (0.2 + strength) · ln(1 + d) along ties (LinLog).
        for &(a, b, w) in &edges {
            let (dx, dy) = (pos[a].0 - pos[b].0, pos[a].1 - pos[b].1);
            let d = (dx * dx + dy * dy).sqrt().max(1e-9);
            let f = (0.2 + w.clamp(0.0, 1.0)) * ATTRACTION * (1.0 + d).ln() / d;
            disp[a].0 -= dx * f;
            disp[a].1 -= dy * f;
            disp[b].0 += dx * f;
            disp[b].1 += dy * f;
        }

        // Gravity towards the centre of the square; then move each node by its force divided
        // by its mass, at most `t`.
        let centre = (side / 2.0, side / 2.0);
        for i in 0..n {
            let (dx, dy) = (centre.0 - pos[i].0, centre.1 - pos[i].1);
            let d = (dx * dx + dy * dy).sqrt();
            if d > 1e-9 {
                disp[i].0 += dx / d * cfg.gravity * mass[i];
                disp[i].1 += dy / d * cfg.gravity * mass[i];
            }
            let (mx, my) = (disp[i].0 / mass[i], disp[i].1 / mass[i]);
            let m = (mx * mx + my * my).sqrt();
            if m > 1e-12 {
                let step = m.min(t);
                pos[i].0 += mx / m * step;
                pos[i].1 += my / m * step;
            }
        }
    }

    // Fit into the unit square, keeping the aspect ratio.
    let (min_x, min_y) = pos.iter().fold((f64::INFINITY, f64::INFINITY), |(a, b), &(x, y)| (a.min(x), b.min(y)));
    let (max_x, max_y) =
        pos.iter().fold((f64::NEG_INFINITY, f64::NEG_INFINITY), |(a, b), &(x, y)| (a.max(x), b.max(y)));
    let span = (max_x - min_x).max(max_y - min_y).max(1e-9);
    let (ox, oy) = ((span - (max_x - min_x)) / 2.0, (span - (max_y - min_y)) / 2.0);
    pos.iter().map(|&(x, y)| ((x - min_x + ox) / span, (y - min_y + oy) / span)).collect()
}

/// Opening angle of Barnes–Hut: a cell of side `s` at distance `d` counts as one mass when
/// `s / d < THETA`.
const THETA: f64 = 0.8;
/// Scale of the attraction along ties.
const ATTRACTION: f64 = 5.0;
/// Most bodies in a leaf.
const LEAF: usize = 8;

/// A cell of the quadtree.
#[derive(Clone, Copy)]
struct Cell {
    /// Lower corner and side.
    x0: f64,
    y0: f64,
    side: f64,
    /// Total mass and centre of mass.
    mass: f64,
    mx: f64,
    my: f64,
    /// Bodies `perm[start..end]`.
    start: usize,
    end: usize,
    /// Children (`u32::MAX`: none); a cell without children is a leaf.
    children: [u32; 4],
}

/// A Barnes–Hut quadtree over the nodes, rebuilt every iteration with reused buffers.
#[derive(Default)]
struct QuadTree {
    cells: Vec<Cell>,
    perm: Vec<usize>,
    scratch: Vec<usize>,
}

impl QuadTree {
    fn build(&mut self, pos: &[(f64, f64)], mass: &[f64]) {
        let n = pos.len();
        self.cells.clear();
        self.perm.clear();
        self.perm.extend(0..n);
        let (mut x0, mut y0, mut x1, mut y1) = (f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY);
        for &(x, y) in pos {
            x0 = x0.min(x);
            y0 = y0.min(y);
            x1 = x1.max(x);
            y1 = y1.max(y);
        }
        let side = (x1 - x0).max(y1 - y0).max(1e-9) * (1.0 + 1e-9);
        self.subdivide(pos, mass, x0, y0, side, 0, n, 0);
    }

    /// Adds the cell holding `perm[start..end]` and its descendants; returns its index.
    #[allow(clippy::too_many_arguments)]
    fn subdivide(
        &mut self,
        pos: &[(f64, f64)],
        mass: &[f64],
        x0: f64,
        y0: f64,
        side: f64,
        start: usize,
        end: usize,
        depth: u32,
    ) -> u32 {
        let (mut m, mut mx, mut my) = (0.0, 0.0, 0.0);
        for &i in &self.perm[start..end] {
            m += mass[i];
            mx += pos[i].0 * mass[i];
            my += pos[i].1 * mass[i];
        }
        let id = self.cells.len() as u32;
        self.cells.push(Cell { x0, y0, side, mass: m, mx: mx / m, my: my / m, start, end, children: [u32::MAX; 4] });
        if end - start <= LEAF || depth >= 24 {
            return id;
        }
        // Stable partition of the bodies into the four quadrants.
        let half = side / 2.0;
        let quadrant = |i: usize| {
            let (x, y) = pos[i];
            (usize::from(x >= x0 + half)) + 2 * usize::from(y >= y0 + half)
        };
        self.scratch.clear();
        let mut bounds = [start; 5];
        for (q, bound) in bounds.iter_mut().take(4).enumerate() {
            *bound = start + self.scratch.len();
            for k in start..end {
                if quadrant(self.perm[k]) == q {
                    self.scratch.push(self.perm[k]);
                }
            }
        }
        bounds[4] = end;
        self.perm[start..end].copy_from_slice(&self.scratch);
        for q in 0..4 {
            if bounds[q + 1] > bounds[q] {
                let (qx, qy) = (x0 + half * (q % 2) as f64, y0 + half * (q / 2) as f64);
                let child = self.subdivide(pos, mass, qx, qy, half, bounds[q], bounds[q + 1], depth + 1);
                self.cells[id as usize].children[q] = child;
            }
        }
        id
    }

    /// Repulsive force per unit of own mass on node `i`: the sum of `mass_j · (p_i − p_j) / d²`.
    /// `stack` is the caller's scratch (one per thread).
    fn repulsion(&self, i: usize, pos: &[(f64, f64)], mass: &[f64], stack: &mut Vec<u32>) -> (f64, f64) {
        let (xi, yi) = pos[i];
        let (mut fx, mut fy) = (0.0, 0.0);
        stack.clear();
        stack.push(0);
        while let Some(c) = stack.pop() {
            let cell = self.cells[c as usize];
            let inside = xi >= cell.x0 && xi < cell.x0 + cell.side && yi >= cell.y0 && yi < cell.y0 + cell.side;
            let (dx, dy) = (xi - cell.mx, yi - cell.my);
            let d2 = dx * dx + dy * dy;
            if !inside && cell.side * cell.side < THETA * THETA * d2 {
                fx += dx * cell.mass / d2;
                fy += dy * cell.mass / d2;
            } else if cell.children == [u32::MAX; 4] {
                for &j in &self.perm[cell.start..cell.end] {
                    if j == i {
                        continue;
                    }
                    let (mut dx, mut dy) = (xi - pos[j].0, yi - pos[j].1);
                    let mut d2 = dx * dx + dy * dy;
                    if d2 < 1e-12 {
                        // Coincident nodes: push apart along a direction fixed by their indices.
                        let a = (i * 31 + j * 17) as f64;
                        dx = a.cos() * 1e-3;
                        dy = a.sin() * 1e-3;
                        d2 = 1e-6;
                    }
                    fx += dx * mass[j] / d2;
                    fy += dy * mass[j] / d2;
                }
            } else {
                for &child in cell.children.iter().rev() {
                    if child != u32::MAX {
                        stack.push(child);
                    }
                }
            }
        }
        (fx, fy)
    }
}

/// Connected components: a component number per node, numbered by decreasing size (ties
/// broken by smallest node), and the size of each component.
pub fn components(n: usize, edges: &[(usize, usize, f64)]) -> (Vec<usize>, Vec<usize>) {
    let mut parent: Vec<usize> = (0..n).collect();
    fn root(parent: &mut [usize], mut x: usize) -> usize {
        while parent[x] != x {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        x
    }
    for &(a, b, _) in edges {
        if a < n && b < n {
            let (ra, rb) = (root(&mut parent, a), root(&mut parent, b));
            if ra != rb {
                parent[ra.max(rb)] = ra.min(rb);
            }
        }
    }
    let roots: Vec<usize> = (0..n).map(|i| root(&mut parent, i)).collect();
    let mut size = vec![0usize; n];
    for &r in &roots {
        size[r] += 1;
    }
    // Roots in order of decreasing size, then of smallest member (a root is its smallest member).
    let mut order: Vec<usize> = (0..n).filter(|&i| roots[i] == i).collect();
    order.sort_by(|&a, &b| size[b].cmp(&size[a]).then(a.cmp(&b)));
    let mut number = vec![0usize; n];
    for (k, &r) in order.iter().enumerate() {
        number[r] = k;
    }
    let comp: Vec<usize> = roots.iter().map(|&r| number[r]).collect();
    let sizes: Vec<usize> = order.iter().map(|&r| size[r]).collect();
    (comp, sizes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ring(n: usize) -> Vec<(usize, usize, f64)> {
        (0..n).map(|i| (i, (i + 1) % n, 1.0)).collect()
    }

    #[test]
    fn same_graph_same_layout() {
        let edges = ring(50);
        let groups: Vec<u64> = (0..50).map(|i| i / 10).collect();
        let a = force_layout(50, &edges, &groups, &LayoutConfig::default());
        let b = force_layout(50, &edges, &groups, &LayoutConfig::default());
        assert_eq!(a, b);
        assert!(a.iter().all(|&(x, y)| (0.0..=1.0).contains(&x) && (0.0..=1.0).contains(&y)));
    }

    #[test]
    fn the_layout_does_not_depend_on_the_thread_count() {
        // Enough nodes that the repulsion is split across threads.
        let n = 2_000;
        let edges: Vec<(usize, usize, f64)> =
            (0..n).flat_map(|i| [(i, (i + 1) % n, 0.5), (i, (i * 7 + 3) % n, 0.2)]).filter(|e| e.0 != e.1).collect();
        let groups: Vec<u64> = (0..n as u64).map(|i| i / 25).collect();
        let cfg = LayoutConfig { iterations: 20, ..LayoutConfig::default() };
        let on = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
            pool.install(|| force_layout(n, &edges, &groups, &cfg))
        };
        assert_eq!(on(1), on(3));
    }

    #[test]
    fn tied_nodes_end_closer_than_untied_ones() {
        // Two cliques of 10 joined by nothing: within-clique distances are shorter on average.
        let mut edges = Vec::new();
        for c in 0..2 {
            for i in 0..10 {
                for j in i + 1..10 {
                    edges.push((c * 10 + i, c * 10 + j, 1.0));
                }
            }
        }
        let pos = force_layout(20, &edges, &[0; 20], &LayoutConfig::default());
        let d = |i: usize, j: usize| ((pos[i].0 - pos[j].0).powi(2) + (pos[i].1 - pos[j].1).powi(2)).sqrt();
        let within: f64 = (1..10).map(|j| d(0, j)).sum::<f64>() / 9.0;
        let across: f64 = (10..20).map(|j| d(0, j)).sum::<f64>() / 10.0;
        assert!(within < across, "within {within} across {across}");
    }

    #[test]
    fn components_are_numbered_by_size() {
        let (comp, sizes) = components(6, &[(4, 5, 1.0), (5, 3, 1.0), (0, 1, 1.0)]);
        assert_eq!(sizes, vec![3, 2, 1]);
        assert_eq!(comp, vec![1, 1, 2, 0, 0, 0]);
    }

    #[test]
    fn degenerate_graphs() {
        assert!(force_layout(0, &[], &[], &LayoutConfig::default()).is_empty());
        assert_eq!(force_layout(1, &[], &[], &LayoutConfig::default()), vec![(0.5, 0.5)]);
        // Out-of-range edges and missing groups are ignored.
        let pos = force_layout(3, &[(0, 7, 1.0), (1, 1, 1.0)], &[], &LayoutConfig::default());
        assert_eq!(pos.len(), 3);
    }
}
