//! The events a tick's passes emit and the region workers resolve: attack
//! intents, reproduction candidates and deaths, each list sorted by entity id
//! so that no thread timing can change the order they are resolved in.

/// Why an entity died.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
pub enum DeathCause {
    /// Energy reached zero.
    Starved = 0,
    /// Older than its lifespan.
    OldAge = 1,
    /// Killed in combat.
    Killed = 2,
}

/// An attack intent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Attack {
    /// Target id (first: attacks are grouped by target).
    pub target_id: u32,
    /// Attacker id.
    pub attacker_id: u32,
    /// Target slot.
    pub target: u32,
    /// Attacker slot.
    pub attacker: u32,
}

/// An entity event (reproduction candidate or death).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EntityEvent {
    /// Entity id (first: events sort by id).
    pub id: u32,
    /// The entity's slot when the event was emitted.
    pub slot: u32,
}

/// The events of one tick.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Events {
    /// Attacks, sorted by (target id, attacker id).
    pub attacks: Vec<Attack>,
    /// Reproduction candidates, sorted by id.
    pub repro: Vec<EntityEvent>,
    /// Deaths by starvation or age, sorted by id, with their cause.
    pub deaths: Vec<(EntityEvent, DeathCause)>,
}

impl Events {
    /// Empties the lists, keeping their allocations.
    pub fn clear(&mut self) {
        self.attacks.clear();
        self.repro.clear();
        self.deaths.clear();
    }
}
