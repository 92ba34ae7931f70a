//! The report: one self-contained HTML page a planner can open, print or read on a phone.
//!
//! [`write_report`] writes `DIR/report.html` from the files of an output directory: the scenario
//! (from `manifest.json`), the key results with their 95% intervals (`summary.csv`), the
//! comparison (`compare.csv`) and claims (`claims.csv`) tables when present, and every plot of
//! `DIR/plots/` inlined as SVG (drawn first with [`crate::plot::plot_dir`] when missing). The
//! page has inline CSS only: no script, no font, no image or style sheet fetched from anywhere.
//! [`render_report`] returns the same page as a string. Failures are [`ReportError`]s.
//!
//! ```no_run
//! let path = carenet_plot::report::write_report(std::path::Path::new("output/small"))?;
//! assert!(path.ends_with("report.html"));
//! # Ok::<(), carenet_plot::report::ReportError>(())
//! ```

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::plot::data::{
    BreakdownEntry, ClaimRow, CompareCsvRow, DriftEntry, SummaryEntry, read_breakdowns, read_claims, read_compare,
    read_drift, read_summary,
};
use crate::plot::{PlotError, plot_dir, plots_dir};
use carenet_io::output::write_atomic;

/// Why the report could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// The directory does not exist or is not a directory.
    #[error("{}: not a directory", .0.display())]
    NotADirectory(PathBuf),
    /// Reading an input file or drawing the plots failed.
    #[error(transparent)]
    Plot(#[from] PlotError),
    /// A file could not be read.
    #[error("reading {}: {source}", path.display())]
    Read { path: PathBuf, source: std::io::Error },
    /// manifest.json is not valid JSON.
    #[error("{}: not valid JSON: {message}", path.display())]
    Manifest { path: PathBuf, message: String },
    /// report.html could not be written.
    #[error("writing {}: {source}", path.display())]
    Write { path: PathBuf, source: std::io::Error },
}

/// Writes `dir/report.html` (atomically) and returns its path.
pub fn write_report(dir: &Path) -> Result<PathBuf, ReportError> {
    let html = render_report(dir)?;
    let path = dir.join("report.html");
    write_atomic(&path, |w| w.write_all(html.as_bytes()))
        .map_err(|source| ReportError::Write { path: path.clone(), source })?;
    Ok(path)
}

/// The plots of the report, in order: file stem, section and caption.
const FIGURES: &[(&str, Section, &str)] = &[
    ("compare_forest", Section::Compare, "Change in unmet help and isolation against the baseline, by package."),
    ("compare_ce_plane", Section::Compare, "Unmet help hours averted per year against the extra cost, by package."),
    ("claims", Section::Claims, "The study's claims: simulated effect, 95% interval and verdict."),
    ("timeseries_isolation_rate", Section::Outcomes, "Isolation over time, by community type."),
    ("timeseries_unmet_help_rate", Section::Outcomes, "Unmet help over time, by community type."),
    ("timeseries_loneliness_mean", Section::Outcomes, "Loneliness over time, by community type."),
    ("timeseries_grade1_underserved_rate", Section::Outcomes, "Underserved grade-1 elders over time."),
    ("grade_shares", Section::Outcomes, "Shares of the three grades over time."),
    ("hours_by_source", Section::Care, "Hours of care delivered per elder-week, by source and community type."),
    ("networks", Section::Networks, "Neighbour ties of one community of each type at the end of the run."),
];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Section {
    Compare,
    Claims,
    Outcomes,
    Care,
    Networks,
}

/// How a metric's values are shown.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A share in [0, 1], shown as a percentage (differences in percentage points).
    Share,
    /// A count or amount.
    Number,
}

/// The metrics of the key results table: name, readable label, kind.
const KEY_METRICS: &[(&str, &str, Kind)] = &[
    ("elders", "live elders", Kind::Number),
    ("isolation_rate", "isolated (no contact in 4 weeks)", Kind::Share),
    ("few_ties_rate", "fewer than 3 active ties", Kind::Share),
    ("loneliness_mean", "mean loneliness (0–1)", Kind::Number),
    ("unmet_help_rate", "unmet help (of hours requested)", Kind::Share),
    ("unmet_companionship_rate", "unmet companionship", Kind::Share),
    ("grade1_underserved_rate", "grade-1 elders underserved", Kind::Share),
    ("mutual_aid_share", "help given by neighbours", Kind::Share),
    ("grade1_share", "grade 1 (most in need)", Kind::Share),
    ("grade2_share", "grade 2", Kind::Share),
    ("grade3_share", "grade 3 (capable)", Kind::Share),
    ("registered_share", "known to the social organisation", Kind::Share),
    ("paired_share", "with a paired volunteer", Kind::Share),
    ("paid_yuan_per_elder_week", "private spending, yuan per elder-week", Kind::Number),
    ("public_yuan_per_elder_week", "public spending, yuan per elder-week", Kind::Number),
    ("deaths_per_1000_per_year", "deaths per 1,000 elder-years", Kind::Number),
    ("mean_degree", "mean ties per elder", Kind::Number),
    ("clustering", "clustering of ties", Kind::Number),
];

/// Column order of the key results table.
const GROUPS: [&str; 5] = ["commercial_estate", "village", "village_to_residence", "all", "gap_between_types"];

fn kind_of(metric: &str) -> Kind {
    match KEY_METRICS.iter().find(|(m, _, _)| *m == metric) {
        Some((_, _, k)) => *k,
        None if metric.ends_with("_rate") || metric.contains("_rate_") || metric.ends_with("_share") => Kind::Share,
        None => Kind::Number,
    }
}

/// Escapes text for HTML content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A number for a table: thousands separated, decimals by magnitude (none for whole numbers),
/// `—` when undefined.
fn number(v: f64) -> String {
    let decimals = if v.abs() >= 100.0 || v.fract() == 0.0 {
        0
    } else if v.abs() >= 1.0 {
        2
    } else {
        3
    };
    fixed(v, decimals)
}

/// `v` with `decimals` decimals, thousands separated, a true minus sign, no negative zero.
fn fixed(v: f64, decimals: usize) -> String {
    if !v.is_finite() {
        return "—".into();
    }
    let s = format!("{:.decimals$}", v.abs());
    let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    if !frac.is_empty() {
        grouped.push('.');
        grouped.push_str(frac);
    }
    let zero = s.chars().all(|c| c == '0' || c == '.');
    if v < 0.0 && !zero { format!("−{grouped}") } else { grouped }
}

/// What a value is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Show {
    /// A level: shares as percentages.
    Level,
    /// A gap between two levels: shares in percentage points.
    Gap,
    /// A signed change: shares in percentage points, `+` when positive.
    Change,
}

/// A value of `kind`: a share as a percentage, a gap or change of shares in percentage points
/// (one decimal, two below 1).
fn value(v: f64, kind: Kind, show: Show) -> String {
    if !v.is_finite() {
        return "—".into();
    }
    let pct = |x: f64| fixed(x * 100.0, if (x * 100.0).abs() < 1.0 { 2 } else { 1 });
    match (kind, show) {
        (Kind::Share, Show::Level) => format!("{}%", pct(v)),
        (Kind::Share, Show::Gap) => format!("{} pp", pct(v)),
        (Kind::Share, Show::Change) => format!("{} pp", signed(pct(v), v)),
        (Kind::Number, Show::Change) => signed(number(v), v),
        (Kind::Number, _) => number(v),
    }
}

fn signed(s: String, v: f64) -> String {
    if v > 0.0 && !s.chars().all(|c| c == '0' || c == '.') { format!("+{s}") } else { s }
}

/// A cell: the value and, when defined, its 95% interval below it.
fn cell(mean: f64, lo: f64, hi: f64, kind: Kind, show: Show) -> String {
    let v = escape(&value(mean, kind, show));
    if lo.is_finite() && hi.is_finite() {
        format!("{v}<br><small>{} to {}</small>", escape(&value(lo, kind, show)), escape(&value(hi, kind, show)))
    } else {
        v
    }
}

fn group_name(g: &str) -> String {
    crate::plot::style::group_label(g)
}

/// Renders the report of `dir` as one HTML page (drawing the plots first if `dir/plots/` lacks
/// them).
pub fn render_report(dir: &Path) -> Result<String, ReportError> {
    if !dir.is_dir() {
        return Err(ReportError::NotADirectory(dir.to_path_buf()));
    }
    let manifest = read_manifest(&dir.join("manifest.json"))?;
    let summary = read_summary(&dir.join("summary.csv"))?;
    let compare = read_compare(&dir.join("compare.csv"))?;
    let claims = read_claims(&dir.join("claims.csv"))?;
    let breakdowns = read_breakdowns(&dir.join("breakdowns.csv"))?;
    let drift = read_drift(&dir.join("drift.csv"))?;

    let plots = plots_dir(dir);
    let stale = !plots.is_dir()
        || (compare.is_some() && !plots.join("compare_forest.svg").exists())
        || (claims.is_some() && !plots.join("claims.svg").exists());
    if stale {
        plot_dir(dir)?;
    }
    let mut figures: Vec<(&str, Section, &str, String)> = Vec::new();
    for (stem, section, caption) in FIGURES {
        let path = plots.join(format!("{stem}.svg"));
        if path.exists() {
            let svg =
                std::fs::read_to_string(&path).map_err(|source| ReportError::Read { path: path.clone(), source })?;
            figures.push((stem, *section, caption, inline_svg(&svg, caption)));
        }
    }

    let name = manifest
        .as_ref()
        .and_then(|m| m.pointer("/scenario/name").or_else(|| m.get("scenario_name")))
        .and_then(Value::as_str)
        .map(str::to_string)
        .unwrap_or_else(|| {
            dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "carenet".into())
        });
    let title = format!("carenet report: {name}");

    let mut h = String::with_capacity(1 << 20);
    h.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    h.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let _ = writeln!(h, "<title>{}</title>", escape(&title));
    let _ = writeln!(h, "<style>{CSS}</style>\n</head>\n<body>\n<main>");
    let _ = writeln!(h, "<header><h1>{}</h1>", escape(&title));
    if let Some(d) = manifest.as_ref().and_then(|m| m.pointer("/scenario/description")).and_then(Value::as_str)
        && !d.is_empty()
    {
        let _ = writeln!(h, "<p class=\"lead\">{}</p>", escape(d));
    }
    h.push_str("</header>\n");

    // Contents.
    let has = |s: Section| figures.iter().any(|f| f.1 == s);
    let mut toc: Vec<(&str, &str)> = vec![("scenario", "Scenario")];
    if summary.is_some() {
        toc.push(("results", "Key results"));
    }
    if breakdowns.is_some() {
        toc.push(("breakdowns", "Who is affected"));
    }
    if drift.is_some() {
        toc.push(("drift", "Stationarity"));
    }
    if compare.is_some() {
        toc.push(("compare", "Packages compared"));
    }
    if claims.is_some() {
        toc.push(("claims", "The study's claims"));
    }
    if has(Section::Outcomes) {
        toc.push(("outcomes", "Outcomes over time"));
    }
    if has(Section::Care) {
        toc.push(("care", "Care delivered"));
    }
    if has(Section::Networks) {
        toc.push(("networks", "Networks"));
    }
    h.push_str("<nav><ul>");
    for (id, label) in &toc {
        let _ = write!(h, "<li><a href=\"#{id}\">{label}</a></li>");
    }
    h.push_str("</ul></nav>\n");

    scenario_section(&mut h, manifest.as_ref(), dir);
    if let Some(rows) = &summary {
        results_section(&mut h, rows);
    }
    if let Some(rows) = &breakdowns {
        breakdown_section(&mut h, rows);
    }
    if let Some(rows) = &drift {
        drift_section(&mut h, rows);
    }
    if let Some(rows) = &compare {
        compare_section(&mut h, rows);
        figures_of(&mut h, &figures, Section::Compare);
    }
    if let Some(rows) = &claims {
        claims_section(&mut h, rows);
        figures_of(&mut h, &figures, Section::Claims);
    }
    for (section, id, heading) in [
        (Section::Outcomes, "outcomes", "Outcomes over time"),
        (Section::Care, "care", "Care delivered"),
        (Section::Networks, "networks", "Networks"),
    ] {
        if has(section) {
            let _ = writeln!(h, "<section id=\"{id}\">\n<h2>{heading}</h2>");
            figures_of(&mut h, &figures, section);
            h.push_str("</section>\n");
        }
    }
    let version = manifest.as_ref().and_then(|m| m.get("carenet_version")).and_then(Value::as_str).unwrap_or("");
    let _ = writeln!(
        h,
        "<footer>Written by carenet {} from the files of this directory; the plots are also in <code>plots/</code> as SVG and PNG.</footer>",
        escape(version)
    );
    h.push_str("</main>\n</body>\n</html>\n");
    Ok(h)
}

fn read_manifest(path: &Path) -> Result<Option<Value>, ReportError> {
    if !path.exists() {
        return Ok(None);
    }
    let text =
        std::fs::read_to_string(path).map_err(|source| ReportError::Read { path: path.to_path_buf(), source })?;
    serde_json::from_str(&text)
        .map(Some)
        .map_err(|e| ReportError::Manifest { path: path.to_path_buf(), message: e.to_string() })
}

/// An SVG file as an element of the page: no XML prolog, no namespace URL, labelled.
fn inline_svg(svg: &str, caption: &str) -> String {
    let mut s = svg.trim();
    if s.starts_with("<?xml") {
        s = s.find("?>").map(|i| s[i + 2..].trim_start()).unwrap_or(s);
    }
    let s = s
        .replace(" xmlns=\"http://www.w3.org/2000/svg\"", "")
        .replace(" xmlns:xlink=\"http://www.w3.org/1999/xlink\"", "");
    s.replacen("<svg ", &format!("<svg role=\"img\" aria-label=\"{}\" ", escape(caption)), 1)
}

fn figures_of(h: &mut String, figures: &[(&str, Section, &str, String)], section: Section) {
    for (stem, s, caption, svg) in figures {
        if *s == section {
            let _ = writeln!(
                h,
                "<figure id=\"fig-{stem}\">\n{svg}\n<figcaption>{} <span class=\"file\">plots/{stem}.svg, .png</span></figcaption>\n</figure>",
                escape(caption)
            );
        }
    }
}

fn scenario_section(h: &mut String, manifest: Option<&Value>, dir: &Path) {
    h.push_str("<section id=\"scenario\">\n<h2>Scenario</h2>\n");
    let Some(m) = manifest else {
        let _ = writeln!(h, "<p>No manifest.json in {}.</p>\n</section>", escape(&dir.display().to_string()));
        return;
    };
    let s = m.get("scenario");
    let str_at = |v: Option<&Value>, p: &str| v.and_then(|v| v.pointer(p)).and_then(Value::as_str).map(str::to_string);
    let num_at = |v: Option<&Value>, p: &str| v.and_then(|v| v.pointer(p)).and_then(Value::as_f64);
    let mut rows: Vec<(&str, String)> = Vec::new();
    if let Some(n) = str_at(s, "/name").or_else(|| str_at(Some(m), "/scenario_name")) {
        rows.push(("name", n));
    }
    if let Some(d) = str_at(s, "/description").filter(|d| !d.is_empty()) {
        rows.push(("description", d));
    }
    if let Some(c) = str_at(Some(m), "/command") {
        rows.push(("command", format!("carenet {c}")));
    }
    if let Some(seed) =
        m.get("seed").and_then(|v| v.as_u64().map(|x| x.to_string()).or_else(|| v.as_str().map(String::from)))
    {
        rows.push(("master seed", seed));
    }
    if let Some(r) = num_at(Some(m), "/reps") {
        rows.push(("replications", number(r)));
    }
    if let Some(w) = num_at(Some(m), "/weeks") {
        rows.push(("weeks", format!("{} ({} years)", number(w), crate::plot::trim(w / 52.0, 1))));
    }
    if let Some(b) = num_at(Some(m), "/burn_in_weeks").filter(|&b| b > 0.0) {
        rows.push(("burn-in", format!("{} weeks before week 1, not reported", number(b))));
    }
    if let Some(win) = num_at(s, "/metrics/summary_window") {
        rows.push(("summary window", format!("the last {} weeks", number(win))));
    }
    // Streets, communities and elders of the resolved scenario.
    let streets: Vec<&Value> =
        s.and_then(|s| s.get("street")).and_then(Value::as_array).map(|a| a.iter().collect()).unwrap_or_default();
    let mut n_comm = 0usize;
    let mut elders = 0.0f64;
    let mut by_type: Vec<(String, usize, f64)> = Vec::new();
    for st in &streets {
        for c in st.get("community").and_then(Value::as_array).map(|a| a.as_slice()).unwrap_or(&[]) {
            n_comm += 1;
            let e = c.get("elders").and_then(Value::as_f64).unwrap_or(0.0);
            elders += e;
            let t = c.get("type").and_then(Value::as_str).unwrap_or("").to_string();
            match by_type.iter_mut().find(|x| x.0 == t) {
                Some(x) => {
                    x.1 += 1;
                    x.2 += e;
                }
                None => by_type.push((t, 1, e)),
            }
        }
    }
    if !streets.is_empty() {
        let names: Vec<String> =
            streets.iter().filter_map(|st| st.get("name").and_then(Value::as_str)).map(str::to_string).collect();
        rows.push(("streets", format!("{} ({})", streets.len(), names.join(", "))));
        let types: Vec<String> =
            by_type.iter().map(|(t, n, e)| format!("{n} {} ({} elders)", group_name(t), number(*e))).collect();
        rows.push(("communities", format!("{n_comm}: {}", types.join("; "))));
        rows.push(("elders at the start", number(elders)));
    }
    if let Some(v) = str_at(Some(m), "/carenet_version") {
        rows.push(("carenet version", v));
    }
    if let Some(files) = m.get("scenario_files").and_then(Value::as_array) {
        let f: Vec<&str> = files.iter().filter_map(Value::as_str).collect();
        if !f.is_empty() {
            rows.push(("scenario files", f.join(", ")));
        }
    }
    h.push_str("<dl class=\"facts\">\n");
    for (k, v) in rows {
        let _ = writeln!(h, "<dt>{}</dt><dd>{}</dd>", escape(k), escape(&v));
    }
    h.push_str("</dl>\n</section>\n");
}

fn results_section(h: &mut String, rows: &[SummaryEntry]) {
    h.push_str("<section id=\"results\">\n<h2>Key results</h2>\n");
    let mut packages: Vec<&str> = Vec::new();
    for r in rows {
        if !packages.contains(&r.package.as_str()) {
            packages.push(&r.package);
        }
    }
    // By community type: the baseline (or the only package).
    let main = if packages.contains(&"baseline") { "baseline" } else { packages.first().copied().unwrap_or("") };
    let of: Vec<&SummaryEntry> = rows.iter().filter(|r| r.package == main).collect();
    let groups: Vec<&str> = GROUPS.iter().copied().filter(|g| of.iter().any(|r| r.group == *g)).collect();
    let _ = writeln!(
        h,
        "<p>{}Mean over the summary window and, below it, the 95% interval across replications. \
         “Gap” is the largest minus the smallest community type: the equity gap.</p>",
        if packages.len() > 1 { format!("Package <code>{}</code>. ", escape(main)) } else { String::new() }
    );
    h.push_str("<div class=\"scroll\"><table>\n<thead><tr><th scope=\"col\">metric</th>");
    for g in &groups {
        let _ = write!(h, "<th scope=\"col\">{}</th>", escape(&group_name(g)));
    }
    h.push_str("</tr></thead>\n<tbody>\n");
    for (metric, label, kind) in KEY_METRICS {
        if !of.iter().any(|r| r.metric == *metric) {
            continue;
        }
        let _ = write!(h, "<tr><th scope=\"row\">{}</th>", escape(label));
        for g in &groups {
            let c = of
                .iter()
                .find(|r| r.metric == *metric && r.group == *g)
                .map(|r| {
                    let show = if *g == "gap_between_types" { Show::Gap } else { Show::Level };
                    cell(r.mean, r.ci_low, r.ci_high, *kind, show)
                })
                .unwrap_or_else(|| "—".into());
            let _ = write!(h, "<td>{c}</td>");
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</tbody></table></div>\n");

    // Every package side by side, all communities: a table per PACKAGES_PER_TABLE packages, so
    // that none is wider than a printed page.
    if packages.len() > 1 {
        h.push_str("<h3>Every package, all communities</h3>\n");
        for chunk in packages.chunks(PACKAGES_PER_TABLE) {
            package_table(h, rows, chunk);
        }
    }
    h.push_str("</section>\n");
}

/// Packages side by side in one table of the key results: at most this many, so that a table
/// fits the width of a printed page (and of a tablet) without scrolling.
const PACKAGES_PER_TABLE: usize = 5;

fn package_table(h: &mut String, rows: &[SummaryEntry], packages: &[&str]) {
    {
        h.push_str("<div class=\"scroll\"><table class=\"packages\">\n<thead><tr><th scope=\"col\">metric</th>");
        for p in packages {
            let _ = write!(h, "<th scope=\"col\">{}</th>", escape(&crate::labels::package(p)));
        }
        h.push_str("</tr></thead>\n<tbody>\n");
        for (metric, label, kind) in KEY_METRICS {
            if !rows.iter().any(|r| r.metric == *metric && r.group == "all") {
                continue;
            }
            let _ = write!(h, "<tr><th scope=\"row\">{}</th>", escape(label));
            for p in packages {
                let c = rows
                    .iter()
                    .find(|r| r.package == *p && r.metric == *metric && r.group == "all")
                    .map(|r| cell(r.mean, r.ci_low, r.ci_high, *kind, Show::Level))
                    .unwrap_or_else(|| "—".into());
                let _ = write!(h, "<td>{c}</td>");
            }
            h.push_str("</tr>\n");
        }
        h.push_str("</tbody></table></div>\n");
    }
}

/// The breakdown table: its columns (metric, heading) and rows (dimension).
const BREAKDOWN_METRICS: [(&str, &str, Kind); 5] = [
    ("unmet_help_rate", "unmet help", Kind::Share),
    ("isolation_rate", "isolated", Kind::Share),
    ("lonely_share", "lonely", Kind::Share),
    ("disabled_share", "disabled", Kind::Share),
    ("deaths_per_1000_per_year", "deaths per 1,000 a year", Kind::Number),
];
const BREAKDOWN_DIMENSIONS: [(&str, &str); 4] =
    [("living_arrangement", "living"), ("grade", "grade"), ("sex", "sex"), ("age_band", "age")];

/// Who is affected: the headline metrics of the baseline (or the only
/// package) by living arrangement, grade, sex and age band (breakdowns.csv).
fn breakdown_section(h: &mut String, rows: &[BreakdownEntry]) {
    let main = if rows.iter().any(|r| r.package == "baseline") {
        "baseline"
    } else {
        rows.first().map(|r| r.package.as_str()).unwrap_or("")
    };
    h.push_str("<section id=\"breakdowns\">\n<h2>Who is affected</h2>\n");
    let _ = writeln!(
        h,
        "<p>Package <code>{}</code> over the summary window, by group of elders; 95% interval across \
         replications below each value. <code>breakdowns.csv</code> has every headline metric by age \
         band, sex, living arrangement, community type and grade (every package of a comparison).</p>",
        escape(main)
    );
    h.push_str("<div class=\"scroll\"><table>\n<thead><tr><th scope=\"col\">group</th>");
    for (_, heading, _) in BREAKDOWN_METRICS {
        let _ = write!(h, "<th scope=\"col\">{}</th>", escape(heading));
    }
    h.push_str("</tr></thead>\n<tbody>\n");
    for (dim, label) in BREAKDOWN_DIMENSIONS {
        let mut groups: Vec<&str> = Vec::new();
        for r in rows.iter().filter(|r| r.package == main && r.dimension == dim) {
            if !groups.contains(&r.group.as_str()) {
                groups.push(&r.group);
            }
        }
        for g in groups {
            let _ = write!(h, "<tr><th scope=\"row\">{} {}</th>", escape(label), escape(&g.replace('_', " ")));
            for (metric, _, kind) in BREAKDOWN_METRICS {
                let c = rows
                    .iter()
                    .find(|r| r.package == main && r.dimension == dim && r.group == g && r.metric == metric)
                    .map(|r| cell(r.mean, r.ci_low, r.ci_high, kind, Show::Level))
                    .unwrap_or_else(|| "—".into());
                let _ = write!(h, "<td>{c}</td>");
            }
            h.push_str("</tr>\n");
        }
    }
    h.push_str("</tbody></table></div>\n</section>\n");
}

/// Stationarity: each headline metric's change from the first to the last
/// reported year against the allowed drift (drift.csv).
fn drift_section(h: &mut String, rows: &[DriftEntry]) {
    h.push_str("<section id=\"drift\">\n<h2>Stationarity</h2>\n");
    let fails = rows.iter().filter(|r| !r.pass).count();
    let _ = writeln!(
        h,
        "<p>Change from the first to the last reported year (mean across replications), all \
         communities; allowed: 2 points or 12% of the level, whichever is larger (30% of the level \
         for the neighbours' share of help, in every community type). {} of {} rows of \
         <code>drift.csv</code> (every community type) exceed it.</p>",
        fails,
        rows.len()
    );
    h.push_str("<div class=\"scroll\"><table>\n<thead><tr><th scope=\"col\">metric</th><th scope=\"col\">first year</th><th scope=\"col\">last year</th><th scope=\"col\">change</th><th scope=\"col\">allowed</th><th scope=\"col\">within</th></tr></thead>\n<tbody>\n");
    for r in rows.iter().filter(|r| r.group == "all") {
        let kind = kind_of(&r.metric);
        let types_fail = rows.iter().filter(|x| x.metric == r.metric && x.group != "all" && !x.pass).count();
        let within = match (r.pass, types_fail) {
            (true, 0) => "yes".to_string(),
            (true, k) => format!("yes (not in {k} type{})", if k == 1 { "" } else { "s" }),
            (false, _) => "no".to_string(),
        };
        let _ = writeln!(
            h,
            "<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&r.metric),
            escape(&value(r.first_year, kind, Show::Level)),
            escape(&value(r.last_year, kind, Show::Level)),
            escape(&value(r.change, kind, Show::Change)),
            escape(&value(r.allowed, kind, Show::Gap)),
            within
        );
    }
    h.push_str("</tbody></table></div>\n</section>\n");
}

/// The metrics of the comparison tables, in order (compare.csv has every metric).
const COMPARE_METRICS: &[(&str, &str)] = &[
    ("unmet_help_rate", "unmet help (of hours requested)"),
    ("unmet_help_hours_per_year", "unmet help hours per year"),
    ("isolation_rate", "isolated (no contact in 4 weeks)"),
    ("isolated_elders", "isolated elders"),
    ("loneliness_mean", "mean loneliness (0–1)"),
    ("grade1_underserved_rate", "grade-1 elders underserved"),
    ("unmet_companionship_rate", "unmet companionship"),
    ("mutual_aid_share", "help given by neighbours"),
    ("cost_total_yuan", "cost per year, yuan"),
    ("cost_per_unmet_hour_averted", "yuan per unmet hour averted"),
    ("cost_per_isolated_elder_averted", "yuan per isolated elder averted"),
    ("time_bank_outstanding_hours", "time-bank hours held per elder"),
    ("time_bank_cover_weeks", "time-bank hours held ÷ a week of helper supply (weeks)"),
];

/// Ratios against the baseline: their value is already a comparison.
fn is_ratio(metric: &str) -> bool {
    metric.starts_with("cost_per_")
}

fn compare_table(h: &mut String, rows: &[&CompareCsvRow], with_type: bool) {
    h.push_str("<div class=\"scroll\"><table>\n<thead><tr><th scope=\"col\">metric</th><th scope=\"col\" class=\"l\">package</th>");
    if with_type {
        h.push_str("<th scope=\"col\" class=\"l\">community type</th>");
    }
    h.push_str(
        "<th scope=\"col\">value</th><th scope=\"col\">difference from baseline</th><th scope=\"col\">n</th></tr></thead>\n<tbody>\n",
    );
    for (metric, label) in COMPARE_METRICS {
        let of: Vec<&&CompareCsvRow> = rows.iter().filter(|r| r.metric == *metric).collect();
        for (k, r) in of.iter().enumerate() {
            let kind = kind_of(&r.metric);
            let first = if k == 0 { " class=\"first\"" } else { "" };
            let name = if k == 0 { escape(label) } else { String::new() };
            let _ = write!(
                h,
                "<tr{first}><th scope=\"row\">{name}</th><td class=\"l\">{}</td>",
                escape(&crate::labels::package(&r.package))
            );
            if with_type {
                let _ = write!(h, "<td class=\"l\">{}</td>", escape(&group_name(&r.group)));
            }
            let diff = if is_ratio(&r.metric) || r.package == "baseline" {
                "—".to_string()
            } else {
                cell(r.diff, r.diff_ci_low, r.diff_ci_high, kind, Show::Change)
            };
            let diff_class = if diff == "—" {
                ""
            } else if r.diff_ci_high < 0.0 {
                " class=\"lower\""
            } else if r.diff_ci_low > 0.0 {
                " class=\"higher\""
            } else {
                ""
            };
            let value = if r.estimable == Some(false) {
                "<span class=\"na\">not estimable</span>".to_string()
            } else {
                cell(r.mean, r.ci_low, r.ci_high, kind, Show::Level)
            };
            let _ = writeln!(h, "<td>{value}</td><td{diff_class}>{diff}</td><td>{}</td></tr>", escape(&r.n));
        }
    }
    h.push_str("</tbody></table></div>\n");
}

fn compare_section(h: &mut String, rows: &[CompareCsvRow]) {
    h.push_str("<section id=\"compare\">\n<h2>Packages compared</h2>\n");
    h.push_str(
        "<p>Every package runs with the baseline's random numbers, so each difference is paired \
         (package − baseline) with its 95% interval. Shares are in percent, their differences in \
         percentage points (pp). <span class=\"lower\">Green</span>: the interval lies below zero; \
         <span class=\"higher\">orange</span>: above zero. Costs per unit averted are ratios of the \
         paired differences, given only when the 95% interval of what is averted lies above zero: \
         otherwise the package may avert nothing and the ratio is <span class=\"na\">not estimable</span> \
         (blank in <code>compare.csv</code>, whose column <code>estimable</code> says so). \
         <code>compare.csv</code> has every metric.</p>\n",
    );
    let mut not_estimable: Vec<String> = Vec::new();
    for r in rows.iter().filter(|r| r.group == "all" && r.metric == "cost_per_unmet_hour_averted") {
        if r.estimable == Some(false) {
            let hours = rows
                .iter()
                .find(|h| h.package == r.package && h.group == "all" && h.metric == "unmet_help_hours_per_year");
            let why = match hours {
                Some(h) if h.diff_ci_low.is_finite() => format!(
                    " (unmet help hours averted per year: {} to {})",
                    number(-h.diff_ci_high),
                    number(-h.diff_ci_low)
                ),
                _ => String::new(),
            };
            not_estimable.push(format!("{}{why}", crate::labels::package(&r.package)));
        }
    }
    if !not_estimable.is_empty() {
        let _ = writeln!(
            h,
            "<p class=\"note\">No cost per unmet hour averted can be estimated for {}: the interval of the \
             hours averted includes zero.</p>",
            escape(&not_estimable.join("; "))
        );
    }
    let all: Vec<&CompareCsvRow> = rows.iter().filter(|r| r.group == "all").collect();
    compare_table(h, &all, false);
    let by_type: Vec<&CompareCsvRow> = rows.iter().filter(|r| r.group != "all").collect();
    if !by_type.is_empty() {
        h.push_str("<details><summary>By community type, and the gap between types</summary>\n");
        compare_table(h, &by_type, true);
        h.push_str("</details>\n");
    }
    h.push_str("</section>\n");
}

fn claims_section(h: &mut String, all: &[ClaimRow]) {
    h.push_str("<section id=\"claims\">\n<h2>The study's claims</h2>\n");
    let rows: Vec<&ClaimRow> = all.iter().filter(|r| r.is_claim()).collect();
    let spill: Vec<&ClaimRow> = all.iter().filter(|r| !r.is_claim()).collect();
    let count = |v: &str| rows.iter().filter(|r| r.verdict == v).count();
    let _ = writeln!(
        h,
        "<p>{} claims: {} supported, {} negligible, {} contradicted, {} inconclusive. The effect is the \
         simulated quantity named by the metric (treatment − reference), with its 95% interval. \
         The verdict compares the interval with the smallest effect size of interest (SESOI): \
         supported when it lies wholly beyond the SESOI in the expected direction, contradicted \
         when wholly beyond it the other way, negligible when wholly inside ±SESOI, inconclusive \
         otherwise. The emergent share is the effect left when the claim's own mechanism \
         parameters are switched off in both arms, over the full effect: near 0 the claim is true \
         by construction. “Robust” is the share of the robustness draws whose mean effect lies \
         beyond the SESOI in the expected direction.</p>",
        rows.len(),
        count("supported"),
        count("negligible"),
        count("contradicted"),
        count("inconclusive")
    );
    let badge = |v: &str| match v {
        "supported" => "<span class=\"badge supported\">supported</span>".to_string(),
        "contradicted" => "<span class=\"badge contradicted\">contradicted</span>".to_string(),
        "negligible" => "<span class=\"badge inconclusive\" style=\"background:#0072B2\">negligible</span>".to_string(),
        "" => "cost".to_string(),
        other => format!("<span class=\"badge inconclusive\">{}</span>", escape(other)),
    };
    let effect_cell = |r: &ClaimRow| {
        if r.ci_low.is_finite() && r.ci_high.is_finite() {
            format!("{}<br><small>{} to {}</small>", number(r.effect), number(r.ci_low), number(r.ci_high))
        } else {
            number(r.effect)
        }
    };
    let share = |x: f64| if x.is_finite() { crate::plot::trim(x, 2).to_string() } else { "—".into() };
    h.push_str(
        "<div class=\"scroll\"><table class=\"claims\">\n<thead><tr><th scope=\"col\">claim</th>\
         <th scope=\"col\" class=\"l\">kind</th><th scope=\"col\" class=\"l\">section</th>\
         <th scope=\"col\" class=\"l\">statement</th><th scope=\"col\" class=\"l\">metric (group)</th>\
         <th scope=\"col\">SESOI</th><th scope=\"col\">effect</th><th scope=\"col\" class=\"l\">verdict</th>\
         <th scope=\"col\">emergent share</th><th scope=\"col\">robust</th>\
         <th scope=\"col\" class=\"l\">structures survived</th></tr></thead>\n<tbody>\n",
    );
    for r in &rows {
        let robust = if r.robust_share.is_finite() {
            format!("{}%", crate::plot::trim(r.robust_share * 100.0, 0))
        } else {
            "—".into()
        };
        let harms = spill.iter().any(|s| s.claim == r.claim && s.harms());
        let _ = writeln!(
            h,
            "<tr><th scope=\"row\">{}</th><td class=\"l\">{}</td><td class=\"l\">{}</td><td class=\"statement\">{}</td>\
             <td class=\"l\"><code>{}</code> ({})</td><td>{}</td><td>{}</td><td class=\"l\">{}{}</td><td>{}</td><td>{robust}</td>\
             <td class=\"l\">{}</td></tr>",
            escape(&r.claim),
            escape(&r.kind),
            escape(&r.section),
            escape(&r.statement),
            escape(&r.metric),
            escape(&r.group),
            number(r.sesoi),
            effect_cell(r),
            badge(&r.verdict),
            if harms { " ⚠ harms a group" } else { "" },
            share(r.emergent_share),
            if r.structures_survived.is_empty() { "not run".to_string() } else { escape(&r.structures_survived) }
        );
    }
    h.push_str("</tbody></table></div>\n");
    if !spill.is_empty() {
        h.push_str(
            "<h3>Spillovers of the remedies</h3>\n<p>Each remedy's effect on the groups it does not \
             target (unmet help by grade, its metric in the other community types) and its lever \
             spending. ⚠ marks a group the remedy harms beyond the SESOI while it helps its target.</p>\n\
             <div class=\"scroll\"><table class=\"claims\">\n<thead><tr><th scope=\"col\">claim</th>\
             <th scope=\"col\" class=\"l\">group</th><th scope=\"col\" class=\"l\">metric</th>\
             <th scope=\"col\">effect</th><th scope=\"col\" class=\"l\">verdict</th></tr></thead>\n<tbody>\n",
        );
        for r in &spill {
            let _ = writeln!(
                h,
                "<tr><th scope=\"row\">{}</th><td class=\"l\">{}</td><td class=\"l\"><code>{}</code></td><td>{}</td>\
                 <td class=\"l\">{}{}</td></tr>",
                escape(&r.claim),
                escape(&r.group),
                escape(&r.metric),
                effect_cell(r),
                badge(&r.verdict),
                if r.harms() { " ⚠ harms this group" } else { "" }
            );
        }
        h.push_str("</tbody></table></div>\n");
    }
    h.push_str("</section>\n");
}

/// The page's style sheet: readable on a phone (tables scroll sideways), printable.
const CSS: &str = r#"
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; color: #222; background: #fff; line-height: 1.5;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", Arial, sans-serif; }
main { max-width: 1200px; margin: 0 auto; padding: 20px 16px 40px; }
h1 { font-size: 1.7rem; line-height: 1.25; margin: 0.2em 0 0.3em; }
h2 { font-size: 1.3rem; margin: 2.2em 0 0.6em; padding-bottom: 0.2em; border-bottom: 2px solid #e4e4e4; }
h3 { font-size: 1.05rem; margin: 1.4em 0 0.4em; }
.lead { font-size: 1.05rem; color: #444; margin-top: 0; }
nav ul { list-style: none; padding: 0; margin: 1em 0; display: flex; flex-wrap: wrap; gap: 6px 8px; }
nav a { display: inline-block; padding: 4px 10px; border: 1px solid #ccd; border-radius: 999px;
  color: #0b5394; text-decoration: none; font-size: 0.92rem; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 0; }
dl.facts dt { color: #666; }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
.scroll { overflow-x: auto; -webkit-overflow-scrolling: touch; margin: 0.6em 0 1em; border: 1px solid #eee; }
table { border-collapse: collapse; font-size: 0.9rem; width: 100%; font-variant-numeric: tabular-nums; }
th, td { padding: 5px 10px; text-align: right; white-space: nowrap; vertical-align: top;
  border-bottom: 1px solid #eee; }
thead th { background: #f4f6f8; font-weight: 600; }
tbody th, thead th:first-child, td.l, th.l { text-align: left; }
tr.first th, tr.first td { border-top: 2px solid #dde; }
tbody th { font-weight: 500; position: sticky; left: 0; background: #fff; }
td small { color: #666; }
td.statement { white-space: normal; min-width: 18em; max-width: 32em; text-align: left; }
.lower { color: #00795a; font-weight: 600; }
.na { color: #666; font-style: italic; }
p.note { border-left: 3px solid #E69F00; padding: 2px 10px; background: #fffaf0; }
.higher { color: #b34700; font-weight: 600; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 999px; font-size: 0.85rem; color: #fff; }
.badge.supported { background: #009E73; }
.badge.contradicted { background: #D55E00; }
.badge.inconclusive { background: #777; }
details { margin: 0.5em 0 1em; }
summary { cursor: pointer; color: #0b5394; }
figure { margin: 1.6em 0; }
figure svg { display: block; width: 100%; height: auto; }
figcaption { color: #555; font-size: 0.9rem; margin-top: 0.3em; }
figcaption .file { color: #888; font-size: 0.8rem; margin-left: 0.5em; }
code { font-size: 0.88em; background: #f4f4f4; padding: 0 3px; border-radius: 3px; }
footer { margin-top: 3em; color: #777; font-size: 0.85rem; }
@media (max-width: 900px) {
  th, td { white-space: normal; }
  tbody th { min-width: 8.5em; }
}
@media (max-width: 640px) {
  main { padding: 12px 10px 30px; }
  h1 { font-size: 1.35rem; }
  dl.facts { grid-template-columns: 1fr; gap: 0; }
  dl.facts dd { margin-bottom: 6px; }
  table { font-size: 0.85rem; }
  th, td { padding: 4px 6px; }
  tbody th { white-space: normal; min-width: 8.5em; max-width: 11em; }
}
@media print {
  nav, summary { display: none; }
  details { display: block; }
  main { max-width: none; padding: 0; }
  .scroll { overflow: visible; border: none; }
  table { font-size: 8.5pt; }
  th, td { white-space: normal; }
  tbody th { position: static; }
  figure, tr, dl.facts { break-inside: avoid; }
  h2, h3 { break-after: avoid; }
  a { color: inherit; text-decoration: none; }
}
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_values_read_well() {
        assert_eq!(number(1234567.4), "1,234,567");
        assert_eq!(number(-2500.0), "−2,500");
        assert_eq!(number(0.12345), "0.123");
        assert_eq!(number(-0.0001), "0.000");
        assert_eq!(number(3.0), "3");
        assert_eq!(number(2.5), "2.50");
        assert_eq!(number(f64::NAN), "—");
        assert_eq!(value(0.125, Kind::Share, Show::Level), "12.5%");
        assert_eq!(value(0.2, Kind::Share, Show::Level), "20.0%");
        assert_eq!(value(0.0063, Kind::Share, Show::Level), "0.63%");
        assert_eq!(value(-0.021, Kind::Share, Show::Change), "−2.1 pp");
        assert_eq!(value(0.001, Kind::Share, Show::Change), "+0.10 pp");
        assert_eq!(value(0.0, Kind::Share, Show::Change), "0.00 pp");
        assert_eq!(value(12.0, Kind::Number, Show::Change), "+12");
        assert_eq!(value(0.05, Kind::Share, Show::Gap), "5.0 pp");
    }

    #[test]
    fn escaping_and_inlining() {
        assert_eq!(escape("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
        let svg = "<?xml version=\"1.0\"?>\n<svg width=\"10\" height=\"10\" viewBox=\"0 0 10 10\" xmlns=\"http://www.w3.org/2000/svg\"></svg>";
        let s = inline_svg(svg, "A <plot>");
        assert!(s.starts_with("<svg role=\"img\" aria-label=\"A &lt;plot&gt;\" width"));
        assert!(!s.contains("http"));
    }
}
