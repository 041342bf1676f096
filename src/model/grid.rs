//! A regular grid over the toroidal world, shared by the terrain, food and hash grids.
//!
//! The world's width is split into `cols` equal cells of width `width / cols`
//! (the requested cell size rounded so that it divides the world), so that
//! cell indices wrap exactly with the world.

/// A regular grid over a `width × height` torus.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Grid {
    /// Number of columns (≥ 1).
    pub cols: u32,
    /// Number of rows (≥ 1).
    pub rows: u32,
    /// Cell width (wu).
    pub cell_w: f32,
    /// Cell height (wu).
    pub cell_h: f32,
    /// `1 / cell_w`: cells are found by multiplying, which every platform
    /// (and WGSL) rounds exactly, unlike division.
    pub inv_w: f32,
    /// `1 / cell_h`.
    pub inv_h: f32,
}

impl Grid {
    /// A grid whose cells are about `cell_size` wide, dividing the world exactly.
    pub fn new(width: f32, height: f32, cell_size: f32) -> Self {
        let cols = (width / cell_size).round().max(1.0) as u32;
        let rows = (height / cell_size).round().max(1.0) as u32;
        let (cell_w, cell_h) = (width / cols as f32, height / rows as f32);
        Self {
            cols,
            rows,
            cell_w,
            cell_h,
            inv_w: 1.0 / cell_w,
            inv_h: 1.0 / cell_h,
        }
    }

    /// Number of cells.
    #[inline]
    pub fn len(&self) -> usize {
        self.cols as usize * self.rows as usize
    }

    /// Whether the grid has no cells (never, by construction).
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Column and row of a position inside the world (clamped to the grid).
    #[inline]
    pub fn cell_xy(&self, p: [f32; 2]) -> (u32, u32) {
        let cx = ((p[0] * self.inv_w) as i64).clamp(0, self.cols as i64 - 1) as u32;
        let cy = ((p[1] * self.inv_h) as i64).clamp(0, self.rows as i64 - 1) as u32;
        (cx, cy)
    }

    /// Linear index of the cell holding a position inside the world.
    #[inline]
    pub fn index(&self, p: [f32; 2]) -> u32 {
        let (cx, cy) = self.cell_xy(p);
        cy * self.cols + cx
    }

    /// Linear index of the cell at signed column and row, wrapped around.
    #[inline]
    pub fn wrapped_index(&self, cx: i64, cy: i64) -> u32 {
        let x = cx.rem_euclid(self.cols as i64) as u32;
        let y = cy.rem_euclid(self.rows as i64) as u32;
        y * self.cols + x
    }

    /// Linear index of the cell holding any position, wrapped into the world first.
    #[inline]
    pub fn index_wrapped(&self, p: [f32; 2]) -> u32 {
        let cx = (p[0] * self.inv_w).floor() as i64;
        let cy = (p[1] * self.inv_h).floor() as i64;
        self.wrapped_index(cx, cy)
    }
}

/// Wraps a coordinate into `[0, size)`. Fast for coordinates less than one
/// world away (every per-tick move); exact for any finite value.
#[inline]
pub fn wrap(x: f32, size: f32) -> f32 {
    let r = if x < 0.0 {
        x + size
    } else if x >= size {
        x - size
    } else {
        return x;
    };
    if (0.0..size).contains(&r) {
        r
    } else {
        wrap_far(x, size)
    }
}

#[cold]
fn wrap_far(x: f32, size: f32) -> f32 {
    let mut r = x % size;
    if r < 0.0 {
        r += size;
    }
    if r >= size {
        r -= size;
    }
    if r < 0.0 { 0.0 } else { r }
}

/// The shortest signed difference `b − a` on a circle of circumference `size`.
#[inline]
pub fn delta(a: f32, b: f32, size: f32) -> f32 {
    let mut d = b - a;
    let half = 0.5 * size;
    if d > half {
        d -= size;
    } else if d < -half {
        d += size;
    }
    d
}

/// [`delta`] per axis: the shortest displacement from `a` to `b` on a torus of `size`.
pub fn delta2(a: glam::Vec2, b: glam::Vec2, size: glam::Vec2) -> glam::Vec2 {
    glam::Vec2::new(delta(a.x, b.x, size.x), delta(a.y, b.y, size.y))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_stays_inside() {
        for &x in &[
            -0.0f32, -1e-7, -8192.0, 8192.0, 8191.999, 16384.5, -16384.5, 3.0,
        ] {
            let w = wrap(x, 8192.0);
            assert!((0.0..8192.0).contains(&w), "{x} -> {w}");
        }
        assert_eq!(wrap(-1.0, 100.0), 99.0);
        assert_eq!(wrap(101.0, 100.0), 1.0);
    }

    #[test]
    fn delta_is_shortest_across_the_seam() {
        assert_eq!(delta(1.0, 99.0, 100.0), -2.0);
        assert_eq!(delta(99.0, 1.0, 100.0), 2.0);
        assert_eq!(delta(10.0, 30.0, 100.0), 20.0);
    }

    #[test]
    fn grid_divides_the_world() {
        let g = Grid::new(1000.0, 500.0, 64.0);
        assert_eq!((g.cols, g.rows), (16, 8));
        assert!((g.cell_w * g.cols as f32 - 1000.0).abs() < 1e-3);
        assert_eq!(g.index([999.99, 499.99]), 8 * 16 - 1);
        assert_eq!(g.wrapped_index(-1, -1), 8 * 16 - 1);
        assert_eq!(g.index_wrapped([-1.0, 1.0]), 15);
    }
}
