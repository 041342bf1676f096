//! The free entity slots, handed out lowest first so that slot numbers stay
//! dense and every run fills the same slots.

use std::collections::BTreeSet;

/// The free slots, lowest first: every slot from `high` up is free, and
/// `holes` holds the free slots below it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FreeSlots {
    holes: BTreeSet<u32>,
    high: u32,
    capacity: u32,
}

impl FreeSlots {
    /// Slots `0..used` taken, `used..capacity` free.
    pub fn new(used: u32, capacity: u32) -> Self {
        Self {
            holes: BTreeSet::new(),
            high: used,
            capacity,
        }
    }

    /// Takes the lowest free slot.
    pub fn pop_lowest(&mut self) -> Option<u32> {
        if let Some(h) = self.holes.pop_first() {
            return Some(h);
        }
        (self.high < self.capacity).then(|| {
            self.high += 1;
            self.high - 1
        })
    }

    /// Returns a slot to the free set.
    pub fn release(&mut self, slot: u32) {
        debug_assert!(
            slot < self.high && !self.holes.contains(&slot),
            "slot {slot} released twice"
        );
        self.holes.insert(slot);
    }

    /// The free slots below [`Self::live_end`], ascending.
    pub fn holes(&self) -> impl Iterator<Item = u32> + '_ {
        self.holes.iter().copied()
    }

    /// Total slots.
    pub fn capacity(&self) -> u32 {
        self.capacity
    }

    /// The free set with these holes below `high` (every slot from `high` up
    /// free); `None` unless `high <= capacity` and every hole is below
    /// `high`, without repeats.
    pub fn from_parts(holes: &[u32], high: u32, capacity: u32) -> Option<Self> {
        if high > capacity || holes.iter().any(|&h| h >= high) {
            return None;
        }
        let set: BTreeSet<u32> = holes.iter().copied().collect();
        (set.len() == holes.len()).then_some(Self {
            holes: set,
            high,
            capacity,
        })
    }

    /// One past the highest slot that may hold a living entity.
    pub fn live_end(&self) -> usize {
        self.high as usize
    }

    /// Number of free slots.
    pub fn len(&self) -> usize {
        self.holes.len() + (self.capacity - self.high) as usize
    }

    /// Whether no slot is free.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::FreeSlots;

    #[test]
    fn free_slots_hand_out_the_lowest_first() {
        let mut f = FreeSlots::new(3, 6);
        assert_eq!(f.len(), 3);
        f.release(1);
        f.release(0);
        assert_eq!(f.pop_lowest(), Some(0));
        assert_eq!(f.pop_lowest(), Some(1));
        assert_eq!(f.pop_lowest(), Some(3));
        f.release(2);
        assert_eq!(f.pop_lowest(), Some(2));
        assert_eq!(f.pop_lowest(), Some(4));
        assert_eq!(f.pop_lowest(), Some(5));
        assert_eq!(f.pop_lowest(), None);
        assert!(f.is_empty());
    }
}
