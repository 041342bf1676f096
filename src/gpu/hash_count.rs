//! `hash_count` on the GPU: the hash cell of every living slot and the count
//! per cell (integer atomics). Twin of `src/cpu/hash_count.rs`.

use super::GpuContext;
use super::buffers::Buffers;
use super::kernel::{Kernel, KernelDecl, MAIN, read, read_write, uniform};

/// The shader's bindings (`counts`: the hash offsets, zeroed first).
pub const KERNEL: KernelDecl = KernelDecl {
    shader: "hash_count",
    entries: MAIN,
    bindings: &[
        uniform("grid", "GridUniform", |b| &b.grid_u),
        read("pos", "array<vec2<f32>>", |b| &b.pos),
        read("tribe_flags", "array<u32>", |b| &b.tribe_flags),
        read_write("cell_of", "array<u32>", |b| b.cell_of()),
        read_write("counts", "array<atomic<u32>>", |b| &b.offsets),
    ],
};

/// The pipeline and its bindings.
pub struct HashCount(Kernel);

impl HashCount {
    /// Builds the pass over `b`.
    pub fn new(ctx: &GpuContext, b: &Buffers) -> Self {
        Self(Kernel::new(ctx, &KERNEL, b, &[]))
    }

    /// Records the pass over every slot (`offsets` must be zero).
    pub fn record(&self, pass: &mut wgpu::ComputePass<'_>, b: &Buffers) {
        self.0.dispatch(pass, "main", b.sizes.capacity);
    }
}
