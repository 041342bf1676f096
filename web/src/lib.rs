//! The evosim browser demo (`web/index.html`): the simulation and the viewer
//! of `evosim view` in a web page, built for wasm32 only (natively this
//! crate is empty).
//!
//! Everything here runs in a dedicated Worker (`worker.js`), never on the
//! page's thread: the page (`bootstrap.js`) hands over its canvas as an
//! `OffscreenCanvas`, forwards pointer, wheel, key and resize events
//! ([`message`]), and shows what the worker posts: notices, errors, the
//! status object, checkpoints. In the threaded build (cross-origin isolated
//! pages), rayon's pool runs on further Web Workers sharing the wasm memory
//! (wasm-bindgen-rayon), and the CPU passes and region tasks run there.
//!
//! - With WebGPU (`navigator.gpu` and an adapter): the chosen backend runs
//!   on the worker's GPU device and [`evosim::app::App`] draws it with its
//!   egui panels into the canvas. The simulation is a task on the worker's
//!   event loop ([`SimRunner::start_local`]): GPU readbacks are awaited,
//!   never waited for.
//! - Without WebGPU, with WebGL2 (wgpu's GL backend): the same viewer and
//!   panels on the CPU backend, drawn from data textures (WebGL2 has no
//!   compute shaders and no storage buffers); the page says so.
//! - Without either: the CPU backend drawn on a 2D canvas ([`fallback`]).
//!
//! `window.evosim.status().mode` says which: `webgpu`, `webgl2` or
//! `canvas2d`.
//!
//! A panic ends the worker's wasm instance; the page then starts a fresh
//! worker from the last checkpoint the old one posted ([`CHECKPOINT_EVERY`]
//! ticks apart) and lets it recompute to the tick where the old one died.
//!
//! URL parameters read here: `entities`, `seed`, `scenario` (a bundled name,
//! default `default`), `backend` (`auto`, `gpu`, `cpu`), `ticks` (stop at
//! this tick), `speed` (ticks per frame: 0.25 … 16), `paused` (`1`),
//! `present` (`canvas`, `copy`), `fault` (`worker_panic@T`); the page reads
//! `threads`.
//!
//! `bench=10k,25k` runs the benchmark instead of the viewer ([`bench`]).
#![cfg(target_arch = "wasm32")]

mod bench;
mod copy;
mod fallback;
mod input;
mod page;

use std::cell::RefCell;
use std::rc::Rc;

use evosim::app::runner::SimRunner;
use evosim::app::ui::SPEEDS;
use evosim::app::{App, Recovery, ViewOptions};
use evosim::gpu::GpuContext;
use evosim::model::count::parse_count;
use evosim::{Backend, Scenario};
use wasm_bindgen::prelude::*;

use page::Status;

/// `initThreadPool(n)` for `worker.js`: rayon's global pool on `n` Web
/// Workers sharing the wasm memory (the threaded build only).
#[cfg(target_feature = "atomics")]
pub use wasm_bindgen_rayon::init_thread_pool;

/// The most entities `?entities=` accepts.
const MAX_ENTITIES: u64 = 2_000_000;

/// What the URL asked for.
#[derive(Debug, Clone)]
pub struct Params {
    /// Initial population (None: the scenario's own).
    pub entities: Option<u64>,
    /// Seed (None: the scenario's).
    pub seed: Option<u64>,
    /// Bundled scenario name.
    pub scenario: String,
    /// Backend asked for.
    pub backend: Backend,
    /// Stop at this tick.
    pub ticks: Option<u32>,
    /// Ticks per frame.
    pub speed: f32,
    /// Start paused.
    pub paused: bool,
    /// How WebGPU frames reach the page.
    pub present: Present,
    /// Panic at this tick (`fault=worker_panic@T`, for tests of the
    /// restart).
    pub fault: Option<u32>,
}

/// How WebGPU frames reach the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Present {
    /// Straight into the canvas (`present=canvas`, the default).
    Canvas,
    /// Drawn into a texture, read back and put into a 2D canvas
    /// (`present=copy`): slower, for browsers whose WebGPU cannot present to
    /// a canvas — headless Chromium on SwiftShader without Vulkan loses its
    /// device when it tries.
    Copy,
}

impl Params {
    /// Reads `search` (`?entities=…&seed=…`); a bad value is an error that
    /// names it.
    pub fn parse(search: &str) -> Result<Self, String> {
        let mut p = Params {
            entities: Some(3000),
            seed: None,
            scenario: "default".into(),
            backend: Backend::Auto,
            ticks: None,
            speed: 1.0,
            paused: false,
            present: Present::Canvas,
            fault: None,
        };
        for pair in search.trim_start_matches('?').split('&') {
            if pair.is_empty() {
                continue;
            }
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let bad = |what: &str| format!("URL parameter {k}={v:?}: {what}");
            match k {
                "entities" => {
                    let n = parse_count(v).map_err(|e| bad(&e.to_string()))?;
                    if n > MAX_ENTITIES {
                        return Err(bad("a count from 1 to 2M (10k, 1.5m, 3000)"));
                    }
                    p.entities = Some(n);
                }
                "seed" => p.seed = Some(v.parse().map_err(|_| bad("an integer seed"))?),
                "scenario" => {
                    if v.is_empty()
                        || !v
                            .chars()
                            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
                    {
                        return Err(bad("a scenario name (letters, digits, - and _)"));
                    }
                    p.scenario = v.to_string();
                }
                "backend" => {
                    p.backend = match v {
                        "auto" => Backend::Auto,
                        "gpu" => Backend::Gpu,
                        "cpu" => Backend::Cpu,
                        _ => return Err(bad("auto, gpu or cpu")),
                    }
                }
                "ticks" => p.ticks = Some(v.parse().map_err(|_| bad("a tick count"))?),
                "speed" => {
                    p.speed = v
                        .parse::<f32>()
                        .ok()
                        .filter(|s| SPEEDS.contains(s))
                        .ok_or_else(|| bad(&format!("one of {SPEEDS:?}")))?
                }
                "paused" => p.paused = matches!(v, "" | "1" | "true" | "yes"),
                "present" => {
                    p.present = match v {
                        "canvas" => Present::Canvas,
                        "copy" => Present::Copy,
                        _ => return Err(bad("canvas or copy")),
                    }
                }
                "fault" => {
                    let tick = v.strip_prefix("worker_panic@").and_then(|t| t.parse().ok());
                    p.fault = Some(tick.ok_or_else(|| bad("worker_panic@TICK"))?);
                }
                // `threads` is the page's (bootstrap.js); unknown parameters
                // are someone else's (analytics, anchors).
                _ => {}
            }
        }
        Ok(p)
    }
}

/// The scenario the parameters name, resized and seeded as `evosim run
/// --entities N --seed S` does (so that the same parameters give the same
/// world in both).
async fn scenario(p: &Params) -> Result<Scenario, String> {
    let mut s = if p.scenario == "default" {
        Scenario::default_scenario()
    } else {
        let url = format!("scenarios/{}.toml", p.scenario);
        let text = page::fetch_text(&url)
            .await
            .map_err(|e| format!("cannot load scenario {:?} ({url}): {e}", p.scenario))?;
        Scenario::from_toml(&text, &url).map_err(|e| e.to_string())?
    };
    if let Some(seed) = p.seed {
        s.seed = seed;
    }
    if let Some(n) = p.entities {
        s = s.scaled_to(n).map_err(|e| e.to_string())?;
    }
    Ok(s)
}

/// Ticks between the checkpoints the worker posts to the page (a restart
/// recomputes at most this many).
pub const CHECKPOINT_EVERY: u32 = 300;

/// What the page hands the worker besides the canvas.
#[derive(Debug, Default)]
pub struct Start {
    /// The page's query string.
    pub search: String,
    /// The canvas's size (device pixels) and the device pixel ratio.
    pub size: [u32; 2],
    /// Device pixels per CSS pixel.
    pub ratio: f32,
    /// The checkpoint to resume from, after a crash.
    pub resume: Option<Vec<u8>>,
    /// The tick the crashed worker had reached: recompute to it.
    pub resume_to: Option<u32>,
    /// Restarts so far (the injected fault fires in the first worker only).
    pub restarts: u32,
}

impl Start {
    fn read(config: &JsValue) -> Self {
        let get = |k: &str| js_sys::Reflect::get(config, &JsValue::from_str(k)).ok();
        let num = |k: &str| get(k).and_then(|v| v.as_f64());
        Start {
            search: get("search")
                .and_then(|v| v.as_string())
                .unwrap_or_default(),
            size: [
                num("width").unwrap_or(640.0) as u32,
                num("height").unwrap_or(480.0) as u32,
            ],
            ratio: num("ratio").unwrap_or(1.0) as f32,
            resume: get("resume")
                .filter(|v| v.is_object())
                .map(|v| js_sys::Uint8Array::new(&v).to_vec()),
            resume_to: num("resume_to").map(|t| t as u32),
            restarts: num("restarts").unwrap_or(0.0) as u32,
        }
    }
}

/// Starts the demo in this worker on `canvas` (transferred from the page)
/// with the page's `config` (`search`, `width`, `height`, `ratio`, and
/// after a crash `resume`, `resume_to`, `restarts`).
#[wasm_bindgen]
pub fn start(canvas: web_sys::OffscreenCanvas, config: JsValue) {
    page::install_panic_hook();
    page::install_logger();
    let start = Start::read(&config);
    page::set_size(start.size, start.ratio);
    wasm_bindgen_futures::spawn_local(async move {
        if let Err(e) = run(canvas, start).await {
            page::show_error(&e);
            Status::update(|s| {
                s.mode = "failed";
                s.message = Some(e.clone());
            });
        }
    });
}

/// A message from the page: forwarded input (`pointer`, `wheel`, `key`)
/// or the canvas's new size (`resize`: `width`, `height`, `ratio`).
#[wasm_bindgen]
pub fn message(data: JsValue) {
    let get = |k: &str| js_sys::Reflect::get(&data, &JsValue::from_str(k)).ok();
    let kind = get("type").and_then(|v| v.as_string()).unwrap_or_default();
    if kind == "resize" {
        let num = |k: &str| get(k).and_then(|v| v.as_f64()).unwrap_or(1.0);
        page::set_size(
            [num("width") as u32, num("height") as u32],
            num("ratio") as f32,
        );
    } else if !input::handle(&kind, &data) {
        log::warn!("the worker got a message it does not know: {kind:?}");
    }
}

async fn run(canvas: web_sys::OffscreenCanvas, start: Start) -> Result<(), String> {
    if let Some(request) = bench::Request::parse(&start.search)? {
        return bench::run_page(request).await;
    }
    let mut params = Params::parse(&start.search)?;
    if start.restarts > 0 {
        // The fault was injected once, in the first worker.
        params.fault = None;
    }
    let scenario = scenario(&params).await?;
    let why_not = match page::webgpu_missing() {
        Some(why) => why,
        None => match open_webgpu(&canvas, params.present).await {
            Ok((instance, Some(surface), ctx)) => {
                return run_viewer(
                    Mode::WebGpu,
                    params,
                    scenario,
                    start,
                    canvas,
                    instance,
                    surface,
                    ctx,
                );
            }
            Ok((instance, None, ctx)) => {
                return copy::run(params, scenario, start, canvas, instance, ctx);
            }
            Err(why) => why,
        },
    };
    match open_webgl2(&canvas).await {
        Ok((instance, surface, ctx)) => {
            if params.backend == Backend::Gpu {
                log::warn!(
                    "backend=gpu needs WebGPU (WebGL2 has no compute shaders): running the CPU backend"
                );
            }
            params.backend = Backend::Cpu;
            let notice = format!(
                "No WebGPU here: {why_not}. The simulation runs on the CPU backend and is drawn \
                 with WebGL2. WebGPU is in Chrome and Edge 113+, Safari 26+ and Firefox 141+ on \
                 Windows; on Linux, Chrome needs --enable-unsafe-webgpu."
            );
            log::warn!("no WebGPU ({why_not}): the CPU backend, drawn with WebGL2");
            run_viewer(
                Mode::WebGl2,
                params,
                scenario,
                start,
                canvas,
                instance,
                surface,
                ctx,
            )?;
            page::show_notice(&notice);
            Ok(())
        }
        Err(why_gl) => fallback::run(
            params,
            scenario,
            start,
            canvas,
            format!("{why_not}; {why_gl}"),
        ),
    }
}

/// What draws the viewer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// WebGPU, presenting to the canvas.
    WebGpu,
    /// WebGL2 through wgpu's GL backend (the CPU backend only).
    WebGl2,
}

impl Mode {
    /// As `window.evosim.status().mode` says it.
    fn name(self) -> &'static str {
        match self {
            Mode::WebGpu => "webgpu",
            Mode::WebGl2 => "webgl2",
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

/// A WebGL2 context on the canvas through wgpu's GL backend, and a device
/// on it (no compute: the viewer draws the CPU backend from textures).
async fn open_webgl2(
    canvas: &web_sys::OffscreenCanvas,
) -> Result<(wgpu::Instance, wgpu::Surface<'static>, GpuContext), String> {
    let mut desc = wgpu::InstanceDescriptor::new_without_display_handle();
    desc.backends = wgpu::Backends::GL;
    let instance = wgpu::Instance::new(desc);
    let surface = instance
        .create_surface(wgpu::SurfaceTarget::OffscreenCanvas(canvas.clone()))
        .map_err(|e| format!("no WebGL2 either ({e})"))?;
    let ctx = GpuContext::on_instance(&instance, Some(&surface))
        .await
        .map_err(|e| format!("no usable WebGL2 adapter ({e})"))?;
    Ok((instance, surface, ctx))
}

/// The WebGPU device, on an adapter that can draw into the canvas.
async fn open_webgpu(
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
#[allow(clippy::too_many_arguments)]
fn run_viewer(
    mode: Mode,
    params: Params,
    scenario: Scenario,
    start: Start,
    canvas: web_sys::OffscreenCanvas,
    instance: wgpu::Instance,
    surface: wgpu::Surface<'static>,
    ctx: GpuContext,
) -> Result<(), String> {
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
        let raw = input::take(size, page::pixel_ratio());
        let out = app.frame(raw, &target, size, page::pixel_ratio());
        input::platform_output(out);
        ctx.queue.present(frame);
        publish(mode.name(), &app, &ctx);
    });
    Ok(())
}

/// The viewer and its simulation task, started from the URL's parameters
/// (or from the checkpoint after a crash).
fn start_app(
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
        recovery: Recovery {
            checkpoint_every: Some(CHECKPOINT_EVERY),
            resume: start.resume.map(std::sync::Arc::new),
            panic_at: params.fault,
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
fn publish(mode: &'static str, app: &App, ctx: &GpuContext) {
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
        s.state_hash = v.state_hash;
        s.message = v.message.clone();
    });
}
