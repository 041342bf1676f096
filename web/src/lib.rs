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
mod viewer;

use evosim::app::ui::SPEEDS;
use evosim::model::count::parse_count;
use evosim::{Backend, Scenario};
use wasm_bindgen::prelude::*;

use page::Status;
use viewer::{Mode, Presenting, open_webgl2, open_webgpu, run_viewer};

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
                let mode = Mode::WebGpu;
                let gpu = Presenting {
                    mode,
                    instance,
                    surface,
                    ctx,
                };
                return run_viewer(gpu, params, scenario, start, canvas);
            }
            Ok((instance, None, ctx)) => {
                return copy::run(params, scenario, start, canvas, instance, ctx);
            }
            Err(why) => why,
        },
    };
    match open_webgl2(&canvas).await {
        Ok(gpu) => {
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
            run_viewer(gpu, params, scenario, start, canvas)?;
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
