//! The GPU backend: WGSL compute passes in `shaders/` driven through wgpu.
//!
//! - [`context`]: instance, adapter and device (`WGPU_BACKEND` honoured);
//! - [`buffers`]: every buffer, labelled, allocated once per capacity;
//! - one module per pass, named as its shader and its CPU twin in
//!   `src/cpu/`: [`hash_count`], [`hash_scan`], [`hash_scatter`] (chained by
//!   [`hash`]), [`reorder`], [`gather`], [`steer`], [`integrate`], [`feed`],
//!   [`food_regrow`], [`region_of`], [`emit_events`], and the GPU-only
//!   [`snapshot`], [`write_back`] and [`stats`]; each builds its pipeline and
//!   bind groups and records itself, and its `run` drives it alone from CPU
//!   data (the tests compare that with the CPU twin);
//! - [`world`]: the GPU-resident tick chaining them, with timestamp queries
//!   per pass where the adapter has them;
//! - [`layout`]: the uniform and record layouts, declared once (checked
//!   against the WGSL by `tests/shaders.rs`); [`shaders`]: source assembly;
//!   [`readback`]: copying results back.

pub mod buffers;
pub mod context;
pub mod dispatch;
pub mod emit_events;
pub mod feed;
pub mod food_regrow;
pub mod gather;
pub mod hash;
pub mod hash_count;
pub mod hash_scan;
pub mod hash_scatter;
pub mod integrate;
pub mod layout;
pub mod readback;
pub mod region_of;
pub mod reorder;
pub mod shaders;
pub mod snapshot;
pub mod stats;
pub mod steer;
pub mod world;
pub mod write_back;

pub use context::{GpuContext, GpuError};
