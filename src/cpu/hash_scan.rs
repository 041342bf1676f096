//! `hash_scan`: exclusive prefix sum of the per-cell counts.

/// `offsets[c]` = entities in cells before `c`; `offsets[cells]` = total.
pub fn hash_scan(counts: &[u32], offsets: &mut [u32]) {
    let mut sum = 0u32;
    offsets[0] = 0;
    for (c, &n) in counts.iter().enumerate() {
        sum += n;
        offsets[c + 1] = sum;
    }
}
