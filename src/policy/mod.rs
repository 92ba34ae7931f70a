//! Where policies plug into the weekly step.
//!
//! [`Levers`] holds the quantities the step reads that policies change. The
//! baseline ([`Levers::default`]) is neutral: every factor 1, every addition 0,
//! every switch off. The policy tables of a scenario (the policies issue) are
//! turned into `Levers`; the step never reads policy tables directly.

/// Policy-controlled quantities read by the weekly step.
#[derive(Debug, Clone, PartialEq)]
pub struct Levers {
    /// care_subsidy: weekly voucher (yuan) for each grade-1 elder, spent only on paid services.
    pub voucher_weekly: f64,
    /// student_credits: factor on each student's weekly hours.
    pub student_hours_factor: f64,
    /// student_credits: factor on students' weekly attrition.
    pub student_attrition_factor: f64,
    /// student_credits: factor on yearly recruitment.
    pub student_recruit_factor: f64,
    /// activity_programme: extra activity sessions per community per week.
    pub extra_sessions: f64,
    /// counselling: one-hour sessions per community per week, for registered grade-2 elders.
    pub counselling_sessions: f64,
    /// counselling: fall in loneliness (absolute) per session.
    pub counselling_relief: f64,
    /// info_platform: unmet requests visible to willing helpers anywhere in the community.
    pub platform: bool,
    /// info_platform: factor on the outreach (registration) rate.
    pub outreach_factor: f64,
    /// supervision: added to the contract's delivery ratio (capped at 1).
    pub delivery_ratio_add: f64,
    /// public_funding: factor on the contract budget.
    pub budget_factor: f64,
    /// merchant_alliance: discount on paid services (share of the price).
    pub paid_discount: f64,
}

impl Default for Levers {
    fn default() -> Self {
        Levers {
            voucher_weekly: 0.0,
            student_hours_factor: 1.0,
            student_attrition_factor: 1.0,
            student_recruit_factor: 1.0,
            extra_sessions: 0.0,
            counselling_sessions: 0.0,
            counselling_relief: 0.0,
            platform: false,
            outreach_factor: 1.0,
            delivery_ratio_add: 0.0,
            budget_factor: 1.0,
            paid_discount: 0.0,
        }
    }
}
