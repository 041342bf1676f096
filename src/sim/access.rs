//! What the front ends read of a running simulation. On the GPU backend the
//! entity slots, the food grid and the behaviours are read back in full on
//! first request after each tick ([`Simulation::sync_async`] in the browser,
//! which cannot block).

use std::sync::OnceLock;

use super::{Backend, EntityView, PoolStatus, Simulation, Synced, TribeSummary};
use crate::common::events::Events;
use crate::gpu::{GpuEngine, GpuError};
use crate::model::entities::Entities;
use crate::model::food::Food;
use crate::model::genes::GENE_COUNT;
use crate::model::params::SimParams;
use crate::model::scenario::{Scenario, parse_color};
use crate::model::terrain::Terrain;
use crate::regions::Regions;
use crate::sim::engine::Engine;
use crate::world::stats::{Counters, GeneStat, History, gene_stats};

impl Simulation {
    /// The food grid's cells (their size and count; the amounts are
    /// [`Self::food`]'s).
    pub fn food_grid(&self) -> &crate::model::grid::Grid {
        &self.world.food.grid
    }

    /// Ticks run so far.
    pub fn tick(&self) -> u32 {
        self.world.tick
    }

    /// The scenario this simulation was created from.
    pub fn scenario(&self) -> &Scenario {
        &self.world.scenario
    }

    /// The parameters in force.
    pub fn params(&self) -> &SimParams {
        &self.world.params
    }

    /// Worker threads in use.
    pub fn threads(&self) -> usize {
        self.pool.threads()
    }

    /// The thread pool's status: per pool thread its busy time in the last
    /// tick (per-entity passes and region tasks), per region its entities
    /// and events this tick, region tasks redone after a panic and phases the
    /// watchdog reported stuck so far.
    pub fn pool_status(&self) -> PoolStatus {
        let mut s = self.regions.pool_status(self.pool.threads());
        let (per, outside) = &self.pass_busy;
        for (t, d) in s.threads.iter_mut().zip(per) {
            t.passes_ms = d.as_secs_f64() * 1e3;
        }
        s.outside_ms = outside.as_secs_f64() * 1e3;
        s
    }

    /// The backend in use (never `Auto`).
    pub fn backend(&self) -> Backend {
        match self.engine {
            Engine::Gpu(_) => Backend::Gpu,
            Engine::Cpu(_) => Backend::Cpu,
        }
    }

    /// The GPU engine, on the GPU backend: its device, adapter, resident
    /// buffers and transfer counters. `None` on the CPU backend.
    pub fn gpu(&self) -> Option<&GpuEngine> {
        self.engine.gpu()
    }

    /// [`Self::gpu`], mutable (buffer reservations, test hooks).
    pub fn gpu_mut(&mut self) -> Option<&mut GpuEngine> {
        self.engine.gpu_mut()
    }

    /// Why `--backend auto` chose the CPU, if it did.
    pub fn notice(&self) -> Option<&str> {
        self.notice.as_deref()
    }

    /// One living entity's fields by slot (`None` for a free slot); on the
    /// GPU backend one small readback.
    pub fn entity(&self, slot: usize) -> Option<EntityView> {
        crate::gpu::readback::block_on(self.entity_async(slot)).flatten()
    }

    /// [`Self::entity`], awaiting the GPU.
    pub async fn entity_async(&self, slot: usize) -> Option<EntityView> {
        let (state, mode) = match &self.engine {
            Engine::Gpu(g) => g.gpu.read_slot_async(&g.ctx, slot).await.ok()?,
            Engine::Cpu(c) => {
                let e = &self.world.entities;
                if slot >= e.capacity() {
                    return None;
                }
                let mode = c.modes().get(slot).copied().unwrap_or(0);
                (e.get(slot as u32), mode)
            }
        };
        state.alive().then_some(EntityView {
            state,
            mode,
            species: self.world.ledger.species.species_of(slot),
            parent: self.world.ledger.species.parent_of(slot),
        })
    }

    /// Reads the full GPU state now (awaiting the GPU), so that the
    /// accessors that need it ([`Self::entities`], [`Self::food`],
    /// [`Self::state_hash`], …) do not read it themselves until the next
    /// tick. Nothing to do on the CPU backend. The browser calls this before
    /// them, as it cannot block.
    pub async fn sync_async(&self) -> Result<(), GpuError> {
        let Some(g) = self.engine.gpu() else {
            return Ok(());
        };
        if self.synced.get().is_some() {
            return Ok(());
        }
        let s = Synced {
            entities: g.gpu.read_entities_async(&g.ctx).await?,
            food: g.gpu.read_food_async(&g.ctx, &self.world.food).await?,
            modes: g.gpu.read_modes_async(&g.ctx).await?,
        };
        let _ = self.synced.set(s);
        Ok(())
    }

    /// The full GPU state, read on first use after a tick.
    fn synced(&self) -> Option<&Synced> {
        let g = self.engine.gpu()?;
        Some(self.synced.get_or_init(|| {
            let read = || -> Result<Synced, GpuError> {
                Ok(Synced {
                    entities: g.gpu.read_entities(&g.ctx)?,
                    food: g.gpu.read_food(&g.ctx, &self.world.food)?,
                    modes: g.gpu.read_modes(&g.ctx)?,
                })
            };
            read().unwrap_or_else(|err| {
                log::warn!(
                    "reading the GPU state failed ({err}); showing the last known state \
                     (positions and fields of the creatures the last events named)"
                );
                Synced {
                    entities: g.table().clone(),
                    food: self.world.food.clone(),
                    modes: vec![0; g.capacity()],
                }
            })
        }))
    }

    /// Forgets the state read back from the GPU (after the world changed).
    pub(super) fn unsync(&mut self) {
        self.synced = OnceLock::new();
    }

    /// Entity storage, for rendering and inspection (on the GPU backend, read
    /// back in full on first use after each tick).
    pub fn entities(&self) -> &Entities {
        self.synced().map_or(&self.world.entities, |s| &s.entities)
    }

    /// The terrain grid.
    pub fn terrain(&self) -> &Terrain {
        &self.world.terrain
    }

    /// The food grid.
    pub fn food(&self) -> &Food {
        self.synced().map_or(&self.world.food, |s| &s.food)
    }

    /// This tick's behaviour per slot (see [`crate::common::Mode`]).
    pub fn modes(&self) -> &[u8] {
        match (&self.engine, self.synced()) {
            (_, Some(s)) => &s.modes,
            (Engine::Cpu(c), None) => c.modes(),
            (Engine::Gpu(_), None) => &[],
        }
    }

    /// The events emitted by the last tick.
    pub fn last_events(&self) -> &Events {
        &self.world.events
    }

    /// Cumulative counters.
    pub fn counters(&self) -> &Counters {
        &self.world.ledger.counters
    }

    /// The id the next birth will get.
    pub fn next_id(&self) -> u32 {
        self.world.ledger.next_id
    }

    /// The species book: every species so far, each creature's species and
    /// parent, the sizes over time.
    pub fn species(&self) -> &crate::species::SpeciesBook {
        &self.world.ledger.species
    }

    /// A hash of the species book and of every living creature's species
    /// and parent (on the GPU backend, after reading the state back).
    pub fn species_hash(&self) -> u64 {
        self.world
            .ledger
            .species
            .hash(self.entities(), self.live_end())
    }

    /// The species tree in Newick format as of now ([`crate::species`]).
    pub fn phylogeny(&self) -> String {
        self.world.ledger.species.newick(self.world.tick)
    }

    /// Initial population.
    pub fn initial_population(&self) -> u64 {
        self.world.initial
    }

    /// One past the highest slot that may hold a living entity.
    pub fn live_end(&self) -> usize {
        self.world.ledger.free.live_end()
    }

    /// Living entities now.
    pub fn population(&self) -> u64 {
        self.world.population()
    }

    /// Per-tribe summaries.
    pub fn tribes(&self) -> Vec<TribeSummary> {
        self.world
            .scenario
            .tribes
            .iter()
            .zip(&self.world.ledger.counters.tribes)
            .map(|(t, c)| TribeSummary {
                name: t.name.clone(),
                color: parse_color(&t.color).unwrap_or([200; 3]),
                counters: *c,
            })
            .collect()
    }

    /// Gene statistics per tribe (`[tribe][gene]`).
    /// On the GPU backend they are reduced on the GPU in fixed point.
    pub fn gene_stats(&self) -> Vec<[GeneStat; GENE_COUNT]> {
        crate::gpu::readback::block_on(self.gene_stats_async())
            .unwrap_or_else(|| gene_stats(self.entities(), self.world.scenario.tribes.len()))
    }

    /// [`Self::gene_stats`], awaiting the GPU.
    pub async fn gene_stats_async(&self) -> Vec<[GeneStat; GENE_COUNT]> {
        if let Some(g) = self.engine.gpu() {
            let end = self.world.ledger.free.live_end() as u32;
            match g.gpu.stats_async(&g.ctx, end).await {
                Ok((genes, _)) => return genes,
                Err(err) => {
                    log::warn!("GPU statistics failed ({err}); computing them on the CPU")
                }
            }
        }
        gene_stats(self.entities(), self.world.scenario.tribes.len())
    }

    /// The history ring (one sample every [`super::HISTORY_INTERVAL`] ticks).
    pub fn history(&self) -> &History {
        &self.world.history
    }

    /// The region grid, its workers and statistics.
    pub fn regions(&self) -> &Regions {
        &self.regions
    }

    /// The stages the last tick ran, in order: as
    /// [`crate::common::Pass::tick_order`] says for the engine in use.
    pub fn last_tick_order(&self) -> &[crate::common::Pass] {
        match &self.engine {
            Engine::Cpu(c) => c.last_order(),
            Engine::Gpu(g) => g.last_order(),
        }
    }

    /// Hash over all living entities' fields in slot order.
    pub fn state_hash(&self) -> u64 {
        self.entities().state_hash()
    }
}
