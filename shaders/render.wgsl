// render: draws the world straight from the simulation's buffers (no copy to
// the CPU): `background` colours every pixel by the terrain and food under
// it; `creature_vs`/`creature_fs` draw one small triangle per living entity
// (when crowded and far out, `splat_creatures` puts one pixel each instead),
// pointing along its velocity, coloured by tribe or by a trait. The torus is
// continuous: positions are wrapped around the view's centre and, where the
// view is wider or taller than the world, drawn again beside it. `capacity`
// is the number of slots drawn per copy (one past the last living slot).

@group(0) @binding(0) var<uniform> v: ViewUniform;
@group(0) @binding(1) var<storage, read> pos: array<vec2<f32>>;
@group(0) @binding(2) var<storage, read> vel: array<vec2<f32>>;
@group(0) @binding(3) var<storage, read> tribe_flags: array<u32>;
@group(0) @binding(4) var<storage, read> genes: array<Genome>;
@group(0) @binding(5) var<storage, read> energy: array<f32>;
@group(0) @binding(6) var<storage, read> age: array<f32>;
@group(0) @binding(7) var<storage, read> terrain_cells: array<u32>;
@group(0) @binding(8) var<storage, read> food_amount: array<f32>;
@group(1) @binding(0) var<storage, read_write> splat: array<u32>;

const MODE_TRIBE: u32 = 0u;
const MODE_DIET: u32 = 1u;
const MODE_ENERGY: u32 = 2u;
const MODE_AGE: u32 = 3u;
const MODE_GENE0: u32 = 4u;

// A perceptual-ish ramp: dark blue → teal → yellow → red.
fn ramp(t: f32) -> vec3<f32> {
    let x = clamp(t, 0.0, 1.0);
    let a = vec3<f32>(0.05, 0.10, 0.55);
    let b = vec3<f32>(0.05, 0.65, 0.60);
    let c = vec3<f32>(0.95, 0.85, 0.10);
    let d = vec3<f32>(0.90, 0.15, 0.10);
    if x < 0.333 {
        return mix(a, b, x * 3.0);
    } else if x < 0.667 {
        return mix(b, c, (x - 0.333) * 3.0);
    }
    return mix(c, d, (x - 0.667) * 3.0);
}

struct CreatureOut {
    @builtin(position) clip: vec4<f32>,
    @location(0) color: vec4<f32>,
}

// Where copy `ii` (slot + tile × capacity) of a creature lands, relative to
// the view centre in world units; `shown` is false for a free slot or one
// off screen (beyond a margin).
struct Placed {
    shown: bool,
    slot: u32,
    d: vec2<f32>,
}

fn place(ii: u32) -> Placed {
    var out: Placed;
    out.shown = false;
    out.slot = ii % v.capacity;
    let tile = ii / v.capacity;
    if (tribe_flags[out.slot] & FLAG_ALIVE) == 0u {
        return out;
    }
    // Around the view centre, then the tile.
    var d = pos[out.slot] - v.center;
    d = d - v.world * floor(d / v.world + vec2<f32>(0.5));
    let span = 2u * v.tiles_x + 1u;
    let t = vec2<i32>(i32(tile % span) - i32(v.tiles_x), i32(tile / span) - i32(v.tiles_y));
    d = d + vec2<f32>(t) * v.world;
    let clip = d * v.scale;
    out.d = d;
    out.shown = abs(clip.x) <= 1.05 && abs(clip.y) <= 1.05;
    return out;
}

// The creature's colour in the chosen mode.
fn creature_color(slot: u32) -> vec3<f32> {
    let tribe = tribe_flags[slot] & 0xffffu;
    var c = v.tribe_colors[min(tribe, 15u)].rgb;
    let g = genes[slot];
    if v.mode == MODE_DIET {
        c = ramp((gene(g, GENE_DIET) + 1.0) * 0.5);
    } else if v.mode == MODE_ENERGY {
        c = ramp(energy[slot] / v.energy_max);
    } else if v.mode == MODE_AGE {
        c = ramp(age[slot] / v.lifespan);
    } else if v.mode >= MODE_GENE0 {
        c = ramp(f32(gene_code(g, v.mode - MODE_GENE0)) / 65535.0);
    }
    if slot == v.selected {
        c = vec3<f32>(1.0, 1.0, 1.0);
    }
    return c;
}

@vertex
fn creature_vs(@builtin(vertex_index) index: u32) -> CreatureOut {
    // One draw of plain vertices, `corners` per creature (3: a triangle, 1:
    // a point), instead of one instance per creature: software rasterizers
    // shade plain vertices many at a time, instances one by one.
    var out: CreatureOut;
    let corners = max(v.corners, 1u);
    let vi = index % corners;
    let p = place(index / corners);
    if !p.shown {
        out.clip = vec4<f32>(2.0, 2.0, 0.0, 1.0);
        out.color = vec4<f32>(0.0);
        return out;
    }
    let w = vel[p.slot];
    let s = length(w);
    var h = vec2<f32>(1.0, 0.0);
    if s > 1e-6 {
        h = w / s;
    }
    var local = vec2<f32>(1.0, 0.0);
    if vi == 1u {
        local = vec2<f32>(-0.7, 0.6);
    } else if vi == 2u {
        local = vec2<f32>(-0.7, -0.6);
    }
    let r = vec2<f32>(local.x * h.x - local.y * h.y, local.x * h.y + local.y * h.x) * v.size;
    if corners == 1u {
        out.clip = vec4<f32>(p.d * v.scale, 0.0, 1.0);
    } else {
        out.clip = vec4<f32>((p.d + r) * v.scale, 0.0, 1.0);
    }
    out.color = vec4<f32>(creature_color(p.slot), 1.0);
    return out;
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

@fragment
fn creature_fs(in: CreatureOut) -> @location(0) vec4<f32> {
    return in.color;
}

struct BackgroundOut {
    @builtin(position) clip: vec4<f32>,
}

@vertex
fn background_vs(@builtin(vertex_index) vi: u32) -> BackgroundOut {
    // One triangle covering the screen.
    let x = f32((vi << 1u) & 2u) * 2.0 - 1.0;
    let y = f32(vi & 2u) * 2.0 - 1.0;
    var out: BackgroundOut;
    out.clip = vec4<f32>(x, y, 0.0, 1.0);
    return out;
}

const BIOME_COLORS = array<vec3<f32>, 6>(
    vec3<f32>(0.010, 0.025, 0.070), // ocean
    vec3<f32>(0.060, 0.055, 0.050), // mountain
    vec3<f32>(0.012, 0.040, 0.014), // forest
    vec3<f32>(0.030, 0.050, 0.018), // grassland
    vec3<f32>(0.060, 0.055, 0.025), // savanna
    vec3<f32>(0.085, 0.070, 0.045), // desert
);

@fragment
fn background_fs(in: BackgroundOut) -> @location(0) vec4<f32> {
    // Pixel → world, wrapped onto the torus.
    let ndc = vec2<f32>(in.clip.x / v.viewport.x * 2.0 - 1.0, 1.0 - in.clip.y / v.viewport.y * 2.0);
    var p = v.center + ndc / v.scale;
    p = p - v.world * floor(p / v.world);
    var c = vec3<f32>(0.02, 0.02, 0.025);
    if v.show_terrain != 0u {
        let tx = min(u32(p.x / v.world.x * f32(v.terrain_cols)), v.terrain_cols - 1u);
        let ty = min(u32(p.y / v.world.y * f32(v.terrain_rows)), v.terrain_rows - 1u);
        c = BIOME_COLORS[min(terrain_cells[ty * v.terrain_cols + tx], 5u)];
    }
    if v.show_food != 0u {
        let fx = min(u32(p.x / v.world.x * f32(v.food_cols)), v.food_cols - 1u);
        let fy = min(u32(p.y / v.world.y * f32(v.food_rows)), v.food_rows - 1u);
        let f = clamp(food_amount[fy * v.food_cols + fx] / v.food_max, 0.0, 1.0);
        c = c + vec3<f32>(0.0, 0.09, 0.03) * f;
    }
    if v.corners == 0u {
        let s = splat[u32(in.clip.y) * u32(v.viewport.x) + u32(in.clip.x)];
        if s != 0u {
            c = unpack4x8unorm(s).rgb;
        }
    }
    return vec4<f32>(c, 1.0);
}
