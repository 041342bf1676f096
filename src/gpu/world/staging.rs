//! The GPU world's readback staging and pass timer.

use super::TIMED;
use crate::gpu::{GpuContext, GpuError};

/// Timestamp queries around each timed pass.
pub(super) struct Timer {
    pub(super) set: wgpu::QuerySet,
    pub(super) resolve: wgpu::Buffer,
    pub(super) period_ns: f64,
}

impl Timer {
    /// A timer for the [`TIMED`] passes, where the adapter has timestamp queries.
    pub(super) fn new(ctx: &GpuContext) -> Option<Self> {
        let d = &ctx.device;
        d.features()
            .contains(wgpu::Features::TIMESTAMP_QUERY)
            .then(|| Timer {
                set: d.create_query_set(&wgpu::QuerySetDescriptor {
                    label: Some("sim.timestamps"),
                    ty: wgpu::QueryType::Timestamp,
                    count: 2 * TIMED as u32,
                }),
                resolve: d.create_buffer(&wgpu::BufferDescriptor {
                    label: Some("sim.timestamps.resolve"),
                    size: 16 * TIMED as u64,
                    usage: wgpu::BufferUsages::QUERY_RESOLVE | wgpu::BufferUsages::COPY_SRC,
                    mapped_at_creation: false,
                }),
                period_ns: ctx.queue.get_timestamp_period() as f64,
            })
    }

    /// The timestamp writes of timed pass `k`.
    pub(super) fn writes(&self, k: usize) -> Option<wgpu::ComputePassTimestampWrites<'_>> {
        Some(wgpu::ComputePassTimestampWrites {
            query_set: &self.set,
            beginning_of_pass_write_index: Some(2 * k as u32),
            end_of_pass_write_index: Some(2 * k as u32 + 1),
        })
    }
}

/// A mappable buffer for readbacks, grown as needed.
pub(super) struct Staging {
    label: &'static str,
    pub(super) buffer: wgpu::Buffer,
    pub(super) bytes: u64,
}

impl Staging {
    pub(super) fn new(ctx: &GpuContext, label: &'static str, bytes: u64) -> Self {
        let bytes = bytes.next_multiple_of(4).max(256);
        let buffer = ctx.device.create_buffer(&wgpu::BufferDescriptor {
            label: Some(label),
            size: bytes,
            usage: wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        });
        Self {
            label,
            buffer,
            bytes,
        }
    }

    pub(super) fn reserve(&mut self, ctx: &GpuContext, bytes: u64) {
        if bytes > self.bytes {
            *self = Self::new(ctx, self.label, bytes.next_power_of_two());
        }
    }

    /// Maps the buffer, awaits the GPU, and copies out its first `bytes` bytes.
    pub(super) async fn read(&self, ctx: &GpuContext, bytes: u64) -> Result<Vec<u8>, GpuError> {
        crate::gpu::readback::map_copy_async(&ctx.device, &self.buffer, bytes).await
    }
}

pub(super) fn words(bytes: &[u8]) -> Vec<u32> {
    bytemuck::pod_collect_to_vec(bytes)
}

/// Offsets in the small per-tick readback: the three event counts (16
/// bytes), food eaten (8), population and migrations per region (4 each),
/// the pass timestamps.
#[derive(Debug, Clone, Copy)]
pub(super) struct SmallLayout {
    pub(super) eaten: u64,
    pub(super) pop: u64,
    pub(super) mig: u64,
    pub(super) ts: u64,
    pub(super) total: u64,
}

impl SmallLayout {
    /// The layout for `regions` regions.
    pub(super) fn new(regions: usize) -> Self {
        let r = regions as u64 * 4;
        let (eaten, pop) = (16, 24);
        let mig = pop + r;
        let ts = (mig + r).next_multiple_of(8);
        Self {
            eaten,
            pop,
            mig,
            ts,
            total: ts + 16 * TIMED as u64,
        }
    }
}
