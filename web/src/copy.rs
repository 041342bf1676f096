//! `present=copy`: the viewer draws each frame into a texture on the WebGPU
//! device, which is read back (awaited, never waited for) and put into a
//! 2D canvas. For browsers whose WebGPU cannot present to a canvas, such as
//! headless Chromium on SwiftShader; the simulation and the drawing are the
//! same WebGPU work as with `present=canvas`.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use evosim::Scenario;
use evosim::app::frame::FrameTarget;
use evosim::gpu::GpuContext;
use wasm_bindgen::JsCast;

use crate::viewer::{publish, start_app};
use crate::{Params, Start, input, page};

/// Runs the viewer, copying its frames into the canvas's 2D context.
pub fn run(
    params: Params,
    scenario: Scenario,
    start: Start,
    canvas: web_sys::OffscreenCanvas,
    instance: wgpu::Instance,
    ctx: GpuContext,
) -> Result<(), String> {
    ctx.device.on_uncaptured_error(std::sync::Arc::new(|e| {
        page::log_error(&format!("WebGPU error: {e}"));
    }));
    let ctx2d = canvas
        .get_context("2d")
        .ok()
        .flatten()
        .and_then(|c| {
            c.dyn_into::<web_sys::OffscreenCanvasRenderingContext2d>()
                .ok()
        })
        .ok_or("present=copy needs a 2D canvas, which this browser refuses")?;
    log::info!("present=copy: WebGPU frames reach the page through a 2D canvas");
    let size = page::fit_canvas(&canvas);
    let app = start_app(&params, scenario, start, &ctx, FrameTarget::FORMAT, size)?;
    let target = Rc::new(RefCell::new(FrameTarget::new(&ctx.device, size)));
    let pace = Pace::default();
    page::every_frame(move || {
        // The instance must outlive every GPU callback.
        let _ = &instance;
        if !pace.ready(app.borrow().sim_caught_up()) {
            return;
        }
        let started = js_sys::Date::now();
        let size = page::fit_canvas(&canvas);
        if target.borrow().size != size {
            *target.borrow_mut() = FrameTarget::new(&ctx.device, size);
        }
        {
            let t = target.borrow();
            let mut app = app.borrow_mut();
            crate::control::apply(&mut app);
            let raw = input::take(size, page::pixel_ratio());
            let out = app.frame(raw, &t.view, size, page::pixel_ratio());
            input::platform_output(out);
            let mut enc = ctx
                .device
                .create_command_encoder(&wgpu::CommandEncoderDescriptor {
                    label: Some("web.frame.copy"),
                });
            t.record_copy(&mut enc);
            ctx.queue.submit([enc.finish()]);
            publish(crate::protocol::Mode::Webgpu, &app, &ctx);
        }
        pace.busy.set(true);
        let put = put_frame(ctx.clone(), target.clone(), ctx2d.clone());
        let pace = pace.clone();
        wasm_bindgen_futures::spawn_local(async move {
            put.await;
            pace.done(started);
        });
    });
    Ok(())
}

/// When the next frame may start. Frames share the one GPU queue with the
/// ticks, and a software adapter takes long over both. A frame starts once
/// the last one is on the page and the simulation has run the ticks granted
/// so far (one frame per batch: at speed 1 the ticks wait on no frame but
/// the one that granted them), or, if the simulation is still busy, once
/// twice the last frame's time has passed since it ended (so that the
/// ticks keep at least two thirds of the queue and the panels still answer).
#[derive(Clone, Default)]
struct Pace {
    /// A frame's readback is in flight: the next frame waits for it.
    busy: Rc<Cell<bool>>,
    /// Not before this time (ms since the epoch) while the simulation is
    /// busy.
    next_at: Rc<Cell<f64>>,
}

impl Pace {
    fn ready(&self, caught_up: bool) -> bool {
        !self.busy.get() && (caught_up || js_sys::Date::now() >= self.next_at.get())
    }

    /// The frame that began at `started` (ms) is on the page.
    fn done(&self, started: f64) {
        let now = js_sys::Date::now();
        self.next_at.set(now + 2.0 * (now - started));
        self.busy.set(false);
    }
}

/// Reads the frame in `target` back (awaited) and puts it into the 2D
/// canvas.
async fn put_frame(
    ctx: GpuContext,
    target: Rc<RefCell<FrameTarget>>,
    ctx2d: web_sys::OffscreenCanvasRenderingContext2d,
) {
    let (buffer, bytes) = {
        let t = target.borrow();
        (t.buffer.clone(), t.bytes())
    };
    match evosim::gpu::readback::map_copy_async(&ctx.device, &buffer, bytes).await {
        Ok(data) => {
            let t = target.borrow();
            let pixels = t.pixels(&data);
            if let Some(img) = page::image_data(&pixels, t.size) {
                let _ = ctx2d.put_image_data(&img, 0.0, 0.0);
            }
        }
        Err(e) => page::log_error(&format!("cannot copy the frame: {e}")),
    }
}
