//! The page's pointer, wheel and keyboard events (forwarded by
//! `evosim.js` as messages: the canvas lives in this worker), fed to egui,
//! and the camera's drag, zoom and pick outside the panels (as the native
//! window does).

use std::cell::RefCell;
use std::rc::Rc;

use evosim::app::App;
use glam::Vec2;

use crate::protocol::{Modifiers, PointerKind, ToWorker};

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

fn modifiers(m: &Modifiers) -> egui::Modifiers {
    egui::Modifiers {
        alt: m.alt,
        ctrl: m.ctrl,
        shift: m.shift,
        mac_cmd: m.meta,
        command: m.ctrl || m.meta,
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

/// Handles one forwarded event (`pointer`, `wheel` or `key`); others are
/// not input and are ignored.
pub fn handle(m: ToWorker) {
    INPUT.with(|i| {
        let mut i = i.borrow_mut();
        // Before the viewer exists (or in the fallback): nothing to steer.
        let Some(Input { state, app }) = i.as_mut() else {
            return;
        };
        match m {
            ToWorker::Pointer {
                kind,
                x,
                y,
                button,
                mods,
            } => pointer(state, app, kind, egui::pos2(x, y), button, modifiers(&mods)),
            ToWorker::Wheel {
                x: _,
                y: _,
                dx,
                dy,
                mode,
                mods,
            } => wheel(state, app, egui::vec2(-dx, -dy), mode, modifiers(&mods)),
            ToWorker::Key {
                pressed,
                key: name,
                repeat,
                mods,
            } => key(state, pressed, name, repeat, modifiers(&mods)),
            _ => {}
        }
    })
}

fn button(b: i32) -> Option<egui::PointerButton> {
    match b {
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
fn pointer(
    s: &mut State,
    a: &RefCell<App>,
    kind: PointerKind,
    pos: egui::Pos2,
    b: i32,
    modifiers: egui::Modifiers,
) {
    let p = Vec2::new(pos.x, pos.y) * crate::page::pixel_ratio();
    s.modifiers = modifiers;
    match kind {
        PointerKind::Move => {
            s.events.push(egui::Event::PointerMoved(pos));
            if let Some(from) = s.drag_from
                && let Ok(mut app) = a.try_borrow_mut()
            {
                app.camera.pan(p - from);
                s.drag_from = Some(p);
            }
            s.cursor = p;
        }
        PointerKind::Down => {
            let over = over_panels(a);
            if let Some(button) = button(b) {
                s.events.push(egui::Event::PointerButton {
                    pos,
                    button,
                    pressed: true,
                    modifiers,
                });
            }
            s.cursor = p;
            if b == 0 && !over {
                s.drag_from = Some(p);
                s.pressed_at = Some(p);
            }
        }
        PointerKind::Up => {
            if let Some(button) = button(b) {
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
        PointerKind::Leave => s.events.push(egui::Event::PointerGone),
    }
}

/// The wheel: scrolls the panels under the pointer, else zooms the camera
/// about the pointer.
fn wheel(
    s: &mut State,
    a: &RefCell<App>,
    delta: egui::Vec2,
    mode: u32,
    modifiers: egui::Modifiers,
) {
    // WheelEvent.deltaMode: 0 pixels, 1 lines, 2 pages.
    let unit = match mode {
        1 => egui::MouseWheelUnit::Line,
        2 => egui::MouseWheelUnit::Page,
        _ => egui::MouseWheelUnit::Point,
    };
    if over_panels(a) {
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
}

/// A key going down or up: to egui, with the text it types.
fn key(s: &mut State, pressed: bool, name: String, repeat: bool, modifiers: egui::Modifiers) {
    s.modifiers = modifiers;
    if let Some(key) = egui::Key::from_name(&name) {
        s.events.push(egui::Event::Key {
            key,
            physical_key: None,
            pressed,
            repeat,
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
