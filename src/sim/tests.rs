//! Each broken invariant is named by [`Simulation::check_invariants`].

use super::*;
use crate::model::entities::FLAG_ALIVE;

fn sim() -> Simulation {
    let s = Scenario::default_scenario().scaled_to(600).unwrap();
    let mut sim = Simulation::new(s, Backend::Cpu, 1).unwrap();
    for _ in 0..5 {
        sim.step().unwrap();
    }
    sim
}

#[test]
fn each_broken_invariant_is_named() {
    let ok = sim();
    assert_eq!(ok.check_invariants(), Ok(()));
    let e = &ok.world.entities;
    let first = (0..e.capacity()).find(|&i| e.alive(i)).unwrap();
    let second = (first + 1..e.capacity()).find(|&i| e.alive(i)).unwrap();
    type Breaker = Box<dyn Fn(&mut World)>;
    let cases: Vec<(&str, Breaker)> = vec![
        (
            "twice",
            Box::new(move |w| w.entities.id[second] = w.entities.id[first]),
        ),
        (
            "outside",
            Box::new(move |w| w.entities.pos[first][0] = -1.0),
        ),
        (
            "non-finite",
            Box::new(move |w| w.entities.energy[first] = f32::NAN),
        ),
        ("id counter", Box::new(|w| w.ledger.next_id = 0)),
        (
            "births",
            Box::new(|w| w.ledger.counters.tribes[0].births += 1),
        ),
        (
            "free-slot",
            Box::new(move |w| w.entities.tribe_flags[first] &= !FLAG_ALIVE),
        ),
        ("food", Box::new(|w| w.food.quanta.fill(u16::MAX))),
        ("initial", Box::new(|w| w.initial += 1)),
    ];
    for (what, break_it) in cases {
        let mut s = sim();
        break_it(&mut s.world);
        let e = s.check_invariants().expect_err(what);
        assert!(e.contains(what), "{what}: {e}");
    }
    // The region grid is the simulation's, not the world's.
    let mut s = sim();
    s.regions.grid.xs[0] = 5.0;
    let e = s.check_invariants().expect_err("region");
    assert!(e.contains("region"), "region: {e}");
}
