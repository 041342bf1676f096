// write_back: applies the region workers' results to the GPU-resident state:
// one record per changed slot, sorted by slot (consecutive slots lie next to
// each other, so runs of changed slots are contiguous reads and writes).
// Every record sets energy, flags and owner (kills, combat, inbox gains,
// parents' costs); a `full` record (a child in a reused or new slot) sets
// every field.
// Its bindings are declared in src/gpu/write_back.rs, the shared structs and
// constants in src/gpu/layout.rs.

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
    let k = flat_index(gid, nwg);
    if k >= u.n {
        return;
    }
    let r = records[k];
    let s = r.slot;
    energy[s] = r.energy;
    tribe_flags[s] = r.tribe_flags;
    owner[s] = r.owner;
    if r.full != 0u {
        pos[s] = r.pos;
        vel[s] = r.vel;
        age[s] = r.age;
        ids[s] = r.id;
        store_genes(s, Genome(r.genes));
    }
}
