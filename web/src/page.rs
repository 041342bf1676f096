//! The page around the canvas: its elements, timers, frames, errors and the
//! status object tests read.

use std::cell::RefCell;
use std::future::Future;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

fn window() -> web_sys::Window {
    web_sys::window().expect("a page has a window")
}

fn element(id: &str) -> Option<web_sys::HtmlElement> {
    window()
        .document()?
        .get_element_by_id(id)?
        .dyn_into::<web_sys::HtmlElement>()
        .ok()
}

/// The page's query string (`?entities=…`).
pub fn search() -> String {
    window().location().search().unwrap_or_default()
}

/// The `<canvas id="evosim">`.
pub fn canvas() -> Result<web_sys::HtmlCanvasElement, String> {
    element("evosim")
        .and_then(|e| e.dyn_into::<web_sys::HtmlCanvasElement>().ok())
        .ok_or_else(|| "the page has no <canvas id=\"evosim\">".to_string())
}

/// Why WebGPU cannot be used, if `navigator.gpu` is missing.
pub fn webgpu_missing() -> Option<String> {
    let nav = window().navigator();
    let gpu = js_sys::Reflect::get(&nav, &JsValue::from_str("gpu")).ok();
    match gpu {
        Some(g) if !g.is_undefined() && !g.is_null() => None,
        _ => Some(if window().is_secure_context() {
            "this browser has no WebGPU (navigator.gpu is missing)".to_string()
        } else {
            "WebGPU needs a secure context (https or localhost)".to_string()
        }),
    }
}

/// Devices pixels per CSS pixel.
pub fn pixel_ratio() -> f32 {
    (window().device_pixel_ratio() as f32).clamp(0.5, 4.0)
}

/// Sizes the canvas's drawing buffer to its displayed size (device
/// pixels) and returns it.
pub fn fit_canvas(canvas: &web_sys::HtmlCanvasElement) -> [u32; 2] {
    let r = pixel_ratio();
    let w = ((canvas.client_width() as f32 * r).round() as u32).clamp(1, 4096);
    let h = ((canvas.client_height() as f32 * r).round() as u32).clamp(1, 4096);
    if canvas.width() != w || canvas.height() != h {
        canvas.set_width(w);
        canvas.set_height(h);
    }
    [w, h]
}

/// A future that resolves after `ms` milliseconds (a timer on the event
/// loop: other tasks and frames run meanwhile).
pub fn sleep(ms: u32) -> impl Future<Output = ()> {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let _ = window().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms as i32);
    });
    async move {
        let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
    }
}

/// Calls `f` once per animation frame, for the life of the page.
pub fn every_frame(mut f: impl FnMut() + 'static) {
    type Slot = Rc<RefCell<Option<Closure<dyn FnMut()>>>>;
    let slot: Slot = Rc::new(RefCell::new(None));
    let again = slot.clone();
    *slot.borrow_mut() = Some(Closure::new(move || {
        f();
        if let Some(cb) = again.borrow().as_ref() {
            let _ = window().request_animation_frame(cb.as_ref().unchecked_ref());
        }
    }));
    if let Some(cb) = slot.borrow().as_ref() {
        let _ = window().request_animation_frame(cb.as_ref().unchecked_ref());
    }
}

/// The text at `url` (relative to the page).
pub async fn fetch_text(url: &str) -> Result<String, String> {
    let describe = |e: JsValue| e.as_string().unwrap_or_else(|| format!("{e:?}"));
    let resp = wasm_bindgen_futures::JsFuture::from(window().fetch_with_str(url))
        .await
        .map_err(describe)?;
    let resp: web_sys::Response = resp.dyn_into().map_err(describe)?;
    if !resp.ok() {
        return Err(format!("HTTP {}", resp.status()));
    }
    let text = wasm_bindgen_futures::JsFuture::from(resp.text().map_err(describe)?)
        .await
        .map_err(describe)?;
    text.as_string().ok_or_else(|| "not text".to_string())
}

/// Shows `text` in the page's notice line (empty hides it).
pub fn show_notice(text: &str) {
    if let Some(e) = element("notice") {
        e.set_inner_text(text);
        e.set_hidden(text.is_empty());
    }
}

/// Shows an error on the page and in the console.
pub fn show_error(text: &str) {
    log_error(text);
    if let Some(e) = element("error") {
        let old = e.inner_text();
        e.set_inner_text(&if old.is_empty() {
            text.to_string()
        } else {
            format!("{old}\n{text}")
        });
        e.set_hidden(false);
    }
}

/// `console.error`.
pub fn log_error(text: &str) {
    web_sys::console::error_1(&JsValue::from_str(text));
}

/// Sets `id`'s text (the fallback's statistics).
pub fn set_text(id: &str, text: &str) {
    if let Some(e) = element(id) {
        e.set_inner_text(text);
    }
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

/// Panics are shown on the page and in the console, not left as a dead
/// canvas.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let text = format!("evosim panicked: {info}");
        show_error(&text);
        Status::update(|s| s.message = Some(text.clone()));
    }));
}

/// What `window.evosim.status()` returns.
#[derive(Debug, Clone, Default)]
pub struct Status {
    /// `webgpu`, `fallback`, or `starting`.
    pub mode: &'static str,
    /// Ticks run.
    pub tick: u32,
    /// Living creatures.
    pub population: u64,
    /// `gpu` or `cpu`.
    pub backend: String,
    /// The WebGPU adapter (None in the fallback).
    pub adapter: Option<String>,
    /// The state hash, where known (always in the fallback; with WebGPU once
    /// stopped at `ticks`).
    pub state_hash: Option<u64>,
    /// The last error or notice.
    pub message: Option<String>,
}

thread_local! {
    static STATUS: RefCell<Status> = RefCell::new(Status {
        mode: "starting",
        ..Status::default()
    });
}

impl Status {
    /// A copy of the current status.
    pub fn get() -> Status {
        STATUS.with(|s| s.borrow().clone())
    }

    /// Changes the status.
    pub fn update(f: impl FnOnce(&mut Status)) {
        STATUS.with(|s| f(&mut s.borrow_mut()));
    }

    /// As a plain JS object (the hash as 16 hex digits, as `evosim run`
    /// prints it: a u64 does not fit a JS number).
    pub fn to_js(&self) -> JsValue {
        let o = js_sys::Object::new();
        let set = |k: &str, v: JsValue| {
            let _ = js_sys::Reflect::set(&o, &JsValue::from_str(k), &v);
        };
        let opt = |v: Option<String>| v.map_or(JsValue::NULL, |s| JsValue::from_str(&s));
        set("mode", JsValue::from_str(self.mode));
        set("tick", JsValue::from_f64(self.tick as f64));
        set("population", JsValue::from_f64(self.population as f64));
        set("backend", JsValue::from_str(&self.backend));
        set("adapter", opt(self.adapter.clone()));
        set(
            "state_hash",
            opt(self.state_hash.map(|h| format!("{h:016x}"))),
        );
        set("message", opt(self.message.clone()));
        o.into()
    }
}
