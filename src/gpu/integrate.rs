//! `integrate` on the GPU: velocity from the steering acceleration, speed
//! clamp, terrain sliding, toroidal wrap, energy and age. Twin of
//! `src/cpu/integrate.rs`.

use super::buffers::{Buffers, bind, dispatch, put, set, submit};
use super::layout::{GpuSteerOut, StepUniform};
use super::shaders::pipeline;
use super::{GpuContext, GpuError};
use crate::model::entities::Entities;
use crate::model::params::SimParams;
use crate::model::terrain::Terrain;

/// The pipeline and its bindings.
pub struct Integrate {
    pipeline: wgpu::ComputePipeline,
    group: wgpu::BindGroup,
}

impl Integrate {
    /// Builds the pass over `b` (reads `steer_out`, `step_u`).
    pub fn new(ctx: &GpuContext, b: &Buffers) -> Self {
        let pipeline = pipeline(&ctx.device, "integrate", "main");
        let group = bind(
            ctx,
            &pipeline,
            "sim.integrate",
            &[
                (0, &b.step_u),
                (1, &b.steer_out),
                (2, &b.genes),
                (3, &b.tribe_flags),
                (4, &b.terrain),
                (5, &b.pos),
                (6, &b.vel),
                (7, &b.energy),
                (8, &b.age),
            ],
        );
        Self { pipeline, group }
    }

    /// Records the pass over slots `0..end`.
    pub fn record(&self, pass: &mut wgpu::ComputePass<'_>, end: u32) {
        dispatch(pass, &self.pipeline, &self.group, end);
    }
}

/// Runs `integrate` on a copy of `e` with accelerations `acc`; returns the result.
pub fn run(
    ctx: &GpuContext,
    p: &SimParams,
    terrain: &Terrain,
    acc: &[[f32; 2]],
    e: &Entities,
) -> Result<Entities, GpuError> {
    let n = e.capacity();
    let b = Buffers::for_world(ctx, p, terrain, e)?;
    let food = crate::model::grid::Grid::new(p.world.width, p.world.height, p.food.cell_size);
    set(
        ctx,
        &b.step_u,
        &StepUniform::new(p, &terrain.grid, &food, n as u32),
    );
    let words: Vec<u32> = acc
        .iter()
        .flat_map(|&a| {
            GpuSteerOut {
                acc: a,
                intent: crate::cpu::NONE,
                mode: 0,
            }
            .encode()
        })
        .collect();
    put(ctx, &b.steer_out, &words);
    let pass = Integrate::new(ctx, &b);
    submit(ctx, "sim.pass.integrate", |c| pass.record(c, n as u32));
    let mut out = e.clone();
    out.pos = Buffers::read(ctx, &b.pos, n)?;
    out.vel = Buffers::read(ctx, &b.vel, n)?;
    out.energy = Buffers::read(ctx, &b.energy, n)?;
    out.age = Buffers::read(ctx, &b.age, n)?;
    Ok(out)
}
