//! `reorder`: moves the living entities into slots `0..n` in cell order
//! (ascending id inside a cell), so that every later pass reads memory in
//! nearly spatial order. Run every `hash.reorder_interval` ticks, right after
//! the hash is built; slot numbers change, ids never do.

use rayon::prelude::*;

use crate::engine::pool::BusySpan;

use super::NONE;
use crate::model::entities::Entities;

fn permute<T: Copy + Send + Sync>(v: &mut [T], order: &[u32]) {
    let old: Vec<T> = order
        .par_iter()
        .map_init(BusySpan::start, |_, &s| v[s as usize])
        .collect();
    v[..old.len()].copy_from_slice(&old);
}

/// Reorders the slots by `sorted` (the living slots in cell order, all below
/// `end`, above which every slot is free); afterwards `sorted[k] == k`,
/// `cell_of` follows the entities and slots from `sorted.len()` up are free.
/// Slots from `end` up are left untouched (memory never written stays
/// unallocated). Returns the number of living entities.
pub fn reorder(e: &mut Entities, sorted: &mut [u32], cell_of: &mut [u32], end: usize) -> u32 {
    let n = sorted.len();
    permute(&mut e.pos, sorted);
    permute(&mut e.vel, sorted);
    permute(&mut e.energy, sorted);
    permute(&mut e.age, sorted);
    permute(&mut e.tribe_flags, sorted);
    permute(&mut e.id, sorted);
    permute(&mut e.genes, sorted);
    permute(cell_of, sorted);
    e.tribe_flags[n..end].fill(0);
    cell_of[n..end].fill(NONE);
    for (k, s) in sorted.iter_mut().enumerate() {
        *s = k as u32;
    }
    n as u32
}
