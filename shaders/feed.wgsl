// feed: grazers eat from the food cell they stand in, without float atomics
// and without a pass or a buffer over the food grid. `count`: each grazer
// finds its food cell's entry in the grazer table (open addressing in
// `scratch`, steer's buffer, free by now) and counts itself there (integer
// atomics); `gain`: each grazer takes the equal share min(bite·dt, amount / n)
// of its cell (every grazer of a cell computes the same share from the same
// inputs); `settle`: the one grazer per cell that takes the count back to zero
// (atomic exchange) removes n × share from the cell (whole quanta, two cells
// a word, rounded to the nearest), restarts its cooldown (ticks, packed: see
// food_regrow.wgsl) and adds to the food eaten. Twin of
// src/cpu/feed.rs. `scratch` holds each slot's entry (NONE for a non-grazer)
// in words 0..u.table_base and the table after them: entry e is words
// u.table_base + 2e (food cell + 1; 0 while free) and u.table_base + 2e + 1
// (its grazers). The table is zeroed before `count`; it has more entries
// (u.table_len, 1.5 per slot) than there can be grazers, so a probe ends.
// Its bindings are declared in src/gpu/feed.rs, the shared structs and
// constants in src/gpu/layout.rs.

// The first entry probed for food cell c.
fn first_entry(c: u32) -> u32 {
    return (c * 2654435761u) % u.table_len;
}

@compute @workgroup_size(256)
fn count(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
    let i = flat_index(gid, nwg);
    if i >= u.n {
        return;
    }
    var entry = NONE;
    if (tribe_flags[i] & FLAG_ALIVE) != 0u && gene(load_genes(i), GENE_DIET) < u.graze_diet && energy_in[i] < u.energy_max {
        let key = food_cell(u, pos[i]) + 1u;
        var e = first_entry(key - 1u);
        loop {
            let k = u.table_base + 2u * e;
            // Most grazers share their cell: its entry is found by a load.
            var found = atomicLoad(&scratch[k]);
            if found == 0u {
                let r = atomicCompareExchangeWeak(&scratch[k], 0u, key);
                found = select(r.old_value, key, r.exchanged);
            }
            if found == key {
                atomicAdd(&scratch[k + 1u], 1u);
                entry = e;
                break;
            }
            // Another cell's entry: the next one (a weak exchange that failed
            // spuriously leaves 0 there: the same entry again).
            if found != 0u {
                e = e + 1u;
                if e == u.table_len {
                    e = 0u;
                }
            }
        }
    }
    atomicStore(&scratch[i], entry);
}

// The share per grazer of cell c with n grazers.
fn share_of(amount_c: f32, n: u32) -> f32 {
    return min(u.bite * u.dt, amount_c / f32(n));
}

// Cell c's quanta in its word (two cells a word, cell 2j in the low half).
fn quanta_in(word: u32, c: u32) -> u32 {
    return (word >> ((c & 1u) * 16u)) & 0xffffu;
}

@compute @workgroup_size(256)
fn gain(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
    let i = flat_index(gid, nwg);
    if i >= u.n {
        return;
    }
    let entry = scratch_in[i];
    if entry == NONE {
        return;
    }
    let k = u.table_base + 2u * entry;
    let c = scratch_in[k] - 1u;
    let a = f32(quanta_in(amount_in[c / 2u], c)) * u.food_quantum;
    let t = share_of(a, scratch_in[k + 1u]);
    let efficiency = (1.0 - gene(load_genes(i), GENE_DIET)) * 0.5;
    energy[i] = min(energy[i] + t * u.energy_per_unit * efficiency, u.energy_max);
}

@compute @workgroup_size(256)
fn settle(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
    let i = flat_index(gid, nwg);
    if i >= u.n {
        return;
    }
    let entry = atomicLoad(&scratch[i]);
    if entry == NONE {
        return;
    }
    let k = u.table_base + 2u * entry;
    let n = atomicExchange(&scratch[k + 1u], 0u);
    if n == 0u {
        return;
    }
    let c = atomicLoad(&scratch[k]) - 1u;
    // The cell's amount, then its cooldown counter, change in words that
    // cells settled by other invocations share: each changes by one atomic
    // XOR of the cell's bits, old to new (no one else writes them here).
    let had = quanta_in(atomicLoad(&food_amount[c / 2u]), c);
    let a = f32(had) * u.food_quantum;
    let t = share_of(a, n);
    let left = min(u32(max(a - t * f32(n), 0.0) * u.food_per_quantum + 0.5), 0xffffu);
    atomicXor(&food_amount[c / 2u], (had ^ left) << ((c & 1u) * 16u));
    let per_word = 32u / u.cooldown_bits;
    let w = c / per_word;
    let shift = (c % per_word) * u.cooldown_bits;
    let mask = (1u << u.cooldown_bits) - 1u;
    let was = (atomicLoad(&food_cooldown[w]) >> shift) & mask;
    atomicXor(&food_cooldown[w], (was ^ u.cooldown_ticks) << shift);
    // 64-bit add of the cell's share in fixed point (huge food capacities
    // exceed 32 bits).
    let x = t * f32(n) * FOOD_FIXED;
    let hi = u32(floor(x / 4294967296.0));
    let lo = u32(round(max(x - f32(hi) * 4294967296.0, 0.0)));
    let old = atomicAdd(&eaten[0], lo);
    atomicAdd(&eaten[1], hi + select(0u, 1u, old + lo < old));
}
