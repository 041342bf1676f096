//! `steer` on the GPU: one invocation per living entity in cell order senses
//! its neighbours through the hash (flocking, hunting, fleeing within its
//! view cone), samples food and terrain ahead and writes its acceleration,
//! attack intent and behaviour. Twin of `src/cpu/steer.rs` and
//! `src/cpu/neighbors.rs`.

use super::buffers::{Buffers, Sizes, bind, dispatch, put, set, submit};
use super::layout::{GpuInfo, GpuSteerOut, STEER_WORDS, SteerUniform};
use super::shaders::pipeline;
use super::{GpuContext, GpuError};
use crate::model::entities::Entities;
use crate::model::food::Food;
use crate::model::grid::Grid;
use crate::model::params::SimParams;
use crate::model::terrain::Terrain;

/// The pipeline and its bindings.
pub struct Steer {
    pipeline: wgpu::ComputePipeline,
    group: wgpu::BindGroup,
}

impl Steer {
    /// Builds the pass over `b` (reads `info` from [`super::gather`]).
    pub fn new(ctx: &GpuContext, b: &Buffers) -> Self {
        let pipeline = pipeline(&ctx.device, "steer", "main");
        let group = bind(
            ctx,
            &pipeline,
            "sim.steer",
            &[
                (0, &b.steer_u),
                (1, &b.offsets),
                (2, &b.sorted_pos),
                (3, &b.info),
                (4, &b.genes),
                (5, &b.terrain),
                (6, &b.food_amount),
                (7, &b.sorted),
                (8, &b.ids),
                (9, &b.steer_out),
            ],
        );
        Self { pipeline, group }
    }

    /// Records the pass over the `alive` entities in cell order.
    pub fn record(&self, pass: &mut wgpu::ComputePass<'_>, alive: u32) {
        dispatch(pass, &self.pipeline, &self.group, alive);
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

/// Runs `steer` for every living entity (in cell order) and returns the
/// results (which it writes per slot) in that order.
#[expect(clippy::too_many_arguments, reason = "the pass's whole input")]
pub fn run(
    ctx: &GpuContext,
    p: &SimParams,
    seed: u64,
    tick: u32,
    hash: &Grid,
    inp: &SteerInputs<'_>,
    e: &Entities,
    terrain: &Terrain,
    food: &Food,
) -> Result<Vec<GpuSteerOut>, GpuError> {
    let n = inp.info.len();
    let mut sizes = Sizes::new(p, terrain.cells.len(), e.capacity(), (1, 1), 1);
    sizes.hash = *hash;
    let b = Buffers::new(ctx, sizes)?;
    b.upload_terrain(ctx, terrain);
    b.upload_entities(ctx, e);
    b.upload_food(ctx, food);
    put(ctx, &b.offsets, inp.offsets);
    put(ctx, &b.sorted_pos, inp.sorted_pos);
    put(ctx, &b.info, inp.info);
    put(ctx, &b.sorted, inp.sorted);
    set(
        ctx,
        &b.steer_u,
        &SteerUniform::new(p, [hash, &food.grid, &terrain.grid], seed, tick, n as u32),
    );
    let pass = Steer::new(ctx, &b);
    submit(ctx, "sim.pass.steer", |c| pass.record(c, n as u32));
    let words: Vec<u32> = Buffers::read(ctx, &b.steer_out, STEER_WORDS * e.capacity())?;
    let out = GpuSteerOut::decode_all(&words);
    Ok(inp.sorted[..n].iter().map(|&s| out[s as usize]).collect())
}
