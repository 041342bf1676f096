//! Times each pass of the tick (`evosim::common::pass::Pass`: hash_count … resolve)
//! on both backends, on the default scenario scaled to 10k and 100k
//! entities. Every iteration is one whole tick; what is timed is the named
//! pass's share of it: GPU timestamp queries on the GPU backend (where the
//! adapter has them; `transfer` and `resolve` are CPU timers there too),
//! CPU timers on the CPU backend. Passes are timed inside real ticks
//! because each one's input is the previous pass's output.
//!
//! `cargo bench --bench passes` (add `-- cpu` or `-- gpu/100000` to filter).
//! Without a GPU adapter the GPU groups are skipped with a note.

use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use evosim::common::pass::Pass;
use evosim::{Backend, Scenario, Simulation};

fn world(n: u64, backend: Backend) -> Option<Simulation> {
    let s = Scenario::default_scenario()
        .scaled_to(n)
        .expect("scalable scenario");
    match Simulation::new(s, backend, 0) {
        Ok(mut sim) => {
            for _ in 0..20 {
                sim.step().expect("tick");
            }
            Some(sim)
        }
        Err(e) => {
            eprintln!("skipped {} at {n}: {e}", backend.name());
            None
        }
    }
}

fn passes(c: &mut Criterion) {
    for backend in [Backend::Cpu, Backend::Gpu] {
        for n in [10_000u64, 100_000] {
            let Some(mut sim) = world(n, backend) else {
                continue;
            };
            let mut g = c.benchmark_group(format!("{}/{n}", backend.name()));
            g.sample_size(10)
                .warm_up_time(Duration::from_millis(500))
                .measurement_time(Duration::from_secs(3));
            for pass in Pass::ALL {
                g.bench_function(pass.name(), |b| {
                    b.iter_custom(|iters| {
                        let mut total = Duration::ZERO;
                        for _ in 0..iters {
                            sim.step().expect("tick");
                            total += sim.timings()[pass];
                        }
                        total
                    })
                });
            }
            g.finish();
        }
    }
}

criterion_group!(benches, passes);
criterion_main!(benches);
