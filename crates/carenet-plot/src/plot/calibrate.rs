//! Plots of a calibration (`carenet calibrate`): each target's simulated
//! values against its observed band ([`TargetRanges`], from `points.csv` and
//! `targets.csv`), and the plausible region's pairwise projections
//! ([`PlausiblePairs`], from `plausible.csv` and the ranges in
//! `calibrate.json`).

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;

use super::charts::{CENTER, Mark, legend, text_style, titled};
use super::data::{Table, num, text};
use super::style::*;
use super::{DrawResult, Figure, PlotError};

/// Per target: id, observed, SD of the band (half-width / 3), the values of all
/// points, of plausible points, and the best point's mean.
pub(crate) struct TargetRanges {
    rows: Vec<TargetRow>,
}

/// id, observed, band SD, every point's mean, the plausible points' means, the best point's mean.
type TargetRow = (String, f64, f64, Vec<f64>, Vec<f64>, f64);

impl TargetRanges {
    /// From `dir`'s targets.csv and points.csv; `None` if either is missing.
    pub fn read(dir: &Path) -> Result<Option<TargetRanges>, PlotError> {
        let (Some(t), Some(p)) = (Table::read(&dir.join("targets.csv"))?, Table::read(&dir.join("points.csv"))?) else {
            return Ok(None);
        };
        let (id, obs, hi, mean) =
            (t.require("target")?, t.require("observed")?, t.require("band_high")?, t.require("simulated_mean")?);
        let (pid, pmean, ppl) = (p.require("target")?, p.require("simulated_mean")?, p.require("plausible")?);
        let rows = t
            .rows
            .iter()
            .map(|r| {
                let name = text(r, Some(id));
                let o = num(r, Some(obs));
                let sd = (num(r, Some(hi)) - o) / 3.0;
                let mine = p.rows.iter().filter(|q| text(q, Some(pid)) == name);
                let all: Vec<f64> = mine.clone().map(|q| num(q, Some(pmean))).collect();
                let good: Vec<f64> =
                    mine.filter(|q| text(q, Some(ppl)) == "true").map(|q| num(q, Some(pmean))).collect();
                (name, o, sd, all, good, num(r, Some(mean)))
            })
            .collect();
        Ok(Some(TargetRanges { rows }))
    }
}

const Z_MAX: f64 = 10.0;

fn z(v: f64, o: f64, sd: f64) -> f64 {
    if sd > 0.0 { ((v - o) / sd).clamp(-Z_MAX, Z_MAX) } else { 0.0 }
}

impl Figure for TargetRanges {
    fn size(&self) -> (u32, u32) {
        (1100, 200 + 48 * self.rows.len() as u32)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let body = titled(
            root,
            "Calibration targets: simulated against observed",
            "x: (simulated − observed) / √(observation variance + discrepancy²), clipped at ±10; shaded: the pass band ±3",
        )?;
        let (plot, side) = body.split_horizontally(body.dim_in_pixel().0 as i32 - 220);
        let n = self.rows.len();
        let mut chart = ChartBuilder::on(&plot)
            .margin(10)
            .x_label_area_size(50)
            .y_label_area_size(180)
            .build_cartesian_2d(-Z_MAX..Z_MAX, -0.5..(n as f64 - 0.5))?;
        let names: Vec<String> = self.rows.iter().map(|r| r.0.clone()).collect();
        let label = move |v: &f64| {
            let i = v.round();
            if (v - i).abs() < 1e-6 && i >= 0.0 {
                names.get(i as usize).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        };
        chart
            .configure_mesh()
            .x_desc("standardised deviation from the observed value")
            .axis_desc_style(text_style(16.0, INK, CENTER))
            .label_style(text_style(14.0, INK, CENTER))
            .y_labels(n.max(1) * 2 + 1)
            .y_label_formatter(&label)
            .x_label_formatter(&|v| super::tick(*v))
            .bold_line_style(GRID.stroke_width(1))
            .light_line_style(TRANSPARENT)
            .axis_style(MUTED.stroke_width(1))
            .draw()?;
        for k in 0..n {
            let y = k as f64;
            chart.draw_series(std::iter::once(Rectangle::new(
                [(-3.0, y - 0.35), (3.0, y + 0.35)],
                OI_SKY.mix(0.25).filled(),
            )))?;
        }
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(0.0, -0.5), (0.0, n as f64 - 0.5)],
            INK.stroke_width(1),
        )))?;
        for (k, (_, o, sd, all, good, best)) in self.rows.iter().enumerate() {
            let y = k as f64;
            chart.draw_series(
                all.iter()
                    .filter(|v| v.is_finite())
                    .map(|v| Circle::new((z(*v, *o, *sd), y - 0.15), 3, GREY.mix(0.6).filled())),
            )?;
            chart.draw_series(
                good.iter()
                    .filter(|v| v.is_finite())
                    .map(|v| Circle::new((z(*v, *o, *sd), y + 0.15), 4, OI_BLUE.filled())),
            )?;
            if best.is_finite() {
                chart.draw_series(std::iter::once(TriangleMarker::new(
                    (z(*best, *o, *sd), y),
                    8,
                    OI_VERMILLION.filled(),
                )))?;
            }
        }
        legend(
            &side,
            (10, 20),
            "",
            &[
                (Mark::Dot(GREY), "every point run".to_string()),
                (Mark::Dot(OI_BLUE), "plausible points".to_string()),
                (Mark::Dot(OI_VERMILLION), "best point".to_string()),
                (Mark::Swatch(OI_SKY), "pass band (±3)".to_string()),
            ],
        )?;
        Ok(())
    }
}

/// The plausible parameter sets, pairwise, each key scaled to its range.
pub(crate) struct PlausiblePairs {
    keys: Vec<String>,
    ranges: Vec<[f64; 2]>,
    /// Per plausible set: the values of the keys.
    sets: Vec<Vec<f64>>,
}

impl PlausiblePairs {
    /// From `dir`'s plausible.csv and calibrate.json; `None` without them or with fewer than two keys.
    pub fn read(dir: &Path) -> Result<Option<PlausiblePairs>, PlotError> {
        let Some(t) = Table::read(&dir.join("plausible.csv"))? else { return Ok(None) };
        let keys: Vec<String> =
            t.header.iter().filter(|h| *h != "wave" && *h != "max_implausibility").cloned().collect();
        if keys.len() < 2 {
            return Ok(None);
        }
        let plan_path = dir.join("calibrate.json");
        let plan: serde_json::Value = match std::fs::read_to_string(&plan_path) {
            Ok(s) => serde_json::from_str(&s)
                .map_err(|e| PlotError::Csv { path: plan_path.clone(), message: e.to_string() })?,
            Err(_) => serde_json::Value::Null,
        };
        let ranges = keys
            .iter()
            .enumerate()
            .map(|(k, key)| {
                let r = plan["ranges"].get(key).and_then(|v| v.as_array());
                match r.map(|a| a.iter().filter_map(|x| x.as_f64()).collect::<Vec<_>>()) {
                    Some(v) if v.len() == 2 && v[0] < v[1] => [v[0], v[1]],
                    _ => {
                        let col: Vec<f64> = t.rows.iter().map(|r| num(r, Some(k))).collect();
                        let (lo, hi) = super::padded_range(col, None, 0.05);
                        [lo, hi]
                    }
                }
            })
            .collect();
        let sets = t.rows.iter().map(|r| (0..keys.len()).map(|k| num(r, Some(k))).collect()).collect();
        Ok(Some(PlausiblePairs { keys, ranges, sets }))
    }
}

impl Figure for PlausiblePairs {
    fn size(&self) -> (u32, u32) {
        let k = self.keys.len() as u32;
        (160 * k + 80, 160 * k + 140)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let body = titled(
            root,
            &format!("Plausible region: {} parameter sets, pairwise", self.sets.len()),
            "each panel: two varied keys over their whole ranges (row key up, column key across)",
        )?;
        let k = self.keys.len();
        let body = body.margin(10, 10, 40, 10);
        let cells = body.split_evenly((k, k));
        for (idx, cell) in cells.iter().enumerate() {
            let (i, j) = (idx / k, idx % k);
            let short = |key: &str| key.rsplit('.').next().unwrap_or(key).to_string();
            if i == j {
                cell.draw(&Rectangle::new([(2, 2), (150, 150)], GRID.stroke_width(1)))?;
                cell.draw(&Text::new(short(&self.keys[i]), (76, 66), text_style(13.0, INK, CENTER)))?;
                let [lo, hi] = self.ranges[i];
                let span = format!("{} – {}", super::tick(lo), super::tick(hi));
                cell.draw(&Text::new(span, (76, 90), text_style(12.0, MUTED, CENTER)))?;
                continue;
            }
            if j > i {
                continue;
            }
            let unit = |v: f64, r: [f64; 2]| (v - r[0]) / (r[1] - r[0]);
            let mut chart = ChartBuilder::on(cell).margin(4).build_cartesian_2d(0.0..1.0, 0.0..1.0)?;
            chart.plotting_area().draw(&Rectangle::new([(0.0, 0.0), (1.0, 1.0)], MUTED.stroke_width(1)))?;
            chart.draw_series(self.sets.iter().map(|s| {
                Circle::new((unit(s[j], self.ranges[j]), unit(s[i], self.ranges[i])), 3, OI_BLUE.mix(0.7).filled())
            }))?;
        }
        Ok(())
    }
}
