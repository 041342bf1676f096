//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub mod gpu;
#[cfg(feature = "viewer")]
pub mod shot;

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

/// A 2×2 region grid rebalanced toward the load: its boundaries left the
/// middle, and its rows and its columns carry similar populations (the
/// cells of a rectilinear grid need not).
pub fn assert_rebalanced_2x2(sim: &Simulation) {
    let g = &sim.regions().grid;
    let (w, h) = (sim.params().world.width, sim.params().world.height);
    assert!(
        (g.xs[1] - w / 2.0).abs() > 1.0 || (g.ys[1] - h / 2.0).abs() > 1.0,
        "boundaries moved: {:?} {:?}",
        g.xs,
        g.ys
    );
    let pops: Vec<u64> = sim.regions().stats.iter().map(|r| r.population).collect();
    let (c0, c1) = (pops[0] + pops[2], pops[1] + pops[3]);
    let (r0, r1) = (pops[0] + pops[1], pops[2] + pops[3]);
    let close = |a: u64, b: u64| (a as f64 - b as f64).abs() < 0.35 * (a + b) as f64;
    assert!(
        close(c0, c1) && close(r0, r1),
        "per-region population {pops:?}"
    );
}

/// A scratch folder `evosim-{name}-{pid}` in the system's temp folder,
/// created (the caller removes it).
pub fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("evosim-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The CPU's spatial hash of `e` over `grid`: hash_count, hash_scan and
/// hash_scatter as the CPU engine runs them.
pub struct CpuHash {
    pub cell_of: Vec<u32>,
    pub offsets: Vec<u32>,
    pub sorted: Vec<u32>,
    pub sorted_pos: Vec<[f32; 2]>,
}

pub fn cpu_hash(
    e: &evosim::model::entities::Entities,
    grid: &evosim::model::grid::Grid,
) -> CpuHash {
    let cap = e.capacity();
    let mut h = CpuHash {
        cell_of: vec![evosim::common::NONE; cap],
        offsets: vec![0; grid.len() + 1],
        sorted: vec![0; cap],
        sorted_pos: vec![[0.0; 2]; cap],
    };
    evosim::cpu::hash_count::hash_count(
        grid,
        &e.pos,
        &e.tribe_flags,
        &mut h.cell_of,
        &mut h.offsets[1..],
    );
    evosim::cpu::hash_scan::hash_scan(&mut h.offsets);
    evosim::cpu::hash_scatter::hash_scatter(
        &h.cell_of,
        &mut h.offsets,
        &e.id,
        &e.pos,
        &mut h.sorted,
        &mut h.sorted_pos,
    );
    h
}

/// Runs the `evosim` binary with `args`, without a display.
pub fn evosim(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_evosim"))
        .args(args)
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .expect("run evosim")
}

/// The last line of a command's stdout as JSON (`evosim run --json`'s
/// summary), after asserting that the command succeeded.
pub fn last_json(out: &std::process::Output) -> serde_json::Value {
    assert!(
        out.status.success(),
        "the command failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text.lines().last().expect("some output");
    serde_json::from_str(line).unwrap_or_else(|e| panic!("last line is not JSON ({e}): {line}"))
}
