//! The page's pointer, wheel and keyboard events (forwarded by
//! `bootstrap.js` as messages: the canvas lives in this worker), fed to egui,
//! and the camera's drag, zoom and pick outside the panels (as the native
//! window does).

use std::cell::RefCell;
use std::rc::Rc;

use evosim::app::App;
use glam::Vec2;
use wasm_bindgen::prelude::*;

#[derive(Default)]
struct State {
    events: Vec<egui::Event>,
    /// Canvas size in device pixels, as of the last frame.
    size: Vec2,
    /// Pointer in device pixels.
    cursor: Vec2,
    drag_from: Option<Vec2>,
    pressed_at: Option<Vec2>,
    modifiers: egui::Modifiers,
}

/// One forwarded DOM event, read from its message.
struct Msg(JsValue);

impl Msg {
    fn num(&self, k: &str) -> f64 {
        js_sys::Reflect::get(&self.0, &JsValue::from_str(k))
            .ok()
            .and_then(|v| v.as_f64())
            .unwrap_or(0.0)
    }

    fn text(&self, k: &str) -> String {
        js_sys::Reflect::get(&self.0, &JsValue::from_str(k))
            .ok()
            .and_then(|v| v.as_string())
            .unwrap_or_default()
    }

    fn flag(&self, k: &str) -> bool {
        js_sys::Reflect::get(&self.0, &JsValue::from_str(k))
            .ok()
            .is_some_and(|v| v.is_truthy())
    }

    /// The pointer in CSS pixels (egui's points).
    fn pos(&self) -> egui::Pos2 {
        egui::pos2(self.num("x") as f32, self.num("y") as f32)
    }

    fn modifiers(&self) -> egui::Modifiers {
        let (ctrl, meta) = (self.flag("ctrl"), self.flag("meta"));
        egui::Modifiers {
            alt: self.flag("alt"),
            ctrl,
            shift: self.flag("shift"),
            mac_cmd: meta,
            command: ctrl || meta,
        }
    }
}

/// The viewer the events go to, and what they gathered since the last
/// frame.
struct Input {
    state: State,
    app: Rc<RefCell<App>>,
}

thread_local! {
    static INPUT: RefCell<Option<Input>> = const { RefCell::new(None) };
}

/// From now on the forwarded events go to `app`.
pub fn attach(app: Rc<RefCell<App>>) {
    INPUT.with(|i| {
        *i.borrow_mut() = Some(Input {
            state: State::default(),
            app,
        })
    });
}

/// This frame's egui input; `size` in device pixels.
pub fn take(size: [u32; 2], ppp: f32) -> egui::RawInput {
    let events = INPUT.with(|i| {
        let mut i = i.borrow_mut();
        i.as_mut().map_or_else(Vec::new, |i| {
            i.state.size = Vec2::new(size[0] as f32, size[1] as f32);
            std::mem::take(&mut i.state.events)
        })
    });
    egui::RawInput {
        events,
        time: Some(js_sys::Date::now() / 1000.0),
        viewports: std::iter::once((
            egui::ViewportId::ROOT,
            egui::ViewportInfo {
                native_pixels_per_point: Some(ppp),
                ..Default::default()
            },
        ))
        .collect(),
        ..Default::default()
    }
}

/// Handles one forwarded event (`type` `pointer`, `wheel` or `key`);
/// other messages are not input (false).
pub fn handle(kind: &str, data: &JsValue) -> bool {
    let m = Msg(data.clone());
    INPUT.with(|i| {
        let mut i = i.borrow_mut();
        let Some(Input { state, app }) = i.as_mut() else {
            // Before the viewer exists (or in the fallback): nothing to steer.
            return matches!(kind, "pointer" | "wheel" | "key");
        };
        match kind {
            "pointer" => pointer(state, app, &m),
            "wheel" => wheel(state, app, &m),
            "key" => key(state, &m),
            _ => return false,
        }
        true
    })
}

fn button(b: f64) -> Option<egui::PointerButton> {
    match b as i32 {
        0 => Some(egui::PointerButton::Primary),
        1 => Some(egui::PointerButton::Middle),
        2 => Some(egui::PointerButton::Secondary),
        _ => None,
    }
}

/// Whether the pointer is over the panels (or the viewer is busy: then
/// egui gets the event, the camera does not).
fn over_panels(app: &RefCell<App>) -> bool {
    app.try_borrow()
        .map(|a| a.egui.is_pointer_over_egui() || a.egui.egui_wants_pointer_input())
        .unwrap_or(true)
}

/// Pointer moves, buttons and leaving: to egui; outside the panels the
/// left button drags the camera, and a click (not a drag) picks the
/// creature there.
fn pointer(s: &mut State, a: &RefCell<App>, m: &Msg) {
    let pos = m.pos();
    let p = Vec2::new(pos.x, pos.y) * crate::page::pixel_ratio();
    s.modifiers = m.modifiers();
    let modifiers = s.modifiers;
    match m.text("kind").as_str() {
        "move" => {
            s.events.push(egui::Event::PointerMoved(pos));
            if let Some(from) = s.drag_from
                && let Ok(mut app) = a.try_borrow_mut()
            {
                app.camera.pan(p - from);
                s.drag_from = Some(p);
            }
            s.cursor = p;
        }
        "down" => {
            let over = over_panels(a);
            if let Some(button) = button(m.num("button")) {
                s.events.push(egui::Event::PointerButton {
                    pos,
                    button,
                    pressed: true,
                    modifiers,
                });
            }
            s.cursor = p;
            if m.num("button") == 0.0 && !over {
                s.drag_from = Some(p);
                s.pressed_at = Some(p);
            }
        }
        "up" => {
            if let Some(button) = button(m.num("button")) {
                s.events.push(egui::Event::PointerButton {
                    pos,
                    button,
                    pressed: false,
                    modifiers,
                });
            }
            if let Some(at) = s.pressed_at.take()
                // A click, not a drag (moved under 4 pixels).
                && (at - p).abs().element_sum() < 4.0
                && let Ok(mut app) = a.try_borrow_mut()
            {
                app.pick(s.size, at);
            }
            s.drag_from = None;
        }
        "leave" => s.events.push(egui::Event::PointerGone),
        _ => {}
    }
}

/// The wheel: scrolls the panels under the pointer, else zooms the camera
/// about the pointer.
fn wheel(s: &mut State, a: &RefCell<App>, m: &Msg) {
    // WheelEvent.deltaMode: 0 pixels, 1 lines, 2 pages.
    let unit = match m.num("mode") as u32 {
        1 => egui::MouseWheelUnit::Line,
        2 => egui::MouseWheelUnit::Page,
        _ => egui::MouseWheelUnit::Point,
    };
    let delta = egui::vec2(-m.num("dx") as f32, -m.num("dy") as f32);
    if over_panels(a) {
        s.events.push(egui::Event::MouseWheel {
            unit,
            delta,
            phase: egui::TouchPhase::Move,
            source: egui::MouseWheelSource::Unknown,
            modifiers: m.modifiers(),
        });
    } else if let Ok(mut app) = a.try_borrow_mut() {
        let lines = match unit {
            egui::MouseWheelUnit::Point => delta.y / 100.0,
            _ => delta.y,
        };
        let (size, cursor) = (s.size, s.cursor);
        app.camera.zoom_at(size, cursor, 1.15f32.powf(lines));
    }
}

/// A key going down or up: to egui, with the text it types.
fn key(s: &mut State, m: &Msg) {
    let modifiers = m.modifiers();
    let pressed = m.flag("pressed");
    let name = m.text("key");
    s.modifiers = modifiers;
    if let Some(key) = egui::Key::from_name(&name) {
        s.events.push(egui::Event::Key {
            key,
            physical_key: None,
            pressed,
            repeat: m.flag("repeat"),
            modifiers,
        });
    }
    if pressed && name.chars().count() == 1 && !modifiers.ctrl && !modifiers.mac_cmd {
        s.events.push(egui::Event::Text(name));
    }
}

/// Applies what egui asks of the platform: the cursor shape (set by the
/// page on its canvas).
pub fn platform_output(out: egui::PlatformOutput) {
    let cursor = match out.cursor_icon {
        egui::CursorIcon::PointingHand => "pointer",
        egui::CursorIcon::Text => "text",
        egui::CursorIcon::Grab => "grab",
        egui::CursorIcon::Grabbing => "grabbing",
        egui::CursorIcon::ResizeHorizontal => "ew-resize",
        egui::CursorIcon::ResizeVertical => "ns-resize",
        _ => "default",
    };
    crate::page::set_cursor(cursor);
}
