//! Times whole CPU-backend ticks (all passes and event resolution) of the
//! default scenario scaled to 10k and 100k entities, after a warm-up, and
//! prints the median and p95 per tick. Run with `cargo bench --bench cpu_step`.
//! (Per pass: `benches/passes.rs`; the region work: `benches/regions.rs`.)

use std::time::Instant;

use evosim::{Backend, Scenario, Simulation};

fn main() {
    let sizes: Vec<u64> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .filter_map(|a| a.parse().ok())
        .collect();
    let sizes = if sizes.is_empty() {
        vec![10_000, 100_000]
    } else {
        sizes
    };
    for n in sizes {
        let s = Scenario::default_scenario()
            .scaled_to(n)
            .expect("scalable scenario");
        let mut sim = Simulation::new(s, Backend::Cpu, 0).expect("simulation");
        for _ in 0..30 {
            sim.step().expect("tick");
        }
        let mut ms: Vec<f64> = (0..100)
            .map(|_| {
                let t = Instant::now();
                sim.step().expect("tick");
                t.elapsed().as_secs_f64() * 1e3
            })
            .collect();
        ms.sort_by(f64::total_cmp);
        println!(
            "cpu_step n={n} threads={} median {:.3} ms p95 {:.3} ms population {}",
            sim.threads(),
            ms[ms.len() / 2],
            ms[ms.len() * 95 / 100],
            sim.population()
        );
    }
}
