//! A [`World`] as the payload of a snapshot file, and back.
//!
//! The payload holds the scenario (the terrain and every parameter follow
//! from it), the tick, every entity slot, the food grid, the id counter and
//! free slots, the counters, the region layout, the history, (from format
//! version 2) the events the next tick resolves and (from version 3) the
//! species book.

use super::{Reader, SnapshotError, Writer, species};
use crate::common::events::{Attack, DeathCause, EntityEvent, Events};
use crate::model::entities::Entities;
use crate::model::food::Food;
use crate::model::grid::Grid;
use crate::model::scenario::Scenario;
use crate::regions::grid::RegionGrid;
use crate::species::SpeciesBook;
use crate::world::stats::{Counters, History, HistorySample, TribeCounters};
use crate::world::{FreeSlots, Ledger, World};

/// Counters stored per tribe.
const TRIBE_FIELDS: usize = 8;

fn invalid(m: impl Into<String>) -> SnapshotError {
    SnapshotError::Invalid(m.into())
}

/// The payload of `world` and its region grid, with `e` and `food` as its
/// entity slots and food grid (on the GPU backend, the ones read back).
pub fn encode(
    world: &World,
    grid: &RegionGrid,
    e: &Entities,
    food: &Food,
) -> Result<Vec<u8>, SnapshotError> {
    let scenario = toml::to_string(&world.scenario)
        .map_err(|e| invalid(format!("the scenario cannot be written: {e}")))?;
    let mut w = Writer::new();
    w.str(&scenario);
    w.u32(world.tick);
    w.u64(world.initial);
    w.u32(world.ledger.next_id);
    let c = &world.ledger.counters;
    let tribes: Vec<u64> = c.tribes.iter().flat_map(tribe_fields).collect();
    w.u64s(&tribes);
    w.u64(c.births_dropped);
    w.f64(c.food_eaten);
    let free = &world.ledger.free;
    w.u32(free.live_end() as u32);
    w.u32(free.capacity());
    w.words(&free.holes().collect::<Vec<u32>>());
    w.words(&e.pos);
    w.words(&e.vel);
    w.words(&e.energy);
    w.words(&e.age);
    w.words(&e.tribe_flags);
    w.words(&e.id);
    w.words(&e.genes);
    w.words(&food.amounts());
    // Capacities and cooldowns in seconds, as the model states them (the
    // grid derives the one and counts the other in ticks).
    w.words(&food.capacities());
    w.words(&food.cooldown_seconds());
    let g = grid;
    w.u32(g.rows);
    w.u32(g.cols);
    w.words(&g.xs);
    w.words(&g.ys);
    w.u64(world.history.limit as u64);
    w.u64(world.history.samples.len() as u64);
    for h in &world.history.samples {
        w.u32(h.tick);
        w.u64s(&h.population);
        w.u64(h.births);
        w.u64(h.deaths);
        w.u64(h.kills);
        w.u64(h.starved);
    }
    let ev = &world.events;
    let attacks: Vec<[u32; 4]> = ev
        .attacks
        .iter()
        .map(|a| [a.target_id, a.attacker_id, a.target, a.attacker])
        .collect();
    w.words(&attacks);
    let repro: Vec<[u32; 2]> = ev.repro.iter().map(|c| [c.id, c.slot]).collect();
    w.words(&repro);
    let deaths: Vec<[u32; 3]> = ev
        .deaths
        .iter()
        .map(|(d, cause)| [d.id, d.slot, *cause as u32])
        .collect();
    w.words(&deaths);
    species::write(&mut w, &world.ledger.species);
    Ok(w.finish())
}

/// The pending events of a version 2 payload: every slot below the
/// capacity, causes starved or old age; sorted as the engines keep them.
fn read_events(r: &mut Reader, capacity: usize) -> Result<Events, SnapshotError> {
    let list = |r: &mut Reader, per: usize, what: &str| -> Result<Vec<u32>, SnapshotError> {
        let v = r.u32s(capacity.saturating_mul(per), what)?;
        if v.len() % per != 0 {
            return Err(invalid(format!(
                "{what}: {} words, not whole entries",
                v.len()
            )));
        }
        Ok(v)
    };
    let slot_ok = |s: u32| (s as usize) < capacity;
    let a = list(r, 4, "the pending attacks")?;
    let p = list(r, 2, "the pending reproduction candidates")?;
    let d = list(r, 3, "the pending deaths")?;
    let mut ev = Events::default();
    for x in a.chunks_exact(4) {
        if !slot_ok(x[2]) || !slot_ok(x[3]) {
            return Err(invalid("a pending attack names a slot past the capacity"));
        }
        ev.attacks.push(Attack {
            target_id: x[0],
            attacker_id: x[1],
            target: x[2],
            attacker: x[3],
        });
    }
    for x in p.chunks_exact(2) {
        if !slot_ok(x[1]) {
            return Err(invalid(
                "a pending candidate names a slot past the capacity",
            ));
        }
        ev.repro.push(EntityEvent {
            id: x[0],
            slot: x[1],
        });
    }
    for x in d.chunks_exact(3) {
        let cause = match x[2] {
            0 => DeathCause::Starved,
            1 => DeathCause::OldAge,
            c => return Err(invalid(format!("a pending death has cause {c}"))),
        };
        if !slot_ok(x[1]) {
            return Err(invalid("a pending death names a slot past the capacity"));
        }
        ev.deaths.push((
            EntityEvent {
                id: x[0],
                slot: x[1],
            },
            cause,
        ));
    }
    ev.attacks.sort_unstable();
    ev.repro.sort_unstable();
    ev.deaths.sort_unstable();
    // As emit_events leaves them: one attack per attacker, one candidate and
    // one death per creature.
    let unique = |mut v: Vec<u32>, what: &str| {
        v.sort_unstable();
        match v.windows(2).any(|w| w[0] == w[1]) {
            true => Err(invalid(format!("{what} names a slot twice"))),
            false => Ok(()),
        }
    };
    unique(
        ev.attacks.iter().map(|a| a.attacker).collect(),
        "the pending attacks",
    )?;
    unique(
        ev.repro.iter().map(|c| c.slot).collect(),
        "the pending candidates",
    )?;
    unique(
        ev.deaths.iter().map(|(d, _)| d.slot).collect(),
        "the pending deaths",
    )?;
    Ok(ev)
}

fn tribe_fields(t: &TribeCounters) -> [u64; TRIBE_FIELDS] {
    [
        t.population,
        t.initial,
        t.births,
        t.deaths,
        t.kills,
        t.starved,
        t.old_age,
        t.killed,
    ]
}

/// The fields of a saved world, read and checked for size (not yet for
/// consistency: [`restore`] does that).
pub struct Saved {
    /// The saved scenario, validated.
    pub scenario: Scenario,
    tick: u32,
    initial: u64,
    next_id: u32,
    counters: Counters,
    free: FreeSlots,
    entities: Entities,
    food: [Vec<f32>; 3],
    bounds: (u32, u32, Vec<f32>, Vec<f32>),
    history: History,
    events: Events,
    species: Option<SpeciesBook>,
}

/// Reads the payload of a snapshot file. Every length is checked before
/// anything is allocated; any problem is an error, never a panic.
pub fn decode(bytes: &[u8]) -> Result<Saved, SnapshotError> {
    let mut r = Reader::open(bytes)?;
    let text = r.str("the scenario")?;
    let scenario = Scenario::from_toml(&text, "the snapshot's scenario")
        .map_err(|e| invalid(format!("its scenario: {e}")))?;
    scenario
        .validate()
        .map_err(|e| invalid(format!("its scenario: {e}")))?;
    let params = scenario.params();
    let capacity = scenario.resolved_capacity() as usize;
    let tribes = scenario.tribes.len();
    let cells = Grid::new(
        params.world.width,
        params.world.height,
        params.food.cell_size,
    )
    .len();
    let tick = r.u32("the tick")?;
    let initial = r.u64("the initial population")?;
    let next_id = r.u32("the id counter")?;
    let counters = read_counters(&mut r, tribes)?;
    let high = r.u32("the slot high-water mark")?;
    let cap = r.u32("the slot capacity")?;
    if cap as usize != capacity {
        return Err(invalid(format!(
            "{cap} slots, but its scenario gives {capacity}"
        )));
    }
    let holes = r.u32s(capacity, "the free slots")?;
    let free = FreeSlots::from_parts(&holes, high, cap)
        .ok_or_else(|| invalid("the free-slot list is inconsistent"))?;
    let mut e = Entities::with_capacity(0);
    e.pos = r.words(capacity, "positions")?;
    e.vel = r.words(capacity, "velocities")?;
    e.energy = r.words(capacity, "energies")?;
    e.age = r.words(capacity, "ages")?;
    e.tribe_flags = r.words(capacity, "tribes and flags")?;
    e.id = r.words(capacity, "ids")?;
    e.genes = r.words(capacity, "genes")?;
    let food = [
        r.words(cells, "food amounts")?,
        r.words(cells, "food capacities")?,
        r.words(cells, "food cooldowns")?,
    ];
    let bounds = read_bounds(&mut r)?;
    let history = read_history(&mut r, tribes)?;
    let events = if r.version >= 2 {
        read_events(&mut r, capacity)?
    } else {
        Events::default()
    };
    // Every species but the initial ones had a founder, who had an id.
    let max_species = (next_id as usize).saturating_add(tribes);
    let species = if r.version >= 3 {
        Some(species::read(&mut r, capacity, tribes, max_species)?)
    } else {
        None
    };
    r.end()?;
    Ok(Saved {
        scenario,
        tick,
        initial,
        next_id,
        counters,
        free,
        entities: e,
        food,
        bounds,
        history,
        events,
        species,
    })
}

fn read_counters(r: &mut Reader, tribes: usize) -> Result<Counters, SnapshotError> {
    let tc = r.u64s(tribes * TRIBE_FIELDS, "the tribe counters")?;
    if tc.len() != tribes * TRIBE_FIELDS {
        return Err(invalid(format!(
            "{} tribe counters for {tribes} tribes",
            tc.len()
        )));
    }
    let mut counters = Counters::new(&vec![0; tribes]);
    for (t, f) in counters
        .tribes
        .iter_mut()
        .zip(tc.chunks_exact(TRIBE_FIELDS))
    {
        *t = TribeCounters {
            population: f[0],
            initial: f[1],
            births: f[2],
            deaths: f[3],
            kills: f[4],
            starved: f[5],
            old_age: f[6],
            killed: f[7],
        };
    }
    counters.births_dropped = r.u64("births dropped")?;
    counters.food_eaten = r.f64("food eaten")?;
    Ok(counters)
}

fn read_bounds(r: &mut Reader) -> Result<(u32, u32, Vec<f32>, Vec<f32>), SnapshotError> {
    let rows = r.u32("region rows")?;
    let cols = r.u32("region columns")?;
    if !(1..=256).contains(&rows) || !(1..=256).contains(&cols) {
        return Err(invalid(format!("a {rows}x{cols} region grid")));
    }
    let xs = r.words(cols as usize + 1, "region columns")?;
    let ys = r.words(rows as usize + 1, "region rows")?;
    Ok((rows, cols, xs, ys))
}

fn read_history(r: &mut Reader, tribes: usize) -> Result<History, SnapshotError> {
    let limit = r.u64("the history limit")?;
    let samples = r.u64("the history length")?;
    if limit == 0 || limit > 1 << 20 || samples > limit {
        return Err(invalid(format!(
            "a history of {samples} samples with limit {limit}"
        )));
    }
    let mut history = History::new(limit as usize);
    for _ in 0..samples {
        let tick = r.u32("a history sample")?;
        let population = r.u64s(tribes, "a history sample")?;
        if population.len() != tribes {
            return Err(invalid("a history sample has the wrong tribe count"));
        }
        history.push(HistorySample {
            tick,
            population,
            births: r.u64("a history sample")?,
            deaths: r.u64("a history sample")?,
            kills: r.u64("a history sample")?,
            starved: r.u64("a history sample")?,
        });
    }
    Ok(history)
}

/// Puts a saved state into `world` (made from the saved scenario) and its
/// region grid `grid` (perhaps of another shape), and checks it with
/// [`World::validate`]. The saved region boundaries are kept when
/// `keep_bounds` and the grid has the saved shape. On an error `world` is
/// left half-restored: drop it.
pub fn restore(
    world: &mut World,
    grid: &mut RegionGrid,
    s: Saved,
    keep_bounds: bool,
) -> Result<(), SnapshotError> {
    let capacity = s.entities.capacity();
    let tribes = s.counters.tribes.len();
    world.tick = s.tick;
    world.initial = s.initial;
    world.entities = s.entities;
    let [amount, capacity_f, cooldown] = s.food;
    if capacity_f != world.food.capacities() {
        return Err(invalid(
            "the saved food capacities differ from those of the saved scenario's terrain",
        ));
    }
    if !cooldown.iter().all(|t| t.is_finite() && *t >= 0.0) {
        return Err(invalid("a food cell's cooldown is negative or not finite"));
    }
    let over = |(a, c): (&f32, &f32)| !a.is_finite() || *a < 0.0 || *a > *c;
    if amount.iter().zip(&capacity_f).any(over) {
        return Err(invalid(
            "a food cell's amount is negative, not finite or above its capacity",
        ));
    }
    world.food.set_amounts(&amount);
    world.food.set_cooldown_seconds(&cooldown);
    world.ledger = Ledger::new(capacity, 0, &vec![0; tribes]);
    world.ledger.free = s.free;
    world.ledger.next_id = s.next_id;
    world.ledger.counters = s.counters;
    world.history = s.history;
    world.events = s.events;
    // Before version 3: the species are the tribes, as at a fresh start.
    world.ledger.species = match s.species {
        Some(book) => book,
        None => SpeciesBook::from_tribes(
            &mut world.entities,
            world.ledger.free.live_end(),
            tribes,
            crate::world::HISTORY_LIMIT,
        ),
    };
    let (rows, cols, xs, ys) = s.bounds;
    let g = grid;
    let bounds_ok = |b: &[f32], len: f32| {
        b.first() == Some(&0.0) && b.last() == Some(&len) && b.windows(2).all(|p| p[0] < p[1])
    };
    let (w, h) = (world.params.world.width, world.params.world.height);
    if !bounds_ok(&xs, w) || !bounds_ok(&ys, h) {
        return Err(invalid("the region boundaries do not split the world"));
    }
    if keep_bounds && (g.rows, g.cols) == (rows, cols) {
        g.xs = xs;
        g.ys = ys;
    }
    world.validate().map_err(invalid)?;
    Ok(())
}
