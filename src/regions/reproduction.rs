//! Reproduction: in ascending parent id, each surviving candidate still above
//! the energy threshold gets a child in the lowest free slot with the next id;
//! when no slot is free the birth is dropped and counted.

use super::Ledger;
use crate::cpu::emit_events::EntityEvent;
use crate::model::entities::Entities;
use crate::model::genes::{Gene, gene, mutate};
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

/// Resolves the reproduction candidates (sorted by id).
pub fn resolve_births(
    p: &SimParams,
    seed: u64,
    tick: u32,
    terrain: &Terrain,
    candidates: &[EntityEvent],
    e: &mut Entities,
    ledger: &mut Ledger,
) {
    for c in candidates {
        let parent = c.slot as usize;
        if ledger.doomed(parent) || e.energy[parent] <= p.energy.repro_threshold {
            continue;
        }
        let tribe = e.tribe(parent);
        let Some(slot) = ledger.free.pop_lowest() else {
            ledger.counters.births_dropped += 1;
            continue;
        };
        let id = ledger.next_id;
        ledger.next_id += 1;
        let genes = mutate(&e.genes[parent], &p.mutation, seed, tick, c.id);
        let pos = birth_position(p, seed, tick, c.id, e.pos[parent], terrain);
        let r = rng4(seed, tick, c.id, stream::BIRTH_POS + BIRTH_ATTEMPTS);
        let speed = 0.3 * gene(&genes, Gene::Speed) * unit(r[2]);
        let vel = [signed_unit(r[0]) * speed, signed_unit(r[1]) * speed];
        let child_energy = e.energy[parent] * p.energy.child_share;
        e.energy[parent] -= child_energy;
        e.set(slot as usize, id, tribe, pos, vel, child_energy, 0.0, genes);
        ledger.counters.birth(tribe);
    }
}
