//! Structure-of-arrays entity storage: one slot per entity, capacity fixed at start.

use super::genes::PackedGenes;

/// Bit of `tribe_flags` set while the slot holds a living entity.
pub const FLAG_ALIVE: u32 = 1 << 16;
/// Mask of the tribe index in `tribe_flags`.
pub const TRIBE_MASK: u32 = 0xffff;

/// The entity slots, as parallel arrays. A slot whose `tribe_flags` lacks
/// [`FLAG_ALIVE`] is free; its other fields are meaningless.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Entities {
    /// Position (wu), inside `[0, width) × [0, height)`.
    pub pos: Vec<[f32; 2]>,
    /// Velocity (wu/s); heading comes from it.
    pub vel: Vec<[f32; 2]>,
    /// Energy (e).
    pub energy: Vec<f32>,
    /// Age (s).
    pub age: Vec<f32>,
    /// Tribe index (low 16 bits) and flags (high 16 bits).
    pub tribe_flags: Vec<u32>,
    /// Stable id, never reused (the slot may be).
    pub id: Vec<u32>,
    /// Packed genes.
    pub genes: Vec<PackedGenes>,
}

impl Entities {
    /// `capacity` free slots.
    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            pos: vec![[0.0; 2]; capacity],
            vel: vec![[0.0; 2]; capacity],
            energy: vec![0.0; capacity],
            age: vec![0.0; capacity],
            tribe_flags: vec![0; capacity],
            // Zeroed like the rest: a free slot's fields are meaningless, and
            // slots never used then cost no resident memory.
            id: vec![0; capacity],
            genes: vec![[0; 5]; capacity],
        }
    }

    /// Appends free slots (zeroed, as [`Self::with_capacity`] makes them)
    /// up to `capacity` slots; nothing when there are as many already.
    pub fn extend_free(&mut self, capacity: usize) {
        let n = capacity.max(self.capacity());
        self.pos.resize(n, [0.0; 2]);
        self.vel.resize(n, [0.0; 2]);
        self.energy.resize(n, 0.0);
        self.age.resize(n, 0.0);
        self.tribe_flags.resize(n, 0);
        self.id.resize(n, 0);
        self.genes.resize(n, [0; 5]);
    }

    /// Number of slots.
    #[inline]
    pub fn capacity(&self) -> usize {
        self.pos.len()
    }

    /// Whether slot `i` holds a living entity.
    #[inline]
    pub fn alive(&self, i: usize) -> bool {
        self.tribe_flags[i] & FLAG_ALIVE != 0
    }

    /// Tribe of slot `i`.
    #[inline]
    pub fn tribe(&self, i: usize) -> u16 {
        (self.tribe_flags[i] & TRIBE_MASK) as u16
    }

    /// Number of living entities.
    pub fn count_alive(&self) -> usize {
        self.tribe_flags
            .iter()
            .filter(|&&f| f & FLAG_ALIVE != 0)
            .count()
    }

    /// Slot `slot`'s whole state.
    pub fn get(&self, slot: u32) -> SlotState {
        let i = slot as usize;
        SlotState {
            slot,
            id: self.id[i],
            tribe_flags: self.tribe_flags[i],
            pos: self.pos[i],
            vel: self.vel[i],
            energy: self.energy[i],
            age: self.age[i],
            genes: self.genes[i],
        }
    }

    /// Writes `s` into its slot.
    pub fn set(&mut self, s: &SlotState) {
        let i = s.slot as usize;
        self.id[i] = s.id;
        self.tribe_flags[i] = s.tribe_flags;
        self.pos[i] = s.pos;
        self.vel[i] = s.vel;
        self.energy[i] = s.energy;
        self.age[i] = s.age;
        self.genes[i] = s.genes;
    }

    /// Frees slot `i`.
    #[inline]
    pub fn kill(&mut self, i: usize) {
        self.tribe_flags[i] &= !FLAG_ALIVE;
    }

    /// A 64-bit FNV-1a hash over every living entity's fields, in slot order
    /// (slot index included). Equal states give equal hashes on every platform.
    /// The species tag in the high bits of `tribe_flags` is left out: it is
    /// bookkeeping the simulation never reads; the species book hashes it
    /// with its own arrays.
    pub fn state_hash(&self) -> u64 {
        let mut h = Fnv::new();
        for i in 0..self.capacity() {
            if !self.alive(i) {
                continue;
            }
            h.word(i as u32);
            h.word(self.id[i]);
            h.word(self.tribe_flags[i] & (TRIBE_MASK | FLAG_ALIVE));
            h.word(self.pos[i][0].to_bits());
            h.word(self.pos[i][1].to_bits());
            h.word(self.vel[i][0].to_bits());
            h.word(self.vel[i][1].to_bits());
            h.word(self.energy[i].to_bits());
            h.word(self.age[i].to_bits());
            for w in self.genes[i] {
                h.word(w);
            }
        }
        h.finish()
    }
}

/// 64-bit FNV-1a over little-endian words.
#[derive(Debug, Clone, Copy)]
pub struct Fnv(u64);

impl Fnv {
    /// A fresh hash.
    pub fn new() -> Self {
        Self(0xcbf2_9ce4_8422_2325)
    }

    /// Feeds one 32-bit word.
    #[inline]
    pub fn word(&mut self, w: u32) {
        for b in w.to_le_bytes() {
            self.0 ^= b as u64;
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    /// The hash so far.
    pub fn finish(self) -> u64 {
        self.0
    }
}

impl Default for Fnv {
    fn default() -> Self {
        Self::new()
    }
}

/// One slot's whole state: the one record of an entity that crosses
/// between the world's arrays and the rest of the crate (spawning, births,
/// the region tasks' copies, the GPU engine's host table, the inspector).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct SlotState {
    /// The entity's slot in the SoA arrays.
    pub slot: u32,
    /// The entity's id (stable, never reused).
    pub id: u32,
    /// Tribe and flags ([`FLAG_ALIVE`] for a living entity).
    pub tribe_flags: u32,
    /// Position in the world (wu).
    pub pos: [f32; 2],
    /// Velocity (wu/s).
    pub vel: [f32; 2],
    /// Energy (e).
    pub energy: f32,
    /// Age (s).
    pub age: f32,
    /// The nine genes as 16-bit codes, packed two to a word.
    pub genes: PackedGenes,
}

impl SlotState {
    /// The entity's tribe (index into the scenario's tribes).
    #[inline]
    pub fn tribe(&self) -> u16 {
        (self.tribe_flags & TRIBE_MASK) as u16
    }

    /// Whether the slot holds a living entity.
    #[inline]
    pub fn alive(&self) -> bool {
        self.tribe_flags & FLAG_ALIVE != 0
    }
}
