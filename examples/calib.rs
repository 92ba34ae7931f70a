//! Calibration view: the default scenario's metrics over its first 4 weeks and
//! its last 52, side by side, to see whether the baseline drifts.
//! `cargo run --release --example calib [REPS]`
use carenet::experiment::*;
use carenet::metrics::summary::*;
use carenet::policy::Levers;
use carenet::scenario::Scenario;
use carenet::step::Model;
fn main() {
    let s = Scenario::default();
    let reps: u32 = std::env::args().nth(1).map(|x| x.parse().unwrap()).unwrap_or(4);
    let weeks = s.simulation.weeks;
    let m = Model::with_levers(s.clone(), Levers::default());
    let t = std::time::Instant::now();
    let res = run(&m, &RunConfig { reps, seed: 1, weeks, threads: Some(1) }, &|| {}).unwrap();
    let el = t.elapsed().as_secs_f64();
    let ew = res.elder_weeks();
    eprintln!("{} elder-weeks in {:.3}s = {:.2} M/s", ew, el, ew / el / 1e6);
    let kinds: Vec<_> = res.communities.iter().map(|c| c.kind).collect();
    for (label, window_end) in [("first 4w", 4u32), ("last 52w", weeks)] {
        let tot = window_totals(res.reps.len(), window_end, if window_end == 4 { 4 } else { 52 }, &kinds, |r, w, c| {
            *res.record(r, w, c)
        });
        let rows = summarise("baseline", &tot);
        println!("== {label}");
        for m in carenet::metrics::METRICS {
            let vals: Vec<String> =
                rows.iter().filter(|r| r.metric == m.name).map(|r| format!("{:>9.4}", r.interval.mean)).collect();
            println!("{:<28} {}", m.name, vals.join(" "));
        }
    }
}
