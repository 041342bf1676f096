//! The canvas's pointer, wheel and keyboard events, fed to egui, and the
//! camera's drag, zoom and pick outside the panels (as the native window
//! does).

use std::cell::RefCell;
use std::rc::Rc;

use evosim::app::App;
use glam::Vec2;
use wasm_bindgen::JsCast;
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

impl State {
    /// Records a button of `e` going down or up for egui; returns the
    /// pointer in device pixels.
    fn button(&mut self, e: &web_sys::PointerEvent, pressed: bool) -> Vec2 {
        let pos = egui::pos2(e.offset_x() as f32, e.offset_y() as f32);
        self.modifiers = modifiers(e);
        if let Some(button) = button(e.button()) {
            let modifiers = self.modifiers;
            self.events.push(egui::Event::PointerButton {
                pos,
                button,
                pressed,
                modifiers,
            });
        }
        Vec2::new(pos.x, pos.y) * crate::page::pixel_ratio()
    }
}

/// The events gathered since the last frame.
pub struct Events {
    state: Rc<RefCell<State>>,
    /// Keeps the listeners alive.
    _listeners: Vec<Closure<dyn FnMut(web_sys::Event)>>,
}

impl Events {
    /// This frame's egui input; `size` in device pixels.
    pub fn take(&self, size: [u32; 2], ppp: f32) -> egui::RawInput {
        let mut s = self.state.borrow_mut();
        s.size = Vec2::new(size[0] as f32, size[1] as f32);
        egui::RawInput {
            events: std::mem::take(&mut s.events),
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
}

fn modifiers(e: &web_sys::MouseEvent) -> egui::Modifiers {
    egui::Modifiers {
        alt: e.alt_key(),
        ctrl: e.ctrl_key(),
        shift: e.shift_key(),
        mac_cmd: e.meta_key(),
        command: e.ctrl_key() || e.meta_key(),
    }
}

fn button(b: i16) -> Option<egui::PointerButton> {
    match b {
        0 => Some(egui::PointerButton::Primary),
        1 => Some(egui::PointerButton::Middle),
        2 => Some(egui::PointerButton::Secondary),
        _ => None,
    }
}

/// What the handlers share: the events gathered and the viewer.
type Shared = (Rc<RefCell<State>>, Rc<RefCell<App>>);

/// A handler of one DOM event.
type Handler = Box<dyn FnMut(web_sys::Event)>;

/// Listens on `canvas` (pointer, wheel) and the window (keys).
pub fn listen(
    canvas: &web_sys::HtmlCanvasElement,
    app: Rc<RefCell<App>>,
) -> Result<Events, String> {
    let state = Rc::new(RefCell::new(State::default()));
    let shared = || (state.clone(), app.clone());
    let mut listeners = Vec::new();
    let mut on = |target: &web_sys::EventTarget, name: &str, f: Handler| -> Result<(), String> {
        let cb = Closure::<dyn FnMut(web_sys::Event)>::wrap(f);
        target
            .add_event_listener_with_callback(name, cb.as_ref().unchecked_ref())
            .map_err(|e| format!("cannot listen to {name}: {e:?}"))?;
        listeners.push(cb);
        Ok(())
    };
    let target: &web_sys::EventTarget = canvas.as_ref();
    on(target, "pointermove", pointer_move(shared()))?;
    on(
        target,
        "pointerdown",
        pointer_down(shared(), canvas.clone()),
    )?;
    on(target, "pointerup", pointer_up(shared()))?;
    let s = state.clone();
    on(
        target,
        "pointerleave",
        Box::new(move |_| s.borrow_mut().events.push(egui::Event::PointerGone)),
    )?;
    on(target, "wheel", wheel(shared()))?;
    let window: web_sys::EventTarget = web_sys::window().ok_or("no window")?.into();
    on(&window, "keydown", key(state.clone(), true))?;
    on(&window, "keyup", key(state.clone(), false))?;
    Ok(Events {
        state,
        _listeners: listeners,
    })
}

/// Whether the pointer is over the panels (or the viewer is busy: then
/// egui gets the event, the camera does not).
fn over_panels(app: &RefCell<App>) -> bool {
    app.try_borrow()
        .map(|a| a.egui.is_pointer_over_egui() || a.egui.egui_wants_pointer_input())
        .unwrap_or(true)
}

/// Pointer moves: to egui, and a drag pans the camera.
fn pointer_move((s, a): Shared) -> Handler {
    Box::new(move |e| {
        let Ok(e) = e.dyn_into::<web_sys::PointerEvent>() else {
            return;
        };
        let pos = egui::pos2(e.offset_x() as f32, e.offset_y() as f32);
        let mut s = s.borrow_mut();
        s.events.push(egui::Event::PointerMoved(pos));
        let p = Vec2::new(pos.x, pos.y) * crate::page::pixel_ratio();
        if let Some(from) = s.drag_from
            && let Ok(mut app) = a.try_borrow_mut()
        {
            app.camera.pan(p - from);
            s.drag_from = Some(p);
        }
        s.cursor = p;
    })
}

/// A button down: to egui; outside the panels the left one starts a drag
/// (or a click).
fn pointer_down((s, a): Shared, canvas: web_sys::HtmlCanvasElement) -> Handler {
    Box::new(move |e| {
        let Ok(e) = e.dyn_into::<web_sys::PointerEvent>() else {
            return;
        };
        let _ = canvas.set_pointer_capture(e.pointer_id());
        let over = over_panels(&a);
        let mut s = s.borrow_mut();
        let p = s.button(&e, true);
        s.cursor = p;
        if e.button() == 0 && !over {
            s.drag_from = Some(p);
            s.pressed_at = Some(p);
        }
    })
}

/// A button up: to egui; a click (not a drag) picks the creature there.
fn pointer_up((s, a): Shared) -> Handler {
    Box::new(move |e| {
        let Ok(e) = e.dyn_into::<web_sys::PointerEvent>() else {
            return;
        };
        let mut s = s.borrow_mut();
        let p = s.button(&e, false);
        if let Some(at) = s.pressed_at.take() {
            // A click, not a drag (moved under 4 pixels).
            if (at - p).abs().element_sum() < 4.0
                && let Ok(mut app) = a.try_borrow_mut()
            {
                app.pick(s.size, at);
            }
        }
        s.drag_from = None;
    })
}

/// The wheel: scrolls the panels under the pointer, else zooms the camera
/// about the pointer.
fn wheel((s, a): Shared) -> Handler {
    Box::new(move |e| {
        let Ok(e) = e.dyn_into::<web_sys::WheelEvent>() else {
            return;
        };
        e.prevent_default();
        let unit = match e.delta_mode() {
            web_sys::WheelEvent::DOM_DELTA_LINE => egui::MouseWheelUnit::Line,
            web_sys::WheelEvent::DOM_DELTA_PAGE => egui::MouseWheelUnit::Page,
            _ => egui::MouseWheelUnit::Point,
        };
        let delta = egui::vec2(-e.delta_x() as f32, -e.delta_y() as f32);
        let over = over_panels(&a);
        let mut s = s.borrow_mut();
        if over {
            let modifiers = modifiers(&e);
            s.events.push(egui::Event::MouseWheel {
                unit,
                delta,
                phase: egui::TouchPhase::Move,
                source: egui::MouseWheelSource::Unknown,
                modifiers,
            });
        } else if let Ok(mut app) = a.try_borrow_mut() {
            let lines = match unit {
                egui::MouseWheelUnit::Point => delta.y / 100.0,
                _ => delta.y,
            };
            let (size, cursor) = (s.size, s.cursor);
            app.camera.zoom_at(size, cursor, 1.15f32.powf(lines));
        }
    })
}

/// A key going down (`pressed`) or up: to egui, with the text it types.
fn key(s: Rc<RefCell<State>>, pressed: bool) -> Handler {
    Box::new(move |e| {
        let Ok(e) = e.dyn_into::<web_sys::KeyboardEvent>() else {
            return;
        };
        let modifiers = egui::Modifiers {
            alt: e.alt_key(),
            ctrl: e.ctrl_key(),
            shift: e.shift_key(),
            mac_cmd: e.meta_key(),
            command: e.ctrl_key() || e.meta_key(),
        };
        let name = e.key();
        let mut s = s.borrow_mut();
        s.modifiers = modifiers;
        if let Some(key) = egui::Key::from_name(&name) {
            s.events.push(egui::Event::Key {
                key,
                physical_key: None,
                pressed,
                repeat: e.repeat(),
                modifiers,
            });
        }
        if pressed && name.chars().count() == 1 && !modifiers.ctrl && !modifiers.mac_cmd {
            s.events.push(egui::Event::Text(name));
        }
    })
}

/// Applies what egui asks of the platform: the cursor shape.
pub fn platform_output(canvas: &web_sys::HtmlCanvasElement, out: egui::PlatformOutput) {
    let cursor = match out.cursor_icon {
        egui::CursorIcon::PointingHand => "pointer",
        egui::CursorIcon::Text => "text",
        egui::CursorIcon::Grab => "grab",
        egui::CursorIcon::Grabbing => "grabbing",
        egui::CursorIcon::ResizeHorizontal => "ew-resize",
        egui::CursorIcon::ResizeVertical => "ns-resize",
        _ => "default",
    };
    let _ = canvas.style().set_property("cursor", cursor);
}
