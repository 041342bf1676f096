//! `feed` on the GPU in three steps over the slots, none over the food grid:
//! `count` (each hungry grazer's food cell, grazers per cell), `gain` (each
//! grazer's share `min(bite·dt, amount / n)` of its cell and its energy),
//! `settle` (one grazer per cell, the one whose atomic exchange takes the
//! count back to zero, removes the cell's loss, sets its cooldown and adds to
//! the food eaten in fixed point). `eaters` is zero between ticks, so it is
//! never cleared. Twin of `src/cpu/feed.rs`.

use super::buffers::{Buffers, bind, dispatch, set, submit};
use super::layout::{FOOD_FIXED, StepUniform};
use super::shaders::pipeline;
use super::{GpuContext, GpuError};
use crate::model::entities::Entities;
use crate::model::food::Food;
use crate::model::params::SimParams;
use crate::model::terrain::Terrain;

/// The pipelines and their bindings.
pub struct Feed {
    count: wgpu::ComputePipeline,
    gain: wgpu::ComputePipeline,
    settle: wgpu::ComputePipeline,
    count_group: wgpu::BindGroup,
    gain_group: wgpu::BindGroup,
    settle_group: wgpu::BindGroup,
}

impl Feed {
    /// Builds the pass over `b`.
    pub fn new(ctx: &GpuContext, b: &Buffers) -> Self {
        let d = &ctx.device;
        let count = pipeline(d, "feed", "count");
        let gain = pipeline(d, "feed", "gain");
        let settle = pipeline(d, "feed", "settle");
        let count_group = bind(
            ctx,
            &count,
            "sim.feed.count",
            &[
                (0, &b.step_u),
                (1, &b.pos),
                (2, &b.genes),
                (3, &b.tribe_flags),
                (4, b.food_cell()),
                (5, &b.eaters),
                (13, &b.energy),
            ],
        );
        let gain_group = bind(
            ctx,
            &gain,
            "sim.feed.gain",
            &[
                (0, &b.step_u),
                (2, &b.genes),
                (6, &b.eaters),
                (10, b.food_cell()),
                (11, &b.food_amount),
                (12, &b.energy),
            ],
        );
        let settle_group = bind(
            ctx,
            &settle,
            "sim.feed.settle",
            &[
                (0, &b.step_u),
                (4, b.food_cell()),
                (5, &b.eaters),
                (7, &b.food_amount),
                (8, &b.food_cooldown),
                (14, &b.eaten),
            ],
        );
        Self {
            count,
            gain,
            settle,
            count_group,
            gain_group,
            settle_group,
        }
    }

    /// Clears the food-eaten sum (before the compute pass).
    pub fn clear(&self, enc: &mut wgpu::CommandEncoder, b: &Buffers) {
        enc.clear_buffer(&b.eaten, 0, None);
    }

    /// Records the three steps over slots `0..end`.
    pub fn record(&self, pass: &mut wgpu::ComputePass<'_>, end: u32) {
        self.record_count(pass, end);
        self.record_eat(pass, end);
    }

    fn record_count(&self, pass: &mut wgpu::ComputePass<'_>, end: u32) {
        dispatch(pass, &self.count, &self.count_group, end);
    }

    fn record_eat(&self, pass: &mut wgpu::ComputePass<'_>, end: u32) {
        dispatch(pass, &self.gain, &self.gain_group, end);
        dispatch(pass, &self.settle, &self.settle_group, end);
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
    submit(ctx, "sim.pass.feed.count", |c| {
        pass.record_count(c, n as u32)
    });
    let eaters = Buffers::read(ctx, &b.eaters, cells)?;
    submit(ctx, "sim.pass.feed.eat", |c| pass.record_eat(c, n as u32));
    Ok(FeedReadback {
        food_cell: Buffers::read(ctx, b.food_cell(), n)?,
        eaters,
        eaters_after: Buffers::read(ctx, &b.eaters, cells)?,
        food: b.read_food(ctx, food)?,
        energy: Buffers::read(ctx, &b.energy, n)?,
        food_eaten: eaten(&Buffers::read::<u32>(ctx, &b.eaten, 2)?),
    })
}
