//! Helpers shared by the integration tests.
#![allow(dead_code)]

use evosim::model::entities::Entities;
use evosim::model::terrain::Terrain;
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

/// Checks the world invariants after a tick: the population counter equals
/// initial + births − deaths and the number of living slots; ids are unique;
/// every living entity is inside the world, on passable ground, with finite fields.
pub fn check_invariants(sim: &Simulation) {
    if let Err(e) = sim.check_invariants() {
        panic!("{e}");
    }
    let c = sim.counters();
    let births = c.total(|t| t.births);
    let deaths = c.total(|t| t.deaths);
    let e: &Entities = sim.entities();
    let alive = e.count_alive() as u64;
    assert_eq!(
        sim.initial_population() + births - deaths,
        sim.population(),
        "tick {}",
        sim.tick()
    );
    assert_eq!(alive, sim.population(), "tick {}", sim.tick());
    let (w, h) = (sim.params().world.width, sim.params().world.height);
    let t: &Terrain = sim.terrain();
    let mut ids = std::collections::HashSet::new();
    for i in 0..e.capacity() {
        if !e.alive(i) {
            continue;
        }
        assert!(ids.insert(e.id[i]), "duplicate id {}", e.id[i]);
        assert!(e.id[i] < sim.next_id());
        let p = e.pos[i];
        assert!(
            p[0] >= 0.0 && p[0] < w && p[1] >= 0.0 && p[1] < h,
            "slot {i} outside the world: {p:?}"
        );
        assert!(
            t.passable(p),
            "slot {i} on impassable terrain at {p:?}, tick {}",
            sim.tick()
        );
        assert!(
            e.vel[i].iter().all(|v| v.is_finite())
                && e.energy[i].is_finite()
                && e.age[i].is_finite()
        );
    }
}
