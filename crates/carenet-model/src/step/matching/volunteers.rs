//! The paired volunteer's weekly visit: a student in term weeks, a party
//! member every week (pairs are made in [`crate::step::pairing`]).

use crate::world::{PAIR_PARTY, PAIR_STUDENT};

/// Which volunteer visits an elder paired as `pair_kind` this week (0 student,
/// 1 party member) and the hours they give, if any.
#[inline(always)]
pub(super) fn visit(pair_kind: u8, in_term: bool, student_hours: f32, party_hours: f32) -> Option<(usize, f32)> {
    match pair_kind {
        PAIR_STUDENT if in_term => Some((0, student_hours)),
        PAIR_PARTY => Some((1, party_hours)),
        _ => None,
    }
}
