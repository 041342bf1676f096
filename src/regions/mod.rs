//! The region tasks and event resolution (ARCHITECTURE.md, Regions and ghost zones):
//! combat, deaths, reproduction and bookkeeping, in parallel by region.
//!
//! The world is split into a grid of regions ([`grid::RegionGrid`]); each tick
//! every living entity belongs to the region its position lies in (an entity
//! that crossed a border has migrated to a new owner). Resolution runs in
//! phases of region tasks on the simulation's thread pool
//! ([`crate::common::WorkPool`], coordinated by [`pool::Coordinator`]), with
//! the coordinator's exchange steps between them:
//! 1. **combat** (parallel): each region resolves the attacks on the targets it
//!    owns, reading attackers in neighbouring regions from read-only ghost
//!    copies of their border strips (attack reach is far below `ghost_width`);
//! 2. **exchange**: target energies and kills are committed; deaths (starved,
//!    old age, killed) free their slots in ascending id; attacker gains go to
//!    their owners' inboxes;
//! 3. **births** (parallel): each region applies its inbox in ascending
//!    attacker id, then turns its surviving candidates into birth requests
//!    (mutation keyed by seed, tick and parent id; placement near the parent,
//!    possibly in a neighbouring region);
//! 4. **commit**: requests in ascending parent id get the lowest free slot and
//!    the next id; the child belongs to the region it was placed in.
//!
//! Every step is a pure function of sorted event lists, so the result is the
//! same for any number of threads and any region grid. Boundaries move with
//! the measured load every `regions.rebalance_interval` ticks.

pub mod combat;
pub mod grid;
pub mod lag;
mod owners;
pub mod pool;
pub mod reproduction;
mod resolve;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use serde::Serialize;

use crate::common::NONE;
use crate::common::WorkPool;
use crate::common::pool::{PoolStatus, RegionLoad, ThreadBusy};
use crate::model::entities::{Entities, SlotState};
use crate::model::params::SimParams;
use crate::model::terrain::Terrain;
use crate::world::{Ledger, World};
use grid::RegionGrid;
use owners::Owners;
use pool::{Coordinator, PhaseRun, Task};

/// Per-slot fate during resolution: `FATE_NONE`, or `1 + DeathCause`.
pub const FATE_NONE: u8 = 0;

/// A region task's copy of one entity, taken at the start of its phase,
/// with its fate so far this tick.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Snap {
    /// The entity's state.
    pub state: SlotState,
    /// Fate so far this tick ([`FATE_NONE`] or `1 + DeathCause`).
    pub fate: u8,
}

/// Finds a copy by slot in a list sorted by slot.
#[inline]
pub fn find(list: &[Snap], slot: u32) -> Option<&Snap> {
    list.binary_search_by_key(&slot, |s| s.state.slot)
        .ok()
        .map(|k| &list[k])
}

/// What one resolution reads and changes besides the regions: the world's
/// parameters, terrain, seed and books, and the entity slots it resolves on
/// (the world's own on the CPU engine, the host table on the GPU engine).
pub struct Resolution<'a> {
    /// The pool the region tasks run on (the resolution blocks until they
    /// report: call it from outside the pool).
    pub pool: &'a WorkPool,
    /// The world's parameters.
    pub params: &'a Arc<SimParams>,
    /// The world's terrain.
    pub terrain: &'a Arc<Terrain>,
    /// The run's seed.
    pub seed: u64,
    /// The tick the events were emitted at.
    pub tick: u32,
    /// The world's books: free slots, ids, counters, species.
    pub ledger: &'a mut Ledger,
    /// The entity slots.
    pub entities: &'a mut Entities,
}

/// Statistics of one region.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct RegionStats {
    /// Living entities owned now.
    pub population: u64,
    /// Events resolved this tick (attacks on owned targets, deaths, reproduction candidates).
    pub events: u64,
    /// Events resolved so far.
    pub events_total: u64,
    /// Entities that migrated in so far.
    pub migrations_in: u64,
    /// Children placed here so far.
    pub births_in: u64,
    /// Time its tasks ran so far (s).
    pub busy_s: f64,
}

/// Time accounting of the region work, cumulative.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct RegionTiming {
    /// Ticks resolved.
    pub ticks: u64,
    /// Sum of the region tasks' run times (s).
    pub work_s: f64,
    /// Wall time of the parallel phases, dispatch to the last report (s).
    pub phases_s: f64,
    /// Coordinator time outside the phases: ownership, copies, exchange, commit (s).
    pub coordinator_s: f64,
}

/// The region grid, the coordinator of its tasks and its statistics.
pub struct Regions {
    /// The grid.
    pub grid: RegionGrid,
    coordinator: Coordinator,
    /// Per pool thread: region task time and tasks in the last resolved tick.
    thread_busy: Vec<(Duration, u32)>,
    /// The region owning each slot this tick ([`NONE`] when free), as the
    /// GPU's `owner` buffer.
    owner: Owners,
    /// Per-region statistics.
    pub stats: Vec<RegionStats>,
    /// Cumulative timing.
    pub timing: RegionTiming,
    load: Vec<f64>,
    fault_tick: Option<u32>,
    fault_kind: WorkerFault,
    fault_armed: Arc<AtomicBool>,
    births: Vec<u32>,
    /// Per-slot fate during a resolution ([`FATE_NONE`] outside one).
    fate: Vec<u8>,
    /// On the GPU backend's rebalance ticks: the living per region and
    /// position bin (`region_of`), which the rebalancing weighs instead of
    /// every position.
    gpu_hist: Option<Vec<u32>>,
}

/// A fault injected into one region task, for tests of the recovery and the
/// watchdog (the command line's `EVOSIM_FAULT`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkerFault {
    /// The task panics once (`worker_panic@TICK`).
    Panic,
    /// The task stalls once for 2.5 times the watchdog's bound, then runs
    /// (`worker_stall@TICK`).
    Stall,
}

impl Regions {
    /// The regions of `world`: the scenario's grid shape, or one that fits
    /// `threads` workers when the scenario leaves it to the pool. `fault`:
    /// make one region task panic or stall once at that tick.
    pub fn for_world(world: &World, threads: usize, fault: Option<(u32, WorkerFault)>) -> Self {
        let p = &world.params;
        let (rows, cols) = match (p.regions.rows, p.regions.cols) {
            (0, _) | (_, 0) => grid::auto_shape(threads),
            shape => shape,
        };
        let capacity = world.ledger.free.capacity() as usize;
        Self::new(p, rows, cols, capacity, fault)
    }

    /// Whether the boundaries split a `width × height` world: each axis
    /// from 0 to its length, strictly increasing.
    pub fn check_bounds(&self, width: f32, height: f32) -> Result<(), String> {
        let g = &self.grid;
        let splits = |b: &[f32], len: f32| {
            b.first() == Some(&0.0) && b.last() == Some(&len) && b.windows(2).all(|p| p[0] < p[1])
        };
        if splits(&g.xs, width) && splits(&g.ys, height) {
            Ok(())
        } else {
            Err("the region boundaries do not split the world".into())
        }
    }

    /// A `rows × cols` grid over the world, `capacity` slots.
    /// `fault`: make one region task panic or stall once at that tick.
    pub fn new(
        p: &SimParams,
        rows: u32,
        cols: u32,
        capacity: usize,
        fault: Option<(u32, WorkerFault)>,
    ) -> Self {
        let fault_tick = fault.map(|f| f.0);
        let fault_kind = fault.map_or(WorkerFault::Panic, |f| f.1);
        let grid = RegionGrid::uniform(rows, cols, p.world.width, p.world.height);
        let n = grid.len();
        Self {
            grid,
            coordinator: Coordinator::new(),
            thread_busy: Vec::new(),
            owner: Owners::new(capacity),
            stats: vec![RegionStats::default(); n],
            timing: RegionTiming::default(),
            load: vec![0.0; n],
            fault_tick,
            fault_kind,
            fault_armed: Arc::new(AtomicBool::new(fault_tick.is_some())),
            births: Vec::new(),
            fate: vec![FATE_NONE; capacity],
            gpu_hist: None,
        }
    }

    /// Arms a fault: one region task panics or stalls once at that tick
    /// (`None`: no fault).
    pub fn set_fault(&mut self, fault: Option<(u32, WorkerFault)>) {
        self.fault_tick = fault.map(|f| f.0);
        self.fault_kind = fault.map_or(WorkerFault::Panic, |f| f.1);
        self.fault_armed.store(fault.is_some(), Ordering::SeqCst);
    }

    /// Sets how long the coordinator waits for a task before it reports the
    /// phase stuck.
    pub fn set_watchdog(&mut self, bound: Duration) {
        self.coordinator.set_watchdog(bound);
    }

    /// Phases the watchdog reported stuck, so far, and the last report.
    pub fn stalls(&self) -> (u64, Option<&str>) {
        (
            self.coordinator.stalls,
            self.coordinator.last_stall.as_deref(),
        )
    }

    /// Region tasks redone after a panic, so far.
    pub fn restarts(&self) -> u64 {
        self.coordinator.restarts
    }

    /// The pool's status as the regions know it: per pool thread (of
    /// `threads`) the region task time and tasks of the last resolved tick,
    /// per region its entities and events, the restarts and stalls. The
    /// per-entity passes' share ([`ThreadBusy::passes_ms`]) is the caller's
    /// to fill in.
    pub fn pool_status(&self, threads: usize) -> PoolStatus {
        let mut per = vec![ThreadBusy::default(); threads.max(self.thread_busy.len())];
        for (t, &(d, n)) in per.iter_mut().zip(&self.thread_busy) {
            t.regions_ms = d.as_secs_f64() * 1e3;
            t.tasks = n;
        }
        PoolStatus {
            threads: per,
            outside_ms: 0.0,
            regions: self
                .stats
                .iter()
                .map(|s| RegionLoad {
                    entities: s.population,
                    events: s.events,
                })
                .collect(),
            restarts: self.coordinator.restarts,
            stalls: self.coordinator.stalls,
            last_stall: self.coordinator.last_stall.clone(),
        }
    }

    /// Forgets every entity's owner (after slots were renumbered): the next
    /// tick counts no migrations.
    pub fn forget_owners(&mut self) {
        self.owner.clear();
    }

    /// Moves the owners with the slots after a re-sort: `order` holds the
    /// old slot of each new slot `0..order.len()`; slots above have none
    /// (`buf`: scratch, see [`crate::common::pool::permute`]).
    pub fn renumber(&mut self, order: &[u32], buf: &mut Vec<u32>) {
        self.owner.renumber(order, buf);
    }

    /// The region that owns slot `slot` this tick ([`NONE`] for a free slot).
    pub fn owner(&self, slot: u32) -> u32 {
        self.owner.get(slot as usize)
    }

    fn run_phase<T: Send + 'static>(
        &mut self,
        pool: &WorkPool,
        name: &str,
        tick: u32,
        tasks: Vec<(usize, Task<T>)>,
    ) -> Vec<(usize, T)> {
        let (regions, mut list): (Vec<usize>, Vec<Task<T>>) = tasks.into_iter().unzip();
        if let (Some(at), Some(first)) = (self.fault_tick, list.first_mut())
            && tick >= at
            && self.fault_armed.swap(false, Ordering::SeqCst)
        {
            let inner = first.clone();
            let armed = Arc::new(AtomicBool::new(true));
            let kind = self.fault_kind;
            let stall = self.coordinator.watchdog() * 5 / 2;
            *first = Arc::new(move || {
                if armed.swap(false, Ordering::SeqCst) {
                    match kind {
                        WorkerFault::Panic => panic!("EVOSIM_FAULT worker_panic at tick {tick}"),
                        WorkerFault::Stall => std::thread::sleep(stall),
                    }
                }
                inner()
            });
        }
        let PhaseRun {
            results,
            busy,
            thread,
            time,
        } = self
            .coordinator
            .run(pool, &format!("tick {tick}, phase {name}"), &list, &regions);
        for ((r, b), t) in regions.iter().zip(&busy).zip(&thread) {
            self.stats[*r].busy_s += b.as_secs_f64();
            // A task run on the calling thread (no pool threads) counts as thread 0's.
            let t = t.unwrap_or(0);
            if self.thread_busy.len() <= t {
                self.thread_busy.resize(t + 1, (Duration::ZERO, 0));
            }
            self.thread_busy[t].0 += *b;
            self.thread_busy[t].1 += 1;
        }
        self.timing.work_s += time.busy.as_secs_f64();
        self.timing.phases_s += time.wall.as_secs_f64();
        regions.into_iter().zip(results).collect()
    }

    /// The slots that received a child in the last resolved tick, in order.
    pub fn births(&self) -> &[u32] {
        &self.births
    }

    /// Whether the boundaries are rebalanced at the end of `tick` (which
    /// needs every living entity's owner and position, or on the GPU
    /// backend their histograms).
    pub fn rebalance_due(p: &SimParams, tick: u32) -> bool {
        let every = p.regions.rebalance_interval;
        every > 0 && (tick + 1).is_multiple_of(every)
    }

    /// Takes this tick's ownership from the GPU (`region_of`): populations and
    /// migrations per region and the owners of the slots the events name.
    pub fn set_gpu_owners(
        &mut self,
        population: &[u32],
        migrations: &[u32],
        owners: impl Iterator<Item = (u32, u32)>,
    ) {
        for ((st, &p), &m) in self.stats.iter_mut().zip(population).zip(migrations) {
            st.population = p as u64;
            st.migrations_in += m as u64;
        }
        for (slot, owner) in owners {
            self.owner.set(slot as usize, owner);
        }
    }

    /// Takes the GPU's histograms of this tick (see [`RegionGrid::rebalance_binned`]):
    /// the rebalancing at its end weighs them instead of the positions.
    pub fn set_gpu_histograms(&mut self, hist: Vec<u32>) {
        self.gpu_hist = Some(hist);
    }

    /// Sets every living slot's owner below `end` from its position without
    /// counting (the GPU counted already); for rebalancing on the GPU backend.
    pub fn set_owners_from_positions(&mut self, end: usize, e: &Entities) {
        for i in 0..end {
            let r = if e.alive(i) {
                self.grid.region_of(e.pos[i])
            } else {
                NONE
            };
            self.owner.set(i, r);
        }
    }

    /// Owner of every living slot below `end`; counts migrations and
    /// populations. The CPU backend's `region_of` step, run before [`Regions::resolve`].
    pub fn assign_owners(&mut self, end: usize, e: &Entities) {
        let counts = self.owner.assign(&self.grid, end, e);
        for (st, c) in self.stats.iter_mut().zip(counts) {
            st.population = c.population;
            st.migrations_in += c.migrations_in;
        }
    }

    /// Load bookkeeping and, at the interval, boundary rebalancing: each living
    /// entity weighs its region's load (entities + events, summed over the
    /// interval) per member now.
    fn account(&mut self, p: &SimParams, tick: u32, e: &Entities, end: usize) {
        for (l, st) in self.load.iter_mut().zip(&mut self.stats) {
            st.events_total += st.events;
            *l += (st.population + st.events) as f64;
        }
        if Self::rebalance_due(p, tick) {
            let per: Vec<f64> = self
                .load
                .iter()
                .zip(&self.stats)
                .map(|(l, s)| l / s.population.max(1) as f64)
                .collect();
            if let Some(hist) = self.gpu_hist.take() {
                self.grid.rebalance_binned(&per, &hist);
            } else {
                let points: Vec<([f32; 2], f64)> = (0..end)
                    .filter(|&i| e.alive(i) && self.owner.get(i) != NONE)
                    .map(|i| (e.pos[i], per[self.owner.get(i) as usize]))
                    .collect();
                self.grid.rebalance(&points);
            }
            self.load.fill(0.0);
        }
    }
}
