// Lookups through StepUniform (src/gpu/layout.rs), the per-tick parameters
// shared by the entity passes.

// Biome codes 0 (ocean) and 1 (mountain) are impassable.
fn terrain_cell(u: StepUniform, p: vec2<f32>) -> u32 {
    return grid_cell(u.terrain_cols, u.terrain_rows, u.terrain_inv_w, u.terrain_inv_h, p);
}

fn food_cell(u: StepUniform, p: vec2<f32>) -> u32 {
    return grid_cell(u.food_cols, u.food_rows, u.food_inv_w, u.food_inv_h, p);
}
