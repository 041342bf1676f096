//! The GPU engine: every pass against its CPU twin, and whole GPU worlds (lavapipe in CI).
//!
//! One test binary for these modules, so that the crate is linked once for
//! them all.

#[path = "../common/mod.rs"]
mod common;

mod gpu_passes;
mod gpu_world;
