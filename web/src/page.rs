//! The page as the simulation's worker sees it: messages to the page
//! (notices, errors, figures, the status object, checkpoints), the canvas's
//! size, timers, frames, the logger and the panic hook. Everything
//! here runs in the dedicated Worker `worker.js` starts; the page's side is
//! `evosim.js` (the package).

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use crate::protocol::{self, FromWorker, Mode, to_js};

fn global() -> web_sys::DedicatedWorkerGlobalScope {
    js_sys::global().unchecked_into()
}

/// Sends a message to the page.
fn post(m: &FromWorker) {
    let _ = global().post_message(&to_js(m));
}

/// Why WebGPU cannot be used here, if `navigator.gpu` is missing.
pub fn webgpu_missing() -> Option<String> {
    let nav = global().navigator();
    let gpu = js_sys::Reflect::get(&nav, &JsValue::from_str("gpu")).ok();
    match gpu {
        Some(g) if !g.is_undefined() && !g.is_null() => None,
        _ => Some(if global().is_secure_context() {
            "this browser has no WebGPU (navigator.gpu is missing)".to_string()
        } else {
            "WebGPU needs a secure context (https or localhost)".to_string()
        }),
    }
}

thread_local! {
    /// The canvas's displayed size in device pixels and the device pixel
    /// ratio, as the page last said.
    static SIZE: Cell<([u32; 2], f32)> = const { Cell::new(([640, 480], 1.0)) };
}

/// The page's canvas changed size (device pixels) or pixel ratio.
pub fn set_size(size: [u32; 2], ratio: f32) {
    let size = [size[0].clamp(1, 4096), size[1].clamp(1, 4096)];
    SIZE.with(|s| s.set((size, ratio.clamp(0.5, 4.0))));
}

/// Devices pixels per CSS pixel.
pub fn pixel_ratio() -> f32 {
    SIZE.with(|s| s.get().1)
}

/// Sizes the canvas's drawing buffer to its displayed size (device
/// pixels) and returns it.
pub fn fit_canvas(canvas: &web_sys::OffscreenCanvas) -> [u32; 2] {
    let [w, h] = SIZE.with(|s| s.get().0);
    if canvas.width() != w || canvas.height() != h {
        canvas.set_width(w);
        canvas.set_height(h);
    }
    [w, h]
}

/// A future that resolves after `ms` milliseconds (a timer on the worker's
/// event loop: other tasks and frames run meanwhile).
pub fn sleep(ms: u32) -> impl Future<Output = ()> {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let _ = global().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms as i32);
    });
    async move {
        let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
    }
}

/// Asks for `cb` at the next frame: `requestAnimationFrame` where the
/// worker has it (Chromium), else a 16 ms timer.
fn next_frame(cb: &js_sys::Function) {
    let g = global();
    let raf = js_sys::Reflect::get(&g, &JsValue::from_str("requestAnimationFrame"))
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
    match raf {
        Some(raf) => {
            let _ = raf.call1(&g, cb);
        }
        None => {
            let _ = g.set_timeout_with_callback_and_timeout_and_arguments_0(cb, 16);
        }
    }
}

/// Calls `f` once per animation frame, for the life of the worker.
pub fn every_frame(mut f: impl FnMut() + 'static) {
    type Slot = Rc<RefCell<Option<Closure<dyn FnMut()>>>>;
    let slot: Slot = Rc::new(RefCell::new(None));
    let again = slot.clone();
    *slot.borrow_mut() = Some(Closure::new(move || {
        f();
        if let Some(cb) = again.borrow().as_ref() {
            next_frame(cb.as_ref().unchecked_ref());
        }
    }));
    if let Some(cb) = slot.borrow().as_ref() {
        next_frame(cb.as_ref().unchecked_ref());
    }
}

/// Shows `text` in the page's notice line (empty hides it).
pub fn show_notice(text: &str) {
    post(&FromWorker::Notice { text: text.into() });
}

/// Shows an error on the page and in the console.
pub fn show_error(text: &str) {
    log_error(text);
    post(&FromWorker::Error { text: text.into() });
}

/// `console.error`.
pub fn log_error(text: &str) {
    web_sys::console::error_1(&JsValue::from_str(text));
}

/// Sets the page's figures beside the canvas (the fallback's statistics).
pub fn set_stats(text: &str) {
    post(&FromWorker::Stats { text: text.into() });
}

/// Sets the CSS cursor over the canvas.
pub fn set_cursor(cursor: &str) {
    thread_local! {
        static LAST: RefCell<String> = const { RefCell::new(String::new()) };
    }
    let changed = LAST.with(|l| {
        let mut l = l.borrow_mut();
        (*l != cursor).then(|| *l = cursor.to_string()).is_some()
    });
    if changed {
        post(&FromWorker::Cursor {
            value: cursor.into(),
        });
    }
}

/// RGBA `pixels` as an `ImageData`, copied out of the wasm memory first:
/// the threaded build's memory is shared, and an `ImageData` refuses a view
/// of shared memory. None (and a console line) if the browser refuses.
pub fn image_data(pixels: &[u8], [w, h]: [u32; 2]) -> Option<web_sys::ImageData> {
    let copy = js_sys::Uint8ClampedArray::new_with_length(pixels.len() as u32);
    copy.copy_from(pixels);
    web_sys::ImageData::new_with_js_u8_clamped_array_and_sh(&copy, w, h)
        .map_err(|e| log_error(&format!("cannot make an image of {w}×{h}: {e:?}")))
        .ok()
}

/// Hands a checkpoint (snapshot bytes at `tick`) to the page, which keeps
/// it for a restart. The bytes are copied out of the wasm memory (shared
/// memory cannot be transferred) and the copy's buffer is transferred.
pub fn post_checkpoint(tick: u32, bytes: &[u8]) {
    let m = to_js(&FromWorker::Checkpoint {
        tick,
        bytes: bytes.to_vec(),
    });
    let copy = js_sys::Reflect::get(&m, &JsValue::from_str("bytes"))
        .ok()
        .and_then(|b| b.dyn_into::<js_sys::Uint8Array>().ok());
    let transfer = js_sys::Array::new();
    if let Some(copy) = copy {
        transfer.push(&copy.buffer());
    }
    let _ = global().post_message_with_transfer(&m, &transfer);
}

/// The viewer could not start (or stopped for good): the status says so,
/// and the page gets the message.
pub fn failed(text: &str) {
    log_error(text);
    Status::update(|s| {
        s.mode = Mode::Failed;
        s.message = Some(text.into());
    });
    post(&FromWorker::Failed { text: text.into() });
}

/// Diagnostics (`log`) in the browser's console: evosim's notes and up,
/// other crates' (wgpu's) warnings and up.
struct ConsoleLog;

impl log::Log for ConsoleLog {
    fn enabled(&self, m: &log::Metadata<'_>) -> bool {
        let limit = if m.target().starts_with("evosim") {
            log::Level::Info
        } else {
            log::Level::Warn
        };
        m.level() <= limit
    }

    fn log(&self, r: &log::Record<'_>) {
        if !self.enabled(r.metadata()) {
            return;
        }
        let text = JsValue::from_str(&format!("{}: {}", r.target(), r.args()));
        match r.level() {
            log::Level::Error => web_sys::console::error_1(&text),
            log::Level::Warn => web_sys::console::warn_1(&text),
            _ => web_sys::console::log_1(&text),
        }
    }

    fn flush(&self) {}
}

/// Sends `log` records to the console.
pub fn install_logger() {
    if log::set_logger(&ConsoleLog).is_ok() {
        log::set_max_level(log::LevelFilter::Info);
    }
}

/// A panic ends the worker's wasm instance (panics abort in wasm): the
/// message goes to the page first, which restarts the worker from its last
/// checkpoint.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let text = format!("evosim panicked: {info}");
        log_error(&text);
        post(&FromWorker::Panic { text });
    }));
}

/// The viewer's status as this worker knows it (the package adds
/// `isolation`, `restarts` and `restart`).
pub struct Status;

thread_local! {
    static STATUS: RefCell<protocol::Status> = RefCell::new(protocol::Status {
        mode: Mode::Starting,
        ..Default::default()
    });
}

impl Status {
    /// Changes the status and sends it to the page.
    pub fn update(f: impl FnOnce(&mut protocol::Status)) {
        let m = STATUS.with(|s| {
            let mut s = s.borrow_mut();
            f(&mut s);
            s.threads = pool_threads();
            s.memory_mb = memory_mb();
            s.isolated = js_sys::Reflect::get(&global(), &JsValue::from_str("crossOriginIsolated"))
                .is_ok_and(|v| v.is_truthy());
            crate::bench::add_to_status(&mut s);
            FromWorker::Status(s.clone())
        });
        post(&m);
    }
}

/// Threads of rayon's pool in this build: the Web Workers of
/// wasm-bindgen-rayon in the threaded build, 1 in the single-threaded one.
pub fn pool_threads() -> usize {
    rayon::current_num_threads()
}

/// The wasm memory's size now (MB): the page tells an out-of-memory crash
/// by it.
fn memory_mb() -> f64 {
    let memory: js_sys::WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
    let buffer = memory.buffer();
    let bytes = js_sys::Reflect::get(&buffer, &JsValue::from_str("byteLength"))
        .ok()
        .and_then(|v| v.as_f64())
        .unwrap_or(0.0);
    bytes / (1024.0 * 1024.0)
}
