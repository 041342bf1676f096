//! Helpers shared by the integration tests.
#![allow(dead_code)]

use evosim::{Backend, Scenario, Simulation};

/// A small scenario from TOML, panicking with the error on failure.
pub fn scenario(text: &str) -> Scenario {
    Scenario::from_toml(text, "<test>").unwrap_or_else(|e| panic!("{e}"))
}

/// The bundled default scenario resized to `n` entities.
pub fn default_scaled(n: u64) -> Scenario {
    Scenario::default_scenario()
        .scaled_to(n)
        .expect("scaled default")
}

/// A simulation on the CPU backend with `threads` threads.
pub fn sim(s: Scenario, threads: usize) -> Simulation {
    Simulation::new(s, Backend::Cpu, threads).expect("simulation")
}

/// Checks the world invariants after a tick ([`Simulation::check_invariants`],
/// which is `World::validate`: free slots, unique ids below the counter,
/// positions inside the world on passable ground, finite fields, per-tribe
/// counters equal to the living), panicking with the broken one.
pub fn check_invariants(sim: &Simulation) {
    if let Err(e) = sim.check_invariants() {
        panic!("{e}");
    }
}
