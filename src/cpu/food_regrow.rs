//! `food_regrow`: logistic regrowth toward capacity, after the eaten cell's cooldown.

use rayon::prelude::*;

use crate::engine::pool::BusySpan;

use crate::model::food::Food;
use crate::model::params::SimParams;

/// Regrows every food cell by one tick: a cell still cooling down counts one
/// tick down, any other grows toward its capacity. Rows in parallel; each
/// row's capacities come from the terrain under it (built once for the food
/// rows over one terrain row).
pub fn food_regrow(p: &SimParams, food: &mut Food) {
    let dt = p.world.dt;
    let (r, seed) = (p.food.regrow_rate, p.food.seed_fraction);
    let cols = food.grid.cols as usize;
    let (amount, cooldown, capacity) = food.parts_mut();
    // Rows in chunks of about 4096 cells.
    let rows_per_chunk = 4096usize.div_ceil(cols).max(1);
    let chunk = rows_per_chunk * cols;
    amount
        .par_chunks_mut(chunk)
        .zip(cooldown.par_chunks_mut(chunk))
        .enumerate()
        .for_each_init(
            || (BusySpan::start(), Vec::new(), usize::MAX),
            |(_, caps, key), (n, (a, t))| {
                for (row, (a, t)) in a.chunks_mut(cols).zip(t.chunks_mut(cols)).enumerate() {
                    capacity.fill_row(n * rows_per_chunk + row, caps, key);
                    regrow_row(a, t, caps, r, seed, dt);
                }
            },
        );
}

/// One row, branch-free so that it runs in SIMD lanes: every cell computes
/// its growth and keeps it only where it grows (the same float operations,
/// in the same order, as growing only those cells).
#[inline]
fn regrow_row(a: &mut [f32], t: &mut [u16], caps: &[f32], r: f32, seed: f32, dt: f32) {
    for ((a, t), &c) in a.iter_mut().zip(t.iter_mut()).zip(caps) {
        let grows = (*t == 0) & (c > 0.0) & (*a < c);
        let grow = r * (*a + seed * c) * (1.0 - *a / c) * dt;
        let next = (*a + grow).min(c);
        *a = if grows { next } else { *a };
        *t = t.saturating_sub(1);
    }
}
