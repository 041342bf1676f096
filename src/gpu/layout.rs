//! Everything the shaders share with Rust, declared once here: the uniform
//! and record structs (with `wgsl_struct!`) and the constants. Their WGSL
//! text is generated ([`prelude`]) and prepended to every shader by
//! [`super::shaders::source`]; `tests/sim/shaders.rs` checks every field's offset
//! and size as encase writes it against naga's layout of that text.

use super::wgsl::{Const, Declared, WgslStruct, wgsl_struct};
use crate::model::grid::Grid;

wgsl_struct! {
    /// A grid and an item count (the hash passes' uniform).
    pub struct GridUniform in uniform {
        /// Items (entity slots) to process.
        pub n: u32,
        /// Grid columns (cells along x).
        pub cols: u32,
        /// Grid rows (cells along y).
        pub rows: u32,
        /// `cols × rows`.
        pub cells: u32,
        /// 1 / cell width.
        pub inv_w: f32,
        /// 1 / cell height.
        pub inv_h: f32,
    }
}

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
        }
    }
}

wgsl_struct! {
    /// One scan level's length (`hash_scan`).
    pub struct ScanUniform in uniform {
        /// Elements in this scan level.
        pub n: u32,
    }
}

wgsl_struct! {
    /// One RNG test input (`rng_check`).
    pub struct RngInput in storage {
        /// Seed, low word.
        pub seed_lo: u32,
        /// Seed, high word.
        pub seed_hi: u32,
        /// The tick input of `rng4`.
        pub tick: u32,
        /// The id input of `rng4` (an entity id or another counter).
        pub id: u32,
        /// The stream input of `rng4` (one constant per use).
        pub stream: u32,
    }
}

pub use super::steer::SteerUniform;
pub use super::step::StepUniform;

wgsl_struct! {
    /// A neighbour's data in cell order, as `steer` reads it: the diet gene's
    /// 16-bit code and the tribe packed in one word.
    pub struct GpuInfo in storage {
        /// The neighbour's velocity (wu/s).
        pub vel: [f32; 2],
        /// The neighbour's energy (e).
        pub energy: f32,
        /// Diet gene code (high 16 bits) and tribe (low 16 bits).
        pub diet_tribe: u32,
    }
}

pub use crate::common::{INTENT_NONE, pack_intent, unpack_intent};

/// Words per slot in the steering results: the intent word
/// (the acceleration goes to `integrate` through the slot's `vel`, which
/// steer does not read: it reads the gathered copy in `info`).
pub const STEER_WORDS: usize = 1;

/// A steering result per slot, as decoded from the GPU: the acceleration
/// (from `vel`, where steer leaves it for `integrate`) and the intent word
/// (from `steer_out`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GpuSteerOut {
    /// The steering acceleration (wu/s²).
    pub acc: [f32; 2],
    /// Attack target slot or `common::NONE`.
    pub intent: u32,
    /// Behaviour (`common::Mode` as u32).
    pub mode: u32,
}

impl GpuSteerOut {
    /// Decodes one slot's acceleration and intent word.
    pub fn decode(acc: [f32; 2], word: u32) -> Self {
        let (intent, mode) = unpack_intent(word);
        Self { acc, intent, mode }
    }

    /// The slot's intent word (what `steer_out` holds).
    pub fn intent_word(&self) -> u32 {
        pack_intent(self.intent, self.mode)
    }
}

wgsl_struct! {
    /// The parameters of `emit_events`.
    pub struct EmitUniform in uniform {
        /// Entity slots.
        pub n: u32,
        /// The tick being run (an input of the RNG).
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
}

wgsl_struct! {
    /// Counts for the gathers and the reorder.
    pub struct GatherUniform in uniform {
        /// Living entities (cell-ordered items).
        pub n: u32,
        /// Entity slots.
        pub capacity: u32,
    }
}

wgsl_struct! {
    /// The region grid's shape (`region_of`).
    pub struct RegionUniform in uniform {
        /// Entity slots.
        pub n: u32,
        /// Region rows.
        pub rows: u32,
        /// Region columns.
        pub cols: u32,
        /// 1: the previous owners are forgotten (slots were renumbered).
        pub forget: u32,
        /// Position bins per axis of the rebalancing histograms; 0: none
        /// this tick.
        pub bins: u32,
    }
}

wgsl_struct! {
    /// Counts of this tick's event lists (`participants`).
    pub struct ParticipantsUniform in uniform {
        /// Attacks in this tick's list.
        pub attacks: u32,
        /// Reproduction candidates.
        pub repro: u32,
        /// Deaths (starved, old age).
        pub deaths: u32,
        /// Slots `emit_events` ran over (deaths lie at the back of its list).
        pub n: u32,
    }
}

wgsl_struct! {
    /// What the region workers read of one entity an event names
    /// (`participants`).
    pub struct ParticipantRecord in storage {
        /// The entity's slot.
        pub slot: u32,
        /// The entity's id (stable, never reused).
        pub id: u32,
        /// Tribe and flags.
        pub tribe_flags: u32,
        /// Owning region this tick.
        pub owner: u32,
        /// Position (wu).
        pub pos: [f32; 2],
        /// Energy (e).
        pub energy: f32,
        /// Packed genes.
        pub genes: [u32; 5],
    }
}

wgsl_struct! {
    /// Number of write-back records (`write_back`).
    pub struct WriteBackUniform in uniform {
        /// Write-back records to apply.
        pub n: u32,
        /// The energy cap (`energy.max`): an energy change never lifts the
        /// energy above it.
        pub energy_max: f32,
    }
}

wgsl_struct! {
    /// One changed slot (`write_back`).
    pub struct WriteRecord in storage {
        /// The slot this record writes.
        pub slot: u32,
        /// Id (full records).
        pub id: u32,
        /// Tribe and flags.
        pub tribe_flags: u32,
        /// Owning region (full records).
        pub owner: u32,
        /// Position (full records).
        pub pos: [f32; 2],
        /// Velocity (full records).
        pub vel: [f32; 2],
        /// Energy (full records); the change of energy (partial records).
        pub energy: f32,
        /// Age (full records).
        pub age: f32,
        /// 1: every field is written (a newborn); 0: the energy change is
        /// added and the flags are set.
        pub full: u32,
        /// Packed genes (full records).
        pub genes: [u32; 5],
    }
}

wgsl_struct! {
    /// Items and tribes of the statistics pass (`stats`).
    pub struct StatsUniform in uniform {
        /// Slots to scan.
        pub n: u32,
        /// Tribes (one statistics block of `STATS_STRIDE` words each).
        pub tribes: u32,
    }
}

/// Words per tribe in the statistics output (`STATS_STRIDE`).
pub const STATS_STRIDE: u32 = 201;
/// First word of the histograms in a tribe's statistics block (`STATS_HIST`).
pub const STATS_HIST: u32 = 57;
/// Fixed-point scale of the energy sum (`STATS_ENERGY_SCALE`).
pub const STATS_ENERGY_SCALE: f32 = 256.0;
/// Fixed-point scale of the food-eaten sum (`FOOD_FIXED`).
pub const FOOD_FIXED: f32 = 1_048_576.0;

wgsl_struct! {
    /// The viewer's view of the world (`shaders/render.wgsl`).
    pub struct ViewUniform in uniform {
        /// World position at the centre of the screen (wu).
        pub center: glam::Vec2,
        /// Clip-space units per world unit, x and y.
        pub scale: glam::Vec2,
        /// World size (wu).
        pub world: glam::Vec2,
        /// Target size (px).
        pub viewport: glam::Vec2,
        /// Extra copies of the world drawn on each side along x (0 when the view
        /// is narrower than the world).
        pub tiles_x: u32,
        /// Entity slots.
        pub capacity: u32,
        /// Colour mode: 0 tribe, 1 diet, 2 energy, 3 age, 4 + k gene k,
        /// 13 species.
        pub mode: u32,
        /// Slot drawn highlighted ([`crate::common::NONE`]: none).
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
        /// Food drawn brightest, in food quanta (`food_at` reads a cell's
        /// whole quanta).
        pub food_max: f32,
        /// Extra copies of the world drawn on each side along y.
        pub tiles_y: u32,
        /// Vertices per creature: 3 (triangles) or 1 (points).
        pub corners: u32,
        /// Species tag drawn highlighted, the others dimmed
        /// ([`crate::common::NONE`]: none; see [`crate::species::tag`]).
        pub highlight: u32,
        /// Tribe colours, linear RGBA (tribes from 16 on share the last).
        pub tribe_colors: [glam::Vec4; 16],
    }
}

/// Every struct the shaders share with Rust, as Rust encodes it.
pub fn shared_structs() -> Vec<Declared> {
    vec![
        GridUniform::declared(),
        ScanUniform::declared(),
        RngInput::declared(),
        StepUniform::declared(),
        SteerUniform::declared(),
        GpuInfo::declared(),
        EmitUniform::declared(),
        GatherUniform::declared(),
        RegionUniform::declared(),
        ParticipantsUniform::declared(),
        ParticipantRecord::declared(),
        WriteBackUniform::declared(),
        WriteRecord::declared(),
        StatsUniform::declared(),
        ViewUniform::declared(),
    ]
}

/// Every constant the shaders share with Rust: (WGSL name, value).
pub fn shared_constants() -> Vec<(String, Const)> {
    use crate::common::Mode;
    use crate::model::genes::{GENE_NAMES, GENE_RANGES};
    use crate::model::rng::stream;
    let u = |n: &str, v: u32| (n.to_string(), Const::U32(v));
    let mut c = vec![
        u("NONE", crate::common::NONE),
        u("FLAG_ALIVE", crate::model::entities::FLAG_ALIVE),
        u("INTENT_NONE", INTENT_NONE),
        u("SCAN_BLOCK", super::hash_scan::SCAN_BLOCK),
        u("STATS_STRIDE", STATS_STRIDE),
        u("STATS_HIST", STATS_HIST),
        u("DEATH_OLD_AGE", super::emit_events::DEATH_OLD_AGE),
        u("STREAM_STEER", stream::STEER),
        u("STREAM_REPRODUCE", stream::REPRODUCE),
    ];
    for m in [Mode::Wander, Mode::Graze, Mode::Hunt, Mode::Flee] {
        c.push(u(&format!("MODE_{m:?}").to_uppercase(), m as u32));
    }
    for (k, name) in GENE_NAMES.iter().enumerate() {
        c.push(u(&format!("GENE_{}", name.to_uppercase()), k as u32));
    }
    c.extend([
        ("STATS_ENERGY_SCALE".into(), Const::F32(STATS_ENERGY_SCALE)),
        ("FOOD_FIXED".into(), Const::F32(FOOD_FIXED)),
        (
            "GENE_LO".into(),
            Const::F32s(GENE_RANGES.map(|r| r.0).to_vec()),
        ),
        (
            "GENE_HI".into(),
            Const::F32s(GENE_RANGES.map(|r| r.1).to_vec()),
        ),
        (
            "FOOD_SAMPLES".into(),
            Const::Vec3s(crate::model::food::FOOD_SAMPLES.to_vec()),
        ),
    ]);
    c
}

/// The WGSL text of every shared constant and struct: the head of every
/// shader source.
pub fn prelude() -> String {
    let mut s = String::from(
        "// Generated from src/gpu/layout.rs: the constants and structs shared with Rust.\n",
    );
    for (name, v) in shared_constants() {
        s += &v.wgsl(&name);
    }
    for d in shared_structs() {
        s += "\n";
        s += &d.wgsl();
    }
    s
}
