// feed: grazers eat from the food cell they stand in, without float atomics
// and without a pass over the food grid. `count`: each grazer's food cell and
// the grazers per cell (integer atomics); `gain`: each grazer takes the equal
// share min(bite·dt, amount / n) of its cell (every grazer of a cell computes
// the same share from the same inputs); `settle`: the one grazer per cell that
// takes the count back to zero (atomic exchange) removes n × share from the
// cell, restarts its cooldown (ticks, packed: see food_regrow.wgsl) and adds
// to the food eaten. Twin of src/cpu/feed.rs. `eaters` is zero before `count` and again after `settle`.
// Its bindings are declared in src/gpu/feed.rs, the shared structs and
// constants in src/gpu/layout.rs.

@compute @workgroup_size(256)
fn count(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
    let i = flat_index(gid, nwg);
    if i >= u.n {
        return;
    }
    var c = NONE;
    if (tribe_flags[i] & FLAG_ALIVE) != 0u && gene(load_genes(i), GENE_DIET) < u.graze_diet && energy_in[i] < u.energy_max {
        c = food_cell(u, pos[i]);
        atomicAdd(&eaters[c], 1u);
    }
    food_cell_of[i] = c;
}

// The share per grazer of cell c with n grazers.
fn share_of(amount_c: f32, n: u32) -> f32 {
    return min(u.bite * u.dt, amount_c / f32(n));
}

@compute @workgroup_size(256)
fn gain(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
    let i = flat_index(gid, nwg);
    if i >= u.n {
        return;
    }
    let c = cell_in[i];
    if c == NONE {
        return;
    }
    let t = share_of(amount_in[c], eaters_in[c]);
    let efficiency = (1.0 - gene(load_genes(i), GENE_DIET)) * 0.5;
    energy[i] = min(energy[i] + t * u.energy_per_unit * efficiency, u.energy_max);
}

@compute @workgroup_size(256)
fn settle(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
    let i = flat_index(gid, nwg);
    if i >= u.n {
        return;
    }
    let c = food_cell_of[i];
    if c == NONE {
        return;
    }
    let n = atomicExchange(&eaters[c], 0u);
    if n == 0u {
        return;
    }
    let t = share_of(food_amount[c], n);
    food_amount[c] = max(food_amount[c] - t * f32(n), 0.0);
    // The cell's cooldown counter starts again. Cells sharing its word are
    // settled by other invocations, so the word changes by one atomic XOR of
    // the counter's bits, old to new (no one else writes this counter here).
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
