//! `hash_scatter` on the GPU: `scatter` drops every living slot into its
//! cell's range at its arrival rank (from `hash_count`'s atomics), `rank` then places each at its
//! rank by id inside the cell, so that the order is the CPU's (ascending id)
//! and does not depend on timing; positions are gathered alongside. Twin of
//! `src/cpu/hash_scatter.rs`.

use super::kernel::{Kernel, KernelDecl, Shader, View};
use super::views::{ARRIVAL, CELL_OF, GRID, IDS, OFFSETS, POS, SORTED, SORTED_POS, UNSORTED};

/// `rank` reads what `scatter` wrote.
const UNSORTED_IN: View = UNSORTED.named("unsorted_in");

/// `hash_scatter`'s shader: its bindings and what each entry point uses
/// (`unsorted` is written by `scatter`, read by `rank` as `unsorted_in`).
pub struct HashScatterShader;

impl Shader for HashScatterShader {
    const DECL: KernelDecl = KernelDecl::new("hash_scatter", GRID)
        .read(&[CELL_OF, ARRIVAL, OFFSETS, UNSORTED_IN, IDS, POS])
        .read_write(&[UNSORTED, SORTED, SORTED_POS])
        .entries(&[
            ("scatter", "u cell_of arrival offsets unsorted"),
            (
                "rank",
                "u cell_of offsets unsorted_in ids pos sorted sorted_pos",
            ),
        ]);
}

/// The pass: [`Kernel::record`] (`scatter`, then `rank`) over every slot.
pub type HashScatter = Kernel<HashScatterShader>;
