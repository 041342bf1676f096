//! Same scenario and seed → same state hash, whatever the thread count;
//! a different seed → a different hash.

use crate::common::{default_scaled, sim};

fn run(seed: u64, threads: usize, ticks: u32) -> (u64, u64) {
    let mut s = default_scaled(3000);
    s.seed = seed;
    let mut sim = sim(s, threads);
    for _ in 0..ticks {
        sim.step().unwrap();
    }
    // A world that died out would be the same for any seed and threads.
    assert!(
        sim.population() > 0,
        "the population died out by tick {ticks}"
    );
    (sim.state_hash(), sim.population())
}

#[test]
fn same_seed_same_hash_for_any_thread_count() {
    let one = run(7, 1, 400);
    assert_eq!(one, run(7, 2, 400), "1 vs 2 threads");
    assert_eq!(one, run(7, 3, 400), "1 vs 3 threads");
}

#[test]
fn different_seed_different_hash() {
    assert_ne!(run(7, 2, 50).0, run(8, 2, 50).0);
}

#[test]
fn hash_reflects_every_field() {
    let mut a = sim(default_scaled(500), 1);
    a.step().unwrap();
    let h = a.state_hash();
    let e = a.entities();
    let i = (0..e.capacity()).find(|&i| e.alive(i)).unwrap();
    assert_eq!(e.state_hash(), h);
    // One bit of each word of every field of the entity's state, one at a
    // time: every change shows in the hash.
    type Flip = fn(&mut evosim::model::entities::Entities, usize);
    let flips: [(&str, Flip); 16] = [
        ("id", |e, i| e.id[i] ^= 1),
        ("tribe", |e, i| e.tribe_flags[i] ^= 1),
        ("pos.x", |e, i| {
            e.pos[i][0] = f32::from_bits(e.pos[i][0].to_bits() ^ 1)
        }),
        ("pos.y", |e, i| {
            e.pos[i][1] = f32::from_bits(e.pos[i][1].to_bits() ^ 1)
        }),
        ("vel.x", |e, i| {
            e.vel[i][0] = f32::from_bits(e.vel[i][0].to_bits() ^ 1)
        }),
        ("vel.y", |e, i| {
            e.vel[i][1] = f32::from_bits(e.vel[i][1].to_bits() ^ 1)
        }),
        ("energy", |e, i| {
            e.energy[i] = f32::from_bits(e.energy[i].to_bits() ^ 1)
        }),
        ("age", |e, i| {
            e.age[i] = f32::from_bits(e.age[i].to_bits() ^ 1)
        }),
        ("genes[0]", |e, i| e.genes[i][0] ^= 1),
        ("genes[1]", |e, i| e.genes[i][1] ^= 1 << 20),
        ("genes[2]", |e, i| e.genes[i][2] ^= 1),
        ("genes[3]", |e, i| e.genes[i][3] ^= 1 << 20),
        ("genes[4]", |e, i| e.genes[i][4] ^= 1),
        ("alive", |e, i| e.kill(i)),
        ("slot", |e, i| {
            let s = e.get(i as u32);
            e.kill(i);
            let to = (0..e.capacity()).find(|&k| k != i && !e.alive(k)).unwrap();
            e.set(&evosim::model::entities::SlotState {
                slot: to as u32,
                ..s
            });
        }),
        ("another entity", |e, i| {
            let j = (i + 1..e.capacity()).find(|&k| e.alive(k)).unwrap();
            e.energy[j] = f32::from_bits(e.energy[j].to_bits() ^ 1);
        }),
    ];
    for (field, flip) in flips {
        let mut changed = e.clone();
        flip(&mut changed, i);
        assert_ne!(changed.state_hash(), h, "{field}");
    }
}

/// A hash of the living entities in id order (independent of slot numbers).
fn by_id_hash(sim: &evosim::Simulation) -> u64 {
    let e = sim.entities();
    let mut slots: Vec<usize> = (0..e.capacity()).filter(|&i| e.alive(i)).collect();
    slots.sort_by_key(|&i| e.id[i]);
    let mut h = evosim::model::entities::Fnv::new();
    for i in slots {
        for w in [
            e.id[i],
            e.tribe_flags[i],
            e.pos[i][0].to_bits(),
            e.pos[i][1].to_bits(),
            e.energy[i].to_bits(),
            e.age[i].to_bits(),
        ] {
            h.word(w);
        }
        e.genes[i].iter().for_each(|&w| h.word(w));
    }
    h.finish()
}

#[test]
fn slot_reordering_changes_slots_but_not_the_world() {
    let make = |interval: u32| {
        let mut s = default_scaled(2000);
        s.hash.reorder_interval = interval;
        sim(s, 2)
    };
    let (mut a, mut b) = (make(0), make(7));
    for t in 0..300 {
        a.step().unwrap();
        b.step().unwrap();
        if t % 50 == 49 {
            assert_eq!(by_id_hash(&a), by_id_hash(&b), "tick {}", a.tick());
            assert_eq!(a.counters(), b.counters());
            crate::common::check_invariants(&b);
        }
    }
    assert!(a.population() > 0, "a living world");
    // The reordered world keeps its living entities in slots 0..n in cell order.
    assert_ne!(a.state_hash(), b.state_hash(), "slot numbers differ");
}
