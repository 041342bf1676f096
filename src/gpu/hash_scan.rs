//! `hash_scan` on the GPU: the exclusive prefix sum of the cell counts, for
//! any number of cells: each level scans blocks of [`SCAN_BLOCK`] values (one
//! workgroup each) and writes the block totals, which the next level scans;
//! then each level adds its block's scanned total back, top-down. Twin of
//! `src/cpu/hash_scan.rs`.

use wgpu::util::DeviceExt;

use super::buffers::{Buffers, bind, dispatch};
use super::layout::ScanUniform;
use super::shaders::pipeline;
use super::{GpuContext, GpuError};

/// Values scanned per workgroup (`SCAN_BLOCK` in `shaders/hash_scan.wgsl`).
pub const SCAN_BLOCK: u32 = 4096;

struct Level {
    n: u32,
    scan: wgpu::BindGroup,
    add: wgpu::BindGroup,
    _uniform: wgpu::Buffer,
    _sums: wgpu::Buffer,
}

/// The pipelines and one pair of bindings per level.
pub struct HashScan {
    scan_blocks: wgpu::ComputePipeline,
    add_offsets: wgpu::ComputePipeline,
    levels: Vec<Level>,
}

impl HashScan {
    /// Bytes of its own buffers (partial sums and lengths).
    pub fn bytes(&self) -> u64 {
        self.levels
            .iter()
            .map(|l| l._sums.size() + l._uniform.size())
            .sum()
    }

    /// Builds the levels for `b.offsets` (hash cells + 1 entries).
    pub fn new(ctx: &GpuContext, b: &Buffers) -> Result<Self, GpuError> {
        let d = &ctx.device;
        let scan_blocks = pipeline(d, "hash_scan", "scan_blocks");
        let add_offsets = pipeline(d, "hash_scan", "add_offsets");
        let mut levels: Vec<Level> = Vec::new();
        let mut len = b.sizes.hash.len() as u32 + 1;
        loop {
            let blocks = len.div_ceil(SCAN_BLOCK);
            let sums = ctx.storage(
                &format!("sim.hash.scan_sums{}", levels.len()),
                blocks as u64 * 4,
                wgpu::BufferUsages::empty(),
            )?;
            let uniform = d.create_buffer_init(&wgpu::util::BufferInitDescriptor {
                label: Some("sim.hash.scan_len"),
                contents: bytemuck::bytes_of(&ScanUniform {
                    n: len,
                    _pad: [0; 3],
                }),
                usage: wgpu::BufferUsages::UNIFORM,
            });
            let data = levels.last().map_or(&b.offsets, |l| &l._sums);
            let entries = [(0, &uniform), (1, data), (2, &sums)];
            let scan = bind(ctx, &scan_blocks, "sim.hash_scan.blocks", &entries);
            let add = bind(ctx, &add_offsets, "sim.hash_scan.add", &entries);
            levels.push(Level {
                n: len,
                scan,
                add,
                _uniform: uniform,
                _sums: sums,
            });
            if blocks <= 1 {
                break;
            }
            len = blocks;
        }
        Ok(Self {
            scan_blocks,
            add_offsets,
            levels,
        })
    }

    /// Records every level.
    pub fn record(&self, pass: &mut wgpu::ComputePass<'_>) {
        for l in &self.levels {
            // One workgroup (256 invocations) per block.
            dispatch(
                pass,
                &self.scan_blocks,
                &l.scan,
                l.n.div_ceil(SCAN_BLOCK) * 256,
            );
        }
        // Top-down: level k's data gets its block sums, scanned by level k + 1, added.
        for l in self.levels[..self.levels.len() - 1].iter().rev() {
            dispatch(pass, &self.add_offsets, &l.add, l.n);
        }
    }
}
