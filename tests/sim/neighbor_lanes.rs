//! The lane search (`for_each_neighbor`) against the ring walk it replaced
//! (`for_each_neighbor_rings`), bit for bit: the same neighbours in the same
//! order with the same cell-order index, delta and distance, on a live world
//! and on worlds narrower than the search, for cones from 30° to all around
//! and caps from 1 to unlimited.

use crate::common::{CpuHash, cpu_hash, default_scaled, sim};
use evosim::cpu::neighbors::{
    HashView, cos_half_angle, for_each_neighbor, for_each_neighbor_rings,
};
use evosim::model::entities::{Entities, FLAG_ALIVE, SlotState};
use evosim::model::genes::{GENE_RANGES, Gene, Genes, gene, pack};
use evosim::model::grid::Grid;
use evosim::model::rng::{rng4, unit};
use glam::Vec2;

/// The counting-sort hash of `e` on a grid of about `cell` wu.
struct Hash {
    grid: Grid,
    offsets: Vec<u32>,
    sorted: Vec<u32>,
    sorted_pos: Vec<[f32; 2]>,
}

impl Hash {
    fn new(e: &Entities, w: f32, h: f32, cell: f32) -> Self {
        let grid = Grid::new(w, h, cell);
        let CpuHash {
            offsets,
            sorted,
            sorted_pos,
            ..
        } = cpu_hash(e, &grid);
        Self {
            grid,
            offsets,
            sorted,
            sorted_pos,
        }
    }

    fn view<'a>(&'a self, e: &'a Entities, w: f32, h: f32) -> HashView<'a> {
        HashView {
            grid: &self.grid,
            offsets: &self.offsets,
            sorted: &self.sorted,
            sorted_pos: &self.sorted_pos,
            pos: &e.pos,
            world: [w, h],
        }
    }
}

/// One visited neighbour, floats as bits.
type Visit = (usize, usize, [u32; 2], u32);

/// Both searches for one query; panics where they differ. Returns the
/// number of neighbours found.
fn compare(hv: &HashView<'_>, me: usize, heading: Vec2, r: f32, cos_half: f32, max: u32) -> usize {
    let run = |lanes: bool| {
        let mut v: Vec<Visit> = Vec::new();
        let f = |k, j, d: Vec2, dist: f32| {
            v.push((k, j, [d.x.to_bits(), d.y.to_bits()], dist.to_bits()))
        };
        let n = if lanes {
            for_each_neighbor(hv, me, heading, r, cos_half, max, f)
        } else {
            for_each_neighbor_rings(hv, me, heading, r, cos_half, max, f)
        };
        assert_eq!(n as usize, v.len());
        v
    };
    let (lanes, rings) = (run(true), run(false));
    assert_eq!(
        lanes, rings,
        "slot {me} heading {heading} r {r} cos_half {cos_half} max {max}"
    );
    lanes.len()
}

/// The heading steering uses: along the velocity, +x at rest.
fn heading(vel: [f32; 2]) -> Vec2 {
    let v = Vec2::from(vel);
    let speed = v.length();
    if speed > 1e-6 { v / speed } else { Vec2::X }
}

#[test]
fn lanes_match_the_ring_walk_on_a_live_world() {
    let mut s = sim(default_scaled(10_000), 2);
    for _ in 0..300 {
        s.step().expect("step");
    }
    let p = s.params().clone();
    let (w, h) = (p.world.width, p.world.height);
    let e = s.entities();
    let hash = Hash::new(e, w, h, p.hash.cell_size);
    let hv = hash.view(e, w, h);
    let cones = [
        -1.0,
        cos_half_angle(180.0),
        cos_half_angle(120.0),
        cos_half_angle(30.0),
    ];
    let (mut queries, mut found) = (0u64, 0u64);
    for me in (0..s.live_end()).filter(|&i| e.alive(i)) {
        let hd = heading(e.vel[me]);
        let vision = gene(&e.genes[me], Gene::Vision);
        // The entity's own vision, the hunting one, and fixed radii up to
        // beyond the lane search's widest (16 columns: the ring walk answers).
        for r in [vision, vision * p.combat.hunt_vision, 40.0, 130.0, 350.0] {
            for cos_half in cones {
                for max in [1, 3, p.hash.max_neighbors, u32::MAX] {
                    found += compare(&hv, me, hd, r, cos_half, max) as u64;
                    queries += 1;
                }
            }
        }
    }
    assert!(queries > 500_000, "{queries} queries");
    assert!(found > queries, "{found} neighbours in {queries} queries");
}

/// `n` entities at random positions in a `w × h` world, slots scrambled.
fn scattered(n: usize, w: f32, h: f32, seed: u64) -> Entities {
    let cap = n + n / 4 + 1;
    let mut e = Entities::with_capacity(cap);
    let g = pack(&Genes(GENE_RANGES.map(|r| r.0)));
    for k in 0..n {
        let r = rng4(seed, 0, k as u32, 1);
        e.set(&SlotState {
            slot: ((k * 7919) % cap) as u32,
            id: (n - k) as u32,
            tribe_flags: (k % 3) as u32 | FLAG_ALIVE,
            pos: [unit(r[0]) * w, unit(r[1]) * h],
            vel: [unit(r[2]) - 0.5, unit(r[3]) - 0.5],
            energy: 1.0,
            age: 0.0,
            genes: g,
        });
    }
    e
}

#[test]
fn lanes_match_the_ring_walk_on_small_and_crowded_worlds() {
    // (w, h, cell, radii): searches wider than the world on one axis or
    // both, a world of one cell, crowded cells (more accepted than the lane
    // search holds when the cap allows them: the ring walk answers), and
    // smaller cells (wider searches, runs across the wrap), and searches
    // inside the world spanning near half of it (where the lane filter
    // must keep the wrap: `plain` in the lane search).
    let worlds: [(f32, f32, f32, &[f32]); 7] = [
        (160.0, 120.0, 40.0, &[30.0, 90.0]),
        (400.0, 90.0, 40.0, &[50.0, 70.0]),
        (100.0, 100.0, 40.0, &[20.0, 60.0, 200.0]),
        (40.0, 40.0, 40.0, &[10.0, 50.0]),
        (300.0, 300.0, 40.0, &[45.0, 90.0]),
        (1000.0, 700.0, 25.0, &[24.0, 60.0, 99.0]),
        (250.0, 330.0, 25.0, &[40.0, 60.0, 99.0]),
    ];
    for (k, &(w, h, cell, radii)) in worlds.iter().enumerate() {
        let n = if k == 4 { 3000 } else { 400 };
        let e = scattered(n, w, h, k as u64);
        let hash = Hash::new(&e, w, h, cell);
        let hv = hash.view(&e, w, h);
        for me in (0..e.capacity()).filter(|&i| e.alive(i)) {
            let a = unit(rng4(7, 0, me as u32, 0)[0]) * std::f32::consts::TAU;
            for hd in [Vec2::new(a.cos(), a.sin()), heading(e.vel[me]), Vec2::X] {
                for &r in radii {
                    for cos_half in [-1.0, 0.0, 0.5, cos_half_angle(90.0)] {
                        for max in [1, 5, 24, 256, u32::MAX] {
                            compare(&hv, me, hd, r, cos_half, max);
                        }
                    }
                }
            }
        }
    }
}
