//! Reproduction: each region applies the energy gains in its inbox to the
//! entities it owns, then turns its surviving candidates still above the
//! threshold into birth requests; the coordinator gives the requests, in
//! ascending parent id, the lowest free slot and the next id (a birth with no
//! free slot is dropped and counted).

use super::{FATE_NONE, Snap};
use crate::common::events::EntityEvent;
use crate::model::genes::{Gene, PackedGenes, gene, mutate};
use crate::model::grid::wrap;
use crate::model::params::SimParams;
use crate::model::rng::{rng4, signed_unit, stream, unit};
use crate::model::terrain::Terrain;

/// Tries to place a child this far from its parent at most (wu).
pub const BIRTH_RADIUS: f32 = 6.0;
/// Placement attempts before the child is put at its parent's position.
pub const BIRTH_ATTEMPTS: u32 = 8;

/// Where a child of `parent_id` at `pos` is placed: a random point of the
/// birth disk on passable ground, else the parent's own (passable) position.
pub fn birth_position(
    p: &SimParams,
    seed: u64,
    tick: u32,
    parent_id: u32,
    pos: [f32; 2],
    terrain: &Terrain,
) -> [f32; 2] {
    for a in 0..BIRTH_ATTEMPTS {
        let r = rng4(seed, tick, parent_id, stream::BIRTH_POS + a);
        let q = [
            wrap(pos[0] + signed_unit(r[0]) * BIRTH_RADIUS, p.world.width),
            wrap(pos[1] + signed_unit(r[1]) * BIRTH_RADIUS, p.world.height),
        ];
        if terrain.passable(q) {
            return q;
        }
    }
    pos
}

/// What a region's birth task reads.
#[derive(Debug, Clone, Default)]
pub struct BirthInput {
    /// Inbox: energy gains of owned attackers (id, slot, gain), sorted by id.
    pub gains: Vec<(u32, u32, f32)>,
    /// Owned reproduction candidates, sorted by id.
    pub candidates: Vec<EntityEvent>,
    /// Copies of the owned entities named above, sorted by slot.
    pub members: Vec<Snap>,
}

/// A child to be placed by the coordinator.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BirthRequest {
    /// Parent id (requests are served in ascending parent id).
    pub parent_id: u32,
    /// Parent slot.
    pub parent_slot: u32,
    /// The parent's energy once the child is born (e).
    pub parent_energy: f32,
    /// The child's tribe.
    pub tribe: u16,
    /// The child's genes.
    pub genes: PackedGenes,
    /// The child's position, on passable ground.
    pub pos: [f32; 2],
    /// The child's velocity.
    pub vel: [f32; 2],
    /// The child's energy.
    pub energy: f32,
}

/// What a region's birth task decides.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BirthOut {
    /// New energies after the inbox gains (slot, energy).
    pub energy: Vec<(u32, f32)>,
    /// Birth requests, sorted by parent id.
    pub requests: Vec<BirthRequest>,
}

/// Applies a region's inbox and makes its birth requests.
pub fn births_region(
    p: &SimParams,
    seed: u64,
    tick: u32,
    terrain: &Terrain,
    input: &BirthInput,
) -> BirthOut {
    let mut members = input.members.clone();
    let mut out = BirthOut::default();
    let at = |m: &[Snap], slot: u32| {
        m.binary_search_by_key(&slot, |s| s.state.slot)
            .expect("member copied")
    };
    for &(_, slot, g) in &input.gains {
        let k = at(&members, slot);
        if members[k].fate == FATE_NONE {
            members[k].state.energy = (members[k].state.energy + g).min(p.energy.max);
            out.energy.push((slot, members[k].state.energy));
        }
    }
    for c in &input.candidates {
        let k = at(&members, c.slot);
        let parent = &members[k];
        if parent.fate != FATE_NONE || parent.state.energy <= p.energy.repro_threshold {
            continue;
        }
        let genes = mutate(&parent.state.genes, &p.mutation, seed, tick, c.id);
        let pos = birth_position(p, seed, tick, c.id, parent.state.pos, terrain);
        let r = rng4(seed, tick, c.id, stream::BIRTH_POS + BIRTH_ATTEMPTS);
        let speed = 0.3 * gene(&genes, Gene::Speed) * unit(r[2]);
        let vel = [signed_unit(r[0]) * speed, signed_unit(r[1]) * speed];
        let energy = parent.state.energy * p.energy.child_share;
        out.requests.push(BirthRequest {
            parent_id: c.id,
            parent_slot: c.slot,
            parent_energy: parent.state.energy - energy,
            tribe: parent.state.tribe(),
            genes,
            pos,
            vel,
            energy,
        });
    }
    out
}
