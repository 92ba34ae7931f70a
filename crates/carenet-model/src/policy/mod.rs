//! Policies: the study's remedies as levers, and where they plug into the step.
//!
//! - [`Lever`]: the nine levers of docs/design.md §4, in a fixed order.
//! - [`Package`]: a named set of levers switched on (the baseline switches none).
//! - [`Levers`]: what the weekly step reads, for one street in one week. The
//!   step never reads the scenario's policy tables directly; [`levers_for_week`]
//!   turns them into a `Levers` value, applying each lever's start and end week
//!   and scaling its dose down when its planned cost would exceed its budget cap.
//!   [`Levers::neutral`] (the baseline) changes nothing and costs nothing.
//!
//! Costs: every lever's spending is recorded per community and week in
//! `WeekRecord::lever_yuan`, so a package's cost is the sum of its levers' costs.

use std::fmt;

use crate::scenario::{Policies, Scenario, defaults::LEVER_NAMES};

/// Number of levers.
pub const N_LEVERS: usize = 9;

/// The levers, in the order of [`LEVER_NAMES`] and `WeekRecord::lever_yuan`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lever {
    CareSubsidy = 0,
    StudentCredits = 1,
    ActivityProgramme = 2,
    Counselling = 3,
    TimeBank = 4,
    InfoPlatform = 5,
    Supervision = 6,
    PublicFunding = 7,
    MerchantAlliance = 8,
}

/// A policy package: the levers it switches on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Package {
    pub name: String,
    pub active: [bool; N_LEVERS],
}

/// An unknown package or lever name, with the valid choices.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownName {
    pub what: &'static str,
    pub name: String,
    pub valid: Vec<String>,
}

impl fmt::Display for UnknownName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hint = crate::scenario::registry::suggest(&self.name, self.valid.iter().map(String::as_str))
            .map(|s| format!(" (did you mean `{s}`?)"))
            .unwrap_or_default();
        write!(f, "unknown {} `{}`{hint}\n  valid {}s: {}", self.what, self.name, self.what, self.valid.join(", "))
    }
}

impl std::error::Error for UnknownName {}

/// Index of a lever by name.
pub fn lever_index(name: &str) -> Option<usize> {
    LEVER_NAMES.iter().position(|l| *l == name)
}

impl Package {
    /// The baseline: no lever.
    pub fn baseline() -> Package {
        Package { name: "baseline".into(), active: [false; N_LEVERS] }
    }

    /// Package `name` as the scenario defines it.
    pub fn resolve(s: &Scenario, name: &str) -> Result<Package, UnknownName> {
        let levers = s.packages.get(name).ok_or_else(|| UnknownName {
            what: "package",
            name: name.to_string(),
            valid: s.packages.keys().cloned().collect(),
        })?;
        let mut active = [false; N_LEVERS];
        for l in levers {
            let k = lever_index(l).ok_or_else(|| UnknownName {
                what: "lever",
                name: l.clone(),
                valid: LEVER_NAMES.iter().map(|x| x.to_string()).collect(),
            })?;
            active[k] = true;
        }
        Ok(Package { name: name.to_string(), active })
    }

    pub fn has(&self, l: Lever) -> bool {
        self.active[l as usize]
    }
}

/// Street-level quantities from which planned costs are computed (last week's
/// counts; the first week uses the initial population).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Planning {
    pub communities: usize,
    pub enrolled_students: usize,
    pub registered_grade1: f64,
    pub registered: f64,
    /// Hours time-bank members gave last week (before the credit share and the cap).
    pub banked_hours_last_week: f64,
    pub contract_budget: f64,
}

/// Policy-controlled quantities read by the weekly step for one street and week.
#[derive(Debug, Clone, PartialEq)]
pub struct Levers {
    /// care_subsidy: weekly voucher (yuan) for each registered grade-1 elder, spent only on paid services.
    pub voucher_weekly: f64,
    /// student_credits: factor on each student's weekly hours.
    pub student_hours_factor: f64,
    /// student_credits: factor on students' weekly attrition.
    pub student_attrition_factor: f64,
    /// student_credits: factor on yearly recruitment.
    pub student_recruit_factor: f64,
    /// student_credits: administration cost of the street's enrolled students this week (yuan).
    pub student_admin_weekly: f64,
    /// activity_programme: extra sessions per community this week.
    pub extra_sessions: f64,
    /// activity_programme: loneliness relief per programme session attended.
    pub programme_relief: f64,
    /// activity_programme: willingness gain per programme session attended.
    pub programme_willingness: f64,
    /// activity_programme: cost per session (yuan).
    pub programme_session_cost: f64,
    /// counselling: one-hour sessions per community this week, for registered grade-2 elders.
    pub counselling_sessions: f64,
    /// counselling: fall in loneliness (absolute) per session.
    pub counselling_relief: f64,
    /// counselling: cost per session (yuan).
    pub counselling_session_cost: f64,
    /// time_bank: the bank is open this week.
    pub time_bank: bool,
    /// time_bank: share of each hour given that is credited (1 unless the budget cap binds).
    pub time_bank_credit: f64,
    /// time_bank: share of elders who are members (only members bank and redeem).
    pub time_bank_membership: f64,
    /// time_bank: willingness gain per hour banked.
    pub time_bank_gain: f64,
    /// time_bank: most hours one member can hold.
    pub time_bank_max: f64,
    /// time_bank: administration cost per hour banked (yuan).
    pub time_bank_admin: f64,
    /// info_platform: unmet requests visible to willing helpers anywhere in the community.
    pub platform: bool,
    /// info_platform: factor on the outreach (registration) rate.
    pub outreach_factor: f64,
    /// info_platform: cost per street this week (yuan).
    pub platform_weekly: f64,
    /// supervision: added to the contract's delivery ratio (capped at 1).
    pub delivery_ratio_add: f64,
    /// supervision: cost per street this week (yuan).
    pub supervision_weekly: f64,
    /// public_funding: factor on the contract budget (its extra is the lever's cost).
    pub budget_factor: f64,
    /// merchant_alliance: discount on paid services for members (registered elders).
    pub paid_discount: f64,
    /// merchant_alliance: cost per member (registered elder) this week (yuan).
    pub merchant_member_weekly: f64,
}

impl Default for Levers {
    fn default() -> Self {
        Levers::neutral()
    }
}

impl Levers {
    /// The baseline: every factor 1, every addition 0, every switch off, no cost.
    pub fn neutral() -> Levers {
        Levers {
            voucher_weekly: 0.0,
            student_hours_factor: 1.0,
            student_attrition_factor: 1.0,
            student_recruit_factor: 1.0,
            student_admin_weekly: 0.0,
            extra_sessions: 0.0,
            programme_relief: 0.0,
            programme_willingness: 0.0,
            programme_session_cost: 0.0,
            counselling_sessions: 0.0,
            counselling_relief: 0.0,
            counselling_session_cost: 0.0,
            time_bank: false,
            time_bank_credit: 0.0,
            time_bank_membership: 0.0,
            time_bank_gain: 0.0,
            time_bank_max: 0.0,
            time_bank_admin: 0.0,
            platform: false,
            outreach_factor: 1.0,
            platform_weekly: 0.0,
            delivery_ratio_add: 0.0,
            supervision_weekly: 0.0,
            budget_factor: 1.0,
            paid_discount: 0.0,
            merchant_member_weekly: 0.0,
        }
    }
}

/// Whether a lever with this window acts in `week`.
fn in_window(start: u32, end: u32, week: u32) -> bool {
    week >= start && (end == 0 || week < end)
}

/// Dose scale in [0, 1] so that `planned_weekly` stays within a 52nd of the
/// annual cap (0 = no cap).
fn scale(cap_annual: f64, planned_weekly: f64) -> f64 {
    if cap_annual <= 0.0 || planned_weekly <= 0.0 { 1.0 } else { (cap_annual / 52.0 / planned_weekly).min(1.0) }
}

/// The levers of `package` for one street in `week`.
pub fn levers_for_week(p: &Policies, package: &Package, week: u32, plan: &Planning) -> Levers {
    let mut lv = Levers::neutral();
    let on = |l: Lever, start: u32, end: u32| package.has(l) && in_window(start, end, week);

    let c = &p.care_subsidy;
    if on(Lever::CareSubsidy, c.start_week, c.end_week) {
        let weekly = c.monthly_voucher * 12.0 / 52.0;
        lv.voucher_weekly = weekly * scale(c.annual_budget_cap, weekly * plan.registered_grade1);
    }
    let c = &p.student_credits;
    if on(Lever::StudentCredits, c.start_week, c.end_week) {
        let admin = c.admin_per_student_year / 52.0;
        let s = scale(c.annual_budget_cap, admin * plan.enrolled_students as f64);
        lv.student_hours_factor = 1.0 + (c.hours_factor - 1.0) * s;
        lv.student_recruit_factor = 1.0 + (c.recruit_factor - 1.0) * s;
        lv.student_attrition_factor = 1.0 + (c.attrition_factor - 1.0) * s;
        lv.student_admin_weekly = admin * s * plan.enrolled_students as f64;
    }
    let c = &p.activity_programme;
    if on(Lever::ActivityProgramme, c.start_week, c.end_week) {
        let planned = c.sessions_per_week * c.cost_per_session * plan.communities as f64;
        lv.extra_sessions = c.sessions_per_week * scale(c.annual_budget_cap, planned);
        lv.programme_relief = c.loneliness_relief;
        lv.programme_willingness = c.willingness_gain;
        lv.programme_session_cost = c.cost_per_session;
    }
    let c = &p.counselling;
    if on(Lever::Counselling, c.start_week, c.end_week) {
        let planned = c.sessions_per_week * c.cost_per_session * plan.communities as f64;
        lv.counselling_sessions = c.sessions_per_week * scale(c.annual_budget_cap, planned);
        lv.counselling_relief = c.loneliness_relief;
        lv.counselling_session_cost = c.cost_per_session;
    }
    let c = &p.time_bank;
    if on(Lever::TimeBank, c.start_week, c.end_week) {
        lv.time_bank = true;
        lv.time_bank_credit = scale(c.annual_budget_cap, c.admin_per_hour * plan.banked_hours_last_week);
        lv.time_bank_membership = c.membership_share;
        lv.time_bank_gain = c.willingness_gain_per_hour;
        lv.time_bank_max = c.max_balance_hours;
        lv.time_bank_admin = c.admin_per_hour;
    }
    let c = &p.info_platform;
    if on(Lever::InfoPlatform, c.start_week, c.end_week) && scale(c.annual_budget_cap, c.annual_cost / 52.0) >= 1.0 {
        lv.platform = true;
        lv.outreach_factor = c.outreach_factor;
        lv.platform_weekly = c.annual_cost / 52.0;
    }
    let c = &p.supervision;
    if on(Lever::Supervision, c.start_week, c.end_week) && scale(c.annual_budget_cap, c.annual_cost / 52.0) >= 1.0 {
        lv.delivery_ratio_add = c.delivery_ratio_gain;
        lv.supervision_weekly = c.annual_cost / 52.0;
    }
    let c = &p.public_funding;
    if on(Lever::PublicFunding, c.start_week, c.end_week) {
        let extra = plan.contract_budget * (c.budget_factor - 1.0).max(0.0) / 52.0;
        lv.budget_factor = 1.0 + (c.budget_factor - 1.0) * scale(c.annual_budget_cap, extra);
    }
    let c = &p.merchant_alliance;
    if on(Lever::MerchantAlliance, c.start_week, c.end_week) {
        let weekly = c.cost_per_member_year / 52.0;
        let s = scale(c.annual_budget_cap, weekly * plan.registered);
        lv.paid_discount = c.discount * s;
        lv.merchant_member_weekly = weekly * s;
    }
    lv
}
