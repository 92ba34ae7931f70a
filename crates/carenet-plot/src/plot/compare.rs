//! Plots of a comparison and of a reproduction: the forest plot of paired differences from the
//! baseline ([`Forest`]), the cost-effectiveness plane ([`CostEffectPlane`]) and the study's
//! claims with their simulated effects ([`Claims`]).

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::charts::{
    CENTER, CENTER_TOP, LEFT_CENTER, LEFT_TOP, Mark, RIGHT_CENTER, legend, text_style, titled, xy_chart,
};
use super::data::{ClaimRow, CompareCsvRow};
use super::style::*;
use super::{DrawResult, Figure, padded_range, tick, trim};
use crate::labels;
use carenet_model::numfmt::thousands;

/// Metrics of the forest plot, with their readable names (lower is better for both).
pub(crate) const FOREST_METRICS: [(&str, &str); 2] =
    [("unmet_help_rate", "Unmet help rate"), ("isolation_rate", "Isolation rate")];

/// Names under which compare.csv may give unmet help hours per year, in order of preference.
pub(crate) const UNMET_HOURS_METRICS: [&str; 3] =
    ["unmet_help_hours_per_year", "unmet_help_hours", "unmet_hours_per_year"];

/// The metric of compare.csv giving the package's extra cost.
pub(crate) const COST_METRIC: &str = "cost_total_yuan";

/// A package's paired difference from the baseline on one metric.
struct ForestRow {
    diff: f64,
    low: f64,
    high: f64,
}

pub(crate) struct ForestPanel {
    title: &'static str,
    rows: Vec<Option<ForestRow>>,
}

/// Paired differences (package − baseline) with 95% intervals, one row per package, for the
/// community type `all`, one panel per metric of [`FOREST_METRICS`] present.
pub(crate) struct Forest {
    pub packages: Vec<String>,
    pub panels: Vec<ForestPanel>,
}

/// Packages of compare.csv, the baseline left out, in the order of the table `carenet compare`
/// prints: by the mean paired change in the unmet help rate, largest fall first (a stable sort,
/// so ties keep their order in the file; a package without that metric counts as no change).
pub(crate) fn packages(rows: &[CompareCsvRow]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for r in rows {
        if r.package != "baseline" && !out.contains(&r.package) {
            out.push(r.package.clone());
        }
    }
    let effect = |p: &str| find(rows, p, "unmet_help_rate").map(|r| r.diff).unwrap_or(0.0);
    out.sort_by(|a, b| effect(a).total_cmp(&effect(b)));
    out
}

fn find<'a>(rows: &'a [CompareCsvRow], package: &str, metric: &str) -> Option<&'a CompareCsvRow> {
    rows.iter().find(|r| r.package == package && r.metric == metric && r.group == "all" && r.diff.is_finite())
}

impl Forest {
    pub fn new(rows: &[CompareCsvRow]) -> Forest {
        let packages = packages(rows);
        let mut panels = Vec::new();
        for (metric, title) in FOREST_METRICS {
            let prow: Vec<Option<ForestRow>> = packages
                .iter()
                .map(|p| {
                    find(rows, p, metric).map(|r| ForestRow {
                        diff: r.diff * 100.0,
                        low: r.diff_ci_low * 100.0,
                        high: r.diff_ci_high * 100.0,
                    })
                })
                .collect();
            if prow.iter().any(Option::is_some) {
                panels.push(ForestPanel { title, rows: prow });
            }
        }
        Forest { packages, panels }
    }
}

/// Colour of an interval: green entirely below zero (better), vermillion entirely above
/// (worse), grey when it crosses zero or is undefined.
fn direction_colour(low: f64, high: f64) -> RGBColor {
    if high < 0.0 {
        OI_GREEN
    } else if low > 0.0 {
        OI_VERMILLION
    } else {
        GREY
    }
}

const ROW: i32 = 44;

impl Figure for Forest {
    fn size(&self) -> (u32, u32) {
        (1100, (64 + 50 + ROW * self.packages.len().max(1) as i32 + 60 + 70) as u32)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let body = titled(
            root,
            "Packages against the baseline: change in outcomes",
            "all communities; dot: mean paired difference (package − baseline), line: 95% interval",
        )?;
        let (w, h) = body.dim_in_pixel();
        let label_style = text_style(15.0, INK, RIGHT_CENTER);
        let mut label_w = 80u32;
        let labels: Vec<String> = self.packages.iter().map(|p| labels::package(p)).collect();
        for l in &labels {
            label_w = label_w.max(root.estimate_text_size(l, &label_style)?.0);
        }
        let label_w = (label_w as i32 + 24).min(w as i32 / 3);
        let (charts_area, legend_area) = body.split_vertically(h as i32 - 56);
        let (_, panels_area) = charts_area.split_horizontally(label_w);
        let cells = panels_area.split_evenly((1, self.panels.len().max(1)));
        let n = self.packages.len().max(1) as f64;
        let mut label_ys: Vec<i32> = Vec::new();
        for (panel, area) in self.panels.iter().zip(&cells) {
            let vals = panel.rows.iter().flatten().flat_map(|r| [r.diff, r.low, r.high]);
            let (x0, x1) = padded_range(vals, Some(0.0), 0.08);
            let mut chart = ChartBuilder::on(area)
                .caption(panel.title, text_style(17.0, INK, CENTER))
                .margin_left(12)
                .margin_right(24)
                .margin_top(6)
                .x_label_area_size(56)
                .build_cartesian_2d(x0..x1, 0f64..n)?;
            let x_fmt = |v: &f64| tick(*v);
            chart
                .configure_mesh()
                .disable_y_mesh()
                .y_labels(0)
                .x_labels(6)
                .x_desc("difference (percentage points)")
                .axis_desc_style(text_style(15.0, INK, CENTER))
                .label_style(text_style(14.0, INK, CENTER))
                .x_label_formatter(&x_fmt)
                .bold_line_style(GRID.stroke_width(1))
                .light_line_style(TRANSPARENT)
                .axis_style(MUTED.stroke_width(1))
                .draw()?;
            chart.draw_series(std::iter::once(PathElement::new(vec![(0.0, 0.0), (0.0, n)], INK.stroke_width(1))))?;
            label_ys.clear();
            for (i, row) in panel.rows.iter().enumerate() {
                let y = n - i as f64 - 0.5;
                label_ys.push(chart.backend_coord(&(x0, y)).1);
                let Some(r) = row else { continue };
                let c = direction_colour(r.low, r.high);
                if r.low.is_finite() && r.high.is_finite() {
                    let seg = vec![(r.low, y), (r.high, y)];
                    chart.draw_series(std::iter::once(PathElement::new(seg, c.stroke_width(3))))?;
                    for x in [r.low, r.high] {
                        let cap = vec![(x, y - 0.15), (x, y + 0.15)];
                        chart.draw_series(std::iter::once(PathElement::new(cap, c.stroke_width(2))))?;
                    }
                }
                chart.draw_series(std::iter::once(Circle::new((r.diff, y), 6, c.filled())))?;
                // The value beside the row's marks, never on them: right of the interval's end
                // (or of the dot), or left of its start when that runs out of the panel.
                let value_style = text_style(13.0, MUTED, LEFT_CENTER);
                let value = format!("{} pp", trim(r.diff, 2));
                let tw = root.estimate_text_size(&value, &value_style)?.0 as i32;
                let right_end = if r.high.is_finite() { r.high.max(r.diff) } else { r.diff };
                let left_end = if r.low.is_finite() { r.low.min(r.diff) } else { r.diff };
                let (rx, py) = chart.backend_coord(&(right_end, y));
                let (lx, _) = chart.backend_coord(&(left_end, y));
                let (panel_right, _) = chart.backend_coord(&(x1, y));
                // Not across the zero line either: past it when the text would cross it.
                let (zx, _) = chart.backend_coord(&(0.0, y));
                let right = if rx < zx && rx + 10 + tw > zx - 3 { zx + 6 } else { rx + 10 };
                let at = if right + tw <= panel_right + 20 { right } else { lx - 10 - tw };
                root.draw(&Text::new(value, (at, py), value_style))?;
            }
        }
        for (l, y) in labels.iter().zip(&label_ys) {
            root.draw(&Text::new(l.clone(), (label_w - 8, *y), label_style.clone()))?;
        }
        let entries = [
            (Mark::Dot(OI_GREEN), "lower than baseline (interval below 0)".to_string()),
            (Mark::Dot(OI_VERMILLION), "higher than baseline".to_string()),
            (Mark::Dot(GREY), "no clear difference".to_string()),
        ];
        let mut x = 20;
        for (mark, label) in entries {
            legend(&legend_area, (x, 16), "", &[(mark, label.clone())])?;
            x += 34 + legend_area.estimate_text_size(&label, &text_style(15.0, INK, LEFT_CENTER))?.0 as i32 + 36;
        }
        Ok(())
    }
}

/// One package on the cost-effectiveness plane.
struct PlanePoint {
    package: String,
    /// Unmet help hours averted per year (baseline − package) and its interval.
    hours: (f64, f64, f64),
    /// Extra cost (package − baseline) and its interval.
    cost: (f64, f64, f64),
    /// Cost per unmet hour averted, when compare.csv gives it.
    per_hour: f64,
    /// compare.csv's `estimable` of that ratio.
    estimable: Option<bool>,
}

/// A label's box in pixels: left, top, right, bottom.
pub(crate) type Rect = (i32, i32, i32, i32);

/// Whether two boxes overlap (touching edges do not).
pub(crate) fn overlaps(a: &Rect, b: &Rect) -> bool {
    a.0 < b.2 && b.0 < a.2 && a.1 < b.3 && b.1 < a.3
}

/// Places a label of size `sizes[i]` near each point `points[i]`, in order: at the first
/// candidate place (rings of growing radius around the point, twelve directions each, right
/// first) that lies inside `bounds` and overlaps neither a label placed before, nor any point's
/// marker (a square of half-side `marker` around it), nor a `fixed` box. When no place is free
/// the label goes just right of its point (or left, at the right edge).
pub(crate) fn place_labels(
    points: &[(i32, i32)],
    sizes: &[(i32, i32)],
    bounds: Rect,
    marker: i32,
    fixed: &[Rect],
) -> Vec<Rect> {
    let mut markers: Vec<Rect> =
        points.iter().map(|&(x, y)| (x - marker, y - marker, x + marker, y + marker)).collect();
    markers.extend_from_slice(fixed);
    let mut placed: Vec<Rect> = Vec::with_capacity(points.len());
    for (&(px, py), &(tw, th)) in points.iter().zip(sizes) {
        let inside = |r: &Rect| r.0 >= bounds.0 && r.1 >= bounds.1 && r.2 <= bounds.2 && r.3 <= bounds.3;
        let free = |r: &Rect| inside(r) && !placed.iter().chain(&markers).any(|o| overlaps(r, o));
        let mut found = None;
        'search: for ring in 0..16 {
            let radius = f64::from(marker + 4 + ring * 12);
            for k in 0..12 {
                let a = std::f64::consts::PI * 2.0 * f64::from(k) / 12.0;
                let (cx, cy) = (px as f64 + radius * a.cos(), py as f64 - radius * a.sin());
                // The box touches the circle on the side facing the point.
                let x = if a.cos() > 0.3 {
                    cx as i32
                } else if a.cos() < -0.3 {
                    cx as i32 - tw
                } else {
                    cx as i32 - tw / 2
                };
                let y = if a.sin() > 0.3 {
                    cy as i32 - th
                } else if a.sin() < -0.3 {
                    cy as i32
                } else {
                    cy as i32 - th / 2
                };
                let r = (x, y, x + tw, y + th);
                if free(&r) {
                    found = Some(r);
                    break 'search;
                }
            }
        }
        let r = found.unwrap_or_else(|| {
            let x = if px + marker + 4 + tw <= bounds.2 { px + marker + 4 } else { px - marker - 4 - tw };
            (x, py - th / 2, x + tw, py - th / 2 + th)
        });
        placed.push(r);
    }
    placed
}

/// Colours of the packages on the plane: twelve that differ in hue and lightness (the
/// Okabe–Ito set, then darker tones); a package's number in the key tells them apart beyond.
const PLANE_COLOURS: [RGBColor; 12] = [
    OI_BLUE,
    OI_VERMILLION,
    OI_GREEN,
    OI_ORANGE,
    OI_PURPLE,
    OI_SKY,
    INK,
    RGBColor(0x8C, 0x51, 0x0A),
    RGBColor(0x54, 0x27, 0x88),
    RGBColor(0x01, 0x66, 0x5E),
    RGBColor(0xB8, 0x86, 0x0B),
    GREY,
];

/// Hours of unmet help averted per year (x) against extra cost (y), one numbered point per
/// package with 95% intervals both ways, and a key: the packages in the order of the table
/// `carenet compare` prints, each with its cost per hour averted or why there is none.
pub(crate) struct CostEffectPlane {
    points: Vec<PlanePoint>,
}

/// Width of the key at the right of the plane.
const KEY_WIDTH: i32 = 380;

impl CostEffectPlane {
    /// `None` unless compare.csv has both an unmet-hours metric and `cost_total_yuan`.
    pub fn new(rows: &[CompareCsvRow]) -> Option<CostEffectPlane> {
        let hours_metric = UNMET_HOURS_METRICS.into_iter().find(|m| rows.iter().any(|r| r.metric == *m))?;
        let mut points = Vec::new();
        for p in packages(rows) {
            let (Some(h), Some(c)) = (find(rows, &p, hours_metric), find(rows, &p, COST_METRIC)) else { continue };
            let ratio =
                rows.iter().find(|r| r.package == p && r.metric == "cost_per_unmet_hour_averted" && r.group == "all");
            points.push(PlanePoint {
                package: p,
                hours: (-h.diff, -h.diff_ci_high, -h.diff_ci_low),
                cost: (c.diff, c.diff_ci_low, c.diff_ci_high),
                per_hour: ratio.map(|r| r.mean).unwrap_or(f64::NAN),
                estimable: ratio.and_then(|r| r.estimable),
            });
        }
        (!points.is_empty()).then_some(CostEffectPlane { points })
    }

    /// The packages, in the order of the key.
    #[cfg(test)]
    pub fn packages(&self) -> Vec<&str> {
        self.points.iter().map(|p| p.package.as_str()).collect()
    }

    /// What the key says of a package's cost per hour averted.
    fn per_hour_text(p: &PlanePoint) -> String {
        if p.estimable == Some(false) {
            "cost per hour not estimable: hours averted may be 0".to_string()
        } else if p.per_hour.is_finite() {
            format!("¥{} per unmet hour averted", thousands(p.per_hour, 1))
        } else {
            "no cost per hour averted".to_string()
        }
    }

    /// The boxes of the points' number labels, in pixels of the whole figure.
    #[cfg(test)]
    pub fn label_boxes(&self) -> Vec<Rect> {
        super::ensure_font().expect("the embedded font");
        let mut svg = String::new();
        let (w, h) = self.size();
        let root = SVGBackend::with_string(&mut svg, (w, h)).into_drawing_area();
        self.draw_plane(&root).unwrap_or_default()
    }

    /// Draws everything; returns the boxes of the number labels.
    fn draw_plane<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
    ) -> Result<Vec<Rect>, DrawingAreaErrorKind<DB::ErrorType>> {
        let body = titled(
            root,
            "Cost-effectiveness plane: what each package buys",
            "all communities, paired with the baseline; lines: 95% intervals; numbers: the key, in the order of the table",
        )?;
        let (w, _) = body.dim_in_pixel();
        let (plot, key) = body.split_horizontally(w as i32 - KEY_WIDTH);
        let xs = self.points.iter().flat_map(|p| [p.hours.0, p.hours.1, p.hours.2]);
        let ys = self.points.iter().flat_map(|p| [p.cost.0, p.cost.1, p.cost.2]);
        let (x0, x1) = padded_range(xs, Some(0.0), 0.08);
        let (y0, y1) = padded_range(ys, Some(0.0), 0.08);
        let fmt = |v: &f64| if v.fract() == 0.0 { thousands(*v, 0) } else { tick(*v) };
        let mut chart = xy_chart(
            &plot,
            (x0, x1),
            (y0, y1),
            "unmet help hours averted per year",
            "extra cost per year against the baseline (¥)",
            &fmt,
        )?;
        chart.draw_series(std::iter::once(PathElement::new(vec![(0.0, y0), (0.0, y1)], INK.stroke_width(1))))?;
        chart.draw_series(std::iter::once(PathElement::new(vec![(x0, 0.0), (x1, 0.0)], INK.stroke_width(1))))?;
        // Quadrant notes, in the corners.
        let notes = [
            ((x1, y1), "more help, more cost", Pos::new(HPos::Right, VPos::Top), (-8, 8)),
            ((x1, y0), "more help, less cost", Pos::new(HPos::Right, VPos::Bottom), (-8, -8)),
            ((x0, y1), "less help, more cost", Pos::new(HPos::Left, VPos::Top), (8, 8)),
            ((x0, y0), "less help, less cost", Pos::new(HPos::Left, VPos::Bottom), (8, -8)),
        ];
        let note_style = |pos| text_style(14.0, MUTED, pos);
        let mut taken_notes: Vec<Rect> = Vec::new();
        for (at, note, pos, (dx, dy)) in notes {
            let (px, py) = chart.backend_coord(&at);
            let (tw, th) = root.estimate_text_size(note, &note_style(pos))?;
            let (tw, th) = (tw as i32, th as i32);
            let x = if dx < 0 { px + dx - tw } else { px + dx };
            let y = if dy < 0 { py + dy - th } else { py + dy };
            taken_notes.push((x, y, x + tw, y + th));
            root.draw(&Text::new(note.to_string(), (px + dx, py + dy), note_style(pos)))?;
        }
        let colour = |i: usize| PLANE_COLOURS[i % PLANE_COLOURS.len()];
        for (i, p) in self.points.iter().enumerate() {
            let c = colour(i);
            let (hx, hl, hh) = p.hours;
            let (cy, cl, ch) = p.cost;
            if hl.is_finite() && hh.is_finite() {
                chart.draw_series(std::iter::once(PathElement::new(vec![(hl, cy), (hh, cy)], c.stroke_width(2))))?;
            }
            if cl.is_finite() && ch.is_finite() {
                chart.draw_series(std::iter::once(PathElement::new(vec![(hx, cl), (hx, ch)], c.stroke_width(2))))?;
            }
        }
        for (i, p) in self.points.iter().enumerate() {
            chart.draw_series(std::iter::once(Circle::new((p.hours.0, p.cost.0), 6, colour(i).filled())))?;
        }

        // Number labels, clear of each other, of the markers and of the quadrant notes.
        let (left_edge, top_edge) = chart.backend_coord(&(x0, y1));
        let (right_edge, bottom_edge) = chart.backend_coord(&(x1, y0));
        let points: Vec<(i32, i32)> = self.points.iter().map(|p| chart.backend_coord(&(p.hours.0, p.cost.0))).collect();
        let num_style = text_style(15.0, INK, LEFT_TOP);
        let mut sizes = Vec::with_capacity(points.len());
        for i in 0..points.len() {
            let (tw, th) = root.estimate_text_size(&(i + 1).to_string(), &num_style)?;
            sizes.push((tw as i32 + 8, th as i32 + 4));
        }
        let bounds = (left_edge, top_edge, right_edge, bottom_edge);
        let boxes = place_labels(&points, &sizes, bounds, 7, &taken_notes);
        for (i, r) in boxes.iter().enumerate() {
            let (px, py) = points[i];
            let c = colour(i);
            let (cx, cy) = ((r.0 + r.2) / 2, (r.1 + r.3) / 2);
            if (cx - px).abs() > 20 || (cy - py).abs() > 16 {
                // A leader from the marker to the nearest edge of the box.
                let ex = if px < r.0 {
                    r.0
                } else if px > r.2 {
                    r.2
                } else {
                    cx
                };
                let ey = if py < r.1 {
                    r.1
                } else if py > r.3 {
                    r.3
                } else {
                    cy
                };
                root.draw(&PathElement::new(vec![(px, py), (ex, ey)], c.mix(0.8).stroke_width(1)))?;
            }
            root.draw(&Rectangle::new([(r.0, r.1), (r.2, r.3)], WHITE.mix(0.85).filled()))?;
            root.draw(&Rectangle::new([(r.0, r.1), (r.2, r.3)], c.stroke_width(1)))?;
            root.draw(&Text::new((i + 1).to_string(), (r.0 + 4, r.1 + 2), text_style(15.0, c, LEFT_TOP)))?;
        }

        // The key.
        key.draw(&Text::new(
            "key (in the order of the table)".to_string(),
            (16, 14),
            text_style(15.0, MUTED, LEFT_TOP),
        ))?;
        let mut y = 44;
        let detail = text_style(13.0, MUTED, LEFT_CENTER);
        for (i, p) in self.points.iter().enumerate() {
            let c = colour(i);
            key.draw(&Circle::new((28, y + 9), 11, c.filled()))?;
            key.draw(&Text::new((i + 1).to_string(), (28, y + 9), text_style(13.0, WHITE, CENTER)))?;
            key.draw(&Text::new(labels::package(&p.package), (48, y + 9), text_style(15.0, INK, LEFT_CENTER)))?;
            let line = fit(&key, &Self::per_hour_text(p), &detail, (KEY_WIDTH - 60) as u32)?;
            key.draw(&Text::new(line, (48, y + 28), detail.clone()))?;
            y += 46;
        }
        Ok(boxes)
    }
}

impl Figure for CostEffectPlane {
    fn size(&self) -> (u32, u32) {
        (1300, (64 + 60 + 46 * self.points.len() as u32).max(760))
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        self.draw_plane(root).map(|_| ())
    }
}

/// Claims of the study with the simulated effect and its 95% interval, coloured by verdict.
/// Each row has its own scale (effects are in different units); a tick marks zero.
pub(crate) struct Claims<'a> {
    pub rows: &'a [ClaimRow],
}

const CLAIM_ROW: i32 = 80;

/// Cuts `s` to fit `width` pixels in `style`, adding an ellipsis.
fn fit<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    s: &str,
    style: &TextStyle,
    width: u32,
) -> Result<String, DrawingAreaErrorKind<DB::ErrorType>> {
    if area.estimate_text_size(s, style)?.0 <= width {
        return Ok(s.to_string());
    }
    let chars: Vec<char> = s.chars().collect();
    let (mut lo, mut hi) = (0usize, chars.len());
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        let cand: String = chars[..mid].iter().collect::<String>() + "…";
        if area.estimate_text_size(&cand, style)?.0 <= width { lo = mid } else { hi = mid - 1 }
    }
    Ok(chars[..lo].iter().collect::<String>().trim_end().to_string() + "…")
}

/// Splits `s` into at most two lines that fit `width` pixels (the second cut with an ellipsis).
fn wrap2<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    s: &str,
    style: &TextStyle,
    width: u32,
) -> Result<Vec<String>, DrawingAreaErrorKind<DB::ErrorType>> {
    if area.estimate_text_size(s, style)?.0 <= width {
        return Ok(vec![s.to_string()]);
    }
    // The longest prefix ending at a space that fits.
    let mut first = "";
    for (i, c) in s.char_indices() {
        if c == ' ' {
            if area.estimate_text_size(&s[..i], style)?.0 > width {
                break;
            }
            first = &s[..i];
        }
    }
    if first.is_empty() {
        return Ok(vec![fit(area, s, style, width)?]);
    }
    let rest = s[first.len()..].trim_start();
    Ok(vec![first.to_string(), fit(area, rest, style, width)?])
}

impl Figure for Claims<'_> {
    fn size(&self) -> (u32, u32) {
        (1200, (64 + 40 + CLAIM_ROW * self.rows.len().max(1) as i32 + 70) as u32)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let counts = ["supported", "negligible", "contradicted", "inconclusive"]
            .map(|v| self.rows.iter().filter(|r| r.verdict == v).count());
        let body = titled(
            root,
            "The study's claims against the simulation",
            &format!(
                "{} supported, {} negligible, {} contradicted, {} inconclusive; each row on its own scale, the grey tick marks zero, the short ticks ± the SESOI",
                counts[0], counts[1], counts[2], counts[3]
            ),
        )?;
        let (w, _) = body.dim_in_pixel();
        let (text_w, strip_x0, strip_x1) = (500, 540, w as i32 - 300);
        let head = text_style(14.0, MUTED, LEFT_TOP);
        body.draw(&Text::new("claim".to_string(), (20, 8), head.clone()))?;
        body.draw(&Text::new("effect and 95% interval".to_string(), (strip_x0, 8), head.clone()))?;
        body.draw(&Text::new("effect (interval) · verdict".to_string(), (strip_x1 + 24, 8), head))?;
        let statement_style = text_style(15.0, INK, LEFT_CENTER);
        let detail_style = text_style(13.0, MUTED, LEFT_CENTER);
        for (i, r) in self.rows.iter().enumerate() {
            let top = 34 + i as i32 * CLAIM_ROW;
            let mid = top + CLAIM_ROW / 2;
            if i % 2 == 0 {
                body.draw(&Rectangle::new(
                    [(10, top), (w as i32 - 10, top + CLAIM_ROW)],
                    RGBColor(0xF6, 0xF6, 0xF6).filled(),
                ))?;
            }
            let c = verdict_colour(&r.verdict);
            body.draw(&Rectangle::new([(10, top), (16, top + CLAIM_ROW)], c.filled()))?;
            // Plain words: the statements are Markdown (docs/claims.md); no markup in an image.
            let statement = crate::labels::plain(&r.statement);
            let first = if r.section.is_empty() {
                format!("{}: {statement}", r.claim)
            } else {
                format!("{} (§{}): {statement}", r.claim, r.section)
            };
            let lines = wrap2(&body, &first, &statement_style, text_w)?;
            let y_detail = top + 22 + 20 * lines.len() as i32;
            for (k, line) in lines.into_iter().enumerate() {
                body.draw(&Text::new(line, (24, top + 16 + 20 * k as i32), statement_style.clone()))?;
            }
            let detail = if r.expected.is_empty() {
                let share = if r.emergent_share.is_finite() { trim(r.emergent_share, 2) } else { "—".into() };
                format!(
                    "{}; measured by: {}; SESOI {}; emergent share {share}",
                    if r.kind.is_empty() { "claim" } else { &r.kind },
                    labels::metric(&r.metric),
                    tick(r.sesoi)
                )
            } else {
                format!("measured by: {}; expected {}", labels::metric(&r.metric), r.expected)
            };
            body.draw(&Text::new(fit(&body, &detail, &detail_style, text_w)?, (24, y_detail), detail_style.clone()))?;

            // The strip: zero, the interval and the effect on the row's own scale.
            let sesoi = if r.sesoi.is_finite() && r.sesoi > 0.0 { r.sesoi } else { 0.0 };
            let (lo, hi) = padded_range([r.effect, r.ci_low, r.ci_high, sesoi, -sesoi], Some(0.0), 0.1);
            let sx = |v: f64| strip_x0 + ((v - lo) / (hi - lo) * (strip_x1 - strip_x0) as f64).round() as i32;
            body.draw(&PathElement::new(vec![(strip_x0, mid), (strip_x1, mid)], GRID.stroke_width(1)))?;
            body.draw(&PathElement::new(vec![(sx(0.0), mid - 14), (sx(0.0), mid + 14)], GREY.stroke_width(2)))?;
            body.draw(&Text::new("0".to_string(), (sx(0.0), mid + 16), text_style(12.0, MUTED, CENTER_TOP)))?;
            if sesoi > 0.0 {
                for v in [-sesoi, sesoi] {
                    body.draw(&PathElement::new(vec![(sx(v), mid - 8), (sx(v), mid + 8)], GREY.stroke_width(1)))?;
                }
            }
            if r.ci_low.is_finite() && r.ci_high.is_finite() {
                body.draw(&PathElement::new(vec![(sx(r.ci_low), mid), (sx(r.ci_high), mid)], c.stroke_width(3)))?;
                for v in [r.ci_low, r.ci_high] {
                    body.draw(&PathElement::new(vec![(sx(v), mid - 6), (sx(v), mid + 6)], c.stroke_width(2)))?;
                }
            }
            if r.effect.is_finite() {
                body.draw(&Circle::new((sx(r.effect), mid), 7, c.filled()))?;
            }
            let numbers = if r.ci_low.is_finite() && r.ci_high.is_finite() {
                format!("{} ({} to {})", tick(r.effect), tick(r.ci_low), tick(r.ci_high))
            } else if r.effect.is_finite() {
                tick(r.effect)
            } else {
                "—".to_string()
            };
            body.draw(&Text::new(numbers, (strip_x1 + 24, mid - 11), statement_style.clone()))?;
            let verdict = if r.robust_share.is_finite() {
                format!("{} · robust in {}%", r.verdict, trim(r.robust_share * 100.0, 0))
            } else {
                r.verdict.clone()
            };
            body.draw(&Text::new(verdict, (strip_x1 + 24, mid + 12), text_style(14.0, c, LEFT_CENTER)))?;
        }
        let legend_y = 34 + self.rows.len() as i32 * CLAIM_ROW + 18;
        let mut x = 20;
        for v in ["supported", "negligible", "contradicted", "inconclusive"] {
            legend(&body, (x, legend_y), "", &[(Mark::Dot(verdict_colour(v)), v.to_string())])?;
            x += 34 + body.estimate_text_size(v, &text_style(15.0, INK, LEFT_CENTER))?.0 as i32 + 36;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (package, metric, diff, diff_ci_low, diff_ci_high, estimable): the default comparison
    /// of 3 replications × 104 weeks, rounded.
    type Fixture = (&'static str, &'static str, f64, f64, f64, Option<bool>);
    const DEFAULT: &[Fixture] = &[
        ("activity_programme", "unmet_help_rate", -0.0087, -0.0175, 0.00002, None),
        ("activity_programme", "cost_total_yuan", 655200.0, 655200.0, 655200.0, None),
        ("activity_programme", "unmet_help_hours_per_year", -11920.0, -23464.0, -377.0, None),
        ("care_subsidy", "unmet_help_rate", -0.0554, -0.0663, -0.0444, None),
        ("care_subsidy", "cost_total_yuan", 3730551.0, 3645443.0, 3815659.0, None),
        ("care_subsidy", "unmet_help_hours_per_year", -74828.0, -83122.0, -66533.0, None),
        ("counselling", "unmet_help_rate", -0.00044, -0.0038, 0.0029, None),
        ("counselling", "cost_total_yuan", 723800.0, 720542.0, 727058.0, None),
        ("counselling", "unmet_help_hours_per_year", -372.0, -7128.0, 6383.0, None),
        ("counselling", "cost_per_unmet_hour_averted", f64::NAN, f64::NAN, f64::NAN, Some(false)),
        ("info_platform", "unmet_help_rate", -0.0037, -0.0087, 0.0013, None),
        ("info_platform", "cost_total_yuan", 200000.0, 200000.0, 200000.0, None),
        ("info_platform", "unmet_help_hours_per_year", -6069.0, -18406.0, 6268.0, None),
        ("merchant_alliance", "unmet_help_rate", -0.0109, -0.0141, -0.0078, None),
        ("merchant_alliance", "cost_total_yuan", 204358.0, 201860.0, 206855.0, None),
        ("merchant_alliance", "unmet_help_hours_per_year", -16119.0, -20777.0, -11460.0, None),
        ("public_funding", "unmet_help_rate", -0.0026, -0.0029, -0.0024, None),
        ("public_funding", "cost_total_yuan", 500000.0, 500000.0, 500000.0, None),
        ("public_funding", "unmet_help_hours_per_year", -3500.0, -3500.0, -3500.0, None),
        ("student_credits", "unmet_help_rate", -0.0038, -0.0063, -0.0013, None),
        ("student_credits", "cost_total_yuan", 74719.0, 70524.0, 78914.0, None),
        ("student_credits", "unmet_help_hours_per_year", -3810.0, -6822.0, -797.0, None),
        ("study_package", "unmet_help_rate", -0.1491, -0.1700, -0.1282, None),
        ("study_package", "cost_total_yuan", 5953764.0, 5808934.0, 6098595.0, None),
        ("study_package", "unmet_help_hours_per_year", -200821.0, -219674.0, -181967.0, None),
        ("study_package", "cost_per_unmet_hour_averted", 29.65, 26.7, 32.6, Some(true)),
        ("supervision", "unmet_help_rate", -0.0011, -0.0012, -0.0010, None),
        ("supervision", "cost_total_yuan", 60000.0, 60000.0, 60000.0, None),
        ("supervision", "unmet_help_hours_per_year", -1500.0, -1500.0, -1500.0, None),
        ("time_bank", "unmet_help_rate", -0.0041, -0.0077, -0.0005, None),
        ("time_bank", "cost_total_yuan", 17849.0, 14340.0, 21359.0, None),
        ("time_bank", "unmet_help_hours_per_year", -5064.0, -15588.0, 5461.0, None),
    ];

    fn rows() -> Vec<CompareCsvRow> {
        DEFAULT
            .iter()
            .map(|&(package, metric, diff, lo, hi, estimable)| CompareCsvRow {
                package: package.into(),
                metric: metric.into(),
                group: "all".into(),
                mean: diff,
                ci_low: lo,
                ci_high: hi,
                diff,
                diff_ci_low: lo,
                diff_ci_high: hi,
                n: "3".into(),
                estimable,
            })
            .collect()
    }

    #[test]
    fn forest_and_key_are_in_the_order_of_the_table() {
        let rows = rows();
        let forest = Forest::new(&rows);
        // As `carenet compare` prints them: by the change in unmet help, largest fall first.
        let expected = [
            "study_package",
            "care_subsidy",
            "merchant_alliance",
            "activity_programme",
            "time_bank",
            "student_credits",
            "info_platform",
            "public_funding",
            "supervision",
            "counselling",
        ];
        assert_eq!(forest.packages, expected);
        assert_eq!(CostEffectPlane::new(&rows).unwrap().packages(), expected);
    }

    #[test]
    fn number_labels_on_the_plane_do_not_collide() {
        let plane = CostEffectPlane::new(&rows()).unwrap();
        let boxes = plane.label_boxes();
        assert_eq!(boxes.len(), 10);
        for (i, a) in boxes.iter().enumerate() {
            for b in &boxes[i + 1..] {
                assert!(!overlaps(a, b), "labels {a:?} and {b:?} overlap");
            }
        }
    }

    #[test]
    fn placed_labels_avoid_every_marker_and_fixed_box() {
        // Twelve points on top of each other and a fixed box beside them.
        let points = vec![(300, 300); 12];
        let sizes = vec![(24, 20); 12];
        let fixed = [(310, 290, 400, 310)];
        let boxes = place_labels(&points, &sizes, (0, 0, 600, 600), 7, &fixed);
        let marker = (293, 293, 307, 307);
        for (i, a) in boxes.iter().enumerate() {
            assert!(!overlaps(a, &marker) && !overlaps(a, &fixed[0]), "{a:?}");
            assert!(a.0 >= 0 && a.1 >= 0 && a.2 <= 600 && a.3 <= 600);
            for b in &boxes[i + 1..] {
                assert!(!overlaps(a, b), "{a:?} {b:?}");
            }
        }
    }

    #[test]
    fn the_key_says_when_a_cost_per_hour_is_not_estimable() {
        let plane = CostEffectPlane::new(&rows()).unwrap();
        let texts: Vec<String> = plane.points.iter().map(CostEffectPlane::per_hour_text).collect();
        let of = |p: &str| &texts[plane.packages().iter().position(|x| *x == p).unwrap()];
        assert!(of("counselling").contains("not estimable"), "{}", of("counselling"));
        assert_eq!(of("study_package"), "¥29.6 per unmet hour averted");
    }
}
