//! `evosim run`: headless run with a progress bar, a readable summary, JSON and CSV.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::time::Instant;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;

use super::species::{self, SpeciesCsv};
use super::{CliError, RunArgs};
use evosim::common::pass::Pass;
use evosim::model::genes::GENE_COUNT;
use evosim::{Backend, Scenario, SimError, Simulation};

pub fn run(a: RunArgs) -> Result<(), CliError> {
    if let Some(path) = &a.snapshot {
        super::check_output("--snapshot", path)?;
    }
    for (flag, path) in [
        ("--stats-csv", &a.stats_csv),
        ("--species-csv", &a.species_csv),
        ("--phylogeny", &a.phylogeny),
    ] {
        if let Some(path) = path {
            super::check_output(flag, path)?;
        }
    }
    let backend: Backend = a.backend.into();
    let options = super::sim_options()?;
    let sim = match &a.resume {
        Some(path) => {
            Simulation::resume(path, backend, a.threads, a.regions).map_err(|e| match e {
                SimError::Threads(_) => CliError::Runtime(e.into()),
                other => CliError::Usage(format!("cannot resume from {}: {other}", path.display())),
            })?
        }
        None => new_sim(&a, backend)?,
    };
    let mut sim = sim.with_options(options);
    if a.resume.is_some() {
        eprintln!(
            "resumed at tick {} ({} living)",
            sim.tick(),
            sim.population()
        );
    }
    run_sim(&a, &mut sim)
}

fn new_sim(a: &RunArgs, backend: Backend) -> Result<Simulation, CliError> {
    let mut scenario = match &a.scenario {
        Some(path) => Scenario::load(path).map_err(|e| CliError::Usage(e.to_string()))?,
        None => Scenario::default_scenario(),
    };
    if let Some(seed) = a.seed {
        scenario.seed = seed;
    }
    if let Some((rows, cols)) = a.regions {
        scenario.regions.rows = rows;
        scenario.regions.cols = cols;
    }
    if let Some(n) = a.entities {
        scenario = scenario
            .scaled_to(n)
            .map_err(|e| CliError::Usage(e.to_string()))?;
    }
    let scenario = a.set.apply(&scenario)?;
    Simulation::new(scenario, backend, a.threads).map_err(|e| match e {
        SimError::Threads(_) => CliError::Runtime(e.into()),
        other => CliError::Usage(other.to_string()),
    })
}

fn save(sim: &Simulation, path: &std::path::Path) -> Result<(), CliError> {
    sim.save_snapshot(path)
        .map_err(|e| CliError::Runtime(anyhow::anyhow!("cannot save the snapshot: {e}")))
}

fn run_sim(a: &RunArgs, sim: &mut Simulation) -> Result<(), CliError> {
    announce_backend(sim);
    let mut csv = Csvs {
        stats: match &a.stats_csv {
            Some(path) => Some(StatsCsv::create(path, sim).map_err(CliError::Runtime)?),
            None => None,
        },
        species: match &a.species_csv {
            Some(path) => Some(SpeciesCsv::create(path, sim).map_err(CliError::Runtime)?),
            None => None,
        },
    };
    let start = Instant::now();
    let pass_total = run_ticks(a, sim, &mut csv)?;
    let wall = start.elapsed().as_secs_f64();
    if let Some(w) = csv.stats {
        w.finish().map_err(|e| CliError::Runtime(e.into()))?;
    }
    if let Some(w) = csv.species {
        w.finish().map_err(|e| CliError::Runtime(e.into()))?;
    }
    if let Some(path) = &a.phylogeny {
        species::write_phylogeny(path, sim).map_err(CliError::Runtime)?;
        if !a.quiet {
            eprintln!(
                "wrote {} ({} species)",
                path.display(),
                sim.species().total()
            );
        }
    }
    if let Some(path) = &a.snapshot {
        save(sim, path)?;
        if !a.quiet {
            eprintln!("wrote {} (tick {})", path.display(), sim.tick());
        }
    }
    print_summary(sim, wall, &pass_total);
    if a.json {
        emit(&format!("{}\n", summary_json(sim, wall)));
    }
    Ok(())
}

/// Says on stderr which backend runs (and why, after a fallback).
fn announce_backend(sim: &Simulation) {
    if let Some(n) = sim.notice() {
        // A fallback taken (no adapter, the device lost): a warning.
        log::warn!("{n}");
    }
    if sim.gpu().is_some_and(|g| g.is_software()) {
        log::info!(
            "this GPU adapter is a software renderer (it runs on the CPU); --backend cpu is usually faster here"
        );
    }
    eprintln!(
        "backend {}{}",
        sim.backend().name(),
        sim.gpu()
            .map(|g| g.adapter())
            .map(|a| format!(" on {a}"))
            .unwrap_or_default()
    );
}

/// The CSV files being written.
struct Csvs {
    stats: Option<StatsCsv>,
    species: Option<SpeciesCsv>,
}

/// Runs `--ticks` ticks with the per-tick duties (CSV rows, invariant
/// checks, periodic snapshots, the progress bar); returns each pass's total
/// time (s).
fn run_ticks(
    a: &RunArgs,
    sim: &mut Simulation,
    csv: &mut Csvs,
) -> Result<[f64; Pass::COUNT], CliError> {
    let bar = progress_bar(a);
    let mut pass_total = [0.0f64; Pass::COUNT];
    for k in 0..a.ticks {
        sim.step()
            .map_err(|e| CliError::Runtime(anyhow::anyhow!("tick {}: {e}", sim.tick())))?;
        for (acc, (_, t)) in pass_total.iter_mut().zip(sim.timings().iter()) {
            *acc += t.as_secs_f64();
        }
        if sim.tick().is_multiple_of(a.stats_every) {
            if let Some(w) = csv.stats.as_mut() {
                w.row(sim).map_err(|e| CliError::Runtime(e.into()))?;
            }
            if let Some(w) = csv.species.as_mut() {
                w.rows(sim).map_err(|e| CliError::Runtime(e.into()))?;
            }
        }
        if a.check_invariants {
            sim.check_invariants()
                .map_err(|e| CliError::Runtime(anyhow::anyhow!("invariant broken: {e}")))?;
        }
        if let (Some(path), Some(every)) = (&a.snapshot, a.save_every)
            && sim.tick().is_multiple_of(every)
        {
            save(sim, path)?;
        }
        if k % 16 == 15 || k + 1 == a.ticks {
            bar.set_position(k as u64 + 1);
            bar.set_message(format!("population {}", sim.population()));
        }
    }
    bar.finish_and_clear();
    Ok(pass_total)
}

/// The progress bar on stderr (hidden with `--quiet`).
fn progress_bar(a: &RunArgs) -> ProgressBar {
    let bar = if a.quiet {
        ProgressBar::hidden()
    } else {
        ProgressBar::new(a.ticks as u64)
    };
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} tick {pos}/{len} [{bar:30}] {per_sec} ETA {eta} {msg}",
        )
        .expect("valid template")
        .progress_chars("=> "),
    );
    bar
}

/// The event totals reported, as the CSV names its columns.
const EVENTS: [&str; 6] = [
    "births",
    "deaths",
    "kills",
    "starved",
    "old_age",
    "births_dropped",
];

/// The totals of [`EVENTS`] so far, in that order.
fn event_totals(sim: &Simulation) -> [u64; 6] {
    let c = sim.counters();
    [
        c.total(|t| t.births),
        c.total(|t| t.deaths),
        c.total(|t| t.kills),
        c.total(|t| t.starved),
        c.total(|t| t.old_age),
        c.births_dropped,
    ]
}

/// The `--stats-csv` file: a header naming the columns, then one row every
/// `--stats-every` ticks.
struct StatsCsv(csv::Writer<BufWriter<File>>);

impl StatsCsv {
    /// Creates `path` and writes the header and the row of the current tick.
    fn create(path: &Path, sim: &Simulation) -> anyhow::Result<Self> {
        let f = File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
        let mut w = Self(csv::Writer::from_writer(BufWriter::new(f)));
        let fixed = ["tick", "population"]
            .into_iter()
            .chain(EVENTS)
            .map(String::from);
        // Tribe names are the scenario's: kept free of the separators so
        // that the header needs no quoting.
        let tribes = sim
            .scenario()
            .tribes
            .iter()
            .map(|t| format!("pop_{}", t.name.replace([',', '"', '\n'], "_")));
        w.0.write_record(fixed.into_iter().chain(tribes))?;
        w.row(sim)?;
        Ok(w)
    }

    /// Writes the row of the current tick.
    fn row(&mut self, sim: &Simulation) -> csv::Result<()> {
        let fixed = [sim.tick() as u64, sim.population()]
            .into_iter()
            .chain(event_totals(sim));
        let tribes = sim.counters().tribes.iter().map(|t| t.population);
        self.0
            .write_record(fixed.chain(tribes).map(|n| n.to_string()))
    }

    /// Flushes the file.
    fn finish(mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

const SHORT: [&str; GENE_COUNT] = [
    "speed", "vision", "metab", "repro", "aggr", "cohes", "food", "diet", "view",
];

fn print_summary(sim: &Simulation, wall: f64, pass_total: &[f64; Pass::COUNT]) {
    use std::fmt::Write as _;
    let mut o = String::new();
    let ticks = sim.tick().max(1);
    let dt = sim.params().world.dt as f64;
    let _ = writeln!(
        o,
        "evosim run: scenario {:?}, seed {}, backend {}{} ({} threads), world {}×{}, capacity {}",
        sim.scenario().name,
        sim.scenario().seed,
        sim.backend().name(),
        sim.gpu()
            .map(|g| g.adapter())
            .map(|a| format!(" on {a}"))
            .unwrap_or_default(),
        sim.threads(),
        sim.params().world.width,
        sim.params().world.height,
        sim.entities().capacity()
    );
    let _ = writeln!(
        o,
        "tick {} ({:.1} s simulated) in {:.2} s wall: {:.3} ms per tick",
        sim.tick(),
        sim.tick() as f64 * dt,
        wall,
        wall * 1e3 / ticks as f64
    );
    let _ = write!(o, "per pass (ms/tick):");
    for (pass, t) in Pass::ALL.iter().zip(pass_total) {
        let _ = write!(o, " {pass} {:.3}", t * 1e3 / ticks as f64);
    }
    let _ = writeln!(o);
    let events: Vec<String> = EVENTS
        .iter()
        .zip(event_totals(sim))
        .map(|(name, n)| format!("{} {n}", name.replace('_', " ")))
        .collect();
    let _ = writeln!(
        o,
        "population {} (initial {}): {}",
        sim.population(),
        sim.initial_population(),
        events.join(", ")
    );
    let genes = sim.gene_stats();
    let _ = write!(
        o,
        "{:<12} {:>8} {:>8} {:>8} {:>7} |",
        "tribe", "pop", "births", "deaths", "kills"
    );
    for s in SHORT {
        let _ = write!(o, " {s:>6}");
    }
    let _ = writeln!(o, "   (mean genes)");
    for (t, g) in sim.tribes().iter().zip(&genes) {
        let n = &t.counters;
        let _ = write!(
            o,
            "{:<12} {:>8} {:>8} {:>8} {:>7} |",
            t.name, n.population, n.births, n.deaths, n.kills
        );
        for st in g {
            let _ = write!(o, " {:>6.3}", st.mean);
        }
        let _ = writeln!(o);
    }
    let _ = writeln!(o, "{}", species::summary_line(sim));
    write_regions(&mut o, sim);
    let _ = writeln!(o, "state_hash {:016x}", sim.state_hash());
    let _ = writeln!(o, "species_hash {:016x}", sim.species_hash());
    emit(&o);
}

fn write_regions(o: &mut String, sim: &Simulation) {
    use std::fmt::Write as _;
    let r = sim.regions();
    let t = &r.timing;
    let per_tick = |s: f64| s * 1e3 / t.ticks.max(1) as f64;
    let _ = writeln!(
        o,
        "regions {}x{} on {} pool threads, {} restarts, {} stalls: per tick {:.3} ms region work, {:.3} ms phases (wall), {:.3} ms coordinator",
        r.grid.rows,
        r.grid.cols,
        sim.threads(),
        r.restarts(),
        r.stalls().0,
        per_tick(t.work_s),
        per_tick(t.phases_s),
        per_tick(t.coordinator_s)
    );
    let pool = sim.pool_status();
    let threads: Vec<String> = pool
        .threads
        .iter()
        .enumerate()
        .map(|(i, t)| {
            format!(
                "{i}: {:.3} ms passes, {:.3} ms in {} region tasks",
                t.passes_ms, t.regions_ms, t.tasks
            )
        })
        .collect();
    let _ = writeln!(o, "pool threads, last tick: {}", threads.join("; "));
    if r.stats.len() <= 16 {
        let _ = writeln!(
            o,
            "{:>8} {:>9} {:>10} {:>10} {:>9} {:>9}",
            "region", "pop", "events", "migr. in", "births in", "busy ms"
        );
        for (k, st) in r.stats.iter().enumerate() {
            let _ = writeln!(
                o,
                "{:>8} {:>9} {:>10} {:>10} {:>9} {:>9.1}",
                format!("{}:{}", k as u32 / r.grid.cols, k as u32 % r.grid.cols),
                st.population,
                st.events_total,
                st.migrations_in,
                st.births_in,
                st.busy_s * 1e3
            );
        }
    } else {
        let pops: Vec<u64> = r.stats.iter().map(|s| s.population).collect();
        let _ = writeln!(
            o,
            "region population min {} max {} (per-region figures in --json)",
            pops.iter().min().unwrap_or(&0),
            pops.iter().max().unwrap_or(&0)
        );
    }
}

fn summary_json(sim: &Simulation, wall: f64) -> serde_json::Value {
    let mut out = sim.stats_json();
    let more = json!({
        "wall_s": wall,
        "ms_per_tick": wall * 1e3 / sim.tick().max(1) as f64,
        "regions": {
            "rows": sim.regions().grid.rows,
            "cols": sim.regions().grid.cols,
            "xs": sim.regions().grid.xs,
            "ys": sim.regions().grid.ys,
            "workers": sim.threads(),
            "restarts": sim.regions().restarts(),
            "stalls": sim.regions().stalls().0,
            "timing": sim.regions().timing,
            "stats": sim.regions().stats,
        },
        "pool": sim.pool_status(),
    });
    for (k, v) in more.as_object().expect("an object") {
        out[k] = v.clone();
    }
    out
}

/// Writes to stdout; a closed pipe (`evosim run | head`) is not an error.
fn emit(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|_| out.flush());
}
