//! `hash_scatter` on the GPU: `scatter` drops every living slot into its
//! cell's range (arrival order, atomics), `rank` then places each at its
//! rank by id inside the cell, so that the order is the CPU's (ascending id)
//! and does not depend on timing; positions are gathered alongside. Twin of
//! `src/cpu/hash_scatter.rs`.

use super::kernel::{Kernel, KernelDecl, Shader, read, read_write, uniform};

/// `hash_scatter`'s shader: its bindings and what each entry point uses
/// (`unsorted` is written by `scatter`, read by `rank` as `unsorted_in`).
pub struct HashScatterShader;

impl Shader for HashScatterShader {
    const DECL: KernelDecl = KernelDecl {
        shader: "hash_scatter",
        entries: &[
            ("scatter", "grid cell_of offsets cursor unsorted"),
            (
                "rank",
                "grid cell_of offsets unsorted_in ids pos sorted sorted_pos",
            ),
        ],
        bindings: &[
            uniform("grid", "GridUniform", |b| &b.grid_u),
            read("cell_of", "array<u32>", |b| b.cell_of()),
            read("offsets", "array<u32>", |b| &b.offsets),
            read_write("cursor", "array<atomic<u32>>", |b| &b.cursor),
            read_write("unsorted", "array<u32>", |b| b.unsorted()),
            read("unsorted_in", "array<u32>", |b| b.unsorted()),
            read("ids", "array<u32>", |b| &b.ids),
            read("pos", "array<vec2<f32>>", |b| &b.pos),
            read_write("sorted", "array<u32>", |b| &b.sorted),
            read_write("sorted_pos", "array<vec2<f32>>", |b| &b.sorted_pos),
        ],
    };
}

/// The pass: [`Kernel::record`] (`scatter`, then `rank`) over every slot
/// (`cursor` zeroed first).
pub type HashScatter = Kernel<HashScatterShader>;
