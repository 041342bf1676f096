//! `emit_events`: compact lists of attack intents, reproduction candidates and
//! deaths (starved, old age), each sorted by entity id so that the region
//! workers see them in an order that no thread timing can change.

use super::NONE;
use crate::model::entities::{Entities, FLAG_ALIVE};
use crate::model::genes::{Gene, gene};
use crate::model::params::SimParams;
use crate::model::rng::{rng, stream, unit};

/// Why an entity died.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
pub enum DeathCause {
    /// Energy reached zero.
    Starved = 0,
    /// Older than its lifespan.
    OldAge = 1,
    /// Killed in combat.
    Killed = 2,
}

/// An attack intent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Attack {
    /// Target id (first: attacks are grouped by target).
    pub target_id: u32,
    /// Attacker id.
    pub attacker_id: u32,
    /// Target slot.
    pub target: u32,
    /// Attacker slot.
    pub attacker: u32,
}

/// An entity event (reproduction candidate or death).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EntityEvent {
    /// Entity id (first: events sort by id).
    pub id: u32,
    /// Slot.
    pub slot: u32,
}

/// The events of one tick.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Events {
    /// Attacks, sorted by (target id, attacker id).
    pub attacks: Vec<Attack>,
    /// Reproduction candidates, sorted by id.
    pub repro: Vec<EntityEvent>,
    /// Deaths by starvation or age, sorted by id, with their cause.
    pub deaths: Vec<(EntityEvent, DeathCause)>,
}

impl Events {
    /// Empties the lists, keeping their allocations.
    pub fn clear(&mut self) {
        self.attacks.clear();
        self.repro.clear();
        self.deaths.clear();
    }
}

/// Emits this tick's events from the integrated state and the steering
/// intents (`intent(slot)`: the attack target of a living slot, or
/// [`NONE`]), for the slots below `end` (every slot from there up is free).
pub fn emit_events(
    p: &SimParams,
    seed: u64,
    tick: u32,
    e: &Entities,
    end: usize,
    intent: impl Fn(usize) -> u32,
    out: &mut Events,
) {
    out.clear();
    let dt = p.world.dt;
    for i in 0..end.min(e.capacity()) {
        if e.tribe_flags[i] & FLAG_ALIVE == 0 {
            continue;
        }
        let id = e.id[i];
        let g = &e.genes[i];
        let me = EntityEvent { id, slot: i as u32 };
        if e.energy[i] <= 0.0 {
            out.deaths.push((me, DeathCause::Starved));
            continue;
        }
        if e.age[i] > p.energy.lifespan_of(gene(g, Gene::Metabolism)) {
            out.deaths.push((me, DeathCause::OldAge));
            continue;
        }
        let t = intent(i);
        if t != NONE {
            out.attacks.push(Attack {
                target_id: e.id[t as usize],
                attacker_id: id,
                target: t,
                attacker: i as u32,
            });
        }
        if e.energy[i] > p.energy.repro_threshold
            && e.age[i] > p.energy.maturity
            && unit(rng(seed, tick, id, stream::REPRODUCE)) < gene(g, Gene::ReproChance) * dt
        {
            out.repro.push(me);
        }
    }
    out.attacks.sort_unstable();
    out.repro.sort_unstable();
    out.deaths.sort_unstable();
}
