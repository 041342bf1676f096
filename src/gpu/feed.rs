//! `feed` on the GPU in three steps over the slots, none over the food grid
//! and no buffer per food cell: `count` (each hungry grazer's food cell, and
//! the grazers per cell in a hash table with 1.5 entries a slot, in steer's
//! `info` buffer, free by then: [`Buffers::feed_scratch`]), `gain` (each
//! grazer's share `min(bite·dt, amount / n)` of its cell and its energy),
//! `settle` (one grazer per cell, the one whose atomic exchange takes the
//! count back to zero, removes the cell's loss, restarts its cooldown (ticks
//! packed four or two to a word: atomics) and adds to the food eaten in fixed
//! point). The table is zeroed before `count` (the tick clears it after
//! steer). Twin of `src/cpu/feed.rs`.

use super::buffers::{Buffers, set, submit};
use super::kernel::{Kernel, KernelDecl, Shader, View};
use super::layout::{FOOD_FIXED, StepUniform};
use super::views::{
    EATEN, ENERGY, FEED_SCRATCH, FOOD_AMOUNT, FOOD_COOLDOWN, GENES_A, GENES_B, POS, STEP,
    TRIBE_FLAGS,
};
use super::{GpuContext, GpuError};
use crate::common::NONE;
use crate::model::entities::Entities;
use crate::model::food::Food;
use crate::model::params::SimParams;
use crate::model::terrain::Terrain;

// What a step reads of the buffers another step writes: a second binding of
// each, read only.
const SCRATCH_IN: View = FEED_SCRATCH.named("scratch_in").typed("array<u32>");
const AMOUNT_IN: View = FOOD_AMOUNT.named("amount_in");
const ENERGY_IN: View = ENERGY.named("energy_in");

/// `feed`'s shader: its bindings and what each step uses (the food cells,
/// the grazer counts, the food and the energy are written by one step and
/// read by another, under a second name; `eaten` is the food eaten this tick
/// in 1/[`FOOD_FIXED`] units).
pub struct FeedShader;

impl Shader for FeedShader {
    const DECL: KernelDecl = KernelDecl::new("feed", STEP)
        .read(&[
            POS,
            GENES_A,
            GENES_B,
            TRIBE_FLAGS,
            SCRATCH_IN,
            AMOUNT_IN,
            ENERGY_IN,
        ])
        .read_write(&[
            FEED_SCRATCH,
            FOOD_AMOUNT.typed("array<atomic<u32>>"),
            FOOD_COOLDOWN.typed("array<atomic<u32>>"),
            ENERGY,
            EATEN,
        ])
        .entries(&[
            (
                "count",
                "u pos genes_a genes_b tribe_flags scratch energy_in",
            ),
            ("gain", "u genes_a genes_b scratch_in amount_in energy"),
            ("settle", "u scratch food_amount food_cooldown eaten"),
        ])
        .zeroed(&[EATEN]);
}

/// The pass: [`Kernel::record`] (`count`, `gain`, `settle`) over slots `0..end`
/// (after [`Kernel::clear`]).
pub type Feed = Kernel<FeedShader>;

/// The food eaten from the two words of `eaten`.
pub fn eaten(words: &[u32]) -> f64 {
    (words[0] as u64 | (words[1] as u64) << 32) as f64 / FOOD_FIXED as f64
}

/// What `feed` produces, read back.
#[derive(Debug, Clone)]
pub struct FeedReadback {
    /// Food cell of each slot, or [`crate::common::NONE`].
    pub food_cell: Vec<u32>,
    /// Grazers per food cell (after `count`, from its table).
    pub eaters: Vec<u32>,
    /// Grazers per food cell after the whole pass (all zero: `settle` took
    /// every count back).
    pub eaters_after: Vec<u32>,
    /// Food after eating.
    pub food: Food,
    /// Energy of each slot after eating.
    pub energy: Vec<f32>,
    /// Food eaten, summed on the GPU in fixed point (1/FOOD_FIXED units).
    pub food_eaten: f64,
}

/// Runs `feed` (count, then gain and settle) on copies of `e` and `food`.
pub fn run(
    ctx: &GpuContext,
    p: &SimParams,
    terrain: &Terrain,
    e: &Entities,
    food: &Food,
) -> Result<FeedReadback, GpuError> {
    let n = e.capacity();
    let b = Buffers::for_world(ctx, p, terrain, e)?;
    b.upload_food(ctx, food);
    let u = StepUniform::new(p, &terrain.grid, &food.grid, n as u32).with_table(n as u32);
    set(ctx, &b.step_u, &u);
    let pass = Feed::new(ctx, &b);
    let cells = food.grid.len();
    let n32 = n as u32;
    submit(ctx, "sim.pass.feed.count", |c| {
        pass.dispatch(c, "count", n32)
    });
    // The slots' entries and the table, decoded per food cell.
    let words = (u.table_base + 2 * u.table_len) as usize;
    let table = |w: &[u32]| {
        let mut per_cell = vec![0; cells];
        for e in w[u.table_base as usize..].chunks_exact(2) {
            if e[0] != 0 {
                per_cell[e[0] as usize - 1] = e[1];
            }
        }
        per_cell
    };
    let w: Vec<u32> = Buffers::read(ctx, b.feed_scratch(), words)?;
    let food_cell = w[..n]
        .iter()
        .map(|&e| match e {
            NONE => NONE,
            e => w[(u.table_base + 2 * e) as usize] - 1,
        })
        .collect();
    let eaters = table(&w);
    submit(ctx, "sim.pass.feed.eat", |c| {
        pass.dispatch(c, "gain", n32);
        pass.dispatch(c, "settle", n32);
    });
    let after: Vec<u32> = Buffers::read(ctx, b.feed_scratch(), words)?;
    Ok(FeedReadback {
        food_cell,
        eaters,
        eaters_after: table(&after),
        food: b.read_food(ctx, food)?,
        energy: Buffers::read(ctx, &b.energy, n)?,
        food_eaten: eaten(&Buffers::read::<u32>(ctx, &b.eaten, 2)?),
    })
}
