//! The CPU engine: every pass in plain Rust on the work pool (one module per
//! shader in this folder), and the region tasks on the same pool.

use std::sync::Arc;
use web_time::Instant;

use crate::common::events::Events;
use crate::common::pass::{Pass, Timings};
use crate::common::{BusySpan, WorkPool};
use crate::cpu::neighbors::HashView;
use crate::cpu::steer::SteerInput;
use crate::cpu::{self, Scratch};
use crate::model::grid::Grid;
use crate::regions::lag::{self, Effects};
use crate::regions::{Regions, Resolution};
use crate::world::{FreeSlots, World};

/// The CPU engine's scratch: the spatial hash and the per-slot results.
pub struct CpuEngine {
    pool: Arc<WorkPool>,
    hash_grid: Grid,
    scratch: Scratch,
    /// The event lists' allocation between ticks.
    spare: Events,
    /// The stages the last tick ran, in order.
    order: Vec<Pass>,
}

/// A stopwatch that charges the time since its last lap to a pass, and
/// notes the passes in the order they ran.
struct Laps<'a> {
    t: &'a mut Timings,
    order: &'a mut Vec<Pass>,
    clock: Instant,
}

impl Laps<'_> {
    fn lap(&mut self, p: Pass) {
        let now = Instant::now();
        self.t[p] += now - self.clock;
        self.clock = now;
        self.order.push(p);
    }
}

impl CpuEngine {
    /// The scratch for `world`'s grids and capacity, running on `pool`.
    pub fn new(pool: Arc<WorkPool>, world: &World) -> Self {
        let p = &world.params;
        let hash_grid = Grid::new(p.world.width, p.world.height, p.hash.cell_size);
        let scratch = Scratch::new(world.entities.capacity(), hash_grid.len());
        Self {
            pool,
            hash_grid,
            scratch,
            spare: Events::default(),
            order: Vec::with_capacity(2 * Pass::COUNT),
        }
    }

    /// The stages the last tick ran, in order (see [`Pass::tick_order`]).
    pub fn last_order(&self) -> &[Pass] {
        &self.order
    }

    /// This tick's behaviour per slot (see [`crate::common::Mode`]).
    pub fn modes(&self) -> &[u8] {
        &self.scratch.mode
    }

    /// Replaces the behaviour per slot (after a backend switch or a load).
    pub fn set_modes(&mut self, modes: Vec<u8>) {
        self.scratch.mode = modes;
    }

    /// Runs one tick on `world` (not counting it: the caller does), timing
    /// each pass into `t`: the region tasks resolve the last tick's events
    /// (their coordinator, which blocks until they report, runs on the
    /// calling thread, outside the pool), the per-entity passes run inside
    /// the pool (each pool thread's share measured by [`BusySpan`]s), then
    /// the resolution's effects are applied ([`lag`]). Every
    /// `hash.reorder_interval` ticks the slots are re-sorted first.
    pub fn step(&mut self, world: &mut World, regions: &mut Regions, t: &mut Timings) {
        *t = Timings::default();
        let pool = Arc::clone(&self.pool);
        let mut order = std::mem::take(&mut self.order);
        order.clear();
        let mut laps = Laps {
            t,
            order: &mut order,
            clock: Instant::now(),
        };
        let w = world;
        let every = w.params.hash.reorder_interval;
        let reorder = every > 0 && w.tick.is_multiple_of(every);
        if reorder {
            pool.install(|| self.reorder(w, regions, &mut laps));
        }
        // Every slot from `end` up is free in the state the passes see.
        let end = w.ledger.free.live_end();
        let mut pending = std::mem::take(&mut w.events);
        let effects = match w.tick.checked_sub(1) {
            Some(emitted) => {
                let r = Resolution {
                    pool: &pool,
                    params: &w.params,
                    terrain: &w.terrain,
                    seed: w.seed,
                    tick: emitted,
                    ledger: &mut w.ledger,
                    entities: &mut w.entities,
                };
                lag::resolve_deferred(regions, r, &mut pending)
            }
            None => Effects::default(),
        };
        if reorder {
            // As on the GPU: this tick's region_of counts no migrations
            // (the owners were renumbered for the resolution only).
            regions.forget_owners();
        }
        laps.lap(Pass::Resolve);
        pool.install(|| {
            // The thread that runs the passes is busy all along (its own
            // share of each parallel loop included).
            let _busy = BusySpan::start();
            let alive = self.spatial_hash(w, end, &mut laps);
            self.sense_and_move(w, end, alive, &mut laps);
            self.feed_and_emit(w, regions, end, alive, &mut laps);
        });
        effects.apply(&mut w.entities, w.params.energy.max);
        laps.lap(Pass::Resolve);
        self.order = order;
        // The emptied list's allocation serves the next tick.
        self.spare = pending;
    }

    /// hash_count → hash_scan → hash_scatter; the living count.
    fn spatial_hash(&mut self, w: &mut World, end: usize, laps: &mut Laps) -> usize {
        let (e, s) = (&mut w.entities, &mut self.scratch);
        cpu::hash_count::hash_count(
            &self.hash_grid,
            &e.pos[..end],
            &e.tribe_flags[..end],
            &mut s.cell_of[..end],
            // The counts go where the scan turns them into offsets.
            &mut s.offsets[1..],
        );
        laps.lap(Pass::HashCount);
        cpu::hash_scan::hash_scan(&mut s.offsets);
        laps.lap(Pass::HashScan);
        cpu::hash_scatter::hash_scatter(
            &s.cell_of[..end],
            &mut s.offsets,
            &e.id,
            &e.pos,
            &mut s.sorted,
            bytemuck::cast_slice_mut(&mut s.sorted_pos),
        );
        laps.lap(Pass::HashScatter);
        s.offsets[self.hash_grid.len()] as usize
    }

    /// `reorder`, at the start of every `hash.reorder_interval`-th tick:
    /// the hash of the state as it is, then the living moved into slots
    /// `0..n` in cell order; the free slots, the regions' owners and the
    /// slots the pending events name follow. Timed as `reorder` (its hash
    /// included).
    fn reorder(&mut self, w: &mut World, regions: &mut Regions, laps: &mut Laps) {
        let end = w.ledger.free.live_end();
        let alive = self.spatial_hash(w, end, laps);
        let s = &mut self.scratch;
        // The owners, species and pending events follow the slots first,
        // while `sorted` still holds the old slot of each new one. The
        // moves go through the words of `sorted_pos`, free until the tick's
        // own hash writes them.
        let order = &s.sorted[..alive];
        regions.renumber(order, &mut s.sorted_pos);
        w.ledger.species.renumber(order, end, &mut s.sorted_pos);
        lag::renumber_events(&mut w.events, order);
        let e = &mut w.entities;
        let n = cpu::reorder::reorder(
            e,
            &mut s.sorted[..alive],
            &mut s.cell_of,
            end,
            &mut s.sorted_pos,
        );
        w.ledger.free = FreeSlots::new(n, e.capacity() as u32);
        let t = &mut laps.t;
        // Its hash is this pass's share, not the tick's hash's.
        for p in [Pass::HashCount, Pass::HashScan, Pass::HashScatter] {
            let d = std::mem::take(&mut t[p]);
            t[Pass::Reorder] += d;
        }
        laps.order.clear();
        laps.lap(Pass::Reorder);
    }

    /// steer → integrate.
    fn sense_and_move(&mut self, w: &mut World, end: usize, alive: usize, laps: &mut Laps) {
        let s = &mut self.scratch;
        let p = &w.params;
        let inp = SteerInput {
            p,
            seed: w.seed,
            tick: w.tick,
            hash: HashView {
                grid: &self.hash_grid,
                offsets: &s.offsets,
                sorted: &s.sorted,
                sorted_pos: bytemuck::cast_slice(&s.sorted_pos),
                pos: &w.entities.pos,
                world: [p.world.width, p.world.height],
            },
            e: &w.entities,
            terrain: &w.terrain,
            food: &w.food,
        };
        cpu::steer::steer(&inp, &s.sorted[..alive], &mut s.steer_out);
        // The hash cells are spent: each slot's rank, where its result lies.
        cpu::steer::rank_slots(&s.sorted[..alive], &mut s.cell_of[..end]);
        laps.lap(Pass::Steer);
        let rank = &s.cell_of[..end];
        cpu::integrate::integrate(
            p,
            &w.terrain,
            rank,
            &s.steer_out,
            &mut s.mode,
            &mut w.entities,
        );
        laps.lap(Pass::Integrate);
    }

    /// feed → food_regrow → region_of → emit_events.
    fn feed_and_emit(
        &mut self,
        w: &mut World,
        regions: &mut Regions,
        end: usize,
        alive: usize,
        laps: &mut Laps,
    ) {
        let s = &mut self.scratch;
        let (p, e, food) = (&w.params, &mut w.entities, &mut w.food);
        // Each slot's food cell in the words of `sorted_pos` (free now).
        let (order, food_cell) = (&s.sorted[..alive], &mut s.sorted_pos);
        cpu::feed::feed_count(p, e, food, order, end, food_cell, &mut s.eaters);
        w.ledger.counters.food_eaten +=
            cpu::feed::feed_apply(p, end, food_cell, &s.eaters, e, food);
        laps.lap(Pass::Feed);
        let (seed, tick) = (w.seed, w.tick);
        let key = crate::model::quanta::dither_key(seed, tick);
        cpu::food_regrow::food_regrow(p, food, key);
        laps.lap(Pass::FoodRegrow);
        regions.assign_owners(end, e);
        laps.lap(Pass::RegionOf);
        w.events = std::mem::take(&mut self.spare);
        let intent = |i: usize| s.steer_out[s.cell_of[i] as usize].intent();
        cpu::emit_events::emit_events(p, seed, tick, e, end, intent, &mut w.events);
        laps.lap(Pass::EmitEvents);
    }
}
