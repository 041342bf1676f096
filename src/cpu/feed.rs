//! `feed`: grazers eat from the food cell they stand in.
//!
//! Conflicts are resolved without float atomics: eaters are counted per cell
//! (integers), each eater of a cell takes the same `min(bite·dt, amount / eaters)`,
//! and the cell loses `eaters × share` (its amount rounded to the nearest
//! whole quantum: [`crate::model::quanta`]) and starts its regrowth cooldown.
//!
//! The counts are kept per grazer, not per food cell ([`Eaters`]): the
//! grazers are grouped by food row and counted in a scratch row, so that the
//! memory of the pass grows with the grazers, not with the world's area.

use rayon::prelude::*;

use super::{NONE, PAR_MIN_LEN};
use crate::engine::pool::BusySpan;
use crate::model::entities::Entities;
use crate::model::food::Food;
use crate::model::genes::{Gene, gene};
use crate::model::params::SimParams;

/// Plant efficiency of a diet: 1 for a pure herbivore (−1), falling linearly to 0 at +1.
#[inline]
pub fn plant_efficiency(diet: f32) -> f32 {
    (1.0 - diet) * 0.5
}

/// Whether an entity with this diet and energy grazes.
#[inline]
pub fn grazes(p: &SimParams, diet: f32, energy: f32) -> bool {
    diet < p.food.graze_diet && energy < p.energy.max
}

/// Set in [`Eaters::of_slot`] on the first grazer of its cell in `order`.
const FIRST: u32 = 1 << 31;

/// The grazers of each food cell, counted per grazer.
#[derive(Debug, Clone, Default)]
pub struct Eaters {
    /// For each slot below the live end: the number of grazers in its food
    /// cell, with [`FIRST`] set on the first of them in `order`; 0 when it
    /// does not graze.
    of_slot: Vec<u32>,
    /// Grazers per food row, then the exclusive prefix sum (one more entry than rows).
    row_start: Vec<u32>,
    /// The grazers' slots, grouped by food row, in `order` inside each row.
    by_row: Vec<u32>,
    /// Scratch: the rows' cursors, then one food row's counts (zero between rows).
    count: Vec<u32>,
}

impl Eaters {
    /// The number of grazers in the food cell of slot `s` (0 when it does not graze).
    #[inline]
    pub fn of(&self, s: usize) -> u32 {
        self.of_slot[s] & !FIRST
    }

    /// Whether slot `s` is the first grazer of its cell in `order`.
    #[inline]
    pub fn is_first(&self, s: usize) -> bool {
        self.of_slot[s] & FIRST != 0
    }

    /// Counts the grazers of every cell (`food_cell`: each slot's food cell
    /// or [`NONE`]; `order`: the living slots, all below `end`).
    fn count(&mut self, food: &Food, order: &[u32], end: usize, food_cell: &[u32]) {
        let (cols, rows) = (food.grid.cols, food.grid.rows as usize);
        let by = Divisor::new(cols);
        self.of_slot.clear();
        self.of_slot.resize(end, 0);
        self.row_start.clear();
        self.row_start.resize(rows + 1, 0);
        for &s in order {
            let c = food_cell[s as usize];
            if c != NONE {
                self.row_start[by.div(c) as usize + 1] += 1;
            }
        }
        for r in 0..rows {
            self.row_start[r + 1] += self.row_start[r];
        }
        self.by_row.clear();
        self.by_row.resize(self.row_start[rows] as usize, 0);
        let mut cursor = std::mem::take(&mut self.count);
        cursor.clear();
        cursor.extend_from_slice(&self.row_start[..rows]);
        for &s in order {
            let c = food_cell[s as usize];
            if c != NONE {
                let r = by.div(c) as usize;
                self.by_row[cursor[r] as usize] = s;
                cursor[r] += 1;
            }
        }
        let mut count = cursor;
        count.clear();
        count.resize(cols as usize, 0);
        let col = |s: u32| by.rem(food_cell[s as usize]) as usize;
        for r in 0..rows {
            let slots = &self.by_row[self.row_start[r] as usize..self.row_start[r + 1] as usize];
            for &s in slots {
                count[col(s)] += 1;
            }
            for &s in slots {
                let x = col(s);
                let v = count[x];
                if v & FIRST == 0 {
                    self.of_slot[s as usize] = v | FIRST;
                    count[x] = v | FIRST;
                } else {
                    self.of_slot[s as usize] = v & !FIRST;
                }
            }
            for &s in slots {
                count[col(s)] = 0;
            }
        }
        self.count = count;
    }

    /// The grazers per food cell (dense, for tests and checks).
    pub fn per_cell(&self, order: &[u32], food_cell: &[u32], cells: usize) -> Vec<u32> {
        let mut v = vec![0; cells];
        for &s in order {
            if self.is_first(s as usize) {
                v[food_cell[s as usize] as usize] = self.of(s as usize);
            }
        }
        v
    }
}

/// Division of 32-bit numbers by a fixed divisor without a divide
/// instruction, exact for every `u32` numerator (Lemire, Kaser and Kurz,
/// "Faster remainder by direct computation", 2019): `m = ⌊2⁶⁴ / d⌋ + 1`,
/// the quotient is the high word of `m·n` and the remainder the high word of
/// `(m·n mod 2⁶⁴)·d`.
#[derive(Debug, Clone, Copy)]
struct Divisor {
    d: u64,
    m: u64,
}

impl Divisor {
    /// For divisor `d` (at least 1).
    fn new(d: u32) -> Self {
        let d = d.max(1) as u64;
        Self {
            d,
            m: (u64::MAX / d).wrapping_add(1),
        }
    }

    /// `n / d`.
    #[inline(always)]
    fn div(self, n: u32) -> u32 {
        if self.d == 1 {
            return n;
        }
        ((self.m as u128 * n as u128) >> 64) as u32
    }

    /// `n % d`.
    #[inline(always)]
    fn rem(self, n: u32) -> u32 {
        if self.d == 1 {
            return 0;
        }
        let low = self.m.wrapping_mul(n as u64);
        ((low as u128 * self.d as u128) >> 64) as u32
    }
}

/// Step 1: the food cell of each living slot below `end` (or [`NONE`] if it
/// does not graze; in parallel), and the grazers of each cell ([`Eaters`],
/// visiting the living slots in `order`, the hash's cell order, which keeps
/// the food-grid accesses close together).
pub fn feed_count(
    p: &SimParams,
    e: &Entities,
    food: &Food,
    order: &[u32],
    end: usize,
    food_cell: &mut [u32],
    eaters: &mut Eaters,
) {
    food_cell[..end]
        .par_iter_mut()
        .enumerate()
        .with_min_len(PAR_MIN_LEN)
        .for_each_init(BusySpan::start, |_, (i, c)| {
            *c = if e.alive(i) && grazes(p, gene(&e.genes[i], Gene::Diet), e.energy[i]) {
                food.grid.index(e.pos[i])
            } else {
                NONE
            };
        });
    eaters.count(food, order, end, food_cell);
}

/// Step 2: every grazer gains its cell's share `min(bite·dt, amount /
/// eaters)` times the energy per unit and its plant efficiency (in parallel
/// over the slots below `end`); then, at the first grazer of each cell in
/// `order`, the cell loses `eaters × share` and starts its cooldown. Returns
/// the food eaten (f), summed in `order`.
/// (Every grazer of a cell computes the same share from the same amount, so
/// no per-cell share is stored.)
pub fn feed_apply(
    p: &SimParams,
    order: &[u32],
    end: usize,
    food_cell: &[u32],
    eaters: &Eaters,
    e: &mut Entities,
    food: &mut Food,
) -> f64 {
    let bite = p.food.bite * p.world.dt;
    let (max, per_unit) = (p.energy.max, p.food.energy_per_unit);
    let (quanta, quantum) = (&food.quanta, food.quantum());
    e.energy[..end]
        .par_iter_mut()
        .zip(&e.genes[..end])
        .zip(&food_cell[..end])
        .zip(&eaters.of_slot[..end])
        .with_min_len(PAR_MIN_LEN)
        .for_each_init(BusySpan::start, |_, (((energy, g), &c), &v)| {
            let n = v & !FIRST;
            if n == 0 {
                return;
            }
            let t = bite.min(quantum.amount(quanta[c as usize]) / n as f32);
            let gain = t * per_unit * plant_efficiency(gene(g, Gene::Diet));
            *energy = (*energy + gain).min(max);
        });
    let cooldown = food.cooldown_ticks();
    let mut eaten = 0.0f64;
    for &s in order {
        let s = s as usize;
        if !eaters.is_first(s) {
            continue;
        }
        let n = eaters.of(s);
        let c = food_cell[s] as usize;
        let amount = food.amount(c);
        let t = bite.min(amount / n as f32);
        food.set_amount(c, (amount - t * n as f32).max(0.0));
        food.cooldown.set(c, cooldown);
        eaten += t as f64 * n as f64;
    }
    eaten
}

#[cfg(test)]
mod tests {
    use super::Divisor;

    #[test]
    fn the_divisor_divides_exactly() {
        let ns = [
            0u32,
            1,
            2,
            3,
            7,
            1000,
            65_535,
            65_536,
            1 << 31,
            u32::MAX - 1,
            u32::MAX,
        ];
        let ds = [
            1u32,
            2,
            3,
            7,
            10,
            100,
            641,
            3_317,
            65_535,
            1 << 20,
            u32::MAX - 1,
            u32::MAX,
        ];
        for &d in &ds {
            let by = Divisor::new(d);
            let mut x = 0x9e37_79b9u32;
            let more = (0..2000).map(|_| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                x
            });
            for n in ns.into_iter().chain(more) {
                assert_eq!((by.div(n), by.rem(n)), (n / d, n % d), "{n} / {d}");
            }
        }
    }
}
