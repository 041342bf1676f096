//! Which engine runs, and why a simulation could not be made.

use crate::gpu::{GpuContext, GpuError};
use crate::model::validate::InvalidField;

/// Which engine computes the per-entity passes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// GPU if a hardware adapter exists, else CPU (a software renderer such
    /// as lavapipe is slower than the CPU engine).
    Auto,
    /// The CPU engine.
    Cpu,
    /// The wgpu compute engine.
    Gpu,
}

impl Backend {
    /// Lower-case name.
    pub fn name(self) -> &'static str {
        match self {
            Backend::Auto => "auto",
            Backend::Cpu => "cpu",
            Backend::Gpu => "gpu",
        }
    }
}

/// Why a simulation could not be created.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    /// The scenario is invalid or cannot be spawned.
    #[error("{0}")]
    Invalid(#[from] InvalidField),
    /// The requested backend is not available.
    #[error("{0}")]
    Backend(String),
    /// The GPU failed during a tick (readback, device lost).
    #[error("GPU backend: {0}")]
    Gpu(#[from] GpuError),
    /// A snapshot could not be read or written.
    #[error("{0}")]
    Snapshot(#[from] crate::snapshot::SnapshotError),
    /// The thread pool could not be created.
    #[error(transparent)]
    Threads(#[from] crate::common::PoolError),
}

/// Opens the GPU for `backend`: `Ok(None)` means the CPU backend, with an
/// optional notice for `auto`.
pub(super) fn open_gpu(backend: Backend) -> Result<(Option<GpuContext>, Option<String>), SimError> {
    match backend {
        Backend::Cpu => Ok((None, None)),
        Backend::Gpu => GpuContext::new().map(|c| (Some(c), None)).map_err(|e| {
            SimError::Backend(format!(
                "--backend gpu: {e}; use --backend cpu (or auto, which falls back to the CPU)"
            ))
        }),
        Backend::Auto => match GpuContext::new() {
            // A software renderer is slower than the CPU engine on the same
            // cores: auto leaves it (with a notice); --backend gpu takes it.
            Ok(c) if c.is_software() => Ok((None, Some(c.software_notice()))),
            Ok(c) => Ok((Some(c), None)),
            Err(e) => Ok((None, Some(format!("{e}; running on the CPU backend")))),
        },
    }
}
