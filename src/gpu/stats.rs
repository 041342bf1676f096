//! `stats` on the GPU: per-tribe statistics reduced in fixed point with
//! integer atomics (no float atomics, so the result does not depend on
//! timing): living count, energy sum and, per gene, the sum and sum of
//! squares of the 16-bit codes, their range and a 16-bin histogram. Twin of
//! `regions::stats::gene_stats`.

use super::buffers::{Buffers, Sizes, set};
use super::kernel::{Kernel, KernelDecl, Shader};
use super::layout::{STATS_ENERGY_SCALE, STATS_HIST, STATS_STRIDE, StatsUniform};
use super::views::{ENERGY, GENES_A, GENES_B, STATS, STATS_OUT, TRIBE_FLAGS};
use super::{GpuContext, GpuError};
use crate::model::entities::Entities;
use crate::model::genes::{GENE_COUNT, GENE_RANGES};
use crate::world::stats::GeneStat;

/// `stats`' shader (`stats_out`: [`STATS_STRIDE`] words per tribe).
pub struct StatsShader;

impl Shader for StatsShader {
    const DECL: KernelDecl = KernelDecl::new("stats", STATS)
        .read(&[GENES_A, GENES_B, TRIBE_FLAGS, ENERGY])
        .read_write(&[STATS_OUT])
        .zeroed(&[STATS_OUT]);
}

/// The pass: [`Stats::run`].
pub type Stats = Kernel<StatsShader>;

impl Stats {
    /// Reduces slots `0..end` and reads the result: gene statistics and
    /// the energy sum per tribe.
    pub fn run(
        &self,
        ctx: &GpuContext,
        b: &Buffers,
        end: u32,
    ) -> Result<(Vec<[GeneStat; GENE_COUNT]>, Vec<f64>), GpuError> {
        super::readback::wait(self.run_async(ctx, b, end))
    }

    /// [`Self::run`], awaiting the GPU.
    pub async fn run_async(
        &self,
        ctx: &GpuContext,
        b: &Buffers,
        end: u32,
    ) -> Result<(Vec<[GeneStat; GENE_COUNT]>, Vec<f64>), GpuError> {
        let tribes = b.sizes.tribes;
        set(ctx, &b.stats_u, &StatsUniform { n: end, tribes });
        let mut enc = ctx
            .device
            .create_command_encoder(&wgpu::CommandEncoderDescriptor {
                label: Some("sim.stats"),
            });
        self.clear(&mut enc, b);
        {
            let mut pass = enc.begin_compute_pass(&wgpu::ComputePassDescriptor {
                label: Some("sim.pass.stats"),
                timestamp_writes: None,
            });
            self.dispatch(&mut pass, "main", end);
        }
        ctx.queue.submit([enc.finish()]);
        let w: Vec<u32> =
            Buffers::read_async(ctx, &b.stats_out, tribes as usize * STATS_STRIDE as usize).await?;
        Ok(decode(&w, tribes as usize))
    }
}

/// Means, spreads and ranges from the fixed-point words of `stats.wgsl`, and
/// the energy sum per tribe.
pub fn decode(w: &[u32], tribes: usize) -> (Vec<[GeneStat; GENE_COUNT]>, Vec<f64>) {
    let stride = STATS_STRIDE as usize;
    let wide = |lo: u32, hi: u32| lo as u64 | (hi as u64) << 32;
    let mut genes = Vec::with_capacity(tribes);
    let mut energy = Vec::with_capacity(tribes);
    for t in 0..tribes {
        let b = &w[t * stride..(t + 1) * stride];
        let n = b[0] as f64;
        energy.push(wide(b[1], b[2]) as f64 / STATS_ENERGY_SCALE as f64);
        let mut out = [GeneStat::default(); GENE_COUNT];
        if b[0] > 0 {
            for (k, o) in out.iter_mut().enumerate() {
                let g = &b[3 + 6 * k..9 + 6 * k];
                let (lo, hi) = GENE_RANGES[k];
                let scale = (hi - lo) as f64 / 65535.0;
                let m = wide(g[0], g[1]) as f64 / n;
                let var = (wide(g[2], g[3]) as f64 / n - m * m).max(0.0);
                *o = GeneStat {
                    mean: (lo as f64 + scale * m) as f32,
                    std: (var.sqrt() * scale) as f32,
                    min: crate::model::genes::decode(k, 65535 - g[5]),
                    max: crate::model::genes::decode(k, g[4]),
                    hist: {
                        let h = STATS_HIST as usize + 16 * k;
                        let mut v = [0u32; 16];
                        v.copy_from_slice(&b[h..h + 16]);
                        v
                    },
                };
            }
        }
        genes.push(out);
    }
    (genes, energy)
}

/// Reduces the entities of `e` (of `tribes` tribes) on the GPU.
pub fn run(
    ctx: &GpuContext,
    e: &Entities,
    tribes: u32,
) -> Result<(Vec<[GeneStat; GENE_COUNT]>, Vec<f64>), GpuError> {
    let p = crate::SimParams::default();
    let b = Buffers::new(ctx, Sizes::new(&p, 1, e.capacity(), (1, 1), tribes))?;
    b.upload_entities(ctx, e);
    Stats::new(ctx, &b).run(ctx, &b, e.capacity() as u32)
}
