//! Instance, adapter and device. `WGPU_BACKEND` (vulkan, gl, …) is honoured.

/// Why the GPU could not be used.
#[derive(Debug, thiserror::Error)]
pub enum GpuError {
    /// No adapter was found.
    #[error("no GPU adapter found ({0})")]
    NoAdapter(String),
    /// The device could not be created.
    #[error("cannot open the GPU device on {adapter}: {message}")]
    Device {
        /// Adapter name.
        adapter: String,
        /// What wgpu said.
        message: String,
    },
    /// Reading results back failed.
    #[error("GPU readback failed: {0}")]
    Readback(String),
    /// A buffer would exceed the adapter's limits.
    #[error(
        "{what} needs {bytes} bytes, above this adapter's limit of {limit} bytes per storage binding"
    )]
    TooLarge {
        /// The buffer.
        what: String,
        /// Size asked for.
        bytes: u64,
        /// The adapter's limit.
        limit: u64,
    },
}

/// An open GPU device. Cloning shares the same device (wgpu handles are
/// reference-counted): the viewer renders with a clone of the simulation's.
#[derive(Clone)]
pub struct GpuContext {
    /// The adapter.
    pub adapter: wgpu::Adapter,
    /// The device.
    pub device: wgpu::Device,
    /// Its queue.
    pub queue: wgpu::Queue,
    /// Adapter name, driver and backend, for output.
    pub info: wgpu::AdapterInfo,
    /// The viewer reads the state from data textures instead of storage
    /// buffers: set where vertex shaders cannot read storage buffers
    /// (WebGL2); tests set it to compare both ways of drawing.
    pub draw_from_textures: bool,
}

impl GpuContext {
    /// Opens the default adapter (high performance preferred), with the
    /// adapter's own limits.
    pub fn new() -> Result<Self, GpuError> {
        pollster::block_on(Self::new_async())
    }

    /// As [`GpuContext::new`], for callers that can await (the web).
    pub async fn new_async() -> Result<Self, GpuError> {
        let instance =
            wgpu::Instance::new(wgpu::InstanceDescriptor::new_without_display_handle().with_env());
        Self::on_instance(&instance, None).await
    }

    /// As [`GpuContext::new`], with the device's limits adjusted by `adjust`
    /// from the adapter's (tests: a smaller binding limit, as a browser's
    /// default, on a small world).
    pub fn with_limits(adjust: impl FnOnce(&mut wgpu::Limits)) -> Result<Self, GpuError> {
        let instance =
            wgpu::Instance::new(wgpu::InstanceDescriptor::new_without_display_handle().with_env());
        pollster::block_on(Self::open(&instance, None, |adapter| {
            let mut l = adapter.limits();
            adjust(&mut l);
            l
        }))
    }

    /// Opens an adapter of `instance` that can present to `surface` (when
    /// given), and its device.
    pub async fn on_instance(
        instance: &wgpu::Instance,
        surface: Option<&wgpu::Surface<'_>>,
    ) -> Result<Self, GpuError> {
        Self::open(instance, surface, |a| a.limits()).await
    }

    /// [`GpuContext::on_instance`] with the limits `limits` gives for the
    /// adapter.
    async fn open(
        instance: &wgpu::Instance,
        surface: Option<&wgpu::Surface<'_>>,
        limits: impl FnOnce(&wgpu::Adapter) -> wgpu::Limits,
    ) -> Result<Self, GpuError> {
        let adapter = instance
            .request_adapter(&wgpu::RequestAdapterOptions {
                power_preference: wgpu::PowerPreference::HighPerformance,
                compatible_surface: surface,
                ..Default::default()
            })
            .await
            .map_err(|e| GpuError::NoAdapter(e.to_string()))?;
        let info = adapter.get_info();
        let (device, queue) = adapter
            .request_device(&wgpu::DeviceDescriptor {
                label: Some("evosim.device"),
                required_limits: limits(&adapter),
                // Per-pass GPU timings where the adapter can measure them.
                required_features: adapter.features() & wgpu::Features::TIMESTAMP_QUERY,
                ..Default::default()
            })
            .await
            .map_err(|e| GpuError::Device {
                adapter: info.name.clone(),
                message: e.to_string(),
            })?;
        let flags = adapter.get_downlevel_capabilities().flags;
        Ok(Self {
            adapter,
            device,
            queue,
            info,
            draw_from_textures: !flags.contains(wgpu::DownlevelFlags::VERTEX_STORAGE),
        })
    }

    /// Whether the device runs compute shaders (not on WebGL2): without
    /// them only the CPU backend can run.
    pub fn can_compute(&self) -> bool {
        self.adapter
            .get_downlevel_capabilities()
            .flags
            .contains(wgpu::DownlevelFlags::COMPUTE_SHADERS)
    }

    /// Whether the adapter is a software renderer (lavapipe, llvmpipe,
    /// SwiftShader, WARP: wgpu's `DeviceType::Cpu`). Browsers may not say.
    pub fn is_software(&self) -> bool {
        self.info.device_type == wgpu::DeviceType::Cpu
    }

    /// What `--backend auto` says when it leaves a software renderer for the
    /// CPU backend.
    pub fn software_notice(&self) -> String {
        format!(
            "the GPU adapter ({}) is a software renderer (it runs on the CPU): running on the \
             CPU backend, which is usually faster; the gpu backend (--backend gpu, or \
             backend=gpu in the page) uses the adapter anyway",
            self.describe()
        )
    }

    /// "name (backend, driver)"; browsers hide the name ("WebGPU adapter").
    pub fn describe(&self) -> String {
        if self.info.name.is_empty() {
            return format!("{:?} adapter", self.info.backend).replace("BrowserWebGpu", "WebGPU");
        }
        format!(
            "{} ({:?}, {})",
            self.info.name, self.info.backend, self.info.driver
        )
    }

    /// A storage buffer of `bytes` bytes, refused with a clear error above the
    /// adapter's binding limit.
    pub fn storage(
        &self,
        label: &str,
        bytes: u64,
        extra: wgpu::BufferUsages,
    ) -> Result<wgpu::Buffer, GpuError> {
        let limit = self.device.limits().max_storage_buffer_binding_size;
        if bytes > limit {
            return Err(GpuError::TooLarge {
                what: label.to_string(),
                bytes,
                limit,
            });
        }
        Ok(self.device.create_buffer(&wgpu::BufferDescriptor {
            label: Some(label),
            // At least one element of the largest struct the shaders bind (80 bytes),
            // so that empty arrays still bind.
            size: bytes.max(256).next_multiple_of(4),
            usage: wgpu::BufferUsages::STORAGE
                | wgpu::BufferUsages::COPY_SRC
                | wgpu::BufferUsages::COPY_DST
                | extra,
            mapped_at_creation: false,
        }))
    }
}
