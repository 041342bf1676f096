// food_regrow: logistic regrowth toward capacity after the eaten cell's
// cooldown. Twin of src/cpu/food_regrow.rs. Four cells per invocation, as
// vec4s, without branches on the cells: a cell counts its cooldown down while
// ticks are left, else grows if it has room; the values written for the other
// lanes are the ones read, so the result is the scalar rule's, cell by cell.
// Capacities follow from each cell's biome code (`food_biome`, one byte a
// cell) and the uniform's capacity per biome, as on the CPU (src/model/food.rs);
// cooldowns are ticks left, `u.cooldown_bits` (8 or 16)
// a cell packed into words, so the four cells are one word or two. (The
// buffers are padded to whole vec4s; the padding has capacity 0 and never
// grows.)
// Its bindings are declared in src/gpu/food_regrow.rs, the shared structs and
// constants in src/gpu/layout.rs.

// The capacity of a cell of biome `code` (0–5): picked from the uniform by
// selects.
fn capacity_of(code: u32) -> f32 {
    let v = select(u.food_by_biome[0], u.food_by_biome[1], code >= 4u);
    let j = code & 3u;
    return select(select(v.x, v.y, j == 1u), select(v.z, v.w, j == 3u), j >= 2u);
}

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
    let k = flat_index(gid, nwg);
    if k >= (u.food_cells + 3u) / 4u {
        return;
    }
    let codes = (vec4<u32>(food_biome[k]) >> vec4<u32>(0u, 8u, 16u, 24u)) & vec4<u32>(0xffu);
    let c = vec4<f32>(capacity_of(codes.x), capacity_of(codes.y), capacity_of(codes.z), capacity_of(codes.w));
    // Ticks left per cell.
    var t: vec4<u32>;
    if u.cooldown_bits == 8u {
        t = (vec4<u32>(food_cooldown[k]) >> vec4<u32>(0u, 8u, 16u, 24u)) & vec4<u32>(0xffu);
    } else {
        let lo = food_cooldown[2u * k];
        let hi = food_cooldown[2u * k + 1u];
        t = vec4<u32>(lo & 0xffffu, lo >> 16u, hi & 0xffffu, hi >> 16u);
    }
    let a = food_amount[k];
    let cooling = t > vec4<u32>(0u);
    let left = select(t, t - vec4<u32>(1u), cooling);
    if u.cooldown_bits == 8u {
        food_cooldown[k] = left.x | (left.y << 8u) | (left.z << 16u) | (left.w << 24u);
    } else {
        food_cooldown[2u * k] = left.x | (left.y << 16u);
        food_cooldown[2u * k + 1u] = left.z | (left.w << 16u);
    }
    let grows = !cooling & (c > vec4<f32>(0.0)) & (a < c);
    let grow = u.regrow_rate * (a + u.seed_fraction * c) * (1.0 - a / c) * u.dt;
    food_amount[k] = select(a, min(a + grow, c), grows);
}
