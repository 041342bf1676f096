//! The counting-sort spatial hash on the GPU, as three passes in order:
//! [`super::hash_count`] → [`super::hash_scan`] (multi-level) →
//! [`super::hash_scatter`] (`scatter`, then `rank` for in-cell id order).

use super::buffers::{Buffers, Sizes, set};
use super::hash_count::HashCount;
use super::hash_scan::HashScan;
use super::hash_scatter::HashScatter;
use super::layout::GridUniform;
use super::{GpuContext, GpuError};
use crate::model::entities::Entities;
use crate::model::grid::Grid;

/// What the hash produces, read back: `cell_of` per slot, `offsets` (cells + 1),
/// `sorted` slots and `sorted_pos` positions in cell order.
#[derive(Debug, Clone, PartialEq)]
pub struct HashReadback {
    /// Hash cell of each slot ([`crate::common::NONE`] for free slots).
    pub cell_of: Vec<u32>,
    /// Exclusive prefix sum of the counts, total last.
    pub offsets: Vec<u32>,
    /// Living slots in cell order, ascending id inside a cell.
    pub sorted: Vec<u32>,
    /// Their positions.
    pub sorted_pos: Vec<[f32; 2]>,
}

/// The three hash passes over one set of buffers.
pub struct Hash {
    count: HashCount,
    scan: HashScan,
    scatter: HashScatter,
}

impl Hash {
    /// Bytes of the buffers the passes own (beyond [`Buffers`]).
    pub fn bytes(&self) -> u64 {
        self.scan.bytes()
    }

    /// Builds the passes over `b` and sets the hash uniform.
    pub fn new(ctx: &GpuContext, b: &Buffers) -> Result<Self, GpuError> {
        set(
            ctx,
            &b.grid_u,
            &GridUniform::new(&b.sizes.hash, b.sizes.capacity),
        );
        Ok(Self {
            count: HashCount::new(ctx, b),
            scan: HashScan::new(ctx, b)?,
            scatter: HashScatter::new(ctx, b),
        })
    }

    /// Binds the passes again to `b` after its per-slot buffers were
    /// replaced, and sets the hash uniform for its slots (the scan binds
    /// only the offsets and its own buffers: it stays as it is).
    pub fn rebind(&mut self, ctx: &GpuContext, b: &Buffers) {
        set(
            ctx,
            &b.grid_u,
            &GridUniform::new(&b.sizes.hash, b.sizes.capacity),
        );
        self.count.rebind(ctx, b);
        self.scatter.rebind(ctx, b);
    }

    /// Records the hash as three compute passes (count, scan, scatter), with
    /// the timestamp writes `ts(k)` for pass `k`.
    pub fn record<'q>(
        &self,
        enc: &mut wgpu::CommandEncoder,
        b: &Buffers,
        ts: impl Fn(usize) -> Option<wgpu::ComputePassTimestampWrites<'q>>,
    ) {
        self.count.clear(enc, b);
        let desc = |k: usize, label: &'static str| wgpu::ComputePassDescriptor {
            label: Some(label),
            timestamp_writes: ts(k),
        };
        let n = b.sizes.capacity;
        self.count.record(
            &mut enc.begin_compute_pass(&desc(0, "sim.pass.hash_count")),
            n,
        );
        self.scan
            .record(&mut enc.begin_compute_pass(&desc(1, "sim.pass.hash_scan")));
        self.scatter.record(
            &mut enc.begin_compute_pass(&desc(2, "sim.pass.hash_scatter")),
            n,
        );
    }
}

/// Runs the hash over `grid` on the slots of `e` and reads the results back.
pub fn run(ctx: &GpuContext, grid: Grid, e: &Entities) -> Result<HashReadback, GpuError> {
    let sizes = Sizes {
        capacity: e.capacity() as u32,
        hash: grid,
        food_cells: 1,
        food_cols: 1,
        food_rows: 1,
        cooldown_bits: 8,
        terrain_cells: 1,
        region_rows: 1,
        region_cols: 1,
        tribes: 1,
    };
    let b = Buffers::new(ctx, sizes)?;
    b.upload_entities(ctx, e);
    let hash = Hash::new(ctx, &b)?;
    let mut enc = ctx
        .device
        .create_command_encoder(&wgpu::CommandEncoderDescriptor {
            label: Some("sim.hash"),
        });
    hash.record(&mut enc, &b, |_| None);
    ctx.queue.submit([enc.finish()]);
    let n = e.capacity();
    let cells = grid.len();
    let offsets: Vec<u32> = Buffers::read(ctx, &b.offsets, cells + 1)?;
    let total = offsets[cells] as usize;
    Ok(HashReadback {
        cell_of: Buffers::read(ctx, b.cell_of(), n)?,
        sorted: Buffers::read(ctx, &b.sorted, total)?,
        sorted_pos: Buffers::read(ctx, &b.sorted_pos, total)?,
        offsets,
    })
}
