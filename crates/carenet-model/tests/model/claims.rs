//! The claims file against the study's text, and the claims driver on a small
//! scenario: the emergent share, spillovers, equal cost, robustness draws and
//! alternative structures.

use carenet_model::experiment::RunConfig;
use carenet_model::experiment::reproduce::structures::structures;
use carenet_model::experiment::reproduce::{
    Claims, DEFAULT_CLAIMS, ReproduceConfig, hypercube_scenarios, misquoted, reproduce,
};
use carenet_model::scenario::load::load_default;

use crate::support::small_scenario;

/// The study's text (CC BY 4.0), as committed in the repository.
const STUDY: &str = include_str!("../../../../docs/study/liang-li-2024.txt");

#[test]
fn every_quote_is_the_studys_own_words() {
    let s = load_default().scenario;
    let claims = Claims::parse(DEFAULT_CLAIMS, "claims.toml", &s).unwrap();
    assert_eq!(misquoted(&claims, STUDY), Vec::<&str>::new(), "quotes not found in the study");
    let count = |k: &str| claims.claims.iter().filter(|c| c.kind == k).count();
    assert!(count("diagnosis") >= 3, "at least three diagnoses");
    assert!(count("remedy") >= 5, "at least five remedies");
    // The time bank is the literature's, never the study's own.
    for c in &claims.claims {
        if c.treatment.package.as_deref() == Some("time_bank") || c.treatment.levers.iter().any(|l| l == "time_bank") {
            assert_eq!(c.kind, "literature", "{}: the time bank is not the study's remedy", c.id);
            assert!(c.statement_en.contains("NOT THE STUDY'S CLAIM"), "{}", c.id);
        }
        assert!(!c.section.starts_with('5'), "{}: §5 makes no claim", c.id);
        assert!(c.sesoi > 0.0 && !c.sesoi_reason.is_empty() && !c.mechanism.is_empty(), "{}", c.id);
    }
    // The check is strict: a paraphrase of the old file is not found.
    let paraphrase = DEFAULT_CLAIMS.replacen("老年人之间缺乏互助的养老观念", "老人比行政村更孤立", 1);
    let bad = Claims::parse(&paraphrase, "x", &s).unwrap();
    assert_eq!(misquoted(&bad, STUDY), vec!["D4"]);
    // Line breaks and spaces inside a quote are ignored (the extracted text breaks sentences).
    let spaced = DEFAULT_CLAIMS.replacen("老年人之间缺乏互助的养老观念", "老年人之间缺乏\n 互助的养老观念", 1);
    let spaced = spaced.replacen("quote_zh = \"老年人之间缺乏\n 互助", "quote_zh = \"老年人之间缺乏\\n 互助", 1);
    assert!(misquoted(&Claims::parse(&spaced, "x", &s).unwrap(), STUDY).is_empty());
}

#[test]
fn bad_claims_are_clear_errors() {
    let s = load_default().scenario;
    let e = |text: String| Claims::parse(&text, "c.toml", &s).unwrap_err().to_string();
    assert!(
        e(DEFAULT_CLAIMS.replacen("kind = \"diagnosis\"", "kind = \"diagnose\"", 1)).contains("allowed: diagnosis")
    );
    assert!(e(DEFAULT_CLAIMS.replacen("sesoi = 0.002", "sesoi = 0.0", 1)).contains("sesoi = 0"));
    let mech = e(DEFAULT_CLAIMS.replacen("\"willingness.drift_weekly\" = 0.0", "\"willingness.drift_weeky\" = 0.0", 1));
    assert!(mech.contains("D4") && mech.contains("drift_weeky"), "{mech}");
    let lever = e(DEFAULT_CLAIMS.replacen("levers = [\"care_subsidy\",", "levers = [\"care_subsidies\",", 1));
    assert!(lever.contains("care_subsidies") && lever.contains("care_subsidy"), "{lever}");
    let eq = e(DEFAULT_CLAIMS.replacen(
        "dose = \"policies.care_subsidy.monthly_voucher\"",
        "dose = \"policies.care_subsidy.voucher\"",
        1,
    ));
    assert!(eq.contains("equal_cost"), "{eq}");
}

/// Claims for the driver test, on a small scenario from its synthetic start.
const TEST_CLAIMS: &str = r#"
[[claim]]
id = "TB"
kind = "literature"
section = "1"
quote_zh = "时间银行"
statement_en = "The time bank raises mutual aid."
compares = "time_bank against the baseline"
metric = "mutual_aid_hours"
expected = "higher"
sesoi = 0.0001
sesoi_reason = "test"
mechanism = { "policies.time_bank.willingness_gain_per_hour" = 0.0 }
treatment = { package = "time_bank" }
reference = {}

[[claim]]
id = "ACT"
kind = "remedy"
section = "4.2"
quote_zh = "老年人活动"
statement_en = "Activities lower isolation."
compares = "activity_programme against the baseline"
metric = "isolation_rate"
expected = "lower"
sesoi = 0.0001
sesoi_reason = "test"
mechanism = { "policies.activity_programme.loneliness_relief" = 0.0 }
treatment = { package = "activity_programme" }
reference = {}

[[claim]]
id = "EQ"
kind = "remedy"
section = "abstract"
quote_zh = "只有"
statement_en = "The paths together against more public funding at equal cost."
compares = "three levers against public funding scaled to their cost"
metric = "unmet_help_rate"
expected = "lower"
sesoi = 0.001
sesoi_reason = "test"
mechanism = { "policies.care_subsidy.monthly_voucher" = 0.0 }
treatment = { levers = ["care_subsidy", "activity_programme", "public_funding"] }
reference = { package = "public_funding" }
equal_cost = { dose = "policies.public_funding.budget_factor", zero_cost_dose = 1.0 }
"#;

#[test]
fn the_driver_measures_emergent_share_spillovers_equal_cost_and_structures() {
    let mut s = small_scenario(150);
    s.simulation.burn_in_weeks = 26;
    let claims = Claims::parse(TEST_CLAIMS, "test", &s).unwrap();
    let run = RunConfig { reps: 4, seed: 11, weeks: 52, threads: Some(2) };
    let cfg = ReproduceConfig {
        draws: hypercube_scenarios(&s, 2, 11).unwrap(),
        draws_label: "test".into(),
        robust_reps: 2,
        structures: structures("case_management.grade_priority=false", "case_management.").unwrap(),
        run,
    };
    let r = reproduce(&s, &claims, &cfg, &|| {}).unwrap();
    let (tb, act, eq) = (&r[0], &r[1], &r[2]);

    // The time bank's mutual aid is its willingness gain: with the gain off, nothing is left.
    assert!(tb.effect.mean > 0.0, "{:?}", tb.effect);
    assert!(
        tb.emergent_share.abs() < 0.15,
        "time bank share {} ({:?} / {:?})",
        tb.emergent_share,
        tb.neutral_effect,
        tb.effect
    );
    // Activities lower isolation through attendance and ties, not through the loneliness relief.
    assert!(act.effect.mean < 0.0, "{:?}", act.effect);
    assert!(act.emergent_share > 0.5, "activity share {}", act.emergent_share);

    // Spillovers: remedies only; three grades, the other types, and the cost.
    assert!(tb.spillovers.is_empty(), "literature has no spillover rows");
    let groups: Vec<&str> = act.spillovers.iter().map(|s| s.group.as_str()).collect();
    assert_eq!(groups, ["grade1", "grade2", "grade3", "commercial_estate", "village", "village_to_residence", "all"]);
    let cost = act.spillovers.last().unwrap();
    assert!(cost.verdict.is_none() && cost.effect.mean > 0.0, "the programme costs money: {:?}", cost.effect);
    let eq_groups: Vec<&str> = eq.spillovers.iter().map(|s| s.group.as_str()).collect();
    assert_eq!(eq_groups[..3], ["grade1", "grade2", "grade3"], "unmet_help_rate: every grade is a spillover");

    // Equal cost: the contract's extra budget is scaled up to the package's cost, and
    // the scaled lever then costs what the package costs (its cost is linear in the dose).
    let e = eq.equal_cost.as_ref().unwrap();
    assert_eq!(e.dose_default, 1.5);
    assert!(e.dose_scaled > e.dose_default, "{e:?}");
    assert!(e.cost_treatment > e.cost_reference_default, "{e:?}");
    let gap = (e.cost_reference_scaled - e.cost_treatment).abs() / e.cost_treatment;
    assert!(gap < 0.05, "scaled cost {} vs package {}", e.cost_reference_scaled, e.cost_treatment);

    // Robustness and structures were run for every claim.
    for x in &r {
        assert!((0.0..=1.0).contains(&x.robust_share), "{}", x.claim.id);
        assert_eq!(x.structures.len(), 1);
        assert_eq!(x.structures[0].0, "case_management.grade_priority=false");
        assert!(x.structures_survived().is_some());
    }
    // Same seeds, same results.
    let again =
        reproduce(&s, &claims, &ReproduceConfig { draws: Vec::new(), structures: Vec::new(), ..cfg }, &|| {}).unwrap();
    assert_eq!(again[1].effect, act.effect);
}
