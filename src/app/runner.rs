//! The simulation thread: the viewer's [`Simulation`] runs here, never on the
//! frame thread, so that drawing and input never wait for a tick or for its
//! GPU readbacks.
//!
//! The frame thread grants ticks (the speed, once per frame) and sends
//! [`Command`]s; this thread runs the ticks it was granted, answers the
//! commands, and publishes a [`SimView`] after each batch: the figures the
//! panels show and the buffers the renderer draws from. On the GPU backend
//! those are the simulation's own resident buffers (nothing is copied); on
//! the CPU backend this thread uploads the state into buffers of its own
//! after each batch.
//!
//! When the simulation cannot keep up with the speed asked for, the grant
//! is capped at two frames' worth: the simulation slows down instead of the
//! frames, and [`SimView::behind`] says so.

// In the browser wgpu's handles are neither Send nor Sync; the runner has no
// thread there (`start_local`), so its Arcs are never shared across threads.
#![cfg_attr(target_arch = "wasm32", allow(clippy::arc_with_non_send_sync))]

use std::collections::VecDeque;
use std::future::Future;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::Duration;
use web_time::Instant;

use super::ViewOptions;
use crate::gpu::GpuContext;
use crate::model::genes::GENE_COUNT;
use crate::pass::Timings;
use crate::regions::RegionStats;
use crate::regions::grid::RegionGrid;
use crate::regions::stats::{Counters, GeneStat, History};
use crate::sim::EntityView;
use crate::{Backend, Scenario, SimError, SimParams, Simulation};

/// What the frame thread asks of the simulation thread.
#[derive(Debug, Clone)]
pub enum Command {
    /// Run one tick now (the step button while paused).
    Step,
    /// Restart from the scenario with the same seed (`true`) or a new one.
    Reset {
        /// Keep the seed.
        same_seed: bool,
    },
    /// Restart from this scenario (already loaded and validated).
    Load(Box<Scenario>),
    /// Move the world to the other backend.
    SwitchBackend,
    /// Select the living creature nearest to a world point within a radius
    /// (world units); nothing there clears the selection.
    Pick {
        /// World point.
        at: [f32; 2],
        /// Search radius (wu).
        radius: f32,
    },
    /// Clear the selection.
    Deselect,
    /// Write the whole state to a snapshot file.
    Save(std::path::PathBuf),
    /// Replace the world by a snapshot's (on the current backend); a bad
    /// file leaves the running world as it was.
    Resume(std::path::PathBuf),
}

/// The region grid and its figures, as the panels show them.
#[derive(Debug, Clone)]
pub struct RegionsView {
    /// The grid.
    pub grid: RegionGrid,
    /// Per-region statistics.
    pub stats: Vec<RegionStats>,
    /// Worker threads.
    pub threads: usize,
    /// Worker restarts so far.
    pub restarts: u64,
    /// Phases the watchdog reported stuck so far, and the last report.
    pub stalls: (u64, Option<String>),
    /// Region work per tick, mean so far (ms).
    pub work_ms: f64,
}

/// The buffers the renderer binds: the simulation's own on the GPU backend,
/// uploads on the CPU backend. A new `id` means new buffers.
#[derive(Debug, Clone)]
pub struct DrawSource {
    /// Changes whenever the buffers do.
    pub id: u64,
    /// pos, vel, tribe_flags, genes, energy, age, terrain, food amount.
    pub buffers: [wgpu::Buffer; 8],
    /// One past the highest slot that may hold a living entity.
    pub live_end: u32,
    /// Terrain grid columns and rows.
    pub terrain_dims: [u32; 2],
    /// Food grid columns and rows.
    pub food_dims: [u32; 2],
}

/// What the viewer shows of the simulation, published after each batch of
/// ticks and after each command.
#[derive(Debug, Clone)]
pub struct SimView {
    /// Ticks run.
    pub tick: u32,
    /// Derived parameters.
    pub params: Arc<SimParams>,
    /// The scenario.
    pub scenario: Arc<Scenario>,
    /// Living entities.
    pub population: u64,
    /// Cumulative counters.
    pub counters: Counters,
    /// Population history.
    pub history: Arc<History>,
    /// Gene statistics per tribe (refreshed every 60 ticks).
    pub genes: Arc<Vec<[GeneStat; GENE_COUNT]>>,
    /// The backend running.
    pub backend: Backend,
    /// The GPU adapter, on the GPU backend.
    pub adapter: Option<String>,
    /// Per-pass times of the last tick.
    pub timings: Timings,
    /// Regions.
    pub regions: RegionsView,
    /// The selected creature's id and slot.
    pub selected: Option<(u32, u32)>,
    /// The selected creature, while it lives.
    pub inspected: Option<EntityView>,
    /// Positions of the creatures it sees (nearest first), refreshed a few
    /// times a second.
    pub neighbors: Vec<[f32; 2]>,
    /// What to draw.
    pub draw: Option<DrawSource>,
    /// The last error or notice (a failed load, switch or tick).
    pub message: Option<String>,
    /// The simulation stopped on an error and runs no more ticks.
    pub halted: bool,
    /// Wall time of the last batch's ticks, per tick (ms).
    pub tick_ms: f32,
    /// The speed asked for is more than the simulation keeps up with.
    pub behind: bool,
    /// [`Simulation::state_hash`], once the simulation has stopped at
    /// [`ViewOptions::stop_at`].
    pub state_hash: Option<u64>,
    /// Shader files reloaded so far (`--watch-shaders`).
    pub shader_reloads: u64,
}

impl SimView {
    /// The view of a freshly built or changed simulation.
    fn of(sim: &Simulation) -> Self {
        let mut v = Self {
            tick: 0,
            params: Arc::new(sim.params().clone()),
            scenario: Arc::new(sim.scenario().clone()),
            population: 0,
            counters: sim.counters().clone(),
            history: Arc::new(sim.history().clone()),
            genes: Arc::new(sim.gene_stats()),
            backend: sim.backend(),
            adapter: sim.adapter(),
            timings: *sim.timings(),
            regions: regions_view(sim),
            selected: None,
            inspected: None,
            neighbors: Vec::new(),
            draw: None,
            message: None,
            halted: false,
            tick_ms: 0.0,
            behind: false,
            state_hash: None,
            shader_reloads: 0,
        };
        v.refresh(sim);
        v
    }

    /// Updates the per-tick figures.
    fn refresh(&mut self, sim: &Simulation) {
        self.tick = sim.tick();
        self.population = sim.population();
        self.counters = sim.counters().clone();
        let h = sim.history();
        if h.samples.back().map(|s| s.tick) != self.history.samples.back().map(|s| s.tick) {
            self.history = Arc::new(h.clone());
        }
        self.timings = *sim.timings();
        self.regions = regions_view(sim);
    }
}

fn regions_view(sim: &Simulation) -> RegionsView {
    let r = sim.regions();
    RegionsView {
        grid: r.grid.clone(),
        stats: r.stats.clone(),
        threads: r.threads(),
        restarts: r.restarts(),
        stalls: (r.stalls().0, r.stalls().1.map(str::to_string)),
        work_ms: r.timing.work_s * 1e3 / r.timing.ticks.max(1) as f64,
    }
}

/// Shared between the two threads.
struct Control {
    /// Ticks granted and not yet run.
    budget: f32,
    commands: VecDeque<Command>,
    /// The simulation thread is running ticks or commands.
    busy: bool,
    /// The last grant hit the cap.
    behind: bool,
    quit: bool,
    view: Arc<SimView>,
}

struct Shared {
    control: Mutex<Control>,
    /// Signals work for the simulation thread and its completion.
    changed: Condvar,
    /// Held by the simulation thread while it submits GPU work and waits
    /// for it (a tick, a readback), and by the frame thread while it
    /// reconfigures the window's surface, which needs the queue idle.
    gpu: Mutex<()>,
}

impl Shared {
    fn new(view: SimView) -> Arc<Self> {
        Arc::new(Shared {
            control: Mutex::new(Control {
                budget: 0.0,
                commands: VecDeque::new(),
                busy: false,
                behind: false,
                quit: false,
                view: Arc::new(view),
            }),
            changed: Condvar::new(),
            gpu: Mutex::new(()),
        })
    }

    /// Takes the commands and the whole ticks granted (none while halted),
    /// and marks the simulation busy.
    fn take_work(&self, halted: bool) -> (Vec<Command>, u32) {
        let mut c = self.lock();
        let commands: Vec<Command> = c.commands.drain(..).collect();
        let ticks = if halted { 0 } else { c.budget.floor() as u32 };
        c.budget -= ticks as f32;
        if halted {
            c.budget = 0.0;
        }
        c.busy = true;
        (commands, ticks)
    }

    /// Publishes `view` and clears the busy mark.
    fn publish(&self, view: &mut SimView) {
        let mut c = self.lock();
        view.behind = c.behind;
        c.view = Arc::new(view.clone());
        c.busy = false;
        drop(c);
        self.changed.notify_all();
    }

    fn lock(&self) -> MutexGuard<'_, Control> {
        // A panic on the other thread must not take the viewer down with it.
        self.control.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The simulation thread and its mailbox.
pub struct SimRunner {
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
}

impl SimRunner {
    /// Builds the simulation from `options` (its backend on `ctx` unless
    /// `Backend::Cpu`) and starts its thread.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn start(options: ViewOptions, ctx: GpuContext) -> Result<Self, SimError> {
        let mut state = SimState::new(options, ctx)?;
        let view = state.first_view();
        let shared = Shared::new(view);
        let s = shared.clone();
        let thread = std::thread::Builder::new()
            .name("evosim-sim".into())
            .spawn(move || run(state, &s))
            .map_err(|e| SimError::Threads {
                threads: 1,
                message: e.to_string(),
            })?;
        Ok(Self {
            shared,
            thread: Some(thread),
        })
    }

    /// Builds the simulation from `options` for a caller without threads
    /// (the browser): returns the runner and the simulation's task, a
    /// future the caller spawns on its event loop. The task runs what it is
    /// granted and sent, awaiting the GPU's readbacks, and `pause(ms)`s
    /// (a timer on the event loop) between batches so that frames are drawn;
    /// it ends when the runner is dropped. [`Self::sync`] does not wait in
    /// this mode.
    pub fn start_local<F: Future<Output = ()>>(
        options: ViewOptions,
        ctx: GpuContext,
        pause: impl Fn(u32) -> F,
    ) -> Result<(Self, impl Future<Output = ()>), SimError> {
        let state = SimState::new(options, ctx)?;
        let view = SimView::of(&state.sim);
        let shared = Shared::new(view);
        let task = run_local(state, shared.clone(), pause);
        Ok((
            Self {
                shared,
                thread: None,
            },
            task,
        ))
    }

    /// The latest published view.
    pub fn view(&self) -> Arc<SimView> {
        self.shared.lock().view.clone()
    }

    /// Grants `ticks` more ticks (the speed, once per frame); the backlog is
    /// capped at two grants.
    pub fn grant(&self, ticks: f32) {
        let mut c = self.shared.lock();
        let cap = (2.0 * ticks).max(1.0);
        c.behind = c.budget + ticks > cap;
        c.budget = (c.budget + ticks).min(cap);
        drop(c);
        self.shared.changed.notify_all();
    }

    /// Drops the ticks granted and not yet run (pause).
    pub fn hold(&self) {
        let mut c = self.shared.lock();
        c.budget = c.budget.fract();
        c.behind = false;
    }

    /// Queues a command.
    pub fn send(&self, cmd: Command) {
        self.shared.lock().commands.push_back(cmd);
        self.shared.changed.notify_all();
    }

    /// Runs `f` while the simulation submits no GPU work (waits for the
    /// tick in progress to end).
    pub fn quiet<R>(&self, f: impl FnOnce() -> R) -> R {
        let _gate = self.shared.gpu.lock().unwrap_or_else(|p| p.into_inner());
        f()
    }

    /// Waits until every tick granted and every command sent so far has run
    /// and been published (screenshot mode, tests).
    pub fn sync(&self) {
        if self.thread.is_none() {
            // The task shares this thread: waiting here would wait forever.
            return;
        }
        let mut c = self.shared.lock();
        while !c.quit && (c.busy || c.budget >= 1.0 || !c.commands.is_empty()) {
            c = self
                .shared
                .changed
                .wait(c)
                .unwrap_or_else(|p| p.into_inner());
        }
    }
}

impl Drop for SimRunner {
    fn drop(&mut self) {
        self.shared.lock().quit = true;
        self.shared.changed.notify_all();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn make_sim(o: &ViewOptions, ctx: &GpuContext) -> Result<Simulation, SimError> {
    let device = (o.backend != Backend::Cpu).then(|| ctx.clone());
    Simulation::on_device(o.scenario.clone(), device, o.threads)
}

/// Buffers this thread fills on the CPU backend.
struct Upload {
    capacity: usize,
    food_len: usize,
    buffers: [wgpu::Buffer; 8],
}

/// The shader folder being watched (`--watch-shaders`; no files in the browser).
#[cfg_attr(target_arch = "wasm32", allow(dead_code))]
struct ShaderWatch {
    dir: std::path::PathBuf,
    /// Modification time of each shader file, as last seen.
    seen: std::collections::HashMap<String, std::time::SystemTime>,
    last_look: Option<Instant>,
    reloads: u64,
}

/// How often the watched folder is looked at.
const WATCH_EVERY: Duration = Duration::from_millis(250);

#[cfg_attr(target_arch = "wasm32", allow(dead_code))]
impl ShaderWatch {
    fn new(dir: std::path::PathBuf) -> Self {
        let mut w = Self {
            dir,
            seen: Default::default(),
            last_look: None,
            reloads: 0,
        };
        // What is there now is the starting point, not a change.
        let _ = w.changed();
        w
    }

    /// The shader files changed since the last look (at most every
    /// [`WATCH_EVERY`]): (name as in [`crate::gpu::shaders`], text).
    fn changed(&mut self) -> Vec<(String, String)> {
        if self.last_look.is_some_and(|t| t.elapsed() < WATCH_EVERY) {
            return Vec::new();
        }
        self.last_look = Some(Instant::now());
        let mut out = Vec::new();
        let mut files = Vec::new();
        for (sub, prefix) in [("", ""), ("common", "common/")] {
            let Ok(rd) = std::fs::read_dir(self.dir.join(sub)) else {
                continue;
            };
            for entry in rd.flatten() {
                let path = entry.path();
                let Some(stem) = path.file_stem().and_then(|s| s.to_str()) else {
                    continue;
                };
                if path.extension().and_then(|e| e.to_str()) != Some("wgsl") {
                    continue;
                }
                let name = if prefix.is_empty() {
                    stem.to_string()
                } else {
                    format!("{prefix}{stem}.wgsl")
                };
                if crate::gpu::shaders::is_shader(&name) {
                    files.push((name, path));
                }
            }
        }
        for (name, path) in files {
            let Ok(modified) = std::fs::metadata(&path).and_then(|m| m.modified()) else {
                continue;
            };
            if self.seen.insert(name.clone(), modified) == Some(modified) {
                continue;
            }
            if let Ok(text) = std::fs::read_to_string(&path) {
                out.push((name, text));
            }
        }
        out
    }
}

/// Everything the simulation thread owns.
struct SimState {
    sim: Simulation,
    ctx: GpuContext,
    options: ViewOptions,
    upload: Option<Upload>,
    draw_id: u64,
    last_gpu_pos: Option<wgpu::Buffer>,
    selected: Option<(u32, u32)>,
    genes_tick: u32,
    neighbors_at: Option<(Instant, u32)>,
    message: Option<String>,
    halted: bool,
    tick_ms: f32,
    watch: Option<ShaderWatch>,
}

/// The thread's loop: wait for a grant or a command, run it, publish.
#[cfg(not(target_arch = "wasm32"))]
fn run(mut st: SimState, shared: &Shared) {
    use crate::gpu::readback::block_on;
    let mut view = (*shared.lock().view).clone();
    loop {
        {
            let mut c = shared.lock();
            while !c.quit && c.commands.is_empty() && (c.budget < 1.0 || st.halted) {
                if st.watch.is_some() {
                    // Watching shaders: wake up to look at the folder.
                    let (g, t) = shared
                        .changed
                        .wait_timeout(c, WATCH_EVERY)
                        .unwrap_or_else(|p| p.into_inner());
                    c = g;
                    if t.timed_out() {
                        break;
                    }
                } else {
                    c = shared.changed.wait(c).unwrap_or_else(|p| p.into_inner());
                }
            }
            if c.quit {
                return;
            }
        }
        let reloaded = {
            let _gate = shared.gpu.lock().unwrap_or_else(|p| p.into_inner());
            st.poll_shaders()
        };
        let (commands, ticks) = shared.take_work(st.halted);
        let mut rebuilt = false;
        let mut ran = 0;
        for cmd in commands {
            match cmd {
                Command::Step if !st.halted => ran += st.run_ticks(1, shared),
                Command::Step => {}
                other => {
                    let _gate = shared.gpu.lock().unwrap_or_else(|p| p.into_inner());
                    rebuilt |= block_on(st.apply(other)).unwrap_or(false);
                }
            }
        }
        ran += st.run_ticks(ticks, shared);
        {
            let _gate = shared.gpu.lock().unwrap_or_else(|p| p.into_inner());
            if rebuilt {
                view = SimView::of(&st.sim);
            }
            block_on(st.update(&mut view, rebuilt || ran > 0 || reloaded));
        }
        shared.publish(&mut view);
    }
}

/// The task of [`SimRunner::start_local`]: the thread's loop, awaiting
/// instead of blocking.
async fn run_local<F: Future<Output = ()>>(
    mut st: SimState,
    shared: Arc<Shared>,
    pause: impl Fn(u32) -> F,
) {
    let mut view = (*shared.lock().view).clone();
    st.update(&mut view, true).await;
    shared.publish(&mut view);
    loop {
        let idle = {
            let c = shared.lock();
            if c.quit {
                return;
            }
            c.commands.is_empty() && (c.budget < 1.0 || st.halted)
        };
        if idle {
            pause(4).await;
            continue;
        }
        let (commands, ticks) = shared.take_work(st.halted);
        let mut rebuilt = false;
        let mut ran = 0;
        for cmd in commands {
            match cmd {
                Command::Step if !st.halted => ran += st.run_ticks_async(1).await,
                Command::Step => {}
                other => rebuilt |= st.apply(other).await,
            }
        }
        ran += st.run_ticks_async(ticks).await;
        if rebuilt {
            view = SimView::of(&st.sim);
        }
        st.update(&mut view, rebuilt || ran > 0).await;
        shared.publish(&mut view);
        // Let the page draw a frame.
        pause(0).await;
    }
}

impl SimState {
    fn new(options: ViewOptions, ctx: GpuContext) -> Result<Self, SimError> {
        let sim = make_sim(&options, &ctx)?;
        let options_watch = options.watch_shaders.clone().map(ShaderWatch::new);
        Ok(SimState {
            sim,
            ctx,
            options,
            upload: None,
            draw_id: 0,
            last_gpu_pos: None,
            selected: None,
            genes_tick: 0,
            neighbors_at: None,
            message: None,
            halted: false,
            tick_ms: 0.0,
            watch: options_watch,
        })
    }

    /// Rebuilds the pipelines of the shader files edited since the last look
    /// (`--watch-shaders`); a file that fails keeps the last good pipelines
    /// and is reported. True if anything was reloaded or reported.
    #[cfg(not(target_arch = "wasm32"))]
    fn poll_shaders(&mut self) -> bool {
        let Some(w) = self.watch.as_mut() else {
            return false;
        };
        let changed = w.changed();
        let mut any = false;
        for (file, text) in changed {
            any = true;
            let previous = crate::gpu::shaders::set_override(&file, Some(text));
            match self.sim.reload_shader(&file) {
                Ok(()) => {
                    w.reloads += 1;
                    let line = format!("reloaded shader {file}");
                    log::info!("{line}");
                    self.message = Some(line);
                }
                Err(e) => {
                    // The last good text stays in force for every later build.
                    crate::gpu::shaders::set_override(&file, previous);
                    let line = format!(
                        "shader {file} not reloaded (the last good one keeps running): {e}"
                    );
                    log::warn!("{line}");
                    self.message = Some(line);
                }
            }
        }
        any
    }

    /// `n` ticks, or fewer to stop at [`ViewOptions::stop_at`].
    fn clip(&self, n: u32) -> u32 {
        self.options
            .stop_at
            .map_or(n, |stop| n.min(stop.saturating_sub(self.sim.tick())))
    }

    /// After ticks: halts at [`ViewOptions::stop_at`].
    fn check_stop(&mut self) {
        if self.options.stop_at == Some(self.sim.tick()) && !self.halted {
            self.halted = true;
            self.message = Some(format!("stopped at tick {}, as asked", self.sim.tick()));
        }
    }

    /// Runs up to `n` ticks, each holding the GPU gate; returns how many
    /// ran.
    #[cfg(not(target_arch = "wasm32"))]
    fn run_ticks(&mut self, n: u32, shared: &Shared) -> u32 {
        let n = self.clip(n);
        let start = Instant::now();
        for k in 0..n {
            let _gate = shared.gpu.lock().unwrap_or_else(|p| p.into_inner());
            if let Err(e) = self.sim.step() {
                self.stopped(e);
                return k;
            }
        }
        self.timed(start, n);
        n
    }

    /// [`Self::run_ticks`] without the gate (one thread), awaiting the GPU.
    async fn run_ticks_async(&mut self, n: u32) -> u32 {
        let n = self.clip(n);
        let start = Instant::now();
        for k in 0..n {
            if let Err(e) = self.sim.step_async().await {
                self.stopped(e);
                return k;
            }
        }
        self.timed(start, n);
        n
    }

    fn stopped(&mut self, e: SimError) {
        self.message = Some(format!("the simulation stopped: {e}"));
        self.halted = true;
    }

    fn timed(&mut self, start: Instant, n: u32) {
        self.check_stop();
        if n > 0 {
            self.tick_ms = start.elapsed().as_secs_f32() * 1e3 / n as f32;
        }
    }

    /// Carries out a command; true if the simulation was replaced or moved.
    async fn apply(&mut self, cmd: Command) -> bool {
        match cmd {
            Command::Step => false,
            Command::Reset { same_seed } => {
                let mut o = self.options.clone();
                if !same_seed {
                    o.scenario.seed = o
                        .scenario
                        .seed
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                }
                self.restart(o)
            }
            Command::Load(scenario) => {
                let mut o = self.options.clone();
                o.scenario = *scenario;
                self.restart(o)
            }
            Command::SwitchBackend => {
                let target = if self.sim.gpu_view().is_some() {
                    None
                } else {
                    Some(self.ctx.clone())
                };
                match self.sim.switch_backend_async(target).await {
                    Ok(()) => {
                        self.genes_tick = self.sim.tick();
                        self.message = None;
                        true
                    }
                    Err(e) => {
                        self.message = Some(format!("backend switch failed: {e}"));
                        false
                    }
                }
            }
            Command::Pick { at, radius } => {
                if let Err(e) = self.sim.sync_async().await {
                    self.message = Some(format!("cannot pick: {e}"));
                    return false;
                }
                self.selected = pick(&self.sim, at, radius);
                self.neighbors_at = None;
                false
            }
            Command::Deselect => {
                self.selected = None;
                false
            }
            Command::Save(path) => {
                self.message = Some(match self.sim.save_snapshot(&path) {
                    Ok(()) => format!("saved tick {} to {}", self.sim.tick(), path.display()),
                    Err(e) => format!("cannot save: {e}"),
                });
                false
            }
            Command::Resume(path) => {
                let backend = self.sim.backend();
                let ctx = (backend != Backend::Cpu).then(|| self.ctx.clone());
                let threads = self.options.threads;
                let loaded = crate::snapshot::read_file(&path)
                    .map_err(SimError::from)
                    .and_then(|b| Simulation::from_snapshot(&b, Backend::Cpu, threads, None))
                    .and_then(|mut sim| sim.switch_backend(ctx).map(|_| sim));
                // (A snapshot file is a native feature: no file system in the browser.)
                match loaded {
                    Ok(sim) => {
                        self.options.scenario = sim.scenario().clone();
                        self.sim = sim;
                        self.selected = None;
                        self.genes_tick = 0;
                        self.halted = false;
                        self.message = Some(format!(
                            "resumed {} at tick {}",
                            path.display(),
                            self.sim.tick()
                        ));
                        true
                    }
                    Err(e) => {
                        self.message = Some(format!("cannot load {}: {e}", path.display()));
                        false
                    }
                }
            }
        }
    }

    /// Replaces the simulation by a fresh one from `o` on the current
    /// backend; on failure the running world stays and the error is shown.
    fn restart(&mut self, mut o: ViewOptions) -> bool {
        o.backend = self.sim.backend();
        match make_sim(&o, &self.ctx) {
            Ok(sim) => {
                self.sim = sim;
                self.options = o;
                self.selected = None;
                self.genes_tick = 0;
                self.message = None;
                self.halted = false;
                true
            }
            Err(e) => {
                self.message = Some(e.to_string());
                false
            }
        }
    }

    /// The first view of the simulation.
    #[cfg(not(target_arch = "wasm32"))]
    fn first_view(&mut self) -> SimView {
        let mut v = SimView::of(&self.sim);
        crate::gpu::readback::block_on(self.update(&mut v, true));
        v
    }

    /// Brings `v` up to date; `advanced`: ticks ran or the world changed.
    async fn update(&mut self, v: &mut SimView, advanced: bool) {
        let sim = &self.sim;
        if advanced {
            v.refresh(sim);
            if sim.tick() >= self.genes_tick + 60 || sim.tick() < self.genes_tick {
                v.genes = Arc::new(sim.gene_stats_async().await);
                self.genes_tick = sim.tick();
            }
            v.draw = Some(self.draw_source());
        }
        let sim = &self.sim;
        let stopped = self.halted && self.options.stop_at == Some(sim.tick());
        if !stopped {
            v.state_hash = None;
        } else if v.state_hash.is_none() && sim.sync_async().await.is_ok() {
            v.state_hash = Some(sim.state_hash());
        }
        v.backend = sim.backend();
        v.adapter = sim.adapter();
        // A GPU failure the simulation recovered from is worth showing too.
        v.message = self
            .message
            .clone()
            .or_else(|| sim.notice().map(str::to_string));
        v.halted = self.halted;
        v.tick_ms = self.tick_ms;
        v.shader_reloads = self.watch.as_ref().map_or(0, |w| w.reloads);
        v.selected = self.selected;
        v.inspected = match self.selected {
            Some((id, slot)) => sim.entity_async(slot as usize).await.filter(|e| e.id == id),
            None => None,
        };
        match (v.inspected, self.selected) {
            (Some(e), Some((id, slot))) => {
                // The full neighbourhood costs a full read on the GPU
                // backend: a few times a second is enough for the lines.
                let due = self
                    .neighbors_at
                    .is_none_or(|(t, of)| of != id || t.elapsed() >= Duration::from_millis(250));
                if due && sim.sync_async().await.is_ok() {
                    let max = sim.params().hash.max_neighbors as usize;
                    v.neighbors = neighbors_in_view(sim, slot as usize, &e, max);
                    self.neighbors_at = Some((Instant::now(), id));
                }
            }
            _ => {
                v.neighbors.clear();
                self.neighbors_at = None;
            }
        }
    }

    /// The buffers to draw: the resident ones on the GPU backend, fresh
    /// uploads of the state on the CPU backend.
    fn draw_source(&mut self) -> DrawSource {
        let sim = &self.sim;
        let terrain = &sim.terrain().grid;
        let terrain_dims = [terrain.cols, terrain.rows];
        let food_dims = [sim.food().grid.cols, sim.food().grid.rows];
        let live_end = sim.live_end() as u32;
        if let Some((_, b)) = sim.gpu_view() {
            self.upload = None;
            let buffers = [
                b.pos.clone(),
                b.vel.clone(),
                b.tribe_flags.clone(),
                b.genes.clone(),
                b.energy.clone(),
                b.age.clone(),
                b.terrain.clone(),
                b.food_amount.clone(),
            ];
            // Same buffers as last time: keep the id (no new bind group).
            let same = self.draw_id != 0 && self.last_gpu_pos.as_ref() == Some(&buffers[0]);
            if !same {
                self.draw_id += 1;
                self.last_gpu_pos = Some(buffers[0].clone());
            }
            return DrawSource {
                id: self.draw_id,
                buffers,
                live_end,
                terrain_dims,
                food_dims,
            };
        }
        self.last_gpu_pos = None;
        let e = sim.entities();
        let cap = e.capacity();
        let food = &sim.food().amount;
        if self
            .upload
            .as_ref()
            .is_none_or(|u| u.capacity != cap || u.food_len != food.len())
        {
            self.upload = Some(allocate(&self.ctx, sim));
            self.draw_id += 1;
        }
        let u = self.upload.as_ref().expect("allocated above");
        let q = &self.ctx.queue;
        let b = &u.buffers;
        let fits = |b: &wgpu::Buffer, bytes: usize| b.size() as usize >= bytes;
        if fits(&b[3], cap * 20) {
            q.write_buffer(&b[0], 0, bytemuck::cast_slice(&e.pos));
            q.write_buffer(&b[1], 0, bytemuck::cast_slice(&e.vel));
            q.write_buffer(&b[2], 0, bytemuck::cast_slice(&e.tribe_flags));
            q.write_buffer(&b[3], 0, bytemuck::cast_slice(&e.genes));
            q.write_buffer(&b[4], 0, bytemuck::cast_slice(&e.energy));
            q.write_buffer(&b[5], 0, bytemuck::cast_slice(&e.age));
        }
        if fits(&b[7], food.len() * 4) {
            q.write_buffer(&b[7], 0, bytemuck::cast_slice(food));
        }
        DrawSource {
            id: self.draw_id,
            buffers: b.clone(),
            live_end,
            terrain_dims,
            food_dims,
        }
    }
}

/// Buffers for drawing the CPU backend's state (terrain written once).
fn allocate(ctx: &GpuContext, sim: &Simulation) -> Upload {
    let e = sim.entities();
    let cap = e.capacity();
    let buf = |label: &str, bytes: usize| {
        ctx.storage(label, bytes as u64, wgpu::BufferUsages::empty())
            .unwrap_or_else(|_| {
                // Above the binding limit: draw nothing rather than fail.
                ctx.device.create_buffer(&wgpu::BufferDescriptor {
                    label: Some(label),
                    size: 256,
                    usage: wgpu::BufferUsages::STORAGE | wgpu::BufferUsages::COPY_DST,
                    mapped_at_creation: false,
                })
            })
    };
    let t = sim.terrain();
    let terrain = buf("view.terrain", t.cells.len() * 4);
    let words: Vec<u32> = t.cells.iter().map(|&c| c as u32).collect();
    if terrain.size() as usize >= words.len() * 4 {
        ctx.queue
            .write_buffer(&terrain, 0, bytemuck::cast_slice(&words));
    }
    let food_len = sim.food().amount.len();
    Upload {
        capacity: cap,
        food_len,
        buffers: [
            buf("view.pos", cap * 8),
            buf("view.vel", cap * 8),
            buf("view.tribe_flags", cap * 4),
            buf("view.genes", cap * 20),
            buf("view.energy", cap * 4),
            buf("view.age", cap * 4),
            terrain,
            buf("view.food", food_len * 4),
        ],
    }
}

/// The living creature nearest to `at` within `radius` (torus distance).
fn pick(sim: &Simulation, at: [f32; 2], radius: f32) -> Option<(u32, u32)> {
    let e = sim.entities();
    let p = sim.params();
    let (w, h) = (p.world.width, p.world.height);
    let wrap = |d: f32, len: f32| d - len * (d / len + 0.5).floor();
    let mut best: Option<(f32, usize)> = None;
    for i in 0..e.capacity() {
        if !e.alive(i) {
            continue;
        }
        let dx = wrap(e.pos[i][0] - at[0], w);
        let dy = wrap(e.pos[i][1] - at[1], h);
        let d2 = dx * dx + dy * dy;
        if best.is_none_or(|(b, _)| d2 < b) {
            best = Some((d2, i));
        }
    }
    best.filter(|(d2, _)| *d2 <= radius * radius)
        .map(|(_, i)| (e.id[i], i as u32))
}

/// The creatures `v` (in slot `slot`) sees: within its vision radius and view
/// angle, nearest first, at most `max` (what `steer` considers, up to the
/// order of the hash's ring search).
pub fn neighbors_in_view(
    sim: &Simulation,
    slot: usize,
    v: &EntityView,
    max: usize,
) -> Vec<[f32; 2]> {
    use crate::model::genes::{Gene, code, decode};
    let e = sim.entities();
    let p = sim.params();
    let (w, h) = (p.world.width, p.world.height);
    let radius = decode(Gene::Vision as usize, code(&v.genes, Gene::Vision as usize));
    let cos_half = (decode(
        Gene::ViewAngle as usize,
        code(&v.genes, Gene::ViewAngle as usize),
    )
    .to_radians()
        * 0.5)
        .cos();
    let speed = (v.vel[0] * v.vel[0] + v.vel[1] * v.vel[1]).sqrt();
    let wrap = |d: f32, len: f32| d - len * (d / len + 0.5).floor();
    let mut seen: Vec<(f32, [f32; 2])> = (0..e.capacity())
        .filter(|&i| i != slot && e.alive(i))
        .filter_map(|i| {
            let dx = wrap(e.pos[i][0] - v.pos[0], w);
            let dy = wrap(e.pos[i][1] - v.pos[1], h);
            let d2 = dx * dx + dy * dy;
            if d2 > radius * radius || d2 == 0.0 {
                return None;
            }
            let inside =
                speed < 1e-6 || (dx * v.vel[0] + dy * v.vel[1]) / (d2.sqrt() * speed) >= cos_half;
            inside.then_some((d2, [v.pos[0] + dx, v.pos[1] + dy]))
        })
        .collect();
    seen.sort_by(|a, b| a.0.total_cmp(&b.0));
    seen.truncate(max);
    seen.into_iter().map(|(_, p)| p).collect()
}
