// gather: data into cell order and back. `info` gathers what steer reads of
// each living entity into cell order (twin of cpu::steer::gather_info);
// `reset_slots` clears the per-slot steering outputs; `scatter_steer` writes
// steer's cell-ordered results to their slots (twin of the end of cpu::steer).

struct GatherUniform {
    n: u32,
    capacity: u32,
    _pad0: u32,
    _pad1: u32,
}

@group(0) @binding(0) var<uniform> u: GatherUniform;
@group(0) @binding(1) var<storage, read> sorted: array<u32>;
@group(0) @binding(2) var<storage, read> vel: array<vec2<f32>>;
@group(0) @binding(3) var<storage, read> energy: array<f32>;
@group(0) @binding(4) var<storage, read> genes: array<Genome>;
@group(0) @binding(5) var<storage, read> tribe_flags: array<u32>;
@group(0) @binding(6) var<storage, read> ids: array<u32>;
@group(0) @binding(7) var<storage, read_write> info: array<Info>;
@group(0) @binding(8) var<storage, read> steer_out: array<SteerOut>;
@group(0) @binding(9) var<storage, read_write> slot_out: array<SteerOut>;

@compute @workgroup_size(256)
fn gather_info(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
    let k = flat_index(gid, nwg);
    if k >= u.n {
        return;
    }
    let s = sorted[k];
    info[k] = Info(vel[s], energy[s], gene(genes[s], GENE_DIET), tribe_flags[s] & 0xffffu, ids[s], s, 0u);
}

@compute @workgroup_size(256)
fn reset_slots(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
    let i = flat_index(gid, nwg);
    if i >= u.capacity {
        return;
    }
    slot_out[i] = SteerOut(vec2<f32>(0.0), NONE, 0u);
}

@compute @workgroup_size(256)
fn scatter_steer(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
    let k = flat_index(gid, nwg);
    if k >= u.n {
        return;
    }
    slot_out[sorted[k]] = steer_out[k];
}
