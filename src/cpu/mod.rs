//! The CPU engine ([`CpuEngine`]): one module per per-entity pass, each the
//! twin of the WGSL shader of the same name in `shaders/`. Passes that touch one
//! entity per slot run in parallel on the current rayon pool; each slot is
//! written only by its own work item and reads only last tick's state, so the
//! result does not depend on the number of threads.

pub mod emit_events;
pub mod engine;
pub mod feed;
pub mod food_regrow;
pub mod hash_count;
pub mod hash_scan;
pub mod hash_scatter;
pub mod integrate;
pub mod neighbors;
pub mod reorder;
pub mod steer;

pub use engine::CpuEngine;

/// Per-tick scratch buffers, allocated once.
#[derive(Debug, Clone, Default)]
pub struct Scratch {
    /// Hash cell of each slot below the live end, or [`NONE`](crate::common::NONE) for a free
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
    /// slot, [`NONE`](crate::common::NONE) for none) and as the re-sort's word buffer, which runs
    /// before the tick's hash: one array of 8 bytes a slot for all three.
    pub sorted_pos: Vec<u32>,
    /// Steering results in cell order (`steer_out[k]` is slot `sorted[k]`'s).
    pub steer_out: Vec<steer::Steered>,
    /// Behaviour of each slot ([`Mode`](crate::common::Mode) as u8).
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
