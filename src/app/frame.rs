//! A frame drawn into a texture and read back: the screenshot mode
//! ([`super::offscreen`]) and the browser's `present=copy` use it.

/// An sRGB render target and the mappable buffer it is copied into.
pub struct FrameTarget {
    /// Width and height in pixels.
    pub size: [u32; 2],
    /// The texture drawn into.
    pub texture: wgpu::Texture,
    /// Its view, the render target.
    pub view: wgpu::TextureView,
    /// Bytes per row in `buffer` (aligned for texture copies).
    pub row: u32,
    /// Where [`Self::record_copy`] copies the texture (`MAP_READ`).
    pub buffer: wgpu::Buffer,
}

impl FrameTarget {
    /// The format frames are drawn in: sRGB bytes, as PNG files and 2D
    /// canvases hold them.
    pub const FORMAT: wgpu::TextureFormat = wgpu::TextureFormat::Rgba8UnormSrgb;

    /// A target of `size` pixels.
    pub fn new(device: &wgpu::Device, size: [u32; 2]) -> Self {
        let texture = device.create_texture(&wgpu::TextureDescriptor {
            label: Some("view.frame"),
            size: wgpu::Extent3d {
                width: size[0],
                height: size[1],
                depth_or_array_layers: 1,
            },
            mip_level_count: 1,
            sample_count: 1,
            dimension: wgpu::TextureDimension::D2,
            format: Self::FORMAT,
            usage: wgpu::TextureUsages::RENDER_ATTACHMENT | wgpu::TextureUsages::COPY_SRC,
            view_formats: &[],
        });
        let view = texture.create_view(&wgpu::TextureViewDescriptor::default());
        let row = (size[0] * 4).next_multiple_of(wgpu::COPY_BYTES_PER_ROW_ALIGNMENT);
        let buffer = device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("view.frame.readback"),
            size: row as u64 * size[1] as u64,
            usage: wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        });
        Self {
            size,
            texture,
            view,
            row,
            buffer,
        }
    }

    /// Bytes of the readback buffer (rows padded).
    pub fn bytes(&self) -> u64 {
        self.buffer.size()
    }

    /// Records the copy of the texture into the buffer.
    pub fn record_copy(&self, enc: &mut wgpu::CommandEncoder) {
        enc.copy_texture_to_buffer(
            self.texture.as_image_copy(),
            wgpu::TexelCopyBufferInfo {
                buffer: &self.buffer,
                layout: wgpu::TexelCopyBufferLayout {
                    offset: 0,
                    bytes_per_row: Some(self.row),
                    rows_per_image: Some(self.size[1]),
                },
            },
            wgpu::Extent3d {
                width: self.size[0],
                height: self.size[1],
                depth_or_array_layers: 1,
            },
        );
    }

    /// The RGBA pixels, row after row, from the buffer's padded `data`.
    pub fn pixels(&self, data: &[u8]) -> Vec<u8> {
        let width = self.size[0] as usize * 4;
        let mut out = Vec::with_capacity(width * self.size[1] as usize);
        for y in 0..self.size[1] as usize {
            let start = y * self.row as usize;
            out.extend_from_slice(&data[start..start + width]);
        }
        out
    }
}
