//! Argument definitions and dispatch.

mod bench;
mod run;
mod species;
mod sweep;
#[cfg(feature = "viewer")]
mod view;

use std::ops::RangeInclusive;
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use evosim::model::count::parse_count;
use evosim::model::overrides::Override;
use evosim::{Backend, Scenario};

/// evosim — an evolution simulation of up to millions of creatures.
///
/// Creatures carry nine genes, flock, graze a regrowing food grid, hunt and
/// flee within view cones, fight, reproduce with mutation and die, on a
/// toroidal world with terrain. Same seed, same result.
#[derive(Debug, Parser)]
#[command(name = "evosim", version, about, long_about)]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// More diagnostics on stderr: -v adds evosim's details and wgpu's
    /// notes (the Vulkan loader's included), -vv everything. RUST_LOG (e.g. `RUST_LOG=evosim=debug,wgpu=warn`)
    /// overrides it. A subcommand's --quiet keeps only warnings and errors.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    verbose: u8,
}

impl Cli {
    /// Installs the logger that prints diagnostics on stderr: notes and
    /// warnings of evosim, warnings of wgpu (its HAL's from -v on);
    /// `RUST_LOG` overrides.
    pub fn init_logging(&self) {
        let quiet = match &self.command {
            Some(Command::Run(a)) => a.quiet,
            Some(Command::Bench(a)) => a.quiet(),
            _ => false,
        };
        // The Vulkan loader's own chatter (wgpu_hal's instance messages, e.g.
        // "Found no drivers!" before the clear "no GPU adapter" error) shows
        // from -v on.
        let filter = match (quiet, self.verbose) {
            (true, _) => "warn,wgpu_hal=off",
            (false, 0) => "warn,evosim=info,wgpu_hal=off",
            (false, 1) => "info,evosim=debug",
            (false, _) => "debug,evosim=trace",
        };
        let mut b = env_logger::Builder::new();
        b.parse_filters(filter);
        if let Ok(spec) = std::env::var("RUST_LOG") {
            b.parse_filters(&spec);
        }
        b.format(|out, r| {
            use std::io::Write;
            let from_us = r.target().starts_with("evosim");
            match (r.level(), from_us) {
                (log::Level::Info, true) => writeln!(out, "note: {}", r.args()),
                (log::Level::Warn, true) => writeln!(out, "warning: {}", r.args()),
                (log::Level::Error, true) => writeln!(out, "error: {}", r.args()),
                (level, _) => writeln!(
                    out,
                    "{}: {}: {}",
                    level.as_str().to_lowercase(),
                    r.target(),
                    r.args()
                ),
            }
        });
        // A second initialisation (tests calling in-process) keeps the first.
        let _ = b.try_init();
    }
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run headless for a number of ticks and print a summary (and optionally JSON and CSV).
    Run(RunArgs),
    /// Open the viewer: the world drawn from the GPU with controls, statistics,
    /// an inspector, overlays and performance panels (or write a screenshot).
    #[cfg(feature = "viewer")]
    View(view::ViewArgs),
    /// The viewer, absent from this build (built without the cargo feature `viewer`).
    #[cfg(not(feature = "viewer"))]
    #[command(hide = true)]
    View {
        /// Whatever was given.
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// Measure tick times per entity count and backend (median, p95, p99,
    /// per pass, throughput, memory) as a table and JSON.
    Bench(bench::BenchArgs),
    /// Run an experiment file's runs (every value of the varied parameters,
    /// several seeds each) on every core, into Parquet tables; resumable.
    Sweep(sweep::SweepArgs),
    /// Print every simulation parameter with its default value, as scenario TOML.
    Params,
}

/// Which engine computes the per-entity passes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BackendArg {
    /// GPU when an adapter exists, else CPU (with a notice).
    Auto,
    /// The multi-threaded CPU engine.
    Cpu,
    /// The wgpu compute engine.
    Gpu,
}

impl From<BackendArg> for Backend {
    fn from(b: BackendArg) -> Self {
        match b {
            BackendArg::Auto => Backend::Auto,
            BackendArg::Cpu => Backend::Cpu,
            BackendArg::Gpu => Backend::Gpu,
        }
    }
}

/// `--set KEY=VALUE`, of `evosim run` and `evosim view`.
#[derive(Debug, Default, clap::Args)]
pub struct SetArgs {
    /// Set a scenario value by its dotted key, after --entities (repeatable):
    /// a parameter as `evosim params` prints it (mutation.rate=0.3), seed,
    /// entities, or a tribe's tribes.NAME.count / tribes.NAME.genes.GENE.mean.
    #[arg(long = "set", value_name = "KEY=VALUE", value_parser = Override::parse)]
    pub set: Vec<Override>,
}

impl SetArgs {
    /// `scenario` with the overrides applied, or the usage error.
    pub fn apply(&self, scenario: &Scenario) -> Result<Scenario, CliError> {
        evosim::model::overrides::apply(scenario, &self.set)
            .map_err(|e| CliError::Usage(format!("--set {e}")))
    }
}

/// Options of `evosim run`.
#[derive(Debug, clap::Args)]
pub struct RunArgs {
    /// Scenario file (TOML); default: the bundled scenarios/default.toml.
    #[arg(long, value_name = "FILE")]
    scenario: Option<PathBuf>,
    /// Resize the scenario to N initial entities at the same density (accepts 10k, 1M).
    #[arg(long, value_name = "N", value_parser = parse_count, allow_negative_numbers = true)]
    entities: Option<u64>,
    /// Ticks to simulate (60 ticks = 1 simulated second).
    #[arg(long, value_name = "T", default_value_t = 3600)]
    ticks: u32,
    /// Seed of every random number (overrides the scenario's).
    #[arg(long, value_name = "S")]
    seed: Option<u64>,
    #[command(flatten)]
    set: SetArgs,
    /// Engine for the per-entity passes.
    #[arg(long, value_enum, default_value_t = BackendArg::Auto)]
    backend: BackendArg,
    /// Worker threads; 0 uses one per core. The result does not depend on it.
    #[arg(long, value_name = "K", default_value_t = 0)]
    threads: usize,
    /// Region grid of the CPU workers, ROWSxCOLS (e.g. 4x4); default: about two
    /// regions per thread. The result does not depend on it.
    #[arg(long, value_name = "RxC", value_parser = parse_regions)]
    regions: Option<(u32, u32)>,
    /// Print the summary as one JSON object on the last line of stdout.
    #[arg(long)]
    json: bool,
    /// Write population and event counts every --stats-every ticks to FILE (CSV).
    #[arg(long, value_name = "FILE")]
    stats_csv: Option<PathBuf>,
    /// Ticks between CSV rows.
    #[arg(long, value_name = "T", default_value_t = 60, value_parser = clap::value_parser!(u32).range(1..))]
    stats_every: u32,
    /// Write every living species every --stats-every ticks to FILE (CSV:
    /// tick, species, parent species, tribe, living members, founding
    /// tick, then the mean of each gene).
    #[arg(long, value_name = "FILE")]
    species_csv: Option<PathBuf>,
    /// Write the species tree at the end of the run to FILE, in Newick
    /// format: one leaf `s<id>` per species founded (extinct ones
    /// included), a split where each species was founded, branch lengths
    /// in ticks, the tribes' species under one root.
    #[arg(long, value_name = "FILE")]
    phylogeny: Option<PathBuf>,
    /// Check the world's invariants after every tick (unique ids, free-slot
    /// list, positions in the world and on passable ground, finite values,
    /// initial + births − deaths = population, each species' living count
    /// and gene sums, every creature's species); stop with an error naming
    /// the first broken one.
    #[arg(long)]
    check_invariants: bool,
    /// Write the whole state to FILE at the end of the run (and every
    /// --save-every ticks); resume it with --resume.
    #[arg(long, value_name = "FILE")]
    snapshot: Option<PathBuf>,
    /// Also write the snapshot every T ticks.
    #[arg(long, value_name = "T", requires = "snapshot", value_parser = clap::value_parser!(u32).range(1..))]
    save_every: Option<u32>,
    /// Continue from a snapshot for --ticks more ticks (--threads,
    /// --regions and --backend may differ from the saving run).
    #[arg(long, value_name = "FILE", conflicts_with_all = ["scenario", "entities", "seed", "set"])]
    resume: Option<PathBuf>,
    /// No progress bar.
    #[arg(long, short)]
    quiet: bool,
}

/// Parses a region grid `ROWSxCOLS`, each 1 to 256.
fn parse_regions(s: &str) -> Result<(u32, u32), String> {
    let bad = || {
        format!(
            "{s:?} is not a region grid of the form ROWSxCOLS with each from 1 to 256 (example: 4x4)"
        )
    };
    parse_pair(s, 1..=256).ok_or_else(bad)
}

/// Two numbers written `AxB` (or `AXB`), each within `range`.
pub(crate) fn parse_pair(s: &str, range: RangeInclusive<u32>) -> Option<(u32, u32)> {
    let (a, b) = s.trim().split_once(['x', 'X'])?;
    let a: u32 = a.trim().parse().ok()?;
    let b: u32 = b.trim().parse().ok()?;
    (range.contains(&a) && range.contains(&b)).then_some((a, b))
}

/// Checks, before anything runs, that the output file `path` given with
/// `flag` can be written: its folder exists and takes a new file, and the
/// path is not a folder. Bad paths are a usage error (exit 2), so that a long
/// run never ends in a failed save.
pub fn check_output(flag: &str, path: &std::path::Path) -> Result<(), CliError> {
    let bad = |why: String| CliError::Usage(format!("{flag} {}: {why}", path.display()));
    if path.is_dir() {
        return Err(bad("is a folder; give a file name".into()));
    }
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => std::path::Path::new("."),
    };
    if !folder.is_dir() {
        return Err(bad(format!(
            "the folder {} does not exist",
            folder.display()
        )));
    }
    let probe = folder.join(format!(".evosim-write-check-{}", std::process::id()));
    match std::fs::File::create(&probe) {
        Ok(_) => {
            let _ = std::fs::remove_file(&probe);
            Ok(())
        }
        Err(e) => Err(bad(format!("cannot write in {}: {e}", folder.display()))),
    }
}

/// A command's failure: bad input (exit 2) or a runtime failure (exit 1).
pub enum CliError {
    /// Bad arguments or scenario.
    Usage(String),
    /// Anything else.
    Runtime(anyhow::Error),
}

/// The simulation options the environment asks for: `EVOSIM_FAULT`
/// (`worker_panic@TICK`, `worker_stall@TICK` or `device_lost@TICK`: a fault
/// injected for tests) and `EVOSIM_WATCHDOG_MS` (how long the region
/// coordinator waits for a task before it reports it stuck).
pub fn sim_options() -> Result<evosim::Options, CliError> {
    let mut o = evosim::Options::default();
    if let Ok(v) = std::env::var("EVOSIM_FAULT") {
        o.faults = evosim::sim::Faults::parse(&v)
            .map_err(|m| CliError::Usage(format!("EVOSIM_FAULT: {m}")))?;
    }
    if let Ok(v) = std::env::var("EVOSIM_WATCHDOG_MS") {
        let ms = v
            .trim()
            .parse::<u64>()
            .ok()
            .filter(|&ms| ms > 0)
            .ok_or_else(|| {
                CliError::Usage(format!(
                    "EVOSIM_WATCHDOG_MS: {v:?} is not a positive number of milliseconds"
                ))
            })?;
        o.watchdog = std::time::Duration::from_millis(ms);
    }
    Ok(o)
}

/// Runs the chosen command.
pub fn dispatch(cli: Cli) -> Result<(), CliError> {
    match cli.command {
        Some(Command::Run(args)) => run::run(args),
        #[cfg(feature = "viewer")]
        Some(Command::View(args)) => view::view(args),
        #[cfg(not(feature = "viewer"))]
        Some(Command::View { .. }) => Err(CliError::Usage(
            "this evosim was built without the viewer (cargo feature `viewer`); `evosim run` \
             runs headless"
                .into(),
        )),
        Some(Command::Bench(args)) => bench::bench(args),
        Some(Command::Sweep(args)) => sweep::sweep(args),
        Some(Command::Params) => {
            let s = Scenario::default_scenario();
            let text = toml::to_string(&s.params()).map_err(|e| CliError::Runtime(e.into()))?;
            print!("{text}");
            Ok(())
        }
        #[cfg(feature = "viewer")]
        None if view::display_available() => view::view(view::default_args()),
        None => {
            // No window to open: the main job headless instead.
            #[cfg(feature = "viewer")]
            eprintln!(
                "evosim: no display here (DISPLAY and WAYLAND_DISPLAY are unset), so no viewer \
                 window: running `evosim run` (the default scenario for one simulated minute) \
                 instead; `evosim view --screenshot shot.png` draws it, `evosim --help` lists \
                 the rest"
            );
            #[cfg(not(feature = "viewer"))]
            eprintln!(
                "evosim: built without the viewer, so running `evosim run` (the default scenario \
                 for one simulated minute); `evosim --help` lists the rest"
            );
            match Cli::try_parse_from(["evosim", "run"]) {
                Ok(Cli {
                    command: Some(Command::Run(args)),
                    ..
                }) => run::run(args),
                _ => unreachable!("`evosim run` with its defaults parses"),
            }
        }
    }
}
