//! `feed`: grazers eat from the food cell they stand in.
//!
//! Conflicts are resolved without float atomics: eaters are counted per cell
//! (integers), each eater of a cell takes the same `min(bite·dt, amount / eaters)`,
//! and the cell loses exactly `eaters × take` and starts its regrowth cooldown.

use rayon::prelude::*;

use super::{NONE, PAR_MIN_LEN};
use crate::model::entities::{Entities, FLAG_ALIVE};
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

/// Step 1: the food cell of each grazer, and the grazers per cell.
pub fn feed_count(
    p: &SimParams,
    e: &Entities,
    food: &Food,
    food_cell: &mut [u32],
    eaters: &mut [u32],
) {
    food_cell
        .par_iter_mut()
        .with_min_len(PAR_MIN_LEN)
        .enumerate()
        .for_each(|(i, c)| {
            let alive = e.tribe_flags[i] & FLAG_ALIVE != 0;
            *c = if alive && grazes(p, gene(&e.genes[i], Gene::Diet), e.energy[i]) {
                food.grid.index(e.pos[i])
            } else {
                NONE
            };
        });
    eaters.fill(0);
    for &c in food_cell.iter() {
        if c != NONE {
            eaters[c as usize] += 1;
        }
    }
}

/// Step 2: each cell's share per eater, the eaters' energy gain and the cell's loss.
/// Returns the food eaten this tick (f).
pub fn feed_apply(
    p: &SimParams,
    food_cell: &[u32],
    eaters: &[u32],
    take: &mut [f32],
    e: &mut Entities,
    food: &mut Food,
) -> f64 {
    let bite = p.food.bite * p.world.dt;
    let cooldown = p.food.cooldown;
    // Fixed-size chunks, summed in chunk order: the total does not depend on
    // the thread count.
    const CHUNK: usize = 16_384;
    let partial: Vec<f64> = food
        .amount
        .par_chunks_mut(CHUNK)
        .zip(food.cooldown.par_chunks_mut(CHUNK))
        .zip(take.par_chunks_mut(CHUNK))
        .zip(eaters.par_chunks(CHUNK))
        .map(|(((amount, cool), take), eaters)| {
            let mut eaten = 0.0f64;
            for (k, &n) in eaters.iter().enumerate() {
                if n > 0 {
                    let t = bite.min(amount[k] / n as f32);
                    take[k] = t;
                    amount[k] = (amount[k] - t * n as f32).max(0.0);
                    cool[k] = cooldown;
                    eaten += t as f64 * n as f64;
                }
            }
            eaten
        })
        .collect();
    let eaten: f64 = partial.iter().sum();
    let max = p.energy.max;
    let per_unit = p.food.energy_per_unit;
    let Entities { energy, genes, .. } = e;
    energy
        .par_iter_mut()
        .with_min_len(PAR_MIN_LEN)
        .enumerate()
        .for_each(|(i, en)| {
            let c = food_cell[i];
            if c != NONE {
                let gain =
                    take[c as usize] * per_unit * plant_efficiency(gene(&genes[i], Gene::Diet));
                *en = (*en + gain).min(max);
            }
        });
    eaten
}
