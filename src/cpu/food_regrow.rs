//! `food_regrow`: logistic regrowth toward capacity, after the eaten cell's
//! cooldown, in whole quanta rounded with a dither ([`crate::model::quanta`]).

use rayon::prelude::*;

use crate::common::BusySpan;

use crate::model::food::{Capacity, Cooldowns, Food};
use crate::model::params::SimParams;
use crate::model::quanta::{QUANTA_MAX, Quantum, WEYL, dither};

/// Regrows every food cell by one tick: a cell still cooling down counts one
/// tick down, any other grows toward its capacity, rounded to whole quanta
/// with the dither of `key` ([`crate::model::quanta::dither_key`] of the
/// seed and the tick). Rows in parallel; each row's capacities come from the
/// terrain under it (built once for the food rows over one terrain row).
pub fn food_regrow(p: &SimParams, food: &mut Food, key: u32) {
    let dt = p.world.dt;
    let (r, seed) = (p.food.regrow_rate, p.food.seed_fraction);
    let cols = food.grid.cols as usize;
    let quantum = food.quantum();
    let (amount, cooldown, capacity) = food.parts_mut();
    let regrowth = Regrowth {
        cols,
        capacity,
        r,
        seed,
        dt,
        quantum,
        key,
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
    quantum: Quantum,
    key: u32,
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
    fn regrow<T: Ticks>(&self, amount: &mut [u16], cooldown: &mut [T]) {
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
                        let cy = n * rows_per_chunk + row;
                        self.capacity.fill_row(cy, caps, key);
                        self.row(a, t, caps, (cy * cols) as u32);
                    }
                },
            );
    }

    /// One row (its first cell is cell `k0`): [`LANES`] cells at a time
    /// ([`Self::grow_lanes`]), the last partial group cell by cell
    /// ([`Self::grow`]), then every cooldown counts one tick down.
    #[inline]
    fn row<T: Ticks>(&self, a: &mut [u16], t: &mut [T], caps: &[f32], k0: u32) {
        let n = a.len();
        let whole = n / LANES * LANES;
        for (g, ((a, t), c)) in a[..whole]
            .chunks_exact_mut(LANES)
            .zip(t[..whole].chunks_exact(LANES))
            .zip(caps[..whole].chunks_exact(LANES))
            .enumerate()
        {
            self.grow_lanes(
                a.try_into().expect("lanes"),
                t.try_into().expect("lanes"),
                c.try_into().expect("lanes"),
                k0 + (g * LANES) as u32,
            );
        }
        self.grow(
            &mut a[whole..],
            &t[whole..n],
            &caps[whole..n],
            k0 + whole as u32,
        );
        for t in t.iter_mut() {
            *t = t.down();
        }
    }

    /// Grows the cells (the first is cell `k0`) that grow: a cell grows when
    /// it is not cooling down and holds fewer quanta than fit its capacity
    /// (none fit a capacity of 0). Its logistic step is rounded down or up to
    /// whole quanta by its dither, and held to the quanta that fit.
    #[inline(always)]
    fn grow<T: Ticks>(&self, a: &mut [u16], t: &[T], caps: &[f32], k0: u32) {
        let (r, seed, dt, q, key) = (self.r, self.seed, self.dt, self.quantum, self.key);
        for (x, ((a, &t), &c)) in a.iter_mut().zip(t).zip(caps).enumerate() {
            let m = q.most(c);
            if t != T::default() || *a as u32 >= m {
                continue;
            }
            let now = q.amount(*a);
            let grow = r * (now + seed * c) * (1.0 - now / c) * dt;
            let next = (now + grow).min(c);
            *a = q.dithered(next, dither(key, k0 + x as u32)).min(m) as u16;
        }
    }

    /// [`Self::grow`] on [`LANES`] cells at once, in `wide` lanes, branch-free
    /// but for a group where no cell grows (water, settled, cooling down):
    /// for each cell that grows, the same float operations in the same
    /// order, and the same whole quanta (clamping to the most quanta `m`
    /// before truncating is clamping after, as `m` is whole and the value is
    /// not negative; truncation through `i32` is truncation through `u32`
    /// for values below 2³¹).
    #[inline(always)]
    fn grow_lanes<T: Ticks>(
        &self,
        a: &mut [u16; LANES],
        t: &[T; LANES],
        caps: &[f32; LANES],
        k0: u32,
    ) {
        let q = self.quantum;
        let held = I::from(a.map(i32::from));
        let c = F::from(*caps);
        let m = (c * F::splat(q.per_unit))
            .fast_trunc_int()
            .min(I::splat(QUANTA_MAX as i32));
        let cooled = I::from(t.map(|t| -i32::from(t == T::default())));
        let grows = cooled & held.simd_lt(m);
        if grows.none() {
            return;
        }
        let now = F::from_i32x8(held) * F::splat(q.size);
        let grow = F::splat(self.r)
            * (now + F::splat(self.seed) * c)
            * (F::ONE - now / c)
            * F::splat(self.dt);
        let next = (now + grow).fast_min(c);
        let x = next * F::splat(q.per_unit) + dither_lanes(self.key, k0);
        let quanta = x.fast_min(F::from_i32x8(m)).fast_trunc_int();
        let out = grows.select(quanta, held).to_array();
        for (a, o) in a.iter_mut().zip(out) {
            *a = o as u16;
        }
    }
}

/// [`dither`] of cells `k0` to `k0 + LANES - 1` under `key`, in lanes.
#[inline(always)]
fn dither_lanes(key: u32, k0: u32) -> F {
    let k: [u32; LANES] = std::array::from_fn(|x| {
        k0.wrapping_add(x as u32)
            .wrapping_mul(WEYL)
            .wrapping_add(key)
    });
    let word: I = bytemuck::cast(U::from(k) >> 8);
    F::from_i32x8(word) * F::splat(1.0 / 16_777_216.0)
}

/// Cells a lane group: [`Regrowth::grow_lanes`].
const LANES: usize = 8;
type F = wide::f32x8;
type I = wide::i32x8;
type U = wide::u32x8;

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
        for k in 0..bytes.quanta.len() {
            bytes.cooldown.set(k, (k % (ticks as usize + 1)) as u16);
            if k % 7 == 0 {
                bytes.quanta[k] = 0;
            }
        }
        let mut words = bytes.clone();
        words.cooldown = Cooldowns::Words(
            (0..bytes.quanta.len())
                .map(|k| bytes.cooldown.get(k))
                .collect(),
        );
        for tick in 0..ticks as u32 + 10 {
            food_regrow(&p, &mut bytes, tick);
            food_regrow(&p, &mut words, tick);
        }
        assert_eq!(bytes.quanta, words.quanta);
        assert!((0..bytes.quanta.len()).all(|k| bytes.cooldown.get(k) == words.cooldown.get(k)));
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
        food_regrow(&p, &mut food, 0);
        assert_eq!(food.cooldown.get(0), ticks - 1);
        // Seconds in and out keep the representation.
        let secs = food.cooldown_seconds();
        food.set_cooldown_seconds(&secs);
        assert!(matches!(food.cooldown, Cooldowns::Words(_)));
        assert_eq!(food.cooldown.get(0), ticks - 1);
    }

    #[test]
    fn dithered_quanta_regrow_at_the_logistic_pace_in_every_biome() {
        // Every cell bare and ready to grow; after 20 s each biome's mean
        // amount must follow the f32 logistic of one cell of its capacity.
        // Rounding to the nearest quantum instead would leave desert cells
        // (growth 0.14 quantum a tick from bare) bare for good.
        let mut p = SimParams::default();
        p.world.width = 12800.0;
        p.world.height = 9600.0;
        let terrain = Terrain::generate(&p.world, &p.terrain, 3);
        let mut food = Food::new(&p.world, &p.food, &p.terrain, &terrain);
        food.quanta.fill(0);
        let ticks = 1200u32;
        for tick in 0..ticks {
            food_regrow(&p, &mut food, crate::model::quanta::dither_key(9, tick));
        }
        let caps = food.capacities();
        let (r, s, dt) = (p.food.regrow_rate, p.food.seed_fraction, p.world.dt);
        let mut checked = 0;
        for c in crate::model::food::capacity_by_biome(&p.food, &p.terrain) {
            let cells: Vec<usize> = (0..caps.len()).filter(|&k| caps[k] == c).collect();
            if c <= 0.0 || cells.len() < 2000 {
                continue;
            }
            let mut a = 0.0f32;
            for _ in 0..ticks {
                a = (a + r * (a + s * c) * (1.0 - a / c) * dt).min(c);
            }
            let mean =
                cells.iter().map(|&k| food.amount(k) as f64).sum::<f64>() / cells.len() as f64;
            let err = (mean - a as f64).abs() / a as f64;
            eprintln!(
                "capacity {c}: {} cells, mean {mean} vs logistic {a}",
                cells.len()
            );
            assert!(err < 0.005, "capacity {c}: mean {mean} vs logistic {a}");
            checked += 1;
        }
        assert!(checked >= 3, "{checked} biomes checked");
    }

    #[test]
    fn lanes_and_cell_by_cell_give_the_same_quanta() {
        // Random cells of every biome, some cooling, some full, some bare:
        // the row in lanes (all but its last cells) and the scalar rule on
        // every cell must agree quantum for quantum, over several ticks.
        let p = SimParams::default();
        let terrain = Terrain::generate(&p.world, &p.terrain, 3);
        let mut food = Food::new(&p.world, &p.food, &p.terrain, &terrain);
        let q = food.quantum();
        let capacity = food.parts_mut().2;
        let by_biome = crate::model::food::capacity_by_biome(&p.food, &p.terrain);
        let n = 8 * 125 + 5;
        let word = |k: u32, s: u32| crate::model::rng::rng(11, k, s, 0);
        let caps: Vec<f32> = (0..n as u32)
            .map(|k| by_biome[(word(k, 1) % 6) as usize])
            .collect();
        let mut a: Vec<u16> = (0..n as u32)
            .map(|k| match word(k, 2) % 4 {
                0 => 0,
                1 => q.most(caps[k as usize]) as u16,
                _ => (word(k, 3) % (q.most(caps[k as usize]) + 1)) as u16,
            })
            .collect();
        let mut t: Vec<u8> = (0..n as u32).map(|k| (word(k, 4) % 3) as u8).collect();
        let (mut a2, mut t2) = (a.clone(), t.clone());
        for tick in 0..6u32 {
            let regrowth = Regrowth {
                cols: n,
                capacity,
                r: p.food.regrow_rate,
                seed: p.food.seed_fraction,
                dt: p.world.dt,
                quantum: q,
                key: crate::model::quanta::dither_key(5, tick),
            };
            let k0 = 777 + tick;
            regrowth.row(&mut a, &mut t, &caps, k0);
            regrowth.grow(&mut a2, &t2, &caps, k0);
            for t in t2.iter_mut() {
                *t = t.down();
            }
            assert_eq!(a, a2, "tick {tick}");
            assert_eq!(t, t2);
        }
        let grown = a
            .iter()
            .zip(&caps)
            .filter(|&(&a, &c)| a > 0 && c > 0.0)
            .count();
        assert!(grown > n / 2, "{grown} of {n} cells hold food");
    }
}
