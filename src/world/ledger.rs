//! The world's own bookkeeping: which slots are free, the next id, the
//! counters per tribe and the species book.

use super::FreeSlots;
use super::stats::Counters;
use crate::species::SpeciesBook;

/// The world's books: the free slots, the id counter, the counters and the
/// species.
#[derive(Debug, Clone)]
pub struct Ledger {
    /// Free slots, lowest reused first.
    pub free: FreeSlots,
    /// The next id to hand out (ids are never reused).
    pub next_id: u32,
    /// Cumulative counters.
    pub counters: Counters,
    /// Species, and each creature's species and parent.
    pub species: SpeciesBook,
}

impl Ledger {
    /// A ledger for `capacity` slots of which the first `initial` are taken by
    /// the spawned population of tribes with the given counts.
    pub fn new(capacity: usize, initial: u32, tribe_counts: &[u64]) -> Self {
        Self {
            free: FreeSlots::new(initial, capacity as u32),
            next_id: initial,
            counters: Counters::new(tribe_counts),
            species: SpeciesBook::empty(super::HISTORY_LIMIT),
        }
    }
}
