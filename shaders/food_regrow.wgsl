// food_regrow: logistic regrowth toward capacity after the eaten cell's
// cooldown. Twin of src/cpu/food_regrow.rs. Four cells per invocation, as
// vec4s, without branches on the cells: a cell counts its cooldown down while
// ticks are left, else grows if it has room; the values written for the other
// lanes are the ones read, so the result is the scalar rule's, cell by cell.
// Amounts are whole food quanta, two cells a word (src/model/quanta.rs):
// growth is rounded down or up by a per-cell dither, as on the CPU.
// Capacities follow from the biome code of the terrain cell under each
// cell's centre (`food_map` names it: a column per food column, a row's
// first cell per food row) and the uniform's capacity per biome, as on the
// CPU (src/model/food/mod.rs);
// cooldowns are ticks left, `u.cooldown_bits` (8 or 16)
// a cell packed into words, so the four cells are one word or two. (The
// buffers are padded to whole vec4s; the padding has capacity 0 and never
// grows: its code reads as 7, of capacity 0.)
// Its bindings are declared in src/gpu/food_regrow.rs, the shared structs and
// constants in src/gpu/layout.rs.

// The capacity of a cell of biome `code` (0–5): picked from the uniform by
// selects.
fn capacity_of(code: u32) -> f32 {
    let v = select(u.food_by_biome[0], u.food_by_biome[1], code >= 4u);
    let j = code & 3u;
    return select(select(v.x, v.y, j == 1u), select(v.z, v.w, j == 3u), j >= 2u);
}

// Cell k's dither this tick, uniform in [0, 1): the twin of
// model::quanta::dither.
fn food_dither(k: u32) -> f32 {
    return rng_unit(k * 0x9e3779b9u + u.food_key);
}

// The biome code under food cell (cy, cx), cell k (7 past the last cell).
fn code_at(k: u32, cy: u32, cx: u32) -> u32 {
    let t = food_map[u.food_cols + min(cy, u.food_rows - 1u)] + food_map[cx];
    return select(byte_at(terrain[t / 4u], t), 7u, k >= u.food_cells);
}

// The column after cx, and the row it lies in (a row of food_cols cells).
fn next_cell(c: vec2<u32>) -> vec2<u32> {
    let wraps = c.y + 1u == u.food_cols;
    return vec2<u32>(select(c.x, c.x + 1u, wraps), select(c.y + 1u, 0u, wraps));
}

// The biome codes under cells 4k .. 4k + 3: one division for the first
// cell's row and column, then column by column.
fn codes_of(k: u32) -> vec4<u32> {
    let first = 4u * k;
    let row = first / u.food_cols;
    let c0 = vec2<u32>(row, first - row * u.food_cols);
    let c1 = next_cell(c0);
    let c2 = next_cell(c1);
    let c3 = next_cell(c2);
    return vec4<u32>(
        code_at(first, c0.x, c0.y),
        code_at(first + 1u, c1.x, c1.y),
        code_at(first + 2u, c2.x, c2.y),
        code_at(first + 3u, c3.x, c3.y),
    );
}

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
    let k = flat_index(gid, nwg);
    if k >= (u.food_cells + 3u) / 4u {
        return;
    }
    let codes = codes_of(k);
    let c = vec4<f32>(capacity_of(codes.x), capacity_of(codes.y), capacity_of(codes.z), capacity_of(codes.w));
    // Ticks left per cell.
    var t: vec4<u32>;
    if u.cooldown_bits == 8u {
        t = (vec4<u32>(food_cooldown[k]) >> vec4<u32>(0u, 8u, 16u, 24u)) & vec4<u32>(0xffu);
    } else {
        let lo = food_cooldown[2u * k];
        let hi = food_cooldown[2u * k + 1u];
        t = vec4<u32>(lo & 0xffffu, lo >> 16u, hi & 0xffffu, hi >> 16u);
    }
    // Amounts in whole quanta, two cells a word.
    let w = food_amount[k];
    let held = vec4<u32>(w.x & 0xffffu, w.x >> 16u, w.y & 0xffffu, w.y >> 16u);
    let a = vec4<f32>(held) * u.food_quantum;
    let cooling = t > vec4<u32>(0u);
    let left = select(t, t - vec4<u32>(1u), cooling);
    if u.cooldown_bits == 8u {
        food_cooldown[k] = left.x | (left.y << 8u) | (left.z << 16u) | (left.w << 24u);
    } else {
        food_cooldown[2u * k] = left.x | (left.y << 16u);
        food_cooldown[2u * k + 1u] = left.z | (left.w << 16u);
    }
    // A cell grows when it is not cooling down and holds fewer quanta than
    // fit its capacity (none fit a capacity of 0).
    let most = min(vec4<u32>(c * u.food_per_quantum), vec4<u32>(0xffffu));
    let grows = !cooling & (held < most);
    let grow = u.regrow_rate * (a + u.seed_fraction * c) * (1.0 - a / c) * u.dt;
    let next = min(a + grow, c);
    // Whole quanta, rounded down or up by each cell's dither, held to the
    // quanta that fit the capacity.
    let cell = vec4<u32>(4u * k) + vec4<u32>(0u, 1u, 2u, 3u);
    let d = vec4<f32>(food_dither(cell.x), food_dither(cell.y), food_dither(cell.z), food_dither(cell.w));
    let q = select(held, min(vec4<u32>(next * u.food_per_quantum + d), most), grows);
    food_amount[k] = vec2<u32>(q.x | (q.y << 16u), q.z | (q.w << 16u));
}
