//! The browser benchmark (`scripts/web-bench.sh`), end to end at a small
//! size: it builds and serves the page, runs `?bench=` in headless Chromium
//! and writes one row per count with the fields the docs promise — and the
//! page has run the same ticks of the same world as `evosim bench`: each
//! row's state hash equals the native one. Nothing is timed.
//!
//! Needs what `tests/web.rs` needs (Chromium, Node.js, `npm ci` in
//! `web/tests/`); without them the script says which is missing and the
//! test passes, unless `EVOSIM_REQUIRE_WEB=1`.

use std::path::PathBuf;
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn json(path: &std::path::Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path).expect("read the JSON");
    serde_json::from_str(&text).expect("valid JSON")
}

#[test]
fn the_page_runs_the_native_benchmark_and_reports_every_field() {
    let required = std::env::var("EVOSIM_REQUIRE_WEB").is_ok_and(|v| v == "1");
    let dir = std::env::temp_dir().join(format!("evosim-web-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let web_out = dir.join("web.json");
    let (ticks, warmup) = ("6", "3");
    let out = Command::new("bash")
        .arg(root().join("scripts/web-bench.sh"))
        .arg(&web_out)
        .args(["1500,3000", "1"])
        .env("WEB_BENCH_TICKS", ticks)
        .env("WEB_BENCH_WARMUP", warmup)
        .current_dir(root())
        .output()
        .expect("run scripts/web-bench.sh");
    let stderr = String::from_utf8_lossy(&out.stderr);
    eprintln!("{stderr}");
    if !out.status.success()
        && let Some(why) = stderr
            .lines()
            .find(|l| l.starts_with("web-bench: no ") && l.contains("install"))
    {
        assert!(!required, "EVOSIM_REQUIRE_WEB=1 but {why}");
        eprintln!("skipped: {why}");
        return;
    }
    assert!(
        out.status.success(),
        "scripts/web-bench.sh failed:\n{stderr}"
    );
    let web = json(&web_out);
    assert!(
        web["user_agent"]
            .as_str()
            .is_some_and(|u| u.contains("Chrome")),
        "{web}"
    );
    let rows = web["results"].as_array().expect("results");
    assert_eq!(rows.len(), 2, "{web}");

    let native_out = dir.join("native.json");
    let native = Command::new(env!("CARGO_BIN_EXE_evosim"))
        .args(["bench", "--backend", "cpu", "--entities", "1500,3000"])
        .args(["--ticks", ticks, "--warmup", warmup, "--quiet", "--json"])
        .arg(&native_out)
        .output()
        .expect("run evosim bench");
    assert!(native.status.success(), "{native:?}");
    let native = json(&native_out);
    for (r, n) in rows.iter().zip(native["results"].as_array().unwrap()) {
        for key in [
            "entities",
            "backend",
            "threads",
            "threads_requested",
            "median_ms",
            "p95_ms",
            "p99_ms",
            "population_start",
            "population_end",
            "state_hash",
        ] {
            assert!(!r[key].is_null(), "row without {key}: {r}");
        }
        assert_eq!(r["backend"], "cpu", "{r}");
        assert_eq!(r["threads"], 1, "{r}");
        assert_eq!(r["ticks"], 6, "{r}");
        let (median, p95, p99) = (
            r["median_ms"].as_f64().unwrap(),
            r["p95_ms"].as_f64().unwrap(),
            r["p99_ms"].as_f64().unwrap(),
        );
        assert!(0.0 <= median && median <= p95 && p95 <= p99, "{r}");
        assert!(r["population_end"].as_u64().unwrap() > 0, "{r}");
        for key in [
            "entities",
            "population_start",
            "population_end",
            "state_hash",
        ] {
            assert_eq!(
                r[key], n[key],
                "browser {key} differs from native:\n{r}\n{n}"
            );
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}
