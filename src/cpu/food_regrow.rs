//! `food_regrow`: logistic regrowth toward capacity, after the eaten cell's cooldown.

use rayon::prelude::*;

use crate::engine::pool::BusySpan;

use crate::model::food::Food;
use crate::model::params::SimParams;

/// Regrows every food cell by one tick: a cell still cooling down counts one
/// tick down, any other grows toward its capacity. Row by row in parallel
/// (each row's capacities come from the terrain under it).
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
        .for_each_init(BusySpan::start, |_, (n, (a, t))| {
            for (row, (a, t)) in a.chunks_mut(cols).zip(t.chunks_mut(cols)).enumerate() {
                let caps = capacity.row(n * rows_per_chunk + row);
                for ((a, t), c) in a.iter_mut().zip(t.iter_mut()).zip(caps) {
                    if *t > 0 {
                        *t -= 1;
                    } else if c > 0.0 && *a < c {
                        let grow = r * (*a + seed * c) * (1.0 - *a / c) * dt;
                        *a = (*a + grow).min(c);
                    }
                }
            }
        });
}
