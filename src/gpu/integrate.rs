//! `integrate` on the GPU: velocity from the steering acceleration, speed
//! clamp, terrain sliding, toroidal wrap, energy and age. Twin of
//! `src/cpu/integrate.rs`.

use super::buffers::{Buffers, put, set, submit};
use super::kernel::{Kernel, KernelDecl, Shader};
use super::layout::{GpuSteerOut, StepUniform};
use super::views::{
    AGE, ENERGY, GENES_A, GENES_B, POS, STEER_OUT, STEP, TERRAIN, TRIBE_FLAGS, VEL,
};
use super::{GpuContext, GpuError};
use crate::model::entities::Entities;
use crate::model::params::SimParams;
use crate::model::terrain::Terrain;

/// `integrate`'s shader: reads the steering results (`steer_out`) and
/// the step uniform; moves, slows and ages the living.
pub struct IntegrateShader;

impl Shader for IntegrateShader {
    const DECL: KernelDecl = KernelDecl::new("integrate", STEP)
        .read(&[STEER_OUT, GENES_A, GENES_B, TRIBE_FLAGS, TERRAIN])
        .read_write(&[POS, VEL, ENERGY, AGE]);
}

/// The pass: [`Kernel::record`] over slots `0..end`.
pub type Integrate = Kernel<IntegrateShader>;

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
