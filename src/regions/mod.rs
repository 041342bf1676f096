//! Event resolution and bookkeeping (DESIGN.md §3 step 6): combat, deaths,
//! reproduction, per-tribe counters and gene statistics.
//!
//! Each step is a pure function of the tick's sorted event lists and the
//! state they refer to, in a fixed order, so that splitting the work over
//! region workers (next stage) cannot change the result: combat is resolved
//! per target in ascending target id with attacker gains applied after every
//! target is done; deaths then free their slots into a sorted free list; births
//! take the lowest free slot and the next id in ascending parent id order.

pub mod combat;
pub mod reproduction;
pub mod stats;

use std::collections::BTreeSet;

use crate::cpu::emit_events::{DeathCause, Events};
use crate::model::entities::Entities;
use crate::model::params::SimParams;
use crate::model::terrain::Terrain;
use stats::Counters;

/// The free slots, lowest first: every slot from `high` up is free, and
/// `holes` holds the free slots below it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FreeSlots {
    holes: BTreeSet<u32>,
    high: u32,
    capacity: u32,
}

impl FreeSlots {
    /// Slots `0..used` taken, `used..capacity` free.
    pub fn new(used: u32, capacity: u32) -> Self {
        Self {
            holes: BTreeSet::new(),
            high: used,
            capacity,
        }
    }

    /// Takes the lowest free slot.
    pub fn pop_lowest(&mut self) -> Option<u32> {
        if let Some(h) = self.holes.pop_first() {
            return Some(h);
        }
        (self.high < self.capacity).then(|| {
            self.high += 1;
            self.high - 1
        })
    }

    /// Returns a slot to the free set.
    pub fn release(&mut self, slot: u32) {
        debug_assert!(
            slot < self.high && !self.holes.contains(&slot),
            "slot {slot} released twice"
        );
        self.holes.insert(slot);
    }

    /// One past the highest slot that may hold a living entity.
    pub fn live_end(&self) -> usize {
        self.high as usize
    }

    /// Number of free slots.
    pub fn len(&self) -> usize {
        self.holes.len() + (self.capacity - self.high) as usize
    }

    /// Whether no slot is free.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Per-slot fate during resolution.
pub const FATE_NONE: u8 = 0;

/// What the event resolution owns across ticks: the free slots, the id
/// counter, the counters and per-slot scratch.
#[derive(Debug, Clone)]
pub struct Ledger {
    /// Free slots, lowest reused first.
    pub free: FreeSlots,
    /// The next id to hand out (ids are never reused).
    pub next_id: u32,
    /// Cumulative counters.
    pub counters: Counters,
    /// Per-slot fate this tick: `FATE_NONE` or `1 + DeathCause`.
    fate: Vec<u8>,
}

impl Ledger {
    /// A ledger for `capacity` slots of which the first `initial` are taken by
    /// the spawned population of `tribes` tribes with the given counts.
    pub fn new(capacity: usize, initial: u32, tribe_counts: &[u64]) -> Self {
        Self {
            free: FreeSlots::new(initial, capacity as u32),
            next_id: initial,
            counters: Counters::new(tribe_counts),
            fate: vec![FATE_NONE; capacity],
        }
    }

    /// Resolves one tick's events: combat, deaths, reproduction.
    pub fn resolve(
        &mut self,
        p: &SimParams,
        seed: u64,
        tick: u32,
        terrain: &Terrain,
        ev: &Events,
        e: &mut Entities,
    ) {
        for (d, cause) in &ev.deaths {
            self.fate[d.slot as usize] = 1 + *cause as u8;
        }
        let killed = combat::resolve_combat(p, &ev.attacks, e, &mut self.fate, &mut self.counters);
        // Deaths in ascending id: the precombat deaths and the kills merged.
        let mut dead: Vec<(u32, u32)> = ev.deaths.iter().map(|(d, _)| (d.id, d.slot)).collect();
        dead.extend(killed.iter().map(|&slot| (e.id[slot as usize], slot)));
        dead.sort_unstable();
        for &(_, slot) in &dead {
            let cause = match self.fate[slot as usize] {
                1 => DeathCause::Starved,
                2 => DeathCause::OldAge,
                _ => DeathCause::Killed,
            };
            self.counters.death(e.tribe(slot as usize), cause);
            e.kill(slot as usize);
            self.free.release(slot);
        }
        reproduction::resolve_births(p, seed, tick, terrain, &ev.repro, e, self);
        for &(_, slot) in &dead {
            self.fate[slot as usize] = FATE_NONE;
        }
    }

    /// Whether slot `s` dies this tick (set during resolution).
    #[inline]
    pub fn doomed(&self, s: usize) -> bool {
        self.fate[s] != FATE_NONE
    }
}

#[cfg(test)]
mod tests {
    use super::FreeSlots;

    #[test]
    fn free_slots_hand_out_the_lowest_first() {
        let mut f = FreeSlots::new(3, 6);
        assert_eq!(f.len(), 3);
        f.release(1);
        f.release(0);
        assert_eq!(f.pop_lowest(), Some(0));
        assert_eq!(f.pop_lowest(), Some(1));
        assert_eq!(f.pop_lowest(), Some(3));
        f.release(2);
        assert_eq!(f.pop_lowest(), Some(2));
        assert_eq!(f.pop_lowest(), Some(4));
        assert_eq!(f.pop_lowest(), Some(5));
        assert_eq!(f.pop_lowest(), None);
        assert!(f.is_empty());
    }
}
