//! `SimParams`: every constant of the world model, with its unit, default and
//! allowed range declared once (the macro below generates the struct, its
//! `Default`, its range validation and the default and range in each field's
//! documentation from the same line).
//!
//! Units: world units (wu) for lengths, seconds (s) for time, energy units (e)
//! for energy, food units (f) for food. Every rate is per second and is
//! multiplied by `world.dt` when applied.

use serde::{Deserialize, Serialize};

use super::validate::{Checker, InvalidField};

macro_rules! param_group {
    (
        $(#[$meta:meta])*
        $name:ident, $section:literal {
            $( $(#[doc = $doc:literal])* $field:ident : $ty:ty = $default:expr, [$lo:expr, $hi:expr]; )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        #[serde(default, deny_unknown_fields)]
        pub struct $name {
            $(
                $(#[doc = $doc])*
                #[doc = concat!(
                    "\n\nDefault ", stringify!($default),
                    "; allowed ", stringify!($lo), " to ", stringify!($hi), "."
                )]
                pub $field: $ty,
            )*
        }

        impl Default for $name {
            fn default() -> Self {
                Self { $( $field: $default, )* }
            }
        }

        impl $name {
            /// Checks every field against its allowed range.
            pub fn validate(&self, c: &mut Checker) {
                $( c.range(concat!($section, ".", stringify!($field)), self.$field as f64, $lo as f64, $hi as f64); )*
            }
        }
    };
}

param_group! {
    /// The world's extent and the tick length.
    WorldParams, "world" {
        /// World width (wu); the world wraps around (torus).
        width: f32 = 8192.0, [64, 1_048_576];
        /// World height (wu).
        height: f32 = 8192.0, [64, 1_048_576];
        /// Fixed tick length (s).
        dt: f32 = 1.0 / 60.0, [0.001, 0.1];
    }
}

param_group! {
    /// Terrain from seeded value noise: impassable ocean and mountain, four food biomes.
    TerrainParams, "terrain" {
        /// Terrain cell size (wu).
        cell_size: f32 = 64.0, [4, 65536];
        /// Size of the largest noise feature (wu).
        noise_scale: f32 = 1400.0, [16, 1_048_576];
        /// Elevation below which a cell is ocean (0 disables ocean).
        ocean_level: f32 = 0.30, [0, 1];
        /// Elevation above which a cell is mountain (1 disables mountains).
        mountain_level: f32 = 0.72, [0, 1];
        /// Moisture above which land is forest.
        forest_moisture: f32 = 0.58, [0, 1];
        /// Moisture above which land is grassland.
        grassland_moisture: f32 = 0.46, [0, 1];
        /// Moisture above which land is savanna, below it desert.
        savanna_moisture: f32 = 0.36, [0, 1];
        /// Food capacity multiplier in forest.
        forest_food: f32 = 3.0, [0, 100];
        /// Food capacity multiplier in grassland.
        grassland_food: f32 = 1.5, [0, 100];
        /// Food capacity multiplier in savanna.
        savanna_food: f32 = 0.8, [0, 100];
        /// Food capacity multiplier in desert.
        desert_food: f32 = 0.15, [0, 100];
    }
}

param_group! {
    /// The food grid: logistic regrowth toward a per-cell capacity.
    FoodParams, "food" {
        /// Food cell size (wu): food grows in patches this size. `capacity` is per
        /// cell, so scaling the size by k takes k² times the capacity for the same
        /// food per area (docs/TUNING.md, "Food cells of 32 wu").
        cell_size: f32 = 32.0, [1, 65536];
        /// Food capacity of a cell before the biome multiplier (f).
        capacity: f32 = 16.0, [0, 1_000_000];
        /// Logistic regrowth rate (1/s).
        regrow_rate: f32 = 0.05, [0, 100];
        /// Regrowth seed, as a fraction of capacity, so that bare cells regrow.
        seed_fraction: f32 = 0.05, [0, 1];
        /// Delay before a cell that was just eaten regrows (s).
        cooldown: f32 = 2.0, [0, 3600];
        /// Most food one grazer eats per second at metabolism 1 (f/s).
        bite: f32 = 6.0, [0, 1_000_000];
        /// Energy gained per food unit at full plant efficiency (e/f).
        energy_per_unit: f32 = 2.0, [0, 10_000];
        /// Initial food as a fraction of capacity.
        initial_fill: f32 = 0.7, [0, 1];
        /// Entities with a diet gene below this graze (−1 herbivore … +1 carnivore).
        graze_diet: f32 = 0.5, [-1, 1];
    }
}

param_group! {
    /// The spatial hash used for neighbour queries.
    HashParams, "hash" {
        /// Hash cell size (wu). An index, not part of the model: fewer, fuller
        /// cells suit the lane search, and a creature sees the same neighbours
        /// unless `max_neighbors` binds (docs/TUNING.md, "The hash grid's cell size").
        cell_size: f32 = 80.0, [1, 65536];
        /// Most neighbours accepted per entity per tick (early exit).
        max_neighbors: u32 = 24, [1, 256];
        /// Ticks between re-sorting the entity slots into cell order, for memory
        /// locality (0: never). Changes slot numbers, never ids.
        reorder_interval: u32 = 30, [0, 1_000_000];
    }
}

param_group! {
    /// Energy budget, life cycle and reproduction.
    EnergyParams, "energy" {
        /// Largest energy an entity holds (e).
        max: f32 = 100.0, [1, 1_000_000];
        /// Energy of a spawned entity (e).
        initial: f32 = 60.0, [0, 1_000_000];
        /// Basal cost (e/s), multiplied by (0.5 + metabolism gene).
        basal: f32 = 0.5, [0, 1_000_000];
        /// Movement cost per squared speed ((e/s)/(wu/s)²).
        move_cost: f32 = 0.0008, [0, 1000];
        /// Energy above which an entity may reproduce (e).
        repro_threshold: f32 = 55.0, [0, 1_000_000];
        /// Share of the parent's energy given to the child.
        child_share: f32 = 0.4, [0.01, 0.99];
        /// Lifespan at metabolism 1 (s); ×(1.25 − 0.25·metabolism).
        lifespan: f32 = 300.0, [1, 1_000_000_000];
        /// Age before which an entity cannot reproduce (s).
        maturity: f32 = 8.0, [0, 1_000_000_000];
        /// Energy fraction below which an entity is hungry (hunts, seeks food).
        hungry: f32 = 0.7, [0, 1];
    }
}

param_group! {
    /// Hunting and combat.
    CombatParams, "combat" {
        /// Distance within which an attack lands (wu).
        reach: f32 = 6.0, [0, 100_000];
        /// Attack rate at aggression 1 (1/s); the roll is `fight_probability·aggression·dt`.
        fight_probability: f32 = 4.0, [0, 10_000];
        /// Damage of one attack before modifiers (e).
        damage: f32 = 10.0, [0, 1_000_000];
        /// Extra damage per other attacker of the same tribe on the same target (fraction).
        pack_bonus: f32 = 0.3, [0, 100];
        /// Energy an attacker gains per damage dealt, times its diet (e/e).
        gain: f32 = 0.5, [0, 100];
        /// Energy gained for a kill, times the killer's diet (e).
        kill_bonus: f32 = 15.0, [0, 1_000_000];
        /// Entities with a diet gene above this hunt when hungry.
        hunt_diet: f32 = 0.2, [-1, 1];
        /// Entities with a diet gene below this flee from hunters in view.
        flee_diet: f32 = 0.0, [-1, 1];
        /// Vision multiplier while hungry and hunting.
        hunt_vision: f32 = 1.3, [1, 3];
    }
}

param_group! {
    /// Steering weights (accelerations in wu/s²) and sensing limits.
    SteeringParams, "steering" {
        /// Distance under which neighbours push each other apart (wu).
        personal_space: f32 = 10.0, [0, 100_000];
        /// Separation weight (wu/s²).
        separation: f32 = 50.0, [0, 1_000_000];
        /// Alignment weight with the own tribe, times the cohesion gene (1/s).
        alignment: f32 = 2.0, [0, 1_000_000];
        /// Cohesion weight toward the own tribe's centre, times the cohesion gene (1/s²).
        cohesion: f32 = 1.5, [0, 1_000_000];
        /// Flee weight away from hunters in view (wu/s²).
        flee: f32 = 80.0, [0, 1_000_000];
        /// Pursuit weight toward the chosen prey (wu/s²).
        hunt: f32 = 70.0, [0, 1_000_000];
        /// Food-seeking weight toward the best food cell in view (wu/s²).
        food: f32 = 30.0, [0, 1_000_000];
        /// Random wander weight (wu/s²).
        wander: f32 = 10.0, [0, 1_000_000];
        /// Terrain avoidance weight (wu/s²).
        terrain: f32 = 120.0, [0, 1_000_000];
        /// Terrain look-ahead distance (wu).
        lookahead: f32 = 20.0, [0, 100_000];
        /// Largest steering acceleration (wu/s²).
        max_accel: f32 = 80.0, [0, 1_000_000];
        /// Food cells sampled per entity per tick.
        food_samples: u32 = 6, [0, 16];
    }
}

param_group! {
    /// Mutation of a child's genes.
    MutationParams, "mutation" {
        /// Chance that a gene mutates at birth.
        rate: f32 = 0.3, [0, 1];
        /// Standard deviation of a small step, as a fraction of the gene's range.
        step: f32 = 0.05, [0, 1];
        /// Chance that a mutation is a large jump instead.
        jump_chance: f32 = 0.03, [0, 1];
        /// Largest jump, as a fraction of the gene's range.
        jump: f32 = 0.25, [0, 1];
    }
}

param_group! {
    /// Species: when a child founds a new one (see `src/species/`).
    SpeciesParams, "species" {
        /// Genetic distance from its parent species' representative beyond
        /// which a child founds a new species: the root mean square over the
        /// nine genes of each gene's difference as a fraction of its range
        /// (0: every child that differs at all from the representative
        /// founds one; 1: none ever does).
        threshold: f32 = 0.185, [0, 1];
    }
}

param_group! {
    /// The region grid of the CPU worker pool.
    RegionParams, "regions" {
        /// Region rows; 0 adapts to the thread count.
        rows: u32 = 0, [0, 256];
        /// Region columns; 0 adapts to the thread count.
        cols: u32 = 0, [0, 256];
        /// Width of the read-only ghost strip along region borders (wu); at least
        /// `combat.reach + 1`.
        ghost_width: f32 = 100.0, [0, 1_000_000];
        /// Ticks between moves of the region boundaries toward equal load (0: never).
        rebalance_interval: u32 = 600, [0, 1_000_000_000];
    }
}

/// The most regions a grid may have: a slot's owner region is stored in
/// 16 bits as `region + 1`.
pub const MAX_REGIONS: u32 = u16::MAX as u32;

/// Largest number of cells any grid (terrain, food, hash) may have.
pub const MAX_GRID_CELLS: u64 = 1 << 26;

/// Every constant of the world model. Built from a [`Scenario`](super::scenario::Scenario).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct SimParams {
    /// World extent and tick length.
    pub world: WorldParams,
    /// Terrain generation.
    pub terrain: TerrainParams,
    /// Food grid.
    pub food: FoodParams,
    /// Spatial hash.
    pub hash: HashParams,
    /// Energy and life cycle.
    pub energy: EnergyParams,
    /// Combat and hunting.
    pub combat: CombatParams,
    /// Steering weights.
    pub steering: SteeringParams,
    /// How a child's genes mutate from its parent's.
    pub mutation: MutationParams,
    /// Species founding.
    pub species: SpeciesParams,
    /// Region grid.
    pub regions: RegionParams,
}

impl SimParams {
    /// Checks every field's range and the relations between fields.
    pub fn validate(&self) -> Result<(), InvalidField> {
        let mut c = Checker::default();
        self.world.validate(&mut c);
        self.terrain.validate(&mut c);
        self.food.validate(&mut c);
        self.hash.validate(&mut c);
        self.energy.validate(&mut c);
        self.combat.validate(&mut c);
        self.steering.validate(&mut c);
        self.mutation.validate(&mut c);
        self.species.validate(&mut c);
        self.regions.validate(&mut c);
        c.finish()?;
        let mut c = Checker::default();
        let (w, h) = (self.world.width as f64, self.world.height as f64);
        c.range(
            "energy.initial",
            self.energy.initial as f64,
            0.0,
            self.energy.max as f64,
        );
        c.range(
            "energy.repro_threshold",
            self.energy.repro_threshold as f64,
            0.0,
            self.energy.max as f64,
        );
        let regions = self.regions.rows as u64 * self.regions.cols as u64;
        if regions > MAX_REGIONS as u64 {
            c.fail(
                "regions.cols",
                format!(
                    "{} × {} regions: at most {} (an owner is stored in 16 bits)",
                    self.regions.rows, self.regions.cols, MAX_REGIONS
                ),
            );
        }
        if super::food::Countdown::new(self.food.cooldown, self.world.dt).is_none() {
            c.fail(
                "food.cooldown",
                format!(
                    "{} s at world.dt {} s lasts more than {} ticks, the most the food grid counts; use a shorter cooldown or a longer tick",
                    self.food.cooldown,
                    self.world.dt,
                    super::food::MAX_COOLDOWN_TICKS
                ),
            );
        }
        for (name, size) in [
            ("terrain.cell_size", self.terrain.cell_size),
            ("food.cell_size", self.food.cell_size),
            ("hash.cell_size", self.hash.cell_size),
        ] {
            let size = size as f64;
            c.range(name, size, 0.0, w.min(h));
            let cells = (w / size).round().max(1.0) * (h / size).round().max(1.0);
            if cells > MAX_GRID_CELLS as f64 {
                c.fail(
                    name,
                    format!("{size} gives {cells} cells for a {w}×{h} world (at most {MAX_GRID_CELLS}); use a larger cell"),
                );
            }
        }
        c.finish()
    }
}

impl EnergyParams {
    /// Lifespan (s) of an entity with the given metabolism gene.
    #[inline]
    pub fn lifespan_of(&self, metabolism: f32) -> f32 {
        self.lifespan * (1.25 - 0.25 * metabolism)
    }

    /// Basal energy cost (e/s) of an entity with the given metabolism gene.
    #[inline]
    pub fn basal_of(&self, metabolism: f32) -> f32 {
        self.basal * (0.5 + metabolism)
    }
}
