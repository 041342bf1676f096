//! The GPU backend: WGSL compute passes in `shaders/` driven through wgpu.
//!
//! - [`context`]: instance, adapter and device (`WGPU_BACKEND` honoured);
//! - [`buffers`]: every buffer, labelled; the per-slot ones grow with the
//!   live end ([`world::GpuWorld::slots`]), the grids are allocated once;
//! - [`kernel`]: the skeleton every pass shares: its bindings declared once
//!   ([`kernel::KernelDecl`], over the buffers as [`views`] names and types
//!   them), from which come the shader's binding lines, the pipelines and
//!   the bind groups;
//! - one module per pass, named as its shader and its CPU twin in
//!   `src/cpu/`: [`hash_count`], [`hash_scan`], [`hash_scatter`] (chained by
//!   [`hash`]), [`reorder`], [`gather`], [`steer`], [`integrate`], [`feed`],
//!   [`food_regrow`], [`region_of`], [`emit_events`], and the GPU-only
//!   [`participants`], [`write_back`] and [`stats`]; each declares its
//!   bindings, records itself, and its `run` drives it alone from CPU data
//!   (the tests compare that with the CPU twin);
//! - [`world`]: the GPU-resident tick chaining them, with timestamp queries
//!   per pass where the adapter has them;
//! - [`layout`]: the structs and constants shared with the shaders, declared
//!   once in Rust ([`wgsl`]: how; [`step`] holds the entity passes' uniform),
//!   their WGSL generated; [`shaders`]: source
//!   assembly; [`readback`]: copying results back.

pub mod buffers;
pub mod context;
pub mod dispatch;
pub mod emit_events;
pub mod engine;
pub mod feed;
pub mod food_regrow;
pub mod gather;
pub mod hash;
pub mod hash_count;
pub mod hash_scan;
pub mod hash_scatter;
pub mod integrate;
pub mod kernel;
pub mod layout;
pub mod participants;
pub mod readback;
pub mod region_of;
pub mod reorder;
pub mod shaders;
pub mod stats;
pub mod steer;
pub mod step;
pub mod views;
pub mod wgsl;
pub mod world;
pub mod write_back;

pub use context::{GpuContext, GpuError};
pub use engine::{GpuEngine, GpuTickStats};
use kernel::Shader;

/// The bindings of every compute shader built with [`kernel::Kernel`]
/// (looked up by shader name when its source is assembled).
pub const KERNELS: &[&kernel::KernelDecl] = &[
    &hash_count::HashCountShader::DECL,
    &hash_scan::HashScanShader::DECL,
    &hash_scatter::HashScatterShader::DECL,
    &reorder::ReorderShader::DECL,
    &gather::GatherShader::DECL,
    &steer::SteerShader::DECL,
    &integrate::IntegrateShader::DECL,
    &feed::FeedShader::DECL,
    &food_regrow::FoodRegrowShader::DECL,
    &region_of::RegionOfShader::DECL,
    &emit_events::EmitEventsShader::DECL,
    &participants::ParticipantsShader::DECL,
    &write_back::WriteBackShader::DECL,
    &stats::StatsShader::DECL,
];
