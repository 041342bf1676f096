//! The food grid: amount and regrowth cooldown per cell; each cell's capacity
//! is derived from the terrain under its centre, never stored per cell.
//!
//! Three bytes a cell: the amount in whole quanta (`u16`: see
//! [`super::quanta`]) and the ticks left of the cooldown (`u8`; `u16` when
//! the cooldown lasts more than 255 ticks: see [`Cooldowns`]). The cooldown
//! of the model is a number of seconds counted down by
//! `dt` each tick (`t ← max(t − dt, 0)`, regrowth while `t = 0`); since an
//! eaten cell always starts from `food.cooldown`, the seconds left are a
//! function of the ticks elapsed, so counting ticks is the same model, exactly
//! (see [`Countdown`]). The GPU keeps the same counters, packed
//! ([`Cooldowns::as_bytes`]), and derives capacities from the terrain
//! through [`Food::terrain_map`]; snapshots store seconds
//! ([`Food::cooldown_seconds`], [`Food::set_cooldown_seconds`]).

mod cooldown;

pub use cooldown::{Cooldowns, Countdown, MAX_COOLDOWN_TICKS, cooldown_bits};

use super::grid::Grid;
use super::params::{FoodParams, TerrainParams, WorldParams};
use super::quanta::Quantum;
use super::terrain::{Biome, Terrain};

/// The food capacity per biome code (f): `food.capacity` times the biome's
/// multiplier (the CPU's [`Food::capacity`] and the GPU's step uniform).
pub fn capacity_by_biome(p: &FoodParams, tp: &TerrainParams) -> [f32; 6] {
    let mut by_biome = [0.0; 6];
    for b in Biome::ALL {
        by_biome[b as usize] = p.capacity * b.food_multiplier(tp);
    }
    by_biome
}

/// Each cell's capacity, from the biome under its centre.
#[derive(Debug, Clone, PartialEq)]
pub struct Capacity {
    /// Capacity per biome code (f).
    by_biome: [f32; 6],
    /// Terrain codes, row-major (a copy of the terrain's).
    terrain: std::sync::Arc<Vec<u8>>,
    /// Capacity per byte value of a code (codes above 5 read as 5), so
    /// that a code indexes it without a check.
    by_code: [f32; 256],
    /// Terrain column under the centre of each food column.
    col: Vec<u32>,
    /// `col` in runs: a terrain column and the number of consecutive food
    /// columns over it (what [`Self::fill_row`] walks).
    runs: Vec<[u32; 2]>,
    /// Index of the first terrain cell of the row under the centre of each food row.
    row: Vec<u32>,
}

impl Capacity {
    fn new(grid: &Grid, p: &FoodParams, tp: &TerrainParams, terrain: &Terrain) -> Self {
        let by_biome = capacity_by_biome(p, tp);
        let t = &terrain.grid;
        let col = (0..grid.cols)
            .map(|cx| t.cell_xy([(cx as f32 + 0.5) * grid.cell_w, 0.0]).0)
            .collect();
        let row = (0..grid.rows)
            .map(|cy| t.cell_xy([0.0, (cy as f32 + 0.5) * grid.cell_h]).1 * t.cols)
            .collect();
        let mut runs: Vec<[u32; 2]> = Vec::new();
        for &tx in &col {
            match runs.last_mut() {
                Some([last, n]) if *last == tx => *n += 1,
                _ => runs.push([tx, 1]),
            }
        }
        Self {
            by_biome,
            by_code: std::array::from_fn(|code| by_biome[code.min(5)]),
            terrain: std::sync::Arc::clone(&terrain.cells),
            col,
            runs,
            row,
        }
    }

    /// The capacity of the food cell at row `cy`, column `cx`.
    #[inline]
    pub fn at(&self, cy: usize, cx: usize) -> f32 {
        let code = self.terrain[self.row[cy] as usize + self.col[cx] as usize];
        self.by_biome[(code as usize).min(5)]
    }

    /// Puts the capacities of food row `cy` in `buf`, unless `buf` holds
    /// them already (rows over the same terrain row share them; `key`
    /// remembers which terrain row `buf` holds: start it at `usize::MAX`).
    #[inline]
    pub fn fill_row(&self, cy: usize, buf: &mut Vec<f32>, key: &mut usize) {
        let base = self.row[cy] as usize;
        if *key != base || buf.len() != self.col.len() {
            buf.clear();
            let codes = &self.terrain[base..];
            for &[tx, n] in &self.runs {
                let c = self.by_code[codes[tx as usize] as usize];
                buf.extend(std::iter::repeat_n(c, n as usize));
            }
            *key = base;
        }
    }

    /// The capacities of food row `cy`, column by column.
    #[inline]
    pub fn row(&self, cy: usize) -> impl Iterator<Item = f32> + '_ {
        let base = self.row[cy] as usize;
        let codes = &self.terrain[base..];
        self.col
            .iter()
            .map(move |&tx| self.by_biome[(codes[tx as usize] as usize).min(5)])
    }
}

/// The food grid (row-major, one entry per cell in every vector).
#[derive(Debug, Clone, PartialEq)]
pub struct Food {
    /// The grid over the world.
    pub grid: Grid,
    /// Food in each cell, in whole quanta of [`Self::quantum`] (see
    /// [`Self::amount`]).
    pub quanta: Vec<u16>,
    /// The food quantum.
    quantum: Quantum,
    /// Ticks left before each cell regrows after it was eaten (0: it regrows).
    pub cooldown: Cooldowns,
    /// Capacities, derived from the terrain.
    capacity: Capacity,
    /// The cooldown's ticks and seconds.
    countdown: Countdown,
}

impl Food {
    /// A food grid over the terrain, filled to `initial_fill` of capacity.
    /// The parameters must be valid (`SimParams::validate`), else the
    /// cooldown is cut to [`MAX_COOLDOWN_TICKS`].
    pub fn new(world: &WorldParams, p: &FoodParams, tp: &TerrainParams, terrain: &Terrain) -> Self {
        let grid = Grid::new(world.width, world.height, p.cell_size);
        let capacity = Capacity::new(&grid, p, tp, terrain);
        let countdown = Countdown::capped(p.cooldown, world.dt);
        let quantum = Quantum::new(p, tp);
        let mut quanta = Vec::with_capacity(grid.len());
        for cy in 0..grid.rows as usize {
            quanta.extend(
                capacity.row(cy).map(|c| {
                    (quantum.nearest(c * p.initial_fill) as u32).min(quantum.most(c)) as u16
                }),
            );
        }
        Self {
            grid,
            quanta,
            quantum,
            cooldown: Cooldowns::new(grid.len(), countdown.ticks()),
            capacity,
            countdown,
        }
    }

    /// The capacities of food row `cy` (f), column by column.
    #[inline]
    pub fn capacity_row(&self, cy: usize) -> impl Iterator<Item = f32> + '_ {
        self.capacity.row(cy)
    }

    /// The amounts and cooldowns to change, and the capacities beside them.
    #[inline]
    pub fn parts_mut(&mut self) -> (&mut [u16], &mut Cooldowns, &Capacity) {
        (&mut self.quanta, &mut self.cooldown, &self.capacity)
    }

    /// The food quantum.
    #[inline]
    pub fn quantum(&self) -> Quantum {
        self.quantum
    }

    /// The food in cell `k` (f).
    #[inline]
    pub fn amount(&self, k: usize) -> f32 {
        self.quantum.amount(self.quanta[k])
    }

    /// Sets the food in cell `k` to the nearest whole quanta to `a` f.
    #[inline]
    pub fn set_amount(&mut self, k: usize, a: f32) {
        self.quanta[k] = self.quantum.nearest(a);
    }

    /// Every cell's food (f), row-major.
    pub fn amounts(&self) -> Vec<f32> {
        self.quanta
            .iter()
            .map(|&q| self.quantum.amount(q))
            .collect()
    }

    /// Sets every cell's food to the nearest whole quanta to `amounts` (f;
    /// one per cell).
    pub fn set_amounts(&mut self, amounts: &[f32]) {
        debug_assert_eq!(amounts.len(), self.quanta.len());
        for (q, &a) in self.quanta.iter_mut().zip(amounts) {
            *q = self.quantum.nearest(a);
        }
    }

    /// Every cell's capacity (f), row-major: built on request.
    pub fn capacities(&self) -> Vec<f32> {
        let mut v = Vec::with_capacity(self.grid.len());
        for cy in 0..self.grid.rows as usize {
            v.extend(self.capacity.row(cy));
        }
        v
    }

    /// The terrain cell under each food cell's centre, as the GPU keeps it:
    /// the terrain column under each food column (`grid.cols` words), then
    /// the first terrain cell of the row under each food row (`grid.rows`
    /// words). Food cell `(cy, cx)` lies over terrain cell
    /// `map[cols + cy] + map[cx]`, whose biome gives its capacity.
    pub fn terrain_map(&self) -> Vec<u32> {
        let c = &self.capacity;
        c.col.iter().chain(&c.row).copied().collect()
    }

    /// The capacity per biome code (f).
    pub fn capacity_by_biome(&self) -> [f32; 6] {
        self.capacity.by_biome
    }

    /// The capacity of cell `k` (f).
    #[inline]
    pub fn capacity(&self, k: usize) -> f32 {
        let cols = self.grid.cols as usize;
        self.capacity.at(k / cols, k % cols)
    }

    /// Ticks a freshly eaten cell waits before it regrows.
    #[inline]
    pub fn cooldown_ticks(&self) -> u16 {
        self.countdown.ticks()
    }

    /// Every cell's cooldown in seconds left, as the model states it (and
    /// snapshots store it).
    pub fn cooldown_seconds(&self) -> Vec<f32> {
        (0..self.cooldown.len())
            .map(|k| self.countdown.seconds(self.cooldown.get(k)))
            .collect()
    }

    /// Sets every cell's cooldown from seconds left (exact for the values
    /// the model's countdown passes through).
    pub fn set_cooldown_seconds(&mut self, secs: &[f32]) {
        let mut c = Cooldowns::new(secs.len(), self.countdown.ticks());
        for (k, &s) in secs.iter().enumerate() {
            c.set(k, self.countdown.ticks_left(s));
        }
        self.cooldown = c;
    }

    /// Total food in the world (f): the quanta summed exactly, times the quantum.
    pub fn total(&self) -> f64 {
        self.quanta.iter().map(|&q| q as u64).sum::<u64>() as f64 * self.quantum.size as f64
    }
}

const H: f32 = std::f32::consts::FRAC_1_SQRT_2;

/// Directions (cos, sin of the angle from the heading) and distances (fraction
/// of vision) of the food cells an entity samples, in sampling order; samples
/// outside the view cone are skipped.
pub const FOOD_SAMPLES: [[f32; 3]; 16] = [
    [1.0, 0.0, 1.0],
    [0.923_879_5, 0.382_683_43, 0.55],
    [0.923_879_5, -0.382_683_43, 0.55],
    [H, H, 1.0],
    [H, -H, 1.0],
    [0.382_683_43, 0.923_879_5, 0.55],
    [0.382_683_43, -0.923_879_5, 0.55],
    [0.0, 1.0, 1.0],
    [0.0, -1.0, 1.0],
    [-0.382_683_43, 0.923_879_5, 0.55],
    [-0.382_683_43, -0.923_879_5, 0.55],
    [-H, H, 1.0],
    [-H, -H, 1.0],
    [-0.923_879_5, 0.382_683_43, 0.55],
    [-0.923_879_5, -0.382_683_43, 0.55],
    [-1.0, 0.0, 1.0],
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_gpu_packing_round_trips_and_the_terrain_map_gives_the_capacities() {
        for cooldown in [2.0f32, 10.0] {
            let p = crate::SimParams {
                food: FoodParams {
                    cooldown,
                    ..Default::default()
                },
                ..Default::default()
            };
            let terrain = Terrain::generate(&p.world, &p.terrain, 3);
            let mut food = Food::new(&p.world, &p.food, &p.terrain, &terrain);
            let ticks = food.cooldown_ticks();
            assert_eq!(food.cooldown.bits(), cooldown_bits(ticks));
            for k in 0..food.cooldown.len() {
                food.cooldown.set(k, (k * 7 % (ticks as usize + 1)) as u16);
            }
            let bytes = food.cooldown.as_bytes().to_vec();
            assert_eq!(
                bytes.len(),
                food.cooldown.len() * food.cooldown.bits() as usize / 8
            );
            let mut back = Cooldowns::new(food.cooldown.len(), ticks);
            back.copy_from_bytes(&bytes);
            assert_eq!(back, food.cooldown);
            let by_biome = food.capacity_by_biome();
            let map = food.terrain_map();
            let cols = food.grid.cols as usize;
            assert_eq!(map.len(), cols + food.grid.rows as usize);
            let codes: Vec<u8> = (0..food.grid.len())
                .map(|k| {
                    let t = (map[cols + k / cols] + map[k % cols]) as usize;
                    terrain.cells[t]
                })
                .collect();
            for (k, &c) in codes.iter().enumerate() {
                assert_eq!(by_biome[c as usize], food.capacity(k), "cell {k}");
            }
            let mut kinds = codes.clone();
            kinds.sort_unstable();
            kinds.dedup();
            assert!(kinds.len() >= 3, "biomes {kinds:?}");
        }
    }
}
