//! The GPU-resident world: the entity SoA, the food grid and every per-tick
//! scratch buffer live on the GPU; one tick records the passes in the order of
//! [`Pass::ALL`] and reads back only compact data:
//!
//! 1. after the passes: the three event counts, the food eaten (fixed point),
//!    the population and migrations per region and the pass timestamps;
//! 2. then the event lists themselves and one [`ParticipantRecord`] per entity they
//!    name (what the region workers read: id, tribe, position, energy, genes,
//!    owner).
//!
//! The region workers resolve the tick on the CPU from these, and
//! [`GpuWorld::write_back`] sends the changed slots back as one sorted list
//! of [`WriteRecord`]s. The full state crosses only on request
//! ([`GpuWorld::read_entities`], [`GpuWorld::read_food`]): for
//! `state_hash`, inspection and tests.

use super::buffers::{Buffers, Sizes, put, set};
use super::emit_events::{EmitEvents, events_from_lists};
use super::feed::Feed;
use super::food_regrow::FoodRegrow;
use super::gather::Gather;
use super::hash::Hash;
use super::integrate::Integrate;
use super::layout::{
    EmitUniform, GatherUniform, GpuSteerOut, ParticipantRecord, ParticipantsUniform, RegionUniform,
    STEER_WORDS, SteerUniform, StepUniform, WriteRecord,
};
use super::participants::Participants;
use super::region_of::RegionOf;
use super::reorder::Reorder;
use super::stats::Stats;
use super::steer::Steer;
use super::wgsl::decode;
use super::write_back::WriteBack;
use super::{GpuContext, GpuError};
use crate::cpu::emit_events::Events;
use crate::model::entities::Entities;
use crate::model::food::Food;
use crate::model::genes::GENE_COUNT;
use crate::model::params::SimParams;
use crate::model::terrain::Terrain;
use crate::pass::Pass;
use crate::regions::grid::RegionGrid;
use crate::regions::stats::GeneStat;
use encase::ShaderSize;

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
    /// Re-sort the slots into cell order this tick (slots `0..alive` live afterwards).
    pub reorder: bool,
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
}

/// The GPU buffer bytes of a world by kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GpuBytes {
    /// Buffers that grow with the capacity: the state, the hash's per-slot
    /// arrays and every pass's scratch.
    pub slots: u64,
    /// The hash grid's per-cell buffers (offsets, cursor, scan block sums).
    pub hash_grid: u64,
    /// Terrain and food grids (with feed's grazers per cell).
    pub world_grids: u64,
    /// Uniforms, per-region and per-tribe buffers, event participant and
    /// write-back records, readback staging, timestamps.
    pub other: u64,
}

/// One entity's fields, read from one slot.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SlotView {
    /// Position (wu).
    pub pos: [f32; 2],
    /// Velocity (wu/s).
    pub vel: [f32; 2],
    /// Energy (e).
    pub energy: f32,
    /// Age (s).
    pub age: f32,
    /// Tribe (low 16 bits) and flags.
    pub tribe_flags: u32,
    /// Id.
    pub id: u32,
    /// Packed genes.
    pub genes: [u32; 5],
    /// Behaviour in the last tick ([`crate::cpu::Mode`] code).
    pub mode: u8,
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

/// A mappable buffer for readbacks, grown as needed.
struct Staging {
    label: &'static str,
    buffer: wgpu::Buffer,
    bytes: u64,
}

impl Staging {
    fn new(ctx: &GpuContext, label: &'static str, bytes: u64) -> Self {
        let bytes = bytes.next_multiple_of(4).max(256);
        let buffer = ctx.device.create_buffer(&wgpu::BufferDescriptor {
            label: Some(label),
            size: bytes,
            usage: wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        });
        Self {
            label,
            buffer,
            bytes,
        }
    }

    fn reserve(&mut self, ctx: &GpuContext, bytes: u64) {
        if bytes > self.bytes {
            *self = Self::new(ctx, self.label, bytes.next_power_of_two());
        }
    }

    /// Maps the buffer, awaits the GPU, and copies out its first `bytes` bytes.
    async fn read(&self, ctx: &GpuContext, bytes: u64) -> Result<Vec<u8>, GpuError> {
        super::readback::map_copy_async(&ctx.device, &self.buffer, bytes).await
    }
}

fn words(bytes: &[u8]) -> Vec<u32> {
    bytemuck::pod_collect_to_vec(bytes)
}

/// Offsets in the small per-tick readback.
#[derive(Debug, Clone, Copy)]
struct SmallLayout {
    eaten: u64,
    pop: u64,
    mig: u64,
    ts: u64,
    total: u64,
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
    timer: Option<Timer>,
    bytes_total: u64,
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
        let d = &ctx.device;
        let cap = e.capacity() as u32;
        let sizes = Sizes::new(
            p,
            terrain.cells.len(),
            e.capacity(),
            (regions.rows, regions.cols),
            tribes,
        );
        let b = Buffers::new(ctx, sizes)?;
        b.upload_terrain(ctx, terrain);
        b.upload_entities(ctx, e);
        b.upload_food(ctx, food);
        // No previous owners yet.
        put(ctx, &b.owner, &vec![crate::cpu::NONE; cap as usize]);
        let step_base = StepUniform::new(p, &terrain.grid, &food.grid, cap);
        let steer_base = SteerUniform::new(p, [&sizes.hash, &food.grid, &terrain.grid], 0, 0, cap);
        let region_base = RegionUniform {
            n: cap,
            rows: regions.rows,
            cols: regions.cols,
            forget: 0,
        };
        let timer = d
            .features()
            .contains(wgpu::Features::TIMESTAMP_QUERY)
            .then(|| Timer {
                set: d.create_query_set(&wgpu::QuerySetDescriptor {
                    label: Some("sim.timestamps"),
                    ty: wgpu::QueryType::Timestamp,
                    count: 2 * TIMED as u32,
                }),
                resolve: d.create_buffer(&wgpu::BufferDescriptor {
                    label: Some("sim.timestamps.resolve"),
                    size: 16 * TIMED as u64,
                    usage: wgpu::BufferUsages::QUERY_RESOLVE | wgpu::BufferUsages::COPY_SRC,
                    mapped_at_creation: false,
                }),
                period_ns: ctx.queue.get_timestamp_period() as f64,
            });
        let r = regions.len() as u64 * 4;
        let (eaten, pop) = (16, 24);
        let mig = pop + r;
        let ts = (mig + r).next_multiple_of(8);
        let small_layout = SmallLayout {
            eaten,
            pop,
            mig,
            ts,
            total: ts + 16 * TIMED as u64,
        };
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
            small: Staging::new(ctx, "sim.readback.small", small_layout.total),
            small_layout,
            lists: Staging::new(ctx, "sim.readback.lists", 1 << 16),
            timer,
            bytes_total: 0,
            b,
        };
        w.set_regions(ctx, regions);
        Ok(w)
    }

    /// The buffers (for rendering straight from them).
    pub fn buffers(&self) -> &Buffers {
        &self.b
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

    /// Replaces the whole entity state on the GPU.
    pub fn upload_entities(&self, ctx: &GpuContext, e: &Entities) {
        self.b.upload_entities(ctx, e);
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
                ..self.step_base
            },
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
            &b.reorder_u,
            &GatherUniform {
                n: plan.alive,
                capacity: b.sizes.capacity,
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
                ..self.region_base
            },
        );
    }

    /// Runs the GPU passes of one tick and reads back the compact results.
    pub fn tick(&mut self, ctx: &GpuContext, plan: &TickPlan) -> Result<TickReadback, GpuError> {
        super::readback::wait(self.tick_async(ctx, plan))
    }

    /// [`Self::tick`], awaiting the GPU's readbacks.
    pub async fn tick_async(
        &mut self,
        ctx: &GpuContext,
        plan: &TickPlan,
    ) -> Result<TickReadback, GpuError> {
        // After a reorder, the living entities occupy 0..alive.
        let end = if plan.reorder { plan.alive } else { plan.end };
        self.set_uniforms(ctx, plan, end);
        let b = &self.b;
        let mut enc = ctx
            .device
            .create_command_encoder(&wgpu::CommandEncoderDescriptor {
                label: Some("sim.tick"),
            });
        self.feed.clear(&mut enc, b);
        self.region_of.clear(&mut enc, b);
        self.emit.clear(&mut enc, b);
        self.hash.record(&mut enc, b, |k| self.timed(Pass::ALL[k]));
        if plan.reorder {
            self.reorder
                .record(&mut enc, b, plan.alive, self.timed(Pass::Reorder));
            // The hash again, over the renumbered slots (sorted becomes 0..alive).
            self.hash.record(&mut enc, b, |_| None);
        }
        let begin = |enc: &mut wgpu::CommandEncoder, p: Pass, label: &'static str| {
            enc.begin_compute_pass(&wgpu::ComputePassDescriptor {
                label: Some(label),
                timestamp_writes: self.timed(p),
            })
            .forget_lifetime()
        };
        {
            let mut pass = begin(&mut enc, Pass::Steer, "sim.pass.steer");
            self.gather.record(&mut pass, plan.alive, end);
            self.steer.record(&mut pass, plan.alive);
        }
        self.integrate.record(
            &mut begin(&mut enc, Pass::Integrate, "sim.pass.integrate"),
            end,
        );
        self.feed
            .record(&mut begin(&mut enc, Pass::Feed, "sim.pass.feed"), end);
        self.food_regrow.record(
            &mut begin(&mut enc, Pass::FoodRegrow, "sim.pass.food_regrow"),
            b.sizes.food_quads(),
        );
        self.region_of.record(
            &mut begin(&mut enc, Pass::RegionOf, "sim.pass.region_of"),
            end,
        );
        self.emit.record(
            &mut begin(&mut enc, Pass::EmitEvents, "sim.pass.emit_events"),
            end,
        );
        let l = self.small_layout;
        let r = l.mig - l.pop;
        let dst = &self.small.buffer;
        enc.copy_buffer_to_buffer(&b.counts, 0, dst, 0, 16);
        enc.copy_buffer_to_buffer(&b.eaten, 0, dst, l.eaten, 8);
        enc.copy_buffer_to_buffer(&b.region_pop, 0, dst, l.pop, r);
        enc.copy_buffer_to_buffer(&b.region_mig, 0, dst, l.mig, r);
        if let Some(t) = &self.timer {
            enc.resolve_query_set(&t.set, 0..2 * TIMED as u32, &t.resolve, 0);
            enc.copy_buffer_to_buffer(&t.resolve, 0, dst, l.ts, 16 * TIMED as u64);
        }
        ctx.queue.submit([enc.finish()]);
        let small = self.small.read(ctx, l.total).await?;
        let c = words(&small[..16]);
        let (na, nr, nd) = (c[0], c[1], c[2]);
        let pass_s = self.timer.as_ref().map(|t| {
            let ts: Vec<u64> = bytemuck::pod_collect_to_vec(&small[l.ts as usize..]);
            let mut out = [0.0; TIMED];
            for (k, o) in out.iter_mut().enumerate() {
                if k != Pass::Reorder as usize || plan.reorder {
                    *o = ts[2 * k + 1].saturating_sub(ts[2 * k]) as f64 * t.period_ns * 1e-9;
                }
            }
            out
        });
        let mut out = TickReadback {
            region_population: words(&small[l.pop as usize..l.mig as usize]),
            region_migrations: words(&small[l.mig as usize..(l.mig + r) as usize]),
            food_eaten: super::feed::eaten(&words(&small[l.eaten as usize..l.eaten as usize + 8])),
            pass_s,
            bytes_read: l.total,
            ..Default::default()
        };
        let m = 2 * na + nr + nd;
        if m > 0 {
            let (events, participants, bytes) = self.read_events(ctx, [na, nr, nd], end).await?;
            out.events = events;
            out.participants = participants;
            out.bytes_read += bytes;
        }
        self.bytes_total += out.bytes_read;
        Ok(out)
    }

    /// The second readback of a tick: the event lists and the records of
    /// every entity they name.
    async fn read_events(
        &mut self,
        ctx: &GpuContext,
        [na, nr, nd]: [u32; 3],
        end: u32,
    ) -> Result<(Events, Vec<ParticipantRecord>, u64), GpuError> {
        let b = &self.b;
        let m = 2 * na + nr + nd;
        set(
            ctx,
            &b.participants_u,
            &ParticipantsUniform {
                attacks: na,
                repro: nr,
                deaths: nd,
                n: end,
            },
        );
        self.participants.reserve(ctx, b, m as u64)?;
        let (a_bytes, r_bytes, d_bytes) = (na as u64 * 16, nr as u64 * 8, nd as u64 * 8);
        let s_bytes = m as u64 * ParticipantRecord::SHADER_SIZE.get();
        let total = a_bytes + r_bytes + d_bytes + s_bytes;
        self.lists.reserve(ctx, total);
        let mut enc = ctx
            .device
            .create_command_encoder(&wgpu::CommandEncoderDescriptor {
                label: Some("sim.participants"),
            });
        self.participants.record(
            &mut enc.begin_compute_pass(&wgpu::ComputePassDescriptor {
                label: Some("sim.pass.participants"),
                timestamp_writes: None,
            }),
            m,
        );
        let dst = &self.lists.buffer;
        let mut at = 0;
        for (src, from, bytes) in [
            (b.attacks(), 0, a_bytes),
            (b.entity_events(), 0, r_bytes),
            (b.entity_events(), (end - nd) as u64 * 8, d_bytes),
            (&self.participants.records, 0, s_bytes),
        ] {
            if bytes > 0 {
                enc.copy_buffer_to_buffer(src, from, dst, at, bytes);
                at += bytes;
            }
        }
        ctx.queue.submit([enc.finish()]);
        let bytes = self.lists.read(ctx, total).await?;
        let (a, rest) = bytes.split_at(a_bytes as usize);
        let (rp, rest) = rest.split_at(r_bytes as usize);
        let (dl, records) = rest.split_at(d_bytes as usize);
        let attacks: Vec<[u32; 4]> = bytemuck::pod_collect_to_vec(a);
        let pairs = |x: &[u8]| -> Vec<[u32; 2]> { bytemuck::pod_collect_to_vec(x) };
        Ok((
            events_from_lists(&attacks, &pairs(rp), &pairs(dl)),
            decode(records),
            total,
        ))
    }

    /// Rebuilds the pipelines of shader file `file` (`steer`, `hash_scan`,
    /// `common/rng.wgsl`: a shared file rebuilds every pass) from the current
    /// sources ([`super::shaders::set_override`]). A WGSL or validation error
    /// leaves the running pipelines as they were and is returned.
    pub fn reload(&mut self, ctx: &GpuContext, file: &str) -> Result<(), String> {
        let scope = ctx.device.push_error_scope(wgpu::ErrorFilter::Validation);
        let b = &self.b;
        // Build first, check the scope, then swap: a failed build changes nothing.
        macro_rules! rebuild {
            ($($field:ident = $e:expr),+ $(,)?) => {{
                $(let $field = $e;)+
                if let Some(err) = super::readback::block_on(scope.pop()).flatten() {
                    return Err(err.to_string());
                }
                $(self.$field = $field;)+
            }};
        }
        let e = |e: GpuError| e.to_string();
        let records = |r: u64| r.max(1024);
        match file {
            "hash_count" | "hash_scan" | "hash_scatter" => {
                rebuild!(hash = Hash::new(ctx, b).map_err(e)?)
            }
            "reorder" => rebuild!(reorder = Reorder::new(ctx, b)),
            "gather" => rebuild!(gather = Gather::new(ctx, b)),
            "steer" => rebuild!(steer = Steer::new(ctx, b)),
            "integrate" => rebuild!(integrate = Integrate::new(ctx, b)),
            "feed" => rebuild!(feed = Feed::new(ctx, b)),
            "food_regrow" => rebuild!(food_regrow = FoodRegrow::new(ctx, b)),
            "region_of" => rebuild!(region_of = RegionOf::new(ctx, b)),
            "emit_events" => rebuild!(emit = EmitEvents::new(ctx, b)),
            "participants" => rebuild!(
                participants =
                    Participants::new(ctx, b, records(self.participants.capacity())).map_err(e)?
            ),
            "write_back" => rebuild!(
                write_back =
                    WriteBack::new(ctx, b, records(self.write_back.capacity())).map_err(e)?
            ),
            "stats" => rebuild!(stats = Stats::new(ctx, b)),
            f if f.starts_with("common/") => rebuild!(
                hash = Hash::new(ctx, b).map_err(e)?,
                reorder = Reorder::new(ctx, b),
                gather = Gather::new(ctx, b),
                steer = Steer::new(ctx, b),
                integrate = Integrate::new(ctx, b),
                feed = Feed::new(ctx, b),
                food_regrow = FoodRegrow::new(ctx, b),
                region_of = RegionOf::new(ctx, b),
                emit = EmitEvents::new(ctx, b),
                participants =
                    Participants::new(ctx, b, records(self.participants.capacity())).map_err(e)?,
                write_back =
                    WriteBack::new(ctx, b, records(self.write_back.capacity())).map_err(e)?,
                stats = Stats::new(ctx, b),
            ),
            other => return Err(format!("{other} is not a simulation shader")),
        }
        Ok(())
    }

    /// Applies changed slots (sorted by slot) to the GPU state.
    pub fn write_back(
        &mut self,
        ctx: &GpuContext,
        records: &[WriteRecord],
    ) -> Result<(), GpuError> {
        self.write_back.apply(ctx, &self.b, records)
    }

    /// Reads the whole entity state back (on request only: `state_hash`,
    /// inspection, tests).
    pub fn read_entities(&self, ctx: &GpuContext) -> Result<Entities, GpuError> {
        self.b.read_entities(ctx)
    }

    /// [`Self::read_entities`], awaiting the GPU.
    pub async fn read_entities_async(&self, ctx: &GpuContext) -> Result<Entities, GpuError> {
        self.b.read_entities_async(ctx).await
    }

    /// Reads positions and flags of slots `0..end` (for region rebalancing).
    pub async fn read_positions(
        &self,
        ctx: &GpuContext,
        end: usize,
    ) -> Result<(Vec<[f32; 2]>, Vec<u32>), GpuError> {
        Ok((
            Buffers::read_async(ctx, &self.b.pos, end).await?,
            Buffers::read_async(ctx, &self.b.tribe_flags, end).await?,
        ))
    }

    /// Reads the food grid back into a copy of `like`.
    pub fn read_food(&self, ctx: &GpuContext, like: &Food) -> Result<Food, GpuError> {
        self.b.read_food(ctx, like)
    }

    /// [`Self::read_food`], awaiting the GPU.
    pub async fn read_food_async(&self, ctx: &GpuContext, like: &Food) -> Result<Food, GpuError> {
        self.b.read_food_async(ctx, like).await
    }

    /// One slot's fields (one small readback): pos, vel, energy, age,
    /// tribe and flags, id, genes, behaviour.
    pub fn read_slot(&self, ctx: &GpuContext, slot: usize) -> Result<SlotView, GpuError> {
        super::readback::wait(self.read_slot_async(ctx, slot))
    }

    /// [`Self::read_slot`], awaiting the GPU.
    pub async fn read_slot_async(
        &self,
        ctx: &GpuContext,
        slot: usize,
    ) -> Result<SlotView, GpuError> {
        let b = &self.b;
        let s = slot as u64;
        let parts: [(&wgpu::Buffer, u64); 8] = [
            (&b.pos, 8),
            (&b.vel, 8),
            (&b.energy, 4),
            (&b.age, 4),
            (&b.tribe_flags, 4),
            (&b.ids, 4),
            (&b.genes, 20),
            (&b.steer_out, 4 * STEER_WORDS as u64),
        ];
        let staging = Staging::new(ctx, "sim.readback.slot", 128);
        let mut enc = ctx
            .device
            .create_command_encoder(&wgpu::CommandEncoderDescriptor {
                label: Some("sim.read_slot"),
            });
        let mut at = 0;
        for (buf, size) in parts {
            enc.copy_buffer_to_buffer(buf, s * size, &staging.buffer, at, size);
            at += size;
        }
        ctx.queue.submit([enc.finish()]);
        let w = words(&staging.read(ctx, at).await?);
        let f = |k: usize| f32::from_bits(w[k]);
        Ok(SlotView {
            pos: [f(0), f(1)],
            vel: [f(2), f(3)],
            energy: f(4),
            age: f(5),
            tribe_flags: w[6],
            id: w[7],
            genes: [w[8], w[9], w[10], w[11], w[12]],
            mode: GpuSteerOut::decode(&w[13..16]).mode as u8,
        })
    }

    /// Each slot's behaviour in the last tick ([`crate::cpu::Mode`] codes).
    pub fn read_modes(&self, ctx: &GpuContext) -> Result<Vec<u8>, GpuError> {
        super::readback::wait(self.read_modes_async(ctx))
    }

    /// [`Self::read_modes`], awaiting the GPU.
    pub async fn read_modes_async(&self, ctx: &GpuContext) -> Result<Vec<u8>, GpuError> {
        let words: Vec<u32> = Buffers::read_async(
            ctx,
            &self.b.steer_out,
            STEER_WORDS * self.b.sizes.capacity as usize,
        )
        .await?;
        Ok(GpuSteerOut::decode_all(&words)
            .iter()
            .map(|o| o.mode as u8)
            .collect())
    }

    /// Per-tribe gene statistics and energy sums, reduced on the GPU in fixed
    /// point over slots `0..end`.
    pub fn stats(
        &self,
        ctx: &GpuContext,
        end: u32,
    ) -> Result<(Vec<[GeneStat; GENE_COUNT]>, Vec<f64>), GpuError> {
        self.stats.run(ctx, &self.b, end)
    }

    /// [`Self::stats`], awaiting the GPU.
    pub async fn stats_async(
        &self,
        ctx: &GpuContext,
        end: u32,
    ) -> Result<(Vec<[GeneStat; GENE_COUNT]>, Vec<f64>), GpuError> {
        self.stats.run_async(ctx, &self.b, end).await
    }
}
