//! Screenshot mode: renders frames into an offscreen texture (no window, no
//! display) and writes the last one as PNG.

use std::path::Path;

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
    let format = wgpu::TextureFormat::Rgba8UnormSrgb;
    let texture = ctx.device.create_texture(&wgpu::TextureDescriptor {
        label: Some("view.offscreen"),
        size: wgpu::Extent3d {
            width: size[0],
            height: size[1],
            depth_or_array_layers: 1,
        },
        mip_level_count: 1,
        sample_count: 1,
        dimension: wgpu::TextureDimension::D2,
        format,
        usage: wgpu::TextureUsages::RENDER_ATTACHMENT | wgpu::TextureUsages::COPY_SRC,
        view_formats: &[],
    });
    let view = texture.create_view(&wgpu::TextureViewDescriptor::default());
    let mut app = App::new(ctx.clone(), format, options, size).map_err(|e| e.to_string())?;
    // Each frame shows the ticks granted to it: the same picture every run.
    app.set_lockstep(true);
    for _ in 0..frames.max(1) {
        app.frame(egui::RawInput::default(), &view, size, 1.0);
    }
    let row = (size[0] * 4).next_multiple_of(wgpu::COPY_BYTES_PER_ROW_ALIGNMENT);
    let buffer = ctx.device.create_buffer(&wgpu::BufferDescriptor {
        label: Some("view.screenshot"),
        size: row as u64 * size[1] as u64,
        usage: wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
        mapped_at_creation: false,
    });
    let mut enc = ctx
        .device
        .create_command_encoder(&wgpu::CommandEncoderDescriptor {
            label: Some("view.screenshot"),
        });
    enc.copy_texture_to_buffer(
        texture.as_image_copy(),
        wgpu::TexelCopyBufferInfo {
            buffer: &buffer,
            layout: wgpu::TexelCopyBufferLayout {
                offset: 0,
                bytes_per_row: Some(row),
                rows_per_image: Some(size[1]),
            },
        },
        wgpu::Extent3d {
            width: size[0],
            height: size[1],
            depth_or_array_layers: 1,
        },
    );
    ctx.queue.submit([enc.finish()]);
    let slice = buffer.slice(..);
    let (tx, rx) = std::sync::mpsc::channel();
    slice.map_async(wgpu::MapMode::Read, move |r| {
        let _ = tx.send(r);
    });
    ctx.device
        .poll(wgpu::PollType::wait_indefinitely())
        .map_err(|e| e.to_string())?;
    rx.recv()
        .map_err(|e| e.to_string())?
        .map_err(|e| e.to_string())?;
    let mut pixels = Vec::with_capacity((size[0] * size[1] * 4) as usize);
    {
        let data = slice.get_mapped_range().map_err(|e| e.to_string())?;
        for y in 0..size[1] as usize {
            let start = y * row as usize;
            pixels.extend_from_slice(&data[start..start + size[0] as usize * 4]);
        }
    }
    buffer.unmap();
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
        backend: format!(
            "{}{}",
            v.backend.name(),
            v.adapter
                .as_ref()
                .map(|a| format!(" on {a}"))
                .unwrap_or_default()
        ),
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
