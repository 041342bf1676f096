//! `write_back` on the GPU: applies the region workers' results, one
//! [`WriteRecord`] per changed slot, sorted by slot (runs of consecutive
//! changed slots are contiguous in the list and in memory). No CPU twin: the
//! CPU backend's workers write the entities in place.

use super::buffers::{Buffers, bind, dispatch, put, set, submit};
use super::layout::{WriteBackUniform, WriteRecord};
use super::shaders::pipeline;
use super::{GpuContext, GpuError};

/// The pipeline, its input (grown as needed) and bindings.
pub struct WriteBack {
    pipeline: wgpu::ComputePipeline,
    records: wgpu::Buffer,
    capacity: u64,
    group: wgpu::BindGroup,
}

impl WriteBack {
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
        let pipeline = pipeline(&ctx.device, "write_back", "main");
        let capacity = records.max(1).next_power_of_two();
        let input = ctx.storage(
            "sim.write_back.records",
            capacity * std::mem::size_of::<WriteRecord>() as u64,
            wgpu::BufferUsages::empty(),
        )?;
        let group = bind(
            ctx,
            &pipeline,
            "sim.write_back",
            &[
                (0, &b.write_u),
                (1, &input),
                (2, &b.pos),
                (3, &b.vel),
                (4, &b.energy),
                (5, &b.age),
                (6, &b.tribe_flags),
                (7, &b.ids),
                (8, &b.genes),
                (9, &b.owner),
            ],
        );
        Ok(Self {
            pipeline,
            records: input,
            capacity,
            group,
        })
    }

    /// Uploads `records` (sorted by slot) and submits the pass.
    pub fn apply(
        &mut self,
        ctx: &GpuContext,
        b: &Buffers,
        records: &[WriteRecord],
    ) -> Result<(), GpuError> {
        if records.is_empty() {
            return Ok(());
        }
        debug_assert!(records.windows(2).all(|w| w[0].slot < w[1].slot));
        if records.len() as u64 > self.capacity {
            *self = Self::new(ctx, b, records.len() as u64)?;
        }
        put(ctx, &self.records, records);
        set(
            ctx,
            &b.write_u,
            &WriteBackUniform {
                n: records.len() as u32,
                _pad: [0; 3],
            },
        );
        submit(ctx, "sim.pass.write_back", |c| {
            dispatch(c, &self.pipeline, &self.group, records.len() as u32)
        });
        Ok(())
    }
}
