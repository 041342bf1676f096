// The counter-based RNG rng4(seed, tick, id, stream): the WGSL twin of
// src/model/rng.rs. Two rounds of a PCG-style 4×u32 permutation; u32
// arithmetic wraps, as Rust's wrapping_* does. Seed is (low word, high word).

fn evo_permute(v_in: vec4<u32>) -> vec4<u32> {
    var v = v_in * 1664525u + vec4<u32>(1013904223u);
    v.x += v.y * v.w;
    v.y += v.z * v.x;
    v.z += v.x * v.y;
    v.w += v.y * v.z;
    v = v ^ (v >> vec4<u32>(16u));
    v.x += v.y * v.w;
    v.y += v.z * v.x;
    v.z += v.x * v.y;
    v.w += v.y * v.z;
    return v;
}

fn rng4(seed: vec2<u32>, tick: u32, id: u32, stream: u32) -> vec4<u32> {
    let a = evo_permute(vec4<u32>(id, tick, stream, seed.x));
    return evo_permute(vec4<u32>(a.x ^ seed.y, a.y, a.z, a.w));
}

// A random word as a float in [0, 1) with 24 bits.
fn rng_unit(w: u32) -> f32 {
    return f32(w >> 8u) * (1.0 / 16777216.0);
}
