//! The viewer's `bench` option (the demo's `?bench=10k,25k`): the worker runs `evosim bench`'s measurement
//! ([`evosim::benchmark`]) on the CPU backend instead of the viewer, draws
//! nothing, and publishes the rows in `window.evosim.status()`:
//! `mode: "bench"`, `bench_done`/`bench_total` (ticks, warm-up included) and
//! `bench` (the rows once finished, else null). `bench_ticks` and
//! `bench_warmup` set the timed and warm-up ticks (defaults as natively: 200
//! and 20). The scenario is the bundled default (seed 42) resized to each
//! count at the same density, as `evosim bench` does.
//!
//! [`run`] is the measurement itself, free of the page: it can run in a Web
//! Worker as well (it yields to the event loop through the global
//! `setTimeout`, which windows and workers both have).

use std::cell::RefCell;

use evosim::benchmark::{self, BenchRun};
use evosim::model::count::parse_count;
use evosim::{Backend, Scenario};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use crate::page::{self, Status};
use crate::protocol::{self, BenchOptions};

/// Longest stretch of ticks (ms) before the event loop gets a turn (between
/// ticks: the timed part never includes it).
const YIELD_EVERY_MS: f64 = 100.0;

/// What `?bench=…` asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// Entity counts, in the order given.
    pub sizes: Vec<u64>,
    /// Timed ticks per run.
    pub ticks: u32,
    /// Untimed ticks before them.
    pub warmup: u32,
}

impl Request {
    /// What the viewer's `bench` option asks for; a bad value is an error
    /// that names it.
    pub fn read(o: &BenchOptions) -> Result<Self, String> {
        let sizes = o
            .sizes
            .split(',')
            .map(|n| parse_count(n).map_err(|e| format!("option bench.sizes: {n:?}: {e}")))
            .collect::<Result<_, _>>()?;
        let ticks = o.ticks.unwrap_or(benchmark::DEFAULT_TICKS);
        if ticks == 0 {
            return Err("option bench.ticks: a tick count of at least 1".into());
        }
        Ok(Request {
            sizes,
            ticks,
            warmup: o.warmup.unwrap_or(benchmark::DEFAULT_WARMUP),
        })
    }
}

/// One run's figures: the row of `scripts/web-bench.sh`'s JSON.
#[derive(Debug, Clone, PartialEq)]
pub struct BenchRow {
    /// Entities asked for.
    pub entities: u64,
    /// Always `cpu`.
    pub backend: &'static str,
    /// Threads of rayon's pool (`rayon::current_num_threads()`).
    pub threads: usize,
    /// Timed ticks.
    pub ticks: u32,
    /// Warm-up ticks.
    pub warmup: u32,
    /// Tick-time figures (ms).
    pub summary: benchmark::Summary,
    /// Living entities advanced per second of tick time.
    pub entity_ticks_per_s: f64,
    /// Living population before the first timed tick.
    pub population_start: u64,
    /// Living population after the last.
    pub population_end: u64,
    /// State hash at the end (equal to `evosim bench --json`'s for the same
    /// count, ticks and warm-up).
    pub state_hash: u64,
}

impl BenchRow {
    /// As the status carries it (the hash as 16 hex digits).
    pub fn record(&self) -> protocol::BenchRow {
        protocol::BenchRow {
            entities: self.entities,
            backend: self.backend.into(),
            threads: self.threads,
            ticks: self.ticks,
            warmup: self.warmup,
            summary: self.summary,
            entity_ticks_per_s: self.entity_ticks_per_s,
            population_start: self.population_start,
            population_end: self.population_end,
            state_hash: format!("{:016x}", self.state_hash),
        }
    }
}

/// Measures each of `sizes` (ascending, each once) on the CPU backend:
/// `warmup` untimed then `ticks` timed ticks of the default scenario resized
/// to it. `progress(done, total)` gets the ticks run so far (warm-up
/// included) over all runs.
pub async fn run(
    sizes: &[u64],
    ticks: u32,
    warmup: u32,
    mut progress: impl FnMut(u64, u64),
) -> Result<Vec<BenchRow>, String> {
    let base = Scenario::default_scenario();
    let sizes = benchmark::sweep(sizes);
    let total = sizes.len() as u64 * (u64::from(ticks) + u64::from(warmup));
    let mut done = 0u64;
    let mut rows = Vec::with_capacity(sizes.len());
    progress(done, total);
    for n in sizes {
        // Threads 0, as `evosim bench` by default: the pool decides.
        let mut run =
            BenchRun::new(&base, n, Backend::Cpu, 0, ticks, warmup).map_err(|e| e.to_string())?;
        let mut since = js_sys::Date::now();
        while !run.finished() {
            run.step()
                .map_err(|e| format!("{n} entities: tick {}: {e}", run.sim().tick()))?;
            done += 1;
            if js_sys::Date::now() - since > YIELD_EVERY_MS {
                progress(done, total);
                yield_now().await;
                since = js_sys::Date::now();
            }
        }
        let (sim, samples) = run.into_parts();
        rows.push(BenchRow {
            entities: n,
            backend: "cpu",
            threads: page::pool_threads(),
            ticks,
            warmup,
            summary: samples.summary(),
            entity_ticks_per_s: samples.entity_ticks_per_s(),
            population_start: samples.population_start,
            population_end: sim.population(),
            state_hash: sim.state_hash(),
        });
        progress(done, total);
        log::info!(
            "bench: {n} entities on cpu: median {:.2} ms/tick",
            samples.summary().median_ms
        );
    }
    Ok(rows)
}

/// A turn of the event loop (a zero-delay timer on the global scope).
async fn yield_now() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let global = js_sys::global();
        if let Ok(f) = js_sys::Reflect::get(&global, &JsValue::from_str("setTimeout"))
            .and_then(|f| f.dyn_into::<js_sys::Function>())
        {
            let _ = f.call2(&global, &resolve, &JsValue::from_f64(0.0));
        } else {
            let _ = resolve.call0(&JsValue::NULL);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// The bench's part of the status: ticks done, ticks in all, the rows.
#[derive(Default)]
struct Progress {
    done: u64,
    total: u64,
    rows: Option<Vec<BenchRow>>,
}

thread_local! {
    static PROGRESS: RefCell<Option<Progress>> = const { RefCell::new(None) };
}

/// The page in bench mode: runs [`run`] and publishes its progress and
/// rows in the status.
pub async fn run_page(req: Request) -> Result<(), String> {
    PROGRESS.with(|p| *p.borrow_mut() = Some(Progress::default()));
    Status::update(|s| {
        s.mode = protocol::Mode::Bench;
        s.backend = "cpu".into();
    });
    let what = format!(
        "Benchmark: {} entities on the CPU backend, {} timed ticks after {} warm-up; nothing is drawn.",
        req.sizes
            .iter()
            .map(u64::to_string)
            .collect::<Vec<_>>()
            .join(", "),
        req.ticks,
        req.warmup
    );
    page::show_notice(&what);
    let rows = run(&req.sizes, req.ticks, req.warmup, |done, total| {
        PROGRESS.with(|p| {
            if let Some(p) = p.borrow_mut().as_mut() {
                (p.done, p.total) = (done, total);
            }
        });
        // The page keeps the last status the worker posted.
        Status::update(|_| {});
    })
    .await?;
    let summary = rows
        .iter()
        .map(|r| format!("{}: median {:.2} ms", r.entities, r.summary.median_ms))
        .collect::<Vec<_>>()
        .join("; ");
    page::show_notice(&format!("{what} Done — {summary}."));
    PROGRESS.with(|p| {
        if let Some(p) = p.borrow_mut().as_mut() {
            p.rows = Some(rows);
        }
    });
    Status::update(|s| s.message = Some("bench finished".into()));
    Ok(())
}

/// Adds `bench_done`, `bench_total` and `bench` (the rows, or null until
/// finished) to the status, in bench mode.
pub fn add_to_status(status: &mut protocol::Status) {
    PROGRESS.with(|p| {
        if let Some(p) = p.borrow().as_ref() {
            status.bench_done = Some(p.done);
            status.bench_total = Some(p.total);
            status.bench = p
                .rows
                .as_ref()
                .map(|rows| rows.iter().map(BenchRow::record).collect());
        }
    });
}
