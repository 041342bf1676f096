//! The headless `Simulation`'s options and calls (`sim-worker.js`).

use serde::{Deserialize, Serialize};
use tsify::Tsify;
use wasm_bindgen::prelude::*;

use super::{Count, ScenarioSource};

/// A headless simulation's options (`Simulation.create(options)`); every
/// one optional. The world is the one `evosim run --scenario S --seed N
/// --entities E` makes, so the same options give the same state hash.
#[derive(Debug, Clone, Default, Deserialize, Tsify)]
#[serde(deny_unknown_fields)]
pub struct SimulationOptions {
    /// The scenario (default: the bundled default scenario).
    #[tsify(optional)]
    pub scenario: Option<ScenarioSource>,
    /// Initial population: the scenario resized to it at the same density
    /// (default: the scenario's own).
    #[tsify(optional)]
    pub entities: Option<Count>,
    /// The seed (default: the scenario's); a whole number below 2^53.
    #[tsify(optional)]
    pub seed: Option<f64>,
    /// Threads of the CPU passes: 1 … 16 (default: the browser's cores).
    /// More than one needs a cross-origin isolated page; elsewhere one
    /// thread (same results, slower).
    #[tsify(optional)]
    pub threads: Option<u32>,
}

/// A call to a headless simulation's worker (`sim-worker.js`).
#[derive(Debug, Deserialize, Tsify)]
#[serde(tag = "call", rename_all = "camelCase")]
pub enum SimCall {
    /// Make the simulation.
    Create {
        /// Its options.
        options: SimulationOptions,
    },
    /// Make it from `save()`'s bytes.
    Load {
        /// The snapshot.
        #[serde(with = "serde_bytes")]
        #[tsify(type = "Uint8Array")]
        bytes: Vec<u8>,
    },
    /// Run `n` ticks.
    Step {
        /// Ticks.
        n: f64,
    },
    /// Ticks run, population, state hash: the figures a `Simulation`
    /// keeps at hand.
    Figures,
    /// [`evosim::sim::stats::Stats`].
    Stats,
    /// The state hash.
    StateHash,
    /// Positions (x, y per creature).
    Positions,
    /// Velocities (x, y per creature).
    Velocities,
    /// Energy per creature.
    Energy,
    /// Nine genes per creature.
    Genes,
    /// Tribe per creature.
    Tribes,
    /// Species per creature.
    Species,
    /// A snapshot's bytes.
    Save,
    /// Free the simulation.
    Free,
}

/// A headless simulation's figures after each call that changes them.
#[derive(Debug, Clone, Serialize, Tsify)]
#[tsify(missing_as_null, hashmap_as_object)]
pub struct Figures {
    /// Ticks run.
    pub tick: u32,
    /// Living creatures.
    pub population: u64,
    /// Threads of the CPU passes.
    pub threads: usize,
    /// The gene names, in the order of `genes()`'s columns.
    pub gene_names: Vec<String>,
}
