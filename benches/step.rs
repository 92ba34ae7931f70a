//! One replication of the default Wutong Street scenario (14 communities,
//! 260 weeks), single-threaded, reported as elder-weeks per second.
//!
//! Run: `cargo bench --bench step`. Measured figures, profiles and the targets
//! (issue 7: 20 million elder-weeks per second per thread, not yet met) are in
//! docs/performance.md.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

use carenet::experiment::run_replication;
use carenet::policy::Package;
use carenet::scenario::load::load_default;
use carenet::step::Model;

fn one_replication(c: &mut Criterion) {
    let scenario = load_default().scenario;
    let weeks = scenario.simulation.weeks;
    let seed = scenario.simulation.seed;
    let model = Model::new(scenario, Package::baseline());
    // Elder-weeks of this replication, to report throughput.
    let elder_weeks: f64 = run_replication(&model, seed, 0, weeks).records.iter().map(|r| r.alive_start).sum();
    let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build().expect("pool");
    let mut group = c.benchmark_group("wutong");
    group.sample_size(10);
    group.throughput(Throughput::Elements(elder_weeks as u64));
    group.bench_function("one_replication_260_weeks_1_thread", |b| {
        b.iter(|| pool.install(|| run_replication(&model, seed, 0, weeks)))
    });
    group.finish();
}

criterion_group!(benches, one_replication);
criterion_main!(benches);
