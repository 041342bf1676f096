//! `participants` on the GPU: one compact record per entity named in this
//! tick's event lists (what the region workers read of it), so that only
//! these records cross to the CPU. No CPU twin: the CPU backend reads the
//! entities in place (the `Snap` copies in `src/regions/mod.rs`).

use super::buffers::{Buffers, Sizes, put, set, submit};
use super::kernel::{KernelDecl, RecordKernel, Shader, View};
use super::layout::{ParticipantRecord, ParticipantsUniform};
use super::views::{
    ATTACKS, ENERGY, ENTITY_EVENTS, GENES_A, GENES_B, IDS, OWNER, PARTICIPANTS, POS, TRIBE_FLAGS,
};
use super::{GpuContext, GpuError};
use crate::model::entities::{Entities, SlotState};

/// `participants`' shader (`records`: the pass's own output).
pub struct ParticipantsShader;

impl Shader for ParticipantsShader {
    const DECL: KernelDecl = KernelDecl::new("participants", PARTICIPANTS)
        .read(&[
            ATTACKS,
            ENTITY_EVENTS,
            POS,
            ENERGY,
            TRIBE_FLAGS,
            IDS,
            GENES_A,
            GENES_B,
            OWNER,
        ])
        .read_write(&[View::own("records", "array<ParticipantRecord>", 0)]);
}

/// The pass, with its output (grown as needed): [`RecordKernel::record`]
/// for the counts in `participants_u` (`2 × attacks + candidates + deaths`
/// records in all).
pub type Participants = RecordKernel<ParticipantsShader, ParticipantRecord>;

/// Event lists laid out as `emit_events` leaves them on the GPU.
pub struct EventLists<'a> {
    /// Attacks: `[target id, attacker id, target slot, attacker slot]`.
    pub attacks: &'a [[u32; 4]],
    /// `n` entries `[id, slot | cause << 31]`: reproduction candidates at
    /// the front, deaths at the back.
    pub entity_events: &'a [[u32; 2]],
    /// Candidates at the front of `entity_events`.
    pub repro: u32,
    /// Deaths at the back of `entity_events`.
    pub deaths: u32,
    /// The length of the entity list on the GPU.
    pub n: u32,
}

/// Runs `participants` over `ev` for the entities `e` and their owner
/// regions `owner`, and returns one record per named slot.
pub fn run(
    ctx: &GpuContext,
    e: &Entities,
    owner: &[u32],
    ev: &EventLists<'_>,
) -> Result<Vec<ParticipantRecord>, GpuError> {
    let EventLists {
        attacks,
        entity_events,
        repro,
        deaths,
        n,
    } = *ev;
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

impl ParticipantRecord {
    /// Writes the fields the record carries into slot `self.slot` of a
    /// host table (its velocity and age are not read by the resolution).
    pub fn store(&self, e: &mut Entities) {
        let i = self.slot as usize;
        let (vel, age) = (e.vel[i], e.age[i]);
        e.set(&SlotState {
            slot: self.slot,
            id: self.id,
            tribe_flags: self.tribe_flags,
            pos: self.pos,
            vel,
            energy: self.energy,
            age,
            genes: self.genes,
        });
    }
}
