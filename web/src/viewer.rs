//! The viewer of `evosim view` in the worker, presenting to the transferred
//! canvas with WebGPU or, without it, WebGL2 (wgpu's GL backend; the CPU
//! backend only, drawn from data textures).

use std::cell::RefCell;
use std::rc::Rc;

use evosim::Scenario;
use evosim::app::runner::SimRunner;
use evosim::app::ui::SPEEDS;
use evosim::app::{App, Recovery, ViewOptions};
use evosim::gpu::GpuContext;

use crate::page::{self, Status};
use crate::protocol::{self, Present};
use crate::{CHECKPOINT_EVERY, Params, Start, control, input};

/// What draws the viewer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// WebGPU, presenting to the canvas.
    WebGpu,
    /// WebGL2 through wgpu's GL backend (the CPU backend only).
    WebGl2,
}

impl Mode {
    /// As the status says it.
    pub fn status(self) -> protocol::Mode {
        match self {
            Mode::WebGpu => protocol::Mode::Webgpu,
            Mode::WebGl2 => protocol::Mode::Webgl2,
        }
    }

    /// As the console says it.
    fn api(self) -> &'static str {
        match self {
            Mode::WebGpu => "WebGPU",
            Mode::WebGl2 => "WebGL2",
        }
    }
}

/// A device presenting to the canvas, and how.
pub struct Presenting {
    /// WebGPU or WebGL2.
    pub mode: Mode,
    /// The instance (kept for the worker's life: Dawn drops pending maps
    /// when it goes).
    pub instance: wgpu::Instance,
    /// The canvas's surface.
    pub surface: wgpu::Surface<'static>,
    /// The device.
    pub ctx: GpuContext,
}

/// A WebGL2 context on the canvas through wgpu's GL backend, and a device
/// on it (no compute: the viewer draws the CPU backend from textures).
pub async fn open_webgl2(canvas: &web_sys::OffscreenCanvas) -> Result<Presenting, String> {
    let mut desc = wgpu::InstanceDescriptor::new_without_display_handle();
    desc.backends = wgpu::Backends::GL;
    let instance = wgpu::Instance::new(desc);
    let surface = instance
        .create_surface(wgpu::SurfaceTarget::OffscreenCanvas(canvas.clone()))
        .map_err(|e| format!("no WebGL2 either ({e})"))?;
    let ctx = GpuContext::on_instance(&instance, Some(&surface))
        .await
        .map_err(|e| format!("no usable WebGL2 adapter ({e})"))?;
    Ok(Presenting {
        mode: Mode::WebGl2,
        instance,
        surface,
        ctx,
    })
}

/// The WebGPU device, on an adapter that can draw into the canvas (no
/// surface with `present=copy`).
pub async fn open_webgpu(
    canvas: &web_sys::OffscreenCanvas,
    present: Present,
) -> Result<(wgpu::Instance, Option<wgpu::Surface<'static>>, GpuContext), String> {
    let mut desc = wgpu::InstanceDescriptor::new_without_display_handle();
    desc.backends = wgpu::Backends::BROWSER_WEBGPU;
    let instance = wgpu::Instance::new(desc);
    // The adapter first: a canvas given to WebGPU can no longer draw in 2D,
    // which the fallback needs.
    let ctx = GpuContext::on_instance(&instance, None)
        .await
        .map_err(|e| format!("WebGPU has no usable adapter ({e})"))?;
    if present == Present::Copy {
        return Ok((instance, None, ctx));
    }
    let surface = instance
        .create_surface(wgpu::SurfaceTarget::OffscreenCanvas(canvas.clone()))
        .map_err(|e| format!("WebGPU cannot draw into the canvas ({e})"))?;
    Ok((instance, Some(surface), ctx))
}

/// The viewer on WebGPU or WebGL2, presenting to the canvas.
pub fn run_viewer(
    gpu: Presenting,
    params: Params,
    scenario: Scenario,
    start: Start,
    canvas: web_sys::OffscreenCanvas,
) -> Result<(), String> {
    let Presenting {
        mode,
        instance,
        surface,
        ctx,
    } = gpu;
    ctx.device
        .on_uncaptured_error(std::sync::Arc::new(move |e| {
            page::log_error(&format!("{} error: {e}", mode.api()));
        }));
    let caps = surface.get_capabilities(&ctx.adapter);
    // The viewer draws into an sRGB view, as natively into an sRGB surface:
    // its shaders write linear colours and the view encodes them (drawn
    // into a plain view, the world came out dark and over-saturated).
    // WebGPU: a canvas holds plain 8-bit bytes (`bgra8unorm` /
    // `rgba8unorm`), its sRGB twin allowed as a view format. WebGL2: wgpu
    // offers the sRGB format itself.
    let format = caps
        .formats
        .iter()
        .copied()
        .find(|f| f.is_srgb() == (mode == Mode::WebGl2))
        .or_else(|| caps.formats.first().copied())
        .ok_or_else(|| format!("the canvas offers no {} format", mode.api()))?;
    let draw_format = format.add_srgb_suffix();
    let size = page::fit_canvas(&canvas);
    let mut config = wgpu::SurfaceConfiguration {
        usage: wgpu::TextureUsages::RENDER_ATTACHMENT,
        format,
        width: size[0],
        height: size[1],
        present_mode: wgpu::PresentMode::Fifo,
        desired_maximum_frame_latency: 2,
        alpha_mode: caps.alpha_modes[0],
        view_formats: if draw_format != format {
            vec![draw_format]
        } else {
            vec![]
        },
        color_space: wgpu::SurfaceColorSpace::Auto,
    };
    surface.configure(&ctx.device, &config);
    let app = start_app(&params, scenario, start, &ctx, draw_format, size)?;
    page::every_frame(move || {
        // The instance must outlive every GPU callback (Dawn drops pending
        // maps when it goes): the frame loop keeps it for the worker's life.
        let _ = &instance;
        let size = page::fit_canvas(&canvas);
        if size != [config.width, config.height] {
            config.width = size[0];
            config.height = size[1];
            surface.configure(&ctx.device, &config);
        }
        let frame = match surface.get_current_texture() {
            wgpu::CurrentSurfaceTexture::Success(f)
            | wgpu::CurrentSurfaceTexture::Suboptimal(f) => f,
            wgpu::CurrentSurfaceTexture::Outdated | wgpu::CurrentSurfaceTexture::Lost => {
                surface.configure(&ctx.device, &config);
                return;
            }
            _ => return,
        };
        let target = frame.texture.create_view(&wgpu::TextureViewDescriptor {
            format: Some(draw_format),
            ..Default::default()
        });
        let mut app = app.borrow_mut();
        control::apply(&mut app);
        let raw = input::take(size, page::pixel_ratio());
        let out = app.frame(raw, &target, size, page::pixel_ratio());
        input::platform_output(out);
        ctx.queue.present(frame);
        publish(mode.status(), &app, &ctx);
    });
    Ok(())
}

/// The viewer and its simulation task, started from the URL's parameters
/// (or from the checkpoint after a crash).
pub fn start_app(
    params: &Params,
    scenario: Scenario,
    start: Start,
    ctx: &GpuContext,
    format: wgpu::TextureFormat,
    size: [u32; 2],
) -> Result<Rc<RefCell<App>>, String> {
    let speed = SPEEDS.iter().position(|&s| s == params.speed).unwrap_or(2);
    let options = ViewOptions {
        scenario,
        entities: params.entities,
        backend: params.backend,
        // rayon's pool: the page's worker threads (one without them).
        threads: 0,
        paused: params.paused,
        speed,
        stop_at: params.ticks,
        watch_shaders: None,
        start_ui: Default::default(),
        recovery: Recovery {
            checkpoint_every: Some(CHECKPOINT_EVERY),
            resume: start.resume.map(std::sync::Arc::new),
            panic_at: params.fault,
            ..Default::default()
        },
    };
    let (runner, task) = SimRunner::start_local(options.clone(), ctx.clone(), page::sleep)
        .map_err(|e| e.to_string())?;
    wasm_bindgen_futures::spawn_local(task);
    page::show_notice("");
    let app = App::with_runner(ctx.clone(), format, &options, size, runner);
    if let Some(to) = start.resume_to {
        // Recompute to where the crashed worker was.
        let from = app.view().tick;
        app.grant_backlog(to.saturating_sub(from));
    }
    let app = Rc::new(RefCell::new(app));
    input::attach(app.clone());
    Ok(app)
}

/// Copies the viewer's latest figures into the status object, and hands a
/// new checkpoint to the page.
pub fn publish(mode: protocol::Mode, app: &App, ctx: &GpuContext) {
    if let Some((tick, bytes)) = app.take_checkpoint() {
        page::post_checkpoint(tick, &bytes);
    }
    let v = app.view();
    Status::update(|s| {
        s.mode = mode;
        s.tick = v.tick;
        s.population = v.population;
        s.backend = v.backend.name().to_string();
        // The simulation's adapter, or (CPU backend) the one drawing.
        s.adapter = Some(v.adapter.clone().unwrap_or_else(|| ctx.describe()));
        s.state_hash = v.state_hash.map(|h| format!("{h:016x}"));
        s.species_hash = v.species_hash.map(|h| format!("{h:016x}"));
        s.message = v.message.clone();
        s.tick_ms = v.tick_ms as f64;
        s.transfer_ms = v.timings[evosim::common::pass::Pass::Transfer].as_secs_f64() * 1e3;
        s.resolve_ms = v.timings[evosim::common::pass::Pass::Resolve].as_secs_f64() * 1e3;
        s.passes_ms = v
            .timings
            .iter()
            .map(|(p, t)| (p.name().to_string(), t.as_secs_f64() * 1e3))
            .collect();
    });
}
