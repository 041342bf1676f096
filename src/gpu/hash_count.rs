//! `hash_count` on the GPU: the hash cell of every living slot and the count
//! per cell (integer atomics), and each slot's arrival rank in its cell (the
//! count it found: where `hash_scatter` drops it). Twin of
//! `src/cpu/hash_count.rs`.

use super::kernel::{Kernel, KernelDecl, Shader};
use super::views::{ARRIVAL, CELL_OF, GRID, OFFSETS, POS, TRIBE_FLAGS};

/// `hash_count`'s shader: counts into the hash offsets (as atomics, zeroed
/// first).
pub struct HashCountShader;

impl Shader for HashCountShader {
    const DECL: KernelDecl = KernelDecl::new("hash_count", GRID)
        .read(&[POS, TRIBE_FLAGS])
        .read_write(&[CELL_OF, ARRIVAL, OFFSETS.typed("array<atomic<u32>>")])
        .zeroed(&[OFFSETS]);
}

/// The pass: [`Kernel::record`] over every slot.
pub type HashCount = Kernel<HashCountShader>;
