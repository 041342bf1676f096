//! `food_regrow` on the GPU: logistic regrowth toward each cell's capacity
//! once its cooldown has run out. Twin of `src/cpu/food_regrow.rs`.

use super::buffers::{Buffers, Sizes, set, submit};
use super::kernel::{Kernel, KernelDecl, Shader};
use super::layout::StepUniform;
use super::views::{FOOD_AMOUNT, FOOD_COOLDOWN, FOOD_MAP, STEP, TERRAIN};
use super::{GpuContext, GpuError};
use crate::model::food::Food;
use crate::model::params::SimParams;
use crate::model::terrain::Terrain;

/// The food amounts as pairs of words: four cells (16 bits each) a pair.
const QUADS: &str = "array<vec2<u32>>";

/// `food_regrow`'s shader (the amounts as word pairs, four cells each; the
/// capacities from the terrain codes under the cells; the cooldowns packed
/// ticks).
pub struct FoodRegrowShader;

impl Shader for FoodRegrowShader {
    const DECL: KernelDecl = KernelDecl::new("food_regrow", STEP)
        .read(&[TERRAIN, FOOD_MAP])
        .read_write(&[FOOD_AMOUNT.typed(QUADS), FOOD_COOLDOWN]);
}

/// The pass: [`Kernel::record`] over [`super::buffers::Sizes::food_quads`].
pub type FoodRegrow = Kernel<FoodRegrowShader>;

/// Runs `food_regrow` on a copy of `food` with the dither key `key`
/// ([`crate::model::quanta::dither_key`]); returns the result.
pub fn run(
    ctx: &GpuContext,
    p: &SimParams,
    terrain: &Terrain,
    food: &Food,
    key: u32,
) -> Result<Food, GpuError> {
    let b = Buffers::new(ctx, Sizes::new(p, terrain.cells.len(), 0, (1, 1), 1))?;
    b.upload_terrain(ctx, terrain);
    b.upload_food(ctx, food);
    set(
        ctx,
        &b.step_u,
        &StepUniform {
            food_key: key,
            ..StepUniform::new(p, &terrain.grid, &food.grid, 0)
        },
    );
    let pass = FoodRegrow::new(ctx, &b);
    submit(ctx, "sim.pass.food_regrow", |c| {
        pass.record(c, b.sizes.food_quads())
    });
    b.read_food(ctx, food)
}
