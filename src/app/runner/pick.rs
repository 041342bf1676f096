//! The inspector's searches over the CPU copy of the state: the creature
//! under the cursor and the creatures the inspected one sees.

use glam::Vec2;

use crate::Simulation;
use crate::model::genes::{Gene, code, decode};
use crate::model::grid::{delta2, wrap};
use crate::sim::EntityView;

/// The living creature nearest to `at` within `radius` (torus distance):
/// its id and slot.
pub(super) fn pick(sim: &Simulation, at: Vec2, radius: f32) -> Option<(u32, u32)> {
    let e = sim.entities();
    let p = sim.params();
    let world = Vec2::new(p.world.width, p.world.height);
    // A click on a copy of the world beside it picks in the world.
    let at = Vec2::new(wrap(at.x, world.x), wrap(at.y, world.y));
    let mut best: Option<(f32, usize)> = None;
    for i in 0..e.capacity() {
        if !e.alive(i) {
            continue;
        }
        let d2 = delta2(at, Vec2::from(e.pos[i]), world).length_squared();
        if best.is_none_or(|(b, _)| d2 < b) {
            best = Some((d2, i));
        }
    }
    best.filter(|(d2, _)| *d2 <= radius * radius)
        .map(|(_, i)| (e.id[i], i as u32))
}

/// The creatures `v` (in slot `slot`) sees: within its vision radius and view
/// angle, nearest first, at most `max` (what `steer` considers, up to the
/// order of the hash's ring search). Each is the copy nearest to `v` across
/// the wrap, so it may lie outside the world.
pub fn neighbors_in_view(sim: &Simulation, slot: usize, v: &EntityView, max: usize) -> Vec<Vec2> {
    let e = sim.entities();
    let p = sim.params();
    let world = Vec2::new(p.world.width, p.world.height);
    let radius = decode(
        Gene::Vision as usize,
        code(&v.state.genes, Gene::Vision as usize),
    );
    let cos_half = (decode(
        Gene::ViewAngle as usize,
        code(&v.state.genes, Gene::ViewAngle as usize),
    )
    .to_radians()
        * 0.5)
        .cos();
    let (pos, vel) = (Vec2::from(v.state.pos), Vec2::from(v.state.vel));
    let speed = vel.length();
    let mut seen: Vec<(f32, Vec2)> = (0..e.capacity())
        .filter(|&i| i != slot && e.alive(i))
        .filter_map(|i| {
            let d = delta2(pos, Vec2::from(e.pos[i]), world);
            let d2 = d.length_squared();
            if d2 > radius * radius || d2 == 0.0 {
                return None;
            }
            let inside = speed < 1e-6 || d.dot(vel) / (d2.sqrt() * speed) >= cos_half;
            inside.then_some((d2, pos + d))
        })
        .collect();
    seen.sort_by(|a, b| a.0.total_cmp(&b.0));
    seen.truncate(max);
    seen.into_iter().map(|(_, p)| p).collect()
}
