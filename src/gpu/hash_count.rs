//! `hash_count` on the GPU: the hash cell of every living slot and the count
//! per cell (integer atomics). Twin of `src/cpu/hash_count.rs`.

use super::kernel::{Kernel, KernelDecl, Shader};
use super::views::{CELL_OF, GRID, OFFSETS, POS, TRIBE_FLAGS};

/// `hash_count`'s shader: counts into the hash offsets (as atomics, zeroed
/// first).
pub struct HashCountShader;

impl Shader for HashCountShader {
    const DECL: KernelDecl = KernelDecl::new("hash_count", GRID)
        .read(&[POS, TRIBE_FLAGS])
        .read_write(&[CELL_OF, OFFSETS.typed("array<atomic<u32>>")])
        .zeroed(&[OFFSETS]);
}

/// The pass: [`Kernel::record`] over every slot.
pub type HashCount = Kernel<HashCountShader>;
