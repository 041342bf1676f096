//! `hash_scatter` on the GPU: `scatter` drops every living slot into its
//! cell's range (arrival order, atomics), `rank` then places each at its
//! rank by id inside the cell, so that the order is the CPU's (ascending id)
//! and does not depend on timing; positions are gathered alongside. Twin of
//! `src/cpu/hash_scatter.rs`.

use super::GpuContext;
use super::buffers::{Buffers, bind, dispatch};
use super::shaders::pipeline;

/// The pipelines and their bindings.
pub struct HashScatter {
    scatter: wgpu::ComputePipeline,
    rank: wgpu::ComputePipeline,
    scatter_group: wgpu::BindGroup,
    rank_group: wgpu::BindGroup,
}

impl HashScatter {
    /// Builds the pass over `b`.
    pub fn new(ctx: &GpuContext, b: &Buffers) -> Self {
        let scatter = pipeline(&ctx.device, "hash_scatter", "scatter");
        let rank = pipeline(&ctx.device, "hash_scatter", "rank");
        let scatter_group = bind(
            ctx,
            &scatter,
            "sim.hash_scatter.scatter",
            &[
                (0, &b.grid_u),
                (1, b.cell_of()),
                (2, &b.offsets),
                (3, &b.cursor),
                (4, b.unsorted()),
            ],
        );
        let rank_group = bind(
            ctx,
            &rank,
            "sim.hash_scatter.rank",
            &[
                (0, &b.grid_u),
                (1, b.cell_of()),
                (2, &b.offsets),
                (5, b.unsorted()),
                (6, &b.ids),
                (7, &b.pos),
                (8, &b.sorted),
                (9, &b.sorted_pos),
            ],
        );
        Self {
            scatter,
            rank,
            scatter_group,
            rank_group,
        }
    }

    /// Records both steps over every slot (`cursor` must be zero).
    pub fn record(&self, pass: &mut wgpu::ComputePass<'_>, b: &Buffers) {
        let n = b.sizes.capacity;
        dispatch(pass, &self.scatter, &self.scatter_group, n);
        dispatch(pass, &self.rank, &self.rank_group, n);
    }
}
