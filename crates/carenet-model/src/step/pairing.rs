//! Pairing volunteers with waiting elders: party members within a community
//! (phase 2, after needs) and students across the street (phase 3). Both use
//! one rule, [`pair`]; they differ only in their pool and candidate list.

use rand::RngExt;
use rand::rngs::ChaCha8Rng;

use super::Model;
use crate::network::NONE;
use crate::world::{Community, Elders, PAIR_NONE, PAIR_PARTY, PAIR_STUDENT, PartyMember, Street, Student};

/// A pool of volunteers as [`pair`] sees it. Volunteers are numbered
/// `0..n_volunteers()`; candidates are of type `Elder`.
pub trait Pool {
    type Elder: Copy;
    fn n_volunteers(&self) -> usize;
    /// Whether volunteer `v` is available and has no elder.
    fn is_free(&self, v: usize) -> bool;
    /// Whether volunteer `v` is paired with a grade-2 elder (and so may be
    /// taken over by a waiting grade-1 elder).
    fn is_movable(&self, v: usize) -> bool;
    /// Ends volunteer `v`'s current pair (both sides).
    fn unpair(&mut self, v: usize);
    /// Pairs volunteer `v` with `elder` (both sides).
    fn pair(&mut self, v: usize, elder: Self::Elder);
}

/// The pairing rule. `waiting` holds the candidates in consecutive segments
/// `bounds[0]..bounds[1]`, `bounds[1]..bounds[2]`, … in priority order; with
/// `grade_priority` the first segment is the grade-1 candidates.
///
/// Let f be the free volunteers and v those paired with a grade-2 elder (v
/// counts only with `grade_priority`). f + v candidates are picked at random,
/// segment by segment, and moved to the front ([`pick_front`]). Each picked
/// candidate, in order, gets the next free volunteer (index order); when none
/// is left, a grade-1 candidate takes over the next movable volunteer (index
/// order), whose grade-2 elder is unpaired. Grade-2 candidates never displace
/// anyone. Returns the number of candidates paired (the front of `waiting`).
pub fn pair<P: Pool>(
    pool: &mut P,
    waiting: &mut [P::Elder],
    bounds: &[usize],
    grade_priority: bool,
    rng: &mut ChaCha8Rng,
) -> usize {
    let n = pool.n_volunteers();
    let free = (0..n).filter(|&v| pool.is_free(v)).count();
    let grade1_end = if grade_priority { bounds[1] } else { 0 };
    let movable = if grade1_end > 0 { (0..n).filter(|&v| pool.is_movable(v)).count() } else { 0 };
    pick_front(waiting, bounds, free + movable, rng);
    let (mut next_free, mut next_movable) = (0, 0);
    let mut paired = 0;
    for (next, &elder) in waiting.iter().enumerate().take(free + movable) {
        while next_free < n && !pool.is_free(next_free) {
            next_free += 1;
        }
        let v = if next_free < n {
            next_free
        } else if next < grade1_end {
            while next_movable < n && !pool.is_movable(next_movable) {
                next_movable += 1;
            }
            if next_movable >= n {
                break;
            }
            pool.unpair(next_movable);
            next_movable
        } else {
            break;
        };
        pool.pair(v, elder);
        paired += 1;
    }
    paired
}

/// Puts `k` randomly chosen elements at the front of `v`, taking them from the
/// consecutive segments `bounds[0]..bounds[1]`, `bounds[1]..bounds[2]`, … in
/// priority order (a partial Fisher–Yates shuffle inside each segment).
pub fn pick_front<T>(v: &mut [T], bounds: &[usize], k: usize, rng: &mut ChaCha8Rng) {
    let mut want = k;
    for w in bounds.windows(2) {
        let (lo, hi) = (w[0], w[1]);
        let take = want.min(hi - lo);
        for x in lo..lo + take {
            let y = rng.random_range(x..hi);
            v.swap(x, y);
        }
        want -= take;
        if want == 0 || take < hi - lo {
            break;
        }
    }
}

/// Whether the pair (`kind`, volunteer `id`) of elder `i` goes on this week:
/// it ends if the elder died, recovered to grade 3 or the slot no longer
/// holds this pair. An ended pair still recorded on the elder is cleared.
fn pair_goes_on(e: &mut Elders, i: usize, kind: u8, id: u32) -> bool {
    let holds = e.alive[i] && e.pair_kind[i] == kind && e.pair_id[i] == id;
    if holds && e.grade[i] <= 2 {
        return true;
    }
    if holds {
        unpair_elder(e, i);
    }
    false
}

fn unpair_elder(e: &mut Elders, i: usize) {
    e.pair_kind[i] = PAIR_NONE;
    e.pair_id[i] = NONE;
}

/// Party members of one community.
struct PartyPool<'a> {
    party: &'a mut [PartyMember],
    elders: &'a mut Elders,
}

impl Pool for PartyPool<'_> {
    type Elder = u32;
    fn n_volunteers(&self) -> usize {
        self.party.len()
    }
    fn is_free(&self, v: usize) -> bool {
        self.party[v].elder == NONE
    }
    fn is_movable(&self, v: usize) -> bool {
        let i = self.party[v].elder;
        i != NONE && self.elders.grade[i as usize] == 2
    }
    fn unpair(&mut self, v: usize) {
        unpair_elder(self.elders, self.party[v].elder as usize);
        self.party[v].elder = NONE;
    }
    fn pair(&mut self, v: usize, i: u32) {
        self.party[v].elder = i;
        self.elders.pair_kind[i as usize] = PAIR_PARTY;
        self.elders.pair_id[i as usize] = v as u32;
    }
}

/// Students of one street, paired with elders of any of its communities.
struct StudentPool<'a> {
    students: &'a mut [Student],
    communities: &'a mut [Community],
}

impl StudentPool<'_> {
    fn elders(&mut self, community: u32) -> &mut Elders {
        &mut self.communities[community as usize].elders
    }
}

impl Pool for StudentPool<'_> {
    type Elder = (u32, u32);
    fn n_volunteers(&self) -> usize {
        self.students.len()
    }
    fn is_free(&self, v: usize) -> bool {
        self.students[v].enrolled && self.students[v].community == NONE
    }
    fn is_movable(&self, v: usize) -> bool {
        let x = self.students[v];
        x.community != NONE && self.communities[x.community as usize].elders.grade[x.elder as usize] == 2
    }
    fn unpair(&mut self, v: usize) {
        let old = self.students[v];
        unpair_elder(self.elders(old.community), old.elder as usize);
        self.students[v].community = NONE;
        self.students[v].elder = NONE;
    }
    fn pair(&mut self, v: usize, (ci, i): (u32, u32)) {
        let e = self.elders(ci);
        e.pair_kind[i as usize] = PAIR_STUDENT;
        e.pair_id[i as usize] = v as u32;
        self.students[v].community = ci;
        self.students[v].elder = i;
    }
}

/// Phase 2, before needs: party pairs whose elder died or recovered to grade 3
/// end.
pub fn release_party_members(c: &mut Community) {
    let e = &mut c.elders;
    for (pid, p) in c.party.iter_mut().enumerate() {
        if p.elder != NONE && !pair_goes_on(e, p.elder as usize, PAIR_PARTY, pid as u32) {
            p.elder = NONE;
        }
    }
}

/// Phase 2, after needs: party members are paired with the community's waiting
/// elders (whose first `first_segment` entries are grade 1 with grade
/// priority), drawing from the needs stream. Paired elders leave the waiting
/// list; the rest wait for a student.
pub fn pair_party_members(c: &mut Community, first_segment: usize, grade_priority: bool) {
    let len = c.waiting.len();
    let segments = [0, first_segment, len];
    let bounds: &[usize] = if grade_priority { &segments } else { &[0, len] };
    let mut pool = PartyPool { party: &mut c.party, elders: &mut c.elders };
    let paired = pair(&mut pool, &mut c.waiting, bounds, grade_priority, &mut c.rngs.needs);
    c.waiting.drain(..paired);
}

/// Phase 3 (street): student pairs whose elder died, recovered to grade 3 or
/// whose slot was reused end; then the street's students are paired with the
/// elders still waiting in its communities (grade 1 of every community before
/// grade 2 with grade priority), drawing from the street stream.
pub fn pair_students(st: &mut Street, m: &Model) {
    let priority = m.scenario.case_management.grade_priority;
    for k in 0..st.students.len() {
        let sk = st.students[k];
        if sk.community == NONE {
            continue;
        }
        let e = &mut st.communities[sk.community as usize].elders;
        if !pair_goes_on(e, sk.elder as usize, PAIR_STUDENT, k as u32) {
            st.students[k].community = NONE;
            st.students[k].elder = NONE;
        }
    }
    st.candidates.clear();
    let grades: &[u8] = if priority { &[1, 2] } else { &[0] };
    let mut bounds = [0usize; 3];
    for (gk, &g) in grades.iter().enumerate() {
        bounds[gk] = st.candidates.len();
        for (ci, c) in st.communities.iter().enumerate() {
            for &i in &c.waiting {
                let gi = c.elders.grade[i as usize];
                if (g == 0 || gi == g) && c.elders.pair_kind[i as usize] == PAIR_NONE {
                    st.candidates.push((ci as u32, i));
                }
            }
        }
    }
    bounds[grades.len()] = st.candidates.len();
    let mut pool = StudentPool { students: &mut st.students, communities: &mut st.communities };
    pair(&mut pool, &mut st.candidates, &bounds[..=grades.len()], priority, &mut st.rng);
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;

    use super::*;

    /// Volunteers as `None` (free), `Some(grade)` (paired with an elder of that
    /// grade); pairs made, as (volunteer, candidate), in order.
    struct Mock {
        vols: Vec<Option<u8>>,
        made: Vec<(usize, (u8, u32))>,
        unpaired: Vec<usize>,
    }

    impl Pool for Mock {
        type Elder = (u8, u32);
        fn n_volunteers(&self) -> usize {
            self.vols.len()
        }
        fn is_free(&self, v: usize) -> bool {
            self.vols[v].is_none()
        }
        fn is_movable(&self, v: usize) -> bool {
            self.vols[v] == Some(2)
        }
        fn unpair(&mut self, v: usize) {
            self.vols[v] = None;
            self.unpaired.push(v);
        }
        fn pair(&mut self, v: usize, elder: (u8, u32)) {
            self.vols[v] = Some(elder.0);
            self.made.push((v, elder));
        }
    }

    fn candidates(g1: u32, g2: u32) -> Vec<(u8, u32)> {
        (0..g1).map(|i| (1, i)).chain((0..g2).map(|i| (2, 100 + i))).collect()
    }

    /// Free volunteers first (index order), grade 1 first; then grade-1
    /// candidates take over volunteers of grade-2 elders, never grade-2 ones.
    #[test]
    fn free_first_then_takeover_by_grade1_only() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        // Volunteers: 0 grade-2 pair, 1 free, 2 grade-1 pair, 3 free, 4 grade-2 pair.
        let mut pool = Mock { vols: vec![Some(2), None, Some(1), None, Some(2)], made: vec![], unpaired: vec![] };
        let mut w = candidates(3, 4);
        let n = pair(&mut pool, &mut w, &[0, 3, 7], true, &mut rng);
        assert_eq!(n, 3, "two free + one takeover (only three grade-1 candidates)");
        let vols: Vec<usize> = pool.made.iter().map(|&(v, _)| v).collect();
        assert_eq!(vols, [1, 3, 0]);
        assert!(pool.made.iter().all(|&(_, (g, _))| g == 1), "{:?}", pool.made);
        assert_eq!(pool.unpaired, [0]);
        // The picked candidates are distinct and at the front.
        let mut ids: Vec<u32> = pool.made.iter().map(|&(_, (_, i))| i).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), 3);
        assert_eq!(&w[..3], &pool.made.iter().map(|&(_, c)| c).collect::<Vec<_>>()[..]);
    }

    /// With more free volunteers than grade-1 candidates, grade-2 candidates
    /// are paired too and no one is taken over.
    #[test]
    fn spare_free_volunteers_reach_grade2() {
        let mut rng = ChaCha8Rng::seed_from_u64(2);
        let mut pool = Mock { vols: vec![None, None, None, Some(2)], made: vec![], unpaired: vec![] };
        let mut w = candidates(1, 5);
        let n = pair(&mut pool, &mut w, &[0, 1, 6], true, &mut rng);
        // k = 3 free + 1 movable = 4 picked; three pairs form (no grade-1 left to take over).
        assert_eq!(n, 3);
        assert_eq!(pool.made[0].1.0, 1);
        assert!(pool.made[1..].iter().all(|&(_, (g, _))| g == 2));
        assert!(pool.unpaired.is_empty());
    }

    /// Without grade priority nobody is moved and candidates form one segment.
    #[test]
    fn no_takeover_without_grade_priority() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let mut pool = Mock { vols: vec![Some(2), None], made: vec![], unpaired: vec![] };
        let mut w = candidates(3, 3);
        let n = pair(&mut pool, &mut w, &[0, 6], false, &mut rng);
        assert_eq!(n, 1);
        assert_eq!(pool.made[0].0, 1);
        assert!(pool.unpaired.is_empty());
    }

    /// More volunteers than candidates: every candidate is paired.
    #[test]
    fn all_candidates_paired_when_volunteers_abound() {
        let mut rng = ChaCha8Rng::seed_from_u64(4);
        let mut pool = Mock { vols: vec![None; 10], made: vec![], unpaired: vec![] };
        let mut w = candidates(2, 2);
        assert_eq!(pair(&mut pool, &mut w, &[0, 2, 4], true, &mut rng), 4);
        assert_eq!(
            pair(&mut Mock { vols: vec![], made: vec![], unpaired: vec![] }, &mut w, &[0, 2, 4], true, &mut rng),
            0
        );
    }

    /// `pick_front` takes the whole first segment before any of the second.
    #[test]
    fn pick_front_fills_segments_in_order() {
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        for k in 0..=7 {
            let mut v: Vec<u32> = (0..7).collect();
            pick_front(&mut v, &[0, 3, 7], k, &mut rng);
            let mut front = v[..k].to_vec();
            front.sort_unstable();
            if k <= 3 {
                assert!(front.iter().all(|&x| x < 3), "k {k}: {front:?}");
            } else {
                assert_eq!(&front[..3], &[0, 1, 2]);
                assert!(front[3..].iter().all(|&x| x >= 3));
            }
            let mut all = v.clone();
            all.sort_unstable();
            assert_eq!(all, (0..7).collect::<Vec<_>>());
        }
    }
}
