//! `hash_count` on the GPU: the hash cell of every living slot and the count
//! per cell (integer atomics). Twin of `src/cpu/hash_count.rs`.

use super::GpuContext;
use super::buffers::{Buffers, bind, dispatch};
use super::shaders::pipeline;

/// The pipeline and its bindings.
pub struct HashCount {
    pipeline: wgpu::ComputePipeline,
    group: wgpu::BindGroup,
}

impl HashCount {
    /// Builds the pass over `b`.
    pub fn new(ctx: &GpuContext, b: &Buffers) -> Self {
        let pipeline = pipeline(&ctx.device, "hash_count", "main");
        let group = bind(
            ctx,
            &pipeline,
            "sim.hash_count",
            &[
                (0, &b.grid_u),
                (1, &b.pos),
                (2, &b.tribe_flags),
                (3, b.cell_of()),
                (4, &b.offsets),
            ],
        );
        Self { pipeline, group }
    }

    /// Records the pass over every slot (`offsets` must be zero).
    pub fn record(&self, pass: &mut wgpu::ComputePass<'_>, b: &Buffers) {
        dispatch(pass, &self.pipeline, &self.group, b.sizes.capacity);
    }
}
