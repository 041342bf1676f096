//! `evosim bench`: tick times on constant-density scenarios, per entity count
//! and backend, as a table and as JSON. The measure of every performance
//! claim in this project (tests never time anything).

use std::io::Write;
use std::path::PathBuf;

use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;

mod table;

use super::CliError;
use evosim::benchmark::{self, BenchRun, Samples, StartError};
use evosim::model::count::parse_count;
use evosim::{Backend, Scenario, SimError};

/// Which backends to measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum BenchBackend {
    /// The multi-threaded CPU engine.
    Cpu,
    /// The wgpu compute engine (fails without an adapter).
    Gpu,
    /// Both (GPU rows are skipped, with a note, without an adapter).
    Both,
}

/// Options of `evosim bench`.
#[derive(Debug, clap::Args)]
pub struct BenchArgs {
    /// Entity counts, comma-separated (accepts 10k, 1M); the scenario is
    /// resized to each at the same density.
    #[arg(long, value_name = "N,N,...", value_delimiter = ',', default_value = "10k,100k", value_parser = parse_count)]
    entities: Vec<u64>,
    /// Backends to measure.
    #[arg(long, value_enum, default_value_t = BenchBackend::Both)]
    backend: BenchBackend,
    /// Timed ticks per run.
    #[arg(long, value_name = "T", default_value_t = benchmark::DEFAULT_TICKS, value_parser = clap::value_parser!(u32).range(1..))]
    ticks: u32,
    /// Untimed ticks before them (pipelines, caches, allocations warm up).
    #[arg(long, value_name = "W", default_value_t = benchmark::DEFAULT_WARMUP)]
    warmup: u32,
    /// Worker threads; 0 uses one per core.
    #[arg(long, value_name = "K", default_value_t = 0)]
    threads: usize,
    /// Scenario file (TOML); default: the bundled scenarios/default.toml.
    #[arg(long, value_name = "FILE")]
    scenario: Option<PathBuf>,
    /// Seed (overrides the scenario's).
    #[arg(long, value_name = "S")]
    seed: Option<u64>,
    /// Also write the results as JSON to FILE.
    #[arg(long, value_name = "FILE")]
    json: Option<PathBuf>,
    /// No progress bar (and no notes in the diagnostics, only warnings).
    #[arg(long, short)]
    quiet: bool,
}

impl BenchArgs {
    /// `--quiet`.
    pub fn quiet(&self) -> bool {
        self.quiet
    }
}

/// One run's figures.
struct Row {
    entities: u64,
    backend: &'static str,
    adapter: String,
    software_adapter: bool,
    threads: usize,
    capacity: usize,
    /// Slots the GPU's per-slot buffers held at the end (0 on the CPU).
    gpu_slots: usize,
    /// What the timed ticks recorded.
    samples: Samples,
    population_end: u64,
    rss_mb: Option<f64>,
    peak_rss_mb: Option<f64>,
    gpu_bytes: u64,
    gpu_kinds: evosim::gpu::world::GpuBytes,
    gpu_timestamps: bool,
    state_hash: u64,
}

impl Row {
    fn median_ms(&self) -> f64 {
        self.samples.summary().median_ms
    }

    fn entity_ticks_per_s(&self) -> f64 {
        self.samples.entity_ticks_per_s()
    }

    fn gpu_bytes_per_entity(&self) -> Option<f64> {
        (self.gpu_bytes > 0).then(|| self.gpu_bytes as f64 / self.entities.max(1) as f64)
    }

    /// GPU storage per entity slot (ARCHITECTURE.md, Memory and scale): the
    /// buffers that grow with the slots, divided by the slots they hold.
    fn gpu_storage_per_slot(&self) -> Option<f64> {
        (self.gpu_bytes > 0).then(|| self.gpu_kinds.slots as f64 / self.gpu_slots.max(1) as f64)
    }

    fn json(&self) -> serde_json::Value {
        let s = self.samples.summary();
        let passes: serde_json::Map<String, serde_json::Value> = self
            .samples
            .pass_medians()
            .into_iter()
            .map(|(n, v)| (n.to_string(), json!(v)))
            .collect();
        json!({
            "entities": self.entities,
            "backend": self.backend,
            "adapter": self.adapter,
            "software_adapter": self.software_adapter,
            "threads": self.threads,
            "capacity": self.capacity,
            "gpu_slots": self.gpu_slots,
            "ticks": self.samples.tick_ms.len(),
            "median_ms": s.median_ms,
            "p95_ms": s.p95_ms,
            "p99_ms": s.p99_ms,
            "min_ms": s.min_ms,
            "max_ms": s.max_ms,
            "mean_ms": s.mean_ms,
            "entity_ticks_per_s": self.entity_ticks_per_s(),
            "rss_mb": self.rss_mb,
            "peak_rss_mb": self.peak_rss_mb,
            "gpu_bytes": self.gpu_bytes,
            "gpu_bytes_per_entity": self.gpu_bytes_per_entity(),
            "gpu_bytes_per_slot": (self.gpu_bytes > 0).then(|| self.gpu_bytes as f64 / self.capacity.max(1) as f64),
            "gpu_storage_per_slot": self.gpu_storage_per_slot(),
            "gpu_bytes_by_kind": (self.gpu_bytes > 0).then(|| json!({
                "slots": self.gpu_kinds.slots,
                "hash_grid": self.gpu_kinds.hash_grid,
                "world_grids": self.gpu_kinds.world_grids,
                "other": self.gpu_kinds.other,
            })),
            "population_start": self.samples.population_start,
            "population_end": self.population_end,
            "readbacks_per_tick": self.samples.gpu_means().map(|g| g.readbacks_per_tick),
            "extra_readbacks_per_tick": self.samples.gpu_means().map(|g| json!({
                "list_overflow": g.overflow_maps_per_tick,
                "reorder": g.reorder_maps_per_tick,
            })),
            "gpu_busy_ms": self.samples.gpu_means().map(|g| g.gpu_busy_ms),
            "gpu_wait_ms": self.samples.gpu_means().map(|g| g.wait_ms),
            "cpu_resolve_ms": self.samples.gpu_means().map(|g| g.cpu_resolve_ms),
            "overlap_ms": self.samples.gpu_means().map(|g| g.overlap_ms),
            "pass_timer": if self.backend == "cpu" { "cpu" } else if self.gpu_timestamps { "gpu timestamps (transfer, resolve: cpu)" } else { "cpu (no timestamp queries)" },
            "passes": passes,
            "state_hash": format!("{:016x}", self.state_hash),
        })
    }
}

/// A figure of /proc/self/status in MB (Linux only).
fn proc_status_mb(key: &str) -> Option<f64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with(key))?;
    let kb: f64 = line[key.len()..]
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kb / 1024.0)
}

fn first_line_value(path: &str, key: &str) -> Option<String> {
    let s = std::fs::read_to_string(path).ok()?;
    let line = s.lines().find(|l| l.starts_with(key))?;
    Some(line.split_once(':')?.1.trim().to_string())
}

/// What the machine is.
fn machine() -> serde_json::Value {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mem_gib = first_line_value("/proc/meminfo", "MemTotal").and_then(|v| {
        v.trim_end_matches("kB")
            .trim()
            .parse::<f64>()
            .ok()
            .map(|kb| kb / 1024.0 / 1024.0)
    });
    json!({
        "cores": cores,
        "cpu": first_line_value("/proc/cpuinfo", "model name"),
        "memory_gib": mem_gib,
        "os": std::env::consts::OS,
        "arch": std::env::consts::ARCH,
        "evosim": env!("CARGO_PKG_VERSION"),
        "debug_build": cfg!(debug_assertions),
    })
}

fn measure(scenario: &Scenario, backend: Backend, n: u64, a: &BenchArgs) -> Result<Row, CliError> {
    let mut run =
        BenchRun::new(scenario, n, backend, a.threads, a.ticks, a.warmup).map_err(|e| match e {
            StartError::Sim(e @ SimError::Threads(_)) => CliError::Runtime(e.into()),
            other => CliError::Usage(other.to_string()),
        })?;
    let name = if backend == Backend::Cpu {
        "cpu"
    } else {
        "gpu"
    };
    let bar = if a.quiet {
        ProgressBar::hidden()
    } else {
        ProgressBar::new(run.total() as u64)
    };
    bar.set_style(
        ProgressStyle::with_template("{spinner} {prefix} [{bar:30}] {pos}/{len} ticks {msg}")
            .expect("valid template")
            .progress_chars("=> "),
    );
    bar.set_prefix(format!("{n} entities, {name}"));
    while !run.finished() {
        let warm = run.warming_up();
        run.step().map_err(|e| {
            CliError::Runtime(anyhow::anyhow!(
                "{n} entities on {name}: tick {}: {e}",
                run.sim().tick()
            ))
        })?;
        let done = run.done();
        if warm {
            if done.is_multiple_of(8) {
                bar.set_position(done as u64);
                bar.set_message("(warm-up)");
            }
        } else if (done - a.warmup).is_multiple_of(8) || run.finished() {
            bar.set_position(done as u64);
            bar.set_message(format!(
                "median {:.2} ms",
                run.samples().summary().median_ms
            ));
        }
    }
    bar.finish_and_clear();
    let (sim, samples) = run.into_parts();
    Ok(Row {
        entities: n,
        backend: name,
        adapter: sim
            .gpu()
            .map(|g| g.adapter())
            .unwrap_or_else(|| format!("cpu ({} threads)", sim.threads())),
        software_adapter: sim.gpu().is_some_and(|g| g.is_software()),
        threads: sim.threads(),
        capacity: sim.entities().capacity(),
        gpu_slots: sim.gpu().map_or(0, |g| g.slots()),
        samples,
        population_end: sim.population(),
        rss_mb: proc_status_mb("VmRSS:"),
        peak_rss_mb: proc_status_mb("VmHWM:"),
        gpu_bytes: sim.gpu().map_or(0, |g| g.buffer_bytes()),
        gpu_kinds: sim
            .gpu()
            .map(|g| g.buffer_bytes_by_kind())
            .unwrap_or_default(),
        gpu_timestamps: sim.gpu().is_some_and(|g| g.timestamps()),
        state_hash: sim.state_hash(),
    })
}

pub fn bench(a: BenchArgs) -> Result<(), CliError> {
    if let Some(path) = &a.json {
        super::check_output("--json", path)?;
    }
    let mut scenario = match &a.scenario {
        Some(path) => Scenario::load(path).map_err(|e| CliError::Usage(e.to_string()))?,
        None => Scenario::default_scenario(),
    };
    if let Some(seed) = a.seed {
        scenario.seed = seed;
    }
    scenario
        .validate()
        .map_err(|e| CliError::Usage(e.to_string()))?;
    let entities = benchmark::sweep(&a.entities);
    // CPU rows first, small to large: the resident-memory figures of the
    // CPU backend are then not inflated by a GPU driver's allocations.
    let mut plan: Vec<(Backend, u64)> = Vec::new();
    let (cpu, gpu) = match a.backend {
        BenchBackend::Cpu => (true, false),
        BenchBackend::Gpu => (false, true),
        BenchBackend::Both => (true, true),
    };
    let mut skipped: Option<String> = None;
    if cpu {
        plan.extend(entities.iter().map(|&n| (Backend::Cpu, n)));
    }
    if gpu {
        plan.extend(entities.iter().map(|&n| (Backend::Gpu, n)));
    }
    let m = machine();
    let mut rows = Vec::new();
    for (backend, n) in plan {
        if backend == Backend::Gpu && skipped.is_some() {
            continue;
        }
        let row = match measure(&scenario, backend, n, &a) {
            Ok(row) => row,
            // With both backends asked for, no adapter skips the GPU rows.
            Err(CliError::Usage(e))
                if backend == Backend::Gpu && a.backend == BenchBackend::Both =>
            {
                log::warn!("{e}; the GPU rows are skipped");
                skipped = Some(e);
                continue;
            }
            Err(e) => return Err(e),
        };
        if !a.quiet {
            eprintln!(
                "{n} entities on {}: median {:.2} ms/tick",
                row.backend,
                row.median_ms()
            );
        }
        rows.push(row);
    }
    let text = table::table(&rows, &a, &scenario, &m);
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|_| out.flush());
    if let Some(path) = &a.json {
        let doc = json!({
            "machine": m,
            "scenario": scenario.name,
            "seed": scenario.seed,
            "ticks": a.ticks,
            "warmup": a.warmup,
            "gpu_skipped": skipped,
            "results": rows.iter().map(Row::json).collect::<Vec<_>>(),
        });
        let text = serde_json::to_string_pretty(&doc).map_err(|e| CliError::Runtime(e.into()))?;
        let tmp = path.with_extension("json.tmp");
        std::fs::write(&tmp, text + "\n")
            .and_then(|_| std::fs::rename(&tmp, path))
            .map_err(|e| {
                CliError::Runtime(anyhow::anyhow!("cannot write {}: {e}", path.display()))
            })?;
        eprintln!("wrote {}", path.display());
    }
    Ok(())
}
