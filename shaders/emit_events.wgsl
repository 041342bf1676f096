// emit_events: compact lists of deaths (starved, old age), attack intents and
// reproduction candidates, appended with integer atomics (the order inside a
// list depends on timing; the host sorts each list by id before use, which
// makes it equal to the CPU's). Twin of src/cpu/emit_events.rs.

// Layout: src/gpu/layout.rs `EmitUniform` (checked by tests/shaders.rs).
struct EmitUniform {
    n: u32,
    tick: u32,
    seed_lo: u32,
    seed_hi: u32,
    dt: f32,
    lifespan: f32,
    maturity: f32,
    repro_threshold: f32,
}

const STREAM_REPRODUCE: u32 = 0x0700u;
const COUNT_ATTACKS: u32 = 0u;
const COUNT_REPRO: u32 = 1u;
const COUNT_DEATHS: u32 = 2u;
// The death cause bit of an entity event's slot word (starved: clear).
const DEATH_OLD_AGE: u32 = 0x80000000u;

@group(0) @binding(0) var<uniform> u: EmitUniform;
@group(0) @binding(1) var<storage, read> energy: array<f32>;
@group(0) @binding(2) var<storage, read> age: array<f32>;
@group(0) @binding(3) var<storage, read> genes: array<Genome>;
@group(0) @binding(4) var<storage, read> tribe_flags: array<u32>;
@group(0) @binding(5) var<storage, read> ids: array<u32>;
// Per-slot steering results (the intent word is read).
@group(0) @binding(6) var<storage, read> steer_out: array<u32>;
@group(0) @binding(7) var<storage, read_write> counts: array<atomic<u32>, 3>;
// (target id, attacker id, target slot, attacker slot)
@group(0) @binding(8) var<storage, read_write> attacks: array<vec4<u32>>;
// Reproduction candidates (id, slot) and deaths (id, slot | cause << 31) share
// one list: candidates from the front, deaths from the back.
@group(0) @binding(9) var<storage, read_write> entity_events: array<vec2<u32>>;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
    let i = flat_index(gid, nwg);
    if i >= u.n || (tribe_flags[i] & FLAG_ALIVE) == 0u {
        return;
    }
    let id = ids[i];
    let g = genes[i];
    let e = energy[i];
    let a = age[i];
    if e <= 0.0 {
        let k = atomicAdd(&counts[COUNT_DEATHS], 1u);
        entity_events[u.n - 1u - k] = vec2<u32>(id, i);
        return;
    }
    if a > u.lifespan * (1.25 - 0.25 * gene(g, GENE_METABOLISM)) {
        let k = atomicAdd(&counts[COUNT_DEATHS], 1u);
        entity_events[u.n - 1u - k] = vec2<u32>(id, i | DEATH_OLD_AGE);
        return;
    }
    let t = intent_target(steer_out[STEER_WORDS * i + 2u]);
    if t != NONE {
        let k = atomicAdd(&counts[COUNT_ATTACKS], 1u);
        attacks[k] = vec4<u32>(ids[t], id, t, i);
    }
    let roll = rng_unit(rng4(vec2<u32>(u.seed_lo, u.seed_hi), u.tick, id, STREAM_REPRODUCE).x);
    if e > u.repro_threshold && a > u.maturity && roll < gene(g, GENE_REPRO_CHANCE) * u.dt {
        let k = atomicAdd(&counts[COUNT_REPRO], 1u);
        entity_events[k] = vec2<u32>(id, i);
    }
}
