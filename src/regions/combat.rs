//! Combat, per region: the attacks on the targets a region owns, per target in
//! ascending target id, its attackers in ascending id.

use super::{FATE_NONE, Snap, find};
use crate::common::events::Attack;
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

/// What a region's combat task reads: its targets' attacks (sorted by target
/// id, then attacker id), copies of the entities it owns that take part, and
/// the ghost copies of attackers owned by neighbouring regions (all sorted by slot).
#[derive(Debug, Clone, Default)]
pub struct CombatInput {
    /// Attacks on targets this region owns.
    pub attacks: Vec<Attack>,
    /// Copies of owned participants.
    pub owned: Vec<Snap>,
    /// Read-only copies of participants in neighbouring regions' border strips.
    pub ghosts: Vec<Snap>,
}

/// What a region's combat task decides.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CombatOut {
    /// New energy of each attacked target (slot, energy).
    pub target_energy: Vec<(u32, f32)>,
    /// Killed targets (id, slot) and the killer's tribe.
    pub killed: Vec<(u32, u32, u16)>,
    /// Energy gained by attackers (attacker id, slot, gain), for their owners' inboxes.
    pub gains: Vec<(u32, u32, f32)>,
}

/// Resolves one region's attacks. Attacks by or on an entity that starved or
/// aged out this tick are void; an entity killed this tick still lands its
/// own attack. Damage lands in order until the target's energy reaches zero
/// (a kill, credited to that attacker); attackers gain `gain · diet` per
/// damage dealt and `kill_bonus · diet` per kill, applied by their owners after
/// every region is done.
pub fn combat_region(p: &SimParams, input: &CombatInput) -> CombatOut {
    let mut out = CombatOut::default();
    let attacks = &input.attacks;
    let get = |slot: u32| {
        find(&input.owned, slot)
            .or_else(|| find(&input.ghosts, slot))
            .expect("participant copied")
    };
    let mut start = 0;
    while start < attacks.len() {
        let target = attacks[start].target;
        let mut end = start;
        while end < attacks.len() && attacks[end].target == target {
            end += 1;
        }
        let group = &attacks[start..end];
        start = end;
        let t = get(target);
        if t.fate != FATE_NONE {
            continue;
        }
        let valid = |a: &Attack| get(a.attacker).fate == FATE_NONE;
        let mut energy = t.state.energy;
        for a in group.iter().filter(|a| valid(a)) {
            let att = get(a.attacker);
            let allies = group
                .iter()
                .filter(|b| {
                    b.attacker != a.attacker
                        && valid(b)
                        && get(b.attacker).state.tribe() == att.state.tribe()
                })
                .count();
            let diet = gene(&att.state.genes, Gene::Diet);
            let dmg = damage(
                p,
                gene(&att.state.genes, Gene::Aggression),
                diet,
                allies as u32,
            );
            let dealt = dmg.min(energy);
            energy -= dmg;
            let mut gain = dealt * p.combat.gain * diet.max(0.0);
            let kill = energy <= 0.0;
            if kill {
                gain += p.combat.kill_bonus * diet.max(0.0);
                out.killed.push((t.state.id, target, att.state.tribe()));
            }
            out.gains.push((att.state.id, a.attacker, gain));
            if kill {
                break;
            }
        }
        out.target_energy.push((target, energy));
    }
    out
}
