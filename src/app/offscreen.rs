//! Screenshot mode: renders frames into an offscreen texture (no window, no
//! display) and writes the last one as PNG.

use std::path::Path;

use super::frame::FrameTarget;
use super::{App, ViewOptions};
use crate::gpu::GpuContext;

/// What a screenshot run did.
#[derive(Debug, Clone)]
pub struct Shot {
    /// Frames rendered.
    pub frames: u32,
    /// Ticks simulated.
    pub ticks: u32,
    /// Backend and adapter.
    pub backend: String,
}

/// Renders `frames` frames of `size` pixels and writes the last to `path`.
pub fn screenshot(
    ctx: GpuContext,
    options: ViewOptions,
    frames: u32,
    size: [u32; 2],
    path: &Path,
) -> Result<Shot, String> {
    let target = FrameTarget::new(&ctx.device, size);
    let mut app =
        App::new(ctx.clone(), FrameTarget::FORMAT, options, size).map_err(|e| e.to_string())?;
    // Each frame shows the ticks granted to it: the same picture every run.
    app.set_lockstep(true);
    for _ in 0..frames.max(1) {
        app.frame(egui::RawInput::default(), &target.view, size, 1.0);
    }
    let mut enc = ctx
        .device
        .create_command_encoder(&wgpu::CommandEncoderDescriptor {
            label: Some("view.screenshot"),
        });
    target.record_copy(&mut enc);
    ctx.queue.submit([enc.finish()]);
    let data = crate::gpu::readback::map_copy(&ctx.device, &target.buffer, target.bytes())
        .map_err(|e| e.to_string())?;
    let pixels = target.pixels(&data);
    write_png(path, size, &pixels)?;
    let v = app.view();
    if v.halted {
        return Err(v
            .message
            .clone()
            .unwrap_or_else(|| "the simulation stopped".into()));
    }
    Ok(Shot {
        frames,
        ticks: v.tick,
        backend: v.backend_and_adapter(),
    })
}

/// Writes RGBA8 pixels as a PNG file (via a temporary file and a rename).
pub fn write_png(path: &Path, size: [u32; 2], rgba: &[u8]) -> Result<(), String> {
    let tmp = path.with_extension("png.tmp");
    let file =
        std::fs::File::create(&tmp).map_err(|e| format!("cannot create {}: {e}", tmp.display()))?;
    let mut enc = png::Encoder::new(std::io::BufWriter::new(file), size[0], size[1]);
    enc.set_color(png::ColorType::Rgba);
    enc.set_depth(png::BitDepth::Eight);
    let mut w = enc
        .write_header()
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    w.write_image_data(rgba)
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    w.finish()
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    std::fs::rename(&tmp, path).map_err(|e| format!("cannot write {}: {e}", path.display()))
}
