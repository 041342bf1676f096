//! `food_regrow`: logistic regrowth toward capacity, after the eaten cell's cooldown.

use rayon::prelude::*;

use crate::engine::pool::BusySpan;

use crate::model::food::Food;
use crate::model::params::SimParams;

/// Regrows every food cell by one tick.
pub fn food_regrow(p: &SimParams, food: &mut Food) {
    let dt = p.world.dt;
    let (r, seed) = (p.food.regrow_rate, p.food.seed_fraction);
    let Food {
        amount,
        capacity,
        cooldown,
        ..
    } = food;
    amount
        .par_chunks_mut(4096)
        .zip(capacity.par_chunks(4096))
        .zip(cooldown.par_chunks_mut(4096))
        .for_each_init(BusySpan::start, |_, ((a, c), t)| {
            for k in 0..a.len() {
                if t[k] > 0.0 {
                    t[k] = (t[k] - dt).max(0.0);
                } else if c[k] > 0.0 && a[k] < c[k] {
                    let grow = r * (a[k] + seed * c[k]) * (1.0 - a[k] / c[k]) * dt;
                    a[k] = (a[k] + grow).min(c[k]);
                }
            }
        });
}
