//! The parameter registry: every scenario parameter declared once.
//!
//! Each [`Param`] names a key by its dotted TOML path (`ties.decay_weekly`,
//! `community_types.village.awareness`) and gives its type, its default (as
//! TOML text), its unit, its valid range ([`Check`]), its meaning, its source
//! (a publication, "assumption" or "setting"), the comment that the shipped
//! scenario file carries, and where it has one its plausible range for
//! uncertainty analysis. Everything else is derived from [`PARAMS`]:
//!
//! - the defaults: [`crate::scenario::Scenario::default`] deserialises
//!   [`default_tree`]; `scenarios/wutong.toml` and the `carenet init` template
//!   are written from the registry ([`crate::scenario::generate`]), and
//!   `[uncertainty]`'s built-in ranges are the plausible ranges below;
//! - the range checks of [`crate::scenario::validate`] for every scalar and array;
//! - `carenet explain KEY`, `carenet explain --markdown` (docs/parameters.md) and
//!   `carenet schema` (scenarios/carenet.schema.json).
//!
//! A test checks that every field of [`crate::scenario::Scenario`] has an entry
//! and every entry a field. Two kinds of key are patterns rather than single
//! parameters: `policies.<lever>.start_week` (and `end_week`,
//! `annual_budget_cap`) stands for the same key of each of the nine levers, and
//! `street.*` / `street.community.*` for the fields of each `[[street]]` and
//! `[[street.community]]` entry, whose defaults are the Wutong Street data
//! ([`crate::scenario::defaults`]).
//!
//! The one dotted-key parser ([`parse_key`]) and the one "did you mean"
//! ([`suggest`]) of the code base live here too.
//!
//! ```
//! use carenet_model::scenario::registry;
//! let p = registry::lookup("ties.decay_weekly").unwrap();
//! assert_eq!(p.default, "0.004");
//! assert_eq!(registry::lookup("policies.time_bank.end_week").unwrap().key, "policies.<lever>.end_week");
//! assert_eq!(registry::lookup("street[0].community[2].elders").unwrap().key, "street.community.elders");
//! assert_eq!(registry::suggest("decay_weekyl", ["decay_weekly", "drop_below"]), Some("decay_weekly"));
//! ```

use super::defaults::LEVER_NAMES;

/// The type of a parameter's value in a scenario file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A number (TOML float or integer).
    F64,
    /// A whole number from 0 to 2³² − 1.
    U32,
    /// A whole number from 0 to 2⁶³ − 1 (TOML integers are signed 64-bit).
    U64,
    Bool,
    Str,
    /// An array of exactly this many numbers.
    F64s(usize),
    /// An array of exactly this many whole numbers.
    U32s(usize),
    /// One of the community types' names.
    CommunityType,
    /// One of these names (a model structure, `structure.*`); the first is the default.
    Choice(&'static [&'static str]),
    /// `extends`: read by the loader, not a field of the scenario.
    Extends,
}

impl Kind {
    /// Whether the value (or each element) is a number.
    pub fn is_numeric(self) -> bool {
        matches!(self, Kind::F64 | Kind::U32 | Kind::U64 | Kind::F64s(_) | Kind::U32s(_))
    }

    /// How the kind reads in `carenet explain`.
    pub fn describe(self) -> String {
        match self {
            Kind::F64 => "number".into(),
            Kind::U32 | Kind::U64 => "integer".into(),
            Kind::Bool => "boolean".into(),
            Kind::Str => "string".into(),
            Kind::F64s(n) => format!("array of {n} numbers"),
            Kind::U32s(n) => format!("array of {n} integers"),
            Kind::CommunityType => "string (a community type)".into(),
            Kind::Choice(values) => format!("string: one of {}", values.join(", ")),
            Kind::Extends => "string (a path or builtin:NAME)".into(),
        }
    }
}

/// One end of a numeric range.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Bound {
    Unbounded,
    /// The end value itself is allowed.
    Closed(f64),
    /// Only values strictly beyond the end are allowed.
    Open(f64),
}

/// The values a parameter (or each element of an array parameter) may take.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Check {
    /// No range of its own: text, a choice, a seed, or a value checked against
    /// other keys in [`crate::scenario::validate`].
    None,
    /// A finite number between `lo` and `hi`; `allowed` says so in words.
    Number { lo: Bound, hi: Bound, allowed: &'static str },
    /// A whole number from `lo` to `hi` (inclusive).
    Integer { lo: u64, hi: u64 },
    /// A week of the year, 1 to 52.
    Week,
    /// Shares from 0 to 1 that sum to 1 (within [`MIX_TOLERANCE`]).
    Mix,
}

impl Check {
    /// Whether a finite or non-finite number passes (not for [`Check::Mix`]'s sum).
    pub fn accepts(self, v: f64) -> bool {
        match self {
            Check::None => true,
            Check::Number { lo, hi, .. } => {
                v.is_finite()
                    && match lo {
                        Bound::Unbounded => true,
                        Bound::Closed(x) => v >= x,
                        Bound::Open(x) => v > x,
                    }
                    && match hi {
                        Bound::Unbounded => true,
                        Bound::Closed(x) => v <= x,
                        Bound::Open(x) => v < x,
                    }
            }
            Check::Integer { lo, hi } => v.fract() == 0.0 && v >= lo as f64 && v <= hi as f64,
            Check::Week => v.fract() == 0.0 && (1.0..=52.0).contains(&v),
            Check::Mix => (0.0..=1.0).contains(&v),
        }
    }

    /// What is allowed, in words (empty for [`Check::None`]).
    pub fn allowed(self) -> String {
        match self {
            Check::None => String::new(),
            Check::Number { allowed, .. } => allowed.to_string(),
            Check::Integer { lo, hi } if hi >= U32_MAX => format!("an integer ≥ {lo}"),
            Check::Integer { lo, hi } => format!("an integer from {lo} to {hi}"),
            Check::Week => "a week of the year, from 1 to 52".to_string(),
            Check::Mix => "shares from 0 to 1 that sum to 1 (within 1e-6)".to_string(),
        }
    }
}

/// One parameter. Built with [`Param::new`] and the `const` setters below.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Param {
    /// Dotted TOML path; `<lever>` stands for each lever's name, and `street.` /
    /// `street.community.` for each entry of those arrays of tables.
    pub key: &'static str,
    pub kind: Kind,
    /// The default as TOML text (`0.004`, `[0.56, 0.30, 0.14]`, `"wutong"`);
    /// empty when there is none (`extends`, a community's own keys).
    pub default: &'static str,
    pub check: Check,
    /// Unit and range in words, as docs/parameters.md shows them.
    pub unit: &'static str,
    /// What the parameter means (Markdown).
    pub meaning: &'static str,
    /// A publication, "assumption" or "setting", with the reason (Markdown).
    pub source: &'static str,
    /// The comment over the key in `scenarios/wutong.toml` and the init template.
    pub note: &'static str,
    /// A plausible range `[low, high]` (an assumption) and what it is a range of;
    /// the built-in `[uncertainty]` table is made of these.
    pub plausible: Option<([f64; 2], &'static str)>,
}

impl Param {
    pub const fn new(key: &'static str, kind: Kind, default: &'static str, check: Check) -> Param {
        Param { key, kind, default, check, unit: "", meaning: "", source: "", note: "", plausible: None }
    }
    pub const fn unit(self, unit: &'static str) -> Param {
        Param { unit, ..self }
    }
    pub const fn meaning(self, meaning: &'static str) -> Param {
        Param { meaning, ..self }
    }
    pub const fn source(self, source: &'static str) -> Param {
        Param { source, ..self }
    }
    pub const fn note(self, note: &'static str) -> Param {
        Param { note, ..self }
    }
    pub const fn plausible(self, low: f64, high: f64, what: &'static str) -> Param {
        Param { plausible: Some(([low, high], what)), ..self }
    }

    /// The TOML table the key is written in (`""` for the top level): the
    /// longest entry of [`TABLES`] that prefixes it.
    pub fn table(&self) -> &'static str {
        if self.is_lever_pattern() {
            return "policies.<lever>";
        }
        TABLES
            .iter()
            .map(|(t, _)| *t)
            .filter(|t| self.key.strip_prefix(t).is_some_and(|rest| rest.starts_with('.')))
            .max_by_key(|t| t.len())
            .unwrap_or("")
    }

    /// The key within its table: `annual_at_60` of `health.semi_to_iadl.annual_at_60`
    /// is `semi_to_iadl.annual_at_60`.
    pub fn local_key(&self) -> &'static str {
        let table = self.table();
        if table.is_empty() { self.key } else { &self.key[table.len() + 1..] }
    }

    /// Whether the key is a pattern standing for each lever's key.
    pub fn is_lever_pattern(&self) -> bool {
        self.key.starts_with("policies.<lever>.")
    }

    /// The keys the entry stands for: itself, or one per lever.
    pub fn instances(&self) -> Vec<String> {
        match self.key.strip_prefix("policies.<lever>.") {
            Some(rest) => LEVER_NAMES.iter().map(|l| format!("policies.{l}.{rest}")).collect(),
            None => vec![self.key.to_string()],
        }
    }
}

/// Mixes must sum to 1 within this.
pub const MIX_TOLERANCE: f64 = 1e-6;
/// Generous upper bound on weeks that keeps a typo from allocating the whole machine.
pub const MAX_WEEKS: u64 = 5_200;
/// The largest `u32`: an integer check up to it has no upper bound in words.
pub const U32_MAX: u64 = u32::MAX as u64;

const fn closed(lo: f64, hi: f64, allowed: &'static str) -> Check {
    Check::Number { lo: Bound::Closed(lo), hi: Bound::Closed(hi), allowed }
}

const NONE: Check = Check::None;
const PROBABILITY: Check = closed(0.0, 1.0, "a probability from 0 to 1");
const SHARE: Check = closed(0.0, 1.0, "a share from 0 to 1");
const UNIT: Check = closed(0.0, 1.0, "a number from 0 to 1");
const STRENGTH: Check = closed(0.0, 1.0, "a tie strength from 0 to 1");
const SMOOTHING: Check = closed(0.0, 1.0, "a smoothing weight from 0 to 1");
const MORTALITY_SLOPE: Check = closed(0.0, 1.0, "a number ≥ 0 (Gompertz slope per year of age, at most 1)");
const SLOPE: Check = closed(-1.0, 1.0, "a log-linear change per year of age, from -1 to 1");
const WEEKLY_HOURS: Check = closed(0.0, 168.0, "hours per week, from 0 to 168");
const MONTHLY_HOURS: Check = closed(0.0, 744.0, "hours per month, from 0 to 744");
const FACTOR_20: Check = closed(0.0, 20.0, "a factor from 0 to 20");
const FACTOR_100: Check = closed(0.0, 100.0, "a factor from 0 to 100");
const SESSIONS_100: Check = closed(0.0, 100.0, "sessions from 0 to 100");
const SESSIONS_WEEK_100: Check = closed(0.0, 100.0, "sessions per week, from 0 to 100");
const SESSIONS_1000: Check = closed(0.0, 1000.0, "sessions from 0 to 1000");
const NON_NEGATIVE: Check =
    Check::Number { lo: Bound::Closed(0.0), hi: Bound::Unbounded, allowed: "a finite number ≥ 0" };
/// Elders in one building, lane or kin cluster. The generators tie every pair of a group
/// with some probability, so the work grows with the square of the size: 1,000 (a tower
/// block of elders alone) is far above any real building and keeps that work bounded.
const GROUP_SIZE: Check = closed(2.0, 1000.0, "a number from 2 to 1000 (elders in one building or cluster)");
/// Expected ties per elder. 150 is Dunbar's number, the most acquaintances a person keeps;
/// the generators draw about degree × elders / 2 ties, so this bounds the network's size
/// (and the time to build it) by a multiple of the elders.
const DEGREE: Check = closed(0.0, 150.0, "ties per elder, from 0 to 150 (Dunbar's number)");
const ANNUAL: Check = Check::Number {
    lo: Bound::Closed(0.0),
    hi: Bound::Open(1.0),
    allowed: "an annual probability from 0 up to, but not including, 1",
};
const STRICT_PROBABILITY: Check =
    Check::Number { lo: Bound::Open(0.0), hi: Bound::Open(1.0), allowed: "a probability strictly between 0 and 1" };
const HAZARD: Check = Check::Number { lo: Bound::Open(0.0), hi: Bound::Unbounded, allowed: "a hazard ratio > 0" };
const CONCENTRATION: Check =
    Check::Number { lo: Bound::Open(0.0), hi: Bound::Unbounded, allowed: "a Beta concentration (α + β) > 0" };
const PRICE: Check = Check::Number { lo: Bound::Open(0.0), hi: Bound::Unbounded, allowed: "a price in yuan > 0" };
const POSITIVE_STRENGTH: Check =
    Check::Number { lo: Bound::Open(0.0), hi: Bound::Closed(1.0), allowed: "a tie strength above 0 and at most 1" };
const MAX_AGE: Check = Check::Number {
    lo: Bound::Open(80.0),
    hi: Bound::Closed(130.0),
    allowed: "an age in years above 80 (the 80+ group is drawn up to it) and at most 130",
};

/// The TOML tables of a scenario file in the order the shipped file writes
/// them, each with the comment above it there (one line per line, no `#`).
pub const TABLES: &[(&str, &str)] = &[
    ("simulation", ""),
    ("population", ""),
    (
        "community_types.commercial_estate",
        "Traits by community type. Nothing in the study or the literature gives these
per type: the values are assumptions ordered as the evidence suggests (villages
have more co-resident family and denser kin ties, lower income and fewer paid
services; commodity estates the reverse; village-to-residence communities keep
some old-village clusters but low mutual-aid awareness).",
    ),
    ("community_types.commercial_estate.network", ""),
    ("community_types.village", ""),
    ("community_types.village.network", ""),
    ("community_types.village_to_residence", ""),
    ("community_types.village_to_residence.network", ""),
    ("needs", ""),
    ("family", ""),
    (
        "health",
        "Functional-state transitions: the annual probability at age 60 and its
log-linear change per year of age (rate = annual_at_60 · exp(age_slope · (age − 60)),
capped by max_annual_probability): the CLHLS one-year transitions smoothed across
ages, levels calibrated to prevalence and incidence. Mortality: a gamma-Gompertz
curve by sex fitted to the 2000 census, times mortality_improvement, shared out
over the functional states by mortality_state_ratio.",
    ),
    (
        "living",
        "Living arrangements. An elder lives alone, with a spouse only, or with
children. A spouse's death makes an elder who lived with a spouse only live
alone; moving in with children ends living alone.",
    ),
    ("loneliness", ""),
    ("willingness", ""),
    ("ties", ""),
    ("case_management", ""),
    ("students", ""),
    ("party_members", ""),
    ("mutual_aid", ""),
    ("social_workers", ""),
    ("paid_services", ""),
    ("activities", ""),
    ("inflow", ""),
    ("metrics", ""),
    (
        "structure",
        "Model structure (docs/model.md §7): one formulation per mechanism, by name.
The first name listed for each key is the model's original formulation.
`carenet reproduce --structures all` re-checks the claims under the others.",
    ),
    (
        "policies.care_subsidy",
        "---------------------------------------------------------------------------
Policy levers (docs/design.md §4; docs/policies.md). Each acts only in the packages
that name it, from start_week (inclusive) to end_week (exclusive; 0 = to the
end of the run). annual_budget_cap (yuan a year; 0 = none) scales the lever's
dose down in any week whose planned cost exceeds a 52nd of the cap.
---------------------------------------------------------------------------",
    ),
    ("policies.student_credits", ""),
    ("policies.activity_programme", ""),
    ("policies.counselling", ""),
    ("policies.time_bank", ""),
    ("policies.info_platform", ""),
    ("policies.supervision", ""),
    ("policies.public_funding", ""),
    ("policies.merchant_alliance", ""),
    (
        "packages",
        "Packages: name = [levers]. `carenet compare` runs every package against the
baseline with common random numbers. The study's three paths together:
policy support (care_subsidy, info_platform, supervision), long-term mutual
aid (activity_programme, counselling, time_bank) and diversified funding
(public_funding, student_credits, merchant_alliance).",
    ),
    (
        "uncertainty",
        "Plausible ranges of assumption parameters (docs/parameters.md marks them as
assumptions): dotted key = [low, high]. `carenet reproduce --robust K` checks
each claim under K Latin-hypercube draws from these ranges. Each range is an
assumption, roughly ±50% around the default or the span the literature allows.",
    ),
    (
        "street",
        "The street and its communities. Arrays are replaced whole by a file that
`extends` this one: to change one community, restate the whole [[street]].

The study says Wutong Street has 14 communities but lists 7 commodity-housing
estates + 2 administrative villages + 4 village-to-residence communities = 13.
The 14th is modelled as an eighth commodity-housing estate (`estate_8_unlisted`)
because the High-tech Zone is dominated by new commodity housing. Only Chunteng,
Yulanjie, Qinzhuang, Lanzhai, Walii and Guozhuang are named in the study; the
other names are placeholders.

Elders per community are an assumption: community sizes are not published. The
High-tech Zone had 319,000 residents in 2019 (Zhengzhou 2019 sample survey) and
13.2% of Zhengzhou's residents were aged 60+ at the end of 2022 (Zhengzhou
Statistics Bureau), so about a thousand elders per community is plausible.",
    ),
    (
        "street.community",
        "Each community: `name` (unique in the street), `type` (commercial_estate,
village or village_to_residence) and `elders` (aged 60+ at the start; assumption).",
    ),
];

/// The allowed values of the `structure.*` keys (the first is the default).
pub const FAMILY_STRUCTURES: &[&str] = &["contact", "substitution"];
pub const WILLINGNESS_STRUCTURES: &[&str] = &["threshold", "logistic", "norms"];
pub const LONELINESS_STRUCTURES: &[&str] = &["anchored", "accumulating"];
pub const PAID_MARKET_STRUCTURES: &[&str] = &["elastic", "fixed"];
pub const TIME_BANK_STRUCTURES: &[&str] = &["credit", "clearing_house"];

/// The model-structure keys (`structure.*`) with their allowed values, the
/// default first: what `reproduce --structures` varies.
pub fn structures() -> impl Iterator<Item = (&'static str, &'static [&'static str])> {
    PARAMS.iter().filter_map(|p| match p.kind {
        Kind::Choice(values) if p.key.starts_with("structure.") => Some((p.key, values)),
        _ => None,
    })
}

/// Every parameter, in the order of the shipped scenario file.
pub const PARAMS: &[Param] = &[
    Param::new("extends", Kind::Extends, "", NONE)
        .unit(r#"path, or `"builtin:wutong"`"#)
        .meaning("scenario to inherit from; a relative path is resolved against the extending file's directory")
        .source("setting"),
    Param::new("name", Kind::Str, r#""wutong""#, NONE)
        .unit("letters, digits, `_`, `-`, `.`")
        .meaning("short name; outputs go to `output/<name>/`")
        .source("setting")
        .note("Short name; outputs go to output/<name>/. Letters, digits, `_`, `-`, `.`."),
    Param::new("description", Kind::Str, r#""Wutong Street, High-tech Zone, Zhengzhou: 14 communities, baseline""#, NONE)
        .unit("text")
        .meaning("one line saying what the scenario is")
        .source("setting")
        .note("One line saying what the scenario is."),
    Param::new("simulation.seed", Kind::U64, "20240611", NONE)
        .unit("integer")
        .meaning("master seed; every random stream is derived from it (docs/model.md §4)")
        .source("setting (arbitrary: 2024-06-11)")
        .note("Master seed: every random stream is derived from it. Arbitrary (2024-06-11)."),
    Param::new("simulation.weeks", Kind::U32, "260", Check::Integer { lo: 1, hi: MAX_WEEKS })
        .unit("weeks, 1–5,200")
        .meaning("horizon (five years)")
        .source("setting")
        .note("Weeks simulated: 260 = five years. Setting."),
    Param::new("simulation.reps", Kind::U32, "20", Check::Integer { lo: 1, hi: 100_000 })
        .unit("replications, 1–100,000")
        .meaning("independent replications; the summary's CI is across them")
        .source("setting. For a target CI width w, n > (2zσ/w)² (docs/evidence.md §8)")
        .note("Replications (independent runs with derived seeds). Setting."),
    Param::new("simulation.start_week_of_year", Kind::U32, "1", Check::Week)
        .unit("week 1–52")
        .meaning("week of the year in which the run starts; sets the student calendar")
        .source("setting")
        .note("Week of the year (1–52) the run starts in; sets the student calendar. Setting."),
    Param::new("simulation.burn_in_weeks", Kind::U32, "156", Check::Integer { lo: 0, hi: MAX_WEEKS })
        .unit("weeks, 0–5,200")
        .meaning("weeks simulated before week 1 and never reported, so that the reported weeks start from a settled state; every package runs the baseline's levers during them, and policy windows count from week 1")
        .source("**calibrated** to the stationarity rule (drift.csv; docs/model.md §3): with 156 weeks every headline metric of the default run moves less than 2 points or 12% of its level from year 1 to year 5, and mutual aid's share less than 30% in every community type; with 104 weeks the village death rate still drifts (+5.5 per 1,000, allowed 4.2). Without a burn-in the registered share rises 22 points and the village-to-residence mutual-aid share falls 38% (docs/validation.md)")
        .note("Weeks run before week 1 and never reported (burn-in); packages use the baseline's levers during them. Setting."),
    Param::new("population.age_mix", Kind::F64s(3), "[0.56, 0.30, 0.14]", Check::Mix)
        .unit("shares of 60–69, 70–79, 80+")
        .meaning("initial age groups; ages are uniform within 60–69 and 70–79; 80+ is 80 + Exp(mean 6 y), truncated")
        .source("**7th National Census 2020**: 80+ = 35.80 M = 13.56% of the 60+ (NBS; Ning Jizhe press conference, 2021; H for the count, M for the derived share). **CRCA 5th Sample Survey of older people 2021**: 60–69 = 56.2% (via Yicai Global, 22 Oct 2024; M). 70–79 = 100 − 55.8 − 13.6 ≈ 30.6% (derived, M). Rounded. These are national shares. Zhengzhou is younger (13.2% aged 60+ against 18.7% nationally), so the 60+ of Wutong may be younger than this mix")
        .note("Shares of elders aged 60–69, 70–79, 80+ (sum to 1). Source: 7th National Census 2020 (80+ = 13.6% of the 60+) and CRCA 5th Sample Survey 2021 (60–69 = 56.2%)."),
    Param::new("population.max_initial_age", Kind::F64, "100.0", MAX_AGE)
        .unit("years, > 80 and ≤ 130")
        .meaning("oldest initial age drawn for the 80+ group")
        .source("**assumption**: a technical truncation of the exponential tail")
        .note("Oldest age (years) drawn for the 80+ group. Assumption."),
    Param::new("population.male_share", Kind::F64, "0.50", SHARE)
        .unit("share at age 60")
        .meaning("share of men at 60, among newcomers and in the initial population; at older ages the initial share falls with the two sexes' survival from 60 (`[health]` mortality)")
        .source("**assumption**: near parity at 60 (the 7th census's sex ratio is 105.07 overall, NBS 2021; H, and falls with age as men die earlier). Sex sets each elder's death rate and widowhood hazard")
        .note("Share of men at age 60 (newcomers and the initial population; older initial elders are more often women, by the two sexes' survival). Assumption."),
    Param::new("population.state_mix_60_69", Kind::F64s(4), "[0.871, 0.049, 0.044, 0.036]", Check::Mix)
        .unit("shares by state")
        .meaning("functional states at age 60: every newcomer's, and the start of the cohort calculation that gives the initial states at every age (docs/model.md, Initialisation)")
        .source("**calibrated**: the state shares at 60 that the smoothed CLHLS transitions (`[health]`) keep from one year of age to the next (the fixed point of the year-60 transitions), so that newcomers join without a jump. With these and the transitions the initial population has **27%** with some limitation (pooled prevalence 26.2%, 95% CI 23.7–28.6, highest at 80+: Zheng P-P et al., *IJERPH* 2022;19(3):1656, doi:10.3390/ijerph19031656; H) and **14.5%** semi-disabled or disabled (≈ 15% nationally, 45 M of 297 M, and 14.5% in Nanjing; M, derived; docs/evidence.md §2)")
        .note("Functional-state shares at age 60 (sum to 1): newcomers' states and the start of the cohort that gives the initial states by age. Calibrated with the [health] transitions to about 27% with any limitation (Zheng et al., IJERPH 2022: 26.2%) and 14.5% semi-disabled or disabled (about 15% nationally)."),
    Param::new("community_types.commercial_estate.lives_alone_share", Kind::F64, "0.20", SHARE)
        .unit("share")
        .meaning("initial share of elders living alone (widowhood and moving in with children change it; `[living]`); grade 2 at least")
        .source("**assumption**, above the national ≈ 15% living alone (derived from the CRCA 2021 survey: 59.7% of the 60+ are empty-nesters, about a quarter of them without a spouse; M), because the study says more elders live alone in commodity estates")
        .note("Share of elders living alone. Assumption; national ≈ 15% (derived from the CRCA 2021 survey: 59.7% empty-nest, about a quarter of them without a spouse)."),
    Param::new("community_types.commercial_estate.family_near_share", Kind::F64, "0.45", SHARE)
        .unit("share of elders living alone")
        .meaning("of the elders living alone, the share whose nearest child lives in the same neighbourhood or village (near family); drawn once per elder. Elders who do not live alone have co-resident family, read each week from `lives_alone`")
        .source("**derived**, then ordered by type (assumption). Nationally 41% of the 60+ live with an adult child, another 34% have one in the same neighbourhood, 14% in the same county, 5% farther away and about 7% none living (Lei X., Strauss J., Tian M. & Zhao Y., *China Economic Journal* 2015;8(3):191–214, doi:10.1080/17538963.2015.1102473 (CHARLS 2011 baseline, 60+); the 7% is in the 2013 working paper). Among elders who do not live with a child that is 34/59 ≈ 58% near. Set below the national share because the study says children live farther away in commodity estates.")
        .note("Of elders living alone: share whose nearest child lives in the same neighbourhood or village. Derived from CHARLS 2011 (58% nationally; Lei et al., China Economic Journal 2015), ordered by type (assumption).")
        .plausible(0.30, 0.60, "share of elders living alone with a child nearby, commercial_estate"),
    Param::new("community_types.commercial_estate.family_absent_share", Kind::F64, "0.15", SHARE)
        .unit("share of elders living alone")
        .meaning("of the elders living alone, the share with no child to call on (absent family: no living child, or none in touch); the rest of those not near have family at a distance")
        .source("**derived**, then ordered by type (assumption): about 7% of the 60+ have no living child (Lei X., Strauss J., Tian M. & Zhao Y., *China Economic Journal* 2015;8(3):191–214, doi:10.1080/17538963.2015.1102473 (CHARLS 2011 baseline, 60+)), ≈ 12% of those not living with a child. Set above the national share: fewer children in cities (2.3 against 2.9 rural; CRCA 2021).")
        .note("Of elders living alone: share with no child to call on. Derived from CHARLS 2011 (≈ 12% of those not living with a child; Lei et al. 2015), ordered by type (assumption)."),
    Param::new("community_types.commercial_estate.family_coresident_hours", Kind::F64, "21.0", WEEKLY_HOURS)
        .unit("hours/week")
        .meaning("mean weekly capacity of co-resident family (spouse or child at home): in a week of contact the family gives up to this (× the elder's own Gamma(shape 2) factor, mean 1), help first, as far as the elder needs")
        .source("**assumption** (fewer hours than in villages, per the study's description). The spouse, then children, are the main carers of disabled Chinese elders (Chen X., CHARLS 2011, PAA 2013); the capacity of 3–4 h a day meets the ladder's moderate need (16 h) and most of a substantial one (32 h; Gostoli & Silverman, *PLOS ONE* 15(12): e0242779, 2020)")
        .note("Mean weekly hours co-resident family can give (capacity; help first, as needed). Assumption."),
    Param::new("community_types.commercial_estate.family_near_hours", Kind::F64, "7.0", WEEKLY_HOURS)
        .unit("hours/week")
        .meaning("mean weekly capacity of near, non-co-resident family in a week of contact (× the elder's Gamma factor)")
        .source("**assumption** (fewer hours than in villages, per the study's description): children living close visit more often than those farther away (Lei et al. 2015), but give fewer hours than family at home")
        .note("Mean weekly hours near (non-co-resident) family can give in a week of contact. Assumption."),
    Param::new("community_types.commercial_estate.income_mix", Kind::F64s(3), "[0.20, 0.50, 0.30]", Check::Mix)
        .unit("shares low, middle, high")
        .meaning("income tiers; set the weekly budget for paid services")
        .source("**assumption** (higher incomes, per the study)")
        .note("Shares of low, middle, high income tiers (sum to 1). Assumption."),
    Param::new("community_types.commercial_estate.loneliness_mean", Kind::F64, "0.27", UNIT)
        .unit("0–1")
        .meaning("mean of the Beta distribution of initial (= baseline) loneliness")
        .source("**assumption**. L is a 0–1 score, not a prevalence. With concentration 6, 16% of elders start above the moderate threshold (0.45). Checked against ≈ 30% of Chinese aged 55+ reporting loneliness (Wang X., *J Gerontol B* 2024, doi:10.1093/geronb/gbae187; H) and urban depressive symptoms of 20.5% (Zhang L. et al., *Int J Geriatr Psychiatry* 2012;27(9):900; H), through the grade shares (see `[loneliness]`)")
        .note("Mean initial loneliness, 0–1. Assumption; ≈ 30% of Chinese aged 55+ report loneliness (Wang, J Gerontol B 2024), more in rural areas."),
    Param::new("community_types.commercial_estate.willingness_mean", Kind::F64, "0.35", UNIT)
        .unit("0–1")
        .meaning("mean of the Beta distribution of initial willingness to help")
        .source(r#"**assumption**. The national share of elders who volunteer is not found; urban elders show "high willingness, low participation" (Xie L., *Population & Development* 2017;23(1):55; qualitative)"#)
        .note("Mean initial willingness to help, 0–1. Assumption."),
    Param::new("community_types.commercial_estate.awareness", Kind::F64, "0.35", UNIT)
        .unit("0–1")
        .meaning("mutual-aid awareness: the level willingness drifts toward")
        .source("**assumption**, equal to `willingness_mean` so that W has no trend without events")
        .note("Mutual-aid awareness, 0–1: the level willingness drifts toward. Assumption."),
    Param::new("community_types.commercial_estate.paid_hours_per_100", Kind::F64, "40.0", NON_NEGATIVE)
        .unit("hours/week per 100 initial elders")
        .meaning("paid-service hours the local market can sell")
        .source("**assumption**: no published capacity. Gives 3,180 h/week over the 8 default estates")
        .note("Paid-service hours the local market offers per 100 elders per week. Assumption."),
    Param::new("community_types.commercial_estate.activity_sessions", Kind::F64, "2.0", SESSIONS_WEEK_100)
        .unit("sessions/week")
        .meaning("baseline activity sessions (a fraction is rounded stochastically)")
        .source("**assumption**")
        .note("Baseline community activity sessions per week. Assumption."),
    Param::new("community_types.commercial_estate.network.building_size", Kind::F64, "60.0", GROUP_SIZE)
        .unit("elders, 2 to 1,000")
        .meaning("elders per building (rounded); buildings are consecutive blocks of slots")
        .source("**assumption**")
        .note("Elders per building. Assumption."),
    Param::new("community_types.commercial_estate.network.building_degree", Kind::F64, "3.0", DEGREE)
        .unit("ties per elder, ≤ size − 1 and ≤ 150")
        .meaning("expected ties inside one's building: each pair is tied with probability degree/(m − 1)")
        .source("**assumption** (neighbours know each other less in commodity estates, *Env & Planning A* 2019)")
        .note("Expected ties per elder inside their building. Assumption (commodity estates: neighbours know each other less, Environment & Planning A 2019;51(3):761)."),
    Param::new("community_types.commercial_estate.network.across_degree", Kind::F64, "0.5", DEGREE)
        .unit("ties per elder, ≤ 150")
        .meaning("expected ties to elders of other buildings")
        .source(r#"**assumption** ("few ties across buildings", the study)"#)
        .note("Expected ties per elder to other buildings. Assumption."),
    Param::new("community_types.commercial_estate.network.kin_share", Kind::F64, "0.0", SHARE)
        .unit("share")
        .meaning("share of elders in a kinship / old-village cluster")
        .source("**assumption** (none in commodity estates)")
        .note("Share of elders in a kinship / old-village cluster, 0–1. Assumption (none)."),
    Param::new("community_types.commercial_estate.network.kin_cluster_size", Kind::F64, "6.0", GROUP_SIZE)
        .unit("elders, 2 to 1,000")
        .meaning("mean cluster size, uniform on ±50%")
        .source("**assumption** (unused while `kin_share` = 0)")
        .note("Mean elders per cluster (unused when kin_share = 0). Assumption."),
    Param::new("community_types.commercial_estate.network.kin_degree", Kind::F64, "0.0", DEGREE)
        .unit("ties per clustered elder, ≤ size − 1 and ≤ 150")
        .meaning("expected ties inside the cluster")
        .source("**assumption** (none)")
        .note("Expected ties per clustered elder inside the cluster. Assumption."),
    Param::new("community_types.commercial_estate.network.kin_colocation", Kind::F64, "1.0", PROBABILITY)
        .unit("probability")
        .meaning("probability that a clustered elder keeps the cluster's home building (1 − it = probability of a random swap)")
        .source("**assumption** (unused)")
        .note("Probability that a clustered elder lives in the cluster's home building. Assumption."),
    Param::new("community_types.commercial_estate.network.kin_strength", Kind::F64, "0.6", POSITIVE_STRENGTH)
        .unit("strength, (0, 1]")
        .meaning("mean initial strength of cluster ties, drawn uniform on ±50%")
        .source("**assumption** (unused)")
        .note("Mean initial strength of kin ties, 0–1. Assumption."),
    Param::new("community_types.commercial_estate.network.neighbour_strength", Kind::F64, "0.4", POSITIVE_STRENGTH)
        .unit("strength, (0, 1]")
        .meaning("mean initial strength of building and across ties, uniform on ±50%, clipped to [0.05, 1]")
        .source("**assumption**")
        .note("Mean initial strength of building and across ties, 0–1. Assumption."),
    Param::new("community_types.commercial_estate.network.newcomer_degree", Kind::F64, "3.0", DEGREE)
        .unit("ties, ≤ building_size − 1 and ≤ 150")
        .meaning("mean (Poisson) number of initial ties of a new 60-year-old inside their building")
        .source("**assumption**: someone turning 60 is usually a long-standing resident. The value is near the type's initial mean degree, so that turnover does not thin the network")
        .note("Expected initial ties of a newcomer (an elder turning 60, usually a long-standing resident) inside their building; near the type's initial mean degree so that demographic turnover does not thin the network. Assumption."),
    Param::new("community_types.village.lives_alone_share", Kind::F64, "0.10", SHARE)
        .unit("share")
        .meaning("living alone")
        .source("**assumption**: more co-resident family in villages (the study). This rests on the study's description, not on national data: the rural empty-nest share, ≈ 62% (CRCA 2021; H), is higher than the urban one")
        .note("Share living alone. Assumption (more co-resident family in villages)."),
    Param::new("community_types.village.family_near_share", Kind::F64, "0.65", SHARE)
        .unit("share of elders living alone")
        .meaning("of the elders living alone, the share whose nearest child lives in the same neighbourhood or village (near family); drawn once per elder. Elders who do not live alone have co-resident family, read each week from `lives_alone`")
        .source("**derived**, then ordered by type (assumption). Nationally 41% of the 60+ live with an adult child, another 34% have one in the same neighbourhood, 14% in the same county, 5% farther away and about 7% none living (Lei X., Strauss J., Tian M. & Zhao Y., *China Economic Journal* 2015;8(3):191–214, doi:10.1080/17538963.2015.1102473 (CHARLS 2011 baseline, 60+); the 7% is in the 2013 working paper). Among elders who do not live with a child that is 34/59 ≈ 58% near. Set above the national share: rural elders live closer to their children (Lei et al. 2015).")
        .note("Of elders living alone: share whose nearest child lives in the same neighbourhood or village. Derived from CHARLS 2011 (58% nationally; Lei et al., China Economic Journal 2015), ordered by type (assumption).")
        .plausible(0.50, 0.80, "share of elders living alone with a child nearby, village"),
    Param::new("community_types.village.family_absent_share", Kind::F64, "0.08", SHARE)
        .unit("share of elders living alone")
        .meaning("of the elders living alone, the share with no child to call on (absent family: no living child, or none in touch); the rest of those not near have family at a distance")
        .source("**derived**, then ordered by type (assumption): about 7% of the 60+ have no living child (Lei X., Strauss J., Tian M. & Zhao Y., *China Economic Journal* 2015;8(3):191–214, doi:10.1080/17538963.2015.1102473 (CHARLS 2011 baseline, 60+)), ≈ 12% of those not living with a child. Set below the national share: more children in rural areas (2.9; CRCA 2021).")
        .note("Of elders living alone: share with no child to call on. Derived from CHARLS 2011 (≈ 12% of those not living with a child; Lei et al. 2015), ordered by type (assumption)."),
    Param::new("community_types.village.family_coresident_hours", Kind::F64, "28.0", WEEKLY_HOURS)
        .unit("hours/week")
        .meaning("mean weekly capacity of co-resident family (spouse or child at home): in a week of contact the family gives up to this (× the elder's own Gamma(shape 2) factor, mean 1), help first, as far as the elder needs")
        .source("**assumption** (more hours than in estates: co-resident kin and more children). The spouse, then children, are the main carers of disabled Chinese elders (Chen X., CHARLS 2011, PAA 2013); the capacity of 3–4 h a day meets the ladder's moderate need (16 h) and most of a substantial one (32 h; Gostoli & Silverman, *PLOS ONE* 15(12): e0242779, 2020)")
        .note("Mean weekly hours co-resident family can give (capacity; help first, as needed). Assumption."),
    Param::new("community_types.village.family_near_hours", Kind::F64, "10.0", WEEKLY_HOURS)
        .unit("hours/week")
        .meaning("mean weekly capacity of near, non-co-resident family in a week of contact (× the elder's Gamma factor)")
        .source("**assumption** (more hours than in estates: co-resident kin and more children): children living close visit more often than those farther away (Lei et al. 2015), but give fewer hours than family at home")
        .note("Mean weekly hours near (non-co-resident) family can give in a week of contact. Assumption."),
    Param::new("community_types.village.income_mix", Kind::F64s(3), "[0.55, 0.38, 0.07]", Check::Mix)
        .unit("shares")
        .meaning("income tiers")
        .source("**assumption** (lower rural incomes)")
        .note("Low, middle, high income shares. Assumption (lower rural incomes)."),
    Param::new("community_types.village.loneliness_mean", Kind::F64, "0.32", UNIT)
        .unit("0–1")
        .meaning("initial loneliness mean")
        .source("**assumption**, higher than in estates: loneliness is highest in rural women (Wang 2024; H), and rural depressive symptoms are 29.2% against 20.5% urban (Zhang et al. 2012; H). 23% start above 0.45")
        .note("Mean initial loneliness. Assumption (rural elders lonelier: Wang 2024)."),
    Param::new("community_types.village.willingness_mean", Kind::F64, "0.50", UNIT)
        .unit("0–1")
        .meaning("initial willingness mean")
        .source("**assumption** (long-standing kin ties)")
        .note("Mean initial willingness to help. Assumption."),
    Param::new("community_types.village.awareness", Kind::F64, "0.50", UNIT)
        .unit("0–1")
        .meaning("willingness drift target")
        .source("**assumption** (= `willingness_mean`)")
        .note("Mutual-aid awareness. Assumption (long-standing village ties).")
        .plausible(0.4, 0.6, "mutual-aid awareness of villages"),
    Param::new("community_types.village.paid_hours_per_100", Kind::F64, "8.0", NON_NEGATIVE)
        .unit("hours/week per 100 elders")
        .meaning("paid-service capacity")
        .source("**assumption** (few paid services, per the study). 124 h/week over the 2 default villages")
        .note("Paid-service hours per 100 elders per week. Assumption (few paid services)."),
    Param::new("community_types.village.activity_sessions", Kind::F64, "1.0", SESSIONS_WEEK_100)
        .unit("sessions/week")
        .meaning("activity sessions")
        .source("**assumption**")
        .note("Activity sessions per week. Assumption."),
    Param::new("community_types.village.network.building_size", Kind::F64, "60.0", GROUP_SIZE)
        .unit("elders, 2 to 1,000")
        .meaning("elders per lane")
        .source("**assumption**")
        .note("Elders per lane. Assumption."),
    Param::new("community_types.village.network.building_degree", Kind::F64, "4.0", DEGREE)
        .unit("ties per elder, ≤ 150")
        .meaning("ties inside one's lane")
        .source("**assumption** (denser than in estates)")
        .note("Ties per elder inside the lane. Assumption."),
    Param::new("community_types.village.network.across_degree", Kind::F64, "2.0", DEGREE)
        .unit("ties per elder, ≤ 150")
        .meaning("ties to other lanes")
        .source("**assumption** (village-wide acquaintance)")
        .note("Ties per elder to other lanes. Assumption."),
    Param::new("community_types.village.network.kin_share", Kind::F64, "0.8", SHARE)
        .unit("share")
        .meaning("share in a kinship cluster")
        .source(r#"**assumption** ("dense kinship ties", the study)"#)
        .note("Share in a kinship cluster. Assumption (dense kinship; docs/evidence.md: village ≥ village-to-residence > commodity estate, no numbers published)."),
    Param::new("community_types.village.network.kin_cluster_size", Kind::F64, "8.0", GROUP_SIZE)
        .unit("elders, 2 to 1,000")
        .meaning("mean kinship-cluster size")
        .source("**assumption**")
        .note("Mean elders per kinship cluster. Assumption."),
    Param::new("community_types.village.network.kin_degree", Kind::F64, "5.0", DEGREE)
        .unit("ties per clustered elder, ≤ 150")
        .meaning("ties inside the cluster")
        .source("**assumption**")
        .note("Ties per clustered elder inside the cluster. Assumption."),
    Param::new("community_types.village.network.kin_colocation", Kind::F64, "0.9", PROBABILITY)
        .unit("probability")
        .meaning("kin live in the cluster's home lane")
        .source("**assumption** (kin live together)")
        .note("Probability of living in the cluster's home lane. Assumption."),
    Param::new("community_types.village.network.kin_strength", Kind::F64, "0.7", POSITIVE_STRENGTH)
        .unit("strength")
        .meaning("mean kin-tie strength")
        .source("**assumption** (long-standing ties)")
        .note("Mean kin-tie strength. Assumption."),
    Param::new("community_types.village.network.neighbour_strength", Kind::F64, "0.45", POSITIVE_STRENGTH)
        .unit("strength")
        .meaning("mean lane and across-tie strength")
        .source("**assumption**")
        .note("Mean neighbour-tie strength. Assumption."),
    Param::new("community_types.village.network.newcomer_degree", Kind::F64, "8.0", DEGREE)
        .unit("ties, ≤ 150")
        .meaning("newcomer's initial ties in the lane")
        .source("**assumption** (near the village's initial mean degree, as above; all of them in the lane)")
        .note("Newcomer ties inside the lane. Assumption."),
    Param::new("community_types.village_to_residence.lives_alone_share", Kind::F64, "0.14", SHARE)
        .unit("share")
        .meaning("living alone")
        .source("**assumption** (between the other two types; near the national ≈ 15%)")
        .note("Share living alone. Assumption."),
    Param::new("community_types.village_to_residence.family_near_share", Kind::F64, "0.55", SHARE)
        .unit("share of elders living alone")
        .meaning("of the elders living alone, the share whose nearest child lives in the same neighbourhood or village (near family); drawn once per elder. Elders who do not live alone have co-resident family, read each week from `lives_alone`")
        .source("**derived**, then ordered by type (assumption). Nationally 41% of the 60+ live with an adult child, another 34% have one in the same neighbourhood, 14% in the same county, 5% farther away and about 7% none living (Lei X., Strauss J., Tian M. & Zhao Y., *China Economic Journal* 2015;8(3):191–214, doi:10.1080/17538963.2015.1102473 (CHARLS 2011 baseline, 60+); the 7% is in the 2013 working paper). Among elders who do not live with a child that is 34/59 ≈ 58% near. Between the other two types, near the national share.")
        .note("Of elders living alone: share whose nearest child lives in the same neighbourhood or village. Derived from CHARLS 2011 (58% nationally; Lei et al., China Economic Journal 2015), ordered by type (assumption).")
        .plausible(0.40, 0.70, "share of elders living alone with a child nearby, village_to_residence"),
    Param::new("community_types.village_to_residence.family_absent_share", Kind::F64, "0.12", SHARE)
        .unit("share of elders living alone")
        .meaning("of the elders living alone, the share with no child to call on (absent family: no living child, or none in touch); the rest of those not near have family at a distance")
        .source("**derived**, then ordered by type (assumption): about 7% of the 60+ have no living child (Lei X., Strauss J., Tian M. & Zhao Y., *China Economic Journal* 2015;8(3):191–214, doi:10.1080/17538963.2015.1102473 (CHARLS 2011 baseline, 60+)), ≈ 12% of those not living with a child. At the national share.")
        .note("Of elders living alone: share with no child to call on. Derived from CHARLS 2011 (≈ 12% of those not living with a child; Lei et al. 2015), ordered by type (assumption)."),
    Param::new("community_types.village_to_residence.family_coresident_hours", Kind::F64, "24.0", WEEKLY_HOURS)
        .unit("hours/week")
        .meaning("mean weekly capacity of co-resident family (spouse or child at home): in a week of contact the family gives up to this (× the elder's own Gamma(shape 2) factor, mean 1), help first, as far as the elder needs")
        .source("**assumption** (between the other two types). The spouse, then children, are the main carers of disabled Chinese elders (Chen X., CHARLS 2011, PAA 2013); the capacity of 3–4 h a day meets the ladder's moderate need (16 h) and most of a substantial one (32 h; Gostoli & Silverman, *PLOS ONE* 15(12): e0242779, 2020)")
        .note("Mean weekly hours co-resident family can give (capacity; help first, as needed). Assumption."),
    Param::new("community_types.village_to_residence.family_near_hours", Kind::F64, "8.0", WEEKLY_HOURS)
        .unit("hours/week")
        .meaning("mean weekly capacity of near, non-co-resident family in a week of contact (× the elder's Gamma factor)")
        .source("**assumption** (between the other two types): children living close visit more often than those farther away (Lei et al. 2015), but give fewer hours than family at home")
        .note("Mean weekly hours near (non-co-resident) family can give in a week of contact. Assumption."),
    Param::new("community_types.village_to_residence.income_mix", Kind::F64s(3), "[0.45, 0.45, 0.10]", Check::Mix)
        .unit("shares")
        .meaning("income tiers")
        .source("**assumption** (lower income, per the study)")
        .note("Low, middle, high income shares. Assumption."),
    Param::new("community_types.village_to_residence.loneliness_mean", Kind::F64, "0.31", UNIT)
        .unit("0–1")
        .meaning("initial loneliness mean")
        .source("**assumption** (close to villages). 22% start above 0.45")
        .note("Mean initial loneliness. Assumption."),
    Param::new("community_types.village_to_residence.willingness_mean", Kind::F64, "0.30", UNIT)
        .unit("0–1")
        .meaning("initial willingness mean")
        .source("**assumption**: the study reports low mutual-aid awareness in these communities")
        .note("Mean initial willingness to help. Assumption (the study reports low mutual-aid awareness in these communities)."),
    Param::new("community_types.village_to_residence.awareness", Kind::F64, "0.30", UNIT)
        .unit("0–1")
        .meaning("willingness drift target")
        .source("**assumption** (as above; = `willingness_mean`)")
        .note("Mutual-aid awareness. Assumption (as above).")
        .plausible(0.2, 0.45, "mutual-aid awareness of village-to-residence communities"),
    Param::new("community_types.village_to_residence.paid_hours_per_100", Kind::F64, "20.0", NON_NEGATIVE)
        .unit("hours/week per 100 elders")
        .meaning("paid-service capacity")
        .source("**assumption**. 830 h/week over the 4 default communities")
        .note("Paid-service hours per 100 elders per week. Assumption."),
    Param::new("community_types.village_to_residence.activity_sessions", Kind::F64, "1.0", SESSIONS_WEEK_100)
        .unit("sessions/week")
        .meaning("activity sessions")
        .source("**assumption**")
        .note("Activity sessions per week. Assumption."),
    Param::new("community_types.village_to_residence.network.building_size", Kind::F64, "50.0", GROUP_SIZE)
        .unit("elders, 2 to 1,000")
        .meaning("elders per resettlement building")
        .source("**assumption**")
        .note("Elders per building. Assumption."),
    Param::new("community_types.village_to_residence.network.building_degree", Kind::F64, "2.5", DEGREE)
        .unit("ties per elder, ≤ 150")
        .meaning(r#"ties inside the building ("nodding acquaintances")"#)
        .source("**assumption**")
        .note(r#"Ties per elder inside the building ("nodding acquaintances"). Assumption."#),
    Param::new("community_types.village_to_residence.network.across_degree", Kind::F64, "0.8", DEGREE)
        .unit("ties per **clustered** elder")
        .meaning("ties to other buildings, formed **only among old villagers**; strangers know at most their building")
        .source(r#"**assumption** ("socialising limited to the building", the study)"#)
        .note("Ties per elder to other buildings. Assumption."),
    Param::new("community_types.village_to_residence.network.kin_share", Kind::F64, "0.6", SHARE)
        .unit("share")
        .meaning("share in a preserved old-village cluster")
        .source("**assumption** (relocated villagers keep some clusters; newcomers are strangers)")
        .note("Share in a preserved old-village cluster. Assumption."),
    Param::new("community_types.village_to_residence.network.kin_cluster_size", Kind::F64, "6.0", GROUP_SIZE)
        .unit("elders, 2 to 1,000")
        .meaning("mean old-village cluster size")
        .source("**assumption**")
        .note("Mean elders per old-village cluster. Assumption."),
    Param::new("community_types.village_to_residence.network.kin_degree", Kind::F64, "3.0", DEGREE)
        .unit("ties per clustered elder, ≤ 150")
        .meaning("ties inside the cluster")
        .source("**assumption**")
        .note("Ties per clustered elder inside the cluster. Assumption."),
    Param::new("community_types.village_to_residence.network.kin_colocation", Kind::F64, "0.2", PROBABILITY)
        .unit("probability")
        .meaning("old neighbours stay in the same building")
        .source("**assumption**: resettlement scatters them, and cohesion falls after redevelopment (Liu et al., *Urban Geography* 2016; direction H)")
        .note("Probability of living in the cluster's home building. Assumption (resettlement scatters old neighbours; cohesion falls after redevelopment, Liu et al., Urban Geography 2016)."),
    Param::new("community_types.village_to_residence.network.kin_strength", Kind::F64, "0.55", POSITIVE_STRENGTH)
        .unit("strength")
        .meaning("mean old-village tie strength")
        .source("**assumption**")
        .note("Mean kin-tie strength. Assumption."),
    Param::new("community_types.village_to_residence.network.neighbour_strength", Kind::F64, "0.35", POSITIVE_STRENGTH)
        .unit("strength")
        .meaning("mean building and across-tie strength")
        .source("**assumption** (weak new-neighbour ties)")
        .note("Mean neighbour-tie strength. Assumption."),
    Param::new("community_types.village_to_residence.network.newcomer_degree", Kind::F64, "4.0", DEGREE)
        .unit("ties, ≤ 150")
        .meaning("newcomer's initial ties in the building")
        .source("**assumption** (near the type's initial mean degree, as above)")
        .note("Newcomer ties inside the building. Assumption."),
    Param::new("needs.help_probability", Kind::F64s(4), "[0.15, 1.0, 1.0, 1.0]", PROBABILITY)
        .unit("probability/week by state")
        .meaning("chance that an elder needs help (errands, meals, personal care, clinic visits: one kind of hours) this week. Elders with a limitation need help every week, as on the care-need ladder below")
        .source("independent elders: **assumption** (occasional help in a week of illness; level 0 of the ladder has no care need). IADL-limited to disabled: 1, as in the ladder of Gostoli U. & Silverman E., *PLOS ONE* 15(12): e0242779, 2020 (docs/evidence.md §8), where each need level is a weekly need")
        .note("Weekly probability of needing help, by functional state. Independent: assumption (occasional help); limited states: every week, as in Gostoli & Silverman's care-need ladder (PLOS ONE 2020)."),
    Param::new("needs.help_hours", Kind::F64s(4), "[1.5, 8.0, 16.0, 32.0]", WEEKLY_HOURS)
        .unit("hours/week by state")
        .meaning("mean help hours when help is needed (× Exp(1) each week, × `help_hours_scale`). The four states sit on the care-need ladder 0/8/16/32/80 h/week: independent ↔ level 0 (no care need; 1.5 h stands for occasional help), IADL-limited ↔ low need (8 h), semi-disabled (some basic ADL) ↔ moderate (16 h), disabled (several basic ADLs) ↔ substantial (32 h); the critical level (80 h, bed-bound) is the top of the `help_hours_scale` range. Expected help: 0.23, 8, 16 and 32 h/week")
        .source("Gostoli U. & Silverman E., *PLOS ONE* 15(12): e0242779, 2020 (docs/evidence.md §8): care need in five levels, 0/8/16/32/80 hours a week; mapping of the four functional states to the levels **derived** (an IADL limitation is the low level; each basic-ADL step one level up). For comparison, CHARLS 2011: 23% of the 60+ have an ADL/IADL limitation and 86% of them receive care, mostly from a spouse, then children (Chen X., PAA 2013); the Shanghai long-term-care insurance pays 3 to 7 one-hour home visits a week by care grade (docs/evidence.md §6), the formal part only. Independent elders: **assumption**")
        .note("Mean help hours per week when help is needed, by functional state, on Gostoli & Silverman's care-need ladder 0/8/16/32/80 h (PLOS ONE 2020): IADL-limited = low (8), semi-disabled = moderate (16), disabled = substantial (32); independent 1.5 h is an assumption (occasional help)."),
    Param::new("needs.companionship_hours", Kind::F64s(3), "[3.0, 2.5, 1.0]", WEEKLY_HOURS)
        .unit("hours/week by grade")
        .meaning("mean companionship wanted")
        .source("**assumption** (grade 1 and 2 elders, who are disabled, lonely or alone, want more)")
        .note("Mean companionship hours wanted per week, by grade 1, 2, 3. Assumption."),
    Param::new("needs.companionship_loneliness_factor", Kind::F64, "1.0", NON_NEGATIVE)
        .unit("multiplier per unit of L")
        .meaning("wanted hours × (1 + factor × L): a fully lonely elder wants twice as much")
        .source("**assumption**")
        .note("Extra companionship per unit of loneliness: hours × (1 + this × L). Assumption."),
    Param::new("needs.help_hours_scale", Kind::F64, "1.0", FACTOR_20)
        .unit("multiplier")
        .meaning("multiplies every `help_hours`: one key for the ladder's uncertainty in `[uncertainty]`. 0.5 moves every state one ladder level down (4/8/16 h), 2 one level up (16/32/64 h, near the critical 80 h for the disabled)")
        .source("the ladder of Gostoli U. & Silverman E., *PLOS ONE* 15(12): e0242779, 2020 (docs/evidence.md §8) doubles from one level to the next, so its own step gives the range: one level down to one level up (× 0.5 to × 2). The previous defaults (expected 1.8/7.2/16 h) sat near the low end")
        .note("Multiplier on every help_hours (one ladder level down = 0.5, up = 2; Gostoli & Silverman 2020).")
        .plausible(0.5, 2.0, "multiplier on the help-need ladder (one level down to one level up)"),
    Param::new("family.contact_weekly", Kind::F64s(3), "[0.9, 0.7, 0.1]", PROBABILITY)
        .unit("probability/week: co-resident, near, distant")
        .meaning("chance that the elder's family is in contact this week (and can give help or companionship). A week without contact gives no family hours and no contact, so an elder with family can be isolated. Absent family is never in contact")
        .source("**assumption**, ordered as CHARLS shows: children living close visit their parents more often than those farther away, who send money instead (Lei et al., *China Economic Journal* 2015;8(3):191, doi:10.1080/17538963.2015.1102473). Co-resident 0.9: weeks when co-residents are away, working long hours or themselves frail; distant 0.1: a visit about every ten weeks (holidays)")
        .note("Weekly probability that co-resident, near and distant family are in contact. Assumption ordered as in CHARLS (children nearby visit more; Lei et al. 2015)."),
    Param::new("family.distant_hours", Kind::F64, "4.0", WEEKLY_HOURS)
        .unit("hours/week")
        .meaning("mean hours distant family can give in a week of contact (a visit), × the elder's Gamma factor")
        .source("**assumption**: a half-day visit; children far away mostly send money rather than time (Lei et al. 2015)")
        .note("Mean hours distant family give in a week of contact (a visit). Assumption."),
    Param::new("family.substitution_per_paid_hour", Kind::F64, "0.5", UNIT)
        .unit("hours of family care per paid hour, 0–1 (plausible 0.2–1)")
        .meaning("`structure.family = \"substitution\"` only: family hours this week fall by this much for each hour of paid care the elder bought the week before (never below 0; not for disabled elders)")
        .source("**assumption** for the size; the direction from Bonsang (2009), J. Health Econ. 28(1):143–154 (informal care substitutes for paid domestic help, less so as disability rises) and Bolin, Lindgren & Lundborg (2008), Health Econ. 17(3):393–409. Half an hour per paid hour: partial crowding out; 1 would be one-for-one")
        .note("Only with the substitution structure (structure.family): family hours displaced per hour of paid care received the week before (not for disabled elders). Assumption for the size (direction: Bonsang, J Health Econ 2009)."),
    Param::new("health.independent_to_iadl.annual_at_60", Kind::F64, "0.029", ANNUAL)
        .unit("annual probability")
        .meaning("independent → IADL-limited at 60")
        .source("**calibrated**: the age shape is the **CLHLS one-year transitions** (mean of men and women, 5-year bands 65–90; *Math Probl Eng* 2022, art. 7980111, Table 4; docs/evidence.md §2; M) healthy → intermediate entry smoothed by a log-linear fit across the five bands (0.098 at 60); the level is scaled by 0.3 so that about 27% of elders have some limitation (Zheng et al. 2022: 26.2%). CLHLS's intermediate state is broader than carenet's IADL limitation (it would put 46% of the 60+ in it)")
        .note("Independent → IADL-limited. Age shape from the CLHLS one-year transitions (Math Probl Eng 2022, art. 7980111), smoothed; level calibrated to 26.2% with any limitation (Zheng et al., IJERPH 2022)."),
    Param::new("health.independent_to_iadl.age_slope", Kind::F64, "0.062", SLOPE)
        .unit("per year of age")
        .meaning("log-linear change with age")
        .source("**CLHLS one-year transitions** (mean of men and women, 5-year bands 65–90; *Math Probl Eng* 2022, art. 7980111, Table 4; docs/evidence.md §2; M): weighted log-linear fit of healthy → intermediate over 65–90 (0.185, 0.162, 0.348, 0.319, 0.628)"),
    Param::new("health.independent_to_semi.annual_at_60", Kind::F64, "0.0079", ANNUAL)
        .unit("annual probability")
        .meaning("independent → semi-disabled (acute onset: stroke, fracture)")
        .source("**calibrated**: **CLHLS one-year transitions** (mean of men and women, 5-year bands 65–90; *Math Probl Eng* 2022, art. 7980111, Table 4; docs/evidence.md §2; M) healthy → severe, smoothed (0.0072 at 60), scaled by 1.1 with `iadl_to_semi` so that new ADL disability at 65+ runs near 4.7%/yr (Li Z-H et al., CLHLS, *J Gerontol A* 2020;75(11):2113, doi:10.1093/gerona/glz221; H)")
        .note("Independent → semi-disabled (acute onset: stroke, fracture). CLHLS healthy → severe, smoothed; level calibrated to ADL incidence 4.7%/yr at 65+ (Li et al., J Gerontol A 2020)."),
    Param::new("health.independent_to_semi.age_slope", Kind::F64, "0.034", SLOPE)
        .unit("per year")
        .meaning("log-linear change of the annual rate per year of age")
        .source("**CLHLS one-year transitions** (mean of men and women, 5-year bands 65–90; *Math Probl Eng* 2022, art. 7980111, Table 4; docs/evidence.md §2; M): log-linear fit of healthy → severe (0.005, 0.051, 0.003, 0.035, 0.014; the noisiest entry)"),
    Param::new("health.iadl_to_independent.annual_at_60", Kind::F64, "0.50", ANNUAL)
        .unit("annual probability")
        .meaning("IADL-limited → independent (recovery)")
        .source("**CLHLS one-year transitions** (mean of men and women, 5-year bands 65–90; *Math Probl Eng* 2022, art. 7980111, Table 4; docs/evidence.md §2; M) intermediate → healthy, smoothed: 0.503 at 60 (0.224, 0.181, 0.155, 0.065, 0.044 by band); recovery falls with age (Wu, Wu & Yu, *Chinese J Popul Sci* 2019; H, qualitative)")
        .note("IADL-limited → independent (recovery, falling with age). Source: CLHLS one-year transitions, smoothed (Math Probl Eng 2022, art. 7980111)."),
    Param::new("health.iadl_to_independent.age_slope", Kind::F64, "-0.086", SLOPE)
        .unit("per year")
        .meaning("log-linear change of the annual rate per year of age")
        .source("**CLHLS one-year transitions** (mean of men and women, 5-year bands 65–90; *Math Probl Eng* 2022, art. 7980111, Table 4; docs/evidence.md §2; M): log-linear fit"),
    Param::new("health.iadl_to_semi.annual_at_60", Kind::F64, "0.053", ANNUAL)
        .unit("annual probability")
        .meaning("IADL-limited → semi-disabled")
        .source("**calibrated**: **CLHLS one-year transitions** (mean of men and women, 5-year bands 65–90; *Math Probl Eng* 2022, art. 7980111, Table 4; docs/evidence.md §2; M) intermediate → severe, smoothed (0.048 at 60), scaled by 1.1 with `independent_to_semi` (ADL incidence 4.7%/yr at 65+, Li et al. 2020)")
        .note("IADL-limited → semi-disabled. CLHLS intermediate → severe, smoothed; level calibrated with independent_to_semi to the 4.7%/yr ADL incidence of Li et al. 2020."),
    Param::new("health.iadl_to_semi.age_slope", Kind::F64, "0.064", SLOPE)
        .unit("per year")
        .meaning("log-linear change of the annual rate per year of age")
        .source("**CLHLS one-year transitions** (mean of men and women, 5-year bands 65–90; *Math Probl Eng* 2022, art. 7980111, Table 4; docs/evidence.md §2; M): log-linear fit (0.080, 0.080, 0.195, 0.227, 0.234)"),
    Param::new("health.semi_to_iadl.annual_at_60", Kind::F64, "0.18", ANNUAL)
        .unit("annual probability")
        .meaning("semi-disabled → IADL-limited (recovery)")
        .source("**calibrated**: **CLHLS one-year transitions** (mean of men and women, 5-year bands 65–90; *Math Probl Eng* 2022, art. 7980111, Table 4; docs/evidence.md §2; M) severe → intermediate, smoothed (0.353 at 60), scaled by 0.5 so that 14.5% of elders are semi-disabled or disabled (≈ 15% nationally; docs/evidence.md §2, M). carenet's semi-disabled state is only the milder part of CLHLS's severe state")
        .note("Semi-disabled → IADL-limited (recovery). CLHLS severe → intermediate, smoothed; level calibrated to about 15% semi-disabled or disabled."),
    Param::new("health.semi_to_iadl.age_slope", Kind::F64, "-0.034", SLOPE)
        .unit("per year")
        .meaning("log-linear change of the annual rate per year of age")
        .source("**CLHLS one-year transitions** (mean of men and women, 5-year bands 65–90; *Math Probl Eng* 2022, art. 7980111, Table 4; docs/evidence.md §2; M): log-linear fit (0.315, 0.149, 0.252, 0.220, 0.112)"),
    Param::new("health.semi_to_disabled.annual_at_60", Kind::F64, "0.05", ANNUAL)
        .unit("annual probability")
        .meaning("semi-disabled → disabled")
        .source("**assumption**: CLHLS has one severe state, so the step inside it is not in the source")
        .note("Semi-disabled → disabled. Assumption (CLHLS has one severe state)."),
    Param::new("health.semi_to_disabled.age_slope", Kind::F64, "0.05", SLOPE)
        .unit("per year")
        .meaning("log-linear change of the annual rate per year of age")
        .source("**assumption** (close to the CLHLS worsening slopes, 0.06)"),
    Param::new("health.disabled_to_semi.annual_at_60", Kind::F64, "0.04", ANNUAL)
        .unit("annual probability")
        .meaning("disabled → semi-disabled (recovery)")
        .source(r#"**assumption anchored on a derived figure**: "recovery from the severe state ≈ 3%/yr at 65–70, falling to ≈ 1% at 85+" (docs/evidence.md §2, the CLHLS severe → healthy entry, smoothed: 2.4% at 67.5, 0.6% at 87.5). The curve gives 2.6% at 67.5 and 1.0% at 85"#)
        .note("Disabled → semi-disabled (recovery). Assumption anchored on the CLHLS severe → healthy entry (about 3%/yr at 65–70 falling to about 1% at 85+)."),
    Param::new("health.disabled_to_semi.age_slope", Kind::F64, "-0.055", SLOPE)
        .unit("per year")
        .meaning("log-linear change of the annual rate per year of age")
        .source("as above"),
    Param::new("health.mortality_at_60", Kind::F64, "0.0085", ANNUAL)
        .unit("annual death rate")
        .meaning("women's death rate at 60 (level `a` of the gamma-Gompertz hazard a·e^(b·t) / (1 + a·γ/b·(e^(b·t) − 1)), t = age − 60), before `mortality_improvement`")
        .source("**fitted** (least squares on log rates, 60–94, men and women together with one γ) to the women's death rates of the 2000 census: 11.43‰ at 60–64, 19.06, 34.11, 55.70, 97.48, 145.36, 231.23 at 90–94 (NBS, *China Statistical Yearbook 2002*, table 4-11, deaths 1 Nov 1999 – 31 Oct 2000; H). The fit gives 11.2, 19.5, 33.7, 57.2, 94.6, 150.4, 225.9. The 95+ rates are left out: under-reported and distorted (Gu D. et al., *Int J Popul Stud* 2016, doi:10.18063/IJPS.2016.02.008; H)")
        .note("Women's death rate at 60 (gamma-Gompertz level), fitted to the 2000 census death rates by age and sex at 60–94 (NBS, China Statistical Yearbook 2002, table 4-11)."),
    Param::new("health.mortality_slope", Kind::F64, "0.1135", MORTALITY_SLOPE)
        .unit("per year of age")
        .meaning("women's Gompertz slope `b`")
        .source("**fitted** with `mortality_at_60` (2000 census, women; H)")
        .note("Women's Gompertz slope per year of age, fitted to the 2000 census."),
    Param::new("health.male_mortality_at_60", Kind::F64, "0.0137", ANNUAL)
        .unit("annual death rate")
        .meaning("men's gamma-Gompertz level `a`, before `mortality_improvement`")
        .source("**fitted** to the men's death rates of the 2000 census: 17.92‰ at 60–64, 29.59, 51.03, 79.89, 133.28, 188.75, 268.63 at 90–94 (NBS, *China Statistical Yearbook 2002*, table 4-11; H); the fit gives 17.9, 30.1, 50.1, 81.4, 128.1, 192.1, 270.9. Men's rate is 1.6 times women's at 60–64 and 1.2 times at 90–94, as in the census")
        .note("Men's death rate at 60 (gamma-Gompertz level), fitted to the 2000 census death rates of men at 60–94 (NBS, China Statistical Yearbook 2002, table 4-11)."),
    Param::new("health.male_mortality_slope", Kind::F64, "0.1084", MORTALITY_SLOPE)
        .unit("per year of age")
        .meaning("men's Gompertz slope `b`")
        .source("**fitted** with `male_mortality_at_60` (2000 census, men; H)")
        .note("Men's Gompertz slope per year of age, fitted to the 2000 census."),
    Param::new("health.mortality_deceleration", Kind::F64, "0.17", NON_NEGATIVE)
        .unit("frailty variance γ")
        .meaning("late-life deceleration: the hazard's rise slows as the frail die first (gamma-Gompertz; 0 = plain Gompertz)")
        .source("**fitted** jointly for both sexes to the 2000 census rates at 60–94 (H). With it the fit's log-error is a fifth of a plain Gompertz's, and the rate at 95–99 is 316‰ for women and 356‰ for men instead of a Gompertz's 408‰ and 472‰. Late-life deceleration in Chinese data: Zeng Y. & Vaupel J. W., *Demographic Research* 2003;8(7):215, doi:10.4054/DemRes.2003.8.7 (a logistic Kannisto model fits Han Chinese oldest-old rates best); Gu et al. 2016")
        .note("Gamma-Gompertz frailty variance (late-life deceleration of mortality; 0 = Gompertz). Fitted to the 2000 census; deceleration in Chinese data: Zeng & Vaupel, Demographic Research 2003;8(7)."),
    Param::new("health.mortality_improvement", Kind::F64, "0.72", closed(0.0, 10.0, "a factor from 0 to 10"))
        .unit("factor")
        .meaning("multiplier of the census-fitted death rates (both sexes, all ages)")
        .source("**assumption**: old-age mortality fell between 2000 and 2020 (life expectancy rose by about six years), but no sex- and age-specific rates of the 2020 census were found in reach; 0.72 keeps the earlier calibration (about 0.65–0.75 of the 2000 rates). Crude mortality of the 60+ is then about 30 per 1,000")
        .note("Multiplier of the 2000-census-fitted death rates for the fall in old-age mortality since 2000. Assumption.")
        .plausible(0.6, 0.9, "share of the 2000 census death rates that remains in the 2020s"),
    Param::new("health.mortality_state_ratio", Kind::F64s(4), "[1.0, 1.45, 3.0, 4.5]", NON_NEGATIVE)
        .unit("multipliers by state")
        .meaning("mortality relative to an independent elder of the same age and sex; at each age they are rescaled so that the population death rate (over the states a cohort has at that age) equals the fitted curve")
        .source("**derived** from the **CLHLS one-year transitions** (mean of men and women, 5-year bands 65–90; *Math Probl Eng* 2022, art. 7980111, Table 4; docs/evidence.md §2; M) death column: intermediate/healthy 1.62, 1.38, 1.04, 1.82, 1.53 by band (about 1.45) and severe/healthy 3.56, 6.21, 3.31, 3.28, 3.05 (about 3.5); carenet's semi-disabled and disabled split the severe ratio (3.0 and 4.5, an **assumption**)")
        .note("Mortality multipliers by functional state. Derived from the CLHLS one-year death column (intermediate ≈ 1.45, severe ≈ 3.5 times healthy); the split of the severe state is an assumption."),
    Param::new("health.unmet_help_hazard_ratio", Kind::F64, "1.5", HAZARD)
        .unit("hazard ratio")
        .meaning("multiplier of worsening when all recent help need was unmet (log-linear in `unmet_recent`)")
        .source("**assumption** within a sourced bracket. No estimate of unmet need's effect on functional decline was found; its effect on other adverse outcomes brackets it: insufficient ADL help raised hospitalisation by HR **1.14** (95% CI 1.01–1.28; Xu H. et al., *J Am Geriatr Soc* 2012;60(5):927, doi:10.1111/j.1532-5415.2012.03926.x; US NLTCS) and one-year mortality by HR **1.37–1.96** among the mildly disabled (He S. et al., *J Gerontol A* 2015;70(9):1128, doi:10.1093/gerona/glv028). The mechanism follows Gostoli & Silverman (2020)")
        .note("Hazard ratio of worsening when all recent help need was unmet. Assumption bracketed by unmet need's effects on hospitalisation (HR 1.14, Xu et al., J Am Geriatr Soc 2012) and death (HR 1.37–1.96, He et al., J Gerontol A 2015).")
        .plausible(1.14, 2.0, "hazard ratio of worsening when all help is unmet (Xu et al. 2012: 1.14 for hospitalisation; He et al. 2015: 1.37–1.96 for death)"),
    Param::new("health.unmet_help_death_hazard_ratio", Kind::F64, "1.37", HAZARD)
        .unit("hazard ratio")
        .meaning("multiplier of the death rate when all recent help need was unmet (log-linear in `unmet_recent`)")
        .source("He S., Craig B. A., Xu H., Covinsky K. E., Stallard E., Thomas J., Hass Z., Sands L. P., *J Gerontol A* 2015;70(9):1128, doi:10.1093/gerona/glv028 (US NLTCS, n = 6,730 with ADL disability): unmet ADL need raised one-year mortality by HR **1.96** (95% CI 1.29–2.87) with one ADL disability and **1.37** (1.07–1.75) with two, not significantly with three or more. In China (CLHLS, n = 3,089 aged 65+ needing long-term care) unmet need raised three-year mortality by about **10%** (\"The impacts of unmet needs for long-term care on mortality among older adults in China\", *J Disability Policy Studies*). **M**. Default: the two-ADL estimate; range from the Chinese estimate to the one-ADL estimate")
        .note("Hazard ratio of death when all recent help need was unmet. Source: He et al., J Gerontol A 2015;70(9):1128 (HR 1.37 with two ADL disabilities, 1.96 with one); about 1.10 in China (CLHLS, J Disability Policy Studies).")
        .plausible(1.1, 1.96, "hazard ratio of death when all help is unmet (CLHLS ≈ 1.10; He et al. 2015: 1.37–1.96)"),
    Param::new("health.loneliness_hazard_ratio", Kind::F64, "1.6", HAZARD)
        .unit("hazard ratio")
        .meaning("multiplier of worsening at loneliness 1 (log-linear in L; 1.6^0.3 = 1.15 at L = 0.3)")
        .source("Perissinotto C. M., Stijacic Cenzer I., Covinsky K. E., *Arch Intern Med* 2012;172(14):1078, doi:10.1001/archinternmed.2012.1993: lonely vs not lonely, adjusted risk ratio of ADL decline over 6 years **1.59** (95% CI 1.23–2.07), US Health and Retirement Study, n = 1,604, aged 60+. **M**: a single US study, cited in wutong.toml but not in docs/evidence.md. Derivation: a binary 6-year risk ratio is used as a weekly hazard ratio at L = 1 and applied to *every* worsening transition, including independent → IADL. The study's mortality hazard ratio (1.45) is not used")
        .note("Hazard ratio of worsening at loneliness 1. Source: loneliness raised the risk of ADL decline about 1.6-fold (Perissinotto et al., Arch Intern Med 2012;172(14):1078).")
        .plausible(1.0, 2.0, "hazard ratio of worsening at loneliness 1 (Perissinotto et al. 2012: 1.59, 95% CI 1.23–2.07)"),
    Param::new("health.unmet_memory", Kind::F64, "0.1", SMOOTHING)
        .unit("weight, 0–1")
        .meaning("weight of this week in the smoothed unmet-help share (half-life ≈ 6.6 weeks)")
        .source("**assumption**")
        .note("Weight of this week in the running share of unmet help (exponential smoothing, 0–1). Assumption."),
    Param::new("health.max_annual_probability", Kind::F64, "0.95", STRICT_PROBABILITY)
        .unit("probability, strictly between 0 and 1")
        .meaning("cap on any annual probability before conversion to weekly")
        .source("setting (technical)")
        .note("Cap on any annual probability, strictly between 0 and 1. Technical setting."),
    Param::new("living.with_children_share", Kind::F64, "0.403", SHARE)
        .unit("share of all elders")
        .meaning("initial share living with children; the rest of those not living alone (the community type's `lives_alone_share`) live with a spouse only")
        .source("**5th Sample Survey on Living Conditions of Older People 2021** (MCA/CRCA; China Daily, Yicai, Caixin, 22–23 Oct 2024; H): 59.7% of the 60+ are empty nesters (alone or with a spouse only), so 40.3% live with children (docs/evidence.md §3)")
        .note("Initial share of elders living with children (1 − the 59.7% empty-nest share of the 5th Sample Survey of Older People 2021)."),
    Param::new("living.spouse_age_gap", Kind::F64, "2.0", closed(0.0, 20.0, "years from 0 to 20"))
        .unit("years")
        .meaning("a husband's age minus his wife's: an elder living with a spouse only is widowed at the death rate of the other sex at the spouse's age (a man's wife is this much younger, a woman's husband this much older)")
        .source("**assumption**: husbands in China are usually a little older than their wives; a direct figure was not found")
        .note("Years by which a husband is older than his wife (sets the widowhood hazard). Assumption.")
        .plausible(0.0, 5.0, "husband's age minus wife's, years"),
    Param::new("living.move_in_annual", Kind::F64s(4), "[0.01, 0.02, 0.06, 0.10]", ANNUAL)
        .unit("annual probability by state")
        .meaning("an elder with family who does not live with children moves in with them (or they with the elder), by functional state; living alone then ends")
        .source("**assumption**: co-residence with children is the main care arrangement for disabled Chinese elders, and more likely as need rises; no transition rate was found. The empty-nest share rose from 49.3% (2010) to 59.7% (2021) (docs/evidence.md §3), so moves in must stay rarer than the ageing out of co-residence")
        .note("Annual probability of moving in with children, by state (independent, IADL-limited, semi-disabled, disabled), for elders with family. Assumption."),
    Param::new("loneliness.severe_threshold", Kind::F64, "0.75", UNIT)
        .unit("0–1")
        .meaning("L above this makes an elder grade 1")
        .source("**assumption**, checked with the next row")
        .note("Loneliness above this makes an elder grade 1. Assumption."),
    Param::new("loneliness.moderate_threshold", Kind::F64, "0.45", UNIT)
        .unit("0–1, below `severe_threshold`")
        .meaning("L above this makes an elder grade 2")
        .source("**assumption**, checked: the initial population then has grades ≈ **13.5% / 27.6% / 58.9%** (a Monte Carlo of the synthesis draws), against the shares suggested in docs/evidence.md of 12–16% / 25–30% / 55–60%. That mapping is derived (M) from living alone ≈ 15%, depressive symptoms 20–34% (Tang et al., *J Affect Disord* 2021; IJERPH 2022, CHARLS; H) and disability ≈ 15%. At the start only 0.6–1.3% of elders exceed the severe threshold, so grade 1 is almost all functional")
        .note("Loneliness above this makes an elder grade 2 (below severe_threshold). Assumption."),
    Param::new("loneliness.rise_weekly", Kind::F64, "0.02", UNIT)
        .unit("per week")
        .meaning("rise × (1 − L) when all the companionship wanted was unmet")
        .source("**assumption** (mechanism after Fontanari 2021)")
        .note("Weekly rise, times (1 − L), when all companionship wanted was unmet. Assumption (mechanism after Fontanari, Physica A 2021).")
        .plausible(0.01, 0.04, "weekly rise of loneliness with unmet companionship"),
    Param::new("loneliness.fall_weekly", Kind::F64, "0.02", UNIT)
        .unit("per week")
        .meaning("extra pull back toward L₀ when all companionship wanted was received (scales with the share received)")
        .source("**assumption**")
        .note("Extra weekly pull back toward the elder's baseline loneliness when all the companionship wanted was received (scales with the share received). Assumption."),
    Param::new("loneliness.baseline_pull_weekly", Kind::F64, "0.05", UNIT)
        .unit("per week")
        .meaning("pull toward L₀ every week. Without noise, L then stays between L₀ and (r + b·L₀)/(r + b) = (0.02 + 0.05 L₀)/0.07, which is 0.50 at L₀ = 0.3")
        .source("**assumption** (set with the other loneliness rates so that the baseline is stationary)")
        .note("Weekly pull toward the elder's own baseline loneliness. Assumption.")
        .plausible(0.03, 0.08, "weekly pull toward baseline loneliness"),
    Param::new("loneliness.shock_sd", Kind::F64, "0.03", NON_NEGATIVE)
        .unit("per week")
        .meaning("standard deviation of the weekly shock (life events); the shock is uniform, so it is at most ±0.052")
        .source("**assumption**")
        .note("Standard deviation of the weekly random shock (life events). Assumption."),
    Param::new("loneliness.initial_concentration", Kind::F64, "6.0", CONCENTRATION)
        .unit("α + β > 0")
        .meaning("concentration of the Beta distribution of initial loneliness (sd ≈ 0.17 at mean 0.3)")
        .source("**assumption**")
        .note("Concentration (α + β) of the Beta distribution of initial loneliness around the community type's loneliness_mean. Assumption."),
    Param::new("loneliness.withdrawal", Kind::F64, "0.8", UNIT)
        .unit("0–1 (plausible 0.4–1)")
        .meaning("`structure.loneliness = \"accumulating\"` only: a tie's weekly visit chance is multiplied by 1 − withdrawal × the larger loneliness of its two ends: lonely elders withdraw, so they get fewer visits and grow lonelier")
        .source("**assumption** for the size; withdrawal of the lonely: Cacioppo & Hawkley (2009), Trends Cogn. Sci. 13(10):447–454; the loop it closes is the burnout regime of Fontanari (2021), Physica A 584:126367")
        .note("Only with the accumulating structure (structure.loneliness): fall in a tie's visit chance per unit of the lonelier end's loneliness (withdrawal). Assumption."),
    Param::new("willingness.drift_weekly", Kind::F64, "0.02", UNIT)
        .unit("per week")
        .meaning("pull toward `awareness` (time constant 50 weeks: the initial spread of willingness is 90% gone after two years, so mutual aid settles within a two-year burn-in)")
        .source("**assumption**: attitudes to helping settle over about a year; the value sets how soon mutual aid is steady")
        .note("Weekly drift of willingness toward the community's awareness. Assumption.")
        .plausible(0.01, 0.04, "weekly drift of willingness toward awareness"),
    Param::new("willingness.reciprocity_gain", Kind::F64, "0.02", UNIT)
        .unit("per week with neighbour help")
        .meaning("gain after receiving help from a neighbour")
        .source("**assumption**")
        .note("Gain after receiving help from a neighbour (reciprocity). Assumption.")
        .plausible(0.0, 0.04, "willingness gain after receiving neighbour help"),
    Param::new("willingness.activity_gain", Kind::F64, "0.01", UNIT)
        .unit("per week with attendance")
        .meaning("gain after attending an activity")
        .source("**assumption**")
        .note("Gain after attending an activity. Assumption."),
    Param::new("willingness.recognition_gain_per_hour", Kind::F64, "0.002", UNIT)
        .unit("per hour helped")
        .meaning("gain per hour of help given. A helper giving h ≤ `overload_hours` hours every week relaxes toward A + 0.2·h (A + 0.5 at 2.5 h)")
        .source("**assumption**")
        .note("Gain per hour helped (recognition). Assumption."),
    Param::new("willingness.overload_loss", Kind::F64, "0.03", UNIT)
        .unit("per week")
        .meaning("loss in a week when hours helped exceed `overload_hours`. Active with the defaults: a helper can give up to `mutual_aid.hours_per_week` = 3 h > 2.5 h. In such a week the loss outweighs the recognition gain (at most 0.006), so a helper who gives more than 2.5 h week after week loses willingness until W falls below `mutual_aid.helper_threshold`")
        .source("**assumption**")
        .note("Loss in a week when hours helped exceed overload_hours. Assumption.")
        .plausible(0.0, 0.06, "willingness lost in a week of overload"),
    Param::new("willingness.overload_hours", Kind::F64, "2.5", WEEKLY_HOURS)
        .unit("hours/week")
        .meaning("hours helped in a week (over ties, via the platform and to time-bank members redeeming hours) above which helping feels like overload")
        .source("**assumption** (see above)")
        .note("Hours per week above which helping feels like overload. Assumption."),
    Param::new("willingness.initial_concentration", Kind::F64, "6.0", CONCENTRATION)
        .unit("α + β > 0")
        .meaning("concentration of the Beta distribution of initial willingness")
        .source("**assumption**")
        .note("Concentration (α + β) of the Beta distribution of initial willingness around the community type's willingness_mean. Assumption."),
    Param::new("willingness.logistic_health", Kind::F64, "0.5", FACTOR_20)
        .unit("log-odds per step of functional state, 0–20 (plausible 0.25–1)")
        .meaning("`structure.willingness = \"logistic\"` only: willingness drifts toward σ(logit(awareness) − h·state − l·L + r·R), where state is 0 (independent) to 3 (disabled), L the elder's loneliness and R = 1 in a week with neighbour help or an activity attended; this is h")
        .source("**assumption**: helping falls with poor health; half a log-odds per step halves the odds from independent to semi-disabled")
        .note("Only with the logistic structure (structure.willingness): log-odds of helping lost per step of functional state. Assumption."),
    Param::new("willingness.logistic_loneliness", Kind::F64, "2.0", FACTOR_20)
        .unit("log-odds per unit of loneliness, 0–20 (plausible 1–4)")
        .meaning("`logistic` only: l above, the log-odds lost per unit of loneliness (lonely elders help less)")
        .source("**assumption**: from L = 0.2 to L = 0.7 the odds fall by e ≈ 2.7")
        .note("Only with the logistic structure (structure.willingness): log-odds of helping lost per unit of loneliness. Assumption."),
    Param::new("willingness.logistic_reciprocity", Kind::F64, "1.0", FACTOR_20)
        .unit("log-odds, 0–20 (plausible 0.5–2)")
        .meaning("`logistic` only: r above, the log-odds gained in a week with neighbour help received or an activity attended")
        .source("**assumption**: reciprocity, as `willingness.reciprocity_gain` in the threshold structure")
        .note("Only with the logistic structure (structure.willingness): log-odds of helping gained in a week with neighbour help or an activity attended. Assumption."),
    Param::new("willingness.norm_weight", Kind::F64, "0.5", UNIT)
        .unit("0–1 (plausible 0.2–0.8)")
        .meaning("`structure.willingness = \"norms\"` only: willingness drifts toward (1 − m) × awareness + m × the tie-strength-weighted mean willingness of the elder's neighbours (awareness alone without ties); this is m")
        .source("**assumption**; averaging over ties as in DeGroot (1974), JASA 69(345):118–121")
        .note("Only with the norms structure (structure.willingness): weight of the neighbours' tie-weighted mean willingness in the drift target. Assumption."),
    Param::new("ties.visit_weekly", Kind::F64, "0.3", PROBABILITY)
        .unit("probability/week at strength 1")
        .meaning("a tie of strength s carries a visit with probability 0.3·s")
        .source("**assumption**")
        .note("Weekly probability of a visit over a tie of strength 1 (scales with strength). Assumption.")
        .plausible(0.15, 0.45, "weekly visit probability over a tie of strength 1"),
    Param::new("ties.visit_hours", Kind::F64, "1.0", WEEKLY_HOURS)
        .unit("hours")
        .meaning("companionship a visit gives each side")
        .source("**assumption**")
        .note("Companionship hours a visit gives each side. Assumption."),
    Param::new("ties.interaction_gain", Kind::F64, "0.1", UNIT)
        .unit("0–1")
        .meaning("strengthening in a week with an interaction: s ← s + gain·(1 − s)")
        .source("**assumption**")
        .note("Strengthening per interaction: s ← s + gain·(1 − s). Assumption."),
    Param::new("ties.decay_weekly", Kind::F64, "0.004", UNIT)
        .unit("strength/week")
        .meaning("weekly decay, subtracted: s ← s − 0.004. With visits proportional to strength, weak unused ties die and used ties settle high. An unused tie of 0.4 drops after about 88 weeks")
        .source("**assumption**")
        .note("Weekly decay, subtracted: s ← s − decay (weak, unused ties die; used ties settle high). Assumption.")
        .plausible(0.002, 0.006, "weekly tie decay"),
    Param::new("ties.drop_below", Kind::F64, "0.05", STRENGTH)
        .unit("strength")
        .meaning("ties weaker than this are removed")
        .source("**assumption**")
        .note("Ties weaker than this are dropped. Assumption."),
    Param::new("ties.active_threshold", Kind::F64, "0.15", STRENGTH)
        .unit("strength")
        .meaning("ties at least this strong count as active (`few_ties_rate`)")
        .source("**assumption**")
        .note("Ties at least this strong count as active (few_ties_rate). Assumption."),
    Param::new("ties.triadic_weekly", Kind::F64, "0.002", PROBABILITY)
        .unit("probability/week")
        .meaning("chance that an elder meets a friend's friend and forms a tie")
        .source("**assumption**")
        .note("Weekly probability that an elder closes a triangle (meets a friend's friend). Assumption.")
        .plausible(0.0, 0.004, "weekly triadic-closure probability"),
    Param::new("ties.coattendance_tie", Kind::F64, "0.05", PROBABILITY)
        .unit("probability per attendee per session")
        .meaning("an attendee forms (or reinforces) a tie with a random co-attendee")
        .source("**assumption**")
        .note("Probability that two co-attendees of an activity form a tie (per attendee per session). Assumption."),
    Param::new("ties.new_tie_strength", Kind::F64, "0.2", POSITIVE_STRENGTH)
        .unit("strength")
        .meaning("strength of a tie formed by co-attendance or triadic closure; above `active_threshold`, so a new tie counts as active")
        .source("**assumption**")
        .note("Strength of a new tie. Assumption."),
    Param::new("ties.max_ties", Kind::U32, "40", Check::Integer { lo: 1, hi: U32_MAX })
        .unit("ties, ≥ 1")
        .meaning("ties formed during a run (co-attendance, triadic closure, newcomers' ties) are not created for an elder who already has this many; both ends are checked, with degrees as of the last weekly CSR rebuild, so ties formed in the same week are not counted. Not applied to the generated networks")
        .source("**assumption**")
        .note("No new tie forms for an elder who already has this many. Assumption."),
    Param::new("case_management.initial_registered_share", Kind::F64, "0.5", SHARE)
        .unit("share")
        .meaning("share of elders known to the social organisation at the start, whatever their grade")
        .source("**assumption**")
        .note("Share of elders registered with the social organisation at the start. Assumption."),
    Param::new("case_management.outreach_weekly", Kind::F64s(3), "[0.03, 0.015, 0.005]", PROBABILITY)
        .unit("probability/week by grade")
        .meaning("chance that outreach registers an unregistered elder (mean waits ≈ 33, 67 and 200 weeks)")
        .source("**assumption** (the neediest are found first)")
        .note("Weekly probability that outreach registers an unregistered elder, by grade 1, 2, 3. Assumption."),
    Param::new("case_management.closure_weekly", Kind::F64, "0.006", PROBABILITY)
        .unit("probability/week")
        .meaning("chance that the case file of a registered grade-3 elder (self-sufficient, not lonely) is closed this week; the elder can be registered again by outreach. Without closure registration only rises (deaths and newcomers aside) and never reaches a steady level")
        .source("**assumption**, set so that the caseload stays near its initial level: with `outreach_weekly` the steady registered share is about 60% (grade-3 elders: 0.005 / (0.005 + 0.006) ≈ 45% registered; grades 1–2 mostly registered), as in the first year of a run without closure. No published figure on case-file turnover in Chinese street social work was found")
        .note("Weekly probability that a registered grade-3 elder's case file is closed. Assumption (keeps the caseload near its initial level).")
        .plausible(0.002, 0.02, "weekly probability that a grade-3 elder's case file is closed"),
    Param::new("case_management.grade_priority", Kind::Bool, "true", NONE)
        .unit("bool")
        .meaning("grade 1 before grade 2 in volunteer pairing and social-worker service. When no free volunteer is left, a waiting grade-1 elder takes over a party member or student paired with a grade-2 elder. The displaced grade-2 elder joins the waiting list again from the next week. `false`: grades 1 and 2 together, first come first served, that is random order among the waiting (random pairing; social workers in the week's shuffled order), and no takeover")
        .source("the study's practice (Liang & Li 2024)")
        .note("Serve and pair grade 1 before grade 2, as the study describes (a waiting grade-1 elder takes over a volunteer paired with a grade-2 elder); false = grades 1 and 2 together, first come first served."),
    Param::new("students.hours_per_week", Kind::F64, "2.0", WEEKLY_HOURS)
        .unit("hours per term week")
        .meaning("hours a paired student gives the elder")
        .source("**assumption**: student volunteering hours were not found (measured in Geng Y. et al., *Front Psychol* 2022, doi:10.3389/fpsyg.2021.790528, but not extracted). For context, > 90% (CFPA 2015) or 82.1% (China Youth Daily 2019) of undergraduates have volunteered (M); not used")
        .note("Hours a student gives a paired elder per term week. Assumption (student volunteering hours not found in the literature).")
        .plausible(1.0, 3.0, "hours a paired student gives per term week"),
    Param::new("students.attrition_weekly", Kind::F64, "0.005", PROBABILITY)
        .unit("probability per term week")
        .meaning("dropout (≈ 16% over the 36 term weeks of a year)")
        .source("**assumption**")
        .note("Weekly probability that a student drops out during term. Assumption."),
    Param::new("students.graduation_share", Kind::F64, "0.25", SHARE)
        .unit("share")
        .meaning("each enrolled student graduates with this probability in the graduation week")
        .source("**assumption** (four-year degrees)")
        .note("Share of students graduating each year. Assumption (four-year degrees)."),
    Param::new("students.graduation_week", Kind::U32, "26", Check::Week)
        .unit("week of year")
        .meaning("graduation (end of the spring term)")
        .source("**assumption**")
        .note("Week of the year of graduation (end of the spring term). Assumption."),
    Param::new("students.recruitment_week", Kind::U32, "37", Check::Week)
        .unit("week of year")
        .meaning("recruitment (start of the autumn term)")
        .source("**assumption**")
        .note("Week of the year of recruitment (start of the autumn term). Assumption."),
    Param::new("students.spring_term", Kind::U32s(2), "[9, 26]", Check::Week)
        .unit("weeks, inclusive")
        .meaning("spring term, March to June")
        .source("**assumption** (Chinese academic calendar)")
        .note("Spring term, first and last week of the year (inclusive): March to June. Assumption."),
    Param::new("students.autumn_term", Kind::U32s(2), "[37, 2]", Check::Week)
        .unit("weeks, inclusive, may wrap")
        .meaning("autumn term, September to mid-January")
        .source("**assumption**")
        .note("Autumn term, first and last week (inclusive; wraps past week 52): September to mid-January. Assumption."),
    Param::new(
        "party_members.per_1000_elders",
        Kind::F64,
        "15.0",
        closed(0.0, 1000.0, "members per 1,000 elders, from 0 to 1000 (at most one per elder)"),
    )
        .unit("members per 1,000 initial elders, ≤ 1,000 (one per elder: more could never be paired)")
        .meaning("party and league members volunteering in a community, rounded; fixed for the run. 206 in the default street")
        .source("**assumption**")
        .note("Party and league members volunteering per 1,000 elders of a community. Assumption."),
    Param::new("party_members.hours_per_month", Kind::F64, "4.0", MONTHLY_HOURS)
        .unit("hours/month")
        .meaning("each paired member gives 4 × 12/52 = 0.92 h/week")
        .source(r#"**assumption** ("a few hours a month", docs/design.md)"#)
        .note("Hours each gives per month. Assumption."),
    Param::new("mutual_aid.helper_threshold", Kind::F64, "0.5", UNIT)
        .unit("willingness")
        .meaning("mean of the elders' own helper thresholds (see `threshold_concentration`): a capable (grade-3, at most IADL-limited) elder with W at or above their own threshold helps neighbours")
        .source("**assumption**")
        .note("Willingness (0–1) at or above which a capable (grade-3) elder helps. Assumption.")
        .plausible(0.35, 0.65, "willingness at which a capable elder helps"),
    Param::new("mutual_aid.hours_per_week", Kind::F64, "3.0", WEEKLY_HOURS)
        .unit("hours/week")
        .meaning("most hours a helper gives")
        .source("**assumption**. For context, Nanjing time-bank volunteers were > 90% aged 55–65 and each helped about 5 elders (thenanjinger.com; L–M); not used")
        .note("Most hours a helper gives per week. Assumption.")
        .plausible(2.0, 4.0, "most hours a helper gives per week"),
    Param::new("mutual_aid.ask_probability", Kind::F64, "0.6", PROBABILITY)
        .unit("probability")
        .meaning("success of an ask over a tie of strength 1 to a helper with W = 1; in general 0.6·s·W")
        .source("**assumption**")
        .note("Probability that an ask over a tie of strength 1 to a helper of willingness 1 succeeds. Assumption.")
        .plausible(0.3, 0.9, "success of an ask to a willing, strongly tied helper"),
    Param::new("mutual_aid.threshold_concentration", Kind::F64, "8.0", CONCENTRATION)
        .unit("α + β > 0")
        .meaning("each elder's own helper threshold is drawn once, Beta with mean `helper_threshold` and this concentration (sd 0.17 at 8): a capable elder helps while W is at or above their own threshold. The share of helpers then changes smoothly with awareness instead of jumping where awareness crosses one common threshold")
        .source("**assumption**: people differ in what it takes for them to help; the spread gives the helper share a smooth, S-shaped response to awareness (a threshold model of collective behaviour, Granovetter M., *Am J Sociol* 1978;83(6):1420)")
        .note("Concentration of the Beta distribution of elders' own helper thresholds around helper_threshold (sd 0.17 at 8). Assumption (Granovetter's threshold model).")
        .plausible(4.0, 20.0, "concentration of elders' helper thresholds"),
    Param::new("social_workers.cost_per_hour", Kind::F64, "60.0", PRICE)
        .unit("yuan/hour, > 0")
        .meaning("cost of one contracted social-worker hour")
        .source("**assumption**: no published contract rate found")
        .note("Cost of one social-worker hour to the contract, yuan. Assumption.")
        .plausible(40.0, 80.0, "cost of a social-worker hour (yuan)"),
    Param::new("social_workers.delivery_ratio", Kind::F64, "0.7", SHARE)
        .unit("share")
        .meaning("share of contracted hours actually delivered; supervision raises it")
        .source("**assumption** (the study reports weak supervision of the contract)")
        .note("Share of contracted hours actually delivered (supervision raises it). Assumption (the study reports weak supervision of the contract).")
        .plausible(0.5, 0.9, "share of contracted social-worker hours delivered"),
    Param::new("social_workers.direct_share", Kind::F64, "0.6", SHARE)
        .unit("share")
        .meaning("share of delivered hours spent on direct service; the rest is casework and reporting")
        .source("**assumption**")
        .note("Share of delivered hours spent on direct service; the rest is casework and reporting. Assumption."),
    Param::new("paid_services.price_per_hour", Kind::F64, "35.0", NON_NEGATIVE)
        .unit("yuan/hour")
        .meaning("price of one hour of paid home service")
        .source("**assumption**: prices of home haircuts, visits and clinics were not found. Published canteen prices (¥6–12 a meal after subsidy; docs/evidence.md §6, L–M) are per meal, and a volunteer hour is valued at ≈ ¥12 in Nanjing (L); neither is an hourly service price")
        .note("Price of one hour of paid home service, yuan. Assumption (no published price found).")
        .plausible(25.0, 50.0, "price of an hour of paid home service (yuan)"),
    Param::new("paid_services.weekly_budget", Kind::F64s(3), "[15.0, 60.0, 200.0]", NON_NEGATIVE)
        .unit("yuan/week by income tier")
        .meaning("most an elder will spend on care in a week (0.43, 1.7 and 5.7 hours at the default price)")
        .source("**assumption**")
        .note("Yuan per week elders of the low, middle, high income tier will spend on care. Assumption."),
    Param::new("paid_services.capacity_elasticity", Kind::F64, "0.5", UNIT)
        .unit("elasticity, 0–1")
        .meaning("the market's capacity moves toward K₀^(1−ε) · D^ε, where K₀ is the initial capacity (`paid_hours_per_100`) and D the hours elders sought last week at the price (after family, volunteers and neighbours, within their budgets and vouchers). 0 keeps the capacity fixed; 1 lets it meet demand in full")
        .source("**assumption**, informed by the supply of care labour: a 1% rise in wages raises employment in English adult social care by about 4% (2% in care homes, 5% in home care; Vadean F., Allan S. & Teo H., NIHR ASCRU, 2023) and nursing assistants' labour-supply elasticity is ≈ 1.9 (Burkett, cited by Rittenberg & Tregarthen). Supply of home-care hours is thus elastic, but a posted price does not rise with demand, so capacity follows demand only in part; no Chinese estimate was found")
        .note("Elasticity of the paid market's capacity to the hours sought at the price (0 = fixed, 1 = meets demand). Assumption informed by care-labour supply elasticities (Vadean, Allan & Teo 2023).")
        .plausible(0.2, 1.0, "elasticity of paid-care capacity to demand"),
    Param::new("paid_services.capacity_adjust_weekly", Kind::F64, "0.04", UNIT)
        .unit("share of the gap per week")
        .meaning("share of the gap between the capacity and its target closed each week (0.04: half-way in about 17 weeks)")
        .source("**assumption**: providers hire and open services over months, not weeks")
        .note("Share of the gap between paid capacity and its target closed each week (half-way in ~17 weeks). Assumption.")
        .plausible(0.02, 0.1, "weekly adjustment of paid-care capacity"),
    Param::new("activities.capacity", Kind::U32, "20", Check::Integer { lo: 0, hi: 10_000 })
        .unit("places per session, ≤ 10,000 (a stadium, not a community venue; attendees are also at most the community's elders)")
        .meaning("venue capacity")
        .source("**assumption**")
        .note("Places per activity session. Assumption."),
    Param::new("activities.session_hours", Kind::F64, "2.0", WEEKLY_HOURS)
        .unit("hours")
        .meaning("length of a session (companionship per attendee)")
        .source("**assumption**")
        .note("Hours per session. Assumption."),
    Param::new("activities.attend_probability", Kind::F64, "0.5", PROBABILITY)
        .unit("probability")
        .meaning("a randomly invited elder with W = 1 attends; in general 0.5 × (0.5 + 0.5 W); disabled elders never attend")
        .source("**assumption**")
        .note("Probability that an invited elder of willingness 1 attends. Assumption."),
    Param::new("inflow.entrants_by_year", Kind::F64s(10), "[0.070, 0.072, 0.074, 0.076, 0.078, 0.080, 0.082, 0.084, 0.086, 0.088]", SHARE)
        .unit("share of the community's **initial** elders per year, years 1–10 (later years: the last)")
        .meaning("new 60-year-olds (Poisson each week) in each year of the run; they enter unregistered, with `population.state_mix_60_69`")
        .source("**derived** (M) for years 1–3, **assumption** for the rise. The 60+ grew from 264.0 M (7th census, Nov 2020; H) to about 297 M at the end of 2023 (docs/evidence.md §1; M): about 3.9% a year net. Adding deaths of about 3.5% a year, about **7.4%** of the 60+ turned 60 each year. The birth cohorts of the 1960s are larger than those of the 1950s and turn 60 through the 2020s (China Daily, 15 May 2021; Du Peng, Renmin University, in Global Times, 21 Apr 2016), so the entrants rise by 0.2 points a year (assumption). National figures: Zhengzhou is younger and gains migrants")
        .note("New 60-year-olds per year as a share of a community's initial elders, for years 1–10 of the run. Derived from the growth of China's 60+ (264.0 M in 2020 to about 297 M at the end of 2023) plus deaths; rising as the large 1960s birth cohorts turn 60 (assumption for the rise)."),
    Param::new("metrics.isolation_weeks", Kind::U32, "4", Check::Integer { lo: 1, hi: U32_MAX })
        .unit("weeks, ≥ 1")
        .meaning("an elder with no contact in this many weeks (the current one included) is isolated")
        .source("setting (docs/design.md §5)")
        .note("Weeks without contact after which an elder counts as isolated. Setting."),
    Param::new("metrics.few_ties", Kind::U32, "3", Check::Integer { lo: 0, hi: U32_MAX })
        .unit("ties")
        .meaning("an elder with fewer active ties than this counts in `few_ties_rate`")
        .source("setting (docs/design.md §5)")
        .note("An elder with fewer active ties than this counts in few_ties_rate. Setting."),
    Param::new("metrics.network_every", Kind::U32, "13", Check::Integer { lo: 1, hi: U32_MAX })
        .unit("weeks, ≥ 1")
        .meaning("weeks between network statistics (quarterly)")
        .source("setting")
        .note("Weeks between network statistics (13 = quarterly). Setting."),
    Param::new("metrics.summary_window", Kind::U32, "52", Check::Integer { lo: 1, hi: MAX_WEEKS })
        .unit("weeks, 1 to `simulation.weeks`")
        .meaning("the last weeks summarised in summary.csv (the last year)")
        .source("setting")
        .note("Weeks at the end summarised in summary.csv (52 = the last year). Setting."),
    Param::new("structure.family", Kind::Choice(FAMILY_STRUCTURES), r#""contact""#, NONE)
        .unit("one of `contact`, `substitution`")
        .meaning("family care. `contact`: each week the family is in contact with its kind's probability and then gives up to its kind's capacity × the elder's factor, whatever else the elder receives. `substitution`: the same, less `family.substitution_per_paid_hour` hours for each hour of paid care the elder received the week before (formal care crowds out informal care), except for disabled elders")
        .source("**structure**. `contact`: docs/design.md. `substitution`: informal and formal home care are substitutes for elders with low needs: Bolin, Lindgren & Lundborg (2008), \"Informal and formal care among single-living elderly in Europe\", Health Econ. 17(3):393–409; Bonsang (2009), J. Health Econ. 28(1):143–154, doi:10.1016/j.jhealeco.2008.09.002, who finds the substitution vanishes at higher levels of disability")
        .note("Family care: contact (weekly contact up to the kind's capacity) or substitution (paid care received last week crowds out family hours; not for disabled elders)."),
    Param::new("structure.willingness", Kind::Choice(WILLINGNESS_STRUCTURES), r#""threshold""#, NONE)
        .unit("one of `threshold`, `logistic`, `norms`")
        .meaning("willingness to help. `threshold`: drifts toward the community's awareness, with reciprocity, activity, recognition, credit and overload; an elder helps while it is at or above their own threshold. `logistic`: drifts instead toward a logistic propensity of the elder's own health, loneliness and help received (`willingness.logistic_*`). `norms`: drifts toward a mix of awareness and the tie-strength-weighted mean willingness of the elder's neighbours (`willingness.norm_weight`): norms spread over ties")
        .source("**structure**. `threshold`: docs/design.md. `logistic`: a propensity model of helping (**assumption**: form and coefficients; helping falls with poor health and rises with help received, the reciprocity the design assumes). `norms`: social-influence (DeGroot 1974, JASA 69(345):118–121) averaging over ties; weight an assumption")
        .note("Willingness: threshold (drift to awareness), logistic (propensity of health, loneliness and help received) or norms (drift toward neighbours' willingness over ties)."),
    Param::new("structure.loneliness", Kind::Choice(LONELINESS_STRUCTURES), r#""anchored""#, NONE)
        .unit("one of `anchored`, `accumulating`")
        .meaning("loneliness. `anchored`: rises with unmet companionship and is pulled back toward the elder's own baseline. `accumulating`: no baseline; it rises with unmet companionship, falls only with companionship received, and lonely elders withdraw: a tie's visit chance falls by `loneliness.withdrawal` × the lonelier end's loneliness, so contact falls further (a burnout regime when contacts are few)")
        .source("**structure**. `anchored`: docs/design.md. `accumulating`: loneliness grows when alone and dwindles when socialising, with a burnout regime when contacts are too few: Fontanari (2021), Physica A 584:126367, doi:10.1016/j.physa.2021.126367; withdrawal of the lonely: Cacioppo & Hawkley (2009), Trends Cogn. Sci. 13(10):447–454")
        .note("Loneliness: anchored (pulled to each elder's baseline) or accumulating (builds with contact deficits; lonely elders withdraw from visits)."),
    Param::new("structure.paid_market", Kind::Choice(PAID_MARKET_STRUCTURES), r#""elastic""#, NONE)
        .unit("one of `elastic`, `fixed`")
        .meaning("paid services' weekly capacity. `elastic`: moves toward the hours sought (`paid_services.capacity_elasticity`, `capacity_adjust_weekly`). `fixed`: stays at its initial level, so a subsidy only moves hours between elders")
        .source("**structure**: the two ends of supply response (docs/design.md)")
        .note("Paid market: elastic (capacity moves toward demand) or fixed (capacity stays at its initial level)."),
    Param::new("structure.time_bank", Kind::Choice(TIME_BANK_STRUCTURES), r#""credit""#, NONE)
        .unit("one of `credit`, `clearing_house`")
        .meaning("the time bank (when its lever is on). `credit`: members bank the hours they give and redeem their balance later. `clearing_house`: no balances; each week the bank matches, centrally and within the community, member helpers' spare hours to members' help still needed, in the week's order, and the helpers gain the bank's recognition for the hours given")
        .source("**structure**. `credit`: Cahn's time banking (docs/design.md). `clearing_house`: a weekly exchange without accounts, the limit of a time bank whose credits are spent at once (assumption)")
        .note("Time bank: credit (individual balances) or clearing_house (hours matched each week, no balances)."),
    Param::new("policies.care_subsidy.monthly_voucher", Kind::F64, "500.0", NON_NEGATIVE)
        .unit("yuan per registered grade-1 elder per month, ≥ 0")
        .meaning("voucher (× 12 / 52 a week = ¥115.38) added to the weekly budget for paid services and spent first; unspent vouchers lapse; cost = vouchers spent")
        .source("**assumption**: about half the LTCI home-care cash benefit for severe disability in Beijing Shijingshan, ¥1,044/month (dz1981.com 2024 report; M). No Henan or Zhengzhou care subsidy for disabled elders was found (docs/evidence.md §6: NOT FOUND)")
        .note("失能半失能老人照护补贴: voucher per registered grade-1 elder per month (yuan), spent only on paid services; unspent vouchers lapse. Assumption: about half the LTCI home-care cash benefit for severe disability in Beijing Shijingshan (¥1,044/month; dz1981.com 2024 report; M). No Henan/Zhengzhou care subsidy was found (docs/evidence.md §6)."),
    Param::new("policies.<lever>.start_week", Kind::U32, "0", Check::Integer { lo: 0, hi: MAX_WEEKS })
        .unit("simulation week, 0–5,200")
        .meaning("first week the lever acts (inclusive; weeks counted from 0, not weeks of the year)")
        .source("setting")
        .note("First week the lever acts."),
    Param::new("policies.<lever>.end_week", Kind::U32, "0", Check::Integer { lo: 0, hi: MAX_WEEKS })
        .unit("simulation week, 0–5,200")
        .meaning("week the lever stops (exclusive); 0 = to the end of the run; otherwise it must be after `start_week`")
        .source("setting")
        .note("Week the lever stops (exclusive; 0 = to the end)."),
    Param::new("policies.<lever>.annual_budget_cap", Kind::F64, "0.0", NON_NEGATIVE)
        .unit("yuan per year per street, ≥ 0")
        .meaning("0 = no cap. Otherwise, in any week whose planned cost for the street (from last week's counts) exceeds a 52nd of the cap, the dose is scaled down by cap / 52 / planned cost. `info_platform` and `supervision` are all or nothing: a cap below their `annual_cost` switches them off. For `public_funding` the cap applies to the extra budget")
        .source("setting")
        .note("Budget cap in yuan per year (0 = none)."),
    Param::new("policies.student_credits.recruit_factor", Kind::F64, "1.5", FACTOR_100)
        .unit("factor, 0–100")
        .meaning("on yearly recruitment (`street.student_recruits`)")
        .source("**assumption**. Student volunteering hours were not found; > 90% of undergraduates volunteer at some point (CFPA 2015; M), so credit is assumed to widen a willing pool")
        .note("志愿服务学分: factor on yearly student recruitment. Assumption (student volunteering hours were not found; >90% of undergraduates volunteer at some point, CFPA 2015, so credit is assumed to widen a willing pool)."),
    Param::new("policies.student_credits.hours_factor", Kind::F64, "1.5", FACTOR_20)
        .unit("factor, 0–20")
        .meaning("on each paired student's weekly hours (`students.hours_per_week`)")
        .source("**assumption**")
        .note("Factor on each student's weekly hours. Assumption."),
    Param::new("policies.student_credits.attrition_factor", Kind::F64, "0.5", FACTOR_20)
        .unit("factor, 0–20")
        .meaning("on weekly attrition in term (`students.attrition_weekly`)")
        .source("**assumption** (credit keeps students on)")
        .note("Factor on weekly attrition (credit keeps students on). Assumption."),
    Param::new("policies.student_credits.admin_per_student_year", Kind::F64, "300.0", NON_NEGATIVE)
        .unit("yuan per enrolled student per year, ≥ 0")
        .meaning("administration cost, charged every week for every student enrolled before that week's calendar phase (the count the budget cap plans with)")
        .source("**assumption**")
        .note("Administration cost per enrolled student per year (yuan). Assumption."),
    Param::new("policies.activity_programme.sessions_per_week", Kind::F64, "3.0", SESSIONS_100)
        .unit("sessions per community per week, 0–100")
        .meaning("extra sessions after the baseline ones (stochastic rounding), with the places, hours and attendance of `[activities]`")
        .source("**assumption**")
        .note("书法、棋类、手工 activities: extra sessions per community per week (venue capacity is activities.capacity). Assumption."),
    Param::new("policies.activity_programme.loneliness_relief", Kind::F64, "0.02", UNIT)
        .unit("loneliness, 0–1, per session attended")
        .meaning("immediate fall in an attendee's loneliness")
        .source("**assumption**")
        .note("Fall in an attendee's loneliness per programme session (0–1 scale). Assumption."),
    Param::new("policies.activity_programme.willingness_gain", Kind::F64, "0.01", UNIT)
        .unit("willingness, 0–1, per session attended")
        .meaning("immediate rise in an attendee's willingness (on top of `willingness.activity_gain`)")
        .source("**assumption**")
        .note("Rise in an attendee's willingness to help per programme session. Assumption."),
    Param::new("policies.activity_programme.cost_per_session", Kind::F64, "300.0", NON_NEGATIVE)
        .unit("yuan per session, ≥ 0")
        .meaning("venue, materials, organiser; 3 × 300 × 14 × 52 = ¥655,200 a year with the defaults")
        .source("**assumption**")
        .note("Cost of one session: venue, materials, organiser (yuan). Assumption."),
    Param::new("policies.counselling.sessions_per_week", Kind::F64, "5.0", SESSIONS_1000)
        .unit("one-hour sessions per community per week, 0–1,000")
        .meaning("sessions for registered grade-2 elders (up to 20 random draws to find one; a session that finds nobody is not held)")
        .source("**assumption**")
        .note("心理健康疏导: one-hour sessions per community per week, for registered grade-2 elders. Assumption."),
    Param::new("policies.counselling.loneliness_relief", Kind::F64, "0.05", UNIT)
        .unit("loneliness, 0–1, per session")
        .meaning("fall in the recipient's loneliness; the recipient also gets up to 1 hour of companionship and contact")
        .source("**assumption**")
        .note("Fall in loneliness per session (0–1 scale). Assumption."),
    Param::new("policies.counselling.cost_per_session", Kind::F64, "200.0", NON_NEGATIVE)
        .unit("yuan per session held, ≥ 0")
        .meaning("cost of one session held")
        .source("**assumption**")
        .note("Cost of one session (yuan). Assumption."),
    Param::new("policies.time_bank.membership_share", Kind::F64, "0.3", SHARE)
        .unit("share of elders, 0–1")
        .meaning("each elder has a fixed uniform draw in [0, 1) made at creation; elders whose draw is below this share are members. Only members bank hours, redeem hours and serve redemptions")
        .source(r#"**assumption**, set with the next row so that the bank alone credits about 10,000 hours a year in the default street (7,200 in the first year, 12,300 in the fifth), the order of Nanjing's Yaohua Street time bank: 47,229 hours from August 2014 to December 2017, about 14,000 a year (People's Daily Online, 18 Dec 2017; M). A minority share is in line with participants being "still a minority" in Shanghai's pilot (上观新闻 re-posts; M) and with Nanjing's 15,309 volunteer applicants city-wide in 2020 (ecbasis.org; M), against 1.3 M elders"#)
        .note(r#"时间银行: share of elders who join the bank; only members bank and redeem hours. Assumption: participants are "still a minority" in Shanghai's pilot (上观新闻 re-posts; M); Nanjing had 15,309 volunteer applicants city-wide in 2020 (ecbasis.org; M), far fewer than its 1.3 M elders. Assumption, set with willingness_gain_per_hour so that the street banks about 10,000 hours a year, the order of Nanjing's Yaohua Street time bank (47,229 hours from Aug 2014 to Dec 2017, about 14,000 a year; People's Daily Online 18 Dec 2017; M)."#)
        .plausible(0.1, 0.5, "share of elders in the time bank"),
    Param::new("policies.time_bank.willingness_gain_per_hour", Kind::F64, "0.02", UNIT)
        .unit("willingness, 0–1, per hour credited, times (1 − W)")
        .meaning("rise in a member helper's willingness: 0.02 × hours credited × (1 − W), so the gain saturates as W nears 1. 3 hours credited give 0.06 (1 − W), which equals `willingness.overload_loss` (0.03) at W = 0.5, the helper threshold")
        .source("**assumption** (see the previous row). About half the study package's effect depends on it (docs/policies.md §6)")
        .note("Rise in a helper's willingness per hour banked, times (1 − willingness). Assumption (see membership_share).")
        .plausible(0.0, 0.04, "willingness gain per banked hour, × (1 − W)"),
    Param::new("policies.time_bank.max_balance_hours", Kind::F64, "1500.0", NON_NEGATIVE)
        .unit("hours, ≥ 0")
        .meaning("most hours one member can hold; hours given beyond it are not credited")
        .source("the Nanjing time bank caps stored hours at 1,500 (中国老年学和老年医学学会 2019, via re-posts at jiaozishequ.com and ecbasis.org; M)")
        .note("Most hours one member can hold. Source: the Nanjing time bank caps stored hours at 1,500 (中国老年学和老年医学学会, 2019; M)."),
    Param::new("policies.time_bank.admin_per_hour", Kind::F64, "2.0", NON_NEGATIVE)
        .unit("yuan per hour credited, ≥ 0")
        .meaning("administration cost")
        .source("**assumption**; the Nanjing scheme values an hour at about ¥12 (thenanjinger.com; L)")
        .note("Administration cost per hour banked (yuan). Assumption (the Nanjing scheme values an hour at about ¥12; thenanjinger.com; L)."),
    Param::new("policies.info_platform.outreach_factor", Kind::F64, "2.0", FACTOR_100)
        .unit("factor, 0–100")
        .meaning("on `case_management.outreach_weekly`; with the platform on, unmet help requests are also visible to willing helpers anywhere in the community")
        .source("**assumption**. Only 36.6% of elders know how to use a smartphone (CRCA 2021 survey; H), so the platform is assumed to work mainly through staff and helpers")
        .note("信息平台: factor on the outreach (registration) rate; unmet requests also become visible to willing helpers anywhere in the community. Assumption (only 36.6% of elders use a smartphone, CRCA 2021 survey, so the platform works mainly through staff and helpers)."),
    Param::new("policies.info_platform.annual_cost", Kind::F64, "200_000.0", NON_NEGATIVE)
        .unit("yuan per street per year, ≥ 0")
        .meaning("fixed cost")
        .source("**assumption**")
        .note("Fixed cost per street per year (yuan). Assumption."),
    Param::new("policies.supervision.delivery_ratio_gain", Kind::F64, "0.15", UNIT)
        .unit("share, 0–1")
        .meaning("added to `social_workers.delivery_ratio` (the sum capped at 1): 0.70 → 0.85, direct hours 134.6 → 163.5 a week")
        .source("**assumption** (the study reports weak supervision of the contract)")
        .note("监督机制: added to social_workers.delivery_ratio (capped at 1). Assumption."),
    Param::new("policies.supervision.annual_cost", Kind::F64, "60_000.0", NON_NEGATIVE)
        .unit("yuan per street per year, ≥ 0")
        .meaning("fixed cost")
        .source("**assumption**")
        .note("Fixed cost per street per year (yuan). Assumption."),
    Param::new("policies.public_funding.budget_factor", Kind::F64, "1.5", FACTOR_100)
        .unit("factor, 0–100")
        .meaning("on each street's `contract_budget`; more social-worker hours (134.6 → 201.9 direct hours a week). The change in the budget, `contract_budget` × (factor − 1), is the lever's cost. A factor below 1 cuts the contract and records a negative cost (a saving); the budget cap does not limit a cut")
        .source("**assumption**")
        .note("加大公共财政投入: factor on each street's contract budget; the extra budget is the lever's cost. Assumption."),
    Param::new("policies.merchant_alliance.discount", Kind::F64, "0.15", SHARE)
        .unit("share of the price, 0–1")
        .meaning("discount on paid services for members (registered elders), borne by the merchants; unregistered elders pay the full price")
        .source("**assumption**, in line with the 10% discount of Zhuhai's elder canteens (m.ljsggw.cn 2024; L)")
        .note("会员联盟: discount on paid services for members (registered elders; share of the price). Assumption, in line with the 10% discount of Zhuhai's elder canteens (m.ljsggw.cn 2024; L)."),
    Param::new("policies.merchant_alliance.cost_per_member_year", Kind::F64, "20.0", NON_NEGATIVE)
        .unit("yuan per member (registered elder) per year, ≥ 0")
        .meaning("administration cost, charged each week on the registered elders")
        .source("**assumption**")
        .note("Administration cost per member (registered elder) per year (yuan). Assumption."),
    Param::new("street.name", Kind::Str, r#""wutong""#, NONE)
        .unit("text, unique among streets")
        .meaning("street name")
        .source("setting")
        .note("Street name, unique among streets."),
    Param::new("street.contract_budget", Kind::F64, "1_000_000.0", NON_NEGATIVE)
        .unit("yuan/year")
        .meaning("yearly budget of the social-organisation contract")
        .source("**assumption**: the contract's value is not published")
        .note("Yearly budget of the social-organisation contract, yuan. Assumption."),
    Param::new("street.students", Kind::U32, "200", Check::Integer { lo: 0, hi: 1_000_000 })
        .unit("students")
        .meaning("students in the volunteer pool at the start")
        .source("**assumption**")
        .note("Students in the street's volunteer pool at the start. Assumption."),
    Param::new("street.student_recruits", Kind::U32, "80", Check::Integer { lo: 0, hi: 1_000_000 })
        .unit("students/year")
        .meaning("recruited each year in `recruitment_week`. With 25% graduation and ≈ 16% attrition a year, the pool settles between about 135 (before recruitment) and 215 (after)")
        .source("**assumption**")
        .note("Students recruited each year. Assumption."),
    Param::new("street.count", Kind::U32, "1", Check::Integer { lo: 1, hi: 10_000 })
        .unit("streets, 1–10,000")
        .meaning("the street is repeated this many times (named `<name>-001`, …), each copy with its own random streams; for city-scale scenarios (`scenarios/zhengzhou.toml`: 125 streets like Wutong, 1,706,250 elders, against Zhengzhou's 1.698 million aged 60+ at the end of 2022, Zhengzhou Statistics Bureau; H)")
        .source("structural, no source needed")
        .note("How many streets like this one (a template for a city); 1 = this street only."),
    Param::new("street.community.name", Kind::Str, "", NONE)
        .unit("text, unique within the street")
        .meaning("community name"),
    Param::new("street.community.type", Kind::CommunityType, "", NONE)
        .unit("`commercial_estate`, `village` or `village_to_residence`")
        .meaning("community type: selects `community_types.<type>`"),
    Param::new("street.community.elders", Kind::U32, "", Check::Integer { lo: 1, hi: 1_000_000 })
        .unit("elders aged 60+, 1–1,000,000")
        .meaning("elders at the start; also sets inflow, paid-service capacity and the number of party members"),
];

/// The entry for a key: `ties.decay_weekly`, `needs.help_hours[2]` (an element
/// of an array parameter), `policies.time_bank.start_week` (the `<lever>`
/// pattern) or `street[0].community[3].elders` (indices are ignored).
pub fn lookup(key: &str) -> Option<&'static Param> {
    let steps = parse_key(key)?;
    let names: Vec<&str> = steps
        .iter()
        .filter_map(|s| match s {
            Segment::Key(k) => Some(k.as_str()),
            Segment::Index(_) => None,
        })
        .collect();
    let plain = names.join(".");
    let pattern = match names.as_slice() {
        ["policies", lever, rest] if LEVER_NAMES.contains(lever) => format!("policies.<lever>.{rest}"),
        _ => plain.clone(),
    };
    PARAMS.iter().find(|p| p.key == plain || p.key == pattern)
}

/// Every key a user can write, with each lever pattern spelt out once per lever.
pub fn all_keys() -> Vec<String> {
    PARAMS.iter().flat_map(|p| p.instances()).collect()
}

/// One step of a dotted key path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// A table key (a TOML name).
    Key(String),
    /// An array index.
    Index(usize),
}

/// Parses a dotted key path with array indices, `street[0].community[3].elders`,
/// into its steps; `None` if it is malformed (an empty name, an index that is
/// not a whole number, text after a `]`).
///
/// ```
/// use carenet_model::scenario::registry::{Segment, parse_key, key_string};
/// let steps = parse_key("needs.help_hours[2]").unwrap();
/// assert_eq!(steps, [Segment::Key("needs".into()), Segment::Key("help_hours".into()), Segment::Index(2)]);
/// assert_eq!(key_string(&steps), "needs.help_hours[2]");
/// assert_eq!(parse_key("a..b"), None);
/// ```
pub fn parse_key(key: &str) -> Option<Vec<Segment>> {
    let mut out = Vec::new();
    for part in key.split('.') {
        let (name, mut rest) = part.split_at(part.find('[').unwrap_or(part.len()));
        if name.is_empty() {
            return None;
        }
        out.push(Segment::Key(name.to_string()));
        while let Some(r) = rest.strip_prefix('[') {
            let end = r.find(']')?;
            out.push(Segment::Index(r[..end].parse().ok()?));
            rest = &r[end + 1..];
        }
        if !rest.is_empty() {
            return None;
        }
    }
    Some(out)
}

/// Writes steps back as a dotted key path (the inverse of [`parse_key`]).
pub fn key_string(steps: &[Segment]) -> String {
    let mut out = String::new();
    for step in steps {
        match step {
            Segment::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            Segment::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

/// The closest candidate to a misspelt word, if any is close (Jaro–Winkler
/// similarity of at least 0.8, ignoring the word's case). Every "did you mean"
/// of carenet comes from here.
pub fn suggest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let word = word.to_lowercase();
    candidates
        .into_iter()
        .map(|candidate| (strsim::jaro_winkler(&word, candidate), candidate))
        .filter(|&(score, _)| score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, candidate)| candidate)
}

/// A parameter's default as a TOML value; `None` when it has none.
pub fn default_value(p: &Param) -> Option<toml::Value> {
    if p.default.is_empty() {
        return None;
    }
    let mut table: toml::Table = toml::from_str(&format!("v = {}", p.default)).ok()?;
    table.remove("v")
}

/// The built-in `[uncertainty]` table: every plausible range, by key.
pub fn default_uncertainty() -> std::collections::BTreeMap<String, [f64; 2]> {
    PARAMS.iter().filter_map(|p| p.plausible.map(|(range, _)| (p.key.to_string(), range))).collect()
}

/// The default scenario as a TOML tree: every registry default at its key, the
/// Wutong street, the built-in packages and the plausible ranges.
pub fn default_tree() -> toml::Table {
    let mut root = toml::Table::new();
    for p in PARAMS.iter().filter(|p| !p.key.starts_with("street.")) {
        let Some(value) = default_value(p) else { continue };
        for key in p.instances() {
            let mut table = &mut root;
            let mut names = key.split('.').peekable();
            while let Some(name) = names.next() {
                if names.peek().is_none() {
                    table.insert(name.to_string(), value.clone());
                    break;
                }
                let entry = table.entry(name.to_string()).or_insert_with(|| toml::Value::Table(toml::Table::new()));
                let toml::Value::Table(inner) = entry else { break };
                table = inner;
            }
        }
    }
    let packages = super::defaults::default_packages();
    let uncertainty = default_uncertainty();
    let street = vec![super::types::Street::default()];
    for (name, value) in [
        ("packages", toml::Value::try_from(packages)),
        ("uncertainty", toml::Value::try_from(uncertainty)),
        ("street", toml::Value::try_from(street)),
    ] {
        if let Ok(value) = value {
            root.insert(name.to_string(), value);
        }
    }
    root
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Scenario;

    /// Every leaf of a serialised scenario, by registry key (indices dropped,
    /// `[packages]` and `[uncertainty]` as one key each), with its value.
    fn leaves(prefix: &str, value: &toml::Value, out: &mut Vec<(String, toml::Value)>) {
        match value {
            toml::Value::Table(t) if !matches!(prefix, "packages" | "uncertainty") => {
                for (k, v) in t {
                    let key = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
                    leaves(&key, v, out);
                }
            }
            toml::Value::Array(items) if items.iter().all(toml::Value::is_table) && !items.is_empty() => {
                for item in items {
                    leaves(prefix, item, out);
                }
            }
            _ => out.push((prefix.to_string(), value.clone())),
        }
    }

    fn default_leaves() -> Vec<(String, toml::Value)> {
        let mut out = Vec::new();
        let tree = toml::Value::try_from(Scenario::default()).unwrap();
        leaves("", &tree, &mut out);
        out
    }

    #[test]
    fn every_field_has_an_entry_and_every_entry_a_field() {
        let fields: std::collections::BTreeSet<String> = default_leaves().into_iter().map(|(k, _)| k).collect();
        // `count` is only written when it is not 1.
        let mut wanted: std::collections::BTreeSet<String> = all_keys().into_iter().collect();
        wanted.remove("extends");
        wanted.remove("street.count");
        let fields: std::collections::BTreeSet<String> =
            fields.into_iter().map(|k| if k.starts_with("packages") { "packages".into() } else { k }).collect();
        let mut wanted_plus = wanted.clone();
        wanted_plus.insert("packages".into());
        wanted_plus.insert("uncertainty".into());
        let missing: Vec<&String> = fields.difference(&wanted_plus).collect();
        let extra: Vec<&String> = wanted_plus.difference(&fields).collect();
        assert!(missing.is_empty(), "fields without a registry entry: {missing:?}");
        assert!(extra.is_empty(), "registry entries without a field: {extra:?}");
    }

    #[test]
    fn every_value_has_its_kind_and_passes_its_check() {
        for (key, value) in default_leaves() {
            if matches!(key.as_str(), "packages" | "uncertainty") {
                continue;
            }
            let p = lookup(&key).unwrap_or_else(|| panic!("no entry for {key}"));
            let ok = match (p.kind, &value) {
                (Kind::F64, toml::Value::Float(_)) => true,
                (Kind::U32 | Kind::U64, toml::Value::Integer(_)) => true,
                (Kind::Bool, toml::Value::Boolean(_)) => true,
                (Kind::Str | Kind::CommunityType, toml::Value::String(_)) => true,
                (Kind::Choice(values), toml::Value::String(v)) => values.contains(&v.as_str()),
                (Kind::F64s(n), toml::Value::Array(a)) => a.len() == n && a.iter().all(toml::Value::is_float),
                (Kind::U32s(n), toml::Value::Array(a)) => a.len() == n && a.iter().all(toml::Value::is_integer),
                _ => false,
            };
            assert!(ok, "{key}: {value} is not a {:?}", p.kind);
        }
    }

    #[test]
    fn the_defaults_are_the_registry_defaults() {
        let tree = toml::Value::try_from(Scenario::default()).unwrap();
        for p in PARAMS {
            let Some(default) = default_value(p) else { continue };
            for key in p.instances() {
                // `street.x` is the first street's `x`.
                let path = key.replacen("street.", "street.0.", 1);
                let found = path.split('.').try_fold(&tree, |node, step| match step.parse::<usize>() {
                    Ok(i) => node.get(i),
                    Err(_) => node.get(step),
                });
                match found {
                    Some(value) => assert_eq!(value, &default, "{key}"),
                    None => assert_eq!(key, "street.count", "{key} is missing from the default scenario"),
                }
            }
        }
        assert_eq!(Scenario::default().uncertainty, default_uncertainty());
    }

    #[test]
    fn entries_are_complete_and_unique() {
        let mut seen = std::collections::HashSet::new();
        for p in PARAMS {
            assert!(seen.insert(p.key), "{} is declared twice", p.key);
            assert!(!p.unit.is_empty() && !p.meaning.is_empty(), "{} lacks a unit or meaning", p.key);
            if !p.key.starts_with("street.community.") {
                assert!(!p.source.is_empty(), "{} has no source", p.key);
            }
            if let Some(([lo, hi], what)) = p.plausible {
                assert!(lo <= hi && !what.is_empty(), "{}", p.key);
                let d = default_value(p).and_then(|v| v.as_float()).unwrap();
                assert!((lo..=hi).contains(&d), "{}: default {d} outside its plausible range", p.key);
            }
        }
    }

    #[test]
    fn structures_are_choices_whose_first_value_is_the_default() {
        let keys: Vec<&str> = structures().map(|(k, _)| k).collect();
        assert_eq!(
            keys,
            [
                "structure.family",
                "structure.willingness",
                "structure.loneliness",
                "structure.paid_market",
                "structure.time_bank"
            ]
        );
        for (key, values) in structures() {
            let p = lookup(key).unwrap();
            assert!(values.len() >= 2, "{key}");
            assert_eq!(p.default, format!("{:?}", values[0]), "{key}");
            assert_eq!(p.check, Check::None);
        }
        // Scenario's values serialise to the same names.
        let tree = toml::Value::try_from(Scenario::default().structure).unwrap();
        assert_eq!(tree.get("time_bank").and_then(|v| v.as_str()), Some("credit"));
    }

    #[test]
    fn keys_parse_and_print_back() {
        for key in ["street[0].community[3].elders", "population.age_mix[1]", "a"] {
            assert_eq!(key_string(&parse_key(key).unwrap()), key);
        }
        for bad in ["", "a.", ".a", "a[x]", "a[1", "a[1]b", "a..b"] {
            assert_eq!(parse_key(bad), None, "{bad}");
        }
    }

    #[test]
    fn suggestions_need_a_close_match() {
        assert_eq!(suggest("rise_weekyl", ["rise_weekly", "fall_weekly"]), Some("rise_weekly"));
        assert_eq!(suggest("Weeks", ["weeks", "reps"]), Some("weeks"));
        assert_eq!(suggest("zzz", ["weeks", "reps"]), None);
    }

    #[test]
    fn lookups_find_patterns_and_elements() {
        assert_eq!(lookup("needs.help_hours[2]").unwrap().key, "needs.help_hours");
        assert_eq!(lookup("policies.counselling.annual_budget_cap").unwrap().key, "policies.<lever>.annual_budget_cap");
        assert_eq!(lookup("policies.nonsense.start_week"), None);
        assert_eq!(lookup("health.semi_to_iadl").map(|p| p.key), None);
        assert_eq!(lookup("health.semi_to_iadl.age_slope").unwrap().table(), "health");
        assert_eq!(lookup("health.semi_to_iadl.age_slope").unwrap().local_key(), "semi_to_iadl.age_slope");
    }

    #[test]
    fn checks_follow_their_bounds() {
        let annual = lookup("health.mortality_at_60").unwrap().check;
        assert!(annual.accepts(0.0) && annual.accepts(0.99) && !annual.accepts(1.0) && !annual.accepts(f64::NAN));
        let weeks = lookup("simulation.weeks").unwrap().check;
        assert!(weeks.accepts(5200.0) && !weeks.accepts(5201.0) && !weeks.accepts(0.0));
        assert_eq!(weeks.allowed(), "an integer from 1 to 5200");
        assert_eq!(lookup("ties.max_ties").unwrap().check.allowed(), "an integer ≥ 1");
        assert!(!lookup("students.spring_term").unwrap().check.accepts(53.0));
    }
}
