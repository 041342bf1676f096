//! The `Simulation` API used by every front end.
//!
//! [`Simulation::step`] runs one tick, in this order (DESIGN.md §3):
//! 1. `hash_count` → `hash_scan` → `hash_scatter`: counting-sort spatial hash;
//! 2. `steer`: sense and steer from last tick's state;
//! 3. `integrate`: velocity, speed clamp, terrain sliding, wrap, energy, age;
//! 4. `feed` then `food_regrow`;
//! 5. `emit_events`: attacks, reproduction candidates, deaths;
//! 6. `resolve`: combat, deaths, reproduction, bookkeeping.

use std::sync::{Arc, OnceLock};
use std::time::Duration;
use web_time::Instant;

use crate::cpu::emit_events::Events;
use crate::cpu::neighbors::HashView;
use crate::cpu::steer::SteerInput;
use crate::cpu::{self, Scratch};
use crate::gpu::layout::WriteRecord;
use crate::gpu::world::{GpuWorld, TickPlan};
use crate::gpu::{GpuContext, GpuError};
use crate::model::entities::{Entities, FLAG_ALIVE};
use crate::model::food::Food;
use crate::model::genes::GENE_COUNT;
use crate::model::grid::Grid;
use crate::model::params::SimParams;
use crate::model::scenario::{Scenario, parse_color};
use crate::model::spawn::spawn;
use crate::model::terrain::Terrain;
use crate::model::validate::InvalidField;
use crate::regions::grid::auto_shape;
use crate::regions::stats::{Counters, GeneStat, History, HistorySample, gene_stats};
use crate::regions::{FreeSlots, Ledger, Regions};
use crate::snapshot::{Reader, SnapshotError, Writer};

/// Names of the timed passes, in execution order. On the GPU backend the
/// first ten are GPU passes (timed with timestamp queries where the adapter
/// has them), `transfer` is the readback of the compact results, the
/// write-back and the waiting for the GPU, and `resolve` the region workers.
/// On the CPU backend `transfer` is zero.
pub const PASSES: [&str; 12] = [
    "hash_count",
    "hash_scan",
    "hash_scatter",
    "reorder",
    "steer",
    "integrate",
    "feed",
    "food_regrow",
    "region_of",
    "emit_events",
    "transfer",
    "resolve",
];
const P_REGION: usize = 8;
const P_EMIT: usize = 9;
const P_TRANSFER: usize = 10;
const P_RESOLVE: usize = 11;

/// The CPU engine's threads: a rayon pool natively; in the browser, which
/// has no threads, the work runs on the calling thread (rayon's global pool
/// falls back to it).
struct WorkPool {
    #[cfg(not(target_arch = "wasm32"))]
    pool: rayon::ThreadPool,
}

impl WorkPool {
    fn new(threads: usize) -> Result<Self, SimError> {
        #[cfg(not(target_arch = "wasm32"))]
        {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .thread_name(|i| format!("evosim-worker-{i}"))
                .build()
                .map_err(|e| SimError::Threads {
                    threads,
                    message: e.to_string(),
                })?;
            Ok(Self { pool })
        }
        #[cfg(target_arch = "wasm32")]
        {
            let _ = threads;
            Ok(Self {})
        }
    }

    fn threads(&self) -> usize {
        #[cfg(not(target_arch = "wasm32"))]
        return self.pool.current_num_threads();
        #[cfg(target_arch = "wasm32")]
        1
    }

    fn install<R: Send>(&self, f: impl FnOnce() -> R + Send) -> R {
        #[cfg(not(target_arch = "wasm32"))]
        return self.pool.install(f);
        #[cfg(target_arch = "wasm32")]
        f()
    }
}

/// Ticks between history samples.
pub const HISTORY_INTERVAL: u32 = 60;

/// Which engine computes the per-entity passes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// GPU if an adapter exists, else CPU.
    Auto,
    /// The CPU engine.
    Cpu,
    /// The wgpu compute engine.
    Gpu,
}

impl Backend {
    /// Lower-case name.
    pub fn name(self) -> &'static str {
        match self {
            Backend::Auto => "auto",
            Backend::Cpu => "cpu",
            Backend::Gpu => "gpu",
        }
    }
}

/// Why a simulation could not be created.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    /// The scenario is invalid or cannot be spawned.
    #[error("{0}")]
    Invalid(#[from] InvalidField),
    /// The requested backend is not available.
    #[error("{0}")]
    Backend(String),
    /// The GPU failed during a tick (readback, device lost).
    #[error("GPU backend: {0}")]
    Gpu(#[from] GpuError),
    /// A snapshot could not be read or written.
    #[error("{0}")]
    Snapshot(#[from] crate::snapshot::SnapshotError),
    /// The thread pool could not be created.
    #[error("cannot start {threads} worker threads: {message}")]
    Threads {
        /// Requested threads.
        threads: usize,
        /// The OS error.
        message: String,
    },
}

/// Summary of one tribe.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct TribeSummary {
    /// Name.
    pub name: String,
    /// Colour as RGB bytes.
    pub color: [u8; 3],
    /// Counters.
    #[serde(flatten)]
    pub counters: crate::regions::stats::TribeCounters,
}

/// A running simulation.
pub struct Simulation {
    scenario: Scenario,
    params: Arc<SimParams>,
    seed: u64,
    tick: u32,
    terrain: Arc<Terrain>,
    food: Food,
    entities: Entities,
    hash_grid: Grid,
    scratch: Scratch,
    cursor: Vec<u32>,
    events: Events,
    ledger: Ledger,
    regions: Regions,
    history: History,
    initial: u64,
    pool: WorkPool,
    threads: usize,
    timings: [Duration; PASSES.len()],
    /// The GPU engine; `None` on the CPU backend. With it, `entities` is a
    /// mirror that is exact only for liveness and the slots named by the
    /// last tick's events (see [`crate::gpu::world`]).
    gpu: Option<Box<GpuEngine>>,
    /// The full GPU state, read back on first request after each tick.
    synced: OnceLock<Synced>,
    notice: Option<String>,
    /// Destroy the GPU device at this tick (`EVOSIM_FAULT=device_lost@T`).
    device_fault: Option<u32>,
    /// On the GPU backend: the last checkpoint (tick, snapshot bytes).
    checkpoint: Option<(u32, Vec<u8>)>,
}

/// One entity, for the inspector.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EntityView {
    /// Id.
    pub id: u32,
    /// Tribe.
    pub tribe: u16,
    /// Position (wu).
    pub pos: [f32; 2],
    /// Velocity (wu/s).
    pub vel: [f32; 2],
    /// Energy (e).
    pub energy: f32,
    /// Age (s).
    pub age: f32,
    /// Packed genes.
    pub genes: [u32; 5],
    /// Behaviour in the last tick ([`crate::cpu::Mode`] code).
    pub mode: u8,
}

/// The GPU device and the resident world.
struct GpuEngine {
    ctx: GpuContext,
    world: GpuWorld,
}

/// A full copy of the GPU state.
struct Synced {
    entities: Entities,
    food: Food,
    modes: Vec<u8>,
}

/// Opens the GPU for `backend`: `Ok(None)` means the CPU backend, with an
/// optional notice for `auto`.
fn open_gpu(backend: Backend) -> Result<(Option<GpuContext>, Option<String>), SimError> {
    match backend {
        Backend::Cpu => Ok((None, None)),
        Backend::Gpu => GpuContext::new().map(|c| (Some(c), None)).map_err(|e| {
            SimError::Backend(format!(
                "--backend gpu: {e}; use --backend cpu (or auto, which falls back to the CPU)"
            ))
        }),
        Backend::Auto => match GpuContext::new() {
            Ok(c) => Ok((Some(c), None)),
            Err(e) => Ok((None, Some(format!("{e}; running on the CPU backend")))),
        },
    }
}

impl Simulation {
    /// Creates a simulation from a validated scenario, on `threads` worker
    /// threads (0: one per core).
    pub fn new(scenario: Scenario, backend: Backend, threads: usize) -> Result<Self, SimError> {
        scenario.validate()?;
        let (ctx, notice) = open_gpu(backend)?;
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
        let params = scenario.params();
        let pool = WorkPool::new(threads)?;
        let threads = pool.threads();
        let seed = scenario.seed;
        let (terrain, food) = pool.install(|| {
            let terrain = Terrain::generate(&params.world, &params.terrain, seed);
            let food = Food::new(&params.world, &params.food, &params.terrain, &terrain);
            (terrain, food)
        });
        let capacity = scenario.resolved_capacity() as usize;
        let mut entities = Entities::with_capacity(capacity);
        let initial = spawn(&scenario, &params, &terrain, &mut entities)?;
        let hash_grid = Grid::new(
            params.world.width,
            params.world.height,
            params.hash.cell_size,
        );
        let scratch = Scratch::new(capacity, hash_grid.len(), food.grid.len());
        let counts: Vec<u64> = scenario.tribes.iter().map(|t| t.count as u64).collect();
        let ledger = Ledger::new(capacity, initial, &counts);
        let (rows, cols) = match (params.regions.rows, params.regions.cols) {
            (0, _) | (_, 0) => auto_shape(threads),
            shape => shape,
        };
        let fault = fault_from_env()?;
        let worker_fault = match fault {
            Some(Fault::WorkerPanic(t)) => Some((t, crate::regions::WorkerFault::Panic)),
            Some(Fault::WorkerStall(t)) => Some((t, crate::regions::WorkerFault::Stall)),
            _ => None,
        };
        let device_fault = match fault {
            Some(Fault::DeviceLost(t)) => Some(t),
            _ => None,
        };
        let regions = Regions::new(&params, rows, cols, threads, capacity, worker_fault);
        let gpu = match ctx {
            None => None,
            Some(ctx) => {
                let world = GpuWorld::new(
                    &ctx,
                    &params,
                    &terrain,
                    &food,
                    &entities,
                    &regions.grid,
                    scenario.tribes.len() as u32,
                )
                .map_err(|e| SimError::Backend(format!("GPU backend: {e}")))?;
                Some(Box::new(GpuEngine { ctx, world }))
            }
        };
        let mut sim = Self {
            gpu,
            synced: OnceLock::new(),
            notice,
            device_fault,
            checkpoint: None,
            cursor: vec![0; hash_grid.len()],
            scenario,
            params: Arc::new(params),
            seed,
            tick: 0,
            terrain: Arc::new(terrain),
            food,
            entities,
            hash_grid,
            scratch,
            events: Events::default(),
            ledger,
            regions,
            history: History::new(4096),
            initial: initial as u64,
            pool,
            threads,
            timings: [Duration::ZERO; PASSES.len()],
        };
        sim.record_history();
        Ok(sim)
    }

    /// Runs one tick (see the module documentation for the order of passes).
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
        self.synced = OnceLock::new();
        if let Some(g) = &self.gpu {
            if self.device_fault == Some(self.tick) {
                g.ctx.device.destroy();
            }
            let tick = self.tick;
            if let Err(e) = self.step_gpu().await {
                // The world is rebuilt on the CPU, this tick included.
                return self.recover_on_cpu(tick, e);
            }
        } else {
            self.step_cpu();
        }
        self.tick += 1;
        if self.tick.is_multiple_of(HISTORY_INTERVAL) {
            self.record_history();
        }
        Ok(())
    }

    fn step_cpu(&mut self) {
        let tick = self.tick;
        let mut t = [Duration::ZERO; PASSES.len()];
        let Self {
            params: p,
            seed,
            terrain,
            food,
            entities: e,
            hash_grid,
            scratch: s,
            cursor,
            events,
            ledger,
            regions,
            pool,
            ..
        } = self;
        let seed = *seed;
        pool.install(|| {
            let mut clock = Instant::now();
            let mut lap = |k: usize| {
                let now = Instant::now();
                t[k] += now - clock;
                clock = now;
            };
            // Every slot from `end` up is free: per-slot passes stop there.
            let end = ledger.free.live_end();
            cpu::hash_count::hash_count(
                hash_grid,
                &e.pos[..end],
                &e.tribe_flags[..end],
                &mut s.cell_of[..end],
                &mut s.counts,
            );
            lap(0);
            cpu::hash_scan::hash_scan(&s.counts, &mut s.offsets);
            lap(1);
            cpu::hash_scatter::hash_scatter(
                &s.cell_of[..end],
                &s.offsets,
                &e.id,
                &e.pos,
                cursor,
                &mut s.sorted,
                &mut s.sorted_pos,
            );
            lap(2);
            let alive = s.offsets[hash_grid.len()] as usize;
            let every = p.hash.reorder_interval;
            if every > 0 && tick.is_multiple_of(every) {
                let n = cpu::reorder::reorder(e, &mut s.sorted[..alive], &mut s.cell_of);
                ledger.free = FreeSlots::new(n, e.capacity() as u32);
                regions.forget_owners();
            }
            lap(3);
            cpu::steer::gather_info(e, &s.sorted[..alive], &mut s.info);
            let inp = SteerInput {
                p,
                seed,
                tick,
                hash: HashView {
                    grid: hash_grid,
                    offsets: &s.offsets,
                    sorted: &s.sorted,
                    sorted_pos: &s.sorted_pos,
                    pos: &e.pos,
                    world: [p.world.width, p.world.height],
                },
                e,
                terrain,
                food,
                info: &s.info,
            };
            cpu::steer::steer(
                &inp,
                &s.sorted[..alive],
                &mut s.steer_out,
                &mut s.acc[..end],
                &mut s.intent[..end],
                &mut s.mode[..end],
            );
            lap(4);
            cpu::integrate::integrate(p, terrain, &s.acc[..end], e);
            lap(5);
            let order = &s.sorted[..alive];
            cpu::feed::feed_count(p, e, food, order, &mut s.food_cell, &mut s.eaters);
            ledger.counters.food_eaten +=
                cpu::feed::feed_apply(p, order, &s.food_cell, &mut s.eaters, e, food);
            lap(6);
            cpu::food_regrow::food_regrow(p, food);
            lap(7);
            regions.assign_owners(ledger.free.live_end(), e);
            lap(P_REGION);
            cpu::emit_events::emit_events(p, seed, tick, e, &s.intent[..end], events);
            lap(P_EMIT);
            regions.resolve(ledger, p, seed, tick, terrain, events, e);
            lap(P_RESOLVE);
        });
        self.timings = t;
    }

    /// One tick on the GPU backend: the GPU passes, the compact readback, the
    /// region workers on the CPU, the sparse write-back.
    async fn step_gpu(&mut self) -> Result<(), SimError> {
        let tick = self.tick;
        let mut t = [Duration::ZERO; PASSES.len()];
        let start = Instant::now();
        let alive = self.population() as u32;
        let Self {
            params: p,
            seed,
            terrain,
            entities: e,
            events,
            ledger,
            regions,
            pool,
            gpu,
            ..
        } = self;
        let GpuEngine { ctx, world } = gpu.as_deref_mut().expect("GPU backend");
        let every = p.hash.reorder_interval;
        let plan = TickPlan {
            tick,
            seed: *seed,
            end: ledger.free.live_end() as u32,
            alive,
            reorder: every > 0 && tick.is_multiple_of(every),
        };
        let out = world.tick_async(ctx, &plan).await?;
        if plan.reorder {
            // The GPU moved the living entities into slots 0..alive.
            ledger.free = FreeSlots::new(alive, e.capacity() as u32);
            regions.forget_owners();
            e.tribe_flags[..alive as usize].fill(FLAG_ALIVE);
            e.tribe_flags[alive as usize..].fill(0);
        }
        ledger.counters.food_eaten += out.food_eaten;
        for r in &out.participants {
            let i = r.slot as usize;
            e.pos[i] = r.pos;
            e.energy[i] = r.energy;
            e.tribe_flags[i] = r.tribe_flags;
            e.id[i] = r.id;
            e.genes[i] = r.genes;
        }
        regions.set_gpu_owners(
            &out.region_population,
            &out.region_migrations,
            out.participants.iter().map(|r| (r.slot, r.owner)),
        );
        let rebalance = Regions::rebalance_due(p, tick);
        if rebalance {
            // Rebalancing weighs every living entity's position.
            let end = ledger.free.live_end();
            let (pos, flags) = world.read_positions(ctx, end).await?;
            e.pos[..end].copy_from_slice(&pos);
            e.tribe_flags[..end].copy_from_slice(&flags);
            regions.set_owners_from_positions(end, e);
        }
        let before_resolve = Instant::now();
        pool.install(|| regions.resolve(ledger, p, *seed, tick, terrain, &out.events, e));
        let resolve = before_resolve.elapsed();
        if rebalance {
            world.set_regions(ctx, &regions.grid);
        }
        let mut born: Vec<u32> = regions.births().to_vec();
        born.sort_unstable();
        let mut slots: Vec<u32> = out
            .participants
            .iter()
            .map(|r| r.slot)
            .chain(born.iter().copied())
            .collect();
        slots.sort_unstable();
        slots.dedup();
        let owners = regions.owners();
        let records: Vec<WriteRecord> = slots
            .iter()
            .map(|&slot| {
                let i = slot as usize;
                WriteRecord {
                    slot,
                    id: e.id[i],
                    tribe_flags: e.tribe_flags[i],
                    owner: if e.alive(i) {
                        owners[i]
                    } else {
                        crate::cpu::NONE
                    },
                    pos: e.pos[i],
                    vel: e.vel[i],
                    energy: e.energy[i],
                    age: e.age[i],
                    full: born.binary_search(&slot).is_ok() as u32,
                    genes: e.genes[i],
                }
            })
            .collect();
        world.write_back(ctx, &records)?;
        *events = out.events;
        let gpu_s: f64 = out.pass_s.map_or(0.0, |s| s.iter().sum());
        if let Some(s) = out.pass_s {
            for (k, v) in s.iter().enumerate() {
                t[k] = Duration::from_secs_f64(*v);
            }
        }
        let wall = start.elapsed().as_secs_f64();
        t[P_RESOLVE] = resolve;
        t[P_TRANSFER] = Duration::from_secs_f64((wall - resolve.as_secs_f64() - gpu_s).max(0.0));
        self.timings = t;
        Ok(())
    }

    fn record_history(&mut self) {
        let c = &self.ledger.counters;
        self.history.push(HistorySample {
            tick: self.tick,
            population: c.tribes.iter().map(|t| t.population).collect(),
            births: c.total(|t| t.births),
            deaths: c.total(|t| t.deaths),
            kills: c.total(|t| t.kills),
            starved: c.total(|t| t.starved),
        });
    }

    /// Ticks run so far.
    pub fn tick(&self) -> u32 {
        self.tick
    }

    /// The scenario this simulation was created from.
    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    /// The parameters in force.
    pub fn params(&self) -> &SimParams {
        &self.params
    }

    /// Worker threads in use.
    pub fn threads(&self) -> usize {
        self.threads
    }

    /// The backend in use (never `Auto`).
    pub fn backend(&self) -> Backend {
        if self.gpu.is_some() {
            Backend::Gpu
        } else {
            Backend::Cpu
        }
    }

    /// The GPU adapter ("name (backend, driver)") on the GPU backend.
    pub fn adapter(&self) -> Option<String> {
        self.gpu.as_ref().map(|g| g.ctx.describe())
    }

    /// Whether the GPU adapter is a software renderer (lavapipe, llvmpipe,
    /// WARP): correct but usually slower than the CPU backend.
    pub fn gpu_is_software(&self) -> bool {
        self.gpu
            .as_ref()
            .is_some_and(|g| g.ctx.info.device_type == wgpu::DeviceType::Cpu)
    }

    /// Why `--backend auto` chose the CPU, if it did.
    pub fn notice(&self) -> Option<&str> {
        self.notice.as_deref()
    }

    /// Bytes read back from the GPU by the ticks so far (0 on the CPU backend).
    pub fn gpu_bytes_read(&self) -> u64 {
        self.gpu.as_ref().map_or(0, |g| g.world.bytes_read())
    }

    /// Bytes of GPU buffers the simulation holds (0 on the CPU backend).
    pub fn gpu_buffer_bytes(&self) -> u64 {
        self.gpu.as_ref().map_or(0, |g| g.world.gpu_bytes())
    }

    /// [`Self::gpu_buffer_bytes`] by kind (zero on the CPU backend).
    pub fn gpu_buffer_bytes_by_kind(&self) -> crate::gpu::world::GpuBytes {
        self.gpu
            .as_ref()
            .map_or_else(Default::default, |g| g.world.gpu_bytes_by_kind())
    }

    /// Whether the GPU passes are timed with timestamp queries.
    pub fn gpu_timestamps(&self) -> bool {
        self.gpu.as_ref().is_some_and(|g| g.world.has_timestamps())
    }

    /// The GPU device and the resident buffers on the GPU backend (for
    /// rendering straight from them).
    pub fn gpu_view(&self) -> Option<(&GpuContext, &crate::gpu::buffers::Buffers)> {
        self.gpu.as_ref().map(|g| (&g.ctx, g.world.buffers()))
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
        match (ctx, self.gpu.is_some()) {
            (None, false) => Ok(()),
            (None, true) => {
                let g = self.gpu.as_ref().expect("GPU backend");
                let e = g.world.read_entities_async(&g.ctx).await?;
                let food = g.world.read_food_async(&g.ctx, &self.food).await?;
                let modes = g.world.read_modes_async(&g.ctx).await?;
                self.entities = e;
                self.food = food;
                self.scratch.mode = modes;
                self.gpu = None;
                self.synced = OnceLock::new();
                let end = self.ledger.free.live_end();
                self.regions.set_owners_from_positions(end, &self.entities);
                Ok(())
            }
            (Some(ctx), on_gpu) => {
                if on_gpu {
                    // GPU to GPU (another device): through the CPU.
                    Box::pin(self.switch_backend_async(None)).await?;
                }
                let world = GpuWorld::new(
                    &ctx,
                    &self.params,
                    &self.terrain,
                    &self.food,
                    &self.entities,
                    &self.regions.grid,
                    self.scenario.tribes.len() as u32,
                )?;
                self.gpu = Some(Box::new(GpuEngine { ctx, world }));
                self.synced = OnceLock::new();
                self.checkpoint = None;
                Ok(())
            }
        }
    }

    /// Rebuilds the GPU pipelines of shader file `file` from the current
    /// sources ([`crate::gpu::shaders::set_override`]); on failure the running
    /// pipelines stay and the error is returned. Nothing to rebuild on the
    /// CPU backend.
    pub fn reload_shader(&mut self, file: &str) -> Result<(), String> {
        match self.gpu.as_deref_mut() {
            Some(g) => g.world.reload(&g.ctx, file),
            None => Ok(()),
        }
    }

    /// One living entity's fields by slot (`None` for a free slot); on the
    /// GPU backend one small readback.
    pub fn entity(&self, slot: usize) -> Option<EntityView> {
        crate::gpu::readback::block_on(self.entity_async(slot)).flatten()
    }

    /// [`Self::entity`], awaiting the GPU.
    pub async fn entity_async(&self, slot: usize) -> Option<EntityView> {
        let v = match &self.gpu {
            Some(g) => match g.world.read_slot_async(&g.ctx, slot).await {
                Ok(v) => v,
                Err(_) => return None,
            },
            None => {
                let e = &self.entities;
                if slot >= e.capacity() {
                    return None;
                }
                crate::gpu::world::SlotView {
                    pos: e.pos[slot],
                    vel: e.vel[slot],
                    energy: e.energy[slot],
                    age: e.age[slot],
                    tribe_flags: e.tribe_flags[slot],
                    id: e.id[slot],
                    genes: e.genes[slot],
                    mode: self.scratch.mode.get(slot).copied().unwrap_or(0),
                }
            }
        };
        (v.tribe_flags & FLAG_ALIVE != 0).then_some(EntityView {
            id: v.id,
            tribe: (v.tribe_flags & 0xffff) as u16,
            pos: v.pos,
            vel: v.vel,
            energy: v.energy,
            age: v.age,
            genes: v.genes,
            mode: v.mode,
        })
    }

    /// Reads the full GPU state now (awaiting the GPU), so that the
    /// accessors that need it ([`Self::entities`], [`Self::food`],
    /// [`Self::state_hash`], …) do not read it themselves until the next
    /// tick. Nothing to do on the CPU backend. The browser calls this before
    /// them, as it cannot block.
    pub async fn sync_async(&self) -> Result<(), GpuError> {
        let Some(g) = self.gpu.as_ref() else {
            return Ok(());
        };
        if self.synced.get().is_some() {
            return Ok(());
        }
        let s = Synced {
            entities: g.world.read_entities_async(&g.ctx).await?,
            food: g.world.read_food_async(&g.ctx, &self.food).await?,
            modes: g.world.read_modes_async(&g.ctx).await?,
        };
        let _ = self.synced.set(s);
        Ok(())
    }

    /// The full GPU state, read on first use after a tick.
    fn synced(&self) -> Option<&Synced> {
        let g = self.gpu.as_ref()?;
        Some(self.synced.get_or_init(|| {
            let read = || -> Result<Synced, GpuError> {
                Ok(Synced {
                    entities: g.world.read_entities(&g.ctx)?,
                    food: g.world.read_food(&g.ctx, &self.food)?,
                    modes: g.world.read_modes(&g.ctx)?,
                })
            };
            read().unwrap_or_else(|err| {
                log::warn!("reading the GPU state failed ({err}); showing the last known state");
                Synced {
                    entities: self.entities.clone(),
                    food: self.food.clone(),
                    modes: self.scratch.mode.clone(),
                }
            })
        }))
    }

    /// Entity storage, for rendering and inspection (on the GPU backend, read
    /// back in full on first use after each tick).
    pub fn entities(&self) -> &Entities {
        self.synced().map_or(&self.entities, |s| &s.entities)
    }

    /// The terrain grid.
    pub fn terrain(&self) -> &Terrain {
        &self.terrain
    }

    /// The food grid.
    pub fn food(&self) -> &Food {
        self.synced().map_or(&self.food, |s| &s.food)
    }

    /// This tick's behaviour per slot (see [`cpu::Mode`]).
    pub fn modes(&self) -> &[u8] {
        self.synced().map_or(&self.scratch.mode, |s| &s.modes)
    }

    /// The events emitted by the last tick.
    pub fn last_events(&self) -> &Events {
        &self.events
    }

    /// Cumulative counters.
    pub fn counters(&self) -> &Counters {
        &self.ledger.counters
    }

    /// The id the next birth will get.
    pub fn next_id(&self) -> u32 {
        self.ledger.next_id
    }

    /// Initial population.
    pub fn initial_population(&self) -> u64 {
        self.initial
    }

    /// One past the highest slot that may hold a living entity.
    pub fn live_end(&self) -> usize {
        self.ledger.free.live_end()
    }

    /// Living entities now.
    pub fn population(&self) -> u64 {
        self.ledger.counters.total(|t| t.population)
    }

    /// Per-tribe summaries.
    pub fn tribes(&self) -> Vec<TribeSummary> {
        self.scenario
            .tribes
            .iter()
            .zip(&self.ledger.counters.tribes)
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
            .unwrap_or_else(|| gene_stats(&self.entities, self.scenario.tribes.len()))
    }

    /// [`Self::gene_stats`], awaiting the GPU.
    pub async fn gene_stats_async(&self) -> Vec<[GeneStat; GENE_COUNT]> {
        if let Some(g) = &self.gpu {
            match g
                .world
                .stats_async(&g.ctx, self.ledger.free.live_end() as u32)
                .await
            {
                Ok((genes, _)) => return genes,
                Err(err) => {
                    log::warn!("GPU statistics failed ({err}); computing them on the CPU")
                }
            }
        }
        gene_stats(self.entities(), self.scenario.tribes.len())
    }

    /// The history ring (one sample every [`HISTORY_INTERVAL`] ticks).
    pub fn history(&self) -> &History {
        &self.history
    }

    /// Time spent in each pass during the last tick, in [`PASSES`] order.
    pub fn timings(&self) -> &[Duration; PASSES.len()] {
        &self.timings
    }

    /// The region grid, its workers and statistics.
    pub fn regions(&self) -> &Regions {
        &self.regions
    }

    /// Hash over all living entities' fields in slot order.
    pub fn state_hash(&self) -> u64 {
        self.entities().state_hash()
    }
}

/// The fault hook: `EVOSIM_FAULT=worker_panic@TICK` makes one region worker
/// panic once at that tick (for tests of the recovery).
impl Simulation {
    /// Checks the world's invariants: every living entity in a slot below
    /// the free list's high-water mark and not in its holes, ids unique and
    /// below the id counter, positions inside the world and on passable
    /// terrain, finite fields, and per tribe `initial + births − deaths ==
    /// population ==` the living count. On the GPU backend the state is read
    /// back in full. The error names the first broken invariant.
    pub fn check_invariants(&self) -> Result<(), String> {
        let e = self.entities();
        let p = &self.params;
        let (w, h) = (p.world.width, p.world.height);
        let free = &self.ledger.free;
        let end = free.live_end();
        let holes: std::collections::HashSet<u32> = free.holes().collect();
        let c = &self.ledger.counters;
        let mut per_tribe = vec![0u64; c.tribes.len()];
        let mut ids = std::collections::HashSet::new();
        let at = |i: usize, what: &str| format!("tick {}: slot {i}: {what}", self.tick);
        for i in 0..e.capacity() {
            let listed_free = i >= end || holes.contains(&(i as u32));
            if e.alive(i) == listed_free {
                return Err(at(i, "the free-slot list disagrees with the alive flag"));
            }
            if !e.alive(i) {
                continue;
            }
            if !ids.insert(e.id[i]) {
                return Err(at(i, &format!("id {} appears twice", e.id[i])));
            }
            if e.id[i] >= self.ledger.next_id {
                return Err(at(i, "id beyond the id counter"));
            }
            let [x, y] = e.pos[i];
            if !(x >= 0.0 && x < w && y >= 0.0 && y < h) {
                return Err(at(i, &format!("position ({x}, {y}) outside the world")));
            }
            if !self.terrain.passable(e.pos[i]) {
                return Err(at(i, &format!("position ({x}, {y}) on impassable terrain")));
            }
            let finite = [e.vel[i][0], e.vel[i][1], e.energy[i], e.age[i]]
                .iter()
                .all(|v| v.is_finite());
            if !finite {
                return Err(at(i, "a non-finite velocity, energy or age"));
            }
            match per_tribe.get_mut(e.tribe(i) as usize) {
                Some(n) => *n += 1,
                None => return Err(at(i, "tribe out of range")),
            }
        }
        for (k, t) in c.tribes.iter().enumerate() {
            if (t.initial + t.births).checked_sub(t.deaths) != Some(t.population) {
                return Err(format!(
                    "tick {}: tribe {k}: initial {} + births {} - deaths {} != population {}",
                    self.tick, t.initial, t.births, t.deaths, t.population
                ));
            }
            if t.population != per_tribe[k] {
                return Err(format!(
                    "tick {}: tribe {k}: population {} but {} living",
                    self.tick, t.population, per_tribe[k]
                ));
            }
        }
        Ok(())
    }
}

/// Counters stored per tribe in a snapshot.
const TRIBE_FIELDS: usize = 8;

fn invalid(m: impl Into<String>) -> SnapshotError {
    SnapshotError::Invalid(m.into())
}

impl Simulation {
    /// The whole state as the bytes of a snapshot file (see
    /// [`crate::snapshot`]): the scenario (terrain and every parameter follow
    /// from it), the tick, every entity slot, the food grid, the id counter
    /// and free slots, the counters, the region layout and the history. On
    /// the GPU backend the state is read back in full first.
    pub fn to_snapshot(&self) -> Result<Vec<u8>, SnapshotError> {
        let scenario = toml::to_string(&self.scenario)
            .map_err(|e| invalid(format!("the scenario cannot be written: {e}")))?;
        let e = self.entities();
        let food = self.food();
        let mut w = Writer::new();
        w.str(&scenario);
        w.u32(self.tick);
        w.u64(self.initial);
        w.u32(self.ledger.next_id);
        let c = &self.ledger.counters;
        let mut tribes = Vec::with_capacity(c.tribes.len() * TRIBE_FIELDS);
        for t in &c.tribes {
            tribes.extend([
                t.population,
                t.initial,
                t.births,
                t.deaths,
                t.kills,
                t.starved,
                t.old_age,
                t.killed,
            ]);
        }
        w.u64s(&tribes);
        w.u64(c.births_dropped);
        w.f64(c.food_eaten);
        let free = &self.ledger.free;
        w.u32(free.live_end() as u32);
        w.u32(free.capacity());
        w.words(&free.holes().collect::<Vec<u32>>());
        w.words(&e.pos);
        w.words(&e.vel);
        w.words(&e.energy);
        w.words(&e.age);
        w.words(&e.tribe_flags);
        w.words(&e.id);
        w.words(&e.genes);
        w.words(&food.amount);
        w.words(&food.capacity);
        w.words(&food.cooldown);
        let g = &self.regions.grid;
        w.u32(g.rows);
        w.u32(g.cols);
        w.words(&g.xs);
        w.words(&g.ys);
        w.u64(self.history.limit as u64);
        w.u64(self.history.samples.len() as u64);
        for h in &self.history.samples {
            w.u32(h.tick);
            w.u64s(&h.population);
            w.u64(h.births);
            w.u64(h.deaths);
            w.u64(h.kills);
            w.u64(h.starved);
        }
        Ok(w.finish())
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
    /// checked before anything is allocated and the state is checked for
    /// consistency before a simulation is built; any problem is an error,
    /// never a panic.
    pub fn from_snapshot(
        bytes: &[u8],
        backend: Backend,
        threads: usize,
        regions: Option<(u32, u32)>,
    ) -> Result<Self, SimError> {
        let mut r = Reader::open(bytes)?;
        let text = r.str("the scenario")?;
        let mut scenario = Scenario::from_toml(&text, "the snapshot's scenario")
            .map_err(|e| invalid(format!("its scenario: {e}")))?;
        scenario
            .validate()
            .map_err(|e| invalid(format!("its scenario: {e}")))?;
        let saved_shape = (scenario.regions.rows, scenario.regions.cols);
        if let Some((rows, cols)) = regions {
            scenario.regions.rows = rows;
            scenario.regions.cols = cols;
        }
        let params = scenario.params();
        let capacity = scenario.resolved_capacity() as usize;
        let tribes = scenario.tribes.len();
        let cells = Grid::new(
            params.world.width,
            params.world.height,
            params.food.cell_size,
        )
        .len();
        let tick = r.u32("the tick")?;
        let initial = r.u64("the initial population")?;
        let next_id = r.u32("the id counter")?;
        let tc = r.u64s(tribes * TRIBE_FIELDS, "the tribe counters")?;
        if tc.len() != tribes * TRIBE_FIELDS {
            return Err(invalid(format!("{} tribe counters for {tribes} tribes", tc.len())).into());
        }
        let births_dropped = r.u64("births dropped")?;
        let food_eaten = r.f64("food eaten")?;
        let high = r.u32("the slot high-water mark")?;
        let cap = r.u32("the slot capacity")?;
        if cap as usize != capacity {
            return Err(invalid(format!("{cap} slots, but its scenario gives {capacity}")).into());
        }
        let holes = r.u32s(capacity, "the free slots")?;
        let free = FreeSlots::from_parts(&holes, high, cap)
            .ok_or_else(|| invalid("the free-slot list is inconsistent"))?;
        let mut e = Entities::with_capacity(0);
        e.pos = r.words(capacity, "positions")?;
        e.vel = r.words(capacity, "velocities")?;
        e.energy = r.words(capacity, "energies")?;
        e.age = r.words(capacity, "ages")?;
        e.tribe_flags = r.words(capacity, "tribes and flags")?;
        e.id = r.words(capacity, "ids")?;
        e.genes = r.words(capacity, "genes")?;
        let amount: Vec<f32> = r.words(cells, "food amounts")?;
        let food_capacity: Vec<f32> = r.words(cells, "food capacities")?;
        let cooldown: Vec<f32> = r.words(cells, "food cooldowns")?;
        let rows = r.u32("region rows")?;
        let cols = r.u32("region columns")?;
        if !(1..=256).contains(&rows) || !(1..=256).contains(&cols) {
            return Err(invalid(format!("a {rows}x{cols} region grid")).into());
        }
        let xs: Vec<f32> = r.words(cols as usize + 1, "region columns")?;
        let ys: Vec<f32> = r.words(rows as usize + 1, "region rows")?;
        let limit = r.u64("the history limit")?;
        let samples = r.u64("the history length")?;
        if limit == 0 || limit > 1 << 20 || samples > limit {
            return Err(
                invalid(format!("a history of {samples} samples with limit {limit}")).into(),
            );
        }
        let mut history = History::new(limit as usize);
        for _ in 0..samples {
            let tick = r.u32("a history sample")?;
            let population = r.u64s(tribes, "a history sample")?;
            if population.len() != tribes {
                return Err(invalid("a history sample has the wrong tribe count").into());
            }
            history.push(HistorySample {
                tick,
                population,
                births: r.u64("a history sample")?,
                deaths: r.u64("a history sample")?,
                kills: r.u64("a history sample")?,
                starved: r.u64("a history sample")?,
            });
        }
        r.end()?;

        // The state itself.
        let (w, h) = (params.world.width, params.world.height);
        let mut seen_ids = std::collections::HashSet::new();
        let mut per_tribe = vec![0u64; tribes];
        let hole_set: std::collections::HashSet<u32> = holes.iter().copied().collect();
        for i in 0..capacity {
            let should = (i as u32) < high && !hole_set.contains(&(i as u32));
            if e.alive(i) != should {
                return Err(invalid(format!(
                    "slot {i} is {} but the free-slot list says otherwise",
                    if e.alive(i) { "alive" } else { "free" }
                ))
                .into());
            }
            if !should {
                continue;
            }
            let t = e.tribe(i) as usize;
            let [x, y] = e.pos[i];
            let finite = [x, y, e.vel[i][0], e.vel[i][1], e.energy[i], e.age[i]]
                .iter()
                .all(|v| v.is_finite());
            if t >= tribes
                || !finite
                || !(0.0..w).contains(&x)
                || !(0.0..h).contains(&y)
                || e.id[i] >= next_id
                || !seen_ids.insert(e.id[i])
            {
                return Err(invalid(format!(
                    "the entity in slot {i} is out of range (tribe, position, finite values or id)"
                ))
                .into());
            }
            per_tribe[t] += 1;
        }
        let mut counters = Counters::new(&vec![0; tribes]);
        for (k, t) in counters.tribes.iter_mut().enumerate() {
            let f = &tc[k * TRIBE_FIELDS..(k + 1) * TRIBE_FIELDS];
            *t = crate::regions::stats::TribeCounters {
                population: f[0],
                initial: f[1],
                births: f[2],
                deaths: f[3],
                kills: f[4],
                starved: f[5],
                old_age: f[6],
                killed: f[7],
            };
            if t.population != per_tribe[k] {
                return Err(invalid(format!(
                    "tribe {k} counts {} living but {} are stored",
                    t.population, per_tribe[k]
                ))
                .into());
            }
            if (t.initial + t.births).checked_sub(t.deaths) != Some(t.population) {
                return Err(invalid(format!(
                    "tribe {k}: initial + births - deaths is not its population"
                ))
                .into());
            }
        }
        if counters.tribes.iter().map(|t| t.initial).sum::<u64>() != initial {
            return Err(invalid("the initial population does not match the tribes'").into());
        }
        counters.births_dropped = births_dropped;
        counters.food_eaten = food_eaten;
        let food_ok = amount
            .iter()
            .chain(&food_capacity)
            .chain(&cooldown)
            .all(|v| v.is_finite() && *v >= 0.0);
        if !food_ok {
            return Err(invalid("a food cell holds a negative or non-finite value").into());
        }
        let bounds_ok = |b: &[f32], len: f32| {
            b.first() == Some(&0.0) && b.last() == Some(&len) && b.windows(2).all(|p| p[0] < p[1])
        };
        if !bounds_ok(&xs, w) || !bounds_ok(&ys, h) {
            return Err(invalid("the region boundaries do not split the world").into());
        }

        // Build, then put the saved state in.
        let (ctx, notice) = open_gpu(backend)?;
        let mut sim = Self::build(scenario, None, notice, threads)?;
        if let Some(i) = (0..capacity).find(|&i| e.alive(i) && !sim.terrain.passable(e.pos[i])) {
            return Err(invalid(format!(
                "the entity in slot {i} stands on impassable terrain"
            ))
            .into());
        }
        sim.tick = tick;
        sim.initial = initial;
        sim.entities = e;
        sim.food.amount = amount;
        sim.food.capacity = food_capacity;
        sim.food.cooldown = cooldown;
        sim.ledger = Ledger::new(capacity, 0, &vec![0; tribes]);
        sim.ledger.free = free;
        sim.ledger.next_id = next_id;
        sim.ledger.counters = counters;
        sim.history = history;
        let g = &mut sim.regions.grid;
        if regions.is_none_or(|s| s == saved_shape) && (g.rows, g.cols) == (rows, cols) {
            g.xs = xs;
            g.ys = ys;
        }
        sim.scratch.mode.fill(0);
        sim.synced = OnceLock::new();
        let end = sim.ledger.free.live_end();
        sim.regions.set_owners_from_positions(end, &sim.entities);
        if ctx.is_some() {
            sim.switch_backend(ctx)?;
        }
        Ok(sim)
    }
}

/// A fault injected for tests (`EVOSIM_FAULT`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fault {
    /// One region worker panics once at this tick.
    WorkerPanic(u32),
    /// One region worker stalls once at this tick (past the watchdog's bound).
    WorkerStall(u32),
    /// The GPU device is destroyed at the start of this tick.
    DeviceLost(u32),
}

fn fault_from_env() -> Result<Option<Fault>, SimError> {
    let Ok(v) = std::env::var("EVOSIM_FAULT") else {
        return Ok(None);
    };
    let bad = || InvalidField {
        field: "EVOSIM_FAULT".into(),
        problem: format!(
            "{v:?} is not understood (expected worker_panic@TICK, worker_stall@TICK or \
             device_lost@TICK)"
        ),
    };
    let tick = |t: &str| t.trim().parse::<u32>().map_err(|_| bad());
    match v.trim().split_once('@') {
        Some(("worker_panic", t)) => Ok(Some(Fault::WorkerPanic(tick(t)?))),
        Some(("worker_stall", t)) => Ok(Some(Fault::WorkerStall(tick(t)?))),
        Some(("device_lost", t)) => Ok(Some(Fault::DeviceLost(tick(t)?))),
        _ => Err(bad().into()),
    }
}

/// Ticks between the GPU backend's in-memory checkpoints (the state it
/// falls back to on the CPU if the device is lost).
pub const CHECKPOINT_INTERVAL: u32 = 600;

impl Simulation {
    /// Takes a checkpoint on the GPU backend when one is due.
    async fn checkpoint_if_due(&mut self) {
        if self.gpu.is_none()
            || (self.checkpoint.is_some() && !self.tick.is_multiple_of(CHECKPOINT_INTERVAL))
        {
            return;
        }
        if let Err(e) = self.sync_async().await {
            log::warn!("no checkpoint at tick {}: {e}", self.tick);
            return;
        }
        match self.to_snapshot() {
            Ok(b) => self.checkpoint = Some((self.tick, b)),
            Err(e) => log::warn!("no checkpoint at tick {}: {e}", self.tick),
        }
    }

    /// The GPU failed during tick `tick`: rebuild the world on the CPU
    /// backend from the last checkpoint, recompute the ticks since, and
    /// finish this one. Without a checkpoint the error stands.
    fn recover_on_cpu(&mut self, tick: u32, err: SimError) -> Result<(), SimError> {
        let Some((at, bytes)) = self.checkpoint.take() else {
            return Err(err);
        };
        let shape = Some((self.regions.grid.rows, self.regions.grid.cols));
        let mut cpu = Simulation::from_snapshot(&bytes, Backend::Cpu, self.threads, shape)?;
        cpu.device_fault = None;
        while cpu.tick <= tick {
            cpu.step()?;
        }
        let notice = format!(
            "the GPU failed at tick {tick} ({err}); the run goes on on the CPU backend from \
             the checkpoint of tick {at} ({} ticks recomputed)",
            tick - at
        );
        log::warn!("{notice}");
        cpu.notice = Some(notice);
        *self = cpu;
        Ok(())
    }
}

#[cfg(test)]
mod invariant_tests {
    use super::*;

    fn sim() -> Simulation {
        let s = Scenario::default_scenario().scaled_to(600).unwrap();
        let mut sim = Simulation::new(s, Backend::Cpu, 1).unwrap();
        for _ in 0..5 {
            sim.step().unwrap();
        }
        sim
    }

    #[test]
    fn each_broken_invariant_is_named() {
        let ok = sim();
        assert_eq!(ok.check_invariants(), Ok(()));
        let first = (0..ok.entities.capacity())
            .find(|&i| ok.entities.alive(i))
            .unwrap();
        let second = (first + 1..ok.entities.capacity())
            .find(|&i| ok.entities.alive(i))
            .unwrap();
        type Breaker = Box<dyn Fn(&mut Simulation)>;
        let cases: Vec<(&str, Breaker)> = vec![
            (
                "twice",
                Box::new(move |s| s.entities.id[second] = s.entities.id[first]),
            ),
            (
                "outside",
                Box::new(move |s| s.entities.pos[first][0] = -1.0),
            ),
            (
                "non-finite",
                Box::new(move |s| s.entities.energy[first] = f32::NAN),
            ),
            ("id counter", Box::new(|s| s.ledger.next_id = 0)),
            (
                "births",
                Box::new(|s| s.ledger.counters.tribes[0].births += 1),
            ),
            (
                "free-slot",
                Box::new(move |s| s.entities.tribe_flags[first] &= !FLAG_ALIVE),
            ),
        ];
        for (what, break_it) in cases {
            let mut s = sim();
            break_it(&mut s);
            let e = s.check_invariants().expect_err(what);
            assert!(e.contains(what), "{what}: {e}");
        }
    }
}
