//! Property tests over hostile input (a fuzzing stand-in on stable Rust,
//! bounded so that CI runs them in seconds): the snapshot reader and the
//! scenario parser return `Ok` or one clear error for any input, and never
//! panic. The corpus they start from is committed: `tests/data/tiny-v1.evosnap`
//! (and a current-version snapshot with events pending, made from it) and
//! `scenarios/*.toml`; proptest writes any failing case it finds to
//! `tests/fuzz.proptest-regressions`, to be committed with the fix.

use evosim::snapshot::{HEADER, checksum};
use evosim::{Backend, Scenario, Simulation};
use proptest::prelude::*;

fn seed_snapshot() -> Vec<u8> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/tiny-v1.evosnap");
    std::fs::read(path).expect("committed snapshot")
}

/// A snapshot of the current version with events pending: the committed file run on
/// until its last tick emitted some.
fn seed_snapshot_v2() -> &'static [u8] {
    static SEED: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    SEED.get_or_init(|| {
        let mut sim = Simulation::from_snapshot(&seed_snapshot(), Backend::Cpu, 1, None)
            .expect("the committed snapshot loads");
        for _ in 0..400 {
            sim.step().expect("it runs");
            let ev = sim.last_events();
            if !ev.attacks.is_empty() && (!ev.repro.is_empty() || !ev.deaths.is_empty()) {
                break;
            }
        }
        assert!(!sim.last_events().attacks.is_empty(), "events pending");
        sim.to_snapshot().expect("a snapshot")
    })
}

fn seed_scenarios() -> Vec<String> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios");
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .expect("scenarios/")
        .filter_map(|e| e.ok())
        .filter(|e| e.path().extension().is_some_and(|x| x == "toml"))
        .map(|e| std::fs::read_to_string(e.path()).expect("readable"))
        .collect();
    v.sort();
    v
}

/// One edit to a byte string.
#[derive(Debug, Clone)]
enum Edit {
    Flip(usize, u8),
    Word(usize, u32),
    Truncate(usize),
    Insert(usize, Vec<u8>),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<usize>(), 1u8..=255).prop_map(|(at, x)| Edit::Flip(at, x)),
        (any::<usize>(), any::<u32>()).prop_map(|(at, w)| Edit::Word(at, w)),
        any::<usize>().prop_map(Edit::Truncate),
        (
            any::<usize>(),
            proptest::collection::vec(any::<u8>(), 1..16)
        )
            .prop_map(|(at, b)| Edit::Insert(at, b)),
    ]
}

fn apply(mut b: Vec<u8>, edits: &[Edit]) -> Vec<u8> {
    for e in edits {
        let n = b.len().max(1);
        match e {
            Edit::Flip(at, x) => {
                if !b.is_empty() {
                    b[at % n] ^= x;
                }
            }
            Edit::Word(at, w) => {
                if b.len() >= 4 {
                    let at = at % (b.len() - 3);
                    b[at..at + 4].copy_from_slice(&w.to_le_bytes());
                }
            }
            Edit::Truncate(at) => b.truncate(at % n),
            Edit::Insert(at, bytes) => {
                let at = at % n;
                b.splice(at..at, bytes.iter().copied());
            }
        }
    }
    b
}

fn reseal(mut f: Vec<u8>) -> Vec<u8> {
    if f.len() >= HEADER {
        let len = (f.len() - HEADER) as u64;
        f[16..24].copy_from_slice(&len.to_le_bytes());
        let sum = checksum(&f[HEADER..]);
        f[24..32].copy_from_slice(&sum.to_le_bytes());
    }
    f
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 160, failure_persistence: None, ..ProptestConfig::default() })]

    /// Edited snapshots, with the header's length and checksum made to fit
    /// (or not): the reader answers without panicking, and a world it
    /// accepts can run.
    #[test]
    fn snapshot_reader_never_panics(edits in proptest::collection::vec(edit(), 1..4), fix in any::<bool>(), v2 in any::<bool>()) {
        let seed = if v2 { seed_snapshot_v2().to_vec() } else { seed_snapshot() };
        let mut b = apply(seed, &edits);
        if fix {
            b = reseal(b);
        }
        if let Ok(mut sim) = Simulation::from_snapshot(&b, Backend::Cpu, 1, None) {
            for _ in 0..3 {
                sim.step().expect("an accepted world runs");
            }
        }
    }

    /// Edited scenario files: parsed and validated without panicking; a
    /// scenario that passes builds a world.
    #[test]
    fn scenario_parser_never_panics(which in 0usize..64, edits in proptest::collection::vec(edit(), 1..4)) {
        let seeds = seed_scenarios();
        let text = seeds[which % seeds.len()].as_bytes().to_vec();
        let b = apply(text, &edits);
        let text = String::from_utf8_lossy(&b);
        if let Ok(s) = Scenario::from_toml(&text, "<fuzz>") {
            let small = s.params().world.width * s.params().world.height <= 4.0e6;
            if s.validate().is_ok() && small && s.resolved_capacity() <= 100_000 && s.initial_population() <= 20_000 {
                let _ = Simulation::new(s, Backend::Cpu, 1);
            }
        }
    }

    /// Arbitrary text as a scenario.
    #[test]
    fn scenario_parser_takes_any_text(text in "\\PC{0,400}") {
        let _ = Scenario::from_toml(&text, "<fuzz>").map(|s| s.validate());
    }
}
