//! The step uniform: the per-tick parameters of the entity passes that
//! move, feed and regrow (`integrate`, `feed`, `food_regrow`), shared with
//! their WGSL through [`super::layout`]'s prelude.

use super::wgsl::wgsl_struct;
use crate::model::food::{Countdown, capacity_by_biome, cooldown_bits};
use crate::model::grid::Grid;
use crate::model::params::SimParams;
use crate::model::quanta::{Quantum, dither_key};

wgsl_struct! {
    /// The per-tick parameters of the entity passes (`integrate`, `feed`,
    /// `food_regrow`).
    pub struct StepUniform in uniform {
        /// Entity slots to process.
        pub n: u32,
        /// Living entities (`integrate`'s invocations, in cell order).
        pub alive: u32,
        /// Terrain columns.
        pub terrain_cols: u32,
        /// Terrain rows.
        pub terrain_rows: u32,
        /// Food cells.
        pub food_cells: u32,
        /// World width (wu).
        pub world_w: f32,
        /// World height (wu).
        pub world_h: f32,
        /// Tick length (s).
        pub dt: f32,
        /// `energy.basal`.
        pub basal: f32,
        /// `energy.move_cost`.
        pub move_cost: f32,
        /// 1 / terrain cell width.
        pub terrain_inv_w: f32,
        /// 1 / terrain cell height.
        pub terrain_inv_h: f32,
        /// `food.regrow_rate`.
        pub regrow_rate: f32,
        /// `food.seed_fraction`.
        pub seed_fraction: f32,
        /// Food columns.
        pub food_cols: u32,
        /// Food rows.
        pub food_rows: u32,
        /// 1 / food cell width.
        pub food_inv_w: f32,
        /// 1 / food cell height.
        pub food_inv_h: f32,
        /// `food.bite`.
        pub bite: f32,
        /// `food.energy_per_unit`.
        pub energy_per_unit: f32,
        /// `energy.max`.
        pub energy_max: f32,
        /// `food.graze_diet`.
        pub graze_diet: f32,
        /// Ticks a freshly eaten cell waits before it regrows (`food.cooldown`
        /// counted in ticks: [`crate::model::food::Countdown`]).
        pub cooldown_ticks: u32,
        /// Bits of a cell's cooldown counter in `food_cooldown`: 8 (four
        /// cells a word) or 16 (two).
        pub cooldown_bits: u32,
        /// Feed's grazer table: its first word in the feed scratch (after
        /// one entry word per slot: the slots the buffers hold).
        pub table_base: u32,
        /// Entries of the grazer table (1.5 per slot).
        pub table_len: u32,
        /// Food per quantum (f): a cell's amount is its whole quanta
        /// (16 bits, two cells a word) times this.
        pub food_quantum: f32,
        /// Quanta per unit of food.
        pub food_per_quantum: f32,
        /// This tick's key of `food_regrow`'s rounding dither
        /// ([`crate::model::quanta::dither_key`]).
        pub food_key: u32,
        /// Food capacity per biome code (f): codes 0–3, then 4 and 5 (6 and
        /// 7 are 0: the padding's code). A cell's capacity is its biome's
        /// (`food_regrow`).
        pub food_by_biome: [glam::Vec4; 2],
    }
}

impl StepUniform {
    /// The uniform for `n` slots.
    pub fn new(p: &SimParams, terrain: &Grid, food: &Grid, n: u32) -> Self {
        let ticks = Countdown::capped(p.food.cooldown, p.world.dt).ticks();
        let quantum = Quantum::new(&p.food, &p.terrain);
        Self {
            n,
            alive: 0,
            terrain_cols: terrain.cols,
            terrain_rows: terrain.rows,
            food_cells: food.cols * food.rows,
            world_w: p.world.width,
            world_h: p.world.height,
            dt: p.world.dt,
            basal: p.energy.basal,
            move_cost: p.energy.move_cost,
            terrain_inv_w: terrain.inv_w,
            terrain_inv_h: terrain.inv_h,
            regrow_rate: p.food.regrow_rate,
            seed_fraction: p.food.seed_fraction,
            food_cols: food.cols,
            food_rows: food.rows,
            food_inv_w: food.inv_w,
            food_inv_h: food.inv_h,
            bite: p.food.bite,
            energy_per_unit: p.food.energy_per_unit,
            energy_max: p.energy.max,
            graze_diet: p.food.graze_diet,
            cooldown_ticks: ticks as u32,
            cooldown_bits: cooldown_bits(ticks),
            table_base: 0,
            table_len: 1,
            food_quantum: quantum.size,
            food_per_quantum: quantum.per_unit,
            food_key: 0,
            food_by_biome: by_biome(p),
        }
    }

    /// With feed's grazer table laid out for buffers of `slots` slots: one
    /// entry word per slot, then 1.5 entries (three words) per slot, the
    /// rest of the slots' 16 bytes of scratch. There are more entries than
    /// grazers (at most one per slot), so a probe always finds its cell.
    pub fn with_table(self, slots: u32) -> Self {
        Self {
            table_base: slots,
            table_len: (slots + slots / 2).max(1),
            ..self
        }
    }

    /// With `food_regrow`'s dither key for `tick` of a world seeded `seed`.
    pub fn at_tick(self, seed: u64, tick: u32) -> Self {
        Self {
            food_key: dither_key(seed, tick),
            ..self
        }
    }

    /// Bytes of feed's grazer table and their offset in the scratch buffer.
    pub fn table_bytes(&self) -> (u64, u64) {
        (self.table_base as u64 * 4, self.table_len as u64 * 8)
    }
}

/// The food capacity per biome code ([`capacity_by_biome`]) as
/// [`StepUniform::food_by_biome`] holds it: codes 6 and 7 at 0.
fn by_biome(p: &SimParams) -> [glam::Vec4; 2] {
    let c = capacity_by_biome(&p.food, &p.terrain);
    [
        glam::Vec4::from_slice(&c[..4]),
        glam::Vec4::new(c[4], c[5], 0.0, 0.0),
    ]
}
