//! Uniform layouts, declared once here; `tests/gpu_layout.rs` checks the WGSL
//! structs of the same names against these sizes and offsets with naga.

use bytemuck::{Pod, Zeroable};

use crate::model::grid::Grid;

/// A grid and an item count (`GridUniform` in `shaders/common/grid.wgsl`).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Pod, Zeroable)]
pub struct GridUniform {
    /// Items (entity slots) to process.
    pub n: u32,
    /// Columns.
    pub cols: u32,
    /// Rows.
    pub rows: u32,
    /// `cols × rows`.
    pub cells: u32,
    /// 1 / cell width.
    pub inv_w: f32,
    /// 1 / cell height.
    pub inv_h: f32,
    /// Padding to 16 bytes.
    pub _pad0: u32,
    /// Padding to 16 bytes.
    pub _pad1: u32,
}
const _: () = assert!(std::mem::size_of::<GridUniform>() == 32);

impl GridUniform {
    /// The uniform for `n` items over `grid`.
    pub fn new(grid: &Grid, n: u32) -> Self {
        Self {
            n,
            cols: grid.cols,
            rows: grid.rows,
            cells: grid.cols * grid.rows,
            inv_w: grid.inv_w,
            inv_h: grid.inv_h,
            _pad0: 0,
            _pad1: 0,
        }
    }
}

/// One scan level's length (`ScanUniform` in `shaders/hash_scan.wgsl`).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Pod, Zeroable)]
pub struct ScanUniform {
    /// Elements.
    pub n: u32,
    /// Padding.
    pub _pad: [u32; 3],
}
const _: () = assert!(std::mem::size_of::<ScanUniform>() == 16);

/// One RNG test input (`RngInput` in `shaders/rng_check.wgsl`).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Pod, Zeroable)]
pub struct RngInput {
    /// Seed, low word.
    pub seed_lo: u32,
    /// Seed, high word.
    pub seed_hi: u32,
    /// Tick.
    pub tick: u32,
    /// Id.
    pub id: u32,
    /// Stream.
    pub stream: u32,
    /// Padding.
    pub _pad: [u32; 3],
}
const _: () = assert!(std::mem::size_of::<RngInput>() == 32);

/// The per-tick parameters of the entity passes (`StepUniform` in
/// `shaders/common/step.wgsl`).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Pod, Zeroable)]
pub struct StepUniform {
    /// Entity slots to process.
    pub n: u32,
    /// Terrain columns.
    pub terrain_cols: u32,
    /// Terrain rows.
    pub terrain_rows: u32,
    /// Food cells.
    pub food_cells: u32,
    /// World width (wu).
    pub world_w: f32,
    /// World height (wu).
    pub world_h: f32,
    /// Tick length (s).
    pub dt: f32,
    /// `energy.basal`.
    pub basal: f32,
    /// `energy.move_cost`.
    pub move_cost: f32,
    /// 1 / terrain cell width.
    pub terrain_inv_w: f32,
    /// 1 / terrain cell height.
    pub terrain_inv_h: f32,
    /// `food.regrow_rate`.
    pub regrow_rate: f32,
    /// `food.seed_fraction`.
    pub seed_fraction: f32,
    /// Food columns.
    pub food_cols: u32,
    /// Food rows.
    pub food_rows: u32,
    /// 1 / food cell width.
    pub food_inv_w: f32,
    /// 1 / food cell height.
    pub food_inv_h: f32,
    /// `food.bite`.
    pub bite: f32,
    /// `food.energy_per_unit`.
    pub energy_per_unit: f32,
    /// `energy.max`.
    pub energy_max: f32,
    /// `food.graze_diet`.
    pub graze_diet: f32,
    /// `food.cooldown`.
    pub food_cooldown: f32,
    /// Padding.
    pub _pad: [u32; 2],
}
const _: () = assert!(std::mem::size_of::<StepUniform>() == 96);

impl StepUniform {
    /// The uniform for `n` slots.
    pub fn new(p: &crate::model::params::SimParams, terrain: &Grid, food: &Grid, n: u32) -> Self {
        Self {
            n,
            terrain_cols: terrain.cols,
            terrain_rows: terrain.rows,
            food_cells: food.cols * food.rows,
            world_w: p.world.width,
            world_h: p.world.height,
            dt: p.world.dt,
            basal: p.energy.basal,
            move_cost: p.energy.move_cost,
            terrain_inv_w: terrain.inv_w,
            terrain_inv_h: terrain.inv_h,
            regrow_rate: p.food.regrow_rate,
            seed_fraction: p.food.seed_fraction,
            food_cols: food.cols,
            food_rows: food.rows,
            food_inv_w: food.inv_w,
            food_inv_h: food.inv_h,
            bite: p.food.bite,
            energy_per_unit: p.food.energy_per_unit,
            energy_max: p.energy.max,
            graze_diet: p.food.graze_diet,
            food_cooldown: p.food.cooldown,
            _pad: [0; 2],
        }
    }
}

/// A Rust-declared layout: WGSL struct name, size, field offsets by name.
pub type Declared = (&'static str, usize, Vec<(&'static str, usize)>);

/// Every Rust-declared layout.
pub fn declared() -> Vec<Declared> {
    use std::mem::{offset_of, size_of};
    vec![
        (
            "GridUniform",
            size_of::<GridUniform>(),
            vec![
                ("n", offset_of!(GridUniform, n)),
                ("cols", offset_of!(GridUniform, cols)),
                ("rows", offset_of!(GridUniform, rows)),
                ("cells", offset_of!(GridUniform, cells)),
                ("inv_w", offset_of!(GridUniform, inv_w)),
                ("inv_h", offset_of!(GridUniform, inv_h)),
            ],
        ),
        (
            "ScanUniform",
            size_of::<ScanUniform>(),
            vec![("n", offset_of!(ScanUniform, n))],
        ),
        (
            "SteerUniform",
            size_of::<SteerUniform>(),
            vec![
                ("n", offset_of!(SteerUniform, n)),
                ("max_neighbors", offset_of!(SteerUniform, max_neighbors)),
                ("tick", offset_of!(SteerUniform, tick)),
                ("seed_lo", offset_of!(SteerUniform, seed_lo)),
                ("hash_cols", offset_of!(SteerUniform, hash_cols)),
                ("hash_inv_w", offset_of!(SteerUniform, hash_inv_w)),
                ("world_w", offset_of!(SteerUniform, world_w)),
                ("hungry_energy", offset_of!(SteerUniform, hungry_energy)),
                ("reach", offset_of!(SteerUniform, reach)),
                ("food_cols", offset_of!(SteerUniform, food_cols)),
                ("terrain_cols", offset_of!(SteerUniform, terrain_cols)),
                ("personal_space", offset_of!(SteerUniform, personal_space)),
                ("flee", offset_of!(SteerUniform, flee)),
                ("terrain", offset_of!(SteerUniform, terrain)),
                ("max_accel", offset_of!(SteerUniform, max_accel)),
            ],
        ),
        (
            "Info",
            size_of::<GpuInfo>(),
            vec![
                ("vel", offset_of!(GpuInfo, vel)),
                ("energy", offset_of!(GpuInfo, energy)),
                ("diet_tribe", offset_of!(GpuInfo, diet_tribe)),
            ],
        ),
        (
            "EmitUniform",
            size_of::<EmitUniform>(),
            vec![
                ("n", offset_of!(EmitUniform, n)),
                ("tick", offset_of!(EmitUniform, tick)),
                ("seed_lo", offset_of!(EmitUniform, seed_lo)),
                ("seed_hi", offset_of!(EmitUniform, seed_hi)),
                ("dt", offset_of!(EmitUniform, dt)),
                ("lifespan", offset_of!(EmitUniform, lifespan)),
                ("maturity", offset_of!(EmitUniform, maturity)),
                ("repro_threshold", offset_of!(EmitUniform, repro_threshold)),
            ],
        ),
        (
            "GatherUniform",
            size_of::<GatherUniform>(),
            vec![
                ("n", offset_of!(GatherUniform, n)),
                ("capacity", offset_of!(GatherUniform, capacity)),
            ],
        ),
        (
            "ReorderUniform",
            size_of::<GatherUniform>(),
            vec![
                ("n", offset_of!(GatherUniform, n)),
                ("capacity", offset_of!(GatherUniform, capacity)),
            ],
        ),
        (
            "RegionUniform",
            size_of::<RegionUniform>(),
            vec![
                ("n", offset_of!(RegionUniform, n)),
                ("rows", offset_of!(RegionUniform, rows)),
                ("cols", offset_of!(RegionUniform, cols)),
                ("forget", offset_of!(RegionUniform, forget)),
            ],
        ),
        (
            "SnapshotUniform",
            size_of::<SnapshotUniform>(),
            vec![
                ("attacks", offset_of!(SnapshotUniform, attacks)),
                ("repro", offset_of!(SnapshotUniform, repro)),
                ("deaths", offset_of!(SnapshotUniform, deaths)),
                ("n", offset_of!(SnapshotUniform, n)),
            ],
        ),
        (
            "SnapRecord",
            size_of::<SnapRecord>(),
            vec![
                ("slot", offset_of!(SnapRecord, slot)),
                ("id", offset_of!(SnapRecord, id)),
                ("tribe_flags", offset_of!(SnapRecord, tribe_flags)),
                ("owner", offset_of!(SnapRecord, owner)),
                ("pos", offset_of!(SnapRecord, pos)),
                ("energy", offset_of!(SnapRecord, energy)),
                ("genes", offset_of!(SnapRecord, genes)),
            ],
        ),
        (
            "WriteBackUniform",
            size_of::<WriteBackUniform>(),
            vec![("n", offset_of!(WriteBackUniform, n))],
        ),
        (
            "WriteRecord",
            size_of::<WriteRecord>(),
            vec![
                ("slot", offset_of!(WriteRecord, slot)),
                ("id", offset_of!(WriteRecord, id)),
                ("tribe_flags", offset_of!(WriteRecord, tribe_flags)),
                ("owner", offset_of!(WriteRecord, owner)),
                ("pos", offset_of!(WriteRecord, pos)),
                ("vel", offset_of!(WriteRecord, vel)),
                ("energy", offset_of!(WriteRecord, energy)),
                ("age", offset_of!(WriteRecord, age)),
                ("full", offset_of!(WriteRecord, full)),
                ("genes", offset_of!(WriteRecord, genes)),
            ],
        ),
        (
            "ViewUniform",
            size_of::<ViewUniform>(),
            vec![
                ("center", offset_of!(ViewUniform, center)),
                ("scale", offset_of!(ViewUniform, scale)),
                ("world", offset_of!(ViewUniform, world)),
                ("viewport", offset_of!(ViewUniform, viewport)),
                ("tiles_x", offset_of!(ViewUniform, tiles_x)),
                ("tiles_y", offset_of!(ViewUniform, tiles_y)),
                ("capacity", offset_of!(ViewUniform, capacity)),
                ("mode", offset_of!(ViewUniform, mode)),
                ("selected", offset_of!(ViewUniform, selected)),
                ("size", offset_of!(ViewUniform, size)),
                ("energy_max", offset_of!(ViewUniform, energy_max)),
                ("lifespan", offset_of!(ViewUniform, lifespan)),
                ("show_terrain", offset_of!(ViewUniform, show_terrain)),
                ("terrain_cols", offset_of!(ViewUniform, terrain_cols)),
                ("food_rows", offset_of!(ViewUniform, food_rows)),
                ("show_food", offset_of!(ViewUniform, show_food)),
                ("food_max", offset_of!(ViewUniform, food_max)),
                ("tribe_colors", offset_of!(ViewUniform, tribe_colors)),
            ],
        ),
        (
            "StatsUniform",
            size_of::<StatsUniform>(),
            vec![
                ("n", offset_of!(StatsUniform, n)),
                ("tribes", offset_of!(StatsUniform, tribes)),
            ],
        ),
        (
            "RngInput",
            size_of::<RngInput>(),
            vec![
                ("seed_lo", offset_of!(RngInput, seed_lo)),
                ("seed_hi", offset_of!(RngInput, seed_hi)),
                ("tick", offset_of!(RngInput, tick)),
                ("id", offset_of!(RngInput, id)),
                ("stream", offset_of!(RngInput, stream)),
            ],
        ),
    ]
}

/// Everything `steer` reads that is not per entity (`SteerUniform` in `shaders/steer.wgsl`).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Pod, Zeroable)]
pub struct SteerUniform {
    /// Living entities (invocations).
    pub n: u32,
    /// `hash.max_neighbors`.
    pub max_neighbors: u32,
    /// `steering.food_samples`.
    pub food_samples: u32,
    /// Tick.
    pub tick: u32,
    /// Seed, low word.
    pub seed_lo: u32,
    /// Seed, high word.
    pub seed_hi: u32,
    /// Hash columns.
    pub hash_cols: u32,
    /// Hash rows.
    pub hash_rows: u32,
    /// 1 / hash cell width.
    pub hash_inv_w: f32,
    /// 1 / hash cell height.
    pub hash_inv_h: f32,
    /// Hash cell width.
    pub hash_cell_w: f32,
    /// Hash cell height.
    pub hash_cell_h: f32,
    /// World width.
    pub world_w: f32,
    /// World height.
    pub world_h: f32,
    /// Tick length.
    pub dt: f32,
    /// `energy.max`.
    pub energy_max: f32,
    /// `energy.hungry × energy.max`.
    pub hungry_energy: f32,
    /// `combat.hunt_diet`.
    pub hunt_diet: f32,
    /// `combat.flee_diet`.
    pub flee_diet: f32,
    /// `combat.hunt_vision`.
    pub hunt_vision: f32,
    /// `combat.reach`.
    pub reach: f32,
    /// `combat.fight_probability`.
    pub fight_probability: f32,
    /// `food.graze_diet`.
    pub graze_diet: f32,
    /// `food.capacity`.
    pub food_capacity: f32,
    /// Food columns.
    pub food_cols: u32,
    /// Food rows.
    pub food_rows: u32,
    /// 1 / food cell width.
    pub food_inv_w: f32,
    /// 1 / food cell height.
    pub food_inv_h: f32,
    /// Terrain columns.
    pub terrain_cols: u32,
    /// Terrain rows.
    pub terrain_rows: u32,
    /// 1 / terrain cell width.
    pub terrain_inv_w: f32,
    /// 1 / terrain cell height.
    pub terrain_inv_h: f32,
    /// `steering.personal_space`.
    pub personal_space: f32,
    /// `steering.separation`.
    pub separation: f32,
    /// `steering.alignment`.
    pub alignment: f32,
    /// `steering.cohesion`.
    pub cohesion: f32,
    /// `steering.flee`.
    pub flee: f32,
    /// `steering.hunt`.
    pub hunt: f32,
    /// `steering.food`.
    pub food: f32,
    /// `steering.wander`.
    pub wander: f32,
    /// `steering.terrain`.
    pub terrain: f32,
    /// `steering.lookahead`.
    pub lookahead: f32,
    /// `steering.max_accel`.
    pub max_accel: f32,
    /// Padding.
    pub _pad0: u32,
}
const _: () = assert!(std::mem::size_of::<SteerUniform>() == 176);

impl SteerUniform {
    /// The uniform for `n` living entities at `tick`.
    pub fn new(
        p: &crate::model::params::SimParams,
        grids: [&Grid; 3],
        seed: u64,
        tick: u32,
        n: u32,
    ) -> Self {
        let [hash, food, terrain] = grids;
        let s = &p.steering;
        Self {
            n,
            max_neighbors: p.hash.max_neighbors,
            food_samples: s.food_samples,
            tick,
            seed_lo: seed as u32,
            seed_hi: (seed >> 32) as u32,
            hash_cols: hash.cols,
            hash_rows: hash.rows,
            hash_inv_w: hash.inv_w,
            hash_inv_h: hash.inv_h,
            hash_cell_w: hash.cell_w,
            hash_cell_h: hash.cell_h,
            world_w: p.world.width,
            world_h: p.world.height,
            dt: p.world.dt,
            energy_max: p.energy.max,
            hungry_energy: p.energy.hungry * p.energy.max,
            hunt_diet: p.combat.hunt_diet,
            flee_diet: p.combat.flee_diet,
            hunt_vision: p.combat.hunt_vision,
            reach: p.combat.reach,
            fight_probability: p.combat.fight_probability,
            graze_diet: p.food.graze_diet,
            food_capacity: p.food.capacity,
            food_cols: food.cols,
            food_rows: food.rows,
            food_inv_w: food.inv_w,
            food_inv_h: food.inv_h,
            terrain_cols: terrain.cols,
            terrain_rows: terrain.rows,
            terrain_inv_w: terrain.inv_w,
            terrain_inv_h: terrain.inv_h,
            personal_space: s.personal_space,
            separation: s.separation,
            alignment: s.alignment,
            cohesion: s.cohesion,
            flee: s.flee,
            hunt: s.hunt,
            food: s.food,
            wander: s.wander,
            terrain: s.terrain,
            lookahead: s.lookahead,
            max_accel: s.max_accel,
            _pad0: 0,
        }
    }
}

/// A neighbour's data in cell order, as `steer.wgsl` reads it (`Info`):
/// 16 bytes, the diet gene's 16-bit code and the tribe packed in one word.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Pod, Zeroable)]
pub struct GpuInfo {
    /// Velocity.
    pub vel: [f32; 2],
    /// Energy.
    pub energy: f32,
    /// Diet gene code (high 16 bits) and tribe (low 16 bits).
    pub diet_tribe: u32,
}
const _: () = assert!(std::mem::size_of::<GpuInfo>() == 16);

/// The intent word of a slot that attacks nobody (`INTENT_NONE` in
/// `steer_io.wgsl`): all ones in the low 30 bits.
pub const INTENT_NONE: u32 = 0x3fff_ffff;

/// Packs an attack target (a slot, or `cpu::NONE`) and a behaviour code into
/// the per-slot intent word: the target in the low 30 bits, the behaviour in
/// the top two (capacities stay below 2^27).
pub fn pack_intent(intent: u32, mode: u32) -> u32 {
    let t = if intent == crate::cpu::NONE {
        INTENT_NONE
    } else {
        intent & INTENT_NONE
    };
    (mode << 30) | t
}

/// Words per slot in the steering results (`STEER_WORDS`): acceleration x
/// and y (bit patterns) and the intent word.
pub const STEER_WORDS: usize = 3;

/// A steering result per slot, as decoded from the `steer_out` buffer.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Pod, Zeroable)]
pub struct GpuSteerOut {
    /// Acceleration.
    pub acc: [f32; 2],
    /// Attack target slot or `cpu::NONE`.
    pub intent: u32,
    /// Behaviour (`cpu::Mode` as u32).
    pub mode: u32,
}

impl GpuSteerOut {
    /// Decodes one slot's words.
    pub fn decode(w: &[u32]) -> Self {
        let t = w[2] & INTENT_NONE;
        Self {
            acc: [f32::from_bits(w[0]), f32::from_bits(w[1])],
            intent: if t == INTENT_NONE {
                crate::cpu::NONE
            } else {
                t
            },
            mode: w[2] >> 30,
        }
    }

    /// Decodes the results of every slot.
    pub fn decode_all(words: &[u32]) -> Vec<Self> {
        words.chunks_exact(STEER_WORDS).map(Self::decode).collect()
    }

    /// The slot's words.
    pub fn encode(&self) -> [u32; STEER_WORDS] {
        [
            self.acc[0].to_bits(),
            self.acc[1].to_bits(),
            pack_intent(self.intent, self.mode),
        ]
    }
}

/// The parameters of `emit_events` (`EmitUniform` in `shaders/emit_events.wgsl`).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Pod, Zeroable)]
pub struct EmitUniform {
    /// Entity slots.
    pub n: u32,
    /// Tick.
    pub tick: u32,
    /// Seed, low word.
    pub seed_lo: u32,
    /// Seed, high word.
    pub seed_hi: u32,
    /// Tick length.
    pub dt: f32,
    /// `energy.lifespan`.
    pub lifespan: f32,
    /// `energy.maturity`.
    pub maturity: f32,
    /// `energy.repro_threshold`.
    pub repro_threshold: f32,
}
const _: () = assert!(std::mem::size_of::<EmitUniform>() == 32);

/// Counts for the gathers and the reorder (`GatherUniform` in
/// `shaders/gather.wgsl`, `ReorderUniform` in `shaders/reorder.wgsl`).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Pod, Zeroable)]
pub struct GatherUniform {
    /// Living entities (cell-ordered items).
    pub n: u32,
    /// Entity slots.
    pub capacity: u32,
    /// Padding.
    pub _pad: [u32; 2],
}
const _: () = assert!(std::mem::size_of::<GatherUniform>() == 16);

/// The region grid's shape (`RegionUniform` in `shaders/region_of.wgsl`).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Pod, Zeroable)]
pub struct RegionUniform {
    /// Entity slots.
    pub n: u32,
    /// Region rows.
    pub rows: u32,
    /// Region columns.
    pub cols: u32,
    /// 1: the previous owners are forgotten (slots were renumbered).
    pub forget: u32,
}
const _: () = assert!(std::mem::size_of::<RegionUniform>() == 16);

/// Counts of this tick's event lists (`SnapshotUniform` in `shaders/snapshot.wgsl`).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Pod, Zeroable)]
pub struct SnapshotUniform {
    /// Attacks.
    pub attacks: u32,
    /// Reproduction candidates.
    pub repro: u32,
    /// Deaths (starved, old age).
    pub deaths: u32,
    /// Slots `emit_events` ran over (deaths lie at the back of its list).
    pub n: u32,
}
const _: () = assert!(std::mem::size_of::<SnapshotUniform>() == 16);

/// What the region workers read of one entity (`SnapRecord` in `shaders/snapshot.wgsl`).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Pod, Zeroable)]
pub struct SnapRecord {
    /// Slot.
    pub slot: u32,
    /// Id.
    pub id: u32,
    /// Tribe and flags.
    pub tribe_flags: u32,
    /// Owning region this tick.
    pub owner: u32,
    /// Position (wu).
    pub pos: [f32; 2],
    /// Energy (e).
    pub energy: f32,
    /// Padding.
    pub _pad0: u32,
    /// Packed genes.
    pub genes: [u32; 5],
    /// Padding to 64 bytes.
    pub _pad1: [u32; 3],
}
const _: () = assert!(std::mem::size_of::<SnapRecord>() == 64);

/// Number of write-back records (`WriteBackUniform` in `shaders/write_back.wgsl`).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Pod, Zeroable)]
pub struct WriteBackUniform {
    /// Records.
    pub n: u32,
    /// Padding.
    pub _pad: [u32; 3],
}
const _: () = assert!(std::mem::size_of::<WriteBackUniform>() == 16);

/// One changed slot (`WriteRecord` in `shaders/write_back.wgsl`).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Pod, Zeroable)]
pub struct WriteRecord {
    /// Slot.
    pub slot: u32,
    /// Id (full records).
    pub id: u32,
    /// Tribe and flags.
    pub tribe_flags: u32,
    /// Owning region ([`crate::cpu::NONE`] when dead).
    pub owner: u32,
    /// Position (full records).
    pub pos: [f32; 2],
    /// Velocity (full records).
    pub vel: [f32; 2],
    /// Energy.
    pub energy: f32,
    /// Age (full records).
    pub age: f32,
    /// 1: every field is written (a newborn); 0: energy, flags and owner only.
    pub full: u32,
    /// Padding.
    pub _pad0: u32,
    /// Packed genes (full records).
    pub genes: [u32; 5],
    /// Padding to 80 bytes.
    pub _pad1: [u32; 3],
}
const _: () = assert!(std::mem::size_of::<WriteRecord>() == 80);

/// Items and tribes of the statistics pass (`StatsUniform` in `shaders/stats.wgsl`).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Pod, Zeroable)]
pub struct StatsUniform {
    /// Slots to scan.
    pub n: u32,
    /// Tribes.
    pub tribes: u32,
    /// Padding.
    pub _pad: [u32; 2],
}
const _: () = assert!(std::mem::size_of::<StatsUniform>() == 16);

/// Words per tribe in the statistics output (`STATS_STRIDE`).
pub const STATS_STRIDE: u32 = 201;
/// First word of the histograms in a tribe's statistics block (`STATS_HIST`).
pub const STATS_HIST: u32 = 57;
/// Fixed-point scale of the energy sum (`STATS_ENERGY_SCALE`).
pub const STATS_ENERGY_SCALE: f32 = 256.0;
/// Fixed-point scale of the food-eaten sum (`FOOD_FIXED` in `shaders/feed.wgsl`).
pub const FOOD_FIXED: f32 = 1_048_576.0;

/// Shader constants that must equal Rust values: (name, value).
pub fn declared_constants() -> Vec<(&'static str, f64)> {
    vec![
        ("STATS_STRIDE", STATS_STRIDE as f64),
        ("STATS_HIST", STATS_HIST as f64),
        ("STATS_ENERGY_SCALE", STATS_ENERGY_SCALE as f64),
        ("FOOD_FIXED", FOOD_FIXED as f64),
        ("SCAN_BLOCK", super::hash_scan::SCAN_BLOCK as f64),
        ("NONE", crate::cpu::NONE as f64),
        ("FLAG_ALIVE", crate::model::entities::FLAG_ALIVE as f64),
        ("GENE_DIET", crate::model::genes::Gene::Diet as u32 as f64),
        ("INTENT_NONE", INTENT_NONE as f64),
        ("STEER_WORDS", STEER_WORDS as f64),
    ]
}

/// The viewer's view of the world (`ViewUniform` in `shaders/render.wgsl`).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Pod, Zeroable)]
pub struct ViewUniform {
    /// World position at the centre of the screen (wu).
    pub center: [f32; 2],
    /// Clip-space units per world unit, x and y.
    pub scale: [f32; 2],
    /// World size (wu).
    pub world: [f32; 2],
    /// Target size (px).
    pub viewport: [f32; 2],
    /// Extra copies of the world drawn on each side along x (0 when the view
    /// is narrower than the world).
    pub tiles_x: u32,
    /// Entity slots.
    pub capacity: u32,
    /// Colour mode: 0 tribe, 1 diet, 2 energy, 3 age, 4 + k gene k.
    pub mode: u32,
    /// Slot drawn highlighted ([`crate::cpu::NONE`]: none).
    pub selected: u32,
    /// Creature length (wu).
    pub size: f32,
    /// Energy that maps to the top of the colour ramp.
    pub energy_max: f32,
    /// Age that maps to the top of the colour ramp (s).
    pub lifespan: f32,
    /// 1: draw the terrain.
    pub show_terrain: u32,
    /// Terrain columns.
    pub terrain_cols: u32,
    /// Terrain rows.
    pub terrain_rows: u32,
    /// Food columns.
    pub food_cols: u32,
    /// Food rows.
    pub food_rows: u32,
    /// 1: draw the food.
    pub show_food: u32,
    /// Food amount drawn brightest.
    pub food_max: f32,
    /// Extra copies of the world drawn on each side along y.
    pub tiles_y: u32,
    /// Vertices per creature: 3 (triangles) or 1 (points).
    pub corners: u32,
    /// Tribe colours, linear RGBA (tribes from 16 on share the last).
    pub tribe_colors: [[f32; 4]; 16],
}
const _: () = assert!(std::mem::size_of::<ViewUniform>() == 352);
