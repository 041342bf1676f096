//! `food_regrow` on the GPU: logistic regrowth toward each cell's capacity
//! once its cooldown has run out. Twin of `src/cpu/food_regrow.rs`.

use super::buffers::{Buffers, Sizes, set, submit};
use super::kernel::{Kernel, KernelDecl, MAIN, Shader, read, read_write, uniform};
use super::layout::StepUniform;
use super::{GpuContext, GpuError};
use crate::model::food::Food;
use crate::model::params::SimParams;
use crate::model::terrain::Terrain;

/// `food_regrow`'s shader (the food grids as vec4s: four cells each).
pub struct FoodRegrowShader;

impl Shader for FoodRegrowShader {
    const DECL: KernelDecl = KernelDecl {
        shader: "food_regrow",
        entries: MAIN,
        bindings: &[
            uniform("u", "StepUniform", |b| &b.step_u),
            read("capacity", "array<vec4<f32>>", |b| &b.food_capacity),
            read_write("amount", "array<vec4<f32>>", |b| &b.food_amount),
            read_write("cooldown", "array<vec4<f32>>", |b| &b.food_cooldown),
        ],
    };
}

/// The pass: [`Kernel::record`] over [`super::buffers::Sizes::food_quads`].
pub type FoodRegrow = Kernel<FoodRegrowShader>;

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
    submit(ctx, "sim.pass.food_regrow", |c| {
        pass.record(c, b.sizes.food_quads())
    });
    b.read_food(ctx, food)
}
