// food_regrow: logistic regrowth toward capacity after the eaten cell's
// cooldown. Twin of src/cpu/food_regrow.rs.

@group(0) @binding(0) var<uniform> u: StepUniform;
@group(0) @binding(1) var<storage, read> capacity: array<f32>;
@group(0) @binding(2) var<storage, read_write> amount: array<f32>;
@group(0) @binding(3) var<storage, read_write> cooldown: array<f32>;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
    let k = flat_index(gid, nwg);
    if k >= u.food_cells {
        return;
    }
    let t = cooldown[k];
    if t > 0.0 {
        cooldown[k] = max(t - u.dt, 0.0);
        return;
    }
    let c = capacity[k];
    let a = amount[k];
    if c > 0.0 && a < c {
        let grow = u.regrow_rate * (a + u.seed_fraction * c) * (1.0 - a / c) * u.dt;
        amount[k] = min(a + grow, c);
    }
}
