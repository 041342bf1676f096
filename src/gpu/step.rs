//! The per-entity passes after the hash: `integrate` and `food_regrow` so
//! far, each a pipeline over GPU-resident buffers.

use wgpu::util::DeviceExt;

use super::dispatch::groups;
use super::layout::{GpuSteerOut, StepUniform};
use super::readback::read;
use super::shaders::pipeline;
use super::{GpuContext, GpuError};
use crate::model::entities::Entities;
use crate::model::food::Food;
use crate::model::params::SimParams;
use crate::model::terrain::Terrain;

fn bind(
    ctx: &GpuContext,
    p: &wgpu::ComputePipeline,
    label: &str,
    buffers: &[&wgpu::Buffer],
) -> wgpu::BindGroup {
    let numbered: Vec<(u32, &wgpu::Buffer)> = buffers
        .iter()
        .enumerate()
        .map(|(k, b)| (k as u32, *b))
        .collect();
    bind_at(ctx, p, label, &numbered)
}

fn bind_at(
    ctx: &GpuContext,
    p: &wgpu::ComputePipeline,
    label: &str,
    buffers: &[(u32, &wgpu::Buffer)],
) -> wgpu::BindGroup {
    let entries: Vec<wgpu::BindGroupEntry<'_>> = buffers
        .iter()
        .map(|(k, b)| wgpu::BindGroupEntry {
            binding: *k,
            resource: b.as_entire_binding(),
        })
        .collect();
    ctx.device.create_bind_group(&wgpu::BindGroupDescriptor {
        label: Some(label),
        layout: &p.get_bind_group_layout(0),
        entries: &entries,
    })
}

fn dispatch(
    ctx: &GpuContext,
    label: &str,
    p: &wgpu::ComputePipeline,
    bg: &wgpu::BindGroup,
    items: u32,
) {
    let mut enc = ctx
        .device
        .create_command_encoder(&wgpu::CommandEncoderDescriptor { label: Some(label) });
    let (x, y) = groups(items);
    if x > 0 {
        let mut pass = enc.begin_compute_pass(&wgpu::ComputePassDescriptor {
            label: Some(label),
            timestamp_writes: None,
        });
        pass.set_pipeline(p);
        pass.set_bind_group(0, bg, &[]);
        pass.dispatch_workgroups(x, y, 1);
    }
    ctx.queue.submit([enc.finish()]);
}

fn upload<T: bytemuck::Pod>(
    ctx: &GpuContext,
    label: &str,
    data: &[T],
) -> Result<wgpu::Buffer, GpuError> {
    let bytes = std::mem::size_of_val(data) as u64;
    let b = ctx.storage(label, bytes, wgpu::BufferUsages::empty())?;
    if bytes > 0 {
        ctx.queue.write_buffer(&b, 0, bytemuck::cast_slice(data));
    }
    Ok(b)
}

fn uniform<T: bytemuck::Pod>(ctx: &GpuContext, label: &str, u: &T) -> wgpu::Buffer {
    ctx.device
        .create_buffer_init(&wgpu::util::BufferInitDescriptor {
            label: Some(label),
            contents: bytemuck::bytes_of(u),
            usage: wgpu::BufferUsages::UNIFORM,
        })
}

/// Terrain as one u32 biome code per cell, as the shaders read it.
pub fn terrain_words(t: &Terrain) -> Vec<u32> {
    t.cells.iter().map(|&c| c as u32).collect()
}

/// Runs `integrate` on a copy of `e` with accelerations `acc`; returns the result.
pub fn integrate(
    ctx: &GpuContext,
    p: &SimParams,
    terrain: &Terrain,
    acc: &[[f32; 2]],
    e: &Entities,
) -> Result<Entities, GpuError> {
    let n = e.capacity();
    let food_grid = crate::model::grid::Grid::new(p.world.width, p.world.height, p.food.cell_size);
    let u = uniform(
        ctx,
        "sim.step",
        &StepUniform::new(p, &terrain.grid, &food_grid, n as u32),
    );
    let steer_out: Vec<GpuSteerOut> = acc
        .iter()
        .map(|&a| GpuSteerOut {
            acc: a,
            intent: crate::cpu::NONE,
            mode: 0,
        })
        .collect();
    let acc_b = upload(ctx, "sim.steer.slot_out", &steer_out)?;
    let genes = upload(ctx, "sim.entity.genes", &e.genes)?;
    let flags = upload(ctx, "sim.entity.tribe_flags", &e.tribe_flags)?;
    let ter = upload(ctx, "sim.terrain", &terrain_words(terrain))?;
    let pos = upload(ctx, "sim.entity.pos", &e.pos)?;
    let vel = upload(ctx, "sim.entity.vel", &e.vel)?;
    let energy = upload(ctx, "sim.entity.energy", &e.energy)?;
    let age = upload(ctx, "sim.entity.age", &e.age)?;
    let pl = pipeline(&ctx.device, "integrate", "main");
    let bg = bind(
        ctx,
        &pl,
        "sim.integrate",
        &[&u, &acc_b, &genes, &flags, &ter, &pos, &vel, &energy, &age],
    );
    dispatch(ctx, "sim.pass.integrate", &pl, &bg, n as u32);
    let mut out = e.clone();
    out.pos = read(&ctx.device, &ctx.queue, &pos, n)?;
    out.vel = read(&ctx.device, &ctx.queue, &vel, n)?;
    out.energy = read(&ctx.device, &ctx.queue, &energy, n)?;
    out.age = read(&ctx.device, &ctx.queue, &age, n)?;
    Ok(out)
}

/// Runs `food_regrow` on a copy of `food`; returns the result.
pub fn food_regrow(
    ctx: &GpuContext,
    p: &SimParams,
    terrain: &Terrain,
    food: &Food,
) -> Result<Food, GpuError> {
    let cells = food.grid.len();
    let u = uniform(
        ctx,
        "sim.step",
        &StepUniform::new(p, &terrain.grid, &food.grid, 0),
    );
    let cap = upload(ctx, "sim.food.capacity", &food.capacity)?;
    let amount = upload(ctx, "sim.food.amount", &food.amount)?;
    let cool = upload(ctx, "sim.food.cooldown", &food.cooldown)?;
    let pl = pipeline(&ctx.device, "food_regrow", "main");
    let bg = bind(ctx, &pl, "sim.food_regrow", &[&u, &cap, &amount, &cool]);
    dispatch(ctx, "sim.pass.food_regrow", &pl, &bg, cells as u32);
    let mut out = food.clone();
    out.amount = read(&ctx.device, &ctx.queue, &amount, cells)?;
    out.cooldown = read(&ctx.device, &ctx.queue, &cool, cells)?;
    Ok(out)
}

/// What `feed` produces, read back.
#[derive(Debug, Clone)]
pub struct FeedReadback {
    /// Food cell of each slot, or [`crate::cpu::NONE`].
    pub food_cell: Vec<u32>,
    /// Grazers per food cell.
    pub eaters: Vec<u32>,
    /// Food after eating.
    pub food: Food,
    /// Energy of each slot after eating.
    pub energy: Vec<f32>,
    /// Food eaten, summed on the GPU in fixed point (1/FOOD_FIXED units).
    pub food_eaten: f64,
}

/// Runs `feed` (count, share, gain) on copies of `e` and `food`.
pub fn feed(
    ctx: &GpuContext,
    p: &SimParams,
    terrain: &Terrain,
    e: &Entities,
    food: &Food,
) -> Result<FeedReadback, GpuError> {
    let n = e.capacity();
    let cells = food.grid.len();
    let u = uniform(
        ctx,
        "sim.step",
        &StepUniform::new(p, &terrain.grid, &food.grid, n as u32),
    );
    let pos = upload(ctx, "sim.entity.pos", &e.pos)?;
    let genes = upload(ctx, "sim.entity.genes", &e.genes)?;
    let flags = upload(ctx, "sim.entity.tribe_flags", &e.tribe_flags)?;
    let energy = upload(ctx, "sim.entity.energy", &e.energy)?;
    let cell_of = ctx.storage(
        "sim.feed.food_cell",
        n as u64 * 4,
        wgpu::BufferUsages::empty(),
    )?;
    let eaters = ctx.storage(
        "sim.feed.eaters",
        cells as u64 * 4,
        wgpu::BufferUsages::empty(),
    )?;
    let take = ctx.storage(
        "sim.feed.take",
        cells as u64 * 4,
        wgpu::BufferUsages::empty(),
    )?;
    let amount = upload(ctx, "sim.food.amount", &food.amount)?;
    let cool = upload(ctx, "sim.food.cooldown", &food.cooldown)?;
    let eaten = upload(ctx, "sim.stats.food_eaten", &[0u32; 2])?;
    let count = pipeline(&ctx.device, "feed", "count");
    let share = pipeline(&ctx.device, "feed", "share");
    let gain = pipeline(&ctx.device, "feed", "gain");
    let count_bg = bind_at(
        ctx,
        &count,
        "sim.feed.count",
        &[
            (0, &u),
            (1, &pos),
            (2, &genes),
            (3, &flags),
            (4, &cell_of),
            (5, &eaters),
            (13, &energy),
        ],
    );
    let share_bg = bind_at(
        ctx,
        &share,
        "sim.feed.share",
        &[
            (0, &u),
            (6, &eaters),
            (7, &amount),
            (8, &cool),
            (9, &take),
            (14, &eaten),
        ],
    );
    let gain_bg = bind_at(
        ctx,
        &gain,
        "sim.feed.gain",
        &[
            (0, &u),
            (2, &genes),
            (10, &cell_of),
            (11, &take),
            (12, &energy),
        ],
    );
    dispatch(ctx, "sim.pass.feed.count", &count, &count_bg, n as u32);
    dispatch(ctx, "sim.pass.feed.share", &share, &share_bg, cells as u32);
    dispatch(ctx, "sim.pass.feed.gain", &gain, &gain_bg, n as u32);
    let mut out_food = food.clone();
    out_food.amount = read(&ctx.device, &ctx.queue, &amount, cells)?;
    out_food.cooldown = read(&ctx.device, &ctx.queue, &cool, cells)?;
    Ok(FeedReadback {
        food_cell: read(&ctx.device, &ctx.queue, &cell_of, n)?,
        eaters: read(&ctx.device, &ctx.queue, &eaters, cells)?,
        food: out_food,
        energy: read(&ctx.device, &ctx.queue, &energy, n)?,
        food_eaten: {
            let w: Vec<u32> = read(&ctx.device, &ctx.queue, &eaten, 2)?;
            (w[0] as u64 | (w[1] as u64) << 32) as f64 / super::layout::FOOD_FIXED as f64
        },
    })
}

/// The inputs of `steer` that come from the hash and the gather, in cell order.
pub struct SteerInputs<'a> {
    /// Hash offsets (cells + 1).
    pub offsets: &'a [u32],
    /// Positions in cell order (living entities only).
    pub sorted_pos: &'a [[f32; 2]],
    /// Neighbour data in cell order, with id and slot.
    pub info: &'a [super::layout::GpuInfo],
}

/// Runs `steer` for every living entity (in cell order) and returns the results in that order.
#[expect(clippy::too_many_arguments, reason = "the pass's whole input")]
pub fn steer(
    ctx: &GpuContext,
    p: &SimParams,
    seed: u64,
    tick: u32,
    hash: &crate::model::grid::Grid,
    inp: &SteerInputs<'_>,
    e: &Entities,
    terrain: &Terrain,
    food: &Food,
) -> Result<Vec<super::layout::GpuSteerOut>, GpuError> {
    let n = inp.info.len();
    let su = super::layout::SteerUniform::new(
        p,
        [hash, &food.grid, &terrain.grid],
        seed,
        tick,
        n as u32,
    );
    let u = uniform(ctx, "sim.steer.uniform", &su);
    let offsets = upload(ctx, "sim.hash.offsets", inp.offsets)?;
    let sorted_pos = upload(ctx, "sim.hash.sorted_pos", inp.sorted_pos)?;
    let info = upload(ctx, "sim.hash.info", inp.info)?;
    let genes = upload(ctx, "sim.entity.genes", &e.genes)?;
    let ter = upload(ctx, "sim.terrain", &terrain_words(terrain))?;
    let amount = upload(ctx, "sim.food.amount", &food.amount)?;
    let out = ctx.storage("sim.steer.out", n as u64 * 16, wgpu::BufferUsages::empty())?;
    let pl = pipeline(&ctx.device, "steer", "main");
    let bg = bind(
        ctx,
        &pl,
        "sim.steer",
        &[
            &u,
            &offsets,
            &sorted_pos,
            &info,
            &genes,
            &ter,
            &amount,
            &out,
        ],
    );
    dispatch(ctx, "sim.pass.steer", &pl, &bg, n as u32);
    read(&ctx.device, &ctx.queue, &out, n)
}

/// Runs `emit_events` on `e` with steering intents `intent` (per slot) and
/// returns the lists, each sorted as the CPU's.
pub fn emit_events(
    ctx: &GpuContext,
    p: &SimParams,
    seed: u64,
    tick: u32,
    e: &Entities,
    intent: &[u32],
) -> Result<crate::cpu::emit_events::Events, GpuError> {
    let n = e.capacity();
    let eu = super::layout::EmitUniform {
        n: n as u32,
        tick,
        seed_lo: seed as u32,
        seed_hi: (seed >> 32) as u32,
        dt: p.world.dt,
        lifespan: p.energy.lifespan,
        maturity: p.energy.maturity,
        repro_threshold: p.energy.repro_threshold,
    };
    let u = uniform(ctx, "sim.emit.uniform", &eu);
    let energy = upload(ctx, "sim.entity.energy", &e.energy)?;
    let age = upload(ctx, "sim.entity.age", &e.age)?;
    let genes = upload(ctx, "sim.entity.genes", &e.genes)?;
    let flags = upload(ctx, "sim.entity.tribe_flags", &e.tribe_flags)?;
    let ids = upload(ctx, "sim.entity.id", &e.id)?;
    let steer_out: Vec<GpuSteerOut> = intent
        .iter()
        .map(|&t| GpuSteerOut {
            acc: [0.0; 2],
            intent: t,
            mode: 0,
        })
        .collect();
    let intent_b = upload(ctx, "sim.steer.slot_out", &steer_out)?;
    let counts = upload(ctx, "sim.events.counts", &[0u32; 3])?;
    let attacks = ctx.storage(
        "sim.events.attacks",
        n as u64 * 16,
        wgpu::BufferUsages::empty(),
    )?;
    let entity_events = ctx.storage(
        "sim.events.entity",
        n as u64 * 16,
        wgpu::BufferUsages::empty(),
    )?;
    let pl = pipeline(&ctx.device, "emit_events", "main");
    let bg = bind(
        ctx,
        &pl,
        "sim.emit",
        &[
            &u,
            &energy,
            &age,
            &genes,
            &flags,
            &ids,
            &intent_b,
            &counts,
            &attacks,
            &entity_events,
        ],
    );
    dispatch(ctx, "sim.pass.emit_events", &pl, &bg, n as u32);
    let c: Vec<u32> = read(&ctx.device, &ctx.queue, &counts, 3)?;
    let (na, nr, nd) = (c[0] as usize, c[1] as usize, c[2] as usize);
    let a: Vec<[u32; 4]> = read(&ctx.device, &ctx.queue, &attacks, na)?;
    let ev: Vec<[u32; 4]> = read(&ctx.device, &ctx.queue, &entity_events, n)?;
    Ok(super::world::events_from_lists(
        &a,
        &ev[..nr],
        &ev[n - nd..],
    ))
}

/// Runs `gather_info` over the living slots in cell order (`sorted`), then
/// `reset_slots` and `scatter_steer` with the given cell-ordered steering
/// results; returns the gathered info and the per-slot results.
pub fn gather_and_scatter(
    ctx: &GpuContext,
    e: &Entities,
    sorted: &[u32],
    steer_out: &[super::layout::GpuSteerOut],
) -> Result<(Vec<super::layout::GpuInfo>, Vec<super::layout::GpuSteerOut>), GpuError> {
    let (n, cap) = (sorted.len(), e.capacity());
    let gu = super::layout::GatherUniform {
        n: n as u32,
        capacity: cap as u32,
        _pad: [0; 2],
    };
    let u = uniform(ctx, "sim.gather.uniform", &gu);
    let sorted_b = upload(ctx, "sim.hash.sorted", sorted)?;
    let vel = upload(ctx, "sim.entity.vel", &e.vel)?;
    let energy = upload(ctx, "sim.entity.energy", &e.energy)?;
    let genes = upload(ctx, "sim.entity.genes", &e.genes)?;
    let flags = upload(ctx, "sim.entity.tribe_flags", &e.tribe_flags)?;
    let ids = upload(ctx, "sim.entity.id", &e.id)?;
    let info = ctx.storage("sim.hash.info", n as u64 * 32, wgpu::BufferUsages::empty())?;
    let out_b = upload(ctx, "sim.steer.out", steer_out)?;
    let slot_out = ctx.storage(
        "sim.steer.slot_out",
        cap as u64 * 16,
        wgpu::BufferUsages::empty(),
    )?;
    let gather = pipeline(&ctx.device, "gather", "gather_info");
    let reset = pipeline(&ctx.device, "gather", "reset_slots");
    let scatter = pipeline(&ctx.device, "gather", "scatter_steer");
    let g_bg = bind_at(
        ctx,
        &gather,
        "sim.gather.info",
        &[
            (0, &u),
            (1, &sorted_b),
            (2, &vel),
            (3, &energy),
            (4, &genes),
            (5, &flags),
            (6, &ids),
            (7, &info),
        ],
    );
    let r_bg = bind_at(ctx, &reset, "sim.gather.reset", &[(0, &u), (9, &slot_out)]);
    let s_bg = bind_at(
        ctx,
        &scatter,
        "sim.gather.scatter",
        &[(0, &u), (1, &sorted_b), (8, &out_b), (9, &slot_out)],
    );
    dispatch(ctx, "sim.pass.gather_info", &gather, &g_bg, n as u32);
    dispatch(ctx, "sim.pass.reset_slots", &reset, &r_bg, cap as u32);
    dispatch(ctx, "sim.pass.scatter_steer", &scatter, &s_bg, n as u32);
    Ok((
        read(&ctx.device, &ctx.queue, &info, n)?,
        read(&ctx.device, &ctx.queue, &slot_out, cap)?,
    ))
}

/// Runs `reorder` on a copy of `e` with the living slots in cell order
/// (`sorted`); returns the reordered entities.
pub fn reorder(ctx: &GpuContext, e: &Entities, sorted: &[u32]) -> Result<Entities, GpuError> {
    let (n, cap) = (sorted.len(), e.capacity());
    let gu = super::layout::GatherUniform {
        n: n as u32,
        capacity: cap as u32,
        _pad: [0; 2],
    };
    let u = uniform(ctx, "sim.reorder.uniform", &gu);
    let sorted_b = upload(ctx, "sim.hash.sorted", sorted)?;
    let ins = [
        upload(ctx, "sim.entity.pos", &e.pos)?,
        upload(ctx, "sim.entity.vel", &e.vel)?,
        upload(ctx, "sim.entity.energy", &e.energy)?,
        upload(ctx, "sim.entity.age", &e.age)?,
        upload(ctx, "sim.entity.tribe_flags", &e.tribe_flags)?,
        upload(ctx, "sim.entity.id", &e.id)?,
        upload(ctx, "sim.entity.genes", &e.genes)?,
    ];
    let sizes = [8u64, 8, 4, 4, 4, 4, 20];
    let outs: Vec<wgpu::Buffer> = sizes
        .iter()
        .map(|b| {
            ctx.storage(
                "sim.reorder.out",
                cap as u64 * b,
                wgpu::BufferUsages::empty(),
            )
        })
        .collect::<Result<_, _>>()?;
    let motion = pipeline(&ctx.device, "reorder", "permute_motion");
    let identity = pipeline(&ctx.device, "reorder", "permute_identity");
    let m_bg = bind_at(
        ctx,
        &motion,
        "sim.reorder.motion",
        &[
            (0, &u),
            (1, &sorted_b),
            (2, &ins[0]),
            (3, &ins[1]),
            (4, &ins[2]),
            (5, &ins[3]),
            (6, &outs[0]),
            (7, &outs[1]),
            (8, &outs[2]),
            (9, &outs[3]),
        ],
    );
    let i_bg = bind_at(
        ctx,
        &identity,
        "sim.reorder.identity",
        &[
            (0, &u),
            (1, &sorted_b),
            (10, &ins[4]),
            (11, &ins[5]),
            (12, &ins[6]),
            (13, &outs[4]),
            (14, &outs[5]),
            (15, &outs[6]),
        ],
    );
    dispatch(ctx, "sim.pass.reorder.motion", &motion, &m_bg, n as u32);
    dispatch(
        ctx,
        "sim.pass.reorder.identity",
        &identity,
        &i_bg,
        cap as u32,
    );
    let mut out = e.clone();
    let (d, q) = (&ctx.device, &ctx.queue);
    out.pos[..n].copy_from_slice(&read::<[f32; 2]>(d, q, &outs[0], n)?);
    out.vel[..n].copy_from_slice(&read::<[f32; 2]>(d, q, &outs[1], n)?);
    out.energy[..n].copy_from_slice(&read::<f32>(d, q, &outs[2], n)?);
    out.age[..n].copy_from_slice(&read::<f32>(d, q, &outs[3], n)?);
    out.tribe_flags = read(d, q, &outs[4], cap)?;
    out.id[..n].copy_from_slice(&read::<u32>(d, q, &outs[5], n)?);
    out.genes[..n].copy_from_slice(&read::<[u32; 5]>(d, q, &outs[6], n)?);
    Ok(out)
}

/// What `region_of` produces, read back.
#[derive(Debug, Clone, PartialEq)]
pub struct OwnersReadback {
    /// Owner region per slot ([`crate::cpu::NONE`] for free slots).
    pub owner: Vec<u32>,
    /// Living entities per region.
    pub population: Vec<u32>,
    /// Entities per region whose previous owner was another region.
    pub migrations: Vec<u32>,
}

/// Runs `region_of` on `e` over `grid`, with the previous owners `prev`.
pub fn region_of(
    ctx: &GpuContext,
    e: &Entities,
    grid: &crate::regions::grid::RegionGrid,
    prev: &[u32],
) -> Result<OwnersReadback, GpuError> {
    let (cap, regions) = (e.capacity(), grid.len());
    let ru = super::layout::RegionUniform {
        n: cap as u32,
        rows: grid.rows,
        cols: grid.cols,
        forget: 0,
    };
    let u = uniform(ctx, "sim.regions.uniform", &ru);
    let pos = upload(ctx, "sim.entity.pos", &e.pos)?;
    let flags = upload(ctx, "sim.entity.tribe_flags", &e.tribe_flags)?;
    let xs = upload(ctx, "sim.regions.xs", &grid.xs)?;
    let ys = upload(ctx, "sim.regions.ys", &grid.ys)?;
    let prev_b = upload(ctx, "sim.regions.prev_owner", prev)?;
    let owner = ctx.storage(
        "sim.regions.owner",
        cap as u64 * 4,
        wgpu::BufferUsages::empty(),
    )?;
    let population = upload(ctx, "sim.regions.population", &vec![0u32; regions])?;
    let migrations = upload(ctx, "sim.regions.migrations", &vec![0u32; regions])?;
    let pl = pipeline(&ctx.device, "region_of", "main");
    let bg = bind(
        ctx,
        &pl,
        "sim.region_of",
        &[
            &u,
            &pos,
            &flags,
            &xs,
            &ys,
            &prev_b,
            &owner,
            &population,
            &migrations,
        ],
    );
    dispatch(ctx, "sim.pass.region_of", &pl, &bg, cap as u32);
    let (d, q) = (&ctx.device, &ctx.queue);
    Ok(OwnersReadback {
        owner: read(d, q, &owner, cap)?,
        population: read(d, q, &population, regions)?,
        migrations: read(d, q, &migrations, regions)?,
    })
}

/// Runs `snapshot` over event lists laid out as `emit_events` leaves them
/// (`entity_events` holds `n` entries: candidates at the front, deaths at the
/// back) and returns one record per named slot.
#[expect(clippy::too_many_arguments, reason = "the pass's whole input")]
pub fn snapshot(
    ctx: &GpuContext,
    e: &Entities,
    owner: &[u32],
    attacks: &[[u32; 4]],
    entity_events: &[[u32; 4]],
    repro: u32,
    deaths: u32,
    n: u32,
) -> Result<Vec<super::layout::SnapRecord>, GpuError> {
    let su = super::layout::SnapshotUniform {
        attacks: attacks.len() as u32,
        repro,
        deaths,
        n,
    };
    let m = 2 * su.attacks + repro + deaths;
    let u = uniform(ctx, "sim.snapshot.uniform", &su);
    let a = upload(ctx, "sim.events.attacks", attacks)?;
    let ev = upload(ctx, "sim.events.entity", entity_events)?;
    let pos = upload(ctx, "sim.entity.pos", &e.pos)?;
    let energy = upload(ctx, "sim.entity.energy", &e.energy)?;
    let flags = upload(ctx, "sim.entity.tribe_flags", &e.tribe_flags)?;
    let ids = upload(ctx, "sim.entity.id", &e.id)?;
    let genes = upload(ctx, "sim.entity.genes", &e.genes)?;
    let owner_b = upload(ctx, "sim.regions.owner", owner)?;
    let out = ctx.storage(
        "sim.snapshot.records",
        m as u64 * 64,
        wgpu::BufferUsages::empty(),
    )?;
    let pl = pipeline(&ctx.device, "snapshot", "main");
    let bg = bind(
        ctx,
        &pl,
        "sim.snapshot",
        &[
            &u, &a, &ev, &pos, &energy, &flags, &ids, &genes, &owner_b, &out,
        ],
    );
    dispatch(ctx, "sim.pass.snapshot", &pl, &bg, m);
    read(&ctx.device, &ctx.queue, &out, m as usize)
}
