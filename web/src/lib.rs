//! The evosim browser demo (`web/index.html`): the simulation and the viewer
//! of `evosim view` in a web page, built for wasm32 only (natively this
//! crate is empty).
//!
//! - With WebGPU (`navigator.gpu` and an adapter): the chosen backend runs
//!   on the page's GPU device and [`evosim::app::App`] draws it with its egui
//!   panels into the canvas. The simulation is a task on the page's event
//!   loop ([`SimRunner::start_local`]): GPU readbacks are awaited, never
//!   waited for.
//! - Without: the page says so and runs the CPU backend, drawn on a 2D
//!   canvas ([`fallback`]). The region workers run inline (no threads).
//!
//! URL parameters: `entities`, `seed`, `scenario` (a bundled name, default
//! `default`), `backend` (`auto`, `gpu`, `cpu`), `ticks` (stop at this tick),
//! `speed` (ticks per frame: 0.25 … 16), `paused` (`1`).
//! `window.evosim.status()` (set up by `bootstrap.js`) returns
//! `{tick, population, backend, adapter, state_hash, mode, message}`.
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
use evosim::app::{App, ViewOptions};
use evosim::gpu::GpuContext;
use evosim::model::count::parse_count;
use evosim::{Backend, Scenario};
use wasm_bindgen::prelude::*;

use page::Status;

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
}

/// How WebGPU frames reach the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Present {
    /// Straight into the canvas (`present=canvas`, the default).
    Canvas,
    /// Drawn into a texture, read back and put into a 2D canvas
    /// (`present=copy`): slower, for browsers whose WebGPU cannot present to
    /// a canvas — headless Chromium on SwiftShader loses its device when it
    /// tries.
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
                // Unknown parameters are someone else's (analytics, anchors).
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

/// Runs when the module is instantiated.
#[wasm_bindgen(start)]
pub fn start() {
    page::install_panic_hook();
    page::install_logger();
    wasm_bindgen_futures::spawn_local(async {
        if let Err(e) = run().await {
            page::show_error(&e);
            Status::update(|s| {
                s.mode = "failed";
                s.message = Some(e.clone());
            });
        }
    });
}

/// `window.evosim.status()`.
#[wasm_bindgen]
pub fn status() -> JsValue {
    let status = Status::get().to_js();
    bench::add_to_status(&status);
    status
}

async fn run() -> Result<(), String> {
    if let Some(request) = bench::Request::parse(&page::search())? {
        return bench::run_page(request).await;
    }
    let params = Params::parse(&page::search())?;
    let scenario = scenario(&params).await?;
    let canvas = page::canvas()?;
    let why_not = match page::webgpu_missing() {
        Some(why) => why,
        None => match open_webgpu(&canvas, params.present).await {
            Ok((instance, Some(surface), ctx)) => {
                return run_webgpu(params, scenario, canvas, instance, surface, ctx);
            }
            Ok((instance, None, ctx)) => {
                return copy::run(params, scenario, canvas, instance, ctx);
            }
            Err(why) => why,
        },
    };
    fallback::run(params, scenario, canvas, why_not)
}

/// The WebGPU device, on an adapter that can draw into the canvas.
async fn open_webgpu(
    canvas: &web_sys::HtmlCanvasElement,
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
        .create_surface(wgpu::SurfaceTarget::Canvas(canvas.clone()))
        .map_err(|e| format!("WebGPU cannot draw into the canvas ({e})"))?;
    Ok((instance, Some(surface), ctx))
}

/// The viewer on WebGPU.
fn run_webgpu(
    params: Params,
    scenario: Scenario,
    canvas: web_sys::HtmlCanvasElement,
    instance: wgpu::Instance,
    surface: wgpu::Surface<'static>,
    ctx: GpuContext,
) -> Result<(), String> {
    ctx.device.on_uncaptured_error(std::sync::Arc::new(|e| {
        page::log_error(&format!("WebGPU error: {e}"));
    }));
    let caps = surface.get_capabilities(&ctx.adapter);
    let format = caps
        .formats
        .iter()
        .copied()
        .find(|f| !f.is_srgb())
        .or_else(|| caps.formats.first().copied())
        .ok_or("the canvas offers no WebGPU format")?;
    let size = page::fit_canvas(&canvas);
    let mut config = wgpu::SurfaceConfiguration {
        usage: wgpu::TextureUsages::RENDER_ATTACHMENT,
        format,
        width: size[0],
        height: size[1],
        present_mode: wgpu::PresentMode::Fifo,
        desired_maximum_frame_latency: 2,
        alpha_mode: caps.alpha_modes[0],
        view_formats: vec![],
        color_space: wgpu::SurfaceColorSpace::Auto,
    };
    surface.configure(&ctx.device, &config);
    let app = start_app(&params, scenario, &ctx, format, size)?;
    let events = input::listen(&canvas, app.clone())?;
    page::every_frame(move || {
        // The instance must outlive every GPU callback (Dawn drops pending
        // maps when it goes): the frame loop keeps it for the page's life.
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
        let target = frame
            .texture
            .create_view(&wgpu::TextureViewDescriptor::default());
        let mut app = app.borrow_mut();
        let raw = events.take(size, page::pixel_ratio());
        let out = app.frame(raw, &target, size, page::pixel_ratio());
        input::platform_output(&canvas, out);
        ctx.queue.present(frame);
        publish(&app, &ctx);
    });
    Ok(())
}

/// The viewer and its simulation task, started from the URL's parameters.
fn start_app(
    params: &Params,
    scenario: Scenario,
    ctx: &GpuContext,
    format: wgpu::TextureFormat,
    size: [u32; 2],
) -> Result<Rc<RefCell<App>>, String> {
    let speed = SPEEDS.iter().position(|&s| s == params.speed).unwrap_or(2);
    let options = ViewOptions {
        scenario,
        entities: params.entities,
        backend: params.backend,
        threads: 1,
        paused: params.paused,
        speed,
        stop_at: params.ticks,
        watch_shaders: None,
    };
    let (runner, task) = SimRunner::start_local(options.clone(), ctx.clone(), page::sleep)
        .map_err(|e| e.to_string())?;
    wasm_bindgen_futures::spawn_local(task);
    page::show_notice("");
    Ok(Rc::new(RefCell::new(App::with_runner(
        ctx.clone(),
        format,
        &options,
        size,
        runner,
    ))))
}

/// Copies the viewer's latest figures into the status object.
fn publish(app: &App, ctx: &GpuContext) {
    let v = app.view();
    Status::update(|s| {
        s.mode = "webgpu";
        s.tick = v.tick;
        s.population = v.population;
        s.backend = v.backend.name().to_string();
        // The simulation's adapter, or (CPU backend) the one drawing.
        s.adapter = Some(v.adapter.clone().unwrap_or_else(|| ctx.describe()));
        s.state_hash = v.state_hash;
        s.message = v.message.clone();
    });
}
