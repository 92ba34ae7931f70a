//! Phase 7 (communities): the week's observation. The end-of-week counts over
//! live elders ([`Obs`]) are gathered where each elder is last written (the
//! wellbeing phase, and inflow for newcomers); [`observe`] adds what needs the
//! whole community (few active ties, the time-bank ledger, network
//! statistics); [`record`] is the one place that fills the week's
//! [`WeekRecord`] from the sums every phase returned.

use super::Model;
use super::health::HealthSums;
use super::matching::Served;
use crate::metrics::breakdown::{Breakdown, Cell, N_FINE};
use crate::metrics::{
    ACTIVITY, AgeBands, COUNSELLING, FAMILY, MUTUAL_AID, N_BANDS, PAID, PARTY, SOCIAL_WORKER, STUDENT, WeekRecord,
    band_of,
};
use crate::network::stats::NetStats;
use crate::policy::{Lever, Levers, N_LEVERS};
use crate::world::{Community, PAIR_NONE};

/// Counts at the start of the week (for the accounting identities).
#[derive(Debug, Clone, Copy)]
pub struct Start {
    pub alive: usize,
    pub tb_outstanding: f64,
}

impl Start {
    pub fn of(c: &Community) -> Start {
        Start { alive: c.elders.alive.iter().filter(|&&a| a).count(), tb_outstanding: c.time_bank_outstanding }
    }
}

/// The week's end-of-week counts over live elders.
#[derive(Clone, Copy)]
pub struct Obs {
    wk: i32,
    iso: i32,
    moderate: f32,
    n_grade: [u32; 3],
    n_state: [u32; 4],
    lonely_by_grade: [f64; 3],
    registered: u32,
    registered_grade1: u32,
    lonely: u32,
    paired: u32,
    isolated: u32,
    /// Person-weeks by age band and state, in four interleaved copies (by
    /// elder counted) so that consecutive elders of the same band and state
    /// do not chain their increments through memory.
    band_weeks: [[[u32; 4]; N_BANDS]; 4],
    /// Elders counted so far (selects the copy).
    n_added: usize,
}

impl Obs {
    pub fn new(m: &Model, wk: i32) -> Obs {
        let s = &m.scenario;
        Obs {
            wk,
            iso: s.metrics.isolation_weeks as i32,
            moderate: s.loneliness.moderate_threshold as f32,
            n_grade: [0; 3],
            n_state: [0; 4],
            lonely_by_grade: [0.0; 3],
            registered: 0,
            registered_grade1: 0,
            lonely: 0,
            paired: 0,
            isolated: 0,
            band_weeks: [[[0; 4]; N_BANDS]; 4],
            n_added: 0,
        }
    }

    /// Counts one live elder as it stands at the end of the week.
    #[inline(always)]
    #[allow(clippy::too_many_arguments)]
    pub fn add(
        &mut self,
        grade: u8,
        state: u8,
        loneliness: f32,
        registered: bool,
        paired: bool,
        last_contact: i32,
        age_weeks: u32,
    ) {
        let gi = grade as usize - 1;
        let st = state as usize;
        self.n_grade[gi] += 1;
        self.n_state[st] += 1;
        self.lonely_by_grade[gi] += loneliness as f64;
        self.registered += u32::from(registered);
        self.registered_grade1 += u32::from(registered && gi == 0);
        self.lonely += u32::from(loneliness > self.moderate);
        self.paired += u32::from(paired);
        self.isolated += u32::from(self.wk - last_contact >= self.iso);
        self.band_weeks[self.n_added & 3][band_of(age_weeks)][st] += 1;
        self.n_added += 1;
    }
}

/// What the observation counts over the whole community at the end of the week.
#[derive(Debug, Clone, Copy)]
pub struct End {
    /// Live elders with fewer than `metrics.few_ties` active ties.
    pub few_ties: u32,
    /// Time-bank hours held by live members.
    pub tb_balance: f64,
    /// Hours capable helpers could give this week.
    pub helper_hours: f64,
    /// Whether the network statistics were recomputed this week.
    pub net_sampled: bool,
    /// The latest network statistics.
    pub net: NetStats,
}

/// Elders with few active ties, the time-bank ledger (also kept as next
/// week's starting balance) and, every `metrics.network_every` weeks, the
/// network statistics (in the burn-in, only the last sample: the others reach
/// no record that is read).
#[inline(never)]
pub fn observe(c: &mut Community, m: &Model, lv: &Levers, week: u32) -> End {
    let s = &m.scenario;
    let few = s.metrics.few_ties as u16;
    let e = &c.elders;
    let len = e.len();
    // Live elders with few active ties (the tie graph keeps the counts).
    let (alive, active_ties) = (&e.alive[..len], &c.graph.active_ties()[..len]);
    let mut few_ties = 0u32;
    for i in 0..len {
        few_ties += u32::from(alive[i] & (active_ties[i] < few));
    }
    // Time-bank ledger: balances at the end of the week, and this week's helper
    // supply (the hours capable elders could give). It needs its own pass only
    // while the bank is open or still holds hours.
    let (mut balance, mut helper_hours) = (0f64, 0f64);
    if lv.time_bank || c.time_bank_outstanding > 0.0 {
        for i in 0..e.len() {
            if e.alive[i] {
                balance += e.time_bank[i] as f64;
                helper_hours += (e.helper_left[i] + e.helped[i]) as f64;
            }
        }
    }
    c.time_bank_outstanding = balance;
    let every = s.metrics.network_every.max(1);
    let net_sampled = week.is_multiple_of(every);
    // A burn-in week's record is never read: of the burn-in's samples only the
    // last one can reach a reported week (before the first sample of the run),
    // so the others are not computed.
    if net_sampled && week + every > m.burn_in() {
        c.net = NetStats::compute(&c.graph, &c.elders.alive, &mut c.net_scratch);
    }
    End { few_ties, tb_balance: balance, helper_hours, net_sampled, net: c.net }
}

/// Breakdown tally after the health phase: the help asked for and left unmet
/// by every elder alive at the start of the phase, and the deaths, each in
/// the elder's age band, sex, living arrangement and grade at that time.
/// Runs only in the summary window.
#[inline(never)]
pub fn tally_health(c: &mut Community) {
    let e = &c.elders;
    // Each elder once, in its fine group; then each group into its cells.
    let mut help = [[0f64; 2]; N_FINE];
    let mut deaths = [0u32; N_FINE];
    for i in 0..e.len() {
        if e.alive[i] {
            let f = Breakdown::fine(e.age_weeks[i], e.male[i], e.lives_alone[i], e.grade[i]);
            help[f][0] += e.help_need[i] as f64;
            help[f][1] += e.help_left[i] as f64;
        }
    }
    // The dead keep their columns until inflow reuses the slot.
    for &i in &c.died {
        let i = i as usize;
        let f = Breakdown::fine(e.age_weeks[i], e.male[i], e.lives_alone[i], e.grade[i]);
        help[f][0] += e.help_need[i] as f64;
        help[f][1] += e.help_left[i] as f64;
        deaths[f] += 1;
    }
    for f in 0..N_FINE {
        if help[f][0] > 0.0 || deaths[f] > 0 {
            let sums = Cell {
                help_requested: help[f][0],
                help_unmet: help[f][1],
                deaths: deaths[f] as f64,
                ..Cell::default()
            };
            c.breakdown.add_fine(f, &sums);
        }
    }
}

/// Breakdown tally at the end of the week: every live elder's person-week,
/// isolation, loneliness, functional state, registration and pairing, by the
/// same rules as [`Obs::add`]. Runs only in the summary window.
#[inline(never)]
pub fn tally_end(c: &mut Community, m: &Model, week: u32) {
    let s = &m.scenario;
    let (wk, iso) = (week as i32, s.metrics.isolation_weeks as i32);
    let moderate = s.loneliness.moderate_threshold as f32;
    let e = &c.elders;
    // Per fine group: elders, isolated, lonely, registered, paired, then the four states.
    let mut counts = [[0u32; 9]; N_FINE];
    let mut lonely_sum = [0f64; N_FINE];
    for i in 0..e.len() {
        if !e.alive[i] {
            continue;
        }
        let f = Breakdown::fine(e.age_weeks[i], e.male[i], e.lives_alone[i], e.grade[i]);
        let k = &mut counts[f];
        k[0] += 1;
        k[1] += u32::from(wk - e.last_contact[i] >= iso);
        k[2] += u32::from(e.loneliness[i] > moderate);
        k[3] += u32::from(e.registered[i]);
        k[4] += u32::from(e.pair_kind[i] != PAIR_NONE);
        k[5 + (e.state[i] as usize & 3)] += 1;
        lonely_sum[f] += e.loneliness[i] as f64;
    }
    for f in 0..N_FINE {
        let k = &counts[f];
        if k[0] > 0 {
            let sums = Cell {
                person_weeks: k[0] as f64,
                isolated: k[1] as f64,
                lonely: k[2] as f64,
                registered: k[3] as f64,
                paired: k[4] as f64,
                state: [k[5] as f64, k[6] as f64, k[7] as f64, k[8] as f64],
                loneliness_sum: lonely_sum[f],
                ..Cell::default()
            };
            c.breakdown.add_fine(f, &sums);
        }
    }
}

/// Everything one community's week produced, as the phases returned it.
pub struct Week<'a> {
    pub start: Start,
    pub served: Served,
    pub health: HealthSums,
    pub entrants: usize,
    pub obs: Obs,
    pub end: End,
    pub levers: &'a Levers,
    /// Street-level lever costs attributed to the community (phase 3).
    pub street_lever_yuan: [f64; N_LEVERS],
}

/// Fills the week's record (and adds the week to the run's age bands): the one
/// place a [`WeekRecord`] is written. Sums that several providers feed are
/// added in the order the providers ran, so every total is the same float.
pub fn record(w: &Week, rec: &mut WeekRecord, bands: &mut AgeBands) {
    let lv = w.levers;
    let mut r = WeekRecord { weeks: 1.0, ..WeekRecord::default() };
    r.alive_start = w.start.alive as f64;
    r.tb_outstanding_start = w.start.tb_outstanding;

    // Matching, provider by provider.
    let sv = &w.served;
    for (src, given) in [(FAMILY, sv.family), (STUDENT, sv.student), (PARTY, sv.party)] {
        r.offered_by[src] += given.offered;
        r.help_by[src] += given.help;
        r.comp_by[src] += given.comp;
    }
    let ma = &sv.mutual_aid;
    r.offered_by[MUTUAL_AID] += ma.visit_offered;
    r.comp_by[MUTUAL_AID] += ma.visit_comp;
    r.help_by[MUTUAL_AID] += ma.help;
    r.tb_given += ma.tb_given;
    r.tb_deposits += ma.tb_deposits;
    r.tb_withdrawals += ma.tb_withdrawals;
    r.lever_yuan[Lever::TimeBank as usize] += r.tb_deposits * lv.time_bank_admin;
    let paid = &sv.paid;
    r.offered_by[PAID] += paid.offered;
    r.help_by[PAID] += paid.help;
    r.voucher_yuan += paid.voucher_yuan;
    r.paid_private_yuan += paid.private_yuan;
    r.lever_yuan[Lever::CareSubsidy as usize] += r.voucher_yuan;
    let sw = &sv.social_workers;
    r.offered_by[SOCIAL_WORKER] += sw.offered;
    r.contract_yuan += sw.contract_yuan;
    r.help_by[SOCIAL_WORKER] += sw.help;
    r.comp_by[SOCIAL_WORKER] += sw.comp;
    let act = &sv.activities;
    r.lever_yuan[Lever::ActivityProgramme as usize] += act.programme_sessions as f64 * lv.programme_session_cost;
    r.offered_by[ACTIVITY] += act.offered;
    r.comp_by[ACTIVITY] += act.comp;
    r.activity_attendance += act.attendance as f64;
    let co = &sv.counselling;
    r.comp_by[COUNSELLING] += co.comp;
    r.offered_by[COUNSELLING] += co.sessions as f64;
    r.counselling_sessions += co.sessions as f64;
    r.lever_yuan[Lever::Counselling as usize] += r.counselling_sessions * lv.counselling_session_cost;
    // Street-level lever costs attributed to this community (phase 3).
    for k in 0..N_LEVERS {
        r.lever_yuan[k] += w.street_lever_yuan[k];
    }

    // Health.
    let h = &w.health;
    r.offered_by[MUTUAL_AID] += h.offered_mutual_aid;
    r.help_requested_by_grade = h.help_requested;
    r.help_unmet_by_grade = h.help_unmet;
    r.help_requested = h.help_requested[0] + h.help_requested[1] + h.help_requested[2];
    r.help_unmet = h.help_unmet[0] + h.help_unmet[1] + h.help_unmet[2];
    r.comp_requested = h.comp_requested;
    r.comp_unmet = h.comp_unmet;
    r.grade1_with_need = h.grade1_with_need as f64;
    r.grade1_underserved = h.grade1_underserved as f64;
    r.adl_at_risk = h.adl_at_risk as f64;
    r.adl_onsets = h.adl_onsets as f64;
    r.deaths = h.deaths as f64;
    r.tb_forfeited = h.tb_forfeited;
    for (b, &d) in h.deaths_by_band.iter().enumerate() {
        bands.deaths[b] += d as f64;
    }

    // Inflow.
    r.entrants += w.entrants as f64;

    // End-of-week counts.
    let o = &w.obs;
    for copy in &o.band_weeks {
        for (b, row) in copy.iter().enumerate() {
            for (st, &k) in row.iter().enumerate() {
                bands.person_weeks[b][st] += k as f64;
            }
        }
    }
    for g in 0..3 {
        r.grade[g] = o.n_grade[g] as f64;
        r.loneliness_by_grade[g] = o.lonely_by_grade[g];
    }
    for st in 0..4 {
        r.state[st] = o.n_state[st] as f64;
    }
    r.alive = o.n_grade.iter().sum::<u32>() as f64;
    r.loneliness_sum = o.lonely_by_grade[0] + o.lonely_by_grade[1] + o.lonely_by_grade[2];
    r.registered = o.registered as f64;
    r.registered_grade1 = o.registered_grade1 as f64;
    r.lonely = o.lonely as f64;
    r.paired = o.paired as f64;
    r.isolated = o.isolated as f64;
    r.lever_yuan[Lever::MerchantAlliance as usize] += o.registered as f64 * lv.merchant_member_weekly;
    let end = &w.end;
    r.few_ties = end.few_ties as f64;
    r.tb_outstanding = end.tb_balance;
    r.helper_hours = end.helper_hours;
    if end.net_sampled {
        r.net_samples = 1.0;
    }
    r.net_n = end.net.n;
    r.net_degree_sum = end.net.degree_sum;
    r.net_clustering_sum = end.net.clustering_sum;
    r.net_giant = end.net.giant;
    *rec = r;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::load::load_default;
    use crate::step::matching::{Activities, Counselling, Given, MutualAid, Paid, SocialWork};

    /// Each phase's sums land in their fields; sums two phases feed are added;
    /// lever costs follow from the sums and unit costs; bands accumulate.
    #[test]
    fn record_is_filled_from_the_phase_sums() {
        let m = Model::with_levers(load_default().scenario, Levers::neutral());
        let mut lv = Levers::neutral();
        (lv.time_bank_admin, lv.programme_session_cost) = (2.0, 100.0);
        (lv.counselling_session_cost, lv.merchant_member_weekly) = (50.0, 0.5);
        let served = Served {
            family: Given { offered: 10.0, help: 3.0, comp: 4.0 },
            student: Given { offered: 2.0, help: 1.0, comp: 1.0 },
            party: Given { offered: 1.0, help: 0.5, comp: 0.25 },
            mutual_aid: MutualAid {
                visit_offered: 6.0,
                visit_comp: 5.0,
                help: 7.0,
                tb_given: 4.0,
                tb_deposits: 3.0,
                tb_withdrawals: 1.5,
            },
            paid: Paid { offered: 20.0, sought: 8.0, help: 8.0, voucher_yuan: 30.0, private_yuan: 40.0 },
            social_workers: SocialWork { offered: 9.0, help: 2.0, comp: 3.0, contract_yuan: 70.0 },
            activities: Activities { offered: 16.0, comp: 6.0, attendance: 5, programme_sessions: 2 },
            counselling: Counselling { comp: 1.5, sessions: 3 },
        };
        let mut health = HealthSums {
            offered_mutual_aid: 11.0,
            help_requested: [1.0, 2.0, 4.0],
            help_unmet: [0.5, 0.25, 0.0],
            deaths: 2,
            ..HealthSums::default()
        };
        health.deaths_by_band[3] = 2;
        let mut obs = Obs::new(&m, 10);
        obs.add(1, 2, 0.9, true, true, 10, 70 * 52);
        obs.add(3, 0, 0.1, true, false, 0, 62 * 52);
        let end =
            End { few_ties: 1, tb_balance: 12.0, helper_hours: 13.0, net_sampled: true, net: NetStats::default() };
        let mut street = [0.0; N_LEVERS];
        street[Lever::Supervision as usize] = 9.0;
        let week = Week {
            start: Start { alive: 3, tb_outstanding: 10.0 },
            served,
            health,
            entrants: 1,
            obs,
            end,
            levers: &lv,
            street_lever_yuan: street,
        };
        let (mut r, mut bands) = (WeekRecord::default(), AgeBands::default());
        record(&week, &mut r, &mut bands);
        record(&week, &mut r, &mut bands);
        assert_eq!(r.weeks, 1.0, "the record is overwritten");
        assert_eq!((r.alive_start, r.alive, r.entrants, r.deaths), (3.0, 2.0, 1.0, 2.0));
        assert_eq!((r.help_by[FAMILY], r.comp_by[STUDENT], r.offered_by[PARTY]), (3.0, 1.0, 1.0));
        assert_eq!(r.offered_by[MUTUAL_AID], 6.0 + 11.0);
        assert_eq!((r.help_by[MUTUAL_AID], r.comp_by[MUTUAL_AID]), (7.0, 5.0));
        assert_eq!((r.help_by[PAID], r.offered_by[PAID], r.paid_private_yuan), (8.0, 20.0, 40.0));
        assert_eq!((r.help_by[SOCIAL_WORKER], r.comp_by[SOCIAL_WORKER], r.contract_yuan), (2.0, 3.0, 70.0));
        assert_eq!((r.offered_by[ACTIVITY], r.activity_attendance), (16.0, 5.0));
        assert_eq!((r.offered_by[COUNSELLING], r.counselling_sessions), (3.0, 3.0));
        assert_eq!((r.help_requested, r.help_unmet), (7.0, 0.75));
        assert_eq!(r.lever_yuan[Lever::TimeBank as usize], 3.0 * 2.0);
        assert_eq!(r.lever_yuan[Lever::CareSubsidy as usize], 30.0);
        assert_eq!(r.lever_yuan[Lever::ActivityProgramme as usize], 2.0 * 100.0);
        assert_eq!(r.lever_yuan[Lever::Counselling as usize], 3.0 * 50.0);
        assert_eq!(r.lever_yuan[Lever::Supervision as usize], 9.0);
        assert_eq!(r.lever_yuan[Lever::MerchantAlliance as usize], 2.0 * 0.5);
        assert_eq!((r.grade, r.registered, r.registered_grade1, r.paired), ([1.0, 0.0, 1.0], 2.0, 1.0, 1.0));
        assert_eq!((r.isolated, r.lonely, r.few_ties, r.net_samples), (1.0, 1.0, 1.0, 1.0));
        assert_eq!((r.tb_outstanding_start, r.tb_outstanding, r.helper_hours), (10.0, 12.0, 13.0));
        // Bands accumulate over calls: two weeks of two elders, two deaths each.
        assert_eq!(bands.deaths[3], 4.0);
        assert_eq!(bands.person_weeks[2][2] + bands.person_weeks[0][0], 4.0);
    }
}
