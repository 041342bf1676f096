//! Everything the simulation's loop owns, and what it does between the
//! frame thread's requests: ticks, the stop tick, and bringing the view up
//! to date.

use std::sync::Arc;
use std::time::Duration;
use web_time::Instant;

use super::draw::Draw;
use super::pick::neighbors_in_view;
use super::species::ancestors;
use super::view::SimView;
use super::watch::ShaderWatch;
use crate::app::ViewOptions;
use crate::gpu::GpuContext;
use crate::{Backend, SimError, Simulation};

/// How often the inspected creature's neighbourhood is read again.
const NEIGHBORS_EVERY: Duration = Duration::from_millis(250);

/// Everything the simulation's loop owns.
pub(super) struct SimState {
    pub sim: Simulation,
    pub ctx: GpuContext,
    pub options: ViewOptions,
    draw: Draw,
    /// The selected creature's id and slot.
    pub selected: Option<(u32, u32)>,
    /// The tick of the last gene statistics.
    pub genes_tick: u32,
    /// When the neighbourhood was last read, and for which creature id.
    pub neighbors_at: Option<(Instant, u32)>,
    pub message: Option<String>,
    /// Stopped (an error, or [`ViewOptions::stop_at`]): no more ticks.
    pub halted: bool,
    /// Wall time per tick of the last batch (ms).
    tick_ms: f32,
    watch: Option<ShaderWatch>,
}

/// The simulation `o` asks for, on `ctx` unless on the CPU backend.
/// A resumed simulation starts on the CPU backend and moves to the one asked
/// for in [`SimState::take_up_backend`].
pub(super) fn make_sim(o: &ViewOptions, ctx: &GpuContext) -> Result<Simulation, SimError> {
    let options = o.recovery.options;
    if let Some(bytes) = &o.recovery.resume {
        let sim = Simulation::from_snapshot(bytes, Backend::Cpu, o.threads, None)?;
        return Ok(sim.with_options(options));
    }
    let device = wants_gpu(o.backend, ctx).then(|| ctx.clone());
    Ok(Simulation::on_device(o.scenario.clone(), device, o.threads)?.with_options(options))
}

/// Whether `backend` runs on the GPU of `ctx`: `Auto` leaves a software
/// renderer for the CPU backend (faster on the same cores), as `evosim run`
/// does.
pub(super) fn wants_gpu(backend: Backend, ctx: &GpuContext) -> bool {
    match backend {
        Backend::Cpu => false,
        Backend::Gpu => true,
        Backend::Auto => !ctx.is_software() && ctx.can_compute(),
    }
}

impl SimState {
    pub fn new(options: ViewOptions, ctx: GpuContext) -> Result<Self, SimError> {
        let sim = make_sim(&options, &ctx)?;
        let watch = options.watch_shaders.clone().map(ShaderWatch::new);
        // Auto on a software renderer: the CPU backend, and the viewer says why.
        let message = (options.backend == Backend::Auto && ctx.is_software()).then(|| {
            let notice = ctx.software_notice();
            log::warn!("{notice}");
            notice
        });
        Ok(SimState {
            sim,
            ctx,
            options,
            draw: Draw::default(),
            selected: None,
            genes_tick: 0,
            neighbors_at: None,
            message,
            halted: false,
            tick_ms: 0.0,
            watch,
        })
    }

    /// Whether a shader folder is watched (the thread then wakes up to look;
    /// nothing is watched in the browser).
    #[cfg(not(target_arch = "wasm32"))]
    pub fn watching(&self) -> bool {
        self.watch.is_some()
    }

    /// Rebuilds the pipelines of the shader files edited since the last look
    /// (`--watch-shaders`). True if anything was reloaded or reported.
    pub fn poll_shaders(&mut self) -> bool {
        let report = self
            .watch
            .as_mut()
            .and_then(|w| w.reload_changed(&mut self.sim));
        let any = report.is_some();
        if any {
            self.message = report;
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
    pub async fn run_ticks(&mut self, n: u32, shared: &super::sync::Shared) -> u32 {
        let n = self.clip(n);
        let start = Instant::now();
        for k in 0..n {
            let tick = self.sim.tick();
            if self.options.recovery.panic_at == Some(tick) {
                panic!("fault=worker_panic@{tick}: the simulation panics here, as asked");
            }
            if let Err(e) = shared.gated(self.sim.step_async()).await {
                self.message = Some(format!("the simulation stopped: {e}"));
                self.halted = true;
                return k;
            }
            if self
                .options
                .recovery
                .checkpoint_every
                .is_some_and(|every| every > 0 && self.sim.tick().is_multiple_of(every))
            {
                self.checkpoint(shared).await;
            }
        }
        self.check_stop();
        if n > 0 {
            self.tick_ms = start.elapsed().as_secs_f32() * 1e3 / n as f32;
        }
        n
    }

    /// Hands the latest state to the page as a checkpoint (snapshot bytes;
    /// on the GPU backend read back first, awaited).
    pub async fn checkpoint(&mut self, shared: &super::sync::Shared) {
        let read = shared.gated(self.sim.sync_async()).await;
        match read
            .map_err(|e| e.to_string())
            .and_then(|()| self.sim.to_snapshot().map_err(|e| e.to_string()))
        {
            Ok(bytes) => shared.lock().checkpoint = Some((self.sim.tick(), Arc::new(bytes))),
            Err(e) => log::warn!("no checkpoint at tick {}: {e}", self.sim.tick()),
        }
    }

    /// Before the first batch: a simulation resumed from a checkpoint (on
    /// the CPU, see [`make_sim`]) moves to the backend asked for, and the
    /// first checkpoint is taken when checkpoints are asked for.
    pub async fn take_up_backend(&mut self, shared: &super::sync::Shared) {
        if self.options.recovery.resume.is_some() && wants_gpu(self.options.backend, &self.ctx) {
            let ctx = self.ctx.clone();
            if let Err(e) = shared.gated(self.sim.switch_backend_async(Some(ctx))).await {
                self.message = Some(format!("resumed on the CPU backend: {e}"));
            }
        }
        if self.options.recovery.checkpoint_every.is_some() {
            self.checkpoint(shared).await;
        }
    }

    /// Replaces the simulation by a fresh one from `o` on the current
    /// backend; on failure the running world stays and the error is shown.
    pub fn restart(&mut self, mut o: ViewOptions) -> bool {
        o.backend = self.sim.backend();
        // A reset starts the scenario afresh, not the checkpoint resumed from.
        o.recovery.resume = None;
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
    pub fn first_view(&mut self) -> SimView {
        let mut v = SimView::of(&self.sim);
        crate::gpu::readback::block_on(self.update(&mut v, true));
        v
    }

    /// Brings `v` up to date; `advanced`: ticks ran or the world changed.
    pub async fn update(&mut self, v: &mut SimView, advanced: bool) {
        let sim = &self.sim;
        if advanced {
            v.refresh(sim);
            if v.genes.is_empty()
                || sim.tick() >= self.genes_tick + 60
                || sim.tick() < self.genes_tick
            {
                v.genes = Arc::new(sim.gene_stats_async().await);
                self.genes_tick = sim.tick();
            }
            v.draw = Some(self.draw.source(sim, &self.ctx));
        }
        let stopped = self.halted && self.options.stop_at == Some(sim.tick());
        if !stopped {
            v.state_hash = None;
            v.species_hash = None;
        } else if v.state_hash.is_none() && sim.sync_async().await.is_ok() {
            v.state_hash = Some(sim.state_hash());
            v.species_hash = Some(sim.species_hash());
        }
        v.backend = sim.backend();
        v.adapter = sim.gpu().map(|g| g.adapter());
        // A GPU failure the simulation recovered from is worth showing too.
        v.message = self
            .message
            .clone()
            .or_else(|| sim.notice().map(str::to_string));
        v.halted = self.halted;
        v.tick_ms = self.tick_ms;
        v.shader_reloads = self.watch.as_ref().map_or(0, |w| w.reloads);
        self.inspect(v).await;
    }

    /// The selected creature, and (a few times a second) the creatures it
    /// sees.
    async fn inspect(&mut self, v: &mut SimView) {
        let sim = &self.sim;
        v.selected = self.selected;
        v.inspected = match self.selected {
            Some((id, slot)) => sim
                .entity_async(slot as usize)
                .await
                .filter(|e| e.state.id == id),
            None => None,
        };
        v.lineage = v
            .inspected
            .map_or_else(Vec::new, |e| sim.species().lineage(e.species));
        match (v.inspected, self.selected) {
            (Some(e), Some((id, slot))) => {
                // The full neighbourhood costs a full read on the GPU
                // backend: a few times a second is enough for the lines.
                let due = self
                    .neighbors_at
                    .is_none_or(|(t, of)| of != id || t.elapsed() >= NEIGHBORS_EVERY);
                if due && sim.sync_async().await.is_ok() {
                    let max = sim.params().hash.max_neighbors as usize;
                    v.neighbors = neighbors_in_view(sim, slot as usize, &e, max);
                    v.ancestors = ancestors(sim, &e);
                    self.neighbors_at = Some((Instant::now(), id));
                }
            }
            _ => {
                v.neighbors.clear();
                v.ancestors.clear();
                self.neighbors_at = None;
            }
        }
    }
}
