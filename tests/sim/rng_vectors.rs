//! The counter-based RNG must keep producing the committed test vectors
//! (`tests/data/rng_vectors.csv`); the WGSL twin is checked against the same
//! table. Regenerate only on purpose: `EVOSIM_BLESS=1 cargo test --test sim rng_vectors`.

use evosim::model::rng::rng4;

const PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/rng_vectors.csv");

fn inputs() -> Vec<(u64, u32, u32, u32)> {
    let mut v = vec![
        (0, 0, 0, 0),
        (1, 0, 0, 0),
        (0, 1, 0, 0),
        (0, 0, 1, 0),
        (0, 0, 0, 1),
        (u64::MAX, u32::MAX, u32::MAX, u32::MAX),
    ];
    for k in 0..26u64 {
        let s = k.wrapping_mul(0x9e37_79b9_7f4a_7c15);
        v.push((
            s,
            (k * 977) as u32,
            (k * 7919 + 3) as u32,
            (k % 5) as u32 * 0x100 + k as u32,
        ));
    }
    v
}

fn render() -> String {
    let mut out = String::from("seed,tick,id,stream,w0,w1,w2,w3\n");
    for (s, t, i, st) in inputs() {
        let w = rng4(s, t, i, st);
        out += &format!("{s},{t},{i},{st},{},{},{},{}\n", w[0], w[1], w[2], w[3]);
    }
    out
}

#[test]
fn rng_matches_committed_vectors() {
    if std::env::var_os("EVOSIM_BLESS").is_some() {
        std::fs::write(PATH, render()).unwrap();
    }
    let committed = std::fs::read_to_string(PATH).expect("tests/data/rng_vectors.csv is committed");
    assert_eq!(
        render(),
        committed.replace("\r\n", "\n"),
        "the RNG changed: saved results and the WGSL twin would break"
    );
}
