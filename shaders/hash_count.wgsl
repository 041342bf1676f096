// hash_count: the hash cell of every living entity and the count per cell
// (integer atomics: the counts do not depend on order). Twin of
// src/cpu/hash_count.rs. `counts` must be zeroed before the dispatch.

@group(0) @binding(0) var<uniform> grid: GridUniform;
@group(0) @binding(1) var<storage, read> pos: array<vec2<f32>>;
@group(0) @binding(2) var<storage, read> tribe_flags: array<u32>;
@group(0) @binding(3) var<storage, read_write> cell_of: array<u32>;
@group(0) @binding(4) var<storage, read_write> counts: array<atomic<u32>>;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
    let i = flat_index(gid, nwg);
    if i >= grid.n {
        return;
    }
    if (tribe_flags[i] & FLAG_ALIVE) == 0u {
        cell_of[i] = NONE;
        return;
    }
    let c = cell_index(grid, pos[i]);
    cell_of[i] = c;
    atomicAdd(&counts[c], 1u);
}
