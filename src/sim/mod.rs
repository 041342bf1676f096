//! The `Simulation` API used by every front end: a [`World`] (the state)
//! advanced by an [`Engine`] (CPU or GPU), with the blocking wrappers, the
//! backend switch, and recovery when the GPU fails ([`recovery`]).
//!
//! [`Simulation::step`] runs one tick in the order of
//! [`crate::common::Pass::tick_order`] (ARCHITECTURE.md, One tick), which
//! [`Simulation::last_tick_order`] reports:
//! 1. `reorder`, every `hash.reorder_interval` ticks: the slots into cell
//!    order;
//! 2. `resolve`: the region workers on the last tick's events — combat,
//!    deaths, reproduction, bookkeeping (on the GPU engine while the GPU
//!    computes the passes below, which it submitted first);
//! 3. `hash_count` → `hash_scan` → `hash_scatter`: counting-sort spatial
//!    hash (ascending id within a cell);
//! 4. `steer`: sense and steer from last tick's state (neighbours in the
//!    view cone, flocking, food, hunting, fleeing, wander, attack intents);
//! 5. `integrate`: velocity, speed clamp, terrain sliding, wrap, energy, age;
//! 6. `feed` then `food_regrow`;
//! 7. `region_of`: the owner region of each entity;
//! 8. `emit_events`: attacks, reproduction candidates, deaths;
//! 9. the resolution's effects applied (on the GPU engine in `transfer`,
//!    with the compact readback and the write-back).

mod access;
mod backend;
pub mod engine;
pub mod recovery;
mod stats;

use std::sync::{Arc, OnceLock};

pub use crate::common::pool::{PoolStatus, RegionLoad, ThreadBusy};
pub use crate::world::HISTORY_INTERVAL;
pub use backend::{Backend, SimError};
pub use recovery::{CHECKPOINT_INTERVAL, Faults, Options};

use crate::common::WorkPool;
use crate::common::pass::Timings;
use crate::cpu::CpuEngine;
use crate::gpu::{GpuContext, GpuEngine, GpuError};
use crate::model::entities::{Entities, SlotState};
use crate::model::food::Food;
use crate::model::scenario::Scenario;
use crate::regions::Regions;
use crate::snapshot::SnapshotError;
use crate::world::World;
use engine::Engine;

/// Summary of one tribe.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct TribeSummary {
    /// The tribe's name, from the scenario.
    pub name: String,
    /// Colour as RGB bytes.
    pub color: [u8; 3],
    /// The tribe's cumulative counters (population, births, deaths, …).
    #[serde(flatten)]
    pub counters: crate::world::stats::TribeCounters,
}

/// One living entity, for the inspector: its slot's state and what the
/// engine and the species book know of it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EntityView {
    /// The slot's state (id, tribe and flags, position, velocity, energy,
    /// age, genes).
    pub state: SlotState,
    /// Behaviour in the last tick ([`crate::common::Mode`] code).
    pub mode: u8,
    /// Species ([`crate::species`]).
    pub species: u32,
    /// The parent's id ([`crate::common::NONE`] for a spawned creature).
    pub parent: u32,
}

/// A running simulation.
pub struct Simulation {
    world: World,
    engine: Engine,
    pool: Arc<WorkPool>,
    /// The region tasks' grid and coordinator.
    regions: Regions,
    timings: Timings,
    /// Each pool thread's time in the per-entity passes during the last
    /// tick, and the calling thread's ([`WorkPool::take_busy`]).
    pass_busy: (Vec<std::time::Duration>, std::time::Duration),
    /// On the GPU backend: the full state, read back on first request after
    /// each tick.
    synced: OnceLock<Synced>,
    notice: Option<String>,
    options: Options,
    /// On the GPU backend: the last checkpoint (tick, snapshot bytes).
    checkpoint: Option<(u32, Vec<u8>)>,
}

/// A full copy of the GPU state.
struct Synced {
    entities: Entities,
    food: Food,
    modes: Vec<u8>,
}

impl Simulation {
    /// Creates a simulation from a validated scenario, on `threads` worker
    /// threads (0: one per core).
    pub fn new(scenario: Scenario, backend: Backend, threads: usize) -> Result<Self, SimError> {
        scenario.validate()?;
        let (ctx, notice) = backend::open_gpu(backend)?;
        Self::build(scenario, ctx, notice, threads)
    }

    /// Creates a simulation on the given GPU device (shared, e.g., with a
    /// renderer), or on the CPU backend for `None`.
    pub fn on_device(
        scenario: Scenario,
        ctx: Option<GpuContext>,
        threads: usize,
    ) -> Result<Self, SimError> {
        Self::build(scenario, ctx, None, threads)
    }

    fn build(
        scenario: Scenario,
        ctx: Option<GpuContext>,
        notice: Option<String>,
        threads: usize,
    ) -> Result<Self, SimError> {
        scenario.validate()?;
        let pool = Arc::new(WorkPool::new(threads)?);
        let world = pool.install(|| World::new(scenario))?;
        let regions = Regions::for_world(&world, pool.threads(), None);
        Self::around(world, regions, pool, ctx, notice)
    }

    /// This simulation with `options` (injected faults, the watchdog's
    /// bound) in force from the next tick on.
    pub fn with_options(mut self, options: Options) -> Self {
        self.regions.set_fault(options.faults.worker);
        self.regions.set_watchdog(options.watchdog);
        self.options = options;
        self
    }

    /// A simulation of `world` on the CPU engine, then moved to the GPU of
    /// `ctx` if one is given.
    fn around(
        mut world: World,
        regions: Regions,
        pool: Arc<WorkPool>,
        ctx: Option<GpuContext>,
        notice: Option<String>,
    ) -> Result<Self, SimError> {
        let engine = match ctx {
            None => Engine::Cpu(Box::new(CpuEngine::new(Arc::clone(&pool), &world))),
            Some(ctx) => Engine::Gpu(Box::new(
                GpuEngine::new(Arc::clone(&pool), ctx, &mut world, &regions)
                    .map_err(|e| SimError::Backend(format!("GPU backend: {e}")))?,
            )),
        };
        Ok(Self {
            world,
            engine,
            pool,
            regions,
            timings: Timings::default(),
            pass_busy: Default::default(),
            synced: OnceLock::new(),
            notice,
            options: Options::default(),
            checkpoint: None,
        })
    }

    /// Runs one tick, its stages in the order of
    /// [`crate::common::Pass::tick_order`] (see the module's documentation),
    /// with the resolution's effects one tick late
    /// ([`crate::regions::lag`]); then the tick is counted and the history
    /// sampled when due.
    ///
    /// On the GPU backend a failure (a readback failed, the device was lost)
    /// moves the world to the CPU backend: it is rebuilt from the last
    /// checkpoint (taken every [`CHECKPOINT_INTERVAL`] ticks), the ticks
    /// since are recomputed on the CPU, this one included, and
    /// [`Self::notice`] says so. It fails only if that fails too.
    pub fn step(&mut self) -> Result<(), SimError> {
        crate::gpu::readback::block_on(self.step_async()).unwrap_or_else(|| {
            Err(SimError::Gpu(GpuError::Readback(
                crate::gpu::readback::NO_BLOCKING.into(),
            )))
        })
    }

    /// [`Self::step`], awaiting the GPU's readbacks (the browser's form; on
    /// the CPU backend it never waits).
    pub async fn step_async(&mut self) -> Result<(), SimError> {
        self.checkpoint_if_due().await;
        self.unsync();
        let tick = self.world.tick;
        if let Engine::Gpu(g) = &self.engine
            && self.options.faults.device_lost == Some(tick)
        {
            g.ctx.device.destroy();
        }
        let stepped = (self.engine)
            .step(&mut self.world, &mut self.regions, &mut self.timings)
            .await;
        if let Err(e) = stepped {
            // The world is rebuilt on the CPU, this tick included.
            return self.recover_on_cpu(tick, e.into());
        }
        self.pass_busy = self.pool.take_busy();
        Ok(())
    }

    /// Moves the running world to another backend without losing any state:
    /// to the GPU on `ctx`, or to the CPU for `None` (the state is read back
    /// in full). Fails, leaving the world where it was, if the GPU cannot
    /// take it.
    pub fn switch_backend(&mut self, ctx: Option<GpuContext>) -> Result<(), SimError> {
        crate::gpu::readback::block_on(self.switch_backend_async(ctx)).unwrap_or_else(|| {
            Err(SimError::Gpu(GpuError::Readback(
                crate::gpu::readback::NO_BLOCKING.into(),
            )))
        })
    }

    /// [`Self::switch_backend`], awaiting the GPU's readbacks.
    pub async fn switch_backend_async(&mut self, ctx: Option<GpuContext>) -> Result<(), SimError> {
        if matches!(self.engine, Engine::Gpu(_)) {
            if ctx.is_none() {
                return self.move_to_cpu().await;
            }
            // GPU to GPU (another device): through the CPU.
            self.move_to_cpu().await?;
        }
        let Some(ctx) = ctx else {
            return Ok(());
        };
        let gpu = GpuEngine::new(Arc::clone(&self.pool), ctx, &mut self.world, &self.regions)?;
        self.engine = Engine::Gpu(Box::new(gpu));
        self.unsync();
        self.checkpoint = None;
        Ok(())
    }

    /// From the GPU engine to the CPU engine: the state read back in full.
    async fn move_to_cpu(&mut self) -> Result<(), SimError> {
        let Engine::Gpu(g) = &self.engine else {
            return Ok(());
        };
        let e = g.gpu.read_entities_async(&g.ctx).await?;
        let food = g.gpu.read_food_async(&g.ctx, &self.world.food).await?;
        let modes = g.gpu.read_modes_async(&g.ctx).await?;
        self.world.entities = e;
        self.world.food = food;
        let mut cpu = CpuEngine::new(Arc::clone(&self.pool), &self.world);
        cpu.set_modes(modes);
        self.engine = Engine::Cpu(Box::new(cpu));
        self.unsync();
        let end = self.world.ledger.free.live_end();
        self.regions
            .set_owners_from_positions(end, &self.world.entities);
        Ok(())
    }

    /// Rebuilds the GPU pipelines of shader file `file` from the current
    /// sources ([`crate::gpu::shaders::set_override`]); on failure the running
    /// pipelines stay and the error is returned. Nothing to rebuild on the
    /// CPU backend.
    pub fn reload_shader(&mut self, file: &str) -> Result<(), String> {
        match &mut self.engine {
            Engine::Gpu(g) => g.gpu.reload(&g.ctx, file),
            Engine::Cpu(_) => Ok(()),
        }
    }

    /// Checks the world's invariants ([`World::validate`]); on the GPU
    /// backend the state is read back in full first. The error names the
    /// first broken invariant.
    pub fn check_invariants(&self) -> Result<(), String> {
        self.world.validate_with(self.entities(), self.food())?;
        let p = &self.world.params.world;
        (self.regions.check_bounds(p.width, p.height))
            .map_err(|m| format!("tick {}: {m}", self.world.tick))
    }

    /// The whole state as the bytes of a snapshot file (see
    /// [`crate::snapshot`]); on the GPU backend the state is read back in
    /// full first.
    pub fn to_snapshot(&self) -> Result<Vec<u8>, SnapshotError> {
        crate::snapshot::world::encode(
            &self.world,
            &self.regions.grid,
            self.entities(),
            self.food(),
        )
    }

    /// Writes a snapshot to `path` (atomically: a temporary file, then a
    /// rename).
    pub fn save_snapshot(&self, path: &std::path::Path) -> Result<(), SnapshotError> {
        crate::snapshot::write_atomic(path, &self.to_snapshot()?)
    }

    /// Reads and checks a snapshot file and resumes from it on `backend`
    /// with `threads` workers; `regions` replaces the saved region grid
    /// shape (the result does not depend on it).
    pub fn resume(
        path: &std::path::Path,
        backend: Backend,
        threads: usize,
        regions: Option<(u32, u32)>,
    ) -> Result<Self, SimError> {
        let bytes = crate::snapshot::read_file(path)?;
        Self::from_snapshot(&bytes, backend, threads, regions)
    }

    /// Resumes from snapshot bytes (see [`Self::resume`]). Every length is
    /// checked before anything is allocated and the state is checked with
    /// [`World::validate`] before a simulation runs it; any problem is an
    /// error, never a panic.
    pub fn from_snapshot(
        bytes: &[u8],
        backend: Backend,
        threads: usize,
        regions: Option<(u32, u32)>,
    ) -> Result<Self, SimError> {
        Self::restore_on(bytes, backend, threads, None, regions, Options::default())
    }

    /// [`Self::from_snapshot`] on `pool` when one is given (the running
    /// simulation's, so that a recovery starts no second pool), else on a
    /// new pool of `threads` threads.
    fn restore_on(
        bytes: &[u8],
        backend: Backend,
        threads: usize,
        pool: Option<Arc<WorkPool>>,
        regions: Option<(u32, u32)>,
        options: Options,
    ) -> Result<Self, SimError> {
        let saved = crate::snapshot::world::decode(bytes)?;
        let mut scenario = saved.scenario.clone();
        let saved_shape = (scenario.regions.rows, scenario.regions.cols);
        if let Some((rows, cols)) = regions {
            scenario.regions.rows = rows;
            scenario.regions.cols = cols;
        }
        let keep_bounds = regions.is_none_or(|s| s == saved_shape);
        let (ctx, notice) = backend::open_gpu(backend)?;
        let pool = match pool {
            Some(p) => p,
            None => Arc::new(WorkPool::new(threads)?),
        };
        let mut world = pool.install(|| World::new(scenario))?;
        let mut regions = Regions::for_world(&world, pool.threads(), None);
        crate::snapshot::world::restore(&mut world, &mut regions.grid, saved, keep_bounds)?;
        let end = world.ledger.free.live_end();
        regions.set_owners_from_positions(end, &world.entities);
        Ok(Self::around(world, regions, pool, ctx, notice)?.with_options(options))
    }

    /// Time spent in each pass during the last tick.
    pub fn timings(&self) -> &Timings {
        &self.timings
    }
}

#[cfg(test)]
mod tests;
