//! Tolerant readers of the output files the plots and the report are drawn from.
//!
//! - [`Table`]: a CSV file as a header and string records, looked up by column name.
//! - [`timeseries_bands`] and [`grade_shares`]: `timeseries_types.csv` aggregated across
//!   replications ([`Band`], [`BandPoint`], [`GradeShares`]).
//! - [`read_summary`] ([`SummaryEntry`]), [`read_compare`] ([`CompareCsvRow`]), [`read_claims`]
//!   ([`ClaimRow`]), [`read_networks`] ([`NetworkSnapshot`]).
//!
//! A missing file is `Ok(None)`; a missing optional column reads as undefined (NaN or empty);
//! empty fields are undefined values and are skipped by the aggregations.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::PlotError;
use carenet_model::metrics::summary::interval;

/// A CSV file held in memory.
pub struct Table {
    pub path: PathBuf,
    pub header: Vec<String>,
    pub rows: Vec<csv::StringRecord>,
}

impl Table {
    /// Reads `path`; `Ok(None)` if it does not exist.
    pub fn read(path: &Path) -> Result<Option<Table>, PlotError> {
        if !path.exists() {
            return Ok(None);
        }
        let csv_err = |e: csv::Error| PlotError::Csv { path: path.to_path_buf(), message: e.to_string() };
        let file = std::fs::File::open(path).map_err(|source| PlotError::Read { path: path.to_path_buf(), source })?;
        let mut reader = csv::ReaderBuilder::new().from_reader(std::io::BufReader::new(file));
        let header = reader.headers().map_err(csv_err)?.iter().map(str::to_string).collect();
        let rows = reader.records().collect::<Result<Vec<_>, _>>().map_err(csv_err)?;
        Ok(Some(Table { path: path.to_path_buf(), header, rows }))
    }

    /// Index of a column.
    pub fn col(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h == name)
    }

    /// Index of a column that must be present.
    pub fn require(&self, name: &str) -> Result<usize, PlotError> {
        self.col(name).ok_or_else(|| PlotError::Csv { path: self.path.clone(), message: format!("no column `{name}`") })
    }
}

/// A field as a number: NaN if the column is absent, the field empty or not a number.
pub fn num(rec: &csv::StringRecord, col: Option<usize>) -> f64 {
    col.and_then(|c| rec.get(c)).and_then(|s| s.trim().parse::<f64>().ok()).unwrap_or(f64::NAN)
}

/// A field as text: empty if the column is absent.
pub fn text(rec: &csv::StringRecord, col: Option<usize>) -> String {
    col.and_then(|c| rec.get(c)).unwrap_or("").to_string()
}

/// Mean and 95% t-interval across replications at one week.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BandPoint {
    pub week: u32,
    pub mean: f64,
    /// NaN when undefined (fewer than two replications with a value).
    pub low: f64,
    pub high: f64,
    /// Replications with a value.
    pub n: usize,
}

/// One community type's (or `all`'s) series of a metric.
#[derive(Debug, Clone, PartialEq)]
pub struct Band {
    pub group: String,
    pub points: Vec<BandPoint>,
}

/// Groups in order of first appearance, `all` last.
fn group_order(table: &Table, type_col: usize) -> Vec<String> {
    let mut groups: Vec<String> = Vec::new();
    for rec in &table.rows {
        let g = rec.get(type_col).unwrap_or("");
        if !groups.iter().any(|x| x == g) {
            groups.push(g.to_string());
        }
    }
    groups.sort_by_key(|g| g == "all");
    groups
}

/// Per (community type, week): mean and 95% t-interval of `metric` across replications, from
/// `timeseries_types.csv`. `None` if the table has no such column.
pub fn timeseries_bands(table: &Table, metric: &str) -> Option<Vec<Band>> {
    let m = table.col(metric)?;
    let week_col = table.col("week")?;
    let type_col = table.col("community_type")?;
    let groups = group_order(table, type_col);
    let mut values: BTreeMap<(usize, u32), Vec<f64>> = BTreeMap::new();
    for rec in &table.rows {
        let Some(g) = groups.iter().position(|x| Some(x.as_str()) == rec.get(type_col)) else { continue };
        let week = num(rec, Some(week_col));
        let v = num(rec, Some(m));
        if !week.is_finite() || week < 0.0 || !v.is_finite() {
            continue;
        }
        values.entry((g, week as u32)).or_default().push(v);
    }
    let mut bands: Vec<Band> = groups.iter().map(|g| Band { group: g.clone(), points: Vec::new() }).collect();
    for ((g, week), vals) in &values {
        let i = interval(vals);
        bands[*g].points.push(BandPoint { week: *week, mean: i.mean, low: i.ci_low, high: i.ci_high, n: i.n });
    }
    bands.retain(|b| !b.points.is_empty());
    Some(bands)
}

/// Mean shares of grades 1, 2 and 3 of all communities at one week.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GradeShares {
    pub week: u32,
    pub shares: [f64; 3],
}

/// Mean across replications of `grade1_share`..`grade3_share` for `all`, by week; weeks where
/// a share is undefined are left out.
pub fn grade_shares(table: &Table) -> Vec<GradeShares> {
    let mut out: Vec<GradeShares> = Vec::new();
    let bands: Vec<Option<Vec<Band>>> =
        ["grade1_share", "grade2_share", "grade3_share"].iter().map(|m| timeseries_bands(table, m)).collect();
    let all: Vec<&Band> =
        bands.iter().filter_map(|b| b.as_ref().and_then(|bs| bs.iter().find(|b| b.group == "all"))).collect();
    if all.len() != 3 {
        return out;
    }
    for p in &all[0].points {
        let find = |b: &Band| b.points.iter().find(|q| q.week == p.week).map(|q| q.mean);
        if let (Some(s2), Some(s3)) = (find(all[1]), find(all[2]))
            && p.mean.is_finite()
            && s2.is_finite()
            && s3.is_finite()
        {
            out.push(GradeShares { week: p.week, shares: [p.mean, s2, s3] });
        }
    }
    out
}

/// One row of `summary.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct SummaryEntry {
    pub package: String,
    pub metric: String,
    pub group: String,
    pub mean: f64,
    pub ci_low: f64,
    pub ci_high: f64,
    pub n: String,
}

/// Reads `summary.csv` (`package,metric,community_type,mean,sd,ci_low,ci_high,n`).
pub fn read_summary(path: &Path) -> Result<Option<Vec<SummaryEntry>>, PlotError> {
    let Some(t) = Table::read(path)? else { return Ok(None) };
    let (metric, group) = (t.require("metric")?, t.require("community_type")?);
    let (package, mean, lo, hi, n) = (t.col("package"), t.col("mean"), t.col("ci_low"), t.col("ci_high"), t.col("n"));
    let rows = t
        .rows
        .iter()
        .map(|r| SummaryEntry {
            package: text(r, package),
            metric: text(r, Some(metric)),
            group: text(r, Some(group)),
            mean: num(r, mean),
            ci_low: num(r, lo),
            ci_high: num(r, hi),
            n: text(r, n),
        })
        .collect();
    Ok(Some(rows))
}

/// One row of `breakdowns.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct BreakdownEntry {
    pub package: String,
    pub metric: String,
    pub dimension: String,
    pub group: String,
    pub mean: f64,
    pub ci_low: f64,
    pub ci_high: f64,
}

/// Reads `breakdowns.csv` (`package,metric,dimension,group,mean,ci_low,ci_high,n`).
pub fn read_breakdowns(path: &Path) -> Result<Option<Vec<BreakdownEntry>>, PlotError> {
    let Some(t) = Table::read(path)? else { return Ok(None) };
    let (metric, dim, group) = (t.require("metric")?, t.require("dimension")?, t.require("group")?);
    let (package, mean, lo, hi) = (t.col("package"), t.col("mean"), t.col("ci_low"), t.col("ci_high"));
    let rows = t
        .rows
        .iter()
        .map(|r| BreakdownEntry {
            package: text(r, package),
            metric: text(r, Some(metric)),
            dimension: text(r, Some(dim)),
            group: text(r, Some(group)),
            mean: num(r, mean),
            ci_low: num(r, lo),
            ci_high: num(r, hi),
        })
        .collect();
    Ok(Some(rows))
}

/// One row of `drift.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct DriftEntry {
    pub metric: String,
    pub group: String,
    pub first_year: f64,
    pub last_year: f64,
    pub change: f64,
    pub allowed: f64,
    pub pass: bool,
}

/// Reads `drift.csv` (`metric,community_type,first_year,last_year,change,allowed,pass`).
pub fn read_drift(path: &Path) -> Result<Option<Vec<DriftEntry>>, PlotError> {
    let Some(t) = Table::read(path)? else { return Ok(None) };
    let (metric, group, pass) = (t.require("metric")?, t.require("community_type")?, t.require("pass")?);
    let (a, b, c, al) = (t.col("first_year"), t.col("last_year"), t.col("change"), t.col("allowed"));
    let rows = t
        .rows
        .iter()
        .map(|r| DriftEntry {
            metric: text(r, Some(metric)),
            group: text(r, Some(group)),
            first_year: num(r, a),
            last_year: num(r, b),
            change: num(r, c),
            allowed: num(r, al),
            pass: text(r, Some(pass)) == "true",
        })
        .collect();
    Ok(Some(rows))
}

/// One row of `compare.csv` as read back (text fields; the model writes it from
/// `carenet_model::experiment::compare::CompareRow`): a package's value and its
/// paired difference from the baseline.
#[derive(Debug, Clone, PartialEq)]
pub struct CompareCsvRow {
    pub package: String,
    pub metric: String,
    pub group: String,
    pub mean: f64,
    pub ci_low: f64,
    pub ci_high: f64,
    /// Package − baseline.
    pub diff: f64,
    pub diff_ci_low: f64,
    pub diff_ci_high: f64,
    pub n: String,
    /// On a cost-effectiveness ratio: whether it could be estimated (`estimable` column;
    /// `None` when blank or absent, as in files of older versions).
    pub estimable: Option<bool>,
}

/// Reads `compare.csv`
/// (`package,metric,community_type,mean,ci_low,ci_high,diff,diff_ci_low,diff_ci_high,n,estimable`).
pub fn read_compare(path: &Path) -> Result<Option<Vec<CompareCsvRow>>, PlotError> {
    let Some(t) = Table::read(path)? else { return Ok(None) };
    let (package, metric) = (t.require("package")?, t.require("metric")?);
    let c = |name: &str| t.col(name);
    let rows = t
        .rows
        .iter()
        .map(|r| CompareCsvRow {
            package: text(r, Some(package)),
            metric: text(r, Some(metric)),
            group: match c("community_type") {
                Some(i) => text(r, Some(i)),
                None => "all".into(),
            },
            mean: num(r, c("mean")),
            ci_low: num(r, c("ci_low")),
            ci_high: num(r, c("ci_high")),
            diff: num(r, c("diff")),
            diff_ci_low: num(r, c("diff_ci_low")),
            diff_ci_high: num(r, c("diff_ci_high")),
            n: text(r, c("n")),
            estimable: match text(r, c("estimable")).as_str() {
                "true" => Some(true),
                "false" => Some(false),
                _ => None,
            },
        })
        .collect();
    Ok(Some(rows))
}

/// One row of `claims.csv`: a claim of the study (or a remedy's spillover), the
/// simulated effect and the verdict.
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimRow {
    pub claim: String,
    /// `claim` or `spillover` (`claim` when the column is absent).
    pub role: String,
    /// `diagnosis`, `remedy` or `literature` (empty when absent).
    pub kind: String,
    pub section: String,
    pub statement: String,
    pub metric: String,
    /// `lower`/`higher` (older files only; empty otherwise).
    pub expected: String,
    /// What the row is read on: all, a community type, `A vs B`, grade1–grade3.
    pub group: String,
    pub sesoi: f64,
    pub effect: f64,
    pub ci_low: f64,
    pub ci_high: f64,
    /// `supported`, `negligible`, `contradicted` or `inconclusive` (empty on cost rows).
    pub verdict: String,
    pub emergent_share: f64,
    pub robust_share: f64,
    pub structures_survived: String,
}

impl ClaimRow {
    /// Whether the row is a claim (not a spillover).
    pub fn is_claim(&self) -> bool {
        self.role.is_empty() || self.role == "claim"
    }

    /// Whether a spillover row says the remedy harms this group.
    pub fn harms(&self) -> bool {
        self.statement.contains("HARMS")
    }
}

/// Reads `claims.csv` (`claim,role,kind,section,quote_zh,statement_en,metric,group,sesoi,
/// effect,ci_low,ci_high,verdict,emergent_share,robust_share,structures_survived`; older files
/// with `statement` and `expected` are read too).
pub fn read_claims(path: &Path) -> Result<Option<Vec<ClaimRow>>, PlotError> {
    let Some(t) = Table::read(path)? else { return Ok(None) };
    let claim = t.require("claim")?;
    let c = |name: &str| t.col(name);
    let statement = c("statement_en").or(c("statement"));
    let rows = t
        .rows
        .iter()
        .map(|r| ClaimRow {
            claim: text(r, Some(claim)),
            role: text(r, c("role")),
            kind: text(r, c("kind")),
            section: text(r, c("section")),
            statement: text(r, statement),
            metric: text(r, c("metric")),
            expected: text(r, c("expected")),
            group: text(r, c("group")),
            sesoi: num(r, c("sesoi")),
            effect: num(r, c("effect")),
            ci_low: num(r, c("ci_low")),
            ci_high: num(r, c("ci_high")),
            verdict: text(r, c("verdict")),
            emergent_share: num(r, c("emergent_share")),
            robust_share: num(r, c("robust_share")),
            structures_survived: text(r, c("structures_survived")),
        })
        .collect();
    Ok(Some(rows))
}

/// An elder in a network snapshot.
#[derive(Debug, Clone, PartialEq)]
pub struct NetNode {
    pub id: u64,
    pub grade: u8,
    pub state: String,
    pub building: u64,
}

/// The final tie network of one community.
#[derive(Debug, Clone, PartialEq)]
pub struct NetworkSnapshot {
    pub community: String,
    pub community_type: String,
    pub nodes: Vec<NetNode>,
    /// Ties as indices into `nodes`, with strength in (0, 1].
    pub edges: Vec<(usize, usize, f64)>,
}

/// Reads `network_nodes.csv` and `network_edges.csv`: one snapshot per community, in file
/// order. `None` if the nodes file is missing; ties naming unknown nodes are skipped.
pub fn read_networks(nodes_path: &Path, edges_path: &Path) -> Result<Option<Vec<NetworkSnapshot>>, PlotError> {
    let Some(nodes) = Table::read(nodes_path)? else { return Ok(None) };
    let (community, node) = (nodes.require("community")?, nodes.require("node")?);
    let (ctype, grade, state, building) =
        (nodes.col("community_type"), nodes.col("grade"), nodes.col("state"), nodes.col("building"));
    let mut snaps: Vec<NetworkSnapshot> = Vec::new();
    let mut index: Vec<BTreeMap<u64, usize>> = Vec::new();
    for r in &nodes.rows {
        let name = text(r, Some(community));
        let s = match snaps.iter().position(|s| s.community == name) {
            Some(s) => s,
            None => {
                snaps.push(NetworkSnapshot {
                    community: name,
                    community_type: text(r, ctype),
                    nodes: Vec::new(),
                    edges: Vec::new(),
                });
                index.push(BTreeMap::new());
                snaps.len() - 1
            }
        };
        let id = num(r, Some(node));
        if !id.is_finite() || id < 0.0 {
            continue;
        }
        let g = num(r, grade);
        let b = num(r, building);
        index[s].insert(id as u64, snaps[s].nodes.len());
        snaps[s].nodes.push(NetNode {
            id: id as u64,
            grade: if g.is_finite() { g.clamp(1.0, 3.0) as u8 } else { 3 },
            state: text(r, state),
            building: if b.is_finite() && b >= 0.0 { b as u64 } else { 0 },
        });
    }
    if let Some(edges) = Table::read(edges_path)? {
        let (community, a, b) = (edges.require("community")?, edges.require("a")?, edges.require("b")?);
        let strength = edges.col("strength");
        for r in &edges.rows {
            let name = r.get(community).unwrap_or("");
            let Some(s) = snaps.iter().position(|s| s.community == name) else { continue };
            let (x, y) = (num(r, Some(a)), num(r, Some(b)));
            if !(x.is_finite() && y.is_finite() && x >= 0.0 && y >= 0.0) {
                continue;
            }
            let (Some(&i), Some(&j)) = (index[s].get(&(x as u64)), index[s].get(&(y as u64))) else { continue };
            let w = num(r, strength);
            let w = if w.is_finite() { w.clamp(0.0, 1.0) } else { 0.5 };
            if i != j {
                snaps[s].edges.push((i, j, w));
            }
        }
    }
    Ok(Some(snaps))
}
