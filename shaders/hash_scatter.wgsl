// hash_scatter: slots in cell order with ascending id inside each cell.
// `scatter` places each living slot in its cell's range at the arrival rank
// hash_count's atomic count gave it (order inside the cell depends on
// timing); `rank` then puts each slot at
// its cell's offset plus the number of cell mates with a smaller id, which
// is the same on every run and equals the CPU's order. Twin of
// src/cpu/hash_scatter.rs.
// Its bindings are declared in src/gpu/hash_scatter.rs, the shared structs and
// constants in src/gpu/layout.rs.

@compute @workgroup_size(256)
fn scatter(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
    let i = flat_index(gid, nwg);
    if i >= u.n {
        return;
    }
    let c = cell_of[i];
    if c == NONE {
        return;
    }
    unsorted[offsets[c] + arrival[i]] = i;
}

@compute @workgroup_size(256)
fn rank(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
    let i = flat_index(gid, nwg);
    if i >= u.n {
        return;
    }
    let c = cell_of[i];
    if c == NONE {
        return;
    }
    let a = offsets[c];
    let b = offsets[c + 1u];
    let me = ids[i];
    var r = 0u;
    for (var k = a; k < b; k = k + 1u) {
        if ids[unsorted_in[k]] < me {
            r = r + 1u;
        }
    }
    sorted[a + r] = i;
    sorted_pos[a + r] = pos[i];
}
