//! `hash_scatter`: slots in cell order, ascending id inside each cell.

use rayon::prelude::*;

use crate::common::BusySpan;

use crate::common::NONE;

/// Scatters slots into `sorted` at their cell's offset, then orders each cell
/// by id and gathers the positions in that order into `sorted_pos`.
/// `offsets` serves as the cursors (each cell's ends at the next cell's
/// start) and is restored before it returns.
pub fn hash_scatter(
    cell_of: &[u32],
    offsets: &mut [u32],
    id: &[u32],
    pos: &[[f32; 2]],
    sorted: &mut [u32],
    sorted_pos: &mut [[f32; 2]],
) {
    let cells = offsets.len() - 1;
    for (i, &c) in cell_of.iter().enumerate() {
        if c != NONE {
            let at = &mut offsets[c as usize];
            sorted[*at as usize] = i as u32;
            *at += 1;
        }
    }
    // Each cursor stopped at the next cell's start: shift them back.
    offsets.copy_within(0..cells, 1);
    offsets[0] = 0;
    let offsets = &*offsets;
    let total = offsets[cells] as usize;
    // Cells are disjoint ranges of `sorted`: order each one by id, in parallel
    // over chunks of whole cells.
    let mut rest = &mut sorted[..total];
    let mut chunks = Vec::new();
    let mut start = 0usize;
    let step = cells.div_ceil(64).max(1);
    let mut c = 0;
    while c < cells {
        let end_cell = (c + step).min(cells);
        let end = offsets[end_cell] as usize;
        let (head, tail) = rest.split_at_mut(end - start);
        chunks.push((c, end_cell, start, head));
        rest = tail;
        start = end;
        c = end_cell;
    }
    chunks
        .into_par_iter()
        .for_each_init(BusySpan::start, |_, (c0, c1, base, slice)| {
            for c in c0..c1 {
                let (a, b) = (offsets[c] as usize - base, offsets[c + 1] as usize - base);
                if b - a > 1 {
                    slice[a..b].sort_unstable_by_key(|&s| id[s as usize]);
                }
            }
        });
    gather(pos, &sorted[..total], sorted_pos);
}

/// Gathers `pos` into cell order: `sorted_pos[k] = pos[sorted[k]]`.
fn gather(pos: &[[f32; 2]], sorted: &[u32], sorted_pos: &mut [[f32; 2]]) {
    sorted_pos[..sorted.len()]
        .par_iter_mut()
        .zip(sorted.par_iter())
        .with_min_len(4096)
        .for_each_init(BusySpan::start, |_, (q, &s)| *q = pos[s as usize]);
}
