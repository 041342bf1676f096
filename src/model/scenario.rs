//! Scenarios: TOML files that set the world, the parameters and the tribes.
//!
//! Every table of [`SimParams`] may appear at the top level (`[world]`,
//! `[food]`, …); a key that is not known is an error, as is a value out of its
//! range. See `scenarios/default.toml` for a commented example.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::genes::{GENE_COUNT, GENE_NAMES, GENE_RANGES};
use super::params::*;
use super::validate::{Checker, InvalidField};

/// Largest number of entity slots a simulation may have.
pub const MAX_CAPACITY: u64 = 1 << 27;
/// Smallest automatic capacity.
pub const MIN_AUTO_CAPACITY: u32 = 65_536;

/// A gene's initial distribution in a tribe.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GeneSpec {
    /// Mean value, inside the gene's range.
    pub mean: f32,
    /// Standard deviation (same unit as the gene). Default 0.
    #[serde(default)]
    pub spread: f32,
}

/// Initial gene distributions of a tribe; a gene left out gets the middle of
/// its range and a spread of 5% of the range.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GeneSpecs {
    /// Top speed (wu/s), 5–25.
    pub speed: Option<GeneSpec>,
    /// Vision radius (wu), 5–100.
    pub vision: Option<GeneSpec>,
    /// Metabolism, 0.01–2.
    pub metabolism: Option<GeneSpec>,
    /// Reproduction chance (1/s), 0–0.2.
    pub repro_chance: Option<GeneSpec>,
    /// Aggression, 0–1.
    pub aggression: Option<GeneSpec>,
    /// Cohesion, 0–0.75.
    pub cohesion: Option<GeneSpec>,
    /// Food standards, 0–1.
    pub food_standards: Option<GeneSpec>,
    /// Diet, −1 (herbivore) … +1 (carnivore).
    pub diet: Option<GeneSpec>,
    /// View cone angle (degrees), 30–180.
    pub view_angle: Option<GeneSpec>,
}

impl GeneSpecs {
    fn slot(&self, k: usize) -> Option<GeneSpec> {
        [
            self.speed,
            self.vision,
            self.metabolism,
            self.repro_chance,
            self.aggression,
            self.cohesion,
            self.food_standards,
            self.diet,
            self.view_angle,
        ][k]
    }

    /// The distribution of gene `k`, with the default filled in.
    pub fn get(&self, k: usize) -> GeneSpec {
        self.slot(k).unwrap_or_else(|| {
            let (lo, hi) = GENE_RANGES[k];
            GeneSpec {
                mean: 0.5 * (lo + hi),
                spread: 0.05 * (hi - lo),
            }
        })
    }
}

/// A tribe: a named, coloured group of entities spawned together.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TribeSpec {
    /// Display name.
    pub name: String,
    /// Display colour, `#rrggbb`.
    #[serde(default = "default_color")]
    pub color: String,
    /// Initial number of entities.
    pub count: u32,
    /// Centre of the spawn disk (wu); absent: spawn anywhere on land.
    #[serde(default)]
    pub spawn_center: Option<[f32; 2]>,
    /// Radius of the spawn disk (wu). Default 500 when a centre is given.
    #[serde(default)]
    pub spawn_radius: Option<f32>,
    /// Initial gene distributions.
    #[serde(default)]
    pub genes: GeneSpecs,
}

fn default_color() -> String {
    "#cccccc".into()
}

fn default_name() -> String {
    "unnamed".into()
}

fn default_seed() -> u64 {
    1
}

/// A complete scenario: parameters, seed, capacity and tribes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Name shown in output.
    #[serde(default = "default_name")]
    pub name: String,
    /// Free text.
    #[serde(default)]
    pub description: String,
    /// Seed of every random number. Default 1.
    #[serde(default = "default_seed")]
    pub seed: u64,
    /// Entity slots; 0 means four times the initial population, at least 65,536.
    #[serde(default)]
    pub capacity: u32,
    /// World extent and tick length.
    #[serde(default)]
    pub world: WorldParams,
    /// Terrain generation.
    #[serde(default)]
    pub terrain: TerrainParams,
    /// Food grid.
    #[serde(default)]
    pub food: FoodParams,
    /// Spatial hash.
    #[serde(default)]
    pub hash: HashParams,
    /// Energy and life cycle.
    #[serde(default)]
    pub energy: EnergyParams,
    /// Combat and hunting.
    #[serde(default)]
    pub combat: CombatParams,
    /// Steering weights.
    #[serde(default)]
    pub steering: SteeringParams,
    /// How a child's genes mutate from its parent's.
    #[serde(default)]
    pub mutation: MutationParams,
    /// Species founding.
    #[serde(default)]
    pub species: SpeciesParams,
    /// Region grid.
    #[serde(default)]
    pub regions: RegionParams,
    /// The tribes, at least one.
    pub tribes: Vec<TribeSpec>,
}

/// Why a scenario could not be loaded. Each displays as one line.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    /// The file could not be read.
    #[error("cannot read scenario {path}: {source}")]
    Io {
        /// The path given.
        path: String,
        /// The OS error.
        source: std::io::Error,
    },
    /// The TOML is malformed or has an unknown key or a wrong type.
    #[error("{origin}:{line}:{column}: {message}")]
    Parse {
        /// File name or `<builtin>`.
        origin: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What the parser said.
        message: String,
    },
    /// A value is out of range or inconsistent.
    #[error("{origin}: {error}")]
    Invalid {
        /// File name or `<builtin>`.
        origin: String,
        /// The field and the problem.
        error: InvalidField,
    },
}

/// The bundled default scenario (`scenarios/default.toml`).
pub const DEFAULT_TOML: &str = include_str!("../../scenarios/default.toml");

impl Scenario {
    /// The bundled default scenario.
    pub fn default_scenario() -> Self {
        Self::from_toml(DEFAULT_TOML, "scenarios/default.toml")
            .expect("the bundled default scenario is valid")
    }

    /// Reads and validates a scenario file.
    pub fn load(path: &Path) -> Result<Self, ScenarioError> {
        let text = std::fs::read_to_string(path).map_err(|source| ScenarioError::Io {
            path: path.display().to_string(),
            source,
        })?;
        Self::from_toml(&text, &path.display().to_string())
    }

    /// Parses and validates scenario text; `origin` names it in errors.
    pub fn from_toml(text: &str, origin: &str) -> Result<Self, ScenarioError> {
        let s: Scenario = toml::from_str(text).map_err(|e| {
            let at = e.span().map(|s| s.start).unwrap_or(0).min(text.len());
            let before = &text[..at];
            let line = before.matches('\n').count() + 1;
            let column = before.len() - before.rfind('\n').map(|i| i + 1).unwrap_or(0) + 1;
            let message = e
                .message()
                .lines()
                .next()
                .unwrap_or("invalid TOML")
                .trim()
                .to_string();
            ScenarioError::Parse {
                origin: origin.to_string(),
                line,
                column,
                message,
            }
        })?;
        s.validate().map_err(|error| ScenarioError::Invalid {
            origin: origin.to_string(),
            error,
        })?;
        Ok(s)
    }

    /// The parameters of this scenario.
    pub fn params(&self) -> SimParams {
        SimParams {
            world: self.world.clone(),
            terrain: self.terrain.clone(),
            food: self.food.clone(),
            hash: self.hash.clone(),
            energy: self.energy.clone(),
            combat: self.combat.clone(),
            steering: self.steering.clone(),
            mutation: self.mutation.clone(),
            species: self.species.clone(),
            regions: self.regions.clone(),
        }
    }

    /// Total initial population.
    pub fn initial_population(&self) -> u64 {
        self.tribes.iter().map(|t| t.count as u64).sum()
    }

    /// The entity capacity: the given one, or four times the initial
    /// population and at least 65,536.
    pub fn resolved_capacity(&self) -> u32 {
        if self.capacity > 0 {
            self.capacity
        } else {
            (self.initial_population() * 4).clamp(MIN_AUTO_CAPACITY as u64, MAX_CAPACITY) as u32
        }
    }

    /// Checks every field; the error names the first bad field and its allowed range.
    pub fn validate(&self) -> Result<(), InvalidField> {
        self.params().validate()?;
        let mut c = Checker::default();
        if self.tribes.is_empty() {
            c.fail("tribes", "at least one [[tribes]] table is required");
        }
        c.range("tribes", self.tribes.len() as f64, 0.0, 65_535.0);
        let (w, h) = (self.world.width, self.world.height);
        for (i, t) in self.tribes.iter().enumerate() {
            let f = |name: &str| format!("tribes[{i}].{name}");
            if t.name.trim().is_empty() {
                c.fail(f("name"), "must not be empty");
            }
            if parse_color(&t.color).is_none() {
                c.fail(
                    f("color"),
                    format!("{:?} is not a colour of the form \"#rrggbb\"", t.color),
                );
            }
            c.range(f("count"), t.count as f64, 0.0, MAX_CAPACITY as f64);
            if let Some([x, y]) = t.spawn_center {
                c.range(f("spawn_center[0]"), x as f64, 0.0, w as f64);
                c.range(f("spawn_center[1]"), y as f64, 0.0, h as f64);
            }
            if let Some(r) = t.spawn_radius {
                c.range(f("spawn_radius"), r as f64, 0.0, w.max(h) as f64);
            }
            for k in 0..GENE_COUNT {
                let g = t.genes.get(k);
                let (lo, hi) = GENE_RANGES[k];
                c.range(
                    f(&format!("genes.{}.mean", GENE_NAMES[k])),
                    g.mean as f64,
                    lo as f64,
                    hi as f64,
                );
                c.range(
                    f(&format!("genes.{}.spread", GENE_NAMES[k])),
                    g.spread as f64,
                    0.0,
                    (hi - lo) as f64,
                );
            }
        }
        let total = self.initial_population();
        c.range(
            "tribes (total count)",
            total as f64,
            0.0,
            MAX_CAPACITY as f64,
        );
        if self.capacity > 0 {
            c.range(
                "capacity",
                self.capacity as f64,
                total.max(1) as f64,
                MAX_CAPACITY as f64,
            );
        }
        c.finish()
    }

    /// This scenario resized to `n` initial entities at the same density: the
    /// world's sides, spawn centres and radii scale by √(n / initial), tribe
    /// counts keep their proportions, and grids coarsen if they would grow too large.
    pub fn scaled_to(&self, n: u64) -> Result<Self, InvalidField> {
        let initial = self.initial_population();
        if initial == 0 {
            return Err(InvalidField {
                field: "tribes".into(),
                problem: "cannot scale a scenario with no entities".into(),
            });
        }
        if n == 0 || n > MAX_CAPACITY / 4 {
            return Err(InvalidField {
                field: "--entities".into(),
                problem: format!("{n} is out of range (allowed 1 to {})", MAX_CAPACITY / 4),
            });
        }
        let mut s = self.clone();
        let f = n as f64 / initial as f64;
        let lin = f.sqrt() as f32;
        s.world.width = (self.world.width * lin).round().max(64.0);
        s.world.height = (self.world.height * lin).round().max(64.0);
        let (sx, sy) = (
            s.world.width / self.world.width,
            s.world.height / self.world.height,
        );
        // Largest-remainder split of n over the tribes, in proportion to their counts.
        let exact: Vec<f64> = self.tribes.iter().map(|t| t.count as f64 * f).collect();
        let mut counts: Vec<u64> = exact.iter().map(|x| x.floor() as u64).collect();
        let mut order: Vec<usize> = (0..counts.len()).collect();
        order.sort_by(|&a, &b| {
            (exact[b] - exact[b].floor())
                .total_cmp(&(exact[a] - exact[a].floor()))
                .then(a.cmp(&b))
        });
        let short = n - counts.iter().sum::<u64>();
        for &i in order.iter().cycle().take(short as usize) {
            counts[i] += 1;
        }
        for (t, count) in s.tribes.iter_mut().zip(counts) {
            t.count = count as u32;
            t.spawn_center = t
                .spawn_center
                .map(|[x, y]| [(x * sx).min(s.world.width), (y * sy).min(s.world.height)]);
            t.spawn_radius = t.spawn_radius.map(|r| r * lin);
        }
        if self.capacity > 0 {
            s.capacity = ((self.capacity as f64 * f).ceil() as u64).clamp(n, MAX_CAPACITY) as u32;
        }
        let cells = |size: f32| {
            (s.world.width as f64 / size as f64) * (s.world.height as f64 / size as f64)
        };
        while cells(s.food.cell_size) > MAX_GRID_CELLS as f64 {
            s.food.cell_size *= 2.0;
            s.food.capacity *= 4.0;
        }
        while cells(s.terrain.cell_size) > MAX_GRID_CELLS as f64 {
            s.terrain.cell_size *= 2.0;
        }
        while cells(s.hash.cell_size) > MAX_GRID_CELLS as f64 {
            s.hash.cell_size *= 2.0;
        }
        s.validate()?;
        Ok(s)
    }
}

/// Parses `#rrggbb` into RGB bytes.
pub fn parse_color(s: &str) -> Option<[u8; 3]> {
    let hex = s.strip_prefix('#')?;
    if hex.len() != 6 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let v = u32::from_str_radix(hex, 16).ok()?;
    Some([(v >> 16) as u8, (v >> 8) as u8, v as u8])
}
