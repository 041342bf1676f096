//! The GPU-resident tick as a whole: determinism, agreement with the CPU
//! backend after one tick and over 2,000 ticks, invariants of the state the
//! sparse write-back maintains, and the GPU's fixed-point statistics. These
//! need an adapter: without one they are skipped with a printed reason, unless
//! `EVOSIM_REQUIRE_GPU=1` (as in CI, on lavapipe), where they fail.

use crate::common::{check_invariants, default_scaled};
use evosim::world::stats::gene_stats;
use evosim::{Backend, Scenario, SimError, Simulation};

fn gpu_sim(s: Scenario) -> Option<Simulation> {
    match Simulation::new(s, Backend::Gpu, 0) {
        Ok(sim) => {
            eprintln!(
                "GPU backend on {}",
                sim.gpu().map(|g| g.adapter()).unwrap_or_default()
            );
            Some(sim)
        }
        Err(SimError::Backend(e)) => {
            crate::common::gpu::skip(e);
            None
        }
        Err(e) => panic!("{e}"),
    }
}

fn run(sim: &mut Simulation, ticks: u32) {
    for _ in 0..ticks {
        sim.step().unwrap();
    }
}

#[test]
fn gpu_backend_gives_the_same_hash_twice() {
    let s = default_scaled(1500);
    let Some(mut a) = gpu_sim(s.clone()) else {
        return;
    };
    let mut b = gpu_sim(s).unwrap();
    run(&mut a, 150);
    run(&mut b, 150);
    assert_eq!(a.state_hash(), b.state_hash());
    assert_eq!(a.counters(), b.counters());
    // And the run is not trivially still.
    let c = a.counters();
    assert!(c.total(|t| t.births) > 0, "{c:?}");
}

/// The GPU's per-slot buffers start an eighth above the live end and grow
/// as it grows: growing them mid-run (the contents copied, every pass
/// rebuilt) or holding the whole capacity from the start gives the world
/// of the run that grows them as it needs.
#[test]
fn gpu_slots_grown_mid_run_change_nothing() {
    let s = default_scaled(1500);
    let Some(mut a) = gpu_sim(s.clone()) else {
        return;
    };
    let start = a.gpu().unwrap().slots();
    assert_eq!(start, 1687, "an eighth above the live end of 1,500");
    let cap = a.entities().capacity();
    let mut full = gpu_sim(s.clone()).unwrap();
    full.gpu_mut().unwrap().reserve_slots(cap).unwrap();
    assert_eq!(full.gpu().unwrap().slots(), cap);
    let mut mid = gpu_sim(s).unwrap();
    run(&mut a, 200);
    run(&mut full, 200);
    run(&mut mid, 100);
    // Slot by slot from the GPU (`state_hash` would read a cached copy).
    let slots = |sim: &Simulation| {
        (0..sim.live_end())
            .map(|i| sim.entity(i))
            .collect::<Vec<_>>()
    };
    let before = slots(&mid);
    assert!(before.iter().filter(|v| v.is_some()).count() > 1000);
    mid.gpu_mut().unwrap().reserve_slots(5000).unwrap();
    assert_eq!(mid.gpu().unwrap().slots(), 5000);
    // The copy kept every slot (the state, the behaviours).
    assert_eq!(slots(&mid), before);
    run(&mut mid, 100);
    for (name, other) in [("full", &full), ("grown at tick 100", &mid)] {
        assert_eq!(a.state_hash(), other.state_hash(), "{name}");
        assert_eq!(a.counters(), other.counters(), "{name}");
        assert_eq!(a.species_hash(), other.species_hash(), "{name}");
    }
    assert!(a.gpu().unwrap().slots() >= a.live_end() && a.gpu().unwrap().slots() < cap);
    // A slot past those held reads as free.
    assert!(mid.entity(4999).is_none() && mid.entity(cap - 1).is_none());
}

/// Tolerances after one tick from the same state: positions and velocities
/// within 1e-3 (wu, wu/s), energies within 1e-4 relative (WGSL division and
/// sqrt are not exactly rounded); slots, ids, flags and counters exactly.
#[test]
fn one_tick_on_the_gpu_agrees_with_the_cpu() {
    let s = default_scaled(3000);
    let Some(mut g) = gpu_sim(s.clone()) else {
        return;
    };
    let mut c = Simulation::new(s, Backend::Cpu, 0).unwrap();
    assert_eq!(g.state_hash(), c.state_hash(), "same initial state");
    g.step().unwrap();
    c.step().unwrap();
    let (gc, cc) = (g.counters(), c.counters());
    assert_eq!(gc.tribes, cc.tribes);
    assert_eq!(gc.births_dropped, cc.births_dropped);
    // The GPU sums food eaten in fixed point (1/2^20 per food cell).
    assert!(
        (gc.food_eaten - cc.food_eaten).abs() <= 1e-3 * (1.0 + cc.food_eaten),
        "{gc:?} vs {cc:?}"
    );
    let (ge, ce) = (g.entities(), c.entities());
    // Free slots' other fields are meaningless; living slots must match.
    assert!(ge.tribe_flags == ce.tribe_flags, "the same slots live");
    let close = |a: f32, b: f32, tol: f32| (a - b).abs() <= tol * (1.0 + a.abs().max(b.abs()));
    let mut worst = 0.0f32;
    for i in 0..ce.capacity() {
        if !ce.alive(i) {
            continue;
        }
        assert_eq!((ge.id[i], ge.genes[i]), (ce.id[i], ce.genes[i]), "slot {i}");
        for k in 0..2 {
            assert!(close(ge.pos[i][k], ce.pos[i][k], 1e-3), "pos of slot {i}");
            assert!(close(ge.vel[i][k], ce.vel[i][k], 1e-3), "vel of slot {i}");
            worst = worst.max((ge.pos[i][k] - ce.pos[i][k]).abs());
        }
        assert!(
            close(ge.energy[i], ce.energy[i], 1e-4),
            "energy of slot {i}"
        );
        assert_eq!(ge.age[i], ce.age[i], "age of slot {i}");
    }
    eprintln!("largest position difference after one tick: {worst} wu");
    // Whole quanta: rounding may differ by one where the float steps did.
    for (a, b) in g.food().quanta.iter().zip(&c.food().quanta) {
        assert!(a.abs_diff(*b) <= 1, "{a} vs {b} quanta");
    }
}

/// Over 2,000 ticks of the default scenario (resized to 2,000 entities) the
/// two backends drift apart chaotically, but population, births and deaths
/// stay within 15% of each other (plus 30 for small counts).
#[test]
fn two_thousand_ticks_stay_within_a_band_of_the_cpu() {
    let s = default_scaled(2000);
    let Some(mut g) = gpu_sim(s.clone()) else {
        return;
    };
    let mut c = Simulation::new(s, Backend::Cpu, 0).unwrap();
    let start = g.gpu().unwrap().slots();
    run(&mut g, 2000);
    run(&mut c, 2000);
    // The population outgrew the slots at the start: they grew on their own.
    eprintln!(
        "GPU slots {start} -> {} (live end {})",
        g.gpu().unwrap().slots(),
        g.live_end()
    );
    assert!(g.gpu().unwrap().slots() > start && g.gpu().unwrap().slots() >= g.live_end());
    let (gc, cc) = (g.counters(), c.counters());
    let pairs = [
        ("population", g.population(), c.population()),
        ("births", gc.total(|t| t.births), cc.total(|t| t.births)),
        ("deaths", gc.total(|t| t.deaths), cc.total(|t| t.deaths)),
    ];
    for (what, a, b) in pairs {
        eprintln!("{what}: GPU {a}, CPU {b}");
        let band = 0.15 * b as f64 + 30.0;
        assert!(
            (a as f64 - b as f64).abs() <= band,
            "{what}: GPU {a} vs CPU {b} (band ±{band:.0})"
        );
    }
    assert!(g.population() > 0);
}

#[test]
fn the_written_back_state_keeps_the_invariants() {
    let Some(mut sim) = gpu_sim(default_scaled(2500)) else {
        return;
    };
    for _ in 0..8 {
        run(&mut sim, 40);
        check_invariants(&sim);
    }
    let c = sim.counters();
    assert!(
        c.total(|t| t.births) > 0 && c.total(|t| t.deaths) > 0,
        "{c:?}"
    );
}

#[test]
fn gpu_statistics_match_the_cpu_reduction() {
    let Some(mut sim) = gpu_sim(default_scaled(4000)) else {
        return;
    };
    run(&mut sim, 60);
    let tribes = sim.scenario().tribes.len();
    let gpu = sim.gene_stats();
    let cpu = gene_stats(sim.entities(), tribes);
    for (t, (g, c)) in gpu.iter().zip(&cpu).enumerate() {
        for k in 0..g.len() {
            let (g, c) = (g[k], c[k]);
            let scale = 1e-4 * (1.0 + c.mean.abs() + c.std);
            assert!(
                (g.mean - c.mean).abs() <= scale,
                "tribe {t} gene {k}: {g:?} vs {c:?}"
            );
            assert!(
                (g.std - c.std).abs() <= scale,
                "tribe {t} gene {k}: {g:?} vs {c:?}"
            );
            assert_eq!((g.min, g.max), (c.min, c.max), "tribe {t} gene {k}");
            assert_eq!(g.hist, c.hist, "tribe {t} gene {k} histogram");
        }
    }
}

#[test]
fn switching_backends_keeps_the_world() {
    let Some(mut sim) = gpu_sim(default_scaled(2000)) else {
        return;
    };
    run(&mut sim, 45);
    let before = (sim.state_hash(), sim.population(), sim.tick());
    let food = sim.food().quanta.clone();
    sim.switch_backend(None).unwrap();
    assert_eq!(sim.backend(), Backend::Cpu);
    assert_eq!((sim.state_hash(), sim.population(), sim.tick()), before);
    assert_eq!(sim.food().quanta, food);
    run(&mut sim, 30);
    check_invariants(&sim);
    let (hash, food) = (sim.state_hash(), sim.food().quanta.clone());
    sim.switch_backend(Some(evosim::gpu::GpuContext::new().unwrap()))
        .unwrap();
    assert_eq!(sim.backend(), Backend::Gpu);
    assert_eq!(sim.state_hash(), hash);
    assert_eq!(sim.food().quanta, food);
    run(&mut sim, 30);
    check_invariants(&sim);
}

/// Genes live in two bindings (16 and 4 bytes a slot) so that no binding
/// outgrows `max_storage_buffer_binding_size` before `info` (16 bytes a
/// slot). On a device whose binding limit lies between 16 and 20 bytes per
/// slot — where genes in one binding (20 bytes a slot) could not be bound —
/// the GPU backend runs, and gives the state hash of the same world on the
/// adapter's own limits.
#[test]
fn genes_in_two_bindings_fit_where_one_would_not() {
    let s = default_scaled(60_000);
    let Some(mut full) = gpu_sim(s.clone()) else {
        return;
    };
    let slots = full.entities().capacity() as u64;
    let limit = slots * 17;
    assert!(slots * 20 > limit && slots * 16 <= limit);
    let ctx = evosim::gpu::GpuContext::with_limits(|l| l.max_storage_buffer_binding_size = limit)
        .expect("a device with a lower binding limit");
    assert_eq!(ctx.device.limits().max_storage_buffer_binding_size, limit);
    let mut small =
        Simulation::on_device(s, Some(ctx), 0).expect("fits in bindings of 17 B a slot");
    // The per-slot buffers grown to the whole capacity (they start smaller).
    small
        .gpu_mut()
        .unwrap()
        .reserve_slots(slots as usize)
        .unwrap();
    full.gpu_mut()
        .unwrap()
        .reserve_slots(slots as usize)
        .unwrap();
    let b = small.gpu().expect("on the GPU").buffers();
    assert_eq!(b.genes_a.size(), slots * 16);
    assert_eq!(b.genes_b.size(), slots * 4);
    run(&mut full, 20);
    run(&mut small, 20);
    assert_eq!(full.state_hash(), small.state_hash());
    check_invariants(&small);
}

/// One blocking map a tick (issue 19): the counts, the lists' prefixes and
/// their participant records come back together. Lists that outgrow their
/// prefixes (here forced by a cap of one entry) are read whole by a second
/// map, and give the same world.
#[test]
fn one_map_a_tick_and_the_second_map_gives_the_same_world() {
    let s = default_scaled(3000);
    let Some(mut a) = gpu_sim(s.clone()) else {
        return;
    };
    let mut b = gpu_sim(s).unwrap();
    b.gpu_mut().unwrap().cap_list_prefixes(Some(1));
    run(&mut a, 20);
    let (maps, ticks) = (a.gpu().unwrap().maps(), a.tick());
    run(&mut a, 100);
    let per_tick = (a.gpu().unwrap().maps() - maps) as f64 / (a.tick() - ticks) as f64;
    assert!(per_tick <= 1.05, "{per_tick} maps a tick");
    assert_eq!(a.gpu().map(|g| g.last_tick().maps), Some(1));
    run(&mut b, 120);
    let extra = b.gpu().unwrap().maps() - 120;
    assert!(
        extra >= 60,
        "the capped run read its lists in second maps: {extra} of 120 ticks"
    );
    assert_eq!(a.state_hash(), b.state_hash());
    assert_eq!(a.counters(), b.counters());
}

/// The GPU backend rebalances its regions from `region_of`'s histograms
/// (no position is read back): the boundaries move toward the load, and
/// rebalance ticks map one buffer like any other.
#[test]
fn the_gpu_rebalances_from_histograms_in_its_one_map() {
    let mut s = default_scaled(1500);
    s.regions.rebalance_interval = 50;
    s.regions.rows = 2;
    s.regions.cols = 2;
    let Some(mut sim) = gpu_sim(s) else {
        return;
    };
    let mut maps = Vec::new();
    for _ in 0..100 {
        sim.step().unwrap();
        maps.push(sim.gpu().unwrap().last_tick().maps);
    }
    assert_eq!((maps[49], maps[99]), (1, 1), "rebalance ticks map once");
    crate::common::assert_rebalanced_2x2(&sim);
}

/// Species on the GPU backend: founded where births are committed (on the
/// CPU), their tags carried to the device with the newborn and through the
/// slot re-sorts (the invariants check every creature's tag and each
/// species' count and gene sums against the state read back), the same
/// tree twice on one adapter.
#[test]
fn species_on_the_gpu_backend_are_repeatable_and_kept_exact() {
    let mut s = default_scaled(1500);
    s.species.threshold = 0.1;
    let Some(mut a) = gpu_sim(s.clone()) else {
        return;
    };
    let mut b = gpu_sim(s).unwrap();
    run(&mut a, 400);
    run(&mut b, 400);
    check_invariants(&a);
    let book = a.species();
    assert!(book.total() > 8, "{} species founded", book.total());
    assert_eq!(a.species_hash(), b.species_hash());
    assert_eq!(a.phylogeny(), b.phylogeny());
    assert_eq!(a.species().list, b.species().list);
}

#[test]
fn the_gpu_engine_runs_the_stages_in_the_documented_order() {
    let mut s = default_scaled(1500);
    s.hash.reorder_interval = 5;
    let Some(mut sim) = gpu_sim(s) else {
        return;
    };
    for _ in 0..12 {
        let tick = sim.tick();
        sim.step().unwrap();
        let reorder = tick.is_multiple_of(5);
        let want = evosim::common::Pass::tick_order(reorder, true);
        assert_eq!(sim.last_tick_order(), want, "tick {tick}");
    }
}
