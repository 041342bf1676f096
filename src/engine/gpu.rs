//! The GPU engine: the world resident on the device, the passes recorded
//! into one command buffer per tick (`src/gpu/world.rs`), the region workers
//! on the CPU in between.
//!
//! The GPU engine owns its record formats: the participant records of a tick
//! (what the region workers read of the entities its events name) come back
//! as an explicit list, are copied into the engine's host slot table, and the
//! changed slots go back as write records. Nothing outside this module sees
//! either.

use std::sync::Arc;
use std::time::Duration;
use web_time::Instant;

use super::pool::WorkPool;
use crate::cpu::NONE;
use crate::gpu::layout::WriteRecord;
use crate::gpu::world::{GpuWorld, TickPlan, TickReadback};
use crate::gpu::{GpuContext, GpuError};
use crate::model::entities::{Entities, FLAG_ALIVE};
use crate::pass::{Pass, Timings};
use crate::regions::{FreeSlots, Regions};
use crate::world::World;

/// How the last GPU tick spent its time between the GPU and the CPU.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct GpuTickStats {
    /// Buffers mapped (blocking readbacks) in the tick: 1, or 2 when an
    /// event list outgrew the prefix read with the tick.
    pub maps: u32,
    /// GPU time: the pass timestamps' sum where the adapter has them, else
    /// the wait from submitting the passes to their results on the CPU.
    pub gpu_busy_s: f64,
    /// From submitting the passes to their results on the CPU.
    pub wait_s: f64,
    /// The region workers' resolution of the tick's events (CPU).
    pub resolve_s: f64,
    /// The part of `resolve_s` that ran while the GPU computed: 0, since
    /// the region work waits for the tick's events (no overlap yet).
    pub overlap_s: f64,
}

/// The GPU device, the resident world and the host slot table.
pub struct GpuEngine {
    pool: Arc<WorkPool>,
    /// The device and queue.
    pub ctx: GpuContext,
    /// The resident world and its passes.
    pub gpu: GpuWorld,
    /// The region workers' view of the slots: exact for liveness and for the
    /// slots the last tick's events named (copied from the participant
    /// records), stale elsewhere; the device holds the state.
    table: Entities,
    last: GpuTickStats,
}

impl GpuEngine {
    /// Uploads `world` to the device of `ctx`. The world's entity slots move
    /// into the engine's table (the world's copy is empty while the engine
    /// runs; the simulation reads the state back when it needs it).
    pub fn new(pool: Arc<WorkPool>, ctx: GpuContext, world: &mut World) -> Result<Self, GpuError> {
        let gpu = GpuWorld::new(
            &ctx,
            &world.params,
            &world.terrain,
            &world.food,
            &world.entities,
            &world.regions.grid,
            world.scenario.tribes.len() as u32,
        )?;
        let table = std::mem::replace(&mut world.entities, Entities::with_capacity(0));
        Ok(Self {
            pool,
            ctx,
            gpu,
            table,
            last: GpuTickStats::default(),
        })
    }

    /// The region workers' slot table (see the field's documentation): the
    /// last known state when a full readback fails.
    pub fn table(&self) -> &Entities {
        &self.table
    }

    /// How the last tick spent its time between the GPU and the CPU.
    pub fn last_tick(&self) -> GpuTickStats {
        self.last
    }

    /// The slot capacity.
    pub fn capacity(&self) -> usize {
        self.table.capacity()
    }

    /// One tick: the GPU passes, the compact readback (one map, see
    /// `src/gpu/world/tick.rs`), the region workers on the CPU, the sparse
    /// write-back. Does not count the tick (the caller
    /// does).
    pub async fn step(&mut self, w: &mut World, t: &mut Timings) -> Result<(), GpuError> {
        *t = Timings::default();
        let start = Instant::now();
        let every = w.params.hash.reorder_interval;
        let plan = TickPlan {
            tick: w.tick,
            seed: w.seed,
            end: w.ledger.free.live_end() as u32,
            alive: w.population() as u32,
            reorder: every > 0 && w.tick.is_multiple_of(every),
            rebalance: Regions::rebalance_due(&w.params, w.tick),
        };
        let mut out = self.gpu.tick_async(&self.ctx, &plan).await?;
        self.take_participants(w, &plan, &out);
        let rebalance = plan.rebalance;
        if let Some(hist) = out.region_hist.take() {
            // Rebalancing weighs the living per region and position bin.
            w.regions.set_gpu_histograms(hist);
        }
        let before_resolve = Instant::now();
        let (p, table) = (Arc::clone(&w.params), &mut self.table);
        let (seed, tick) = (w.seed, w.tick);
        // The coordinator blocks until the region tasks report: it runs
        // here, outside the pool, and the tasks on it.
        w.regions.resolve(
            &self.pool,
            &mut w.ledger,
            &p,
            seed,
            tick,
            &w.terrain,
            &out.events,
            table,
        );
        let resolve = before_resolve.elapsed();
        if rebalance {
            self.gpu.set_regions(&self.ctx, &w.regions.grid);
        }
        self.write_back(w, &out)?;
        let gpu_s: f64 = out.pass_s.map_or(0.0, |s| s.iter().sum());
        if let Some(s) = out.pass_s {
            for (p, v) in Pass::ALL.into_iter().zip(s) {
                t[p] = Duration::from_secs_f64(v);
            }
        }
        let wall = start.elapsed().as_secs_f64();
        t[Pass::Resolve] = resolve;
        self.last = GpuTickStats {
            maps: out.maps,
            gpu_busy_s: if out.pass_s.is_some() {
                gpu_s
            } else {
                out.wait_s
            },
            wait_s: out.wait_s,
            resolve_s: resolve.as_secs_f64(),
            overlap_s: 0.0,
        };
        t[Pass::Transfer] =
            Duration::from_secs_f64((wall - resolve.as_secs_f64() - gpu_s).max(0.0));
        w.events = out.events;
        Ok(())
    }

    /// Puts the tick's participant records into the table (after a reorder,
    /// the living first), and the owners the GPU found into the regions.
    fn take_participants(&mut self, w: &mut World, plan: &TickPlan, out: &TickReadback) {
        let e = &mut self.table;
        if plan.reorder {
            // The GPU moved the living entities into slots 0..alive.
            let alive = plan.alive as usize;
            w.ledger.free = FreeSlots::new(plan.alive, e.capacity() as u32);
            w.regions.forget_owners();
            e.tribe_flags[..alive].fill(FLAG_ALIVE);
            e.tribe_flags[alive..].fill(0);
        }
        w.ledger.counters.food_eaten += out.food_eaten;
        for r in &out.participants {
            let i = r.slot as usize;
            e.pos[i] = r.pos;
            e.energy[i] = r.energy;
            e.tribe_flags[i] = r.tribe_flags;
            e.id[i] = r.id;
            e.genes[i] = r.genes;
        }
        w.regions.set_gpu_owners(
            &out.region_population,
            &out.region_migrations,
            out.participants.iter().map(|r| (r.slot, r.owner)),
        );
    }

    /// Sends every slot the region workers changed (the participants and the
    /// newborn) back to the device as one sorted list of records.
    fn write_back(&mut self, w: &World, out: &TickReadback) -> Result<(), GpuError> {
        let e = &self.table;
        let mut born: Vec<u32> = w.regions.births().to_vec();
        born.sort_unstable();
        let mut slots: Vec<u32> = out
            .participants
            .iter()
            .map(|r| r.slot)
            .chain(born.iter().copied())
            .collect();
        slots.sort_unstable();
        slots.dedup();
        let owners = w.regions.owners();
        let records: Vec<WriteRecord> = slots
            .iter()
            .map(|&slot| {
                let i = slot as usize;
                WriteRecord {
                    slot,
                    id: e.id[i],
                    tribe_flags: e.tribe_flags[i],
                    owner: if e.alive(i) { owners[i] } else { NONE },
                    pos: e.pos[i],
                    vel: e.vel[i],
                    energy: e.energy[i],
                    age: e.age[i],
                    full: born.binary_search(&slot).is_ok() as u32,
                    genes: e.genes[i],
                }
            })
            .collect();
        self.gpu.write_back(&self.ctx, &records)
    }
}
