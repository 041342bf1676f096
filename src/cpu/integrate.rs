//! `integrate`: `vel += acc·dt`, clamp to the speed gene, move with terrain
//! sliding, wrap, pay basal and movement energy, age.

use glam::Vec2;
use rayon::prelude::*;

use crate::common::BusySpan;

use super::steer::Steered;
use crate::common::{Mode, NONE, PAR_MIN_LEN};
use crate::model::entities::{Entities, FLAG_ALIVE};
use crate::model::genes::{Gene, gene};
use crate::model::grid::wrap;
use crate::model::params::SimParams;
use crate::model::terrain::Terrain;

/// Integrates every living slot below `rank.len()` (every slot from there
/// up is free), in parallel, with the steering result at its rank
/// ([`super::steer::rank_slots`]), and writes each slot's behaviour to
/// `mode` ([`Mode::Wander`] for a free slot).
pub fn integrate(
    p: &SimParams,
    terrain: &Terrain,
    rank: &[u32],
    steered: &[Steered],
    mode: &mut [u8],
    e: &mut Entities,
) {
    let end = rank.len();
    let Entities {
        pos,
        vel,
        energy,
        age,
        tribe_flags,
        genes,
        ..
    } = e;
    pos[..end]
        .par_iter_mut()
        .zip(vel[..end].par_iter_mut())
        .zip(energy[..end].par_iter_mut())
        .zip(age[..end].par_iter_mut())
        .zip(mode[..end].par_iter_mut())
        .with_min_len(PAR_MIN_LEN)
        .enumerate()
        .for_each_init(
            BusySpan::start,
            |_, (i, ((((pos, vel), energy), age), mode))| {
                if tribe_flags[i] & FLAG_ALIVE != 0 {
                    debug_assert!(rank[i] != NONE, "living slot {i} without a rank");
                    let o = steered[rank[i] as usize];
                    let body = Body {
                        pos,
                        vel,
                        energy,
                        age,
                    };
                    integrate_one(p, terrain, o.acc, &genes[i], body);
                    *mode = o.mode();
                } else {
                    *mode = Mode::Wander as u8;
                }
            },
        );
}

/// The fields `integrate` changes of one entity, each in its own array.
pub struct Body<'a> {
    /// Position (wu).
    pub pos: &'a mut [f32; 2],
    /// Velocity (wu/s).
    pub vel: &'a mut [f32; 2],
    /// Energy (e).
    pub energy: &'a mut f32,
    /// Age (s).
    pub age: &'a mut f32,
}

/// Integrates one entity with acceleration `acc`.
#[inline]
pub fn integrate_one(
    p: &SimParams,
    terrain: &Terrain,
    acc: [f32; 2],
    genes: &crate::model::genes::PackedGenes,
    body: Body<'_>,
) {
    let Body {
        pos,
        vel,
        energy,
        age,
    } = body;
    let dt = p.world.dt;
    let mut v = Vec2::from(*vel) + Vec2::from(acc) * dt;
    let max = gene(genes, Gene::Speed);
    let s2 = v.length_squared();
    if s2 > max * max {
        v *= max / s2.sqrt();
    }
    // Slide along an impassable cell's edge: keep the axis that stays passable.
    let (w, h) = (p.world.width, p.world.height);
    let nx = wrap(pos[0] + v.x * dt, w);
    let ny = wrap(pos[1] + v.y * dt, h);
    if terrain.passable([nx, ny]) {
        *pos = [nx, ny];
    } else if terrain.passable([nx, pos[1]]) {
        *pos = [nx, pos[1]];
        v.y = 0.0;
    } else if terrain.passable([pos[0], ny]) {
        *pos = [pos[0], ny];
        v.x = 0.0;
    } else {
        v = Vec2::ZERO;
    }
    *vel = v.into();
    let speed2 = v.length_squared();
    let metabolism = gene(genes, Gene::Metabolism);
    *energy -= (p.energy.basal_of(metabolism) + p.energy.move_cost * speed2) * dt;
    *age += dt;
}
