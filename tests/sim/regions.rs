//! The region worker pool: the same result for every thread count and region
//! grid, the border cases against the 1x1 run, and recovery from a worker panic.

use crate::common::{check_invariants, default_scaled, scenario, sim};
use evosim::Scenario;

fn run_with(
    mut s: Scenario,
    threads: usize,
    rows: u32,
    cols: u32,
    ticks: u32,
) -> evosim::Simulation {
    s.regions.rows = rows;
    s.regions.cols = cols;
    let mut sim = sim(s, threads);
    for _ in 0..ticks {
        sim.step().unwrap();
    }
    sim
}

#[test]
fn same_hash_for_every_thread_count_and_region_grid() {
    let mut s = default_scaled(1500);
    s.regions.rebalance_interval = 40;
    let reference = run_with(s.clone(), 1, 1, 1, 200);
    let want = (reference.state_hash(), reference.counters().clone());
    for threads in [1, 2, 3, 4, 8] {
        for (rows, cols) in [(1, 1), (2, 2), (4, 4), (3, 5), (8, 8)] {
            let got = run_with(s.clone(), threads, rows, cols, 200);
            assert_eq!(got.regions().grid.len(), (rows * cols) as usize);
            assert_eq!(
                (got.state_hash(), got.counters().clone()),
                want,
                "threads {threads}, regions {rows}x{cols}"
            );
        }
    }
}

/// A 1000 × 1000 world without terrain, split 1x2 at x = 500, with the tribes given.
fn border_world(tribes: &str, extra: &str) -> Scenario {
    scenario(&format!(
        r#"
        capacity = 4000
        [world]
        width = 1000
        height = 1000
        [terrain]
        ocean_level = 0.0
        mountain_level = 1.0
        [regions]
        rows = 1
        cols = 2
        rebalance_interval = 0
        {extra}
        {tribes}
        "#
    ))
}

/// Runs `ticks` ticks with the given grid and with 1x1, checking that both
/// agree every tick; `probe` sees the gridded run after each tick.
fn compare_with_1x1(
    s: &Scenario,
    rows: u32,
    cols: u32,
    ticks: u32,
    mut probe: impl FnMut(&evosim::Simulation),
) {
    let mut one = s.clone();
    one.regions.rows = 1;
    one.regions.cols = 1;
    let mut grid = s.clone();
    grid.regions.rows = rows;
    grid.regions.cols = cols;
    let (mut a, mut b) = (sim(one, 1), sim(grid, 3));
    for _ in 0..ticks {
        a.step().unwrap();
        b.step().unwrap();
        assert_eq!(a.state_hash(), b.state_hash(), "tick {}", a.tick());
        assert_eq!(a.counters(), b.counters());
        check_invariants(&b);
        probe(&b);
    }
}

#[test]
fn attack_across_a_border() {
    let s = border_world(
        r#"
        [[tribes]]
        name = "Wolves"
        count = 12
        spawn_center = [496, 500]
        spawn_radius = 0
        genes.diet = { mean = 1 }
        genes.aggression = { mean = 1 }
        genes.view_angle = { mean = 180 }
        genes.vision = { mean = 60 }
        [[tribes]]
        name = "Deer"
        count = 12
        spawn_center = [503, 500]
        spawn_radius = 0
        genes.diet = { mean = -1 }
        genes.speed = { mean = 5 }
        "#,
        "[energy]\ninitial = 40\n[combat]\nreach = 12\nfight_probability = 40\n",
    );
    let mut across = 0;
    compare_with_1x1(&s, 1, 2, 90, |b| {
        let r = b.regions();
        across += b
            .last_events()
            .attacks
            .iter()
            .filter(|a| r.owner(a.target) != r.owner(a.attacker))
            .count();
    });
    assert!(across > 0, "some attacks crossed the border");
}

#[test]
fn birth_across_a_border_and_migration_across_the_wrap() {
    let s = border_world(
        r#"
        [[tribes]]
        name = "Rabbits"
        count = 40
        spawn_center = [499.9, 500]
        spawn_radius = 0
        genes.repro_chance = { mean = 0.2 }
        genes.diet = { mean = -1 }
        [[tribes]]
        name = "Drifters"
        count = 40
        spawn_center = [999.9, 300]
        spawn_radius = 0
        genes.diet = { mean = -1 }
        genes.speed = { mean = 25 }
        "#,
        "[energy]\ninitial = 100\nrepro_threshold = 20\nmaturity = 0\n",
    );
    let mut seen = (0, 0);
    compare_with_1x1(&s, 1, 2, 120, |b| {
        let st = &b.regions().stats;
        seen = (st[0].births_in.min(st[1].births_in), st[0].migrations_in);
    });
    assert!(
        seen.0 > 0,
        "children were placed on both sides of the border"
    );
    assert!(
        seen.1 > 0,
        "entities migrated into region 0 (across x = 500 or across the wrap)"
    );
}

#[test]
fn entity_on_a_border_empty_regions_and_everyone_in_one_region() {
    let s = border_world(
        r#"
        [[tribes]]
        name = "Corner"
        count = 60
        spawn_center = [100, 100]
        spawn_radius = 40
        [[tribes]]
        name = "Exact"
        count = 1
        spawn_center = [500, 250]
        spawn_radius = 0
        "#,
        "",
    );
    // On the border x = 500 of a 1x2 grid: owned by the region after it.
    let g = evosim::regions::grid::RegionGrid::uniform(1, 2, 1000.0, 1000.0);
    assert_eq!(g.region_of([500.0, 250.0]), 1);
    compare_with_1x1(&s, 1, 2, 60, |_| {});
    // 4x4: fifteen regions start empty, one holds nearly everyone.
    compare_with_1x1(&s, 4, 4, 60, |b| {
        let empty = b
            .regions()
            .stats
            .iter()
            .filter(|r| r.population == 0)
            .count();
        assert!(empty >= 12, "{empty} empty regions");
    });
}

#[test]
fn rebalancing_moves_boundaries_toward_the_load() {
    let mut s = default_scaled(1500);
    s.regions.rebalance_interval = 50;
    let sim = run_with(s, 2, 2, 2, 100);
    crate::common::assert_rebalanced_2x2(&sim);
}
