//! Phase 5, continued: loneliness, willingness to help and grades of the live
//! elders; each elder is then counted for observation as it stands at the end
//! of the week.

use super::Model;
use super::observe::Obs;
use crate::policy::Levers;
use crate::scenario::types::{LonelinessStructure, WillingnessStructure};
use crate::streams::unit24;
use crate::world::{Community, PAIR_NONE, grade_of};

/// Updates loneliness (unmet companionship, pull to the elder's baseline, a
/// shock), willingness (drift to awareness, reciprocity, activity,
/// recognition, time-bank credit, overload) and the grade of every live
/// elder, in slot order, in the formulations `structure.loneliness` and
/// `structure.willingness` choose. The shocks are the odd words of the draw made by
/// [`super::health::health`] (still in `c.words`). Returns the week's
/// end-of-week counts so far (inflow adds the newcomers).
pub fn wellbeing(c: &mut Community, m: &Model, lv: &Levers, wk: i32) -> Obs {
    let st = &m.scenario.structure;
    if st.willingness == WillingnessStructure::Norms {
        norm_means(c);
    }
    // The formulations are chosen once per community-week: one loop each.
    use LonelinessStructure::{Accumulating, Anchored};
    use WillingnessStructure::{Logistic, Norms, Threshold};
    match (st.loneliness, st.willingness) {
        (Anchored, Threshold) => update::<ANCHORED, THRESHOLD>(c, m, lv, wk),
        (Anchored, Logistic) => update::<ANCHORED, LOGISTIC>(c, m, lv, wk),
        (Anchored, Norms) => update::<ANCHORED, NORMS>(c, m, lv, wk),
        (Accumulating, Threshold) => update::<ACCUMULATING, THRESHOLD>(c, m, lv, wk),
        (Accumulating, Logistic) => update::<ACCUMULATING, LOGISTIC>(c, m, lv, wk),
        (Accumulating, Norms) => update::<ACCUMULATING, NORMS>(c, m, lv, wk),
    }
}

const ANCHORED: u8 = 0;
const ACCUMULATING: u8 = 1;
const THRESHOLD: u8 = 0;
const LOGISTIC: u8 = 1;
const NORMS: u8 = 2;

/// `norms`: each live elder's tie-strength-weighted mean of their neighbours'
/// willingness at the start of the phase (the awareness target's stand-in,
/// NaN without ties), into `c.norm_mean`.
fn norm_means(c: &mut Community) {
    let (g, e) = (&c.graph, &c.elders);
    let n = e.len();
    c.norm_mean.clear();
    c.norm_mean.resize(n, f32::NAN);
    for i in 0..n {
        if !e.alive[i] {
            continue;
        }
        let (mut sw, mut s) = (0f32, 0f32);
        for p in g.row(i) {
            let (j, tie) = g.entry(p);
            let w = g.strength(tie as usize);
            sw += w * e.willingness[j as usize];
            s += w;
        }
        if s > 0.0 {
            c.norm_mean[i] = sw / s;
        }
    }
}

/// The logistic function.
#[inline(always)]
fn sigmoid(z: f32) -> f32 {
    1.0 / (1.0 + (-z).exp())
}

/// One pass over the live elders with loneliness formulation `L` and
/// willingness formulation `W` (docs/model.md §7).
#[inline(never)]
fn update<const L: u8, const W: u8>(c: &mut Community, m: &Model, lv: &Levers, wk: i32) -> Obs {
    let s = &m.scenario;
    let (lo, wi) = (&s.loneliness, &s.willingness);
    let awareness = s.community_types.get(c.kind).awareness as f32;
    let moderate = lo.moderate_threshold as f32;
    let severe = lo.severe_threshold as f32;
    let (rise, fall, base_pull) = (lo.rise_weekly as f32, lo.fall_weekly as f32, lo.baseline_pull_weekly as f32);
    let shock_scale = (lo.shock_sd * 3f64.sqrt()) as f32;
    let (drift, reciprocity, activity_gain) =
        (wi.drift_weekly as f32, wi.reciprocity_gain as f32, wi.activity_gain as f32);
    let (recognition, tb_gain) = (wi.recognition_gain_per_hour as f32, lv.time_bank_gain as f32);
    let (overload_hours, overload_loss) = (wi.overload_hours as f32, wi.overload_loss as f32);
    let e = &mut c.elders;
    let n = e.len();
    let alive = &e.alive[..n];
    let grade = &mut e.grade[..n];
    let state = &e.state[..n];
    let age_weeks = &e.age_weeks[..n];
    let helped = &e.helped[..n];
    let comp_need = &e.comp_need[..n];
    let comp_left = &e.comp_left[..n];
    let loneliness = &mut e.loneliness[..n];
    let loneliness_base = &e.loneliness_base[..n];
    let willingness = &mut e.willingness[..n];
    let last_contact = &e.last_contact[..n];
    let got_neighbour_help = &e.got_neighbour_help[..n];
    let attended = &e.attended[..n];
    let banked = &e.banked[..n];
    let lives_alone = &e.lives_alone[..n];
    let registered = &e.registered[..n];
    let pair_kind = &e.pair_kind[..n];
    let words = &c.words[..2 * n];
    let norm_mean = &c.norm_mean[..if W == NORMS { n } else { 0 }];
    let (norm_w, aware_logit) = (wi.norm_weight as f32, (awareness / (1.0 - awareness)).ln());
    let (b_health, b_lonely, b_recip) =
        (wi.logistic_health as f32, wi.logistic_loneliness as f32, wi.logistic_reciprocity as f32);
    let mut o = Obs::new(m, wk);
    for i in 0..n {
        if !alive[i] {
            continue;
        }
        // Loneliness: rises with unmet companionship; is pulled back toward the
        // elder's own baseline, faster with companionship received; plus a shock.
        let cn = comp_need[i];
        let unmet_c = if cn > 0.0 { comp_left[i] / cn } else { 0.0 };
        let met_c = if cn > 0.0 { 1.0 - unmet_c } else { f32::from(last_contact[i] == wk) };
        let l = loneliness[i];
        // Shock with mean 0 and sd shock_sd: uniform on [−√3, √3] × shock_sd.
        let shock = (2.0 * unit24(words[2 * i + 1]) - 1.0) * shock_scale;
        let nl = if L == ACCUMULATING {
            // No baseline: builds with unmet companionship, ebbs only with
            // companionship received (Fontanari 2021).
            l + rise * unmet_c * (1.0 - l) - fall * met_c * l + shock
        } else {
            let pull = base_pull + fall * met_c;
            l + rise * unmet_c * (1.0 - l) + pull * (loneliness_base[i] - l) + shock
        };
        let nl = nl.clamp(0.0, 1.0);
        loneliness[i] = nl;

        // Willingness: drift to awareness, reciprocity, activity, recognition, overload.
        let w = willingness[i];
        let mut nw;
        if W == LOGISTIC {
            // Drift toward a propensity of own health, loneliness and help received.
            let received = f32::from(u8::from(got_neighbour_help[i] | attended[i]));
            let z = aware_logit - b_health * f32::from(state[i]) - b_lonely * nl + b_recip * received;
            nw = w + drift * (sigmoid(z) - w);
        } else {
            let target = if W == NORMS && !norm_mean[i].is_nan() {
                // Norms spread over ties: toward the neighbours' mean.
                (1.0 - norm_w) * awareness + norm_w * norm_mean[i]
            } else {
                awareness
            };
            nw = w + drift * (target - w);
            if got_neighbour_help[i] {
                nw += reciprocity;
            }
            if attended[i] {
                nw += activity_gain;
            }
        }
        nw += recognition * helped[i];
        // Time-bank credit raises the willingness of the helpers who bank hours.
        nw += tb_gain * banked[i] * (1.0 - w);
        if helped[i] > overload_hours {
            nw -= overload_loss;
        }
        willingness[i] = nw.clamp(0.0, 1.0);
        let st = state[i];
        let gr = grade_of(st, lives_alone[i], nl, moderate, severe);
        grade[i] = gr;
        o.add(gr, st, nl, registered[i], pair_kind[i] != PAIR_NONE, last_contact[i], age_weeks[i]);
    }
    o
}
