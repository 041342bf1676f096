// render: draws the world from the simulation's state: `background` colours
// every pixel by the terrain and food under it; `creature_vs`/`creature_fs`
// draw one small triangle per living entity (when crowded and far out,
// `splat_creatures` puts one pixel each instead), pointing along its
// velocity, coloured by tribe or by a trait. The torus is continuous:
// positions are wrapped around the view's centre and, where the view is
// wider or taller than the world, drawn again beside it. `capacity` is the
// number of slots drawn per copy (one past the last living slot).
//
// The state comes through the accessors `slot_pos`, `slot_vel`,
// `slot_tribe_flags`, `slot_genes`, `slot_energy`, `slot_age`, `terrain_at`,
// `food_at` and `splat_at` (the splatted creature's colour on a pixel,
// alpha 0 for none), declared by the file assembled before this one:
// `render_storage.wgsl` (storage buffers: the simulation's own on the GPU
// backend, uploads on the CPU backend; WebGPU, Vulkan, Metal, DX12) or
// `render_textures.wgsl` (data textures, for WebGL2, whose shaders cannot
// read storage buffers).

const MODE_TRIBE: u32 = 0u;
const MODE_DIET: u32 = 1u;
const MODE_ENERGY: u32 = 2u;
const MODE_AGE: u32 = 3u;
const MODE_GENE0: u32 = 4u;
const MODE_SPECIES: u32 = 13u;
// The species tag in tribe_flags (src/species/mod.rs: TAG_SHIFT, TAG_MASK).
const SPECIES_SHIFT: u32 = 17u;
const SPECIES_MASK: u32 = 0x7fffu;

// A species' colour: its tag's hue by the golden ratio (as
// `crate::species::color`).
fn species_color(tag: u32) -> vec3<f32> {
    let h = fract(f32(tag) * 0.618034) * 6.0;
    let k = (vec3<f32>(5.0, 3.0, 1.0) + vec3<f32>(h)) % vec3<f32>(6.0);
    return vec3<f32>(0.95) - 0.95 * 0.7 * clamp(min(k, vec3<f32>(4.0) - k), vec3<f32>(0.0), vec3<f32>(1.0));
}

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
    if (slot_tribe_flags(out.slot) & FLAG_ALIVE) == 0u {
        return out;
    }
    // Around the view centre, then the tile.
    var d = slot_pos(out.slot) - v.center;
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
    let flags = slot_tribe_flags(slot);
    let tribe = flags & 0xffffu;
    let species = (flags >> SPECIES_SHIFT) & SPECIES_MASK;
    var c = v.tribe_colors[min(tribe, 15u)].rgb;
    let g = slot_genes(slot);
    if v.mode == MODE_SPECIES {
        c = species_color(species);
    } else if v.mode == MODE_DIET {
        c = ramp((gene(g, GENE_DIET) + 1.0) * 0.5);
    } else if v.mode == MODE_ENERGY {
        c = ramp(slot_energy(slot) / v.energy_max);
    } else if v.mode == MODE_AGE {
        c = ramp(slot_age(slot) / v.lifespan);
    } else if v.mode >= MODE_GENE0 {
        c = ramp(f32(gene_code(g, v.mode - MODE_GENE0)) / 65535.0);
    }
    if v.highlight != NONE {
        if species == v.highlight {
            c = mix(c, vec3<f32>(1.0), 0.3);
        } else {
            c = c * 0.15;
        }
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
    let w = slot_vel(p.slot);
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
        c = BIOME_COLORS[min(terrain_at(ty * v.terrain_cols + tx), 5u)];
    }
    if v.show_food != 0u {
        let fx = min(u32(p.x / v.world.x * f32(v.food_cols)), v.food_cols - 1u);
        let fy = min(u32(p.y / v.world.y * f32(v.food_rows)), v.food_rows - 1u);
        let f = clamp(food_at(fy * v.food_cols + fx) / v.food_max, 0.0, 1.0);
        c = c + vec3<f32>(0.0, 0.09, 0.03) * f;
    }
    if v.corners == 0u {
        // The splatted creature on this pixel, if any (alpha 1).
        let s = splat_at(u32(in.clip.y) * u32(v.viewport.x) + u32(in.clip.x));
        if s.a > 0.0 {
            c = s.rgb;
        }
    }
    return vec4<f32>(c, 1.0);
}
