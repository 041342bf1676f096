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

use std::sync::atomic::AtomicU32;
use std::sync::atomic::Ordering::Relaxed;

use rayon::prelude::*;

use crate::common::BusySpan;
use crate::common::{NONE, PAR_MIN_LEN};
use crate::model::entities::Entities;
use crate::model::food::{Cooldowns, Food};
use crate::model::genes::{Gene, gene};
use crate::model::params::SimParams;
use crate::model::quanta::Quantum;

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

/// About this many food cells per parallel band of rows.
const BAND_CELLS: usize = 16_384;

/// Fewest slots of `order` per parallel chunk of the grouping by row.
const GROUP_CHUNK: usize = 16_384;

/// The grazers of each food cell, counted per grazer.
///
/// Built in parallel, with the same result on any number of threads: the
/// grazers are grouped by food row by a counting sort over chunks of `order`
/// (stable: inside a row they stay in `order`), then bands of rows count
/// their cells' grazers. The words written at scattered positions are
/// atomics stored with `Relaxed` ordering: each is written once, by one
/// thread, and read after the parallel loop that wrote it has joined.
#[derive(Debug, Default)]
pub struct Eaters {
    /// For each slot below the live end: the number of grazers in its food
    /// cell, with [`FIRST`] set on the first of them in `order`; 0 when it
    /// does not graze.
    of_slot: Vec<AtomicU32>,
    /// Grazers per food row, then the exclusive prefix sum (one more entry than rows).
    row_start: Vec<u32>,
    /// The grazers' slots, grouped by food row, in `order` inside each row.
    by_row: Vec<AtomicU32>,
    /// Scratch: per chunk of `order`, its grazers per row, then where they go.
    cursors: Vec<u32>,
    /// Food rows per band.
    band_rows: usize,
}

impl Clone for Eaters {
    fn clone(&self) -> Self {
        let copy = |v: &[AtomicU32]| v.iter().map(|a| AtomicU32::new(a.load(Relaxed))).collect();
        Self {
            of_slot: copy(&self.of_slot),
            row_start: self.row_start.clone(),
            by_row: copy(&self.by_row),
            cursors: self.cursors.clone(),
            band_rows: self.band_rows,
        }
    }
}

impl Eaters {
    /// The number of grazers in the food cell of slot `s` (0 when it does not graze).
    #[inline]
    pub fn of(&self, s: usize) -> u32 {
        self.of_slot[s].load(Relaxed) & !FIRST
    }

    /// Whether slot `s` is the first grazer of its cell in `order`.
    #[inline]
    pub fn is_first(&self, s: usize) -> bool {
        self.of_slot[s].load(Relaxed) & FIRST != 0
    }

    /// The grazers of food rows `rows` (a band), in `order` inside each row.
    #[inline]
    fn in_rows(&self, rows: std::ops::Range<usize>) -> impl Iterator<Item = &[AtomicU32]> {
        rows.map(|r| &self.by_row[self.row_start[r] as usize..self.row_start[r + 1] as usize])
    }

    /// Counts the grazers of every cell (`food_cell`: each slot's food cell
    /// or [`NONE`]; `order`: the living slots, all below `end`).
    fn count(&mut self, food: &Food, order: &[u32], end: usize, food_cell: &[u32]) {
        let (cols, rows) = (food.grid.cols, food.grid.rows as usize);
        let by = Divisor::new(cols);
        let row_of = |s: u32| {
            let c = food_cell[s as usize];
            (c != NONE).then(|| by.div(c) as usize)
        };
        // The slots not written below stay 0.
        self.of_slot.resize_with(end, AtomicU32::default);
        self.of_slot[..end]
            .par_iter_mut()
            .with_min_len(PAR_MIN_LEN)
            .for_each(|w| *w.get_mut() = 0);
        // Group by row: count per chunk and row, place, then scatter.
        let chunk = order
            .len()
            .div_ceil(4 * rayon::current_num_threads())
            .max(GROUP_CHUNK);
        let chunks = order.len().div_ceil(chunk).max(1);
        self.cursors.clear();
        self.cursors.resize(chunks * rows, 0);
        let by_chunk = ByChunk {
            rows,
            chunk,
            order,
            row_of,
        };
        by_chunk.each(&mut self.cursors, |n, _, r| n[r] += 1);
        // Each row's start, then each chunk's place in each row, chunk after
        // chunk so that every loop reads memory in order: the starts serve
        // as the running cursors, each stopping at the next row's start,
        // then shift back.
        self.row_start.clear();
        self.row_start.resize(rows + 1, 0);
        for n in self.cursors.chunks(rows) {
            for (t, &n) in self.row_start[1..].iter_mut().zip(n) {
                *t += n;
            }
        }
        for r in 0..rows {
            self.row_start[r + 1] += self.row_start[r];
        }
        for n in self.cursors.chunks_mut(rows) {
            for (n, at) in n.iter_mut().zip(&mut self.row_start[..rows]) {
                (*n, *at) = (*at, *at + *n);
            }
        }
        self.row_start.copy_within(0..rows, 1);
        self.row_start[0] = 0;
        self.by_row
            .resize_with(self.row_start[rows] as usize, AtomicU32::default);
        let by_row = &self.by_row;
        by_chunk.each(&mut self.cursors, |cursor, s, r| {
            by_row[cursor[r] as usize].store(s, Relaxed);
            cursor[r] += 1;
        });
        // Count each row's cells, in bands of rows.
        self.band_rows = BAND_CELLS.div_ceil(cols as usize).max(1);
        let this = &*self;
        let col = |s: u32| by.rem(food_cell[s as usize]) as usize;
        (0..rows.div_ceil(this.band_rows))
            .into_par_iter()
            .for_each_init(
                || (BusySpan::start(), vec![0u32; cols as usize]),
                |(_, count), band| {
                    let r0 = band * this.band_rows;
                    for slots in this.in_rows(r0..(r0 + this.band_rows).min(rows)) {
                        for s in slots {
                            count[col(s.load(Relaxed))] += 1;
                        }
                        for s in slots {
                            let s = s.load(Relaxed);
                            let x = col(s);
                            let v = count[x];
                            let word = if v & FIRST == 0 {
                                count[x] = v | FIRST;
                                v | FIRST
                            } else {
                                v & !FIRST
                            };
                            this.of_slot[s as usize].store(word, Relaxed);
                        }
                        for s in slots {
                            count[col(s.load(Relaxed))] = 0;
                        }
                    }
                },
            );
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

/// The chunks of `order` that the grouping by row works on, each with its
/// row of counters in `cursors`.
struct ByChunk<'a, R> {
    rows: usize,
    chunk: usize,
    order: &'a [u32],
    /// A slot's food row, or `None` when it does not graze.
    row_of: R,
}

impl<R: Fn(u32) -> Option<usize> + Sync> ByChunk<'_, R> {
    /// Calls `f(chunk's counters, slot, row)` for every grazer, in order
    /// inside each chunk, the chunks in parallel.
    fn each(&self, cursors: &mut [u32], f: impl Fn(&mut [u32], u32, usize) + Sync) {
        cursors
            .par_chunks_mut(self.rows)
            .zip(self.order.par_chunks(self.chunk))
            .for_each_init(BusySpan::start, |_, (n, part)| {
                for &s in part {
                    if let Some(r) = (self.row_of)(s) {
                        f(n, s, r);
                    }
                }
            });
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
/// `order`, the cell loses `eaters × share` and starts its cooldown (in
/// parallel over bands of food rows). Returns the food eaten (f), summed
/// per band in row order, then over the bands in order.
/// (Every grazer of a cell computes the same share from the same amount, so
/// no per-cell share is stored.)
pub fn feed_apply(
    p: &SimParams,
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
        .for_each_init(BusySpan::start, |_, (((energy, g), &c), v)| {
            let n = v.load(Relaxed) & !FIRST;
            if n == 0 {
                return;
            }
            let t = bite.min(quantum.amount(quanta[c as usize]) / n as f32);
            let gain = t * per_unit * plant_efficiency(gene(g, Gene::Diet));
            *energy = (*energy + gain).min(max);
        });
    let ticks = food.cooldown_ticks();
    let meal = Meal {
        eaters,
        food_cell,
        bite,
        quantum,
        cols: food.grid.cols as usize,
        rows: food.grid.rows as usize,
    };
    let (quanta, cooldown, _) = food.parts_mut();
    match cooldown {
        Cooldowns::Bytes(t) => meal.eat(quanta, t, ticks.min(u8::MAX as u16) as u8),
        Cooldowns::Words(t) => meal.eat(quanta, t, ticks),
    }
}

/// What the first grazers of the cells need to take their cells' food.
struct Meal<'a> {
    eaters: &'a Eaters,
    food_cell: &'a [u32],
    bite: f32,
    quantum: Quantum,
    cols: usize,
    rows: usize,
}

impl Meal<'_> {
    /// Every eaten cell loses what its grazers took and starts its cooldown
    /// (`ticks`), bands of rows in parallel; the food eaten.
    fn eat<T: Copy + Send + Sync>(&self, quanta: &mut [u16], cooldown: &mut [T], ticks: T) -> f64 {
        let (eaters, quantum, cols) = (self.eaters, self.quantum, self.cols);
        let band_rows = eaters.band_rows.max(1);
        let band = band_rows * cols;
        let eaten: Vec<f64> = quanta
            .par_chunks_mut(band)
            .zip(cooldown.par_chunks_mut(band))
            .enumerate()
            .map_init(BusySpan::start, |_, (k, (q, t))| {
                let r0 = k * band_rows;
                let first_cell = r0 * cols;
                let mut eaten = 0.0f64;
                for slots in eaters.in_rows(r0..(r0 + band_rows).min(self.rows)) {
                    for s in slots {
                        let s = s.load(Relaxed) as usize;
                        if !eaters.is_first(s) {
                            continue;
                        }
                        let n = eaters.of(s);
                        let c = self.food_cell[s] as usize - first_cell;
                        let amount = quantum.amount(q[c]);
                        let take = self.bite.min(amount / n as f32);
                        q[c] = quantum.nearest((amount - take * n as f32).max(0.0));
                        t[c] = ticks;
                        eaten += take as f64 * n as f64;
                    }
                }
                eaten
            })
            .collect();
        eaten.iter().sum()
    }
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
