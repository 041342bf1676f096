//! `feed` on the GPU in three steps over the slots, none over the food grid:
//! `count` (each hungry grazer's food cell, grazers per cell), `gain` (each
//! grazer's share `min(bite·dt, amount / n)` of its cell and its energy),
//! `settle` (one grazer per cell, the one whose atomic exchange takes the
//! count back to zero, removes the cell's loss, sets its cooldown and adds to
//! the food eaten in fixed point). `eaters` is zero between ticks, so it is
//! never cleared. Twin of `src/cpu/feed.rs`.

use super::buffers::{Buffers, set, submit};
use super::kernel::{Kernel, KernelDecl, Shader, read, read_write, uniform};
use super::layout::{FOOD_FIXED, StepUniform};
use super::{GpuContext, GpuError};
use crate::model::entities::Entities;
use crate::model::food::Food;
use crate::model::params::SimParams;
use crate::model::terrain::Terrain;

/// d`'s shader: its bindings and what each step uses: the food cells, the
/// grazer counts, the food and the energy are written by one step and read by
/// another (under a second name); `eaten` is the food eaten this tick in
/// 1/[`FOOD_FIXED`] units, a 64-bit lo/hi pair.
pub struct FeedShader;

impl Shader for FeedShader {
    const DECL: KernelDecl = KernelDecl {
        shader: "feed",
        entries: &[
            (
                "count",
                "u pos genes tribe_flags food_cell_of eaters energy_in",
            ),
            ("gain", "u genes eaters_in cell_in amount_in energy"),
            ("settle", "u food_cell_of eaters amount cooldown eaten"),
        ],
        bindings: &[
            uniform("u", "StepUniform", |b| &b.step_u),
            read("pos", "array<vec2<f32>>", |b| &b.pos),
            read("genes", "array<Genome>", |b| &b.genes),
            read("tribe_flags", "array<u32>", |b| &b.tribe_flags),
            read_write("food_cell_of", "array<u32>", |b| b.food_cell()),
            read_write("eaters", "array<atomic<u32>>", |b| &b.eaters),
            read("eaters_in", "array<u32>", |b| &b.eaters),
            read_write("amount", "array<f32>", |b| &b.food_amount),
            read_write("cooldown", "array<f32>", |b| &b.food_cooldown),
            read("cell_in", "array<u32>", |b| b.food_cell()),
            read("amount_in", "array<f32>", |b| &b.food_amount),
            read_write("energy", "array<f32>", |b| &b.energy),
            read("energy_in", "array<f32>", |b| &b.energy),
            read_write("eaten", "array<atomic<u32>, 2>", |b| &b.eaten),
        ],
    };
}

/// The pass: [`Kernel::record`] (`count`, `gain`, `settle`) over slots `0..end`
/// (after [`Feed::clear`]).
pub type Feed = Kernel<FeedShader>;

impl Feed {
    /// Clears the food-eaten sum (before the compute pass).
    pub fn clear(&self, enc: &mut wgpu::CommandEncoder, b: &Buffers) {
        enc.clear_buffer(&b.eaten, 0, None);
    }
}

/// The food eaten from the two words of `eaten`.
pub fn eaten(words: &[u32]) -> f64 {
    (words[0] as u64 | (words[1] as u64) << 32) as f64 / FOOD_FIXED as f64
}

/// What `feed` produces, read back.
#[derive(Debug, Clone)]
pub struct FeedReadback {
    /// Food cell of each slot, or [`crate::cpu::NONE`].
    pub food_cell: Vec<u32>,
    /// Grazers per food cell (after `count`).
    pub eaters: Vec<u32>,
    /// Grazers per food cell after the whole pass (all zero).
    pub eaters_after: Vec<u32>,
    /// Food after eating.
    pub food: Food,
    /// Energy of each slot after eating.
    pub energy: Vec<f32>,
    /// Food eaten, summed on the GPU in fixed point (1/FOOD_FIXED units).
    pub food_eaten: f64,
}

/// Runs `feed` (count, then gain and settle) on copies of `e` and `food`.
pub fn run(
    ctx: &GpuContext,
    p: &SimParams,
    terrain: &Terrain,
    e: &Entities,
    food: &Food,
) -> Result<FeedReadback, GpuError> {
    let n = e.capacity();
    let b = Buffers::for_world(ctx, p, terrain, e)?;
    b.upload_food(ctx, food);
    set(
        ctx,
        &b.step_u,
        &StepUniform::new(p, &terrain.grid, &food.grid, n as u32),
    );
    let pass = Feed::new(ctx, &b);
    let cells = food.grid.len();
    let n32 = n as u32;
    submit(ctx, "sim.pass.feed.count", |c| {
        pass.dispatch(c, "count", n32)
    });
    let eaters = Buffers::read(ctx, &b.eaters, cells)?;
    submit(ctx, "sim.pass.feed.eat", |c| {
        pass.dispatch(c, "gain", n32);
        pass.dispatch(c, "settle", n32);
    });
    Ok(FeedReadback {
        food_cell: Buffers::read(ctx, b.food_cell(), n)?,
        eaters,
        eaters_after: Buffers::read(ctx, &b.eaters, cells)?,
        food: b.read_food(ctx, food)?,
        energy: Buffers::read(ctx, &b.energy, n)?,
        food_eaten: eaten(&Buffers::read::<u32>(ctx, &b.eaten, 2)?),
    })
}
