//! `reorder` on the GPU: moves the living entities into slots `0..alive` in
//! cell order (the hash's `sorted`), field by field through scratch that no
//! pass needs at this point of the tick (see `shaders/reorder.wgsl`); the
//! slots above are freed. Twin of `src/cpu/reorder.rs`.

use super::buffers::{Buffers, Sizes, bind, dispatch, put, set};
use super::layout::GatherUniform;
use super::shaders::pipeline;
use super::{GpuContext, GpuError};
use crate::model::entities::Entities;

/// The entry points, in the order they run, and what each dispatch covers.
const STEPS: [(&str, bool); 5] = [
    ("gather_motion", false),
    ("gather_scalars", false),
    ("put_scalars", true),
    ("gather_genes", false),
    ("put_genes", false),
];

/// The pipelines and their bindings.
pub struct Reorder {
    steps: Vec<(wgpu::ComputePipeline, wgpu::BindGroup, bool)>,
}

impl Reorder {
    /// Builds the pass over `b` (`reorder_u`: living entities, capacity).
    pub fn new(ctx: &GpuContext, b: &Buffers) -> Self {
        let d = &ctx.device;
        let steps = STEPS
            .iter()
            .map(|&(entry, all_slots)| {
                let p = pipeline(d, "reorder", entry);
                let (u, sorted) = ((0, &b.reorder_u), (1, &b.sorted));
                let scalars = [
                    (4, &b.energy),
                    (5, &b.age),
                    (6, &b.tribe_flags),
                    (7, &b.ids),
                    (11, &b.info),
                ];
                let entries: Vec<(u32, &wgpu::Buffer)> = match entry {
                    "gather_motion" => vec![
                        u,
                        sorted,
                        (2, &b.pos),
                        (3, &b.vel),
                        (9, &b.sorted_pos),
                        (10, &b.steer_out),
                    ],
                    "gather_scalars" => [u, sorted].into_iter().chain(scalars).collect(),
                    "put_scalars" => [u].into_iter().chain(scalars).collect(),
                    "gather_genes" => {
                        vec![u, sorted, (8, &b.genes), (11, &b.info), (12, &b.steer_out)]
                    }
                    _ => vec![u, (8, &b.genes), (11, &b.info), (12, &b.steer_out)],
                };
                let group = bind(ctx, &p, &format!("sim.reorder.{entry}"), &entries);
                (p, group, all_slots)
            })
            .collect();
        Self { steps }
    }

    /// Records the permutation (one compute pass, with `ts`) and the copies
    /// of positions and velocities back.
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
            for (p, group, all_slots) in &self.steps {
                let n = if *all_slots { b.sizes.capacity } else { alive };
                dispatch(&mut pass, p, group, n);
            }
        }
        if alive > 0 {
            let bytes = alive as u64 * 8;
            enc.copy_buffer_to_buffer(&b.sorted_pos, 0, &b.pos, 0, bytes);
            enc.copy_buffer_to_buffer(&b.steer_out, 0, &b.vel, 0, bytes);
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
