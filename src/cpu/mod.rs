//! The CPU engine: one module per per-entity pass, each the twin of the WGSL
//! shader of the same name in `shaders/` (DESIGN.md §2). Passes that touch one
//! entity per slot run in parallel on the current rayon pool; each slot is
//! written only by its own work item and reads only last tick's state, so the
//! result does not depend on the number of threads.

pub mod emit_events;
pub mod feed;
pub mod food_regrow;
pub mod hash_count;
pub mod hash_scan;
pub mod hash_scatter;
pub mod integrate;
pub mod neighbors;
pub mod reorder;
pub mod steer;

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

/// Per-tick scratch buffers, allocated once.
#[derive(Debug, Clone, Default)]
pub struct Scratch {
    /// Hash cell of each slot below the live end, or [`NONE`] for a free
    /// slot; once the hash is built and steering has run, each living slot's
    /// rank in `sorted` instead (where `steer_out` holds its result).
    ///
    /// The per-slot scratch starts zeroed (memory the allocator maps on first
    /// write: slots above the live end never cost resident memory); every
    /// pass writes the slots below the live end before it reads them.
    pub cell_of: Vec<u32>,
    /// Where each hash cell's entities start in `sorted` (one more entry
    /// than cells; the counts, before the scan).
    pub offsets: Vec<u32>,
    /// Slots in cell order, ascending id inside each cell.
    pub sorted: Vec<u32>,
    /// Positions in cell order, two words each (read as `[f32; 2]`). Free
    /// once steer is done (the next tick's hash writes them again), so
    /// their words double as feed's food cell of each slot (one word a
    /// slot, [`NONE`] for none) and as the re-sort's word buffer, which runs
    /// before the tick's hash: one array of 8 bytes a slot for all three.
    pub sorted_pos: Vec<u32>,
    /// Steering results in cell order (`steer_out[k]` is slot `sorted[k]`'s).
    pub steer_out: Vec<steer::Steered>,
    /// Behaviour of each slot ([`Mode`] as u8).
    pub mode: Vec<u8>,
    /// Grazers per food cell, counted per grazer.
    pub eaters: feed::Eaters,
}

impl Scratch {
    /// Buffers for `capacity` slots and `hash_cells` hash cells.
    pub fn new(capacity: usize, hash_cells: usize) -> Self {
        Self {
            cell_of: vec![0; capacity],
            offsets: vec![0; hash_cells + 1],
            sorted: vec![0; capacity],
            sorted_pos: vec![0; 2 * capacity],
            steer_out: Vec::with_capacity(capacity),
            mode: vec![0; capacity],
            eaters: feed::Eaters::default(),
        }
    }
}
