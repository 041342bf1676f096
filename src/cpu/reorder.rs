//! `reorder`: moves the living entities into slots `0..n` in cell order
//! (ascending id inside a cell), so that every later pass reads memory in
//! nearly spatial order. Run every `hash.reorder_interval` ticks, right after
//! the hash is built; slot numbers change, ids never do.

use rayon::prelude::*;

use crate::engine::pool::BusySpan;

use super::{NONE, PAR_MIN_LEN};
use crate::model::entities::Entities;

/// Moves `v[order[k]]` to `v[k]` for every `k < order.len()`, one 32-bit
/// word of the elements at a time through `buf` (grown to `order.len()`
/// words when shorter), so that a re-sort allocates nothing: the engine
/// lends a per-slot scratch array that is free at that point. Elements are
/// whole words (positions, genomes, counters).
pub fn permute<T: bytemuck::Pod + Send + Sync>(v: &mut [T], order: &[u32], buf: &mut Vec<u32>) {
    const { assert!(size_of::<T>().is_multiple_of(4) && align_of::<T>() >= 4) };
    let (n, w) = (order.len(), size_of::<T>() / 4);
    if buf.len() < n {
        buf.resize(n, 0);
    }
    let buf = &mut buf[..n];
    for plane in 0..w {
        let words: &[u32] = bytemuck::cast_slice(v);
        buf.par_iter_mut()
            .zip(order.par_iter())
            .with_min_len(PAR_MIN_LEN)
            .for_each_init(BusySpan::start, |_, (b, &s)| {
                *b = words[s as usize * w + plane]
            });
        let words: &mut [u32] = bytemuck::cast_slice_mut(v);
        words[..n * w]
            .par_chunks_mut(w)
            .zip(buf.par_iter())
            .with_min_len(PAR_MIN_LEN)
            .for_each_init(BusySpan::start, |_, (e, &b)| e[plane] = b);
    }
}

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
