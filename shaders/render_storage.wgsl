// The viewer's state in storage buffers (see render.wgsl): the simulation's
// own on the GPU backend, uploads on the CPU backend. Assembled before
// render.wgsl.

@group(0) @binding(0) var<uniform> v: ViewUniform;
@group(0) @binding(1) var<storage, read> pos: array<vec2<f32>>;
@group(0) @binding(2) var<storage, read> vel: array<vec2<f32>>;
@group(0) @binding(3) var<storage, read> tribe_flags: array<u32>;
@group(0) @binding(4) var<storage, read> genes_a: array<vec4<u32>>;
@group(0) @binding(5) var<storage, read> energy: array<f32>;
@group(0) @binding(6) var<storage, read> age: array<f32>;
@group(0) @binding(7) var<storage, read> terrain_cells: array<u32>;
@group(0) @binding(8) var<storage, read> food_amount: array<u32>;
@group(0) @binding(9) var<storage, read> genes_b: array<u32>;
@group(1) @binding(0) var<storage, read_write> splat: array<u32>;

fn slot_pos(i: u32) -> vec2<f32> { return pos[i]; }
fn slot_vel(i: u32) -> vec2<f32> { return vel[i]; }
fn slot_tribe_flags(i: u32) -> u32 { return tribe_flags[i]; }
fn slot_genes(i: u32) -> Genome {
    let a = genes_a[i];
    return Genome(array<u32, 5>(a.x, a.y, a.z, a.w, genes_b[i]));
}
fn slot_energy(i: u32) -> f32 { return energy[i]; }
fn slot_age(i: u32) -> f32 { return age[i]; }
fn terrain_at(k: u32) -> u32 { return (terrain_cells[k / 4u] >> ((k & 3u) * 8u)) & 0xffu; }
// Cell k's whole food quanta (16 bits, two cells a word).
fn food_at(k: u32) -> f32 { return f32((food_amount[k / 2u] >> ((k & 1u) * 16u)) & 0xffffu); }
fn splat_at(px: u32) -> vec4<f32> {
    let s = splat[px];
    if s == 0u {
        return vec4<f32>(0.0);
    }
    return vec4<f32>(unpack4x8unorm(s).rgb, 1.0);
}

// Crowded and far out (`corners` 0), creatures are one pixel each: a
// compute pass writes each into `splat` (one word per pixel, 0 = none,
// else the packed colour), and the background shows it. Thousands of
// invocations a time instead of a trip through the vertex pipeline each.
@compute @workgroup_size(64)
fn splat_creatures(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let ii = gid.x + gid.y * groups.x * 64u;
    let tiles = (2u * v.tiles_x + 1u) * (2u * v.tiles_y + 1u);
    if ii >= v.capacity * tiles {
        return;
    }
    let p = place(ii);
    if !p.shown {
        return;
    }
    let clip = p.d * v.scale;
    let px = (clip.x * 0.5 + 0.5) * v.viewport.x;
    let py = (0.5 - clip.y * 0.5) * v.viewport.y;
    if px < 0.0 || py < 0.0 || px >= v.viewport.x || py >= v.viewport.y {
        return;
    }
    let w = u32(v.viewport.x);
    splat[u32(py) * w + u32(px)] = pack4x8unorm(vec4<f32>(creature_color(p.slot), 1.0));
}

