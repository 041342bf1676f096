//! How the shaders see the world's buffers ([`super::buffers::Buffers`]):
//! one WGSL name and type per buffer, declared once; each pass lists the
//! views it binds (its `KernelDecl`), and a pass that sees a buffer another
//! way (as vec4s, as atomics, under a second name) says so there.

use super::kernel::View;
use super::layout::{
    EmitUniform, GatherUniform, GridUniform, ParticipantsUniform, RegionUniform, StatsUniform,
    SteerUniform, StepUniform, WriteBackUniform,
};

/// The hash passes' uniform.
pub const GRID: View = View::uniform::<GridUniform>(|b| &b.grid_u);
/// The entity passes' uniform (`integrate`, `feed`, `food_regrow`).
pub const STEP: View = View::uniform::<StepUniform>(|b| &b.step_u);
/// `steer`'s uniform.
pub const STEER: View = View::uniform::<SteerUniform>(|b| &b.steer_u);
/// `gather`'s uniform.
pub const GATHER: View = View::uniform::<GatherUniform>(|b| &b.gather_u);
/// `reorder`'s uniform.
pub const REORDER: View = View::uniform::<GatherUniform>(|b| &b.reorder_u);
/// `emit_events`' uniform.
pub const EMIT: View = View::uniform::<EmitUniform>(|b| &b.emit_u);
/// `region_of`'s uniform.
pub const REGION: View = View::uniform::<RegionUniform>(|b| &b.region_u);
/// `participants`' uniform.
pub const PARTICIPANTS: View = View::uniform::<ParticipantsUniform>(|b| &b.participants_u);
/// `write_back`'s uniform.
pub const WRITE_BACK: View = View::uniform::<WriteBackUniform>(|b| &b.write_u);
/// `stats`' uniform.
pub const STATS: View = View::uniform::<StatsUniform>(|b| &b.stats_u);

/// Positions (wu).
pub const POS: View = View::of("pos", "array<vec2<f32>>", |b| &b.pos);
/// Velocities (wu/s).
pub const VEL: View = View::of("vel", "array<vec2<f32>>", |b| &b.vel);
/// Energy (e).
pub const ENERGY: View = View::of("energy", "array<f32>", |b| &b.energy);
/// Age (s).
pub const AGE: View = View::of("age", "array<f32>", |b| &b.age);
/// Tribe (low 16 bits) and flags.
pub const TRIBE_FLAGS: View = View::of("tribe_flags", "array<u32>", |b| &b.tribe_flags);
/// Entity ids (stable, never reused).
pub const IDS: View = View::of("ids", "array<u32>", |b| &b.ids);
/// Packed genes, words 0–3 of each slot. The five words of a
/// [`crate::model::genes::PackedGenes`] live in two buffers (16 and 4 bytes a
/// slot) so that genes outgrow `max_storage_buffer_binding_size` no sooner
/// than `info` (16 bytes a slot): 128 MiB holds 8M slots.
/// Shaders read and write whole genomes through [`LOAD_GENES`] and
/// [`STORE_GENES`].
pub const GENES_A: View = View::of("genes_a", "array<vec4<u32>>", |b| &b.genes_a);
/// Packed genes, word 4 of each slot (see [`GENES_A`]).
pub const GENES_B: View = View::of("genes_b", "array<u32>", |b| &b.genes_b);

/// WGSL declared with the bindings of a shader that binds [`GENES_B`]:
/// `load_genes(slot)`, the slot's genome from both buffers.
pub const LOAD_GENES: &str = "fn load_genes(i: u32) -> Genome {
    let a = genes_a[i];
    return Genome(array<u32, 5>(a.x, a.y, a.z, a.w, genes_b[i]));
}
";

/// WGSL declared with the bindings of a shader that writes [`GENES_B`]:
/// `store_genes(slot, genome)`.
pub const STORE_GENES: &str = "fn store_genes(i: u32, g: Genome) {
    genes_a[i] = vec4<u32>(g.w[0], g.w[1], g.w[2], g.w[3]);
    genes_b[i] = g.w[4];
}
";
/// Owning region per slot.
pub const OWNER: View = View::of("owner", "array<u32>", |b| &b.owner);
/// Biome code per terrain cell, one byte a cell, four a word (read with
/// `byte_at`).
pub const TERRAIN: View = View::of("terrain", "array<u32>", |b| &b.terrain);
/// Food per food cell in whole quanta, 16 bits a cell, two cells a word
/// (cell 2j in the low half).
pub const FOOD_AMOUNT: View = View::of("food_amount", "array<u32>", |b| &b.food_amount);
/// The terrain cell under each food cell's centre, as a column per food
/// column, then the first cell of a terrain row per food row
/// ([`crate::model::food::Food::terrain_map`]): with [`TERRAIN`] and the
/// step uniform's capacity per biome, a food cell's capacity.
pub const FOOD_MAP: View = View::of("food_map", "array<u32>", |b| &b.food_map);
/// Regrowth cooldown per food cell: ticks left, `cooldown_bits` (8 or 16)
/// a cell, packed little-endian into words.
pub const FOOD_COOLDOWN: View = View::of("food_cooldown", "array<u32>", |b| &b.food_cooldown);
/// Feed's scratch in [`super::buffers::Buffers::info`] (free after steer):
/// each slot's grazer-table entry, then the grazer table (see
/// `shaders/feed.wgsl`).
pub const FEED_SCRATCH: View = View::of("scratch", "array<atomic<u32>>", |b| b.feed_scratch());
/// Food eaten this tick in 1/`FOOD_FIXED` units, as a 64-bit lo/hi pair.
pub const EATEN: View = View::of("eaten", "array<atomic<u32>, 2>", |b| &b.eaten);

/// Hash cell of each slot (scratch; see [`super::buffers::Buffers::cell_of`]).
pub const CELL_OF: View = View::of("cell_of", "array<u32>", |b| b.cell_of());
/// Hash offsets (cells + 1; counts until scanned).
pub const OFFSETS: View = View::of("offsets", "array<u32>", |b| &b.offsets);
/// Each living slot's arrival rank in its hash cell, as `hash_count`'s
/// atomic count returned it: scratch in [`SORTED`] (free until `rank`
/// writes it; see [`super::buffers::Buffers::arrival`]).
pub const ARRIVAL: View = View::of("arrival", "array<u32>", |b| b.arrival());
/// Slots in cell order, in arrival order inside a cell (scratch).
pub const UNSORTED: View = View::of("unsorted", "array<u32>", |b| b.unsorted());
/// Living slots in cell order.
pub const SORTED: View = View::of("sorted", "array<u32>", |b| &b.sorted);
/// Their positions.
pub const SORTED_POS: View = View::of("sorted_pos", "array<vec2<f32>>", |b| &b.sorted_pos);
/// What steer reads of each neighbour, in cell order.
pub const INFO: View = View::of("info", "array<GpuInfo>", |b| &b.info);
/// Steering results per slot (`STEER_WORDS` words each).
pub const STEER_OUT: View = View::of("steer_out", "array<u32>", |b| &b.steer_out);

/// Lengths of the event lists (attacks, candidates, deaths).
pub const COUNTS: View = View::of("counts", "array<atomic<u32>, 3>", |b| &b.counts);
/// Attacks (target id, attacker id, target slot, attacker slot).
pub const ATTACKS: View = View::of("attacks", "array<vec4<u32>>", |b| b.attacks());
/// Reproduction candidates (id, slot; from the front) and deaths (id,
/// slot | cause << 31; from the back).
pub const ENTITY_EVENTS: View =
    View::of("entity_events", "array<vec2<u32>>", |b| b.entity_events());
/// Region boundaries along x.
pub const XS: View = View::of("xs", "array<f32>", |b| &b.xs);
/// Region boundaries along y.
pub const YS: View = View::of("ys", "array<f32>", |b| &b.ys);
/// Living entities per region.
pub const POPULATION: View = View::of("population", "array<atomic<u32>>", |b| &b.region_pop);
/// Entities per region whose owner changed.
pub const MIGRATIONS: View = View::of("migrations", "array<atomic<u32>>", |b| &b.region_mig);
/// Living entities per region and position bin, along x (`regions × bins`)
/// then along y, on rebalance ticks.
pub const REGION_HIST: View = View::of("region_hist", "array<atomic<u32>>", |b| &b.region_hist);
/// Per-tribe statistics (`STATS_STRIDE` words per tribe).
pub const STATS_OUT: View = View::of("stats_out", "array<atomic<u32>>", |b| &b.stats_out);
