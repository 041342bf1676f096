//! `hash_count` on the GPU: the hash cell of every living slot and the count
//! per cell (integer atomics). Twin of `src/cpu/hash_count.rs`.

use super::kernel::{Kernel, KernelDecl, MAIN, Shader, read, read_write, uniform};

/// `hash_count`'s shader (`counts`: the hash offsets, zeroed first).
pub struct HashCountShader;

impl Shader for HashCountShader {
    const DECL: KernelDecl = KernelDecl {
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
}

/// The pass: [`Kernel::record`] over every slot.
pub type HashCount = Kernel<HashCountShader>;
