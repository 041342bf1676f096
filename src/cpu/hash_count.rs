//! `hash_count`: the hash cell of every living entity and the count per cell.

use rayon::prelude::*;

use crate::common::BusySpan;

use crate::common::{NONE, PAR_MIN_LEN};
use crate::model::entities::FLAG_ALIVE;
use crate::model::grid::Grid;

/// Writes `cell_of[i]` (or [`NONE`] for a free slot) and counts entities per cell.
pub fn hash_count(
    grid: &Grid,
    pos: &[[f32; 2]],
    tribe_flags: &[u32],
    cell_of: &mut [u32],
    counts: &mut [u32],
) {
    cell_of
        .par_iter_mut()
        .with_min_len(PAR_MIN_LEN)
        .enumerate()
        .for_each_init(BusySpan::start, |_, (i, c)| {
            *c = if tribe_flags[i] & FLAG_ALIVE != 0 {
                grid.index(pos[i])
            } else {
                NONE
            };
        });
    counts.fill(0);
    for &c in cell_of.iter() {
        if c != NONE {
            counts[c as usize] += 1;
        }
    }
}
