//! The scenario: every parameter of the model, with its default.
//!
//! [`Scenario`] is what a TOML file deserialises into (after `extends` has been
//! resolved by [`crate::scenario::load`], which merges every file onto the full
//! tree of defaults, so a scenario file only has to state what differs). Every
//! struct denies unknown fields. Each field's default, unit, range, meaning and
//! source are declared in [`crate::scenario::registry`]; the doc comments here
//! only say what a field is.
//!
//! Units: hours are hours per week unless a name says otherwise; money is yuan;
//! probabilities named `annual_*` are per year and converted to weekly hazards
//! by the model; `*_weekly` are per week.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The three community types of the study.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CommunityType {
    /// 商品房社区: commodity-housing estate.
    CommercialEstate,
    /// 行政村: administrative village.
    Village,
    /// 村改居: village-to-residence resettlement community.
    VillageToResidence,
}

impl CommunityType {
    pub const ALL: [CommunityType; 3] =
        [CommunityType::CommercialEstate, CommunityType::Village, CommunityType::VillageToResidence];

    pub fn as_str(self) -> &'static str {
        match self {
            CommunityType::CommercialEstate => "commercial_estate",
            CommunityType::Village => "village",
            CommunityType::VillageToResidence => "village_to_residence",
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }
}

/// A whole scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Short name; the default output directory is `output/<name>/`.
    pub name: String,
    /// One line saying what the scenario is.
    pub description: String,
    /// Replications, horizon, seed.
    pub simulation: Simulation,
    /// Who the elders are at the start.
    pub population: Population,
    /// Traits that differ by community type.
    pub community_types: CommunityTypes,
    /// Weekly help and companionship needs.
    pub needs: Needs,
    /// Family care: weekly contact and capacity by the family's kind.
    pub family: Family,
    /// Functional-state transitions and mortality.
    pub health: Health,
    /// Living arrangements and how they change.
    pub living: Living,
    /// Loneliness dynamics and grading thresholds.
    pub loneliness: Loneliness,
    /// Willingness-to-help dynamics.
    pub willingness: Willingness,
    /// Social-tie dynamics.
    pub ties: Ties,
    /// The social organisation's case management.
    pub case_management: CaseManagement,
    /// University-student volunteers (street pool).
    pub students: Students,
    /// Party and league members (per community).
    pub party_members: PartyMembers,
    /// Capable elders helping neighbours.
    pub mutual_aid: MutualAid,
    /// Social workers bought by the street's contract.
    pub social_workers: SocialWorkers,
    /// The market of paid services.
    pub paid_services: PaidServices,
    /// Community activities (the baseline level; the activity lever adds to it).
    pub activities: Activities,
    /// New 60-year-olds.
    pub inflow: Inflow,
    /// Observation settings.
    pub metrics: Metrics,
    /// Which formulation of each mechanism the model runs (docs/model.md §7).
    pub structure: Structure,
    /// The policy levers and their parameters (used only by packages that name them).
    pub policies: Policies,
    /// Policy packages: name → the levers it switches on. `baseline` switches none.
    pub packages: BTreeMap<String, Vec<String>>,
    /// Plausible ranges of parameters that are assumptions: dotted key → [low, high].
    /// `carenet reproduce --robust K` draws them by Latin hypercube.
    pub uncertainty: BTreeMap<String, [f64; 2]>,
    /// The streets and their communities.
    #[serde(rename = "street")]
    pub streets: Vec<Street>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Simulation {
    /// Master seed: every random stream is derived from it.
    pub seed: u64,
    /// Weeks simulated (260 = five years).
    pub weeks: u32,
    /// Replications.
    pub reps: u32,
    /// Week of the year the simulation starts in (1–52); sets the student calendar.
    pub start_week_of_year: u32,
    /// Weeks run before week 1 and never reported (burn-in).
    pub burn_in_weeks: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Population {
    /// Shares of elders aged 60–69, 70–79 and 80+ (must sum to 1).
    pub age_mix: [f64; 3],
    /// Oldest age (years) drawn for the 80+ group.
    pub max_initial_age: f64,
    /// Share of men at age 60 (older initial elders follow the sexes' survival).
    pub male_share: f64,
    /// Shares of independent, IADL-limited, semi-disabled, disabled at age 60: the
    /// newcomers' states and the start of the cohort that sets the initial states by age.
    pub state_mix_60_69: [f64; 4],
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Living {
    /// Initial share of elders living with children (the rest of those not living
    /// alone live with a spouse only).
    pub with_children_share: f64,
    /// Years by which a husband is older than his wife (sets the widowhood hazard
    /// from the other sex's mortality).
    pub spouse_age_gap: f64,
    /// Annual probability of moving in with children, by functional state, for an
    /// elder with family who does not live with them.
    pub move_in_annual: [f64; 4],
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommunityTypes {
    pub commercial_estate: TypeParams,
    pub village: TypeParams,
    pub village_to_residence: TypeParams,
}

impl CommunityTypes {
    pub fn get(&self, t: CommunityType) -> &TypeParams {
        match t {
            CommunityType::CommercialEstate => &self.commercial_estate,
            CommunityType::Village => &self.village,
            CommunityType::VillageToResidence => &self.village_to_residence,
        }
    }
}

/// Traits of one community type. No field has a default of its own: a
/// scenario file's partial table is merged onto the type's defaults by
/// [`crate::scenario::load`], so every type keeps its own values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TypeParams {
    /// Share of elders living alone.
    pub lives_alone_share: f64,
    /// Of the elders living alone, the share whose nearest child lives in the
    /// same neighbourhood or village (near family).
    pub family_near_share: f64,
    /// Of the elders living alone, the share with no child to call on (absent
    /// family); the rest have family at a distance.
    pub family_absent_share: f64,
    /// Mean weekly hours co-resident family can give (capacity).
    pub family_coresident_hours: f64,
    /// Mean weekly hours near (non-co-resident) family can give (capacity).
    pub family_near_hours: f64,
    /// Shares of low, middle and high income tiers (sum to 1).
    pub income_mix: [f64; 3],
    /// Mean initial loneliness (0–1).
    pub loneliness_mean: f64,
    /// Mean initial willingness to help (0–1).
    pub willingness_mean: f64,
    /// Mutual-aid awareness: the level willingness drifts toward (0–1).
    pub awareness: f64,
    /// Paid-service hours the local market offers per 100 elders per week.
    pub paid_hours_per_100: f64,
    /// Baseline activity sessions per week.
    pub activity_sessions: f64,
    /// Social network generator parameters.
    pub network: NetworkParams,
}

/// Parameters of a community's network generator. Each type's generator uses
/// the fields its structure needs (see docs/model.md, "Networks"). Like
/// [`TypeParams`], it has no per-field defaults: partial tables are merged onto
/// the type's own values by the loader.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkParams {
    /// Elders per building (commercial, village-to-residence) or lane (village).
    pub building_size: f64,
    /// Expected ties per elder inside their building.
    pub building_degree: f64,
    /// Expected ties per elder to elders in other buildings.
    pub across_degree: f64,
    /// Share of elders belonging to a kinship / old-village cluster.
    pub kin_share: f64,
    /// Mean elders per kinship / old-village cluster.
    pub kin_cluster_size: f64,
    /// Expected ties per clustered elder inside their cluster.
    pub kin_degree: f64,
    /// Probability that a clustered elder lives in the cluster's home building
    /// (1 = kin live together; low = scattered by resettlement).
    pub kin_colocation: f64,
    /// Mean initial strength of kin ties.
    pub kin_strength: f64,
    /// Mean initial strength of building and across ties.
    pub neighbour_strength: f64,
    /// Expected initial ties of a newcomer (new 60-year-old) inside their building.
    pub newcomer_degree: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Needs {
    /// Probability per week that an elder in each functional state (independent,
    /// IADL-limited, semi-disabled, disabled) needs help.
    pub help_probability: [f64; 4],
    /// Mean help hours per week when help is needed, by functional state.
    pub help_hours: [f64; 4],
    /// Mean companionship hours wanted per week by grade 1, 2, 3.
    pub companionship_hours: [f64; 3],
    /// Extra companionship wanted per unit of loneliness (multiplier: hours × (1 + this × L)).
    pub companionship_loneliness_factor: f64,
    /// Multiplier on every `help_hours` (the ladder's uncertainty, one key).
    pub help_hours_scale: f64,
}

/// Family care by the family's kind: co-resident (the elder does not live
/// alone), near, distant or absent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Family {
    /// Weekly probability that co-resident, near and distant family are in
    /// contact (and can give help or companionship) this week.
    pub contact_weekly: [f64; 3],
    /// Mean weekly hours distant family can give in a week of contact (capacity).
    pub distant_hours: f64,
    /// `substitution` structure: family hours displaced per hour of paid care
    /// the elder received the week before.
    pub substitution_per_paid_hour: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Transition {
    /// Annual probability at age 60.
    pub annual_at_60: f64,
    /// Log-linear change of the annual rate per year of age.
    pub age_slope: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Health {
    /// Independent → IADL-limited.
    pub independent_to_iadl: Transition,
    /// Independent → semi-disabled (acute onset: stroke, fracture).
    pub independent_to_semi: Transition,
    /// IADL-limited → independent (recovery).
    pub iadl_to_independent: Transition,
    /// IADL-limited → semi-disabled.
    pub iadl_to_semi: Transition,
    /// Semi-disabled → IADL-limited (recovery).
    pub semi_to_iadl: Transition,
    /// Semi-disabled → disabled.
    pub semi_to_disabled: Transition,
    /// Disabled → semi-disabled (recovery).
    pub disabled_to_semi: Transition,
    /// Women's death rate at 60 (gamma-Gompertz level, 2000 census fit).
    pub mortality_at_60: f64,
    /// Women's Gompertz slope of mortality per year of age.
    pub mortality_slope: f64,
    /// Men's death rate at 60 (gamma-Gompertz level, 2000 census fit).
    pub male_mortality_at_60: f64,
    /// Men's Gompertz slope of mortality per year of age.
    pub male_mortality_slope: f64,
    /// Gamma-Gompertz frailty variance: late-life deceleration of mortality.
    pub mortality_deceleration: f64,
    /// Multiplier of the census-fitted death rates (fall in mortality since 2000).
    pub mortality_improvement: f64,
    /// Mortality multipliers by functional state (relative; rescaled by age so that
    /// the population death rate matches the fitted curve).
    pub mortality_state_ratio: [f64; 4],
    /// Hazard ratio of worsening when all of the recent help need was unmet.
    pub unmet_help_hazard_ratio: f64,
    /// Hazard ratio of death when all of the recent help need was unmet.
    pub unmet_help_death_hazard_ratio: f64,
    /// Hazard ratio of worsening at loneliness 1 (log-linear in between).
    pub loneliness_hazard_ratio: f64,
    /// Weight of this week in the running share of unmet help (exponential smoothing).
    pub unmet_memory: f64,
    /// Cap on any annual probability.
    pub max_annual_probability: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Loneliness {
    /// Loneliness above this makes an elder grade 1.
    pub severe_threshold: f64,
    /// Loneliness above this makes an elder grade 2.
    pub moderate_threshold: f64,
    /// Weekly rise, times (1 − L), when all companionship wanted was unmet.
    pub rise_weekly: f64,
    /// Extra weekly pull back toward the elder's baseline loneliness when all the
    /// companionship wanted was received (scales with the share received).
    pub fall_weekly: f64,
    /// Weekly pull toward the elder's own baseline loneliness (0 = none).
    pub baseline_pull_weekly: f64,
    /// Standard deviation of the weekly random shock (life events).
    pub shock_sd: f64,
    /// Concentration (α + β) of the Beta distribution of initial loneliness.
    pub initial_concentration: f64,
    /// `accumulating` structure: fall in a tie's visit chance per unit of the
    /// lonelier end's loneliness (withdrawal).
    pub withdrawal: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Willingness {
    /// Weekly drift toward the community's awareness level.
    pub drift_weekly: f64,
    /// Gain after receiving help from a neighbour (reciprocity).
    pub reciprocity_gain: f64,
    /// Gain after attending an activity.
    pub activity_gain: f64,
    /// Gain per hour helped (recognition).
    pub recognition_gain_per_hour: f64,
    /// Loss when the hours helped in a week exceed `overload_hours`.
    pub overload_loss: f64,
    /// Hours per week above which helping feels like overload.
    pub overload_hours: f64,
    /// Concentration (α + β) of the Beta distribution of initial willingness.
    pub initial_concentration: f64,
    /// `logistic` structure: log-odds lost per step of functional state.
    pub logistic_health: f64,
    /// `logistic` structure: log-odds lost per unit of loneliness.
    pub logistic_loneliness: f64,
    /// `logistic` structure: log-odds gained in a week with neighbour help or an activity attended.
    pub logistic_reciprocity: f64,
    /// `norms` structure: weight of the neighbours' mean willingness in the drift target.
    pub norm_weight: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ties {
    /// Weekly probability of a visit over a tie of strength 1 (scales with strength).
    pub visit_weekly: f64,
    /// Companionship hours a visit gives each side.
    pub visit_hours: f64,
    /// Strengthening per interaction: s ← s + gain·(1 − s).
    pub interaction_gain: f64,
    /// Weekly decay, subtracted: s ← s − decay. With visits proportional to
    /// strength this makes weak, unused ties die and used ties settle high.
    pub decay_weekly: f64,
    /// Ties weaker than this are dropped.
    pub drop_below: f64,
    /// Ties at least this strong count as active (few_ties_rate).
    pub active_threshold: f64,
    /// Weekly probability that an elder closes a triangle (meets a friend's friend).
    pub triadic_weekly: f64,
    /// Probability that two co-attendees of an activity form a tie (per attendee per session).
    pub coattendance_tie: f64,
    /// Strength of a new tie.
    pub new_tie_strength: f64,
    /// Ties formed during a run (activities, triadic closure, newcomers) are not
    /// created for an elder who already has this many.
    pub max_ties: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseManagement {
    /// Share of elders already registered at the start.
    pub initial_registered_share: f64,
    /// Weekly outreach probability of registering an unregistered elder, by grade 1, 2, 3.
    pub outreach_weekly: [f64; 3],
    /// Weekly probability that a registered grade-3 elder's case file is closed.
    pub closure_weekly: f64,
    /// Serve and pair grade 1 before grade 2 (the study's practice); a waiting
    /// grade-1 elder takes over a volunteer paired with a grade-2 elder. False =
    /// grade 1 and 2 together, first come first served (random order among the waiting).
    pub grade_priority: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Students {
    /// Hours a student gives a paired elder per term week.
    pub hours_per_week: f64,
    /// Weekly probability that a student drops out (in term).
    pub attrition_weekly: f64,
    /// Share of students graduating at the graduation week.
    pub graduation_share: f64,
    /// Week of the year of graduation (end of spring term).
    pub graduation_week: u32,
    /// Week of the year of recruitment (start of autumn term).
    pub recruitment_week: u32,
    /// Spring term, first and last week of the year (inclusive).
    pub spring_term: [u32; 2],
    /// Autumn term, first and last week (inclusive; may wrap past week 52).
    pub autumn_term: [u32; 2],
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartyMembers {
    /// Party and league members volunteering per 1,000 elders in a community.
    pub per_1000_elders: f64,
    /// Hours each gives per month.
    pub hours_per_month: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MutualAid {
    /// Willingness at or above which a capable (grade-3) elder helps.
    pub helper_threshold: f64,
    /// Most hours a helper gives per week.
    pub hours_per_week: f64,
    /// Probability that an ask over a tie of strength 1 to a helper of willingness 1 succeeds.
    pub ask_probability: f64,
    /// Concentration (α + β) of the Beta distribution of elders' own helper
    /// thresholds around `helper_threshold`.
    pub threshold_concentration: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SocialWorkers {
    /// Cost of one social-worker hour to the contract (yuan).
    pub cost_per_hour: f64,
    /// Share of contracted hours actually delivered (supervision raises it).
    pub delivery_ratio: f64,
    /// Share of delivered hours spent on direct service (the rest is casework and reporting).
    pub direct_share: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaidServices {
    /// Price of one hour of paid home service (yuan).
    pub price_per_hour: f64,
    /// Weekly amount elders of each income tier (low, middle, high) will spend on care (yuan).
    pub weekly_budget: [f64; 3],
    /// Elasticity of the market's long-run capacity to the hours elders seek at
    /// the price (0 = fixed capacity, 1 = capacity meets demand).
    pub capacity_elasticity: f64,
    /// Share of the gap between capacity and its target closed each week.
    pub capacity_adjust_weekly: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Activities {
    /// Places per session.
    pub capacity: u32,
    /// Hours per session.
    pub session_hours: f64,
    /// Probability that an invited elder of willingness 1 attends.
    pub attend_probability: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Inflow {
    /// New 60-year-olds per year, as a share of the community's initial elders, for
    /// years 1 to 10 of the run (later years use the last value).
    pub entrants_by_year: [f64; 10],
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Metrics {
    /// Weeks without contact after which an elder counts as isolated.
    pub isolation_weeks: u32,
    /// An elder with fewer active ties than this counts in few_ties_rate.
    pub few_ties: u32,
    /// Weeks between network statistics.
    pub network_every: u32,
    /// Weeks at the end summarised in summary.csv.
    pub summary_window: u32,
}

/// The model structure: one formulation per mechanism, chosen by name. The
/// first value of each is the model's original formulation (the default).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Structure {
    pub family: FamilyStructure,
    pub willingness: WillingnessStructure,
    pub loneliness: LonelinessStructure,
    pub paid_market: PaidMarketStructure,
    pub time_bank: TimeBankStructure,
}

/// Family care: weekly contact by chance up to the kind's capacity, or that
/// capacity crowded out by the paid care the elder received last week.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FamilyStructure {
    Contact,
    Substitution,
}

/// Willingness dynamics: threshold and drift; a logistic propensity; norms over ties.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WillingnessStructure {
    Threshold,
    Logistic,
    Norms,
}

/// Loneliness: anchored to the elder's baseline, or accumulating with contact
/// deficits (with withdrawal).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LonelinessStructure {
    Anchored,
    Accumulating,
}

/// The paid market's capacity: moving toward demand, or fixed at its initial level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaidMarketStructure {
    Elastic,
    Fixed,
}

/// The time bank: individual credit balances, or a weekly clearing house.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeBankStructure {
    Credit,
    ClearingHouse,
}

/// A street: a contract, a student pool and its communities. A restated
/// `[[street]]` may leave out any key: it takes the Wutong street's value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Street {
    pub name: String,
    /// Yearly budget of the social-organisation contract (yuan).
    pub contract_budget: f64,
    /// Students in the street's volunteer pool at the start.
    pub students: u32,
    /// Students recruited each year.
    pub student_recruits: u32,
    /// How many streets like this one the scenario has (a street template, for a whole
    /// city): a count above 1 is expanded when the scenario is loaded into streets named
    /// `<name>-001`, `<name>-002`, …, each with its own random streams.
    #[serde(skip_serializing_if = "is_one")]
    pub count: u32,
    #[serde(rename = "community")]
    pub communities: Vec<Community>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Community {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: CommunityType,
    /// Elders (aged 60+) at the start.
    pub elders: u32,
}

/// The nine policy levers of the study (docs/design.md §4). Each is off in the baseline
/// and acts only in packages that name it, from `start_week` (inclusive) to
/// `end_week` (exclusive; 0 = to the end of the run). `annual_budget_cap` (yuan
/// per year; 0 = no cap) scales the lever's dose down in any week whose planned
/// cost would exceed a 52nd of the cap.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policies {
    pub care_subsidy: CareSubsidy,
    pub student_credits: StudentCredits,
    pub activity_programme: ActivityProgramme,
    pub counselling: Counselling,
    pub time_bank: TimeBank,
    pub info_platform: InfoPlatform,
    pub supervision: Supervision,
    pub public_funding: PublicFunding,
    pub merchant_alliance: MerchantAlliance,
}

/// 失能半失能老人照护补贴: a monthly voucher for each registered grade-1 elder,
/// spent only on paid services; unspent vouchers lapse.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CareSubsidy {
    /// Voucher per registered grade-1 elder per month (yuan).
    pub monthly_voucher: f64,
    pub start_week: u32,
    pub end_week: u32,
    pub annual_budget_cap: f64,
}

/// 志愿服务学分: volunteering earns course credit, so more students join, give
/// more hours and drop out less.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StudentCredits {
    /// Factor on yearly recruitment.
    pub recruit_factor: f64,
    /// Factor on each student's weekly hours.
    pub hours_factor: f64,
    /// Factor on weekly attrition.
    pub attrition_factor: f64,
    /// Administration cost per enrolled student per year (yuan).
    pub admin_per_student_year: f64,
    pub start_week: u32,
    pub end_week: u32,
    pub annual_budget_cap: f64,
}

/// 书法、棋类、手工 activities: extra weekly sessions with venue capacity; ties
/// form among attendees, loneliness falls, willingness rises.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActivityProgramme {
    /// Extra sessions per community per week.
    pub sessions_per_week: f64,
    /// Fall in an attendee's loneliness per programme session (absolute).
    pub loneliness_relief: f64,
    /// Rise in an attendee's willingness per programme session (absolute).
    pub willingness_gain: f64,
    /// Cost of one session (venue, materials, organiser; yuan).
    pub cost_per_session: f64,
    pub start_week: u32,
    pub end_week: u32,
    pub annual_budget_cap: f64,
}

/// 心理健康疏导: one-hour counselling sessions for registered grade-2 elders.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Counselling {
    /// Sessions per community per week.
    pub sessions_per_week: f64,
    /// Fall in loneliness per session (absolute).
    pub loneliness_relief: f64,
    /// Cost of one session (yuan).
    pub cost_per_session: f64,
    pub start_week: u32,
    pub end_week: u32,
    pub annual_budget_cap: f64,
}

/// 时间银行: helpers bank the hours they give and redeem them later as services
/// from other helpers; banking raises the willingness of capable elders.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimeBank {
    /// Share of elders who join the bank (only members bank and redeem hours).
    pub membership_share: f64,
    /// Rise in willingness per hour banked, times (1 − willingness).
    pub willingness_gain_per_hour: f64,
    /// Most hours one member can hold (further hours given are not credited).
    pub max_balance_hours: f64,
    /// Administration cost per hour banked (yuan).
    pub admin_per_hour: f64,
    pub start_week: u32,
    pub end_week: u32,
    pub annual_budget_cap: f64,
}

/// 信息平台: faster registration, and unmet requests visible to willing helpers
/// anywhere in the community.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InfoPlatform {
    /// Factor on the outreach (registration) rate.
    pub outreach_factor: f64,
    /// Fixed cost per street per year (yuan).
    pub annual_cost: f64,
    pub start_week: u32,
    pub end_week: u32,
    pub annual_budget_cap: f64,
}

/// 监督机制: supervision of purchased services raises the contract's delivery ratio.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Supervision {
    /// Added to `social_workers.delivery_ratio` (capped at 1).
    pub delivery_ratio_gain: f64,
    /// Fixed cost per street per year (yuan).
    pub annual_cost: f64,
    pub start_week: u32,
    pub end_week: u32,
    pub annual_budget_cap: f64,
}

/// 加大公共财政投入: a larger social-organisation budget buys more social-worker hours.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublicFunding {
    /// Factor on each street's contract budget; the extra budget is the lever's cost.
    pub budget_factor: f64,
    pub start_week: u32,
    pub end_week: u32,
    pub annual_budget_cap: f64,
}

/// 会员联盟: merchants give members a discount on paid services.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MerchantAlliance {
    /// Discount on the price of paid services (share of the price).
    pub discount: f64,
    /// Administration cost per member (registered elder) per year (yuan).
    pub cost_per_member_year: f64,
    pub start_week: u32,
    pub end_week: u32,
    pub annual_budget_cap: f64,
}

fn is_one(x: &u32) -> bool {
    *x == 1
}

impl Scenario {
    /// Replaces every street with `count` > 1 by `count` copies named `<name>-001`, … (count 1).
    pub fn expand_street_counts(&mut self) {
        if self.streets.iter().all(|s| s.count == 1) {
            return;
        }
        let mut out = Vec::new();
        for st in self.streets.drain(..) {
            if st.count <= 1 {
                out.push(st);
                continue;
            }
            let width = st.count.to_string().len().max(3);
            for k in 1..=st.count {
                out.push(Street { name: format!("{}-{k:0width$}", st.name), count: 1, ..st.clone() });
            }
        }
        self.streets = out;
    }
}
