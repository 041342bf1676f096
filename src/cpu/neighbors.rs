//! Neighbour search over the counting-sort spatial hash: cells are visited in
//! rings outward from the entity's own cell (ring `k` = cells at Chebyshev
//! distance `k`, in row-major order), each cell's entities in ascending id
//! order; a neighbour is accepted when it lies within the radius (across the
//! wrap) and inside the view cone; the search stops as soon as `max`
//! neighbours are accepted (early exit). Shared by `steer` and the tests.

use crate::model::grid::{Grid, delta};

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

/// Visits the accepted neighbours of the entity at slot `me`, in order,
/// calling `f(sorted_index, slot, delta_to_neighbour, distance)`, where
/// `sorted_index` is the neighbour's position in cell order (for reading data
/// gathered in that order). `heading` must be a unit
/// vector; `cos_half` is the cosine of half the view angle (≥ 0 for cones up to
/// 180°; use −1 for all around). Returns the number accepted.
#[inline]
pub fn for_each_neighbor(
    h: &HashView<'_>,
    me: usize,
    heading: [f32; 2],
    radius: f32,
    cos_half: f32,
    max: u32,
    mut f: impl FnMut(usize, usize, [f32; 2], f32),
) -> u32 {
    let g = h.grid;
    let p = h.pos[me];
    let (cx, cy) = g.cell_xy(p);
    let (cx, cy) = (cx as i64, cy as i64);
    let reach_x = (radius * g.inv_w + 1e-4).ceil() as i64;
    let reach_y = (radius * g.inv_h + 1e-4).ceil() as i64;
    let (lox, hix) = axis_bounds(reach_x, g.cols as i64);
    let (loy, hiy) = axis_bounds(reach_y, g.rows as i64);
    let kmax = lox.max(hix).max(loy).max(hiy);
    let r2 = radius * radius;
    let mut accepted = 0u32;
    if max == 0 {
        return 0;
    }
    // Position inside the own cell, for culling cells wholly beyond the radius.
    let lx = p[0] - cx as f32 * g.cell_w;
    let ly = p[1] - cy as f32 * g.cell_h;
    // Where the search is wider than the world along an axis, a visited cell
    // stands for several images: its geometry says nothing, so no culling there.
    let clipped_x = 2 * reach_x >= g.cols as i64;
    let clipped_y = 2 * reach_y >= g.rows as i64;
    let gap = |d: i64, l: f32, size: f32| match d {
        _ if size == 0.0 => 0.0,
        0 => 0.0,
        d if d > 0 => d as f32 * size - l,
        d => l - (d + 1) as f32 * size,
    };
    // A cell wholly behind the entity (every point at a negative dot product
    // with the heading, by a margin) holds nobody inside a cone of up to 180°.
    let behind = |dx: i64, dy: i64| {
        if cos_half < 0.0 || clipped_x || clipped_y {
            return false;
        }
        let x = if heading[0] > 0.0 {
            (dx + 1) as f32 * g.cell_w - lx
        } else {
            dx as f32 * g.cell_w - lx
        };
        let y = if heading[1] > 0.0 {
            (dy + 1) as f32 * g.cell_h - ly
        } else {
            dy as f32 * g.cell_h - ly
        };
        heading[0] * x + heading[1] * y < -CULL_MARGIN
    };
    let (cols, rows) = (g.cols as i64, g.rows as i64);
    for k in 0..=kmax {
        for dy in -k..=k {
            if dy < -loy || dy > hiy {
                continue;
            }
            let gy = gap(dy, ly, if clipped_y { 0.0 } else { g.cell_h });
            let gy2 = gy * gy;
            if gy2 > r2 {
                continue;
            }
            let mut y = cy + dy;
            if y < 0 {
                y += rows;
            } else if y >= rows {
                y -= rows;
            }
            let full_row = dy.abs() == k;
            let mut dx = -k;
            while dx <= k {
                let gx = gap(dx, lx, if clipped_x { 0.0 } else { g.cell_w });
                if dx >= -lox && dx <= hix && gx * gx + gy2 <= r2 && !behind(dx, dy) {
                    let mut x = cx + dx;
                    if x < 0 {
                        x += cols;
                    } else if x >= cols {
                        x -= cols;
                    }
                    let cell = (y * cols + x) as usize;
                    let (a, b) = (h.offsets[cell] as usize, h.offsets[cell + 1] as usize);
                    for (n, q) in h.sorted_pos[a..b].iter().enumerate() {
                        let d = [delta(p[0], q[0], h.world[0]), delta(p[1], q[1], h.world[1])];
                        let d2 = d[0] * d[0] + d[1] * d[1];
                        if d2 > r2 {
                            continue;
                        }
                        let j = h.sorted[a + n] as usize;
                        if j == me {
                            continue;
                        }
                        let dist = d2.sqrt();
                        if heading[0] * d[0] + heading[1] * d[1] < cos_half * dist {
                            continue;
                        }
                        f(a + n, j, d, dist);
                        accepted += 1;
                        if accepted >= max {
                            return accepted;
                        }
                    }
                }
                dx += if full_row || k == 0 { 1 } else { 2 * k };
            }
        }
    }
    accepted
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
