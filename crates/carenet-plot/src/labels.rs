//! Human labels: the one table of the words the plots and the report show for the names of
//! packages, metrics and community types (no snake_case in an image or a heading). A name the
//! table does not know (a package of the user's own scenario, say) is shown with its
//! underscores as spaces.
//!
//! ```
//! use carenet_plot::labels::{metric, package};
//! assert_eq!(package("student_credits"), "student volunteer credits");
//! assert_eq!(package("my_own_mix"), "my own mix");
//! assert_eq!(metric("unmet_help_hours_per_year"), "unmet help hours per year");
//! ```

/// The packages of the built-in scenarios (one lever each, the baseline and the study's
/// package; see `scenarios/wutong.toml`).
const PACKAGES: &[(&str, &str)] = &[
    ("baseline", "baseline"),
    ("care_subsidy", "care subsidy"),
    ("student_credits", "student volunteer credits"),
    ("activity_programme", "activity programme"),
    ("counselling", "counselling"),
    ("time_bank", "time bank"),
    ("info_platform", "information platform"),
    ("supervision", "supervision"),
    ("public_funding", "public funding"),
    ("merchant_alliance", "merchant alliance"),
    ("study_package", "study package (all nine levers)"),
];

/// Metrics (of `carenet_model::metrics::METRICS` and the comparison's cost metrics) whose
/// label is more than their name with spaces.
const METRICS: &[(&str, &str)] = &[
    ("isolation_rate", "isolation rate"),
    ("few_ties_rate", "share with few ties"),
    ("loneliness_mean", "mean loneliness (0–1)"),
    ("lonely_share", "share lonely"),
    ("unmet_help_rate", "unmet help rate"),
    ("unmet_companionship_rate", "unmet companionship rate"),
    ("unmet_help_rate_grade1", "unmet help rate of grade-1 elders"),
    ("unmet_help_rate_grade2", "unmet help rate of grade-2 elders"),
    ("unmet_help_rate_grade3", "unmet help rate of grade-3 elders"),
    ("loneliness_mean_grade1", "mean loneliness of grade-1 elders"),
    ("loneliness_mean_grade2", "mean loneliness of grade-2 elders"),
    ("loneliness_mean_grade3", "mean loneliness of grade-3 elders"),
    ("mutual_aid_hours", "hours of help from neighbours per elder-week"),
    ("paid_hours", "hours of paid care per elder-week"),
    ("social_worker_hours", "social-worker hours per elder-week"),
    ("paid_yuan_per_elder_week", "private spending per elder-week (¥)"),
    ("public_yuan_per_elder_week", "public spending per elder-week (¥)"),
    ("policy_yuan_per_elder_week", "policy spending per elder-week (¥)"),
    ("grade1_underserved_rate", "grade-1 elders underserved"),
    ("grade1_share", "grade-1 share"),
    ("grade2_share", "grade-2 share"),
    ("grade3_share", "grade-3 share"),
    ("mutual_aid_share", "share of help from neighbours"),
    ("deaths_per_1000_per_year", "deaths per 1,000 elder-years"),
    ("cost_total_yuan", "cost per year (¥)"),
    ("unmet_help_hours_per_year", "unmet help hours per year"),
    ("isolated_elders", "isolated elders"),
    ("cost_per_unmet_hour_averted", "¥ per unmet hour averted"),
    ("cost_per_isolated_elder_averted", "¥ per isolated elder averted"),
    ("mean_degree", "mean ties per elder"),
    ("clustering", "clustering of ties"),
    ("giant_component_share", "share in the largest tie component"),
    ("time_bank_outstanding_hours", "time-bank hours held per elder"),
];

/// A name with its underscores as spaces.
pub fn words(name: &str) -> String {
    name.replace('_', " ")
}

/// Markdown text as plain words: a code span (a metric's or key's name) becomes its label,
/// asterisks and underscores of emphasis go.
pub fn plain(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    for (i, part) in markdown.split('`').enumerate() {
        if i % 2 == 1 {
            out.push_str(&if part.contains('.') { key(part) } else { metric(part) });
        } else {
            let words: Vec<&str> = part.split(' ').map(|w| w.trim_matches(['_', '*'])).collect();
            out.push_str(&words.join(" ").replace('*', ""));
        }
    }
    out
}

/// The label of a package.
pub fn package(name: &str) -> String {
    PACKAGES.iter().find(|(n, _)| *n == name).map(|(_, l)| l.to_string()).unwrap_or_else(|| words(name))
}

/// The label of a metric.
pub fn metric(name: &str) -> String {
    METRICS.iter().find(|(n, _)| *n == name).map(|(_, l)| l.to_string()).unwrap_or_else(|| words(name))
}

/// The label of a parameter's dotted key: its last part in words, then where it is
/// (`ties.decay_weekly` → `decay weekly (ties)`).
pub fn key(name: &str) -> String {
    match name.rsplit_once('.') {
        Some((head, last)) => format!("{} ({})", words(last), words(head).replace('.', " › ")),
        None => words(name),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_label_is_free_of_snake_case_and_markup() {
        for (_, l) in PACKAGES.iter().chain(METRICS) {
            assert!(!l.contains('_') && !l.contains('`'), "{l}");
        }
        assert_eq!(key("ties.decay_weekly"), "decay weekly (ties)");
        assert_eq!(key("policies.care_subsidy.monthly_voucher"), "monthly voucher (policies › care subsidy)");
        assert_eq!(metric("time_bank_cover_weeks"), "time bank cover weeks");
        assert_eq!(plain("more `unmet_help_rate` in *villages*, _really_"), "more unmet help rate in villages, really");
    }
}
