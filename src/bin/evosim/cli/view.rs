//! `evosim view`: the windowed viewer, or screenshot mode.

use std::path::{Path, PathBuf};

use super::{BackendArg, CliError};
use evosim::app::{Recovery, UiStart, ViewOptions, offscreen, window};
use evosim::gpu::GpuContext;
use evosim::model::count::parse_count;
use evosim::{Backend, Scenario};

/// Options of `evosim view`.
#[derive(Debug, clap::Args)]
pub struct ViewArgs {
    /// Scenario file (TOML); default: the bundled scenarios/default.toml.
    #[arg(long, value_name = "FILE")]
    scenario: Option<PathBuf>,
    /// Resize the scenario to N initial entities at the same density (accepts 10k, 1M).
    #[arg(long, value_name = "N", value_parser = parse_count, allow_negative_numbers = true)]
    entities: Option<u64>,
    /// Seed of every random number (overrides the scenario's).
    #[arg(long, value_name = "S")]
    seed: Option<u64>,
    #[command(flatten)]
    set: super::SetArgs,
    /// Engine for the per-entity passes (the drawing is always on the GPU).
    #[arg(long, value_enum, default_value_t = BackendArg::Auto)]
    backend: BackendArg,
    /// Start paused (space or the play button starts the simulation).
    #[arg(long)]
    paused: bool,
    /// Starting speed in ticks per frame: 0.25, 0.5, 1, 2, 4, 8 or 16.
    #[arg(long, value_name = "X", default_value = "1", value_parser = parse_speed)]
    speed: usize,
    /// Worker threads; 0 uses one per core.
    #[arg(long, value_name = "K", default_value_t = 0)]
    threads: usize,
    /// Render this many frames, then exit. With --screenshot (default 60):
    /// offscreen, no window or display needed, each frame waiting for its
    /// ticks. Without: in the window, then print the frame statistics.
    #[arg(long, value_name = "N")]
    frames: Option<u32>,
    /// Screenshot mode: the PNG file to write.
    #[arg(long, value_name = "FILE.png")]
    screenshot: Option<PathBuf>,
    /// Screenshot size in pixels, WIDTHxHEIGHT.
    #[arg(long, value_name = "WxH", default_value = "1280x800", value_parser = parse_size)]
    size: (u32, u32),
    /// Test hook: resize, minimize and lose the window's surface on a fixed
    /// schedule (use with --frames).
    #[arg(long, hide = true)]
    exercise_surface: bool,
    /// Starting colour mode: tribe, diet, energy, age, species, or a gene's
    /// name (speed, vision, metabolism, repro_chance, aggression, cohesion,
    /// food_standards, diet, view_angle; as gene:NAME for diet).
    #[arg(long, value_name = "MODE", value_parser = parse_color_mode)]
    color: Option<u32>,
    /// Open the Species panel (folding the statistics and performance panels).
    #[arg(long)]
    species_panel: bool,
    /// Highlight the members of species ID (dimming the others).
    #[arg(long, value_name = "ID")]
    highlight_species: Option<u32>,
    /// Start from a snapshot written by `evosim run --snapshot` (or the
    /// viewer's Save) instead of the scenario.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["scenario", "entities", "seed"])]
    resume: Option<PathBuf>,
    /// Watch the shader folder (default ./shaders): saving a .wgsl file
    /// rebuilds its pipelines in the running simulation; a WGSL error is shown
    /// in the panel and logged while the last good pipelines keep running.
    #[arg(long, value_name = "DIR", num_args = 0..=1, default_missing_value = "shaders")]
    watch_shaders: Option<PathBuf>,
}

fn parse_speed(s: &str) -> Result<usize, String> {
    let x: f32 = s
        .trim()
        .parse()
        .map_err(|_| format!("{s:?} is not a speed"))?;
    evosim::app::ui::SPEEDS
        .iter()
        .position(|&v| v == x)
        .ok_or_else(|| {
            format!("speed {s} is not one of 0.25, 0.5, 1, 2, 4, 8, 16 (ticks per frame)")
        })
}

fn parse_color_mode(s: &str) -> Result<u32, String> {
    let want = s.trim().to_ascii_lowercase();
    let modes = evosim::app::ui::color_modes();
    modes
        .iter()
        .find(|(name, _)| *name == want || name.replace(' ', "") == want)
        .or_else(|| {
            modes
                .iter()
                .find(|(name, _)| *name == format!("gene: {want}"))
        })
        .map(|&(_, m)| m)
        .ok_or_else(|| {
            let names: Vec<String> = modes.iter().map(|(n, _)| n.replace("gene: ", "")).collect();
            format!("{s:?} is not a colour mode; one of: {}", names.join(", "))
        })
}

fn parse_size(s: &str) -> Result<(u32, u32), String> {
    let bad =
        || format!("{s:?} is not a size WIDTHxHEIGHT from 64x64 to 8192x8192 (example: 1280x800)");
    super::parse_pair(s, 64..=8192).ok_or_else(bad)
}

/// Whether a window can be opened here.
pub fn display_available() -> bool {
    ["DISPLAY", "WAYLAND_DISPLAY"]
        .iter()
        .any(|v| std::env::var_os(v).is_some_and(|x| !x.is_empty()))
}

/// The viewer's options with everything else at its default.
pub fn default_args() -> ViewArgs {
    ViewArgs {
        scenario: None,
        entities: None,
        seed: None,
        set: Default::default(),
        backend: BackendArg::Auto,
        threads: 0,
        paused: false,
        speed: 2,
        frames: None,
        screenshot: None,
        size: (1280, 800),
        exercise_surface: false,
        color: None,
        species_panel: false,
        highlight_species: None,
        resume: None,
        watch_shaders: None,
    }
}

pub fn view(a: ViewArgs) -> Result<(), CliError> {
    if let Some(path) = &a.screenshot {
        super::check_output("--screenshot", path)?;
    }
    if let Some(dir) = &a.watch_shaders
        && !dir.join("steer.wgsl").is_file()
    {
        return Err(CliError::Usage(format!(
            "--watch-shaders {}: no shader folder there (it should hold steer.wgsl and \
             common/; run from the repository root or give the folder)",
            dir.display()
        )));
    }
    let backend: Backend = a.backend.into();
    let resume = match &a.resume {
        Some(path) => Some(std::sync::Arc::new(std::fs::read(path).map_err(|e| {
            CliError::Usage(format!("--resume {}: {e}", path.display()))
        })?)),
        None => None,
    };
    let options = ViewOptions {
        scenario: scenario(&a)?,
        entities: a.entities,
        backend,
        threads: a.threads,
        paused: a.paused,
        speed: a.speed,
        stop_at: None,
        watch_shaders: a.watch_shaders.clone(),
        start_ui: UiStart {
            mode: a.color,
            species_panel: a.species_panel,
            highlight: a.highlight_species,
        },
        recovery: Recovery {
            resume,
            options: super::sim_options()?,
            ..Default::default()
        },
    };
    match &a.screenshot {
        Some(path) => screenshot(&a, options, path),
        None => in_window(&a, options),
    }
}

/// The scenario asked for: loaded, seeded, resized and validated.
fn scenario(a: &ViewArgs) -> Result<Scenario, CliError> {
    let mut scenario = match &a.scenario {
        Some(path) => Scenario::load(path).map_err(|e| CliError::Usage(e.to_string()))?,
        None => Scenario::default_scenario(),
    };
    if let Some(seed) = a.seed {
        scenario.seed = seed;
    }
    if let Some(n) = a.entities {
        scenario = scenario
            .scaled_to(n)
            .map_err(|e| CliError::Usage(e.to_string()))?;
    }
    scenario = a.set.apply(&scenario)?;
    scenario
        .validate()
        .map_err(|e| CliError::Usage(e.to_string()))?;
    Ok(scenario)
}

/// Screenshot mode: frames drawn offscreen, the last one written to `path`.
fn screenshot(a: &ViewArgs, options: ViewOptions, path: &Path) -> Result<(), CliError> {
    let ctx = GpuContext::new().map_err(|e| {
        CliError::Usage(format!(
            "the viewer draws with the GPU and {e} (on a machine without a GPU, \
             `apt-get install mesa-vulkan-drivers` gives a software one)"
        ))
    })?;
    let size = [a.size.0, a.size.1];
    let shot = offscreen::screenshot(ctx, options, a.frames.unwrap_or(60), size, path)
        .map_err(|e| CliError::Runtime(anyhow::anyhow!(e)))?;
    eprintln!(
        "wrote {} ({}×{}, frame {}, tick {}, backend {})",
        path.display(),
        size[0],
        size[1],
        shot.frames,
        shot.ticks,
        shot.backend
    );
    Ok(())
}

/// The window; with `--frames`, its frame statistics at the end.
fn in_window(a: &ViewArgs, options: ViewOptions) -> Result<(), CliError> {
    if !display_available() {
        return Err(CliError::Usage(
            "no display to open a window on (DISPLAY and WAYLAND_DISPLAY are unset); \
             run headless with `evosim run`, or write a screenshot with \
             `evosim view --screenshot shot.png`"
                .into(),
        ));
    }
    let wo = window::WindowOptions {
        frames: a.frames,
        exercise: a.exercise_surface,
    };
    let r = window::run(options, wo).map_err(|e| CliError::Runtime(anyhow::anyhow!(e)))?;
    if a.frames.is_some() {
        eprintln!(
            "window: {} frames drawn of {} redraws in {:.1} s ({:.1} frames/s; frame time \
             median {:.1} ms, p95 {:.1} ms, max {:.1} ms); tick {}; size {}x{}; \
             surface reconfigured {}, recreated {}, outdated {}, minimized frames {}, \
             drawn since the last change {}",
            r.drawn,
            r.redraws,
            r.seconds,
            r.fps(),
            r.frame_ms_quantile(0.5),
            r.frame_ms_quantile(0.95),
            r.frame_ms_quantile(1.0),
            r.ticks,
            r.size[0],
            r.size[1],
            r.reconfigured,
            r.recreated,
            r.outdated,
            r.skipped_minimized,
            r.drawn_since_change
        );
    }
    Ok(())
}
