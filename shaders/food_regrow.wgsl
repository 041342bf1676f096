// food_regrow: logistic regrowth toward capacity after the eaten cell's
// cooldown. Twin of src/cpu/food_regrow.rs. Four cells per invocation, as
// vec4s, without branches: a cell cools down while its cooldown lasts, else
// grows if it has room; the values written for the other lanes are the ones
// read, so the result is the scalar rule's, cell by cell. (The buffers are
// padded to whole vec4s; the padding has capacity 0 and never grows.)
// Its bindings are declared in src/gpu/food_regrow.rs, the shared structs and
// constants in src/gpu/layout.rs.

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
    let k = flat_index(gid, nwg);
    if k >= (u.food_cells + 3u) / 4u {
        return;
    }
    let t = food_cooldown[k];
    let c = food_capacity[k];
    let a = food_amount[k];
    let cooling = t > vec4<f32>(0.0);
    food_cooldown[k] = select(t, max(t - u.dt, vec4<f32>(0.0)), cooling);
    let grows = !cooling & (c > vec4<f32>(0.0)) & (a < c);
    let grow = u.regrow_rate * (a + u.seed_fraction * c) * (1.0 - a / c) * u.dt;
    food_amount[k] = select(a, min(a + grow, c), grows);
}
