// The per-tick parameters shared by the entity passes.
// Layout: src/gpu/layout.rs `StepUniform` (checked by tests/shaders.rs).
struct StepUniform {
    n: u32,
    terrain_cols: u32,
    terrain_rows: u32,
    food_cells: u32,
    world_w: f32,
    world_h: f32,
    dt: f32,
    basal: f32,
    move_cost: f32,
    terrain_inv_w: f32,
    terrain_inv_h: f32,
    regrow_rate: f32,
    seed_fraction: f32,
    food_cols: u32,
    food_rows: u32,
    food_inv_w: f32,
    food_inv_h: f32,
    bite: f32,
    energy_per_unit: f32,
    energy_max: f32,
    graze_diet: f32,
    food_cooldown: f32,
    _pad0: u32,
    _pad1: u32,
}

// Biome codes 0 (ocean) and 1 (mountain) are impassable.
fn terrain_cell(u: StepUniform, p: vec2<f32>) -> u32 {
    return grid_cell(u.terrain_cols, u.terrain_rows, u.terrain_inv_w, u.terrain_inv_h, p);
}

fn food_cell(u: StepUniform, p: vec2<f32>) -> u32 {
    return grid_cell(u.food_cols, u.food_rows, u.food_inv_w, u.food_inv_h, p);
}
