//! The food amount in quanta: each cell holds a whole number of food quanta,
//! 0 to [`QUANTA_MAX`], in 16 bits: two bytes a cell, half of an `f32`'s
//! four, on the CPU and on the GPU (the grid grows with the world's area).
//!
//! The quantum is the richest biome's capacity over [`QUANTA_MAX`], so that
//! capacity is the largest amount: 48 f / 65,535 ≈ 0.00073 f with the default
//! parameters (a bite is 0.1 f a tick). Arithmetic stays in `f32`; only the
//! stored amount is whole quanta. Eating rounds to the nearest quantum.
//! Regrowth is too slow for that: a cell near its capacity, or a poor one
//! (desert: 3,276 quanta), grows less than half a quantum a tick, and
//! rounding to the nearest would stop it short of its capacity for good
//! (desert at about 80%). So regrowth rounds down or up at random, up with
//! a probability equal to the fraction ([`Quantum::dithered`]): the amount's
//! expected change is then exactly the logistic step, and a poor cell regrows
//! at the model's pace on average. The dither is a pure function of the seed,
//! the tick and the cell ([`dither`]), so the CPU and its WGSL twin draw the
//! same numbers on any number of threads.

use super::food::capacity_by_biome;
use super::params::{FoodParams, TerrainParams};
use super::rng::{rng, stream, unit};

/// The most quanta a cell holds.
pub const QUANTA_MAX: u32 = u16::MAX as u32;

/// The food quantum: its size (f) and its inverse.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Quantum {
    /// Food per quantum (f).
    pub size: f32,
    /// Quanta per unit of food (1 / `size`).
    pub per_unit: f32,
}

impl Quantum {
    /// The quantum of these parameters: the largest capacity of a biome
    /// over [`QUANTA_MAX`] (1 f when no biome has food).
    pub fn new(p: &FoodParams, tp: &TerrainParams) -> Self {
        let top = capacity_by_biome(p, tp).into_iter().fold(0.0f32, f32::max);
        if top > 0.0 && top.is_finite() {
            Self {
                size: top / QUANTA_MAX as f32,
                per_unit: QUANTA_MAX as f32 / top,
            }
        } else {
            Self {
                size: 1.0,
                per_unit: 1.0,
            }
        }
    }

    /// The food `q` quanta are (f).
    #[inline(always)]
    pub fn amount(self, q: u16) -> f32 {
        q as f32 * self.size
    }

    /// The most whole quanta that fit a capacity of `c` f (at most
    /// [`QUANTA_MAX`]).
    #[inline(always)]
    pub fn most(self, c: f32) -> u32 {
        ((c * self.per_unit) as u32).min(QUANTA_MAX)
    }

    /// The nearest whole quanta to `a` f (0 for a negative or NaN amount,
    /// at most [`QUANTA_MAX`]).
    #[inline(always)]
    pub fn nearest(self, a: f32) -> u16 {
        ((a * self.per_unit + 0.5) as u32).min(QUANTA_MAX) as u16
    }

    /// `a` f in whole quanta rounded down or up, up when the dither `d`
    /// (uniform in `[0, 1)`) falls below the fraction: `⌊a / size + d⌋`.
    #[inline(always)]
    pub fn dithered(self, a: f32, d: f32) -> u32 {
        // Through `i32`, which SIMD converts in one instruction (every
        // amount here is far below 2³¹ quanta; negative and NaN give 0).
        ((a * self.per_unit + d) as i32).max(0) as u32
    }
}

/// The regrowth dither's key for a tick, the same for every cell.
pub fn dither_key(seed: u64, tick: u32) -> u32 {
    rng(seed, tick, 0, stream::FOOD_DITHER)
}

/// The step between neighbouring cells' dithers: 2³² / φ, rounded to odd.
pub const WEYL: u32 = 0x9e37_79b9;

/// Cell `k`'s dither under `key`: uniform in `[0, 1)`, 24 bits (the WGSL
/// twin is `food_dither` in `shaders/food_regrow.wgsl`). A Weyl sequence:
/// `k · WEYL + key`, one multiply and one add, cheap in SIMD lanes. A cell's
/// dither is uniform and independent from tick to tick because `key` is a
/// fresh random word each tick; within a tick the cells' dithers are spread
/// evenly over `[0, 1)` (a low-discrepancy sequence), so the rounding of
/// the world's total is smaller than with independent draws.
#[inline(always)]
pub fn dither(key: u32, k: u32) -> f32 {
    unit(k.wrapping_mul(WEYL).wrapping_add(key))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_richest_capacity_is_the_most_quanta() {
        let (p, tp) = (FoodParams::default(), TerrainParams::default());
        let q = Quantum::new(&p, &tp);
        let caps = capacity_by_biome(&p, &tp);
        let top = caps.into_iter().fold(0.0f32, f32::max);
        assert!(q.most(top) >= QUANTA_MAX - 1, "{}", q.most(top));
        for c in caps {
            assert!(q.amount(q.most(c) as u16) <= c, "capacity {c}");
            assert!(q.amount(q.nearest(c)) - c <= q.size * 0.5 + 1e-6);
        }
        assert_eq!(q.nearest(-1.0), 0);
        assert_eq!(q.nearest(f32::NAN), 0);
        assert_eq!(q.nearest(1e30), u16::MAX);
        // No food anywhere: a unit quantum, never a division by zero.
        let none = FoodParams {
            capacity: 0.0,
            ..Default::default()
        };
        assert_eq!(Quantum::new(&none, &tp).size, 1.0);
    }

    #[test]
    fn dithered_rounding_keeps_the_mean() {
        let q = Quantum {
            size: 1.0,
            per_unit: 1.0,
        };
        let key = dither_key(42, 7);
        for frac in [0.0f32, 0.05, 0.3, 0.5, 0.93] {
            let n = 200_000u32;
            let up: u32 = (0..n)
                .map(|k| q.dithered(10.0 + frac, dither(key, k)) - 10)
                .sum();
            let mean = up as f32 / n as f32;
            assert!((mean - frac).abs() < 0.005, "fraction {frac}: mean {mean}");
        }
        assert_ne!(dither_key(42, 7), dither_key(42, 8));
        assert_ne!(dither_key(42, 7), dither_key(43, 7));
    }
}
