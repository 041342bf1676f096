//! `snapshot` on the GPU: one compact record per entity named in this tick's
//! event lists (what the region workers read of it), so that only these
//! records cross to the CPU. No CPU twin: the CPU backend reads the entities
//! in place (the `Snap` copies in `src/regions/mod.rs`).

use super::buffers::{Buffers, Sizes, bind, dispatch, put, set, submit};
use super::layout::{SnapRecord, SnapshotUniform};
use super::shaders::pipeline;
use super::{GpuContext, GpuError};
use crate::model::entities::Entities;

/// The pipeline, its output (grown as needed) and bindings.
pub struct Snapshot {
    pipeline: wgpu::ComputePipeline,
    /// The records.
    pub records: wgpu::Buffer,
    capacity: u64,
    group: wgpu::BindGroup,
}

impl Snapshot {
    /// Records the buffer holds.
    pub fn capacity(&self) -> u64 {
        self.capacity
    }

    /// Bytes of the record buffer.
    pub fn bytes(&self) -> u64 {
        self.records.size()
    }

    /// Builds the pass over `b` with room for `records` records.
    pub fn new(ctx: &GpuContext, b: &Buffers, records: u64) -> Result<Self, GpuError> {
        let pipeline = pipeline(&ctx.device, "snapshot", "main");
        let capacity = records.max(1).next_power_of_two();
        let out = ctx.storage(
            "sim.snapshot.records",
            capacity * 64,
            wgpu::BufferUsages::empty(),
        )?;
        let group = Self::group(ctx, &pipeline, b, &out);
        Ok(Self {
            pipeline,
            records: out,
            capacity,
            group,
        })
    }

    fn group(
        ctx: &GpuContext,
        pipeline: &wgpu::ComputePipeline,
        b: &Buffers,
        out: &wgpu::Buffer,
    ) -> wgpu::BindGroup {
        bind(
            ctx,
            pipeline,
            "sim.snapshot",
            &[
                (0, &b.snap_u),
                (1, b.attacks()),
                (2, b.entity_events()),
                (3, &b.pos),
                (4, &b.energy),
                (5, &b.tribe_flags),
                (6, &b.ids),
                (7, &b.genes),
                (8, &b.owner),
                (9, out),
            ],
        )
    }

    /// Makes room for `records` records.
    pub fn reserve(&mut self, ctx: &GpuContext, b: &Buffers, records: u64) -> Result<(), GpuError> {
        if records > self.capacity {
            *self = Self::new(ctx, b, records)?;
        }
        Ok(())
    }

    /// Records the pass for the counts in `snap_u` (`m` records in all).
    pub fn record(&self, pass: &mut wgpu::ComputePass<'_>, m: u32) {
        dispatch(pass, &self.pipeline, &self.group, m);
    }
}

/// Runs `snapshot` over event lists laid out as `emit_events` leaves them
/// (`entity_events` holds `n` entries `[id, slot | cause << 31]`: candidates
/// at the front, deaths at the back) and returns one record per named slot.
#[expect(clippy::too_many_arguments, reason = "the pass's whole input")]
pub fn run(
    ctx: &GpuContext,
    e: &Entities,
    owner: &[u32],
    attacks: &[[u32; 4]],
    entity_events: &[[u32; 2]],
    repro: u32,
    deaths: u32,
    n: u32,
) -> Result<Vec<SnapRecord>, GpuError> {
    let p = crate::SimParams::default();
    let b = Buffers::new(ctx, Sizes::new(&p, 1, e.capacity(), (1, 1), 1))?;
    b.upload_entities(ctx, e);
    put(ctx, &b.owner, owner);
    put(ctx, b.attacks(), attacks);
    put(ctx, b.entity_events(), entity_events);
    let su = SnapshotUniform {
        attacks: attacks.len() as u32,
        repro,
        deaths,
        n,
    };
    set(ctx, &b.snap_u, &su);
    let m = 2 * su.attacks + repro + deaths;
    let pass = Snapshot::new(ctx, &b, m as u64)?;
    submit(ctx, "sim.pass.snapshot", |c| pass.record(c, m));
    Buffers::read(ctx, &pass.records, m as usize)
}
