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
    packages: Vec<String>,
    pub panels: Vec<ForestPanel>,
}

/// Packages of compare.csv in order of first appearance, the baseline left out.
fn packages(rows: &[CompareCsvRow]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for r in rows {
        if r.package != "baseline" && !out.contains(&r.package) {
            out.push(r.package.clone());
        }
    }
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
        for p in &self.packages {
            label_w = label_w.max(root.estimate_text_size(p, &label_style)?.0);
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
                let (px, py) = chart.backend_coord(&(r.diff, y));
                root.draw(&Text::new(
                    format!("{} pp", trim(r.diff, 2)),
                    (px, py - 20),
                    text_style(13.0, MUTED, CENTER),
                ))?;
            }
        }
        for (p, y) in self.packages.iter().zip(&label_ys) {
            root.draw(&Text::new(p.clone(), (label_w - 8, *y), label_style.clone()))?;
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
}

/// A label's box in pixels: left, top, right, bottom.
type Rect = (i32, i32, i32, i32);

/// Hours of unmet help averted per year (x) against extra cost (y), one point per package,
/// with 95% intervals both ways.
pub(crate) struct CostEffectPlane {
    hours_metric: &'static str,
    points: Vec<PlanePoint>,
}

impl CostEffectPlane {
    /// `None` unless compare.csv has both an unmet-hours metric and `cost_total_yuan`.
    pub fn new(rows: &[CompareCsvRow]) -> Option<CostEffectPlane> {
        let hours_metric = UNMET_HOURS_METRICS.into_iter().find(|m| rows.iter().any(|r| r.metric == *m))?;
        let mut points = Vec::new();
        for p in packages(rows) {
            let (Some(h), Some(c)) = (find(rows, &p, hours_metric), find(rows, &p, COST_METRIC)) else { continue };
            let per_hour = rows
                .iter()
                .find(|r| r.package == p && r.metric == "cost_per_unmet_hour_averted" && r.group == "all")
                .map(|r| r.mean)
                .unwrap_or(f64::NAN);
            points.push(PlanePoint {
                package: p,
                hours: (-h.diff, -h.diff_ci_high, -h.diff_ci_low),
                cost: (c.diff, c.diff_ci_low, c.diff_ci_high),
                per_hour,
            });
        }
        (!points.is_empty()).then_some(CostEffectPlane { hours_metric, points })
    }
}

impl Figure for CostEffectPlane {
    fn size(&self) -> (u32, u32) {
        (1000, 760)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let body = titled(
            root,
            "Cost-effectiveness plane: what each package buys",
            &format!(
                "all communities, paired with the baseline; lines: 95% intervals (from `{}` and `{COST_METRIC}`)",
                self.hours_metric
            ),
        )?;
        let xs = self.points.iter().flat_map(|p| [p.hours.0, p.hours.1, p.hours.2]);
        let ys = self.points.iter().flat_map(|p| [p.cost.0, p.cost.1, p.cost.2]);
        let (x0, x1) = padded_range(xs, Some(0.0), 0.12);
        let (y0, y1) = padded_range(ys, Some(0.0), 0.12);
        let fmt = |v: &f64| tick(*v);
        let mut chart = xy_chart(
            &body,
            (x0, x1),
            (y0, y1),
            "unmet help hours averted per year (hours)",
            "extra cost against the baseline (yuan)",
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
        for (at, note, pos, (dx, dy)) in notes {
            let (px, py) = chart.backend_coord(&at);
            root.draw(&Text::new(note.to_string(), (px + dx, py + dy), text_style(14.0, MUTED, pos)))?;
        }
        let palette = [OI_BLUE, OI_VERMILLION, OI_GREEN, OI_ORANGE, OI_PURPLE, OI_SKY, INK, GREY];
        let colour = |i: usize| palette[i % palette.len()];
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
            chart.draw_series(std::iter::once(Circle::new((p.hours.0, p.cost.0), 7, colour(i).filled())))?;
        }

        // Labels: each at the first free place near its point (right, then left, then further
        // up or down), with a leader line when it had to move away.
        let (left_edge, top_edge) = chart.backend_coord(&(x0, y1));
        let (right_edge, bottom_edge) = chart.backend_coord(&(x1, y0));
        let points: Vec<(i32, i32)> = self.points.iter().map(|p| chart.backend_coord(&(p.hours.0, p.cost.0))).collect();
        let mut taken: Vec<Rect> = points.iter().map(|&(x, y)| (x - 8, y - 8, x + 8, y + 8)).collect();
        let overlaps =
            |r: (i32, i32, i32, i32), o: &(i32, i32, i32, i32)| r.0 < o.2 && o.0 < r.2 && r.1 < o.3 && o.1 < r.3;
        let style = text_style(15.0, INK, LEFT_CENTER);
        for (i, p) in self.points.iter().enumerate() {
            let label = if p.per_hour.is_finite() {
                format!("{} (¥{}/h)", p.package, tick(p.per_hour))
            } else {
                p.package.clone()
            };
            let (tw, th) = root.estimate_text_size(&label, &style)?;
            let (tw, th) = (tw as i32, th as i32 + 4);
            let (px, py) = points[i];
            let mut best: Option<(i32, i32, Rect)> = None;
            'search: for dy in [-14, 14, -30, 30, -46, 46, -62, 62, -78, 78, -94, 94, -110, 110] {
                for right in [true, false] {
                    let x = if right { px + 12 } else { px - 12 - tw };
                    let y = py + dy;
                    let rect = (x, y - th / 2, x + tw, y + th / 2);
                    let inside =
                        rect.0 >= left_edge && rect.2 <= right_edge && rect.1 >= top_edge && rect.3 <= bottom_edge;
                    if inside && !taken.iter().enumerate().any(|(k, o)| k != i && overlaps(rect, o)) {
                        best = Some((x, y, rect));
                        break 'search;
                    }
                }
            }
            let (x, y, rect) = best.unwrap_or_else(|| {
                let x = if px + 12 + tw <= right_edge { px + 12 } else { px - 12 - tw };
                (x, py - 14, (x, py - 14 - th / 2, x + tw, py - 14 + th / 2))
            });
            if (y - py).abs() > 20 {
                let end = if x > px { (x - 2, y) } else { (x + tw + 2, y) };
                root.draw(&PathElement::new(vec![(px, py), end], colour(i).mix(0.7).stroke_width(1)))?;
            }
            root.draw(&Text::new(label, (x, y), style.clone()))?;
            taken.push(rect);
        }
        Ok(())
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
        let counts =
            ["supported", "contradicted", "inconclusive"].map(|v| self.rows.iter().filter(|r| r.verdict == v).count());
        let body = titled(
            root,
            "The study's claims against the simulation",
            &format!(
                "{} supported, {} contradicted, {} inconclusive; each row on its own scale, the grey tick marks zero",
                counts[0], counts[1], counts[2]
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
            let first = if r.section.is_empty() {
                format!("{}: {}", r.claim, r.statement)
            } else {
                format!("{} (§{}): {}", r.claim, r.section, r.statement)
            };
            let lines = wrap2(&body, &first, &statement_style, text_w)?;
            let y_detail = top + 22 + 20 * lines.len() as i32;
            for (k, line) in lines.into_iter().enumerate() {
                body.draw(&Text::new(line, (24, top + 16 + 20 * k as i32), statement_style.clone()))?;
            }
            let detail =
                format!("metric `{}`, expected {}", r.metric, if r.expected.is_empty() { "—" } else { &r.expected });
            body.draw(&Text::new(fit(&body, &detail, &detail_style, text_w)?, (24, y_detail), detail_style.clone()))?;

            // The strip: zero, the interval and the effect on the row's own scale.
            let (lo, hi) = padded_range([r.effect, r.ci_low, r.ci_high], Some(0.0), 0.1);
            let sx = |v: f64| strip_x0 + ((v - lo) / (hi - lo) * (strip_x1 - strip_x0) as f64).round() as i32;
            body.draw(&PathElement::new(vec![(strip_x0, mid), (strip_x1, mid)], GRID.stroke_width(1)))?;
            body.draw(&PathElement::new(vec![(sx(0.0), mid - 14), (sx(0.0), mid + 14)], GREY.stroke_width(2)))?;
            body.draw(&Text::new("0".to_string(), (sx(0.0), mid + 16), text_style(12.0, MUTED, CENTER_TOP)))?;
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
        for v in ["supported", "contradicted", "inconclusive"] {
            legend(&body, (x, legend_y), "", &[(Mark::Dot(verdict_colour(v)), v.to_string())])?;
            x += 34 + body.estimate_text_size(v, &text_style(15.0, INK, LEFT_CENTER))?.0 as i32 + 36;
        }
        Ok(())
    }
}
