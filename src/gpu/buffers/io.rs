//! What crosses between the CPU and the buffers: writes of values, records
//! and whole state, reads back, and growing the per-slot buffers.

use encase::internal::{CreateFrom, ReadFrom};

use super::{Buffers, SLOT_BUFFERS, Sizes, slot_buffers};
use crate::gpu::wgsl::{WgslStruct, decode, encode, uniform_bytes};
use crate::gpu::{GpuContext, GpuError};
use crate::model::entities::Entities;
use crate::model::food::Food;
use crate::model::genes::PackedGenes;

/// Writes a uniform's value.
pub fn set<T: WgslStruct>(ctx: &GpuContext, b: &wgpu::Buffer, v: &T) {
    ctx.queue.write_buffer(b, 0, &uniform_bytes(v));
}

/// Writes records (structs shared with WGSL) at the start of a buffer.
pub fn put_records<T: WgslStruct>(ctx: &GpuContext, b: &wgpu::Buffer, records: &[T]) {
    if !records.is_empty() {
        ctx.queue.write_buffer(b, 0, &encode(records));
    }
}

/// Writes a slice at the start of a buffer.
pub fn put<T: bytemuck::Pod>(ctx: &GpuContext, b: &wgpu::Buffer, v: &[T]) {
    if !v.is_empty() {
        ctx.queue.write_buffer(b, 0, bytemuck::cast_slice(v));
    }
}

/// Genes as the GPU holds them: words 0–3 and word 4 of each slot
/// ([`Buffers::genes_a`], [`Buffers::genes_b`]).
pub fn split_genes(g: &[PackedGenes]) -> (Vec<[u32; 4]>, Vec<u32>) {
    g.iter().map(|w| ([w[0], w[1], w[2], w[3]], w[4])).unzip()
}

/// [`split_genes`] undone.
pub fn join_genes(a: &[[u32; 4]], b: &[u32]) -> Vec<PackedGenes> {
    a.iter()
        .zip(b)
        .map(|(a, &b)| [a[0], a[1], a[2], a[3], b])
        .collect()
}

/// `bytes` padded with `pad` to whole words (queue writes are multiples of
/// four bytes).
fn bytes_in_words(bytes: &[u8], pad: u8) -> Vec<u8> {
    let mut v = Vec::with_capacity(bytes.len().next_multiple_of(4));
    v.extend_from_slice(bytes);
    v.resize(bytes.len().next_multiple_of(4), pad);
    v
}

impl Buffers {
    /// Replaces every per-slot buffer by one for `slots` slots (more than
    /// now), with the old contents copied in front (one submit); the owners
    /// of the new slots are `NONE`, the rest of them zero (free slots). The
    /// passes bind buffers: bind them again after this.
    pub fn grow_slots(&mut self, ctx: &GpuContext, slots: u32) -> Result<(), GpuError> {
        let old = self.sizes.capacity;
        debug_assert!(slots > old, "{old} -> {slots} slots");
        let mut new = slot_buffers(ctx, slots as u64)?;
        let mut enc = ctx
            .device
            .create_command_encoder(&wgpu::CommandEncoderDescriptor {
                label: Some("sim.grow_slots"),
            });
        let current = [
            &mut self.pos,
            &mut self.vel,
            &mut self.energy,
            &mut self.age,
            &mut self.tribe_flags,
            &mut self.ids,
            &mut self.genes_a,
            &mut self.genes_b,
            &mut self.owner,
            &mut self.sorted,
            &mut self.sorted_pos,
            &mut self.info,
            &mut self.steer_out,
        ];
        for ((buf, fresh), (_, bytes)) in current.into_iter().zip(new.iter_mut()).zip(SLOT_BUFFERS)
        {
            // The old slots only (a buffer holds at least 256 bytes, which
            // may be more than its slots).
            enc.copy_buffer_to_buffer(buf, 0, fresh, 0, old as u64 * bytes);
            std::mem::swap(buf, fresh);
        }
        let tail = vec![crate::common::NONE; (slots - old) as usize];
        ctx.queue
            .write_buffer(&self.owner, old as u64 * 4, bytemuck::cast_slice(&tail));
        ctx.queue.submit([enc.finish()]);
        self.sizes.capacity = slots;
        Ok(())
    }

    /// Uploads the entity state of the slots the buffers hold (the first
    /// [`Sizes::capacity`]: every living entity must lie among them).
    pub fn upload_entities(&self, ctx: &GpuContext, e: &Entities) {
        let n = e.capacity().min(self.sizes.capacity as usize);
        debug_assert!(
            (n..e.capacity()).all(|i| !e.alive(i)),
            "a living slot past {n}"
        );
        put(ctx, &self.pos, &e.pos[..n]);
        put(ctx, &self.vel, &e.vel[..n]);
        put(ctx, &self.energy, &e.energy[..n]);
        put(ctx, &self.age, &e.age[..n]);
        put(ctx, &self.tribe_flags, &e.tribe_flags[..n]);
        put(ctx, &self.ids, &e.id[..n]);
        let (a, b) = split_genes(&e.genes[..n]);
        put(ctx, &self.genes_a, &a);
        put(ctx, &self.genes_b, &b);
    }

    /// Buffers for a world with parameters `p`, its terrain and entities
    /// uploaded (one region, one tribe): what a pass's `run` starts from.
    pub fn for_world(
        ctx: &GpuContext,
        p: &crate::model::params::SimParams,
        terrain: &crate::model::terrain::Terrain,
        e: &Entities,
    ) -> Result<Self, GpuError> {
        let b = Self::new(
            ctx,
            Sizes::new(p, terrain.cells.len(), e.capacity(), (1, 1), 1),
        )?;
        b.upload_terrain(ctx, terrain);
        b.upload_entities(ctx, e);
        Ok(b)
    }

    /// Uploads the terrain (one biome code per cell, four a word).
    pub fn upload_terrain(&self, ctx: &GpuContext, t: &crate::model::terrain::Terrain) {
        put(ctx, &self.terrain, &bytes_in_words(&t.cells, 0));
    }

    /// Uploads the food grid (and its map onto the terrain).
    pub fn upload_food(&self, ctx: &GpuContext, f: &Food) {
        put(ctx, &self.food_map, &f.terrain_map());
        let mut quanta = f.quanta.clone();
        quanta.resize(quanta.len().next_multiple_of(4), 0);
        put(ctx, &self.food_amount, &quanta);
        put(
            ctx,
            &self.food_cooldown,
            &bytes_in_words(f.cooldown.as_bytes(), 0),
        );
    }

    /// Reads `len` values of a buffer back (on request only).
    pub fn read<T: bytemuck::Pod>(
        ctx: &GpuContext,
        b: &wgpu::Buffer,
        len: usize,
    ) -> Result<Vec<T>, GpuError> {
        crate::gpu::readback::read(&ctx.device, &ctx.queue, b, len)
    }

    /// Reads `len` records (structs shared with WGSL) back.
    pub fn read_records<T: WgslStruct + ReadFrom + CreateFrom>(
        ctx: &GpuContext,
        b: &wgpu::Buffer,
        len: usize,
    ) -> Result<Vec<T>, GpuError> {
        let bytes = Self::read::<u8>(ctx, b, len * T::SHADER_SIZE.get() as usize)?;
        Ok(decode(&bytes))
    }

    /// [`Buffers::read`], awaiting the GPU.
    pub async fn read_async<T: bytemuck::Pod>(
        ctx: &GpuContext,
        b: &wgpu::Buffer,
        len: usize,
    ) -> Result<Vec<T>, GpuError> {
        crate::gpu::readback::read_async(&ctx.device, &ctx.queue, b, len).await
    }

    /// Reads the whole entity state back.
    pub fn read_entities(&self, ctx: &GpuContext) -> Result<Entities, GpuError> {
        crate::gpu::readback::wait(self.read_entities_async(ctx))
    }

    /// [`Buffers::read_entities`], awaiting the GPU.
    pub async fn read_entities_async(&self, ctx: &GpuContext) -> Result<Entities, GpuError> {
        let n = self.sizes.capacity as usize;
        let mut e = Entities::with_capacity(n);
        e.pos = Self::read_async(ctx, &self.pos, n).await?;
        e.vel = Self::read_async(ctx, &self.vel, n).await?;
        e.energy = Self::read_async(ctx, &self.energy, n).await?;
        e.age = Self::read_async(ctx, &self.age, n).await?;
        e.tribe_flags = Self::read_async(ctx, &self.tribe_flags, n).await?;
        e.id = Self::read_async(ctx, &self.ids, n).await?;
        let a: Vec<[u32; 4]> = Self::read_async(ctx, &self.genes_a, n).await?;
        let b: Vec<u32> = Self::read_async(ctx, &self.genes_b, n).await?;
        e.genes = join_genes(&a, &b);
        Ok(e)
    }

    /// Reads the food grid back into a copy of `like`.
    pub fn read_food(&self, ctx: &GpuContext, like: &Food) -> Result<Food, GpuError> {
        crate::gpu::readback::wait(self.read_food_async(ctx, like))
    }

    /// [`Buffers::read_food`], awaiting the GPU.
    pub async fn read_food_async(&self, ctx: &GpuContext, like: &Food) -> Result<Food, GpuError> {
        let mut f = like.clone();
        let n = self.sizes.food_cells as usize;
        f.quanta = Self::read_async(ctx, &self.food_amount, n.next_multiple_of(4)).await?;
        f.quanta.truncate(n);
        let bytes = n.next_multiple_of(4) * self.sizes.cooldown_bits as usize / 8;
        let cooldown: Vec<u8> = Self::read_async(ctx, &self.food_cooldown, bytes).await?;
        f.cooldown.copy_from_bytes(&cooldown);
        Ok(f)
    }
}
