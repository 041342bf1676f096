//! The simulation's numbers as one record, [`Stats`]: what `evosim run
//! --json` prints (with the run's timings beside them), Python's
//! `Simulation.stats()` and the browser package's `stats()` return. With
//! the feature `web-types` the records also declare their TypeScript types
//! (the browser package's `.d.ts`).

use std::collections::BTreeMap;

use serde::Serialize;
#[cfg(feature = "web-types")]
use tsify::Tsify;
#[cfg(feature = "web-types")]
use wasm_bindgen::prelude::wasm_bindgen;

use super::Simulation;
use crate::model::genes::{GENE_COUNT, GENE_NAMES};

/// The world's numbers at one tick.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "web-types", derive(Tsify))]
#[cfg_attr(feature = "web-types", tsify(missing_as_null, hashmap_as_object))]
pub struct Stats {
    /// The scenario's name.
    pub scenario: String,
    /// The world's seed.
    pub seed: u64,
    /// `cpu` or `gpu`.
    pub backend: String,
    /// The GPU adapter (GPU backend only).
    pub adapter: Option<String>,
    /// Threads of the CPU passes.
    pub threads: usize,
    /// Ticks run.
    pub tick: u32,
    /// Living creatures.
    pub population: u64,
    /// Creatures at tick 0.
    pub initial_population: u64,
    /// Births since tick 0.
    pub births: u64,
    /// Deaths since tick 0 (all causes).
    pub deaths: u64,
    /// Deaths in combat.
    pub kills: u64,
    /// Deaths by starvation.
    pub starved: u64,
    /// Deaths of old age.
    pub old_age: u64,
    /// Births that found no free slot.
    pub births_dropped: u64,
    /// The living creatures' summed energy.
    pub energy_total: f64,
    /// The state hash, 16 hex digits (as `evosim run` prints it).
    pub state_hash: String,
    /// Per tribe, in the scenario's order.
    pub tribes: Vec<TribeStats>,
    /// Species with living members.
    pub species_alive: u64,
    /// Species ever seen.
    pub species_total: u64,
    /// `species_total - species_alive`.
    pub species_extinct: u64,
    /// The species tree's hash, 16 hex digits.
    pub species_hash: String,
}

/// One tribe's counters and gene statistics.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "web-types", derive(Tsify))]
#[cfg_attr(feature = "web-types", tsify(missing_as_null, hashmap_as_object))]
pub struct TribeStats {
    /// The tribe's name.
    pub name: String,
    /// Living members.
    pub population: u64,
    /// Births since tick 0.
    pub births: u64,
    /// Deaths since tick 0.
    pub deaths: u64,
    /// Deaths in combat.
    pub kills: u64,
    /// Deaths by starvation.
    pub starved: u64,
    /// Deaths of old age.
    pub old_age: u64,
    /// Per gene (by its name, as `evosim params` lists them) over the
    /// living members.
    pub genes: BTreeMap<String, GeneStats>,
}

/// One gene's statistics over a tribe's living members.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "web-types", derive(Tsify))]
pub struct GeneStats {
    /// Mean.
    pub mean: f32,
    /// Standard deviation.
    pub std: f32,
    /// Smallest value.
    pub min: f32,
    /// Largest value.
    pub max: f32,
}

impl Simulation {
    /// The world's numbers now: scenario, seed, backend, tick, population,
    /// the event totals, the living creatures' summed energy, the state
    /// hash, each tribe's counters and gene statistics, and the species
    /// counts.
    pub fn stats(&self) -> Stats {
        let c = self.counters();
        let genes = self.gene_stats();
        let tribes = (self.tribes().iter().zip(&genes))
            .map(|(t, g)| TribeStats {
                name: t.name.clone(),
                population: t.counters.population,
                births: t.counters.births,
                deaths: t.counters.deaths,
                kills: t.counters.kills,
                starved: t.counters.starved,
                old_age: t.counters.old_age,
                genes: (0..GENE_COUNT)
                    .map(|k| {
                        let s = &g[k];
                        let stats = GeneStats {
                            mean: s.mean,
                            std: s.std,
                            min: s.min,
                            max: s.max,
                        };
                        (GENE_NAMES[k].to_string(), stats)
                    })
                    .collect(),
            })
            .collect();
        let b = self.species();
        let e = self.entities();
        let energy: f64 = (0..e.capacity())
            .filter(|&i| e.alive(i))
            .map(|i| f64::from(e.energy[i]))
            .sum();
        Stats {
            scenario: self.scenario().name.clone(),
            seed: self.scenario().seed,
            backend: self.backend().name().to_string(),
            adapter: self.gpu().map(|g| g.adapter().to_string()),
            threads: self.threads(),
            tick: self.tick(),
            population: self.population(),
            initial_population: self.initial_population(),
            births: c.total(|t| t.births),
            deaths: c.total(|t| t.deaths),
            kills: c.total(|t| t.kills),
            starved: c.total(|t| t.starved),
            old_age: c.total(|t| t.old_age),
            births_dropped: c.births_dropped,
            energy_total: energy,
            state_hash: format!("{:016x}", self.state_hash()),
            tribes,
            species_alive: b.alive_count() as u64,
            species_total: b.total() as u64,
            species_extinct: (b.total() - b.alive_count()) as u64,
            species_hash: format!("{:016x}", self.species_hash()),
        }
    }

    /// [`Simulation::stats`] as a JSON object.
    pub fn stats_json(&self) -> serde_json::Value {
        serde_json::to_value(self.stats()).expect("the stats are plain numbers and strings")
    }
}
