// Grids over the toroidal world: the twin of src/model/grid.rs. Cells are
// found by multiplying by the reciprocal cell size (exactly rounded, unlike
// division), truncating toward zero and clamping, as the CPU does.
// GridUniform, NONE and FLAG_ALIVE come from Rust (src/gpu/layout.rs).

// The one cell lookup every grid uses (Grid::index on the CPU).
fn grid_cell(cols: u32, rows: u32, inv_w: f32, inv_h: f32, p: vec2<f32>) -> u32 {
    let cx = clamp(i32(p.x * inv_w), 0, i32(cols) - 1);
    let cy = clamp(i32(p.y * inv_h), 0, i32(rows) - 1);
    return u32(cy) * cols + u32(cx);
}

fn cell_index(g: GridUniform, p: vec2<f32>) -> u32 {
    return grid_cell(g.cols, g.rows, g.inv_w, g.inv_h, p);
}

// Index of invocation `gid` in a dispatch laid out by src/gpu/dispatch.rs
// (x × y workgroups of 256).
fn flat_index(gid: vec3<u32>, nwg: vec3<u32>) -> u32 {
    return gid.x + gid.y * nwg.x * 256u;
}

// Wraps a coordinate into [0, size): the twin of grid::wrap.
fn wrap_coord(x: f32, size: f32) -> f32 {
    var r = x;
    if x < 0.0 {
        r = x + size;
    } else if x >= size {
        r = x - size;
    } else {
        return x;
    }
    if r >= 0.0 && r < size {
        return r;
    }
    r = x - size * floor(x / size);
    if r >= size {
        r = r - size;
    }
    return max(r, 0.0);
}

// Byte k & 3 of `word` (little-endian): byte k of an array of bytes packed
// four to a word is byte_at(words[k / 4u], k).
fn byte_at(word: u32, k: u32) -> u32 {
    return (word >> ((k & 3u) * 8u)) & 0xffu;
}
