//! The gather around `steer` on the GPU: `gather_info` copies what steer
//! reads of each living entity into cell order; `reset_slots` clears the
//! per-slot results before steer writes those of the living. The CPU reads
//! the same fields in place (`cpu::steer::NeighborInfo::of`) and keeps its
//! results in cell order, so it has no twin of either.

use super::buffers::{Buffers, Sizes, put, set, submit};
use super::kernel::{Kernel, KernelDecl, Shader};
use super::layout::{GatherUniform, GpuInfo, GpuSteerOut, STEER_WORDS};
use super::views::{ENERGY, GATHER, GENES_A, GENES_B, INFO, SORTED, STEER_OUT, TRIBE_FLAGS, VEL};
use super::{GpuContext, GpuError};
use crate::model::entities::Entities;

/// `gather`'s shader: its bindings and what each entry point uses.
pub struct GatherShader;

impl Shader for GatherShader {
    const DECL: KernelDecl = KernelDecl::new("gather", GATHER)
        .read(&[SORTED, VEL, ENERGY, GENES_A, GENES_B, TRIBE_FLAGS])
        .read_write(&[INFO, STEER_OUT])
        .entries(&[
            (
                "gather_info",
                "u sorted vel energy genes_a genes_b tribe_flags info",
            ),
            ("reset_slots", "u steer_out"),
        ]);
}

/// The pipelines and their bindings.
pub struct Gather(Kernel<GatherShader>);

impl Gather {
    /// Builds the passes over `b` (`gather_u`: living entities, slots).
    pub fn new(ctx: &GpuContext, b: &Buffers) -> Self {
        Self(Kernel::new(ctx, b))
    }

    /// Binds the passes again to `b` (see [`Kernel::rebind`]).
    pub fn rebind(&mut self, ctx: &GpuContext, b: &Buffers) {
        self.0.rebind(ctx, b);
    }

    /// Records `gather_info` over the `alive` entities in cell order, then
    /// `reset_slots` over slots `0..end`.
    pub fn record(&self, pass: &mut wgpu::ComputePass<'_>, alive: u32, end: u32) {
        self.0.dispatch(pass, "gather_info", alive);
        self.0.dispatch(pass, "reset_slots", end);
    }
}

/// Runs `gather_info` over the living slots in cell order (`sorted`) and
/// `reset_slots` over every slot (after filling the results with `stale`);
/// returns the gathered info and the per-slot results.
pub fn run(
    ctx: &GpuContext,
    e: &Entities,
    sorted: &[u32],
    stale: &GpuSteerOut,
) -> Result<(Vec<GpuInfo>, Vec<GpuSteerOut>), GpuError> {
    let (n, cap) = (sorted.len(), e.capacity());
    let p = crate::SimParams::default();
    let b = Buffers::new(ctx, Sizes::new(&p, 1, cap, (1, 1), 1))?;
    b.upload_entities(ctx, e);
    put(ctx, &b.sorted, sorted);
    put(ctx, &b.steer_out, &stale.encode().repeat(cap));
    let (n, capacity) = (n as u32, cap as u32);
    set(ctx, &b.gather_u, &GatherUniform { n, capacity });
    let pass = Gather::new(ctx, &b);
    submit(ctx, "sim.pass.gather", |c| pass.record(c, n, capacity));
    let words: Vec<u32> = Buffers::read(ctx, &b.steer_out, STEER_WORDS * cap)?;
    Ok((
        Buffers::read_records(ctx, &b.info, n as usize)?,
        GpuSteerOut::decode_all(&words),
    ))
}
