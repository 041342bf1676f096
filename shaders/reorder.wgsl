// reorder: moves the living entities into slots 0..n in cell order (new slot
// k holds old slot sorted[k]); slots from n up become free. Twin of
// src/cpu/reorder.rs. Writes into second copies of the arrays, which the host
// then copies back; split in two entry points to stay within 10 storage
// buffers each.

struct ReorderUniform {
    n: u32,
    capacity: u32,
    _pad0: u32,
    _pad1: u32,
}

@group(0) @binding(0) var<uniform> u: ReorderUniform;
@group(0) @binding(1) var<storage, read> sorted: array<u32>;
@group(0) @binding(2) var<storage, read> pos_in: array<vec2<f32>>;
@group(0) @binding(3) var<storage, read> vel_in: array<vec2<f32>>;
@group(0) @binding(4) var<storage, read> energy_in: array<f32>;
@group(0) @binding(5) var<storage, read> age_in: array<f32>;
@group(0) @binding(6) var<storage, read_write> pos_out: array<vec2<f32>>;
@group(0) @binding(7) var<storage, read_write> vel_out: array<vec2<f32>>;
@group(0) @binding(8) var<storage, read_write> energy_out: array<f32>;
@group(0) @binding(9) var<storage, read_write> age_out: array<f32>;
@group(0) @binding(10) var<storage, read> flags_in: array<u32>;
@group(0) @binding(11) var<storage, read> ids_in: array<u32>;
@group(0) @binding(12) var<storage, read> genes_in: array<Genome>;
@group(0) @binding(13) var<storage, read_write> flags_out: array<u32>;
@group(0) @binding(14) var<storage, read_write> ids_out: array<u32>;
@group(0) @binding(15) var<storage, read_write> genes_out: array<Genome>;

@compute @workgroup_size(256)
fn permute_motion(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
    let k = flat_index(gid, nwg);
    if k >= u.n {
        return;
    }
    let s = sorted[k];
    pos_out[k] = pos_in[s];
    vel_out[k] = vel_in[s];
    energy_out[k] = energy_in[s];
    age_out[k] = age_in[s];
}

@compute @workgroup_size(256)
fn permute_identity(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
    let k = flat_index(gid, nwg);
    if k >= u.capacity {
        return;
    }
    if k < u.n {
        let s = sorted[k];
        flags_out[k] = flags_in[s];
        ids_out[k] = ids_in[s];
        genes_out[k] = genes_in[s];
    } else {
        flags_out[k] = 0u;
    }
}
