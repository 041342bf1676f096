//! `emit_events`: compact lists of attack intents, reproduction candidates and
//! deaths (starved, old age), each sorted by entity id so that the region
//! workers see them in an order that no thread timing can change.

use rayon::prelude::*;

use super::NONE;
use crate::engine::pool::BusySpan;
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
/// Chunks of slots run in parallel; each list is then sorted (its entries
/// are unique: one per entity), so the result does not depend on the
/// chunks.
pub fn emit_events(
    p: &SimParams,
    seed: u64,
    tick: u32,
    e: &Entities,
    end: usize,
    intent: impl Fn(usize) -> u32 + Sync,
    out: &mut Events,
) {
    out.clear();
    let end = end.min(e.capacity());
    let chunks: Vec<Events> = (0..end.div_ceil(CHUNK))
        .into_par_iter()
        .map_init(BusySpan::start, |_, c| {
            let mut ev = Events::default();
            for i in c * CHUNK..((c + 1) * CHUNK).min(end) {
                emit_one(p, seed, tick, e, i, &intent, &mut ev);
            }
            ev
        })
        .collect();
    for c in chunks {
        out.attacks.extend(c.attacks);
        out.repro.extend(c.repro);
        out.deaths.extend(c.deaths);
    }
    out.attacks.sort_unstable();
    out.repro.sort_unstable();
    out.deaths.sort_unstable();
}

/// Slots per parallel work item of [`emit_events`].
const CHUNK: usize = 16_384;

/// The events of slot `i`, if it lives.
#[inline]
fn emit_one(
    p: &SimParams,
    seed: u64,
    tick: u32,
    e: &Entities,
    i: usize,
    intent: &impl Fn(usize) -> u32,
    out: &mut Events,
) {
    if e.tribe_flags[i] & FLAG_ALIVE == 0 {
        return;
    }
    let id = e.id[i];
    let g = &e.genes[i];
    let me = EntityEvent { id, slot: i as u32 };
    if e.energy[i] <= 0.0 {
        out.deaths.push((me, DeathCause::Starved));
        return;
    }
    if e.age[i] > p.energy.lifespan_of(gene(g, Gene::Metabolism)) {
        out.deaths.push((me, DeathCause::OldAge));
        return;
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
        && unit(rng(seed, tick, id, stream::REPRODUCE)) < gene(g, Gene::ReproChance) * p.world.dt
    {
        out.repro.push(me);
    }
}
