//! `participants` on the GPU: one compact record per entity named in this
//! tick's event lists (what the region workers read of it), so that only
//! these records cross to the CPU. No CPU twin: the CPU backend reads the
//! entities in place (the `Snap` copies in `src/regions/mod.rs`).

use encase::ShaderSize;

use super::buffers::{Buffers, Sizes, put, set, submit};
use super::kernel::{Access, Kernel, KernelDecl, MAIN, Shader, own, read, uniform};
use super::layout::{ParticipantRecord, ParticipantsUniform};
use super::{GpuContext, GpuError};
use crate::model::entities::Entities;

/// `participants`' shader (`records`: the pass's own output).
pub struct ParticipantsShader;

impl Shader for ParticipantsShader {
    const DECL: KernelDecl = KernelDecl {
        shader: "participants",
        entries: MAIN,
        bindings: &[
            uniform("u", "ParticipantsUniform", |b| &b.participants_u),
            read("attacks", "array<vec4<u32>>", |b| b.attacks()),
            read("entity_events", "array<vec2<u32>>", |b| b.entity_events()),
            read("pos", "array<vec2<f32>>", |b| &b.pos),
            read("energy", "array<f32>", |b| &b.energy),
            read("tribe_flags", "array<u32>", |b| &b.tribe_flags),
            read("ids", "array<u32>", |b| &b.ids),
            read("genes", "array<Genome>", |b| &b.genes),
            read("owner", "array<u32>", |b| &b.owner),
            own(Access::ReadWrite, "records", "array<ParticipantRecord>", 0),
        ],
    };
}

/// The pipeline, its output (grown as needed) and bindings.
pub struct Participants {
    kernel: Kernel<ParticipantsShader>,
    /// The records.
    pub records: wgpu::Buffer,
    capacity: u64,
}

impl Participants {
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
        let out = ctx.storage(
            "sim.participants.records",
            capacity * ParticipantRecord::SHADER_SIZE.get(),
            wgpu::BufferUsages::empty(),
        )?;
        Ok(Self {
            kernel: Kernel::with_own(ctx, b, &[&out]),
            records: out,
            capacity,
        })
    }

    /// Makes room for `records` records.
    pub fn reserve(&mut self, ctx: &GpuContext, b: &Buffers, records: u64) -> Result<(), GpuError> {
        if records > self.capacity {
            *self = Self::new(ctx, b, records)?;
        }
        Ok(())
    }

    /// Records the pass for the counts in `participants_u` (`m` records in all).
    pub fn record(&self, pass: &mut wgpu::ComputePass<'_>, m: u32) {
        self.kernel.dispatch(pass, "main", m);
    }
}

/// Runs `participants` over event lists laid out as `emit_events` leaves them
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
) -> Result<Vec<ParticipantRecord>, GpuError> {
    let p = crate::SimParams::default();
    let b = Buffers::new(ctx, Sizes::new(&p, 1, e.capacity(), (1, 1), 1))?;
    b.upload_entities(ctx, e);
    put(ctx, &b.owner, owner);
    put(ctx, b.attacks(), attacks);
    put(ctx, b.entity_events(), entity_events);
    let u = ParticipantsUniform {
        attacks: attacks.len() as u32,
        repro,
        deaths,
        n,
    };
    set(ctx, &b.participants_u, &u);
    let m = 2 * u.attacks + repro + deaths;
    let pass = Participants::new(ctx, &b, m as u64)?;
    submit(ctx, "sim.pass.participants", |c| pass.record(c, m));
    Buffers::read_records(ctx, &pass.records, m as usize)
}
