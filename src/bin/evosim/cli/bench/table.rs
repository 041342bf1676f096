//! The table `evosim bench` prints: what was measured, tick times per run,
//! GPU memory, per-pass medians, and the largest count at 30 ticks/s.

use std::fmt::Write as _;

use super::{BenchArgs, Row};
use evosim::Scenario;
use evosim::common::pass::Pass;

/// The results as the table printed on stdout.
pub(super) fn table(
    rows: &[Row],
    a: &BenchArgs,
    scenario: &Scenario,
    m: &serde_json::Value,
) -> String {
    let mut o = String::new();
    write_setting(&mut o, a, scenario, m);
    write_tick_times(&mut o, rows);
    write_gpu_buffers(&mut o, rows);
    write_gpu_traffic(&mut o, rows);
    write_pass_medians(&mut o, rows);
    write_largest_at_30(&mut o, rows);
    o
}

/// What was measured, and on what machine.
fn write_setting(o: &mut String, a: &BenchArgs, scenario: &Scenario, m: &serde_json::Value) {
    let _ = writeln!(
        o,
        "evosim bench: scenario {:?} at constant density, seed {}, {} timed ticks after {} warm-up",
        scenario.name, scenario.seed, a.ticks, a.warmup
    );
    let _ = writeln!(
        o,
        "machine: {} cores ({}), {:.1} GiB, {} {}{}",
        m["cores"],
        m["cpu"].as_str().unwrap_or("cpu unknown"),
        m["memory_gib"].as_f64().unwrap_or(0.0),
        m["os"].as_str().unwrap_or(""),
        m["arch"].as_str().unwrap_or(""),
        if cfg!(debug_assertions) {
            " — debug build: figures are not representative"
        } else {
            ""
        }
    );
}

/// Per GPU run: blocking maps per tick, GPU time, waiting, the region
/// work and how much of it overlapped the GPU (means per timed tick).
fn write_gpu_traffic(o: &mut String, rows: &[Row]) {
    let gpu: Vec<_> = rows
        .iter()
        .filter_map(|r| r.samples.gpu_means().map(|g| (r, g)))
        .collect();
    if gpu.is_empty() {
        return;
    }
    let _ = writeln!(
        o,
        "GPU ticks, means per tick: readbacks (blocking maps; of them: lists longer than their prefix, slot re-sorts), GPU busy ms, wait ms (submit to results), CPU resolve ms, overlapped ms:"
    );
    for (r, g) in gpu {
        let _ = writeln!(
            o,
            "{:>10} {:<4} readbacks {:.3} ({:.3} overflow, {:.3} re-sort)  busy {:.2}  wait {:.2}  resolve {:.2}  overlapped {:.2}",
            r.entities,
            r.backend,
            g.readbacks_per_tick,
            g.overflow_maps_per_tick,
            g.reorder_maps_per_tick,
            g.gpu_busy_ms,
            g.wait_ms,
            g.cpu_resolve_ms,
            g.overlap_ms
        );
    }
}

/// One line per run: tick-time quantiles, throughput, memory, population.
fn write_tick_times(o: &mut String, rows: &[Row]) {
    let _ = writeln!(
        o,
        "{:>10} {:<4} {:>9} {:>9} {:>9} {:>12} {:>8} {:>9} {:>21}  adapter",
        "entities",
        "",
        "median ms",
        "p95 ms",
        "p99 ms",
        "Mentity·t/s",
        "RSS MB",
        "GPU B/slot",
        "population start→end"
    );
    for r in rows {
        let s = r.samples.summary();
        let _ = writeln!(
            o,
            "{:>10} {:<4} {:>9.2} {:>9.2} {:>9.2} {:>12.2} {:>8} {:>9} {:>21}  {}",
            r.entities,
            r.backend,
            s.median_ms,
            s.p95_ms,
            s.p99_ms,
            r.entity_ticks_per_s() / 1e6,
            r.rss_mb.map_or("-".into(), |v| format!("{v:.0}")),
            r.gpu_storage_per_slot()
                .map_or("-".into(), |v| format!("{v:.0}")),
            format!("{}→{}", r.samples.population_start, r.population_end),
            r.adapter
        );
    }
}

/// The GPU runs' buffer memory by kind.
fn write_gpu_buffers(o: &mut String, rows: &[Row]) {
    for r in rows.iter().filter(|r| r.gpu_bytes > 0) {
        let k = r.gpu_kinds;
        let mb = |b: u64| b as f64 / 1e6;
        let _ = writeln!(
            o,
            "GPU buffers at {} entities: {:.1} MB ({:.0} B per entity) = per-slot storage {:.0} B × {} slots ({:.1} MB) + hash grid {:.1} MB + terrain and food grids {:.1} MB + other {:.1} MB",
            r.entities,
            mb(r.gpu_bytes),
            r.gpu_bytes_per_entity().unwrap_or(0.0),
            r.gpu_storage_per_slot().unwrap_or(0.0),
            r.gpu_slots,
            mb(k.slots),
            mb(k.hash_grid),
            mb(k.world_grids),
            mb(k.other)
        );
    }
}

/// Each pass's median time per run.
fn write_pass_medians(o: &mut String, rows: &[Row]) {
    let _ = writeln!(
        o,
        "median per pass (ms; GPU rows: timestamp queries where the adapter has them, transfer and resolve on CPU timers):"
    );
    let _ = write!(o, "{:>10} {:<4}", "entities", "");
    for p in Pass::ALL {
        let short: String = p.name().chars().take(9).collect();
        let _ = write!(o, " {short:>9}");
    }
    let _ = writeln!(o);
    for r in rows {
        let _ = write!(o, "{:>10} {:<4}", r.entities, r.backend);
        for (_, v) in r.samples.pass_medians() {
            let _ = write!(o, " {v:>9.3}");
        }
        let _ = writeln!(o);
    }
}

/// Per backend, the largest count that runs at 30 ticks per second.
fn write_largest_at_30(o: &mut String, rows: &[Row]) {
    let fastest = |b: &str| {
        rows.iter()
            .filter(|r| r.backend == b && r.median_ms() <= 1e3 / 30.0)
            .map(|r| r.entities)
            .max()
    };
    for b in ["cpu", "gpu"] {
        if rows.iter().any(|r| r.backend == b) {
            let _ = writeln!(
                o,
                "largest N at ≥ 30 ticks/s (median ≤ 33.3 ms) on {b}: {}",
                fastest(b).map_or("none of those run".into(), |n| n.to_string())
            );
        }
    }
}
