//! Terrain from seeded, toroidal value noise: impassable ocean and mountain, and
//! four biomes that scale the food capacity.

use rayon::prelude::*;

use super::grid::Grid;
use super::params::{TerrainParams, WorldParams};
use super::rng::{rng, stream, unit};

/// Declares every biome once: its code in the terrain grid (and in the
/// shaders' terrain buffer), its name and its meaning. Generates [`Biome`],
/// [`Biome::ALL`] and [`Biome::name`].
macro_rules! biomes {
    ($( $(#[doc = $doc:literal])* $biome:ident = $code:literal, $name:literal; )*) => {
        /// Kind of a terrain cell.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        #[repr(u8)]
        pub enum Biome {
            $( $(#[doc = $doc])* $biome = $code, )*
        }

        impl Biome {
            /// All biomes, in code order.
            pub const ALL: [Biome; 6] = [$(Biome::$biome),*];

            /// Lower-case name.
            pub fn name(self) -> &'static str {
                [$($name),*][self as usize]
            }
        }
    };
}

biomes! {
    /// Impassable water.
    Ocean = 0, "ocean";
    /// Impassable rock.
    Mountain = 1, "mountain";
    /// Richest food.
    Forest = 2, "forest";
    /// Rich food.
    Grassland = 3, "grassland";
    /// Poor food.
    Savanna = 4, "savanna";
    /// Barely any food.
    Desert = 5, "desert";
}

impl Biome {
    /// The biome of a stored code.
    #[inline]
    pub fn from_code(c: u8) -> Biome {
        Self::ALL[(c as usize).min(5)]
    }

    /// Whether entities may stand on it.
    #[inline]
    pub fn passable(self) -> bool {
        self as u8 >= 2
    }

    /// Food capacity multiplier of this biome.
    pub fn food_multiplier(self, p: &TerrainParams) -> f32 {
        match self {
            Biome::Ocean | Biome::Mountain => 0.0,
            Biome::Forest => p.forest_food,
            Biome::Grassland => p.grassland_food,
            Biome::Savanna => p.savanna_food,
            Biome::Desert => p.desert_food,
        }
    }
}

/// The terrain grid: one biome code per cell.
#[derive(Debug, Clone)]
pub struct Terrain {
    /// The grid over the world.
    pub grid: Grid,
    /// Biome code per cell, row-major.
    pub cells: std::sync::Arc<Vec<u8>>,
}

/// Toroidal value noise in `[0, 1]`: `octaves` layers, the first with `n0`
/// lattice cells across the world, each next one twice as fine at half the weight.
fn value_noise(seed: u64, stream_base: u32, u: f32, v: f32, n0: (u32, u32), octaves: u32) -> f32 {
    let (mut sum, mut amp, mut norm) = (0.0f32, 1.0f32, 0.0f32);
    for o in 0..octaves {
        let (nx, ny) = (n0.0 << o, n0.1 << o);
        let (x, y) = (u * nx as f32, v * ny as f32);
        let (x0, y0) = (x.floor(), y.floor());
        let (fx, fy) = (x - x0, y - y0);
        let (sx, sy) = (fx * fx * (3.0 - 2.0 * fx), fy * fy * (3.0 - 2.0 * fy));
        let (ix, iy) = (x0 as u32 % nx, y0 as u32 % ny);
        let (jx, jy) = ((ix + 1) % nx, (iy + 1) % ny);
        let at = |cx: u32, cy: u32| {
            unit(rng(
                seed,
                o,
                cy.wrapping_mul(nx).wrapping_add(cx),
                stream_base,
            ))
        };
        let top = at(ix, iy) + (at(jx, iy) - at(ix, iy)) * sx;
        let bottom = at(ix, jy) + (at(jx, jy) - at(ix, jy)) * sx;
        sum += amp * (top + (bottom - top) * sy);
        norm += amp;
        amp *= 0.5;
    }
    // Averaging octaves narrows the spread around 0.5: stretch it back.
    (0.5 + (sum / norm - 0.5) * 1.8).clamp(0.0, 1.0)
}

impl Terrain {
    /// Generates the terrain of a world from the seed.
    pub fn generate(world: &WorldParams, p: &TerrainParams, seed: u64) -> Self {
        let grid = Grid::new(world.width, world.height, p.cell_size);
        let n0 = (
            (world.width / p.noise_scale).round().max(1.0) as u32,
            (world.height / p.noise_scale).round().max(1.0) as u32,
        );
        let mut cells = vec![0u8; grid.len()];
        cells
            .par_chunks_mut(grid.cols as usize)
            .enumerate()
            .for_each(|(cy, row)| {
                for (cx, c) in row.iter_mut().enumerate() {
                    let u = (cx as f32 + 0.5) / grid.cols as f32;
                    let v = (cy as f32 + 0.5) / grid.rows as f32;
                    let e = value_noise(seed, stream::TERRAIN_ELEVATION, u, v, n0, 4);
                    let m = value_noise(
                        seed,
                        stream::TERRAIN_MOISTURE,
                        u,
                        v,
                        (n0.0 * 2, n0.1 * 2),
                        3,
                    );
                    *c = classify(p, e, m) as u8;
                }
            });
        Self {
            grid,
            cells: std::sync::Arc::new(cells),
        }
    }

    /// A terrain where every cell is of one biome (for tests and simple scenarios).
    pub fn uniform(world: &WorldParams, p: &TerrainParams, biome: Biome) -> Self {
        let grid = Grid::new(world.width, world.height, p.cell_size);
        Self {
            grid,
            cells: std::sync::Arc::new(vec![biome as u8; grid.len()]),
        }
    }

    /// The biome at a position inside the world.
    #[inline]
    pub fn biome(&self, pos: [f32; 2]) -> Biome {
        Biome::from_code(self.cells[self.grid.index(pos) as usize])
    }

    /// Whether a position inside the world is passable.
    #[inline(always)]
    pub fn passable(&self, pos: [f32; 2]) -> bool {
        self.cells[self.grid.index(pos) as usize] >= 2
    }

    /// Whether any position (wrapped into the world first) is passable.
    #[inline]
    pub fn passable_wrapped(&self, pos: [f32; 2]) -> bool {
        self.cells[self.grid.index_wrapped(pos) as usize] >= 2
    }

    /// Fraction of cells of each biome, in [`Biome::ALL`] order.
    pub fn fractions(&self) -> [f32; 6] {
        let mut n = [0usize; 6];
        for &c in self.cells.iter() {
            n[(c as usize).min(5)] += 1;
        }
        n.map(|k| k as f32 / self.cells.len() as f32)
    }
}

fn classify(p: &TerrainParams, elevation: f32, moisture: f32) -> Biome {
    if elevation < p.ocean_level {
        Biome::Ocean
    } else if elevation > p.mountain_level {
        Biome::Mountain
    } else if moisture > p.forest_moisture {
        Biome::Forest
    } else if moisture > p.grassland_moisture {
        Biome::Grassland
    } else if moisture > p.savanna_moisture {
        Biome::Savanna
    } else {
        Biome::Desert
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_terrain_has_every_biome_and_mostly_land() {
        let t = Terrain::generate(&WorldParams::default(), &TerrainParams::default(), 42);
        let f = t.fractions();
        eprintln!(
            "ocean {:.2} mountain {:.2} forest {:.2} grass {:.2} savanna {:.2} desert {:.2}",
            f[0], f[1], f[2], f[3], f[4], f[5]
        );
        for (b, frac) in Biome::ALL.iter().zip(f) {
            assert!(frac > 0.02, "{} covers only {frac}", b.name());
        }
        assert!(f[2] + f[3] + f[4] + f[5] > 0.5);
    }

    #[test]
    fn terrain_is_seeded_and_seamless() {
        let w = WorldParams::default();
        let p = TerrainParams::default();
        let a = Terrain::generate(&w, &p, 1);
        assert_eq!(a.cells, Terrain::generate(&w, &p, 1).cells);
        assert_ne!(a.cells, Terrain::generate(&w, &p, 2).cells);
        // Across the seam, neighbouring cells agree about as often as inside.
        let (cols, rows) = (a.grid.cols as usize, a.grid.rows as usize);
        let same = |x0: usize, x1: usize| {
            (0..rows)
                .filter(|&y| a.cells[y * cols + x0] == a.cells[y * cols + x1])
                .count()
        };
        let seam = same(cols - 1, 0);
        let inside = same(cols / 2 - 1, cols / 2);
        assert!(
            seam as f32 > 0.6 * inside as f32,
            "seam {seam} inside {inside}"
        );
    }
}
