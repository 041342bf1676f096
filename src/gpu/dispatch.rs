//! Workgroup counts for one invocation per item, in workgroups of 256, spread
//! over x and y when x alone would exceed 65,535 (the shaders' `flat_index`).

/// Invocations per workgroup of the per-item passes.
pub const WORKGROUP: u32 = 256;
/// Largest workgroup count along one dimension.
pub const MAX_GROUPS: u32 = 65_535;

/// `(x, y)` workgroups covering `items` invocations.
pub fn groups(items: u32) -> (u32, u32) {
    let g = items.div_ceil(WORKGROUP);
    if g <= MAX_GROUPS {
        (g, 1)
    } else {
        (MAX_GROUPS, g.div_ceil(MAX_GROUPS))
    }
}
