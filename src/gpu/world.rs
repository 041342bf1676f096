//! The GPU-resident world: the entity SoA, the food grid and every per-tick
//! scratch buffer live on the GPU; one tick records the passes in the order of
//! [`crate::sim::PASSES`] and reads back only compact data:
//!
//! 1. after the passes: the three event counts, the food eaten (fixed point),
//!    the population and migrations per region and the pass timestamps;
//! 2. then the event lists themselves and one [`SnapRecord`] per entity they
//!    name (what the region workers read: id, tribe, position, energy, genes,
//!    owner).
//!
//! The region workers resolve the tick on the CPU from these, and
//! [`GpuWorld::write_back`] sends the changed slots back as one sorted list
//! of [`WriteRecord`]s. The full state crosses only on request
//! ([`GpuWorld::read_entities`], [`GpuWorld::read_food`]): for
//! `state_hash`, inspection and tests.

use wgpu::util::DeviceExt;

use super::dispatch::groups;
use super::hash::GpuHash;
use super::layout::{
    EmitUniform, FOOD_FIXED, GatherUniform, GpuSteerOut, RegionUniform, STATS_ENERGY_SCALE,
    STATS_STRIDE, SnapRecord, SnapshotUniform, StatsUniform, SteerUniform, StepUniform,
    WriteBackUniform, WriteRecord,
};
use super::shaders::pipeline;
use super::step::terrain_words;
use super::{GpuContext, GpuError};
use crate::cpu::emit_events::{Attack, DeathCause, EntityEvent, Events};
use crate::model::entities::Entities;
use crate::model::food::Food;
use crate::model::genes::{GENE_COUNT, GENE_RANGES};
use crate::model::grid::Grid;
use crate::model::params::SimParams;
use crate::model::terrain::Terrain;
use crate::regions::grid::RegionGrid;
use crate::regions::stats::GeneStat;

/// The timed GPU passes, in order; the same names and order as the first
/// entries of [`crate::sim::PASSES`].
pub const TIMED: [&str; 10] = [
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
];
const T_REORDER: usize = 3;
const T_STEER: usize = 4;
const T_INTEGRATE: usize = 5;
const T_FEED: usize = 6;
const T_REGROW: usize = 7;
const T_REGION: usize = 8;
const T_EMIT: usize = 9;

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
    /// Re-sort the slots into cell order this tick (slots `0..alive` live afterwards).
    pub reorder: bool,
}

/// What one tick sends to the CPU.
#[derive(Debug, Clone, Default)]
pub struct TickReadback {
    /// The event lists, sorted as the CPU backend's.
    pub events: Events,
    /// The entities the events name (duplicates possible).
    pub snaps: Vec<SnapRecord>,
    /// Living entities per region.
    pub region_population: Vec<u32>,
    /// Entities per region whose owner changed this tick.
    pub region_migrations: Vec<u32>,
    /// Food eaten this tick.
    pub food_eaten: f64,
    /// Seconds per pass of [`TIMED`] (timestamp queries), when the adapter has them.
    pub pass_s: Option<[f64; TIMED.len()]>,
    /// Bytes copied to the CPU this tick.
    pub bytes_read: u64,
}

struct Timer {
    set: wgpu::QuerySet,
    resolve: wgpu::Buffer,
    period_ns: f64,
}

impl Timer {
    fn writes(&self, k: usize) -> Option<wgpu::ComputePassTimestampWrites<'_>> {
        Some(wgpu::ComputePassTimestampWrites {
            query_set: &self.set,
            beginning_of_pass_write_index: Some(2 * k as u32),
            end_of_pass_write_index: Some(2 * k as u32 + 1),
        })
    }
}

fn entries<'a>(buffers: &[(u32, &'a wgpu::Buffer)]) -> Vec<wgpu::BindGroupEntry<'a>> {
    buffers
        .iter()
        .map(|(b, buf)| wgpu::BindGroupEntry {
            binding: *b,
            resource: buf.as_entire_binding(),
        })
        .collect()
}

fn bind(
    ctx: &GpuContext,
    p: &wgpu::ComputePipeline,
    label: &str,
    buffers: &[(u32, &wgpu::Buffer)],
) -> wgpu::BindGroup {
    ctx.device.create_bind_group(&wgpu::BindGroupDescriptor {
        label: Some(label),
        layout: &p.get_bind_group_layout(0),
        entries: &entries(buffers),
    })
}

fn uniform<T: bytemuck::Pod>(ctx: &GpuContext, label: &str, u: &T) -> wgpu::Buffer {
    ctx.device
        .create_buffer_init(&wgpu::util::BufferInitDescriptor {
            label: Some(label),
            contents: bytemuck::bytes_of(u),
            usage: wgpu::BufferUsages::UNIFORM | wgpu::BufferUsages::COPY_DST,
        })
}

fn dispatch(
    pass: &mut wgpu::ComputePass<'_>,
    p: &wgpu::ComputePipeline,
    bg: &wgpu::BindGroup,
    items: u32,
) {
    let (x, y) = groups(items);
    if x == 0 {
        return;
    }
    pass.set_pipeline(p);
    pass.set_bind_group(0, bg, &[]);
    pass.dispatch_workgroups(x, y, 1);
}

/// Maps `staging`, waits, and copies out its first `bytes` bytes.
fn map_read(ctx: &GpuContext, staging: &wgpu::Buffer, bytes: u64) -> Result<Vec<u8>, GpuError> {
    if bytes == 0 {
        return Ok(Vec::new());
    }
    let slice = staging.slice(..bytes.next_multiple_of(4));
    let (tx, rx) = std::sync::mpsc::channel();
    slice.map_async(wgpu::MapMode::Read, move |r| {
        let _ = tx.send(r);
    });
    ctx.device
        .poll(wgpu::PollType::wait_indefinitely())
        .map_err(|e| GpuError::Readback(e.to_string()))?;
    rx.recv()
        .map_err(|e| GpuError::Readback(e.to_string()))?
        .map_err(|e| GpuError::Readback(e.to_string()))?;
    let data = slice
        .get_mapped_range()
        .map_err(|e| GpuError::Readback(e.to_string()))?[..bytes as usize]
        .to_vec();
    staging.unmap();
    Ok(data)
}

fn words(bytes: &[u8]) -> Vec<u32> {
    bytemuck::pod_collect_to_vec(bytes)
}

/// Turns the raw lists of `emit_events` into [`Events`], each sorted as the CPU's.
pub fn events_from_lists(attacks: &[[u32; 4]], repro: &[[u32; 4]], deaths: &[[u32; 4]]) -> Events {
    let mut out = Events {
        attacks: attacks
            .iter()
            .map(|v| Attack {
                target_id: v[0],
                attacker_id: v[1],
                target: v[2],
                attacker: v[3],
            })
            .collect(),
        repro: repro
            .iter()
            .map(|v| EntityEvent {
                id: v[0],
                slot: v[1],
            })
            .collect(),
        deaths: deaths
            .iter()
            .map(|v| {
                let cause = if v[2] == 0 {
                    DeathCause::Starved
                } else {
                    DeathCause::OldAge
                };
                (
                    EntityEvent {
                        id: v[0],
                        slot: v[1],
                    },
                    cause,
                )
            })
            .collect(),
    };
    out.attacks.sort_unstable();
    out.repro.sort_unstable();
    out.deaths.sort_unstable();
    out
}

struct Pipelines {
    gather_info: wgpu::ComputePipeline,
    reset_slots: wgpu::ComputePipeline,
    scatter_steer: wgpu::ComputePipeline,
    steer: wgpu::ComputePipeline,
    integrate: wgpu::ComputePipeline,
    feed_count: wgpu::ComputePipeline,
    feed_share: wgpu::ComputePipeline,
    feed_gain: wgpu::ComputePipeline,
    food_regrow: wgpu::ComputePipeline,
    region_of: wgpu::ComputePipeline,
    emit: wgpu::ComputePipeline,
    snapshot: wgpu::ComputePipeline,
    write_back: wgpu::ComputePipeline,
    stats: wgpu::ComputePipeline,
    permute_motion: wgpu::ComputePipeline,
    permute_identity: wgpu::ComputePipeline,
}

impl Pipelines {
    fn new(d: &wgpu::Device) -> Self {
        Self {
            gather_info: pipeline(d, "gather", "gather_info"),
            reset_slots: pipeline(d, "gather", "reset_slots"),
            scatter_steer: pipeline(d, "gather", "scatter_steer"),
            steer: pipeline(d, "steer", "main"),
            integrate: pipeline(d, "integrate", "main"),
            feed_count: pipeline(d, "feed", "count"),
            feed_share: pipeline(d, "feed", "share"),
            feed_gain: pipeline(d, "feed", "gain"),
            food_regrow: pipeline(d, "food_regrow", "main"),
            region_of: pipeline(d, "region_of", "main"),
            emit: pipeline(d, "emit_events", "main"),
            snapshot: pipeline(d, "snapshot", "main"),
            write_back: pipeline(d, "write_back", "main"),
            stats: pipeline(d, "stats", "main"),
            permute_motion: pipeline(d, "reorder", "permute_motion"),
            permute_identity: pipeline(d, "reorder", "permute_identity"),
        }
    }
}

struct Groups {
    gather_info: wgpu::BindGroup,
    reset_slots: wgpu::BindGroup,
    scatter_steer: wgpu::BindGroup,
    steer: wgpu::BindGroup,
    integrate: wgpu::BindGroup,
    feed_count: wgpu::BindGroup,
    feed_share: wgpu::BindGroup,
    feed_gain: wgpu::BindGroup,
    food_regrow: wgpu::BindGroup,
    region_of: wgpu::BindGroup,
    emit: wgpu::BindGroup,
    permute_motion: wgpu::BindGroup,
    permute_identity: wgpu::BindGroup,
    stats: wgpu::BindGroup,
}

/// A buffer that grows (by powers of two) when more is needed, with the bind
/// group that uses it.
struct Growing {
    label: &'static str,
    buffer: wgpu::Buffer,
    bytes: u64,
    group: Option<wgpu::BindGroup>,
}

/// The GPU-resident world.
pub struct GpuWorld {
    capacity: u32,
    food_cells: u32,
    region_count: u32,
    tribes: u32,
    hash: GpuHash,
    vel: wgpu::Buffer,
    energy: wgpu::Buffer,
    age: wgpu::Buffer,
    genes: wgpu::Buffer,
    food_capacity: wgpu::Buffer,
    food_amount: wgpu::Buffer,
    food_cooldown: wgpu::Buffer,
    slot_out: wgpu::Buffer,
    eaters: wgpu::Buffer,
    eaten: wgpu::Buffer,
    xs: wgpu::Buffer,
    ys: wgpu::Buffer,
    owner: wgpu::Buffer,
    prev_owner: wgpu::Buffer,
    region_pop: wgpu::Buffer,
    region_mig: wgpu::Buffer,
    counts: wgpu::Buffer,
    attacks: wgpu::Buffer,
    entity_events: wgpu::Buffer,
    reorder_out: Vec<wgpu::Buffer>,
    stats_out: wgpu::Buffer,
    step_u: wgpu::Buffer,
    steer_u: wgpu::Buffer,
    gather_u: wgpu::Buffer,
    reorder_u: wgpu::Buffer,
    emit_u: wgpu::Buffer,
    region_u: wgpu::Buffer,
    snap_u: wgpu::Buffer,
    write_u: wgpu::Buffer,
    stats_u: wgpu::Buffer,
    step_base: StepUniform,
    steer_base: SteerUniform,
    emit_base: EmitUniform,
    region_base: RegionUniform,
    pipes: Pipelines,
    groups: Groups,
    snaps: Growing,
    records: Growing,
    list_staging: Growing,
    small_staging: wgpu::Buffer,
    small_layout: SmallLayout,
    timer: Option<Timer>,
    bytes_total: u64,
}

#[derive(Debug, Clone, Copy)]
struct SmallLayout {
    eaten: u64,
    pop: u64,
    mig: u64,
    ts: u64,
    total: u64,
}

impl GpuWorld {
    /// Uploads the world and builds every pipeline.
    pub fn new(
        ctx: &GpuContext,
        p: &SimParams,
        terrain: &Terrain,
        food: &Food,
        e: &Entities,
        regions: &RegionGrid,
        tribes: u32,
    ) -> Result<Self, GpuError> {
        let d = &ctx.device;
        let cap = e.capacity() as u32;
        let n = cap as u64;
        let none = wgpu::BufferUsages::empty();
        let hash_grid = Grid::new(p.world.width, p.world.height, p.hash.cell_size);
        let hash = GpuHash::new(ctx, hash_grid, cap)?;
        let vel = ctx.storage("sim.entity.vel", n * 8, none)?;
        let energy = ctx.storage("sim.entity.energy", n * 4, none)?;
        let age = ctx.storage("sim.entity.age", n * 4, none)?;
        let genes = ctx.storage("sim.entity.genes", n * 20, none)?;
        let cells = food.grid.len() as u64;
        let terrain_b = ctx.storage("sim.terrain", terrain.cells.len() as u64 * 4, none)?;
        let food_capacity = ctx.storage("sim.food.capacity", cells * 4, none)?;
        let food_amount = ctx.storage("sim.food.amount", cells * 4, none)?;
        let food_cooldown = ctx.storage("sim.food.cooldown", cells * 4, none)?;
        let info = ctx.storage("sim.steer.info", n * 32, none)?;
        let steer_out = ctx.storage("sim.steer.out", n * 16, none)?;
        let slot_out = ctx.storage("sim.steer.slot_out", n * 16, none)?;
        let food_cell = ctx.storage("sim.feed.food_cell", n * 4, none)?;
        let eaters = ctx.storage("sim.feed.eaters", cells * 4, none)?;
        let take = ctx.storage("sim.feed.take", cells * 4, none)?;
        let eaten = ctx.storage("sim.stats.food_eaten", 8, none)?;
        let r = regions.len() as u64;
        let xs = ctx.storage("sim.regions.xs", regions.xs.len() as u64 * 4, none)?;
        let ys = ctx.storage("sim.regions.ys", regions.ys.len() as u64 * 4, none)?;
        let owner = ctx.storage("sim.regions.owner", n * 4, none)?;
        let prev_owner = ctx.storage("sim.regions.prev_owner", n * 4, none)?;
        let region_pop = ctx.storage("sim.regions.population", r * 4, none)?;
        let region_mig = ctx.storage("sim.regions.migrations", r * 4, none)?;
        let counts = ctx.storage("sim.events.counts", 16, none)?;
        let attacks = ctx.storage("sim.events.attacks", n * 16, none)?;
        let entity_events = ctx.storage("sim.events.entity", n * 16, none)?;
        let reorder_out = [8u64, 8, 4, 4, 4, 4, 20]
            .iter()
            .map(|b| ctx.storage("sim.reorder.out", n * b, none))
            .collect::<Result<Vec<_>, _>>()?;
        let stats_out = ctx.storage(
            "sim.stats.tribes",
            tribes.max(1) as u64 * STATS_STRIDE as u64 * 4,
            none,
        )?;

        let step_base = StepUniform::new(p, &terrain.grid, &food.grid, cap);
        let steer_base = SteerUniform::new(p, [&hash_grid, &food.grid, &terrain.grid], 0, 0, cap);
        let emit_base = EmitUniform {
            n: cap,
            tick: 0,
            seed_lo: 0,
            seed_hi: 0,
            dt: p.world.dt,
            lifespan: p.energy.lifespan,
            maturity: p.energy.maturity,
            repro_threshold: p.energy.repro_threshold,
        };
        let region_base = RegionUniform {
            n: cap,
            rows: regions.rows,
            cols: regions.cols,
            forget: 0,
        };
        let gather0 = GatherUniform {
            n: 0,
            capacity: cap,
            _pad: [0; 2],
        };
        let step_u = uniform(ctx, "sim.step.uniform", &step_base);
        let steer_u = uniform(ctx, "sim.steer.uniform", &steer_base);
        let gather_u = uniform(ctx, "sim.gather.uniform", &gather0);
        let reorder_u = uniform(ctx, "sim.reorder.uniform", &gather0);
        let emit_u = uniform(ctx, "sim.emit.uniform", &emit_base);
        let region_u = uniform(ctx, "sim.regions.uniform", &region_base);
        let snap_u = uniform(
            ctx,
            "sim.snapshot.uniform",
            &<SnapshotUniform as bytemuck::Zeroable>::zeroed(),
        );
        let write_u = uniform(
            ctx,
            "sim.write_back.uniform",
            &<WriteBackUniform as bytemuck::Zeroable>::zeroed(),
        );
        let stats_u = uniform(
            ctx,
            "sim.stats.uniform",
            &StatsUniform {
                n: cap,
                tribes,
                _pad: [0; 2],
            },
        );

        let pipes = Pipelines::new(d);
        let h = &hash;
        let groups = Groups {
            gather_info: bind(
                ctx,
                &pipes.gather_info,
                "sim.gather.info",
                &[
                    (0, &gather_u),
                    (1, &h.sorted),
                    (2, &vel),
                    (3, &energy),
                    (4, &genes),
                    (5, &h.tribe_flags),
                    (6, &h.ids),
                    (7, &info),
                ],
            ),
            reset_slots: bind(
                ctx,
                &pipes.reset_slots,
                "sim.gather.reset",
                &[(0, &gather_u), (9, &slot_out)],
            ),
            scatter_steer: bind(
                ctx,
                &pipes.scatter_steer,
                "sim.gather.scatter",
                &[
                    (0, &gather_u),
                    (1, &h.sorted),
                    (8, &steer_out),
                    (9, &slot_out),
                ],
            ),
            steer: bind(
                ctx,
                &pipes.steer,
                "sim.steer",
                &[
                    (0, &steer_u),
                    (1, &h.offsets),
                    (2, &h.sorted_pos),
                    (3, &info),
                    (4, &genes),
                    (5, &terrain_b),
                    (6, &food_amount),
                    (7, &steer_out),
                ],
            ),
            integrate: bind(
                ctx,
                &pipes.integrate,
                "sim.integrate",
                &[
                    (0, &step_u),
                    (1, &slot_out),
                    (2, &genes),
                    (3, &h.tribe_flags),
                    (4, &terrain_b),
                    (5, &h.pos),
                    (6, &vel),
                    (7, &energy),
                    (8, &age),
                ],
            ),
            feed_count: bind(
                ctx,
                &pipes.feed_count,
                "sim.feed.count",
                &[
                    (0, &step_u),
                    (1, &h.pos),
                    (2, &genes),
                    (3, &h.tribe_flags),
                    (4, &food_cell),
                    (5, &eaters),
                    (13, &energy),
                ],
            ),
            feed_share: bind(
                ctx,
                &pipes.feed_share,
                "sim.feed.share",
                &[
                    (0, &step_u),
                    (6, &eaters),
                    (7, &food_amount),
                    (8, &food_cooldown),
                    (9, &take),
                    (14, &eaten),
                ],
            ),
            feed_gain: bind(
                ctx,
                &pipes.feed_gain,
                "sim.feed.gain",
                &[
                    (0, &step_u),
                    (2, &genes),
                    (10, &food_cell),
                    (11, &take),
                    (12, &energy),
                ],
            ),
            food_regrow: bind(
                ctx,
                &pipes.food_regrow,
                "sim.food_regrow",
                &[
                    (0, &step_u),
                    (1, &food_capacity),
                    (2, &food_amount),
                    (3, &food_cooldown),
                ],
            ),
            region_of: bind(
                ctx,
                &pipes.region_of,
                "sim.region_of",
                &[
                    (0, &region_u),
                    (1, &h.pos),
                    (2, &h.tribe_flags),
                    (3, &xs),
                    (4, &ys),
                    (5, &prev_owner),
                    (6, &owner),
                    (7, &region_pop),
                    (8, &region_mig),
                ],
            ),
            emit: bind(
                ctx,
                &pipes.emit,
                "sim.emit",
                &[
                    (0, &emit_u),
                    (1, &energy),
                    (2, &age),
                    (3, &genes),
                    (4, &h.tribe_flags),
                    (5, &h.ids),
                    (6, &slot_out),
                    (7, &counts),
                    (8, &attacks),
                    (9, &entity_events),
                ],
            ),
            permute_motion: bind(
                ctx,
                &pipes.permute_motion,
                "sim.reorder.motion",
                &[
                    (0, &reorder_u),
                    (1, &h.sorted),
                    (2, &h.pos),
                    (3, &vel),
                    (4, &energy),
                    (5, &age),
                    (6, &reorder_out[0]),
                    (7, &reorder_out[1]),
                    (8, &reorder_out[2]),
                    (9, &reorder_out[3]),
                ],
            ),
            permute_identity: bind(
                ctx,
                &pipes.permute_identity,
                "sim.reorder.identity",
                &[
                    (0, &reorder_u),
                    (1, &h.sorted),
                    (10, &h.tribe_flags),
                    (11, &h.ids),
                    (12, &genes),
                    (13, &reorder_out[4]),
                    (14, &reorder_out[5]),
                    (15, &reorder_out[6]),
                ],
            ),
            stats: bind(
                ctx,
                &pipes.stats,
                "sim.stats",
                &[
                    (0, &stats_u),
                    (1, &genes),
                    (2, &h.tribe_flags),
                    (3, &energy),
                    (4, &stats_out),
                ],
            ),
        };

        let timer = ctx
            .device
            .features()
            .contains(wgpu::Features::TIMESTAMP_QUERY)
            .then(|| Timer {
                set: d.create_query_set(&wgpu::QuerySetDescriptor {
                    label: Some("sim.timestamps"),
                    ty: wgpu::QueryType::Timestamp,
                    count: 2 * TIMED.len() as u32,
                }),
                resolve: d.create_buffer(&wgpu::BufferDescriptor {
                    label: Some("sim.timestamps.resolve"),
                    size: 16 * TIMED.len() as u64,
                    usage: wgpu::BufferUsages::QUERY_RESOLVE | wgpu::BufferUsages::COPY_SRC,
                    mapped_at_creation: false,
                }),
                period_ns: ctx.queue.get_timestamp_period() as f64,
            });
        let eaten_at = 16;
        let pop = eaten_at + 8;
        let mig = pop + r * 4;
        let ts = (mig + r * 4).next_multiple_of(8);
        let small_layout = SmallLayout {
            eaten: eaten_at,
            pop,
            mig,
            ts,
            total: ts + 16 * TIMED.len() as u64,
        };
        let staging = |label: &str, bytes: u64| {
            d.create_buffer(&wgpu::BufferDescriptor {
                label: Some(label),
                size: bytes.next_multiple_of(4).max(16),
                usage: wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
                mapped_at_creation: false,
            })
        };
        let small_staging = staging("sim.readback.small", small_layout.total);
        let list_staging = Growing {
            label: "sim.readback.lists",
            buffer: staging("sim.readback.lists", 1 << 16),
            bytes: 1 << 16,
            group: None,
        };
        let snaps = Growing {
            label: "sim.snapshot.records",
            buffer: ctx.storage("sim.snapshot.records", 1 << 16, none)?,
            bytes: 1 << 16,
            group: None,
        };
        let records = Growing {
            label: "sim.write_back.records",
            buffer: ctx.storage("sim.write_back.records", 1 << 16, none)?,
            bytes: 1 << 16,
            group: None,
        };

        let mut w = Self {
            capacity: cap,
            food_cells: cells as u32,
            region_count: r as u32,
            tribes,
            hash,
            vel,
            energy,
            age,
            genes,
            food_capacity,
            food_amount,
            food_cooldown,
            slot_out,
            eaters,
            eaten,
            xs,
            ys,
            owner,
            prev_owner,
            region_pop,
            region_mig,
            counts,
            attacks,
            entity_events,
            reorder_out,
            stats_out,
            step_u,
            steer_u,
            gather_u,
            reorder_u,
            emit_u,
            region_u,
            snap_u,
            write_u,
            stats_u,
            step_base,
            steer_base,
            emit_base,
            region_base,
            pipes,
            groups,
            snaps,
            records,
            list_staging,
            small_staging,
            small_layout,
            timer,
            bytes_total: 0,
        };
        let q = &ctx.queue;
        q.write_buffer(&terrain_b, 0, bytemuck::cast_slice(&terrain_words(terrain)));
        w.upload_entities(ctx, e);
        w.upload_food(ctx, food);
        w.set_regions(ctx, regions);
        // No previous owners yet.
        q.write_buffer(
            &w.prev_owner,
            0,
            bytemuck::cast_slice(&vec![crate::cpu::NONE; cap as usize]),
        );
        Ok(w)
    }

    /// Replaces the whole entity state on the GPU.
    pub fn upload_entities(&mut self, ctx: &GpuContext, e: &Entities) {
        let q = &ctx.queue;
        q.write_buffer(&self.hash.pos, 0, bytemuck::cast_slice(&e.pos));
        q.write_buffer(&self.vel, 0, bytemuck::cast_slice(&e.vel));
        q.write_buffer(&self.energy, 0, bytemuck::cast_slice(&e.energy));
        q.write_buffer(&self.age, 0, bytemuck::cast_slice(&e.age));
        q.write_buffer(
            &self.hash.tribe_flags,
            0,
            bytemuck::cast_slice(&e.tribe_flags),
        );
        q.write_buffer(&self.hash.ids, 0, bytemuck::cast_slice(&e.id));
        q.write_buffer(&self.genes, 0, bytemuck::cast_slice(&e.genes));
    }

    /// Replaces the food grid on the GPU.
    pub fn upload_food(&mut self, ctx: &GpuContext, food: &Food) {
        let q = &ctx.queue;
        q.write_buffer(&self.food_capacity, 0, bytemuck::cast_slice(&food.capacity));
        q.write_buffer(&self.food_amount, 0, bytemuck::cast_slice(&food.amount));
        q.write_buffer(&self.food_cooldown, 0, bytemuck::cast_slice(&food.cooldown));
    }

    /// Sends new region boundaries (after a rebalance).
    pub fn set_regions(&mut self, ctx: &GpuContext, regions: &RegionGrid) {
        ctx.queue
            .write_buffer(&self.xs, 0, bytemuck::cast_slice(&regions.xs));
        ctx.queue
            .write_buffer(&self.ys, 0, bytemuck::cast_slice(&regions.ys));
    }

    /// Whether per-pass timestamps are measured.
    pub fn has_timestamps(&self) -> bool {
        self.timer.is_some()
    }

    /// Bytes read back to the CPU so far.
    pub fn bytes_read(&self) -> u64 {
        self.bytes_total
    }

    /// Bytes of GPU buffers allocated for `capacity` entities (excluding the
    /// per-cell and per-region buffers and the growing lists).
    pub fn bytes_per_entity() -> u64 {
        // pos 8, vel 8, energy 4, age 4, flags 4, id 4, genes 20; hash cell,
        // unsorted, sorted 4 each, sorted_pos 8; info 32; steer out and
        // slot out 16 each; food cell 4; owner and previous owner 4 each;
        // attack and entity event lists 16 each; reorder targets 52.
        52 + 20 + 32 + 32 + 4 + 8 + 32 + 52
    }

    fn timed<'a>(&'a self, k: usize) -> Option<wgpu::ComputePassTimestampWrites<'a>> {
        self.timer.as_ref().and_then(|t| t.writes(k))
    }

    fn grow(ctx: &GpuContext, g: &mut Growing, bytes: u64, map: bool) -> Result<bool, GpuError> {
        if bytes <= g.bytes {
            return Ok(false);
        }
        let size = bytes.next_power_of_two();
        g.buffer = if map {
            ctx.device.create_buffer(&wgpu::BufferDescriptor {
                label: Some(g.label),
                size,
                usage: wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
                mapped_at_creation: false,
            })
        } else {
            ctx.storage(g.label, size, wgpu::BufferUsages::empty())?
        };
        g.bytes = size;
        g.group = None;
        Ok(true)
    }

    /// Runs the GPU passes of one tick and reads back the compact results.
    pub fn tick(&mut self, ctx: &GpuContext, plan: &TickPlan) -> Result<TickReadback, GpuError> {
        let q = &ctx.queue;
        // After a reorder, the living entities occupy 0..alive.
        let end = if plan.reorder { plan.alive } else { plan.end };
        let mut step = self.step_base;
        step.n = end;
        q.write_buffer(&self.step_u, 0, bytemuck::bytes_of(&step));
        let steer = SteerUniform {
            n: plan.alive,
            tick: plan.tick,
            seed_lo: plan.seed as u32,
            seed_hi: (plan.seed >> 32) as u32,
            ..self.steer_base
        };
        q.write_buffer(&self.steer_u, 0, bytemuck::bytes_of(&steer));
        let gather = GatherUniform {
            n: plan.alive,
            capacity: end,
            _pad: [0; 2],
        };
        q.write_buffer(&self.gather_u, 0, bytemuck::bytes_of(&gather));
        let reorder = GatherUniform {
            n: plan.alive,
            capacity: self.capacity,
            _pad: [0; 2],
        };
        q.write_buffer(&self.reorder_u, 0, bytemuck::bytes_of(&reorder));
        let emit = EmitUniform {
            n: end,
            tick: plan.tick,
            seed_lo: plan.seed as u32,
            seed_hi: (plan.seed >> 32) as u32,
            ..self.emit_base
        };
        q.write_buffer(&self.emit_u, 0, bytemuck::bytes_of(&emit));
        let region = RegionUniform {
            n: end,
            forget: plan.reorder as u32,
            ..self.region_base
        };
        q.write_buffer(&self.region_u, 0, bytemuck::bytes_of(&region));

        let mut enc = ctx
            .device
            .create_command_encoder(&wgpu::CommandEncoderDescriptor {
                label: Some("sim.tick"),
            });
        for b in [
            &self.eaters,
            &self.eaten,
            &self.region_pop,
            &self.region_mig,
            &self.counts,
        ] {
            enc.clear_buffer(b, 0, None);
        }
        self.hash.record_timed(&mut enc, |k| self.timed(k));
        if plan.reorder {
            {
                let mut pass = enc.begin_compute_pass(&wgpu::ComputePassDescriptor {
                    label: Some("sim.pass.reorder"),
                    timestamp_writes: self.timed(T_REORDER),
                });
                let g = &self.groups;
                dispatch(
                    &mut pass,
                    &self.pipes.permute_motion,
                    &g.permute_motion,
                    plan.alive,
                );
                dispatch(
                    &mut pass,
                    &self.pipes.permute_identity,
                    &g.permute_identity,
                    self.capacity,
                );
            }
            let targets = [
                &self.hash.pos,
                &self.vel,
                &self.energy,
                &self.age,
                &self.hash.tribe_flags,
                &self.hash.ids,
                &self.genes,
            ];
            for (src, dst) in self.reorder_out.iter().zip(targets) {
                enc.copy_buffer_to_buffer(src, 0, dst, 0, None);
            }
            // The hash again, over the renumbered slots (sorted becomes 0..alive).
            self.hash.record(&mut enc);
        }
        {
            let (p, g) = (&self.pipes, &self.groups);
            {
                let mut pass = enc.begin_compute_pass(&wgpu::ComputePassDescriptor {
                    label: Some("sim.pass.steer"),
                    timestamp_writes: self.timed(T_STEER),
                });
                dispatch(&mut pass, &p.gather_info, &g.gather_info, plan.alive);
                dispatch(&mut pass, &p.steer, &g.steer, plan.alive);
                dispatch(&mut pass, &p.reset_slots, &g.reset_slots, end);
                dispatch(&mut pass, &p.scatter_steer, &g.scatter_steer, plan.alive);
            }
            {
                let mut pass = enc.begin_compute_pass(&wgpu::ComputePassDescriptor {
                    label: Some("sim.pass.integrate"),
                    timestamp_writes: self.timed(T_INTEGRATE),
                });
                dispatch(&mut pass, &p.integrate, &g.integrate, end);
            }
            {
                let mut pass = enc.begin_compute_pass(&wgpu::ComputePassDescriptor {
                    label: Some("sim.pass.feed"),
                    timestamp_writes: self.timed(T_FEED),
                });
                dispatch(&mut pass, &p.feed_count, &g.feed_count, end);
                dispatch(&mut pass, &p.feed_share, &g.feed_share, self.food_cells);
                dispatch(&mut pass, &p.feed_gain, &g.feed_gain, end);
            }
            {
                let mut pass = enc.begin_compute_pass(&wgpu::ComputePassDescriptor {
                    label: Some("sim.pass.food_regrow"),
                    timestamp_writes: self.timed(T_REGROW),
                });
                dispatch(&mut pass, &p.food_regrow, &g.food_regrow, self.food_cells);
            }
            {
                let mut pass = enc.begin_compute_pass(&wgpu::ComputePassDescriptor {
                    label: Some("sim.pass.region_of"),
                    timestamp_writes: self.timed(T_REGION),
                });
                dispatch(&mut pass, &p.region_of, &g.region_of, end);
            }
            // This tick's owners are next tick's previous owners (the
            // write-back updates the slots that die or are born).
            enc.copy_buffer_to_buffer(&self.owner, 0, &self.prev_owner, 0, None);
            {
                let mut pass = enc.begin_compute_pass(&wgpu::ComputePassDescriptor {
                    label: Some("sim.pass.emit_events"),
                    timestamp_writes: self.timed(T_EMIT),
                });
                dispatch(&mut pass, &p.emit, &g.emit, end);
            }
        }
        let l = self.small_layout;
        let r = self.region_count as u64 * 4;
        enc.copy_buffer_to_buffer(&self.counts, 0, &self.small_staging, 0, 16);
        enc.copy_buffer_to_buffer(&self.eaten, 0, &self.small_staging, l.eaten, 8);
        enc.copy_buffer_to_buffer(&self.region_pop, 0, &self.small_staging, l.pop, r);
        enc.copy_buffer_to_buffer(&self.region_mig, 0, &self.small_staging, l.mig, r);
        if let Some(t) = &self.timer {
            enc.resolve_query_set(&t.set, 0..2 * TIMED.len() as u32, &t.resolve, 0);
            enc.copy_buffer_to_buffer(
                &t.resolve,
                0,
                &self.small_staging,
                l.ts,
                16 * TIMED.len() as u64,
            );
        }
        q.submit([enc.finish()]);
        let small = map_read(ctx, &self.small_staging, l.total)?;
        let c = words(&small[..16]);
        let (na, nr, nd) = (c[0], c[1], c[2]);
        let e = words(&small[l.eaten as usize..l.eaten as usize + 8]);
        let eaten = (e[0] as u64 | (e[1] as u64) << 32) as f64 / FOOD_FIXED as f64;
        let pass_s = self.timer.as_ref().map(|t| {
            let ts: Vec<u64> = bytemuck::pod_collect_to_vec(&small[l.ts as usize..]);
            let mut out = [0.0; TIMED.len()];
            for (k, o) in out.iter_mut().enumerate() {
                let ran = k != T_REORDER || plan.reorder;
                if ran {
                    *o = ts[2 * k + 1].saturating_sub(ts[2 * k]) as f64 * t.period_ns * 1e-9;
                }
            }
            out
        });
        let mut out = TickReadback {
            region_population: words(&small[l.pop as usize..(l.pop + r) as usize]),
            region_migrations: words(&small[l.mig as usize..(l.mig + r) as usize]),
            food_eaten: eaten,
            pass_s,
            bytes_read: l.total,
            ..Default::default()
        };
        let m = 2 * na + nr + nd;
        if m > 0 {
            let su = SnapshotUniform {
                attacks: na,
                repro: nr,
                deaths: nd,
                n: end,
            };
            q.write_buffer(&self.snap_u, 0, bytemuck::bytes_of(&su));
            Self::grow(ctx, &mut self.snaps, m as u64 * 64, false)?;
            let (a_bytes, r_bytes, d_bytes) = (na as u64 * 16, nr as u64 * 16, nd as u64 * 16);
            let s_bytes = m as u64 * 64;
            let total = a_bytes + r_bytes + d_bytes + s_bytes;
            Self::grow(ctx, &mut self.list_staging, total, true)?;
            if self.snaps.group.is_none() {
                let h = &self.hash;
                self.snaps.group = Some(bind(
                    ctx,
                    &self.pipes.snapshot,
                    "sim.snapshot",
                    &[
                        (0, &self.snap_u),
                        (1, &self.attacks),
                        (2, &self.entity_events),
                        (3, &h.pos),
                        (4, &self.energy),
                        (5, &h.tribe_flags),
                        (6, &h.ids),
                        (7, &self.genes),
                        (8, &self.owner),
                        (9, &self.snaps.buffer),
                    ],
                ));
            }
            let mut enc = ctx
                .device
                .create_command_encoder(&wgpu::CommandEncoderDescriptor {
                    label: Some("sim.snapshot"),
                });
            {
                let mut pass = enc.begin_compute_pass(&wgpu::ComputePassDescriptor {
                    label: Some("sim.pass.snapshot"),
                    timestamp_writes: None,
                });
                let g = self.snaps.group.as_ref().expect("bound above");
                dispatch(&mut pass, &self.pipes.snapshot, g, m);
            }
            let dst = &self.list_staging.buffer;
            let mut at = 0;
            if a_bytes > 0 {
                enc.copy_buffer_to_buffer(&self.attacks, 0, dst, at, a_bytes);
                at += a_bytes;
            }
            if r_bytes > 0 {
                enc.copy_buffer_to_buffer(&self.entity_events, 0, dst, at, r_bytes);
                at += r_bytes;
            }
            if d_bytes > 0 {
                let from = (end - nd) as u64 * 16;
                enc.copy_buffer_to_buffer(&self.entity_events, from, dst, at, d_bytes);
                at += d_bytes;
            }
            enc.copy_buffer_to_buffer(&self.snaps.buffer, 0, dst, at, s_bytes);
            q.submit([enc.finish()]);
            let bytes = map_read(ctx, &self.list_staging.buffer, total)?;
            let (a, rest) = bytes.split_at(a_bytes as usize);
            let (rp, rest) = rest.split_at(r_bytes as usize);
            let (dl, snaps) = rest.split_at(d_bytes as usize);
            let a: Vec<[u32; 4]> = bytemuck::pod_collect_to_vec(a);
            let rp: Vec<[u32; 4]> = bytemuck::pod_collect_to_vec(rp);
            let dl: Vec<[u32; 4]> = bytemuck::pod_collect_to_vec(dl);
            out.events = events_from_lists(&a, &rp, &dl);
            out.snaps = bytemuck::pod_collect_to_vec(snaps);
            out.bytes_read += total;
        }
        self.bytes_total += out.bytes_read;
        Ok(out)
    }

    /// Applies changed slots (sorted by slot) to the GPU state.
    pub fn write_back(
        &mut self,
        ctx: &GpuContext,
        records: &[WriteRecord],
    ) -> Result<(), GpuError> {
        if records.is_empty() {
            return Ok(());
        }
        debug_assert!(records.windows(2).all(|w| w[0].slot < w[1].slot));
        let bytes = std::mem::size_of_val(records) as u64;
        Self::grow(ctx, &mut self.records, bytes, false)?;
        let q = &ctx.queue;
        q.write_buffer(&self.records.buffer, 0, bytemuck::cast_slice(records));
        let u = WriteBackUniform {
            n: records.len() as u32,
            _pad: [0; 3],
        };
        q.write_buffer(&self.write_u, 0, bytemuck::bytes_of(&u));
        if self.records.group.is_none() {
            let h = &self.hash;
            self.records.group = Some(bind(
                ctx,
                &self.pipes.write_back,
                "sim.write_back",
                &[
                    (0, &self.write_u),
                    (1, &self.records.buffer),
                    (2, &h.pos),
                    (3, &self.vel),
                    (4, &self.energy),
                    (5, &self.age),
                    (6, &h.tribe_flags),
                    (7, &h.ids),
                    (8, &self.genes),
                    (9, &self.prev_owner),
                ],
            ));
        }
        let mut enc = ctx
            .device
            .create_command_encoder(&wgpu::CommandEncoderDescriptor {
                label: Some("sim.write_back"),
            });
        {
            let mut pass = enc.begin_compute_pass(&wgpu::ComputePassDescriptor {
                label: Some("sim.pass.write_back"),
                timestamp_writes: None,
            });
            let g = self.records.group.as_ref().expect("bound above");
            dispatch(&mut pass, &self.pipes.write_back, g, records.len() as u32);
        }
        q.submit([enc.finish()]);
        Ok(())
    }

    fn read<T: bytemuck::Pod>(
        ctx: &GpuContext,
        b: &wgpu::Buffer,
        len: usize,
    ) -> Result<Vec<T>, GpuError> {
        super::readback::read(&ctx.device, &ctx.queue, b, len)
    }

    /// Reads the whole entity state back (on request only: `state_hash`,
    /// inspection, tests).
    pub fn read_entities(&self, ctx: &GpuContext) -> Result<Entities, GpuError> {
        let n = self.capacity as usize;
        let mut e = Entities::with_capacity(n);
        e.pos = Self::read(ctx, &self.hash.pos, n)?;
        e.vel = Self::read(ctx, &self.vel, n)?;
        e.energy = Self::read(ctx, &self.energy, n)?;
        e.age = Self::read(ctx, &self.age, n)?;
        e.tribe_flags = Self::read(ctx, &self.hash.tribe_flags, n)?;
        e.id = Self::read(ctx, &self.hash.ids, n)?;
        e.genes = Self::read(ctx, &self.genes, n)?;
        Ok(e)
    }

    /// Reads positions and flags of slots `0..end` (for region rebalancing).
    pub fn read_positions(
        &self,
        ctx: &GpuContext,
        end: usize,
    ) -> Result<(Vec<[f32; 2]>, Vec<u32>), GpuError> {
        Ok((
            Self::read(ctx, &self.hash.pos, end)?,
            Self::read(ctx, &self.hash.tribe_flags, end)?,
        ))
    }

    /// Reads the food grid back into a copy of `like`.
    pub fn read_food(&self, ctx: &GpuContext, like: &Food) -> Result<Food, GpuError> {
        let mut f = like.clone();
        let n = self.food_cells as usize;
        f.amount = Self::read(ctx, &self.food_amount, n)?;
        f.cooldown = Self::read(ctx, &self.food_cooldown, n)?;
        Ok(f)
    }

    /// Each slot's behaviour in the last tick ([`crate::cpu::Mode`] codes).
    pub fn read_modes(&self, ctx: &GpuContext) -> Result<Vec<u8>, GpuError> {
        let out: Vec<GpuSteerOut> = Self::read(ctx, &self.slot_out, self.capacity as usize)?;
        Ok(out.iter().map(|o| o.mode as u8).collect())
    }

    /// Per-tribe gene statistics and energy sums, reduced on the GPU in fixed
    /// point over slots `0..end`.
    pub fn stats(
        &self,
        ctx: &GpuContext,
        end: u32,
    ) -> Result<(Vec<[GeneStat; GENE_COUNT]>, Vec<f64>), GpuError> {
        let u = StatsUniform {
            n: end,
            tribes: self.tribes,
            _pad: [0; 2],
        };
        ctx.queue
            .write_buffer(&self.stats_u, 0, bytemuck::bytes_of(&u));
        let mut enc = ctx
            .device
            .create_command_encoder(&wgpu::CommandEncoderDescriptor {
                label: Some("sim.stats"),
            });
        enc.clear_buffer(&self.stats_out, 0, None);
        {
            let mut pass = enc.begin_compute_pass(&wgpu::ComputePassDescriptor {
                label: Some("sim.pass.stats"),
                timestamp_writes: None,
            });
            dispatch(&mut pass, &self.pipes.stats, &self.groups.stats, end);
        }
        ctx.queue.submit([enc.finish()]);
        let stride = STATS_STRIDE as usize;
        let w: Vec<u32> = Self::read(ctx, &self.stats_out, self.tribes as usize * stride)?;
        Ok(decode_stats(&w, self.tribes as usize))
    }
}

/// Means, spreads and ranges from the fixed-point words of `stats.wgsl`;
/// also the energy sum per tribe.
pub fn decode_stats(w: &[u32], tribes: usize) -> (Vec<[GeneStat; GENE_COUNT]>, Vec<f64>) {
    let stride = STATS_STRIDE as usize;
    let wide = |lo: u32, hi: u32| lo as u64 | (hi as u64) << 32;
    let mut genes = Vec::with_capacity(tribes);
    let mut energy = Vec::with_capacity(tribes);
    for t in 0..tribes {
        let b = &w[t * stride..(t + 1) * stride];
        let n = b[0] as f64;
        energy.push(wide(b[1], b[2]) as f64 / STATS_ENERGY_SCALE as f64);
        let mut out = [GeneStat::default(); GENE_COUNT];
        if b[0] > 0 {
            for (k, o) in out.iter_mut().enumerate() {
                let g = &b[3 + 6 * k..9 + 6 * k];
                let (lo, hi) = GENE_RANGES[k];
                let scale = (hi - lo) as f64 / 65535.0;
                let m = wide(g[0], g[1]) as f64 / n;
                let var = (wide(g[2], g[3]) as f64 / n - m * m).max(0.0);
                *o = GeneStat {
                    mean: (lo as f64 + scale * m) as f32,
                    std: (var.sqrt() * scale) as f32,
                    min: crate::model::genes::decode(k, 65535 - g[5]),
                    max: crate::model::genes::decode(k, g[4]),
                };
            }
        }
        genes.push(out);
    }
    (genes, energy)
}
