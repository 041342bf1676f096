//! The gather around `steer` on the GPU: `gather_info` copies what steer
//! reads of each living entity into cell order and its id into its intent
//! word (which steer reads, then overwrites); `reset_slots`, before it,
//! clears every slot's intent word. The CPU reads
//! the same fields in place (`cpu::steer::NeighborInfo::of`) and keeps its
//! results in cell order, so it has no twin of either.

use super::buffers::{Buffers, Sizes, put, set, submit};
use super::kernel::{Kernel, KernelDecl, Shader};
use super::layout::{GatherUniform, GpuInfo, GpuSteerOut};
use super::views::{
    ENERGY, GATHER, GENES_A, GENES_B, IDS, INFO, SORTED, STEER_OUT, TRIBE_FLAGS, VEL,
};
use super::{GpuContext, GpuError};
use crate::model::entities::Entities;

/// `gather`'s shader: its bindings and what each entry point uses.
pub struct GatherShader;

impl Shader for GatherShader {
    const DECL: KernelDecl = KernelDecl::new("gather", GATHER)
        .read(&[SORTED, VEL, ENERGY, GENES_A, GENES_B, TRIBE_FLAGS, IDS])
        .read_write(&[INFO, STEER_OUT])
        .entries(&[
            ("reset_slots", "u steer_out"),
            (
                "gather_info",
                "u sorted vel energy genes_a genes_b tribe_flags ids info steer_out",
            ),
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

    /// Records `reset_slots` over slots `0..end`, then `gather_info` over
    /// the `alive` entities in cell order.
    pub fn record(&self, pass: &mut wgpu::ComputePass<'_>, alive: u32, end: u32) {
        self.0.dispatch(pass, "reset_slots", end);
        self.0.dispatch(pass, "gather_info", alive);
    }
}

/// Runs `gather_info` over the living slots in cell order (`sorted`) and
/// `reset_slots` over every slot (after filling the intent words with
/// `stale`'s); returns the gathered info and the per-slot intent words
/// (a living slot's holds its id, for steer).
pub fn run(
    ctx: &GpuContext,
    e: &Entities,
    sorted: &[u32],
    stale: &GpuSteerOut,
) -> Result<(Vec<GpuInfo>, Vec<u32>), GpuError> {
    let (n, cap) = (sorted.len(), e.capacity());
    let p = crate::SimParams::default();
    let b = Buffers::new(ctx, Sizes::new(&p, 1, cap, (1, 1), 1))?;
    b.upload_entities(ctx, e);
    put(ctx, &b.sorted, sorted);
    put(ctx, &b.steer_out, &vec![stale.intent_word(); cap]);
    let (n, capacity) = (n as u32, cap as u32);
    set(ctx, &b.gather_u, &GatherUniform { n, capacity });
    let pass = Gather::new(ctx, &b);
    submit(ctx, "sim.pass.gather", |c| pass.record(c, n, capacity));
    Ok((
        Buffers::read_records(ctx, &b.info, n as usize)?,
        Buffers::read(ctx, &b.steer_out, cap)?,
    ))
}
