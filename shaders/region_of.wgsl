// region_of: the region that owns each living entity (the one its position
// lies in), the population per region and the migrations into each region
// since the previous owners (which `owner` holds until this pass replaces
// them: no second array). Twin of RegionGrid::region_of and
// Regions::assign_owners in src/regions/. Counts must be zeroed first.
// Its bindings are declared in src/gpu/region_of.rs, the shared structs and
// constants in src/gpu/layout.rs.

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
    let i = flat_index(gid, nwg);
    if i >= u.n {
        return;
    }
    if (tribe_flags[i] & FLAG_ALIVE) == 0u {
        owner[i] = NONE;
        return;
    }
    let p = pos[i];
    // Boundaries at or left of the position (partition_point over xs[1..cols]).
    var c = 0u;
    for (var k = 1u; k < u.cols; k = k + 1u) {
        if xs[k] <= p.x {
            c = c + 1u;
        }
    }
    var r = 0u;
    for (var k = 1u; k < u.rows; k = k + 1u) {
        if ys[k] <= p.y {
            r = r + 1u;
        }
    }
    let reg = r * u.cols + c;
    // Last tick's owner (NONE for a newborn: the write-back sets it).
    let prev = owner[i];
    owner[i] = reg;
    atomicAdd(&population[reg], 1u);
    if u.forget == 0u && prev != NONE && prev != reg {
        atomicAdd(&migrations[reg], 1u);
    }
    // On rebalance ticks: the living per region and position bin, along x
    // (the first regions × bins counters) and along y (twin of the bins of
    // RegionGrid::rebalance_binned).
    if u.bins > 0u {
        let regions = u.rows * u.cols;
        let bx = min(u32(max(p.x, 0.0) / xs[u.cols] * f32(u.bins)), u.bins - 1u);
        let by = min(u32(max(p.y, 0.0) / ys[u.rows] * f32(u.bins)), u.bins - 1u);
        atomicAdd(&region_hist[reg * u.bins + bx], 1u);
        atomicAdd(&region_hist[(regions + reg) * u.bins + by], 1u);
    }
}
