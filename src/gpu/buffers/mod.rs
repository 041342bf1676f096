//! Every GPU buffer of the simulation, labelled `sim.<group>.<name>` (as they
//! appear in GPU debuggers and wgpu errors), allocated for a number of slots
//! ([`Buffers::grow_slots`] replaces the per-slot ones by larger ones).
//! Each pass module (`src/gpu/<pass>.rs`) declares which of these it binds
//! (as [`super::views`] names and types them);
//! [`super::world::GpuWorld`] chains them into a tick, and each module's
//! `run` function drives its pass alone from CPU data (for the tests).

use wgpu::util::DeviceExt;

mod io;
pub use io::{join_genes, put, put_records, set, split_genes};

use super::layout::{
    EmitUniform, GatherUniform, GridUniform, ParticipantsUniform, RegionUniform, STATS_STRIDE,
    StatsUniform, SteerUniform, StepUniform, WriteBackUniform,
};
use super::wgsl::WgslStruct;
use super::{GpuContext, GpuError};
use crate::model::grid::Grid;

/// The per-slot buffers for `n` slots, in the order of [`Buffers`]' fields:
/// the state (pos, vel, energy, age, tribe_flags, ids, genes_a, genes_b),
/// the owners, then the hash's and steer's arrays (sorted, sorted_pos, info,
/// steer_out).
fn slot_buffers(ctx: &GpuContext, n: u64) -> Result<[wgpu::Buffer; 13], GpuError> {
    let mut made = Vec::with_capacity(SLOT_BUFFERS.len());
    for (label, bytes) in SLOT_BUFFERS {
        made.push(ctx.storage(label, n * bytes, wgpu::BufferUsages::empty())?);
    }
    Ok(made.try_into().expect("one buffer per entry"))
}

/// The per-slot buffers' labels and bytes per slot, in [`slot_buffers`]' order.
pub(super) const SLOT_BUFFERS: [(&str, u64); 13] = [
    ("sim.entity.pos", 8),
    ("sim.entity.vel", 8),
    ("sim.entity.energy", 4),
    ("sim.entity.age", 4),
    ("sim.entity.tribe_flags", 4),
    ("sim.entity.id", 4),
    ("sim.entity.genes_a", 16),
    ("sim.entity.genes_b", 4),
    ("sim.regions.owner", 4),
    ("sim.hash.sorted", 4),
    ("sim.hash.sorted_pos", 8),
    ("sim.steer.info", 16),
    ("sim.steer.out", 4),
];

/// Checks that per-slot buffers for `slots` slots fit the device's binding
/// limit (as growing to them later would need).
pub fn check_slots(ctx: &GpuContext, slots: u64) -> Result<(), GpuError> {
    let limit = ctx.device.limits().max_storage_buffer_binding_size;
    for (label, bytes) in SLOT_BUFFERS {
        if slots * bytes > limit {
            return Err(GpuError::TooLarge {
                what: label.to_string(),
                bytes: slots * bytes,
                limit,
            });
        }
    }
    Ok(())
}

/// The sizes the buffers are allocated for.
#[derive(Debug, Clone, Copy)]
pub struct Sizes {
    /// Entity slots the per-slot buffers hold (the world's capacity, or
    /// fewer on a [`super::world::GpuWorld`], which grows them as the live
    /// end grows).
    pub capacity: u32,
    /// The spatial hash grid.
    pub hash: Grid,
    /// Food cells.
    pub food_cells: u32,
    /// Food columns.
    pub food_cols: u32,
    /// Food rows.
    pub food_rows: u32,
    /// Bits of a food cell's cooldown counter (8 or 16).
    pub cooldown_bits: u32,
    /// Terrain cells.
    pub terrain_cells: u32,
    /// Region rows.
    pub region_rows: u32,
    /// Region columns.
    pub region_cols: u32,
    /// Tribes in the scenario (the length of the per-tribe buffers).
    pub tribes: u32,
}

/// The buffers, all public: the pass modules bind them by name.
pub struct Buffers {
    /// What they were allocated for.
    pub sizes: Sizes,
    /// Position per slot (`vec2<f32>`).
    pub pos: wgpu::Buffer,
    /// Velocity per slot.
    pub vel: wgpu::Buffer,
    /// Energy per slot.
    pub energy: wgpu::Buffer,
    /// Age per slot.
    pub age: wgpu::Buffer,
    /// Tribe (low 16 bits) and flags per slot.
    pub tribe_flags: wgpu::Buffer,
    /// Id per slot.
    pub ids: wgpu::Buffer,
    /// Packed genes per slot, words 0–3 (`vec4<u32>`; see
    /// [`super::views::GENES_A`]).
    pub genes_a: wgpu::Buffer,
    /// Packed genes per slot, word 4.
    pub genes_b: wgpu::Buffer,
    /// Biome code per terrain cell, one byte a cell, four a word.
    pub terrain: wgpu::Buffer,
    /// The terrain cell under each food cell: the terrain column under each
    /// food column, then the first terrain cell of the row under each food
    /// row ([`crate::model::food::Food::terrain_map`]). A food cell's
    /// capacity is its terrain code's, by the step uniform's capacity per
    /// biome: never stored per cell.
    pub food_map: wgpu::Buffer,
    /// Food per cell in whole quanta, 16 bits a cell, two cells a word
    /// ([`crate::model::quanta`]).
    pub food_amount: wgpu::Buffer,
    /// Regrowth cooldown per cell: the ticks left, 8 or 16 bits a cell
    /// ([`Sizes::cooldown_bits`]), four or two cells a word, little-endian
    /// ([`crate::model::food::Cooldowns::as_bytes`]).
    pub food_cooldown: wgpu::Buffer,
    /// Counts, then exclusive offsets per hash cell (cells + 1).
    pub offsets: wgpu::Buffer,
    /// Living slots in cell order, ascending id inside a cell.
    pub sorted: wgpu::Buffer,
    /// Their positions (8 bytes per slot; after steer, the entity event list:
    /// see [`Self::entity_events`]).
    pub sorted_pos: wgpu::Buffer,
    /// What steer reads of each neighbour, in cell order (16 bytes per slot,
    /// `GpuInfo`); outside steer it holds the hash's unsorted slots, the food
    /// cell per slot and the attack list (see the accessors below).
    pub info: wgpu::Buffer,
    /// Steering results per slot: the intent word (attack target and
    /// behaviour: see `steer_io.wgsl`; the acceleration goes to `integrate`
    /// through the slot's `vel`). During the hash it holds the cell of each
    /// slot (see [`Self::cell_of`]).
    pub steer_out: wgpu::Buffer,
    /// Food eaten this tick (fixed point, lo/hi).
    pub eaten: wgpu::Buffer,
    /// Region column boundaries.
    pub xs: wgpu::Buffer,
    /// Region row boundaries.
    pub ys: wgpu::Buffer,
    /// Owning region per slot: last tick's until `region_of` replaces it
    /// (which is how it counts migrations).
    pub owner: wgpu::Buffer,
    /// Living entities per region.
    pub region_pop: wgpu::Buffer,
    /// Migrations into each region this tick.
    pub region_mig: wgpu::Buffer,
    /// Living entities per region and position bin on rebalance ticks:
    /// `regions × REBALANCE_BINS` along x, then as many along y.
    pub region_hist: wgpu::Buffer,
    /// Event counts: attacks, candidates, deaths.
    pub counts: wgpu::Buffer,
    /// Fixed-point statistics per tribe.
    pub stats_out: wgpu::Buffer,
    /// Uniform of the hash passes.
    pub grid_u: wgpu::Buffer,
    /// Uniform of integrate, feed and food_regrow.
    pub step_u: wgpu::Buffer,
    /// Uniform of steer.
    pub steer_u: wgpu::Buffer,
    /// Uniform of the gathers.
    pub gather_u: wgpu::Buffer,
    /// Uniform of reorder.
    pub reorder_u: wgpu::Buffer,
    /// Uniform of emit_events.
    pub emit_u: wgpu::Buffer,
    /// Uniform of region_of.
    pub region_u: wgpu::Buffer,
    /// Uniform of participants.
    pub participants_u: wgpu::Buffer,
    /// Uniform of write_back.
    pub write_u: wgpu::Buffer,
    /// Uniform of stats.
    pub stats_u: wgpu::Buffer,
}

fn uniform<T: WgslStruct>(ctx: &GpuContext, label: &str) -> wgpu::Buffer {
    ctx.device
        .create_buffer_init(&wgpu::util::BufferInitDescriptor {
            label: Some(label),
            contents: &vec![0; T::min_size().get() as usize],
            usage: wgpu::BufferUsages::UNIFORM | wgpu::BufferUsages::COPY_DST,
        })
}

impl Buffers {
    /// Allocates every buffer (contents zero; uniforms zero).
    pub fn new(ctx: &GpuContext, sizes: Sizes) -> Result<Self, GpuError> {
        let n = sizes.capacity as u64;
        let cells = sizes.hash.len() as u64;
        let food = sizes.food_cells as u64;
        let regions = (sizes.region_rows * sizes.region_cols) as u64;
        let s = |label: &str, bytes: u64| ctx.storage(label, bytes, wgpu::BufferUsages::empty());
        let [
            pos,
            vel,
            energy,
            age,
            tribe_flags,
            ids,
            genes_a,
            genes_b,
            owner,
            sorted,
            sorted_pos,
            info,
            steer_out,
        ] = slot_buffers(ctx, n)?;
        Ok(Self {
            sizes,
            pos,
            vel,
            energy,
            age,
            tribe_flags,
            ids,
            genes_a,
            genes_b,
            terrain: s(
                "sim.terrain",
                (sizes.terrain_cells as u64).next_multiple_of(4),
            )?,
            food_map: s(
                "sim.food.terrain_map",
                (sizes.food_cols + sizes.food_rows) as u64 * 4,
            )?,
            // Padded to whole vec4s for food_regrow (the padding never grows).
            food_amount: s("sim.food.amount", food.next_multiple_of(4) * 2)?,
            food_cooldown: s(
                "sim.food.cooldown",
                food.next_multiple_of(4) * sizes.cooldown_bits as u64 / 8,
            )?,
            offsets: s("sim.hash.offsets", (cells + 1) * 4)?,
            sorted,
            sorted_pos,
            info,
            steer_out,
            eaten: s("sim.stats.food_eaten", 8)?,
            xs: s("sim.regions.xs", (sizes.region_cols as u64 + 1) * 4)?,
            ys: s("sim.regions.ys", (sizes.region_rows as u64 + 1) * 4)?,
            owner,
            region_pop: s("sim.regions.population", regions * 4)?,
            region_mig: s("sim.regions.migrations", regions * 4)?,
            region_hist: s(
                "sim.regions.histograms",
                2 * regions * crate::regions::grid::REBALANCE_BINS as u64 * 4,
            )?,
            counts: s("sim.events.counts", 16)?,
            stats_out: s(
                "sim.stats.tribes",
                sizes.tribes.max(1) as u64 * STATS_STRIDE as u64 * 4,
            )?,
            grid_u: uniform::<GridUniform>(ctx, "sim.hash.uniform"),
            step_u: uniform::<StepUniform>(ctx, "sim.step.uniform"),
            steer_u: uniform::<SteerUniform>(ctx, "sim.steer.uniform"),
            gather_u: uniform::<GatherUniform>(ctx, "sim.gather.uniform"),
            reorder_u: uniform::<GatherUniform>(ctx, "sim.reorder.uniform"),
            emit_u: uniform::<EmitUniform>(ctx, "sim.emit.uniform"),
            region_u: uniform::<RegionUniform>(ctx, "sim.regions.uniform"),
            participants_u: uniform::<ParticipantsUniform>(ctx, "sim.participants.uniform"),
            write_u: uniform::<WriteBackUniform>(ctx, "sim.write_back.uniform"),
            stats_u: uniform::<StatsUniform>(ctx, "sim.stats.uniform"),
        })
    }

    /// Bytes of every buffer here (storage and uniforms): the per-slot
    /// buffers, the hash and world grids, and the rest.
    pub fn total_bytes(&self) -> u64 {
        let rest = [
            &self.eaten,
            &self.xs,
            &self.ys,
            &self.region_pop,
            &self.region_mig,
            &self.region_hist,
            &self.counts,
            &self.stats_out,
            &self.grid_u,
            &self.step_u,
            &self.steer_u,
            &self.gather_u,
            &self.reorder_u,
            &self.emit_u,
            &self.region_u,
            &self.participants_u,
            &self.write_u,
            &self.stats_u,
        ];
        self.slot_bytes()
            + self.hash_grid_bytes()
            + self.world_grid_bytes()
            + rest.iter().map(|b| b.size()).sum::<u64>()
    }

    /// Bytes of the buffers that grow with the slots held (the state, the
    /// hash's per-slot arrays and every pass's scratch):
    /// [`Self::BYTES_PER_ENTITY`] per slot.
    pub fn slot_bytes(&self) -> u64 {
        [
            &self.pos,
            &self.vel,
            &self.energy,
            &self.age,
            &self.tribe_flags,
            &self.ids,
            &self.genes_a,
            &self.genes_b,
            &self.owner,
            &self.sorted,
            &self.sorted_pos,
            &self.info,
            &self.steer_out,
        ]
        .iter()
        .map(|b| b.size())
        .sum()
    }

    /// Bytes of the hash grid's per-cell buffer (the offsets).
    pub fn hash_grid_bytes(&self) -> u64 {
        self.offsets.size()
    }

    /// Bytes of the world's grids: terrain, the food cells' terrain map,
    /// and food amount and cooldown per cell.
    pub fn world_grid_bytes(&self) -> u64 {
        [
            &self.terrain,
            &self.food_map,
            &self.food_amount,
            &self.food_cooldown,
        ]
        .iter()
        .map(|b| b.size())
        .sum()
    }

    /// Bytes of storage per entity slot, everything that grows with the
    /// capacity: the state, the hash and the scratch of every pass (the
    /// per-cell, per-region and per-tribe buffers and the readback staging
    /// come on top). Scratch is shared between passes that never run at the
    /// same time, so this is the whole per-slot footprint (ARCHITECTURE.md,
    /// Memory and scale: at most 96).
    pub const BYTES_PER_ENTITY: u64 = 52 // pos, vel, energy, age, flags, id, genes
        + 4 // owner
        + 12 // hash: sorted slot and sorted position
        + 16 // steer: neighbour info (and the hash's, feed's and events' scratch)
        + 4; // steer results: intent and behaviour (the acceleration in vel)

    /// The hash's cell of each slot, held in [`Self::steer_out`] (free
    /// until steer writes it).
    pub fn cell_of(&self) -> &wgpu::Buffer {
        &self.steer_out
    }

    /// The hash's arrival rank of each slot in its cell, held in
    /// [`Self::sorted`] (free until the hash's `rank` writes it).
    pub fn arrival(&self) -> &wgpu::Buffer {
        &self.sorted
    }

    /// The hash's slots in arrival order per cell, held in [`Self::info`]
    /// (free until the gather writes it).
    pub fn unsorted(&self) -> &wgpu::Buffer {
        &self.info
    }

    /// Feed's scratch, held in [`Self::info`] (free after steer): each
    /// slot's entry in the grazer table (words `0..slots`), then the table
    /// (two words an entry, 1.5 entries a slot:
    /// [`super::layout::StepUniform::with_table`]).
    pub fn feed_scratch(&self) -> &wgpu::Buffer {
        &self.info
    }

    /// The attack list, `[target id, attacker id, target slot, attacker
    /// slot]` per attack, held in [`Self::info`] (free after steer; feed's
    /// scratch is done with by then).
    pub fn attacks(&self) -> &wgpu::Buffer {
        &self.info
    }

    /// The reproduction candidates (front) and deaths (back) as `[id, slot |
    /// cause << 31]`, held in [`Self::sorted_pos`] (free after steer).
    pub fn entity_events(&self) -> &wgpu::Buffer {
        &self.sorted_pos
    }
}

/// Runs `record` in one compute pass of its own encoder and submits it.
pub fn submit(ctx: &GpuContext, label: &str, record: impl FnOnce(&mut wgpu::ComputePass<'_>)) {
    let mut enc = ctx
        .device
        .create_command_encoder(&wgpu::CommandEncoderDescriptor { label: Some(label) });
    {
        let mut pass = enc.begin_compute_pass(&wgpu::ComputePassDescriptor {
            label: Some(label),
            timestamp_writes: None,
        });
        record(&mut pass);
    }
    ctx.queue.submit([enc.finish()]);
}

impl Sizes {
    /// The sizes for a world with parameters `p`, `terrain_cells` terrain
    /// cells, `capacity` slots, a `rows × cols` region grid and `tribes` tribes.
    pub fn new(
        p: &crate::model::params::SimParams,
        terrain_cells: usize,
        capacity: usize,
        (rows, cols): (u32, u32),
        tribes: u32,
    ) -> Self {
        let food = Grid::new(p.world.width, p.world.height, p.food.cell_size);
        let ticks = crate::model::food::Countdown::capped(p.food.cooldown, p.world.dt).ticks();
        Self {
            capacity: capacity as u32,
            hash: Grid::new(p.world.width, p.world.height, p.hash.cell_size),
            food_cells: food.len() as u32,
            food_cols: food.cols,
            food_rows: food.rows,
            cooldown_bits: crate::model::food::cooldown_bits(ticks),
            terrain_cells: terrain_cells as u32,
            region_rows: rows,
            region_cols: cols,
            tribes,
        }
    }

    /// The food grid in vec4s (four cells each; the food buffers are padded
    /// to whole vec4s): `food_regrow`'s invocations.
    pub fn food_quads(&self) -> u32 {
        self.food_cells.div_ceil(4)
    }
}
