//! `feed`: grazers eat from the food cell they stand in.
//!
//! Conflicts are resolved without float atomics: eaters are counted per cell
//! (integers), each eater of a cell takes the same `min(bite·dt, amount / eaters)`,
//! and the cell loses exactly `eaters × share` and starts its regrowth cooldown.
//!
//! The counts are kept per grazer, not per food cell ([`Eaters`]): the
//! grazers are grouped by food row and counted in a scratch row, so that the
//! memory of the pass grows with the grazers, not with the world's area.

use super::NONE;
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

/// Set in [`Eaters::at`] on the first grazer of its cell in `order`.
const FIRST: u32 = 1 << 31;

/// The grazers of each food cell, counted per grazer.
#[derive(Debug, Clone, Default)]
pub struct Eaters {
    /// For each entry of `order`: the number of grazers in its food cell,
    /// with [`FIRST`] set on the first of them in `order`; 0 when it does
    /// not graze.
    at: Vec<u32>,
    /// Grazers per food row, then the exclusive prefix sum (one more entry than rows).
    row_start: Vec<u32>,
    /// The grazers' indices in `order`, grouped by food row, ascending in each row.
    by_row: Vec<u32>,
    /// Scratch: one food row's counts (zero between rows).
    count: Vec<u32>,
}

impl Eaters {
    /// The number of grazers in the food cell of `order[k]` (0 when it does not graze).
    #[inline]
    pub fn of(&self, k: usize) -> u32 {
        self.at[k] & !FIRST
    }

    /// Whether `order[k]` is the first grazer of its cell in `order`.
    #[inline]
    pub fn is_first(&self, k: usize) -> bool {
        self.at[k] & FIRST != 0
    }

    /// Counts the grazers of every cell. `cell_at(k)`: the food cell of
    /// `order[k]` or [`NONE`].
    fn count(&mut self, food: &Food, n: usize, cell_at: impl Fn(usize) -> u32) {
        let (cols, rows) = (food.grid.cols, food.grid.rows as usize);
        self.at.clear();
        self.at.resize(n, 0);
        self.row_start.clear();
        self.row_start.resize(rows + 1, 0);
        for k in 0..n {
            let c = cell_at(k);
            if c != NONE {
                self.row_start[(c / cols) as usize + 1] += 1;
            }
        }
        for r in 0..rows {
            self.row_start[r + 1] += self.row_start[r];
        }
        self.by_row.clear();
        self.by_row.resize(self.row_start[rows] as usize, 0);
        // Scatter in order, each row's cursor kept in `at` (grazers only,
        // rewritten below).
        let mut cursor = std::mem::take(&mut self.count);
        cursor.clear();
        cursor.extend_from_slice(&self.row_start[..rows]);
        for k in 0..n {
            let c = cell_at(k);
            if c != NONE {
                let r = (c / cols) as usize;
                self.by_row[cursor[r] as usize] = k as u32;
                cursor[r] += 1;
            }
        }
        let mut count = cursor;
        count.clear();
        count.resize(cols as usize, 0);
        for r in 0..rows {
            let ks = &self.by_row[self.row_start[r] as usize..self.row_start[r + 1] as usize];
            for &k in ks {
                count[(cell_at(k as usize) % cols) as usize] += 1;
            }
            for &k in ks {
                let x = (cell_at(k as usize) % cols) as usize;
                let v = count[x];
                if v & FIRST == 0 {
                    self.at[k as usize] = v | FIRST;
                    count[x] = v | FIRST;
                } else {
                    self.at[k as usize] = v & !FIRST;
                }
            }
            for &k in ks {
                count[(cell_at(k as usize) % cols) as usize] = 0;
            }
        }
        self.count = count;
    }

    /// The grazers per food cell (dense, for tests and checks).
    pub fn per_cell(&self, order: &[u32], food_cell: &[u32], cells: usize) -> Vec<u32> {
        let mut v = vec![0; cells];
        for (k, &s) in order.iter().enumerate() {
            if self.is_first(k) {
                v[food_cell[s as usize] as usize] = self.of(k);
            }
        }
        v
    }
}

/// Step 1: the food cell of each living entity in `order` (or [`NONE`] if it
/// does not graze), and the grazers of each cell ([`Eaters`]). Visiting
/// entities in cell order keeps the food-grid accesses close together.
pub fn feed_count(
    p: &SimParams,
    e: &Entities,
    food: &Food,
    order: &[u32],
    food_cell: &mut [u32],
    eaters: &mut Eaters,
) {
    for &s in order {
        let i = s as usize;
        food_cell[i] = if grazes(p, gene(&e.genes[i], Gene::Diet), e.energy[i]) {
            food.grid.index(e.pos[i])
        } else {
            NONE
        };
    }
    eaters.count(food, order.len(), |k| food_cell[order[k] as usize]);
}

/// Step 2: every grazer gains its cell's share `min(bite·dt, amount /
/// eaters)` times the energy per unit and its plant efficiency; then, at the
/// first grazer of each cell in `order`, the cell loses `eaters × share` and
/// starts its cooldown. Returns the food eaten (f).
/// (Every grazer of a cell computes the same share from the same amount, so
/// no per-cell share is stored.)
pub fn feed_apply(
    p: &SimParams,
    order: &[u32],
    food_cell: &[u32],
    eaters: &Eaters,
    e: &mut Entities,
    food: &mut Food,
) -> f64 {
    let bite = p.food.bite * p.world.dt;
    let (max, per_unit) = (p.energy.max, p.food.energy_per_unit);
    for (k, &s) in order.iter().enumerate() {
        let n = eaters.of(k);
        if n == 0 {
            continue;
        }
        let i = s as usize;
        let c = food_cell[i] as usize;
        let t = bite.min(food.amount[c] / n as f32);
        let gain = t * per_unit * plant_efficiency(gene(&e.genes[i], Gene::Diet));
        e.energy[i] = (e.energy[i] + gain).min(max);
    }
    let cooldown = food.cooldown_ticks();
    let mut eaten = 0.0f64;
    for (k, &s) in order.iter().enumerate() {
        if !eaters.is_first(k) {
            continue;
        }
        let n = eaters.of(k);
        let c = food_cell[s as usize] as usize;
        let t = bite.min(food.amount[c] / n as f32);
        food.amount[c] = (food.amount[c] - t * n as f32).max(0.0);
        food.cooldown[c] = cooldown;
        eaten += t as f64 * n as f64;
    }
    eaten
}
