//! `steer`: sense and steer, per entity, from last tick's state only.
//!
//! From the accepted neighbours (see [`super::neighbors`]): separation,
//! alignment and cohesion with the own tribe (times the cohesion gene),
//! fleeing from other tribes' hunters (herbivores), prey choice and pursuit
//! (hunters, when hungry), food seeking over a bounded set of sampled food
//! cells, a wander term from the counter-based RNG and terrain look-ahead.
//! Output: an acceleration, a behaviour, and an attack intent when the prey is
//! within reach and the roll `fight_probability · aggression · dt` passes.

use glam::Vec2;
use rayon::prelude::*;

use crate::common::BusySpan;

use super::neighbors::{HashView, Visit, cos_half_angle, for_each_neighbor};
use crate::common::{Mode, NONE, pack_intent, unpack_intent};
use crate::model::entities::{Entities, TRIBE_MASK};
use crate::model::food::FOOD_SAMPLES;
use crate::model::food::Food;
use crate::model::genes::{Gene, gene};
use crate::model::grid::wrap;
use crate::model::params::{SimParams, SteeringParams};
use crate::model::rng::{rng4, signed_unit, stream, unit};
use crate::model::terrain::Terrain;

/// Everything `steer` reads.
#[derive(Clone, Copy)]
pub struct SteerInput<'a> {
    /// The simulation parameters (steering, energy, food, …).
    pub p: &'a SimParams,
    /// Scenario seed.
    pub seed: u64,
    /// Current tick.
    pub tick: u32,
    /// The spatial hash (built this tick from last tick's positions).
    pub hash: HashView<'a>,
    /// Entity state (last tick's).
    pub e: &'a Entities,
    /// The terrain: biomes, and where ocean and mountain block movement.
    pub terrain: &'a Terrain,
    /// Food grid (last tick's).
    pub food: &'a Food,
}

/// What steering reads of a neighbour (the GPU gathers it in cell order:
/// `shaders/gather.wgsl`; on the CPU the slots, re-sorted into cell order
/// every `hash.reorder_interval` ticks, are read in place).
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

impl NeighborInfo {
    /// Slot `s`'s.
    #[inline(always)]
    pub fn of(e: &Entities, s: usize) -> Self {
        Self {
            vel: e.vel[s],
            energy: e.energy[s],
            diet: gene(&e.genes[s], Gene::Diet),
            tribe: e.tribe_flags[s] & TRIBE_MASK,
        }
    }
}

/// The result of steering one entity.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SteerOut {
    /// Acceleration (wu/s²), at most `steering.max_accel` long.
    pub acc: [f32; 2],
    /// Attack target slot or [`NONE`].
    pub intent: u32,
    /// What the entity does this tick (wander, graze, hunt or flee).
    pub mode: Mode,
}

/// A steering result as kept between the passes: 12 bytes, in cell order:
/// the acceleration, then the intent word of [`pack_intent`] (the GPU's
/// `steer_out` word), the attack target in its low 30 bits and the
/// behaviour in its top two.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Steered {
    /// Acceleration (wu/s²).
    pub acc: [f32; 2],
    word: u32,
}

impl Steered {
    /// Packs a result (slots are below `MAX_CAPACITY` = 2²⁷: they fit).
    #[inline]
    pub fn new(o: SteerOut) -> Self {
        Self {
            acc: o.acc,
            word: pack_intent(o.intent, o.mode as u32),
        }
    }

    /// Attack target slot, or [`NONE`].
    #[inline]
    pub fn intent(self) -> u32 {
        unpack_intent(self.word).0
    }

    /// Behaviour ([`Mode`] as u8).
    #[inline]
    pub fn mode(self) -> u8 {
        unpack_intent(self.word).1 as u8
    }
}

/// Steers every living entity, in parallel over the cell-ordered list of
/// living slots (`sorted`, so that the work is balanced and neighbour reads
/// stay local): `out[k]` is the result of slot `sorted[k]`. The passes that
/// read a slot's result find it through the slot's rank in `sorted` (see
/// [`rank_slots`]).
pub fn steer(inp: &SteerInput<'_>, sorted: &[u32], out: &mut Vec<Steered>) {
    sorted
        .par_iter()
        .with_min_len(256)
        .map_init(BusySpan::start, |_, &s| {
            Steered::new(steer_one(inp, s as usize))
        })
        .collect_into_vec(out);
}

/// Replaces each living slot's hash cell in `cell_of` by its rank in
/// `sorted` (the living slots in cell order), where its steering result
/// lies; free slots keep [`NONE`].
pub fn rank_slots(sorted: &[u32], cell_of: &mut [u32]) {
    for (k, &s) in sorted.iter().enumerate() {
        cell_of[s as usize] = k as u32;
    }
}

/// What steering knows of the entity it steers.
struct Me {
    pos: Vec2,
    vel: Vec2,
    /// Unit vector along the velocity (+x when at rest).
    heading: Vec2,
    tribe: u32,
    diet: f32,
    hunting: bool,
    flees: bool,
    /// Sensing radius (wu), longer while hunting.
    vision: f32,
    cos_half: f32,
}

impl Me {
    #[inline(always)]
    fn new(inp: &SteerInput<'_>, i: usize) -> Self {
        let (p, e) = (inp.p, inp.e);
        let g = &e.genes[i];
        let vel = Vec2::from(e.vel[i]);
        let speed = vel.length();
        let heading = if speed > 1e-6 { vel / speed } else { Vec2::X };
        let diet = gene(g, Gene::Diet);
        let hungry = e.energy[i] < p.energy.hungry * p.energy.max;
        let hunting = diet > p.combat.hunt_diet && hungry;
        Self {
            pos: Vec2::from(e.pos[i]),
            vel,
            heading,
            tribe: e.tribe_flags[i] & TRIBE_MASK,
            diet,
            hunting,
            flees: diet < p.combat.flee_diet,
            vision: gene(g, Gene::Vision) * if hunting { p.combat.hunt_vision } else { 1.0 },
            cos_half: cos_half_angle(gene(g, Gene::ViewAngle)),
        }
    }
}

/// The best prey seen so far.
#[derive(Clone, Copy)]
struct Prey {
    score: f32,
    slot: usize,
    d: Vec2,
    dist: f32,
}

/// What the neighbour search gathered.
#[derive(Default)]
struct Sensed {
    /// Separation: away from neighbours inside the personal space.
    sep: Vec2,
    /// Sum of the own tribe's velocities and offsets, and their count.
    ali: Vec2,
    coh: Vec2,
    same: u32,
    /// Away from other tribes' hunters, and their count.
    flee: Vec2,
    threats: u32,
    prey: Option<Prey>,
}

/// Runs the neighbour search and sums what steering reads of the neighbours.
#[inline(always)]
fn sense(inp: &SteerInput<'_>, i: usize, me: &Me) -> Sensed {
    let mut sensing = Sensing {
        inp,
        me,
        seen: Sensed::default(),
    };
    for_each_neighbor(
        &inp.hash,
        i,
        me.heading,
        me.vision,
        me.cos_half,
        inp.p.hash.max_neighbors,
        &mut sensing,
    );
    sensing.seen
}

/// The neighbour search's visitor: what steering reads of each accepted
/// neighbour, summed into `seen`.
struct Sensing<'a, 'b> {
    inp: &'a SteerInput<'b>,
    me: &'a Me,
    seen: Sensed,
}

impl Visit for &mut Sensing<'_, '_> {
    #[inline(always)]
    fn visit(&mut self, _: usize, j: usize, d: Vec2, dist: f32) {
        let (p, me, seen) = (self.inp.p, self.me, &mut self.seen);
        let s = &p.steering;
        let n = NeighborInfo::of(self.inp.e, j);
        let inv = if dist > 1e-6 { 1.0 / dist } else { 0.0 };
        if dist < s.personal_space {
            let w = (1.0 - dist / s.personal_space) * inv;
            seen.sep -= d * w;
        }
        if n.tribe == me.tribe {
            seen.ali += Vec2::from(n.vel);
            seen.coh += d;
            seen.same += 1;
            return;
        }
        if me.flees && n.diet > p.combat.hunt_diet {
            let w = (1.0 - dist / me.vision).max(0.0) * inv;
            seen.flee -= d * w;
            seen.threats += 1;
        }
        if me.hunting {
            let score = (n.energy + 10.0) / (dist + 5.0);
            if seen.prey.is_none_or(|b| score > b.score) {
                seen.prey = Some(Prey {
                    score,
                    slot: j,
                    d,
                    dist,
                });
            }
        }
    }
}

/// Separation, then alignment and cohesion with the own tribe.
#[inline(always)]
fn flock(s: &SteeringParams, seen: &Sensed, vel: Vec2, cohesion_gene: f32) -> Vec2 {
    let mut acc = seen.sep * s.separation;
    if seen.same > 0 {
        let n = seen.same as f32;
        let wa = s.alignment * cohesion_gene;
        let wc = s.cohesion * cohesion_gene;
        acc += (seen.ali / n - vel) * wa + seen.coh / n * wc;
    }
    acc
}

/// Flee, else hunt, else seek food: adds the chosen force to `acc` and
/// returns the behaviour and the attack intent.
#[inline(always)]
fn behave(
    inp: &SteerInput<'_>,
    i: usize,
    me: &Me,
    seen: &Sensed,
    r: [u32; 4],
    acc: &mut Vec2,
) -> (Mode, u32) {
    let p = inp.p;
    let s = &p.steering;
    if seen.threats > 0 {
        let l = seen.flee.length();
        if l > 1e-6 {
            *acc += seen.flee / l * s.flee;
        }
        return (Mode::Flee, NONE);
    }
    if let Some(prey) = seen.prey {
        if prey.dist > 1e-6 {
            *acc += prey.d / prey.dist * s.hunt;
        }
        let roll =
            p.combat.fight_probability * gene(&inp.e.genes[i], Gene::Aggression) * p.world.dt;
        let strikes = prey.dist <= p.combat.reach && unit(r[1]) < roll;
        return (Mode::Hunt, if strikes { prey.slot as u32 } else { NONE });
    }
    if me.diet < p.food.graze_diet && inp.e.energy[i] < p.energy.max && seek_food(inp, i, me, acc) {
        return (Mode::Graze, NONE);
    }
    (Mode::Wander, NONE)
}

/// Steers the living entity in slot `i`.
pub fn steer_one(inp: &SteerInput<'_>, i: usize) -> SteerOut {
    let (p, e) = (inp.p, inp.e);
    let s = &p.steering;
    let me = Me::new(inp, i);
    let seen = sense(inp, i, &me);
    let mut acc = flock(s, &seen, me.vel, gene(&e.genes[i], Gene::Cohesion));
    let r = rng4(inp.seed, inp.tick, e.id[i], stream::STEER);
    let (mode, intent) = behave(inp, i, &me, &seen, r, &mut acc);
    acc += Vec2::new(signed_unit(r[2]), signed_unit(r[3])) * s.wander;
    avoid_terrain(inp, e.id[i], me.pos, me.heading, &mut acc);
    let l = acc.length();
    if l > s.max_accel {
        acc *= s.max_accel / l;
    }
    SteerOut {
        acc: acc.into(),
        intent,
        mode,
    }
}

/// `pos` wrapped into the world, per axis.
#[inline(always)]
fn wrap_world(p: &SimParams, pos: Vec2) -> Vec2 {
    Vec2::new(wrap(pos.x, p.world.width), wrap(pos.y, p.world.height))
}

/// Food seeking: graze (brake) where the own cell is good enough, else steer
/// toward the best sampled cell above the food-standards threshold.
fn seek_food(inp: &SteerInput<'_>, i: usize, me: &Me, acc: &mut Vec2) -> bool {
    let p = inp.p;
    let food = inp.food;
    let threshold = gene(&inp.e.genes[i], Gene::FoodStandards) * p.food.capacity;
    let here = food.amount(food.grid.index(me.pos.into()) as usize);
    if here > threshold && here > 0.0 {
        *acc -= me.vel * 2.0;
        return true;
    }
    let mut best: Option<(f32, Vec2)> = None;
    let mut taken = 0;
    for smp in FOOD_SAMPLES {
        if taken >= p.steering.food_samples {
            break;
        }
        if smp[0] < me.cos_half {
            continue;
        }
        taken += 1;
        // The heading turned by the sample's angle (the shader's products and sums).
        let dir = me.heading.rotate(Vec2::new(smp[0], smp[1]));
        let q = wrap_world(p, me.pos + dir * (me.vision * smp[2]));
        let amount = food.amount(food.grid.index(q.into()) as usize);
        if amount > threshold && best.is_none_or(|b| amount > b.0) {
            best = Some((amount, dir));
        }
    }
    match best {
        Some((_, dir)) => {
            *acc += dir * p.steering.food;
            true
        }
        None => false,
    }
}

/// Terrain look-ahead: when the point `lookahead` ahead is impassable, turn
/// 60° toward whichever side is passable (left first for even ids), else back off.
fn avoid_terrain(inp: &SteerInput<'_>, id: u32, pos: Vec2, heading: Vec2, acc: &mut Vec2) {
    let s = &inp.p.steering;
    let passable_ahead = |d: Vec2| {
        let q = wrap_world(inp.p, pos + d * s.lookahead);
        inp.terrain.passable(q.into())
    };
    if passable_ahead(heading) {
        return;
    }
    // cos and sin of 60°.
    const C: f32 = 0.5;
    const S: f32 = 0.866_025_4;
    let left = heading.rotate(Vec2::new(C, S));
    let right = heading.rotate(Vec2::new(C, -S));
    let sides = if id.is_multiple_of(2) {
        [left, right]
    } else {
        [right, left]
    };
    match sides.into_iter().find(|&d| passable_ahead(d)) {
        Some(d) => *acc += (d - heading) * s.terrain,
        None => *acc -= heading * s.terrain,
    }
}
