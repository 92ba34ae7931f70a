//! The parts of a sharded run: one file per (replication, street) digest in
//! `DIR/parts/`, written exactly (every float as the shortest decimal that reads
//! back to its bits), so
//! `carenet merge DIR` adds them in order and writes the same bytes as an
//! unsharded run. The plan of the run (`parts/run.json`, with the resolved
//! scenario) is written by every shard, and a shard of another run is refused.
//!
//! A part file is lines of words: a first line
//! `carenet-run-part 1 rep R street S weeks W`, then `week G X…` (per week,
//! the four group sums), `bands X…`, `all X…` (the breakdown cells),
//! `type T X…` (a community type's cell), `net C NODES EDGES` followed by its
//! `n …` and `e …` lines, `rec X…` (per week and community, only when kept),
//! and a last line `end`.

use std::fmt::Write as _;
use std::io;
use std::path::{Path, PathBuf};

use carenet_model::experiment::NetworkSnapshot;
use carenet_model::experiment::city::StreetDigest;
use carenet_model::metrics::breakdown::{BreakdownDigest, Cell, N_CELLS};
use carenet_model::metrics::{AgeBands, N_BANDS, WeekRecord};

use crate::output::write_atomic;

/// The folder of a sharded run's parts.
pub fn parts_dir(dir: &Path) -> PathBuf {
    dir.join("parts")
}

/// The file of replication `rep`, street `street`.
pub fn part_path(dir: &Path, rep: u32, street: usize) -> PathBuf {
    parts_dir(dir).join(format!("rep-{rep:04}-street-{street:05}.part"))
}

/// Writes each float exactly: the shortest decimal that reads back to the same
/// bits (Rust's float formatting round-trips), or `x` and the hex of its bits
/// for NaN, infinities and −0.
fn push_exact(line: &mut String, xs: impl IntoIterator<Item = f64>) {
    for x in xs {
        let a = x.abs();
        if !x.is_finite() || (x == 0.0 && x.is_sign_negative()) {
            let _ = write!(line, " x{:016x}", x.to_bits());
        } else if a == 0.0 || (1e-5..1e16).contains(&a) {
            let _ = write!(line, " {x}");
        } else {
            let _ = write!(line, " {x:e}");
        }
    }
}

fn cell_fields(c: &Cell) -> [f64; 13] {
    [
        c.person_weeks,
        c.isolated,
        c.lonely,
        c.loneliness_sum,
        c.registered,
        c.paired,
        c.state[0],
        c.state[1],
        c.state[2],
        c.state[3],
        c.help_requested,
        c.help_unmet,
        c.deaths,
    ]
}

fn cell_from(x: &[f64]) -> Cell {
    Cell {
        person_weeks: x[0],
        isolated: x[1],
        lonely: x[2],
        loneliness_sum: x[3],
        registered: x[4],
        paired: x[5],
        state: [x[6], x[7], x[8], x[9]],
        help_requested: x[10],
        help_unmet: x[11],
        deaths: x[12],
    }
}

/// The text of a part file.
pub fn part_text(d: &StreetDigest) -> String {
    let mut s = String::with_capacity(1 << 16);
    let _ = writeln!(s, "carenet-run-part 1 rep {} street {} weeks {}", d.rep, d.street, d.weekly.len());
    for week in &d.weekly {
        for (g, r) in week.iter().enumerate() {
            let _ = write!(s, "week {g}");
            push_exact(&mut s, r.fields());
            s.push('\n');
        }
    }
    s.push_str("bands");
    push_exact(&mut s, d.bands.person_weeks.iter().flatten().copied().chain(d.bands.deaths));
    s.push('\n');
    s.push_str("all");
    push_exact(&mut s, d.breakdown.all.cells.iter().flat_map(cell_fields));
    s.push('\n');
    for (t, c) in d.breakdown.types.iter().enumerate() {
        if let Some(c) = c {
            let _ = write!(s, "type {t}");
            push_exact(&mut s, cell_fields(c));
            s.push('\n');
        }
    }
    for n in &d.networks {
        let _ = writeln!(s, "net {} {} {}", n.community, n.nodes.len(), n.edges.len());
        for (slot, grade, state, building) in &n.nodes {
            let _ = writeln!(s, "n {slot} {grade} {state} {building}");
        }
        for (a, b, strength) in &n.edges {
            let _ = writeln!(s, "e {a} {b} {:08x}", strength.to_bits());
        }
    }
    for r in &d.records {
        s.push_str("rec");
        push_exact(&mut s, r.fields());
        s.push('\n');
    }
    s.push_str("end\n");
    s
}

/// Writes `d` into `dir`/parts/ (atomically).
pub fn write_part(dir: &Path, d: &StreetDigest) -> io::Result<()> {
    let text = part_text(d);
    write_atomic(&part_path(dir, d.rep, d.street), |w| w.write_all(text.as_bytes()))
}

fn exact_floats(words: &[&str]) -> Result<Vec<f64>, String> {
    words
        .iter()
        .map(|w| match w.strip_prefix('x') {
            Some(h) => u64::from_str_radix(h, 16).map(f64::from_bits).map_err(|_| format!("`{w}` is not a float")),
            None => w.parse::<f64>().map_err(|_| format!("`{w}` is not a float")),
        })
        .collect()
}

/// Parses a part file's text (`what` names it in errors).
pub fn parse_part(text: &str, what: &str) -> Result<StreetDigest, String> {
    let bad = |line: usize, why: &str| format!("{what}:{}: {why}", line + 1);
    let mut lines = text.lines().enumerate();
    let (_, head) = lines.next().ok_or_else(|| bad(0, "empty"))?;
    let h: Vec<&str> = head.split(' ').collect();
    if h.len() != 8 || h[0] != "carenet-run-part" || h[1] != "1" || h[2] != "rep" || h[4] != "street" || h[6] != "weeks"
    {
        return Err(bad(0, "not a carenet run part"));
    }
    let num = |s: &str| s.parse::<usize>().map_err(|_| bad(0, "bad number"));
    let (rep, street, weeks) = (num(h[3])? as u32, num(h[5])?, num(h[7])?);
    let n_fields = WeekRecord::default().fields().len();
    let mut d = StreetDigest {
        rep,
        street,
        weekly: vec![[WeekRecord::default(); 4]; weeks],
        bands: AgeBands::default(),
        breakdown: BreakdownDigest::default(),
        networks: Vec::new(),
        records: Vec::new(),
    };
    let mut week_lines = 0;
    let mut ended = false;
    let mut net: Option<(NetworkSnapshot, usize, usize)> = None;
    for (i, line) in lines {
        if ended {
            return Err(bad(i, "text after `end`"));
        }
        let w: Vec<&str> = line.split(' ').collect();
        match w[0] {
            "week" => {
                let g: usize =
                    w.get(1).and_then(|g| g.parse().ok()).filter(|&g| g < 4).ok_or_else(|| bad(i, "bad group"))?;
                let xs = exact_floats(&w[2..]).map_err(|e| bad(i, &e))?;
                if week_lines / 4 >= weeks || week_lines % 4 != g || !d.weekly[week_lines / 4][g].set_fields(&xs) {
                    return Err(bad(i, "bad week line"));
                }
                week_lines += 1;
            }
            "bands" => {
                let xs = exact_floats(&w[1..]).map_err(|e| bad(i, &e))?;
                if xs.len() != N_BANDS * 5 {
                    return Err(bad(i, "bad bands line"));
                }
                for b in 0..N_BANDS {
                    d.bands.person_weeks[b].copy_from_slice(&xs[b * 4..b * 4 + 4]);
                    d.bands.deaths[b] = xs[N_BANDS * 4 + b];
                }
            }
            "all" => {
                let xs = exact_floats(&w[1..]).map_err(|e| bad(i, &e))?;
                if xs.len() != N_CELLS * 13 {
                    return Err(bad(i, "bad breakdown line"));
                }
                for k in 0..N_CELLS {
                    d.breakdown.all.cells[k] = cell_from(&xs[k * 13..k * 13 + 13]);
                }
            }
            "type" => {
                let t: usize =
                    w.get(1).and_then(|t| t.parse().ok()).filter(|&t| t < 3).ok_or_else(|| bad(i, "bad type"))?;
                let xs = exact_floats(&w[2..]).map_err(|e| bad(i, &e))?;
                if xs.len() != 13 {
                    return Err(bad(i, "bad type line"));
                }
                d.breakdown.types[t] = Some(cell_from(&xs));
            }
            "net" => {
                if let Some((n, _, _)) = net.take() {
                    d.networks.push(n);
                }
                let v: Vec<usize> = w[1..].iter().filter_map(|x| x.parse().ok()).collect();
                if v.len() != 3 || w.len() != 4 {
                    return Err(bad(i, "bad net line"));
                }
                net = Some((NetworkSnapshot { community: v[0], nodes: Vec::new(), edges: Vec::new() }, v[1], v[2]));
            }
            "n" => {
                let n = net.as_mut().ok_or_else(|| bad(i, "node outside a network"))?;
                let v: Vec<u32> = w[1..].iter().filter_map(|x| x.parse().ok()).collect();
                if v.len() != 4 || w.len() != 5 || v[1] > 255 || v[2] > 255 {
                    return Err(bad(i, "bad node line"));
                }
                n.0.nodes.push((v[0], v[1] as u8, v[2] as u8, v[3]));
            }
            "e" => {
                let n = net.as_mut().ok_or_else(|| bad(i, "edge outside a network"))?;
                let a = w.get(1).and_then(|x| x.parse().ok());
                let b = w.get(2).and_then(|x| x.parse().ok());
                let s = w.get(3).and_then(|x| u32::from_str_radix(x, 16).ok());
                match (a, b, s, w.len()) {
                    (Some(a), Some(b), Some(s), 4) => n.0.edges.push((a, b, f32::from_bits(s))),
                    _ => return Err(bad(i, "bad edge line")),
                }
            }
            "rec" => {
                let xs = exact_floats(&w[1..]).map_err(|e| bad(i, &e))?;
                let mut r = WeekRecord::default();
                if xs.len() != n_fields || !r.set_fields(&xs) {
                    return Err(bad(i, "bad record line"));
                }
                d.records.push(r);
            }
            "end" => ended = true,
            _ => return Err(bad(i, "unknown line")),
        }
    }
    if let Some((n, _, _)) = net.take() {
        d.networks.push(n);
    }
    if !ended {
        return Err(format!("{what}: cut short (no `end` line)"));
    }
    if week_lines != 4 * weeks {
        return Err(format!("{what}: {} of {} week lines", week_lines, 4 * weeks));
    }
    Ok(d)
}

/// Reads the part of replication `rep`, street `street` of the run in `dir`
/// (`None` when missing).
pub fn read_part(dir: &Path, rep: u32, street: usize) -> Result<Option<StreetDigest>, String> {
    let path = part_path(dir, rep, street);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("{}: {e}", path.display())),
    };
    let d = parse_part(&text, &path.display().to_string())?;
    if d.rep != rep || d.street != street {
        return Err(format!("{}: holds replication {} street {}", path.display(), d.rep, d.street));
    }
    Ok(Some(d))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_part_reads_back_bit_for_bit() {
        let mut help_by = [0.0; carenet_model::metrics::N_SOURCES];
        help_by[3] = f64::NAN;
        let r = WeekRecord { alive: 0.1 + 0.2, help_by, weeks: -0.0, ..WeekRecord::default() };
        let mut types = [None; 3];
        types[1] = Some(Cell { deaths: 1.0 / 3.0, ..Cell::default() });
        let mut all = carenet_model::metrics::breakdown::Breakdown::default();
        all.cells[4].isolated = 7.25;
        let mut bands = AgeBands::default();
        bands.deaths[2] = 3.0;
        bands.person_weeks[1][3] = 1e-300;
        bands.person_weeks[2][0] = 123456789012345680000.0;
        bands.person_weeks[3][1] = f64::INFINITY;
        bands.person_weeks[4][2] = 2.0f64.powi(-1070);
        let d = StreetDigest {
            rep: 3,
            street: 17,
            weekly: vec![[r, WeekRecord::default(), r, r]; 2],
            bands,
            breakdown: BreakdownDigest { all, types },
            networks: vec![NetworkSnapshot { community: 5, nodes: vec![(1, 2, 3, 4)], edges: vec![(1, 9, 0.3)] }],
            records: vec![r; 3],
        };
        let back = parse_part(&part_text(&d), "x").unwrap();
        assert_eq!(part_text(&back), part_text(&d));
        assert_eq!(back.weekly[0][0].alive.to_bits(), (0.1f64 + 0.2).to_bits());
        assert!(back.weekly[1][3].help_by[3].is_nan());
        assert!(back.weekly[1][0].weeks.is_sign_negative());
        for (a, b) in back.bands.person_weeks.iter().flatten().zip(d.bands.person_weeks.iter().flatten()) {
            assert_eq!(a.to_bits(), b.to_bits());
        }
        let cut = part_text(&d).replace("end\n", "");
        assert!(parse_part(&cut, "x").unwrap_err().contains("cut short"));
    }
}
