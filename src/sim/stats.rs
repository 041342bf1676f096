//! The simulation's numbers as one JSON object: what `evosim run --json`
//! prints (with the run's timings beside them) and Python's
//! `Simulation.stats()` returns.

use serde_json::json;

use super::Simulation;
use crate::model::genes::{GENE_COUNT, GENE_NAMES};

impl Simulation {
    /// The world's numbers now: scenario, seed, backend, tick, population,
    /// the event totals, the living creatures' summed energy, the state hash (hex), each tribe's counters and
    /// gene statistics (mean, std, min, max), and the species counts.
    pub fn stats_json(&self) -> serde_json::Value {
        let c = self.counters();
        let genes = self.gene_stats();
        let tribes: Vec<_> = (self.tribes().iter().zip(&genes))
            .map(|(t, g)| {
                let gj: serde_json::Map<String, serde_json::Value> = (0..GENE_COUNT)
                    .map(|k| {
                        let s = &g[k];
                        let v = json!({"mean": s.mean, "std": s.std, "min": s.min, "max": s.max});
                        (GENE_NAMES[k].to_string(), v)
                    })
                    .collect();
                json!({
                    "name": t.name,
                    "population": t.counters.population,
                    "births": t.counters.births,
                    "deaths": t.counters.deaths,
                    "kills": t.counters.kills,
                    "starved": t.counters.starved,
                    "old_age": t.counters.old_age,
                    "genes": gj,
                })
            })
            .collect();
        let b = self.species();
        let e = self.entities();
        let energy: f64 = (0..e.capacity())
            .filter(|&i| e.alive(i))
            .map(|i| f64::from(e.energy[i]))
            .sum();
        json!({
            "scenario": self.scenario().name,
            "seed": self.scenario().seed,
            "backend": self.backend().name(),
            "adapter": self.gpu().map(|g| g.adapter()),
            "threads": self.threads(),
            "tick": self.tick(),
            "population": self.population(),
            "initial_population": self.initial_population(),
            "births": c.total(|t| t.births),
            "deaths": c.total(|t| t.deaths),
            "kills": c.total(|t| t.kills),
            "starved": c.total(|t| t.starved),
            "old_age": c.total(|t| t.old_age),
            "births_dropped": c.births_dropped,
            "energy_total": energy,
            "state_hash": format!("{:016x}", self.state_hash()),
            "tribes": tribes,
            "species_alive": b.alive_count(),
            "species_total": b.total(),
            "species_extinct": b.total() - b.alive_count(),
            "species_hash": format!("{:016x}", self.species_hash()),
        })
    }
}
