// feed: grazers eat from the food cell they stand in, without float atomics.
// `count`: each grazer's food cell and the grazers per cell (integer atomics);
// `share`: per cell with eaters, the equal share min(bite·dt, amount / n), the
// cell's loss n × share and its cooldown; `gain`: each grazer's energy.
// Twin of src/cpu/feed.rs. `eaters` must be zeroed before `count`.

@group(0) @binding(0) var<uniform> u: StepUniform;
@group(0) @binding(1) var<storage, read> pos: array<vec2<f32>>;
@group(0) @binding(2) var<storage, read> genes: array<Genome>;
@group(0) @binding(3) var<storage, read> tribe_flags: array<u32>;
@group(0) @binding(4) var<storage, read_write> food_cell_of: array<u32>;
@group(0) @binding(5) var<storage, read_write> eaters: array<atomic<u32>>;
@group(0) @binding(6) var<storage, read> eaters_in: array<u32>;
@group(0) @binding(7) var<storage, read_write> amount: array<f32>;
@group(0) @binding(8) var<storage, read_write> cooldown: array<f32>;
@group(0) @binding(9) var<storage, read_write> take: array<f32>;
@group(0) @binding(10) var<storage, read> cell_in: array<u32>;
@group(0) @binding(11) var<storage, read> take_in: array<f32>;
@group(0) @binding(12) var<storage, read_write> energy: array<f32>;
@group(0) @binding(13) var<storage, read> energy_in: array<f32>;
// Food eaten this tick in 1/FOOD_FIXED units, as a 64-bit lo/hi pair (cleared each tick).
@group(0) @binding(14) var<storage, read_write> eaten: array<atomic<u32>, 2>;

const FOOD_FIXED: f32 = 1048576.0;

@compute @workgroup_size(256)
fn count(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
    let i = flat_index(gid, nwg);
    if i >= u.n {
        return;
    }
    var c = NONE;
    if (tribe_flags[i] & FLAG_ALIVE) != 0u && gene(genes[i], GENE_DIET) < u.graze_diet && energy_in[i] < u.energy_max {
        c = food_cell(u, pos[i]);
        atomicAdd(&eaters[c], 1u);
    }
    food_cell_of[i] = c;
}

@compute @workgroup_size(256)
fn share(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
    let k = flat_index(gid, nwg);
    if k >= u.food_cells {
        return;
    }
    let n = eaters_in[k];
    if n == 0u {
        return;
    }
    let t = min(u.bite * u.dt, amount[k] / f32(n));
    take[k] = t;
    amount[k] = max(amount[k] - t * f32(n), 0.0);
    // 64-bit add of the cell's share in fixed point (huge food capacities
    // exceed 32 bits).
    let x = t * f32(n) * FOOD_FIXED;
    let hi = u32(floor(x / 4294967296.0));
    let lo = u32(round(max(x - f32(hi) * 4294967296.0, 0.0)));
    let old = atomicAdd(&eaten[0], lo);
    atomicAdd(&eaten[1], hi + select(0u, 1u, old + lo < old));
    cooldown[k] = u.food_cooldown;
}

@compute @workgroup_size(256)
fn gain(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
    let i = flat_index(gid, nwg);
    if i >= u.n {
        return;
    }
    let c = cell_in[i];
    if c == NONE {
        return;
    }
    let efficiency = (1.0 - gene(genes[i], GENE_DIET)) * 0.5;
    energy[i] = min(energy[i] + take_in[c] * u.energy_per_unit * efficiency, u.energy_max);
}
