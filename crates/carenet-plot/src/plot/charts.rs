//! The plots of a run: time series with 95% bands ([`Timeseries`]), grade shares over time
//! ([`GradeShares`]) and hours delivered by source ([`HoursBySource`]); and the drawing helpers
//! the other plots share (titles, legends, text styles).

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::data::{Band, GradeShares as GradeRow, SummaryEntry};
use super::style::*;
use super::{DrawResult, FONT, Figure, padded_range, tick};

/// A text style of `size` pixels in `colour`, anchored at `pos`.
pub(crate) fn text_style(size: f64, colour: RGBColor, pos: Pos) -> TextStyle<'static> {
    TextStyle { font: (FONT, size).into_font(), color: colour.to_backend_color(), pos }
}

pub(crate) const LEFT_TOP: Pos = Pos { h_pos: HPos::Left, v_pos: VPos::Top };
pub(crate) const LEFT_CENTER: Pos = Pos { h_pos: HPos::Left, v_pos: VPos::Center };
pub(crate) const RIGHT_CENTER: Pos = Pos { h_pos: HPos::Right, v_pos: VPos::Center };
pub(crate) const CENTER_TOP: Pos = Pos { h_pos: HPos::Center, v_pos: VPos::Top };
pub(crate) const CENTER_BOTTOM: Pos = Pos { h_pos: HPos::Center, v_pos: VPos::Bottom };
pub(crate) const CENTER: Pos = Pos { h_pos: HPos::Center, v_pos: VPos::Center };

/// Height of the title block drawn by [`titled`].
pub(crate) const TITLE_HEIGHT: i32 = 64;

/// Draws a title and a muted subtitle at the top left of `root` and returns the area below.
/// A chart with two continuous axes.
pub(crate) type XyChart<'a, DB> =
    ChartContext<'a, DB, Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>>;

/// A plain x–y chart in the house style (margins, grid, axis titles, tick
/// labels through `fmt`), with its mesh already drawn.
pub(crate) fn xy_chart<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    (x0, x1): (f64, f64),
    (y0, y1): (f64, f64),
    x_desc: &str,
    y_desc: &str,
    fmt: &dyn Fn(&f64) -> String,
) -> Result<XyChart<'a, DB>, DrawingAreaErrorKind<DB::ErrorType>> {
    let mut chart = ChartBuilder::on(area)
        .margin_left(16)
        .margin_right(40)
        .margin_top(10)
        .margin_bottom(10)
        .x_label_area_size(56)
        .y_label_area_size(90)
        .build_cartesian_2d(x0..x1, y0..y1)?;
    chart
        .configure_mesh()
        .x_desc(x_desc)
        .y_desc(y_desc)
        .axis_desc_style(text_style(16.0, INK, CENTER))
        .label_style(text_style(14.0, INK, CENTER))
        .x_label_formatter(fmt)
        .y_label_formatter(fmt)
        .bold_line_style(GRID.stroke_width(1))
        .light_line_style(TRANSPARENT)
        .axis_style(MUTED.stroke_width(1))
        .draw()?;
    Ok(chart)
}

pub(crate) fn titled<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    subtitle: &str,
) -> Result<DrawingArea<DB, Shift>, DrawingAreaErrorKind<DB::ErrorType>> {
    root.draw(&Text::new(title.to_string(), (20, 12), text_style(22.0, INK, LEFT_TOP)))?;
    root.draw(&Text::new(subtitle.to_string(), (20, 40), text_style(15.0, MUTED, LEFT_TOP)))?;
    Ok(root.margin(TITLE_HEIGHT, 0, 0, 0))
}

/// How a legend entry is marked.
#[derive(Clone, Copy)]
pub(crate) enum Mark {
    Line(RGBColor),
    Dashed(RGBColor),
    Swatch(RGBColor),
    Dot(RGBColor),
}

/// Draws a vertical legend with its top left corner at `(x, y)` of `area`; returns the y below it.
pub(crate) fn legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    (x, y): (i32, i32),
    heading: &str,
    entries: &[(Mark, String)],
) -> Result<i32, DrawingAreaErrorKind<DB::ErrorType>> {
    let mut y = y;
    if !heading.is_empty() {
        area.draw(&Text::new(heading.to_string(), (x, y), text_style(15.0, MUTED, LEFT_TOP)))?;
        y += 26;
    }
    for (mark, label) in entries {
        let cy = y + 9;
        match *mark {
            Mark::Line(c) => area.draw(&PathElement::new(vec![(x, cy), (x + 26, cy)], c.stroke_width(3)))?,
            Mark::Dashed(c) => {
                area.draw(&PathElement::new(vec![(x, cy), (x + 10, cy)], c.stroke_width(3)))?;
                area.draw(&PathElement::new(vec![(x + 16, cy), (x + 26, cy)], c.stroke_width(3)))?;
            }
            Mark::Swatch(c) => area.draw(&Rectangle::new([(x + 3, cy - 8), (x + 23, cy + 8)], c.filled()))?,
            Mark::Dot(c) => area.draw(&Circle::new((x + 13, cy), 6, c.filled()))?,
        }
        area.draw(&Text::new(label.clone(), (x + 34, cy), text_style(15.0, INK, LEFT_CENTER)))?;
        y += 26;
    }
    Ok(y)
}

/// A metric drawn as a time series.
pub(crate) struct SeriesMetric {
    pub name: &'static str,
    pub title: &'static str,
    pub y_desc: &'static str,
    /// Ticks as percentages (the metric is a share in [0, 1]).
    pub percent: bool,
}

/// The metrics drawn as time series, in order.
pub(crate) const TIMESERIES_METRICS: &[SeriesMetric] = &[
    SeriesMetric {
        name: "isolation_rate",
        title: "Isolation: elders with no social contact in the last 4 weeks",
        y_desc: "share of live elders (%)",
        percent: true,
    },
    SeriesMetric {
        name: "unmet_help_rate",
        title: "Unmet help: requested help hours not delivered",
        y_desc: "share of requested hours (%)",
        percent: true,
    },
    SeriesMetric {
        name: "loneliness_mean",
        title: "Loneliness: mean score of live elders",
        y_desc: "mean loneliness (0–1 scale)",
        percent: false,
    },
    SeriesMetric {
        name: "grade1_underserved_rate",
        title: "Underserved grade-1 elders: more than half of their need unmet",
        y_desc: "share of grade-1 elders with a need (%)",
        percent: true,
    },
];

/// The time axis of a run: weeks for runs shorter than two years, else years.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct TimeAxis {
    /// Axis units per week (1 or 1/52).
    pub per_week: f64,
    pub lo: f64,
    pub hi: f64,
    pub desc: &'static str,
}

impl TimeAxis {
    /// The axis spanning the weeks `weeks` (from the first drawn week: a week before it, such as
    /// a burn-in, is never drawn).
    pub fn new(weeks: impl IntoIterator<Item = u32>) -> TimeAxis {
        let (mut first, mut last) = (u32::MAX, 0u32);
        for w in weeks {
            first = first.min(w);
            last = last.max(w);
        }
        if first > last {
            (first, last) = (0, 1);
        }
        let last = last.max(first + 1);
        if last - first + 1 >= 104 {
            let per_week = 1.0 / 52.0;
            // The axis ends at the end of the last week: whole years for whole-year runs.
            let hi = (last + 1) as f64 * per_week;
            TimeAxis { per_week, lo: first as f64 * per_week, hi, desc: "years since the start" }
        } else {
            TimeAxis { per_week: 1.0, lo: first as f64, hi: last as f64, desc: "week of the run" }
        }
    }

    /// How many tick labels to ask for: every half year (at most a dozen), else plotters' choice.
    pub fn labels(&self) -> usize {
        if self.per_week < 1.0 { ((self.hi - self.lo) * 2.0).round().clamp(2.0, 12.0) as usize + 1 } else { 10 }
    }

    /// The axis position of `week`.
    pub fn x(&self, week: u32) -> f64 {
        week as f64 * self.per_week
    }
}

/// Formats a share as a percentage tick.
fn percent_tick(v: f64) -> String {
    format!("{}%", super::trim(v * 100.0, 1))
}

/// Width of the legend column at the right of the time series plots.
const LEGEND_WIDTH: i32 = 240;

/// A metric over time, one line per community type (and `all`, dashed), with 95% bands.
pub(crate) struct Timeseries<'a> {
    pub metric: &'a SeriesMetric,
    pub bands: &'a [Band],
}

impl Figure for Timeseries<'_> {
    fn size(&self) -> (u32, u32) {
        (1100, 580)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let reps = self.bands.iter().flat_map(|b| &b.points).map(|p| p.n).max().unwrap_or(0);
        let subtitle = format!(
            "mean of {reps} replication{} by week; shaded: 95% interval across replications",
            if reps == 1 { "" } else { "s" }
        );
        let body = titled(root, self.metric.title, &subtitle)?;
        let (w, _) = body.dim_in_pixel();
        let (plot, side) = body.split_horizontally(w as i32 - LEGEND_WIDTH);

        let axis = TimeAxis::new(self.bands.iter().flat_map(|b| &b.points).map(|p| p.week));
        let values = self.bands.iter().flat_map(|b| &b.points).flat_map(|p| [p.mean, p.low, p.high]);
        let (mut y0, y1) = padded_range(values, None, 0.05);
        // Shares and scores that cannot be negative are drawn from zero: a cut axis would make a
        // small change look large.
        let all_nonneg = self.bands.iter().flat_map(|b| &b.points).all(|p| p.mean.is_nan() || p.mean >= 0.0);
        if all_nonneg {
            y0 = 0.0;
        }
        let mut chart = ChartBuilder::on(&plot)
            .margin_left(10)
            .margin_right(20)
            .margin_top(10)
            .margin_bottom(10)
            .x_label_area_size(50)
            .y_label_area_size(80)
            .build_cartesian_2d(axis.lo..axis.hi, y0..y1)?;
        let percent = self.metric.percent;
        let y_fmt = move |v: &f64| if percent { percent_tick(*v) } else { tick(*v) };
        let x_fmt = |v: &f64| tick(*v);
        chart
            .configure_mesh()
            .x_desc(axis.desc)
            .x_labels(axis.labels())
            .y_desc(self.metric.y_desc)
            .axis_desc_style(text_style(16.0, INK, CENTER))
            .label_style(text_style(14.0, INK, CENTER))
            .x_label_formatter(&x_fmt)
            .y_label_formatter(&y_fmt)
            .bold_line_style(GRID.stroke_width(1))
            .light_line_style(TRANSPARENT)
            .axis_style(MUTED.stroke_width(1))
            .draw()?;

        for band in self.bands {
            let c = group_colour(&band.group);
            // Bands: one polygon per run of weeks with a defined interval.
            let mut run: Vec<&super::data::BandPoint> = Vec::new();
            let mut flush = |run: &mut Vec<&super::data::BandPoint>| -> DrawResult<DB> {
                if run.len() >= 2 {
                    let mut pts: Vec<(f64, f64)> = run.iter().map(|p| (axis.x(p.week), p.high)).collect();
                    pts.extend(run.iter().rev().map(|p| (axis.x(p.week), p.low)));
                    chart.draw_series(std::iter::once(Polygon::new(pts, c.mix(0.16).filled())))?;
                }
                run.clear();
                Ok(())
            };
            for p in &band.points {
                if p.low.is_finite() && p.high.is_finite() {
                    run.push(p);
                } else {
                    flush(&mut run)?;
                }
            }
            flush(&mut run)?;
        }
        for band in self.bands {
            let c = group_colour(&band.group);
            let pts = band.points.iter().filter(|p| p.mean.is_finite()).map(|p| (axis.x(p.week), p.mean));
            if band.group == "all" {
                chart.draw_series(DashedLineSeries::new(pts, 10, 6, c.stroke_width(2)))?;
            } else {
                chart.draw_series(LineSeries::new(pts, c.stroke_width(2)))?;
            }
        }

        let entries: Vec<(Mark, String)> = self
            .bands
            .iter()
            .map(|b| {
                let c = group_colour(&b.group);
                let mark = if b.group == "all" { Mark::Dashed(c) } else { Mark::Line(c) };
                (mark, group_label(&b.group))
            })
            .collect();
        legend(&side, (10, 20), "community type", &entries)?;
        Ok(())
    }
}

/// Readable description of each grade, for legends.
pub(crate) const GRADE_LABELS: [&str; 3] =
    ["grade 1: disabled or very lonely", "grade 2: alone or lonely", "grade 3: capable"];

/// Shares of the study's grades over time, stacked (all communities, mean across replications).
pub(crate) struct GradeShares<'a> {
    pub rows: &'a [GradeRow],
}

impl Figure for GradeShares<'_> {
    fn size(&self) -> (u32, u32) {
        (1100, 560)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let body = titled(
            root,
            "Grades over time: the study's three levels of need",
            "all communities, mean across replications; grade 1 needs the most care",
        )?;
        let (w, _) = body.dim_in_pixel();
        let (plot, side) = body.split_horizontally(w as i32 - 290);
        let axis = TimeAxis::new(self.rows.iter().map(|r| r.week));
        let y_max = self.rows.iter().map(|r| r.shares.iter().sum::<f64>()).fold(1.0f64, f64::max);
        let mut chart = ChartBuilder::on(&plot)
            .margin_left(10)
            .margin_right(20)
            .margin_top(10)
            .margin_bottom(10)
            .x_label_area_size(50)
            .y_label_area_size(80)
            .build_cartesian_2d(axis.lo..axis.hi, 0f64..y_max)?;
        let y_fmt = |v: &f64| percent_tick(*v);
        let x_fmt = |v: &f64| tick(*v);
        chart
            .configure_mesh()
            .x_desc(axis.desc)
            .x_labels(axis.labels())
            .y_desc("share of live elders (%)")
            .axis_desc_style(text_style(16.0, INK, CENTER))
            .label_style(text_style(14.0, INK, CENTER))
            .x_label_formatter(&x_fmt)
            .y_label_formatter(&y_fmt)
            .bold_line_style(GRID.stroke_width(1))
            .light_line_style(TRANSPARENT)
            .axis_style(MUTED.stroke_width(1))
            .draw()?;
        for g in 0..3 {
            let lower = |r: &GradeRow| r.shares[..g].iter().sum::<f64>();
            let upper = |r: &GradeRow| r.shares[..=g].iter().sum::<f64>();
            let mut pts: Vec<(f64, f64)> = self.rows.iter().map(|r| (axis.x(r.week), upper(r))).collect();
            pts.extend(self.rows.iter().rev().map(|r| (axis.x(r.week), lower(r))));
            let c = grade_colour(g as u8 + 1);
            chart.draw_series(std::iter::once(Polygon::new(pts, c.mix(0.85).filled())))?;
        }
        // The last week's shares, labelled inside each layer (backend coordinates: drawn on `root`).
        if let Some(last) = self.rows.last() {
            let mut base = 0.0;
            for g in 0..3 {
                let s = last.shares[g];
                if s > 0.06 {
                    let (px, py) = chart.backend_coord(&(axis.x(last.week), base + s / 2.0));
                    let label = format!("{}%", super::trim(s * 100.0, 0));
                    root.draw(&Text::new(label, (px - 8, py), text_style(15.0, INK, RIGHT_CENTER)))?;
                }
                base += s;
            }
        }
        let entries: Vec<(Mark, String)> =
            (0..3).rev().map(|g| (Mark::Swatch(grade_colour(g as u8 + 1)), GRADE_LABELS[g].to_string())).collect();
        legend(&side, (10, 20), "grade", &entries)?;
        Ok(())
    }
}

/// The hour metrics of summary.csv, in stacking order (bottom first), with their labels.
pub(crate) const HOUR_SOURCES: [(&str, &str, RGBColor); 8] = [
    ("family_hours", "family", OI_BLUE),
    ("paid_hours", "paid services", OI_ORANGE),
    ("mutual_aid_hours", "neighbours (mutual aid)", OI_GREEN),
    ("student_hours", "student volunteers", OI_SKY),
    ("party_member_hours", "party-member volunteers", OI_PURPLE),
    ("social_worker_hours", "social workers", OI_VERMILLION),
    ("activity_hours", "activities", OI_YELLOW),
    ("counselling_hours", "counselling", GREY),
];

/// Hours delivered per elder-week by source, one stacked bar per community type (and `all`).
pub(crate) struct HoursBySource {
    pub package: String,
    /// Groups (community types, then `all`) and the mean hours of each source, in
    /// [`HOUR_SOURCES`] order (NaN when absent).
    pub groups: Vec<(String, [f64; 8])>,
}

impl HoursBySource {
    /// From summary.csv: the `baseline` package if present, else the first.
    pub fn from_summary(rows: &[SummaryEntry]) -> HoursBySource {
        let package = if rows.iter().any(|r| r.package == "baseline") {
            "baseline".to_string()
        } else {
            rows.first().map(|r| r.package.clone()).unwrap_or_default()
        };
        let mut groups: Vec<(String, [f64; 8])> = Vec::new();
        for r in rows.iter().filter(|r| r.package == package && r.group != "gap_between_types") {
            let Some(s) = HOUR_SOURCES.iter().position(|(m, _, _)| *m == r.metric) else { continue };
            let g = match groups.iter().position(|(g, _)| *g == r.group) {
                Some(g) => g,
                None => {
                    groups.push((r.group.clone(), [f64::NAN; 8]));
                    groups.len() - 1
                }
            };
            groups[g].1[s] = r.mean;
        }
        groups.sort_by_key(|(g, _)| g == "all");
        HoursBySource { package, groups }
    }
}

impl HoursBySource {
    /// One panel of stacked bars of the sources `from..` of [`HOUR_SOURCES`].
    fn panel<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        area: &DrawingArea<DB, Shift>,
        from: usize,
        caption: &str,
    ) -> DrawResult<DB> {
        let total = |v: &[f64; 8]| v[from..].iter().filter(|x| x.is_finite() && **x > 0.0).sum::<f64>();
        let y_max = self.groups.iter().map(|(_, v)| total(v)).fold(0.0f64, f64::max).max(1e-9) * 1.12;
        let n = self.groups.len() as f64;
        let mut chart = ChartBuilder::on(area)
            .caption(caption, text_style(16.0, INK, CENTER))
            .margin_left(10)
            .margin_right(20)
            .margin_top(6)
            .margin_bottom(10)
            .x_label_area_size(60)
            .y_label_area_size(70)
            .build_cartesian_2d(0f64..n, 0f64..y_max)?;
        let y_fmt = |v: &f64| tick(*v);
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(0)
            .y_desc("hours per elder-week")
            .axis_desc_style(text_style(15.0, INK, CENTER))
            .label_style(text_style(14.0, INK, CENTER))
            .y_label_formatter(&y_fmt)
            .bold_line_style(GRID.stroke_width(1))
            .light_line_style(TRANSPARENT)
            .axis_style(MUTED.stroke_width(1))
            .draw()?;
        for (i, (group, vals)) in self.groups.iter().enumerate() {
            let (x0, x1) = (i as f64 + 0.2, i as f64 + 0.8);
            let mut base = 0.0;
            for (s, (_, _, c)) in HOUR_SOURCES.iter().enumerate().skip(from) {
                let v = vals[s];
                if !(v.is_finite() && v > 0.0) {
                    continue;
                }
                chart.draw_series(std::iter::once(Rectangle::new([(x0, base), (x1, base + v)], c.filled())))?;
                base += v;
            }
            // Backend coordinates: drawn on `root`.
            let (px, py) = chart.backend_coord(&(i as f64 + 0.5, base));
            root.draw(&Text::new(
                format!("{} h", super::trim(base, 2)),
                (px, py - 6),
                text_style(14.0, INK, CENTER_BOTTOM),
            ))?;
            let (px, py) = chart.backend_coord(&(i as f64 + 0.5, 0.0));
            let words = group_label(group);
            // Two lines when long, so that four bars fit side by side.
            let lines: Vec<String> = if words.len() <= 10 {
                vec![words]
            } else if let Some((a, b)) = words.split_once(' ') {
                vec![a.to_string(), b.to_string()]
            } else if let Some(i) = words.rfind('-') {
                vec![words[..=i].to_string(), words[i + 1..].to_string()]
            } else {
                vec![words]
            };
            for (k, line) in lines.into_iter().enumerate() {
                root.draw(&Text::new(line, (px, py + 8 + 18 * k as i32), text_style(14.0, INK, CENTER_TOP)))?;
            }
        }
        Ok(())
    }
}

impl Figure for HoursBySource {
    fn size(&self) -> (u32, u32) {
        (1200, 600)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let subtitle = if self.package == "baseline" || self.package.is_empty() {
            "hours delivered per elder-week by source, mean over the summary window".to_string()
        } else {
            format!(
                "package: {}; hours delivered per elder-week, mean over the summary window",
                crate::labels::package(&self.package)
            )
        };
        let body = titled(root, "Who delivers care: hours by source", &subtitle)?;
        let (w, _) = body.dim_in_pixel();
        let (plots, side) = body.split_horizontally(w as i32 - 260);
        let (left, right) = plots.split_horizontally(((w as i32 - 260) * 9) / 20);
        self.panel(root, &left, 0, "all sources")?;
        self.panel(root, &right, 1, "besides family (rescaled)")?;
        let entries: Vec<(Mark, String)> =
            HOUR_SOURCES.iter().rev().map(|(_, label, c)| (Mark::Swatch(*c), label.to_string())).collect();
        legend(&side, (10, 20), "source (top to bottom)", &entries)?;
        Ok(())
    }
}
