//! Copying buffers back to the CPU (tests, compact event lists).
//!
//! Every readback is a future: it asks wgpu to map a staging buffer and
//! waits for the map callback. Natively the device is polled until the GPU
//! is done, so the future is ready at once and [`block_on`] runs it on the
//! calling thread. In the browser nothing may block: the callback arrives
//! from the page's event loop, so callers there `.await` the `*_async`
//! functions (the web front end does), and the blocking forms answer with a
//! clear error instead of hanging.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

use super::GpuError;

/// What the blocking readbacks say in the browser.
pub const NO_BLOCKING: &str =
    "a blocking GPU readback is not possible in the browser (use the async form)";

/// Runs `future` to completion on this thread: natively by blocking until it
/// is ready; in the browser (wasm32), only if it completes without waiting
/// (`None` otherwise).
pub fn block_on<F: Future>(future: F) -> Option<F::Output> {
    #[cfg(not(target_arch = "wasm32"))]
    {
        Some(pollster::block_on(future))
    }
    #[cfg(target_arch = "wasm32")]
    {
        let mut future = std::pin::pin!(future);
        match future
            .as_mut()
            .poll(&mut Context::from_waker(Waker::noop()))
        {
            Poll::Ready(v) => Some(v),
            Poll::Pending => None,
        }
    }
}

/// [`block_on`] for a GPU result: `Err` in the browser when it would wait.
pub fn wait<T>(future: impl Future<Output = Result<T, GpuError>>) -> Result<T, GpuError> {
    block_on(future).unwrap_or_else(|| Err(GpuError::Readback(NO_BLOCKING.into())))
}

/// The slot a map callback fills, and the task waiting for it.
type MapSlot = Arc<Mutex<(Option<Result<(), wgpu::BufferAsyncError>>, Option<Waker>)>>;

/// A future that resolves when the map callback has run.
struct Mapped(MapSlot);

impl Future for Mapped {
    type Output = Result<(), wgpu::BufferAsyncError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut s = self.0.lock().unwrap_or_else(|p| p.into_inner());
        match s.0.take() {
            Some(r) => Poll::Ready(r),
            None => {
                s.1 = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    }
}

/// Reads the first `bytes` bytes of `buffer` (which needs `COPY_SRC`).
pub fn read_bytes(
    device: &wgpu::Device,
    queue: &wgpu::Queue,
    buffer: &wgpu::Buffer,
    bytes: u64,
) -> Result<Vec<u8>, GpuError> {
    wait(read_bytes_async(device, queue, buffer, bytes))
}

/// [`read_bytes`], awaiting the GPU.
pub async fn read_bytes_async(
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
    map_copy_async(device, &staging, bytes).await
}

/// Maps the mappable `staging` buffer, waits for the GPU, copies out its first
/// `bytes` bytes and unmaps it.
pub fn map_copy(
    device: &wgpu::Device,
    staging: &wgpu::Buffer,
    bytes: u64,
) -> Result<Vec<u8>, GpuError> {
    wait(map_copy_async(device, staging, bytes))
}

/// [`map_copy`], awaiting the GPU.
pub async fn map_copy_async(
    device: &wgpu::Device,
    staging: &wgpu::Buffer,
    bytes: u64,
) -> Result<Vec<u8>, GpuError> {
    if bytes == 0 {
        return Ok(Vec::new());
    }
    let slice = staging.slice(..bytes.next_multiple_of(4));
    let slot: MapSlot = Arc::new(Mutex::new((None, None)));
    let tx = slot.clone();
    slice.map_async(wgpu::MapMode::Read, move |r| {
        let mut s = tx.lock().unwrap_or_else(|p| p.into_inner());
        s.0 = Some(r);
        if let Some(w) = s.1.take() {
            w.wake();
        }
    });
    // Natively this waits for the GPU and runs the callback; in the browser
    // it returns at once and the callback comes from the event loop.
    device
        .poll(wgpu::PollType::wait_indefinitely())
        .map_err(|e| GpuError::Readback(e.to_string()))?;
    Mapped(slot)
        .await
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
    wait(read_async(device, queue, buffer, len))
}

/// [`read`], awaiting the GPU.
pub async fn read_async<T: bytemuck::Pod>(
    device: &wgpu::Device,
    queue: &wgpu::Queue,
    buffer: &wgpu::Buffer,
    len: usize,
) -> Result<Vec<T>, GpuError> {
    let bytes = (len * std::mem::size_of::<T>()) as u64;
    let bytes = read_bytes_async(device, queue, buffer, bytes).await?;
    Ok(bytemuck::pod_collect_to_vec(&bytes))
}
