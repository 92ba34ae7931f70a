//! Output files. Every file is written to a temporary file `.NAME.tmp-PID` in
//! its directory and renamed into place, so a reader never sees half a file.
//! The commands that write a whole folder write it into a staging folder that
//! is swapped in at the end ([`crate::outdir`]), so a folder never mixes two runs.
//!
//! - a run's files from its replications' digests ([`RepDigest`]): `timeseries_types.csv`,
//!   `age_bands.csv`, the networks; [`TimeseriesWriter`] writes `timeseries.csv` street by street.
//! - [`fmt_f64`]: the one float format of every CSV (shortest round-trip; empty for NaN).

use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;

use carenet_model::experiment::city::{RepDigest, StreetDigest};
use carenet_model::experiment::{CommunityInfo, NetworkSnapshot};
use carenet_model::metrics::breakdown::BreakdownRow;
use carenet_model::metrics::drift::DriftRow;
use carenet_model::metrics::summary::SummaryRow;
use carenet_model::metrics::{BAND_NAMES, METRICS, N_BANDS, STATE_NAMES_SHORT};
pub use carenet_model::numfmt::{fmt_f64, write_f64};
use carenet_model::scenario::Scenario;

/// Writes a file atomically: `write` fills a temporary file next to `path`,
/// which is then renamed over `path`.
pub fn write_atomic(path: &Path, write: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> io::Result<()> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    fs::create_dir_all(dir)?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "out".into());
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let result = (|| {
        let f = fs::File::create(&tmp)?;
        let mut w = BufWriter::with_capacity(1 << 16, f);
        write(&mut w)?;
        let f = w.into_inner().map_err(|e| e.into_error())?;
        f.sync_all()?;
        fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

fn push_f64(line: &mut String, x: f64) {
    line.push(',');
    write_f64(line, x);
}

/// timeseries.csv, written as a run goes: one row per (rep, week, community),
/// street by street (rep, then street, then week, then the street's
/// communities; for one street the same as week, then community).
pub struct TimeseriesWriter {
    w: BufWriter<fs::File>,
    line: String,
}

impl TimeseriesWriter {
    /// Creates `path` and writes the header (the file lies in a staging folder
    /// that is swapped in whole, so it is not written atomically itself).
    pub fn create(path: &Path) -> io::Result<TimeseriesWriter> {
        let mut w = BufWriter::with_capacity(1 << 16, fs::File::create(path)?);
        let mut header = String::from("rep,week,street,community,community_type");
        for m in METRICS {
            header.push(',');
            header.push_str(m.name);
        }
        writeln!(w, "{header}")?;
        Ok(TimeseriesWriter { w, line: String::with_capacity(1024) })
    }

    /// The rows of one street's digest (`communities`: the street's, in order;
    /// the digest must hold its records).
    pub fn street(&mut self, d: &StreetDigest, communities: &[CommunityInfo]) -> io::Result<()> {
        let nc = communities.len();
        for (week, recs) in d.records.chunks(nc.max(1)).enumerate() {
            for (rec, info) in recs.iter().zip(communities) {
                self.line.clear();
                use std::fmt::Write as _;
                let _ = write!(self.line, "{},{week},{},{},{}", d.rep, info.street, info.name, info.kind.as_str());
                for m in METRICS {
                    push_f64(&mut self.line, (m.value)(rec));
                }
                self.line.push('\n');
                self.w.write_all(self.line.as_bytes())?;
            }
        }
        Ok(())
    }

    /// Flushes and syncs the file.
    pub fn finish(self) -> io::Result<()> {
        let f = self.w.into_inner().map_err(|e| e.into_error())?;
        f.sync_all()
    }
}

/// timeseries_types.csv: one row per (rep, week, community type and `all`),
/// metrics as ratios of the summed records of the type's communities.
pub fn write_timeseries_types(path: &Path, reps: &[RepDigest]) -> io::Result<()> {
    use carenet_model::metrics::summary::Group;
    write_atomic(path, |w| {
        let mut header = String::from("rep,week,community_type");
        for m in METRICS {
            header.push(',');
            header.push_str(m.name);
        }
        writeln!(w, "{header}")?;
        let mut line = String::with_capacity(1024);
        for (r, rep) in reps.iter().enumerate() {
            for (week, groups) in rep.weekly.iter().enumerate() {
                for (grp, sum) in Group::SUMMED.iter().zip(groups) {
                    let mut acc = *sum;
                    if acc.weeks == 0.0 {
                        continue;
                    }
                    acc.weeks = 1.0;
                    line.clear();
                    use std::fmt::Write as _;
                    let _ = write!(line, "{r},{week},{}", grp.as_str());
                    for m in METRICS {
                        push_f64(&mut line, (m.value)(&acc));
                    }
                    line.push('\n');
                    w.write_all(line.as_bytes())?;
                }
            }
        }
        Ok(())
    })
}

/// network_nodes.csv and network_edges.csv: the final network of the first
/// community of each type in replication 0 (`snaps`; `communities` in record order).
pub fn write_networks(
    nodes_path: &Path,
    edges_path: &Path,
    communities: &[CommunityInfo],
    snaps: &[NetworkSnapshot],
) -> io::Result<()> {
    write_atomic(nodes_path, |w| {
        writeln!(w, "community,community_type,node,grade,state,building")?;
        for s in snaps {
            let info = &communities[s.community];
            for &(node, grade, state, building) in &s.nodes {
                writeln!(
                    w,
                    "{},{},{node},{grade},{},{building}",
                    info.name,
                    info.kind.as_str(),
                    STATE_NAMES_SHORT[state as usize]
                )?;
            }
        }
        Ok(())
    })?;
    write_atomic(edges_path, |w| {
        writeln!(w, "community,community_type,a,b,strength")?;
        for s in snaps {
            let info = &communities[s.community];
            for &(a, b, strength) in &s.edges {
                writeln!(w, "{},{},{a},{b},{strength}", info.name, info.kind.as_str())?;
            }
        }
        Ok(())
    })
}

/// summary.csv: `package,metric,community_type,mean,sd,ci_low,ci_high,n`.
pub fn write_summary(path: &Path, rows: &[SummaryRow]) -> io::Result<()> {
    write_atomic(path, |w| {
        writeln!(w, "package,metric,community_type,mean,sd,ci_low,ci_high,n")?;
        for r in rows {
            let i = &r.interval;
            writeln!(
                w,
                "{},{},{},{},{},{},{},{}",
                r.package,
                r.metric,
                r.group.as_str(),
                fmt_f64(i.mean),
                fmt_f64(i.sd),
                fmt_f64(i.ci_low),
                fmt_f64(i.ci_high),
                i.n
            )?;
        }
        Ok(())
    })
}

/// breakdowns.csv: `package,metric,dimension,group,mean,ci_low,ci_high,n`:
/// each headline metric by age band, sex, living arrangement, community type
/// and grade over the summary window; mean and 95% interval across
/// replications, `n` = replications with a defined value.
pub fn write_breakdowns(path: &Path, rows: &[BreakdownRow]) -> io::Result<()> {
    write_atomic(path, |w| {
        writeln!(w, "package,metric,dimension,group,mean,ci_low,ci_high,n")?;
        for r in rows {
            let i = &r.interval;
            writeln!(
                w,
                "{},{},{},{},{},{},{},{}",
                r.package,
                r.metric,
                r.dimension,
                r.group,
                fmt_f64(i.mean),
                fmt_f64(i.ci_low),
                fmt_f64(i.ci_high),
                i.n
            )?;
        }
        Ok(())
    })
}

/// drift.csv: `metric,community_type,first_year,last_year,change,allowed,pass`:
/// each headline metric's mean over the first and the last reported year and
/// whether the change is within the stationarity rule
/// (`carenet_model::metrics::drift`).
pub fn write_drift(path: &Path, rows: &[DriftRow]) -> io::Result<()> {
    write_atomic(path, |w| {
        writeln!(w, "metric,community_type,first_year,last_year,change,allowed,pass")?;
        for r in rows {
            writeln!(
                w,
                "{},{},{},{},{},{},{}",
                r.metric,
                r.group.as_str(),
                fmt_f64(r.first_year),
                fmt_f64(r.last_year),
                fmt_f64(r.change),
                fmt_f64(r.allowed),
                r.pass
            )?;
        }
        Ok(())
    })
}

/// age_bands.csv: per replication and five-year band, the shares of the band's
/// person-weeks in each functional state, deaths and person-weeks (all
/// communities together).
pub fn write_age_bands(path: &Path, reps: &[RepDigest]) -> io::Result<()> {
    write_atomic(path, |w| {
        writeln!(w, "rep,age_band,{},deaths,person_weeks", STATE_NAMES_SHORT.join(","))?;
        for (r, rep) in reps.iter().enumerate() {
            let total = &rep.bands;
            for (b, band) in BAND_NAMES.iter().enumerate().take(N_BANDS) {
                let pw: f64 = total.person_weeks[b].iter().sum();
                let mut line = format!("{r},{band}");
                for weeks in total.person_weeks[b] {
                    push_f64(&mut line, if pw > 0.0 { weeks / pw } else { f64::NAN });
                }
                push_f64(&mut line, total.deaths[b]);
                push_f64(&mut line, pw);
                writeln!(w, "{line}")?;
            }
        }
        Ok(())
    })
}

/// manifest.json.
#[derive(Debug, Serialize)]
pub struct Manifest<'a> {
    pub carenet_version: &'a str,
    /// The git commit carenet was built from (`unknown` without git; `-dirty` with local changes).
    pub carenet_commit: &'a str,
    /// The build date (SOURCE_DATE_EPOCH, else the commit's date).
    pub build_date: &'a str,
    pub command: &'a str,
    pub scenario_name: &'a str,
    pub scenario_files: Vec<String>,
    /// Policy packages run (the baseline first for compare).
    pub packages: Vec<String>,
    pub seed: u64,
    pub reps: u32,
    pub weeks: u32,
    /// Weeks run before week 1 and not reported (`simulation.burn_in_weeks`).
    pub burn_in_weeks: u32,
    pub threads: Option<usize>,
    /// The command line's `--set KEY=VALUE` settings, in order (absent when none).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub overrides: Vec<String>,
    /// `run --timeseries`: `none`, `types` or `communities` (absent for other commands).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeseries: Option<&'a str>,
    /// `--ensemble`: the parameter sets run over (absent without one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ensemble: Option<EnsembleInfo>,
    pub elder_weeks: f64,
    pub wall_seconds: f64,
    pub elder_weeks_per_second: f64,
    pub files: Vec<&'a str>,
    pub scenario: &'a Scenario,
}

/// The ensemble of a run, in its manifest.
#[derive(Debug, Clone, Serialize)]
pub struct EnsembleInfo {
    /// The file as given on the command line.
    pub file: String,
    /// `sha256:` and the file's digest.
    pub checksum: String,
    /// Parameter sets in the file, and how many the replications reached.
    pub points: usize,
    pub points_reached: usize,
    /// The parameters the sets vary.
    pub keys: Vec<String>,
}

pub fn write_manifest(path: &Path, m: &Manifest) -> io::Result<()> {
    write_atomic(path, |w| {
        serde_json::to_writer_pretty(&mut *w, m).map_err(io::Error::other)?;
        writeln!(w)
    })
}

/// Paths of a run's files inside `dir`.
pub struct RunFiles {
    pub manifest: PathBuf,
    pub timeseries: PathBuf,
    pub timeseries_types: PathBuf,
    pub network_nodes: PathBuf,
    pub network_edges: PathBuf,
    pub summary: PathBuf,
    pub age_bands: PathBuf,
    pub breakdowns: PathBuf,
    pub drift: PathBuf,
}

impl RunFiles {
    pub fn in_dir(dir: &Path) -> RunFiles {
        RunFiles {
            manifest: dir.join("manifest.json"),
            timeseries: dir.join("timeseries.csv"),
            timeseries_types: dir.join("timeseries_types.csv"),
            network_nodes: dir.join("network_nodes.csv"),
            network_edges: dir.join("network_edges.csv"),
            summary: dir.join("summary.csv"),
            age_bands: dir.join("age_bands.csv"),
            breakdowns: dir.join("breakdowns.csv"),
            drift: dir.join("drift.csv"),
        }
    }
}

/// compare.csv: `package,metric,community_type,mean,ci_low,ci_high,diff,diff_ci_low,diff_ci_high,n,estimable`
/// (`estimable`: `true`/`false` on the cost-effectiveness ratios of a package, blank elsewhere;
/// a ratio that is not estimable is blank).
pub fn write_compare(path: &Path, rows: &[carenet_model::experiment::compare::CompareRow]) -> io::Result<()> {
    write_atomic(path, |w| {
        writeln!(w, "package,metric,community_type,mean,ci_low,ci_high,diff,diff_ci_low,diff_ci_high,n,estimable")?;
        for r in rows {
            writeln!(
                w,
                "{},{},{},{},{},{},{},{},{},{},{}",
                r.package,
                r.metric,
                r.group.as_str(),
                fmt_f64(r.value.mean),
                fmt_f64(r.value.ci_low),
                fmt_f64(r.value.ci_high),
                fmt_f64(r.diff.mean),
                fmt_f64(r.diff.ci_low),
                fmt_f64(r.diff.ci_high),
                r.value.n,
                match r.estimable {
                    Some(true) => "true",
                    Some(false) => "false",
                    None => "",
                }
            )?;
        }
        Ok(())
    })
}

/// ensemble.csv of `compare --ensemble`: per package, its effect on the
/// unmet-help rate across the ensemble's parameter sets.
pub fn write_ensemble(path: &Path, rows: &[carenet_model::experiment::compare::EnsembleRow]) -> io::Result<()> {
    write_atomic(path, |w| {
        writeln!(w, "package,metric,points,reps_per_point,effect_mean,effect_low,effect_high,p_lowers_1pt")?;
        for r in rows {
            writeln!(
                w,
                "{},unmet_help_rate,{},{},{},{},{},{}",
                r.package,
                r.points,
                r.reps_per_point,
                fmt_f64(r.effect_mean),
                fmt_f64(r.effect_low),
                fmt_f64(r.effect_high),
                fmt_f64(r.p_lowers_unmet_1pt)
            )?;
        }
        Ok(())
    })
}

/// Timeseries from compare digests: one row per (package, rep, week, group)
/// for the groups in `groups` (indices into `Group::SUMMED`); with
/// `with_package = false` the package column is left out (the run format).
pub fn write_digest_timeseries(
    path: &Path,
    res: &carenet_model::experiment::compare::CompareResult,
    packages: &[usize],
    groups: &[usize],
    with_package: bool,
) -> io::Result<()> {
    use carenet_model::metrics::summary::Group;
    write_atomic(path, |w| {
        let mut header =
            String::from(if with_package { "package,rep,week,community_type" } else { "rep,week,community_type" });
        for m in METRICS {
            header.push(',');
            header.push_str(m.name);
        }
        writeln!(w, "{header}")?;
        let mut line = String::with_capacity(1024);
        for &p in packages {
            for (r, d) in res.digests[p].iter().enumerate() {
                for (week, acc) in d.weekly.iter().enumerate() {
                    for &g in groups {
                        if acc[g].weeks == 0.0 {
                            continue;
                        }
                        line.clear();
                        use std::fmt::Write as _;
                        if with_package {
                            let _ = write!(line, "{},", res.packages[p]);
                        }
                        let _ = write!(line, "{r},{week},{}", Group::SUMMED[g].as_str());
                        for m in METRICS {
                            push_f64(&mut line, (m.value)(&acc[g]));
                        }
                        line.push('\n');
                        w.write_all(line.as_bytes())?;
                    }
                }
            }
        }
        Ok(())
    })
}

/// The columns of claims.csv.
pub const CLAIMS_HEADER: [&str; 16] = [
    "claim",
    "role",
    "kind",
    "section",
    "quote_zh",
    "statement_en",
    "metric",
    "group",
    "sesoi",
    "effect",
    "ci_low",
    "ci_high",
    "verdict",
    "emergent_share",
    "robust_share",
    "structures_survived",
];

/// The group a claim's metric is read on, in words: `all`, a type, or `A vs B`.
pub fn claim_group(c: &carenet_model::experiment::reproduce::Claim) -> String {
    let base = c.community_type.clone().unwrap_or_else(|| "all".into());
    let t = c.treatment.community_type.clone().unwrap_or_else(|| base.clone());
    let r = c.reference.community_type.clone().unwrap_or_else(|| base.clone());
    if t == r { t } else { format!("{t} vs {r}") }
}

/// The words of a spillover row: what it measures, and the flag when the remedy hurts the group.
pub fn spillover_statement(s: &carenet_model::experiment::reproduce::Spillover) -> String {
    let what = if s.verdict.is_none() {
        "cost: lever spending, yuan per elder-week".to_string()
    } else {
        format!("spillover on {} ({})", s.group, s.metric)
    };
    if s.harms { format!("{what}; HARMS this group while the remedy helps its target") } else { what }
}

/// claims.csv: one row per claim (`role` = claim) and per spillover of a remedy
/// (`role` = spillover); columns [`CLAIMS_HEADER`].
pub fn write_claims_csv(path: &Path, results: &[carenet_model::experiment::reproduce::ClaimResult]) -> io::Result<()> {
    write_atomic(path, |w| {
        let mut csv = csv::Writer::from_writer(w);
        csv.write_record(CLAIMS_HEADER)?;
        for r in results {
            let c = &r.claim;
            let survived = r.structures_survived().map(|v| if v.is_empty() { "none".to_string() } else { v.join(";") });
            csv.write_record([
                c.id.as_str(),
                "claim",
                c.kind.as_str(),
                c.section.as_str(),
                c.quote_zh.as_str(),
                c.statement_en.as_str(),
                c.metric.as_str(),
                &claim_group(c),
                &fmt_f64(c.sesoi),
                &fmt_f64(r.effect.mean),
                &fmt_f64(r.effect.ci_low),
                &fmt_f64(r.effect.ci_high),
                r.verdict.as_str(),
                &fmt_f64(r.emergent_share),
                &fmt_f64(r.robust_share),
                survived.as_deref().unwrap_or(""),
            ])?;
            for s in &r.spillovers {
                csv.write_record([
                    c.id.as_str(),
                    "spillover",
                    c.kind.as_str(),
                    c.section.as_str(),
                    "",
                    &spillover_statement(s),
                    s.metric.as_str(),
                    s.group.as_str(),
                    &fmt_f64(s.sesoi),
                    &fmt_f64(s.effect.mean),
                    &fmt_f64(s.effect.ci_low),
                    &fmt_f64(s.effect.ci_high),
                    s.verdict.map(|v| v.as_str()).unwrap_or(""),
                    "",
                    "",
                    "",
                ])?;
            }
        }
        csv.flush()?;
        Ok(())
    })
}

fn opt(x: f64, digits: usize) -> String {
    if x.is_finite() { format!("{x:.digits$}") } else { "—".into() }
}

/// The emergent-share group of a share, in words (docs/claims.md).
pub fn emergent_group(share: f64) -> &'static str {
    if !share.is_finite() {
        "undefined (effect below the SESOI)"
    } else if share.abs() < 0.25 {
        "by construction (< 0.25)"
    } else if share < 0.75 {
        "partly emergent (0.25–0.75)"
    } else {
        "mostly emergent (≥ 0.75)"
    }
}

/// The verdict rule, as claims.md prints it.
pub const VERDICT_RULE: &str = "With δ the claim's SESOI and the 95% interval of the effect turned so that \
positive is the expected direction: **supported** when the whole interval lies beyond +δ; \
**contradicted** when it lies wholly beyond −δ (the wrong direction); **negligible** when it \
lies wholly inside (−δ, +δ); **inconclusive** otherwise.";

/// claims.md: the tables of a reproduction, in Markdown: claims, spillovers, equal costs.
pub fn write_claims_md(
    path: &Path,
    results: &[carenet_model::experiment::reproduce::ClaimResult],
    command: &str,
    draws: &str,
) -> io::Result<()> {
    write_atomic(path, |w| {
        writeln!(w, "# The study's claims, checked\n")?;
        writeln!(w, "Command: `{command}`\n")?;
        writeln!(w, "Robustness draws: {draws}.\n")?;
        writeln!(w, "{VERDICT_RULE}\n")?;
        writeln!(
            w,
            "**Emergent share**: the mean effect with the claim's mechanism parameters neutral in both \
             arms, over the full mean effect (— when the full effect is smaller than the SESOI). \
             Near 0: the effect is the mechanism's, true by construction; near 1: it arises from \
             the rest of the model.\n"
        )?;
        writeln!(
            w,
            "| claim | kind | § | quote | statement | compares | metric (group) | SESOI | effect | 95% CI | verdict | emergent share | robust share | reps for sign | structures survived |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
        )?;
        for r in results {
            let c = &r.claim;
            let survived = r
                .structures_survived()
                .map(|v| if v.is_empty() { "none".to_string() } else { v.join("; ") })
                .unwrap_or_else(|| "not run".into());
            writeln!(
                w,
                "| {} | {} | {} | {} | {} | {} | `{}` ({}) | {} | {:+.4} | {:+.4} … {:+.4} | **{}**{} | {} | {} | {} | {} |",
                c.id,
                c.kind,
                c.section,
                c.quote_zh,
                c.statement_en,
                c.compares,
                c.metric,
                claim_group(c),
                c.sesoi,
                r.effect.mean,
                r.effect.ci_low,
                r.effect.ci_high,
                r.verdict.as_str(),
                if r.harms_a_group() { " ⚠ harms a group" } else { "" },
                opt(r.emergent_share, 2),
                opt(r.robust_share, 2),
                opt(r.reps_for_sign, 0),
                survived
            )?;
        }
        writeln!(w, "\n## Spillovers of the remedies\n")?;
        writeln!(w, "| claim | group | metric | SESOI | effect | 95% CI | verdict |\n|---|---|---|---|---|---|---|")?;
        for r in results {
            for s in &r.spillovers {
                writeln!(
                    w,
                    "| {} | {} | `{}` | {} | {:+.4} | {:+.4} … {:+.4} | {}{} |",
                    r.claim.id,
                    s.group,
                    s.metric,
                    if s.verdict.is_some() { s.sesoi.to_string() } else { "—".into() },
                    s.effect.mean,
                    s.effect.ci_low,
                    s.effect.ci_high,
                    s.verdict.map(|v| v.as_str()).unwrap_or("cost"),
                    if s.harms { " **⚠ harms this group**" } else { "" }
                )?;
            }
        }
        let equal: Vec<_> = results.iter().filter_map(|r| Some((r, r.equal_cost.as_ref()?))).collect();
        if !equal.is_empty() {
            writeln!(w, "\n## Equal cost\n")?;
            writeln!(
                w,
                "| claim | dose | default dose | scaled dose | treatment ¥/elder-week | reference ¥/elder-week (default dose) | reference ¥/elder-week (scaled) |\n|---|---|---|---|---|---|---|"
            )?;
            for (r, e) in equal {
                writeln!(
                    w,
                    "| {} | `{}` | {:.4} | {:.4} | {:.3} | {:.3} | {:.3} |",
                    r.claim.id,
                    e.dose_key,
                    e.dose_default,
                    e.dose_scaled,
                    e.cost_treatment,
                    e.cost_reference_default,
                    e.cost_reference_scaled
                )?;
            }
        }
        Ok(())
    })
}

/// sensitivity.csv: `method,metric,key,index,value,ci_low,ci_high`.
pub fn write_sensitivity(
    path: &Path,
    rows: &[carenet_model::experiment::sensitivity::SensitivityRow],
) -> std::io::Result<()> {
    write_atomic(path, |w| {
        writeln!(w, "method,metric,key,index,value,ci_low,ci_high")?;
        for r in rows {
            let e = &r.estimate;
            writeln!(
                w,
                "{},{},{},{},{},{},{}",
                r.method,
                r.metric,
                r.key,
                r.index,
                fmt_f64(e.value),
                fmt_f64(e.ci_low),
                fmt_f64(e.ci_high)
            )?;
        }
        Ok(())
    })
}
