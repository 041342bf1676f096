//! The lane search: [`super::for_each_neighbor`] with a branch per row run
//! of cells and per chunk of candidates instead of per cell and per candidate.
//!
//! Per row of the search square, the cells visited are exactly those the
//! ring walk visits, by the same float tests (the axis bounds, the distance
//! cull, the cone cull): a candidate the walk never reads stays unread, so
//! nothing changes at cell edges. Consecutive visited cells of a row are one
//! run of `sorted_pos` (cells are in row-major order), split only where the
//! run crosses the world's column wrap. Each run is filtered `LANES`
//! candidates at a time by the walk's float operations in the walk's order
//! (wrapped delta, `dx*dx + dy*dy`, the radius, the cone), plain IEEE f32 per
//! lane with no fused or reordered arithmetic, so a lane decides exactly as
//! the scalar code does on every target. The accepted are kept sorted by
//! their ring-order key (ring, row, column, position in the cell), the first
//! `max` of them: the walk's order and its early exit.
//!
//! Lanes are `wide` vectors: SSE2 on x86-64 (the baseline; AVX only where the
//! build enables it), simd128 on wasm32 with `+simd128`, plain arrays
//! elsewhere; every one of them rounds each lane as scalar f32 does.

use glam::Vec2;

use super::{CULL_MARGIN, HashView, Query, Rings, gap, wrap_cell};
use crate::model::grid::delta2;

/// Candidates filtered at once, and their vector. Four, not eight: a run
/// holds about four candidates, and eight lanes (two SSE2 vectors) cost 5%
/// more instructions per `steer_one` in callgrind.
const LANES: usize = 4;
type V = wide::f32x4;

/// Widest search (columns) the lane search takes: reaches up to 7 cells.
pub(super) const MAX_COLS: usize = 16;

/// Furthest row offset it takes (the ring-order key holds rows in 10 bits).
const MAX_ROW_REACH: i64 = 511;

/// Most accepted neighbours it holds when `max` allows more.
pub(super) const CAP: usize = 24;

/// The accepted neighbours of one query in ring order: keys
/// `(cell key << 32) | sorted index`, ascending, at most `keep` of them.
pub(super) struct Found {
    keys: [u64; CAP],
    len: usize,
    keep: usize,
    /// Whether `max` allows more than [`CAP`] (then a full list overflows).
    capped: bool,
    /// Whether no accepted neighbour can lie half a world away (the
    /// search's [`Search::plain`]): then the delta needs no wrap.
    plain: bool,
}

impl Found {
    #[inline(always)]
    pub(super) fn new(max: u32) -> Self {
        let max = max as usize;
        Self {
            keys: [0; CAP],
            len: 0,
            keep: max.min(CAP),
            capped: max > CAP,
            plain: false,
        }
    }

    /// Inserts an accepted neighbour's key, keeping the first `keep`; false
    /// when the list overflows [`CAP`].
    #[inline(always)]
    fn insert(&mut self, key: u64) -> bool {
        let mut i = self.len;
        if i == self.keep {
            if self.capped {
                return false;
            }
            if key > self.keys[i - 1] {
                return true;
            }
            // The last falls out; `key` goes in before it.
            i -= 1;
        } else {
            self.len += 1;
        }
        while i > 0 && self.keys[i - 1] > key {
            self.keys[i] = self.keys[i - 1];
            i -= 1;
        }
        self.keys[i] = key;
        true
    }

    /// Calls `f` for each accepted neighbour in ring order, with the delta and
    /// distance computed as the ring walk computes them; the number accepted.
    #[inline(always)]
    pub(super) fn visit(&self, h: &HashView<'_>, q: &Query, f: &mut impl super::Visit) -> u32 {
        let world = Vec2::from(h.world);
        for &key in &self.keys[..self.len] {
            let k = key as u32 as usize;
            let other = Vec2::from(h.sorted_pos[k]);
            let d = if self.plain {
                other - q.p
            } else {
                delta2(q.p, other, world)
            };
            f.visit(k, h.sorted[k] as usize, d, d.length_squared().sqrt());
        }
        self.len as u32
    }
}

/// What a chunk of lanes compares against, splatted.
struct Lanes {
    px: V,
    py: V,
    w: V,
    h: V,
    half_w: V,
    half_h: V,
    neg_half_w: V,
    neg_half_h: V,
    neg_w: V,
    neg_h: V,
    hx: V,
    hy: V,
    cos2: V,
    r2: V,
    /// Whether the cone is at most 180° wide (`cos_half ≥ 0`): which form of
    /// [`super::in_cone`] applies.
    narrow: bool,
}

impl Lanes {
    #[inline(always)]
    fn new(q: &Query, world: Vec2) -> Self {
        let half = world * 0.5;
        Self {
            px: V::splat(q.p.x),
            py: V::splat(q.p.y),
            w: V::splat(world.x),
            h: V::splat(world.y),
            half_w: V::splat(half.x),
            half_h: V::splat(half.y),
            neg_half_w: V::splat(-half.x),
            neg_half_h: V::splat(-half.y),
            neg_w: V::splat(-world.x),
            neg_h: V::splat(-world.y),
            hx: V::splat(q.heading.x),
            hy: V::splat(q.heading.y),
            cos2: V::splat(q.cos2),
            r2: V::splat(q.r2),
            narrow: q.cos_half >= 0.0,
        }
    }

    /// Bit `l` set when candidate `base + l` (below `end`) lies within the
    /// radius and inside the cone: the ring walk's tests in its order.
    /// `WRAP` false skips `grid::delta`'s wrap, which changes nothing where no
    /// candidate can lie half a world away (see [`Search::plain`]).
    #[inline(always)]
    fn filter<const WRAP: bool>(&self, pos: &[[f32; 2]], base: usize, end: usize) -> u32 {
        // Positions interleaved x, y (two vector loads), then split.
        let xy: [f32; 2 * LANES] = match pos.get(base..base + LANES) {
            Some(chunk) => bytemuck::cast(<[[f32; 2]; LANES]>::try_from(chunk).unwrap_or_default()),
            None => {
                let mut xy = [0.0; 2 * LANES];
                for (l, c) in pos[base..end].iter().enumerate() {
                    xy[2 * l] = c[0];
                    xy[2 * l + 1] = c[1];
                }
                xy
            }
        };
        let x: [f32; LANES] = std::array::from_fn(|l| xy[2 * l]);
        let y: [f32; LANES] = std::array::from_fn(|l| xy[2 * l + 1]);
        // `grid::delta` per axis, `Vec2::length_squared`, then the cone.
        let (mut dx, mut dy) = (V::from(x) - self.px, V::from(y) - self.py);
        if WRAP {
            dx = wrapped(dx, self.w, self.half_w, self.neg_w, self.neg_half_w);
            dy = wrapped(dy, self.h, self.half_h, self.neg_h, self.neg_half_h);
        }
        let d2 = dx * dx + dy * dy;
        let dot = self.hx * dx + self.hy * dy;
        // `in_cone` per lane.
        let ahead = dot.simd_ge(V::ZERO);
        let dot2 = dot * dot;
        let cd2 = self.cos2 * d2;
        let inside = if self.narrow {
            ahead & dot2.simd_ge(cd2)
        } else {
            ahead | dot2.simd_le(cd2)
        };
        let near = d2.simd_le(self.r2);
        let mut bits = (near & inside).to_bitmask();
        let n = end - base;
        if n < LANES {
            bits &= (1 << n) - 1;
        }
        bits
    }
}

/// `grid::delta` given `d = b - a`: `d - size` when above half the size,
/// `d + size` (as `d - -size`) when below minus half, else `d`; `x - 0.0` is
/// `x` exactly (also for -0.0), so each lane is `delta`'s result bit for bit.
#[inline(always)]
fn wrapped(d: V, size: V, half: V, neg_size: V, neg_half: V) -> V {
    let above = d.simd_gt(half) & size;
    let below = d.simd_lt(neg_half) & neg_size;
    d - above - below
}

/// Columns of the search square per vector (see [`Columns`]).
type C = wide::f32x8;
const COL_LANES: usize = 8;
/// Column offsets 0, 1, … within a vector.
const IOTA: [f32; COL_LANES] = [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0];

/// The column terms of the ring walk's per-cell culls, for all the columns
/// of the search square at once (column `c` is offset `c - lox`).
struct Columns {
    /// `gap(dx)²` of the distance cull.
    gx2: [C; MAX_COLS / COL_LANES],
    /// The x term of the cone cull (0 when the cone is not culled).
    cone_x: [C; MAX_COLS / COL_LANES],
    /// Vectors in use, and the bits of the columns in use.
    n: usize,
    valid: u32,
}

impl Columns {
    /// The terms for `w` columns, each by the float operations of
    /// [`gap`] and [`Rings::cone_x`] (small integers are exact in f32).
    #[inline(always)]
    fn new(g: &crate::model::grid::Grid, q: &Query, r: &Rings, w: usize) -> Self {
        let mut s = Self {
            gx2: [C::ZERO; MAX_COLS / COL_LANES],
            cone_x: [C::ZERO; MAX_COLS / COL_LANES],
            n: w.div_ceil(COL_LANES),
            valid: (1 << w) - 1,
        };
        let lx = C::splat(r.lx);
        for v in 0..s.n {
            let dx = C::from(IOTA) + C::splat((v * COL_LANES) as f32 - r.lox as f32);
            if r.cull_w != 0.0 {
                let size = C::splat(r.cull_w);
                let right = dx * size - lx;
                let left = lx - (dx + C::ONE) * size;
                let gx = (dx.simd_gt(C::ZERO) & right) | (dx.simd_lt(C::ZERO) & left);
                s.gx2[v] = gx * gx;
            }
            if r.cull_cone {
                let edge = if q.heading.x > 0.0 { dx + C::ONE } else { dx };
                s.cone_x[v] = C::splat(q.heading.x) * (edge * C::splat(g.cell_w) - lx);
            }
        }
        s
    }

    /// Bit `c` set when the ring walk visits column `c` of the row whose
    /// terms are `gy2` and `cone_y`.
    #[inline(always)]
    fn visited(&self, gy2: f32, cone_y: f32, r2: f32) -> u32 {
        let (gy2, cone_y, r2) = (C::splat(gy2), C::splat(cone_y), C::splat(r2));
        let margin = C::splat(-CULL_MARGIN);
        let mut mask = 0;
        for v in 0..self.n {
            let near = (self.gx2[v] + gy2).simd_le(r2);
            let behind = (self.cone_x[v] + cone_y).simd_lt(margin);
            mask |= (near & !behind).to_bitmask() << (v * COL_LANES);
        }
        mask & self.valid
    }
}

/// A run of consecutive cells of one row, contiguous in memory.
struct Run {
    /// Index of the run's first cell and its column offset from the own cell.
    cell: usize,
    dx: i64,
    /// Row offset from the own cell.
    dy: i64,
    /// One past the run's last cell.
    end_cell: usize,
}

/// One query's lane search.
struct Search<'a, 'h> {
    h: &'a HashView<'h>,
    q: &'a Query,
    lanes: Lanes,
    cols: i64,
    /// The own cell's column, and the square's first column unwrapped.
    cx: i64,
    left: i64,
    /// Whether any column of the square lies across the world's wrap.
    wraps: bool,
    /// Whether the square lies inside the world, across no wrap, and spans
    /// less than half the world (by a cell) on both axes: then no candidate
    /// is half a world away and `grid::delta` never wraps, so the filter
    /// skips its wrap (bit for bit the same result).
    plain: bool,
}

/// The lane search into `found`; false when the search is too wide for it
/// or `found` overflows (then the ring walk answers).
#[inline(always)]
pub(super) fn search(h: &HashView<'_>, q: &Query, r: &Rings, found: &mut Found) -> bool {
    let g = h.grid;
    let w = (r.lox + r.hix + 1) as usize;
    if w > MAX_COLS || r.loy > MAX_ROW_REACH || r.hiy > MAX_ROW_REACH {
        return false;
    }
    let columns = Columns::new(g, q, r, w);
    let (cols, rows) = (g.cols as i64, g.rows as i64);
    let left = r.cx - r.lox;
    let wraps = left < 0 || left + w as i64 > cols;
    let half = Vec2::from(h.world) * 0.5;
    let rows_spanned = r.loy + r.hiy + 1;
    let plain = !wraps
        && r.cy - r.loy >= 0
        && r.cy + r.hiy < rows
        && (w as f32 + 1.0) * g.cell_w < half.x
        && (rows_spanned as f32 + 1.0) * g.cell_h < half.y;
    found.plain = plain;
    let s = Search {
        h,
        q,
        lanes: Lanes::new(q, Vec2::from(h.world)),
        cols,
        cx: r.cx,
        left,
        wraps,
        plain,
    };
    for dy in -r.loy..=r.hiy {
        let gy = gap(dy, r.ly, r.cull_h);
        let gy2 = gy * gy;
        if gy2 > q.r2 {
            continue;
        }
        let cone_y = if r.cull_cone {
            r.cone_y(g, q.heading, dy)
        } else {
            0.0
        };
        let mask = columns.visited(gy2, cone_y, q.r2);
        let row = wrap_cell(r.cy + dy, rows) * cols;
        if !s.row(found, row, dy, mask) {
            return false;
        }
    }
    true
}

impl Search<'_, '_> {
    /// Scans the visited cells (`mask`) of the row starting at cell `row`.
    #[inline(always)]
    fn row(&self, found: &mut Found, row: i64, dy: i64, mut mask: u32) -> bool {
        let cols = self.cols;
        while mask != 0 {
            let c0 = mask.trailing_zeros() as i64;
            let len = (!(mask >> c0)).trailing_zeros() as i64;
            mask &= mask + (1 << c0);
            // Columns x0..=x1 before wrapping.
            let x0 = self.left + c0;
            let x1 = x0 + len - 1;
            if !self.wraps {
                let run = Run {
                    cell: (row + x0) as usize,
                    dx: x0 - self.cx,
                    dy,
                    end_cell: (row + x1 + 1) as usize,
                };
                if !self.run(found, run) {
                    return false;
                }
                continue;
            }
            // At most one wrap inside (the search is never wider than the world).
            let mut xa = x0;
            while xa <= x1 {
                let (hi, shift) = if xa < 0 {
                    (x1.min(-1), cols)
                } else if xa < cols {
                    (x1.min(cols - 1), 0)
                } else {
                    (x1, -cols)
                };
                let run = Run {
                    cell: (row + xa + shift) as usize,
                    dx: xa - self.cx,
                    dy,
                    end_cell: (row + hi + shift + 1) as usize,
                };
                if !self.run(found, run) {
                    return false;
                }
                xa = hi + 1;
            }
        }
        true
    }

    /// Filters one run and inserts the accepted with their ring-order keys.
    #[inline(always)]
    fn run(&self, found: &mut Found, run: Run) -> bool {
        let (h, off) = (self.h, self.h.offsets);
        let (a, b) = (off[run.cell] as usize, off[run.end_cell] as usize);
        let (mut cell, mut dx) = (run.cell, run.dx);
        let row_key = (run.dy + 512) << 10;
        let mut base = a;
        while base < b {
            let mut bits = if self.plain {
                self.lanes.filter::<false>(h.sorted_pos, base, b)
            } else {
                self.lanes.filter::<true>(h.sorted_pos, base, b)
            };
            while bits != 0 {
                let s = base + bits.trailing_zeros() as usize;
                bits &= bits - 1;
                if h.sorted[s] as usize == self.q.me {
                    continue;
                }
                // The candidate's cell, for its column.
                while off[cell + 1] as usize <= s {
                    cell += 1;
                    dx += 1;
                }
                let ring = dx.abs().max(run.dy.abs());
                let cell_key = (ring << 20 | row_key | (dx + 512)) as u64;
                if !found.insert(cell_key << 32 | s as u64) {
                    return false;
                }
            }
            base += LANES;
        }
        true
    }
}
