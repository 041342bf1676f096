//! Copying buffers back to the CPU (tests, compact event lists).

use super::GpuError;

/// Reads the first `bytes` bytes of `buffer` (which needs `COPY_SRC`).
pub fn read_bytes(
    device: &wgpu::Device,
    queue: &wgpu::Queue,
    buffer: &wgpu::Buffer,
    bytes: u64,
) -> Result<Vec<u8>, GpuError> {
    if bytes == 0 {
        return Ok(Vec::new());
    }
    let staging = device.create_buffer(&wgpu::BufferDescriptor {
        label: Some("sim.readback"),
        size: bytes.next_multiple_of(4),
        usage: wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
        mapped_at_creation: false,
    });
    let mut enc = device.create_command_encoder(&wgpu::CommandEncoderDescriptor {
        label: Some("sim.readback"),
    });
    enc.copy_buffer_to_buffer(buffer, 0, &staging, 0, bytes.next_multiple_of(4));
    queue.submit([enc.finish()]);
    map_copy(device, &staging, bytes)
}

/// Maps the mappable `staging` buffer, waits for the GPU, copies out its first
/// `bytes` bytes and unmaps it.
pub fn map_copy(
    device: &wgpu::Device,
    staging: &wgpu::Buffer,
    bytes: u64,
) -> Result<Vec<u8>, GpuError> {
    if bytes == 0 {
        return Ok(Vec::new());
    }
    let slice = staging.slice(..bytes.next_multiple_of(4));
    let (tx, rx) = std::sync::mpsc::channel();
    slice.map_async(wgpu::MapMode::Read, move |r| {
        let _ = tx.send(r);
    });
    device
        .poll(wgpu::PollType::wait_indefinitely())
        .map_err(|e| GpuError::Readback(e.to_string()))?;
    rx.recv()
        .map_err(|e| GpuError::Readback(e.to_string()))?
        .map_err(|e| GpuError::Readback(e.to_string()))?;
    let data = slice
        .get_mapped_range()
        .map_err(|e| GpuError::Readback(e.to_string()))?[..bytes as usize]
        .to_vec();
    staging.unmap();
    Ok(data)
}

/// Reads `len` values of a plain type.
pub fn read<T: bytemuck::Pod>(
    device: &wgpu::Device,
    queue: &wgpu::Queue,
    buffer: &wgpu::Buffer,
    len: usize,
) -> Result<Vec<T>, GpuError> {
    let bytes = read_bytes(
        device,
        queue,
        buffer,
        (len * std::mem::size_of::<T>()) as u64,
    )?;
    Ok(bytemuck::pod_collect_to_vec(&bytes))
}
