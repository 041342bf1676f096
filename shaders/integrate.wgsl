// integrate: vel += acc·dt, clamp to the speed gene, move with terrain
// sliding, wrap, pay basal and movement energy, age. Twin of
// src/cpu/integrate.rs (floats agree within rounding: WGSL division and sqrt
// are not exactly rounded). One invocation per living entity in cell order
// (k, slot sorted[k]): steer left the acceleration in the slot's `vel`, and
// the velocity it had is still in info[k] (gathered before steer).
// Its bindings are declared in src/gpu/integrate.rs, the shared structs and
// constants in src/gpu/layout.rs.

fn passable(p: vec2<f32>) -> bool {
    let t = terrain_cell(u, p);
    return byte_at(terrain[t / 4u], t) >= 2u;
}

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
    let k = flat_index(gid, nwg);
    if k >= u.alive {
        return;
    }
    let i = sorted[k];
    let g = load_genes(i);
    let dt = u.dt;
    let acc = vel[i];
    var v = info[k].vel + acc * dt;
    let max_speed = gene(g, GENE_SPEED);
    let s2 = v.x * v.x + v.y * v.y;
    if s2 > max_speed * max_speed {
        v = v * (max_speed / sqrt(s2));
    }
    let p = pos[i];
    let nx = wrap_coord(p.x + v.x * dt, u.world_w);
    let ny = wrap_coord(p.y + v.y * dt, u.world_h);
    var q = p;
    if passable(vec2<f32>(nx, ny)) {
        q = vec2<f32>(nx, ny);
    } else if passable(vec2<f32>(nx, p.y)) {
        q = vec2<f32>(nx, p.y);
        v.y = 0.0;
    } else if passable(vec2<f32>(p.x, ny)) {
        q = vec2<f32>(p.x, ny);
        v.x = 0.0;
    } else {
        v = vec2<f32>(0.0, 0.0);
    }
    pos[i] = q;
    vel[i] = v;
    let speed2 = v.x * v.x + v.y * v.y;
    let metabolism = gene(g, GENE_METABOLISM);
    energy[i] = energy[i] - (u.basal * (0.5 + metabolism) + u.move_cost * speed2) * dt;
    age[i] = age[i] + dt;
}
