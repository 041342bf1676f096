//! Combat: per target in ascending target id, its attackers in ascending id.

use super::FATE_NONE;
use super::stats::Counters;
use crate::cpu::emit_events::{Attack, DeathCause};
use crate::model::entities::Entities;
use crate::model::genes::{Gene, gene};
use crate::model::params::SimParams;

/// Damage of one attack: base damage scaled by the attacker's aggression and
/// diet, plus the pack bonus per other attacker of its tribe on the same target.
#[inline]
pub fn damage(p: &SimParams, aggression: f32, diet: f32, allies: u32) -> f32 {
    p.combat.damage
        * (0.5 + aggression)
        * (0.5 + diet.max(0.0))
        * (1.0 + p.combat.pack_bonus * allies as f32)
}

/// Resolves the attacks (sorted by target id, then attacker id). Attacks by or
/// on an entity that starved or aged out this tick are void; an entity killed
/// this tick still lands its own attack. Damage lands in order
/// until the target's energy reaches zero (a kill, credited to that attacker);
/// attackers gain `gain · diet` per damage dealt and `kill_bonus · diet` per
/// kill, applied after all targets are done. Returns the killed slots.
pub fn resolve_combat(
    p: &SimParams,
    attacks: &[Attack],
    e: &mut Entities,
    fate: &mut [u8],
    c: &mut Counters,
) -> Vec<u32> {
    let mut killed = Vec::new();
    let mut gains: Vec<(u32, f32)> = Vec::new();
    let mut start = 0;
    while start < attacks.len() {
        let target = attacks[start].target;
        let mut end = start;
        while end < attacks.len() && attacks[end].target == target {
            end += 1;
        }
        let group = &attacks[start..end];
        start = end;
        let t = target as usize;
        if fate[t] != FATE_NONE {
            continue;
        }
        let valid = |a: &Attack| fate[a.attacker as usize] == FATE_NONE;
        for a in group.iter().filter(|a| valid(a)) {
            let s = a.attacker as usize;
            let tribe = e.tribe(s);
            let allies = group
                .iter()
                .filter(|b| {
                    b.attacker != a.attacker && valid(b) && e.tribe(b.attacker as usize) == tribe
                })
                .count();
            let g = &e.genes[s];
            let diet = gene(g, Gene::Diet);
            let dmg = damage(p, gene(g, Gene::Aggression), diet, allies as u32);
            let dealt = dmg.min(e.energy[t]);
            e.energy[t] -= dmg;
            let mut gain = dealt * p.combat.gain * diet.max(0.0);
            if e.energy[t] <= 0.0 {
                gain += p.combat.kill_bonus * diet.max(0.0);
                c.kill(tribe);
                killed.push(target);
                gains.push((a.attacker, gain));
                break;
            }
            gains.push((a.attacker, gain));
        }
    }
    // Kills are marked only now, so that whether an attack is void never
    // depends on the order in which targets were resolved.
    for &t in &killed {
        fate[t as usize] = 1 + DeathCause::Killed as u8;
    }
    for (s, g) in gains {
        let s = s as usize;
        if fate[s] == FATE_NONE {
            e.energy[s] = (e.energy[s] + g).min(p.energy.max);
        }
    }
    killed
}
