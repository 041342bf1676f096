//! `hash_scan`: exclusive prefix sum of the per-cell counts, in place.

/// On entry `offsets[c + 1]` holds the count of cell `c` (`hash_count`
/// writes them there, into `offsets[1..]`, so that no separate count array
/// is kept); on return `offsets[c]` = entities in cells before `c` and
/// `offsets[cells]` = total.
pub fn hash_scan(offsets: &mut [u32]) {
    offsets[0] = 0;
    for c in 1..offsets.len() {
        offsets[c] += offsets[c - 1];
    }
}
