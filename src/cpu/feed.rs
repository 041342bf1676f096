//! `feed`: grazers eat from the food cell they stand in.
//!
//! Conflicts are resolved without float atomics: eaters are counted per cell
//! (integers), each eater of a cell takes the same `min(bite·dt, amount / eaters)`,
//! and the cell loses exactly `eaters × share` and starts its regrowth cooldown.

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

/// Step 1: the food cell of each living entity in `order` (or [`NONE`] if it
/// does not graze), and the grazers per food cell. `eaters` must be all zero
/// on entry; [`feed_apply`] leaves it so. Visiting entities in cell order keeps
/// the food-grid accesses close together.
pub fn feed_count(
    p: &SimParams,
    e: &Entities,
    food: &Food,
    order: &[u32],
    food_cell: &mut [u32],
    eaters: &mut [u32],
) {
    for &s in order {
        let i = s as usize;
        let c = if grazes(p, gene(&e.genes[i], Gene::Diet), e.energy[i]) {
            food.grid.index(e.pos[i])
        } else {
            NONE
        };
        food_cell[i] = c;
        if c != NONE {
            eaters[c as usize] += 1;
        }
    }
}

/// Step 2: every grazer gains its cell's share `min(bite·dt, amount /
/// eaters)` times the energy per unit and its plant efficiency; then, at the
/// first grazer of each cell in `order`, the cell loses `eaters × share` and
/// gets its cooldown. Resets `eaters` to zero. Returns the food eaten (f).
/// (Every grazer of a cell computes the same share from the same amount, so
/// no per-cell share is stored.)
pub fn feed_apply(
    p: &SimParams,
    order: &[u32],
    food_cell: &[u32],
    eaters: &mut [u32],
    e: &mut Entities,
    food: &mut Food,
) -> f64 {
    let bite = p.food.bite * p.world.dt;
    let (max, per_unit) = (p.energy.max, p.food.energy_per_unit);
    for &s in order {
        let i = s as usize;
        let c = food_cell[i];
        if c == NONE {
            continue;
        }
        let c = c as usize;
        let t = bite.min(food.amount[c] / eaters[c] as f32);
        let gain = t * per_unit * plant_efficiency(gene(&e.genes[i], Gene::Diet));
        e.energy[i] = (e.energy[i] + gain).min(max);
    }
    let mut eaten = 0.0f64;
    for &s in order {
        let c = food_cell[s as usize];
        if c == NONE {
            continue;
        }
        let c = c as usize;
        let n = eaters[c];
        if n > 0 {
            let t = bite.min(food.amount[c] / n as f32);
            food.amount[c] = (food.amount[c] - t * n as f32).max(0.0);
            food.cooldown[c] = p.food.cooldown;
            eaten += t as f64 * n as f64;
            eaters[c] = 0;
        }
    }
    eaten
}
