//! The one-tick lag between emitting events and their effects, the same in
//! both engines (ARCHITECTURE.md, Events one tick late).
//!
//! The events a tick's passes emit are resolved by the region workers at the
//! start of the next tick, against the state then, and what the resolution
//! changes takes effect at the end of that tick's passes:
//!
//! ```text
//! tick t:  resolve E(t-1) → effects R(t-1) held │ passes → E(t) │ apply R(t-1)
//! ```
//!
//! So the GPU can compute tick t's passes while the CPU resolves tick t−1's
//! events, and the CPU engine does exactly the same in sequence. A tick that
//! re-sorts the slots (`hash.reorder_interval`) does so first, before the
//! resolution, and renumbers the slots the pending events name
//! ([`renumber_events`]): slot numbers change, the world does not.
//!
//! The region workers change the state in place ([`Regions::resolve`]);
//! [`resolve_deferred`] keeps what they changed as [`Effects`] and puts the
//! state back as it was, for the passes to run on. Events that name an
//! entity which has died since (or whose slot holds another one by now) are
//! dropped first ([`drop_stale`]).

use super::{Regions, Resolution};
use crate::common::events::Events;
use crate::model::entities::{Entities, FLAG_ALIVE, SlotState};

/// What resolving one tick's events changed, held until it takes effect.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Effects {
    /// Entities that lived before the resolution, ascending slot: (slot,
    /// energy change, tribe and flags after — without [`FLAG_ALIVE`] when it
    /// died).
    pub changed: Vec<(u32, f32, u32)>,
    /// The newborn, ascending slot: every field (a slot may also appear in
    /// `changed`, when its entity died and a child took the slot).
    pub born: Vec<SlotState>,
}

impl Effects {
    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        self.changed.is_empty() && self.born.is_empty()
    }

    /// Applies the effects to `e`: energy changes added (never above
    /// `energy_max`: the passes may have fed the creature since), the dead
    /// killed, then the newborn written.
    pub fn apply(&self, e: &mut Entities, energy_max: f32) {
        for &(slot, de, flags) in &self.changed {
            let i = slot as usize;
            if flags & FLAG_ALIVE == 0 {
                e.kill(i);
            } else {
                e.energy[i] = (e.energy[i] + de).min(energy_max);
                e.tribe_flags[i] = flags;
            }
        }
        for b in &self.born {
            e.set(b);
        }
    }
}

/// Renumbers the slots `ev` names after a re-sort of the slots: `order`
/// holds the old slot of each new slot `0..order.len()` (the living in cell
/// order). A slot that held no living entity maps past every slot, so that
/// [`drop_stale`] drops its events.
pub fn renumber_events(ev: &mut Events, order: &[u32]) {
    let named = named_slots(ev);
    let mut new = vec![u32::MAX; named.len()];
    for (k, old) in order.iter().enumerate() {
        if let Ok(j) = named.binary_search(old) {
            new[j] = k as u32;
        }
    }
    let map = |s: &mut u32| *s = new[named.binary_search(s).expect("a named slot")];
    for a in &mut ev.attacks {
        map(&mut a.target);
        map(&mut a.attacker);
    }
    ev.repro.iter_mut().for_each(|c| map(&mut c.slot));
    ev.deaths.iter_mut().for_each(|(d, _)| map(&mut d.slot));
}

/// The slots `ev` names, ascending, each once.
pub fn named_slots(ev: &Events) -> Vec<u32> {
    let mut slots: Vec<u32> = ev
        .attacks
        .iter()
        .flat_map(|a| [a.target, a.attacker])
        .chain(ev.repro.iter().map(|c| c.slot))
        .chain(ev.deaths.iter().map(|(d, _)| d.slot))
        .collect();
    slots.sort_unstable();
    slots.dedup();
    slots
}

/// Drops the events that name an entity no longer in its slot (dead, or the
/// slot taken by another since the events were emitted).
pub fn drop_stale(ev: &mut Events, e: &Entities) {
    let here = |slot: u32, id: u32| {
        let i = slot as usize;
        i < e.capacity() && e.alive(i) && e.id[i] == id
    };
    ev.attacks
        .retain(|a| here(a.target, a.target_id) && here(a.attacker, a.attacker_id));
    ev.repro.retain(|c| here(c.slot, c.id));
    ev.deaths.retain(|(d, _)| here(d.slot, d.id));
}

/// Resolves `ev` (emitted at `r.tick`) on `r.entities` through the region workers and
/// returns what changed, leaving the entities as they were (the ledger and the regions'
/// bookkeeping do change: slots, ids and counters are taken at once). Drops
/// stale events first.
pub fn resolve_deferred(regions: &mut Regions, mut r: Resolution<'_>, ev: &mut Events) -> Effects {
    drop_stale(ev, r.entities);
    let slots = named_slots(ev);
    let before: Vec<SlotState> = slots.iter().map(|&s| r.entities.get(s)).collect();
    regions.resolve(&mut r, ev);
    let e = r.entities;
    let mut born: Vec<u32> = regions.births().to_vec();
    born.sort_unstable();
    let effects = Effects {
        changed: before
            .iter()
            .filter_map(|b| {
                let i = b.slot as usize;
                if !e.alive(i) || e.id[i] != b.id {
                    Some((b.slot, 0.0, b.tribe_flags & !FLAG_ALIVE))
                } else {
                    let de = e.energy[i] - b.energy;
                    // Named by an event that changed nothing for it.
                    (de != 0.0 || e.tribe_flags[i] != b.tribe_flags).then_some((
                        b.slot,
                        de,
                        e.tribe_flags[i],
                    ))
                }
            })
            .collect(),
        born: born.iter().map(|&s| e.get(s)).collect(),
    };
    // Back to the state before: the newborn's slots free again, the
    // participants as they were.
    for &s in &born {
        e.kill(s as usize);
    }
    for b in &before {
        e.set(b);
    }
    effects
}
