//! `hash_scan` on the GPU: the exclusive prefix sum of the cell counts, for
//! any number of cells: each level scans blocks of [`SCAN_BLOCK`] values (one
//! workgroup each) and writes the block totals, which the next level scans;
//! then each level adds its block's scanned total back, top-down. Twin of
//! `src/cpu/hash_scan.rs`.

use wgpu::util::DeviceExt;

use super::buffers::Buffers;
use super::kernel::{Kernel, KernelDecl, Shader, View};
use super::layout::ScanUniform;
use super::wgsl::{WgslStruct, uniform_bytes};
use super::{GpuContext, GpuError};

/// Values scanned per workgroup (`SCAN_BLOCK`).
pub const SCAN_BLOCK: u32 = 4096;

/// `hash_scan`'s shader: its bindings, all per level: its length, its data
/// (the hash offsets, or the level below's block sums) and its block sums.
pub struct HashScanShader;

impl Shader for HashScanShader {
    const DECL: KernelDecl = KernelDecl::new("hash_scan", View::own("u", ScanUniform::NAME, 0))
        .read_write(&[
            View::own("data", "array<u32>", 1),
            View::own("block_sums", "array<u32>", 2),
        ])
        .entries(&[("scan_blocks", "*"), ("add_offsets", "*")]);
}

struct Level {
    n: u32,
    groups: Vec<wgpu::BindGroup>,
    _uniform: wgpu::Buffer,
    _sums: wgpu::Buffer,
}

/// The pipelines and one set of bindings per level.
pub struct HashScan {
    kernel: Kernel<HashScanShader>,
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
        let kernel = Kernel::unbound(ctx);
        let mut levels: Vec<Level> = Vec::new();
        let mut len = b.sizes.hash.len() as u32 + 1;
        loop {
            let blocks = len.div_ceil(SCAN_BLOCK);
            let sums = ctx.storage(
                &format!("sim.hash.scan_sums{}", levels.len()),
                blocks as u64 * 4,
                wgpu::BufferUsages::empty(),
            )?;
            let uniform = ctx
                .device
                .create_buffer_init(&wgpu::util::BufferInitDescriptor {
                    label: Some("sim.hash.scan_len"),
                    contents: &uniform_bytes(&ScanUniform { n: len }),
                    usage: wgpu::BufferUsages::UNIFORM,
                });
            let data = levels.last().map_or(&b.offsets, |l| &l._sums);
            levels.push(Level {
                n: len,
                groups: kernel.bind(ctx, b, &[&uniform, data, &sums]),
                _uniform: uniform,
                _sums: sums,
            });
            if blocks <= 1 {
                break;
            }
            len = blocks;
        }
        Ok(Self { kernel, levels })
    }

    /// Records every level.
    pub fn record(&self, pass: &mut wgpu::ComputePass<'_>) {
        let k = &self.kernel;
        for l in &self.levels {
            // One workgroup (256 invocations) per block.
            let items = l.n.div_ceil(SCAN_BLOCK) * 256;
            k.dispatch_in(pass, "scan_blocks", &l.groups, items);
        }
        // Top-down: level k's data gets its block sums, scanned by level k + 1, added.
        for l in self.levels[..self.levels.len() - 1].iter().rev() {
            k.dispatch_in(pass, "add_offsets", &l.groups, l.n);
        }
    }
}
