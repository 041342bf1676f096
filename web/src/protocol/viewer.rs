//! A viewer's options, status and messages (`worker.js`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use tsify::Tsify;
use wasm_bindgen::prelude::*;

use super::{Count, ScenarioSource};

/// The backend a viewer asks for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, Tsify)]
#[serde(rename_all = "lowercase")]
pub enum BackendName {
    /// WebGPU's compute passes where there is an adapter, else the CPU.
    #[default]
    Auto,
    /// The GPU backend (WebGPU).
    Gpu,
    /// The CPU backend.
    Cpu,
}

/// How WebGPU frames reach the canvas.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Tsify)]
#[serde(rename_all = "lowercase")]
pub enum Present {
    /// Straight into the canvas (the default).
    #[default]
    Canvas,
    /// Drawn into a texture, read back and put into a 2D canvas: slower,
    /// for browsers whose WebGPU cannot present to a canvas (headless
    /// Chromium on SwiftShader).
    Copy,
}

/// Instead of the viewer: `evosim bench`'s measurement on the CPU backend.
#[derive(Debug, Clone, Deserialize, Tsify)]
#[serde(deny_unknown_fields)]
pub struct BenchOptions {
    /// Entity counts, comma-separated (`"10k,25k"`).
    pub sizes: String,
    /// Timed ticks per count (default 200).
    #[tsify(optional)]
    pub ticks: Option<u32>,
    /// Untimed ticks before them (default 20).
    #[tsify(optional)]
    pub warmup: Option<u32>,
}

/// A viewer's options (`mountViewer(canvas, options)`); every one
/// optional.
#[derive(Debug, Clone, Default, Deserialize, Tsify)]
#[serde(deny_unknown_fields)]
pub struct ViewerOptions {
    /// The scenario (default: the bundled default scenario).
    #[tsify(optional)]
    pub scenario: Option<ScenarioSource>,
    /// Initial population (default 3000; at most 2M).
    #[tsify(optional)]
    pub entities: Option<Count>,
    /// The seed (default: the scenario's).
    #[tsify(optional)]
    pub seed: Option<f64>,
    /// Threads of the CPU passes, as for a `Simulation`.
    #[tsify(optional)]
    pub threads: Option<u32>,
    /// The backend (default `auto`).
    #[tsify(optional)]
    pub backend: Option<BackendName>,
    /// Stop at this tick.
    #[tsify(optional)]
    pub ticks: Option<u32>,
    /// Ticks per frame: 0.25, 0.5, 1, 2, 4, 8 or 16 (default 1).
    #[tsify(optional)]
    pub speed: Option<f32>,
    /// Start paused.
    #[tsify(optional)]
    pub paused: Option<bool>,
    /// How WebGPU frames reach the canvas (default `canvas`).
    #[tsify(optional)]
    pub present: Option<Present>,
    /// For tests of the restart: `"worker_panic@T"` panics the worker at
    /// tick T (once).
    #[tsify(optional)]
    pub fault: Option<String>,
    /// Run the benchmark instead of the viewer.
    #[tsify(optional)]
    pub bench: Option<BenchOptions>,
}

/// Modifier keys held during an input event.
#[derive(Debug, Clone, Copy, Default, Deserialize, Tsify)]
pub struct Modifiers {
    /// Alt (Option).
    pub alt: bool,
    /// Control.
    pub ctrl: bool,
    /// Shift.
    pub shift: bool,
    /// Meta (Command).
    pub meta: bool,
}

/// What a pointer event did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Tsify)]
#[serde(rename_all = "lowercase")]
pub enum PointerKind {
    /// Moved.
    Move,
    /// A button went down.
    Down,
    /// A button went up.
    Up,
    /// Left the canvas.
    Leave,
}

/// The first message to a viewer's worker: start the viewer on `canvas`
/// (transferred). `evosim_web::start` reads it as this struct (a canvas
/// cannot pass through the enum's buffering).
#[derive(Debug, Deserialize, Tsify)]
#[tsify(missing_as_null)]
pub struct StartViewer {
    /// The page's canvas, transferred.
    #[serde(with = "serde_wasm_bindgen::preserve")]
    #[tsify(type = "OffscreenCanvas")]
    pub canvas: web_sys::OffscreenCanvas,
    /// The viewer's options.
    pub options: ViewerOptions,
    /// Whether this worker loads the threaded build.
    pub threaded: bool,
    /// The size of rayon's pool (threaded build).
    pub threads: u32,
    /// The canvas's size in device pixels.
    pub width: u32,
    /// See `width`.
    pub height: u32,
    /// Device pixels per CSS pixel.
    pub ratio: f32,
    /// After a crash: the checkpoint to resume from.
    #[tsify(type = "Uint8Array | null")]
    pub resume: Option<serde_bytes::ByteBuf>,
    /// After a crash: the tick to recompute to.
    pub resume_to: Option<u32>,
    /// Restarts so far (the injected fault fires in the first worker
    /// only).
    pub restarts: u32,
}

/// A message from the page to a viewer's worker.
#[derive(Debug, Deserialize, Tsify)]
#[tsify(missing_as_null)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ToWorker {
    /// Start the viewer (read by `start`, not `message`).
    Start(StartViewer),
    /// A pointer event on the canvas (CSS pixels).
    Pointer {
        /// Which.
        kind: PointerKind,
        /// Offset from the canvas's left edge.
        x: f32,
        /// Offset from its top edge.
        y: f32,
        /// `PointerEvent.button`.
        button: i32,
        /// Modifier keys.
        #[serde(flatten)]
        mods: Modifiers,
    },
    /// A wheel event on the canvas.
    Wheel {
        /// Offset from the canvas's left edge.
        x: f32,
        /// Offset from its top edge.
        y: f32,
        /// `WheelEvent.deltaX`.
        dx: f32,
        /// `WheelEvent.deltaY`.
        dy: f32,
        /// `WheelEvent.deltaMode`: 0 pixels, 1 lines, 2 pages.
        mode: u32,
        /// Modifier keys.
        #[serde(flatten)]
        mods: Modifiers,
    },
    /// A key went down or up.
    Key {
        /// Down (true) or up.
        pressed: bool,
        /// `KeyboardEvent.key`.
        key: String,
        /// Auto-repeat.
        repeat: bool,
        /// Modifier keys.
        #[serde(flatten)]
        mods: Modifiers,
    },
    /// The canvas's new size.
    Resize {
        /// Device pixels.
        width: u32,
        /// Device pixels.
        height: u32,
        /// Device pixels per CSS pixel.
        ratio: f32,
    },
    /// Pause the simulation.
    Pause,
    /// Resume it.
    Resume,
    /// Ticks per frame (one of the speeds the options list).
    SetSpeed {
        /// Ticks per frame.
        speed: f32,
    },
    /// Run `ticks` ticks (while paused), then hold.
    Step {
        /// Ticks to run.
        ticks: u32,
    },
}

/// What a viewer shows: where it runs and how far it is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, Tsify)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Loading the wasm.
    #[default]
    Loading,
    /// Opening the GPU and the world.
    Starting,
    /// The viewer on WebGPU.
    Webgpu,
    /// The viewer on WebGL2 (CPU backend).
    Webgl2,
    /// The CPU backend drawn on a 2D canvas.
    Canvas2d,
    /// Running the benchmark.
    Bench,
    /// Restarting a crashed worker from its checkpoint.
    Restarting,
    /// Stopped for good (see `message`).
    Failed,
    /// Destroyed.
    Destroyed,
}

/// How the page is cross-origin isolated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Tsify)]
#[serde(rename_all = "kebab-case")]
pub enum Isolation {
    /// Its server's COOP/COEP headers.
    Headers,
    /// The service worker `coi-worker.js` adds them (after one reload).
    ServiceWorker,
}

/// One benchmark row: `evosim bench --json`'s figures for one count.
#[derive(Debug, Clone, PartialEq, Serialize, Tsify)]
#[tsify(missing_as_null, hashmap_as_object)]
pub struct BenchRow {
    /// Entities asked for.
    pub entities: u64,
    /// Always `cpu`.
    pub backend: String,
    /// Threads of the pool.
    pub threads: usize,
    /// Timed ticks.
    pub ticks: u32,
    /// Warm-up ticks.
    pub warmup: u32,
    /// Tick times: median, p95, p99, min, max, mean (ms).
    #[serde(flatten)]
    pub summary: evosim::benchmark::Summary,
    /// Living entities advanced per second of tick time.
    pub entity_ticks_per_s: f64,
    /// Living population before the first timed tick.
    pub population_start: u64,
    /// After the last.
    pub population_end: u64,
    /// State hash at the end, 16 hex digits.
    pub state_hash: String,
}

/// A viewer's status (`handle.status()`, the `tick` and `mode` events).
#[derive(Debug, Clone, Default, Serialize, Tsify)]
#[tsify(missing_as_null, hashmap_as_object)]
pub struct Status {
    /// Where it runs.
    pub mode: Mode,
    /// Ticks run.
    pub tick: u32,
    /// Living creatures.
    pub population: u64,
    /// `gpu` or `cpu`.
    pub backend: String,
    /// The adapter (simulating, or drawing for the CPU backend).
    pub adapter: Option<String>,
    /// The state hash, 16 hex digits, where known (on the CPU backend
    /// always; on WebGPU once stopped at `ticks` or paused).
    pub state_hash: Option<String>,
    /// The species tree's hash, with `state_hash`.
    pub species_hash: Option<String>,
    /// The last error or notice.
    pub message: Option<String>,
    /// Wall time per tick of the last batch (ms).
    pub tick_ms: f64,
    /// The last tick's transfer (GPU: waiting and readback) time (ms).
    pub transfer_ms: f64,
    /// The last tick's region work (ms).
    pub resolve_ms: f64,
    /// The last tick's time per pass (ms).
    pub passes_ms: BTreeMap<String, f64>,
    /// Threads of the CPU passes (rayon's pool).
    pub threads: usize,
    /// The wasm memory's size (MB).
    pub memory_mb: f64,
    /// Whether the page is cross-origin isolated.
    pub isolated: bool,
    /// How, where it is (set by the package).
    pub isolation: Option<Isolation>,
    /// Restarts of a crashed worker (set by the package).
    pub restarts: u32,
    /// The last restart, in words (set by the package).
    pub restart: Option<String>,
    /// Benchmark: ticks run so far, warm-up included.
    #[tsify(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bench_done: Option<u64>,
    /// Benchmark: ticks in all.
    #[tsify(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bench_total: Option<u64>,
    /// Benchmark: the rows once finished.
    #[tsify(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bench: Option<Vec<BenchRow>>,
}

/// A message from a viewer's worker to the page.
#[derive(Debug, Serialize, Tsify)]
#[tsify(missing_as_null, hashmap_as_object)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FromWorker {
    /// The status changed.
    Status(Status),
    /// A snapshot to restart from if the worker crashes.
    Checkpoint {
        /// Its tick.
        tick: u32,
        /// The snapshot.
        #[serde(with = "serde_bytes")]
        #[tsify(type = "Uint8Array")]
        bytes: Vec<u8>,
    },
    /// A notice for the page (empty: none).
    Notice {
        /// In words.
        text: String,
    },
    /// An error the viewer survived.
    Error {
        /// In words.
        text: String,
    },
    /// The 2D canvas's figures, in plain text.
    Stats {
        /// Lines.
        text: String,
    },
    /// The CSS cursor for the canvas.
    Cursor {
        /// A CSS `cursor` value.
        value: String,
    },
    /// The viewer could not start (bad options, no wasm).
    Failed {
        /// Why.
        text: String,
    },
    /// The wasm panicked: the worker is dead.
    Panic {
        /// The panic's message.
        text: String,
    },
    /// An uncaught error in the worker's script.
    Fatal {
        /// Its message.
        text: String,
    },
}
