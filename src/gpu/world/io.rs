//! What crosses between the GPU world and the CPU on request: the write-back,
//! full and partial readbacks, the statistics.

use crate::gpu::buffers::Buffers;
use crate::gpu::layout::{STEER_WORDS, WriteRecord, unpack_intent};
use crate::gpu::{GpuContext, GpuError};
use crate::model::entities::{Entities, SlotState};
use crate::model::food::Food;
use crate::model::genes::GENE_COUNT;
use crate::world::stats::GeneStat;

use super::GpuWorld;
use super::staging::{Staging, words};

impl GpuWorld {
    /// Applies changed slots (sorted by slot) to the GPU state: full records
    /// whole, partial ones as an energy change (capped at `energy.max`) and
    /// new flags.
    pub fn write_back(
        &mut self,
        ctx: &GpuContext,
        records: &[WriteRecord],
    ) -> Result<(), GpuError> {
        // Newborns may lie past the slots held.
        if let Some(top) = records.iter().map(|r| r.slot).max() {
            self.ensure_slots(ctx, top + 1)?;
        }
        self.write_back
            .apply(ctx, &self.b, records, self.params.energy.max)
    }

    /// Reads the whole entity state back (on request only: `state_hash`,
    /// inspection, tests).
    pub fn read_entities(&self, ctx: &GpuContext) -> Result<Entities, GpuError> {
        crate::gpu::readback::wait(self.read_entities_async(ctx))
    }

    /// [`Self::read_entities`], awaiting the GPU: the world's capacity, the
    /// slots past those the GPU holds free (never used).
    pub async fn read_entities_async(&self, ctx: &GpuContext) -> Result<Entities, GpuError> {
        let mut e = self.b.read_entities_async(ctx).await?;
        e.extend_free(self.capacity as usize);
        Ok(e)
    }

    /// Reads the food grid back into a copy of `like`.
    pub fn read_food(&self, ctx: &GpuContext, like: &Food) -> Result<Food, GpuError> {
        self.b.read_food(ctx, like)
    }

    /// [`Self::read_food`], awaiting the GPU.
    pub async fn read_food_async(&self, ctx: &GpuContext, like: &Food) -> Result<Food, GpuError> {
        self.b.read_food_async(ctx, like).await
    }

    /// One slot's state and its behaviour in the last tick ([`crate::common::Mode`]
    /// code), in one small readback.
    pub fn read_slot(&self, ctx: &GpuContext, slot: usize) -> Result<(SlotState, u8), GpuError> {
        crate::gpu::readback::wait(self.read_slot_async(ctx, slot))
    }

    /// [`Self::read_slot`], awaiting the GPU.
    pub async fn read_slot_async(
        &self,
        ctx: &GpuContext,
        slot: usize,
    ) -> Result<(SlotState, u8), GpuError> {
        let b = &self.b;
        if slot >= self.slots() as usize {
            // Never used: a free slot.
            let free = SlotState {
                slot: slot as u32,
                ..SlotState::default()
            };
            return Ok((free, 0));
        }
        let s = slot as u64;
        let parts: [(&wgpu::Buffer, u64); 9] = [
            (&b.pos, 8),
            (&b.vel, 8),
            (&b.energy, 4),
            (&b.age, 4),
            (&b.tribe_flags, 4),
            (&b.ids, 4),
            (&b.genes_a, 16),
            (&b.genes_b, 4),
            (&b.steer_out, 4 * STEER_WORDS as u64),
        ];
        let staging = Staging::new(ctx, "sim.readback.slot", 128);
        let mut enc = ctx
            .device
            .create_command_encoder(&wgpu::CommandEncoderDescriptor {
                label: Some("sim.read_slot"),
            });
        let mut at = 0;
        for (buf, size) in parts {
            enc.copy_buffer_to_buffer(buf, s * size, &staging.buffer, at, size);
            at += size;
        }
        ctx.queue.submit([enc.finish()]);
        let w = words(&staging.read(ctx, at).await?);
        let f = |k: usize| f32::from_bits(w[k]);
        let state = SlotState {
            slot: slot as u32,
            id: w[7],
            tribe_flags: w[6],
            pos: [f(0), f(1)],
            vel: [f(2), f(3)],
            energy: f(4),
            age: f(5),
            genes: [w[8], w[9], w[10], w[11], w[12]],
        };
        Ok((state, unpack_intent(w[13]).1 as u8))
    }

    /// Each slot's behaviour in the last tick ([`crate::common::Mode`] codes).
    pub fn read_modes(&self, ctx: &GpuContext) -> Result<Vec<u8>, GpuError> {
        crate::gpu::readback::wait(self.read_modes_async(ctx))
    }

    /// [`Self::read_modes`], awaiting the GPU.
    pub async fn read_modes_async(&self, ctx: &GpuContext) -> Result<Vec<u8>, GpuError> {
        let words: Vec<u32> = Buffers::read_async(
            ctx,
            &self.b.steer_out,
            STEER_WORDS * self.b.sizes.capacity as usize,
        )
        .await?;
        let mut modes: Vec<u8> = words.iter().map(|&w| unpack_intent(w).1 as u8).collect();
        // The slots past those held: free, never steered.
        modes.resize(self.capacity as usize, 0);
        Ok(modes)
    }

    /// Per-tribe gene statistics and energy sums, reduced on the GPU in fixed
    /// point over slots `0..end`.
    pub fn stats(
        &self,
        ctx: &GpuContext,
        end: u32,
    ) -> Result<(Vec<[GeneStat; GENE_COUNT]>, Vec<f64>), GpuError> {
        self.stats.run(ctx, &self.b, end)
    }

    /// [`Self::stats`], awaiting the GPU.
    pub async fn stats_async(
        &self,
        ctx: &GpuContext,
        end: u32,
    ) -> Result<(Vec<[GeneStat; GENE_COUNT]>, Vec<f64>), GpuError> {
        self.stats.run_async(ctx, &self.b, end).await
    }
}
