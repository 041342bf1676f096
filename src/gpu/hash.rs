//! The counting-sort spatial hash on the GPU: `hash_count` → `hash_scan`
//! (multi-level) → `hash_scatter` (`scatter`, then `rank` for in-cell id order).

use wgpu::util::DeviceExt;

use super::dispatch::groups;
use super::layout::{GridUniform, ScanUniform};
use super::readback::read;
use super::shaders::pipeline;
use super::{GpuContext, GpuError};
use crate::model::entities::Entities;
use crate::model::grid::Grid;

struct ScanLevel {
    n: u32,
    scan: wgpu::BindGroup,
    add: wgpu::BindGroup,
}

/// What the hash produces, read back: `cell_of` per slot, `offsets` (cells + 1),
/// `sorted` slots and `sorted_pos` positions in cell order.
#[derive(Debug, Clone, PartialEq)]
pub struct HashReadback {
    /// Hash cell of each slot ([`crate::cpu::NONE`] for free slots).
    pub cell_of: Vec<u32>,
    /// Exclusive prefix sum of the counts, total last.
    pub offsets: Vec<u32>,
    /// Living slots in cell order, ascending id inside a cell.
    pub sorted: Vec<u32>,
    /// Their positions.
    pub sorted_pos: Vec<[f32; 2]>,
}

/// Buffers and pipelines of the hash for a fixed capacity and grid.
pub struct GpuHash {
    grid: Grid,
    capacity: u32,
    count: wgpu::ComputePipeline,
    scan_blocks: wgpu::ComputePipeline,
    add_offsets: wgpu::ComputePipeline,
    scatter: wgpu::ComputePipeline,
    rank: wgpu::ComputePipeline,
    /// Positions (input), `vec2<f32>` per slot.
    pub pos: wgpu::Buffer,
    /// Tribe and flags (input) per slot.
    pub tribe_flags: wgpu::Buffer,
    /// Ids (input) per slot.
    pub ids: wgpu::Buffer,
    /// Hash cell per slot.
    pub cell_of: wgpu::Buffer,
    /// Counts, then exclusive offsets (cells + 1 entries).
    pub offsets: wgpu::Buffer,
    cursor: wgpu::Buffer,
    /// Slots in cell order.
    pub sorted: wgpu::Buffer,
    /// Positions in cell order.
    pub sorted_pos: wgpu::Buffer,
    levels: Vec<ScanLevel>,
    count_bg: wgpu::BindGroup,
    scatter_bg: wgpu::BindGroup,
    rank_bg: wgpu::BindGroup,
}

fn entries<'a>(buffers: &[(u32, &'a wgpu::Buffer)]) -> Vec<wgpu::BindGroupEntry<'a>> {
    buffers
        .iter()
        .map(|(b, buf)| wgpu::BindGroupEntry {
            binding: *b,
            resource: buf.as_entire_binding(),
        })
        .collect()
}

fn bind(
    ctx: &GpuContext,
    p: &wgpu::ComputePipeline,
    label: &str,
    buffers: &[(u32, &wgpu::Buffer)],
) -> wgpu::BindGroup {
    ctx.device.create_bind_group(&wgpu::BindGroupDescriptor {
        label: Some(label),
        layout: &p.get_bind_group_layout(0),
        entries: &entries(buffers),
    })
}

impl GpuHash {
    /// Allocates the hash for `capacity` slots over `grid`.
    pub fn new(ctx: &GpuContext, grid: Grid, capacity: u32) -> Result<Self, GpuError> {
        let d = &ctx.device;
        let cells = grid.len() as u32;
        let n = capacity as u64;
        let none = wgpu::BufferUsages::empty();
        let pos = ctx.storage("sim.entity.pos", n * 8, none)?;
        let tribe_flags = ctx.storage("sim.entity.tribe_flags", n * 4, none)?;
        let ids = ctx.storage("sim.entity.id", n * 4, none)?;
        let cell_of = ctx.storage("sim.hash.cell_of", n * 4, none)?;
        let offsets = ctx.storage("sim.hash.offsets", (cells as u64 + 1) * 4, none)?;
        let cursor = ctx.storage("sim.hash.cursor", cells as u64 * 4, none)?;
        let unsorted = ctx.storage("sim.hash.unsorted", n * 4, none)?;
        let sorted = ctx.storage("sim.hash.sorted", n * 4, none)?;
        let sorted_pos = ctx.storage("sim.hash.sorted_pos", n * 8, none)?;
        let count = pipeline(d, "hash_count", "main");
        let scan_blocks = pipeline(d, "hash_scan", "scan_blocks");
        let add_offsets = pipeline(d, "hash_scan", "add_offsets");
        let scatter = pipeline(d, "hash_scatter", "scatter");
        let rank = pipeline(d, "hash_scatter", "rank");
        let uniform = d.create_buffer_init(&wgpu::util::BufferInitDescriptor {
            label: Some("sim.hash.grid"),
            contents: bytemuck::bytes_of(&GridUniform::new(&grid, capacity)),
            usage: wgpu::BufferUsages::UNIFORM,
        });
        // Scan levels: offsets (cells + 1), then each level's block sums.
        let mut levels = Vec::new();
        let mut sums_bufs: Vec<wgpu::Buffer> = Vec::new();
        let mut len = cells + 1;
        loop {
            let blocks = len.div_ceil(256);
            let sums = ctx.storage(
                &format!("sim.hash.scan_sums{}", levels.len()),
                blocks as u64 * 4,
                none,
            )?;
            let u = d.create_buffer_init(&wgpu::util::BufferInitDescriptor {
                label: Some("sim.hash.scan_len"),
                contents: bytemuck::bytes_of(&ScanUniform {
                    n: len,
                    _pad: [0; 3],
                }),
                usage: wgpu::BufferUsages::UNIFORM,
            });
            let data = sums_bufs.last().unwrap_or(&offsets);
            let scan = bind(
                ctx,
                &scan_blocks,
                "sim.hash.scan",
                &[(0, &u), (1, data), (2, &sums)],
            );
            let add = bind(
                ctx,
                &add_offsets,
                "sim.hash.scan_add",
                &[(0, &u), (1, data), (2, &sums)],
            );
            levels.push(ScanLevel { n: len, scan, add });
            sums_bufs.push(sums);
            if blocks <= 1 {
                break;
            }
            len = blocks;
        }
        let count_bg = bind(
            ctx,
            &count,
            "sim.hash.count",
            &[
                (0, &uniform),
                (1, &pos),
                (2, &tribe_flags),
                (3, &cell_of),
                (4, &offsets),
            ],
        );
        let scatter_bg = bind(
            ctx,
            &scatter,
            "sim.hash.scatter",
            &[
                (0, &uniform),
                (1, &cell_of),
                (2, &offsets),
                (3, &cursor),
                (4, &unsorted),
            ],
        );
        let rank_bg = bind(
            ctx,
            &rank,
            "sim.hash.rank",
            &[
                (0, &uniform),
                (1, &cell_of),
                (2, &offsets),
                (5, &unsorted),
                (6, &ids),
                (7, &pos),
                (8, &sorted),
                (9, &sorted_pos),
            ],
        );
        Ok(Self {
            grid,
            capacity,
            count,
            scan_blocks,
            add_offsets,
            scatter,
            rank,
            pos,
            tribe_flags,
            ids,
            cell_of,
            offsets,
            cursor,
            sorted,
            sorted_pos,
            levels,
            count_bg,
            scatter_bg,
            rank_bg,
        })
    }

    /// Uploads the fields the hash reads.
    pub fn upload(&self, ctx: &GpuContext, e: &Entities) {
        let n = self.capacity as usize;
        ctx.queue
            .write_buffer(&self.pos, 0, bytemuck::cast_slice(&e.pos[..n]));
        ctx.queue.write_buffer(
            &self.tribe_flags,
            0,
            bytemuck::cast_slice(&e.tribe_flags[..n]),
        );
        ctx.queue
            .write_buffer(&self.ids, 0, bytemuck::cast_slice(&e.id[..n]));
    }

    fn dispatch(
        pass: &mut wgpu::ComputePass<'_>,
        p: &wgpu::ComputePipeline,
        bg: &wgpu::BindGroup,
        items: u32,
    ) {
        let (x, y) = groups(items);
        if x == 0 {
            return;
        }
        pass.set_pipeline(p);
        pass.set_bind_group(0, bg, &[]);
        pass.dispatch_workgroups(x, y, 1);
    }

    /// Records the whole hash into `enc`.
    pub fn record(&self, enc: &mut wgpu::CommandEncoder) {
        self.record_timed(enc, |_| None);
    }

    /// Records the hash as three compute passes (count, scan, scatter), with
    /// the timestamp writes `ts(k)` for pass `k`.
    pub fn record_timed<'q>(
        &self,
        enc: &mut wgpu::CommandEncoder,
        ts: impl Fn(usize) -> Option<wgpu::ComputePassTimestampWrites<'q>>,
    ) {
        enc.clear_buffer(&self.offsets, 0, None);
        enc.clear_buffer(&self.cursor, 0, None);
        let begin = |enc: &mut wgpu::CommandEncoder, k: usize, label: &str| {
            enc.begin_compute_pass(&wgpu::ComputePassDescriptor {
                label: Some(label),
                timestamp_writes: ts(k),
            })
            .forget_lifetime()
        };
        {
            let mut pass = begin(enc, 0, "sim.pass.hash_count");
            Self::dispatch(&mut pass, &self.count, &self.count_bg, self.capacity);
        }
        {
            let mut pass = begin(enc, 1, "sim.pass.hash_scan");
            for l in &self.levels {
                Self::dispatch(&mut pass, &self.scan_blocks, &l.scan, l.n);
            }
            // Top-down: level k's data gets its block sums, scanned by level k + 1, added.
            for l in self.levels[..self.levels.len() - 1].iter().rev() {
                Self::dispatch(&mut pass, &self.add_offsets, &l.add, l.n);
            }
        }
        let mut pass = begin(enc, 2, "sim.pass.hash_scatter");
        Self::dispatch(&mut pass, &self.scatter, &self.scatter_bg, self.capacity);
        Self::dispatch(&mut pass, &self.rank, &self.rank_bg, self.capacity);
    }

    /// The hash grid.
    pub fn grid(&self) -> &Grid {
        &self.grid
    }

    /// Runs the hash on `e` and reads the results back.
    pub fn run(&self, ctx: &GpuContext, e: &Entities) -> Result<HashReadback, GpuError> {
        self.upload(ctx, e);
        let mut enc = ctx
            .device
            .create_command_encoder(&wgpu::CommandEncoderDescriptor {
                label: Some("sim.hash"),
            });
        self.record(&mut enc);
        ctx.queue.submit([enc.finish()]);
        let n = self.capacity as usize;
        let cells = self.grid.len();
        let cell_of = read::<u32>(&ctx.device, &ctx.queue, &self.cell_of, n)?;
        let offsets = read::<u32>(&ctx.device, &ctx.queue, &self.offsets, cells + 1)?;
        let total = offsets[cells] as usize;
        let sorted = read::<u32>(&ctx.device, &ctx.queue, &self.sorted, total)?;
        let sorted_pos = read::<[f32; 2]>(&ctx.device, &ctx.queue, &self.sorted_pos, total)?;
        Ok(HashReadback {
            cell_of,
            offsets,
            sorted,
            sorted_pos,
        })
    }
}
