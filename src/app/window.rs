//! The windowed viewer: winit's event loop around [`App`], presenting to a
//! surface; resizing, minimizing and a lost or outdated surface are handled
//! by reconfiguring (or skipping the frame), never by failing.

use std::sync::Arc;

use winit::application::ApplicationHandler;
use winit::event::{ElementState, MouseButton, MouseScrollDelta, WindowEvent};
use winit::event_loop::{ActiveEventLoop, EventLoop};
use winit::window::{Window, WindowId};

use super::{App, ViewOptions};
use crate::gpu::GpuContext;

struct Running {
    window: Arc<Window>,
    surface: wgpu::Surface<'static>,
    config: wgpu::SurfaceConfiguration,
    app: App,
    egui_state: egui_winit::State,
    cursor: [f32; 2],
    drag_from: Option<[f32; 2]>,
    pressed_at: Option<[f32; 2]>,
}

struct Viewer {
    options: ViewOptions,
    instance: wgpu::Instance,
    running: Option<Running>,
    error: Option<String>,
}

/// Opens the window and runs until it is closed.
pub fn run(options: ViewOptions) -> Result<(), String> {
    let event_loop = EventLoop::new().map_err(|e| format!("cannot open a window: {e}"))?;
    let instance = wgpu::Instance::new(
        wgpu::InstanceDescriptor::new_with_display_handle(Box::new(
            event_loop.owned_display_handle(),
        ))
        .with_env(),
    );
    let mut viewer = Viewer {
        options,
        instance,
        running: None,
        error: None,
    };
    event_loop
        .run_app(&mut viewer)
        .map_err(|e| format!("the window's event loop failed: {e}"))?;
    match viewer.error {
        Some(e) => Err(e),
        None => Ok(()),
    }
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
            surface,
            config,
            app,
            egui_state,
            cursor: [0.0; 2],
            drag_from: None,
            pressed_at: None,
        })
    }
}

impl Running {
    fn resize(&mut self, w: u32, h: u32) {
        if w == 0 || h == 0 {
            return; // minimized: keep the old configuration, skip frames
        }
        self.config.width = w;
        self.config.height = h;
        self.surface
            .configure(&self.app.device().device, &self.config);
    }

    fn redraw(&mut self) {
        if self.config.width == 0 || self.window.is_minimized() == Some(true) {
            return;
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
            wgpu::CurrentSurfaceTexture::Outdated | wgpu::CurrentSurfaceTexture::Lost => {
                let size = self.window.inner_size();
                self.resize(size.width, size.height);
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
    }

    fn size(&self) -> [f32; 2] {
        [self.config.width as f32, self.config.height as f32]
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
            WindowEvent::RedrawRequested => r.redraw(),
            WindowEvent::CursorMoved { position, .. } => {
                let p = [position.x as f32, position.y as f32];
                if let Some(from) = r.drag_from {
                    r.app.camera.pan(p[0] - from[0], p[1] - from[1]);
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
                        let moved = (at[0] - r.cursor[0]).abs() + (at[1] - r.cursor[1]).abs();
                        if moved < 4.0 {
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
