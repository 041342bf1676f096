//! `integrate` on the GPU: velocity from the steering acceleration, speed
//! clamp, terrain sliding, toroidal wrap, energy and age, for the living in
//! cell order. Twin of `src/cpu/integrate.rs`.

use super::buffers::{Buffers, put, put_records, set, submit};
use super::kernel::{Kernel, KernelDecl, Shader};
use super::layout::{GpuInfo, StepUniform};
use super::views::{AGE, ENERGY, GENES_A, GENES_B, INFO, POS, SORTED, STEP, TERRAIN, VEL};
use super::{GpuContext, GpuError};
use crate::model::entities::Entities;
use crate::model::params::SimParams;
use crate::model::terrain::Terrain;

/// `integrate`'s shader: reads each living slot's acceleration from its
/// `vel` (where steer left it) and its velocity from `info` (gathered in
/// cell order before steer), and the step uniform; moves, slows and ages
/// the living.
pub struct IntegrateShader;

impl Shader for IntegrateShader {
    const DECL: KernelDecl = KernelDecl::new("integrate", STEP)
        .read(&[SORTED, INFO, GENES_A, GENES_B, TERRAIN])
        .read_write(&[POS, VEL, ENERGY, AGE]);
}

/// The pass: [`Kernel::record`] over the living in cell order
/// ([`StepUniform::alive`]).
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
    // The living in slot order stand for cell order here; each one's
    // velocity in `info`, its acceleration in `vel`, as steer leaves them.
    let living: Vec<u32> = (0..n as u32).filter(|&i| e.alive(i as usize)).collect();
    let info: Vec<GpuInfo> = living
        .iter()
        .map(|&i| GpuInfo {
            vel: e.vel[i as usize],
            energy: 0.0,
            diet_tribe: 0,
        })
        .collect();
    let mut vel = e.vel.clone();
    for &i in &living {
        vel[i as usize] = acc[i as usize];
    }
    put(ctx, &b.sorted, &living);
    put_records(ctx, &b.info, &info);
    put(ctx, &b.vel, &vel);
    let alive = living.len() as u32;
    set(
        ctx,
        &b.step_u,
        &StepUniform {
            alive,
            ..StepUniform::new(p, &terrain.grid, &food, n as u32)
        },
    );
    let pass = Integrate::new(ctx, &b);
    submit(ctx, "sim.pass.integrate", |c| pass.record(c, alive));
    let mut out = e.clone();
    out.pos = Buffers::read(ctx, &b.pos, n)?;
    out.vel = Buffers::read(ctx, &b.vel, n)?;
    out.energy = Buffers::read(ctx, &b.energy, n)?;
    out.age = Buffers::read(ctx, &b.age, n)?;
    Ok(out)
}
