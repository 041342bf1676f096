//! Initial population: each tribe's entities placed on passable ground inside
//! its spawn disk (or anywhere), with genes drawn around the tribe's means.

use super::entities::{Entities, FLAG_ALIVE, SlotState};
use super::genes::{GENE_COUNT, Gene, Genes, pack};
use super::grid::wrap;
use super::params::SimParams;
use super::rng::{bell, rng4, stream, unit};
use super::scenario::Scenario;
use super::terrain::Terrain;
use super::validate::InvalidField;

/// Spawn attempts per entity before the tribe's spawn area is declared unusable.
pub const SPAWN_ATTEMPTS: u32 = 256;

/// Fills slots `0..initial` with the scenario's tribes, ids equal to slots.
/// Returns the next free id.
pub fn spawn(
    s: &Scenario,
    p: &SimParams,
    terrain: &Terrain,
    e: &mut Entities,
) -> Result<u32, InvalidField> {
    let mut id = 0u32;
    let (w, h) = (p.world.width, p.world.height);
    for (t, tribe) in s.tribes.iter().enumerate() {
        for _ in 0..tribe.count {
            let pos = (0..SPAWN_ATTEMPTS)
                .map(|a| {
                    let r = rng4(s.seed, 0, id, stream::SPAWN_POS + a);
                    match tribe.spawn_center {
                        Some([cx, cy]) => {
                            let radius = tribe.spawn_radius.unwrap_or(500.0) * unit(r[1]).sqrt();
                            let angle = std::f32::consts::TAU * unit(r[0]);
                            [
                                wrap(cx + radius * libm::cosf(angle), w),
                                wrap(cy + radius * libm::sinf(angle), h),
                            ]
                        }
                        None => [unit(r[0]) * w, unit(r[1]) * h],
                    }
                })
                .find(|&q| terrain.passable(q))
                .ok_or_else(|| InvalidField {
                    field: format!("tribes[{t}].spawn_center"),
                    problem: format!(
                        "no passable ground found for tribe {:?} in its spawn area",
                        tribe.name
                    ),
                })?;
            let mut g = [0.0f32; GENE_COUNT];
            for (k, v) in g.iter_mut().enumerate() {
                let spec = tribe.genes.get(k);
                *v = spec.mean
                    + spec.spread * bell(rng4(s.seed, 0, id, stream::SPAWN_GENES + k as u32));
            }
            let genes = pack(&Genes(g));
            let g = super::genes::unpack(&genes);
            let r = rng4(s.seed, 0, id, stream::SPAWN_STATE);
            let angle = std::f32::consts::TAU * unit(r[0]);
            let speed = 0.3 * g.get(Gene::Speed);
            let vel = [speed * libm::cosf(angle), speed * libm::sinf(angle)];
            let age = 0.5 * unit(r[1]) * p.energy.lifespan_of(g.get(Gene::Metabolism));
            e.set(&SlotState {
                slot: id,
                id,
                tribe_flags: t as u32 | FLAG_ALIVE,
                pos,
                vel,
                energy: p.energy.initial,
                age,
                genes,
            });
            id += 1;
        }
    }
    Ok(id)
}
