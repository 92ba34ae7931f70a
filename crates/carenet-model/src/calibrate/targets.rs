//! Calibration targets and held-out patterns: the targets file
//! (`scenarios/targets/*.toml`, format in docs/calibration.md), parsed with
//! file:line:column errors, and each quantity's value in one replication.
//!
//! A [`Selection`] names a simulated quantity: a metric of
//! [`crate::metrics::METRICS`] (or a sum of them), optionally on one community
//! type and a week window; or, with a `dimension` and `group` of
//! breakdowns.csv, a metric of [`crate::metrics::breakdown::CELL_METRICS`] (or
//! `population_share`, the group's share of person-weeks) over the summary
//! window. A [`Quantity`] is one selection, or the ratio or difference of two.

use serde::Deserialize;
use toml::Spanned;

use crate::experiment::RepResult;
use crate::metrics::breakdown::{Breakdown, CELL_METRICS, Cell, DIMENSIONS, GRADE_NAMES, LIVING_NAMES, SEX_NAMES};
use crate::metrics::{BAND_NAMES, METRICS, WeekRecord};
use crate::scenario::CommunityType;

/// The pseudo-metric of a breakdown group: its share of all person-weeks.
pub const POPULATION_SHARE: &str = "population_share";

/// A problem in a targets file, at a place (1-based line and column).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{file}:{line}:{column}: {message}")]
pub struct TargetsError {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// One simulated quantity of one replication.
#[derive(Debug, Clone, PartialEq)]
pub struct Selection {
    /// Metric names, summed (one name for a single metric).
    pub metrics: Vec<String>,
    /// A dimension of breakdowns.csv, with `group`.
    pub dimension: Option<String>,
    pub group: Option<String>,
    /// Only the communities of this type.
    pub community_type: Option<CommunityType>,
    /// Reported weeks `[first, last]` (1-based, inclusive); `None`: the summary window.
    pub weeks: Option<[u32; 2]>,
    /// Where `weeks` is written (line, column), for a later check against the run's length.
    pub weeks_at: (usize, usize),
}

/// A selection, or the ratio or difference of two.
#[derive(Debug, Clone, PartialEq)]
pub enum Quantity {
    Value(Selection),
    Ratio(Selection, Selection),
    Difference(Selection, Selection),
}

/// A calibration target.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub id: String,
    pub quantity: Quantity,
    pub observed: f64,
    /// Variance of the observation (se², or (interval width / 3.92)²).
    pub obs_var: f64,
    /// Model-discrepancy standard deviation.
    pub discrepancy: f64,
    pub source: String,
}

impl Target {
    /// Observation plus discrepancy variance.
    pub fn base_var(&self) -> f64 {
        self.obs_var + self.discrepancy * self.discrepancy
    }

    /// The band a simulated mean must fall in to pass without emulator or
    /// Monte-Carlo variance: observed ± `cutoff` × √(obs var + discrepancy²).
    pub fn band(&self, cutoff: f64) -> [f64; 2] {
        let h = cutoff * self.base_var().sqrt();
        [self.observed - h, self.observed + h]
    }
}

/// A held-out pattern: a quantity and the band, stated before calibration,
/// the simulated mean must fall in.
#[derive(Debug, Clone, PartialEq)]
pub struct Pattern {
    pub id: String,
    pub quantity: Quantity,
    pub observed: Option<f64>,
    pub band: [f64; 2],
    pub source: String,
}

/// A parsed targets file: its targets and its patterns.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetFile {
    pub file: String,
    pub targets: Vec<Target>,
    pub patterns: Vec<Pattern>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    target: Vec<Spanned<RawEntry>>,
    #[serde(default)]
    pattern: Vec<Spanned<RawEntry>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSelection {
    metric: Spanned<toml::Value>,
    dimension: Option<Spanned<String>>,
    group: Option<Spanned<String>>,
    community_type: Option<Spanned<String>>,
    weeks: Option<Spanned<[i64; 2]>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    id: Spanned<String>,
    metric: Option<Spanned<toml::Value>>,
    dimension: Option<Spanned<String>>,
    group: Option<Spanned<String>>,
    community_type: Option<Spanned<String>>,
    weeks: Option<Spanned<[i64; 2]>>,
    ratio: Option<Spanned<Vec<RawSelection>>>,
    difference: Option<Spanned<Vec<RawSelection>>>,
    observed: Option<Spanned<f64>>,
    se: Option<Spanned<f64>>,
    interval: Option<Spanned<[f64; 2]>>,
    discrepancy: Option<Spanned<f64>>,
    #[allow(dead_code)]
    discrepancy_reason: Option<String>,
    band: Option<Spanned<[f64; 2]>>,
    source: Option<String>,
}

struct Ctx<'a> {
    text: &'a str,
    file: &'a str,
}

impl Ctx<'_> {
    fn at(&self, span: std::ops::Range<usize>, message: impl Into<String>) -> TargetsError {
        let (line, column) = line_col(self.text, span.start);
        TargetsError { file: self.file.to_string(), line, column, message: message.into() }
    }
}

/// 1-based line and column (characters) of byte `offset` in `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let p = crate::scenario::diag::Position::from_offset(text, offset);
    (p.line, p.column)
}

fn group_names(dimension: &str) -> Vec<&'static str> {
    match dimension {
        "age_band" => BAND_NAMES.to_vec(),
        "sex" => SEX_NAMES.to_vec(),
        "living_arrangement" => LIVING_NAMES.to_vec(),
        "grade" => GRADE_NAMES.to_vec(),
        "community_type" => CommunityType::ALL.iter().map(|t| t.as_str()).collect(),
        _ => Vec::new(),
    }
}

fn community_type(name: &str) -> Option<CommunityType> {
    CommunityType::ALL.iter().copied().find(|t| t.as_str() == name)
}

#[allow(clippy::too_many_arguments)]
fn selection(
    cx: &Ctx,
    entry_span: std::ops::Range<usize>,
    metric: Option<&Spanned<toml::Value>>,
    dimension: Option<&Spanned<String>>,
    group: Option<&Spanned<String>>,
    ctype: Option<&Spanned<String>>,
    weeks: Option<&Spanned<[i64; 2]>>,
) -> Result<Selection, TargetsError> {
    let Some(metric) = metric else {
        return Err(cx.at(entry_span, "no `metric` (give `metric`, or `ratio` / `difference` of two selections)"));
    };
    let names: Vec<String> = match metric.get_ref() {
        toml::Value::String(s) => vec![s.clone()],
        toml::Value::Array(a) if !a.is_empty() && a.iter().all(|v| v.is_str()) => {
            a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect()
        }
        _ => return Err(cx.at(metric.span(), "`metric` must be a metric name or a non-empty array of names")),
    };
    let dim = match dimension {
        Some(d) => {
            if !DIMENSIONS.contains(&d.get_ref().as_str()) {
                return Err(
                    cx.at(d.span(), format!("unknown dimension `{}`; allowed: {}", d.get_ref(), DIMENSIONS.join(", ")))
                );
            }
            let Some(g) = group else {
                return Err(cx.at(d.span(), format!("`dimension = \"{}\"` needs a `group`", d.get_ref())));
            };
            let groups = group_names(d.get_ref());
            if !groups.contains(&g.get_ref().as_str()) {
                return Err(cx.at(
                    g.span(),
                    format!("unknown group `{}` of {}; allowed: {}", g.get_ref(), d.get_ref(), groups.join(", ")),
                ));
            }
            Some(d.get_ref().clone())
        }
        None => {
            if let Some(g) = group {
                return Err(cx.at(g.span(), "`group` needs a `dimension`"));
            }
            None
        }
    };
    for name in &names {
        let ok = match dim {
            Some(_) => name == POPULATION_SHARE || CELL_METRICS.iter().any(|m| m.name == name),
            None => METRICS.iter().any(|m| m.name == name),
        };
        if !ok {
            let allowed: Vec<&str> = match dim {
                Some(_) => CELL_METRICS.iter().map(|m| m.name).chain([POPULATION_SHARE]).collect(),
                None => METRICS.iter().map(|m| m.name).collect(),
            };
            let mut msg = format!(
                "unknown metric `{name}`{}; allowed: {}",
                if dim.is_some() { " for a breakdown dimension" } else { "" },
                allowed.join(", ")
            );
            if let Some(s) = crate::scenario::registry::suggest(name, allowed.iter().copied()) {
                msg.push_str(&format!(" (did you mean `{s}`?)"));
            }
            return Err(cx.at(metric.span(), msg));
        }
    }
    if names.len() > 1 && names.iter().any(|n| n == POPULATION_SHARE) {
        return Err(cx.at(metric.span(), "`population_share` cannot be summed with other metrics"));
    }
    let ct = match ctype {
        Some(c) => {
            let Some(t) = community_type(c.get_ref()) else {
                let all: Vec<&str> = CommunityType::ALL.iter().map(|t| t.as_str()).collect();
                return Err(
                    cx.at(c.span(), format!("unknown community type `{}`; allowed: {}", c.get_ref(), all.join(", ")))
                );
            };
            if dim.as_deref() == Some("community_type") {
                return Err(cx.at(c.span(), "`community_type` together with `dimension = \"community_type\"`"));
            }
            Some(t)
        }
        None => None,
    };
    let (w, weeks_at) = match weeks {
        Some(w) => {
            let [a, b] = *w.get_ref();
            if a < 1 || b < a || b > u32::MAX as i64 {
                return Err(cx.at(w.span(), "`weeks = [first, last]` needs 1 ≤ first ≤ last (reported weeks)"));
            }
            if dim.is_some() {
                return Err(cx.at(
                    w.span(),
                    "`weeks` cannot be given with a `dimension`: breakdowns are tallied over the summary window only",
                ));
            }
            (Some([a as u32, b as u32]), line_col(cx.text, w.span().start))
        }
        None => (None, (0, 0)),
    };
    Ok(Selection {
        metrics: names,
        dimension: dim,
        group: group.map(|g| g.get_ref().clone()),
        community_type: ct,
        weeks: w,
        weeks_at,
    })
}

fn quantity(cx: &Ctx, span: std::ops::Range<usize>, e: &RawEntry) -> Result<Quantity, TargetsError> {
    let pair = |which: &Spanned<Vec<RawSelection>>| -> Result<(Selection, Selection), TargetsError> {
        let v = which.get_ref();
        if v.len() != 2 {
            return Err(cx.at(which.span(), format!("needs exactly two selections, not {}", v.len())));
        }
        let one = |s: &RawSelection| {
            selection(
                cx,
                which.span(),
                Some(&s.metric),
                s.dimension.as_ref(),
                s.group.as_ref(),
                s.community_type.as_ref(),
                s.weeks.as_ref(),
            )
        };
        Ok((one(&v[0])?, one(&v[1])?))
    };
    let direct = e.metric.is_some()
        || e.dimension.is_some()
        || e.group.is_some()
        || e.community_type.is_some()
        || e.weeks.is_some();
    match (&e.ratio, &e.difference) {
        (Some(r), None) if !direct => pair(r).map(|(a, b)| Quantity::Ratio(a, b)),
        (None, Some(d)) if !direct => pair(d).map(|(a, b)| Quantity::Difference(a, b)),
        (None, None) => selection(
            cx,
            span,
            e.metric.as_ref(),
            e.dimension.as_ref(),
            e.group.as_ref(),
            e.community_type.as_ref(),
            e.weeks.as_ref(),
        )
        .map(Quantity::Value),
        _ => Err(cx.at(span, "give one of `metric` (with its selection keys), `ratio` or `difference`")),
    }
}

impl TargetFile {
    /// Parses a targets file (`[[target]]` and `[[pattern]]` entries).
    pub fn parse(text: &str, file: &str) -> Result<TargetFile, TargetsError> {
        let cx = Ctx { text, file };
        let raw: RawFile = toml::from_str(text).map_err(|e| {
            let (line, column) = e.span().map(|sp| line_col(text, sp.start)).unwrap_or((1, 1));
            TargetsError { file: file.to_string(), line, column, message: e.message().trim().to_string() }
        })?;
        let mut ids: Vec<String> = Vec::new();
        let mut check_id = |id: &Spanned<String>| -> Result<String, TargetsError> {
            let s = id.get_ref().clone();
            if s.is_empty() || !s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
                return Err(cx.at(id.span(), "an id is letters, digits, `_` and `-` (it names a CSV row)"));
            }
            if ids.contains(&s) {
                return Err(cx.at(id.span(), format!("duplicate id `{s}`")));
            }
            ids.push(s.clone());
            Ok(s)
        };
        let positive = |v: &Spanned<f64>, what: &str, zero_ok: bool| -> Result<f64, TargetsError> {
            let x = *v.get_ref();
            if !x.is_finite() || x < 0.0 || (!zero_ok && x == 0.0) {
                return Err(cx.at(
                    v.span(),
                    format!("`{what}` must be a {} finite number", if zero_ok { "non-negative" } else { "positive" }),
                ));
            }
            Ok(x)
        };
        let mut targets = Vec::new();
        for t in &raw.target {
            let span = t.span();
            let e = t.get_ref();
            let id = check_id(&e.id)?;
            if let Some(b) = &e.band {
                return Err(cx.at(b.span(), "`band` belongs to a [[pattern]]; a [[target]] has `se` or `interval`"));
            }
            let quantity = quantity(&cx, span.clone(), e)?;
            let Some(obs) = &e.observed else { return Err(cx.at(span, format!("target `{id}` has no `observed`"))) };
            let observed = *obs.get_ref();
            if !observed.is_finite() {
                return Err(cx.at(obs.span(), "`observed` must be a finite number"));
            }
            let obs_var = match (&e.se, &e.interval) {
                (Some(se), None) => positive(se, "se", true)?.powi(2),
                (None, Some(iv)) => {
                    let [lo, hi] = *iv.get_ref();
                    if !(lo.is_finite() && hi.is_finite() && lo <= observed && observed <= hi && lo < hi) {
                        return Err(cx.at(iv.span(), "`interval = [low, high]` must hold `observed`, low < high"));
                    }
                    ((hi - lo) / 3.92).powi(2)
                }
                _ => return Err(cx.at(span, format!("target `{id}` needs one of `se` or `interval` (a 95% interval)"))),
            };
            let Some(d) = &e.discrepancy else {
                return Err(
                    cx.at(span, format!("target `{id}` has no `discrepancy` (model discrepancy SD; 0 for none)"))
                );
            };
            let discrepancy = positive(d, "discrepancy", true)?;
            if obs_var + discrepancy * discrepancy == 0.0 {
                return Err(cx.at(d.span(), "`se` (or `interval`) and `discrepancy` are both 0: nothing could pass"));
            }
            targets.push(Target {
                id,
                quantity,
                observed,
                obs_var,
                discrepancy,
                source: e.source.clone().unwrap_or_default(),
            });
        }
        let mut patterns = Vec::new();
        for p in &raw.pattern {
            let span = p.span();
            let e = p.get_ref();
            let id = check_id(&e.id)?;
            for (present, key) in [
                (e.se.as_ref().map(|s| s.span()), "se"),
                (e.interval.as_ref().map(|s| s.span()), "interval"),
                (e.discrepancy.as_ref().map(|s| s.span()), "discrepancy"),
            ] {
                if let Some(sp) = present {
                    return Err(cx.at(sp, format!("`{key}` belongs to a [[target]]; a [[pattern]] has a `band`")));
                }
            }
            let quantity = quantity(&cx, span.clone(), e)?;
            let Some(b) = &e.band else {
                return Err(cx.at(span, format!("pattern `{id}` has no `band = [low, high]`")));
            };
            let [lo, hi] = *b.get_ref();
            if !(lo.is_finite() && hi.is_finite() && lo <= hi) {
                return Err(cx.at(b.span(), "`band = [low, high]` needs finite low ≤ high"));
            }
            patterns.push(Pattern {
                id,
                quantity,
                observed: e.observed.as_ref().map(|o| *o.get_ref()),
                band: [lo, hi],
                source: e.source.clone().unwrap_or_default(),
            });
        }
        if targets.is_empty() && patterns.is_empty() {
            return Err(TargetsError {
                file: file.to_string(),
                line: 1,
                column: 1,
                message: "no [[target]] or [[pattern]] entries".into(),
            });
        }
        Ok(TargetFile { file: file.to_string(), targets, patterns })
    }

    /// Checks every week window against a run of `weeks` reported weeks.
    pub fn check_weeks(&self, weeks: u32) -> Result<(), TargetsError> {
        let quantities = self.targets.iter().map(|t| &t.quantity).chain(self.patterns.iter().map(|p| &p.quantity));
        for q in quantities {
            for s in q.selections() {
                if let Some([_, last]) = s.weeks
                    && last > weeks
                {
                    return Err(TargetsError {
                        file: self.file.clone(),
                        line: s.weeks_at.0,
                        column: s.weeks_at.1,
                        message: format!("`weeks` ends at week {last}, but the run reports {weeks} weeks"),
                    });
                }
            }
        }
        Ok(())
    }
}

impl Quantity {
    /// The selections of the quantity (one or two).
    pub fn selections(&self) -> Vec<&Selection> {
        match self {
            Quantity::Value(a) => vec![a],
            Quantity::Ratio(a, b) | Quantity::Difference(a, b) => vec![a, b],
        }
    }

    /// The quantity in one replication.
    pub fn value(&self, rep: &RepResult, kinds: &[CommunityType], weeks: u32, window: u32) -> f64 {
        let v = |s: &Selection| s.value(rep, kinds, weeks, window);
        match self {
            Quantity::Value(a) => v(a),
            Quantity::Ratio(a, b) => {
                let d = v(b);
                if d != 0.0 { v(a) / d } else { f64::NAN }
            }
            Quantity::Difference(a, b) => v(a) - v(b),
        }
    }
}

impl Selection {
    fn includes(&self, k: CommunityType) -> bool {
        self.community_type.is_none_or(|t| t == k)
    }

    /// The selection in one replication (`rep`, communities of kinds `kinds`,
    /// `weeks` reported weeks, breakdowns over the last `window`).
    pub fn value(&self, rep: &RepResult, kinds: &[CommunityType], weeks: u32, window: u32) -> f64 {
        match &self.dimension {
            None => {
                let [first, last] = self.weeks.unwrap_or([weeks - window.min(weeks) + 1, weeks]);
                let nc = kinds.len();
                let mut acc = WeekRecord::default();
                for w in (first - 1) as usize..(last as usize).min(weeks as usize) {
                    let mut week = WeekRecord::default();
                    for (c, &k) in kinds.iter().enumerate() {
                        if self.includes(k) {
                            week.add(&rep.records[w * nc + c]);
                        }
                    }
                    if week.weeks > 0.0 {
                        week.weeks = 1.0;
                    }
                    acc.add(&week);
                }
                self.metrics
                    .iter()
                    .map(|n| METRICS.iter().find(|m| m.name == n).map_or(f64::NAN, |m| (m.value)(&acc)))
                    .sum()
            }
            Some(dim) => {
                let group = self.group.as_deref().unwrap_or("");
                let mut all = Breakdown::default();
                let mut cell = Cell::default();
                for (b, &k) in rep.breakdowns.iter().zip(kinds) {
                    if !self.includes(k) {
                        continue;
                    }
                    all.add(b);
                    if dim == "community_type" && k.as_str() == group {
                        cell.add(&b.total());
                    }
                }
                if dim != "community_type" {
                    cell = all.groups(dim).into_iter().find(|(g, _)| *g == group).map(|(_, c)| c).unwrap_or_default();
                }
                self.metrics
                    .iter()
                    .map(|n| {
                        if n == POPULATION_SHARE {
                            let total = all.total().person_weeks;
                            if total > 0.0 { cell.person_weeks / total } else { f64::NAN }
                        } else {
                            CELL_METRICS.iter().find(|m| m.name == n).map_or(f64::NAN, |m| (m.value)(&cell))
                        }
                    })
                    .sum()
            }
        }
    }
}
