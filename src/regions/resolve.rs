//! [`Regions::resolve`], one method per phase in the order of the module doc
//! of [`super`]: combat (parallel), exchange, births (parallel), commit.

use std::sync::Arc;
use std::time::Duration;
use web_time::Instant;

use super::combat::{CombatInput, CombatOut, combat_region};
use super::pool::Task;
use super::reproduction::{BirthInput, BirthOut, births_region};
use super::{FATE_NONE, Regions, Resolution, Snap};
use crate::common::NONE;
use crate::common::WorkPool;
use crate::common::events::{DeathCause, EntityEvent, Events};
use crate::model::entities::{Entities, FLAG_ALIVE, SlotState};
use crate::model::params::SimParams;
use crate::model::terrain::Terrain;
use crate::species;
use crate::world::Ledger;

/// An attacker's energy gain for its owner's inbox: (attacker id, slot, gain).
type Gain = (u32, u32, f32);

/// What one tick's resolution reads besides the state it changes.
struct TickContext<'a> {
    p: &'a Arc<SimParams>,
    seed: u64,
    tick: u32,
    terrain: &'a Arc<Terrain>,
    ev: &'a Events,
}

fn snap(e: &Entities, fate: &[u8], slot: u32) -> Snap {
    Snap {
        state: e.get(slot),
        fate: fate[slot as usize],
    }
}

fn snaps(e: &Entities, fate: &[u8], mut slots: Vec<u32>) -> Vec<Snap> {
    slots.sort_unstable();
    slots.dedup();
    slots.into_iter().map(|s| snap(e, fate, s)).collect()
}

impl Regions {
    /// Resolves one tick's events: combat, deaths, reproduction, the
    /// parallel phases as tasks on `pool`. Call it from outside the pool
    /// (not inside [`WorkPool::install`]): it blocks until the tasks report.
    pub fn resolve(&mut self, r: &mut Resolution<'_>, ev: &Events) {
        let (pool, p, terrain, seed, tick) = (r.pool, r.params, r.terrain, r.seed, r.tick);
        let (ledger, e) = (&mut *r.ledger, &mut *r.entities);
        let clock = Instant::now();
        let phases_before = self.timing.phases_s;
        let cx = TickContext {
            p,
            seed,
            tick,
            terrain,
            ev,
        };
        self.births.clear();
        self.thread_busy.clear();
        self.thread_busy.resize(pool.threads(), (Duration::ZERO, 0));
        self.mark_deaths(ev);
        let combat = self.combat_phase(pool, &cx, e);
        let (inbox, dead) = self.exchange(ledger, &combat, tick, ev, e);
        let births = self.births_phase(pool, &cx, inbox, e);
        self.commit(ledger, births, p.species.threshold, tick, e);
        for &(_, slot) in &dead {
            self.fate[slot as usize] = FATE_NONE;
            if !e.alive(slot as usize) {
                self.owner.set(slot as usize, NONE);
            }
        }
        self.account(p, tick, e, ledger.free.live_end());
        let total = clock.elapsed().as_secs_f64();
        self.timing.coordinator_s += total - (self.timing.phases_s - phases_before);
        self.timing.ticks += 1;
    }

    /// Resets this tick's event counts and marks the starved and the old.
    fn mark_deaths(&mut self, ev: &Events) {
        for st in &mut self.stats {
            st.events = 0;
        }
        for (d, cause) in &ev.deaths {
            self.fate[d.slot as usize] = 1 + *cause as u8;
            self.stats[self.owner.get(d.slot as usize) as usize].events += 1;
        }
    }

    /// Phase 1: combat, by the region owning the target.
    fn combat_phase(
        &mut self,
        pool: &WorkPool,
        cx: &TickContext<'_>,
        e: &Entities,
    ) -> Vec<(usize, CombatOut)> {
        let owner = &self.owner;
        let mut inputs: Vec<CombatInput> = vec![CombatInput::default(); self.grid.len()];
        for a in &cx.ev.attacks {
            inputs[owner.get(a.target as usize) as usize]
                .attacks
                .push(*a);
        }
        let ghost_reach = cx.p.regions.ghost_width;
        let mut tasks: Vec<(usize, Task<CombatOut>)> = Vec::new();
        for (r, mut input) in inputs.into_iter().enumerate() {
            if input.attacks.is_empty() {
                continue;
            }
            self.stats[r].events += input.attacks.len() as u64;
            let (mut owned, mut ghosts) = (Vec::new(), Vec::new());
            for a in &input.attacks {
                owned.push(a.target);
                if owner.get(a.attacker as usize) as usize == r {
                    owned.push(a.attacker);
                } else {
                    debug_assert!(
                        self.grid.distance_to(r as u32, e.pos[a.attacker as usize]) <= ghost_reach,
                        "attacker outside the ghost strip"
                    );
                    ghosts.push(a.attacker);
                }
            }
            input.owned = snaps(e, &self.fate, owned);
            input.ghosts = snaps(e, &self.fate, ghosts);
            let params = cx.p.clone();
            let input = Arc::new(input);
            tasks.push((r, Arc::new(move || combat_region(&params, &input))));
        }
        self.run_phase(pool, "combat", cx.tick, tasks)
    }

    /// Exchange: commits target energies and kills, frees the dead in
    /// ascending id, and routes attacker gains to their owners' inboxes.
    /// Returns the inboxes and the dead (id, slot), ascending.
    fn exchange(
        &mut self,
        ledger: &mut Ledger,
        combat: &[(usize, CombatOut)],
        tick: u32,
        ev: &Events,
        e: &mut Entities,
    ) -> (Vec<Vec<Gain>>, Vec<(u32, u32)>) {
        let mut killed = Vec::new();
        let mut inbox: Vec<Vec<Gain>> = vec![Vec::new(); self.grid.len()];
        for (_, out) in combat {
            for &(slot, energy) in &out.target_energy {
                e.energy[slot as usize] = energy;
            }
            for &(id, slot, killer_tribe) in &out.killed {
                self.fate[slot as usize] = 1 + DeathCause::Killed as u8;
                ledger.counters.kill(killer_tribe);
                killed.push((id, slot));
            }
            for &g in &out.gains {
                inbox[self.owner.get(g.1 as usize) as usize].push(g);
            }
        }
        let mut dead: Vec<(u32, u32)> = ev
            .deaths
            .iter()
            .map(|(d, _)| (d.id, d.slot))
            .chain(killed)
            .collect();
        dead.sort_unstable();
        for &(_, slot) in &dead {
            let cause = match self.fate[slot as usize] {
                1 => DeathCause::Starved,
                2 => DeathCause::OldAge,
                _ => DeathCause::Killed,
            };
            ledger.counters.death(e.tribe(slot as usize), cause);
            ledger.species.died(tick, slot, &e.genes[slot as usize]);
            e.kill(slot as usize);
            ledger.free.release(slot);
        }
        (inbox, dead)
    }

    /// Phase 2: inboxes and births, by the region owning the parent.
    fn births_phase(
        &mut self,
        pool: &WorkPool,
        cx: &TickContext<'_>,
        inbox: Vec<Vec<Gain>>,
        e: &Entities,
    ) -> Vec<(usize, BirthOut)> {
        let mut candidates: Vec<Vec<EntityEvent>> = vec![Vec::new(); self.grid.len()];
        for c in &cx.ev.repro {
            candidates[self.owner.get(c.slot as usize) as usize].push(*c);
        }
        let mut tasks: Vec<(usize, Task<BirthOut>)> = Vec::new();
        for (r, (mut gains, cands)) in inbox.into_iter().zip(candidates).enumerate() {
            if gains.is_empty() && cands.is_empty() {
                continue;
            }
            self.stats[r].events += cands.len() as u64;
            gains.sort_unstable_by_key(|g| g.0);
            let slots = gains
                .iter()
                .map(|g| g.1)
                .chain(cands.iter().map(|c| c.slot))
                .collect();
            let input = Arc::new(BirthInput {
                members: snaps(e, &self.fate, slots),
                gains,
                candidates: cands,
            });
            let (params, terrain, seed, tick) =
                (cx.p.clone(), cx.terrain.clone(), cx.seed, cx.tick);
            tasks.push((
                r,
                Arc::new(move || births_region(&params, seed, tick, &terrain, &input)),
            ));
        }
        self.run_phase(pool, "births", cx.tick, tasks)
    }

    /// Commit: inbox energies, then births in ascending parent id, each
    /// child in the lowest free slot with the next id, in its parent's
    /// species or founding one (`threshold`: `species.threshold`).
    fn commit(
        &mut self,
        ledger: &mut Ledger,
        births: Vec<(usize, BirthOut)>,
        threshold: f32,
        tick: u32,
        e: &mut Entities,
    ) {
        let mut requests = Vec::new();
        for (_, out) in births {
            for &(slot, energy) in &out.energy {
                e.energy[slot as usize] = energy;
            }
            requests.extend(out.requests);
        }
        requests.sort_unstable_by_key(|b| b.parent_id);
        for b in requests {
            let Some(slot) = ledger.free.pop_lowest() else {
                ledger.counters.births_dropped += 1;
                continue;
            };
            let id = ledger.next_id;
            ledger.next_id += 1;
            e.energy[b.parent_slot as usize] = b.parent_energy;
            e.set(&SlotState {
                slot,
                id,
                tribe_flags: b.tribe as u32 | FLAG_ALIVE,
                pos: b.pos,
                vel: b.vel,
                energy: b.energy,
                age: 0.0,
                genes: b.genes,
            });
            let species = ledger.species.born(
                threshold,
                tick,
                (b.parent_slot, b.parent_id),
                (slot, id),
                &b.genes,
            );
            e.tribe_flags[slot as usize] = species::with_tag(e.tribe_flags[slot as usize], species);
            ledger.counters.birth(b.tribe);
            let r = self.grid.region_of(b.pos);
            self.owner.set(slot as usize, r);
            self.births.push(slot);
            self.stats[r as usize].births_in += 1;
        }
    }
}
