//! Same scenario and seed → same state hash, whatever the thread count;
//! a different seed → a different hash.

mod common;

use common::{default_scaled, sim};

fn run(seed: u64, threads: usize, ticks: u32) -> (u64, u64) {
    let mut s = default_scaled(3000);
    s.seed = seed;
    let mut sim = sim(s, threads);
    for _ in 0..ticks {
        sim.step();
    }
    (sim.state_hash(), sim.population())
}

#[test]
fn same_seed_same_hash_for_any_thread_count() {
    let one = run(7, 1, 400);
    assert_eq!(one, run(7, 2, 400), "1 vs 2 threads");
    assert_eq!(one, run(7, 3, 400), "1 vs 3 threads");
}

#[test]
fn different_seed_different_hash() {
    assert_ne!(run(7, 2, 50).0, run(8, 2, 50).0);
}

#[test]
fn hash_reflects_every_field() {
    let mut a = sim(default_scaled(500), 1);
    a.step();
    let h = a.state_hash();
    let mut e = a.entities().clone();
    let i = (0..e.capacity()).find(|&i| e.alive(i)).unwrap();
    let base = e.state_hash();
    assert_eq!(base, h);
    e.energy[i] += 1.0;
    assert_ne!(e.state_hash(), base);
    e.energy[i] -= 1.0;
    e.genes[i][4] ^= 1;
    assert_ne!(e.state_hash(), base);
}
