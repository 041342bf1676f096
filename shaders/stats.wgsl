// stats: per-tribe statistics reduced on the GPU in fixed point, with integer
// atomics only (no float atomics, so the sums do not depend on timing): per
// tribe the living count, the energy sum (1/256 e units), and per gene the
// sum and sum of squares of the 16-bit codes (64-bit, as lo/hi words with
// carry), the largest code and largest (65535 − code), and a 16-bin
// histogram of the codes (bin = code >> 12). Twin of
// src/regions/stats.rs `gene_stats`; src/gpu/world.rs turns the words into
// means, spreads and ranges. Each workgroup first reduces the first
// WG_TRIBES tribes in workgroup memory, then adds its totals to `stats_out`.
// Its bindings are declared in src/gpu/stats.rs, the shared structs and
// constants in src/gpu/layout.rs.

const WG_TRIBES: u32 = 16u;

var<workgroup> local: array<atomic<u32>, 3216>;

// Field f of a tribe's block: 0 count, 1/2 energy lo/hi, then per gene k at
// 3 + 6k: sum lo, sum hi, square-sum lo, square-sum hi, max, max of (65535 − code);
// then from STATS_HIST the histograms, 16 bins per gene.
fn is_lo(f: u32) -> bool {
    return f == 1u || (f >= 3u && f < STATS_HIST && ((f - 3u) % 6u == 0u || (f - 3u) % 6u == 2u));
}

fn is_max(f: u32) -> bool {
    return f >= 3u && f < STATS_HIST && (f - 3u) % 6u >= 4u;
}

fn add_local(i: u32, v: u32) {
    let old = atomicAdd(&local[i], v);
    if old + v < old {
        atomicAdd(&local[i + 1u], 1u);
    }
}

fn add_global(i: u32, v: u32) {
    let old = atomicAdd(&stats_out[i], v);
    if old + v < old {
        atomicAdd(&stats_out[i + 1u], 1u);
    }
}

@compute @workgroup_size(256)
fn main(
    @builtin(global_invocation_id) gid: vec3<u32>,
    @builtin(num_workgroups) nwg: vec3<u32>,
    @builtin(local_invocation_index) li: u32,
) {
    for (var k = li; k < 3216u; k = k + 256u) {
        atomicStore(&local[k], 0u);
    }
    workgroupBarrier();
    let i = flat_index(gid, nwg);
    if i < u.n && (tribe_flags[i] & FLAG_ALIVE) != 0u {
        let t = tribe_flags[i] & 0xffffu;
        let g = load_genes(i);
        let e = u32(clamp(energy[i], 0.0, 1.0e6) * STATS_ENERGY_SCALE);
        if t < WG_TRIBES {
            let b = t * STATS_STRIDE;
            atomicAdd(&local[b], 1u);
            add_local(b + 1u, e);
            for (var k = 0u; k < 9u; k = k + 1u) {
                let q = gene_code(g, k);
                let o = b + 3u + 6u * k;
                add_local(o, q);
                add_local(o + 2u, q * q);
                atomicMax(&local[o + 4u], q);
                atomicMax(&local[o + 5u], 65535u - q);
                atomicAdd(&local[b + STATS_HIST + 16u * k + (q >> 12u)], 1u);
            }
        } else if t < u.tribes {
            let b = t * STATS_STRIDE;
            atomicAdd(&stats_out[b], 1u);
            add_global(b + 1u, e);
            for (var k = 0u; k < 9u; k = k + 1u) {
                let q = gene_code(g, k);
                let o = b + 3u + 6u * k;
                add_global(o, q);
                add_global(o + 2u, q * q);
                atomicMax(&stats_out[o + 4u], q);
                atomicMax(&stats_out[o + 5u], 65535u - q);
                atomicAdd(&stats_out[b + STATS_HIST + 16u * k + (q >> 12u)], 1u);
            }
        }
    }
    workgroupBarrier();
    let words = min(u.tribes, WG_TRIBES) * STATS_STRIDE;
    for (var k = li; k < words; k = k + 256u) {
        let v = atomicLoad(&local[k]);
        if v == 0u {
            continue;
        }
        let f = k % STATS_STRIDE;
        if is_max(f) {
            atomicMax(&stats_out[k], v);
        } else if is_lo(f) {
            add_global(k, v);
        } else {
            atomicAdd(&stats_out[k], v);
        }
    }
}
