//! The words every layer shares: the event lists, the "none" index, the
//! behaviour modes and the intent word, the list of passes with their timers,
//! and the work pool the parallel loops and the region tasks run on.
//!
//! This module imports nothing else from the crate: everything above builds
//! on it.

pub mod events;
pub mod pass;
pub mod pool;

pub use events::{Attack, DeathCause, EntityEvent, Events};
pub use pass::{Pass, Timings};
pub use pool::{BusySpan, PoolError, WorkPool};

/// Marks "no cell", "no target" or "not eating" in per-slot index arrays.
pub const NONE: u32 = u32::MAX;

/// The intent word of a slot that attacks nobody (`INTENT_NONE`): all ones
/// in the low 30 bits.
pub const INTENT_NONE: u32 = 0x3fff_ffff;

/// Packs an attack target (a slot, or [`NONE`]) and a behaviour code into
/// the per-slot intent word: the target in the low 30 bits, the behaviour in
/// the top two (capacities stay below 2^27).
#[inline]
pub fn pack_intent(intent: u32, mode: u32) -> u32 {
    let t = if intent == NONE {
        INTENT_NONE
    } else {
        intent & INTENT_NONE
    };
    (mode << 30) | t
}

/// The attack target (a slot, or [`NONE`]) and the behaviour code of an
/// intent word made by [`pack_intent`].
#[inline]
pub fn unpack_intent(word: u32) -> (u32, u32) {
    let t = word & INTENT_NONE;
    let target = if t == INTENT_NONE { NONE } else { t };
    (target, word >> 30)
}

/// Minimum slots per parallel work item.
pub const PAR_MIN_LEN: usize = 2048;

/// What an entity did this tick (for the inspector and statistics).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Mode {
    /// Nothing in particular.
    Wander = 0,
    /// Steering to food or grazing.
    Graze = 1,
    /// Pursuing prey.
    Hunt = 2,
    /// Fleeing from a hunter.
    Flee = 3,
}
