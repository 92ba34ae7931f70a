//! Breakdowns of the headline metrics by who the elders are: five-year age
//! band, sex, living arrangement and grade (tallied per community during the
//! summary window) and community type (from the communities' totals).
//!
//! Each [`Cell`] holds raw sums, like a [`super::WeekRecord`], so a cell of
//! several communities or replications is the sum of their cells and every
//! metric is a ratio of sums. Cells have a fixed number of slots per
//! community ([`N_CELLS`]); nothing is allocated in the weekly step.

use super::summary::{Interval, interval};
use super::{BAND_NAMES, N_BANDS, band_of};
use crate::scenario::CommunityType;

/// Raw sums over the elders of one group (person-weeks, counts, hours).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Cell {
    /// Live elders at the end of each week, summed over weeks.
    pub person_weeks: f64,
    pub isolated: f64,
    pub lonely: f64,
    pub loneliness_sum: f64,
    pub registered: f64,
    pub paired: f64,
    /// Person-weeks by functional state (end of week).
    pub state: [f64; 4],
    /// Help hours asked for and left unmet (health phase, by the group at that time).
    pub help_requested: f64,
    pub help_unmet: f64,
    /// Deaths (by the group the elder was in when dying).
    pub deaths: f64,
}

impl Cell {
    /// Adds `o` into `self` (fields in a fixed order).
    pub fn add(&mut self, o: &Cell) {
        self.person_weeks += o.person_weeks;
        self.isolated += o.isolated;
        self.lonely += o.lonely;
        self.loneliness_sum += o.loneliness_sum;
        self.registered += o.registered;
        self.paired += o.paired;
        for s in 0..4 {
            self.state[s] += o.state[s];
        }
        self.help_requested += o.help_requested;
        self.help_unmet += o.help_unmet;
        self.deaths += o.deaths;
    }
}

/// The dimensions of breakdowns.csv, in row order.
pub const DIMENSIONS: [&str; 5] = ["age_band", "sex", "living_arrangement", "community_type", "grade"];

/// Slots of a community's [`Breakdown`]: eight age bands, two sexes, two
/// living arrangements, three grades (community type comes from the
/// community itself).
pub const N_CELLS: usize = N_BANDS + 2 + 2 + 3;
/// Fine groups (age band × sex × living arrangement × grade), see [`Breakdown::fine`].
pub const N_FINE: usize = N_BANDS * 2 * 2 * 3;
const SEX: usize = N_BANDS;
const LIVING: usize = N_BANDS + 2;
const GRADE: usize = N_BANDS + 4;
pub const SEX_NAMES: [&str; 2] = ["male", "female"];
pub const LIVING_NAMES: [&str; 2] = ["alone", "not_alone"];
pub const GRADE_NAMES: [&str; 3] = ["1", "2", "3"];

/// One community's cells, summed over the weeks tallied.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Breakdown {
    pub cells: [Cell; N_CELLS],
}

impl Default for Breakdown {
    fn default() -> Breakdown {
        Breakdown { cells: [Cell::default(); N_CELLS] }
    }
}

impl Breakdown {
    /// The fine group of an elder: age band × sex × living arrangement × grade
    /// (one of [`N_FINE`]). The weekly tallies count each elder once, in its
    /// fine group, and [`Breakdown::add_fine`] adds each fine group to its four
    /// cells.
    #[inline(always)]
    pub fn fine(age_weeks: u32, male: bool, lives_alone: bool, grade: u8) -> usize {
        band_of(age_weeks) * 12 + usize::from(!male) * 6 + usize::from(!lives_alone) * 3 + (grade as usize).clamp(1, 3)
            - 1
    }

    /// Adds the sums of fine group `f` to its four cells.
    pub fn add_fine(&mut self, f: usize, sums: &Cell) {
        let (band, rest) = (f / 12, f % 12);
        let (female, alone_not, g) = (rest / 6, (rest % 6) / 3, rest % 3);
        for k in [band, SEX + female, LIVING + alone_not, GRADE + g] {
            self.cells[k].add(sums);
        }
    }

    pub fn add(&mut self, o: &Breakdown) {
        for k in 0..N_CELLS {
            self.cells[k].add(&o.cells[k]);
        }
    }

    /// Everyone in the community: the three grade cells (which partition the elders).
    pub fn total(&self) -> Cell {
        let mut t = Cell::default();
        for k in GRADE..GRADE + 3 {
            t.add(&self.cells[k]);
        }
        t
    }

    /// The cells of `dimension` (an entry of [`DIMENSIONS`] other than
    /// `community_type`) with their group names.
    pub fn groups(&self, dimension: &str) -> Vec<(&'static str, Cell)> {
        let (names, first): (&[&'static str], usize) = match dimension {
            "age_band" => (&BAND_NAMES, 0),
            "sex" => (&SEX_NAMES, SEX),
            "living_arrangement" => (&LIVING_NAMES, LIVING),
            "grade" => (&GRADE_NAMES, GRADE),
            _ => return Vec::new(),
        };
        names.iter().enumerate().map(|(k, &n)| (n, self.cells[first + k])).collect()
    }
}

fn ratio(a: f64, b: f64) -> f64 {
    if b > 0.0 { a / b } else { f64::NAN }
}

/// A headline metric of a cell; names are those of [`super::METRICS`].
pub struct CellMetric {
    pub name: &'static str,
    pub value: fn(&Cell) -> f64,
}

/// The headline metrics of breakdowns.csv, in row order.
pub const CELL_METRICS: &[CellMetric] = &[
    CellMetric { name: "isolation_rate", value: |c| ratio(c.isolated, c.person_weeks) },
    CellMetric { name: "loneliness_mean", value: |c| ratio(c.loneliness_sum, c.person_weeks) },
    CellMetric { name: "lonely_share", value: |c| ratio(c.lonely, c.person_weeks) },
    CellMetric { name: "unmet_help_rate", value: |c| ratio(c.help_unmet, c.help_requested) },
    CellMetric { name: "iadl_limited_share", value: |c| ratio(c.state[1], c.person_weeks) },
    CellMetric { name: "semi_disabled_share", value: |c| ratio(c.state[2], c.person_weeks) },
    CellMetric { name: "disabled_share", value: |c| ratio(c.state[3], c.person_weeks) },
    CellMetric { name: "deaths_per_1000_per_year", value: |c| ratio(c.deaths, c.person_weeks) * 52_000.0 },
    CellMetric { name: "registered_share", value: |c| ratio(c.registered, c.person_weeks) },
    CellMetric { name: "paired_share", value: |c| ratio(c.paired, c.person_weeks) },
];

/// One row of breakdowns.csv: a metric of one group across replications
/// (`interval.n` counts the replications whose group had a finite value).
#[derive(Debug, Clone, PartialEq)]
pub struct BreakdownRow {
    pub package: String,
    pub metric: &'static str,
    pub dimension: &'static str,
    pub group: &'static str,
    pub interval: Interval,
}

/// One replication's breakdown cells reduced over its communities: every
/// community's cells summed, and each community type's total. Digests of
/// disjoint sets of communities add up ([`BreakdownDigest::add`]), so a city
/// run street by street reduces each street to one digest and adds the
/// streets in order; for one street the sums are those of
/// [`BreakdownDigest::of`] over all its communities, bit for bit.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct BreakdownDigest {
    pub all: Breakdown,
    /// Per community type (in [`CommunityType::ALL`] order): the total of its
    /// communities, `None` when the replication has none of that type.
    pub types: [Option<Cell>; 3],
}

impl BreakdownDigest {
    /// The digest of communities with breakdowns `bands` and kinds `kinds` (in record order).
    pub fn of(bands: &[Breakdown], kinds: &[CommunityType]) -> BreakdownDigest {
        let mut d = BreakdownDigest::default();
        for b in bands {
            d.all.add(b);
        }
        for (i, t) in CommunityType::ALL.iter().enumerate() {
            for (b, &k) in bands.iter().zip(kinds) {
                if k == *t {
                    d.types[i].get_or_insert_with(Cell::default).add(&b.total());
                }
            }
        }
        d
    }

    /// Adds the digest of other communities (of a later street).
    pub fn add(&mut self, o: &BreakdownDigest) {
        self.all.add(&o.all);
        for (mine, theirs) in self.types.iter_mut().zip(&o.types) {
            if let Some(c) = theirs {
                mine.get_or_insert_with(Cell::default).add(c);
            }
        }
    }

    /// The cells of every group, dimension by dimension, in row order.
    fn groups(&self) -> Vec<(&'static str, &'static str, Cell)> {
        let mut out = Vec::new();
        for dim in DIMENSIONS {
            if dim == "community_type" {
                for (t, cell) in CommunityType::ALL.iter().zip(&self.types) {
                    if let Some(cell) = cell {
                        out.push((dim, t.as_str(), *cell));
                    }
                }
            } else {
                out.extend(self.all.groups(dim).into_iter().map(|(g, c)| (dim, g, c)));
            }
        }
        out
    }
}

/// The rows of one package from each replication's per-community breakdowns
/// (`reps[r][community]`, communities in record order, of kinds `kinds`):
/// every metric × dimension × group, mean and 95% interval across replications.
pub fn breakdown_rows(package: &str, reps: &[Vec<Breakdown>], kinds: &[CommunityType]) -> Vec<BreakdownRow> {
    let digests: Vec<BreakdownDigest> = reps.iter().map(|b| BreakdownDigest::of(b, kinds)).collect();
    breakdown_rows_of_digests(package, &digests)
}

/// [`breakdown_rows`] from each replication's [`BreakdownDigest`].
pub fn breakdown_rows_of_digests(package: &str, reps: &[BreakdownDigest]) -> Vec<BreakdownRow> {
    let per_rep: Vec<Vec<(&'static str, &'static str, Cell)>> = reps.iter().map(BreakdownDigest::groups).collect();
    let Some(first) = per_rep.first() else { return Vec::new() };
    let mut rows = Vec::new();
    for m in CELL_METRICS {
        for (k, &(dim, group, _)) in first.iter().enumerate() {
            let xs: Vec<f64> = per_rep.iter().map(|r| (m.value)(&r[k].2)).collect();
            rows.push(BreakdownRow {
                package: package.to_string(),
                metric: m.name,
                dimension: dim,
                group,
                interval: interval(&xs),
            });
        }
    }
    rows
}
