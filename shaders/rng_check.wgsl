// Evaluates rng4 for a list of inputs, for the test against the committed
// Rust vectors (tests/data/rng_vectors.csv).

@group(0) @binding(0) var<storage, read> inputs: array<RngInput>;
@group(0) @binding(1) var<storage, read_write> outputs: array<vec4<u32>>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let i = gid.x;
    if i >= arrayLength(&inputs) {
        return;
    }
    let q = inputs[i];
    outputs[i] = rng4(vec2<u32>(q.seed_lo, q.seed_hi), q.tick, q.id, q.stream);
}
