//! Phase 2 (communities): ageing, help and companionship needs, the family's
//! contact and hours this week, helper capacity, outreach registration, the
//! social-worker need weight and the list of elders waiting for a volunteer.

use rand_distr::{Distribution, Exp1};

use super::Model;
use super::draws::fill_words;
use crate::policy::Levers;
use crate::scenario::types::FamilyStructure;
use crate::streams::unit24;
use crate::world::{Community, DISABLED, FAMILY_CORESIDENT, IADL_LIMITED, PAIR_NONE};

/// Draws the week's needs of every live elder and whether their family is in
/// contact (needs stream), and rebuilds
/// `c.waiting`: registered grade-1 elders without a volunteer, then grade 2
/// (with grade priority; otherwise all of them in slot order). Returns the
/// length of the first segment.
pub fn needs(c: &mut Community, m: &Model, lv: &Levers) -> usize {
    let s = &m.scenario;
    let n = &s.needs;
    let tp = s.community_types.get(c.kind);
    let fam = &s.family;
    // By family kind (co-resident, near, distant, absent): the weekly contact
    // probability and the mean capacity. Absent family is never in contact.
    let contact = [fam.contact_weekly[0], fam.contact_weekly[1], fam.contact_weekly[2], 0.0].map(|p| p as f32);
    let capacity = [tp.family_coresident_hours, tp.family_near_hours, fam.distant_hours, 0.0].map(|h| h as f32);
    let help_hours = n.help_hours.map(|h| h * n.help_hours_scale);
    // `substitution`: family hours displaced per paid hour bought last week
    // (chosen once for the community; the `contact` loop never reads it).
    let substitution = match s.structure.family {
        FamilyStructure::Contact => None,
        FamilyStructure::Substitution => Some(fam.substitution_per_paid_hour as f32),
    };
    let helper_hours = s.mutual_aid.hours_per_week as f32;
    let outreach = s.case_management.outreach_weekly;
    let outreach_factor = lv.outreach_factor;
    let closure = s.case_management.closure_weekly;
    let priority = s.case_management.grade_priority;
    // Waiting list, built in the same pass: registered grade-1 elders, then
    // grade-2 (or everyone in slot order without grading), without a volunteer.
    c.waiting.clear();
    c.waiting2.clear();
    // Social-worker need weight in integers (2 per registered grade-1 elder, 1 per grade 2).
    let mut weight = 0u32;
    let e = &mut c.elders;
    let rng = &mut c.rngs.needs;
    // Three words per slot: the help-need, outreach and family-contact draws.
    fill_words(rng, &mut c.words, 3 * e.len());
    // Columns as slices of one length (no bounds checks in the loop).
    let len = e.len();
    let alive = &e.alive[..len];
    let age_weeks = &mut e.age_weeks[..len];
    let state = &e.state[..len];
    let grade = &e.grade[..len];
    let loneliness = &e.loneliness[..len];
    let willingness = &e.willingness[..len];
    let threshold = &e.helper_threshold[..len];
    let lives_alone = &e.lives_alone[..len];
    let kin = &e.kin[..len];
    let family_factor = &e.family_factor[..len];
    let family_week = &mut e.family_week[..len];
    let paid_week = &mut e.paid_week[..len];
    let help_need = &mut e.help_need[..len];
    let help_left = &mut e.help_left[..len];
    let comp_need = &mut e.comp_need[..len];
    let comp_left = &mut e.comp_left[..len];
    let helper_left = &mut e.helper_left[..len];
    let helped = &mut e.helped[..len];
    let banked = &mut e.banked[..len];
    let got_neighbour_help = &mut e.got_neighbour_help[..len];
    let attended = &mut e.attended[..len];
    let registered = &mut e.registered[..len];
    let pair_kind = &e.pair_kind[..len];
    let comp_factor = n.companionship_loneliness_factor as f32;
    c.waiting.resize(len, 0);
    c.waiting2.resize(len, 0);
    let (mut n_wait, mut n_wait2) = (0, 0);
    for i in 0..len {
        if !alive[i] {
            continue;
        }
        age_weeks[i] += 1;
        let st = state[i] as usize;
        let g = grade[i] as usize - 1;
        let (w_help, w_reach, w_family) = (c.words[3 * i], c.words[3 * i + 1], c.words[3 * i + 2]);
        let help = if (unit24(w_help) as f64) < n.help_probability[st] {
            let size: f64 = Exp1.sample(rng);
            (help_hours[st] * size) as f32
        } else {
            0.0
        };
        let comp_size: f64 = Exp1.sample(rng);
        let comp_mean = n.companionship_hours[g] as f32 * (1.0 + comp_factor * loneliness[i]);
        let comp = comp_mean * comp_size as f32;
        help_need[i] = help;
        help_left[i] = help;
        comp_need[i] = comp;
        comp_left[i] = comp;
        // The family's kind this week: co-resident unless the elder lives
        // alone (read each week), else where the nearest child lives. In
        // contact with the kind's probability, it can give up to its capacity
        // (× the elder's own factor); without branches.
        let k = if lives_alone[i] { kin[i] as usize } else { FAMILY_CORESIDENT as usize };
        let in_touch = unit24(w_family) < contact[k];
        family_week[i] = capacity[k] * family_factor[i] * f32::from(u8::from(in_touch));
        if let Some(theta) = substitution {
            // Paid care bought last week crowds out family hours, except for
            // disabled elders (Bonsang 2009); then this week's purchases start at 0.
            let displaced = theta * paid_week[i] * f32::from(u8::from(state[i] < DISABLED));
            family_week[i] = (family_week[i] - displaced).max(0.0);
            paid_week[i] = 0.0;
        }
        // A capable elder helps while their willingness is at or above their own threshold.
        let capable = (grade[i] == 3) & (state[i] <= IADL_LIMITED) & (willingness[i] >= threshold[i]);
        helper_left[i] = helper_hours * f32::from(u8::from(capable));
        helped[i] = 0.0;
        banked[i] = 0.0;
        got_neighbour_help[i] = false;
        attended[i] = false;
        // Registration: outreach finds an unregistered elder; the file of a
        // registered grade-3 elder is closed. One draw serves both (an elder
        // is either registered or not), without branches.
        let u_reach = unit24(w_reach) as f64;
        let opened = !registered[i] & (u_reach < outreach[g] * outreach_factor);
        let closed = registered[i] & (g == 2) & (u_reach < closure);
        registered[i] = (registered[i] & !closed) | opened;
        // Need weight (2 for grade 1, 1 for grade 2) and the waiting lists,
        // without branches: the slot is written to both lists and each
        // cursor advances only if the elder belongs there.
        let counted = registered[i] & (g <= 1);
        weight += u32::from(counted) * [2, 1, 0][g.min(2)];
        let waits = counted & (pair_kind[i] == PAIR_NONE);
        let first = (g == 0) | !priority;
        c.waiting[n_wait] = i as u32;
        c.waiting2[n_wait2] = i as u32;
        n_wait += usize::from(waits & first);
        n_wait2 += usize::from(waits & !first);
    }
    c.waiting.truncate(n_wait);
    c.waiting2.truncate(n_wait2);
    c.waiting.extend_from_slice(&c.waiting2);
    c.need_weight = f64::from(weight);
    n_wait
}
