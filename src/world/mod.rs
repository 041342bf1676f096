//! The world: the plain state of a simulation, apart from the engines that
//! advance it.
//!
//! [`World`] holds everything a snapshot saves — the scenario and its
//! parameters, terrain, food, the entity slots, the ledger (id counter, free
//! slots, counters, species), the history, the tick — and nothing an engine
//! keeps for itself (hash grids, scratch arrays, devices, the region tasks).
//! [`World::validate`] is the one check of its invariants, used by
//! `--check-invariants`, by snapshot loading and by the tests.

use std::collections::HashSet;
use std::sync::Arc;

use crate::common::events::Events;
use crate::model::entities::Entities;
use crate::model::food::Food;
use crate::model::params::SimParams;
use crate::model::scenario::Scenario;
use crate::model::spawn::spawn;
use crate::model::terrain::Terrain;
use crate::model::validate::InvalidField;
use crate::species::SpeciesBook;
use stats::{History, HistorySample};

mod free_slots;
mod ledger;
pub mod stats;

pub use free_slots::FreeSlots;
pub use ledger::Ledger;

/// Ticks between two samples of the history ring.
pub const HISTORY_INTERVAL: u32 = 60;

/// Samples the history ring keeps.
pub const HISTORY_LIMIT: usize = 4096;

/// The state of a simulation.
pub struct World {
    /// The scenario the world was made from.
    pub scenario: Scenario,
    /// Its parameters.
    pub params: Arc<SimParams>,
    /// The run's seed.
    pub seed: u64,
    /// Ticks run so far.
    pub tick: u32,
    /// The terrain grid (follows from the scenario and seed).
    pub terrain: Arc<Terrain>,
    /// The food grid. On the GPU backend the device holds the current one;
    /// this copy is brought up to date by the simulation's sync.
    pub food: Food,
    /// The entity slots. On the GPU backend, as [`Self::food`].
    pub entities: Entities,
    /// Id counter, free slots and counters.
    pub ledger: Ledger,
    /// Population and event totals over time.
    pub history: History,
    /// Living entities at tick 0.
    pub initial: u64,
    /// The events emitted by the last tick's passes, which the next tick
    /// resolves (`regions::lag`); saved in snapshots.
    pub events: Events,
}

impl World {
    /// Makes the world of a validated scenario at tick 0: terrain, food and
    /// the spawned tribes.
    pub fn new(scenario: Scenario) -> Result<Self, InvalidField> {
        let params = scenario.params();
        let seed = scenario.seed;
        let terrain = Terrain::generate(&params.world, &params.terrain, seed);
        let food = Food::new(&params.world, &params.food, &params.terrain, &terrain);
        let capacity = scenario.resolved_capacity() as usize;
        let mut entities = Entities::with_capacity(capacity);
        let initial = spawn(&scenario, &params, &terrain, &mut entities)?;
        let counts: Vec<u64> = scenario.tribes.iter().map(|t| t.count as u64).collect();
        let mut ledger = Ledger::new(capacity, initial, &counts);
        ledger.species = SpeciesBook::from_tribes(
            &mut entities,
            initial as usize,
            scenario.tribes.len(),
            HISTORY_LIMIT,
        );
        let mut world = Self {
            scenario,
            params: Arc::new(params),
            seed,
            tick: 0,
            terrain: Arc::new(terrain),
            food,
            entities,
            ledger,
            history: History::new(HISTORY_LIMIT),
            initial: initial as u64,
            events: Events::default(),
        };
        world.record_history();
        Ok(world)
    }

    /// Ends a tick: counts it and samples the history when one is due.
    pub fn finish_tick(&mut self) {
        self.tick += 1;
        if self.tick.is_multiple_of(HISTORY_INTERVAL) {
            self.record_history();
        }
    }

    /// Adds a history sample for the current tick.
    pub fn record_history(&mut self) {
        let c = &self.ledger.counters;
        self.history.push(HistorySample {
            tick: self.tick,
            population: c.tribes.iter().map(|t| t.population).collect(),
            births: c.total(|t| t.births),
            deaths: c.total(|t| t.deaths),
            kills: c.total(|t| t.kills),
            starved: c.total(|t| t.starved),
        });
        self.ledger.species.sample(self.tick);
    }

    /// Living entities now.
    pub fn population(&self) -> u64 {
        self.ledger.counters.total(|t| t.population)
    }

    /// Checks the world's invariants with `entities` and `food` as its
    /// current entity slots and food grid (on the GPU backend, the ones read
    /// back): every living entity in a slot below the free list's high-water
    /// mark and not in its holes, ids unique and below the id counter, a
    /// known tribe, positions inside the world and on passable terrain,
    /// finite fields; per tribe `initial + births − deaths == population ==`
    /// the living count, the tribes' initial counts adding up; per species
    /// the living count and gene sums, every creature's species tag; food finite
    /// and not negative. The error names the first broken invariant. It never
    /// panics, whatever the data.
    pub fn validate_with(&self, e: &Entities, food: &Food) -> Result<(), String> {
        let at = |i: usize, what: &str| format!("tick {}: slot {i}: {what}", self.tick);
        let per_tribe = self.check_slots(e).map_err(|(i, what)| at(i, &what))?;
        self.check_counters(&per_tribe)
            .map_err(|m| format!("tick {}: {m}", self.tick))?;
        self.ledger
            .species
            .check(e, self.ledger.free.live_end())
            .map_err(|m| format!("tick {}: {m}", self.tick))?;
        let q = food.quantum();
        let food_ok = food.quanta.len() == food.grid.len()
            && food.cooldown.len() == food.grid.len()
            && food
                .quanta
                .iter()
                .enumerate()
                .all(|(k, &n)| n as u32 <= q.most(food.capacity(k)));
        if !food_ok {
            return Err("a food cell holds more than its capacity".into());
        }
        Ok(())
    }

    /// [`Self::validate_with`] this world's own entities and food.
    pub fn validate(&self) -> Result<(), String> {
        self.validate_with(&self.entities, &self.food)
    }

    /// The per-slot checks; the living count per tribe, or the first broken
    /// slot and what is wrong with it.
    fn check_slots(&self, e: &Entities) -> Result<Vec<u64>, (usize, String)> {
        let (w, h) = (self.params.world.width, self.params.world.height);
        let free = &self.ledger.free;
        let end = free.live_end();
        let holes: HashSet<u32> = free.holes().collect();
        let mut per_tribe = vec![0u64; self.ledger.counters.tribes.len()];
        let mut ids = HashSet::new();
        if e.capacity() != free.capacity() as usize {
            return Err((0, "the slot count differs from the free-slot list's".into()));
        }
        for i in 0..e.capacity() {
            let listed_free = i >= end || holes.contains(&(i as u32));
            if e.alive(i) == listed_free {
                let state = if e.alive(i) { "alive" } else { "free" };
                return Err((
                    i,
                    format!("{state}, but the free-slot list disagrees with the alive flag"),
                ));
            }
            if !e.alive(i) {
                continue;
            }
            if !ids.insert(e.id[i]) {
                return Err((i, format!("id {} appears twice", e.id[i])));
            }
            if e.id[i] >= self.ledger.next_id {
                return Err((i, "id beyond the id counter".into()));
            }
            let [x, y] = e.pos[i];
            if !(x >= 0.0 && x < w && y >= 0.0 && y < h) {
                return Err((i, format!("position ({x}, {y}) outside the world")));
            }
            if !self.terrain.passable(e.pos[i]) {
                return Err((i, format!("position ({x}, {y}) on impassable terrain")));
            }
            let finite = [e.vel[i][0], e.vel[i][1], e.energy[i], e.age[i]]
                .iter()
                .all(|v| v.is_finite());
            if !finite {
                return Err((i, "a non-finite velocity, energy or age".into()));
            }
            match per_tribe.get_mut(e.tribe(i) as usize) {
                Some(n) => *n += 1,
                None => return Err((i, "tribe out of range".into())),
            }
        }
        Ok(per_tribe)
    }

    /// The counters against the living count per tribe.
    fn check_counters(&self, per_tribe: &[u64]) -> Result<(), String> {
        let c = &self.ledger.counters;
        if c.tribes.len() != self.scenario.tribes.len() {
            return Err(format!(
                "{} tribe counters for {} tribes",
                c.tribes.len(),
                self.scenario.tribes.len()
            ));
        }
        for (k, t) in c.tribes.iter().enumerate() {
            if t.initial
                .checked_add(t.births)
                .and_then(|n| n.checked_sub(t.deaths))
                != Some(t.population)
            {
                return Err(format!(
                    "tribe {k}: initial {} + births {} - deaths {} != population {}",
                    t.initial, t.births, t.deaths, t.population
                ));
            }
            if t.population != per_tribe[k] {
                return Err(format!(
                    "tribe {k}: population {} but {} living",
                    t.population, per_tribe[k]
                ));
            }
        }
        let initial = c
            .tribes
            .iter()
            .fold(0u64, |s, t| s.saturating_add(t.initial));
        if initial != self.initial {
            return Err(format!(
                "the tribes' initial counts add up to {initial}, not the initial population {}",
                self.initial
            ));
        }
        Ok(())
    }
}
