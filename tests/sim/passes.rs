//! Per-pass checks against hand-computed cases: speed clamp, wrap, terrain
//! sliding, feeding conservation, births beyond capacity, and the population
//! invariant over whole runs.

use crate::common::{check_invariants, default_scaled, scenario, sim};
use evosim::common::NONE;
use evosim::cpu::feed::{Eaters, feed_apply, feed_count, plant_efficiency};
use evosim::cpu::integrate::{Body, integrate_one};
use evosim::model::entities::{Entities, FLAG_ALIVE, SlotState};
use evosim::model::food::Food;
use evosim::model::genes::{GENE_RANGES, Gene, Genes, gene, pack};
use evosim::model::params::SimParams;
use evosim::model::terrain::{Biome, Terrain};

fn genes_with(speed: f32, diet: f32) -> evosim::model::genes::PackedGenes {
    let mut g = GENE_RANGES.map(|r| 0.5 * (r.0 + r.1));
    g[Gene::Speed as usize] = speed;
    g[Gene::Diet as usize] = diet;
    pack(&Genes(g))
}

/// An entity at rest in slot `k` (tribe `tribe`, id `k`) with 20 e, for the
/// feeding tests.
fn place_still(e: &mut Entities, k: usize, tribe: u16, pos: [f32; 2], diet: f32) {
    e.set(&SlotState {
        slot: k as u32,
        id: k as u32,
        tribe_flags: tribe as u32 | FLAG_ALIVE,
        pos,
        vel: [0.0, 0.0],
        energy: 20.0,
        age: 0.0,
        genes: genes_with(10.0, diet),
    });
}

/// The four fields `integrate_one` moves, from separate variables.
fn body<'a>(
    pos: &'a mut [f32; 2],
    vel: &'a mut [f32; 2],
    energy: &'a mut f32,
    age: &'a mut f32,
) -> Body<'a> {
    Body {
        pos,
        vel,
        energy,
        age,
    }
}

#[test]
fn speed_is_clamped_to_the_speed_gene() {
    let p = SimParams::default();
    let t = Terrain::uniform(&p.world, &p.terrain, Biome::Grassland);
    let g = genes_with(12.0, 0.0);
    let max = gene(&g, Gene::Speed);
    for acc in [[1e6f32, 0.0], [-3e5, 4e5], [0.0, 10.0]] {
        let (mut pos, mut vel, mut en, mut age) = ([100.0, 100.0], [11.0, 0.0], 50.0, 0.0);
        integrate_one(&p, &t, acc, &g, body(&mut pos, &mut vel, &mut en, &mut age));
        let s = (vel[0] * vel[0] + vel[1] * vel[1]).sqrt();
        assert!(s <= max * (1.0 + 1e-6), "speed {s} > {max}");
        assert!((age - p.world.dt).abs() < 1e-9);
        assert!(en < 50.0, "moving costs energy");
    }
}

#[test]
fn positions_wrap_around_the_torus() {
    let p = SimParams::default();
    let (w, h) = (p.world.width, p.world.height);
    let t = Terrain::uniform(&p.world, &p.terrain, Biome::Grassland);
    let g = genes_with(25.0, 0.0);
    let cases = [
        ([w - 0.1, 10.0], [20.0, 0.0]),
        ([0.05, 10.0], [-20.0, 0.0]),
        ([10.0, h - 0.01], [0.0, 24.0]),
        ([10.0, 0.0], [0.0, -24.0]),
    ];
    for (start, v0) in cases {
        let (mut pos, mut vel, mut en, mut age) = (start, v0, 50.0, 0.0);
        integrate_one(
            &p,
            &t,
            [0.0, 0.0],
            &g,
            body(&mut pos, &mut vel, &mut en, &mut age),
        );
        assert!(
            pos[0] >= 0.0 && pos[0] < w && pos[1] >= 0.0 && pos[1] < h,
            "{start:?} -> {pos:?}"
        );
        let moved = [
            evosim::model::grid::delta(start[0], pos[0], w),
            evosim::model::grid::delta(start[1], pos[1], h),
        ];
        assert!(
            (moved[0] - v0[0] * p.world.dt).abs() < 1e-3
                && (moved[1] - v0[1] * p.world.dt).abs() < 1e-3
        );
    }
}

#[test]
fn terrain_is_never_entered_and_movement_slides() {
    let p = SimParams::default();
    let mut t = Terrain::uniform(&p.world, &p.terrain, Biome::Grassland);
    // A wall of ocean: the column of cells at x in [640, 704).
    let col = (640.0 / t.grid.cell_w) as u32;
    for y in 0..t.grid.rows {
        std::sync::Arc::make_mut(&mut t.cells)[(y * t.grid.cols + col) as usize] =
            Biome::Ocean as u8;
    }
    let g = genes_with(25.0, 0.0);
    let (mut pos, mut vel, mut en, mut age) = ([639.9, 300.0], [20.0, 10.0], 50.0, 0.0);
    for _ in 0..100 {
        integrate_one(
            &p,
            &t,
            [50.0, 0.0],
            &g,
            body(&mut pos, &mut vel, &mut en, &mut age),
        );
        assert!(t.passable(pos), "entered the wall at {pos:?}");
    }
    assert!(pos[1] > 310.0, "slid along the wall: {pos:?}");
    assert_eq!(vel[0], 0.0, "the blocked axis stops");
    // Boxed in on all sides: it stays where it is.
    let mut t2 = Terrain::uniform(&p.world, &p.terrain, Biome::Ocean);
    let c = t2.grid.index([100.0, 100.0]) as usize;
    std::sync::Arc::make_mut(&mut t2.cells)[c] = Biome::Forest as u8;
    let (mut pos, mut vel) = ([127.9, 127.9], [25.0, 25.0]);
    for _ in 0..50 {
        integrate_one(
            &p,
            &t2,
            [80.0, 80.0],
            &g,
            body(&mut pos, &mut vel, &mut en, &mut age),
        );
        assert!(t2.passable(pos));
    }
}

#[test]
fn food_eaten_equals_food_removed() {
    let p = SimParams::default();
    let t = Terrain::uniform(&p.world, &p.terrain, Biome::Forest);
    let mut food = Food::new(&p.world, &p.food, &p.terrain, &t);
    // A nearly empty cell shared by many eaters, and a full cell with one.
    let scarce = food.grid.index([8.0, 8.0]) as usize;
    food.set_amount(scarce, 0.01);
    let mut e = Entities::with_capacity(64);
    for k in 0..40 {
        let (pos, diet) = if k < 30 {
            ([8.0 + (k % 5) as f32, 8.0], -1.0)
        } else {
            ([100.0, 100.0], -0.2 + 0.05 * k as f32 - 1.5)
        };
        place_still(&mut e, k, 0, pos, diet);
    }
    // A carnivore in the scarce cell does not graze.
    place_still(&mut e, 40, 1, [9.0, 9.0], 0.9);
    let before = food.total();
    let energy_before: Vec<f32> = e.energy.clone();
    let (mut cell, mut eaters) = (vec![NONE; 64], Eaters::default());
    let order: Vec<u32> = (0..64).filter(|&i| e.alive(i as usize)).collect();
    feed_count(&p, &e, &food, &order, 64, &mut cell, &mut eaters);
    let per_cell = eaters.per_cell(&order, &cell, food.grid.len());
    assert_eq!(per_cell[scarce], 30);
    // The per-grazer counts agree with counting the cells directly.
    let mut direct = vec![0u32; food.grid.len()];
    for &s in &order {
        if cell[s as usize] != NONE {
            direct[cell[s as usize] as usize] += 1;
        }
    }
    assert_eq!(per_cell, direct);
    for (k, &s) in order.iter().enumerate() {
        let c = cell[s as usize];
        let expect = if c == NONE { 0 } else { direct[c as usize] };
        assert_eq!(eaters.of(s as usize), expect, "grazer {k}");
        let first = c != NONE && order[..k].iter().all(|&o| cell[o as usize] != c);
        assert_eq!(
            eaters.is_first(s as usize),
            first,
            "first grazer of its cell: {k}"
        );
    }
    assert_eq!(cell[40], NONE);
    // Each cell's share, from the amounts before eating.
    let bite = p.food.bite * p.world.dt;
    let take: Vec<f32> = (0..food.grid.len())
        .map(|c| {
            if per_cell[c] > 0 {
                bite.min(food.amount(c) / per_cell[c] as f32)
            } else {
                0.0
            }
        })
        .collect();
    let eaten = feed_apply(&p, 64, &cell, &eaters, &mut e, &mut food);
    assert_eq!(
        food.cooldown.get(scarce),
        food.cooldown_ticks(),
        "an eaten cell starts its cooldown"
    );
    let removed = before - food.total();
    assert!(eaten > 0.0);
    // Two cells were eaten; each keeps the nearest whole quantum to what
    // is left: at most half a quantum each from what was eaten.
    assert!(
        (eaten - removed).abs() <= food.quantum().size as f64 + 1e-5,
        "eaten {eaten} removed {removed}"
    );
    assert_eq!(
        food.quanta[scarce], 0,
        "the scarce cell is shared out, never negative"
    );
    let mut gained = 0.0f64;
    for i in 0..41 {
        let d = e.energy[i] - energy_before[i];
        if cell[i] != NONE {
            let expect = take[cell[i] as usize]
                * p.food.energy_per_unit
                * plant_efficiency(gene(&e.genes[i], Gene::Diet));
            assert!((d - expect).abs() < 1e-5);
            gained += take[cell[i] as usize] as f64;
        } else {
            assert_eq!(d, 0.0);
        }
    }
    assert!((gained - eaten).abs() < 1e-6);
}

#[test]
fn births_beyond_capacity_are_dropped_and_counted() {
    let s = scenario(
        r#"
        capacity = 300
        [world]
        width = 512
        height = 512
        [terrain]
        ocean_level = 0.0
        mountain_level = 1.0
        [energy]
        initial = 100
        repro_threshold = 20
        child_share = 0.1
        maturity = 0
        [[tribes]]
        name = "Rabbits"
        count = 250
        genes.repro_chance = { mean = 0.2 }
        genes.diet = { mean = -1 }
        "#,
    );
    let mut sim = sim(s, 2);
    for _ in 0..300 {
        sim.step().unwrap();
        check_invariants(&sim);
        assert!(sim.population() <= 300);
    }
    let c = sim.counters();
    assert!(c.births_dropped > 0, "some births found no slot");
    assert!(c.total(|t| t.births) > 0);
}

#[test]
fn population_balance_holds_every_tick() {
    let mut sim = sim(default_scaled(1500), 2);
    for _ in 0..1200 {
        sim.step().unwrap();
        check_invariants(&sim);
    }
    let c = sim.counters();
    assert!(c.total(|t| t.births) > 0 && c.total(|t| t.deaths) > 0);
}

#[test]
fn feeding_many_grazers_matches_a_serial_count() {
    // Enough grazers for several chunks of the grouping by row and a world
    // of several bands of rows, in an order that is not slot order, crowded
    // into few cells so that cells have many grazers and many firsts.
    let p = SimParams::default();
    let t = Terrain::uniform(&p.world, &p.terrain, Biome::Forest);
    let mut food = Food::new(&p.world, &p.food, &p.terrain, &t);
    let n = 60_000usize;
    let mut e = Entities::with_capacity(n + 10);
    let mut x = 0x2545_f491u32;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        x
    };
    for k in 0..n {
        let (a, b) = (next(), next());
        // A third stay out of the food: carnivores.
        let diet = if a % 3 == 0 { 0.9 } else { -0.8 };
        let pos = [
            (a >> 8) as f32 % p.world.width,
            (b % 2048) as f32 * (p.world.height / 2048.0) * 0.25,
        ];
        place_still(&mut e, k, 0, pos, diet);
    }
    for c in 0..food.grid.len() {
        food.set_amount(c, (c % 7) as f32 * 0.05);
    }
    let mut order: Vec<u32> = (0..n as u32).collect();
    order.sort_by_key(|&s| s.wrapping_mul(0x9e37_79b9));
    let (mut cell, mut eaters) = (vec![NONE; n + 10], Eaters::default());
    feed_count(&p, &e, &food, &order, n, &mut cell, &mut eaters);
    let mut direct = vec![0u32; food.grid.len()];
    for &s in &order {
        if cell[s as usize] != NONE {
            direct[cell[s as usize] as usize] += 1;
        }
    }
    assert_eq!(eaters.per_cell(&order, &cell, food.grid.len()), direct);
    let mut seen = vec![false; food.grid.len()];
    for &s in &order {
        let c = cell[s as usize];
        let expect = if c == NONE { 0 } else { direct[c as usize] };
        assert_eq!(eaters.of(s as usize), expect);
        let first = c != NONE && !std::mem::replace(&mut seen[c as usize], true);
        assert_eq!(eaters.is_first(s as usize), first);
    }
    assert!(direct.iter().filter(|&&k| k > 1).count() > 1000);
    // Every eaten cell as computed cell by cell.
    let bite = p.food.bite * p.world.dt;
    let mut expect = food.clone();
    let mut eaten_direct = 0.0f64;
    for c in 0..food.grid.len() {
        if direct[c] > 0 {
            let (amount, k) = (food.amount(c), direct[c] as f32);
            let take = bite.min(amount / k);
            expect.set_amount(c, (amount - take * k).max(0.0));
            expect.cooldown.set(c, food.cooldown_ticks());
            eaten_direct += take as f64 * k as f64;
        }
    }
    let eaten = feed_apply(&p, n, &cell, &eaters, &mut e, &mut food);
    assert_eq!(food.quanta, expect.quanta);
    assert_eq!(food.cooldown, expect.cooldown);
    assert!(
        (eaten - eaten_direct).abs() <= 1e-9 * eaten_direct,
        "{eaten} vs {eaten_direct}"
    );
}

#[test]
fn the_cpu_engine_runs_the_stages_in_the_documented_order() {
    let mut s = default_scaled(1500);
    s.hash.reorder_interval = 5;
    let mut sim = sim(s, 2);
    for _ in 0..12 {
        let tick = sim.tick();
        sim.step().unwrap();
        let reorder = tick.is_multiple_of(5);
        let want = evosim::common::Pass::tick_order(reorder, false);
        assert_eq!(sim.last_tick_order(), want, "tick {tick}");
    }
}
