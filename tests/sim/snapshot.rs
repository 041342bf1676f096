//! Snapshots: resuming gives the uninterrupted run's result (CPU across
//! thread and region counts, GPU on the same adapter); bad files — truncated,
//! bit-flipped, wrong version or magic, absurd sizes, inconsistent contents —
//! are one clear error and never a panic; a committed version-1 file still
//! loads.

use evosim::snapshot::{HEADER, SnapshotError, Writer, checksum};
use evosim::{Backend, Scenario, SimError, Simulation};

fn tiny() -> Scenario {
    crate::common::scenario(
        r#"
        name = "tiny"
        seed = 7
        capacity = 160
        [world]
        width = 200
        height = 160
        [[tribes]]
        name = "Grazers"
        count = 40
        spawn_center = [60, 80]
        spawn_radius = 40
        genes.diet = { mean = -0.8 }
        [[tribes]]
        name = "Hunters"
        count = 20
        spawn_center = [140, 80]
        spawn_radius = 30
        genes.diet = { mean = 0.8 }
        genes.aggression = { mean = 0.9 }
        "#,
    )
}

fn run(sim: &mut Simulation, ticks: u32) {
    for _ in 0..ticks {
        sim.step().expect("tick");
    }
}

fn same_world(a: &Simulation, b: &Simulation) {
    assert_eq!(a.tick(), b.tick());
    assert_eq!(a.state_hash(), b.state_hash());
    assert_eq!(a.counters(), b.counters());
    assert_eq!(a.next_id(), b.next_id());
    assert_eq!(a.food().quanta, b.food().quanta);
    assert_eq!(a.history().samples, b.history().samples);
}

#[test]
fn resuming_on_the_cpu_gives_the_uninterrupted_result_across_threads_and_regions() {
    let s = crate::common::default_scaled(2500);
    let mut whole = crate::common::sim(s.clone(), 1);
    run(&mut whole, 130);
    let mut first = crate::common::sim(s, 2);
    // Not on a reorder tick (every 30): the slot layout is mid-interval.
    run(&mut first, 77);
    let bytes = first.to_snapshot().unwrap();
    assert!(
        !first.last_events().attacks.is_empty() && !first.last_events().repro.is_empty(),
        "events pending at the snapshot: {:?}",
        first.last_events()
    );
    for (threads, regions) in [(1, None), (2, Some((3, 1))), (2, Some((1, 1)))] {
        let mut resumed =
            Simulation::from_snapshot(&bytes, Backend::Cpu, threads, regions).unwrap();
        assert_eq!(resumed.tick(), 77);
        assert_eq!(resumed.state_hash(), first.state_hash());
        run(&mut resumed, 53);
        same_world(&whole, &resumed);
    }
}

#[test]
fn resuming_on_the_gpu_gives_the_uninterrupted_result() {
    if !crate::common::gpu::have_gpu() {
        return;
    }
    let s = crate::common::default_scaled(2500);
    let mut whole = Simulation::new(s.clone(), Backend::Gpu, 2).unwrap();
    run(&mut whole, 100);
    let mut first = Simulation::new(s, Backend::Gpu, 2).unwrap();
    run(&mut first, 47);
    let bytes = first.to_snapshot().unwrap();
    let mut resumed = Simulation::from_snapshot(&bytes, Backend::Gpu, 1, Some((1, 2))).unwrap();
    assert_eq!(resumed.backend(), Backend::Gpu);
    run(&mut resumed, 53);
    same_world(&whole, &resumed);
    // A GPU snapshot resumes on the CPU too (a different engine: it runs,
    // it is not expected to match).
    let mut on_cpu = Simulation::from_snapshot(&bytes, Backend::Cpu, 2, None).unwrap();
    run(&mut on_cpu, 10);
    crate::common::check_invariants(&on_cpu);
}

fn valid() -> Vec<u8> {
    let mut sim = crate::common::sim(tiny(), 1);
    run(&mut sim, 45);
    sim.to_snapshot().unwrap()
}

/// The file with its payload checksum recomputed (to get past the checksum
/// and reach the field checks).
fn reseal(mut f: Vec<u8>) -> Vec<u8> {
    let sum = checksum(&f[HEADER..]);
    f[24..32].copy_from_slice(&sum.to_le_bytes());
    f
}

fn load(bytes: &[u8]) -> Result<Simulation, SimError> {
    Simulation::from_snapshot(bytes, Backend::Cpu, 1, None)
}

fn err(bytes: &[u8]) -> SnapshotError {
    match load(bytes) {
        Err(SimError::Snapshot(e)) => {
            let m = e.to_string();
            assert!(!m.contains('\n') && !m.is_empty(), "one line: {m}");
            e
        }
        Err(other) => panic!("not a snapshot error: {other}"),
        Ok(_) => panic!("a bad file loaded"),
    }
}

#[test]
fn a_valid_file_round_trips() {
    let bytes = valid();
    let sim = load(&bytes).unwrap();
    assert_eq!(sim.to_snapshot().unwrap(), bytes, "save(load(x)) == x");
}

#[test]
fn truncated_files_are_clear_errors() {
    let bytes = valid();
    for cut in [
        0,
        3,
        8,
        12,
        20,
        31,
        HEADER,
        HEADER + 1,
        bytes.len() / 2,
        bytes.len() - 1,
    ] {
        let e = err(&bytes[..cut]);
        assert!(
            matches!(
                e,
                SnapshotError::NotASnapshot | SnapshotError::Truncated { .. }
            ),
            "cut at {cut}: {e}"
        );
    }
}

#[test]
fn flipped_bits_wrong_magic_and_wrong_version_are_clear_errors() {
    let bytes = valid();
    for at in [HEADER, HEADER + 9, bytes.len() / 3, bytes.len() - 1] {
        let mut b = bytes.clone();
        b[at] ^= 0x10;
        assert!(matches!(err(&b), SnapshotError::Checksum), "bit at {at}");
    }
    let mut b = bytes.clone();
    b[0] = b'X';
    assert!(matches!(err(&b), SnapshotError::NotASnapshot));
    let mut b = bytes.clone();
    b[8..12].copy_from_slice(&4u32.to_le_bytes());
    assert!(matches!(err(&b), SnapshotError::Version { found: 4 }));
    let e = err(b"hello, world: not a snapshot at all");
    assert!(matches!(e, SnapshotError::NotASnapshot));
}

#[test]
fn absurd_sizes_are_refused_before_allocating() {
    // The header claims an enormous payload.
    let mut b = valid();
    b[16..24].copy_from_slice(&u64::MAX.to_le_bytes());
    assert!(matches!(err(&b), SnapshotError::Truncated { .. }));
    // A string of u64::MAX bytes.
    let mut w = Writer::new();
    w.u64(u64::MAX);
    assert!(matches!(err(&w.finish()), SnapshotError::Invalid(_)));
    // A valid scenario, then an array claiming 2^62 entries.
    let text = toml::to_string(&tiny()).unwrap();
    let mut w = Writer::new();
    w.str(&text);
    w.u32(10);
    w.u64(60);
    w.u32(60);
    w.u64(1 << 62);
    let e = err(&w.finish());
    assert!(e.to_string().contains("claims"), "{e}");
}

#[test]
fn inconsistent_contents_are_clear_errors() {
    let bytes = valid();
    // Change every 4-byte word of the payload, one at a time (spread over
    // the file), reseal, and load: each load is a clear error or a valid
    // world (some fields, such as a food amount, may take any value), and
    // never a panic.
    let mut errors = 0;
    let step = ((bytes.len() - HEADER) / 300).max(4) & !3;
    for at in (HEADER..bytes.len() - 4).step_by(step) {
        let mut b = bytes.clone();
        b[at..at + 4].copy_from_slice(&0x7fc0_0001u32.to_le_bytes()); // a NaN, or a huge count
        match load(&reseal(b)) {
            Err(SimError::Snapshot(e)) => {
                assert!(!e.to_string().contains('\n'));
                errors += 1;
            }
            Err(other) => panic!("at {at}: {other}"),
            Ok(sim) => crate::common::check_invariants(&sim),
        }
    }
    assert!(errors > 100, "most changes are caught: {errors}");
}

#[test]
fn the_committed_version_1_file_still_loads() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/tiny-v1.evosnap");
    // Written by the build that wrote version 1, before the pending events.
    let bytes = std::fs::read(&path).expect("tests/data/tiny-v1.evosnap");
    let mut sim = load(&bytes).expect("version 1 loads");
    assert_eq!(sim.tick(), 45);
    // Before version 3 there were no species: the tribes are the species.
    let tribes = sim.scenario().tribes.len() as u32;
    assert_eq!(sim.species().total(), tribes);
    crate::common::check_invariants(&sim);
    run(&mut sim, 5);
    crate::common::check_invariants(&sim);
}
