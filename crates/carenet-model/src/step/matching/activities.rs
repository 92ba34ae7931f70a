//! Activities: sessions with venue capacity; attendees get companionship and
//! contact, and may form or strengthen a tie with a co-attendee. The activity
//! programme (lever) adds sessions whose attendees also become less lonely
//! and more willing to help.

use rand::RngExt;

use crate::policy::Levers;
use crate::step::Model;
use crate::step::draws::{stochastic_round, unif};
use crate::world::{Community, DISABLED};

/// Activities this week.
#[derive(Debug, Clone, Copy, Default)]
pub struct Activities {
    /// Hours offered (capacity × session hours, per session held).
    pub offered: f64,
    pub comp: f64,
    /// Attendances.
    pub attendance: u32,
    /// Sessions added by the activity programme.
    pub programme_sessions: usize,
}

/// The community type's sessions, then the programme's (matching stream).
pub(super) fn hold(c: &mut Community, m: &Model, lv: &Levers, wk: i32) -> Activities {
    let s = &m.scenario;
    let (e, g, rng) = (&mut c.elders, &mut c.graph, &mut c.rngs.matching);
    let tp = s.community_types.get(c.kind);
    let base_sessions = stochastic_round(tp.activity_sessions, rng);
    let programme_sessions = stochastic_round(lv.extra_sessions, rng);
    let mut sums = Activities { programme_sessions, ..Activities::default() };
    let cap = s.activities.capacity as usize;
    let session_hours = s.activities.session_hours as f32;
    let n_slots = e.len();
    let max_ties = s.ties.max_ties as usize;
    for session in 0..base_sessions + programme_sessions {
        if n_slots == 0 || cap == 0 {
            break;
        }
        let programme = session >= base_sessions;
        sums.offered += (cap as f32 * session_hours) as f64;
        c.attendees.clear();
        // At most 4 draws per place, and never more places than slots (each elder
        // attends once a week): the work follows the community, not the capacity.
        for _ in 0..cap.min(n_slots) * 4 {
            if c.attendees.len() >= cap {
                break;
            }
            let j = rng.random_range(0..n_slots);
            if !e.alive[j] || e.attended[j] || e.state[j] == DISABLED {
                continue;
            }
            let p = s.activities.attend_probability * (0.5 + 0.5 * e.willingness[j] as f64);
            if unif(rng) >= p {
                continue;
            }
            e.attended[j] = true;
            c.attendees.push(j as u32);
            let cmp = e.comp_left[j].min(session_hours);
            e.comp_left[j] -= cmp;
            sums.comp += cmp as f64;
            sums.attendance += 1;
            e.last_contact[j] = wk;
            if programme {
                e.loneliness[j] = (e.loneliness[j] - lv.programme_relief as f32).max(0.0);
                e.willingness[j] = (e.willingness[j] + lv.programme_willingness as f32).min(1.0);
            }
        }
        let na = c.attendees.len();
        if na >= 2 {
            for x in 0..na {
                if unif(rng) >= s.ties.coattendance_tie {
                    continue;
                }
                let a = c.attendees[x];
                let b = c.attendees[rng.random_range(0..na)];
                if a == b {
                    continue;
                }
                match g.find_edge(a, b) {
                    Some(tie) => g.touch(tie),
                    None => {
                        if g.degree(a) < max_ties && g.degree(b) < max_ties {
                            g.add_edge(a, b, s.ties.new_tie_strength as f32);
                        }
                    }
                }
            }
        }
    }
    sums
}
