//! `reorder` on the GPU: moves the living entities into slots `0..alive` in
//! cell order (the hash's `sorted`), through the `reorder_out` buffers, then
//! copies them back; the slots above are freed. Twin of `src/cpu/reorder.rs`.

use super::buffers::{Buffers, Sizes, bind, dispatch, put, set};
use super::layout::GatherUniform;
use super::shaders::pipeline;
use super::{GpuContext, GpuError};
use crate::model::entities::Entities;

/// The pipelines and their bindings.
pub struct Reorder {
    motion: wgpu::ComputePipeline,
    identity: wgpu::ComputePipeline,
    motion_group: wgpu::BindGroup,
    identity_group: wgpu::BindGroup,
}

impl Reorder {
    /// Builds the pass over `b` (`reorder_u`: living entities, capacity).
    pub fn new(ctx: &GpuContext, b: &Buffers) -> Self {
        let d = &ctx.device;
        let motion = pipeline(d, "reorder", "permute_motion");
        let identity = pipeline(d, "reorder", "permute_identity");
        let o = &b.reorder_out;
        let motion_group = bind(
            ctx,
            &motion,
            "sim.reorder.motion",
            &[
                (0, &b.reorder_u),
                (1, &b.sorted),
                (2, &b.pos),
                (3, &b.vel),
                (4, &b.energy),
                (5, &b.age),
                (6, &o[0]),
                (7, &o[1]),
                (8, &o[2]),
                (9, &o[3]),
            ],
        );
        let identity_group = bind(
            ctx,
            &identity,
            "sim.reorder.identity",
            &[
                (0, &b.reorder_u),
                (1, &b.sorted),
                (10, &b.tribe_flags),
                (11, &b.ids),
                (12, &b.genes),
                (13, &o[4]),
                (14, &o[5]),
                (15, &o[6]),
            ],
        );
        Self {
            motion,
            identity,
            motion_group,
            identity_group,
        }
    }

    /// Records the permutation (one compute pass, with `ts`) and the copies back.
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
            dispatch(&mut pass, &self.motion, &self.motion_group, alive);
            dispatch(
                &mut pass,
                &self.identity,
                &self.identity_group,
                b.sizes.capacity,
            );
        }
        let targets = [
            &b.pos,
            &b.vel,
            &b.energy,
            &b.age,
            &b.tribe_flags,
            &b.ids,
            &b.genes,
        ];
        for (src, dst) in b.reorder_out.iter().zip(targets) {
            enc.copy_buffer_to_buffer(src, 0, dst, 0, None);
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
    set(
        ctx,
        &b.reorder_u,
        &GatherUniform {
            n: n as u32,
            capacity: cap as u32,
            _pad: [0; 2],
        },
    );
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
