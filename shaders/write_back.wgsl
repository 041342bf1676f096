// write_back: applies the region workers' results to the GPU-resident state:
// one record per changed slot, sorted by slot (consecutive slots lie next to
// each other, so runs of changed slots are contiguous reads and writes).
// Every record sets energy, flags and owner (kills, combat, inbox gains,
// parents' costs); a `full` record (a child in a reused or new slot) sets
// every field.

// Layout: src/gpu/layout.rs `WriteBackUniform` and `WriteRecord`.
struct WriteBackUniform {
    n: u32,
    _pad0: u32,
    _pad1: u32,
    _pad2: u32,
}

struct WriteRecord {
    slot: u32,
    id: u32,
    tribe_flags: u32,
    owner: u32,
    pos: vec2<f32>,
    vel: vec2<f32>,
    energy: f32,
    age: f32,
    full: u32,
    _pad0: u32,
    genes: Genome,
    _pad1: u32,
    _pad2: u32,
    _pad3: u32,
}

@group(0) @binding(0) var<uniform> u: WriteBackUniform;
@group(0) @binding(1) var<storage, read> records: array<WriteRecord>;
@group(0) @binding(2) var<storage, read_write> pos: array<vec2<f32>>;
@group(0) @binding(3) var<storage, read_write> vel: array<vec2<f32>>;
@group(0) @binding(4) var<storage, read_write> energy: array<f32>;
@group(0) @binding(5) var<storage, read_write> age: array<f32>;
@group(0) @binding(6) var<storage, read_write> tribe_flags: array<u32>;
@group(0) @binding(7) var<storage, read_write> ids: array<u32>;
@group(0) @binding(8) var<storage, read_write> genes: array<Genome>;
@group(0) @binding(9) var<storage, read_write> owner: array<u32>;

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
        genes[s] = r.genes;
    }
}
