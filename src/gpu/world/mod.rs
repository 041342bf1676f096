//! The GPU-resident world: the entity SoA, the food grid and every per-tick
//! scratch buffer live on the GPU; one tick records the passes in the order of
//! [`Pass::ALL`] and reads back only compact data, in one map (`tick.rs`):
//! the three event counts, the food eaten (fixed point), the population and
//! migrations per region, the pass timestamps, on rebalance ticks the
//! regions' position histograms, and a bounded prefix of each event list
//! with one [`ParticipantRecord`] per entity it names (what the region
//! workers read: id, tribe, position, energy, genes, owner). A list longer
//! than its prefix is read whole in a second map.
//!
//! The region workers resolve the tick on the CPU from these, and
//! [`GpuWorld::write_back`] sends the changed slots back as one sorted list
//! of [`crate::gpu::layout::WriteRecord`]s. The full state crosses only on request
//! ([`GpuWorld::read_entities`], [`GpuWorld::read_food`]): for
//! `state_hash`, inspection and tests.

mod io;
mod reload;
mod staging;
mod tick;

use crate::common::events::Events;
use crate::common::pass::Pass;
use crate::gpu::buffers::{Buffers, Sizes, put, set};
use crate::gpu::emit_events::EmitEvents;
use crate::gpu::feed::Feed;
use crate::gpu::food_regrow::FoodRegrow;
use crate::gpu::gather::Gather;
use crate::gpu::hash::Hash;
use crate::gpu::integrate::Integrate;
use crate::gpu::layout::{
    EmitUniform, GatherUniform, ParticipantRecord, RegionUniform, SteerUniform, StepUniform,
};
use crate::gpu::participants::Participants;
use crate::gpu::region_of::RegionOf;
use crate::gpu::reorder::Reorder;
use crate::gpu::stats::Stats;
use crate::gpu::steer::Steer;
use crate::gpu::write_back::WriteBack;
use crate::gpu::{GpuContext, GpuError};
use crate::model::entities::Entities;
use crate::model::food::Food;
use crate::model::params::SimParams;
use crate::model::terrain::Terrain;
use crate::regions::grid::{REBALANCE_BINS, RegionGrid};
use staging::{SmallLayout, Staging, Timer};
pub use tick::Submitted;

/// Number of timed GPU passes: the first entries of [`Pass::ALL`]
/// (`hash_count` … `emit_events`), each its own compute pass.
pub const TIMED: usize = Pass::GPU_TIMED;

/// What one tick needs from the coordinator.
#[derive(Debug, Clone, Copy)]
pub struct TickPlan {
    /// The tick number.
    pub tick: u32,
    /// The run's seed.
    pub seed: u64,
    /// One past the highest slot that may hold a living entity.
    pub end: u32,
    /// Living entities.
    pub alive: u32,
    /// The slots were re-sorted just before this tick
    /// ([`GpuWorld::reorder_async`]): `region_of` counts no migrations.
    pub reorder: bool,
    /// Count the living per region in position bins (for rebalancing the
    /// region boundaries at the end of this tick).
    pub rebalance: bool,
}

/// What one tick sends to the CPU.
#[derive(Debug, Clone, Default)]
pub struct TickReadback {
    /// The event lists, sorted as the CPU backend's.
    pub events: Events,
    /// The entities the events name (duplicates possible).
    pub participants: Vec<ParticipantRecord>,
    /// Living entities per region.
    pub region_population: Vec<u32>,
    /// Entities per region whose owner changed this tick.
    pub region_migrations: Vec<u32>,
    /// Food eaten this tick.
    pub food_eaten: f64,
    /// Seconds per timed pass (the first [`TIMED`] of [`Pass::ALL`];
    /// timestamp queries), when the adapter has them.
    pub pass_s: Option<[f64; TIMED]>,
    /// Bytes copied to the CPU this tick.
    pub bytes_read: u64,
    /// Buffers mapped this tick: 1, or 2 when an event list outgrew its prefix.
    pub maps: u32,
    /// Seconds from submitting the tick to its results on the CPU (both maps).
    pub wait_s: f64,
    /// On rebalance ticks: living entities per region and position bin,
    /// along x then along y (`regions × REBALANCE_BINS` each).
    pub region_hist: Option<Vec<u32>>,
}

/// One past the highest living slot of `e`.
fn live_end(e: &Entities) -> u32 {
    (0..e.capacity())
        .rev()
        .find(|&i| e.alive(i))
        .map_or(0, |i| i as u32 + 1)
}

/// The slots to allocate for live end `end` when `now` are held (see
/// [`GpuWorld::slots`]): an eighth above `end`, and at least half again
/// `now` when growing; at most `capacity`, at least 1,024. (An eighth, not
/// more: births take the lowest free slot and the re-sort packs the living
/// into the lowest slots, so the live end follows the population, and a
/// boom past the eighth grows the buffers by half in one copy; every slot
/// of headroom costs 88 bytes of GPU memory.)
fn slots_for(end: u32, now: u32, capacity: u32) -> u32 {
    let want = end as u64 + end as u64 / 8;
    let grown = if now > 0 {
        now as u64 + now as u64 / 2
    } else {
        0
    };
    (want.max(grown).max(1024) as u32).min(capacity).max(end)
}

/// The GPU buffer bytes of a world by kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GpuBytes {
    /// Buffers that grow with the slots held: the state, the hash's
    /// per-slot arrays and every pass's scratch.
    pub slots: u64,
    /// The hash grid's per-cell buffers (offsets, cursor, scan block sums).
    pub hash_grid: u64,
    /// Terrain and food grids (with feed's grazers per cell).
    pub world_grids: u64,
    /// Uniforms, per-region and per-tribe buffers, event participant and
    /// write-back records, readback staging, timestamps.
    pub other: u64,
}

/// The GPU-resident world: the buffers and one module per pass.
pub struct GpuWorld {
    b: Buffers,
    hash: Hash,
    reorder: Reorder,
    gather: Gather,
    steer: Steer,
    integrate: Integrate,
    feed: Feed,
    food_regrow: FoodRegrow,
    region_of: RegionOf,
    emit: EmitEvents,
    participants: Participants,
    write_back: WriteBack,
    stats: Stats,
    step_base: StepUniform,
    steer_base: SteerUniform,
    region_base: RegionUniform,
    params: SimParams,
    small: Staging,
    small_layout: SmallLayout,
    lists: Staging,
    prefixes: tick::Prefixes,
    prefix_cap: Option<u32>,
    timer: Option<Timer>,
    bytes_total: u64,
    maps_total: u64,
    /// The world's slot capacity (the per-slot buffers hold
    /// [`Self::slots`] of them, grown as the live end grows).
    capacity: u32,
    /// The passes the last tick recorded, in order.
    last_order: Vec<Pass>,
}

impl GpuWorld {
    /// Uploads the world and builds every pass.
    pub fn new(
        ctx: &GpuContext,
        p: &SimParams,
        terrain: &Terrain,
        food: &Food,
        e: &Entities,
        regions: &RegionGrid,
        tribes: u32,
    ) -> Result<Self, GpuError> {
        let capacity = e.capacity() as u32;
        // The whole capacity must fit the bindings, as the slots may grow to it.
        crate::gpu::buffers::check_slots(ctx, capacity as u64)?;
        let slots = slots_for(live_end(e), 0, capacity);
        let sizes = Sizes::new(
            p,
            terrain.cells.len(),
            slots as usize,
            (regions.rows, regions.cols),
            tribes,
        );
        let b = Buffers::new(ctx, sizes)?;
        b.upload_terrain(ctx, terrain);
        b.upload_entities(ctx, e);
        b.upload_food(ctx, food);
        // No previous owners yet.
        put(ctx, &b.owner, &vec![crate::common::NONE; slots as usize]);
        let cap = slots;
        let step_base = StepUniform::new(p, &terrain.grid, &food.grid, cap);
        let steer_base = SteerUniform::new(p, [&sizes.hash, &food.grid, &terrain.grid], 0, 0, cap);
        let region_base = RegionUniform {
            n: cap,
            rows: regions.rows,
            cols: regions.cols,
            forget: 0,
            bins: 0,
        };
        let timer = Timer::new(ctx);
        let small_layout = SmallLayout::new(regions.len());
        let w = Self {
            hash: Hash::new(ctx, &b)?,
            reorder: Reorder::new(ctx, &b),
            gather: Gather::new(ctx, &b),
            steer: Steer::new(ctx, &b),
            integrate: Integrate::new(ctx, &b),
            feed: Feed::new(ctx, &b),
            food_regrow: FoodRegrow::new(ctx, &b),
            region_of: RegionOf::new(ctx, &b),
            emit: EmitEvents::new(ctx, &b),
            participants: Participants::new(ctx, &b, 1024)?,
            write_back: WriteBack::new(ctx, &b, 1024)?,
            stats: Stats::new(ctx, &b),
            step_base,
            steer_base,
            region_base,
            params: p.clone(),
            small: Staging::new(ctx, "sim.readback.tick", small_layout.total),
            small_layout,
            lists: Staging::new(ctx, "sim.readback.lists", 1 << 16),
            prefixes: tick::Prefixes::new(),
            prefix_cap: None,
            timer,
            bytes_total: 0,
            maps_total: 0,
            capacity,
            last_order: Vec::new(),
            b,
        };
        w.set_regions(ctx, regions);
        Ok(w)
    }

    /// The buffers (for rendering straight from them; they are replaced
    /// when the slots grow).
    pub fn buffers(&self) -> &Buffers {
        &self.b
    }

    /// Slots the per-slot buffers hold: from an eighth above the live end
    /// at the start, grown by half (at least to an eighth above the live
    /// end) whenever the live end passes them, never past the capacity.
    pub fn slots(&self) -> u32 {
        self.b.sizes.capacity
    }

    /// Grows the per-slot buffers to hold slots `0..end` (see
    /// [`Self::slots`]), copying their contents and binding every pass again;
    /// nothing when they do.
    pub fn ensure_slots(&mut self, ctx: &GpuContext, end: u32) -> Result<(), GpuError> {
        if end <= self.slots() {
            return Ok(());
        }
        debug_assert!(
            end <= self.capacity,
            "live end {end} past {}",
            self.capacity
        );
        self.reserve_slots(ctx, slots_for(end, self.slots(), self.capacity))
    }

    /// Grows the per-slot buffers to hold exactly `slots` slots (at most the
    /// capacity) when they hold fewer, copying their contents and binding
    /// every pass again.
    pub fn reserve_slots(&mut self, ctx: &GpuContext, slots: u32) -> Result<(), GpuError> {
        let slots = slots.min(self.capacity);
        if slots <= self.slots() {
            return Ok(());
        }
        log::debug!("GPU slots {} -> {slots}", self.slots());
        self.b.grow_slots(ctx, slots)?;
        self.rebind_passes(ctx);
        Ok(())
    }

    /// Binds every pass again to the buffers (after they were replaced);
    /// the pipelines stay.
    fn rebind_passes(&mut self, ctx: &GpuContext) {
        let b = &self.b;
        self.hash.rebind(ctx, b);
        self.reorder.rebind(ctx, b);
        self.gather.rebind(ctx, b);
        self.steer.rebind(ctx, b);
        self.integrate.rebind(ctx, b);
        self.feed.rebind(ctx, b);
        self.food_regrow.rebind(ctx, b);
        self.region_of.rebind(ctx, b);
        self.emit.rebind(ctx, b);
        self.participants.rebind(ctx, b);
        self.write_back.rebind(ctx, b);
        self.stats.rebind(ctx, b);
    }

    /// Bytes of every GPU buffer the world holds: the resident state, the
    /// passes' own buffers, the readback staging and the timestamps.
    pub fn gpu_bytes(&self) -> u64 {
        self.b.total_bytes()
            + self.hash.bytes()
            + self.participants.bytes()
            + self.write_back.bytes()
            + self.small.bytes
            + self.lists.bytes
            + self.timer.as_ref().map_or(0, |t| t.resolve.size())
    }

    /// [`Self::gpu_bytes`] by kind.
    pub fn gpu_bytes_by_kind(&self) -> GpuBytes {
        let slots = self.b.slot_bytes();
        let hash_grid = self.b.hash_grid_bytes() + self.hash.bytes();
        let world_grids = self.b.world_grid_bytes();
        GpuBytes {
            slots,
            hash_grid,
            world_grids,
            other: self.gpu_bytes() - slots - hash_grid - world_grids,
        }
    }

    /// Replaces the whole entity state on the GPU (growing the slots to
    /// its live end).
    pub fn upload_entities(&mut self, ctx: &GpuContext, e: &Entities) -> Result<(), GpuError> {
        self.ensure_slots(ctx, live_end(e))?;
        self.b.upload_entities(ctx, e);
        Ok(())
    }

    /// Replaces the food grid on the GPU.
    pub fn upload_food(&self, ctx: &GpuContext, food: &Food) {
        self.b.upload_food(ctx, food);
    }

    /// Sends new region boundaries (after a rebalance).
    pub fn set_regions(&self, ctx: &GpuContext, regions: &RegionGrid) {
        put(ctx, &self.b.xs, &regions.xs);
        put(ctx, &self.b.ys, &regions.ys);
    }

    /// Whether per-pass timestamps are measured.
    pub fn has_timestamps(&self) -> bool {
        self.timer.is_some()
    }

    /// Bytes read back to the CPU by the ticks so far.
    pub fn bytes_read(&self) -> u64 {
        self.bytes_total
    }

    /// Buffers mapped by the ticks so far (one a tick, two when an event
    /// list outgrew its prefix).
    pub fn maps(&self) -> u64 {
        self.maps_total
    }

    /// Caps the event-list prefixes read with each tick (tests: a small cap
    /// sends the lists through the second map, which must give the same
    /// world); `None` lifts the cap.
    pub fn cap_list_prefixes(&mut self, cap: Option<u32>) {
        self.prefix_cap = cap;
    }

    /// Entries of each event list (attacks, candidates, deaths) that the
    /// next tick reads with its one map.
    pub fn list_prefixes(&self) -> [u32; 3] {
        self.prefixes.len
    }

    /// The passes the last tick recorded, in order.
    pub fn last_order(&self) -> &[Pass] {
        &self.last_order
    }

    fn timed(&self, p: Pass) -> Option<wgpu::ComputePassTimestampWrites<'_>> {
        self.timer.as_ref().and_then(|t| t.writes(p as usize))
    }

    fn set_uniforms(&self, ctx: &GpuContext, plan: &TickPlan, end: u32) {
        let b = &self.b;
        let p = &self.params;
        set(
            ctx,
            &b.step_u,
            &StepUniform {
                n: end,
                alive: plan.alive,
                ..self.step_base
            }
            .with_table(self.slots())
            .at_tick(plan.seed, plan.tick),
        );
        set(
            ctx,
            &b.steer_u,
            &SteerUniform {
                n: plan.alive,
                tick: plan.tick,
                seed_lo: plan.seed as u32,
                seed_hi: (plan.seed >> 32) as u32,
                ..self.steer_base
            },
        );
        set(
            ctx,
            &b.gather_u,
            &GatherUniform {
                n: plan.alive,
                capacity: end,
            },
        );
        set(
            ctx,
            &b.emit_u,
            &EmitUniform::new(p, plan.seed, plan.tick, end),
        );
        set(
            ctx,
            &b.region_u,
            &RegionUniform {
                n: end,
                forget: plan.reorder as u32,
                bins: if plan.rebalance { REBALANCE_BINS } else { 0 },
                ..self.region_base
            },
        );
    }
}
