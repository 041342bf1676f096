//! `steer`: sense and steer, per entity, from last tick's state only.
//!
//! From the accepted neighbours (see [`super::neighbors`]): separation,
//! alignment and cohesion with the own tribe (times the cohesion gene),
//! fleeing from other tribes' hunters (herbivores), prey choice and pursuit
//! (hunters, when hungry), food seeking over a bounded set of sampled food
//! cells, a wander term from the counter-based RNG and terrain look-ahead.
//! Output: an acceleration, a behaviour, and an attack intent when the prey is
//! within reach and the roll `fight_probability · aggression · dt` passes.

use rayon::prelude::*;

use super::neighbors::{HashView, cos_half_angle, for_each_neighbor};
use super::{Mode, NONE};
use crate::model::entities::{Entities, TRIBE_MASK};
use crate::model::food::Food;
use crate::model::genes::{Gene, gene};
use crate::model::grid::wrap;
use crate::model::params::SimParams;
use crate::model::rng::{rng4, signed_unit, stream, unit};
use crate::model::terrain::Terrain;

const H: f32 = std::f32::consts::FRAC_1_SQRT_2;

/// Directions (cos, sin of the angle from the heading) and distances (fraction
/// of vision) of the food cells an entity samples, in sampling order; samples
/// outside the view cone are skipped.
pub const FOOD_SAMPLES: [[f32; 3]; 16] = [
    [1.0, 0.0, 1.0],
    [0.923_879_5, 0.382_683_43, 0.55],
    [0.923_879_5, -0.382_683_43, 0.55],
    [H, H, 1.0],
    [H, -H, 1.0],
    [0.382_683_43, 0.923_879_5, 0.55],
    [0.382_683_43, -0.923_879_5, 0.55],
    [0.0, 1.0, 1.0],
    [0.0, -1.0, 1.0],
    [-0.382_683_43, 0.923_879_5, 0.55],
    [-0.382_683_43, -0.923_879_5, 0.55],
    [-H, H, 1.0],
    [-H, -H, 1.0],
    [-0.923_879_5, 0.382_683_43, 0.55],
    [-0.923_879_5, -0.382_683_43, 0.55],
    [-1.0, 0.0, 1.0],
];

/// Everything `steer` reads.
#[derive(Clone, Copy)]
pub struct SteerInput<'a> {
    /// Parameters.
    pub p: &'a SimParams,
    /// Scenario seed.
    pub seed: u64,
    /// Current tick.
    pub tick: u32,
    /// The spatial hash (built this tick from last tick's positions).
    pub hash: HashView<'a>,
    /// Entity state (last tick's).
    pub e: &'a Entities,
    /// Terrain.
    pub terrain: &'a Terrain,
    /// Food grid (last tick's).
    pub food: &'a Food,
    /// What steering reads of each neighbour, gathered in cell order
    /// (see [`gather_info`]).
    pub info: &'a [NeighborInfo],
}

/// What steering reads of a neighbour, gathered in cell order so that the
/// neighbour loop reads memory that is close together.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct NeighborInfo {
    /// Velocity (wu/s).
    pub vel: [f32; 2],
    /// Energy (e).
    pub energy: f32,
    /// Diet gene.
    pub diet: f32,
    /// Tribe index.
    pub tribe: u32,
}

/// Gathers each living entity's [`NeighborInfo`] in cell order (`sorted`).
pub fn gather_info(e: &Entities, sorted: &[u32], info: &mut Vec<NeighborInfo>) {
    info.clear();
    info.resize(sorted.len(), NeighborInfo::default());
    info.par_iter_mut()
        .zip(sorted.par_iter())
        .with_min_len(4096)
        .for_each(|(o, &s)| {
            let s = s as usize;
            *o = NeighborInfo {
                vel: e.vel[s],
                energy: e.energy[s],
                diet: gene(&e.genes[s], Gene::Diet),
                tribe: e.tribe_flags[s] & TRIBE_MASK,
            };
        });
}

/// The result of steering one entity.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SteerOut {
    /// Acceleration (wu/s²), at most `steering.max_accel` long.
    pub acc: [f32; 2],
    /// Attack target slot or [`NONE`].
    pub intent: u32,
    /// Behaviour.
    pub mode: Mode,
}

/// Steers every living entity, in parallel over the cell-ordered list of
/// living slots (`sorted`, so that the work is balanced and neighbour reads
/// stay local), then scatters the results to their slots. Free slots get
/// zero outputs. `out` is scratch.
pub fn steer(
    inp: &SteerInput<'_>,
    sorted: &[u32],
    out: &mut Vec<SteerOut>,
    acc: &mut [[f32; 2]],
    intent: &mut [u32],
    mode: &mut [u8],
) {
    out.clear();
    out.resize(
        sorted.len(),
        SteerOut {
            acc: [0.0; 2],
            intent: NONE,
            mode: Mode::Wander,
        },
    );
    out.par_iter_mut()
        .zip(sorted.par_iter())
        .with_min_len(256)
        .for_each(|(o, &s)| *o = steer_one(inp, s as usize));
    acc.fill([0.0; 2]);
    intent.fill(NONE);
    mode.fill(Mode::Wander as u8);
    for (o, &s) in out.iter().zip(sorted) {
        let s = s as usize;
        acc[s] = o.acc;
        intent[s] = o.intent;
        mode[s] = o.mode as u8;
    }
}

#[inline]
fn len(v: [f32; 2]) -> f32 {
    (v[0] * v[0] + v[1] * v[1]).sqrt()
}

/// Steers the living entity in slot `i`.
pub fn steer_one(inp: &SteerInput<'_>, i: usize) -> SteerOut {
    let (p, e) = (inp.p, inp.e);
    let s = &p.steering;
    let g = &e.genes[i];
    let pos = e.pos[i];
    let vel = e.vel[i];
    let speed = len(vel);
    let heading = if speed > 1e-6 {
        [vel[0] / speed, vel[1] / speed]
    } else {
        [1.0, 0.0]
    };
    let tribe = e.tribe_flags[i] & TRIBE_MASK;
    let diet = gene(g, Gene::Diet);
    let hungry = e.energy[i] < p.energy.hungry * p.energy.max;
    let hunting = diet > p.combat.hunt_diet && hungry;
    let flees = diet < p.combat.flee_diet;
    let vision = gene(g, Gene::Vision) * if hunting { p.combat.hunt_vision } else { 1.0 };
    let cos_half = cos_half_angle(gene(g, Gene::ViewAngle));
    let cohesion_gene = gene(g, Gene::Cohesion);

    let mut sep = [0.0f32; 2];
    let (mut ali, mut coh, mut same) = ([0.0f32; 2], [0.0f32; 2], 0u32);
    let (mut flee, mut threats) = ([0.0f32; 2], 0u32);
    let mut prey: Option<(f32, usize, [f32; 2], f32)> = None;
    for_each_neighbor(
        &inp.hash,
        i,
        heading,
        vision,
        cos_half,
        p.hash.max_neighbors,
        |k, j, d, dist| {
            let n = &inp.info[k];
            let inv = if dist > 1e-6 { 1.0 / dist } else { 0.0 };
            if dist < s.personal_space {
                let w = (1.0 - dist / s.personal_space) * inv;
                sep[0] -= d[0] * w;
                sep[1] -= d[1] * w;
            }
            if n.tribe == tribe {
                ali[0] += n.vel[0];
                ali[1] += n.vel[1];
                coh[0] += d[0];
                coh[1] += d[1];
                same += 1;
                return;
            }
            if flees && n.diet > p.combat.hunt_diet {
                let w = (1.0 - dist / vision).max(0.0) * inv;
                flee[0] -= d[0] * w;
                flee[1] -= d[1] * w;
                threats += 1;
            }
            if hunting {
                let score = (n.energy + 10.0) / (dist + 5.0);
                if prey.is_none_or(|b| score > b.0) {
                    prey = Some((score, j, d, dist));
                }
            }
        },
    );

    let mut acc = [sep[0] * s.separation, sep[1] * s.separation];
    if same > 0 {
        let n = same as f32;
        let wa = s.alignment * cohesion_gene;
        let wc = s.cohesion * cohesion_gene;
        acc[0] += (ali[0] / n - vel[0]) * wa + coh[0] / n * wc;
        acc[1] += (ali[1] / n - vel[1]) * wa + coh[1] / n * wc;
    }
    let mut mode = Mode::Wander;
    let mut intent = NONE;
    let r = rng4(inp.seed, inp.tick, e.id[i], stream::STEER);
    if threats > 0 {
        let l = len(flee);
        if l > 1e-6 {
            acc[0] += flee[0] / l * s.flee;
            acc[1] += flee[1] / l * s.flee;
        }
        mode = Mode::Flee;
    } else if let Some((_, j, d, dist)) = prey {
        if dist > 1e-6 {
            acc[0] += d[0] / dist * s.hunt;
            acc[1] += d[1] / dist * s.hunt;
        }
        mode = Mode::Hunt;
        let roll = p.combat.fight_probability * gene(g, Gene::Aggression) * p.world.dt;
        if dist <= p.combat.reach && unit(r[1]) < roll {
            intent = j as u32;
        }
    } else if diet < p.food.graze_diet
        && e.energy[i] < p.energy.max
        && seek_food(inp, i, pos, heading, vision, cos_half, vel, &mut acc)
    {
        mode = Mode::Graze;
    }
    acc[0] += signed_unit(r[2]) * s.wander;
    acc[1] += signed_unit(r[3]) * s.wander;
    avoid_terrain(inp, e.id[i], pos, heading, &mut acc);
    let l = len(acc);
    if l > s.max_accel {
        let k = s.max_accel / l;
        acc = [acc[0] * k, acc[1] * k];
    }
    SteerOut { acc, intent, mode }
}

/// Food seeking: graze (brake) where the own cell is good enough, else steer
/// toward the best sampled cell above the food-standards threshold.
#[expect(
    clippy::too_many_arguments,
    reason = "the kernel's inputs, as in the shader"
)]
fn seek_food(
    inp: &SteerInput<'_>,
    i: usize,
    pos: [f32; 2],
    heading: [f32; 2],
    vision: f32,
    cos_half: f32,
    vel: [f32; 2],
    acc: &mut [f32; 2],
) -> bool {
    let p = inp.p;
    let food = inp.food;
    let threshold = gene(&inp.e.genes[i], Gene::FoodStandards) * p.food.capacity;
    let here = food.amount[food.grid.index(pos) as usize];
    if here > threshold && here > 0.0 {
        acc[0] -= vel[0] * 2.0;
        acc[1] -= vel[1] * 2.0;
        return true;
    }
    let (w, h) = (p.world.width, p.world.height);
    let mut best: Option<(f32, [f32; 2])> = None;
    let mut taken = 0;
    for smp in FOOD_SAMPLES {
        if taken >= p.steering.food_samples {
            break;
        }
        if smp[0] < cos_half {
            continue;
        }
        taken += 1;
        let dir = [
            heading[0] * smp[0] - heading[1] * smp[1],
            heading[0] * smp[1] + heading[1] * smp[0],
        ];
        let dist = vision * smp[2];
        let q = [
            wrap(pos[0] + dir[0] * dist, w),
            wrap(pos[1] + dir[1] * dist, h),
        ];
        let amount = food.amount[food.grid.index(q) as usize];
        if amount > threshold && best.is_none_or(|b| amount > b.0) {
            best = Some((amount, dir));
        }
    }
    match best {
        Some((_, dir)) => {
            acc[0] += dir[0] * p.steering.food;
            acc[1] += dir[1] * p.steering.food;
            true
        }
        None => false,
    }
}

/// Terrain look-ahead: when the point `lookahead` ahead is impassable, turn
/// 60° toward whichever side is passable (left first for even ids), else back off.
fn avoid_terrain(
    inp: &SteerInput<'_>,
    id: u32,
    pos: [f32; 2],
    heading: [f32; 2],
    acc: &mut [f32; 2],
) {
    let s = &inp.p.steering;
    let (w, h) = (inp.p.world.width, inp.p.world.height);
    let ahead = |d: [f32; 2]| {
        [
            wrap(pos[0] + d[0] * s.lookahead, w),
            wrap(pos[1] + d[1] * s.lookahead, h),
        ]
    };
    if inp.terrain.passable(ahead(heading)) {
        return;
    }
    const C: f32 = 0.5;
    const S: f32 = 0.866_025_4;
    let left = [
        heading[0] * C - heading[1] * S,
        heading[0] * S + heading[1] * C,
    ];
    let right = [
        heading[0] * C + heading[1] * S,
        -heading[0] * S + heading[1] * C,
    ];
    let sides = if id.is_multiple_of(2) {
        [left, right]
    } else {
        [right, left]
    };
    let target = sides.into_iter().find(|&d| inp.terrain.passable(ahead(d)));
    match target {
        Some(d) => {
            acc[0] += (d[0] - heading[0]) * s.terrain;
            acc[1] += (d[1] - heading[1]) * s.terrain;
        }
        None => {
            acc[0] -= heading[0] * s.terrain;
            acc[1] -= heading[1] * s.terrain;
        }
    }
}
