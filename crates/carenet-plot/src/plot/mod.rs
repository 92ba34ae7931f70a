//! Plots of an output directory, drawn with plotters as SVG and PNG.
//!
//! [`plot_dir`] reads whatever a command wrote into a directory and writes every plot it can
//! draw from it into `DIR/plots/`, each as `NAME.svg` and `NAME.png`:
//!
//! | plot | drawn from | when |
//! |---|---|---|
//! | `timeseries_<metric>` | `timeseries_types.csv` | always (a run) |
//! | `grade_shares` | `timeseries_types.csv` | always (a run) |
//! | `hours_by_source` | `summary.csv` | always (a run) |
//! | `networks` | `network_nodes.csv`, `network_edges.csv` | always (a run) |
//! | `compare_forest`, `compare_ce_plane` | `compare.csv` | a comparison |
//! | `claims` | `claims.csv` | a reproduction |
//! | `morris_<metric>`, `sobol_<metric>` | `sensitivity.csv` | a sensitivity analysis |
//! | `calibration_targets` | `targets.csv`, `points.csv` | a calibration |
//! | `calibration_plausible` | `plausible.csv`, `calibrate.json` | a calibration with two or more keys and a plausible set |
//!
//! Principal types: [`PlotError`] (every failure, with the file it concerns), [`data`] (the
//! tolerant CSV readers, also used by [`crate::report`]), [`layout`] (the deterministic
//! force-directed layout of the network pictures). The same input gives byte-identical files.
//!
//! Text is drawn with DejaVu Sans, embedded in the binary (`assets/fonts/`), so no system font
//! is needed; SVG text names the generic `sans-serif` family and is rendered by the viewer.
//!
//! ```no_run
//! let written = carenet_plot::plot::plot_dir(std::path::Path::new("output/small"))?;
//! println!("{} files", written.len());
//! # Ok::<(), carenet_plot::plot::PlotError>(())
//! ```

mod calibrate;
mod charts;
mod compare;
pub mod data;
pub mod layout;
mod network;
mod sensitivity;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use plotters::coord::Shift;
use plotters::prelude::*;

use carenet_io::output::write_atomic;

/// Why plotting failed.
#[derive(Debug, thiserror::Error)]
pub enum PlotError {
    /// The directory does not exist or is not a directory.
    #[error("{}: not a directory", .0.display())]
    NotADirectory(PathBuf),
    /// None of the files a plot is drawn from is in the directory.
    #[error(
        "{}: nothing to plot (expected timeseries_types.csv, summary.csv, network_nodes.csv, compare.csv or claims.csv)",
        .0.display()
    )]
    NothingToPlot(PathBuf),
    /// A file could not be read.
    #[error("reading {}: {source}", path.display())]
    Read { path: PathBuf, source: std::io::Error },
    /// A CSV file is malformed or lacks a column a plot needs.
    #[error("{}: {message}", path.display())]
    Csv { path: PathBuf, message: String },
    /// plotters failed while drawing.
    #[error("drawing {plot}: {message}")]
    Draw { plot: String, message: String },
    /// A file could not be written.
    #[error("writing {}: {source}", path.display())]
    Write { path: PathBuf, source: std::io::Error },
    /// The embedded font could not be loaded.
    #[error("the embedded font assets/fonts/DejaVuSans.ttf is not a valid font")]
    Font,
}

/// The font family every plot uses (registered with plotters' ab_glyph text renderer; SVG
/// viewers map it to their own sans-serif face).
pub(crate) const FONT: &str = "sans-serif";

/// The family name inside the embedded font file.
const FONT_NAME: &str = "DejaVu Sans";

static DEJAVU_SANS: &[u8] = include_bytes!("../../../../assets/fonts/DejaVuSans.ttf");

/// Registers the embedded font once per process.
fn ensure_font() -> Result<(), PlotError> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let ok = *REGISTERED.get_or_init(|| plotters::style::register_font(FONT, FontStyle::Normal, DEJAVU_SANS).is_ok());
    if ok { Ok(()) } else { Err(PlotError::Font) }
}

/// The plots subdirectory of an output directory.
pub fn plots_dir(dir: &Path) -> PathBuf {
    dir.join("plots")
}

/// Draws every plot the files in `dir` allow into `dir/plots/` (SVG and PNG) and returns the
/// paths written, in a fixed order. Fails if `dir` holds none of the input files.
pub fn plot_dir(dir: &Path) -> Result<Vec<PathBuf>, PlotError> {
    if !dir.is_dir() {
        return Err(PlotError::NotADirectory(dir.to_path_buf()));
    }
    ensure_font()?;
    let out = plots_dir(dir);
    let mut written = Vec::new();
    let mut any_input = false;

    if let Some(table) = data::Table::read(&dir.join("timeseries_types.csv"))? {
        any_input = true;
        for metric in charts::TIMESERIES_METRICS {
            if let Some(bands) = data::timeseries_bands(&table, metric.name) {
                let fig = charts::Timeseries { metric, bands: &bands };
                written.extend(render(&out, &format!("timeseries_{}", metric.name), &fig)?);
            }
        }
        let shares = data::grade_shares(&table);
        if !shares.is_empty() {
            written.extend(render(&out, "grade_shares", &charts::GradeShares { rows: &shares })?);
        }
    }
    if let Some(rows) = data::read_summary(&dir.join("summary.csv"))? {
        any_input = true;
        let hours = charts::HoursBySource::from_summary(&rows);
        if !hours.groups.is_empty() {
            written.extend(render(&out, "hours_by_source", &hours)?);
        }
    }
    if let Some(nets) = data::read_networks(&dir.join("network_nodes.csv"), &dir.join("network_edges.csv"))? {
        any_input = true;
        if !nets.is_empty() {
            let fig = network::Networks::new(&nets);
            written.extend(render(&out, "networks", &fig)?);
        }
    }
    if let Some(rows) = data::read_compare(&dir.join("compare.csv"))? {
        any_input = true;
        let forest = compare::Forest::new(&rows);
        if !forest.panels.is_empty() {
            written.extend(render(&out, "compare_forest", &forest)?);
        }
        if let Some(plane) = compare::CostEffectPlane::new(&rows) {
            written.extend(render(&out, "compare_ce_plane", &plane)?);
        }
    }
    if let Some(rows) = data::read_claims(&dir.join("claims.csv"))? {
        any_input = true;
        let rows: Vec<data::ClaimRow> = rows.into_iter().filter(|r| r.is_claim()).collect();
        if !rows.is_empty() {
            written.extend(render(&out, "claims", &compare::Claims { rows: &rows })?);
        }
    }
    if let Some(rows) = sensitivity::read(&dir.join("sensitivity.csv"))? {
        any_input = true;
        for metric in sensitivity::metrics(&rows, "morris") {
            let fig = sensitivity::MorrisChart::new(&rows, &metric);
            written.extend(render(&out, &format!("morris_{metric}"), &fig)?);
        }
        for metric in sensitivity::metrics(&rows, "sobol") {
            let fig = sensitivity::SobolBars::new(&rows, &metric);
            written.extend(render(&out, &format!("sobol_{metric}"), &fig)?);
        }
    }
    if let Some(fig) = calibrate::TargetRanges::read(dir)? {
        any_input = true;
        written.extend(render(&out, "calibration_targets", &fig)?);
    }
    if let Some(fig) = calibrate::PlausiblePairs::read(dir)? {
        any_input = true;
        written.extend(render(&out, "calibration_plausible", &fig)?);
    }
    if !any_input {
        return Err(PlotError::NothingToPlot(dir.to_path_buf()));
    }
    Ok(written)
}

/// The result of drawing on a backend.
pub(crate) type DrawResult<DB> = Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

/// A plot that can be drawn on any plotters backend.
pub(crate) trait Figure {
    /// Size in pixels (PNG) and user units (SVG).
    fn size(&self) -> (u32, u32);
    /// Draws the whole figure on `root` (already filled white).
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB>;
}

/// Draws `fig` as `dir/NAME.svg` and `dir/NAME.png`.
fn render(dir: &Path, name: &str, fig: &impl Figure) -> Result<[PathBuf; 2], PlotError> {
    let (w, h) = fig.size();
    let draw_err = |message: String| PlotError::Draw { plot: name.to_string(), message };

    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (w, h)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| draw_err(e.to_string()))?;
        fig.draw(&root).map_err(|e| draw_err(e.to_string()))?;
        root.present().map_err(|e| draw_err(e.to_string()))?;
    }
    let rgb = rasterize(&svg, w, h).map_err(draw_err)?;

    let svg_path = dir.join(format!("{name}.svg"));
    write_atomic(&svg_path, |f| f.write_all(svg.as_bytes()))
        .map_err(|source| PlotError::Write { path: svg_path.clone(), source })?;
    let png_path = dir.join(format!("{name}.png"));
    write_atomic(&png_path, |f| {
        let mut enc = png::Encoder::new(f, w, h);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        let mut writer = enc.write_header().map_err(std::io::Error::other)?;
        writer.write_image_data(&rgb).map_err(std::io::Error::other)?;
        writer.finish().map_err(std::io::Error::other)
    })
    .map_err(|source| PlotError::Write { path: png_path.clone(), source })?;
    Ok([svg_path, png_path])
}

/// The options of the SVG renderer: the embedded font as the only font, standing for every
/// generic family, so a PNG looks the same on every machine.
fn svg_options() -> &'static resvg::usvg::Options<'static> {
    static OPTIONS: OnceLock<resvg::usvg::Options<'static>> = OnceLock::new();
    OPTIONS.get_or_init(|| {
        let mut opt = resvg::usvg::Options { font_family: FONT_NAME.to_string(), ..Default::default() };
        let db = opt.fontdb_mut();
        db.load_font_data(DEJAVU_SANS.to_vec());
        db.set_sans_serif_family(FONT_NAME);
        db.set_serif_family(FONT_NAME);
        db.set_monospace_family(FONT_NAME);
        opt
    })
}

/// Renders an SVG document of `w` × `h` pixels with resvg (text shaped with the embedded font)
/// on white, as 8-bit RGB rows.
pub(crate) fn rasterize(svg: &str, w: u32, h: u32) -> Result<Vec<u8>, String> {
    let tree = resvg::usvg::Tree::from_str(svg, svg_options()).map_err(|e| format!("reading the SVG: {e}"))?;
    let mut pixmap = resvg::tiny_skia::Pixmap::new(w, h).ok_or_else(|| format!("no {w}×{h} image"))?;
    pixmap.fill(resvg::tiny_skia::Color::WHITE);
    let size = tree.size();
    let scale = resvg::tiny_skia::Transform::from_scale(w as f32 / size.width(), h as f32 / size.height());
    resvg::render(&tree, scale, &mut pixmap.as_mut());
    // Opaque (drawn on white): premultiplied RGBA is plain RGBA; drop the alpha.
    Ok(pixmap.data().chunks_exact(4).flat_map(|p| [p[0], p[1], p[2]]).collect())
}

/// Colours and labels shared by the plots (Okabe–Ito palette: distinguishable with colour
/// blindness).
pub(crate) mod style {
    use plotters::style::RGBColor;

    pub const OI_BLUE: RGBColor = RGBColor(0x00, 0x72, 0xB2);
    pub const OI_ORANGE: RGBColor = RGBColor(0xE6, 0x9F, 0x00);
    pub const OI_GREEN: RGBColor = RGBColor(0x00, 0x9E, 0x73);
    pub const OI_VERMILLION: RGBColor = RGBColor(0xD5, 0x5E, 0x00);
    pub const OI_SKY: RGBColor = RGBColor(0x56, 0xB4, 0xE9);
    pub const OI_PURPLE: RGBColor = RGBColor(0xCC, 0x79, 0xA7);
    pub const OI_YELLOW: RGBColor = RGBColor(0xF0, 0xE4, 0x42);
    pub const GRADE1_RED: RGBColor = RGBColor(0xB2, 0x18, 0x2B);
    pub const GREY: RGBColor = RGBColor(0x88, 0x88, 0x88);
    pub const INK: RGBColor = RGBColor(0x22, 0x22, 0x22);
    pub const MUTED: RGBColor = RGBColor(0x66, 0x66, 0x66);
    pub const GRID: RGBColor = RGBColor(0xE4, 0xE4, 0xE4);

    /// Colour of a community type (or `all`); unknown names are grey.
    pub fn group_colour(group: &str) -> RGBColor {
        match group {
            "commercial_estate" => OI_BLUE,
            "village" => OI_GREEN,
            "village_to_residence" => OI_ORANGE,
            "all" => INK,
            _ => GREY,
        }
    }

    /// Readable name of a community type (or `all`).
    pub fn group_label(group: &str) -> String {
        match group {
            "commercial_estate" => "commercial estate".into(),
            "village" => "village".into(),
            "village_to_residence" => "village-to-residence".into(),
            "all" => "all communities".into(),
            "gap_between_types" => "gap between types".into(),
            other => other.replace('_', " "),
        }
    }

    /// Colour of the study's grade (1 = most in need).
    pub fn grade_colour(grade: u8) -> RGBColor {
        match grade {
            1 => GRADE1_RED,
            2 => OI_ORANGE,
            _ => OI_SKY,
        }
    }

    /// Colour of a claim's verdict.
    pub fn verdict_colour(verdict: &str) -> RGBColor {
        match verdict {
            "supported" => OI_GREEN,
            "contradicted" => OI_VERMILLION,
            "negligible" => OI_BLUE,
            _ => GREY,
        }
    }
}

/// Formats a tick value compactly (no trailing zeros, thousands as `k`/`M`).
pub(crate) fn tick(v: f64) -> String {
    let a = v.abs();
    if a >= 1e6 {
        format!("{}M", trim(v / 1e6, 1))
    } else if a >= 1e3 {
        format!("{}k", trim(v / 1e3, 1))
    } else if a >= 100.0 {
        format!("{v:.0}")
    } else if a >= 1.0 {
        trim(v, 2)
    } else {
        trim(v, 3)
    }
}

/// `v` with at most `digits` decimals and no trailing zeros.
pub(crate) fn trim(v: f64, digits: usize) -> String {
    let s = format!("{v:.digits$}");
    let s = if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.').to_string() } else { s };
    if s == "-0" { "0".into() } else { s }
}

/// A padded axis range covering the finite values of `vals` (and `include`, if given).
pub(crate) fn padded_range(vals: impl IntoIterator<Item = f64>, include: Option<f64>, pad: f64) -> (f64, f64) {
    let mut lo = f64::INFINITY;
    let mut hi = f64::NEG_INFINITY;
    for v in vals.into_iter().chain(include).filter(|v| v.is_finite()) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if !lo.is_finite() {
        return (0.0, 1.0);
    }
    if hi - lo < 1e-12 {
        let d = if lo.abs() > 0.0 { lo.abs() * 0.1 } else { 1.0 };
        return (lo - d, hi + d);
    }
    let d = (hi - lo) * pad;
    (lo - d, hi + d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_compact() {
        assert_eq!(tick(0.25), "0.25");
        assert_eq!(tick(0.0), "0");
        assert_eq!(tick(-0.0001), "0");
        assert_eq!(tick(1.5), "1.5");
        assert_eq!(tick(250.0), "250");
        assert_eq!(tick(5_000.0), "5k");
        assert_eq!(tick(12_500.0), "12.5k");
        assert_eq!(tick(-2_000_000.0), "-2M");
    }

    /// resvg draws text only with a font it has: the embedded one stands for `sans-serif`,
    /// so a PNG of a text alone has ink, and the text is as wide as plotters measures it.
    #[test]
    fn png_text_is_drawn_with_the_embedded_font() {
        ensure_font().unwrap();
        let text = "supervision ¥2.16/h";
        let style = TextStyle::from((FONT, 20.0).into_font()).color(&BLACK);
        let mut svg = String::new();
        let measured = {
            let area = SVGBackend::with_string(&mut svg, (300, 40)).into_drawing_area();
            area.fill(&WHITE).unwrap();
            area.draw(&Text::new(text, (10, 10), style.clone())).unwrap();
            area.estimate_text_size(text, &style).unwrap().0 as i64
        };
        let rgb = rasterize(&svg, 300, 40).unwrap();
        assert_eq!(rgb.len(), 300 * 40 * 3);
        let dark: Vec<i64> =
            rgb.chunks_exact(3).enumerate().filter(|(_, p)| p[0] < 128).map(|(i, _)| (i % 300) as i64).collect();
        assert!(dark.len() > 200, "no text drawn");
        // The drawn width is what plotters measured (labels are placed by that measure).
        let drawn = dark.iter().max().unwrap() - dark.iter().min().unwrap();
        assert!((drawn - measured).abs() <= measured / 10, "drawn {drawn} px, measured {measured}");
    }

    #[test]
    fn padded_range_includes_zero_and_survives_constants() {
        assert_eq!(padded_range([2.0, 4.0], Some(0.0), 0.0), (0.0, 4.0));
        let (lo, hi) = padded_range([3.0, 3.0], None, 0.1);
        assert!(lo < 3.0 && hi > 3.0);
        assert_eq!(padded_range([f64::NAN], None, 0.1), (0.0, 1.0));
    }
}
