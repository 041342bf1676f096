//! The food grid: amount, capacity and regrowth cooldown per cell.

use super::grid::Grid;
use super::params::{FoodParams, TerrainParams, WorldParams};
use super::terrain::Terrain;

/// The food grid (row-major, one entry per cell in every vector).
#[derive(Debug, Clone)]
pub struct Food {
    /// The grid over the world.
    pub grid: Grid,
    /// Food in each cell (f).
    pub amount: Vec<f32>,
    /// Most food each cell holds (f): the base capacity times its biome's multiplier.
    pub capacity: Vec<f32>,
    /// Seconds left before each cell regrows after it was eaten (s).
    pub cooldown: Vec<f32>,
}

impl Food {
    /// A food grid over the terrain, filled to `initial_fill` of capacity.
    pub fn new(world: &WorldParams, p: &FoodParams, tp: &TerrainParams, terrain: &Terrain) -> Self {
        let grid = Grid::new(world.width, world.height, p.cell_size);
        let mut capacity = Vec::with_capacity(grid.len());
        for cy in 0..grid.rows {
            for cx in 0..grid.cols {
                let centre = [
                    (cx as f32 + 0.5) * grid.cell_w,
                    (cy as f32 + 0.5) * grid.cell_h,
                ];
                capacity.push(p.capacity * terrain.biome(centre).food_multiplier(tp));
            }
        }
        let amount = capacity.iter().map(|c| c * p.initial_fill).collect();
        Self {
            grid,
            amount,
            capacity,
            cooldown: vec![0.0; grid.len()],
        }
    }

    /// Total food in the world (f), summed in f64.
    pub fn total(&self) -> f64 {
        self.amount.iter().map(|&a| a as f64).sum()
    }
}
