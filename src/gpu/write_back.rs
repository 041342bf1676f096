//! `write_back` on the GPU: applies the effects of the region workers'
//! resolution (a tick late, `src/regions/lag.rs`), one [`WriteRecord`] per
//! changed slot, sorted by slot (runs of consecutive changed slots are
//! contiguous in the list and in memory): newborn whole, others as an
//! energy change and new flags. Its CPU twin is
//! [`crate::regions::lag::Effects::apply`].

use super::buffers::{Buffers, put_records, set, submit};
use super::kernel::{KernelDecl, RecordKernel, Shader, View};
use super::layout::{WriteBackUniform, WriteRecord};
use super::views::{AGE, ENERGY, GENES_A, GENES_B, IDS, OWNER, POS, TRIBE_FLAGS, VEL, WRITE_BACK};
use super::{GpuContext, GpuError};
use crate::common::NONE;
use crate::model::entities::SlotState;

/// `write_back`'s shader (`records`: the pass's own input).
pub struct WriteBackShader;

impl Shader for WriteBackShader {
    const DECL: KernelDecl = KernelDecl::new("write_back", WRITE_BACK)
        .read(&[View::own("records", "array<WriteRecord>", 0)])
        .read_write(&[
            POS,
            VEL,
            ENERGY,
            AGE,
            TRIBE_FLAGS,
            IDS,
            GENES_A,
            GENES_B,
            OWNER,
        ]);
}

/// The pass, with its input (grown as needed).
pub type WriteBack = RecordKernel<WriteBackShader, WriteRecord>;

impl WriteBack {
    /// Uploads `records` (sorted by slot) and submits the pass; partial
    /// records' energy changes stop at `energy_max`.
    pub fn apply(
        &mut self,
        ctx: &GpuContext,
        b: &Buffers,
        records: &[WriteRecord],
        energy_max: f32,
    ) -> Result<(), GpuError> {
        if records.is_empty() {
            return Ok(());
        }
        debug_assert!(records.windows(2).all(|w| w[0].slot < w[1].slot));
        self.reserve(ctx, b, records.len() as u64)?;
        let n = records.len() as u32;
        put_records(ctx, &self.records, records);
        set(ctx, &b.write_u, &WriteBackUniform { n, energy_max });
        submit(ctx, "sim.pass.write_back", |c| self.record(c, n));
        Ok(())
    }
}

impl WriteRecord {
    /// A newborn's record: every field of `s`, owned by region `owner`.
    pub fn whole(s: &SlotState, owner: u32) -> Self {
        Self {
            slot: s.slot,
            id: s.id,
            tribe_flags: s.tribe_flags,
            owner,
            pos: s.pos,
            vel: s.vel,
            energy: s.energy,
            age: s.age,
            full: 1,
            genes: s.genes,
        }
    }

    /// A changed slot's record: its change of energy and its new flags.
    pub fn change(slot: u32, energy: f32, tribe_flags: u32) -> Self {
        Self {
            slot,
            id: 0,
            tribe_flags,
            owner: NONE,
            pos: [0.0; 2],
            vel: [0.0; 2],
            energy,
            age: 0.0,
            full: 0,
            genes: [0; 5],
        }
    }
}
