//! The one check of the GPU-path tests: an adapter, or a skip that says so.
//!
//! Without an adapter a GPU test prints `skipped <test>: <why>` and passes,
//! unless `EVOSIM_REQUIRE_GPU=1` (CI, on lavapipe), where it fails instead.

use evosim::gpu::GpuContext;

/// Whether GPU tests must run (`EVOSIM_REQUIRE_GPU=1`).
pub fn gpu_required() -> bool {
    std::env::var("EVOSIM_REQUIRE_GPU").is_ok_and(|v| v == "1")
}

/// Skips the calling test with a printed reason, or fails it when GPU tests
/// are required.
#[track_caller]
pub fn skip(why: impl std::fmt::Display) {
    let thread = std::thread::current();
    let test = thread.name().unwrap_or("a test");
    if gpu_required() {
        panic!("{test}: EVOSIM_REQUIRE_GPU=1 but {why}");
    }
    eprintln!("skipped {test}: {why} (set EVOSIM_REQUIRE_GPU=1 to make this a failure)");
}

/// The GPU, or `None` once [`skip`] has said why there is none.
pub fn gpu() -> Option<GpuContext> {
    match GpuContext::new() {
        Ok(c) => {
            eprintln!("GPU tests on {}", c.describe());
            Some(c)
        }
        Err(e) => {
            skip(e);
            None
        }
    }
}

/// Whether an adapter exists ([`gpu`], without keeping the device).
pub fn have_gpu() -> bool {
    gpu().is_some()
}
