//! The network picture ([`Networks`]): one panel per community snapshot, elders coloured by
//! grade, ties darker and wider the stronger they are, laid out by [`super::layout`].

use plotters::coord::Shift;
use plotters::prelude::*;
use rayon::prelude::*;

use super::charts::{CENTER_TOP, GRADE_LABELS, LEFT_CENTER, TITLE_HEIGHT, text_style, titled};
use super::data::NetworkSnapshot;
use super::layout::{LayoutConfig, components, force_layout};
use super::style::*;
use super::{DrawResult, Figure};

/// Side of one panel's square drawing.
const PANEL: u32 = 560;
/// Height of a panel's heading.
const HEADING: i32 = 56;
/// Height of the legend row at the bottom.
const LEGEND: i32 = 70;

/// One community's network, laid out: the largest connected component by the force layout,
/// the other elders (no tie, or a small group of their own) in a strip below it.
struct Panel<'a> {
    snap: &'a NetworkSnapshot,
    /// Position in the unit square of each member of the largest component.
    main: Vec<Option<(f64, f64)>>,
    /// Elders outside the largest component, by component then node.
    outside: Vec<usize>,
    /// Elders without any tie.
    isolated: usize,
}

/// The final tie networks of one community of each type.
pub(crate) struct Networks<'a> {
    panels: Vec<Panel<'a>>,
}

impl<'a> Networks<'a> {
    /// Lays out every snapshot (deterministic).
    pub fn new(snaps: &'a [NetworkSnapshot]) -> Networks<'a> {
        let cfg = LayoutConfig::default();
        // One layout per panel, each on its own (in parallel; the same whatever the threads).
        let panels = snaps
            .par_iter()
            .map(|snap| {
                let n = snap.nodes.len();
                let (comp, sizes) = components(n, &snap.edges);
                let main_size = sizes.first().copied().filter(|&s| s >= 2).unwrap_or(0);
                let in_main = |i: usize| main_size > 0 && comp[i] == 0;
                // The largest component, renumbered.
                let mut local = vec![usize::MAX; n];
                let mut members = Vec::with_capacity(main_size);
                for i in (0..n).filter(|&i| in_main(i)) {
                    local[i] = members.len();
                    members.push(i);
                }
                let edges: Vec<(usize, usize, f64)> = snap
                    .edges
                    .iter()
                    .filter(|e| in_main(e.0) && in_main(e.1))
                    .map(|&(a, b, w)| (local[a], local[b], w))
                    .collect();
                let groups: Vec<u64> = members.iter().map(|&i| snap.nodes[i].building).collect();
                let pos = force_layout(members.len(), &edges, &groups, &cfg);
                let mut main = vec![None; n];
                for (k, &i) in members.iter().enumerate() {
                    main[i] = Some(pos[k]);
                }
                let mut outside: Vec<usize> = (0..n).filter(|&i| !in_main(i)).collect();
                outside.sort_by_key(|&i| (comp[i], i));
                let isolated = sizes.iter().filter(|&&s| s == 1).count();
                Panel { snap, main, outside, isolated }
            })
            .collect();
        Networks { panels }
    }
}

impl Figure for Networks<'_> {
    fn size(&self) -> (u32, u32) {
        let k = self.panels.len().max(1) as u32;
        (PANEL * k + 40, PANEL + TITLE_HEIGHT as u32 + HEADING as u32 + LEGEND as u32 + 10)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let body = titled(
            root,
            "Neighbour ties at the end of the run: one community of each type",
            "replication 0; every dot is a live elder, every line a tie (darker = stronger); close groups are mostly neighbours of one building",
        )?;
        let (_, h) = body.dim_in_pixel();
        let (panels_area, legend_area) = body.split_vertically(h as i32 - LEGEND);
        let inner = panels_area.margin(0, 0, 20, 20);
        let cells = inner.split_evenly((1, self.panels.len().max(1)));
        for (panel, area) in self.panels.iter().zip(&cells) {
            draw_panel(panel, area)?;
        }
        // Legend row: grades, then ties.
        let mut x = 30;
        let cy = 28;
        for g in 1..=3u8 {
            legend_area.draw(&Circle::new((x + 7, cy), 7, grade_colour(g).filled()))?;
            let label = GRADE_LABELS[g as usize - 1];
            legend_area.draw(&Text::new(label.to_string(), (x + 20, cy), text_style(15.0, INK, LEFT_CENTER)))?;
            let (tw, _) = legend_area.estimate_text_size(label, &text_style(15.0, INK, LEFT_CENTER))?;
            x += 20 + tw as i32 + 30;
        }
        for (s, label) in [(0.2, "weak tie"), (1.0, "strong tie")] {
            legend_area.draw(&PathElement::new(vec![(x, cy), (x + 30, cy)], tie_style(s, 1.0).stroke_width(2)))?;
            legend_area.draw(&Text::new(label.to_string(), (x + 38, cy), text_style(15.0, INK, LEFT_CENTER)))?;
            let (tw, _) = legend_area.estimate_text_size(label, &text_style(15.0, INK, LEFT_CENTER))?;
            x += 38 + tw as i32 + 30;
        }
        Ok(())
    }
}

/// Colour of a tie of `strength`: the stronger, the more opaque; `density` (0–1] fades every
/// tie of a crowded picture.
fn tie_style(strength: f64, density: f64) -> RGBAColor {
    INK.mix((0.06 + 0.5 * strength.clamp(0.0, 1.0)) * density)
}

fn draw_panel<DB: DrawingBackend>(panel: &Panel, area: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
    let snap = panel.snap;
    let (w, _) = area.dim_in_pixel();
    let heading = format!("{}: {}", group_label(&snap.community_type), crate::labels::words(&snap.community));
    area.draw(&Text::new(heading, (w as i32 / 2, 6), text_style(18.0, INK, CENTER_TOP)))?;
    let counts = [1u8, 2, 3].map(|g| snap.nodes.iter().filter(|n| n.grade == g).count());
    let sub = format!(
        "{} elders, {} ties · grade 1/2/3: {}/{}/{}",
        snap.nodes.len(),
        snap.edges.len(),
        counts[0],
        counts[1],
        counts[2]
    );
    area.draw(&Text::new(sub, (w as i32 / 2, 30), text_style(14.0, MUTED, CENTER_TOP)))?;

    let side = (w as i32).min(PANEL as i32) - 20;
    let x0 = (w as i32 - side) / 2;
    let y0 = HEADING + 4;
    area.draw(&Rectangle::new([(x0, y0), (x0 + side, y0 + side)], RGBColor(0xF7, 0xF7, 0xF7).filled()))?;
    let n = snap.nodes.len().max(1) as f64;
    let radius = (5.0 * (150.0 / n).sqrt()).clamp(2.0, 5.0).round() as i32;

    // The strip of elders outside the largest component, at the bottom of the square.
    let spacing = 2 * radius + 5;
    let per_row = ((side - 20) / spacing).max(1) as usize;
    let strip_rows = panel.outside.len().div_ceil(per_row) as i32;
    let strip_h = if panel.outside.is_empty() { 0 } else { 30 + strip_rows * spacing };
    let mut at: Vec<Option<(i32, i32)>> = vec![None; snap.nodes.len()];
    if strip_h > 0 {
        let top = y0 + side - strip_h;
        area.draw(&PathElement::new(vec![(x0 + 10, top), (x0 + side - 10, top)], GRID.stroke_width(1)))?;
        let label = format!(
            "outside the main network: {} elder{} ({} with no tie)",
            panel.outside.len(),
            if panel.outside.len() == 1 { "" } else { "s" },
            panel.isolated
        );
        area.draw(&Text::new(label, (x0 + 10, top + 14), text_style(13.0, MUTED, LEFT_CENTER)))?;
        for (k, &i) in panel.outside.iter().enumerate() {
            let (r, c) = ((k / per_row) as i32, (k % per_row) as i32);
            at[i] = Some((x0 + 10 + radius + c * spacing, top + 28 + radius + r * spacing));
        }
    }
    // The largest component in the square above the strip.
    let main_side = side - strip_h;
    let pad = radius + 8;
    let span = (main_side - 2 * pad).max(1) as f64;
    let mx0 = x0 + (side - main_side) / 2;
    for (i, p) in panel.main.iter().enumerate() {
        if let Some((x, y)) = p {
            at[i] = Some((mx0 + pad + (x * span).round() as i32, y0 + pad + (y * span).round() as i32));
        }
    }

    let density = (800.0 / snap.edges.len().max(1) as f64).sqrt().clamp(0.4, 1.0);
    // Weak ties first so strong ones are drawn on top.
    let mut edges: Vec<usize> = (0..snap.edges.len()).collect();
    edges.sort_by(|&a, &b| snap.edges[a].2.total_cmp(&snap.edges[b].2).then(a.cmp(&b)));
    for e in edges {
        let (a, b, s) = snap.edges[e];
        if let (Some(pa), Some(pb)) = (at[a], at[b]) {
            area.draw(&PathElement::new(vec![pa, pb], tie_style(s, density).stroke_width(1)))?;
        }
    }
    // Grade 3 first, so that the elders most in need are on top.
    for g in [3u8, 2, 1] {
        let r = if g == 1 { radius + 1 } else { radius } as u32;
        for (i, node) in snap.nodes.iter().enumerate() {
            if let (true, Some(p)) = (node.grade == g, at[i]) {
                area.draw(&Circle::new(p, r, grade_colour(g).filled()))?;
                if r >= 4 {
                    area.draw(&Circle::new(p, r, WHITE.mix(0.9).stroke_width(1)))?;
                }
            }
        }
    }
    Ok(())
}
