//! The GPU backend: WGSL compute passes in `shaders/` driven through wgpu.
//!
//! Built so far: the device context, shader assembly with shared code,
//! uniform layouts declared in Rust (checked against the WGSL by a test), the
//! RNG twin, the counting-sort spatial hash (`hash_count`, `hash_scan`,
//! `hash_scatter`), `reorder`, the gathers into cell order and back, `steer`,
//! `integrate`, `feed`, `food_regrow` and `emit_events`, each tested against
//! its CPU twin, and `region_of` (the region workers' ownership). The
//! remaining pass (stats) and
//! the GPU-resident tick follow; until they exist `--backend gpu` is refused.

pub mod context;
pub mod dispatch;
pub mod hash;
pub mod layout;
pub mod readback;
pub mod shaders;
pub mod step;
pub mod world;

pub use context::{GpuContext, GpuError};
