//! Files of the reference model (docs/reference-model.md, "Files" and "Output"):
//! the exported starting population (`population.csv`, `ties.csv`, `params.json`),
//! the weekly rows and the timing JSON. Every file is written atomically
//! ([`crate::output::write_atomic`]). Reading checks everything and names file,
//! line and what is wrong; the messages start with `error: `.

use std::fmt::Write as _;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::output::write_atomic;
use carenet_model::reference::{self as model_ref, RefPopulation, RefWorld, Reference, WeekRow};
use carenet_model::scenario::registry::suggest;
use carenet_model::scenario::validate::reference_problems;

pub const POPULATION_CSV: &str = "population.csv";
pub const TIES_CSV: &str = "ties.csv";
pub const PARAMS_JSON: &str = "params.json";

pub const POPULATION_HEADER: &str = "id,community,state,lives_alone,loneliness,loneliness_base,willingness";
pub const TIES_HEADER: &str = "a,b,strength";
pub const ROWS_HEADER: &str = "engine,seed,week,alive,deaths,needing,need_hours,unmet_hours,help_hours,helpers,\
mean_loneliness,mean_willingness,mean_strength,grade1,grade2,grade3";

/// Writes `DIR/population.csv`, `DIR/ties.csv` and `DIR/params.json`.
pub fn export_dir(dir: &Path, world: &RefWorld, params: &Reference) -> io::Result<()> {
    let community = world.community_of_elders();
    write_atomic(&dir.join(POPULATION_CSV), |w| {
        writeln!(w, "{POPULATION_HEADER}")?;
        let mut line = String::with_capacity(128);
        for (i, block) in community.iter().enumerate().take(world.n_elders()) {
            line.clear();
            let _ = writeln!(
                line,
                "{i},{},{},{},{},{},{}",
                block,
                world.state()[i],
                u8::from(world.lives_alone()[i]),
                world.loneliness()[i],
                world.loneliness_base()[i],
                world.willingness()[i]
            );
            w.write_all(line.as_bytes())?;
        }
        Ok(())
    })?;
    write_atomic(&dir.join(TIES_CSV), |w| {
        writeln!(w, "{TIES_HEADER}")?;
        let mut line = String::with_capacity(64);
        for e in 0..world.n_ties() {
            line.clear();
            let _ = writeln!(line, "{},{},{}", world.tie_a()[e], world.tie_b()[e], world.strength()[e]);
            w.write_all(line.as_bytes())?;
        }
        Ok(())
    })?;
    write_params(&dir.join(PARAMS_JSON), params)
}

/// Writes the reference parameters as a JSON object keyed by parameter name.
pub fn write_params(path: &Path, params: &Reference) -> io::Result<()> {
    let text = serde_json::to_string_pretty(params).map_err(io::Error::other)?;
    write_atomic(path, |w| {
        w.write_all(text.as_bytes())?;
        w.write_all(b"\n")
    })
}

/// Reads an exported directory: the world and its parameters.
pub fn import_dir(dir: &Path) -> Result<(RefWorld, Reference), String> {
    let params = read_params(&dir.join(PARAMS_JSON))?;
    let pop_path = dir.join(POPULATION_CSV);
    let pop = read_population(&pop_path)?;
    let ties_path = dir.join(TIES_CSV);
    let ties = read_ties(&ties_path, &pop.community)?;
    let world = RefWorld::build(pop, &ties).map_err(|e| format!("error: {}: {e}", ties_path.display()))?;
    Ok((world, params))
}

/// Lines of a CSV file after its header, with 1-based line numbers; blank lines skipped.
struct Lines {
    path: PathBuf,
    reader: BufReader<File>,
    buf: String,
    line: usize,
}

impl Lines {
    fn open(path: &Path, header: &str) -> Result<Lines, String> {
        let file = File::open(path).map_err(|e| format!("error: cannot read {}: {e}", path.display()))?;
        let mut lines = Lines {
            path: path.to_path_buf(),
            reader: BufReader::with_capacity(1 << 16, file),
            buf: String::new(),
            line: 0,
        };
        let found = lines.next_line()?.map(|h| (h == header, shorten(h)));
        match found {
            Some((true, _)) => Ok(lines),
            Some((false, h)) => {
                Err(format!("error: {}:{}: the header is `{h}`, expected `{header}`", path.display(), lines.line))
            }
            None => Err(format!("error: {}: the file is empty; expected the header `{header}`", path.display())),
        }
    }

    fn next_line(&mut self) -> Result<Option<&str>, String> {
        loop {
            self.buf.clear();
            let read = self
                .reader
                .read_line(&mut self.buf)
                .map_err(|e| format!("error: {}:{}: {e}", self.path.display(), self.line + 1))?;
            if read == 0 {
                return Ok(None);
            }
            self.line += 1;
            let t = self.buf.trim_end_matches(['\n', '\r']);
            if !t.trim().is_empty() {
                let len = t.len();
                return Ok(Some(&self.buf[..len]));
            }
        }
    }

    fn err(&self, message: impl std::fmt::Display) -> String {
        format!("error: {}:{}: {message}", self.path.display(), self.line)
    }
}

fn shorten(s: &str) -> String {
    if s.chars().count() > 60 { format!("{}…", s.chars().take(60).collect::<String>()) } else { s.to_string() }
}

/// Splits a row into exactly `N` fields named `names`.
fn fields<'a, const N: usize>(row: &'a str, names: &[&str; N]) -> Result<[&'a str; N], String> {
    let mut out = [""; N];
    let mut parts = row.split(',');
    for (k, slot) in out.iter_mut().enumerate() {
        match parts.next() {
            Some(p) => *slot = p.trim(),
            None => {
                return Err(format!("{k} fields, expected {N} ({})", names.join(",")));
            }
        }
    }
    let extra = parts.count();
    if extra > 0 {
        return Err(format!("{} fields, expected {N} ({})", N + extra, names.join(",")));
    }
    Ok(out)
}

fn parse_int<T: std::str::FromStr>(name: &str, text: &str, allowed: &str) -> Result<T, String> {
    text.parse::<T>().map_err(|_| format!("`{name}` = `{}` is not {allowed}", shorten(text)))
}

fn parse_unit(name: &str, text: &str) -> Result<f32, String> {
    match text.parse::<f32>() {
        Ok(v) if v.is_finite() && (0.0..=1.0).contains(&v) => Ok(v),
        Ok(_) => Err(format!("`{name}` = {text} is out of range (allowed: a number from 0 to 1)")),
        Err(_) => Err(format!("`{name}` = `{}` is not a number", shorten(text))),
    }
}

const POPULATION_FIELDS: [&str; 7] =
    ["id", "community", "state", "lives_alone", "loneliness", "loneliness_base", "willingness"];

/// Reads population.csv (ids 0…N−1 in order, elders numbered community by community).
pub fn read_population(path: &Path) -> Result<RefPopulation, String> {
    let mut lines = Lines::open(path, POPULATION_HEADER)?;
    let mut pop = RefPopulation::default();
    while let Some(row) = lines.next_line()? {
        let parsed = (|| -> Result<(), String> {
            let f = fields(row, &POPULATION_FIELDS)?;
            let id: u64 = parse_int("id", f[0], "an elder id (an integer ≥ 0)")?;
            if id != pop.len() as u64 {
                return Err(format!("`id` = {id}, expected {} (ids are 0, 1, 2, … in order)", pop.len()));
            }
            if pop.len() >= model_ref::MAX_ELDERS {
                return Err(format!("more than {} elders", model_ref::MAX_ELDERS));
            }
            let community: u32 = parse_int("community", f[1], "a community number (an integer ≥ 0)")?;
            if let Some(&last) = pop.community.last()
                && community < last
            {
                return Err(format!(
                    "`community` = {community} after {last}: elders must be numbered community by community"
                ));
            }
            let state: u8 = parse_int("state", f[2], "a functional state (0, 1, 2 or 3)")?;
            if state > 3 {
                return Err(format!("`state` = {state} is out of range (allowed: 0, 1, 2, 3)"));
            }
            let lives_alone = match f[3] {
                "0" | "false" | "False" => false,
                "1" | "true" | "True" => true,
                other => return Err(format!("`lives_alone` = `{}` is not 0 or 1", shorten(other))),
            };
            let loneliness = parse_unit("loneliness", f[4])?;
            let base = parse_unit("loneliness_base", f[5])?;
            let willingness = parse_unit("willingness", f[6])?;
            pop.community.push(community);
            pop.state.push(state);
            pop.lives_alone.push(lives_alone);
            pop.loneliness.push(loneliness);
            pop.loneliness_base.push(base);
            pop.willingness.push(willingness);
            Ok(())
        })();
        parsed.map_err(|m| lines.err(m))?;
    }
    if pop.is_empty() {
        return Err(format!("error: {}: no elders (only a header)", path.display()));
    }
    Ok(pop)
}

/// Reads ties.csv against the population's communities.
pub fn read_ties(path: &Path, community: &[u32]) -> Result<Vec<(u32, u32, f32)>, String> {
    let mut lines = Lines::open(path, TIES_HEADER)?;
    let n = community.len();
    let mut ties: Vec<(u32, u32, f32)> = Vec::new();
    while let Some(row) = lines.next_line()? {
        let parsed = (|| -> Result<(u32, u32, f32), String> {
            let f = fields(row, &["a", "b", "strength"])?;
            let a: u32 = parse_int("a", f[0], "an elder id")?;
            let b: u32 = parse_int("b", f[1], "an elder id")?;
            if a >= b {
                return Err(format!("tie ({a}, {b}): `a` must be below `b`"));
            }
            if b as usize >= n {
                return Err(format!("tie ({a}, {b}): population.csv has elders 0 to {}", n - 1));
            }
            if community[a as usize] != community[b as usize] {
                return Err(format!(
                    "tie ({a}, {b}) joins communities {} and {} (ties never cross communities)",
                    community[a as usize], community[b as usize]
                ));
            }
            if let Some(&(pa, pb, _)) = ties.last()
                && (pa, pb) >= (a, b)
            {
                return Err(format!("tie ({a}, {b}) after ({pa}, {pb}): ties must be sorted by (a, b), each once"));
            }
            if ties.len() >= model_ref::MAX_ELDERS {
                return Err(format!("more than {} ties", model_ref::MAX_ELDERS));
            }
            let s = parse_unit("strength", f[2])?;
            Ok((a, b, s))
        })();
        ties.push(parsed.map_err(|m| lines.err(m))?);
    }
    Ok(ties)
}

/// The reference parameters' keys, in order.
pub fn param_keys() -> Vec<String> {
    match serde_json::to_value(Reference::default()) {
        Ok(serde_json::Value::Object(m)) => m.keys().cloned().collect(),
        _ => Vec::new(),
    }
}

/// 1-based line of the first `"key"` in `text` (1 if absent).
fn line_of_key(text: &str, key: &str) -> usize {
    let quoted = format!("\"{key}\"");
    text.find(&quoted).map_or(1, |at| text[..at].matches('\n').count() + 1)
}

/// Reads params.json: every reference parameter, no other, each in range.
pub fn read_params(path: &Path) -> Result<Reference, String> {
    let shown = path.display();
    let text = std::fs::read_to_string(path).map_err(|e| format!("error: cannot read {shown}: {e}"))?;
    let value: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| format!("error: {shown}:{}:{}: invalid JSON: {e}", e.line(), e.column()))?;
    let Some(object) = value.as_object() else {
        return Err(format!("error: {shown}:1: expected a JSON object of the reference parameters"));
    };
    let keys = param_keys();
    for k in object.keys() {
        if !keys.contains(k) {
            let best = suggest(k, keys.iter().map(String::as_str));
            let hint = best.map(|b| format!("; did you mean `{b}`?")).unwrap_or_default();
            return Err(format!("error: {shown}:{}: unknown parameter `{k}`{hint}", line_of_key(&text, k)));
        }
    }
    let missing: Vec<&str> = keys.iter().filter(|k| !object.contains_key(*k)).map(String::as_str).collect();
    if !missing.is_empty() {
        return Err(format!("error: {shown}: missing parameter(s): {}", missing.join(", ")));
    }
    let mut de = serde_json::Deserializer::from_str(&text);
    let params: Reference = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let key = e.path().to_string();
        let inner = e.into_inner();
        format!("error: {shown}:{}:{}: `{key}`: {inner}", inner.line(), inner.column())
    })?;
    if let Some(p) = reference_problems(&params, "").first() {
        let key = p.path.split('[').next().unwrap_or(&p.path);
        return Err(format!(
            "error: {shown}:{}: `{}` {} (allowed: {})",
            line_of_key(&text, key),
            p.path,
            p.message,
            p.allowed
        ));
    }
    Ok(params)
}

fn push_f64(line: &mut String, x: f64) {
    line.push(',');
    if x.is_finite() {
        let _ = write!(line, "{x}");
    }
}

/// Writes the weekly rows (with their header) for `engine`.
pub fn write_rows(w: &mut dyn Write, engine: &str, rows: &[WeekRow]) -> io::Result<()> {
    writeln!(w, "{ROWS_HEADER}")?;
    let mut line = String::with_capacity(256);
    for r in rows {
        line.clear();
        let _ = write!(line, "{engine},{},{},{},{},{}", r.seed, r.week, r.alive, r.deaths, r.needing);
        push_f64(&mut line, r.need_hours);
        push_f64(&mut line, r.unmet_hours);
        push_f64(&mut line, r.help_hours);
        let _ = write!(line, ",{}", r.helpers);
        push_f64(&mut line, r.mean_loneliness);
        push_f64(&mut line, r.mean_willingness);
        push_f64(&mut line, r.mean_strength);
        let _ = writeln!(line, ",{},{},{}", r.grade[0], r.grade[1], r.grade[2]);
        w.write_all(line.as_bytes())?;
    }
    Ok(())
}

/// The `--timing` file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Timing {
    pub engine: String,
    pub n_elders: u64,
    pub weeks: u32,
    pub seeds: u32,
    /// Reading or synthesising the population.
    pub setup_seconds: f64,
    /// The weekly loops only, all seeds.
    pub step_seconds: f64,
}

impl Timing {
    /// Elder-weeks per second of stepping.
    pub fn elder_weeks_per_second(&self) -> f64 {
        self.n_elders as f64 * f64::from(self.weeks) * f64::from(self.seeds) / self.step_seconds.max(1e-12)
    }
}

pub fn write_timing(path: &Path, t: &Timing) -> io::Result<()> {
    let text = serde_json::to_string_pretty(t).map_err(io::Error::other)?;
    write_atomic(path, |w| {
        w.write_all(text.as_bytes())?;
        w.write_all(b"\n")
    })
}
