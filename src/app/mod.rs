//! The viewer (`evosim view`): the world drawn straight from the
//! simulation's GPU buffers with egui panels on top, in a window (winit) or
//! offscreen for screenshots (`--frames N --screenshot FILE.png`, no display
//! needed).
//!
//! The simulation runs on its own thread ([`runner`]); the frame thread
//! grants it the ticks the speed asks for, sends it the panels' commands,
//! and draws from the latest [`runner::SimView`] it published: the
//! background and creatures ([`render`]) and the panels ([`ui`]). Nothing on
//! the frame thread waits for a tick or reads GPU data back.

mod backdrop;
pub mod camera;
pub mod frame;
#[cfg(not(target_arch = "wasm32"))]
pub mod offscreen;
pub mod render;
pub mod runner;
pub mod ui;
#[cfg(not(target_arch = "wasm32"))]
pub mod window;

use std::collections::VecDeque;
use std::sync::Arc;
use web_time::Instant;

use glam::Vec2;

use backdrop::{panel_clear, take_panel_fill, world_pixels};
use camera::Camera;
use render::{Style, WorldRenderer};
use runner::{Command, SimRunner, SimView};
use ui::{Requests, SPEEDS, UiState};

use crate::gpu::GpuContext;
use crate::{Backend, Scenario};

/// How the viewer starts.
#[derive(Debug, Clone)]
pub struct ViewOptions {
    /// The scenario (already resized and seeded).
    pub scenario: Scenario,
    /// Where it came from (None: bundled default), for resets.
    pub entities: Option<u64>,
    /// Backend: `Cpu`, or the GPU (`Gpu`/`Auto`) on the viewer's device.
    pub backend: Backend,
    /// Worker threads (0: one per core).
    pub threads: usize,
    /// Start paused.
    pub paused: bool,
    /// Starting speed, an index into [`ui::SPEEDS`].
    pub speed: usize,
    /// Stop at this tick (the browser demo's `ticks` parameter, for tests):
    /// the simulation halts there and its view carries the state hash.
    pub stop_at: Option<u32>,
    /// Watch this shader folder (`--watch-shaders`): an edited file's
    /// pipelines are rebuilt live; a broken one is reported and the last
    /// good pipelines keep running.
    pub watch_shaders: Option<std::path::PathBuf>,
    /// The panels' state at the start (colour mode, Species panel open).
    pub start_ui: UiStart,
    /// Checkpoints, a resumed start and an injected fault: what the
    /// browser demo's crash restarts need (nothing natively).
    pub recovery: Recovery,
}

/// The panels' state at the start, where it differs from the defaults.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UiStart {
    /// Colour mode code (see [`ui::color_modes`]).
    pub mode: Option<u32>,
    /// Open the Species panel (and fold the statistics and performance
    /// panels, so that it shows).
    pub species_panel: bool,
    /// Highlight this species' members.
    pub highlight: Option<u32>,
}

/// How the browser demo survives a crash of its simulation worker: the
/// runner takes in-memory checkpoints, which the page keeps; a fresh worker
/// resumes from the last one and recomputes to where the old one was.
#[derive(Debug, Clone, Default)]
pub struct Recovery {
    /// Take a checkpoint (the bytes of a snapshot) every this many ticks,
    /// and one at the start; [`SimRunner::take_checkpoint`] hands out the
    /// latest.
    pub checkpoint_every: Option<u32>,
    /// Start from these snapshot bytes instead of the scenario.
    pub resume: Option<Arc<Vec<u8>>>,
    /// Panic when this tick is about to run (the browser's
    /// `fault=worker_panic@T`, for tests of the restart).
    pub panic_at: Option<u32>,
    /// The simulation's options: injected faults and the watchdog (natively
    /// the command line's `EVOSIM_FAULT` and `EVOSIM_WATCHDOG_MS`).
    pub options: crate::Options,
}

/// The frame thread's side of the viewer: camera, panels, drawing, and the
/// handle of the simulation thread.
pub struct App {
    runner: SimRunner,
    /// The view drawn this frame.
    view: Arc<SimView>,
    ctx: GpuContext,
    format: wgpu::TextureFormat,
    renderer: WorldRenderer,
    /// The camera.
    pub camera: Camera,
    /// Panel state.
    pub ui: UiState,
    /// The egui context.
    pub egui: egui::Context,
    egui_renderer: egui_wgpu::Renderer,
    entities: Option<u64>,
    /// Wait for each frame's ticks before drawing it (screenshot mode:
    /// reproducible frames).
    lockstep: bool,
    halted_seen: bool,
    last: Instant,
    ticks_log: VecDeque<(Instant, u32)>,
    /// The pixels the panels leave to the world this frame (x, y, width,
    /// height): the world is drawn only there, not under the opaque panels.
    world_rect: [u32; 4],
}

impl App {
    /// A viewer drawing into `format` on `ctx`, for a `size` pixel target;
    /// starts the simulation thread.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn new(
        ctx: GpuContext,
        format: wgpu::TextureFormat,
        options: ViewOptions,
        size: [u32; 2],
    ) -> Result<Self, crate::SimError> {
        let runner = SimRunner::start(options.clone(), ctx.clone())?;
        Ok(Self::with_runner(ctx, format, &options, size, runner))
    }

    /// A viewer of the simulation `runner` runs (started from `options`),
    /// drawing into `format` on `ctx` for a `size` pixel target (the
    /// browser starts its runner with [`SimRunner::start_local`]).
    pub fn with_runner(
        ctx: GpuContext,
        format: wgpu::TextureFormat,
        options: &ViewOptions,
        size: [u32; 2],
        runner: SimRunner,
    ) -> Self {
        let entities = options.entities;
        let mut ui = UiState {
            paused: options.paused,
            ..UiState::default()
        };
        ui.speed = options.speed.min(SPEEDS.len() - 1);
        if let Some(m) = options.start_ui.mode {
            ui.mode = m;
        }
        ui.species_open = options.start_ui.species_panel;
        ui.highlight_species = options.start_ui.highlight;
        let view = runner.view();
        let p = &view.params;
        let camera = Camera::fit(
            Vec2::new(p.world.width, p.world.height),
            Vec2::new(size[0].max(1) as f32, size[1].max(1) as f32),
        );
        let egui_renderer = egui_wgpu::Renderer::new(&ctx.device, format, Default::default());
        Self {
            renderer: WorldRenderer::new(&ctx, format),
            runner,
            view,
            ctx,
            format,
            camera,
            ui,
            egui: egui::Context::default(),
            egui_renderer,
            entities,
            lockstep: false,
            halted_seen: false,
            last: Instant::now(),
            ticks_log: VecDeque::new(),
            world_rect: [0, 0, size[0], size[1]],
        }
    }

    /// The render device.
    pub fn device(&self) -> &GpuContext {
        &self.ctx
    }

    /// The target format.
    pub fn format(&self) -> wgpu::TextureFormat {
        self.format
    }

    /// Has the simulation run `ticks` ticks at once (see
    /// [`SimRunner::grant_backlog`]).
    pub fn grant_backlog(&self, ticks: u32) {
        self.runner.grant_backlog(ticks);
    }

    /// Pauses (holding the ticks granted but not run) or resumes, as the
    /// Controls panel's button does.
    pub fn set_paused(&mut self, paused: bool) {
        if paused && !self.ui.paused {
            self.runner.hold();
        }
        self.ui.paused = paused;
    }

    /// The checkpoint taken since the last call, if any: its tick and
    /// snapshot bytes ([`Recovery::checkpoint_every`]).
    pub fn take_checkpoint(&self) -> Option<(u32, Arc<Vec<u8>>)> {
        self.runner.take_checkpoint()
    }

    /// The simulation has run everything granted and sent so far (see
    /// [`SimRunner::caught_up`]).
    pub fn sim_caught_up(&self) -> bool {
        self.runner.caught_up()
    }

    /// The view drawn by the last frame.
    pub fn view(&self) -> &SimView {
        &self.view
    }

    /// Runs `f` while the simulation submits no GPU work (surface
    /// configuration needs the queue idle).
    pub fn quiet<R>(&self, f: impl FnOnce() -> R) -> R {
        self.runner.quiet(f)
    }

    /// Makes each frame wait for its ticks (screenshot mode).
    pub fn set_lockstep(&mut self, on: bool) {
        self.lockstep = on;
    }

    /// Waits until the simulation thread has run everything asked of it.
    pub fn sync(&mut self) {
        self.runner.sync();
        self.view = self.runner.view();
    }

    /// Grants this frame's ticks (none while paused) and takes the latest
    /// view; measures ticks per second.
    fn advance(&mut self) {
        if !self.ui.paused {
            self.runner.grant(SPEEDS[self.ui.speed]);
        }
        if self.lockstep {
            self.runner.sync();
        }
        self.view = self.runner.view();
        let v = &self.view;
        if v.halted && !self.halted_seen {
            self.ui.paused = true;
        }
        self.halted_seen = v.halted;
        let world = Vec2::new(v.params.world.width, v.params.world.height);
        if world != self.camera.world {
            self.camera.world = world;
            self.camera.look_at(world * 0.5);
        }
        let now = Instant::now();
        self.ticks_log.push_back((now, v.tick));
        while self
            .ticks_log
            .front()
            .is_some_and(|(t, _)| now.duration_since(*t).as_secs_f32() > 1.0)
        {
            self.ticks_log.pop_front();
        }
        if let (Some(a), Some(b)) = (self.ticks_log.front(), self.ticks_log.back()) {
            let dt = b.0.duration_since(a.0).as_secs_f32();
            self.ui.ticks_per_s = if dt > 0.0 && b.1 >= a.1 {
                (b.1 - a.1) as f32 / dt
            } else {
                0.0
            };
        }
    }

    /// Turns the panels' requests into commands for the simulation thread.
    fn apply(&mut self, req: Requests, was_paused: bool) {
        if self.ui.paused && !was_paused {
            self.runner.hold();
        }
        if req.step {
            self.runner.send(Command::Step);
        }
        if let Some(same_seed) = req.reset {
            self.runner.send(Command::Reset { same_seed });
        }
        if let Some(path) = req.scenario {
            let loaded = if path.trim().is_empty() {
                Ok(Scenario::default_scenario())
            } else {
                Scenario::load(std::path::Path::new(path.trim())).map_err(|e| e.to_string())
            };
            let loaded = loaded.and_then(|s| match self.entities {
                Some(n) => s.scaled_to(n).map_err(|e| e.to_string()),
                None => Ok(s),
            });
            match loaded {
                Ok(s) => {
                    self.ui.message = None;
                    self.runner.send(Command::Load(Box::new(s)));
                }
                // A bad file leaves the running world as it is.
                Err(e) => self.ui.message = Some(e),
            }
        }
        if req.switch_backend {
            self.runner.send(Command::SwitchBackend);
        }
        if req.deselect {
            self.runner.send(Command::Deselect);
        }
        if let Some(p) = req.save {
            self.runner.send(Command::Save(p.trim().into()));
        }
        if let Some(p) = req.resume {
            self.runner.send(Command::Resume(p.trim().into()));
        }
    }

    /// Selects the creature nearest to pixel `px` (within 12 pixels); the
    /// simulation thread answers in a later view.
    pub fn pick(&mut self, size: Vec2, px: Vec2) {
        let at = self.camera.screen_to_world(size, px);
        let radius = 12.0 / self.camera.zoom;
        self.runner.send(Command::Pick { at, radius });
    }

    /// One frame: grant ticks, panels, drawing into `target` (`size` pixels,
    /// `ppp` pixels per point). Returns egui's output for the platform.
    pub fn frame(
        &mut self,
        mut input: egui::RawInput,
        target: &wgpu::TextureView,
        size: [u32; 2],
        ppp: f32,
    ) -> egui::PlatformOutput {
        self.note_frame_time();
        input.screen_rect = Some(egui::Rect::from_min_size(
            egui::Pos2::ZERO,
            egui::vec2(size[0] as f32 / ppp, size[1] as f32 / ppp),
        ));
        self.advance();
        let fsize = Vec2::new(size[0] as f32, size[1] as f32);
        let out = self.panels(input, fsize);
        let style = Style {
            mode: self.ui.mode,
            terrain: self.ui.terrain,
            food: self.ui.food,
            selected: self.view.selected.map(|s| s.1),
            highlight: self.ui.highlight_species,
        };
        self.renderer
            .prepare(&self.ctx, &self.view, &self.camera, fsize, &style);
        self.paint(out, target, size)
    }

    /// Records the time since the last frame for the performance panel.
    fn note_frame_time(&mut self) {
        let now = Instant::now();
        let dt = now.duration_since(self.last).as_secs_f32();
        self.last = now;
        self.ui.frame_times.push_back(dt);
        while self.ui.frame_times.len() > ui::FRAME_TIMES {
            self.ui.frame_times.pop_front();
        }
    }

    /// Runs the panels and overlays (`size` pixels) and carries out what
    /// they asked; returns egui's output to paint.
    fn panels(&mut self, input: egui::RawInput, size: Vec2) -> egui::FullOutput {
        let was_paused = self.ui.paused;
        let mut requests = Requests::default();
        let view = self.view.clone();
        let st = &mut self.ui;
        let cam = self.camera;
        let mut free = egui::Rect::NOTHING;
        let mut out = self.egui.run_pass(input, |ctx| {
            requests = ui::panels(ctx, &view, st);
            free = ctx.root_ui(|ui| ui.available_rect_before_wrap());
            ui::world_overlays(ctx, &view, st, &cam, size);
        });
        let fill = self.egui.global_style().visuals.panel_fill;
        take_panel_fill(&mut out.shapes, fill, free);
        self.world_rect = world_pixels(free, self.egui.pixels_per_point(), size);
        self.apply(requests, was_paused);
        if self.ui.follow
            && let Some(v) = view.inspected
        {
            self.camera.look_at(Vec2::from(v.state.pos));
        }
        out
    }

    /// Draws the world and then the panels into `target` (`size` pixels)
    /// and submits the frame.
    fn paint(
        &mut self,
        mut out: egui::FullOutput,
        target: &wgpu::TextureView,
        size: [u32; 2],
    ) -> egui::PlatformOutput {
        let jobs = self.egui.tessellate(out.shapes, out.pixels_per_point);
        let screen = egui_wgpu::ScreenDescriptor {
            size_in_pixels: size,
            pixels_per_point: out.pixels_per_point,
        };
        let (device, queue) = (&self.ctx.device, &self.ctx.queue);
        let mut textures = std::mem::take(&mut out.textures_delta);
        for (id, deltas) in textures.set.drain() {
            for delta in &deltas {
                self.egui_renderer.update_texture(device, queue, id, delta);
            }
        }
        let mut enc = device.create_command_encoder(&wgpu::CommandEncoderDescriptor {
            label: Some("view.frame"),
        });
        let extra = self
            .egui_renderer
            .update_buffers(device, queue, &mut enc, &jobs, &screen);
        self.renderer.record(&mut enc);
        let clear = panel_clear(self.egui.global_style().visuals.panel_fill, self.format);
        {
            let mut pass = enc
                .begin_render_pass(&wgpu::RenderPassDescriptor {
                    label: Some("view.pass"),
                    color_attachments: &[Some(wgpu::RenderPassColorAttachment {
                        view: target,
                        depth_slice: None,
                        resolve_target: None,
                        ops: wgpu::Operations {
                            load: wgpu::LoadOp::Clear(clear),
                            store: wgpu::StoreOp::Store,
                        },
                    })],
                    depth_stencil_attachment: None,
                    timestamp_writes: None,
                    occlusion_query_set: None,
                    multiview_mask: None,
                })
                .forget_lifetime();
            // The world only where the panels leave room: what lies under
            // them is the clear colour, which is their fill.
            let [x, y, w, h] = self.world_rect;
            if w > 0 && h > 0 {
                pass.set_scissor_rect(x, y, w, h);
                self.renderer.draw(&mut pass);
                pass.set_scissor_rect(0, 0, size[0], size[1]);
            }
            self.egui_renderer.render(&mut pass, &jobs, &screen);
        }
        queue.submit(extra.into_iter().chain([enc.finish()]));
        for id in std::mem::take(&mut textures.free) {
            self.egui_renderer.free_texture(&id);
        }
        out.platform_output
    }
}
