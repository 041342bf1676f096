//! The region that owns each slot, kept so that slots never used cost no
//! resident memory.
//!
//! A slot's owner is stored as `region + 1`, so that zeroed memory reads as
//! "no owner" ([`NONE`]): the array is allocated zeroed for the whole
//! capacity (the allocator maps its pages on first write) and only the slots
//! below the highest one ever written are cleared. Filling the array with
//! [`NONE`] itself would make all of it resident (16 MB per array at 1M
//! entities' 4M slots).

use rayon::prelude::*;

use super::grid::RegionGrid;
use crate::common::BusySpan;
use crate::common::NONE;
use crate::model::entities::Entities;

/// Slots per parallel work item of [`Owners::assign`].
const CHUNK: usize = 4096;

/// What [`Owners::assign`] counts for a region.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Census {
    /// Living entities it owns.
    pub population: u64,
    /// Living entities whose owner changed to it from another region.
    pub migrations_in: u64,
}

pub use crate::model::params::MAX_REGIONS;

/// Owner per slot ([`NONE`] for a free slot).
#[derive(Debug, Clone, Default)]
pub struct Owners {
    /// `region + 1` per slot, 0 for none (two bytes a slot: at most
    /// [`MAX_REGIONS`] regions).
    code: Vec<u16>,
    /// Every slot from here up holds 0.
    used: usize,
}

impl Owners {
    /// No owner for each of `capacity` slots.
    pub fn new(capacity: usize) -> Self {
        Self {
            code: vec![0; capacity],
            used: 0,
        }
    }

    /// The owner of slot `s`, or [`NONE`].
    #[inline]
    pub fn get(&self, s: usize) -> u32 {
        (self.code[s] as u32).wrapping_sub(1)
    }

    /// Sets the owner of slot `s` ([`NONE`]: none).
    #[inline]
    pub fn set(&mut self, s: usize, region: u32) {
        debug_assert!(region == NONE || region < MAX_REGIONS, "region {region}");
        self.code[s] = region.wrapping_add(1) as u16;
        if region != NONE {
            self.used = self.used.max(s + 1);
        }
    }

    /// Forgets every owner.
    pub fn clear(&mut self) {
        self.code[..self.used].fill(0);
        self.used = 0;
    }

    /// Moves the owners with the slots after a re-sort: `order` holds the
    /// old slot of each new slot `0..order.len()`; slots above have none.
    pub fn renumber(&mut self, order: &[u32], buf: &mut Vec<u32>) {
        let n = order.len();
        if buf.len() < n {
            buf.resize(n, 0);
        }
        let buf = &mut buf[..n];
        for (b, &old) in buf.iter_mut().zip(order) {
            *b = self.code[old as usize] as u32;
        }
        for (c, &b) in self.code.iter_mut().zip(buf.iter()) {
            *c = b as u16;
        }
        // Slots from `n` up to the highest ever written are free now.
        let used = self.used.max(n);
        self.code[n..used].fill(0);
        self.used = n;
    }

    /// Sets the owner of every slot below `end` from its position (living
    /// slots) or to none (free ones, and every slot from `end` up), and
    /// returns per region the living it owns and the living whose owner
    /// changed to it from another region.
    pub fn assign(&mut self, grid: &RegionGrid, end: usize, e: &Entities) -> Vec<Census> {
        let regions = grid.len();
        let new_counts = || vec![Census::default(); regions];
        let counts = self.code[..end]
            .par_chunks_mut(CHUNK)
            .enumerate()
            .fold(
                || (BusySpan::start(), new_counts()),
                |(busy, mut n), (c, chunk)| {
                    for (k, code) in chunk.iter_mut().enumerate() {
                        let i = c * CHUNK + k;
                        let old = (*code as u32).wrapping_sub(1);
                        let new = if e.alive(i) {
                            grid.region_of(e.pos[i])
                        } else {
                            NONE
                        };
                        if new != NONE {
                            let r = &mut n[new as usize];
                            r.population += 1;
                            r.migrations_in += (old != NONE && old != new) as u64;
                        }
                        *code = new.wrapping_add(1) as u16;
                    }
                    (busy, n)
                },
            )
            .map(|(_, n)| n)
            .reduce(new_counts, |mut a, b| {
                for (x, y) in a.iter_mut().zip(b) {
                    x.population += y.population;
                    x.migrations_in += y.migrations_in;
                }
                a
            });
        // As if every slot from `end` up had been assigned: free.
        if self.used > end {
            self.code[end..self.used].fill(0);
        }
        self.used = end;
        counts
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zeroed_memory_reads_as_no_owner_and_clear_forgets() {
        let mut o = Owners::new(10);
        assert!((0..10).all(|s| o.get(s) == NONE));
        o.set(3, 0);
        o.set(7, 2);
        assert_eq!((o.get(3), o.get(7), o.get(4)), (0, 2, NONE));
        o.renumber(&[7, 3], &mut Vec::new());
        assert_eq!((o.get(0), o.get(1), o.get(3), o.get(7)), (2, 0, NONE, NONE));
        o.clear();
        assert!((0..10).all(|s| o.get(s) == NONE));
    }
}
