// reorder: moves the living entities into slots 0..n in cell order (new slot
// k holds old slot sorted[k]); slots from n up become free. Twin of
// src/cpu/reorder.rs. It has no arrays of its own: each field is gathered
// into scratch that no pass needs at this point of the tick (the hash's
// sorted positions, steer's intent words and info, which the hash and steer
// rebuild afterwards) and put back, by these entry points in order.
// Its bindings are declared in src/gpu/reorder.rs, the shared structs and
// constants in src/gpu/layout.rs.

@compute @workgroup_size(256)
fn gather_motion(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
    let k = flat_index(gid, nwg);
    if k >= u.n {
        return;
    }
    let s = sorted[k];
    tmp_pos[k] = pos[s];
    tmp_vel[k] = vel[s];
}

@compute @workgroup_size(256)
fn put_motion(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
    let k = flat_index(gid, nwg);
    if k >= u.n {
        return;
    }
    pos[k] = tmp_pos[k];
    vel[k] = tmp_vel[k];
}

@compute @workgroup_size(256)
fn gather_scalars(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
    let k = flat_index(gid, nwg);
    if k >= u.n {
        return;
    }
    let s = sorted[k];
    tmp_words[k] = vec4<u32>(bitcast<u32>(energy[s]), bitcast<u32>(age[s]), tribe_flags[s], ids[s]);
}

@compute @workgroup_size(256)
fn put_scalars(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
    let k = flat_index(gid, nwg);
    if k >= u.capacity {
        return;
    }
    if k < u.n {
        let w = tmp_words[k];
        energy[k] = bitcast<f32>(w.x);
        age[k] = bitcast<f32>(w.y);
        tribe_flags[k] = w.z;
        ids[k] = w.w;
    } else {
        tribe_flags[k] = 0u;
    }
}

@compute @workgroup_size(256)
fn gather_genes(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
    let k = flat_index(gid, nwg);
    if k >= u.n {
        return;
    }
    let g = load_genes(sorted[k]);
    tmp_words[k] = vec4<u32>(g.w[0], g.w[1], g.w[2], g.w[3]);
    tmp_word[k] = g.w[4];
}

@compute @workgroup_size(256)
fn put_genes(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
    let k = flat_index(gid, nwg);
    if k >= u.n {
        return;
    }
    let w = tmp_words[k];
    store_genes(k, Genome(array<u32, 5>(w.x, w.y, w.z, w.w, tmp_word[k])));
}
