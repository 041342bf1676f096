//! `emit_events`: compact lists of attack intents, reproduction candidates and
//! deaths (starved, old age), each sorted by entity id so that the region
//! workers see them in an order that no thread timing can change.

use rayon::prelude::*;

use crate::common::BusySpan;
use crate::common::NONE;
use crate::common::events::{Attack, DeathCause, EntityEvent, Events};
use crate::model::entities::{Entities, FLAG_ALIVE};
use crate::model::genes::{Gene, gene};
use crate::model::params::SimParams;
use crate::model::rng::{rng, stream, unit};

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
