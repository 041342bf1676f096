//! The browser package's wasm (`target/web/pkg/`, see `web/README.md`):
//! the simulation and the viewer of `evosim view` for a web page, built for
//! wasm32 only (natively this crate is empty).
//!
//! Two entry points, each for its own dedicated Worker, never the page's
//! thread:
//! - [`headless::sim_call`] (`sim-worker.js`): the package's headless
//!   `Simulation`.
//! - [`start`] and [`message`] (`worker.js`): a viewer on the canvas the
//!   page hands over as an `OffscreenCanvas`; the page (`evosim.js`'s
//!   `mountViewer`) forwards pointer, wheel, key and resize events and the
//!   handle's controls, and gets notices, errors, the status and
//!   checkpoints. Every message is a [`protocol`] type.
//!
//! In the threaded build (cross-origin isolated pages), rayon's pool runs
//! on further Web Workers sharing the wasm memory (wasm-bindgen-rayon), and
//! the CPU passes and region tasks run there.
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
//! The status's `mode` says which: `webgpu`, `webgl2` or `canvas2d`.
//!
//! A panic ends the worker's wasm instance; the package then starts a
//! fresh worker from the last checkpoint the old one posted
//! ([`CHECKPOINT_EVERY`] ticks apart) and lets it recompute to the tick
//! where the old one died.
#![cfg(target_arch = "wasm32")]

mod bench;
mod control;
mod copy;
mod fallback;
pub mod headless;
mod input;
mod page;
pub mod protocol;
mod viewer;
mod world;

use evosim::Backend;
use evosim::app::ui::SPEEDS;
use wasm_bindgen::prelude::*;

use protocol::{BackendName, Present, StartViewer, ToWorker, ViewerOptions, from_js};
use viewer::{Mode, Presenting, open_webgl2, open_webgpu, run_viewer};

/// `initThreadPool(n)` for the workers: rayon's global pool on `n` Web
/// Workers sharing the wasm memory (the threaded build only).
#[cfg(target_feature = "atomics")]
pub use wasm_bindgen_rayon::init_thread_pool;

/// A viewer's settings, read from its options.
#[derive(Debug, Clone)]
pub struct Params {
    /// Initial population (None: the scenario's own).
    pub entities: Option<u64>,
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
    /// Panic at this tick (`fault: "worker_panic@T"`, for tests of the
    /// restart).
    pub fault: Option<u32>,
}

impl Params {
    /// Reads the viewer's options; a bad value is an error that names it.
    pub fn read(o: &ViewerOptions) -> Result<Self, String> {
        let entities = match &o.entities {
            Some(n) => world::count(n)?,
            None => 3000,
        };
        let speed = o.speed.unwrap_or(1.0);
        if !SPEEDS.contains(&speed) {
            return Err(format!("option speed: {speed} is not one of {SPEEDS:?}"));
        }
        let fault = match &o.fault {
            None => None,
            Some(f) => Some(
                f.strip_prefix("worker_panic@")
                    .and_then(|t| t.parse().ok())
                    .ok_or_else(|| format!("option fault: {f:?} is not worker_panic@TICK"))?,
            ),
        };
        Ok(Params {
            entities: Some(entities),
            backend: match o.backend.unwrap_or_default() {
                BackendName::Auto => Backend::Auto,
                BackendName::Gpu => Backend::Gpu,
                BackendName::Cpu => Backend::Cpu,
            },
            ticks: o.ticks,
            speed,
            paused: o.paused.unwrap_or(false),
            present: o.present.unwrap_or_default(),
            fault,
        })
    }
}

/// Ticks between the checkpoints the worker posts to the page (a restart
/// recomputes at most this many).
pub const CHECKPOINT_EVERY: u32 = 300;

/// What the page hands a viewer's worker besides the canvas and options.
#[derive(Debug, Default)]
pub struct Start {
    /// The canvas's size (device pixels).
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

/// Starts a viewer in this worker: `start` is [`ToWorker::Start`]'s
/// [`StartViewer`] (the canvas, transferred from the page, the options, the
/// size, and after a crash the checkpoint).
#[wasm_bindgen]
pub fn start(#[wasm_bindgen(unchecked_param_type = "ToWorker")] start: JsValue) {
    page::install_panic_hook();
    page::install_logger();
    let (canvas, options, start) = match from_js::<StartViewer>(start, "start") {
        Ok(m) => (
            m.canvas,
            m.options,
            Start {
                size: [m.width, m.height],
                ratio: m.ratio,
                resume: m.resume.map(|b| b.into_vec()),
                resume_to: m.resume_to,
                restarts: m.restarts,
            },
        ),
        Err(e) => return page::failed(&e),
    };
    page::set_size(start.size, start.ratio);
    wasm_bindgen_futures::spawn_local(async move {
        if let Err(e) = run(canvas, options, start).await {
            page::failed(&e);
        }
    });
}

/// A message from the page ([`ToWorker`]): forwarded input, the canvas's
/// new size, or a control (pause, resume, speed, step).
#[wasm_bindgen]
pub fn message(#[wasm_bindgen(unchecked_param_type = "ToWorker")] data: JsValue) {
    match from_js::<ToWorker>(data, "message") {
        Ok(ToWorker::Resize {
            width,
            height,
            ratio,
        }) => page::set_size([width, height], ratio),
        Ok(
            m @ (ToWorker::Pause
            | ToWorker::Resume
            | ToWorker::SetSpeed { .. }
            | ToWorker::Step { .. }),
        ) => control::push(m),
        Ok(ToWorker::Start { .. }) => log::warn!("the viewer has started already"),
        Ok(m) => input::handle(m),
        Err(e) => page::show_error(&e),
    }
}

async fn run(
    canvas: web_sys::OffscreenCanvas,
    options: ViewerOptions,
    start: Start,
) -> Result<(), String> {
    if let Some(b) = &options.bench {
        return bench::run_page(bench::Request::read(b)?).await;
    }
    let mut params = Params::read(&options)?;
    if start.restarts > 0 {
        // The fault was injected once, in the first worker.
        params.fault = None;
    }
    let scenario = world::scenario(options.scenario, options.entities, options.seed)?;
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
