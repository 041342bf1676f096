//! `write_back` on the GPU: applies the region workers' results, one
//! [`WriteRecord`] per changed slot, sorted by slot (runs of consecutive
//! changed slots are contiguous in the list and in memory). No CPU twin: the
//! CPU backend's workers write the entities in place.

use encase::ShaderSize;

use super::buffers::{Buffers, put_records, set, submit};
use super::kernel::{Access, Kernel, KernelDecl, MAIN, Shader, own, read_write, uniform};
use super::layout::{WriteBackUniform, WriteRecord};
use super::{GpuContext, GpuError};

/// `write_back`'s shader (`records`: the pass's own input).
pub struct WriteBackShader;

impl Shader for WriteBackShader {
    const DECL: KernelDecl = KernelDecl {
        shader: "write_back",
        entries: MAIN,
        bindings: &[
            uniform("u", "WriteBackUniform", |b| &b.write_u),
            own(Access::Read, "records", "array<WriteRecord>", 0),
            read_write("pos", "array<vec2<f32>>", |b| &b.pos),
            read_write("vel", "array<vec2<f32>>", |b| &b.vel),
            read_write("energy", "array<f32>", |b| &b.energy),
            read_write("age", "array<f32>", |b| &b.age),
            read_write("tribe_flags", "array<u32>", |b| &b.tribe_flags),
            read_write("ids", "array<u32>", |b| &b.ids),
            read_write("genes", "array<Genome>", |b| &b.genes),
            read_write("owner", "array<u32>", |b| &b.owner),
        ],
    };
}

/// The pipeline, its input (grown as needed) and bindings.
pub struct WriteBack {
    kernel: Kernel<WriteBackShader>,
    records: wgpu::Buffer,
    capacity: u64,
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
        let capacity = records.max(1).next_power_of_two();
        let input = ctx.storage(
            "sim.write_back.records",
            capacity * WriteRecord::SHADER_SIZE.get(),
            wgpu::BufferUsages::empty(),
        )?;
        Ok(Self {
            kernel: Kernel::with_own(ctx, b, &[&input]),
            records: input,
            capacity,
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
        let n = records.len() as u32;
        put_records(ctx, &self.records, records);
        set(ctx, &b.write_u, &WriteBackUniform { n });
        submit(ctx, "sim.pass.write_back", |c| {
            self.kernel.dispatch(c, "main", n)
        });
        Ok(())
    }
}
