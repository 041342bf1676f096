//! `evosim bench`: the JSON it writes has every promised field with sane
//! values for both backends, the GPU rows are skipped with a note where no
//! adapter exists, and bad arguments are one-line errors. No figure is
//! checked against a time: performance is for the benchmark to report.

use std::process::{Command, Output};

fn evosim(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_evosim"));
    c.args(args);
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().expect("run evosim")
}

use crate::common::gpu::gpu_required;

fn bench_json(args: &[&str], env: &[(&str, &str)]) -> serde_json::Value {
    let dir = std::env::temp_dir().join(format!(
        "evosim-bench-{}-{}",
        std::process::id(),
        args.join("_").replace(['/', ','], "-")
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("out.json");
    let file_s = file.to_str().unwrap().to_string();
    let mut all: Vec<&str> = args.to_vec();
    all.extend(["--json", &file_s, "--quiet"]);
    let out = evosim(&all, env);
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(out.status.success(), "{err}");
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(table.contains("median ms"), "a table on stdout: {table}");
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).expect("JSON written"))
            .expect("valid JSON");
    let _ = std::fs::remove_dir_all(&dir);
    v
}

fn check_row(r: &serde_json::Value, ticks: u64) {
    for key in [
        "entities",
        "backend",
        "adapter",
        "median_ms",
        "p95_ms",
        "p99_ms",
        "entity_ticks_per_s",
        "rss_mb",
        "gpu_bytes_per_entity",
        "population_start",
        "population_end",
        "passes",
    ] {
        assert!(r.get(key).is_some(), "{key} in {r}");
    }
    let f = |k: &str| {
        r[k].as_f64()
            .unwrap_or_else(|| panic!("{k} is a number: {r}"))
    };
    assert!(f("median_ms") > 0.0);
    assert!(
        f("median_ms") <= f("p95_ms") && f("p95_ms") <= f("p99_ms"),
        "{r}"
    );
    assert!(f("entity_ticks_per_s") > 0.0);
    assert!(f("rss_mb") > 1.0);
    assert!(f("population_start") > 0.0 && f("population_end") > 0.0);
    assert_eq!(r["ticks"].as_u64(), Some(ticks));
    let passes = r["passes"].as_object().expect("passes is an object");
    for name in evosim::common::pass::Pass::ALL.map(|p| p.name()) {
        let v = passes
            .get(name)
            .and_then(|v| v.as_f64())
            .unwrap_or_else(|| panic!("pass {name} in {r}"));
        assert!(v >= 0.0);
    }
    match r["backend"].as_str() {
        Some("cpu") => {
            assert!(r["gpu_bytes_per_entity"].is_null(), "{r}");
            assert!(r["readbacks_per_tick"].is_null(), "{r}");
        }
        Some("gpu") => {
            // One map a tick, a few more for lists that outgrow their
            // prefixes and the slot re-sorts; the overlap within the resolution.
            let maps = f("readbacks_per_tick");
            let extra = &r["extra_readbacks_per_tick"];
            let (over, resort) = (
                extra["list_overflow"].as_f64().expect("overflow maps"),
                extra["reorder"].as_f64().expect("re-sort maps"),
            );
            assert!(
                maps >= 1.0 && (maps - 1.0 - over - resort).abs() < 1e-9,
                "{r}"
            );
            assert!(f("gpu_busy_ms") > 0.0 && f("gpu_wait_ms") > 0.0, "{r}");
            assert!(f("overlap_ms") <= f("cpu_resolve_ms") + 1e-9, "{r}");
            // Every buffer counted: at least the entity state itself.
            assert!(f("gpu_bytes_per_entity") >= 52.0, "{r}");
            // DESIGN.md §5: at most 96 bytes of storage per slot, state,
            // hash and scratch included; the kinds add up to the total.
            let per_slot = f("gpu_storage_per_slot");
            assert!((52.0..=96.0).contains(&per_slot), "{r}");
            let kinds = &r["gpu_bytes_by_kind"];
            let sum: u64 = ["slots", "hash_grid", "world_grids", "other"]
                .iter()
                .map(|k| kinds[k].as_u64().unwrap_or_else(|| panic!("{k} in {r}")))
                .sum();
            assert_eq!(Some(sum), r["gpu_bytes"].as_u64(), "{r}");
            // The per-slot buffers hold the live end and room to grow, not
            // the whole capacity.
            let slots = r["gpu_slots"].as_u64().unwrap();
            assert!(slots >= r["population_end"].as_u64().unwrap(), "{r}");
            assert!(slots <= r["capacity"].as_u64().unwrap(), "{r}");
            assert_eq!(
                kinds["slots"].as_u64(),
                Some(per_slot as u64 * slots),
                "{r}"
            );
        }
        other => panic!("backend {other:?}"),
    }
}

#[test]
fn bench_writes_every_field_for_both_backends() {
    let v = bench_json(
        &[
            "bench",
            "--entities",
            "1500,3k",
            "--backend",
            "both",
            "--ticks",
            "6",
            "--warmup",
            "2",
        ],
        &[],
    );
    let m = &v["machine"];
    assert!(m["cores"].as_u64().is_some_and(|c| c >= 1), "{m}");
    let rows = v["results"].as_array().expect("results");
    let gpu_rows = rows.iter().filter(|r| r["backend"] == "gpu").count();
    let cpu_rows: Vec<_> = rows.iter().filter(|r| r["backend"] == "cpu").collect();
    assert_eq!(cpu_rows.len(), 2);
    assert_eq!(cpu_rows[0]["entities"], 1500);
    assert_eq!(cpu_rows[1]["entities"], 3000);
    if gpu_required() {
        assert_eq!(gpu_rows, 2, "{v}");
    } else if gpu_rows == 0 {
        assert!(v["gpu_skipped"].is_string(), "{v}");
    }
    for r in rows {
        check_row(r, 6);
    }
}

#[test]
fn without_an_adapter_the_gpu_rows_are_skipped_with_a_note() {
    let no_adapter = [
        ("WGPU_BACKEND", "vulkan"),
        ("VK_ICD_FILENAMES", "/nonexistent/icd.json"),
        ("VK_DRIVER_FILES", "/nonexistent/icd.json"),
    ];
    let v = bench_json(
        &[
            "bench",
            "--entities",
            "1000",
            "--ticks",
            "3",
            "--warmup",
            "0",
        ],
        &no_adapter,
    );
    let rows = v["results"].as_array().unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["backend"], "cpu");
    assert!(v["gpu_skipped"].is_string());
    // Asking for the GPU alone is an error instead.
    let out = evosim(
        &[
            "bench",
            "--backend",
            "gpu",
            "--entities",
            "1000",
            "--ticks",
            "1",
        ],
        &no_adapter,
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("adapter"), "{err}");
}

#[test]
fn bad_bench_arguments_are_one_line_errors() {
    for args in [
        &["bench", "--entities", "0"][..],
        &["bench", "--entities", "10k,abc"],
        &["bench", "--ticks", "0"],
        &["bench", "--backend", "tpu"],
    ] {
        let out = evosim(args, &[]);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        let lines: Vec<&str> = err.lines().filter(|l| !l.trim().is_empty()).collect();
        assert_eq!(lines.len(), 1, "{args:?}: one line, not {err:?}");
        assert!(lines[0].starts_with("error"), "{args:?}: {err}");
    }
}
