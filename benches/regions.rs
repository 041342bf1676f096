//! Times the region work of a CPU-backend tick: `transfer` (handing the
//! tick's results to the region workers) and `resolve` (combat, deaths and
//! reproduction in the worker threads, then the commit), separately and
//! together, on the default scenario at 10k and 100k entities, with 1 and 2
//! worker threads. Each iteration is a whole tick; only the region work's
//! CPU-timer share is counted.
//!
//! `cargo bench --bench regions`

use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use evosim::common::pass::Pass;
use evosim::{Backend, Scenario, Simulation};

fn regions(c: &mut Criterion) {
    for n in [10_000u64, 100_000] {
        for threads in [1usize, 2] {
            let s = Scenario::default_scenario()
                .scaled_to(n)
                .expect("scalable scenario");
            let mut sim = Simulation::new(s, Backend::Cpu, threads).expect("simulation");
            for _ in 0..20 {
                sim.step().expect("tick");
            }
            let mut g = c.benchmark_group(format!("regions/{n}/{threads}-threads"));
            g.sample_size(10)
                .warm_up_time(Duration::from_millis(500))
                .measurement_time(Duration::from_secs(3));
            for (label, which) in [
                ("transfer", vec![Pass::Transfer]),
                ("resolve", vec![Pass::Resolve]),
                ("transfer+resolve", vec![Pass::Transfer, Pass::Resolve]),
            ] {
                g.bench_function(label, |b| {
                    b.iter_custom(|iters| {
                        let mut total = Duration::ZERO;
                        for _ in 0..iters {
                            sim.step().expect("tick");
                            total += which.iter().map(|&p| sim.timings()[p]).sum::<Duration>();
                        }
                        total
                    })
                });
            }
            g.finish();
        }
    }
}

criterion_group!(benches, regions);
criterion_main!(benches);
