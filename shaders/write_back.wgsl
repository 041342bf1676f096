// write_back: applies the effects of the region workers' resolution to the
// GPU-resident state, one tick after the events (src/regions/lag.rs): one
// record per changed slot, sorted by slot (consecutive slots lie next to each
// other, so runs of changed slots are contiguous reads and writes). A partial
// record (kills, combat, inbox gains, parents' costs) adds its energy change
// to the energy the last passes left (never above energy_max) and sets the
// flags; the owner stays the
// one region_of found. A `full` record (a child in a reused or new slot) sets
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
    tribe_flags[s] = r.tribe_flags;
    if r.full == 0u {
        energy[s] = min(energy[s] + r.energy, u.energy_max);
    } else {
        energy[s] = r.energy;
        owner[s] = r.owner;
        pos[s] = r.pos;
        vel[s] = r.vel;
        age[s] = r.age;
        ids[s] = r.id;
        store_genes(s, Genome(r.genes));
    }
}
