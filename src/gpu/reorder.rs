//! `reorder` on the GPU: moves the living entities into slots `0..alive` in
//! cell order (the hash's `sorted`), field by field through scratch that no
//! pass needs at this point of the tick (see `shaders/reorder.wgsl`); the
//! slots above are freed. Twin of `src/cpu/reorder.rs`.

use super::buffers::{Buffers, Sizes, put, set};
use super::kernel::{Kernel, KernelDecl, Shader, View};
use super::layout::GatherUniform;
use super::views::{
    AGE, ENERGY, GENES_A, GENES_B, IDS, INFO, POS, REORDER, SORTED, SORTED_POS, STEER_OUT,
    TRIBE_FLAGS, VEL,
};
use super::{GpuContext, GpuError};
use crate::model::entities::Entities;

// The scratch: positions in the hash's `sorted_pos` and velocities in
// `info` (put back before the next fields come), then energy, age, flags
// and id in `info`, then genes words 0-3 in `info` and word 4 in
// `steer_out`.
const TMP_POS: View = SORTED_POS.named("tmp_pos");
const TMP_VEL: View = INFO.named("tmp_vel").typed("array<vec2<f32>>");
const TMP_WORDS: View = INFO.named("tmp_words").typed("array<vec4<u32>>");
const TMP_WORD: View = STEER_OUT.named("tmp_word");

/// `reorder`'s shader: its bindings (the entity arrays and the scratch each
/// field goes through) and its entry points, in the order they run, with the
/// bindings each uses.
pub struct ReorderShader;

impl Shader for ReorderShader {
    const DECL: KernelDecl = KernelDecl::new("reorder", REORDER)
        .read(&[SORTED])
        .read_write(&[
            POS,
            VEL,
            ENERGY,
            AGE,
            TRIBE_FLAGS,
            IDS,
            GENES_A,
            GENES_B,
            TMP_POS,
            TMP_VEL,
            TMP_WORDS,
            TMP_WORD,
        ])
        .entries(&[
            ("gather_motion", "u sorted pos vel tmp_pos tmp_vel"),
            ("put_motion", "u pos vel tmp_pos tmp_vel"),
            (
                "gather_scalars",
                "u sorted energy age tribe_flags ids tmp_words",
            ),
            ("put_scalars", "u energy age tribe_flags ids tmp_words"),
            (
                "gather_genes",
                "u sorted genes_a genes_b tmp_words tmp_word",
            ),
            ("put_genes", "u genes_a genes_b tmp_words tmp_word"),
        ]);
}

/// The pipelines and their bindings.
pub struct Reorder(Kernel<ReorderShader>);

impl Reorder {
    /// Builds the pass over `b` (`reorder_u`: living entities, capacity).
    pub fn new(ctx: &GpuContext, b: &Buffers) -> Self {
        Self(Kernel::new(ctx, b))
    }

    /// Binds the pass again to `b` (see [`Kernel::rebind`]).
    pub fn rebind(&mut self, ctx: &GpuContext, b: &Buffers) {
        self.0.rebind(ctx, b);
    }

    /// Records the permutation (one compute pass, with `ts`).
    pub fn record(
        &self,
        enc: &mut wgpu::CommandEncoder,
        b: &Buffers,
        alive: u32,
        ts: Option<wgpu::ComputePassTimestampWrites<'_>>,
    ) {
        {
            let mut pass = enc.begin_compute_pass(&wgpu::ComputePassDescriptor {
                label: Some("sim.pass.reorder"),
                timestamp_writes: ts,
            });
            for &(entry, _) in ReorderShader::DECL.entries {
                // Every slot's scalars are put back: the free ones are cleared.
                let n = if entry == "put_scalars" {
                    b.sizes.capacity
                } else {
                    alive
                };
                self.0.dispatch(&mut pass, entry, n);
            }
        }
    }
}

/// Runs `reorder` on a copy of `e` with the living slots in cell order
/// (`sorted`); returns the reordered entities.
pub fn run(ctx: &GpuContext, e: &Entities, sorted: &[u32]) -> Result<Entities, GpuError> {
    let (n, cap) = (sorted.len(), e.capacity());
    let p = crate::SimParams::default();
    let b = Buffers::new(ctx, Sizes::new(&p, 1, cap, (1, 1), 1))?;
    b.upload_entities(ctx, e);
    put(ctx, &b.sorted, sorted);
    let (n_u, capacity) = (n as u32, cap as u32);
    set(ctx, &b.reorder_u, &GatherUniform { n: n_u, capacity });
    let pass = Reorder::new(ctx, &b);
    let mut enc = ctx
        .device
        .create_command_encoder(&wgpu::CommandEncoderDescriptor {
            label: Some("sim.reorder"),
        });
    pass.record(&mut enc, &b, n as u32, None);
    ctx.queue.submit([enc.finish()]);
    let mut out = b.read_entities(ctx)?;
    // Free slots keep the input's other fields (as the CPU twin leaves them).
    for i in n..cap {
        out.pos[i] = e.pos[i];
        out.vel[i] = e.vel[i];
        out.energy[i] = e.energy[i];
        out.age[i] = e.age[i];
        out.id[i] = e.id[i];
        out.genes[i] = e.genes[i];
    }
    Ok(out)
}
