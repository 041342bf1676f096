//! A lively default world: the bundled default scenario (resized to 1,500
//! entities at the same density so that the test runs in about a minute)
//! over 10 simulated minutes (36,000 ticks): births, deaths and kills all
//! happen, at least two tribes survive, the population neither dies out nor
//! pins at capacity, and evolution moves at least one gene mean by more than
//! the standard error of its initial distribution.

use crate::common::{check_invariants, default_scaled, sim};
use evosim::model::genes::{GENE_COUNT, GENE_NAMES};

#[test]
fn default_world_stays_lively_for_ten_minutes() {
    let mut sim = sim(default_scaled(1500), 0);
    let capacity = sim.entities().capacity() as u64;
    let start = sim.gene_stats();
    let start_counts: Vec<u64> = sim.counters().tribes.iter().map(|t| t.population).collect();
    let ticks = (600.0 / sim.params().world.dt).round() as u32;
    let (mut low, mut high) = (u64::MAX, 0u64);
    for t in 0..ticks {
        sim.step().unwrap();
        let pop = sim.population();
        low = low.min(pop);
        high = high.max(pop);
        if t % 3000 == 0 {
            check_invariants(&sim);
        }
    }
    check_invariants(&sim);
    let c = sim.counters();
    let (births, deaths, kills) = (
        c.total(|t| t.births),
        c.total(|t| t.deaths),
        c.total(|t| t.kills),
    );
    eprintln!(
        "births {births} deaths {deaths} kills {kills} population {low}..{high} final {}",
        sim.population()
    );
    assert!(
        births > 0 && deaths > 0 && kills > 0,
        "births {births} deaths {deaths} kills {kills}"
    );
    let survivors = c.tribes.iter().filter(|t| t.population > 0).count();
    assert!(survivors >= 2, "only {survivors} tribe(s) survive");
    assert!(low > 0, "the population died out");
    assert!(
        high < capacity * 9 / 10 && c.births_dropped == 0,
        "the population pinned at capacity ({high} of {capacity})"
    );
    let end = sim.gene_stats();
    let mut drifted = Vec::new();
    for (tr, (s, e)) in start.iter().zip(&end).enumerate() {
        if c.tribes[tr].population == 0 {
            continue;
        }
        for k in 0..GENE_COUNT {
            let se = s[k].std as f64 / (start_counts[tr] as f64).sqrt();
            let moved = (e[k].mean as f64 - s[k].mean as f64).abs();
            if moved > se && moved > 1e-6 {
                drifted.push(format!(
                    "tribe {tr} {} {:.3}->{:.3}",
                    GENE_NAMES[k], s[k].mean, e[k].mean
                ));
            }
        }
    }
    eprintln!("drifted: {drifted:?}");
    assert!(
        !drifted.is_empty(),
        "no gene mean drifted beyond its initial standard error"
    );
}
