// gather: `gather_info` copies what steer reads of each living entity into
// cell order (what cpu::steer::NeighborInfo::of reads in place on the CPU);
// `reset_slots` clears the per-slot intent words first (on the CPU,
// integrate gives free slots no result), then `gather_info` puts each living
// slot's id in its intent word, where steer reads it before writing the
// intent (so steer need not bind `ids`).
// Its bindings are declared in src/gpu/gather.rs, the shared structs and
// constants in src/gpu/layout.rs.

@compute @workgroup_size(256)
fn reset_slots(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
    let i = flat_index(gid, nwg);
    if i >= u.capacity {
        return;
    }
    steer_out[i] = pack_intent(NONE, 0u);
}

@compute @workgroup_size(256)
fn gather_info(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
    let k = flat_index(gid, nwg);
    if k >= u.n {
        return;
    }
    let s = sorted[k];
    let diet_tribe = (gene_code(load_genes(s), GENE_DIET) << 16u) | (tribe_flags[s] & 0xffffu);
    info[k] = GpuInfo(vel[s], energy[s], diet_tribe);
    steer_out[s] = ids[s];
}
