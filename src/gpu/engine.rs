//! The GPU engine: the world resident on the device, the passes recorded
//! into one command buffer per tick ([`GpuWorld`]), the region workers on
//! the CPU in between.
//!
//! The GPU engine owns its record formats: the participant records of a tick
//! (what the region workers read of the entities its events name) come back
//! as an explicit list, are copied into the engine's host slot table, and the
//! changed slots go back as write records. Nothing outside this module sees
//! either.

use std::sync::Arc;
use std::time::Duration;
use web_time::Instant;

use super::layout::WriteRecord;
use super::world::{GpuWorld, TickPlan, TickReadback};
use super::{GpuContext, GpuError};
use crate::common::WorkPool;
use crate::common::events::Events;
use crate::common::pass::{Pass, Timings};
use crate::model::entities::{Entities, SlotState};
use crate::regions::lag::{self, Effects};
use crate::regions::{Regions, Resolution};
use crate::world::{FreeSlots, World};

/// How the last GPU tick spent its time between the GPU and the CPU.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct GpuTickStats {
    /// Buffers mapped (blocking readbacks) in the tick: 1, plus one when an
    /// event list outgrew the prefix read with the tick, plus one when the
    /// slots were re-sorted before it.
    pub maps: u32,
    /// Of `maps`: the second map of an event list longer than its prefix.
    pub overflow_maps: u32,
    /// Of `maps`: the map of the new slot order on a re-sort tick.
    pub reorder_maps: u32,
    /// GPU time: the pass timestamps' sum where the adapter has them, else
    /// the wait from submitting the passes to their results on the CPU.
    pub gpu_busy_s: f64,
    /// From submitting the passes to their results on the CPU.
    pub wait_s: f64,
    /// The region workers' resolution of the tick's events (CPU).
    pub resolve_s: f64,
    /// The part of `resolve_s` that ran while the GPU computed the tick's
    /// passes (the last tick's events are resolved meanwhile).
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
    /// The stages the last tick ran, in order.
    order: Vec<Pass>,
}

impl GpuEngine {
    /// Uploads `world` to the device of `ctx`. The world's entity slots move
    /// into the engine's table (the world's copy is empty while the engine
    /// runs; the simulation reads the state back when it needs it).
    pub fn new(
        pool: Arc<WorkPool>,
        ctx: GpuContext,
        world: &mut World,
        regions: &Regions,
    ) -> Result<Self, GpuError> {
        let gpu = GpuWorld::new(
            &ctx,
            &world.params,
            &world.terrain,
            &world.food,
            &world.entities,
            &regions.grid,
            world.scenario.tribes.len() as u32,
        )?;
        let table = std::mem::replace(&mut world.entities, Entities::with_capacity(0));
        Ok(Self {
            pool,
            ctx,
            gpu,
            table,
            last: GpuTickStats::default(),
            order: Vec::with_capacity(Pass::COUNT + 2),
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

    /// The adapter, as "name (backend, driver)".
    pub fn adapter(&self) -> String {
        self.ctx.describe()
    }

    /// Whether the adapter is a software renderer (lavapipe, llvmpipe,
    /// WARP): correct but usually slower than the CPU backend.
    pub fn is_software(&self) -> bool {
        self.ctx.is_software()
    }

    /// Bytes read back by the ticks so far.
    pub fn bytes_read(&self) -> u64 {
        self.gpu.bytes_read()
    }

    /// Buffers mapped by the ticks so far: one a tick, two when an event
    /// list outgrew the prefix read with the tick.
    pub fn maps(&self) -> u64 {
        self.gpu.maps()
    }

    /// Caps the event-list prefixes each tick reads with its one map (for
    /// tests of the second map).
    #[doc(hidden)]
    pub fn cap_list_prefixes(&mut self, cap: Option<u32>) {
        self.gpu.cap_list_prefixes(cap);
    }

    /// Bytes of GPU buffers held.
    pub fn buffer_bytes(&self) -> u64 {
        self.gpu.gpu_bytes()
    }

    /// [`Self::buffer_bytes`] by kind.
    pub fn buffer_bytes_by_kind(&self) -> super::world::GpuBytes {
        self.gpu.gpu_bytes_by_kind()
    }

    /// Slots the per-slot buffers hold (grown with the live end).
    pub fn slots(&self) -> usize {
        self.gpu.slots() as usize
    }

    /// Grows the per-slot buffers ahead to hold `slots` slots (at most the
    /// capacity), so that a growing population does not make a tick
    /// reallocate them; nothing when they do already.
    pub fn reserve_slots(&mut self, slots: usize) -> Result<(), GpuError> {
        let slots = slots.min(u32::MAX as usize) as u32;
        self.gpu.reserve_slots(&self.ctx, slots)
    }

    /// Whether the passes are timed with timestamp queries.
    pub fn timestamps(&self) -> bool {
        self.gpu.has_timestamps()
    }

    /// The resident buffers (for rendering straight from them).
    pub fn buffers(&self) -> &super::buffers::Buffers {
        self.gpu.buffers()
    }

    /// One tick: on every `hash.reorder_interval`-th tick the slots are
    /// re-sorted first; the GPU passes are submitted; while the GPU computes
    /// them, the region workers resolve the last tick's events on the CPU;
    /// then the tick's one readback (see `src/gpu/world/tick.rs`), and the
    /// effects go to the GPU behind the passes (a sparse write-back,
    /// [`lag`]). Does not count the tick (the caller does).
    pub async fn step(
        &mut self,
        w: &mut World,
        regions: &mut Regions,
        t: &mut Timings,
    ) -> Result<(), GpuError> {
        *t = Timings::default();
        let start = Instant::now();
        let every = w.params.hash.reorder_interval;
        let reorder = every > 0 && w.tick.is_multiple_of(every);
        let mut maps = 0;
        let mut reordered = Duration::ZERO;
        if reorder {
            let clock = Instant::now();
            self.reorder(w, regions).await?;
            maps += 1;
            reordered = clock.elapsed();
        }
        let mut pending = std::mem::take(&mut w.events);
        let emitted = w.tick.checked_sub(1);
        let mut resolve = Duration::ZERO;
        let plan = TickPlan {
            tick: w.tick,
            seed: w.seed,
            end: w.ledger.free.live_end() as u32,
            alive: w.population() as u32,
            reorder,
            // The histograms for the rebalancing when these events are resolved.
            rebalance: Regions::rebalance_due(&w.params, w.tick),
        };
        let submitted = self.gpu.submit(&self.ctx, &plan)?;
        self.order.clear();
        if reorder {
            self.order.push(Pass::Reorder);
        }
        self.order.extend_from_slice(self.gpu.last_order());
        let busy_from = submitted.at();
        // Overlapped: the last tick's events, resolved while the GPU works.
        let mut effects = None;
        let mut resolved = (Instant::now(), Instant::now());
        if let Some(tick) = emitted {
            let clock = Instant::now();
            let e = self.resolve(w, regions, tick, &mut pending);
            resolved = (clock, Instant::now());
            resolve += clock.elapsed();
            effects = Some(e);
        }
        self.order.push(Pass::Resolve);
        let mut out = self.gpu.finish(&self.ctx, submitted).await?;
        let ready = Instant::now();
        let rebalanced = emitted.is_some_and(|tick| Regions::rebalance_due(&w.params, tick));
        self.take_participants(w, regions, &out, rebalanced);
        if let Some(e) = &effects {
            // Behind the passes and their readback (a list read in a second
            // map must be as the passes left it), before the next tick.
            self.write_back(regions, e)?;
            e.apply(&mut self.table, w.params.energy.max);
        }
        if let Some(hist) = out.region_hist.take() {
            regions.set_gpu_histograms(hist);
        }
        let gpu_s: f64 = out.pass_s.map_or(0.0, |s| s.iter().sum());
        if let Some(s) = out.pass_s {
            for (p, v) in Pass::ALL.into_iter().zip(s) {
                t[p] = Duration::from_secs_f64(v);
            }
        }
        let wall = start.elapsed().as_secs_f64();
        t[Pass::Resolve] = resolve;
        t[Pass::Reorder] = reordered;
        t[Pass::Transfer] = Duration::from_secs_f64(
            (wall - resolve.as_secs_f64() - reordered.as_secs_f64() - gpu_s).max(0.0),
        );
        // The GPU was busy until its passes' time after the submit (by the
        // timestamps) or, without them, at least until the resolution ended
        // if the readback still had to wait for it.
        let busy_until = if out.pass_s.is_some() {
            busy_from + Duration::from_secs_f64(gpu_s)
        } else if ready.duration_since(resolved.1) > Duration::from_micros(50) {
            ready
        } else {
            resolved.0
        };
        let overlap = busy_until
            .min(resolved.1)
            .saturating_duration_since(resolved.0);
        self.last = GpuTickStats {
            maps: out.maps + maps,
            overflow_maps: out.maps - 1,
            reorder_maps: maps,
            gpu_busy_s: if out.pass_s.is_some() {
                gpu_s
            } else {
                out.wait_s
            },
            wait_s: out.wait_s,
            resolve_s: resolve.as_secs_f64(),
            overlap_s: overlap.as_secs_f64(),
        };
        w.events = out.events;
        self.order.push(Pass::Transfer);
        Ok(())
    }

    /// The stages the last tick ran, in order (see [`Pass::tick_order`]).
    pub fn last_order(&self) -> &[Pass] {
        &self.order
    }

    /// Re-sorts the slots on the GPU before this tick's passes and follows
    /// the new numbering on the CPU: the free slots, the table (liveness, and
    /// the rows of the entities the pending events name), the regions'
    /// owners and the pending events.
    async fn reorder(&mut self, w: &mut World, regions: &mut Regions) -> Result<(), GpuError> {
        let alive = w.population() as u32;
        let end = w.ledger.free.live_end();
        let order = self.gpu.reorder_async(&self.ctx, alive).await?;
        let e = &mut self.table;
        let mut rows: Vec<SlotState> = lag::named_slots(&w.events)
            .into_iter()
            .map(|s| e.get(s))
            .collect();
        lag::renumber_events(&mut w.events, &order);
        // The rows are in ascending old slot: each finds its new one.
        let mut new = vec![u32::MAX; rows.len()];
        for (k, old) in order.iter().enumerate() {
            if let Ok(j) = rows.binary_search_by_key(old, |r| r.slot) {
                new[j] = k as u32;
            }
        }
        for (r, &k) in rows.iter_mut().zip(&new) {
            r.slot = k;
        }
        rows.retain(|r| r.slot != u32::MAX);
        // Liveness (and the tribes) follow the new order.
        let flags: Vec<u32> = order.iter().map(|&o| e.tribe_flags[o as usize]).collect();
        e.tribe_flags[..flags.len()].copy_from_slice(&flags);
        e.tribe_flags[flags.len()..].fill(0);
        for r in &rows {
            e.set(r);
        }
        w.ledger.free = FreeSlots::new(alive, e.capacity() as u32);
        let mut buf = Vec::new();
        regions.renumber(&order, &mut buf);
        w.ledger.species.renumber(&order, end, &mut buf);
        Ok(())
    }

    /// Resolves the events emitted at `tick` on the table (the state as of
    /// now at the slots they name), keeping the effects for later.
    fn resolve(
        &mut self,
        w: &mut World,
        regions: &mut Regions,
        tick: u32,
        ev: &mut Events,
    ) -> Effects {
        let rebalance = Regions::rebalance_due(&w.params, tick);
        // The coordinator blocks until the region tasks report: it runs
        // here, outside the pool, and the tasks on it.
        let r = Resolution {
            pool: &self.pool,
            params: &w.params,
            terrain: &w.terrain,
            seed: w.seed,
            tick,
            ledger: &mut w.ledger,
            entities: &mut self.table,
        };
        let effects = lag::resolve_deferred(regions, r, ev);
        if rebalance {
            self.gpu.set_regions(&self.ctx, &regions.grid);
        }
        effects
    }

    /// Puts the tick's participant records into the table, and the owners
    /// the GPU found into the regions (`rebalanced`: the boundaries moved
    /// after this tick's `region_of`).
    fn take_participants(
        &mut self,
        w: &mut World,
        regions: &mut Regions,
        out: &TickReadback,
        rebalanced: bool,
    ) {
        let e = &mut self.table;
        w.ledger.counters.food_eaten += out.food_eaten;
        for r in &out.participants {
            r.store(e);
        }
        // A resolution that moved the boundaries did so after this tick's
        // region_of ran with the old ones (the new ones reach the GPU next
        // tick): the participants' owners come from their positions then,
        // so that the next resolution sees owners of the grid it uses.
        let grid = &regions.grid;
        let owners: Vec<(u32, u32)> = out
            .participants
            .iter()
            .map(|r| {
                let owner = if rebalanced {
                    grid.region_of(r.pos)
                } else {
                    r.owner
                };
                (r.slot, owner)
            })
            .collect();
        regions.set_gpu_owners(
            &out.region_population,
            &out.region_migrations,
            owners.into_iter(),
        );
    }

    /// Sends the effects to the device as one list of records sorted by
    /// slot: a newborn whole (its owner the region it was born in), every
    /// other change as an energy change and new flags (a slot that died and
    /// received a child this tick gets the child's record only).
    fn write_back(&mut self, regions: &Regions, effects: &Effects) -> Result<(), GpuError> {
        let born = |slot: u32| effects.born.binary_search_by_key(&slot, |b| b.slot).is_ok();
        let mut records: Vec<WriteRecord> = effects
            .changed
            .iter()
            .filter(|&&(slot, _, _)| !born(slot))
            .map(|&(slot, energy, tribe_flags)| WriteRecord::change(slot, energy, tribe_flags))
            .chain(
                effects
                    .born
                    .iter()
                    .map(|b| WriteRecord::whole(b, regions.owner(b.slot))),
            )
            .collect();
        records.sort_unstable_by_key(|r| r.slot);
        self.gpu.write_back(&self.ctx, &records)
    }
}
