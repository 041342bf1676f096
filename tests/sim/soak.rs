//! The soak run: 200,000 ticks at 5,000 entities with the invariants checked
//! after every tick, watching the process's resident memory from outside.
//! It passes when the run ends well and the memory of its last quarter is
//! flat (no more than 10% or 8 MB above the first quarter's).
//!
//! Ignored by default (about 20 minutes on two cores, release):
//!
//! ```sh
//! cargo build --release
//! EVOSIM_SOAK_BIN=target/release/evosim cargo test --release --test sim soak -- --ignored --nocapture
//! ```
//!
//! `EVOSIM_SOAK_TICKS` shortens it; `EVOSIM_SOAK_BIN` picks the binary
//! (default: the one this test build made).

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn rss_kb(pid: u32) -> Option<u64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = s.lines().find(|l| l.starts_with("VmRSS:"))?;
    line["VmRSS:".len()..]
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

#[test]
#[ignore = "a long run: see the file's first comment"]
fn soak_keeps_invariants_and_flat_memory() {
    let ticks: u64 = std::env::var("EVOSIM_SOAK_TICKS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200_000);
    let bin = std::env::var("EVOSIM_SOAK_BIN")
        .unwrap_or_else(|_| env!("CARGO_BIN_EXE_evosim").to_string());
    let start = Instant::now();
    let mut child = Command::new(&bin)
        .args([
            "run",
            "--entities",
            "5000",
            "--ticks",
            &ticks.to_string(),
            "--backend",
            "cpu",
            "--check-invariants",
            "--json",
            "--quiet",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start evosim");
    let pid = child.id();
    let mut samples: Vec<(f64, u64)> = Vec::new();
    loop {
        if let Some(kb) = rss_kb(pid) {
            samples.push((start.elapsed().as_secs_f64(), kb));
        }
        if child.try_wait().expect("wait").is_some() {
            break;
        }
        std::thread::sleep(Duration::from_secs(2));
    }
    let out = child.wait_with_output().expect("output");
    let wall = start.elapsed().as_secs_f64();
    let summary = crate::common::last_json(&out);
    assert_eq!(summary["tick"].as_u64(), Some(ticks));
    let n = samples.len();
    assert!(n >= 8, "too short to judge memory: {n} samples");
    let quarter = |s: &[(f64, u64)]| s.iter().map(|x| x.1).max().unwrap_or(0);
    let first = quarter(&samples[..n / 4]);
    let last = quarter(&samples[n - n / 4..]);
    println!(
        "soak: {ticks} ticks at 5000 entities (population at the end {}), {wall:.0} s wall, \
         {:.2} ms/tick; resident memory: after start-up {} MB, max of first quarter {} MB, \
         max of last quarter {} MB, last sample {} MB",
        summary["population"],
        summary["ms_per_tick"].as_f64().unwrap_or(0.0),
        samples
            .iter()
            .find(|s| s.0 >= 5.0)
            .map_or(0, |s| s.1 / 1024),
        first / 1024,
        last / 1024,
        samples[n - 1].1 / 1024
    );
    assert!(
        last <= first + (first / 10).max(8 * 1024),
        "resident memory grew: {first} kB → {last} kB"
    );
}
