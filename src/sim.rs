//! The `Simulation` API used by every front end.
//!
//! [`Simulation::step`] runs one tick, in this order (DESIGN.md §3):
//! 1. `hash_count` → `hash_scan` → `hash_scatter`: counting-sort spatial hash;
//! 2. `steer`: sense and steer from last tick's state;
//! 3. `integrate`: velocity, speed clamp, terrain sliding, wrap, energy, age;
//! 4. `feed` then `food_regrow`;
//! 5. `emit_events`: attacks, reproduction candidates, deaths;
//! 6. `resolve`: combat, deaths, reproduction, bookkeeping.

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::cpu::emit_events::Events;
use crate::cpu::neighbors::HashView;
use crate::cpu::steer::SteerInput;
use crate::cpu::{self, Scratch};
use crate::model::entities::Entities;
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

/// Names of the timed passes, in execution order.
pub const PASSES: [&str; 10] = [
    "hash_count",
    "hash_scan",
    "hash_scatter",
    "reorder",
    "steer",
    "integrate",
    "feed",
    "food_regrow",
    "emit_events",
    "resolve",
];

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
    pool: rayon::ThreadPool,
    threads: usize,
    timings: [Duration; PASSES.len()],
}

impl Simulation {
    /// Creates a simulation from a validated scenario, on `threads` worker
    /// threads (0: one per core).
    pub fn new(scenario: Scenario, backend: Backend, threads: usize) -> Result<Self, SimError> {
        if backend == Backend::Gpu {
            return Err(SimError::Backend(
                "the GPU backend cannot run a whole tick yet (its passes exist and are tested; the GPU-resident tick does not); use --backend cpu (or auto)"
                    .into(),
            ));
        }
        scenario.validate()?;
        let params = scenario.params();
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .thread_name(|i| format!("evosim-worker-{i}"))
            .build()
            .map_err(|e| SimError::Threads {
                threads,
                message: e.to_string(),
            })?;
        let threads = pool.current_num_threads();
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
        let regions = Regions::new(&params, rows, cols, threads, capacity, fault_from_env()?);
        let mut sim = Self {
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
    pub fn step(&mut self) {
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
                cpu::feed::feed_apply(p, order, &s.food_cell, &mut s.eaters, &mut s.take, e, food);
            lap(6);
            cpu::food_regrow::food_regrow(p, food);
            lap(7);
            cpu::emit_events::emit_events(p, seed, tick, e, &s.intent[..end], events);
            lap(8);
            regions.resolve(ledger, p, seed, tick, terrain, events, e);
            lap(9);
        });
        self.timings = t;
        self.tick += 1;
        if self.tick.is_multiple_of(HISTORY_INTERVAL) {
            self.record_history();
        }
    }

    fn record_history(&mut self) {
        let c = &self.ledger.counters;
        self.history.push(HistorySample {
            tick: self.tick,
            population: c.tribes.iter().map(|t| t.population).collect(),
            births: c.total(|t| t.births),
            deaths: c.total(|t| t.deaths),
            kills: c.total(|t| t.kills),
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

    /// The backend in use.
    pub fn backend(&self) -> Backend {
        Backend::Cpu
    }

    /// Entity storage, for rendering and inspection.
    pub fn entities(&self) -> &Entities {
        &self.entities
    }

    /// The terrain grid.
    pub fn terrain(&self) -> &Terrain {
        &self.terrain
    }

    /// The food grid.
    pub fn food(&self) -> &Food {
        &self.food
    }

    /// This tick's behaviour per slot (see [`cpu::Mode`]).
    pub fn modes(&self) -> &[u8] {
        &self.scratch.mode
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
    pub fn gene_stats(&self) -> Vec<[GeneStat; GENE_COUNT]> {
        gene_stats(&self.entities, self.scenario.tribes.len())
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
        self.entities.state_hash()
    }
}

/// The fault hook: `EVOSIM_FAULT=worker_panic@TICK` makes one region worker
/// panic once at that tick (for tests of the recovery).
fn fault_from_env() -> Result<Option<u32>, SimError> {
    let Ok(v) = std::env::var("EVOSIM_FAULT") else {
        return Ok(None);
    };
    let bad = || InvalidField {
        field: "EVOSIM_FAULT".into(),
        problem: format!("{v:?} is not understood (expected worker_panic@TICK)"),
    };
    match v.trim().split_once('@') {
        Some(("worker_panic", t)) => Ok(Some(t.trim().parse().map_err(|_| bad())?)),
        _ => Err(bad().into()),
    }
}
