// The viewer's state in data textures (see render.wgsl), for WebGL2, whose
// shaders cannot read storage buffers: each array is laid out row by row in
// a 2D texture as wide as the device allows (element i at column i % width,
// row i / width), read with `textureLoad`. The CPU backend's state is
// written into them after each batch of ticks (src/app/runner/draw.rs).
// No compute pass here: creatures are always triangles, `splat_at` is empty.
// Assembled before render.wgsl.

@group(0) @binding(0) var<uniform> v: ViewUniform;
@group(0) @binding(1) var pos: texture_2d<f32>;
@group(0) @binding(2) var vel: texture_2d<f32>;
@group(0) @binding(3) var tribe_flags: texture_2d<u32>;
@group(0) @binding(4) var genes: texture_2d<u32>;
@group(0) @binding(5) var energy: texture_2d<f32>;
@group(0) @binding(6) var age: texture_2d<f32>;
@group(0) @binding(7) var terrain_cells: texture_2d<u32>;
@group(0) @binding(8) var food_amount: texture_2d<u32>;

// Element i of an array laid out `width` elements per row.
fn texel(i: u32, width: u32) -> vec2<i32> {
    return vec2<i32>(i32(i % width), i32(i / width));
}

fn slot_pos(i: u32) -> vec2<f32> {
    return textureLoad(pos, texel(i, textureDimensions(pos).x), 0).xy;
}
fn slot_vel(i: u32) -> vec2<f32> {
    return textureLoad(vel, texel(i, textureDimensions(vel).x), 0).xy;
}
fn slot_tribe_flags(i: u32) -> u32 {
    return textureLoad(tribe_flags, texel(i, textureDimensions(tribe_flags).x), 0).x;
}
// Five words per slot, consecutive.
fn slot_genes(i: u32) -> Genome {
    let width = textureDimensions(genes).x;
    var g: Genome;
    for (var k = 0u; k < 5u; k = k + 1u) {
        g.w[k] = textureLoad(genes, texel(5u * i + k, width), 0).x;
    }
    return g;
}
fn slot_energy(i: u32) -> f32 {
    return textureLoad(energy, texel(i, textureDimensions(energy).x), 0).x;
}
fn slot_age(i: u32) -> f32 {
    return textureLoad(age, texel(i, textureDimensions(age).x), 0).x;
}
fn terrain_at(k: u32) -> u32 {
    return textureLoad(terrain_cells, texel(k, textureDimensions(terrain_cells).x), 0).x;
}
fn food_at(k: u32) -> f32 {
    return f32(textureLoad(food_amount, texel(k, textureDimensions(food_amount).x), 0).x);
}
fn splat_at(px: u32) -> vec4<f32> {
    return vec4<f32>(0.0);
}
