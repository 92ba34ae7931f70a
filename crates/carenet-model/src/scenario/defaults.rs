//! Default values: the Wutong Street scenario. `scenarios/wutong.toml` states the
//! same values explicitly (a test checks that the two agree); docs/parameters.md
//! gives the source of each or marks it as an assumption.

use super::types::*;

impl Default for Scenario {
    fn default() -> Self {
        Scenario {
            name: "wutong".into(),
            description: "Wutong Street, High-tech Zone, Zhengzhou: 14 communities, baseline".into(),
            simulation: Simulation::default(),
            population: Population::default(),
            community_types: CommunityTypes::default(),
            needs: Needs::default(),
            health: Health::default(),
            loneliness: Loneliness::default(),
            willingness: Willingness::default(),
            ties: Ties::default(),
            case_management: CaseManagement::default(),
            students: Students::default(),
            party_members: PartyMembers::default(),
            mutual_aid: MutualAid::default(),
            social_workers: SocialWorkers::default(),
            paid_services: PaidServices::default(),
            activities: Activities::default(),
            inflow: Inflow::default(),
            metrics: Metrics::default(),
            policies: Policies::default(),
            reference: Reference::default(),
            packages: default_packages(),
            uncertainty: default_uncertainty(),
            streets: vec![Street::default()],
        }
    }
}

impl Default for Simulation {
    fn default() -> Self {
        Simulation { seed: 20240611, weeks: 260, reps: 20, start_week_of_year: 1 }
    }
}

impl Default for Population {
    fn default() -> Self {
        Population {
            age_mix: [0.56, 0.30, 0.14],
            max_initial_age: 100.0,
            male_share: 0.48,
            state_mix_60_69: [0.84, 0.10, 0.04, 0.02],
            state_mix_70_79: [0.68, 0.17, 0.09, 0.06],
            state_mix_80_plus: [0.42, 0.24, 0.18, 0.16],
        }
    }
}

impl Default for CommunityTypes {
    fn default() -> Self {
        CommunityTypes {
            commercial_estate: TypeParams {
                lives_alone_share: 0.20,
                no_family_share: 0.30,
                family_hours_alone: 4.0,
                family_hours_with_family: 14.0,
                income_mix: [0.20, 0.50, 0.30],
                loneliness_mean: 0.27,
                willingness_mean: 0.35,
                awareness: 0.35,
                paid_hours_per_100: 40.0,
                activity_sessions: 2.0,
                network: NetworkParams {
                    building_size: 60.0,
                    building_degree: 3.0,
                    across_degree: 0.5,
                    kin_share: 0.0,
                    kin_cluster_size: 6.0,
                    kin_degree: 0.0,
                    kin_colocation: 1.0,
                    kin_strength: 0.6,
                    neighbour_strength: 0.4,
                    newcomer_degree: 3.0,
                },
            },
            village: TypeParams {
                lives_alone_share: 0.10,
                no_family_share: 0.10,
                family_hours_alone: 6.0,
                family_hours_with_family: 20.0,
                income_mix: [0.55, 0.38, 0.07],
                loneliness_mean: 0.32,
                willingness_mean: 0.50,
                awareness: 0.50,
                paid_hours_per_100: 8.0,
                activity_sessions: 1.0,
                network: NetworkParams {
                    building_size: 60.0,
                    building_degree: 4.0,
                    across_degree: 2.0,
                    kin_share: 0.8,
                    kin_cluster_size: 8.0,
                    kin_degree: 5.0,
                    kin_colocation: 0.9,
                    kin_strength: 0.7,
                    neighbour_strength: 0.45,
                    newcomer_degree: 8.0,
                },
            },
            village_to_residence: TypeParams {
                lives_alone_share: 0.14,
                no_family_share: 0.15,
                family_hours_alone: 5.0,
                family_hours_with_family: 16.0,
                income_mix: [0.45, 0.45, 0.10],
                loneliness_mean: 0.31,
                willingness_mean: 0.30,
                awareness: 0.30,
                paid_hours_per_100: 20.0,
                activity_sessions: 1.0,
                network: NetworkParams {
                    building_size: 50.0,
                    building_degree: 2.5,
                    across_degree: 0.8,
                    kin_share: 0.6,
                    kin_cluster_size: 6.0,
                    kin_degree: 3.0,
                    kin_colocation: 0.2,
                    kin_strength: 0.55,
                    neighbour_strength: 0.35,
                    newcomer_degree: 4.0,
                },
            },
        }
    }
}

impl Default for Needs {
    fn default() -> Self {
        Needs {
            help_probability: [0.15, 0.6, 0.9, 1.0],
            help_hours: [1.5, 3.0, 8.0, 16.0],
            companionship_hours: [3.0, 2.5, 1.0],
            companionship_loneliness_factor: 1.0,
        }
    }
}

impl Default for Transition {
    fn default() -> Self {
        Transition { annual_at_60: 0.0, age_slope: 0.0 }
    }
}

fn tr(annual_at_60: f64, age_slope: f64) -> Transition {
    Transition { annual_at_60, age_slope }
}

impl Default for Health {
    fn default() -> Self {
        Health {
            independent_to_iadl: tr(0.014, 0.075),
            independent_to_semi: tr(0.010, 0.08),
            iadl_to_independent: tr(0.25, -0.04),
            iadl_to_semi: tr(0.04, 0.06),
            semi_to_iadl: tr(0.45, -0.03),
            semi_to_disabled: tr(0.05, 0.05),
            disabled_to_semi: tr(0.04, -0.055),
            mortality_at_60: 0.0068,
            mortality_slope: 0.08,
            mortality_state_ratio: [1.0, 1.5, 3.0, 5.0],
            unmet_help_hazard_ratio: 1.5,
            loneliness_hazard_ratio: 1.6,
            unmet_memory: 0.1,
            max_annual_probability: 0.95,
        }
    }
}

impl Default for Loneliness {
    fn default() -> Self {
        Loneliness {
            severe_threshold: 0.75,
            moderate_threshold: 0.45,
            rise_weekly: 0.02,
            fall_weekly: 0.02,
            baseline_pull_weekly: 0.05,
            shock_sd: 0.03,
            initial_concentration: 6.0,
        }
    }
}

impl Default for Willingness {
    fn default() -> Self {
        Willingness {
            drift_weekly: 0.01,
            reciprocity_gain: 0.02,
            activity_gain: 0.01,
            recognition_gain_per_hour: 0.002,
            overload_loss: 0.03,
            overload_hours: 2.5,
            initial_concentration: 6.0,
        }
    }
}

impl Default for Ties {
    fn default() -> Self {
        Ties {
            visit_weekly: 0.3,
            visit_hours: 1.0,
            interaction_gain: 0.1,
            decay_weekly: 0.004,
            drop_below: 0.05,
            active_threshold: 0.15,
            triadic_weekly: 0.002,
            coattendance_tie: 0.05,
            new_tie_strength: 0.2,
            max_ties: 40,
        }
    }
}

impl Default for CaseManagement {
    fn default() -> Self {
        CaseManagement { initial_registered_share: 0.5, outreach_weekly: [0.03, 0.015, 0.005], grade_priority: true }
    }
}

impl Default for Students {
    fn default() -> Self {
        Students {
            hours_per_week: 2.0,
            attrition_weekly: 0.005,
            graduation_share: 0.25,
            graduation_week: 26,
            recruitment_week: 37,
            spring_term: [9, 26],
            autumn_term: [37, 2],
        }
    }
}

impl Default for PartyMembers {
    fn default() -> Self {
        PartyMembers { per_1000_elders: 15.0, hours_per_month: 4.0 }
    }
}

impl Default for MutualAid {
    fn default() -> Self {
        MutualAid { helper_threshold: 0.5, hours_per_week: 3.0, ask_probability: 0.6 }
    }
}

impl Default for SocialWorkers {
    fn default() -> Self {
        SocialWorkers { cost_per_hour: 60.0, delivery_ratio: 0.7, direct_share: 0.6 }
    }
}

impl Default for PaidServices {
    fn default() -> Self {
        PaidServices { price_per_hour: 35.0, weekly_budget: [15.0, 60.0, 200.0] }
    }
}

impl Default for Activities {
    fn default() -> Self {
        Activities { capacity: 20, session_hours: 2.0, attend_probability: 0.5 }
    }
}

impl Default for Reference {
    fn default() -> Self {
        Reference {
            need_probability: [0.5, 0.25, 0.08],
            need_hours: [4.0, 2.0, 1.0],
            helper_threshold: 0.5,
            hours_per_week: 3.0,
            ask_probability: 0.6,
            worsen: [0.0015, 0.003, 0.003, 0.0],
            recover: [0.0, 0.004, 0.002, 0.001],
            death: [0.0004, 0.0008, 0.0015, 0.003],
            unmet_hazard_ratio: 1.5,
            loneliness_hazard_ratio: 1.6,
            rise: 0.02,
            fall: 0.02,
            pull: 0.05,
            shock_sd: 0.03,
            moderate_threshold: 0.45,
            severe_threshold: 0.75,
            awareness: 0.6,
            drift: 0.01,
            reciprocity: 0.02,
            recognition: 0.002,
            overload_hours: 2.5,
            overload_loss: 0.03,
            interaction_gain: 0.1,
            decay: 0.004,
        }
    }
}

impl Default for Inflow {
    fn default() -> Self {
        Inflow { annual_rate: 0.06 }
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics { isolation_weeks: 4, few_ties: 3, network_every: 13, summary_window: 52 }
    }
}

fn community(name: &str, kind: CommunityType, elders: u32) -> Community {
    Community { name: name.into(), kind, elders }
}

impl Default for Street {
    fn default() -> Self {
        use CommunityType::*;
        Street {
            name: "wutong".into(),
            contract_budget: 1_000_000.0,
            students: 200,
            student_recruits: 80,
            count: 1,
            communities: vec![
                community("chunteng", CommercialEstate, 1100),
                community("yulanjie", CommercialEstate, 1000),
                community("estate_3", CommercialEstate, 950),
                community("estate_4", CommercialEstate, 1050),
                community("estate_5", CommercialEstate, 900),
                community("estate_6", CommercialEstate, 1000),
                community("estate_7", CommercialEstate, 1000),
                community("estate_8_unlisted", CommercialEstate, 950),
                community("qinzhuang", Village, 800),
                community("lanzhai", Village, 750),
                community("walii", VillageToResidence, 1100),
                community("guozhuang", VillageToResidence, 1050),
                community("resettlement_3", VillageToResidence, 1000),
                community("resettlement_4", VillageToResidence, 1000),
            ],
        }
    }
}

/// Names of the levers, in the order of [`Policies`].
pub const LEVER_NAMES: [&str; 9] = [
    "care_subsidy",
    "student_credits",
    "activity_programme",
    "counselling",
    "time_bank",
    "info_platform",
    "supervision",
    "public_funding",
    "merchant_alliance",
];

/// `baseline`, each lever alone, and `study_package` (the study's three paths together).
pub fn default_packages() -> std::collections::BTreeMap<String, Vec<String>> {
    let mut p = std::collections::BTreeMap::new();
    p.insert("baseline".to_string(), Vec::new());
    for l in LEVER_NAMES {
        p.insert(l.to_string(), vec![l.to_string()]);
    }
    p.insert("study_package".to_string(), LEVER_NAMES.iter().map(|l| l.to_string()).collect());
    p
}

impl Default for CareSubsidy {
    fn default() -> Self {
        CareSubsidy { monthly_voucher: 500.0, start_week: 0, end_week: 0, annual_budget_cap: 0.0 }
    }
}

impl Default for StudentCredits {
    fn default() -> Self {
        StudentCredits {
            recruit_factor: 1.5,
            hours_factor: 1.5,
            attrition_factor: 0.5,
            admin_per_student_year: 300.0,
            start_week: 0,
            end_week: 0,
            annual_budget_cap: 0.0,
        }
    }
}

impl Default for ActivityProgramme {
    fn default() -> Self {
        ActivityProgramme {
            sessions_per_week: 3.0,
            loneliness_relief: 0.02,
            willingness_gain: 0.01,
            cost_per_session: 300.0,
            start_week: 0,
            end_week: 0,
            annual_budget_cap: 0.0,
        }
    }
}

impl Default for Counselling {
    fn default() -> Self {
        Counselling {
            sessions_per_week: 5.0,
            loneliness_relief: 0.05,
            cost_per_session: 200.0,
            start_week: 0,
            end_week: 0,
            annual_budget_cap: 0.0,
        }
    }
}

impl Default for TimeBank {
    fn default() -> Self {
        TimeBank {
            membership_share: 0.3,
            willingness_gain_per_hour: 0.02,
            max_balance_hours: 1500.0,
            admin_per_hour: 2.0,
            start_week: 0,
            end_week: 0,
            annual_budget_cap: 0.0,
        }
    }
}

impl Default for InfoPlatform {
    fn default() -> Self {
        InfoPlatform {
            outreach_factor: 2.0,
            annual_cost: 200_000.0,
            start_week: 0,
            end_week: 0,
            annual_budget_cap: 0.0,
        }
    }
}

impl Default for Supervision {
    fn default() -> Self {
        Supervision {
            delivery_ratio_gain: 0.15,
            annual_cost: 60_000.0,
            start_week: 0,
            end_week: 0,
            annual_budget_cap: 0.0,
        }
    }
}

impl Default for PublicFunding {
    fn default() -> Self {
        PublicFunding { budget_factor: 1.5, start_week: 0, end_week: 0, annual_budget_cap: 0.0 }
    }
}

impl Default for MerchantAlliance {
    fn default() -> Self {
        MerchantAlliance {
            discount: 0.15,
            cost_per_member_year: 20.0,
            start_week: 0,
            end_week: 0,
            annual_budget_cap: 0.0,
        }
    }
}

/// Ranges of the behavioural assumptions that matter most for the study's claims.
pub fn default_uncertainty() -> std::collections::BTreeMap<String, [f64; 2]> {
    [
        ("ties.visit_weekly", [0.15, 0.45]),
        ("ties.decay_weekly", [0.002, 0.006]),
        ("ties.triadic_weekly", [0.0, 0.004]),
        ("mutual_aid.ask_probability", [0.3, 0.9]),
        ("mutual_aid.helper_threshold", [0.35, 0.65]),
        ("mutual_aid.hours_per_week", [2.0, 4.0]),
        ("willingness.drift_weekly", [0.005, 0.02]),
        ("willingness.reciprocity_gain", [0.0, 0.04]),
        ("loneliness.rise_weekly", [0.01, 0.04]),
        ("loneliness.baseline_pull_weekly", [0.03, 0.08]),
        ("health.unmet_help_hazard_ratio", [1.0, 2.5]),
        ("health.loneliness_hazard_ratio", [1.0, 2.0]),
        ("paid_services.price_per_hour", [25.0, 50.0]),
        ("social_workers.delivery_ratio", [0.5, 0.9]),
        ("social_workers.cost_per_hour", [40.0, 80.0]),
        ("students.hours_per_week", [1.0, 3.0]),
        ("community_types.village_to_residence.awareness", [0.2, 0.45]),
        ("community_types.village.awareness", [0.4, 0.6]),
        ("willingness.overload_loss", [0.0, 0.06]),
        ("policies.time_bank.membership_share", [0.1, 0.5]),
        ("policies.time_bank.willingness_gain_per_hour", [0.0, 0.04]),
    ]
    .into_iter()
    .map(|(k, r)| (k.to_string(), r))
    .collect()
}
