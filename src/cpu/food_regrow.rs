//! `food_regrow`: logistic regrowth toward capacity, after the eaten cell's cooldown.

use rayon::prelude::*;

use crate::engine::pool::BusySpan;

use crate::model::food::{Capacity, Cooldowns, Food};
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
    let regrowth = Regrowth {
        cols,
        capacity,
        r,
        seed,
        dt,
    };
    match cooldown {
        Cooldowns::Bytes(t) => regrowth.regrow(amount, t),
        Cooldowns::Words(t) => regrowth.regrow(amount, t),
    }
}

/// What regrowing a row needs besides its cells.
struct Regrowth<'a> {
    cols: usize,
    capacity: &'a Capacity,
    r: f32,
    seed: f32,
    dt: f32,
}

/// A cooldown counter (`u8` or `u16`, see [`Cooldowns`]).
trait Ticks: Copy + Send + Sync + PartialEq + Default {
    /// One tick less, stopping at 0.
    fn down(self) -> Self;
}

macro_rules! ticks {
    ($($t:ty),*) => {$(
        impl Ticks for $t {
            #[inline(always)]
            fn down(self) -> Self {
                self.saturating_sub(1)
            }
        }
    )*};
}
ticks!(u8, u16);

impl Regrowth<'_> {
    /// Every row, in parallel chunks of about 4096 cells.
    fn regrow<T: Ticks>(&self, amount: &mut [f32], cooldown: &mut [T]) {
        let cols = self.cols;
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
                        self.capacity.fill_row(n * rows_per_chunk + row, caps, key);
                        self.row(a, t, caps);
                    }
                },
            );
    }

    /// One row, branch-free so that it runs in SIMD lanes: every cell
    /// computes its growth and keeps it only where it grows (the same float
    /// operations, in the same order, as growing only those cells).
    #[inline]
    fn row<T: Ticks>(&self, a: &mut [f32], t: &mut [T], caps: &[f32]) {
        let (r, seed, dt) = (self.r, self.seed, self.dt);
        for ((a, t), &c) in a.iter_mut().zip(t.iter_mut()).zip(caps) {
            let grows = (*t == T::default()) & (c > 0.0) & (*a < c);
            let grow = r * (*a + seed * c) * (1.0 - *a / c) * dt;
            let next = (*a + grow).min(c);
            *a = if grows { next } else { *a };
            *t = t.down();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::terrain::Terrain;

    #[test]
    fn one_byte_and_two_byte_cooldowns_count_alike() {
        let mut p = SimParams::default();
        p.world.width = 1600.0;
        p.world.height = 1200.0;
        let terrain = Terrain::generate(&p.world, &p.terrain, 3);
        let mut bytes = Food::new(&p.world, &p.food, &p.terrain, &terrain);
        let ticks = bytes.cooldown_ticks();
        assert!(
            matches!(bytes.cooldown, Cooldowns::Bytes(_)),
            "{ticks} ticks"
        );
        // Every cell at a different point of its countdown, some eaten bare.
        for k in 0..bytes.amount.len() {
            bytes.cooldown.set(k, (k % (ticks as usize + 1)) as u16);
            if k % 7 == 0 {
                bytes.amount[k] = 0.0;
            }
        }
        let mut words = bytes.clone();
        words.cooldown = Cooldowns::Words(
            (0..bytes.amount.len())
                .map(|k| bytes.cooldown.get(k))
                .collect(),
        );
        for _ in 0..ticks + 10 {
            food_regrow(&p, &mut bytes);
            food_regrow(&p, &mut words);
        }
        assert_eq!(bytes.amount, words.amount);
        assert!((0..bytes.amount.len()).all(|k| bytes.cooldown.get(k) == words.cooldown.get(k)));
        assert_eq!(bytes.cooldown_seconds(), words.cooldown_seconds());
    }

    #[test]
    fn a_cooldown_past_255_ticks_keeps_two_bytes() {
        let mut p = SimParams::default();
        p.world.width = 640.0;
        p.world.height = 480.0;
        p.food.cooldown = 10.0;
        let terrain = Terrain::generate(&p.world, &p.terrain, 3);
        let mut food = Food::new(&p.world, &p.food, &p.terrain, &terrain);
        let ticks = food.cooldown_ticks();
        assert!(ticks > 255 && matches!(food.cooldown, Cooldowns::Words(_)));
        food.cooldown.set(0, ticks);
        food_regrow(&p, &mut food);
        assert_eq!(food.cooldown.get(0), ticks - 1);
        // Seconds in and out keep the representation.
        let secs = food.cooldown_seconds();
        food.set_cooldown_seconds(&secs);
        assert!(matches!(food.cooldown, Cooldowns::Words(_)));
        assert_eq!(food.cooldown.get(0), ticks - 1);
    }
}
