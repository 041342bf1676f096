// emit_events: compact lists of deaths (starved, old age), attack intents and
// reproduction candidates, appended with integer atomics (the order inside a
// list depends on timing; the host sorts each list by id before use, which
// makes it equal to the CPU's). Twin of src/cpu/emit_events.rs.
// Its bindings are declared in src/gpu/emit_events.rs, the shared structs and
// constants in src/gpu/layout.rs.

const COUNT_ATTACKS: u32 = 0u;
const COUNT_REPRO: u32 = 1u;
const COUNT_DEATHS: u32 = 2u;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
    let i = flat_index(gid, nwg);
    if i >= u.n || (tribe_flags[i] & FLAG_ALIVE) == 0u {
        return;
    }
    let id = ids[i];
    let g = load_genes(i);
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
    let t = intent_target(steer_out[i]);
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
