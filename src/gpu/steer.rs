//! `steer` on the GPU: one invocation per living entity in cell order senses
//! its neighbours through the hash (flocking, hunting, fleeing within its
//! view cone), samples food and terrain ahead and writes its acceleration
//! (into its `vel`, which `integrate` reads back as such: steer reads
//! velocities only from `info`), attack intent and behaviour. Twin of `src/cpu/steer.rs` and
//! `src/cpu/neighbors.rs`.

use super::buffers::{Buffers, Sizes, put, put_records, set, submit};
use super::kernel::{Kernel, KernelDecl, Shader};
use super::layout::{GpuInfo, GpuSteerOut};
use super::views::{
    FOOD_AMOUNT, GENES_A, GENES_B, INFO, OFFSETS, SORTED, SORTED_POS, STEER, STEER_OUT, TERRAIN,
    VEL,
};
use super::wgsl::wgsl_struct;
use super::{GpuContext, GpuError};
use crate::model::entities::Entities;
use crate::model::food::Food;
use crate::model::grid::Grid;
use crate::model::params::SimParams;
use crate::model::quanta::Quantum;
use crate::model::terrain::Terrain;

/// `steer`'s shader: reads `info` from [`super::gather`], and each living
/// slot's id from its intent word (where `gather_info` put it, so that steer
/// binds ten storage buffers, not eleven); writes the slot's acceleration to
/// `vel` and its intent word to `steer_out` (gather's `reset_slots` cleared
/// the free slots').
pub struct SteerShader;

impl Shader for SteerShader {
    const DECL: KernelDecl = KernelDecl::new("steer", STEER)
        .read(&[
            OFFSETS,
            SORTED_POS,
            INFO,
            GENES_A,
            GENES_B,
            TERRAIN,
            FOOD_AMOUNT,
            SORTED,
        ])
        .read_write(&[VEL, STEER_OUT]);
}

/// The pass: [`Kernel::record`] over the `alive` entities in cell order.
pub type Steer = Kernel<SteerShader>;

wgsl_struct! {
    /// Everything `steer` reads that is not per entity.
    pub struct SteerUniform in uniform {
        /// Living entities (invocations).
        pub n: u32,
        /// `hash.max_neighbors`.
        pub max_neighbors: u32,
        /// `steering.food_samples`.
        pub food_samples: u32,
        /// The tick being computed.
        pub tick: u32,
        /// Seed, low word.
        pub seed_lo: u32,
        /// Seed, high word.
        pub seed_hi: u32,
        /// Hash columns.
        pub hash_cols: u32,
        /// Hash rows.
        pub hash_rows: u32,
        /// 1 / hash cell width.
        pub hash_inv_w: f32,
        /// 1 / hash cell height.
        pub hash_inv_h: f32,
        /// Hash cell width.
        pub hash_cell_w: f32,
        /// Hash cell height.
        pub hash_cell_h: f32,
        /// World width.
        pub world_w: f32,
        /// World height.
        pub world_h: f32,
        /// Tick length.
        pub dt: f32,
        /// `energy.max`.
        pub energy_max: f32,
        /// `energy.hungry × energy.max`.
        pub hungry_energy: f32,
        /// `combat.hunt_diet`.
        pub hunt_diet: f32,
        /// `combat.flee_diet`.
        pub flee_diet: f32,
        /// `combat.hunt_vision`.
        pub hunt_vision: f32,
        /// `combat.reach`.
        pub reach: f32,
        /// `combat.fight_probability`.
        pub fight_probability: f32,
        /// `food.graze_diet`.
        pub graze_diet: f32,
        /// `food.capacity`.
        pub food_capacity: f32,
        /// Food per quantum (f): a cell's amount is its whole quanta times
        /// this ([`crate::model::quanta::Quantum`]).
        pub food_quantum: f32,
        /// Food columns.
        pub food_cols: u32,
        /// Food rows.
        pub food_rows: u32,
        /// 1 / food cell width.
        pub food_inv_w: f32,
        /// 1 / food cell height.
        pub food_inv_h: f32,
        /// Terrain columns.
        pub terrain_cols: u32,
        /// Terrain rows.
        pub terrain_rows: u32,
        /// 1 / terrain cell width.
        pub terrain_inv_w: f32,
        /// 1 / terrain cell height.
        pub terrain_inv_h: f32,
        /// `steering.personal_space`.
        pub personal_space: f32,
        /// `steering.separation`.
        pub separation: f32,
        /// `steering.alignment`.
        pub alignment: f32,
        /// `steering.cohesion`.
        pub cohesion: f32,
        /// `steering.flee`.
        pub flee: f32,
        /// `steering.hunt`.
        pub hunt: f32,
        /// `steering.food`.
        pub food: f32,
        /// `steering.wander`.
        pub wander: f32,
        /// `steering.terrain`.
        pub terrain: f32,
        /// `steering.lookahead`.
        pub lookahead: f32,
        /// `steering.max_accel`.
        pub max_accel: f32,
    }
}

impl SteerUniform {
    /// The uniform for `n` living entities at `tick`.
    pub fn new(p: &SimParams, grids: [&Grid; 3], seed: u64, tick: u32, n: u32) -> Self {
        let [hash, food, terrain] = grids;
        let s = &p.steering;
        Self {
            n,
            max_neighbors: p.hash.max_neighbors,
            food_samples: s.food_samples,
            tick,
            seed_lo: seed as u32,
            seed_hi: (seed >> 32) as u32,
            hash_cols: hash.cols,
            hash_rows: hash.rows,
            hash_inv_w: hash.inv_w,
            hash_inv_h: hash.inv_h,
            hash_cell_w: hash.cell_w,
            hash_cell_h: hash.cell_h,
            world_w: p.world.width,
            world_h: p.world.height,
            dt: p.world.dt,
            energy_max: p.energy.max,
            hungry_energy: p.energy.hungry * p.energy.max,
            hunt_diet: p.combat.hunt_diet,
            flee_diet: p.combat.flee_diet,
            hunt_vision: p.combat.hunt_vision,
            reach: p.combat.reach,
            fight_probability: p.combat.fight_probability,
            graze_diet: p.food.graze_diet,
            food_capacity: p.food.capacity,
            food_quantum: Quantum::new(&p.food, &p.terrain).size,
            food_cols: food.cols,
            food_rows: food.rows,
            food_inv_w: food.inv_w,
            food_inv_h: food.inv_h,
            terrain_cols: terrain.cols,
            terrain_rows: terrain.rows,
            terrain_inv_w: terrain.inv_w,
            terrain_inv_h: terrain.inv_h,
            personal_space: s.personal_space,
            separation: s.separation,
            alignment: s.alignment,
            cohesion: s.cohesion,
            flee: s.flee,
            hunt: s.hunt,
            food: s.food,
            wander: s.wander,
            terrain: s.terrain,
            lookahead: s.lookahead,
            max_accel: s.max_accel,
        }
    }
}

/// The inputs of `steer` that come from the hash and the gather, in cell order.
pub struct SteerInputs<'a> {
    /// Hash offsets (cells + 1).
    pub offsets: &'a [u32],
    /// Positions in cell order (living entities only).
    pub sorted_pos: &'a [[f32; 2]],
    /// Neighbour data in cell order.
    pub info: &'a [GpuInfo],
    /// The slot of each living entity in cell order.
    pub sorted: &'a [u32],
}

/// The world `steer` reads besides the hash: the parameters, the tick, the
/// entities, terrain and food.
pub struct SteerWorld<'a> {
    /// The parameters.
    pub p: &'a SimParams,
    /// The run's seed.
    pub seed: u64,
    /// The tick being computed.
    pub tick: u32,
    /// The entity slots.
    pub e: &'a Entities,
    /// The terrain.
    pub terrain: &'a Terrain,
    /// The food grid.
    pub food: &'a Food,
}

/// Runs `steer` for every living entity (in cell order) of `w` with the
/// hash grid `hash` and returns the results (which it writes per slot) in
/// that order.
pub fn run(
    ctx: &GpuContext,
    w: &SteerWorld<'_>,
    hash: &Grid,
    inp: &SteerInputs<'_>,
) -> Result<Vec<GpuSteerOut>, GpuError> {
    let SteerWorld {
        p,
        seed,
        tick,
        e,
        terrain,
        food,
    } = *w;
    let n = inp.info.len();
    let mut sizes = Sizes::new(p, terrain.cells.len(), e.capacity(), (1, 1), 1);
    sizes.hash = *hash;
    let b = Buffers::new(ctx, sizes)?;
    b.upload_terrain(ctx, terrain);
    b.upload_entities(ctx, e);
    b.upload_food(ctx, food);
    put(ctx, &b.offsets, inp.offsets);
    put(ctx, &b.sorted_pos, inp.sorted_pos);
    put_records(ctx, &b.info, inp.info);
    put(ctx, &b.sorted, inp.sorted);
    // Each living slot's id in its intent word, as gather_info leaves it.
    put(ctx, &b.steer_out, &e.id);
    set(
        ctx,
        &b.steer_u,
        &SteerUniform::new(p, [hash, &food.grid, &terrain.grid], seed, tick, n as u32),
    );
    let pass = Steer::new(ctx, &b);
    submit(ctx, "sim.pass.steer", |c| pass.record(c, n as u32));
    let words: Vec<u32> = Buffers::read(ctx, &b.steer_out, e.capacity())?;
    let acc: Vec<[f32; 2]> = Buffers::read(ctx, &b.vel, e.capacity())?;
    Ok(inp.sorted[..n]
        .iter()
        .map(|&s| GpuSteerOut::decode(acc[s as usize], words[s as usize]))
        .collect())
}
