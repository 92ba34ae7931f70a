//! The reference model: a documented subset of carenet's weekly step
//! (docs/reference-model.md) that carenet, a Mesa peer and a limit kernel run for
//! benchmarking. It is not the care model and does not share its state.
//!
//! - [`RefWorld`]: elders as columns and one global CSR of their ties. Elders of a
//!   community are a contiguous id range and ties never cross communities, so each
//!   community is a block of elder ids, of tie ids and of CSR slots.
//! - [`Reference`] ([`params`]): the parameters, derived from a scenario;
//!   [`RefParams`]: the same in the form the step reads.
//! - [`simulate`]: the weeks of one seed; communities in parallel (rayon), each with
//!   its own ChaCha8 stream keyed by (seed, community), sums reduced in community
//!   order, so the output is the same whatever the thread count. Nothing is
//!   allocated inside a week.
//! - [`synth`]: the starting population from carenet's own generators;
//!   [`io`]: the exported files; [`driver`]: the `carenet reference` commands.
//!
//! The core (this file) does no I/O and reads no clock.
//!
//! ```
//! use carenet_model::reference::{RefParams, RefPopulation, RefWorld, simulate};
//! use carenet_model::reference::Reference;
//! let pop = RefPopulation {
//!     community: vec![0, 0],
//!     state: vec![0, 0],
//!     lives_alone: vec![false, false],
//!     loneliness: vec![0.2, 0.3],
//!     loneliness_base: vec![0.2, 0.3],
//!     willingness: vec![0.9, 0.1],
//! };
//! let world = RefWorld::build(pop, &[(0, 1, 0.5)]).unwrap();
//! let mut rows = Vec::new();
//! simulate(&mut world.clone(), &RefParams::new(&Reference::default()), 1, 4, &mut rows);
//! assert_eq!(rows.len(), 4);
//! ```

pub mod params;
pub mod synth;

pub use params::Reference;

use rand::rngs::ChaCha8Rng;
use rayon::prelude::*;

use crate::streams::{self, unit16, unit24};

/// The starting elders, one entry per elder in id order (the input of [`RefWorld::build`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RefPopulation {
    /// Community of each elder; non-decreasing (elders are numbered community by community).
    pub community: Vec<u32>,
    /// Functional state 0–3.
    pub state: Vec<u8>,
    pub lives_alone: Vec<bool>,
    pub loneliness: Vec<f32>,
    pub loneliness_base: Vec<f32>,
    pub willingness: Vec<f32>,
}

impl RefPopulation {
    pub fn len(&self) -> usize {
        self.state.len()
    }

    pub fn is_empty(&self) -> bool {
        self.state.is_empty()
    }

    /// Room for `n` elders in every column.
    pub fn reserve(&mut self, n: usize) {
        self.community.reserve(n);
        self.state.reserve(n);
        self.lives_alone.reserve(n);
        self.loneliness.reserve(n);
        self.loneliness_base.reserve(n);
        self.willingness.reserve(n);
    }
}

/// Elders (columns) and their ties (edge arrays and a CSR view), by community.
///
/// Fields are private: [`RefWorld::build`] establishes the invariants the step relies
/// on (every CSR row of a community names only elders and ties of that community,
/// rows are sorted ascending), and nothing else changes the structure.
#[derive(Debug, Clone)]
pub struct RefWorld {
    /// Community number of each block (as given; the key of its random stream).
    block_id: Vec<u32>,
    /// First elder of each block, and the number of elders at the end.
    elder_start: Vec<u32>,
    /// First tie of each block, and the number of ties at the end.
    tie_start: Vec<u32>,
    state: Vec<u8>,
    lives_alone: Vec<bool>,
    loneliness: Vec<f32>,
    loneliness_base: Vec<f32>,
    willingness: Vec<f32>,
    alive: Vec<bool>,
    grade: Vec<u8>,
    // Weekly scratch.
    need: Vec<f32>,
    left: Vec<f32>,
    capacity: Vec<f32>,
    helped: Vec<f32>,
    got_help: Vec<bool>,
    // Ties: a < b, sorted by (a, b).
    tie_a: Vec<u32>,
    tie_b: Vec<u32>,
    strength: Vec<f32>,
    used: Vec<bool>,
    // CSR: the neighbours of i are nbr[offsets[i]..offsets[i + 1]], ascending; eid the tie ids.
    offsets: Vec<u32>,
    nbr: Vec<u32>,
    eid: Vec<u32>,
    /// The other end's slot of each CSR slot: slot `k` in row `i` names `j`, and
    /// `twin[k]` is the slot in row `j` that names `i` (the same tie).
    twin: Vec<u32>,
}

/// Why a population and tie list do not make a world.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildError {
    /// Index of the offending tie, if a tie is at fault.
    pub tie: Option<usize>,
    /// Index of the offending elder, if an elder is at fault.
    pub elder: Option<usize>,
    pub message: String,
}

impl std::fmt::Display for BuildError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// Largest population (ids and CSR slots are `u32`).
pub const MAX_ELDERS: usize = (u32::MAX / 2) as usize;

impl RefWorld {
    /// Builds the world from the starting elders and ties `(a, b, strength)` with
    /// `a < b`, sorted by `(a, b)`, inside one community. All elders start alive;
    /// grades are set from the parameters when a run starts.
    pub fn build(pop: RefPopulation, ties: &[(u32, u32, f32)]) -> Result<RefWorld, BuildError> {
        let n = pop.len();
        let fail = |elder: Option<usize>, tie: Option<usize>, message: String| BuildError { tie, elder, message };
        if n > MAX_ELDERS {
            return Err(fail(None, None, format!("{n} elders: at most {MAX_ELDERS} are supported")));
        }
        let lens = [
            pop.community.len(),
            pop.lives_alone.len(),
            pop.loneliness.len(),
            pop.loneliness_base.len(),
            pop.willingness.len(),
        ];
        if lens.iter().any(|&l| l != n) {
            return Err(fail(None, None, "population columns differ in length".into()));
        }
        if ties.len() > MAX_ELDERS {
            return Err(fail(None, None, format!("{} ties: at most {MAX_ELDERS} are supported", ties.len())));
        }
        // Communities: contiguous runs of ids.
        let mut block_id = Vec::new();
        let mut elder_start = Vec::new();
        for i in 0..n {
            if pop.state[i] > 3 {
                return Err(fail(Some(i), None, format!("state {} is not 0–3", pop.state[i])));
            }
            let c = pop.community[i];
            match block_id.last() {
                Some(&last) if c == last => {}
                Some(&last) if c < last => {
                    return Err(fail(
                        Some(i),
                        None,
                        format!("community {c} after {last}: elders must be numbered community by community"),
                    ));
                }
                _ => {
                    block_id.push(c);
                    elder_start.push(i as u32);
                }
            }
        }
        elder_start.push(n as u32);
        // Block of each elder, for the tie checks.
        let mut block_of = vec![0u32; n];
        for k in 0..block_id.len() {
            for i in elder_start[k]..elder_start[k + 1] {
                block_of[i as usize] = k as u32;
            }
        }
        let mut degree = vec![0u32; n];
        let mut tie_start = vec![0u32; block_id.len() + 1];
        for (e, &(a, b, s)) in ties.iter().enumerate() {
            if a >= b {
                return Err(fail(None, Some(e), format!("tie ({a}, {b}): a must be below b")));
            }
            if b as usize >= n {
                return Err(fail(None, Some(e), format!("tie ({a}, {b}): there are only {n} elders")));
            }
            if e > 0 && (ties[e - 1].0, ties[e - 1].1) >= (a, b) {
                return Err(fail(
                    None,
                    Some(e),
                    format!(
                        "tie ({a}, {b}) after ({}, {}): ties must be sorted by (a, b), each once",
                        ties[e - 1].0,
                        ties[e - 1].1
                    ),
                ));
            }
            let (ka, kb) = (block_of[a as usize], block_of[b as usize]);
            if ka != kb {
                return Err(fail(
                    None,
                    Some(e),
                    format!("tie ({a}, {b}) joins communities {} and {}", block_id[ka as usize], block_id[kb as usize]),
                ));
            }
            if !(0.0..=1.0).contains(&s) {
                return Err(fail(None, Some(e), format!("tie ({a}, {b}): strength {s} is not in [0, 1]")));
            }
            degree[a as usize] += 1;
            degree[b as usize] += 1;
            tie_start[ka as usize + 1] = e as u32 + 1;
        }
        // Blocks without ties start where the previous block ends.
        for k in 1..tie_start.len() {
            tie_start[k] = tie_start[k].max(tie_start[k - 1]);
        }
        // CSR by counting sort; visiting ties in (a, b) order fills every row ascending.
        let mut offsets = Vec::with_capacity(n + 1);
        offsets.push(0u32);
        let mut acc = 0u32;
        for &d in &degree {
            acc += d;
            offsets.push(acc);
        }
        let mut cursor: Vec<u32> = offsets[..n].to_vec();
        let mut nbr = vec![0u32; acc as usize];
        let mut eid = vec![0u32; acc as usize];
        let mut twin = vec![0u32; acc as usize];
        for (e, &(a, b, _)) in ties.iter().enumerate() {
            let pa = cursor[a as usize] as usize;
            nbr[pa] = b;
            eid[pa] = e as u32;
            cursor[a as usize] += 1;
            let pb = cursor[b as usize] as usize;
            nbr[pb] = a;
            eid[pb] = e as u32;
            cursor[b as usize] += 1;
            (twin[pa], twin[pb]) = (pb as u32, pa as u32);
        }
        Ok(RefWorld {
            block_id,
            elder_start,
            tie_start,
            state: pop.state,
            lives_alone: pop.lives_alone,
            loneliness: pop.loneliness,
            loneliness_base: pop.loneliness_base,
            willingness: pop.willingness,
            alive: vec![true; n],
            grade: vec![3; n],
            need: vec![0.0; n],
            left: vec![0.0; n],
            capacity: vec![0.0; n],
            helped: vec![0.0; n],
            got_help: vec![false; n],
            tie_a: ties.iter().map(|t| t.0).collect(),
            tie_b: ties.iter().map(|t| t.1).collect(),
            strength: ties.iter().map(|t| t.2).collect(),
            used: vec![false; ties.len()],
            offsets,
            nbr,
            eid,
            twin,
        })
    }

    pub fn n_elders(&self) -> usize {
        self.state.len()
    }

    pub fn n_ties(&self) -> usize {
        self.tie_a.len()
    }

    /// Number of communities (blocks of elders).
    pub fn n_communities(&self) -> usize {
        self.block_id.len()
    }

    /// Community number of every block, in order.
    pub fn community_ids(&self) -> &[u32] {
        &self.block_id
    }

    /// Elder id range of block `k`.
    pub fn community_range(&self, k: usize) -> std::ops::Range<usize> {
        self.elder_start[k] as usize..self.elder_start[k + 1] as usize
    }

    /// Tie id range of block `k`.
    pub fn tie_range(&self, k: usize) -> std::ops::Range<usize> {
        self.tie_start[k] as usize..self.tie_start[k + 1] as usize
    }

    pub fn state(&self) -> &[u8] {
        &self.state
    }
    pub fn lives_alone(&self) -> &[bool] {
        &self.lives_alone
    }
    pub fn loneliness(&self) -> &[f32] {
        &self.loneliness
    }
    pub fn loneliness_base(&self) -> &[f32] {
        &self.loneliness_base
    }
    pub fn willingness(&self) -> &[f32] {
        &self.willingness
    }
    pub fn alive(&self) -> &[bool] {
        &self.alive
    }
    pub fn grade(&self) -> &[u8] {
        &self.grade
    }
    /// Help hours received and given in the last week simulated.
    pub fn helped(&self) -> &[f32] {
        &self.helped
    }
    pub fn got_help(&self) -> &[bool] {
        &self.got_help
    }
    /// First endpoints of the ties.
    pub fn tie_a(&self) -> &[u32] {
        &self.tie_a
    }
    /// Second endpoints of the ties.
    pub fn tie_b(&self) -> &[u32] {
        &self.tie_b
    }
    pub fn strength(&self) -> &[f32] {
        &self.strength
    }
    /// CSR row starts (`n_elders + 1` entries).
    pub fn offsets(&self) -> &[u32] {
        &self.offsets
    }
    /// CSR neighbours.
    pub fn nbr(&self) -> &[u32] {
        &self.nbr
    }
    /// CSR tie ids.
    pub fn eid(&self) -> &[u32] {
        &self.eid
    }

    /// Community number of every elder (the `community` column of population.csv).
    pub fn community_of_elders(&self) -> Vec<u32> {
        let mut out = Vec::with_capacity(self.n_elders());
        for k in 0..self.n_communities() {
            out.extend(self.community_range(k).map(|_| self.block_id[k]));
        }
        out
    }
}

/// The grade: the care model's rule ([`crate::world::grade_of`]), branch-free.
pub use crate::world::grade_of;

/// The [`Reference`] parameters as the step reads them (f32; tables by grade have
/// an unused slot 0 so that a grade indexes them directly).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RefParams {
    need_probability: [f32; 4],
    need_hours: [f32; 4],
    helper_threshold: f32,
    hours_per_week: f32,
    ask_probability: f32,
    worsen: [f32; 4],
    recover: [f32; 4],
    death: [f32; 4],
    /// A draw at or above this leaves the state unchanged whatever the hazard
    /// ratio (a conservative bound: the exact test runs below it).
    quiet: [f32; 4],
    ln_unmet: f32,
    ln_lonely: f32,
    rise: f32,
    fall: f32,
    pull: f32,
    /// shock_sd × √3: the half-width of the uniform shock.
    shock: f32,
    moderate: f32,
    severe: f32,
    awareness: f32,
    drift: f32,
    reciprocity: f32,
    recognition: f32,
    overload_hours: f32,
    overload_loss: f32,
    gain: f32,
    decay: f32,
}

impl RefParams {
    pub fn new(r: &Reference) -> RefParams {
        let by_grade = |v: &[f64; 3]| [0.0, v[0] as f32, v[1] as f32, v[2] as f32];
        let by_state = |v: &[f64; 4]| v.map(|x| x as f32);
        // The largest hazard ratio: unmet share and loneliness both lie in [0, 1].
        let hr_max = r.unmet_hazard_ratio.max(1.0) * r.loneliness_hazard_ratio.max(1.0);
        let mut quiet = [0.0f32; 4];
        for s in 0..4 {
            let bound = r.death[s] + r.worsen[s] * hr_max + r.recover[s];
            quiet[s] = (bound * (1.0 + 1e-4) + 1e-6) as f32;
        }
        RefParams {
            need_probability: by_grade(&r.need_probability),
            need_hours: by_grade(&r.need_hours),
            helper_threshold: r.helper_threshold as f32,
            hours_per_week: r.hours_per_week as f32,
            ask_probability: r.ask_probability as f32,
            worsen: by_state(&r.worsen),
            recover: by_state(&r.recover),
            death: by_state(&r.death),
            quiet,
            ln_unmet: r.unmet_hazard_ratio.ln() as f32,
            ln_lonely: r.loneliness_hazard_ratio.ln() as f32,
            rise: r.rise as f32,
            fall: r.fall as f32,
            pull: r.pull as f32,
            shock: (r.shock_sd * 3f64.sqrt()) as f32,
            moderate: r.moderate_threshold as f32,
            severe: r.severe_threshold as f32,
            awareness: r.awareness as f32,
            drift: r.drift as f32,
            reciprocity: r.reciprocity as f32,
            recognition: r.recognition as f32,
            overload_hours: r.overload_hours as f32,
            overload_loss: r.overload_loss as f32,
            gain: r.interaction_gain as f32,
            decay: r.decay as f32,
        }
    }
}

/// One observation row (docs/reference-model.md, "Output").
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WeekRow {
    pub seed: u64,
    /// 1 … weeks.
    pub week: u32,
    /// Alive at the end of the week.
    pub alive: u64,
    /// Died this week.
    pub deaths: u64,
    /// Elders with need > 0.
    pub needing: u64,
    pub need_hours: f64,
    /// Hours left unmet after help over ties.
    pub unmet_hours: f64,
    /// Hours given over ties.
    pub help_hours: f64,
    /// Elders with capacity > 0.
    pub helpers: u64,
    /// Over elders alive at the end of the week (NaN if none).
    pub mean_loneliness: f64,
    pub mean_willingness: f64,
    /// Over all ties, dead elders' included (NaN if none).
    pub mean_strength: f64,
    /// Alive elders by grade 1, 2, 3 at the end of the week.
    pub grade: [u64; 3],
}

/// One community's sums for one week.
#[derive(Debug, Clone, Copy, Default)]
struct Tally {
    deaths: u32,
    needing: u32,
    helpers: u32,
    alive: u32,
    grade: [u32; 4],
    need_hours: f64,
    unmet_hours: f64,
    help_hours: f64,
    loneliness: f64,
    willingness: f64,
    strength: f64,
}

/// One uniform draw in [0, 1) (24 bits). The loneliness shock and the need
/// draw share one word, 16 bits each ([`unit16`]); the health draw, which
/// compares with weekly death probabilities near 1e-3, keeps 24 ([`unit24`]).
#[inline(always)]
fn unif(rng: &mut ChaCha8Rng) -> f32 {
    use rand::Rng;
    unit24(rng.next_u32())
}

/// 1.0 or 0.0: multiplying by it keeps the code free of hard-to-predict branches.
#[inline(always)]
fn flag(b: bool) -> f32 {
    f32::from(u8::from(b))
}

/// Clamps to [0, 1] (compiles to one max and one min).
#[inline(always)]
fn clamp01(x: f32) -> f32 {
    let x = if x > 0.0 { x } else { 0.0 };
    if x < 1.0 { x } else { 1.0 }
}

/// One community's columns and ties, borrowed from the world for a run.
struct Block<'a> {
    /// First elder id and first tie id of the block (CSR entries are global ids).
    base: u32,
    tie_base: u32,
    rng: ChaCha8Rng,
    state: &'a mut [u8],
    lives_alone: &'a [bool],
    loneliness: &'a mut [f32],
    loneliness_base: &'a [f32],
    willingness: &'a mut [f32],
    alive: &'a mut [bool],
    grade: &'a mut [u8],
    need: &'a mut [f32],
    left: &'a mut [f32],
    capacity: &'a mut [f32],
    helped: &'a mut [f32],
    got_help: &'a mut [bool],
    strength: &'a mut [f32],
    used: &'a mut [bool],
    /// This block's `n + 1` row starts (global CSR slots).
    offsets: &'a [u32],
    /// The whole CSR (rows of this block only are read).
    nbr: &'a [u32],
    eid: &'a [u32],
    twin: &'a [u32],
    /// Elders (local ids, ascending) with capacity this week: the helpers of phase 2.
    helpers: Vec<u32>,
    n_helpers: usize,
    /// Phase 2's scratch: one bit per CSR slot of the block, set for the slots
    /// of askers' rows that name a helper.
    marks: Vec<u64>,
    /// The week's phase-3 draws and the next week's phase-1 draws, taken from `rng`
    /// in one batch (see [`Block::week`]).
    draws: Vec<u32>,
    /// Phase-1 sums of the coming week (phase 1 runs at the end of the week before).
    pending: Needs,
}

/// Phase-1 sums of one community and week.
#[derive(Debug, Clone, Copy, Default)]
struct Needs {
    needing: u32,
    helpers: u32,
    need_hours: f64,
}

/// Splits the first `n` items off `v`.
fn take<'a, T>(v: &mut &'a mut [T], n: usize) -> &'a mut [T] {
    let (head, tail) = std::mem::take(v).split_at_mut(n);
    *v = tail;
    head
}

/// Runs `weeks` weeks of the reference model on `world` with `seed`, appending one
/// row per week to `rows`. Communities run in parallel on the current rayon pool;
/// the rows do not depend on the number of threads. Grades are first recomputed
/// from the parameters' thresholds.
pub fn simulate(world: &mut RefWorld, p: &RefParams, seed: u64, weeks: u32, rows: &mut Vec<WeekRow>) {
    for i in 0..world.n_elders() {
        world.grade[i] = grade_of(world.state[i], world.lives_alone[i], world.loneliness[i], p.moderate, p.severe);
    }
    let n_ties = world.n_ties();
    let k = world.n_communities();
    let RefWorld {
        block_id,
        elder_start: eb,
        tie_start: tb,
        state,
        lives_alone,
        loneliness,
        loneliness_base,
        willingness,
        alive,
        grade,
        need,
        left,
        capacity,
        helped,
        got_help,
        strength,
        used,
        offsets,
        nbr,
        eid,
        twin,
        ..
    } = world;
    let (mut state, mut loneliness, mut willingness) = (&mut state[..], &mut loneliness[..], &mut willingness[..]);
    let (mut alive, mut grade, mut need, mut left) = (&mut alive[..], &mut grade[..], &mut need[..], &mut left[..]);
    let (mut capacity, mut helped, mut got_help) = (&mut capacity[..], &mut helped[..], &mut got_help[..]);
    let (mut strength, mut used) = (&mut strength[..], &mut used[..]);
    let mut blocks: Vec<Block<'_>> = Vec::with_capacity(k);
    for b in 0..k {
        let (lo, hi) = (eb[b] as usize, eb[b + 1] as usize);
        let (m, ties) = (hi - lo, (tb[b + 1] - tb[b]) as usize);
        blocks.push(Block {
            base: eb[b],
            tie_base: tb[b],
            rng: streams::community(seed, 0, 0, block_id[b] as usize, streams::REFERENCE),
            state: take(&mut state, m),
            lives_alone: &lives_alone[lo..hi],
            loneliness: take(&mut loneliness, m),
            loneliness_base: &loneliness_base[lo..hi],
            willingness: take(&mut willingness, m),
            alive: take(&mut alive, m),
            grade: take(&mut grade, m),
            need: take(&mut need, m),
            left: take(&mut left, m),
            capacity: take(&mut capacity, m),
            helped: take(&mut helped, m),
            got_help: take(&mut got_help, m),
            strength: take(&mut strength, ties),
            used: take(&mut used, ties),
            offsets: &offsets[lo..=hi],
            nbr,
            eid,
            twin,
            helpers: vec![0; m],
            n_helpers: 0,
            marks: vec![0; (2 * ties).div_ceil(64)],
            draws: vec![0; 2 * m],
            pending: Needs::default(),
        });
    }
    for b in &mut blocks {
        b.first_needs(p);
    }
    let mut tallies = vec![Tally::default(); k];
    rows.reserve(weeks as usize);
    let parallel = rayon::current_num_threads() > 1 && k > 1;
    for week in 1..=weeks {
        let last = week == weeks;
        if parallel {
            blocks.par_iter_mut().zip(tallies.par_iter_mut()).for_each(|(b, t)| *t = b.week(p, last));
        } else {
            for (b, t) in blocks.iter_mut().zip(tallies.iter_mut()) {
                *t = b.week(p, last);
            }
        }
        rows.push(reduce(seed, week, &tallies, n_ties));
    }
}

/// The week's row from the communities' sums, added in community order.
fn reduce(seed: u64, week: u32, tallies: &[Tally], n_ties: usize) -> WeekRow {
    let mut r = WeekRow {
        seed,
        week,
        alive: 0,
        deaths: 0,
        needing: 0,
        need_hours: 0.0,
        unmet_hours: 0.0,
        help_hours: 0.0,
        helpers: 0,
        mean_loneliness: 0.0,
        mean_willingness: 0.0,
        mean_strength: 0.0,
        grade: [0; 3],
    };
    let (mut lsum, mut wsum, mut ssum) = (0.0, 0.0, 0.0);
    for t in tallies {
        r.alive += u64::from(t.alive);
        r.deaths += u64::from(t.deaths);
        r.needing += u64::from(t.needing);
        r.helpers += u64::from(t.helpers);
        r.need_hours += t.need_hours;
        r.unmet_hours += t.unmet_hours;
        r.help_hours += t.help_hours;
        lsum += t.loneliness;
        wsum += t.willingness;
        ssum += t.strength;
        for g in 0..3 {
            r.grade[g] += u64::from(t.grade[g + 1]);
        }
    }
    let alive = r.alive as f64;
    r.mean_loneliness = if r.alive > 0 { lsum / alive } else { f64::NAN };
    r.mean_willingness = if r.alive > 0 { wsum / alive } else { f64::NAN };
    r.mean_strength = if n_ties > 0 { ssum / n_ties as f64 } else { f64::NAN };
    r
}

/// Phase 1 for alive elder `i` (local id): need, capacity and a clean scratch;
/// appends `i` to the askers when it needs help.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn needs_of(
    i: usize,
    g: u8,
    state: u8,
    willingness: f32,
    p: &RefParams,
    u: f32,
    need: &mut [f32],
    left: &mut [f32],
    capacity: &mut [f32],
    helped: &mut [f32],
    got_help: &mut [bool],
    helpers: &mut [u32],
    n_helpers: &mut usize,
    sums: &mut Needs,
) {
    let g = g as usize & 3;
    // Branch-free: the draw is below the probability about as often as not.
    let nd = p.need_hours[g] * flag(u < p.need_probability[g]);
    need[i] = nd;
    left[i] = nd;
    let helper = (g == 3) & (state <= 1) & (willingness >= p.helper_threshold);
    let cap = p.hours_per_week * flag(helper);
    capacity[i] = cap;
    helped[i] = 0.0;
    got_help[i] = false;
    // Branch-free append: always write, advance only for a helper (n_helpers ≤ i < helpers.len()).
    helpers[*n_helpers] = i as u32;
    *n_helpers += usize::from(cap > 0.0);
    sums.needing += u32::from(nd > 0.0);
    sums.helpers += u32::from(cap > 0.0);
    sums.need_hours += f64::from(nd);
}

impl Block<'_> {
    /// Phase 1 of the first week.
    fn first_needs(&mut self, p: &RefParams) {
        let mut sums = Needs::default();
        let mut n_helpers = 0;
        for i in 0..self.state.len() {
            if self.alive[i] {
                let u = unif(&mut self.rng);
                needs_of(
                    i,
                    self.grade[i],
                    self.state[i],
                    self.willingness[i],
                    p,
                    u,
                    self.need,
                    self.left,
                    self.capacity,
                    self.helped,
                    self.got_help,
                    &mut self.helpers,
                    &mut n_helpers,
                    &mut sums,
                );
            }
        }
        self.n_helpers = n_helpers;
        self.pending = sums;
    }

    /// One week of one community: phases 2–4 and its sums for phase 5. Phase 1 of
    /// this week ran at the end of the previous one (or in [`Block::first_needs`]):
    /// it depends only on state, grade and willingness after phase 3, and each
    /// elder's phase 1 touches only its own scratch, so running it for elder `i`
    /// right after `i`'s phase 3 is the same rule. Unless `last`, phase 1 of the next
    /// week runs fused with phase 3.
    fn week(&mut self, p: &RefParams, last: bool) -> Tally {
        let Block {
            base,
            tie_base,
            rng,
            state,
            lives_alone,
            loneliness,
            loneliness_base,
            willingness,
            alive,
            grade,
            need,
            left,
            capacity,
            helped,
            got_help,
            strength,
            used,
            offsets,
            nbr,
            eid,
            twin,
            helpers,
            n_helpers,
            marks,
            draws,
            pending,
        } = self;
        let (base, tie_base) = (*base, *tie_base);
        let n = state.len();
        // Local slices of one length: the columns' pointers and lengths stay in
        // registers and the compiler drops the bounds checks of the loops over 0..n.
        let state = &mut state[..n];
        let lives_alone = &lives_alone[..n];
        let loneliness = &mut loneliness[..n];
        let loneliness_base = &loneliness_base[..n];
        let willingness = &mut willingness[..n];
        let alive = &mut alive[..n];
        let grade = &mut grade[..n];
        let need = &mut need[..n];
        let left = &mut left[..n];
        let capacity = &mut capacity[..n];
        let helped = &mut helped[..n];
        let got_help = &mut got_help[..n];
        let helpers = &mut helpers[..n];
        let offsets = &offsets[..=n];
        let (nbr, eid, twin): (&[u32], &[u32], &[u32]) = (nbr, eid, twin);
        let m = strength.len();
        let strength = &mut strength[..m];
        let used = &mut used[..m];
        let mut t = Tally {
            needing: pending.needing,
            helpers: pending.helpers,
            need_hours: pending.need_hours,
            ..Tally::default()
        };

        // 2. Help over ties, askers and their neighbours in ascending id: asker i asks
        // each tied neighbour j in row order, while i still needs help, if j has
        // capacity left and the tie is live, with one draw. Few neighbours are
        // helpers, so the walk visits only the slots of askers' rows that name an
        // elder with capacity at the start of the phase (capacity only falls during
        // it): marked from the helpers' rows through `twin`, then read in slot
        // order, which is the order of the askers and of their rows. The draws, and
        // every sum, are those of the walk over every asker's whole row
        // (`tests/model/reference.rs`).
        let mut help_hours = 0.0f64;
        let ask = p.ask_probability;
        let first_slot = offsets[0] as usize;
        marks.fill(0);
        for &h in &helpers[..*n_helpers] {
            let h = h as usize;
            for k in offsets[h] as usize..offsets[h + 1] as usize {
                // SAFETY: as below; `twin` names a slot of the same block's rows.
                let (j, t) = unsafe { ((*nbr.get_unchecked(k) - base) as usize, *twin.get_unchecked(k) as usize) };
                debug_assert!(j < n);
                let asks = unsafe { *left.get_unchecked(j) } > 0.0;
                let b = t - first_slot;
                marks[b / 64] |= u64::from(asks) << (b % 64);
            }
        }
        for (word_index, &word) in marks.iter().enumerate() {
            let mut bits = word;
            while bits != 0 {
                let t = first_slot + word_index * 64 + bits.trailing_zeros() as usize;
                bits &= bits - 1;
                // SAFETY: `RefWorld::build` made the CSR: every row of this block names only
                // elders in [base, base + n) and ties in [tie_base, tie_base + m), and
                // `twin` maps each slot to the other end's slot of the same tie.
                let (i, j, e) = unsafe {
                    (
                        (*nbr.get_unchecked(*twin.get_unchecked(t) as usize) - base) as usize,
                        (*nbr.get_unchecked(t) - base) as usize,
                        (*eid.get_unchecked(t) - tie_base) as usize,
                    )
                };
                debug_assert!(i < n && j < n && e < m);
                let l = left[i];
                if l <= 0.0 {
                    continue;
                }
                let c = unsafe { *capacity.get_unchecked(j) };
                if c <= 0.0 {
                    continue;
                }
                let s = unsafe { *strength.get_unchecked(e) };
                if s <= 0.0 {
                    continue;
                }
                let w = unsafe { *willingness.get_unchecked(j) };
                if unif(rng) < ask * s * w {
                    let h = l.min(c);
                    left[i] = l - h;
                    got_help[i] = true;
                    unsafe {
                        *capacity.get_unchecked_mut(j) = c - h;
                        *helped.get_unchecked_mut(j) += h;
                        *used.get_unchecked_mut(e) = true;
                    }
                    help_hours += f64::from(h);
                }
            }
        }
        t.help_hours = help_hours;

        // 3. State updates, each elder from its own values before this phase; then,
        // unless this is the last week, phase 1 of the next week for the same elder.
        // The week's draws are taken in one batch, by purpose: health draws at [0, n)
        // (24 bits), and at [n, 2n) one word holding the loneliness shock (high 16
        // bits) and next week's need draw (low 16 bits); elder i uses slot i of
        // each (the slots of the dead, and the second slot of an elder dying this
        // week, are drawn and left unused).
        let batch = &mut draws[..2 * n];
        rand::RngExt::fill(rng, &mut batch[..]);
        let (health, shock_need) = batch.split_at(n);

        let (mut deaths, mut n_alive) = (0u32, 0u32);
        let (mut lsum, mut wsum) = (0.0f64, 0.0f64);
        // Help left unmet, summed over the askers in id order: every live elder
        // in id order, the others adding their left of exactly 0.
        let mut unmet_hours = 0.0f64;
        let (mut grade1, mut grade2, mut grade3) = (0u32, 0u32, 0u32);
        let mut next = Needs::default();
        let mut next_helpers = 0usize;
        for i in 0..n {
            if !alive[i] {
                continue;
            }
            let s = state[i];
            let si = s as usize & 3;
            // Branch-free (whether an elder needed or got help is a coin toss to the
            // branch predictor): with no need, left is 0 and so is the share.
            unmet_hours += f64::from(left[i]);
            let unmet = left[i] / need[i].max(f32::MIN_POSITIVE);
            let h = helped[i];
            let got = got_help[i];
            let l = loneliness[i];
            let u = unit24(health[i]);
            let mut ns = s;
            // Most draws are above every threshold: one comparison decides.
            if u < p.quiet[si] {
                if u < p.death[si] {
                    alive[i] = false;
                    capacity[i] = 0.0;
                    left[i] = 0.0;
                    deaths += 1;
                    continue;
                }
                let hr = (p.ln_unmet * unmet + p.ln_lonely * l).exp();
                let du = u - p.death[si];
                let w = p.worsen[si] * hr;
                if du < w {
                    ns = (s + 1).min(3);
                } else if du - w < p.recover[si] {
                    ns = s.saturating_sub(1);
                }
            }
            let v = unit16(shock_need[i] >> 16);
            let contact = flag(got | (h > 0.0));
            let l2 = clamp01(
                l + p.rise * unmet * (1.0 - l)
                    + (p.pull + p.fall * contact) * (loneliness_base[i] - l)
                    + p.shock * (2.0 * v - 1.0),
            );
            let w = willingness[i];
            let overload = p.overload_loss * flag(h > p.overload_hours);
            let reciprocity = p.reciprocity * flag(got);
            let w2 = clamp01(w + p.drift * (p.awareness - w) + reciprocity + p.recognition * h - overload);
            let g = grade_of(ns, lives_alone[i], l2, p.moderate, p.severe);
            state[i] = ns;
            loneliness[i] = l2;
            willingness[i] = w2;
            grade[i] = g;
            n_alive += 1;
            lsum += f64::from(l2);
            wsum += f64::from(w2);
            grade1 += u32::from(g == 1);
            grade2 += u32::from(g == 2);
            grade3 += u32::from(g == 3);
            if !last {
                needs_of(
                    i,
                    g,
                    ns,
                    w2,
                    p,
                    unit16(shock_need[i] & 0xffff),
                    need,
                    left,
                    capacity,
                    helped,
                    got_help,
                    helpers,
                    &mut next_helpers,
                    &mut next,
                );
            }
        }
        *n_helpers = next_helpers;
        *pending = next;
        t.unmet_hours = unmet_hours;
        t.deaths = deaths;
        t.alive = n_alive;
        t.loneliness = lsum;
        t.willingness = wsum;
        t.grade = [0, grade1, grade2, grade3];

        // 4. Ties: every tie's update without a branch (several ties at a time), then
        // the sum in lanes of 8 (its order is fixed).
        let (gain, decay) = (p.gain, p.decay);
        for (s, u) in strength.iter_mut().zip(used.iter_mut()) {
            let x = *s + if *u { gain * (1.0 - *s) } else { 0.0 };
            *s = (x - decay).max(0.0);
            *u = false;
        }
        let mut lanes = [0.0f64; 8];
        let s8 = strength.chunks_exact(8);
        let rest = s8.remainder();
        for s in s8 {
            for k in 0..8 {
                lanes[k] += f64::from(s[k]);
            }
        }
        let mut ssum = 0.0f64;
        for &s in rest {
            ssum += f64::from(s);
        }
        t.strength = lanes.iter().sum::<f64>() + ssum;
        t
    }
}
