//! Neighbour search over the counting-sort spatial hash. The contract: cells
//! are taken in rings outward from the entity's own cell (ring `k` = cells at
//! Chebyshev distance `k`, in row-major order), each cell's entities in
//! ascending id order; a neighbour is accepted when it lies within the radius
//! (across the wrap) and inside the view cone; the first `max` accepted in
//! that order are the neighbours. Shared by `steer` and the tests.
//!
//! Two implementations with bit-identical results: [`for_each_neighbor_rings`]
//! walks the rings cell by cell and stops at `max` (the reference, and the
//! fallback for very wide searches); [`for_each_neighbor`] filters each row's
//! run of visited cells in fixed-width lanes and sorts the few accepted into
//! ring order (see `lanes`).

use glam::Vec2;

use crate::model::grid::{Grid, delta2};

mod lanes;

/// Margin (wu) by which a cell must lie behind an entity to be skipped unread.
const CULL_MARGIN: f32 = 0.01;

/// The inputs of a neighbour query that do not change per entity.
#[derive(Clone, Copy)]
pub struct HashView<'a> {
    /// The hash grid.
    pub grid: &'a Grid,
    /// Cell offsets (exclusive prefix sum; one more entry than cells).
    pub offsets: &'a [u32],
    /// Slots in cell order.
    pub sorted: &'a [u32],
    /// Positions gathered in cell order (`sorted_pos[k] = pos[sorted[k]]`),
    /// so that the search reads memory contiguously.
    pub sorted_pos: &'a [[f32; 2]],
    /// Positions of all slots.
    pub pos: &'a [[f32; 2]],
    /// World size (wu).
    pub world: [f32; 2],
}

/// Offsets `[-lo, hi]` to visit along one axis so that each column is visited
/// at most once even when the search is wider than the world.
#[inline]
fn axis_bounds(reach: i64, cells: i64) -> (i64, i64) {
    if 2 * reach < cells {
        (reach, reach)
    } else {
        let lo = (cells - 1) / 2;
        (lo, cells - 1 - lo)
    }
}

/// Distance along one axis from a point `l` into its own cell to the near
/// edge of the cell `d` cells away (`size`: the cell size, 0 where the axis
/// is not culled).
#[inline(always)]
fn gap(d: i64, l: f32, size: f32) -> f32 {
    match d {
        _ if size == 0.0 => 0.0,
        0 => 0.0,
        d if d > 0 => d as f32 * size - l,
        d => l - (d + 1) as f32 * size,
    }
}

/// `x.ceil() as i64` without `ceil` (a library call on x86-64 without
/// SSE4.1): truncate, then step up when that fell below `x`.
#[inline(always)]
fn ceil_i64(x: f32) -> i64 {
    let t = x as i64;
    if (t as f32) < x {
        t.saturating_add(1)
    } else {
        t
    }
}

/// A column or row index one step outside `[0, n)` brought back inside
/// (the search never reaches further: see [`axis_bounds`]).
#[inline(always)]
fn wrap_cell(v: i64, n: i64) -> i64 {
    if v < 0 {
        v + n
    } else if v >= n {
        v - n
    } else {
        v
    }
}

/// One entity's query: who asks, from where, looking where, how far, how
/// many, and how many it has accepted so far.
struct Query {
    me: usize,
    p: Vec2,
    heading: Vec2,
    cos_half: f32,
    /// `cos_half²`, for the cone test without a square root ([`in_cone`]).
    cos2: f32,
    r2: f32,
    max: u32,
    accepted: u32,
}

/// The cells a query visits and what lets it skip one unread.
struct Rings {
    /// The own cell.
    cx: i64,
    cy: i64,
    /// Offsets visited per axis: `[-lox, hix]`, `[-loy, hiy]`.
    lox: i64,
    hix: i64,
    loy: i64,
    hiy: i64,
    /// The last ring.
    kmax: i64,
    /// Position inside the own cell, for culling cells wholly beyond the radius.
    lx: f32,
    ly: f32,
    /// Cell sizes for the distance culling (0 on an axis where the search is
    /// wider than the world: there a visited cell stands for several images,
    /// so its geometry says nothing).
    cull_w: f32,
    cull_h: f32,
    /// Whether cells behind the view cone are skipped (cones up to 180°, and
    /// neither axis wider than the world).
    cull_cone: bool,
}

impl Rings {
    #[inline(always)]
    fn new(g: &Grid, q: &Query, radius: f32) -> Self {
        let (cx, cy) = g.cell_xy(q.p.into());
        let (cx, cy) = (cx as i64, cy as i64);
        let reach_x = ceil_i64(radius * g.inv_w + 1e-4);
        let reach_y = ceil_i64(radius * g.inv_h + 1e-4);
        let (lox, hix) = axis_bounds(reach_x, g.cols as i64);
        let (loy, hiy) = axis_bounds(reach_y, g.rows as i64);
        let clipped_x = 2 * reach_x >= g.cols as i64;
        let clipped_y = 2 * reach_y >= g.rows as i64;
        let all_around = q.cos_half < 0.0;
        Self {
            cx,
            cy,
            lox,
            hix,
            loy,
            hiy,
            kmax: lox.max(hix).max(loy).max(hiy),
            lx: q.p.x - cx as f32 * g.cell_w,
            ly: q.p.y - cy as f32 * g.cell_h,
            cull_w: if clipped_x { 0.0 } else { g.cell_w },
            cull_h: if clipped_y { 0.0 } else { g.cell_h },
            cull_cone: !all_around && !clipped_x && !clipped_y,
        }
    }

    /// Whether the cell `(dx, dy)` away lies wholly behind the entity (every
    /// point at a negative dot product with the heading, by a margin): it
    /// holds nobody inside a cone of up to 180°.
    #[inline(always)]
    fn behind(&self, g: &Grid, heading: Vec2, dx: i64, dy: i64) -> bool {
        self.cull_cone && self.cone_x(g, heading, dx) + self.cone_y(g, heading, dy) < -CULL_MARGIN
    }

    /// The x term of [`Rings::behind`]'s dot product for column offset `dx`:
    /// `heading.x` times the offset to the cell's edge furthest along it.
    #[inline(always)]
    fn cone_x(&self, g: &Grid, heading: Vec2, dx: i64) -> f32 {
        let x = if heading.x > 0.0 {
            (dx + 1) as f32 * g.cell_w - self.lx
        } else {
            dx as f32 * g.cell_w - self.lx
        };
        heading.x * x
    }

    /// The y term of [`Rings::behind`]'s dot product for row offset `dy`.
    #[inline(always)]
    fn cone_y(&self, g: &Grid, heading: Vec2, dy: i64) -> f32 {
        let y = if heading.y > 0.0 {
            (dy + 1) as f32 * g.cell_h - self.ly
        } else {
            dy as f32 * g.cell_h - self.ly
        };
        heading.y * y
    }

    /// Visits ring `k` (row-major); returns whether the query is full.
    #[inline(always)]
    fn ring(&self, h: &HashView<'_>, q: &mut Query, k: i64, f: &mut impl Visit) -> bool {
        let g = h.grid;
        let (cols, rows) = (g.cols as i64, g.rows as i64);
        for dy in -k..=k {
            if dy < -self.loy || dy > self.hiy {
                continue;
            }
            let gy = gap(dy, self.ly, self.cull_h);
            let gy2 = gy * gy;
            if gy2 > q.r2 {
                continue;
            }
            let y = wrap_cell(self.cy + dy, rows);
            let full_row = dy.abs() == k;
            let mut dx = -k;
            while dx <= k {
                let gx = gap(dx, self.lx, self.cull_w);
                if dx >= -self.lox
                    && dx <= self.hix
                    && gx * gx + gy2 <= q.r2
                    && !self.behind(g, q.heading, dx, dy)
                {
                    let x = wrap_cell(self.cx + dx, cols);
                    if q.scan_cell(h, (y * cols + x) as usize, f) {
                        return true;
                    }
                }
                dx += if full_row || k == 0 { 1 } else { 2 * k };
            }
        }
        false
    }
}

impl Query {
    #[inline(always)]
    fn new(
        h: &HashView<'_>,
        me: usize,
        heading: Vec2,
        radius: f32,
        cos_half: f32,
        max: u32,
    ) -> Self {
        Self {
            me,
            p: Vec2::from(h.pos[me]),
            heading,
            cos_half,
            cos2: cos_half * cos_half,
            r2: radius * radius,
            max,
            accepted: 0,
        }
    }

    /// Visits the accepted entities of one hash cell in ascending id;
    /// returns whether the query is full.
    #[inline(always)]
    fn scan_cell(&mut self, h: &HashView<'_>, cell: usize, f: &mut impl Visit) -> bool {
        let world = Vec2::from(h.world);
        let (a, b) = (h.offsets[cell] as usize, h.offsets[cell + 1] as usize);
        for (n, &other) in h.sorted_pos[a..b].iter().enumerate() {
            let d = delta2(self.p, Vec2::from(other), world);
            let d2 = d.length_squared();
            if d2 > self.r2 {
                continue;
            }
            let j = h.sorted[a + n] as usize;
            if j == self.me {
                continue;
            }
            if !in_cone(self.heading.dot(d), d2, self.cos_half, self.cos2) {
                continue;
            }
            f.visit(a + n, j, d, d2.sqrt());
            self.accepted += 1;
            if self.accepted >= self.max {
                return true;
            }
        }
        false
    }
}

/// What a neighbour search calls for each accepted neighbour, in order:
/// `visit(sorted_index, slot, delta_to_neighbour, distance)`. Any
/// `FnMut(usize, usize, Vec2, f32)` is one; `steer` implements it on its
/// own type with an always-inlined `visit`, so that the per-neighbour work
/// lands inside the search's loop (a closure with two callers, the lanes and
/// the ring walk, stayed a call per neighbour).
pub trait Visit {
    /// One accepted neighbour.
    fn visit(&mut self, sorted_index: usize, slot: usize, d: Vec2, dist: f32);
}

impl<F: FnMut(usize, usize, Vec2, f32)> Visit for F {
    #[inline(always)]
    fn visit(&mut self, sorted_index: usize, slot: usize, d: Vec2, dist: f32) {
        self(sorted_index, slot, d, dist)
    }
}

/// Visits the accepted neighbours of the entity at slot `me`, in order,
/// calling `f(sorted_index, slot, delta_to_neighbour, distance)`, where
/// `sorted_index` is the neighbour's position in cell order (for reading data
/// gathered in that order). `heading` must be a unit
/// vector; `cos_half` is the cosine of half the view angle (≥ 0 for cones up to
/// 180°; use −1 for all around). Returns the number accepted.
///
/// Runs the lane search (`lanes`); searches too wide for it (more than
/// `lanes::MAX_COLS` columns, or more than `lanes::CAP` accepted while `max`
/// allows more) take [`for_each_neighbor_rings`], with the same result.
#[inline]
pub fn for_each_neighbor(
    h: &HashView<'_>,
    me: usize,
    heading: Vec2,
    radius: f32,
    cos_half: f32,
    max: u32,
    mut f: impl Visit,
) -> u32 {
    if max == 0 {
        return 0;
    }
    let q = Query::new(h, me, heading, radius, cos_half, max);
    let rings = Rings::new(h.grid, &q, radius);
    let mut found = lanes::Found::new(max);
    if lanes::search(h, &q, &rings, &mut found) {
        found.visit(h, &q, &mut f)
    } else {
        walk_rings(h, q, &rings, &mut f)
    }
}

/// [`for_each_neighbor`] by walking the rings cell by cell, each cell's
/// entities one at a time, stopping as soon as `max` are accepted: the
/// reference that the lane search must match bit for bit, and its fallback.
pub fn for_each_neighbor_rings(
    h: &HashView<'_>,
    me: usize,
    heading: Vec2,
    radius: f32,
    cos_half: f32,
    max: u32,
    mut f: impl Visit,
) -> u32 {
    if max == 0 {
        return 0;
    }
    let q = Query::new(h, me, heading, radius, cos_half, max);
    let rings = Rings::new(h.grid, &q, radius);
    walk_rings(h, q, &rings, &mut f)
}

/// Visits the rings in order until the query is full; the number accepted.
fn walk_rings(h: &HashView<'_>, mut q: Query, rings: &Rings, f: &mut impl Visit) -> u32 {
    for k in 0..=rings.kmax {
        if rings.ring(h, &mut q, k, f) {
            break;
        }
    }
    q.accepted
}

/// The view-cone test: whether a neighbour at squared distance `d2` whose
/// offset has dot product `dot` with the (unit) heading lies inside the cone
/// of half-angle cosine `cos_half` (`cos2` = `cos_half²`), i.e. `dot ≥
/// cos_half · √d2`, decided without the square root: for `cos_half ≥ 0`,
/// `dot ≥ 0` and `dot² ≥ cos2 · d2`; for `cos_half < 0` (cones wider than
/// 180°), `dot ≥ 0` or `dot² ≤ cos2 · d2`. Plain f32 products and compares,
/// the same in the lane search, in the browser and in `shaders/steer.wgsl`.
#[inline(always)]
pub fn in_cone(dot: f32, d2: f32, cos_half: f32, cos2: f32) -> bool {
    if cos_half >= 0.0 {
        dot >= 0.0 && dot * dot >= cos2 * d2
    } else {
        dot >= 0.0 || dot * dot <= cos2 * d2
    }
}

/// Cosine of half a view angle given in degrees (15°–90° half angles), by a
/// polynomial of plain multiplies and adds so that every platform and the WGSL
/// twin agree.
#[inline]
pub fn cos_half_angle(view_angle_deg: f32) -> f32 {
    let x = view_angle_deg * (std::f32::consts::PI / 360.0);
    let x2 = x * x;
    1.0 - x2 / 2.0 * (1.0 - x2 / 12.0 * (1.0 - x2 / 30.0 * (1.0 - x2 / 56.0 * (1.0 - x2 / 90.0))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cos_half_angle_is_accurate() {
        for deg in [30.0f32, 60.0, 90.0, 120.0, 150.0, 180.0] {
            let exact = (deg.to_radians() / 2.0).cos();
            assert!((cos_half_angle(deg) - exact).abs() < 2e-6, "{deg}");
        }
    }

    #[test]
    fn in_cone_is_the_cone() {
        // Against `dot >= cos_half * |d|` wherever the two sides are apart by
        // more than rounding; cones of 30° to 360°, offsets all around.
        let cones = [0.966f32, 0.5, 0.1, 0.0, -1e-7, -0.3, -0.9, -1.0];
        let heading = Vec2::new(0.6, 0.8);
        let (mut inside, mut outside) = (0, 0);
        for &c in &cones {
            for k in 0..720 {
                let a = k as f32 * (std::f32::consts::TAU / 720.0);
                for len in [0.0f32, 1e-3, 0.7, 13.0, 95.5] {
                    let d = Vec2::new(a.cos(), a.sin()) * len;
                    let (dot, d2) = (heading.dot(d), d.length_squared());
                    let margin = dot - c * d2.sqrt();
                    if margin.abs() <= 1e-4 * (1.0 + len) && len > 0.0 {
                        continue;
                    }
                    let got = in_cone(dot, d2, c, c * c);
                    assert_eq!(got, margin >= 0.0, "cos {c}, angle {a}, length {len}");
                    if got {
                        inside += 1;
                    } else {
                        outside += 1;
                    }
                }
            }
        }
        assert!(
            inside > 1000 && outside > 1000,
            "{inside} inside, {outside} outside"
        );
    }

    #[test]
    fn ceil_i64_is_ceil() {
        let mut xs = vec![
            0.0f32,
            -0.0,
            1e-4,
            0.5,
            1.0,
            1.0001,
            2.999_999_8,
            3.0,
            -0.5,
            -1.0,
            -1.5,
            8_388_607.5,
            8_388_608.0,
            1e20,
            -1e20,
            f32::MAX,
            f32::INFINITY,
            f32::NEG_INFINITY,
            f32::NAN,
        ];
        xs.extend((0..20_000).map(|i| i as f32 * 0.013_7 - 30.0));
        for x in xs {
            assert_eq!(ceil_i64(x), x.ceil() as i64, "{x}");
        }
    }

    #[test]
    fn axis_bounds_never_repeat_a_column() {
        for cells in 1..9 {
            for reach in 0..6 {
                let (lo, hi) = axis_bounds(reach, cells);
                assert!(lo + hi < cells, "cells {cells} reach {reach}");
                assert!(lo.min(reach) == lo && hi <= reach.max(hi));
            }
        }
    }
}
