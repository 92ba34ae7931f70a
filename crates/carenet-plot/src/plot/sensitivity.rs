//! Plots of a sensitivity analysis (`sensitivity.csv`): the Morris μ*–σ chart
//! ([`MorrisChart`]: one point per factor, labelled, with μ*'s interval) and
//! the Sobol index bars ([`SobolBars`]: first-order and total index per
//! factor with their intervals), one plot per output metric.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::charts::{CENTER, LEFT_CENTER, Mark, RIGHT_CENTER, legend, text_style, titled, xy_chart};
use super::data::{Table, num, text};
use super::style::*;
use super::{DrawResult, Figure, PlotError, padded_range, tick};

/// One row of sensitivity.csv.
#[derive(Debug, Clone)]
pub(crate) struct Row {
    method: String,
    metric: String,
    key: String,
    index: String,
    value: f64,
    low: f64,
    high: f64,
}

pub(crate) fn read(path: &std::path::Path) -> Result<Option<Vec<Row>>, PlotError> {
    let Some(t) = Table::read(path)? else { return Ok(None) };
    let c = |n: &str| t.require(n).map(Some);
    let (method, metric, key, index) = (c("method")?, c("metric")?, c("key")?, c("index")?);
    let (value, low, high) = (c("value")?, t.col("ci_low"), t.col("ci_high"));
    Ok(Some(
        t.rows
            .iter()
            .map(|r| Row {
                method: text(r, method),
                metric: text(r, metric),
                key: text(r, key),
                index: text(r, index),
                value: num(r, value),
                low: num(r, low),
                high: num(r, high),
            })
            .collect(),
    ))
}

/// Metrics of `method` in `rows`, in order of first appearance.
pub(crate) fn metrics(rows: &[Row], method: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for r in rows.iter().filter(|r| r.method == method) {
        if !out.contains(&r.metric) {
            out.push(r.metric.clone());
        }
    }
    out
}

/// A factor's key and, per index, (value, low, high).
type FactorValues = (String, Vec<(f64, f64, f64)>);

/// Per factor of one metric: the values of `indices` (value, low, high).
fn factors(rows: &[Row], method: &str, metric: &str, indices: &[&str]) -> Vec<FactorValues> {
    let mut keys: Vec<String> = Vec::new();
    for r in rows.iter().filter(|r| r.method == method && r.metric == metric) {
        if !keys.contains(&r.key) {
            keys.push(r.key.clone());
        }
    }
    keys.into_iter()
        .map(|k| {
            let vals = indices
                .iter()
                .map(|ix| {
                    rows.iter()
                        .find(|r| r.method == method && r.metric == metric && r.key == k && r.index == *ix)
                        .map(|r| (r.value, r.low, r.high))
                        .unwrap_or((f64::NAN, f64::NAN, f64::NAN))
                })
                .collect();
            (k, vals)
        })
        .collect()
}

/// Morris μ* against σ for one metric.
pub(crate) struct MorrisChart {
    metric: String,
    /// (key, μ*, μ* low, μ* high, σ).
    points: Vec<(String, f64, f64, f64, f64)>,
}

impl MorrisChart {
    pub fn new(rows: &[Row], metric: &str) -> MorrisChart {
        let points = factors(rows, "morris", metric, &["mu_star", "sigma"])
            .into_iter()
            .map(|(k, v)| (k, v[0].0, v[0].1, v[0].2, v[1].0))
            .collect();
        MorrisChart { metric: metric.to_string(), points }
    }
}

impl Figure for MorrisChart {
    fn size(&self) -> (u32, u32) {
        (1000, 720)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let body = titled(
            root,
            &format!("Morris screening: {}", crate::labels::metric(&self.metric)),
            "μ*: importance; σ: interactions and non-linearity; lines: 95% bootstrap interval of μ*; \
             μ* under 5% of the largest unlabelled",
        )?;
        let (x0, x1) = padded_range(self.points.iter().flat_map(|p| [p.1, p.2, p.3]), Some(0.0), 0.15);
        let (y0, y1) = padded_range(self.points.iter().map(|p| p.4), Some(0.0), 0.15);
        let fmt = |v: &f64| significant(*v);
        let mut chart =
            xy_chart(&body, (x0, x1), (y0, y1), "μ* (output change per whole range of the factor)", "σ", &fmt)?;
        // σ = μ*: above it, effects change sign or size strongly across the space.
        let m = x1.min(y1);
        chart.draw_series(std::iter::once(PathElement::new(vec![(0.0, 0.0), (m, m)], GREY.stroke_width(1))))?;
        // Labels for the factors that matter (μ* at least 5% of the largest).
        let top = self.points.iter().map(|p| p.1).filter(|v| v.is_finite()).fold(0.0, f64::max);
        for (i, p) in self.points.iter().enumerate() {
            if p.2.is_finite() && p.3.is_finite() {
                chart.draw_series(std::iter::once(PathElement::new(
                    vec![(p.2, p.4), (p.3, p.4)],
                    OI_BLUE.stroke_width(2),
                )))?;
            }
            chart.draw_series(std::iter::once(Circle::new((p.1, p.4), 6, OI_BLUE.filled())))?;
            if !(p.1 >= 0.05 * top && top > 0.0) {
                continue;
            }
            let (px, py) = chart.backend_coord(&(p.1, p.4));
            let right = px < (root.dim_in_pixel().0 as i32) * 2 / 3;
            let (dx, pos) = if right { (10, LEFT_CENTER) } else { (-10, RIGHT_CENTER) };
            let dy = if i % 2 == 0 { -10 } else { 10 };
            root.draw(&Text::new(crate::labels::key(&p.0), (px + dx, py + dy), text_style(14.0, INK, pos)))?;
        }
        Ok(())
    }
}

/// Sobol first-order and total indices for one metric.
pub(crate) struct SobolBars {
    metric: String,
    /// (key, [first (v, lo, hi), total (v, lo, hi)]).
    bars: Vec<FactorValues>,
}

const BAR_ROW: i32 = 56;

impl SobolBars {
    pub fn new(rows: &[Row], metric: &str) -> SobolBars {
        SobolBars { metric: metric.to_string(), bars: factors(rows, "sobol", metric, &["first_order", "total"]) }
    }
}

impl Figure for SobolBars {
    fn size(&self) -> (u32, u32) {
        (1000, (64 + 60 + BAR_ROW * self.bars.len().max(1) as i32 + 80) as u32)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let body = titled(
            root,
            &format!("Sobol indices: {}", crate::labels::metric(&self.metric)),
            "share of the output's variance due to each factor alone (first order) and with its interactions (total); lines: 95% bootstrap intervals",
        )?;
        let (w, _) = body.dim_in_pixel();
        let vals = self.bars.iter().flat_map(|b| b.1.iter().flat_map(|v| [v.0, v.1, v.2]));
        // Indices lie in [0, 1] up to sampling error; the axis shows [-0.2, 1.2] at most and
        // longer bars and intervals are cut at its ends.
        let (lo, hi) = padded_range(vals, Some(0.0), 0.05);
        let (lo, hi) = (if lo < 0.0 { -0.2 } else { 0.0 }, hi.clamp(1.0, 1.2));
        let (x0, x1) = (320, w as i32 - 40);
        let sx = |v: f64| x0 + ((v.clamp(lo, hi) - lo) / (hi - lo) * (x1 - x0) as f64).round() as i32;
        let colours = [OI_BLUE, OI_ORANGE];
        for (i, (key, v)) in self.bars.iter().enumerate() {
            let top = 20 + i as i32 * BAR_ROW;
            body.draw(&Text::new(
                crate::labels::key(key),
                (x0 - 12, top + BAR_ROW / 2),
                text_style(14.0, INK, RIGHT_CENTER),
            ))?;
            for (j, (value, l, h)) in v.iter().enumerate() {
                let y = top + 8 + j as i32 * 22;
                if value.is_finite() {
                    body.draw(&Rectangle::new([(sx(0.0), y), (sx(*value), y + 18)], colours[j].filled()))?;
                }
                if l.is_finite() && h.is_finite() {
                    body.draw(&PathElement::new(vec![(sx(*l), y + 9), (sx(*h), y + 9)], INK.stroke_width(2)))?;
                }
            }
        }
        let axis_y = 20 + BAR_ROW * self.bars.len() as i32 + 6;
        body.draw(&PathElement::new(vec![(x0, axis_y), (x1, axis_y)], MUTED.stroke_width(1)))?;
        let mut t = (lo * 5.0).ceil() / 5.0;
        while t <= hi + 1e-9 {
            body.draw(&PathElement::new(vec![(sx(t), 14), (sx(t), axis_y)], GRID.stroke_width(1)))?;
            body.draw(&Text::new(tick(t), (sx(t), axis_y + 14), text_style(13.0, MUTED, CENTER)))?;
            t += 0.2;
        }
        legend(
            &body,
            (x0, axis_y + 30),
            "",
            &[(Mark::Swatch(colours[0]), "first order".into()), (Mark::Swatch(colours[1]), "total".into())],
        )?;
        Ok(())
    }
}

/// `v` with three significant digits.
fn significant(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return "0".into();
    }
    let digits = (2 - v.abs().log10().floor() as i32).max(0) as usize;
    super::trim(v, digits)
}
