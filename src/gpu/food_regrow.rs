//! `food_regrow` on the GPU: logistic regrowth toward each cell's capacity
//! once its cooldown has run out. Twin of `src/cpu/food_regrow.rs`.

use super::buffers::{Buffers, Sizes, bind, dispatch, set, submit};
use super::layout::StepUniform;
use super::shaders::pipeline;
use super::{GpuContext, GpuError};
use crate::model::food::Food;
use crate::model::params::SimParams;
use crate::model::terrain::Terrain;

/// The pipeline and its bindings.
pub struct FoodRegrow {
    pipeline: wgpu::ComputePipeline,
    group: wgpu::BindGroup,
}

impl FoodRegrow {
    /// Builds the pass over `b`.
    pub fn new(ctx: &GpuContext, b: &Buffers) -> Self {
        let pipeline = pipeline(&ctx.device, "food_regrow", "main");
        let group = bind(
            ctx,
            &pipeline,
            "sim.food_regrow",
            &[
                (0, &b.step_u),
                (1, &b.food_capacity),
                (2, &b.food_amount),
                (3, &b.food_cooldown),
            ],
        );
        Self { pipeline, group }
    }

    /// Records the pass over every food cell, four per invocation.
    pub fn record(&self, pass: &mut wgpu::ComputePass<'_>, b: &Buffers) {
        dispatch(
            pass,
            &self.pipeline,
            &self.group,
            b.sizes.food_cells.div_ceil(4),
        );
    }
}

/// Runs `food_regrow` on a copy of `food`; returns the result.
pub fn run(
    ctx: &GpuContext,
    p: &SimParams,
    terrain: &Terrain,
    food: &Food,
) -> Result<Food, GpuError> {
    let b = Buffers::new(ctx, Sizes::new(p, terrain.cells.len(), 0, (1, 1), 1))?;
    b.upload_food(ctx, food);
    set(
        ctx,
        &b.step_u,
        &StepUniform::new(p, &terrain.grid, &food.grid, 0),
    );
    let pass = FoodRegrow::new(ctx, &b);
    submit(ctx, "sim.pass.food_regrow", |c| pass.record(c, &b));
    b.read_food(ctx, food)
}
