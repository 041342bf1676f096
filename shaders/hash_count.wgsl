// hash_count: the hash cell of every living entity and the count per cell
// (integer atomics: the counts do not depend on order), and each slot's
// arrival rank in its cell (the count its atomic add found: depends on
// timing, used only to drop the slot into its cell's range, which
// hash_scatter's `rank` then orders by id). Twin of src/cpu/hash_count.rs.
// `offsets` (the counts, until scanned) must be zeroed before the dispatch.
// Its bindings are declared in src/gpu/hash_count.rs, the shared structs and
// constants in src/gpu/layout.rs.

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
    let i = flat_index(gid, nwg);
    if i >= u.n {
        return;
    }
    if (tribe_flags[i] & FLAG_ALIVE) == 0u {
        cell_of[i] = NONE;
        return;
    }
    let c = cell_index(u, pos[i]);
    cell_of[i] = c;
    arrival[i] = atomicAdd(&offsets[c], 1u);
}
