//! The viewer (`evosim view`): the world drawn straight from the
//! simulation's GPU buffers with egui panels on top, in a window (winit) or
//! offscreen for screenshots (`--frames N --screenshot FILE.png`, no display
//! needed).
//!
//! Each frame runs the ticks the speed asks for, then draws: the background
//! and creatures ([`render`]) and the panels ([`ui`]). Drawing reads no GPU
//! data back; the simulation's own per-tick readback is its compact event
//! lists, and the panels read one slot (inspector) and gene statistics every
//! 60 ticks.

pub mod camera;
pub mod offscreen;
pub mod render;
pub mod ui;
pub mod window;

use std::collections::VecDeque;
use std::time::Instant;

use camera::Camera;
use render::{Style, WorldRenderer};
use ui::{Requests, SPEEDS, UiState};

use crate::gpu::GpuContext;
use crate::{Backend, Scenario, SimError, Simulation};

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
}

/// The simulation and everything the viewer draws with.
pub struct App {
    /// The running simulation.
    pub sim: Simulation,
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
    options: ViewOptions,
    acc: f32,
    frames: u64,
    last: Instant,
    ticks_log: VecDeque<(Instant, u32)>,
}

fn make_sim(o: &ViewOptions, ctx: &GpuContext) -> Result<Simulation, SimError> {
    let device = (o.backend != Backend::Cpu).then(|| ctx.clone());
    Simulation::on_device(o.scenario.clone(), device, o.threads)
}

impl App {
    /// A viewer drawing into `format` on `ctx`, for a `size` pixel target.
    pub fn new(
        ctx: GpuContext,
        format: wgpu::TextureFormat,
        options: ViewOptions,
        size: [u32; 2],
    ) -> Result<Self, SimError> {
        let sim = make_sim(&options, &ctx)?;
        let p = sim.params();
        let camera = Camera::fit(
            [p.world.width, p.world.height],
            size[0].max(1) as f32,
            size[1].max(1) as f32,
        );
        let egui_renderer = egui_wgpu::Renderer::new(&ctx.device, format, Default::default());
        Ok(Self {
            renderer: WorldRenderer::new(&ctx, format),
            sim,
            ctx,
            format,
            camera,
            ui: UiState::default(),
            egui: egui::Context::default(),
            egui_renderer,
            options,
            acc: 0.0,
            frames: 0,
            last: Instant::now(),
            ticks_log: VecDeque::new(),
        })
    }

    /// The render device.
    pub fn device(&self) -> &GpuContext {
        &self.ctx
    }

    /// The target format.
    pub fn format(&self) -> wgpu::TextureFormat {
        self.format
    }

    /// Runs the ticks this frame's speed asks for (none while paused).
    fn advance(&mut self, step_once: bool) {
        let mut ticks = 0;
        if step_once {
            ticks = 1;
        } else if !self.ui.paused {
            self.acc += SPEEDS[self.ui.speed];
            ticks = self.acc.floor() as u32;
            self.acc -= ticks as f32;
        }
        for _ in 0..ticks {
            if let Err(e) = self.sim.step() {
                self.ui.message = Some(format!("the simulation stopped: {e}"));
                self.ui.paused = true;
                break;
            }
        }
        let now = Instant::now();
        self.ticks_log.push_back((now, self.sim.tick()));
        while self
            .ticks_log
            .front()
            .is_some_and(|(t, _)| now.duration_since(*t).as_secs_f32() > 1.0)
        {
            self.ticks_log.pop_front();
        }
        if let (Some(a), Some(b)) = (self.ticks_log.front(), self.ticks_log.back()) {
            let dt = b.0.duration_since(a.0).as_secs_f32();
            self.ui.ticks_per_s = if dt > 0.0 {
                (b.1 - a.1) as f32 / dt
            } else {
                0.0
            };
        }
    }

    fn apply(&mut self, req: Requests) {
        if let Some(same) = req.reset {
            let mut o = self.options.clone();
            if !same {
                o.scenario.seed = o
                    .scenario
                    .seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
            }
            self.restart(o);
        }
        if let Some(path) = req.scenario {
            let loaded = if path.trim().is_empty() {
                Ok(Scenario::default_scenario())
            } else {
                Scenario::load(std::path::Path::new(path.trim())).map_err(|e| e.to_string())
            };
            let loaded = loaded.and_then(|s| match self.options.entities {
                Some(n) => s.scaled_to(n).map_err(|e| e.to_string()),
                None => Ok(s),
            });
            match loaded {
                Ok(s) => {
                    let mut o = self.options.clone();
                    o.scenario = s;
                    self.restart(o);
                }
                // A bad file leaves the running world as it is.
                Err(e) => self.ui.message = Some(e),
            }
        }
        if req.switch_backend {
            let target = if self.sim.gpu_view().is_some() {
                None
            } else {
                Some(self.ctx.clone())
            };
            if let Err(e) = self.sim.switch_backend(target) {
                self.ui.message = Some(format!("backend switch failed: {e}"));
            }
            self.ui.genes_tick = None;
        }
    }

    /// Replaces the simulation by a fresh one from `o` on the current
    /// backend; on failure the running world stays and the error is shown.
    fn restart(&mut self, mut o: ViewOptions) {
        o.backend = self.sim.backend();
        match make_sim(&o, &self.ctx) {
            Ok(sim) => {
                let p = sim.params();
                let world = [p.world.width, p.world.height];
                if world != self.camera.world {
                    self.camera.world = world;
                    self.camera.look_at([world[0] * 0.5, world[1] * 0.5]);
                }
                self.sim = sim;
                self.options = o;
                self.ui.selected = None;
                self.ui.genes_tick = None;
                self.ui.message = None;
            }
            Err(e) => self.ui.message = Some(e.to_string()),
        }
    }

    /// Selects the creature nearest to pixel `px` (within 12 pixels).
    pub fn pick(&mut self, size: [f32; 2], px: [f32; 2]) {
        let e = self.sim.entities();
        let target = self.camera.screen_to_world(size, px);
        let (w, h) = (self.camera.world[0], self.camera.world[1]);
        let wrap = |d: f32, len: f32| d - len * (d / len + 0.5).floor();
        let mut best: Option<(f32, usize)> = None;
        for i in 0..e.capacity() {
            if !e.alive(i) {
                continue;
            }
            let dx = wrap(e.pos[i][0] - target[0], w);
            let dy = wrap(e.pos[i][1] - target[1], h);
            let d2 = dx * dx + dy * dy;
            if best.is_none_or(|(b, _)| d2 < b) {
                best = Some((d2, i));
            }
        }
        let limit = 12.0 / self.camera.zoom;
        self.ui.selected = best
            .filter(|(d2, _)| *d2 <= limit * limit)
            .map(|(_, i)| (e.id[i], i as u32));
    }

    /// One frame: ticks, panels, drawing into `target` (`size` pixels,
    /// `ppp` pixels per point). Returns egui's output for the platform.
    pub fn frame(
        &mut self,
        mut input: egui::RawInput,
        target: &wgpu::TextureView,
        size: [u32; 2],
        ppp: f32,
    ) -> egui::PlatformOutput {
        let now = Instant::now();
        let dt = now.duration_since(self.last).as_secs_f32();
        self.last = now;
        self.ui.frame_times.push_back(dt);
        while self.ui.frame_times.len() > 240 {
            self.ui.frame_times.pop_front();
        }
        input.screen_rect = Some(egui::Rect::from_min_size(
            egui::Pos2::ZERO,
            egui::vec2(size[0] as f32 / ppp, size[1] as f32 / ppp),
        ));
        self.frames += 1;
        self.ui.inspected = self
            .ui
            .selected
            .and_then(|(id, slot)| self.sim.entity(slot as usize).filter(|v| v.id == id));
        match (self.ui.inspected, self.ui.selected) {
            (Some(v), Some((id, slot)))
                if self.frames % 10 == 1 || self.ui.neighbors_of != Some(id) =>
            {
                let max = self.sim.params().hash.max_neighbors as usize;
                self.ui.neighbors = ui::neighbors_in_view(&self.sim, slot as usize, &v, max);
                self.ui.neighbors_of = Some(id);
            }
            (None, _) => {
                self.ui.neighbors.clear();
                self.ui.neighbors_of = None;
            }
            _ => {}
        }
        let mut requests = Requests::default();
        let sim = &self.sim;
        let st = &mut self.ui;
        let cam = self.camera;
        let fsize = [size[0] as f32, size[1] as f32];
        let mut out = self.egui.run_pass(input, |ctx| {
            requests = ui::panels(ctx, sim, st);
            ui::world_overlays(ctx, sim, st, &cam, fsize);
        });
        let step = requests.step;
        self.apply(requests);
        self.advance(step);
        if self.ui.follow
            && let Some(v) = self.ui.inspected
        {
            self.camera.look_at(v.pos);
        }
        let style = Style {
            mode: self.ui.mode,
            terrain: self.ui.terrain,
            food: self.ui.food,
            selected: self.ui.selected.map(|s| s.1),
        };
        self.renderer
            .prepare(&self.ctx, &self.sim, &self.camera, fsize, &style);
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
        {
            let mut pass = enc
                .begin_render_pass(&wgpu::RenderPassDescriptor {
                    label: Some("view.pass"),
                    color_attachments: &[Some(wgpu::RenderPassColorAttachment {
                        view: target,
                        depth_slice: None,
                        resolve_target: None,
                        ops: wgpu::Operations {
                            load: wgpu::LoadOp::Clear(wgpu::Color::BLACK),
                            store: wgpu::StoreOp::Store,
                        },
                    })],
                    depth_stencil_attachment: None,
                    timestamp_writes: None,
                    occlusion_query_set: None,
                    multiview_mask: None,
                })
                .forget_lifetime();
            self.renderer.draw(&mut pass);
            self.egui_renderer.render(&mut pass, &jobs, &screen);
        }
        queue.submit(extra.into_iter().chain([enc.finish()]));
        for id in std::mem::take(&mut textures.free) {
            self.egui_renderer.free_texture(&id);
        }
        out.platform_output
    }
}
