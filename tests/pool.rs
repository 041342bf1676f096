//! The simulation runs on one thread pool: the per-entity passes and the
//! region tasks share its threads, and its status adds up. One test in this
//! file, so that no other test's simulation adds threads to the process.

mod common;

use common::{default_scaled, sim};

/// The names of this process's threads (`/proc/self/task/*/comm`, at most
/// 15 characters each) that start with `evosim`.
#[cfg(target_os = "linux")]
fn evosim_threads() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir("/proc/self/task")
        .expect("/proc/self/task")
        .filter_map(|t| std::fs::read_to_string(t.ok()?.path().join("comm")).ok())
        .map(|n| n.trim_end().to_string())
        .filter(|n| n.starts_with("evosim"))
        .collect();
    names.sort();
    names
}

#[test]
fn one_pool_for_passes_and_region_tasks() {
    let mut s = default_scaled(3000);
    s.regions.rows = 3;
    s.regions.cols = 3;
    let mut sim = sim(s, 3);
    for _ in 0..59 {
        sim.step().unwrap();
    }
    // The regions count their entities when the tick assigns owners, before
    // its deaths and births.
    let living = sim.population();
    // The tick resolves the events the last one emitted (none of them stale
    // in this run).
    let pending = sim.last_events().clone();
    sim.step().unwrap();
    #[cfg(target_os = "linux")]
    assert_eq!(
        evosim_threads(),
        ["evosim-worker-0", "evosim-worker-1", "evosim-worker-2"],
        "the pool's three threads and no other thread of ours"
    );

    let st = sim.pool_status();
    assert_eq!(st.threads.len(), 3);
    assert_eq!(st.regions.len(), 9);
    assert_eq!(
        st.regions.iter().map(|r| r.entities).sum::<u64>(),
        living,
        "every living entity belongs to one region"
    );
    let events: u64 = st.regions.iter().map(|r| r.events).sum();
    let ev = &pending;
    assert!(events > 0, "events were resolved");
    assert_eq!(
        events as usize,
        ev.attacks.len() + ev.deaths.len() + ev.repro.len(),
        "every event resolved in the tick is resolved by one region"
    );
    assert!(
        st.threads.iter().any(|t| t.passes_ms > 0.0),
        "the passes' time is measured: {st:?}"
    );
    let tasks: u32 = st.threads.iter().map(|t| t.tasks).sum();
    assert!(
        tasks as usize <= 2 * st.regions.len(),
        "at most one task per region and phase: {st:?}"
    );
    assert_eq!((st.restarts, st.stalls, st.last_stall), (0, 0, None));
}
