//! `reorder`: moves the living entities into slots `0..n` in cell order
//! (ascending id inside a cell), so that every later pass reads memory in
//! nearly spatial order. Run every `hash.reorder_interval` ticks, right after
//! the hash is built; slot numbers change, ids never do.

use crate::common::NONE;
use crate::common::pool::permute;
use crate::model::entities::Entities;

/// Reorders the slots by `sorted` (the living slots in cell order, all below
/// `end`, above which every slot is free); afterwards `sorted[k] == k`,
/// `cell_of` follows the entities and slots from `sorted.len()` up are free.
/// Slots from `end` up are left untouched (memory never written stays
/// unallocated). `buf` is scratch ([`permute`]). Returns the number of
/// living entities.
pub fn reorder(
    e: &mut Entities,
    sorted: &mut [u32],
    cell_of: &mut [u32],
    end: usize,
    buf: &mut Vec<u32>,
) -> u32 {
    let n = sorted.len();
    permute(&mut e.pos, sorted, buf);
    permute(&mut e.vel, sorted, buf);
    permute(&mut e.energy, sorted, buf);
    permute(&mut e.age, sorted, buf);
    permute(&mut e.tribe_flags, sorted, buf);
    permute(&mut e.id, sorted, buf);
    permute(&mut e.genes, sorted, buf);
    permute(cell_of, sorted, buf);
    e.tribe_flags[n..end].fill(0);
    cell_of[n..end].fill(NONE);
    for (k, s) in sorted.iter_mut().enumerate() {
        *s = k as u32;
    }
    n as u32
}
