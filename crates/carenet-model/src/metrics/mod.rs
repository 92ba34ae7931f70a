//! Observation: what the weekly step records, and the named metrics derived
//! from it.
//!
//! - [`WeekRecord`]: raw sums for one community in one week (counts, hours,
//!   yuan). Records add up, so any aggregate (over communities, weeks, a
//!   community type) is the sum of records, and a metric of the aggregate is a
//!   ratio of sums — never a mean of ratios.
//! - [`METRICS`]: the named reporters, each a function of a record; the
//!   timeseries and the summary are both built from this one list.
//! - [`AgeBands`]: person-weeks by functional state and deaths per five-year band.

/// Raw sums for one community and one week (or any sum of such records).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct WeekRecord {
    /// Weeks summed into this record (1 for a single week).
    pub weeks: f64,
    pub alive: f64,
    pub grade: [f64; 3],
    pub state: [f64; 4],
    pub registered: f64,
    pub paired: f64,
    pub isolated: f64,
    pub few_ties: f64,
    /// Elders with loneliness above the moderate threshold.
    pub lonely: f64,
    pub loneliness_sum: f64,
    pub loneliness_by_grade: [f64; 3],
    pub help_requested: f64,
    pub help_unmet: f64,
    pub help_requested_by_grade: [f64; 3],
    pub help_unmet_by_grade: [f64; 3],
    pub comp_requested: f64,
    pub comp_unmet: f64,
    /// Grade-1 elders with a help need this week.
    pub grade1_with_need: f64,
    /// Of those, elders with more than half their help unmet.
    pub grade1_underserved: f64,
    /// Help hours delivered by source.
    pub help_by: [f64; N_SOURCES],
    /// Companionship hours delivered by source.
    pub comp_by: [f64; N_SOURCES],
    /// Hours offered by source (help and companionship together).
    pub offered_by: [f64; N_SOURCES],
    /// Yuan paid by elders for paid services.
    pub paid_private_yuan: f64,
    /// Yuan of care-subsidy vouchers spent.
    pub voucher_yuan: f64,
    /// Yuan of social-worker contract spent this week.
    pub contract_yuan: f64,
    pub deaths: f64,
    pub entrants: f64,
    /// New semi-disabled or disabled elders among those who were not (ADL onset).
    pub adl_onsets: f64,
    /// Elders at risk of ADL onset (independent or IADL-limited) this week.
    pub adl_at_risk: f64,
    pub activity_attendance: f64,
    pub counselling_sessions: f64,
    /// Network statistics (from the last sample; `net_samples` = 1 on sampled weeks).
    pub net_samples: f64,
    pub net_n: f64,
    pub net_degree_sum: f64,
    pub net_clustering_sum: f64,
    pub net_giant: f64,
    /// Population at the start of the week, for the accounting identity.
    pub alive_start: f64,
    /// Registered grade-1 elders (end of week).
    pub registered_grade1: f64,
    /// Spending on each policy lever (yuan), in the order of `policy::Lever`.
    pub lever_yuan: [f64; crate::policy::N_LEVERS],
    /// Time bank: hours held at the start of the week.
    pub tb_outstanding_start: f64,
    /// Time bank: hours members gave this week (before the credit share and the cap).
    pub tb_given: f64,
    /// Time bank: hours credited this week.
    pub tb_deposits: f64,
    /// Time bank: hours redeemed this week.
    pub tb_withdrawals: f64,
    /// Time bank: balances of members who died this week (leave the ledger).
    pub tb_forfeited: f64,
    /// Time bank: hours held at the end of the week.
    pub tb_outstanding: f64,
    /// Hours capable helpers could give this week (future helper supply).
    pub helper_hours: f64,
}

/// Providers, in matching order.
pub const N_SOURCES: usize = 8;
pub const FAMILY: usize = 0;
pub const STUDENT: usize = 1;
pub const PARTY: usize = 2;
pub const MUTUAL_AID: usize = 3;
pub const PAID: usize = 4;
pub const SOCIAL_WORKER: usize = 5;
pub const ACTIVITY: usize = 6;
pub const COUNSELLING: usize = 7;
pub const SOURCE_NAMES: [&str; N_SOURCES] =
    ["family", "student", "party_member", "mutual_aid", "paid", "social_worker", "activity", "counselling"];

/// Applies `$body` to every field of a [`WeekRecord`] `$s` (as `$a: &mut f64`)
/// with the same field of `$o` (as `$b: &f64`), in one fixed order.
macro_rules! each_field {
    ($s:ident, $o:ident, |$a:ident, $b:ident| $body:expr) => {
        each_field!(@ $s, $o, $a, $b, $body;
            weeks, alive, registered, paired, isolated, few_ties, lonely, loneliness_sum, help_requested,
            help_unmet, comp_requested, comp_unmet, grade1_with_need, grade1_underserved,
            paid_private_yuan, voucher_yuan, contract_yuan, deaths, entrants, adl_onsets,
            adl_at_risk, activity_attendance, counselling_sessions, net_samples, net_n,
            net_degree_sum, net_clustering_sum, net_giant, alive_start, registered_grade1,
            tb_outstanding_start, tb_given, tb_deposits, tb_withdrawals, tb_forfeited, tb_outstanding, helper_hours;
            grade, state, loneliness_by_grade, help_requested_by_grade, help_unmet_by_grade,
            help_by, comp_by, offered_by, lever_yuan)
    };
    (@ $s:ident, $o:ident, $a:ident, $b:ident, $body:expr; $($f:ident),*; $($arr:ident),*) => {
        $( { let $a = &mut $s.$f; let $b = &$o.$f; $body; } )*
        $( for k in 0..$s.$arr.len() { let $a = &mut $s.$arr[k]; let $b = &$o.$arr[k]; $body; } )*
    };
}

impl WeekRecord {
    /// Adds `o` into `self` (fields in a fixed order, so sums are reproducible).
    pub fn add(&mut self, o: &WeekRecord) {
        each_field!(self, o, |a, b| *a += *b);
    }

    /// Every field, in one fixed order (that of [`WeekRecord::set_fields`]).
    pub fn fields(&self) -> Vec<f64> {
        let mut out = Vec::with_capacity(96);
        let mut copy = *self;
        let same = *self;
        each_field!(copy, same, |_a, b| out.push(*b));
        out
    }

    /// Sets every field from `values`, in the order of [`WeekRecord::fields`];
    /// false (and `self` unchanged) when `values` has another length.
    pub fn set_fields(&mut self, values: &[f64]) -> bool {
        if values.len() != self.fields().len() {
            return false;
        }
        let mut it = values.iter();
        let same = *self;
        each_field!(self, same, |a, _b| *a = *it.next().unwrap_or(&f64::NAN));
        true
    }

    pub fn help_delivered(&self) -> f64 {
        self.help_by.iter().sum()
    }

    /// Spending on all policy levers (yuan).
    pub fn policy_yuan(&self) -> f64 {
        self.lever_yuan.iter().sum()
    }
}

fn ratio(a: f64, b: f64) -> f64 {
    if b > 0.0 { a / b } else { f64::NAN }
}

/// A named metric: a function of a (summed) record. Its name, unit and meaning
/// are what `carenet list metrics` and the data dictionary of every output folder show.
pub struct Metric {
    pub name: &'static str,
    /// The unit the value is in: `share (0–1)`, `hours per elder-week`, …
    pub unit: &'static str,
    /// What the metric means.
    pub description: &'static str,
    pub value: fn(&WeekRecord) -> f64,
}

macro_rules! metric {
    ($name:literal, $unit:literal, $desc:literal, |$r:ident| $e:expr) => {
        Metric { name: $name, unit: $unit, description: $desc, value: |$r: &WeekRecord| $e }
    };
}

/// Every reported metric, in column order.
pub const METRICS: &[Metric] = &[
    metric!("elders", "elders", "live elders (mean over weeks)", |r| ratio(r.alive, r.weeks)),
    metric!(
        "isolation_rate",
        "share (0–1)",
        "share of elders with no social contact in the last metrics.isolation_weeks weeks (default 4)",
        |r| ratio(r.isolated, r.alive)
    ),
    metric!(
        "few_ties_rate",
        "share (0–1)",
        "share of elders with fewer than metrics.few_ties active ties (default 3)",
        |r| ratio(r.few_ties, r.alive)
    ),
    metric!("loneliness_mean", "score (0–1)", "mean loneliness (0-1)", |r| ratio(r.loneliness_sum, r.alive)),
    metric!(
        "lonely_share",
        "share (0–1)",
        "share of elders with loneliness above loneliness.moderate_threshold",
        |r| ratio(r.lonely, r.alive)
    ),
    metric!("loneliness_mean_grade1", "score (0–1)", "mean loneliness of grade-1 elders", |r| ratio(
        r.loneliness_by_grade[0],
        r.grade[0]
    )),
    metric!("loneliness_mean_grade2", "score (0–1)", "mean loneliness of grade-2 elders", |r| ratio(
        r.loneliness_by_grade[1],
        r.grade[1]
    )),
    metric!("loneliness_mean_grade3", "score (0–1)", "mean loneliness of grade-3 elders", |r| ratio(
        r.loneliness_by_grade[2],
        r.grade[2]
    )),
    metric!("unmet_help_rate", "share (0–1)", "unmet help hours / requested help hours", |r| ratio(
        r.help_unmet,
        r.help_requested
    )),
    metric!("unmet_help_rate_grade1", "share (0–1)", "unmet help rate of grade-1 elders", |r| ratio(
        r.help_unmet_by_grade[0],
        r.help_requested_by_grade[0]
    )),
    metric!("unmet_help_rate_grade2", "share (0–1)", "unmet help rate of grade-2 elders", |r| ratio(
        r.help_unmet_by_grade[1],
        r.help_requested_by_grade[1]
    )),
    metric!("unmet_help_rate_grade3", "share (0–1)", "unmet help rate of grade-3 elders", |r| ratio(
        r.help_unmet_by_grade[2],
        r.help_requested_by_grade[2]
    )),
    metric!(
        "unmet_companionship_rate",
        "share (0–1)",
        "unmet companionship hours / wanted companionship hours",
        |r| ratio(r.comp_unmet, r.comp_requested)
    ),
    metric!(
        "grade1_underserved_rate",
        "share (0–1)",
        "share of grade-1 elders with a need who had more than half their help unmet",
        |r| ratio(r.grade1_underserved, r.grade1_with_need)
    ),
    metric!("mutual_aid_share", "share (0–1)", "share of delivered help hours given by neighbouring elders", |r| {
        ratio(r.help_by[MUTUAL_AID], r.help_delivered())
    }),
    metric!("grade1_share", "share (0–1)", "share of elders in grade 1", |r| ratio(r.grade[0], r.alive)),
    metric!("grade2_share", "share (0–1)", "share of elders in grade 2", |r| ratio(r.grade[1], r.alive)),
    metric!("grade3_share", "share (0–1)", "share of elders in grade 3", |r| ratio(r.grade[2], r.alive)),
    metric!("iadl_limited_share", "share (0–1)", "share of elders IADL-limited", |r| ratio(r.state[1], r.alive)),
    metric!("semi_disabled_share", "share (0–1)", "share of elders semi-disabled", |r| ratio(r.state[2], r.alive)),
    metric!("disabled_share", "share (0–1)", "share of elders disabled", |r| ratio(r.state[3], r.alive)),
    metric!("registered_share", "share (0–1)", "share of elders registered with the social organisation", |r| ratio(
        r.registered,
        r.alive
    )),
    metric!("paired_share", "share (0–1)", "share of elders with a paired volunteer", |r| ratio(r.paired, r.alive)),
    metric!(
        "adl_incidence_per_year",
        "onsets per elder-year",
        "new semi-disabled or disabled per at-risk elder-year",
        |r| ratio(r.adl_onsets, r.adl_at_risk) * 52.0
    ),
    metric!("deaths_per_1000_per_year", "deaths per 1,000 elder-years", "deaths per 1,000 elder-years", |r| ratio(
        r.deaths, r.alive
    )
        * 52_000.0),
    metric!("family_hours", "hours per elder-week", "help and companionship hours from family per elder-week", |r| {
        ratio(r.help_by[FAMILY] + r.comp_by[FAMILY], r.alive)
    }),
    metric!("student_hours", "hours per elder-week", "hours from paired students per elder-week", |r| ratio(
        r.help_by[STUDENT] + r.comp_by[STUDENT],
        r.alive
    )),
    metric!("party_member_hours", "hours per elder-week", "hours from paired party members per elder-week", |r| ratio(
        r.help_by[PARTY] + r.comp_by[PARTY],
        r.alive
    )),
    metric!(
        "mutual_aid_hours",
        "hours per elder-week",
        "help and visit hours from neighbouring elders per elder-week",
        |r| ratio(r.help_by[MUTUAL_AID] + r.comp_by[MUTUAL_AID], r.alive)
    ),
    metric!("paid_hours", "hours per elder-week", "paid-service hours per elder-week", |r| ratio(
        r.help_by[PAID],
        r.alive
    )),
    metric!("social_worker_hours", "hours per elder-week", "social-worker hours per elder-week", |r| ratio(
        r.help_by[SOCIAL_WORKER] + r.comp_by[SOCIAL_WORKER],
        r.alive
    )),
    metric!("activity_hours", "hours per elder-week", "activity hours per elder-week", |r| ratio(
        r.comp_by[ACTIVITY],
        r.alive
    )),
    metric!("counselling_hours", "hours per elder-week", "counselling hours per elder-week", |r| ratio(
        r.comp_by[COUNSELLING],
        r.alive
    )),
    metric!(
        "paid_yuan_per_elder_week",
        "yuan per elder-week",
        "private spending on paid services per elder-week (yuan)",
        |r| ratio(r.paid_private_yuan, r.alive)
    ),
    metric!(
        "public_yuan_per_elder_week",
        "yuan per elder-week",
        "public spending (contract and vouchers) per elder-week (yuan)",
        |r| ratio(r.contract_yuan + r.voucher_yuan, r.alive)
    ),
    metric!(
        "policy_yuan_per_elder_week",
        "yuan per elder-week",
        "spending on policy levers per elder-week (yuan)",
        |r| ratio(r.policy_yuan(), r.alive)
    ),
    metric!(
        "time_bank_outstanding_hours",
        "hours per elder",
        "time-bank hours held by members per elder (end of week)",
        |r| ratio(r.tb_outstanding, r.alive)
    ),
    metric!("time_bank_redeemed_hours", "hours per elder-week", "time-bank hours redeemed per elder-week", |r| ratio(
        r.tb_withdrawals,
        r.alive
    )),
    metric!(
        "time_bank_cover_weeks",
        "weeks",
        "time-bank hours outstanding / hours capable helpers can give in a week",
        |r| { ratio(r.tb_outstanding, r.helper_hours) }
    ),
    metric!("mean_degree", "ties per elder", "mean number of neighbour ties", |r| ratio(r.net_degree_sum, r.net_n)),
    metric!("clustering", "coefficient (0–1)", "mean local clustering of neighbour ties", |r| ratio(
        r.net_clustering_sum,
        r.net_n
    )),
    metric!("giant_component_share", "share (0–1)", "share of elders in the largest connected component", |r| ratio(
        r.net_giant,
        r.net_n
    )),
];

/// Looks a metric up by name.
pub fn metric(name: &str) -> Option<&'static Metric> {
    METRICS.iter().find(|m| m.name == name)
}

/// Five-year age bands 60–64 … 95+.
pub const N_BANDS: usize = 8;
pub const BAND_NAMES: [&str; N_BANDS] = ["60-64", "65-69", "70-74", "75-79", "80-84", "85-89", "90-94", "95+"];

/// Band of an age in weeks.
#[inline]
pub fn band_of(age_weeks: u32) -> usize {
    (((age_weeks / 52) as usize).saturating_sub(60) / 5).min(N_BANDS - 1)
}

/// Person-weeks by functional state and deaths per age band.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct AgeBands {
    pub person_weeks: [[f64; 4]; N_BANDS],
    pub deaths: [f64; N_BANDS],
}

impl AgeBands {
    pub fn add(&mut self, o: &AgeBands) {
        for b in 0..N_BANDS {
            for s in 0..4 {
                self.person_weeks[b][s] += o.person_weeks[b][s];
            }
            self.deaths[b] += o.deaths[b];
        }
    }
}
pub mod breakdown;
pub mod drift;
pub mod summary;

/// Column names of the functional states in age_bands.csv.
pub const STATE_NAMES_SHORT: [&str; 4] = ["independent", "iadl_limited", "semi_disabled", "disabled"];
