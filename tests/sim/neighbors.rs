//! The spatial hash and neighbour search against brute force: the same
//! neighbours across the wrap, ring order with ascending ids inside a cell,
//! early exit after `max` accepted, and the view cone.

use crate::common::{CpuHash, cpu_hash};
use evosim::cpu::neighbors::{HashView, cos_half_angle, for_each_neighbor, in_cone};
use evosim::model::entities::{Entities, FLAG_ALIVE, SlotState};
use evosim::model::genes::{GENE_RANGES, Genes, pack};
use evosim::model::grid::{Grid, delta};
use evosim::model::rng::{rng4, unit};
use glam::Vec2;

struct Built {
    grid: Grid,
    offsets: Vec<u32>,
    sorted: Vec<u32>,
    sorted_pos: Vec<[f32; 2]>,
    cell_of: Vec<u32>,
}

fn entities(n: usize, capacity: usize, w: f32, h: f32, seed: u64) -> Entities {
    let mut e = Entities::with_capacity(capacity);
    let g = pack(&Genes(GENE_RANGES.map(|r| r.0)));
    // Slots in a scrambled order with ids not equal to slots, some slots free.
    for k in 0..n {
        let r = rng4(seed, 0, k as u32, 1);
        let slot = (k * 7919) % capacity;
        let id = (n - k) as u32 * 3;
        e.set(&SlotState {
            slot: slot as u32,
            id,
            tribe_flags: (k % 3) as u32 | FLAG_ALIVE,
            pos: [unit(r[0]) * w, unit(r[1]) * h],
            vel: [1.0, 0.0],
            energy: 1.0,
            age: 0.0,
            genes: g,
        });
    }
    e
}

fn build(e: &Entities, w: f32, h: f32, cell: f32) -> Built {
    let grid = Grid::new(w, h, cell);
    let CpuHash {
        cell_of,
        offsets,
        sorted,
        sorted_pos,
    } = cpu_hash(e, &grid);
    Built {
        grid,
        offsets,
        sorted,
        sorted_pos,
        cell_of,
    }
}

fn view<'a>(b: &'a Built, e: &'a Entities, w: f32, h: f32) -> HashView<'a> {
    HashView {
        grid: &b.grid,
        offsets: &b.offsets,
        sorted: &b.sorted,
        sorted_pos: &b.sorted_pos,
        pos: &e.pos,
        world: [w, h],
    }
}

/// Chebyshev distance in cells between two cells, across the wrap.
fn ring(g: &Grid, a: u32, b: u32) -> i64 {
    let (ax, ay) = ((a % g.cols) as i64, (a / g.cols) as i64);
    let (bx, by) = ((b % g.cols) as i64, (b / g.cols) as i64);
    let d = |x: i64, n: i64| {
        let m = (x).rem_euclid(n);
        m.min(n - m)
    };
    d(bx - ax, g.cols as i64).max(d(by - ay, g.rows as i64))
}

#[test]
fn counting_sort_orders_cells_and_ids() {
    for &(n, cap) in &[(0usize, 16usize), (1, 16), (257, 1000), (5000, 9000)] {
        let e = entities(n, cap, 400.0, 300.0, n as u64);
        let b = build(&e, 400.0, 300.0, 40.0);
        assert_eq!(*b.offsets.last().unwrap() as usize, n);
        for c in 0..b.grid.len() {
            let (lo, hi) = (b.offsets[c] as usize, b.offsets[c + 1] as usize);
            for k in lo..hi {
                let s = b.sorted[k] as usize;
                assert_eq!(b.cell_of[s], c as u32);
                assert_eq!(b.grid.index(e.pos[s]), c as u32);
                assert_eq!(b.sorted_pos[k], e.pos[s]);
                if k > lo {
                    assert!(
                        e.id[b.sorted[k - 1] as usize] < e.id[s],
                        "ids ascend inside cell {c}"
                    );
                }
            }
        }
    }
}

fn brute(
    e: &Entities,
    me: usize,
    heading: [f32; 2],
    r: f32,
    cos_half: f32,
    w: f32,
    h: f32,
) -> Vec<usize> {
    (0..e.capacity())
        .filter(|&j| j != me && e.alive(j))
        .filter(|&j| {
            let d = [
                delta(e.pos[me][0], e.pos[j][0], w),
                delta(e.pos[me][1], e.pos[j][1], h),
            ];
            let d2 = d[0] * d[0] + d[1] * d[1];
            let dot = heading[0] * d[0] + heading[1] * d[1];
            d2 <= r * r && in_cone(dot, d2, cos_half, cos_half * cos_half)
        })
        .collect()
}

#[test]
fn search_matches_brute_force_across_the_wrap() {
    // Worlds where the radius reaches across the seam, and one narrower than
    // the search (every column visited once).
    for &(w, h, cell, r) in &[
        (400.0f32, 320.0f32, 40.0f32, 70.0f32),
        (160.0, 120.0, 40.0, 90.0),
        (1000.0, 1000.0, 40.0, 130.0),
    ] {
        let e = entities(600, 700, w, h, 99);
        let b = build(&e, w, h, cell);
        let hv = view(&b, &e, w, h);
        for me in (0..e.capacity()).filter(|&i| e.alive(i)) {
            let a = unit(rng4(5, 0, me as u32, 0)[0]) * std::f32::consts::TAU;
            let heading = Vec2::new(a.cos(), a.sin());
            for cos_half in [-1.0f32, 0.0, 0.5] {
                let mut got = Vec::new();
                for_each_neighbor(
                    &hv,
                    me,
                    heading,
                    r,
                    cos_half,
                    u32::MAX,
                    |_, j, d: Vec2, dist: f32| {
                        assert!(d.length() - dist < 1e-3);
                        got.push(j)
                    },
                );
                let mut sorted_got = got.clone();
                sorted_got.sort();
                let dedup = {
                    let mut v = sorted_got.clone();
                    v.dedup();
                    v
                };
                assert_eq!(dedup.len(), got.len(), "a neighbour was visited twice");
                assert_eq!(
                    sorted_got,
                    brute(&e, me, heading.into(), r, cos_half, w, h),
                    "world {w}x{h} r {r} slot {me}"
                );
                // Ring order outward; ascending id within one cell.
                let me_cell = b.grid.index(e.pos[me]);
                for pair in got.windows(2) {
                    let (ra, rb) = (
                        ring(&b.grid, me_cell, b.cell_of[pair[0]]),
                        ring(&b.grid, me_cell, b.cell_of[pair[1]]),
                    );
                    assert!(ra <= rb, "rings must not go inward");
                    if b.cell_of[pair[0]] == b.cell_of[pair[1]] {
                        assert!(e.id[pair[0]] < e.id[pair[1]]);
                    }
                }
            }
        }
    }
}

#[test]
fn early_exit_takes_the_first_max_in_order() {
    let (w, h) = (300.0, 300.0);
    let e = entities(900, 900, w, h, 3);
    let b = build(&e, w, h, 40.0);
    let hv = view(&b, &e, w, h);
    for me in (0..e.capacity()).filter(|&i| e.alive(i)).take(200) {
        let mut all = Vec::new();
        for_each_neighbor(&hv, me, Vec2::X, 60.0, -1.0, u32::MAX, |_, j, _, _| {
            all.push(j)
        });
        for max in [1u32, 5, 24] {
            let mut some = Vec::new();
            let n = for_each_neighbor(&hv, me, Vec2::X, 60.0, -1.0, max, |_, j, _, _| some.push(j));
            assert_eq!(n as usize, some.len());
            assert_eq!(some, all[..all.len().min(max as usize)]);
        }
    }
}

#[test]
fn view_cone_accepts_only_what_is_in_front() {
    let (w, h) = (400.0, 400.0);
    let mut e = Entities::with_capacity(8);
    let g = pack(&Genes(GENE_RANGES.map(|r| r.0)));
    let me = [200.0, 200.0];
    let others = [
        [210.0, 200.0],  // straight ahead
        [190.0, 200.0],  // straight behind
        [200.5, 210.0],  // just in front of the side (87°)
        [207.0, 205.0],  // 35.5° to the left
        [205.0, 208.66], // 60° to the left
    ];
    for (k, &pos) in std::iter::once(&me).chain(&others).enumerate() {
        e.set(&SlotState {
            slot: k as u32,
            id: k as u32,
            tribe_flags: FLAG_ALIVE,
            pos,
            vel: [1.0, 0.0],
            energy: 1.0,
            age: 0.0,
            genes: g,
        });
    }
    let b = build(&e, w, h, 40.0);
    let hv = view(&b, &e, w, h);
    let seen = |deg: f32| {
        let mut v = Vec::new();
        for_each_neighbor(
            &hv,
            0,
            Vec2::X,
            50.0,
            cos_half_angle(deg),
            24,
            |_, j, _, _| v.push(j),
        );
        v.sort();
        v
    };
    assert_eq!(seen(180.0), vec![1, 3, 4, 5]);
    assert_eq!(seen(90.0), vec![1, 4]);
    assert_eq!(seen(30.0), vec![1]);
    let mut all = Vec::new();
    for_each_neighbor(&hv, 0, Vec2::X, 50.0, -1.0, 24, |_, j, _, _| all.push(j));
    all.sort();
    assert_eq!(all, vec![1, 2, 3, 4, 5]);
}
