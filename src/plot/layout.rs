//! A deterministic force-directed layout for the network pictures.
//!
//! [`force_layout`] runs Fruchterman–Reingold with a fixed number of iterations ([`LayoutConfig`])
//! on a graph given as an edge list with strengths. Repulsion only acts between nodes closer than
//! twice the ideal edge length and is found through a uniform grid, so an iteration costs
//! O(nodes + edges); a weak pull to the centre keeps isolated elders and small components in
//! view. Nodes start around the centre of their group (a building), so clusters show. The
//! initial jitter comes from a ChaCha8 stream with a fixed seed: the same graph always gets the
//! same picture.
//!
//! ```
//! use carenet::plot::layout::{LayoutConfig, force_layout};
//! let pos = force_layout(3, &[(0, 1, 1.0), (1, 2, 0.5)], &[0, 0, 1], &LayoutConfig::default());
//! assert_eq!(pos.len(), 3);
//! assert!(pos.iter().all(|&(x, y)| (0.0..=1.0).contains(&x) && (0.0..=1.0).contains(&y)));
//! ```

use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};

/// Parameters of [`force_layout`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LayoutConfig {
    /// Iterations (the temperature falls linearly to 2% of its start).
    pub iterations: usize,
    /// Seed of the initial jitter.
    pub seed: u64,
    /// Strength of the pull towards the centre, relative to the ideal edge length.
    pub gravity: f64,
}

impl Default for LayoutConfig {
    fn default() -> Self {
        LayoutConfig { iterations: 300, seed: 0x6361_7265_6e65_74, gravity: 0.03 }
    }
}

/// Positions of `n` nodes in the unit square (aspect ratio kept, centred), given ties
/// `(a, b, strength)` with strength in [0, 1] and a group per node (`groups.len() == n`,
/// missing entries count as group 0) that seeds the start.
pub fn force_layout(n: usize, edges: &[(usize, usize, f64)], groups: &[u64], cfg: &LayoutConfig) -> Vec<(f64, f64)> {
    if n == 0 {
        return Vec::new();
    }
    if n == 1 {
        return vec![(0.5, 0.5)];
    }
    let mut rng = ChaCha8Rng::seed_from_u64(cfg.seed);
    let k = 1.0f64; // ideal edge length; the square has area n·k²
    let side = (n as f64).sqrt() * k;

    // Start: group centres on a grid over the square, nodes jittered around their centre.
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
    let centre = (side / 2.0, side / 2.0);

    let reach = 2.0 * k;
    let mut disp = vec![(0.0f64, 0.0f64); n];
    let mut cell_of = vec![0usize; n];
    let mut start: Vec<usize> = Vec::new();
    let mut order = vec![0usize; n];
    let mut cell_mass: Vec<(f64, f64, f64)> = Vec::new();
    let mut occupied: Vec<usize> = Vec::new();
    let t0 = side / 10.0;
    let iterations = cfg.iterations.max(1);
    for it in 0..iterations {
        let t = t0 * (1.0 - 0.98 * it as f64 / iterations as f64);
        disp.iter_mut().for_each(|d| *d = (0.0, 0.0));

        // Grid of cells of side `cs` ≥ `reach` (at most about 4n cells), nodes sorted by cell
        // (counting sort, stable).
        let (min_x, min_y) = pos.iter().fold((f64::INFINITY, f64::INFINITY), |(a, b), &(x, y)| (a.min(x), b.min(y)));
        let (max_x, max_y) =
            pos.iter().fold((f64::NEG_INFINITY, f64::NEG_INFINITY), |(a, b), &(x, y)| (a.max(x), b.max(y)));
        let cs = reach.max((max_x - min_x).max(max_y - min_y) / (2.0 * (n as f64).sqrt()));
        let gx = ((max_x - min_x) / cs) as usize + 1;
        let gy = ((max_y - min_y) / cs) as usize + 1;
        start.clear();
        start.resize(gx * gy + 1, 0);
        for (i, &(x, y)) in pos.iter().enumerate() {
            let cx = (((x - min_x) / cs) as usize).min(gx - 1);
            let cy = (((y - min_y) / cs) as usize).min(gy - 1);
            cell_of[i] = cy * gx + cx;
            start[cell_of[i] + 1] += 1;
        }
        for c in 0..gx * gy {
            start[c + 1] += start[c];
        }
        let mut fill = start.clone();
        for i in 0..n {
            order[fill[cell_of[i]]] = i;
            fill[cell_of[i]] += 1;
        }

        // Cell masses and centres, for the far field.
        cell_mass.clear();
        cell_mass.resize(gx * gy, (0.0, 0.0, 0.0));
        for (i, &(x, y)) in pos.iter().enumerate() {
            let m = &mut cell_mass[cell_of[i]];
            m.0 += x;
            m.1 += y;
            m.2 += 1.0;
        }
        occupied.clear();
        for (c, m) in cell_mass.iter_mut().enumerate() {
            if m.2 > 0.0 {
                m.0 /= m.2;
                m.1 /= m.2;
                occupied.push(c);
            }
        }

        // Repulsion k²/d: exact from the nodes of the 3×3 neighbouring cells, and from every
        // other cell as one mass at its centre.
        for i in 0..n {
            let (cx, cy) = ((cell_of[i] % gx) as i64, (cell_of[i] / gx) as i64);
            let (xi, yi) = pos[i];
            let (mut fx, mut fy) = (0.0, 0.0);
            for &c in &occupied {
                let (ox, oy) = ((c % gx) as i64, (c / gx) as i64);
                if (ox - cx).abs() <= 1 && (oy - cy).abs() <= 1 {
                    for &j in &order[start[c]..start[c + 1]] {
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
                        let f = k * k / d2;
                        fx += dx * f;
                        fy += dy * f;
                    }
                } else {
                    let (mx, my, mass) = cell_mass[c];
                    let (dx, dy) = (xi - mx, yi - my);
                    let d2 = (dx * dx + dy * dy).max(1e-6);
                    let f = mass * k * k / d2;
                    fx += dx * f;
                    fy += dy * f;
                }
            }
            disp[i].0 += fx;
            disp[i].1 += fy;
        }

        // Attraction d²/k along ties, stronger ties pull harder.
        for &(a, b, w) in edges {
            if a >= n || b >= n || a == b {
                continue;
            }
            let (dx, dy) = (pos[a].0 - pos[b].0, pos[a].1 - pos[b].1);
            let d = (dx * dx + dy * dy).sqrt();
            if d < 1e-9 {
                continue;
            }
            let f = d * (0.4 + 0.6 * w.clamp(0.0, 1.0));
            let (ux, uy) = (dx / d * f, dy / d * f);
            disp[a].0 -= ux;
            disp[a].1 -= uy;
            disp[b].0 += ux;
            disp[b].1 += uy;
        }

        // Pull towards the centre; move at most `t`.
        for i in 0..n {
            let (dx, dy) = (centre.0 - pos[i].0, centre.1 - pos[i].1);
            disp[i].0 += dx * cfg.gravity * k;
            disp[i].1 += dy * cfg.gravity * k;
            let (mx, my) = disp[i];
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
