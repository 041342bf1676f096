//! The windowed viewer: winit's event loop around [`App`], presenting to a
//! surface; resizing, minimizing and a lost or outdated surface are handled
//! by reconfiguring, recreating the surface or skipping the frame, never by
//! failing.
//!
//! With a frame limit the viewer closes itself after that many frames and
//! prints its frame statistics ([`WindowReport`]); with `exercise` it also
//! resizes itself, minimizes and restores, and recreates its surface as if
//! it had been lost, on a fixed schedule (the window test drives this under
//! Xvfb).

use std::sync::Arc;
use std::time::Instant;

use glam::Vec2;

use winit::application::ApplicationHandler;
use winit::event::{ElementState, MouseButton, MouseScrollDelta, WindowEvent};
use winit::event_loop::{ActiveEventLoop, EventLoop};
use winit::window::{Window, WindowId};

use super::{App, ViewOptions};
use crate::gpu::GpuContext;

/// What a window run with a frame limit did.
#[derive(Debug, Clone, Default)]
pub struct WindowReport {
    /// Redraws the event loop asked for.
    pub redraws: u32,
    /// Frames drawn and presented.
    pub drawn: u32,
    /// Frames skipped while minimized (zero size).
    pub skipped_minimized: u32,
    /// Surface reconfigurations (resizes, outdated or suboptimal surfaces).
    pub reconfigured: u32,
    /// Surfaces recreated after being lost.
    pub recreated: u32,
    /// Outdated surfaces met.
    pub outdated: u32,
    /// Frames drawn after the last reconfiguration or recreation.
    pub drawn_since_change: u32,
    /// Wall time of the run (s).
    pub seconds: f64,
    /// Times between presented frames (ms), in order.
    pub frame_ms: Vec<f32>,
    /// Simulation ticks at the end.
    pub ticks: u32,
    /// Final surface size.
    pub size: [u32; 2],
}

impl WindowReport {
    /// Frames per second between the first and the last frame presented.
    pub fn fps(&self) -> f64 {
        let ms: f64 = self.frame_ms.iter().map(|&t| t as f64).sum();
        if ms > 0.0 {
            self.frame_ms.len() as f64 * 1e3 / ms
        } else {
            0.0
        }
    }

    /// The `q` quantile of the frame times (ms).
    pub fn frame_ms_quantile(&self, q: f64) -> f32 {
        let mut v = self.frame_ms.clone();
        if v.is_empty() {
            return 0.0;
        }
        v.sort_by(f32::total_cmp);
        v[((v.len() - 1) as f64 * q).round() as usize]
    }
}

/// How the window runs.
#[derive(Debug, Clone, Default)]
pub struct WindowOptions {
    /// Close after this many redraws.
    pub frames: Option<u32>,
    /// Resize, minimize and lose the surface on a schedule.
    pub exercise: bool,
}

struct Running {
    window: Arc<Window>,
    instance: wgpu::Instance,
    surface: wgpu::Surface<'static>,
    config: wgpu::SurfaceConfiguration,
    app: App,
    egui_state: egui_winit::State,
    /// The pointer (pixels).
    cursor: Vec2,
    drag_from: Option<Vec2>,
    pressed_at: Option<Vec2>,
    report: WindowReport,
    /// Frames left to pretend the window is minimized (exercise).
    minimized_for: u32,
    last_present: Option<Instant>,
    /// The last configuration failed: try again before the next frame.
    unconfigured: bool,
}

struct Viewer {
    options: ViewOptions,
    window_options: WindowOptions,
    instance: wgpu::Instance,
    running: Option<Running>,
    error: Option<String>,
    started: Instant,
    report: Option<WindowReport>,
}

/// Opens the window and runs until it is closed (or until the frame limit);
/// returns what it did.
pub fn run(options: ViewOptions, window_options: WindowOptions) -> Result<WindowReport, String> {
    let event_loop = EventLoop::new().map_err(|e| format!("cannot open a window: {e}"))?;
    let instance = wgpu::Instance::new(
        wgpu::InstanceDescriptor::new_with_display_handle(Box::new(
            event_loop.owned_display_handle(),
        ))
        .with_env(),
    );
    let mut viewer = Viewer {
        options,
        window_options,
        instance,
        running: None,
        error: None,
        started: Instant::now(),
        report: None,
    };
    event_loop
        .run_app(&mut viewer)
        .map_err(|e| format!("the window's event loop failed: {e}"))?;
    if let Some(e) = viewer.error {
        return Err(e);
    }
    let mut report = viewer
        .report
        .or_else(|| viewer.running.as_ref().map(|r| r.report.clone()))
        .unwrap_or_default();
    report.seconds = viewer.started.elapsed().as_secs_f64();
    Ok(report)
}

impl Viewer {
    fn start(&mut self, el: &ActiveEventLoop) -> Result<Running, String> {
        let attrs = Window::default_attributes()
            .with_title("evosim")
            .with_inner_size(winit::dpi::LogicalSize::new(1280.0, 800.0));
        let window = Arc::new(
            el.create_window(attrs)
                .map_err(|e| format!("cannot open a window: {e}"))?,
        );
        let surface = self
            .instance
            .create_surface(window.clone())
            .map_err(|e| format!("cannot draw into the window: {e}"))?;
        let ctx = pollster::block_on(GpuContext::on_instance(&self.instance, Some(&surface)))
            .map_err(|e| e.to_string())?;
        let size = window.inner_size();
        let caps = surface.get_capabilities(&ctx.adapter);
        let format = caps
            .formats
            .iter()
            .copied()
            .find(|f| f.is_srgb())
            .or_else(|| caps.formats.first().copied())
            .ok_or("the window's surface offers no format")?;
        let config = wgpu::SurfaceConfiguration {
            usage: wgpu::TextureUsages::RENDER_ATTACHMENT,
            format,
            width: size.width.max(1),
            height: size.height.max(1),
            present_mode: wgpu::PresentMode::AutoVsync,
            desired_maximum_frame_latency: 2,
            alpha_mode: caps.alpha_modes[0],
            view_formats: vec![],
            color_space: wgpu::SurfaceColorSpace::Auto,
        };
        surface.configure(&ctx.device, &config);
        let app = App::new(
            ctx,
            format,
            self.options.clone(),
            [config.width, config.height],
        )
        .map_err(|e| e.to_string())?;
        let egui_state = egui_winit::State::new(
            app.egui.clone(),
            egui::ViewportId::ROOT,
            &window,
            Some(window.scale_factor() as f32),
            None,
            None,
        );
        Ok(Running {
            window,
            instance: self.instance.clone(),
            surface,
            config,
            app,
            egui_state,
            cursor: Vec2::ZERO,
            drag_from: None,
            pressed_at: None,
            report: WindowReport::default(),
            minimized_for: 0,
            last_present: None,
            unconfigured: false,
        })
    }
}

/// Configures `surface` while the simulation thread submits nothing (the
/// configuration waits for an idle queue); an error is reported and the
/// frame loop goes on (the next outdated frame tries again).
fn configure(app: &App, surface: &wgpu::Surface<'_>, config: &wgpu::SurfaceConfiguration) -> bool {
    let device = &app.device().device;
    let error = app.quiet(|| {
        let scope = device.push_error_scope(wgpu::ErrorFilter::Validation);
        surface.configure(device, config);
        pollster::block_on(scope.pop())
    });
    match error {
        None => true,
        Some(e) => {
            log::warn!(
                "the window's surface could not be configured at {}x{}: {e}",
                config.width,
                config.height
            );
            false
        }
    }
}

impl Running {
    fn resize(&mut self, w: u32, h: u32) {
        if w == 0 || h == 0 {
            return; // minimized: keep the old configuration, skip frames
        }
        self.config.width = w;
        self.config.height = h;
        self.unconfigured = !configure(&self.app, &self.surface, &self.config);
        if !self.unconfigured {
            self.report.reconfigured += 1;
            self.report.drawn_since_change = 0;
        }
    }

    /// A lost surface: make a new one for the window and configure it. If
    /// that fails, the frame is skipped and the next one tries again.
    fn recreate(&mut self) {
        match self.instance.create_surface(self.window.clone()) {
            Ok(surface) => {
                let size = self.window.inner_size();
                if size.width > 0 && size.height > 0 {
                    self.config.width = size.width;
                    self.config.height = size.height;
                }
                self.unconfigured = !configure(&self.app, &surface, &self.config);
                if !self.unconfigured {
                    self.report.recreated += 1;
                    self.report.drawn_since_change = 0;
                }
                self.surface = surface;
            }
            Err(e) => log::warn!("the window's surface is lost and not yet back: {e}"),
        }
    }

    /// The exercise schedule, by redraw number: two resizes, a minimize
    /// (real request, plus zero-size frames as a platform without a window
    /// manager never minimizes), a lost surface, and back to the start size.
    fn exercise(&mut self, n: u32) {
        use winit::dpi::PhysicalSize;
        match n {
            10 => {
                let _ = self.window.request_inner_size(PhysicalSize::new(800, 600));
            }
            20 => {
                let _ = self.window.request_inner_size(PhysicalSize::new(1024, 700));
            }
            30 => {
                self.window.set_minimized(true);
                self.resize(0, 0);
                self.minimized_for = 5;
            }
            36 => self.window.set_minimized(false),
            40 => self.recreate(),
            50 => {
                let _ = self.window.request_inner_size(PhysicalSize::new(1280, 800));
            }
            _ => {}
        }
    }

    fn redraw(&mut self, exercise: bool) {
        self.report.redraws += 1;
        if exercise {
            self.exercise(self.report.redraws);
        }
        if self.minimized_for > 0 {
            self.minimized_for -= 1;
            self.report.skipped_minimized += 1;
            return;
        }
        if self.config.width == 0 || self.window.is_minimized() == Some(true) {
            self.report.skipped_minimized += 1;
            return;
        }
        if self.unconfigured {
            let size = self.window.inner_size();
            self.resize(size.width, size.height);
            if self.unconfigured {
                return;
            }
        }
        let frame = match self.surface.get_current_texture() {
            wgpu::CurrentSurfaceTexture::Success(f) => f,
            wgpu::CurrentSurfaceTexture::Suboptimal(f) => {
                // Draw this one, reconfigure for the next.
                let size = self.window.inner_size();
                let frame = f;
                self.draw(frame);
                self.resize(size.width, size.height);
                return;
            }
            wgpu::CurrentSurfaceTexture::Outdated => {
                self.report.outdated += 1;
                let size = self.window.inner_size();
                self.resize(size.width, size.height);
                return;
            }
            wgpu::CurrentSurfaceTexture::Lost => {
                self.recreate();
                return;
            }
            wgpu::CurrentSurfaceTexture::Timeout
            | wgpu::CurrentSurfaceTexture::Occluded
            | wgpu::CurrentSurfaceTexture::Validation => return,
        };
        self.draw(frame);
    }

    fn draw(&mut self, frame: wgpu::SurfaceTexture) {
        let view = frame
            .texture
            .create_view(&wgpu::TextureViewDescriptor::default());
        let input = self.egui_state.take_egui_input(&self.window);
        let ppp = self.window.scale_factor() as f32;
        let size = [frame.texture.width(), frame.texture.height()];
        let out = self.app.frame(input, &view, size, ppp);
        self.egui_state.handle_platform_output(&self.window, out);
        self.window.pre_present_notify();
        self.app.device().queue.present(frame);
        let now = Instant::now();
        if let Some(t) = self.last_present.replace(now) {
            self.report
                .frame_ms
                .push(now.duration_since(t).as_secs_f32() * 1e3);
        }
        self.report.drawn += 1;
        self.report.drawn_since_change += 1;
        self.report.size = size;
        self.report.ticks = self.app.view().tick;
    }

    fn size(&self) -> Vec2 {
        Vec2::new(self.config.width as f32, self.config.height as f32)
    }
}

impl ApplicationHandler for Viewer {
    fn resumed(&mut self, el: &ActiveEventLoop) {
        if self.running.is_some() {
            return;
        }
        match self.start(el) {
            Ok(r) => self.running = Some(r),
            Err(e) => {
                self.error = Some(e);
                el.exit();
            }
        }
    }

    fn window_event(&mut self, el: &ActiveEventLoop, _id: WindowId, event: WindowEvent) {
        let Some(r) = self.running.as_mut() else {
            return;
        };
        let response = r.egui_state.on_window_event(&r.window, &event);
        match event {
            WindowEvent::CloseRequested => el.exit(),
            WindowEvent::Resized(s) => r.resize(s.width, s.height),
            WindowEvent::RedrawRequested => {
                r.redraw(self.window_options.exercise);
                if self
                    .window_options
                    .frames
                    .is_some_and(|n| r.report.redraws >= n)
                {
                    self.report = Some(r.report.clone());
                    el.exit();
                }
            }
            WindowEvent::CursorMoved { position, .. } => {
                let p = Vec2::new(position.x as f32, position.y as f32);
                if let Some(from) = r.drag_from {
                    r.app.camera.pan(p - from);
                    r.drag_from = Some(p);
                }
                r.cursor = p;
            }
            WindowEvent::MouseInput {
                state,
                button: MouseButton::Left,
                ..
            } => match state {
                ElementState::Pressed if !response.consumed => {
                    r.drag_from = Some(r.cursor);
                    r.pressed_at = Some(r.cursor);
                }
                ElementState::Released => {
                    if let Some(at) = r.pressed_at.take() {
                        // A click, not a drag (moved under 4 pixels).
                        if (at - r.cursor).abs().element_sum() < 4.0 {
                            let size = r.size();
                            r.app.pick(size, at);
                        }
                    }
                    r.drag_from = None;
                }
                _ => {}
            },
            WindowEvent::MouseWheel { delta, .. } if !response.consumed => {
                let lines = match delta {
                    MouseScrollDelta::LineDelta(_, y) => y,
                    MouseScrollDelta::PixelDelta(p) => p.y as f32 / 40.0,
                };
                let size = r.size();
                r.app.camera.zoom_at(size, r.cursor, 1.15f32.powf(lines));
            }
            _ => {}
        }
    }

    fn about_to_wait(&mut self, _el: &ActiveEventLoop) {
        if let Some(r) = &self.running {
            r.window.request_redraw();
        }
    }
}
